//! Writes and `meta` lists over real sockets, through the default client (hyper, rustls, the
//! retry layer): a tiny loopback HTTP/1.1 server acts out each answer (a reply, a connection
//! cut once the request arrived, no answer at all) and records every request it read whole.
//! A write is never sent twice once it may have been applied; a `DELETE` may be; a `meta`
//! list follows its absolute links on its own origin only.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use twilio_api::model::{ListResource, MetaPage};
use twilio_api::operation::Operation;
use twilio_api::{Client, Error, ListRequest};

use crate::loopback::{Act, Server};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const MESSAGE: &str = "SM0123456789abcdef0123456789abcdef";

/// A client of `server`, as an application builds one (the default transport).
fn client_of(server: &Server) -> Client {
    Client::builder()
        .auth_token(ACCOUNT.parse().unwrap(), "token")
        .base_url(server.origin())
        .no_proxy()
        .timeout(Duration::from_millis(800))
        .build()
        .unwrap()
}

fn created() -> Act {
    Act::Reply(
        201,
        &[],
        format!(r#"{{"sid": "{MESSAGE}", "status": "queued", "body": "Hi"}}"#).into(),
    )
}

/// An SMS, through the generated tree: `client.messages().create(to)` and its setters.
fn send_message(client: &Client) -> twilio_api::writes::CreateMessageRequest {
    client
        .messages()
        .create("+15005550006")
        .from("+15005550001")
        .body("Héllo & goodbye = 100% 😀\r\n<b>")
}

/// The posted bodies the server read.
fn posts(server: &Server) -> Vec<Vec<u8>> {
    server
        .seen()
        .into_iter()
        .filter(|seen| seen.method == "POST")
        .map(|seen| seen.body)
        .collect()
}

#[tokio::test]
async fn a_write_cut_after_it_arrived_is_sent_once_and_of_unknown_outcome() {
    let server = Server::start(vec![Act::Cut, created()]).await;
    let error = send_message(&client_of(&server)).send().await.unwrap_err();
    assert_eq!(
        posts(&server).len(),
        1,
        "exactly one POST: {:?}",
        server.seen()
    );
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_write_answered_500_is_sent_once_and_of_unknown_outcome() {
    let server = Server::start(vec![
        Act::Reply(
            500,
            &[("twilio-request-id", "RQ500")],
            r#"{"code": 20500, "message": "Internal Server Error", "status": 500}"#.into(),
        ),
        created(),
    ])
    .await;
    let error = send_message(&client_of(&server)).send().await.unwrap_err();
    assert_eq!(posts(&server).len(), 1);
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert_eq!(error.request_id(), Some("RQ500"));
    assert_eq!(error.code(), Some(20500));
}

#[tokio::test]
async fn a_write_that_timed_out_is_sent_once_and_of_unknown_outcome() {
    let server = Server::start(vec![Act::Stall, created()]).await;
    let error = send_message(&client_of(&server)).send().await.unwrap_err();
    assert_eq!(posts(&server).len(), 1);
    let Error::OutcomeUnknown { source, .. } = &error else {
        panic!("expected OutcomeUnknown, got {error:?}");
    };
    assert!(source.is_timeout(), "{source:?}");
}

#[tokio::test]
async fn a_write_refused_with_429_is_sent_again_with_the_same_bytes() {
    let server = Server::start(vec![
        Act::Reply(
            429,
            &[("retry-after", "0")],
            r#"{"code": 20429, "message": "Too Many Requests", "status": 429}"#.into(),
        ),
        created(),
    ])
    .await;
    let message = send_message(&client_of(&server)).send().await.unwrap();
    assert_eq!(message.sid.unwrap().as_str(), MESSAGE);
    let posts = posts(&server);
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0], posts[1]);
    let fields: Vec<(String, String)> = form_urlencoded::parse(&posts[0]).into_owned().collect();
    assert_eq!(
        fields,
        [
            ("To".to_owned(), "+15005550006".to_owned()),
            ("From".to_owned(), "+15005550001".to_owned()),
            (
                "Body".to_owned(),
                "Héllo & goodbye = 100% 😀\r\n<b>".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn a_delete_answered_503_is_repeated() {
    let server = Server::start(vec![
        Act::Reply(503, &[], "<html>unavailable</html>".into()),
        Act::Reply(204, &[], Vec::new()),
    ])
    .await;
    let path = format!("/2010-04-01/Accounts/{ACCOUNT}/Messages/{MESSAGE}.json");
    let client = client_of(&server);
    client
        .message(MESSAGE.parse().unwrap())
        .delete()
        .await
        .unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|s| s.method == "DELETE" && s.target == path)
    );
}

#[tokio::test]
async fn a_delete_repeated_after_an_unknown_outcome_that_finds_nothing_succeeded() {
    let not_found = || {
        Act::Reply(
            404,
            &[],
            r#"{"code": 20404, "message": "The requested resource was not found", "status": 404}"#
                .into(),
        )
    };
    // The first attempt timed out (it may have deleted the message): not found is success.
    let server = Server::start(vec![Act::Stall, not_found()]).await;
    let client = client_of(&server);
    client
        .message(MESSAGE.parse().unwrap())
        .delete()
        .await
        .unwrap();
    assert_eq!(server.seen().len(), 2);

    // The first attempt was refused (429): it deleted nothing, so not found is an error.
    let server = Server::start(vec![
        Act::Reply(429, &[("retry-after", "0")], "{}".into()),
        not_found(),
    ])
    .await;
    let client = client_of(&server);
    let error = client
        .message(MESSAGE.parse().unwrap())
        .delete()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(server.seen().len(), 2);
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
struct Service {
    sid: String,
}

enum Services {}

impl ListResource for Services {
    const ITEMS_KEY: &'static str = "services";
    type Item = Service;
}

static LIST_SERVICE: Operation =
    Operation::new("ListService", http::Method::GET, "verify", "/v2/Services");

fn meta_page(url: &str, ids: std::ops::Range<u32>, next: Option<String>) -> String {
    let services: Vec<_> = ids
        .map(|id| serde_json::json!({ "sid": format!("VA{id:032}") }))
        .collect();
    serde_json::json!({
        "meta": { "key": "services", "url": url, "next_page_url": next, "page_size": 2 },
        "services": services,
    })
    .to_string()
}

/// Three pages linked by absolute URLs on the server's own origin; the third links to
/// `last_link`.
async fn meta_server(last_link: impl Fn(&str) -> String + Send + Sync + 'static) -> Server {
    Server::start_with(move |target, _, origin| {
        let url = format!("{origin}{target}");
        let body = if target.contains("PageToken=PT2") {
            meta_page(&url, 4..5, Some(last_link(origin)))
        } else if target.contains("PageToken=PT1") {
            let next = format!("{origin}/v2/Services?PageSize=2&Page=2&PageToken=PT2");
            meta_page(&url, 2..4, Some(next))
        } else {
            let next = format!("{origin}/v2/Services?PageSize=2&Page=1&PageToken=PT1");
            meta_page(&url, 0..2, Some(next))
        };
        Act::json(body)
    })
    .await
}

#[tokio::test]
async fn a_meta_list_follows_absolute_links_on_its_origin_to_the_end() {
    let server = meta_server(|_| String::new()).await;
    let client = client_of(&server);
    let services = ListRequest::<MetaPage<Services>>::new(&client, &LIST_SERVICE, "/v2/Services")
        .page_size(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(services.len(), 5);
    let targets: Vec<String> = server.seen().into_iter().map(|s| s.target).collect();
    assert_eq!(
        targets,
        [
            "/v2/Services?PageSize=2",
            "/v2/Services?PageSize=2&Page=1&PageToken=PT1",
            "/v2/Services?PageSize=2&Page=2&PageToken=PT2",
        ]
    );
}

/// What the last page links to, given the server's origin.
type LastLink = dyn Fn(&str) -> String + Send + Sync;

#[tokio::test]
async fn a_meta_list_stops_at_a_foreign_origin_and_at_a_cycle() {
    let elsewhere = Server::start(vec![Act::json(meta_page("x", 0..0, None))]).await;
    let foreign = format!("{}/v2/Services?Page=3&PageToken=PT3", elsewhere.origin());
    let links: [Box<LastLink>; 2] = [
        Box::new(move |_| foreign.clone()),
        // Back to the second page, spelt with its parameters in another order.
        Box::new(|origin| format!("{origin}/v2/Services?PageToken=PT1&Page=1&PageSize=2")),
    ];
    for link in links {
        let server = meta_server(link).await;
        let client = client_of(&server);
        let (services, error) =
            ListRequest::<MetaPage<Services>>::new(&client, &LIST_SERVICE, "/v2/Services")
                .page_size(2)
                .collect_partial()
                .await;
        assert_eq!(services.len(), 5, "every page before the stop is delivered");
        let Some(Error::Paging { source, .. }) = &error else {
            panic!("expected a paging stop, got {error:?}");
        };
        assert!(
            matches!(
                **source,
                twilio_pager::PagerError::ForeignOrigin { .. }
                    | twilio_pager::PagerError::Cycle { .. }
            ),
            "{source:?}"
        );
        assert_eq!(server.seen().len(), 3);
    }
    assert!(
        elsewhere.seen().is_empty(),
        "nothing went to the other origin"
    );
}

fn fetched_call() -> Act {
    Act::Reply(
        200,
        &[],
        r#"{"sid": "CA0123456789abcdef0123456789abcdef"}"#.into(),
    )
}

#[tokio::test]
async fn a_429_pauses_every_request_of_the_client() {
    let server = Server::start_with(|_, n, _| match n {
        0 => Act::Reply(429, &[("retry-after", "1")], r#"{"code": 20429}"#.into()),
        _ => fetched_call(),
    })
    .await;
    let client = Client::builder()
        .auth_token(ACCOUNT.parse().unwrap(), "token")
        .base_url(server.origin())
        .no_proxy()
        .max_in_flight(4)
        .build()
        .unwrap();
    let call = "CA0123456789abcdef0123456789abcdef";
    // The first request meets the 429; the others start only after the pause it began.
    let first = client.call(call.parse().unwrap()).fetch();
    let first = tokio::spawn(first.send());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let limiter = client.limiter().unwrap().state();
    assert!(
        limiter.paused_for > Duration::from_millis(500),
        "{limiter:?}"
    );
    assert_eq!(limiter.window, 2, "the window halved");
    let others: Vec<_> = (0..3)
        .map(|_| tokio::spawn(client.call(call.parse().unwrap()).fetch().send()))
        .collect();
    first.await.unwrap().unwrap();
    for other in others {
        other.await.unwrap().unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 5, "the 429, its retry and three others");
    for later in &seen[1..] {
        let gap = later.at.duration_since(seen[0].at);
        assert!(
            gap >= Duration::from_millis(950),
            "sent {gap:?} after the 429"
        );
    }
}

#[tokio::test]
async fn a_rate_limit_spaces_the_requests_of_the_client() {
    let server = Server::start(vec![fetched_call()]).await;
    let client = Client::builder()
        .auth_token(ACCOUNT.parse().unwrap(), "token")
        .base_url(server.origin())
        .no_proxy()
        .rate_limit(20.0)
        .build()
        .unwrap();
    let call = "CA0123456789abcdef0123456789abcdef";
    let fetches: Vec<_> = (0..10)
        .map(|_| tokio::spawn(client.call(call.parse().unwrap()).fetch().send()))
        .collect();
    for fetch in fetches {
        fetch.await.unwrap().unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 10);
    let span = seen[9].at.duration_since(seen[0].at);
    assert!(
        span >= Duration::from_millis(400),
        "10 at 20/s took {span:?}"
    );
}

#[tokio::test]
async fn the_client_keeps_to_the_sandbox_s_account_limit_without_failing_a_request() {
    use twilio_sandbox::{AccountLimit, Sandbox};
    let sandbox = Sandbox::builder()
        .latency(Duration::from_millis(50))
        .account_limit(AccountLimit::none().in_flight(2).per_second(20))
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .auth_token(sandbox.account_sid().parse().unwrap(), sandbox.auth_token())
        .base_url(sandbox.base_url())
        .no_proxy()
        .build()
        .unwrap();
    let calls = client.calls().list().limit(1).collect().await.unwrap();
    let call = calls[0].sid.clone().unwrap();
    let fetches: Vec<_> = (0..30)
        .map(|_| tokio::spawn(client.call(call.clone()).fetch().send()))
        .collect();
    for fetch in fetches {
        fetch.await.unwrap().unwrap();
    }
    let refused = sandbox
        .requests()
        .iter()
        .filter(|r| r.status == Some(http::StatusCode::TOO_MANY_REQUESTS))
        .count();
    assert!(refused > 0, "the sandbox enforced its limit");
    assert!(
        client.limiter().unwrap().state().window < 100,
        "the client's window shrank"
    );
}
