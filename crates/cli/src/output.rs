//! Writes events to stdout as they arrive, in one of four formats.

use std::io::{self, BufWriter, Write};

use twilio_api::CallEvent;

use crate::args::Format;

/// The columns of `table` and `csv`.
const COLUMNS: [&str; 5] = ["time", "method", "url", "response_code", "duration_ms"];

/// The useful columns of one event; empty where the event does not say.
struct Row<'a> {
    time: &'a str,
    method: &'a str,
    url: &'a str,
    code: String,
    duration: String,
}

impl<'a> Row<'a> {
    fn of(event: &'a CallEvent) -> Self {
        let request = event.request.as_ref();
        let response = event.response.as_ref();
        Row {
            time: response
                .and_then(|r| r.date_created.as_deref())
                .unwrap_or(""),
            method: request.and_then(|r| r.method.as_deref()).unwrap_or(""),
            url: request.and_then(|r| r.url.as_deref()).unwrap_or(""),
            code: response
                .and_then(|r| r.response_code)
                .map(|c| c.to_string())
                .unwrap_or_default(),
            duration: response
                .and_then(|r| r.request_duration)
                .map(|d| d.to_string())
                .unwrap_or_default(),
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

    /// Writes one decoded event of the only call listed.
    pub(crate) fn event(&mut self, event: &CallEvent) -> io::Result<()> {
        self.event_of(None, event)
    }

    /// Writes one decoded event, labelled with `call_sid` when the writer is labelled.
    pub(crate) fn event_of(&mut self, call_sid: Option<&str>, event: &CallEvent) -> io::Result<()> {
        self.start()?;
        let label = call_sid.filter(|_| self.labelled);
        match &mut self.sink {
            Sink::Table { out, url_width } => {
                let row = Row::of(event);
                // The table is for a terminal: server-sent text loses its control characters.
                let url = printable(row.url);
                let url = match url_width {
                    Some(width) => ellipsize(&url, *width).into_owned(),
                    None => url.into_owned(),
                };
                if let Some(sid) = label {
                    write!(out, "{sid:<CALL_WIDTH$} ")?;
                }
                writeln!(
                    out,
                    "{:<TIME_WIDTH$} {:<METHOD_WIDTH$} {:>CODE_WIDTH$} {:>DURATION_WIDTH$} {}",
                    printable(row.time),
                    printable(row.method),
                    row.code,
                    row.duration,
                    url
                )
            }
            Sink::Json { out, first } => {
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                open_label(out, label)?;
                serde_json::to_writer(&mut *out, event).map_err(io::Error::other)?;
                close_label(out, label)
            }
            Sink::Ndjson { out } => {
                open_label(out, label)?;
                serde_json::to_writer(&mut *out, event).map_err(io::Error::other)?;
                close_label(out, label)?;
                out.write_all(b"\n")
            }
            Sink::Csv { out } => {
                let row = Row::of(event);
                let fields = [row.time, row.method, row.url, &row.code, &row.duration];
                match label {
                    Some(sid) => out.write_record(std::iter::once(sid).chain(fields)),
                    None => out.write_record(fields),
                }
                .map_err(io::Error::other)
            }
        }
    }

    /// Writes one event of the only call listed, given as the exact JSON the API sent.
    pub(crate) fn raw(&mut self, event: &serde_json::value::RawValue) -> io::Result<()> {
        self.raw_of(None, event)
    }

    /// Writes one event given as the exact JSON the API sent (passed through by JSON and
    /// NDJSON; decoded for the other formats), labelled with `call_sid` when the writer is
    /// labelled.
    pub(crate) fn raw_of(
        &mut self,
        call_sid: Option<&str>,
        event: &serde_json::value::RawValue,
    ) -> io::Result<()> {
        self.start()?;
        let label = call_sid.filter(|_| self.labelled);
        match &mut self.sink {
            Sink::Json { out, first } => {
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                open_label(out, label)?;
                out.write_all(event.get().as_bytes())?;
                close_label(out, label)
            }
            Sink::Ndjson { out } => {
                let text = event.get();
                open_label(out, label)?;
                if has_line_break(text.as_bytes()) {
                    // Pretty-printed by the server: one line per event is the format's rule, so
                    // write the same value compactly (a JSON string cannot hold a raw newline).
                    let value: serde_json::Value = serde_json::from_str(text)
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                    serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)?;
                } else {
                    out.write_all(text.as_bytes())?;
                }
                close_label(out, label)?;
                out.write_all(b"\n")
            }
            Sink::Table { .. } | Sink::Csv { .. } => match serde_json::from_str(event.get()) {
                Ok(decoded) => self.event_of(call_sid, &decoded),
                Err(err) => Err(io::Error::new(io::ErrorKind::InvalidData, err)),
            },
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

/// `text` with control characters (escape sequences, carriage returns) replaced by spaces.
pub(crate) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// Cuts `text` to `width` characters, ending with `…` when it was longer.
fn ellipsize(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
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

    fn event() -> CallEvent {
        serde_json::from_str(
            r#"{"request": {"url": "https://example.com/a,b", "method": "POST", "parameters": {}},
                "response": {"date_created": "Tue, 11 Aug 2020 17:44:08 +0000", "response_code": 201,
                             "request_duration": 50, "x_new": true}}"#,
        )
        .unwrap()
    }

    fn render(format: Format, events: &[CallEvent]) -> String {
        let mut buf = Vec::new();
        let mut writer = Writer::new(format, &mut buf).unwrap();
        for e in events {
            writer.event(e).unwrap();
        }
        writer.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn json_is_an_array_even_when_empty() {
        let empty: serde_json::Value = serde_json::from_str(&render(Format::Json, &[])).unwrap();
        assert_eq!(empty, serde_json::json!([]));
        let two: serde_json::Value =
            serde_json::from_str(&render(Format::Json, &[event(), event()])).unwrap();
        assert_eq!(two.as_array().unwrap().len(), 2);
        assert_eq!(two[0]["response"]["x_new"], true);
    }

    #[test]
    fn ndjson_is_one_object_per_line_with_unknown_fields() {
        let text = render(Format::Ndjson, &[event(), event()]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let v: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(v, serde_json::to_value(event()).unwrap());
    }

    #[test]
    fn csv_quotes_commas() {
        let text = render(Format::Csv, &[event()]);
        assert_eq!(
            text,
            "time,method,url,response_code,duration_ms\n\
             \"Tue, 11 Aug 2020 17:44:08 +0000\",POST,\"https://example.com/a,b\",201,50\n"
        );
    }

    #[test]
    fn table_has_a_header_and_a_row() {
        let text = render(Format::Table, &[event()]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("TIME"));
        assert!(lines[1].contains("POST") && lines[1].contains("201"));
        assert!(lines[1].ends_with("https://example.com/a,b"));
    }

    #[test]
    fn raw_events_pass_through_and_stay_one_per_line() {
        let compact: Box<serde_json::value::RawValue> =
            serde_json::from_str(r#"{"b":1,"a":{"x":"y\nz"}}"#).unwrap();
        let pretty: Box<serde_json::value::RawValue> =
            serde_json::from_str("{\n  \"b\": 1,\n  \"a\": null\n}").unwrap();
        let mut buf = Vec::new();
        let mut writer = Writer::new(Format::Ndjson, &mut buf).unwrap();
        writer.raw(&compact).unwrap();
        writer.raw(&pretty).unwrap();
        writer.finish().unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], r#"{"b":1,"a":{"x":"y\nz"}}"#, "byte for byte");
        assert_eq!(lines.len(), 2);
        let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(second, serde_json::json!({"b": 1, "a": null}));
    }

    #[test]
    fn labelled_events_say_their_call() {
        const SID: &str = "CA0123456789abcdef0123456789abcdef";
        let raw: Box<serde_json::value::RawValue> =
            serde_json::from_str(r#"{"b":1,"a":null}"#).unwrap();
        let render_labelled = |format| {
            let mut buf = Vec::new();
            let mut writer = Writer::with_labels(format, &mut buf, true).unwrap();
            writer.raw_of(Some(SID), &raw).unwrap();
            writer.event_of(Some(SID), &event()).unwrap();
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
        assert_eq!(second["event"], serde_json::to_value(event()).unwrap());

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
            .event_of(Some("CA0123456789abcdef0123456789abcdef"), &event())
            .unwrap();
        writer.finish().unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            render(Format::Ndjson, &[event()])
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
    fn the_table_never_prints_control_characters() {
        let event: CallEvent = serde_json::from_str(
            r#"{"request": {"url": "https://e.com/\u001b]0;pwned\u0007\r", "method": "GET\u001b[2J"}}"#,
        )
        .unwrap();
        let text = render(Format::Table, &[event]);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("https://e.com/ ]0;pwned"), "{text:?}");
    }

    #[test]
    fn ellipsize_counts_characters() {
        assert_eq!(ellipsize("abcdef", 10), "abcdef");
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("ééééé", 3), "éé…");
    }
}
