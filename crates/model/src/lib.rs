#![doc = include_str!("../README.md")]
//!
//! # What is here
//!
//! - [`sid`](mod@sid): validated SIDs ([`AccountSid`], [`CallSid`], [`ApiKeySid`]) and the [`sid!`]
//!   macro to declare more kinds;
//! - [`event`]: [`CallEvent`] with its [`EventRequest`] and [`EventResponse`];
//! - [`page`]: the paging envelope ([`PageMeta`], [`ListPage`]) and the generic [`Page`] of a
//!   [`ListResource`], e.g. [`CallEventsPage`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// On docs.rs, feature-gated items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Nothing from the network may panic through an index: use get() and friends.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

mod lenient;
mod meta_page;
mod numbered_page;
mod parameters;
mod value;
mod wire_enum;

pub mod event;
pub mod generated;
pub mod page;
pub mod sid;

pub use event::{CallEvent, EventRequest, EventResponse};
pub use generated::*;
pub use meta_page::{MetaEnvelope, MetaPage};
pub use numbered_page::{NumberedEnvelope, NumberedPage};
pub use page::{Envelope, ListPage, ListResource, Page, PageMeta, Raw};
pub use parameters::Parameters;
pub use sid::{AccountSid, ApiKeySid, CallSid, MessageSid, Sid, SidError};
pub use value::{Decimal, IsoDate, Rfc2822DateTime, SecretText};

/// Implementation details of the exported macros. Not part of the public API: no stability
/// guarantees.
#[doc(hidden)]
pub mod __private {
    pub use nutype::nutype;
    pub use serde;

    /// Whether `prefix` is a valid SID prefix (two ASCII uppercase letters).
    #[must_use]
    pub const fn is_valid_sid_prefix(prefix: &str) -> bool {
        crate::sid::is_valid_prefix(prefix)
    }

    /// Deserializes a SID kind from a string.
    ///
    /// # Errors
    /// When the input is not a string or not a valid SID of kind `T`.
    pub fn deserialize_sid<'de, T, D>(deserializer: D) -> Result<T, D::Error>
    where
        T: crate::Sid,
        D: serde::Deserializer<'de>,
    {
        crate::sid::deserialize(deserializer)
    }

    /// Validates a SID for the `nutype` validator of [`sid!`](crate::sid!).
    ///
    /// # Errors
    /// When `value` does not match `^{prefix}[0-9a-fA-F]{32}$` (or one of the alternatives).
    #[inline]
    pub fn check_sid(
        value: &str,
        kind: &'static str,
        prefix: &'static str,
        alternatives: &'static [&'static str],
    ) -> Result<(), crate::SidError> {
        crate::sid::check(value, kind, prefix, alternatives)
    }

    /// The spec's pattern of a SID kind: `^CA[0-9a-fA-F]{32}$`, `^(SM|MM)[0-9a-fA-F]{32}$`.
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __sid_pattern {
        ($prefix:literal) => {
            ::core::concat!("^", $prefix, "[0-9a-fA-F]{32}$")
        };
        ($prefix:literal $(, $alt:literal)+) => {
            ::core::concat!("^(", $prefix, $("|", $alt,)+ ")[0-9a-fA-F]{32}$")
        };
    }
    pub use crate::__sid_pattern as sid_pattern;
}
