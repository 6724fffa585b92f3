//! A Twilio REST API client.
//!
//! List every event of a call (the API requests and webhooks it made, with their responses)
//! with validated SIDs, safe paging and a swappable HTTP transport:
//!
//! ```no_run
//! use futures::TryStreamExt as _;
//! use twilio_api::{CallSid, Client};
//!
//! # async fn run() -> Result<(), twilio_api::Error> {
//! let client = Client::from_env()?; // TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN (or an API key)
//! let call: CallSid = "CA0123456789abcdef0123456789abcdef".parse()?;
//! let mut events = client.call(call).events().list().page_size(200).stream();
//! while let Some(event) = events.try_next().await? {
//!     if let Some(response) = &event.response {
//!         println!("{:?} {:?}", response.date_created, response.response_code);
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! - [`Client`] holds the credentials (auth token or API key, never shown by `Debug`), the
//!   API origin (region and edge, or a base URL override) and the transport.
//! - `client.call(sid).events().list()` is a [`ListRequest`]: set `page_size`, `limit` or
//!   `from_page`, then `.stream()` the items, `.pages()` or `.collect()`.
//! - `client.events_of_calls(sids)` is a [`CallsEventsRequest`]: the events of many calls,
//!   a bounded number at a time over one connection pool, each labelled with its call.
//! - Every failure is an [`Error`]; one raised while paging names the page to resume from
//!   ([`Error::resume_uri`]).
//!
//! In tests, swap the transport ([`ClientBuilder::transport`]) for one of
//! `twilio_transport::test_util`'s (feature `test-util`) or point [`ClientBuilder::base_url`]
//! at a `twilio-sandbox` server.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// On docs.rs, feature-gated items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

mod client;
mod error;
mod fetch;
mod generated;
mod list;
mod listings;
mod many;
mod path;
mod query;
mod stream;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, user_agent};
pub use error::{ApiError, Error};
pub use fetch::FetchRequest;
/// The resource tree: one type per path of the 2010-04-01 reads, reached from [`Client`]
/// (`client.calls()`, `client.call(sid).recordings()`, `client.usage().records().daily()`…).
pub use generated::resources;
pub use generated::resources::{AccountResource, CallEventsResource, CallResource, CallsResource};
pub use list::ListRequest;
pub use listings::Listings;
pub use many::{CallsEventsRequest, DEFAULT_CONCURRENCY};
pub use query::DateFilter;
pub use stream::{ItemStream, PageStream};
/// The date types the filters take (`time::Date`, `time::OffsetDateTime`), re-exported.
pub use time;
/// Every model type: SIDs, items, enums, pages (the `twilio-model` crate, re-exported).
pub use twilio_model as model;

pub use twilio_model::{
    AccountSid, ApiKeySid, CallEvent, CallEventsPage, CallSid, EventRequest, EventResponse,
    ListPage, Page, PageMeta, RawCallEventsPage, SidError,
};
pub use twilio_transport::{
    CertEnv, HttpTransport, ProxyConfig, RetryEvent, RetryReason, RootStore, TransportError,
    TransportErrorKind,
};

/// Transports for tests (feature `test-util`): the `twilio-transport` test doubles,
/// re-exported so that tests need no dependency besides this crate.
///
/// - [`ReplayTransport`](test_util::ReplayTransport) answers from a scripted list of
///   request/response pairs and checks the requests it got against them;
/// - [`FnTransport`](test_util::FnTransport) answers with a function of the request;
/// - [`json_response`](test_util::json_response) builds a response with a JSON body;
/// - [`RecordingSleeper`](test_util::RecordingSleeper) and
///   [`FixedClock`](test_util::FixedClock) make retries instant and deterministic.
///
/// Hand one to [`ClientBuilder::transport`]; keep a clone to inspect what was sent.
///
/// ```
/// use std::sync::Arc;
///
/// use twilio_api::Client;
/// use twilio_api::test_util::{FnTransport, json_response};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), twilio_api::Error> {
/// let server = FnTransport::new(|_request| {
///     Ok(json_response(200, r#"{"calls": [{"sid": "CA0123456789abcdef0123456789abcdef"}], "next_page_uri": null}"#))
/// });
/// let client = Client::builder()
///     .auth_token("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?, "token")
///     .transport(Arc::new(server.clone()))
///     .build()?;
/// let calls = client.calls().list().collect().await?;
/// assert_eq!(calls.len(), 1);
/// assert!(server.requests()[0].uri().path().ends_with("/Calls.json"));
/// # Ok(()) }
/// ```
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util {
    /// The `bytes` crate, at the version the transports use (request and response bodies).
    pub use ::bytes;
    /// The `http` crate, at the version the transports use: build the requests a
    /// [`ReplayEvent`] expects with it.
    pub use ::http;
    pub use twilio_transport::test_util::*;
}

/// The README's Rust examples, compiled as doctests so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
