//! Decoding cost of a realistic 1000-event page of call events as a shared raw page
//! (`Page<SharedRaw<CallEvents>>`), alone and picking an export's five columns, against the
//! floor of merely validating the same bytes (`serde::de::IgnoredAny`) and against the copying
//! raw page (`Page<Raw<CallEvents>>`). The typed and raw decodes of the model are measured by
//! `twilio-model`'s `decode` bench, with the same page.
//!
//! Run: `cargo bench -p twilio-export --bench shared -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;
use serde_json::{Value, json};
use twilio_export::{Columns, SharedRaw};
use twilio_model::{CallEvents, ListPage, Page, Raw};

const EVENTS: usize = 1000;
const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// The five columns of the CLI's table and CSV.
const ROW_PATHS: [(&str, &str); 5] = [
    ("request", "method"),
    ("request", "url"),
    ("response", "response_code"),
    ("response", "date_created"),
    ("response", "request_duration"),
];

enum Row {}

impl Columns for Row {
    const PATHS: &'static [(&'static str, &'static str)] = &ROW_PATHS;
}

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
    let shared = <Page<SharedRaw<CallEvents>>>::from_body(bytes.clone()).unwrap();
    assert_eq!(shared.items().len(), EVENTS);
    assert_eq!(
        serde_json::to_value(&shared).unwrap(),
        serde_json::from_slice::<Value>(&bytes).unwrap(),
        "the benchmark page round-trips"
    );
    let picking = <Page<SharedRaw<CallEvents, Row>>>::from_body(bytes.clone()).unwrap();
    for (item, picked) in shared.items().iter().zip(picking.items()) {
        assert_eq!(item.members_at(ROW_PATHS), picked.members_at(ROW_PATHS));
    }

    let validate = best_of(|| {
        black_box(serde_json::from_slice::<IgnoredAny>(black_box(&bytes)).unwrap());
    });
    let raw = best_of(|| {
        black_box(serde_json::from_slice::<Page<Raw<CallEvents>>>(black_box(&bytes)).unwrap());
    });
    let shared = best_of(|| {
        black_box(<Page<SharedRaw<CallEvents>>>::from_body(black_box(bytes.clone())).unwrap());
    });
    let picking = best_of(|| {
        black_box(<Page<SharedRaw<CallEvents, Row>>>::from_body(black_box(bytes.clone())).unwrap());
    });
    let copy = best_of(|| {
        black_box(black_box(&bytes).clone());
    });
    let ratio = |d: Duration| d.as_secs_f64() / validate.as_secs_f64();
    println!(
        "page: {EVENTS} events, {} bytes; best of 30: validate {validate:?}, \
         Page<Raw<CallEvents>> {raw:?} ({:.2}x), Page<SharedRaw<CallEvents>> {shared:?} \
         ({:.2}x, of which {copy:?} copying the bytes in), picking five columns {picking:?} \
         ({:.2}x)",
        bytes.len(),
        ratio(raw),
        ratio(shared),
        ratio(picking),
    );

    let mut group = c.benchmark_group("decode_1000_events");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("validate_ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(&bytes)).unwrap());
    });
    group.bench_function("shared_raw_call_events_page", |b| {
        b.iter(|| <Page<SharedRaw<CallEvents>>>::from_body(black_box(bytes.clone())).unwrap());
    });
    group.bench_function("shared_raw_picking_five_columns", |b| {
        b.iter(|| <Page<SharedRaw<CallEvents, Row>>>::from_body(black_box(bytes.clone())).unwrap());
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
