//! What a flag's value must be, one vocabulary for every generated command (the 2010-04-01
//! writes of `writes.rs` and every product's operations of `products.rs`): how its help and
//! value name read, and the check that runs before any request.

use twilio_api::model::{Sid, SidError};

use crate::Failure;

/// What a value must be, checked before any request.
#[derive(Debug)]
pub(crate) enum Value {
    /// A SID with this prefix, checked by the model's type for it (see [`sid`]).
    Sid(&'static str, fn(&str) -> Result<(), SidError>),
    Text,
    PhoneNumber,
    /// RFC 3339, sent in UTC as Twilio documents it (`2024-03-01T12:30:05Z`).
    DateTime,
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A decimal number, sent as given.
    Decimal,
    /// JSON text, sent exactly as given.
    Json,
    /// One of these, or any other value (sent as given).
    Enum(&'static [&'static str]),
}

/// Checks a SID of type `T` (the generated tables name one per kind).
pub(crate) fn sid<T: Sid>(value: &str) -> Result<(), SidError> {
    value.parse::<T>().map(drop)
}

impl Value {
    /// What `--help` adds after the parameter's own words, e.g. ` [true|false]`.
    pub(crate) fn help_suffix(&self) -> String {
        match self {
            Value::Sid(prefix, _) => format!(" [{prefix}…]"),
            Value::DateTime => " [YYYY-MM-DDTHH:MM:SSZ]".to_owned(),
            Value::Bool => " [true|false]".to_owned(),
            Value::Json => " [JSON text]".to_owned(),
            Value::Enum(values) => format!(" [one of: {}]", values.join(", ")),
            Value::Text | Value::PhoneNumber | Value::Integer | Value::Decimal => String::new(),
        }
    }

    /// The value's name in `--help`, e.g. `SID`.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Value::Sid(..) => "SID",
            Value::Text | Value::Enum(_) => "TEXT",
            Value::PhoneNumber => "NUMBER",
            Value::DateTime => "DATE",
            Value::Bool => "BOOL",
            Value::Integer => "N",
            Value::Decimal => "DECIMAL",
            Value::Json => "JSON",
        }
    }

    /// A value of this kind for an example command line, e.g. `VA…` or `true`.
    pub(crate) fn placeholder(&self) -> String {
        match self {
            Value::Sid(prefix, _) => format!("{prefix}…"),
            Value::Integer => "1".to_owned(),
            Value::Decimal => "1.0".to_owned(),
            Value::Bool => "true".to_owned(),
            Value::Json => "'{}'".to_owned(),
            Value::Enum(values) => values.first().map_or("TEXT", |v| v).to_owned(),
            Value::PhoneNumber => "+15005550006".to_owned(),
            Value::DateTime => "2024-03-01T12:30:05Z".to_owned(),
            Value::Text => "TEXT".to_owned(),
        }
    }

    /// `value` of `--{flag}` checked against what it must be, as it is sent; a usage error
    /// (exit 2, before any request) naming the flag otherwise.
    pub(crate) fn checked(&self, flag: &str, value: &str) -> Result<String, Failure> {
        let bad = |what: &str| Failure::Usage(format!("--{flag}: {value:?} is not {what}"));
        Ok(match self {
            Value::Sid(_, check) => {
                check(value).map_err(|e| Failure::Usage(format!("--{flag}: {e}")))?;
                value.to_owned()
            }
            Value::Text | Value::PhoneNumber | Value::Enum(_) => value.to_owned(),
            Value::DateTime => {
                let rfc3339 = twilio_api::time::format_description::well_known::Rfc3339;
                let instant = twilio_api::time::OffsetDateTime::parse(value, &rfc3339)
                    .map_err(|_| bad("a date-time (YYYY-MM-DDTHH:MM:SSZ, or with an offset)"))?;
                twilio_api::DateFilter::from(instant).to_query()
            }
            Value::Bool => match value {
                "true" | "false" => value.to_owned(),
                _ => return Err(bad("true or false")),
            },
            Value::Integer => value
                .parse::<i64>()
                .map_err(|_| bad("a whole number"))?
                .to_string(),
            Value::Decimal => {
                if !is_decimal(value) {
                    return Err(bad("a decimal number (e.g. 0.75 or -2)"));
                }
                value.to_owned()
            }
            Value::Json => {
                serde_json::from_str::<serde::de::IgnoredAny>(value)
                    .map_err(|e| Failure::Usage(format!("--{flag}: not JSON text: {e}")))?;
                value.to_owned()
            }
        })
    }
}

/// `-1`, `+2.50`, `0.75`, `.5`: an optional sign, digits, at most one point, a digit somewhere.
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    (!whole.is_empty() || !fraction.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_a_sign_digits_and_one_point() {
        for good in ["0", "-1", "+2.50", "0.75", ".5", "5."] {
            assert!(is_decimal(good), "{good}");
        }
        for bad in ["", ".", "-", "1.2.3", "1e5", "one", " 1", "1,5"] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn a_bad_value_names_its_flag_and_what_it_must_be() {
        let sid = Value::Sid("CA", sid::<twilio_api::model::CallSid>);
        let Err(Failure::Usage(said)) = sid.checked("call-sid", "CA123") else {
            panic!("a short SID passed");
        };
        assert!(said.starts_with("--call-sid: "), "{said}");
        assert!(said.contains("CA"), "{said}");
        let Err(Failure::Usage(said)) = Value::Integer.checked("timeout", "ten") else {
            panic!("a word passed as a whole number");
        };
        assert_eq!(said, "--timeout: \"ten\" is not a whole number");
        assert_eq!(
            Value::DateTime
                .checked("start-time", "2024-03-01T13:30:05+01:00")
                .ok(),
            Some("2024-03-01T12:30:05Z".to_owned())
        );
        assert_eq!(
            Value::Integer.checked("n", "007").ok(),
            Some("7".to_owned())
        );
    }
}
