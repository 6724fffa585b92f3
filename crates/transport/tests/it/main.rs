//! The integration tests of `twilio-transport`: one test binary, one module per subject (linked
//! once instead of once per file); helpers shared by several modules go in `support/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod hyper_transport;
mod retry;
mod support;
mod tls_alpn;
mod tracing_span;
