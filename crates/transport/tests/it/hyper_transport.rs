//! `HyperTransport` over real sockets, against in-process servers on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use support::{RawServer, TestServer, chunked, endless, full, stalled};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use twilio_transport::test_util::RecordingSleeper;
use twilio_transport::{
    Attempt, HttpTransport, HyperTransport, RetryPolicy, RetrySafety, RetryTransport,
    TransportErrorKind,
};

/// A read: marked safe to repeat, as the client marks its reads.
fn get(url: &str) -> http::Request<Bytes> {
    http::Request::get(url)
        .extension(RetrySafety::Idempotent)
        .body(Bytes::new())
        .unwrap()
}

fn transport() -> HyperTransport {
    HyperTransport::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn ok(body: impl Into<Bytes>) -> http::Response<support::TestBody> {
    http::Response::builder()
        .header("content-type", "application/json")
        .body(full(body))
        .unwrap()
}

#[tokio::test]
async fn sequential_requests_reuse_one_connection() {
    let server = TestServer::start(|request| async move {
        let page = request.uri().query().unwrap_or("").to_owned();
        ok(format!(r#"{{"page":"{page}"}}"#))
    })
    .await;
    let transport = transport();
    for page in 0..10 {
        let url = server.url(&format!("/2010-04-01/Accounts/AC1/Calls.json?Page={page}"));
        let response = transport.send(get(&url)).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.body(),
            format!(r#"{{"page":"Page={page}"}}"#).as_str()
        );
    }
    assert_eq!(server.requests().len(), 10);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn sends_method_headers_and_body_and_returns_non_2xx_as_responses() {
    let server = TestServer::start(|request| async move {
        use http_body_util::BodyExt as _;
        let method = request.method().clone();
        let body = request.into_body().collect().await.unwrap().to_bytes();
        let mut response = ok(format!("{method} {}", String::from_utf8_lossy(&body)));
        *response.status_mut() = http::StatusCode::NOT_FOUND;
        response
    })
    .await;
    let mut request = http::Request::post(server.url("/2010-04-01/Accounts/AC1/Calls.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from_static(b"To=%2B15005550006"))
        .unwrap();
    let mut auth = http::HeaderValue::from_static("Basic QUMxOnNlY3JldA==");
    auth.set_sensitive(true);
    request
        .headers_mut()
        .insert(http::header::AUTHORIZATION, auth);
    let response = transport().send(request).await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.body(), "POST To=%2B15005550006");
    let seen = &server.requests()[0];
    assert_eq!(seen.headers["authorization"], "Basic QUMxOnNlY3JldA==");
    assert_eq!(seen.headers["host"], server.addr().to_string().as_str());
    assert_eq!(seen.uri.path(), "/2010-04-01/Accounts/AC1/Calls.json");
}

#[tokio::test]
async fn slow_headers_time_out() {
    let server = TestServer::start(|_| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        ok("{}")
    })
    .await;
    let transport = HyperTransport::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = transport
        .send(get(&server.url("/slow?PageToken=abc")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error}");
    assert!(error.is_timeout() && error.is_retryable());
    assert_eq!(error.uri(), Some(server.url("/slow").as_str()));
    assert!(!error.to_string().contains("PageToken"), "{error}");
}

#[tokio::test]
async fn a_stalled_body_times_out() {
    let server =
        TestServer::start(|_| async { http::Response::new(stalled(b"{\"calls\": [")) }).await;
    let transport = HyperTransport::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = transport
        .send(get(&server.url("/stall")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error}");
    // The words people search logs for, then what exactly did not happen in time.
    assert!(
        error
            .to_string()
            .ends_with("/stall: timed out: no complete response within 200ms"),
        "{error}"
    );
}

fn capped(cap: usize) -> HyperTransport {
    HyperTransport::builder()
        .timeout(Duration::from_secs(10))
        .max_body_size(cap)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_body_at_the_cap_is_accepted() {
    let server = TestServer::start(|request| async move {
        match request.uri().path() {
            "/full" => ok(vec![b'x'; 1024]),
            _ => http::Response::new(chunked(&[b'y'; 256], 4)),
        }
    })
    .await;
    let transport = capped(1024);
    let full_body = transport.send(get(&server.url("/full"))).await.unwrap();
    assert_eq!(full_body.body().len(), 1024);
    let chunked_body = transport.send(get(&server.url("/chunked"))).await.unwrap();
    assert_eq!(chunked_body.body().len(), 1024);
    assert!(chunked_body.body().iter().all(|b| *b == b'y'));
}

#[tokio::test]
async fn a_declared_length_over_the_cap_is_refused() {
    let server = TestServer::start(|_| async { ok(vec![b'x'; 1025]) }).await;
    let error = capped(1024)
        .send(get(&server.url("/big")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge, "{error}");
    assert!(error.to_string().contains("1025-byte body"), "{error}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_chunked_body_over_the_cap_is_cut_off() {
    let server =
        TestServer::start(|_| async { http::Response::new(chunked(&[b'x'; 100], 11)) }).await;
    let error = capped(1024)
        .send(get(&server.url("/big")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge, "{error}");
    assert!(
        error
            .to_string()
            .contains("grew over the cap of 1024 bytes"),
        "{error}"
    );
}

#[tokio::test]
async fn an_endless_body_is_cut_off_while_streaming() {
    // Buffering the whole body first would never end: only a cap checked per frame stops it.
    let server = TestServer::start(|_| async { http::Response::new(endless(&[b'x'; 4096])) }).await;
    let error = capped(64 * 1024)
        .send(get(&server.url("/endless")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge, "{error}");
}

#[tokio::test]
async fn a_body_cut_short_is_a_retryable_io_error() {
    let server =
        RawServer::start(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789").await;
    let error = transport()
        .send(get(&server.url("/cut")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Io, "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_connection_closed_before_headers_is_a_retryable_io_error() {
    let server = RawServer::start(b"").await;
    let error = transport()
        .send(get(&server.url("/gone")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Io, "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let error = transport()
        .send(get(&format!("http://{addr}/nobody")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
    assert!(error.is_connect() && error.is_retryable());
}

#[tokio::test]
async fn plain_http_to_a_public_host_is_refused() {
    let error = transport()
        .send(get("http://example.com/2010-04-01/Accounts.json"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Refused, "{error}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("https://"), "{error}");
}

#[tokio::test]
async fn plain_http_to_a_non_loopback_address_is_refused_before_connecting() {
    let server = TestServer::start(|_| async { ok("{}") }).await;
    let port = server.addr().port();
    // 0.0.0.0 is not a loopback address, but on Linux connecting to it reaches this machine:
    // if the transport dialled, this server would see the connection.
    let error = transport()
        .send(get(&format!("http://0.0.0.0:{port}/x")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Refused, "{error}");
    assert_eq!(server.connections(), 0);

    // Control: the same destination is reachable, so the count above means something.
    let mut stream = tokio::net::TcpStream::connect(("0.0.0.0", port))
        .await
        .unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn https_failures_are_connect_errors_not_plaintext() {
    // A plain-HTTP server spoken to with https://: the TLS handshake fails.
    let server = TestServer::start(|_| async { ok("{}") }).await;
    let error = transport()
        .send(get(&format!("https://{}/x", server.addr())))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn retry_over_real_sockets_recovers_from_a_503() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = TestServer::start(move |_| {
        let call = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            let mut response = ok(format!(r#"{{"call":{call}}}"#));
            if call == 0 {
                *response.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
            }
            response
        }
    })
    .await;
    let sleeper = RecordingSleeper::new();
    let transport = RetryTransport::new(transport())
        .with_policy(RetryPolicy::default())
        .with_sleeper(sleeper.clone());
    let response = transport.send(get(&server.url("/flaky"))).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), r#"{"call":1}"#);
    assert_eq!(
        response.extensions().get::<Attempt>(),
        Some(&Attempt::new(2))
    );
    assert_eq!(sleeper.durations().len(), 1);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn an_unrequested_content_encoding_is_its_own_error() {
    // gzip bytes announced as such, to a request that accepted no encoding: before this
    // check the body was handed on and failed later as a JSON syntax error.
    let server = TestServer::start(|_| async {
        http::Response::builder()
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .header("twilio-request-id", "RQgzip")
            .body(full(&b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"[..]))
            .unwrap()
    })
    .await;
    let url = server.url("/2010-04-01/Accounts/AC1/Calls.json");
    let error = transport().send(get(&url)).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::ContentEncoding, "{error}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("\"gzip\""), "{error}");
    assert_eq!(error.request_id(), Some("RQgzip"));

    // A request that asks for gzip gets the encoded body as it came.
    let request = http::Request::get(&url)
        .header("accept-encoding", "gzip")
        .body(Bytes::new())
        .unwrap();
    let response = transport().send(request).await.unwrap();
    assert_eq!(response.body().first(), Some(&0x1f));
}

#[tokio::test]
async fn errors_after_the_headers_keep_the_request_id() {
    let server = RawServer::start(
        b"HTTP/1.1 200 OK\r\nTwilio-Request-Id: RQcut\r\nContent-Length: 1000\r\n\r\n0123456789",
    )
    .await;
    let error = transport()
        .send(get(&server.url("/cut")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Io, "{error}");
    assert_eq!(error.request_id(), Some("RQcut"));
}
