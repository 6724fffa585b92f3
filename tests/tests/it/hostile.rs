//! The built `twilio-api` binary against hostile servers and careless environments (issue 14):
//! a loopback server run by each test (`loopback.rs`) serves crafted pages (pretty-printed
//! JSON, numbers no float holds, links that lead back in another spelling, links with
//! passwords, 100 KB links, bidirectional overrides, spreadsheet formulas), and the slow
//! sandbox stands in for a listing that is stopped by SIGTERM or SIGHUP, or that writes to an
//! unusable stdout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use twilio_e2e::{cli_binary, cli_command};
use twilio_sandbox::Sandbox;

use crate::loopback::{Act, Server};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const CALL: &str = "CAfedcba9876543210fedcba9876543210";
const SECRET: &str = "hunter2-secret";

/// The path of the call's events, as the CLI requests it.
fn events_path() -> String {
    format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL}/Events.json")
}

/// Runs the CLI on the call's events against `base_url`, with `args` after the command.
async fn list(base_url: &str, args: &[&str]) -> Output {
    list_with(base_url, args, |_| {}).await
}

async fn list_with(base_url: &str, args: &[&str], tweak: impl FnOnce(&mut Command)) -> Output {
    let mut command = cli_command(ACCOUNT, "token");
    command
        .args(["calls", "events", "list", "--call-sid", CALL])
        .args(["--base-url", base_url, "--max-retries", "0"])
        .args(args);
    tweak(&mut command);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A page body: `events` (raw JSON texts), its own `uri` and its `next_page_uri`.
fn page(events: &[&str], uri: &str, next: Option<&str>) -> String {
    let next = next.map_or("null".to_owned(), |n| serde_json::to_string(n).unwrap());
    format!(
        r#"{{"events": [{}], "uri": {}, "next_page_uri": {next}, "page_size": 2}}"#,
        events.join(","),
        serde_json::to_string(uri).unwrap()
    )
}

fn event(n: u32) -> String {
    format!(r#"{{"request": {{"method": "POST", "url": "https://example.com/{n}"}}}}"#)
}

// ---------------------------------------------------------------------------------------
// 1. NDJSON is exactly the JSON the API sent, even pretty-printed; no number fails a page.

/// Pretty-printed events (LF and CRLF) with numbers that `serde_json::Value` changes or
/// refuses: `-0`, an integer beyond u64, `1e400`.
const PRETTY: [&str; 2] = [
    "{\n  \"request\": {\n    \"method\": \"POST\",\n    \"url\": \"https://example.com/a\"\n  },\n  \
     \"response\": {\n    \"response_code\": 201,\n    \"request_duration\": 7,\n    \
     \"x_zero\": -0,\n    \"x_big\": 123456789012345678901234567890,\n    \"x_huge\": 1e400,\n    \
     \"x_text\": \"two\\nlines \\u2028 \\\" \\\\\"\n  }\n}",
    "{\r\n\t\"request\": {\"method\": \"GET\", \"url\": \"https://example.com/b\"},\r\n\t\
     \"response\": {\"response_code\": -1e400, \"request_duration\": 1e400, \"x\": [1.0, -0.0e0]}\r\n}",
];

async fn pretty_server() -> Server {
    let body = format!(
        "{{\n  \"events\": [\n{}\n  ],\n  \"uri\": \"{}?PageSize=50&Page=0\",\n  \"next_page_uri\": null,\n  \"page\": 0\n}}\n",
        PRETTY.join(",\n"),
        events_path()
    );
    Server::start_with(move |_, _, _| Act::json(body.clone())).await
}

#[tokio::test]
async fn ndjson_of_pretty_printed_pages_is_the_sent_json_on_one_line() {
    let server = pretty_server().await;
    let out = list(&server.origin(), &["--output", "ndjson"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected: Vec<String> = PRETTY
        .iter()
        .map(|e| e.replace(['\r', '\n'], " "))
        .collect();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, expected, "byte for byte but for line breaks");
    // Whitespace is all that changed: every value is the one sent.
    assert!(lines[0].contains("\"x_zero\": -0,"), "{}", lines[0]);
    assert!(lines[0].contains("123456789012345678901234567890"));
    assert!(lines[0].contains("1e400") && lines[1].contains("-1e400"));
}

#[tokio::test]
async fn numbers_no_float_holds_fail_no_output_format() {
    let server = pretty_server().await;
    let json = list(&server.origin(), &["--output", "json"]).await;
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    assert_eq!(
        stdout(&json),
        format!("[\n{}\n]\n", PRETTY.join(",\n")),
        "JSON passes each event through verbatim"
    );
    let csv = list(&server.origin(), &["--output", "csv"]).await;
    assert_eq!(csv.status.code(), Some(0), "{}", stderr(&csv));
    assert_eq!(
        stdout(&csv),
        "time,method,url,response_code,duration_ms\n\
         ,POST,https://example.com/a,201,7\n\
         ,GET,https://example.com/b,,\n",
        "a number that fits no column leaves it empty"
    );
    let table = list(&server.origin(), &["--output", "table"]).await;
    assert_eq!(table.status.code(), Some(0), "{}", stderr(&table));
    let text = stdout(&table);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("https://example.com/b"), "{text}");
}

// ---------------------------------------------------------------------------------------
// 2. No page is delivered twice, however its link or its own `uri` spells it.

#[tokio::test]
async fn a_link_back_with_reordered_parameters_is_a_cycle() {
    let path = events_path();
    let server = Server::start_with(move |target, _, _| {
        let query = target.split_once('?').map_or("", |(_, q)| q);
        let (events, uri, next) = match query {
            // The first request, and the same page spelt as Twilio does.
            "PageSize=2" | "PageSize=2&Page=0" | "Page=0&PageSize=2" => (
                [event(1), event(2)],
                "PageSize=2&Page=0",
                Some("PageSize=2&Page=1&PageToken=PT1"),
            ),
            "PageSize=2&Page=1&PageToken=PT1" => (
                [event(3), event(4)],
                "PageSize=2&Page=1&PageToken=PT1",
                // Back to the first page, its parameters in another order.
                Some("Page=0&PageSize=2"),
            ),
            _ => return Act::json(page(&[], "", None)),
        };
        let events = events.each_ref().map(String::as_str);
        Act::json(page(
            &events,
            &format!("{path}?{uri}"),
            next.map(|n| format!("{path}?{n}")).as_deref(),
        ))
    })
    .await;
    let out = list(
        &server.origin(),
        &["--output", "ndjson", "--page-size", "2"],
    )
    .await;
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(
        lines,
        [event(1), event(2), event(3), event(4)],
        "every event once: {}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already fetched"), "{}", stderr(&out));
    assert_eq!(server.targets().len(), 2, "{:?}", server.targets());
}

#[tokio::test]
async fn a_page_whose_own_uri_names_a_delivered_page_is_not_delivered_again() {
    let path = events_path();
    let server = Server::start_with(move |target, _, _| {
        let query = target.split_once('?').map_or("", |(_, q)| q);
        let events = [event(1), event(2)];
        let events = events.each_ref().map(String::as_str);
        let (uri, next) = match query {
            "PageSize=2" => ("PageSize=2&Page=0", "PageSize=2&Page=1&PageToken=PT1"),
            // A fresh link answered with the first page again: its own `uri` says so (in
            // another spelling); its link is fresh too.
            _ => ("Page=0&PageSize=2", "PageSize=2&Page=1&PageToken=PT2"),
        };
        Act::json(page(
            &events,
            &format!("{path}?{uri}"),
            Some(&format!("{path}?{next}")),
        ))
    })
    .await;
    let out = list(
        &server.origin(),
        &["--output", "ndjson", "--page-size", "2"],
    )
    .await;
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines, [event(1), event(2)], "once: {}", stderr(&out));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("already delivered"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(server.targets().len(), 2, "{:?}", server.targets());
}

// ---------------------------------------------------------------------------------------
// 3. SIGTERM and SIGHUP stop the listing like Ctrl-C.

/// Lists the slow sandbox's big call in `format`, sends `signal` after the third page
/// request, and returns the output and the sandbox.
async fn interrupted(signal: &str, format: &str) -> (Output, Sandbox, String) {
    let sandbox = Sandbox::builder()
        .seed(11)
        .calls(1)
        .call_with_events(120)
        .latency(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let call = sandbox.call_sids().last().unwrap().clone();
    let mut child = cli_command(sandbox.account_sid(), sandbox.auth_token())
        .args(["calls", "events", "list", "--call-sid", &call])
        .args(["--page-size", "10", "--output", format])
        .args(["--base-url", sandbox.base_url()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while sandbox.stats().requests < 3 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("twilio-api exited before the signal: {status}");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("twilio-api did not reach its third page within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    (out, sandbox, call)
}

/// The `--from-page` URI of the resume hint in `err`.
fn resume_uri(err: &str) -> String {
    err.split("--from-page '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no resume hint in {err:?}"))
        .to_owned()
}

/// Resumes at `uri` and checks that the two runs hold every event once, in order.
async fn resume_completes(
    sandbox: &Sandbox,
    call: &str,
    written: Vec<serde_json::Value>,
    uri: &str,
) {
    let mut command = cli_command(sandbox.account_sid(), sandbox.auth_token());
    command
        .args(["calls", "events", "list", "--call-sid", call])
        .args(["--output", "ndjson", "--base-url", sandbox.base_url()])
        .args(["--from-page", uri]);
    let resumed = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    let mut joined = written;
    joined.extend(
        stdout(&resumed)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()),
    );
    assert_eq!(
        joined,
        sandbox.events_json(call).unwrap(),
        "nothing missing or doubled"
    );
}

#[tokio::test]
async fn sigterm_keeps_whole_lines_and_says_where_to_resume() {
    let (out, sandbox, call) = interrupted("TERM", "ndjson").await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.ends_with('\n'), "whole lines: {text:?}");
    let written: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let all = sandbox.events_json(&call).unwrap();
    assert!(
        !written.is_empty() && written.len() < all.len(),
        "{}",
        written.len()
    );
    assert_eq!(written, all[..written.len()]);
    let err = stderr(&out);
    assert!(err.contains("SIGTERM"), "{err}");
    resume_completes(&sandbox, &call, written, &resume_uri(&err)).await;
}

#[tokio::test]
async fn sighup_closes_the_json_array_and_says_where_to_resume() {
    let (out, sandbox, call) = interrupted("HUP", "json").await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let written: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let all = sandbox.events_json(&call).unwrap();
    assert!(
        !written.is_empty() && written.len() < all.len(),
        "{}",
        written.len()
    );
    let err = stderr(&out);
    assert!(err.contains("SIGHUP"), "{err}");
    resume_completes(&sandbox, &call, written, &resume_uri(&err)).await;
}

// ---------------------------------------------------------------------------------------
// 4. No error or log line shows URL userinfo.

#[tokio::test]
async fn no_error_or_log_line_shows_url_userinfo() {
    let path = events_path();
    let server_path = path.clone();
    let server = Server::start_with(move |target, _, origin| {
        let path = &server_path;
        let next = if target.contains("foreign") {
            format!("https://user:{SECRET}@evil.example{path}?Page=1")
        } else {
            // Same origin, with credentials: refused, not followed.
            let host = origin.trim_start_matches("http://");
            format!("http://user:{SECRET}@{host}{path}?Page=1")
        };
        Act::json(page(&[&event(1)], &format!("{path}?Page=0"), Some(&next)))
    })
    .await;
    let base = server.origin();
    let with_password = base.replace("http://", &format!("http://user:{SECRET}@"));
    let from_page = |uri: String| vec!["--from-page".to_owned(), uri];
    let runs = [
        // Given by the user.
        (&base, from_page(format!("{with_password}{path}?Page=3")), 2),
        (
            &base,
            from_page(format!("//user:{SECRET}@evil.example/x")),
            2,
        ),
        (&with_password, vec![], 2),
        // Given by the server.
        (&base, from_page(format!("{path}?foreign")), 1),
        (&base, from_page(format!("{path}?same")), 1),
    ];
    for (base_url, args, code) in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = list_with(base_url, &args, |c| {
            c.env("RUST_LOG", "trace");
        })
        .await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(!err.contains(SECRET), "{args:?}: {err}");
        assert!(!stdout(&out).contains(SECRET), "{args:?}");
        assert!(err.contains("twilio-api: error"), "{args:?}: {err}");
    }
}

// ---------------------------------------------------------------------------------------
// 5. An unusable stdout fails the export.

async fn slow_sandbox() -> (Sandbox, String) {
    let sandbox = Sandbox::builder()
        .seed(3)
        .calls(1)
        .call_with_events(30)
        .start()
        .await
        .unwrap();
    let call = sandbox.call_sids().last().unwrap().clone();
    (sandbox, call)
}

/// Runs the export to the sandbox through `sh -c SCRIPT`, where `"$@"` is the command.
async fn export_through_shell(sandbox: &Sandbox, call: &str, script: &str) -> Output {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(script)
        .arg(cli_binary())
        .args(["calls", "events", "list", "--call-sid", call])
        .args(["--output", "ndjson", "--base-url", sandbox.base_url()])
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET")
        .env("TWILIO_ACCOUNT_SID", sandbox.account_sid())
        .env("TWILIO_AUTH_TOKEN", sandbox.auth_token())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_closed_stdout_fails_the_export() {
    let (sandbox, call) = slow_sandbox().await;
    let out = export_through_shell(&sandbox, &call, r#"exec "$0" "$@" >&-"#).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("stdout"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(sandbox.stats().requests, 0, "nothing fetched for nobody");
}

#[tokio::test]
async fn a_stdout_sent_to_dev_null_is_a_deliberate_discard() {
    let (sandbox, call) = slow_sandbox().await;
    let out = export_through_shell(&sandbox, &call, r#"exec "$0" "$@" >/dev/null"#).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(sandbox.stats().requests > 0);
}

#[tokio::test]
async fn a_read_only_stdout_fails_the_export() {
    let (sandbox, call) = slow_sandbox().await;
    let out = export_through_shell(&sandbox, &call, r#"exec "$0" "$@" 1</dev/null"#).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("stdout"), "{err}");
    assert_eq!(sandbox.stats().requests, 0);
}

#[tokio::test]
async fn a_full_stdout_fails_the_export() {
    let (sandbox, call) = slow_sandbox().await;
    let out = export_through_shell(&sandbox, &call, r#"exec "$0" "$@" >/dev/full"#).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("stdout"), "{err}");
    assert!(err.contains("No space left"), "{err}");
}

// ---------------------------------------------------------------------------------------
// While there: bounded error lines, safe text in the table and in CSV, port 0.

/// The longest error line the tests accept (the CLI's bound, with room to spare).
const MAX_LINE: usize = 2048;

#[tokio::test]
async fn a_100_kb_link_makes_a_bounded_error_line() {
    let path = events_path();
    let long = format!("https://evil.example/{}", "x".repeat(100 * 1024));
    let server = Server::start_with(move |_, _, _| {
        Act::json(page(&[&event(1)], &format!("{path}?Page=0"), Some(&long)))
    })
    .await;
    let out = list(&server.origin(), &["--output", "ndjson"]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.len() <= MAX_LINE, "{} bytes", err.len());
    assert!(err.contains("another origin"), "{err}");
    assert!(err.contains("characters not shown"), "{err}");
}

#[tokio::test]
async fn a_200_kb_twilio_error_message_makes_a_bounded_error_line() {
    let message = format!(
        "{}\u{202e}{}",
        "m".repeat(100 * 1024),
        "n".repeat(100 * 1024)
    );
    let body = serde_json::json!({"code": 20500, "message": message, "status": 400}).to_string();
    let server =
        Server::start_with(move |_, _, _| Act::Reply(400, &[], body.clone().into_bytes())).await;
    let out = list(&server.origin(), &["--output", "ndjson"]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.len() <= MAX_LINE, "{} bytes", err.len());
    assert!(err.contains("20500") && err.contains("400"), "{err}");
    assert!(
        err.contains("--from-page"),
        "the hint survives the cut: {err}"
    );
    assert!(!err.contains('\u{202e}'));
}

/// Bidirectional controls of every kind, and spreadsheet formulas, in server text.
const BIDI: [char; 12] = [
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
];

async fn text_server() -> Server {
    let path = events_path();
    let bidi: String = BIDI.iter().collect();
    let events = [
        serde_json::json!({"request": {"method": "GET", "url": format!("https://example.com/{bidi}txt.exe")},
                           "response": {"date_created": "=HYPERLINK(\"http://evil.example\")"}}),
        serde_json::json!({"request": {"method": "@SUM(A1)", "url": "+cmd|' /C calc'!A0"},
                           "response": {"date_created": "-2+3+cmd|' /C calc'!A0"}}),
        serde_json::json!({"request": {"method": "\tPOST", "url": "\r=1+1"},
                           "response": {"date_created": "+15551234567"}}),
    ]
    .map(|e| e.to_string());
    let events = events.each_ref().map(String::as_str);
    let body = page(&events, &format!("{path}?Page=0"), None);
    Server::start_with(move |_, _, _| Act::json(body.clone())).await
}

#[tokio::test]
async fn the_table_neutralises_bidirectional_overrides() {
    let server = text_server().await;
    let out = list(&server.origin(), &["--output", "table"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains(BIDI), "{text:?}");
    assert!(text.contains("https://example.com/"), "{text}");
}

#[tokio::test]
async fn csv_cells_a_spreadsheet_would_run_are_quoted_away() {
    let server = text_server().await;
    let out = list(&server.origin(), &["--output", "csv"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains(BIDI), "{text:?}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']) || cell == "+15551234567",
            "{cell:?} in {text}"
        );
    }
    assert_eq!(rows[0][0], "'=HYPERLINK(\"http://evil.example\")");
    assert_eq!(rows[1][1], "'@SUM(A1)");
    assert_eq!(rows[1][2], "'+cmd|' /C calc'!A0");
    assert_eq!(rows[1][0], "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(
        rows[2][0], "+15551234567",
        "a phone number stays a phone number"
    );
    assert_eq!(rows[2][1], " POST", "a tab is a control character: a blank");
    assert_eq!(rows[2][2], "' =1+1");
}

#[tokio::test]
async fn a_base_url_with_port_0_is_bad_input() {
    let out = list("http://127.0.0.1:0", &["--output", "ndjson"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("port"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}
