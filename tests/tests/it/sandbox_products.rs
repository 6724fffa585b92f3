//! Every other product on the sandbox, through the library over real sockets: a Verify
//! verification approved with the code the sandbox makes known (and left pending by a wrong
//! one), and a `meta` listing paged by the sandbox followed to its end by the library's pager
//! on `verify.localhost`.

use std::time::Duration;

use futures::StreamExt as _;
use twilio_api::Client;
use twilio_sandbox::Sandbox;

/// A client of the sandbox on `http://localhost:PORT`: every product on its own
/// `{label}.localhost:PORT`.
fn client_of(sandbox: &Sandbox) -> Client {
    Client::builder()
        .auth_token(sandbox.account_sid().parse().unwrap(), sandbox.auth_token())
        .base_url(format!("http://localhost:{}", sandbox.addr().port()))
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_verification_is_approved_with_the_sandboxs_code_only() {
    let sandbox = Sandbox::builder().seed(5).start().await.unwrap();
    let client = client_of(&sandbox);
    let service = client
        .verify()
        .v2()
        .services()
        .create("My app")
        .await
        .unwrap();
    assert_eq!(service.friendly_name.as_deref(), Some("My app"));
    let service_sid = service.sid.clone().unwrap();
    assert!(
        service
            .url
            .as_deref()
            .is_some_and(|u| u.starts_with(&format!(
                "http://verify.localhost:{}/v2/Services/VA",
                sandbox.addr().port()
            )))
    );
    let service = client.verify().v2().service(service_sid.clone());
    let verification = service
        .verifications()
        .create("sms", "+15005550006")
        .await
        .unwrap();
    assert_eq!(verification.status.as_deref(), Some("pending"));
    assert_eq!(verification.valid, Some(false));
    assert_eq!(verification.to.as_deref(), Some("+15005550006"));
    let verification_sid = verification.sid.clone().unwrap();

    let code = sandbox.verification_code().to_owned();
    assert_eq!(code.len(), 6);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let check = service
        .verification_check()
        .create()
        .to("+15005550006")
        .code(wrong)
        .await
        .unwrap();
    assert_eq!(check.status.as_deref(), Some("pending"));
    assert_eq!(check.valid, Some(false));

    let check = service
        .verification_check()
        .create()
        .to("+15005550006")
        .code(code.clone())
        .await
        .unwrap();
    assert_eq!(check.status.as_deref(), Some("approved"));
    assert_eq!(check.valid, Some(true));
    assert_eq!(check.sid.as_ref(), Some(&verification_sid));
    let fetched = service
        .verification(verification_sid.as_str())
        .fetch()
        .await
        .unwrap();
    assert_eq!(fetched.status.as_deref(), Some("approved"));

    // Approved, it is no longer pending: a check finds none (Twilio's 404, code 20404).
    let none = service
        .verification_check()
        .create()
        .to("+15005550006")
        .code(code)
        .await
        .unwrap_err();
    assert_eq!(
        (none.status(), none.code()),
        (Some(404), Some(20404)),
        "{none:?}"
    );
    assert!(
        sandbox
            .summary()
            .to_string()
            .contains(sandbox.verification_code())
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_meta_listing_the_sandbox_pages_is_followed_to_its_end() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let client = client_of(&sandbox);
    let mut created = Vec::new();
    for n in 0..5 {
        let service = client
            .verify()
            .v2()
            .services()
            .create(format!("service {n}"))
            .await
            .unwrap();
        created.push(service.sid.unwrap());
    }
    let pages: Vec<_> = client
        .verify()
        .v2()
        .services()
        .list()
        .page_size(2)
        .pages()
        .collect()
        .await;
    let pages: Vec<_> = pages.into_iter().map(Result::unwrap).collect();
    assert_eq!(pages.len(), 3);
    let listed: Vec<_> = pages
        .iter()
        .flat_map(|page| page.items.clone())
        .filter_map(|service| service.sid)
        .collect();
    created.reverse();
    assert_eq!(listed, created, "newest first, each once");
    let requests: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == http::Method::GET)
        .map(|r| r.path_and_query)
        .collect();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests[1].contains("Page=1") && requests[2].contains("Page=2"));
    sandbox.shutdown().await;
}
