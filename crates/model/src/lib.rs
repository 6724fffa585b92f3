//! Typed models of the Twilio REST API (2010-04-01): validated SIDs, call events and list pages.
//!
//! This crate performs no I/O: it only decodes and encodes what Twilio sends.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod page;

pub use page::{ListPage, PageMeta};
