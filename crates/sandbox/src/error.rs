//! Why a sandbox could not start.

use std::net::SocketAddr;

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The listening socket could not be bound.
    #[error("sandbox could not bind {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The bound socket's address could not be read.
    #[error("sandbox could not read the local address of its socket bound to {addr}")]
    LocalAddr {
        /// The address asked for.
        addr: SocketAddr,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The address is not a loopback address: the sandbox's credentials are public, so it
    /// only listens on loopback.
    #[error("sandbox refuses to listen on {addr}: only loopback addresses are allowed")]
    NotLoopback {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// The webhook URL is not one the sandbox sends to: it only sends plain `http://` to
    /// loopback, like everything it does.
    #[error("sandbox refuses the webhook URL {url}: {reason}")]
    WebhookUrl {
        /// The URL given (a password in it replaced by `***`).
        url: String,
        /// Why.
        reason: &'static str,
    },
    /// The throwaway certificate authority or the TLS configuration could not be made.
    #[error("sandbox could not set up TLS")]
    Tls {
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// More calls were asked for than the sandbox supports.
    #[error("sandbox cannot hold {requested} calls (at most {max})")]
    TooManyCalls {
        /// Calls asked for.
        requested: u64,
        /// The limit ([`MAX_CALLS`](crate::MAX_CALLS)).
        max: u64,
    },
    /// More messages were asked for than the sandbox supports.
    #[error("sandbox cannot hold {requested} messages (at most {max})")]
    TooManyMessages {
        /// Messages asked for.
        requested: u64,
        /// The limit ([`MAX_MESSAGES`](crate::MAX_MESSAGES)).
        max: u64,
    },
}
