//! The commands generated from the spec, by hand where a table cannot say it: filters are
//! sent as Twilio expects them, bad input stops before any request, columns are chosen, and
//! the pipeline of docs/cli.md (find calls, then export their events) works with the CLI alone.
use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use twilio_e2e::cli_command;
use twilio_sandbox::Sandbox;

async fn sandbox() -> Sandbox {
    Sandbox::builder().start().await.unwrap()
}

fn cli(sandbox: &Sandbox) -> Command {
    let mut command = cli_command(sandbox.account_sid(), sandbox.auth_token());
    command.args(["--base-url", sandbox.base_url()]);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run(mut command: Command) -> Output {
    command.output().expect("the CLI runs")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_filter_kind_is_encoded_as_twilio_expects() {
    let sandbox = sandbox().await;
    let call = sandbox.call_sids().first().cloned().unwrap();
    let mut command = cli(&sandbox);
    command.args([
        "calls",
        "list",
        "--status",
        "completed",
        "--start-time-after",
        "2024-01-01",
        "--end-time-before",
        "2024-03-01T12:30:05Z",
        "--to",
        "+15551234567",
        "--parent-call-sid",
        &call,
        "--output",
        "ndjson",
    ]);
    let out = run(command);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut command = cli(&sandbox);
    command.args([
        "incoming-phone-numbers",
        "list",
        "--beta",
        "false",
        "--friendly-name",
        "a b&c",
        "--output",
        "ndjson",
    ]);
    let out = run(command);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let queries: Vec<String> = sandbox
        .requests()
        .into_iter()
        .map(|r| r.path_and_query)
        .collect();
    assert!(
        queries[0].ends_with(&format!(
            "/Calls.json?To=%2B15551234567&ParentCallSid={call}&Status=completed&StartTime%3E=2024-01-01&EndTime%3C=2024-03-01T12%3A30%3A05Z&PageSize=50"
        )),
        "{queries:?}"
    );
    assert!(
        queries[1]
            .ends_with("/IncomingPhoneNumbers.json?Beta=false&FriendlyName=a+b%26c&PageSize=50"),
        "{queries:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_are_honoured_end_to_end() {
    let sandbox = sandbox().await;
    let mut command = cli(&sandbox);
    command.args([
        "calls",
        "list",
        "--status",
        "completed",
        "--output",
        "ndjson",
        "--page-size",
        "7",
    ]);
    let out = run(command);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        rows.len() > 7,
        "several pages of completed calls: {}",
        rows.len()
    );
    assert!(rows.iter().all(|r| r["status"] == "completed"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_exit_2_before_any_request() {
    let sandbox = sandbox().await;
    for args in [
        vec![
            "calls",
            "recordings",
            "list",
            "--call-sid",
            "REaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ],
        vec!["calls", "list", "--start-time-after", "2024-13-01"],
        vec!["calls", "list", "--start-time-after", "yesterday"],
        vec!["incoming-phone-numbers", "list", "--beta", "maybe"],
        vec!["calls", "list", "--no-such-flag"],
        vec!["calls", "fetch"],
    ] {
        let mut command = cli(&sandbox);
        command.args(&args);
        let out = run(command);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            !text(&out.stderr).trim().is_empty(),
            "{args:?} says what was expected"
        );
    }
    assert!(sandbox.requests().is_empty(), "no request was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_and_table_show_the_default_or_chosen_columns() {
    let sandbox = sandbox().await;
    let mut command = cli(&sandbox);
    command.args(["calls", "list", "--limit", "2", "--output", "csv"]);
    let out = run(command);
    let csv = text(&out.stdout);
    assert_eq!(
        csv.lines().next(),
        Some("sid,from,to,status,start_time"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3);
    let mut command = cli(&sandbox);
    command.args([
        "calls",
        "list",
        "--limit",
        "2",
        "--output",
        "table",
        "--properties",
        "sid,price",
        "--no-header",
    ]);
    let out = run(command);
    let table = text(&out.stdout);
    assert_eq!(table.lines().count(), 2, "{table}");
    assert!(table.lines().all(|l| l.starts_with("CA")), "{table}");
    let call = sandbox.call_sids().first().cloned().unwrap();
    let mut command = cli(&sandbox);
    command.args([
        "calls",
        "fetch",
        "--sid",
        &call,
        "--output",
        "csv",
        "--properties",
        "sid,status",
    ]);
    let out = run(command);
    assert!(
        text(&out.stdout).starts_with(&format!("sid,status\n{call},")),
        "{}",
        text(&out.stdout)
    );
}

/// The six commands under `sip domains auth` (whose parents in the spec have no default
/// columns) show `sid` and `friendly_name`; an empty list's CSV still has its header.
#[tokio::test(flavor = "multi_thread")]
async fn the_sip_domain_auth_mappings_have_columns() {
    let sandbox = sandbox().await;
    for words in [
        "calls credential-list-mappings",
        "calls ip-access-control-list-mappings",
        "registrations credential-list-mappings",
    ] {
        for verb in ["list", "fetch"] {
            let mut command = cli_command("AC00000000000000000000000000000000", "unused");
            command.args(["--sandbox", "sip", "domains", "auth"]);
            command.args(words.split(' ')).arg(verb);
            command.args(["--output", "csv"]);
            let out = run(command);
            assert!(
                out.status.success(),
                "{words} {verb}: {}",
                text(&out.stderr)
            );
            let csv = text(&out.stdout);
            let mut lines = csv.lines();
            assert_eq!(
                lines.next(),
                Some("sid,friendly_name"),
                "{words} {verb}: {csv}"
            );
            let row = lines.next().unwrap_or_default();
            assert!(row.len() > "sid,".len() + 34, "{words} {verb}: {csv}");
        }
    }
    // An empty list still names its columns.
    let mut command = cli(&sandbox);
    command.args(["calls", "list", "--to", "+19995550000", "--output", "csv"]);
    let out = run(command);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "sid,from,to,status,start_time\n");
}

/// The pipeline of docs/cli.md: the completed calls of a period, then all their events, with the
/// CLI alone.
#[test]
fn the_readme_pipeline_finds_calls_then_exports_their_events() {
    let find = cli_command("AC00000000000000000000000000000000", "unused")
        .args([
            "--sandbox",
            "calls",
            "list",
            "--status",
            "completed",
            "--start-time-after",
            "2022-01-01",
            "--properties",
            "sid",
            "--output",
            "csv",
            "--no-header",
        ])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(find.status.success(), "{}", text(&find.stderr));
    let sids = text(&find.stdout);
    assert!(sids.lines().count() >= 2, "{sids}");
    let mut export = cli_command("AC00000000000000000000000000000000", "unused")
        .args([
            "--sandbox",
            "calls",
            "events",
            "list",
            "--call-sid",
            "-",
            "--output",
            "ndjson",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    export
        .stdin
        .take()
        .unwrap()
        .write_all(sids.as_bytes())
        .unwrap();
    let out = export.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut seen = std::collections::BTreeSet::new();
    for line in text(&out.stdout).lines() {
        let labelled: serde_json::Value = serde_json::from_str(line).unwrap();
        seen.insert(labelled["call_sid"].as_str().unwrap().to_owned());
    }
    let expected: std::collections::BTreeSet<String> = sids.lines().map(str::to_owned).collect();
    assert_eq!(seen, expected, "every call found has its events exported");
}
