//! The deterministic data set: credentials, calls and their events.
//!
//! Nothing here is stored per event: [`Dataset::event`] builds event `i` of a call from
//! `(seed, call, i)` alone, so a call with millions of events costs no memory. The structs
//! below are the server's own serialization of Twilio's call event resource; they are
//! deliberately independent of `twilio-model`, so that a decoding bug on the client side
//! cannot be hidden by sharing types.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::store::date::Rfc2822;
use crate::store::rng::{Rng, alnum, hash, sid, unique};

// Domain tags, so that every derived stream is independent of the others.
const TAG_ACCOUNT: u64 = 0xAC;
const TAG_TOKEN: u64 = 0x70;
const TAG_API_KEY: u64 = 0x5C;
const TAG_CALL_SID: u64 = 0xCA;
const TAG_CALL_DATA: u64 = 0xCD;
const TAG_COUNT: u64 = 0xC0;
const TAG_PAGE_TOKEN: u64 = 0x9A;

/// 2020-08-11T17:44:08Z, the date of Twilio's own example event.
pub(crate) const EPOCH_BASE: i64 = 1_597_167_848;
/// Calls start within two years after [`EPOCH_BASE`].
pub(crate) const START_SPREAD_SECS: u64 = 2 * 365 * 86_400;

const API_BASE: &str = "https://api.twilio.com/2010-04-01/Accounts/";
const API_VERSION: &str = "2010-04-01";
const DIRECTION: &str = "outbound-api";

pub(crate) const AREA_CODES: [&str; 8] = ["415", "628", "212", "646", "312", "206", "512", "303"];
const VOICE_URLS: [&str; 3] = [
    "https://example.com/twiml/voice",
    "https://hooks.example.org/voice/incoming",
    "https://example.net/ivr/start",
];
const ACTION_URLS: [&str; 4] = [
    "https://example.com/twiml/gather",
    "https://example.com/twiml/menu?step=2",
    "https://hooks.example.org/voice/transfer",
    "https://example.net/ivr/next",
];
const STATUS_CALLBACK_URL: &str = "https://example.com/twiml/status";
const RECORDING_CALLBACK_URL: &str = "https://example.com/recording-status";
const INLINE_TWIML: [&str; 3] = [
    "<Response><Say>Hi!</Say></Response>",
    "<Response><Say voice=\"alice\">Your code is 4 2 1 9.</Say></Response>",
    "<Response><Play>https://example.com/audio/welcome.mp3</Play></Response>",
];
const CANNOT_REDIRECT_JSON: &str = "{\"code\": 21220, \"message\": \"Call is not in-progress. Cannot redirect.\", \"more_info\": \"https://www.twilio.com/docs/errors/21220\", \"status\": 400}";
const TWIML_BODIES: [&str; 7] = [
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>Hello</Say></Response>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Gather input=\"dtmf speech\" action=\"/twiml/gather\" numDigits=\"1\" timeout=\"5\"><Say voice=\"alice\">Press 1 for sales, 2 for support.</Say></Gather><Redirect>/twiml/voice</Redirect></Response>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Play loop=\"2\">https://example.com/audio/hold.mp3</Play></Response>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Dial callerId=\"+14155550100\" timeout=\"20\"><Number>+14155550123</Number></Dial></Response>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>Leave a message after the beep.</Say><Record maxLength=\"30\" recordingStatusCallback=\"https://example.com/recording-status\"/></Response>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say language=\"fr-FR\">Merci d'avoir appelé, à bientôt !</Say><Say language=\"ja-JP\">ありがとうございました</Say><Hangup/></Response>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Hangup/></Response>",
];
const UPDATE_TWIML: [&str; 2] = [
    "<Response><Say>Transferring you now.</Say><Dial>+14155550199</Dial></Response>",
    "<Response><Say>Goodbye \u{1F44B}</Say><Hangup/></Response>",
];
const NOT_FOUND_HTML: &str = "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>";
const SERVER_ERROR_HTML: &str = "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>";
const SPEECH: [&str; 4] = [
    "sales",
    "support please",
    "talk to a human",
    "billing \"urgent\"",
];

/// The sandbox's fixed credentials, all derived from the seed.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) account_sid: String,
    pub(crate) auth_token: String,
    pub(crate) api_key_sid: String,
    pub(crate) api_key_secret: String,
}

/// One call of the data set. Everything about its events derives from `key`.
#[derive(Debug)]
pub(crate) struct CallInfo {
    pub(crate) sid: String,
    pub(crate) event_count: u64,
    key: u64,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) start: i64,
    call_url: String,
    create_url: String,
    create_body: String,
    fetch_body: String,
    voice_url: &'static str,
    inline_twiml: Option<&'static str>,
}

/// The whole data set: credentials and calls.
pub(crate) struct Dataset {
    pub(crate) credentials: Credentials,
    pub(crate) calls: Vec<CallInfo>,
    by_sid: HashMap<String, usize>,
    pub(crate) page_token_key: u64,
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset")
            .field("account_sid", &self.credentials.account_sid)
            .field("calls", &self.calls.len())
            .finish_non_exhaustive()
    }
}

/// The credentials derived from `seed`.
pub(crate) fn credentials(seed: u64) -> Credentials {
    let mut rng = Rng::new(&[seed, TAG_ACCOUNT]);
    let account_sid = sid("AC", rng.next_u64(), rng.next_u64());
    let mut rng = Rng::new(&[seed, TAG_TOKEN]);
    let auth_token = sid("", rng.next_u64(), rng.next_u64());
    let mut rng = Rng::new(&[seed, TAG_API_KEY]);
    let api_key_sid = sid("SK", rng.next_u64(), rng.next_u64());
    let api_key_secret = alnum(&mut rng, 32);
    Credentials {
        account_sid,
        auth_token,
        api_key_sid,
        api_key_secret,
    }
}

/// The number of events of generated call `index` (1..=120).
pub(crate) fn generated_event_count(seed: u64, index: u64) -> u64 {
    Rng::new(&[seed, TAG_COUNT, index]).range(1, 120)
}

fn phone(rng: &mut Rng) -> String {
    let area = rng.pick(&AREA_CODES).copied().unwrap_or("415");
    format!("+1{area}555{:04}", rng.below(10_000))
}

pub(crate) fn national(e164: &str) -> String {
    // "+1AAA555NNNN" -> "(AAA) 555-NNNN"
    match (e164.get(2..5), e164.get(5..8), e164.get(8..)) {
        (Some(a), Some(b), Some(c)) => format!("({a}) {b}-{c}"),
        _ => e164.to_owned(),
    }
}

impl CallInfo {
    fn new(seed: u64, account_sid: &str, index: u64, event_count: u64) -> Self {
        let sid_key = hash(&[seed, TAG_CALL_SID]);
        let call_sid = sid(
            "CA",
            unique(sid_key, index),
            hash(&[seed, TAG_CALL_SID, index]),
        );
        let key = hash(&[seed, TAG_CALL_DATA, index]);
        let mut rng = Rng::new(&[key]);
        let from = phone(&mut rng);
        let to = phone(&mut rng);
        let offset = i64::try_from(rng.below(START_SPREAD_SECS)).unwrap_or(0);
        let start = EPOCH_BASE + offset;
        let voice_url = rng.pick(&VOICE_URLS).copied().unwrap_or(VOICE_URLS[0]);
        let inline_twiml = if rng.percent(40) {
            rng.pick(&INLINE_TWIML).copied()
        } else {
            None
        };
        let phone_number_sid = sid("PN", rng.next_u64(), rng.next_u64());
        let resource_uri = format!("/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}");
        let call_url = format!("{API_BASE}{account_sid}/Calls/{call_sid}.json");
        let create_url = format!("{API_BASE}{account_sid}/Calls.json");
        let resource = |status: &str, started: Option<String>| {
            serde_json::json!({
                "account_sid": account_sid,
                "annotation": null,
                "answered_by": null,
                "api_version": API_VERSION,
                "caller_name": null,
                "date_created": Rfc2822(start).to_string(),
                "date_updated": Rfc2822(start).to_string(),
                "direction": DIRECTION,
                "duration": null,
                "end_time": null,
                "forwarded_from": null,
                "from": from,
                "from_formatted": national(&from),
                "group_sid": null,
                "parent_call_sid": null,
                "phone_number_sid": phone_number_sid,
                "price": null,
                "price_unit": "USD",
                "queue_time": "0",
                "sid": call_sid,
                "start_time": started,
                "status": status,
                "subresource_uris": {
                    "events": format!("{resource_uri}/Events.json"),
                    "notifications": format!("{resource_uri}/Notifications.json"),
                    "recordings": format!("{resource_uri}/Recordings.json"),
                },
                "to": to,
                "to_formatted": national(&to),
                "trunk_sid": null,
                "uri": format!("{resource_uri}.json"),
            })
            .to_string()
        };
        let create_body = resource("queued", None);
        let fetch_body = resource("in-progress", Some(Rfc2822(start + 9).to_string()));
        Self {
            sid: call_sid,
            event_count,
            key,
            from,
            to,
            start,
            call_url,
            create_url,
            create_body,
            fetch_body,
            voice_url,
            inline_twiml,
        }
    }
}

impl Dataset {
    /// Builds the data set: `generated` calls with 1..=120 events each, then one call per
    /// entry of `exact` with exactly that many events.
    pub(crate) fn new(seed: u64, generated: u64, exact: &[u64]) -> Self {
        let credentials = credentials(seed);
        let counts = (0..generated)
            .map(|i| generated_event_count(seed, i))
            .chain(exact.iter().copied());
        let calls: Vec<CallInfo> = counts
            .zip(0u64..)
            .map(|(count, index)| CallInfo::new(seed, &credentials.account_sid, index, count))
            .collect();
        let by_sid = calls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.sid.clone(), i))
            .collect();
        Self {
            credentials,
            calls,
            by_sid,
            page_token_key: hash(&[seed, TAG_PAGE_TOKEN]),
        }
    }

    /// The index of the call with this SID.
    pub(crate) fn call_index(&self, call_sid: &str) -> Option<usize> {
        self.by_sid.get(call_sid).copied()
    }

    /// The call with this SID.
    pub(crate) fn call(&self, call_sid: &str) -> Option<&CallInfo> {
        self.call_index(call_sid).and_then(|i| self.calls.get(i))
    }

    /// Event `index` of `call` (which must be `< call.event_count` for realistic data; larger
    /// indices still produce an event).
    pub(crate) fn event<'a>(&'a self, call: &'a CallInfo, index: u64) -> Event<'a> {
        let mut rng = Rng::new(&[call.key, index]);
        let last = call.event_count.saturating_sub(1);
        let date = if index == 0 {
            call.start
        } else {
            let step = i64::try_from(index.saturating_mul(4)).unwrap_or(i64::MAX / 2);
            let jitter = i64::try_from(rng.below(4)).unwrap_or(0);
            call.start.saturating_add(step).saturating_add(jitter)
        };
        let date = Rfc2822(date);
        if index == 0 {
            return self.create_event(call, &mut rng, date);
        }
        if index == last {
            return self.status_event(call, &mut rng, date, index, "completed");
        }
        match index {
            1 => return self.status_event(call, &mut rng, date, index, "initiated"),
            2 => return self.status_event(call, &mut rng, date, index, "ringing"),
            3 => return self.twiml_event(call, &mut rng, date, call.voice_url, "in-progress"),
            _ => {}
        }
        let roll = rng.below(100);
        if roll < 40 {
            let url = rng.pick(&ACTION_URLS).copied().unwrap_or(ACTION_URLS[0]);
            self.twiml_event(call, &mut rng, date, url, "in-progress")
        } else if roll < 55 {
            self.recording_event(call, &mut rng, date)
        } else if roll < 80 {
            self.api_fetch_event(call, &mut rng, date)
        } else {
            self.api_update_event(call, &mut rng, date)
        }
    }

    /// The status callbacks of `call`, in the order Twilio sends them: the parameters of each
    /// event of the call that records one (`initiated`, `ringing`, `completed`, as the call
    /// has events for them), so that what the sandbox sends is what its events say it sent.
    pub(crate) fn status_callbacks(&self, call: &CallInfo) -> Vec<Vec<(&'static str, String)>> {
        let last = call.event_count.saturating_sub(1);
        let mut indices = vec![1, 2, last];
        indices.retain(|&index| (1..=last).contains(&index));
        indices.dedup();
        indices
            .into_iter()
            .map(|index| self.event(call, index))
            .filter(|event| event.request.url == STATUS_CALLBACK_URL)
            .map(|event| {
                let Params(params) = event.request.parameters;
                params
                    .into_iter()
                    .map(|(name, value)| (name, value.text()))
                    .collect()
            })
            .collect()
    }

    fn webhook_params<'a>(&'a self, call: &'a CallInfo, status: &'a str) -> Params<'a> {
        let mut p = Params::with_capacity(16);
        p.push("AccountSid", Param::Str(&self.credentials.account_sid));
        p.push("ApiVersion", Param::Str(API_VERSION));
        p.push("CallSid", Param::Str(&call.sid));
        p.push("CallStatus", Param::Str(status));
        p.push("Called", Param::Str(&call.to));
        p.push("Caller", Param::Str(&call.from));
        p.push("Direction", Param::Str(DIRECTION));
        p.push("From", Param::Str(&call.from));
        p.push("FromCountry", Param::Str("US"));
        p.push("To", Param::Str(&call.to));
        p.push("ToCountry", Param::Str("US"));
        p
    }

    fn create_event<'a>(&'a self, call: &'a CallInfo, rng: &mut Rng, date: Rfc2822) -> Event<'a> {
        let mut p = Params::with_capacity(12);
        p.push("to", Param::Str(&call.to));
        p.push("from", Param::Str(&call.from));
        match call.inline_twiml {
            Some(twiml) => {
                p.push("trim", Param::Str("trim-silence"));
                p.push("twiml", Param::Str(twiml));
            }
            None => {
                p.push("url", Param::Str(call.voice_url));
            }
        }
        p.push("method", Param::Str("POST"));
        p.push("timeout", Param::Str("55"));
        p.push("account_sid", Param::Str(&self.credentials.account_sid));
        p.push("status_callback", Param::Str(STATUS_CALLBACK_URL));
        p.push("status_callback_method", Param::Str("POST"));
        p.push(
            "status_callback_event",
            Param::Str("initiated ringing answered completed"),
        );
        p.push("machine_detection_timeout", Param::Str("0"));
        Event {
            request: Request {
                method: "POST",
                url: &call.create_url,
                parameters: p,
            },
            response: Response {
                response_code: 201,
                request_duration: rng.range(30, 180),
                content_type: "application/json",
                response_body: Cow::Borrowed(&call.create_body),
                date_created: date,
            },
        }
    }

    fn status_event<'a>(
        &'a self,
        call: &'a CallInfo,
        rng: &mut Rng,
        date: Rfc2822,
        index: u64,
        status: &'a str,
    ) -> Event<'a> {
        let mut p = self.webhook_params(call, status);
        p.push("CallbackSource", Param::Str("call-progress-events"));
        p.push("SequenceNumber", Param::Owned(index.to_string()));
        p.push("Timestamp", Param::Date(date));
        if status == "completed" {
            let duration = (index.saturating_mul(4)).to_string();
            p.push("CallDuration", Param::Owned(duration.clone()));
            p.push("Duration", Param::Owned(duration));
        }
        let (code, content_type, body) = if rng.percent(50) {
            (200, "text/plain", "")
        } else if rng.percent(80) {
            (204, "text/plain", "")
        } else {
            (200, "text/html; charset=utf-8", "OK")
        };
        Event {
            request: Request {
                method: "POST",
                url: STATUS_CALLBACK_URL,
                parameters: p,
            },
            response: Response {
                response_code: code,
                request_duration: rng.range(15, 250),
                content_type,
                response_body: Cow::Borrowed(body),
                date_created: date,
            },
        }
    }

    fn twiml_event<'a>(
        &'a self,
        call: &'a CallInfo,
        rng: &mut Rng,
        date: Rfc2822,
        url: &'a str,
        status: &'a str,
    ) -> Event<'a> {
        let mut p = self.webhook_params(call, status);
        if url != call.voice_url {
            if rng.percent(60) {
                p.push("Digits", Param::Owned(rng.range(1, 9).to_string()));
                p.push("FinishedOnKey", Param::Str(""));
            } else {
                let speech = rng.pick(&SPEECH).copied().unwrap_or(SPEECH[0]);
                p.push("SpeechResult", Param::Str(speech));
                p.push(
                    "Confidence",
                    Param::Owned(format!("0.{:02}", rng.range(40, 99))),
                );
            }
        }
        let method = if rng.percent(80) { "POST" } else { "GET" };
        let roll = rng.below(100);
        let (code, content_type, body, duration) = if roll < 88 {
            let body = rng.pick(&TWIML_BODIES).copied().unwrap_or(TWIML_BODIES[0]);
            (200, "text/xml", body, rng.range(40, 450))
        } else if roll < 95 {
            (404, "text/html", NOT_FOUND_HTML, rng.range(20, 120))
        } else {
            (500, "text/html", SERVER_ERROR_HTML, rng.range(900, 15_000))
        };
        Event {
            request: Request {
                method,
                url,
                parameters: p,
            },
            response: Response {
                response_code: code,
                request_duration: duration,
                content_type,
                response_body: Cow::Borrowed(body),
                date_created: date,
            },
        }
    }

    fn recording_event<'a>(
        &'a self,
        call: &'a CallInfo,
        rng: &mut Rng,
        date: Rfc2822,
    ) -> Event<'a> {
        let recording_sid = sid("RE", rng.next_u64(), rng.next_u64());
        let recording_url = format!(
            "https://api.twilio.com/2010-04-01/Accounts/{}/Recordings/{recording_sid}",
            self.credentials.account_sid
        );
        let mut p = Params::with_capacity(10);
        p.push("AccountSid", Param::Str(&self.credentials.account_sid));
        p.push("CallSid", Param::Str(&call.sid));
        p.push("RecordingChannels", Param::Str("1"));
        p.push(
            "RecordingDuration",
            Param::Owned(rng.range(1, 30).to_string()),
        );
        p.push("RecordingSid", Param::Owned(recording_sid));
        p.push("RecordingSource", Param::Str("RecordVerb"));
        p.push("RecordingStartTime", Param::Date(date));
        p.push("RecordingStatus", Param::Str("completed"));
        p.push("RecordingUrl", Param::Owned(recording_url));
        Event {
            request: Request {
                method: "POST",
                url: RECORDING_CALLBACK_URL,
                parameters: p,
            },
            response: Response {
                response_code: 200,
                request_duration: rng.range(10, 300),
                content_type: "application/json",
                response_body: Cow::Borrowed("{\"ok\": true}"),
                date_created: date,
            },
        }
    }

    fn api_fetch_event<'a>(
        &'a self,
        call: &'a CallInfo,
        rng: &mut Rng,
        date: Rfc2822,
    ) -> Event<'a> {
        Event {
            request: Request {
                method: "GET",
                url: &call.call_url,
                parameters: Params::with_capacity(0),
            },
            response: Response {
                response_code: 200,
                request_duration: rng.range(20, 120),
                content_type: "application/json",
                response_body: Cow::Borrowed(&call.fetch_body),
                date_created: date,
            },
        }
    }

    fn api_update_event<'a>(
        &'a self,
        call: &'a CallInfo,
        rng: &mut Rng,
        date: Rfc2822,
    ) -> Event<'a> {
        let mut p = Params::with_capacity(3);
        if rng.percent(50) {
            let twiml = rng.pick(&UPDATE_TWIML).copied().unwrap_or(UPDATE_TWIML[0]);
            p.push("twiml", Param::Str(twiml));
        } else {
            let url = rng.pick(&ACTION_URLS).copied().unwrap_or(ACTION_URLS[0]);
            p.push("url", Param::Str(url));
            p.push("method", Param::Str("POST"));
        }
        let ok = rng.percent(95);
        let (code, body) = if ok {
            (200, Cow::Borrowed(call.fetch_body.as_str()))
        } else {
            (400, Cow::Borrowed(CANNOT_REDIRECT_JSON))
        };
        Event {
            request: Request {
                method: "POST",
                url: &call.call_url,
                parameters: p,
            },
            response: Response {
                response_code: code,
                request_duration: rng.range(25, 200),
                content_type: "application/json",
                response_body: body,
                date_created: date,
            },
        }
    }
}

/// One call event as the sandbox serializes it.
#[derive(Debug, Serialize)]
pub(crate) struct Event<'a> {
    request: Request<'a>,
    response: Response<'a>,
}

#[derive(Debug, Serialize)]
struct Request<'a> {
    method: &'static str,
    url: &'a str,
    parameters: Params<'a>,
}

#[derive(Debug, Serialize)]
struct Response<'a> {
    response_code: u16,
    request_duration: u64,
    content_type: &'static str,
    response_body: Cow<'a, str>,
    date_created: Rfc2822,
}

/// A request parameter value.
#[derive(Debug)]
enum Param<'a> {
    Str(&'a str),
    Owned(String),
    Date(Rfc2822),
}

impl Param<'_> {
    /// The value as the text a form-encoded request carries.
    fn text(&self) -> String {
        match self {
            Self::Str(s) => (*s).to_owned(),
            Self::Owned(s) => s.clone(),
            Self::Date(d) => d.to_string(),
        }
    }
}

impl Serialize for Param<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Str(s) => serializer.serialize_str(s),
            Self::Owned(s) => serializer.serialize_str(s),
            Self::Date(d) => d.serialize(serializer),
        }
    }
}

/// Request parameters, serialized as a JSON object in insertion order.
#[derive(Debug)]
struct Params<'a>(Vec<(&'static str, Param<'a>)>);

impl<'a> Params<'a> {
    fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    fn push(&mut self, key: &'static str, value: Param<'a>) {
        self.0.push((key, value));
    }
}

impl Serialize for Params<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn is_sid(s: &str, prefix: &str) -> bool {
        match prefix {
            "AC" => s.parse::<twilio_model::AccountSid>().is_ok(),
            "CA" => s.parse::<twilio_model::CallSid>().is_ok(),
            "SK" => s.parse::<twilio_model::ApiKeySid>().is_ok(),
            _ => false,
        }
    }

    #[test]
    fn credentials_are_seeded_and_well_formed() {
        let a = credentials(1);
        let b = credentials(1);
        let c = credentials(2);
        assert_eq!(a.account_sid, b.account_sid);
        assert_eq!(a.auth_token, b.auth_token);
        assert_ne!(a.account_sid, c.account_sid);
        assert!(is_sid(&a.account_sid, "AC"));
        assert!(is_sid(&a.api_key_sid, "SK"));
        assert_eq!(a.auth_token.len(), 32);
        assert_eq!(a.api_key_secret.len(), 32);
    }

    #[test]
    fn calls_have_unique_valid_sids_and_expected_counts() {
        let d = Dataset::new(5, 200, &[0, 7, 100_000]);
        assert_eq!(d.calls.len(), 203);
        let mut seen = std::collections::HashSet::new();
        for c in &d.calls {
            assert!(is_sid(&c.sid, "CA"), "{}", c.sid);
            assert!(seen.insert(c.sid.clone()));
            assert_eq!(d.call(&c.sid).map(|x| x.event_count), Some(c.event_count));
        }
        for c in d.calls.iter().take(200) {
            assert!((1..=120).contains(&c.event_count));
        }
        let counts: Vec<u64> = d.calls.iter().skip(200).map(|c| c.event_count).collect();
        assert_eq!(counts, vec![0, 7, 100_000]);
        // The generated counts vary.
        let distinct: std::collections::HashSet<u64> =
            d.calls.iter().take(200).map(|c| c.event_count).collect();
        assert!(distinct.len() > 20);
    }

    #[test]
    fn events_look_like_twilio_and_are_deterministic() {
        let d = Dataset::new(42, 3, &[500]);
        let call = &d.calls[3];
        let first = serde_json::to_value(d.event(call, 0)).unwrap();
        assert_eq!(first["request"]["method"], "POST");
        assert!(
            first["request"]["url"]
                .as_str()
                .unwrap()
                .ends_with("/Calls.json")
        );
        assert_eq!(first["response"]["response_code"], 201);
        let body: Value =
            serde_json::from_str(first["response"]["response_body"].as_str().unwrap()).unwrap();
        assert_eq!(body["sid"], call.sid.as_str());
        assert_eq!(
            first["request"]["parameters"]["account_sid"],
            d.credentials.account_sid.as_str()
        );

        let last = serde_json::to_value(d.event(call, 499)).unwrap();
        assert_eq!(last["request"]["parameters"]["CallStatus"], "completed");

        let mut codes = std::collections::BTreeSet::new();
        let mut previous_date: Option<i64> = None;
        for i in 0..500 {
            let a = serde_json::to_string(&d.event(call, i)).unwrap();
            let b = serde_json::to_string(&d.event(call, i)).unwrap();
            assert_eq!(a, b);
            let v: Value = serde_json::from_str(&a).unwrap();
            codes.insert(v["response"]["response_code"].as_u64().unwrap());
            let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["request", "response"]);
            let date = v["response"]["date_created"].as_str().unwrap();
            assert!(date.ends_with(" +0000"), "{date}");
            // Dates strictly increase along a call.
            let parsed = parse_rfc2822_for_test(date);
            if let Some(p) = previous_date {
                assert!(
                    parsed > p,
                    "event {i} at {date} is not after the previous one"
                );
            }
            previous_date = Some(parsed);
        }
        for code in [200, 201, 204, 404, 500] {
            assert!(codes.contains(&code), "no {code} in {codes:?}");
        }
    }

    /// Minimal parser for the dates this module writes, to check ordering.
    fn parse_rfc2822_for_test(s: &str) -> i64 {
        // "Tue, 11 Aug 2020 17:44:08 +0000"
        let parts: Vec<&str> = s.split([' ', ':']).collect();
        let day: i64 = parts[1].parse().unwrap();
        let month = MONTHS_FOR_TEST.iter().position(|m| *m == parts[2]).unwrap() as i64;
        let year: i64 = parts[3].parse().unwrap();
        let (h, m, sec): (i64, i64, i64) = (
            parts[4].parse().unwrap(),
            parts[5].parse().unwrap(),
            parts[6].parse().unwrap(),
        );
        ((((year * 12 + month) * 31 + day) * 24 + h) * 60 + m) * 60 + sec
    }

    const MONTHS_FOR_TEST: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];

    #[test]
    fn status_callbacks_are_the_status_events_of_the_call() {
        let d = Dataset::new(9, 0, &[0, 1, 2, 3, 4, 60]);
        let statuses = |i: usize| -> Vec<String> {
            d.status_callbacks(&d.calls[i])
                .iter()
                .map(|p| {
                    p.iter()
                        .find(|(k, _)| *k == "CallStatus")
                        .unwrap()
                        .1
                        .clone()
                })
                .collect()
        };
        assert!(statuses(0).is_empty());
        assert!(statuses(1).is_empty());
        assert_eq!(statuses(2), ["completed"]);
        assert_eq!(statuses(3), ["initiated", "completed"]);
        assert_eq!(statuses(4), ["initiated", "ringing", "completed"]);
        assert_eq!(statuses(5), ["initiated", "ringing", "completed"]);
        // Exactly the parameters the call's events record for those requests.
        let call = &d.calls[5];
        let callbacks = d.status_callbacks(call);
        let recorded: Vec<Value> = [1, 2, 59]
            .iter()
            .map(|&i| {
                serde_json::to_value(d.event(call, i)).unwrap()["request"]["parameters"].clone()
            })
            .collect();
        for (sent, recorded) in callbacks.iter().zip(&recorded) {
            let sent: serde_json::Map<String, Value> = sent
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
                .collect();
            assert_eq!(&Value::Object(sent), recorded);
        }
        let last = &callbacks[2];
        for name in [
            "AccountSid",
            "ApiVersion",
            "CallSid",
            "CallStatus",
            "Direction",
            "From",
            "To",
            "CallDuration",
            "Timestamp",
            "SequenceNumber",
        ] {
            assert!(
                last.iter().any(|(k, _)| *k == name),
                "{name} missing: {last:?}"
            );
        }
    }

    #[test]
    fn single_event_call_is_just_the_creation() {
        let d = Dataset::new(1, 0, &[1]);
        let v = serde_json::to_value(d.event(&d.calls[0], 0)).unwrap();
        assert_eq!(v["response"]["response_code"], 201);
    }
}
