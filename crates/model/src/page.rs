//! The paging envelopes of Twilio's list resources ([`PageMeta`] for 2010-04-01, [`MetaEnvelope`]
//! for every other API) and the generic pages over them ([`Page`], [`MetaPage`]).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::lenient::Lenient;

/// The paging metadata every Twilio 2010-04-01 list response carries next to its items.
///
/// Links (`*_page_uri`) are relative to the API host and must be followed verbatim: their
/// `PageToken` is opaque.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PageMeta {
    /// The URI of this page, relative to the API host.
    #[serde(default)]
    pub uri: Option<String>,
    /// The URI of the first page of the list.
    #[serde(default)]
    pub first_page_uri: Option<String>,
    /// The URI of the next page; `None` on the last page.
    #[serde(default)]
    pub next_page_uri: Option<String>,
    /// The URI of the previous page; `None` on the first page.
    #[serde(default)]
    pub previous_page_uri: Option<String>,
    /// The zero-based index of this page.
    #[serde(default)]
    pub page: Option<u64>,
    /// The number of items per page the server used.
    #[serde(default)]
    pub page_size: Option<u64>,
    /// The index of the first item of this page in the whole list.
    #[serde(default)]
    pub start: Option<u64>,
    /// The index of the last item of this page in the whole list.
    #[serde(default)]
    pub end: Option<u64>,
}

/// Where a list response says its next page is: the envelope around its items.
///
/// Twilio has two. The 2010-04-01 API puts its paging members at the top level of every page
/// ([`PageMeta`]: `next_page_uri`, relative to the API host); every other API puts them in a
/// `meta` object ([`MetaEnvelope`]: `next_page_url`, absolute, and `key`, the name of the
/// items' array). A pager needs no more of either than these two links.
pub trait Envelope {
    /// The link to the next page as the server sent it (relative or absolute); `None` or
    /// empty on the last page.
    fn next_page_link(&self) -> Option<&str>;

    /// This page's own link as the server sent it, when it says (used to notice a server
    /// that sends a page already delivered).
    fn own_link(&self) -> Option<&str>;
}

impl Envelope for PageMeta {
    fn next_page_link(&self) -> Option<&str> {
        self.next_page_uri.as_deref()
    }

    fn own_link(&self) -> Option<&str> {
        self.uri.as_deref()
    }
}

/// One page of a Twilio list resource: its items and its paging envelope.
///
/// This is what `twilio-pager` drives generically: any type that decodes from a list
/// response and can hand out its items and its next page's link can be paged, whichever
/// [`Envelope`] it has.
pub trait ListPage: serde::de::DeserializeOwned + Send + 'static {
    /// The type of one item of the list.
    type Item: Send + 'static;

    /// The paging envelope: [`PageMeta`] (2010-04-01) or [`MetaEnvelope`] (the other APIs).
    type Envelope: Envelope + Send + 'static;

    /// The paging envelope of this page.
    fn envelope(&self) -> &Self::Envelope;

    /// The items of this page, in API order.
    fn items(&self) -> &[Self::Item];

    /// Splits the page into its envelope and its items.
    fn into_parts(self) -> (Self::Envelope, Vec<Self::Item>);

    /// The link to the next page, if any (relative to the API host, or absolute).
    fn next_page_uri(&self) -> Option<&str> {
        self.envelope().next_page_link().filter(|s| !s.is_empty())
    }

    /// Decodes a page from the whole body of a response (what a pager calls). The default
    /// decodes `body` with serde_json; a page that keeps its body (`Page<SharedRaw<R>>`,
    /// whose items are slices of it) takes it over without a copy.
    ///
    /// # Errors
    ///
    /// When `body` is not a page of this type: serde_json's error.
    fn from_body(body: Vec<u8>) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(&body)
    }
}

/// A Twilio list resource: which JSON key holds the items of its pages, and their type.
///
/// Declaring one is all it takes to get a decodable, encodable, pageable [`Page`]:
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use twilio_model::{ListPage, ListResource, Page};
///
/// #[derive(Debug, Deserialize, Serialize)]
/// struct Recording {
///     sid: String,
/// }
///
/// /// `GET .../Recordings.json`
/// enum Recordings {}
///
/// impl ListResource for Recordings {
///     const ITEMS_KEY: &'static str = "recordings";
///     type Item = Recording;
/// }
///
/// let page: Page<Recordings> = serde_json::from_str(
///     r#"{"recordings": [{"sid": "RE1"}], "page": 0, "next_page_uri": null}"#,
/// )?;
/// assert_eq!(page.items()[0].sid, "RE1");
/// assert_eq!(page.next_page_uri(), None);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait ListResource: 'static {
    /// The key of the JSON array that holds the items, e.g. `"events"`.
    const ITEMS_KEY: &'static str;

    /// The type of one item.
    type Item: serde::de::DeserializeOwned + Serialize + Send + 'static;

    /// Decodes a page of this resource from the whole body of a response
    /// ([`ListPage::from_body`] of [`Page<Self>`]). The default decodes it with serde_json,
    /// as `Deserialize` does; [`SharedRaw`] scans it instead and builds its page with
    /// [`Page::from_members`].
    ///
    /// # Errors
    ///
    /// When `body` is not such a page: serde_json's error.
    fn page_from_body(body: Vec<u8>) -> Result<Page<Self>, serde_json::Error>
    where
        Self: Sized,
    {
        serde_json::from_slice(&body)
    }
}

/// One page of the list resource `R`: its paging metadata, its items, and any other
/// top-level member kept verbatim.
///
/// Decoding is a single pass (no `#[serde(flatten)]` buffering). It requires the items key
/// (`R::ITEMS_KEY`); the link members (`uri`, `first_page_uri`, `next_page_uri`,
/// `previous_page_uri`) must be strings or null, since paging depends on them. The counters
/// (`page`, `page_size`, `start`, `end`) are read when they are non-negative integers and
/// otherwise kept in [`extra`](Page::extra). Unknown members are kept in `extra` too.
///
/// Encoding writes the metadata members, the items, then `extra`. A metadata member that was
/// absent from the decoded JSON (an unpaged list such as `AvailablePhoneNumbers.json` has
/// none) stays absent unless it was set since; a page built with [`Page::new`] writes all
/// eight (unset ones as `null`, as Twilio does).
#[non_exhaustive]
pub struct Page<R: ListResource> {
    /// The paging metadata.
    pub meta: PageMeta,
    /// The items, in API order.
    pub items: Vec<R::Item>,
    /// Every other top-level member, verbatim.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The metadata members absent from the decoded JSON: bit `i` for `PageKey::META[i]`.
    absent: u8,
    resource: PhantomData<fn() -> R>,
}

impl<R: ListResource> Page<R> {
    /// A page with the given metadata and items, and no other member.
    #[must_use]
    pub fn new(meta: PageMeta, items: Vec<R::Item>) -> Self {
        Self {
            meta,
            items,
            extra: serde_json::Map::new(),
            absent: 0,
            resource: PhantomData,
        }
    }

    /// A page whose items were decoded elsewhere, from its other top-level members: for page
    /// types that find a body's members and keep their items in their own way (such as
    /// `twilio-export`'s shared raw pages, whose items are slices of the body).
    ///
    /// `members` are the page object's members other than the items, in the order of the
    /// body, repeats included: each a name (escapes already decoded) and the exact JSON text
    /// of its value. Each is decoded as [`Deserialize`] decodes it within a page: a link must
    /// be a string or null, a counter is kept typed when it is a non-negative integer (or
    /// null) and in [`extra`](Page::extra) otherwise, any other member goes to `extra`, and
    /// of a repeated name the last counts. The metadata members that are not among `members`
    /// are remembered as absent, so the page encodes as the body it came from: with `items`
    /// equal to what `Deserialize` would decode, the result is the page `Deserialize`
    /// gives, in its value and in its encoding.
    ///
    /// Each value is decoded on its own, so serde_json's recursion limit counts from the
    /// value rather than from the page: a value nested within one level of the limit decodes
    /// here but not inside its page. A caller that must refuse what `Deserialize` refuses
    /// decodes such pages with `Deserialize`.
    ///
    /// # Errors
    ///
    /// serde_json's error when a value is not JSON or a link is neither a string nor null
    /// (positions in it are within that value's text), and an error when a name is
    /// `R::ITEMS_KEY`: the items are given apart.
    ///
    /// ```
    /// use twilio_model::{CallEvents, Page};
    ///
    /// let members = [("page", "0"), ("next_page_uri", "null"), ("x_new", r#"{"y": true}"#)];
    /// let page = Page::<CallEvents>::from_members(members, Vec::new())?;
    /// assert_eq!(page.meta.page, Some(0));
    /// assert_eq!(page.extra["x_new"], serde_json::json!({"y": true}));
    /// // Encoded as decoded: the members that were absent stay absent.
    /// assert_eq!(
    ///     serde_json::to_string(&page)?,
    ///     r#"{"next_page_uri":null,"page":0,"events":[],"x_new":{"y":true}}"#
    /// );
    /// assert_eq!(
    ///     page,
    ///     serde_json::from_str(r#"{"page": 0, "next_page_uri": null, "x_new": {"y": true}, "events": []}"#)?
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn from_members<K, V>(
        members: impl IntoIterator<Item = (K, V)>,
        items: Vec<R::Item>,
    ) -> Result<Self, serde_json::Error>
    where
        K: AsRef<str> + Into<String>,
        V: AsRef<str>,
    {
        let mut meta = PageMeta::default();
        let mut extra = serde_json::Map::new();
        let mut absent = u8::MAX;
        for (name, value) in members {
            let key = match PageKey::known(name.as_ref(), R::ITEMS_KEY) {
                Some(PageKey::Items) => {
                    return Err(de::Error::custom(format_args!(
                        "the items member `{}` is given apart from the other members",
                        R::ITEMS_KEY
                    )));
                }
                Some(key) => key,
                None => PageKey::Other(name.into()),
            };
            if let Some(bit) = key.meta_bit() {
                absent &= !bit;
            }
            let value = value.as_ref();
            let link = || serde_json::from_str::<Option<String>>(value);
            match key {
                PageKey::Uri => meta.uri = link()?,
                PageKey::FirstPageUri => meta.first_page_uri = link()?,
                PageKey::NextPageUri => meta.next_page_uri = link()?,
                PageKey::PreviousPageUri => meta.previous_page_uri = link()?,
                PageKey::Page => read_counter_text(value, "page", &mut meta.page, &mut extra)?,
                PageKey::PageSize => {
                    read_counter_text(value, "page_size", &mut meta.page_size, &mut extra)?;
                }
                PageKey::Start => read_counter_text(value, "start", &mut meta.start, &mut extra)?,
                PageKey::End => read_counter_text(value, "end", &mut meta.end, &mut extra)?,
                PageKey::Items => {}
                PageKey::Other(key) => {
                    extra.insert(key, serde_json::from_str(value)?);
                }
            }
        }
        Ok(Self {
            meta,
            items,
            extra,
            absent,
            resource: PhantomData,
        })
    }
}

impl<R: ListResource> ListPage for Page<R> {
    type Item = R::Item;
    type Envelope = PageMeta;

    fn envelope(&self) -> &PageMeta {
        &self.meta
    }

    fn items(&self) -> &[R::Item] {
        &self.items
    }

    fn into_parts(self) -> (PageMeta, Vec<R::Item>) {
        (self.meta, self.items)
    }

    fn from_body(body: Vec<u8>) -> Result<Self, serde_json::Error> {
        R::page_from_body(body)
    }
}

impl<R: ListResource> fmt::Debug for Page<R>
where
    R::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("items_key", &R::ITEMS_KEY)
            .field("meta", &self.meta)
            .field("items", &self.items)
            .field("extra", &self.extra)
            .finish()
    }
}

impl<R: ListResource> Clone for Page<R>
where
    R::Item: Clone,
{
    fn clone(&self) -> Self {
        Self {
            meta: self.meta.clone(),
            items: self.items.clone(),
            extra: self.extra.clone(),
            absent: self.absent,
            resource: PhantomData,
        }
    }
}

impl<R: ListResource> PartialEq for Page<R>
where
    R::Item: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta && self.items == other.items && self.extra == other.extra
    }
}

impl<R: ListResource> Default for Page<R> {
    fn default() -> Self {
        Self::new(PageMeta::default(), Vec::new())
    }
}

/// The top-level members of a page, matched without allocating.
enum PageKey {
    Uri,
    FirstPageUri,
    NextPageUri,
    PreviousPageUri,
    Page,
    PageSize,
    Start,
    End,
    Items,
    Other(String),
}

impl PageKey {
    const META: [&'static str; 8] = [
        "uri",
        "first_page_uri",
        "next_page_uri",
        "previous_page_uri",
        "page",
        "page_size",
        "start",
        "end",
    ];

    /// This key's bit in `Page::absent`, for the metadata members.
    fn meta_bit(&self) -> Option<u8> {
        let index = match self {
            Self::Uri => 0,
            Self::FirstPageUri => 1,
            Self::NextPageUri => 2,
            Self::PreviousPageUri => 3,
            Self::Page => 4,
            Self::PageSize => 5,
            Self::Start => 6,
            Self::End => 7,
            Self::Items | Self::Other(_) => return None,
        };
        Some(1 << index)
    }

    fn known(key: &str, items_key: &str) -> Option<Self> {
        Some(match key {
            "uri" => Self::Uri,
            "first_page_uri" => Self::FirstPageUri,
            "next_page_uri" => Self::NextPageUri,
            "previous_page_uri" => Self::PreviousPageUri,
            "page" => Self::Page,
            "page_size" => Self::PageSize,
            "start" => Self::Start,
            "end" => Self::End,
            _ if key == items_key => Self::Items,
            _ => return None,
        })
    }
}

struct PageKeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for PageKeySeed {
    type Value = PageKey;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<PageKey, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for PageKeySeed {
    type Value = PageKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<PageKey, E> {
        Ok(PageKey::known(v, self.0).unwrap_or_else(|| PageKey::Other(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<PageKey, E> {
        Ok(match PageKey::known(&v, self.0) {
            Some(key) => key,
            None => PageKey::Other(v),
        })
    }
}

/// Reads a page counter: kept typed when it is a non-negative integer (or null), raw in
/// `extra` otherwise.
fn read_counter<'de, A: MapAccess<'de>>(
    map: &mut A,
    name: &'static str,
    slot: &mut Option<u64>,
    extra: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), A::Error> {
    match map.next_value::<Lenient<u64>>()? {
        Lenient::Typed(value) => {
            *slot = Some(value);
            extra.remove(name);
        }
        Lenient::Raw(serde_json::Value::Null) => {
            *slot = None;
            extra.remove(name);
        }
        Lenient::Raw(value) => {
            *slot = None;
            extra.insert(name.to_owned(), value);
        }
    }
    Ok(())
}

/// [`read_counter`] for a counter given as its JSON text.
fn read_counter_text(
    text: &str,
    name: &'static str,
    slot: &mut Option<u64>,
    extra: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), serde_json::Error> {
    match serde_json::from_str::<Lenient<u64>>(text)? {
        Lenient::Typed(value) => {
            *slot = Some(value);
            extra.remove(name);
        }
        Lenient::Raw(serde_json::Value::Null) => {
            *slot = None;
            extra.remove(name);
        }
        Lenient::Raw(value) => {
            *slot = None;
            extra.insert(name.to_owned(), value);
        }
    }
    Ok(())
}

struct PageVisitor<R>(PhantomData<fn() -> R>);

impl<'de, R: ListResource> Visitor<'de> for PageVisitor<R> {
    type Value = Page<R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list page with an `{}` array", R::ITEMS_KEY)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<R>, A::Error> {
        let mut meta = PageMeta::default();
        let mut items = None;
        let mut extra = serde_json::Map::new();
        let mut absent = u8::MAX;
        while let Some(key) = map.next_key_seed(PageKeySeed(R::ITEMS_KEY))? {
            if let Some(bit) = key.meta_bit() {
                absent &= !bit;
            }
            match key {
                PageKey::Uri => meta.uri = map.next_value()?,
                PageKey::FirstPageUri => meta.first_page_uri = map.next_value()?,
                PageKey::NextPageUri => meta.next_page_uri = map.next_value()?,
                PageKey::PreviousPageUri => meta.previous_page_uri = map.next_value()?,
                PageKey::Page => read_counter(&mut map, "page", &mut meta.page, &mut extra)?,
                PageKey::PageSize => {
                    read_counter(&mut map, "page_size", &mut meta.page_size, &mut extra)?;
                }
                PageKey::Start => read_counter(&mut map, "start", &mut meta.start, &mut extra)?,
                PageKey::End => read_counter(&mut map, "end", &mut meta.end, &mut extra)?,
                PageKey::Items => items = Some(map.next_value::<Vec<R::Item>>()?),
                PageKey::Other(key) => {
                    let value = map.next_value::<serde_json::Value>()?;
                    extra.insert(key, value);
                }
            }
        }
        let items = items.ok_or_else(|| de::Error::missing_field(R::ITEMS_KEY))?;
        Ok(Page {
            meta,
            items,
            extra,
            absent,
            resource: PhantomData,
        })
    }
}

impl<'de, R: ListResource> Deserialize<'de> for Page<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

impl<R: ListResource> Serialize for Page<R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let m = &self.meta;
        let shadowed = |key: &str| {
            key == R::ITEMS_KEY
                || match key {
                    // A counter that is unset may be carried raw in `extra`.
                    "page" => m.page.is_some(),
                    "page_size" => m.page_size.is_some(),
                    "start" => m.start.is_some(),
                    "end" => m.end.is_some(),
                    _ => PageKey::META.contains(&key),
                }
        };
        let links = [
            ("uri", &m.uri),
            ("first_page_uri", &m.first_page_uri),
            ("next_page_uri", &m.next_page_uri),
            ("previous_page_uri", &m.previous_page_uri),
        ];
        let counters = [
            ("page", m.page),
            ("page_size", m.page_size),
            ("start", m.start),
            ("end", m.end),
        ];
        let was_absent = |index: usize| self.absent & (1 << index) != 0;
        // A member is written unless it was absent and is still unset; an unset counter whose
        // raw value sits in `extra` is written from `extra`.
        let links: Vec<_> = links
            .into_iter()
            .enumerate()
            .filter(|(i, (_, value))| value.is_some() || !was_absent(*i))
            .map(|(_, link)| link)
            .collect();
        let counters: Vec<_> = counters
            .into_iter()
            .enumerate()
            .filter(|(i, (key, value))| {
                value.is_some() || (!was_absent(4 + *i) && !self.extra.contains_key(*key))
            })
            .map(|(_, counter)| counter)
            .collect();
        let extra = self.extra.keys().filter(|k| !shadowed(k)).count();
        let mut map = serializer.serialize_map(Some(links.len() + counters.len() + 1 + extra))?;
        for (key, value) in links {
            map.serialize_entry(key, value)?;
        }
        for (key, value) in counters {
            map.serialize_entry(key, &value)?;
        }
        map.serialize_entry(R::ITEMS_KEY, &self.items)?;
        for (key, value) in &self.extra {
            if !shadowed(key) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// The list resource `R` with each item kept as the exact JSON text it arrived as (one copy
/// of its bytes, no parsing beyond validation), for exports and forwarding: `Page<Raw<R>>`
/// pages like `Page<R>` does. Decode an item later with
/// `serde_json::from_str::<R::Item>(raw.get())`. Only decodes with `serde_json`.
pub struct Raw<R>(PhantomData<fn() -> R>, std::convert::Infallible);

impl<R> fmt::Debug for Raw<R> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {}
    }
}

impl<R: ListResource> ListResource for Raw<R> {
    const ITEMS_KEY: &'static str = R::ITEMS_KEY;
    type Item = Box<serde_json::value::RawValue>;
}

/// The list resource `R` with each item kept as the exact JSON text it arrived as, like
/// [`Raw`], but without a copy: every item of a page is a [`RawJson`], a slice of the page's
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
/// use twilio_model::{CallEvents, Columns, ListResource, SharedRaw};
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
    /// use twilio_model::{CallEvents, ListResource, SharedRaw};
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
    /// use twilio_model::{CallEvents, ListResource, SharedRaw};
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
    picked: Vec<Option<std::ops::Range<usize>>>,
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
    let text = |range: &std::ops::Range<usize>| body.text.get(range.clone());
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
    use crate::CallEvents;
    use proptest::prelude::*;

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
                assert_eq!(copied.absent, shared.absent, "{body}");
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

#[cfg(test)]
mod from_members_tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::value::RawValue;

    /// A resource whose items are any JSON value.
    enum Things {}

    impl ListResource for Things {
        const ITEMS_KEY: &'static str = "things";
        type Item = serde_json::Value;
    }

    /// A page object's members in the order of the body, repeats included.
    struct Members(Vec<(String, Box<RawValue>)>);

    impl<'de> Deserialize<'de> for Members {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct MembersVisitor;
            impl<'de> Visitor<'de> for MembersVisitor {
                type Value = Members;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                    let mut members = Vec::new();
                    while let Some(member) = map.next_entry()? {
                        members.push(member);
                    }
                    Ok(Members(members))
                }
            }
            deserializer.deserialize_map(MembersVisitor)
        }
    }

    /// `from_members` of `body`'s members, its items decoded apart, gives the page that
    /// `Deserialize` gives: the same metadata, members, absent members and encoding; or,
    /// where `Deserialize` fails, the items are missing or not an array or it fails too.
    fn same_as_deserialize(body: &str) {
        let decoded = serde_json::from_str::<Page<Things>>(body);
        let Ok(Members(members)) = serde_json::from_str::<Members>(body) else {
            assert!(decoded.is_err(), "{body}");
            return;
        };
        let items: Vec<_> = members
            .iter()
            .filter(|(name, _)| name == Things::ITEMS_KEY)
            .map(|(_, value)| serde_json::from_str::<Vec<serde_json::Value>>(value.get()))
            .collect();
        let others = members
            .iter()
            .filter(|(name, _)| name != Things::ITEMS_KEY)
            .map(|(name, value)| (name.as_str(), value.get()));
        let all_arrays = items.iter().all(Result::is_ok);
        let last = items.into_iter().last().and_then(Result::ok);
        match (decoded, last) {
            (Ok(decoded), Some(items)) if all_arrays => {
                let built = Page::<Things>::from_members(others, items).unwrap();
                assert_eq!(built.meta, decoded.meta, "{body}");
                assert_eq!(built.items, decoded.items, "{body}");
                assert_eq!(built.extra, decoded.extra, "{body}");
                assert_eq!(built.absent, decoded.absent, "{body}");
                assert_eq!(
                    serde_json::to_string(&built).unwrap(),
                    serde_json::to_string(&decoded).unwrap(),
                    "{body}"
                );
            }
            (Ok(decoded), last) => panic!("{body}: decoded {decoded:?}, but items {last:?}"),
            (Err(_), Some(items)) if all_arrays => {
                let built = Page::<Things>::from_members(others, items);
                assert!(built.is_err(), "{body}: {built:?}");
            }
            (Err(_), _) => {}
        }
    }

    #[test]
    fn pages_from_members_are_the_pages_deserialize_gives() {
        for body in [
            r#"{"things": []}"#,
            r#"{"things": [1, {"a": null}], "page": 0, "next_page_uri": "/n?Page=1", "x": {"y": true}}"#,
            r#"{"things": [1], "page": 1.5, "page_size": "50", "start": -1, "end": null}"#,
            r#"{"things": [1], "page": 3, "page": "x"}"#,
            r#"{"things": [1], "page": "x", "page": 3}"#,
            r#"{"things": [1], "uri": 5}"#,
            r#"{"things": [1], "uri": null, "first_page_uri": "/f", "previous_page_uri": null}"#,
            r#"{"page": 18446744073709551616, "things": [], "end": 1e400}"#,
            r#"{"things": [1], "things": [2, 3]}"#,
            r#"{"things": {}}"#,
            r#"{"page": 0}"#,
        ] {
            same_as_deserialize(body);
        }
    }

    #[test]
    fn the_items_member_is_not_one_of_the_members() {
        let err = Page::<Things>::from_members([("page", "0"), ("things", "[]")], Vec::new())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the items member `things` is given apart from the other members"
        );
    }

    #[test]
    fn a_page_from_no_member_encodes_as_its_items_alone() {
        let page =
            Page::<Things>::from_members(Vec::<(String, String)>::new(), vec![1.into()]).unwrap();
        assert_eq!(serde_json::to_string(&page).unwrap(), r#"{"things":[1]}"#);
        // Unlike a page made with `new`, which writes every metadata member.
        let new = Page::<Things>::new(PageMeta::default(), vec![1.into()]);
        assert_ne!(serde_json::to_string(&new).unwrap(), r#"{"things":[1]}"#);
        assert_eq!(page, new);
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
            "\"\\u00e9\\\"\"",
            "true",
            "null",
            "-0.0",
        ]);
        let items = prop::collection::vec(value.clone(), 0..4);
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
                prop::sample::select(vec!["page", "page_size", "start", "end", "p\\u0061ge"]),
                counter
            )
                .prop_map(|(k, v)| format!("\"{k}\":{v}")),
            items.prop_map(|items| format!("\"things\" : [ {} ]", items.join(","))),
            Just("\"things\": 5".to_owned()),
            (prop::sample::select(vec!["x", "th\\u0069ngs", "y"]), value)
                .prop_map(|(k, v)| format!("\"{k}\":{v}")),
        ]
    }

    proptest! {
        #[test]
        fn any_page_from_members_is_the_page_deserialize_gives(
            members in prop::collection::vec(member(), 0..8)
        ) {
            same_as_deserialize(&format!("{{{}}}", members.join(",")));
        }
    }
}
