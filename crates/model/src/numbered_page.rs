//! Numbered pages: the envelope of a list that counts its pages (`current_page`,
//! `total_pages`, `has_next`) and sends no link, and the generic page over it. Numbers v2's
//! `GET /v2/ShortCodes/Applications` answers so.

use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::page::{Envelope, ListPage, ListResource};

/// The paging members of a numbered page: `{"total_elements": 120, "total_pages": 3,
/// "current_page": 0, "per_page": 50, "has_next": true, "has_prev": false, "results": […]}`.
///
/// The server sends no link: the next page is the same request with its `Page` query
/// parameter set to `current_page + 1`. Whoever fetched the page says at which URI
/// ([`locate`](Self::locate), which the client does for every numbered page), and the links
/// follow from it: the next one only while `has_next` is true and `current_page + 1` is at
/// most `total_pages` (so a server counting from 0 or from 1 loses no page, and one that
/// keeps saying `has_next` stops there), and this page's own link with
/// `Page=current_page`, so that a server answering a page it already sent is noticed by
/// the pager as a repeated page. Members Twilio adds later are kept in
/// [`extra`](Self::extra).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct NumberedEnvelope {
    /// The number of items in the whole list.
    pub total_elements: Option<u64>,
    /// The number of pages of the whole list.
    pub total_pages: Option<u64>,
    /// The number of this page.
    pub current_page: Option<u64>,
    /// The number of items per page the server used.
    pub per_page: Option<u64>,
    /// Whether a page follows this one.
    pub has_next: Option<bool>,
    /// Whether a page precedes this one.
    pub has_prev: Option<bool>,
    /// Every other member of the page but its items, verbatim (and a typed member whose
    /// value is not of its type).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// This page's own link and the next one's, once located.
    links: OnceLock<Links>,
}

#[derive(Debug, Clone, PartialEq)]
struct Links {
    own: String,
    next: Option<String>,
}

/// The typed members of [`NumberedEnvelope`].
const NUMBERED_MEMBERS: [&str; 6] = [
    "total_elements",
    "total_pages",
    "current_page",
    "per_page",
    "has_next",
    "has_prev",
];

impl NumberedEnvelope {
    /// Says at which URI this page was fetched (absolute, or a path and query): the links
    /// follow from it (see the type's documentation). Only the first call counts.
    pub fn locate(&self, uri: &str) {
        let requested = query_param(uri, "Page").and_then(|v| v.parse::<u64>().ok());
        let current = self.current_page.or(requested).unwrap_or(0);
        let next = current.checked_add(1).filter(|next| {
            self.has_next == Some(true) && self.total_pages.is_none_or(|total| *next <= total)
        });
        let _ = self.links.set(Links {
            own: with_query_param(uri, "Page", current),
            next: next.map(|next| with_query_param(uri, "Page", next)),
        });
    }

    fn typed(&self, name: &str) -> Option<serde_json::Value> {
        let number = |n: Option<u64>| n.map(serde_json::Value::from);
        match name {
            "total_elements" => number(self.total_elements),
            "total_pages" => number(self.total_pages),
            "current_page" => number(self.current_page),
            "per_page" => number(self.per_page),
            "has_next" => self.has_next.map(serde_json::Value::Bool),
            "has_prev" => self.has_prev.map(serde_json::Value::Bool),
            _ => None,
        }
    }

    /// Takes the typed members out of `members` (a member of another type stays there).
    fn from_members(mut members: serde_json::Map<String, serde_json::Value>) -> Self {
        let mut out = Self::default();
        for name in NUMBERED_MEMBERS {
            let Some(value) = members.get(name) else {
                continue;
            };
            let taken = match name {
                "has_next" => value.as_bool().map(|b| out.has_next = Some(b)),
                "has_prev" => value.as_bool().map(|b| out.has_prev = Some(b)),
                _ => value.as_u64().map(|n| match name {
                    "total_elements" => out.total_elements = Some(n),
                    "total_pages" => out.total_pages = Some(n),
                    "current_page" => out.current_page = Some(n),
                    _ => out.per_page = Some(n),
                }),
            };
            if taken.is_some() {
                members.remove(name);
            }
        }
        out.extra = members;
        out
    }
}

impl Envelope for NumberedEnvelope {
    fn next_page_link(&self) -> Option<&str> {
        self.links.get().and_then(|links| links.next.as_deref())
    }

    fn own_link(&self) -> Option<&str> {
        self.links.get().map(|links| links.own.as_str())
    }
}

/// The value of the first query parameter `name` of `uri`, as written.
fn query_param<'a>(uri: &'a str, name: &str) -> Option<&'a str> {
    let query = uri.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// `uri` with its query parameter `name` set to `value`: the first one replaced in place and
/// later ones dropped, or appended; every other parameter kept verbatim and in order.
fn with_query_param(uri: &str, name: &str, value: u64) -> String {
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let mut pairs: Vec<String> = Vec::new();
    let mut set = false;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        if pair.split_once('=').map_or(pair, |(key, _)| key) == name {
            if !set {
                pairs.push(format!("{name}={value}"));
                set = true;
            }
        } else {
            pairs.push(pair.to_owned());
        }
    }
    if !set {
        pairs.push(format!("{name}={value}"));
    }
    format!("{path}?{}", pairs.join("&"))
}

/// One page of the list resource `R` in numbered pages: its items under `R::ITEMS_KEY`
/// (`results`) beside the [`NumberedEnvelope`]'s members.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use twilio_model::{ListPage, ListResource, NumberedPage};
///
/// #[derive(Debug, Deserialize, Serialize)]
/// struct Application {
///     sid: String,
/// }
///
/// enum Applications {}
///
/// impl ListResource for Applications {
///     const ITEMS_KEY: &'static str = "results";
///     type Item = Application;
/// }
///
/// let page: NumberedPage<Applications> = serde_json::from_str(
///     r#"{"total_pages": 2, "current_page": 0, "has_next": true, "results": [{"sid": "SA1"}]}"#,
/// )?;
/// page.envelope().locate("https://numbers.twilio.com/v2/ShortCodes/Applications?PageSize=1");
/// assert_eq!(page.items()[0].sid, "SA1");
/// assert_eq!(
///     page.next_page_uri(),
///     Some("https://numbers.twilio.com/v2/ShortCodes/Applications?PageSize=1&Page=1")
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
pub struct NumberedPage<R: ListResource> {
    /// The paging members, and every other member but the items.
    pub envelope: NumberedEnvelope,
    /// The items, in API order.
    pub items: Vec<R::Item>,
    resource: PhantomData<fn() -> R>,
}

impl<R: ListResource> NumberedPage<R> {
    /// A page with the given envelope and items.
    #[must_use]
    pub fn new(envelope: NumberedEnvelope, items: Vec<R::Item>) -> Self {
        Self {
            envelope,
            items,
            resource: PhantomData,
        }
    }
}

impl<R: ListResource> ListPage for NumberedPage<R> {
    type Item = R::Item;
    type Envelope = NumberedEnvelope;

    fn envelope(&self) -> &NumberedEnvelope {
        &self.envelope
    }

    fn items(&self) -> &[R::Item] {
        &self.items
    }

    fn into_parts(self) -> (NumberedEnvelope, Vec<R::Item>) {
        (self.envelope, self.items)
    }
}

impl<R: ListResource> fmt::Debug for NumberedPage<R>
where
    R::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NumberedPage")
            .field("items_key", &R::ITEMS_KEY)
            .field("envelope", &self.envelope)
            .field("items", &self.items)
            .finish()
    }
}

impl<R: ListResource> Clone for NumberedPage<R>
where
    R::Item: Clone,
{
    fn clone(&self) -> Self {
        Self::new(self.envelope.clone(), self.items.clone())
    }
}

impl<R: ListResource> PartialEq for NumberedPage<R>
where
    R::Item: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.envelope == other.envelope && self.items == other.items
    }
}

struct NumberedPageVisitor<R>(PhantomData<fn() -> R>);

impl<'de, R: ListResource> Visitor<'de> for NumberedPageVisitor<R> {
    type Value = NumberedPage<R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a numbered list page with a `{}` array", R::ITEMS_KEY)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NumberedPage<R>, A::Error> {
        let mut items = None;
        let mut members = serde_json::Map::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == R::ITEMS_KEY {
                items = Some(map.next_value::<Vec<R::Item>>()?);
            } else {
                let value = map.next_value::<serde_json::Value>()?;
                members.insert(key.into_owned(), value);
            }
        }
        let items = items.ok_or_else(|| de::Error::missing_field(R::ITEMS_KEY))?;
        Ok(NumberedPage::new(
            NumberedEnvelope::from_members(members),
            items,
        ))
    }
}

impl<'de, R: ListResource> Deserialize<'de> for NumberedPage<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(NumberedPageVisitor(PhantomData))
    }
}

impl<R: ListResource> Serialize for NumberedPage<R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for name in NUMBERED_MEMBERS {
            if let Some(value) = self.envelope.typed(name) {
                map.serialize_entry(name, &value)?;
            }
        }
        for (key, value) in &self.envelope.extra {
            if key != R::ITEMS_KEY && self.envelope.typed(key).is_none() {
                map.serialize_entry(key, value)?;
            }
        }
        map.serialize_entry(R::ITEMS_KEY, &self.items)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Raw;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Application {
        sid: String,
    }

    enum Applications {}

    impl ListResource for Applications {
        const ITEMS_KEY: &'static str = "results";
        type Item = Application;
    }

    const FIRST: &str = r#"{"total_elements": 3, "total_pages": 3, "current_page": 0,
        "per_page": 1, "has_next": true, "has_prev": false, "beta": [1],
        "results": [{"sid": "SA1"}]}"#;
    const URI: &str =
        "https://numbers.twilio.com/v2/ShortCodes/Applications?Status=a%20b&PageSize=1";

    #[test]
    fn the_next_page_is_the_same_uri_with_the_next_page_number() {
        let page: NumberedPage<Applications> = serde_json::from_str(FIRST).unwrap();
        assert_eq!(page.next_page_uri(), None, "not located yet");
        page.envelope().locate(URI);
        assert_eq!(
            page.next_page_uri(),
            Some(
                "https://numbers.twilio.com/v2/ShortCodes/Applications?Status=a%20b&PageSize=1&Page=1"
            )
        );
        assert!(
            page.envelope()
                .own_link()
                .unwrap()
                .ends_with("PageSize=1&Page=0")
        );
        page.envelope().locate("/elsewhere");
        assert!(page.envelope().own_link().unwrap().starts_with("https://"));

        let later = FIRST.replace("\"current_page\": 0", "\"current_page\": 1");
        let page: NumberedPage<Applications> = serde_json::from_str(&later).unwrap();
        page.envelope()
            .locate("/v2/ShortCodes/Applications?Page=1&PageSize=1&Page=9");
        assert_eq!(
            page.next_page_uri(),
            Some("/v2/ShortCodes/Applications?Page=2&PageSize=1")
        );
    }

    #[test]
    fn no_next_page_without_has_next_or_past_total_pages() {
        for (from, to) in [
            ("\"has_next\": true", "\"has_next\": false"),
            ("\"has_next\": true", "\"has_next\": \"yes\""),
            ("\"current_page\": 0", "\"current_page\": 3"),
        ] {
            let page: NumberedPage<Applications> =
                serde_json::from_str(&FIRST.replace(from, to)).unwrap();
            page.envelope().locate(URI);
            assert_eq!(page.next_page_uri(), None, "{to}");
        }
        // Counting from 1: the last page, 3 of 3, is still asked for.
        let page: NumberedPage<Applications> =
            serde_json::from_str(&FIRST.replace("\"current_page\": 0", "\"current_page\": 2"))
                .unwrap();
        page.envelope().locate(URI);
        assert!(page.next_page_uri().unwrap().ends_with("&Page=3"));
    }

    #[test]
    fn a_numbered_page_round_trips_losslessly() {
        let value: serde_json::Value = serde_json::from_str(FIRST).unwrap();
        let page: NumberedPage<Applications> = serde_json::from_str(FIRST).unwrap();
        assert_eq!(page.envelope.total_pages, Some(3));
        assert_eq!(page.items[0].sid, "SA1");
        assert_eq!(serde_json::to_value(&page).unwrap(), value);
        let raw: NumberedPage<Raw<Applications>> = serde_json::from_str(FIRST).unwrap();
        assert_eq!(serde_json::to_value(&raw).unwrap(), value);
        let odd = FIRST.replace("\"total_pages\": 3", "\"total_pages\": \"3\"");
        let page: NumberedPage<Applications> = serde_json::from_str(&odd).unwrap();
        assert_eq!(page.envelope.total_pages, None);
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            serde_json::from_str::<serde_json::Value>(&odd).unwrap()
        );
    }

    #[test]
    fn the_items_are_required() {
        let err = serde_json::from_str::<NumberedPage<Applications>>(r#"{"has_next": false}"#)
            .unwrap_err();
        assert!(err.to_string().contains("missing field `results`"), "{err}");
    }
}
