//! An account's limits, as Twilio enforces them: requests per second and requests in flight.
//! Over either, a request is answered 429 with Twilio's error 20429 and `Retry-After: 1`, and
//! nothing of it is done.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use hyper::StatusCode;
use hyper::header::{HeaderValue, RETRY_AFTER};

use crate::reply::error_response;
use crate::server::body::SandboxBody;

/// The limits a sandbox enforces on its account (none by default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountLimit {
    /// At most this many requests a second (a bucket of this many, refilled continuously).
    pub per_second: Option<u32>,
    /// At most this many requests handled at once.
    pub in_flight: Option<u32>,
}

impl AccountLimit {
    /// No limit.
    pub fn none() -> Self {
        Self::default()
    }

    /// At most `per_second` requests a second (0 means no such limit).
    #[must_use]
    pub fn per_second(mut self, per_second: u32) -> Self {
        self.per_second = (per_second > 0).then_some(per_second);
        self
    }

    /// At most `in_flight` requests at once (0 means no such limit).
    #[must_use]
    pub fn in_flight(mut self, in_flight: u32) -> Self {
        self.in_flight = (in_flight > 0).then_some(in_flight);
        self
    }
}

/// The state behind an [`AccountLimit`].
#[derive(Debug)]
pub(crate) struct Limits {
    limit: AccountLimit,
    in_flight: AtomicUsize,
    /// Tokens left and when they were counted.
    bucket: Mutex<(f64, Instant)>,
}

/// A request's place in flight, given back when dropped.
#[derive(Debug)]
pub(crate) struct Admitted<'a>(Option<&'a AtomicUsize>);

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        if let Some(in_flight) = self.0 {
            in_flight.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Limits {
    pub(crate) fn new(limit: AccountLimit) -> Self {
        let tokens = limit.per_second.map_or(0.0, f64::from);
        Self {
            limit,
            in_flight: AtomicUsize::new(0),
            bucket: Mutex::new((tokens, Instant::now())),
        }
    }

    /// Lets a request in, or says why not (Twilio's message for its 429: [`too_many`]).
    pub(crate) fn admit(&self) -> Result<Admitted<'_>, &'static str> {
        let mut admitted = Admitted(None);
        if let Some(max) = self.limit.in_flight {
            let before = self.in_flight.fetch_add(1, Ordering::AcqRel);
            admitted = Admitted(Some(&self.in_flight));
            if before >= max as usize {
                return Err("Too many concurrent requests");
            }
        }
        if let Some(rate) = self.limit.per_second {
            let rate = f64::from(rate);
            let mut bucket = self
                .bucket
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            let refilled = bucket.0 + now.duration_since(bucket.1).as_secs_f64() * rate;
            *bucket = (refilled.min(rate), now);
            if bucket.0 < 1.0 {
                return Err("Too many requests");
            }
            bucket.0 -= 1.0;
        }
        Ok(admitted)
    }
}

/// Twilio's answer to a request over the account's limits.
pub(crate) fn too_many(message: &str) -> hyper::Response<SandboxBody> {
    let mut response = error_response(StatusCode::TOO_MANY_REQUESTS, 20429, message);
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_limit_admits_everything() {
        let limits = Limits::new(AccountLimit::none());
        let admitted: Vec<_> = (0..1000).map(|_| limits.admit()).collect();
        assert!(admitted.iter().all(Result::is_ok));
    }

    #[test]
    fn in_flight_admits_that_many_at_once() {
        let limits = Limits::new(AccountLimit::none().in_flight(2));
        let first = limits.admit().unwrap();
        let _second = limits.admit().unwrap();
        let refused = too_many(limits.admit().unwrap_err());
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers()[RETRY_AFTER], "1");
        drop(first);
        assert!(limits.admit().is_ok(), "a place freed is taken again");
    }

    #[test]
    fn per_second_admits_a_second_s_worth_then_refills() {
        let limits = Limits::new(AccountLimit::none().per_second(5));
        let admitted = (0..8).filter(|_| limits.admit().is_ok()).count();
        assert_eq!(admitted, 5);
        std::thread::sleep(std::time::Duration::from_millis(450));
        let again = (0..8).filter(|_| limits.admit().is_ok()).count();
        assert!((2..=3).contains(&again), "{again} after 0.45 s at 5/s");
    }
}
