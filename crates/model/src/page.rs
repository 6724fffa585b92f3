//! The paging envelopes of Twilio's list resources ([`PageMeta`] for 2010-04-01,
//! [`MetaEnvelope`](crate::MetaEnvelope) for every other API) and the generic pages over them
//! ([`Page`], [`MetaPage`](crate::MetaPage)).

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

/// Where a list response says its next page is: the envelope around its items.
///
/// Twilio has two. The 2010-04-01 API puts its paging members at the top level of every page
/// ([`PageMeta`]: `next_page_uri`, relative to the API host); every other API puts them in a
/// `meta` object ([`MetaEnvelope`](crate::MetaEnvelope): `next_page_url`, absolute, and `key`,
/// the name of the items' array). A pager needs no more of either than these two links.
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

    /// The paging envelope: [`PageMeta`] (2010-04-01) or [`MetaEnvelope`](crate::MetaEnvelope)
    /// (the other APIs).
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
    /// decodes `body` with serde_json; a page that keeps its body (such as `twilio-export`'s
    /// shared raw pages, whose items are slices of it) takes it over without a copy.
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
    /// as `Deserialize` does; a resource that keeps its items in its own way (such as
    /// `twilio-export`'s shared raw pages, which scan the body) builds its page with
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

#[cfg(test)]
mod tests {
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
