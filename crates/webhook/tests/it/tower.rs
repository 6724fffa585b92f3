//! The tower layer (feature `tower`): signed requests reach the inner service with their
//! body and the [`Verified`] outcome; everything else is answered before it runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full};
use tower_layer::Layer as _;
use tower_service::Service;
use twilio_webhook::tower::TwilioSignatureLayer;
use twilio_webhook::{Error, Signer, Validator, Verified};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const BASE: &str = "https://hooks.example.com";

/// What the inner service saw.
#[derive(Debug, Clone)]
struct Seen {
    path_and_query: String,
    body: Bytes,
    verified: Option<Verified>,
}

/// An inner service that records its requests and answers 200 "handled".
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Service<Request<Full<Bytes>>> for Recorder {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Full<Bytes>>) -> Self::Future {
        let seen = Arc::clone(&self.seen);
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = body.collect().await.unwrap().to_bytes();
            seen.lock().unwrap().push(Seen {
                path_and_query: parts.uri.path_and_query().unwrap().to_string(),
                body,
                verified: parts.extensions.get::<Verified>().copied(),
            });
            Ok(Response::new(Full::new(Bytes::from_static(b"handled"))))
        })
    }
}

fn layer() -> TwilioSignatureLayer {
    let validator = Validator::from_tokens(["a-newer-token".into(), TOKEN.into()]).unwrap();
    TwilioSignatureLayer::new(validator, BASE).unwrap()
}

fn signer() -> Signer {
    Signer::new(TOKEN.into()).unwrap()
}

fn form_request(path: &str, body: &'static str, signature: Option<&str>) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(signature) = signature {
        builder = builder.header("x-twilio-signature", signature);
    }
    builder
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .unwrap()
}

async fn send<S>(service: &mut S, request: Request<Full<Bytes>>) -> (StatusCode, String)
where
    S: Service<Request<Full<Bytes>>>,
    S::Response: Into<Response<twilio_webhook::tower::ResponseBody<Full<Bytes>>>>,
    S::Error: std::fmt::Debug,
{
    std::future::poll_fn(|cx| service.poll_ready(cx))
        .await
        .unwrap();
    let response: Response<_> = service.call(request).await.unwrap().into();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

const STATUS_BODY: &str = "CallSid=CA0000000000000000000000000000abcd&CallStatus=completed&From=%2B14155550100&To=%2B14155550123&Caller=%2B14155550100";

fn status_params() -> Vec<(&'static str, &'static str)> {
    vec![
        ("CallSid", "CA0000000000000000000000000000abcd"),
        ("CallStatus", "completed"),
        ("From", "+14155550100"),
        ("To", "+14155550123"),
        ("Caller", "+14155550100"),
    ]
}

#[tokio::test]
async fn a_signed_form_webhook_reaches_the_handler_with_its_body() {
    let recorder = Recorder::default();
    let mut service = layer().layer(recorder.clone());
    let path = "/twilio/status?tenant=7";
    let signature = signer().sign(&format!("{BASE}{path}"), &status_params());
    let (status, body) = send(
        &mut service,
        form_request(path, STATUS_BODY, Some(&signature)),
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "handled"));
    let seen = recorder.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path_and_query, path);
    assert_eq!(seen[0].body, STATUS_BODY.as_bytes());
    // Signed with the second token of the rotation.
    assert_eq!(seen[0].verified.map(|v| v.token_index), Some(1));
}

#[tokio::test]
async fn unsigned_and_wrongly_signed_requests_get_403_and_never_reach_the_handler() {
    let recorder = Recorder::default();
    let mut service = layer().layer(recorder.clone());
    let path = "/twilio/status";
    let good = signer().sign(&format!("{BASE}{path}"), &status_params());
    let other_path = signer().sign(&format!("{BASE}/elsewhere"), &status_params());
    let forged_body = "CallSid=CA0000000000000000000000000000abcd&CallStatus=completed&From=%2B14155550100&To=%2B19005550199&Caller=%2B14155550100";
    for (request, why) in [
        (
            form_request(path, STATUS_BODY, None),
            "no X-Twilio-Signature",
        ),
        (
            form_request(path, STATUS_BODY, Some("not base64!")),
            "malformed",
        ),
        (
            form_request(path, STATUS_BODY, Some(&other_path)),
            "does not match https://hooks.example.com/twilio/status with 5 parameter(s) under 2 auth token(s)",
        ),
        (
            form_request(path, forged_body, Some(&good)),
            "does not match",
        ),
        (
            form_request("/twilio/status?extra=1", STATUS_BODY, Some(&good)),
            "does not match",
        ),
    ] {
        let (status, body) = send(&mut service, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{why}: {body}");
        assert!(body.contains(why), "{why}: {body}");
        assert!(!body.contains(TOKEN));
    }
    // Two signature headers: which one would count? Neither.
    let mut twice = form_request(path, STATUS_BODY, Some(&good));
    twice
        .headers_mut()
        .append("x-twilio-signature", good.parse().unwrap());
    let (status, body) = send(&mut service, twice).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("malformed"), "{body}");
    assert!(recorder.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn json_bodies_are_checked_against_body_sha256() {
    let recorder = Recorder::default();
    let mut service = layer().layer(recorder.clone());
    let json = br#"{"CallSid":"CA0000000000000000000000000000abcd","status":"completed"}"#;
    let signed = signer().sign_body(&format!("{BASE}/twilio/events"), json);
    let path = signed.url.strip_prefix(BASE).unwrap().to_owned();
    let request = |body: &'static [u8], path: &str| {
        Request::post(path)
            .header("content-type", "application/json")
            .header("x-twilio-signature", &signed.signature)
            .body(Full::new(Bytes::from_static(body)))
            .unwrap()
    };
    let (status, _) = send(&mut service, request(json, &path)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = send(
        &mut service,
        request(
            br#"{"CallSid":"CA0000000000000000000000000000abcd","status":"failed"}"#,
            &path,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("body's SHA-256 does not match"), "{body}");
    // Without bodySHA256 in the URL, a JSON body is covered by nothing: refused.
    let unsigned = signer().sign::<&str, &str>(&format!("{BASE}/twilio/events"), &[]);
    let mut bare = request(json, "/twilio/events");
    bare.headers_mut()
        .insert("x-twilio-signature", unsigned.parse().unwrap());
    let (status, body) = send(&mut service, bare).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("not covered by the signature"), "{body}");
    let seen = recorder.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, json.as_slice());
}

#[tokio::test]
async fn get_webhooks_sign_the_url_alone() {
    let recorder = Recorder::default();
    let mut service = layer().layer(recorder.clone());
    let path = "/twilio/voice?CallSid=CA0000000000000000000000000000abcd&From=%2B14155550100";
    let signature = signer().sign::<&str, &str>(&format!("{BASE}{path}"), &[]);
    let request = Request::get(path)
        .header("x-twilio-signature", &signature)
        .body(Full::new(Bytes::new()))
        .unwrap();
    let (status, _) = send(&mut service, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(recorder.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_and_a_port() {
    let recorder = Recorder::default();
    let validator = Validator::new(TOKEN.into()).unwrap();
    let mut service = TwilioSignatureLayer::new(validator, "https://example.com:443/prefix/")
        .unwrap()
        .layer(recorder.clone());
    // Twilio was given the URL without the port; the layer tries both spellings.
    let signature = signer().sign("https://example.com/prefix/status", &status_params());
    let (status, body) = send(
        &mut service,
        form_request("/status", STATUS_BODY, Some(&signature)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_whether_declared_or_not() {
    let recorder = Recorder::default();
    let mut service = layer().body_limit(64).layer(recorder.clone());
    let signature = signer().sign(&format!("{BASE}/status"), &status_params());
    // Full declares its exact size; the layer also counts what streams in.
    let (status, body) = send(
        &mut service,
        form_request("/status", STATUS_BODY, Some(&signature)),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.contains("larger than 64 bytes"), "{body}");
    let mut declared = form_request("/status", "a=1", Some(&signature));
    declared
        .headers_mut()
        .insert("content-length", "100000".parse().unwrap());
    let (status, _) = send(&mut service, declared).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(recorder.seen.lock().unwrap().is_empty());
}

#[test]
fn base_urls_must_be_absolute_http_and_bare() {
    let validator = || Validator::new(TOKEN.into()).unwrap();
    for base in [
        "hooks.example.com",
        "ftp://hooks.example.com",
        "https://hooks.example.com/?a=1",
        "https://hooks.example.com/#x",
        "https://user:s3cret@hooks.example.com?x",
    ] {
        let err = TwilioSignatureLayer::new(validator(), base).unwrap_err();
        assert!(matches!(err, Error::InvalidUrl { .. }), "{base}: {err}");
        assert!(!err.to_string().contains("s3cret"), "{err}");
    }
    let layer =
        TwilioSignatureLayer::new(validator(), "https://u:s3cret@hooks.example.com").unwrap();
    let debug = format!("{:?} {:?}", layer, layer.layer(Recorder::default()));
    assert!(
        !debug.contains("s3cret") && !debug.contains(TOKEN),
        "{debug}"
    );
}
