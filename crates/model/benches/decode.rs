//! Decoding cost of a realistic 1000-event page of call events, and of a 1000-call page of a
//! generated resource (`CallsPage`), against the floor of merely validating the same bytes
//! (`serde::de::IgnoredAny`), against a generic `serde_json::Value` and, for the calls, against
//! plain derived structs of the same members (the least a struct decoding costs).
//!
//! Run: `cargo bench -p twilio-model --bench decode -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;
use serde_json::{Value, json};
use twilio_model::{CallEvents, CallEventsPage, CallsPage, ListPage, Page, Raw};

const EVENTS: usize = 1000;
const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// One event shaped like the documented example and like real traffic: a ~10-entry parameter
/// map, TwiML with quotes, escapes and non-ASCII text, a JSON response body.
fn event(i: usize) -> Value {
    let call = format!("CA{i:032x}");
    let twiml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n\t<Say voice=\"alice\" language=\"de-DE\">\
         Grüße, Anrufer Nr. {i} &amp; \"willkommen\" \\ ☎</Say>\n\t<Dial timeout=\"30\">+4930{i:06}</Dial>\n</Response>"
    );
    if i.is_multiple_of(2) {
        json!({
            "request": {
                "url": format!("https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Calls/{call}.json"),
                "method": "POST",
                "parameters": {
                    "to": format!("+1555{i:07}"),
                    "from": "+987654321",
                    "trim": "trim-silence",
                    "twiml": twiml,
                    "method": "POST",
                    "timeout": "55",
                    "account_sid": ACCOUNT,
                    "status_callback": "https://example.com/status?call=\u{e9}t\u{e9}",
                    "status_callback_method": "POST",
                    "machine_detection_timeout": "0"
                }
            },
            "response": {
                "content_type": "application/json",
                "date_created": "Tue, 11 Aug 2020 17:44:08 +0000",
                "response_body": format!("{{\"sid\": \"{call}\", \"status\": \"queued\", \"direction\": \"outbound-api\"}}"),
                "response_code": 201,
                "request_duration": 50 + i % 300
            }
        })
    } else {
        json!({
            "request": {
                "url": format!("https://handler.example.com/voice?CallSid={call}&n={i}"),
                "method": "POST",
                "parameters": {
                    "CallSid": call,
                    "AccountSid": ACCOUNT,
                    "From": "+987654321",
                    "To": format!("+1555{i:07}"),
                    "CallStatus": "in-progress",
                    "Direction": "outbound-api",
                    "ApiVersion": "2010-04-01",
                    "Caller": "client:Jürgen",
                    "CalledCountry": "US",
                    "AnsweredBy": "human"
                }
            },
            "response": {
                "content_type": "text/xml; charset=utf-8",
                "date_created": "Tue, 11 Aug 2020 17:44:09 +0000",
                "response_body": twiml,
                "response_code": 200,
                "request_duration": 120 + i % 700
            }
        })
    }
}

/// One call shaped like the spec's example (`GET .../Calls.json`), varied: statuses,
/// directions, prices, nulls where a call has not ended or has no parent, numbers and names.
fn call(i: usize) -> Value {
    let sid = format!("CA{i:032x}");
    let uri = format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{sid}");
    let statuses = [
        "completed",
        "busy",
        "no-answer",
        "in-progress",
        "failed",
        "canceled",
    ];
    let status = statuses[i % statuses.len()];
    let ended = matches!(status, "completed" | "busy" | "failed");
    let subresources: serde_json::Map<String, Value> = [
        "notifications",
        "recordings",
        "payments",
        "events",
        "siprec",
        "streams",
        "transcriptions",
        "user_defined_message_subscriptions",
        "user_defined_messages",
    ]
    .iter()
    .map(|name| {
        let file: String = name
            .split('_')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect();
        ((*name).to_owned(), json!(format!("{uri}/{file}.json")))
    })
    .collect();
    let minute = i % 60;
    json!({
        "account_sid": ACCOUNT,
        "answered_by": if i.is_multiple_of(3) { json!("machine_start") } else { json!(null) },
        "api_version": "2010-04-01",
        "caller_name": if i.is_multiple_of(4) { json!(format!("Jürgen Müller {i}")) } else { json!(null) },
        "date_created": format!("Fri, 18 Oct 2019 17:{minute:02}:00 +0000"),
        "date_updated": format!("Fri, 18 Oct 2019 17:{minute:02}:30 +0000"),
        "direction": if i.is_multiple_of(2) { "outbound-api" } else { "inbound" },
        "duration": if ended { json!(format!("{}", i % 900)) } else { json!(null) },
        "end_time": if ended { json!(format!("Fri, 18 Oct 2019 18:{minute:02}:00 +0000")) } else { json!(null) },
        "forwarded_from": if i.is_multiple_of(5) { json!(format!("+1415{i:07}")) } else { json!(null) },
        "from": format!("+1305{i:07}"),
        "from_formatted": format!("(305) {:03}-{:04}", i % 1000, i % 10000),
        "group_sid": null,
        "parent_call_sid": if i.is_multiple_of(7) { json!(format!("CA{:032x}", i + 1_000_000)) } else { json!(null) },
        "phone_number_sid": format!("PN{i:032x}"),
        "price": if ended { json!(format!("-0.{:03}", i % 1000)) } else { json!(null) },
        "price_unit": "USD",
        "sid": sid,
        "start_time": format!("Fri, 18 Oct 2019 17:{minute:02}:05 +0000"),
        "status": status,
        "subresource_uris": subresources,
        "to": format!("+1415{:07}", i * 7 % 10_000_000),
        "to_formatted": format!("(415) {:03}-{:04}", i * 7 % 1000, i * 7 % 10000),
        "trunk_sid": if i.is_multiple_of(9) { json!(format!("TK{i:032x}")) } else { json!(null) },
        "uri": format!("{uri}.json"),
        "queue_time": format!("{}", i % 1000),
    })
}

fn calls_page_bytes() -> Vec<u8> {
    let calls: Vec<Value> = (0..EVENTS).map(call).collect();
    let uri = format!("/2010-04-01/Accounts/{ACCOUNT}/Calls.json");
    serde_json::to_vec(&json!({
        "calls": calls,
        "end": EVENTS - 1,
        "first_page_uri": format!("{uri}?PageSize={EVENTS}&Page=0"),
        "next_page_uri": format!("{uri}?PageSize={EVENTS}&Page=1&PageToken=PAabc"),
        "page": 0,
        "page_size": EVENTS,
        "previous_page_uri": null,
        "start": 0,
        "uri": format!("{uri}?PageSize={EVENTS}&Page=0"),
    }))
    .unwrap()
}

fn page_bytes() -> Vec<u8> {
    let events: Vec<Value> = (0..EVENTS).map(event).collect();
    let uri = format!(
        "/2010-04-01/Accounts/{ACCOUNT}/Calls/CA{:032x}/Events.json",
        7
    );
    serde_json::to_vec(&json!({
        "events": events,
        "end": EVENTS - 1,
        "first_page_uri": format!("{uri}?PageSize={EVENTS}&Page=0"),
        "next_page_uri": format!("{uri}?PageSize={EVENTS}&Page=1&PageToken=PAabc"),
        "page": 0,
        "page_size": EVENTS,
        "previous_page_uri": null,
        "start": 0,
        "uri": format!("{uri}?PageSize={EVENTS}&Page=0"),
    }))
    .unwrap()
}

/// Reference points for the typed `CallsPage`: what `serde_json` reaches decoding the same
/// page into a plain `#[derive(Deserialize)]` struct of the same members, neither lossless nor
/// lenient nor validated. `OwnedCall` copies every string into a `String`; `BorrowedCall` copies
/// nothing (every string a `&str` into the page, which only works for strings without escapes,
/// as this page's are): the least any decoding into a struct of members costs here.
macro_rules! plain_calls {
    ($($field:ident),+ $(,)?) => {
        // Decoded, never read.
        #[allow(dead_code)]
        #[derive(serde::Deserialize)]
        struct OwnedCall {
            $( $field: Option<String>, )+
            subresource_uris: Option<BTreeMap<String, String>>,
        }

        #[allow(dead_code)]
        #[derive(serde::Deserialize)]
        struct BorrowedCall<'a> {
            $( #[serde(borrow)] $field: Option<&'a str>, )+
            #[serde(borrow)]
            subresource_uris: Option<BTreeMap<&'a str, &'a str>>,
        }
    };
}

plain_calls!(
    account_sid,
    answered_by,
    api_version,
    caller_name,
    date_created,
    date_updated,
    direction,
    duration,
    end_time,
    forwarded_from,
    from,
    from_formatted,
    group_sid,
    parent_call_sid,
    phone_number_sid,
    price,
    price_unit,
    queue_time,
    sid,
    start_time,
    status,
    to,
    to_formatted,
    trunk_sid,
    uri,
);

/// A page of `OwnedCall`s or `BorrowedCall`s (the rest of the page skipped).
#[allow(dead_code)]
#[derive(serde::Deserialize)]
struct PlainCallsPage<T> {
    calls: Vec<T>,
}

/// The best of a few runs of `f`, for the printed ratio (Criterion reports the details).
fn best_of(mut f: impl FnMut()) -> Duration {
    (0..30)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

fn decode(c: &mut Criterion) {
    let bytes = page_bytes();
    let page: CallEventsPage = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(page.items().len(), EVENTS);
    assert_eq!(
        serde_json::to_value(&page).unwrap(),
        serde_json::from_slice::<Value>(&bytes).unwrap(),
        "the benchmark page round-trips"
    );

    let validate = best_of(|| {
        black_box(serde_json::from_slice::<IgnoredAny>(black_box(&bytes)).unwrap());
    });
    let value = best_of(|| {
        black_box(serde_json::from_slice::<Value>(black_box(&bytes)).unwrap());
    });
    let typed = best_of(|| {
        black_box(serde_json::from_slice::<CallEventsPage>(black_box(&bytes)).unwrap());
    });
    let raw = best_of(|| {
        black_box(serde_json::from_slice::<Page<Raw<CallEvents>>>(black_box(&bytes)).unwrap());
    });
    let ratio = |d: Duration| d.as_secs_f64() / validate.as_secs_f64();
    println!(
        "page: {EVENTS} events, {} bytes; best of 30: validate {validate:?}, Value {value:?} \
         ({:.2}x), CallEventsPage {typed:?} ({:.2}x), Page<Raw<CallEvents>> {raw:?} ({:.2}x) \
         (the shared raw page is measured by twilio-export's bench)",
        bytes.len(),
        ratio(value),
        ratio(typed),
        ratio(raw),
    );

    let calls = calls_page_bytes();
    let page: CallsPage = serde_json::from_slice(&calls).unwrap();
    assert_eq!(page.items().len(), EVENTS);
    assert_eq!(
        serde_json::to_value(&page).unwrap(),
        serde_json::from_slice::<Value>(&calls).unwrap(),
        "the calls page round-trips"
    );
    let calls_validate = best_of(|| {
        black_box(serde_json::from_slice::<IgnoredAny>(black_box(&calls)).unwrap());
    });
    let calls_typed = best_of(|| {
        black_box(serde_json::from_slice::<CallsPage>(black_box(&calls)).unwrap());
    });
    let calls_value = best_of(|| {
        black_box(serde_json::from_slice::<Value>(black_box(&calls)).unwrap());
    });
    let calls_owned = best_of(|| {
        black_box(serde_json::from_slice::<PlainCallsPage<OwnedCall>>(black_box(&calls)).unwrap());
    });
    let calls_borrowed = best_of(|| {
        black_box(
            serde_json::from_slice::<PlainCallsPage<BorrowedCall<'_>>>(black_box(&calls)).unwrap(),
        );
    });
    // What the typed page costs before any parsing: the same allocations (every typed String,
    // every `extra` and `subresource_uris` map) made by a clone, and freed again.
    let calls_clone = best_of(|| {
        black_box(black_box(&page).clone());
    });
    let calls_ratio = |d: Duration| d.as_secs_f64() / calls_validate.as_secs_f64();
    println!(
        "page: {EVENTS} calls, {} bytes; best of 30: validate {calls_validate:?}, Value \
         {calls_value:?} ({:.2}x), CallsPage {calls_typed:?} ({:.2}x); cloning and dropping \
         the decoded CallsPage (its allocations, no parsing) {calls_clone:?} ({:.2}x); \
         plain derived structs (not lossless): owned Strings {calls_owned:?} ({:.2}x), \
         borrowed &strs {calls_borrowed:?} ({:.2}x)",
        calls.len(),
        calls_ratio(calls_value),
        calls_ratio(calls_typed),
        calls_ratio(calls_clone),
        calls_ratio(calls_owned),
        calls_ratio(calls_borrowed),
    );

    let mut group = c.benchmark_group("decode_1000_events");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("validate_ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(&bytes)).unwrap());
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)).unwrap());
    });
    group.bench_function("call_events_page", |b| {
        b.iter(|| serde_json::from_slice::<CallEventsPage>(black_box(&bytes)).unwrap());
    });
    group.bench_function("raw_call_events_page", |b| {
        b.iter(|| serde_json::from_slice::<Page<Raw<CallEvents>>>(black_box(&bytes)).unwrap());
    });
    group.finish();

    let mut group = c.benchmark_group("decode_1000_calls");
    group.throughput(Throughput::Bytes(calls.len() as u64));
    group.bench_function("validate_ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(&calls)).unwrap());
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&calls)).unwrap());
    });
    group.bench_function("calls_page", |b| {
        b.iter(|| serde_json::from_slice::<CallsPage>(black_box(&calls)).unwrap());
    });
    group.bench_function("plain_owned_struct", |b| {
        b.iter(|| serde_json::from_slice::<PlainCallsPage<OwnedCall>>(black_box(&calls)).unwrap());
    });
    group.bench_function("plain_borrowed_struct", |b| {
        b.iter(|| {
            serde_json::from_slice::<PlainCallsPage<BorrowedCall<'_>>>(black_box(&calls)).unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
