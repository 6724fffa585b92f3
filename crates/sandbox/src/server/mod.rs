//! The HTTP server: accept loop, connections, authentication, and the dispatch of each
//! request to its room (the reads of the store, the call events, the writes), by the product
//! its `Host` names.

pub(crate) mod body;
pub(crate) mod host;
pub(crate) mod tls;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::request::Parts;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::fault::Fault;
use crate::reply::{Outcome, error_response, unauthorized};
use crate::state::{RecordedRequest, Shared, bump};
use crate::store::rng::{hash, sid};
use body::SandboxBody;
use host::Product;

/// The largest request body the sandbox reads (a form of a write): 64 KiB, far above any
/// write of the spec (a message's body is at most 1,600 characters).
pub(crate) const MAX_REQUEST_BODY: usize = 64 * 1024;
/// How long a client may take to complete a TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a graceful shutdown waits for in-flight responses before aborting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

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
    let (parts, body) = req.into_parts();
    let (outcome, user, fault) = match &admitted {
        Ok(_) => match read_body(&parts, body).await {
            Ok(body) => respond(&shared, &parts, &body).await,
            Err(response) => {
                bump(&shared.counters.error_responses, 1);
                (
                    Outcome::answer(response),
                    basic_auth(&parts.headers).map(|auth| auth.user),
                    None,
                )
            }
        },
        Err(why) => (
            Outcome::Answer {
                response: crate::limit::too_many(why),
                delay: Duration::ZERO,
            },
            basic_auth(&parts.headers).map(|auth| auth.user),
            None,
        ),
    };
    let req = &parts;
    let header = |name: header::HeaderName| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut record = RecordedRequest {
        method: req.method.clone(),
        path_and_query: req
            .uri
            .path_and_query()
            .map_or_else(|| req.uri.path().to_owned(), |pq| pq.as_str().to_owned()),
        version: req.version,
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

/// Reads the form of a write (nothing for a `GET`): at most [`MAX_REQUEST_BODY`] bytes,
/// or Twilio's 413.
async fn read_body(parts: &Parts, body: Incoming) -> Result<Bytes, Response<SandboxBody>> {
    if parts.method == Method::GET || parts.method == Method::HEAD {
        return Ok(Bytes::new());
    }
    match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(_) => Err(error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            20413,
            &format!(
                "The request body of {} {} is larger than {MAX_REQUEST_BODY} bytes or was cut",
                parts.method,
                parts.uri.path()
            ),
        )),
    }
}

/// Decides the answer to a request: authentication, the product its `Host` names, then the
/// room that serves it. Also returns the authenticated user name and the fault applied, for
/// the request log.
async fn respond(
    shared: &Arc<Shared>,
    req: &Parts,
    body: &Bytes,
) -> (Outcome, Option<String>, Option<Fault>) {
    let creds = &shared.data.credentials;
    let auth = basic_auth(&req.headers);
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
    match host::product(req) {
        Ok(Product::Api) => {}
        Ok(Product::Other(label)) => {
            let Some(resources) = crate::store::products::product(label) else {
                return (error(crate::reply::not_found(req.uri.path())), user, None);
            };
            let (outcome, fault) = crate::crud::respond(shared, req, body, label, resources);
            return (outcome, user, fault);
        }
        Err(unserved) => return (error(unserved.response(req.uri.path())), user, None),
    }
    let path = req.uri.path();
    let (outcome, fault) = if let Some((account, call_sid)) = crate::read::events::route(path) {
        if req.method == Method::GET {
            crate::read::events::respond(shared, req, account, call_sid)
        } else {
            let message = format!("Method {} not allowed on {path}", req.method);
            (
                error(error_response(
                    StatusCode::METHOD_NOT_ALLOWED,
                    20004,
                    &message,
                )),
                None,
            )
        }
    } else if req.method == Method::GET {
        crate::read::respond(shared, req)
    } else {
        crate::write::respond(shared, req, body).await
    };
    (outcome, user, fault)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::read::events::route;

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
}
