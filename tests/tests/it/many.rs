//! The events of many calls at once: the facade's `events_of_calls` and the CLI's repeated
//! `--call-sid` / `--call-sid -`, against the sandbox over real loopback sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt as _;
use twilio_api::{CallSid, Client, HttpTransport, TransportError};
use twilio_e2e::cli_command;
use twilio_sandbox::Sandbox;
use twilio_transport::HyperTransport;

/// A call SID of the right shape that the sandbox does not know.
const UNKNOWN_CALL: &str = "CA00000000000000000000000000000000";

async fn sandbox(latency: Duration) -> Sandbox {
    Sandbox::builder()
        .seed(23)
        .calls(6)
        .call_with_events(130)
        .call_with_events(0)
        .latency(latency)
        .start()
        .await
        .unwrap()
}

fn client(sandbox: &Sandbox, transport: Option<Arc<dyn HttpTransport>>) -> Client {
    let mut builder = Client::builder()
        .auth_token(sandbox.account_sid().parse().unwrap(), sandbox.auth_token())
        .base_url(sandbox.base_url())
        .max_retries(0);
    if let Some(transport) = transport {
        builder = builder.transport(transport);
    }
    builder.build().unwrap()
}

fn sids(sandbox: &Sandbox) -> Vec<CallSid> {
    sandbox
        .call_sids()
        .iter()
        .map(|s| s.parse().unwrap())
        .collect()
}

/// Groups labelled values by call, keeping each call's order.
fn by_call<T>(labelled: impl IntoIterator<Item = (String, T)>) -> BTreeMap<String, Vec<T>> {
    let mut calls: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for (sid, value) in labelled {
        calls.entry(sid).or_default().push(value);
    }
    calls
}

/// What the sandbox holds for each of its calls that has events.
fn expected(sandbox: &Sandbox) -> BTreeMap<String, Vec<serde_json::Value>> {
    sandbox
        .call_sids()
        .into_iter()
        .map(|sid| {
            let events = sandbox.events_json(&sid).unwrap();
            (sid, events)
        })
        .filter(|(_, events)| !events.is_empty())
        .collect()
}

#[tokio::test]
async fn every_call_complete_in_order_and_labelled() {
    let sandbox = sandbox(Duration::ZERO).await;
    let client = client(&sandbox, None);

    // Raw: the exact objects the API sent, call by call.
    let raw: Vec<(CallSid, _)> = client
        .events_of_calls(sids(&sandbox))
        .concurrency(3)
        .page_size(50)
        .raw()
        .stream()
        .collect()
        .await;
    let raw = by_call(raw.into_iter().map(|(sid, event)| {
        let event: serde_json::Value = serde_json::from_str(event.unwrap().get()).unwrap();
        (sid.to_string(), event)
    }));
    assert_eq!(raw, expected(&sandbox));

    // Typed, by pages: the same events, decoded losslessly.
    let pages: Vec<_> = client
        .events_of_calls(sids(&sandbox))
        .concurrency(2)
        .page_size(50)
        .pages()
        .collect()
        .await;
    let typed = by_call(pages.into_iter().flat_map(|(sid, page)| {
        let (_, events) = twilio_api::ListPage::into_parts(page.unwrap());
        events
            .into_iter()
            .map(move |event| (sid.to_string(), serde_json::to_value(event).unwrap()))
    }));
    assert_eq!(typed, expected(&sandbox));
}

#[tokio::test]
async fn a_limit_applies_to_each_call() {
    let sandbox = sandbox(Duration::ZERO).await;
    let client = client(&sandbox, None);
    let events: Vec<_> = client
        .events_of_calls(sids(&sandbox))
        .limit(3)
        .raw()
        .stream()
        .collect()
        .await;
    let got = by_call(events.into_iter().map(|(sid, event)| {
        let event: serde_json::Value = serde_json::from_str(event.unwrap().get()).unwrap();
        (sid.to_string(), event)
    }));
    let want: BTreeMap<_, _> = expected(&sandbox)
        .into_iter()
        .map(|(sid, mut events)| {
            events.truncate(3);
            (sid, events)
        })
        .collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn a_failing_call_ends_alone() {
    let sandbox = sandbox(Duration::ZERO).await;
    let client = client(&sandbox, None);
    let mut calls = sids(&sandbox);
    calls.insert(2, UNKNOWN_CALL.parse().unwrap());
    let results: Vec<_> = client
        .events_of_calls(calls)
        .concurrency(2)
        .raw()
        .stream()
        .collect()
        .await;
    let failures: Vec<_> = results
        .iter()
        .filter_map(|(sid, r)| r.as_ref().err().map(|e| (sid.to_string(), e)))
        .collect();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].0, UNKNOWN_CALL);
    assert!(
        failures[0].1.to_string().contains("20404"),
        "{}",
        failures[0].1
    );
    let ok = by_call(results.into_iter().filter_map(|(sid, r)| {
        let event = r.ok()?;
        Some((sid.to_string(), serde_json::from_str(event.get()).unwrap()))
    }));
    assert_eq!(ok, expected(&sandbox));
}

/// Counts the requests in flight through it, and the most seen at once.
#[derive(Debug)]
struct Counting {
    inner: HyperTransport,
    in_flight: AtomicUsize,
    most: AtomicUsize,
}

#[async_trait::async_trait]
impl HttpTransport for Counting {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        let response = self.inner.send(request).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        response
    }
}

#[tokio::test]
async fn concurrency_is_bounded_over_one_client() {
    // Latency keeps requests in flight long enough to overlap.
    let sandbox = sandbox(Duration::from_millis(100)).await;
    let counting = Arc::new(Counting {
        inner: HyperTransport::new().unwrap(),
        in_flight: AtomicUsize::new(0),
        most: AtomicUsize::new(0),
    });
    let client = client(&sandbox, Some(counting.clone()));
    let mut calls = sids(&sandbox);
    calls.extend(sids(&sandbox));
    let events: Vec<_> = client
        .events_of_calls(calls)
        .concurrency(3)
        .page_size(1000)
        .raw()
        .stream()
        .collect()
        .await;
    assert!(events.iter().all(|(_, r)| r.is_ok()));
    let most = counting.most.load(Ordering::SeqCst);
    assert!(
        most <= 3,
        "{most} requests in flight with a concurrency of 3"
    );
    assert!(most >= 2, "calls were listed one at a time");
    let stats = sandbox.stats();
    // Every call is one page at this page size, each listed twice.
    assert_eq!(stats.requests, 2 * 8);
}

/// Runs `twilio-api calls events list <args>` against the sandbox, with `stdin` on its
/// standard input.
async fn list(sandbox: &Sandbox, args: &[&str], stdin: &str) -> Output {
    run(sandbox, &["calls", "events", "list"], args, stdin).await
}

/// Runs `twilio-api <words> <args>` against the sandbox, with `stdin` on its standard input.
async fn run(sandbox: &Sandbox, words: &[&str], args: &[&str], stdin: &str) -> Output {
    let mut command = cli_command(sandbox.account_sid(), sandbox.auth_token());
    command
        .args(words)
        .args(["--base-url", sandbox.base_url()])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).unwrap();
        drop(input);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Parses labelled NDJSON lines into each call's events, checking every line's shape.
fn labelled_lines(stdout: &str) -> BTreeMap<String, Vec<serde_json::Value>> {
    labelled_as(stdout, "call_sid", "event")
}

/// Parses labelled NDJSON lines, `{"<parent>": "…", "<item>": {…}}`, into each parent's items.
fn labelled_as(stdout: &str, parent: &str, item: &str) -> BTreeMap<String, Vec<serde_json::Value>> {
    by_call(stdout.lines().map(|line| {
        let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
        let object = value.as_object_mut().unwrap();
        assert_eq!(object.len(), 2, "{line}");
        let sid = object[parent].as_str().unwrap().to_owned();
        (sid, object.remove(item).unwrap())
    }))
}

#[tokio::test]
async fn cli_labels_each_event_of_several_calls() {
    let sandbox = sandbox(Duration::ZERO).await;
    let mut args = vec![
        "--output",
        "ndjson",
        "--page-size",
        "40",
        "--concurrency",
        "3",
    ];
    let all = sandbox.call_sids();
    for sid in &all {
        args.extend(["--call-sid", sid.as_str()]);
    }
    let out = list(&sandbox, &args, "").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(labelled_lines(&text(&out.stdout)), expected(&sandbox));
}

#[tokio::test]
async fn cli_reads_call_sids_from_stdin() {
    let sandbox = sandbox(Duration::ZERO).await;
    let all = sandbox.call_sids();
    // Blank lines and surrounding spaces are ignored.
    let stdin = format!("{}\n\n  {}  \n", all[..4].join("\n"), all[4..].join("\n"));
    let out = list(&sandbox, &["--output", "ndjson", "--call-sid", "-"], &stdin).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(labelled_lines(&text(&out.stdout)), expected(&sandbox));

    // CSV gets a first column instead.
    let out = list(&sandbox, &["--output", "csv", "--call-sid", "-"], &stdin).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(csv.starts_with("call_sid,time,method,url,"), "{csv}");
    let events: usize = expected(&sandbox).values().map(Vec::len).sum();
    assert_eq!(csv.lines().count(), 1 + events);
}

#[tokio::test]
async fn cli_one_call_stays_unlabelled_wherever_its_sid_comes_from() {
    let sandbox = sandbox(Duration::ZERO).await;
    let call = sandbox.call_sids()[6].clone();
    let out = list(&sandbox, &["--output", "ndjson", "--call-sid", "-"], &call).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, sandbox.events_json(&call).unwrap());
}

#[tokio::test]
async fn cli_reports_a_failing_call_and_lists_the_others() {
    let sandbox = sandbox(Duration::ZERO).await;
    let mut stdin = sandbox.call_sids();
    stdin.insert(1, UNKNOWN_CALL.to_owned());
    let out = list(
        &sandbox,
        &["--output", "ndjson", "--call-sid", "-"],
        &stdin.join("\n"),
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("error: {UNKNOWN_CALL}:")),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 9 calls failed"), "{stderr}");
    assert_eq!(labelled_lines(&text(&out.stdout)), expected(&sandbox));
}

#[tokio::test]
async fn cli_rejects_bad_input_before_any_request() {
    let sandbox = sandbox(Duration::ZERO).await;
    let call = sandbox.call_sids()[0].clone();
    let other = sandbox.call_sids()[1].clone();
    let cases: [(&[&str], &str, &str); 4] = [
        (&["--call-sid", "-"], "CA123\n", "stdin line 1"),
        (&["--call-sid", "-"], "\n\n", "no call SID on stdin"),
        (
            &[
                "--call-sid",
                &call,
                "--call-sid",
                &other,
                "--from-page",
                "/x",
            ],
            "",
            "--from-page",
        ),
        (
            &["--call-sid", &call, "--concurrency", "0"],
            "",
            "concurrency",
        ),
    ];
    for (args, stdin, says) in cases {
        let out = list(&sandbox, args, stdin).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert_eq!(sandbox.stats().requests, 0);
}

/// Each call's recordings, as the facade lists them one call at a time (calls without any
/// left out).
async fn recordings(sandbox: &Sandbox) -> BTreeMap<String, Vec<serde_json::Value>> {
    let client = client(sandbox, None);
    let mut all = BTreeMap::new();
    for sid in sids(sandbox) {
        let recordings: Vec<serde_json::Value> = client
            .call(sid.clone())
            .recordings()
            .list_raw()
            .stream()
            .map(|recording| serde_json::from_str(recording.unwrap().get()).unwrap())
            .collect()
            .await;
        if !recordings.is_empty() {
            all.insert(sid.to_string(), recordings);
        }
    }
    all
}

const RECORDINGS: [&str; 3] = ["calls", "recordings", "list"];

#[tokio::test]
async fn cli_lists_any_list_under_one_sid_for_many_sids() {
    let sandbox = sandbox(Duration::ZERO).await;
    let expected = recordings(&sandbox).await;
    assert!(expected.len() >= 2, "calls with recordings: {expected:?}");
    let all = sandbox.call_sids();
    let mut args = vec![
        "--output",
        "ndjson",
        "--page-size",
        "2",
        "--concurrency",
        "2",
    ];
    for sid in &all {
        args.extend(["--call-sid", sid.as_str()]);
    }
    let out = run(&sandbox, &RECORDINGS, &args, "").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        labelled_as(&text(&out.stdout), "call_sid", "recording"),
        expected
    );

    // The same from stdin, blank lines and surrounding spaces skipped.
    let stdin = format!("\n {} \n\n{}\n", all[..3].join("\n"), all[3..].join("\n"));
    let out = run(
        &sandbox,
        &RECORDINGS,
        &["--output", "ndjson", "--call-sid", "-"],
        &stdin,
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        labelled_as(&text(&out.stdout), "call_sid", "recording"),
        expected
    );

    // CSV and the table: a first call_sid column, then the command's own columns.
    let recordings: usize = expected.values().map(Vec::len).sum();
    let out = run(
        &sandbox,
        &RECORDINGS,
        &["--output", "csv", "--call-sid", "-"],
        &stdin,
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(csv.starts_with("call_sid,sid,call_sid,status,"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + recordings, "{csv}");
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], cells[2], "labelled with its own call: {line}");
    }
    let out = run(&sandbox, &RECORDINGS, &["--call-sid", "-"], &stdin).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.starts_with("CALL_SID  "), "{table}");
    assert_eq!(table.lines().count(), 1 + recordings, "{table}");

    // A limit applies to each call.
    let out = run(
        &sandbox,
        &RECORDINGS,
        &["--output", "ndjson", "--limit", "1", "--call-sid", "-"],
        &stdin,
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let firsts: BTreeMap<_, _> = expected
        .iter()
        .map(|(sid, recordings)| (sid.clone(), recordings[..1].to_vec()))
        .collect();
    assert_eq!(
        labelled_as(&text(&out.stdout), "call_sid", "recording"),
        firsts
    );

    // One call, wherever its SID comes from: unlabelled, as any list.
    let (call, its) = expected.iter().next().unwrap();
    for (args, stdin) in [
        (vec!["--output", "ndjson", "--call-sid", call.as_str()], ""),
        (vec!["--output", "ndjson", "--call-sid", "-"], call.as_str()),
    ] {
        let out = run(&sandbox, &RECORDINGS, &args, stdin).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let lines: Vec<serde_json::Value> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(&lines, its, "{args:?}");
    }
}

#[tokio::test]
async fn cli_reports_a_failing_sid_of_any_list_and_lists_the_others() {
    let sandbox = sandbox(Duration::ZERO).await;
    let expected = recordings(&sandbox).await;
    let mut stdin = sandbox.call_sids();
    stdin.insert(2, UNKNOWN_CALL.to_owned());
    let out = run(
        &sandbox,
        &RECORDINGS,
        &["--output", "json", "--call-sid", "-"],
        &stdin.join("\n"),
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("error: {UNKNOWN_CALL}:")) && stderr.contains("20404"),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 9 calls failed"), "{stderr}");
    // The JSON array is whole, every recording of the others in it, labelled.
    let json: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    let got = by_call(json.as_array().unwrap().iter().map(|labelled| {
        assert_eq!(labelled.as_object().unwrap().len(), 2, "{labelled}");
        (
            labelled["call_sid"].as_str().unwrap().to_owned(),
            labelled["recording"].clone(),
        )
    }));
    assert_eq!(got, expected);
}

#[tokio::test]
async fn cli_rejects_a_bad_sid_of_any_list_before_any_request() {
    let sandbox = sandbox(Duration::ZERO).await;
    let call = sandbox.call_sids()[0].clone();
    let other = sandbox.call_sids()[1].clone();
    let stdin = format!("{call}\n\n{other}\nCF0123456789abcdef0123456789abcdef\n");
    let cases: [(&[&str], &[&str], &str, &str); 5] = [
        // The fourth line, blank lines counted, names a conference, not a call.
        (
            &RECORDINGS,
            &["--call-sid", "-"],
            &stdin,
            "--call-sid - (stdin line 4)",
        ),
        (
            &RECORDINGS,
            &["--call-sid", &call, "--call-sid", "CAnope"],
            "",
            "CAnope",
        ),
        (
            &RECORDINGS,
            &["--call-sid", "-"],
            "\n  \n",
            "no call SID on stdin",
        ),
        (
            &RECORDINGS,
            &[
                "--call-sid",
                &call,
                "--call-sid",
                &other,
                "--from-page",
                "/x",
            ],
            "",
            "--from-page resumes one call",
        ),
        (
            &["conferences", "participants", "list"],
            &["--conference-sid", "-"],
            "CF0123456789abcdef0123456789abcdef\nCA0123456789abcdef0123456789abcdef\n",
            "--conference-sid - (stdin line 2)",
        ),
    ];
    for (words, args, stdin, says) in cases {
        let out = run(&sandbox, words, args, stdin).await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
    assert_eq!(sandbox.stats().requests, 0);
}

/// The embedded sandbox: the SIDs of its own calls, each recording labelled with the call it
/// is listed under, which is the call it names.
#[test]
fn cli_labels_recordings_of_the_embedded_sandbox() {
    let embedded = |args: &[&str]| {
        let out = std::process::Command::new(twilio_e2e::cli_binary())
            .arg("--sandbox")
            .args(args)
            .env_remove("TWILIO_ACCOUNT_SID")
            .env_remove("TWILIO_AUTH_TOKEN")
            .env_remove("TWILIO_API_KEY")
            .env_remove("TWILIO_API_SECRET")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    let calls = embedded(&[
        "calls",
        "list",
        "--output",
        "csv",
        "--properties",
        "sid",
        "--no-header",
    ]);
    let calls: Vec<&str> = calls.lines().collect();
    assert!(calls.len() > 2, "{calls:?}");
    let mut args = vec!["calls", "recordings", "list", "--output", "ndjson"];
    for sid in &calls {
        args.extend(["--call-sid", sid]);
    }
    let labelled = labelled_as(&embedded(&args), "call_sid", "recording");
    assert!(labelled.len() >= 2, "{labelled:?}");
    for (call, recordings) in &labelled {
        assert!(calls.contains(&call.as_str()), "{call}");
        for recording in recordings {
            assert_eq!(recording["call_sid"], call.as_str(), "{recording}");
        }
    }
}
