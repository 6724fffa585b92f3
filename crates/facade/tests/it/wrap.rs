//! `ClientBuilder::wrap_transport`: a transport of the user's around the one the client would
//! otherwise use, given or default.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use twilio_api::{AccountSid, Client, HttpTransport, TransportError};
use twilio_transport::test_util::{FnTransport, json_response};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";

/// Adds `x-wrapped: <name>` to each request and counts them.
#[derive(Debug)]
struct Tagging {
    name: &'static str,
    seen: Arc<AtomicUsize>,
    inner: Arc<dyn HttpTransport>,
}

#[async_trait::async_trait]
impl HttpTransport for Tagging {
    async fn send(
        &self,
        mut request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        self.seen.fetch_add(1, Ordering::SeqCst);
        request
            .headers_mut()
            .append("x-wrapped", http::HeaderValue::from_static(self.name));
        self.inner.send(request).await
    }
}

fn tag(
    name: &'static str,
    seen: &Arc<AtomicUsize>,
) -> impl Fn(Arc<dyn HttpTransport>) -> Arc<dyn HttpTransport> + Send + Sync + 'static {
    let seen = Arc::clone(seen);
    move |inner| {
        Arc::new(Tagging {
            name,
            seen: Arc::clone(&seen),
            inner,
        })
    }
}

#[tokio::test]
async fn wraps_nest_in_order_around_the_given_transport() {
    let server = FnTransport::new(|_| {
        Ok(json_response(
            200,
            r#"{"calls": [], "next_page_uri": null}"#,
        ))
    });
    let (outer_seen, inner_seen) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let account: AccountSid = ACCOUNT.parse().unwrap();
    let builder = Client::builder()
        .auth_token(account, "token")
        .transport(Arc::new(server.clone()))
        .wrap_transport(tag("first", &inner_seen))
        .wrap_transport(tag("second", &outer_seen));
    assert!(format!("{builder:?}").contains("wrappers: 2"));
    let client = builder.build().unwrap();

    client.calls().list().collect().await.unwrap();
    client.calls().list().collect().await.unwrap();
    assert_eq!(outer_seen.load(Ordering::SeqCst), 2);
    assert_eq!(inner_seen.load(Ordering::SeqCst), 2);
    for request in server.requests() {
        let tags: Vec<_> = request.headers().get_all("x-wrapped").iter().collect();
        // The last wrap is the outermost: it sees the request first.
        assert_eq!(tags, ["second", "first"]);
    }
}

#[tokio::test]
async fn a_wrap_around_the_default_transport_sees_its_errors() {
    // Nothing listens on port 9 of loopback: the default transport fails to connect, and
    // the wrap sees the request and hands the error back untouched.
    let seen = Arc::new(AtomicUsize::new(0));
    let account: AccountSid = ACCOUNT.parse().unwrap();
    let client = Client::builder()
        .auth_token(account, "token")
        .base_url("http://127.0.0.1:9")
        .max_retries(0)
        .no_proxy()
        .wrap_transport(tag("only", &seen))
        .build()
        .unwrap();
    let err = client.calls().list().collect().await.unwrap_err();
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert!(
        matches!(err, twilio_api::Error::Transport { .. }),
        "{err:?}"
    );
}
