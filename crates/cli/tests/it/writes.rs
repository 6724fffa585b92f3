//! Writes from the command line: `create`, `update`, `remove`, `--dry-run`, and what each
//! exit code means (0 done, 2 refused before any request, 1 refused by Twilio, 3 outcome
//! unknown), against a loopback server that records what it reads.

use std::process::Output;
use std::time::Duration;

use crate::support::{ACCOUNT, Act, REQUEST_ID, Server, TOKEN, cli};

const MESSAGE: &str = r#"{"sid": "SM0123456789abcdef0123456789abcdef", "from": "+15005550001", "to": "+15005550006", "status": "queued", "direction": "outbound-api", "date_sent": null, "body": "Hi & 😀", "price": null, "num_segments": "1"}"#;
const SID: &str = "SM0123456789abcdef0123456789abcdef";
const CALL: &str = "CA0123456789abcdef0123456789abcdef";

fn run(server: &Server, args: &[&str]) -> Output {
    cli()
        .args(["--base-url", &server.origin(), "--max-retries", "2"])
        .args(args)
        .output()
        .expect("the CLI runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A create sends every flag under its spec name, in the spec's order, repeated flags as
/// repeated keys in the order given, and any text byte-exact; the resource comes back as
/// Twilio sent it (JSON, NDJSON) or in the spec's default columns (table, CSV).
#[test]
fn a_create_sends_the_form_byte_exact_and_prints_the_resource() {
    let server = Server::start(vec![Act::Reply(201, MESSAGE)]);
    let body = "Hi & bye = 100% #1 + 😀\n日本\r\nend";
    let output = run(
        &server,
        &[
            "messages",
            "create",
            "--to",
            "+15005550006",
            "--from",
            "+15005550001",
            "--body",
            body,
            "--media-url",
            "https://a.example/1?x=1&y=2",
            "--media-url",
            "https://a.example/2",
            "--provide-feedback",
            "true",
            "--validity-period",
            "600",
            "--max-price",
            "0.75",
            "--output",
            "json",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{MESSAGE}\n"));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.target,
        format!("/2010-04-01/Accounts/{ACCOUNT}/Messages.json")
    );
    assert!(
        request
            .headers
            .to_ascii_lowercase()
            .contains("content-type: application/x-www-form-urlencoded"),
        "{}",
        request.headers
    );
    assert_eq!(
        request.text(),
        "To=%2B15005550006&MaxPrice=0.75&ProvideFeedback=true&ValidityPeriod=600\
         &From=%2B15005550001&Body=Hi+%26+bye+%3D+100%25+%231+%2B+%F0%9F%98%80%0A\
         %E6%97%A5%E6%9C%AC%0D%0Aend\
         &MediaUrl=https%3A%2F%2Fa.example%2F1%3Fx%3D1%26y%3D2&MediaUrl=https%3A%2F%2Fa.example%2F2"
    );
    let fields: Vec<(String, String)> =
        form_urlencoded::parse(&request.body).into_owned().collect();
    assert_eq!(fields[5], ("Body".to_owned(), body.to_owned()));

    // The table: the spec's default columns for messages.
    let server = Server::start(vec![Act::Reply(201, MESSAGE)]);
    let output = run(
        &server,
        &[
            "messages", "create", "--to", "+1", "--from", "+2", "--body", "x",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["SID", "FROM", "TO", "STATUS", "DIRECTION", "DATE_SENT"]
    );
    assert!(table.contains(SID), "{table}");
    // CSV with chosen columns; NDJSON as sent.
    for (format, expected) in [
        ("csv", format!("sid,status\n{SID},queued\n")),
        ("ndjson", format!("{MESSAGE}\n")),
    ] {
        let server = Server::start(vec![Act::Reply(201, MESSAGE)]);
        let output = run(
            &server,
            &[
                "messages",
                "create",
                "--to",
                "+1",
                "--body",
                "x",
                "--from",
                "+2",
                "--output",
                format,
                "--properties",
                "sid,status",
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(stdout(&output), expected, "{format}");
    }
}

/// An indexed family is a flag per index (`--parameter1.name` … `--parameter99.value`), sent
/// in index order under the spec's names; a path SID goes in the path.
#[test]
fn an_indexed_family_is_a_flag_per_index() {
    let answer = r#"{"sid": "SR0123456789abcdef0123456789abcdef", "call_sid": "CA0123456789abcdef0123456789abcdef", "name": "x"}"#;
    let server = Server::start(vec![Act::Reply(201, answer)]);
    let output = run(
        &server,
        &[
            "calls",
            "siprec",
            "create",
            "--call-sid",
            CALL,
            "--parameter99.value",
            "last",
            "--parameter1.name",
            "a=b&c",
            "--parameter1.value",
            "1",
            "--name",
            "rec",
            "--output",
            "json",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{answer}\n"));
    let seen = server.seen();
    assert_eq!(
        seen[0].target,
        format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL}/Siprec.json")
    );
    assert_eq!(
        seen[0].text(),
        "Name=rec&Parameter1.Name=a%3Db%26c&Parameter1.Value=1&Parameter99.Value=last"
    );
    let help = cli()
        .args(["calls", "siprec", "create", "--help"])
        .output()
        .unwrap();
    let help = stdout(&help);
    assert!(help.contains("--parameter1.name"), "{help}");
    assert!(help.contains("--parameter99.name likewise"), "{help}");
    assert!(
        !help.contains("--parameter2.name <"),
        "the family is listed once: {help}"
    );
}

/// An update posts to the instance, an empty value included (`--body ""` redacts a message);
/// `--subaccount` writes in that account.
#[test]
fn an_update_posts_to_the_instance() {
    let server = Server::start(vec![Act::Reply(200, MESSAGE)]);
    let sub = "AC99999999999999999999999999999999";
    let output = run(
        &server,
        &[
            "messages",
            "update",
            "--sid",
            SID,
            "--body",
            "",
            "--subaccount",
            sub,
            "--output",
            "ndjson",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{MESSAGE}\n"));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(
        seen[0].target,
        format!("/2010-04-01/Accounts/{sub}/Messages/{SID}.json")
    );
    assert_eq!(seen[0].text(), "Body=");
}

/// A remove sends a `DELETE` with no body and prints nothing.
#[test]
fn a_remove_prints_nothing() {
    let server = Server::start(vec![Act::Reply(204, "")]);
    let output = run(&server, &["messages", "remove", "--sid", SID]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), "");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "DELETE");
    assert_eq!(
        seen[0].target,
        format!("/2010-04-01/Accounts/{ACCOUNT}/Messages/{SID}.json")
    );
    assert!(seen[0].body.is_empty());
}

/// `--dry-run` prints the method, the absolute URL and the body, sends nothing, and shows no
/// credential.
#[test]
fn a_dry_run_prints_the_request_and_sends_nothing() {
    let server = Server::start(vec![Act::Reply(201, MESSAGE)]);
    let output = run(
        &server,
        &[
            "messages",
            "create",
            "--to",
            "+15005550006",
            "--from",
            "+15005550001",
            "--body",
            "Hi & 😀",
            "--dry-run",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "POST {}/2010-04-01/Accounts/{ACCOUNT}/Messages.json\n\
             Content-Type: application/x-www-form-urlencoded\n\n\
             To=%2B15005550006&From=%2B15005550001&Body=Hi+%26+%F0%9F%98%80\n",
            server.origin()
        )
    );
    let output_remove = run(&server, &["calls", "remove", "--sid", CALL, "--dry-run"]);
    assert!(output_remove.status.success());
    assert_eq!(
        stdout(&output_remove),
        format!(
            "DELETE {}/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL}.json\n",
            server.origin()
        )
    );
    for output in [&output, &output_remove] {
        let all = format!("{}{}", stdout(output), stderr(output));
        assert!(
            !all.contains(TOKEN) && !all.contains("Authorization"),
            "{all}"
        );
    }
    assert!(server.seen().is_empty(), "{:?}", server.seen());
}

/// A dry run needs no credentials: nothing is sent. Without an account the URL shows
/// `AC000…000` and stderr says so; whatever is configured is still used (and never shown).
#[test]
fn a_dry_run_needs_no_credentials() {
    let write = [
        "messages",
        "create",
        "--to",
        "+15005550006",
        "--from",
        "+15005550001",
        "--body",
        "Hi",
        "--dry-run",
    ];
    let output = cli()
        .env_remove("TWILIO_ACCOUNT_SID")
        .env_remove("TWILIO_AUTH_TOKEN")
        .args(write)
        .output()
        .expect("the CLI runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "POST https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json\n\
         Content-Type: application/x-www-form-urlencoded\n\n\
         To=%2B15005550006&From=%2B15005550001&Body=Hi\n"
    );
    let said = stderr(&output);
    assert!(
        said.contains("dry run without TWILIO_ACCOUNT_SID"),
        "{said}"
    );
    assert!(said.contains("dry run without TWILIO_AUTH_TOKEN"), "{said}");
    // The account configured is used; the token missing is not needed.
    let output = cli()
        .env("TWILIO_ACCOUNT_SID", ACCOUNT)
        .env_remove("TWILIO_AUTH_TOKEN")
        .args([
            "verify",
            "v2",
            "services",
            "create",
            "--friendly-name",
            "My app",
            "--dry-run",
        ])
        .output()
        .expect("the CLI runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("POST https://verify.twilio.com/v2/Services\n"),
        "{}",
        stdout(&output)
    );
    assert!(!stderr(&output).contains("TWILIO_ACCOUNT_SID"));
    // Without --dry-run the same command is refused before any request.
    let output = cli()
        .env_remove("TWILIO_ACCOUNT_SID")
        .env_remove("TWILIO_AUTH_TOKEN")
        .args(&write[..write.len() - 1])
        .output()
        .expect("the CLI runs");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("TWILIO_ACCOUNT_SID is not set"));
}

/// Bad input is refused before any request, on one line naming the flag: exit 2.
#[test]
fn bad_input_exits_2_before_any_request() {
    let server = Server::start(vec![Act::Reply(201, MESSAGE)]);
    let cases: &[(&[&str], &str)] = &[
        (
            &["messages", "create", "--from", "+1", "--body", "x"],
            "--to is required",
        ),
        (&["messages", "update", "--body", "x"], "--sid is required"),
        (
            &[
                "messages",
                "update",
                "--sid",
                "CA0123456789abcdef0123456789abcdef",
                "--body",
                "x",
            ],
            "--sid",
        ),
        (&["messages", "remove", "--sid", "SM123"], "--sid"),
        (
            &[
                "messages",
                "create",
                "--to",
                "+1",
                "--from",
                "+2",
                "--body",
                "x",
                "--validity-period",
                "10s",
            ],
            "--validity-period: \"10s\" is not a whole number",
        ),
        (
            &[
                "messages",
                "create",
                "--to",
                "+1",
                "--from",
                "+2",
                "--body",
                "x",
                "--provide-feedback",
                "yes",
            ],
            "--provide-feedback: \"yes\" is not true or false",
        ),
        (
            &[
                "messages",
                "create",
                "--to",
                "+1",
                "--from",
                "+2",
                "--body",
                "x",
                "--max-price",
                "1,5",
            ],
            "--max-price: \"1,5\" is not a decimal number",
        ),
        (
            &[
                "messages",
                "create",
                "--to",
                "+1",
                "--from",
                "+2",
                "--body",
                "x",
                "--send-at",
                "tomorrow",
            ],
            "--send-at: \"tomorrow\" is not a date-time",
        ),
        (
            &[
                "messages",
                "create",
                "--to",
                "+1",
                "--from",
                "+2",
                "--messaging-service-sid",
                "MG1",
            ],
            "--messaging-service-sid",
        ),
        (
            &[
                "calls",
                "payments",
                "create",
                "--call-sid",
                CALL,
                "--idempotency-key",
                "k",
                "--status-callback",
                "https://x",
                "--parameter",
                "{not json",
            ],
            "--parameter: not JSON text",
        ),
        (
            &[
                "calls",
                "create",
                "--to",
                "+1",
                "--from",
                "+2",
                "--url",
                "https://x",
                "--timeout",
                "15s",
            ],
            "--timeout: \"15s\" is not a whole number",
        ),
        (
            &[
                "messages",
                "create",
                "--to",
                "+1",
                "--from",
                "+2",
                "--body",
                "x",
                "--subaccount",
                "nope",
            ],
            "--subaccount",
        ),
    ];
    for (args, says) in cases {
        let output = run(&server, args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    assert!(server.seen().is_empty(), "{:?}", server.seen());
}

/// Twilio refusing a write is exit 1: one line with Twilio's code, message and request id;
/// nothing on stdout, sent once.
#[test]
fn a_refused_write_exits_1_with_twilios_code_and_request_id() {
    let error = r#"{"code": 21211, "message": "The 'To' number +1 is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"#;
    let server = Server::start(vec![Act::Reply(400, error)]);
    let output = run(
        &server,
        &[
            "messages", "create", "--to", "+1", "--from", "+2", "--body", "x",
        ],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    for part in ["21211", "is not a valid phone number", REQUEST_ID] {
        assert!(err.contains(part), "{part}: {err}");
    }
    assert!(!err.contains("unknown"), "{err}");
    assert!(output.stdout.is_empty());
    assert_eq!(server.seen().len(), 1);
}

/// A write cut after it was sent, answered 5xx or timed out is exit 3, said in words, with
/// the request id when an answer came: it may have been applied, and was sent exactly once.
#[test]
fn a_write_of_unknown_outcome_exits_3_and_is_sent_once() {
    let failure = r#"{"code": 20500, "message": "Internal Server Error", "status": 500}"#;
    for (act, request_id) in [
        (Act::Cut, false),
        (Act::Reply(500, failure), true),
        (Act::Stall(Duration::from_secs(10)), false),
    ] {
        let server = Server::start(vec![act.clone()]);
        let started = std::time::Instant::now();
        let output = run(
            &server,
            &[
                "calls",
                "create",
                "--to",
                "+1",
                "--from",
                "+2",
                "--url",
                "https://x",
                "--timeout",
                "15",
                "--http-timeout",
                "1",
            ],
        );
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(3), "{act:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{act:?}: {err}");
        assert!(err.contains("outcome"), "{act:?}: {err}");
        assert!(
            err.contains("unknown") && err.contains("may have been applied"),
            "{err}"
        );
        assert_eq!(err.contains(REQUEST_ID), request_id, "{act:?}: {err}");
        let seen = server.seen();
        assert_eq!(seen.len(), 1, "{act:?}: sent once: {seen:?}");
        assert_eq!(seen[0].method, "POST");
        assert!(
            seen[0].text().contains("Timeout=15"),
            "{:?}",
            seen[0].text()
        );
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{act:?}: the HTTP timeout applied"
        );
        assert!(output.stdout.is_empty());
    }
}

/// A remove is retried like a read: a cut then a 204 is done, exit 0, after two DELETEs.
#[test]
fn a_remove_is_repeated_after_a_cut() {
    let server = Server::start(vec![Act::Cut, Act::Reply(204, "")]);
    let output = run(&server, &["calls", "remove", "--sid", CALL]);
    assert!(output.status.success(), "{}", stderr(&output));
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.method == "DELETE"));
}
