//! A local, Twilio-compatible HTTP server for demos, tests and benchmarks.
//!
//! The sandbox serves `GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Events.json`
//! over HTTP/1.1 and HTTP/2 (cleartext, prior knowledge; or HTTPS with a throwaway CA, see
//! [`SandboxBuilder::tls`]) on a loopback address, from
//! deterministic data derived from a seed: API requests (the call's creation, fetches,
//! updates) and webhook round trips (status callbacks, TwiML fetches, recording callbacks)
//! with realistic parameters, bodies, status codes, durations and RFC 2822 dates. Events are
//! generated on the fly from `(seed, call, index)`, so a call with 100,000 events costs no
//! memory; rendered pages are kept in a bounded cache.
//!
//! It behaves like Twilio where a client can tell:
//! - HTTP Basic auth with the account SID and auth token, or an API key SID and secret;
//!   otherwise `401` with Twilio's error JSON (code 20003) and
//!   `WWW-Authenticate: Basic realm="Twilio API"`. Valid credentials with another
//!   account's SID in the path are also answered 401/20003, as Twilio checks credentials
//!   against the path's account.
//! - `404` (code 20404, "The requested resource ... was not found") for unknown routes,
//!   malformed SIDs in the path and unknown calls; `405` (code 20004) for methods other than
//!   `GET` on the route; `400` (code 20001) for a `PageSize` outside 1..=1000, a negative or
//!   non-numeric `Page`, or a `PageToken` that is not one the sandbox issued for that call.
//! - Pages carry `events`, `end`, `first_page_uri`, `next_page_uri`, `page`, `page_size`,
//!   `previous_page_uri`, `start` and `uri`, with relative links and an opaque,
//!   tamper-checked `PageToken` that is authoritative for the page's offset when present.
//!   `end` is the index of the page's last event, or equals `start` on an empty page.
//!
//! Credentials and call SIDs are derived from the seed, so they are the same on every run
//! with the same seed; they are test credentials and [`Summary`] prints them.
//!
//! Tests can make the server misbehave on purpose with scripted [`Fault`]s.
//!
//! Given a webhook URL ([`SandboxBuilder::webhook_url`], loopback only), it also plays
//! Twilio's other half: it POSTs each call's status callbacks there, form-encoded with the
//! parameters Twilio sends (`AccountSid`, `ApiVersion`, `CallSid`, `CallStatus`, `From`,
//! `To`, `Direction`, `CallbackSource`, `SequenceNumber`, `Timestamp`, `CallDuration`...)
//! and signed with its auth token in `X-Twilio-Signature`, so that a webhook handler and its
//! signature check can be tested offline.
//!
//! # Example
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use twilio_sandbox::{Fault, Sandbox};
//!
//! let sandbox = Sandbox::builder()
//!     .seed(7)
//!     .calls(3)
//!     .call_with_events(1_000)
//!     .start()
//!     .await?;
//! let big_call = sandbox.call_sids().pop().expect("one call was added");
//! assert_eq!(sandbox.event_count(&big_call), Some(1_000));
//! assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//! // Point a client at `sandbox.base_url()` with `sandbox.account_sid()` and
//! // `sandbox.auth_token()`, e.g. for GET {base_url}{events_path}:
//! let path = sandbox.events_path(&big_call);
//! assert!(path.ends_with("/Events.json"));
//! // The next page request will get a 503 with Retry-After: 1.
//! sandbox.faults().push(Fault::Status {
//!     status: http::StatusCode::SERVICE_UNAVAILABLE,
//!     retry_after: Some(1),
//!     html: false,
//! });
//! println!("{}", sandbox.summary());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// On docs.rs, feature-gated items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
mod data;
mod date;
mod fault;
mod page;
mod rng;
mod sandbox;
mod server;
mod tls;
mod webhook;

pub use fault::{Fault, FaultRule, FaultSpecError, Faults};
pub use page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use sandbox::{
    CallSummary, DEFAULT_CALLS, DEFAULT_PAGE_CACHE_BYTES, DEFAULT_REQUEST_LOG, DEFAULT_SEED,
    MAX_CALLS, RecordedRequest, Sandbox, SandboxBuilder, SandboxError, Stats, Summary,
};
pub use webhook::WebhookDelivery;
