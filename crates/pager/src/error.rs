//! What can go wrong while paging, and where to resume.

use bytes::Bytes;
use twilio_transport::TransportError;

/// An error raised while configuring or driving a [`Pager`](crate::Pager).
///
/// Every error raised while paging names the page involved (as the absolute URI that was, or
/// would have been, requested). Errors about one page that may succeed when tried again
/// ([`Status`](Self::Status), [`Decode`](Self::Decode), [`Transport`](Self::Transport)) give
/// that page's URI through [`resume_uri`](Self::resume_uri): start a new listing there with
/// [`Pager::from_page`](crate::Pager::from_page) and nothing is missed or doubled.
///
/// `Display` never prints a header value. In [`Status`](Self::Status), response headers that may
/// carry secrets (`Set-Cookie`, `Cookie`, `Authorization`, `Proxy-Authorization`) are marked
/// sensitive, so `Debug` prints them as `Sensitive`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PagerError {
    /// The server answered a page request with a non-2xx status.
    ///
    /// `body` is the raw response body: for Twilio, a JSON error document (`code`, `message`,
    /// `more_info`, `status`) that the caller may decode.
    #[error("page {page_uri} answered HTTP {status}")]
    Status {
        /// The absolute URI of the page requested.
        page_uri: String,
        /// The status the server answered with.
        status: http::StatusCode,
        /// The response headers (boxed to keep the error small).
        headers: Box<http::HeaderMap>,
        /// The response body, unparsed.
        body: Bytes,
    },

    /// A 2xx response body could not be decoded as the page type.
    ///
    /// The source gives the line and column of the failure.
    #[error("page {page_uri} could not be decoded as a list page")]
    Decode {
        /// The absolute URI of the page requested.
        page_uri: String,
        /// Why decoding failed, with line and column.
        #[source]
        source: serde_json::Error,
        /// The response's `Twilio-Request-Id`, if it had one.
        request_id: Option<String>,
    },

    /// The page request could not be sent or its response could not be read.
    #[error("page {page_uri} could not be fetched")]
    Transport {
        /// The absolute URI of the page requested.
        page_uri: String,
        /// The transport's error (boxed to keep the error small).
        #[source]
        source: Box<TransportError>,
    },

    /// A page's `next_page_uri` points to another origin (scheme, host or port) than the
    /// configured base URL. The link was not followed: no request (and so no credential) went
    /// there.
    #[error("page {page_uri} links to another origin ({link:?}); the link was not followed")]
    ForeignOrigin {
        /// The absolute URI of the page that carried the link.
        page_uri: String,
        /// The link, as the server sent it but for any userinfo (`user:password@` is `***@`).
        link: String,
    },

    /// A page's `next_page_uri` points to a page this listing already fetched, however it is
    /// spelled (escapes, order of the query's parameters): the listing stopped instead of
    /// looping.
    #[error("page {page_uri} links back to {link:?}, which this listing already fetched")]
    Cycle {
        /// The absolute URI of the page that carried the link.
        page_uri: String,
        /// The link, as the server sent it but for any userinfo (`user:password@` is `***@`).
        link: String,
    },

    /// The page fetched from a fresh link says, by its own `uri`, that it is a page this
    /// listing already delivered: the server sent that page again. It was not delivered a
    /// second time, and the listing stopped (the page before, which carried the link, was
    /// delivered in full).
    #[error(
        "page {page_uri} says it is {uri:?}, a page this listing already delivered; \
         it was not delivered again"
    )]
    RepeatedPage {
        /// The absolute URI of the page requested.
        page_uri: String,
        /// The page's own `uri`, as the server sent it but for any userinfo.
        uri: String,
    },

    /// Too many pages in a row held no item yet linked to a further page: a server paging
    /// forever with fresh links (which cycle detection cannot see) is stopped here.
    #[error(
        "stopped after {pages} empty pages in a row that still linked onward (the last: {page_uri})"
    )]
    EmptyPages {
        /// The absolute URI of the last empty page, which carried the link not followed.
        page_uri: String,
        /// How many empty pages in a row were seen.
        pages: u32,
    },

    /// A link (a page's `next_page_uri`, or the URI a listing was asked to start from) is not
    /// a URI the pager will request: malformed, scheme-relative (`//host/...`), relative
    /// without a leading `/`, carrying credentials, or (for a starting URI) on another origin.
    #[error("invalid link {link:?} {}: {reason}", where_from(.page_uri.as_deref()))]
    InvalidLink {
        /// The absolute URI of the page that carried the link; `None` for a starting URI.
        page_uri: Option<String>,
        /// The link, as given but for any userinfo (`user:password@` is `***@`).
        link: String,
        /// Why it was refused.
        reason: String,
    },

    /// The configured page size is outside `1..=1000`. Raised as the first item of the
    /// stream, before any request is sent.
    #[error("page size {value} is out of range: Twilio accepts 1 to 1000")]
    InvalidPageSize {
        /// The page size that was configured.
        value: u32,
    },

    /// The base URL is not an `http` or `https` origin (`scheme://host[:port]`, with no
    /// credentials, path, query or fragment).
    #[error("invalid base URL {base_url:?}: {reason}")]
    InvalidBaseUrl {
        /// The base URL as given, without any credentials it contained.
        base_url: String,
        /// Why it was refused.
        reason: String,
    },
}

fn where_from(page_uri: Option<&str>) -> String {
    match page_uri {
        Some(page_uri) => format!("on page {page_uri}"),
        None => "given as the first page".to_owned(),
    }
}

impl PagerError {
    /// The URI of the page to start a new listing from to continue where this one failed,
    /// with nothing missing or doubled.
    ///
    /// - [`Status`](Self::Status), [`Decode`](Self::Decode), [`Transport`](Self::Transport):
    ///   `Some`, the page that failed; none of its items has been yielded. Pass it to
    ///   [`Pager::from_page`](crate::Pager::from_page) (once the cause is fixed or gone).
    /// - [`ForeignOrigin`](Self::ForeignOrigin), [`Cycle`](Self::Cycle),
    ///   [`EmptyPages`](Self::EmptyPages), [`InvalidLink`](Self::InvalidLink): `None`. The page that carried the bad link has been
    ///   yielded in full; resuming from it would yield its items again and meet the same link.
    ///   There is no further page this pager can reach (its URI is in
    ///   [`page_uri`](Self::page_uri)).
    /// - [`RepeatedPage`](Self::RepeatedPage): `None`. Its page is one already yielded;
    ///   resuming there would only yield it again.
    /// - [`InvalidPageSize`](Self::InvalidPageSize), [`InvalidBaseUrl`](Self::InvalidBaseUrl):
    ///   `None`, nothing was requested; fix the configuration.
    pub fn resume_uri(&self) -> Option<&str> {
        match self {
            Self::Status { page_uri, .. }
            | Self::Decode { page_uri, .. }
            | Self::Transport { page_uri, .. } => Some(page_uri),
            _ => None,
        }
    }

    /// The absolute URI of the page this error is about: the page that failed, or the page
    /// that carried a refused link. `None` for configuration errors.
    pub fn page_uri(&self) -> Option<&str> {
        match self {
            Self::Status { page_uri, .. }
            | Self::Decode { page_uri, .. }
            | Self::Transport { page_uri, .. }
            | Self::ForeignOrigin { page_uri, .. }
            | Self::Cycle { page_uri, .. }
            | Self::RepeatedPage { page_uri, .. }
            | Self::EmptyPages { page_uri, .. } => Some(page_uri),
            Self::InvalidLink { page_uri, .. } => page_uri.as_deref(),
            Self::InvalidPageSize { .. } | Self::InvalidBaseUrl { .. } => None,
        }
    }

    /// The HTTP status of a [`Status`](Self::Status) error.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Marks the values of response headers that may carry secrets as sensitive, so that the
/// `Debug` of a [`PagerError::Status`] never prints them.
pub(crate) fn mark_sensitive(headers: &mut http::HeaderMap) {
    use http::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE};
    for (name, value) in headers.iter_mut() {
        if [&SET_COOKIE, &COOKIE, &AUTHORIZATION, &PROXY_AUTHORIZATION].contains(&name) {
            value.set_sensitive(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_stays_small() {
        // Every item of a stream is a `Result<_, PagerError>`.
        assert!(size_of::<PagerError>() <= 80, "{}", size_of::<PagerError>());
    }

    #[test]
    fn resume_uri_is_the_failed_page_only_for_retryable_page_errors() {
        let status = PagerError::Status {
            page_uri: "https://api.twilio.com/p?Page=2".into(),
            status: http::StatusCode::SERVICE_UNAVAILABLE,
            headers: Box::default(),
            body: Bytes::from_static(b"{}"),
        };
        assert_eq!(status.resume_uri(), Some("https://api.twilio.com/p?Page=2"));
        assert_eq!(status.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(
            status.to_string(),
            "page https://api.twilio.com/p?Page=2 answered HTTP 503 Service Unavailable"
        );

        let cycle = PagerError::Cycle {
            page_uri: "https://api.twilio.com/p?Page=2".into(),
            link: "/p?Page=1".into(),
        };
        assert_eq!(cycle.resume_uri(), None);
        assert_eq!(cycle.page_uri(), Some("https://api.twilio.com/p?Page=2"));

        let first = PagerError::InvalidLink {
            page_uri: None,
            link: "p".into(),
            reason: "no leading slash".into(),
        };
        assert_eq!(first.resume_uri(), None);
        assert_eq!(first.page_uri(), None);
        assert_eq!(
            first.to_string(),
            "invalid link \"p\" given as the first page: no leading slash"
        );
        assert_eq!(
            PagerError::InvalidPageSize { value: 0 }.to_string(),
            "page size 0 is out of range: Twilio accepts 1 to 1000"
        );
    }

    #[test]
    fn secret_response_headers_do_not_reach_debug() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::SET_COOKIE,
            http::HeaderValue::from_static("session=hunter2"),
        );
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        mark_sensitive(&mut headers);
        let error = PagerError::Status {
            page_uri: "https://api.twilio.com/p".into(),
            status: http::StatusCode::UNAUTHORIZED,
            headers: Box::new(headers),
            body: Bytes::new(),
        };
        let debug = format!("{error:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("application/json"), "{debug}");
    }
}
