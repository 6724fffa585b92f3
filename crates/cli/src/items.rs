//! The output of every generated command: the items of any resource, as NDJSON and JSON
//! exactly as the API sent them (through the events' [`Writer`]), or as CSV and a table of
//! the chosen properties, read out of the raw JSON without decoding the rest.

use std::io::{self, Write as _};

use serde_json::value::RawValue;

use crate::args::Format;
use crate::failure::Failure;
use crate::output::{Writer, ellipsize, spreadsheet_safe};
use crate::text::printable;

/// Writes items of any resource: JSON and NDJSON exactly as the API sent them (through the
/// events' writer), CSV and the table as the chosen properties.
pub(crate) enum Items<W: io::Write> {
    Json(Writer<W>),
    Csv {
        out: Box<csv::Writer<W>>,
        properties: Vec<String>,
        header: bool,
    },
    Table(Table<W>),
}

/// The table: columns sized to the first page's rows (buffered until the page ends, so that
/// memory stays one page), later rows cut to those widths.
pub(crate) struct Table<W: io::Write> {
    out: io::BufWriter<W>,
    properties: Vec<String>,
    header: bool,
    /// The first page's rows, until its end; then `None`, and `widths` is set.
    pending: Option<Vec<Vec<String>>>,
    widths: Vec<usize>,
}

/// The widest a column gets (but the last, which takes what it needs).
const MAX_COLUMN: usize = 48;

impl<W: io::Write> Table<W> {
    fn row(&mut self, cells: Vec<String>) -> io::Result<()> {
        let cells: Vec<String> = cells.iter().map(|c| printable(c).into_owned()).collect();
        match &mut self.pending {
            Some(rows) => {
                rows.push(cells);
                Ok(())
            }
            None => self.write(&cells),
        }
    }

    fn write(&mut self, cells: &[String]) -> io::Result<()> {
        let last = cells.len().saturating_sub(1);
        let mut line = String::new();
        for (i, (cell, width)) in cells.iter().zip(&self.widths).enumerate() {
            if i == last {
                line.push_str(cell);
            } else {
                let cell = ellipsize(cell, *width);
                let pad = width.saturating_sub(cell.chars().count());
                line.push_str(&cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        writeln!(self.out, "{}", line.trim_end())
    }

    /// Ends the first page: sizes the columns, writes the header and the buffered rows.
    fn flush(&mut self) -> io::Result<()> {
        if let Some(rows) = self.pending.take() {
            let names: Vec<String> = self.properties.iter().map(|p| p.to_uppercase()).collect();
            self.widths = names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let widest = rows
                        .iter()
                        .filter_map(|row| row.get(i))
                        .map(|cell| cell.chars().count())
                        .max()
                        .unwrap_or(0);
                    widest.max(name.len()).min(MAX_COLUMN)
                })
                .collect();
            if self.header {
                self.write(&names)?;
            }
            for row in &rows {
                self.write(row)?;
            }
        }
        self.out.flush()
    }
}

impl<W: io::Write> Items<W> {
    pub(crate) fn new(
        format: Format,
        out: W,
        properties: Vec<String>,
        header: bool,
    ) -> Result<Self, Failure> {
        Ok(match format {
            Format::Json | Format::Ndjson => {
                Items::Json(Writer::new(format, out).map_err(crate::failure::output_failure)?)
            }
            Format::Csv => Items::Csv {
                out: Box::new(csv::Writer::from_writer(out)),
                properties,
                header,
            },
            Format::Table => Items::Table(Table {
                out: io::BufWriter::new(out),
                properties,
                header,
                pending: Some(Vec::new()),
                widths: Vec::new(),
            }),
        })
    }

    pub(crate) fn item(&mut self, item: &RawValue) -> io::Result<()> {
        match self {
            Items::Json(writer) => writer.raw(item),
            Items::Csv {
                out,
                properties,
                header,
            } => {
                if std::mem::take(header) {
                    out.write_record(properties.iter())
                        .map_err(io::Error::other)?;
                }
                let cells = cells(item, properties)?;
                out.write_record(cells.iter().map(|c| spreadsheet_safe(c).into_owned()))
                    .map_err(io::Error::other)
            }
            Items::Table(table) => {
                let cells = cells(item, &table.properties)?;
                table.row(cells)
            }
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match self {
            Items::Json(writer) => writer.flush(),
            Items::Csv { out, .. } => out.flush(),
            Items::Table(table) => table.flush(),
        }
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        match self {
            Items::Json(writer) => writer.finish(),
            _ => self.flush(),
        }
    }
}

/// The chosen properties of one item: a string as its text, `null` or absent as empty, any
/// other value as its JSON text, untouched (a number is never rounded through a float).
fn cells(item: &RawValue, properties: &[String]) -> io::Result<Vec<String>> {
    let members: std::collections::HashMap<String, Box<RawValue>> =
        serde_json::from_str(item.get())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(properties
        .iter()
        .map(|name| match members.get(name) {
            None => String::new(),
            Some(raw) => {
                let text = raw.get();
                if text.starts_with('"') {
                    serde_json::from_str::<String>(text).unwrap_or_else(|_| text.to_owned())
                } else if text == "null" {
                    String::new()
                } else {
                    text.to_owned()
                }
            }
        })
        .collect())
}
