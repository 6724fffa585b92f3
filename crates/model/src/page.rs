//! The paging envelope shared by every Twilio 2010-04-01 list resource.

use serde::{Deserialize, Serialize};

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
