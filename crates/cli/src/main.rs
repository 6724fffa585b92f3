//! The twilio-api command.
#![forbid(unsafe_code)]
fn main() {}
