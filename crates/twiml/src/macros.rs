//! The declarations every TwiML element shares: the wrapper type, its attribute setters, the
//! children it accepts, and the enumerated attribute values.

/// A public element type wrapping an [`Element`](crate::xml::Element) of tag `$tag`.
macro_rules! element {
    ($(#[$meta:meta])* $name:ident = $tag:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            el: $crate::xml::Element,
        }

        impl $name {
            /// The element without attributes or content.
            #[allow(dead_code)]
            fn bare() -> Self {
                Self { el: $crate::xml::Element::new($tag) }
            }

            /// The element with `text` as its content.
            #[allow(dead_code)]
            fn with_text(text: impl Into<String>) -> Self {
                Self { el: $crate::xml::Element::with_text($tag, text.into()) }
            }
        }

        impl From<$name> for $crate::xml::Node {
            fn from(value: $name) -> Self {
                $crate::xml::Node::Element(value.el)
            }
        }
    };
}

/// Attribute setters: `rust_name: kind = "xmlName";` where kind is `text` (any string),
/// `flag` (`true`/`false`), `number` (`u32`), `numbers` (space-separated `u32`s),
/// `one(Enum)` or `many(Enum)` (space-separated).
macro_rules! attributes {
    ($name:ident { $($(#[$m:meta])* $f:ident: $kind:ident $(($e:ty))? = $xml:literal;)* }) => {
        impl $name {
            $( attribute!($(#[$m])* $f, $kind $(($e))?, $xml); )*
        }
    };
}

macro_rules! attribute {
    ($(#[$m:meta])* $f:ident, text, $xml:literal) => {
        #[doc = concat!("Sets the `", $xml, "` attribute.")]
        $(#[$m])*
        #[must_use]
        pub fn $f(mut self, value: impl Into<String>) -> Self {
            self.el.set($xml, value.into());
            self
        }
    };
    ($(#[$m:meta])* $f:ident, flag, $xml:literal) => {
        #[doc = concat!("Sets the `", $xml, "` attribute (`true` or `false`).")]
        $(#[$m])*
        #[must_use]
        pub fn $f(mut self, value: bool) -> Self {
            self.el.set($xml, if value { "true" } else { "false" }.to_owned());
            self
        }
    };
    ($(#[$m:meta])* $f:ident, number, $xml:literal) => {
        #[doc = concat!("Sets the `", $xml, "` attribute.")]
        $(#[$m])*
        #[must_use]
        pub fn $f(mut self, value: u32) -> Self {
            self.el.set($xml, value.to_string());
            self
        }
    };
    ($(#[$m:meta])* $f:ident, numbers, $xml:literal) => {
        #[doc = concat!("Sets the `", $xml, "` attribute (space-separated numbers).")]
        $(#[$m])*
        #[must_use]
        pub fn $f(mut self, values: impl IntoIterator<Item = u32>) -> Self {
            let values: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
            self.el.set($xml, values.join(" "));
            self
        }
    };
    ($(#[$m:meta])* $f:ident, one($e:ty), $xml:literal) => {
        #[doc = concat!("Sets the `", $xml, "` attribute.")]
        $(#[$m])*
        #[must_use]
        pub fn $f(mut self, value: $e) -> Self {
            self.el.set($xml, value.as_str().to_owned());
            self
        }
    };
    ($(#[$m:meta])* $f:ident, many($e:ty), $xml:literal) => {
        #[doc = concat!("Sets the `", $xml, "` attribute (space-separated values).")]
        $(#[$m])*
        #[must_use]
        pub fn $f(mut self, values: impl IntoIterator<Item = $e>) -> Self {
            let values: Vec<String> =
                values.into_iter().map(|v| v.as_str().to_owned()).collect();
            self.el.set($xml, values.join(" "));
            self
        }
    };
}

/// The children an element accepts: `method: Type,` appends a `Type`. Only these compile.
macro_rules! children {
    ($name:ident { $($f:ident: $child:ty),* $(,)? }) => {
        impl $name {
            $(
                #[doc = concat!("Appends a [`", stringify!($child), "`].")]
                #[must_use]
                // Methods are named after the tags they add (SSML's `<sub>` as `sub`).
                #[allow(clippy::should_implement_trait)]
                pub fn $f(mut self, child: impl Into<$child>) -> Self {
                    self.el.push(child.into().into());
                    self
                }
            )*
        }
    };
}

/// Appends text after the element's other content (`text(...)`).
macro_rules! mixed_text {
    ($($name:ident),* $(,)?) => {
        $(
            impl $name {
                /// Appends text after what the element already holds (text and children may
                /// alternate, as in SSML).
                #[must_use]
                pub fn text(mut self, text: impl Into<String>) -> Self {
                    self.el.text(text.into());
                    self
                }
            }
        )*
    };
}

/// An enumerated attribute value: `#[non_exhaustive]`, with `Other(String)` for a value this
/// crate does not list yet; `From<&str>` maps a listed value to its variant.
macro_rules! values {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                $variant,
            )*
            /// A value this crate does not list (yet), written as given.
            Other(String),
        }

        impl $name {
            /// The value as TwiML writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Other(text) => text,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }
    };
}
