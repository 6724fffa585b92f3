//! The soak run: many calls listed at once through a sandbox that fails a share of the page
//! requests with retryable faults, then every call's events checked against the sandbox's
//! own data.
//!
//! The parent process hosts the sandbox and scripts the faults; the client runs in a child
//! process (`soak-client ...`, this binary again), so that its CPU time and peak memory are
//! its own. The child reports, for every call, a 64-bit hash of each event it received (in
//! the order received) and the error that ended the call, if any; the parent hashes the
//! sandbox's events the same way and compares.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use http::StatusCode;
use serde_json::Value;
use twilio_api::{CallSid, Client, Error, ListPage as _};
use twilio_sandbox::{Fault, FaultRule, Sandbox};

use crate::client::{Measure, Spec};
use crate::procfs;
use crate::suite::Host;

pub(crate) const USAGE: &str = "\
usage: twilio-bench soak [--calls N] [--concurrency N] [--fault-rate P] [--page-size N]
                         [--seed N] [--timeout-ms N] [--max-retries N]

  --calls N        calls in the sandbox, each listed in full [default: 1000, at most 20000]
  --concurrency N  calls listed at once over one client [default: 32]
  --fault-rate P   share of the page requests answered with a retryable fault, 0 to 1
                   [default: 0.1]
  --page-size N    events per page, 1 to 1000 [default: 20]
  --seed N         the sandbox's data and the fault plan derive from it [default: 2026]
  --timeout-ms N   the client's timeout per attempt; delayed and stalled pages wait twice
                   as long [default: 1000]
  --max-retries N  retries per request [default: 3; fewer than 2 makes the pages that fail
                   twice in a row, about one fault in four, fail their call]

Exits non-zero if an event is missing, doubled or unexpected, a call's events come out of
order, or a call fails.";

/// Retries the soak client allows per request by default (the facade's default, set
/// explicitly); the plan never fails a page more than twice in a row.
const MAX_RETRIES: u32 = 3;
/// The most calls a soak run lists: it must stay bounded in time.
const MAX_SOAK_CALLS: u64 = 20_000;
/// The child gives up (and fails the run) if the listing takes longer than this.
const CHILD_DEADLINE: Duration = Duration::from_secs(600);
/// Bytes of a page sent before a stall or a cut: less than any page's envelope.
const PARTIAL_BYTES: usize = 256;

#[derive(Debug, Clone, PartialEq)]
struct Options {
    calls: u64,
    concurrency: usize,
    fault_rate: f64,
    page_size: u32,
    seed: u64,
    timeout: Duration,
    max_retries: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            calls: 1000,
            concurrency: 32,
            fault_rate: 0.1,
            page_size: 20,
            seed: 2026,
            timeout: Duration::from_millis(1000),
            max_retries: MAX_RETRIES,
        }
    }
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |what: &str| {
            args.next()
                .ok_or_else(|| format!("{arg} needs {what}\n\n{USAGE}"))
        };
        match arg.as_str() {
            "--calls" => {
                options.calls = value("a number")?
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_SOAK_CALLS).contains(n))
                    .ok_or_else(|| format!("--calls must be 1 to {MAX_SOAK_CALLS}"))?;
            }
            "--concurrency" => {
                options.concurrency = value("a number")?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--concurrency must be a positive number")?;
            }
            "--fault-rate" => {
                options.fault_rate = value("a share")?
                    .parse()
                    .ok()
                    .filter(|p: &f64| (0.0..=1.0).contains(p))
                    .ok_or("--fault-rate must be a number from 0 to 1")?;
            }
            "--page-size" => {
                options.page_size = value("a number")?
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or("--page-size must be 1 to 1000")?;
            }
            "--seed" => {
                options.seed = value("a number")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?;
            }
            "--timeout-ms" => {
                let ms: u64 = value("a number")?
                    .parse()
                    .ok()
                    .filter(|n| (1..=60_000).contains(n))
                    .ok_or("--timeout-ms must be 1 to 60000")?;
                options.timeout = Duration::from_millis(ms);
            }
            "--max-retries" => {
                options.max_retries = value("a number")?
                    .parse()
                    .ok()
                    .filter(|n| *n <= 10)
                    .ok_or("--max-retries must be 0 to 10")?;
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------
// The fault plan.

/// One scripted fault: `fault` on page `page` of the call at index `call`, `times` times in
/// a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedFault {
    pub(crate) call: usize,
    pub(crate) page: u64,
    pub(crate) fault: Fault,
    pub(crate) times: u32,
}

/// A 64-bit mix (splitmix64's finalizer): a fixed, portable, well-spread function.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The retryable faults, in the order [`fault_kind`] numbers them. Retry-After is 1 s or
/// absent; a delay or a stall lasts twice the client's timeout, so the attempt times out.
fn fault_kind(kind: u64, timeout: Duration) -> Fault {
    let status = |code: StatusCode, retry_after: Option<u64>, html: bool| Fault::Status {
        status: code,
        retry_after,
        html,
    };
    match kind % FAULT_KINDS {
        0 => status(StatusCode::TOO_MANY_REQUESTS, None, false),
        1 => status(StatusCode::TOO_MANY_REQUESTS, Some(1), false),
        2 => status(StatusCode::INTERNAL_SERVER_ERROR, None, false),
        3 => status(StatusCode::BAD_GATEWAY, None, true),
        4 => status(StatusCode::SERVICE_UNAVAILABLE, Some(1), false),
        5 => status(StatusCode::GATEWAY_TIMEOUT, None, true),
        6 => Fault::CutBody {
            after_bytes: PARTIAL_BYTES,
        },
        7 => Fault::Disconnect,
        8 => Fault::Delay(timeout * 2),
        _ => Fault::StallBody {
            after_bytes: PARTIAL_BYTES,
            pause: timeout * 2,
        },
    }
}
const FAULT_KINDS: u64 = 10;

/// Chooses, for every page of every call (`pages[i]` pages for call `i`), whether it gets a
/// fault: each page independently with probability `rate`, as a pure function of `seed`, the
/// call's index and the page number. A chosen page gets one of the retryable faults, once, or
/// (one time in four) twice in a row, which the client's retries still ride out.
pub(crate) fn plan_faults(
    seed: u64,
    pages: &[u64],
    rate: f64,
    timeout: Duration,
) -> Vec<PlannedFault> {
    // Compare the top 53 bits of a mix against the rate scaled to 2^53.
    let threshold = (rate.clamp(0.0, 1.0) * (1u64 << 53) as f64) as u64;
    let mut plan = Vec::new();
    for (call, &count) in pages.iter().enumerate() {
        for page in 0..count {
            let draw = mix(seed ^ mix(((call as u64) << 32) ^ mix(page)));
            if draw >> 11 >= threshold {
                continue;
            }
            let second = mix(draw);
            plan.push(PlannedFault {
                call,
                page,
                fault: fault_kind(second >> 8, timeout),
                times: if second & 3 == 0 { 2 } else { 1 },
            });
        }
    }
    plan
}

/// Pages a call of `events` events takes at `page_size` (an empty call still has one page).
fn pages_of(events: u64, page_size: u32) -> u64 {
    events.div_ceil(u64::from(page_size)).max(1)
}

/// A short name for a fault, for the report.
fn fault_name(fault: &Fault) -> String {
    match fault {
        Fault::Status {
            status,
            retry_after,
            html,
        } => format!(
            "{}{}{}",
            status.as_u16(),
            if *html { " html" } else { "" },
            retry_after.map_or(String::new(), |s| format!(" Retry-After {s}"))
        ),
        Fault::CutBody { .. } => "cut body".to_owned(),
        Fault::Disconnect => "disconnect".to_owned(),
        Fault::Delay(_) => "delay > timeout".to_owned(),
        Fault::StallBody { .. } => "stalled body > timeout".to_owned(),
        other => format!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Comparing events.

/// A hash of a JSON value that does not depend on the order of object keys.
fn event_hash(value: &Value) -> u64 {
    fn feed(value: &Value, hasher: &mut DefaultHasher) {
        match value {
            Value::Null => 0u8.hash(hasher),
            Value::Bool(b) => (1u8, b).hash(hasher),
            Value::Number(n) => (2u8, n.to_string()).hash(hasher),
            Value::String(s) => (3u8, s).hash(hasher),
            Value::Array(items) => {
                (4u8, items.len()).hash(hasher);
                for item in items {
                    feed(item, hasher);
                }
            }
            Value::Object(map) => {
                (5u8, map.len()).hash(hasher);
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (key, item) in entries {
                    key.hash(hasher);
                    feed(item, hasher);
                }
            }
        }
    }
    // SipHash with fixed keys: the same in the parent and the child (the same binary).
    let mut hasher = DefaultHasher::new();
    feed(value, &mut hasher);
    hasher.finish()
}

/// How one call's fetched events compare with the expected ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Comparison {
    /// Fetched events matching an expected one that was already matched.
    pub(crate) duplicates: u64,
    /// Expected events never fetched.
    pub(crate) missing: u64,
    /// Fetched events matching no expected one.
    pub(crate) unexpected: u64,
    /// Whether the events fetched came in another order than expected (only meaningful when
    /// nothing is missing, doubled or unexpected).
    pub(crate) out_of_order: bool,
}

/// Compares the hashes of one call's fetched events against the expected ones, as multisets
/// and then in order.
pub(crate) fn compare(expected: &[u64], fetched: &[u64]) -> Comparison {
    let mut want: HashMap<u64, (u64, u64)> = HashMap::new();
    for hash in expected {
        want.entry(*hash).or_default().0 += 1;
    }
    let mut comparison = Comparison::default();
    for hash in fetched {
        match want.get_mut(hash) {
            Some((count, seen)) => {
                *seen += 1;
                if *seen > *count {
                    comparison.duplicates += 1;
                }
            }
            None => comparison.unexpected += 1,
        }
    }
    comparison.missing = want
        .values()
        .map(|(count, seen)| count.saturating_sub(*seen))
        .sum();
    comparison.out_of_order = comparison == Comparison::default() && expected != fetched;
    comparison
}

// ---------------------------------------------------------------------------------------
// The child: the client.

/// A short, space-free name for what kind of error ended a call.
fn error_kind(error: &Error) -> String {
    match error {
        Error::Api(api) => format!("api-{}", api.status),
        Error::Http { status, .. } => format!("http-{status}"),
        Error::Transport { source, .. } => format!("transport-{:?}", source.kind()),
        Error::Decode { .. } => "decode".to_owned(),
        Error::Paging { .. } => "paging".to_owned(),
        Error::InvalidInput { .. } | Error::InvalidSid(_) => "invalid-input".to_owned(),
        _ => "other".to_owned(),
    }
}

/// Lists every call of `args` (a [`Spec`] plus `timeout_ms=` and `max_retries=`) and prints
/// `call <sid> <hash>,...` and `fail <sid> <kind> <message>` lines, then the [`Measure`] line.
pub(crate) fn child_main(args: &[String]) -> Result<(), String> {
    let spec = Spec::parse(args)?;
    let extra = |key: &str| -> Result<u64, String> {
        args.iter()
            .find_map(|a| a.strip_prefix(key)?.strip_prefix('='))
            .ok_or_else(|| format!("missing {key}="))?
            .parse()
            .map_err(|e| format!("{key}: {e}"))
    };
    let timeout = Duration::from_millis(extra("timeout_ms")?);
    let max_retries = u32::try_from(extra("max_retries")?).map_err(|e| e.to_string())?;
    let token = std::env::var("TWILIO_AUTH_TOKEN").map_err(|_| "TWILIO_AUTH_TOKEN is not set")?;
    let account = spec.account_sid.parse().map_err(|e| format!("{e}"))?;
    let sids: Vec<CallSid> = spec
        .calls
        .iter()
        .map(|sid| sid.parse().map_err(|e| format!("{sid}: {e}")))
        .collect::<Result<_, String>>()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let started = Instant::now();
    let (fetched, failures) = runtime.block_on(async {
        let client = Client::builder()
            .auth_token(account, token)
            .base_url(spec.base_url.clone())
            .timeout(timeout)
            .max_retries(max_retries)
            .build()
            .map_err(|e| e.to_string())?;
        let listing = list_all(&client, sids, spec.concurrency, spec.page_size);
        tokio::time::timeout(CHILD_DEADLINE, listing)
            .await
            .map_err(|_| format!("the listing did not end within {CHILD_DEADLINE:?}"))
    })?;
    let wall_s = started.elapsed().as_secs_f64();
    let stat = procfs::stat("self").ok_or("cannot read /proc/self/stat")?;
    let precise = procfs::threads_cpu_s(None);
    let measure = Measure {
        events: fetched.values().map(|v| v.len() as u64).sum(),
        wall_s,
        cpu_s: precise.max(stat.user_s + stat.sys_s),
        user_s: stat.user_s,
        sys_s: stat.sys_s,
        peak_kib: procfs::vm_hwm_kib("self").ok_or("cannot read VmHWM")?,
    };
    drop(runtime);
    let mut out = String::new();
    for (sid, hashes) in &fetched {
        let list: Vec<String> = hashes.iter().map(|h| format!("{h:016x}")).collect();
        let list = if list.is_empty() {
            "-".to_owned()
        } else {
            list.join(",")
        };
        let _ = writeln!(out, "call {sid} {list}");
    }
    for (sid, kind, message) in &failures {
        // One line per failure: the message's line breaks become spaces.
        let message = message.replace(['\n', '\r'], " ");
        let _ = writeln!(out, "fail {sid} {kind} {message}");
    }
    let _ = write!(out, "{}", measure.to_line());
    println!("{out}");
    Ok(())
}

type Fetched = BTreeMap<String, Vec<u64>>;
type Failures = Vec<(String, String, String)>;

/// Lists every call's events, page by page, and hashes each event as it arrives.
async fn list_all(
    client: &Client,
    sids: Vec<CallSid>,
    concurrency: usize,
    page_size: u32,
) -> (Fetched, Failures) {
    let mut fetched: Fetched = sids.iter().map(|s| (s.to_string(), Vec::new())).collect();
    let mut failures = Vec::new();
    let mut pages = client
        .events_of_calls(sids)
        .concurrency(concurrency)
        .page_size(page_size)
        .pages();
    while let Some((sid, page)) = pages.next().await {
        match page {
            Ok(page) => {
                let hashes = fetched.entry(sid.to_string()).or_default();
                for event in page.items() {
                    // Encoding a decoded event back to JSON gives the page's JSON value (the
                    // model's invariant); a failure here is reported as a distinct hash.
                    let hash = serde_json::to_value(event).map_or(0, |v| event_hash(&v));
                    hashes.push(hash);
                }
            }
            Err(error) => failures.push((sid.to_string(), error_kind(&error), error.to_string())),
        }
    }
    (fetched, failures)
}

/// What the child printed.
#[derive(Debug, Default)]
struct ChildReport {
    fetched: HashMap<String, Vec<u64>>,
    failures: Vec<(String, String, String)>,
    measure: Measure,
}

fn parse_child(stdout: &str) -> Result<ChildReport, String> {
    let mut report = ChildReport::default();
    let mut measure = None;
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("call ") {
            let (sid, list) = rest.split_once(' ').ok_or("a call line without hashes")?;
            let hashes = if list == "-" {
                Vec::new()
            } else {
                list.split(',')
                    .map(|h| u64::from_str_radix(h, 16).map_err(|e| format!("hash {h}: {e}")))
                    .collect::<Result<_, _>>()?
            };
            report.fetched.insert(sid.to_owned(), hashes);
        } else if let Some(rest) = line.strip_prefix("fail ") {
            let mut parts = rest.splitn(3, ' ');
            let sid = parts.next().unwrap_or_default().to_owned();
            let kind = parts.next().unwrap_or_default().to_owned();
            let message = parts.next().unwrap_or_default().to_owned();
            report.failures.push((sid, kind, message));
        } else if line.starts_with("events=") {
            measure = Some(Measure::parse(line)?);
        }
    }
    report.measure = measure.ok_or("the soak client printed no measurements")?;
    Ok(report)
}

// ---------------------------------------------------------------------------------------
// The parent.

pub(crate) fn main(args: &[String]) -> Result<(), String> {
    let options = options(args)?;
    if !Path::new("/proc/self/stat").exists() {
        return Err("Linux only: the figures come from /proc".to_owned());
    }
    let run_started = Instant::now();
    // The sandbox runs on one worker thread of this process; the client in a child.
    let runtime = crate::suite::host_runtime()?;
    let host = Host::new();
    let sandbox = runtime
        .block_on(
            Sandbox::builder()
                .seed(options.seed)
                .calls(options.calls)
                .request_log(0)
                .start(),
        )
        .map_err(|e| format!("sandbox: {e}"))?;
    let sids = sandbox.call_sids();
    let pages: Vec<u64> = sids
        .iter()
        .map(|sid| pages_of(sandbox.event_count(sid).unwrap_or(0), options.page_size))
        .collect();
    let pages_needed: u64 = pages.iter().sum();

    let plan = plan_faults(options.seed, &pages, options.fault_rate, options.timeout);
    let mut planned_by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for planned in &plan {
        let sid = sids
            .get(planned.call)
            .ok_or("fault plan names an unknown call")?;
        sandbox.faults().push_rule(
            FaultRule::new(planned.fault.clone())
                .on_call(sid.clone())
                .on_page(planned.page)
                .times(planned.times),
        );
        *planned_by_kind
            .entry(fault_name(&planned.fault))
            .or_default() += u64::from(planned.times);
    }
    let faults_planned: u64 = plan.iter().map(|p| u64::from(p.times)).sum();

    let spec = Spec {
        variant: "soak".to_owned(),
        base_url: sandbox.base_url().to_owned(),
        account_sid: sandbox.account_sid().to_owned(),
        calls: sids.clone(),
        page_size: options.page_size,
        consumer_ms: 0,
        prefetch: false,
        concurrency: options.concurrency,
    };
    eprintln!(
        "twilio-bench soak: {} calls, {pages_needed} pages, {} pages with a fault ({faults_planned} faulty answers planned), concurrency {}",
        options.calls,
        plan.len(),
        options.concurrency
    );
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let sandbox_cpu_before = host.sandbox_cpu_s();
    let output = Command::new(exe)
        .arg("soak-client")
        .args(spec.to_args())
        .arg(format!("timeout_ms={}", options.timeout.as_millis()))
        .arg(format!("max_retries={}", options.max_retries))
        .env("TWILIO_AUTH_TOKEN", sandbox.auth_token())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run the soak client: {e}"))?;
    let sandbox_cpu_s = host.sandbox_cpu_s() - sandbox_cpu_before;
    if !output.status.success() {
        return Err(format!("the soak client failed: {}", output.status));
    }
    let child = parse_child(&String::from_utf8_lossy(&output.stdout))?;
    let stats = sandbox.stats();
    let pending = sandbox.faults().pending();

    // Every call's events against the sandbox's.
    let mut total = Comparison::default();
    let mut calls_out_of_order = 0u64;
    let mut calls_with_differences = Vec::new();
    let mut expected_events = 0u64;
    for sid in &sids {
        let expected: Vec<u64> = sandbox
            .events_json(sid)
            .ok_or_else(|| format!("the sandbox does not know its own call {sid}"))?
            .iter()
            .map(event_hash)
            .collect();
        expected_events += expected.len() as u64;
        let fetched = child.fetched.get(sid).map_or(&[][..], Vec::as_slice);
        let c = compare(&expected, fetched);
        total.duplicates += c.duplicates;
        total.missing += c.missing;
        total.unexpected += c.unexpected;
        calls_out_of_order += u64::from(c.out_of_order);
        if c != Comparison::default() {
            calls_with_differences.push(format!(
                "{sid}: {} missing, {} doubled, {} unexpected{}",
                c.missing,
                c.duplicates,
                c.unexpected,
                if c.out_of_order { ", out of order" } else { "" }
            ));
        }
    }
    runtime.block_on(sandbox.shutdown());
    drop(runtime);

    let mut failures_by_kind: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, kind, _) in &child.failures {
        *failures_by_kind.entry(kind.as_str()).or_default() += 1;
    }
    let retries = stats.requests.saturating_sub(pages_needed);
    // Both counts take every page as needed once: with a failed call, fewer were.
    let caveat = if child.failures.is_empty() {
        ""
    } else {
        " (calls failed: the pages needed are fewer, so these counts are too low)"
    };
    let m = &child.measure;
    let mut report = String::new();
    let _ = writeln!(report, "Soak run");
    let _ = writeln!(
        report,
        "- sandbox: seed {}, {} calls, page size {}, {pages_needed} pages, {expected_events} events",
        options.seed, options.calls, options.page_size
    );
    let _ = writeln!(
        report,
        "- client: events_of_calls, concurrency {}, timeout {} ms, max_retries {}",
        options.concurrency,
        options.timeout.as_millis(),
        options.max_retries
    );
    let _ = writeln!(
        report,
        "- calls: {} listed, {} failed{}",
        sids.len(),
        child.failures.len(),
        if failures_by_kind.is_empty() {
            String::new()
        } else {
            let kinds: Vec<String> = failures_by_kind
                .iter()
                .map(|(kind, n)| format!("{kind}: {n}"))
                .collect();
            format!(" ({})", kinds.join(", "))
        }
    );
    let _ = writeln!(
        report,
        "- events: {} fetched of {expected_events}; duplicates {}, missing {}, unexpected {}, calls out of order {calls_out_of_order}",
        m.events, total.duplicates, total.missing, total.unexpected
    );
    let kinds: Vec<String> = planned_by_kind
        .iter()
        .map(|(kind, n)| format!("{kind}: {n}"))
        .collect();
    let _ = writeln!(
        report,
        "- faults: {} pages of {pages_needed} with a fault ({:.1}%, target {:.1}%), {faults_planned} faulty answers planned, {} injected (sandbox), {pending} rules never reached",
        plan.len(),
        100.0 * plan.len() as f64 / pages_needed.max(1) as f64,
        100.0 * options.fault_rate,
        stats.faults_injected,
    );
    let _ = writeln!(report, "  planned by kind: {}", kinds.join(", "));
    let _ = writeln!(
        report,
        "- requests: {} seen by the sandbox, {pages_needed} pages needed, {retries} retries; {} pages served whole, {} connections",
        stats.requests, stats.pages_served, stats.connections_accepted
    );
    let _ = writeln!(
        report,
        "  retries beyond the faults injected: {}; pages served whole but given up on by the client (timeouts): {}{caveat}",
        retries.saturating_sub(stats.faults_injected),
        stats.pages_served.saturating_sub(pages_needed)
    );
    let _ = writeln!(
        report,
        "- client (child process): {:.3} s wall, {:.3} s CPU ({:.2} user + {:.2} sys), peak {:.1} MiB (VmHWM)",
        m.wall_s,
        m.cpu_s,
        m.user_s,
        m.sys_s,
        m.peak_kib as f64 / 1024.0
    );
    let _ = writeln!(
        report,
        "- sandbox (this process): {sandbox_cpu_s:.3} s CPU; whole run {:.3} s wall",
        run_started.elapsed().as_secs_f64()
    );
    for (sid, kind, message) in child.failures.iter().take(20) {
        let _ = writeln!(report, "  failed {sid} ({kind}): {message}");
    }
    for line in calls_with_differences.iter().take(20) {
        let _ = writeln!(report, "  differs {line}");
    }
    print!("{report}");

    let problems = total.duplicates + total.missing + total.unexpected + calls_out_of_order;
    if problems > 0 || !child.failures.is_empty() {
        return Err(format!(
            "soak FAILED: {} duplicates, {} missing, {} unexpected, {calls_out_of_order} calls out of order, {} calls failed",
            total.duplicates,
            total.missing,
            total.unexpected,
            child.failures.len()
        ));
    }
    println!("soak passed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_millis(1000);

    #[test]
    fn the_plan_is_deterministic_and_depends_on_the_seed() {
        let pages: Vec<u64> = (0..500).map(|i| 1 + i % 7).collect();
        let a = plan_faults(7, &pages, 0.1, TIMEOUT);
        assert_eq!(a, plan_faults(7, &pages, 0.1, TIMEOUT));
        assert_ne!(a, plan_faults(8, &pages, 0.1, TIMEOUT));
        // Every planned page exists, and no page is planned twice.
        let mut seen = std::collections::HashSet::new();
        for p in &a {
            assert!(p.page < pages[p.call], "{p:?}");
            assert!(seen.insert((p.call, p.page)), "{p:?}");
        }
    }

    #[test]
    fn the_plan_hits_about_the_requested_rate() {
        let pages = vec![5u64; 4000];
        let total = 20_000.0;
        for rate in [0.02, 0.1, 0.5] {
            let hit = plan_faults(2026, &pages, rate, TIMEOUT).len() as f64 / total;
            assert!((hit - rate).abs() < rate * 0.15, "rate {rate}: {hit}");
        }
        assert!(plan_faults(2026, &pages, 0.0, TIMEOUT).is_empty());
        assert_eq!(plan_faults(2026, &pages, 1.0, TIMEOUT).len(), 20_000);
    }

    #[test]
    fn planned_faults_are_retryable_short_and_within_the_retry_budget() {
        let pages = vec![4u64; 2000];
        let plan = plan_faults(1, &pages, 0.3, TIMEOUT);
        let mut kinds = std::collections::BTreeSet::new();
        let mut twice = 0;
        for p in &plan {
            assert!((1..=2).contains(&p.times), "{p:?}");
            twice += usize::from(p.times == 2);
            match &p.fault {
                Fault::Status {
                    status,
                    retry_after,
                    ..
                } => {
                    assert!(retryable_status(*status), "{p:?}");
                    assert!(retry_after.is_none_or(|s| s <= 1), "{p:?}");
                }
                Fault::Delay(d) => assert!(*d > TIMEOUT),
                Fault::StallBody { pause, .. } => assert!(*pause > TIMEOUT),
                Fault::CutBody { .. } | Fault::Disconnect => {}
                other => panic!("not a retryable fault: {other:?}"),
            }
            kinds.insert(fault_name(&p.fault));
        }
        // All ten kinds occur, and some pages fail twice in a row.
        assert_eq!(kinds.len(), FAULT_KINDS as usize, "{kinds:?}");
        assert!(twice > plan.len() / 8 && twice < plan.len() / 2, "{twice}");
    }

    fn retryable_status(status: StatusCode) -> bool {
        status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
    }

    #[test]
    fn event_hashes_ignore_key_order_only() {
        let a: Value = serde_json::from_str(r#"{"a":1,"b":{"c":[1,"x",null]}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"b":{"c":[1,"x",null]},"a":1}"#).unwrap();
        let c: Value = serde_json::from_str(r#"{"a":1,"b":{"c":[1,"x"]}}"#).unwrap();
        let d: Value = serde_json::from_str(r#"{"a":"1","b":{"c":[1,"x",null]}}"#).unwrap();
        assert_eq!(event_hash(&a), event_hash(&b));
        assert_ne!(event_hash(&a), event_hash(&c));
        assert_ne!(event_hash(&a), event_hash(&d));
    }

    #[test]
    fn comparison_counts_duplicates_missing_unexpected_and_order() {
        assert_eq!(compare(&[1, 2, 3], &[1, 2, 3]), Comparison::default());
        assert_eq!(
            compare(&[1, 2, 3], &[1, 2, 2, 9]),
            Comparison {
                duplicates: 1,
                missing: 1,
                unexpected: 1,
                out_of_order: false
            }
        );
        assert!(compare(&[1, 2, 3], &[2, 1, 3]).out_of_order);
        // An event that legitimately occurs twice is not a duplicate.
        assert_eq!(compare(&[4, 4], &[4, 4]), Comparison::default());
        assert_eq!(compare(&[4, 4], &[4]).missing, 1);
    }

    #[test]
    fn the_child_report_parses() {
        let stdout = "call CA1 00000000000000ff,0000000000000001\ncall CA2 -\n\
                      fail CA3 transport-Timeout fetching /x: timed out\n\
                      events=2 wall_s=0.5 cpu_s=0.25 user_s=0.2 sys_s=0.05 peak_kib=1000\n";
        let report = parse_child(stdout).unwrap();
        assert_eq!(report.fetched["CA1"], vec![255, 1]);
        assert!(report.fetched["CA2"].is_empty());
        assert_eq!(
            report.failures,
            vec![(
                "CA3".to_owned(),
                "transport-Timeout".to_owned(),
                "fetching /x: timed out".to_owned()
            )]
        );
        assert_eq!(report.measure.events, 2);
        assert!(parse_child("call CA1 -\n").is_err());
    }

    #[test]
    fn options_have_the_documented_defaults_and_bounds() {
        let args = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_owned).collect() };
        assert_eq!(options(&[]).unwrap(), Options::default());
        let o = options(&args("--calls 10 --concurrency 4 --fault-rate 0.5")).unwrap();
        assert_eq!((o.calls, o.concurrency, o.fault_rate), (10, 4, 0.5));
        assert!(options(&args("--fault-rate 1.5")).is_err());
        assert!(options(&args("--calls 0")).is_err());
        assert!(options(&args("--calls 20001")).is_err());
        assert!(options(&args("--page-size 1001")).is_err());
        assert!(options(&args("--bogus")).is_err());
    }

    #[test]
    fn an_empty_call_still_takes_one_page() {
        assert_eq!(pages_of(0, 20), 1);
        assert_eq!(pages_of(20, 20), 1);
        assert_eq!(pages_of(21, 20), 2);
    }
}
