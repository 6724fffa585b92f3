//! Fetching one resource: one builder for all of them.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use serde::de::DeserializeOwned;

use crate::header_params::HeaderParams;
use crate::operation::{Body, Operation};
use crate::{Client, Error};

/// A fetch of one Twilio resource, to configure (rarely needed: [`FetchRequest::query`])
/// and then `.await` (or [`FetchRequest::send`]).
///
/// It goes through the client's one request path like every listing: the same retries,
/// timeouts, body cap and secrets rules, and a failure is the same [`Error`], naming the
/// request.
///
/// ```no_run
/// # async fn run() -> Result<(), twilio_api::Error> {
/// let client = twilio_api::Client::from_env()?;
/// let call = client.call("CA0123456789abcdef0123456789abcdef".parse()?).fetch().await?;
/// println!("{:?} {:?}", call.status, call.duration);
/// # Ok(()) }
/// ```
#[must_use = "a fetch does nothing until it is awaited"]
pub struct FetchRequest<T> {
    client: Client,
    operation: &'static Operation,
    path: String,
    query: Vec<(String, String)>,
    /// Header parameters of the operation (`Flex-Metadata`).
    headers: HeaderParams,
    _item: PhantomData<fn() -> T>,
}

impl<T> Clone for FetchRequest<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            operation: self.operation,
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            _item: PhantomData,
        }
    }
}

impl<T> fmt::Debug for FetchRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchRequest")
            .field("operation", &self.operation.id)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers.names())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> FetchRequest<T> {
    /// A fetch of `operation` at `path` (relative to the operation's product origin, its
    /// parameters filled in): what the resource tree's `fetch()` returns, and how a resource
    /// the tree does not have is fetched through the same request path.
    pub fn new(client: &Client, operation: &'static Operation, path: impl Into<String>) -> Self {
        Self {
            client: client.clone(),
            operation,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderParams::default(),
            _item: PhantomData,
        }
    }

    /// Adds a query parameter, encoded as Twilio's SDKs encode it (for instance
    /// `IncludeSoftDeleted` of a recording).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sets a header parameter of the operation (one of its [`Operation::headers`], matched
    /// without regard to case), such as Flex's `Flex-Metadata`. A header the operation does
    /// not take (the credentials' `Authorization` among them: they come from the client
    /// only), or a value that cannot be a header's, makes [`send`](Self::send) fail with
    /// [`Error::InvalidInput`] before any request.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.set(self.operation, name, value.into());
        self
    }

    /// The header parameters this fetch sets, by name.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &http::HeaderValue)> + '_ {
        self.headers.iter()
    }

    /// The URI this fetch requests, relative to the product's origin.
    pub fn uri(&self) -> String {
        crate::query::with_query(&self.path, &self.query)
    }

    /// The operation this fetch runs.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// Sends the request and decodes the resource.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a header refused while it was set (nothing was sent),
    /// [`Error::Api`] for Twilio's error documents (a 404 for an unknown SID),
    /// [`Error::Http`], [`Error::Transport`], or [`Error::Decode`] when the body is not the
    /// resource's JSON. None has a [`resume_uri`](Error::resume_uri): there is nothing to
    /// resume.
    pub async fn send(self) -> Result<T, Error> {
        self.headers.check(self.operation)?;
        let uri = format!("{}{}", self.client.origin(self.operation.host), self.uri());
        let success = self
            .client
            .execute(
                self.operation,
                uri.clone(),
                &Body::Empty,
                self.headers.as_slice(),
                false,
            )
            .await?;
        crate::execute::decode(self.operation, uri, &success, false)
    }

    /// Sends the request and returns the answer's exact JSON.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn send_raw(self) -> Result<Box<serde_json::value::RawValue>, Error> {
        FetchRequest {
            client: self.client,
            operation: self.operation,
            path: self.path,
            query: self.query,
            headers: self.headers,
            _item: PhantomData,
        }
        .send()
        .await
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for FetchRequest<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The typed request of one generated fetch that takes header parameters: a newtype over
/// [`FetchRequest`] with a setter per header (generated), and what every typed request has
/// (`send`, `send_raw`, `request`, `IntoFuture`).
#[allow(unused_macros)] // used only by the products a feature enables
macro_rules! typed_fetch {
    ($(#[$meta:meta])* $name:ident => $answer:ty) => {
        $crate::write::typed_request! {
            $(#[$meta])* $name: FetchRequest<$answer>, "a fetch does nothing until it is awaited"
        }

        impl $name {
            pub(crate) fn from_request(request: $crate::fetch::FetchRequest<$answer>) -> Self {
                Self(request)
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use typed_fetch;
