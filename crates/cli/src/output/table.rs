//! The table: aligned columns for a terminal, server text made printable.
//!
//! Columns at fixed paths ([`PathColumns`], a call's events) have fixed widths, written as
//! each row comes, the one without a width last and cut to the terminal's width. Named
//! properties are sized to the first page's rows (buffered until the page ends, so that
//! memory stays one page), later rows cut to those widths, the last column as long as it
//! needs.

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use super::Labels;
use super::columns::{Column, Columns, Found, PathColumns, cell};
use crate::text::printable;

/// A SID's width in the table (always 34 characters).
pub(crate) const SID_WIDTH: usize = 34;

/// The narrowest the last of fixed columns gets on a narrow terminal.
const MIN_LAST_WIDTH: usize = 20;

/// The widest a sized column gets (but the last, which takes what it needs).
const MAX_COLUMN: usize = 48;

pub(crate) struct Table<W: Write> {
    out: BufWriter<W>,
    layout: Layout,
    header: bool,
}

enum Layout {
    /// Fixed widths; the column without one last, cut to `last_width` when stdout is a
    /// terminal.
    Fixed {
        set: &'static PathColumns,
        /// The columns' places among a row's cells, in the table's order.
        order: Vec<usize>,
        last_width: Option<usize>,
    },
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
            Columns::Paths(set) => {
                let label_width = if labels.is_some() { SID_WIDTH + 1 } else { 0 };
                // Each fixed column and the space after it.
                let fixed: usize = label_width
                    + set
                        .columns
                        .iter()
                        .filter_map(|column| column.width)
                        .map(|width| width + 1)
                        .sum::<usize>();
                let last_width = terminal_size::terminal_size_of(io::stdout())
                    .map(|(w, _)| usize::from(w.0).saturating_sub(fixed).max(MIN_LAST_WIDTH));
                let order = in_table_order(set).map(|(k, _)| k).collect();
                Layout::Fixed {
                    set,
                    order,
                    last_width,
                }
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
        let Layout::Fixed { set, .. } = self.layout else {
            return Ok(());
        };
        let mut titles: Vec<(&str, Option<usize>, Align)> = Vec::new();
        // `call_sid` as `CALL SID`.
        let label = labels.map(|labels| labels.parent.replace('_', " ").to_uppercase());
        if let Some(label) = &label {
            titles.push((label, Some(SID_WIDTH), Align::Left));
        }
        titles.extend(
            in_table_order(set).map(|(_, column)| (column.title, column.width, align(column))),
        );
        write_fixed(&mut self.out, titles)
    }

    /// Writes one row of fixed columns, whose raw values `found` are in the columns' order
    /// (CSV's), laid out in the table's (the column without a width last, cut to what the
    /// terminal leaves).
    pub(crate) fn fixed(&mut self, label: Option<&str>, found: &Found<'_>) -> io::Result<()> {
        let Layout::Fixed {
            set,
            order,
            last_width,
        } = &self.layout
        else {
            return Err(io::Error::other("a row of fixed columns in a sized table"));
        };
        let out = &mut self.out;
        if let Some(sid) = label {
            padded(out, sid, SID_WIDTH, Align::Left)?;
            out.write_all(b" ")?;
        }
        for (i, &k) in order.iter().enumerate() {
            let (Some(column), Some(raw)) = (set.columns.get(k), found.get(k)) else {
                continue;
            };
            let cell = cell(column, *raw);
            // The table is for a terminal: server-sent text loses its control and
            // bidirectional characters.
            let cell = printable(&cell);
            let cell = match (column.width, *last_width) {
                (None, Some(width)) => ellipsize(&cell, width),
                _ => Cow::Borrowed(cell.as_ref()),
            };
            let last = i + 1 == order.len();
            if last && !column.right {
                out.write_all(cell.as_bytes())?;
            } else {
                padded(out, &cell, column.width.unwrap_or(0), align(column))?;
            }
            if !last {
                out.write_all(b" ")?;
            }
        }
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
            Layout::Fixed { .. } => Err(io::Error::other(
                "a row of named properties in a table of fixed columns",
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

/// The columns of `set` as the table shows them, each with its place among the cells: those
/// with a width in order, then the one without.
fn in_table_order(set: &PathColumns) -> impl Iterator<Item = (usize, &Column)> {
    let columns = set.columns.iter().enumerate();
    let fixed = columns.clone().filter(|(_, column)| column.width.is_some());
    fixed.chain(columns.filter(|(_, column)| column.width.is_none()))
}

fn align(column: &Column) -> Align {
    if column.right {
        Align::Right
    } else {
        Align::Left
    }
}

/// One row of fixed columns, one space apart: each padded to its width (as `{:<width$}` or
/// `{:>width$}` would, without the formatting machinery, most of the cost of a row), the
/// last as it is.
fn write_fixed<T: AsRef<str>>(
    out: &mut impl Write,
    cells: impl IntoIterator<Item = (T, Option<usize>, Align)>,
) -> io::Result<()> {
    let mut cells = cells.into_iter().peekable();
    while let Some((text, width, align)) = cells.next() {
        let text = text.as_ref();
        if cells.peek().is_none() {
            if align == Align::Right {
                padded(out, text, width.unwrap_or(0), align)?;
            } else {
                out.write_all(text.as_bytes())?;
            }
            break;
        }
        padded(out, text, width.unwrap_or(0), align)?;
        out.write_all(b" ")?;
    }
    out.write_all(b"\n")
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
