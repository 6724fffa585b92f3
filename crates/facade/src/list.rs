//! Listing any Twilio list resource: one builder for all of them.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use futures::stream::StreamExt as _;
use twilio_model::{ListPage, ListResource, MetaPage, NumberedEnvelope, NumberedPage, Page, Raw};
use twilio_pager::{Pager, PagerError};

use crate::error::RequestLine;
use crate::header_params::HeaderParams;
use crate::operation::{Body, Operation};
use crate::stream::{ItemStream, PageStream};
use crate::{Client, Error};

/// A listing of a Twilio list resource, to configure and then run as a stream of items
/// ([`ListRequest::stream`]), a stream of pages ([`ListRequest::pages`]), or collected
/// ([`ListRequest::collect`]).
///
/// Pages are fetched lazily, one ahead of the consumer by default (see
/// [`ListRequest::prefetch`]); each link is checked before it is followed.
#[must_use = "a listing does nothing until it is streamed or collected"]
pub struct ListRequest<P> {
    client: Client,
    operation: &'static Operation,
    first_uri: String,
    /// The filters, in the order they were set: `(name, value)`, not yet encoded.
    query: Vec<(String, String)>,
    page_size: Option<u32>,
    limit: Option<u64>,
    from_page: Option<String>,
    prefetch: Option<bool>,
    /// Header parameters of the operation (`Flex-Metadata`), sent with every page.
    headers: HeaderParams,
    _page: PhantomData<fn() -> P>,
}

// By hand: a derive would require `P: Clone`, and the page type is only a marker here.
impl<P> Clone for ListRequest<P> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            operation: self.operation,
            first_uri: self.first_uri.clone(),
            query: self.query.clone(),
            page_size: self.page_size,
            limit: self.limit,
            from_page: self.from_page.clone(),
            prefetch: self.prefetch,
            headers: self.headers.clone(),
            _page: PhantomData,
        }
    }
}

impl<P> fmt::Debug for ListRequest<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("operation", &self.operation.id)
            .field("first_uri", &self.first_uri)
            .field("query", &self.query)
            .field("page_size", &self.page_size)
            .field("limit", &self.limit)
            .field("from_page", &self.from_page)
            .field("prefetch", &self.prefetch)
            .field("headers", &self.headers.names())
            .finish_non_exhaustive()
    }
}

impl<P: ListPage> ListRequest<P> {
    /// A listing of `operation` whose first page is at `first_uri` (relative to the
    /// operation's product origin, its parameters filled in): what the resource tree's
    /// `list()` returns, and how a list the tree does not have is paged with the same
    /// machinery (any [`ListPage`]: [`Page`] for 2010-04-01's envelope,
    /// [`twilio_model::MetaPage`] for the other APIs' `meta`).
    ///
    /// ```
    /// use twilio_api::operation::Operation;
    /// use twilio_api::{Client, ListRequest};
    /// # #[derive(serde::Deserialize, serde::Serialize)] struct Service { sid: String }
    /// # enum Services {}
    /// # impl twilio_api::model::ListResource for Services {
    /// #     const ITEMS_KEY: &'static str = "services";
    /// #     type Item = Service;
    /// # }
    ///
    /// static LIST_SERVICE: Operation =
    ///     Operation::new("ListService", http::Method::GET, "verify", "/v2/Services");
    ///
    /// # fn main() -> Result<(), twilio_api::Error> {
    /// let client = Client::builder()
    ///     .auth_token("AC0123456789abcdef0123456789abcdef".parse()?, "token")
    ///     .build()?;
    /// let services: ListRequest<twilio_api::model::MetaPage<Services>> =
    ///     ListRequest::new(&client, &LIST_SERVICE, "/v2/Services");
    /// assert_eq!(client.origin(services.operation().host), "https://verify.twilio.com");
    /// # Ok(()) }
    /// ```
    pub fn new(
        client: &Client,
        operation: &'static Operation,
        first_uri: impl Into<String>,
    ) -> Self {
        Self {
            client: client.clone(),
            operation,
            first_uri: first_uri.into(),
            query: Vec::new(),
            page_size: None,
            limit: None,
            from_page: None,
            prefetch: None,
            headers: HeaderParams::default(),
            _page: PhantomData,
        }
    }

    /// Sets a typed filter (the generated builder methods call this): replaces an earlier
    /// value of the same parameter.
    pub(crate) fn filter(mut self, name: &str, value: impl Into<String>) -> Self {
        let value = value.into();
        match self.query.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.query.push((name.to_owned(), value)),
        }
        self
    }

    /// Adds a query parameter the typed filters do not cover (one Twilio added after this
    /// version, say), under its exact name: `name` and `value` are encoded as Twilio's SDKs
    /// encode them (`StartTime>` as `StartTime%3E`, `+` as `%2B`). Repeating a name sends it
    /// repeatedly.
    ///
    /// ```
    /// # let client = twilio_api::Client::builder()
    /// #     .auth_token("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?, "token").build()?;
    /// let listing = client.calls().list().query("To", "+15551234567").query("Beta", "true");
    /// assert!(listing.first_page_uri().ends_with("Calls.json?To=%2B15551234567&Beta=true"));
    /// # Ok::<(), twilio_api::Error>(())
    /// ```
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// The URI of the first page this listing requests, relative to the product's origin,
    /// with its filters (but without the `PageSize` that `page_size` or `limit` add): for
    /// logs and dry runs.
    pub fn first_page_uri(&self) -> String {
        crate::query::with_query(&self.first_uri, &self.query)
    }

    /// Items per page, 1 to 1000 (the server's default is 50), or to the fewer the listing
    /// takes ([`Operation::max_page_size`]). Checked before any request.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Stops after `limit` items, and asks the server for no more than that.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts at this page (relative to the product's origin, as in `next_page_uri`, or
    /// absolute on it, as in `next_page_url`), typically [`Error::resume_uri`] of an earlier
    /// listing that failed. It must belong to the same origin; it is followed verbatim.
    pub fn from_page(mut self, page_uri: impl Into<String>) -> Self {
        self.from_page = Some(page_uri.into());
        self
    }

    /// Whether to fetch the next page while the current one is consumed (default: on).
    pub fn prefetch(mut self, prefetch: bool) -> Self {
        self.prefetch = Some(prefetch);
        self
    }

    /// Sets a header parameter of the operation, sent with every page (one of its
    /// [`Operation::headers`], matched without regard to case), such as Flex's
    /// `Flex-Metadata`. A header the operation does not take (the credentials'
    /// `Authorization` among them: they come from the client only), or a value that cannot
    /// be a header's, makes the listing fail with [`Error::InvalidInput`] before any request.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.set(self.operation, name, value.into());
        self
    }

    /// The header parameters this listing sends with every page, by name.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &http::HeaderValue)> + '_ {
        self.headers.iter()
    }

    /// The operation this listing runs.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    fn pager(self) -> Result<Pager<P, Error>, Error> {
        self.headers.check(self.operation)?;
        let client = self.client.clone();
        let operation = self.operation;
        let origin = client.origin(operation.host);
        let headers = Arc::new(self.headers.clone());
        let mut pager = Pager::new(&origin, &self.first_page_uri(), move |uri: http::Uri| {
            fetch_page::<P>(client.clone(), operation, Arc::clone(&headers), uri)
        })?;
        if let Some(page_uri) = &self.from_page {
            pager = pager.from_page(page_uri)?;
        }
        let most = operation.max_page_size;
        match self.page_size {
            Some(page_size) if page_size > most => {
                return Err(Error::invalid_input(format!(
                    "page size {page_size} is out of range: {} {} takes 1 to {most} items a page",
                    operation.method, operation.path
                )));
            }
            Some(page_size) => pager = pager.page_size(page_size),
            // A limit asks for pages of up to 1000 (and no more than the limit): no more than
            // this listing takes.
            None if most < 1000 && self.limit.is_some() => pager = pager.page_size(most),
            None => {}
        }
        if let Some(limit) = self.limit {
            pager = pager.limit(limit);
        }
        if let Some(prefetch) = self.prefetch {
            pager = pager.prefetch(prefetch);
        }
        Ok(pager)
    }

    /// The items, in API order. The stream ends after the last item or the first error.
    pub fn stream(self) -> ItemStream<P::Item> {
        match self.pager() {
            Ok(pager) => ItemStream::new(pager.stream()),
            Err(err) => ItemStream::new(futures::stream::once(async move { Err(err) })),
        }
    }

    /// The pages, in API order, each with its paging metadata. The stream ends after the last
    /// page or the first error. With a [`ListRequest::limit`], it ends with the page that
    /// reaches the limit, which is not cut: that page may hold more items than the limit
    /// leaves (use [`ListRequest::stream`] for exactly `limit` items).
    pub fn pages(self) -> PageStream<P> {
        match self.pager() {
            Ok(pager) => PageStream::new(pager.pages()),
            Err(err) => PageStream::new(futures::stream::once(async move { Err(err) })),
        }
    }

    /// All items (up to the limit), or the first error.
    ///
    /// Use [`ListRequest::collect_partial`] to keep what was fetched before an error.
    pub async fn collect(self) -> Result<Vec<P::Item>, Error> {
        match self.collect_partial().await {
            (items, None) => Ok(items),
            (_, Some(err)) => Err(err),
        }
    }

    /// Every item fetched, and the error that stopped the listing, if any: nothing fetched
    /// is lost, and the error's [`Error::resume_uri`] says where to continue.
    pub async fn collect_partial(self) -> (Vec<P::Item>, Option<Error>) {
        let mut items = Vec::new();
        let mut stream = self.stream();
        while let Some(item) = stream.next().await {
            match item {
                Ok(item) => items.push(item),
                Err(err) => return (items, Some(err)),
            }
        }
        (items, None)
    }
}

impl<P: ListPage> ListRequest<P> {
    /// The same listing (URI, query, filters, settings), its pages decoded as `Q`: another
    /// page type of the same list that keeps its items differently. [`raw`](Self::raw) is
    /// one ([`Raw`]: each item its exact JSON text); so are `twilio-export`'s shared raw
    /// pages (`twilio_export::SharedRaw`: each item a slice of its page's body, for exports),
    /// or a page type of your own over the same items key.
    ///
    /// `Q` must have the same envelope as `P`; that its items key is the list's is up to the
    /// caller: a page type of another list fails to decode the first page, with an error.
    ///
    /// ```
    /// use twilio_api::Client;
    /// use twilio_api::model::{Calls, Page};
    /// use twilio_export::SharedRaw;
    ///
    /// # fn main() -> Result<(), twilio_api::Error> {
    /// let client = Client::builder()
    ///     .auth_token("AC0123456789abcdef0123456789abcdef".parse()?, "token")
    ///     .build()?;
    /// let calls = client
    ///     .calls()
    ///     .list_raw()
    ///     .query("Status", "completed")
    ///     .page_size(1000)
    ///     .pages_as::<Page<SharedRaw<Calls>>>();
    /// assert!(calls.first_page_uri().ends_with("/Calls.json?Status=completed"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn pages_as<Q>(self) -> ListRequest<Q>
    where
        Q: ListPage<Envelope = P::Envelope>,
    {
        ListRequest {
            client: self.client,
            operation: self.operation,
            first_uri: self.first_uri,
            query: self.query,
            page_size: self.page_size,
            limit: self.limit,
            from_page: self.from_page,
            prefetch: self.prefetch,
            headers: self.headers,
            _page: PhantomData,
        }
    }
}

impl<R: ListResource> ListRequest<Page<R>> {
    /// The same listing with each item the exact JSON object the API sent
    /// (`serde_json::value::RawValue`), as `list_raw()` gives it.
    pub fn raw(self) -> ListRequest<Page<Raw<R>>> {
        self.pages_as()
    }
}

impl<R: ListResource> ListRequest<MetaPage<R>> {
    /// The same listing with each item the exact JSON object the API sent.
    pub fn raw(self) -> ListRequest<MetaPage<Raw<R>>> {
        self.pages_as()
    }
}

impl<R: ListResource> ListRequest<NumberedPage<R>> {
    /// The same listing with each item the exact JSON object the API sent.
    pub fn raw(self) -> ListRequest<NumberedPage<Raw<R>>> {
        self.pages_as()
    }
}

/// The typed filters of one list resource, as methods of its typed and raw listings alike:
/// `list_filters! { twilio_model::Calls { pub fn status(self, ...) -> Self { ... } } }`.
macro_rules! list_filters {
    ($resource:ty { $($methods:tt)* }) => {
        impl $crate::list::ListRequest<twilio_model::Page<$resource>> {
            $($methods)*
        }

        impl $crate::list::ListRequest<twilio_model::Page<twilio_model::Raw<$resource>>> {
            $($methods)*
        }
    };
}

pub(crate) use list_filters;

/// The typed filters of a listing in the `meta` envelope (every product but 2010-04-01):
/// the same methods on its typed and raw `ListRequest`s.
#[allow(unused_macros)] // used only by the products a feature enables
macro_rules! meta_list_filters {
    ($resource:ty { $($methods:tt)* }) => {
        impl $crate::list::ListRequest<twilio_model::MetaPage<$resource>> {
            $($methods)*
        }

        impl $crate::list::ListRequest<twilio_model::MetaPage<twilio_model::Raw<$resource>>> {
            $($methods)*
        }
    };
}

#[allow(unused_imports)]
pub(crate) use meta_list_filters;

/// The typed filters of a listing of numbered pages (numbers v2's `ShortCodes/Applications`:
/// `Page`, `total_pages`, `has_next`): the same methods on its typed and raw `ListRequest`s.
#[allow(unused_macros)] // used only by the products a feature enables
macro_rules! numbered_list_filters {
    ($resource:ty { $($methods:tt)* }) => {
        impl $crate::list::ListRequest<twilio_model::NumberedPage<$resource>> {
            $($methods)*
        }

        impl $crate::list::ListRequest<twilio_model::NumberedPage<twilio_model::Raw<$resource>>> {
            $($methods)*
        }
    };
}

#[allow(unused_imports)]
pub(crate) use numbered_list_filters;

/// Fetches one page of a listing through the client's one request path and decodes it.
async fn fetch_page<P: ListPage>(
    client: Client,
    operation: &'static Operation,
    headers: Arc<HeaderParams>,
    uri: http::Uri,
) -> Result<P, Error> {
    let uri = uri.to_string();
    let success = client
        .execute(
            operation,
            uri.clone(),
            &Body::Empty,
            headers.as_slice(),
            true,
        )
        .await?;
    let request_id = success.request_id();
    // The body is the page's to keep (a shared raw page slices its items out of it): no
    // copy when the transport's buffer is this body's alone, as a joined one is.
    let page = P::from_body(Vec::from(success.body)).map_err(|source| Error::Decode {
        request: Box::new(RequestLine::new(
            operation.method.clone(),
            uri.clone(),
            true,
        )),
        source,
        request_id,
    })?;
    locate(page.envelope(), &uri);
    Ok(page)
}

/// Tells a numbered page ([`NumberedEnvelope`]) the URI it was fetched at, from which its
/// links follow (the same URI with `Page` set): the one envelope whose links the server does
/// not send. Every other envelope carries its own links, and is left as it is. Done here, by
/// the envelope's type, so that every page type over it (typed, raw, or a caller's own) is
/// paged alike, and the pager and the `ListPage` trait need not know of it.
fn locate(envelope: &dyn Any, uri: &str) {
    if let Some(numbered) = envelope.downcast_ref::<NumberedEnvelope>() {
        numbered.locate(uri);
    }
}

impl From<PagerError> for Error {
    fn from(err: PagerError) -> Self {
        if err.is_configuration() {
            // Rejected before any request: a bad setting or a bad `from_page` URI, kept as
            // the typed cause.
            Error::invalid_input_because("the listing was refused before any request", err)
        } else {
            Error::Paging {
                page_uri: err.page_uri().map(str::to_owned),
                source: Box::new(err),
            }
        }
    }
}
