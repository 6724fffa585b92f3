#![doc = include_str!("../README.md")]
//!
//! # What is checked
//!
//! [`Validator`] does both, the way Twilio's official validators (twilio-python,
//! twilio-node, twilio-java, twilio-go, twilio-ruby) do, and passes their published test
//! vectors:
//! - the URL is tried as given, without its port, and with the scheme's default port added,
//!   since Twilio's signing is not consistent about ports;
//! - parameters are sorted by name only (never by name and value concatenated, a bug some
//!   validators had), repeated names by value;
//! - a `bodySHA256` URL is only accepted with the body it names; a body that neither form
//!   parameters nor `bodySHA256` cover is refused ([`Validator::verify_request`]);
//! - the HMAC is compared in constant time; several auth tokens can be accepted at once for
//!   a rotation, and [`Verified::token_index`] says which one signed;
//! - every failure is a typed [`Error`] that says which check failed and never contains a
//!   token (nor the password of a URL's user info).
//!
//! Tokens are taken as [`SecretString`]s and only kept as keyed HMAC state; `Debug` shows
//! none of it. The crate does no I/O and needs no async runtime. With the `tower` feature,
//! `tower::TwilioSignatureLayer` rejects unsigned or wrongly signed requests with 403
//! before the inner service (an axum `Router`, a hyper service...) runs.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// On docs.rs, feature-gated items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod signature;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
mod url;

pub use error::Error;
pub use secrecy::SecretString;
pub use signature::{
    BODY_SHA256_PARAM, SIGNATURE_HEADER, SignedBody, Signer, Validator, Verified, body_sha256_hex,
    check_url, parse_form, url_with_body_sha256,
};
