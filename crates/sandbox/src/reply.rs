//! The answers every room shares: Twilio's error JSON, JSON bodies, and what to do with a
//! request ([`Outcome`]). A leaf: it imports nothing of the sandbox but the body type.

use std::time::Duration;

use http::header::{self, HeaderValue};
use http::{Response, StatusCode};
use serde::Serialize;

use crate::server::body::SandboxBody;

/// The JSON content type of every JSON answer.
pub(crate) const JSON: &str = "application/json; charset=utf-8";
/// The `WWW-Authenticate` challenge Twilio sends with a 401.
const CHALLENGE: &str = "Basic realm=\"Twilio API\"";

/// What to do with a request.
pub(crate) enum Outcome {
    Answer {
        response: Response<SandboxBody>,
        delay: Duration,
    },
    Disconnect,
}

impl Outcome {
    pub(crate) fn answer(response: Response<SandboxBody>) -> Self {
        Self::Answer {
            response,
            delay: Duration::ZERO,
        }
    }
}

/// Twilio's error body.
#[derive(Serialize)]
struct TwilioError<'a> {
    code: u32,
    message: &'a str,
    more_info: String,
    status: u16,
}

/// A Twilio JSON error response.
pub(crate) fn error_response(
    status: StatusCode,
    code: u32,
    message: &str,
) -> Response<SandboxBody> {
    let body = TwilioError {
        code,
        message,
        more_info: format!("https://www.twilio.com/docs/errors/{code}"),
        status: status.as_u16(),
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut response = Response::new(SandboxBody::full(bytes));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(CHALLENGE),
        );
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET"));
    }
    response
}

pub(crate) fn not_found(path: &str) -> Response<SandboxBody> {
    error_response(
        StatusCode::NOT_FOUND,
        20404,
        &format!("The requested resource {path} was not found"),
    )
}

pub(crate) fn unauthorized() -> Response<SandboxBody> {
    error_response(StatusCode::UNAUTHORIZED, 20003, "Authenticate")
}

pub(crate) fn with_type(body: SandboxBody, content_type: &str) -> Response<SandboxBody> {
    let mut response = Response::new(body);
    let value =
        HeaderValue::from_str(content_type).unwrap_or_else(|_| HeaderValue::from_static(JSON));
    response.headers_mut().insert(header::CONTENT_TYPE, value);
    response
}

pub(crate) fn json_ok(body: SandboxBody) -> Response<SandboxBody> {
    with_type(body, JSON)
}

/// A JSON value answered with `status`.
pub(crate) fn json_value(status: StatusCode, value: &serde_json::Value) -> Response<SandboxBody> {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    let mut response = json_ok(SandboxBody::full(bytes));
    *response.status_mut() = status;
    response
}

pub(crate) fn len_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_is_twilio_shaped() {
        let r = error_response(StatusCode::UNAUTHORIZED, 20003, "Authenticate");
        assert_eq!(r.headers()[header::WWW_AUTHENTICATE], CHALLENGE);
        assert_eq!(r.headers()[header::CONTENT_TYPE], JSON);
    }
}
