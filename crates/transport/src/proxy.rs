//! HTTP proxies: which requests go through one ([`ProxyConfig`], with the environment read
//! as curl reads it), and the connector that reaches the server through it.
//!
//! The pieces are hyper-util's: its proxy [`Matcher`] applies the `NO_PROXY` rules and parses
//! the credentials of a proxy URL, and its [`Tunnel`] connector opens `CONNECT` tunnels. This
//! module adds what they leave to the caller: reading the environment exactly as curl does
//! (through a lookup function, so that tests need not touch the process environment),
//! refusing a proxy URL it cannot use instead of dropping it, a few `NO_PROXY` forms curl
//! accepts and the matcher does not (`*` for IP addresses too, whitespace between entries,
//! `[::1]`), and typed errors that say how the proxy refused.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use http::{HeaderValue, Uri};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection};

/// The dialler under the proxies: hyper-util's, resolving `*.localhost` itself.
type HttpConnector =
    hyper_util::client::legacy::connect::HttpConnector<crate::hyper_transport::LocalhostResolver>;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tower_service::Service;

use crate::TransportError;
use crate::redact::origin;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The port of a proxy URL that names none, as curl assumes.
const DEFAULT_PROXY_PORT: u16 = 1080;

/// Which requests go through an HTTP proxy, and which one.
///
/// - `https://` requests go through a `CONNECT` tunnel: TLS runs end to end with the API
///   host, so the proxy sees the `CONNECT host:port` line and nothing else (never the
///   `Authorization` header).
/// - Plain `http://` requests (to loopback only) are sent to the proxy in absolute form; a
///   proxy that is not itself on loopback is refused for them, as credentials would cross the
///   network in clear text.
/// - Credentials in the proxy URL (`http://user:password@proxy:3128`, percent-encoded) are
///   sent as `Proxy-Authorization` to the proxy only, and never shown: `Debug`, errors and
///   logs name the proxy as `http://proxy:3128`.
/// - Only `http://` proxy URLs are supported (a URL without a scheme means `http://`, as in
///   curl, and one without a port means port 1080, as in curl); anything else is refused by
///   [`HyperTransportBuilder::build`](crate::HyperTransportBuilder::build) with an error
///   naming where the URL came from, rather than ignored.
///
/// `NO_PROXY` (or [`ProxyConfig::no_proxy`]) lists destinations reached directly, separated
/// by commas or spaces: `*` (every destination), a host name (`api.example.com`, which also
/// covers its subdomains; a leading dot, `.example.com`, means the same), an IP address
/// (`10.1.2.3`, `::1` or `[::1]`) or a CIDR range (`10.0.0.0/8`, `fd00::/8`). Names match
/// without regard to case and never by a mere suffix (`example.com` does not cover
/// `badexample.com`); ports are not part of a rule.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    http: Option<Setting>,
    https: Option<Setting>,
    all: Option<Setting>,
    no_proxy: Option<Setting>,
}

/// One value and where it came from (a variable's name, or how the caller gave it), for
/// errors.
#[derive(Clone, PartialEq, Eq)]
struct Setting {
    value: String,
    from: &'static str,
}

impl ProxyConfig {
    /// No proxy: every request goes straight to its server (the default).
    pub fn none() -> Self {
        Self::default()
    }

    /// Every request through the proxy at `url` (`http://[user:password@]host[:port]`), as
    /// curl's `--proxy` does; [`no_proxy`](Self::no_proxy) can still exempt destinations.
    pub fn all(url: impl Into<String>) -> Self {
        Self {
            all: Some(Setting {
                value: url.into(),
                from: "the proxy URL",
            }),
            ..Self::default()
        }
    }

    /// The proxies of the process environment, read as curl reads them (see
    /// [`ProxyConfig::from_lookup`]).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The proxies named by environment variables read through `lookup`, with curl's rules:
    ///
    /// - `https://` requests: `https_proxy`, else `HTTPS_PROXY`, else the fallback below;
    /// - `http://` requests: `http_proxy` only, never `HTTP_PROXY` (in CGI programs a
    ///   request's `Proxy:` header arrives as `HTTP_PROXY`, so curl ignores it), else the
    ///   fallback;
    /// - the fallback for both: `all_proxy`, else `ALL_PROXY`;
    /// - the exemptions: `no_proxy`, else `NO_PROXY`.
    ///
    /// The lower-case name wins when both are set; a variable set to the empty string counts
    /// as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let first = |names: &[&'static str]| {
            names.iter().find_map(|name| {
                lookup(name)
                    .filter(|value| !value.trim().is_empty())
                    .map(|value| Setting { value, from: name })
            })
        };
        Self {
            http: first(&["http_proxy"]),
            https: first(&["https_proxy", "HTTPS_PROXY"]),
            all: first(&["all_proxy", "ALL_PROXY"]),
            no_proxy: first(&["no_proxy", "NO_PROXY"]),
        }
    }

    /// Every request through the proxy at `url` instead of the proxies named so far, keeping
    /// the no-proxy list: what curl's `--proxy` does to the environment's settings.
    #[must_use]
    pub fn override_proxy(mut self, url: impl Into<String>) -> Self {
        self.http = None;
        self.https = None;
        self.all = Some(Setting {
            value: url.into(),
            from: "the proxy URL",
        });
        self
    }

    /// Reaches the destinations in `list` directly (the `NO_PROXY` forms, see above),
    /// replacing any list from the environment.
    #[must_use]
    pub fn no_proxy(mut self, list: impl Into<String>) -> Self {
        self.no_proxy = Some(Setting {
            value: list.into(),
            from: "the no-proxy list",
        });
        self
    }

    /// Whether no request goes through a proxy: no proxy is named, or `NO_PROXY` is `*`.
    pub fn is_none(&self) -> bool {
        let bypass_all = self
            .no_proxy
            .as_ref()
            .is_some_and(|setting| normalize_no_proxy(&setting.value).0);
        bypass_all || (self.http.is_none() && self.https.is_none() && self.all.is_none())
    }
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |setting: &Option<Setting>| {
            setting.as_ref().map(|setting| {
                let url = validate(setting).map_or_else(|_| "[invalid]".to_owned(), |p| p.shown);
                format!("{url} (from {})", setting.from)
            })
        };
        f.debug_struct("ProxyConfig")
            .field("http", &shown(&self.http))
            .field("https", &shown(&self.https))
            .field("all", &shown(&self.all))
            .field(
                "no_proxy",
                &self.no_proxy.as_ref().map(|setting| &setting.value),
            )
            .finish()
    }
}

/// A checked proxy URL: what the matcher is given, and how it is shown.
struct Validated {
    /// `http://[userinfo@]host:port`.
    url: String,
    /// `http://host:port`.
    shown: String,
}

/// Checks one proxy URL; errors name where it came from and never echo it (it may hold a
/// password).
fn validate(setting: &Setting) -> Result<Validated, TransportError> {
    let from = setting.from;
    let raw = setting.value.trim();
    let with_scheme = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("http://{raw}")
    };
    let invalid = || {
        TransportError::setup(format!(
            "{from} is not a proxy URL of the form http://[user:password@]host[:port]"
        ))
    };
    let uri: Uri = with_scheme.parse().map_err(|_| invalid())?;
    match uri.scheme_str() {
        Some("http") => {}
        Some(scheme) => {
            let scheme: String = scheme
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(16)
                .collect();
            return Err(TransportError::setup(format!(
                "{from} names a {scheme}:// proxy, which is not supported: use an http:// \
                 proxy (https:// requests still go through it in an encrypted CONNECT tunnel)"
            )));
        }
        None => return Err(invalid()),
    }
    let Some(authority) = uri.authority() else {
        return Err(invalid());
    };
    let host = authority.host();
    if host.is_empty() || !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(invalid());
    }
    let port = authority.port_u16().unwrap_or(DEFAULT_PROXY_PORT);
    let userinfo = match authority.as_str().rsplit_once('@') {
        // hyper-util splits at the first `@`: one inside the credentials would move the host.
        Some((userinfo, _)) if userinfo.contains('@') => {
            return Err(TransportError::setup(format!(
                "{from} has an `@` in its credentials: write it percent-encoded, as %40"
            )));
        }
        Some((userinfo, _)) => format!("{userinfo}@"),
        None => String::new(),
    };
    Ok(Validated {
        url: format!("http://{userinfo}{host}:{port}"),
        shown: format!("http://{host}:{port}"),
    })
}

/// `NO_PROXY` as hyper-util's matcher reads it (comma-separated, IPv6 without brackets), and
/// whether it exempts everything (`*`, which the matcher would not apply to IP addresses).
fn normalize_no_proxy(list: &str) -> (bool, String) {
    let mut entries = Vec::new();
    for entry in list.split(|c: char| c == ',' || c.is_whitespace()) {
        if entry.is_empty() {
            continue;
        }
        if entry == "*" {
            return (true, String::new());
        }
        let entry = match entry
            .strip_prefix('[')
            .and_then(|rest| rest.split_once(']'))
        {
            Some((address, suffix)) => format!("{address}{suffix}"),
            None => entry.to_owned(),
        };
        entries.push(entry);
    }
    (false, entries.join(","))
}

/// Where each request goes: the checked form of a [`ProxyConfig`].
pub(crate) struct Routes {
    /// `None`: no proxy at all.
    matcher: Option<Matcher>,
}

impl fmt::Debug for Routes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Routes")
            .field("proxied", &self.matcher.is_some())
            .finish()
    }
}

/// How one request reaches its server.
#[derive(Debug)]
pub(crate) enum Route {
    /// Straight to the server.
    Direct,
    /// `http://`: to the proxy, in absolute form.
    Forward(Target),
    /// `https://`: through a `CONNECT` tunnel opened by the proxy.
    Tunnel(Target),
}

/// A proxy to go through.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// `http://host:port/`, without credentials.
    pub(crate) uri: Uri,
    /// `Proxy-Authorization`, marked sensitive, from the URL's credentials.
    pub(crate) auth: Option<HeaderValue>,
    /// `http://host:port`, for errors and logs.
    pub(crate) shown: String,
}

impl Route {
    /// The proxy in use, as shown in logs.
    pub(crate) fn proxy(&self) -> Option<&str> {
        match self {
            Self::Direct => None,
            Self::Forward(target) | Self::Tunnel(target) => Some(&target.shown),
        }
    }
}

impl Routes {
    /// Checks `config`: every proxy URL it names must be usable.
    pub(crate) fn new(config: &ProxyConfig) -> Result<Self, TransportError> {
        let (bypass_all, no_proxy) = config
            .no_proxy
            .as_ref()
            .map(|setting| normalize_no_proxy(&setting.value))
            .unwrap_or_default();
        let mut builder = Matcher::builder();
        let mut any = false;
        if let Some(setting) = &config.http {
            builder = builder.http(validate(setting)?.url);
            any = true;
        }
        if let Some(setting) = &config.https {
            builder = builder.https(validate(setting)?.url);
            any = true;
        }
        if let Some(setting) = &config.all {
            builder = builder.all(validate(setting)?.url);
            any = true;
        }
        if !any || bypass_all {
            return Ok(Self { matcher: None });
        }
        Ok(Self {
            matcher: Some(builder.no(no_proxy).build()),
        })
    }

    /// How a request to `destination` travels.
    pub(crate) fn route(&self, destination: &Uri) -> Route {
        let Some(intercept) = self
            .matcher
            .as_ref()
            .and_then(|matcher| matcher.intercept(destination))
        else {
            return Route::Direct;
        };
        let target = Target {
            uri: intercept.uri().clone(),
            auth: intercept.basic_auth().cloned(),
            shown: origin(intercept.uri()),
        };
        if destination.scheme_str() == Some("https") {
            Route::Tunnel(target)
        } else {
            Route::Forward(target)
        }
    }
}

/// How a proxy failed a connection; found in the error chain by the transport, which turns
/// it into a [`TransportError`] naming the proxy.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProxyFailure {
    /// The proxy could not be reached.
    #[error("could not reach the proxy")]
    Unreachable {
        proxy: String,
        #[source]
        source: BoxError,
    },
    /// 407 to the `CONNECT` (or 401, which some proxies, tinyproxy among them, send for
    /// credentials they refuse; only a proxy answers a `CONNECT`).
    #[error("CONNECT {destination} answered HTTP {status}")]
    AuthRequired {
        proxy: String,
        destination: String,
        status: u16,
        had_credentials: bool,
    },
    /// Another non-2xx status to the `CONNECT`.
    #[error("CONNECT {destination} answered HTTP {status}")]
    Refused {
        proxy: String,
        destination: String,
        status: u16,
    },
    /// The proxy closed the connection, or it broke, before the `CONNECT` was answered.
    #[error("no answer to CONNECT {destination}")]
    Closed {
        proxy: String,
        destination: String,
        #[source]
        source: BoxError,
    },
}

impl ProxyFailure {
    /// The error the transport reports, naming the proxy; the caller attaches the whole chain
    /// from the HTTP client (which holds this failure) as its source.
    pub(crate) fn to_transport_error(&self, method: &http::Method, url: &str) -> TransportError {
        use crate::TransportErrorKind::{Connect, Proxy};
        let (kind, message, proxy, status) = match self {
            Self::Unreachable { proxy, .. } => (
                Connect,
                format!("could not connect to the proxy {proxy}"),
                proxy,
                None,
            ),
            Self::AuthRequired {
                proxy,
                status,
                had_credentials: true,
                ..
            } => (
                Proxy,
                format!("the proxy {proxy} refused the credentials in its URL"),
                proxy,
                Some(*status),
            ),
            Self::AuthRequired { proxy, status, .. } => (
                Proxy,
                format!(
                    "the proxy {proxy} asks for credentials: give them in its URL \
                     (http://user:password@host:port)"
                ),
                proxy,
                Some(*status),
            ),
            Self::Refused { proxy, status, .. } => (
                Proxy,
                format!("the proxy {proxy} refused to open a tunnel"),
                proxy,
                Some(*status),
            ),
            Self::Closed { proxy, .. } => (
                Proxy,
                format!("the proxy {proxy} closed the connection without opening a tunnel"),
                proxy,
                None,
            ),
        };
        TransportError::new(kind, method.clone(), url, message).with_proxy(proxy.clone(), status)
    }
}

/// The first bytes a proxy answered to a `CONNECT`, kept to read its status: hyper-util's
/// tunnel only says "unsuccessful".
#[derive(Debug, Default)]
struct Head {
    /// Whether the TCP connection to the proxy was made.
    dialed: bool,
    bytes: Vec<u8>,
}

/// How much of a `CONNECT` answer is kept: its status line fits.
const HEAD_LIMIT: usize = 1024;

fn lock(head: &Mutex<Head>) -> MutexGuard<'_, Head> {
    head.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Head {
    /// The status of the answer's first line, `HTTP/1.x NNN reason`.
    fn status(&self) -> Option<u16> {
        let line_end = self.bytes.windows(2).position(|w| w == b"\r\n")?;
        let line = std::str::from_utf8(self.bytes.get(..line_end)?).ok()?;
        let mut words = line.split(' ');
        let version = words.next()?;
        if !version.starts_with("HTTP/") {
            return None;
        }
        let status = words.next()?;
        (status.len() == 3)
            .then(|| status.parse::<u16>().ok())
            .flatten()
            .filter(|status| (100..600).contains(status))
    }
}

/// A TCP connection to a server or a proxy. While a `CONNECT` is answered it keeps the
/// answer's first line; once it carries a plain request to a forward proxy it says so, so
/// that hyper sends the request line in absolute form.
pub(crate) struct ProxyStream {
    tcp: TcpStream,
    forward: bool,
    head: Option<Arc<Mutex<Head>>>,
}

impl AsyncRead for ProxyStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.tcp).poll_read(cx, buf);
        if let (Poll::Ready(Ok(())), Some(head)) = (&poll, &this.head) {
            let fresh = buf.filled().get(before..).unwrap_or_default();
            let mut head = lock(head);
            let room = HEAD_LIMIT.saturating_sub(head.bytes.len());
            head.bytes.extend(fresh.iter().take(room));
            let done = fresh.is_empty()
                || head.bytes.len() >= HEAD_LIMIT
                || head.bytes.windows(2).any(|w| w == b"\r\n");
            drop(head);
            if done {
                this.head = None;
            }
        }
        poll
    }
}

impl AsyncWrite for ProxyStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

impl Connection for ProxyStream {
    fn connected(&self) -> Connected {
        self.tcp.connected().proxy(self.forward)
    }
}

type Connecting = Pin<Box<dyn Future<Output = Result<TokioIo<ProxyStream>, BoxError>> + Send>>;

/// The connector under hyper-rustls: straight to the server, to a forward proxy, or through
/// a `CONNECT` tunnel, as [`Routes`] decide for each destination.
#[derive(Clone)]
pub(crate) struct ProxyConnector {
    http: HttpConnector,
    routes: Arc<Routes>,
}

impl ProxyConnector {
    pub(crate) fn new(http: HttpConnector, routes: Arc<Routes>) -> Self {
        Self { http, routes }
    }
}

impl Service<Uri> for ProxyConnector {
    type Response = TokioIo<ProxyStream>;
    type Error = BoxError;
    type Future = Connecting;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // The HTTP connector is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, destination: Uri) -> Connecting {
        let mut http = self.http.clone();
        match self.routes.route(&destination) {
            Route::Direct => Box::pin(async move {
                let tcp = http.call(destination).await?.into_inner();
                Ok(TokioIo::new(ProxyStream {
                    tcp,
                    forward: false,
                    head: None,
                }))
            }),
            Route::Forward(target) => Box::pin(async move {
                let tcp = http
                    .call(target.uri.clone())
                    .await
                    .map_err(|source| ProxyFailure::Unreachable {
                        proxy: target.shown.clone(),
                        source: source.into(),
                    })?
                    .into_inner();
                Ok(TokioIo::new(ProxyStream {
                    tcp,
                    forward: true,
                    head: None,
                }))
            }),
            Route::Tunnel(target) => Box::pin(tunnel(http, target, destination)),
        }
    }
}

/// Opens a `CONNECT` tunnel to `destination` through `target` with hyper-util's [`Tunnel`],
/// reading the proxy's status when it refuses.
async fn tunnel(
    http: HttpConnector,
    target: Target,
    destination: Uri,
) -> Result<TokioIo<ProxyStream>, BoxError> {
    let head = Arc::new(Mutex::new(Head::default()));
    let mut tunnel = Tunnel::new(
        target.uri.clone(),
        Dialer {
            http,
            head: Arc::clone(&head),
        },
    );
    if let Some(auth) = &target.auth {
        tunnel = tunnel.with_auth(auth.clone());
    }
    let authority = format!(
        "{}:{}",
        destination.host().unwrap_or_default(),
        destination.port_u16().unwrap_or(443)
    );
    let outcome = match std::future::poll_fn(|cx| tunnel.poll_ready(cx)).await {
        Ok(()) => tunnel.call(destination).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(mut io) => {
            io.inner_mut().head = None;
            Ok(io)
        }
        Err(error) => {
            let head = lock(&head);
            let proxy = target.shown.clone();
            let failure = match head.status() {
                _ if !head.dialed => ProxyFailure::Unreachable {
                    proxy,
                    source: Box::new(error),
                },
                Some(status @ (401 | 407)) => ProxyFailure::AuthRequired {
                    proxy,
                    destination: authority,
                    status,
                    had_credentials: target.auth.is_some(),
                },
                Some(status) => ProxyFailure::Refused {
                    proxy,
                    destination: authority,
                    status,
                },
                None => ProxyFailure::Closed {
                    proxy,
                    destination: authority,
                    source: Box::new(error),
                },
            };
            Err(Box::new(failure))
        }
    }
}

/// Dials the proxy for [`Tunnel`], keeping the first line of its answer.
#[derive(Clone)]
struct Dialer {
    http: HttpConnector,
    head: Arc<Mutex<Head>>,
}

impl Service<Uri> for Dialer {
    type Response = TokioIo<ProxyStream>;
    type Error = BoxError;
    type Future = Connecting;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, proxy: Uri) -> Connecting {
        let mut http = self.http.clone();
        let head = Arc::clone(&self.head);
        Box::pin(async move {
            let tcp = http.call(proxy).await?.into_inner();
            lock(&head).dialed = true;
            Ok(TokioIo::new(ProxyStream {
                tcp,
                forward: false,
                head: Some(head),
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn routes(config: &ProxyConfig) -> Routes {
        Routes::new(config).unwrap()
    }

    /// The proxy a request to `url` goes through, as shown, with `F`orward or `T`unnel.
    fn via(routes: &Routes, url: &str) -> Option<String> {
        match routes.route(&url.parse().unwrap()) {
            Route::Direct => None,
            Route::Forward(target) => Some(format!("F {}", target.shown)),
            Route::Tunnel(target) => Some(format!("T {}", target.shown)),
        }
    }

    #[test]
    fn https_proxy_lower_case_wins_over_upper_case() {
        let config = ProxyConfig::from_lookup(lookup(&[
            ("https_proxy", "http://lower:1"),
            ("HTTPS_PROXY", "http://upper:2"),
        ]));
        assert_eq!(
            via(&routes(&config), "https://api.twilio.com/x").as_deref(),
            Some("T http://lower:1")
        );
        let config = ProxyConfig::from_lookup(lookup(&[("HTTPS_PROXY", "http://upper:2")]));
        assert_eq!(
            via(&routes(&config), "https://api.twilio.com/x").as_deref(),
            Some("T http://upper:2")
        );
    }

    #[test]
    fn upper_case_http_proxy_is_ignored_as_curl_does() {
        let config = ProxyConfig::from_lookup(lookup(&[("HTTP_PROXY", "http://cgi-header:1")]));
        assert!(config.is_none(), "{config:?}");
        assert_eq!(via(&routes(&config), "http://127.0.0.1:8080/"), None);
        let config = ProxyConfig::from_lookup(lookup(&[("http_proxy", "http://lower:1")]));
        assert_eq!(
            via(&routes(&config), "http://127.0.0.1:8080/").as_deref(),
            Some("F http://lower:1")
        );
        // http_proxy is for http:// only.
        assert_eq!(via(&routes(&config), "https://api.twilio.com/"), None);
    }

    #[test]
    fn all_proxy_is_the_fallback_for_both_schemes() {
        let config = ProxyConfig::from_lookup(lookup(&[
            ("ALL_PROXY", "http://upper-all:9"),
            ("all_proxy", "http://all:1"),
            ("https_proxy", "http://secure:2"),
        ]));
        let routes = routes(&config);
        assert_eq!(
            via(&routes, "https://api.twilio.com/").as_deref(),
            Some("T http://secure:2")
        );
        assert_eq!(
            via(&routes, "http://localhost:1/").as_deref(),
            Some("F http://all:1")
        );
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let config = ProxyConfig::from_lookup(lookup(&[
            ("https_proxy", ""),
            ("HTTPS_PROXY", "http://upper:2"),
            ("no_proxy", " "),
            ("NO_PROXY", "api.twilio.com"),
        ]));
        assert_eq!(via(&routes(&config), "https://api.twilio.com/"), None);
        assert_eq!(
            via(&routes(&config), "https://other.example/").as_deref(),
            Some("T http://upper:2")
        );
    }

    #[test]
    fn no_proxy_lower_case_wins_and_an_explicit_list_replaces_both() {
        let config = ProxyConfig::from_lookup(lookup(&[
            ("all_proxy", "http://p:1"),
            ("no_proxy", "a.example"),
            ("NO_PROXY", "b.example"),
        ]));
        let r = routes(&config);
        assert_eq!(via(&r, "https://a.example/"), None);
        assert!(via(&r, "https://b.example/").is_some());
        let r = routes(&config.no_proxy("c.example"));
        assert!(via(&r, "https://a.example/").is_some());
        assert_eq!(via(&r, "https://c.example/"), None);
    }

    #[test]
    fn an_explicit_proxy_replaces_the_environment_s_but_keeps_its_no_proxy() {
        let config = ProxyConfig::from_lookup(lookup(&[
            ("https_proxy", "http://env:1"),
            ("http_proxy", "http://env:2"),
            ("NO_PROXY", "internal.example"),
        ]))
        .override_proxy("http://cli:3");
        let r = routes(&config);
        assert_eq!(
            via(&r, "https://api.twilio.com/").as_deref(),
            Some("T http://cli:3")
        );
        assert_eq!(
            via(&r, "http://127.0.0.1:9/").as_deref(),
            Some("F http://cli:3")
        );
        assert_eq!(via(&r, "https://internal.example/"), None);
    }

    fn exempt(no_proxy: &str, host: &str) -> bool {
        let config = ProxyConfig::all("http://proxy:3128").no_proxy(no_proxy);
        via(&routes(&config), &format!("https://{host}/")).is_none()
    }

    #[test]
    fn no_proxy_host_names_cover_the_host_and_its_subdomains_only() {
        assert!(exempt("example.com", "example.com"));
        assert!(exempt("example.com", "api.example.com"));
        assert!(exempt("example.com", "a.b.example.com"));
        assert!(exempt("EXAMPLE.com", "Api.Example.COM"));
        assert!(!exempt("example.com", "badexample.com"));
        assert!(!exempt("example.com", "example.com.evil.test"));
        assert!(!exempt("api.example.com", "example.com"));
        assert!(exempt("localhost", "localhost"));
    }

    #[test]
    fn no_proxy_leading_dots_mean_the_same() {
        assert!(exempt(".example.com", "example.com"));
        assert!(exempt(".example.com", "www.example.com"));
        assert!(!exempt(".example.com", "notexample.com"));
    }

    #[test]
    fn no_proxy_ip_addresses_and_cidr_ranges() {
        assert!(exempt("10.1.2.3", "10.1.2.3"));
        assert!(!exempt("10.1.2.3", "10.1.2.4"));
        assert!(exempt("10.0.0.0/8", "10.200.3.4"));
        assert!(!exempt("10.0.0.0/8", "11.0.0.1"));
        assert!(exempt("127.0.0.0/8", "127.0.0.2"));
        assert!(exempt("::1", "[::1]"));
        assert!(exempt("[::1]", "[::1]"));
        assert!(exempt("fd00::/8", "[fd12::1]"));
        assert!(!exempt("fd00::/8", "[fe80::1]"));
        // An address rule does not cover a name that resolves to it.
        assert!(!exempt("127.0.0.1", "localhost"));
    }

    #[test]
    fn no_proxy_star_exempts_everything_even_ip_addresses() {
        assert!(exempt("*", "api.twilio.com"));
        assert!(exempt("*", "127.0.0.1"));
        assert!(exempt("*", "[::1]"));
        assert!(exempt("foo.example, *", "10.0.0.1"));
        assert!(ProxyConfig::all("http://p:1").no_proxy("*").is_none());
        // Only a lone `*` is a wildcard: it is not a glob.
        assert!(!exempt("*.example.com", "api.example.com"));
    }

    #[test]
    fn no_proxy_lists_may_use_commas_spaces_and_empty_entries() {
        let list = " a.example,,b.example  c.example\t10.0.0.0/8 ,";
        for host in ["a.example", "b.example", "c.example", "10.9.9.9"] {
            assert!(exempt(list, host), "{host}");
        }
        assert!(!exempt(list, "d.example"));
        assert!(!exempt("", "a.example"));
    }

    #[test]
    fn no_proxy_ignores_ports() {
        assert!(exempt("api.example.com", "api.example.com:8443"));
        assert!(exempt("127.0.0.1", "127.0.0.1:8443"));
    }

    #[test]
    fn proxy_urls_are_normalized_as_curl_reads_them() {
        let shown = |url: &str| {
            validate(&Setting {
                value: url.to_owned(),
                from: "test",
            })
            .map(|v| (v.shown, v.url))
            .map_err(|e| e.to_string())
        };
        assert_eq!(
            shown("proxy.corp:3128").unwrap(),
            (
                "http://proxy.corp:3128".to_owned(),
                "http://proxy.corp:3128".to_owned()
            )
        );
        assert_eq!(
            shown("http://proxy.corp").unwrap().0,
            "http://proxy.corp:1080"
        );
        assert_eq!(
            shown("http://proxy.corp:8080/").unwrap().0,
            "http://proxy.corp:8080"
        );
        assert_eq!(
            shown("http://u%40corp:p%3Ass@127.0.0.1:3128").unwrap(),
            (
                "http://127.0.0.1:3128".to_owned(),
                "http://u%40corp:p%3Ass@127.0.0.1:3128".to_owned()
            )
        );
        for (bad, expected) in [
            (
                "https://proxy:443",
                "https:// proxy, which is not supported",
            ),
            (
                "socks5://u:hunter2@proxy:1080",
                "socks5:// proxy, which is not supported",
            ),
            ("http://u:hunter2@proxy:3128/path", "is not a proxy URL"),
            ("http://u:hunter2@proxy:3128/?q", "is not a proxy URL"),
            ("http://u:hunter2@:3128", "is not a proxy URL"),
            ("not a url at all hunter2", "is not a proxy URL"),
            (
                "http://me@corp:hunter2@proxy:3128",
                "percent-encoded, as %40",
            ),
        ] {
            let error = shown(bad).unwrap_err();
            assert!(error.contains(expected), "{bad}: {error}");
            assert!(error.starts_with("test "), "{error}");
            assert!(!error.contains("hunter2"), "{error}");
        }
    }

    #[test]
    fn a_bad_proxy_url_fails_the_setup_and_names_its_variable() {
        let config = ProxyConfig::from_lookup(lookup(&[("HTTPS_PROXY", "socks5://proxy:1080")]));
        let error = Routes::new(&config).unwrap_err();
        assert_eq!(error.kind(), crate::TransportErrorKind::Setup);
        assert!(
            error
                .to_string()
                .starts_with("HTTPS_PROXY names a socks5:// proxy"),
            "{error}"
        );
    }

    #[test]
    fn credentials_go_to_the_proxy_only_and_are_never_shown() {
        let config = ProxyConfig::all("http://alice:s3cr3t@127.0.0.1:3128");
        let Route::Tunnel(target) =
            routes(&config).route(&"https://api.twilio.com/".parse().unwrap())
        else {
            panic!("expected a tunnel");
        };
        let auth = target.auth.unwrap();
        assert!(auth.is_sensitive());
        // base64("alice:s3cr3t")
        assert_eq!(auth, "Basic YWxpY2U6czNjcjN0");
        assert_eq!(target.shown, "http://127.0.0.1:3128");
        let debug = format!("{config:?}");
        assert!(
            !debug.contains("s3cr3t") && !debug.contains("alice"),
            "{debug}"
        );
        assert!(
            debug.contains("http://127.0.0.1:3128 (from the proxy URL)"),
            "{debug}"
        );
    }

    #[test]
    fn connect_answers_give_their_status() {
        let head = |bytes: &[u8]| {
            Head {
                dialed: true,
                bytes: bytes.to_vec(),
            }
            .status()
        };
        assert_eq!(head(b"HTTP/1.1 403 Forbidden\r\n"), Some(403));
        assert_eq!(
            head(b"HTTP/1.0 407 Proxy Authentication Required\r\nX"),
            Some(407)
        );
        assert_eq!(head(b"HTTP/1.1 502 Bad Gateway"), None, "no full line yet");
        assert_eq!(head(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(head(b"HTTP/1.1 2000 OK\r\n"), None);
        assert_eq!(head(b""), None);
    }
}
