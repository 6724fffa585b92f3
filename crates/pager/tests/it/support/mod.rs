//! A test page type and scripted servers shared by the pager's integration tests.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use serde::Deserialize;
use twilio_model::{ListPage, PageMeta};
use twilio_pager::Pager;
use twilio_transport::HttpTransport;
use twilio_transport::test_util::{FnTransport, json_response};

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

    fn meta(&self) -> &PageMeta {
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

/// A pager over `transport` starting at [`FIRST`].
pub fn pager(transport: impl HttpTransport + 'static) -> Pager<ThingsPage> {
    Pager::new(Arc::new(transport), BASE, FIRST).unwrap()
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
