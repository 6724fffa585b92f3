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

    /// A body of scripted chunks (or errors) with no size hint.
    struct Chunks(VecDeque<Result<&'static str, &'static str>>);

    impl Body for Chunks {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            Poll::Ready(self.0.pop_front().map(|chunk| {
                chunk
                    .map(|text| Frame::data(Bytes::from_static(text.as_bytes())))
                    .map_err(std::io::Error::other)
            }))
        }
    }

    fn stream(chunks: Vec<Result<&'static str, &'static str>>) -> Chunks {
        Chunks(chunks.into())
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

    /// A body of scripted chunks that announces `length` (as a `Content-Length` does).
    struct Announced {
        chunks: VecDeque<Bytes>,
        length: u64,
    }

    impl Body for Announced {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            Poll::Ready(self.chunks.pop_front().map(|chunk| Ok(Frame::data(chunk))))
        }

        fn size_hint(&self) -> http_body::SizeHint {
            http_body::SizeHint::with_exact(self.length)
        }
    }

    #[tokio::test]
    async fn joins_frames_as_they_arrive_and_keeps_a_lone_frame_as_it_is() {
        let whole = Bytes::from_static(b"the whole body");
        let lone = read_capped(
            Announced {
                chunks: [whole.clone()].into(),
                length: 14,
            },
            14,
        )
        .await
        .unwrap();
        assert_eq!(lone, whole);
        assert_eq!(lone.as_ptr(), whole.as_ptr(), "a lone frame is not copied");

        let chunks = ["the ", "", "whole", " body"].map(|c| Bytes::from_static(c.as_bytes()));
        let joined = read_capped(
            Announced {
                chunks: chunks.into(),
                length: 14,
            },
            100,
        )
        .await
        .unwrap();
        assert_eq!(joined, "the whole body");

        // A server that sends less or more than it announced: what arrived, under the cap.
        for (length, cap) in [(100, 100), (4, 100)] {
            let chunks = ["the ", "whole"].map(|c| Bytes::from_static(c.as_bytes()));
            let body = read_capped(
                Announced {
                    chunks: chunks.into(),
                    length,
                },
                cap,
            )
            .await
            .unwrap();
            assert_eq!(body, "the whole");
        }
        let chunks = ["the ", "whole"].map(|c| Bytes::from_static(c.as_bytes()));
        let error = read_capped(
            Announced {
                chunks: chunks.into(),
                length: 4,
            },
            8,
        )
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
