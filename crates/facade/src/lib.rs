//! A Twilio REST API client: every read of the 2010-04-01 API as a typed resource tree, with
//! validated SIDs, safe paging as streams, retries, proxies and swappable transports.
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
//! The sections below cover, in order: [the client](#the-client), [the resource
//! tree](#the-resource-tree), [filters](#filters), [paging](#paging), [fetching one
//! resource](#fetching-one-resource), [writes](#writes), [many listings at
//! once](#many-listings-at-once), [another resource or API](#another-resource-or-api),
//! [errors](#errors), [reliability: retries, timeouts, the limiter](#reliability-retries-timeouts-the-limiter),
//! [company networks](#company-networks-proxies-certificates-request-ids), [testing](#testing)
//! and [cargo features](#cargo-features). The crate's `examples/` run each of them (`cargo run -p
//! twilio-api --example call_events`, `calls_of_a_period`, `fetch_call`, `replay_test`,
//! `rate_limit`).
//!
//! # The client
//!
//! [`Client::from_env`] reads the credentials as Twilio's SDKs do (`TWILIO_ACCOUNT_SID`, then
//! `TWILIO_API_KEY` + `TWILIO_API_SECRET` or `TWILIO_AUTH_TOKEN`; `TWILIO_REGION`,
//! `TWILIO_EDGE`); [`Client::builder`] sets them in code. A [`Client`] is cheap to clone and
//! shares one connection pool; `Debug` never shows a secret.
//!
//! ```
//! use twilio_api::Client;
//!
//! # fn main() -> Result<(), twilio_api::Error> {
//! let client = Client::builder()
//!     .auth_token("AC0123456789abcdef0123456789abcdef".parse()?, "the auth token")
//!     .region("ie1")
//!     .edge("dublin")
//!     .build()?;
//! assert_eq!(client.base_url(), "https://api.dublin.ie1.twilio.com");
//! # Ok(()) }
//! ```
//!
//! # The resource tree
//!
//! Every path of the API is a method chain from the client, generated from Twilio's OpenAPI
//! description: a plural name is the list (`.list()`), a singular one takes a typed SID and
//! is the resource (`.fetch()`) and the parent of its sub-resources. The types are in
//! [`resources`]; each one's docs name the HTTP path.
//!
//! ```
//! # fn main() -> Result<(), twilio_api::Error> {
//! # let client = twilio_api::Client::builder()
//! #     .auth_token("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?, "token").build()?;
//! let call = client.call("CA0123456789abcdef0123456789abcdef".parse()?);
//! let _calls = client.calls().list(); // GET .../Calls.json
//! let _one = call.fetch(); // GET .../Calls/CA….json
//! let _events = call.events().list(); // GET .../Calls/CA…/Events.json
//! let _recordings = call.recordings().list(); // GET .../Calls/CA…/Recordings.json
//! let _daily = client.usage().records().daily().list();
//! // A subaccount (or any account the credentials may act for): the same tree below it.
//! let sub = client.account("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb".parse()?);
//! let listing = sub.calls().list();
//! assert!(listing.first_page_uri().starts_with("/2010-04-01/Accounts/ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/"));
//! # Ok(()) }
//! ```
//!
//! Items are the [`model`] types (`twilio-model`): every member the spec documents, typed,
//! and anything else kept verbatim, so a field Twilio adds never breaks decoding.
//! `list_raw()` and `fetch_raw()` give the exact JSON objects instead.
//!
//! # Filters
//!
//! Each list's filters are methods of its [`ListRequest`], typed as the spec types them
//! (enums from [`model`], SIDs, dates through [`DateFilter`]), and sent under the spec's
//! names, encoded as Twilio's SDKs encode them. `.query(name, value)` sends one the typed
//! methods do not cover.
//!
//! ```
//! use twilio_api::model::CallStatus;
//! use twilio_api::time::macros::{date, datetime};
//!
//! # fn main() -> Result<(), twilio_api::Error> {
//! # let client = twilio_api::Client::builder()
//! #     .auth_token("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?, "token").build()?;
//! let listing = client
//!     .calls()
//!     .list()
//!     .status(CallStatus::Completed)
//!     .start_time_after(date!(2024 - 01 - 01))
//!     .start_time_before(datetime!(2024-02-01 12:00 UTC))
//!     .query("Beta", "true");
//! assert!(listing.first_page_uri().ends_with(
//!     "Calls.json?Status=completed&StartTime%3E=2024-01-01&StartTime%3C=2024-02-01T12%3A00%3A00Z&Beta=true"
//! ));
//! # Ok(()) }
//! ```
//!
//! # Paging
//!
//! A [`ListRequest`] is lazy: nothing is sent until it is consumed, as
//! - [`stream()`](ListRequest::stream): the items, an [`ItemStream`];
//! - [`pages()`](ListRequest::pages): the pages with their paging metadata, a [`PageStream`];
//! - [`collect()`](ListRequest::collect): every item, or the first error;
//! - [`collect_partial()`](ListRequest::collect_partial): every item fetched, and the error
//!   that stopped the listing, if any.
//!
//! Before that, [`limit(n)`](ListRequest::limit) stops after `n` items (and asks the server for
//! no more), [`page_size(n)`](ListRequest::page_size) sets items per page (1 to 1000, checked
//! before any request), [`prefetch`](ListRequest::prefetch) turns off fetching one page ahead,
//! and [`from_page(uri)`](ListRequest::from_page) starts at a page, typically where an earlier
//! listing failed. Each `next_page_uri` is checked before it is followed (same origin, no
//! cycle), and memory stays about two pages whatever the list's length.
//!
//! ```no_run
//! # async fn run(client: twilio_api::Client) -> Result<(), twilio_api::Error> {
//! let listing = client.calls().list().page_size(1000);
//! let (mut calls, error) = listing.clone().collect_partial().await;
//! if let Some(error) = error {
//!     // Nothing fetched is lost; continue where it stopped, once the cause is gone.
//!     let Some(page) = error.resume_uri() else { return Err(error) };
//!     calls.extend(listing.from_page(page).collect().await?);
//! }
//! # Ok(()) }
//! ```
//!
//! # Fetching one resource
//!
//! `.fetch()` returns a [`FetchRequest`], a future: `.await` it. It goes through the same
//! transport, retries and errors as listings. `fetch_raw()` gives the exact JSON.
//!
//! ```no_run
//! # async fn run(client: twilio_api::Client) -> Result<(), twilio_api::Error> {
//! let call = client.call("CA0123456789abcdef0123456789abcdef".parse()?);
//! let fetched = call.fetch().await?;
//! println!("{:?} {:?}", fetched.status, fetched.duration);
//! let json = call.fetch_raw().await?; // Box<serde_json::value::RawValue>
//! println!("{}", json.get());
//! # Ok(()) }
//! ```
//!
//! # Writes
//!
//! Every `POST` and `DELETE` of the 2010-04-01 API is generated: `create(..)` on a collection,
//! `update(..)` and `delete()` on one resource. The required parameters are the method's
//! arguments; every optional one is a setter named from the spec in snake case, typed as
//! the spec types it (SIDs, integers, booleans, `time` dates, enums with `Unknown(text)` for
//! a value the spec does not list, arrays from any iterator, sent as repeated keys; indexed
//! families such as `Parameter1.Name` as one setter taking the index; untyped values as JSON
//! text, checked before sending). The answer is the typed resource (`send_raw` for its exact
//! JSON); a `DELETE` answers `()`. The typed requests are in [`writes`]; each is a
//! [`WriteRequest`] underneath, which also sends any operation the tree lacks.
//!
//! ```
//! use std::sync::Arc;
//! use twilio_api::test_util::{FnTransport, json_response};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), twilio_api::Error> {
//! let twilio = FnTransport::new(|_| {
//!     Ok(json_response(201, r#"{"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}"#))
//! });
//! let client = twilio_api::Client::builder()
//!     .auth_token("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?, "token")
//!     .transport(Arc::new(twilio.clone()))
//!     .build()?;
//! let message = client
//!     .messages()
//!     .create("+15005550006")
//!     .from("+15005550001")
//!     .body("Hi & bye 😀")
//!     .media_url(["https://example.com/a.png", "https://example.com/b.png"])
//!     .await?;
//! assert_eq!(message.status, Some(twilio_api::model::MessageStatus::Queued));
//! let sent = &twilio.requests()[0];
//! assert_eq!(sent.method(), "POST");
//! assert_eq!(
//!     sent.body(),
//!     "To=%2B15005550006&From=%2B15005550001&Body=Hi+%26+bye+%F0%9F%98%80\
//!      &MediaUrl=https%3A%2F%2Fexample.com%2Fa.png&MediaUrl=https%3A%2F%2Fexample.com%2Fb.png"
//! );
//! # Ok(()) }
//! ```
//!
//! **A write is never sent twice.** Twilio's 2010-04-01 API has no idempotency key: a `POST`
//! repeated after it was applied sends a second message or places a second call. So a write
//! is repeated only after a 429 (Twilio refused it) or when the connection could not be made
//! (it never left). After a cut, a timeout or a 5xx once it was sent, the error is
//! [`Error::OutcomeUnknown`], with the request id when a response came: reconcile by fetching
//! or listing by the fields you sent (a message's `To` and `DateSent>=`, a call's `To` and
//! `StartTime>=`) before sending it again. (Of the official SDKs, twilio-java retries any
//! 5xx, `POST` included; twilio-node retries `POST`s on 429 and resets only when asked; the
//! Python and Go SDKs do not retry.) A `DELETE` may be repeated: deleting twice deletes once.
//!
//! # Many listings at once
//!
//! [`Listings`] runs many listings a bounded number at a time over the client's one pool,
//! each result labelled; [`Listings::each`] makes one listing per SID of any list under one
//! SID (the recordings of many calls), and [`Client::events_of_calls`] is that for the
//! events of many calls. A failure ends only its own listing.
//!
//! # Another resource or API
//!
//! Every request goes through one path, described by an [`operation::Operation`]: its method,
//! its product's host (`api`, `verify`, …; [`Client::origin`] applies the region and edge),
//! its path and whether a failed attempt may be repeated. A resource the tree does not have,
//! in either envelope ([`Page`] for 2010-04-01, [`model::MetaPage`] for the `meta` envelope
//! of every other API), is a `static` operation and [`ListRequest::new`],
//! [`FetchRequest::new`] or [`WriteRequest::new`] (see [`ListRequest::new`] for a Verify list).
//!
//! # Errors
//!
//! Every failure is an [`Error`] (`#[non_exhaustive]`): [`Error::InvalidInput`] and
//! [`Error::InvalidSid`] before any request, [`Error::Setup`] when the HTTP client cannot be
//! built, [`Error::Api`] for Twilio's error documents (with its code: [`Error::code`],
//! [`Error::is_not_found`], [`Error::is_unauthorized`]), [`Error::Http`], [`Error::Transport`],
//! [`Error::Decode`], [`Error::OutcomeUnknown`] (a write that may have been applied, never sent
//! twice) and [`Error::Paging`]. Each names where it happened ([`Error::request`]); a failed
//! page of a listing gives [`Error::resume_uri`], anything after a response
//! [`Error::request_id`] (quote it to Twilio support). `Display` never repeats its `source()`:
//! print the chain for the whole story.
//!
//! # Reliability: retries, timeouts, the limiter
//!
//! Every request carries its operation's [`RetrySafety`]. The default transport retries a
//! read (or a `DELETE`) on 429, 5xx and broken connections, and a write (`POST`) only on 429
//! or when the connection could not be made (it never left): a write cut, timed out or
//! answered 5xx once sent is [`Error::OutcomeUnknown`] and is never sent twice, since Twilio
//! has no idempotency key. Retries happen up to 3 times, with jittered exponential backoff
//! and the server's `Retry-After` ([`ClientBuilder::max_retries`]); each attempt has a
//! timeout, connect and body included
//! ([`ClientBuilder::timeout`], 30 s). [`ClientBuilder::on_retry`] hears of each retry (for
//! metrics or logs); every retry is also a `tracing` event.
//!
//! The requests of one client also share a limiter ([`ClientBuilder::max_in_flight`], 100 by
//! default; [`ClientBuilder::rate_limit`]): a 429 pauses every request of the client for its
//! `Retry-After` and halves the window of requests in flight, which then grows back one
//! answer at a time, so that many workers do not all retry at once (a storm of 429s).
//! [`Client::limiter`] shows its state.
//!
//! ```
//! use std::time::Duration;
//!
//! # fn main() -> Result<(), twilio_api::Error> {
//! let client = twilio_api::Client::builder()
//!     .auth_token("AC0123456789abcdef0123456789abcdef".parse()?, "token")
//!     .max_in_flight(10)
//!     .rate_limit(100.0)
//!     .timeout(Duration::from_secs(10))
//!     .max_retries(5)
//!     .on_retry(|retry| eprintln!("{} {}: {}, again in {:?}", retry.method, retry.url, retry.reason, retry.delay))
//!     .build()?;
//! # drop(client); Ok(()) }
//! ```
//!
//! What the end-to-end tests prove (`tests/tests/it/faults.rs`, against the sandbox's
//! scripted faults, over real loopback sockets), for the default client:
//!
//! - **Transient failures are retried and leave no trace.** A 429 (with or without
//!   `Retry-After`), a 500/502/503/504 (Twilio's JSON or a proxy's HTML), headers or a body
//!   slower than the timeout, a connection cut mid-body or closed without an answer, on any
//!   page: the listing completes with every item exactly once, in API order. Only the failing
//!   page is requested again, at most 1 + `max_retries` times; `Retry-After` is honoured up to
//!   30 s.
//! - **Failures lose nothing and double nothing.** When retries run out, or a page cannot be
//!   used (truncated, malformed or empty JSON, or a body over the size cap, which is enforced
//!   while the body streams in, 32 MiB by default), the listing stops with a typed error.
//!   Every item before that page has been delivered; [`Error::resume_uri`] names the page,
//!   and [`from_page`](ListRequest::from_page) completes the listing with nothing missing or
//!   doubled. Undecodable pages are not retried.
//! - **Links are checked before they are followed.** A `next_page_uri` on another origin is
//!   never contacted, so credentials stay with the API host. A link back to a page already
//!   fetched, however it is spelled (escapes, the order of the query's parameters), a page
//!   whose own `uri` names a page already delivered, and 32 empty pages in a row that keep
//!   linking onward stop the listing; no page is delivered twice.
//! - **Secrets stay secret.** Tokens live in `SecretString`; `Debug` shows `[redacted]`; the
//!   `Authorization` and `Proxy-Authorization` headers are marked sensitive; errors and logs
//!   carry no header and no `user:password@`, of the API or of a proxy (the transport's spans
//!   drop the query string too; page URIs in errors keep theirs, since that is what a listing
//!   resumes from). `http://` is refused for any host but loopback, and through any proxy but
//!   a loopback one.
//! - **Hostile input does not crash it.** Page decoding, SID parsing and link resolution are
//!   fuzzed (`cargo xtask fuzz`) and property-tested; no `unwrap`, `expect` or unchecked
//!   indexing on network data.
//!
//! Many creates at once, each sent once and resumable after a crash, behind this limiter:
//! [`bulk`].
//!
//! # Company networks: proxies, certificates, request ids
//!
//! **Proxies** are read from the environment as curl reads them: `https_proxy` (else
//! `HTTPS_PROXY`) for `https://`, `http_proxy` only for `http://` (never `HTTP_PROXY`, which a
//! CGI request can set), `all_proxy`/`ALL_PROXY` as the fallback, and `no_proxy`/`NO_PROXY`
//! for destinations reached directly: `*`, host names (`example.com` also covers its
//! subdomains; a leading dot means the same), IP addresses (`10.1.2.3`, `::1` or `[::1]`) and
//! CIDR ranges (`10.0.0.0/8`), separated by commas or spaces. Lower case wins; empty means
//! unset. [`ClientBuilder::proxy`] replaces the environment's proxy (`no_proxy` still
//! applies, as with curl), [`no_proxy`](ClientBuilder::no_proxy) turns proxies off and
//! [`proxies`](ClientBuilder::proxies) sets them all. `https://` goes through a `CONNECT`
//! tunnel with TLS end to end, so the proxy sees the `CONNECT` line and nothing else (never
//! the `Authorization` header); plain `http://` (loopback only) goes in absolute form, and
//! only through a proxy on loopback. Credentials in the proxy URL
//! (`http://user:password@proxy:3128`, percent-encoded) go to the proxy only, as
//! `Proxy-Authorization`, and are never logged or shown (errors say `http://proxy:3128`).
//! Only `http://` proxies are supported; any other proxy URL is refused, never silently
//! ignored. A proxy that refuses (407 or 401 about credentials, 403, 502 to the `CONNECT`, a
//! closed connection) is a typed error naming the proxy ([`TransportErrorKind::Proxy`]);
//! credentials and forbidden destinations are not retried. [`Client::builder`] reads the
//! process environment; [`ClientBuilder::from_lookup`] reads these variables through its
//! lookup, like the Twilio ones. `HyperTransport` alone reads nothing: give it a
//! [`ProxyConfig`].
//!
//! **Certificates.** Which roots are trusted is a choice, not an accident of features:
//!
//! | roots | what | how to pick |
//! |---|---|---|
//! | bundled (default) | the Mozilla roots compiled into the binary (`webpki-roots`): the same everywhere | nothing to do |
//! | system | the operating system's store (`rustls-native-certs`): what your administrators trust, company CAs included | [`root_store`](ClientBuilder::root_store)`(RootStore::System)` (feature `native-roots`) |
//! | `SSL_CERT_FILE` / `SSL_CERT_DIR` | a PEM bundle / directories of PEM files (`:`-separated): they *replace* either of the above, as for OpenSSL-based tools | set the variables (unset them to go back) |
//! | added | a company or TLS-inspecting proxy's CA, on top of the rest | [`add_root_certificate_file`](ClientBuilder::add_root_certificate_file), `add_root_certificates_pem`, `add_root_certificate` (DER) |
//!
//! A file that cannot be read or holds no certificate is an error naming it (in
//! `SSL_CERT_*` bundles, unusable certificates among good ones are skipped; in added files
//! every certificate must be valid). An untrusted server certificate is reported as such
//! ([`TransportErrorKind::Certificate`]) and not retried.
//!
//! ```no_run
//! # fn main() -> Result<(), twilio_api::Error> {
//! let client = twilio_api::Client::builder()
//!     .auth_token("AC0123456789abcdef0123456789abcdef".parse()?, "token")
//!     .proxy("http://proxy.internal:3128")
//!     .add_root_certificate_file("/etc/company/ca.pem")
//!     .build()?;
//! # drop(client); Ok(()) }
//! ```
//!
//! **Request ids.** Every error that follows a response keeps Twilio's `Twilio-Request-Id`
//! ([`Error::request_id`], [`TransportError::request_id`]), to quote to Twilio support.
//! Errors print each cause once: walk `source()` (or `{:#}` with anyhow) for the whole chain.
//!
//! **Seeing what happens.** Each request is a `tracing` span (`twilio.http`: method, URL
//! without query or credentials, status, attempt, duration, request id, proxy) and each retry
//! an INFO event ("retrying a Twilio request"); [`ClientBuilder::on_retry`] calls you before
//! each retry with a [`RetryEvent`] (method, URL, attempt, reason, delay, request id).
//!
//! To change how requests go out (a rate limit shared by every request, metrics, tracing),
//! wrap the transport with [`ClientBuilder::wrap_transport`]; to replace it, give one to
//! [`ClientBuilder::transport`] (any [`HttpTransport`]).
//!
//! # Testing
//!
//! With the `test-util` feature, `twilio_api::test_util` has the transports for tests: a
//! `ReplayTransport` that answers from a script and checks the requests it got, and an
//! `FnTransport` that answers with a function. Hand one to [`ClientBuilder::transport`]; no
//! other dependency is needed. For tests over real HTTP, the `twilio-sandbox` crate serves a
//! Twilio-compatible API on loopback: point [`ClientBuilder::base_url`] at it.
//!
//! ```toml
//! [dev-dependencies]
//! twilio-api = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! # Cargo features
//!
//! - `webpki-roots` (default): the Mozilla roots, bundled.
//! - `native-roots`: the operating system's roots, as [`RootStore::System`].
//! - `test-util`: the `test_util` module (test transports, see [Testing](#testing)).
//! - One feature per Twilio product other than 2010-04-01, named after its spec file
//!   (`verify`, `messaging`, `conversations`, `lookups`, `studio`, `taskrouter`, `sync`,
//!   `video`, `serverless`, `trusthub`, `numbers`, `flex`, `ip-messaging`,
//!   `iam-organizations`…, 38 in all), and `full` for every one. Each turns on the same
//!   feature of `twilio-model` (its models) and a module here (`twilio_api::verify`: its
//!   operations as data in `operations`, its resource tree from the client). A product left
//!   off compiles nothing. 2010-04-01 is always on.
//!
//! # Products
//!
//! Every product is generated from its spec like 2010-04-01, and walked the same way: a
//! static path segment is a method, a segment and its parameter one method in the singular
//! taking the value, and each operation a method named after its verb, through the same
//! `ListRequest` (in the `meta` envelope: `MetaPage`), `FetchRequest` and `WriteRequest`:
//!
//! ```no_run
//! # #[cfg(all(feature = "verify", feature = "messaging"))]
//! # async fn run() -> Result<(), twilio_api::Error> {
//! use futures::StreamExt as _;
//!
//! // features = ["verify", "messaging"]
//! let client = twilio_api::Client::from_env()?;
//! let service = client.verify().v2().services().create("My app").await?;
//! let sid = service.sid.expect("a service has a SID");
//! let check = client
//!     .verify()
//!     .v2()
//!     .service(sid)
//!     .verifications()
//!     .create("+15005550006", "sms")
//!     .await?;
//! println!("{:?}", check.status);
//! let mut services = client.messaging().v1().services().list().stream();
//! while let Some(service) = services.next().await {
//!     println!("{:?}", service?.friendly_name);
//! }
//! # Ok(()) }
//! ```
//!
//! Required parameters are arguments; any other is set by its spec name
//! (`WriteRequest::param`); a JSON-bodied operation takes its body as JSON text, checked
//! before any request; header parameters are `WriteRequest::x_twilio_webhook_enabled`,
//! `WriteRequest::if_match` (or `header`). Each product goes to its own host, with region
//! and edge (`verify.dublin.ie1.twilio.com`); a base URL override takes every product, but
//! `http://localhost:PORT` sends each product other than 2010-04-01 to
//! `{label}.localhost:PORT`, which the transport resolves to loopback itself.
//!
//! The layers below are crates of their own, for teams that need one piece: `twilio-model`
//! (the types, no I/O; re-exported as [`model`]), `twilio-transport` (HTTP), `twilio-pager`
//! (paging any list with any transport).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// On docs.rs, feature-gated items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod bulk;
mod client;
mod error;
mod execute;
mod fetch;
mod generated;
mod header_params;
mod list;
mod listings;
mod many;
pub mod operation;
mod path;
mod query;
mod stream;
mod write;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, user_agent};
pub use error::{ApiError, Error, RequestLine};
pub use fetch::FetchRequest;
/// Every operation of the 2010-04-01 API as data ([`operation::Operation`]): what each request
/// of the resource tree runs through the client's one request path.
pub use generated::operations;
/// Every product enabled by a feature (`verify`, `messaging`…, `full`): `twilio_api::verify`,
/// and `client.verify()`.
#[allow(unused_imports, unreachable_pub)]
pub use generated::products::*;
/// The resource tree: one type per path of the 2010-04-01 reads, reached from [`Client`]
/// (`client.calls()`, `client.call(sid).recordings()`, `client.usage().records().daily()`…).
pub use generated::resources;
pub use generated::resources::{AccountResource, CallEventsResource, CallResource, CallsResource};
/// The typed requests of the 2010-04-01 writes (`client.messages().create(to)` returns a
/// [`writes::CreateMessageRequest`]): a setter per optional parameter, then `.await`.
pub use generated::writes;
/// The `http` crate, whose types cross the transport and name an operation's method.
pub use http;
pub use list::ListRequest;
pub use listings::{DEFAULT_CONCURRENCY, Listings};
pub use query::DateFilter;
pub use stream::{ItemStream, LabelledStream, PageStream};
/// The date types the filters take (`time::Date`, `time::OffsetDateTime`), re-exported.
pub use time;
/// Every model type: SIDs, items, enums, pages (the `twilio-model` crate, re-exported).
pub use twilio_model as model;
/// TwiML builders and access tokens (the `twilio-twiml` crate, re-exported; feature
/// `twiml`, on by default).
///
/// ```
/// use twilio_api::twiml::{MessagingResponse, VoiceResponse};
///
/// assert!(VoiceResponse::new().say("Hi").to_xml().ends_with("<Response><Say>Hi</Say></Response>"));
/// assert!(MessagingResponse::new().message("Hi").to_xml().ends_with("<Message>Hi</Message></Response>"));
/// ```
#[cfg(feature = "twiml")]
#[cfg_attr(docsrs, doc(cfg(feature = "twiml")))]
pub use twilio_twiml as twiml;
pub use write::WriteRequest;

pub use twilio_model::{
    AccountSid, ApiKeySid, CallEvent, CallEventsPage, CallSid, EventRequest, EventResponse,
    ListPage, Page, PageMeta, SidError,
};
pub use twilio_transport::{
    CertEnv, HttpTransport, ProxyConfig, RetryEvent, RetryReason, RetrySafety, RootStore,
    TransportError, TransportErrorKind,
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

/// This crate's README (its crates.io page), compiled as doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeDoctests;
