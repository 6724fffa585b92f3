//! The one error type of the client.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde::Deserialize;
use twilio_transport::retry::{is_retryable_status, parse_retry_after};

/// Everything that can go wrong when using the client.
///
/// An error about a request (`Api`, `Http`, `Transport`, `Decode`) names it
/// ([`Error::request`]: method and absolute URI). When that request fetched a page of a
/// listing, [`Error::resume_uri`] gives the page to start again from (`.from_page(uri)`), with
/// nothing already delivered fetched twice; a fetch or a write has nothing to resume. The
/// pager's safety stops (`Paging`) name the page that carried the refused link
/// ([`Error::uri`]). Whenever a response arrived, its `Twilio-Request-Id` is kept
/// ([`Error::request_id`]) to quote to Twilio support.
///
/// `Display` says what happened at this level and never repeats its
/// [`source`](std::error::Error::source): print the whole chain (each `source()` in turn, or
/// `{:#}` with `anyhow`) for the full story, each message once. It never contains a secret,
/// and server-sent text is shown with its control characters replaced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was rejected before any request was sent (a malformed SID, a page size out
    /// of range, an invalid base URL or `from_page`, missing credentials).
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What was wrong, naming the argument.
        message: String,
        /// The typed cause, when there is one (a [`SidError`](twilio_model::SidError), the
        /// pager's [`PagerError`](twilio_pager::PagerError)); `downcast_ref` it.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },

    /// A SID did not have the form its kind requires.
    #[error("invalid input")]
    InvalidSid(#[from] twilio_model::SidError),

    /// The HTTP client could not be set up: the TLS roots (`SSL_CERT_FILE`, `SSL_CERT_DIR`,
    /// a certificate file that cannot be read or holds no certificate) or a proxy URL. Its
    /// source names the file or variable.
    #[error("the HTTP client could not be set up")]
    Setup {
        /// What the transport reported (of kind `Setup`).
        #[source]
        source: Box<twilio_transport::TransportError>,
    },

    /// Twilio answered with an error document (`code`, `message`, `more_info`, `status`).
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The server answered with a non-success status and a body that is not Twilio's error
    /// JSON (for example an HTML page from a proxy).
    #[error("HTTP {status} from {request} (not a Twilio error document): {snippet}")]
    Http {
        /// The request that failed.
        request: Box<RequestLine>,
        /// The HTTP status code.
        status: u16,
        /// The start of the body, for diagnosis (at most 200 characters).
        snippet: String,
        /// How long the server asked to wait before trying again (`Retry-After`), if it said.
        retry_after: Option<Duration>,
        /// The response's `Twilio-Request-Id`, if it had one.
        request_id: Option<String>,
    },

    /// The request could not be sent or its response not read (connection, proxy, TLS
    /// certificate, timeout, body too large); the source names the method and URI.
    #[error("{} failed", if request.page { "page request" } else { "request" })]
    Transport {
        /// The request that failed.
        request: Box<RequestLine>,
        /// What the transport reported.
        #[source]
        source: Box<twilio_transport::TransportError>,
    },

    /// A success response arrived but its body could not be decoded.
    #[error("the response to {request} could not be decoded")]
    Decode {
        /// The request whose response it was.
        request: Box<RequestLine>,
        /// Where in the body and what was wrong (line and column).
        #[source]
        source: serde_json::Error,
        /// The response's `Twilio-Request-Id`, if it had one.
        request_id: Option<String>,
    },

    /// A write that may have been applied: it was sent, and then no answer said whether it
    /// was (the connection was cut or timed out once the request had left, or the server
    /// answered 5xx). It was **not** sent again: Twilio's 2010-04-01 API has no idempotency
    /// key, so a repeat could send a message or place a call twice (the source says what
    /// happened).
    ///
    /// Reconcile before trying again: fetch or list what the write would have made or
    /// changed, by the fields you sent (a message's `To`, `From` and `DateSent>=`, a call's
    /// `To` and `StartTime>=`), and send it again only if it is not there.
    #[error(
        "the outcome of {request} is unknown: it may have been applied, and it was not sent again"
    )]
    OutcomeUnknown {
        /// The write.
        request: Box<RequestLine>,
        /// What happened after it was sent: [`Error::Transport`], [`Error::Api`] or
        /// [`Error::Http`].
        #[source]
        source: Box<Error>,
    },

    /// The listing was stopped by one of the pager's safety rules (a link to another host,
    /// a link cycle, a malformed link).
    #[error("listing stopped")]
    Paging {
        /// The URI of the page that carried the offending link.
        page_uri: Option<String>,
        /// What the pager saw.
        #[source]
        source: Box<twilio_pager::PagerError>,
    },
}

/// The request an error is about: its method and absolute URI, and whether it fetched a page
/// of a listing (which can then be resumed there).
///
/// `Display` is `METHOD URI`. The URI carries the query the request was sent with (filters,
/// page tokens), never credentials: the client never puts them in a URI.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestLine {
    /// The request's method.
    pub method: http::Method,
    /// The absolute URI requested.
    pub uri: String,
    /// Whether it fetched a page of a listing.
    pub page: bool,
}

impl RequestLine {
    /// A request line for `method uri`; `page` when it fetched a page of a listing.
    pub fn new(method: http::Method, uri: impl Into<String>, page: bool) -> Self {
        Self {
            method,
            uri: uri.into(),
            page,
        }
    }
}

impl fmt::Display for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.uri)
    }
}

/// An error document from the Twilio API.
///
/// See <https://www.twilio.com/docs/api/errors> for the meaning of each `code`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The request that failed.
    pub request: RequestLine,
    /// The HTTP status code.
    pub status: u16,
    /// Twilio's error code (for example 20003 for bad credentials, 20404 for not found).
    pub code: Option<i64>,
    /// Twilio's message.
    pub message: String,
    /// A link to the documentation of the error code.
    pub more_info: Option<String>,
    /// Further details Twilio sent, if any.
    pub details: Option<serde_json::Value>,
    /// How long Twilio asked to wait before trying again (`Retry-After`), if it said: on a
    /// 429 this is how long the retries already made were not enough for.
    pub retry_after: Option<Duration>,
    /// The response's `Twilio-Request-Id` (`RQ…`), to quote to Twilio support.
    pub request_id: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Twilio error")?;
        if let Some(code) = self.code {
            write!(f, " {code}")?;
        }
        write!(
            f,
            " (HTTP {}) from {}: {}",
            self.status,
            self.request,
            printable(&self.message)
        )?;
        if let Some(more_info) = &self.more_info {
            write!(f, " ({})", printable(more_info))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Twilio's error JSON, as it is sent.
#[derive(Deserialize)]
struct ApiErrorBody {
    code: Option<i64>,
    message: Option<String>,
    more_info: Option<String>,
    details: Option<serde_json::Value>,
}

impl Error {
    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Self::InvalidInput {
            message: message.into(),
            source: None,
        }
    }

    /// A write of unknown outcome: `source` happened after `request` was sent.
    pub(crate) fn outcome_unknown(request: RequestLine, source: Error) -> Self {
        Self::OutcomeUnknown {
            request: Box::new(request),
            source: Box::new(source),
        }
    }

    /// Invalid input whose typed cause is `source`; `message` names the argument and does not
    /// repeat what `source` says.
    pub(crate) fn invalid_input_because(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::InvalidInput {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// Builds the error for a non-success response: Twilio's error JSON when the body is one,
    /// a generic HTTP error with a snippet of the body otherwise.
    pub(crate) fn from_status(
        request: RequestLine,
        status: http::StatusCode,
        headers: &http::HeaderMap,
        body: &Bytes,
    ) -> Self {
        let retry_after = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|value| parse_retry_after(value, SystemTime::now()));
        let request_id = twilio_transport::request_id(headers).map(str::to_owned);
        match serde_json::from_slice::<ApiErrorBody>(body) {
            Ok(doc) if doc.code.is_some() || doc.message.is_some() => {
                Self::Api(Box::new(ApiError {
                    request,
                    status: status.as_u16(),
                    code: doc.code,
                    message: doc.message.unwrap_or_default(),
                    more_info: doc.more_info,
                    details: doc.details,
                    retry_after,
                    request_id,
                }))
            }
            _ => Self::Http {
                request: Box::new(request),
                status: status.as_u16(),
                snippet: snippet(body),
                retry_after,
                request_id,
            },
        }
    }

    /// The request this error is about, when it is about one.
    pub fn request(&self) -> Option<&RequestLine> {
        match self {
            Self::Api(api) => Some(&api.request),
            Self::Http { request, .. }
            | Self::Transport { request, .. }
            | Self::Decode { request, .. }
            | Self::OutcomeUnknown { request, .. } => Some(&**request),
            Self::InvalidInput { .. }
            | Self::InvalidSid(_)
            | Self::Setup { .. }
            | Self::Paging { .. } => None,
        }
    }

    /// The URI of the page to resume a listing from: pass it to `.from_page(..)` to continue
    /// where it stopped, with nothing missing or doubled. `Some` only when the request that
    /// failed fetched a page of a listing; `None` for a fetch or a write (nothing to resume),
    /// for errors raised before any request, and for the pager's safety stops (a foreign,
    /// malformed or repeated link): the page that carried the link was delivered whole, and
    /// there is nothing after it to fetch.
    pub fn resume_uri(&self) -> Option<&str> {
        self.request()
            .filter(|request| request.page)
            .map(|request| request.uri.as_str())
    }

    /// The `Twilio-Request-Id` of the response this error is about (`RQ…`), whenever a
    /// response arrived: quote it to Twilio support. `None` when no response came (the
    /// connection failed, input was refused before any request).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.request_id.as_deref(),
            Self::Http { request_id, .. } | Self::Decode { request_id, .. } => {
                request_id.as_deref()
            }
            Self::Transport { source, .. } => source.request_id(),
            Self::OutcomeUnknown { source, .. } => source.request_id(),
            _ => None,
        }
    }

    /// The URI this error concerns, for diagnosis: the request that failed, or the page that
    /// carried a refused link.
    pub fn uri(&self) -> Option<&str> {
        match self {
            Self::Paging { page_uri, .. } => page_uri.as_deref(),
            other => other.request().map(|request| request.uri.as_str()),
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After`), if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::OutcomeUnknown { source, .. } => source.retry_after(),
            Self::Api(api) => api.retry_after,
            Self::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::OutcomeUnknown { source, .. } => source.status(),
            Self::Api(api) => Some(api.status),
            Self::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Twilio's error code, when Twilio sent one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::OutcomeUnknown { source, .. } => source.code(),
            Self::Api(api) => api.code,
            _ => None,
        }
    }

    /// The Twilio error document, when Twilio sent one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::OutcomeUnknown { source, .. } => source.api_error(),
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Whether trying again later may succeed: rate limits, server errors, timeouts and
    /// broken connections. Bad input, bad credentials, unknown resources and writes of unknown
    /// outcome (which could be applied twice) are not retryable.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => retryable(api.status),
            Self::Http { status, .. } => retryable(*status),
            Self::Transport { source, .. } => source.is_retryable(),
            // Trying again may do it twice: reconcile first.
            Self::OutcomeUnknown { .. }
            | Self::InvalidInput { .. }
            | Self::InvalidSid(_)
            | Self::Setup { .. }
            | Self::Decode { .. }
            | Self::Paging { .. } => false,
        }
    }

    /// Whether this is a write of unknown outcome ([`Error::OutcomeUnknown`]): it may have
    /// been applied, and must not be sent again before reconciling.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Self::OutcomeUnknown { .. })
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Transport { source, .. } if source.is_timeout())
    }

    /// Whether the input was rejected before any request was sent.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidInput { .. } | Self::InvalidSid(_))
    }

    /// Whether the HTTP client could not be set up (TLS roots, certificate files, proxy URL).
    pub fn is_setup(&self) -> bool {
        matches!(self, Self::Setup { .. })
    }

    /// Whether the credentials were rejected (HTTP 401, Twilio code 20003).
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// Whether the resource does not exist (HTTP 404, Twilio code 20404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

/// The statuses the retry layer retries are the ones worth trying again later.
fn retryable(status: u16) -> bool {
    http::StatusCode::from_u16(status).is_ok_and(is_retryable_status)
}

/// Server-sent text for a terminal: control characters (escape sequences, carriage returns)
/// replaced by spaces.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// The start of a body as text, at most 200 characters, on one line.
fn snippet(body: &[u8]) -> String {
    const CHARS: usize = 200;
    // 200 characters take at most 800 bytes: never decode more of a body that may be large.
    let head = body.get(..CHARS * 4).unwrap_or(body);
    let text = String::from_utf8_lossy(head);
    let mut out: String = printable(&text.chars().take(CHARS).collect::<String>()).into_owned();
    if text.chars().nth(CHARS).is_some() || head.len() < body.len() {
        out.push('…');
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page request of a listing, for `uri`.
    fn page(uri: &str) -> RequestLine {
        RequestLine::new(http::Method::GET, uri, true)
    }

    #[test]
    fn twilio_error_json_becomes_api_error() {
        let body = Bytes::from_static(
            br#"{"code": 20404, "message": "The requested resource was not found", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}"#,
        );
        let err = Error::from_status(
            page("/p?Page=3"),
            http::StatusCode::NOT_FOUND,
            &http::HeaderMap::new(),
            &body,
        );
        assert_eq!(err.code(), Some(20404));
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.resume_uri(), Some("/p?Page=3"));
        assert!(err.is_not_found());
        assert!(!err.is_retryable());
        let text = err.to_string();
        assert!(
            text.contains("20404") && text.contains("/p?Page=3"),
            "{text}"
        );
    }

    #[test]
    fn html_error_becomes_http_error_with_snippet() {
        let body = Bytes::from(format!(
            "<html><body>Bad Gateway\n{}</body></html>",
            "x".repeat(500)
        ));
        let err = Error::from_status(
            page("/p"),
            http::StatusCode::BAD_GATEWAY,
            &http::HeaderMap::new(),
            &body,
        );
        match &err {
            Error::Http {
                status,
                snippet,
                retry_after,
                ..
            } => {
                assert_eq!(*retry_after, None);
                assert_eq!(*status, 502);
                assert!(snippet.starts_with("<html><body>Bad Gateway x"));
                assert!(snippet.chars().count() <= 201);
            }
            other => panic!("expected Http, got {other:?}"),
        }
        assert!(err.is_retryable());
    }

    #[test]
    fn retry_after_and_control_characters() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("120"),
        );
        let body = Bytes::from_static(
            b"{\"code\": 20429, \"message\": \"Too many\\u001b[31m requests\\r\", \"status\": 429}",
        );
        let err = Error::from_status(
            page("/p"),
            http::StatusCode::TOO_MANY_REQUESTS,
            &headers,
            &body,
        );
        assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
        assert!(err.is_retryable());
        let text = err.to_string();
        assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
        assert!(text.contains("Too many [31m requests"), "{text:?}");
        // The document itself is kept as Twilio sent it.
        assert!(err.api_error().unwrap().message.contains('\u{1b}'));
    }

    #[test]
    fn snippet_cuts_on_char_boundaries() {
        let s = snippet("é".repeat(300).as_bytes());
        assert_eq!(s.chars().count(), 201);
    }

    /// Every message of the chain under `error`, `error` first.
    fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
        let mut messages = Vec::new();
        let mut next = Some(error);
        while let Some(error) = next {
            messages.push(error.to_string());
            next = error.source();
        }
        messages
    }

    /// No message of the chain contains the message of its source, so printing the whole
    /// chain says each thing once.
    fn assert_each_message_once(error: &Error) -> Vec<String> {
        let messages = chain(error);
        for pair in messages.windows(2) {
            assert!(
                !pair[0].contains(&pair[1]),
                "{:?} repeats its source {:?} (chain {messages:?})",
                pair[0],
                pair[1]
            );
        }
        messages
    }

    fn pager_errors() -> Vec<twilio_pager::PagerError> {
        use twilio_pager::PagerError;
        vec![
            PagerError::InvalidPageSize { value: 0 },
            PagerError::Cycle {
                page_uri: "https://api.twilio.com/p?Page=2".into(),
                link: "/p?Page=1".into(),
            },
            PagerError::ForeignOrigin {
                page_uri: "https://api.twilio.com/p".into(),
                link: "https://evil.example/p".into(),
            },
        ]
    }

    /// Errors of requests, of a listing's page and of a fetch.
    fn request_errors() -> Vec<Error> {
        let decode = serde_json::from_slice::<serde_json::Value>(b"{\"events\": [").unwrap_err();
        vec![
            Error::Decode {
                request: Box::new(page("https://api.twilio.com/p?Page=3")),
                source: decode,
                request_id: Some("RQdecode".into()),
            },
            Error::Transport {
                request: Box::new(page("https://api.twilio.com/p?Page=4")),
                source: Box::new(
                    twilio_transport::TransportError::new(
                        twilio_transport::TransportErrorKind::Timeout,
                        http::Method::GET,
                        "https://api.twilio.com/p",
                        "no complete response within 1s",
                    )
                    .with_source(std::io::Error::from(std::io::ErrorKind::TimedOut)),
                ),
            },
            Error::Transport {
                request: Box::new(RequestLine::new(
                    http::Method::POST,
                    "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
                    false,
                )),
                source: Box::new(twilio_transport::TransportError::new(
                    twilio_transport::TransportErrorKind::Io,
                    http::Method::POST,
                    "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
                    "connection closed",
                )),
            },
        ]
    }

    #[test]
    fn display_never_repeats_its_source() {
        let sid = "CAnope".parse::<twilio_model::CallSid>().unwrap_err();
        let mut errors = vec![
            Error::from(sid.clone()),
            Error::invalid_input_because("--call-sid", sid),
            Error::invalid_input("no credentials"),
            Error::from_status(
                page("/p"),
                http::StatusCode::NOT_FOUND,
                &http::HeaderMap::new(),
                &Bytes::from_static(br#"{"code": 20404, "message": "not found"}"#),
            ),
        ];
        errors.extend(pager_errors().into_iter().map(Error::from));
        errors.extend(request_errors());
        let account: twilio_model::AccountSid =
            "AC0123456789abcdef0123456789abcdef".parse().unwrap();
        let setup = crate::Client::builder()
            .auth_token(account, "t")
            .add_root_certificate_file("/nonexistent/twilio-ca.pem")
            .build()
            .unwrap_err();
        errors.push(setup);
        for error in &errors {
            let messages = assert_each_message_once(error);
            assert!(!messages.is_empty());
        }
        // The whole chain, `{:#}`-style, still says everything.
        let sid_chain = chain(&errors[0]).join(": ");
        assert!(
            sid_chain.starts_with("invalid input: invalid call SID \"CAnope\""),
            "{sid_chain}"
        );
    }

    #[tokio::test]
    async fn a_real_connection_failure_says_each_thing_once() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let account: twilio_model::AccountSid =
            "AC0123456789abcdef0123456789abcdef".parse().unwrap();
        let client = crate::Client::builder()
            .auth_token(account, "t")
            .base_url(format!("http://127.0.0.1:{port}"))
            .no_proxy()
            .max_retries(0)
            .build()
            .unwrap();
        let call = "CA0123456789abcdef0123456789abcdef".parse().unwrap();
        let error = client
            .call(call)
            .events()
            .list()
            .collect()
            .await
            .unwrap_err();
        let messages = assert_each_message_once(&error);
        assert!(messages.len() >= 3, "{messages:?}");
        assert_eq!(messages[0], "page request failed");
        assert!(messages[1].ends_with(": could not connect"), "{messages:?}");
        assert!(error.is_retryable() && error.resume_uri().is_some());
        assert_eq!(error.request_id(), None);
    }

    #[test]
    fn invalid_input_keeps_its_typed_cause() {
        let sid = "CAnope".parse::<twilio_model::CallSid>().unwrap_err();
        let error = Error::from(sid);
        assert!(error.is_invalid_input());
        let source = std::error::Error::source(&error).unwrap();
        assert!(source.downcast_ref::<twilio_model::SidError>().is_some());

        let error = Error::from(twilio_pager::PagerError::InvalidPageSize { value: 0 });
        assert!(error.is_invalid_input());
        assert_eq!(
            error.to_string(),
            "invalid input: the listing was refused before any request"
        );
        let source = std::error::Error::source(&error).unwrap();
        assert!(matches!(
            source.downcast_ref::<twilio_pager::PagerError>(),
            Some(twilio_pager::PagerError::InvalidPageSize { value: 0 })
        ));
    }

    #[test]
    fn a_tls_setup_failure_is_not_invalid_input() {
        let account: twilio_model::AccountSid =
            "AC0123456789abcdef0123456789abcdef".parse().unwrap();
        let error = crate::Client::builder()
            .auth_token(account, "t")
            .add_root_certificates_pem("not a certificate")
            .build()
            .unwrap_err();
        assert!(error.is_setup(), "{error:?}");
        assert!(!error.is_invalid_input() && !error.is_retryable());
        assert_eq!(error.resume_uri(), None);
        let Error::Setup { source: transport } = &error else {
            panic!("expected Setup, got {error:?}");
        };
        assert!(transport.is_setup());
        assert!(
            transport.to_string().contains("holds no PEM certificate"),
            "{transport}"
        );
    }

    #[test]
    fn request_ids_are_kept_from_every_response() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "twilio-request-id",
            http::HeaderValue::from_static("RQ0123456789abcdef0123456789abcdef"),
        );
        for body in [
            &br#"{"code": 20003, "message": "Authenticate"}"#[..],
            b"<html>",
        ] {
            let error = Error::from_status(
                page("/p"),
                http::StatusCode::UNAUTHORIZED,
                &headers,
                &Bytes::copy_from_slice(body),
            );
            assert_eq!(
                error.request_id(),
                Some("RQ0123456789abcdef0123456789abcdef")
            );
        }
        let decode = request_errors().swap_remove(0);
        assert_eq!(decode.request_id(), Some("RQdecode"));
        let transport = Error::Transport {
            request: Box::new(page("/p")),
            source: Box::new(
                twilio_transport::TransportError::new(
                    twilio_transport::TransportErrorKind::BodyTooLarge,
                    http::Method::GET,
                    "/p",
                    "too large",
                )
                .with_request_id("RQbig"),
            ),
        };
        assert_eq!(transport.request_id(), Some("RQbig"));
        assert_eq!(Error::invalid_input("x").request_id(), None);
    }
}
