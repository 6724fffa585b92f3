//! Call events: the API and webhook requests and responses of one call
//! (`GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Events.json`).
//!
//! Each model types the members that Twilio documents and shows, and keeps everything else
//! verbatim in its `extra` map: a member Twilio adds later, a member that is `null`, or a
//! known member whose JSON type is not the expected one (e.g. `response_code` as a string).
//! None of these makes decoding fail, and decoding then encoding an event gives back the same
//! JSON value.
//!
//! ```
//! use twilio_model::CallEvent;
//!
//! let event: CallEvent = serde_json::from_str(r#"{
//!     "request": {"method": "POST", "url": "https://example.com/twiml", "parameters": {"to": "+1"}},
//!     "response": {"response_code": "201", "request_duration": 50, "trace_id": "x"}
//! }"#)?;
//!
//! let request = event.request.as_ref().expect("request is an object");
//! assert_eq!(request.method.as_deref(), Some("POST"));
//! assert_eq!(request.parameter("to"), Some("+1"));
//!
//! let response = event.response.as_ref().expect("response is an object");
//! assert_eq!(response.request_duration, Some(50));
//! // An ill-typed known member is not lost: it is kept raw, and its typed field is empty.
//! assert_eq!(response.response_code, None);
//! assert_eq!(response.extra["response_code"], "201");
//! assert_eq!(response.extra["trace_id"], "x");
//! # Ok::<(), serde_json::Error>(())
//! ```

use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use crate::Parameters;
use crate::lenient::lenient_struct;

lenient_struct! {
    /// One event of a call: a request Twilio made or received, and its response.
    ///
    /// Both members are nullable in the spec. A member that is an object decodes into the
    /// typed field; a `null` (or any other non-object value) leaves the typed field `None`
    /// and is kept in [`extra`](CallEvent::extra), so it is written back as it came.
    pub struct CallEvent {
        /// The request: what was sent (URL, method, parameters and TwiML).
        request: EventRequest,
        /// The response: what came back (status code, body, timing).
        response: EventResponse,
    }
}

lenient_struct! {
    /// The request half of a [`CallEvent`].
    ///
    /// Each typed field is `None` when the member is absent, `null`, or not of the expected
    /// JSON type; in the last two cases the member is kept in
    /// [`extra`](EventRequest::extra).
    pub struct EventRequest {
        /// The URL the request was sent to.
        url: String,
        /// The HTTP method of the request, e.g. `POST`.
        method: String,
        /// The parameters of the request, in the order they arrived. Typed only when every
        /// value is a string; otherwise the whole object is kept raw in
        /// [`extra`](EventRequest::extra).
        parameters: Parameters,
    }
}

lenient_struct! {
    /// The response half of a [`CallEvent`].
    ///
    /// Each typed field is `None` when the member is absent, `null`, or not of the expected
    /// JSON type; in the last two cases the member is kept in
    /// [`extra`](EventResponse::extra).
    pub struct EventResponse {
        /// The `Content-Type` of the response, e.g. `application/json`.
        content_type: String,
        /// When the response was received, as Twilio wrote it (RFC 2822, e.g.
        /// `Tue, 11 Aug 2020 17:44:08 +0000`); see [`EventResponse::date_created_at`].
        date_created: String,
        /// The body of the response (TwiML, JSON, ...), as text.
        response_body: String,
        /// The HTTP status code of the response, e.g. `201`.
        response_code: u16,
        /// How long the request took, in milliseconds.
        request_duration: u64,
    }
}

impl CallEvent {
    /// An event with the given request and response and nothing else.
    #[must_use]
    pub fn new(request: Option<EventRequest>, response: Option<EventResponse>) -> Self {
        Self {
            request,
            response,
            extra: serde_json::Map::new(),
        }
    }
}

impl EventRequest {
    /// The value of one request parameter, if the parameters are typed and hold `name`.
    #[must_use]
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters.as_ref()?.get(name)
    }
}

impl EventResponse {
    /// [`date_created`](EventResponse::date_created) parsed as an RFC 2822 date.
    ///
    /// `None` when the member is absent, not a string, or not a valid RFC 2822 date: an odd
    /// date never makes decoding fail, it only leaves this accessor empty.
    ///
    /// ```
    /// use twilio_model::EventResponse;
    ///
    /// let mut response = EventResponse::default();
    /// response.date_created = Some("Tue, 11 Aug 2020 17:44:08 +0000".to_owned());
    /// let at = response.date_created_at().expect("valid RFC 2822");
    /// assert_eq!(at.unix_timestamp(), 1_597_167_848);
    ///
    /// response.date_created = Some("2020-08-11T17:44:08Z".to_owned());
    /// assert_eq!(response.date_created_at(), None);
    /// ```
    #[must_use]
    pub fn date_created_at(&self) -> Option<OffsetDateTime> {
        parse_rfc2822(self.date_created.as_deref()?)
    }
}

/// Parses an RFC 2822 date.
fn parse_rfc2822(text: &str) -> Option<OffsetDateTime> {
    let at = OffsetDateTime::parse(text, &Rfc2822).ok()?;
    // `time` 0.3.55 drops the sign of offsets between -00:59 and -00:01 ("-0030" parses as
    // +00:30): the hours carry the sign and there are none. Same wall-clock time, other sign.
    let zone = text.trim_end().rsplit(' ').next().unwrap_or_default();
    if zone.starts_with("-00") && at.offset().is_positive() {
        return Some(at.replace_offset(-at.offset()));
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn round_trip(v: &Value) -> CallEvent {
        let event: CallEvent = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(&serde_json::to_value(&event).unwrap(), v);
        let text = serde_json::to_string(v).unwrap();
        let event2: CallEvent = serde_json::from_str(&text).unwrap();
        assert_eq!(event2, event);
        event
    }

    #[test]
    fn a_repeated_member_counts_by_its_last_value() {
        let text = r#"{"response_code": null, "request_duration": "7", "response_code": 201,
                       "request_duration": 8, "content_type": 1, "content_type": null}"#;
        let response: EventResponse = serde_json::from_str(text).unwrap();
        assert_eq!(response.response_code, Some(201));
        assert_eq!(response.request_duration, Some(8));
        assert_eq!(response.content_type, None);
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"response_code": 201, "request_duration": 8, "content_type": null})
        );
        let typed_then_raw: EventResponse =
            serde_json::from_str(r#"{"response_code": 201, "response_code": "x"}"#).unwrap();
        assert_eq!(typed_then_raw.response_code, None);
        assert_eq!(typed_then_raw.extra["response_code"], "x");
    }

    #[test]
    fn typed_members() {
        let event = round_trip(&json!({
            "request": {"url": "u", "method": "GET", "parameters": {"a": "1"}},
            "response": {"content_type": "text/xml", "date_created": "Tue, 11 Aug 2020 17:44:08 +0000",
                         "response_body": "<Response/>", "response_code": 200, "request_duration": 7}
        }));
        let request = event.request.unwrap();
        assert_eq!(request.url.as_deref(), Some("u"));
        assert_eq!(request.parameter("a"), Some("1"));
        assert_eq!(request.parameter("b"), None);
        assert!(request.extra.is_empty());
        let response = event.response.unwrap();
        assert_eq!(response.response_code, Some(200));
        assert_eq!(response.request_duration, Some(7));
        assert_eq!(response.response_body.as_deref(), Some("<Response/>"));
        assert!(response.date_created_at().is_some());
        assert!(event.extra.is_empty());
    }

    #[test]
    fn null_absent_and_ill_typed_members_round_trip() {
        let event = round_trip(&json!({"request": null}));
        assert_eq!(event.request, None);
        assert_eq!(event.extra["request"], Value::Null);

        let event = round_trip(&json!({}));
        assert_eq!(event, CallEvent::default());

        let event = round_trip(&json!({"response": "oops", "request": [1]}));
        assert_eq!((event.request, event.response), (None, None));

        let event = round_trip(&json!({"response": {
            "response_code": "201", "request_duration": -3, "date_created": 5, "content_type": null
        }}));
        let response = event.response.unwrap();
        assert_eq!(response.response_code, None);
        assert_eq!(response.request_duration, None);
        assert_eq!(response.date_created_at(), None);
        assert_eq!(response.extra.len(), 4);

        let event = round_trip(&json!({"request": {"parameters": {"a": "1", "b": 2}}}));
        let request = event.request.unwrap();
        assert_eq!(request.parameters, None);
        assert_eq!(request.parameter("a"), None);
    }

    #[test]
    fn duplicate_keys_last_wins_like_value() {
        let text = r#"{"response":{"response_code":"x","response_code":201,"request_duration":1,"request_duration":null}}"#;
        let event: CallEvent = serde_json::from_str(text).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_value(&event).unwrap(), value);
        let response = event.response.unwrap();
        assert_eq!(response.response_code, Some(201));
        assert!(!response.extra.contains_key("response_code"));
    }

    #[test]
    fn typed_field_shadows_extra_entry_of_same_key_when_encoding() {
        let mut response = EventResponse::default();
        response
            .extra
            .insert("response_code".into(), json!("stale"));
        response.extra.insert("other".into(), json!(1));
        response.response_code = Some(404);
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"response_code": 404, "other": 1})
        );
    }

    #[test]
    fn non_object_event_is_an_error() {
        let err = serde_json::from_str::<CallEvent>("[]").unwrap_err();
        assert!(
            err.to_string().contains("a JSON object (CallEvent)"),
            "{err}"
        );
    }

    #[test]
    fn rfc2822_offsets_keep_their_sign() {
        for (text, offset_minutes, unix) in [
            ("Tue, 11 Aug 2020 17:44:08 +0000", 0, 1_597_167_848),
            ("Tue, 11 Aug 2020 17:44:08 -0030", -30, 1_597_167_848 + 1800),
            ("Tue, 11 Aug 2020 17:44:08 +0030", 30, 1_597_167_848 - 1800),
            ("Tue, 11 Aug 2020 17:44:08 -0130", -90, 1_597_167_848 + 5400),
            ("Tue, 11 Aug 2020 17:44:08 -0000", 0, 1_597_167_848),
        ] {
            let at = parse_rfc2822(text).unwrap();
            assert_eq!(at.offset().whole_minutes(), offset_minutes, "{text}");
            assert_eq!(at.unix_timestamp(), unix, "{text}");
        }
    }

    #[test]
    fn odd_dates_do_not_parse_but_decode() {
        for odd in [
            "",
            "yesterday",
            "2020-08-11T17:44:08Z",
            "Tue, 32 Aug 2020 17:44:08 +0000",
        ] {
            let response: EventResponse =
                serde_json::from_value(json!({ "date_created": odd })).unwrap();
            assert_eq!(response.date_created.as_deref(), Some(odd));
            assert_eq!(response.date_created_at(), None, "{odd}");
        }
    }
}
