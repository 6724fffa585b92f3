//! Calls: what Twilio checks before it places one (its codes for a missing `To` or `From`,
//! its test numbers), what a new one looks like (`queued`), and its lifecycle on a
//! compressed clock: `queued` → `initiated` → `ringing` → `in-progress` → `completed`. Once
//! answered it reads its TwiML, from the `Twiml` parameter or fetched from `Url` (a signed
//! POST, loopback only); each status change is POSTed, signed, to `StatusCallback` for the
//! events `StatusCallbackEvent` asks for (`initiated`, `ringing`, `answered`, `completed`;
//! `completed` alone by default). Every request the sandbox made for the call (its creation,
//! the TwiML fetch, each callback) and every TwiML verb it read are the call's events
//! (`Calls/{CallSid}/Events.json`).
//!
//! Twilio's test numbers (as its test credentials answer them):
//!
//! | parameter | number | answer |
//! |---|---|---|
//! | `From` | `+15005550001` | 400, 21212: the phone number is invalid |
//! | `To` | `+15005550001` | 400, 21217: the phone number does not appear to be valid |
//! | `To` | `+15005550002` | 400, 21214: the number cannot be reached |
//! | `To` | `+15005550003` | 400, 21215: no permission to call this region |
//! | `To` | `+15005550004` | 400, 21216: the number is blocked |

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::callback::{Answer, WebhookTarget, exchange};
use crate::products::twiml;
use crate::state::Shared;
use crate::store::date::Rfc2822;
use crate::store::world::{Entity, Fact};
use crate::write::{Form, now};

/// The time between two states of a call's lifecycle.
pub(crate) const STEP: Duration = Duration::from_millis(200);

/// The states after `queued`, with the `StatusCallbackEvent` that asks for each.
pub(crate) const LIFECYCLE: [(&str, &str); 4] = [
    ("initiated", "initiated"),
    ("ringing", "ringing"),
    ("in-progress", "answered"),
    ("completed", "completed"),
];

const TEST_NUMBERS: &[(&str, &str, u32, &str)] = &[
    (
        "From",
        "+15005550001",
        21212,
        "The source phone number provided, +15005550001, is not yet verified for your account.",
    ),
    (
        "To",
        "+15005550001",
        21217,
        "Phone number does not appear to be valid",
    ),
    (
        "To",
        "+15005550002",
        21214,
        "'To' phone number cannot be reached",
    ),
    (
        "To",
        "+15005550003",
        21215,
        "Account not authorized to call +15005550003. Perhaps you need to enable some international permissions.",
    ),
    (
        "To",
        "+15005550004",
        21216,
        "Call blocked by Twilio blocklist",
    ),
];

/// Twilio's checks of a new call.
pub(crate) fn check(form: &Form) -> Result<(), (u32, String)> {
    let given = |name: &str| form.get(name).is_some_and(|v| !v.is_empty());
    if !given("To") {
        return Err((21201, "No 'To' number is specified".to_owned()));
    }
    if !given("From") {
        return Err((21213, "No 'From' number is specified".to_owned()));
    }
    if !given("Url") && !given("Twiml") && !given("ApplicationSid") {
        return Err((
            21205,
            "Either a 'Url', a 'Twiml' or an 'ApplicationSid' parameter is required".to_owned(),
        ));
    }
    for (param, number, code, message) in TEST_NUMBERS {
        if form.get(param) == Some(number) {
            return Err((*code, (*message).to_owned()));
        }
    }
    Ok(())
}

/// A new call: queued, outbound, not started.
pub(crate) fn created(entity: &mut Entity) {
    entity.set("status", Fact::Static("queued"));
    entity.set("direction", Fact::Static("outbound-api"));
    for member in [
        "start_time",
        "end_time",
        "duration",
        "price",
        "answered_by",
        "parent_call_sid",
        "queue_time",
    ] {
        entity.set(member, Fact::Null);
    }
    entity.set("api_version", Fact::Static("2010-04-01"));
}

/// `StatusCallbackMethod` → `status_callback_method`, as the events name parameters.
fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A request the sandbox made (or answered), as a call event.
fn event(
    method: &str,
    url: &str,
    parameters: Value,
    answer: Result<&Answer, &str>,
    took: Duration,
) -> Value {
    let response = match answer {
        Ok(answer) => json!({
            "response_code": answer.status.as_u16(),
            "request_duration": u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
            "content_type": answer.content_type,
            "response_body": answer.body.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()),
            "date_created": Rfc2822(now()).to_string(),
        }),
        Err(error) => json!({
            "response_code": null,
            "request_duration": u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
            "content_type": null,
            "response_body": null,
            "error": error,
            "date_created": Rfc2822(now()).to_string(),
        }),
    };
    json!({
        "request": {"method": method, "url": url, "parameters": parameters},
        "response": response,
    })
}

fn parameters(params: &[(&str, String)]) -> Value {
    Value::Object(
        params
            .iter()
            .map(|(k, v)| (snake(k), Value::String(v.clone())))
            .collect::<Map<String, Value>>(),
    )
}

/// Starts the lifecycle of a stored call in the background, after recording its creation
/// (`path`, answered `item`) as its first event.
pub(crate) fn start(
    shared: &Arc<Shared>,
    form: &Form,
    entity: &Entity,
    account: &str,
    path: &str,
    item: &[u8],
) {
    let sid = entity.id.clone();
    if !shared.call_events.open(&sid) {
        tracing::debug!(%sid, "sandbox keeps no events for this call: as many calls kept as allowed");
    }
    let created = Answer {
        status: http::StatusCode::CREATED,
        content_type: Some("application/json".to_owned()),
        body: Some(bytes::Bytes::copy_from_slice(item)),
    };
    let form_params: Vec<(&str, String)> = form
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    shared.call_events.push(
        &sid,
        event(
            "POST",
            &format!("{}{path}", shared.site.base_url),
            parameters(&form_params),
            Ok(&created),
            Duration::ZERO,
        ),
    );
    let callback = form
        .get("StatusCallback")
        .and_then(|url| target(&shared.callback_hosts, url, "StatusCallback"));
    let mut wanted: Vec<String> = form
        .all("StatusCallbackEvent")
        .iter()
        .flat_map(|v| v.split([' ', ',']))
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    if wanted.is_empty() {
        wanted.push("completed".to_owned());
    }
    let twiml_url = form.get("Url").map(str::to_owned);
    let twiml_text = form.get("Twiml").map(str::to_owned);
    let shared = Arc::clone(shared);
    let account = account.to_owned();
    let to = form.get("To").unwrap_or_default().to_owned();
    let from = form.get("From").unwrap_or_default().to_owned();
    tokio::spawn(async move {
        let mut answered_at = None;
        for (sequence, (status, name)) in LIFECYCLE.into_iter().enumerate() {
            tokio::time::sleep(STEP).await;
            let t = now();
            if status == "in-progress" {
                answered_at = Some(Instant::now());
            }
            let duration = answered_at.map_or(0, |a| a.elapsed().as_secs().max(1));
            let still_there = shared.written.update("ListCall", &sid, |e| {
                e.set("status", Fact::Static(status));
                e.updated = t;
                e.set("date_updated", Fact::Time(t));
                match status {
                    "in-progress" => e.set("start_time", Fact::Time(t)),
                    "completed" => {
                        e.set("end_time", Fact::Time(t));
                        e.set("duration", Fact::Str(duration.to_string()));
                    }
                    _ => {}
                }
            });
            if !still_there {
                return;
            }
            let mut params: Vec<(&'static str, String)> = vec![
                ("AccountSid", account.clone()),
                ("ApiVersion", "2010-04-01".to_owned()),
                ("CallSid", sid.clone()),
                ("CallStatus", status.to_owned()),
                ("Direction", "outbound-api".to_owned()),
                ("From", from.clone()),
                ("To", to.clone()),
            ];
            if status == "in-progress" {
                read_twiml(
                    &shared,
                    &sid,
                    &params,
                    twiml_url.as_deref(),
                    twiml_text.as_deref(),
                )
                .await;
            }
            let Some(target) = &callback else { continue };
            if !wanted.iter().any(|w| w == name) {
                continue;
            }
            params.push(("CallbackSource", "call-progress-events".to_owned()));
            params.push(("SequenceNumber", sequence.to_string()));
            params.push(("Timestamp", Rfc2822(t).to_string()));
            if status == "completed" {
                params.push(("CallDuration", duration.to_string()));
            }
            post(&shared, &sid, target, &params).await;
        }
    });
}

/// A URL the sandbox will POST to (loopback only), or `None` with the reason logged.
fn target(allowed: &[String], url: &str, what: &str) -> Option<WebhookTarget> {
    match WebhookTarget::parse_allowing(url, allowed) {
        Ok(target) => Some(target),
        Err(reason) => {
            tracing::debug!(url, reason, what, "sandbox will not call this URL");
            None
        }
    }
}

/// One signed POST for a call, recorded as its event; the answer.
async fn post(
    shared: &Shared,
    sid: &str,
    target: &WebhookTarget,
    params: &[(&'static str, String)],
) -> Option<Answer> {
    let began = Instant::now();
    let outcome = tokio::time::timeout(
        Duration::from_secs(10),
        exchange(shared, target, params, &mut None),
    )
    .await
    .unwrap_or_else(|_| Err("no answer within 10 s".to_owned()));
    shared.call_events.push(
        sid,
        event(
            "POST",
            target.url(),
            parameters(params),
            outcome.as_ref().map_err(String::as_str),
            began.elapsed(),
        ),
    );
    outcome.ok()
}

/// Reads the call's TwiML (the `Twiml` parameter, or fetched from `Url`) and records its
/// verbs as events.
async fn read_twiml(
    shared: &Shared,
    sid: &str,
    params: &[(&'static str, String)],
    url: Option<&str>,
    text: Option<&str>,
) {
    let (source, document) = match (text, url) {
        (Some(text), _) => ("Twiml".to_owned(), text.to_owned()),
        (None, Some(url)) => {
            let Some(target) = target(&shared.callback_hosts, url, "Url") else {
                shared.call_events.push(
                    sid,
                    event(
                        "POST",
                        url,
                        parameters(params),
                        Err("not fetched: the sandbox fetches TwiML from loopback and the hosts named with SandboxBuilder::callback_hosts only"),
                        Duration::ZERO,
                    ),
                );
                return;
            };
            let Some(answer) = post(shared, sid, &target, params).await else {
                return;
            };
            let body = answer
                .body
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            (url.to_owned(), body.unwrap_or_default())
        }
        (None, None) => return,
    };
    match twiml::read(&document) {
        Ok(verbs) => {
            for verb in verbs {
                shared.call_events.push(
                    sid,
                    json!({
                        "request": {"method": "TwiML", "url": source, "parameters": verb.parameters()},
                        "response": null,
                    }),
                );
            }
        }
        Err(error) => shared.call_events.push(
            sid,
            json!({
                "request": {"method": "TwiML", "url": source, "parameters": {"error": error}},
                "response": null,
            }),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Form {
        Form(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn twilios_codes() {
        let ok = [
            ("To", "+15005550010"),
            ("From", "+15005550006"),
            ("Twiml", "<Response/>"),
        ];
        assert_eq!(check(&form(&ok)), Ok(()));
        assert_eq!(check(&form(&ok[1..])).unwrap_err().0, 21201);
        assert_eq!(check(&form(&[ok[0], ok[2]])).unwrap_err().0, 21213);
        assert_eq!(check(&form(&ok[..2])).unwrap_err().0, 21205);
        for (param, number, code, _) in TEST_NUMBERS {
            let mut pairs = ok.to_vec();
            pairs.retain(|(k, _)| k != param);
            pairs.push((param, number));
            assert_eq!(
                check(&form(&pairs)).unwrap_err().0,
                *code,
                "{param} {number}"
            );
        }
        assert_eq!(snake("StatusCallbackEvent"), "status_callback_event");
    }
}
