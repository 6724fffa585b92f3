//! Fetching one resource: one builder for all of them.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::{Client, Error};

/// A fetch of one Twilio resource, to configure (rarely needed: [`FetchRequest::query`])
/// and then `.await` (or [`FetchRequest::send`]).
///
/// It goes through the client's transport like every listing: the same retries, timeouts,
/// body cap and secrets rules, and a failure is the same [`Error`], naming the resource's
/// URI.
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
    path: String,
    query: Vec<(String, String)>,
    /// The resource answers with a redirect (`Data.json`): 3xx is its success.
    redirect: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T> Clone for FetchRequest<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            redirect: self.redirect,
            _item: PhantomData,
        }
    }
}

impl<T> fmt::Debug for FetchRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .field("redirect", &self.redirect)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> FetchRequest<T> {
    pub(crate) fn new(client: Client, path: String) -> Self {
        Self {
            client,
            path,
            query: Vec::new(),
            redirect: false,
            _item: PhantomData,
        }
    }

    pub(crate) fn expect_redirect(mut self) -> Self {
        self.redirect = true;
        self
    }

    /// Adds a query parameter, encoded as Twilio's SDKs encode it (for instance
    /// `IncludeSoftDeleted` of a recording).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// The URI this fetch requests, relative to the API host.
    pub fn uri(&self) -> String {
        crate::query::with_query(&self.path, &self.query)
    }

    /// Sends the request and decodes the resource.
    ///
    /// # Errors
    ///
    /// As a listing's: [`Error::Api`] for Twilio's error documents (a 404 for an unknown
    /// SID), [`Error::Http`], [`Error::Transport`], or [`Error::Decode`] when the body is
    /// not the resource's JSON.
    pub async fn send(self) -> Result<T, Error> {
        let uri = self.uri();
        let absolute = format!("{}{uri}", self.client.base_url());
        let target: http::Uri = absolute
            .parse()
            .map_err(|_| Error::invalid_input(format!("not a valid request URI: {uri}")))?;
        let mut request = http::Request::new(Bytes::new());
        *request.method_mut() = http::Method::GET;
        *request.uri_mut() = target;
        *request.headers_mut() = self.client.headers().clone();
        let response = self
            .client
            .transport()
            .send(request)
            .await
            .map_err(|source| Error::Transport {
                page_uri: uri.clone(),
                source: Box::new(source),
            })?;
        let (parts, body) = response.into_parts();
        let redirected = self.redirect && parts.status.is_redirection();
        if !parts.status.is_success() && !redirected {
            return Err(Error::from_status(uri, parts.status, &parts.headers, &body));
        }
        let request_id = twilio_transport::request_id(&parts.headers).map(str::to_owned);
        match serde_json::from_slice(&body) {
            Ok(item) => Ok(item),
            Err(source) => {
                // A redirect with no JSON body: its `Location` is the answer.
                let location = parts
                    .headers
                    .get(http::header::LOCATION)
                    .and_then(|v| v.to_str().ok());
                match (redirected, location) {
                    (true, Some(location)) => {
                        serde_json::from_value(serde_json::json!({ "redirect_to": location }))
                            .map_err(|source| Error::Decode {
                                page_uri: uri,
                                source,
                                request_id,
                            })
                    }
                    _ => Err(Error::Decode {
                        page_uri: uri,
                        source,
                        request_id,
                    }),
                }
            }
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for FetchRequest<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
