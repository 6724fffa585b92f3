//! Webhooks end to end, over real loopback sockets: the sandbox sends its calls' status
//! callbacks, signed with its own code; an axum server behind `twilio-webhook`'s tower layer
//! receives and verifies them; `twilio-api webhook verify` (the built binary) verifies them
//! again; forged ones are refused by both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::routing::post;
use bytes::Bytes;
use tokio::net::TcpListener;
use twilio_e2e::{cli_binary, cli_command};
use twilio_sandbox::{Sandbox, SandboxError};
use twilio_transport::{HttpTransport, HyperTransport};
use twilio_webhook::tower::TwilioSignatureLayer;
use twilio_webhook::{Validator, Verified, parse_form};

/// One webhook as the handler behind the layer received it.
#[derive(Debug, Clone)]
struct Received {
    path_and_query: String,
    signature: String,
    content_type: String,
    user_agent: String,
    body: Bytes,
    verified: Option<Verified>,
}

impl Received {
    fn params(&self) -> Vec<(String, String)> {
        parse_form(&self.body).unwrap()
    }

    fn param(&self, name: &str) -> String {
        self.params()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no {name} in {:?}", self.params()))
    }
}

type Inbox = Arc<Mutex<Vec<Received>>>;

async fn handler(State(inbox): State<Inbox>, request: Request) -> StatusCode {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    inbox.lock().unwrap().push(Received {
        path_and_query: parts.uri.path_and_query().unwrap().to_string(),
        signature: header("x-twilio-signature"),
        content_type: header("content-type"),
        user_agent: header("user-agent"),
        body,
        verified: parts.extensions.get::<Verified>().copied(),
    });
    StatusCode::NO_CONTENT
}

/// A webhook receiver on loopback: an axum router behind the signature layer. The listener
/// is bound first so that a sandbox can be pointed at it before the auth token is known.
struct Receiver {
    listener: Option<TcpListener>,
    base_url: String,
    inbox: Inbox,
}

impl Receiver {
    async fn bind() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        Self {
            listener: Some(listener),
            base_url,
            inbox: Inbox::default(),
        }
    }

    fn hook_url(&self) -> String {
        format!("{}/twilio/status?tenant=e2e", self.base_url)
    }

    /// Starts serving, verifying with this auth token.
    fn serve(&mut self, auth_token: &str) {
        let validator = Validator::new(auth_token.to_owned().into()).unwrap();
        let layer = TwilioSignatureLayer::new(validator, &self.base_url).unwrap();
        let app = Router::new()
            .route("/twilio/status", post(handler))
            .with_state(Arc::clone(&self.inbox))
            .layer(layer);
        let listener = self.listener.take().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    }

    fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }
}

/// `twilio-api webhook verify` for a received webhook, with `TWILIO_AUTH_TOKEN=token`.
async fn cli_verify(
    token: &str,
    url: &str,
    signature: &str,
    params: &[(String, String)],
) -> Output {
    let mut command = cli_command("AC00000000000000000000000000000000", token);
    command.args(["webhook", "verify", "--url", url, "--signature", signature]);
    for (name, value) in params {
        command.arg("--param").arg(format!("{name}={value}"));
    }
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[tokio::test]
async fn the_sandboxs_signed_status_callbacks_pass_the_tower_layer_and_the_cli() {
    let mut receiver = Receiver::bind().await;
    let sandbox = Sandbox::builder()
        .seed(13)
        .calls(3)
        .call_with_events(2)
        .call_with_events(1)
        .webhook_url(receiver.hook_url())
        .start()
        .await
        .unwrap();
    assert_eq!(sandbox.webhook_url(), Some(receiver.hook_url().as_str()));
    receiver.serve(sandbox.auth_token());
    let deliveries = sandbox.wait_for_webhooks().await;

    // Every status callback was delivered and accepted by the layer (the handler's 204).
    assert_eq!(deliveries.len(), sandbox.status_callback_count());
    assert!(deliveries.len() >= 7, "{deliveries:?}");
    for delivery in &deliveries {
        assert_eq!(
            delivery.status,
            Some(StatusCode::NO_CONTENT),
            "{delivery:?}"
        );
    }
    let received = receiver.received();
    assert_eq!(received.len(), deliveries.len());

    // What arrived is what Twilio sends, and what the sandbox's events say was sent.
    let mut by_call: BTreeMap<String, Vec<Received>> = BTreeMap::new();
    for webhook in &received {
        assert_eq!(webhook.path_and_query, "/twilio/status?tenant=e2e");
        assert_eq!(webhook.content_type, "application/x-www-form-urlencoded");
        assert_eq!(webhook.user_agent, "TwilioProxy/1.1");
        assert_eq!(webhook.verified.map(|v| v.token_index), Some(0));
        assert_eq!(webhook.param("AccountSid"), sandbox.account_sid());
        assert_eq!(webhook.param("ApiVersion"), "2010-04-01");
        assert_eq!(webhook.param("Direction"), "outbound-api");
        assert_eq!(webhook.param("CallbackSource"), "call-progress-events");
        for name in ["From", "To", "Timestamp", "SequenceNumber"] {
            assert!(!webhook.param(name).is_empty(), "{name}");
        }
        by_call
            .entry(webhook.param("CallSid"))
            .or_default()
            .push(webhook.clone());
    }
    for call in sandbox.call_sids() {
        let statuses: Vec<String> = by_call
            .get(&call)
            .map(|w| w.iter().map(|w| w.param("CallStatus")).collect())
            .unwrap_or_default();
        let events = sandbox.events_json(&call).unwrap();
        let recorded: Vec<&serde_json::Value> = events
            .iter()
            .filter(|e| e["request"]["url"] == "https://example.com/twiml/status")
            .map(|e| &e["request"]["parameters"])
            .collect();
        match events.len() {
            1 => assert!(statuses.is_empty(), "{call}: {statuses:?}"),
            2 => assert_eq!(statuses, ["completed"]),
            3 => assert_eq!(statuses, ["initiated", "completed"]),
            _ => assert_eq!(statuses, ["initiated", "ringing", "completed"], "{call}"),
        }
        let sent: Vec<serde_json::Value> = by_call
            .get(&call)
            .into_iter()
            .flatten()
            .map(|w| {
                let map: serde_json::Map<String, serde_json::Value> = w
                    .params()
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect();
                serde_json::Value::Object(map)
            })
            .collect();
        assert_eq!(sent.iter().collect::<Vec<_>>(), recorded, "{call}");
    }
    let completed = received
        .iter()
        .find(|w| w.param("CallStatus") == "completed")
        .unwrap();
    assert!(completed.param("CallDuration").parse::<u64>().is_ok());

    // The built CLI verifies each of them from the URL, the header and the parameters.
    let url = receiver.hook_url();
    for webhook in &received {
        let out = cli_verify(
            sandbox.auth_token(),
            &url,
            &webhook.signature,
            &webhook.params(),
        )
        .await;
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stdout(&out), "valid\n");
    }

    // A changed value, the wrong token, or no token: refused, and it says why.
    let webhook = &received[0];
    let mut forged = webhook.params();
    for (name, value) in &mut forged {
        if name == "CallStatus" {
            *value = "canceled".to_owned();
        }
    }
    let out = cli_verify(sandbox.auth_token(), &url, &webhook.signature, &forged).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("does not match") && err.lines().count() == 1,
        "{err}"
    );
    assert!(!err.contains(sandbox.auth_token()));
    let out = cli_verify(
        "0".repeat(32).as_str(),
        &url,
        &webhook.signature,
        &webhook.params(),
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = cli_verify("", &url, &webhook.signature, &webhook.params()).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("TWILIO_AUTH_TOKEN"));

    // Over HTTP: a forged body, no signature, or a JSON body nothing covers get 403 from the
    // layer and never reach the handler; the webhook as sent is accepted again.
    let transport = HyperTransport::new().unwrap();
    let post = |body: Bytes, signature: Option<&str>, content_type: &str| {
        let mut request = http::Request::post(&url).header("content-type", content_type);
        if let Some(signature) = signature {
            request = request.header("x-twilio-signature", signature);
        }
        request.body(body).unwrap()
    };
    let form = "application/x-www-form-urlencoded";
    let forged_body = String::from_utf8(webhook.body.to_vec()).unwrap().replacen(
        "CallStatus=",
        "CallStatus=x",
        1,
    );
    let before = receiver.received().len();
    for (request, why) in [
        (
            post(Bytes::from(forged_body), Some(&webhook.signature), form),
            "does not match",
        ),
        (
            post(webhook.body.clone(), None, form),
            "no X-Twilio-Signature",
        ),
        (
            post(
                Bytes::from_static(b"{}"),
                Some(&webhook.signature),
                "application/json",
            ),
            "not covered by the signature",
        ),
    ] {
        let response = transport.send(request).await.unwrap();
        let body = String::from_utf8(response.body().to_vec()).unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{why}: {body}");
        assert!(body.contains(why), "{why}: {body}");
    }
    assert_eq!(receiver.received().len(), before);
    let response = transport
        .send(post(webhook.body.clone(), Some(&webhook.signature), form))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    sandbox.shutdown().await;
}

/// Stops a child process however the test ends, so that none outlives it.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn sandbox_serve_webhook_url_sends_signed_callbacks_and_reports_them() {
    let mut receiver = Receiver::bind().await;
    let mut server = Command::new(cli_binary())
        .args(["sandbox", "serve", "--bind", "127.0.0.1:0", "--seed", "5"])
        .args(["--calls", "2", "--webhook-url", &receiver.hook_url()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout_pipe = server.stdout.take().unwrap();
    let _server = KillOnDrop(server);
    let mut lines = BufReader::new(stdout_pipe).lines();
    let mut token = None;
    let mut announced = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(value) = line.trim().strip_prefix("auth token:") {
            token = Some(value.trim().to_owned());
        }
        if line.starts_with("sending ") {
            announced = Some(line.clone());
        }
        if line.starts_with("press Ctrl-C") {
            break;
        }
    }
    let token = token.expect("the summary prints the auth token");
    let announced = announced.expect("the summary says where the callbacks go");
    assert!(
        announced.contains(&format!("status callbacks to {}", receiver.hook_url())),
        "{announced}"
    );
    let expected: usize = announced
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap();
    receiver.serve(&token);
    // Then one line says how they went.
    let report = tokio::task::spawn_blocking(move || {
        lines
            .map(Result::unwrap)
            .find(|l| l.starts_with("status callbacks:"))
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        report,
        format!("status callbacks: {expected} sent, {expected} answered 2xx")
    );
    let received = receiver.received();
    assert_eq!(received.len(), expected);
    assert!(expected >= 2);
    let url = receiver.hook_url();
    let out = cli_verify(&token, &url, &received[0].signature, &received[0].params()).await;
    assert!(out.status.success(), "{}", stderr(&out));
}

#[tokio::test]
async fn webhook_urls_off_loopback_are_refused_before_anything_is_sent() {
    for (url, why) in [
        ("http://10.0.0.1/hook", "not loopback"),
        ("http://example.com/hook", "not loopback"),
        ("https://127.0.0.1/hook", "https is not supported"),
        ("http://user:s3cret@127.0.0.1/hook", "credentials"),
    ] {
        let err = Sandbox::builder()
            .webhook_url(url)
            .start()
            .await
            .unwrap_err();
        assert!(
            matches!(err, SandboxError::WebhookUrl { .. }),
            "{url}: {err}"
        );
        assert!(err.to_string().contains(why), "{url}: {err}");
        assert!(!err.to_string().contains("s3cret"), "{err}");
        let out = Command::new(cli_binary())
            .args([
                "sandbox",
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--webhook-url",
                url,
            ])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains(why), "{url}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "nothing started: {}", stdout(&out));
    }
}

#[tokio::test]
async fn cli_sign_and_verify_agree_with_the_crate_and_the_official_vectors() {
    let token = "12345";
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let params = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
        ("Caller", "+14158675309"),
    ];
    // twilio/twilio-python tests/unit/test_request_validator.py: test_compute_signature.
    let mut sign = cli_command("AC00000000000000000000000000000000", token);
    sign.args(["webhook", "sign", "--url", url]);
    for (name, value) in params {
        sign.arg("--param").arg(format!("{name}={value}"));
    }
    let out = sign.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "RSOYDt4T1cUTdK1PDd93/VVr8B8=\n");
    let owned: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    // The same with port 1234 (the port is removed, as every official validator does).
    let with_port = "https://mycompany.com:1234/myapp.php?foo=1&bar=2";
    let out = cli_verify(token, with_port, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", &owned).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cli_verify(token, url, "not-a-signature", &owned).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("malformed"), "{}", stderr(&out));

    // A JSON body: sign prints the signature and the URL to send it to; verify checks both.
    let dir = std::env::temp_dir().join(format!("twilio-webhook-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body_file = dir.join("body.json");
    std::fs::write(&body_file, br#"{"property": "value", "boolean": true}"#).unwrap();
    let mut sign = cli_command("AC00000000000000000000000000000000", token);
    sign.args(["webhook", "sign", "--url", url, "--body-file"])
        .arg(&body_file);
    let out = sign.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    let lines: Vec<&str> = printed.lines().collect();
    // twilio/twilio-java RequestValidatorTest.java: testValidateWithBody.
    assert_eq!(
        lines,
        [
            "a9nBmqA0ju/hNViExpshrM61xv4=",
            "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620",
        ]
    );
    let validator = Validator::new(token.into()).unwrap();
    validator
        .verify_body(
            lines[1],
            &std::fs::read(&body_file).unwrap(),
            Some(lines[0]),
        )
        .unwrap();
    let verify = |file: &std::path::Path, url: &str| {
        let mut command = cli_command("AC00000000000000000000000000000000", token);
        command
            .args(["webhook", "verify", "--url", url, "--signature", lines[0]])
            .arg("--body-file")
            .arg(file);
        command.output().unwrap()
    };
    let out = verify(&body_file, lines[1]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tampered = dir.join("tampered.json");
    std::fs::write(&tampered, br#"{"property": "value", "boolean": false}"#).unwrap();
    let out = verify(&tampered, lines[1]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("body's SHA-256 does not match"),
        "{}",
        stderr(&out)
    );
    // Without bodySHA256 in the URL, --body-file is bad usage.
    let out = verify(&body_file, url);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bodySHA256"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}
