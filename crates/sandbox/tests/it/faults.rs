//! Scripted faults, each observed through a real HTTP connection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::Value;
use support::{Conn, Reply, account_auth, assert_twilio_error, get};
use twilio_sandbox::{Fault, FaultRule, Sandbox};

async fn sandbox(events: u64) -> (Sandbox, String) {
    let sandbox = Sandbox::builder()
        .seed(77)
        .calls(0)
        .call_with_events(events)
        .start()
        .await
        .unwrap();
    let path = format!(
        "{}?PageSize=20",
        sandbox.events_path(&sandbox.call_sids()[0])
    );
    (sandbox, path)
}

/// The page as served without a fault (pages are deterministic).
async fn clean(sandbox: &Sandbox, path: &str) -> Reply {
    assert_eq!(sandbox.faults().pending(), 0, "a fault is still queued");
    get(sandbox, path).await
}

#[tokio::test]
async fn status_faults_answer_twilio_json_or_html_then_are_consumed() {
    let (sandbox, path) = sandbox(60).await;
    sandbox.faults().push(Fault::Status {
        status: StatusCode::SERVICE_UNAVAILABLE,
        retry_after: Some(1),
        html: false,
    });
    sandbox.faults().push(Fault::too_many_requests(None));
    sandbox.faults().push(Fault::Status {
        status: StatusCode::BAD_GATEWAY,
        retry_after: Some(3),
        html: true,
    });
    let mut conn = Conn::h1(sandbox.addr()).await;
    let auth = account_auth(&sandbox);

    let r = conn.get(&path, Some(&auth)).await;
    assert_twilio_error(&r, 503, 20503);
    assert_eq!(r.header("retry-after"), Some("1"));

    let r = conn.get(&path, Some(&auth)).await;
    assert_twilio_error(&r, 429, 20429);
    assert_eq!(r.header("retry-after"), None);

    let r = conn.get(&path, Some(&auth)).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert_eq!(r.header("retry-after"), Some("3"));
    assert!(String::from_utf8_lossy(&r.body).contains("502 Bad Gateway"));

    // All consumed: the same connection now gets the page.
    let r = conn.get(&path, Some(&auth)).await;
    assert_eq!(r.status, StatusCode::OK);
    let stats = sandbox.stats();
    assert_eq!(stats.faults_injected, 3);
    assert_eq!(stats.pages_served, 1);
    assert_eq!(stats.connections_accepted, 1);
    let faults: Vec<Option<Fault>> = sandbox.requests().into_iter().map(|r| r.fault).collect();
    assert_eq!(faults[1], Some(Fault::too_many_requests(None)));
    assert_eq!(faults[3], None);
}

#[tokio::test]
async fn faults_only_hit_page_requests_that_match() {
    let (sandbox, path) = sandbox(60).await;
    let call = sandbox.call_sids()[0].clone();
    sandbox.faults().push_rule(
        FaultRule::new(Fault::status(500))
            .on_page(1)
            .on_call(call.clone())
            .times(2),
    );
    let mut conn = Conn::h1(sandbox.addr()).await;
    let auth = account_auth(&sandbox);
    // Unauthenticated and page-0 requests do not consume the rule.
    assert_eq!(conn.get(&path, None).await.status, StatusCode::UNAUTHORIZED);
    let page0 = conn.get(&path, Some(&auth)).await.json();
    let next = page0["next_page_uri"].as_str().unwrap().to_owned();
    assert_twilio_error(&conn.get(&next, Some(&auth)).await, 500, 20500);
    assert_twilio_error(&conn.get(&next, Some(&auth)).await, 500, 20500);
    assert_eq!(conn.get(&next, Some(&auth)).await.status, StatusCode::OK);
    assert_eq!(sandbox.faults().pending(), 0);
    // A rule for another call never fires here.
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::EmptyOk).on_call("CA0123456789abcdef0123456789abcdef"));
    assert_eq!(conn.get(&path, Some(&auth)).await.status, StatusCode::OK);
    assert_eq!(sandbox.faults().pending(), 1);
    sandbox.faults().clear();
    assert_eq!(sandbox.faults().pending(), 0);
}

#[tokio::test]
async fn delay_and_stall_still_deliver_the_exact_page() {
    let (sandbox, path) = sandbox(60).await;
    let expected = clean(&sandbox, &path).await;
    sandbox
        .faults()
        .push(Fault::Delay(Duration::from_millis(20)));
    sandbox.faults().push(Fault::StallBody {
        after_bytes: 100,
        pause: Duration::from_millis(20),
    });
    let mut conn = Conn::h1(sandbox.addr()).await;
    let auth = account_auth(&sandbox);
    let delayed = conn.get(&path, Some(&auth)).await;
    assert_eq!(delayed.body, expected.body);
    let stalled = conn.get(&path, Some(&auth)).await;
    assert_eq!(stalled.status, StatusCode::OK);
    assert_eq!(
        stalled.header("content-length"),
        Some(expected.body.len().to_string().as_str())
    );
    assert_eq!(stalled.body, expected.body);
}

#[tokio::test]
async fn a_cut_body_fails_the_read_after_the_declared_length_was_sent() {
    let (sandbox, path) = sandbox(60).await;
    let expected = clean(&sandbox, &path).await;
    sandbox.faults().push(Fault::CutBody { after_bytes: 200 });
    let mut conn = Conn::h1(sandbox.addr()).await;
    let (status, headers, body) = conn
        .try_send(Method::GET, &path, Some(&account_auth(&sandbox)))
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-length"].to_str().unwrap(),
        expected.body.len().to_string()
    );
    let err = body.unwrap_err();
    // hyper reports the missing bytes as an unexpected end of file.
    let io = std::error::Error::source(&err)
        .and_then(|e| e.downcast_ref::<std::io::Error>())
        .unwrap_or_else(|| panic!("not an I/O error: {err:?}"));
    assert_eq!(io.kind(), std::io::ErrorKind::UnexpectedEof, "{err:?}");
    // The server is still fine for new connections.
    assert_eq!(clean(&sandbox, &path).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_cut_body_over_raw_tcp_stops_at_the_cut() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (sandbox, path) = sandbox(60).await;
    let expected = clean(&sandbox, &path).await;
    sandbox.faults().push(Fault::CutBody { after_bytes: 200 });
    let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\n\r\n",
        account_auth(&sandbox)
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    // Reads until the server closes the connection (or resets it after the cut).
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("content-length: {}", expected.body.len()))
    );
    assert_eq!(body.len(), 200);
    assert_eq!(body.as_bytes(), &expected.body[..200]);
}

#[tokio::test]
async fn disconnect_closes_without_an_answer() {
    let (sandbox, path) = sandbox(60).await;
    sandbox.faults().push(Fault::Disconnect);
    let mut conn = Conn::h1(sandbox.addr()).await;
    let err = conn
        .try_send(Method::GET, &path, Some(&account_auth(&sandbox)))
        .await
        .unwrap_err();
    assert!(
        err.is_incomplete_message() || err.is_closed() || err.is_canceled(),
        "{err:?}"
    );
    assert_eq!(sandbox.requests()[0].status, None);
    assert_eq!(sandbox.requests()[0].fault, Some(Fault::Disconnect));
}

#[tokio::test]
async fn truncated_malformed_and_empty_bodies_are_not_pages() {
    let (sandbox, path) = sandbox(60).await;
    let expected = clean(&sandbox, &path).await;
    sandbox.faults().push(Fault::TruncatedJson);
    sandbox.faults().push(Fault::MalformedJson);
    sandbox.faults().push(Fault::EmptyOk);
    let mut conn = Conn::h1(sandbox.addr()).await;
    let auth = account_auth(&sandbox);

    let truncated = conn.get(&path, Some(&auth)).await;
    assert_eq!(truncated.status, StatusCode::OK);
    assert_eq!(truncated.body.len(), expected.body.len() / 2);
    assert!(expected.body.starts_with(&truncated.body));
    assert!(serde_json::from_slice::<Value>(&truncated.body).is_err());

    let malformed = conn.get(&path, Some(&auth)).await;
    assert_eq!(malformed.status, StatusCode::OK);
    assert_eq!(
        malformed.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(serde_json::from_slice::<Value>(&malformed.body).is_err());

    let empty = conn.get(&path, Some(&auth)).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.is_empty());
    assert_eq!(empty.header("content-length"), Some("0"));
}

#[tokio::test]
async fn oversized_pages_are_valid_json_with_or_without_a_length() {
    let (sandbox, path) = sandbox(60).await;
    let expected = clean(&sandbox, &path).await.json();
    sandbox.faults().push(Fault::Oversized {
        min_bytes: 300_000,
        declare_length: true,
    });
    sandbox.faults().push(Fault::Oversized {
        min_bytes: 300_000,
        declare_length: false,
    });
    let mut conn = Conn::h1(sandbox.addr()).await;
    let auth = account_auth(&sandbox);

    let declared = conn.get(&path, Some(&auth)).await;
    assert_eq!(declared.body.len(), 300_000);
    assert_eq!(declared.header("content-length"), Some("300000"));
    assert_eq!(declared.json(), expected);

    let chunked = conn.get(&path, Some(&auth)).await;
    assert_eq!(chunked.body.len(), 300_000);
    assert_eq!(chunked.header("content-length"), None);
    assert_eq!(chunked.header("transfer-encoding"), Some("chunked"));
    assert_eq!(chunked.json(), expected);
}

#[tokio::test]
async fn link_faults_rewrite_next_page_uri() {
    let (sandbox, path) = sandbox(60).await;
    let expected = clean(&sandbox, &path).await.json();
    let next = expected["next_page_uri"].as_str().unwrap().to_owned();
    sandbox.faults().push(Fault::ForeignNextLink {
        origin: "https://evil.example".to_owned(),
    });
    sandbox.faults().push(Fault::LinkCycle);
    sandbox.faults().push(Fault::TokenWithoutPage);
    let mut conn = Conn::h1(sandbox.addr()).await;
    let auth = account_auth(&sandbox);

    let foreign = conn.get(&path, Some(&auth)).await.json();
    assert_eq!(
        foreign["next_page_uri"],
        format!("https://evil.example{next}")
    );
    assert_eq!(foreign["events"], expected["events"]);

    let cycle = conn.get(&path, Some(&auth)).await.json();
    assert_eq!(cycle["next_page_uri"], cycle["uri"]);

    let tokenonly = conn.get(&path, Some(&auth)).await.json();
    let link = tokenonly["next_page_uri"].as_str().unwrap();
    assert!(
        link.contains("PageToken=PA") && !link.contains("&Page="),
        "{link}"
    );
    // The sandbox serves such a link correctly: the same events as the regular next page.
    let via_token = conn.get(link, Some(&auth)).await.json();
    let regular = conn.get(&next, Some(&auth)).await.json();
    assert_eq!(via_token["events"], regular["events"]);
    assert_eq!(via_token["page"], 1);
}

#[tokio::test]
async fn wrong_content_type_keeps_the_body() {
    let (sandbox, path) = sandbox(60).await;
    let expected = clean(&sandbox, &path).await;
    sandbox.faults().push(Fault::WrongContentType {
        content_type: "text/html; charset=utf-8".to_owned(),
    });
    let r = get(&sandbox, &path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.body, expected.body);
}

#[tokio::test]
async fn faults_work_over_http2_too() {
    let (sandbox, path) = sandbox(60).await;
    let expected = clean(&sandbox, &path).await;
    sandbox.faults().push(Fault::too_many_requests(Some(2)));
    sandbox.faults().push(Fault::StallBody {
        after_bytes: 10,
        pause: Duration::from_millis(10),
    });
    sandbox.faults().push(Fault::CutBody { after_bytes: 50 });
    let mut conn = Conn::h2(sandbox.addr()).await;
    let auth = account_auth(&sandbox);
    let r = conn.get(&path, Some(&auth)).await;
    assert_twilio_error(&r, 429, 20429);
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(conn.get(&path, Some(&auth)).await.body, expected.body);
    let (status, _, body) = conn
        .try_send(Method::GET, &path, Some(&auth))
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_err());
}
