//! Generated models keep what they do not know: any enum value, any JSON type in any member,
//! any unknown member survives decoding and re-encoding.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use serde_json::{Value, json};
use twilio_model::{Call, CallStatus, Message, Recording};

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e300f64..1.0e300).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Members of the call schema, and some that are not.
const MEMBERS: &[&str] = &[
    "sid",
    "status",
    "price",
    "start_time",
    "duration",
    "parent_call_sid",
    "subresource_uris",
    "answered_by",
    "queue_time",
    "direction",
    "new_member",
    "account_sid",
];

fn round_trips<T: serde::de::DeserializeOwned + serde::Serialize>(value: &Value) {
    let decoded: T = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(&serde_json::to_value(&decoded).unwrap(), value);
}

proptest! {
    #[test]
    fn any_members_of_any_type_round_trip(members in prop::collection::btree_map(prop::sample::select(MEMBERS), any_json(), 0..12)) {
        let object = Value::Object(members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect());
        round_trips::<Call>(&object);
        round_trips::<Message>(&object);
        round_trips::<Recording>(&object);
    }

    #[test]
    fn unknown_enum_values_are_kept_verbatim(status in "[a-z-]{1,20}") {
        let call: Call = serde_json::from_value(json!({"status": status})).unwrap();
        let expected = CallStatus::from(status.as_str());
        prop_assert_eq!(call.status.as_ref(), Some(&expected));
        prop_assert_eq!(expected.as_str(), status.as_str());
        prop_assert_eq!(expected.is_known(), CallStatus::KNOWN.contains(&expected));
        prop_assert_eq!(serde_json::to_value(&call).unwrap(), json!({"status": status}));
    }
}

#[test]
fn odd_values_are_kept_raw_and_typed_values_typed() {
    let call: Call = serde_json::from_value(json!({
        "sid": "CAnot-a-sid",
        "status": null,
        "price": -0.25,
        "duration": 4,
        "start_time": "not a date",
    }))
    .unwrap();
    assert_eq!(call.sid, None);
    assert_eq!(call.extra["sid"], "CAnot-a-sid");
    assert_eq!(call.status, None);
    assert_eq!(call.extra["status"], Value::Null);
    // The spec says string for both: a number is kept raw.
    assert_eq!(call.price, None);
    assert_eq!(call.extra["price"], -0.25);
    assert_eq!(call.duration, None);
    assert_eq!(call.extra["duration"], 4);
    // A string that is not RFC 2822 is still the member's text; it only does not parse.
    assert_eq!(call.start_time.as_ref().and_then(|t| t.parse()), None);
}
