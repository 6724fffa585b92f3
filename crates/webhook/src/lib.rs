//! Verify the `X-Twilio-Signature` of Twilio's webhooks, exactly as Twilio computes it.
//!
//! Twilio signs every webhook with the account's auth token: the base64 of an HMAC-SHA1 over
//! the full URL it requested followed by each POST parameter's name and value, sorted by name
//! (a name that repeats contributes its distinct values in sorted order). A body that is not
//! form-encoded (JSON) is signed differently: Twilio appends `bodySHA256=<hex SHA-256 of the
//! body>` to the URL and signs that URL alone, so the body must then be checked against it.
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
//!
//! # Example
//!
//! ```
//! use twilio_webhook::{Error, Signer, Validator};
//!
//! # fn main() -> Result<(), Error> {
//! // The example of Twilio's documentation (also the official SDKs' first test vector).
//! let validator = Validator::new("12345".into())?;
//! let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
//! let params = [
//!     ("CallSid", "CA1234567890ABCDE"),
//!     ("Caller", "+14158675309"),
//!     ("Digits", "1234"),
//!     ("From", "+14158675309"),
//!     ("To", "+18005551212"),
//! ];
//! validator.verify_params(url, &params, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="))?;
//!
//! // A form body as it arrives, with its Content-Type and signature header.
//! let body = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
//! let form = "application/x-www-form-urlencoded";
//! let verified = validator.verify_request(url, Some(form), body, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="))?;
//! assert_eq!(verified.token_index, 0);
//!
//! // One changed parameter, and the check says which part failed.
//! let forged = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=9999&From=%2B14158675309&To=%2B18005551212";
//! let err = validator
//!     .verify_request(url, Some(form), forged, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="))
//!     .unwrap_err();
//! assert!(matches!(err, Error::WrongSignature { params: 5, .. }));
//!
//! // JSON: the URL carries the body's hash and is signed alone.
//! let signer = Signer::new("12345".into())?;
//! let json = br#"{"property": "value", "boolean": true}"#;
//! let signed = signer.sign_body(url, json);
//! assert!(signed.url.ends_with("&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"));
//! assert_eq!(signed.signature, "a9nBmqA0ju/hNViExpshrM61xv4=");
//! validator.verify_body(&signed.url, json, Some(&signed.signature))?;
//! let tampered = validator.verify_body(&signed.url, b"{}", Some(&signed.signature));
//! assert!(matches!(tampered, Err(Error::BodyHashMismatch { .. })));
//! # Ok(())
//! # }
//! ```
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
