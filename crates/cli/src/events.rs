//! `twilio-api calls events list`: the events of one call, or of many at once, labelled.

use std::collections::HashMap;
use std::io::{self, BufRead as _};

use futures::StreamExt as _;
use twilio_api::{AccountSid, CallSid, CallsEventsRequest, Client, ListPage, ListRequest};
use twilio_sandbox::Sandbox;

use crate::args::{Format, Global, ListEvents};
use crate::failure::{Failure, chain, describe, error_line, output_failure, resume_hint};
use crate::output::{self, Columns, Writer};
use crate::progress::Progress;
use crate::settings::client;
use crate::signals::StopSignals;

pub(crate) async fn list_events(
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
    let mut writer = Writer::new(list.output, stdout, Columns::Events);
    let mut progress = Progress::for_stderr();
    // Every format takes each event as the exact JSON it arrived as: JSON and NDJSON pass it
    // through, the table and CSV read their columns out of it (so that no number a float
    // cannot hold, in a member they do not show, fails the page).
    // Each event is a slice of its page's body (no copy per event).
    let events = call.events().list_raw().shared();
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
        Format::Table | Format::Csv => export!(events.picking::<output::RowColumns>()),
        Format::Json | Format::Ndjson => export!(events),
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
    let mut writer = Writer::with_options(list.output, stdout, Columns::Events, true, true);
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
    request: CallsEventsRequest<P>,
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
                error_line(&format!("{sid}: {}", describe(&err)));
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
