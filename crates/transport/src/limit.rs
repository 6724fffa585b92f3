//! [`LimitTransport`]: the limits one client's requests share (requests in flight, a rate),
//! and the whole client slowing down when Twilio answers 429.
//!
//! Twilio limits how fast an account may call it: too many requests at once or too fast, and
//! it answers 429 (error 20429), often with `Retry-After`. Retrying each request on its own
//! makes every worker retry at the same moment, a storm of 429s. A [`Limiter`] is shared by
//! every request of a client instead:
//! - at most a window of requests are in flight at once (up to
//!   [`LimitPolicy::max_in_flight`]), and, with [`LimitPolicy::rate`], they start no faster
//!   than that many a second;
//! - a 429 pauses **every** request of the client for its `Retry-After` (or
//!   [`LimitPolicy::pause_without_retry_after`]) and halves the window; each answer that is
//!   not a 429 grows the window back by one, up to the maximum (additive increase,
//!   multiplicative decrease, as TCP does);
//! - `tracing` tells each pause and window change (`twilio_transport::limit`, DEBUG; a pause
//!   at INFO).
//!
//! Put it inside the retry layer (`RetryTransport<LimitTransport<HyperTransport>>`, as the
//! client does): every attempt, retries included, waits for the limiter, and sees the pause a
//! 429 of any other request started.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::retry::parse_retry_after;
use crate::{HttpTransport, TransportError};

/// The limits of a [`Limiter`].
#[derive(Debug, Clone, PartialEq)]
pub struct LimitPolicy {
    max_in_flight: usize,
    rate: Option<f64>,
    pause_without_retry_after: Duration,
    max_pause: Duration,
}

impl Default for LimitPolicy {
    /// 100 requests in flight (Twilio's default concurrency limit for an account), no rate,
    /// a pause of 1 s after a 429 without `Retry-After`, and never more than 60 s.
    fn default() -> Self {
        Self {
            max_in_flight: 100,
            rate: None,
            pause_without_retry_after: Duration::from_secs(1),
            max_pause: Duration::from_secs(60),
        }
    }
}

impl LimitPolicy {
    /// The most requests in flight at once (default 100; 0 counts as 1).
    #[must_use]
    pub fn max_in_flight(mut self, max: usize) -> Self {
        self.max_in_flight = max.max(1);
        self
    }

    /// At most `per_second` requests start each second (evenly spaced); `None` for no rate
    /// (the default). A rate that is not a positive finite number means none.
    #[must_use]
    pub fn rate(mut self, per_second: Option<f64>) -> Self {
        self.rate = per_second.filter(|rate| rate.is_finite() && *rate > 0.0);
        self
    }

    /// How long every request waits after a 429 that says nothing of when to try again
    /// (default 1 s).
    #[must_use]
    pub fn pause_without_retry_after(mut self, pause: Duration) -> Self {
        self.pause_without_retry_after = pause;
        self
    }

    /// The longest pause a 429 may ask for (default 60 s): a longer `Retry-After` pauses
    /// this long.
    #[must_use]
    pub fn max_pause(mut self, pause: Duration) -> Self {
        self.max_pause = pause;
        self
    }
}

/// The limits shared by every request of a client: a window of requests in flight, an
/// optional rate, and a pause for everyone after a 429. Cheap to clone (clones share them).
#[derive(Clone)]
pub struct Limiter {
    shared: Arc<Shared>,
}

struct Shared {
    policy: LimitPolicy,
    state: Mutex<State>,
    /// Woken when a request finishes or a pause ends.
    changed: Notify,
}

#[derive(Debug)]
struct State {
    /// How many requests may be in flight now (1 to `max_in_flight`).
    window: usize,
    in_flight: usize,
    /// No request starts before this.
    paused_until: Option<Instant>,
    /// With a rate: when the next request may start.
    next_start: Option<Instant>,
}

/// What a [`Limiter`] is doing, for metrics and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LimiterState {
    /// How many requests may be in flight now.
    pub window: usize,
    /// How many are.
    pub in_flight: usize,
    /// How long every request still waits after a 429 (zero when not paused).
    pub paused_for: Duration,
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("policy", &self.shared.policy)
            .field("state", &self.state())
            .finish()
    }
}

/// What a request waiting for the limiter does next.
enum Step {
    /// It has a place in flight and starts at this instant (its turn at the rate).
    Start(Instant),
    /// Every request is paused until then (or until something changes).
    Paused(Instant),
    /// The window is full: wait for a request to finish.
    Full,
}

/// A request's place in flight; given back when dropped.
struct Permit {
    shared: Arc<Shared>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut state = lock(&self.shared.state);
        state.in_flight = state.in_flight.saturating_sub(1);
        drop(state);
        self.shared.changed.notify_waiters();
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while holding the lock leaves numbers, not broken invariants: go on.
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Limiter {
    /// A limiter with `policy`, its window at the maximum.
    pub fn new(policy: LimitPolicy) -> Self {
        let window = policy.max_in_flight;
        Self {
            shared: Arc::new(Shared {
                policy,
                state: Mutex::new(State {
                    window,
                    in_flight: 0,
                    paused_until: None,
                    next_start: None,
                }),
                changed: Notify::new(),
            }),
        }
    }

    /// The policy in force.
    pub fn policy(&self) -> &LimitPolicy {
        &self.shared.policy
    }

    /// What it is doing now.
    pub fn state(&self) -> LimiterState {
        let state = lock(&self.shared.state);
        let now = Instant::now();
        LimiterState {
            window: state.window,
            in_flight: state.in_flight,
            paused_for: state
                .paused_until
                .map_or(Duration::ZERO, |until| until.saturating_duration_since(now)),
        }
    }

    /// Waits until a request may start: not paused, a place in the window, its turn at the
    /// rate.
    async fn acquire(&self) -> Permit {
        loop {
            // Register for a wake-up before looking, so that a release in between is seen.
            let changed = self.shared.changed.notified();
            match self.try_start() {
                Step::Start(at) => {
                    let permit = Permit {
                        shared: Arc::clone(&self.shared),
                    };
                    tokio::time::sleep_until(at).await;
                    return permit;
                }
                Step::Paused(until) => {
                    // Until the pause ends, or something changes (a longer pause, say).
                    let _ = tokio::time::timeout_at(until, changed).await;
                }
                Step::Full => changed.await,
            }
        }
    }

    /// Takes a place in flight if it may (and its turn at the rate), or says what to wait for.
    fn try_start(&self) -> Step {
        let mut state = lock(&self.shared.state);
        let now = Instant::now();
        if let Some(until) = state.paused_until.filter(|until| *until > now) {
            return Step::Paused(until);
        }
        if state.in_flight >= state.window {
            return Step::Full;
        }
        state.paused_until = None;
        state.in_flight += 1;
        Step::Start(match self.shared.policy.rate {
            Some(rate) => {
                let start = state.next_start.map_or(now, |next| next.max(now));
                state.next_start = Some(start + Duration::from_secs_f64(1.0 / rate));
                start
            }
            None => now,
        })
    }

    /// Learns from an answer: a 429 pauses everyone and halves the window; anything else
    /// grows the window by one.
    fn observe(&self, status: http::StatusCode, headers: &http::HeaderMap) {
        let policy = &self.shared.policy;
        let mut state = lock(&self.shared.state);
        if status == http::StatusCode::TOO_MANY_REQUESTS {
            let pause = headers
                .get(http::header::RETRY_AFTER)
                .and_then(|value| parse_retry_after(value, std::time::SystemTime::now()))
                .unwrap_or(policy.pause_without_retry_after)
                .min(policy.max_pause);
            let until = Instant::now() + pause;
            state.paused_until = Some(state.paused_until.map_or(until, |old| old.max(until)));
            let window = (state.window / 2).max(1);
            tracing::info!(
                target: "twilio_transport::limit",
                pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                window,
                "429: every request of the client pauses"
            );
            state.window = window;
        } else if state.window < policy.max_in_flight {
            state.window += 1;
            tracing::debug!(
                target: "twilio_transport::limit",
                window = state.window,
                "the window grows back"
            );
        }
        drop(state);
        self.shared.changed.notify_waiters();
    }
}

/// Wraps a transport so that every request waits for a shared [`Limiter`]; see the
/// [module docs](self).
///
/// ```
/// use std::sync::Arc;
/// use twilio_transport::{
///     HttpTransport, HyperTransport, LimitPolicy, LimitTransport, Limiter, RetryTransport,
/// };
///
/// # fn main() -> Result<(), twilio_transport::TransportError> {
/// let limiter = Limiter::new(LimitPolicy::default().max_in_flight(10).rate(Some(100.0)));
/// let transport: Arc<dyn HttpTransport> = Arc::new(RetryTransport::new(LimitTransport::new(
///     HyperTransport::new()?,
///     limiter.clone(),
/// )));
/// assert_eq!(limiter.state().window, 10);
/// # let _ = transport;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct LimitTransport<T> {
    inner: T,
    limiter: Limiter,
}

impl<T: HttpTransport> LimitTransport<T> {
    /// Wraps `inner`; every request waits for `limiter` (share it to share the limits).
    pub fn new(inner: T, limiter: Limiter) -> Self {
        Self { inner, limiter }
    }

    /// The shared limiter.
    pub fn limiter(&self) -> &Limiter {
        &self.limiter
    }
}

#[async_trait::async_trait]
impl<T: HttpTransport> HttpTransport for LimitTransport<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let permit = self.limiter.acquire().await;
        let outcome = self.inner.send(request).await;
        if let Ok(response) = &outcome {
            self.limiter.observe(response.status(), response.headers());
        }
        drop(permit);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, retry_after: Option<&str>) -> (http::StatusCode, http::HeaderMap) {
        let mut headers = http::HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert(http::header::RETRY_AFTER, value.parse().unwrap());
        }
        (http::StatusCode::from_u16(status).unwrap(), headers)
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_everyone_and_halves_the_window_which_grows_back() {
        let limiter = Limiter::new(LimitPolicy::default().max_in_flight(8));
        let (status, headers) = answer(429, Some("3"));
        limiter.observe(status, &headers);
        let state = limiter.state();
        assert_eq!(state.window, 4);
        assert_eq!(state.paused_for, Duration::from_secs(3));

        let started = Instant::now();
        let permit = limiter.acquire().await;
        assert_eq!(
            started.elapsed(),
            Duration::from_secs(3),
            "waited out the pause"
        );
        drop(permit);

        let (ok, none) = answer(201, None);
        for window in 5..=8 {
            limiter.observe(ok, &none);
            assert_eq!(limiter.state().window, window);
        }
        limiter.observe(ok, &none);
        assert_eq!(limiter.state().window, 8, "never past the maximum");
        for _ in 0..10 {
            let (status, headers) = answer(429, None);
            limiter.observe(status, &headers);
        }
        assert_eq!(limiter.state().window, 1, "never below one");
    }

    #[tokio::test(start_paused = true)]
    async fn the_window_caps_requests_in_flight() {
        let limiter = Limiter::new(LimitPolicy::default().max_in_flight(2));
        let first = limiter.acquire().await;
        let second = limiter.acquire().await;
        assert_eq!(limiter.state().in_flight, 2);
        let waiting = limiter.clone();
        let third = tokio::spawn(async move {
            let _permit = waiting.acquire().await;
        });
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert!(
            !third.is_finished(),
            "a third waits while two are in flight"
        );
        drop(first);
        third.await.unwrap();
        drop(second);
        assert_eq!(limiter.state().in_flight, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_spaces_the_starts_evenly() {
        let limiter = Limiter::new(LimitPolicy::default().rate(Some(4.0)));
        let started = Instant::now();
        let mut at = Vec::new();
        for _ in 0..5 {
            drop(limiter.acquire().await);
            at.push(started.elapsed());
        }
        let millis: Vec<u128> = at.iter().map(Duration::as_millis).collect();
        assert_eq!(millis, [0, 250, 500, 750, 1000]);
    }

    #[test]
    fn a_retry_after_beyond_the_cap_pauses_the_cap() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let limiter = Limiter::new(LimitPolicy::default().max_pause(Duration::from_secs(5)));
            let (status, headers) = answer(429, Some("3600"));
            limiter.observe(status, &headers);
            assert_eq!(limiter.state().paused_for, Duration::from_secs(5));
        });
    }
}
