//! One-pass "typed if it fits, raw otherwise" decoding.
//!
//! Twilio's payloads evolve: a member we type today may arrive null, or with another JSON
//! type tomorrow. Failing a whole page for that would be worse than useless, and dropping
//! the value would break round-trips. [`Lenient<T>`] decodes a value into `T` when its JSON
//! shape fits, and into a [`serde_json::Value`] otherwise, in a single pass over the input
//! (no buffering into an intermediate `Value` first, unlike `#[serde(untagged)]`).
//!
//! [`lenient_struct!`] builds on it to declare a JSON object model whose known members are
//! typed `Option<T>` fields and whose unknown (or ill-typed, or null) members are kept in an
//! `extra` map, so that decoding then encoding gives back the same JSON value.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

/// A value decoded into `T` when its JSON shape fits `T`, kept raw otherwise.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lenient<T> {
    /// The value had the shape of `T`.
    Typed(T),
    /// The value did not fit `T` (or was null); here it is, untouched.
    Raw(Value),
}

/// How a type accepts the JSON shapes it can be decoded from. Every hook defaults to "does
/// not fit", which makes the value raw.
pub(crate) trait LenientDe: Sized {
    /// Accepts a JSON string.
    fn from_str(_v: &str) -> Option<Self> {
        None
    }

    /// Accepts an owned JSON string (only some deserializers hand one out).
    fn from_string(v: String) -> Result<Self, String> {
        Self::from_str(&v).ok_or(v)
    }

    /// Accepts a non-negative JSON integer.
    fn from_u64(_v: u64) -> Option<Self> {
        None
    }

    /// Accepts a negative JSON integer.
    fn from_i64(_v: i64) -> Option<Self> {
        None
    }

    /// Accepts a JSON number that is not an integer (or does not fit 64 bits).
    fn from_f64(_v: f64) -> Option<Self> {
        None
    }

    /// Accepts a JSON boolean.
    fn from_bool(_v: bool) -> Option<Self> {
        None
    }

    /// Accepts a JSON array; must consume the whole sequence either way.
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Lenient<Self>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Lenient::Raw)
    }

    /// Accepts a JSON object; must consume the whole map either way.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Lenient<Self>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Lenient::Raw)
    }
}

impl LenientDe for String {
    fn from_str(v: &str) -> Option<Self> {
        Some(v.to_owned())
    }

    fn from_string(v: String) -> Result<Self, String> {
        Ok(v)
    }
}

impl LenientDe for u64 {
    fn from_u64(v: u64) -> Option<Self> {
        Some(v)
    }
}

impl LenientDe for i64 {
    fn from_u64(v: u64) -> Option<Self> {
        i64::try_from(v).ok()
    }

    fn from_i64(v: i64) -> Option<Self> {
        Some(v)
    }
}

impl LenientDe for bool {
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

/// A JSON object whose members are not typed further (`uri-map`, capabilities).
impl LenientDe for serde_json::Map<String, Value> {
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Lenient<Self>, A::Error> {
        serde_json::Map::deserialize(MapAccessDeserializer::new(map)).map(Lenient::Typed)
    }
}

/// A JSON array whose elements are not typed further.
impl LenientDe for Vec<Value> {
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Lenient<Self>, A::Error> {
        Vec::deserialize(SeqAccessDeserializer::new(seq)).map(Lenient::Typed)
    }
}

/// A member the spec leaves untyped: any JSON value but `null` is typed.
impl LenientDe for Value {
    fn from_str(v: &str) -> Option<Self> {
        Some(Value::String(v.to_owned()))
    }

    fn from_u64(v: u64) -> Option<Self> {
        Some(Value::from(v))
    }

    fn from_i64(v: i64) -> Option<Self> {
        Some(Value::from(v))
    }

    fn from_f64(v: f64) -> Option<Self> {
        Number::from_f64(v).map(Value::Number)
    }

    fn from_bool(v: bool) -> Option<Self> {
        Some(Value::Bool(v))
    }

    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Lenient<Self>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Lenient::Typed)
    }

    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Lenient<Self>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Lenient::Typed)
    }
}

/// Every SID kind: a string of the kind's form is typed, any other value kept raw.
impl<T: crate::Sid> LenientDe for T {
    fn from_str(v: &str) -> Option<Self> {
        T::try_from(v).ok()
    }

    /// Validates once; a valid string becomes the SID as it is (no copy).
    fn from_string(v: String) -> Result<Self, String> {
        T::try_from(v).map_err(crate::SidError::into_value)
    }
}

impl LenientDe for u16 {
    fn from_u64(v: u64) -> Option<Self> {
        u16::try_from(v).ok()
    }
}

impl<'de, T: LenientDe> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor(PhantomData))
    }
}

struct LenientVisitor<T>(PhantomData<T>);

impl<'de, T: LenientDe> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(T::from_bool(v).map_or(Lenient::Raw(Value::Bool(v)), Lenient::Typed))
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(T::from_i64(v).map_or_else(|| Lenient::Raw(Value::from(v)), Lenient::Typed))
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(T::from_u64(v).map_or_else(|| Lenient::Raw(Value::from(v)), Lenient::Typed))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
        if let Some(typed) = T::from_f64(v) {
            return Ok(Lenient::Typed(typed));
        }
        // Same mapping as serde_json's own `Value` (non-finite floats cannot come from JSON).
        Ok(Lenient::Raw(
            Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(
            T::from_str(v)
                .map_or_else(|| Lenient::Raw(Value::String(v.to_owned())), Lenient::Typed),
        )
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(match T::from_string(v) {
            Ok(t) => Lenient::Typed(t),
            Err(v) => Lenient::Raw(Value::String(v)),
        })
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Raw(Value::Null))
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Raw(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Lenient::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::from_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::from_map(map)
    }
}

/// Declares a JSON object model: each listed member is a public `Option<T>` field holding the
/// member when it is present and well-typed; everything else (unknown members, and known
/// members that are null or ill-typed) is kept verbatim in `pub extra`. Generates a
/// single-pass `Deserialize` (known keys are matched without allocating), a `Serialize` that
/// writes typed fields then `extra` (a typed field wins over an `extra` entry of the same
/// key), and `LenientDe` so the model can itself be a lenient member of another model.
///
/// Duplicate keys behave like `serde_json::Value`: the last one wins.
macro_rules! lenient_struct {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $( $(#[$field_attr:meta])* $field:ident $(= $json:literal)? : $ty:ty, )+
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$field_attr])* pub $field: Option<$ty>, )+
            /// Every other member of the JSON object, verbatim: unknown members, and known
            /// members whose value is null or not of the expected JSON type. Encoding writes
            /// them back, so a decoded value re-encodes to the JSON it came from.
            pub extra: ::serde_json::Map<String, ::serde_json::Value>,
        }

        impl $name {
            /// Whether `key` is a typed member that is currently set (it then shadows an
            /// `extra` entry of the same key when encoding).
            fn typed_member_is_set(&self, key: &str) -> bool {
                match key {
                    $( $crate::lenient::json_key!($field $($json)?) => self.$field.is_some(), )+
                    _ => false,
                }
            }

            /// Decodes the members of a JSON object.
            fn decode_members<'de, A>(mut map: A) -> Result<Self, A::Error>
            where
                A: ::serde::de::MapAccess<'de>,
            {
                #[allow(non_camel_case_types)]
                enum Key {
                    $( $field, )+
                    Other(String),
                }

                struct KeyVisitor;

                impl<'de> ::serde::de::Visitor<'de> for KeyVisitor {
                    type Value = Key;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("an object key")
                    }

                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<Key, E> {
                        Ok(match v {
                            $( $crate::lenient::json_key!($field $($json)?) => Key::$field, )+
                            other => Key::Other(other.to_owned()),
                        })
                    }

                    fn visit_string<E: ::serde::de::Error>(self, v: String) -> Result<Key, E> {
                        Ok(match v.as_str() {
                            $( $crate::lenient::json_key!($field $($json)?) => Key::$field, )+
                            _ => Key::Other(v),
                        })
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for Key {
                    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        d.deserialize_identifier(KeyVisitor)
                    }
                }

                /// Which typed members went to `extra` (null or of another type): only
                /// those have an entry there for a later member of the same name to replace.
                #[allow(non_snake_case)]
                #[derive(Default)]
                struct InExtra {
                    $( $field: bool, )+
                }

                let mut this = Self::default();
                let mut in_extra = InExtra::default();
                while let Some(member_key) = map.next_key::<Key>()? {
                    match member_key {
                        $(
                            Key::$field => match map.next_value::<$crate::lenient::Lenient<$ty>>()? {
                                $crate::lenient::Lenient::Typed(value) => {
                                    this.$field = Some(value);
                                    if in_extra.$field {
                                        in_extra.$field = false;
                                        this.extra.remove($crate::lenient::json_key!($field $($json)?));
                                    }
                                }
                                $crate::lenient::Lenient::Raw(value) => {
                                    in_extra.$field = true;
                                    this.$field = None;
                                    this.extra.insert(
                                        $crate::lenient::json_key!($field $($json)?).to_owned(),
                                        value,
                                    );
                                }
                            },
                        )+
                        Key::Other(other_key) => {
                            let value = map.next_value::<::serde_json::Value>()?;
                            this.extra.insert(other_key, value);
                        }
                    }
                }
                Ok(this)
            }
        }

        impl $crate::lenient::LenientDe for $name {
            fn from_map<'de, A: ::serde::de::MapAccess<'de>>(
                map: A,
            ) -> Result<$crate::lenient::Lenient<Self>, A::Error> {
                Self::decode_members(map).map($crate::lenient::Lenient::Typed)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;

                impl<'de> ::serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a JSON object (", stringify!($name), ")"))
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> Result<$name, A::Error> {
                        $name::decode_members(map)
                    }
                }

                deserializer.deserialize_map(ObjectVisitor)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;

                let typed = [$( self.$field.is_some() ),+].iter().filter(|set| **set).count();
                let extra = self
                    .extra
                    .keys()
                    .filter(|key| !self.typed_member_is_set(key))
                    .count();
                let mut map = serializer.serialize_map(Some(typed + extra))?;
                $(
                    if let Some(value) = &self.$field {
                        map.serialize_entry($crate::lenient::json_key!($field $($json)?), value)?;
                    }
                )+
                for (key, value) in &self.extra {
                    if !self.typed_member_is_set(key) {
                        map.serialize_entry(key, value)?;
                    }
                }
                map.end()
            }
        }
    };
}

pub(crate) use lenient_struct;

/// The JSON name of a [`lenient_struct!`] member: its given name, or the field's own.
macro_rules! json_key {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $json:literal) => {
        $json
    };
}

pub(crate) use json_key;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode<T: LenientDe>(v: &str) -> Lenient<T> {
        serde_json::from_str(v).unwrap()
    }

    #[test]
    fn strings() {
        assert_eq!(
            decode::<String>(r#""a\"b""#),
            Lenient::Typed("a\"b".to_owned())
        );
        assert_eq!(decode::<String>("null"), Lenient::Raw(Value::Null));
        assert_eq!(decode::<String>("1.5"), Lenient::Raw(json!(1.5)));
        assert_eq!(decode::<String>("[1,{}]"), Lenient::Raw(json!([1, {}])));
        assert_eq!(
            decode::<String>(r#"{"a":[true]}"#),
            Lenient::Raw(json!({"a": [true]}))
        );
    }

    /// `serde_json::from_value` hands out owned strings (`from_string`): the same decisions
    /// as for borrowed ones.
    #[test]
    fn owned_strings() {
        fn owned<T: LenientDe>(v: Value) -> Lenient<T> {
            serde_json::from_value(v).unwrap()
        }
        let sid = "CA0123456789abcdef0123456789ABCDEF";
        assert_eq!(
            owned::<crate::CallSid>(json!(sid)),
            Lenient::Typed(crate::CallSid::try_from(sid).unwrap())
        );
        assert_eq!(
            owned::<crate::CallSid>(json!("AC0123456789abcdef0123456789ABCDEF")),
            Lenient::Raw(json!("AC0123456789abcdef0123456789ABCDEF"))
        );
        assert_eq!(
            owned::<crate::CallSid>(json!("CA")),
            Lenient::Raw(json!("CA"))
        );
        assert_eq!(
            owned::<crate::CallStatus>(json!("busy")),
            Lenient::Typed(crate::CallStatus::Busy)
        );
        assert_eq!(
            owned::<crate::CallStatus>(json!("on-hold")),
            Lenient::Typed(crate::CallStatus::Unknown("on-hold".to_owned()))
        );
        assert_eq!(owned::<crate::CallStatus>(json!(3)), Lenient::Raw(json!(3)));
    }

    #[test]
    fn integers() {
        assert_eq!(decode::<u16>("201"), Lenient::Typed(201));
        assert_eq!(decode::<u16>("70000"), Lenient::Raw(json!(70000)));
        assert_eq!(decode::<u16>("-1"), Lenient::Raw(json!(-1)));
        assert_eq!(decode::<u16>(r#""201""#), Lenient::Raw(json!("201")));
        assert_eq!(decode::<u64>("201.0"), Lenient::Raw(json!(201.0)));
        assert_eq!(
            decode::<u64>("18446744073709551615"),
            Lenient::Typed(u64::MAX)
        );
        assert_eq!(decode::<u64>("false"), Lenient::Raw(json!(false)));
    }
}
