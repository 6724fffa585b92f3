//! [`HyperTransport`]: the real transport, hyper 1 + rustls with a keep-alive connection pool.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tracing::Instrument as _;

use crate::body::{BodyError, read_capped};
use crate::{Attempt, HttpTransport, TransportError, TransportErrorKind, uri_without_query};

/// The default cap on a response body: 32 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 32 * 1024 * 1024;
/// The default time one attempt may take, from connecting to the last byte of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time an idle pooled connection is kept open.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Sends requests with hyper over rustls (HTTP/1.1 or HTTP/2, chosen by ALPN), keeping
/// connections alive in a pool so a whole listing reuses one connection.
///
/// Cheap to clone: clones share the pool.
///
/// Guarantees:
/// - Only `https://` URIs are sent anywhere; plain `http://` is sent only to loopback hosts
///   (`127.0.0.0/8`, `::1`, `localhost`) and refused ([`TransportErrorKind::Refused`]) for
///   any other host *before* connecting, so credentials never travel in clear text.
/// - Each call is bounded by a timeout covering connect, headers and the whole body
///   ([`TransportErrorKind::Timeout`]).
/// - A response body larger than the cap is refused as soon as it is known to be too large
///   (from its `Content-Length`, or while it streams in) and never buffered whole
///   ([`TransportErrorKind::BodyTooLarge`]).
/// - A connection that breaks mid-response is [`TransportErrorKind::Io`], which is retryable.
/// - `Authorization` headers are marked sensitive before sending (callers should already do so
///   with [`http::HeaderValue::set_sensitive`]), and headers are never logged.
///
/// Each call runs inside a `twilio.http` tracing span (DEBUG level) with the fields
/// `method`, `url` (without query string), `attempt` (from the request's [`Attempt`]
/// extension, 1 if absent), `status` and `duration_ms`.
///
/// Needs a Tokio runtime with the time driver enabled.
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
    max_body_size: usize,
}

impl HyperTransport {
    /// Starts configuring a transport.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }

    /// A transport with the default settings.
    ///
    /// # Errors
    ///
    /// When the TLS configuration cannot be built (for example no native root certificate
    /// could be loaded with the `native-roots` feature).
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
        method: &http::Method,
        url: &str,
        span: &tracing::Span,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let response = self
            .client
            .request(request.map(Full::new))
            .await
            .map_err(|error| classify_client_error(error, method, url))?;
        span.record("status", response.status().as_u16());
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
            })?;
        Ok(http::Response::from_parts(parts, body))
    }
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
        let span = tracing::debug_span!(
            "twilio.http",
            method = %method,
            url = %url,
            attempt,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let fields = span.clone();
        async move {
            check_destination(request.uri()).map_err(|(kind, message)| {
                TransportError::new(kind, method.clone(), &url, message)
            })?;
            mark_credentials_sensitive(request.headers_mut());
            let started = Instant::now();
            let outcome =
                tokio::time::timeout(self.timeout, self.attempt(request, &method, &url, &fields))
                    .await
                    .unwrap_or_else(|_elapsed| {
                        Err(TransportError::new(
                            TransportErrorKind::Timeout,
                            method.clone(),
                            &url,
                            format!("no complete response within {:?}", self.timeout),
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
pub struct HyperTransportBuilder {
    timeout: Duration,
    max_body_size: usize,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    extra_roots: Vec<Vec<u8>>,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: usize::MAX,
            extra_roots: Vec::new(),
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

    /// Also trusts `der`, a DER-encoded X.509 root certificate, on top of the roots chosen by
    /// cargo feature (`webpki-roots` or `native-roots`): for a corporate TLS-intercepting
    /// proxy, a private certificate authority, or a test server with a self-signed
    /// certificate. Call it once per certificate; a PEM file must be decoded to DER first
    /// (the base64 text between its `BEGIN`/`END CERTIFICATE` lines).
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
        self.extra_roots.push(der.into());
        self
    }

    /// Builds the transport.
    ///
    /// # Errors
    ///
    /// [`TransportErrorKind::Other`] when the TLS configuration cannot be built: no native
    /// root certificate could be loaded with the `native-roots` feature, or a certificate
    /// given to [`add_root_certificate`](Self::add_root_certificate) is not a valid DER
    /// X.509 certificate.
    pub fn build(self) -> Result<HyperTransport, TransportError> {
        let tls = tls_config(&self.extra_roots).map_err(|error| {
            TransportError::setup("could not build the TLS configuration").with_source(error)
        })?;
        let mut http = HttpConnector::new();
        // The https connector below decides which schemes are allowed; this one only dials.
        http.enforce_http(false);
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(https);
        Ok(HyperTransport {
            client,
            timeout: self.timeout,
            max_body_size: self.max_body_size,
        })
    }
}

type SetupError = Box<dyn std::error::Error + Send + Sync>;

/// The rustls client configuration: the `ring` provider, safe default protocol versions, the
/// roots chosen by cargo feature (`native-roots` wins when both are enabled) plus `extra_roots`
/// (DER).
fn tls_config(extra_roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, SetupError> {
    let mut roots = feature_roots()?;
    for (index, der) in extra_roots.iter().enumerate() {
        roots
            .add(rustls::pki_types::CertificateDer::from(der.as_slice()))
            .map_err(|error| {
                format!(
                    "extra root certificate #{} (of {}) is not a valid DER X.509 certificate: {error}",
                    index + 1,
                    extra_roots.len()
                )
            })?;
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(config)
}

/// The operating system's root certificates; an error when none of them could be loaded.
#[cfg(feature = "native-roots")]
fn feature_roots() -> Result<rustls::RootCertStore, SetupError> {
    let loaded = rustls_native_certs::load_native_certs();
    if !loaded.errors.is_empty() {
        tracing::warn!(
            errors = loaded.errors.len(),
            "some native root certificates could not be loaded"
        );
    }
    let mut roots = rustls::RootCertStore::empty();
    let (valid, invalid) = roots.add_parsable_certificates(loaded.certs);
    tracing::debug!(valid, invalid, "loaded native root certificates");
    if roots.is_empty() {
        return Err(format!(
            "no valid native root certificate found ({invalid} invalid, {} loading errors)",
            loaded.errors.len()
        )
        .into());
    }
    Ok(roots)
}

/// The Mozilla root certificates bundled by webpki-roots.
#[cfg(all(feature = "webpki-roots", not(feature = "native-roots")))]
fn feature_roots() -> Result<rustls::RootCertStore, SetupError> {
    Ok(rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    })
}

#[cfg(not(any(feature = "webpki-roots", feature = "native-roots")))]
compile_error!("twilio-transport needs one of the features `webpki-roots` or `native-roots`");

/// Checks that `uri` may be sent: absolute, `https`, or `http` to a loopback host only.
pub(crate) fn check_destination(uri: &http::Uri) -> Result<(), (TransportErrorKind, String)> {
    let Some(host) = uri.host() else {
        return Err((
            TransportErrorKind::Other,
            "the URI is not absolute (it has no host)".to_owned(),
        ));
    };
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if is_loopback_host(host) => Ok(()),
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

/// Whether `host` (as in [`http::Uri::host`], IPv6 in brackets) names this machine:
/// `localhost`, an address in `127.0.0.0/8`, `::1`, or an IPv4-mapped loopback address.
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
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// Marks every credential-carrying header sensitive so no HTTP layer below prints it.
fn mark_credentials_sensitive(headers: &mut http::HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if name == http::header::AUTHORIZATION || name == http::header::PROXY_AUTHORIZATION {
            value.set_sensitive(true);
        }
    }
}

fn classify_client_error(
    error: hyper_util::client::legacy::Error,
    method: &http::Method,
    url: &str,
) -> TransportError {
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

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LocalHost",
            "localhost.",
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
            "foo.localhost",
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
        check_destination(&uri.parse().unwrap()).map_err(|(kind, _)| kind)
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
    fn authorization_is_marked_sensitive() {
        let mut headers = http::HeaderMap::new();
        headers.append(http::header::AUTHORIZATION, "Basic a".parse().unwrap());
        headers.append(http::header::AUTHORIZATION, "Basic b".parse().unwrap());
        headers.append(http::header::ACCEPT, "application/json".parse().unwrap());
        mark_credentials_sensitive(&mut headers);
        assert!(
            headers
                .get_all(http::header::AUTHORIZATION)
                .iter()
                .all(http::HeaderValue::is_sensitive)
        );
        assert!(!headers[http::header::ACCEPT].is_sensitive());
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
        assert_eq!(error.kind(), TransportErrorKind::Other);
        let source = std::error::Error::source(&error).unwrap().to_string();
        assert!(
            source.contains("extra root certificate #1 (of 1)"),
            "{source}"
        );
    }
}
