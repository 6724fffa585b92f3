//! The pager: its configuration, the page and item streams, and the fetch loop behind them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use tracing::Instrument;
use twilio_model::{Envelope as _, ListPage};

use crate::PagerError;
use crate::link::{LinkError, MAX_PAGE_SIZE, Origin, Target, Visited, without_userinfo};

/// What fetches one page: given the page's absolute URI (always on the listing's origin), it
/// sends the request however its caller sends requests (credentials, retries, error mapping)
/// and decodes the page, or fails with the caller's own error `E`.
type FetchPage<P, E> = dyn Fn(http::Uri) -> BoxFuture<'static, Result<P, E>> + Send + Sync;

/// Walks a Twilio list resource page by page, following each page's link to the next.
///
/// Built with [`Pager::new`] from a page-fetch function, configured with the builder methods,
/// consumed by [`pages`](Self::pages), [`stream`](Self::stream), [`collect`](Self::collect) or
/// [`collect_partial`](Self::collect_partial). `P` is the page type (any
/// [`ListPage`], whichever envelope it has: 2010-04-01's top-level `next_page_uri` or the
/// other APIs' `meta.next_page_url`); `E` is the error of the fetch function, which every
/// error of the pager's own converts into (`E: From<PagerError>`).
///
/// The fetch function is only ever given URIs on the base URL's origin.
pub struct Pager<P, E = PagerError> {
    fetch: Arc<FetchPage<P, E>>,
    origin: Origin,
    first: Target,
    first_verbatim: bool,
    page_size: Option<u32>,
    limit: Option<u64>,
    prefetch: bool,
}

impl<P, E> Clone for Pager<P, E> {
    fn clone(&self) -> Self {
        Self {
            fetch: Arc::clone(&self.fetch),
            origin: self.origin.clone(),
            first: self.first.clone(),
            first_verbatim: self.first_verbatim,
            page_size: self.page_size,
            limit: self.limit,
            prefetch: self.prefetch,
        }
    }
}

impl<P, E> fmt::Debug for Pager<P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("origin", &self.origin.as_str())
            .field("first", &self.first.as_str())
            .field("first_verbatim", &self.first_verbatim)
            .field("page_size", &self.page_size)
            .field("limit", &self.limit)
            .field("prefetch", &self.prefetch)
            .finish_non_exhaustive()
    }
}

impl<P, E> Pager<P, E>
where
    P: ListPage,
    E: From<PagerError> + Send + 'static,
{
    /// Creates a pager for the list whose first page is `first`, fetching each page with
    /// `fetch`.
    ///
    /// `base_url` is the listing's origin, such as `"https://api.twilio.com"` or
    /// `"https://verify.twilio.com"` (an `http` or `https` origin: no credentials, path,
    /// query or fragment): every page requested is on it. `first` is the first page's URI,
    /// relative with a leading `/` (`"/2010-04-01/...json?X=1"`) or absolute on the same
    /// origin. Its query is kept verbatim, except that `PageSize` is set when
    /// [`page_size`](Self::page_size) or [`limit`](Self::limit) is.
    ///
    /// `fetch` is called with each page's absolute URI and returns the decoded page or the
    /// caller's error, which ends the listing (the error is yielded as it is: it is the
    /// caller's to say which page failed and whether it can be resumed).
    ///
    /// # Errors
    ///
    /// [`PagerError::InvalidBaseUrl`] for a bad base URL, [`PagerError::InvalidLink`] for a
    /// `first` that is malformed or on another origin.
    pub fn new<F, Fut>(base_url: &str, first: &str, fetch: F) -> Result<Self, PagerError>
    where
        F: Fn(http::Uri) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<P, E>> + Send + 'static,
    {
        let origin = Origin::parse(base_url)?;
        let first = resolve_start(&origin, first)?;
        Ok(Self {
            fetch: Arc::new(move |uri| Box::pin(fetch(uri))),
            origin,
            first,
            first_verbatim: false,
            page_size: None,
            limit: None,
            prefetch: true,
        })
    }

    /// Starts the listing at `page_uri` instead, taken verbatim (its `PageSize` is not
    /// touched): typically the URI of the page whose fetch failed, so that a job
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
    pub fn pages(self) -> Pages<P, E> {
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
    pub fn stream(self) -> Items<P, E> {
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
    pub async fn collect(self) -> Result<Vec<P::Item>, E> {
        self.stream().try_collect().await
    }

    /// The items of the list fetched until the end or the first error, and that error.
    ///
    /// Nothing fetched is lost: when the fetch of a page failed, a listing resumed at that
    /// page ([`from_page`](Self::from_page)) yields exactly the items that are not in the
    /// vector.
    pub async fn collect_partial(self) -> (Vec<P::Item>, Option<E>) {
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
pub struct Pages<P, E = PagerError> {
    inner: BoxStream<'static, Result<P, E>>,
}

impl<P, E> fmt::Debug for Pages<P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<P, E> Stream for Pages<P, E> {
    type Item = Result<P, E>;

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
pub struct Items<P: ListPage, E = PagerError> {
    inner: BoxStream<'static, Result<P::Item, E>>,
}

impl<P: ListPage, E> fmt::Debug for Items<P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

impl<P: ListPage, E> Stream for Items<P, E> {
    type Item = Result<P::Item, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// A spawned fetch, aborted when dropped.
struct Prefetch<P, E>(tokio::task::JoinHandle<Result<P, E>>);

impl<P, E> Drop for Prefetch<P, E> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What the driver does on the next call.
enum State<P, E> {
    /// The listing is over.
    Done,
    /// Yield this error, then stop.
    Fail(PagerError),
    /// Fetch this page.
    Fetch(Target),
    /// This page is being fetched by a task.
    Prefetching(Target, Prefetch<P, E>),
}

/// The fetch loop: one call of `next_page` per page, in order.
struct Driver<P, E> {
    fetch: Arc<FetchPage<P, E>>,
    origin: Origin,
    state: State<P, E>,
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

impl<P, E> Driver<P, E>
where
    P: ListPage,
    E: From<PagerError> + Send + 'static,
{
    fn start(pager: Pager<P, E>) -> Self {
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
            fetch: pager.fetch,
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
    async fn next_page(&mut self) -> Option<Result<P, E>> {
        let (target, fetched) = match std::mem::replace(&mut self.state, State::Done) {
            State::Done => return None,
            State::Fail(error) => return Some(Err(error.into())),
            State::Fetch(target) => {
                let span = self.span(&target);
                let fetched = (self.fetch)(target.uri().clone()).instrument(span).await;
                (target, fetched)
            }
            State::Prefetching(target, mut task) => {
                let fetched = match (&mut task.0).await {
                    Ok(fetched) => fetched,
                    Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                    // Cancelled: its runtime shut down under it. Fetch here instead.
                    Err(_) => {
                        let span = self.span(&target);
                        (self.fetch)(target.uri().clone()).instrument(span).await
                    }
                };
                (target, fetched)
            }
        };
        let page = match fetched {
            Ok(page) => page,
            Err(error) => return Some(Err(error)),
        };
        tracing::debug!(items = page.items().len(), "page received");
        // The page's own `uri` may spell it differently from the request (Twilio answers
        // `?PageSize=50` with `uri` `?PageSize=50&Page=0`): a link back to it is a cycle too.
        // A `uri` that names an earlier page says the server sent that page again, under a
        // fresh link: it is not delivered twice.
        if let Some(own) = page.envelope().own_link()
            && let Ok(own_target) = self.origin.resolve(own)
            && let Some(earlier) = self.visited.record(&own_target, self.page_number)
            && earlier != self.page_number
        {
            return Some(Err(PagerError::RepeatedPage {
                page_uri: target.as_str().to_owned(),
                uri: without_userinfo(own).into_owned(),
            }
            .into()));
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
    fn follow(&mut self, current: &Target, link: &str) -> State<P, E> {
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
            let span = self.span(&next);
            let task = runtime.spawn((self.fetch)(next.uri().clone()).instrument(span));
            return State::Prefetching(next, Prefetch(task));
        }
        State::Fetch(next)
    }
}
