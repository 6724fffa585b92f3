//! Scripted faults on every product, through the library over real sockets: a Verify write
//! answered 503 is not sent again and writes nothing, a 429 is sent again and writes once, a
//! cut after the write was applied leaves one item and an outcome the client cannot know, and
//! a rule for one product's host leaves the others alone.

use std::time::Duration;

use twilio_api::Client;
use twilio_sandbox::{Fault, FaultRule, Sandbox};

/// A client of the sandbox on its printed URL, `http://localhost:PORT`: every product on
/// its own `{label}.localhost:PORT`.
fn client_of(sandbox: &Sandbox) -> Client {
    Client::builder()
        .auth_token(sandbox.account_sid().parse().unwrap(), sandbox.auth_token())
        .base_url(sandbox.base_url())
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// The statuses of the requests the sandbox saw with `method` on a path starting `prefix`.
fn seen(sandbox: &Sandbox, method: &http::Method, prefix: &str) -> Vec<Option<u16>> {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.method == *method && r.path_and_query.starts_with(prefix))
        .map(|r| r.status.map(|s| s.as_u16()))
        .collect()
}

/// A rule applying `fault` once to the requests of `method` on the product `host`.
fn on(fault: Fault, host: &str, method: http::Method) -> FaultRule {
    FaultRule::new(fault).on_host(host).on_method(method)
}

/// Creates a Verify service named `name`; its SID, or the library's error.
async fn create(client: &Client, name: &str) -> Result<String, twilio_api::Error> {
    let service = client.verify().v2().services().create(name).await?;
    Ok(service.sid.map(|sid| sid.to_string()).unwrap_or_default())
}

async fn services(client: &Client) -> Vec<String> {
    client
        .verify()
        .v2()
        .services()
        .list()
        .collect()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|s| s.friendly_name)
        .collect()
}

#[tokio::test]
async fn a_product_write_answered_503_is_sent_once_and_writes_nothing() {
    let sandbox = Sandbox::builder().seed(11).start().await.unwrap();
    let client = client_of(&sandbox);
    sandbox.faults().push_rule(
        "status:503,host=verify,path=/v2/Services,method=POST"
            .parse::<FaultRule>()
            .unwrap(),
    );
    // The 2010-04-01 API and a read of Verify do not take the rule.
    let calls = client.calls().list().limit(2).collect().await.unwrap();
    assert_eq!(calls.len(), 2);
    assert!(services(&client).await.is_empty());
    assert_eq!(sandbox.faults().pending(), 1);

    let error = create(&client, "never").await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert_eq!(error.status(), Some(503));
    assert_eq!(
        seen(&sandbox, &http::Method::POST, "/v2/Services"),
        [Some(503)]
    );
    assert!(services(&client).await.is_empty());
    assert_eq!(sandbox.faults().pending(), 0);
    assert_eq!(sandbox.stats().faults_injected, 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_product_write_answered_429_is_sent_again_and_written_once() {
    let sandbox = Sandbox::builder().seed(12).start().await.unwrap();
    let client = client_of(&sandbox);
    sandbox.faults().push_rule(on(
        Fault::too_many_requests(Some(0)),
        "verify",
        http::Method::POST,
    ));
    let sid = create(&client, "after a 429").await.unwrap();
    assert!(sid.starts_with("VA"), "{sid}");
    assert_eq!(
        seen(&sandbox, &http::Method::POST, "/v2/Services"),
        [Some(429), Some(201)]
    );
    assert_eq!(services(&client).await, ["after a 429"]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_product_write_cut_after_it_was_applied_exists_once() {
    let sandbox = Sandbox::builder().seed(13).start().await.unwrap();
    let client = client_of(&sandbox);
    sandbox
        .faults()
        .push_rule(on(Fault::Disconnect, "verify", http::Method::POST));
    let error = create(&client, "cut").await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert_eq!(seen(&sandbox, &http::Method::POST, "/v2/Services"), [None]);
    // The write was applied before the cut: one service, never two.
    assert_eq!(services(&client).await, ["cut"]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_read_of_a_product_takes_its_fault_and_other_hosts_do_not() {
    let sandbox = Sandbox::builder().seed(14).start().await.unwrap();
    let client = client_of(&sandbox);
    create(&client, "listed").await.unwrap();
    sandbox
        .faults()
        .push_rule(on(Fault::MalformedJson, "content", http::Method::GET));
    assert_eq!(services(&client).await, ["listed"]);
    assert_eq!(sandbox.faults().pending(), 1);
    sandbox.faults().clear();
    sandbox
        .faults()
        .push_rule(on(Fault::MalformedJson, "verify", http::Method::GET));
    let error = client
        .verify()
        .v2()
        .services()
        .list()
        .collect()
        .await
        .unwrap_err();
    assert!(!error.is_outcome_unknown(), "{error:?}");
    assert_eq!(sandbox.faults().pending(), 0);
    sandbox.shutdown().await;
}
