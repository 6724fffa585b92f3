//! Testing your own code with the replay transport: script what Twilio answers, run the
//! code, then check what it sent. No server, no network, no credentials.
//!
//! `cargo run -p twilio-api --example replay_test` (in your crate, the same code goes in a
//! `#[tokio::test]`; enable `twilio-api`'s `test-util` feature in your dev-dependencies).
// Test code: a bad literal in the script should fail loudly.
#![allow(clippy::print_stdout, clippy::expect_used)]

use std::sync::Arc;

use futures::TryStreamExt as _;
use twilio_api::test_util::http::{self, header};
use twilio_api::test_util::{ReplayEvent, ReplayTransport, bytes::Bytes, json_response};
use twilio_api::{CallSid, Client, Error, model::CallStatus};

/// The code under test: the SIDs of the calls still ringing, at most `limit` of them.
async fn ringing_calls(client: &Client, limit: u64) -> Result<Vec<CallSid>, Error> {
    client
        .calls()
        .list()
        .status(CallStatus::Ringing)
        .limit(limit)
        .stream()
        .try_filter_map(|call| async move { Ok(call.sid) })
        .try_collect()
        .await
}

const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const CALLS: &str =
    "https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls.json";

fn get(uri: &str) -> http::Request<Bytes> {
    let mut request = http::Request::new(Bytes::new());
    *request.uri_mut() = uri.parse().expect("a valid URI");
    // Basic base64("ACaaa…:token"): the replay checks the credentials went out too.
    request.headers_mut().insert(
        header::AUTHORIZATION,
        http::HeaderValue::from_static(
            "Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0b2tlbg==",
        ),
    );
    request.headers_mut().insert(
        header::ACCEPT,
        http::HeaderValue::from_static("application/json"),
    );
    request
}

fn page(sids: &[&str], next: Option<&str>) -> http::Response<Bytes> {
    let calls: Vec<_> = sids
        .iter()
        .map(|sid| serde_json::json!({"sid": sid, "status": "ringing", "account_sid": ACCOUNT}))
        .collect();
    let body = serde_json::json!({"calls": calls, "next_page_uri": next, "page_size": 2});
    json_response(200, body.to_string())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let next = "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls.json?Status=ringing&PageSize=3&Page=1&PageToken=PA2";
    let replay = ReplayTransport::new([
        ReplayEvent::new(
            get(&format!("{CALLS}?Status=ringing&PageSize=3")),
            page(
                &[
                    "CA00000000000000000000000000000001",
                    "CA00000000000000000000000000000002",
                ],
                Some(next),
            ),
        ),
        ReplayEvent::new(
            get(&format!("https://api.twilio.com{next}")),
            page(
                &[
                    "CA00000000000000000000000000000003",
                    "CA00000000000000000000000000000004",
                ],
                None,
            ),
        ),
    ]);
    let client = Client::builder()
        .auth_token(ACCOUNT.parse()?, "token")
        .transport(Arc::new(replay.clone()))
        .build()?;

    let ringing = ringing_calls(&client, 3).await?;

    // The result: exactly `limit` calls, in API order, across two pages.
    let sids: Vec<&str> = ringing.iter().map(CallSid::as_str).collect();
    assert_eq!(
        sids,
        [
            "CA00000000000000000000000000000001",
            "CA00000000000000000000000000000002",
            "CA00000000000000000000000000000003",
        ]
    );
    // What was sent: every scripted exchange used, and each request as expected (method,
    // URI, query in any order, headers and body), the user agent (it names the version)
    // aside.
    assert_eq!(replay.remaining(), 0);
    replay.assert_requests_match(&[header::USER_AGENT]);
    println!("ringing_calls sent the expected requests and returned {sids:?}");
    Ok(())
}
