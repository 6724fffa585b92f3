//! Items per second through `Pager<CallEventsPage>` (and its raw twin) over an in-memory
//! page-fetch function decoding prebuilt 1,000-event pages: the pager's own cost (link
//! checks, the item stream) and decoding, without any request or network.
//!
//! Run: `cargo bench -p twilio-pager --bench pager -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::hint::black_box;
use std::sync::Arc;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::StreamExt as _;
use serde_json::{Value, json};
use twilio_model::{CallEvents, CallEventsPage, ListPage, Page, Raw};
use twilio_pager::Pager;

const EVENTS_PER_PAGE: usize = 1000;
const PAGES: usize = 10;
const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const CALL: &str = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const BASE: &str = "https://api.twilio.com";

fn path() -> String {
    format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL}/Events.json")
}

/// One event shaped like real traffic: a webhook with its parameters and a TwiML answer.
fn event(i: usize) -> Value {
    json!({
        "request": {
            "url": format!("https://handler.example.com/voice?CallSid={CALL}&n={i}"),
            "method": "POST",
            "parameters": {
                "CallSid": CALL,
                "AccountSid": ACCOUNT,
                "From": "+987654321",
                "To": format!("+1555{i:07}"),
                "CallStatus": "in-progress",
                "Direction": "outbound-api",
                "ApiVersion": "2010-04-01",
                "Caller": "client:Jürgen"
            }
        },
        "response": {
            "content_type": "text/xml; charset=utf-8",
            "date_created": "Tue, 11 Aug 2020 17:44:09 +0000",
            "response_body": format!("<?xml version=\"1.0\"?>\n<Response><Say>Grüße Nr. {i} &amp; ☎</Say></Response>"),
            "response_code": 200,
            "request_duration": 120 + i % 700
        }
    })
}

/// Page `n` of `PAGES`, linking to the next one.
fn page(n: usize) -> Bytes {
    let path = path();
    let start = n * EVENTS_PER_PAGE;
    let next = (n + 1 < PAGES).then(|| {
        format!(
            "{path}?PageSize={EVENTS_PER_PAGE}&Page={}&PageToken=PA{}",
            n + 1,
            n + 1
        )
    });
    let body = json!({
        "events": (start..start + EVENTS_PER_PAGE).map(event).collect::<Vec<_>>(),
        "end": start + EVENTS_PER_PAGE - 1,
        "first_page_uri": format!("{path}?PageSize={EVENTS_PER_PAGE}&Page=0"),
        "next_page_uri": next,
        "page": n,
        "page_size": EVENTS_PER_PAGE,
        "previous_page_uri": null,
        "start": start,
        "uri": format!("{path}?PageSize={EVENTS_PER_PAGE}&Page={n}"),
    });
    Bytes::from(serde_json::to_vec(&body).unwrap())
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Decodes the prebuilt page `n` for a URI with `Page=n` (a cheap `Bytes` clone).
fn fetch<P: ListPage>(pages: &Arc<Vec<Bytes>>, uri: &http::Uri) -> Result<P, Failure> {
    let n = uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("Page=")))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    Ok(P::from_body(Vec::from(pages[n].clone()))?)
}

async fn drain<P: ListPage>(pages: &Arc<Vec<Bytes>>, prefetch: bool) -> usize {
    let pages = Arc::clone(pages);
    let pager = Pager::<P, Failure>::new(BASE, &path(), move |uri| {
        std::future::ready(fetch::<P>(&pages, &uri))
    })
    .unwrap()
    .page_size(EVENTS_PER_PAGE as u32)
    .prefetch(prefetch);
    let mut items = pager.stream();
    let mut count = 0;
    while let Some(item) = items.next().await {
        black_box(item.unwrap());
        count += 1;
    }
    count
}

fn pager(c: &mut Criterion) {
    let pages: Arc<Vec<Bytes>> = Arc::new((0..PAGES).map(page).collect());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    assert_eq!(
        runtime.block_on(drain::<CallEventsPage>(&pages, true)),
        PAGES * EVENTS_PER_PAGE
    );
    let bytes: usize = pages.iter().map(Bytes::len).sum();
    println!(
        "{PAGES} pages of {EVENTS_PER_PAGE} events, {:.1} MiB in all",
        bytes as f64 / 1024.0 / 1024.0
    );

    let mut group = c.benchmark_group("pager");
    group.throughput(Throughput::Elements((PAGES * EVENTS_PER_PAGE) as u64));
    for prefetch in [true, false] {
        let suffix = if prefetch { "" } else { " (no prefetch)" };
        group.bench_function(format!("typed items{suffix}"), |b| {
            b.iter(|| runtime.block_on(drain::<CallEventsPage>(&pages, prefetch)));
        });
        group.bench_function(format!("raw items{suffix}"), |b| {
            b.iter(|| runtime.block_on(drain::<Page<Raw<CallEvents>>>(&pages, prefetch)));
        });
    }
    group.finish();
}

criterion_group!(benches, pager);
criterion_main!(benches);
