//! [`Parameters`]: the string-to-string map of a request's parameters, stored compactly.

use std::fmt;
use std::ops::Range;

use serde::de::{MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::lenient::{Lenient, LenientDe};

/// The parameters of a request: names and values, all strings, in the order they arrived.
///
/// All the text lives in one buffer, so decoding a map of ten parameters costs two
/// allocations instead of twenty-odd (one `String` per name and value, plus tree nodes).
///
/// Decoding keeps the entries as they arrived, including a repeated name;
/// [`get`](Parameters::get) then returns the last value, as `serde_json::Value` would.
/// [`insert`](Parameters::insert) replaces the value of an existing name.
///
/// ```
/// use twilio_model::Parameters;
///
/// let mut parameters: Parameters = [("To", "+1555"), ("From", "+1666")].into_iter().collect();
/// parameters.insert("To", "+1777");
/// assert_eq!(parameters.get("To"), Some("+1777"));
/// assert_eq!(parameters.iter().collect::<Vec<_>>(), [("To", "+1777"), ("From", "+1666")]);
/// assert_eq!(serde_json::to_string(&parameters)?, r#"{"To":"+1777","From":"+1666"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Parameters {
    text: String,
    entries: Vec<(Range<usize>, Range<usize>)>,
}

impl Parameters {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of `name` (the last one, if the name arrived more than once).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().rev().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Whether `name` has a value.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &str)> + ExactSizeIterator {
        self.entries
            .iter()
            .map(|(name, value)| (self.slice(name), self.slice(value)))
    }

    /// Sets `name` to `value`: replaces the value of the last entry named `name`, or appends
    /// a new entry.
    pub fn insert(&mut self, name: impl AsRef<str>, value: impl AsRef<str>) {
        let (name, value) = (name.as_ref(), value.as_ref());
        let value = self.push_text(value);
        match self
            .entries
            .iter()
            .rposition(|(n, _)| self.slice(n) == name)
        {
            Some(index) => {
                if let Some(entry) = self.entries.get_mut(index) {
                    entry.1 = value;
                }
            }
            None => {
                let name = self.push_text(name);
                self.entries.push((name, value));
            }
        }
    }

    fn push_text(&mut self, s: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(s);
        start..self.text.len()
    }

    fn slice(&self, range: &Range<usize>) -> &str {
        // Ranges are only ever made by `push_text`, so they are in bounds and on char
        // boundaries; `get` keeps this free of panics all the same.
        self.text.get(range.clone()).unwrap_or_default()
    }

    /// The entries as JSON members (for an ill-typed map that is kept raw).
    fn into_json_map(self) -> serde_json::Map<String, Value> {
        self.iter()
            .map(|(name, value)| (name.to_owned(), Value::String(value.to_owned())))
            .collect()
    }
}

impl fmt::Debug for Parameters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Equal when both map the same names to the same values, whatever the order of the
/// entries (with a repeated name, its last value counts), as for `serde_json::Value`.
impl PartialEq for Parameters {
    fn eq(&self, other: &Self) -> bool {
        if self.entries.len() == other.entries.len() && self.iter().eq(other.iter()) {
            return true;
        }
        fn as_map(p: &Parameters) -> std::collections::BTreeMap<&str, &str> {
            p.iter().collect()
        }
        as_map(self) == as_map(other)
    }
}

impl Eq for Parameters {}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Parameters {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut parameters = Self::new();
        parameters.extend(iter);
        parameters
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Extend<(K, V)> for Parameters {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (name, value) in iter {
            self.insert(name, value);
        }
    }
}

impl Serialize for Parameters {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self.iter() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Borrows a key without allocating when the deserializer allows it.
struct KeyText<'s>(&'s mut Parameters);

impl<'de> serde::de::DeserializeSeed<'de> for KeyText<'_> {
    type Value = Range<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyText<'_> {
    type Value = Range<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a parameter name")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.push_text(v))
    }
}

/// A parameter value: appended to the buffer when it is a string, raw otherwise.
struct ValueText<'s>(&'s mut Parameters);

impl<'de> serde::de::DeserializeSeed<'de> for ValueText<'_> {
    type Value = Result<Range<usize>, Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueText<'_> {
    type Value = Result<Range<usize>, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Ok(self.0.push_text(v)))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Err(Value::Bool(v)))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Err(Value::from(v)))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Err(Value::from(v)))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Err(
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
        ))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(Value::Null))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(Err)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Err)
    }
}

/// Typed only when every value is a string; one value of another type makes the whole map
/// raw (the entries seen so far are converted, the rest decoded as `Value`).
impl LenientDe for Parameters {
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Lenient<Self>, A::Error> {
        let mut this = Self {
            text: String::with_capacity(512),
            entries: Vec::with_capacity(16),
        };
        while let Some(name) = map.next_key_seed(KeyText(&mut this))? {
            match map.next_value_seed(ValueText(&mut this))? {
                Ok(value) => this.entries.push((name, value)),
                Err(value) => {
                    let name = this.slice(&name).to_owned();
                    let mut raw = this.into_json_map();
                    raw.insert(name, value);
                    while let Some((k, v)) = map.next_entry::<String, Value>()? {
                        raw.insert(k, v);
                    }
                    return Ok(Lenient::Raw(Value::Object(raw)));
                }
            }
        }
        Ok(Lenient::Typed(this))
    }
}

impl<'de> Deserialize<'de> for Parameters {
    /// Decodes a JSON object whose values are all strings.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;

        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Parameters;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of strings")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Parameters, A::Error> {
                match Parameters::from_map(map)? {
                    Lenient::Typed(parameters) => Ok(parameters),
                    Lenient::Raw(_) => Err(serde::de::Error::custom(
                        "a parameter value is not a string",
                    )),
                }
            }
        }

        deserializer.deserialize_map(ObjectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_in_order_and_keeps_duplicates() {
        let p: Parameters = serde_json::from_str(r#"{"b":"2","a":"1\n\"é\"","b":"3"}"#).unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p.get("b"), Some("3"));
        assert_eq!(p.get("a"), Some("1\n\"é\""));
        assert_eq!(p.get("c"), None);
        assert!(p.contains("a"));
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"b":"2","a":"1\n\"é\"","b":"3"}"#
        );
        // A Value keeps the last duplicate, so the value round-trip still holds.
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"a": "1\n\"é\"", "b": "3"})
        );
    }

    #[test]
    fn lenient_decoding_falls_back_to_raw() {
        let raw: Lenient<Parameters> =
            serde_json::from_str(r#"{"a":"1","b":[2],"c":"3","d":null}"#).unwrap();
        assert_eq!(
            raw,
            Lenient::Raw(json!({"a": "1", "b": [2], "c": "3", "d": null}))
        );
        let raw: Lenient<Parameters> = serde_json::from_str(r#"["x"]"#).unwrap();
        assert_eq!(raw, Lenient::Raw(json!(["x"])));
        assert!(serde_json::from_str::<Parameters>(r#"{"a":1}"#).is_err());
    }

    #[test]
    fn insert_replaces_and_equality_is_ordered() {
        let mut p = Parameters::new();
        assert!(p.is_empty());
        p.insert("x", "1");
        p.insert("y", "2");
        p.insert("x", "3");
        assert_eq!(p.iter().collect::<Vec<_>>(), [("x", "3"), ("y", "2")]);
        let q: Parameters = [("x", "3"), ("y", "2")].into_iter().collect();
        assert_eq!(p, q);
        let r: Parameters = [("y", "2"), ("x", "3")].into_iter().collect();
        assert_eq!(p, r, "order does not matter");
        let s: Parameters = [("y", "2"), ("x", "4")].into_iter().collect();
        assert_ne!(p, s);
        let t: Parameters = [("y", "2")].into_iter().collect();
        assert_ne!(p, t);
        let dup: Parameters = serde_json::from_str(r#"{"x":"0","y":"2","x":"3"}"#).unwrap();
        assert_eq!(p, dup, "the last of a repeated name counts");
        assert_eq!(format!("{p:?}"), r#"{"x": "3", "y": "2"}"#);
    }
}
