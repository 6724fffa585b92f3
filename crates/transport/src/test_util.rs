//! Transports for tests: swap them in for the real one and script what the "server" answers.
//!
//! - [`ReplayTransport`] answers from an ordered list of [`ReplayEvent`]s, records every
//!   request it was sent, and can check them against the expected ones afterwards
//!   ([`ReplayTransport::assert_requests_match`]).
//! - [`FnTransport`] answers with a function of the request and records every request.
//!
//! - [`RecordingSleeper`] and [`FixedClock`] make [`RetryTransport`](crate::RetryTransport)
//!   instant and deterministic.
//!
//! The transports are cheap to clone; clones share their state, so keep one clone to inspect after
//! handing the other to the code under test.
//!
//! ```
//! use bytes::Bytes;
//! use twilio_transport::HttpTransport;
//! use twilio_transport::test_util::{ReplayEvent, ReplayTransport, json_response};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let expected = http::Request::get("https://api.twilio.com/2010-04-01/Accounts.json")
//!     .body(Bytes::new())
//!     .unwrap();
//! let replay = ReplayTransport::new([ReplayEvent::new(
//!     expected,
//!     json_response(200, r#"{"accounts":[]}"#),
//! )]);
//!
//! let request = http::Request::get("https://api.twilio.com/2010-04-01/Accounts.json")
//!     .header("authorization", "Basic c2VjcmV0")
//!     .body(Bytes::new())
//!     .unwrap();
//! let response = replay.send(request).await.unwrap();
//! assert_eq!(response.status(), 200);
//! assert_eq!(replay.remaining(), 0);
//! replay.assert_requests_match(&[http::header::AUTHORIZATION]);
//! # }
//! ```

use std::collections::VecDeque;
use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, Request, Response};

use crate::retry::{Clock, Sleeper};
use crate::{HttpTransport, TransportError, TransportErrorKind, uri_without_query};

/// One scripted exchange of a [`ReplayTransport`]: the request expected (if any) and what to
/// answer.
#[derive(Debug)]
pub struct ReplayEvent {
    expected: Option<Request<Bytes>>,
    outcome: Result<Response<Bytes>, TransportError>,
}

impl ReplayEvent {
    /// Expects `expected` (checked by [`ReplayTransport::assert_requests_match`]) and answers
    /// `response`.
    pub fn new(expected: Request<Bytes>, response: Response<Bytes>) -> Self {
        Self {
            expected: Some(expected),
            outcome: Ok(response),
        }
    }

    /// Answers `response` to whatever request comes.
    pub fn response(response: Response<Bytes>) -> Self {
        Self {
            expected: None,
            outcome: Ok(response),
        }
    }

    /// Fails whatever request comes with `error`.
    pub fn error(error: TransportError) -> Self {
        Self {
            expected: None,
            outcome: Err(error),
        }
    }

    /// Sets (or replaces) the request this event expects.
    #[must_use]
    pub fn expecting(mut self, expected: Request<Bytes>) -> Self {
        self.expected = Some(expected);
        self
    }

    /// The request this event expects, if it expects one.
    pub fn expected(&self) -> Option<&Request<Bytes>> {
        self.expected.as_ref()
    }
}

#[derive(Debug, Default)]
struct ReplayState {
    /// Events not used yet, in order.
    pending: VecDeque<ReplayEvent>,
    /// All expected requests, one slot per event, in the order the events were given.
    expected: Vec<Option<Request<Bytes>>>,
    /// Every request sent, in order.
    sent: Vec<Request<Bytes>>,
}

/// A transport that answers from a script of [`ReplayEvent`]s, in order, and records what it
/// was sent.
///
/// The n-th request gets the n-th event's answer. Once the events run out, every further
/// request fails with a [`TransportErrorKind::Other`] error ("replay transport has no more
/// responses"). Clones share the script and the record.
#[derive(Debug, Clone)]
pub struct ReplayTransport {
    state: Arc<Mutex<ReplayState>>,
}

impl ReplayTransport {
    /// Creates a transport that plays `events` in order.
    pub fn new(events: impl IntoIterator<Item = ReplayEvent>) -> Self {
        let pending: VecDeque<ReplayEvent> = events.into_iter().collect();
        let expected = pending.iter().map(|event| event.expected.clone()).collect();
        Self {
            state: Arc::new(Mutex::new(ReplayState {
                pending,
                expected,
                sent: Vec::new(),
            })),
        }
    }

    fn state(&self) -> MutexGuard<'_, ReplayState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<Request<Bytes>> {
        self.state().sent.clone()
    }

    /// How many events have not been used yet.
    pub fn remaining(&self) -> usize {
        self.state().pending.len()
    }

    /// Checks the requests sent against the requests the events expected, and panics with a
    /// readable description of every difference.
    ///
    /// The n-th request sent is compared with the n-th event's expected request (events made
    /// with [`ReplayEvent::response`] or [`ReplayEvent::error`] expect nothing and match any
    /// request). An event that expects a request which was never sent is a mismatch too.
    /// Compared: method, scheme, authority, path, query parameters (as a multiset, so their
    /// order does not matter), headers other than `ignore_headers` (names and values, in
    /// order per name) and the body bytes. Values of sensitive headers and of
    /// `Authorization` are never printed.
    ///
    /// # Panics
    ///
    /// When any request differs from its expectation. Meant for tests.
    #[track_caller]
    pub fn assert_requests_match(&self, ignore_headers: &[HeaderName]) {
        let problems = {
            let state = self.state();
            let mut problems = Vec::new();
            for (index, expected) in state.expected.iter().enumerate() {
                let Some(expected) = expected else { continue };
                match state.sent.get(index) {
                    None => problems.push(format!(
                        "request #{index}: expected {} {} but it was never sent",
                        expected.method(),
                        expected.uri()
                    )),
                    Some(actual) => {
                        let diff = diff_requests(expected, actual, ignore_headers);
                        if !diff.is_empty() {
                            problems.push(format!("request #{index}:\n{diff}"));
                        }
                    }
                }
            }
            problems
        };
        if !problems.is_empty() {
            panic!(
                "replayed requests do not match the expected ones:\n{}",
                problems.join("\n")
            );
        }
    }
}

#[async_trait::async_trait]
impl HttpTransport for ReplayTransport {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        let mut state = self.state();
        let event = state.pending.pop_front();
        let method = request.method().clone();
        let uri = uri_without_query(request.uri());
        state.sent.push(request);
        match event {
            Some(event) => event.outcome,
            None => Err(TransportError::new(
                TransportErrorKind::Other,
                method,
                uri,
                "replay transport has no more responses",
            )),
        }
    }
}

type ResponderFn =
    dyn Fn(&Request<Bytes>) -> Result<Response<Bytes>, TransportError> + Send + Sync + 'static;

/// A transport that answers every request with a function of it, and records what it was
/// sent. Clones share the function and the record.
#[derive(Clone)]
pub struct FnTransport {
    responder: Arc<ResponderFn>,
    sent: Arc<Mutex<Vec<Request<Bytes>>>>,
}

impl FnTransport {
    /// Creates a transport that answers with `f`.
    pub fn new(
        f: impl Fn(&Request<Bytes>) -> Result<Response<Bytes>, TransportError> + Send + Sync + 'static,
    ) -> Self {
        Self {
            responder: Arc::new(f),
            sent: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<Request<Bytes>> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl fmt::Debug for FnTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sent = self
            .sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("FnTransport")
            .field("requests_sent", &sent)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl HttpTransport for FnTransport {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        let outcome = (self.responder)(&request);
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request);
        outcome
    }
}

/// A [`Sleeper`] that returns at once and records every duration it was asked to wait, for
/// instant and deterministic retry tests. Clones share the record.
#[derive(Debug, Clone, Default)]
pub struct RecordingSleeper {
    slept: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    /// A sleeper with an empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every duration asked for so far, in order.
    pub fn durations(&self) -> Vec<Duration> {
        self.slept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[async_trait::async_trait]
impl Sleeper for RecordingSleeper {
    async fn sleep(&self, duration: Duration) {
        self.slept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(duration);
    }
}

/// A [`Clock`] stopped at a fixed time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// A response with `status`, `Content-Type: application/json` and `body`.
///
/// # Panics
///
/// When `status` is not a valid HTTP status code (100..=999). Meant for tests.
#[track_caller]
pub fn json_response(status: u16, body: impl Into<Bytes>) -> Response<Bytes> {
    let mut response = response(status, body);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// A response with `status`, no headers and `body`.
///
/// # Panics
///
/// When `status` is not a valid HTTP status code (100..=999). Meant for tests.
#[track_caller]
pub fn response(status: u16, body: impl Into<Bytes>) -> Response<Bytes> {
    let status = http::StatusCode::from_u16(status)
        .unwrap_or_else(|_| panic!("{status} is not a valid HTTP status code"));
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
}

/// A `GET` request for `uri` with no headers and an empty body, marked
/// [`RetrySafety::Idempotent`](crate::RetrySafety) as a read is.
///
/// # Panics
///
/// When `uri` does not parse. Meant for tests.
#[track_caller]
pub fn get(uri: &str) -> Request<Bytes> {
    let mut request = Request::new(Bytes::new());
    *request.uri_mut() = uri
        .parse()
        .unwrap_or_else(|error| panic!("{uri:?} is not a valid URI: {error}"));
    request
        .extensions_mut()
        .insert(crate::RetrySafety::Idempotent);
    request
}

/// A `POST` request for `uri` with `Content-Type: application/x-www-form-urlencoded` and
/// `form` as its body, marked [`RetrySafety::NotIdempotent`](crate::RetrySafety).
///
/// # Panics
///
/// When `uri` does not parse. Meant for tests.
#[track_caller]
pub fn post_form(uri: &str, form: impl Into<Bytes>) -> Request<Bytes> {
    let mut request = get(uri);
    *request.method_mut() = http::Method::POST;
    request
        .extensions_mut()
        .insert(crate::RetrySafety::NotIdempotent);
    *request.body_mut() = form.into();
    request.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    request
}

/// Describes every difference between `expected` and `actual`; empty when they match.
fn diff_requests(
    expected: &Request<Bytes>,
    actual: &Request<Bytes>,
    ignore_headers: &[HeaderName],
) -> String {
    let mut out = String::new();
    if expected.method() != actual.method() {
        let _ = writeln!(
            out,
            "  method: expected {}, got {}",
            expected.method(),
            actual.method()
        );
    }
    let (e, a) = (expected.uri(), actual.uri());
    if e.scheme() != a.scheme() || e.authority() != a.authority() || e.path() != a.path() {
        let _ = writeln!(
            out,
            "  uri: expected {}, got {}",
            uri_without_query(e),
            uri_without_query(a)
        );
    }
    let (eq, aq) = (query_pairs(e.query()), query_pairs(a.query()));
    if eq != aq {
        let _ = writeln!(
            out,
            "  query: expected {:?}, got {:?}",
            e.query().unwrap_or(""),
            a.query().unwrap_or("")
        );
    }
    diff_headers(
        expected.headers(),
        actual.headers(),
        ignore_headers,
        &mut out,
    );
    if expected.body() != actual.body() {
        let _ = writeln!(
            out,
            "  body: expected {:?}, got {:?}",
            String::from_utf8_lossy(expected.body()),
            String::from_utf8_lossy(actual.body())
        );
    }
    out
}

fn query_pairs(query: Option<&str>) -> Vec<&str> {
    let mut pairs: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .collect();
    pairs.sort_unstable();
    pairs
}

fn diff_headers(expected: &HeaderMap, actual: &HeaderMap, ignore: &[HeaderName], out: &mut String) {
    let mut names: Vec<&HeaderName> = expected.keys().chain(actual.keys()).collect();
    names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    names.dedup();
    for name in names {
        if ignore.contains(name) {
            continue;
        }
        let e: Vec<_> = expected.get_all(name).iter().collect();
        let a: Vec<_> = actual.get_all(name).iter().collect();
        if e != a {
            let hide = *name == http::header::AUTHORIZATION
                || e.iter().chain(a.iter()).any(|value| value.is_sensitive());
            let show = |values: &[&http::HeaderValue]| -> String {
                if values.is_empty() {
                    "(absent)".to_owned()
                } else if hide {
                    format!("[{} sensitive value(s)]", values.len())
                } else {
                    values
                        .iter()
                        .map(|value| format!("{:?}", String::from_utf8_lossy(value.as_bytes())))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            };
            let _ = writeln!(
                out,
                "  header {name}: expected {}, got {}",
                show(&e),
                show(&a)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get_with(uri: &str, header: Option<(&str, &str)>) -> Request<Bytes> {
        let mut request = get(uri);
        if let Some((name, value)) = header {
            request.headers_mut().insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        request
    }

    #[tokio::test]
    async fn replays_in_order_then_runs_out() {
        let replay = ReplayTransport::new([
            ReplayEvent::response(json_response(200, "first")),
            ReplayEvent::error(TransportError::new(
                TransportErrorKind::Io,
                http::Method::GET,
                "https://x.test/b",
                "reset",
            )),
        ]);
        let clone = replay.clone();
        let first = replay.send(get("https://x.test/a")).await.unwrap();
        assert_eq!(first.body(), "first");
        assert_eq!(first.headers()["content-type"], "application/json");
        assert_eq!(clone.remaining(), 1);
        let second = replay.send(get("https://x.test/b")).await.unwrap_err();
        assert_eq!(second.kind(), TransportErrorKind::Io);
        let third = replay
            .send(get("https://x.test/c?secret=1"))
            .await
            .unwrap_err();
        assert_eq!(third.kind(), TransportErrorKind::Other);
        assert!(
            third
                .to_string()
                .contains("replay transport has no more responses")
        );
        assert!(!third.to_string().contains("secret"));
        let uris: Vec<String> = clone
            .requests()
            .iter()
            .map(|r| r.uri().to_string())
            .collect();
        assert_eq!(
            uris,
            [
                "https://x.test/a",
                "https://x.test/b",
                "https://x.test/c?secret=1"
            ]
        );
        assert_eq!(clone.remaining(), 0);
    }

    #[tokio::test]
    async fn matching_requests_pass_with_query_in_any_order_and_ignored_headers() {
        let replay = ReplayTransport::new([
            ReplayEvent::new(
                get_with("https://x.test/a?A=1&B=2", Some(("x-id", "one"))),
                json_response(200, "{}"),
            ),
            ReplayEvent::response(json_response(200, "{}")),
        ]);
        replay
            .send(get_with("https://x.test/a?B=2&A=1", Some(("x-id", "two"))))
            .await
            .unwrap();
        replay.send(get("https://other.test/")).await.unwrap();
        replay.assert_requests_match(&[HeaderName::from_static("x-id")]);
    }

    fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
        let payload = std::panic::catch_unwind(f).unwrap_err();
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap()
    }

    #[tokio::test]
    async fn mismatches_are_described_without_secrets() {
        let mut expected = post_form("https://x.test/a?A=1", "To=1");
        expected
            .headers_mut()
            .insert("authorization", "Basic expected-secret".parse().unwrap());
        let replay = ReplayTransport::new([
            ReplayEvent::new(expected, json_response(201, "{}")),
            ReplayEvent::new(get("https://x.test/never"), json_response(200, "{}")),
        ]);
        let mut actual = get_with(
            "https://x.test/b?A=2",
            Some(("authorization", "Basic actual")),
        );
        *actual.body_mut() = Bytes::from_static(b"To=2");
        replay.send(actual).await.unwrap();
        let message = panic_message(|| replay.assert_requests_match(&[]));
        for needle in [
            "request #0",
            "method: expected POST, got GET",
            "uri: expected https://x.test/a, got https://x.test/b",
            "query: expected \"A=1\", got \"A=2\"",
            "header authorization: expected [1 sensitive value(s)], got [1 sensitive value(s)]",
            "header content-type: expected \"application/x-www-form-urlencoded\", got (absent)",
            "body: expected \"To=1\", got \"To=2\"",
            "request #1: expected GET https://x.test/never but it was never sent",
        ] {
            assert!(
                message.contains(needle),
                "{needle:?} missing from:\n{message}"
            );
        }
        assert!(!message.contains("secret"), "{message}");
        assert!(!message.contains("actual"), "{message}");
    }

    #[tokio::test]
    async fn fn_transport_answers_and_records() {
        let transport = FnTransport::new(|request| {
            Ok(response(
                if request.uri().path() == "/ok" {
                    200
                } else {
                    404
                },
                request.uri().path().to_owned(),
            ))
        });
        let clone = transport.clone();
        assert_eq!(
            transport
                .send(get("https://x.test/ok"))
                .await
                .unwrap()
                .status(),
            200
        );
        let missing = transport.send(get("https://x.test/no")).await.unwrap();
        assert_eq!(missing.status(), 404);
        assert_eq!(missing.body(), "/no");
        assert_eq!(clone.requests().len(), 2);
        assert_eq!(format!("{clone:?}"), "FnTransport { requests_sent: 2, .. }");
    }
}
