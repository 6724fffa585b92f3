#![doc = include_str!("../README.md")]
//!
//! # What is here
//!
//! - [`Pager::pages`] and [`Pager::stream`] stream pages and items; [`Pager::collect`] and
//!   [`Pager::collect_partial`] gather the items.
//! - [`Pager::limit`] stops after `n` items and asks the server for no more than needed
//!   (`PageSize` on the first request); [`Pager::page_size`] sets the page size.
//! - With [`Pager::prefetch`] (on by default), the next page is fetched while the caller
//!   consumes the current one; never more than one page ahead.
//! - Links are resolved, never trusted: a relative link joins the listing's origin, an
//!   absolute one is followed only on that same origin (so credentials never go elsewhere),
//!   and a link already visited (however it is spelled: escapes, order of the query's
//!   parameters) stops the listing with [`PagerError::Cycle`]. A page whose own link names a
//!   page already delivered is not delivered again ([`PagerError::RepeatedPage`]). Links are
//!   sent verbatim: their `PageToken` is opaque.
//! - Links quoted in errors never show userinfo (`user:password@` becomes `***@`).
//! - A failed fetch ends the listing with the fetch function's own error; [`Pager::from_page`]
//!   starts a new listing at the page that failed, so nothing is missed or doubled.
//!
//! Each page request is traced as a `debug` span (`twilio_pager::page`, with the page number
//! and the path and query of its URI; never headers).
//!
//! Resuming a listing whose fetch failed, at the page that failed (the fetch function's
//! error knows which):
//!
//! ```no_run
//! # use twilio_pager::{Pager, PagerError};
//! # #[derive(Debug)] struct Failure { page_uri: String }
//! # impl From<PagerError> for Failure { fn from(e: PagerError) -> Self { Failure { page_uri: e.to_string() } } }
//! # async fn run<P: twilio_model::ListPage>(pager: Pager<P, Failure>) -> Result<Vec<P::Item>, Failure> {
//! let (mut items, error) = pager.clone().collect_partial().await;
//! if let Some(error) = error {
//!     // ... later, once the cause is gone: continue at the page that failed.
//!     let again = pager.from_page(&error.page_uri).map_err(Failure::from)?;
//!     items.extend(again.collect().await?);
//! }
//! # Ok(items)
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// On docs.rs, feature-gated items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Nothing from the network may panic through an index: use get() and friends.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

mod error;
mod link;
mod pager;

pub use error::PagerError;
pub use pager::{Items, Pager, Pages};

/// Entry points for the fuzz targets in `fuzz/` (not a stable API: it may change at any time).
/// Only built under `--cfg fuzzing`, which cargo-fuzz sets: never part of a normal build.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod __fuzz {
    /// What the pager does with `link` (a page's `next_page_uri`, or a starting URI) on the
    /// origin `base_url`: `Ok(uri)`, the absolute URI it would request (always on that origin),
    /// or `Err(reason)` when it refuses the link (or the base URL).
    pub fn resolve_link(base_url: &str, link: &str) -> Result<String, String> {
        let origin = crate::link::Origin::parse(base_url).map_err(|e| e.to_string())?;
        let target = origin.resolve(link).map_err(|e| format!("{e:?}"))?;
        // The request actually sent carries this URI; `with_page_size` must keep the origin.
        let sized = target.with_page_size(7).map_err(|e| format!("{e:?}"))?;
        if sized.uri().authority() != target.uri().authority() {
            return Err(format!("PageSize moved {} elsewhere", target.as_str()));
        }
        Ok(target.as_str().to_owned())
    }

    /// Whether the pager, having requested `first` on `base_url`, treats a later link `second`
    /// as the same page (a cycle). `None` if either is refused.
    pub fn same_page(base_url: &str, first: &str, second: &str) -> Option<bool> {
        let origin = crate::link::Origin::parse(base_url).ok()?;
        let first = origin.resolve(first).ok()?;
        let second = origin.resolve(second).ok()?;
        let mut visited = crate::link::Visited::default();
        visited.record(&first, 0);
        Some(visited.record(&second, 1).is_some())
    }
}
