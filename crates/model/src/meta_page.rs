//! The `meta` envelope of every Twilio API but 2010-04-01, and the generic page over it.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::page::{Envelope, ListPage, ListResource};

/// The paging envelope of every Twilio API but 2010-04-01: the `meta` object of a page.
///
/// `next_page_url` and `url` are absolute URLs on the product's host (a pager follows them
/// only on the origin the listing started on); `key` names the page's array of items.
/// Members Twilio adds later are kept in [`extra`](Self::extra).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MetaEnvelope {
    /// The zero-based index of this page.
    pub page: Option<u64>,
    /// The number of items per page the server used.
    pub page_size: Option<u64>,
    /// The URL of the first page of the list.
    pub first_page_url: Option<String>,
    /// The URL of the previous page; `None` on the first page.
    pub previous_page_url: Option<String>,
    /// The URL of this page.
    pub url: Option<String>,
    /// The URL of the next page; `None` on the last page.
    pub next_page_url: Option<String>,
    /// The name of the page's member that holds the items (`services`, `verifications`).
    pub key: Option<String>,
    /// Every other member of `meta`, verbatim (and a typed member whose value is not of its
    /// type, such as numbers v1's token-paged `meta`'s own members).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Which typed members were absent from the JSON this came from (bit `i` for
    /// `META_MEMBERS[i]`): encoding leaves them out instead of writing `null`, so decoding
    /// then encoding gives back the same JSON.
    absent: u8,
}

/// The typed members of [`MetaEnvelope`], in the order of its `absent` bits.
const META_MEMBERS: [&str; 7] = [
    "page",
    "page_size",
    "first_page_url",
    "previous_page_url",
    "url",
    "next_page_url",
    "key",
];

impl<'de> Deserialize<'de> for MetaEnvelope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut extra = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        let mut out = MetaEnvelope::default();
        for (bit, name) in META_MEMBERS.iter().enumerate() {
            let Some(value) = extra.remove(*name) else {
                out.absent |= 1 << bit;
                continue;
            };
            if value.is_null() {
                continue;
            }
            let kept = match bit {
                0 | 1 => value.as_u64().map(|n| {
                    if bit == 0 {
                        out.page = Some(n);
                    } else {
                        out.page_size = Some(n);
                    }
                }),
                _ => value.as_str().map(|text| {
                    let text = Some(text.to_owned());
                    match bit {
                        2 => out.first_page_url = text,
                        3 => out.previous_page_url = text,
                        4 => out.url = text,
                        5 => out.next_page_url = text,
                        _ => out.key = text,
                    }
                }),
            };
            if kept.is_none() {
                // Of another type: kept verbatim, and not written again as `null`.
                out.absent |= 1 << bit;
                extra.insert((*name).to_owned(), value);
            }
        }
        out.extra = extra;
        Ok(out)
    }
}

impl Serialize for MetaEnvelope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let numbers = [self.page, self.page_size];
        let texts = [
            &self.first_page_url,
            &self.previous_page_url,
            &self.url,
            &self.next_page_url,
            &self.key,
        ];
        for (bit, name) in META_MEMBERS.iter().enumerate() {
            let absent = self.absent & (1 << bit) != 0;
            match (numbers.get(bit), texts.get(bit.wrapping_sub(2))) {
                (Some(Some(n)), _) => map.serialize_entry(name, n)?,
                (None, Some(Some(text))) => map.serialize_entry(name, text)?,
                _ if absent => {}
                _ => map.serialize_entry(name, &serde_json::Value::Null)?,
            }
        }
        for (name, value) in &self.extra {
            if !META_MEMBERS.contains(&name.as_str()) || !self.typed_is_set(name) {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

impl MetaEnvelope {
    /// Whether typed member `name` holds a value (it then wins over an `extra` entry).
    fn typed_is_set(&self, name: &str) -> bool {
        match name {
            "page" => self.page.is_some(),
            "page_size" => self.page_size.is_some(),
            "first_page_url" => self.first_page_url.is_some(),
            "previous_page_url" => self.previous_page_url.is_some(),
            "url" => self.url.is_some(),
            "next_page_url" => self.next_page_url.is_some(),
            "key" => self.key.is_some(),
            _ => false,
        }
    }
}

impl Envelope for MetaEnvelope {
    fn next_page_link(&self) -> Option<&str> {
        self.next_page_url.as_deref()
    }

    fn own_link(&self) -> Option<&str> {
        self.url.as_deref()
    }
}

/// One page of the list resource `R` in the `meta` envelope: `{"meta": {…}, "<key>": […]}`,
/// with any other top-level member kept verbatim in [`extra`](Self::extra).
///
/// Decoding requires the items under `R::ITEMS_KEY` (the spec's name for them) and a `meta`
/// object; a `meta.key` that names another member is an error, not an empty page.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use twilio_model::{ListPage, ListResource, MetaPage};
///
/// #[derive(Debug, Deserialize, Serialize)]
/// struct Service {
///     sid: String,
/// }
///
/// /// `GET https://verify.twilio.com/v2/Services`
/// enum Services {}
///
/// impl ListResource for Services {
///     const ITEMS_KEY: &'static str = "services";
///     type Item = Service;
/// }
///
/// let page: MetaPage<Services> = serde_json::from_str(
///     r#"{"services": [{"sid": "VA1"}], "meta": {"key": "services", "page": 0,
///        "next_page_url": "https://verify.twilio.com/v2/Services?PageSize=1&Page=1&PageToken=PT1"}}"#,
/// )?;
/// assert_eq!(page.items()[0].sid, "VA1");
/// assert!(page.next_page_uri().unwrap().starts_with("https://verify.twilio.com/"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
pub struct MetaPage<R: ListResource> {
    /// The paging envelope.
    pub meta: MetaEnvelope,
    /// The items, in API order.
    pub items: Vec<R::Item>,
    /// Every other top-level member, verbatim.
    pub extra: serde_json::Map<String, serde_json::Value>,
    resource: PhantomData<fn() -> R>,
}

impl<R: ListResource> MetaPage<R> {
    /// A page with the given envelope and items, and no other member.
    #[must_use]
    pub fn new(meta: MetaEnvelope, items: Vec<R::Item>) -> Self {
        Self {
            meta,
            items,
            extra: serde_json::Map::new(),
            resource: PhantomData,
        }
    }
}

impl<R: ListResource> ListPage for MetaPage<R> {
    type Item = R::Item;
    type Envelope = MetaEnvelope;

    fn envelope(&self) -> &MetaEnvelope {
        &self.meta
    }

    fn items(&self) -> &[R::Item] {
        &self.items
    }

    fn into_parts(self) -> (MetaEnvelope, Vec<R::Item>) {
        (self.meta, self.items)
    }
}

impl<R: ListResource> fmt::Debug for MetaPage<R>
where
    R::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetaPage")
            .field("items_key", &R::ITEMS_KEY)
            .field("meta", &self.meta)
            .field("items", &self.items)
            .field("extra", &self.extra)
            .finish()
    }
}

impl<R: ListResource> Clone for MetaPage<R>
where
    R::Item: Clone,
{
    fn clone(&self) -> Self {
        Self {
            meta: self.meta.clone(),
            items: self.items.clone(),
            extra: self.extra.clone(),
            resource: PhantomData,
        }
    }
}

impl<R: ListResource> PartialEq for MetaPage<R>
where
    R::Item: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta && self.items == other.items && self.extra == other.extra
    }
}

struct MetaPageVisitor<R>(PhantomData<fn() -> R>);

impl<'de, R: ListResource> Visitor<'de> for MetaPageVisitor<R> {
    type Value = MetaPage<R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list page with `meta` and an `{}` array", R::ITEMS_KEY)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MetaPage<R>, A::Error> {
        let mut meta: Option<MetaEnvelope> = None;
        let mut items = None;
        let mut extra = serde_json::Map::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "meta" {
                meta = Some(map.next_value()?);
            } else if key == R::ITEMS_KEY {
                items = Some(map.next_value::<Vec<R::Item>>()?);
            } else {
                let value = map.next_value::<serde_json::Value>()?;
                extra.insert(key.into_owned(), value);
            }
        }
        let meta = meta.ok_or_else(|| de::Error::missing_field("meta"))?;
        if let Some(key) = meta.key.as_deref()
            && key != R::ITEMS_KEY
        {
            return Err(de::Error::custom(format_args!(
                "meta.key names the items `{key}`, but this list's items are `{}`",
                R::ITEMS_KEY
            )));
        }
        let items = items.ok_or_else(|| de::Error::missing_field(R::ITEMS_KEY))?;
        Ok(MetaPage {
            meta,
            items,
            extra,
            resource: PhantomData,
        })
    }
}

impl<'de, R: ListResource> Deserialize<'de> for MetaPage<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MetaPageVisitor(PhantomData))
    }
}

impl<R: ListResource> Serialize for MetaPage<R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shadowed = |key: &str| key == "meta" || key == R::ITEMS_KEY;
        let extra = self.extra.keys().filter(|k| !shadowed(k)).count();
        let mut map = serializer.serialize_map(Some(2 + extra))?;
        map.serialize_entry("meta", &self.meta)?;
        map.serialize_entry(R::ITEMS_KEY, &self.items)?;
        for (key, value) in &self.extra {
            if !shadowed(key) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Raw;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Sender {
        sid: String,
    }

    enum AlphaSenders {}

    impl ListResource for AlphaSenders {
        const ITEMS_KEY: &'static str = "alpha_senders";
        type Item = Sender;
    }

    /// The spec's example of `GET /v1/Services/{ServiceSid}/AlphaSenders` (Messaging v1),
    /// with a next page.
    const EXAMPLE: &str = r#"{"meta": {"page": 0, "page_size": 20,
        "first_page_url": "https://messaging.twilio.com/v1/Services/MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/AlphaSenders?PageSize=20&Page=0",
        "previous_page_url": null,
        "next_page_url": "https://messaging.twilio.com/v1/Services/MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/AlphaSenders?PageSize=20&Page=1&PageToken=PAx",
        "key": "alpha_senders",
        "url": "https://messaging.twilio.com/v1/Services/MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/AlphaSenders?PageSize=20&Page=0"},
        "alpha_senders": [{"sid": "AIaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]}"#;

    #[test]
    fn a_meta_page_decodes_and_links_absolutely() {
        let page: MetaPage<AlphaSenders> = serde_json::from_str(EXAMPLE).unwrap();
        assert_eq!(page.items().len(), 1);
        assert_eq!(page.meta.page_size, Some(20));
        assert!(
            page.next_page_uri()
                .unwrap()
                .ends_with("AlphaSenders?PageSize=20&Page=1&PageToken=PAx")
        );
        assert!(page.envelope().own_link().unwrap().ends_with("Page=0"));
    }

    #[test]
    fn a_meta_page_round_trips_losslessly() {
        let with_extra = EXAMPLE.replacen("{\"meta\"", "{\"beta\": [1, 2], \"meta\"", 1);
        let with_extra = with_extra.replacen("\"page\": 0,", "\"page\": 0, \"total\": 7,", 1);
        for text in [EXAMPLE, with_extra.as_str()] {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let page: MetaPage<AlphaSenders> = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_value(&page).unwrap(), value);
            let raw: MetaPage<Raw<AlphaSenders>> = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_value(&raw).unwrap(), value);
        }
    }

    #[test]
    fn the_last_page_has_no_next_link() {
        let last = EXAMPLE.replace(
            "\"next_page_url\": \"https://messaging.twilio.com/v1/Services/MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/AlphaSenders?PageSize=20&Page=1&PageToken=PAx\"",
            "\"next_page_url\": null",
        );
        let page: MetaPage<AlphaSenders> = serde_json::from_str(&last).unwrap();
        assert_eq!(page.next_page_uri(), None);
    }

    #[test]
    fn meta_and_the_items_are_required_and_must_agree() {
        let no_meta = r#"{"alpha_senders": []}"#;
        let err = serde_json::from_str::<MetaPage<AlphaSenders>>(no_meta).unwrap_err();
        assert!(err.to_string().contains("missing field `meta`"), "{err}");

        let no_items = r#"{"meta": {"key": "alpha_senders"}}"#;
        let err = serde_json::from_str::<MetaPage<AlphaSenders>>(no_items).unwrap_err();
        assert!(err.to_string().contains("alpha_senders"), "{err}");

        let other_key = r#"{"meta": {"key": "services"}, "services": [], "alpha_senders": []}"#;
        let err = serde_json::from_str::<MetaPage<AlphaSenders>>(other_key).unwrap_err();
        assert!(
            err.to_string()
                .contains("meta.key names the items `services`"),
            "{err}"
        );
    }
}
