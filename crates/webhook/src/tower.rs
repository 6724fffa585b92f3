//! A [`tower`](https://docs.rs/tower) layer that verifies Twilio's signature before the
//! inner service runs (feature `tower`).
//!
//! [`TwilioSignatureLayer`] wraps any service of `http::Request`s: an axum `Router`, a hyper
//! service through `hyper-util`'s tower adapter, or any tower stack. For each request it
//! buffers the body (up to a limit), rebuilds the URL Twilio requested from the **public base
//! URL the webhooks are configured with** and the request's path and query (a service behind
//! a load balancer or a tunnel does not see Twilio's URL itself), and verifies it with
//! [`Validator::verify_request`]. A request that fails is answered `403 Forbidden` (`413` for
//! a body over the limit, `400` for a body that could not be read) with a one-line
//! `text/plain` reason, and the inner service never sees it. A request that passes reaches
//! the inner service with its body as a [`Full<Bytes>`] and the [`Verified`] outcome in its
//! extensions.
//!
//! Apply it outside any routing that rewrites the path (axum's `nest` strips its prefix):
//! the path it sees must be the one Twilio requested under the base URL.
//!
//! ```
//! use tower_layer::Layer as _;
//! use twilio_webhook::Validator;
//! use twilio_webhook::tower::TwilioSignatureLayer;
//!
//! # fn main() -> Result<(), twilio_webhook::Error> {
//! let validator = Validator::new("your auth token".into())?;
//! let layer = TwilioSignatureLayer::new(validator, "https://hooks.example.com")?
//!     .body_limit(64 * 1024);
//! // With axum: `Router::new().route("/twilio/status", post(handler)).layer(layer)`.
//! # let service = layer.layer(tower_service_fn());
//! # Ok(())
//! # }
//! # fn tower_service_fn() -> Echo { Echo }
//! # #[derive(Clone)] struct Echo;
//! # impl tower_service::Service<http::Request<http_body_util::Full<bytes::Bytes>>> for Echo {
//! #     type Response = http::Response<http_body_util::Full<bytes::Bytes>>;
//! #     type Error = std::convert::Infallible;
//! #     type Future = std::future::Ready<Result<Self::Response, Self::Error>>;
//! #     fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> { std::task::Poll::Ready(Ok(())) }
//! #     fn call(&mut self, _: http::Request<http_body_util::Full<bytes::Bytes>>) -> Self::Future { std::future::ready(Ok(http::Response::new(Default::default()))) }
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt as _, Either, Full, LengthLimitError, Limited};
use tower_layer::Layer;
use tower_service::Service;

use crate::error::Error;
use crate::signature::{SIGNATURE_HEADER, Validator, Verified};
use crate::url::{WebhookUrl, redact};

/// The default limit on a webhook's body: 1 MiB, far above anything Twilio sends.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The response body of a [`TwilioSignature`] service: the inner service's, or the
/// rejection's.
pub type ResponseBody<B> = Either<B, Full<Bytes>>;

#[derive(Clone)]
struct Config {
    validator: Validator,
    /// The public base URL, without a trailing `/`.
    base_url: String,
    body_limit: usize,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("validator", &self.validator)
            .field("base_url", &redact(&self.base_url))
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

/// A [`Layer`] that verifies Twilio's signature on every request before the inner service
/// runs. See the [module documentation](self).
#[derive(Debug, Clone)]
pub struct TwilioSignatureLayer {
    config: Arc<Config>,
}

impl TwilioSignatureLayer {
    /// A layer verifying with `validator`, for webhooks configured at URLs under
    /// `public_base_url` (like `https://hooks.example.com`, or `https://example.com/twilio`
    /// when a proxy strips that prefix): the URL checked for a request is this base followed
    /// by the request's path and query.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] when the base URL is not an absolute http(s) URL, or has a
    /// query or fragment.
    pub fn new(validator: Validator, public_base_url: &str) -> Result<Self, Error> {
        let invalid = |reason| Error::InvalidUrl {
            url: redact(public_base_url),
            reason,
        };
        WebhookUrl::parse(public_base_url).map_err(invalid)?;
        if public_base_url.contains(['?', '#']) {
            return Err(invalid(
                "a base URL takes no query or fragment: the request's path and query follow it",
            ));
        }
        Ok(Self {
            config: Arc::new(Config {
                validator,
                base_url: public_base_url.trim_end_matches('/').to_owned(),
                body_limit: DEFAULT_BODY_LIMIT,
            }),
        })
    }

    /// The largest body accepted, in bytes (default [`DEFAULT_BODY_LIMIT`]); a larger one
    /// is answered `413 Payload Too Large` without being read further.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        Arc::make_mut(&mut self.config).body_limit = bytes;
        self
    }
}

impl<S> Layer<S> for TwilioSignatureLayer {
    type Service = TwilioSignature<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TwilioSignature {
            inner,
            config: Arc::clone(&self.config),
        }
    }
}

/// The [`Service`] [`TwilioSignatureLayer`] wraps around `S`.
#[derive(Clone)]
pub struct TwilioSignature<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> fmt::Debug for TwilioSignature<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioSignature")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for TwilioSignature<S>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Body + Send + 'static,
    ReqBody::Data: Send,
    ReqBody::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The clone is the one that was made ready: keep it, hand over the ready one.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let config = Arc::clone(&self.config);
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let body = match read_body(body, &parts.headers, config.body_limit).await {
                Ok(body) => body,
                Err(rejection) => return Ok(rejection),
            };
            let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let url = format!("{}{path_and_query}", config.base_url);
            let content_type = parts
                .headers
                .get(CONTENT_TYPE)
                .and_then(|value| value.to_str().ok());
            let outcome = signature_header(&parts.headers).and_then(|signature| {
                config
                    .validator
                    .verify_request(&url, content_type, &body, signature)
            });
            match outcome {
                Ok(verified) => {
                    parts.extensions.insert::<Verified>(verified);
                    let request = Request::from_parts(parts, Full::new(body));
                    let response = inner.call(request).await?;
                    Ok(response.map(Either::Left))
                }
                Err(error) => Ok(reject(StatusCode::FORBIDDEN, &error.to_string())),
            }
        })
    }
}

/// The signature header's value: `None` when absent, an error when repeated or not text.
fn signature_header(headers: &HeaderMap) -> Result<Option<&str>, Error> {
    let mut values = headers.get_all(SIGNATURE_HEADER).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return match headers.contains_key(SIGNATURE_HEADER) {
            true => Err(Error::MalformedSignature),
            false => Ok(None),
        };
    };
    value
        .to_str()
        .map(Some)
        .map_err(|_| Error::MalformedSignature)
}

/// Buffers the body up to `limit` bytes, or the response that refuses it.
async fn read_body<B, R>(
    body: B,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, Response<ResponseBody<R>>>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let too_large = || {
        reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the body is larger than {limit} bytes"),
        )
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(too_large());
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(error) => Err(reject(
            StatusCode::BAD_REQUEST,
            &format!("the body could not be read: {error}"),
        )),
    }
}

/// A `text/plain` response with one line saying why.
fn reject<B>(status: StatusCode, reason: &str) -> Response<ResponseBody<B>> {
    let body = Full::new(Bytes::from(format!("twilio-webhook: {reason}\n")));
    let mut response = Response::new(Either::Right(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
