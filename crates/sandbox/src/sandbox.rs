//! The public handle: [`SandboxBuilder`], [`Sandbox`] and what they report.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::callback::{WebhookDelivery, WebhookState, WebhookTarget, deliver};
use crate::error::SandboxError;
use crate::fault::Faults;
use crate::server::serve;
use crate::server::tls::Tls;
use crate::state::{Counters, Products, RecordedRequest, RequestLog, Shared};
use crate::store::Site;
use crate::store::call_events::CallEvents;
use crate::store::data::Dataset;
use crate::store::page::PageCache;
use crate::store::path_values::{PathValues, PathValuesError};
use crate::store::render::Templates;
use crate::store::rng::hash;
use crate::store::routes::Route;
use crate::store::world::World;
use crate::store::written::{DEFAULT_WRITTEN_ITEMS, Written};

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 42;
/// The number of generated calls when none is given: three pages of `Calls.json` at the
/// default page size (the first call, the README's, is the same whatever the number).
pub const DEFAULT_CALLS: u64 = 120;
/// The most generated calls a sandbox accepts (`calls` + `call_with_events`).
pub const MAX_CALLS: u64 = 100_000;
/// The number of messages when none is given: three pages of `Messages.json`.
pub const DEFAULT_MESSAGES: u64 = 130;
/// The most messages a sandbox accepts.
pub const MAX_MESSAGES: u64 = 100_000;
/// The default byte budget of the rendered-page cache.
pub const DEFAULT_PAGE_CACHE_BYTES: usize = 256 * 1024 * 1024;
/// The default number of requests kept in the request log.
pub const DEFAULT_REQUEST_LOG: usize = 4096;

/// Configures and starts a [`Sandbox`]. Created by [`Sandbox::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct SandboxBuilder {
    seed: u64,
    calls: u64,
    exact: Vec<u64>,
    messages: u64,
    latency: Duration,
    bind: SocketAddr,
    page_cache_bytes: usize,
    request_log: usize,
    webhook_url: Option<String>,
    tls: bool,
    limit: crate::AccountLimit,
    written_items: usize,
    callback_hosts: Vec<String>,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            calls: DEFAULT_CALLS,
            exact: Vec::new(),
            messages: DEFAULT_MESSAGES,
            latency: Duration::ZERO,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            page_cache_bytes: DEFAULT_PAGE_CACHE_BYTES,
            request_log: DEFAULT_REQUEST_LOG,
            webhook_url: None,
            tls: false,
            limit: crate::AccountLimit::none(),
            written_items: DEFAULT_WRITTEN_ITEMS,
            callback_hosts: Vec::new(),
        }
    }
}

impl SandboxBuilder {
    /// The seed all data and credentials derive from (default [`DEFAULT_SEED`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How many calls to generate, each with 1..=120 events derived from the seed
    /// (default [`DEFAULT_CALLS`]). Their recordings, notifications and transcriptions, and
    /// the calls of conferences and queues, derive from them; memory grows with them
    /// (about 9 KiB per call: 100,000 calls take about 0.9 GiB).
    pub fn calls(mut self, calls: u64) -> Self {
        self.calls = calls;
        self
    }

    /// Adds one call with exactly `events` events (0 is allowed: an empty list). Repeatable;
    /// these calls come after the generated ones in [`Sandbox::call_sids`], in the order added.
    pub fn call_with_events(mut self, events: u64) -> Self {
        self.exact.push(events);
        self
    }

    /// How many messages `Messages.json` lists (default [`DEFAULT_MESSAGES`]); about a
    /// quarter are MMS with 1 to 3 media each.
    pub fn messages(mut self, messages: u64) -> Self {
        self.messages = messages;
        self
    }

    /// Waits this long before sending each response's headers (default none).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, any free port); must be loopback.
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// The byte budget of the cache of rendered pages (default
    /// [`DEFAULT_PAGE_CACHE_BYTES`]; 0 renders every page anew). The cache fills up to the
    /// budget and then keeps what it has; it only holds pages that were asked for. A
    /// 100,000-event call takes about 110 MiB per page size listed.
    pub fn page_cache_bytes(mut self, bytes: usize) -> Self {
        self.page_cache_bytes = bytes;
        self
    }

    /// How many recent requests [`Sandbox::requests`] keeps (default
    /// [`DEFAULT_REQUEST_LOG`]; 0 keeps none).
    pub fn request_log(mut self, capacity: usize) -> Self {
        self.request_log = capacity;
        self
    }

    /// Once started, POST each call's status callbacks (`initiated`, `ringing`, `completed`,
    /// as its events record them) to this URL, form-encoded with the parameters Twilio sends
    /// and signed with [`Sandbox::auth_token`] in `X-Twilio-Signature`, one at a time, in
    /// call order. The URL must be `http://` to loopback (a loopback IP address or
    /// `localhost`). [`Sandbox::wait_for_webhooks`] tells when they have all been tried.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// Serves HTTPS (HTTP/2 or HTTP/1.1 by ALPN) instead of cleartext HTTP, with a
    /// certificate for `localhost`, every product's `{label}.localhost` (`api.localhost`,
    /// `verify.localhost`…), `127.0.0.1` and `::1` signed by a throwaway certificate
    /// authority generated at start (default off). A client trusts
    /// [`Sandbox::ca_certificate_pem`]; the base URL becomes `https://localhost:PORT`.
    pub fn tls(mut self, enabled: bool) -> Self {
        self.tls = enabled;
        self
    }

    /// The most items the API may create or change, of every product together
    /// ([`DEFAULT_WRITTEN_ITEMS`] by default): past it, a create of any product is answered
    /// 429 with error 20429 and a message saying the store is full, and nothing is stored;
    /// removing items of any product makes room.
    pub fn written_items(mut self, items: usize) -> Self {
        self.written_items = items;
        self
    }

    /// Hosts besides loopback that the `StatusCallback`s of messages and calls, and calls'
    /// TwiML fetches (`Url`), may go to: names or IP addresses, over plain `http://`. By
    /// default none: the sandbox calls loopback addresses only, so that a test cannot reach
    /// out by mistake.
    pub fn callback_hosts(mut self, hosts: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.callback_hosts = hosts.into_iter().map(Into::into).collect();
        self
    }

    /// Enforces an account's limits as Twilio does (default none): over the requests a second
    /// or in flight it allows, a request is answered 429 with error 20429 and
    /// `Retry-After: 1`, and nothing of it is done. For testing a client's limiter and retries
    /// offline.
    pub fn account_limit(mut self, limit: crate::AccountLimit) -> Self {
        self.limit = limit;
        self
    }

    /// Binds the socket and starts serving on the current Tokio runtime.
    ///
    /// # Errors
    /// [`SandboxError`] if the address is not loopback, cannot be bound, too many calls
    /// were asked for, the webhook URL is not plain HTTP to loopback, or TLS could not be
    /// set up.
    pub async fn start(self) -> Result<Sandbox, SandboxError> {
        if !self.bind.ip().is_loopback() {
            return Err(SandboxError::NotLoopback { addr: self.bind });
        }
        let webhook = match &self.webhook_url {
            Some(url) => {
                Some(
                    WebhookTarget::parse(url).map_err(|reason| SandboxError::WebhookUrl {
                        url: without_password(url),
                        reason,
                    })?,
                )
            }
            None => None,
        };
        let requested = self
            .calls
            .saturating_add(u64::try_from(self.exact.len()).unwrap_or(u64::MAX));
        if requested > MAX_CALLS {
            return Err(SandboxError::TooManyCalls {
                requested,
                max: MAX_CALLS,
            });
        }
        if self.messages > MAX_MESSAGES {
            return Err(SandboxError::TooManyMessages {
                requested: self.messages,
                max: MAX_MESSAGES,
            });
        }
        let tls = if self.tls {
            Some(Tls::generate()?)
        } else {
            None
        };
        let listener = TcpListener::bind(self.bind)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: self.bind,
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SandboxError::LocalAddr {
                addr: self.bind,
                source,
            })?;
        let data = Dataset::new(self.seed, self.calls, &self.exact);
        let scheme = if tls.is_some() { "https" } else { "http" };
        let site = Site {
            world: World::build(self.seed, &data, self.messages),
            templates: Templates::parse(),
            base_url: base_url(scheme, addr),
        };
        let shared = Arc::new(Shared {
            data,
            cache: PageCache::new(self.page_cache_bytes),
            counters: Counters::default(),
            faults: Faults::default(),
            log: RequestLog::new(self.request_log),
            latency: self.latency,
            limits: crate::limit::Limits::new(self.limit),
            request_id_key: hash(&[self.seed, 0x52_51]),
            site,
            written: Written::new(self.seed, self.written_items),
            call_events: CallEvents::new(self.written_items),
            callback_hosts: self.callback_hosts.clone(),
            products: Products {
                scheme,
                port: addr.port(),
                verification_code: crate::products::verify::code(self.seed),
            },
        });
        let (stop, stopped) = watch::channel(false);
        let webhooks = webhook.map(|target| {
            let state = Arc::new(WebhookState::new(target, &shared));
            let task = tokio::spawn(deliver(
                Arc::clone(&shared),
                Arc::clone(&state),
                stopped.clone(),
            ));
            (state, task)
        });
        let (webhooks, webhook_task) = webhooks.unzip();
        let acceptor = tls.as_ref().map(|tls| tls.acceptor.clone());
        let task = tokio::spawn(serve(listener, Arc::clone(&shared), stopped, acceptor));
        tracing::debug!(%addr, seed = self.seed, scheme, "sandbox listening");
        Ok(Sandbox {
            addr,
            base_url: base_url(scheme, addr),
            seed: self.seed,
            shared,
            stop,
            task: Some(task),
            webhooks,
            webhook_task,
            ca: tls.map(|tls| (tls.ca_pem, tls.ca_der)),
        })
    }
}

/// A running Twilio-compatible server on loopback, serving every `GET` and write of the
/// 2010-04-01 API and every other product's CRUD, each on its own host under
/// [`Sandbox::base_url`] (see the [crate docs](crate) and [`Route::all`]).
///
/// Dropping it stops the server abruptly; [`Sandbox::shutdown`] stops it gracefully.
pub struct Sandbox {
    addr: SocketAddr,
    base_url: String,
    seed: u64,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    webhooks: Option<Arc<WebhookState>>,
    webhook_task: Option<JoinHandle<()>>,
    /// With TLS: the throwaway CA's certificate, PEM and DER.
    ca: Option<(String, Vec<u8>)>,
}

/// The URL a client is given: `{scheme}://localhost:PORT` when the sandbox listens on
/// `127.0.0.1` (the default), so that a client sends each product to its own
/// `{label}.localhost:PORT` (which resolves to `127.0.0.1` too); the address itself for
/// another loopback address, which `localhost` may not reach.
fn base_url(scheme: &str, addr: SocketAddr) -> String {
    if addr.ip() == std::net::IpAddr::from(std::net::Ipv4Addr::LOCALHOST) {
        format!("{scheme}://localhost:{}", addr.port())
    } else {
        format!("{scheme}://{addr}")
    }
}

/// `url` with the password of its user info, if any, replaced by `***`.
fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Setting a password only fails for URLs that cannot have one.
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .field("seed", &self.seed)
            .field("account_sid", &self.account_sid())
            .field("auth_token", &"[redacted]")
            .field("api_key_sid", &self.api_key_sid())
            .field("api_key_secret", &"[redacted]")
            .field("calls", &self.shared.data.calls.len())
            .finish()
    }
}

impl Sandbox {
    /// A builder with the defaults: seed [`DEFAULT_SEED`], [`DEFAULT_CALLS`] calls,
    /// `127.0.0.1:0`, no latency.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The base URL to give a client instead of `https://api.twilio.com`, like
    /// `http://localhost:PORT` (`https://` with [`SandboxBuilder::tls`]; no trailing slash):
    /// the 2010-04-01 API, and every other product on `{label}.localhost:PORT` for a client
    /// that sends each product to its own host under `localhost` (this workspace's
    /// `ClientBuilder::base_url` and CLI `--base-url` do). Bound to another loopback address
    /// than `127.0.0.1`, it is that address (`http://[::1]:PORT`), and products are reached
    /// by [`Sandbox::product_origin`]. [`Sandbox::address_url`] is the 2010-04-01 API by
    /// address.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The 2010-04-01 API by the address the sandbox listens on, `http://127.0.0.1:PORT`
    /// (`https://` with [`SandboxBuilder::tls`]): for a client or a proxy that must see an
    /// IP address. Other products are not reached through it.
    pub fn address_url(&self) -> String {
        let scheme = if self.ca.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// With [`SandboxBuilder::tls`], the certificate of the throwaway CA that signed the
    /// server's certificate, as PEM: what a client must trust. `None` without TLS.
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.ca.as_ref().map(|(pem, _)| pem.as_str())
    }

    /// The same certificate as [`Sandbox::ca_certificate_pem`], DER-encoded.
    pub fn ca_certificate_der(&self) -> Option<&[u8]> {
        self.ca.as_ref().map(|(_, der)| der.as_slice())
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The seed the data derives from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The code that approves every Verify v2 verification (six digits, derived from the
    /// seed): a `VerificationCheck` with it answers `status: approved`, `valid: true`; any
    /// other code leaves the verification `pending`.
    pub fn verification_code(&self) -> &str {
        &self.shared.products.verification_code
    }

    /// The origin of a product on the sandbox, by the first label of its host in Twilio's
    /// (`verify` → `http://verify.localhost:PORT`); `None` for a product it does not serve.
    /// `api` is the 2010-04-01 API.
    pub fn product_origin(&self, label: &str) -> Option<String> {
        let served = label == "api" || crate::store::products::product(label).is_some();
        served.then(|| crate::crud::origin(&self.shared, label))
    }

    /// The host labels of the products the sandbox serves besides 2010-04-01's (`verify`,
    /// `messaging`, `flex-api`…).
    pub fn products(&self) -> impl ExactSizeIterator<Item = &'static str> {
        crate::store::products::labels()
    }

    /// The sandbox's account SID (`AC` + 32 hex digits, derived from the seed).
    pub fn account_sid(&self) -> &str {
        &self.shared.data.credentials.account_sid
    }

    /// The auth token that, with [`Sandbox::account_sid`] as user name, authenticates.
    pub fn auth_token(&self) -> &str {
        &self.shared.data.credentials.auth_token
    }

    /// The API key SID (`SK...`) that, with [`Sandbox::api_key_secret`], authenticates.
    pub fn api_key_sid(&self) -> &str {
        &self.shared.data.credentials.api_key_sid
    }

    /// The API key secret.
    pub fn api_key_secret(&self) -> &str {
        &self.shared.data.credentials.api_key_secret
    }

    /// The SIDs of all calls: the generated ones, then those added with
    /// [`SandboxBuilder::call_with_events`] in the order added.
    pub fn call_sids(&self) -> Vec<String> {
        self.shared
            .data
            .calls
            .iter()
            .map(|c| c.sid.clone())
            .collect()
    }

    /// How many events a call has, or `None` for a call this sandbox does not know.
    pub fn event_count(&self, call_sid: &str) -> Option<u64> {
        self.shared.data.call(call_sid).map(|c| c.event_count)
    }

    /// All events of a call, exactly as the server serializes them, in list order.
    ///
    /// Memory grows with the call: meant for assertions on calls of test size.
    pub fn events_json(&self, call_sid: &str) -> Option<Vec<serde_json::Value>> {
        let data = &self.shared.data;
        let call = data.call(call_sid)?;
        (0..call.event_count)
            .map(|i| serde_json::to_value(data.event(call, i)).ok())
            .collect()
    }

    /// The path of a call's events list, `/2010-04-01/Accounts/AC.../Calls/CA.../Events.json`.
    pub fn events_path(&self, call_sid: &str) -> String {
        format!(
            "/2010-04-01/Accounts/{}/Calls/{call_sid}/Events.json",
            self.account_sid()
        )
    }

    /// Values the sandbox serves for the path parameters of a route, for a client that
    /// wants to default every path parameter it was not given to "the sandbox's first
    /// resource of that kind" (as the CLI's `--sandbox` does).
    ///
    /// `route` is a path template of the spec
    /// (`/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json`) or an
    /// operation id (`FetchCallRecording`); `given` holds the values the caller already has,
    /// by the spec's parameter names (`CallSid`, `Sid`, `CountryCode`, `DomainSid`…), taken
    /// as they are. Every other parameter gets, in path order, the first row of its list
    /// under the values before it (`AccountSid` the sandbox's account) such that the whole
    /// path names something: a resource for a fetch, a non-empty list for a list. So
    /// `calls recordings list` defaults to the first call that has recordings,
    /// `available-phone-numbers mobile list` to the first country with mobile numbers, and
    /// `calls recordings fetch --call-sid CA…` to that call's first recording.
    ///
    /// # Errors
    /// [`PathValuesError`] for an unknown route or parameter name, or when nothing is served
    /// under the given values (a call without recordings, a SID the sandbox does not know).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = twilio_sandbox::Sandbox::builder().start().await?;
    /// let values = sandbox.path_values("FetchCallRecording", &[])?;
    /// let call = values.get("CallSid").expect("a call with recordings");
    /// let recording = values.get("Sid").expect("one of its recordings");
    /// assert!(call.starts_with("CA") && recording.starts_with("RE"));
    /// assert_eq!(
    ///     values.path(),
    ///     format!("/2010-04-01/Accounts/{}/Calls/{call}/Recordings/{recording}.json", sandbox.account_sid())
    /// );
    /// // With the call given, its own first recording.
    /// let same = sandbox.path_values(
    ///     "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json",
    ///     &[("CallSid", call)],
    /// )?;
    /// assert_eq!(same.get("Sid"), Some(recording));
    /// # Ok(())
    /// # }
    /// ```
    pub fn path_values(
        &self,
        route: &str,
        given: &[(&str, &str)],
    ) -> Result<PathValues, PathValuesError> {
        crate::store::path_values::path_values(
            &self.shared.site.world,
            Some(&self.shared.written),
            route,
            given,
        )
    }

    /// Every route the sandbox serves, in the spec's order (the same as [`Route::all`]).
    pub fn routes(&self) -> impl ExactSizeIterator<Item = Route> {
        Route::all()
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        let c = &self.shared.counters;
        let get = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
        Stats {
            connections_accepted: get(&c.connections_accepted),
            requests: get(&c.requests),
            pages_served: get(&c.pages_served),
            events_served: get(&c.events_served),
            error_responses: get(&c.error_responses),
            faults_injected: get(&c.faults_injected),
            page_cache_hits: get(&c.page_cache_hits),
            page_cache_misses: get(&c.page_cache_misses),
        }
    }

    /// The most recent requests (oldest first), up to [`SandboxBuilder::request_log`].
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.snapshot()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// The queue of scripted faults (see [`Fault`](crate::Fault)).
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// What a user needs to connect: address, credentials and calls.
    pub fn summary(&self) -> Summary {
        Summary {
            base_url: self.base_url.clone(),
            address_url: self.address_url(),
            verify_origin: crate::crud::origin(&self.shared, "verify"),
            seed: self.seed,
            account_sid: self.account_sid().to_owned(),
            auth_token: self.auth_token().to_owned(),
            api_key_sid: self.api_key_sid().to_owned(),
            api_key_secret: self.api_key_secret().to_owned(),
            tls: self.ca.is_some(),
            verification_code: self.verification_code().to_owned(),
            products: self.products().count(),
            calls: self
                .shared
                .data
                .calls
                .iter()
                .map(|c| CallSummary {
                    sid: c.sid.clone(),
                    events: c.event_count,
                })
                .collect(),
            resources: SUMMARY_LISTS
                .iter()
                .map(|(list, name)| (*name, self.shared.site.world.count(list)))
                .collect(),
            examples: self.examples(),
        }
    }

    /// The webhook URL the sandbox sends status callbacks to, if it was given one.
    pub fn webhook_url(&self) -> Option<&str> {
        self.webhooks.as_ref().map(|state| state.target().url())
    }

    /// How many status callbacks the sandbox sends in all (0 without a webhook URL).
    pub fn status_callback_count(&self) -> usize {
        self.webhooks.as_ref().map_or(0, |state| state.expected())
    }

    /// The status callbacks tried so far, in order.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.webhooks
            .as_ref()
            .map_or_else(Vec::new, |state| state.snapshot())
    }

    /// Waits until every status callback has been tried (at once without a webhook URL),
    /// and returns them all, in order.
    pub async fn wait_for_webhooks(&self) -> Vec<WebhookDelivery> {
        match &self.webhooks {
            Some(state) => {
                state.finished().await;
                state.snapshot()
            }
            None => Vec::new(),
        }
    }

    /// A few paths to try, for the summary: a call's events, filtered calls, a call's
    /// recordings, recent messages, the recordings.
    fn examples(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(call) = self.shared.data.calls.first() {
            out.push(format!("{}?PageSize=5", self.events_path(&call.sid)));
        }
        let account = self.account_sid();
        out.push(format!(
            "/2010-04-01/Accounts/{account}/Calls.json?Status=completed&StartTime%3E=2021-01-01&PageSize=5"
        ));
        if let Ok(values) = self.path_values("ListCallRecording", &[]) {
            out.push(values.path());
        }
        out.push(format!(
            "/2010-04-01/Accounts/{account}/Messages.json?DateSent%3E=2022-01-01&PageSize=5"
        ));
        out.push(format!(
            "/2010-04-01/Accounts/{account}/Recordings.json?PageSize=5"
        ));
        out
    }

    /// Stops accepting connections, lets in-flight responses finish (at most 5 seconds),
    /// then closes every connection. Status callbacks not sent yet are not sent.
    pub async fn shutdown(mut self) {
        // The receiver lives as long as the server task; a send error means it already ended.
        let _ = self.stop.send(true);
        if let Some(task) = self.webhook_task.take() {
            let _ = task.await;
        }
        if let Some(task) = self.task.take()
            && let Err(error) = task.await
        {
            tracing::debug!(%error, "sandbox server task ended abnormally");
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Some(task) = self.webhook_task.take() {
            task.abort();
        }
    }
}

/// A snapshot of the sandbox's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// TCP connections accepted (a keep-alive connection counts once).
    pub connections_accepted: u64,
    /// Requests received, whatever their outcome.
    pub requests: u64,
    /// `200` pages served without a fault (events pages, and every answer of the other
    /// routes: their pages and fetched resources).
    pub pages_served: u64,
    /// Events in those pages.
    pub events_served: u64,
    /// Error answers the sandbox decided on itself (401, 404, 405, 400), not faults.
    pub error_responses: u64,
    /// Requests a scripted fault was applied to.
    pub faults_injected: u64,
    /// Pages answered from the rendered-page cache.
    pub page_cache_hits: u64,
    /// Pages rendered because they were not cached.
    pub page_cache_misses: u64,
}

/// One call in a [`Summary`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallSummary {
    /// The call SID.
    pub sid: String,
    /// Its number of events.
    pub events: u64,
}

/// Everything needed to connect to a sandbox.
///
/// Its `Display` prints the credentials on purpose: they are the sandbox's own, public,
/// seed-derived test credentials, and printing them is how a user learns them. `Debug`
/// redacts them like every other type of this workspace.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// The base URL, like `http://localhost:PORT` (see [`Sandbox::base_url`]).
    pub base_url: String,
    /// The 2010-04-01 API by address, like `http://127.0.0.1:PORT` (see
    /// [`Sandbox::address_url`]).
    pub address_url: String,
    /// An example of a product's origin, `http://verify.localhost:PORT`.
    pub verify_origin: String,
    /// The seed.
    pub seed: u64,
    /// The account SID.
    pub account_sid: String,
    /// The auth token.
    pub auth_token: String,
    /// The API key SID.
    pub api_key_sid: String,
    /// The API key secret.
    pub api_key_secret: String,
    /// Whether it serves HTTPS (with a throwaway CA a client must trust).
    pub tls: bool,
    /// The code that approves every Verify v2 verification.
    pub verification_code: String,
    /// How many products it serves besides 2010-04-01 (on `{label}.localhost:PORT`).
    pub products: usize,
    /// All calls, in [`Sandbox::call_sids`] order.
    pub calls: Vec<CallSummary>,
    /// How many rows the main lists have, e.g. `("recordings", 171)`.
    pub resources: Vec<(&'static str, usize)>,
    /// Paths to try (below [`Summary::base_url`]).
    pub examples: Vec<String>,
}

/// The lists the summary counts, and how it names them.
const SUMMARY_LISTS: [(&str, &str); 8] = [
    ("ListCall", "calls"),
    ("ListMessage", "messages"),
    ("ListRecording", "recordings"),
    ("ListNotification", "notifications"),
    ("ListTranscription", "transcriptions"),
    ("ListConference", "conferences"),
    ("ListQueue", "queues"),
    ("ListIncomingPhoneNumber", "phone numbers"),
];

impl fmt::Debug for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Summary")
            .field("base_url", &self.base_url)
            .field("address_url", &self.address_url)
            .field("verify_origin", &self.verify_origin)
            .field("seed", &self.seed)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field("api_key_sid", &self.api_key_sid)
            .field("api_key_secret", &"[redacted]")
            .field("verification_code", &self.verification_code)
            .field("products", &self.products)
            .field("calls", &self.calls)
            .field("resources", &self.resources)
            .field("examples", &self.examples)
            .finish()
    }
}

/// How many calls `Summary`'s `Display` lists before eliding.
const SUMMARY_CALLS_SHOWN: usize = 10;

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Twilio sandbox listening on {}", self.base_url)?;
        writeln!(f, "  seed:           {}", self.seed)?;
        writeln!(f, "  account SID:    {}", self.account_sid)?;
        writeln!(f, "  auth token:     {}", self.auth_token)?;
        writeln!(f, "  API key SID:    {}", self.api_key_sid)?;
        writeln!(f, "  API key secret: {}", self.api_key_secret)?;
        writeln!(f, "  calls ({}):", self.calls.len())?;
        let shown = self.calls.len().min(SUMMARY_CALLS_SHOWN);
        // Show the first calls and, if elided, the last one (often a large one).
        for c in self.calls.iter().take(shown) {
            writeln!(f, "    {} ({} events)", c.sid, c.events)?;
        }
        if self.calls.len() > shown {
            let elided = self.calls.len() - shown - 1;
            if elided > 0 {
                writeln!(f, "    ... {elided} more")?;
            }
            if let Some(c) = self.calls.last() {
                writeln!(f, "    {} ({} events)", c.sid, c.events)?;
            }
        }
        let counts: Vec<String> = self
            .resources
            .iter()
            .map(|(name, n)| format!("{n} {name}"))
            .collect();
        writeln!(
            f,
            "  serves every GET of the 2010-04-01 API ({} routes), among them: {}",
            crate::store::routes::all().len(),
            counts.join(", ")
        )?;
        writeln!(
            f,
            "  and every other product's CRUD ({} products) on {{product}}.localhost (e.g. {})",
            self.products, self.verify_origin
        )?;
        if self.address_url != self.base_url {
            writeln!(
                f,
                "  the 2010-04-01 API also on {} (by address)",
                self.address_url
            )?;
        }
        writeln!(f, "  Verify code:    {}", self.verification_code)?;
        let cacert = if self.tls {
            "--cacert <CA certificate> "
        } else {
            ""
        };
        write!(f, "  try:")?;
        for path in &self.examples {
            write!(
                f,
                "\n    curl {cacert}-u {}:{} '{}{path}'",
                self.account_sid, self.auth_token, self.base_url
            )?;
        }
        Ok(())
    }
}
