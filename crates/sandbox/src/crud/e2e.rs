//! Table-driven, over real sockets: for every product, create → fetch → list → update →
//! remove → 404 of its first top-level resource that has all five operations, sent to
//! `{label}.localhost:PORT` as a client would; and a `meta` list paged by the sandbox.

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpStream;

use crate::Sandbox;
use crate::generated::products::PRODUCTS;
use crate::store::products::{BodyField, FieldKind, Resource};

/// Sends one request to the product on `label`, with the sandbox's credentials unless
/// `auth` says otherwise; the status and the JSON answered (`Null` for none).
async fn send(
    sandbox: &Sandbox,
    label: &str,
    method: Method,
    target: &str,
    form: &[(&str, String)],
    auth: Option<(&str, &str)>,
) -> (StatusCode, Value) {
    let stream = TcpStream::connect(sandbox.addr()).await.unwrap();
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let (user, password) = auth.unwrap_or((sandbox.account_sid(), sandbox.auth_token()));
    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{user}:{password}"),
    );
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in form {
        body.append_pair(name, value);
    }
    let req = Request::builder()
        .method(method)
        .uri(target)
        .header(
            "host",
            format!("{label}.localhost:{}", sandbox.addr().port()),
        )
        .header("authorization", format!("Basic {basic}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(body.finish())))
        .unwrap();
    let response = sender.send_request(req).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, value)
}

/// A value of a field's type.
fn sample(field: &BodyField) -> String {
    match field.kind {
        FieldKind::Integer => "7".to_owned(),
        FieldKind::Bool => "true".to_owned(),
        FieldKind::Sid(prefix) => format!("{prefix}{}", "0".repeat(32)),
        FieldKind::Text | FieldKind::Many => "sandbox test".to_owned(),
    }
}

/// The required fields of a create or an update, with values.
fn required(fields: &'static str) -> Vec<(&'static str, String)> {
    fields
        .split_ascii_whitespace()
        .filter_map(BodyField::parse)
        .filter(|f| f.required)
        .map(|f| (f.name, sample(&f)))
        .collect()
}

/// The first top-level resource of a product with every operation.
fn full_resource(resources: &'static [Resource]) -> Option<&'static Resource> {
    resources
        .iter()
        .find(|r| "cflud".chars().all(|op| r.has(op)) && r.parents.is_empty())
}

fn assert_error(answer: &(StatusCode, Value), status: u16, code: u64) {
    assert_eq!(answer.0.as_u16(), status, "{}", answer.1);
    assert_eq!(answer.1["code"], code, "{}", answer.1);
    assert_eq!(answer.1["status"], status, "{}", answer.1);
}

#[tokio::test]
async fn every_product_creates_fetches_lists_updates_and_removes() {
    let sandbox = Sandbox::builder().seed(3).start().await.unwrap();
    let port = sandbox.addr().port();
    let mut exercised = Vec::new();
    for (label, resources) in PRODUCTS {
        let Some(resource) = full_resource(resources) else {
            continue;
        };
        let origin = format!("http://{label}.localhost:{port}");
        let list = resource.list;
        let (status, created) = send(
            &sandbox,
            label,
            Method::POST,
            list,
            &required(resource.create),
            None,
        )
        .await;
        assert!(
            status.is_success(),
            "{label} POST {list}: {status} {created}"
        );
        let id = created[resource.id_field]
            .as_str()
            .unwrap_or_else(|| panic!("{label} {list}: no {}: {created}", resource.id_field))
            .to_owned();
        if !resource.prefix.is_empty() {
            assert!(id.starts_with(resource.prefix), "{label} {list}: {id}");
        }
        if resource.has_member("url") {
            assert_eq!(created["url"], format!("{origin}{list}/{id}"), "{label}");
        }
        if resource.has_member("account_sid") {
            assert_eq!(created["account_sid"], sandbox.account_sid(), "{label}");
        }
        if resource.has_member("date_created") {
            assert!(
                created["date_created"]
                    .as_str()
                    .is_some_and(|d| d.ends_with('Z'))
            );
        }
        let item = format!("{list}/{id}");
        let (status, fetched) = send(&sandbox, label, Method::GET, &item, &[], None).await;
        assert_eq!(status, StatusCode::OK, "{label} GET {item}: {fetched}");
        assert_eq!(fetched, created, "{label}");
        let (status, page) = send(&sandbox, label, Method::GET, list, &[], None).await;
        assert_eq!(status, StatusCode::OK, "{label} GET {list}: {page}");
        assert_eq!(page["meta"]["key"], resource.key, "{label}");
        assert!(
            page["meta"]["url"]
                .as_str()
                .is_some_and(|u| u.starts_with(&format!("{origin}{list}?"))),
            "{label}: {page}"
        );
        assert_eq!(
            page[resource.key],
            Value::Array(vec![created.clone()]),
            "{label}"
        );
        // An update: a text field that names a member, else the required ones.
        let change = resource
            .update
            .split_ascii_whitespace()
            .filter_map(BodyField::parse)
            .find(|f| f.kind == FieldKind::Text && f.member.is_some());
        let mut form = required(resource.update);
        if let Some(field) = change {
            form.retain(|(name, _)| *name != field.name);
            form.push((field.name, "changed by the test".to_owned()));
        }
        let (status, updated) = send(&sandbox, label, Method::POST, &item, &form, None).await;
        assert_eq!(status, StatusCode::OK, "{label} POST {item}: {updated}");
        if let Some(BodyField {
            member: Some(member),
            ..
        }) = change
        {
            assert_eq!(updated[member], "changed by the test", "{label}");
            let (_, fetched) = send(&sandbox, label, Method::GET, &item, &[], None).await;
            assert_eq!(fetched[member], "changed by the test", "{label}");
        }
        let (status, _) = send(&sandbox, label, Method::DELETE, &item, &[], None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{label} DELETE {item}");
        let gone = send(&sandbox, label, Method::GET, &item, &[], None).await;
        assert_error(&gone, 404, 20404);
        let again = send(&sandbox, label, Method::DELETE, &item, &[], None).await;
        assert_error(&again, 404, 20404);
        exercised.push(*label);
    }
    for label in [
        "verify",
        "messaging",
        "conversations",
        "flex-api",
        "sync",
        "chat",
    ] {
        assert!(
            exercised.contains(&label),
            "{label} not exercised: {exercised:?}"
        );
    }
    assert_eq!(exercised.len(), 28, "{exercised:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bad_input_and_wrong_credentials_are_refused_and_write_nothing() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let missing = send(&sandbox, "verify", Method::POST, "/v2/Services", &[], None).await;
    assert_error(&missing, 400, 20001);
    let bad_int = send(
        &sandbox,
        "verify",
        Method::POST,
        "/v2/Services",
        &[
            ("FriendlyName", "x".to_owned()),
            ("CodeLength", "six".to_owned()),
        ],
        None,
    )
    .await;
    assert_error(&bad_int, 400, 20001);
    let wrong = send(
        &sandbox,
        "verify",
        Method::POST,
        "/v2/Services",
        &[("FriendlyName", "x".to_owned())],
        Some((sandbox.account_sid(), "not the token")),
    )
    .await;
    assert_error(&wrong, 401, 20003);
    let (_, page) = send(&sandbox, "verify", Method::GET, "/v2/Services", &[], None).await;
    assert_eq!(page["services"], Value::Array(Vec::new()), "{page}");
    // Under a service that does not exist.
    let orphan = send(
        &sandbox,
        "verify",
        Method::POST,
        &format!("/v2/Services/VA{}/Verifications", "0".repeat(32)),
        &[
            ("To", "+15005550006".to_owned()),
            ("Channel", "sms".to_owned()),
        ],
        None,
    )
    .await;
    assert_error(&orphan, 404, 20404);
    let unknown = send(&sandbox, "nothing", Method::GET, "/v1/Things", &[], None).await;
    assert_error(&unknown, 404, 20404);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_meta_list_is_paged_filtered_and_linked_on_its_origin() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let origin = format!("http://verify.localhost:{}", sandbox.addr().port());
    for n in 0..5 {
        let name = if n % 2 == 0 { "even" } else { "odd" };
        let (status, _) = send(
            &sandbox,
            "verify",
            Method::POST,
            "/v2/Services",
            &[("FriendlyName", name.to_owned())],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let mut target = "/v2/Services?PageSize=2".to_owned();
    let mut sizes = Vec::new();
    loop {
        let (status, page) = send(&sandbox, "verify", Method::GET, &target, &[], None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        sizes.push(page["services"].as_array().unwrap().len());
        let meta = &page["meta"];
        for link in ["first_page_url", "url"] {
            assert!(meta[link].as_str().unwrap().starts_with(&origin), "{meta}");
        }
        match meta["next_page_url"].as_str() {
            Some(next) => target = next.strip_prefix(&origin).unwrap().to_owned(),
            None => break,
        }
    }
    assert_eq!(sizes, [2, 2, 1]);
    let (_, page) = send(
        &sandbox,
        "verify",
        Method::GET,
        "/v2/Services?FriendlyName=even&PageSize=2",
        &[],
        None,
    )
    .await;
    assert_eq!(page["services"].as_array().unwrap().len(), 2, "{page}");
    assert!(
        page["meta"]["next_page_url"]
            .as_str()
            .is_some_and(|n| n.contains("FriendlyName=even")),
        "{page}"
    );
    let bad = send(
        &sandbox,
        "verify",
        Method::GET,
        "/v2/Services?PageSize=0",
        &[],
        None,
    )
    .await;
    assert_error(&bad, 400, 20001);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_item_named_by_a_phone_number_is_fetched_by_its_escaped_path() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let (status, created) = send(
        &sandbox,
        "verify",
        Method::POST,
        "/v2/SafeList/Numbers",
        &[("PhoneNumber", "+15005550006".to_owned())],
        None,
    )
    .await;
    assert!(status.is_success(), "{status} {created}");
    assert_eq!(created["phone_number"], "+15005550006");
    assert!(
        created["sid"].as_str().is_some_and(|s| s.starts_with("GN")),
        "{created}"
    );
    // Its `url` as Twilio writes one: the `+` of the number as it is.
    let port = sandbox.addr().port();
    assert_eq!(
        created["url"],
        format!("http://verify.localhost:{port}/v2/SafeList/Numbers/+15005550006")
    );
    // Fetched by either spelling of the number.
    let (status, fetched) = send(
        &sandbox,
        "verify",
        Method::GET,
        "/v2/SafeList/Numbers/+15005550006",
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{fetched}");
    assert_eq!(fetched, created);
    let target = "/v2/SafeList/Numbers/%2B15005550006";
    let (status, fetched) = send(&sandbox, "verify", Method::GET, target, &[], None).await;
    assert_eq!(status, StatusCode::OK, "{fetched}");
    assert_eq!(fetched, created);
    let (status, _) = send(&sandbox, "verify", Method::DELETE, target, &[], None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let gone = send(&sandbox, "verify", Method::GET, target, &[], None).await;
    assert_error(&gone, 404, 20404);

    // An item named by a value a path cannot hold as it is: escaped in its `url`, and
    // found by that `url`'s path.
    let (_, service) = send(
        &sandbox,
        "verify",
        Method::POST,
        "/v2/Services",
        &[("FriendlyName", "entities".to_owned())],
        None,
    )
    .await;
    let service = service["sid"].as_str().unwrap().to_owned();
    let entities = format!("/v2/Services/{service}/Entities");
    let (status, entity) = send(
        &sandbox,
        "verify",
        Method::POST,
        &entities,
        &[("Identity", "alice smith/2".to_owned())],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{entity}");
    assert_eq!(entity["identity"], "alice smith/2");
    assert_eq!(entity["service_sid"], service.as_str());
    let url = entity["url"].as_str().unwrap().to_owned();
    assert_eq!(
        url,
        format!("http://verify.localhost:{port}{entities}/alice%20smith%2F2")
    );
    let item = url
        .strip_prefix(&format!("http://verify.localhost:{port}"))
        .unwrap();
    let (status, fetched) = send(&sandbox, "verify", Method::GET, item, &[], None).await;
    assert_eq!(status, StatusCode::OK, "{fetched}");
    assert_eq!(fetched, entity);
    assert_eq!(
        fetched["links"]["factors"],
        format!("{url}/Factors"),
        "{fetched}"
    );
    sandbox.shutdown().await;
}

/// Whether a parent item of `resource`'s path is one the sandbox creates (so a test must
/// create it first).
fn has_created_parent(resources: &'static [Resource], resource: &Resource) -> bool {
    let segments: Vec<&str> = resource.list.split('/').collect();
    segments.iter().enumerate().any(|(i, segment)| {
        let collection = segments[..i].join("/");
        segment.starts_with('{')
            && resources
                .iter()
                .any(|r| r.list == collection && r.has('c') && !r.item.is_empty())
    })
}

/// What a test can do with a resource: made by a create, or by the first update of an item
/// nothing creates; and how many of the five operations that reaches.
fn reach(resource: &Resource) -> usize {
    let made = resource.has('c') || (resource.has('u') && !resource.item.is_empty());
    if !made {
        return usize::from(resource.has('l'));
    }
    "cflud".chars().filter(|op| resource.has(*op)).count() + 1
}

/// A value for a path parameter: a number where it names one, else a name.
fn path_value(name: &str) -> &'static str {
    if name.contains("Number") {
        "+15005550006"
    } else {
        "Calls"
    }
}

/// The concrete path of a template, every parameter filled by [`path_value`].
fn fill(template: &str) -> String {
    template
        .split('/')
        .map(|segment| match segment.strip_prefix('{') {
            Some(name) => path_value(name.trim_end_matches('}')),
            None => segment,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The products whose specs give no top-level resource all five operations: each is
/// exercised on the resource that reaches the most of them (made by its create, or by the
/// first update where nothing creates the item), with every operation the spec gives it.
#[tokio::test]
async fn every_other_product_serves_the_operations_its_spec_gives() {
    let sandbox = Sandbox::builder().seed(4).start().await.unwrap();
    let mut exercised = Vec::new();
    for (label, resources) in PRODUCTS {
        if full_resource(resources).is_some() {
            continue;
        }
        let resource = resources
            .iter()
            .filter(|r| !has_created_parent(resources, r))
            .max_by_key(|r| (reach(r), std::cmp::Reverse(r.list)))
            .unwrap_or_else(|| panic!("{label}: no resource"));
        let list = fill(resource.list);
        let mut done = String::new();
        let id = if resource.has('c') {
            let (status, created) = send(
                &sandbox,
                label,
                Method::POST,
                &list,
                &required(resource.create),
                None,
            )
            .await;
            assert!(
                status.is_success(),
                "{label} POST {list}: {status} {created}"
            );
            done.push('c');
            created[resource.id_field].as_str().map(str::to_owned)
        } else if resource.has('u') && !resource.item.is_empty() {
            // Nothing creates it: its first update does, as Twilio's does.
            let item = format!("{list}/sandbox-item");
            let form = required(resource.update);
            let (status, made) = send(&sandbox, label, Method::POST, &item, &form, None).await;
            assert_eq!(status, StatusCode::OK, "{label} POST {item}: {made}");
            assert_eq!(made[resource.id_field], "sandbox-item", "{label}: {made}");
            done.push('u');
            Some("sandbox-item".to_owned())
        } else {
            None
        };
        let item = id.map(|id| format!("{list}/{id}"));
        if resource.has('f') {
            let target = item.clone().unwrap_or_else(|| format!("{list}/US"));
            let answer = send(&sandbox, label, Method::GET, &target, &[], None).await;
            match &item {
                Some(_) => assert_eq!(answer.0, StatusCode::OK, "{label} GET {target}"),
                // Nothing the sandbox made: Twilio's 404.
                None => assert_error(&answer, 404, 20404),
            }
            done.push('f');
        }
        if resource.has('l') {
            let (status, page) = send(&sandbox, label, Method::GET, &list, &[], None).await;
            assert_eq!(status, StatusCode::OK, "{label} GET {list}: {page}");
            let listed = page[resource.key].as_array().map_or(0, Vec::len);
            assert_eq!(listed, usize::from(item.is_some()), "{label}: {page}");
            done.push('l');
        }
        if let Some(item) = &item {
            if resource.has('c') && resource.has('u') {
                let form = required(resource.update);
                let (status, _) = send(&sandbox, label, Method::POST, item, &form, None).await;
                assert_eq!(status, StatusCode::OK, "{label} POST {item}");
                done.push('u');
            }
            if resource.has('d') {
                let (status, _) = send(&sandbox, label, Method::DELETE, item, &[], None).await;
                assert_eq!(status, StatusCode::NO_CONTENT, "{label} DELETE {item}");
                let gone = send(&sandbox, label, Method::GET, item, &[], None).await;
                assert_error(&gone, 404, 20404);
                done.push('d');
            }
        }
        exercised.push((*label, done));
    }
    let exercised: Vec<(&str, &str)> = exercised.iter().map(|(l, d)| (*l, d.as_str())).collect();
    assert_eq!(
        exercised,
        [
            ("bulkexports", "cl"),
            ("frontline-api", "uf"),
            ("insights", "cf"),
            ("lookups", "ufd"),
            ("oauth", "c"),
            ("preview-iam", "cfud"),
            ("pricing", "fl"),
            ("routes", "uf"),
            ("supersim", "cflu"),
        ]
    );
    sandbox.shutdown().await;
}

/// One store for every product's items, bounded as a whole: past its bound a create of any
/// product is Twilio's 429 (20429) saying the store is full, and writes nothing; a remove of
/// any product's item makes room.
#[tokio::test]
async fn one_bounded_store_holds_every_products_items() {
    let sandbox = Sandbox::builder().written_items(2).start().await.unwrap();
    let messages = format!(
        "/2010-04-01/Accounts/{}/Messages.json",
        sandbox.account_sid()
    );
    let message = [
        ("To", "+15005550010".to_owned()),
        ("From", "+15005550006".to_owned()),
        ("Body", "one".to_owned()),
    ];
    let (status, sent) = send(&sandbox, "api", Method::POST, &messages, &message, None).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let service = || async {
        let name = [("FriendlyName", "two".to_owned())];
        send(
            &sandbox,
            "verify",
            Method::POST,
            "/v2/Services",
            &name,
            None,
        )
        .await
    };
    assert_eq!(service().await.0, StatusCode::CREATED);
    let full = service().await;
    assert_error(&full, 429, 20429);
    assert!(
        full.1["message"]
            .as_str()
            .is_some_and(|m| m.contains("store of written items is full (2 items")),
        "{}",
        full.1
    );
    let full = send(&sandbox, "api", Method::POST, &messages, &message, None).await;
    assert_error(&full, 429, 20429);
    let (_, page) = send(&sandbox, "verify", Method::GET, "/v2/Services", &[], None).await;
    assert_eq!(page["services"].as_array().map(Vec::len), Some(1), "{page}");
    // Removing the message makes room for a service.
    let sid = sent["sid"].as_str().unwrap();
    let item = messages.replace("Messages.json", &format!("Messages/{sid}.json"));
    let (status, _) = send(&sandbox, "api", Method::DELETE, &item, &[], None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(service().await.0, StatusCode::CREATED);
    sandbox.shutdown().await;
}
