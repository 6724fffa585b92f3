//! The CLI's options that share a name with an operation's parameter: on that operation's
//! command the parameter wins and the option is reachable under its alternative name; on
//! every other command, the option keeps its name and meaning, before or after the
//! subcommand. The alternative names clash with no parameter of any Twilio API.

use std::collections::BTreeMap;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::{ACCOUNT, Act, Server, cli};

const CALL: &str = "CA0123456789abcdef0123456789abcdef";

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The options that yield, their alternative names, and the options that never yield.
const YIELDING: &[(&str, &str)] = &[
    ("account-sid", "twilio-account-sid"),
    ("region", "twilio-region"),
    ("edge", "twilio-edge"),
    ("timeout", "http-timeout"),
    ("sandbox", "embedded-sandbox"),
    ("subaccount", "twilio-subaccount"),
    ("input", "bulk-input"),
    ("version", ""),
];
const NEVER_YIELDING: &[&str] = &[
    "base-url",
    "max-retries",
    "proxy",
    "no-proxy",
    "ca-file",
    "system-roots",
    "verbose",
    "output",
    "properties",
    "no-header",
    "dry-run",
    "input-format",
    "journal",
    "resend-unknown",
    "limit",
    "from-page",
    "concurrency",
    "help",
];

/// `StatusCallbackEvent` → `status-callback-event`, as the generator names flags.
fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Every parameter (path, query, form) of every operation of the 55 vendored specs, as its
/// flag would be named, and where it is.
fn every_parameter() -> BTreeMap<String, Vec<String>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec");
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut specs = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        specs += 1;
        let spec: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for (route, item) in spec["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let mut names: Vec<&str> = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p["name"].as_str())
                    .collect();
                for media in op["requestBody"]["content"]
                    .as_object()
                    .into_iter()
                    .flatten()
                {
                    let properties = media.1["schema"]["properties"].as_object();
                    names.extend(
                        properties
                            .into_iter()
                            .flatten()
                            .map(|(name, _)| name.as_str()),
                    );
                }
                for name in names {
                    found
                        .entry(kebab(name))
                        .or_default()
                        .push(format!("{file} {method} {route} {name}"));
                }
            }
        }
    }
    assert_eq!(specs, 55, "every vendored spec is read");
    found
}

/// The alternative names clash with no parameter of any Twilio API, nor do the options that
/// never yield (paging aside, which the CLI does itself); the yielding ones do clash, which is
/// why they yield.
#[test]
fn alternative_names_clash_with_no_parameter_of_any_api() {
    let parameters = every_parameter();
    for (name, alternative) in YIELDING {
        assert!(
            parameters.contains_key(*name),
            "{name} clashes with nothing: why yield?"
        );
        if !alternative.is_empty() {
            assert!(
                !parameters.contains_key(*alternative),
                "--{alternative} is a parameter: {:?}",
                parameters[*alternative]
            );
        }
    }
    for name in NEVER_YIELDING {
        assert!(
            !parameters.contains_key(*name),
            "--{name} is a parameter: {:?}",
            parameters[*name]
        );
    }
    assert!(
        parameters.contains_key("page-size"),
        "the reads' paging, done by the CLI"
    );
}

/// `calls create --timeout 15` sends `Timeout=15`; the HTTP timeout is `--http-timeout`
/// there, or `--timeout` before the subcommand.
#[test]
fn a_parameter_wins_over_an_option_of_its_name() {
    let dry = |args: &[&str]| {
        let output = cli().args(args).arg("--dry-run").output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        stdout(&output)
    };
    let call = dry(&[
        "calls",
        "create",
        "--to",
        "+1",
        "--from",
        "+2",
        "--url",
        "https://x",
        "--timeout",
        "15",
    ]);
    assert!(
        call.ends_with("&Timeout=15&Url=https%3A%2F%2Fx\n"),
        "{call}"
    );
    // `--region` is the address's; `--twilio-region` the API's.
    let address = [
        "addresses",
        "create",
        "--customer-name",
        "A",
        "--street",
        "1 Main St",
        "--city",
        "Town",
        "--region",
        "CA",
        "--postal-code",
        "94000",
        "--iso-country",
        "US",
    ];
    let plain = dry(&address);
    assert!(plain.starts_with("POST https://api.twilio.com/"), "{plain}");
    assert!(plain.contains("&Region=CA&"), "{plain}");
    let mut elsewhere = address.to_vec();
    elsewhere.extend(["--twilio-region", "ie1", "--twilio-edge", "dublin"]);
    let moved = dry(&elsewhere);
    assert!(
        moved.starts_with("POST https://api.dublin.ie1.twilio.com/"),
        "{moved}"
    );
    assert!(moved.contains("&Region=CA&"), "{moved}");
    // Before the subcommand, the option is the CLI's on any command.
    let mut before = vec!["--region", "ie1", "--edge", "dublin"];
    before.extend(address);
    assert_eq!(dry(&before), moved);
    // `--account-sid` of a number's update moves it to that account; the credentials'
    // account is `--twilio-account-sid`.
    let other = "AC99999999999999999999999999999999";
    let number = "PN0123456789abcdef0123456789abcdef";
    let moved = dry(&[
        "incoming-phone-numbers",
        "update",
        "--sid",
        number,
        "--account-sid",
        other,
    ]);
    assert!(
        moved.starts_with(&format!(
            "POST https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{number}.json"
        )),
        "{moved}"
    );
    assert!(
        moved.ends_with(&format!("\n\nAccountSid={other}\n")),
        "{moved}"
    );
    let own = dry(&[
        "incoming-phone-numbers",
        "update",
        "--sid",
        number,
        "--twilio-account-sid",
        other,
        "--friendly-name",
        "x",
    ]);
    assert!(
        own.contains(&format!("/Accounts/{other}/IncomingPhoneNumbers/")),
        "{own}"
    );
    // Where no parameter has their names, they are the CLI's after the subcommand too.
    let removal = dry(&[
        "calls",
        "remove",
        "--sid",
        CALL,
        "--account-sid",
        other,
        "--region",
        "ie1",
        "--edge",
        "dublin",
    ]);
    assert_eq!(
        removal,
        format!(
            "DELETE https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/{other}/Calls/{CALL}.json\n"
        )
    );
    // Help says which is which.
    let help = stdout(&cli().args(["calls", "create", "--help"]).output().unwrap());
    assert!(help.contains("--http-timeout <SECONDS>"), "{help}");
    assert!(help.contains("(sent as Timeout)"), "{help}");
}

/// Where no parameter has its name, an option keeps its name and meaning after the
/// subcommand, as before: `calls events list --timeout 1` is the HTTP timeout.
#[test]
fn elsewhere_options_keep_their_names_and_meanings() {
    for args in [
        vec![
            "calls",
            "events",
            "list",
            "--call-sid",
            CALL,
            "--timeout",
            "1",
        ],
        vec![
            "--timeout",
            "1",
            "calls",
            "events",
            "list",
            "--call-sid",
            CALL,
        ],
        vec![
            "calls",
            "events",
            "list",
            "--call-sid",
            CALL,
            "--http-timeout",
            "1",
        ],
        vec!["calls", "remove", "--sid", CALL, "--timeout", "1"],
        vec![
            "--timeout",
            "9",
            "calls",
            "fetch",
            "--sid",
            CALL,
            "--timeout",
            "1",
        ],
    ] {
        let server = Server::start(vec![Act::Stall(Duration::from_secs(10))]);
        let started = Instant::now();
        let output = cli()
            .args(["--base-url", &server.origin(), "--max-retries", "0"])
            .args(&args)
            .output()
            .unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("timed out") || err.contains("timeout"),
            "{args:?}: {err}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "{args:?}: {:?}",
            started.elapsed()
        );
    }
    // The sandbox, before or after the subcommand, under either name.
    for args in [
        vec!["--sandbox", "calls", "list"],
        vec!["calls", "list", "--sandbox"],
        vec!["calls", "--sandbox", "list"],
        vec!["--embedded-sandbox", "calls", "list"],
        vec!["calls", "list", "--embedded-sandbox"],
    ] {
        let output = cli()
            .args(&args)
            .args(["--limit", "2", "--output", "ndjson"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert_eq!(stdout(&output).lines().count(), 2, "{args:?}");
    }
    // `--version` everywhere (clap names the subcommand).
    let version = cli()
        .args(["calls", "create", "--version"])
        .output()
        .unwrap();
    assert!(version.status.success());
    assert_eq!(
        stdout(&version),
        format!("twilio-api-calls-create {}\n", env!("CARGO_PKG_VERSION"))
    );
}
