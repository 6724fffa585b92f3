//! The sandbox as a local Twilio, over real sockets: writes accepted and remembered (create →
//! fetch → list → update → remove → 404), Twilio's error JSON for bad input and test numbers,
//! a message's lifecycle with every status callback verified by `twilio-webhook`, the `Host`
//! naming the product, and faults on writes against the library's no-double-send rule.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use twilio_api::Client;
use twilio_model::AccountSid;
use twilio_sandbox::{Fault, FaultRule, Sandbox};
use twilio_webhook::Validator;

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .seed(11)
        .calls(3)
        .messages(5)
        .start()
        .await
        .unwrap()
}

fn client_for(sandbox: &Sandbox) -> Client {
    let account: AccountSid = sandbox.account_sid().parse().unwrap();
    Client::builder()
        .auth_token(account, sandbox.auth_token())
        .base_url(sandbox.base_url())
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// One HTTP/1.1 request with Basic auth (`host` as the `Host` header), its status and JSON.
async fn call(
    sandbox: &Sandbox,
    host: Option<&str>,
    password: &str,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let auth = base64_basic(sandbox.account_sid(), password);
    let addr = sandbox.addr();
    let host = host.map_or_else(|| addr.to_string(), |h| format!("{h}:{}", addr.port()));
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic {auth}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let status: u16 = text[9..12].parse().unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    let json = if body.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
    };
    (status, json)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

fn base64_basic(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let mut out = String::new();
    for chunk in input.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn account_path(sandbox: &Sandbox, rest: &str) -> String {
    format!("/2010-04-01/Accounts/{}/{rest}", sandbox.account_sid())
}

/// Create → fetch → list → update → remove → 404, for one resource.
async fn crud(
    sandbox: &Sandbox,
    list: &str,
    items_key: &str,
    form: &[(&str, &str)],
    update: (&str, &str, &str),
) {
    let token = sandbox.auth_token().to_owned();
    let (status, created) = call(
        sandbox,
        None,
        &token,
        "POST",
        &account_path(sandbox, &format!("{list}.json")),
        form,
    )
    .await;
    assert_eq!(status, 201, "{list}: {created}");
    let sid = created["sid"].as_str().unwrap().to_owned();
    assert_eq!(created["account_sid"], sandbox.account_sid());
    assert!(
        created["date_created"].as_str().unwrap().ends_with("+0000"),
        "{created}"
    );
    assert_eq!(
        created["uri"],
        account_path(sandbox, &format!("{list}/{sid}.json")),
        "{created}"
    );
    let item = account_path(sandbox, &format!("{list}/{sid}.json"));
    let (status, fetched) = call(sandbox, None, &token, "GET", &item, &[]).await;
    assert_eq!((status, &fetched), (200, &created));
    let (status, page) = call(
        sandbox,
        None,
        &token,
        "GET",
        &account_path(sandbox, &format!("{list}.json")),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    let listed: Vec<&Value> = page[items_key]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["sid"] == sid)
        .collect();
    assert_eq!(listed, [&created], "{list}: listed once, first");
    assert_eq!(page[items_key][0]["sid"], sid, "newest first");
    let (param, member, value) = update;
    let (status, updated) = call(sandbox, None, &token, "POST", &item, &[(param, value)]).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated[member], value);
    let (_, fetched) = call(sandbox, None, &token, "GET", &item, &[]).await;
    assert_eq!(fetched[member], value);
    let (status, _) = call(sandbox, None, &token, "DELETE", &item, &[]).await;
    assert_eq!(status, 204);
    let (status, gone) = call(sandbox, None, &token, "GET", &item, &[]).await;
    assert_eq!((status, gone["code"].as_u64()), (404, Some(20404)));
    let (_, page) = call(
        sandbox,
        None,
        &token,
        "GET",
        &account_path(sandbox, &format!("{list}.json")),
        &[],
    )
    .await;
    assert!(
        page[items_key]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["sid"] != sid)
    );
    let (status, _) = call(sandbox, None, &token, "DELETE", &item, &[]).await;
    assert_eq!(status, 404, "removed once");
}

#[tokio::test]
async fn writes_are_remembered_create_fetch_list_update_remove() {
    let sandbox = sandbox().await;
    crud(
        &sandbox,
        "Queues",
        "queues",
        &[("FriendlyName", "support")],
        ("FriendlyName", "friendly_name", "billing"),
    )
    .await;
    crud(
        &sandbox,
        "Applications",
        "applications",
        &[
            ("FriendlyName", "app"),
            ("VoiceUrl", "http://127.0.0.1:1/voice"),
        ],
        ("VoiceUrl", "voice_url", "http://127.0.0.1:1/v2"),
    )
    .await;
    crud(
        &sandbox,
        "Addresses",
        "addresses",
        &[
            ("CustomerName", "Ada"),
            ("Street", "1 Main St"),
            ("City", "SF"),
            ("Region", "CA"),
            ("PostalCode", "94105"),
            ("IsoCountry", "US"),
        ],
        ("FriendlyName", "friendly_name", "office"),
    )
    .await;
    crud(
        &sandbox,
        "SIP/CredentialLists",
        "credential_lists",
        &[("FriendlyName", "creds")],
        ("FriendlyName", "friendly_name", "renamed"),
    )
    .await;
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bad_writes_get_twilios_errors_and_create_nothing() {
    let sandbox = sandbox().await;
    let token = sandbox.auth_token().to_owned();
    let queues = account_path(&sandbox, "Queues.json");
    let (_, before) = call(&sandbox, None, &token, "GET", &queues, &[]).await;
    // A required parameter missing.
    let (status, error) = call(&sandbox, None, &token, "POST", &queues, &[]).await;
    assert_eq!(
        (status, error["code"].as_u64()),
        (400, Some(20001)),
        "{error}"
    );
    assert!(error["message"].as_str().unwrap().contains("FriendlyName"));
    // An integer that is not one.
    let (status, error) = call(
        &sandbox,
        None,
        &token,
        "POST",
        &queues,
        &[("FriendlyName", "q"), ("MaxSize", "big")],
    )
    .await;
    assert_eq!(
        (status, error["code"].as_u64()),
        (400, Some(20001)),
        "{error}"
    );
    // Wrong credentials.
    let (status, error) = call(
        &sandbox,
        None,
        "wrong",
        "POST",
        &queues,
        &[("FriendlyName", "q")],
    )
    .await;
    assert_eq!((status, error["code"].as_u64()), (401, Some(20003)));
    let (_, after) = call(&sandbox, None, &token, "GET", &queues, &[]).await;
    assert_eq!(before, after, "nothing created");
    // A seeded row changed and removed.
    let seeded = before["queues"][0]["sid"].as_str().unwrap().to_owned();
    let item = account_path(&sandbox, &format!("Queues/{seeded}.json"));
    let (status, updated) = call(
        &sandbox,
        None,
        &token,
        "POST",
        &item,
        &[("FriendlyName", "renamed")],
    )
    .await;
    assert_eq!(
        (status, updated["friendly_name"].as_str()),
        (200, Some("renamed"))
    );
    let (_, page) = call(&sandbox, None, &token, "GET", &queues, &[]).await;
    assert_eq!(
        page["queues"][0]["friendly_name"], "renamed",
        "in place: {page}"
    );
    assert_eq!(
        call(&sandbox, None, &token, "DELETE", &item, &[]).await.0,
        204
    );
    assert_eq!(call(&sandbox, None, &token, "GET", &item, &[]).await.0, 404);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_host_names_the_product() {
    let sandbox = sandbox().await;
    let token = sandbox.auth_token().to_owned();
    let calls = account_path(&sandbox, "Calls.json");
    for host in ["api.localhost", "localhost", "127.0.0.1"] {
        assert_eq!(
            call(&sandbox, Some(host), &token, "GET", &calls, &[])
                .await
                .0,
            200,
            "{host}"
        );
    }
    // Verify is served on its own host, in the `meta` envelope.
    let (status, page) = call(
        &sandbox,
        Some("verify.localhost"),
        &token,
        "GET",
        "/v2/Services",
        &[],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["meta"]["key"], "services", "{page}");
    // A name that is no product is answered 404, naming it.
    let (status, error) = call(
        &sandbox,
        Some("nothing.localhost"),
        &token,
        "GET",
        "/v2/Services",
        &[],
    )
    .await;
    assert_eq!((status, error["code"].as_u64()), (404, Some(20404)));
    assert!(
        error["message"].as_str().unwrap().contains("nothing"),
        "{error}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn messages_answer_twilios_codes_and_test_numbers() {
    let sandbox = sandbox().await;
    let token = sandbox.auth_token().to_owned();
    let messages = account_path(&sandbox, "Messages.json");
    let cases: &[(&[(&str, &str)], u64)] = &[
        (&[("From", "+15005550006"), ("Body", "hi")], 21604),
        (&[("To", "+15005550010"), ("Body", "hi")], 21603),
        (&[("To", "+15005550010"), ("From", "+15005550006")], 21602),
        (
            &[
                ("To", "+15005550010"),
                ("From", "+15005550001"),
                ("Body", "hi"),
            ],
            21212,
        ),
        (
            &[
                ("To", "+15005550010"),
                ("From", "+15005550007"),
                ("Body", "hi"),
            ],
            21606,
        ),
        (
            &[
                ("To", "+15005550010"),
                ("From", "+15005550008"),
                ("Body", "hi"),
            ],
            21611,
        ),
        (
            &[
                ("To", "+15005550001"),
                ("From", "+15005550006"),
                ("Body", "hi"),
            ],
            21211,
        ),
        (
            &[
                ("To", "+15005550002"),
                ("From", "+15005550006"),
                ("Body", "hi"),
            ],
            21612,
        ),
        (
            &[
                ("To", "+15005550003"),
                ("From", "+15005550006"),
                ("Body", "hi"),
            ],
            21408,
        ),
        (
            &[
                ("To", "+15005550004"),
                ("From", "+15005550006"),
                ("Body", "hi"),
            ],
            21610,
        ),
        (
            &[
                ("To", "+15005550009"),
                ("From", "+15005550006"),
                ("Body", "hi"),
            ],
            21614,
        ),
    ];
    for (form, code) in cases {
        let (status, error) = call(&sandbox, None, &token, "POST", &messages, form).await;
        assert_eq!(
            (status, error["code"].as_u64()),
            (400, Some(*code)),
            "{form:?}: {error}"
        );
    }
    let (status, mms) = call(
        &sandbox,
        None,
        &token,
        "POST",
        &messages,
        &[
            ("To", "+15005550010"),
            ("From", "+15005550006"),
            ("MediaUrl", "http://127.0.0.1:1/a.png"),
            ("MediaUrl", "http://127.0.0.1:1/b.png"),
        ],
    )
    .await;
    assert_eq!(status, 201, "{mms}");
    assert!(mms["sid"].as_str().unwrap().starts_with("MM"));
    assert_eq!(
        (mms["num_media"].as_str(), mms["status"].as_str()),
        (Some("2"), Some("queued"))
    );
    sandbox.shutdown().await;
}

type Inbox = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

async fn receive(
    State((inbox, validator, url)): State<(Inbox, Arc<Validator>, String)>,
    request: Request,
) -> StatusCode {
    let signature = request
        .headers()
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = axum::body::to_bytes(request.into_body(), 1 << 16)
        .await
        .unwrap();
    validator
        .verify_form(&url, &body, signature.as_deref())
        .unwrap();
    let params = form_urlencoded::parse(&body).into_owned().collect();
    inbox
        .lock()
        .unwrap()
        .push((signature.unwrap_or_default(), params));
    StatusCode::OK
}

/// A receiver of the sandbox's status callbacks on loopback that keeps only those whose
/// signature its validator accepts: what it received, and its URL (`?tenant=…`).
async fn receiver(sandbox: &Sandbox, tenant: &str) -> (Inbox, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/status?tenant={tenant}",
        listener.local_addr().unwrap()
    );
    let inbox = Inbox::default();
    let validator = Arc::new(Validator::new(sandbox.auth_token().to_owned().into()).unwrap());
    let app = Router::new().route("/status", post(receive)).with_state((
        Arc::clone(&inbox),
        validator,
        url.clone(),
    ));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (inbox, url)
}

#[tokio::test]
async fn a_message_lives_its_lifecycle_and_calls_back_signed() {
    let sandbox = sandbox().await;
    let (inbox, url) = receiver(&sandbox, "e2e").await;

    let client = client_for(&sandbox);
    let message = client
        .messages()
        .create("+15005550010")
        .from("+15005550006")
        .body("Héllo & goodbye 😀")
        .status_callback(url.as_str())
        .send()
        .await
        .unwrap();
    let sid = message.sid.as_ref().unwrap().to_string();
    assert!(sid.starts_with("SM"));
    let token = sandbox.auth_token().to_owned();
    let item = account_path(&sandbox, &format!("Messages/{sid}.json"));
    let (_, fetched) = call(&sandbox, None, &token, "GET", &item, &[]).await;
    assert_eq!(fetched["body"], "Héllo & goodbye 😀");
    for _ in 0..100 {
        if inbox.lock().unwrap().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let received = inbox.lock().unwrap().clone();
    let statuses: Vec<&str> = received
        .iter()
        .map(|(_, params)| {
            params
                .iter()
                .find(|(k, _)| k == "MessageStatus")
                .unwrap()
                .1
                .as_str()
        })
        .collect();
    assert_eq!(statuses, ["sending", "sent", "delivered"]);
    for (_, params) in &received {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("MessageSid"), Some(sid.as_str()));
        assert_eq!(get("AccountSid"), Some(sandbox.account_sid()));
        assert_eq!(
            (get("To"), get("From")),
            (Some("+15005550010"), Some("+15005550006"))
        );
    }
    let (_, fetched) = call(&sandbox, None, &token, "GET", &item, &[]).await;
    assert_eq!(fetched["status"], "delivered");
    assert!(fetched["date_sent"].is_string(), "{fetched}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn messages_to_the_sandboxs_numbers_end_undelivered_or_failed_and_call_back_signed() {
    let sandbox = sandbox().await;
    let (inbox, url) = receiver(&sandbox, "endings").await;
    let client = client_for(&sandbox);
    let token = sandbox.auth_token().to_owned();
    for (to, statuses, code, message) in [
        (
            "+15005550011",
            &["sending", "sent", "undelivered"][..],
            30003,
            "Unreachable destination handset",
        ),
        (
            "+15005550012",
            &["sending", "failed"][..],
            30008,
            "Unknown error",
        ),
    ] {
        inbox.lock().unwrap().clear();
        let created = client
            .messages()
            .create(to)
            .from("+15005550006")
            .body("not for long")
            .status_callback(url.as_str())
            .send()
            .await
            .unwrap();
        let sid = created.sid.as_ref().unwrap().to_string();
        for _ in 0..100 {
            if inbox.lock().unwrap().len() >= statuses.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Every callback was signed (the receiver checks each signature before keeping it).
        let received = inbox.lock().unwrap().clone();
        let get = |params: &Vec<(String, String)>, name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let seen: Vec<String> = received
            .iter()
            .map(|(_, p)| get(p, "MessageStatus").unwrap())
            .collect();
        assert_eq!(seen, statuses, "{to}");
        let codes: Vec<Option<String>> =
            received.iter().map(|(_, p)| get(p, "ErrorCode")).collect();
        let mut expected = vec![None; statuses.len() - 1];
        expected.push(Some(code.to_string()));
        assert_eq!(codes, expected, "{to}");
        for (signature, params) in &received {
            assert!(!signature.is_empty());
            assert_eq!(get(params, "MessageSid").as_deref(), Some(sid.as_str()));
            assert_eq!(get(params, "To").as_deref(), Some(to));
        }
        let item = account_path(&sandbox, &format!("Messages/{sid}.json"));
        let (_, fetched) = call(&sandbox, None, &token, "GET", &item, &[]).await;
        assert_eq!(fetched["status"], *statuses.last().unwrap(), "{fetched}");
        assert_eq!(fetched["error_code"], code, "{fetched}");
        assert_eq!(fetched["error_message"], message, "{fetched}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_write_cut_after_it_was_applied_is_of_unknown_outcome_and_exists_once() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::Disconnect).on_method(http::Method::POST));
    // A read does not take a rule for writes.
    let token = sandbox.auth_token().to_owned();
    assert_eq!(call_api(&sandbox, &token, "Messages.json").await.0, 200);
    let error = client
        .messages()
        .create("+15005550077")
        .from("+15005550006")
        .body("once")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    let token = sandbox.auth_token().to_owned();
    let list = format!(
        "{}?To=%2B15005550077",
        account_path(&sandbox, "Messages.json")
    );
    let (_, page) = call(&sandbox, None, &token, "GET", &list, &[]).await;
    assert_eq!(page["messages"].as_array().unwrap().len(), 1, "{page}");
    // A 503 before the write: nothing is written, and the library does not resend it.
    sandbox.faults().push(Fault::Status {
        status: http::StatusCode::SERVICE_UNAVAILABLE,
        retry_after: None,
        html: false,
    });
    let error = client
        .messages()
        .create("+15005550078")
        .from("+15005550006")
        .body("never")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    let list = format!(
        "{}?To=%2B15005550078",
        account_path(&sandbox, "Messages.json")
    );
    let (_, page) = call(&sandbox, None, &token, "GET", &list, &[]).await;
    assert_eq!(page["messages"].as_array().unwrap().len(), 0, "{page}");
    sandbox.shutdown().await;
}

type Calls = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

/// A loopback app: TwiML at `/voice`, status callbacks at `/status`; every request's
/// signature verified, every request recorded (path, parameters).
async fn voice_app(auth_token: &str) -> (String, Calls) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let seen = Calls::default();
    let validator = Arc::new(Validator::new(auth_token.to_owned().into()).unwrap());
    let state = (Arc::clone(&seen), validator, origin.clone());
    async fn hook(
        State((seen, validator, origin)): State<(Calls, Arc<Validator>, String)>,
        request: Request,
    ) -> (StatusCode, [(&'static str, &'static str); 1], &'static str) {
        let path = request.uri().path().to_owned();
        let signature = request
            .headers()
            .get("x-twilio-signature")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = axum::body::to_bytes(request.into_body(), 1 << 16)
            .await
            .unwrap();
        validator
            .verify_form(&format!("{origin}{path}"), &body, signature.as_deref())
            .unwrap();
        let params = form_urlencoded::parse(&body).into_owned().collect();
        seen.lock().unwrap().push((path.clone(), params));
        let twiml = if path == "/voice" {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say voice=\"alice\">Hello &amp; welcome</Say><Gather numDigits=\"1\"><Play>http://127.0.0.1:9/a.mp3</Play></Gather><Dial><Number>+15005550006</Number></Dial></Response>"
        } else {
            ""
        };
        (StatusCode::OK, [("content-type", "text/xml")], twiml)
    }
    let app = Router::new()
        .route("/voice", post(hook))
        .route("/status", post(hook))
        .with_state(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (origin, seen)
}

#[tokio::test]
async fn a_call_lives_its_lifecycle_reads_its_twiml_and_shows_it_as_events() {
    let sandbox = sandbox().await;
    let (origin, seen) = voice_app(sandbox.auth_token()).await;
    let client = client_for(&sandbox);
    let call = client
        .calls()
        .create("+15005550010", "+15005550006")
        .url(format!("{origin}/voice"))
        .status_callback(format!("{origin}/status"))
        .status_callback_event(["initiated", "ringing", "answered", "completed"])
        .send()
        .await
        .unwrap();
    let sid = call.sid.as_ref().unwrap().to_string();
    assert!(sid.starts_with("CA"));
    for _ in 0..100 {
        if seen.lock().unwrap().len() >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = seen.lock().unwrap().clone();
    let order: Vec<(&str, &str)> = seen
        .iter()
        .map(|(path, params)| {
            let status = params.iter().find(|(k, _)| k == "CallStatus").unwrap();
            (path.as_str(), status.1.as_str())
        })
        .collect();
    assert_eq!(
        order,
        [
            ("/status", "initiated"),
            ("/status", "ringing"),
            ("/voice", "in-progress"),
            ("/status", "in-progress"),
            ("/status", "completed"),
        ]
    );
    for (path, params) in &seen {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("CallSid"), Some(sid.as_str()), "{path}");
        assert_eq!(
            (get("To"), get("From")),
            (Some("+15005550010"), Some("+15005550006"))
        );
        if path == "/status" {
            assert_eq!(get("CallbackSource"), Some("call-progress-events"));
        }
    }
    let completed = &seen[4].1;
    assert!(
        completed
            .iter()
            .any(|(k, v)| k == "CallDuration" && !v.is_empty())
    );

    let token = sandbox.auth_token().to_owned();
    let (_, fetched) = call_api(&sandbox, &token, &format!("Calls/{sid}.json")).await;
    assert_eq!(fetched["status"], "completed");
    assert!(fetched["end_time"].is_string(), "{fetched}");
    let (status, page) = call_api(&sandbox, &token, &format!("Calls/{sid}/Events.json")).await;
    assert_eq!(status, 200, "{page}");
    let events = page["events"].as_array().unwrap();
    let described: Vec<String> = events
        .iter()
        .map(|e| {
            let request = &e["request"];
            match request["method"].as_str().unwrap() {
                "TwiML" => format!("TwiML {}", request["parameters"]["verb"].as_str().unwrap()),
                method => format!(
                    "{method} {}",
                    request["url"].as_str().unwrap().rsplit('/').next().unwrap()
                ),
            }
        })
        .collect();
    assert_eq!(
        described,
        [
            "POST Calls.json",
            "POST status",
            "POST status",
            "POST voice",
            "TwiML Say",
            "TwiML Gather",
            "TwiML Play",
            "TwiML Dial",
            "TwiML Number",
            "POST status",
            "POST status",
        ]
    );
    let say = &events[4]["request"]["parameters"];
    assert_eq!(say["text"], "Hello & welcome");
    assert_eq!(say["attributes"]["voice"], "alice");
    assert_eq!(events[8]["request"]["parameters"]["parent"], "Dial");
    assert_eq!(events[0]["response"]["response_code"], 201);
    assert_eq!(events[3]["response"]["response_code"], 200);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_call_with_inline_twiml_and_the_default_callback() {
    let sandbox = sandbox().await;
    let (origin, seen) = voice_app(sandbox.auth_token()).await;
    let token = sandbox.auth_token().to_owned();
    let calls = account_path(&sandbox, "Calls.json");
    let (status, error) = call(
        &sandbox,
        None,
        &token,
        "POST",
        &calls,
        &[
            ("To", "+15005550002"),
            ("From", "+15005550006"),
            ("Twiml", "<Response/>"),
        ],
    )
    .await;
    assert_eq!((status, error["code"].as_u64()), (400, Some(21214)));
    let (status, error) = call(
        &sandbox,
        None,
        &token,
        "POST",
        &calls,
        &[("From", "+15005550006"), ("Twiml", "<Response/>")],
    )
    .await;
    assert_eq!((status, error["code"].as_u64()), (400, Some(21201)));
    let status_url = format!("{origin}/status");
    let (status, created) = call(
        &sandbox,
        None,
        &token,
        "POST",
        &calls,
        &[
            ("To", "+15005550010"),
            ("From", "+15005550006"),
            ("Twiml", "<Response><Hangup/></Response>"),
            ("StatusCallback", &status_url),
        ],
    )
    .await;
    assert_eq!(
        (status, created["status"].as_str()),
        (201, Some("queued")),
        "{created}"
    );
    let sid = created["sid"].as_str().unwrap();
    for _ in 0..100 {
        if !seen.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "completed alone by default: {seen:?}");
    assert!(
        seen[0]
            .1
            .contains(&("CallStatus".to_owned(), "completed".to_owned()))
    );
    let (_, page) = call_api(&sandbox, &token, &format!("Calls/{sid}/Events.json")).await;
    let verbs: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["request"]["parameters"]["verb"].as_str())
        .collect();
    assert_eq!(verbs, ["Hangup"]);
    // Listed with the seeded calls, filtered by status.
    let (_, page) = call_api(
        &sandbox,
        &token,
        "Calls.json?Status=completed&To=%2B15005550010",
    )
    .await;
    assert_eq!(page["calls"][0]["sid"], sid, "{page}");
    sandbox.shutdown().await;
}

async fn call_api(sandbox: &Sandbox, token: &str, rest: &str) -> (u16, Value) {
    call(
        sandbox,
        None,
        token,
        "GET",
        &account_path(sandbox, rest),
        &[],
    )
    .await
}

#[tokio::test]
async fn a_write_throttled_before_it_was_applied_is_sent_again_and_exists_once() {
    let sandbox = sandbox().await;
    let client = client_for(&sandbox);
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::too_many_requests(Some(0))).on_method(http::Method::POST));
    let message = client
        .messages()
        .create("+15005550079")
        .from("+15005550006")
        .body("after a 429")
        .send()
        .await
        .unwrap();
    let token = sandbox.auth_token().to_owned();
    let (_, page) = call_api(&sandbox, &token, "Messages.json?To=%2B15005550079").await;
    let sids: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["sid"].as_str().unwrap())
        .collect();
    assert_eq!(sids, [message.sid.as_ref().unwrap().to_string()]);
    let posts = sandbox
        .requests()
        .iter()
        .filter(|r| r.method == http::Method::POST)
        .map(|r| r.status.map(|s| s.as_u16()))
        .collect::<Vec<_>>();
    assert_eq!(posts, [Some(429), Some(201)]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn twiml_is_fetched_from_loopback_only_unless_the_host_is_named() {
    let sandbox = sandbox().await;
    let token = sandbox.auth_token().to_owned();
    let calls = account_path(&sandbox, "Calls.json");
    let (status, created) = call(
        &sandbox,
        None,
        &token,
        "POST",
        &calls,
        &[
            ("To", "+15005550010"),
            ("From", "+15005550006"),
            ("Url", "http://192.0.2.1:9/voice"),
        ],
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let sid = created["sid"].as_str().unwrap();
    let mut events = Vec::new();
    for _ in 0..100 {
        let (_, page) = call_api(&sandbox, &token, &format!("Calls/{sid}/Events.json")).await;
        events = page["events"].as_array().unwrap().clone();
        if events.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(events[1]["request"]["url"], "http://192.0.2.1:9/voice");
    let error = events[1]["response"]["error"].as_str().unwrap();
    assert!(error.contains("loopback"), "{error}");
    sandbox.shutdown().await;
}
