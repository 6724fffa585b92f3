//! The README's five tasks, run as a newcomer runs them: every CLI command of theirs against
//! the embedded sandbox (`--sandbox`), and the Verify ones against `twilio-api sandbox serve`
//! with the credentials, the SID and the code it gives (the README's first command is run by
//! the end-to-end tests, the docs' other commands parsed by the binary's own `doc_commands`).

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use crate::support::cli;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap()
}

/// The `twilio-api` commands of the `sh` blocks of the README's section `heading`, as words
/// (a shell's quotes removed, a redirection dropped).
fn section_commands(heading: &str) -> Vec<Vec<String>> {
    let readme = readme();
    let section = readme
        .split(&format!("\n## {heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("the README's section {heading}"))
        .split("\n## ")
        .next()
        .unwrap();
    let mut commands = Vec::new();
    for block in section.split("```sh\n").skip(1) {
        let block = block.split("```").next().unwrap().replace("\\\n", " ");
        for line in block.lines().filter(|l| l.starts_with("twilio-api ")) {
            let line = line.split(" > ").next().unwrap();
            let mut args = Vec::new();
            let mut rest = line.trim_start_matches("twilio-api ").trim();
            while !rest.is_empty() {
                let (arg, tail) = if let Some(quoted) = rest.strip_prefix('"') {
                    let end = quoted.find('"').unwrap();
                    (&quoted[..end], &quoted[end + 1..])
                } else {
                    rest.split_once(' ').unwrap_or((rest, ""))
                };
                args.push(arg.to_owned());
                rest = tail.trim_start();
            }
            commands.push(args);
        }
    }
    commands
}

#[test]
fn the_readmes_tasks_run_against_the_embedded_sandbox() {
    let tasks = [
        ("Send an SMS", "+15558675310"),
        ("Place a call", "+15558675310"),
        ("List and filter calls", "completed"),
        (
            "Export a call's events",
            "\"CallSid\":\"CA8fcfd684fbd033f307bbf98488433b5f\"",
        ),
    ];
    for (heading, shown) in tasks {
        let commands = section_commands(heading);
        assert_eq!(commands.len(), 1, "{heading}: {commands:?}");
        for args in commands {
            assert_eq!(
                args.first().map(String::as_str),
                Some("--sandbox"),
                "{args:?}"
            );
            let output = cli().args(&args).output().unwrap();
            let stdout = String::from_utf8(output.stdout).unwrap();
            assert!(
                output.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(
                stdout.replace(": ", ":").contains(shown),
                "{args:?}: {stdout}"
            );
        }
    }
}

/// `twilio-api sandbox serve` on a free port, killed when dropped.
struct Served {
    child: Child,
    port: String,
    account: String,
    token: String,
    code: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server and reads what it prints up to its Verify code.
fn serve() -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_twilio-api"))
        .args(["sandbox", "serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut served = Served {
        child,
        port: String::new(),
        account: String::new(),
        token: String::new(),
        code: String::new(),
    };
    // Read on a thread that drains the rest too: a server whose stdout is closed dies at
    // its next line.
    let (lines, printed) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = lines.send(line);
        }
    });
    let last_word = |line: &str| {
        line.split_whitespace()
            .last()
            .unwrap_or_default()
            .to_owned()
    };
    while let Ok(line) = printed.recv_timeout(std::time::Duration::from_secs(30)) {
        if served.port.is_empty()
            && let Some(url) = line.split("http://").nth(1)
        {
            served.port = url
                .split(|c: char| !c.is_ascii_alphanumeric() && c != ':' && c != '.')
                .next()
                .and_then(|host| host.rsplit(':').next())
                .unwrap_or_default()
                .to_owned();
        }
        if line.contains("account SID") {
            served.account = last_word(&line);
        } else if line.contains("auth token") {
            served.token = last_word(&line);
        } else if line.contains("Verify code") {
            served.code = last_word(&line);
            break;
        }
    }
    assert!(
        !served.port.is_empty() && served.account.starts_with("AC") && !served.code.is_empty(),
        "what sandbox serve printed"
    );
    served
}

#[test]
fn the_readmes_verification_runs_against_a_served_sandbox() {
    let served = serve();
    let commands = section_commands("Start and check a verification");
    assert_eq!(commands.len(), 3, "{commands:?}");
    let mut service = String::new();
    let mut last = String::new();
    for args in commands {
        let args: Vec<String> = args
            .iter()
            .map(|arg| {
                arg.replace("localhost:8080", &format!("localhost:{}", served.port))
                    .replace("VA…", &service)
                    .replace("123456", &served.code)
            })
            .collect();
        let output = cli()
            .env("TWILIO_ACCOUNT_SID", &served.account)
            .env("TWILIO_AUTH_TOKEN", &served.token)
            .args(&args)
            .output()
            .unwrap();
        last = String::from_utf8(output.stdout).unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if service.is_empty() {
            service = last
                .split_whitespace()
                .find(|w| w.starts_with("VA"))
                .unwrap_or_default()
                .to_owned();
        }
    }
    assert!(service.starts_with("VA"), "{service}");
    assert!(last.contains("approved"), "{last}");
}
