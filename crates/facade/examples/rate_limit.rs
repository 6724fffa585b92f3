//! A custom transport that wraps the client's default one: a rate limit shared by every
//! request of the client, whatever the concurrency, with the default transport's proxies,
//! roots, timeouts and retries kept underneath.
//!
//! `cargo run -p twilio-api --example rate_limit`
//!
//! It runs against a `twilio-sandbox` started in this process (real HTTP over loopback).
#![allow(clippy::print_stdout)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt as _;
use twilio_api::{CallSid, Client, HttpTransport, TransportError};
use twilio_sandbox::Sandbox;

/// At most one request starts per `interval`, across every task that shares it.
#[derive(Debug)]
struct RateLimited {
    inner: Arc<dyn HttpTransport>,
    interval: Duration,
    /// When the next request may start.
    next_slot: tokio::sync::Mutex<tokio::time::Instant>,
    /// When each request started, for this example's check.
    started: Mutex<Vec<Instant>>,
}

impl RateLimited {
    fn new(inner: Arc<dyn HttpTransport>, per_second: u32) -> Self {
        Self {
            inner,
            interval: Duration::from_secs(1) / per_second,
            next_slot: tokio::sync::Mutex::new(tokio::time::Instant::now()),
            started: Mutex::new(Vec::new()),
        }
    }
}

#[async_trait::async_trait]
impl HttpTransport for RateLimited {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        {
            // Take the next slot, then wait for it (others queue behind the lock).
            let mut next_slot = self.next_slot.lock().await;
            let slot = (*next_slot).max(tokio::time::Instant::now());
            *next_slot = slot + self.interval;
            tokio::time::sleep_until(slot).await;
        }
        if let Ok(mut started) = self.started.lock() {
            started.push(Instant::now());
        }
        self.inner.send(request).await
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().seed(3).calls(4).start().await?;

    // The limiter must outlive the client for the check below; a plain wrapper would be
    // `.wrap_transport(|default| Arc::new(RateLimited::new(default, 50)))`.
    let limiter: Arc<Mutex<Option<Arc<RateLimited>>>> = Arc::default();
    let client = Client::builder()
        .auth_token(sandbox.account_sid().parse()?, sandbox.auth_token())
        .base_url(sandbox.base_url())
        .wrap_transport({
            let limiter = Arc::clone(&limiter);
            move |default| {
                let limited = Arc::new(RateLimited::new(default, 50));
                if let Ok(mut slot) = limiter.lock() {
                    *slot = Some(Arc::clone(&limited));
                }
                limited
            }
        })
        .build()?;

    // Four calls at once, pages of 25: many requests in flight, all through the one limit.
    let calls: Vec<CallSid> = sandbox
        .call_sids()
        .iter()
        .map(|sid| sid.parse())
        .collect::<Result<_, _>>()?;
    let begun = Instant::now();
    let mut events = client
        .events_of_calls(calls)
        .concurrency(4)
        .page_size(25)
        .stream();
    let mut count = 0;
    while let Some((_call, event)) = events.next().await {
        event?;
        count += 1;
    }
    let elapsed = begun.elapsed();

    let limited = limiter
        .lock()
        .ok()
        .and_then(|l| l.clone())
        .ok_or("not built")?;
    let started = limited
        .started
        .lock()
        .map(|s| s.clone())
        .unwrap_or_default();
    println!(
        "{count} events in {} requests over {elapsed:.2?} (at most 50 requests a second)",
        started.len()
    );
    assert_eq!(started.len() as u64, sandbox.stats().requests);
    // The n-th request cannot start before n - 1 intervals have passed, whatever the
    // concurrency: the limit held.
    let requests = u32::try_from(started.len())?;
    assert!(requests > 4, "pages of four calls");
    assert!(elapsed >= limited.interval * (requests - 1), "{elapsed:?}");
    sandbox.shutdown().await;
    Ok(())
}
