//! The pager: its configuration, the page and item streams, and the fetch loop behind them.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use tracing::Instrument;
use twilio_model::ListPage;
use twilio_transport::HttpTransport;

use crate::PagerError;
use crate::error::mark_sensitive;
use crate::link::{LinkError, MAX_PAGE_SIZE, Origin, Target, Visited, without_userinfo};

/// Walks a Twilio list resource page by page, following each page's `next_page_uri`.
///
/// Built with [`Pager::new`], configured with the builder methods, consumed by
/// [`pages`](Self::pages), [`stream`](Self::stream), [`collect`](Self::collect) or
/// [`collect_partial`](Self::collect_partial). `P` is the page type, for example
/// `twilio_model`'s call events page.
///
/// Every page request is a `GET` with an empty body and the configured
/// [`headers`](Self::headers), sent only to the base URL's origin.
///
/// `Debug` shows the header names, never their values.
pub struct Pager<P> {
    transport: Arc<dyn HttpTransport>,
    origin: Origin,
    first: Target,
    first_verbatim: bool,
    headers: http::HeaderMap,
    page_size: Option<u32>,
    limit: Option<u64>,
    prefetch: bool,
    page: PhantomData<fn() -> P>,
}

impl<P> Clone for Pager<P> {
    fn clone(&self) -> Self {
        Self {
            transport: Arc::clone(&self.transport),
            origin: self.origin.clone(),
            first: self.first.clone(),
            first_verbatim: self.first_verbatim,
            headers: self.headers.clone(),
            page_size: self.page_size,
            limit: self.limit,
            prefetch: self.prefetch,
            page: PhantomData,
        }
    }
}

impl<P> fmt::Debug for Pager<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("transport", &self.transport)
            .field("origin", &self.origin.as_str())
            .field("first", &self.first.as_str())
            .field("first_verbatim", &self.first_verbatim)
            .field("headers", &HeaderNames(&self.headers))
            .field("page_size", &self.page_size)
            .field("limit", &self.limit)
            .field("prefetch", &self.prefetch)
            .finish()
    }
}

/// Formats a header map as its names only.
struct HeaderNames<'a>(&'a http::HeaderMap);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl<P: ListPage> Pager<P> {
    /// Creates a pager for the list whose first page is `first`.
    ///
    /// `base_url` is the API origin, such as `"https://api.twilio.com"` (an `http` or `https`
    /// origin: no credentials, path, query or fragment). `first` is the first page's URI,
    /// relative with a leading `/` (`"/2010-04-01/...json?X=1"`) or absolute on the same
    /// origin. Its query is kept verbatim, except that `PageSize` is set when
    /// [`page_size`](Self::page_size) or [`limit`](Self::limit) is.
    ///
    /// # Errors
    ///
    /// [`PagerError::InvalidBaseUrl`] for a bad base URL, [`PagerError::InvalidLink`] for a
    /// `first` that is malformed or on another origin.
    pub fn new(
        transport: Arc<dyn HttpTransport>,
        base_url: &str,
        first: &str,
    ) -> Result<Self, PagerError> {
        let origin = Origin::parse(base_url)?;
        let first = resolve_start(&origin, first)?;
        Ok(Self {
            transport,
            origin,
            first,
            first_verbatim: false,
            headers: http::HeaderMap::new(),
            page_size: None,
            limit: None,
            prefetch: true,
            page: PhantomData,
        })
    }

    /// Starts the listing at `page_uri` instead, taken verbatim (its `PageSize` is not
    /// touched): typically [`PagerError::resume_uri`] of a listing that failed, so that a job
    /// that died at page 800 resumes at page 800. Relative or absolute on the same origin.
    ///
    /// Pages already visited by the earlier listing are not known to this one, and a
    /// [`limit`](Self::limit) counts items from `page_uri` on.
    ///
    /// # Errors
    ///
    /// [`PagerError::InvalidLink`] if `page_uri` is malformed or on another origin.
    pub fn from_page(mut self, page_uri: &str) -> Result<Self, PagerError> {
        self.first = resolve_start(&self.origin, page_uri)?;
        self.first_verbatim = true;
        Ok(self)
    }

    /// Sets the headers sent with every page request (`Authorization`, `User-Agent`, ...),
    /// replacing those set before. Mark secret values with
    /// [`HeaderValue::set_sensitive`](http::HeaderValue::set_sensitive).
    #[must_use]
    pub fn headers(mut self, headers: http::HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// Asks the server for pages of `n` items (Twilio accepts 1 to 1000), by setting
    /// `PageSize` on the first request; later pages follow the server's links, which carry
    /// it. Without it, the server's default applies (50 for Twilio).
    ///
    /// Checked when the stream starts: out of range, the stream's first and only item is
    /// [`PagerError::InvalidPageSize`] and no request is sent.
    #[must_use]
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n);
        self
    }

    /// Stops after `n` items, and asks for no more than needed: the first request's
    /// `PageSize` becomes the smaller of the page size (1000 if none was set) and `n`.
    /// With `n == 0`, nothing is requested.
    ///
    /// [`stream`](Self::stream) and the `collect` methods yield exactly `min(n, total)` items;
    /// [`pages`](Self::pages) stops after the page that reaches `n` (pages are not cut), so its
    /// pages may hold more than `n` items in all.
    #[must_use]
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Whether to fetch the next page while the caller consumes the current one (default:
    /// on). At most one page is fetched ahead, so memory stays about two pages whatever the
    /// length of the list. The fetch runs as a task on the current Tokio runtime and is
    /// aborted when the stream is dropped; outside a Tokio runtime, pages are fetched on
    /// demand. Results are the same either way.
    #[must_use]
    pub fn prefetch(mut self, on: bool) -> Self {
        self.prefetch = on;
        self
    }

    /// The pages of the list, in API order.
    ///
    /// The stream ends after the last page (no `next_page_uri`), after the page that reaches
    /// the [`limit`](Self::limit), or after its first error.
    pub fn pages(self) -> Pages<P> {
        let driver = Driver::start(self);
        let stream = stream::unfold(driver, |mut driver| async move {
            let page = driver.next_page().await?;
            Some((page, driver))
        });
        Pages {
            inner: stream.boxed(),
        }
    }

    /// The items of the list, in API order, each exactly once; at most
    /// [`limit`](Self::limit) of them.
    ///
    /// The stream ends after the last item or after its first error.
    pub fn stream(self) -> Items<P> {
        let mut left = self.limit;
        let stream = self
            .pages()
            .map_ok(move |page| {
                let (_, mut items) = page.into_parts();
                if let Some(left) = left.as_mut() {
                    items.truncate(usize::try_from(*left).unwrap_or(usize::MAX));
                    *left = left.saturating_sub(items.len() as u64);
                }
                stream::iter(items.into_iter().map(Ok))
            })
            .try_flatten();
        Items {
            inner: stream.boxed(),
        }
    }

    /// All the items of the list (at most [`limit`](Self::limit)), in API order.
    ///
    /// # Errors
    ///
    /// The first error met; the items fetched before it are dropped (see
    /// [`collect_partial`](Self::collect_partial) to keep them).
    pub async fn collect(self) -> Result<Vec<P::Item>, PagerError> {
        self.stream().try_collect().await
    }

    /// The items of the list fetched until the end or the first error, and that error.
    ///
    /// Nothing fetched is lost: on an error with a [`resume_uri`](PagerError::resume_uri),
    /// a listing resumed there yields exactly the items that are not in the vector.
    pub async fn collect_partial(self) -> (Vec<P::Item>, Option<PagerError>) {
        let mut items = Vec::new();
        let mut stream = self.stream();
        while let Some(item) = stream.next().await {
            match item {
                Ok(item) => items.push(item),
                Err(error) => return (items, Some(error)),
            }
        }
        (items, None)
    }
}

fn resolve_start(origin: &Origin, uri: &str) -> Result<Target, PagerError> {
    origin
        .resolve(uri)
        .map_err(|error| PagerError::InvalidLink {
            page_uri: None,
            link: without_userinfo(uri).into_owned(),
            reason: match error {
                LinkError::ForeignOrigin => format!("not on the origin {}", origin.as_str()),
                LinkError::Invalid(reason) => reason,
            },
        })
}

/// The pages of a list, as a [`Stream`]; see [`Pager::pages`].
///
/// `Unpin` and `Send`: poll it with `StreamExt::next` directly.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<P> {
    inner: BoxStream<'static, Result<P, PagerError>>,
}

impl<P> fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<P> Stream for Pages<P> {
    type Item = Result<P, PagerError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// The items of a list, as a [`Stream`]; see [`Pager::stream`].
///
/// `Unpin` and `Send`: poll it with `StreamExt::next` directly.
#[must_use = "streams do nothing unless polled"]
pub struct Items<P: ListPage> {
    inner: BoxStream<'static, Result<P::Item, PagerError>>,
}

impl<P: ListPage> fmt::Debug for Items<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

impl<P: ListPage> Stream for Items<P> {
    type Item = Result<P::Item, PagerError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// What every page request needs, shared with prefetch tasks.
#[derive(Debug)]
struct Client {
    transport: Arc<dyn HttpTransport>,
    headers: http::HeaderMap,
}

impl Client {
    /// Requests one page and decodes it.
    async fn fetch<P: ListPage>(&self, target: &Target) -> Result<P, PagerError> {
        let page_uri = || target.as_str().to_owned();
        let mut request = http::Request::new(Bytes::new());
        *request.method_mut() = http::Method::GET;
        *request.uri_mut() = target.uri().clone();
        *request.headers_mut() = self.headers.clone();
        let response =
            self.transport
                .send(request)
                .await
                .map_err(|source| PagerError::Transport {
                    page_uri: page_uri(),
                    source: Box::new(source),
                })?;
        let (mut parts, body) = response.into_parts();
        tracing::debug!(
            status = parts.status.as_u16(),
            bytes = body.len(),
            "page received"
        );
        if !parts.status.is_success() {
            mark_sensitive(&mut parts.headers);
            return Err(PagerError::Status {
                page_uri: page_uri(),
                status: parts.status,
                headers: Box::new(parts.headers),
                body,
            });
        }
        // The body is the page's to keep (a shared raw page slices its items out of it): no
        // copy when the transport's buffer is this body's alone, as a joined one is.
        let page = P::from_body(Vec::from(body)).map_err(|source| PagerError::Decode {
            page_uri: page_uri(),
            source,
            request_id: twilio_transport::request_id(&parts.headers).map(str::to_owned),
        })?;
        tracing::debug!(items = page.items().len(), "page decoded");
        Ok(page)
    }
}

/// A spawned fetch, aborted when dropped.
struct Prefetch<P>(tokio::task::JoinHandle<Result<P, PagerError>>);

impl<P> Drop for Prefetch<P> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What the driver does on the next call.
enum State<P> {
    /// The listing is over.
    Done,
    /// Yield this error, then stop.
    Fail(PagerError),
    /// Fetch this page.
    Fetch(Target),
    /// This page is being fetched by a task.
    Prefetching(Target, Prefetch<P>),
}

/// The fetch loop: one call of `next_page` per page, in order.
struct Driver<P> {
    client: Arc<Client>,
    origin: Origin,
    state: State<P>,
    visited: Visited,
    /// The number of the page the state fetches (or fetched last), from 0.
    page_number: u64,
    /// Items still wanted, when limited.
    remaining: Option<u64>,
    prefetch: bool,
    /// The number of pages requested so far, for tracing.
    requested: u64,
    /// Pages in a row that held no item but linked onward.
    empty_run: u32,
}

/// How many empty pages in a row that still link onward end a listing. Twilio does not send
/// them; a server that pages forever with fresh links would, and cycle detection cannot tell.
pub(crate) const MAX_EMPTY_PAGES: u32 = 32;

impl<P: ListPage> Driver<P> {
    fn start(pager: Pager<P>) -> Self {
        let mut visited = Visited::default();
        let state = match (pager.page_size, pager.limit) {
            (Some(value), _) if !(1..=MAX_PAGE_SIZE).contains(&value) => {
                State::Fail(PagerError::InvalidPageSize { value })
            }
            (_, Some(0)) => State::Done,
            _ if pager.first_verbatim => State::Fetch(pager.first),
            (None, None) => State::Fetch(pager.first),
            (page_size, limit) => {
                let page_size = page_size.unwrap_or(MAX_PAGE_SIZE);
                let page_size = limit.map_or(page_size, |limit| {
                    u32::try_from(limit).map_or(page_size, |limit| limit.min(page_size))
                });
                match pager.first.with_page_size(page_size) {
                    Ok(first) => State::Fetch(first),
                    Err(LinkError::ForeignOrigin | LinkError::Invalid(_)) => {
                        State::Fail(PagerError::InvalidLink {
                            page_uri: None,
                            link: pager.first.as_str().to_owned(),
                            reason: format!("cannot set PageSize={page_size} on it"),
                        })
                    }
                }
            }
        };
        if let State::Fetch(first) = &state {
            visited.record(first, 0);
        }
        Self {
            client: Arc::new(Client {
                transport: pager.transport,
                headers: pager.headers,
            }),
            origin: pager.origin,
            state,
            visited,
            page_number: 0,
            remaining: pager.limit,
            prefetch: pager.prefetch,
            requested: 0,
            empty_run: 0,
        }
    }

    fn span(&mut self, target: &Target) -> tracing::Span {
        self.requested += 1;
        tracing::debug_span!(
            "twilio_pager::page",
            page = self.requested,
            uri = target.path_and_query()
        )
    }

    /// Fetches the next page; `None` once the listing is over.
    async fn next_page(&mut self) -> Option<Result<P, PagerError>> {
        let (target, fetched) = match std::mem::replace(&mut self.state, State::Done) {
            State::Done => return None,
            State::Fail(error) => return Some(Err(error)),
            State::Fetch(target) => {
                let span = self.span(&target);
                let fetched = self.client.fetch(&target).instrument(span).await;
                (target, fetched)
            }
            State::Prefetching(target, mut task) => {
                let fetched = match (&mut task.0).await {
                    Ok(fetched) => fetched,
                    Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                    // Cancelled: its runtime shut down under it. Fetch here instead.
                    Err(_) => {
                        let span = self.span(&target);
                        self.client.fetch(&target).instrument(span).await
                    }
                };
                (target, fetched)
            }
        };
        let page = match fetched {
            Ok(page) => page,
            Err(error) => return Some(Err(error)),
        };
        // The page's own `uri` may spell it differently from the request (Twilio answers
        // `?PageSize=50` with `uri` `?PageSize=50&Page=0`): a link back to it is a cycle too.
        // A `uri` that names an earlier page says the server sent that page again, under a
        // fresh link: it is not delivered twice.
        if let Some(own) = page.meta().uri.as_deref()
            && let Ok(own_target) = self.origin.resolve(own)
            && let Some(earlier) = self.visited.record(&own_target, self.page_number)
            && earlier != self.page_number
        {
            return Some(Err(PagerError::RepeatedPage {
                page_uri: target.as_str().to_owned(),
                uri: without_userinfo(own).into_owned(),
            }));
        }
        if let Some(remaining) = self.remaining.as_mut() {
            *remaining = remaining.saturating_sub(page.items().len() as u64);
            if *remaining == 0 {
                return Some(Ok(page));
            }
        }
        if let Some(link) = page.next_page_uri() {
            self.empty_run = if page.items().is_empty() {
                self.empty_run.saturating_add(1)
            } else {
                0
            };
            self.state = if self.empty_run >= MAX_EMPTY_PAGES {
                State::Fail(PagerError::EmptyPages {
                    page_uri: target.as_str().to_owned(),
                    pages: self.empty_run,
                })
            } else {
                self.follow(&target, link)
            };
        }
        Some(Ok(page))
    }

    /// The state that follows a page at `current` linking to `link`. Links in errors lose
    /// any userinfo (`user:password@`).
    fn follow(&mut self, current: &Target, link: &str) -> State<P> {
        let page_uri = || current.as_str().to_owned();
        let shown = || without_userinfo(link).into_owned();
        let next = match self.origin.resolve(link) {
            Ok(next) => next,
            Err(LinkError::ForeignOrigin) => {
                return State::Fail(PagerError::ForeignOrigin {
                    page_uri: page_uri(),
                    link: shown(),
                });
            }
            Err(LinkError::Invalid(reason)) => {
                return State::Fail(PagerError::InvalidLink {
                    page_uri: Some(page_uri()),
                    link: shown(),
                    reason,
                });
            }
        };
        self.page_number += 1;
        if self.visited.record(&next, self.page_number).is_some() {
            return State::Fail(PagerError::Cycle {
                page_uri: page_uri(),
                link: shown(),
            });
        }
        if self.prefetch
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let client = Arc::clone(&self.client);
            let task_target = next.clone();
            let span = self.span(&next);
            let task = runtime
                .spawn(async move { client.fetch::<P>(&task_target).await }.instrument(span));
            return State::Prefetching(next, Prefetch(task));
        }
        State::Fetch(next)
    }
}
