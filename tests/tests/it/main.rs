//! The end-to-end tests: one test binary, one module per subject (linked once instead of
//! once per file); the helpers shared with other packages are this package's library.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod facade;
mod faults;
mod hostile;
mod many;
mod proxy;
mod readme;
mod tidy;
mod webhook;
