//! Fetching one resource: a call, typed and as the exact JSON Twilio sent, and what an
//! unknown SID gives.
//!
//! `cargo run -p twilio-api --example fetch_call`
//!
//! The sandbox serves call events only for now, so this example answers from a function
//! transport (`twilio_api::test_util::FnTransport`, feature `test-util`) with the call of
//! Twilio's own API description (its example for `GET .../Calls/{Sid}.json`) and Twilio's
//! 404 document for any other call. Against Twilio, only the client changes:
//! `Client::from_env()?`.
#![allow(clippy::print_stdout)]

use std::sync::Arc;

use twilio_api::test_util::{FnTransport, json_response};
use twilio_api::{CallSid, Client, model::CallStatus};

const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const CALL: &str = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// The example response of the spec for this fetch.
const FETCHED_CALL: &str = r#"{
  "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "answered_by": "machine_start",
  "api_version": "2010-04-01",
  "caller_name": "callerid",
  "date_created": "Fri, 18 Oct 2019 17:00:00 +0000",
  "date_updated": "Fri, 18 Oct 2019 17:01:00 +0000",
  "direction": "outbound-api",
  "duration": "4",
  "end_time": "Fri, 18 Oct 2019 17:03:00 +0000",
  "forwarded_from": "calledvia",
  "from": "+13051416799",
  "from_formatted": "(305) 141-6799",
  "group_sid": "GPdeadbeefdeadbeefdeadbeefdeadbeef",
  "parent_call_sid": "CAdeadbeefdeadbeefdeadbeefdeadbeef",
  "phone_number_sid": "PNdeadbeefdeadbeefdeadbeefdeadbeef",
  "price": "-0.200",
  "price_unit": "USD",
  "sid": "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "start_time": "Fri, 18 Oct 2019 17:02:00 +0000",
  "status": "completed",
  "subresource_uris": {
    "events": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Events.json",
    "recordings": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Recordings.json"
  },
  "to": "+13051913581",
  "to_formatted": "(305) 191-3581",
  "trunk_sid": "TKdeadbeefdeadbeefdeadbeefdeadbeef",
  "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json",
  "queue_time": "1000"
}"#;

const NOT_FOUND: &str = r#"{"code": 20404, "message": "The requested resource /2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json was not found", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}"#;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let twilio = FnTransport::new(|request| {
        let path = request.uri().path();
        Ok(if path.ends_with(&format!("/Calls/{CALL}.json")) {
            json_response(200, FETCHED_CALL)
        } else {
            json_response(404, NOT_FOUND)
        })
    });
    let client = Client::builder()
        .auth_token(ACCOUNT.parse()?, "auth token")
        .transport(Arc::new(twilio.clone()))
        .build()?;
    let sid: CallSid = CALL.parse()?;

    // A fetch is a future: `.await` sends it.
    let call = client.call(sid.clone()).fetch().await?;
    println!(
        "{sid}: {:?} from {:?} to {:?}, {}s, started {}",
        call.status,
        call.from.as_deref().unwrap_or("?"),
        call.to.as_deref().unwrap_or("?"),
        call.duration.as_deref().unwrap_or("?"),
        call.start_time.as_ref().map_or("?", |t| t.as_str()),
    );
    assert_eq!(call.status, Some(CallStatus::Completed));
    assert_eq!(call.sid.as_ref(), Some(&sid));

    // The exact JSON, for storing or forwarding: no decoding beyond validation.
    let raw = client.call(sid.clone()).fetch_raw().await?;
    assert!(raw.get().contains("\"queue_time\": \"1000\""));

    // Of the same account's other call: Twilio's 404, typed.
    let other: CallSid = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb".parse()?;
    let err = client
        .call(other)
        .fetch()
        .await
        .err()
        .ok_or("expected a 404")?;
    println!("unknown call: {err}");
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some(20404));

    // Paths are the API's: `client.account(sub)` reaches a subaccount's call the same way.
    let requests = twilio.requests();
    assert_eq!(
        requests[0].uri().path(),
        format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL}.json")
    );
    Ok(())
}
