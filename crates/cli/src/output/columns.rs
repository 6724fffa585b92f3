//! What the table and CSV show of an item: its columns, read out of its raw JSON without
//! decoding the rest, so that no member, number or odd type can fail an export.
//!
//! A call's events have five fixed columns, some of them nested (the request's URL, the
//! response's code); every other resource shows named top-level members (the spec's
//! `defaultOutputProperties`, or `--properties`).

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::Item;

/// The columns of `table` and `csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Columns {
    /// A call's events: time, method, URL, response code and duration.
    Events,
    /// These top-level members of any resource's items, by their JSON names.
    Properties(Vec<String>),
}

impl Columns {
    /// The names of the columns, as the CSV header has them.
    pub(crate) fn names(&self) -> Vec<&str> {
        match self {
            Columns::Events => EVENT_COLUMNS.to_vec(),
            Columns::Properties(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

/// The CSV header of [`Columns::Events`].
const EVENT_COLUMNS: [&str; 5] = ["time", "method", "url", "response_code", "duration_ms"];

/// The useful columns of one event; empty where the event does not say.
///
/// As in the model's typed fields, a member that is absent, `null` or of another JSON type
/// (a `response_code` of `"201"`, a `request_duration` of `1e400`) leaves its column empty,
/// and a repeated member counts by its last value.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Row<'a> {
    pub(crate) time: Cow<'a, str>,
    pub(crate) method: Cow<'a, str>,
    pub(crate) url: Cow<'a, str>,
    pub(crate) code: Cow<'a, str>,
    pub(crate) duration: Cow<'a, str>,
}

/// Where the table's and CSV's columns are in an event (URL, method, time, code, duration).
///
/// A `static`, so that the paths the page's scan picked ([`RowColumns`]) and the ones a row
/// asks for are the very same strings, which is quicker to see than comparing them.
static ROW_PATHS: [(&str, &str); 5] = [
    ("request", "url"),
    ("request", "method"),
    ("response", "date_created"),
    ("response", "response_code"),
    ("response", "request_duration"),
];

/// The events' table and CSV columns, for the scan of each page to pick them on its way.
#[derive(Debug)]
pub(crate) enum RowColumns {}

impl twilio_export::Columns for RowColumns {
    const PATHS: &'static [(&'static str, &'static str)] = &ROW_PATHS;
}

impl<'a> Row<'a> {
    /// The columns of the event `event`, found in one pass. Every other member is skipped
    /// unread: numbers no float holds, deep nesting and unknown types included. A column is
    /// borrowed from the text where it can be: a string without escapes is its text between
    /// the quotes, an integer in range its digits.
    pub(crate) fn of(event: Item<'a>) -> Self {
        let [url, method, time, code, duration] = match event {
            Item::Text(text) => twilio_export::raw_members_at(text, ROW_PATHS),
            Item::Shared(item) => item.members_at(ROW_PATHS),
        };
        /// A non-negative integer that fits `T`, as its digits (JSON allows no leading zero,
        /// so they are what `T`'s `Display` would write).
        fn integer<T>(raw: Option<&str>) -> Cow<'_, str>
        where
            T: std::str::FromStr + serde::de::DeserializeOwned + ToString,
        {
            let Some(raw) = raw else {
                return Cow::Borrowed("");
            };
            if raw.bytes().all(|b| b.is_ascii_digit()) && raw.parse::<T>().is_ok() {
                return Cow::Borrowed(raw);
            }
            serde_json::from_str::<T>(raw)
                .map(|n| Cow::Owned(n.to_string()))
                .unwrap_or_default()
        }
        Row {
            time: string(time),
            method: string(method),
            url: string(url),
            code: integer::<u16>(code),
            duration: integer::<u64>(duration),
        }
    }
}

/// A JSON string as its text (borrowed when it holds no escape); anything else, or nothing,
/// as empty.
fn string(raw: Option<&str>) -> Cow<'_, str> {
    let Some(raw) = raw else {
        return Cow::Borrowed("");
    };
    // `raw` is one JSON value: starting with a quote, it is a string ending in one.
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(text) if text.bytes().fold(true, |plain, b| plain & (b != b'\\')) => {
            Cow::Borrowed(text)
        }
        _ => serde_json::from_str::<String>(raw)
            .map(Cow::Owned)
            .unwrap_or_default(),
    }
}

/// The named top-level members of one item: a string as its text, `null` or absent as
/// empty, any other value as its JSON text, untouched (a number is never rounded through a
/// float).
pub(crate) fn properties(item: Item<'_>, names: &[String]) -> std::io::Result<Vec<String>> {
    let members: std::collections::HashMap<String, &RawValue> =
        serde_json::from_str(item.text())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    Ok(names
        .iter()
        .map(|name| match members.get(name) {
            None => String::new(),
            Some(raw) => {
                let text = raw.get();
                if text.starts_with('"') {
                    string(Some(text)).into_owned()
                } else if text == "null" {
                    String::new()
                } else {
                    text.to_owned()
                }
            }
        })
        .collect())
}
