//! The HTTP layer of the Twilio client: one object-safe trait, [`HttpTransport`], and its
//! implementations.
//!
//! - [`HttpTransport`]: `http::Request<Bytes>` in, `http::Response<Bytes>` out, held as
//!   `Arc<dyn HttpTransport>`. Only `http` and `bytes` types cross it, so any HTTP stack or a
//!   test double can stand behind it.
//! - [`HyperTransport`]: hyper 1 over rustls (`ring` provider; HTTP/1.1 or HTTP/2 by ALPN)
//!   with a keep-alive pool, a timeout per attempt, a cap on the response body, and plain
//!   `http://` refused except to loopback hosts.
//! - [`RetryTransport`]: a decorator that retries idempotent requests on 429/5xx and
//!   transient errors, with exponential backoff, full jitter and `Retry-After`.
//! - `test_util` (feature `test-util`): a replaying and a function transport for tests.
//!
//! Cargo features: `webpki-roots` (default) trusts the Mozilla roots bundled in the binary;
//! `native-roots` trusts the operating system's store instead (it wins when both are on);
//! `test-util` enables the `test_util` module. Extra roots (a corporate proxy, a private CA)
//! are added with [`HyperTransportBuilder::add_root_certificate`].
//!
//! Credentials: mark an `Authorization` header sensitive when you build it
//! ([`http::HeaderValue::set_sensitive`]); [`HyperTransport`] also does so on any it sees,
//! and no transport here ever logs headers or query strings.
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use bytes::Bytes;
//! use twilio_transport::{HttpTransport, HyperTransport, RetryTransport};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let hyper = HyperTransport::builder()
//!     .timeout(Duration::from_secs(20))
//!     .max_body_size(8 * 1024 * 1024)
//!     .build()?;
//! let transport: Arc<dyn HttpTransport> = Arc::new(RetryTransport::new(hyper));
//!
//! let mut authorization = http::HeaderValue::from_static("Basic QUN4eHg6dG9rZW4=");
//! authorization.set_sensitive(true);
//! let request = http::Request::get(
//!     "https://api.twilio.com/2010-04-01/Accounts/ACxxx/Calls/CAxxx/Events.json?PageSize=50",
//! )
//! .header(http::header::AUTHORIZATION, authorization)
//! .body(Bytes::new())?;
//!
//! let response = transport.send(request).await?;
//! println!("{} with {} bytes", response.status(), response.body().len());
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Nothing from the network may panic through an index: use get() and friends.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

mod body;
mod error;
mod hyper_transport;
pub mod retry;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

pub use error::{TransportError, TransportErrorKind};
pub use hyper_transport::{
    DEFAULT_MAX_BODY_SIZE, DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_TIMEOUT, HyperTransport,
    HyperTransportBuilder, is_loopback_host,
};
pub use retry::{RetryPolicy, RetryTransport};

use bytes::Bytes;

/// Sends one HTTP request and returns the whole response.
///
/// Only `http` and `bytes` types cross this boundary, so any HTTP stack (or a scripted
/// test double) can stand behind it. Hold it as `Arc<dyn HttpTransport>`.
#[async_trait::async_trait]
pub trait HttpTransport: Send + Sync + std::fmt::Debug {
    /// Sends `request` and returns the response with its body fully read.
    ///
    /// A non-2xx status is *not* an error at this layer: it is returned as a response.
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError>;
}

#[async_trait::async_trait]
impl<T: HttpTransport + ?Sized> HttpTransport for std::sync::Arc<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        (**self).send(request).await
    }
}

/// `scheme://host:port/path` of `uri`, without its query string (which may carry tokens) and
/// without any `user:password@` of its authority, for errors and logs.
pub(crate) fn uri_without_query(uri: &http::Uri) -> String {
    let mut out = String::new();
    if let Some(scheme) = uri.scheme_str() {
        out.push_str(scheme);
        out.push_str("://");
    }
    if let Some(host) = uri.host() {
        out.push_str(host);
    }
    if let Some(port) = uri.port() {
        out.push(':');
        out.push_str(port.as_str());
    }
    out.push_str(uri.path());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_uris_lose_query_and_userinfo() {
        let uri: http::Uri = "https://AC1:s3cret@api.twilio.com:8443/a/b.json?PageToken=x"
            .parse()
            .unwrap();
        assert_eq!(
            uri_without_query(&uri),
            "https://api.twilio.com:8443/a/b.json"
        );
        let uri: http::Uri = "http://[::1]/p?q".parse().unwrap();
        assert_eq!(uri_without_query(&uri), "http://[::1]/p");
    }
}

/// Which attempt at sending a request this is, counting from 1.
///
/// [`RetryTransport`] puts it in the extensions of every request it passes on (so
/// [`HyperTransport`]'s `twilio.http` span can record it) and of the response it returns
/// (there it is the number of attempts that were made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attempt(u32);

impl Attempt {
    /// The first attempt.
    pub const FIRST: Self = Self(1);

    /// Attempt number `number` (0 is taken as 1).
    pub fn new(number: u32) -> Self {
        Self(number.max(1))
    }

    /// The attempt's number, from 1.
    pub fn number(self) -> u32 {
        self.0
    }
}
