//! Decoding a page of a generated resource (Calls) from arbitrary bytes never panics; a page
//! that decodes re-encodes to the JSON value it came from, and decodes again to the same page.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use twilio_model::CallsPage;

fuzz_target!(|data: &[u8]| {
    let Ok(page) = serde_json::from_slice::<CallsPage>(data) else {
        return;
    };
    let json = serde_json::to_vec(&page).expect("a decoded page encodes");
    let again: CallsPage = serde_json::from_slice(&json).expect("its encoding decodes");
    assert_eq!(page, again, "decode(encode(page)) == page");
    // Unless duplicate keys made the decoder keep the last one, the value is the same.
    if let (Ok(sent), Ok(back)) = (
        serde_json::from_slice::<Value>(data),
        serde_json::from_slice::<Value>(&json),
    ) && !has_duplicate_keys(data)
    {
        assert_eq!(sent, back, "a page re-encodes to the value it came from");
    }
});

/// Whether any object in `data` repeats a key (then the typed page and `Value` may keep
/// different occurrences, which is no loss the page could avoid).
fn has_duplicate_keys(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return true;
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let counted: Result<KeyCount, _> = serde::Deserialize::deserialize(&mut deserializer);
    counted.map_or(true, |c| c.0)
}

/// Deserializes any JSON value, recording whether some object repeats a key.
struct KeyCount(bool);

impl<'de> serde::Deserialize<'de> for KeyCount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = KeyCount;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, _: bool) -> Result<KeyCount, E> { Ok(KeyCount(false)) }
            fn visit_i64<E>(self, _: i64) -> Result<KeyCount, E> { Ok(KeyCount(false)) }
            fn visit_u64<E>(self, _: u64) -> Result<KeyCount, E> { Ok(KeyCount(false)) }
            fn visit_f64<E>(self, _: f64) -> Result<KeyCount, E> { Ok(KeyCount(false)) }
            fn visit_str<E>(self, _: &str) -> Result<KeyCount, E> { Ok(KeyCount(false)) }
            fn visit_unit<E>(self) -> Result<KeyCount, E> { Ok(KeyCount(false)) }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<KeyCount, A::Error> {
                let mut dup = false;
                while let Some(KeyCount(d)) = seq.next_element()? {
                    dup |= d;
                }
                Ok(KeyCount(dup))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<KeyCount, A::Error> {
                let mut keys = std::collections::HashSet::new();
                let mut dup = false;
                while let Some(key) = map.next_key::<String>()? {
                    dup |= !keys.insert(key);
                    let KeyCount(d) = map.next_value()?;
                    dup |= d;
                }
                Ok(KeyCount(dup))
            }
        }
        d.deserialize_any(V)
    }
}
