//! Fetching one resource: one builder for all of them.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use serde::de::DeserializeOwned;

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
    _item: PhantomData<fn() -> T>,
}

impl<T> Clone for FetchRequest<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            operation: self.operation,
            path: self.path.clone(),
            query: self.query.clone(),
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
            _item: PhantomData,
        }
    }

    /// Adds a query parameter, encoded as Twilio's SDKs encode it (for instance
    /// `IncludeSoftDeleted` of a recording).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
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
    /// [`Error::Api`] for Twilio's error documents (a 404 for an unknown SID),
    /// [`Error::Http`], [`Error::Transport`], or [`Error::Decode`] when the body is not the
    /// resource's JSON. None has a [`resume_uri`](Error::resume_uri): there is nothing to
    /// resume.
    pub async fn send(self) -> Result<T, Error> {
        let uri = format!("{}{}", self.client.origin(self.operation.host), self.uri());
        let success = self
            .client
            .execute(self.operation, uri.clone(), &Body::Empty, false)
            .await?;
        crate::execute::decode(self.operation, uri, &success, false)
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for FetchRequest<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
