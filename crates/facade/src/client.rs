//! The client: credentials, where the API lives, and the transport that reaches it.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use http::{HeaderMap, HeaderValue, header};
use secrecy::{ExposeSecret, SecretString};
use twilio_model::{AccountSid, ApiKeySid};
use twilio_transport::{
    CertEnv, HttpTransport, HyperTransport, LimitPolicy, LimitTransport, Limiter, ProxyConfig,
    RetryEvent, RetryPolicy, RetryTransport, RootStore,
};

use crate::Error;

/// The default API origin.
pub const DEFAULT_BASE_URL: &str = "https://api.twilio.com";

/// The `User-Agent` this library sends, after the official SDKs' format:
/// `twilio-rust/{version} ({os} {arch})`, e.g. `twilio-rust/0.1.0 (linux x86_64)`.
pub fn user_agent() -> String {
    format!(
        "twilio-rust/{} ({} {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// How the client authenticates: HTTP Basic with either the account's auth token or an API
/// key and its secret. The secret is never shown by `Debug`.
#[derive(Clone)]
enum Credentials {
    AuthToken {
        token: SecretString,
    },
    ApiKey {
        key_sid: ApiKeySid,
        secret: SecretString,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AuthToken { .. } => f
                .debug_struct("AuthToken")
                .field("token", &"[redacted]")
                .finish(),
            Self::ApiKey { key_sid, .. } => f
                .debug_struct("ApiKey")
                .field("key_sid", key_sid)
                .field("secret", &"[redacted]")
                .finish(),
        }
    }
}

/// A Twilio REST API client. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), twilio_api::Error> {
/// use futures::TryStreamExt as _;
///
/// let client = twilio_api::Client::from_env()?;
/// let call: twilio_api::CallSid = "CA0123456789abcdef0123456789abcdef".parse()?;
/// let mut events = client.call(call).events().list().stream();
/// while let Some(event) = events.try_next().await? {
///     println!("{:?}", event.request.as_ref().and_then(|r| r.url.as_deref()));
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    /// The limits the default transport's requests share, when it has them.
    limiter: Option<Limiter>,
    account_sid: AccountSid,
    credentials: Credentials,
    /// The origin of `api` (2010-04-01).
    base_url: String,
    /// Where each product's requests go.
    hosts: Hosts,
    transport: Arc<dyn HttpTransport>,
    /// Sent with every request: `Authorization` (marked sensitive), `User-Agent`, `Accept`.
    headers: HeaderMap,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("account_sid", &self.inner.account_sid)
            .field("credentials", &self.inner.credentials)
            .field("base_url", &self.inner.base_url)
            .field("transport", &self.inner.transport)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment, as the official SDKs read it:
    /// `TWILIO_ACCOUNT_SID`, then `TWILIO_API_KEY` + `TWILIO_API_SECRET` (preferred when both
    /// are set) or `TWILIO_AUTH_TOKEN`, and `TWILIO_REGION` / `TWILIO_EDGE`.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The account this client acts for by default (the credential's own account).
    pub fn account_sid(&self) -> &AccountSid {
        &self.inner.account_sid
    }

    /// The origin 2010-04-01 requests go to, e.g. `https://api.twilio.com` (see
    /// [`Client::origin`] for every product's).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The origin the requests of the product whose host starts with `host` go to: its
    /// Twilio host with the region and edge applied (`verify` →
    /// `https://verify.dublin.ie1.twilio.com`), or the base URL override for every product.
    ///
    /// ```
    /// # fn main() -> Result<(), twilio_api::Error> {
    /// let client = twilio_api::Client::builder()
    ///     .auth_token("AC0123456789abcdef0123456789abcdef".parse()?, "token")
    ///     .region("ie1")
    ///     .edge("dublin")
    ///     .build()?;
    /// assert_eq!(client.origin("verify"), "https://verify.dublin.ie1.twilio.com");
    /// assert_eq!(client.origin("api"), client.base_url());
    /// # Ok(()) }
    /// ```
    pub fn origin(&self, host: &str) -> String {
        self.inner.hosts.origin(host)
    }

    /// The limits every request of this client shares (see [`ClientBuilder::max_in_flight`]):
    /// its window, requests in flight and pause. `None` when the client has no limiter (one
    /// given its own transport, or built with [`ClientBuilder::no_limits`]).
    pub fn limiter(&self) -> Option<&Limiter> {
        self.inner.limiter.as_ref()
    }

    pub(crate) fn transport(&self) -> Arc<dyn HttpTransport> {
        Arc::clone(&self.inner.transport)
    }

    pub(crate) fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }
}

/// Configures a [`Client`].
///
/// ```
/// use twilio_api::{AccountSid, Client};
///
/// let account: AccountSid = "AC0123456789abcdef0123456789abcdef".parse()?;
/// let client = Client::builder()
///     .auth_token(account, "the auth token")
///     .region("ie1")
///     .edge("dublin")
///     .build()?;
/// assert_eq!(client.base_url(), "https://api.dublin.ie1.twilio.com");
/// assert!(!format!("{client:?}").contains("the auth token"));
/// # Ok::<(), twilio_api::Error>(())
/// ```
///
/// Networks: unless told otherwise, [`build`](Self::build) reads the proxies from the
/// environment as curl does (`https_proxy`, `http_proxy`, `all_proxy`, `no_proxy`; see
/// [`ProxyConfig::from_lookup`]) and `SSL_CERT_FILE` / `SSL_CERT_DIR` as OpenSSL-based tools
/// do (see [`RootStore`]); [`ClientBuilder::from_lookup`] reads them through its lookup
/// instead. [`proxy`](Self::proxy), [`no_proxy`](Self::no_proxy) and
/// [`proxies`](Self::proxies) override the environment's proxies.
#[derive(Clone, Default)]
#[must_use = "a ClientBuilder does nothing until `.build()` is called"]
pub struct ClientBuilder {
    account_sid: Option<AccountSid>,
    credentials: Option<Credentials>,
    region: Option<String>,
    edge: Option<String>,
    base_url: Option<String>,
    transport: Option<Arc<dyn HttpTransport>>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    /// The proxy and certificate variables, when read through a lookup; `None` reads the
    /// process environment at build time.
    environment: Option<Environment>,
    proxy: ProxyChoice,
    root_store: Option<RootStore>,
    extra_roots: Vec<ExtraRoot>,
    on_retry: Vec<Arc<RetryCallback>>,
    wrappers: Vec<Arc<TransportWrapper>>,
    limits: LimitChoice,
}

/// What limits the default transport's requests share.
#[derive(Debug, Clone, Default)]
enum LimitChoice {
    /// The default [`LimitPolicy`], adjusted by the builder.
    #[default]
    Default,
    /// This policy.
    Policy(LimitPolicy),
    /// This limiter, shared with others.
    Shared(Limiter),
    /// None.
    Off,
}

type RetryCallback = dyn Fn(&RetryEvent) + Send + Sync;
type TransportWrapper = dyn Fn(Arc<dyn HttpTransport>) -> Arc<dyn HttpTransport> + Send + Sync;

/// The network settings of the environment.
#[derive(Debug, Clone)]
struct Environment {
    proxies: ProxyConfig,
    certificates: CertEnv,
}

impl Environment {
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            proxies: ProxyConfig::from_lookup(&lookup),
            certificates: CertEnv::from_lookup(&lookup),
        }
    }

    fn from_process() -> Self {
        Self {
            proxies: ProxyConfig::from_env(),
            certificates: CertEnv::from_env(),
        }
    }
}

/// Which proxies the client uses.
#[derive(Debug, Clone, Default)]
enum ProxyChoice {
    /// The environment's.
    #[default]
    Environment,
    /// This URL for everything, with the environment's `no_proxy` (as curl's `--proxy`).
    Url(String),
    /// Exactly this configuration.
    Config(ProxyConfig),
}

/// A certificate to trust on top of the roots.
#[derive(Debug, Clone)]
enum ExtraRoot {
    Der(Vec<u8>),
    Pem(Vec<u8>),
    File(PathBuf),
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("account_sid", &self.account_sid)
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("edge", &self.edge)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("environment", &self.environment)
            .field(
                "proxy",
                &match &self.proxy {
                    ProxyChoice::Url(url) => ProxyChoice::Config(ProxyConfig::all(url.clone())),
                    other => other.clone(),
                },
            )
            .field("root_store", &self.root_store)
            .field("extra_roots", &self.extra_roots.len())
            .field("on_retry", &self.on_retry.len())
            .field("wrappers", &self.wrappers.len())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Reads `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_API_KEY`, `TWILIO_API_SECRET`,
    /// `TWILIO_REGION` and `TWILIO_EDGE`; further settings can follow before `build()`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Like [`ClientBuilder::from_env`], reading variables through `lookup` (for tests and
    /// for configuration systems other than the process environment), the proxy and
    /// certificate variables included.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let account_sid = lookup("TWILIO_ACCOUNT_SID")
            .ok_or_else(|| Error::invalid_input("TWILIO_ACCOUNT_SID is not set"))?;
        let account_sid = parse_sid::<AccountSid>("TWILIO_ACCOUNT_SID", &account_sid)?;
        let mut builder = Self {
            environment: Some(Environment::from_lookup(&lookup)),
            ..Self::default()
        };
        builder = match (
            lookup("TWILIO_API_KEY"),
            lookup("TWILIO_API_SECRET"),
            lookup("TWILIO_AUTH_TOKEN"),
        ) {
            (Some(key), Some(secret), _) => {
                let key = parse_sid::<ApiKeySid>("TWILIO_API_KEY", &key)?;
                builder.api_key(account_sid, key, secret)
            }
            (Some(_), None, _) => {
                return Err(Error::invalid_input(
                    "TWILIO_API_KEY is set but TWILIO_API_SECRET is not",
                ));
            }
            (None, _, Some(token)) => builder.auth_token(account_sid, token),
            (None, _, None) => {
                return Err(Error::invalid_input(
                    "no credentials: set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET",
                ));
            }
        };
        if let Some(region) = lookup("TWILIO_REGION") {
            builder = builder.region(region);
        }
        if let Some(edge) = lookup("TWILIO_EDGE") {
            builder = builder.edge(edge);
        }
        Ok(builder)
    }

    /// Authenticates as `account_sid` with its auth token.
    pub fn auth_token(mut self, account_sid: AccountSid, token: impl Into<String>) -> Self {
        self.account_sid = Some(account_sid);
        self.credentials = Some(Credentials::AuthToken {
            token: SecretString::from(token.into()),
        });
        self
    }

    /// Authenticates with an API key (`SK…`) and its secret, acting for `account_sid`.
    pub fn api_key(
        mut self,
        account_sid: AccountSid,
        key_sid: ApiKeySid,
        secret: impl Into<String>,
    ) -> Self {
        self.account_sid = Some(account_sid);
        self.credentials = Some(Credentials::ApiKey {
            key_sid,
            secret: SecretString::from(secret.into()),
        });
        self
    }

    /// The Twilio region, e.g. `ie1` (host `api.{region}.twilio.com`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The Twilio edge location, e.g. `dublin` (host `api.{edge}.{region}.twilio.com`; an edge
    /// without a region means region `us1`, as the official SDKs do).
    pub fn edge(mut self, edge: impl Into<String>) -> Self {
        self.edge = Some(edge.into());
        self
    }

    /// Sends requests to this origin instead (a proxy, a test server, the sandbox). It wins
    /// over region and edge. `http://` is accepted for loopback hosts only.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Uses this transport instead of the default (HTTPS with retries). Timeout and retry
    /// settings of this builder then do not apply: configure them on the transport.
    pub fn transport(mut self, transport: Arc<dyn HttpTransport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The time one request attempt may take, connect and whole body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a failed request is retried where its retry safety allows it (default 3;
    /// 0 disables retries).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Sends every request through the HTTP proxy at `url`
    /// (`http://[user:password@]host[:port]`), whatever the environment's proxy variables
    /// say; the environment's `no_proxy` still applies, as with curl's `--proxy`. `https://`
    /// goes through a `CONNECT` tunnel (the proxy never sees the credentials); the proxy's own
    /// credentials go to it only, and are never shown.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = ProxyChoice::Url(url.into());
        self
    }

    /// Sends every request straight to its server, whatever the environment says.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyChoice::Config(ProxyConfig::none());
        self
    }

    /// Uses exactly these proxy rules (for instance `ProxyConfig::all(url).no_proxy(list)`),
    /// ignoring the environment's.
    pub fn proxies(mut self, proxies: ProxyConfig) -> Self {
        self.proxy = ProxyChoice::Config(proxies);
        self
    }

    /// The root certificates to start from: [`RootStore::Bundled`] (the Mozilla roots in
    /// the binary, the default) or [`RootStore::System`] (the operating system's store; cargo
    /// feature `native-roots`). `SSL_CERT_FILE` / `SSL_CERT_DIR` replace either when set.
    pub fn root_store(mut self, store: RootStore) -> Self {
        self.root_store = Some(store);
        self
    }

    /// Also trusts this DER-encoded root certificate (a private CA, a TLS-intercepting
    /// proxy's CA). Checked by [`build`](Self::build).
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(ExtraRoot::Der(der.into()));
        self
    }

    /// Also trusts every certificate of this PEM text. [`build`](Self::build) fails if it
    /// holds none or an invalid one.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(ExtraRoot::Pem(pem.into()));
        self
    }

    /// Also trusts the certificates of this file (a PEM bundle or one DER certificate).
    /// [`build`](Self::build) fails, naming the file, if it cannot be read or holds no valid
    /// certificate.
    pub fn add_root_certificate_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.extra_roots.push(ExtraRoot::File(path.into()));
        self
    }

    /// Calls `callback` before each retry with what failed, the attempt and the delay (see
    /// [`RetryTransport::on_retry`]); for metrics or your own logs. Every retry is also a
    /// `tracing` INFO event. Applies to the default transport only.
    ///
    /// ```
    /// # fn main() -> Result<(), twilio_api::Error> {
    /// let account: twilio_api::AccountSid = "AC0123456789abcdef0123456789abcdef".parse()?;
    /// let client = twilio_api::Client::builder()
    ///     .auth_token(account, "token")
    ///     .on_retry(|retry| eprintln!("retry {} after {:?}: {}", retry.attempt.number(), retry.delay, retry.reason))
    ///     .build()?;
    /// # drop(client);
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_retry(mut self, callback: impl Fn(&RetryEvent) + Send + Sync + 'static) -> Self {
        self.on_retry.push(Arc::new(callback));
        self
    }

    /// Wraps the transport the client would otherwise use (the default one, with this
    /// builder's proxies, roots, timeout and retries, or the one given to
    /// [`transport`](Self::transport)) in one of your own: `wrap` gets it and returns the
    /// transport requests go through. For a rate limit shared by every request, metrics,
    /// extra tracing, or answering some requests yourself. Several wraps nest in order: the
    /// last one is the outermost.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// use twilio_api::{HttpTransport, TransportError};
    ///
    /// /// Logs each request's path, then hands it on.
    /// #[derive(Debug)]
    /// struct Logged(Arc<dyn HttpTransport>);
    ///
    /// #[async_trait::async_trait]
    /// impl HttpTransport for Logged {
    ///     async fn send(
    ///         &self,
    ///         request: http::Request<bytes::Bytes>,
    ///     ) -> Result<http::Response<bytes::Bytes>, TransportError> {
    ///         eprintln!("GET {}", request.uri().path());
    ///         self.0.send(request).await
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), twilio_api::Error> {
    /// let client = twilio_api::Client::builder()
    ///     .auth_token("AC0123456789abcdef0123456789abcdef".parse()?, "token")
    ///     .wrap_transport(|inner| Arc::new(Logged(inner)))
    ///     .build()?;
    /// # drop(client);
    /// # Ok(())
    /// # }
    /// ```
    pub fn wrap_transport(
        mut self,
        wrap: impl Fn(Arc<dyn HttpTransport>) -> Arc<dyn HttpTransport> + Send + Sync + 'static,
    ) -> Self {
        self.wrappers.push(Arc::new(wrap));
        self
    }

    /// The most requests of this client in flight at once (default 100, Twilio's default
    /// concurrency limit for an account). The default transport shares one [`Limiter`]
    /// between every request of the client: on a 429 every request pauses for its
    /// `Retry-After` and the window halves, then grows back one answer at a time, instead of
    /// each request retrying on its own (see [`twilio_transport::LimitTransport`]).
    pub fn max_in_flight(mut self, max: usize) -> Self {
        let policy = self.limit_policy().max_in_flight(max);
        self.limits = LimitChoice::Policy(policy);
        self
    }

    /// At most `per_second` requests of this client start each second, evenly spaced (no
    /// rate by default): an account's or a sender's known rate, kept by the whole client.
    pub fn rate_limit(mut self, per_second: f64) -> Self {
        let policy = self.limit_policy().rate(Some(per_second));
        self.limits = LimitChoice::Policy(policy);
        self
    }

    /// Shares `limiter` with this client: clients built with the same limiter (say, one per
    /// subaccount of one account) keep its limits together.
    pub fn limiter(mut self, limiter: Limiter) -> Self {
        self.limits = LimitChoice::Shared(limiter);
        self
    }

    /// No limiter: each request only retries on its own. For a transport that limits
    /// already, or a test that counts raw requests.
    pub fn no_limits(mut self) -> Self {
        self.limits = LimitChoice::Off;
        self
    }

    fn limit_policy(&self) -> LimitPolicy {
        match &self.limits {
            LimitChoice::Policy(policy) => policy.clone(),
            LimitChoice::Shared(limiter) => limiter.policy().clone(),
            LimitChoice::Default | LimitChoice::Off => LimitPolicy::default(),
        }
    }

    /// Builds the client. Fails if credentials are missing or a setting is invalid.
    pub fn build(self) -> Result<Client, Error> {
        let (Some(account_sid), Some(credentials)) = (self.account_sid, self.credentials) else {
            return Err(Error::invalid_input(
                "no credentials: call auth_token(..) or api_key(..)",
            ));
        };
        let hosts = match self.base_url {
            Some(url) => Hosts::override_with(&url)?,
            None => Hosts::twilio(self.region, self.edge)?,
        };
        let base_url = hosts.origin("api");
        let mut limiter = None;
        let transport: Arc<dyn HttpTransport> = match self.transport {
            Some(transport) => transport,
            None => {
                let environment = self.environment.unwrap_or_else(Environment::from_process);
                let proxies = match self.proxy {
                    ProxyChoice::Environment => environment.proxies,
                    ProxyChoice::Url(url) => environment.proxies.override_proxy(url),
                    ProxyChoice::Config(config) => config,
                };
                let mut hyper = HyperTransport::builder()
                    .proxies(proxies)
                    .cert_env(environment.certificates);
                if let Some(timeout) = self.timeout {
                    hyper = hyper.timeout(timeout);
                }
                if let Some(store) = self.root_store {
                    hyper = hyper.root_store(store);
                }
                for root in self.extra_roots {
                    hyper = match root {
                        ExtraRoot::Der(der) => hyper.add_root_certificate(der),
                        ExtraRoot::Pem(pem) => hyper.add_root_certificates_pem(pem),
                        ExtraRoot::File(path) => hyper.add_root_certificate_file(path),
                    };
                }
                let hyper = hyper.build().map_err(|source| Error::Setup {
                    source: Box::new(source),
                })?;
                let mut policy = RetryPolicy::default();
                if let Some(max_retries) = self.max_retries {
                    policy = policy.max_retries(max_retries);
                }
                let shared = match self.limits {
                    LimitChoice::Off => None,
                    LimitChoice::Shared(shared) => Some(shared),
                    LimitChoice::Policy(policy) => Some(Limiter::new(policy)),
                    LimitChoice::Default => Some(Limiter::new(LimitPolicy::default())),
                };
                let attempt: Arc<dyn HttpTransport> = match &shared {
                    Some(shared) => Arc::new(LimitTransport::new(hyper, shared.clone())),
                    None => Arc::new(hyper),
                };
                limiter = shared;
                let mut retry = RetryTransport::new(attempt).with_policy(policy);
                for callback in self.on_retry {
                    retry = retry.on_retry(move |event| callback(event));
                }
                Arc::new(retry)
            }
        };
        let transport = self
            .wrappers
            .iter()
            .fold(transport, |transport, wrap| wrap(transport));
        let headers = default_headers(&account_sid, &credentials)?;
        Ok(Client {
            inner: Arc::new(Inner {
                limiter,
                account_sid,
                credentials,
                base_url,
                hosts,
                transport,
                headers,
            }),
        })
    }
}

fn parse_sid<T>(what: &str, value: &str) -> Result<T, Error>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    value
        .parse()
        .map_err(|e| Error::invalid_input_because(what, e))
}

/// Where each product's requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Hosts {
    /// Twilio's hosts: `https://{product}[.{edge}][.{region}].twilio.com`.
    Twilio {
        region: Option<String>,
        edge: Option<String>,
    },
    /// One origin for every product (a mock, a proxy of one's own), except on `localhost`.
    Override {
        /// The base URL, normalised to its origin.
        origin: String,
        /// For a base URL on `localhost`, its scheme and `:port` (or nothing): each product
        /// `{label}` then goes to `{scheme}://{label}.localhost{port}` (RFC 6761: the
        /// transport resolves it to loopback), which is how the sandbox tells products
        /// apart; 2010-04-01 (`api`) stays on the base URL itself, as it always has.
        per_product: Option<(String, String)>,
    },
}

impl Hosts {
    /// Twilio's hosts with `region` and `edge` (each checked to be a host label).
    fn twilio(region: Option<String>, edge: Option<String>) -> Result<Self, Error> {
        for (what, value) in [("region", &region), ("edge", &edge)] {
            if let Some(value) = value {
                let valid = !value.is_empty()
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-');
                if !valid {
                    return Err(Error::invalid_input(format!(
                        "{what} {value:?} is not a valid host label"
                    )));
                }
            }
        }
        Ok(Self::Twilio { region, edge })
    }

    /// Every product on the origin of `url`, or on `{label}.localhost` when its host is
    /// `localhost` (see [`Hosts::Override`]).
    fn override_with(url: &str) -> Result<Self, Error> {
        let (scheme, host, port) = base_url_parts(url)?;
        let origin = format!("{scheme}://{host}{port}");
        let per_product = host
            .eq_ignore_ascii_case("localhost")
            .then(|| (scheme.to_owned(), port.clone()));
        Ok(Self::Override {
            origin,
            per_product,
        })
    }

    /// The origin of the product whose host starts with `host` (`api`, `verify`): an edge
    /// without a region means region `us1`, as the official SDKs do.
    fn origin(&self, host: &str) -> String {
        match self {
            Self::Override {
                per_product: Some((scheme, port)),
                ..
            } if host != "api" => format!("{scheme}://{host}.localhost{port}"),
            Self::Override { origin, .. } => origin.clone(),
            Self::Twilio { region, edge } => match (region, edge) {
                (None, None) => format!("https://{host}.twilio.com"),
                (Some(region), None) => format!("https://{host}.{region}.twilio.com"),
                (region, Some(edge)) => format!(
                    "https://{host}.{edge}.{}.twilio.com",
                    region.as_deref().unwrap_or("us1")
                ),
            },
        }
    }
}

/// Checks a base URL override and strips a trailing slash: an `https://` origin, or
/// `http://` to a loopback host (credentials never travel in clear text elsewhere), with no
/// `user:password@`, path or query. Errors never echo the URL: it may hold credentials.
/// A base URL checked to be an origin (no path, query, fragment or credentials; `http://` for
/// loopback only), as its scheme, host and `:port` (empty when it has none).
fn base_url_parts(url: &str) -> Result<(&'static str, String, String), Error> {
    let uri: http::Uri = url
        .parse()
        .map_err(|_| Error::invalid_input("the base URL is not a valid URI"))?;
    let Some(authority) = uri.authority() else {
        return Err(Error::invalid_input(
            "the base URL must be an origin such as https://api.twilio.com",
        ));
    };
    if authority.as_str().contains('@') {
        return Err(Error::invalid_input(
            "the base URL must not contain credentials (user:password@); use the builder's \
             auth_token or api_key",
        ));
    }
    if authority.port_u16() == Some(0) {
        return Err(Error::invalid_input(
            "the base URL's port is 0, which no server listens on",
        ));
    }
    let host = authority.host();
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if twilio_transport::is_loopback_host(host) => {}
        Some("http") => {
            return Err(Error::invalid_input(format!(
                "the base URL may use http:// only for a loopback host, not {host:?}; use https://"
            )));
        }
        _ => {
            return Err(Error::invalid_input(
                "the base URL must start with https:// (or http:// for a loopback host)",
            ));
        }
    }
    // `http::Uri` drops a `#fragment` silently: refuse it rather than build on a URL that
    // does not say what it seems to.
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() || url.contains('#') {
        return Err(Error::invalid_input(
            "the base URL must be an origin such as https://api.twilio.com, without a path",
        ));
    }
    let scheme = if uri.scheme_str() == Some("http") {
        "http"
    } else {
        "https"
    };
    let port = authority
        .port()
        .map_or_else(String::new, |port| format!(":{port}"));
    Ok((scheme, host.to_owned(), port))
}

/// A base URL as the origin every request is sent to (see [`base_url_parts`]).
#[cfg(test)]
fn normalize_base_url(url: &str) -> Result<String, Error> {
    let (scheme, host, port) = base_url_parts(url)?;
    Ok(format!("{scheme}://{host}{port}"))
}

fn default_headers(
    account_sid: &AccountSid,
    credentials: &Credentials,
) -> Result<HeaderMap, Error> {
    let (user, password) = match credentials {
        Credentials::AuthToken { token } => (account_sid.as_ref(), token.expose_secret()),
        Credentials::ApiKey { key_sid, secret } => (key_sid.as_ref(), secret.expose_secret()),
    };
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut authorization = HeaderValue::try_from(format!("Basic {encoded}"))
        .map_err(|_| Error::invalid_input("the credentials cannot form an HTTP header"))?;
    authorization.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(header::AUTHORIZATION, authorization);
    let user_agent = HeaderValue::try_from(user_agent())
        .map_err(|_| Error::invalid_input("the User-Agent is not a valid header"))?;
    headers.insert(header::USER_AGENT, user_agent);
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AC: &str = "AC0123456789abcdef0123456789abcdef";
    const SK: &str = "SK0123456789abcdef0123456789abcdef";

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn hosts_follow_region_and_edge_for_every_product() {
        let hosts = |region: Option<&str>, edge: Option<&str>| {
            Hosts::twilio(region.map(str::to_owned), edge.map(str::to_owned))
        };
        let api = |region, edge| hosts(region, edge).unwrap().origin("api");
        assert_eq!(api(None, None), "https://api.twilio.com");
        assert_eq!(api(None, None), DEFAULT_BASE_URL);
        assert_eq!(api(Some("ie1"), None), "https://api.ie1.twilio.com");
        assert_eq!(
            api(None, Some("sydney")),
            "https://api.sydney.us1.twilio.com"
        );
        assert_eq!(
            api(Some("au1"), Some("sydney")),
            "https://api.sydney.au1.twilio.com"
        );
        let verify = hosts(Some("ie1"), Some("dublin")).unwrap();
        assert_eq!(
            verify.origin("verify"),
            "https://verify.dublin.ie1.twilio.com"
        );
        assert_eq!(
            verify.origin("flex-api"),
            "https://flex-api.dublin.ie1.twilio.com"
        );
        assert!(hosts(Some("evil.com/x"), None).is_err());
        assert!(hosts(None, Some("")).is_err());
        let one = Hosts::override_with("http://127.0.0.1:8080").unwrap();
        assert_eq!(one.origin("verify"), "http://127.0.0.1:8080");
        assert_eq!(one.origin("api"), "http://127.0.0.1:8080");
    }

    #[test]
    fn a_localhost_base_url_sends_each_product_to_its_own_name_under_localhost() {
        let hosts = Hosts::override_with("http://localhost:8080").unwrap();
        assert_eq!(hosts.origin("api"), "http://localhost:8080");
        assert_eq!(hosts.origin("verify"), "http://verify.localhost:8080");
        assert_eq!(hosts.origin("flex-api"), "http://flex-api.localhost:8080");
        let hosts = Hosts::override_with("https://localhost").unwrap();
        assert_eq!(hosts.origin("preview-iam"), "https://preview-iam.localhost");
        // Any other origin takes every product.
        let hosts = Hosts::override_with("http://127.0.0.1:8080").unwrap();
        assert_eq!(hosts.origin("verify"), "http://127.0.0.1:8080");
        let hosts = Hosts::override_with("https://localhost.example").unwrap();
        assert_eq!(hosts.origin("verify"), "https://localhost.example");
        let hosts = Hosts::override_with("http://sub.localhost:8080").unwrap();
        assert_eq!(hosts.origin("verify"), "http://sub.localhost:8080");
        // The host compared as a host, whatever its case; a trailing slash is no path.
        let hosts = Hosts::override_with("http://LocalHost:9/").unwrap();
        assert_eq!(hosts.origin("api"), "http://LocalHost:9");
        assert_eq!(hosts.origin("verify"), "http://verify.localhost:9");
        let hosts = Hosts::twilio(Some("ie1".into()), Some("dublin".into())).unwrap();
        assert_eq!(
            hosts.origin("verify"),
            "https://verify.dublin.ie1.twilio.com"
        );
    }

    #[test]
    fn base_url_must_be_an_origin() {
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            normalize_base_url("https://proxy.example:8443").unwrap(),
            "https://proxy.example:8443"
        );
        assert_eq!(
            normalize_base_url("http://localhost:1").unwrap(),
            "http://localhost:1"
        );
        assert!(normalize_base_url("ftp://x").is_err());
        assert!(normalize_base_url("https://x/2010-04-01").is_err());
        assert!(normalize_base_url("not a url").is_err());
        assert!(normalize_base_url("https://x#frag").is_err());
        assert!(normalize_base_url("https://x/#").is_err());
        for port_0 in [
            "http://127.0.0.1:0",
            "https://api.twilio.com:0/",
            "https://x:00",
        ] {
            let err = normalize_base_url(port_0).unwrap_err();
            assert!(
                err.is_invalid_input() && err.to_string().contains("port"),
                "{err}"
            );
        }
        let cleartext = normalize_base_url("http://api.example.com").unwrap_err();
        assert!(cleartext.to_string().contains("loopback"), "{cleartext}");
        for with_credentials in [
            "https://AC1:s3cret@api.twilio.com",
            "http://u:s3cret@127.0.0.1:9",
        ] {
            let err = normalize_base_url(with_credentials).unwrap_err();
            assert!(err.is_invalid_input());
            assert!(!format!("{err} {err:?}").contains("s3cret"), "{err:?}");
        }
    }

    #[test]
    fn api_key_wins_over_auth_token() {
        let builder = ClientBuilder::from_lookup(env(&[
            ("TWILIO_ACCOUNT_SID", AC),
            ("TWILIO_AUTH_TOKEN", "token-secret"),
            ("TWILIO_API_KEY", SK),
            ("TWILIO_API_SECRET", "key-secret"),
        ]))
        .unwrap();
        let client = builder.build().unwrap();
        let expected = base64::engine::general_purpose::STANDARD.encode(format!("{SK}:key-secret"));
        let auth = client.headers().get(header::AUTHORIZATION).unwrap();
        assert!(auth.is_sensitive());
        assert_eq!(auth.to_str().unwrap(), format!("Basic {expected}"));
    }

    #[test]
    fn env_requires_credentials_and_valid_sids() {
        let err = ClientBuilder::from_lookup(env(&[("TWILIO_ACCOUNT_SID", AC)])).unwrap_err();
        assert!(err.to_string().contains("TWILIO_AUTH_TOKEN"), "{err}");
        let err = ClientBuilder::from_lookup(env(&[
            ("TWILIO_ACCOUNT_SID", "ACnope"),
            ("TWILIO_AUTH_TOKEN", "t"),
        ]))
        .unwrap_err();
        assert!(err.is_invalid_input());
        assert_eq!(err.to_string(), "invalid input: TWILIO_ACCOUNT_SID");
        // The typed cause is kept, and it names the value.
        let source = std::error::Error::source(&err).unwrap();
        let sid_error = source.downcast_ref::<twilio_model::SidError>().unwrap();
        assert_eq!(sid_error.value(), "ACnope");
        let err =
            ClientBuilder::from_lookup(env(&[("TWILIO_ACCOUNT_SID", AC), ("TWILIO_API_KEY", SK)]))
                .unwrap_err();
        assert!(err.to_string().contains("TWILIO_API_SECRET"), "{err}");
    }

    #[test]
    fn env_reads_region_and_edge() {
        let client = ClientBuilder::from_lookup(env(&[
            ("TWILIO_ACCOUNT_SID", AC),
            ("TWILIO_AUTH_TOKEN", "t"),
            ("TWILIO_EDGE", "dublin"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.base_url(), "https://api.dublin.us1.twilio.com");
    }

    #[test]
    fn secrets_never_reach_debug() {
        let account: AccountSid = AC.parse().unwrap();
        let key: ApiKeySid = SK.parse().unwrap();
        for builder in [
            Client::builder().auth_token(account.clone(), "s3cr3t-token"),
            Client::builder().api_key(account.clone(), key.clone(), "s3cr3t-token"),
        ] {
            let builder_debug = format!("{builder:?}");
            let client = builder.build().unwrap();
            let authorization = client.headers()[header::AUTHORIZATION].to_str().unwrap();
            let encoded = authorization.trim_start_matches("Basic ").to_owned();
            let client_debug = format!("{client:?} {:?}", client.headers());
            for text in [builder_debug, client_debug] {
                assert!(!text.contains("s3cr3t-token"), "{text}");
                assert!(!text.contains(&encoded), "{text}");
                assert!(
                    text.contains("[redacted]") || text.contains("Sensitive"),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn user_agent_names_the_library() {
        let ua = user_agent();
        assert!(
            ua.starts_with(concat!("twilio-rust/", env!("CARGO_PKG_VERSION"), " (")),
            "{ua}"
        );
    }
}
