//! Query strings as Twilio's SDKs write them: `application/x-www-form-urlencoded` names and
//! values (`StartTime>` → `StartTime%3E`, `+` → `%2B`, space → `+`), dates as `YYYY-MM-DD`,
//! date-times as `YYYY-MM-DDTHH:MM:SSZ` in UTC.

use time::{Date, OffsetDateTime, UtcOffset};

/// `path` with `query` appended (after any query `path` already has).
pub(crate) fn with_query(path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return path.to_owned();
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in query {
        serializer.append_pair(name, value);
    }
    let encoded = serializer.finish();
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}{encoded}")
}

/// A date as Twilio's date filters take it: `2024-01-31`.
pub(crate) fn date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The value of a date-time filter (`StartTime>`, `DateSent<`…): a whole day, or an instant.
///
/// Twilio documents most of these filters with a date (`StartTime>=2009-07-06`: calls that
/// started on or after that day, in UTC) and accepts a full date-time too; both convert:
///
/// ```
/// use twilio_api::DateFilter;
/// use time::macros::{date, datetime};
///
/// assert_eq!(DateFilter::from(date!(2024 - 01 - 01)).to_query(), "2024-01-01");
/// assert_eq!(
///     DateFilter::from(datetime!(2024-03-01 09:30 +01:00)).to_query(),
///     "2024-03-01T08:30:00Z"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateFilter {
    /// A whole day (UTC).
    Date(Date),
    /// An instant, sent in UTC.
    DateTime(OffsetDateTime),
}

impl DateFilter {
    /// The filter as it is written in the query (before URL encoding).
    #[must_use]
    pub fn to_query(&self) -> String {
        match *self {
            Self::Date(d) => date(d),
            Self::DateTime(t) => {
                let t = t.to_offset(UtcOffset::UTC);
                format!(
                    "{}T{:02}:{:02}:{:02}Z",
                    date(t.date()),
                    t.hour(),
                    t.minute(),
                    t.second()
                )
            }
        }
    }
}

impl From<Date> for DateFilter {
    fn from(date: Date) -> Self {
        Self::Date(date)
    }
}

impl From<OffsetDateTime> for DateFilter {
    fn from(instant: OffsetDateTime) -> Self {
        Self::DateTime(instant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_the_official_sdks() {
        let query = [
            ("StartTime>".to_owned(), "2024-01-01".to_owned()),
            ("To".to_owned(), "+1 555".to_owned()),
            ("FriendlyName".to_owned(), "a&b=c/é".to_owned()),
        ];
        assert_eq!(
            with_query("/Calls.json", &query),
            "/Calls.json?StartTime%3E=2024-01-01&To=%2B1+555&FriendlyName=a%26b%3Dc%2F%C3%A9"
        );
        assert_eq!(
            with_query("/Calls.json?A=1", &query[..1]),
            "/Calls.json?A=1&StartTime%3E=2024-01-01"
        );
        assert_eq!(with_query("/Calls.json", &[]), "/Calls.json");
    }
}
