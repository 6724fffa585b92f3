//! A representative set of generated resources through the facade over a test transport:
//! paths, filters, paging, typed decoding, raw listings, fetches and the 307 of `Data.json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::json;
use twilio_api::model::{CallStatus, Calls, CallsPage, MessageSid, Page, UsageRecordsDailyPage};
use twilio_api::time::macros::date;
use twilio_api::{AccountSid, Client};
use twilio_export::{RawJson, SharedRaw};
use twilio_transport::test_util::{FnTransport, json_response, response};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";

fn client(transport: &Arc<FnTransport>) -> Client {
    let account: AccountSid = ACCOUNT.parse().unwrap();
    Client::builder()
        .auth_token(account, "token")
        .base_url("http://127.0.0.1:9")
        .transport(transport.clone())
        .build()
        .unwrap()
}

fn call(n: u32, status: &str) -> serde_json::Value {
    json!({
        "sid": format!("CA{n:032x}"),
        "account_sid": ACCOUNT,
        "status": status,
        "price": "-0.0200",
        "start_time": "Fri, 18 Oct 2019 17:02:00 +0000",
        "duration": "4",
        "a_member_added_later": {"nested": [1, 2]},
    })
}

/// Two pages of calls; the second reached through `next_page_uri`.
fn calls_server() -> Arc<FnTransport> {
    Arc::new(FnTransport::new(|request| {
        let uri = request.uri().to_string();
        let base = format!("/2010-04-01/Accounts/{ACCOUNT}/Calls.json");
        let body = if uri.contains("Page=1") {
            json!({"calls": [call(3, "a-status-from-the-future")], "next_page_uri": null, "page": 1, "page_size": 2, "uri": format!("{base}?Page=1")})
        } else {
            json!({"calls": [call(1, "completed"), call(2, "busy")], "next_page_uri": format!("{base}?Status=completed&PageSize=2&Page=1"), "page": 0, "page_size": 2, "uri": base})
        };
        Ok(json_response(200, body.to_string()))
    }))
}

#[tokio::test]
async fn calls_list_with_filters_pages_and_decodes() {
    let transport = calls_server();
    let calls = client(&transport)
        .calls()
        .list()
        .status(CallStatus::Completed)
        .start_time_after(date!(2024 - 01 - 01))
        .to("+15551234567")
        .page_size(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].status, Some(CallStatus::Completed));
    assert_eq!(calls[1].status, Some(CallStatus::Busy));
    // A status this version does not know is kept, not an error.
    assert_eq!(
        calls[2].status,
        Some(CallStatus::Unknown("a-status-from-the-future".into()))
    );
    assert_eq!(calls[0].price.as_deref(), Some("-0.0200"));
    assert_eq!(
        calls[0]
            .start_time
            .as_ref()
            .and_then(|t| t.parse())
            .map(|t| t.year()),
        Some(2019)
    );
    assert_eq!(
        calls[0].extra["a_member_added_later"],
        json!({"nested": [1, 2]})
    );
    let uris: Vec<String> = transport
        .requests()
        .iter()
        .map(|r| r.uri().to_string())
        .collect();
    assert_eq!(
        uris[0],
        format!(
            "http://127.0.0.1:9/2010-04-01/Accounts/{ACCOUNT}/Calls.json?Status=completed&StartTime%3E=2024-01-01&To=%2B15551234567&PageSize=2"
        )
    );
    assert!(
        uris[1].ends_with("Calls.json?Status=completed&PageSize=2&Page=1"),
        "{uris:?}"
    );
}

#[tokio::test]
async fn raw_listings_keep_each_item_exactly() {
    let transport = calls_server();
    let raw: Vec<_> = client(&transport)
        .calls()
        .list_raw()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 3);
    let first: serde_json::Value = serde_json::from_str(raw[0].get()).unwrap();
    assert_eq!(first, call(1, "completed"));
    // Shared (twilio-export's pages, through `pages_as`): the same items, each a slice of
    // its page's body.
    let shared: Vec<RawJson> = client(&calls_server())
        .calls()
        .list_raw()
        .pages_as::<Page<SharedRaw<Calls>>>()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let texts = |items: Vec<&str>| items.join("\n");
    assert_eq!(
        texts(shared.iter().map(|item| item.get()).collect()),
        texts(raw.iter().map(|item| item.get()).collect())
    );
    let pages: Vec<CallsPage> = client(&calls_server())
        .calls()
        .list()
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
}

#[tokio::test]
async fn fetches_decode_one_resource_and_report_errors_with_its_uri() {
    let transport = Arc::new(FnTransport::new(|request| {
        let uri = request.uri().path().to_owned();
        Ok(
            if uri.ends_with("/Messages/MM0123456789abcdef0123456789abcdef.json") {
                json_response(200, json!({"sid": "MM0123456789abcdef0123456789abcdef", "body": "hi", "num_segments": "1"}).to_string())
            } else if uri.ends_with("/Balance.json") {
                json_response(
                    200,
                    json!({"balance": "12.34", "currency": "USD", "account_sid": ACCOUNT})
                        .to_string(),
                )
            } else {
                json_response(
                    404,
                    json!({"code": 20404, "message": "not found", "status": 404}).to_string(),
                )
            },
        )
    }));
    let client = client(&transport);
    let sid: MessageSid = "MM0123456789abcdef0123456789abcdef".parse().unwrap();
    let message = client.message(sid).fetch().await.unwrap();
    assert_eq!(message.body.as_deref(), Some("hi"));
    let balance = client.balance().fetch().await.unwrap();
    assert_eq!(balance.balance.as_deref(), Some("12.34"));
    let missing = client
        .call("CA0123456789abcdef0123456789abcdef".parse().unwrap())
        .fetch()
        .await
        .unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("/Calls/CA0123456789abcdef0123456789abcdef.json"),
        "{missing}"
    );
    let raw = client.balance().fetch_raw().await.unwrap();
    assert!(raw.get().contains("\"12.34\""));
}

#[tokio::test]
async fn usage_records_and_subaccounts_walk_the_tree() {
    let transport = Arc::new(FnTransport::new(|request| {
        assert!(
            request.uri().path().starts_with(
                "/2010-04-01/Accounts/ACfedcba9876543210fedcba9876543210/Usage/Records/Daily.json"
            ),
            "{}",
            request.uri()
        );
        Ok(json_response(200, json!({"usage_records": [{"category": "calls", "price": 1.5, "start_date": "2024-01-01"}], "next_page_uri": null}).to_string()))
    }));
    let sub: AccountSid = "ACfedcba9876543210fedcba9876543210".parse().unwrap();
    let pages: Vec<UsageRecordsDailyPage> = client(&transport)
        .account(sub)
        .usage()
        .records()
        .daily()
        .list()
        .start_date(date!(2024 - 01 - 01))
        .include_subaccounts(false)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let record = &pages[0].items[0];
    assert_eq!(
        record.start_date.as_ref().and_then(|d| d.parse()),
        Some(date!(2024 - 01 - 01))
    );
    // A number where the spec says number keeps its JSON form.
    assert_eq!(record.price.as_ref().map(|p| p.as_str()), Some("1.5"));
    assert!(
        transport.requests()[0]
            .uri()
            .query()
            .unwrap()
            .contains("StartDate=2024-01-01&IncludeSubaccounts=false")
    );
}

#[tokio::test]
async fn payload_data_answers_with_its_redirect() {
    let transport = Arc::new(FnTransport::new(|_| {
        let mut redirect = response(307, "");
        redirect.headers_mut().insert(
            http::header::LOCATION,
            http::HeaderValue::from_static("https://media.example/data"),
        );
        Ok(redirect)
    }));
    let data = client(&transport)
        .recording("RE0123456789abcdef0123456789abcdef".parse().unwrap())
        .add_on_result("XR0123456789abcdef0123456789abcdef".parse().unwrap())
        .payload("XH0123456789abcdef0123456789abcdef".parse().unwrap())
        .data()
        .fetch()
        .await
        .unwrap();
    assert_eq!(
        data.redirect_to.as_deref(),
        Some("https://media.example/data")
    );
}

#[tokio::test]
async fn listings_run_any_set_of_listings_labelled_with_bounded_concurrency() {
    let transport = Arc::new(FnTransport::new(|request| {
        // `/2010-04-01/Accounts/AC…/Calls/{call}/Recordings.json`
        let call = request
            .uri()
            .path()
            .split('/')
            .nth(5)
            .unwrap_or_default()
            .to_owned();
        let body = json!({"recordings": [{"sid": format!("RE{:0>32}", &call[30..]), "call_sid": call}], "next_page_uri": null});
        Ok(json_response(200, body.to_string()))
    }));
    let client = client(&transport);
    let calls: Vec<twilio_api::CallSid> = (1..=5u32)
        .map(|n| format!("CA{n:032x}").parse().unwrap())
        .collect();
    let listings = calls
        .iter()
        .map(|sid| (sid.clone(), client.call(sid.clone()).recordings().list()));
    let mut results: Vec<(twilio_api::CallSid, String)> = twilio_api::Listings::new(listings)
        .concurrency(2)
        .stream()
        .map(|(sid, recording)| (sid, recording.unwrap().call_sid.unwrap().to_string()))
        .collect()
        .await;
    results.sort();
    assert_eq!(results.len(), 5);
    for (label, call_sid) in results {
        assert_eq!(
            label.as_str(),
            call_sid,
            "each item carries its listing's label"
        );
    }
}
