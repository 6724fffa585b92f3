//! The calls of a period, filtered, then the events of each, several calls at a time.
//!
//! `cargo run -p twilio-api --example calls_of_a_period`
//!
//! The events come from a `twilio-sandbox` started in this process, over real HTTP. The
//! sandbox serves call events only for now: until it serves `Calls.json` too, this example
//! answers that one listing itself, through [`ClientBuilder::wrap_transport`], with a page
//! shaped like Twilio's (the call of Twilio's own API description, once per sandbox call),
//! after checking that the filters arrived as Twilio expects them. Every other request goes
//! to the sandbox. Against Twilio, only the client changes: `Client::from_env()?`.
//!
//! [`ClientBuilder::wrap_transport`]: twilio_api::ClientBuilder::wrap_transport
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use futures::{StreamExt as _, TryStreamExt as _};
use twilio_api::time::macros::{date, datetime};
use twilio_api::{CallSid, Client, HttpTransport, TransportError, model::CallStatus};
use twilio_sandbox::Sandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().seed(11).calls(5).start().await?;
    let sandbox_calls = sandbox.call_sids();
    let client = Client::builder()
        .auth_token(sandbox.account_sid().parse()?, sandbox.auth_token())
        .base_url(sandbox.base_url())
        .wrap_transport({
            let calls = sandbox_calls.clone();
            let account = sandbox.account_sid().to_owned();
            move |sandbox| {
                Arc::new(CallsStandIn {
                    account: account.clone(),
                    calls: calls.clone(),
                    sandbox,
                })
            }
        })
        .build()?;

    // The completed calls that started in the first week of June 2022 (UTC), 2 per page.
    // Filters are typed: a `CallStatus`, dates or date-times; `.query(name, value)` sends
    // anything they do not cover, under its exact name.
    let calls = client
        .calls()
        .list()
        .status(CallStatus::Completed)
        .start_time_after(date!(2022 - 06 - 01))
        .start_time_before(datetime!(2022-06-08 0:00 UTC))
        .page_size(2)
        .collect()
        .await?;
    let sids: Vec<CallSid> = calls.iter().filter_map(|call| call.sid.clone()).collect();
    println!("{} completed calls in the period", sids.len());
    assert_eq!(sids.len(), sandbox_calls.len());

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

/// Answers `GET .../Calls.json` with the sandbox's calls, in pages as Twilio pages them;
/// hands every other request to the transport it wraps (the client's default one, to the
/// sandbox).
#[derive(Debug)]
struct CallsStandIn {
    account: String,
    calls: Vec<String>,
    sandbox: Arc<dyn HttpTransport>,
}

#[async_trait::async_trait]
impl HttpTransport for CallsStandIn {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let path = format!("/2010-04-01/Accounts/{}/Calls.json", self.account);
        if request.uri().path() != path {
            return self.sandbox.send(request).await;
        }
        let query: BTreeMap<String, String> =
            form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        // The filters arrive as Twilio's SDKs send them; anything else is refused as Twilio
        // would refuse it.
        if query.get("Status").map(String::as_str) != Some("completed") {
            let error = r#"{"code": 20001, "message": "this stand-in serves completed calls only", "status": 400}"#;
            let mut response = http::Response::new(Bytes::from_static(error.as_bytes()));
            *response.status_mut() = http::StatusCode::BAD_REQUEST;
            return Ok(response);
        }
        let page_size: usize = query
            .get("PageSize")
            .and_then(|s| s.parse().ok())
            .unwrap_or(50);
        let page: usize = query.get("Page").and_then(|s| s.parse().ok()).unwrap_or(0);
        let first = page * page_size;
        let calls: Vec<serde_json::Value> = self
            .calls
            .iter()
            .skip(first)
            .take(page_size)
            .map(|sid| call_json(&self.account, sid))
            .collect();
        let mut next_query = query.clone();
        next_query.insert("Page".into(), (page + 1).to_string());
        next_query.insert("PageToken".into(), format!("PA{}", first + page_size));
        let next = (first + page_size < self.calls.len()).then(|| {
            let encoded = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&next_query)
                .finish();
            format!("{path}?{encoded}")
        });
        let body = serde_json::json!({
            "calls": calls,
            "end": first + calls.len().saturating_sub(1),
            "first_page_uri": format!("{path}?PageSize={page_size}&Page=0"),
            "next_page_uri": next,
            "page": page,
            "page_size": page_size,
            "previous_page_uri": null,
            "start": first,
            "uri": request.uri().path_and_query().map(|p| p.as_str()),
        });
        let mut response = http::Response::new(Bytes::from(body.to_string()));
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Ok(response)
    }
}

/// A call as Twilio sends it (the example of its API description), with this SID.
fn call_json(account: &str, sid: &str) -> serde_json::Value {
    serde_json::json!({
        "account_sid": account,
        "answered_by": "human",
        "api_version": "2010-04-01",
        "caller_name": "callerid",
        "date_created": "Fri, 03 Jun 2022 17:00:00 +0000",
        "date_updated": "Fri, 03 Jun 2022 17:01:00 +0000",
        "direction": "outbound-api",
        "duration": "4",
        "end_time": "Fri, 03 Jun 2022 17:03:00 +0000",
        "from": "+13051416799",
        "from_formatted": "(305) 141-6799",
        "price": "-0.200",
        "price_unit": "USD",
        "sid": sid,
        "start_time": "Fri, 03 Jun 2022 17:02:00 +0000",
        "status": "completed",
        "subresource_uris": {
            "events": format!("/2010-04-01/Accounts/{account}/Calls/{sid}/Events.json"),
        },
        "to": "+13051913581",
        "to_formatted": "(305) 191-3581",
        "uri": format!("/2010-04-01/Accounts/{account}/Calls/{sid}.json"),
        "queue_time": "1000"
    })
}
