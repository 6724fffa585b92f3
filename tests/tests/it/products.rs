//! Every product but 2010-04-01 end to end over real sockets: a Verify listing in the `meta`
//! envelope paged to its end, its absolute links followed on the listing's origin only (a
//! link to another origin and a link cycle stop it before any request), and a `localhost`
//! base URL sending Verify to `verify.localhost`, resolved to loopback by the client itself.

use std::time::Duration;

use futures::StreamExt as _;
use twilio_api::{Client, Error};
use twilio_pager::PagerError;

use crate::loopback::{Act, Server};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";

fn client_at(base_url: &str) -> Client {
    Client::builder()
        .auth_token(ACCOUNT.parse().unwrap(), "token")
        .base_url(base_url)
        .no_proxy()
        .timeout(Duration::from_millis(2000))
        .build()
        .unwrap()
}

/// A page of Verify services in the `meta` envelope: one service, and `next` (absolute, or
/// `null`).
fn page(origin: &str, index: u32, next: Option<String>) -> Act {
    let next = next.map_or("null".to_owned(), |url| format!("{url:?}"));
    Act::json(format!(
        r#"{{"services": [{{"sid": "VA{index:032x}", "friendly_name": "service {index}", "code_length": 6}}],
            "meta": {{"page": {index}, "page_size": 1, "key": "services",
                      "first_page_url": "{origin}/v2/Services?PageSize=1&Page=0",
                      "previous_page_url": null,
                      "url": "{origin}/v2/Services?PageSize=1&Page={index}",
                      "next_page_url": {next}}}}}"#
    ))
}

#[tokio::test]
async fn a_meta_listing_pages_to_its_end_on_its_origin() {
    let server = Server::start_with(|_, n, origin| {
        let n = u32::try_from(n).unwrap();
        let next = (n < 2).then(|| {
            format!(
                "{origin}/v2/Services?PageSize=1&Page={}&PageToken=PT{}",
                n + 1,
                n + 1
            )
        });
        page(origin, n, next)
    })
    .await;
    let client = client_at(&server.origin());
    let services: Vec<_> = client
        .verify()
        .v2()
        .services()
        .list()
        .page_size(1)
        .stream()
        .collect()
        .await;
    let names: Vec<String> = services
        .into_iter()
        .map(|service| service.unwrap().friendly_name.unwrap())
        .collect();
    assert_eq!(names, ["service 0", "service 1", "service 2"]);
    assert_eq!(
        server.targets(),
        [
            "/v2/Services?PageSize=1",
            "/v2/Services?PageSize=1&Page=1&PageToken=PT1",
            "/v2/Services?PageSize=1&Page=2&PageToken=PT2",
        ]
    );
    let first = &server.seen()[0];
    assert_eq!(first.method, "GET");
}

#[tokio::test]
async fn a_link_to_another_origin_stops_the_listing_before_any_request() {
    let server = Server::start_with(|_, n, origin| {
        page(
            origin,
            u32::try_from(n).unwrap(),
            Some("https://evil.example/v2/Services?Page=1".to_owned()),
        )
    })
    .await;
    let client = client_at(&server.origin());
    let results: Vec<_> = client
        .verify()
        .v2()
        .services()
        .list()
        .stream()
        .collect()
        .await;
    assert_eq!(results.len(), 2, "one service, then the error");
    assert!(results[0].is_ok());
    let Err(Error::Paging { source, .. }) = &results[1] else {
        panic!("expected a paging stop, got {:?}", results[1]);
    };
    assert!(
        matches!(**source, PagerError::ForeignOrigin { .. }),
        "{source:?}"
    );
    assert_eq!(
        server.targets().len(),
        1,
        "the foreign link is never requested"
    );
}

#[tokio::test]
async fn a_link_cycle_stops_the_listing() {
    // Page 1 links back to page 0 (spelled with its parameters in another order).
    let server = Server::start_with(|_, n, origin| {
        let next = if n == 0 {
            format!("{origin}/v2/Services?Page=1&PageSize=1")
        } else {
            format!("{origin}/v2/Services?PageSize=1&Page=0")
        };
        page(origin, u32::try_from(n).unwrap(), Some(next))
    })
    .await;
    let client = client_at(&server.origin());
    let results: Vec<_> = client
        .verify()
        .v2()
        .services()
        .list()
        .page_size(1)
        .stream()
        .collect()
        .await;
    let errors: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errors.len(), 1, "{results:?}");
    assert!(
        matches!(errors[0], Error::Paging { source, .. } if matches!(**source, PagerError::Cycle { .. })),
        "{:?}",
        errors[0]
    );
    assert_eq!(
        server.targets().len(),
        2,
        "the cycle's link is never requested"
    );
}

#[tokio::test]
async fn a_localhost_base_url_sends_verify_to_verify_localhost() {
    let server = Server::start_with(|_, n, origin| {
        // The listing's origin is verify.localhost: its links are on it.
        let origin = origin.replace("127.0.0.1", "verify.localhost");
        let next = (n == 0).then(|| format!("{origin}/v2/Services?PageSize=1&Page=1"));
        page(&origin, u32::try_from(n).unwrap(), next)
    })
    .await;
    let port = server.origin().rsplit(':').next().unwrap().to_owned();
    let client = client_at(&format!("http://localhost:{port}"));
    assert_eq!(
        client.origin("verify"),
        format!("http://verify.localhost:{port}")
    );
    let services: Vec<_> = client
        .verify()
        .v2()
        .services()
        .list()
        .page_size(1)
        .stream()
        .collect()
        .await;
    assert_eq!(services.len(), 2);
    assert!(services.iter().all(Result::is_ok), "{services:?}");
    assert_eq!(server.targets().len(), 2);
}

#[tokio::test]
async fn a_json_write_sends_its_body_as_json_with_its_headers() {
    use twilio_api::model::content::v1::{ContentCreateRequest, TypesBody};
    let server = Server::start(vec![Act::Reply(
        201,
        &[("content-type", "application/json")],
        br#"{"sid": "HX0123456789abcdef0123456789abcdef", "friendly_name": "hello"}"#.to_vec(),
    )])
    .await;
    let client = client_at(&server.origin());
    let mut body = ContentCreateRequest::new("en", TypesBody::new());
    body.friendly_name = Some("hello".to_owned());
    let content = client
        .content()
        .v1()
        .content()
        .create(body.clone())
        .await
        .unwrap();
    assert_eq!(content.friendly_name.as_deref(), Some("hello"));
    let seen = &server.seen()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, "/v1/Content");
    assert_eq!(
        seen.body,
        br#"{"friendly_name":"hello","language":"en","types":{}}"#
    );
    // Exact text instead of the typed body: text that is not JSON never leaves.
    let refused = client
        .content()
        .v1()
        .content()
        .create(body)
        .json_text("{not json")
        .await;
    assert!(
        matches!(refused, Err(Error::InvalidInput { .. })),
        "{refused:?}"
    );
    assert_eq!(server.targets().len(), 1);
}
