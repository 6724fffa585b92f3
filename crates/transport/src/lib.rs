#![doc = include_str!("../README.md")]
//!
//! # What is here
//!
//! - [`HttpTransport`]: `http::Request<Bytes>` in, `http::Response<Bytes>` out, held as
//!   `Arc<dyn HttpTransport>`. Only `http` and `bytes` types cross it, so any HTTP stack or a
//!   test double can stand behind it.
//! - [`HyperTransport`]: hyper 1 over rustls (`ring` provider; HTTP/1.1 or HTTP/2 by ALPN)
//!   with a keep-alive pool, a timeout per attempt, a cap on the response body, plain
//!   `http://` refused except to loopback hosts, and HTTP proxies ([`ProxyConfig`]: `CONNECT`
//!   tunnels for `https://`, the environment read as curl reads it).
//! - [`RetryTransport`]: a decorator that retries requests on 429/5xx and transient errors as
//!   each request's [`RetrySafety`] allows (a write only when it provably had no effect),
//!   with exponential backoff, full jitter and `Retry-After`, and tells
//!   [`on_retry`](RetryTransport::on_retry) callbacks (and `tracing`) about each retry.
//! - [`LimitTransport`]: a decorator that makes every request of a client wait for one shared
//!   [`Limiter`] (requests in flight, a rate), and pauses them all after a 429.
//! - `test_util` (feature `test-util`): a replaying and a function transport for tests.
//!
//! Which certificates are trusted is a deliberate choice ([`RootStore`]): the Mozilla roots
//! bundled in the binary (cargo feature `webpki-roots`, on by default, and the default store)
//! or the operating system's store (feature `native-roots`, chosen with
//! [`HyperTransportBuilder::root_store`]); `SSL_CERT_FILE` / `SSL_CERT_DIR` replace either
//! when given ([`CertEnv`]), and private CAs are added on top in DER, PEM or from a file
//! ([`HyperTransportBuilder::add_root_certificate_file`]). Feature `test-util` enables the
//! `test_util` module.
//!
//! Credentials: mark an `Authorization` header sensitive when you build it
//! ([`http::HeaderValue::set_sensitive`]); [`HyperTransport`] also does so on any it sees,
//! and no transport here ever logs headers or query strings.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// On docs.rs, feature-gated items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Nothing from the network may panic through an index: use get() and friends.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

mod attempt;
mod body;
mod error;
mod hyper_transport;
pub mod limit;
mod proxy;
mod redact;
pub mod retry;
mod safety;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
mod tls;
mod transport;

pub use attempt::Attempt;
pub use error::{TransportError, TransportErrorKind};
pub use hyper_transport::{
    DEFAULT_MAX_BODY_SIZE, DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_TIMEOUT, HyperTransport,
    HyperTransportBuilder, is_loopback_host,
};
pub use limit::{LimitPolicy, LimitTransport, Limiter, LimiterState};
pub use proxy::ProxyConfig;
pub use redact::{REQUEST_ID_HEADER, request_id};
pub use retry::{Retries, RetryEvent, RetryPolicy, RetryReason, RetryTransport};
pub use safety::RetrySafety;
pub use tls::{CertEnv, RootStore};
pub use transport::HttpTransport;

pub(crate) use redact::uri_without_query;
