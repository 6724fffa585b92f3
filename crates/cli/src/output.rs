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
pub(crate) enum Writer<W: Write> {
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
    pub(crate) fn new(format: Format, out: W) -> io::Result<Self> {
        let mut writer = match format {
            Format::Table => {
                let url_width = terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| {
                    let fixed = TIME_WIDTH + METHOD_WIDTH + CODE_WIDTH + DURATION_WIDTH + 4;
                    usize::from(w.0).saturating_sub(fixed).max(20)
                });
                Self::Table {
                    out: BufWriter::new(out),
                    url_width,
                }
            }
            Format::Json => Self::Json {
                out: BufWriter::new(out),
                first: true,
            },
            Format::Ndjson => Self::Ndjson {
                out: BufWriter::with_capacity(64 * 1024, out),
            },
            Format::Csv => Self::Csv {
                out: Box::new(csv::Writer::from_writer(out)),
            },
        };
        writer.header()?;
        Ok(writer)
    }

    fn header(&mut self) -> io::Result<()> {
        match self {
            Self::Table { out, .. } => writeln!(
                out,
                "{:<TIME_WIDTH$} {:<METHOD_WIDTH$} {:>CODE_WIDTH$} {:>DURATION_WIDTH$} URL",
                "TIME", "METHOD", "CODE", "DURATION ms"
            ),
            Self::Json { out, .. } => out.write_all(b"["),
            Self::Ndjson { .. } => Ok(()),
            Self::Csv { out } => out.write_record(COLUMNS).map_err(io::Error::other),
        }
    }

    pub(crate) fn event(&mut self, event: &CallEvent) -> io::Result<()> {
        match self {
            Self::Table { out, url_width } => {
                let row = Row::of(event);
                let url = match url_width {
                    Some(width) => ellipsize(row.url, *width),
                    None => row.url.into(),
                };
                writeln!(
                    out,
                    "{:<TIME_WIDTH$} {:<METHOD_WIDTH$} {:>CODE_WIDTH$} {:>DURATION_WIDTH$} {}",
                    row.time, row.method, row.code, row.duration, url
                )
            }
            Self::Json { out, first } => {
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                serde_json::to_writer(&mut *out, event).map_err(io::Error::other)
            }
            Self::Ndjson { out } => {
                serde_json::to_writer(&mut *out, event).map_err(io::Error::other)?;
                out.write_all(b"\n")
            }
            Self::Csv { out } => {
                let row = Row::of(event);
                out.write_record([row.time, row.method, row.url, &row.code, &row.duration])
                    .map_err(io::Error::other)
            }
        }
    }

    /// Writes one event given as the exact JSON the API sent (JSON and NDJSON only: the other
    /// formats need the decoded event).
    pub(crate) fn raw(&mut self, event: &serde_json::value::RawValue) -> io::Result<()> {
        match self {
            Self::Json { out, first } => {
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                out.write_all(event.get().as_bytes())
            }
            Self::Ndjson { out } => {
                let text = event.get();
                if text.contains(['\n', '\r']) {
                    // Pretty-printed by the server: one line per event is the format's rule, so
                    // write the same value compactly (a JSON string cannot hold a raw newline).
                    let value: serde_json::Value = serde_json::from_str(text)
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                    serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)?;
                } else {
                    out.write_all(text.as_bytes())?;
                }
                out.write_all(b"\n")
            }
            Self::Table { .. } | Self::Csv { .. } => match serde_json::from_str(event.get()) {
                Ok(decoded) => self.event(&decoded),
                Err(err) => Err(io::Error::new(io::ErrorKind::InvalidData, err)),
            },
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Table { out, .. } | Self::Json { out, .. } | Self::Ndjson { out } => out.flush(),
            Self::Csv { out } => out.flush(),
        }
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        if let Self::Json { out, first } = &mut self {
            out.write_all(if *first { b"]\n" } else { b"\n]\n" })?;
        }
        self.flush()
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
    fn ellipsize_counts_characters() {
        assert_eq!(ellipsize("abcdef", 10), "abcdef");
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("ééééé", 3), "éé…");
    }
}
