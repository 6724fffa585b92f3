//! Declares new SID kinds through `twilio_model::sid!` exactly as a downstream crate would:
//! only `twilio_model` is named, nothing from nutype, serde or regex.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use twilio_model::{Sid, SidError};

twilio_model::sid!(
    /// The SID of a recording: `RE` followed by 32 hex digits.
    pub RecordingSid, "RE", "recording"
);

mod nested {
    twilio_model::sid!(
        /// The SID of a notification, declared in a nested module with restricted visibility.
        pub(crate) NotificationSid, "NO", "notification",
    );
}

use nested::NotificationSid;

const RE: &str = "RE0123456789abcdefABCDEF0123456789";

#[test]
fn declared_kind_parses_and_exposes_the_usual_api() {
    let sid: RecordingSid = RE.parse().unwrap();
    assert_eq!(sid.as_str(), RE);
    assert_eq!(sid.to_string(), RE);
    assert_eq!(AsRef::<str>::as_ref(&sid), RE);
    assert_eq!(RecordingSid::try_from(RE.to_owned()).unwrap(), sid);
    assert_eq!(RecordingSid::try_new(RE).unwrap().into_inner(), RE);
    assert_eq!(RecordingSid::PREFIX, "RE");
    assert_eq!(RecordingSid::KIND, "recording");
    assert_eq!(RecordingSid::PATTERN, "^RE[0-9a-fA-F]{32}$");

    let set: BTreeSet<RecordingSid> = [sid.clone(), sid].into_iter().collect();
    assert_eq!(set.len(), 1);
}

/// The API a declared kind promises (see `sid!`'s "Stability"), pinned signature by
/// signature: a nutype upgrade that changes any of it fails to compile here.
#[test]
fn declared_kind_keeps_the_documented_api_whatever_nutype_generates() {
    // `Sid` itself requires serde's `Serialize` and `DeserializeOwned`, `Send` and `Sync`.
    fn traits<T>()
    where
        T: Sid
            + std::str::FromStr<Err = SidError>
            + TryFrom<String, Error = SidError>
            + for<'a> TryFrom<&'a str, Error = SidError>
            + std::fmt::Display
            + std::fmt::Debug
            + AsRef<str>
            + std::borrow::Borrow<str>
            + std::borrow::Borrow<String>
            + Clone
            + Eq
            + Ord
            + std::hash::Hash,
    {
    }
    traits::<RecordingSid>();

    let try_new: fn(String) -> Result<RecordingSid, SidError> = RecordingSid::try_new;
    let try_new_str: fn(&'static str) -> Result<RecordingSid, SidError> = RecordingSid::try_new;
    let as_str: for<'a> fn(&'a RecordingSid) -> &'a str = RecordingSid::as_str;
    let into_inner: fn(RecordingSid) -> String = RecordingSid::into_inner;

    let sid = try_new(RE.to_owned()).unwrap();
    assert_eq!(try_new_str(RE).unwrap(), sid);
    assert_eq!(as_str(&sid), RE);
    assert_eq!(std::borrow::Borrow::<String>::borrow(&sid), RE);
    assert_eq!(into_inner(sid), RE);
    assert!(try_new_str("RE").is_err());
}

#[test]
fn declared_kind_rejects_other_kinds_with_its_own_error() {
    let call = "CA0123456789abcdefABCDEF0123456789";
    let err: SidError = RecordingSid::try_from(call).unwrap_err();
    assert_eq!(err.kind(), "recording");
    assert_eq!(err.expected_prefix(), "RE");
    assert_eq!(err.value(), call);
    assert_eq!(
        err.to_string(),
        format!(r#"invalid recording SID "{call}": expected "RE" followed by 32 hex digits"#)
    );

    let err = NotificationSid::try_from(RE).unwrap_err();
    assert_eq!(err.kind(), "notification");
}

#[test]
fn declared_kind_serde_both_ways() {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Holder {
        recording_sid: RecordingSid,
        notification_sid: Option<NotificationSid>,
    }

    let json = format!(r#"{{"recording_sid":"{RE}","notification_sid":null}}"#);
    let holder: Holder = serde_json::from_str(&json).unwrap();
    assert_eq!(holder.recording_sid.as_str(), RE);
    assert_eq!(serde_json::to_string(&holder).unwrap(), json);

    let bad = r#"{"recording_sid":"RE42","notification_sid":null}"#;
    let err = serde_json::from_str::<Holder>(bad).unwrap_err().to_string();
    assert!(
        err.starts_with(r#"invalid recording SID "RE42": expected "RE" followed by 32 hex digits"#),
        "{err}"
    );
}

/// Code generic over any SID kind, through the `Sid` trait.
fn parse_any<T: Sid>(s: &str) -> Result<T, SidError> {
    s.parse()
}

#[test]
fn generic_code_over_the_sid_trait() {
    let sid: RecordingSid = parse_any(RE).unwrap();
    assert_eq!(Sid::as_str(&sid), RE);
    assert!(parse_any::<twilio_model::CallSid>(RE).is_err());
}
