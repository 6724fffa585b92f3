//! The calls of a period, filtered, then the events of each, several calls at a time.
//!
//! `cargo run -p twilio-api --example calls_of_a_period`
//!
//! Everything comes from a `twilio-sandbox` started in this process, over real HTTP: it
//! serves every read of the API and honours the calls' filters as Twilio does. Against
//! Twilio, only the client changes: `Client::from_env()?`.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;

use futures::{StreamExt as _, TryStreamExt as _};
use twilio_api::time::macros::{date, datetime};
use twilio_api::{CallSid, Client, model::CallStatus};
use twilio_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;
    let client = Client::builder()
        .auth_token(sandbox.account_sid().parse()?, sandbox.auth_token())
        .base_url(sandbox.base_url())
        .build()?;

    // The completed calls that started in the first half of 2022 (UTC), 5 per page.
    // Filters are typed: a `CallStatus`, dates or date-times; `.query(name, value)` sends
    // anything they do not cover, under its exact name.
    let calls = client
        .calls()
        .list()
        .status(CallStatus::Completed)
        .start_time_after(date!(2022 - 01 - 01))
        .start_time_before(datetime!(2022-06-30 23:59:59 UTC))
        .page_size(5)
        .collect()
        .await?;
    for call in &calls {
        assert_eq!(call.status, Some(CallStatus::Completed));
        let started = call.start_time.as_ref().and_then(|t| t.parse());
        assert!(started.is_some_and(|t| t.year() == 2022 && u8::from(t.month()) <= 6));
    }
    let sids: Vec<CallSid> = calls.iter().filter_map(|call| call.sid.clone()).collect();
    println!("{} completed calls in the period", sids.len());
    assert!(!sids.is_empty());

    // Their events, 3 calls at a time over the client's one connection pool. Each result
    // says its call; one call's events come in order, calls interleave.
    let mut counts: BTreeMap<CallSid, u64> = BTreeMap::new();
    let mut events = client
        .events_of_calls(sids.clone())
        .concurrency(3)
        .page_size(50)
        .stream();
    while let Some((call, event)) = events.next().await {
        // A failure ends only its own call; `err.resume_uri()` says where it can continue.
        let _event = event?;
        *counts.entry(call).or_default() += 1;
    }
    for (call, count) in &counts {
        println!("{call}: {count} events");
        assert_eq!(Some(*count), sandbox.event_count(call.as_str()));
    }
    assert_eq!(counts.len(), sids.len());

    // The same listing as one stream of calls, stopped after 3 of them.
    let first_three: Vec<_> = client
        .calls()
        .list()
        .status(CallStatus::Completed)
        .limit(3)
        .stream()
        .try_collect()
        .await?;
    assert_eq!(first_three.len(), 3);

    sandbox.shutdown().await;
    Ok(())
}
