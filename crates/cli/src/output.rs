//! Writes events to stdout as they arrive, in one of four formats.
//!
//! Every event arrives as the exact JSON the API sent. JSON and NDJSON pass it through (NDJSON
//! with its line breaks turned into spaces); the table and CSV read their five columns out
//! of it without decoding anything else, so that no member, number or odd type can fail an
//! export.

use std::borrow::Cow;
use std::io::{self, BufWriter, IoSlice, Write};

use serde_json::value::RawValue;
use twilio_export::RawJson;

use crate::args::Format;
use crate::text::printable;

/// The columns of `table` and `csv`.
const COLUMNS: [&str; 5] = ["time", "method", "url", "response_code", "duration_ms"];

/// The useful columns of one event; empty where the event does not say.
///
/// As in the model's typed fields, a member that is absent, `null` or of another JSON type
/// (a `response_code` of `"201"`, a `request_duration` of `1e400`) leaves its column empty,
/// and a repeated member counts by its last value.
#[derive(Debug, Default, PartialEq, Eq)]
struct Row<'a> {
    time: Cow<'a, str>,
    method: Cow<'a, str>,
    url: Cow<'a, str>,
    code: Cow<'a, str>,
    duration: Cow<'a, str>,
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

/// The table's and CSV's columns, for the scan of each page to pick them on its way.
pub(crate) enum RowColumns {}

impl twilio_export::Columns for RowColumns {
    const PATHS: &'static [(&'static str, &'static str)] = &ROW_PATHS;
}

/// One event as the API sent it: its JSON text, or an item of a shared raw page (the same
/// text, with what the page's scan found out about it).
#[derive(Clone, Copy)]
enum Event<'a> {
    Text(&'a str),
    Shared(&'a RawJson),
}

impl<'a> Event<'a> {
    fn text(self) -> &'a str {
        match self {
            Event::Text(text) => text,
            Event::Shared(item) => item.get(),
        }
    }

    /// Whether the text holds no line break.
    fn is_one_line(self) -> bool {
        match self {
            Event::Text(text) => !has_line_break(text.as_bytes()),
            Event::Shared(item) => item.is_one_line(),
        }
    }
}

impl<'a> Row<'a> {
    /// The columns of the event whose JSON text is `event`, found in one pass. Every other
    /// member is skipped unread: numbers no float holds, deep nesting and unknown types
    /// included. A column is borrowed from the text where it can be: a string without
    /// escapes is its text between the quotes, an integer in range its digits.
    fn of(event: Event<'a>) -> Self {
        let [url, method, time, code, duration] = match event {
            Event::Text(text) => twilio_export::raw_members_at(text, ROW_PATHS),
            Event::Shared(item) => item.members_at(ROW_PATHS),
        };
        let string = |raw: Option<&'a str>| -> Cow<'a, str> {
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

/// Streams events in the chosen format; [`Writer::finish`] closes the document (the JSON
/// array) so that the output stays well-formed even when the listing failed half-way.
///
/// A labelled writer (several calls listed at once) says which call each event belongs to:
/// JSON and NDJSON wrap each event as `{"call_sid": "CA…", "event": {…}}`, CSV and the
/// table get a first `call_sid` column. An unlabelled one writes exactly what it always did.
pub(crate) struct Writer<W: Write> {
    sink: Sink<W>,
    labelled: bool,
    /// Whether the header (table, CSV) or the opening `[` (JSON) is out. It goes out with the
    /// first event or at `finish`, so that input rejected before any request writes nothing.
    started: bool,
}

enum Sink<W: Write> {
    Table {
        out: BufWriter<W>,
        url_width: Option<usize>,
    },
    Json {
        out: BufWriter<W>,
        first: bool,
    },
    Ndjson {
        out: BufWriter<W>,
    },
    Csv {
        out: Box<csv::Writer<W>>,
    },
}

/// Widths of the fixed table columns; the URL takes what is left of the terminal.
const TIME_WIDTH: usize = 31;
const METHOD_WIDTH: usize = 6;
const CODE_WIDTH: usize = 4;
const DURATION_WIDTH: usize = 11;

impl<W: Write> Writer<W> {
    /// A writer for the events of one call.
    pub(crate) fn new(format: Format, out: W) -> io::Result<Self> {
        Self::with_labels(format, out, false)
    }

    /// A writer whose events are labelled with their call SID when `labelled`.
    pub(crate) fn with_labels(format: Format, out: W, labelled: bool) -> io::Result<Self> {
        let sink = match format {
            Format::Table => {
                let label_width = if labelled { CALL_WIDTH + 1 } else { 0 };
                let url_width = terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| {
                    let fixed =
                        label_width + TIME_WIDTH + METHOD_WIDTH + CODE_WIDTH + DURATION_WIDTH + 4;
                    usize::from(w.0).saturating_sub(fixed).max(20)
                });
                Sink::Table {
                    out: BufWriter::new(out),
                    url_width,
                }
            }
            Format::Json => Sink::Json {
                out: BufWriter::new(out),
                first: true,
            },
            Format::Ndjson => Sink::Ndjson {
                out: BufWriter::with_capacity(64 * 1024, out),
            },
            Format::Csv => Sink::Csv {
                out: Box::new(csv::Writer::from_writer(out)),
            },
        };
        Ok(Self {
            sink,
            labelled,
            started: false,
        })
    }

    /// Writes the header or the opening `[`, once.
    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        self.header()
    }

    fn header(&mut self) -> io::Result<()> {
        let labelled = self.labelled;
        match &mut self.sink {
            Sink::Table { out, .. } => {
                if labelled {
                    write!(out, "{:<CALL_WIDTH$} ", "CALL SID")?;
                }
                writeln!(
                    out,
                    "{:<TIME_WIDTH$} {:<METHOD_WIDTH$} {:>CODE_WIDTH$} {:>DURATION_WIDTH$} URL",
                    "TIME", "METHOD", "CODE", "DURATION ms"
                )
            }
            Sink::Json { out, .. } => out.write_all(b"["),
            Sink::Ndjson { .. } => Ok(()),
            Sink::Csv { out } if labelled => {
                let mut columns = vec![LABEL_COLUMN];
                columns.extend(COLUMNS);
                out.write_record(columns).map_err(io::Error::other)
            }
            Sink::Csv { out } => out.write_record(COLUMNS).map_err(io::Error::other),
        }
    }

    /// Writes one event of the only call listed, given as the exact JSON the API sent.
    pub(crate) fn raw(&mut self, event: &RawValue) -> io::Result<()> {
        self.text_of(None, Event::Text(event.get()))
    }

    /// Writes the events of one page of the only call listed, each the exact JSON text the
    /// API sent, a slice of its page: as [`Writer::shared`] of each in turn, but JSON and
    /// NDJSON hand the texts to `W` where they lie, in a few vectored writes, instead of
    /// copying them into the buffer first.
    pub(crate) fn shared_page(&mut self, events: &[RawJson]) -> io::Result<()> {
        if self.labelled {
            return events.iter().try_for_each(|event| self.shared(event));
        }
        self.start()?;
        let mut slices: Vec<IoSlice<'_>> = Vec::with_capacity(2 * EVENTS_PER_WRITE);
        match &mut self.sink {
            Sink::Json { out, first } => {
                for batch in events.chunks(EVENTS_PER_WRITE) {
                    for event in batch {
                        slices.push(IoSlice::new(if *first { b"\n" } else { b",\n" }));
                        slices.push(IoSlice::new(event.get().as_bytes()));
                        *first = false;
                    }
                    write_after_buffer(out, &mut slices)?;
                }
            }
            Sink::Ndjson { out } => {
                let mut rest = events;
                while let Some((event, after)) = rest.split_first() {
                    // An event with a line break goes through the buffer, its breaks turned
                    // into spaces.
                    if !event.is_one_line() {
                        write_on_one_line(out, event.get(), false)?;
                        out.write_all(b"\n")?;
                        rest = after;
                        continue;
                    }
                    let one_line = rest
                        .iter()
                        .take(EVENTS_PER_WRITE)
                        .take_while(|event| event.is_one_line())
                        .count();
                    let (batch, after) = rest.split_at(one_line);
                    rest = after;
                    for event in batch {
                        slices.push(IoSlice::new(event.get().as_bytes()));
                        slices.push(IoSlice::new(b"\n"));
                    }
                    write_after_buffer(out, &mut slices)?;
                }
            }
            Sink::Table { .. } | Sink::Csv { .. } => {
                return events.iter().try_for_each(|event| self.shared(event));
            }
        }
        Ok(())
    }

    /// Writes one event of the only call listed, given as the exact JSON text the API sent,
    /// a slice of its page (whose scan has found what the output needs of it).
    pub(crate) fn shared(&mut self, event: &RawJson) -> io::Result<()> {
        self.text_of(None, Event::Shared(event))
    }

    /// Writes one event given as the exact JSON the API sent, labelled with `call_sid` when
    /// the writer is labelled.
    pub(crate) fn raw_of(&mut self, call_sid: Option<&str>, event: &RawValue) -> io::Result<()> {
        self.text_of(call_sid, Event::Text(event.get()))
    }

    /// Writes one event given as the exact JSON text the API sent (passed through by JSON and
    /// NDJSON; read for its columns by the table and CSV), labelled with `call_sid` when the
    /// writer is labelled. `event` must be valid JSON, as a raw item's text is.
    fn text_of(&mut self, call_sid: Option<&str>, event: Event<'_>) -> io::Result<()> {
        self.start()?;
        let label = call_sid.filter(|_| self.labelled);
        match &mut self.sink {
            Sink::Json { out, first } => {
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                open_label(out, label)?;
                out.write_all(event.text().as_bytes())?;
                close_label(out, label)
            }
            Sink::Ndjson { out } => {
                open_label(out, label)?;
                write_on_one_line(out, event.text(), event.is_one_line())?;
                close_label(out, label)?;
                out.write_all(b"\n")
            }
            Sink::Table { out, url_width } => {
                let row = Row::of(event);
                // The table is for a terminal: server-sent text loses its control and
                // bidirectional characters.
                let url = printable(&row.url);
                let url = match url_width {
                    Some(width) => ellipsize(&url, *width),
                    None => Cow::Borrowed(url.as_ref()),
                };
                // As `{:<TIME_WIDTH$} {:<METHOD_WIDTH$} {:>CODE_WIDTH$} {:>DURATION_WIDTH$}
                // {url}` writes it, without the formatting machinery (most of the cost of a
                // row).
                let (time, method) = (printable(&row.time), printable(&row.method));
                let cells = [
                    (time.as_ref(), TIME_WIDTH, Align::Left),
                    (method.as_ref(), METHOD_WIDTH, Align::Left),
                    (row.code.as_ref(), CODE_WIDTH, Align::Right),
                    (row.duration.as_ref(), DURATION_WIDTH, Align::Right),
                ];
                let label = label.map(|sid| (sid, CALL_WIDTH, Align::Left));
                for (text, width, align) in label.into_iter().chain(cells) {
                    padded(out, text, width, align)?;
                    out.write_all(b" ")?;
                }
                out.write_all(url.as_bytes())?;
                out.write_all(b"\n")
            }
            Sink::Csv { out } => {
                let row = Row::of(event);
                let fields = [&row.time, &row.method, &row.url, &row.code, &row.duration]
                    .map(|field| spreadsheet_safe(field));
                let fields = fields.iter().map(|field| field.as_ref());
                match label {
                    Some(sid) => out.write_record(std::iter::once(sid).chain(fields)),
                    None => out.write_record(fields),
                }
                .map_err(io::Error::other)
            }
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Table { out, .. } | Sink::Json { out, .. } | Sink::Ndjson { out } => out.flush(),
            Sink::Csv { out } => out.flush(),
        }
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.start()?;
        if let Sink::Json { out, first } = &mut self.sink {
            out.write_all(if *first { b"]\n" } else { b"\n]\n" })?;
        }
        self.flush()
    }
}

/// The most events [`Writer::shared_page`] hands over in one write: a `writev` takes at most
/// 1,024 pieces (`IOV_MAX` on Linux), and an event is two.
const EVENTS_PER_WRITE: usize = 512;

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

/// Standard output as a file of its own (a duplicate of descriptor 1), checked to be open
/// and writable: what the export writes to.
///
/// Rust's runtime puts /dev/null, open for reading and writing, in place of a closed
/// descriptor 1 before `main`, and its `Stdout` takes a write to a closed descriptor
/// (`EBADF`) as a success: either way an export run with `>&-` or `1</dev/null` would fetch
/// every page, write nothing and succeed. Here a closed stdout is recognised (on Linux) and
/// refused, and every write error is seen. A `>/dev/null` (write-only) is a deliberate
/// discard and is taken. Call it before the runtime starts.
#[cfg(unix)]
pub(crate) fn claim_stdout() -> io::Result<Stdout> {
    use std::os::fd::AsFd as _;
    let mut file = std::fs::File::from(io::stdout().as_fd().try_clone_to_owned()?);
    #[cfg(target_os = "linux")]
    if is_stand_in_for_closed_stdout() {
        return Err(io::Error::new(
            io::ErrorKind::NotConnected,
            "it is closed (/dev/null open for reading and writing stands in for it; to \
             discard the output, redirect it to /dev/null)",
        ));
    }
    // A write of nothing: Linux refuses it with EBADF when the descriptor is not open for
    // writing, and /dev/full with ENOSPC; a pipe, a terminal or a file takes it.
    file.write(&[])
        .map_err(|err| io::Error::new(err.kind(), format!("a write to it fails ({err})")))?;
    Ok(file)
}

/// Whether descriptor 1 is what a closed stdout becomes before `main`: /dev/null open for
/// reading and writing (a shell's `>/dev/null` opens it write-only).
#[cfg(target_os = "linux")]
fn is_stand_in_for_closed_stdout() -> bool {
    const ACCESS_MODE: u32 = 0o3;
    const READ_WRITE: u32 = 0o2;
    let is_null = std::fs::read_link("/proc/self/fd/1")
        .is_ok_and(|target| target == std::path::Path::new("/dev/null"));
    is_null
        && std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("flags:"))
                .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok())
                .is_some_and(|flags| flags & ACCESS_MODE == READ_WRITE)
        })
}

/// Standard output, as the export writes to it.
#[cfg(unix)]
pub(crate) type Stdout = std::fs::File;

/// Standard output (off Unix, the standard library's own).
#[cfg(not(unix))]
pub(crate) fn claim_stdout() -> io::Result<Stdout> {
    Ok(io::stdout())
}

/// Standard output, as the export writes to it.
#[cfg(not(unix))]
pub(crate) type Stdout = io::Stdout;

/// The first column of a labelled CSV.
const LABEL_COLUMN: &str = "call_sid";
/// A call SID's width in the table (always 34 characters).
const CALL_WIDTH: usize = 34;

/// Starts the `{"call_sid": …, "event": ` wrapper of a labelled JSON event. The SID is
/// validated (`CA` and hex digits), so it needs no escaping.
fn open_label(out: &mut impl Write, label: Option<&str>) -> io::Result<()> {
    match label {
        Some(sid) => write!(out, "{{\"call_sid\":\"{sid}\",\"event\":"),
        None => Ok(()),
    }
}

fn close_label(out: &mut impl Write, label: Option<&str>) -> io::Result<()> {
    match label {
        Some(_) => out.write_all(b"}"),
        None => Ok(()),
    }
}

/// Which side of its column a table cell keeps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// Writes `text` padded with spaces to `width` characters, as `{:<width$}` (`Left`) or
/// `{:>width$}` (`Right`) would: characters counted as `char`s, nothing cut.
fn padded(out: &mut impl Write, text: &str, width: usize, align: Align) -> io::Result<()> {
    const SPACES: &[u8; 64] = &[b' '; 64];
    let chars = if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    };
    let mut pad = width.saturating_sub(chars);
    if align == Align::Left {
        out.write_all(text.as_bytes())?;
    }
    while pad > 0 {
        let n = pad.min(SPACES.len());
        out.write_all(SPACES.get(..n).unwrap_or_default())?;
        pad -= n;
    }
    if align == Align::Right {
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

/// Cuts `text` to `width` characters, ending with `…` when it was longer.
pub(crate) fn ellipsize(text: &str, width: usize) -> Cow<'_, str> {
    if text.chars().count() <= width {
        return text.into();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"request": {"url": "https://example.com/a,b", "method": "POST", "parameters": {}},
        "response": {"date_created": "Tue, 11 Aug 2020 17:44:08 +0000", "response_code": 201,
                     "request_duration": 50, "x_new": true}}"#;

    fn raw(text: &str) -> Box<RawValue> {
        serde_json::from_str(text).unwrap()
    }

    fn render(format: Format, events: &[&str]) -> String {
        let mut buf = Vec::new();
        let mut writer = Writer::new(format, &mut buf).unwrap();
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
        fn row(text: &str) -> Row<'_> {
            Row::of(Event::Text(text))
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
            assert_eq!(Row::of(Event::Shared(item)), row(item.get()), "{item}");
        }
        // A string column is borrowed when it holds no escape, decoded when it does.
        let escaped = r#"{"request": {"url": "https://e.com/\u0061?b=\"c\"", "method": "GET"}}"#;
        let escaped = row(escaped);
        assert_eq!(escaped.url, r#"https://e.com/a?b="c""#);
        assert!(matches!(escaped.url, Cow::Owned(_)));
        assert!(matches!(escaped.method, Cow::Borrowed("GET")));
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
            let mut writer = Writer::new(format, &mut one_by_one).unwrap();
            for item in &page.items {
                writer.shared(item).unwrap();
            }
            writer.finish().unwrap();
            let mut trickle = Trickle {
                out: Vec::new(),
                interrupted: false,
            };
            let mut writer = Writer::new(format, &mut trickle).unwrap();
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
            let mut writer = Writer::with_labels(format, &mut buf, true).unwrap();
            writer
                .raw_of(Some(SID), &raw(r#"{"b":1,"a":null}"#))
                .unwrap();
            writer.raw_of(Some(SID), &raw(EVENT)).unwrap();
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
        let mut writer = Writer::new(Format::Ndjson, &mut buf).unwrap();
        writer
            .raw_of(Some("CA0123456789abcdef0123456789abcdef"), &raw(EVENT))
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
    fn cells_are_padded_as_format_pads_them() {
        for text in [
            "",
            "GET",
            "POST",
            "201",
            "12345678901",
            "Tue, 11 Aug",
            "é…日本",
            "a\u{301}",
        ] {
            for width in [0, 1, 3, 4, 6, 11, 31, 70, 130] {
                let mut left = Vec::new();
                padded(&mut left, text, width, Align::Left).unwrap();
                assert_eq!(String::from_utf8(left).unwrap(), format!("{text:<width$}"));
                let mut right = Vec::new();
                padded(&mut right, text, width, Align::Right).unwrap();
                assert_eq!(String::from_utf8(right).unwrap(), format!("{text:>width$}"));
            }
        }
    }

    #[test]
    fn ellipsize_counts_characters() {
        assert_eq!(ellipsize("abcdef", 10), "abcdef");
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("ééééé", 3), "éé…");
    }
}
