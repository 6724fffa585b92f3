//! The integration tests of `twilio-twiml`: one test binary, one module per subject; the XML
//! parser they read documents back with is in `support`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod documents;
mod properties;
mod support;
