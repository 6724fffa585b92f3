//! Every product's commands end to end: one read of each product (the generated
//! `products_table.rs`) against a loopback server reached as `{label}.localhost`, checking
//! the method, the host, the path and the query; a create with a form body, a JSON-bodied
//! create (and `--json-body` refused before any request when it is not JSON), a header
//! flag, a dry run, and the path flags choosing between operations that share their words.

use std::process::Output;

use crate::products_table::PRODUCT_READS;
use crate::support::{Act, Server, TOKEN, cli};

/// `twilio-api --base-url http://localhost:PORT …`: each product's host is
/// `{label}.localhost:PORT`, which the client resolves to loopback itself.
fn run(server: &Server, args: &[&str]) -> Output {
    let port = server
        .origin()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    cli()
        .args([
            "--base-url",
            &format!("http://localhost:{port}"),
            "--max-retries",
            "0",
        ])
        .args(args)
        .output()
        .expect("the CLI runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The `Host` header of a request head.
fn host(head: &str) -> String {
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("host")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default()
}

/// The value of header `name` in a request head.
fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|line| {
        let (n, value) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

fn port(server: &Server) -> String {
    server
        .origin()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn every_product_reads_end_to_end() {
    assert_eq!(PRODUCT_READS.len(), 37);
    for read in PRODUCT_READS {
        let answer: &'static str = match read.items {
            Some(key) => Box::leak(
                format!(
                    r#"{{"meta": {{"page": 0, "page_size": 50, "key": "{key}", "next_page_url": null}}, "{key}": [{}]}}"#,
                    read.answer
                )
                .into_boxed_str(),
            ),
            None => read.answer,
        };
        let server = Server::start(vec![Act::Reply(200, answer)]);
        let output = run(&server, &[read.args, &["--output", "json"]].concat());
        assert!(
            output.status.success(),
            "{}: {}",
            read.product,
            text(&output.stderr)
        );
        let seen = server.seen();
        assert_eq!(seen.len(), 1, "{}", read.product);
        let request = &seen[0];
        assert_eq!(request.method, "GET", "{}", read.product);
        assert_eq!(
            host(&request.headers),
            format!("{}.localhost:{}", read.host, port(&server)),
            "{}",
            read.product
        );
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((request.target.as_str(), ""));
        assert_eq!(path, read.path, "{}", read.product);
        let query: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut expected: Vec<(String, String)> = read
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if read.items.is_some() {
            expected.push(("PageSize".to_owned(), "50".to_owned()));
        }
        assert_eq!(query, expected, "{}", read.product);
        let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let item: serde_json::Value = serde_json::from_str(read.answer).unwrap();
        match read.items {
            Some(_) => assert_eq!(printed, serde_json::json!([item]), "{}", read.product),
            None => assert_eq!(printed, item, "{}", read.product),
        }
    }
}

const VERIFICATION: &str = r#"{"sid": "VE0123456789abcdef0123456789abcdef", "to": "+15017122661", "channel": "sms", "status": "pending"}"#;
const SERVICE: &str = "VA0123456789abcdef0123456789abcdef";

#[test]
fn a_create_sends_its_form_and_prints_the_resource() {
    let server = Server::start(vec![Act::Reply(201, VERIFICATION)]);
    let output = run(
        &server,
        &[
            "verify",
            "v2",
            "services",
            "verifications",
            "create",
            "--service-sid",
            SERVICE,
            "--to",
            "+15017122661",
            "--channel",
            "sms",
            "--output",
            "csv",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(
        host(&seen[0].headers),
        format!("verify.localhost:{}", port(&server))
    );
    assert_eq!(
        seen[0].target,
        format!("/v2/Services/{SERVICE}/Verifications")
    );
    assert_eq!(seen[0].text(), "Channel=sms&To=%2B15017122661");
    let csv = text(&output.stdout);
    assert!(csv.contains("VE0123456789abcdef0123456789abcdef"), "{csv}");
    // A required flag missing, or a SID of the wrong kind: exit 2, nothing sent.
    for args in [
        &["--service-sid", SERVICE, "--to", "+15017122661"][..],
        &[
            "--service-sid",
            "MG0123456789abcdef0123456789abcdef",
            "--to",
            "+1",
            "--channel",
            "sms",
        ],
    ] {
        let output = run(
            &server,
            &[
                &["verify", "v2", "services", "verifications", "create"][..],
                args,
            ]
            .concat(),
        );
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    }
    assert_eq!(server.seen().len(), 1);
}

const CONTENT: &str = r#"{"sid": "HX0123456789abcdef0123456789abcdef", "friendly_name": "hello"}"#;

#[test]
fn a_json_bodied_create_sends_its_body_as_json_and_refuses_what_is_not() {
    let server = Server::start(vec![Act::Reply(201, CONTENT)]);
    let body =
        r#"{"friendly_name": "hello", "language": "en", "types": {"twilio/text": {"body": "Hi"}}}"#;
    let output = run(
        &server,
        &[
            "content",
            "v1",
            "content",
            "create",
            "--json-body",
            body,
            "--output",
            "json",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), format!("{CONTENT}\n"));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].target, "/v1/Content");
    assert_eq!(
        header(&seen[0].headers, "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(seen[0].text(), body);
    // From a file, with @.
    let dir = std::env::temp_dir().join(format!("twilio-cli-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body.json");
    std::fs::write(&file, body).unwrap();
    let at = format!("@{}", file.display());
    let output = run(
        &server,
        &["content", "v1", "content", "create", "--json-body", &at],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(server.seen()[1].text(), body);
    std::fs::remove_dir_all(&dir).unwrap();
    // Not JSON, or none where the body is required: exit 2 before any request.
    for args in [&["--json-body", "{friendly_name: hello"][..], &[]] {
        let output = run(
            &server,
            &[&["content", "v1", "content", "create"][..], args].concat(),
        );
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        assert!(
            text(&output.stderr).contains("--json-body"),
            "{}",
            text(&output.stderr)
        );
    }
    assert_eq!(server.seen().len(), 2);
}

const CONVERSATION: &str =
    r#"{"sid": "CH0123456789abcdef0123456789abcdef", "friendly_name": "Support"}"#;

#[test]
fn a_header_parameter_is_a_flag() {
    let server = Server::start(vec![Act::Reply(201, CONVERSATION)]);
    let output = run(
        &server,
        &[
            "conversations",
            "v1",
            "conversations",
            "create",
            "--friendly-name",
            "Support",
            "--x-twilio-webhook-enabled",
            "true",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let seen = server.seen();
    assert_eq!(seen[0].target, "/v1/Conversations");
    assert_eq!(
        header(&seen[0].headers, "x-twilio-webhook-enabled").as_deref(),
        Some("true")
    );
    assert_eq!(seen[0].text(), "FriendlyName=Support");
    assert!(text(&output.stdout).contains("CH0123456789abcdef0123456789abcdef"));
}

#[test]
fn a_dry_run_prints_the_write_and_sends_nothing() {
    let server = Server::start(vec![Act::Reply(201, VERIFICATION)]);
    let output = run(
        &server,
        &[
            "verify",
            "v2",
            "services",
            "verifications",
            "create",
            "--service-sid",
            SERVICE,
            "--to",
            "+15017122661",
            "--channel",
            "sms",
            "--dry-run",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        format!(
            "POST http://verify.localhost:{}/v2/Services/{SERVICE}/Verifications\n\
             Content-Type: application/x-www-form-urlencoded\n\nChannel=sms&To=%2B15017122661\n",
            port(&server)
        )
    );
    assert!(!text(&output.stdout).contains(TOKEN));
    assert!(!text(&output.stderr).contains(TOKEN));
    assert!(server.seen().is_empty());
}

const STATISTICS: &str =
    r#"{"account_sid": "AC0123456789abcdef0123456789abcdef", "cumulative": {}}"#;

#[test]
fn the_path_flags_given_choose_between_operations_sharing_their_words() {
    let server = Server::start(vec![Act::Reply(200, STATISTICS)]);
    let workspace = "WS0123456789abcdef0123456789abcdef";
    let worker = "WK0123456789abcdef0123456789abcdef";
    let words = [
        "taskrouter",
        "v1",
        "workspaces",
        "workers",
        "statistics",
        "fetch",
    ];
    let output = run(
        &server,
        &[&words[..], &["--workspace-sid", workspace]].concat(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let output = run(
        &server,
        &[
            &words[..],
            &["--workspace-sid", workspace, "--worker-sid", worker],
        ]
        .concat(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let targets: Vec<String> = server.seen().into_iter().map(|s| s.target).collect();
    assert_eq!(
        targets,
        [
            format!("/v1/Workspaces/{workspace}/Workers/Statistics"),
            format!("/v1/Workspaces/{workspace}/Workers/{worker}/Statistics"),
        ]
    );
}
