//! `twilio-api`: export a call's events from the Twilio REST API, or run the local sandbox.
//!
//! ```text
//! twilio-api calls events list --call-sid <CA…> [--page-size N] [--limit N] [--output table|json|ndjson|csv]
//! twilio-api calls events list --call-sid <CA…> --call-sid <CA…> [--concurrency N] ...
//! twilio-api calls events list --call-sid - < sids.txt     (one SID per line)
//! twilio-api sandbox serve [--bind 127.0.0.1:8080]
//! ```
//!
//! One call's events are written exactly as the API sent them (JSON, NDJSON). With more than
//! one call, calls are listed `--concurrency` at a time (default 4), their events interleave
//! (each call's in API order), and every event says its call: `{"call_sid": "CA…", "event":
//! {…}}` in JSON and NDJSON, a first `call_sid` column in CSV and the table. A call that fails
//! is reported on stderr and the others go on (exit code 1 at the end).
//!
//! Exit codes: 0 success; 2 bad usage or input caught before any request (a certificate
//! file that cannot be used, a proxy URL that cannot be used included); 1 any failure at run
//! time, on one stderr line with every cause once and Twilio's request id. Secrets come from
//! the environment only (a proxy password may also come from `--proxy`).
//!
//! Ctrl-C (SIGINT), SIGTERM and SIGHUP stop a listing between pages: what was written stays
//! whole (whole lines, a closed JSON array) and the error line names the page to resume from.
//! Error lines are one line each, of bounded length, with no control or bidirectional
//! characters.
#![forbid(unsafe_code)]
// Doc comments on the clap structs are the command's help text, where URLs stay bare.
#![allow(rustdoc::bare_urls)]

/// The binary's allocator. An export frees a megabyte or more after every page (its body, its
/// stop bits) and allocates as much again for the next: glibc's allocator gives the freed
/// memory back to the kernel and faults it in again, page after page; jemalloc keeps it for
/// the next page (BENCHMARKS.md: a tenth to a fifth less CPU time exporting 100 pages, all of
/// it the kernel's, and steady page faults). Not on MSVC, which jemalloc does not build for.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod args;
mod items;
mod output;
mod progress;
mod resources;
mod text;
mod webhook;

/// The code generated from the spec (`cargo xtask codegen`).
mod generated {
    pub(crate) mod commands;
}

use std::collections::HashMap;
use std::io::{self, BufRead as _, IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory as _, FromArgMatches as _};
use futures::StreamExt as _;
use twilio_api::model::{CallEvents, Page};
use twilio_api::{AccountSid, CallSid, Client, ClientBuilder, ListPage, ListRequest};
use twilio_export::SharedRaw;
use twilio_sandbox::Sandbox;

use crate::args::{Cli, Command, Format, Global, ListEvents};
use crate::output::Writer;
use crate::progress::Progress;

/// Exit code for bad usage or input caught before any request (as clap uses).
const EXIT_USAGE: u8 = 2;
/// Exit code for a failure at run time.
const EXIT_FAILURE: u8 = 1;

/// The most characters of an error message shown on its line (its start and its end); the
/// library's error keeps the whole text.
const MESSAGE_CHARS: usize = 600;
/// The longest page URI a resume hint shows.
const RESUME_URI_CHARS: usize = 800;
/// The most characters of any error line, whatever made it.
const LINE_CHARS: usize = 1600;

/// A failure, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// Caught before any request: exit 2.
    #[error("{0}")]
    Usage(String),
    /// At run time: exit 1.
    #[error("{0}")]
    Runtime(String),
    /// The reader of stdout went away (`| head`): stop quietly, as a filter does.
    #[error("stdout was closed")]
    Closed,
}

fn main() -> ExitCode {
    let matches = resources::command(Cli::command()).get_matches();
    let generated = resources::find(&matches).map(|(index, _)| index);
    let parsed = match generated {
        Some(_) => args::Global::from_arg_matches(&matches).map(Parsed::Generated),
        None => Cli::from_arg_matches(&matches).map(Parsed::Cli),
    };
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(err) => err.exit(),
    };
    // Before the runtime opens any file: a closed descriptor 1 would be reused.
    let stdout = output::claim_stdout();
    init_tracing(parsed.global().verbose);
    let runtime = match runtime(&parsed) {
        Ok(runtime) => runtime,
        Err(err) => {
            return report(&Failure::Runtime(format!(
                "cannot start the runtime: {err}"
            )));
        }
    };
    let outcome = match parsed {
        Parsed::Cli(cli) => runtime.block_on(run(cli, stdout)),
        Parsed::Generated(global) => match resources::find(&matches) {
            Some((index, leaf)) => runtime.block_on(resources::run(index, leaf, &global, stdout)),
            None => Err(Failure::Usage("no such command".to_owned())),
        },
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure),
    }
}

/// The runtime a command runs on. A client command (an export, a fetch) runs on the main
/// thread alone: the connection, the prefetch of the next page (a task), the decoding and the
/// writing take turns, and several calls listed at once are streams polled together. The
/// kernel still receives the next page while a page is written, and nothing waits on
/// another thread: on the export of 100 pages this took a sixth off the CPU time of one
/// worker thread beside the main one (itself half the CPU time of one worker per core),
/// without a longer wall time (see BENCHMARKS.md). `sandbox serve` is a server: one worker
/// per core.
fn runtime(parsed: &Parsed) -> std::io::Result<tokio::runtime::Runtime> {
    let serving = matches!(
        parsed,
        Parsed::Cli(Cli {
            command: Command::Sandbox(_),
            ..
        })
    );
    let mut builder = if serving {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder.enable_all().build()
}

/// The command line, parsed: a hand-written command, or a generated one (its global options;
/// its own flags stay in the matches).
enum Parsed {
    Cli(Cli),
    Generated(Global),
}

impl Parsed {
    fn global(&self) -> &Global {
        match self {
            Parsed::Cli(cli) => &cli.global,
            Parsed::Generated(global) => global,
        }
    }
}

fn report(failure: &Failure) -> ExitCode {
    let code = match failure {
        Failure::Usage(_) => EXIT_USAGE,
        Failure::Runtime(_) => EXIT_FAILURE,
        Failure::Closed => return ExitCode::SUCCESS,
    };
    // One line, on stderr; the messages never contain secrets.
    let line = failure.to_string();
    let line = text::printable(&line);
    let line = text::bounded(&line, LINE_CHARS);
    let _ = writeln!(io::stderr().lock(), "twilio-api: error: {line}");
    ExitCode::from(code)
}

/// Logs on stderr (never mixed with the output), when asked: `-v` shows each request and
/// retry, `-vv` more of the client, `-vvv` everything; `RUST_LOG` directives come on top (or
/// alone). Nothing is logged otherwise.
fn init_tracing(verbose: u8) {
    let rust_log = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let base = match verbose {
        0 if rust_log.is_none() => return,
        0 => "warn",
        1 => "warn,twilio_transport=debug,twilio_pager=info,twilio_api=info",
        2 => "info,twilio_transport=debug,twilio_pager=debug,twilio_api=debug,twilio_api_cli=debug",
        _ => "trace",
    };
    let directives = match rust_log {
        Some(extra) => format!("{base},{extra}"),
        None => base.to_owned(),
    };
    let stderr = io::stderr();
    let ansi = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::builder().parse_lossy(directives))
        .with_writer(io::stderr)
        .with_ansi(ansi)
        .try_init();
}

async fn run(cli: Cli, stdout: io::Result<output::Stdout>) -> Result<(), Failure> {
    match cli.command {
        Command::Calls(args::Calls {
            command:
                args::CallsCommand::Events(args::Events {
                    command: args::EventsCommand::List(list),
                }),
        }) => list_events(&cli.global, list, stdout).await,
        Command::Sandbox(args::SandboxArgs {
            command: args::SandboxCommand::Serve(serve),
        }) => serve_sandbox(serve).await,
        Command::Webhook(webhook) => webhook::run(webhook),
    }
}

/// Builds the client from the global options and the environment. With `--sandbox`, starts
/// the embedded sandbox and uses its address and credentials instead.
async fn client(global: &Global) -> Result<(Client, Option<Sandbox>), Failure> {
    let (mut builder, sandbox) = if global.sandbox {
        let sandbox = Sandbox::builder()
            .start()
            .await
            .map_err(|e| Failure::Runtime(format!("cannot start the sandbox: {}", chain(&e))))?;
        let account: AccountSid = sandbox
            .account_sid()
            .parse()
            .map_err(|e| Failure::Runtime(format!("sandbox account: {e}")))?;
        // The embedded sandbox is in this process: no proxy has anything to do with it.
        let builder = Client::builder()
            .auth_token(account, sandbox.auth_token())
            .base_url(sandbox.base_url())
            .no_proxy();
        (builder, Some(sandbox))
    } else {
        let overrides = [
            ("TWILIO_ACCOUNT_SID", global.account_sid.clone()),
            ("TWILIO_REGION", global.region.clone()),
            ("TWILIO_EDGE", global.edge.clone()),
        ];
        let lookup = |name: &str| {
            overrides
                .iter()
                .find(|(key, _)| *key == name)
                .and_then(|(_, value)| value.clone())
                .or_else(|| std::env::var(name).ok().filter(|v| !v.is_empty()))
        };
        let mut builder =
            ClientBuilder::from_lookup(lookup).map_err(|e| Failure::Usage(chain(&e)))?;
        if let Some(base_url) = &global.base_url {
            builder = builder.base_url(base_url.clone());
        }
        if let Some(proxy) = &global.proxy {
            builder = builder.proxy(proxy.0.clone());
        }
        if global.no_proxy {
            builder = builder.no_proxy();
        }
        (builder, None)
    };
    if let Some(seconds) = global.timeout {
        builder = builder.timeout(Duration::from_secs_f64(seconds));
    }
    if global.system_roots {
        builder = builder.root_store(twilio_api::RootStore::System);
    }
    for file in &global.ca_file {
        builder = builder.add_root_certificate_file(file.clone());
    }
    builder = builder.max_retries(global.max_retries);
    // A certificate file or proxy URL that cannot be used is a usage error (exit 2) too.
    let client = builder.build().map_err(|e| Failure::Usage(chain(&e)))?;
    Ok((client, sandbox))
}

async fn list_events(
    global: &Global,
    list: ListEvents,
    stdout: io::Result<output::Stdout>,
) -> Result<(), Failure> {
    let (client, sandbox) = client(global).await?;
    let mut call_sids = call_sids(&list, sandbox.as_ref())?;
    let account = match &list.account_sid_path {
        Some(sid) => Some(
            sid.parse::<AccountSid>()
                .map_err(|e| Failure::Usage(format!("--subaccount: {e}")))?,
        ),
        None => None,
    };
    // An export is its output: with nowhere to write it, fetch nothing (bad input first).
    let stdout =
        stdout.map_err(|err| Failure::Runtime(format!("stdout cannot take the output: {err}")))?;
    // From here on, these stop the listing between pages instead of killing the process.
    let mut signals = StopSignals::install()?;
    if call_sids.len() > 1 {
        let result = list_many(&client, account, call_sids, &list, stdout, &mut signals).await;
        drop(sandbox);
        return result;
    }
    let call_sid = call_sids
        .pop()
        .ok_or_else(|| Failure::Usage("--call-sid is required".to_owned()))?;
    let call = match account {
        Some(account) => client.account(account).call(call_sid),
        None => client.call(call_sid),
    };
    let mut writer = Writer::new(list.output, stdout).map_err(output_failure)?;
    let mut progress = Progress::for_stderr();
    // Every format takes each event as the exact JSON it arrived as: JSON and NDJSON pass it
    // through, the table and CSV read their columns out of it (so that no number a float
    // cannot hold, in a member they do not show, fails the page).
    // Each event is a slice of its page's body (no copy per event): twilio-export's pages.
    let events = call.events().list_raw();
    // The export, for either page type (they differ in their type only).
    macro_rules! export {
        ($request:expr) => {
            drive(
                configure($request, &list),
                list.limit,
                &mut writer,
                &mut progress,
                &mut signals,
                Writer::shared_page,
            )
            .await
        };
    }
    let result = match list.output {
        // They read the same five members of every event: the scan of each page picks them.
        Format::Table | Format::Csv => {
            export!(events.pages_as::<Page<SharedRaw<CallEvents, output::RowColumns>>>())
        }
        Format::Json | Format::Ndjson => export!(events.pages_as::<Page<SharedRaw<CallEvents>>>()),
    };
    progress.finish();
    if let Err(Stop::Api(err)) = &result
        && err.is_invalid_input()
    {
        // Rejected before any request: nothing was written, and nothing is.
        return Err(Failure::Usage(chain(err)));
    }
    // Whatever was fetched before a failure stays written, and the output stays well-formed.
    let finished = writer.finish();
    drop(sandbox);
    // The listing's own failure is the one to report; an output failure only when it is alone.
    match result {
        Ok(()) => finished.map_err(output_failure),
        Err(Stop::Output(err)) => Err(output_failure(err)),
        Err(Stop::Api(err)) => Err(Failure::Runtime(describe(&err))),
        Err(Stop::Interrupted(signal, next)) => {
            // Before the first page, the place to resume from is where the listing started.
            let resume = next.as_deref().or(list.from_page.as_deref());
            Err(Failure::Runtime(match resume.and_then(resume_hint) {
                Some(hint) => format!("interrupted by {signal}; {hint}"),
                None => format!("interrupted by {signal}"),
            }))
        }
    }
}

/// `resume with --from-page '<uri>'`, for a page URI that is printable and safe between
/// single quotes: relative to the API host, or absolute without userinfo. `None` for anything
/// else: a server's link is not shown raw on a terminal or handed to a shell, and a password
/// is not shown at all. (`--from-page` itself goes through the pager's origin check, like
/// every link.) A URI too long for one readable line is not shown either, but said to be.
fn resume_hint(uri: &str) -> Option<String> {
    let absolute = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"));
    let shaped = match absolute {
        Some(rest) => !rest.split('/').next().unwrap_or(rest).contains('@'),
        None => uri.starts_with('/') && !uri.starts_with("//"),
    };
    let printable = uri
        .chars()
        .all(|c| c.is_ascii_graphic() && c != '\'' && c != '\\');
    if !(shaped && printable) {
        return None;
    }
    Some(if uri.len() > RESUME_URI_CHARS {
        format!(
            "the page to resume from has a URI of {} characters, too long to show",
            uri.len()
        )
    } else {
        format!("resume with --from-page '{uri}'")
    })
}

/// The calls to list: every `--call-sid` in order, `-` standing for the SIDs on stdin (one
/// per line, blank lines skipped); with `--sandbox` and none given, the sandbox's first call.
fn call_sids(list: &ListEvents, sandbox: Option<&Sandbox>) -> Result<Vec<CallSid>, Failure> {
    if list.call_sid.is_empty() {
        return match sandbox {
            Some(sandbox) => sandbox
                .call_sids()
                .first()
                .and_then(|sid| sid.parse().ok())
                .map(|sid| vec![sid])
                .ok_or_else(|| Failure::Runtime("the sandbox has no calls".to_owned())),
            None => Err(Failure::Usage("--call-sid is required".to_owned())),
        };
    }
    let mut sids: Vec<CallSid> = Vec::new();
    for arg in &list.call_sid {
        if arg != "-" {
            sids.push(
                arg.parse().map_err(|e: twilio_api::SidError| {
                    Failure::Usage(format!("--call-sid: {e}"))
                })?,
            );
            continue;
        }
        for (number, line) in io::stdin().lock().lines().enumerate() {
            let line =
                line.map_err(|e| Failure::Usage(format!("--call-sid -: reading stdin: {e}")))?;
            let sid = line.trim();
            if sid.is_empty() {
                continue;
            }
            sids.push(sid.parse().map_err(|e: twilio_api::SidError| {
                Failure::Usage(format!("--call-sid - (stdin line {}): {e}", number + 1))
            })?);
        }
    }
    if sids.is_empty() {
        return Err(Failure::Usage(
            "--call-sid -: no call SID on stdin".to_owned(),
        ));
    }
    // A call named twice is listed once, where it first appears.
    let mut seen = std::collections::HashSet::new();
    sids.retain(|sid| seen.insert(sid.clone()));
    Ok(sids)
}

/// Lists several calls at once, `--concurrency` at a time, every event labelled with its call.
/// A call that fails is reported on stderr as it fails and the others go on; the exit code is
/// then 1.
async fn list_many(
    client: &Client,
    account: Option<AccountSid>,
    call_sids: Vec<CallSid>,
    list: &ListEvents,
    stdout: output::Stdout,
    signals: &mut StopSignals,
) -> Result<(), Failure> {
    if list.from_page.is_some() {
        return Err(Failure::Usage(
            "--from-page resumes one call: list that call alone".to_owned(),
        ));
    }
    let total = call_sids.len();
    let mut request = match account {
        Some(account) => client.account(account).events_of_calls(call_sids),
        None => client.events_of_calls(call_sids),
    }
    .concurrency(usize::from(list.concurrency))
    .page_size(list.page_size);
    if let Some(limit) = list.limit {
        request = request.limit(limit);
    }
    let mut writer = Writer::with_labels(list.output, stdout, true).map_err(output_failure)?;
    let mut progress = Progress::for_stderr();
    let result = drive_many(
        request.raw(),
        list.limit,
        &mut writer,
        &mut progress,
        signals,
        |w, sid, e| w.raw_of(Some(sid), e),
    )
    .await;
    progress.finish();
    let finished = writer.finish();
    match result {
        Ok(0) => finished.map_err(output_failure),
        Ok(failed) => Err(Failure::Runtime(format!(
            "{failed} of {total} calls failed (see above)"
        ))),
        Err(Stop::Output(err)) => Err(output_failure(err)),
        Err(Stop::Interrupted(signal, _)) => Err(Failure::Runtime(format!(
            "interrupted by {signal}: every event written is whole, but calls may be incomplete"
        ))),
        Err(Stop::Api(err)) => Err(Failure::Runtime(describe(&err))),
    }
}

/// Writes every page of every call as it arrives; returns how many calls failed.
async fn drive_many<P, W>(
    request: twilio_api::Listings<CallSid, P>,
    limit: Option<u64>,
    writer: &mut Writer<W>,
    progress: &mut Progress,
    signals: &mut StopSignals,
    mut write: impl FnMut(&mut Writer<W>, &str, &P::Item) -> io::Result<()>,
) -> Result<usize, Stop>
where
    P: ListPage,
    W: io::Write,
{
    // Each call's pager stops after the page that reaches the limit; the rest is cut here.
    let mut written: HashMap<CallSid, u64> = HashMap::new();
    let mut failed = 0;
    let mut pages = request.pages();
    // A stop signal stops between pages, so that what was written stays whole and well-formed.
    loop {
        let next = tokio::select! {
            next = pages.next() => next,
            signal = signals.recv() => return Err(Stop::Interrupted(signal, None)),
        };
        let Some((sid, page)) = next else { break };
        let page = match page {
            Ok(page) => page,
            Err(err) => {
                failed += 1;
                progress.finish();
                let line = format!("{sid}: {}", describe(&err));
                let line = text::bounded(&line, LINE_CHARS);
                let _ = writeln!(io::stderr().lock(), "twilio-api: error: {line}");
                continue;
            }
        };
        let mut items = page.items();
        if let Some(limit) = limit {
            let done = written.entry(sid.clone()).or_default();
            let take = usize::try_from(limit.saturating_sub(*done)).unwrap_or(usize::MAX);
            items = items.get(..take).unwrap_or(items);
            *done += items.len() as u64;
        }
        progress.page(items.len());
        for item in items {
            write(writer, sid.as_str(), item).map_err(Stop::Output)?;
        }
        writer.flush().map_err(Stop::Output)?;
    }
    Ok(failed)
}

/// Why a listing stopped early.
enum Stop {
    Api(twilio_api::Error),
    Output(io::Error),
    /// A stop signal (its name), and the page to continue from, if the listing had one left.
    Interrupted(&'static str, Option<String>),
}

/// The signals that stop a listing between pages: Ctrl-C (SIGINT) and, on Unix, SIGTERM
/// (`kill`, `timeout`, systemd, Kubernetes) and SIGHUP (a terminal that went away), all alike.
#[cfg(unix)]
struct StopSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl StopSignals {
    /// Handles the signals from now on (their default action, ending the process on the spot,
    /// is off for good).
    fn install() -> Result<Self, Failure> {
        use tokio::signal::unix::{SignalKind, signal};
        let handle = |kind, name| {
            signal(kind).map_err(|e| Failure::Runtime(format!("cannot handle {name}: {e}")))
        };
        Ok(Self {
            interrupt: handle(SignalKind::interrupt(), "SIGINT")?,
            terminate: handle(SignalKind::terminate(), "SIGTERM")?,
            hangup: handle(SignalKind::hangup(), "SIGHUP")?,
        })
    }

    /// The name of the first of them to arrive.
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            Some(()) = self.interrupt.recv() => "SIGINT",
            Some(()) = self.terminate.recv() => "SIGTERM",
            Some(()) = self.hangup.recv() => "SIGHUP",
            else => std::future::pending().await,
        }
    }
}

/// Ctrl-C, off Unix.
#[cfg(not(unix))]
struct StopSignals;

#[cfg(not(unix))]
impl StopSignals {
    fn install() -> Result<Self, Failure> {
        Ok(Self)
    }

    async fn recv(&mut self) -> &'static str {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        "Ctrl-C"
    }
}

fn output_failure(err: io::Error) -> Failure {
    if err.kind() == io::ErrorKind::BrokenPipe {
        Failure::Closed
    } else {
        Failure::Runtime(format!("writing to stdout: {err}"))
    }
}

fn configure<P: ListPage>(mut request: ListRequest<P>, list: &ListEvents) -> ListRequest<P> {
    request = request.page_size(list.page_size);
    if let Some(limit) = list.limit {
        request = request.limit(limit);
    }
    if let Some(from_page) = &list.from_page {
        request = request.from_page(from_page.clone());
    }
    request
}

/// Writes every item of every page as it arrives, flushing after each page so that a reader
/// downstream sees events as soon as their page is in.
async fn drive<P, W>(
    request: ListRequest<P>,
    limit: Option<u64>,
    writer: &mut Writer<W>,
    progress: &mut Progress,
    signals: &mut StopSignals,
    mut write: impl FnMut(&mut Writer<W>, &[P::Item]) -> io::Result<()>,
) -> Result<(), Stop>
where
    P: ListPage,
    W: io::Write,
{
    // The pager stops after the page that reaches the limit; the rest of that page is cut here.
    let mut remaining = limit.unwrap_or(u64::MAX);
    let mut pages = request.pages();
    // A stop signal stops between pages, so that what was written stays whole and
    // well-formed and the next page is the one to resume from.
    let mut next_page: Option<String> = None;
    loop {
        let page = tokio::select! {
            page = pages.next() => page,
            signal = signals.recv() => return Err(Stop::Interrupted(signal, next_page)),
        };
        let Some(page) = page else { break };
        let page = page.map_err(Stop::Api)?;
        next_page = page.next_page_uri().map(str::to_owned);
        let take = usize::try_from(remaining).unwrap_or(usize::MAX);
        let items = page.items();
        let items = items.get(..take).unwrap_or(items);
        remaining -= items.len() as u64;
        progress.page(items.len());
        write(writer, items).map_err(Stop::Output)?;
        writer.flush().map_err(Stop::Output)?;
    }
    Ok(())
}

/// An error and its causes, each message once: `what: why: deeper cause`.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}

/// One line: what failed and why (Twilio's code and message, the status, the proxy or the
/// certificate), Twilio's request id to quote to support, where to resume.
fn describe(err: &twilio_api::Error) -> String {
    let mut line = text::bounded(&text::printable(&chain(err)), MESSAGE_CHARS).into_owned();
    if let Some(request_id) = err.request_id() {
        line.push_str(" [Twilio request id ");
        line.push_str(request_id);
        line.push(']');
    }
    if let Some(hint) = err.resume_uri().and_then(resume_hint) {
        line.push_str("; ");
        line.push_str(&hint);
    }
    line
}

async fn serve_sandbox(serve: args::Serve) -> Result<(), Failure> {
    let mut builder = Sandbox::builder()
        .bind(serve.bind)
        .seed(serve.seed)
        .tls(serve.tls);
    if let Some(calls) = serve.calls {
        builder = builder.calls(calls);
    }
    for events in &serve.call_with_events {
        builder = builder.call_with_events(*events);
    }
    if let Some(ms) = serve.latency_ms {
        builder = builder.latency(Duration::from_millis(ms));
    }
    if let Some(url) = &serve.webhook_url {
        builder = builder.webhook_url(url.clone());
    }
    let sandbox = builder.start().await.map_err(|e| match e {
        twilio_sandbox::SandboxError::WebhookUrl { .. } => Failure::Usage(chain(&e)),
        _ => Failure::Runtime(format!(
            "cannot start the sandbox on {}: {}",
            serve.bind,
            chain(&e)
        )),
    })?;
    let scripted = serve.fault.len();
    for rule in serve.fault {
        sandbox.faults().push_rule(rule);
    }
    let ca_file = match sandbox.ca_certificate_pem() {
        Some(pem) => Some(CaFile::write(pem, sandbox.addr().port())?),
        None => None,
    };
    {
        // The sandbox's credentials are public test values: printing them is its purpose.
        let mut out = io::stdout().lock();
        writeln!(out, "{}", sandbox.summary())
            .and_then(|()| match &ca_file {
                Some(file) => writeln!(
                    out,
                    "CA certificate (throwaway, trust it with --ca-file): {}",
                    file.0.display()
                ),
                None => Ok(()),
            })
            .and_then(|()| match scripted {
                0 => Ok(()),
                n => writeln!(out, "{n} scripted fault(s) queued"),
            })
            .and_then(|()| webhook::announce(&sandbox, &mut out))
            .and_then(|()| writeln!(out, "press Ctrl-C to stop"))
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Runtime(format!("writing the summary: {e}")))?;
    }
    tokio::select! {
        stopped = tokio::signal::ctrl_c() => {
            stopped.map_err(|e| Failure::Runtime(format!("waiting for Ctrl-C: {e}")))?;
        }
        () = webhook::report(&sandbox) => {}
    }
    sandbox.shutdown().await;
    drop(ca_file);
    Ok(())
}

/// The throwaway CA's certificate, written to a new file in the temporary directory and
/// removed when dropped.
struct CaFile(std::path::PathBuf);

impl CaFile {
    fn write(pem: &str, port: u16) -> Result<Self, Failure> {
        let path = std::env::temp_dir().join(format!(
            "twilio-sandbox-ca-{}-{port}.pem",
            std::process::id()
        ));
        // A new file only: never write through a link someone else left there.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| {
                Failure::Runtime(format!(
                    "cannot create the CA certificate file {}: {e}",
                    path.display()
                ))
            })?;
        let written = CaFile(path);
        file.write_all(pem.as_bytes()).map_err(|e| {
            Failure::Runtime(format!(
                "cannot write the CA certificate file {}: {e}",
                written.0.display()
            ))
        })?;
        Ok(written)
    }
}

impl Drop for CaFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::resume_hint;

    #[test]
    fn resume_hints_show_only_safe_uris_without_userinfo() {
        let relative = "/2010-04-01/Accounts/AC1/Calls/CA1/Events.json?Page=2&PageToken=PA%2B";
        assert_eq!(
            resume_hint(relative).unwrap(),
            format!("resume with --from-page '{relative}'")
        );
        assert!(resume_hint("https://api.twilio.com/x?Page=1").is_some());
        for hostile in [
            "/x?a='; rm -rf ~ '",
            "/x\u{1b}[2J",
            "//evil.example/x",
            "javascript:x",
            "/x y",
            "",
            "https://user:pw@api.twilio.com/x?Page=1",
            "http://pw@127.0.0.1:9/x",
        ] {
            assert_eq!(resume_hint(hostile), None, "{hostile:?}");
        }
        assert!(resume_hint("https://api.twilio.com/x?a=b@c").is_some());
        let long = format!("/x?PageToken={}", "a".repeat(2000));
        assert_eq!(
            resume_hint(&long).unwrap(),
            "the page to resume from has a URI of 2013 characters, too long to show"
        );
    }
}
