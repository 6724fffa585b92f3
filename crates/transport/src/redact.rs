//! What of a URI may be shown in errors and logs, and the headers that carry secrets or ids.

/// `scheme://host:port/path` of `uri`, without its query string (which may carry tokens) and
/// without any `user:password@` of its authority, for errors and logs.
pub(crate) fn uri_without_query(uri: &http::Uri) -> String {
    let mut out = origin(uri);
    out.push_str(uri.path());
    out
}

/// `scheme://host:port` of `uri`, without any `user:password@`: how a proxy is named in
/// errors and logs.
pub(crate) fn origin(uri: &http::Uri) -> String {
    let mut out = String::new();
    if let Some(scheme) = uri.scheme_str() {
        out.push_str(scheme);
        out.push_str("://");
    }
    if let Some(host) = uri.host() {
        out.push_str(host);
    }
    if let Some(port) = uri.port() {
        out.push(':');
        out.push_str(port.as_str());
    }
    out
}

/// The response header in which Twilio names each request it answers (`RQ…`), to quote to
/// Twilio support.
pub const REQUEST_ID_HEADER: &str = "twilio-request-id";

/// The `Twilio-Request-Id` of a response, when it has one that is printable (visible ASCII,
/// at most 128 characters): anything else is not shown on a terminal or in a log.
///
/// ```
/// let mut headers = http::HeaderMap::new();
/// headers.insert("twilio-request-id", "RQ0123456789abcdef0123456789abcdef".parse().unwrap());
/// assert_eq!(twilio_transport::request_id(&headers), Some("RQ0123456789abcdef0123456789abcdef"));
/// ```
pub fn request_id(headers: &http::HeaderMap) -> Option<&str> {
    let id = headers.get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let printable = !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic());
    printable.then_some(id)
}

/// Marks every credential-carrying header sensitive so no HTTP layer below prints it.
pub(crate) fn mark_credentials_sensitive(headers: &mut http::HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if name == http::header::AUTHORIZATION || name == http::header::PROXY_AUTHORIZATION {
            value.set_sensitive(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_uris_lose_query_and_userinfo() {
        let uri: http::Uri = "https://AC1:s3cret@api.twilio.com:8443/a/b.json?PageToken=x"
            .parse()
            .unwrap();
        assert_eq!(
            uri_without_query(&uri),
            "https://api.twilio.com:8443/a/b.json"
        );
        assert_eq!(origin(&uri), "https://api.twilio.com:8443");
        let uri: http::Uri = "http://[::1]/p?q".parse().unwrap();
        assert_eq!(uri_without_query(&uri), "http://[::1]/p");
    }

    #[test]
    fn request_ids_are_shown_only_when_printable() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(request_id(&headers), None);
        headers.insert(REQUEST_ID_HEADER, "RQ1".parse().unwrap());
        assert_eq!(request_id(&headers), Some("RQ1"));
        for hostile in ["", "RQ 1", "RQé", &"x".repeat(129)] {
            headers.insert(
                REQUEST_ID_HEADER,
                http::HeaderValue::from_bytes(hostile.as_bytes()).unwrap(),
            );
            assert_eq!(request_id(&headers), None, "{hostile:?}");
        }
    }

    #[test]
    fn authorization_is_marked_sensitive() {
        let mut headers = http::HeaderMap::new();
        headers.append(http::header::AUTHORIZATION, "Basic a".parse().unwrap());
        headers.append(http::header::AUTHORIZATION, "Basic b".parse().unwrap());
        headers.append(
            http::header::PROXY_AUTHORIZATION,
            "Basic c".parse().unwrap(),
        );
        headers.append(http::header::ACCEPT, "application/json".parse().unwrap());
        mark_credentials_sensitive(&mut headers);
        assert!(
            headers
                .get_all(http::header::AUTHORIZATION)
                .iter()
                .all(http::HeaderValue::is_sensitive)
        );
        assert!(headers[http::header::PROXY_AUTHORIZATION].is_sensitive());
        assert!(!headers[http::header::ACCEPT].is_sensitive());
    }
}
