//! The error of a transport: what failed while sending a request or reading its response.

/// What kind of failure a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (refused, DNS, TLS handshake).
    Connect,
    /// The attempt did not complete within its timeout.
    Timeout,
    /// The connection failed after it was established (reset, closed early, body cut off).
    Io,
    /// The response body was larger than the configured cap.
    BodyTooLarge,
    /// The request was refused before sending it (for example `http://` to a non-loopback host).
    Refused,
    /// The request could not be built or sent for another reason.
    Other,
}

/// A failure to send a request or to read its response.
///
/// Its `Display` names the method and URI (without query string secrets) and never any header.
#[derive(Debug, thiserror::Error)]
#[error("{kind_text}{}: {message}", self.request_text())]
pub struct TransportError {
    kind: TransportErrorKind,
    kind_text: &'static str,
    method: http::Method,
    uri: String,
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl TransportError {
    /// Creates an error of `kind` for the request `method uri`.
    pub fn new(
        kind: TransportErrorKind,
        method: http::Method,
        uri: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let kind_text = match kind {
            TransportErrorKind::Connect => "connection failed",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Io => "connection broken",
            TransportErrorKind::BodyTooLarge => "response body too large",
            TransportErrorKind::Refused => "request refused",
            TransportErrorKind::Other => "request failed",
        };
        Self {
            kind,
            kind_text,
            method,
            uri: uri.into(),
            message: message.into(),
            source: None,
        }
    }

    /// Creates an error of kind [`TransportErrorKind::Other`] that belongs to no request, for
    /// a transport that could not be set up (its [`uri`](Self::uri) is empty).
    pub fn setup(message: impl Into<String>) -> Self {
        let mut error = Self::new(TransportErrorKind::Other, http::Method::GET, "", message);
        error.kind_text = "transport setup failed";
        error
    }

    fn request_text(&self) -> String {
        if self.uri.is_empty() {
            String::new()
        } else {
            format!(" for {} {}", self.method, self.uri)
        }
    }

    /// Attaches the underlying cause.
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The URI of the request that failed.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The method of the request that failed.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// Whether the attempt timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether the connection could not be established.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// Whether sending the same idempotent request again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io
        )
    }
}
