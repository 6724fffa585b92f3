//! Property tests: what is signed verifies, and any change to one byte of the URL, of a JSON
//! body or of the signature, or to one character of a parameter's name or value (one byte
//! for ASCII), makes verification fail. (Bytes that would not leave valid UTF-8 are not
//! tried: a URL, a name or a value is text.)
//!
//! A form body is not covered byte for byte, and should not be: Twilio signs the decoded
//! parameters, so `a+b` and `a%20b` are the same request. Its round trip through encoding
//! is checked instead, and changes to the decoded names and values are.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;
use twilio_webhook::{Error, Signer, Validator};

/// Absolute http(s) URLs of many shapes: scheme case, user info, IPv6 hosts, ports, unicode
/// paths, queries and fragments.
fn urls() -> impl Strategy<Value = String> {
    (
        prop_oneof!["http", "https", "HTTPS"],
        prop::option::of("[a-z]{1,5}(:[a-z0-9]{0,5})?@"),
        prop_oneof![
            "[a-z0-9-]{1,10}(\\.[a-z]{2,5}){0,2}",
            Just("[::1]".to_owned())
        ],
        prop::option::of(0u16..),
        "(/[a-zA-Z0-9._~%!$&'()*+,;=:@é日-]{0,8}){0,3}",
        prop::option::of("[a-zA-Z0-9=&%+._~é-]{0,20}"),
        prop::option::of("[a-z0-9]{0,6}"),
    )
        .prop_map(|(scheme, user, host, port, path, query, fragment)| {
            let mut url = format!("{scheme}://{}{host}", user.unwrap_or_default());
            if let Some(port) = port {
                url.push_str(&format!(":{port}"));
            }
            url.push_str(&path);
            if let Some(query) = query {
                url.push('?');
                url.push_str(&query);
            }
            if let Some(fragment) = fragment {
                url.push('#');
                url.push_str(&fragment);
            }
            url
        })
}

/// Parameters as Twilio sends them, with repeated names and unicode values.
fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop_oneof!["[A-Za-z.]{1,12}", Just("Digits".to_owned())],
            prop_oneof!["[ -~]{0,16}", "\\PC{0,8}"],
        ),
        0..8,
    )
}

fn tokens() -> impl Strategy<Value = String> {
    "[0-9a-f]{32}|\\PC{1,40}"
}

/// `text` with byte `index` (modulo its length) replaced by `byte`, if that changes it and
/// leaves valid UTF-8.
fn change_one_byte(text: &str, index: usize, byte: u8) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let len = bytes.len();
    let slot = bytes.get_mut(index.checked_rem(len)?)?;
    if *slot == byte {
        return None;
    }
    *slot = byte;
    String::from_utf8(bytes).ok()
}

/// `text` with its character at `index` (modulo its length) replaced by `replacement`, if
/// that changes it: one byte for the ASCII that Twilio's names and most values are made of.
fn change_one_char(text: &str, index: usize, replacement: char) -> Option<String> {
    let count = text.chars().count();
    let target = index.checked_rem(count)?;
    let changed: String = text
        .chars()
        .enumerate()
        .map(|(i, c)| if i == target { replacement } else { c })
        .collect();
    (changed != text).then_some(changed)
}

fn form_body(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(name, value)| {
            format!(
                "{}={}",
                utf8_percent_encode(name, NON_ALPHANUMERIC),
                utf8_percent_encode(value, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn what_is_signed_verifies(token in tokens(), url in urls(), params in params()) {
        let signer = Signer::new(token.clone().into()).unwrap();
        let validator = Validator::new(token.into()).unwrap();
        let signature = signer.sign(&url, &params);
        prop_assert_eq!(signature.len(), 28);
        validator.verify_params(&url, &params, Some(&signature)).unwrap();
        // The same parameters as a form body, and through verify_request.
        let body = form_body(&params);
        validator.verify_form(&url, body.as_bytes(), Some(&signature)).unwrap();
        let verified = validator
            .verify_request(
                &url,
                Some("application/x-www-form-urlencoded; charset=utf-8"),
                body.as_bytes(),
                Some(&signature),
            )
            .unwrap();
        prop_assert_eq!(verified.token_index, 0);
    }

    #[test]
    fn a_json_body_verifies_and_any_changed_byte_of_it_fails(
        token in tokens(),
        url in urls(),
        body in prop::collection::vec(any::<u8>(), 0..200),
        index in any::<usize>(),
        byte in any::<u8>(),
    ) {
        let signer = Signer::new(token.clone().into()).unwrap();
        let validator = Validator::new(token.into()).unwrap();
        let signed = signer.sign_body(&url, &body);
        validator.verify_body(&signed.url, &body, Some(&signed.signature)).unwrap();
        validator
            .verify_request(&signed.url, Some("application/json"), &body, Some(&signed.signature))
            .unwrap();
        if let Some(slot) = index.checked_rem(body.len()) {
            let mut changed = body.clone();
            prop_assume!(changed[slot] != byte);
            changed[slot] = byte;
            let err = validator
                .verify_body(&signed.url, &changed, Some(&signed.signature))
                .unwrap_err();
            prop_assert!(matches!(err, Error::BodyHashMismatch { .. }), "{}", err);
        }
    }

    #[test]
    fn any_changed_byte_of_the_url_fails(
        token in tokens(),
        url in urls(),
        params in params(),
        index in any::<usize>(),
        byte in 0u8..0x80,
    ) {
        let signer = Signer::new(token.clone().into()).unwrap();
        let validator = Validator::new(token.into()).unwrap();
        let signature = signer.sign(&url, &params);
        let changed = change_one_byte(&url, index, byte);
        prop_assume!(changed.is_some());
        let changed = changed.unwrap();
        prop_assert!(validator.verify_params(&changed, &params, Some(&signature)).is_err());
        // Also when the URL carries a JSON body's hash.
        let json = b"{}".as_slice();
        let signed = signer.sign_body(&url, json);
        if let Some(changed) = change_one_byte(&signed.url, index, byte) {
            let outcome = validator.verify_body(&changed, json, Some(&signed.signature));
            prop_assert!(outcome.is_err());
        }
    }

    #[test]
    fn any_changed_character_of_a_name_or_a_value_fails(
        token in tokens(),
        url in urls(),
        params in params().prop_filter("one parameter at least", |p| !p.is_empty()),
        which in any::<usize>(),
        in_name in any::<bool>(),
        index in any::<usize>(),
        replacement in prop_oneof![any::<char>(), proptest::char::range(' ', '~')],
    ) {
        let signer = Signer::new(token.clone().into()).unwrap();
        let validator = Validator::new(token.into()).unwrap();
        let signature = signer.sign(&url, &params);
        let mut changed = params.clone();
        let slot = which % changed.len();
        let (name, value) = &mut changed[slot];
        let field = if in_name { name } else { value };
        let new = change_one_char(field, index, replacement);
        prop_assume!(new.is_some());
        *field = new.unwrap();
        let err = validator.verify_params(&url, &changed, Some(&signature)).unwrap_err();
        prop_assert!(matches!(err, Error::WrongSignature { .. }), "{}", err);
    }

    #[test]
    fn any_changed_byte_of_the_signature_fails(
        token in tokens(),
        url in urls(),
        params in params(),
        index in any::<usize>(),
        byte in 0u8..0x80,
    ) {
        let signer = Signer::new(token.clone().into()).unwrap();
        let validator = Validator::new(token.into()).unwrap();
        let signature = signer.sign(&url, &params);
        let changed = change_one_byte(&signature, index, byte);
        prop_assume!(changed.is_some());
        let err = validator
            .verify_params(&url, &params, Some(&changed.unwrap()))
            .unwrap_err();
        prop_assert!(
            matches!(err, Error::WrongSignature { .. } | Error::MalformedSignature),
            "{}",
            err
        );
    }

    #[test]
    fn another_token_fails_and_rotation_finds_the_signer(
        token in tokens(),
        other in tokens(),
        url in urls(),
        params in params(),
    ) {
        prop_assume!(token != other);
        let signature = Signer::new(token.clone().into()).unwrap().sign(&url, &params);
        let wrong = Validator::new(other.clone().into()).unwrap();
        prop_assert!(wrong.verify_params(&url, &params, Some(&signature)).is_err());
        let rotating = Validator::from_tokens([other.into(), token.into()]).unwrap();
        let verified = rotating.verify_params(&url, &params, Some(&signature)).unwrap();
        prop_assert_eq!(verified.token_index, 1);
    }
}
