//! The query filters the sandbox honours, where users filter most.
//!
//! | list | filters |
//! |---|---|
//! | `Calls.json` | `Status`, `To`, `From`, `ParentCallSid`, `StartTime`, `EndTime` |
//! | `Messages.json` | `To`, `From`, `DateSent` |
//! | `Recordings.json` | `CallSid`, `ConferenceSid`, `DateCreated` |
//! | `Calls/{CallSid}/Recordings.json`, `Conferences/{ConferenceSid}/Recordings.json` | `DateCreated` |
//! | `Conferences.json` | `Status`, `FriendlyName`, `DateCreated`, `DateUpdated` |
//!
//! Text filters match exactly (a phone number with its `+`, which must be sent as `%2B`: a
//! raw `+` in a query string is a space). A date filter `X` also comes as `X<` and `X>`
//! (sent `X%3C=…` / `X%3E=…`, i.e. `X<=…` / `X>=…`), with a date (`2024-01-01`) or a date-time
//! (`2024-01-01T10:00:00Z`, `2024-01-01 10:00:00`, an offset such as `+02:00`; fractions of a
//! second are ignored), both inclusive:
//! - `X=day`: on that day (UTC); `X=date-time`: at that second;
//! - `X>=day`: on or after the start of that day; `X>=date-time`: at or after it;
//! - `X<=day`: on or before that day, the whole day included; `X<=date-time`: at or before it.
//!
//! A resource whose member is null (a call that has not ended has no `end_time`) matches no
//! date filter on it. A value that is not a date is answered 400 (code 20001). Other lists
//! and other parameters ignore filters, as Twilio ignores parameters it does not know (their
//! page links still carry them).

use crate::store::date::days_from_civil;
use crate::store::world::Entity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Time,
}

/// The filters of each list: the query parameter (without `<`/`>`), the member it tests.
/// A list's filters: query parameter (without `<`/`>`), member, kind.
type Filters = &'static [(&'static str, &'static str, Kind)];

const FILTERS: &[(&str, Filters)] = &[
    (
        "ListCall",
        &[
            ("Status", "status", Kind::Text),
            ("To", "to", Kind::Text),
            ("From", "from", Kind::Text),
            ("ParentCallSid", "parent_call_sid", Kind::Text),
            ("StartTime", "start_time", Kind::Time),
            ("EndTime", "end_time", Kind::Time),
        ],
    ),
    (
        "ListMessage",
        &[
            ("To", "to", Kind::Text),
            ("From", "from", Kind::Text),
            ("DateSent", "date_sent", Kind::Time),
        ],
    ),
    (
        "ListRecording",
        &[
            ("CallSid", "call_sid", Kind::Text),
            ("ConferenceSid", "conference_sid", Kind::Text),
            ("DateCreated", "date_created", Kind::Time),
        ],
    ),
    (
        "ListCallRecording",
        &[("DateCreated", "date_created", Kind::Time)],
    ),
    (
        "ListConferenceRecording",
        &[("DateCreated", "date_created", Kind::Time)],
    ),
    (
        "ListConference",
        &[
            ("Status", "status", Kind::Text),
            ("FriendlyName", "friendly_name", Kind::Text),
            ("DateCreated", "date_created", Kind::Time),
            ("DateUpdated", "date_updated", Kind::Time),
        ],
    ),
];

/// A point or a whole day, in seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Day(i64),
    Instant(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Test {
    Equals(String),
    On(When),
    From(When),
    Until(When),
}

/// One filter of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filter {
    member: &'static str,
    test: Test,
}

/// The filters of a request to `list`, from its decoded query pairs; a bad date is an error
/// message for the 400 answer.
pub(crate) fn parse(list: &str, pairs: &[(String, String)]) -> Result<Vec<Filter>, String> {
    let Some((_, known)) = FILTERS.iter().find(|(l, _)| *l == list) else {
        return Ok(Vec::new());
    };
    let mut filters = Vec::new();
    for (key, value) in pairs {
        let (base, bound) = match key.strip_suffix('<') {
            Some(base) => (base, Some('<')),
            None => match key.strip_suffix('>') {
                Some(base) => (base, Some('>')),
                None => (key.as_str(), None),
            },
        };
        let Some((_, member, kind)) = known.iter().find(|(p, ..)| *p == base) else {
            continue;
        };
        let test = match (kind, bound) {
            (Kind::Text, None) => Test::Equals(value.clone()),
            (Kind::Text, Some(_)) => continue,
            (Kind::Time, _) => {
                let when = parse_when(value).ok_or_else(|| {
                    format!(
                        "Invalid value '{value}' for {key}: expected a date (YYYY-MM-DD) or an \
                         ISO 8601 date-time (YYYY-MM-DDTHH:MM:SSZ)"
                    )
                })?;
                match bound {
                    None => Test::On(when),
                    Some('>') => Test::From(when),
                    Some(_) => Test::Until(when),
                }
            }
        };
        filters.push(Filter { member, test });
    }
    Ok(filters)
}

/// Whether `entity` passes every filter.
pub(crate) fn matches(filters: &[Filter], entity: &Entity) -> bool {
    filters.iter().all(|f| match &f.test {
        Test::Equals(v) => entity.text(f.member) == Some(v.as_str()),
        Test::On(w) => entity.time(f.member).is_some_and(|t| match w {
            When::Day(d) => (*d..d + 86_400).contains(&t),
            When::Instant(i) => t == *i,
        }),
        Test::From(w) => entity.time(f.member).is_some_and(|t| match w {
            When::Day(d) | When::Instant(d) => t >= *d,
        }),
        Test::Until(w) => entity.time(f.member).is_some_and(|t| match w {
            When::Day(d) => t < d + 86_400,
            When::Instant(i) => t <= *i,
        }),
    })
}

fn number(s: &str, range: std::ops::Range<usize>) -> Option<u32> {
    let part = s.get(range)?;
    if part.bytes().all(|b| b.is_ascii_digit()) {
        part.parse().ok()
    } else {
        None
    }
}

/// `2024-01-01` (a day) or `2024-01-01T10:00:00[.fff][Z|±HH:MM]` (also with a space for
/// the `T`; no zone means UTC).
fn parse_when(s: &str) -> Option<When> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (year, month, day) = (number(s, 0..4)?, number(s, 5..7)?, number(s, 8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let midnight = days_from_civil(i64::from(year), month, day) * 86_400;
    if s.len() == 10 {
        return Some(When::Day(midnight));
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' '))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let (h, m, sec) = (number(s, 11..13)?, number(s, 14..16)?, number(s, 17..19)?);
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut rest = s.get(19..)?;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = fraction.get(digits..)?;
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let zone = zone.get(1..)?.replace(':', "");
            if zone.len() != 4 {
                return None;
            }
            let (zh, zm) = (number(&zone, 0..2)?, number(&zone, 2..4)?);
            sign * i64::from(zh * 3600 + zm * 60)
        }
    };
    Some(When::Instant(
        midnight + i64::from(h * 3600 + m * 60 + sec) - offset,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::world::Fact;

    /// The query parameters a list honours (with the `<`/`>` forms of its dates).
    fn honoured(list: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (param, _, kind) in FILTERS
            .iter()
            .filter(|(l, _)| *l == list)
            .flat_map(|(_, f)| *f)
        {
            out.push((*param).to_owned());
            if *kind == Kind::Time {
                out.push(format!("{param}<"));
                out.push(format!("{param}>"));
            }
        }
        out
    }

    const DAY: i64 = 19_723 * 86_400; // 2024-01-01

    #[test]
    fn dates_and_date_times() {
        assert_eq!(parse_when("2024-01-01"), Some(When::Day(DAY)));
        assert_eq!(
            parse_when("2024-01-01T10:00:00Z"),
            Some(When::Instant(DAY + 36_000))
        );
        assert_eq!(
            parse_when("2024-01-01 10:00:00"),
            Some(When::Instant(DAY + 36_000))
        );
        assert_eq!(
            parse_when("2024-01-01T10:00:00.123Z"),
            Some(When::Instant(DAY + 36_000))
        );
        assert_eq!(
            parse_when("2024-01-01T12:00:00+02:00"),
            Some(When::Instant(DAY + 36_000))
        );
        assert_eq!(
            parse_when("2024-01-01T08:30:00-0130"),
            Some(When::Instant(DAY + 36_000))
        );
        for bad in [
            "",
            "2024",
            "2024-13-01",
            "2024-01-32",
            "01/06/2024",
            "2024-01-01T25:00:00Z",
            "2024-01-01Tx",
            "2024-01-01T10:00:00+2",
            "2024-01-01T10:00:00.",
        ] {
            assert_eq!(parse_when(bad), None, "{bad}");
        }
    }

    fn entity(start: Option<i64>) -> Entity {
        let mut e =
            crate::store::world::tests_support::entity("CA00000000000000000000000000000000");
        e.facts
            .push(("start_time", start.map_or(Fact::Null, Fact::Time)));
        e.facts.push(("to", Fact::Static("+15551234567")));
        e
    }

    fn pass(query: &[(&str, &str)], e: &Entity) -> bool {
        let pairs: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        matches(&parse("ListCall", &pairs).unwrap(), e)
    }

    #[test]
    fn inclusive_bounds() {
        let midnight = entity(Some(DAY));
        let evening = entity(Some(DAY + 86_399));
        let next = entity(Some(DAY + 86_400));
        for e in [&midnight, &evening] {
            assert!(pass(&[("StartTime", "2024-01-01")], e));
            assert!(pass(&[("StartTime>", "2024-01-01")], e));
            assert!(pass(&[("StartTime<", "2024-01-01")], e));
        }
        assert!(!pass(&[("StartTime", "2024-01-01")], &next));
        assert!(!pass(&[("StartTime<", "2024-01-01")], &next));
        assert!(pass(&[("StartTime>", "2024-01-02")], &next));
        assert!(!pass(&[("StartTime>", "2024-01-02")], &evening));
        assert!(pass(&[("StartTime<", "2024-01-01T23:59:59Z")], &evening));
        assert!(!pass(&[("StartTime<", "2024-01-01T23:59:58Z")], &evening));
        assert!(pass(&[("StartTime>", "2024-01-01T00:00:00Z")], &midnight));
        assert!(pass(&[("StartTime", "2024-01-01T00:00:00Z")], &midnight));
        assert!(
            !pass(&[("StartTime>", "2020-01-01")], &entity(None)),
            "null matches nothing"
        );
        assert!(pass(&[("To", "+15551234567")], &midnight));
        assert!(
            !pass(&[("To", " 15551234567")], &midnight),
            "a raw + is a space"
        );
        assert!(
            pass(&[("Unknown", "x"), ("StartTime<x", "y")], &midnight),
            "others are ignored"
        );
        let err = parse(
            "ListCall",
            &[("EndTime>".to_owned(), "yesterday".to_owned())],
        )
        .unwrap_err();
        assert!(
            err.contains("EndTime>") && err.contains("yesterday"),
            "{err}"
        );
        assert!(
            parse("ListQueue", &[("StartTime".to_owned(), "x".to_owned())])
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn honoured_names() {
        let calls = honoured("ListCall");
        assert!(calls.contains(&"StartTime>".to_owned()) && calls.contains(&"To".to_owned()));
        assert!(honoured("ListQueue").is_empty());
        // Every honoured filter is one the spec declares for that list.
        for (list, _) in FILTERS {
            let route = crate::store::routes::by_id(list).unwrap();
            for name in honoured(list) {
                assert!(route.query.contains(&name.as_str()), "{list} {name}");
            }
        }
    }
}
