//! The sandbox as a client sees it over HTTP: page shape, paging, auth, validation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::collections::BTreeSet;

use http::{Method, StatusCode};
use serde_json::Value;
use support::{Conn, account_auth, all_pages, assert_twilio_error, basic, get};
use twilio_sandbox::{Sandbox, SandboxError};

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn first_page_has_exactly_the_seed_pages_shape() {
    let sandbox = Sandbox::builder()
        .seed(1)
        .calls(0)
        .call_with_events(120)
        .start()
        .await
        .unwrap();
    let call = &sandbox.call_sids()[0];
    let reply = get(&sandbox, &sandbox.events_path(call)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let page = reply.json();
    // The keys of the documented example page.
    assert_eq!(
        keys(&page),
        set(&[
            "end",
            "uri",
            "page",
            "start",
            "events",
            "page_size",
            "next_page_uri",
            "first_page_uri",
            "previous_page_uri"
        ])
    );
    let base = format!(
        "/2010-04-01/Accounts/{}/Calls/{call}/Events.json",
        sandbox.account_sid()
    );
    assert_eq!(page["uri"], format!("{base}?PageSize=50&Page=0"));
    assert_eq!(page["first_page_uri"], format!("{base}?PageSize=50&Page=0"));
    assert_eq!(page["page"], 0);
    assert_eq!(page["page_size"], 50);
    assert_eq!(page["start"], 0);
    assert_eq!(page["end"], 49);
    assert!(page["previous_page_uri"].is_null());
    let next = page["next_page_uri"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("{base}?PageSize=50&Page=1&PageToken=PA")),
        "{next}"
    );

    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 50);
    for e in events {
        assert_eq!(keys(e), set(&["request", "response"]));
        assert_eq!(keys(&e["request"]), set(&["method", "url", "parameters"]));
        assert_eq!(
            keys(&e["response"]),
            set(&[
                "content_type",
                "date_created",
                "response_body",
                "response_code",
                "request_duration"
            ])
        );
        assert!(
            e["request"]["url"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );
        assert!(e["request"]["parameters"].is_object());
        assert!(
            e["request"]["parameters"]
                .as_object()
                .unwrap()
                .values()
                .all(Value::is_string)
        );
        assert!(e["response"]["response_code"].is_u64());
        assert!(e["response"]["request_duration"].is_u64());
        assert!(e["response"]["response_body"].is_string());
        let date = e["response"]["date_created"].as_str().unwrap();
        assert_eq!(
            date.len(),
            "Tue, 11 Aug 2020 17:44:08 +0000".len(),
            "{date}"
        );
    }
    // The first event is the call's creation through the API, as in Twilio's example.
    let first = &events[0];
    assert_eq!(first["request"]["method"], "POST");
    assert_eq!(
        first["request"]["url"],
        format!(
            "https://api.twilio.com/2010-04-01/Accounts/{}/Calls.json",
            sandbox.account_sid()
        )
    );
    assert_eq!(first["response"]["response_code"], 201);
    // And what the server sent is what `events_json` reports.
    assert_eq!(events[..], sandbox.events_json(call).unwrap()[..50]);
}

async fn check_full_listing(mut conn: Conn, sandbox: &Sandbox, call: &str, page_size: u64) {
    let auth = account_auth(sandbox);
    let first = format!("{}?PageSize={page_size}", sandbox.events_path(call));
    let pages = all_pages(&mut conn, &auth, &first).await;
    let expected = sandbox.events_json(call).unwrap();
    let total = expected.len() as u64;
    assert_eq!(pages.len() as u64, total.div_ceil(page_size).max(1));
    let mut seen = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let i = i as u64;
        assert_eq!(page["page"], i);
        assert_eq!(page["page_size"], page_size);
        assert_eq!(page["start"], i * page_size);
        let n = page["events"].as_array().unwrap().len() as u64;
        assert_eq!(page["end"], i * page_size + n - 1);
        assert_eq!(page["previous_page_uri"].is_null(), i == 0);
        assert_eq!(page["next_page_uri"].is_null(), i + 1 == pages.len() as u64);
        if i > 0 {
            // `uri` is the link that was followed.
            assert_eq!(page["uri"], pages[i as usize - 1]["next_page_uri"]);
            // `previous_page_uri` leads back to the previous page's content.
            let back = conn
                .get(page["previous_page_uri"].as_str().unwrap(), Some(&auth))
                .await
                .json();
            assert_eq!(back["events"], pages[i as usize - 1]["events"]);
            assert_eq!(back["page"], i - 1);
        }
        seen.extend(page["events"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(seen, expected, "every event exactly once, in order");
}

#[tokio::test]
async fn following_next_page_uri_visits_every_event_once_http1() {
    let sandbox = Sandbox::builder()
        .seed(2)
        .calls(0)
        .call_with_events(237)
        .start()
        .await
        .unwrap();
    let call = sandbox.call_sids().pop().unwrap();
    check_full_listing(Conn::h1(sandbox.addr()).await, &sandbox, &call, 20).await;
    check_full_listing(Conn::h1(sandbox.addr()).await, &sandbox, &call, 237).await;
    check_full_listing(Conn::h1(sandbox.addr()).await, &sandbox, &call, 1000).await;
}

#[tokio::test]
async fn following_next_page_uri_visits_every_event_once_http2() {
    let sandbox = Sandbox::builder()
        .seed(3)
        .calls(0)
        .call_with_events(101)
        .start()
        .await
        .unwrap();
    let call = sandbox.call_sids().pop().unwrap();
    check_full_listing(Conn::h2(sandbox.addr()).await, &sandbox, &call, 10).await;
    let log = sandbox.requests();
    assert!(log.iter().all(|r| r.version == http::Version::HTTP_2));
}

#[tokio::test]
async fn a_large_call_lists_completely_with_the_maximum_page_size() {
    let sandbox = Sandbox::builder()
        .seed(4)
        .calls(0)
        .call_with_events(25_000)
        .start()
        .await
        .unwrap();
    let call = sandbox.call_sids().pop().unwrap();
    let mut conn = Conn::h1(sandbox.addr()).await;
    let auth = account_auth(&sandbox);
    let pages = all_pages(
        &mut conn,
        &auth,
        &format!("{}?PageSize=1000", sandbox.events_path(&call)),
    )
    .await;
    assert_eq!(pages.len(), 25);
    let count: usize = pages
        .iter()
        .map(|p| p["events"].as_array().unwrap().len())
        .sum();
    assert_eq!(count, 25_000);
    assert_eq!(pages[24]["end"], 24_999);
    let stats = sandbox.stats();
    assert_eq!(stats.events_served, 25_000);
    assert_eq!(stats.pages_served, 25);
    assert_eq!(stats.connections_accepted, 1);
    // A second listing is served from the page cache, with the same bytes.
    let again = all_pages(
        &mut conn,
        &auth,
        &format!("{}?PageSize=1000", sandbox.events_path(&call)),
    )
    .await;
    assert_eq!(again, pages);
    assert_eq!(sandbox.stats().page_cache_hits, 25);
}

#[tokio::test]
async fn empty_call_and_pages_past_the_end() {
    let sandbox = Sandbox::builder()
        .calls(0)
        .call_with_events(0)
        .call_with_events(30)
        .start()
        .await
        .unwrap();
    let sids = sandbox.call_sids();
    let page = get(&sandbox, &sandbox.events_path(&sids[0])).await.json();
    assert_eq!(page["events"], Value::Array(vec![]));
    assert_eq!(
        (page["start"].as_u64(), page["end"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(page["next_page_uri"].is_null() && page["previous_page_uri"].is_null());

    let past = get(
        &sandbox,
        &format!("{}?PageSize=10&Page=5", sandbox.events_path(&sids[1])),
    )
    .await;
    assert_eq!(past.status, StatusCode::OK);
    let past = past.json();
    assert_eq!(past["events"], Value::Array(vec![]));
    assert_eq!(past["start"], 50);
    assert_eq!(past["end"], 50);
    assert!(past["next_page_uri"].is_null());
    assert!(past["previous_page_uri"].is_string());
}

#[tokio::test]
async fn page_size_and_page_bounds_are_400_json() {
    let sandbox = Sandbox::builder().seed(5).start().await.unwrap();
    let path = sandbox.events_path(&sandbox.call_sids()[0]);
    for query in [
        "PageSize=0",
        "PageSize=1001",
        "PageSize=ten",
        "PageSize=-5",
        "Page=-1",
        "Page=one",
        "PageSize=1000&Page=18446744073709551615",
    ] {
        let reply = get(&sandbox, &format!("{path}?{query}")).await;
        let v = assert_twilio_error(&reply, 400, 20001);
        assert!(
            v["message"].as_str().unwrap().contains("Page"),
            "{query}: {v}"
        );
    }
    for ok in ["PageSize=1", "PageSize=1000", "Page=0", "Unknown=1"] {
        assert_eq!(
            get(&sandbox, &format!("{path}?{ok}")).await.status,
            StatusCode::OK,
            "{ok}"
        );
    }
    assert_eq!(sandbox.stats().error_responses, 7);
}

#[tokio::test]
async fn missing_or_bad_credentials_are_401_20003_with_a_challenge() {
    let sandbox = Sandbox::builder().seed(6).start().await.unwrap();
    let path = sandbox.events_path(&sandbox.call_sids()[0]);
    let mut conn = Conn::h1(sandbox.addr()).await;
    let wrong_token = basic(sandbox.account_sid(), "ffffeeeeddddccccbbbbaaaa99998888");
    let wrong_user = basic("AC0123456789abcdef0123456789abcdef", sandbox.auth_token());
    let key_with_token = basic(sandbox.api_key_sid(), sandbox.auth_token());
    let empty_password = basic(sandbox.account_sid(), "");
    for auth in [
        None,
        Some(wrong_token.as_str()),
        Some(wrong_user.as_str()),
        Some(key_with_token.as_str()),
        Some(empty_password.as_str()),
        Some("Basic not-base64!"),
        Some("Bearer abc"),
    ] {
        let reply = conn.get(&path, auth).await;
        let v = assert_twilio_error(&reply, 401, 20003);
        assert_eq!(v["message"], "Authenticate");
        assert_eq!(
            reply.header("www-authenticate"),
            Some("Basic realm=\"Twilio API\"")
        );
    }
    // Unknown routes also need credentials first.
    let reply = conn.get("/nowhere", None).await;
    assert_twilio_error(&reply, 401, 20003);
    // The password never reaches the request log; the user name does.
    let log = sandbox.requests();
    assert_eq!(log.len(), 8);
    assert_eq!(log[1].auth_username.as_deref(), Some(sandbox.account_sid()));
    for r in &log {
        let debug = format!("{r:?}");
        assert!(
            !debug.contains("ffffeeeeddddccccbbbbaaaa99998888"),
            "{debug}"
        );
        assert!(!debug.contains(sandbox.auth_token()), "{debug}");
    }
}

#[tokio::test]
async fn api_key_credentials_work() {
    let sandbox = Sandbox::builder().seed(7).start().await.unwrap();
    let path = sandbox.events_path(&sandbox.call_sids()[0]);
    let mut conn = Conn::h1(sandbox.addr()).await;
    let reply = conn
        .get(
            &path,
            Some(&basic(sandbox.api_key_sid(), sandbox.api_key_secret())),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        sandbox.requests()[0].auth_username.as_deref(),
        Some(sandbox.api_key_sid())
    );
    assert!(sandbox.api_key_sid().starts_with("SK"));
}

#[tokio::test]
async fn unknown_calls_routes_and_malformed_sids_are_404_20404() {
    let sandbox = Sandbox::builder().seed(8).start().await.unwrap();
    let ac = sandbox.account_sid().to_owned();
    let ca = sandbox.call_sids()[0].clone();
    let unknown_call =
        format!("/2010-04-01/Accounts/{ac}/Calls/CA0123456789abcdef0123456789abcdef/Events.json");
    let reply = get(&sandbox, &unknown_call).await;
    let v = assert_twilio_error(&reply, 404, 20404);
    assert_eq!(
        v["message"],
        format!("The requested resource {unknown_call} was not found")
    );
    for path in [
        format!("/2010-04-01/Accounts/{ac}/Calls/{ca}/Events"),
        format!("/2010-04-01/Accounts/{ac}/Calls/{ca}.json"),
        format!("/2010-04-01/Accounts/{ac}/Calls.json"),
        "/".to_owned(),
        // Malformed SIDs in the path: Twilio answers 404 for them.
        format!("/2010-04-01/Accounts/{ac}/Calls/CA123/Events.json"),
        format!("/2010-04-01/Accounts/{ac}/Calls/XX{}/Events.json", &ca[2..]),
        format!(
            "/2010-04-01/Accounts/{ac}/Calls/CA{}zz/Events.json",
            &ca[2..32]
        ),
        format!("/2010-04-01/Accounts/AC123/Calls/{ca}/Events.json"),
        format!("/2010-04-01/Accounts/{}/Calls/{ca}/Events.json", ca),
    ] {
        let reply = get(&sandbox, &path).await;
        assert_twilio_error(&reply, 404, 20404);
    }
}

#[tokio::test]
async fn another_accounts_sid_in_the_path_is_401_20003() {
    let sandbox = Sandbox::builder().seed(9).start().await.unwrap();
    let ca = &sandbox.call_sids()[0];
    let path =
        format!("/2010-04-01/Accounts/ACffffffffffffffffffffffffffffffff/Calls/{ca}/Events.json");
    let reply = get(&sandbox, &path).await;
    assert_twilio_error(&reply, 401, 20003);
    assert!(reply.header("www-authenticate").is_some());
}

#[tokio::test]
async fn other_methods_are_405_20004() {
    let sandbox = Sandbox::builder().seed(10).start().await.unwrap();
    let path = sandbox.events_path(&sandbox.call_sids()[0]);
    let mut conn = Conn::h1(sandbox.addr()).await;
    for method in [Method::POST, Method::DELETE, Method::PUT] {
        let reply = conn
            .send(method, &path, Some(&account_auth(&sandbox)))
            .await;
        assert_twilio_error(&reply, 405, 20004);
        assert_eq!(reply.header("allow"), Some("GET"));
    }
}

#[tokio::test]
async fn tampered_or_foreign_page_tokens_are_400() {
    let sandbox = Sandbox::builder()
        .seed(11)
        .calls(0)
        .call_with_events(300)
        .call_with_events(300)
        .start()
        .await
        .unwrap();
    let sids = sandbox.call_sids();
    let first = get(&sandbox, &sandbox.events_path(&sids[0])).await.json();
    let next = first["next_page_uri"].as_str().unwrap().to_owned();
    let (path, query) = next.split_once('?').unwrap();
    let token = query.split("PageToken=").nth(1).unwrap().to_owned();
    // Valid as issued.
    assert_eq!(get(&sandbox, &next).await.status, StatusCode::OK);
    // One digit changed.
    let mut bytes = token.clone().into_bytes();
    bytes[10] = if bytes[10] == b'a' { b'b' } else { b'a' };
    let tampered = String::from_utf8(bytes).unwrap();
    let reply = get(
        &sandbox,
        &format!("{path}?PageSize=50&Page=1&PageToken={tampered}"),
    )
    .await;
    let v = assert_twilio_error(&reply, 400, 20001);
    assert!(v["message"].as_str().unwrap().contains("PageToken"));
    // Garbage.
    let reply = get(&sandbox, &format!("{path}?PageToken=PAnope")).await;
    assert_twilio_error(&reply, 400, 20001);
    // A token of another call.
    let other = sandbox.events_path(&sids[1]);
    let reply = get(
        &sandbox,
        &format!("{other}?PageSize=50&Page=1&PageToken={token}"),
    )
    .await;
    assert_twilio_error(&reply, 400, 20001);
}

#[tokio::test]
async fn page_token_is_authoritative_and_page_may_be_absent() {
    let sandbox = Sandbox::builder()
        .seed(12)
        .calls(0)
        .call_with_events(100)
        .start()
        .await
        .unwrap();
    let call = sandbox.call_sids().pop().unwrap();
    let first = get(
        &sandbox,
        &format!("{}?PageSize=10", sandbox.events_path(&call)),
    )
    .await
    .json();
    let next = first["next_page_uri"].as_str().unwrap();
    let token = next.split("PageToken=").nth(1).unwrap();
    // Page disagrees with the token: the token decides which events; Page is echoed.
    let odd = get(
        &sandbox,
        &format!(
            "{}?PageSize=10&Page=7&PageToken={token}",
            sandbox.events_path(&call)
        ),
    )
    .await
    .json();
    assert_eq!(odd["start"], 10);
    assert_eq!(odd["page"], 7);
    // No Page at all: the page number is derived.
    let bare = get(
        &sandbox,
        &format!(
            "{}?PageSize=10&PageToken={token}",
            sandbox.events_path(&call)
        ),
    )
    .await
    .json();
    assert_eq!(bare["start"], 10);
    assert_eq!(bare["page"], 1);
    assert_eq!(bare["events"], odd["events"]);
}

#[tokio::test]
async fn same_seed_same_bytes_different_seed_different_data() {
    let a = Sandbox::builder()
        .seed(99)
        .calls(4)
        .call_with_events(500)
        .start()
        .await
        .unwrap();
    let b = Sandbox::builder()
        .seed(99)
        .calls(4)
        .call_with_events(500)
        .start()
        .await
        .unwrap();
    let c = Sandbox::builder()
        .seed(100)
        .calls(4)
        .call_with_events(500)
        .start()
        .await
        .unwrap();
    assert_eq!(a.call_sids(), b.call_sids());
    assert_eq!(a.account_sid(), b.account_sid());
    assert_eq!(a.auth_token(), b.auth_token());
    assert_eq!(a.api_key_secret(), b.api_key_secret());
    assert_ne!(a.call_sids(), c.call_sids());
    assert_ne!(a.account_sid(), c.account_sid());
    for call in a.call_sids() {
        assert_eq!(a.event_count(&call), b.event_count(&call));
        let ra = get(&a, &format!("{}?PageSize=37", a.events_path(&call))).await;
        let rb = get(&b, &format!("{}?PageSize=37", b.events_path(&call))).await;
        assert_eq!(ra.body, rb.body);
        if let Some(next) = ra.json()["next_page_uri"].as_str() {
            assert_eq!(get(&a, next).await.body, get(&b, next).await.body);
        }
    }
    let counts: Vec<u64> = a
        .call_sids()
        .iter()
        .map(|s| a.event_count(s).unwrap())
        .collect();
    assert!(
        counts[..4].iter().all(|n| (1..=120).contains(n)),
        "{counts:?}"
    );
    assert_eq!(counts[4], 500);
}

#[tokio::test]
async fn keep_alive_connections_count_once() {
    let sandbox = Sandbox::builder().seed(13).start().await.unwrap();
    let path = sandbox.events_path(&sandbox.call_sids()[0]);
    let auth = account_auth(&sandbox);
    let mut conn = Conn::h1(sandbox.addr()).await;
    for _ in 0..5 {
        assert_eq!(conn.get(&path, Some(&auth)).await.status, StatusCode::OK);
    }
    // An error answer keeps the connection open too.
    assert_eq!(conn.get(&path, None).await.status, StatusCode::UNAUTHORIZED);
    let stats = sandbox.stats();
    assert_eq!(stats.connections_accepted, 1);
    assert_eq!(stats.requests, 6);
    let mut h2 = Conn::h2(sandbox.addr()).await;
    for _ in 0..3 {
        assert_eq!(h2.get(&path, Some(&auth)).await.status, StatusCode::OK);
    }
    let stats = sandbox.stats();
    assert_eq!(stats.connections_accepted, 2);
    assert_eq!(stats.requests, 9);
    assert_eq!(stats.pages_served, 8);
    assert_eq!(stats.error_responses, 1);
}

#[tokio::test]
async fn latency_still_answers_and_request_log_records_queries() {
    let sandbox = Sandbox::builder()
        .seed(14)
        .latency(std::time::Duration::from_millis(5))
        .start()
        .await
        .unwrap();
    let path = format!(
        "{}?PageSize=3&Page=0",
        sandbox.events_path(&sandbox.call_sids()[0])
    );
    let reply = get(&sandbox, &path).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("twilio-request-id").unwrap().starts_with("RQ"));
    let log = sandbox.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].path_and_query, path);
    assert_eq!(log[0].query_param("PageSize").as_deref(), Some("3"));
    assert_eq!(log[0].user_agent.as_deref(), Some("sandbox-tests/1"));
    assert_eq!(log[0].status, Some(StatusCode::OK));
    sandbox.clear_requests();
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn shutdown_stops_listening_and_drop_is_quiet() {
    let sandbox = Sandbox::builder().seed(15).start().await.unwrap();
    let addr = sandbox.addr();
    let mut conn = Conn::h1(addr).await;
    assert_eq!(
        conn.get(
            &sandbox.events_path(&sandbox.call_sids()[0]),
            Some(&account_auth(&sandbox))
        )
        .await
        .status,
        StatusCode::OK
    );
    sandbox.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    let dropped = Sandbox::builder().seed(15).start().await.unwrap();
    drop(dropped);
}

#[tokio::test]
async fn non_loopback_addresses_are_refused() {
    let err = Sandbox::builder()
        .bind("0.0.0.0:0".parse().unwrap())
        .start()
        .await
        .unwrap_err();
    assert!(matches!(err, SandboxError::NotLoopback { .. }), "{err}");
    let err = Sandbox::builder().calls(100_001).start().await.unwrap_err();
    assert!(matches!(err, SandboxError::TooManyCalls { .. }), "{err}");
    assert!(err.to_string().contains("100001"));
}

#[tokio::test]
async fn summary_prints_what_a_user_needs_and_debug_redacts() {
    let sandbox = Sandbox::builder()
        .seed(16)
        .calls(12)
        .call_with_events(100_000)
        .start()
        .await
        .unwrap();
    let summary = sandbox.summary();
    let text = summary.to_string();
    assert!(text.contains(sandbox.base_url()));
    assert!(text.contains(sandbox.account_sid()));
    assert!(text.contains(sandbox.auth_token()));
    assert!(text.contains(&sandbox.call_sids()[0]));
    assert!(text.contains(&format!("{} (100000 events)", sandbox.call_sids()[12])));
    assert!(text.contains("... 2 more"), "{text}");
    assert_eq!(summary.calls.len(), 13);
    for debug in [format!("{summary:?}"), format!("{sandbox:?}")] {
        assert!(!debug.contains(sandbox.auth_token()), "{debug}");
        assert!(!debug.contains(sandbox.api_key_secret()), "{debug}");
        assert!(debug.contains(sandbox.account_sid()));
    }
}
