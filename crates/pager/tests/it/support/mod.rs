//! A test page type and scripted servers shared by the pager's integration tests.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use serde::Deserialize;
use twilio_model::{ListPage, PageMeta};
use twilio_pager::{Pager, PagerError};
use twilio_transport::test_util::{FnTransport, json_response};
use twilio_transport::{HttpTransport, TransportError};

pub const BASE: &str = "https://api.twilio.com";
pub const FIRST: &str = "/2010-04-01/Things.json";

/// One item of the test list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Thing {
    pub id: u64,
}

/// A list page with its items under `things`.
#[derive(Debug, Deserialize)]
pub struct ThingsPage {
    pub things: Vec<Thing>,
    #[serde(flatten)]
    pub meta: PageMeta,
}

impl ListPage for ThingsPage {
    type Item = Thing;
    type Envelope = PageMeta;

    fn envelope(&self) -> &PageMeta {
        &self.meta
    }

    fn items(&self) -> &[Thing] {
        &self.things
    }

    fn into_parts(self) -> (PageMeta, Vec<Thing>) {
        (self.meta, self.things)
    }
}

/// The JSON of a page holding things `ids`, linking to `next`.
pub fn page(ids: impl IntoIterator<Item = u64>, next: Option<&str>) -> String {
    let things: Vec<_> = ids
        .into_iter()
        .map(|id| serde_json::json!({ "id": id }))
        .collect();
    serde_json::json!({
        "things": things,
        "next_page_uri": next,
        "page_size": 50,
    })
    .to_string()
}

/// A 200 JSON response holding `body`.
pub fn ok(body: String) -> http::Response<Bytes> {
    json_response(200, body)
}

pub fn things(ids: impl IntoIterator<Item = u64>) -> Vec<Thing> {
    ids.into_iter().map(|id| Thing { id }).collect()
}

/// What a listing of these tests fails with: the pager's stops, or a page's fetch (as a
/// client's request path reports it: the page's URI, and why).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Pager(#[from] PagerError),
    #[error("page {page_uri} answered HTTP {status}")]
    Status {
        page_uri: String,
        status: http::StatusCode,
    },
    #[error("page {page_uri} could not be decoded")]
    Decode {
        page_uri: String,
        source: serde_json::Error,
    },
    #[error("page {page_uri} could not be fetched")]
    Transport {
        page_uri: String,
        source: TransportError,
    },
}

impl Failure {
    /// The page to resume from: the one whose fetch failed.
    pub fn resume_uri(&self) -> Option<&str> {
        match self {
            Self::Status { page_uri, .. }
            | Self::Decode { page_uri, .. }
            | Self::Transport { page_uri, .. } => Some(page_uri),
            Self::Pager(_) => None,
        }
    }

    /// The pager's own stop, if it is one.
    pub fn stop(self) -> Option<PagerError> {
        match self {
            Self::Pager(error) => Some(error),
            _ => None,
        }
    }
}

/// Fetches one page through `transport` with `headers`, as a client's request path does.
pub async fn fetch(
    transport: Arc<dyn HttpTransport>,
    headers: http::HeaderMap,
    uri: http::Uri,
) -> Result<ThingsPage, Failure> {
    let page_uri = uri.to_string();
    let mut request = http::Request::new(Bytes::new());
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    let response = transport
        .send(request)
        .await
        .map_err(|source| Failure::Transport {
            page_uri: page_uri.clone(),
            source,
        })?;
    if !response.status().is_success() {
        return Err(Failure::Status {
            page_uri,
            status: response.status(),
        });
    }
    ThingsPage::from_body(response.into_body().to_vec())
        .map_err(|source| Failure::Decode { page_uri, source })
}

/// A pager over `transport` starting at [`FIRST`].
pub fn pager(transport: impl HttpTransport + 'static) -> Pager<ThingsPage, Failure> {
    pager_with_headers(transport, http::HeaderMap::new())
}

/// A pager over `transport` starting at [`FIRST`], its fetch sending `headers`.
pub fn pager_with_headers(
    transport: impl HttpTransport + 'static,
    headers: http::HeaderMap,
) -> Pager<ThingsPage, Failure> {
    pager_at(Arc::new(transport), headers, BASE, FIRST).unwrap()
}

/// A pager over `transport` on `base`, starting at `first`.
pub fn pager_at(
    transport: Arc<dyn HttpTransport>,
    headers: http::HeaderMap,
    base: &str,
    first: &str,
) -> Result<Pager<ThingsPage, Failure>, PagerError> {
    Pager::new(base, first, move |uri| {
        fetch(Arc::clone(&transport), headers.clone(), uri)
    })
}

/// The path and query of every request, in order.
pub fn sent(requests: &[http::Request<Bytes>]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            assert_eq!(r.method(), http::Method::GET);
            assert_eq!(r.uri().scheme_str(), Some("https"));
            assert_eq!(r.uri().host(), Some("api.twilio.com"));
            r.uri().path_and_query().unwrap().as_str().to_owned()
        })
        .collect()
}

/// A server answering by path and query: unknown URIs get a 404.
pub fn site(pages: Vec<(String, String)>) -> FnTransport {
    let pages: HashMap<String, String> = pages.into_iter().collect();
    FnTransport::new(move |request| {
        let key = request.uri().path_and_query().unwrap().as_str();
        Ok(match pages.get(key) {
            Some(body) => ok(body.clone()),
            None => json_response(404, format!(r#"{{"code":20404,"message":"no {key}"}}"#)),
        })
    })
}

/// A list of pages of the given sizes, numbered consecutively, linked by `Page=k&PageToken=...`
/// links; the first page is at [`FIRST`] (whatever its query). Returns the server and the
/// path-and-query of each page after the first.
pub fn numbered_site(sizes: &[u64]) -> (FnTransport, Vec<String>) {
    let links: Vec<String> = (1..sizes.len())
        .map(|k| format!("{FIRST}?Page={k}&PageToken=PT{k}%2B~="))
        .collect();
    let mut bodies = Vec::new();
    let mut next_id = 0;
    for (k, size) in sizes.iter().enumerate() {
        let ids = next_id..next_id + size;
        next_id += size;
        bodies.push(page(ids, links.get(k).map(String::as_str)));
    }
    let first = bodies.first().cloned().unwrap_or_else(|| page([], None));
    let by_link: HashMap<String, String> = links
        .iter()
        .cloned()
        .zip(bodies.into_iter().skip(1))
        .collect();
    let server = FnTransport::new(move |request| {
        let uri = request.uri();
        let body = if uri.path() == FIRST && !uri.query().unwrap_or("").contains("PageToken") {
            first.clone()
        } else {
            by_link
                .get(uri.path_and_query().unwrap().as_str())
                .cloned()
                .unwrap()
        };
        Ok(ok(body))
    });
    (server, links)
}
