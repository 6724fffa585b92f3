//! Validated Twilio SIDs ("string identifiers").
//!
//! Every Twilio resource is named by a SID: a two-letter prefix that says what kind of
//! resource it is, followed by 32 hexadecimal digits (`^CA[0-9a-fA-F]{32}$` for a call).
//! Each kind is its own [`nutype`](https://docs.rs/nutype) newtype, so an account SID can
//! never be passed where a call SID is expected, and a value that does not match the spec's
//! pattern can never be constructed.
//!
//! A further kind takes one declaration with the [`sid!`](crate::sid!) macro, from this crate
//! or from any other.
//!
//! SIDs are identifiers, not secrets: they are shown in full by `Debug`, `Display` and
//! [`SidError`].

use std::fmt;

/// The number of hexadecimal digits that follow the two-letter prefix of every SID.
pub const SID_HEX_DIGITS: usize = 32;

/// The total length of every SID: a two-letter prefix and [`SID_HEX_DIGITS`] hex digits.
pub const SID_LEN: usize = 2 + SID_HEX_DIGITS;

/// How many characters of an invalid value [`SidError`]'s `Display` shows before eliding.
const SHOWN_CHARS: usize = 64;

/// A string was not a valid SID of the expected kind.
///
/// Its `Display` names the kind that was expected and shows the offending value, e.g.
/// `invalid call SID "CAxyz": expected "CA" followed by 32 hex digits`. Values longer than
/// 64 characters are shortened in the message; [`SidError::value`] keeps the whole value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error(
    "invalid {kind} SID {shown}: expected {prefixes} followed by {SID_HEX_DIGITS} hex digits",
    shown = Elided(.value),
    prefixes = Prefixes(.prefix, .alternatives)
)]
#[non_exhaustive]
pub struct SidError {
    kind: &'static str,
    prefix: &'static str,
    /// Further prefixes the kind accepts (messages: `SM` or `MM`).
    alternatives: &'static [&'static str],
    value: String,
}

/// `"SM"`, or `"SM" or "MM"`.
struct Prefixes<'a>(&'a str, &'a [&'static str]);

impl fmt::Display for Prefixes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)?;
        for other in self.1 {
            write!(f, " or {other:?}")?;
        }
        Ok(())
    }
}

impl SidError {
    /// Builds the error for `value`, which is not a valid SID of the given kind.
    ///
    /// `kind` is a human name such as `"call"`, `prefix` the two-letter prefix such as `"CA"`.
    pub fn new(kind: &'static str, prefix: &'static str, value: impl Into<String>) -> Self {
        Self {
            kind,
            prefix,
            alternatives: &[],
            value: value.into(),
        }
    }

    /// The error for a kind that accepts several prefixes (messages: `SM` or `MM`).
    #[must_use]
    pub fn with_alternatives(mut self, alternatives: &'static [&'static str]) -> Self {
        self.alternatives = alternatives;
        self
    }

    /// The human name of the expected kind, e.g. `"call"`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The prefix the expected kind starts with, e.g. `"CA"` (the first, for a kind that
    /// accepts several; see [`SidError::other_prefixes`]).
    pub fn expected_prefix(&self) -> &'static str {
        self.prefix
    }

    /// The other prefixes the kind accepts, e.g. `["MM"]` for a message SID.
    pub fn other_prefixes(&self) -> &'static [&'static str] {
        self.alternatives
    }

    /// The rejected value, in full.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The rejected value, in full, out of the error.
    pub(crate) fn into_value(self) -> String {
        self.value
    }
}

/// Shows a value quoted and escaped, shortened when it is long.
struct Elided<'a>(&'a str);

impl fmt::Display for Elided<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(SHOWN_CHARS) {
            None => write!(f, "{:?}", self.0),
            Some((cut, _)) => {
                let shown = self.0.get(..cut).unwrap_or_default();
                let total = self.0.chars().count();
                write!(f, "{shown:?}... ({total} characters)")
            }
        }
    }
}

/// What every SID kind declared with [`sid!`](crate::sid!) provides, for code that handles
/// SIDs generically (for instance to parse a path segment into whichever kind a route
/// expects).
pub trait Sid:
    Clone
    + Eq
    + Ord
    + std::hash::Hash
    + fmt::Debug
    + fmt::Display
    + AsRef<str>
    + std::str::FromStr<Err = SidError>
    + TryFrom<String, Error = SidError>
    + for<'a> TryFrom<&'a str, Error = SidError>
    + serde::Serialize
    + serde::de::DeserializeOwned
    + Send
    + Sync
    + 'static
{
    /// The two-letter prefix of this kind, e.g. `"CA"`.
    const PREFIX: &'static str;
    /// The human name of this kind, e.g. `"call"`, as used in error messages.
    const KIND: &'static str;
    /// The regular expression of the Twilio spec this kind obeys, e.g. `^CA[0-9a-fA-F]{32}$`.
    const PATTERN: &'static str;

    /// The SID as a string slice.
    fn as_str(&self) -> &str;
}

/// Checks `value` against `^{prefix}[0-9a-fA-F]{32}$`, the pattern of the Twilio spec.
///
/// This is an exact, allocation-free equivalent of the spec's regular expression (the test
/// suite checks it against the `regex` crate), used by every [`sid!`](crate::sid!) kind.
pub(crate) fn check(
    value: &str,
    kind: &'static str,
    prefix: &'static str,
    alternatives: &'static [&'static str],
) -> Result<(), SidError> {
    let bytes = value.as_bytes();
    let prefixed = |p: &str| bytes.starts_with(p.as_bytes());
    let valid = bytes.len() == SID_LEN
        && (prefixed(prefix) || alternatives.iter().any(|p| prefixed(p)))
        && bytes.iter().skip(prefix.len()).all(u8::is_ascii_hexdigit);
    if valid {
        Ok(())
    } else {
        Err(SidError::new(kind, prefix, value).with_alternatives(alternatives))
    }
}

/// Whether `prefix` can prefix a SID: exactly two ASCII uppercase letters.
///
/// Evaluated at compile time by [`sid!`](crate::sid!), so a bad prefix is a build error.
pub(crate) const fn is_valid_prefix(prefix: &str) -> bool {
    matches!(prefix.as_bytes(), [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase())
}

/// Declares a SID kind: a validated newtype over `String`, built with `nutype`.
///
/// ```
/// twilio_model::sid!(
///     /// The SID of a recording (`RE` followed by 32 hex digits).
///     pub RecordingSid, "RE", "recording"
/// );
///
/// let sid: RecordingSid = "RE0123456789abcdef0123456789ABCDEF".parse()?;
/// assert_eq!(sid.as_str(), "RE0123456789abcdef0123456789ABCDEF");
///
/// let err = RecordingSid::try_from("CA0123456789abcdef0123456789ABCDEF").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"invalid recording SID "CA0123456789abcdef0123456789ABCDEF": expected "RE" followed by 32 hex digits"#
/// );
/// # Ok::<(), twilio_model::SidError>(())
/// ```
///
/// The arguments are: doc comments and other outer attributes, the visibility and name of
/// the type, its two-letter prefix (checked at compile time; a kind that accepts several
/// lists them as `"SM" | "MM"`) and the human name of its kind used in error messages.
///
/// The declared type:
/// - can only hold a string matching `^{prefix}[0-9a-fA-F]{32}$`;
/// - has `try_new(impl Into<String>) -> Result<Self, SidError>`, `as_str(&self) -> &str`
///   and `into_inner(self) -> String`;
/// - implements `FromStr`, `TryFrom<&str>` and `TryFrom<String>` (all with
///   [`SidError`](crate::SidError) as error), `Display`, `AsRef<str>`, `Borrow<str>`,
///   `Borrow<String>`, `Debug`, `Clone`, `Eq`, `Ord`, `Hash`, serde's `Serialize` and
///   `Deserialize` (as a plain string; decoding an invalid value fails with the
///   [`SidError`](crate::SidError) message) and [`Sid`](crate::Sid).
///
/// # Stability
///
/// `nutype` generates `try_new`, `into_inner` and most of the trait impls above, but they
/// are this crate's API, not nutype's: no nutype type or trait appears in them, and this
/// crate keeps exactly that list across nutype upgrades (its tests pin every signature and
/// impl, so an upgrade that changes one fails them instead of reaching users). Nothing else
/// nutype may generate is part of the API.
///
/// The expansion only refers to this crate (and to `String`, which must be the standard one
/// where the macro is called), so the calling crate needs no dependency on `nutype`, `serde`
/// or `regex`.
#[macro_export]
macro_rules! sid {
    ($(#[$attr:meta])* $vis:vis $name:ident, $prefix:literal $(| $alt:literal)*, $kind:literal $(,)?) => {
        #[$crate::__private::nutype(
            validate(with = Self::__check_sid, error = $crate::SidError),
            derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, AsRef, Borrow,
                   Display, FromStr, TryFrom),
        )]
        $(#[$attr])*
        $vis struct $name(String);

        const _: () = ::core::assert!(
            $crate::__private::is_valid_sid_prefix($prefix)
                $(&& $crate::__private::is_valid_sid_prefix($alt))*,
            "a SID prefix is exactly two ASCII uppercase letters"
        );

        impl $name {
            #[inline]
            fn __check_sid(value: &str) -> ::core::result::Result<(), $crate::SidError> {
                $crate::__private::check_sid(value, $kind, $prefix, &[$($alt),*])
            }

            /// The SID as a string slice.
            #[inline]
            #[must_use]
            pub fn as_str(&self) -> &str {
                ::core::convert::AsRef::<str>::as_ref(self)
            }
        }

        impl $crate::Sid for $name {
            const PREFIX: &'static str = $prefix;
            const KIND: &'static str = $kind;
            const PATTERN: &'static str = $crate::__private::sid_pattern!($prefix $(, $alt)*);

            #[inline]
            fn as_str(&self) -> &str {
                $name::as_str(self)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                $crate::__private::deserialize_sid(deserializer)
            }
        }
    };
}

/// Deserializes any [`Sid`] kind from a string, failing with the [`SidError`] message.
pub(crate) fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Sid,
    D: serde::Deserializer<'de>,
{
    struct SidVisitor<T>(std::marker::PhantomData<T>);

    impl<T: Sid> serde::de::Visitor<'_> for SidVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "{} SID (\"{}\" followed by {SID_HEX_DIGITS} hex digits)",
                T::KIND,
                T::PREFIX
            )
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            T::try_from(v).map_err(E::custom)
        }

        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<T, E> {
            T::try_from(v).map_err(E::custom)
        }
    }

    deserializer.deserialize_str(SidVisitor(std::marker::PhantomData))
}

crate::sid!(
    /// The SID of a Twilio account: `AC` followed by 32 hex digits.
    ///
    /// ```
    /// use twilio_model::AccountSid;
    ///
    /// let sid: AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?;
    /// assert_eq!(sid.to_string(), "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    /// assert!("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse::<AccountSid>().is_err());
    /// # Ok::<(), twilio_model::SidError>(())
    /// ```
    pub AccountSid, "AC", "account"
);

crate::sid!(
    /// The SID of a call: `CA` followed by 32 hex digits.
    ///
    /// ```
    /// use twilio_model::CallSid;
    ///
    /// let sid = CallSid::try_from("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")?;
    /// assert_eq!(sid.as_str(), "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    ///
    /// let err = CallSid::try_from("CAxyz").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     r#"invalid call SID "CAxyz": expected "CA" followed by 32 hex digits"#
    /// );
    /// # Ok::<(), twilio_model::SidError>(())
    /// ```
    pub CallSid, "CA", "call"
);

crate::sid!(
    /// The SID of a message: `SM` (an SMS) or `MM` (an MMS) followed by 32 hex digits.
    ///
    /// ```
    /// use twilio_model::MessageSid;
    ///
    /// assert!("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse::<MessageSid>().is_ok());
    /// assert!("MMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse::<MessageSid>().is_ok());
    /// let err = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse::<MessageSid>().unwrap_err();
    /// assert!(err.to_string().ends_with(r#"expected "SM" or "MM" followed by 32 hex digits"#));
    /// ```
    pub MessageSid, "SM" | "MM", "message"
);

crate::sid!(
    /// The SID of an API key: `SK` followed by 32 hex digits.
    ///
    /// An API key SID is the user name of API-key authentication; it is an identifier, not
    /// a secret (the key's secret is a separate value).
    pub ApiKeySid, "SK", "API key"
);

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const CALL: &str = "CA0123456789abcdefABCDEF0123456789";

    #[test]
    fn accepts_valid_sids_of_each_kind() {
        assert_eq!(AccountSid::try_new(ACCOUNT).unwrap().as_str(), ACCOUNT);
        assert_eq!(CallSid::try_from(CALL).unwrap().as_str(), CALL);
        let key = "SK".to_owned() + &"f".repeat(32);
        assert_eq!(ApiKeySid::try_from(key.clone()).unwrap().into_inner(), key);
    }

    #[test]
    fn rejects_wrong_prefix_length_and_digits() {
        for bad in [
            "",
            "AC",
            "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // call SID where an account is expected
            "acaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // lowercase prefix
            "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",  // 31 digits
            "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 33 digits
            "ACgaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // not hex
            "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
            " ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaé",
        ] {
            let err = bad.parse::<AccountSid>().unwrap_err();
            assert_eq!(err.value(), bad);
            assert_eq!(err.kind(), "account");
            assert_eq!(err.expected_prefix(), "AC");
        }
    }

    #[test]
    fn error_message_names_kind_and_value() {
        let err = CallSid::try_from("CAxyz").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"invalid call SID "CAxyz": expected "CA" followed by 32 hex digits"#
        );
    }

    #[test]
    fn error_message_shortens_huge_values() {
        let huge = "x".repeat(10_000);
        let msg = ApiKeySid::try_from(huge.as_str()).unwrap_err().to_string();
        assert!(msg.starts_with(r#"invalid API key SID "xxxx"#), "{msg}");
        assert!(msg.contains("... (10000 characters)"), "{msg}");
        assert!(msg.len() < 200, "{msg}");
    }

    #[test]
    fn traits_behave_like_the_inner_string() {
        let a = CallSid::try_from(CALL).unwrap();
        let b: CallSid = CALL.parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(format!("{a}"), CALL);
        assert_eq!(format!("{a:?}"), format!("CallSid({CALL:?})"));
        assert_eq!(AsRef::<str>::as_ref(&a), CALL);
        let set: std::collections::HashSet<CallSid> = [a.clone()].into();
        assert!(set.contains(CALL), "Borrow<str> lookups work");
        let lower = CallSid::try_from("CA".to_owned() + &"0".repeat(32)).unwrap();
        assert!(lower < a);
        assert_eq!(<CallSid as Sid>::PATTERN, "^CA[0-9a-fA-F]{32}$");
        assert_eq!(<AccountSid as Sid>::KIND, "account");
        assert_eq!(<ApiKeySid as Sid>::PREFIX, "SK");
    }

    #[test]
    fn serde_round_trip_and_error() {
        let sid = AccountSid::try_from(ACCOUNT).unwrap();
        let json = serde_json::to_string(&sid).unwrap();
        assert_eq!(json, format!("\"{ACCOUNT}\""));
        let back: AccountSid = serde_json::from_str(&json).unwrap();
        assert_eq!(back, sid);

        let err = serde_json::from_str::<AccountSid>("\"ACnope\"").unwrap_err();
        assert!(
            err.to_string().starts_with(
                r#"invalid account SID "ACnope": expected "AC" followed by 32 hex digits"#
            ),
            "{err}"
        );
        let err = serde_json::from_str::<AccountSid>("42").unwrap_err();
        assert!(
            err.to_string()
                .starts_with(r#"invalid type: integer `42`, expected account SID ("AC" followed by 32 hex digits)"#),
            "{err}"
        );
    }

    #[test]
    fn prefix_check() {
        assert!(is_valid_prefix("RE"));
        assert!(!is_valid_prefix("re"));
        assert!(!is_valid_prefix("R"));
        assert!(!is_valid_prefix("REC"));
        assert!(!is_valid_prefix("R."));
    }
}
