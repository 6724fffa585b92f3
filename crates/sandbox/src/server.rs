//! The HTTP side: accept loop, routing, authentication, errors and faults.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use twilio_model::{AccountSid, CallSid};

use crate::body::{SandboxBody, Step};
use crate::data::Dataset;
use crate::fault::{Fault, Faults};
use crate::page::{PageCache, PagePlan, parse_query};
use crate::rng::{hash, sid};
use crate::sandbox::RecordedRequest;

/// The JSON content type of every JSON answer.
pub(crate) const JSON: &str = "application/json; charset=utf-8";
/// How long a client may take to complete a TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a graceful shutdown waits for in-flight responses before aborting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// The `WWW-Authenticate` challenge Twilio sends with a 401.
const CHALLENGE: &str = "Basic realm=\"Twilio API\"";

/// Counters shared by all connections.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) connections_accepted: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) pages_served: AtomicU64,
    pub(crate) events_served: AtomicU64,
    pub(crate) error_responses: AtomicU64,
    pub(crate) faults_injected: AtomicU64,
    pub(crate) page_cache_hits: AtomicU64,
    pub(crate) page_cache_misses: AtomicU64,
}

pub(crate) fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

/// A bounded log of the most recent requests.
#[derive(Debug)]
pub(crate) struct RequestLog {
    capacity: usize,
    entries: Mutex<VecDeque<RecordedRequest>>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(VecDeque::new()),
        }
    }

    fn push(&self, entry: RecordedRequest) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        while entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// Everything a request handler needs.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) data: Dataset,
    pub(crate) cache: PageCache,
    pub(crate) counters: Counters,
    pub(crate) faults: Faults,
    pub(crate) log: RequestLog,
    pub(crate) latency: Duration,
    /// The account's limits (requests a second, in flight).
    pub(crate) limits: crate::limit::Limits,
    pub(crate) request_id_key: u64,
    /// Every route of the table besides the call events (`crate::answer`).
    pub(crate) site: crate::answer::Site,
}

/// What to do with a request.
pub(crate) enum Outcome {
    Answer {
        response: Response<SandboxBody>,
        delay: Duration,
    },
    Disconnect,
}

impl Outcome {
    pub(crate) fn answer(response: Response<SandboxBody>) -> Self {
        Self::Answer {
            response,
            delay: Duration::ZERO,
        }
    }
}

/// Serves connections from `listener` (over TLS when `tls` is given) until `shutdown`
/// changes (or its sender is dropped), then shuts the open connections down gracefully.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    bump(&shared.counters.connections_accepted, 1);
                    if let Err(error) = stream.set_nodelay(true) {
                        tracing::debug!(%peer, %error, "sandbox could not set TCP_NODELAY");
                    }
                    let shared = Arc::clone(&shared);
                    let stop = shutdown.clone();
                    match &tls {
                        None => {
                            connections.spawn(serve_connection(stream, shared, stop));
                        }
                        Some(acceptor) => {
                            let acceptor = acceptor.clone();
                            connections.spawn(async move {
                                let handshake = acceptor.accept(stream);
                                match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, handshake).await {
                                    Ok(Ok(tls)) => serve_connection(tls, shared, stop).await,
                                    Ok(Err(error)) => {
                                        tracing::debug!(%peer, %error, "sandbox TLS handshake failed");
                                    }
                                    Err(_) => {
                                        tracing::debug!(%peer, "sandbox TLS handshake timed out");
                                    }
                                }
                            });
                        }
                    }
                }
                Err(error) => {
                    // Typically out of file descriptors: back off instead of spinning.
                    tracing::warn!(%error, "sandbox failed to accept a connection");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
        }
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
}

async fn serve_connection<S>(stream: S, shared: Arc<Shared>, mut stop: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let builder = auto::Builder::new(TokioExecutor::new());
    let service = service_fn(move |req| handle(Arc::clone(&shared), req));
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, "sandbox connection ended with an error");
            }
        }
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            if let Err(error) = conn.await {
                tracing::debug!(%error, "sandbox connection ended with an error during shutdown");
            }
        }
    }
}

/// Handles one request.
async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<SandboxBody>, std::io::Error> {
    let n = shared.counters.requests.fetch_add(1, Ordering::Relaxed);
    // Over the account's limits, nothing of the request is done: Twilio's 429 instead.
    let admitted = shared.limits.admit();
    let (outcome, user, fault) = match &admitted {
        Ok(_) => respond(&shared, &req),
        Err(why) => (
            Outcome::Answer {
                response: crate::limit::too_many(why),
                delay: Duration::ZERO,
            },
            basic_auth(req.headers()).map(|auth| auth.user),
            None,
        ),
    };
    let header = |name: header::HeaderName| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut record = RecordedRequest {
        method: req.method().clone(),
        path_and_query: req
            .uri()
            .path_and_query()
            .map_or_else(|| req.uri().path().to_owned(), |pq| pq.as_str().to_owned()),
        version: req.version(),
        auth_username: user,
        user_agent: header(header::USER_AGENT),
        via: header(header::VIA),
        request_id: None,
        status: None,
        fault,
    };
    match outcome {
        Outcome::Disconnect => {
            shared.log.push(record);
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "sandbox fault: connection closed without a response",
            ))
        }
        Outcome::Answer {
            mut response,
            delay,
        } => {
            let request_id = sid("RQ", hash(&[shared.request_id_key, n]), n);
            if let Ok(v) = HeaderValue::from_str(&request_id) {
                response.headers_mut().insert("twilio-request-id", v);
            }
            record.status = Some(response.status());
            record.request_id = Some(request_id);
            shared.log.push(record);
            let wait = shared.latency.saturating_add(delay);
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            Ok(response)
        }
    }
}

/// Credentials presented with HTTP Basic auth.
struct BasicAuth {
    user: String,
    password: String,
}

fn basic_auth(headers: &HeaderMap) -> Option<BasicAuth> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some(BasicAuth {
        user: user.to_owned(),
        password: password.to_owned(),
    })
}

/// Compares without an early exit on the first differing byte.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Splits `/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Events.json`.
fn route(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/2010-04-01/Accounts/")?;
    let (account, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("Calls/")?;
    let (call, rest) = rest.split_once('/')?;
    (rest == "Events.json").then_some((account, call))
}

/// Twilio's error body.
#[derive(Serialize)]
struct TwilioError<'a> {
    code: u32,
    message: &'a str,
    more_info: String,
    status: u16,
}

/// A Twilio JSON error response.
pub(crate) fn error_response(
    status: StatusCode,
    code: u32,
    message: &str,
) -> Response<SandboxBody> {
    let body = TwilioError {
        code,
        message,
        more_info: format!("https://www.twilio.com/docs/errors/{code}"),
        status: status.as_u16(),
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut response = Response::new(SandboxBody::full(bytes));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(CHALLENGE),
        );
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET"));
    }
    response
}

pub(crate) fn not_found(path: &str) -> Response<SandboxBody> {
    error_response(
        StatusCode::NOT_FOUND,
        20404,
        &format!("The requested resource {path} was not found"),
    )
}

pub(crate) fn unauthorized() -> Response<SandboxBody> {
    error_response(StatusCode::UNAUTHORIZED, 20003, "Authenticate")
}

/// Decides the answer to a request; also returns the authenticated user name and the fault
/// applied, for the request log.
fn respond(shared: &Shared, req: &Request<Incoming>) -> (Outcome, Option<String>, Option<Fault>) {
    let creds = &shared.data.credentials;
    let path = req.uri().path();
    let auth = basic_auth(req.headers());
    let user = auth.as_ref().map(|a| a.user.clone());
    let authenticated = auth.as_ref().is_some_and(|a| {
        (same(&a.user, &creds.account_sid) && same(&a.password, &creds.auth_token))
            || (same(&a.user, &creds.api_key_sid) && same(&a.password, &creds.api_key_secret))
    });
    let error = |response| {
        bump(&shared.counters.error_responses, 1);
        Outcome::answer(response)
    };
    if !authenticated {
        return (error(unauthorized()), user, None);
    }
    let Some((account, call_sid)) = route(path) else {
        // Every other route of the spec goes through the route table.
        let (outcome, fault) = crate::answer::respond(shared, req);
        return (outcome, user, fault);
    };
    if req.method() != Method::GET {
        let message = format!("Method {} not allowed on {path}", req.method());
        return (
            error(error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                20004,
                &message,
            )),
            user,
            None,
        );
    }
    if account.parse::<AccountSid>().is_err() {
        return (error(not_found(path)), user, None);
    }
    if account != creds.account_sid {
        // Twilio checks the credentials against the account in the path: valid credentials
        // of another account are not valid for this one.
        return (error(unauthorized()), user, None);
    }
    if call_sid.parse::<CallSid>().is_err() {
        return (error(not_found(path)), user, None);
    }
    let data = &shared.data;
    let Some(call_index) = data.call_index(call_sid) else {
        return (error(not_found(path)), user, None);
    };
    let Some(call) = data.calls.get(call_index) else {
        return (error(not_found(path)), user, None);
    };
    let request = match parse_query(req.uri().query(), data.page_token_key, call_index) {
        Ok(r) => r,
        Err(bad) => {
            return (
                error(error_response(StatusCode::BAD_REQUEST, 20001, &bad.0)),
                user,
                None,
            );
        }
    };
    let plan = PagePlan::new(data, call_index, call, &request);
    let fault = shared.faults.take(call_sid, plan.page);
    if fault.is_some() {
        bump(&shared.counters.faults_injected, 1);
    }
    let outcome = page_outcome(shared, &plan, fault.clone());
    (outcome, user, fault)
}

fn page_bytes(shared: &Shared, plan: &PagePlan) -> Bytes {
    if let Some(bytes) = shared.cache.get(&plan.key) {
        bump(&shared.counters.page_cache_hits, 1);
        return bytes;
    }
    bump(&shared.counters.page_cache_misses, 1);
    let bytes = Bytes::from(plan.render(&shared.data));
    shared.cache.insert(plan.key, bytes.clone());
    bytes
}

fn with_type(body: SandboxBody, content_type: &str) -> Response<SandboxBody> {
    let mut response = Response::new(body);
    let value =
        HeaderValue::from_str(content_type).unwrap_or_else(|_| HeaderValue::from_static(JSON));
    response.headers_mut().insert(header::CONTENT_TYPE, value);
    response
}

pub(crate) fn json_ok(body: SandboxBody) -> Response<SandboxBody> {
    with_type(body, JSON)
}

fn len_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A body a fault can be applied to: an events page, or any answer of the route table.
pub(crate) trait PageSource {
    /// The unaltered body.
    fn bytes(&self, shared: &Shared) -> Bytes;
    /// The body with `next_page_uri` replaced (unchanged for a body without links).
    fn with_next(&self, shared: &Shared, next: Option<String>) -> Bytes;
    /// The page's own `uri`.
    fn uri(&self) -> &str;
    fn next_page_uri(&self) -> Option<&str>;
    /// The link to the next page without its `Page` parameter.
    fn next_without_page(&self) -> Option<String>;
    /// Counts the unaltered answer in the stats.
    fn count_served(&self, counters: &Counters);
}

impl PageSource for PagePlan {
    fn bytes(&self, shared: &Shared) -> Bytes {
        page_bytes(shared, self)
    }

    fn with_next(&self, shared: &Shared, next: Option<String>) -> Bytes {
        let mut plan = self.clone();
        plan.next_page_uri = next;
        Bytes::from(plan.render(&shared.data))
    }

    fn uri(&self) -> &str {
        &self.uri
    }

    fn next_page_uri(&self) -> Option<&str> {
        self.next_page_uri.as_deref()
    }

    fn next_without_page(&self) -> Option<String> {
        PagePlan::next_without_page(self)
    }

    fn count_served(&self, counters: &Counters) {
        bump(&counters.pages_served, 1);
        bump(&counters.events_served, self.len);
    }
}

pub(crate) fn page_outcome(
    shared: &Shared,
    plan: &dyn PageSource,
    fault: Option<Fault>,
) -> Outcome {
    let Some(fault) = fault else {
        plan.count_served(&shared.counters);
        return Outcome::answer(json_ok(SandboxBody::full(plan.bytes(shared))));
    };
    match fault {
        Fault::Status {
            status,
            retry_after,
            html,
        } => {
            let mut response = if html {
                let reason = status.canonical_reason().unwrap_or("Error");
                let code = status.as_u16();
                let body = format!(
                    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
                );
                let mut r = with_type(SandboxBody::full(body), "text/html");
                *r.status_mut() = status;
                r
            } else {
                let reason = status.canonical_reason().unwrap_or("Error");
                error_response(status, 20_000 + u32::from(status.as_u16()), reason)
            };
            if let Some(secs) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            Outcome::answer(response)
        }
        Fault::Delay(delay) => Outcome::Answer {
            response: json_ok(SandboxBody::full(plan.bytes(shared))),
            delay,
        },
        Fault::StallBody { after_bytes, pause } => {
            let bytes = plan.bytes(shared);
            let cut = after_bytes.min(bytes.len());
            let steps = vec![
                Step::Data(bytes.slice(..cut)),
                Step::Flush,
                Step::Pause(pause),
                Step::Data(bytes.slice(cut..)),
            ];
            Outcome::answer(json_ok(SandboxBody::scripted(
                steps,
                Some(len_u64(bytes.len())),
            )))
        }
        Fault::CutBody { after_bytes } => {
            let bytes = plan.bytes(shared);
            // Never send the whole body: the server would consider the message complete.
            let cut = after_bytes.min(bytes.len().saturating_sub(1));
            let steps = vec![Step::Data(bytes.slice(..cut)), Step::Flush, Step::Fail];
            Outcome::answer(json_ok(SandboxBody::scripted(
                steps,
                Some(len_u64(bytes.len())),
            )))
        }
        Fault::Disconnect => Outcome::Disconnect,
        Fault::TruncatedJson => {
            let bytes = plan.bytes(shared);
            let half = bytes.slice(..bytes.len() / 2);
            Outcome::answer(json_ok(SandboxBody::full(half)))
        }
        Fault::MalformedJson => Outcome::answer(json_ok(SandboxBody::full(Bytes::from_static(
            b"{\"events\": [{\"request\": <Response>not json</Response>}], \"end\": ,}",
        )))),
        Fault::Oversized {
            min_bytes,
            declare_length,
        } => {
            let bytes = plan.bytes(shared);
            let pad = min_bytes.saturating_sub(bytes.len());
            let split = bytes.len().saturating_sub(1);
            let mut steps = vec![Step::Data(bytes.slice(..split))];
            const CHUNK: usize = 64 * 1024;
            let spaces = Bytes::from(vec![b' '; CHUNK.min(pad)]);
            let mut left = pad;
            while left > 0 {
                let n = left.min(CHUNK);
                steps.push(Step::Data(spaces.slice(..n)));
                left -= n;
            }
            steps.push(Step::Data(bytes.slice(split..)));
            let total = len_u64(bytes.len().saturating_add(pad));
            Outcome::answer(json_ok(SandboxBody::scripted(
                steps,
                declare_length.then_some(total),
            )))
        }
        Fault::ForeignNextLink { origin } => {
            let target = plan.next_page_uri().unwrap_or_else(|| plan.uri());
            let next = Some(format!("{}{target}", origin.trim_end_matches('/')));
            Outcome::answer(json_ok(SandboxBody::full(plan.with_next(shared, next))))
        }
        Fault::LinkCycle => {
            let next = Some(plan.uri().to_owned());
            Outcome::answer(json_ok(SandboxBody::full(plan.with_next(shared, next))))
        }
        Fault::TokenWithoutPage => {
            let next = plan.next_without_page();
            Outcome::answer(json_ok(SandboxBody::full(plan.with_next(shared, next))))
        }
        Fault::WrongContentType { content_type } => Outcome::answer(with_type(
            SandboxBody::full(plan.bytes(shared)),
            &content_type,
        )),
        Fault::EmptyOk => Outcome::answer(json_ok(SandboxBody::full(Bytes::new()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_only_the_events_list() {
        let ac = "AC00000000000000000000000000000000";
        let ca = "CA00000000000000000000000000000000";
        let p = format!("/2010-04-01/Accounts/{ac}/Calls/{ca}/Events.json");
        assert_eq!(route(&p), Some((ac, ca)));
        assert_eq!(route(&format!("{p}/x")), None);
        assert_eq!(
            route(&format!("/2010-04-01/Accounts/{ac}/Calls/{ca}.json")),
            None
        );
        assert_eq!(route("/"), None);
        assert_eq!(
            route(&format!("/2010-04-01/Accounts/{ac}/Calls/{ca}/Events")),
            None
        );
    }

    #[test]
    fn basic_auth_parsing() {
        let mut h = HeaderMap::new();
        assert!(basic_auth(&h).is_none());
        let enc = base64::engine::general_purpose::STANDARD.encode("user:pa:ss");
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("basic {enc}")).unwrap(),
        );
        let a = basic_auth(&h).unwrap();
        assert_eq!((a.user.as_str(), a.password.as_str()), ("user", "pa:ss"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert!(basic_auth(&h).is_none());
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert!(basic_auth(&h).is_none());
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }

    #[test]
    fn error_body_is_twilio_shaped() {
        let r = error_response(StatusCode::UNAUTHORIZED, 20003, "Authenticate");
        assert_eq!(r.headers()[header::WWW_AUTHENTICATE], CHALLENGE);
        assert_eq!(r.headers()[header::CONTENT_TYPE], JSON);
    }
}
