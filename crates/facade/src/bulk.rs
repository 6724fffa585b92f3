//! Many writes at once: each item's write sent once, a bounded number in flight, behind the
//! client's limiter, each outcome labelled with its item's index.

use std::fmt;
use std::future::IntoFuture;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt as _};

use crate::Error;

/// What became of one write of [`send_all`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome<T> {
    /// It was applied: the resource Twilio answered with.
    Created(T),
    /// It was not applied: Twilio refused it (a 4xx but 429: bad input, a number it will not
    /// send to), or it never left (the connection could not be made). Sending it again
    /// changes nothing unless its cause is fixed.
    Refused(Error),
    /// It may have been applied ([`Error::OutcomeUnknown`]): it was sent, and then the
    /// connection was cut, it timed out, or Twilio answered 5xx. It is **not** sent again:
    /// reconcile it (fetch or list by its fields) before deciding.
    Unknown(Error),
}

impl<T> Outcome<T> {
    fn of(result: Result<T, Error>) -> Self {
        match result {
            Ok(created) => Self::Created(created),
            Err(error) if error.is_outcome_unknown() => Self::Unknown(error),
            Err(error) => Self::Refused(error),
        }
    }

    /// Whether it was applied.
    pub fn is_created(&self) -> bool {
        matches!(self, Self::Created(_))
    }
}

/// Sends every write of `writes` (any typed write of the resource tree, a [`WriteRequest`](
/// crate::WriteRequest), or anything that can be awaited once and cloned to be sent again),
/// at most `concurrency` at a time (0 counts as 1), and yields each one's [`Outcome`] with
/// its index in `writes`, as they complete.
///
/// The write rules hold: a write that may have been applied is never sent again (it comes
/// out as [`Outcome::Unknown`]). A write answered 429 is sent again, as many times as it
/// takes: the client's limiter pauses every request for the 429's `Retry-After`, so the run
/// slows to the account's limit instead of failing rows for it. The other limits of the
/// client (requests in flight, a rate) apply to every write too.
///
/// Tell the client the account's limits when you know them
/// ([`ClientBuilder::max_in_flight`](crate::ClientBuilder::max_in_flight) and
/// [`rate_limit`](crate::ClientBuilder::rate_limit)): the writes then start at the account's
/// pace and are hardly ever answered 429. Without a rate, the limiter learns the limit from
/// the 429s themselves: every write is still created once, but a few requests in a hundred
/// are answered 429 and sent again. Measured in `BENCHMARKS.md` (issue 30): 10,000 messages
/// through a sandbox limited to 100/s and 10 in flight, `max_in_flight(10).rate_limit(100.0)`
/// and a concurrency of 10, took 100.1 s (99.9% of the limit) with no 429, no duplicate and
/// nothing lost; `max_in_flight(10)` alone, 101.1 s with 6.4% of requests answered 429,
/// still no duplicate and nothing lost.
///
/// ```no_run
/// use futures::StreamExt as _;
/// use twilio_api::bulk::{Outcome, send_all};
///
/// # async fn run(client: twilio_api::Client) -> Result<(), twilio_api::Error> {
/// let recipients = ["+15005550006", "+15005550009"];
/// let writes = recipients
///     .iter()
///     .map(|to| client.messages().create(*to).from("+15005550001").body("Hi"));
/// let mut outcomes = send_all(writes, 8);
/// while let Some((index, outcome)) = outcomes.next().await {
///     match outcome {
///         Outcome::Created(message) => println!("{index}: {:?}", message.sid),
///         Outcome::Refused(error) => println!("{index}: refused: {error}"),
///         Outcome::Unknown(error) => println!("{index}: unknown, reconcile: {error}"),
///         _ => {}
///     }
/// }
/// # Ok(()) }
/// ```
pub fn send_all<W, T>(writes: impl IntoIterator<Item = W>, concurrency: usize) -> Outcomes<T>
where
    W: IntoFuture<Output = Result<T, Error>> + Clone + Send + 'static,
    W::IntoFuture: Send,
    T: Send + 'static,
{
    let writes: Vec<W> = writes.into_iter().collect();
    let sends = stream::iter(writes.into_iter().enumerate())
        .map(|(index, write)| async move { (index, Outcome::of(send_through_429s(write).await)) })
        .buffer_unordered(concurrency.max(1));
    Outcomes {
        inner: sends.boxed(),
    }
}

/// Sends `write`, again after each 429 that outlasted the transport's own retries.
async fn send_through_429s<W, T>(write: W) -> Result<T, Error>
where
    W: IntoFuture<Output = Result<T, Error>> + Clone,
{
    loop {
        match write.clone().await {
            Err(error) if error.status() == Some(429) && !error.is_outcome_unknown() => {
                tracing::debug!("a write answered 429 waits behind the limiter and goes again");
            }
            other => return other,
        }
    }
}

/// The outcomes of [`send_all`], each with its write's index, in the order they complete: a
/// [`Stream`] of `(usize, Outcome<T>)`. `Unpin` and `Send`; dropping it stops starting writes
/// (those in flight are dropped with it: their outcome is unknown).
#[must_use = "streams do nothing unless polled"]
pub struct Outcomes<T> {
    inner: BoxStream<'static, (usize, Outcome<T>)>,
}

impl<T> fmt::Debug for Outcomes<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outcomes").finish_non_exhaustive()
    }
}

impl<T> Stream for Outcomes<T> {
    type Item = (usize, Outcome<T>);

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}
