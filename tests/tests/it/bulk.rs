//! Bulk sends against the real sandbox over loopback (issue 30): the CLI's `--input` runs
//! killed with SIGKILL and resumed from their journal, rows answered 5xx (unknown) and
//! refused by Twilio (failed) never sent twice, and runs at an account's limit (429s) that
//! create every row; the library's `bulk::send_all` at that limit too. Every count comes from
//! the sandbox: the messages it holds afterwards, listed through its API, per recipient.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use serde_json::Value;
use twilio_api::Client;
use twilio_api::bulk::{Outcome, send_all};
use twilio_model::AccountSid;
use twilio_sandbox::{AccountLimit, Fault, FaultRule, Sandbox};

async fn sandbox(limit: AccountLimit, latency: Duration) -> Sandbox {
    Sandbox::builder()
        .seed(30)
        .calls(0)
        .messages(0)
        .latency(latency)
        .request_log(10_000)
        .account_limit(limit)
        .start()
        .await
        .unwrap()
}

/// A client that keeps to `sandbox`'s limits (for listing what it holds).
fn client_for(sandbox: &Sandbox) -> Client {
    let account: AccountSid = sandbox.account_sid().parse().unwrap();
    Client::builder()
        .auth_token(account, sandbox.auth_token())
        .base_url(sandbox.base_url())
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .max_retries(10)
        .build()
        .unwrap()
}

/// The messages the sandbox holds, per recipient.
async fn per_recipient(sandbox: &Sandbox) -> HashMap<String, usize> {
    let client = client_for(sandbox);
    let mut items = client.messages().list().page_size(1000).stream();
    let mut counts = HashMap::new();
    while let Some(message) = items.next().await {
        *counts.entry(message.unwrap().to.unwrap()).or_insert(0) += 1;
    }
    counts
}

/// The recipient of row `row` (from 1).
fn recipient(row: usize) -> String {
    format!("+1555300{row:04}")
}

/// A scratch folder of this test's own, with `rows` rows (`to,body`) in `rows.csv`; the rows
/// in `refused` go to `+15005550001`, which Twilio refuses.
fn scratch(name: &str, rows: usize, refused: &[usize]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("twilio-e2e-bulk-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut csv = "to,body\n".to_owned();
    for row in 1..=rows {
        let to = if refused.contains(&row) {
            "+15005550001".to_owned()
        } else {
            recipient(row)
        };
        csv.push_str(&format!("{to},\"Row {row}, bulk\"\n"));
    }
    std::fs::write(dir.join("rows.csv"), csv).unwrap();
    dir
}

/// `twilio-api messages create --input rows.csv --journal journal.ndjson --output ndjson`.
fn bulk_command(sandbox: &Sandbox, dir: &Path, concurrency: u32) -> std::process::Command {
    let mut command = twilio_e2e::cli_command(sandbox.account_sid(), sandbox.auth_token());
    command
        .args(["--base-url", sandbox.base_url()])
        .args(["messages", "create", "--from", "+15005550006"])
        .arg("--input")
        .arg(dir.join("rows.csv"))
        .arg("--journal")
        .arg(dir.join("journal.ndjson"))
        .args(["--concurrency", &concurrency.to_string()])
        .args(["--output", "ndjson"])
        .stdin(Stdio::null());
    command
}

fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The journal's records of state `state`.
fn journalled(dir: &Path, state: &str) -> Vec<usize> {
    std::fs::read_to_string(dir.join("journal.ndjson"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|record| record["state"] == state)
        .map(|record| usize::try_from(record["row"].as_u64().unwrap()).unwrap())
        .collect()
}

/// Runs `command` on a blocking thread (the sandbox answers on the runtime meanwhile).
async fn output(mut command: std::process::Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// A run killed with SIGKILL mid-way, then resumed with its journal: no row is sent twice,
/// every row the journal holds as created is in the sandbox once, the rows in flight when it
/// died are unknown (and sent by neither run again), and every other row is created by the
/// resumed run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_mid_way_then_resumed_sends_each_row_once() {
    const ROWS: usize = 200;
    // 50 ms an answer, 4 at a time: about 2.5 s for the whole list, killed after 30 rows
    // (about 0.4 s), with time to spare on a loaded machine.
    let sandbox = sandbox(AccountLimit::none(), Duration::from_millis(50)).await;
    let dir = scratch("killed", ROWS, &[]);

    let mut child = bulk_command(&sandbox, &dir, 4)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while journalled(&dir, "created").len() < 30 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the run never journalled 30 rows"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL: no handler runs, the journal is what was on disk
    tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    // Let the requests the dead process had in flight land (or not).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let created_before = journalled(&dir, "created");
    assert!(
        created_before.len() < ROWS,
        "killed before the end: {} rows journalled as created",
        created_before.len()
    );
    let held = per_recipient(&sandbox).await;
    for row in &created_before {
        assert_eq!(held.get(&recipient(*row)), Some(&1), "row {row}");
    }

    let resumed = output(bulk_command(&sandbox, &dir, 4)).await;
    let after = per_recipient(&sandbox).await;
    assert!(
        after.values().all(|n| *n == 1),
        "a row was sent twice: {after:?}"
    );
    // The resumed run prints the rows it sends; the rows in flight at the kill (journalled
    // as sending, never answered) are unknown: counted in its exit code, sent by neither run.
    let created_now: Vec<usize> = lines(&resumed)
        .iter()
        .map(|line| {
            assert!(line.get("result").is_some(), "{line}");
            usize::try_from(line["row"].as_u64().unwrap()).unwrap()
        })
        .collect();
    for row in &created_now {
        assert!(
            !created_before.contains(row),
            "row {row} was created by the first run and sent again"
        );
    }
    let unknown: Vec<usize> = (1..=ROWS)
        .filter(|row| !created_before.contains(row) && !created_now.contains(row))
        .collect();
    assert!(unknown.len() <= 4, "at most the 4 in flight: {unknown:?}");
    assert_eq!(
        resumed.status.code(),
        Some(if unknown.is_empty() { 0 } else { 3 }),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    for row in 1..=ROWS {
        let held = after.get(&recipient(row)).copied().unwrap_or(0);
        if unknown.contains(&row) {
            assert!(held <= 1, "row {row}");
        } else {
            assert_eq!(held, 1, "row {row}");
        }
    }

    // A third run with the same journal sends nothing at all.
    let requests = sandbox.stats().requests;
    let again = output(bulk_command(&sandbox, &dir, 4)).await;
    assert_eq!(again.status.code(), resumed.status.code());
    assert_eq!(sandbox.stats().requests, requests, "nothing sent again");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Rows answered 500 were sent, so their outcome is unknown: exit 3, not sent again by a
/// resumed run, and sent again (once) only with `--resend-unknown`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_answered_5xx_are_unknown_and_resent_only_when_asked() {
    const ROWS: usize = 12;
    let sandbox = sandbox(AccountLimit::none(), Duration::ZERO).await;
    let dir = scratch("5xx", ROWS, &[]);
    sandbox.faults().push_rule(
        FaultRule::new(Fault::status(500))
            .on_method(http::Method::POST)
            .times(3),
    );

    let first = output(bulk_command(&sandbox, &dir, 1)).await;
    assert_eq!(first.status.code(), Some(3));
    let unknown: Vec<u64> = lines(&first)
        .iter()
        .filter(|line| line["outcome"] == "unknown")
        .map(|line| line["row"].as_u64().unwrap())
        .collect();
    assert_eq!(unknown, [1, 2, 3], "one at a time: the first three POSTs");
    assert_eq!(per_recipient(&sandbox).await.len(), ROWS - 3);

    let requests = sandbox.stats().requests;
    let resumed = output(bulk_command(&sandbox, &dir, 1)).await;
    assert_eq!(
        resumed.status.code(),
        Some(3),
        "the unknown rows still count"
    );
    assert_eq!(
        sandbox.stats().requests,
        requests,
        "a resumed run sends no unknown row"
    );

    let mut resend = bulk_command(&sandbox, &dir, 1);
    resend.arg("--resend-unknown");
    let resent = output(resend).await;
    assert_eq!(
        resent.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&resent.stderr)
    );
    let created: Vec<u64> = lines(&resent)
        .iter()
        .filter(|line| line.get("result").is_some())
        .map(|line| line["row"].as_u64().unwrap())
        .collect();
    assert_eq!(created, [1, 2, 3], "only the unknown rows, once each");
    let held = per_recipient(&sandbox).await;
    assert_eq!(held.len(), ROWS);
    assert!(held.values().all(|n| *n == 1), "{held:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Rows Twilio refuses (a `To` it will not send to: 21211) are failed, exit 1, and a resumed
/// run sends none of them again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_rows_are_failed_and_not_resent() {
    const ROWS: usize = 10;
    let sandbox = sandbox(AccountLimit::none(), Duration::ZERO).await;
    let dir = scratch("refused", ROWS, &[2, 7]);

    let first = output(bulk_command(&sandbox, &dir, 3)).await;
    assert_eq!(first.status.code(), Some(1));
    let mut failed: Vec<(u64, i64)> = lines(&first)
        .iter()
        .filter(|line| line["outcome"] == "failed")
        .map(|line| {
            (
                line["row"].as_u64().unwrap(),
                line["error"]["code"].as_i64().unwrap(),
            )
        })
        .collect();
    failed.sort_unstable();
    assert_eq!(failed, [(2, 21211), (7, 21211)]);
    let held = per_recipient(&sandbox).await;
    assert_eq!(held.len(), ROWS - 2);
    assert!(!held.contains_key("+15005550001"));

    let requests = sandbox.stats().requests;
    let mut resend = bulk_command(&sandbox, &dir, 3);
    resend.arg("--resend-unknown");
    let resumed = output(resend).await;
    assert_eq!(
        resumed.status.code(),
        Some(1),
        "the failed rows still count"
    );
    assert_eq!(
        sandbox.stats().requests,
        requests,
        "no failed row is sent again, --resend-unknown or not"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Against an account's limits (20 a second, 8 in flight), a run of 60 rows at concurrency 8
/// is answered 429s once the first second's 20 are spent, and still every row is created,
/// once, none failed because of a 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_at_the_account_limit_creates_every_row_once() {
    const ROWS: usize = 60;
    let sandbox = sandbox(
        AccountLimit::none().per_second(20).in_flight(8),
        Duration::from_millis(2),
    )
    .await;
    let dir = scratch("limit", ROWS, &[]);

    let run = output(bulk_command(&sandbox, &dir, 8)).await;
    let too_many = sandbox
        .requests()
        .iter()
        .filter(|r| r.status.is_some_and(|s| s.as_u16() == 429))
        .count();
    assert!(too_many > 0, "the limit was reached");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let lines = lines(&run);
    assert_eq!(lines.len(), ROWS);
    assert!(lines.iter().all(|line| line.get("result").is_some()));
    let held = per_recipient(&sandbox).await;
    assert_eq!(held.len(), ROWS);
    assert!(held.values().all(|n| *n == 1), "{held:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--rate-limit` tells the client the account's rate: a run of 40 rows against 20 a second
/// starts its requests evenly spaced at that rate, so the account's bucket never runs dry and
/// no request is answered 429 (without it, the same run at this concurrency empties the bucket
/// in its first moments: see the test above), and every row is created once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_told_the_account_rate_is_never_answered_429() {
    const ROWS: usize = 40;
    let sandbox = sandbox(
        AccountLimit::none().per_second(20).in_flight(8),
        Duration::from_millis(2),
    )
    .await;
    let dir = scratch("rate", ROWS, &[]);

    let mut command = bulk_command(&sandbox, &dir, 4);
    command.args(["--rate-limit", "20"]);
    let run = output(command).await;
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let too_many = sandbox
        .requests()
        .iter()
        .filter(|r| r.status.is_some_and(|s| s.as_u16() == 429))
        .count();
    assert_eq!(too_many, 0, "kept to the account's rate");
    assert_eq!(lines(&run).len(), ROWS);
    let held = per_recipient(&sandbox).await;
    assert_eq!(held.len(), ROWS);
    assert!(held.values().all(|n| *n == 1), "{held:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The library's `send_all` at the same limits: every write created, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_all_at_the_account_limit_creates_every_write_once() {
    const ROWS: usize = 150;
    let sandbox = sandbox(
        AccountLimit::none().per_second(100).in_flight(8),
        Duration::from_millis(2),
    )
    .await;
    let client = client_for(&sandbox);
    let writes = (1..=ROWS).map(|row| {
        client
            .messages()
            .create(recipient(row))
            .from("+15005550006")
            .body(format!("Row {row}"))
    });
    let mut outcomes = send_all(writes, 8);
    let mut created = [false; ROWS];
    while let Some((index, outcome)) = outcomes.next().await {
        assert!(
            matches!(outcome, Outcome::Created(_)),
            "write {index}: {outcome:?}"
        );
        assert!(!created[index], "write {index} twice");
        created[index] = true;
    }
    assert!(created.iter().all(|c| *c));
    let too_many = sandbox
        .requests()
        .iter()
        .filter(|r| r.status.is_some_and(|s| s.as_u16() == 429))
        .count();
    assert!(too_many > 0, "the limit was reached");
    let held = per_recipient(&sandbox).await;
    assert_eq!(held.len(), ROWS);
    assert!(held.values().all(|n| *n == 1), "{held:?}");
}
