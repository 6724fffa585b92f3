//! What the table and CSV show of an item: its columns, read out of its raw JSON without
//! decoding the rest, so that no member, number or odd type can fail an export.
//!
//! A command shows named top-level members (the spec's `defaultOutputProperties`, or
//! `--properties`), or, where the generator's column overrides say so (a call's events), a
//! fixed set of columns at nested paths ([`PathColumns`]), which the scan of each page picks
//! on its way.

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::Item;

/// The columns of `table` and `csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Columns {
    /// Members at fixed paths of every item, with their table layout (generated data).
    Paths(&'static PathColumns),
    /// These top-level members of any resource's items, by their JSON names.
    Properties(Vec<String>),
}

impl Columns {
    /// The names of the columns, as the CSV header has them.
    pub(crate) fn names(&self) -> Vec<&str> {
        match self {
            Columns::Paths(set) => set.columns.iter().map(|column| column.name).collect(),
            Columns::Properties(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

/// The most columns a [`PathColumns`] has.
pub(crate) const MAX_PATH_COLUMNS: usize = 8;

/// What [`PathColumns::read`] finds in an item: each column's raw JSON value, if there.
pub(crate) type Found<'a> = [Option<&'a str>; MAX_PATH_COLUMNS];

/// Columns at nested paths of every item, in CSV order (the generator's column overrides,
/// `crates/cli/src/generated/commands.rs`).
#[derive(Debug)]
pub(crate) struct PathColumns {
    pub(crate) columns: &'static [Column],
    /// Reads each column's value out of an item, in `columns`' order: [`read_paths`] of the
    /// columns' paths, one `static` that is also the picking type's, so that the page's scan
    /// picked exactly these.
    pub(crate) read: for<'a> fn(Item<'a>) -> Found<'a>,
}

impl PartialEq for PathColumns {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for PathColumns {}

/// One column of a [`PathColumns`].
#[derive(Debug)]
pub(crate) struct Column {
    /// Its CSV header, e.g. `response_code`.
    pub(crate) name: &'static str,
    /// Its table header, e.g. `CODE`.
    pub(crate) title: &'static str,
    pub(crate) value: Value,
    /// Its width in the table; `None` for the one column the table puts last, as wide as the
    /// terminal leaves it.
    pub(crate) width: Option<usize>,
    /// Whether the table keeps it to the right of its width (numbers).
    pub(crate) right: bool,
}

/// How a column shows the JSON value at its path. A value that is absent, `null` or of
/// another JSON type (a code of `"201"`, a duration of `1e400`) shows as empty, as in the
/// model's typed fields, and a repeated member counts by its last value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value {
    /// A string, as its text.
    Text,
    /// A non-negative integer up to this maximum, as its digits.
    Count(u64),
}

/// Each of `paths` in `item`, found in one pass (by the page's scan, when it picked these
/// very paths). Every other member is skipped unread: numbers no float holds, deep nesting
/// and unknown types included.
pub(crate) fn read_paths<'a, const N: usize>(
    item: Item<'a>,
    paths: [(&'static str, &'static str); N],
) -> Found<'a> {
    let found = match item {
        Item::Text(text) => twilio_export::raw_members_at(text, paths),
        Item::Shared(item) => item.members_at(paths),
    };
    let mut out = [None; MAX_PATH_COLUMNS];
    for (slot, value) in out.iter_mut().zip(found) {
        *slot = value;
    }
    out
}

/// The cell of `column` whose raw JSON value is `raw`; empty where the item does not say. A
/// cell is borrowed from the text where it can be: a string without escapes is its text
/// between the quotes, an integer in range its digits.
pub(crate) fn cell<'a>(column: &Column, raw: Option<&'a str>) -> Cow<'a, str> {
    match (column.value, raw) {
        (Value::Text, raw) => string(raw),
        (Value::Count(max), Some(raw)) => count(raw, max),
        (Value::Count(_), None) => Cow::Borrowed(""),
    }
}

/// A non-negative integer up to `max`, as its digits (JSON allows no leading zero, so they are
/// what `Display` would write); anything else as empty.
fn count(raw: &str, max: u64) -> Cow<'_, str> {
    let digits = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    match raw.parse::<u64>() {
        Ok(n) if digits && n <= max => Cow::Borrowed(raw),
        _ => Cow::Borrowed(""),
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
