//! Sending one write (a create, an update, a delete): one builder for every operation with a
//! body or a side effect, sent once.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use serde::de::DeserializeOwned;

use crate::execute::Success;
use crate::header_params::HeaderParams;
use crate::operation::{Body, BodyKind, Operation};
use crate::{Client, Error};

/// A request of one operation that changes something (`POST`, `PUT`, `PATCH`, `DELETE`), to
/// fill in and then `.await` (or [`WriteRequest::send`]): the answer decoded as `T` (the
/// resource for a create or an update; `()` for a delete, whose answer is empty).
///
/// It goes through the client's one request path, with the operation's retry safety: a
/// `POST` or `PATCH` is repeated only after a 429 or when it provably never left, and when
/// it may have been applied without an answer saying so, the error is
/// [`Error::OutcomeUnknown`]: never sent twice.
///
/// ```no_run
/// use twilio_api::WriteRequest;
///
/// # async fn run() -> Result<(), twilio_api::Error> {
/// let client = twilio_api::Client::from_env()?;
/// let path = format!("/2010-04-01/Accounts/{}/Messages.json", client.account_sid());
/// let message: serde_json::Value =
///     WriteRequest::new(&client, &twilio_api::operations::CREATE_MESSAGE, path)
///         .param("To", "+15005550006")
///         .param("From", "+15005550001")
///         .param("Body", "Hello from Rust")
///         .send()
///         .await?;
/// println!("{}", message["sid"]);
/// # Ok(()) }
/// ```
#[must_use = "a write does nothing until it is awaited"]
pub struct WriteRequest<T> {
    client: Client,
    operation: &'static Operation,
    path: String,
    query: Vec<(String, String)>,
    /// Header parameters of the operation (`X-Twilio-Webhook-Enabled`, `If-Match`).
    headers: HeaderParams,
    body: Body,
    /// A parameter refused while the request was filled in: returned by `send` before any
    /// request.
    refused: Option<String>,
    _answer: PhantomData<fn() -> T>,
}

impl<T> Clone for WriteRequest<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            operation: self.operation,
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            refused: self.refused.clone(),
            _answer: PhantomData,
        }
    }
}

/// `Debug` names the operation, the path, the query and the body's parameter names, never
/// their values (a body may hold personal data or a secret).
impl<T> fmt::Debug for WriteRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<&str> = match &self.body {
            Body::Form(fields) => fields.iter().map(|(name, _)| name.as_str()).collect(),
            Body::Json(_) => vec!["(JSON)"],
            Body::Empty => Vec::new(),
        };
        f.debug_struct("WriteRequest")
            .field("operation", &self.operation.id)
            .field("refused", &self.refused.is_some())
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers.names())
            .field("body", &fields)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> WriteRequest<T> {
    /// A request of `operation` at `path` (relative to the operation's product origin, its
    /// parameters filled in), with no parameter yet.
    pub fn new(client: &Client, operation: &'static Operation, path: impl Into<String>) -> Self {
        let body = match operation.body {
            BodyKind::Form => Body::Form(Vec::new()),
            BodyKind::None | BodyKind::Json => Body::Empty,
        };
        Self {
            client: client.clone(),
            operation,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderParams::default(),
            body,
            refused: None,
            _answer: PhantomData,
        }
    }

    /// Adds a form parameter whose value must be JSON (a value the spec leaves untyped or
    /// types as an object, such as a payment's `Parameter`): sent exactly as given, after
    /// checking that it is JSON. Text that is not makes [`send`](Self::send) fail with
    /// [`Error::InvalidInput`] before any request.
    pub fn param_json(self, name: impl Into<String>, text: impl Into<String>) -> Self {
        let name = name.into();
        let text = text.into();
        match serde_json::from_str::<serde::de::IgnoredAny>(&text) {
            Ok(_) => self.param(name, text),
            Err(error) => self.refuse(format!("{name} is not JSON: {error}")),
        }
    }

    /// Adds parameter `{prefix}{index}{suffix}` of an indexed family (`Parameter1.Name` …
    /// `Parameter99.Value`) for an `index` in `range`; any other index makes
    /// [`send`](Self::send) fail with [`Error::InvalidInput`] before any request.
    pub fn param_indexed(
        self,
        prefix: &str,
        index: u32,
        suffix: &str,
        range: std::ops::RangeInclusive<u32>,
        value: impl Into<String>,
    ) -> Self {
        if range.contains(&index) {
            self.param(format!("{prefix}{index}{suffix}"), value)
        } else {
            self.refuse(format!(
                "{prefix}N{suffix} takes N from {} to {}, not {index}",
                range.start(),
                range.end()
            ))
        }
    }

    /// Remembers the first parameter refused, for `send` to report before any request.
    fn refuse(mut self, why: String) -> Self {
        self.refused.get_or_insert(why);
        self
    }

    /// Adds a form parameter under its spec name (`To`, `StatusCallbackEvent`), in order: a
    /// name added again is sent again (arrays are repeated keys, as Twilio's SDKs send them).
    /// Encoded as `application/x-www-form-urlencoded` UTF-8, so any text arrives byte-exact.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let field = (name.into(), value.into());
        match &mut self.body {
            Body::Form(fields) => fields.push(field),
            other => *other = Body::Form(vec![field]),
        }
        self
    }

    /// Sets the body to this JSON text, sent exactly as given with
    /// `Content-Type: application/json` (for the operations whose body is JSON). Text that
    /// is not JSON makes [`send`](Self::send) fail with [`Error::InvalidInput`] before any
    /// request.
    pub fn json(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(&text) {
            return self.refuse(format!("the body is not JSON: {error}"));
        }
        self.body = Body::Json(text);
        self
    }

    /// Sets the body to `body` serialised as JSON (once, here, with `serde_json`), sent with
    /// `Content-Type: application/json`: what the generated methods of the operations whose
    /// body is JSON do with their typed body. A body that cannot be serialised (a map whose
    /// keys are not strings, a `Serialize` that fails) makes [`send`](Self::send) fail with
    /// [`Error::InvalidInput`] before any request. For JSON the body's type does not
    /// describe, [`json`](Self::json) sends exact text instead.
    pub fn json_body<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_string(body) {
            Ok(text) => {
                self.body = Body::Json(text);
                self
            }
            Err(error) => self.refuse(format!("the body cannot be serialised as JSON: {error}")),
        }
    }

    /// Sets a header parameter of the operation (one of its
    /// [`Operation::headers`], matched without regard to case), such as
    /// `X-Twilio-Webhook-Enabled` or `If-Match`. A header the operation does not take, or a
    /// value that cannot be a header's, makes [`send`](Self::send) fail with
    /// [`Error::InvalidInput`] before any request.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.set(self.operation, name, value.into());
        self
    }

    /// `X-Twilio-Webhook-Enabled`: whether this change fires the resource's webhooks (for
    /// the operations that take it; see [`header`](Self::header)).
    pub fn x_twilio_webhook_enabled(self, enabled: bool) -> Self {
        self.header(
            "X-Twilio-Webhook-Enabled",
            if enabled { "true" } else { "false" },
        )
    }

    /// `If-Match`: apply the change only if the resource's revision is still `etag` (for the
    /// operations that take it; see [`header`](Self::header)).
    pub fn if_match(self, etag: impl Into<String>) -> Self {
        self.header("If-Match", etag)
    }

    /// The header parameters this request sets, by name.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &http::HeaderValue)> + '_ {
        self.headers.iter()
    }

    /// Adds a query parameter under its spec name.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// The operation this request runs.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The URI this request goes to, relative to the product's origin.
    pub fn uri(&self) -> String {
        crate::query::with_query(&self.path, &self.query)
    }

    /// The body this request sends, as `(content type, text)`, for dry runs and logs;
    /// `None` without a body.
    pub fn body(&self) -> Option<(&'static str, String)> {
        let (bytes, content_type) = self.body.encode();
        content_type.map(|content_type| (content_type, String::from_utf8_lossy(&bytes).into()))
    }

    /// Sends the request once and decodes the answer.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a parameter refused while it was filled in (nothing was
    /// sent), [`Error::Api`] when Twilio refused it (nothing was applied),
    /// [`Error::OutcomeUnknown`]
    /// when it may have been applied without an answer saying so, [`Error::Transport`] when
    /// it provably never left, [`Error::Decode`] when the answer is not `T`.
    pub async fn send(self) -> Result<T, Error> {
        let (success, uri) = self.execute().await?;
        crate::execute::decode(self.operation, uri, &success, false)
    }

    /// Sends the request once and returns the answer's exact JSON (`null` for an empty
    /// answer, as a delete's).
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn send_raw(self) -> Result<Box<serde_json::value::RawValue>, Error> {
        let (success, uri) = self.execute().await?;
        crate::execute::decode(self.operation, uri, &success, false)
    }

    async fn execute(&self) -> Result<(Success, String), Error> {
        if let Some(why) = &self.refused {
            return Err(Error::invalid_input(format!(
                "{}: {why}",
                self.operation.id
            )));
        }
        self.headers.check(self.operation)?;
        let uri = format!("{}{}", self.client.origin(self.operation.host), self.uri());
        let success = self
            .client
            .execute(
                self.operation,
                uri.clone(),
                &self.body,
                self.headers.as_slice(),
                false,
            )
            .await?;
        Ok((success, uri))
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for WriteRequest<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The typed request of one generated write: a newtype over [`WriteRequest`] with a setter per
/// optional parameter (generated), and these (the same for all): `send`, `send_raw`,
/// `request` (the request as it stands: its URI and body, for dry runs) and `IntoFuture`;
/// with `json` before the name, also `json_text` (exact JSON text instead of the typed body).
macro_rules! typed_write {
    ($(#[$meta:meta])* json $name:ident => $answer:ty) => {
        $crate::write::typed_write! { $(#[$meta])* $name => $answer }

        impl $name {
            /// Replaces the typed body with this exact JSON text, for what the body's type
            /// does not describe (a member Twilio added later): checked to be JSON, else
            /// `send` fails before any request (see [`WriteRequest::json`](crate::WriteRequest::json)).
            pub fn json_text(self, text: impl Into<String>) -> Self {
                Self(self.0.json(text))
            }
        }
    };
    ($(#[$meta:meta])* $name:ident => $answer:ty) => {
        $crate::write::typed_request! {
            $(#[$meta])* $name: WriteRequest<$answer>, "a write does nothing until it is awaited"
        }
    };
}

pub(crate) use typed_write;

/// What every typed request of the generated code has, over the request it wraps
/// (`WriteRequest` or `FetchRequest`): `send`, `send_raw`, `request` (the request as it
/// stands: its URI, body and headers, for dry runs and logs) and `IntoFuture`.
macro_rules! typed_request {
    ($(#[$meta:meta])* $name:ident: $request:ident<$answer:ty>, $must_use:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[must_use = $must_use]
        pub struct $name($crate::$request<$answer>);

        impl $name {
            #[doc = concat!("Sends the request and decodes the answer (see [`", stringify!($request), "::send`](crate::", stringify!($request), "::send)).")]
            ///
            /// # Errors
            ///
            #[doc = concat!("As [`", stringify!($request), "::send`](crate::", stringify!($request), "::send): nothing of unknown outcome is sent twice.")]
            pub async fn send(self) -> Result<$answer, $crate::Error> {
                self.0.send().await
            }

            /// Sends the request and returns the answer's exact JSON.
            ///
            /// # Errors
            ///
            /// As [`send`](Self::send).
            pub async fn send_raw(self) -> Result<Box<serde_json::value::RawValue>, $crate::Error> {
                self.0.send_raw().await
            }

            /// The request as it stands (its operation, URI, body and headers), for dry runs
            /// and logs.
            pub fn request(&self) -> &$crate::$request<$answer> {
                &self.0
            }
        }

        impl ::std::future::IntoFuture for $name {
            type Output = Result<$answer, $crate::Error>;
            type IntoFuture = ::std::pin::Pin<
                Box<dyn ::std::future::Future<Output = Result<$answer, $crate::Error>> + Send>,
            >;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

pub(crate) use typed_request;
