//! The parent side: hosts the sandboxes, runs every measured client in a child process, and
//! prints the table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use twilio_sandbox::Sandbox;

use crate::bulk;
use crate::client::{Measure, Spec};
use crate::decode::{self, Decoded};
use crate::procfs;

pub(crate) const USAGE: &str = "\
usage: twilio-bench run [--quick] [--runs N] [--cli PATH] [--only SECTION]
                        [--python PATH] [--node-modules PATH]

  --quick     10 and 100 pages only, 200 calls for the many-calls rows, 1,000 messages
              for the bulk rows (a smoke run)
  --runs N    runs of each variant, the median (by wall time) is shown [default: 3;
              the 1,000-page rows always run once]
  --cli PATH  the twilio-api binary [default: next to this one]
  --only SECTION
              run one section: list (the facade against its baseline), cli (the
              CLI's exports against the bytes-only floor), prefetch, many or decode
              (a page of a generated resource, typed, against the validate-only
              floor, in this process) or bulk (10,000 messages through a sandbox
              limited to 100/s and 10 in flight, by the CLI, the library and the
              official Python and Node SDKs; about 100 s each)
  --python PATH
              a Python with `twilio` installed, for the bulk rows [default:
              target/interop-venv/bin/python, else python3]
  --node-modules PATH
              a node_modules with `twilio` installed, for the bulk rows [default:
              target/interop-node/node_modules]";

/// Events per page in every listing of the suite.
const PAGE_SIZE: u32 = 1000;
const MIB: f64 = 1024.0 * 1024.0;

#[derive(Debug)]
struct Options {
    quick: bool,
    runs: usize,
    cli: PathBuf,
    /// Run only this section (`list`, `cli`, `prefetch`, `many`, `decode`, `bulk`).
    only: Option<String>,
    python: Option<PathBuf>,
    node_modules: Option<PathBuf>,
}

impl Options {
    fn runs_section(&self, section: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == section)
    }
}

fn options(args: &[String]) -> Result<Options, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let mut options = Options {
        quick: false,
        runs: 3,
        cli: exe.with_file_name("twilio-api"),
        only: None,
        python: None,
        node_modules: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--runs" => {
                options.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--runs needs a positive number")?;
            }
            "--cli" => options.cli = PathBuf::from(args.next().ok_or("--cli needs a path")?),
            "--python" => {
                options.python = Some(PathBuf::from(args.next().ok_or("--python needs a path")?));
            }
            "--node-modules" => {
                options.node_modules = Some(PathBuf::from(
                    args.next().ok_or("--node-modules needs a path")?,
                ));
            }
            "--only" => {
                let section = args.next().ok_or("--only needs a section")?;
                if !["list", "cli", "prefetch", "many", "decode", "bulk"]
                    .contains(&section.as_str())
                {
                    return Err(format!("unknown section {section}\n\n{USAGE}"));
                }
                options.only = Some(section.clone());
            }
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    Ok(options)
}

/// One line of the table.
#[derive(Debug)]
struct Row {
    scenario: String,
    variant: String,
    pages: u64,
    measure: Measure,
    /// CPU seconds the sandbox spent during the run.
    sandbox_cpu_s: f64,
    /// Against the baseline of the same scenario (the note says which): (wall, cpu, peak
    /// memory).
    ratio: Option<(f64, f64, f64)>,
    note: String,
}

/// The sandbox's process (this one): CPU time of every thread but the main one, which only
/// waits for children.
pub(crate) struct Host {
    main_tid: Option<u32>,
}

impl Host {
    pub(crate) fn new() -> Self {
        // "/proc/thread-self" links to "<pid>/task/<tid>".
        let main_tid = std::fs::read_link("/proc/thread-self")
            .ok()
            .and_then(|link| link.file_name()?.to_str()?.parse().ok());
        Self { main_tid }
    }

    pub(crate) fn sandbox_cpu_s(&self) -> f64 {
        procfs::threads_cpu_s(self.main_tid)
    }
}

pub(crate) fn main(args: &[String]) -> Result<(), String> {
    let options = options(args)?;
    if !Path::new("/proc/self/stat").exists() {
        return Err("Linux only: the figures come from /proc".to_owned());
    }
    // The sandboxes run on one worker thread of this process; the measured clients elsewhere.
    let runtime = host_runtime()?;
    let host = Host::new();
    let mut rows = Vec::new();

    let sizes: &[u64] = if options.quick {
        &[10, 100]
    } else {
        &[10, 100, 1000]
    };
    // Enough cache for every page of every size listed (about 1.1 MiB per page of 1,000),
    // so that each variant sees the same, warm, sandbox.
    let cache_bytes = sizes.iter().sum::<u64>() as usize * 1_300_000;
    let mut builder = Sandbox::builder()
        .calls(0)
        .page_cache_bytes(cache_bytes)
        .request_log(0);
    for pages in sizes {
        builder = builder.call_with_events(pages * u64::from(PAGE_SIZE));
    }
    let sandbox = runtime
        .block_on(builder.start())
        .map_err(|e| format!("sandbox: {e}"))?;
    let sids = sandbox.call_sids();

    // 1. The facade against the baseline, at each size.
    for (pages, sid) in sizes.iter().zip(&sids) {
        if !options.runs_section("list") {
            break;
        }
        let runs = if *pages >= 1000 { 1 } else { options.runs };
        let spec = |variant: &str| Spec {
            variant: variant.to_owned(),
            base_url: sandbox.base_url().to_owned(),
            account_sid: sandbox.account_sid().to_owned(),
            calls: vec![sid.clone()],
            page_size: PAGE_SIZE,
            consumer_ms: 0,
            prefetch: true,
            concurrency: 1,
        };
        // Warm the sandbox's page cache, unmeasured.
        run_client(&host, &spec("baseline"), sandbox.auth_token())?;
        let baseline = median(runs, || {
            run_client(&host, &spec("baseline"), sandbox.auth_token())
        })?;
        let scenario = format!("list {pages} pages");
        for variant in ["typed", "raw"] {
            let run = median(runs, || {
                run_client(&host, &spec(variant), sandbox.auth_token())
            })?;
            rows.push(Row {
                scenario: scenario.clone(),
                variant: format!("facade {variant}"),
                pages: *pages,
                measure: run.best,
                sandbox_cpu_s: run.sandbox_cpu_s,
                ratio: Some(ratio(&run.best, &baseline.best)),
                note: if variant == "typed" {
                    "list().stream()".to_owned()
                } else {
                    "list_raw().stream()".to_owned()
                },
            });
            progress(rows.last());
        }
        rows.push(Row {
            scenario,
            variant: "baseline".to_owned(),
            pages: *pages,
            measure: baseline.best,
            sandbox_cpu_s: baseline.sandbox_cpu_s,
            ratio: None,
            note: "hyper http1 + serde_json::Value".to_owned(),
        });
        progress(rows.last());
    }

    let bytes_spec = |sid: &String| Spec {
        variant: "bytes".to_owned(),
        base_url: sandbox.base_url().to_owned(),
        account_sid: sandbox.account_sid().to_owned(),
        calls: vec![sid.clone()],
        page_size: PAGE_SIZE,
        consumer_ms: 0,
        prefetch: false,
        concurrency: 1,
    };
    // 2. The CLI, whole process, to /dev/null, against the bytes-only floor (a whole process
    // too), at each size; CSV and the table at 100 pages.
    for (pages, sid) in sizes.iter().zip(&sids) {
        if !options.runs_section("cli") {
            break;
        }
        let runs = if *pages >= 1000 { 1 } else { options.runs };
        let scenario = format!("CLI {pages} pages");
        // Warm the sandbox's page cache, unmeasured.
        run_process(
            &host,
            bytes_command(&bytes_spec(sid), sandbox.auth_token())?,
        )?;
        let events = |measure: Measure, before: u64, runs: usize| Measure {
            events: (sandbox.stats().events_served - before) / runs as u64,
            ..measure
        };
        let before = sandbox.stats().events_served;
        let floor = median(runs, || {
            run_process(
                &host,
                bytes_command(&bytes_spec(sid), sandbox.auth_token())?,
            )
        })?;
        let floor = Spread {
            best: events(floor.best, before, runs),
            ..floor
        };
        let formats: &[&str] = if *pages == 100 {
            &["ndjson", "csv", "table"]
        } else {
            &["ndjson"]
        };
        let mut ndjson: Option<Spread> = None;
        for format in formats {
            let before = sandbox.stats().events_served;
            let run = median(runs, || {
                run_process(&host, cli_command(&options.cli, &sandbox, sid, format))
            })?;
            let run = Spread {
                best: events(run.best, before, runs),
                ..run
            };
            let (against, what) = match &ndjson {
                Some(ndjson) => (ndjson, "of ndjson"),
                None => (&floor, "of the bytes-only floor"),
            };
            rows.push(Row {
                scenario: scenario.clone(),
                variant: format!("twilio-api --output {format}"),
                pages: *pages,
                measure: run.best,
                sandbox_cpu_s: run.sandbox_cpu_s,
                ratio: Some(ratio(&run.best, &against.best)),
                note: format!("ratios {what}; {}", run.cpu_spread()),
            });
            progress(rows.last());
            if *format == "ndjson" {
                ndjson = Some(run);
            }
        }
        rows.push(Row {
            scenario,
            variant: "bytes-only floor".to_owned(),
            pages: *pages,
            measure: floor.best,
            sandbox_cpu_s: floor.sandbox_cpu_s,
            ratio: None,
            note: format!(
                "hyper http1, pages to /dev/null unparsed; {}",
                floor.cpu_spread()
            ),
        });
        progress(rows.last());
    }
    drop(sandbox);

    if options.runs_section("prefetch") {
        // 3. Prefetch: 20 ms of latency per page, a consumer spending 20 ms per page.
        let slow = runtime
            .block_on(
                Sandbox::builder()
                    .calls(0)
                    .call_with_events(20 * u64::from(PAGE_SIZE))
                    .latency(Duration::from_millis(20))
                    .request_log(0)
                    .start(),
            )
            .map_err(|e| format!("sandbox: {e}"))?;
        let slow_sid = slow.call_sids().pop().ok_or("no call")?;
        let mut prefetch_off_wall = None;
        for prefetch in [false, true] {
            let spec = Spec {
                variant: "typed-pages".to_owned(),
                base_url: slow.base_url().to_owned(),
                account_sid: slow.account_sid().to_owned(),
                calls: vec![slow_sid.clone()],
                page_size: PAGE_SIZE,
                consumer_ms: 20,
                prefetch,
                concurrency: 1,
            };
            if !prefetch {
                run_client(&host, &spec, slow.auth_token())?;
            }
            let Spread {
                best: measure,
                sandbox_cpu_s,
                ..
            } = median(options.runs, || run_client(&host, &spec, slow.auth_token()))?;
            let note = match prefetch_off_wall {
                Some(off) => format!("{:.2}x faster than off", off / measure.wall_s),
                None => "latency 20 ms, consumer 20 ms/page".to_owned(),
            };
            prefetch_off_wall.get_or_insert(measure.wall_s);
            rows.push(Row {
                scenario: "prefetch 20 pages".to_owned(),
                variant: format!(
                    "facade pages, prefetch {}",
                    if prefetch { "on" } else { "off" }
                ),
                pages: 20,
                measure,
                sandbox_cpu_s,
                ratio: None,
                note,
            });
            progress(rows.last());
        }
        drop(slow);
    }

    if options.runs_section("many") {
        // 4. Many calls, one page each, 5 ms of latency per page.
        let calls = if options.quick { 200 } else { 1000 };
        let many = runtime
            .block_on(
                Sandbox::builder()
                    .calls(calls)
                    .latency(Duration::from_millis(5))
                    .request_log(0)
                    .start(),
            )
            .map_err(|e| format!("sandbox: {e}"))?;
        for concurrency in [1, 8, 32] {
            let spec = Spec {
                variant: "many".to_owned(),
                base_url: many.base_url().to_owned(),
                account_sid: many.account_sid().to_owned(),
                calls: many.call_sids(),
                page_size: PAGE_SIZE,
                consumer_ms: 0,
                prefetch: false,
                concurrency,
            };
            let before = many.stats().connections_accepted;
            let runs = if concurrency == 1 { 1 } else { options.runs };
            let Spread {
                best: measure,
                sandbox_cpu_s,
                ..
            } = median(runs, || run_client(&host, &spec, many.auth_token()))?;
            let connections = (many.stats().connections_accepted - before) / runs as u64;
            rows.push(Row {
                scenario: format!("{calls} calls x 1 page"),
                variant: format!("events_of_calls, concurrency {concurrency}"),
                pages: calls,
                measure,
                sandbox_cpu_s,
                ratio: None,
                note: format!("latency 5 ms; {connections} connections"),
            });
            progress(rows.last());
        }
        drop(many);
    }

    // 5. A page of a generated resource decoded typed, against the validate-only floor.
    let decoded = if options.runs_section("decode") {
        decode::run(&runtime, decode::ROUNDS)?
    } else {
        Vec::new()
    };

    // 6. Bulk sends at the account's limit: ours and the official SDKs'.
    let bulk = if options.runs_section("bulk") {
        let mut contenders = bulk::Contenders::new(options.cli.clone());
        if let Some(python) = &options.python {
            contenders.python = python.clone();
        }
        if let Some(node_modules) = &options.node_modules {
            contenders.node_modules = node_modules.clone();
        }
        let messages = if options.quick { 1_000 } else { 10_000 };
        bulk::run(&runtime, messages, &contenders)?
    } else {
        Vec::new()
    };

    if !rows.is_empty() {
        println!("{}", table(&rows));
    }
    if !decoded.is_empty() {
        println!("{}", decode_table(&decoded));
    }
    if !bulk.is_empty() {
        println!("{}", bulk::table(&bulk));
    }
    let mut verdicts = verdicts(&rows, &decoded);
    bulk::verdicts(&bulk, &mut verdicts);
    println!("{verdicts}");
    Ok(())
}

fn progress(row: Option<&Row>) {
    if let Some(row) = row {
        eprintln!(
            "twilio-bench: {} / {}: {:.3} s wall, {:.3} s cpu, {:.1} MiB",
            row.scenario,
            row.variant,
            row.measure.wall_s,
            row.measure.cpu_s,
            row.measure.peak_kib as f64 / 1024.0
        );
    }
}

/// The run with the median wall time of several, and the spread of their CPU times.
#[derive(Debug, Clone, Copy)]
struct Spread {
    best: Measure,
    sandbox_cpu_s: f64,
    runs: usize,
    cpu_min_s: f64,
    cpu_max_s: f64,
}

impl Spread {
    fn cpu_spread(&self) -> String {
        if self.runs > 1 {
            format!(
                "CPU {:.3} to {:.3} s over {} runs",
                self.cpu_min_s, self.cpu_max_s, self.runs
            )
        } else {
            "1 run".to_owned()
        }
    }
}

/// (wall, CPU, peak memory) of `measure` against `against`.
fn ratio(measure: &Measure, against: &Measure) -> (f64, f64, f64) {
    (
        measure.wall_s / against.wall_s,
        measure.cpu_s / against.cpu_s,
        measure.peak_kib as f64 / against.peak_kib.max(1) as f64,
    )
}

/// Runs `once` `runs` times and keeps the run with the median wall time.
fn median(
    runs: usize,
    mut once: impl FnMut() -> Result<(Measure, f64), String>,
) -> Result<Spread, String> {
    let mut all = Vec::with_capacity(runs);
    for _ in 0..runs {
        all.push(once()?);
    }
    let cpu = |pick: fn(f64, f64) -> f64| {
        all.iter()
            .map(|(m, _)| m.cpu_s)
            .reduce(pick)
            .unwrap_or_default()
    };
    let (cpu_min_s, cpu_max_s) = (cpu(f64::min), cpu(f64::max));
    all.sort_by(|a, b| a.0.wall_s.total_cmp(&b.0.wall_s));
    let (best, sandbox_cpu_s) = all
        .get(all.len() / 2)
        .copied()
        .ok_or_else(|| "no run".to_owned())?;
    Ok(Spread {
        best,
        sandbox_cpu_s,
        runs,
        cpu_min_s,
        cpu_max_s,
    })
}

/// Runs one measured listing in a child process (this binary, `client ...`).
fn run_client(host: &Host, spec: &Spec, token: &str) -> Result<(Measure, f64), String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let before = host.sandbox_cpu_s();
    let output = Command::new(exe)
        .arg("client")
        .args(spec.to_args())
        .env("TWILIO_AUTH_TOKEN", token)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run the client: {e}"))?;
    let sandbox_cpu_s = host.sandbox_cpu_s() - before;
    if !output.status.success() {
        return Err(format!("client {} failed: {}", spec.variant, output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().ok_or("the client printed nothing")?;
    Ok((Measure::parse(line)?, sandbox_cpu_s))
}

/// The CLI listing `sid` as a user would run it, in `format`.
fn cli_command(cli: &Path, sandbox: &Sandbox, sid: &str, format: &str) -> Command {
    let mut command = Command::new(cli);
    command
        .args([
            "calls",
            "events",
            "list",
            "--call-sid",
            sid,
            "--page-size",
            &PAGE_SIZE.to_string(),
            "--output",
            format,
            "--base-url",
            sandbox.base_url(),
        ])
        .env("TWILIO_ACCOUNT_SID", sandbox.account_sid())
        .env("TWILIO_AUTH_TOKEN", sandbox.auth_token())
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET")
        .env_remove("TWILIO_REGION")
        .env_remove("TWILIO_EDGE");
    command
}

/// The bytes-only floor as a process of its own (this binary, `client variant=bytes ...`),
/// measured from outside like the CLI.
fn bytes_command(spec: &Spec, token: &str) -> Result<Command, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let mut command = Command::new(exe);
    command
        .arg("client")
        .args(spec.to_args())
        .env("TWILIO_AUTH_TOKEN", token);
    Ok(command)
}

/// Runs `command` as a whole process, stdin and stdout on /dev/null, watching its `/proc`
/// entries for its peak memory while it runs; its CPU time (start-up included) comes from
/// `getrusage(RUSAGE_CHILDREN)` around reaping it.
fn run_process(host: &Host, mut command: Command) -> Result<(Measure, f64), String> {
    let before = host.sandbox_cpu_s();
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    let pid = child.id().to_string();
    let mut peak_kib = 0;
    let exited = loop {
        if let Some(hwm) = procfs::vm_hwm_kib(&pid) {
            peak_kib = peak_kib.max(hwm);
        }
        match procfs::stat(&pid) {
            Some(stat) if stat.state == 'Z' => break Some(stat),
            Some(_) => std::thread::sleep(Duration::from_micros(500)),
            None => break None,
        }
    };
    let wall_s = started.elapsed().as_secs_f64();
    // The CPU time of the children waited for, before and after reaping this one: its own,
    // to the microsecond (/proc/<pid>/stat counts in clock ticks).
    let children = procfs::children_cpu_s()?;
    let status = child
        .wait()
        .map_err(|e| format!("waiting for {:?}: {e}", command.get_program()))?;
    let (user_s, sys_s) = {
        let after = procfs::children_cpu_s()?;
        (after.0 - children.0, after.1 - children.1)
    };
    let sandbox_cpu_s = host.sandbox_cpu_s() - before;
    if !status.success() {
        return Err(format!("{:?} failed: {status}", command.get_program()));
    }
    exited.ok_or("a child's /proc entry vanished before it was reaped")?;
    Ok((
        Measure {
            events: 0,
            wall_s,
            cpu_s: user_s + sys_s,
            user_s,
            sys_s,
            peak_kib,
        },
        sandbox_cpu_s,
    ))
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | variant | pages | events | wall s | CPU s (user+sys) | peak MiB | events/s | wall / baseline | CPU / baseline | peak / baseline | sandbox CPU s | note |\n\
         |---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n",
    );
    for row in rows {
        let m = &row.measure;
        let (wall_ratio, cpu_ratio, peak_ratio) = match row.ratio {
            Some((wall, cpu, peak)) => (
                format!("{wall:.2}x"),
                format!("{cpu:.2}x"),
                format!("{peak:.2}x"),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.3} | {:.3} ({:.2}+{:.2}) | {:.1} | {:.0} | {} | {} | {} | {:.3} | {} |",
            row.scenario,
            row.variant,
            row.pages,
            m.events,
            m.wall_s,
            m.cpu_s,
            m.user_s,
            m.sys_s,
            m.peak_kib as f64 * 1024.0 / MIB,
            m.events as f64 / m.wall_s.max(1e-9),
            wall_ratio,
            cpu_ratio,
            peak_ratio,
            row.sandbox_cpu_s,
            row.note
        );
    }
    out
}

/// The brief's targets, met or missed.
fn verdicts(rows: &[Row], decoded: &[Decoded]) -> String {
    let mut out = String::from("Targets:\n");
    let mark = |ok: bool| if ok { "met" } else { "MISSED" };
    for row in rows
        .iter()
        .filter(|r| r.variant.starts_with("facade ") && r.ratio.is_some())
    {
        if let Some((wall, cpu, _)) = row.ratio {
            let _ = writeln!(
                out,
                "- {} / {}: wall {wall:.2}x, CPU {cpu:.2}x of the baseline (target <= 1.2x): {}",
                row.scenario,
                row.variant,
                mark(wall <= 1.2 && cpu <= 1.2)
            );
        }
    }
    for variant in ["facade typed", "facade raw"] {
        let peaks: Vec<(u64, u64)> = rows
            .iter()
            .filter(|r| r.variant == variant && r.ratio.is_some())
            .map(|r| (r.pages, r.measure.peak_kib))
            .collect();
        if let (Some(first), Some(last)) = (peaks.first(), peaks.last()) {
            let growth = last.1 as f64 / first.1.max(1) as f64;
            let _ = writeln!(
                out,
                "- {variant} peak memory: {:.1} MiB at {} pages, {:.1} MiB at {} pages ({growth:.2}x; flat means <= 1.25x): {}",
                first.1 as f64 / 1024.0,
                first.0,
                last.1 as f64 / 1024.0,
                last.0,
                mark(growth <= 1.25)
            );
        }
    }
    fn cli<'r>(rows: &'r [Row], variant: &'r str) -> impl Iterator<Item = &'r Row> {
        rows.iter()
            .filter(move |r| r.scenario.starts_with("CLI") && r.variant == variant)
    }
    for row in cli(rows, "twilio-api --output ndjson") {
        if let Some((wall, cpu, _)) = row.ratio {
            let _ = writeln!(
                out,
                "- {} / ndjson: wall {wall:.2}x, CPU {cpu:.2}x of the bytes-only floor (target <= 1.5x): {}",
                row.scenario,
                mark(wall <= 1.5 && cpu <= 1.5)
            );
        }
    }
    for format in ["csv", "table"] {
        let variant = format!("twilio-api --output {format}");
        for row in cli(rows, &variant) {
            if let Some((wall, cpu, _)) = row.ratio {
                let _ = writeln!(
                    out,
                    "- {} / {format}: wall {wall:.2}x, CPU {cpu:.2}x of ndjson (target <= 1.5x): {}",
                    row.scenario,
                    mark(wall <= 1.5 && cpu <= 1.5)
                );
            }
        }
    }
    let peaks: Vec<(u64, u64)> = cli(rows, "twilio-api --output ndjson")
        .map(|r| (r.pages, r.measure.peak_kib))
        .collect();
    if let (Some(first), Some(last)) = (peaks.first(), peaks.last()) {
        let growth = last.1 as f64 / first.1.max(1) as f64;
        let _ = writeln!(
            out,
            "- CLI ndjson peak memory: {:.1} MiB at {} pages, {:.1} MiB at {} pages ({growth:.2}x; flat means <= 1.25x): {}",
            first.1 as f64 / 1024.0,
            first.0,
            last.1 as f64 / 1024.0,
            last.0,
            mark(growth <= 1.25)
        );
    }
    for page in decoded {
        let _ = writeln!(
            out,
            "- decode a page of {} {} / {}: {:.2}x the validate-only floor (target <= {:.0}x): {}",
            page.items,
            page.resource.to_lowercase(),
            page.page_type,
            page.ratio(),
            decode::TARGET,
            mark(page.ratio() <= decode::TARGET)
        );
    }
    out
}

/// The decode section: one line per resource, times in microseconds.
fn decode_table(decoded: &[Decoded]) -> String {
    let mut out = format!(
        "| decode, in this process, best of {} | items | bytes | validate-only floor (µs) | typed page (µs) | ratio |\n|---|--:|--:|--:|--:|--:|\n",
        decode::ROUNDS
    );
    for page in decoded {
        let _ = writeln!(
            out,
            "| {} (`{}`) | {} | {} | {:.0} | {:.0} | {:.2}x |",
            page.resource,
            page.page_type,
            page.items,
            page.bytes,
            page.floor.as_secs_f64() * 1e6,
            page.typed.as_secs_f64() * 1e6,
            page.ratio()
        );
    }
    out
}

/// The runtime the in-process sandbox runs on: one worker thread, so that its CPU time is
/// easy to tell from the measured client's (which runs in a child process).
pub(crate) fn host_runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))
}
