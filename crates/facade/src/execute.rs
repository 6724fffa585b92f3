//! The one request path: every request of the client, a fetch, a page of a listing or a
//! write, is built and sent here.

use bytes::Bytes;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;
use twilio_transport::retry::never_sent;

use crate::error::RequestLine;
use crate::operation::{Body, Operation};
use crate::{Client, Error};

/// A success response: its head and its whole body.
#[derive(Debug)]
pub(crate) struct Success {
    pub(crate) parts: http::response::Parts,
    pub(crate) body: Bytes,
}

impl Success {
    /// The response's `Twilio-Request-Id`.
    pub(crate) fn request_id(&self) -> Option<String> {
        twilio_transport::request_id(&self.parts.headers).map(str::to_owned)
    }
}

impl Client {
    /// Sends one request of `operation` to `uri` (absolute, on the operation's product
    /// origin) with `body` and the operation's header parameters `headers` (names among its
    /// [`Operation::headers`], checked by the caller): the client's credentials, user agent and `Accept`, the body's
    /// content type, and the operation's [`RetrySafety`](twilio_transport::RetrySafety) for
    /// the transport to honour. A status the operation does not count as success becomes
    /// Twilio's error ([`Error::Api`]) or [`Error::Http`]; a failure to send,
    /// [`Error::Transport`]. `page` says the request fetches a page of a listing (so its
    /// errors can be resumed there).
    ///
    /// A request that may not be repeated (a `POST`, a `PATCH`) that may have been applied
    /// without an answer saying so (cut or timed out once sent, or answered 5xx) fails with
    /// [`Error::OutcomeUnknown`]: the transport did not send it again, and the caller must
    /// not either without reconciling first.
    pub(crate) async fn execute(
        &self,
        operation: &'static Operation,
        uri: String,
        body: &Body,
        headers: &[(&'static str, http::HeaderValue)],
        page: bool,
    ) -> Result<Success, Error> {
        let line = RequestLine::new(operation.method.clone(), uri, page);
        let target: http::Uri = line
            .uri
            .parse()
            .map_err(|_| Error::invalid_input(format!("not a valid request URI: {}", line.uri)))?;
        let (bytes, content_type) = body.encode();
        let mut request = http::Request::new(bytes);
        *request.method_mut() = operation.method.clone();
        *request.uri_mut() = target;
        *request.headers_mut() = self.headers().clone();
        if let Some(content_type) = content_type {
            request.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static(content_type),
            );
        }
        for (name, value) in headers {
            if let Ok(name) = http::HeaderName::from_bytes(name.as_bytes()) {
                request.headers_mut().insert(name, value.clone());
            }
        }
        request.extensions_mut().insert(operation.retry);
        let span = tracing::debug_span!(
            "twilio_api::request",
            operation = operation.id,
            method = %operation.method,
        );
        let response = self
            .transport()
            .send(request)
            .instrument(span)
            .await
            .map_err(|source| {
                let unknown = !operation.retry.is_idempotent() && !never_sent(&source);
                let error = Error::Transport {
                    request: Box::new(line.clone()),
                    source: Box::new(source),
                };
                if unknown {
                    Error::outcome_unknown(line.clone(), error)
                } else {
                    error
                }
            })?;
        let (parts, mut body) = response.into_parts();
        tracing::debug!(
            operation = operation.id,
            status = parts.status.as_u16(),
            bytes = body.len(),
            "response received"
        );
        if operation.method == http::Method::DELETE
            && parts.status == http::StatusCode::NOT_FOUND
            && parts
                .extensions
                .get::<twilio_transport::Retries>()
                .is_some_and(twilio_transport::Retries::any_outcome_unknown)
        {
            // An earlier attempt may have deleted it (cut, timed out, 5xx): not found now is
            // what a delete that was applied leaves. Deleting twice deletes once.
            tracing::debug!(
                operation = operation.id,
                "a repeated DELETE found nothing: an earlier attempt deleted it"
            );
            body = Bytes::new();
            return Ok(Success { parts, body });
        }
        if !operation.is_success(parts.status) {
            let unknown = !operation.retry.is_idempotent() && parts.status.is_server_error();
            let error = Error::from_status(line.clone(), parts.status, &parts.headers, &body);
            return Err(if unknown {
                Error::outcome_unknown(line, error)
            } else {
                error
            });
        }
        Ok(Success { parts, body })
    }
}

/// Decodes a success response of `operation` at `uri` as `T`: the empty answer of a `204` or
/// a `DELETE` as JSON `null` (so `()` takes it), and a redirect without a JSON body as
/// `{"redirect_to": Location}`. Any other empty body is not JSON, and an error.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static Operation,
    uri: String,
    success: &Success,
    page: bool,
) -> Result<T, Error> {
    let nothing_expected = success.parts.status == http::StatusCode::NO_CONTENT
        || operation.method == http::Method::DELETE;
    let body: &[u8] = if success.body.is_empty() && nothing_expected {
        b"null"
    } else {
        &success.body
    };
    let decode_error = |source| Error::Decode {
        request: Box::new(RequestLine::new(
            operation.method.clone(),
            uri.clone(),
            page,
        )),
        source,
        request_id: success.request_id(),
    };
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(source) => {
            // A redirect with no JSON body: its `Location` is the answer.
            let location = success
                .parts
                .headers
                .get(http::header::LOCATION)
                .and_then(|v| v.to_str().ok());
            match (success.parts.status.is_redirection(), location) {
                (true, Some(location)) => {
                    serde_json::from_value(serde_json::json!({ "redirect_to": location }))
                        .map_err(decode_error)
                }
                _ => Err(decode_error(source)),
            }
        }
    }
}
