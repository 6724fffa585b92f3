//! The error of a transport: what failed while setting it up, sending a request or reading
//! its response.

use std::fmt;

/// What kind of failure a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection (to the server, or to the proxy) could not be established: refused,
    /// DNS, TLS handshake.
    Connect,
    /// The attempt did not complete within its timeout.
    Timeout,
    /// The connection failed after it was established (reset, closed early, body cut off).
    Io,
    /// The response body was larger than the configured cap.
    BodyTooLarge,
    /// The request was refused before sending it (for example `http://` to a non-loopback host).
    Refused,
    /// The transport could not be set up (TLS roots, a certificate file, a proxy URL); no
    /// request was involved. See [`TransportError::setup`].
    Setup,
    /// The proxy did not carry the request: it answered the `CONNECT` with an error status
    /// (407, or 401 for some proxies, about credentials; 403 when it forbids the destination;
    /// 502 …), closed the connection instead of answering, or answered a plain `http://`
    /// request with 407.
    /// [`TransportError::proxy`] names the proxy.
    Proxy,
    /// The server's TLS certificate was not trusted (unknown issuer, expired, another name).
    /// Not retried: trying again meets the same certificate.
    Certificate,
    /// The response has a `Content-Encoding` the request did not accept, so its body is not
    /// what it claims to be (for example gzip bytes sent as JSON).
    ContentEncoding,
    /// The request could not be built or sent for another reason.
    Other,
}

/// A failure to set up a transport, to send a request or to read its response.
///
/// Its `Display` is `METHOD URI: what happened` for a request (the URI without its query
/// string or any `user:password@`) and `what happened` for a setup failure; it never shows a
/// header or a password, and never repeats its [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    /// `None` for a setup failure, which belongs to no request.
    request: Option<Box<RequestLine>>,
    message: String,
    request_id: Option<String>,
    proxy: Option<String>,
    proxy_status: Option<u16>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

#[derive(Debug)]
struct RequestLine {
    method: http::Method,
    uri: String,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(request) = &self.request {
            write!(f, "{} {}: ", request.method, request.uri)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

impl TransportError {
    /// Creates an error of `kind` for the request `method uri` (give the URI without its query
    /// string: it may carry tokens).
    pub fn new(
        kind: TransportErrorKind,
        method: http::Method,
        uri: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            request: Some(Box::new(RequestLine {
                method,
                uri: uri.into(),
            })),
            message: message.into(),
            request_id: None,
            proxy: None,
            proxy_status: None,
            source: None,
        }
    }

    /// Creates an error of kind [`TransportErrorKind::Setup`]: a transport that could not be
    /// set up, with no request involved (its [`method`](Self::method) and [`uri`](Self::uri)
    /// are `None`).
    pub fn setup(message: impl Into<String>) -> Self {
        Self {
            kind: TransportErrorKind::Setup,
            request: None,
            message: message.into(),
            request_id: None,
            proxy: None,
            proxy_status: None,
            source: None,
        }
    }

    /// Attaches the underlying cause.
    #[must_use]
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Records the `Twilio-Request-Id` of the response this error is about, when response
    /// headers arrived before the failure.
    #[must_use]
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Records the proxy involved (`http://host:port`, never with credentials) and the status
    /// it answered, if it answered.
    #[must_use]
    pub fn with_proxy(mut self, proxy: impl Into<String>, status: Option<u16>) -> Self {
        self.proxy = Some(proxy.into());
        self.proxy_status = status;
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// What happened, without the request line.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The URI of the request that failed (without its query string); `None` for a setup
    /// failure.
    pub fn uri(&self) -> Option<&str> {
        self.request.as_deref().map(|request| request.uri.as_str())
    }

    /// The method of the request that failed; `None` for a setup failure.
    pub fn method(&self) -> Option<&http::Method> {
        self.request.as_deref().map(|request| &request.method)
    }

    /// The `Twilio-Request-Id` of the response, when one arrived before the failure (a body
    /// too large, cut off, or with an unrequested encoding).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The proxy the request went through, as `http://host:port` (never with credentials),
    /// when a proxy was involved in the failure.
    pub fn proxy(&self) -> Option<&str> {
        self.proxy.as_deref()
    }

    /// The status the proxy answered with (to the `CONNECT`, or 407 to a plain request), when
    /// it answered.
    pub fn proxy_status(&self) -> Option<u16> {
        self.proxy_status
    }

    /// Whether the attempt timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether the connection could not be established.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// Whether the transport could not be set up.
    pub fn is_setup(&self) -> bool {
        self.kind == TransportErrorKind::Setup
    }

    /// Whether sending the same idempotent request again may succeed: a connection that could
    /// not be made or broke, a timeout, or a proxy that closed the connection or answered
    /// 502, 503 or 504. Never an untrusted certificate, proxy credentials refused (407 or
    /// 401) or a destination the proxy forbids (403).
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io => {
                true
            }
            TransportErrorKind::Proxy => {
                matches!(self.proxy_status, None | Some(502..=504))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_errors_name_the_request_once() {
        let error = TransportError::new(
            TransportErrorKind::Timeout,
            http::Method::GET,
            "https://api.twilio.com/x.json",
            "no complete response within 1s",
        );
        assert_eq!(
            error.to_string(),
            "GET https://api.twilio.com/x.json: no complete response within 1s"
        );
        assert_eq!(error.uri(), Some("https://api.twilio.com/x.json"));
        assert_eq!(error.method(), Some(&http::Method::GET));
        assert!(error.is_retryable() && error.is_timeout());
    }

    #[test]
    fn setup_errors_are_their_own_kind_without_a_request() {
        let error = TransportError::setup("SSL_CERT_FILE names /nope, which cannot be read")
            .with_source(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(error.kind(), TransportErrorKind::Setup);
        assert!(error.is_setup() && !error.is_retryable());
        assert_eq!(error.uri(), None);
        assert_eq!(error.method(), None);
        assert_eq!(
            error.to_string(),
            "SSL_CERT_FILE names /nope, which cannot be read"
        );
        let source = std::error::Error::source(&error).unwrap().to_string();
        assert!(!error.to_string().contains(&source), "{error} / {source}");
    }

    #[test]
    fn proxy_errors_are_retried_only_when_the_proxy_may_recover() {
        let proxy = |status| {
            TransportError::new(
                TransportErrorKind::Proxy,
                http::Method::GET,
                "https://api.twilio.com/",
                "the proxy refused",
            )
            .with_proxy("http://127.0.0.1:3128", status)
        };
        assert!(proxy(None).is_retryable());
        assert!(proxy(Some(502)).is_retryable());
        assert!(proxy(Some(504)).is_retryable());
        assert!(!proxy(Some(403)).is_retryable());
        assert!(!proxy(Some(407)).is_retryable());
        assert_eq!(proxy(Some(407)).proxy(), Some("http://127.0.0.1:3128"));
        assert_eq!(proxy(Some(407)).proxy_status(), Some(407));
        for kind in [
            TransportErrorKind::Certificate,
            TransportErrorKind::ContentEncoding,
            TransportErrorKind::Refused,
            TransportErrorKind::BodyTooLarge,
        ] {
            let error = TransportError::new(kind, http::Method::GET, "https://x/", "m");
            assert!(!error.is_retryable(), "{kind:?}");
        }
    }
}
