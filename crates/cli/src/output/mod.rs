//! The output of every command: items written to stdout as they arrive, in one of four
//! formats, whatever the resource.
//!
//! Every item arrives as the exact JSON the API sent. JSON and NDJSON pass it through (NDJSON
//! with its line breaks turned into spaces); the table and CSV show its [`Columns`], read out
//! of it without decoding anything else, so that no member, number or odd type can fail an
//! export. The items of one command and another differ only in their columns
//! (`columns.rs`) and in how the table lays them out (`table.rs`).

mod columns;
mod stdout;
mod table;

use std::borrow::Cow;
use std::io::{self, BufWriter, IoSlice, Write};

use serde_json::value::RawValue;
use twilio_export::RawJson;

use crate::args::Format;
use crate::text::printable;

pub(crate) use columns::{Column, Columns, PathColumns, Value, read_paths};
pub(crate) use stdout::{Stdout, claim_stdout};

use table::Table;

/// One item as the API sent it: its JSON text, or an item of a shared raw page (the same
/// text, with what the page's scan found out about it).
#[derive(Clone, Copy)]
pub(crate) enum Item<'a> {
    Text(&'a str),
    Shared(&'a RawJson),
}

impl<'a> Item<'a> {
    fn text(self) -> &'a str {
        match self {
            Item::Text(text) => text,
            Item::Shared(item) => item.get(),
        }
    }

    /// Whether the text holds no line break.
    fn is_one_line(self) -> bool {
        match self {
            Item::Text(text) => !has_line_break(text.as_bytes()),
            Item::Shared(item) => item.is_one_line(),
        }
    }
}

/// Streams items in the chosen format; [`Writer::finish`] closes the document (the JSON
/// array) so that the output stays well-formed even when the listing failed half-way.
///
/// A labelled writer (the same list under several SIDs at once) says which SID each item
/// belongs to, by the names of its [`Labels`]: JSON and NDJSON wrap each as `{"call_sid":
/// "CA…", "event": {…}}`, CSV and the table get a first `call_sid` column. An unlabelled one
/// writes exactly what it always did.
pub(crate) struct Writer<W: Write> {
    sink: Sink<W>,
    columns: Columns,
    labels: Option<Labels>,
    /// Whether the header (table, CSV) or the opening `[` (JSON) is out. It goes out with the
    /// first item or at `finish`, so that input rejected before any request writes nothing.
    started: bool,
}

/// The names a labelled item is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Labels {
    /// The member (and first column) naming the item's parent SID, e.g. `call_sid`.
    pub(crate) parent: &'static str,
    /// The member holding the item in JSON and NDJSON, e.g. `event`.
    pub(crate) item: &'static str,
}

enum Sink<W: Write> {
    Table(Table<W>),
    Json {
        out: BufWriter<W>,
        first: bool,
    },
    Ndjson {
        out: BufWriter<W>,
    },
    Csv {
        out: Box<csv::Writer<W>>,
        header: bool,
    },
}

impl<W: Write> Writer<W> {
    /// A writer of items with these columns (for the table and CSV), unlabelled, with a
    /// header row.
    #[cfg(test)]
    pub(crate) fn new(format: Format, out: W, columns: Columns) -> Self {
        Self::with_options(format, out, columns, None, true)
    }

    /// A writer whose items are labelled with their parent's SID when it has `labels`, and
    /// whose table and CSV have a header row when `header`.
    pub(crate) fn with_options(
        format: Format,
        out: W,
        columns: Columns,
        labels: Option<Labels>,
        header: bool,
    ) -> Self {
        let sink = match format {
            Format::Table => Sink::Table(Table::new(out, &columns, labels, header)),
            Format::Json => Sink::Json {
                out: BufWriter::new(out),
                first: true,
            },
            Format::Ndjson => Sink::Ndjson {
                out: BufWriter::with_capacity(64 * 1024, out),
            },
            Format::Csv => Sink::Csv {
                out: Box::new(csv::Writer::from_writer(out)),
                header,
            },
        };
        Self {
            sink,
            columns,
            labels,
            started: false,
        }
    }

    /// Writes the header or the opening `[`, once.
    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let labels = self.labels;
        match &mut self.sink {
            Sink::Table(table) => table.start(labels),
            Sink::Json { out, .. } => out.write_all(b"["),
            Sink::Ndjson { .. } | Sink::Csv { header: false, .. } => Ok(()),
            Sink::Csv { out, header: true } => {
                let label = labels.map(|labels| labels.parent);
                out.write_record(label.into_iter().chain(self.columns.names()))
                    .map_err(io::Error::other)
            }
        }
    }

    /// Writes one item of the only call listed, given as the exact JSON the API sent.
    pub(crate) fn raw(&mut self, item: &RawValue) -> io::Result<()> {
        self.item(None, Item::Text(item.get()))
    }

    /// Writes one item of the only call listed, given as the exact JSON text the API sent, a
    /// slice of its page (whose scan has found what the output needs of it).
    pub(crate) fn shared(&mut self, item: &RawJson) -> io::Result<()> {
        self.item(None, Item::Shared(item))
    }

    /// Writes the items of one page, each the exact JSON text the API sent, a slice of its
    /// page: as [`Writer::shared`] of each in turn, but JSON and NDJSON hand the texts to `W`
    /// where they lie, in a few vectored writes, instead of copying them into the buffer
    /// first.
    pub(crate) fn shared_page(&mut self, items: &[RawJson]) -> io::Result<()> {
        if self.labels.is_some() {
            return items.iter().try_for_each(|item| self.shared(item));
        }
        self.start()?;
        let mut slices: Vec<IoSlice<'_>> = Vec::with_capacity(2 * ITEMS_PER_WRITE);
        match &mut self.sink {
            Sink::Json { out, first } => {
                for batch in items.chunks(ITEMS_PER_WRITE) {
                    for item in batch {
                        slices.push(IoSlice::new(if *first { b"\n" } else { b",\n" }));
                        slices.push(IoSlice::new(item.get().as_bytes()));
                        *first = false;
                    }
                    write_after_buffer(out, &mut slices)?;
                }
            }
            Sink::Ndjson { out } => {
                let mut rest = items;
                while let Some((item, after)) = rest.split_first() {
                    // An item with a line break goes through the buffer, its breaks turned
                    // into spaces.
                    if !item.is_one_line() {
                        write_on_one_line(out, item.get(), false)?;
                        out.write_all(b"\n")?;
                        rest = after;
                        continue;
                    }
                    let one_line = rest
                        .iter()
                        .take(ITEMS_PER_WRITE)
                        .take_while(|item| item.is_one_line())
                        .count();
                    let (batch, after) = rest.split_at(one_line);
                    rest = after;
                    for item in batch {
                        slices.push(IoSlice::new(item.get().as_bytes()));
                        slices.push(IoSlice::new(b"\n"));
                    }
                    write_after_buffer(out, &mut slices)?;
                }
            }
            Sink::Table(_) | Sink::Csv { .. } => {
                return items.iter().try_for_each(|item| self.shared(item));
            }
        }
        Ok(())
    }

    /// Writes the items of one page, labelled with `label` when the writer is labelled.
    pub(crate) fn page<I: PageItem>(&mut self, label: Option<&str>, items: &[I]) -> io::Result<()> {
        I::write_page(self, label, items)
    }

    /// Writes one item given as the exact JSON text the API sent (passed through by JSON and
    /// NDJSON; read for its columns by the table and CSV), labelled with `label` when the
    /// writer is labelled. `item` must be valid JSON, as a raw item's text is.
    pub(crate) fn item(&mut self, label: Option<&str>, item: Item<'_>) -> io::Result<()> {
        self.start()?;
        let label = self.labels.zip(label);
        match &mut self.sink {
            Sink::Json { out, first } => {
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                open_label(out, label)?;
                out.write_all(item.text().as_bytes())?;
                close_label(out, label)
            }
            Sink::Ndjson { out } => {
                open_label(out, label)?;
                write_on_one_line(out, item.text(), item.is_one_line())?;
                close_label(out, label)?;
                out.write_all(b"\n")
            }
            Sink::Table(table) => match &self.columns {
                Columns::Paths(set) => table.fixed(label.map(|(_, sid)| sid), &(set.read)(item)),
                Columns::Properties(names) => {
                    let cells = columns::properties(item, names)?;
                    let label = label.map(|(_, sid)| sid.to_owned());
                    table.cells(label.into_iter().chain(cells).collect())
                }
            },
            Sink::Csv { out, .. } => {
                let label = label.map(|(_, sid)| sid);
                let record = match &self.columns {
                    Columns::Paths(set) => csv_record(out, label, set, &(set.read)(item)),
                    Columns::Properties(names) => {
                        let cells = columns::properties(item, names)?;
                        let fields: Vec<Cow<'_, str>> =
                            cells.iter().map(|cell| spreadsheet_safe(cell)).collect();
                        let fields = fields.iter().map(|field| field.as_ref());
                        out.write_record(label.into_iter().chain(fields))
                    }
                };
                record.map_err(io::Error::other)
            }
        }
    }

    /// Writes a single fetched object, and ends the output: JSON and NDJSON write it as the
    /// API sent it, on a line of its own (no array); the table and CSV as one row.
    pub(crate) fn fetched(mut self, item: &RawValue) -> io::Result<()> {
        match &mut self.sink {
            Sink::Json { out, .. } | Sink::Ndjson { out } => {
                out.write_all(item.get().as_bytes())?;
                out.write_all(b"\n")?;
                out.flush()
            }
            Sink::Table(_) | Sink::Csv { .. } => {
                self.raw(item)?;
                self.finish()
            }
        }
    }

    /// Ends a page: whatever the page wrote goes out now, so that a reader downstream sees it
    /// as soon as its page is in (the first page also sizes a sized table's columns).
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Table(table) => table.flush(),
            Sink::Json { out, .. } | Sink::Ndjson { out } => out.flush(),
            Sink::Csv { out, .. } => out.flush(),
        }
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.start()?;
        match &mut self.sink {
            Sink::Json { out, first } => out.write_all(if *first { b"]\n" } else { b"\n]\n" })?,
            Sink::Table(table) => table.end()?,
            Sink::Ndjson { .. } | Sink::Csv { .. } => {}
        }
        self.flush()
    }
}

/// An item of a page, as a listing delivers it.
pub(crate) trait PageItem: Sized {
    /// Writes `items`, one page of them, to `writer`.
    fn write_page<W: Write>(
        writer: &mut Writer<W>,
        label: Option<&str>,
        items: &[Self],
    ) -> io::Result<()>;
}

/// An item of a shared raw page (every list): an unlabelled page goes out in vectored
/// writes where JSON and NDJSON allow.
impl PageItem for RawJson {
    fn write_page<W: Write>(
        writer: &mut Writer<W>,
        label: Option<&str>,
        items: &[Self],
    ) -> io::Result<()> {
        match label.filter(|_| writer.labels.is_some()) {
            None => writer.shared_page(items),
            Some(label) => items
                .iter()
                .try_for_each(|item| writer.item(Some(label), Item::Shared(item))),
        }
    }
}

/// An item as its own JSON text (a page of `Raw` items).
impl PageItem for Box<RawValue> {
    fn write_page<W: Write>(
        writer: &mut Writer<W>,
        label: Option<&str>,
        items: &[Self],
    ) -> io::Result<()> {
        items
            .iter()
            .try_for_each(|item| writer.item(label, Item::Text(item.get())))
    }
}

/// Writes one CSV record: the label, if any, then the cells of `set`'s columns whose raw
/// values are `found`, each [`spreadsheet_safe`].
fn csv_record<W: Write>(
    out: &mut csv::Writer<W>,
    label: Option<&str>,
    set: &PathColumns,
    found: &columns::Found<'_>,
) -> csv::Result<()> {
    if let Some(label) = label {
        out.write_field(label)?;
    }
    for (column, raw) in set.columns.iter().zip(found) {
        let cell = columns::cell(column, *raw);
        out.write_field(spreadsheet_safe(&cell).as_bytes())?;
    }
    // An empty record after fields ends the record.
    out.write_record(None::<&[u8]>)
}

/// The most items [`Writer::shared_page`] hands over in one write: a `writev` takes at most
/// 1,024 pieces (`IOV_MAX` on Linux), and an item is two.
const ITEMS_PER_WRITE: usize = 512;

/// Writes what `out` holds, then every byte of `slices` straight to what `out` writes to;
/// leaves `slices` empty for the next batch.
fn write_after_buffer<W: Write>(
    out: &mut BufWriter<W>,
    slices: &mut Vec<IoSlice<'_>>,
) -> io::Result<()> {
    out.flush()?;
    write_all_vectored(out.get_mut(), slices)?;
    slices.clear();
    Ok(())
}

/// Writes every byte of `slices` to `out`, in as few writes as `out` takes them (what the
/// unstable `Write::write_all_vectored` does).
fn write_all_vectored(out: &mut impl Write, mut slices: &mut [IoSlice<'_>]) -> io::Result<()> {
    IoSlice::advance_slices(&mut slices, 0);
    while !slices.is_empty() {
        match out.write_vectored(slices) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(written) => IoSlice::advance_slices(&mut slices, written),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Writes the JSON text `json` on one line: each line break becomes a space (none to look
/// for when `one_line` says it has none).
///
/// In valid JSON a raw line break can only be whitespace between tokens (a string holds one
/// only escaped, as `\n`; serde_json refuses a raw one when it reads the page), so this
/// changes no value: every number and string stays byte for byte what the API sent.
fn write_on_one_line(out: &mut impl Write, json: &str, one_line: bool) -> io::Result<()> {
    if one_line {
        return out.write_all(json.as_bytes());
    }
    let mut pieces = json.split(['\n', '\r']);
    if let Some(first) = pieces.next() {
        out.write_all(first.as_bytes())?;
    }
    for piece in pieces {
        out.write_all(b" ")?;
        out.write_all(piece.as_bytes())?;
    }
    Ok(())
}

/// Whether `bytes` hold a `\n` or a `\r`, in one pass the compiler vectorizes (a `char`
/// pattern search here cost as much as decoding the page; two `memchr`s, half as much).
fn has_line_break(bytes: &[u8]) -> bool {
    fn any(chunk: &[u8]) -> bool {
        chunk.iter().fold(0u8, |found, &b| {
            found | u8::from(b == b'\n') | u8::from(b == b'\r')
        }) != 0
    }
    let chunks = bytes.chunks_exact(64);
    let rest = chunks.remainder();
    chunks.into_iter().any(any) || any(rest)
}

/// A CSV cell that a spreadsheet opens as text, never runs (OWASP's advice on CSV
/// injection): server text loses its control and bidirectional characters, as in the table,
/// and a cell starting (after any spaces) with `=`, `+`, `-` or `@`, which a spreadsheet would
/// read as a formula, gets a leading `'`. (A tab or a carriage return, the other characters
/// OWASP lists, is a control character, so it is a space by then.)
///
/// A plain number is left as it is, signed or not (`-12`, `3.5`, and so an E.164 phone
/// number such as `+15551234567`): a spreadsheet reads it as a number, not a formula, so it
/// cannot run anything, and scripts that cut such a column keep working. Everything else is
/// quoted away, a formula that only adds numbers (`-2+3`) included.
pub(crate) fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let cell = printable(cell);
    let starts_formula = cell
        .trim_start_matches(' ')
        .starts_with(['=', '+', '-', '@']);
    if starts_formula && !is_plain_number(&cell) {
        format!("'{cell}").into()
    } else {
        cell
    }
}

/// `[+-]digits[.digits]`.
fn is_plain_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// Starts the `{"call_sid": …, "event": ` wrapper of a labelled JSON item. The names are the
/// generator's (lower-case words and `_`) and the SID is validated (its prefix and hex
/// digits), so neither needs escaping.
fn open_label(out: &mut impl Write, label: Option<(Labels, &str)>) -> io::Result<()> {
    match label {
        Some((Labels { parent, item }, sid)) => {
            write!(out, "{{\"{parent}\":\"{sid}\",\"{item}\":")
        }
        None => Ok(()),
    }
}

fn close_label<T>(out: &mut impl Write, label: Option<T>) -> io::Result<()> {
    match label {
        Some(_) => out.write_all(b"}"),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event_columns() -> Columns {
        Columns::Paths(&crate::generated::commands::CALL_EVENT_COLUMNS)
    }

    const EVENT_LABELS: Labels = Labels {
        parent: "call_sid",
        item: "event",
    };

    const EVENT: &str = r#"{"request": {"url": "https://example.com/a,b", "method": "POST", "parameters": {}},
        "response": {"date_created": "Tue, 11 Aug 2020 17:44:08 +0000", "response_code": 201,
                     "request_duration": 50, "x_new": true}}"#;

    fn raw(text: &str) -> Box<RawValue> {
        serde_json::from_str(text).unwrap()
    }

    fn render(format: Format, events: &[&str]) -> String {
        let mut buf = Vec::new();
        let mut writer = Writer::new(format, &mut buf, event_columns());
        for e in events {
            writer.raw(&raw(e)).unwrap();
        }
        writer.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn json_is_an_array_even_when_empty() {
        let empty: serde_json::Value = serde_json::from_str(&render(Format::Json, &[])).unwrap();
        assert_eq!(empty, serde_json::json!([]));
        let two: serde_json::Value =
            serde_json::from_str(&render(Format::Json, &[EVENT, EVENT])).unwrap();
        assert_eq!(two.as_array().unwrap().len(), 2);
        assert_eq!(two[0]["response"]["x_new"], true);
    }

    #[test]
    fn ndjson_is_one_object_per_line_with_unknown_fields() {
        let text = render(Format::Ndjson, &[EVENT, EVENT]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1], EVENT.replace('\n', " "));
    }

    #[test]
    fn csv_quotes_commas() {
        let text = render(Format::Csv, &[EVENT]);
        assert_eq!(
            text,
            "time,method,url,response_code,duration_ms\n\
             \"Tue, 11 Aug 2020 17:44:08 +0000\",POST,\"https://example.com/a,b\",201,50\n"
        );
    }

    #[test]
    fn table_has_a_header_and_a_row() {
        let text = render(Format::Table, &[EVENT]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("TIME"));
        assert!(lines[1].contains("POST") && lines[1].contains("201"));
        assert!(lines[1].ends_with("https://example.com/a,b"));
    }

    #[test]
    fn raw_events_pass_through_and_stay_one_per_line() {
        let compact = r#"{"b":1,"a":{"x":"y\nz"}}"#;
        let pretty =
            "{\n  \"b\": -0,\r\n  \"a\": 1e400,\n\t\"c\": 123456789012345678901234567890\n}";
        let text = render(Format::Ndjson, &[compact, pretty]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], compact, "byte for byte");
        assert_eq!(
            lines[1], "{   \"b\": -0,    \"a\": 1e400, \t\"c\": 123456789012345678901234567890 }",
            "only the line breaks changed"
        );
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn a_raw_line_break_is_never_inside_a_string() {
        // What makes `write_on_one_line` safe: a page holding one does not decode at all.
        assert!(serde_json::from_str::<Box<RawValue>>("\"a\nb\"").is_err());
        assert!(serde_json::from_str::<Box<RawValue>>("{\"a\":\"b\rc\"}").is_err());
        assert!(serde_json::from_str::<Box<RawValue>>("{\"a\":\n\"b\"}").is_ok());
    }

    #[test]
    fn rows_read_only_their_columns() {
        /// The cells of an event, named.
        #[derive(Debug, Default, PartialEq, Eq)]
        struct Row {
            time: String,
            method: String,
            url: String,
            code: String,
            duration: String,
        }
        fn cells_of(item: Item<'_>) -> Vec<Cow<'_, str>> {
            let set = &crate::generated::commands::CALL_EVENT_COLUMNS;
            let found = (set.read)(item);
            set.columns
                .iter()
                .zip(found)
                .map(|(column, raw)| columns::cell(column, raw))
                .collect()
        }
        fn named(cells: &[Cow<'_, str>]) -> Row {
            let [time, method, url, code, duration] = cells else {
                panic!("{cells:?}")
            };
            Row {
                time: time.to_string(),
                method: method.to_string(),
                url: url.to_string(),
                code: code.to_string(),
                duration: duration.to_string(),
            }
        }
        fn row(text: &str) -> Row {
            named(&cells_of(Item::Text(text)))
        }
        assert_eq!(
            row(EVENT),
            Row {
                time: "Tue, 11 Aug 2020 17:44:08 +0000".into(),
                method: "POST".into(),
                url: "https://example.com/a,b".into(),
                code: "201".into(),
                duration: "50".into(),
            }
        );
        // Numbers no float holds, anywhere, fail nothing; ill-typed columns stay empty.
        let odd = r#"{"x": 1e400, "request": {"url": 5, "method": "G\u0045T", "y": [-1e999]},
                      "response": {"response_code": "201", "request_duration": 1e400,
                                   "date_created": null}}"#;
        assert_eq!(
            row(odd),
            Row {
                method: "GET".into(),
                ..Row::default()
            }
        );
        for (code, shown) in [
            ("70000", ""),
            ("65536", ""),
            ("65535", "65535"),
            ("0", "0"),
            ("-3", ""),
            ("-0", ""),
            ("201.0", ""),
            ("2e2", ""),
            ("404", "404"),
        ] {
            let text = format!(r#"{{"response": {{"response_code": {code}}}}}"#);
            assert_eq!(row(&text).code, shown, "{code}");
        }
        for (duration, shown) in [
            ("18446744073709551615", "18446744073709551615"),
            ("18446744073709551616", ""),
            ("\"7\"", ""),
        ] {
            let text = format!(r#"{{"response": {{"request_duration": {duration}}}}}"#);
            assert_eq!(row(&text).duration, shown, "{duration}");
        }
        // An item of a shared raw page gives the same row as its text.
        let body = format!("{{\"events\": [{EVENT}, {odd}, 7, {{\"request\": []}}]}}");
        let page = <twilio_export::SharedRaw<twilio_api::model::CallEvents> as twilio_api::model::ListResource>::page_from_body(body.into_bytes()).unwrap();
        assert_eq!(page.items.len(), 4);
        for item in &page.items {
            assert_eq!(
                cells_of(Item::Shared(item)),
                cells_of(Item::Text(item.get())),
                "{item}"
            );
        }
        // A string column is borrowed when it holds no escape, decoded when it does.
        let escaped = r#"{"request": {"url": "https://e.com/\u0061?b=\"c\"", "method": "GET"}}"#;
        let escaped = cells_of(Item::Text(escaped));
        assert_eq!(escaped[2], r#"https://e.com/a?b="c""#);
        assert!(matches!(escaped[2], Cow::Owned(_)));
        assert!(matches!(escaped[1], Cow::Borrowed("GET")));
        // The last of a repeated member counts, as for serde_json::Value and the model.
        assert_eq!(
            row(r#"{"request": {"method": "A", "method": "B"}, "request": {"method": "C"}}"#)
                .method,
            "C"
        );
        assert_eq!(row(r#"{"request": null}"#), Row::default());
        assert_eq!(row(r#"{"request": [1], "response": "x"}"#), Row::default());
        assert_eq!(row("[]"), Row::default());
    }

    /// A writer that takes at most 7 bytes a write, and fails once with `Interrupted`, as a
    /// pipe or a signal may.
    struct Trickle {
        out: Vec<u8>,
        interrupted: bool,
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.write_vectored(&[IoSlice::new(buf)])
        }

        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
            if !self.interrupted {
                self.interrupted = true;
                return Err(io::ErrorKind::Interrupted.into());
            }
            let mut taken = 0;
            for buf in bufs {
                let take = buf.len().min(7 - taken);
                self.out.extend_from_slice(&buf[..take]);
                taken += take;
                if taken == 7 {
                    break;
                }
            }
            Ok(taken)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_page_written_at_once_is_its_events_written_one_by_one() {
        // More events than one vectored write takes, one-line and not, in every format.
        let mut texts = Vec::new();
        for k in 0..1300 {
            texts.push(match k % 7 {
                0 => EVENT.to_owned(),
                _ => format!(r#"{{"k": {k}, "s": "a\nb"}}"#),
            });
        }
        let body = format!("{{\"events\": [{}]}}", texts.join(", "));
        let page = <twilio_export::SharedRaw<twilio_api::model::CallEvents> as twilio_api::model::ListResource>::page_from_body(body.into_bytes()).unwrap();
        assert_eq!(page.items.len(), 1300);
        for format in [Format::Ndjson, Format::Json, Format::Csv, Format::Table] {
            let mut one_by_one = Vec::new();
            let mut writer = Writer::new(format, &mut one_by_one, event_columns());
            for item in &page.items {
                writer.shared(item).unwrap();
            }
            writer.finish().unwrap();
            let mut trickle = Trickle {
                out: Vec::new(),
                interrupted: false,
            };
            let mut writer = Writer::new(format, &mut trickle, event_columns());
            // Split, so that a page follows what the buffer already holds.
            writer.shared(&page.items[0]).unwrap();
            writer.shared_page(&page.items[1..700]).unwrap();
            writer.shared_page(&page.items[700..]).unwrap();
            writer.shared_page(&[]).unwrap();
            writer.finish().unwrap();
            assert_eq!(
                String::from_utf8(trickle.out).unwrap(),
                String::from_utf8(one_by_one).unwrap(),
                "{format:?}"
            );
        }
    }

    #[test]
    fn labelled_events_say_their_call() {
        const SID: &str = "CA0123456789abcdef0123456789abcdef";
        let render_labelled = |format| {
            let mut buf = Vec::new();
            let mut writer =
                Writer::with_options(format, &mut buf, event_columns(), Some(EVENT_LABELS), true);
            writer
                .page(Some(SID), &[raw(r#"{"b":1,"a":null}"#), raw(EVENT)])
                .unwrap();
            writer.finish().unwrap();
            String::from_utf8(buf).unwrap()
        };
        let ndjson = render_labelled(Format::Ndjson);
        let lines: Vec<&str> = ndjson.lines().collect();
        assert_eq!(
            lines[0],
            format!(r#"{{"call_sid":"{SID}","event":{{"b":1,"a":null}}}}"#)
        );
        let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(second["call_sid"], SID);
        assert_eq!(
            second["event"],
            serde_json::from_str::<serde_json::Value>(EVENT).unwrap()
        );

        let json: serde_json::Value = serde_json::from_str(&render_labelled(Format::Json)).unwrap();
        assert_eq!(json[0]["event"]["b"], 1);
        assert_eq!(json[1]["call_sid"], SID);

        let csv = render_labelled(Format::Csv);
        assert!(csv.starts_with("call_sid,time,method,"), "{csv}");
        assert!(
            csv.lines()
                .nth(2)
                .unwrap()
                .starts_with(&format!("{SID},\"Tue,")),
            "{csv}"
        );

        let table = render_labelled(Format::Table);
        assert!(table.starts_with("CALL SID"), "{table}");
        assert!(table.lines().nth(2).unwrap().starts_with(SID), "{table}");
    }

    #[test]
    fn an_unlabelled_writer_ignores_labels() {
        let mut buf = Vec::new();
        let mut writer = Writer::new(Format::Ndjson, &mut buf, event_columns());
        writer
            .page(Some("CA0123456789abcdef0123456789abcdef"), &[raw(EVENT)])
            .unwrap();
        writer.finish().unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            render(Format::Ndjson, &[EVENT])
        );
    }

    #[test]
    fn line_breaks_are_found_anywhere() {
        assert!(!has_line_break(b""));
        assert!(!has_line_break(&[b'x'; 200]));
        for at in [0, 1, 63, 64, 65, 130, 199] {
            for byte in [b'\n', b'\r'] {
                let mut text = vec![b'x'; 200];
                text[at] = byte;
                assert!(has_line_break(&text), "{at} {byte}");
            }
        }
    }

    #[test]
    fn the_table_never_prints_control_or_bidirectional_characters() {
        let event = r#"{"request": {"url": "https://e.com/\u001b]0;pwned\u0007\r\u202etxt.exe",
                                     "method": "GET\u001b[2J\u2066"}}"#;
        let text = render(Format::Table, &[event]);
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && c != '\n') || ('\u{2000}'..='\u{206f}').contains(&c)),
            "{text:?}"
        );
        assert!(
            text.contains("https://e.com/ ]0;pwned   txt.exe"),
            "{text:?}"
        );
    }

    #[test]
    fn csv_cells_never_run_as_formulas() {
        for (cell, safe) in [
            ("=1+1", "'=1+1"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "' =1"),
            ("\r=1", "' =1"),
            ("  =1", "'  =1"),
            ("a\u{202e}b", "a b"),
            // Plain numbers, phone numbers among them, cannot run anything: kept as they are.
            ("+15551234567", "+15551234567"),
            ("-12", "-12"),
            ("-3.25", "-3.25"),
            ("201", "201"),
            ("+", "'+"),
            ("-.5", "'-.5"),
            ("+1 555", "'+1 555"),
            ("https://example.com/=x", "https://example.com/=x"),
            (
                "CA0123456789abcdef0123456789abcdef",
                "CA0123456789abcdef0123456789abcdef",
            ),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell), safe, "{cell:?}");
        }
    }

    #[test]
    fn any_resource_shows_its_named_properties() {
        let columns = || Columns::Properties(vec!["sid".into(), "price".into(), "to".into()]);
        let item =
            r#"{"sid": "CA1", "price": -0.0085000000000000000001, "to": "=1+1", "x": [1e400]}"#;
        let render = |format, header| {
            let mut buf = Vec::new();
            let mut writer = Writer::with_options(format, &mut buf, columns(), None, header);
            writer.raw(&raw(item)).unwrap();
            writer
                .raw(&raw(r#"{"sid": "CA2", "price": null}"#))
                .unwrap();
            writer.finish().unwrap();
            String::from_utf8(buf).unwrap()
        };
        assert_eq!(
            render(Format::Csv, true),
            "sid,price,to\nCA1,-0.0085000000000000000001,'=1+1\nCA2,,\n"
        );
        assert_eq!(
            render(Format::Csv, false),
            "CA1,-0.0085000000000000000001,'=1+1\nCA2,,\n"
        );
        assert_eq!(
            render(Format::Table, true),
            "SID  PRICE                      TO\nCA1  -0.0085000000000000000001  =1+1\nCA2\n"
        );
        assert_eq!(render(Format::Ndjson, true).lines().next(), Some(item));
        // An empty list still says its columns.
        let mut buf = Vec::new();
        Writer::new(Format::Csv, &mut buf, columns())
            .finish()
            .unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "sid,price,to\n");
        // A fetched object is one line in JSON, not an array.
        let mut buf = Vec::new();
        Writer::new(Format::Json, &mut buf, columns())
            .fetched(&raw(item))
            .unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), format!("{item}\n"));
    }
}
