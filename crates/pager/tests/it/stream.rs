//! The pager's streams over scripted transports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use support::{
    BASE, FIRST, Failure, ThingsPage, numbered_site, ok, page, pager, pager_at, pager_with_headers,
    sent, site, things,
};
use twilio_model::ListPage;
use twilio_pager::PagerError;
use twilio_transport::test_util::{ReplayEvent, ReplayTransport, json_response};
use twilio_transport::{HttpTransport, TransportError, TransportErrorKind};

fn replay(bodies: impl IntoIterator<Item = String>) -> ReplayTransport {
    ReplayTransport::new(bodies.into_iter().map(|b| ReplayEvent::response(ok(b))))
}

#[tokio::test]
async fn empty_list_yields_one_empty_page_and_no_items() {
    let server = replay([page([], None)]);
    let pages: Vec<ThingsPage> = pager(server.clone()).pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 1);
    assert!(pages[0].things.is_empty());

    let server = replay([page([], None)]);
    assert!(pager(server.clone()).collect().await.unwrap().is_empty());
    assert_eq!(sent(&server.requests()), [FIRST]);
}

#[tokio::test]
async fn one_page() {
    let server = replay([page(0..3, None)]);
    let items = pager(server.clone()).collect().await.unwrap();
    assert_eq!(items, things(0..3));
    assert_eq!(
        sent(&server.requests()),
        [FIRST],
        "no PageSize unless asked"
    );
    assert_eq!(server.remaining(), 0);
}

#[tokio::test]
async fn many_pages_in_order_with_and_without_prefetch() {
    for prefetch in [true, false] {
        let (server, links) = numbered_site(&[3, 3, 3, 1]);
        let items = pager(server.clone())
            .prefetch(prefetch)
            .collect()
            .await
            .unwrap();
        assert_eq!(items, things(0..10), "prefetch {prefetch}");
        let mut expected = vec![FIRST.to_owned()];
        expected.extend(links);
        assert_eq!(sent(&server.requests()), expected, "prefetch {prefetch}");

        let (server, _) = numbered_site(&[3, 3, 3, 1]);
        let sizes: Vec<usize> = pager(server)
            .prefetch(prefetch)
            .pages()
            .map_ok(|p| p.items().len())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(sizes, [3, 3, 3, 1]);
    }
}

#[tokio::test]
async fn page_tokens_are_sent_verbatim() {
    let link = "/2010-04-01/Things.json?PageSize=2&Page=1&PageToken=PA%2Bx+y%3D%3D~z=&Z=1&A=%7e";
    let server = replay([page(0..2, Some(link)), page(2..3, None)]);
    let items = pager(server.clone()).collect().await.unwrap();
    assert_eq!(items, things(0..3));
    assert_eq!(sent(&server.requests()), [FIRST, link]);
}

#[tokio::test]
async fn limit_inside_the_first_page_asks_for_only_what_it_needs() {
    // The server ignores PageSize: the pager still yields only 2 items and stops.
    let server = replay([
        page(0..5, Some("/2010-04-01/Things.json?Page=1")),
        page(5..9, None),
    ]);
    let items = pager(server.clone()).limit(2).collect().await.unwrap();
    assert_eq!(items, things(0..2));
    assert_eq!(sent(&server.requests()), [format!("{FIRST}?PageSize=2")]);
    assert_eq!(server.remaining(), 1, "the second page is not fetched");
}

#[tokio::test]
async fn limit_across_pages() {
    for prefetch in [true, false] {
        let (server, links) = numbered_site(&[3, 3, 3, 3]);
        let items = pager(server.clone())
            .page_size(3)
            .limit(7)
            .prefetch(prefetch)
            .collect()
            .await
            .unwrap();
        assert_eq!(items, things(0..7));
        assert_eq!(
            sent(&server.requests()),
            [
                format!("{FIRST}?PageSize=3"),
                links[0].clone(),
                links[1].clone()
            ],
            "prefetch {prefetch}: the fourth page is never requested"
        );
    }
}

#[tokio::test]
async fn limit_smaller_than_page_size_shrinks_page_size() {
    let server = replay([page(0..4, None)]);
    let items = pager(server.clone())
        .page_size(20)
        .limit(4)
        .collect()
        .await
        .unwrap();
    assert_eq!(items, things(0..4));
    assert_eq!(sent(&server.requests()), [format!("{FIRST}?PageSize=4")]);
}

#[tokio::test]
async fn large_limit_without_page_size_asks_for_full_pages() {
    let server = replay([page(0..4, None)]);
    pager(server.clone()).limit(5000).collect().await.unwrap();
    assert_eq!(sent(&server.requests()), [format!("{FIRST}?PageSize=1000")]);
}

#[tokio::test]
async fn page_size_replaces_the_first_uri_page_size_in_place() {
    let server = replay([page(0..2, None)]);
    let pager = pager_at(
        Arc::new(server.clone()),
        http::HeaderMap::new(),
        BASE,
        "/2010-04-01/Things.json?StartTime%3E=2024-01-01&PageSize=50&To=%2B15551234567",
    )
    .unwrap();
    pager.page_size(2).collect().await.unwrap();
    assert_eq!(
        sent(&server.requests()),
        ["/2010-04-01/Things.json?StartTime%3E=2024-01-01&PageSize=2&To=%2B15551234567"]
    );
}

#[tokio::test]
async fn limit_zero_sends_nothing() {
    let server = replay([page(0..2, None)]);
    assert!(
        pager(server.clone())
            .limit(0)
            .collect()
            .await
            .unwrap()
            .is_empty()
    );
    let pages: Vec<ThingsPage> = pager(server.clone())
        .limit(0)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert!(pages.is_empty());
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn page_size_out_of_range_fails_before_any_request() {
    for value in [0, 1001, u32::MAX] {
        let server = replay([page(0..2, None)]);
        let mut pages = pager(server.clone()).page_size(value).limit(5).pages();
        match pages.next().await {
            Some(Err(Failure::Pager(PagerError::InvalidPageSize { value: v }))) => {
                assert_eq!(v, value)
            }
            other => panic!("expected InvalidPageSize, got {other:?}"),
        }
        assert!(
            pages.next().await.is_none(),
            "the stream ends after the error"
        );
        let (items, error) = pager(server.clone())
            .page_size(value)
            .collect_partial()
            .await;
        assert!(items.is_empty());
        assert!(matches!(
            error,
            Some(Failure::Pager(PagerError::InvalidPageSize { .. }))
        ));
        assert!(server.requests().is_empty(), "page size {value}");
    }
    for value in [1, 1000] {
        let server = replay([page(0..1, None)]);
        pager(server.clone())
            .page_size(value)
            .collect()
            .await
            .unwrap();
        assert_eq!(
            sent(&server.requests()),
            [format!("{FIRST}?PageSize={value}")]
        );
    }
}

#[tokio::test]
async fn a_link_back_to_a_visited_page_is_a_cycle() {
    let second = "/2010-04-01/Things.json?Page=1&PageToken=PT%7e1";
    // The third link spells the second page differently (%7e is ~, and absolute).
    let back = "https://api.twilio.com/2010-04-01/Things.json?Page=1&PageToken=PT~1";
    let server = replay([
        page(0..2, Some(second)),
        page(2..4, Some(back)),
        page(9..10, None),
    ]);
    let (items, error) = pager(server.clone()).collect_partial().await;
    assert_eq!(items, things(0..4), "both pages are yielded in full");
    match error {
        Some(Failure::Pager(PagerError::Cycle { page_uri, link })) => {
            assert_eq!(page_uri, format!("{BASE}{second}"));
            assert_eq!(link, back);
        }
        other => panic!("expected Cycle, got {other:?}"),
    }
    assert_eq!(sent(&server.requests()), [FIRST, second]);

    let server = replay([page(0..2, Some(FIRST))]);
    let (items, error) = pager(server.clone()).collect_partial().await;
    assert_eq!(items, things(0..2));
    assert!(
        matches!(error, Some(Failure::Pager(PagerError::Cycle { .. }))),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_link_to_the_pages_own_uri_is_a_cycle_even_if_spelled_unlike_the_request() {
    // Twilio answers the first request (no `Page`) with `uri` `...?PageSize=2&Page=0`; a
    // `next_page_uri` equal to that `uri` must not fetch (and yield) the first page again.
    let own = "/2010-04-01/Things.json?PageSize=2&Page=0";
    let mut first = serde_json::from_str::<serde_json::Value>(&page(0..2, Some(own))).unwrap();
    first["uri"] = serde_json::json!(own);
    let server = replay([first.to_string(), page(0..2, None)]);
    let (items, error) = pager(server.clone()).collect_partial().await;
    assert_eq!(items, things(0..2), "the page is yielded once");
    match error {
        Some(Failure::Pager(PagerError::Cycle { page_uri, link })) => {
            assert_eq!(page_uri, format!("{BASE}{FIRST}"));
            assert_eq!(link, own);
        }
        other => panic!("expected Cycle, got {other:?}"),
    }
    assert_eq!(sent(&server.requests()), [FIRST]);
}

/// A page holding things `ids`, with its own `uri` and a link to `next`.
fn page_with_uri(ids: std::ops::Range<u64>, uri: &str, next: Option<&str>) -> String {
    let mut body = serde_json::from_str::<serde_json::Value>(&page(ids, next)).unwrap();
    body["uri"] = serde_json::json!(uri);
    body.to_string()
}

#[tokio::test]
async fn a_link_back_with_its_parameters_reordered_is_a_cycle() {
    let own = format!("{FIRST}?PageSize=2&Page=0");
    let second = format!("{FIRST}?PageSize=2&Page=1&PageToken=PT1");
    let back = format!("{FIRST}?Page=0&PageSize=2");
    for prefetch in [true, false] {
        let server = replay([
            page_with_uri(0..2, &own, Some(&second)),
            page_with_uri(2..4, &second, Some(&back)),
            page(0..2, None),
        ]);
        let (items, error) = pager(server.clone())
            .prefetch(prefetch)
            .page_size(2)
            .collect_partial()
            .await;
        assert_eq!(items, things(0..4), "no page twice");
        match error {
            Some(Failure::Pager(PagerError::Cycle { page_uri, link })) => {
                assert_eq!(page_uri, format!("{BASE}{second}"));
                assert_eq!(link, back);
            }
            other => panic!("expected Cycle, got {other:?}"),
        }
        assert_eq!(server.requests().len(), 2);
    }
}

#[tokio::test]
async fn a_page_that_says_it_is_an_earlier_page_is_not_yielded_again() {
    let own = format!("{FIRST}?PageSize=2&Page=0");
    let second = format!("{FIRST}?PageSize=2&Page=1&PageToken=PT1");
    for (prefetch, again) in [
        (true, own.clone()),
        (false, format!("{FIRST}?Page=0&PageSize=2")),
        // The request that fetched the first page is a spelling of it too.
        (true, format!("https://api.twilio.com{FIRST}?PageSize=2")),
    ] {
        let server = replay([
            page_with_uri(0..2, &own, Some(&second)),
            page_with_uri(0..2, &again, Some(&format!("{FIRST}?Page=1&PageToken=PT2"))),
            page(9..10, None),
        ]);
        let pages: Vec<Result<ThingsPage, Failure>> = pager(server.clone())
            .prefetch(prefetch)
            .page_size(2)
            .pages()
            .collect()
            .await;
        assert_eq!(pages.len(), 2, "{again}");
        assert_eq!(pages[0].as_ref().unwrap().things, things(0..2));
        match &pages[1] {
            Err(Failure::Pager(error @ PagerError::RepeatedPage { page_uri, uri })) => {
                assert_eq!(page_uri, &format!("{BASE}{second}"));
                assert_eq!(uri, &again);
                assert_eq!(error.page_uri(), Some(&*format!("{BASE}{second}")));
                assert!(error.to_string().contains("already delivered"), "{error}");
            }
            other => panic!("expected RepeatedPage, got {other:?}"),
        }
        assert_eq!(server.requests().len(), 2, "{again}");
    }
}

#[tokio::test]
async fn a_page_whose_uri_is_its_link_is_yielded() {
    // The usual case: every page's `uri` is the link that was followed to it.
    let first = format!("{FIRST}?PageSize=2&Page=0");
    let second = format!("{FIRST}?PageSize=2&Page=1&PageToken=PT1");
    let server = replay([
        page_with_uri(0..2, &first, Some(&second)),
        page_with_uri(2..3, &second, None),
    ]);
    let items = pager(server).page_size(2).collect().await.unwrap();
    assert_eq!(items, things(0..3));
}

#[tokio::test]
async fn links_in_errors_never_show_userinfo() {
    for link in [
        "https://user:s3cret@evil.example/2010-04-01/Things.json?Page=1",
        "https://user:s3cret@api.twilio.com/2010-04-01/Things.json?Page=1",
        "//user:s3cret@api.twilio.com/2010-04-01/Things.json",
        "https:user:s3cret@api.twilio.com/2010-04-01/Things.json",
    ] {
        let server = replay([page(0..2, Some(link)), page(2..4, None)]);
        let (items, error) = pager(server.clone()).collect_partial().await;
        assert_eq!(items, things(0..2));
        let error = error.unwrap();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("s3cret"), "{link}: {shown}");
        assert!(shown.contains("***@"), "{link}: {shown}");
        assert_eq!(server.requests().len(), 1, "{link}");
    }
    let server = replay([]);
    let error = pager(server)
        .from_page("https://user:s3cret@api.twilio.com/2010-04-01/Things.json?Page=4")
        .unwrap_err();
    assert!(matches!(
        error,
        PagerError::InvalidLink { page_uri: None, .. }
    ));
    assert!(!format!("{error} {error:?}").contains("s3cret"), "{error}");
}

#[tokio::test]
async fn a_link_to_another_origin_is_never_requested() {
    for link in [
        "https://evil.example/2010-04-01/Things.json?Page=1",
        "http://api.twilio.com/2010-04-01/Things.json?Page=1",
        "https://api.twilio.com:8443/2010-04-01/Things.json?Page=1",
    ] {
        let server = replay([page(0..2, Some(link)), page(2..4, None)]);
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Basic c2VjcmV0"),
        );
        let (items, error) = pager_with_headers(server.clone(), headers)
            .collect_partial()
            .await;
        assert_eq!(items, things(0..2));
        match &error {
            Some(Failure::Pager(PagerError::ForeignOrigin { page_uri, link: l })) => {
                assert_eq!(page_uri, &format!("{BASE}{FIRST}"));
                assert_eq!(l, link);
            }
            other => panic!("expected ForeignOrigin, got {other:?}"),
        }
        let error = error.unwrap();
        assert_eq!(error.resume_uri(), None);
        assert!(!error.to_string().contains("c2VjcmV0"));
        assert_eq!(sent(&server.requests()), [FIRST], "nothing sent to {link}");
    }
}

#[tokio::test]
async fn malformed_and_scheme_relative_links_stop_the_listing() {
    for link in [
        "//evil.example/2010-04-01/Things.json",
        "//api.twilio.com/2010-04-01/Things.json",
        "Things.json?Page=1",
        "/2010-04-01/Things.json?Page=1&Token=a b",
    ] {
        let server = replay([page(0..2, Some(link)), page(2..4, None)]);
        let (items, error) = pager(server.clone()).collect_partial().await;
        assert_eq!(items, things(0..2));
        match error {
            Some(Failure::Pager(PagerError::InvalidLink {
                page_uri,
                link: l,
                reason: _,
            })) => {
                assert_eq!(page_uri.as_deref(), Some(&*format!("{BASE}{FIRST}")));
                assert_eq!(l, link);
            }
            other => panic!("{link}: expected InvalidLink, got {other:?}"),
        }
        assert_eq!(server.requests().len(), 1, "{link}");
    }
}

#[tokio::test]
async fn a_same_origin_absolute_link_is_followed() {
    let link = "https://API.twilio.com:443/2010-04-01/Things.json?Page=1&PageToken=PA%2B";
    let server = replay([page(0..2, Some(link)), page(2..3, None)]);
    let items = pager(server.clone()).collect().await.unwrap();
    assert_eq!(items, things(0..3));
    assert_eq!(
        sent(&server.requests()),
        [FIRST, "/2010-04-01/Things.json?Page=1&PageToken=PA%2B"]
    );
}

#[tokio::test]
async fn a_malformed_page_is_a_decode_error_naming_the_page() {
    let second = "/2010-04-01/Things.json?Page=1";
    let server = replay([
        page(0..2, Some(second)),
        "{\n  \"things\": [{\"id\": \"not a number\"}]\n}".to_owned(),
    ]);
    let (items, error) = pager(server).collect_partial().await;
    assert_eq!(items, things(0..2));
    match error {
        Some(Failure::Decode { page_uri, source }) => {
            assert_eq!(page_uri, format!("{BASE}{second}"));
            assert_eq!(source.line(), 2);
            assert!(source.column() > 0);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_status_error_carries_status_headers_and_body() {
    let second = "/2010-04-01/Things.json?Page=1";
    let body = r#"{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"#;
    let mut unauthorized = json_response(401, body);
    unauthorized.headers_mut().insert(
        http::header::SET_COOKIE,
        http::HeaderValue::from_static("session=hunter2"),
    );
    let server = ReplayTransport::new([
        ReplayEvent::response(ok(page(0..2, Some(second)))),
        ReplayEvent::response(unauthorized),
    ]);
    let (items, error) = pager(server).collect_partial().await;
    assert_eq!(items, things(0..2));
    let error = error.unwrap();
    assert_eq!(error.resume_uri(), Some(&*format!("{BASE}{second}")));
    match error {
        Failure::Status { page_uri, status } => {
            assert_eq!(page_uri, format!("{BASE}{second}"));
            assert_eq!(status, 401);
        }
        other => panic!("expected Status, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_on_page_three_then_resume_completes_the_listing() {
    for prefetch in [true, false] {
        for failure in ["status", "transport", "decode"] {
            let (server, links) = numbered_site(&[2, 2, 2, 2, 1]);
            let third = links[1].clone();
            let failing = {
                let server = server.clone();
                let third = third.clone();
                twilio_transport::test_util::FnTransport::new(move |request| {
                    if request.uri().path_and_query().unwrap() == third.as_str() {
                        return match failure {
                            "status" => Ok(json_response(503, r#"{"code":20503}"#)),
                            "decode" => Ok(ok("{\"things\": [".to_owned())),
                            _ => Err(TransportError::new(
                                TransportErrorKind::Io,
                                http::Method::GET,
                                request.uri().to_string(),
                                "connection reset",
                            )),
                        };
                    }
                    futures::executor::block_on(server.send(request.clone()))
                })
            };
            let job = pager(failing).page_size(2).prefetch(prefetch);
            let (mut items, error) = job.collect_partial().await;
            assert_eq!(items, things(0..4), "{failure}");
            let error = error.expect("page 3 fails");
            let resume = error.resume_uri().expect("resumable").to_owned();
            assert_eq!(resume, format!("{BASE}{third}"), "{failure}");
            match (failure, &error) {
                ("status", Failure::Status { .. })
                | ("decode", Failure::Decode { .. })
                | ("transport", Failure::Transport { .. }) => {}
                _ => panic!("{failure}: unexpected {error:?}"),
            }

            // The server recovered: the same job, resumed at page 3.
            let before = server.requests().len();
            let rest = pager(server.clone())
                .page_size(2)
                .prefetch(prefetch)
                .from_page(&resume)
                .unwrap()
                .collect()
                .await
                .unwrap();
            items.extend(rest);
            assert_eq!(items, things(0..9), "{failure}: nothing missing or doubled");
            let resumed = sent(&server.requests()[before..]);
            assert_eq!(
                resumed,
                [third.clone(), links[2].clone(), links[3].clone()],
                "{failure}: the resume URI is used verbatim (no PageSize added)"
            );
        }
    }
}

#[tokio::test]
async fn the_first_page_can_fail_and_be_resumed() {
    let server = ReplayTransport::new([
        ReplayEvent::error(TransportError::new(
            TransportErrorKind::Timeout,
            http::Method::GET,
            format!("{BASE}{FIRST}"),
            "timed out",
        )),
        ReplayEvent::response(ok(page(0..2, None))),
    ]);
    let job = pager(server.clone()).limit(10);
    let error = job.clone().collect().await.unwrap_err();
    match &error {
        Failure::Transport { page_uri, source } => {
            assert_eq!(page_uri, &format!("{BASE}{FIRST}?PageSize=10"));
            assert!(source.is_timeout());
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    let items = job
        .from_page(error.resume_uri().unwrap())
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(items, things(0..2));
    assert_eq!(
        sent(&server.requests()),
        [
            format!("{FIRST}?PageSize=10"),
            format!("{FIRST}?PageSize=10")
        ]
    );
}

#[tokio::test]
async fn headers_are_sent_on_every_request() {
    let (server, _) = numbered_site(&[1, 1, 1]);
    let mut headers = http::HeaderMap::new();
    let mut auth = http::HeaderValue::from_static("Basic QUMxMjM6c2VjcmV0");
    auth.set_sensitive(true);
    headers.insert(http::header::AUTHORIZATION, auth);
    headers.insert(
        http::header::USER_AGENT,
        http::HeaderValue::from_static("twilio-rs-test/0.1"),
    );
    headers.append("x-custom", http::HeaderValue::from_static("a"));
    headers.append("x-custom", http::HeaderValue::from_static("b"));
    let job = pager_with_headers(server.clone(), headers.clone());
    let debug = format!("{job:?}");
    assert!(!debug.contains("QUMxMjM6c2VjcmV0"), "{debug}");
    assert_eq!(job.collect().await.unwrap().len(), 3);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in requests {
        assert_eq!(request.headers(), &headers);
        assert!(request.body().is_empty());
    }
}

#[tokio::test]
async fn pages_with_limit_stop_after_the_page_that_reaches_it() {
    let (server, _) = numbered_site(&[3, 3, 3]);
    let pages: Vec<ThingsPage> = pager(server.clone())
        .page_size(3)
        .limit(4)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2, "pages are not cut");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_invalid_base_or_first_uri_is_refused_up_front() {
    let server: Arc<dyn HttpTransport> = Arc::new(replay([]));
    let none = http::HeaderMap::new;
    let base = pager_at(server.clone(), none(), "api.twilio.com", FIRST).unwrap_err();
    assert!(
        matches!(base, PagerError::InvalidBaseUrl { .. }),
        "{base:?}"
    );
    for first in [
        "https://evil.example/2010-04-01/Things.json",
        "//evil.example/x",
        "Things.json",
    ] {
        let error = pager_at(server.clone(), none(), BASE, first).unwrap_err();
        assert!(
            matches!(&error, PagerError::InvalidLink { page_uri: None, link, .. } if link == first),
            "{error:?}"
        );
        let resume = pager(replay([])).from_page(first).unwrap_err();
        assert!(
            matches!(resume, PagerError::InvalidLink { .. }),
            "{resume:?}"
        );
    }
    let absolute = pager_at(server, none(), BASE, &format!("{BASE}{FIRST}?A=1"));
    assert!(absolute.is_ok());
}

/// Prefetch runs one page ahead while the caller holds the current page, never more. On a
/// current-thread runtime the spawned fetch runs exactly when the test task yields.
#[tokio::test(flavor = "current_thread")]
async fn prefetch_fetches_exactly_one_page_ahead() {
    for prefetch in [true, false] {
        let (server, _) = numbered_site(&[2, 2, 2, 2]);
        let mut pages = pager(server.clone()).prefetch(prefetch).pages();
        let first = pages.next().await.unwrap().unwrap();
        assert_eq!(first.things, things(0..2));
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        let expected = if prefetch { 2 } else { 1 };
        assert_eq!(server.requests().len(), expected, "prefetch {prefetch}");
        let rest: Vec<ThingsPage> = pages.try_collect().await.unwrap();
        assert_eq!(rest.len(), 3);
        assert_eq!(server.requests().len(), 4);
    }
}

/// A transport whose requests never complete, and which reports when a pending request is
/// dropped (that is, when the task sending it was aborted).
#[derive(Debug)]
struct Hanging {
    first: String,
    dropped: Arc<tokio::sync::Notify>,
    was_dropped: Arc<AtomicBool>,
}

struct DropSignal(Arc<tokio::sync::Notify>, Arc<AtomicBool>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        self.1.store(true, Ordering::SeqCst);
        self.0.notify_one();
    }
}

#[async_trait::async_trait]
impl HttpTransport for Hanging {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        if request.uri().path() == FIRST && request.uri().query().is_none() {
            return Ok(ok(self.first.clone()));
        }
        let _signal = DropSignal(self.dropped.clone(), self.was_dropped.clone());
        futures::future::pending::<()>().await;
        unreachable!("pending never completes")
    }
}

#[tokio::test(flavor = "current_thread")]
async fn dropping_the_stream_aborts_the_prefetch() {
    let dropped = Arc::new(tokio::sync::Notify::new());
    let was_dropped = Arc::new(AtomicBool::new(false));
    let transport = Hanging {
        first: page(0..2, Some("/2010-04-01/Things.json?Page=1")),
        dropped: dropped.clone(),
        was_dropped: was_dropped.clone(),
    };
    let mut pages = pager(transport).pages();
    assert_eq!(pages.next().await.unwrap().unwrap().things.len(), 2);
    // Let the prefetch task start its (never-ending) request.
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(!was_dropped.load(Ordering::SeqCst));
    drop(pages);
    // Event-driven: resolves when the aborted task drops the request future. The timeout
    // only keeps a regression from hanging the test suite.
    tokio::time::timeout(std::time::Duration::from_secs(60), dropped.notified())
        .await
        .expect("the prefetch task was not aborted");
    assert!(was_dropped.load(Ordering::SeqCst));
}

#[test]
fn without_a_tokio_runtime_pages_are_fetched_on_demand() {
    let (server, _) = numbered_site(&[2, 2, 1]);
    let items = futures::executor::block_on(pager(server.clone()).collect()).unwrap();
    assert_eq!(items, things(0..5));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_404_on_an_unknown_page_is_a_status_error() {
    let server = site(vec![(
        FIRST.to_owned(),
        page(0..1, Some("/2010-04-01/Things.json?Page=9")),
    )]);
    let error = pager(server).collect().await.unwrap_err();
    assert!(
        matches!(error, Failure::Status { status, .. } if status == 404),
        "{error:?}"
    );
    assert_eq!(
        error.resume_uri(),
        Some("https://api.twilio.com/2010-04-01/Things.json?Page=9")
    );
}

#[tokio::test]
async fn streams_are_send_and_unpin() {
    fn assert_send_unpin<T: Send + Unpin + 'static>(_: &T) {}
    let (server, _) = numbered_site(&[1, 1]);
    let items = pager(server).stream();
    assert_send_unpin(&items);
    let handle = tokio::spawn(async move { items.try_collect::<Vec<_>>().await });
    assert_eq!(handle.await.unwrap().unwrap(), things(0..2));
}

#[tokio::test]
async fn endless_empty_pages_with_fresh_links_stop_the_listing() {
    // Every page is empty and links to a page never seen before: no cycle, no end.
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let served = Arc::clone(&counter);
    let server = twilio_transport::test_util::FnTransport::new(move |_request| {
        let n = served.fetch_add(1, Ordering::SeqCst) + 1;
        let next = format!("/2010-04-01/Things.json?Page={n}&PageToken=PT{n}");
        Ok(ok(page([], Some(&next))))
    });
    let err = pager(server).collect().await.unwrap_err();
    let Failure::Pager(PagerError::EmptyPages { pages, page_uri }) = &err else {
        panic!("expected EmptyPages, got {err:?}");
    };
    assert_eq!(*pages, 32);
    assert!(page_uri.ends_with("Page=31&PageToken=PT31"), "{page_uri}");
    assert_eq!(err.resume_uri(), None);
    assert_eq!(
        counter.load(Ordering::SeqCst),
        32,
        "no request after the stop"
    );

    // An empty page now and then in a list that goes on is fine.
    let (server, _) = numbered_site(&[0, 2, 0, 0, 1]);
    assert_eq!(pager(server).collect().await.unwrap(), things(0..3));
}
