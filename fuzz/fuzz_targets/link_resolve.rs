//! Next-page link resolution never yields a URI on another origin than the configured one,
//! and is stable: the URI it yields resolves to itself and is the same page as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use twilio_pager::__fuzz::{resolve_link, same_page};

const BASES: &[&str] = &[
    "https://api.twilio.com",
    "http://127.0.0.1:8080",
    "https://api.dublin.ie1.twilio.com:443",
    "http://[::1]:3000",
];

/// Scheme, host and port (with the scheme's default) as `url` sees them.
fn origin(uri: &str) -> (String, Option<String>, Option<u16>) {
    let url = url::Url::parse(uri).unwrap_or_else(|e| panic!("{uri:?} does not parse: {e}"));
    (
        url.scheme().to_owned(),
        url.host_str().map(str::to_ascii_lowercase),
        url.port_or_known_default(),
    )
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, link)) = data.split_first() else {
        return;
    };
    let Ok(link) = std::str::from_utf8(link) else {
        return;
    };
    let base = BASES[usize::from(which) % BASES.len()];
    let Ok(uri) = resolve_link(base, link) else {
        return;
    };
    // The same origin for `url` (WHATWG) and for `http` (what the transport connects to).
    assert_eq!(origin(&uri), origin(base), "{link:?} left {base}");
    let parsed: http::Uri = uri.parse().unwrap_or_else(|e| panic!("{uri:?}: {e}"));
    let base_uri: http::Uri = base.parse().unwrap();
    assert_eq!(parsed.scheme(), base_uri.scheme(), "{link:?} -> {uri:?}");
    assert_eq!(
        parsed.host().map(str::to_ascii_lowercase),
        base_uri.host().map(str::to_ascii_lowercase),
        "{link:?} -> {uri:?}"
    );
    assert_eq!(
        parsed
            .port_u16()
            .unwrap_or(if base.starts_with("https") { 443 } else { 80 }),
        base_uri
            .port_u16()
            .unwrap_or(if base.starts_with("https") { 443 } else { 80 }),
        "{link:?} -> {uri:?}"
    );
    assert!(!uri.contains('#'), "{uri:?} carries a fragment");
    // Idempotent: the resolved URI is a link to itself.
    assert_eq!(
        resolve_link(base, &uri).as_deref(),
        Ok(uri.as_str()),
        "{link:?}"
    );
    assert_eq!(
        same_page(base, link, &uri),
        Some(true),
        "{link:?} vs {uri:?}"
    );
});
