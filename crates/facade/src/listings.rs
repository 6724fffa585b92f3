//! Many listings at once: any set of listings, each labelled, run a bounded number at a time
//! over the client's one connection pool.

use std::fmt;
use std::num::NonZeroUsize;

use futures::stream::{self, StreamExt as _};
use twilio_model::{ListPage, ListResource, MetaPage, Page, Raw};

use crate::list::ListRequest;
use crate::stream::LabelledStream;

/// How many listings [`Listings`] runs at once unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Several listings run together, at most `concurrency` at a time, every result labelled
/// with its listing's label: the calls of several subaccounts, the recordings of many calls,
/// the events of many calls ([`crate::Client::events_of_calls`] is [`Listings::each`] with
/// call SIDs as labels).
///
/// - Each listing's results come in its API order; results of different listings
///   interleave as their pages arrive. Listings *start* in the order given, never more than
///   `concurrency` at once; the next starts as soon as one ends.
/// - A failure ends only its own listing, as one `(label, Err(..))` after that listing's
///   items so far; the others go on. Its [`Error::resume_uri`](crate::Error::resume_uri) says where that one can
///   continue.
/// - Each listing keeps its own settings (`limit`, `page_size`, filters, prefetch).
///
/// ```no_run
/// use futures::StreamExt as _;
/// use twilio_api::{Client, Listings};
///
/// # async fn run() -> Result<(), twilio_api::Error> {
/// let client = Client::from_env()?;
/// let subaccounts = ["AC0123456789abcdef0123456789abcdef", "ACfedcba9876543210fedcba9876543210"];
/// let mut listings = Vec::new();
/// for sid in subaccounts {
///     let sid: twilio_api::AccountSid = sid.parse()?;
///     listings.push((sid.clone(), client.account(sid).calls().list().limit(100)));
/// }
/// let mut calls = Listings::new(listings).concurrency(2).stream();
/// while let Some((account, call)) = calls.next().await {
///     match call {
///         Ok(call) => println!("{account}: {:?}", call.sid),
///         Err(err) => eprintln!("{account}: {err}"),
///     }
/// }
/// # Ok(()) }
/// ```
#[must_use = "listings do nothing until they are streamed"]
pub struct Listings<L, P> {
    listings: Vec<(L, ListRequest<P>)>,
    concurrency: NonZeroUsize,
}

impl<L: fmt::Debug, P> fmt::Debug for Listings<L, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listings")
            .field(
                "labels",
                &self.listings.iter().map(|(l, _)| l).collect::<Vec<_>>(),
            )
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

impl<L, P> Listings<L, P>
where
    L: Clone + Send + 'static,
    P: ListPage,
{
    /// The listings to run, each with its label, in the order they should start.
    pub fn new(listings: impl IntoIterator<Item = (L, ListRequest<P>)>) -> Self {
        Self {
            listings: listings.into_iter().collect(),
            concurrency: NonZeroUsize::new(DEFAULT_CONCURRENCY).unwrap_or(NonZeroUsize::MIN),
        }
    }

    /// One listing for each label, made by `list`, labelled with it: the same list of many
    /// parents (the recordings of many calls, the messages of many subaccounts), in the
    /// order given.
    ///
    /// ```
    /// use twilio_api::{CallSid, Client, Listings};
    ///
    /// # fn main() -> Result<(), twilio_api::Error> {
    /// # let client = Client::builder()
    /// #     .auth_token("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?, "token").build()?;
    /// let calls: Vec<CallSid> = vec!["CA0123456789abcdef0123456789abcdef".parse()?];
    /// let recordings = Listings::each(calls, |call| client.call(call).recordings().list())
    ///     .concurrency(8)
    ///     .page_size(100);
    /// # let _ = recordings;
    /// # Ok(()) }
    /// ```
    pub fn each(
        labels: impl IntoIterator<Item = L>,
        mut list: impl FnMut(L) -> ListRequest<P>,
    ) -> Self {
        Self::new(labels.into_iter().map(|label| {
            let request = list(label.clone());
            (label, request)
        }))
    }

    /// Every listing, changed by `configure`.
    fn map<Q>(self, configure: impl Fn(ListRequest<P>) -> ListRequest<Q>) -> Listings<L, Q> {
        Listings {
            listings: self
                .listings
                .into_iter()
                .map(|(label, request)| (label, configure(request)))
                .collect(),
            concurrency: self.concurrency,
        }
    }

    /// Items per page, 1 to 1000, for every listing ([`ListRequest::page_size`]). Checked
    /// before any request: an invalid value fails each listing with
    /// [`Error::InvalidInput`](crate::Error::InvalidInput).
    pub fn page_size(self, page_size: u32) -> Self {
        self.map(|request| request.page_size(page_size))
    }

    /// Stops each listing after `limit` items (a limit per listing, not in total): as with
    /// [`ListRequest::pages`], `.pages()` ends a listing with the page that reaches it, not
    /// cut, while `.stream()` yields exactly `limit` items of each.
    pub fn limit(self, limit: u64) -> Self {
        self.map(|request| request.limit(limit))
    }

    /// Whether each listing fetches its next page while the current one is consumed
    /// ([`ListRequest::prefetch`]). With many listings at once the concurrency already
    /// overlaps requests; prefetch doubles the requests in flight.
    pub fn prefetch(self, prefetch: bool) -> Self {
        self.map(|request| request.prefetch(prefetch))
    }

    /// How many listings run at once (default [`crate::DEFAULT_CONCURRENCY`]; 0 counts as 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = NonZeroUsize::new(concurrency).unwrap_or(NonZeroUsize::MIN);
        self
    }

    /// Every listing's pages, each labelled. The stream ends once every listing has ended.
    pub fn pages(self) -> LabelledStream<L, P> {
        let listings = self
            .listings
            .into_iter()
            .map(|(label, request)| request.pages().map(move |page| (label.clone(), page)));
        LabelledStream::new(stream::iter(listings).flatten_unordered(self.concurrency.get()))
    }

    /// Every listing's items, each labelled. The stream ends once every listing has ended.
    pub fn stream(self) -> LabelledStream<L, P::Item> {
        let listings = self
            .listings
            .into_iter()
            .map(|(label, request)| request.stream().map(move |item| (label.clone(), item)));
        LabelledStream::new(stream::iter(listings).flatten_unordered(self.concurrency.get()))
    }
}

impl<L, R> Listings<L, Page<R>>
where
    L: Clone + Send + 'static,
    R: ListResource,
{
    /// The same listings with each item the exact JSON object the API sent
    /// ([`ListRequest::raw`]).
    pub fn raw(self) -> Listings<L, Page<Raw<R>>> {
        self.map(ListRequest::<Page<R>>::raw)
    }
}

impl<L, R> Listings<L, MetaPage<R>>
where
    L: Clone + Send + 'static,
    R: ListResource,
{
    /// The same listings with each item the exact JSON object the API sent
    /// ([`ListRequest::raw`]).
    pub fn raw(self) -> Listings<L, MetaPage<Raw<R>>> {
        self.map(ListRequest::<MetaPage<R>>::raw)
    }
}
