//! A validating JSON scanner for the shared raw pages ([`crate::SharedRaw`]): it checks that a
//! page body is one JSON object and finds the bounds of its top-level members and of the
//! elements of its items array, without decoding anything.
//!
//! It accepts exactly what `serde_json` accepts when it decodes a page of raw items
//! (`Box<RawValue>`): RFC 8259 syntax, any nesting depth inside an item, escapes checked for
//! their form only (`\u` and four hex digits, surrogates unchecked, as serde_json's raw values
//! do), no control character inside a string, nothing but whitespace after the object. The
//! input is already known to be UTF-8. Property tests hold it to serde_json's answer on
//! arbitrary and mutated input.
//!
//! Speed comes from strings, which are most of a page. The input is classified first, 64
//! bytes at a time (SSE2 compares on x86-64, a portable multiply gather elsewhere): one stop
//! bit per byte that ends a string or must not be in one (a quote that is not escaped, a
//! control character), escapes resolved from the runs of backslashes and checked on the way.
//! A string is then one step, to the first stop after its opening quote, however many
//! escapes it holds. A page keeps its stop bits, so that its items can be read again
//! ([`members_at_in`]) without classifying their bytes a second time, nor checking their
//! grammar: the page's scan proved them valid, so that walk only finds its way. Or the scan
//! picks a few members of every item on its own way ([`page`]'s paths, a
//! [`crate::Columns`]), so that reading them costs no second walk at all.

use std::ops::Range;

/// One top-level member of the page object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member {
    /// The key's text between its quotes, raw (escapes not decoded).
    pub(crate) key: Range<usize>,
    /// Whether the key holds an escape (then its raw text is not its name).
    pub(crate) key_escaped: bool,
    /// The value's bounds.
    pub(crate) value: Range<usize>,
    /// The deepest nesting of arrays and objects inside the value (0 for a scalar).
    pub(crate) depth: usize,
    /// The value's elements, when its key is the items key (unescaped) and the value is an
    /// array.
    pub(crate) elements: Option<Vec<Element>>,
}

/// One element of the items array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element {
    /// Its bounds.
    pub(crate) range: Range<usize>,
    /// Whether its text holds a line break (`\n` or `\r`: in valid JSON, whitespace between
    /// tokens).
    pub(crate) line_break: bool,
}

/// The body was not a JSON object as serde_json would read it (the caller asks serde_json
/// for the precise error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Invalid;

type Result<T> = std::result::Result<T, Invalid>;

/// What [`page`] found in a page.
#[derive(Debug)]
pub(crate) struct Scanned {
    /// The page's members, in order.
    pub(crate) members: Vec<Member>,
    /// Its stop bits, for [`members_at_in`] to read its items without classifying their
    /// bytes again.
    pub(crate) stops: Vec<u64>,
    /// For each element of the items array (of its last member named the items key, as
    /// serde_json reads it), one row of `paths.len()`: what [`raw_members_at`] of the
    /// element's text gives for `paths`, as bounds in the page. Empty when no paths were
    /// asked for (or more than [`MAX_PICKED`]).
    pub(crate) picked: Vec<Option<Range<usize>>>,
}

/// The most paths [`page`] picks on its way (one bit each in a word).
pub(crate) const MAX_PICKED: usize = 64;

/// Validates `body` as one JSON object and returns its members in order, with the element
/// bounds of every member named `items_key` whose value is an array; its stop bits; and, for
/// each element of the items, the members at `paths` (picked during the same walk, so that
/// reading them costs no second one).
pub(crate) fn page(body: &[u8], items_key: &str, paths: &[(&str, &str)]) -> Result<Scanned> {
    let stops = stops(body)?;
    let mut s = Scanner::with_stops(body, &stops);
    let mut members = Vec::new();
    let mut picker = Picker::new(if paths.len() <= MAX_PICKED {
        paths
    } else {
        &[]
    });
    s.ws();
    s.consume(b'{')?;
    s.ws();
    if s.peek() == Some(b'}') {
        s.i += 1;
    } else {
        loop {
            s.ws();
            if s.peek() != Some(b'"') {
                return Err(Invalid);
            }
            let key_start = s.i + 1;
            let key_escaped = s.key_string()?;
            let key = key_start..s.i - 1;
            s.ws();
            s.consume(b':')?;
            s.ws();
            let start = s.i;
            let is_items = !key_escaped && body.get(key.clone()) == Some(items_key.as_bytes());
            let (depth, elements) = if is_items && s.peek() == Some(b'[') {
                // A repeated items member counts by its last, as serde_json reads it.
                picker.picked.clear();
                let elements = if picker.paths.is_empty() {
                    s.elements::<false>(&mut picker)?
                } else {
                    s.elements::<true>(&mut picker)?
                };
                (1, Some(elements))
            } else {
                (s.value()?, None)
            };
            members.push(Member {
                key,
                key_escaped,
                value: start..s.i,
                depth,
                elements,
            });
            s.ws();
            match s.peek() {
                Some(b',') => s.i += 1,
                Some(b'}') => {
                    s.i += 1;
                    break;
                }
                _ => return Err(Invalid),
            }
        }
    }
    s.ws();
    if s.i == body.len() {
        Ok(Scanned {
            members,
            stops,
            picked: picker.picked,
        })
    } else {
        Err(Invalid)
    }
}

/// The members of a JSON object found by path, in one pass and without decoding: for each
/// `(outer, inner)` of `paths`, the raw JSON text of member `inner` of the object that is
/// member `outer` of `text`. As serde_json and the models read them, a name that repeats
/// counts by its last member (at either level) and names are compared decoded (`"m\u0065thod"`
/// is `method`). `None` where a path is absent or leads through something that is not an
/// object; all `None` when `text` is not one valid JSON object.
///
/// For exports that show a few members of each item (the CLI's table and CSV columns): a raw
/// item's text is scanned once, its other members skipped unread.
///
/// ```
/// let event = r#"{"request": {"method": "POST", "url": "https://e.com"}, "response": null}"#;
/// let [method, code] =
///     twilio_export::raw_members_at(event, [("request", "method"), ("response", "response_code")]);
/// assert_eq!(method, Some(r#""POST""#));
/// assert_eq!(code, None);
/// ```
#[must_use]
pub fn raw_members_at<'a, const N: usize>(
    text: &'a str,
    paths: [(&str, &str); N],
) -> [Option<&'a str>; N] {
    let found = stops(text.as_bytes())
        .and_then(|stops| {
            let s = Scanner::with_stops(text.as_bytes(), &stops);
            members_at::<N, false>(s, 0..text.len(), &paths)
        })
        .unwrap_or_else(|_| std::array::from_fn(|_| None));
    found.map(|range| range.and_then(|range| text.get(range)))
}

/// [`raw_members_at`] of the item at `item` of a page `text` that [`page`] scanned (and found
/// valid) into `stops`: no byte of the item is classified again, and its grammar, already
/// checked, is not checked again: the walk only finds its way.
pub(crate) fn members_at_in<'a, const N: usize>(
    text: &'a str,
    stops: &[u64],
    item: Range<usize>,
    paths: [(&str, &str); N],
) -> [Option<&'a str>; N] {
    let mut s = Scanner::with_stops(text.as_bytes(), stops);
    s.i = item.start;
    let found =
        members_at::<N, true>(s, item, &paths).unwrap_or_else(|_| std::array::from_fn(|_| None));
    found.map(|range| range.and_then(|range| text.get(range)))
}

/// The members at `paths` of the object that spans `within` (whitespace around it allowed
/// up to its bounds), read by `s`, which starts there. `CHECKED`: the text is known to be
/// valid JSON (an item of a scanned page), so values are skipped without checking them.
fn members_at<const N: usize, const CHECKED: bool>(
    mut s: Scanner<'_>,
    within: Range<usize>,
    paths: &[(&str, &str); N],
) -> Result<[Option<Range<usize>>; N]> {
    let skip = |s: &mut Scanner<'_>| {
        if CHECKED {
            s.skip_checked()
        } else {
            s.value().map(drop)
        }
    };
    let mut found: [Option<Range<usize>>; N] = std::array::from_fn(|_| None);
    s.ws();
    s.consume(b'{')?;
    s.ws();
    if s.peek() == Some(b'}') {
        s.i += 1;
    } else {
        loop {
            let outer = s.key_name()?;
            // The paths through this member (compared once, not per inner member).
            let mut through = [false; N];
            for (t, (o, _)) in through.iter_mut().zip(paths) {
                *t = o.as_bytes() == outer.as_ref();
            }
            let wanted = through.contains(&true);
            if wanted {
                // A later member of the same name replaces what an earlier one gave.
                for (slot, _) in found.iter_mut().zip(through).filter(|(_, t)| *t) {
                    *slot = None;
                }
            }
            if wanted && s.peek() == Some(b'{') {
                s.i += 1;
                s.ws();
                if s.peek() == Some(b'}') {
                    s.i += 1;
                } else {
                    loop {
                        let inner = s.key_name()?;
                        let start = s.i;
                        skip(&mut s)?;
                        for ((slot, (_, i)), _) in
                            found.iter_mut().zip(paths).zip(through).filter(|(_, t)| *t)
                        {
                            if i.as_bytes() == inner.as_ref() {
                                *slot = Some(start..s.i);
                            }
                        }
                        s.ws();
                        match s.peek() {
                            Some(b',') => s.i += 1,
                            Some(b'}') => {
                                s.i += 1;
                                break;
                            }
                            _ => return Err(Invalid),
                        }
                    }
                }
            } else {
                skip(&mut s)?;
            }
            s.ws();
            match s.peek() {
                Some(b',') => s.i += 1,
                Some(b'}') => {
                    s.i += 1;
                    break;
                }
                _ => return Err(Invalid),
            }
        }
    }
    // An item of a page ends where its object does; a text of its own may have whitespace
    // after it.
    let end = s.i;
    s.ws();
    if end == within.end || s.i == within.end {
        Ok(found)
    } else {
        Err(Invalid)
    }
}

/// Whether `body` is exactly one JSON value (whitespace around it allowed).
#[cfg(test)]
pub(crate) fn is_valid(body: &[u8]) -> bool {
    let Ok(stops) = stops(body) else {
        return false;
    };
    let mut s = Scanner::with_stops(body, &stops);
    s.value().is_ok() && {
        s.ws();
        s.i == body.len()
    }
}

/// The containers open around the current position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Array,
    Object,
}

struct Scanner<'a> {
    b: &'a [u8],
    /// The next byte to read.
    i: usize,
    /// Where a string scan stops, one bit per byte, 64 bytes a word: quotes that are not
    /// escaped, control characters, and the zero padding past the end of the input.
    stops: &'a [u64],
    /// Whether whitespace read so far held a line break (reset by whoever asks).
    line_break: bool,
    stack: Vec<Frame>,
}

impl<'a> Scanner<'a> {
    /// A scanner of `b` with its stops made (by [`stops`], which refuses a malformed
    /// escape; or kept from an earlier scan of the same bytes).
    fn with_stops(b: &'a [u8], stops: &'a [u64]) -> Self {
        Self {
            b,
            i: 0,
            stops,
            line_break: false,
            stack: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn consume(&mut self, byte: u8) -> Result<()> {
        if self.peek() == Some(byte) {
            self.i += 1;
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    /// Skips JSON whitespace.
    #[inline]
    fn ws(&mut self) {
        while let Some(&byte) = self.b.get(self.i) {
            // Most often there is none: one test for every byte above the space.
            if byte > b' ' || !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.line_break |= matches!(byte, b'\n' | b'\r');
            self.i += 1;
        }
    }

    /// The elements of the array at the current position (`[`), each one's members at the
    /// picker's paths picked on the way when `PICK`.
    fn elements<const PICK: bool>(&mut self, picker: &mut Picker<'_>) -> Result<Vec<Element>> {
        let mut elements = Vec::new();
        self.consume(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(elements);
        }
        loop {
            self.ws();
            let start = self.i;
            self.line_break = false;
            if PICK {
                picker.start_item();
            }
            self.walk::<PICK>(picker)?;
            if PICK {
                picker.end_item();
            }
            elements.push(Element {
                range: start..self.i,
                line_break: self.line_break,
            });
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(elements);
                }
                _ => return Err(Invalid),
            }
        }
    }

    /// One value at the current position (after whitespace), however deep, without
    /// recursion; returns its nesting depth.
    fn value(&mut self) -> Result<usize> {
        self.walk::<false>(&mut Picker::new(&[]))
    }

    /// [`Scanner::value`], telling `picker` (when `PICK`) of the members of the value (an
    /// item) and of the objects they hold, as it goes.
    fn walk<const PICK: bool>(&mut self, picker: &mut Picker<'_>) -> Result<usize> {
        self.stack.clear();
        let mut depth = 0;
        loop {
            self.ws();
            match self.peek().ok_or(Invalid)? {
                b'{' => {
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                        depth = depth.max(self.stack.len() + 1);
                    } else {
                        self.stack.push(Frame::Object);
                        depth = depth.max(self.stack.len());
                        self.member_key::<PICK>(picker)?;
                        continue;
                    }
                }
                b'[' => {
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                        depth = depth.max(self.stack.len() + 1);
                    } else {
                        self.stack.push(Frame::Array);
                        depth = depth.max(self.stack.len());
                        continue;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => self.number()?,
                _ => return Err(Invalid),
            }
            // A value ended: close what it ends, or go on to the next one.
            loop {
                if PICK && self.stack.len() == 2 {
                    // The value of a member of an object the item holds.
                    picker.value_ended(self.i);
                }
                let Some(&frame) = self.stack.last() else {
                    return Ok(depth);
                };
                self.ws();
                match (self.peek(), frame) {
                    (Some(b','), Frame::Array) => {
                        self.i += 1;
                        break;
                    }
                    (Some(b','), Frame::Object) => {
                        self.i += 1;
                        self.member_key::<PICK>(picker)?;
                        break;
                    }
                    (Some(b']'), Frame::Array) | (Some(b'}'), Frame::Object) => {
                        self.i += 1;
                        self.stack.pop();
                    }
                    _ => return Err(Invalid),
                }
            }
        }
    }

    /// The key of a member of the object on top of the stack, and its colon; told to
    /// `picker` when `PICK` and the object is the item or one it holds.
    #[inline]
    fn member_key<const PICK: bool>(&mut self, picker: &mut Picker<'_>) -> Result<()> {
        let depth = self.stack.len();
        if !PICK || depth > 2 {
            return self.key();
        }
        let quoted = self.quoted_key()?;
        picker.key(quoted, depth, self.i);
        Ok(())
    }

    /// An object key (after whitespace) with its quotes, raw; past its colon and the
    /// whitespace after it.
    #[inline]
    fn quoted_key(&mut self) -> Result<&'a [u8]> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(Invalid);
        }
        let start = self.i;
        self.string()?;
        let b: &'a [u8] = self.b;
        let quoted = b.get(start..self.i).ok_or(Invalid)?;
        self.ws();
        self.consume(b':')?;
        self.ws();
        Ok(quoted)
    }

    /// An object key (after whitespace), its name as serde_json reads it (`"m\\u0065thod"` is
    /// `method`): its raw text when it holds no backslash, else decoded; past its colon and
    /// the whitespace after it. An escape that does not decode (a lone surrogate) makes the
    /// object unreadable, as it does for serde_json.
    fn key_name(&mut self) -> Result<std::borrow::Cow<'a, [u8]>> {
        name(self.quoted_key()?)
    }

    /// Past the value at the current position in a text known to be valid JSON: a string in
    /// one step, an array or object by counting its brackets outside strings, a number or
    /// literal to the byte that ends it. Nothing is checked that the scan of the page checked.
    fn skip_checked(&mut self) -> Result<()> {
        match self.peek().ok_or(Invalid)? {
            b'"' => self.string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek().ok_or(Invalid)? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1).ok_or(Invalid)?;
                            if depth == 0 {
                                self.i += 1;
                                return Ok(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                ) {
                    self.i += 1;
                }
                Ok(())
            }
        }
    }

    /// An object key and its colon.
    fn key(&mut self) -> Result<()> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(Invalid);
        }
        self.string()?;
        self.ws();
        self.consume(b':')
    }

    fn literal(&mut self, literal: &[u8]) -> Result<()> {
        if self.b.get(self.i..self.i + literal.len()) == Some(literal) {
            self.i += literal.len();
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, of any magnitude (a raw value keeps
    /// its text).
    #[inline(always)]
    fn number(&mut self) -> Result<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(Invalid),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(Invalid);
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(Invalid);
            }
            self.digits();
        }
        // A digit right after a leading zero is refused, as serde_json does ("01"): here the
        // value has ended, and what follows must be a separator.
        Ok(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    /// A string at the current position (`"`), up to and past its closing quote.
    ///
    /// One step per string, whatever it holds: the stops already leave out escaped quotes
    /// (every escape was checked when they were made), so the first stop after the opening
    /// quote is the closing quote or an error.
    #[inline]
    fn string(&mut self) -> Result<()> {
        let at = self.i + 1;
        let mut k = at / BLOCK;
        let mut word = self.stops.get(k).ok_or(Invalid)? & (u64::MAX << (at % BLOCK));
        while word == 0 {
            k += 1;
            word = *self.stops.get(k).ok_or(Invalid)?;
        }
        let stop = k * BLOCK + word.trailing_zeros() as usize;
        if self.b.get(stop) == Some(&b'"') {
            self.i = stop + 1;
            Ok(())
        } else {
            // A control character, or the end of the input.
            Err(Invalid)
        }
    }

    /// A string that may hold escapes the caller must know of (an object key): whether it
    /// does.
    fn key_string(&mut self) -> Result<bool> {
        let start = self.i + 1;
        self.string()?;
        Ok(self
            .b
            .get(start..self.i - 1)
            .is_some_and(|text| text.contains(&b'\\')))
    }
}

/// The name of an object key, given with its quotes, as serde_json reads it: its raw text
/// when it holds no backslash, else decoded (`"m\\u0065thod"` is `method`). An escape that
/// does not decode (a lone surrogate) makes it unreadable, as it does for serde_json.
fn name(quoted: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>> {
    Ok(if quoted.contains(&b'\\') {
        let decoded: String = serde_json::from_slice(quoted).map_err(|_| Invalid)?;
        decoded.into_bytes().into()
    } else {
        quoted.get(1..quoted.len() - 1).ok_or(Invalid)?.into()
    })
}

/// What a page's scan picks of each item on its way: the members at `paths`, exactly as
/// [`raw_members_at`] reads them out of the item's text (the last of a repeated name, names
/// compared decoded, nothing through what is not an object, nothing at all when a name it
/// reads cannot be decoded).
///
/// The walk tells it of every key of the item (depth 1) and of the objects the item holds
/// (depth 2), and of where each value of the latter ends.
struct Picker<'p> {
    paths: &'p [(&'p str, &'p str)],
    /// The distinct outer names of the paths, each with the paths it starts (bit `k` for
    /// `paths[k]`); and the distinct inner names, each with the paths it ends.
    outer: Vec<(&'p [u8], u64)>,
    inner: Vec<(&'p [u8], u64)>,
    /// Whether a name of the paths holds a backslash (then no raw key is compared as it is).
    escaped_names: bool,
    /// The item's, so far.
    found: Vec<Option<Range<usize>>>,
    /// The paths through the item's member being read (bit `k` for `paths[k]`).
    through: u64,
    /// The paths that the member being read at depth 2 gives, and where its value starts.
    pending: u64,
    pending_start: usize,
    /// A name read could not be decoded: the item gives nothing.
    broken: bool,
    /// Every item's, one row of `paths.len()` each.
    picked: Vec<Option<Range<usize>>>,
}

impl<'p> Picker<'p> {
    /// A picker of at most [`MAX_PICKED`] paths.
    fn new(paths: &'p [(&'p str, &'p str)]) -> Self {
        let names = |name: fn(&(&'p str, &'p str)) -> &'p str| {
            let mut names: Vec<(&'p [u8], u64)> = Vec::new();
            for (k, path) in paths.iter().enumerate() {
                let name = name(path).as_bytes();
                match names.iter_mut().find(|(known, _)| *known == name) {
                    Some((_, mask)) => *mask |= 1 << k,
                    None => names.push((name, 1 << k)),
                }
            }
            names
        };
        Self {
            paths,
            outer: names(|(outer, _)| outer),
            inner: names(|(_, inner)| inner),
            escaped_names: paths
                .iter()
                .any(|(outer, inner)| outer.contains('\\') || inner.contains('\\')),
            found: vec![None; paths.len()],
            through: 0,
            pending: 0,
            pending_start: 0,
            broken: false,
            picked: Vec::new(),
        }
    }

    fn start_item(&mut self) {
        self.found.fill(None);
        self.through = 0;
        self.pending = 0;
        self.broken = false;
    }

    fn end_item(&mut self) {
        if self.broken {
            self.picked
                .extend(std::iter::repeat_n(None, self.paths.len()));
        } else {
            self.picked.extend_from_slice(&self.found);
        }
    }

    /// The key `quoted` (with its quotes) of a member at `depth` whose value starts at
    /// `value_start`.
    #[inline]
    fn key(&mut self, quoted: &[u8], depth: usize, value_start: usize) {
        // Inside the item's members, only the objects that paths go through are read.
        if self.broken || (depth == 2 && self.through == 0) {
            return;
        }
        let names = if depth == 1 { &self.outer } else { &self.inner };
        let paths_named = |name: &[u8]| {
            names
                .iter()
                .find(|(known, _)| *known == name)
                .map_or(0, |(_, mask)| *mask)
        };
        // A key is its raw text unless it holds a backslash: as no name of the paths holds
        // one, a raw key equal to a name is that name, and only another key may need
        // decoding first.
        let raw = quoted
            .get(1..quoted.len().saturating_sub(1))
            .unwrap_or_default();
        let mut matched = if self.escaped_names {
            0
        } else {
            paths_named(raw)
        };
        if matched == 0 && (self.escaped_names || raw.contains(&b'\\')) {
            let Ok(name) = name(quoted) else {
                self.broken = true;
                return;
            };
            matched = paths_named(&name);
        }
        if depth == 1 {
            self.pending = 0;
            self.through = matched;
            // A later member of the same name replaces what an earlier one gave.
            for k in bits(self.through) {
                if let Some(slot) = self.found.get_mut(k) {
                    *slot = None;
                }
            }
        } else {
            self.pending = self.through & matched;
            self.pending_start = value_start;
        }
    }

    /// A value at depth 2 ended at `end`.
    #[inline]
    fn value_ended(&mut self, end: usize) {
        for k in bits(self.pending) {
            if let Some(slot) = self.found.get_mut(k) {
                *slot = Some(self.pending_start..end);
            }
        }
        self.pending = 0;
    }
}

/// The positions of the bits set in `mask`, lowest first.
fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let k = mask.trailing_zeros() as usize;
        mask &= mask.wrapping_sub(1);
        (k < 64).then_some(k)
    })
}

/// The bytes of one block.
const BLOCK: usize = 64;

/// The stops of `b` (see [`Scanner::stops`]), 64 bytes at a time, checking every escape on
/// the way, once: after a backslash only `"\\/bfnrt` or `u` and four hex digits may follow,
/// as serde_json requires. A backslash can only appear inside a string of a valid document,
/// so a bad escape anywhere means the document is invalid.
fn stops(b: &[u8]) -> Result<Vec<u64>> {
    let (blocks, rest) = b.as_chunks::<BLOCK>();
    let mut stops = Vec::with_capacity(blocks.len() + 1);
    let mut carry = 0;
    for (k, block) in blocks.iter().enumerate() {
        stops.push(block_stops(b, k * BLOCK, block, &mut carry)?);
    }
    // The last block, padded with zeros: a control character, it stops any scan.
    let mut last = [0u8; BLOCK];
    if let Some(head) = last.get_mut(..rest.len()) {
        head.copy_from_slice(rest);
    }
    stops.push(block_stops(b, blocks.len() * BLOCK, &last, &mut carry)?);
    Ok(stops)
}

/// The stops of `block`, the block of `b` at `base`, given whether its first byte is escaped
/// (`carry`, 0 or 1; updated for the next block).
#[inline(always)]
fn block_stops(b: &[u8], base: usize, block: &[u8; BLOCK], carry: &mut u64) -> Result<u64> {
    let Classes {
        quotes,
        backslashes,
        controls,
    } = classes(block);
    let escaped = if backslashes | *carry == 0 {
        0
    } else {
        let (escaped, next) = escaped(backslashes, *carry);
        *carry = next;
        // Escapes of `"` and `\\` need no look; the others are rare.
        let mut others = escaped & !(quotes | backslashes);
        while others != 0 {
            let at = base + others.trailing_zeros() as usize;
            match b.get(at) {
                Some(b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                Some(b'u') => {
                    let hex = b.get(at + 1..at + 5).ok_or(Invalid)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(Invalid);
                    }
                }
                _ => return Err(Invalid),
            }
            others &= others - 1;
        }
        escaped
    };
    Ok((quotes & !escaped) | controls)
}

/// The bytes that follow an escaping backslash, given the backslashes of a block and whether
/// its first byte is escaped (`carry`); and the carry into the next block. A run of
/// backslashes escapes its every second member and, when its length is odd, the byte after
/// it. (The arithmetic of simdjson's escape scanner: a subtraction borrows through each run,
/// which tells even-length runs from odd ones by the parity of where they start.)
#[inline]
fn escaped(backslashes: u64, carry: u64) -> (u64, u64) {
    const ODD_BITS: u64 = 0xAAAA_AAAA_AAAA_AAAA;
    // A backslash escaped from the previous block does not escape.
    let potential = backslashes & !carry;
    let maybe_escaped = potential << 1;
    let codes = ((maybe_escaped | ODD_BITS).wrapping_sub(potential)) ^ ODD_BITS;
    let escaped = codes ^ (backslashes | carry);
    let escapes = codes & backslashes;
    (escaped, escapes >> 63)
}

/// One bit per byte of a block for each class the scan tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Classes {
    quotes: u64,
    backslashes: u64,
    /// Bytes below 0x20.
    controls: u64,
}

/// The classes of a block, 16 bytes at a time with SSE2 (every x86-64 CPU has it), through
/// `safe_arch`'s safe wrappers of the intrinsics.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn classes(block: &[u8; BLOCK]) -> Classes {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    // The cast reinterprets the byte: the intrinsics compare bit patterns.
    #[allow(clippy::cast_possible_wrap)]
    let (quote, backslash, control) = (
        set_splat_i8_m128i(b'"' as i8),
        set_splat_i8_m128i(b'\\' as i8),
        set_splat_i8_m128i(0x1f),
    );
    let mask = |v| u64::from(move_mask_i8_m128i(v).cast_unsigned() & 0xffff);
    let mut classes = Classes {
        quotes: 0,
        backslashes: 0,
        controls: 0,
    };
    let (chunks, _) = block.as_chunks::<16>();
    let mut vectors = [safe_arch::m128i::default(); 4];
    for (v, chunk) in vectors.iter_mut().zip(chunks) {
        *v = load_unaligned_m128i(chunk);
    }
    for (k, &v) in vectors.iter().enumerate() {
        let shift = 16 * k;
        classes.quotes |= mask(cmp_eq_mask_i8_m128i(v, quote)) << shift;
        classes.backslashes |= mask(cmp_eq_mask_i8_m128i(v, backslash)) << shift;
    }
    // v <= 0x1f, unsigned: min(v, 0x1f) == v. Control characters are rare (in valid JSON,
    // only line breaks and tabs between tokens), so the block is asked once first.
    let is_control = |v| cmp_eq_mask_i8_m128i(min_u8_m128i(v, control), v);
    let [a, b, c, d] = vectors;
    let lowest = min_u8_m128i(min_u8_m128i(a, b), min_u8_m128i(c, d));
    if mask(is_control(lowest)) != 0 {
        for (k, &v) in vectors.iter().enumerate() {
            classes.controls |= mask(is_control(v)) << (16 * k);
        }
    }
    classes
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn classes(block: &[u8; BLOCK]) -> Classes {
    portable_classes(block)
}

/// The classes of a block without SIMD instructions: one flag byte per byte and class, in a
/// form the compiler vectorizes, gathered eight at a time by a multiplication.
#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "sse2", not(test)),
    allow(dead_code)
)]
#[inline]
fn portable_classes(block: &[u8; BLOCK]) -> Classes {
    let mut flags = [[0u8; BLOCK]; 3];
    let [quotes, backslashes, controls] = &mut flags;
    for (((&byte, quote), backslash), control) in block
        .iter()
        .zip(quotes.iter_mut())
        .zip(backslashes.iter_mut())
        .zip(controls.iter_mut())
    {
        *quote = u8::from(byte == b'"');
        *backslash = u8::from(byte == b'\\');
        *control = u8::from(byte < 0x20);
    }
    let gather = |flags: &[u8; BLOCK]| {
        // Eight flags (0 or 1) to eight bits: the multiply gathers bit 0 of each byte into
        // the top byte.
        let (words, _) = flags.as_chunks::<8>();
        let mut mask = 0;
        for (k, word) in words.iter().enumerate() {
            let gathered = u64::from_le_bytes(*word).wrapping_mul(0x0102_0408_1020_4080) >> 56;
            mask |= gathered << (8 * k);
        }
        mask
    };
    Classes {
        quotes: gather(&flags[0]),
        backslashes: gather(&flags[1]),
        controls: gather(&flags[2]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn serde_accepts(text: &[u8]) -> bool {
        serde_json::from_slice::<&serde_json::value::RawValue>(text).is_ok()
            || serde_json::from_slice::<Box<serde_json::value::RawValue>>(text).is_ok()
    }

    fn agree(text: &[u8]) {
        if std::str::from_utf8(text).is_err() {
            return;
        }
        assert_eq!(
            is_valid(text),
            serde_accepts(text),
            "{:?}",
            String::from_utf8_lossy(text)
        );
    }

    #[test]
    fn classes_mark_every_byte_of_their_class() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for round in 0..2000 {
            let mut block = [0u8; BLOCK];
            for byte in &mut block {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // Mostly the classes' own bytes and their neighbours, some of everything.
                *byte = match state % 8 {
                    0 => b'"',
                    1 => b'\\',
                    2 => (state >> 8) as u8 % 0x21,
                    3 => 0x80 | (state >> 8) as u8,
                    _ => (state >> 8) as u8,
                };
            }
            let expected = Classes {
                quotes: bits(&block, |b| b == b'"'),
                backslashes: bits(&block, |b| b == b'\\'),
                controls: bits(&block, |b| b < 0x20),
            };
            assert_eq!(classes(&block), expected, "round {round}");
            assert_eq!(portable_classes(&block), expected, "round {round}");
        }
        // One control character or none, at every place, among near misses.
        for at in 0..=BLOCK {
            for control in [0x00, b'\n', 0x1f] {
                let mut block: [u8; BLOCK] =
                    std::array::from_fn(|i| [0x20, 0x7f, 0x80, 0xff, b'a'][i % 5]);
                if let Some(byte) = block.get_mut(at) {
                    *byte = control;
                }
                let expected = bits(&block, |b| b < 0x20);
                assert_eq!(classes(&block).controls, expected, "{control} at {at}");
                assert_eq!(portable_classes(&block).controls, expected);
            }
        }
    }

    fn bits(block: &[u8; BLOCK], class: impl Fn(u8) -> bool) -> u64 {
        (0..BLOCK).fold(0, |m, i| m | u64::from(class(block[i])) << i)
    }

    #[test]
    fn escaped_bytes_follow_odd_runs_of_backslashes_across_blocks() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..2000 {
            // Runs of backslashes of every length, at every offset, over four blocks.
            let mut text = vec![b'a'; 4 * BLOCK];
            for byte in &mut text {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                if !state.is_multiple_of(3) {
                    *byte = b'\\';
                }
            }
            let mut expected = vec![false; text.len()];
            let mut escaping = false;
            for (i, &byte) in text.iter().enumerate() {
                expected[i] = escaping;
                escaping = !escaping && byte == b'\\';
            }
            let mut carry = 0;
            for (k, chunk) in text.chunks(BLOCK).enumerate() {
                let block: &[u8; BLOCK] = chunk.try_into().unwrap();
                let (escaped, next) = escaped(classes(block).backslashes, carry);
                for bit in 0..BLOCK {
                    assert_eq!(
                        escaped >> bit & 1 == 1,
                        expected[k * BLOCK + bit],
                        "round {round}, byte {}",
                        k * BLOCK + bit
                    );
                }
                carry = next;
            }
        }
    }

    #[test]
    fn agrees_with_serde_json_on_edge_cases() {
        for text in [
            "0",
            "-0",
            "01",
            "-",
            "1.",
            "1.5e",
            "1e+",
            "1E-7",
            "1e400",
            "123456789012345678901234567890",
            "-.5",
            ".5",
            "+1",
            "true",
            "tru",
            "nul",
            "null ",
            " \t\r\nnull\n",
            "nullx",
            "\"\"",
            "\"a\\\"b\"",
            "\"\\u00e9\\ud800\"",
            "\"\\u00g0\"",
            "\"\\u12\"",
            "\"\\x\"",
            "\"a\nb\"",
            "\"a\u{7f}b\"",
            "\"é漢\"",
            "\"unterminated",
            "\"\\",
            "[]",
            "[1,]",
            "[,1]",
            "[1 2]",
            "[[[[[[]]]]]]",
            "[[[",
            "{}",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1:2}",
            "{\"a\":1}}",
            "{\"a\":[1,{\"b\":null}],\"c\":\"d\"}",
            "[1] [2]",
            "",
            "   ",
            "[01]",
            "[-01]",
            "[1.0e5, -0.0, 2E3]",
        ] {
            agree(text.as_bytes());
        }
        // Deeper than serde_json's recursion limit: raw values have none.
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(is_valid(deep.as_bytes()));
        // Long strings across block boundaries, with escapes at every offset.
        for len in [0, 1, 62, 63, 64, 65, 127, 128, 129, 500] {
            for escape in [
                "\\\"",
                "\\\\",
                "\\u0041",
                "\\n",
                "\\\\\\\"",
                "\\\\\\\\",
                "\\\\\\",
                "\\u00\"",
                "\\/\\b\\f\\r\\t",
            ] {
                let text = format!("\"{}{escape}{}\"", "x".repeat(len), "y".repeat(len));
                agree(text.as_bytes());
                let cut = &text[..text.len() - 1];
                agree(cut.as_bytes());
            }
        }
    }

    #[test]
    fn finds_members_and_items() {
        let body =
            br#" { "a" : 1 , "events" : [ {"x":[1]} , "s" ,3 ] , "b\u0041":null,"events":7 } "#;
        let Scanned { members, .. } = page(body, "events", &[]).unwrap();
        let text = |r: &Range<usize>| std::str::from_utf8(&body[r.clone()]).unwrap();
        assert_eq!(members.len(), 4);
        assert_eq!(text(&members[0].key), "a");
        assert_eq!(text(&members[0].value), "1");
        let items: Vec<&str> = members[1]
            .elements
            .as_ref()
            .unwrap()
            .iter()
            .map(|element| text(&element.range))
            .collect();
        assert_eq!(items, [r#"{"x":[1]}"#, r#""s""#, "3"]);
        assert_eq!(text(&members[1].value), r#"[ {"x":[1]} , "s" ,3 ]"#);
        assert!(members[2].key_escaped);
        assert_eq!(text(&members[3].value), "7");
        assert_eq!(members[3].elements, None);
        assert!(page(b"[]", "events", &[]).is_err());
        assert!(page(b"{\"events\":[1,]}", "events", &[]).is_err());
        assert!(page(b"{} x", "events", &[]).is_err());
        assert_eq!(page(b"{}", "events", &[]).unwrap().members, []);
    }

    #[test]
    fn items_of_a_scanned_page_are_read_with_its_stops() {
        let body = " {\"events\" : [ {\"r\": {\"m\": \"\\\"x\\\"\"}} , {\"r\":{\"m\":1}}\n, 7 ] } ";
        let Scanned { members, stops, .. } = page(body.as_bytes(), "events", &[]).unwrap();
        let elements = members[0].elements.as_ref().unwrap();
        let paths = [("r", "m"), ("r", "n")];
        let found: Vec<_> = elements
            .iter()
            .map(|element| members_at_in(body, &stops, element.range.clone(), paths))
            .collect();
        assert_eq!(
            found,
            [
                [Some(r#""\"x\"""#), None],
                [Some("1"), None],
                // Not an object: nothing, as for the text alone.
                [None, None],
            ]
        );
        for element in elements {
            let text = &body[element.range.clone()];
            assert_eq!(
                members_at_in(body, &stops, element.range.clone(), paths),
                raw_members_at(text, paths)
            );
        }
    }

    /// What the scan of `body` picked for `paths`, item by item, as texts.
    fn picks<'a>(body: &'a str, paths: &[(&str, &str)]) -> Vec<Vec<Option<&'a str>>> {
        let scanned = page(body.as_bytes(), "events", paths).unwrap();
        scanned
            .picked
            .chunks(paths.len())
            .map(|row| {
                row.iter()
                    .map(|range| range.clone().map(|range| &body[range]))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_scan_picks_members_as_they_are_found_by_path() {
        let items = [
            r#"{"request": {"m\u0065thod": "A", "url": 1, "method": "B"}, "response": {"code": [1]}}"#,
            r#"{"request": {"method": "A", "url": 2}, "request": {"method": "C"}}"#,
            r#"{"request": {"method": "A"}, "request": null}"#,
            r#"{"request": [{"method": "A"}], "x": {"request": {}}}"#,
            r#"[{"request": {"method": "A"}}]"#,
            r#"{"request": {"method": {"url": "A"}, "url": {}}, "response": {"code": "\""}}"#,
            r#"{"response": {"code": 1, "x\ud800": 2}, "request": {"method": "A"}}"#,
            r#"{"x\ud800": 1, "request": {"method": "A"}}"#,
            r#"{"x": {"\ud800": 1}, "request": {"method": "A"}}"#,
            "{}",
            "7",
            r#"{ "request" : { "method" : "A" , "url" : [ 1 , 2 ] } }"#,
        ];
        let body = format!("{{\"events\": [{}]}}", items.join(", "));
        let paths = [
            ("request", "method"),
            ("request", "url"),
            ("response", "code"),
        ];
        let picked = picks(&body, &paths);
        assert_eq!(picked.len(), items.len());
        for (item, row) in items.iter().zip(&picked) {
            assert_eq!(row.as_slice(), raw_members_at(item, paths), "{item}");
        }
        assert_eq!(picked[0], [Some(r#""B""#), Some("1"), Some("[1]")]);
        assert_eq!(
            picked[5],
            [Some(r#"{"url": "A"}"#), Some("{}"), Some(r#""\"""#)]
        );
        // A name that does not decode, where the walk reads names: nothing of the item.
        assert_eq!(picked[6], [None; 3]);
        assert_eq!(picked[7], [None; 3]);
        // Inside an object no path goes through, names are not read.
        assert_eq!(picked[8], [Some(r#""A""#), None, None]);
        assert_eq!(picked[11], [Some(r#""A""#), Some("[ 1 , 2 ]"), None]);
        // A repeated items member: the last one's items, as serde_json reads the page.
        let twice =
            r#"{"events": [{"request": {"url": 1}}], "events": [{}, {"request": {"url": 2}}]}"#;
        assert_eq!(picks(twice, &paths), [[None; 3], [None, Some("2"), None]]);
        // A name of the paths holding a backslash matches keys decoded only.
        let body =
            r#"{"events": [{"a\nb": {"c": 1}}, {"a\\nb": {"c": 2}}, {"a\u005cnb": {"c": 3}}]}"#;
        let path = [("a\\nb", "c")];
        assert_eq!(picks(body, &path), [[None], [Some("2")], [Some("3")]]);
        assert_eq!(
            raw_members_at(r#"{"a\u005cnb": {"c": 3}}"#, path),
            [Some("3")]
        );
        // No paths, no picking.
        assert_eq!(page(body.as_bytes(), "events", &[]).unwrap().picked, []);
    }

    #[test]
    fn elements_say_whether_they_hold_a_line_break() {
        let body =
            b"{\"events\": [\n{\"a\": 1},\r\n{\"a\":\n1}, {\r\"b\" : [2,\t3]}, \"x\\ny\"\n]\n}";
        let Scanned { members, .. } = page(body, "events", &[]).unwrap();
        let breaks: Vec<bool> = members[0]
            .elements
            .as_ref()
            .unwrap()
            .iter()
            .map(|element| element.line_break)
            .collect();
        // Around an element does not count; inside it does; an escaped `\n` is no line break.
        assert_eq!(breaks, [false, true, true, false]);
    }

    #[test]
    fn members_are_found_by_path_as_serde_json_reads_them() {
        fn find(text: &str) -> [Option<&str>; 3] {
            raw_members_at(
                text,
                [
                    ("request", "method"),
                    ("request", "url"),
                    ("response", "code"),
                ],
            )
        }
        assert_eq!(
            find(
                r#"{"request": {"m\u0065thod": "A", "url": 1, "method": "B"}, "response": {"code": [1]}}"#
            ),
            [Some(r#""B""#), Some("1"), Some("[1]")]
        );
        // The last member of a repeated name counts, whatever the earlier one held.
        assert_eq!(
            find(r#"{"request": {"method": "A", "url": 2}, "request": {"method": "C"}}"#),
            [Some(r#""C""#), None, None]
        );
        assert_eq!(
            find(r#"{"request": {"method": "A"}, "request": null}"#),
            [None; 3]
        );
        assert_eq!(
            find(r#"{"request": [{"method": "A"}], "x": {"request": {}}}"#),
            [None; 3]
        );
        assert_eq!(find("[]"), [None; 3]);
        assert_eq!(
            find(r#"{"request": {"method": "A"}"#),
            [None; 3],
            "not valid JSON"
        );
        assert_eq!(
            find(r#"{"request": {"method": "A"}} x"#),
            [None; 3],
            "not valid JSON"
        );
        assert_eq!(find("{}"), [None; 3]);
        assert_eq!(find(r#"{"request": {}}"#), [None; 3]);
        // A name holding a backslash is matched decoded, never by its raw text.
        let path = [("a\\nb", "c")];
        assert_eq!(raw_members_at(r#"{"a\nb": {"c": 1}}"#, path), [None]);
        assert_eq!(raw_members_at(r#"{"a\\nb": {"c": 1}}"#, path), [Some("1")]);
        assert_eq!(
            raw_members_at(r#"{"\u0061": {"\u0063": 2}}"#, [("a", "c")]),
            [Some("2")]
        );
    }

    /// JSON-ish text: valid documents and near misses, from a small alphabet that reaches
    /// every branch.
    fn jsonish() -> impl Strategy<Value = String> {
        let atom = prop_oneof![
            Just("0".to_owned()),
            Just("-12.5e+3".to_owned()),
            Just("true".to_owned()),
            Just("null".to_owned()),
            "\"([a-z\"\\\\/é]|\\\\[\"\\\\/bfnrtux]|\\\\u[0-9a-fA-FgG]{0,4}|\n|\t){0,80}\"",
            "[0-9.eE+-]{1,6}",
        ];
        atom.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(inner, 0..6).prop_map(|v| {
                    let members: Vec<String> = v
                        .iter()
                        .enumerate()
                        .map(|(i, v)| format!("\"k{i}\":{v}"))
                        .collect();
                    format!("{{{}}}", members.join(","))
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json_on_generated_json(text in jsonish()) {
            agree(text.as_bytes());
        }

        #[test]
        fn agrees_with_serde_json_on_mutated_json(
            text in jsonish(),
            at in any::<prop::sample::Index>(),
            byte in prop::sample::select(b"\"\\{}[],: \n0-e.tfnu\x01x".to_vec()),
            delete in any::<bool>(),
        ) {
            let mut bytes = text.into_bytes();
            let at = at.index(bytes.len() + 1);
            if delete && at < bytes.len() {
                bytes.remove(at);
            } else {
                bytes.insert(at, byte);
            }
            agree(&bytes);
        }

        #[test]
        fn items_of_a_page_give_the_members_their_texts_give(
            items in prop::collection::vec(jsonish(), 0..6),
            escape in any::<bool>(),
            repeat in any::<bool>(),
        ) {
            // The valid ones: a page is valid or not scanned at all.
            let items: Vec<String> = items.into_iter().filter(|i| is_valid(i.as_bytes())).collect();
            let mut body = format!("{{\"events\": [{}]}}", items.join(" ,\n"));
            if escape {
                // A name spelled with an escape is the same name.
                body = body.replace("\"k1\":", "\"k\\u0031\":");
            }
            if repeat {
                // A name that repeats counts by its last member.
                body = body.replace("\"k2\":", "\"k0\":");
            }
            let paths = [("k0", "k0"), ("k0", "k1"), ("k1", "k0"), ("k1", "k1"), ("k2", "k3")];
            let Scanned { members, stops, picked } = page(body.as_bytes(), "events", &paths).unwrap();
            let elements = members[0].elements.as_ref().unwrap();
            prop_assert_eq!(picked.len(), elements.len() * paths.len());
            for (element, row) in elements.iter().zip(picked.chunks(paths.len())) {
                let text = &body[element.range.clone()];
                let by_text = raw_members_at(text, paths);
                prop_assert_eq!(
                    members_at_in(&body, &stops, element.range.clone(), paths),
                    by_text,
                    "{}", text
                );
                let row: Vec<Option<&str>> =
                    row.iter().map(|range| range.clone().map(|range| &body[range])).collect();
                prop_assert_eq!(row.as_slice(), by_text.as_slice(), "picked in {}", text);
            }
        }

        #[test]
        fn agrees_with_serde_json_on_any_text(text in "[\\PC\u{0}-\u{1f}]{0,40}") {
            agree(text.as_bytes());
        }
    }
}
