//! Verify v2's own behaviour over the generic CRUD: a new verification is `pending`; a
//! `VerificationCheck` with the sandbox's code ([`Sandbox::verification_code`]) approves it
//! (`status: approved`, `valid: true`), a wrong code leaves it pending (`200`, `status:
//! pending`, `valid: false`, as Twilio answers), and a check without a pending verification
//! (for that `To` or `VerificationSid`) is Twilio's 404 (code 20404).
//!
//! [`Sandbox::verification_code`]: crate::Sandbox::verification_code

use http::{Response, StatusCode};
use serde_json::Value;

use crate::reply::{error_response, json_value as json, not_found};
use crate::server::body::SandboxBody;
use crate::state::Shared;
use crate::store::date::iso_date_time;
use crate::store::products::Resource;
use crate::store::rng::hash;
use crate::write::now;

/// The code every verification of a sandbox with `seed` is approved with: six digits.
pub(crate) fn code(seed: u64) -> String {
    format!("{:06}", hash(&[seed, 0x7E_21_F7]) % 1_000_000)
}

/// Whether `resource` is a service's verifications.
fn is_verifications(resource: &Resource) -> bool {
    resource.list == "/v2/Services/{ServiceSid}/Verifications"
}

/// Sets what a new item of Verify starts as: a verification is `pending`.
pub(crate) fn created(resource: &Resource, item: &mut Value) {
    if is_verifications(resource)
        && let Value::Object(map) = item
    {
        map.insert("status".to_owned(), Value::from("pending"));
        map.insert("valid".to_owned(), Value::Bool(false));
    }
}

/// What a create's form says a `VerificationCheck` is.
#[derive(Debug)]
pub(crate) struct Check {
    pub(crate) to: Option<String>,
    pub(crate) verification_sid: Option<String>,
    pub(crate) code: Option<String>,
}

fn bad_request(message: &str) -> Response<SandboxBody> {
    error_response(StatusCode::BAD_REQUEST, 20_001, message)
}

/// The answer to a `VerificationCheck` (`None` for any other create).
pub(crate) fn check(
    shared: &Shared,
    label: &'static str,
    resource: &Resource,
    values: &[&str],
    check: Check,
) -> Option<Response<SandboxBody>> {
    if label != "verify" || resource.list != "/v2/Services/{ServiceSid}/VerificationCheck" {
        return None;
    }
    let service = values.first().copied().unwrap_or_default();
    let Check {
        to,
        verification_sid: sid,
        code,
    } = check;
    if to.is_none() && sid.is_none() {
        return Some(bad_request(
            "Either a 'To' number or a 'VerificationSid' must be specified",
        ));
    }
    let Some(code) = code else {
        return Some(bad_request(
            "Missing required parameter Code in the post body",
        ));
    };
    let collection = format!("/v2/Services/{service}/Verifications");
    let items = &shared.written;
    let pending = items
        .list_json(label, &collection, |v| {
            v.get("status").and_then(Value::as_str) == Some("pending")
                && to
                    .as_deref()
                    .is_none_or(|to| v.get("to").and_then(Value::as_str) == Some(to))
                && sid
                    .as_deref()
                    .is_none_or(|sid| v.get("sid").and_then(Value::as_str) == Some(sid))
        })
        .into_iter()
        .next();
    let Some(verification) = pending else {
        return Some(not_found(&format!(
            "/v2/Services/{service}/VerificationCheck"
        )));
    };
    let id = verification
        .get("sid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let verification = if code == shared.products.verification_code {
        items
            .update_json(label, &collection, &id, |v| {
                if let Value::Object(map) = v {
                    map.insert("status".to_owned(), Value::from("approved"));
                    map.insert("valid".to_owned(), Value::Bool(true));
                    map.insert(
                        "date_updated".to_owned(),
                        Value::String(iso_date_time(now(), "Z")),
                    );
                }
            })
            .unwrap_or(verification)
    } else {
        verification
    };
    let member = |name: &str| verification.get(name).cloned().unwrap_or(Value::Null);
    let answer = serde_json::json!({
        "sid": member("sid"),
        "service_sid": member("service_sid"),
        "account_sid": member("account_sid"),
        "to": member("to"),
        "channel": member("channel"),
        "status": member("status"),
        "valid": member("valid"),
        "amount": member("amount"),
        "payee": member("payee"),
        "date_created": member("date_created"),
        "date_updated": member("date_updated"),
        "sna_attempts_error_codes": [],
    });
    Some(json(StatusCode::OK, &answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_from_the_seed() {
        assert_eq!(code(1).len(), 6);
        assert_eq!(code(1), code(1));
        assert_ne!(code(1), code(2));
    }
}
