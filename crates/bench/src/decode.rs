//! The suite's decode section: what the typed listing of a generated resource pays per page,
//! against the validate-only floor, in this process.
//!
//! A page of 1,000 items is fetched from the sandbox once, over HTTP; then, best of
//! [`ROUNDS`] runs each, it is decoded into `serde::de::IgnoredAny` (the floor: the JSON
//! read and checked, nothing kept) and into the generated typed page, as the pager's
//! `ListPage::from_body` does for it (`serde_json::from_slice`), dropped again as a listing
//! drops each page. Both read the same bytes from memory, so the ratio is the price of the
//! typed model alone.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::de::IgnoredAny;
use twilio_api::ListPage;
use twilio_api::model::{CallsPage, MessagesPage};
use twilio_sandbox::Sandbox;

use crate::client;

/// Runs of each decode in the suite; the fastest counts (the others met the machine's noise).
pub(crate) const ROUNDS: usize = 30;

/// Items per page (the API's largest page).
const PAGE_SIZE: u64 = 1000;

/// The target: the typed page within this many times the floor.
pub(crate) const TARGET: f64 = 3.0;

/// One resource's page, decoded both ways.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// The list resource, as its URL names it (`Calls`).
    pub(crate) resource: &'static str,
    /// The generated page type.
    pub(crate) page_type: &'static str,
    pub(crate) items: usize,
    pub(crate) bytes: usize,
    pub(crate) floor: Duration,
    pub(crate) typed: Duration,
}

impl Decoded {
    pub(crate) fn ratio(&self) -> f64 {
        self.typed.as_secs_f64() / self.floor.as_secs_f64().max(1e-12)
    }
}

/// Fetches a page of 1,000 calls and one of 1,000 messages from a sandbox started here, and
/// times their decoding, best of `rounds` runs each.
pub(crate) fn run(
    runtime: &tokio::runtime::Runtime,
    rounds: usize,
) -> Result<Vec<Decoded>, String> {
    let sandbox = runtime
        .block_on(
            Sandbox::builder()
                .calls(PAGE_SIZE)
                .messages(PAGE_SIZE)
                .request_log(0)
                .start(),
        )
        .map_err(|e| format!("sandbox: {e}"))?;
    let fetch = |resource: &str| {
        let path = format!(
            "/2010-04-01/Accounts/{}/{resource}.json?PageSize={PAGE_SIZE}",
            sandbox.account_sid()
        );
        runtime.block_on(client::fetch_body(
            sandbox.base_url(),
            sandbox.account_sid(),
            sandbox.auth_token(),
            &path,
        ))
    };
    let calls = fetch("Calls")?;
    let messages = fetch("Messages")?;
    drop(sandbox);
    Ok(vec![
        measure::<CallsPage>("Calls", "CallsPage", &calls, rounds)?,
        measure::<MessagesPage>("Messages", "MessagesPage", &messages, rounds)?,
    ])
}

/// Times `body` decoded as `P` against the floor, after checking that it is a full page.
fn measure<P>(
    resource: &'static str,
    page_type: &'static str,
    body: &Bytes,
    rounds: usize,
) -> Result<Decoded, String>
where
    P: ListPage + serde::de::DeserializeOwned,
{
    let page: P = serde_json::from_slice(body).map_err(|e| format!("{resource} page: {e}"))?;
    let items = page.items().len();
    if items as u64 != PAGE_SIZE {
        return Err(format!(
            "{resource} page: {items} items, expected {PAGE_SIZE}"
        ));
    }
    drop(page);
    let floor = best_of(rounds, || {
        let _ = black_box(serde_json::from_slice::<IgnoredAny>(black_box(body)));
    });
    let typed = best_of(rounds, || {
        let _ = black_box(serde_json::from_slice::<P>(black_box(body)));
    });
    Ok(Decoded {
        resource,
        page_type,
        items,
        bytes: body.len(),
        floor,
        typed,
    })
}

fn best_of(rounds: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The section for real: pages fetched over a socket from a sandbox, decoded both ways.
    #[test]
    fn a_page_of_each_resource_is_fetched_whole_and_decoded_both_ways() {
        let runtime = crate::suite::host_runtime().expect("runtime");
        let decoded = run(&runtime, 1).expect("the decode section runs");
        let names: Vec<_> = decoded.iter().map(|d| d.page_type).collect();
        assert_eq!(names, ["CallsPage", "MessagesPage"]);
        for page in &decoded {
            assert_eq!(page.items, 1000, "{}", page.resource);
            // A thousand items of either resource take well over 500 bytes each.
            assert!(
                page.bytes > 500_000,
                "{}: {} bytes",
                page.resource,
                page.bytes
            );
            assert!(page.floor > Duration::ZERO && page.typed > Duration::ZERO);
            assert!(page.ratio().is_finite());
        }
    }
}
