//! The one error type: which check failed, with the URL it was about (never a token, and
//! never the password of a URL's user info).

/// Why a webhook was not accepted, or why a [`Validator`](crate::Validator) or
/// [`Signer`](crate::Signer) could not be built.
///
/// Each variant names the check that failed, so that "why does my signature fail" has an
/// answer. No message contains an auth token; URLs in messages have the password of their
/// user info replaced by `***`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No auth token was given to a [`Validator`](crate::Validator).
    #[error("no auth token was given: a webhook can only be verified with one")]
    NoToken,
    /// An auth token is empty (Twilio's are 32 characters): most often an unset variable.
    #[error("an auth token is empty (Twilio's auth tokens are 32 characters)")]
    EmptyToken,
    /// The webhook URL is not an absolute `http://` or `https://` URL.
    #[error("the webhook URL {url:?} is not an absolute http:// or https:// URL: {reason}")]
    InvalidUrl {
        /// The URL, password redacted.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The request carries no `X-Twilio-Signature` header.
    #[error("the request has no X-Twilio-Signature header")]
    MissingSignature,
    /// The `X-Twilio-Signature` header is not the base64 of a 20-byte HMAC-SHA1.
    #[error(
        "the X-Twilio-Signature header is malformed: not the base64 of a 20-byte HMAC-SHA1 (28 characters ending in =)"
    )]
    MalformedSignature,
    /// The signature is well formed but does not match the URL and parameters under any
    /// of the auth tokens, with or without the port.
    #[error(
        "the X-Twilio-Signature does not match {url} with {params} parameter(s) under {tokens} auth token(s) (tried the URL with and without its port)"
    )]
    WrongSignature {
        /// The URL that was checked, password redacted.
        url: String,
        /// How many POST parameters were signed with it (0 for a JSON body or a GET).
        params: usize,
        /// How many auth tokens were tried.
        tokens: usize,
    },
    /// A body that is not form-encoded was given to be checked, but the URL has no
    /// `bodySHA256` query parameter, which Twilio adds to the URL of every such webhook.
    #[error(
        "{url} has no bodySHA256 query parameter: Twilio signs a body that is not form-encoded through it"
    )]
    MissingBodyHash {
        /// The URL, password redacted.
        url: String,
    },
    /// The URL's `bodySHA256` query parameter is not 64 lowercase hex digits, or appears more
    /// than once.
    #[error(
        "the bodySHA256 query parameter of {url} is malformed: it must appear once, as 64 lowercase hex digits"
    )]
    MalformedBodyHash {
        /// The URL, password redacted.
        url: String,
    },
    /// The signature holds, so the URL is Twilio's, but the body is not the one whose
    /// SHA-256 the URL's `bodySHA256` names: the body was changed on the way.
    #[error("the body's SHA-256 does not match the bodySHA256 query parameter of {url}")]
    BodyHashMismatch {
        /// The URL, password redacted.
        url: String,
    },
    /// A form body that is not valid `application/x-www-form-urlencoded` UTF-8.
    #[error("the form body is malformed: parameter {index} is not UTF-8 once percent-decoded")]
    MalformedForm {
        /// The 0-based position of the first bad `name=value` pair.
        index: usize,
    },
    /// A body that no signature covers: it is not form-encoded (whose parameters are
    /// signed) and the URL has no `bodySHA256` (through which other bodies are signed).
    /// Accepting it would accept a forged body.
    #[error(
        "the body (content type {content_type:?}) is not covered by the signature: it is not form-encoded and {url} has no bodySHA256"
    )]
    UnsignedBody {
        /// The request's content type, if it had one.
        content_type: String,
        /// The URL, password redacted.
        url: String,
    },
}
