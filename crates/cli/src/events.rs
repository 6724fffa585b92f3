//! `twilio-api calls events list`: the events of one call, or of many at once, labelled.

use std::io::{self, BufRead as _};

use futures::StreamExt as _;
use twilio_api::model::{CallEvents, Page};
use twilio_api::{AccountSid, CallSid, Client, ListPage, ListRequest};
use twilio_export::SharedRaw;
use twilio_sandbox::Sandbox;

use crate::args::{Format, Global, ListEvents};
use crate::failure::Failure;
use crate::output::{self, Columns, Writer};
use crate::paging::{OnError, Stop, conclude, drive};
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
    // Every format takes each event as the exact JSON it arrived as: JSON and NDJSON pass it
    // through, the table and CSV read their columns out of it (so that no number a float
    // cannot hold, in a member they do not show, fails the page).
    // Each event is a slice of its page's body (no copy per event).
    let events = call.events().list_raw();
    // The export, for either page type (they differ in their type only).
    macro_rules! export {
        ($request:expr) => {
            drive(
                configure($request, &list).pages().map(|page| ((), page)),
                list.limit,
                list.from_page.clone(),
                OnError::Stop,
                &mut writer,
                &mut signals,
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
    let concluded = conclude(result, writer);
    drop(sandbox);
    concluded.map(drop)
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
    let result = drive(
        request.raw().pages(),
        list.limit,
        None,
        OnError::Report,
        &mut writer,
        signals,
    )
    .await;
    let interrupted = matches!(result, Err(Stop::Interrupted(..)));
    match conclude(result, writer) {
        Ok(0) => Ok(()),
        Ok(failed) => Err(Failure::Runtime(format!(
            "{failed} of {total} calls failed (see above)"
        ))),
        Err(Failure::Runtime(line)) if interrupted => Err(Failure::Runtime(format!(
            "{line}: every event written is whole, but calls may be incomplete"
        ))),
        Err(failure) => Err(failure),
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
