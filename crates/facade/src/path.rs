//! Path segments from text parameters (`AvailablePhoneNumbers/{CountryCode}`): SIDs are
//! validated and go in as they are; any other value is percent-encoded, so that it can never
//! add a segment, a query or a fragment.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but the RFC 3986 unreserved characters is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` as one path segment.
pub(crate) fn segment(value: &str) -> String {
    let encoded = utf8_percent_encode(value, SEGMENT).to_string();
    // `.` and `..` would walk the path; an empty value would drop a segment.
    match encoded.as_str() {
        "" | "." | ".." => encoded.replace('.', "%2E"),
        _ => encoded,
    }
}

#[cfg(test)]
mod tests {
    use super::segment;

    #[test]
    fn cannot_escape_its_segment() {
        assert_eq!(segment("US"), "US");
        assert_eq!(
            segment("../Calls.json?x=1#y"),
            "..%2FCalls.json%3Fx%3D1%23y"
        );
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("é"), "%C3%A9");
    }
}
