//! SID parsing agrees with the Twilio spec's regular expressions, for every string.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use regex::Regex;
use twilio_model::{AccountSid, ApiKeySid, CallSid};

/// The patterns, copied from the spec (twilio_api_v2010.json), not from the model.
static ACCOUNT: LazyLock<Regex> = LazyLock::new(|| Regex::new("^AC[0-9a-fA-F]{32}$").unwrap());
static CALL: LazyLock<Regex> = LazyLock::new(|| Regex::new("^CA[0-9a-fA-F]{32}$").unwrap());
static API_KEY: LazyLock<Regex> = LazyLock::new(|| Regex::new("^SK[0-9a-fA-F]{32}$").unwrap());

fn check<T>(text: &str, spec: &Regex)
where
    T: std::str::FromStr + AsRef<str> + serde::de::DeserializeOwned + std::fmt::Debug,
    T::Err: std::fmt::Debug,
{
    let parsed = text.parse::<T>();
    assert_eq!(parsed.is_ok(), spec.is_match(text), "{text:?}: {parsed:?}");
    let from_json = serde_json::from_value::<T>(serde_json::Value::from(text));
    assert_eq!(
        from_json.is_ok(),
        parsed.is_ok(),
        "{text:?}: serde and FromStr disagree"
    );
    if let Ok(sid) = parsed {
        assert_eq!(sid.as_ref(), text, "a SID keeps its text");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check::<AccountSid>(text, &ACCOUNT);
    check::<CallSid>(text, &CALL);
    check::<ApiKeySid>(text, &API_KEY);
});
