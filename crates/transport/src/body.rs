//! Reading a response body into memory under a size cap.

use bytes::{Bytes, BytesMut};
use http_body::Body;
use http_body_util::BodyExt as _;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body is larger than the cap; `declared` is its announced length when it was
    /// refused up front.
    TooLarge { declared: Option<u64> },
    /// Reading a frame failed (for example the connection closed before the announced length).
    Read(Box<dyn std::error::Error + Send + Sync>),
}

/// Reads `body` whole, refusing it as soon as it is known to exceed `cap` bytes: up front from
/// its size hint (the `Content-Length` for an HTTP/1 body), else while frames arrive. Never
/// holds more than `cap` bytes.
pub(crate) async fn read_capped<B>(mut body: B, cap: usize) -> Result<Bytes, BodyError>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let cap64 = u64::try_from(cap).unwrap_or(u64::MAX);
    let announced = body.size_hint().lower();
    if announced > cap64 {
        return Err(BodyError::TooLarge {
            declared: Some(announced),
        });
    }
    // Each frame is copied into the joined body as it arrives, while it is still in the
    // cache, and dropped at once, so that hyper may read the next frame into the buffer the
    // last one used. Only a body that arrives in one frame is not copied.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut total: usize = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| BodyError::Read(error.into()))?;
        // Trailers are ignored: Twilio sends none and the trait has no place for them.
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if data.is_empty() {
            continue;
        }
        total = match total.checked_add(data.len()) {
            Some(total) if total <= cap => total,
            _ => return Err(BodyError::TooLarge { declared: None }),
        };
        if let Some(joined) = &mut joined {
            joined.extend_from_slice(&data);
            continue;
        }
        // More to come, by the announced length or by a second frame: join from here on,
        // into room for the announced length (at most `cap`, checked above).
        let head = first.take();
        let more_announced = announced > u64::try_from(total).unwrap_or(u64::MAX);
        if head.is_none() && !more_announced {
            first = Some(data);
            continue;
        }
        let room = usize::try_from(announced).map_or(total, |announced| announced.max(total));
        let mut buffer = BytesMut::with_capacity(room);
        if let Some(head) = head {
            buffer.extend_from_slice(&head);
        }
        buffer.extend_from_slice(&data);
        joined = Some(buffer);
    }
    Ok(match (joined, first) {
        (Some(joined), _) => joined.freeze(),
        (None, Some(first)) => first,
        (None, None) => Bytes::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Frame;
    use http_body_util::Full;
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A body of scripted chunks (or errors), announcing a length (as a `Content-Length`
    /// does) or not.
    struct Chunks {
        chunks: VecDeque<Result<&'static str, &'static str>>,
        length: Option<u64>,
    }

    impl Body for Chunks {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            Poll::Ready(self.chunks.pop_front().map(|chunk| {
                chunk
                    .map(|text| Frame::data(Bytes::from_static(text.as_bytes())))
                    .map_err(std::io::Error::other)
            }))
        }

        fn size_hint(&self) -> http_body::SizeHint {
            self.length.map_or_else(
                http_body::SizeHint::default,
                http_body::SizeHint::with_exact,
            )
        }
    }

    fn stream(chunks: Vec<Result<&'static str, &'static str>>) -> Chunks {
        Chunks {
            chunks: chunks.into(),
            length: None,
        }
    }

    fn announced<const N: usize>(chunks: [&'static str; N], length: u64) -> Chunks {
        Chunks {
            chunks: chunks.map(Ok).into(),
            length: Some(length),
        }
    }

    #[tokio::test]
    async fn reads_small_bodies_whole() {
        let body = read_capped(Full::<Bytes>::new(Bytes::from_static(b"hello")), 5)
            .await
            .unwrap();
        assert_eq!(body, "hello");
        let body = read_capped(stream(vec![Ok("ab"), Ok(""), Ok("cd")]), 4)
            .await
            .unwrap();
        assert_eq!(body, "abcd");
        let empty = read_capped(http_body_util::Empty::<Bytes>::new(), 0)
            .await
            .unwrap();
        assert!(empty.is_empty());
    }

    #[tokio::test]
    async fn joins_frames_as_they_arrive_and_keeps_a_lone_frame_as_it_is() {
        const WHOLE: &str = "the whole body";
        let lone = read_capped(announced([WHOLE], 14), 14).await.unwrap();
        assert_eq!(lone, WHOLE);
        assert_eq!(lone.as_ptr(), WHOLE.as_ptr(), "a lone frame is not copied");
        let joined = read_capped(announced(["the ", "", "whole", " body"], 14), 100)
            .await
            .unwrap();
        assert_eq!(joined, WHOLE);
        // A server that sends less or more than it announced: what arrived, under the cap.
        for length in [100, 4] {
            let body = read_capped(announced(["the ", "whole"], length), 100)
                .await
                .unwrap();
            assert_eq!(body, "the whole");
        }
        let error = read_capped(announced(["the ", "whole"], 4), 8)
            .await
            .unwrap_err();
        assert!(
            matches!(error, BodyError::TooLarge { declared: None }),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn refuses_an_announced_length_over_the_cap() {
        let error = read_capped(Full::<Bytes>::new(Bytes::from_static(b"hello")), 4)
            .await
            .unwrap_err();
        assert!(
            matches!(error, BodyError::TooLarge { declared: Some(5) }),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn refuses_a_streamed_body_over_the_cap() {
        let error = read_capped(stream(vec![Ok("ab"), Ok("cd"), Ok("e")]), 4)
            .await
            .unwrap_err();
        assert!(
            matches!(error, BodyError::TooLarge { declared: None }),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn reports_a_broken_stream() {
        let error = read_capped(stream(vec![Ok("ab"), Err("reset")]), 100)
            .await
            .unwrap_err();
        assert!(
            matches!(&error, BodyError::Read(e) if e.to_string() == "reset"),
            "{error:?}"
        );
    }
}
