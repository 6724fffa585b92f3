//! [`RetryTransport`]: a decorator that retries requests on transient failures, as far as
//! each request says it is safe to.
//!
//! What is retried, and how:
//! - what the request's [`RetrySafety`] allows, never the method: an
//!   [`Idempotent`](RetrySafety::Idempotent) request on the statuses 429, 500, 502, 503 and
//!   504 and on retryable transport errors ([`TransportError::is_retryable`]: connect,
//!   timeout, broken connection); a [`NotIdempotent`](RetrySafety::NotIdempotent) one (the
//!   default) only on 429 and on a failure to connect, the two outcomes that prove it was not
//!   applied (Twilio has no idempotency key: a `POST` repeated after a 5xx or a cut may
//!   send a message twice);
//! - at most [`RetryPolicy::max_retries`] times (default 3), waiting before each retry either
//!   what the response's `Retry-After` asks (delay-seconds or an HTTP date), or an exponential
//!   backoff with full jitter: a random delay in `[0, min(max_delay, base_delay * 2^(n-1))]`
//!   before retry `n`;
//! - a `Retry-After` longer than [`RetryPolicy::max_retry_after`] (default 30 s) ends the
//!   retries at once: the response is returned as it is, so the caller sees it and decides;
//! - when no retry is left, the last response (the 429/5xx itself, with Twilio's error body)
//!   or the last error is returned.
//!
//! Every retry is reported before its delay, as an INFO `tracing` event ("retrying a Twilio
//! request", with `method`, `url`, `attempt`, `reason`, `delay_ms` and `request_id`) and to
//! each [`RetryTransport::on_retry`] callback as a [`RetryEvent`]; giving up after retries is
//! a WARN event.
//!
//! The returned response carries an [`Attempt`] extension with the number of attempts made.
//! Sleeping, the clock (for HTTP-date `Retry-After`) and the jitter are behind the small
//! traits [`Sleeper`], [`Clock`] and [`Jitter`], so tests can run instantly and
//! deterministically.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use crate::{
    Attempt, HttpTransport, RetrySafety, TransportError, TransportErrorKind, uri_without_query,
};

/// When and how often [`RetryTransport`] retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        Self::default().max_retries(0)
    }

    /// How many times a request may be retried after its first attempt (default 3).
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The backoff before the first retry, doubled for each further one (default 100 ms).
    #[must_use]
    pub fn base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// The largest backoff (default 5 s).
    #[must_use]
    pub fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// The longest `Retry-After` that is waited for; a longer one ends the retries
    /// (default 30 s).
    #[must_use]
    pub fn max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// The upper bound of the jittered backoff before retry number `retry` (from 1):
    /// `min(max_delay, base_delay * 2^(retry-1))`.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// Waits; [`TokioSleeper`] by default, something that returns at once in tests.
#[async_trait::async_trait]
pub trait Sleeper: Send + Sync + fmt::Debug {
    /// Waits for `duration`.
    async fn sleep(&self, duration: Duration);
}

/// Tells the time, for `Retry-After` given as an HTTP date; [`SystemClock`] by default.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// Picks the actual backoff below a ceiling; [`RandomJitter`] by default.
pub trait Jitter: Send + Sync + fmt::Debug {
    /// A delay in `[0, ceiling]`.
    fn pick(&self, ceiling: Duration) -> Duration;
}

/// Sleeps with [`tokio::time::sleep`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

#[async_trait::async_trait]
impl Sleeper for TokioSleeper {
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// Reads [`SystemTime::now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Full jitter: a uniformly random delay in `[0, ceiling]` (from `fastrand`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn pick(&self, ceiling: Duration) -> Duration {
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// No jitter: always the ceiling itself, for deterministic delays.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoJitter;

impl Jitter for NoJitter {
    fn pick(&self, ceiling: Duration) -> Duration {
        ceiling
    }
}

/// Why a request is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// The server answered with this retryable status (429, 500, 502, 503, 504).
    Status(http::StatusCode),
    /// The attempt failed with a retryable transport error of this kind.
    Error(TransportErrorKind),
}

impl RetryReason {
    /// Whether the attempt that failed for this reason may have been applied: it was answered
    /// with a 5xx, or its connection failed once made (a timeout, a cut). A 429 or a failed
    /// connect proves it was not.
    pub fn outcome_unknown(self) -> bool {
        match self {
            Self::Status(status) => status.is_server_error(),
            Self::Error(kind) => !matches!(
                kind,
                TransportErrorKind::Connect
                    | TransportErrorKind::Refused
                    | TransportErrorKind::Setup
            ),
        }
    }
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(status) => write!(f, "status {}", status.as_u16()),
            Self::Error(kind) => write!(f, "{kind:?} error"),
        }
    }
}

/// Why each earlier attempt of a request was retried, in order: what [`RetryTransport`] puts
/// in the extensions of the response it returns (empty when the first attempt answered).
///
/// A caller can tell from it whether an earlier attempt may have been applied: a `DELETE`
/// that answers 404 after an attempt that timed out or got a 5xx most likely found the
/// resource already deleted by that attempt (see [`RetryReason::outcome_unknown`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retries(pub Vec<RetryReason>);

impl Retries {
    /// Whether any earlier attempt may have been applied: it was answered 5xx, or failed
    /// after the connection was made.
    pub fn any_outcome_unknown(&self) -> bool {
        self.0.iter().any(|reason| reason.outcome_unknown())
    }
}

/// A retry about to happen, as [`RetryTransport::on_retry`] callbacks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryEvent {
    /// The request's method.
    pub method: http::Method,
    /// The request's URI without its query string or any `user:password@`.
    pub url: String,
    /// The attempt that failed (the first is 1); the next one is `attempt + 1`.
    pub attempt: Attempt,
    /// Why it is retried.
    pub reason: RetryReason,
    /// How long the transport waits before the next attempt (the server's `Retry-After`, or
    /// the jittered backoff).
    pub delay: Duration,
    /// The `Twilio-Request-Id` of the failed attempt's response, when there was one.
    pub request_id: Option<String>,
}

type RetryCallback = dyn Fn(&RetryEvent) + Send + Sync;

/// Wraps a transport and retries requests on transient failures as far as each request's
/// [`RetrySafety`] allows; see the [module docs](self) for the rules.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use twilio_transport::{HttpTransport, HyperTransport, RetryPolicy, RetryTransport};
///
/// # fn main() -> Result<(), twilio_transport::TransportError> {
/// let transport: Arc<dyn HttpTransport> = Arc::new(
///     RetryTransport::new(HyperTransport::new()?)
///         .with_policy(RetryPolicy::default().max_retries(5).max_delay(Duration::from_secs(2))),
/// );
/// # let _ = transport;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RetryTransport<T> {
    inner: T,
    policy: RetryPolicy,
    sleeper: Arc<dyn Sleeper>,
    clock: Arc<dyn Clock>,
    jitter: Arc<dyn Jitter>,
    on_retry: Vec<Arc<RetryCallback>>,
}

impl<T: HttpTransport> RetryTransport<T> {
    /// Wraps `inner` with the default [`RetryPolicy`], Tokio sleeping, the system clock and
    /// random jitter.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            policy: RetryPolicy::default(),
            sleeper: Arc::new(TokioSleeper),
            clock: Arc::new(SystemClock),
            jitter: Arc::new(RandomJitter),
            on_retry: Vec::new(),
        }
    }

    /// Calls `callback` before each retry (before its delay), with what failed and how long
    /// the wait will be: to count retries in metrics, log them your way, or show progress.
    /// Callbacks run on the request's task, so keep them quick; several may be added and
    /// run in order. They only observe: the policy decides whether to retry.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use twilio_transport::{HyperTransport, RetryTransport};
    ///
    /// # fn main() -> Result<(), twilio_transport::TransportError> {
    /// let retries = Arc::new(AtomicU32::new(0));
    /// let counter = Arc::clone(&retries);
    /// let transport = RetryTransport::new(HyperTransport::new()?).on_retry(move |event| {
    ///     counter.fetch_add(1, Ordering::Relaxed);
    ///     eprintln!("retrying {} {} after {:?}: {}", event.method, event.url, event.delay, event.reason);
    /// });
    /// # let _ = transport;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn on_retry(mut self, callback: impl Fn(&RetryEvent) + Send + Sync + 'static) -> Self {
        self.on_retry.push(Arc::new(callback));
        self
    }

    /// Replaces the policy.
    #[must_use]
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Replaces how it waits between attempts.
    #[must_use]
    pub fn with_sleeper(mut self, sleeper: impl Sleeper + 'static) -> Self {
        self.sleeper = Arc::new(sleeper);
        self
    }

    /// Replaces the clock used for `Retry-After` HTTP dates.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Replaces how the backoff is picked below its ceiling.
    #[must_use]
    pub fn with_jitter(mut self, jitter: impl Jitter + 'static) -> Self {
        self.jitter = Arc::new(jitter);
        self
    }

    /// The policy in force.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// Unwraps the wrapped transport.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// What to do after `outcome` of attempt `attempt`; `None` means return it.
    fn next_delay(
        &self,
        safety: RetrySafety,
        attempt: u32,
        outcome: &Result<http::Response<Bytes>, TransportError>,
    ) -> Option<(Duration, RetryReason)> {
        if attempt > self.policy.max_retries || !may_repeat(safety, outcome) {
            return None;
        }
        let (retry_after, reason) = match outcome {
            Ok(response) if is_retryable_status(response.status()) => (
                response
                    .headers()
                    .get(http::header::RETRY_AFTER)
                    .and_then(|value| parse_retry_after(value, self.clock.now())),
                RetryReason::Status(response.status()),
            ),
            Err(error) if error.is_retryable() => (None, RetryReason::Error(error.kind())),
            _ => return None,
        };
        match retry_after {
            Some(delay) if delay > self.policy.max_retry_after => {
                tracing::info!(
                    retry_after_ms = millis(delay),
                    max_retry_after_ms = millis(self.policy.max_retry_after),
                    "not retrying: Retry-After is beyond the allowed wait"
                );
                None
            }
            Some(delay) => Some((delay, reason)),
            None => Some((
                self.jitter.pick(self.policy.backoff_ceiling(attempt)),
                reason,
            )),
        }
    }
}

/// The `Twilio-Request-Id` of an attempt's outcome.
fn outcome_request_id(outcome: &Result<http::Response<Bytes>, TransportError>) -> Option<&str> {
    match outcome {
        Ok(response) => crate::request_id(response.headers()),
        Err(error) => error.request_id(),
    }
}

impl<T: fmt::Debug> fmt::Debug for RetryTransport<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryTransport")
            .field("inner", &self.inner)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl<T: HttpTransport> HttpTransport for RetryTransport<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let mut attempt: u32 = 1;
        let mut retried = Vec::new();
        loop {
            let mut this_try = request.clone();
            this_try.extensions_mut().insert(Attempt::new(attempt));
            let mut outcome = self.inner.send(this_try).await;
            let safety = RetrySafety::of(&request);
            let Some((delay, reason)) = self.next_delay(safety, attempt, &outcome) else {
                if attempt > 1
                    && outcome
                        .as_ref()
                        .map_or(true, |r| is_retryable_status(r.status()))
                {
                    tracing::warn!(
                        method = %request.method(),
                        url = %uri_without_query(request.uri()),
                        attempts = attempt,
                        request_id = outcome_request_id(&outcome).map(tracing::field::display),
                        "giving up on a Twilio request after retries"
                    );
                }
                if let Ok(response) = &mut outcome {
                    response.extensions_mut().insert(Attempt::new(attempt));
                    response.extensions_mut().insert(Retries(retried));
                }
                return outcome;
            };
            let request_id = outcome_request_id(&outcome);
            tracing::info!(
                method = %request.method(),
                url = %uri_without_query(request.uri()),
                attempt,
                reason = %reason,
                delay_ms = millis(delay),
                request_id = request_id.map(tracing::field::display),
                "retrying a Twilio request"
            );
            if !self.on_retry.is_empty() {
                let event = RetryEvent {
                    method: request.method().clone(),
                    url: uri_without_query(request.uri()),
                    attempt: Attempt::new(attempt),
                    reason,
                    delay,
                    request_id: request_id.map(str::to_owned),
                };
                for callback in &self.on_retry {
                    callback(&event);
                }
            }
            retried.push(reason);
            self.sleeper.sleep(delay).await;
            attempt = attempt.saturating_add(1);
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Whether an attempt that ended in `outcome` may be made again under `safety`: always for an
/// idempotent request; for any other, only when the outcome proves it had no effect (a 429,
/// or no connection at all).
pub fn may_repeat(
    safety: RetrySafety,
    outcome: &Result<http::Response<Bytes>, TransportError>,
) -> bool {
    safety.is_idempotent()
        || match outcome {
            Ok(response) => response.status() == http::StatusCode::TOO_MANY_REQUESTS,
            Err(error) => never_sent(error),
        }
}

/// Whether a failed attempt provably sent nothing: the connection (to the server or the
/// proxy) was never made, or the request was refused before sending.
pub fn never_sent(error: &TransportError) -> bool {
    !RetryReason::Error(error.kind()).outcome_unknown()
}

/// Whether a response with `status` is retried: 429, 500, 502, 503, 504.
pub fn is_retryable_status(status: http::StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// Parses a `Retry-After` value, delay-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, counted from `now`; a date in the past means no wait).
/// `None` when it is neither.
pub fn parse_retry_after(value: &http::HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: only overflow can fail, and such a wait is as good as forever.
        return Some(Duration::from_secs(text.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(value: &str) -> http::HeaderValue {
        http::HeaderValue::from_str(value).unwrap()
    }

    #[test]
    fn retry_after_delay_seconds() {
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(parse_retry_after(&header("0"), now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(&header("120"), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after(&header(" 7 "), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after(&header("99999999999999999999999"), now),
            Some(Duration::from_secs(u64::MAX))
        );
        for bad in ["", "-1", "1.5", "soon", "12s"] {
            assert_eq!(parse_retry_after(&header(bad), now), None, "{bad:?}");
        }
    }

    #[test]
    fn retry_after_http_date() {
        // Wed, 21 Oct 2015 07:28:00 GMT
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let value = header("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(
            parse_retry_after(&value, date - Duration::from_secs(90)),
            Some(Duration::from_secs(90))
        );
        assert_eq!(parse_retry_after(&value, date), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(&value, date + Duration::from_secs(5)),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after(&header("Wed, 21 Oct 2015 07:28:00"), date),
            None
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default();
        let ceilings: Vec<u64> = (1..=8).map(|n| millis(policy.backoff_ceiling(n))).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
        assert_eq!(policy.backoff_ceiling(0), Duration::from_millis(100));
        assert_eq!(policy.backoff_ceiling(u32::MAX), Duration::from_secs(5));
        let policy = RetryPolicy::default()
            .base_delay(Duration::from_secs(1))
            .max_delay(Duration::from_secs(3));
        assert_eq!(policy.backoff_ceiling(2), Duration::from_secs(2));
        assert_eq!(policy.backoff_ceiling(3), Duration::from_secs(3));
    }

    #[test]
    fn random_jitter_stays_within_bounds() {
        for ceiling in [0, 1, 100, 5_000] {
            let ceiling = Duration::from_millis(ceiling);
            for _ in 0..200 {
                let delay = RandomJitter.pick(ceiling);
                assert!(delay <= ceiling, "{delay:?} > {ceiling:?}");
            }
        }
        // Full jitter spreads the delays over the range rather than always using the ceiling.
        let ceiling = Duration::from_secs(1);
        let picks: Vec<Duration> = (0..200).map(|_| RandomJitter.pick(ceiling)).collect();
        assert!(picks.iter().any(|d| *d < ceiling / 2));
        assert!(picks.iter().any(|d| *d > ceiling / 2));
        assert_eq!(NoJitter.pick(ceiling), ceiling);
    }

    #[test]
    fn what_may_be_repeated() {
        let status = |code: u16| {
            Ok(http::Response::builder()
                .status(code)
                .body(Bytes::new())
                .unwrap())
        };
        let failed = |kind| {
            Err(TransportError::new(
                kind,
                http::Method::POST,
                "https://api.twilio.com/x",
                "failed",
            ))
        };
        use RetrySafety::{Idempotent, NotIdempotent};
        for code in [429, 500, 503] {
            assert!(may_repeat(Idempotent, &status(code)));
        }
        assert!(may_repeat(NotIdempotent, &status(429)));
        assert!(!may_repeat(NotIdempotent, &status(500)));
        assert!(!may_repeat(NotIdempotent, &status(503)));
        assert!(may_repeat(
            NotIdempotent,
            &failed(TransportErrorKind::Connect)
        ));
        for kind in [
            TransportErrorKind::Timeout,
            TransportErrorKind::Io,
            TransportErrorKind::BodyTooLarge,
        ] {
            assert!(may_repeat(Idempotent, &failed(kind)));
            assert!(!may_repeat(NotIdempotent, &failed(kind)), "{kind:?}");
        }
        let retried: Vec<u16> = (100..600)
            .filter(|code| is_retryable_status(http::StatusCode::from_u16(*code).unwrap()))
            .collect();
        assert_eq!(retried, [429, 500, 502, 503, 504]);
    }
}
