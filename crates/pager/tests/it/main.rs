//! The integration tests of `twilio-pager`: one test binary, one module per subject (linked
//! once instead of once per file); helpers shared by several modules go in `support/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod meta;
mod properties;
mod stream;
mod support;
