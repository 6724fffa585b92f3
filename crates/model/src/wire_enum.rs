//! [`wire_enum!`]: the enums of the spec, forward-compatible.
//!
//! Each declared enum has a variant per value the spec lists and `Unknown(String)` for any
//! other, so a status Twilio adds tomorrow decodes (and re-encodes) as the text it is rather
//! than failing the page. Values are matched and written with their wire spelling verbatim.

/// Declares a forward-compatible string enum: `#[non_exhaustive]`, one variant per listed
/// wire value, `Unknown(String)` for the rest, with `as_str`, `Display`, `FromStr`
/// (infallible), `From<&str>`, serde as a plain string, and lenient decoding as a model
/// member.
macro_rules! wire_enum {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_attr:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$variant_attr])* $variant, )+
            /// A value this version does not know, kept verbatim.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value the spec lists, in its order.
            pub const KNOWN: &'static [$name] = &[$( $name::$variant, )+];

            /// The value as it is written on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other.as_str(),
                }
            }

            /// Whether this is a value the spec lists.
            #[must_use]
            pub fn is_known(&self) -> bool {
                !::core::matches!(self, $name::Unknown(_))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok($name::from(value.as_str()))
            }
        }

        impl $crate::lenient::LenientDe for $name {
            fn from_str(value: &str) -> Option<Self> {
                Some($name::from(value))
            }

            /// An unknown value keeps the string it came in (no copy).
            fn from_string(value: ::std::string::String) -> Result<Self, ::std::string::String> {
                Ok(match value.as_str() {
                    $( $wire => $name::$variant, )+
                    _ => $name::Unknown(value),
                })
            }
        }
    };
}

pub(crate) use wire_enum;
