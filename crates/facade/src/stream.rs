//! The streams a listing returns, as named types of this crate: no dependency's boxed stream
//! type appears in the public API, so how they are built can change without a breaking release.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::stream::{BoxStream, StreamExt as _};

use crate::Error;

/// The items of a listing, in API order: a [`Stream`] of `Result<T, Error>` that ends after
/// the last item or the first error. Returned by [`ListRequest::stream`](crate::ListRequest::stream).
///
/// `Unpin` and `Send`: poll it with `StreamExt::next` or `TryStreamExt::try_next` directly,
/// or hand it to a spawned task. Dropping it stops the listing (and any page fetched ahead).
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<T> {
    inner: BoxStream<'static, Result<T, Error>>,
}

impl<T> ItemStream<T> {
    pub(crate) fn new(inner: impl Stream<Item = Result<T, Error>> + Send + 'static) -> Self {
        Self {
            inner: inner.boxed(),
        }
    }
}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream").finish_non_exhaustive()
    }
}

impl<T> Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// The pages of a listing, in API order, each with its paging metadata: a [`Stream`] of
/// `Result<P, Error>` that ends after the last page or the first error. Returned by
/// [`ListRequest::pages`](crate::ListRequest::pages).
///
/// `Unpin` and `Send`, like [`ItemStream`].
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<P> {
    inner: BoxStream<'static, Result<P, Error>>,
}

impl<P> PageStream<P> {
    pub(crate) fn new(inner: impl Stream<Item = Result<P, Error>> + Send + 'static) -> Self {
        Self {
            inner: inner.boxed(),
        }
    }
}

impl<P> fmt::Debug for PageStream<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream").finish_non_exhaustive()
    }
}

impl<P> Stream for PageStream<P> {
    type Item = Result<P, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// The results of several listings, each labelled with its listing's label: a [`Stream`] of
/// `(L, Result<T, Error>)` that ends once every listing has ended. Returned by
/// [`Listings::stream`](crate::Listings::stream) (items) and
/// [`Listings::pages`](crate::Listings::pages) (pages).
///
/// `Unpin` and `Send`, like [`ItemStream`].
#[must_use = "streams do nothing unless polled"]
pub struct LabelledStream<L, T> {
    inner: BoxStream<'static, (L, Result<T, Error>)>,
}

impl<L, T> LabelledStream<L, T> {
    pub(crate) fn new(inner: impl Stream<Item = (L, Result<T, Error>)> + Send + 'static) -> Self {
        Self {
            inner: inner.boxed(),
        }
    }
}

impl<L, T> fmt::Debug for LabelledStream<L, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LabelledStream").finish_non_exhaustive()
    }
}

impl<L, T> Stream for LabelledStream<L, T> {
    type Item = (L, Result<T, Error>);

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_unpin_send<S: Stream + Unpin + Send + 'static>(_: &S) {}

    #[tokio::test]
    async fn the_streams_yield_what_they_wrap_and_are_unpin_and_send() {
        let items = ItemStream::new(futures::stream::iter([Ok(1), Ok(2)]));
        assert_unpin_send(&items);
        assert_eq!(format!("{items:?}"), "ItemStream { .. }");
        assert_eq!(items.size_hint(), (2, Some(2)));
        let items: Vec<u32> = items.map(Result::unwrap).collect().await;
        assert_eq!(items, [1, 2]);

        let err = Error::invalid_input_because("test", std::io::Error::other("cause"));
        let mut pages = PageStream::<u8>::new(futures::stream::once(async move { Err(err) }));
        assert_unpin_send(&pages);
        assert_eq!(format!("{pages:?}"), "PageStream { .. }");
        assert!(pages.next().await.is_some_and(|p| p.is_err()));
        assert!(pages.next().await.is_none());
    }
}
