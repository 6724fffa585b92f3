//! Property tests: SID validation agrees with the spec's regular expressions, and any
//! JSON-ish event or page decodes and re-encodes to the same JSON value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::LazyLock;

use proptest::prelude::*;
use regex::Regex;
use serde_json::{Map, Value};
use time::{OffsetDateTime, UtcOffset, format_description::well_known::Rfc2822};
use twilio_model::{
    AccountSid, ApiKeySid, CallEvent, CallEventsPage, CallSid, EventResponse, ListPage, Sid,
};

// ---------- SIDs ----------

/// Candidate SIDs: valid ones, near misses (wrong prefix, case, length, digits, whitespace)
/// and arbitrary strings.
fn sid_candidates() -> impl Strategy<Value = String> {
    prop_oneof![
        "(AC|CA|SK)[0-9a-fA-F]{32}",
        "(AC|CA|SK|ac|Ac|RE|A|)[0-9a-fA-F]{30,34}",
        "(AC|CA|SK)[0-9a-zA-Z]{32}",
        "(AC|CA|SK)[0-9a-fA-F]{32}[\n\r \t]?",
        "[ \n]?(AC|CA|SK)[0-9a-fA-F]{32}",
        "(AC|CA|SK)[0-9a-fA-F٠-٩éＡ]{32}",
        any::<String>(),
    ]
}

/// The patterns of the spec's path parameters `AccountSid` and `CallSid`, and of API keys.
static SPEC: LazyLock<[Regex; 3]> = LazyLock::new(|| {
    [
        "^AC[0-9a-fA-F]{32}$",
        "^CA[0-9a-fA-F]{32}$",
        "^SK[0-9a-fA-F]{32}$",
    ]
    .map(|pattern| Regex::new(pattern).unwrap())
});

fn check_kind<T: Sid>(spec: &Regex, candidate: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(T::PATTERN, spec.as_str());
    match T::try_from(candidate) {
        Ok(sid) => {
            prop_assert!(spec.is_match(candidate), "accepted {:?}", candidate);
            prop_assert_eq!(sid.as_str(), candidate);
            prop_assert_eq!(sid.to_string(), candidate);
            let json = serde_json::to_string(&sid).unwrap();
            prop_assert_eq!(serde_json::from_str::<T>(&json).unwrap(), sid);
        }
        Err(err) => {
            prop_assert!(!spec.is_match(candidate), "rejected {:?}", candidate);
            prop_assert_eq!(err.value(), candidate);
            prop_assert_eq!(err.kind(), T::KIND);
            let json = serde_json::to_string(candidate).unwrap();
            let de_err = serde_json::from_str::<T>(&json).unwrap_err().to_string();
            let expected = format!("invalid {} SID ", T::KIND);
            prop_assert!(de_err.starts_with(&expected), "{}", de_err);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn sid_validation_matches_the_spec_regex(candidate in sid_candidates()) {
        let [account, call, api_key] = &*SPEC;
        check_kind::<AccountSid>(account, &candidate)?;
        check_kind::<CallSid>(call, &candidate)?;
        check_kind::<ApiKeySid>(api_key, &candidate)?;
    }

    #[test]
    fn parse_forms_agree(candidate in sid_candidates()) {
        let a = candidate.parse::<CallSid>().ok();
        let b = CallSid::try_from(candidate.as_str()).ok();
        let c = CallSid::try_from(candidate.clone()).ok();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &c);
    }
}

// ---------- events and pages ----------

fn json_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z_]{0,12}",
        // TwiML-like bodies: quotes, backslashes, control characters, non-ASCII.
        "<Response>(<Say>[a-zA-Z \"\\\\\n\t&;éü☃📞]{0,20}</Say>){0,3}</Response>",
    ]
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (0u64..1000).prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        json_string().prop_map(Value::String),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{1,10}",
        any::<String>(),
        // Known member names, so they also show up with unexpected values.
        prop::sample::select(vec![
            "request",
            "response",
            "url",
            "method",
            "parameters",
            "content_type",
            "date_created",
            "response_body",
            "response_code",
            "request_duration",
            "events",
            "page",
            "start",
            "end",
            "page_size",
        ])
        .prop_map(str::to_owned),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// A member value: usually of the documented type, sometimes anything at all.
fn member(typed: impl Strategy<Value = Value>) -> impl Strategy<Value = Option<Value>> {
    prop::option::of(prop_oneof![4 => typed, 1 => any_json()])
}

fn object(
    members: Vec<(&'static str, BoxedStrategy<Option<Value>>)>,
) -> impl Strategy<Value = Value> {
    let names: Vec<&'static str> = members.iter().map(|(name, _)| *name).collect();
    let values: Vec<BoxedStrategy<Option<Value>>> =
        members.into_iter().map(|(_, strategy)| strategy).collect();
    (values, prop::collection::vec((key(), any_json()), 0..3)).prop_map(move |(values, unknown)| {
        let mut map = Map::new();
        for (name, value) in names.iter().zip(values) {
            if let Some(value) = value {
                map.insert((*name).to_owned(), value);
            }
        }
        for (k, v) in unknown {
            map.entry(k).or_insert(v);
        }
        Value::Object(map)
    })
}

fn parameters() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::collection::btree_map(key(), json_string(), 0..12)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k, Value::String(v))).collect())),
        1 => prop::collection::vec((key(), json_leaf()), 0..6)
            .prop_map(|entries| Value::Object(entries.into_iter().collect())),
    ]
}

fn date() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::from("Tue, 11 Aug 2020 17:44:08 +0000")),
        Just(Value::from("2020-08-11T17:44:08Z")),
        json_string().prop_map(Value::String),
    ]
}

fn request() -> impl Strategy<Value = Value> {
    object(vec![
        ("url", member(json_string().prop_map(Value::String)).boxed()),
        (
            "method",
            member(prop::sample::select(vec!["GET", "POST"]).prop_map(Value::from)).boxed(),
        ),
        ("parameters", member(parameters()).boxed()),
    ])
}

fn response() -> impl Strategy<Value = Value> {
    object(vec![
        (
            "content_type",
            member(json_string().prop_map(Value::String)).boxed(),
        ),
        ("date_created", member(date()).boxed()),
        (
            "response_body",
            member(json_string().prop_map(Value::String)).boxed(),
        ),
        (
            "response_code",
            member(prop_oneof![
                (100u64..600).prop_map(Value::from),
                any::<u64>().prop_map(Value::from)
            ])
            .boxed(),
        ),
        (
            "request_duration",
            member(any::<u64>().prop_map(Value::from)).boxed(),
        ),
    ])
}

fn event() -> impl Strategy<Value = Value> {
    object(vec![
        ("request", member(request()).boxed()),
        ("response", member(response()).boxed()),
    ])
}

fn page() -> impl Strategy<Value = Value> {
    let uri = || prop::option::of(json_string()).prop_map(|s| s.map_or(Value::Null, Value::String));
    let counter = prop_oneof![
        4 => any::<u64>().prop_map(Value::from),
        1 => any_json(),
    ];
    (
        prop::collection::vec(event(), 0..6),
        uri(),
        uri(),
        prop::option::of(counter.clone()),
        prop::option::of(counter),
        prop::collection::vec((key(), any_json()), 0..3),
    )
        .prop_map(|(events, next, first, page, end, unknown)| {
            let mut map = Map::new();
            map.insert("events".into(), Value::Array(events));
            map.insert("next_page_uri".into(), next);
            map.insert("first_page_uri".into(), first);
            map.insert("uri".into(), Value::Null);
            map.insert("previous_page_uri".into(), Value::Null);
            map.insert("page_size".into(), Value::from(50));
            map.insert("start".into(), Value::Null);
            map.insert("page".into(), page.unwrap_or(Value::Null));
            map.insert("end".into(), end.unwrap_or(Value::from(0)));
            for (k, v) in unknown {
                // Unknown members must not replace the members the page requires.
                map.entry(k).or_insert(v);
            }
            Value::Object(map)
        })
}

/// The typed fields hold exactly the well-typed members.
fn check_typed_fields(json: &Value, event: &CallEvent) -> Result<(), TestCaseError> {
    match (json.get("response"), &event.response) {
        (Some(Value::Object(members)), Some(response)) => {
            let code = members.get("response_code").and_then(Value::as_u64);
            prop_assert_eq!(
                response.response_code.map(u64::from),
                code.filter(|c| *c <= 65_535)
            );
            prop_assert_eq!(
                response.request_duration,
                members.get("request_duration").and_then(Value::as_u64)
            );
            prop_assert_eq!(
                response.date_created.as_deref(),
                members.get("date_created").and_then(Value::as_str)
            );
        }
        (Some(Value::Object(_)), None) => prop_assert!(false, "an object response must be typed"),
        (_, Some(_)) => prop_assert!(false, "a non-object response must not be typed"),
        (_, None) => {}
    }
    match (json.get("request"), &event.request) {
        (Some(Value::Object(members)), Some(request)) => {
            let all_strings = members
                .get("parameters")
                .and_then(Value::as_object)
                .map(|p| p.values().all(Value::is_string));
            prop_assert_eq!(request.parameters.is_some(), all_strings == Some(true));
        }
        (Some(Value::Object(_)), None) => prop_assert!(false, "an object request must be typed"),
        (_, Some(_)) => prop_assert!(false, "a non-object request must not be typed"),
        (_, None) => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn event_round_trips(json in event()) {
        let text = serde_json::to_string(&json).unwrap();
        // Compare with serde_json's own reading of the same text (float parsing included).
        let expected: Value = serde_json::from_str(&text).unwrap();
        let event: CallEvent = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(serde_json::to_value(&event).unwrap(), expected.clone());
        check_typed_fields(&expected, &event)?;

        let from_value: CallEvent = serde_json::from_value(expected).unwrap();
        prop_assert_eq!(from_value, event);
    }

    #[test]
    fn arbitrary_objects_round_trip_as_events(json in any_json()) {
        let text = serde_json::to_string(&json).unwrap();
        let expected: Value = serde_json::from_str(&text).unwrap();
        match serde_json::from_str::<CallEvent>(&text) {
            Ok(event) => {
                prop_assert!(expected.is_object());
                prop_assert_eq!(serde_json::to_value(&event).unwrap(), expected);
            }
            Err(_) => prop_assert!(!expected.is_object(), "an object must always decode"),
        }
    }

    #[test]
    fn page_round_trips(json in page()) {
        let text = serde_json::to_string(&json).unwrap();
        let expected: Value = serde_json::from_str(&text).unwrap();
        let page: CallEventsPage = serde_json::from_slice(text.as_bytes()).unwrap();
        prop_assert_eq!(page.items().len(), expected["events"].as_array().unwrap().len());
        prop_assert_eq!(page.next_page_uri(), expected["next_page_uri"].as_str().filter(|s| !s.is_empty()));
        prop_assert_eq!(page.envelope().page, expected["page"].as_u64());
        prop_assert_eq!(serde_json::to_value(&page).unwrap(), expected);
    }

    #[test]
    fn rfc2822_dates_parse(secs in -2_145_916_800i64..253_370_764_800, offset_min in -1439i32..=1439) {
        let offset = UtcOffset::from_whole_seconds(offset_min * 60).unwrap();
        let at = OffsetDateTime::from_unix_timestamp(secs).unwrap().to_offset(offset);
        let text = at.format(&Rfc2822).unwrap();
        let response: EventResponse =
            serde_json::from_value(serde_json::json!({ "date_created": text })).unwrap();
        prop_assert_eq!(response.date_created_at(), Some(at));
    }

    #[test]
    fn repeated_parameter_names_behave_like_value(
        entries in prop::collection::vec((prop::sample::select(vec!["To", "From", "x", "é"]), json_string()), 0..12)
    ) {
        // Hand-written JSON text, so that names can repeat (a `Value` cannot hold that).
        let members: Vec<String> = entries
            .iter()
            .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap(), serde_json::to_string(v).unwrap()))
            .collect();
        let text = format!(r#"{{"request":{{"parameters":{{{}}}}}}}"#, members.join(","));
        let expected: Value = serde_json::from_str(&text).unwrap();
        let event: CallEvent = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(serde_json::to_value(&event).unwrap(), expected.clone());
        let request = event.request.as_ref().unwrap();
        let parameters = request.parameters.as_ref().unwrap();
        prop_assert_eq!(parameters.len(), entries.len(), "kept as they arrived");
        for name in ["To", "From", "x", "é", "absent"] {
            prop_assert_eq!(
                request.parameter(name),
                expected["request"]["parameters"].get(name).and_then(Value::as_str)
            );
        }
        let from_value: CallEvent = serde_json::from_value(expected).unwrap();
        prop_assert_eq!(from_value, event);
    }
}
