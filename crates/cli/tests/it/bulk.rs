//! Bulk creates: `--input` rows (CSV, NDJSON), one line per row, `--journal` and resuming
//! without sending any row twice, `--resend-unknown`, stop signals, and exit codes covering
//! every row.

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{ACCOUNT, Act, Server, cli};

const CREATED: &str = r#"{"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}"#;
const REFUSED: &str = r#"{"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}"#;
const FAILURE: &str = r#"{"code": 20500, "message": "Internal Server Error", "status": 500}"#;

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A scratch folder of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("twilio-api-cli-bulk-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `rows` rows of `to` numbers, `+1000000000N`, as CSV.
fn csv_rows(rows: usize) -> String {
    let mut text = "to,body\n".to_owned();
    for n in 1..=rows {
        text.push_str(&format!("+1000000000{n},\"Hi, number {n}\"\n"));
    }
    text
}

/// The `To` of each request the server read, in order.
fn tos(server: &Server) -> Vec<String> {
    server
        .seen()
        .iter()
        .map(|seen| {
            form_urlencoded::parse(&seen.body)
                .find(|(name, _)| name == "To")
                .map(|(_, to)| to.into_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn bulk(server: &Server, dir: &std::path::Path, extra: &[&str]) -> Output {
    cli()
        .args(["--base-url", &server.origin(), "--max-retries", "0"])
        .args(["messages", "create", "--from", "+15005550001"])
        .arg("--input")
        .arg(dir.join("rows.csv"))
        .arg("--journal")
        .arg(dir.join("journal.ndjson"))
        .args(["--concurrency", "1"])
        .args(extra)
        .output()
        .unwrap()
}

fn lines(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// One create per CSV row, the command line's flags applying to every row and a row's own
/// value winning; one NDJSON line per row, numbered from 1.
#[test]
fn every_row_is_one_create() {
    let dir = scratch("rows");
    std::fs::write(
        dir.join("rows.csv"),
        "to,body,from,media-url\n+10000000001,\"Hi, 😀 & =\",,https://a/1\n+10000000002,Two,+15005550009,\n",
    )
    .unwrap();
    let server = Server::start(vec![Act::Reply(201, CREATED)]);
    let output = cli()
        .args(["--base-url", &server.origin()])
        .args([
            "messages",
            "create",
            "--from",
            "+15005550001",
            "--concurrency",
            "1",
        ])
        .arg("--input")
        .arg(dir.join("rows.csv"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|s| s.target == format!("/2010-04-01/Accounts/{ACCOUNT}/Messages.json"))
    );
    assert_eq!(
        seen[0].text(),
        "To=%2B10000000001&From=%2B15005550001&Body=Hi%2C+%F0%9F%98%80+%26+%3D&MediaUrl=https%3A%2F%2Fa%2F1"
    );
    assert_eq!(
        seen[1].text(),
        "To=%2B10000000002&From=%2B15005550009&Body=Two"
    );
    let printed = lines(&output);
    assert_eq!(printed.len(), 2);
    for (n, line) in printed.iter().enumerate() {
        assert_eq!(line["row"], n + 1);
        assert_eq!(line["result"]["sid"], "SM0123456789abcdef0123456789abcdef");
    }
    // NDJSON input: arrays are repeated keys, null is no value; --output json is one array.
    std::fs::write(
        dir.join("rows.ndjson"),
        "{\"to\": \"+10000000003\", \"body\": \"x\", \"media-url\": [\"https://a/1\", \"https://a/2\"], \"status-callback\": null}\n\n{\"to\": \"+10000000004\", \"body\": \"y\", \"validity-period\": 60}\n",
    )
    .unwrap();
    let server = Server::start(vec![Act::Reply(201, CREATED)]);
    let output = cli()
        .args(["--base-url", &server.origin()])
        .args([
            "messages",
            "create",
            "--from",
            "+1",
            "--concurrency",
            "1",
            "--output",
            "json",
        ])
        .arg("--input")
        .arg(dir.join("rows.ndjson"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let texts: Vec<String> = server.seen().iter().map(|s| s.text()).collect();
    assert_eq!(
        texts,
        [
            "To=%2B10000000003&From=%2B1&Body=x&MediaUrl=https%3A%2F%2Fa%2F1&MediaUrl=https%3A%2F%2Fa%2F2",
            "To=%2B10000000004&ValidityPeriod=60&From=%2B1&Body=y",
        ]
    );
    let array: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(array.len(), 2);
    assert_eq!(array[1]["row"], 2);
    // A dry run prints every row's request and sends nothing.
    let server = Server::start(vec![Act::Reply(201, CREATED)]);
    let output = cli()
        .args(["--base-url", &server.origin()])
        .args(["messages", "create", "--from", "+1", "--dry-run", "--input"])
        .arg(dir.join("rows.ndjson"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).matches("POST http://").count(),
        2,
        "{}",
        stdout(&output)
    );
    assert!(server.seen().is_empty());
}

/// A column that is no flag, or a value not of its type in any row, is exit 2 before any
/// request.
#[test]
fn bad_rows_are_refused_before_any_request() {
    let dir = scratch("bad");
    let server = Server::start(vec![Act::Reply(201, CREATED)]);
    for (rows, says) in [
        ("to,bdy\n+1,x\n", "\"bdy\" is no flag of `messages create`"),
        (
            "to,validity-period\n+1,60\n+2,soon\n",
            "row 2: --validity-period: \"soon\" is not a whole number",
        ),
        ("body\nx\n", "row 1: --to is required"),
        ("to\n", "no row"),
    ] {
        std::fs::write(dir.join("rows.csv"), rows).unwrap();
        let output = bulk(&server, &dir, &[]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{rows:?}: {err}");
        assert!(err.contains(says), "{rows:?}: {err}");
    }
    assert!(server.seen().is_empty());
    // The bulk options need --input.
    for extra in [
        &["--journal", "j"][..],
        &["--concurrency", "2"],
        &["--input-format", "csv"],
    ] {
        let output = cli()
            .args([
                "messages",
                "create",
                "--to",
                "+1",
                "--from",
                "+2",
                "--body",
                "x",
                "--dry-run",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{extra:?}");
    }
    // The journal of another run is refused.
    std::fs::write(dir.join("rows.csv"), csv_rows(2)).unwrap();
    std::fs::write(
        dir.join("journal.ndjson"),
        "{\"journal\": \"twilio-api bulk\", \"command\": \"calls create\", \"rows\": 2}\n",
    )
    .unwrap();
    let output = bulk(&server, &dir, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("journal of another run"),
        "{}",
        stderr(&output)
    );
    assert!(server.seen().is_empty());
}

/// Each row's outcome: created, failed (Twilio refused it), unknown (5xx, cut); exit 3 wins.
/// A run resumed with the journal sends none of them again and its exit code covers them
/// all; `--resend-unknown` sends the unknown ones, once.
#[test]
fn outcomes_are_journalled_and_never_sent_twice() {
    let dir = scratch("outcomes");
    std::fs::write(dir.join("rows.csv"), csv_rows(5)).unwrap();
    let server = Server::start(vec![
        Act::Reply(201, CREATED),
        Act::Reply(400, REFUSED),
        Act::Reply(500, FAILURE),
        Act::Cut,
        Act::Reply(201, CREATED),
    ]);
    let output = bulk(&server, &dir, &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        err.contains("5 rows: 2 created, 1 failed, 2 of unknown outcome"),
        "{err}"
    );
    assert_eq!(tos(&server).len(), 5, "each row sent once");
    let printed = lines(&output);
    let outcome = |row: usize| {
        let line = printed.iter().find(|l| l["row"] == row).unwrap();
        line["outcome"].as_str().unwrap_or("created").to_owned()
    };
    assert_eq!(
        (1..=5).map(outcome).collect::<Vec<_>>(),
        ["created", "failed", "unknown", "unknown", "created"]
    );
    let refused = printed.iter().find(|l| l["row"] == 2).unwrap();
    assert_eq!(refused["error"]["code"], 21211);
    assert_eq!(refused["error"]["status"], 400);
    assert_eq!(refused["error"]["request_id"], crate::support::REQUEST_ID);

    // Resumed: nothing is sent again, and the exit code still says 3.
    let again = Server::start(vec![Act::Reply(201, CREATED)]);
    let output = bulk(&again, &dir, &[]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(again.seen().is_empty(), "{:?}", tos(&again));
    assert!(
        stderr(&output).contains("5 of them recorded by the journal"),
        "{}",
        stderr(&output)
    );

    // --resend-unknown: rows 3 and 4 only, once; row 2 stays failed (exit 1).
    let output = bulk(&again, &dir, &["--resend-unknown"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(tos(&again), ["+10000000003", "+10000000004"]);
    let output = bulk(&again, &dir, &["--resend-unknown"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(tos(&again).len(), 2, "nothing more");
}

/// Killed (SIGKILL) while a row is in flight, then resumed: the rows done are not sent again,
/// the one in flight is unknown (not sent again unless asked), the rest are sent once.
#[test]
fn a_killed_run_resumes_without_sending_a_row_twice() {
    let dir = scratch("killed");
    std::fs::write(dir.join("rows.csv"), csv_rows(5)).unwrap();
    let server = Server::start(vec![
        Act::Reply(201, CREATED),
        Act::Reply(201, CREATED),
        Act::Stall(Duration::from_secs(60)),
    ]);
    let mut child = cli()
        .args(["--base-url", &server.origin(), "--max-retries", "0"])
        .args([
            "messages",
            "create",
            "--from",
            "+15005550001",
            "--concurrency",
            "1",
        ])
        .arg("--input")
        .arg(dir.join("rows.csv"))
        .arg("--journal")
        .arg(dir.join("journal.ndjson"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.seen().len() < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the third row never came"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let again = Server::start(vec![Act::Reply(201, CREATED)]);
    let output = bulk(&again, &dir, &[]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert_eq!(tos(&again), ["+10000000004", "+10000000005"]);
    let output = bulk(&again, &dir, &["--resend-unknown"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        tos(&again),
        ["+10000000004", "+10000000005", "+10000000003"]
    );
}

/// SIGTERM: nothing new starts, the row in flight finishes and is journalled, exit 1; the
/// next run sends the rest, once.
#[cfg(unix)]
#[test]
fn a_stopped_run_finishes_what_is_in_flight_and_resumes() {
    let dir = scratch("stopped");
    std::fs::write(dir.join("rows.csv"), csv_rows(4)).unwrap();
    let server = Server::start(vec![Act::Late(Duration::from_millis(700), 201, CREATED)]);
    let child = cli()
        .args(["--base-url", &server.origin(), "--max-retries", "0"])
        .args([
            "messages",
            "create",
            "--from",
            "+15005550001",
            "--concurrency",
            "1",
        ])
        .arg("--input")
        .arg(dir.join("rows.csv"))
        .arg("--journal")
        .arg(dir.join("journal.ndjson"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.seen().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the first row never came"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("stopped by SIGTERM"), "{err}");
    let done = tos(&server);
    assert_eq!(
        lines(&output).len(),
        done.len(),
        "every row sent is printed"
    );
    assert!(done.len() < 4, "{done:?}");
    let again = Server::start(vec![Act::Reply(201, CREATED)]);
    let output = bulk(&again, &dir, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut all = done.clone();
    all.extend(tos(&again));
    assert_eq!(
        all,
        [
            "+10000000001",
            "+10000000002",
            "+10000000003",
            "+10000000004"
        ]
    );
}

/// Calls payments take an `Input` parameter: `--input` is it there, and the bulk input is
/// `--bulk-input`.
#[test]
fn payments_keep_their_input_parameter() {
    let dir = scratch("payments");
    let call = "CA0123456789abcdef0123456789abcdef";
    let base = [
        "calls",
        "payments",
        "create",
        "--call-sid",
        call,
        "--idempotency-key",
        "k1",
        "--status-callback",
        "https://x",
        "--dry-run",
    ];
    let output = cli().args(base).args(["--input", "dtmf"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("&Input=dtmf"),
        "{}",
        stdout(&output)
    );
    std::fs::write(
        dir.join("rows.csv"),
        "idempotency-key,input\nk1,dtmf\nk2,dtmf\n",
    )
    .unwrap();
    let output = cli()
        .args(base)
        .arg("--bulk-input")
        .arg(dir.join("rows.csv"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).matches("&Input=dtmf").count(),
        2,
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("IdempotencyKey=k2"),
        "{}",
        stdout(&output)
    );
}

/// A row answered 429 waits behind the client's limiter and goes again: it never ends as
/// failed for it, and no other row is sent twice.
#[test]
fn a_429_is_waited_out_not_failed() {
    let dir = scratch("limited");
    std::fs::write(dir.join("rows.csv"), csv_rows(2)).unwrap();
    let limited = r#"{"code": 20429, "message": "Too Many Requests", "status": 429}"#;
    let server = Server::start(vec![
        Act::Reply(429, limited),
        Act::Reply(201, CREATED),
        Act::Reply(201, CREATED),
    ]);
    let output = bulk(&server, &dir, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        tos(&server),
        ["+10000000001", "+10000000001", "+10000000002"]
    );
    assert_eq!(lines(&output).len(), 2);
}
