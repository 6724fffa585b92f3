//! Decodes the documented examples (the seed API page and the OpenAPI spec) and a fixture of
//! edge cases, and checks that decoding then encoding gives back the same JSON value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use twilio_model::{CallEvent, CallEvents, CallEventsPage, ListPage, Page, PageMeta, Raw};

const SEED_FULL: &str = include_str!("../fixtures/seed_read_full.json");
const SEED_EMPTY: &str = include_str!("../fixtures/seed_read_empty.json");
const SPEC_FULL: &str = include_str!("../fixtures/spec_read_full.json");
const SPEC_EMPTY: &str = include_str!("../fixtures/spec_read_empty.json");
const EDGE: &str = include_str!("../fixtures/edge_cases.json");

const FIRST_URI: &str = "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Events.json?PageSize=50&Page=0";

/// Decodes `text` from bytes and from a `Value`, encodes it back, and compares with the
/// original JSON value.
fn round_trip(text: &str) -> CallEventsPage {
    let original: Value = serde_json::from_str(text).unwrap();
    let page: CallEventsPage = serde_json::from_slice(text.as_bytes()).unwrap();
    assert_eq!(
        serde_json::to_value(&page).unwrap(),
        original,
        "re-encoded page differs"
    );
    let from_value: CallEventsPage = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(from_value, page);
    let reparsed: CallEventsPage =
        serde_json::from_str(&serde_json::to_string_pretty(&page).unwrap()).unwrap();
    assert_eq!(reparsed, page);

    let raw: Page<Raw<CallEvents>> = serde_json::from_str(text).unwrap();
    assert_eq!(
        serde_json::to_value(&raw).unwrap(),
        original,
        "raw page differs"
    );
    assert_eq!(raw.items().len(), page.items().len());
    for (raw_event, event) in raw.items().iter().zip(page.items()) {
        let decoded: CallEvent = serde_json::from_str(raw_event.get()).unwrap();
        assert_eq!(&decoded, event);
    }
    page
}

fn expected_meta() -> PageMeta {
    let mut meta = PageMeta::default();
    meta.uri = Some(FIRST_URI.to_owned());
    meta.first_page_uri = Some(FIRST_URI.to_owned());
    meta.page = Some(0);
    meta.page_size = Some(50);
    meta.start = Some(0);
    meta.end = Some(0);
    meta
}

fn check_documented_event(event: &CallEvent) {
    assert!(event.extra.is_empty());
    let request = event.request.as_ref().unwrap();
    assert_eq!(
        request.url.as_deref(),
        Some(
            "https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"
        )
    );
    assert_eq!(request.method.as_deref(), Some("POST"));
    let parameters = request.parameters.as_ref().unwrap();
    assert_eq!(parameters.len(), 9);
    assert_eq!(request.parameter("to"), Some("+123456789"));
    assert_eq!(
        request.parameter("twiml"),
        Some("<Response><Say>Hi!</Say></Response>")
    );
    assert_eq!(request.parameter("machine_detection_timeout"), Some("0"));
    assert!(request.extra.is_empty());

    let response = event.response.as_ref().unwrap();
    assert_eq!(response.content_type.as_deref(), Some("application/json"));
    assert_eq!(response.response_code, Some(201));
    assert_eq!(response.request_duration, Some(50));
    assert_eq!(
        response.response_body.as_deref(),
        Some(r#"{"sid": "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#)
    );
    let at = response.date_created_at().unwrap();
    assert_eq!(at.unix_timestamp(), 1_597_167_848);
    assert_eq!(at.offset().whole_seconds(), 0);
    assert!(response.extra.is_empty());
}

#[test]
fn seed_read_full() {
    let page = round_trip(SEED_FULL);
    assert_eq!(page.envelope(), &expected_meta());
    assert_eq!(page.next_page_uri(), None);
    assert!(page.extra.is_empty());
    assert_eq!(page.items().len(), 1);
    check_documented_event(&page.items()[0]);
}

#[test]
fn spec_read_full() {
    let page = round_trip(SPEC_FULL);
    assert_eq!(page.envelope(), &expected_meta());
    assert_eq!(page.items().len(), 1);
    check_documented_event(&page.items()[0]);
    assert_eq!(
        page,
        round_trip(SEED_FULL),
        "seed and spec examples carry the same data"
    );
}

#[test]
fn read_empty_examples() {
    for text in [SEED_EMPTY, SPEC_EMPTY] {
        let page = round_trip(text);
        assert_eq!(page.envelope(), &expected_meta());
        assert!(page.items().is_empty());
        let (meta, items) = page.into_parts();
        assert_eq!(meta.first_page_uri.as_deref(), Some(FIRST_URI));
        assert!(items.is_empty());
    }
}

#[test]
fn edge_cases_decode_and_round_trip() {
    let page = round_trip(EDGE);
    assert!(page.next_page_uri().unwrap().ends_with("PageToken=PAabc"));
    // An ill-typed counter is kept raw; unknown top-level members are kept.
    assert_eq!(page.envelope().start, None);
    assert_eq!(page.extra["start"], json!("0"));
    assert_eq!(page.extra["meta"]["new_field"], json!(true));
    assert_eq!(page.envelope().end, Some(4));

    let events = page.items();
    assert_eq!(events.len(), 5);

    // Explicit nulls are kept apart from absent members.
    assert_eq!((&events[0].request, &events[0].response), (&None, &None));
    assert_eq!(events[0].extra.len(), 2);
    assert_eq!(events[1], CallEvent::default());

    // Unicode, escaped TwiML, unknown members, odd types.
    let request = events[2].request.as_ref().unwrap();
    assert_eq!(request.parameter("Caller"), Some("client:Jürgen ☃"));
    assert_eq!(request.parameter("emoji"), Some("📞"));
    assert_eq!(
        request.parameter("twiml"),
        Some(
            "<Response>\n\t<Say voice=\"alice\">Grüße &amp; \"quotes\" \\ backslash</Say>\n</Response>"
        )
    );
    assert_eq!(
        request.extra["headers"]["X-Twilio-Signature"],
        json!("abc=")
    );
    let response = events[2].response.as_ref().unwrap();
    assert_eq!(
        response.date_created.as_deref(),
        Some("2020-08-11T17:44:08Z")
    );
    assert_eq!(response.date_created_at(), None, "not RFC 2822");
    assert_eq!(response.response_code, None);
    assert_eq!(response.extra["response_code"], json!("200"));
    assert_eq!(response.request_duration, None);
    assert_eq!(response.extra["request_duration"], json!(12.5));
    assert_eq!(events[2].extra["sequence"], json!(3));

    let request = events[3].request.as_ref().unwrap();
    assert_eq!(request.url, None);
    assert_eq!(request.method.as_deref(), Some("GET"));
    assert_eq!(
        request.parameters, None,
        "a non-string parameter keeps the map raw"
    );
    assert_eq!(
        request.extra["parameters"],
        json!({"a": "1", "b": 2, "c": null})
    );
    let response = events[3].response.as_ref().unwrap();
    assert_eq!(response.response_code, None, "70000 is no HTTP status");
    assert_eq!(response.request_duration, None);
    assert_eq!(response.content_type, None);

    assert_eq!(events[4].request, None);
    assert_eq!(events[4].extra["response"], json!(42));
}

#[test]
fn page_errors_are_reported_not_papered_over() {
    let err = serde_json::from_str::<CallEventsPage>(r#"{"page": 0}"#).unwrap_err();
    assert!(err.to_string().contains("missing field `events`"), "{err}");

    let err = serde_json::from_str::<CallEventsPage>(r#"{"events": [], "next_page_uri": 5}"#)
        .unwrap_err();
    assert!(
        err.to_string().contains("invalid type: integer `5`"),
        "{err}"
    );

    let err = serde_json::from_str::<CallEventsPage>(r#"{"events": {}}"#).unwrap_err();
    assert!(err.to_string().contains("expected a sequence"), "{err}");

    let err = serde_json::from_str::<CallEventsPage>("[]").unwrap_err();
    assert!(
        err.to_string()
            .contains("a list page with an `events` array"),
        "{err}"
    );

    let err = serde_json::from_str::<CallEventsPage>(r#"{"events": [{"request": {}}"#).unwrap_err();
    assert!(err.is_eof(), "{err}");
}

#[test]
fn built_page_encodes_like_twilio() {
    let mut event = CallEvent::default();
    let mut response = twilio_model::EventResponse::default();
    response.response_code = Some(200);
    event.response = Some(response);
    let mut meta = PageMeta::default();
    meta.page = Some(1);
    let page = CallEventsPage::new(meta, vec![event]);
    assert_eq!(
        serde_json::to_value(&page).unwrap(),
        json!({
            "uri": null, "first_page_uri": null, "next_page_uri": null, "previous_page_uri": null,
            "page": 1, "page_size": null, "start": null, "end": null,
            "events": [{"response": {"response_code": 200}}]
        })
    );
}

/// Found by the `page_decode` fuzz target: an escape that is no valid UTF-16 (a lone low
/// surrogate) is valid JSON syntax, which the raw page keeps verbatim, but no Rust string can
/// hold it. Neither page type panics: the raw page keeps and re-encodes the text as it came,
/// the typed page (and converting the raw text to a `Value`) report an error.
#[test]
fn a_lone_surrogate_escape_is_kept_raw_and_refused_typed() {
    let text = r#"{"events": [{"request": {"parameters": {"emoji": "\ud59d\udcde"}}}], "page": 0}"#;
    let raw: Page<Raw<CallEvents>> = serde_json::from_str(text).unwrap();
    let event = raw.items()[0].get();
    assert_eq!(
        event,
        r#"{"request": {"parameters": {"emoji": "\ud59d\udcde"}}}"#
    );
    let encoded = serde_json::to_string(&raw).unwrap();
    let again: Page<Raw<CallEvents>> = serde_json::from_str(&encoded).unwrap();
    assert_eq!(
        again.items()[0].get(),
        event,
        "verbatim through a round trip"
    );
    assert_eq!(again.envelope(), raw.envelope());

    assert!(serde_json::to_value(&raw).is_err());
    assert!(serde_json::from_str::<CallEvent>(event).is_err());
    let typed = serde_json::from_str::<CallEventsPage>(text).unwrap_err();
    assert!(typed.to_string().contains("surrogate"), "{typed}");
}

/// Found by the `page_decode` fuzz target: a number that is not a `u64` (here in `start`,
/// kept raw) must survive decode -> encode -> decode exactly. serde_json's default float
/// parsing can be off by one unit in the last place, so `1.0000000000000001e49` came back as
/// `1e49`; the model needs serde_json's `float_roundtrip`.
#[test]
fn floats_survive_a_round_trip_exactly() {
    let text = r#"{"events": [{"request": {"x": 1.0000000000000001e49}}], "start": 1.0000000000000001e49}"#;
    let page: CallEventsPage = serde_json::from_str(text).unwrap();
    let encoded = serde_json::to_string(&page).unwrap();
    assert_eq!(
        encoded.matches("1.0000000000000001e+49").count(),
        2,
        "{encoded}"
    );
    let again: CallEventsPage = serde_json::from_str(&encoded).unwrap();
    assert_eq!(again, page);
    let raw: Page<Raw<CallEvents>> = serde_json::from_str(text).unwrap();
    assert_eq!(
        serde_json::to_value(&raw).unwrap(),
        serde_json::to_value(&page).unwrap()
    );
}
