//! Many creates from one command: `--input PATH|-` (CSV with a header row, or NDJSON), one
//! create per row, `--concurrency` at a time behind the client's limiter
//! ([`twilio_api::bulk::send_all`]), each row's outcome printed as it happens and, with
//! `--journal PATH`, recorded durably, so that a run killed at any point and started again
//! with the same journal sends no row twice.
//!
//! A row's columns are the command's flag names without `--` (`to,body`); a flag given on the
//! command line applies to every row, and a row's own value wins (an empty CSV cell, or a
//! `null` in NDJSON, is no value). Every row is checked before any request: a column that is
//! no flag of the command, or a value not of its type, is exit 2 and nothing is sent.
//!
//! The journal is NDJSON, one record a line, each written and flushed to disk
//! (`sync_data`) before the run goes on: a first line naming the command and the number of
//! rows, then for each row `sending` (before its request leaves, with a fingerprint of the
//! request) and then its outcome: `created` (with its SID), `failed` (Twilio's status, code
//! and message) or `unknown`. A row whose last record is `sending` (the run died while it was
//! in flight) is unknown. A run given a journal sends none of the rows it records again,
//! unknown ones only with `--resend-unknown`; its exit code covers every row (0 all created,
//! 1 some failed, 3 some unknown, 3 winning).
//!
//! Ctrl-C, SIGTERM or SIGHUP: nothing new starts, the requests in flight finish and are
//! journalled, and the run ends with exit 1 (3 if a row is unknown).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::future::{Future, IntoFuture};
use std::io::{self, BufRead as _, IsTerminal as _, Read as _, Write as _};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use clap::ArgMatches;
use futures::StreamExt as _;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use twilio_api::WriteRequest;
use twilio_api::bulk::{Outcome, send_all};

use crate::args::Format;
use crate::failure::Failure;
use crate::signals::StopSignals;
use crate::writes::{Values, WriteSpec, is_flag, prepare};

/// The options of a bulk run.
pub(crate) struct Bulk {
    pub(crate) input: String,
    pub(crate) ndjson: bool,
    pub(crate) journal: Option<PathBuf>,
    pub(crate) resend_unknown: bool,
    pub(crate) concurrency: usize,
}

impl Bulk {
    /// The bulk options of a create's matches; `None` without `--input`.
    pub(crate) fn of(m: &ArgMatches) -> Option<Self> {
        let input = m
            .try_get_one::<String>("bulk-input")
            .ok()
            .flatten()?
            .clone();
        let format = m.try_get_one::<String>("input-format").ok().flatten();
        let ndjson = match format.map(String::as_str) {
            Some(format) => format == "ndjson",
            None => input.ends_with(".ndjson") || input.ends_with(".jsonl"),
        };
        Some(Self {
            input,
            ndjson,
            journal: m.try_get_one::<PathBuf>("journal").ok().flatten().cloned(),
            resend_unknown: m
                .try_get_one::<bool>("resend-unknown")
                .ok()
                .flatten()
                .copied()
                .unwrap_or(false),
            concurrency: m
                .try_get_one::<u16>("concurrency")
                .ok()
                .flatten()
                .map_or(twilio_api::DEFAULT_CONCURRENCY, |n| usize::from(*n)),
        })
    }
}

/// One data row: its flags (without `--`) and values, in order (a repeated flag is an
/// array's values).
type Row = Vec<(String, String)>;

/// Reads the rows of `--input`: CSV with a header row, or NDJSON objects. Every column must
/// be a flag of `spec`.
fn read_rows(spec: &WriteSpec, bulk: &Bulk) -> Result<Vec<Row>, Failure> {
    let mut text = Vec::new();
    let read = if bulk.input == "-" {
        io::stdin().lock().read_to_end(&mut text)
    } else {
        File::open(&bulk.input).and_then(|mut file| file.read_to_end(&mut text))
    };
    read.map_err(|e| Failure::Usage(format!("--input {}: {e}", bulk.input)))?;
    let command = spec.words.join(" ");
    let column = |name: &str, row: usize| {
        if is_flag(spec, name) {
            Ok(())
        } else {
            Err(Failure::Usage(format!(
                "--input: row {row}: {name:?} is no flag of `{command}` (columns are flag names \
                 without --)"
            )))
        }
    };
    let mut rows = Vec::new();
    if bulk.ndjson {
        let mut number = 0;
        for (line_number, line) in text.lines().enumerate() {
            let line = line.map_err(|e| Failure::Usage(format!("--input: {e}")))?;
            if line.trim().is_empty() {
                continue;
            }
            number += 1;
            let object: serde_json::Map<String, Value> =
                serde_json::from_str(&line).map_err(|e| {
                    Failure::Usage(format!(
                        "--input: line {}: not a JSON object: {e}",
                        line_number + 1
                    ))
                })?;
            let mut row = Row::new();
            for (name, value) in object {
                column(&name, number)?;
                match value {
                    Value::Null => {}
                    Value::Array(items) => {
                        for item in items {
                            row.push((name.clone(), text_of(item)));
                        }
                    }
                    other => row.push((name, text_of(other))),
                }
            }
            rows.push(row);
        }
    } else {
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_slice());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| Failure::Usage(format!("--input: the CSV header: {e}")))?
            .iter()
            .map(|name| name.trim().to_owned())
            .collect();
        for name in &header {
            column(name, 0)?;
        }
        for (index, record) in reader.records().enumerate() {
            let record =
                record.map_err(|e| Failure::Usage(format!("--input: row {}: {e}", index + 1)))?;
            rows.push(
                header
                    .iter()
                    .zip(record.iter())
                    .filter(|(_, cell)| !cell.is_empty())
                    .map(|(name, cell)| (name.clone(), cell.to_owned()))
                    .collect(),
            );
        }
    }
    if rows.is_empty() {
        return Err(Failure::Usage(format!("--input {}: no row", bulk.input)));
    }
    Ok(rows)
}

/// A JSON value as a flag's text: a string as it is, anything else as its JSON.
fn text_of(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

/// A row's state in the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Created,
    Failed,
    Unknown,
}

/// What a journal records: each row's last state, and the fingerprint of the request it sent.
type Recorded = BTreeMap<usize, (State, String)>;

/// The journal of a bulk run: read once at the start, then appended to, each record on disk
/// before the run goes on.
struct Journal {
    file: Mutex<File>,
    path: PathBuf,
}

impl Journal {
    /// Opens (or creates) the journal at `path` for `rows` rows of `command`, and reads what
    /// it records: each row's last state and the fingerprint of the request it sent.
    fn open(path: PathBuf, command: &str, rows: usize) -> Result<(Self, Recorded), Failure> {
        let bad = |why: String| Failure::Usage(format!("--journal {}: {why}", path.display()));
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| bad(e.to_string()))?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| bad(e.to_string()))?;
        let header = json!({"journal": "twilio-api bulk", "command": command, "rows": rows});
        let mut states = BTreeMap::new();
        let lines: Vec<&str> = text.lines().collect();
        match lines.first() {
            None => {}
            Some(first) => {
                let found: Value = serde_json::from_str(first)
                    .map_err(|_| bad("not a journal of twilio-api".to_owned()))?;
                if found != header {
                    return Err(bad(format!(
                        "it is the journal of another run ({found}), not of {rows} rows of \
                         `{command}`"
                    )));
                }
            }
        }
        for (index, line) in lines.iter().enumerate().skip(1) {
            let record: Value = match serde_json::from_str(line) {
                Ok(record) => record,
                // The last line may be cut short by a crash: it recorded nothing.
                Err(_) if index + 1 == lines.len() => break,
                Err(e) => return Err(bad(format!("line {}: {e}", index + 1))),
            };
            let (Some(row), Some(state)) = (record["row"].as_u64(), record["state"].as_str())
            else {
                return Err(bad(format!("line {}: not a row's record", index + 1)));
            };
            let row = usize::try_from(row).map_err(|e| bad(e.to_string()))?;
            let entry = states.entry(row).or_insert((State::Unknown, String::new()));
            match state {
                // Sent, and nothing recorded after: it may have been applied.
                "sending" => {
                    *entry = (
                        State::Unknown,
                        record["request"].as_str().unwrap_or_default().to_owned(),
                    );
                }
                "created" => entry.0 = State::Created,
                "failed" => entry.0 = State::Failed,
                "unknown" => entry.0 = State::Unknown,
                // It provably never left: sent again.
                "not_sent" => {
                    states.remove(&row);
                }
                other => return Err(bad(format!("line {}: state {other:?}", index + 1))),
            }
        }
        let journal = Self {
            file: Mutex::new(file),
            path,
        };
        if lines.is_empty() {
            journal.record(&header)?;
        }
        Ok((journal, states))
    }

    /// Appends `record` as one line and waits until it is on disk.
    fn record(&self, record: &Value) -> Result<(), Failure> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| Failure::Runtime("the journal's lock was poisoned".to_owned()))?;
        let mut line = record.to_string();
        line.push('\n');
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| Failure::Runtime(format!("--journal {}: {e}", self.path.display())))
    }
}

/// FNV-1a (64 bits) of a request: the same request gives the same fingerprint in every run
/// and on every platform, so that a journal cannot be resumed with another input.
fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// What became of one row's send, besides Twilio's answer.
enum Sent {
    /// The resource Twilio answered with.
    Answer(Box<RawValue>),
    /// The run was stopping: not sent.
    NotStarted,
    /// Its `sending` record could not be written: not sent.
    NotJournalled(String),
}

/// One row's create: journalled as `sending` right before it leaves, and not started once the
/// run is stopping.
#[derive(Clone)]
struct RowWrite {
    request: WriteRequest<Box<RawValue>>,
    row: usize,
    fingerprint: String,
    journal: Option<Arc<Journal>>,
    stop: Arc<AtomicBool>,
}

impl IntoFuture for RowWrite {
    type Output = Result<Sent, twilio_api::Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            if self.stop.load(Ordering::SeqCst) {
                return Ok(Sent::NotStarted);
            }
            if let Some(journal) = &self.journal {
                let record =
                    json!({"row": self.row, "state": "sending", "request": self.fingerprint});
                if let Err(failure) = journal.record(&record) {
                    self.stop.store(true, Ordering::SeqCst);
                    return Ok(Sent::NotJournalled(failure.to_string()));
                }
            }
            self.request.send_raw().await.map(Sent::Answer)
        })
    }
}

/// Runs create `spec` once per row of `--input`.
pub(crate) async fn run(
    spec: &'static WriteSpec,
    m: &ArgMatches,
    bulk: Bulk,
    global: &crate::args::Global,
    out: io::Result<crate::output::Stdout>,
) -> Result<(), Failure> {
    let json_array = match m.try_get_one::<Format>("output").ok().flatten() {
        Some(Format::Json) => true,
        Some(Format::Ndjson) => false,
        _ if m.value_source("output") != Some(clap::parser::ValueSource::CommandLine) => false,
        _ => {
            return Err(Failure::Usage(
                "--input prints one result per row: --output ndjson (the default) or json"
                    .to_owned(),
            ));
        }
    };
    let dry_run = m
        .try_get_one::<bool>("dry-run")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false);
    let account = crate::writes::subaccount(m)?;
    let rows = read_rows(spec, &bulk)?;
    // Every row checked before any request.
    let mut prepared = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let values = Values {
            m,
            row: Some(row.as_slice()),
        };
        prepared.push(prepare(spec, values).map_err(|failure| match failure {
            Failure::Usage(why) => Failure::Usage(format!("--input: row {}: {why}", index + 1)),
            other => other,
        })?);
    }
    let (client, sandbox) = crate::settings::client_for(global, dry_run).await?;
    let account = account.unwrap_or_else(|| client.account_sid().clone());
    let mut requests = Vec::with_capacity(prepared.len());
    for row in prepared {
        requests.push(crate::writes::request(&client, spec, row, &account)?);
    }
    let mut out =
        out.map_err(|err| Failure::Runtime(format!("stdout cannot take the output: {err}")))?;
    if dry_run {
        let mut text = String::new();
        for request in &requests {
            text.push_str(&crate::writes::dry_run_text(
                &client,
                spec.operation,
                request,
            ));
            text.push('\n');
        }
        return out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(crate::failure::output_failure);
    }
    let command = spec.words.join(" ");
    let (journal, recorded) = match &bulk.journal {
        Some(path) => {
            let (journal, recorded) = Journal::open(path.clone(), &command, requests.len())?;
            (Some(Arc::new(journal)), recorded)
        }
        None => (None, Recorded::new()),
    };
    let mut tally = Tally::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writes = Vec::new();
    for (index, request) in requests.into_iter().enumerate() {
        let row = index + 1;
        let print = format!(
            "{} {}\n{}",
            spec.operation.method,
            request.uri(),
            request.body().map(|(_, body)| body).unwrap_or_default()
        );
        let fingerprint = fingerprint(&print);
        match recorded.get(&row) {
            Some((_, sent)) if !sent.is_empty() && *sent != fingerprint => {
                return Err(Failure::Usage(format!(
                    "--journal {}: its row {row} was another request: resume with the input it \
                     was made with",
                    bulk.journal
                        .as_ref()
                        .map_or(String::new(), |p| p.display().to_string())
                )));
            }
            Some((State::Created, _)) => {
                tally.created += 1;
                tally.journalled += 1;
                continue;
            }
            Some((State::Failed, _)) => {
                tally.failed += 1;
                tally.journalled += 1;
                continue;
            }
            Some((State::Unknown, _)) if !bulk.resend_unknown => {
                tally.unknown += 1;
                tally.journalled += 1;
                continue;
            }
            _ => {}
        }
        writes.push(RowWrite {
            request,
            row,
            fingerprint,
            journal: journal.clone(),
            stop: Arc::clone(&stop),
        });
    }
    let total = writes.len() + tally.journalled;
    let rows_of_this_run: Vec<usize> = writes.iter().map(|w| w.row).collect();
    let mut outcomes = send_all(writes, bulk.concurrency);
    let mut signals = StopSignals::install()?;
    let mut stopped: Option<&'static str> = None;
    let mut progress = io::stderr().is_terminal();
    let mut first = true;
    if json_array {
        out.write_all(b"[")
            .map_err(crate::failure::output_failure)?;
    }
    loop {
        let next = tokio::select! {
            next = outcomes.next() => next,
            name = signals.recv(), if stopped.is_none() => {
                stop.store(true, Ordering::SeqCst);
                stopped = Some(name);
                continue;
            }
        };
        let Some((index, outcome)) = next else { break };
        let row = rows_of_this_run.get(index).copied().unwrap_or(index + 1);
        let (line, record) = match outcome {
            Outcome::Created(Sent::Answer(item)) => {
                tally.created += 1;
                let sid: Option<String> = serde_json::from_str::<Value>(item.get())
                    .ok()
                    .and_then(|v| v["sid"].as_str().map(str::to_owned));
                (
                    format!("{{\"row\": {row}, \"result\": {}}}", one_line(item.get())),
                    Some(json!({"row": row, "state": "created", "sid": sid})),
                )
            }
            Outcome::Created(Sent::NotStarted) => {
                tally.not_started += 1;
                continue;
            }
            Outcome::Created(Sent::NotJournalled(why)) => {
                tally.not_started += 1;
                tally.journal_failure.get_or_insert(why);
                continue;
            }
            Outcome::Refused(error) => {
                tally.failed += 1;
                let described = error_json(&error);
                let mut record = described.clone();
                record["row"] = json!(row);
                // Refused by Twilio (a status), or it provably never left (none): only the
                // latter is sent again by a later run.
                record["state"] = json!(if error.status().is_some() {
                    "failed"
                } else {
                    "not_sent"
                });
                (
                    json!({"row": row, "error": described, "outcome": "failed"}).to_string(),
                    Some(record),
                )
            }
            Outcome::Unknown(error) => {
                tally.unknown += 1;
                let described = error_json(&error);
                let mut record = described.clone();
                record["row"] = json!(row);
                record["state"] = json!("unknown");
                (
                    json!({"row": row, "error": described, "outcome": "unknown"}).to_string(),
                    Some(record),
                )
            }
            _ => continue,
        };
        if let (Some(journal), Some(record)) = (&journal, record)
            && let Err(failure) = journal.record(&record)
        {
            // Nothing more starts; the row stays `sending` in the journal, so unknown.
            stop.store(true, Ordering::SeqCst);
            tally.journal_failure.get_or_insert(failure.to_string());
        }
        let mut text = String::new();
        if json_array {
            text.push_str(if first { "\n" } else { ",\n" });
        }
        first = false;
        text.push_str(&line);
        if !json_array {
            text.push('\n');
        }
        if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            // The rows keep going to the journal; stdout is only a view.
            stop.store(true, Ordering::SeqCst);
            progress = false;
            tally.output_failure.get_or_insert(err.to_string());
        }
        if progress {
            let _ = write!(
                io::stderr().lock(),
                "\r\x1b[2K{} of {total} rows: {} created, {} failed, {} unknown",
                tally.created + tally.failed + tally.unknown,
                tally.created,
                tally.failed,
                tally.unknown
            );
        }
    }
    if progress {
        let _ = write!(io::stderr().lock(), "\r\x1b[2K");
    }
    if json_array {
        let close: &[u8] = if first { b"]\n" } else { b"\n]\n" };
        let _ = out.write_all(close).and_then(|()| out.flush());
    }
    drop(sandbox);
    tally.conclude(total, stopped, bulk.journal.is_some())
}

/// A JSON text on one line (NDJSON), its line breaks outside strings turned into spaces.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// A row's error as JSON: Twilio's status, code, message and request id where there are.
fn error_json(error: &twilio_api::Error) -> Value {
    let mut described = json!({"message": crate::failure::chain(error)});
    if let Some(api) = error.api_error() {
        described["message"] = json!(api.message);
        described["code"] = json!(api.code);
    }
    if let Some(status) = error.status() {
        described["status"] = json!(status);
    }
    if let Some(id) = error.request_id() {
        described["request_id"] = json!(id);
    }
    described
}

/// The outcomes counted.
#[derive(Default)]
struct Tally {
    created: usize,
    failed: usize,
    unknown: usize,
    not_started: usize,
    /// Of the above, rows the journal already held.
    journalled: usize,
    journal_failure: Option<String>,
    output_failure: Option<String>,
}

impl Tally {
    /// The run's exit: 0 every row created, 1 some failed (or not sent), 3 some unknown.
    fn conclude(
        self,
        total: usize,
        stopped: Option<&'static str>,
        journalled: bool,
    ) -> Result<(), Failure> {
        let mut line = format!(
            "{total} rows: {} created, {} failed, {} of unknown outcome",
            self.created, self.failed, self.unknown
        );
        if self.journalled > 0 {
            line.push_str(&format!(
                " ({} of them recorded by the journal before this run)",
                self.journalled
            ));
        }
        if self.not_started > 0 {
            line.push_str(&format!(", {} not sent", self.not_started));
        }
        if let Some(name) = stopped {
            line.push_str(&format!("; stopped by {name}"));
        }
        if let Some(why) = &self.journal_failure {
            line.push_str(&format!(
                "; stopped: the journal could not be written: {why}"
            ));
        }
        if let Some(why) = &self.output_failure {
            line.push_str(&format!("; stopped: writing to stdout: {why}"));
        }
        if self.unknown > 0 {
            line.push_str(
                "; a row of unknown outcome may have been applied: check it before sending it \
                 again",
            );
            if journalled {
                line.push_str(" (--resend-unknown sends the journal's unknown rows again)");
            }
            return Err(Failure::Unknown(line));
        }
        if self.failed > 0 || self.not_started > 0 || stopped.is_some() {
            if journalled && (self.not_started > 0 || stopped.is_some()) {
                line.push_str("; run again with the same --journal to send the rest");
            }
            return Err(Failure::Runtime(line));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_fnv_1a() {
        assert_eq!(fingerprint(""), "cbf29ce484222325");
        assert_eq!(fingerprint("a"), "af63dc4c8601ec8c");
        assert_ne!(fingerprint("POST /x\nTo=1"), fingerprint("POST /x\nTo=2"));
    }

    #[test]
    fn the_exit_code_covers_every_row() {
        let tally = |created, failed, unknown| Tally {
            created,
            failed,
            unknown,
            ..Tally::default()
        };
        assert!(tally(3, 0, 0).conclude(3, None, true).is_ok());
        assert!(matches!(
            tally(2, 1, 0).conclude(3, None, true),
            Err(Failure::Runtime(_))
        ));
        assert!(matches!(
            tally(1, 1, 1).conclude(3, None, true),
            Err(Failure::Unknown(_))
        ));
        assert!(matches!(
            tally(3, 0, 0).conclude(3, Some("SIGINT"), true),
            Err(Failure::Runtime(_))
        ));
    }
}
