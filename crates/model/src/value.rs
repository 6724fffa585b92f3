//! Values that keep the text Twilio sent and parse on demand: RFC 2822 date-times, ISO dates
//! and decimal numbers such as prices.
//!
//! Each is a string on the wire and is written back exactly as it came, so a date Twilio
//! formats in a new way, or a price with more digits than an `f64` holds, never makes a page
//! fail to decode and never changes on the way through.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc2822;
use time::{Date, OffsetDateTime};

use crate::lenient::LenientDe;

macro_rules! text_value {
    ($(#[$attr:meta])* $name:ident) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Wraps the text as it is (it is not checked: see the parsing accessor).
            #[must_use]
            pub fn new(text: impl Into<String>) -> Self {
                Self(text.into())
            }

            /// The text as Twilio sent it.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text as Twilio sent it.
            #[must_use]
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                Self(text)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self)
            }
        }

        impl LenientDe for $name {
            fn from_str(v: &str) -> Option<Self> {
                Some(Self(v.to_owned()))
            }

            fn from_string(v: String) -> Result<Self, String> {
                Ok(Self(v))
            }
        }
    };
}

text_value!(
    /// A date-time as Twilio writes it, RFC 2822 (`Fri, 18 Oct 2019 17:00:00 +0000`), kept as
    /// text; [`Rfc2822DateTime::parse`] reads it.
    ///
    /// ```
    /// use twilio_model::Rfc2822DateTime;
    ///
    /// let date = Rfc2822DateTime::new("Fri, 18 Oct 2019 17:00:00 +0000");
    /// assert_eq!(date.parse().map(|t| t.year()), Some(2019));
    /// assert_eq!(Rfc2822DateTime::new("yesterday").parse(), None);
    /// ```
    Rfc2822DateTime
);

impl Rfc2822DateTime {
    /// The date-time, or `None` when the text is not RFC 2822.
    #[must_use]
    pub fn parse(&self) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(&self.0, &Rfc2822).ok()
    }
}

text_value!(
    /// A calendar date as Twilio writes it (`2012-09-01`), kept as text;
    /// [`IsoDate::parse`] reads it.
    ///
    /// ```
    /// use twilio_model::IsoDate;
    ///
    /// assert_eq!(IsoDate::new("2012-09-01").parse().map(|d| d.day()), Some(1));
    /// assert_eq!(IsoDate::new("Sept 1").parse(), None);
    /// ```
    IsoDate
);

impl IsoDate {
    /// The date, or `None` when the text is not `YYYY-MM-DD`.
    #[must_use]
    pub fn parse(&self) -> Option<Date> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        Date::parse(&self.0, &format).ok()
    }
}

/// A decimal number such as a price (`-0.200`), kept as the exact text Twilio sent: no
/// binary floating point rounds it.
///
/// Twilio sends prices as JSON strings (the spec says number); both decode, and each is
/// written back in the form it came in: a string as the same string, a number as the same
/// JSON number.
///
/// ```
/// use twilio_model::Decimal;
///
/// let price: Decimal = serde_json::from_str(r#""-0.200""#)?;
/// assert_eq!(price.as_str(), "-0.200");
/// assert_eq!(serde_json::to_string(&price)?, r#""-0.200""#);
/// assert_eq!(price.to_f64(), Some(-0.2));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    text: String,
    /// Whether it came as a JSON number rather than a string.
    number: bool,
}

impl Decimal {
    /// A decimal written as a JSON string.
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            number: false,
        }
    }

    /// The text as Twilio sent it (for a JSON number, its shortest exact form).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether it arrived as a JSON number rather than a string.
    #[must_use]
    pub fn is_json_number(&self) -> bool {
        self.number
    }

    /// The value as the nearest `f64`, or `None` when the text is not a number.
    #[must_use]
    pub fn to_f64(&self) -> Option<f64> {
        self.text
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
    }

    fn from_number(number: serde_json::Number) -> Self {
        Self {
            text: number.to_string(),
            number: true,
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.number {
            // It came from a JSON number, so its text is one serde_json reads back.
            match self.text.parse::<serde_json::Number>() {
                Ok(number) => number.serialize(serializer),
                Err(_) => serializer.serialize_str(&self.text),
            }
        } else {
            serializer.serialize_str(&self.text)
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match crate::lenient::Lenient::<Decimal>::deserialize(deserializer)? {
            crate::lenient::Lenient::Typed(decimal) => Ok(decimal),
            crate::lenient::Lenient::Raw(other) => Err(serde::de::Error::custom(format!(
                "expected a decimal number or string, found {other}"
            ))),
        }
    }
}

impl LenientDe for Decimal {
    fn from_str(v: &str) -> Option<Self> {
        Some(Self::new(v))
    }

    fn from_string(v: String) -> Result<Self, String> {
        Ok(Self::new(v))
    }

    fn from_u64(v: u64) -> Option<Self> {
        Some(Self::from_number(v.into()))
    }

    fn from_i64(v: i64) -> Option<Self> {
        Some(Self::from_number(v.into()))
    }

    fn from_f64(v: f64) -> Option<Self> {
        serde_json::Number::from_f64(v).map(Self::from_number)
    }
}

/// A secret Twilio returns in a resource (an account's `auth_token`): kept and re-encoded
/// as it came, but never shown by `Debug`.
///
/// ```
/// use twilio_model::SecretText;
///
/// let token: SecretText = serde_json::from_str(r#""0123abcd""#)?;
/// assert_eq!(format!("{token:?}"), "SecretText([redacted])");
/// assert_eq!(token.expose_secret(), "0123abcd");
/// assert_eq!(serde_json::to_string(&token)?, r#""0123abcd""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    /// Wraps a secret.
    #[must_use]
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself: handle with care.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText([redacted])")
    }
}

impl Serialize for SecretText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

impl LenientDe for SecretText {
    fn from_str(v: &str) -> Option<Self> {
        Some(Self(v.to_owned()))
    }

    fn from_string(v: String) -> Result<Self, String> {
        Ok(Self(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimals_keep_their_form() {
        for text in [r#""-0.200""#, r#""1e400""#, "-0.25", "12", "-3"] {
            let decimal: Decimal = serde_json::from_str(text).unwrap();
            let back = serde_json::to_value(&decimal).unwrap();
            assert_eq!(
                back,
                serde_json::from_str::<serde_json::Value>(text).unwrap()
            );
        }
        let huge: Decimal =
            serde_json::from_value(json!("123456789012345678901234567890.5")).unwrap();
        assert_eq!(huge.as_str(), "123456789012345678901234567890.5");
        assert!(serde_json::from_value::<Decimal>(json!(true)).is_err());
    }

    #[test]
    fn dates_parse_on_demand() {
        let d = Rfc2822DateTime::from("Tue, 11 Aug 2020 17:44:08 +0000");
        assert_eq!(d.parse().map(|t| t.unix_timestamp()), Some(1_597_167_848));
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            json!("Tue, 11 Aug 2020 17:44:08 +0000")
        );
        assert_eq!(
            IsoDate::from("2024-02-29").parse().map(|d| d.ordinal()),
            Some(60)
        );
        assert_eq!(IsoDate::from("2023-02-29").parse(), None);
    }
}
