//! Typed models of the Twilio REST API (2010-04-01): validated SIDs, call events and list pages.
//!
//! This crate performs no I/O and depends on no HTTP stack: it only decodes and encodes what
//! Twilio sends, so a team that only needs to read Twilio's JSON can depend on it alone.
//!
//! - [`sid`](mod@sid): validated SIDs ([`AccountSid`], [`CallSid`], [`ApiKeySid`]) and the [`sid!`]
//!   macro to declare more kinds;
//! - [`event`]: [`CallEvent`] with its [`EventRequest`] and [`EventResponse`];
//! - [`page`]: the paging envelope ([`PageMeta`], [`ListPage`]) and the generic [`Page`] of a
//!   [`ListResource`], e.g. [`CallEventsPage`].
//!
//! Models are forward-compatible: unknown members, and known members that are null or of an
//! unexpected JSON type, are kept verbatim, so decoding then encoding gives back the same
//! JSON value and a change on Twilio's side never makes a page fail to decode.
//!
//! # Example
//!
//! Decoding a page of call events (the example of Twilio's documentation):
//!
//! ```
//! use twilio_model::{CallEventsPage, CallSid, ListPage};
//!
//! let json = r#"{
//!   "end": 0,
//!   "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Events.json?PageSize=50&Page=0",
//!   "page": 0,
//!   "start": 0,
//!   "events": [{
//!     "request": {
//!       "url": "https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json",
//!       "method": "POST",
//!       "parameters": {"to": "+123456789", "from": "+987654321", "twiml": "<Response><Say>Hi!</Say></Response>"}
//!     },
//!     "response": {
//!       "content_type": "application/json",
//!       "date_created": "Tue, 11 Aug 2020 17:44:08 +0000",
//!       "response_body": "{\"sid\": \"CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
//!       "response_code": 201,
//!       "request_duration": 50
//!     }
//!   }],
//!   "page_size": 50,
//!   "next_page_uri": null,
//!   "first_page_uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Events.json?PageSize=50&Page=0",
//!   "previous_page_uri": null
//! }"#;
//!
//! let page: CallEventsPage = serde_json::from_str(json)?;
//! assert_eq!(page.envelope().page_size, Some(50));
//! assert_eq!(page.next_page_uri(), None);
//!
//! let event = &page.items()[0];
//! let request = event.request.as_ref().expect("the request is an object");
//! assert_eq!(request.parameter("twiml"), Some("<Response><Say>Hi!</Say></Response>"));
//! let response = event.response.as_ref().expect("the response is an object");
//! assert_eq!(response.response_code, Some(201));
//! assert_eq!(response.date_created_at().map(|t| t.year()), Some(2020));
//!
//! // SIDs are validated on construction.
//! let call: CallSid = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?;
//! assert_eq!(call.as_str(), "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
//! let err = "CAxyz".parse::<CallSid>().unwrap_err();
//! assert_eq!(err.to_string(), r#"invalid call SID "CAxyz": expected "CA" followed by 32 hex digits"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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
