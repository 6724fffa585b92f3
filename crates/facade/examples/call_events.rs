//! A call's events: every API request and webhook of one call, with its response.
//!
//! `cargo run -p twilio-api --example call_events`
//!
//! It runs against a `twilio-sandbox` started in this process (real HTTP over loopback, no
//! credentials, no network). Against Twilio, only the client changes:
//! `Client::from_env()?` (`TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN`, or an API key).
#![allow(clippy::print_stdout)]

use futures::TryStreamExt as _;
use twilio_api::{CallSid, Client};
use twilio_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().seed(7).calls(3).start().await?;
    let client = Client::builder()
        .auth_token(sandbox.account_sid().parse()?, sandbox.auth_token())
        .base_url(sandbox.base_url())
        .build()?;
    let call: CallSid = sandbox.call_sids().first().ok_or("no call")?.parse()?;

    // Lazy: nothing is sent until the stream is polled. Pages of 20, fetched one ahead.
    let mut events = client
        .call(call.clone())
        .events()
        .list()
        .page_size(20)
        .stream();
    let mut count = 0;
    while let Some(event) = events.try_next().await? {
        count += 1;
        let request = event.request.as_ref();
        let response = event.response.as_ref();
        println!(
            "{:<31} {:<4} {:>3} {}",
            response
                .and_then(|r| r.date_created.as_deref())
                .unwrap_or("-"),
            request.and_then(|r| r.method.as_deref()).unwrap_or("-"),
            response.and_then(|r| r.response_code).unwrap_or_default(),
            request.and_then(|r| r.url.as_deref()).unwrap_or("-"),
        );
    }
    println!("{count} events of {call}");
    assert_eq!(Some(count), sandbox.event_count(call.as_str()));

    sandbox.shutdown().await;
    Ok(())
}
