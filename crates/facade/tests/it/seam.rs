//! The one request path with operations the resource tree does not wrap yet: a generated write
//! (`CreateMessage`, `DeleteMessage`) and a `meta`-envelope list on another product's host,
//! through the same client, transport and pager as every read: nothing in the transport or
//! the pager knows about either.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use twilio_api::model::{ListResource, MetaPage};
use twilio_api::operation::Operation;
use twilio_api::test_util::{FnTransport, RecordingSleeper, json_response};
use twilio_api::{Client, Error, ListRequest, RetrySafety, WriteRequest, operations};
use twilio_transport::retry::NoJitter;
use twilio_transport::{RetryTransport, TransportError, TransportErrorKind};

const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const MESSAGE: &str = "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/// A client over `server` wrapped in the retry layer the default client has (instant sleeps).
fn client_over(server: &FnTransport) -> Client {
    let retrying = RetryTransport::new(server.clone())
        .with_sleeper(RecordingSleeper::new())
        .with_jitter(NoJitter);
    Client::builder()
        .auth_token(ACCOUNT.parse().unwrap(), "token")
        .transport(Arc::new(retrying))
        .build()
        .unwrap()
}

fn messages_path() -> String {
    format!("/2010-04-01/Accounts/{ACCOUNT}/Messages.json")
}

fn create_message(client: &Client) -> WriteRequest<twilio_api::model::Message> {
    WriteRequest::new(client, &operations::CREATE_MESSAGE, messages_path())
        .param("To", "+15005550006")
        .param("From", "+15005550001")
        .param("Body", "Hi & bye = 100% #1 😀\n日本 <tag> \"q\"")
        .param("MediaUrl", "https://example.com/a.png")
        .param("MediaUrl", "https://example.com/b.png")
}

fn created() -> http::Response<bytes::Bytes> {
    json_response(
        201,
        format!(r#"{{"sid": "{MESSAGE}", "status": "queued", "to": "+15005550006"}}"#),
    )
}

#[tokio::test]
async fn a_generated_write_is_sent_once_with_its_form_body_encoded_exactly() {
    let server = FnTransport::new(|_| Ok(created()));
    let message = create_message(&client_over(&server)).send().await.unwrap();
    assert_eq!(message.sid.unwrap().as_str(), MESSAGE);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.uri().to_string(),
        format!("https://api.twilio.com{}", messages_path())
    );
    assert_eq!(
        request.headers()[http::header::CONTENT_TYPE],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        request.extensions().get::<RetrySafety>(),
        Some(&RetrySafety::NotIdempotent)
    );
    let sent: Vec<(String, String)> = form_urlencoded::parse(request.body())
        .into_owned()
        .collect();
    let expected: Vec<(String, String)> = [
        ("To", "+15005550006"),
        ("From", "+15005550001"),
        ("Body", "Hi & bye = 100% #1 😀\n日本 <tag> \"q\""),
        ("MediaUrl", "https://example.com/a.png"),
        ("MediaUrl", "https://example.com/b.png"),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect();
    assert_eq!(
        sent, expected,
        "byte-exact, in order, arrays as repeated keys"
    );
}

#[tokio::test]
async fn a_write_answered_5xx_is_of_unknown_outcome_and_not_repeated() {
    let server = FnTransport::new(|_| {
        let mut response = json_response(
            503,
            r#"{"code": 20503, "message": "Service unavailable", "status": 503}"#,
        );
        response
            .headers_mut()
            .insert("twilio-request-id", "RQunknown".parse().unwrap());
        Ok(response)
    });
    let error = create_message(&client_over(&server))
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1, "never sent twice");
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.request_id(), Some("RQunknown"));
    assert_eq!(error.resume_uri(), None, "a write has nothing to resume");
    assert!(error.to_string().contains("is unknown"), "{error}");
}

#[tokio::test]
async fn a_write_cut_after_sending_is_of_unknown_outcome_and_not_repeated() {
    for kind in [TransportErrorKind::Io, TransportErrorKind::Timeout] {
        let server = FnTransport::new(move |request| {
            Err(TransportError::new(
                kind,
                request.method().clone(),
                request.uri().to_string(),
                "cut after the request was sent",
            ))
        });
        let error = create_message(&client_over(&server))
            .send()
            .await
            .unwrap_err();
        assert_eq!(server.requests().len(), 1, "{kind:?}: never sent twice");
        let Error::OutcomeUnknown { source, .. } = &error else {
            panic!("{kind:?}: expected OutcomeUnknown, got {error:?}");
        };
        assert!(matches!(**source, Error::Transport { .. }), "{source:?}");
    }
}

#[tokio::test]
async fn a_write_is_repeated_after_a_429_or_a_failed_connect_and_refusals_are_known() {
    let served = std::sync::atomic::AtomicUsize::new(0);
    let server = FnTransport::new(move |request| {
        match served.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
            0 => Ok(json_response(
                429,
                r#"{"code": 20429, "message": "Too many"}"#,
            )),
            1 => Err(TransportError::new(
                TransportErrorKind::Connect,
                request.method().clone(),
                request.uri().to_string(),
                "connection refused",
            )),
            _ => Ok(created()),
        }
    });
    let message = create_message(&client_over(&server)).send().await.unwrap();
    assert_eq!(message.sid.unwrap().as_str(), MESSAGE);
    assert_eq!(server.requests().len(), 3);

    let refused = FnTransport::new(|_| {
        Ok(json_response(
            400,
            r#"{"code": 21211, "message": "The 'To' number is not a valid phone number."}"#,
        ))
    });
    let error = create_message(&client_over(&refused))
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.requests().len(), 1);
    assert!(!error.is_outcome_unknown());
    assert_eq!(error.code(), Some(21211));
}

#[tokio::test]
async fn a_generated_delete_is_idempotent_and_answers_nothing() {
    let served = std::sync::atomic::AtomicUsize::new(0);
    let server = FnTransport::new(move |_| {
        Ok(
            match served.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => json_response(502, "<html>bad gateway</html>"),
                _ => json_response(204, ""),
            },
        )
    });
    let client = client_over(&server);
    let path = format!("/2010-04-01/Accounts/{ACCOUNT}/Messages/{MESSAGE}.json");
    let removed: () = WriteRequest::new(&client, &operations::DELETE_MESSAGE, path)
        .send()
        .await
        .unwrap();
    assert_eq!(removed, ());
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "a DELETE may be repeated");
    assert_eq!(requests[1].method(), http::Method::DELETE);
    assert!(requests[1].body().is_empty());
    assert!(
        requests[1]
            .extensions()
            .get::<RetrySafety>()
            .unwrap()
            .is_idempotent()
    );
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
struct Service {
    sid: String,
}

/// `GET https://verify.twilio.com/v2/Services`, items under `services` in the `meta` envelope.
enum Services {}

impl ListResource for Services {
    const ITEMS_KEY: &'static str = "services";
    type Item = Service;
}

static LIST_SERVICE: Operation =
    Operation::new("ListService", http::Method::GET, "verify", "/v2/Services");

/// Page `page` of services, holding `ids`, linking to `next` (absolute, as Twilio sends it).
fn meta_page(origin: &str, page: u32, ids: &[u32], next: Option<&str>) -> String {
    let services: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({ "sid": format!("VA{id:032}") }))
        .collect();
    serde_json::json!({
        "services": services,
        "meta": {
            "page": page,
            "page_size": 2,
            "first_page_url": format!("{origin}/v2/Services?PageSize=2&Page=0"),
            "previous_page_url": null,
            "url": format!("{origin}/v2/Services?PageSize=2&Page={page}"),
            "next_page_url": next,
            "key": "services",
        },
    })
    .to_string()
}

fn regional_client(server: &FnTransport) -> Client {
    Client::builder()
        .auth_token(ACCOUNT.parse().unwrap(), "token")
        .region("ie1")
        .edge("dublin")
        .transport(Arc::new(server.clone()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_meta_list_pages_on_its_product_host_following_absolute_links() {
    const ORIGIN: &str = "https://verify.dublin.ie1.twilio.com";
    let server = FnTransport::new(|request| {
        let uri = request.uri().to_string();
        Ok(json_response(
            200,
            if uri.ends_with("PageToken=PT2") {
                meta_page(ORIGIN, 1, &[3], None)
            } else {
                meta_page(
                    ORIGIN,
                    0,
                    &[1, 2],
                    Some(&format!(
                        "{ORIGIN}/v2/Services?PageSize=2&Page=1&PageToken=PT2"
                    )),
                )
            },
        ))
    });
    let client = regional_client(&server);
    let services = ListRequest::<MetaPage<Services>>::new(&client, &LIST_SERVICE, "/v2/Services")
        .page_size(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(services.len(), 3);
    let sent: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.uri().to_string())
        .collect();
    assert_eq!(
        sent,
        [
            format!("{ORIGIN}/v2/Services?PageSize=2"),
            format!("{ORIGIN}/v2/Services?PageSize=2&Page=1&PageToken=PT2"),
        ]
    );
}

#[tokio::test]
async fn a_meta_list_refuses_a_link_to_another_origin_and_a_cycle() {
    const ORIGIN: &str = "https://verify.twilio.com";
    for next in [
        "https://evil.example/v2/Services?Page=1",
        // Another Twilio product's host is another origin too.
        "https://api.twilio.com/v2/Services?Page=1",
        // The page just fetched, spelt absolutely: a cycle.
        "https://verify.twilio.com/v2/Services?PageSize=2",
    ] {
        let server = FnTransport::new(move |_| {
            Ok(json_response(
                200,
                meta_page(ORIGIN, 0, &[1, 2], Some(next)),
            ))
        });
        let client = Client::builder()
            .auth_token(ACCOUNT.parse().unwrap(), "token")
            .transport(Arc::new(server.clone()))
            .build()
            .unwrap();
        let (services, error) =
            ListRequest::<MetaPage<Services>>::new(&client, &LIST_SERVICE, "/v2/Services")
                .page_size(2)
                .collect_partial()
                .await;
        assert_eq!(services.len(), 2, "{next}: the first page is delivered");
        let Some(Error::Paging { source, .. }) = &error else {
            panic!("{next}: expected a paging stop, got {error:?}");
        };
        let text = source.to_string();
        assert!(
            text.contains("another origin") || text.contains("already fetched"),
            "{next}: {text}"
        );
        assert_eq!(server.requests().len(), 1, "{next}: nothing sent there");
    }
}

#[tokio::test]
async fn an_empty_answer_is_nothing_only_for_a_delete_or_a_204() {
    let server = FnTransport::new(|_| Ok(json_response(200, "")));
    let client = client_over(&server);
    let call = format!("CA{}", "c".repeat(32)).parse().unwrap();
    let error = client.call(call).fetch_raw().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");

    let path = format!("/2010-04-01/Accounts/{ACCOUNT}/Messages/{MESSAGE}.json");
    let removed = WriteRequest::<()>::new(&client, &operations::DELETE_MESSAGE, path)
        .send_raw()
        .await
        .unwrap();
    assert_eq!(removed.get(), "null");
}

#[tokio::test]
async fn many_writes_each_sent_once_with_their_outcome_and_429s_sent_again() {
    use futures::StreamExt as _;
    use twilio_api::bulk::{Outcome, send_all};

    // Each recipient's number says what Twilio does with it.
    let tries = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<
        String,
        u32,
    >::new()));
    let seen = Arc::clone(&tries);
    let server = FnTransport::new(move |request| {
        let body = String::from_utf8_lossy(request.body()).into_owned();
        let to = form_urlencoded::parse(body.as_bytes())
            .find(|(name, _)| name == "To")
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        let n = {
            let mut tries = seen.lock().unwrap();
            let n = tries.entry(to.clone()).or_default();
            *n += 1;
            *n
        };
        Ok(match to.as_str() {
            "+15005550001" => json_response(400, r#"{"code": 21211, "message": "invalid To"}"#),
            "+15005550002" => json_response(500, r#"{"code": 20500, "message": "oops"}"#),
            // Five 429s in a row: more than the transport's own three retries.
            "+15005550003" if n <= 5 => json_response(429, r#"{"code": 20429}"#),
            _ => created(),
        })
    });
    let client = client_over(&server);
    let recipients = [
        "+15005550000",
        "+15005550001",
        "+15005550002",
        "+15005550003",
    ];
    let writes = recipients.iter().map(|to| {
        client
            .messages()
            .create(*to)
            .from("+15005550009")
            .body("Hi")
    });
    let mut outcomes: Vec<(usize, Outcome<twilio_api::model::Message>)> =
        send_all(writes, 2).collect().await;
    outcomes.sort_by_key(|(index, _)| *index);
    assert_eq!(outcomes.len(), 4);
    assert!(matches!(outcomes[0].1, Outcome::Created(_)));
    assert!(matches!(&outcomes[1].1, Outcome::Refused(e) if e.code() == Some(21211)));
    assert!(matches!(&outcomes[2].1, Outcome::Unknown(e) if e.status() == Some(500)));
    assert!(
        matches!(outcomes[3].1, Outcome::Created(_)),
        "429s never end a write as failed"
    );
    let tries = tries.lock().unwrap();
    assert_eq!(tries["+15005550000"], 1);
    assert_eq!(tries["+15005550001"], 1);
    assert_eq!(
        tries["+15005550002"], 1,
        "a write of unknown outcome is never sent again"
    );
    assert_eq!(tries["+15005550003"], 6);
}
