//! Many listings at once: any set of listings, each labelled, run a bounded number at a time
//! over the client's one connection pool.

use std::fmt;
use std::num::NonZeroUsize;

use futures::stream::{self, BoxStream, StreamExt as _};
use twilio_model::ListPage;

use crate::Error;
use crate::list::ListRequest;

/// Several listings run together, at most `concurrency` at a time, every result labelled
/// with its listing's label: the calls of several subaccounts, the recordings of many calls,
/// the events of many calls ([`crate::CallsEventsRequest`] is this with call SIDs as labels).
///
/// - Each listing's results come in its API order; results of different listings
///   interleave as their pages arrive. Listings *start* in the order given, never more than
///   `concurrency` at once; the next starts as soon as one ends.
/// - A failure ends only its own listing, as one `(label, Err(..))` after that listing's
///   items so far; the others go on. Its [`Error::resume_uri`] says where that one can
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
            concurrency: NonZeroUsize::new(crate::DEFAULT_CONCURRENCY).unwrap_or(NonZeroUsize::MIN),
        }
    }

    /// How many listings run at once (default [`crate::DEFAULT_CONCURRENCY`]; 0 counts as 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = NonZeroUsize::new(concurrency).unwrap_or(NonZeroUsize::MIN);
        self
    }

    /// Every listing's pages, each labelled. The stream ends once every listing has ended.
    pub fn pages(self) -> BoxStream<'static, (L, Result<P, Error>)> {
        let listings = self
            .listings
            .into_iter()
            .map(|(label, request)| request.pages().map(move |page| (label.clone(), page)));
        stream::iter(listings)
            .flatten_unordered(self.concurrency.get())
            .boxed()
    }

    /// Every listing's items, each labelled. The stream ends once every listing has ended.
    pub fn stream(self) -> BoxStream<'static, (L, Result<P::Item, Error>)> {
        let listings = self
            .listings
            .into_iter()
            .map(|(label, request)| request.stream().map(move |item| (label.clone(), item)));
        stream::iter(listings)
            .flatten_unordered(self.concurrency.get())
            .boxed()
    }
}
