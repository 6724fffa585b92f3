//! The table: aligned columns for a terminal, server text made printable.
//!
//! A call's events have fixed columns, written as each row comes, the URL last and cut to
//! the terminal's width. Any other resource's columns are sized to the first page's rows
//! (buffered until the page ends, so that memory stays one page), later rows cut to those
//! widths, the last column as long as it needs.

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use super::Labels;
use super::columns::{Columns, Row};
use crate::text::printable;

/// A SID's width in the table (always 34 characters).
pub(crate) const SID_WIDTH: usize = 34;

/// Widths of the fixed event columns; the URL takes what is left of the terminal.
const TIME_WIDTH: usize = 31;
const METHOD_WIDTH: usize = 6;
const CODE_WIDTH: usize = 4;
const DURATION_WIDTH: usize = 11;

/// The widest a sized column gets (but the last, which takes what it needs).
const MAX_COLUMN: usize = 48;

pub(crate) struct Table<W: Write> {
    out: BufWriter<W>,
    layout: Layout,
    header: bool,
}

enum Layout {
    /// A call's events: fixed widths; the URL cut to this width when stdout is a terminal.
    Events { url_width: Option<usize> },
    /// Columns sized to the first page.
    Sized {
        /// The header's cells.
        names: Vec<String>,
        /// The first page's rows, until its end; then `None`, and `widths` is set.
        pending: Option<Vec<Vec<String>>>,
        widths: Vec<usize>,
    },
}

impl<W: Write> Table<W> {
    pub(crate) fn new(out: W, columns: &Columns, labels: Option<Labels>, header: bool) -> Self {
        let layout = match columns {
            Columns::Events => {
                let label_width = if labels.is_some() { SID_WIDTH + 1 } else { 0 };
                let url_width = terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| {
                    let fixed =
                        label_width + TIME_WIDTH + METHOD_WIDTH + CODE_WIDTH + DURATION_WIDTH + 4;
                    usize::from(w.0).saturating_sub(fixed).max(20)
                });
                Layout::Events { url_width }
            }
            Columns::Properties(properties) => Layout::Sized {
                names: labels
                    .map(|labels| labels.parent.to_uppercase())
                    .into_iter()
                    .chain(properties.iter().map(|p| p.to_uppercase()))
                    .collect(),
                pending: Some(Vec::new()),
                widths: Vec::new(),
            },
        };
        Self {
            out: BufWriter::new(out),
            layout,
            header,
        }
    }

    /// Starts the table: the fixed header goes out at once (a sized one waits for its
    /// widths, at the end of the first page).
    pub(crate) fn start(&mut self, labels: Option<Labels>) -> io::Result<()> {
        if !self.header {
            return Ok(());
        }
        let Layout::Events { .. } = self.layout else {
            return Ok(());
        };
        let out = &mut self.out;
        if let Some(labels) = labels {
            // `call_sid` as `CALL SID`.
            let title = labels.parent.replace('_', " ").to_uppercase();
            write!(out, "{title:<SID_WIDTH$} ")?;
        }
        writeln!(
            out,
            "{:<TIME_WIDTH$} {:<METHOD_WIDTH$} {:>CODE_WIDTH$} {:>DURATION_WIDTH$} URL",
            "TIME", "METHOD", "CODE", "DURATION ms"
        )
    }

    /// Writes one event's row (fixed layout).
    pub(crate) fn event(&mut self, label: Option<&str>, row: &Row<'_>) -> io::Result<()> {
        let url_width = match &self.layout {
            Layout::Events { url_width } => *url_width,
            Layout::Sized { .. } => None,
        };
        let out = &mut self.out;
        // The table is for a terminal: server-sent text loses its control and bidirectional
        // characters.
        let url = printable(&row.url);
        let url = match url_width {
            Some(width) => ellipsize(&url, width),
            None => Cow::Borrowed(url.as_ref()),
        };
        // As `{:<TIME_WIDTH$} {:<METHOD_WIDTH$} {:>CODE_WIDTH$} {:>DURATION_WIDTH$} {url}`
        // writes it, without the formatting machinery (most of the cost of a row).
        let (time, method) = (printable(&row.time), printable(&row.method));
        let cells = [
            (time.as_ref(), TIME_WIDTH, Align::Left),
            (method.as_ref(), METHOD_WIDTH, Align::Left),
            (row.code.as_ref(), CODE_WIDTH, Align::Right),
            (row.duration.as_ref(), DURATION_WIDTH, Align::Right),
        ];
        let label = label.map(|sid| (sid, SID_WIDTH, Align::Left));
        for (text, width, align) in label.into_iter().chain(cells) {
            padded(out, text, width, align)?;
            out.write_all(b" ")?;
        }
        out.write_all(url.as_bytes())?;
        out.write_all(b"\n")
    }

    /// Writes (or, on the first page, keeps) one row of cells (sized layout).
    pub(crate) fn cells(&mut self, cells: Vec<String>) -> io::Result<()> {
        let cells: Vec<String> = cells.iter().map(|c| printable(c).into_owned()).collect();
        match &mut self.layout {
            Layout::Sized {
                pending: Some(rows),
                ..
            } => {
                rows.push(cells);
                Ok(())
            }
            Layout::Sized { widths, .. } => write_sized(&mut self.out, widths, &cells),
            Layout::Events { .. } => Err(io::Error::other(
                "a row of named properties in the events' table",
            )),
        }
    }

    /// Ends a page: the first one with rows (several listings at once may start with an
    /// empty one) sizes the columns and writes the header and its rows.
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.size(false)?;
        self.out.flush()
    }

    /// Ends the table: columns still unsized (no row at all) are sized to the header.
    pub(crate) fn end(&mut self) -> io::Result<()> {
        self.size(true)
    }

    /// Sizes the columns to the rows kept (when there are some, or `always`), and writes the
    /// header and those rows.
    fn size(&mut self, always: bool) -> io::Result<()> {
        if let Layout::Sized {
            names,
            pending,
            widths,
        } = &mut self.layout
            && let Some(rows) = pending.take_if(|rows| always || !rows.is_empty())
        {
            *widths = names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let widest = rows
                        .iter()
                        .filter_map(|row| row.get(i))
                        .map(|cell| cell.chars().count())
                        .max()
                        .unwrap_or(0);
                    widest.max(name.chars().count()).min(MAX_COLUMN)
                })
                .collect();
            if self.header {
                write_sized(&mut self.out, widths, names)?;
            }
            for row in &rows {
                write_sized(&mut self.out, widths, row)?;
            }
        }
        Ok(())
    }
}

/// One row of sized columns: each cut to its width and padded, but the last.
fn write_sized(out: &mut impl Write, widths: &[usize], cells: &[String]) -> io::Result<()> {
    let last = cells.len().saturating_sub(1);
    let mut line = String::new();
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if i == last {
            line.push_str(cell);
        } else {
            let cell = ellipsize(cell, *width);
            let pad = width.saturating_sub(cell.chars().count());
            line.push_str(&cell);
            line.push_str(&" ".repeat(pad + 2));
        }
    }
    writeln!(out, "{}", line.trim_end())
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
fn ellipsize(text: &str, width: usize) -> Cow<'_, str> {
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

    #[test]
    fn sized_columns_fit_the_first_page_and_cut_later_rows() {
        let mut buf = Vec::new();
        let columns = Columns::Properties(vec!["sid".into(), "name".into()]);
        let mut table = Table::new(&mut buf, &columns, None, true);
        table.start(None).unwrap();
        table.cells(vec!["CA1".into(), "first".into()]).unwrap();
        table.cells(vec!["CA22".into(), "second".into()]).unwrap();
        table.flush().unwrap();
        table
            .cells(vec!["CA333333".into(), "third".into()])
            .unwrap();
        table.flush().unwrap();
        drop(table);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "SID   NAME\nCA1   first\nCA22  second\nCA3…  third\n"
        );
    }

    #[test]
    fn an_empty_first_page_leaves_the_sizing_to_the_first_rows() {
        let columns = Columns::Properties(vec!["sid".into(), "name".into()]);
        let labels = Labels {
            parent: "call_sid",
            item: "recording",
        };
        let mut buf = Vec::new();
        let mut table = Table::new(&mut buf, &columns, Some(labels), true);
        table.start(Some(labels)).unwrap();
        table.flush().unwrap();
        table
            .cells(vec!["CA0123".into(), "RE1".into(), "first".into()])
            .unwrap();
        table.flush().unwrap();
        table.end().unwrap();
        drop(table);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "CALL_SID  SID  NAME\nCA0123    RE1  first\n"
        );
        // No row at all: the header alone, at the end.
        let mut buf = Vec::new();
        let mut table = Table::new(&mut buf, &columns, None, true);
        table.start(None).unwrap();
        table.flush().unwrap();
        table.end().unwrap();
        table.flush().unwrap();
        drop(table);
        assert_eq!(String::from_utf8(buf).unwrap(), "SID  NAME\n");
    }
}
