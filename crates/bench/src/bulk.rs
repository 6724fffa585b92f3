//! Bulk sends at the account's limit (issue 30): the same list of messages sent through a
//! sandbox that enforces an account limit (requests a second and in flight, 429 with error
//! 20429 and `Retry-After: 1` beyond them), by each contender in a process of its own:
//!
//! - our CLI, `twilio-api messages create --input rows.csv --journal … --concurrency 10`, without
//!   and with `--rate-limit 100` (the account's rate told to the client);
//! - our library, `twilio_api::bulk::send_all` on a client with `max_in_flight(10)` and
//!   `rate_limit(100)` (the account's limits told to the client), and the same without the
//!   rate (the limiter learning from 429s alone);
//! - the naive way with Twilio's official SDKs: twilio-python in a thread pool of 10, and
//!   twilio-node with `Promise.all` and `autoRetry: true` (`naive/`).
//!
//! Every figure that decides comes from the sandbox, a fresh one per contender: the requests
//! it answered 429 (its request log), and the messages it holds afterwards, listed through
//! its HTTP API and counted per recipient (each row has a recipient of its own): a recipient
//! with more than one message is a duplicate, a row without one is lost. The rate is the
//! messages created over the contender's wall time, start-up included.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use futures::StreamExt as _;
use twilio_api::Client;
use twilio_api::bulk::{Outcome, send_all};
use twilio_sandbox::{AccountLimit, Sandbox};

/// The account's limit the sandbox enforces: requests a second.
pub(crate) const LIMIT_RATE: u32 = 100;
/// The account's limit the sandbox enforces: requests at once.
pub(crate) const LIMIT_IN_FLIGHT: u32 = 10;
/// Requests at once for every contender that takes a number (the account's limit).
const CONCURRENCY: u32 = LIMIT_IN_FLIGHT;

/// The sender of every row (Twilio's test number that accepts everything).
const FROM: &str = "+15005550006";

/// One contender's figures.
#[derive(Debug)]
pub(crate) struct Sent {
    contender: String,
    note: String,
    rows: u64,
    wall_s: f64,
    exit: String,
    /// Requests the sandbox received, its own listing afterwards not counted.
    requests: u64,
    /// Of which answered 429.
    too_many: u64,
    /// Messages the sandbox holds afterwards.
    messages: u64,
    duplicates: u64,
    lost: u64,
    /// What the contender told its caller (its own summary line, or the CLI's NDJSON).
    said: String,
}

impl Sent {
    fn rate(&self) -> f64 {
        (self.messages - self.duplicates) as f64 / self.wall_s.max(1e-9)
    }

    fn too_many_share(&self) -> f64 {
        self.too_many as f64 / self.requests.max(1) as f64
    }
}

/// Where the contenders are.
#[derive(Debug)]
pub(crate) struct Contenders {
    pub(crate) cli: PathBuf,
    /// A Python with `twilio` installed.
    pub(crate) python: PathBuf,
    /// A `node_modules` folder with `twilio` installed.
    pub(crate) node_modules: PathBuf,
}

impl Contenders {
    /// The defaults: the CLI given, CI's interop installs under `target/` when present.
    pub(crate) fn new(cli: PathBuf) -> Self {
        let venv = PathBuf::from("target/interop-venv/bin/python");
        Self {
            cli,
            python: if venv.exists() {
                venv
            } else {
                PathBuf::from("python3")
            },
            node_modules: PathBuf::from("target/interop-node/node_modules"),
        }
    }
}

/// The scripts of the naive contenders.
fn naive(script: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("naive")
        .join(script)
}

/// Runs every contender with `rows` messages; a naive contender whose SDK is not installed is
/// left out with a note on stderr.
pub(crate) fn run(
    runtime: &tokio::runtime::Runtime,
    rows: u64,
    contenders: &Contenders,
) -> Result<Vec<Sent>, String> {
    let dir = std::env::temp_dir().join(format!("twilio-bench-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = run_in(runtime, rows, contenders, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(
    runtime: &tokio::runtime::Runtime,
    rows: u64,
    contenders: &Contenders,
    dir: &Path,
) -> Result<Vec<Sent>, String> {
    let csv = dir.join("rows.csv");
    let mut text = String::from("to,body\n");
    for row in 1..=rows {
        let _ = writeln!(text, "{},bulk row {row}", recipient(row));
    }
    std::fs::write(&csv, text).map_err(|e| format!("{}: {e}", csv.display()))?;
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let mut out = Vec::new();

    for (rate, note) in [
        (
            None,
            format!(
                "--concurrency {CONCURRENCY}, --journal; no rate: the limiter learns from 429s alone"
            ),
        ),
        (
            Some(LIMIT_RATE),
            format!(
                "--concurrency {CONCURRENCY}, --journal, --rate-limit {LIMIT_RATE} (the account's rate told)"
            ),
        ),
    ] {
        let journal = dir.join(format!("journal-{}.ndjson", rate.unwrap_or(0)));
        out.push(contend(
            runtime,
            rows,
            "twilio-api messages create --input",
            &note,
            |sandbox| {
                let mut command = Command::new(&contenders.cli);
                command.args(["--base-url", sandbox.base_url()]);
                if let Some(rate) = rate {
                    command.args(["--rate-limit", &rate.to_string()]);
                }
                command
                    .args(["messages", "create", "--from", FROM, "--output", "ndjson"])
                    .arg("--input")
                    .arg(&csv)
                    .arg("--journal")
                    .arg(&journal)
                    .args(["--concurrency", &CONCURRENCY.to_string()]);
                with_credentials(&mut command, sandbox);
                command
            },
            cli_said,
        )?);
    }

    for (rate, note) in [
        (
            LIMIT_RATE,
            format!(
                "max_in_flight({CONCURRENCY}).rate_limit({LIMIT_RATE}), send_all(.., {CONCURRENCY})"
            ),
        ),
        (
            0,
            format!("max_in_flight({CONCURRENCY}), no rate: the limiter learns from 429s alone"),
        ),
    ] {
        out.push(contend(
            runtime,
            rows,
            "twilio_api::bulk::send_all",
            &note,
            |sandbox| {
                let mut command = Command::new(&exe);
                command.arg("bulk-client").args([
                    format!("base_url={}", sandbox.base_url()),
                    format!("account={}", sandbox.account_sid()),
                    format!("rows={}", csv.display()),
                    format!("concurrency={CONCURRENCY}"),
                    format!("rate={rate}"),
                ]);
                with_credentials(&mut command, sandbox);
                command
            },
            |stdout| stdout.lines().last().unwrap_or_default().to_owned(),
        )?);
    }

    let python_ok = Command::new(&contenders.python)
        .args(["-c", "import twilio"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if python_ok {
        out.push(contend(
            runtime,
            rows,
            "twilio-python, thread pool",
            &format!(
                "ThreadPoolExecutor({CONCURRENCY}); no retry of a 429 (its max_retries is for https:// connections only)"
            ),
            |sandbox| {
                let mut command = Command::new(&contenders.python);
                command
                    .arg(naive("python_thread_pool.py"))
                    .args([sandbox.base_url(), sandbox.account_sid()])
                    .arg(CONCURRENCY.to_string())
                    .arg(&csv);
                with_credentials(&mut command, sandbox);
                command
            },
            |stdout| stdout.lines().last().unwrap_or_default().to_owned(),
        )?);
    } else {
        eprintln!(
            "twilio-bench: bulk: twilio-python left out: `{} -c 'import twilio'` failed (pip install twilio, or --python PATH)",
            contenders.python.display()
        );
    }

    if contenders.node_modules.join("twilio").exists() {
        out.push(contend(
            runtime,
            rows,
            "twilio-node, Promise.all",
            "every row at once; autoRetry: true, maxRetries 3",
            |sandbox| {
                let mut command = Command::new("node");
                command
                    .arg(naive("node_promise_all.js"))
                    .args([sandbox.base_url(), sandbox.account_sid()])
                    .arg(&csv)
                    .env("NODE_PATH", &contenders.node_modules);
                with_credentials(&mut command, sandbox);
                command
            },
            |stdout| stdout.lines().last().unwrap_or_default().to_owned(),
        )?);
    } else {
        eprintln!(
            "twilio-bench: bulk: twilio-node left out: no {} (npm install twilio there, or --node-modules PATH)",
            contenders.node_modules.join("twilio").display()
        );
    }
    Ok(out)
}

/// The recipient of row `row` (from 1): one of its own, never one of Twilio's test numbers.
fn recipient(row: u64) -> String {
    format!("+1555{row:07}")
}

fn with_credentials(command: &mut Command, sandbox: &Sandbox) {
    command
        .env("TWILIO_ACCOUNT_SID", sandbox.account_sid())
        .env("TWILIO_AUTH_TOKEN", sandbox.auth_token())
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET")
        .env_remove("TWILIO_REGION")
        .env_remove("TWILIO_EDGE");
    for proxy in ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"] {
        command.env_remove(proxy);
    }
}

/// What the CLI said of its rows: its NDJSON lines counted by outcome.
fn cli_said(stdout: &str) -> String {
    let (mut created, mut failed, mut unknown) = (0, 0, 0);
    for line in stdout.lines() {
        if line.starts_with("{\"row\": ") && line.contains("\"result\": ") {
            created += 1;
        } else if line.contains("\"outcome\":\"unknown\"") {
            unknown += 1;
        } else if line.contains("\"outcome\":\"failed\"") {
            failed += 1;
        }
    }
    format!("created {created}, failed {failed}, unknown {unknown}")
}

/// Runs one contender against a fresh limited sandbox and counts what the sandbox saw.
fn contend(
    runtime: &tokio::runtime::Runtime,
    rows: u64,
    contender: &str,
    note: &str,
    command: impl FnOnce(&Sandbox) -> Command,
    said: impl FnOnce(&str) -> String,
) -> Result<Sent, String> {
    let rows_usize = usize::try_from(rows).map_err(|e| e.to_string())?;
    // Room in the request log for four attempts a row (twilio-node's most), and in the store
    // for every row twice over, so that neither is what stops a contender.
    let log = rows_usize * 5 + 1000;
    let sandbox = runtime
        .block_on(
            Sandbox::builder()
                .calls(0)
                .messages(0)
                .request_log(log)
                .written_items(rows_usize * 2 + 1000)
                .account_limit(
                    AccountLimit::none()
                        .per_second(LIMIT_RATE)
                        .in_flight(LIMIT_IN_FLIGHT),
                )
                .start(),
        )
        .map_err(|e| format!("sandbox: {e}"))?;
    let mut command = command(&sandbox);
    eprintln!("twilio-bench: bulk: {contender} ({note}), {rows} messages...");
    let started = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {contender}: {e}"))?;
    let wall_s = started.elapsed().as_secs_f64();
    let exit = output
        .status
        .code()
        .map_or_else(|| output.status.to_string(), |code| code.to_string());
    let log_entries = sandbox.requests();
    let requests = sandbox.stats().requests;
    if requests > log as u64 {
        return Err(format!(
            "{contender}: {requests} requests overflowed the sandbox's log of {log}"
        ));
    }
    let too_many = log_entries
        .iter()
        .filter(|r| r.status.is_some_and(|s| s.as_u16() == 429))
        .count() as u64;
    let per_recipient = runtime.block_on(messages_per_recipient(&sandbox))?;
    let messages: u64 = per_recipient.values().sum();
    let duplicates = per_recipient.values().map(|n| n.saturating_sub(1)).sum();
    let lost = (1..=rows)
        .filter(|row| !per_recipient.contains_key(&recipient(*row)))
        .count() as u64;
    let stranger = per_recipient.len() as u64 - (rows - lost);
    if stranger > 0 {
        return Err(format!(
            "{contender}: {stranger} recipients that are no row's"
        ));
    }
    let sent = Sent {
        contender: contender.to_owned(),
        note: note.to_owned(),
        rows,
        wall_s,
        exit,
        requests,
        too_many,
        messages,
        duplicates,
        lost,
        said: said(&String::from_utf8_lossy(&output.stdout)),
    };
    eprintln!(
        "twilio-bench: bulk: {contender}: {:.1} s, {:.1}/s, {} requests, {} answered 429 ({:.2}%), {} duplicates, {} lost",
        sent.wall_s,
        sent.rate(),
        sent.requests,
        sent.too_many,
        sent.too_many_share() * 100.0,
        sent.duplicates,
        sent.lost
    );
    Ok(sent)
}

/// The messages the sandbox holds, counted per recipient, listed through its HTTP API (by a
/// client that keeps to the account's limits itself).
async fn messages_per_recipient(sandbox: &Sandbox) -> Result<HashMap<String, u64>, String> {
    let account = sandbox
        .account_sid()
        .parse()
        .map_err(|e| format!("account: {e}"))?;
    let client = Client::builder()
        .auth_token(account, sandbox.auth_token())
        .base_url(sandbox.base_url())
        .no_proxy()
        .max_in_flight(1)
        .rate_limit(f64::from(LIMIT_RATE) / 2.0)
        .max_retries(10)
        .build()
        .map_err(|e| format!("listing client: {e}"))?;
    let mut items = client.messages().list().page_size(1000).stream();
    let mut counts = HashMap::new();
    while let Some(message) = items.next().await {
        let message = message.map_err(|e| format!("listing the messages: {e}"))?;
        let to = message.to.unwrap_or_default();
        *counts.entry(to).or_insert(0) += 1;
    }
    Ok(counts)
}

/// The child process of the library's contender: `bulk-client base_url=… account=… rows=…
/// concurrency=N rate=R` (rate 0: none), the token in `TWILIO_AUTH_TOKEN`. Prints what
/// `send_all` said of the rows.
pub(crate) fn child_main(args: &[String]) -> Result<(), String> {
    let mut options: HashMap<&str, &str> = HashMap::new();
    for arg in args {
        let (key, value) = arg
            .split_once('=')
            .ok_or_else(|| format!("expected key=value, got {arg}"))?;
        options.insert(key, value);
    }
    let get = |key: &str| {
        options
            .get(key)
            .copied()
            .ok_or_else(|| format!("missing {key}="))
    };
    let number = |key: &str| -> Result<u32, String> {
        get(key)?.parse().map_err(|e| format!("{key}=: {e}"))
    };
    let token = std::env::var("TWILIO_AUTH_TOKEN").map_err(|_| "TWILIO_AUTH_TOKEN unset")?;
    let account = get("account")?
        .parse()
        .map_err(|e| format!("account=: {e}"))?;
    let concurrency = number("concurrency")?;
    let rate = number("rate")?;
    let text = std::fs::read_to_string(get("rows")?).map_err(|e| format!("rows=: {e}"))?;
    let rows: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(','))
        .map(|(to, body)| (to.to_owned(), body.to_owned()))
        .collect();

    let mut builder = Client::builder()
        .auth_token(account, token)
        .base_url(get("base_url")?)
        .no_proxy()
        .max_in_flight(concurrency as usize);
    if rate > 0 {
        builder = builder.rate_limit(f64::from(rate));
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let (created, refused, unknown) = runtime.block_on(async {
        let writes = rows.iter().map(|(to, body)| {
            client
                .messages()
                .create(to.as_str())
                .from(FROM)
                .body(body.as_str())
        });
        let mut outcomes = send_all(writes, concurrency as usize);
        let (mut created, mut refused, mut unknown) = (0u64, 0u64, 0u64);
        while let Some((_, outcome)) = outcomes.next().await {
            match outcome {
                Outcome::Created(_) => created += 1,
                Outcome::Refused(_) => refused += 1,
                _ => unknown += 1,
            }
        }
        (created, refused, unknown)
    });
    println!("created {created}, refused {refused}, unknown {unknown}");
    Ok(())
}

/// The bulk section's table.
pub(crate) fn table(sent: &[Sent]) -> String {
    let mut out = format!(
        "| bulk: {} messages, sandbox limited to {LIMIT_RATE}/s and {LIMIT_IN_FLIGHT} in flight | how | wall s | created/s | of the limit | requests | answered 429 | 429 share | messages in the sandbox | duplicates | lost | exit | the contender said |\n\
         |---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n",
        sent.first().map_or(0, |s| s.rows)
    );
    for s in sent {
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} | {:.1} | {:.1}% | {} | {} | {:.2}% | {} | {} | {} | {} | {} |",
            s.contender,
            s.note,
            s.wall_s,
            s.rate(),
            s.rate() / f64::from(LIMIT_RATE) * 100.0,
            s.requests,
            s.too_many,
            s.too_many_share() * 100.0,
            s.messages,
            s.duplicates,
            s.lost,
            s.exit,
            s.said
        );
    }
    out
}

/// The targets of issue 30, for each of ours.
pub(crate) fn verdicts(sent: &[Sent], out: &mut String) {
    let mark = |ok: bool| if ok { "met" } else { "MISSED" };
    for s in sent.iter().filter(|s| {
        !s.contender.starts_with("twilio-python") && !s.contender.starts_with("twilio-node")
    }) {
        let rate = s.rate() / f64::from(LIMIT_RATE);
        let _ = writeln!(
            out,
            "- bulk / {} ({}): {:.1}% of the limit (target 95 to 105%): {}; 429s {:.2}% of requests (target < 1%): {}; {} duplicates, {} lost (target 0, 0): {}",
            s.contender,
            s.note,
            rate * 100.0,
            mark((0.95..=1.05).contains(&rate)),
            s.too_many_share() * 100.0,
            mark(s.too_many_share() < 0.01),
            s.duplicates,
            s.lost,
            mark(s.duplicates == 0 && s.lost == 0)
        );
    }
}
