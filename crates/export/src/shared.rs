//! Shared raw pages: [`SharedRaw`], its items ([`RawJson`]) and the members an export picks
//! of each ([`Columns`]).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use twilio_model::{ListResource, Page};

/// The list resource `R` with each item kept as the exact JSON text it arrived as, like
/// [`Raw`](twilio_model::Raw), but without a copy: every item of a page is a [`RawJson`], a slice of the page's
/// body, which they share. For exports: decoding a page only checks that it is valid JSON
/// and finds its items (a scan several times faster than serde_json's raw values), and
/// accepts and refuses exactly what `Page<Raw<R>>` does, with the same errors.
///
/// An item keeps its whole page's body alive: to keep a few items of many pages, copy them
/// (`RawJson::get(..).to_owned()`).
///
/// An export that reads the same few members of every item names them in `C` (see
/// [`Columns`]): the page's scan then picks them on its way, and [`RawJson::members_at`] of
/// those paths reads nothing again.
pub struct SharedRaw<R, C = ()>(PhantomData<fn() -> (R, C)>, std::convert::Infallible);

impl<R, C> fmt::Debug for SharedRaw<R, C> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {}
    }
}

/// The members an export reads of every item of a [`SharedRaw`] page, by path: `(outer,
/// inner)` is member `inner` of the object that is member `outer` of the item, as
/// [`raw_members_at`](crate::raw_members_at) reads it. The page's scan picks them on its way
/// (up to 64 paths; beyond, none), so that [`RawJson::members_at`] of exactly these paths
/// answers without a second walk over the item. `()` picks none.
///
/// ```
/// use twilio_export::{Columns, SharedRaw};
/// use twilio_model::{CallEvents, ListResource};
///
/// enum Method {}
///
/// impl Columns for Method {
///     const PATHS: &'static [(&'static str, &'static str)] = &[("request", "method")];
/// }
///
/// let body = br#"{"events": [{"request": {"method": "POST"}}, {"request": {}}]}"#;
/// let page = SharedRaw::<CallEvents, Method>::page_from_body(body.to_vec())?;
/// let methods: Vec<_> = page
///     .items
///     .iter()
///     .map(|item| item.members_at([("request", "method")]))
///     .collect();
/// assert_eq!(methods, [[Some(r#""POST""#)], [None]]);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait Columns: 'static {
    /// The paths, in the order `members_at` is asked for them.
    const PATHS: &'static [(&'static str, &'static str)];
}

impl Columns for () {
    const PATHS: &'static [(&'static str, &'static str)] = &[];
}

impl<R: ListResource, C: Columns> ListResource for SharedRaw<R, C> {
    const ITEMS_KEY: &'static str = R::ITEMS_KEY;
    type Item = RawJson;

    fn page_from_body(body: Vec<u8>) -> Result<Page<Self>, serde_json::Error> {
        match shared_page(body) {
            Ok(page) => Ok(page),
            // Not a page as the scan reads it: serde_json says why (or, should the two ever
            // disagree, decodes it after all).
            Err(body) => serde_json::from_slice(&body),
        }
    }
}

/// One item of a [`SharedRaw`] page: its exact JSON text, a slice of the page's body, which
/// it shares (a clone is a reference count, not a copy).
///
/// Serializes as that JSON (not as a string); decoding one on its own (through `Deserialize`)
/// checks and copies its text.
#[derive(Clone)]
pub struct RawJson {
    body: Arc<Body>,
    /// Its place among the page's items (its row of [`Body::picked`]).
    item: usize,
    start: usize,
    end: usize,
    /// Whether the text holds no `\n` or `\r` (known from the scan that found it).
    one_line: bool,
}

impl RawJson {
    /// The item's JSON text, exactly as it arrived.
    #[must_use]
    pub fn get(&self) -> &str {
        self.body.text.get(self.start..self.end).unwrap_or_default()
    }

    /// [`raw_members_at`](crate::raw_members_at) of the item's text, without reading its
    /// bytes again: an item of a shared raw page reuses what the page's scan found (where
    /// each string ends). For exports that show a few members of each item.
    ///
    /// ```
    /// use twilio_export::SharedRaw;
    /// use twilio_model::{CallEvents, ListResource};
    ///
    /// let body = br#"{"events": [{"request": {"method": "POST"}, "response": {"response_code": 201}}]}"#;
    /// let page = SharedRaw::<CallEvents>::page_from_body(body.to_vec())?;
    /// let [method, code] =
    ///     page.items[0].members_at([("request", "method"), ("response", "response_code")]);
    /// assert_eq!((method, code), (Some(r#""POST""#), Some("201")));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn members_at<const N: usize>(&self, paths: [(&str, &str); N]) -> [Option<&str>; N] {
        if self.body.stops.is_empty() {
            return crate::raw_members_at(self.get(), paths);
        }
        if N > 0 && same_paths(self.body.paths, &paths) {
            let row = self.item * N;
            if let Some(picked) = self.body.picked.get(row..row + N) {
                return std::array::from_fn(|k| {
                    let range = picked.get(k).cloned().flatten()?;
                    self.body.text.get(range)
                });
            }
        }
        crate::scan::members_at_in(
            &self.body.text,
            &self.body.stops,
            self.start..self.end,
            paths,
        )
    }

    /// Whether the text is one line: it holds no line break (`\n` or `\r`). In JSON a line
    /// break can only be whitespace between tokens (inside a string it is escaped), so turning
    /// each into a space puts an item on one line, as NDJSON needs, without changing its value.
    /// Known from the scan that found the item: asking costs nothing.
    ///
    /// ```
    /// use twilio_export::SharedRaw;
    /// use twilio_model::{CallEvents, ListResource};
    ///
    /// let body = b"{\"events\": [{\"a\": \"x\\ny\"}, {\n\"a\": 1}]}".to_vec();
    /// let page = SharedRaw::<CallEvents>::page_from_body(body)?;
    /// assert!(page.items[0].is_one_line());
    /// assert!(!page.items[1].is_one_line());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn is_one_line(&self) -> bool {
        self.one_line
    }
}

/// Whether `a` and `b` are the same paths: the same strings, at best the very same (those of
/// one `static`), which is quicker to see than comparing their bytes.
fn same_paths(a: &[(&str, &str)], b: &[(&str, &str)]) -> bool {
    let same = |x: &str, y: &str| std::ptr::eq(x, y) || x == y;
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((a_outer, a_inner), (b_outer, b_inner))| {
                same(a_outer, b_outer) && same(a_inner, b_inner)
            })
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawJson").field(&self.get()).finish()
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawJson {}

impl From<Box<serde_json::value::RawValue>> for RawJson {
    fn from(raw: Box<serde_json::value::RawValue>) -> Self {
        let text: Box<str> = raw.into();
        let one_line = !text.bytes().any(|b| b == b'\n' || b == b'\r');
        let body = Arc::new(Body {
            text: String::from(text),
            stops: Vec::new(),
            paths: &[],
            picked: Vec::new(),
        });
        Self {
            item: 0,
            end: body.text.len(),
            body,
            start: 0,
            one_line,
        }
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &serde_json::value::RawValue =
            serde_json::from_str(self.get()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<serde_json::value::RawValue>::deserialize(deserializer).map(Self::from)
    }
}

/// The body of a shared raw page, which its items share: its text, and where the scan that
/// found the items saw strings stop (one bit per byte; empty for an item decoded alone).
struct Body {
    text: String,
    stops: Vec<u64>,
    /// The paths the scan picked for every item (empty when none or not scanned), and what
    /// it found: a row of `paths.len()` an item, bounds in `text`.
    paths: &'static [(&'static str, &'static str)],
    picked: Vec<Option<Range<usize>>>,
}

/// How deep a member other than the items may nest for the scan to decode it alone: past
/// this, serde_json's recursion limit, counted from the page, could tell apart decoding it
/// alone and within the page, so the page goes the serde_json way.
const MAX_SCANNED_DEPTH: usize = 64;

/// Decodes a shared raw page by scanning `body`; gives the body back when the scan does not
/// take it (not UTF-8, not JSON, a member the scan leaves to serde_json), so that serde_json
/// decides.
fn shared_page<R: ListResource, C: Columns>(
    body: Vec<u8>,
) -> Result<Page<SharedRaw<R, C>>, Vec<u8>> {
    let paths = C::PATHS;
    let text = String::from_utf8(body).map_err(std::string::FromUtf8Error::into_bytes)?;
    let Ok(scanned) = crate::scan::page(text.as_bytes(), R::ITEMS_KEY, paths) else {
        return Err(text.into_bytes());
    };
    let crate::scan::Scanned {
        members,
        stops,
        picked,
    } = scanned;
    let body = Arc::new(Body {
        text,
        stops,
        paths: if picked.is_empty() { &[] } else { paths },
        picked,
    });
    match page_of_members(&body, &members) {
        Some(page) => Ok(page),
        None => {
            drop(members);
            Err(Arc::try_unwrap(body)
                .map_or_else(|shared| shared.text.clone(), |body| body.text)
                .into_bytes())
        }
    }
}

/// The page whose members the scan found in `body`, its envelope decoded by
/// [`Page::from_members`] as `Deserialize` decodes it; `None` for anything left to serde_json.
fn page_of_members<R: ListResource, C: Columns>(
    body: &Arc<Body>,
    members: &[crate::scan::Member],
) -> Option<Page<SharedRaw<R, C>>> {
    let text = |range: &Range<usize>| body.text.get(range.clone());
    let mut others = Vec::with_capacity(members.len());
    let mut items = None;
    for member in members {
        let name: Cow<'_, str> = if member.key_escaped {
            let quoted = body
                .text
                .get(member.key.start.checked_sub(1)?..member.key.end + 1)?;
            Cow::Owned(serde_json::from_str::<String>(quoted).ok()?)
        } else {
            Cow::Borrowed(text(&member.key)?)
        };
        if name == R::ITEMS_KEY {
            // Each must be an array, as `Deserialize` decodes each; the last one counts.
            items = Some(member.elements.as_ref()?);
        } else {
            if member.depth > MAX_SCANNED_DEPTH {
                return None;
            }
            others.push((name, text(&member.value)?));
        }
    }
    let items = items?
        .iter()
        .enumerate()
        .map(|(item, element)| RawJson {
            body: Arc::clone(body),
            item,
            start: element.range.start,
            end: element.range.end,
            one_line: !element.line_break,
        })
        .collect();
    Page::from_members(others, items).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use twilio_model::{CallEvents, ListPage, Raw};

    type Shared = Page<SharedRaw<CallEvents>>;
    type Copied = Page<Raw<CallEvents>>;
    type Picking = Page<SharedRaw<CallEvents, Picked>>;

    /// The paths `same_as_raw` reads.
    enum Picked {}

    impl Columns for Picked {
        const PATHS: &'static [(&'static str, &'static str)] =
            &[("r", "m"), ("r", "u"), ("s", "c"), ("a", "b")];
    }

    /// The shared page decodes `body` exactly as the copying one does: the same error, or the
    /// same metadata, members and items, and the same encoding.
    fn same_as_raw(body: &str) {
        let copied = serde_json::from_str::<Copied>(body);
        let shared = Shared::from_body(body.as_bytes().to_vec());
        match (&copied, &shared) {
            (Ok(copied), Ok(shared)) => {
                assert_eq!(copied.meta, shared.meta, "{body}");
                assert_eq!(copied.extra, shared.extra, "{body}");
                let texts = |items: Vec<&str>| items.join("\u{0}");
                assert_eq!(
                    texts(copied.items.iter().map(|i| i.get()).collect()),
                    texts(shared.items.iter().map(RawJson::get).collect()),
                    "{body}"
                );
                let paths = [("r", "m"), ("r", "u"), ("s", "c"), ("a", "b")];
                let picking = Picking::from_body(body.as_bytes().to_vec()).unwrap();
                assert_eq!(picking.items, shared.items, "{body}");
                for (item, picked) in shared.items.iter().zip(&picking.items) {
                    assert_eq!(
                        picked.members_at(paths),
                        crate::raw_members_at(item.get(), paths),
                        "{body}"
                    );
                    // Other paths than the picked ones: read as without them.
                    assert_eq!(
                        picked.members_at([("r", "m")]),
                        item.members_at([("r", "m")]),
                        "{body}"
                    );
                }
                for item in &shared.items {
                    assert_eq!(
                        item.is_one_line(),
                        !item.get().contains(['\n', '\r']),
                        "{body}"
                    );
                    assert_eq!(
                        item.members_at(paths),
                        crate::raw_members_at(item.get(), paths),
                        "{body}"
                    );
                }
                assert_eq!(
                    serde_json::to_string(copied).unwrap(),
                    serde_json::to_string(shared).unwrap(),
                    "{body}"
                );
            }
            (Err(copied), Err(shared)) => {
                assert_eq!(copied.to_string(), shared.to_string(), "{body}");
            }
            _ => panic!("{body}: {copied:?} against {shared:?}"),
        }
    }

    #[test]
    fn a_shared_page_borrows_its_items_from_the_body() {
        let body = r#"{"events": [{"a": 1}, {"b": [2, "\"x\""]}], "page": 0, "next_page_uri": "/n?Page=1", "x_new": {"y": true}}"#;
        let page = Shared::from_body(body.as_bytes().to_vec()).unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[1].get(), r#"{"b": [2, "\"x\""]}"#);
        assert!(Arc::ptr_eq(&page.items[0].body, &page.items[1].body));
        assert_eq!(page.next_page_uri(), Some("/n?Page=1"));
        assert_eq!(page.extra["x_new"], serde_json::json!({"y": true}));
        same_as_raw(body);
        // An item serializes as its JSON, and decodes on its own too.
        let item: RawJson = serde_json::from_str(r#" {"z": null} "#).unwrap();
        assert_eq!(item.get(), r#"{"z": null}"#);
        assert_eq!(
            serde_json::to_string(std::slice::from_ref(&item)).unwrap(),
            r#"[{"z": null}]"#
        );
        assert_eq!(item.to_string(), r#"{"z": null}"#);
    }

    #[test]
    fn odd_pages_decode_or_fail_as_with_serde_json() {
        let deep = format!(
            r#"{{"events": [], "x": {}1{}}}"#,
            "[".repeat(127),
            "]".repeat(127)
        );
        let deep_item = format!(r#"{{"events": [{}{}]}}"#, "[".repeat(300), "]".repeat(300));
        for body in [
            "{}",
            "[]",
            "",
            r#"{"events": []}"#,
            r#"{"events": {}}"#,
            r#"{"events": [1,]}"#,
            r#"{"events": [1], "events": [2, 3]}"#,
            r#"{"ev\u0065nts": [1]}"#,
            r#"{"events": [1], "page": 1.5, "page_size": "50", "start": -1, "end": null}"#,
            r#"{"events": [1], "page": 1e400}"#,
            r#"{"events": [1], "page": 18446744073709551616}"#,
            r#"{"events": [1], "page": 3, "page": "x"}"#,
            r#"{"events": [1], "uri": 5}"#,
            r#"{"events": [1], "uri": "\ud800"}"#,
            r#"{"events": ["\ud800"]}"#,
            r#"{"events": [1], "\ud800": 1}"#,
            r#"{"events": [1], "next_page_uri": "/a\u00e9"}"#,
            r#"{"events": [1], "x": 1e400}"#,
            "{\"events\": [\"a\nb\"]}",
            "{\"events\": [1]} x",
            "\u{feff}{\"events\": []}",
            &deep,
            &deep_item,
        ] {
            same_as_raw(body);
        }
        // Not UTF-8.
        assert_eq!(
            Shared::from_body(b"{\"events\": [\"\xff\"]}".to_vec())
                .unwrap_err()
                .to_string(),
            serde_json::from_slice::<Copied>(b"{\"events\": [\"\xff\"]}")
                .unwrap_err()
                .to_string()
        );
    }

    fn member() -> impl Strategy<Value = String> {
        let link = prop::sample::select(vec!["null", "\"/x?Page=1\"", "5", "\"a\\u00e9\"", "[]"]);
        let counter = prop::sample::select(vec![
            "0",
            "7",
            "-1",
            "1.5",
            "\"3\"",
            "null",
            "1e400",
            "18446744073709551616",
            "{}",
        ]);
        let value = prop::sample::select(vec![
            "1",
            "\"s\"",
            "{\"a\":[1,{\"b\":null}]}",
            "[1e400]",
            "\"\\u00e9\\\"\"",
            "true",
            "{\"a\":\r\n[1,\n2]}",
            "\"x\\ny\"",
            "{\"r\" : {\"m\":\"P\\u0041\\\"\", \"u\":1},\n\"s\":{\"c\":201}, \"r\":{\"m\":2}}",
            "{\"a\":{\"b\":[{}]}, \"a\\u0000\":{\"b\":1}}",
        ]);
        let items = prop::collection::vec(value.clone(), 0..5);
        prop_oneof![
            (
                prop::sample::select(vec![
                    "uri",
                    "next_page_uri",
                    "first_page_uri",
                    "previous_page_uri"
                ]),
                link
            )
                .prop_map(|(k, v)| format!("\"{k}\": {v}")),
            (
                prop::sample::select(vec!["page", "page_size", "start", "end"]),
                counter
            )
                .prop_map(|(k, v)| format!("\"{k}\":{v}")),
            items.prop_map(|items| format!("\"events\" : [ {} ]", items.join(" ,\n"))),
            (
                prop::sample::select(vec!["x", "ev\\u0065nts", "p\\u0061ge"]),
                value
            )
                .prop_map(|(k, v)| format!("\"{k}\":{v}")),
        ]
    }

    fn body() -> impl Strategy<Value = String> {
        prop::collection::vec(member(), 0..8).prop_map(|m| format!("{{{}}}", m.join(",")))
    }

    proptest! {
        #[test]
        fn shared_pages_decode_as_copied_ones(body in body()) {
            same_as_raw(&body);
        }

        #[test]
        fn mutated_shared_pages_decode_as_copied_ones(
            body in body(),
            at in any::<prop::sample::Index>(),
            byte in prop::sample::select(b"\"\\{}[],: \n0-e.tfnu\x01x".to_vec()),
            delete in any::<bool>(),
        ) {
            let mut bytes = body.into_bytes();
            let at = at.index(bytes.len() + 1);
            if delete && at < bytes.len() {
                bytes.remove(at);
            } else {
                bytes.insert(at, byte);
            }
            if let Ok(body) = String::from_utf8(bytes) {
                same_as_raw(&body);
            }
        }
    }
}
