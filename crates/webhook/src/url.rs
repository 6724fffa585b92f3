//! The webhook URL as Twilio signs it: taken verbatim (never normalized, since the signature
//! covers the exact characters), split just enough to add or remove the port and to read the
//! `bodySHA256` query parameter.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// An absolute `http://` or `https://` URL, borrowed from the caller's string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WebhookUrl<'a> {
    /// The whole URL, as given.
    full: &'a str,
    /// `scheme://` and the user info with its `@`, if any.
    prefix: &'a str,
    /// The host, with the brackets of an IPv6 literal.
    host: &'a str,
    /// The port's digits, when the URL has one.
    port: Option<&'a str>,
    /// The path, query and fragment: everything after the authority.
    rest: &'a str,
    /// 443 for `https`, 80 for `http`.
    default_port: &'static str,
}

impl<'a> WebhookUrl<'a> {
    /// Splits `url`, or says in a few words why it is not an absolute http(s) URL.
    pub(crate) fn parse(url: &'a str) -> Result<Self, &'static str> {
        let Some((scheme, after_scheme)) = url.split_once("://") else {
            return Err("it has no scheme://");
        };
        let default_port = if scheme.eq_ignore_ascii_case("https") {
            "443"
        } else if scheme.eq_ignore_ascii_case("http") {
            "80"
        } else {
            return Err("its scheme is neither http nor https");
        };
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("it contains whitespace or control characters");
        }
        let authority_end = after_scheme
            .find(['/', '?', '#'])
            .unwrap_or(after_scheme.len());
        let (authority, rest) = after_scheme.split_at(authority_end);
        let host_start = authority.rfind('@').map_or(0, |at| at + 1);
        let (userinfo, host_port) = authority.split_at(host_start);
        let prefix_len = scheme.len() + "://".len() + userinfo.len();
        let prefix = url
            .get(..prefix_len)
            .ok_or("its authority cannot be split")?;
        let (host, port) = if host_port.starts_with('[') {
            let close = host_port
                .find(']')
                .ok_or("its IPv6 host has no closing ]")?;
            let (host, after) = host_port.split_at(close + 1);
            match after {
                "" => (host, None),
                _ => match after.strip_prefix(':') {
                    Some(port) => (host, Some(port)),
                    None => return Err("its IPv6 host is followed by something other than a port"),
                },
            }
        } else {
            match host_port.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_port, None),
            }
        };
        if host.is_empty() {
            return Err("it has no host");
        }
        if let Some(port) = port
            && (port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err("its port is not a number");
        }
        Ok(Self {
            full: url,
            prefix,
            host,
            port,
            rest,
            default_port,
        })
    }

    /// The two spellings the official validators try, because Twilio's own signing is not
    /// consistent about ports: the URL without any port, and the URL with its port (the one
    /// it has, or the scheme's default when it has none). One of them is the URL as given.
    pub(crate) fn candidates(&self) -> [Cow<'a, str>; 2] {
        let without = match self.port {
            None => Cow::Borrowed(self.full),
            Some(_) => Cow::Owned(format!("{}{}{}", self.prefix, self.host, self.rest)),
        };
        let with = match self.port {
            Some(_) => Cow::Borrowed(self.full),
            None => Cow::Owned(format!(
                "{}{}:{}{}",
                self.prefix, self.host, self.default_port, self.rest
            )),
        };
        [without, with]
    }

    /// The query string, without `?` and without the fragment, if the URL has one.
    fn query(&self) -> Option<&'a str> {
        let (_, after) = self.rest.split_once('?')?;
        Some(after.split_once('#').map_or(after, |(query, _)| query))
    }

    /// Every value of the query parameter `name` (names and values percent-decoded, `+` as a
    /// space, as form decoding does). `None` for a value that is not UTF-8 once decoded.
    pub(crate) fn query_values(&self, name: &str) -> Vec<Option<String>> {
        let Some(query) = self.query() else {
            return Vec::new();
        };
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter_map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (form_decode(key).as_deref() == Some(name)).then(|| form_decode(value))
            })
            .collect()
    }

    /// The URL fit for a message: the user info's password (a secret) replaced by `***`.
    pub(crate) fn redacted(&self) -> String {
        redact(self.full)
    }
}

/// `url` with the password of its user info replaced by `***`, for messages. Works on any
/// string, parsed or not, so that no error ever echoes credentials.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, after_scheme)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let (authority, rest) = after_scheme.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            let hidden = if user.len() == userinfo.len() {
                ""
            } else {
                ":***"
            };
            format!("{scheme}://{user}{hidden}@{host}{rest}")
        }
        None => url.to_owned(),
    }
}

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space, `%XX` a byte.
/// `None` when the bytes are not UTF-8: a signature is over text, and replacing bad bytes
/// would let two different bodies verify as one.
pub(crate) fn form_decode(component: &str) -> Option<String> {
    let spaced: Cow<'_, str> = if component.contains('+') {
        Cow::Owned(component.replace('+', " "))
    } else {
        Cow::Borrowed(component)
    };
    let bytes: Vec<u8> = percent_decode_str(&spaced).collect();
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(url: &str) -> [String; 2] {
        WebhookUrl::parse(url)
            .unwrap()
            .candidates()
            .map(Cow::into_owned)
    }

    #[test]
    fn ports_are_added_and_removed_without_touching_anything_else() {
        assert_eq!(
            candidates("https://mycompany.com/myapp.php?foo=1&bar=2"),
            [
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            ]
        );
        assert_eq!(
            candidates("http://mycompany.com:1234/myapp.php?foo=1"),
            [
                "http://mycompany.com/myapp.php?foo=1",
                "http://mycompany.com:1234/myapp.php?foo=1",
            ]
        );
        assert_eq!(
            candidates("https://user:pass@example.com:443"),
            [
                "https://user:pass@example.com",
                "https://user:pass@example.com:443"
            ]
        );
        assert_eq!(
            candidates("http://[::1]:8080/hook#frag"),
            ["http://[::1]/hook#frag", "http://[::1]:8080/hook#frag"]
        );
        assert_eq!(
            candidates("HTTPS://Example.COM?a=b"),
            ["HTTPS://Example.COM?a=b", "HTTPS://Example.COM:443?a=b"]
        );
        // A colon in the path or query is not a port.
        assert_eq!(
            candidates("https://example.com/a:b?t=12:00"),
            [
                "https://example.com/a:b?t=12:00",
                "https://example.com:443/a:b?t=12:00"
            ]
        );
    }

    #[test]
    fn what_is_not_an_absolute_http_url_is_refused() {
        for (url, why) in [
            ("example.com/hook", "scheme://"),
            ("ftp://example.com/", "neither http nor https"),
            ("https:///path", "no host"),
            ("https://user@/path", "no host"),
            ("https://example.com:/x", "port"),
            ("https://example.com:8o/x", "port"),
            ("https://[::1/x", "closing ]"),
            ("https://[::1]x/", "other than a port"),
            ("https://example.com/a b", "whitespace"),
            ("https://example.com/\n", "whitespace"),
        ] {
            let err = WebhookUrl::parse(url).unwrap_err();
            assert!(err.contains(why), "{url}: {err}");
        }
    }

    #[test]
    fn query_values_are_form_decoded_and_only_from_the_query() {
        let url = WebhookUrl::parse(
            "https://h/p?bodySHA256=ab%63&x=1&body%53HA256=2&bodySHA256&q=a+b#bodySHA256=no",
        )
        .unwrap();
        assert_eq!(
            url.query_values("bodySHA256"),
            [
                Some("abc".to_owned()),
                Some("2".to_owned()),
                Some(String::new())
            ]
        );
        assert_eq!(url.query_values("q"), [Some("a b".to_owned())]);
        assert!(url.query_values("missing").is_empty());
        let bad = WebhookUrl::parse("https://h/?k=%FF").unwrap();
        assert_eq!(bad.query_values("k"), [None]);
        assert!(
            WebhookUrl::parse("https://h/p")
                .unwrap()
                .query_values("p")
                .is_empty()
        );
    }

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            redact("https://user:s3cr3t@example.com:8443/p?q=1"),
            "https://user:***@example.com:8443/p?q=1"
        );
        assert_eq!(
            redact("https://user@example.com/p"),
            "https://user@example.com/p"
        );
        assert_eq!(redact("https://example.com/p@x"), "https://example.com/p@x");
        assert_eq!(redact("not a url"), "not a url");
        assert_eq!(
            WebhookUrl::parse("http://a:b:c@h/").unwrap().redacted(),
            "http://a:***@h/"
        );
    }

    #[test]
    fn form_components_decode_plus_and_percent_and_refuse_bad_utf8() {
        assert_eq!(form_decode("a+b%2Bc").as_deref(), Some("a b+c"));
        assert_eq!(form_decode("%C3%A9t%C3%A9").as_deref(), Some("été"));
        assert_eq!(form_decode("100%"), Some("100%".to_owned()));
        assert_eq!(form_decode("%FF"), None);
    }
}
