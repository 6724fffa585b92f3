#![doc = include_str!("../README.md")]
//!
//! # What is here
//!
//! - [`SharedRaw<R, C>`](SharedRaw): the list resource `R` with each item a [`RawJson`], a
//!   slice of its page's body; `Page<SharedRaw<R, C>>` pages like `Page<R>` (a
//!   [`ListPage`](twilio_model::ListPage) whose [`from_body`](twilio_model::ListPage::from_body)
//!   takes the body over without a copy).
//! - [`Columns`]: the members an export reads of every item, picked by the page's scan.
//! - [`RawJson`]: one item, with [`RawJson::members_at`] and [`RawJson::is_one_line`].
//! - [`raw_members_at`]: the same reading of members for any JSON object's text.
//!
//! The scanner behind them checks a page exactly as serde_json does (property tests hold it
//! to serde_json's answer) and classifies the body 64 bytes at a time (SSE2 through
//! `safe_arch`'s safe wrappers on x86-64, a portable fallback elsewhere). The envelope of a
//! page is decoded by the model itself ([`Page::from_members`](twilio_model::Page::from_members)),
//! so a shared raw page encodes exactly as the body it came from.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// On docs.rs, feature-gated items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Nothing from the network may panic through an index: use get() and friends.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

mod scan;
mod shared;

pub use scan::raw_members_at;
pub use shared::{Columns, RawJson, SharedRaw};
