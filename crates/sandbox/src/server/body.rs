//! The response body: a whole buffer, or a scripted sequence of chunks, pauses and failures.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

/// One step of a scripted body.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send these bytes.
    Data(Bytes),
    /// Return `Pending` once so the server flushes what it has written so far.
    Flush,
    /// Wait this long.
    Pause(Duration),
    /// Fail the body: the server aborts the connection.
    Fail,
}

/// The sandbox's response body.
#[derive(Debug)]
pub(crate) struct SandboxBody {
    steps: VecDeque<Step>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    exact_len: Option<u64>,
}

impl SandboxBody {
    /// A complete body.
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        let bytes: Bytes = bytes.into();
        let len = u64::try_from(bytes.len()).ok();
        let steps = if bytes.is_empty() {
            VecDeque::new()
        } else {
            VecDeque::from([Step::Data(bytes)])
        };
        Self {
            steps,
            sleep: None,
            exact_len: len,
        }
    }

    /// The bytes of a complete body (made by [`SandboxBody::full`]); `None` for a scripted
    /// one.
    pub(crate) fn whole(&self) -> Option<Bytes> {
        if self.sleep.is_some() {
            return None;
        }
        match self.steps.iter().collect::<Vec<_>>().as_slice() {
            [] => Some(Bytes::new()),
            [Step::Data(bytes)] => Some(bytes.clone()),
            _ => None,
        }
    }

    /// A scripted body; `exact_len` is announced as the body size (so the server sends a
    /// `Content-Length`), `None` makes it chunked in HTTP/1.1.
    pub(crate) fn scripted(steps: Vec<Step>, exact_len: Option<u64>) -> Self {
        Self {
            steps: steps.into(),
            sleep: None,
            exact_len,
        }
    }
}

impl Body for SandboxBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        loop {
            if let Some(sleep) = self.sleep.as_mut() {
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                self.sleep = None;
            }
            match self.steps.pop_front() {
                None => return Poll::Ready(None),
                Some(Step::Data(bytes)) => return Poll::Ready(Some(Ok(Frame::data(bytes)))),
                Some(Step::Flush) => {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Some(Step::Pause(d)) => self.sleep = Some(Box::pin(tokio::time::sleep(d))),
                Some(Step::Fail) => {
                    return Poll::Ready(Some(Err(std::io::Error::new(
                        std::io::ErrorKind::ConnectionAborted,
                        "sandbox fault: connection cut mid-body",
                    ))));
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.steps.is_empty() && self.sleep.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        match self.exact_len {
            Some(n) => SizeHint::with_exact(n),
            None => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn scripted_body_yields_data_then_fails() {
        let body = SandboxBody::scripted(
            vec![
                Step::Data(Bytes::from_static(b"ab")),
                Step::Flush,
                Step::Pause(Duration::from_millis(1)),
                Step::Data(Bytes::from_static(b"cd")),
                Step::Fail,
            ],
            Some(10),
        );
        assert_eq!(body.size_hint().exact(), Some(10));
        let mut body = body;
        let mut got = Vec::new();
        let err = loop {
            match body.frame().await {
                Some(Ok(frame)) => got.extend_from_slice(&frame.into_data().unwrap()),
                Some(Err(e)) => break e,
                None => panic!("body ended without the scripted failure"),
            }
        };
        assert_eq!(got, b"abcd");
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionAborted);
    }

    #[tokio::test]
    async fn full_body_collects() {
        let body = SandboxBody::full(Bytes::from_static(b"hello"));
        assert_eq!(body.size_hint().exact(), Some(5));
        let bytes = body.collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"hello");
        let empty = SandboxBody::full(Bytes::new());
        assert!(empty.is_end_stream());
        assert_eq!(empty.size_hint().exact(), Some(0));
    }
}
