//! `RetryTransport` over a `ReplayTransport`, with recorded sleeps and a fixed clock: every
//! test runs instantly and deterministically.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use twilio_transport::retry::{Jitter, NoJitter};
use twilio_transport::test_util::{
    FixedClock, RecordingSleeper, ReplayEvent, ReplayTransport, get, json_response, post_form,
};
use twilio_transport::{
    Attempt, HttpTransport, Retries, RetryPolicy, RetryReason, RetryTransport, TransportError,
    TransportErrorKind,
};

const URL: &str = "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls/CA1/Events.json";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn with_header(
    mut response: http::Response<Bytes>,
    name: &str,
    value: &str,
) -> http::Response<Bytes> {
    response.headers_mut().insert(
        http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
        http::HeaderValue::from_str(value).unwrap(),
    );
    response
}

fn error(kind: TransportErrorKind, message: &str) -> TransportError {
    TransportError::new(kind, http::Method::GET, URL, message)
}

/// A retrying transport over `events`, with deterministic backoff (the ceiling itself).
fn retrying(
    events: Vec<ReplayEvent>,
) -> (
    RetryTransport<ReplayTransport>,
    ReplayTransport,
    RecordingSleeper,
) {
    let replay = ReplayTransport::new(events);
    let sleeper = RecordingSleeper::new();
    let transport = RetryTransport::new(replay.clone())
        .with_sleeper(sleeper.clone())
        .with_jitter(NoJitter);
    (transport, replay, sleeper)
}

fn attempts(response: &http::Response<Bytes>) -> u32 {
    response.extensions().get::<Attempt>().unwrap().number()
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off_then_succeeds() {
    let (transport, replay, sleeper) = retrying(vec![
        ReplayEvent::response(json_response(429, r#"{"code":20429}"#)),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    let response = transport.send(get(URL)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(attempts(&response), 2);
    assert_eq!(sleeper.durations(), [ms(100)]);
    let sent: Vec<u32> = replay
        .requests()
        .iter()
        .map(|r| r.extensions().get::<Attempt>().unwrap().number())
        .collect();
    assert_eq!(sent, [1, 2]);
    assert!(replay.requests().iter().all(|r| r.uri() == URL));
}

#[tokio::test]
async fn a_429_with_retry_after_seconds_waits_that_long() {
    let (transport, _replay, sleeper) = retrying(vec![
        ReplayEvent::response(with_header(json_response(429, "{}"), "retry-after", "7")),
        ReplayEvent::response(with_header(json_response(429, "{}"), "retry-after", "0")),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    let response = transport.send(get(URL)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(attempts(&response), 3);
    assert_eq!(
        sleeper.durations(),
        [Duration::from_secs(7), Duration::ZERO]
    );
}

#[tokio::test]
async fn a_retry_after_http_date_is_counted_from_the_clock() {
    // Wed, 21 Oct 2015 07:28:00 GMT is 1_445_412_480 s after the epoch.
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480 - 12);
    let (transport, _replay, sleeper) = retrying(vec![
        ReplayEvent::response(with_header(
            json_response(503, "{}"),
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        )),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    let transport = transport.with_clock(FixedClock(now));
    let response = transport.send(get(URL)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(sleeper.durations(), [Duration::from_secs(12)]);
}

#[tokio::test]
async fn an_unparsable_retry_after_falls_back_to_backoff() {
    let (transport, _replay, sleeper) = retrying(vec![
        ReplayEvent::response(with_header(json_response(429, "{}"), "retry-after", "soon")),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    transport.send(get(URL)).await.unwrap();
    assert_eq!(sleeper.durations(), [ms(100)]);
}

#[tokio::test]
async fn a_retry_after_beyond_the_ceiling_returns_the_response_at_once() {
    let (transport, replay, sleeper) = retrying(vec![
        ReplayEvent::response(with_header(
            json_response(429, "slow down"),
            "retry-after",
            "31",
        )),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    let response = transport.send(get(URL)).await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.body(), "slow down");
    assert_eq!(attempts(&response), 1);
    assert!(sleeper.durations().is_empty());
    assert_eq!(replay.remaining(), 1);

    // A higher ceiling lets the same wait happen.
    let (transport, _replay, sleeper) = retrying(vec![
        ReplayEvent::response(with_header(json_response(429, "{}"), "retry-after", "31")),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    let transport =
        transport.with_policy(RetryPolicy::default().max_retry_after(Duration::from_secs(60)));
    assert_eq!(transport.send(get(URL)).await.unwrap().status(), 200);
    assert_eq!(sleeper.durations(), [Duration::from_secs(31)]);
}

#[tokio::test]
async fn server_errors_back_off_exponentially_then_succeed() {
    let (transport, _replay, sleeper) = retrying(vec![
        ReplayEvent::response(json_response(503, "{}")),
        ReplayEvent::response(json_response(502, "{}")),
        ReplayEvent::response(json_response(200, "done")),
    ]);
    let response = transport.send(get(URL)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "done");
    assert_eq!(attempts(&response), 3);
    assert_eq!(sleeper.durations(), [ms(100), ms(200)]);
}

#[tokio::test]
async fn other_client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 409] {
        let (transport, replay, sleeper) = retrying(vec![
            ReplayEvent::response(json_response(status, "nope")),
            ReplayEvent::response(json_response(200, "{}")),
        ]);
        let response = transport.send(get(URL)).await.unwrap();
        assert_eq!(response.status(), status);
        assert_eq!(attempts(&response), 1);
        assert!(sleeper.durations().is_empty());
        assert_eq!(replay.remaining(), 1);
    }
}

#[tokio::test]
async fn a_write_is_not_repeated_once_it_may_have_been_applied() {
    let (transport, replay, sleeper) = retrying(vec![
        ReplayEvent::response(json_response(503, "unavailable")),
        ReplayEvent::response(json_response(201, "{}")),
    ]);
    let response = transport.send(post_form(URL, "To=1")).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(replay.requests().len(), 1);
    assert!(sleeper.durations().is_empty());

    let (transport, replay, _sleeper) = retrying(vec![ReplayEvent::error(error(
        TransportErrorKind::Timeout,
        "slow",
    ))]);
    let failure = transport.send(post_form(URL, "To=1")).await.unwrap_err();
    assert_eq!(failure.kind(), TransportErrorKind::Timeout);
    assert_eq!(replay.requests().len(), 1);

    for kind in [TransportErrorKind::Io, TransportErrorKind::BodyTooLarge] {
        let (transport, replay, _sleeper) = retrying(vec![
            ReplayEvent::error(error(kind, "cut after sending")),
            ReplayEvent::response(json_response(201, "{}")),
        ]);
        let failure = transport.send(post_form(URL, "To=1")).await.unwrap_err();
        assert_eq!(failure.kind(), kind);
        assert_eq!(replay.requests().len(), 1, "{kind:?}");
    }
}

#[tokio::test]
async fn a_write_is_repeated_after_a_429_or_when_it_never_left() {
    let (transport, replay, sleeper) = retrying(vec![
        ReplayEvent::response(with_header(
            json_response(429, "slow down"),
            "Retry-After",
            "2",
        )),
        ReplayEvent::error(error(TransportErrorKind::Connect, "refused")),
        ReplayEvent::response(json_response(201, "{}")),
    ]);
    let response = transport.send(post_form(URL, "To=1")).await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(attempts(&response), 3);
    assert_eq!(replay.requests().len(), 3);
    assert_eq!(sleeper.durations(), [ms(2000), ms(200)]);
    let retries = response.extensions().get::<Retries>().unwrap();
    assert_eq!(
        retries.0,
        [
            RetryReason::Status(http::StatusCode::TOO_MANY_REQUESTS),
            RetryReason::Error(TransportErrorKind::Connect)
        ]
    );
    assert!(
        !retries.any_outcome_unknown(),
        "neither attempt was applied"
    );
    for request in replay.requests() {
        assert_eq!(request.body(), "To=1");
    }
}

#[tokio::test]
async fn a_request_that_says_nothing_is_treated_as_a_write() {
    let (transport, replay, _sleeper) = retrying(vec![
        ReplayEvent::response(json_response(503, "unavailable")),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    let mut request = get(URL);
    request.extensions_mut().clear();
    assert_eq!(transport.send(request).await.unwrap().status(), 503);
    assert_eq!(replay.requests().len(), 1);
}

#[tokio::test]
async fn an_idempotent_delete_is_retried() {
    let (transport, replay, _sleeper) = retrying(vec![
        ReplayEvent::response(json_response(502, "bad gateway")),
        ReplayEvent::response(json_response(204, "")),
    ]);
    let mut request = get(URL);
    *request.method_mut() = http::Method::DELETE;
    let response = transport.send(request).await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(replay.requests().len(), 2);
    assert!(
        response
            .extensions()
            .get::<Retries>()
            .unwrap()
            .any_outcome_unknown(),
        "the 502'd attempt may have deleted it"
    );
}

#[tokio::test]
async fn head_and_options_are_retried() {
    for method in [http::Method::HEAD, http::Method::OPTIONS] {
        let (transport, _replay, sleeper) = retrying(vec![
            ReplayEvent::response(json_response(500, "")),
            ReplayEvent::response(json_response(200, "")),
        ]);
        let mut request = get(URL);
        *request.method_mut() = method;
        assert_eq!(transport.send(request).await.unwrap().status(), 200);
        assert_eq!(sleeper.durations().len(), 1);
    }
}

#[tokio::test]
async fn exhausted_retries_return_the_last_response() {
    let (transport, replay, sleeper) = retrying(vec![
        ReplayEvent::response(json_response(500, "first")),
        ReplayEvent::response(json_response(504, "second")),
        ReplayEvent::response(json_response(503, "third")),
        ReplayEvent::response(json_response(500, r#"{"code":20500,"message":"last"}"#)),
        ReplayEvent::response(json_response(200, "never")),
    ]);
    let response = transport.send(get(URL)).await.unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(response.body(), r#"{"code":20500,"message":"last"}"#);
    assert_eq!(attempts(&response), 4);
    assert_eq!(sleeper.durations(), [ms(100), ms(200), ms(400)]);
    assert_eq!(replay.remaining(), 1);
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error() {
    let (transport, replay, sleeper) = retrying(vec![
        ReplayEvent::error(error(TransportErrorKind::Connect, "refused 1")),
        ReplayEvent::error(error(TransportErrorKind::Timeout, "slow 2")),
        ReplayEvent::error(error(TransportErrorKind::Io, "reset 3")),
        ReplayEvent::error(error(TransportErrorKind::Connect, "refused 4")),
    ]);
    let transport = transport.with_policy(RetryPolicy::default().max_retries(3));
    let failure = transport.send(get(URL)).await.unwrap_err();
    assert_eq!(failure.kind(), TransportErrorKind::Connect);
    assert!(failure.to_string().contains("refused 4"), "{failure}");
    assert_eq!(sleeper.durations(), [ms(100), ms(200), ms(400)]);
    assert_eq!(replay.remaining(), 0);
}

#[tokio::test]
async fn a_connection_error_is_retried() {
    let (transport, _replay, sleeper) = retrying(vec![
        ReplayEvent::error(error(TransportErrorKind::Connect, "refused")),
        ReplayEvent::error(error(TransportErrorKind::Io, "cut off")),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    let response = transport.send(get(URL)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(attempts(&response), 3);
    assert_eq!(sleeper.durations(), [ms(100), ms(200)]);
}

#[tokio::test]
async fn non_retryable_errors_are_returned_at_once() {
    for kind in [
        TransportErrorKind::BodyTooLarge,
        TransportErrorKind::Refused,
        TransportErrorKind::Other,
    ] {
        let (transport, replay, sleeper) = retrying(vec![
            ReplayEvent::error(error(kind, "final")),
            ReplayEvent::response(json_response(200, "{}")),
        ]);
        let failure = transport.send(get(URL)).await.unwrap_err();
        assert_eq!(failure.kind(), kind);
        assert!(sleeper.durations().is_empty());
        assert_eq!(replay.remaining(), 1);
    }
}

#[tokio::test]
async fn the_policy_bounds_retries_and_delays() {
    let events = || {
        (0..10)
            .map(|_| ReplayEvent::response(json_response(503, "{}")))
            .collect::<Vec<_>>()
    };
    let (transport, replay, sleeper) = retrying(events());
    let transport = transport.with_policy(
        RetryPolicy::default()
            .max_retries(6)
            .base_delay(ms(250))
            .max_delay(ms(1500)),
    );
    assert_eq!(transport.send(get(URL)).await.unwrap().status(), 503);
    assert_eq!(
        sleeper.durations(),
        [ms(250), ms(500), ms(1000), ms(1500), ms(1500), ms(1500)]
    );
    assert_eq!(replay.requests().len(), 7);

    let (transport, replay, sleeper) = retrying(events());
    let transport = transport.with_policy(RetryPolicy::never());
    assert_eq!(transport.send(get(URL)).await.unwrap().status(), 503);
    assert!(sleeper.durations().is_empty());
    assert_eq!(replay.requests().len(), 1);
}

#[derive(Debug)]
struct Half;

impl Jitter for Half {
    fn pick(&self, ceiling: Duration) -> Duration {
        ceiling / 2
    }
}

#[tokio::test]
async fn the_jitter_picks_below_the_ceiling() {
    let (transport, _replay, sleeper) = retrying(vec![
        ReplayEvent::response(json_response(503, "{}")),
        ReplayEvent::response(json_response(503, "{}")),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    let transport = transport.with_jitter(Half);
    transport.send(get(URL)).await.unwrap();
    assert_eq!(sleeper.durations(), [ms(50), ms(100)]);

    // The default, random jitter stays within [0, ceiling].
    let replay =
        ReplayTransport::new((0..4).map(|_| ReplayEvent::response(json_response(503, "{}"))));
    let sleeper = RecordingSleeper::new();
    let transport = RetryTransport::new(replay).with_sleeper(sleeper.clone());
    transport.send(get(URL)).await.unwrap();
    let slept = sleeper.durations();
    assert_eq!(slept.len(), 3);
    for (delay, ceiling) in slept.iter().zip([ms(100), ms(200), ms(400)]) {
        assert!(*delay <= ceiling, "{delay:?} > {ceiling:?}");
    }
}

#[tokio::test]
async fn works_behind_a_shared_trait_object() {
    let replay = ReplayTransport::new([ReplayEvent::response(json_response(200, "{}"))]);
    let inner: std::sync::Arc<dyn HttpTransport> = std::sync::Arc::new(replay);
    let transport: std::sync::Arc<dyn HttpTransport> =
        std::sync::Arc::new(RetryTransport::new(inner));
    assert_eq!(transport.send(get(URL)).await.unwrap().status(), 200);
    assert!(format!("{transport:?}").starts_with("RetryTransport { inner: ReplayTransport"));
}

#[tokio::test]
async fn on_retry_callbacks_see_each_retry_before_its_delay() {
    use std::sync::{Arc, Mutex};
    use twilio_transport::{RetryEvent, RetryReason};

    let (transport, _replay, sleeper) = retrying(vec![
        ReplayEvent::response(with_header(
            json_response(503, "{}"),
            "twilio-request-id",
            "RQfirst",
        )),
        ReplayEvent::error(error(TransportErrorKind::Timeout, "slow")),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    let seen: Arc<Mutex<Vec<(RetryEvent, usize)>>> = Arc::default();
    let (log, sleeps) = (Arc::clone(&seen), sleeper.clone());
    let transport = transport
        .on_retry(move |event| {
            // Called before the delay: the sleeper has not slept for this retry yet.
            log.lock()
                .unwrap()
                .push((event.clone(), sleeps.durations().len()));
        })
        .on_retry(|_| {});
    let response = transport.send(get(URL)).await.unwrap();
    assert_eq!(attempts(&response), 3);

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    let (first, slept_before_first) = &seen[0];
    assert_eq!(*slept_before_first, 0);
    assert_eq!(first.method, http::Method::GET);
    assert_eq!(first.url, URL);
    assert_eq!(first.attempt, Attempt::FIRST);
    assert_eq!(
        first.reason,
        RetryReason::Status(http::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(first.reason.to_string(), "status 503");
    assert_eq!(first.delay, ms(100));
    assert_eq!(first.request_id.as_deref(), Some("RQfirst"));
    let (second, slept_before_second) = &seen[1];
    assert_eq!(*slept_before_second, 1);
    assert_eq!(second.attempt, Attempt::new(2));
    assert_eq!(
        second.reason,
        RetryReason::Error(TransportErrorKind::Timeout)
    );
    assert_eq!(second.delay, ms(200));
    assert_eq!(second.request_id, None);
    assert_eq!(sleeper.durations(), [ms(100), ms(200)]);
}

#[tokio::test]
async fn on_retry_is_not_called_when_nothing_is_retried() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let (transport, _replay, _sleeper) = retrying(vec![
        ReplayEvent::response(json_response(404, "{}")),
        ReplayEvent::response(json_response(200, "{}")),
    ]);
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let transport = transport.on_retry(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let response = transport.send(get(URL)).await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
