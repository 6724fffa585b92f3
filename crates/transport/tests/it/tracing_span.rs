//! The `twilio.http` span: its fields, and that neither headers nor query strings are logged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use support::{TestServer, full};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use twilio_transport::test_util::RecordingSleeper;
use twilio_transport::{Attempt, HttpTransport, HyperTransport, RetryTransport};

/// Everything logged: for each span its name and fields, and each event's fields.
#[derive(Debug, Default)]
struct Log {
    spans: Vec<(String, Vec<(String, String)>)>,
    events: Vec<Vec<(String, String)>>,
}

#[derive(Clone, Default)]
struct Recorder {
    log: Arc<Mutex<Log>>,
    next_id: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        let mut log = self.log.lock().unwrap();
        log.spans.push((span.metadata().name().to_owned(), fields));
        self.next_id.fetch_add(1, Ordering::SeqCst);
        Id::from_u64(log.spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut log = self.log.lock().unwrap();
        let index = usize::try_from(span.into_u64()).unwrap() - 1;
        values.record(&mut Fields(&mut log.spans[index].1));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.log.lock().unwrap().events.push(fields);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn one_span_per_attempt_without_headers_or_query() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = TestServer::start(move |_| {
        let call = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            let mut response = http::Response::new(full("{}"));
            let id = format!("RQ{call}");
            response
                .headers_mut()
                .insert("twilio-request-id", id.parse().unwrap());
            if call == 0 {
                *response.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
            }
            response
        }
    })
    .await;
    let transport = RetryTransport::new(
        HyperTransport::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    )
    .with_sleeper(RecordingSleeper::new());
    let mut request = http::Request::get(server.url("/2010-04-01/Calls.json?PageToken=PAsecret"))
        .extension(twilio_transport::RetrySafety::Idempotent)
        .body(Bytes::new())
        .unwrap();
    request.headers_mut().insert(
        http::header::AUTHORIZATION,
        http::HeaderValue::from_static("Basic QUMxOnRva2Vu"),
    );
    let response = transport.send(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.extensions().get::<Attempt>(),
        Some(&Attempt::new(2))
    );

    let log = recorder.log.lock().unwrap();
    let spans: Vec<&Vec<(String, String)>> = log
        .spans
        .iter()
        .filter(|(name, _)| name == "twilio.http")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(spans.len(), 2, "{log:?}");
    let url = server.url("/2010-04-01/Calls.json");
    for (index, (fields, status)) in spans.iter().zip(["503", "200"]).enumerate() {
        assert_eq!(field(fields, "method"), Some("GET"));
        assert_eq!(field(fields, "url"), Some(url.as_str()));
        assert_eq!(
            field(fields, "attempt"),
            Some((index + 1).to_string().as_str())
        );
        assert_eq!(field(fields, "status"), Some(status));
        assert_eq!(
            field(fields, "request_id"),
            Some(format!("RQ{index}").as_str())
        );
        assert_eq!(field(fields, "proxy"), None, "no proxy is configured");
        assert!(field(fields, "duration_ms").unwrap().parse::<u64>().is_ok());
    }
    let retry_event = log
        .events
        .iter()
        .find(|fields| field(fields, "message") == Some("retrying a Twilio request"))
        .expect("a retry event");
    assert_eq!(field(retry_event, "reason"), Some("status 503"));
    assert_eq!(field(retry_event, "request_id"), Some("RQ0"));
    assert_eq!(field(retry_event, "url"), Some(url.as_str()));

    let everything = format!("{log:?}");
    for secret in ["PAsecret", "PageToken", "QUMxOnRva2Vu", "uthorization"] {
        assert!(
            !everything.contains(secret),
            "{secret} was logged: {everything}"
        );
    }
}
