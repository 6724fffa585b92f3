//! What stops a listing: the pager's safety rules and its configuration.

/// A listing stopped by one of the pager's own rules, or refused before any request.
///
/// Failures of a page's fetch are not here: they are the fetch function's own error, which
/// knows the request (see [`Pager::new`](crate::Pager::new)). These are the pager's safety
/// stops (a link to another origin, a cycle, a repeated page, endless empty pages, a
/// malformed link) and its configuration errors. Each stop names the page involved (as the
/// absolute URI that was requested); none can be resumed: the page that carried the refused
/// link was delivered in full, and there is no further page this pager can reach.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PagerError {
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
    /// The absolute URI of the page this error is about: the page that carried a refused
    /// link, or a repeated page. `None` for configuration errors and a refused starting URI.
    pub fn page_uri(&self) -> Option<&str> {
        match self {
            Self::ForeignOrigin { page_uri, .. }
            | Self::Cycle { page_uri, .. }
            | Self::RepeatedPage { page_uri, .. }
            | Self::EmptyPages { page_uri, .. } => Some(page_uri),
            Self::InvalidLink { page_uri, .. } => page_uri.as_deref(),
            Self::InvalidPageSize { .. } | Self::InvalidBaseUrl { .. } => None,
        }
    }

    /// Whether the listing was refused before any request (a bad page size, base URL or
    /// starting URI): the configuration is to fix.
    pub fn is_configuration(&self) -> bool {
        matches!(
            self,
            Self::InvalidPageSize { .. }
                | Self::InvalidBaseUrl { .. }
                | Self::InvalidLink { page_uri: None, .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_stays_small() {
        assert!(size_of::<PagerError>() <= 80, "{}", size_of::<PagerError>());
    }

    #[test]
    fn stops_name_their_page_and_configuration_errors_none() {
        let cycle = PagerError::Cycle {
            page_uri: "https://api.twilio.com/p?Page=2".into(),
            link: "/p?Page=1".into(),
        };
        assert_eq!(cycle.page_uri(), Some("https://api.twilio.com/p?Page=2"));
        assert!(!cycle.is_configuration());

        let first = PagerError::InvalidLink {
            page_uri: None,
            link: "p".into(),
            reason: "no leading slash".into(),
        };
        assert_eq!(first.page_uri(), None);
        assert!(first.is_configuration());
        assert_eq!(
            first.to_string(),
            "invalid link \"p\" given as the first page: no leading slash"
        );
        assert_eq!(
            PagerError::InvalidPageSize { value: 0 }.to_string(),
            "page size 0 is out of range: Twilio accepts 1 to 1000"
        );
    }
}
