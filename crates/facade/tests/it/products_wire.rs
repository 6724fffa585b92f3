//! Products over a real socket: a numbered listing paged end to end (3 pages, a limit, a
//! resume, a page the server sends again, a `has_next` that never ends), header parameters
//! of reads, and a typed JSON body, against a small loopback HTTP/1.1 server.
#![cfg(all(feature = "numbers", feature = "flex"))]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use twilio_api::{AccountSid, Client};

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    /// Header names in lower case, with their values.
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

type Answer = dyn Fn(&Seen) -> (u16, String) + Send + Sync;

/// A loopback server answering each request with `answer(request)` (status, JSON body), one
/// request per connection, on a thread of its own; it records what it read.
struct Server {
    origin: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(answer: impl Fn(&Seen) -> (u16, String) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let answer: Arc<Answer> = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    continue;
                }
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or_default().to_owned();
                let target = parts.next().unwrap_or_default().to_owned();
                let mut headers = Vec::new();
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).unwrap();
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':') {
                        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                    }
                }
                let length: usize = headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .map_or(0, |(_, v)| v.parse().unwrap());
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let seen = Seen {
                    method,
                    target,
                    headers,
                    body: String::from_utf8(body).unwrap(),
                };
                let (status, json) = answer(&seen);
                log.lock().unwrap().push(seen);
                let response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
                    json.len()
                );
                let _ = stream.write_all(response.as_bytes());
            }
        });
        Self { origin, seen }
    }

    fn client(&self) -> Client {
        let account: AccountSid = "AC0123456789abcdef0123456789abcdef".parse().unwrap();
        Client::builder()
            .auth_token(account, "token")
            .base_url(&self.origin)
            .no_proxy()
            .max_retries(0)
            .build()
            .unwrap()
    }

    /// `/v2/ShortCodes/Applications` of numbers v2, on this server.
    fn applications(&self) -> twilio_api::numbers::V2ShortCodesApplications {
        self.client().numbers().v2().short_codes().applications()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn targets(&self) -> Vec<String> {
        self.seen().into_iter().map(|s| s.target).collect()
    }
}

/// The `Page` a request asks for (0 without one).
fn requested_page(target: &str) -> u64 {
    target
        .split_once('?')
        .map_or("", |(_, q)| q)
        .split('&')
        .find_map(|pair| pair.strip_prefix("Page="))
        .map_or(0, |n| n.parse().unwrap())
}

/// Numbered page `page` of `total` (one item each): `current_page` as `says`, and
/// `has_next` as `more`.
fn numbered(says: u64, total: u64, more: bool) -> String {
    format!(
        r#"{{"total_elements": {total}, "total_pages": {total}, "current_page": {says}, "per_page": 1, "has_next": {more}, "has_prev": {prev}, "results": [{{"sid": "SA{says:032}", "friendly_name": "app {says}"}}]}}"#,
        prev = says > 0,
    )
}

/// Three pages, 0 to 2, as numbers v2 sends them.
fn three_pages(seen: &Seen) -> (u16, String) {
    let page = requested_page(&seen.target);
    (200, numbered(page, 3, page + 1 < 3))
}

fn names(items: &[twilio_api::model::numbers::v2::ShortCodeApplication]) -> Vec<String> {
    items
        .iter()
        .map(|item| item.friendly_name.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn a_numbered_listing_pages_end_to_end() {
    let server = Server::start(three_pages);
    let applications = server.applications();
    let items = applications
        .list()
        .status("approved")
        .page_size(1)
        .collect()
        .await
        .unwrap();
    assert_eq!(names(&items), ["app 0", "app 1", "app 2"]);
    assert_eq!(
        server.targets(),
        [
            "/v2/ShortCodes/Applications?Status=approved&PageSize=1",
            "/v2/ShortCodes/Applications?Status=approved&PageSize=1&Page=1",
            "/v2/ShortCodes/Applications?Status=approved&PageSize=1&Page=2",
        ]
    );
    for seen in server.seen() {
        assert_eq!(seen.method, "GET");
        assert!(
            seen.header("authorization")
                .is_some_and(|a| a.starts_with("Basic "))
        );
    }

    // A limit stops early; a resume starts at the page named; raw items are the exact JSON.
    let two = applications.list().limit(2).collect().await.unwrap();
    assert_eq!(names(&two), ["app 0", "app 1"]);
    let last = applications
        .list()
        .from_page("/v2/ShortCodes/Applications?PageSize=1&Page=2")
        .collect()
        .await
        .unwrap();
    assert_eq!(names(&last), ["app 2"]);
    let raw = applications
        .list_raw()
        .page_size(1)
        .collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 3);
    assert!(raw[2].get().contains("\"app 2\""));
    let pages: Vec<_> = futures::StreamExt::collect::<Vec<_>>(applications.list().pages()).await;
    let totals: Vec<Option<u64>> = pages
        .iter()
        .map(|page| page.as_ref().unwrap().envelope.current_page)
        .collect();
    assert_eq!(totals, [Some(0), Some(1), Some(2)]);
}

/// A listing whose spec takes fewer than 1000 items a page (`ShortCodes/Applications`: 50)
/// asks a limit's pages within it, and refuses a larger page size before any request.
#[tokio::test]
async fn a_listing_keeps_to_the_page_size_its_spec_allows() {
    let server = Server::start(three_pages);
    let applications = server.applications();
    assert_eq!(
        twilio_api::numbers::operations::V2_LIST_SHORT_CODE_APPLICATIONS.max_page_size,
        50
    );
    let items = applications.list().limit(100).collect().await.unwrap();
    assert_eq!(items.len(), 3);
    let first = server.targets().into_iter().next().unwrap();
    assert_eq!(first, "/v2/ShortCodes/Applications?PageSize=50");
    let before = server.seen().len();
    let err = applications
        .list()
        .page_size(51)
        .collect()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("takes 1 to 50 items a page"),
        "{err}"
    );
    assert_eq!(server.seen().len(), before, "a request was sent");
    // 2010-04-01's lists take up to 1000.
    assert_eq!(twilio_api::operations::LIST_CALL.max_page_size, 1000);
}

#[tokio::test]
async fn a_numbered_listing_stops_on_a_repeated_page_and_past_total_pages() {
    // A server that answers page 0 whatever is asked: the second page is page 0 again.
    let server = Server::start(|_| (200, numbered(0, 3, true)));
    let (items, error) = server.applications().list().collect_partial().await;
    assert_eq!(names(&items), ["app 0"]);
    let error = error.unwrap();
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert!(
        source.contains("a page this listing already delivered"),
        "{source}"
    );
    assert!(source.contains("Page=0"), "{source}");
    assert_eq!(server.targets().len(), 2);

    // A server whose `has_next` never ends: no page past `total_pages` is asked for.
    let server = Server::start(|seen| (200, numbered(requested_page(&seen.target), 2, true)));
    let items = server.applications().list().collect().await.unwrap();
    assert_eq!(names(&items), ["app 0", "app 1", "app 2"]);
    assert_eq!(server.targets().len(), 3);
}

#[tokio::test]
async fn header_parameters_of_reads_go_with_every_request_and_credentials_stay_the_clients() {
    let server = Server::start(|_| {
        (
            200,
            r#"{"sid": "FP00000000000000000000000000000000"}"#.to_owned(),
        )
    });
    let client = server.client();
    let plugins = client.flex().v1().plugin_service();
    let fetched = plugins
        .plugin("FP00000000000000000000000000000000")
        .fetch()
        .flex_metadata("meta-1")
        .await
        .unwrap();
    assert_eq!(
        fetched.sid.unwrap().as_str(),
        "FP00000000000000000000000000000000"
    );
    let seen = server.seen();
    assert_eq!(seen[0].header("flex-metadata"), Some("meta-1"));

    // An `Authorization` the operation lists is never the caller's to set: refused before
    // any request.
    let error = plugins
        .plugin("FP00000000000000000000000000000000")
        .fetch_raw()
        .header("Authorization", "Bearer stolen")
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error}");
    assert!(!error.to_string().contains("stolen"), "{error}");
    assert_eq!(server.seen().len(), 1);

    let error = plugins
        .plugins()
        .list()
        .header("Flex-Metadata", "bad\nvalue")
        .collect()
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_listings_header_parameters_go_with_every_page() {
    let listener_origin = Arc::new(Mutex::new(String::new()));
    let origin = Arc::clone(&listener_origin);
    let server = Server::start(move |seen| {
        let page = requested_page(&seen.target);
        let next = if page == 0 {
            format!(
                "\"{}/v1/PluginService/Plugins?PageSize=1&Page=1&PageToken=PT1\"",
                origin.lock().unwrap()
            )
        } else {
            "null".to_owned()
        };
        (
            200,
            format!(
                r#"{{"plugins": [{{"sid": "FP{page:032}"}}], "meta": {{"key": "plugins", "page": {page}, "page_size": 1, "next_page_url": {next}}}}}"#
            ),
        )
    });
    *listener_origin.lock().unwrap() = server.origin.clone();
    let items = server
        .client()
        .flex()
        .v1()
        .plugin_service()
        .plugins()
        .list()
        .flex_metadata("meta-2")
        .page_size(1)
        .collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.header("flex-metadata"), Some("meta-2"));
    }
}

#[tokio::test]
async fn a_typed_json_body_is_sent_as_json_once() {
    use twilio_api::model::numbers::v2::{
        CreateShortCodeApplicationRequest, CreateShortCodeApplicationRequestBusinessInformation,
        CreateShortCodeApplicationRequestSetup,
    };
    let server = Server::start(|_| {
        (
            201,
            r#"{"sid": "SA00000000000000000000000000000000", "friendly_name": "Mine"}"#.to_owned(),
        )
    });
    let applications = server.applications();
    let body = CreateShortCodeApplicationRequest::new(
        CreateShortCodeApplicationRequestBusinessInformation::new("BU1"),
        "Mine \"quoted\" 😀",
        "US",
        CreateShortCodeApplicationRequestSetup::new(true),
    );
    let created = applications.create(body.clone()).await.unwrap();
    assert_eq!(created.friendly_name.as_deref(), Some("Mine"));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].target, "/v2/ShortCodes/Applications");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    let sent: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({
            "business_information": {"customer_facing_profile": "BU1"},
            "friendly_name": "Mine \"quoted\" 😀",
            "iso_country": "US",
            "setup": {"charges_apply": true}
        })
    );

    // Exact JSON text instead of the typed body; text that is not JSON is refused before
    // any request.
    applications
        .create(body.clone())
        .json_text(r#"{"friendly_name": "raw", "beta_member": [1]}"#)
        .await
        .unwrap();
    assert_eq!(
        server.seen()[1].body,
        r#"{"friendly_name": "raw", "beta_member": [1]}"#
    );
    let error = applications
        .create(body)
        .json_text("{not json")
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error}");
    assert_eq!(server.seen().len(), 2);
}
