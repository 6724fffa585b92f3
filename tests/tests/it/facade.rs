//! The facade against the sandbox, over real loopback sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures::TryStreamExt as _;
use twilio_api::{AccountSid, ApiKeySid, CallSid, Client, Error};
use twilio_sandbox::Sandbox;

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .seed(7)
        .calls(5)
        .call_with_events(230)
        .start()
        .await
        .unwrap()
}

fn client_for(sandbox: &Sandbox) -> Client {
    let account: AccountSid = sandbox.account_sid().parse().unwrap();
    Client::builder()
        .auth_token(account, sandbox.auth_token())
        .base_url(sandbox.base_url())
        .build()
        .unwrap()
}

/// The call with exactly 230 events (the builder adds it after the generated ones).
fn big_call(sandbox: &Sandbox) -> CallSid {
    sandbox.call_sids().last().unwrap().parse().unwrap()
}

fn as_json(events: &[twilio_api::CallEvent]) -> Vec<serde_json::Value> {
    events
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect()
}

#[tokio::test]
async fn lists_every_event_of_a_multi_page_call_in_order() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    let call = big_call(&sandbox);
    let events = client
        .call(call.clone())
        .events()
        .list()
        .page_size(50)
        .collect()
        .await
        .unwrap();
    assert_eq!(events.len(), 230);
    let expected = sandbox.events_json(call.as_ref()).unwrap();
    assert_eq!(
        as_json(&events),
        expected,
        "every event exactly once, in API order, losslessly"
    );
}

#[tokio::test]
async fn pages_carry_their_metadata() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    let pages: Vec<_> = client
        .call(big_call(&sandbox))
        .events()
        .list()
        .page_size(100)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| twilio_api::ListPage::items(p).len())
        .collect();
    assert_eq!(sizes, [100, 100, 30]);
    let metas: Vec<_> = pages.iter().map(twilio_api::ListPage::envelope).collect();
    assert_eq!(metas[0].page, Some(0));
    assert_eq!(metas[2].page, Some(2));
    assert!(metas[0].previous_page_uri.is_none());
    assert!(metas[2].next_page_uri.is_none());
    assert!(
        metas[0]
            .next_page_uri
            .as_deref()
            .unwrap()
            .contains("PageToken=")
    );
}

#[tokio::test]
async fn limit_stops_early_and_asks_for_no_more_than_needed() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    let call = big_call(&sandbox);
    let requests_before = sandbox.stats().requests;
    let events = client
        .call(call.clone())
        .events()
        .list()
        .page_size(100)
        .limit(7)
        .collect()
        .await
        .unwrap();
    assert_eq!(events.len(), 7);
    assert_eq!(
        sandbox.stats().requests - requests_before,
        1,
        "one page of 7 is enough"
    );
    let expected = sandbox.events_json(call.as_ref()).unwrap();
    assert_eq!(as_json(&events), expected[..7]);

    let events = client
        .call(call)
        .events()
        .list()
        .page_size(20)
        .limit(45)
        .collect()
        .await
        .unwrap();
    assert_eq!(as_json(&events), expected[..45]);
}

#[tokio::test]
async fn page_size_out_of_range_is_rejected_before_any_request() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    for size in [0, 1001] {
        let err = client
            .call(big_call(&sandbox))
            .events()
            .list()
            .page_size(size)
            .collect()
            .await
            .unwrap_err();
        assert!(err.is_invalid_input(), "{err:?}");
        assert!(err.resume_uri().is_none());
    }
    assert_eq!(sandbox.stats().requests, 0);
}

#[tokio::test]
async fn api_key_credentials_work() {
    let sandbox = sandbox().await;
    let account: AccountSid = sandbox.account_sid().parse().unwrap();
    let key: ApiKeySid = sandbox.api_key_sid().parse().unwrap();
    let client = Client::builder()
        .api_key(account, key, sandbox.api_key_secret())
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let events = client
        .call(big_call(&sandbox))
        .events()
        .list()
        .collect()
        .await
        .unwrap();
    assert_eq!(events.len(), 230);
}

#[tokio::test]
async fn a_wrong_token_is_20003_and_is_not_retried() {
    let sandbox = sandbox().await;
    let account: AccountSid = sandbox.account_sid().parse().unwrap();
    let client = Client::builder()
        .auth_token(account, "not-the-token")
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let err = client
        .call(big_call(&sandbox))
        .events()
        .list()
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(20003), "{err:?}");
    assert_eq!(err.status(), Some(401));
    assert!(err.is_unauthorized() && !err.is_retryable());
    assert_eq!(sandbox.stats().requests, 1, "401 is never retried");
    assert!(!format!("{err} {err:?}").contains("not-the-token"));
}

#[tokio::test]
async fn an_unknown_call_is_20404_with_the_page_to_resume_from() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    let unknown: CallSid = "CAffffffffffffffffffffffffffffffff".parse().unwrap();
    let err = client
        .call(unknown.clone())
        .events()
        .list()
        .collect()
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected a Twilio error, got {err:?}")
    };
    assert_eq!(api.code, Some(20404));
    assert_eq!(api.status, 404);
    assert!(
        api.more_info
            .as_deref()
            .unwrap_or_default()
            .contains("20404")
    );
    assert!(err.resume_uri().unwrap().contains(unknown.as_ref()));
}

#[tokio::test]
async fn a_listing_resumes_from_any_page_uri_without_gaps_or_doubles() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    let call = big_call(&sandbox);
    let pages: Vec<_> = client
        .call(call.clone())
        .events()
        .list()
        .page_size(40)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let third = twilio_api::ListPage::envelope(&pages[2])
        .uri
        .clone()
        .unwrap();
    let rest = client
        .call(call.clone())
        .events()
        .list()
        .from_page(third)
        .collect()
        .await
        .unwrap();
    let expected = sandbox.events_json(call.as_ref()).unwrap();
    assert_eq!(as_json(&rest), expected[80..]);
}

#[tokio::test]
async fn a_whole_listing_uses_one_connection() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    let events = client
        .call(big_call(&sandbox))
        .events()
        .list()
        .page_size(10)
        .collect()
        .await
        .unwrap();
    assert_eq!(events.len(), 230);
    let stats = sandbox.stats();
    assert_eq!(stats.requests, 23);
    assert_eq!(stats.connections_accepted, 1, "keep-alive: {stats:?}");
}

#[tokio::test]
async fn a_subaccount_other_than_the_sandboxs_is_refused() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    let other: AccountSid = "AC00000000000000000000000000000000".parse().unwrap();
    let err = client
        .account(other)
        .call(big_call(&sandbox))
        .events()
        .list()
        .collect()
        .await
        .unwrap_err();
    assert!(
        err.status().is_some_and(|s| s == 401 || s == 404),
        "{err:?}"
    );
    assert!(!err.is_retryable());
}
