//! The paging envelope shared by every Twilio 2010-04-01 list resource.

use std::fmt;
use std::marker::PhantomData;

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

/// One page of a Twilio list resource: its items and its paging metadata.
///
/// This is what `twilio-pager` drives generically: any type that decodes from a list
/// response and can hand out its items and its `next_page_uri` can be paged.
pub trait ListPage: serde::de::DeserializeOwned + Send + 'static {
    /// The type of one item of the list.
    type Item: Send + 'static;

    /// The paging metadata of this page.
    fn meta(&self) -> &PageMeta;

    /// The items of this page, in API order.
    fn items(&self) -> &[Self::Item];

    /// Splits the page into its metadata and its items.
    fn into_parts(self) -> (PageMeta, Vec<Self::Item>);

    /// The link to the next page, if any (relative to the API host, or absolute).
    fn next_page_uri(&self) -> Option<&str> {
        self.meta()
            .next_page_uri
            .as_deref()
            .filter(|s| !s.is_empty())
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
}

impl<R: ListResource> ListPage for Page<R> {
    type Item = R::Item;

    fn meta(&self) -> &PageMeta {
        &self.meta
    }

    fn items(&self) -> &[R::Item] {
        &self.items
    }

    fn into_parts(self) -> (PageMeta, Vec<R::Item>) {
        (self.meta, self.items)
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
