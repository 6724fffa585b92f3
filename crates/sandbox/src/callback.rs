//! Signed status callbacks: with a webhook URL, the sandbox plays Twilio's other half and
//! POSTs each call's status callbacks to it, form-encoded and signed with its auth token.
//!
//! The signature is computed here, with its own few lines over RustCrypto's HMAC-SHA1,
//! rather than with the `twilio-webhook` crate: the end-to-end tests verify these webhooks
//! with that crate, and a bug shared by the signer and the verifier would cancel out. The
//! algorithm is Twilio's: base64 HMAC-SHA1, keyed with the auth token, over the URL exactly
//! as given followed by each parameter's name and value in name order.
//!
//! Like everything the sandbox does, it only talks to loopback: the URL must be `http://`
//! to a loopback IP address or `localhost` (which it connects to as 127.0.0.1).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use hmac::{Hmac, KeyInit as _, Mac as _};
use http::header::{CONTENT_TYPE, HOST, HeaderValue, USER_AGENT};
use http::{Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use sha1::Sha1;
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::state::Shared;

/// How long one delivery may take, connection included: Twilio's default for callbacks.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15);
/// The `User-Agent` Twilio's webhook requests carry.
const TWILIO_USER_AGENT: &str = "TwilioProxy/1.1";

/// Why a webhook URL was refused (see [`SandboxError::WebhookUrl`](crate::SandboxError)).
pub(crate) type Refusal = &'static str;

/// A checked webhook URL: where to connect, and what to send and sign.
#[derive(Debug, Clone)]
pub(crate) struct WebhookTarget {
    /// The URL exactly as given: what is signed.
    url: String,
    /// The loopback address to connect to.
    addr: SocketAddr,
    /// A host the user named ([`WebhookTarget::parse_allowing`]), resolved when connecting
    /// (then `addr` is unused).
    named: Option<(String, u16)>,
    /// The `Host` header.
    host: HeaderValue,
    /// The request target (path and query).
    path_and_query: String,
}

impl WebhookTarget {
    /// As [`WebhookTarget::parse`], and also accepts a plain `http://` URL whose host is one
    /// of `allowed` (names or IP addresses the user named, compared without case), resolved
    /// when the sandbox connects.
    pub(crate) fn parse_allowing(url: &str, allowed: &[String]) -> Result<Self, Refusal> {
        let refusal = match Self::parse(url) {
            Ok(target) => return Ok(target),
            Err(refusal) => refusal,
        };
        let Ok(parsed) = url::Url::parse(url) else {
            return Err(refusal);
        };
        let host = parsed
            .host_str()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let named = parsed.scheme() == "http"
            && parsed.username().is_empty()
            && parsed.password().is_none()
            && !host.is_empty()
            && allowed.iter().any(|a| a.eq_ignore_ascii_case(&host));
        if !named {
            return Err(refusal);
        }
        let uri: Uri = url.parse().map_err(
            |_| "it is not a valid HTTP request target (spaces or other characters to encode?)",
        )?;
        let authority = uri.authority().ok_or("it has no host")?;
        let port = parsed.port_or_known_default().unwrap_or(80);
        Ok(Self {
            url: url.to_owned(),
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port),
            named: Some((host, port)),
            host: HeaderValue::from_str(authority.as_str()).map_err(|_| "its host is not valid")?,
            path_and_query: uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        })
    }

    /// Checks `url`: `http://`, a loopback host (an IP address or `localhost`), no user info.
    pub(crate) fn parse(url: &str) -> Result<Self, Refusal> {
        let parsed = url::Url::parse(url).map_err(|_| "it is not an absolute URL")?;
        match parsed.scheme() {
            "http" => {}
            "https" => {
                return Err(
                    "https is not supported: the sandbox sends webhooks over plain HTTP to loopback",
                );
            }
            _ => return Err("only http:// URLs are supported"),
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err("credentials in the URL are not supported");
        }
        let ip = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(url::Host::Domain(domain)) if domain.eq_ignore_ascii_case("localhost") => {
                IpAddr::V4(Ipv4Addr::LOCALHOST)
            }
            _ => return Err("its host is not loopback (127.0.0.0/8, [::1] or localhost)"),
        };
        if !ip.is_loopback() {
            return Err("its host is not loopback (127.0.0.0/8, [::1] or localhost)");
        }
        // What goes on the wire comes from the URL as given, which must be a valid request
        // target too (the url crate would quietly percent-encode what is not).
        let uri: Uri = url.parse().map_err(
            |_| "it is not a valid HTTP request target (spaces or other characters to encode?)",
        )?;
        let authority = uri.authority().ok_or("it has no host")?;
        let host =
            HeaderValue::from_str(authority.as_str()).map_err(|_| "its host is not valid")?;
        let path_and_query = uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        let port = parsed.port_or_known_default().unwrap_or(80);
        Ok(Self {
            url: url.to_owned(),
            addr: SocketAddr::new(ip, port),
            named: None,
            host,
            path_and_query,
        })
    }

    /// The URL as given.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }
}

/// One status callback the sandbox sent (or tried to).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The call it is about.
    pub call_sid: String,
    /// Its `CallStatus` (`initiated`, `ringing`, `completed`).
    pub call_status: String,
    /// The status the receiver answered, or `None` if it could not be reached in time.
    pub status: Option<StatusCode>,
    /// Why it could not be delivered, when it could not.
    pub error: Option<String>,
}

/// The deliveries so far, and whether they are over.
#[derive(Debug)]
pub(crate) struct WebhookState {
    target: WebhookTarget,
    /// How many status callbacks the calls have in all.
    expected: usize,
    deliveries: Mutex<Vec<WebhookDelivery>>,
    finished: watch::Sender<bool>,
}

impl WebhookState {
    pub(crate) fn new(target: WebhookTarget, shared: &Shared) -> Self {
        let expected = shared
            .data
            .calls
            .iter()
            .map(|call| shared.data.status_callbacks(call).len())
            .sum();
        Self {
            target,
            expected,
            deliveries: Mutex::new(Vec::new()),
            finished: watch::Sender::new(false),
        }
    }

    pub(crate) fn target(&self) -> &WebhookTarget {
        &self.target
    }

    pub(crate) fn expected(&self) -> usize {
        self.expected
    }

    pub(crate) fn snapshot(&self) -> Vec<WebhookDelivery> {
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits until every status callback has been tried.
    pub(crate) async fn finished(&self) {
        let mut finished = self.finished.subscribe();
        // An error means the sender is gone, which cannot happen while `self` lives.
        let _ = finished.wait_for(|done| *done).await;
    }

    fn record(&self, delivery: WebhookDelivery) {
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(delivery);
    }
}

/// The `X-Twilio-Signature` of a POST to `url` with `params`: base64 HMAC-SHA1 keyed with
/// the auth token over the URL followed by each name and value, sorted by name (then value).
fn sign(auth_token: &str, url: &str, params: &[(&str, String)]) -> Result<String, &'static str> {
    let mut sorted: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    sorted.sort_unstable();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes())
        .map_err(|_| "HMAC-SHA1 refused the auth token")?;
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

fn form_body(params: &[(&str, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())))
        .finish()
}

/// Sends every call's status callbacks, in call order and in order within a call, one at a
/// time, then marks the state finished. Stops early when the sandbox shuts down.
pub(crate) async fn deliver(
    shared: Arc<Shared>,
    state: Arc<WebhookState>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connection: Option<http1::SendRequest<Full<Bytes>>> = None;
    'calls: for call in &shared.data.calls {
        for params in shared.data.status_callbacks(call) {
            let call_status = params
                .iter()
                .find(|(name, _)| *name == "CallStatus")
                .map(|(_, value)| value.clone())
                .unwrap_or_default();
            let outcome = tokio::select! {
                _ = stopped.wait_for(|stop| *stop) => break 'calls,
                outcome = tokio::time::timeout(
                    DELIVERY_TIMEOUT,
                    send(&shared, state.target(), &params, &mut connection),
                ) => outcome.unwrap_or_else(|_| Err(format!("no answer within {} s", DELIVERY_TIMEOUT.as_secs()))),
            };
            let (status, error) = match outcome {
                Ok(status) => (Some(status), None),
                Err(error) => {
                    connection = None;
                    (None, Some(error))
                }
            };
            tracing::debug!(call = %call.sid, %call_status, ?status, ?error, "sandbox status callback");
            state.record(WebhookDelivery {
                call_sid: call.sid.clone(),
                call_status,
                status,
                error,
            });
        }
    }
    state.finished.send_replace(true);
}

/// One POST, on the kept connection when it is still open, on a new one otherwise (and on a
/// new one once more when a kept connection turns out to be closed: the receiver may close
/// an idle keep-alive connection at any time, which is no failure to deliver).
pub(crate) async fn send(
    shared: &Shared,
    target: &WebhookTarget,
    params: &[(&'static str, String)],
    connection: &mut Option<http1::SendRequest<Full<Bytes>>>,
) -> Result<StatusCode, String> {
    exchange(shared, target, params, connection)
        .await
        .map(|answer| answer.status)
}

/// What a webhook answered.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) content_type: Option<String>,
    /// The body, at most [`MAX_ANSWER`] bytes (`None` when longer or cut).
    pub(crate) body: Option<Bytes>,
}

/// The most of a webhook's answer the sandbox reads (a TwiML document).
pub(crate) const MAX_ANSWER: usize = 64 * 1024;

/// One signed POST and its answer (see [`send`]).
pub(crate) async fn exchange(
    shared: &Shared,
    target: &WebhookTarget,
    params: &[(&'static str, String)],
    connection: &mut Option<http1::SendRequest<Full<Bytes>>>,
) -> Result<Answer, String> {
    let signature = sign(&shared.data.credentials.auth_token, target.url(), params)?;
    let body = Bytes::from(form_body(params));
    let request = || {
        Request::builder()
            .method(Method::POST)
            .uri(target.path_and_query.as_str())
            .header(HOST, target.host.clone())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(USER_AGENT, TWILIO_USER_AGENT)
            .header("X-Twilio-Signature", signature.as_str())
            .body(Full::new(body.clone()))
            .map_err(|e| format!("cannot build the request: {e}"))
    };
    let mut kept = connection.take();
    loop {
        let open = match kept.take() {
            Some(mut sender) => sender.ready().await.is_ok().then_some(sender),
            None => None,
        };
        let (mut sender, reused) = match open {
            Some(sender) => (sender, true),
            None => (connect(target).await?, false),
        };
        let response = match sender.send_request(request()?).await {
            Ok(response) => response,
            Err(_) if reused => continue,
            Err(e) => return Err(format!("request to {} failed: {e}", target.addr)),
        };
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // Read the answer whole so that the connection can carry the next callback.
        let body = match http_body_util::Limited::new(response.into_body(), MAX_ANSWER)
            .collect()
            .await
        {
            Ok(collected) => {
                *connection = Some(sender);
                Some(collected.to_bytes())
            }
            Err(_) => None,
        };
        return Ok(Answer {
            status,
            content_type,
            body,
        });
    }
}

async fn connect(target: &WebhookTarget) -> Result<http1::SendRequest<Full<Bytes>>, String> {
    let addr = match &target.named {
        None => target.addr,
        Some((host, port)) => tokio::net::lookup_host((host.as_str(), *port))
            .await
            .map_err(|e| format!("cannot resolve {host}: {e}"))?
            .next()
            .ok_or_else(|| format!("{host} resolves to no address"))?,
    };
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake with {addr} failed: {e}"))?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "sandbox webhook connection ended");
        }
    });
    Ok(sender)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_twilios_on_its_documentation_example() {
        // twilio/twilio-python tests/unit/test_request_validator.py, test_compute_signature.
        let params = [
            ("CallSid", "CA1234567890ABCDE".to_owned()),
            ("Digits", "1234".to_owned()),
            ("From", "+14158675309".to_owned()),
            ("To", "+18005551212".to_owned()),
            ("Caller", "+14158675309".to_owned()),
        ];
        assert_eq!(
            sign(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            )
            .unwrap(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        );
        // twilio/twilio-go client/request_validator_test.go: by name, not by name+value.
        let params = [
            ("ReasonConferenceEnded", "test".to_owned()),
            ("Reason", "Participant".to_owned()),
            ("Digits", "1234".to_owned()),
            ("CallSid", "CA1234567890ABCDE".to_owned()),
            ("To", "+18005551212".to_owned()),
            ("Caller", "+14158675309".to_owned()),
            ("From", "+14158675309".to_owned()),
        ];
        assert_eq!(
            sign(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            )
            .unwrap(),
            "vOEb5UThFn24KEfnOFLQY2AE5FY="
        );
    }

    #[test]
    fn only_plain_http_to_loopback_is_accepted() {
        let ok = WebhookTarget::parse("http://127.0.0.1:3000/twilio/status?x=1").unwrap();
        assert_eq!(ok.addr, SocketAddr::from(([127, 0, 0, 1], 3000)));
        assert_eq!(ok.path_and_query, "/twilio/status?x=1");
        assert_eq!(ok.host, "127.0.0.1:3000");
        let v6 = WebhookTarget::parse("http://[::1]/hook").unwrap();
        assert_eq!(v6.addr.port(), 80);
        assert!(v6.addr.ip().is_loopback());
        let named = WebhookTarget::parse("http://localhost:8080").unwrap();
        assert_eq!(named.addr, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(named.path_and_query, "/");
        assert!(WebhookTarget::parse("http://127.3.4.5:1/").is_ok());
        for (url, why) in [
            ("http://10.0.0.1/hook", "not loopback"),
            ("http://192.168.1.1/hook", "not loopback"),
            ("http://example.com/hook", "not loopback"),
            ("http://localhost.example.com/hook", "not loopback"),
            ("http://[2001:db8::1]/hook", "not loopback"),
            ("https://127.0.0.1/hook", "https"),
            ("ftp://127.0.0.1/hook", "only http"),
            ("http://u:p@127.0.0.1/hook", "credentials"),
            ("127.0.0.1:3000/hook", "absolute"),
            ("http://127.0.0.1/a b", "request target"),
        ] {
            let err = WebhookTarget::parse(url).unwrap_err();
            assert!(err.contains(why), "{url}: {err}");
        }
    }

    #[test]
    fn named_hosts_are_allowed_only_when_named() {
        let allowed = ["hooks.internal".to_owned(), "10.0.0.7".to_owned()];
        let url = "http://hooks.internal:8080/status?x=1";
        assert!(WebhookTarget::parse(url).is_err());
        let named = WebhookTarget::parse_allowing(url, &allowed).unwrap();
        assert_eq!(named.named, Some(("hooks.internal".to_owned(), 8080)));
        assert_eq!(named.path_and_query, "/status?x=1");
        assert!(WebhookTarget::parse_allowing("http://10.0.0.7/s", &allowed).is_ok());
        assert!(WebhookTarget::parse_allowing("http://10.0.0.8/s", &allowed).is_err());
        assert!(WebhookTarget::parse_allowing("https://hooks.internal/s", &allowed).is_err());
        assert!(WebhookTarget::parse_allowing("http://u:p@hooks.internal/s", &allowed).is_err());
        // Loopback stays allowed, resolved as before.
        let local = WebhookTarget::parse_allowing("http://127.0.0.1:3000/", &allowed).unwrap();
        assert_eq!(local.named, None);
    }

    #[test]
    fn form_bodies_encode_what_twilio_sends() {
        let body = form_body(&[
            ("From", "+14155550100".to_owned()),
            ("Timestamp", "Tue, 11 Aug 2020 17:44:08 +0000".to_owned()),
        ]);
        assert_eq!(
            body,
            "From=%2B14155550100&Timestamp=Tue%2C+11+Aug+2020+17%3A44%3A08+%2B0000"
        );
    }
}
