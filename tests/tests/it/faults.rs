//! The facade (and the CLI) against a misbehaving sandbox, over real loopback sockets: one
//! test per scripted fault.
//!
//! Transient faults (429, 5xx, a slow or broken response) must be retried and leave the
//! listing complete: every event exactly once, in API order. Other faults must stop the
//! listing with the right error, after delivering every event before the faulty page, and
//! name a page to resume from that completes the listing with nothing missing or doubled.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use serde_json::Value;
use twilio_api::{AccountSid, CallSid, Client, ClientBuilder, Error};
use twilio_e2e::cli_command;
use twilio_pager::PagerError;
use twilio_sandbox::{Fault, FaultRule, Sandbox};
use twilio_transport::{HyperTransport, TransportErrorKind};

/// Events of the listed call, and the page size used: pages 0..=4, the last one short.
const EVENTS: u64 = 120;
const PAGE_SIZE: u32 = 25;
/// A client timeout far below the faults' delays, so a delayed page times out, and far above
/// what a normal loopback page takes, even on a loaded machine.
const SHORT_TIMEOUT: Duration = Duration::from_secs(1);
/// A delay or stall well beyond [`SHORT_TIMEOUT`] (the client does not wait it out).
const LONG_PAUSE: Duration = Duration::from_secs(5);

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .seed(5)
        .calls(1)
        .call_with_events(EVENTS)
        .start()
        .await
        .unwrap()
}

/// The call with exactly [`EVENTS`] events.
fn call(sandbox: &Sandbox) -> CallSid {
    sandbox.call_sids().last().unwrap().parse().unwrap()
}

fn builder(sandbox: &Sandbox) -> ClientBuilder {
    let account: AccountSid = sandbox.account_sid().parse().unwrap();
    Client::builder()
        .auth_token(account, sandbox.auth_token())
        .base_url(sandbox.base_url())
}

/// The default client: `RetryTransport<HyperTransport>`, 3 retries.
fn client(sandbox: &Sandbox) -> Client {
    builder(sandbox).build().unwrap()
}

fn expected(sandbox: &Sandbox) -> Vec<Value> {
    let events = sandbox.events_json(call(sandbox).as_ref()).unwrap();
    assert_eq!(events.len() as u64, EVENTS);
    events
}

fn as_json(events: &[twilio_api::CallEvent]) -> Vec<Value> {
    events
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect()
}

/// The first `pages` pages' worth of events.
fn first_pages(pages: usize) -> usize {
    pages * PAGE_SIZE as usize
}

/// Lists the call with `client`: every event fetched, and the error that stopped it.
async fn list(client: &Client, sandbox: &Sandbox) -> (Vec<Value>, Option<Error>) {
    let (events, error) = client
        .call(call(sandbox))
        .events()
        .list()
        .page_size(PAGE_SIZE)
        .collect_partial()
        .await;
    (as_json(&events), error)
}

/// Resumes at `uri` with a default client (the fault is gone) and lists to the end.
async fn resume(sandbox: &Sandbox, uri: &str) -> Vec<Value> {
    let events = client(sandbox)
        .call(call(sandbox))
        .events()
        .list()
        .from_page(uri)
        .collect()
        .await
        .unwrap();
    as_json(&events)
}

/// The page number of each request the sandbox saw, in order (`Page`, or 0 without it).
fn pages_requested(sandbox: &Sandbox) -> Vec<u64> {
    sandbox
        .requests()
        .iter()
        .map(|r| r.query_param("Page").map_or(0, |p| p.parse().unwrap()))
        .collect()
}

/// Asserts a listing recovered from a fault on page 2 applied `times` times: every event
/// exactly once in order, page 2 asked for `times + 1` times, every other page once.
async fn assert_recovers(sandbox: &Sandbox, client: &Client, times: usize) {
    let (events, error) = list(client, sandbox).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(events, expected(sandbox), "every event once, in order");
    let mut pages = vec![0, 1];
    pages.extend(std::iter::repeat_n(2, times + 1));
    pages.extend([3, 4]);
    assert_eq!(pages_requested(sandbox), pages);
    assert_eq!(sandbox.stats().faults_injected, times as u64);
    assert_eq!(sandbox.faults().pending(), 0);
}

/// Asserts a listing stopped at page `page` with an error resuming there, delivered every
/// event before it, and that resuming from the error completes the listing exactly.
async fn assert_stops_and_resumes(sandbox: &Sandbox, events: &[Value], error: &Error, page: usize) {
    let all = expected(sandbox);
    assert_eq!(
        events,
        &all[..first_pages(page)],
        "the pages before the fault"
    );
    let uri = error.resume_uri().expect("a page to resume from");
    assert!(uri.starts_with(sandbox.base_url()), "{uri}");
    assert!(uri.contains(&format!("Page={page}")), "{uri}");
    sandbox.faults().clear();
    let rest = resume(sandbox, uri).await;
    let mut joined = events.to_vec();
    joined.extend(rest);
    assert_eq!(joined, all, "nothing missing or doubled after resuming");
}

fn status(code: u16, retry_after: Option<u64>, html: bool) -> Fault {
    Fault::Status {
        status: StatusCode::from_u16(code).unwrap(),
        retry_after,
        html,
    }
}

// ---- Transient faults: retried, the listing completes. ----

#[tokio::test]
async fn a_429_without_retry_after_is_retried_with_backoff() {
    let sandbox = sandbox().await;
    sandbox.faults().push_rule(
        FaultRule::new(Fault::too_many_requests(None))
            .on_page(2)
            .times(2),
    );
    assert_recovers(&sandbox, &client(&sandbox), 2).await;
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_the_wait() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::too_many_requests(Some(1))).on_page(2));
    assert_recovers(&sandbox, &client(&sandbox), 1).await;
}

#[tokio::test]
async fn a_500_with_twilio_json_is_retried() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(status(500, None, false)).on_page(2));
    assert_recovers(&sandbox, &client(&sandbox), 1).await;
}

#[tokio::test]
async fn a_502_with_an_html_body_is_retried() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(status(502, None, true)).on_page(2).times(3));
    assert_recovers(&sandbox, &client(&sandbox), 3).await;
}

#[tokio::test]
async fn a_503_with_twilio_json_and_retry_after_is_retried() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(status(503, Some(1), false)).on_page(2));
    assert_recovers(&sandbox, &client(&sandbox), 1).await;
}

#[tokio::test]
async fn a_504_with_an_html_body_is_retried() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(status(504, None, true)).on_page(2).times(2));
    assert_recovers(&sandbox, &client(&sandbox), 2).await;
}

#[tokio::test]
async fn headers_later_than_the_timeout_are_retried() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::Delay(LONG_PAUSE)).on_page(2));
    let client = builder(&sandbox).timeout(SHORT_TIMEOUT).build().unwrap();
    assert_recovers(&sandbox, &client, 1).await;
}

#[tokio::test]
async fn headers_later_than_the_timeout_without_retries_are_a_timeout_error() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::Delay(LONG_PAUSE)).on_page(2));
    let client = builder(&sandbox)
        .timeout(SHORT_TIMEOUT)
        .max_retries(0)
        .build()
        .unwrap();
    let (events, error) = list(&client, &sandbox).await;
    let error = error.expect("the delayed page times out");
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(pages_requested(&sandbox), [0, 1, 2], "no retry");
    assert_stops_and_resumes(&sandbox, &events, &error, 2).await;
}

#[tokio::test]
async fn a_body_stalling_past_the_timeout_is_retried() {
    let sandbox = sandbox().await;
    sandbox.faults().push_rule(
        FaultRule::new(Fault::StallBody {
            after_bytes: 1000,
            pause: LONG_PAUSE,
        })
        .on_page(2),
    );
    let client = builder(&sandbox).timeout(SHORT_TIMEOUT).build().unwrap();
    assert_recovers(&sandbox, &client, 1).await;
}

#[tokio::test]
async fn a_body_stalling_within_the_timeout_is_simply_waited_for() {
    let sandbox = sandbox().await;
    sandbox.faults().push_rule(
        FaultRule::new(Fault::StallBody {
            after_bytes: 1000,
            pause: Duration::from_millis(200),
        })
        .on_page(2),
    );
    let (events, error) = list(&client(&sandbox), &sandbox).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(events, expected(&sandbox));
    assert_eq!(
        pages_requested(&sandbox),
        [0, 1, 2, 3, 4],
        "no retry needed"
    );
}

#[tokio::test]
async fn a_connection_cut_mid_body_is_retried() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::CutBody { after_bytes: 1000 }).on_page(2));
    assert_recovers(&sandbox, &client(&sandbox), 1).await;
}

#[tokio::test]
async fn a_connection_cut_mid_body_without_retries_is_a_broken_connection_error() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::CutBody { after_bytes: 1000 }).on_page(2));
    let client = builder(&sandbox).max_retries(0).build().unwrap();
    let (events, error) = list(&client, &sandbox).await;
    let error = error.expect("the cut page fails");
    match &error {
        Error::Transport { source, .. } => assert_eq!(source.kind(), TransportErrorKind::Io),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(error.is_retryable() && !error.is_timeout());
    assert_stops_and_resumes(&sandbox, &events, &error, 2).await;
}

#[tokio::test]
async fn a_connection_closed_without_a_response_is_retried() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::Disconnect).on_page(2));
    assert_recovers(&sandbox, &client(&sandbox), 1).await;
}

// ---- The retry budget. ----

#[tokio::test]
async fn the_retry_budget_bounds_the_attempts() {
    for max_retries in [0u32, 1, 3] {
        let sandbox = sandbox().await;
        sandbox
            .faults()
            .push_rule(FaultRule::new(status(500, None, false)).times(u32::MAX));
        let client = builder(&sandbox).max_retries(max_retries).build().unwrap();
        let (events, error) = list(&client, &sandbox).await;
        let error = error.expect("the server keeps failing");
        assert!(events.is_empty());
        assert_eq!(error.status(), Some(500), "{error:?}");
        assert_eq!(
            sandbox.stats().requests,
            1 + u64::from(max_retries),
            "attempts with max_retries {max_retries}"
        );
    }
}

#[tokio::test]
async fn a_503_beyond_the_retry_budget_is_a_twilio_error_to_resume_from() {
    let sandbox = sandbox().await;
    sandbox.faults().push_rule(
        FaultRule::new(status(503, None, false))
            .on_page(2)
            .times(u32::MAX),
    );
    let client = builder(&sandbox).max_retries(2).build().unwrap();
    let (events, error) = list(&client, &sandbox).await;
    let error = error.expect("page 2 keeps failing");
    let api = error.api_error().expect("Twilio's error JSON is decoded");
    assert_eq!((api.status, api.code), (503, Some(20503)));
    assert!(error.is_retryable());
    assert_eq!(pages_requested(&sandbox), [0, 1, 2, 2, 2]);
    assert_stops_and_resumes(&sandbox, &events, &error, 2).await;
}

#[tokio::test]
async fn a_502_html_page_beyond_the_retry_budget_is_an_http_error_to_resume_from() {
    let sandbox = sandbox().await;
    sandbox.faults().push_rule(
        FaultRule::new(status(502, None, true))
            .on_page(3)
            .times(u32::MAX),
    );
    let client = builder(&sandbox).max_retries(1).build().unwrap();
    let (events, error) = list(&client, &sandbox).await;
    let error = error.expect("page 3 keeps failing");
    match &error {
        Error::Http {
            status, snippet, ..
        } => {
            assert_eq!(*status, 502);
            assert!(snippet.contains("502 Bad Gateway"), "{snippet}");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert!(error.is_retryable() && error.code().is_none());
    assert_eq!(pages_requested(&sandbox), [0, 1, 2, 3, 3]);
    assert_stops_and_resumes(&sandbox, &events, &error, 3).await;
}

// ---- Bad pages: not retried, the listing stops and resumes. ----

/// Lists with a fault on page 2 that must stop the listing with a decode error (page 2
/// asked for once: a bad page is not retried), then resumes.
async fn assert_decode_error_then_resume(fault: Fault) {
    let sandbox = sandbox().await;
    sandbox.faults().push_rule(FaultRule::new(fault).on_page(2));
    let (events, error) = list(&client(&sandbox), &sandbox).await;
    let error = error.expect("page 2 cannot be decoded");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(pages_requested(&sandbox)[..3], [0, 1, 2]);
    assert_eq!(
        sandbox
            .requests()
            .iter()
            .filter(|r| r.fault.is_some())
            .count(),
        1,
        "a bad page is not retried"
    );
    assert_stops_and_resumes(&sandbox, &events, &error, 2).await;
}

#[tokio::test]
async fn a_truncated_json_page_is_a_decode_error_to_resume_from() {
    assert_decode_error_then_resume(Fault::TruncatedJson).await;
}

#[tokio::test]
async fn a_malformed_json_page_is_a_decode_error_to_resume_from() {
    assert_decode_error_then_resume(Fault::MalformedJson).await;
}

#[tokio::test]
async fn an_empty_200_is_a_decode_error_to_resume_from() {
    assert_decode_error_then_resume(Fault::EmptyOk).await;
}

#[tokio::test]
async fn a_page_far_over_the_body_cap_is_refused_and_resumable() {
    const CAP: usize = 512 * 1024;
    // A normal page of this call stays well under the cap.
    for declare_length in [true, false] {
        let sandbox = sandbox().await;
        sandbox.faults().push_rule(
            FaultRule::new(Fault::Oversized {
                min_bytes: 16 * CAP,
                declare_length,
            })
            .on_page(2),
        );
        let transport = HyperTransport::builder()
            .max_body_size(CAP)
            .build()
            .unwrap();
        let client = builder(&sandbox)
            .transport(Arc::new(transport))
            .build()
            .unwrap();
        let (events, error) = list(&client, &sandbox).await;
        let error = error.expect("the oversized page is refused");
        match &error {
            Error::Transport { source, .. } => {
                assert_eq!(source.kind(), TransportErrorKind::BodyTooLarge, "{source}");
            }
            other => panic!("expected a transport error, got {other:?}"),
        }
        assert!(!error.is_retryable());
        assert_stops_and_resumes(&sandbox, &events, &error, 2).await;
    }
}

#[tokio::test]
async fn a_wrong_content_type_on_a_json_page_is_decoded_by_its_body() {
    // The client decodes by content, not by label: a JSON page labelled text/html lists.
    let sandbox = sandbox().await;
    sandbox.faults().push_rule(
        FaultRule::new(Fault::WrongContentType {
            content_type: "text/html; charset=utf-8".to_owned(),
        })
        .on_page(2),
    );
    let (events, error) = list(&client(&sandbox), &sandbox).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(events, expected(&sandbox));
    assert_eq!(pages_requested(&sandbox), [0, 1, 2, 3, 4]);
}

// ---- Bad links: never followed. ----

#[tokio::test]
async fn a_next_page_uri_to_another_origin_sends_nothing_there() {
    let sandbox = sandbox().await;
    // Same seed, so the same credentials and data: following the link would "work".
    let other = Sandbox::builder()
        .seed(5)
        .calls(1)
        .call_with_events(EVENTS)
        .bind(([127, 0, 0, 2], 0).into())
        .start()
        .await
        .unwrap();
    for page in [1, 4] {
        sandbox.clear_requests();
        sandbox.faults().push_rule(
            FaultRule::new(Fault::ForeignNextLink {
                origin: other.base_url().to_owned(),
            })
            .on_page(page),
        );
        let (events, error) = list(&client(&sandbox), &sandbox).await;
        let error = error.expect("the foreign link stops the listing");
        let Error::Paging { source, page_uri } = &error else {
            panic!("expected a paging error, got {error:?}")
        };
        assert!(
            matches!(**source, PagerError::ForeignOrigin { .. }),
            "{source:?}"
        );
        let page_uri = page_uri.as_deref().unwrap();
        assert!(page_uri.contains(&format!("Page={page}")), "{page_uri}");
        assert!(!error.is_retryable());
        // The page with the link was delivered in full: resuming there would double it.
        assert_eq!(error.resume_uri(), None);
        let all = expected(&sandbox);
        let delivered = first_pages(page as usize + 1).min(all.len());
        assert_eq!(events, all[..delivered], "the page with the link, in full");
        assert_eq!(pages_requested(&sandbox), (0..=page).collect::<Vec<_>>());
    }
    let seen = other.stats();
    assert_eq!(
        (seen.connections_accepted, seen.requests),
        (0, 0),
        "the other origin saw nothing"
    );
}

#[tokio::test]
async fn a_link_cycle_stops_the_listing_without_doubles() {
    for page in [0u64, 2] {
        let sandbox = sandbox().await;
        sandbox
            .faults()
            .push_rule(FaultRule::new(Fault::LinkCycle).on_page(page));
        let (events, error) = list(&client(&sandbox), &sandbox).await;
        let error = error.expect("the cycle stops the listing");
        let Error::Paging { source, .. } = &error else {
            panic!("expected a paging error, got {error:?}")
        };
        assert!(matches!(**source, PagerError::Cycle { .. }), "{source:?}");
        assert_eq!(error.resume_uri(), None, "nothing left to resume");
        let all = expected(&sandbox);
        assert_eq!(
            events,
            all[..first_pages(page as usize + 1)],
            "every page up to the cyclic one, once (cycle on page {page})"
        );
        assert_eq!(pages_requested(&sandbox), (0..=page).collect::<Vec<_>>());
    }
}

#[tokio::test]
async fn page_token_links_without_page_are_followed() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::TokenWithoutPage).times(u32::MAX));
    let (events, error) = list(&client(&sandbox), &sandbox).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(events, expected(&sandbox), "every event once, in order");
    let requests = sandbox.requests();
    assert_eq!(requests.len(), 5);
    for r in &requests[1..] {
        assert!(r.query_param("PageToken").is_some(), "{}", r.path_and_query);
        assert!(r.query_param("Page").is_none(), "{}", r.path_and_query);
    }
}

// ---- The CLI under faults. ----

/// Lists the call as NDJSON with the CLI, with `extra` arguments.
async fn cli_list(sandbox: &Sandbox, extra: &[&str]) -> Output {
    let mut command = cli_command(sandbox.account_sid(), sandbox.auth_token());
    command
        .args([
            "calls",
            "events",
            "list",
            "--call-sid",
            call(sandbox).as_ref(),
            "--page-size",
            &PAGE_SIZE.to_string(),
            "--output",
            "ndjson",
            "--base-url",
            sandbox.base_url(),
        ])
        .args(extra);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn ndjson(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[tokio::test]
async fn the_cli_rides_out_a_503_and_a_cut_connection() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(status(503, None, false)).on_page(1).times(2));
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::CutBody { after_bytes: 500 }).on_page(3));
    let out = cli_list(&sandbox, &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        ndjson(&out),
        expected(&sandbox),
        "every event once, in order"
    );
    assert_eq!(pages_requested(&sandbox), [0, 1, 1, 1, 2, 3, 3, 4]);
}

#[tokio::test]
async fn the_cli_stops_on_a_bad_page_and_resumes_with_from_page() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::TruncatedJson).on_page(3));
    let out = cli_list(&sandbox, &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    let (_, quoted) = err.split_once("--from-page '").expect(&err);
    let (uri, _) = quoted.split_once('\'').unwrap();
    assert!(uri.contains("Page=3"), "{uri}");
    let first = ndjson(&out);
    let all = expected(&sandbox);
    assert_eq!(first, all[..first_pages(3)], "the pages before the bad one");

    let out = cli_list(&sandbox, &["--from-page", uri]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let mut joined = first;
    joined.extend(ndjson(&out));
    assert_eq!(joined, all, "nothing missing or doubled");
}

#[tokio::test]
async fn the_cli_honours_max_retries() {
    let sandbox = sandbox().await;
    sandbox
        .faults()
        .push_rule(FaultRule::new(status(500, None, true)).times(u32::MAX));
    let out = cli_list(&sandbox, &["--max-retries", "1"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("500"), "{err}");
    assert!(ndjson(&out).is_empty());
    assert_eq!(sandbox.stats().requests, 2, "one attempt and one retry");
}
