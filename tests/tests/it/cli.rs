//! The built `twilio-api` binary against the sandbox, over real loopback sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use twilio_e2e::{cli_binary, cli_command};
use twilio_sandbox::Sandbox;

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .seed(11)
        .calls(3)
        .call_with_events(120)
        .start()
        .await
        .unwrap()
}

/// Runs the CLI with the sandbox's credentials in its environment (and nothing else of ours).
async fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    let mut command = cli_command(sandbox.account_sid(), sandbox.auth_token());
    command.args(args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn big_call(sandbox: &Sandbox) -> String {
    sandbox.call_sids().last().unwrap().clone()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[tokio::test]
async fn ndjson_is_every_event_exactly_as_sent() {
    let sandbox = sandbox().await;
    let call = big_call(&sandbox);
    let base = sandbox.base_url().to_owned();
    let out = run(
        &sandbox,
        &[
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--page-size",
            "25",
            "--output",
            "ndjson",
            "--base-url",
            &base,
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, sandbox.events_json(&call).unwrap());
}

#[tokio::test]
async fn global_options_go_before_or_after_the_subcommand() {
    let sandbox = sandbox().await;
    let call = big_call(&sandbox);
    let base = sandbox.base_url().to_owned();
    let before = run(
        &sandbox,
        &[
            "--base-url",
            &base,
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--output",
            "json",
        ],
    )
    .await;
    let after = run(
        &sandbox,
        &[
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--output",
            "json",
            "--base-url",
            &base,
        ],
    )
    .await;
    assert!(before.status.success(), "{}", stderr(&before));
    assert_eq!(before.stdout, after.stdout);
    let all: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 120);
}

#[tokio::test]
async fn limit_and_csv() {
    let sandbox = sandbox().await;
    let call = big_call(&sandbox);
    let base = sandbox.base_url().to_owned();
    let out = run(
        &sandbox,
        &[
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--limit",
            "5",
            "--output",
            "csv",
            "--base-url",
            &base,
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("time,method,url,response_code,duration_ms")
    );
    assert_eq!(lines.count(), 5);
}

#[tokio::test]
async fn table_lists_rows() {
    let sandbox = sandbox().await;
    let call = big_call(&sandbox);
    let base = sandbox.base_url().to_owned();
    let out = run(
        &sandbox,
        &[
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--base-url",
            &base,
            "--output",
            "table",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.lines().next().unwrap().starts_with("TIME"));
    assert_eq!(text.lines().count(), 121);
}

#[tokio::test]
async fn the_embedded_sandbox_needs_no_credentials() {
    let mut command = Command::new(cli_binary());
    command
        .args([
            "--sandbox",
            "calls",
            "events",
            "list",
            "--output",
            "ndjson",
            "--limit",
            "3",
        ])
        .env_remove("TWILIO_ACCOUNT_SID")
        .env_remove("TWILIO_AUTH_TOKEN")
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET");
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 3);
}

#[tokio::test]
async fn bad_sids_exit_2_before_any_request() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    let out = run(
        &sandbox,
        &[
            "calls",
            "events",
            "list",
            "--call-sid",
            "CAnope",
            "--base-url",
            &base,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("CAnope"));
    let out = run(
        &sandbox,
        &[
            "--account-sid",
            "AC123",
            "calls",
            "events",
            "list",
            "--call-sid",
            &big_call(&sandbox),
            "--base-url",
            &base,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = run(
        &sandbox,
        &[
            "calls",
            "events",
            "list",
            "--call-sid",
            &big_call(&sandbox),
            "--page-size",
            "1001",
            "--base-url",
            &base,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(sandbox.stats().requests, 0);
}

#[tokio::test]
async fn missing_credentials_exit_2() {
    let mut command = Command::new(cli_binary());
    command
        .args([
            "calls",
            "events",
            "list",
            "--call-sid",
            "CA0123456789abcdef0123456789abcdef",
        ])
        .env("TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef")
        .env_remove("TWILIO_AUTH_TOKEN")
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET");
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("TWILIO_AUTH_TOKEN"));
}

#[tokio::test]
async fn a_wrong_token_fails_with_one_line_and_no_secret() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    let call = big_call(&sandbox);
    let mut command = cli_command(sandbox.account_sid(), "wrong-secret-value");
    command.args([
        "calls",
        "events",
        "list",
        "--call-sid",
        &call,
        "--base-url",
        &base,
    ]);
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("20003") && err.contains("401"), "{err}");
    assert!(err.contains("--from-page"), "{err}");
    assert!(!err.contains("wrong-secret-value") && !stdout(&out).contains("wrong-secret-value"));
    assert_eq!(sandbox.stats().requests, 1);
}

#[tokio::test]
async fn an_unknown_call_fails_with_20404() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    let out = run(
        &sandbox,
        &[
            "calls",
            "events",
            "list",
            "--call-sid",
            "CAffffffffffffffffffffffffffffffff",
            "--base-url",
            &base,
            "--output",
            "json",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("20404"), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc, serde_json::json!([]), "the output stays well-formed");
}

#[tokio::test]
async fn api_key_wins_over_the_auth_token() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    let call = big_call(&sandbox);
    let mut command = cli_command(sandbox.account_sid(), "wrong-token");
    command
        .args(["calls", "events", "list", "--call-sid", &call])
        .args(["--base-url", &base, "--output", "ndjson"])
        .env("TWILIO_API_KEY", sandbox.api_key_sid())
        .env("TWILIO_API_SECRET", sandbox.api_key_secret());
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 120);
}

#[tokio::test]
async fn ctrl_c_keeps_the_output_whole_and_says_where_to_resume() {
    // Slow pages, so that the listing is surely in its middle when the signal comes.
    let sandbox = Sandbox::builder()
        .seed(11)
        .calls(3)
        .call_with_events(120)
        .latency(std::time::Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let call = big_call(&sandbox);
    let base = sandbox.base_url().to_owned();
    let mut child = Command::new(cli_binary())
        .args([
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--page-size",
            "10",
        ])
        .args(["--output", "json", "--base-url", &base])
        .env("TWILIO_ACCOUNT_SID", sandbox.account_sid())
        .env("TWILIO_AUTH_TOKEN", sandbox.auth_token())
        .env_remove("TWILIO_API_KEY")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait (without guessing a duration) until three pages have been asked for; a child that
    // dies early, or never gets there, fails the test instead of hanging it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while sandbox.stats().requests < 3 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("twilio-api exited before it was interrupted: {status}");
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("twilio-api did not reach its third page within 60 s");
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let written: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let all = sandbox.events_json(&call).unwrap();
    assert!(
        !written.is_empty() && written.len() < all.len(),
        "{}",
        written.len()
    );
    assert_eq!(written, all[..written.len()], "whole pages, in order");
    let err = stderr(&out);
    let uri = err
        .split("--from-page '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no resume hint in {err:?}"));
    let resumed = run(
        &sandbox,
        &[
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--output",
            "ndjson",
            "--base-url",
            &base,
            "--from-page",
            uri,
        ],
    )
    .await;
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    let resumed: Vec<serde_json::Value> = stdout(&resumed)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut joined = written;
    joined.extend(resumed);
    assert_eq!(joined, all, "nothing missing or doubled");
}

#[tokio::test]
async fn input_rejected_before_any_request_writes_nothing() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    let call = big_call(&sandbox);
    for bad in [
        vec!["--from-page", "not-a-page"],
        vec!["--base-url", "http://127.0.0.1:9/#frag"],
        vec!["--base-url", "http://example.com"],
    ] {
        let mut args = vec![
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--output",
            "json",
        ];
        if bad[0] != "--base-url" {
            args.extend(["--base-url", &base]);
        }
        args.extend(bad.iter().copied());
        let out = run(&sandbox, &args).await;
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{bad:?}: {}", stdout(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{bad:?}");
    }
    assert_eq!(sandbox.stats().requests, 0);
}

#[tokio::test]
async fn a_call_named_twice_is_listed_once() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    let call = big_call(&sandbox);
    let out = run(
        &sandbox,
        &[
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--call-sid",
            &call,
            "--limit",
            "5",
            "--output",
            "ndjson",
            "--base-url",
            &base,
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        sandbox.events_json(&call).unwrap()[..5],
        "one call: unlabelled, once"
    );
}

/// Stops a server process however the test ends, so that no process outlives it.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `twilio-api sandbox serve ARGS` on a free port: the process, its summary's lines, and the
/// values of its `listening on`, `account SID:` and `auth token:` lines.
struct Served {
    _process: KillOnDrop,
    /// Kept open: the server may write more lines.
    _stdout: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
    summary: Vec<String>,
    base: String,
    account: String,
    token: String,
}

fn serve(args: &[&str]) -> Served {
    use std::io::{BufRead as _, BufReader};
    let mut server = Command::new(cli_binary())
        .args(["sandbox", "serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout_pipe = server.stdout.take().unwrap();
    let process = KillOnDrop(server);
    let mut summary = Vec::new();
    let mut lines = BufReader::new(stdout_pipe).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("press Ctrl-C");
        summary.push(line);
        if done {
            break;
        }
    }
    let field = |prefix: &str| {
        summary
            .iter()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| panic!("no {prefix:?} in {summary:#?}"))
    };
    let (base, account, token) = (
        field("Twilio sandbox listening on"),
        field("account SID:"),
        field("auth token:"),
    );
    Served {
        _process: process,
        _stdout: lines,
        summary,
        base,
        account,
        token,
    }
}

/// `twilio-api sandbox serve` as another client would use it: with scripted faults.
#[tokio::test]
async fn sandbox_serve_scripts_faults_from_flags() {
    let served = serve(&[
        "--calls",
        "2",
        "--call-with-events",
        "30",
        "--fault",
        "status:503,page=0",
        "--fault",
        "cut:100,page=1",
    ]);
    let (summary, base, account, token) = (
        &served.summary,
        &served.base,
        &served.account,
        &served.token,
    );
    // The code that approves a Verify verification, and where every other product is.
    let code = summary
        .iter()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Verify code:")
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no Verify code in {summary:#?}"));
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    assert!(
        summary.iter().any(|l| l.contains("verify.localhost:")),
        "{summary:#?}"
    );
    assert!(
        summary
            .iter()
            .any(|l| l.contains("2 scripted fault(s) queued"))
    );
    let call = summary
        .iter()
        .find(|l| l.contains("(30 events)"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();

    let list = |retries: &str| {
        let out = Command::new(cli_binary())
            .args([
                "calls",
                "events",
                "list",
                "--call-sid",
                &call,
                "--page-size",
                "20",
            ])
            .args([
                "--output",
                "ndjson",
                "--base-url",
                base,
                "--max-retries",
                retries,
            ])
            .env("TWILIO_ACCOUNT_SID", account)
            .env("TWILIO_AUTH_TOKEN", token)
            .env_remove("TWILIO_API_KEY")
            .output()
            .unwrap();
        (
            out.status.code(),
            stdout(&out).lines().count(),
            stderr(&out),
        )
    };
    // The first page answers 503 once: without retries the listing stops on it.
    let (code, events, err) = list("0");
    assert_eq!((code, events), (Some(1), 0), "{err}");
    assert!(err.contains("503"), "{err}");
    // The second page is cut mid-body once: the first page's events are out, then it stops.
    let (code, events, err) = list("0");
    assert_eq!((code, events), (Some(1), 20), "{err}");
    assert!(
        err.contains("--from-page") && err.contains("Page=1"),
        "{err}"
    );
    // Both faults are spent: the listing is whole.
    let (code, events, err) = list("0");
    assert_eq!((code, events), (Some(0), 30), "{err}");
}

/// `sandbox serve --fault disconnect,method=POST --written-items 1`: a write cut after it was
/// applied is exit 3 (its outcome unknown to the client) yet stored once; the store then being
/// full, the next create is refused (exit 1, error 20429) and nothing more is stored.
#[tokio::test]
async fn sandbox_serve_cuts_writes_and_bounds_its_store_from_flags() {
    let served = serve(&["--fault", "disconnect,method=POST", "--written-items", "1"]);
    let cli = |args: &[&str]| {
        Command::new(cli_binary())
            .args(args)
            .args(["--base-url", &served.base, "--max-retries", "0"])
            .env("TWILIO_ACCOUNT_SID", &served.account)
            .env("TWILIO_AUTH_TOKEN", &served.token)
            .env_remove("TWILIO_API_KEY")
            .output()
            .unwrap()
    };
    let send = |body: &str| {
        cli(&[
            "messages",
            "create",
            "--to",
            "+15551230001",
            "--from",
            "+15005550006",
            "--body",
            body,
        ])
    };
    let cut = send("first");
    assert_eq!(cut.status.code(), Some(3), "{}", stderr(&cut));
    assert!(stderr(&cut).contains("unknown"), "{}", stderr(&cut));
    let full = send("second");
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    assert!(stderr(&full).contains("20429"), "{}", stderr(&full));
    let listed = cli(&[
        "messages",
        "list",
        "--to",
        "+15551230001",
        "--output",
        "ndjson",
    ]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let bodies: Vec<String> = stdout(&listed)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["body"].to_string())
        .collect();
    assert_eq!(bodies, ["\"first\""], "stored once, and only the first");
}

#[tokio::test]
async fn a_stalled_server_is_said_to_have_timed_out() {
    use std::time::Duration;
    use twilio_sandbox::{Fault, FaultRule};
    let sandbox = sandbox().await;
    sandbox.faults().push_rule(
        FaultRule::new(Fault::StallBody {
            after_bytes: 64,
            pause: Duration::from_secs(5),
        })
        .on_page(1),
    );
    let call = big_call(&sandbox);
    let base = sandbox.base_url().to_owned();
    let out = run(
        &sandbox,
        &[
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--page-size",
            "25",
            "--output",
            "ndjson",
            "--timeout",
            "0.5",
            "--max-retries",
            "0",
            "--base-url",
            &base,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let line = stderr(&out);
    assert!(
        line.contains("timed out: no complete response within 500ms"),
        "{line}"
    );
    assert!(line.contains("resume with --from-page '"), "{line}");
    assert_eq!(
        stdout(&out).lines().count(),
        25,
        "the first page is written"
    );
}
