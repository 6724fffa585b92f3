//! [`HyperTransport`]: the real transport, hyper 1 + rustls with a keep-alive connection pool.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, PROXY_AUTHORIZATION};
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tracing::Instrument as _;

use crate::body::{BodyError, read_capped};
use crate::proxy::{ProxyConfig, ProxyConnector, ProxyFailure, Route, Routes};
use crate::redact::{mark_credentials_sensitive, request_id, uri_without_query};
use crate::tls::{CertEnv, ExtraRoot, RootStore};
use crate::{Attempt, HttpTransport, TransportError, TransportErrorKind};

/// The default cap on a response body: 32 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 32 * 1024 * 1024;
/// The default time one attempt may take, from connecting to the last byte of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time an idle pooled connection is kept open.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Sends requests with hyper over rustls (HTTP/1.1 or HTTP/2, chosen by ALPN), keeping
/// connections alive in a pool so a whole listing reuses one connection, directly or through
/// an HTTP proxy ([`ProxyConfig`]).
///
/// Cheap to clone: clones share the pool.
///
/// Guarantees:
/// - Only `https://` URIs are sent anywhere; plain `http://` is sent only to loopback hosts
///   (`127.0.0.0/8`, `::1`, `localhost`), and through a proxy only if the proxy is on
///   loopback too; anything else is refused ([`TransportErrorKind::Refused`]) *before*
///   connecting, so credentials never travel in clear text.
/// - Through a proxy, `https://` goes in a `CONNECT` tunnel with TLS end to end (the proxy
///   never sees a request header), `http://` in absolute form; the proxy's credentials go to
///   the proxy only. A proxy that refuses is [`TransportErrorKind::Proxy`] (or
///   [`TransportErrorKind::Connect`] when it cannot be reached), naming the proxy without its
///   credentials.
/// - Each call is bounded by a timeout covering connect (and the `CONNECT`), headers and the
///   whole body ([`TransportErrorKind::Timeout`]).
/// - A response body larger than the cap is refused as soon as it is known to be too large
///   (from its `Content-Length`, or while it streams in) and never buffered whole
///   ([`TransportErrorKind::BodyTooLarge`]).
/// - A connection that breaks mid-response is [`TransportErrorKind::Io`], which is retryable.
/// - An untrusted server certificate is [`TransportErrorKind::Certificate`] (not retryable);
///   a `Content-Encoding` the request did not accept is
///   [`TransportErrorKind::ContentEncoding`], before the body is read.
/// - `Authorization` and `Proxy-Authorization` headers are marked sensitive before sending
///   (callers should already do so with [`http::HeaderValue::set_sensitive`]), and headers
///   are never logged.
///
/// Each call runs inside a `twilio.http` tracing span (DEBUG level) with the fields
/// `method`, `url` (without query string), `attempt` (from the request's [`Attempt`]
/// extension, 1 if absent), `proxy` (when one is used), `status`, `request_id` (Twilio's
/// `Twilio-Request-Id`) and `duration_ms`; a DEBUG event closes each call.
///
/// Needs a Tokio runtime with the time driver enabled.
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<HttpsConnector<ProxyConnector>, Full<Bytes>>,
    routes: Arc<Routes>,
    timeout: Duration,
    max_body_size: usize,
}

impl HyperTransport {
    /// Starts configuring a transport.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }

    /// A transport with the default settings: the bundled roots, no proxy.
    ///
    /// # Errors
    ///
    /// When the TLS configuration cannot be built (see [`HyperTransportBuilder::build`]).
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    /// The time one attempt may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest response body accepted, in bytes.
    pub fn max_body_size(&self) -> usize {
        self.max_body_size
    }

    async fn attempt(
        &self,
        request: http::Request<Bytes>,
        exchange: &Exchange<'_>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let Exchange {
            method,
            url,
            route,
            span,
            ..
        } = *exchange;
        let response = self
            .client
            .request(request.map(Full::new))
            .await
            .map_err(|error| classify_client_error(error, method, url))?;
        let status = response.status();
        span.record("status", status.as_u16());
        let id = request_id(response.headers()).map(str::to_owned);
        if let Some(id) = &id {
            span.record("request_id", tracing::field::display(id));
        }
        let with_id = |error: TransportError| match &id {
            Some(id) => error.with_request_id(id.clone()),
            None => error,
        };
        if let Route::Forward(target) = route
            && status == http::StatusCode::PROXY_AUTHENTICATION_REQUIRED
        {
            // Only a proxy answers 407: the request never reached the server.
            let message = if target.auth.is_some() {
                format!(
                    "the proxy {} refused the credentials in its URL",
                    target.shown
                )
            } else {
                format!(
                    "the proxy {} asks for credentials: give them in its URL \
                     (http://user:password@host:port)",
                    target.shown
                )
            };
            return Err(TransportError::new(
                TransportErrorKind::Proxy,
                method.clone(),
                url,
                message,
            )
            .with_proxy(target.shown.clone(), Some(407)));
        }
        if let Some(coding) = unrequested_encoding(&exchange.accepted, response.headers()) {
            return Err(with_id(TransportError::new(
                TransportErrorKind::ContentEncoding,
                method.clone(),
                url,
                format!(
                    "the response body is encoded with {coding}, which the request did not \
                     accept (its Accept-Encoding), so it cannot be read as sent"
                ),
            )));
        }
        let (parts, body) = response.into_parts();
        let body = read_capped(body, self.max_body_size)
            .await
            .map_err(|error| match error {
                BodyError::TooLarge { declared: Some(n) } => TransportError::new(
                    TransportErrorKind::BodyTooLarge,
                    method.clone(),
                    url,
                    format!(
                        "the response declares a {n}-byte body, over the cap of {} bytes",
                        self.max_body_size
                    ),
                ),
                BodyError::TooLarge { declared: None } => TransportError::new(
                    TransportErrorKind::BodyTooLarge,
                    method.clone(),
                    url,
                    format!(
                        "the response body grew over the cap of {} bytes",
                        self.max_body_size
                    ),
                ),
                BodyError::Read(source) => TransportError::new(
                    TransportErrorKind::Io,
                    method.clone(),
                    url,
                    "the connection broke while reading the response body",
                )
                .with_source(source),
            })
            .map_err(with_id)?;
        Ok(http::Response::from_parts(parts, body))
    }
}

/// What one call needs to know about itself, for errors and the span.
struct Exchange<'a> {
    method: &'a http::Method,
    url: &'a str,
    route: &'a Route,
    /// The content codings the request accepts (lower case).
    accepted: Vec<String>,
    span: &'a tracing::Span,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("timeout", &self.timeout)
            .field("max_body_size", &self.max_body_size)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl HttpTransport for HyperTransport {
    async fn send(
        &self,
        mut request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let method = request.method().clone();
        let url = uri_without_query(request.uri());
        let attempt = request
            .extensions()
            .get::<Attempt>()
            .map_or(1, |attempt| attempt.number());
        let route = self.routes.route(request.uri());
        let span = tracing::debug_span!(
            "twilio.http",
            method = %method,
            url = %url,
            attempt,
            proxy = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        if let Some(proxy) = route.proxy() {
            span.record("proxy", tracing::field::display(proxy));
        }
        let fields = span.clone();
        async move {
            let forward_proxy = match &route {
                Route::Forward(target) => Some(&target.uri),
                Route::Direct | Route::Tunnel(_) => None,
            };
            check_destination(request.uri(), forward_proxy).map_err(|(kind, message)| {
                TransportError::new(kind, method.clone(), &url, message)
            })?;
            if let Route::Forward(target) = &route
                && let Some(auth) = &target.auth
            {
                request
                    .headers_mut()
                    .insert(PROXY_AUTHORIZATION, auth.clone());
            }
            mark_credentials_sensitive(request.headers_mut());
            let exchange = Exchange {
                method: &method,
                url: &url,
                route: &route,
                accepted: accepted_encodings(request.headers()),
                span: &fields,
            };
            let started = Instant::now();
            let outcome = tokio::time::timeout(self.timeout, self.attempt(request, &exchange))
                .await
                .unwrap_or_else(|_elapsed| {
                    Err(TransportError::new(
                        TransportErrorKind::Timeout,
                        method.clone(),
                        &url,
                        format!("timed out: no complete response within {:?}", self.timeout),
                    ))
                });
            let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            fields.record("duration_ms", duration_ms);
            match &outcome {
                Ok(response) => {
                    tracing::debug!(
                        status = response.status().as_u16(),
                        duration_ms,
                        "response received"
                    );
                }
                Err(error) => tracing::debug!(%error, duration_ms, "request failed"),
            }
            outcome
        }
        .instrument(span)
        .await
    }
}

/// Configures a [`HyperTransport`]; see [`HyperTransport::builder`].
#[derive(Debug, Clone)]
#[must_use = "a HyperTransportBuilder does nothing until `.build()` is called"]
pub struct HyperTransportBuilder {
    timeout: Duration,
    max_body_size: usize,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    root_store: RootStore,
    cert_env: CertEnv,
    extra_roots: Vec<ExtraRoot>,
    proxies: ProxyConfig,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: usize::MAX,
            root_store: RootStore::default(),
            cert_env: CertEnv::default(),
            extra_roots: Vec::new(),
            proxies: ProxyConfig::none(),
        }
    }
}

impl HyperTransportBuilder {
    /// The time one attempt may take, from connecting to the last byte of the body
    /// (default [`DEFAULT_TIMEOUT`], 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes (default [`DEFAULT_MAX_BODY_SIZE`],
    /// 32 MiB).
    pub fn max_body_size(mut self, max_body_size: usize) -> Self {
        self.max_body_size = max_body_size;
        self
    }

    /// How long an idle pooled connection is kept open; `None` keeps it until the server
    /// closes it (default [`DEFAULT_POOL_IDLE_TIMEOUT`], 90 s).
    pub fn pool_idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.pool_idle_timeout = timeout.into();
        self
    }

    /// How many idle connections per host the pool keeps (default unlimited); 0 disables
    /// keep-alive reuse.
    pub fn pool_max_idle_per_host(mut self, max_idle: usize) -> Self {
        self.pool_max_idle_per_host = max_idle;
        self
    }

    /// The proxies to go through (default [`ProxyConfig::none`]: this transport reads no
    /// environment variable by itself; pass [`ProxyConfig::from_env`] for curl's rules).
    pub fn proxies(mut self, proxies: ProxyConfig) -> Self {
        self.proxies = proxies;
        self
    }

    /// The root store to start from (default [`RootStore::Bundled`]; see the
    /// [`tls` rules](crate::RootStore) for how it combines with the rest).
    pub fn root_store(mut self, store: RootStore) -> Self {
        self.root_store = store;
        self
    }

    /// `SSL_CERT_FILE` / `SSL_CERT_DIR`: when `env` names anything, its certificates replace
    /// the root store, as they do for OpenSSL-based tools (default: none; this transport
    /// reads no environment variable by itself, pass [`CertEnv::from_env`]).
    pub fn cert_env(mut self, env: CertEnv) -> Self {
        self.cert_env = env;
        self
    }

    /// Also trusts `der`, a DER-encoded X.509 root certificate, on top of the roots: for a
    /// corporate TLS-intercepting proxy, a private certificate authority, or a test server
    /// with a self-signed certificate. Call it once per certificate.
    ///
    /// The certificate is checked by [`build`](Self::build), which fails if it cannot be
    /// parsed as a trust anchor.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use twilio_transport::HyperTransport;
    ///
    /// let corporate_ca: Vec<u8> = std::fs::read("/etc/ssl/corporate-root.der")?;
    /// let transport = HyperTransport::builder()
    ///     .add_root_certificate(corporate_ca)
    ///     .build()?;
    /// # drop(transport);
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(ExtraRoot::Der(der.into()));
        self
    }

    /// Also trusts every certificate of `pem`, a PEM text (`-----BEGIN CERTIFICATE-----`
    /// blocks; other blocks are ignored). [`build`](Self::build) fails if it holds no
    /// certificate or one that is not valid.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(ExtraRoot::Pem(pem.into()));
        self
    }

    /// Also trusts the certificates of the file at `path`, read by [`build`](Self::build):
    /// a PEM bundle (one or more certificates) or one DER certificate. The build fails,
    /// naming the file, if it cannot be read, holds no certificate, or one that is not valid.
    pub fn add_root_certificate_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.extra_roots.push(ExtraRoot::File(path.into()));
        self
    }

    /// Builds the transport.
    ///
    /// # Errors
    ///
    /// [`TransportErrorKind::Setup`], naming what is wrong: a root store that was not
    /// compiled in (or, for the system's, yields no certificate), a file of `SSL_CERT_FILE`,
    /// `SSL_CERT_DIR` or [`add_root_certificate_file`](Self::add_root_certificate_file) that
    /// cannot be read or holds no usable certificate, an added certificate that is not valid,
    /// or a proxy URL that cannot be used.
    pub fn build(self) -> Result<HyperTransport, TransportError> {
        let roots =
            crate::tls::root_certificates(self.root_store, &self.cert_env, &self.extra_roots)?;
        let tls = crate::tls::client_config(roots)?;
        let routes = Arc::new(Routes::new(&self.proxies)?);
        let mut http = HttpConnector::new_with_resolver(LocalhostResolver::default());
        // The https connector below decides which schemes are allowed; this one only dials.
        http.enforce_http(false);
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(ProxyConnector::new(http, Arc::clone(&routes)));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(https);
        Ok(HyperTransport {
            client,
            routes,
            timeout: self.timeout,
            max_body_size: self.max_body_size,
        })
    }
}

/// The content codings `headers` accept (`Accept-Encoding`, lower case; `q=0` excluded).
fn accepted_encodings(headers: &http::HeaderMap) -> Vec<String> {
    let mut accepted = Vec::new();
    for value in headers.get_all(ACCEPT_ENCODING) {
        let Ok(text) = value.to_str() else { continue };
        for item in text.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let refused = parts.any(|param| {
                param
                    .trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            if !coding.is_empty() && !refused {
                accepted.push(coding);
            }
        }
    }
    accepted
}

/// The first content coding of the response (`Content-Encoding`) that the request did not
/// accept, as it may be shown (a short token, or a description).
fn unrequested_encoding(accepted: &[String], headers: &http::HeaderMap) -> Option<String> {
    for value in headers.get_all(CONTENT_ENCODING) {
        let Ok(text) = value.to_str() else {
            return Some("a content coding that is not text".to_owned());
        };
        for coding in text.split(',') {
            let coding = coding.trim().to_ascii_lowercase();
            if coding.is_empty() || coding == "identity" {
                continue;
            }
            if accepted.iter().any(|a| *a == coding || a == "*") {
                continue;
            }
            let token = coding.len() <= 32
                && coding
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.+".contains(&b));
            return Some(if token {
                format!("{coding:?}")
            } else {
                "an unknown content coding".to_owned()
            });
        }
    }
    None
}

/// Checks that `uri` may be sent: absolute, `https`, or `http` to a loopback host only, and
/// then through a forward proxy only if that proxy is on loopback too.
pub(crate) fn check_destination(
    uri: &http::Uri,
    forward_proxy: Option<&http::Uri>,
) -> Result<(), (TransportErrorKind, String)> {
    let Some(host) = uri.host() else {
        return Err((
            TransportErrorKind::Other,
            "the URI is not absolute (it has no host)".to_owned(),
        ));
    };
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if is_loopback_host(host) => match forward_proxy {
            Some(proxy) if !proxy.host().is_some_and(is_loopback_host) => Err((
                TransportErrorKind::Refused,
                format!(
                    "plain http:// through the proxy {} would carry credentials in clear text \
                     off this machine; use https://, or a proxy on loopback",
                    crate::redact::origin(proxy)
                ),
            )),
            _ => Ok(()),
        },
        Some("http") => Err((
            TransportErrorKind::Refused,
            format!("plain http:// is only allowed to loopback hosts, not {host:?}; use https://"),
        )),
        Some(other) => Err((
            TransportErrorKind::Refused,
            format!("the scheme {other:?} is not supported; use https://"),
        )),
        None => Err((
            TransportErrorKind::Other,
            "the URI has no scheme".to_owned(),
        )),
    }
}

/// The resolver of [`HyperTransport`]: `localhost` and every name under it
/// (`verify.localhost`) is loopback, without asking DNS, as curl and browsers resolve them
/// (RFC 6761, section 6.3); any other name goes to the system's resolver.
#[derive(Debug, Clone)]
pub(crate) struct LocalhostResolver {
    system: hyper_util::client::legacy::connect::dns::GaiResolver,
}

impl Default for LocalhostResolver {
    fn default() -> Self {
        Self {
            system: hyper_util::client::legacy::connect::dns::GaiResolver::new(),
        }
    }
}

impl tower_service::Service<hyper_util::client::legacy::connect::dns::Name> for LocalhostResolver {
    type Response = std::vec::IntoIter<std::net::SocketAddr>;
    type Error = std::io::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.system.poll_ready(cx)
    }

    fn call(&mut self, name: hyper_util::client::legacy::connect::dns::Name) -> Self::Future {
        if is_localhost_name(name.as_str()) {
            let loopback = vec![
                std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)),
                std::net::SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 0)),
            ];
            return Box::pin(std::future::ready(Ok(loopback.into_iter())));
        }
        let lookup = self.system.call(name);
        Box::pin(async move {
            let addresses: Vec<std::net::SocketAddr> = lookup.await?.collect();
            Ok(addresses.into_iter())
        })
    }
}

/// Whether `name` is `localhost` or a name under it (`verify.localhost`, `a.b.localhost.`),
/// which resolve to loopback (RFC 6761).
fn is_localhost_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let len = name.len();
    name.eq_ignore_ascii_case("localhost")
        || (len > ".localhost".len()
            && name
                .get(len - ".localhost".len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(".localhost"))
            && !name.starts_with('.'))
}

/// Whether `host` (as in [`http::Uri::host`], IPv6 in brackets) names this machine:
/// `localhost` or a name under it (`verify.localhost`, resolved to loopback by the
/// transport itself, never by DNS), an address in `127.0.0.0/8`, `::1`, or an IPv4-mapped loopback address.
///
/// This is the rule [`HyperTransport`] applies to plain `http://`: callers that accept a base
/// URL can refuse a cleartext one up front with the same rule.
///
/// ```
/// use twilio_transport::is_loopback_host;
///
/// assert!(is_loopback_host("localhost") && is_loopback_host("127.0.0.2") && is_loopback_host("[::1]"));
/// assert!(!is_loopback_host("api.twilio.com") && !is_loopback_host("10.0.0.1"));
/// ```
pub fn is_loopback_host(host: &str) -> bool {
    if is_localhost_name(host) {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// The errors of the whole chain under `error`, `error` first.
fn chain<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |error| error.source())
}

/// Whether `error` is rustls refusing the server's certificate. rustls errors reach us
/// inside an `io::Error` (tokio-rustls), itself inside another (hyper-rustls), and an
/// `io::Error`'s `source` skips what it wraps: look inside each.
fn is_certificate_problem(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    // A few wrappers deep at most; bounded in case of a pathological chain.
    for _ in 0..8 {
        let Some(error) = current else { break };
        if let Some(rustls_error) = error.downcast_ref::<rustls::Error>() {
            return matches!(rustls_error, rustls::Error::InvalidCertificate(_));
        }
        current = error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .map(|inner| inner as &(dyn std::error::Error + 'static));
    }
    false
}

fn classify_client_error(
    error: hyper_util::client::legacy::Error,
    method: &http::Method,
    url: &str,
) -> TransportError {
    let proxy_error = chain(&error)
        .find_map(|e| e.downcast_ref::<ProxyFailure>())
        .map(|failure| failure.to_transport_error(method, url));
    if let Some(proxy_error) = proxy_error {
        // The chain below holds the failure's own account (the proxy's status, or why the
        // proxy could not be reached).
        return proxy_error.with_source(error);
    }
    if chain(&error).any(is_certificate_problem) {
        return TransportError::new(
            TransportErrorKind::Certificate,
            method.clone(),
            url,
            "the server's TLS certificate is not trusted",
        )
        .with_source(error);
    }
    if error.is_connect() {
        return TransportError::new(
            TransportErrorKind::Connect,
            method.clone(),
            url,
            "could not connect",
        )
        .with_source(error);
    }
    let hyper_error =
        std::error::Error::source(&error).and_then(|source| source.downcast_ref::<hyper::Error>());
    let (kind, message) = match hyper_error {
        Some(e) if e.is_parse() || e.is_parse_status() => (
            TransportErrorKind::Other,
            "the server sent an invalid HTTP response",
        ),
        Some(e) if e.is_user() => (TransportErrorKind::Other, "the request could not be sent"),
        _ => (
            TransportErrorKind::Io,
            "the connection broke before the response headers arrived",
        ),
    };
    TransportError::new(kind, method.clone(), url, message).with_source(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `verify.localhost` reaches a server on loopback over a real socket, with no DNS: the
    /// transport resolves every name under `localhost` itself.
    #[tokio::test]
    async fn names_under_localhost_reach_loopback_without_dns() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = vec![0; 4096];
            let n = socket.read(&mut request).await.unwrap();
            let request = String::from_utf8_lossy(&request[..n]).into_owned();
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .await
                .unwrap();
            request
        });
        let transport = HyperTransport::builder()
            .proxies(crate::ProxyConfig::none())
            .build()
            .unwrap();
        let mut request = http::Request::new(bytes::Bytes::new());
        *request.uri_mut() = format!("http://verify.localhost:{port}/v2/Services")
            .parse()
            .unwrap();
        let response = crate::HttpTransport::send(&transport, request)
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.body().as_ref(), b"ok");
        let seen = server.await.unwrap();
        assert!(seen.starts_with("GET /v2/Services HTTP/1.1"), "{seen}");
        assert!(
            seen.to_ascii_lowercase()
                .contains(&format!("host: verify.localhost:{port}")),
            "{seen}"
        );
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LocalHost",
            "localhost.",
            "verify.localhost",
            "flex-api.LOCALHOST.",
            "127.0.0.1",
            "127.255.0.9",
            "[::1]",
            "::1",
            "[::ffff:127.0.0.1]",
        ] {
            assert!(is_loopback_host(host), "{host} should be loopback");
        }
        for host in [
            "example.com",
            "localhost.example.com",
            "foolocalhost",
            ".localhost",
            "128.0.0.1",
            "10.0.0.1",
            "0.0.0.0",
            "[::]",
            "[::2]",
            "127.1",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host} should not be loopback");
        }
    }

    fn check(uri: &str) -> Result<(), TransportErrorKind> {
        check_destination(&uri.parse().unwrap(), None).map_err(|(kind, _)| kind)
    }

    #[test]
    fn cleartext_goes_only_through_a_loopback_proxy() {
        let through = |proxy: &str| {
            check_destination(
                &"http://127.0.0.1:8080/x".parse().unwrap(),
                Some(&proxy.parse().unwrap()),
            )
        };
        assert_eq!(through("http://127.0.0.1:3128/"), Ok(()));
        assert_eq!(through("http://localhost:3128/"), Ok(()));
        let (kind, message) = through("http://proxy.corp:3128/").unwrap_err();
        assert_eq!(kind, TransportErrorKind::Refused);
        assert!(message.contains("http://proxy.corp:3128"), "{message}");
    }

    #[test]
    fn unrequested_content_codings() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut headers = http::HeaderMap::new();
            for (name, value) in pairs {
                headers.append(*name, http::HeaderValue::from_static(value));
            }
            headers
        };
        let none = accepted_encodings(&headers(&[]));
        assert_eq!(unrequested_encoding(&none, &headers(&[])), None);
        assert_eq!(
            unrequested_encoding(&none, &headers(&[("content-encoding", "identity")])),
            None
        );
        assert_eq!(
            unrequested_encoding(&none, &headers(&[("content-encoding", "GZIP")])).as_deref(),
            Some("\"gzip\"")
        );
        let gzip = accepted_encodings(&headers(&[("accept-encoding", "br;q=0, GZip;q=0.5")]));
        assert_eq!(gzip, ["gzip"]);
        assert_eq!(
            unrequested_encoding(&gzip, &headers(&[("content-encoding", "gzip")])),
            None
        );
        assert_eq!(
            unrequested_encoding(&gzip, &headers(&[("content-encoding", "gzip, br")])).as_deref(),
            Some("\"br\"")
        );
        let any = accepted_encodings(&headers(&[("accept-encoding", "*")]));
        assert_eq!(
            unrequested_encoding(&any, &headers(&[("content-encoding", "zstd")])),
            None
        );
        assert_eq!(
            unrequested_encoding(&none, &headers(&[("content-encoding", "<b>x</b>")])).as_deref(),
            Some("an unknown content coding")
        );
    }

    #[test]
    fn destinations() {
        assert_eq!(
            check("https://api.twilio.com/2010-04-01/Accounts.json"),
            Ok(())
        );
        assert_eq!(check("https://127.0.0.1:8443/"), Ok(()));
        assert_eq!(check("http://127.0.0.1:8080/x?y=1"), Ok(()));
        assert_eq!(check("http://localhost/"), Ok(()));
        assert_eq!(check("http://[::1]:9/"), Ok(()));
        assert_eq!(
            check("http://api.twilio.com/2010-04-01/Accounts.json"),
            Err(TransportErrorKind::Refused)
        );
        assert_eq!(
            check("http://0.0.0.0:80/"),
            Err(TransportErrorKind::Refused)
        );
        assert_eq!(check("ftp://localhost/"), Err(TransportErrorKind::Refused));
        assert_eq!(
            check("/2010-04-01/Accounts.json"),
            Err(TransportErrorKind::Other)
        );
    }

    #[test]
    fn debug_shows_settings_only() {
        let transport = HyperTransport::builder()
            .timeout(Duration::from_secs(5))
            .max_body_size(1024)
            .build()
            .unwrap();
        assert_eq!(
            format!("{transport:?}"),
            "HyperTransport { timeout: 5s, max_body_size: 1024, .. }"
        );
        assert_eq!(transport.timeout(), Duration::from_secs(5));
        assert_eq!(transport.max_body_size(), 1024);
    }

    #[test]
    fn an_extra_root_that_is_not_a_certificate_fails_the_build() {
        let error = HyperTransport::builder()
            .add_root_certificate(b"not a certificate".as_slice())
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Setup);
        assert!(
            error
                .to_string()
                .contains("extra root certificate #1 (of 1)"),
            "{error}"
        );
    }
}
