//! [`HttpTransport`]: the one trait every transport implements.

use bytes::Bytes;

use crate::TransportError;

/// Sends one HTTP request and returns the whole response.
///
/// Only `http` and `bytes` types cross this boundary, so any HTTP stack (or a scripted
/// test double) can stand behind it. Hold it as `Arc<dyn HttpTransport>`.
#[async_trait::async_trait]
pub trait HttpTransport: Send + Sync + std::fmt::Debug {
    /// Sends `request` and returns the response with its body fully read.
    ///
    /// A non-2xx status is *not* an error at this layer: it is returned as a response.
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError>;
}

#[async_trait::async_trait]
impl<T: HttpTransport + ?Sized> HttpTransport for std::sync::Arc<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        (**self).send(request).await
    }
}
