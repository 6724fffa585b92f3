//! [`RetrySafety`]: whether a request may be sent again, as the request itself says.

/// Whether a request may be sent more than once, carried in the request's extensions by
/// whoever built it (the client knows the operation; a transport only sees HTTP).
///
/// [`RetryTransport`](crate::RetryTransport) reads it from every request, and so can any
/// transport wrapped around or inside it ([`RetrySafety::of`]):
/// - [`Idempotent`](Self::Idempotent) (a read, a `DELETE`, a `PUT`): repeated after a 429,
///   a 5xx, a timeout or a broken connection, since doing it twice does what doing it once
///   does;
/// - [`NotIdempotent`](Self::NotIdempotent) (a `POST` that creates or updates, a `PATCH`):
///   repeated only when the first attempt provably had no effect: the server refused it with
///   429 (rate limit), or the connection could not be made at all, so nothing was sent.
///   After a 5xx, a timeout or a connection cut once the request was sent, it may have been
///   applied: it is returned as it is, and the caller decides.
///
/// A request that carries none is treated as `NotIdempotent`: a transport never guesses from
/// the method that repeating is harmless.
///
/// ```
/// use bytes::Bytes;
/// use twilio_transport::RetrySafety;
///
/// let mut request = http::Request::get("https://api.twilio.com/2010-04-01/Accounts.json")
///     .body(Bytes::new())?;
/// assert_eq!(RetrySafety::of(&request), RetrySafety::NotIdempotent);
/// request.extensions_mut().insert(RetrySafety::Idempotent);
/// assert_eq!(RetrySafety::of(&request), RetrySafety::Idempotent);
/// # Ok::<(), http::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetrySafety {
    /// Sending it twice has the effect of sending it once: any transient failure may be
    /// retried.
    Idempotent,
    /// Sending it twice may do it twice: retried only after a 429 or a failure to connect.
    NotIdempotent,
}

impl RetrySafety {
    /// What `request` says of itself; [`NotIdempotent`](Self::NotIdempotent) when it says
    /// nothing.
    pub fn of<B>(request: &http::Request<B>) -> Self {
        request
            .extensions()
            .get::<Self>()
            .copied()
            .unwrap_or(Self::NotIdempotent)
    }

    /// Whether it is [`Idempotent`](Self::Idempotent).
    pub fn is_idempotent(self) -> bool {
        self == Self::Idempotent
    }
}
