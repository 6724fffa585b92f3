//! End-to-end tests live in this package's tests/ folder.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
