//! Signing and verifying: the string Twilio signs, HMAC-SHA1 over it, and the checks.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use secrecy::{ExposeSecret as _, SecretString};
use sha1::Sha1;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::error::Error;
use crate::url::{WebhookUrl, form_decode, redact};

type HmacSha1 = Hmac<Sha1>;

/// The name of the query parameter through which Twilio signs a body that is not
/// form-encoded (JSON): the hex SHA-256 of the raw body.
pub const BODY_SHA256_PARAM: &str = "bodySHA256";

/// The header Twilio puts its signature in.
pub const SIGNATURE_HEADER: &str = "X-Twilio-Signature";

/// The length of an HMAC-SHA1.
const MAC_LEN: usize = 20;

/// An HMAC-SHA1 keyed with one auth token, cloned for each message. The token itself is not
/// kept: it arrives as a [`SecretString`] and is dropped (and zeroed) once the key is set.
#[derive(Clone)]
struct Key(HmacSha1);

impl Key {
    fn new(token: &SecretString) -> Result<Self, Error> {
        let token = token.expose_secret();
        if token.is_empty() {
            return Err(Error::EmptyToken);
        }
        // HMAC accepts keys of every length (longer ones are hashed, RFC 2104): this only
        // fails for an empty key, refused above.
        HmacSha1::new_from_slice(token.as_bytes())
            .map(Self)
            .map_err(|_| Error::EmptyToken)
    }

    /// The HMAC of `url` followed by the parameters in signing order.
    fn mac(&self, url: &str, params: &[(&str, &str)]) -> HmacSha1 {
        let mut mac = self.0.clone();
        mac.update(url.as_bytes());
        for (name, value) in params {
            mac.update(name.as_bytes());
            mac.update(value.as_bytes());
        }
        mac
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The parameters in the order Twilio signs them: sorted by name, and for a name that
/// repeats, its distinct values sorted, each pair once (what twilio-python and twilio-node do
/// since Twilio fixed their validators for repeated keys). Sorting is by bytes, which for
/// UTF-8 is Unicode code point order.
fn signing_order<'a>(params: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut sorted = params.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
}

/// Collects `(name, value)` pairs of any string types into borrowed pairs.
fn borrow_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(name, value)| (name.as_ref(), value.as_ref()))
        .collect()
}

/// The lowercase hex SHA-256 of `body`, as Twilio puts it in `bodySHA256`.
#[must_use]
pub fn body_sha256_hex(body: &[u8]) -> String {
    use fmt::Write as _;
    let digest = Sha256::digest(body);
    digest
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            // Writing to a String cannot fail.
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// `url` with `bodySHA256=<hex SHA-256 of body>` appended to its query, as Twilio builds the
/// URL of a webhook whose body is JSON.
#[must_use]
pub fn url_with_body_sha256(url: &str, body: &[u8]) -> String {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (url, None),
    };
    let separator = match before_fragment.split_once('?') {
        None => "?",
        Some((_, "")) => "",
        Some((_, query)) if query.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!(
        "{before_fragment}{separator}{BODY_SHA256_PARAM}={}",
        body_sha256_hex(body)
    );
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Checks that `url` is an absolute `http://` or `https://` URL, as [`Validator`] requires
/// (a [`Signer`] signs any string as given).
///
/// # Errors
/// [`Error::InvalidUrl`], saying what is wrong.
pub fn check_url(url: &str) -> Result<(), Error> {
    parse_url(url).map(|_| ())
}

fn parse_url(url: &str) -> Result<WebhookUrl<'_>, Error> {
    WebhookUrl::parse(url).map_err(|reason| Error::InvalidUrl {
        url: redact(url),
        reason,
    })
}

/// Decodes the `X-Twilio-Signature` header: exactly the canonical base64 of 20 bytes.
fn decode_signature(signature: Option<&str>) -> Result<[u8; MAC_LEN], Error> {
    let signature = signature.ok_or(Error::MissingSignature)?.trim();
    if signature.is_empty() {
        return Err(Error::MissingSignature);
    }
    let mut mac = [0u8; MAC_LEN];
    match STANDARD.decode_slice(signature, &mut mac) {
        // The canonical encoding of 20 bytes is 28 characters; the engine refuses
        // non-zero trailing bits and missing padding, so no other spelling decodes.
        Ok(MAC_LEN) if signature.len() == 28 => Ok(mac),
        _ => Err(Error::MalformedSignature),
    }
}

/// Signs webhooks as Twilio does, with one auth token: for tests, for tools, and for
/// anything that plays Twilio's part.
///
/// `Debug` shows no key material.
#[derive(Debug, Clone)]
pub struct Signer {
    key: Key,
}

impl Signer {
    /// A signer for this auth token.
    ///
    /// # Errors
    /// [`Error::EmptyToken`] for an empty token.
    pub fn new(auth_token: SecretString) -> Result<Self, Error> {
        Ok(Self {
            key: Key::new(&auth_token)?,
        })
    }

    /// The `X-Twilio-Signature` of a request to `url` with these POST parameters (none for a
    /// GET, whose parameters are in the URL already): base64 HMAC-SHA1 over the URL followed
    /// by each parameter's name and value, sorted by name. The URL is signed exactly as
    /// given.
    pub fn sign<K: AsRef<str>, V: AsRef<str>>(&self, url: &str, params: &[(K, V)]) -> String {
        let pairs = borrow_pairs(params);
        let mac = self.key.mac(url, &signing_order(&pairs));
        STANDARD.encode(mac.finalize().into_bytes())
    }

    /// Signs a request whose body is not form-encoded (JSON): returns the URL to send it to,
    /// `url` with `bodySHA256` appended, and the signature of that URL alone.
    pub fn sign_body(&self, url: &str, body: &[u8]) -> SignedBody {
        let url = url_with_body_sha256(url, body);
        let signature = self.sign::<&str, &str>(&url, &[]);
        SignedBody { url, signature }
    }
}

/// What [`Signer::sign_body`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedBody {
    /// The URL with `bodySHA256` appended: the one to send the body to.
    pub url: String,
    /// The `X-Twilio-Signature` of that URL.
    pub signature: String,
}

/// What a successful verification tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The position, in the order given to the [`Validator`], of the auth token that signed
    /// the request: during a rotation, `0` is the current token and the others are on their
    /// way out.
    pub token_index: usize,
}

/// Verifies `X-Twilio-Signature` headers with one or more auth tokens.
///
/// Accepts what Twilio's official validators accept: the URL as given, without its port, or
/// with the scheme's default port added (Twilio's signing is not consistent about ports);
/// form parameters sorted by name with repeated names' values sorted; for other bodies, the
/// URL alone with its `bodySHA256` checked against the body. The HMAC is compared in
/// constant time, and every token and URL spelling is computed whatever the outcome.
///
/// Several tokens can be accepted at once while one is rotated out. `Debug` shows no key
/// material.
#[derive(Debug, Clone)]
pub struct Validator {
    keys: Vec<Key>,
}

impl Validator {
    /// A validator for one auth token.
    ///
    /// # Errors
    /// [`Error::EmptyToken`] for an empty token.
    pub fn new(auth_token: SecretString) -> Result<Self, Error> {
        Self::from_tokens([auth_token])
    }

    /// A validator that accepts any of these auth tokens (the current one first, then those
    /// being rotated out; [`Verified::token_index`] says which signed a request).
    ///
    /// # Errors
    /// [`Error::NoToken`] for no token, [`Error::EmptyToken`] for an empty one.
    pub fn from_tokens(tokens: impl IntoIterator<Item = SecretString>) -> Result<Self, Error> {
        let keys = tokens
            .into_iter()
            .map(|token| Key::new(&token))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(Error::NoToken);
        }
        Ok(Self { keys })
    }

    /// How many auth tokens this validator accepts.
    #[must_use]
    pub fn token_count(&self) -> usize {
        self.keys.len()
    }

    /// Verifies a request to `url` with these POST parameters, already decoded (none for a
    /// GET webhook, whose parameters are part of the URL). `signature` is the
    /// `X-Twilio-Signature` header, `None` when the request had none.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`], [`Error::MissingSignature`], [`Error::MalformedSignature`] or
    /// [`Error::WrongSignature`].
    pub fn verify_params<K: AsRef<str>, V: AsRef<str>>(
        &self,
        url: &str,
        params: &[(K, V)],
        signature: Option<&str>,
    ) -> Result<Verified, Error> {
        let parsed = parse_url(url)?;
        let pairs = borrow_pairs(params);
        self.check(&parsed, &pairs, signature)
    }

    /// Verifies a request with an `application/x-www-form-urlencoded` body, as Twilio sends
    /// most webhooks: the body is decoded here (`+` as a space, percent escapes, strict
    /// UTF-8).
    ///
    /// # Errors
    /// As [`Validator::verify_params`], and [`Error::MalformedForm`].
    pub fn verify_form(
        &self,
        url: &str,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<Verified, Error> {
        let parsed = parse_url(url)?;
        let params = parse_form(body)?;
        self.check(&parsed, &borrow_pairs(&params), signature)
    }

    /// Verifies a request whose body is not form-encoded (JSON): the URL must carry
    /// `bodySHA256`, the signature covers the URL alone, and the body's SHA-256 must be the
    /// one the URL names.
    ///
    /// # Errors
    /// As [`Validator::verify_params`], [`Error::MissingBodyHash`] when the URL has no
    /// `bodySHA256`, [`Error::MalformedBodyHash`], and [`Error::BodyHashMismatch`] when the
    /// signature holds but the body is not the one signed.
    pub fn verify_body(
        &self,
        url: &str,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<Verified, Error> {
        let parsed = parse_url(url)?;
        let expected = match parsed.query_values(BODY_SHA256_PARAM).as_slice() {
            [] => {
                return Err(Error::MissingBodyHash {
                    url: parsed.redacted(),
                });
            }
            [Some(hex)] if is_lower_hex_sha256(hex) => hex.clone(),
            _ => {
                return Err(Error::MalformedBodyHash {
                    url: parsed.redacted(),
                });
            }
        };
        // The signature first: only once the URL is known to be Twilio's does its
        // bodySHA256 say anything about the body.
        let verified = self.check(&parsed, &[], signature)?;
        let actual = body_sha256_hex(body);
        if bool::from(actual.as_bytes().ct_eq(expected.as_bytes())) {
            Ok(verified)
        } else {
            Err(Error::BodyHashMismatch {
                url: parsed.redacted(),
            })
        }
    }

    /// Verifies a whole request as it arrived: a URL with `bodySHA256` is checked with
    /// [`Validator::verify_body`]; otherwise an empty body (a GET, or a POST without
    /// parameters) signs the URL alone, and a form body (`content_type`
    /// `application/x-www-form-urlencoded`, parameters allowed) is checked with
    /// [`Validator::verify_form`]. Any other body is refused: nothing would cover it.
    ///
    /// # Errors
    /// As the methods above, and [`Error::UnsignedBody`].
    pub fn verify_request(
        &self,
        url: &str,
        content_type: Option<&str>,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<Verified, Error> {
        let parsed = parse_url(url)?;
        if !parsed.query_values(BODY_SHA256_PARAM).is_empty() {
            return self.verify_body(url, body, signature);
        }
        if body.is_empty() {
            return self.check(&parsed, &[], signature);
        }
        if content_type.is_some_and(is_form) {
            return self.verify_form(url, body, signature);
        }
        Err(Error::UnsignedBody {
            content_type: content_type.unwrap_or_default().to_owned(),
            url: parsed.redacted(),
        })
    }

    /// The signature check itself, over every token and both URL spellings.
    fn check(
        &self,
        url: &WebhookUrl<'_>,
        params: &[(&str, &str)],
        signature: Option<&str>,
    ) -> Result<Verified, Error> {
        let expected = decode_signature(signature)?;
        let ordered = signing_order(params);
        let candidates = url.candidates();
        let mut matched = None;
        for (index, key) in self.keys.iter().enumerate() {
            for candidate in &candidates {
                // verify_slice compares in constant time; nothing short-circuits.
                let ok = key.mac(candidate, &ordered).verify_slice(&expected).is_ok();
                if ok && matched.is_none() {
                    matched = Some(index);
                }
            }
        }
        match matched {
            Some(token_index) => Ok(Verified { token_index }),
            None => Err(Error::WrongSignature {
                url: url.redacted(),
                params: params.len(),
                tokens: self.keys.len(),
            }),
        }
    }
}

fn is_lower_hex_sha256(hex: &str) -> bool {
    hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether a `Content-Type` is `application/x-www-form-urlencoded` (any parameters, any
/// case).
fn is_form(content_type: &str) -> bool {
    let essence = content_type
        .split_once(';')
        .map_or(content_type, |(essence, _)| essence);
    essence
        .trim()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// Decodes an `application/x-www-form-urlencoded` body into its `(name, value)` pairs, in
/// order, repeated names kept. A pair without `=` is a name with an empty value; empty pairs
/// (`a=1&&b=2`) are skipped, as browsers and Twilio's SDKs' frameworks do.
///
/// # Errors
/// [`Error::MalformedForm`] when a name or value is not UTF-8 once decoded.
pub fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, Error> {
    body.split(|&byte| byte == b'&')
        .filter(|pair| !pair.is_empty())
        .enumerate()
        .map(|(index, pair)| {
            let decoded = std::str::from_utf8(pair).ok().and_then(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                Some((form_decode(name)?, form_decode(value)?))
            });
            decoded.ok_or(Error::MalformedForm { index })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> Signer {
        Signer::new("12345".into()).unwrap()
    }

    #[test]
    fn repeated_names_sort_their_values_and_collapse_exact_duplicates() {
        let pairs = [("b", "2"), ("a", "z"), ("a", "y"), ("b", "2"), ("ab", "")];
        assert_eq!(
            signing_order(&pairs),
            [("a", "y"), ("a", "z"), ("ab", ""), ("b", "2")]
        );
        // By name first: "Reason" before "ReasonConferenceEnded" whatever the values.
        let pairs = [("ReasonConferenceEnded", "a"), ("Reason", "z")];
        assert_eq!(
            signing_order(&pairs),
            [("Reason", "z"), ("ReasonConferenceEnded", "a")]
        );
    }

    #[test]
    fn signatures_decode_only_in_their_canonical_form() {
        let good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
        assert!(decode_signature(Some(good)).is_ok());
        assert!(decode_signature(Some(" RSOYDt4T1cUTdK1PDd93/VVr8B8= ")).is_ok());
        assert_eq!(decode_signature(None), Err(Error::MissingSignature));
        assert_eq!(decode_signature(Some("  ")), Err(Error::MissingSignature));
        for bad in [
            "RSOYDt4T1cUTdK1PDd93/VVr8B8",    // no padding
            "RSOYDt4T1cUTdK1PDd93/VVr8B9=",   // non-zero trailing bits
            "RSOYDt4T1cUTdK1PDd93/VVr8B8==",  // too long
            "RSOYDt4T1cUTdK1PDd93_VVr8B8=",   // URL-safe alphabet
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=AA", // trailing data
            "WRONG_SIGNATURE",
            "cnNveWR0NHQxY3V0ZGsxcGRkOTN2dnI4YjhhYWFh", // 30 bytes
        ] {
            assert_eq!(
                decode_signature(Some(bad)),
                Err(Error::MalformedSignature),
                "{bad}"
            );
        }
    }

    #[test]
    fn body_hash_urls_keep_the_query_and_the_fragment_in_place() {
        let hash = body_sha256_hex(b"{}");
        assert_eq!(
            hash,
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        for (url, expected) in [
            ("https://h/p", format!("https://h/p?bodySHA256={hash}")),
            ("https://h/p?", format!("https://h/p?bodySHA256={hash}")),
            (
                "https://h/p?a=1",
                format!("https://h/p?a=1&bodySHA256={hash}"),
            ),
            (
                "https://h/p?a=1&",
                format!("https://h/p?a=1&bodySHA256={hash}"),
            ),
            ("https://h/p#f", format!("https://h/p?bodySHA256={hash}#f")),
        ] {
            assert_eq!(url_with_body_sha256(url, b"{}"), expected);
        }
    }

    #[test]
    fn forms_decode_in_order_with_repeats_and_refuse_bad_bytes() {
        assert_eq!(
            parse_form(b"To=%2B1415&Body=a+b&&Flag&Body=%C3%A9").unwrap(),
            [
                ("To".to_owned(), "+1415".to_owned()),
                ("Body".to_owned(), "a b".to_owned()),
                ("Flag".to_owned(), String::new()),
                ("Body".to_owned(), "é".to_owned()),
            ]
        );
        assert_eq!(parse_form(b"").unwrap(), []);
        assert_eq!(
            parse_form(b"a=1&b=%FF"),
            Err(Error::MalformedForm { index: 1 })
        );
        assert_eq!(
            parse_form(b"a=1&&b=2&c=\xff"),
            Err(Error::MalformedForm { index: 2 })
        );
    }

    #[test]
    fn content_types_are_matched_on_their_essence() {
        assert!(is_form("application/x-www-form-urlencoded"));
        assert!(is_form("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
        assert!(!is_form("application/json"));
        assert!(!is_form("application/x-www-form-urlencoded-not"));
    }

    #[test]
    fn empty_and_missing_tokens_are_refused() {
        assert_eq!(
            Signer::new(String::new().into()).unwrap_err(),
            Error::EmptyToken
        );
        assert_eq!(
            Validator::from_tokens(Vec::<SecretString>::new()).unwrap_err(),
            Error::NoToken
        );
        assert_eq!(
            Validator::from_tokens(["ok".into(), "".into()]).unwrap_err(),
            Error::EmptyToken
        );
    }

    #[test]
    fn debug_shows_no_key_material() {
        let validator =
            Validator::from_tokens(["s3cr3t-token".into(), "other-token".into()]).unwrap();
        let text = format!("{validator:?} {:?}", signer());
        assert!(
            !text.contains("s3cr3t") && !text.contains("12345"),
            "{text}"
        );
        assert!(text.contains("[redacted]"), "{text}");
    }
}
