//! The `twilio-api` binary, run as a user runs it, against a scripted loopback server: every
//! write's flags, body, output and exit codes, the options that yield to an operation's
//! parameters of the same name, shell completion and the man page.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bulk;
mod completions;
mod options;
mod products;
mod products_table;
mod readme;
mod serve;
mod support;
mod writes;
