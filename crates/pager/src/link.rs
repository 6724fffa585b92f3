//! Link resolution: which URIs the pager requests, and how it recognises one it already fetched.
//!
//! Rules:
//! - A relative link must be an absolute-path reference (`/2010-04-01/...`); it is resolved
//!   against the configured origin.
//! - An absolute link is followed only if its scheme, host and port are the origin's.
//! - Scheme-relative links (`//host/...`), other relative forms, links with credentials and
//!   links that are not valid request URIs are refused.
//! - The path and query of a link are sent verbatim: nothing is decoded, re-encoded or
//!   reordered (a `PageToken` is opaque). `url` is used only to check the origin.
//! - To recognise a page already fetched, links are compared in a canonical form
//!   ([`comparison_key`]): the same page however its escapes are cased or its query
//!   parameters ordered.
//! - A link shown in an error never shows a password: [`without_userinfo`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasher, RandomState};

use url::Url;

use crate::PagerError;

/// The largest `PageSize` Twilio accepts.
pub(crate) const MAX_PAGE_SIZE: u32 = 1000;

/// The API origin every page request goes to.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// `scheme://host[:port]/`, used to compare origins.
    url: Url,
    /// `scheme://host[:port]`, without the default port: the prefix of every request URI.
    prefix: String,
}

impl Origin {
    /// Parses a base URL: an `http` or `https` origin, optionally with a trailing `/`.
    pub(crate) fn parse(base_url: &str) -> Result<Self, PagerError> {
        let invalid = |reason: &str| PagerError::InvalidBaseUrl {
            base_url: without_userinfo(base_url).into_owned(),
            reason: reason.to_owned(),
        };
        let url = Url::parse(base_url).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("credentials do not belong in the URL"));
        }
        if url.host_str().is_none() {
            return Err(invalid("there is no host"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "expected an origin (scheme://host[:port]) without path, query or fragment",
            ));
        }
        let prefix = url.origin().ascii_serialization();
        Ok(Self { url, prefix })
    }

    /// `scheme://host[:port]`.
    pub(crate) fn as_str(&self) -> &str {
        &self.prefix
    }

    fn is_same_origin(&self, other: &Url) -> bool {
        other.scheme() == self.url.scheme()
            && other.host() == self.url.host()
            && other.port_or_known_default() == self.url.port_or_known_default()
    }

    /// Resolves `link` to the request it designates, or says why it must not be followed.
    pub(crate) fn resolve(&self, link: &str) -> Result<Target, LinkError> {
        if !link.is_ascii() {
            return Err(LinkError::Invalid(
                "a URI must be ASCII (non-ASCII characters are percent-encoded)".to_owned(),
            ));
        }
        if link.starts_with("//") {
            return Err(LinkError::Invalid(
                "scheme-relative links (//host/...) are not followed".to_owned(),
            ));
        }
        let path_and_query = if link.starts_with('/') {
            // `url` applies the WHATWG rules (e.g. `/\host` means `//host`): the origin it sees
            // must be ours too.
            let joined = self
                .url
                .join(link)
                .map_err(|e| LinkError::Invalid(e.to_string()))?;
            if !self.is_same_origin(&joined) {
                return Err(LinkError::ForeignOrigin);
            }
            link
        } else {
            let absolute = Url::parse(link).map_err(|e| match e {
                url::ParseError::RelativeUrlWithoutBase => LinkError::Invalid(
                    "a relative link must start with '/' (an absolute path)".to_owned(),
                ),
                e => LinkError::Invalid(e.to_string()),
            })?;
            if !self.is_same_origin(&absolute) {
                return Err(LinkError::ForeignOrigin);
            }
            if !absolute.username().is_empty() || absolute.password().is_some() {
                return Err(LinkError::Invalid(
                    "links carrying credentials are not followed".to_owned(),
                ));
            }
            // Take the path and query verbatim from the `http` parser, and require it to agree
            // with `url` on the host, so that no parser difference can redirect a request.
            let uri = http::Uri::try_from(link)
                .map_err(|e| LinkError::Invalid(format!("not a valid request URI: {e}")))?;
            let agrees = uri
                .scheme_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(self.url.scheme()))
                && uri.authority().is_some_and(|a| !a.as_str().contains('@'))
                && uri
                    .host()
                    .zip(absolute.host_str())
                    .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
            if !agrees {
                return Err(LinkError::Invalid("ambiguous URI".to_owned()));
            }
            return Target::new(
                &self.prefix,
                uri.path_and_query().map_or("/", |p| p.as_str()),
            );
        };
        Target::new(&self.prefix, path_and_query)
    }
}

/// Why a link is not followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LinkError {
    /// The link is well-formed but on another origin.
    ForeignOrigin,
    /// The link is not a URI the pager requests.
    Invalid(String),
}

/// A page request: its absolute URI, built from the origin and the link's path and query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    uri: http::Uri,
    text: String,
    prefix_len: usize,
}

impl Target {
    fn new(prefix: &str, path_and_query: &str) -> Result<Self, LinkError> {
        let uri = http::Uri::try_from(format!("{prefix}{path_and_query}"))
            .map_err(|e| LinkError::Invalid(format!("not a valid request URI: {e}")))?;
        // Rebuild the text from what `http` parsed, so a fragment (never sent) is dropped.
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
        let text = format!("{prefix}{path_and_query}");
        Ok(Self {
            uri,
            text,
            prefix_len: prefix.len(),
        })
    }

    /// The request URI.
    pub(crate) fn uri(&self) -> &http::Uri {
        &self.uri
    }

    /// The absolute URI, as text.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The path and query.
    pub(crate) fn path_and_query(&self) -> &str {
        self.text.get(self.prefix_len..).unwrap_or_default()
    }

    /// This target with its `PageSize` query parameter set to `page_size`: an existing
    /// `PageSize` parameter (any case) is replaced in place, otherwise one is appended. Every
    /// other parameter is kept verbatim and in order.
    pub(crate) fn with_page_size(&self, page_size: u32) -> Result<Self, LinkError> {
        let prefix = self.text.get(..self.prefix_len).unwrap_or_default();
        let path_and_query = set_query_param(self.path_and_query(), "PageSize", page_size);
        Self::new(prefix, &path_and_query)
    }
}

/// Sets `name=value` in the query of `path_and_query`, replacing the first parameter named
/// `name` (ASCII case-insensitively) and dropping later ones, or appending it.
fn set_query_param(path_and_query: &str, name: &str, value: u32) -> String {
    let param = format!("{name}={value}");
    let Some((path, query)) = path_and_query.split_once('?') else {
        return format!("{path_and_query}?{param}");
    };
    if query.is_empty() {
        return format!("{path}?{param}");
    }
    let mut placed = false;
    let mut parts = Vec::new();
    for part in query.split('&') {
        let key = part.split_once('=').map_or(part, |(key, _)| key);
        if key.eq_ignore_ascii_case(name) {
            if !placed {
                parts.push(param.as_str());
                placed = true;
            }
        } else {
            parts.push(part);
        }
    }
    if !placed {
        parts.push(&param);
    }
    format!("{path}?{}", parts.join("&"))
}

/// The form of a request URI used to recognise a page already fetched, whatever its spelling:
///
/// - percent-escapes of unreserved characters decoded, other escapes with upper-case hex
///   digits (RFC 3986 §6.2.2);
/// - the query's parameters sorted by name. The sort is stable: parameters of the same name
///   keep their order (`A=1&A=2` is not `A=2&A=1`, since a server may read either the first
///   or the last), and everything else about a parameter is kept (`+` is not `%20`, `a=` is
///   not `a`), so that two keys are equal only for requests any server answers alike.
///
/// The origin part is already normal (built from the configured origin).
pub(crate) fn comparison_key(uri: &str) -> String {
    let normal = normalize_escapes(uri);
    let Some((before, query)) = normal.split_once('?') else {
        return normal;
    };
    let mut params: Vec<&str> = query.split('&').collect();
    params.sort_by_key(|param| param.split_once('=').map_or(*param, |(name, _)| name));
    format!("{before}?{}", params.join("&"))
}

/// `uri` with percent-escapes of unreserved characters decoded and the others upper-cased.
fn normalize_escapes(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = String::with_capacity(uri.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|c| hex_value(*c)),
                bytes.get(i + 2).and_then(|c| hex_value(*c)),
            )
        {
            let decoded = hi * 16 + lo;
            if decoded.is_ascii_alphanumeric() || b"-._~".contains(&decoded) {
                out.push(char::from(decoded));
            } else {
                out.push('%');
                out.push(upper_hex_digit(hi));
                out.push(upper_hex_digit(lo));
            }
            i += 3;
            continue;
        }
        // Request URIs are ASCII (`http` refuses anything else), but stay correct regardless.
        let len = utf8_len(b);
        out.push_str(uri.get(i..i + len).unwrap_or_default());
        i += len;
    }
    out
}

fn hex_value(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// The upper-case hex digit of `n` (below 16).
fn upper_hex_digit(n: u8) -> char {
    char::from_digit(u32::from(n), 16).map_or('0', |c| c.to_ascii_uppercase())
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// The pages a listing has fetched, each under every spelling seen for it (the link followed,
/// the page's own `uri`).
///
/// It keeps a 128-bit fingerprint of each spelling's [`comparison_key`], not the URI, with the
/// number of the page it designates: 24 bytes a spelling, so a listing of a million pages
/// stays small, with a negligible chance of a false match.
#[derive(Debug, Default)]
pub(crate) struct Visited {
    low: RandomState,
    high: RandomState,
    seen: HashMap<u128, u64>,
}

impl Visited {
    /// Records `target` as a spelling of page number `page` (counted from 0 in the order
    /// fetched). Returns the page it was recorded for before, if it was; then nothing changes.
    pub(crate) fn record(&mut self, target: &Target, page: u64) -> Option<u64> {
        let key = comparison_key(target.as_str());
        let fingerprint =
            u128::from(self.high.hash_one(&key)) << 64 | u128::from(self.low.hash_one(&key));
        match self.seen.entry(fingerprint) {
            Entry::Occupied(entry) => Some(*entry.get()),
            Entry::Vacant(entry) => {
                entry.insert(page);
                None
            }
        }
    }
}

/// `text` with the userinfo (`user:password@`) of every URL authority in it replaced by
/// `***@`, for errors and logs; everything else (path, query) is kept.
///
/// It works on text, so that a link too malformed to parse is redacted too. An authority is
/// what follows `//` (or `\\`, `/\`, `\/`, which WHATWG parsers read alike), or `http:` /
/// `https:` without slashes (which they read as `http://`), up to the next `/` or `\`. A `?`
/// or `#` does not end it here: a password may hold one, and over-redacting a malformed link
/// costs nothing.
pub(crate) fn without_userinfo(text: &str) -> Cow<'_, str> {
    if !text.contains('@') {
        return text.into();
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = None;
    let mut i = 0;
    while i < bytes.len() {
        let Some(start) = authority_start(bytes, i) else {
            i += 1;
            continue;
        };
        let rest = bytes.get(start..).unwrap_or_default();
        let end = rest
            .iter()
            .position(|b| matches!(b, b'/' | b'\\'))
            .map_or(bytes.len(), |n| start + n);
        let authority = bytes.get(start..end).unwrap_or_default();
        if let Some(at) = authority.iter().rposition(|&b| b == b'@') {
            out.push_str(text.get(copied.unwrap_or(0)..start).unwrap_or_default());
            out.push_str("***@");
            copied = Some(start + at + 1);
        }
        i = end.max(i + 1);
    }
    let Some(copied) = copied else {
        return text.into();
    };
    out.push_str(text.get(copied..).unwrap_or_default());
    out.into()
}

/// Where an authority starts, if one starts at `i`: after two or more slashes (either way),
/// or after a special scheme written without them (`https:user@host`).
fn authority_start(bytes: &[u8], i: usize) -> Option<usize> {
    let is_slash = |b: Option<&u8>| matches!(b, Some(b'/' | b'\\'));
    if is_slash(bytes.get(i)) && is_slash(bytes.get(i + 1)) {
        let mut start = i + 2;
        while is_slash(bytes.get(start)) {
            start += 1;
        }
        return Some(start);
    }
    let starts_word = i == 0
        || bytes
            .get(i - 1)
            .is_some_and(|b| !(b.is_ascii_alphanumeric() || b"+-.".contains(b)));
    if !starts_word {
        return None;
    }
    ["http:", "https:"].into_iter().find_map(|scheme| {
        let end = i + scheme.len();
        let candidate = bytes.get(i..end)?;
        (candidate.eq_ignore_ascii_case(scheme.as_bytes()) && !is_slash(bytes.get(end)))
            .then_some(end)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin::parse("https://api.twilio.com").unwrap()
    }

    fn resolve(link: &str) -> Result<String, LinkError> {
        origin().resolve(link).map(|t| t.as_str().to_owned())
    }

    fn invalid(link: &str) -> bool {
        matches!(origin().resolve(link), Err(LinkError::Invalid(_)))
    }

    #[test]
    fn base_url_must_be_an_http_origin() {
        for good in [
            "https://api.twilio.com",
            "https://api.twilio.com/",
            "http://127.0.0.1:8080",
            "HTTPS://API.Twilio.COM:443/",
            "http://[::1]:3000",
        ] {
            assert!(Origin::parse(good).is_ok(), "{good}");
        }
        assert_eq!(
            Origin::parse("HTTPS://API.Twilio.COM:443/")
                .unwrap()
                .as_str(),
            "https://api.twilio.com"
        );
        assert_eq!(
            Origin::parse("http://[::1]:3000").unwrap().as_str(),
            "http://[::1]:3000"
        );
        for bad in [
            "",
            "api.twilio.com",
            "ftp://api.twilio.com",
            "https://api.twilio.com/2010-04-01",
            "https://api.twilio.com/?x=1",
            "https://api.twilio.com/#f",
            "file:///etc/passwd",
        ] {
            assert!(
                matches!(Origin::parse(bad), Err(PagerError::InvalidBaseUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn base_url_errors_do_not_show_credentials() {
        let error = Origin::parse("https://AC123:s3cret@api.twilio.com").unwrap_err();
        assert!(matches!(error, PagerError::InvalidBaseUrl { .. }));
        assert!(!error.to_string().contains("s3cret"), "{error}");
        assert!(!format!("{error:?}").contains("s3cret"));
        let error = Origin::parse("https://AC123:s3cret@api twilio.com").unwrap_err();
        assert!(!error.to_string().contains("s3cret"), "{error}");
    }

    #[test]
    fn relative_links_join_the_origin() {
        assert_eq!(
            resolve("/2010-04-01/Accounts/AC1/Calls.json?Page=1").unwrap(),
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json?Page=1"
        );
        let port = Origin::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            port.resolve("/x.json?A=1").unwrap().as_str(),
            "http://127.0.0.1:8080/x.json?A=1"
        );
        assert_eq!(
            port.resolve("/x.json?A=1").unwrap().path_and_query(),
            "/x.json?A=1"
        );
    }

    #[test]
    fn page_tokens_are_kept_verbatim() {
        let link =
            "/2010-04-01/Events.json?PageSize=50&Page=1&PageToken=PA%2Bab+c=d~e%3D%2b%7E&Z=1&A=2";
        let target = origin().resolve(link).unwrap();
        assert_eq!(target.path_and_query(), link);
        assert_eq!(
            target.uri().to_string(),
            format!("https://api.twilio.com{link}")
        );
        let absolute = format!("https://api.twilio.com{link}");
        assert_eq!(origin().resolve(&absolute).unwrap().path_and_query(), link);
    }

    #[test]
    fn same_origin_absolute_links_are_followed() {
        for link in [
            "https://api.twilio.com/a.json?Page=1",
            "HTTPS://API.TWILIO.COM/a.json?Page=1",
            "https://api.twilio.com:443/a.json?Page=1",
        ] {
            assert_eq!(
                resolve(link).unwrap(),
                "https://api.twilio.com/a.json?Page=1",
                "{link}"
            );
        }
        assert_eq!(
            resolve("https://api.twilio.com").unwrap(),
            "https://api.twilio.com/"
        );
    }

    #[test]
    fn other_origins_are_refused() {
        for link in [
            "https://evil.example/a.json",
            "http://api.twilio.com/a.json",
            "https://api.twilio.com:8443/a.json",
            "https://api.twilio.com.evil.example/a.json",
            "/\\evil.example/a.json",
            "ftp://api.twilio.com/a.json",
        ] {
            assert_eq!(
                origin().resolve(link),
                Err(LinkError::ForeignOrigin),
                "{link}"
            );
        }
    }

    #[test]
    fn malformed_and_ambiguous_links_are_refused() {
        for link in [
            "//api.twilio.com/a.json",
            "//evil.example/a.json",
            "a.json?Page=1",
            "?Page=1",
            "",
            "/a b.json",
            "/a.json?x=\u{e9}",
            "https://user:pw@api.twilio.com/a.json",
            "https://api.twilio.com\\@evil.example/a.json",
            "https://[::1/a.json",
        ] {
            assert!(invalid(link), "{link}: {:?}", origin().resolve(link));
        }
    }

    #[test]
    fn fragments_are_not_sent() {
        assert_eq!(
            resolve("/a.json?Page=1#top").unwrap(),
            "https://api.twilio.com/a.json?Page=1"
        );
    }

    #[test]
    fn page_size_is_replaced_in_place_or_appended() {
        assert_eq!(
            set_query_param("/a.json", "PageSize", 5),
            "/a.json?PageSize=5"
        );
        assert_eq!(
            set_query_param("/a.json?", "PageSize", 5),
            "/a.json?PageSize=5"
        );
        assert_eq!(
            set_query_param("/a.json?X=1", "PageSize", 5),
            "/a.json?X=1&PageSize=5"
        );
        assert_eq!(
            set_query_param("/a.json?B=2&pagesize=50&A=%2B1&PageSize=7", "PageSize", 5),
            "/a.json?B=2&PageSize=5&A=%2B1"
        );
        assert_eq!(
            set_query_param("/a.json?PageSize&T=a+b=c", "PageSize", 1000),
            "/a.json?PageSize=1000&T=a+b=c"
        );
        assert_eq!(
            set_query_param("/a.json?PageSizeX=1", "PageSize", 3),
            "/a.json?PageSizeX=1&PageSize=3"
        );
        let target = origin().resolve("/a.json?Z=%2b&PageSize=50").unwrap();
        assert_eq!(
            target.with_page_size(20).unwrap().as_str(),
            "https://api.twilio.com/a.json?Z=%2b&PageSize=20"
        );
    }

    #[test]
    fn comparison_key_normalises_escapes_and_the_order_of_parameters() {
        assert_eq!(comparison_key("/a?T=%7e%2b%2B+%41"), "/a?T=~%2B%2B+A");
        assert_eq!(comparison_key("/a?T=%zz%4"), "/a?T=%zz%4");
        assert_ne!(comparison_key("/a?T=%2B"), comparison_key("/a?T=+"));
        assert_eq!(comparison_key("/a?A=1&B=2"), comparison_key("/a?B=2&A=1"));
        assert_eq!(
            comparison_key("/a?PageToken=x&Page=1&PageSize=50"),
            "/a?Page=1&PageSize=50&PageToken=x"
        );
        assert_ne!(comparison_key("/a?A=1&A=2"), comparison_key("/a?A=2&A=1"));
        assert_eq!(
            comparison_key("/a?A=2&B=1&A=1"),
            comparison_key("/a?B=1&A=2&A=1")
        );
        assert_ne!(comparison_key("/a?A=1&B"), comparison_key("/a?A=1&B="));
        assert_ne!(comparison_key("/a?A=1"), comparison_key("/a?a=1"));
        assert_ne!(comparison_key("/a?A=1&B=2"), comparison_key("/a?A=1%26B=2"));
        assert_eq!(comparison_key("/\u{e9}%41"), "/\u{e9}A");
        assert_eq!(comparison_key("/a"), "/a");
    }

    #[test]
    fn visited_recognises_the_same_page_in_any_spelling() {
        let mut visited = Visited::default();
        let o = origin();
        let mut record = |link: &str, page| visited.record(&o.resolve(link).unwrap(), page);
        assert_eq!(record("/a.json?T=%7e%2b&P=1", 0), None);
        assert_eq!(record("/a.json?T=~%2B&P=1", 1), Some(0));
        assert_eq!(
            record("https://API.twilio.com:443/a.json?P=1&T=~%2B", 1),
            Some(0)
        );
        assert_eq!(record("/a.json?T=%2B%2B", 1), None);
        assert_eq!(record("/a.json?T=+", 2), None);
        assert_eq!(record("/a.json?T=%2b%2b", 3), Some(1));
    }

    #[test]
    fn userinfo_never_survives() {
        for (text, expected) in [
            (
                "https://AC1:s3cret@api.twilio.com/a?Page=1",
                "https://***@api.twilio.com/a?Page=1",
            ),
            ("//u:s3cret@evil.example", "//***@evil.example"),
            (r"http:\\u:s3cret@h/x", r"http:\\***@h/x"),
            (r"/\u:s3cret@h/x", r"/\***@h/x"),
            ("HTTPS:u:s3cret@h/x", "HTTPS:***@h/x"),
            ("https:///u:s3cret@h", "https:///***@h"),
            ("https://u:p@ss:s3cret@h/x?a=b@c", "https://***@h/x?a=b@c"),
            ("https://u:s3c?r#et@h/x", "https://***@h/x"),
            (
                "/a?next=https://u:s3cret@h/&b=https://v:s3cret@i",
                "/a?next=https://***@h/&b=https://***@i",
            ),
            (
                "https://api.twilio.com/a?x=y@z",
                "https://api.twilio.com/a?x=y@z",
            ),
            ("mailto:a@b", "mailto:a@b"),
            ("no url here", "no url here"),
            ("", ""),
        ] {
            assert_eq!(without_userinfo(text), expected, "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn no_password_survives_redaction(
            before in "[ -~]{0,12}",
            scheme in r"(https?:)?(//|\\\\|/\\)?",
            user in "[a-zA-Z0-9:%@?#.]{0,8}",
            host in r"[a-z0-9.\[\]:]{1,12}",
            after in "([/?#][ -~]{0,12})?",
        ) {
            let secret = "Zq9s3cretZq9";
            let text = format!("{before}{scheme}{user}{secret}@{host}{after}");
            let redacted = without_userinfo(&text);
            // Only a URL authority has userinfo: without `//` or a scheme, '@' is just text.
            let has_authority = scheme.contains(['/', '\\'])
                || (scheme.starts_with("http")
                    && !before.ends_with(|c: char| c.is_ascii_alphanumeric() || "+-.".contains(c)));
            if has_authority {
                proptest::prop_assert!(!redacted.contains(secret), "{} -> {}", text, redacted);
            }
        }

        #[test]
        fn the_order_of_distinct_parameters_does_not_matter(
            params in proptest::collection::btree_map("[A-Za-z]{1,6}", "[A-Za-z0-9%+~=]{0,6}", 1..8),
            seed in proptest::prelude::any::<u64>(),
        ) {
            let params: Vec<String> = params.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
            let mut shuffled = params.clone();
            // A deterministic shuffle from the seed (Fisher-Yates with an LCG).
            let mut state = seed;
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let j = usize::try_from(state >> 33).unwrap() % (i + 1);
                shuffled.swap(i, j);
            }
            let a = format!("/p.json?{}", params.join("&"));
            let b = format!("/p.json?{}", shuffled.join("&"));
            proptest::prop_assert_eq!(comparison_key(&a), comparison_key(&b));
            let mut visited = Visited::default();
            let o = origin();
            proptest::prop_assert_eq!(visited.record(&o.resolve(&a).unwrap(), 0), None);
            proptest::prop_assert_eq!(visited.record(&o.resolve(&b).unwrap(), 1), Some(0));
        }

        #[test]
        fn different_values_are_different_pages(
            name in "[A-Za-z]{1,6}",
            one in "[A-Za-z0-9]{1,6}",
            other in "[A-Za-z0-9]{1,6}",
        ) {
            proptest::prop_assume!(one != other);
            let a = format!("/p.json?X=1&{name}={one}");
            let b = format!("/p.json?{name}={other}&X=1");
            proptest::prop_assert_ne!(comparison_key(&a), comparison_key(&b));
        }
    }
}
