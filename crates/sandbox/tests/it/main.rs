//! The integration tests of `twilio-sandbox`: one test binary, one module per subject (linked
//! once instead of once per file); helpers shared by several modules go in `support/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod faults;
mod routes;
mod support;
mod tls;
