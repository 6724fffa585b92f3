//! RFC 2822 dates as Twilio writes them (`Tue, 11 Aug 2020 17:44:08 +0000`), without allocation.

use std::fmt;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the Unix epoch, displayed in RFC 2822 form in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rfc2822(pub(crate) i64);

/// Converts days since 1970-01-01 into a proleptic Gregorian `(year, month 1..=12, day 1..=31)`.
///
/// Howard Hinnant's `civil_from_days`.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = if m <= 2 { y + 1 } else { y };
    // Both values are small and positive by construction.
    (
        year,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

impl fmt::Display for Rfc2822 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        // 1970-01-01 was a Thursday.
        let weekday = usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0);
        let month_index = usize::try_from(month.saturating_sub(1)).unwrap_or(0);
        write!(
            f,
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
            WEEKDAYS.get(weekday).copied().unwrap_or("Thu"),
            day,
            MONTHS.get(month_index).copied().unwrap_or("Jan"),
            year,
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        )
    }
}

/// Converts a proleptic Gregorian date into days since 1970-01-01 (Howard Hinnant's
/// `days_from_civil`); `month` is 1..=12 and `day` 1..=31, not checked against the month.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400); // [0, 399]
    let mp = i64::from((month + 9) % 12); // March is 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Seconds since the Unix epoch as an ISO 8601 date, `2020-08-11`.
pub(crate) fn iso_date(secs: i64) -> String {
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// Seconds since the Unix epoch as an ISO 8601 date-time in UTC, `2020-08-11T17:44:08`
/// followed by `suffix` (`Z` or `+00:00`).
pub(crate) fn iso_date_time(secs: i64, suffix: &str) -> String {
    let rem = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}{suffix}",
        iso_date(secs),
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

impl serde::Serialize for Rfc2822 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_twilio() {
        assert_eq!(
            Rfc2822(1_597_167_848).to_string(),
            "Tue, 11 Aug 2020 17:44:08 +0000"
        );
        assert_eq!(Rfc2822(0).to_string(), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(
            Rfc2822(946_684_799).to_string(),
            "Fri, 31 Dec 1999 23:59:59 +0000"
        );
        assert_eq!(
            Rfc2822(1_709_164_800).to_string(),
            "Thu, 29 Feb 2024 00:00:00 +0000"
        );
        assert_eq!(
            Rfc2822(-86_400 * 365).to_string(),
            "Wed, 01 Jan 1969 00:00:00 +0000"
        );
    }

    #[test]
    fn serializes_as_a_json_string() {
        let json = serde_json::to_string(&Rfc2822(951_782_400)).unwrap();
        assert_eq!(json, "\"Tue, 29 Feb 2000 00:00:00 +0000\"");
    }
    #[test]
    fn civil_round_trips_and_iso_forms() {
        for days in [-800_000, -1, 0, 1, 18_485, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(iso_date(1_597_167_848), "2020-08-11");
        assert_eq!(iso_date_time(1_597_167_848, "Z"), "2020-08-11T17:44:08Z");
        assert_eq!(iso_date_time(-1, "+00:00"), "1969-12-31T23:59:59+00:00");
    }
}
