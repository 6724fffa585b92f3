//! Fetching one resource: a call, typed and as the exact JSON Twilio sent, a call's
//! recording, and what an unknown SID gives.
//!
//! `cargo run -p twilio-api --example fetch_call`
//!
//! Everything comes from a `twilio-sandbox` started in this process, over real HTTP.
//! Against Twilio, only the client changes: `Client::from_env()?`.
#![allow(clippy::print_stdout)]

use twilio_api::{CallSid, Client, Error};
use twilio_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;
    let client = Client::builder()
        .auth_token(sandbox.account_sid().parse()?, sandbox.auth_token())
        .base_url(sandbox.base_url())
        .build()?;

    // A call, typed: validated SIDs, enums that keep values they do not know, dates and
    // prices kept as Twilio's text and parsed on demand.
    let sid: CallSid = sandbox.call_sids().first().ok_or("no call")?.parse()?;
    let call = client.call(sid.clone()).fetch().await?;
    assert_eq!(call.sid.as_ref(), Some(&sid));
    println!(
        "{sid}: {:?} from {:?} to {:?}, started {:?}",
        call.status.as_ref().map(|s| s.as_str()),
        call.from,
        call.to,
        call.start_time.as_ref().and_then(|t| t.parse()),
    );

    // The same, as the exact JSON object the API sent.
    let raw = client.call(sid.clone()).fetch_raw().await?;
    let same: twilio_api::model::Call = serde_json::from_str(raw.get())?;
    assert_eq!(same, call);

    // One of a call's recordings: the walk down the tree follows the path.
    let values = sandbox.path_values("FetchCallRecording", &[])?;
    let (call_sid, recording_sid) = (values.get("CallSid"), values.get("Sid"));
    if let (Some(call_sid), Some(recording_sid)) = (call_sid, recording_sid) {
        let recording = client
            .call(call_sid.parse()?)
            .recording(recording_sid.parse()?)
            .fetch()
            .await?;
        assert_eq!(
            recording.call_sid.as_ref().map(|s| s.as_str()),
            Some(call_sid)
        );
        println!("{recording_sid}: {:?} seconds", recording.duration);
    }

    // An unknown call is Twilio's 404 document, typed.
    let unknown: CallSid = "CA00000000000000000000000000000000".parse()?;
    match client.call(unknown).fetch().await {
        Err(Error::Api(api)) => {
            assert_eq!((api.status, api.code), (404, Some(20404)));
            println!("unknown call: {}", api.message);
        }
        other => return Err(format!("expected a 404, got {other:?}").into()),
    }

    sandbox.shutdown().await;
    Ok(())
}
