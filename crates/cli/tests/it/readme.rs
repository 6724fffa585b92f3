//! The README's writes, checked: every command of its CLI write example runs as a dry run
//! (exit 0, the method and URL it names), so the README cannot drift from the flags.

use crate::support::{ACCOUNT, cli};

/// The commands of the `sh` block after "Send an SMS and place a call", continuation lines
/// joined, comments dropped.
fn readme_writes() -> Vec<Vec<String>> {
    readme_commands("Send an SMS and place a call: every `POST`")
}

/// The commands of the first `sh` block after `marker`, continuation lines joined, comments
/// dropped, `SM…` and `VA…` made SIDs.
fn readme_commands(marker: &str) -> Vec<Vec<String>> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = readme
        .split(marker)
        .nth(1)
        .expect("the README's CLI commands");
    let block = section
        .split("```sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let joined = block.replace("\\\n", " ");
    joined
        .lines()
        .map(|line| line.split(" # ").next().unwrap())
        .filter(|line| line.starts_with("twilio-api "))
        .map(|line| {
            let mut args = Vec::new();
            let mut rest = line.trim_start_matches("twilio-api ").trim();
            while !rest.is_empty() {
                let (arg, tail) = if let Some(quoted) = rest.strip_prefix('"') {
                    let end = quoted.find('"').unwrap();
                    (&quoted[..end], &quoted[end + 1..])
                } else {
                    rest.split_once(' ').unwrap_or((rest, ""))
                };
                args.push(
                    arg.replace("SM…", "SM0123456789abcdef0123456789abcdef")
                        .replace("VA…", "VA0123456789abcdef0123456789abcdef"),
                );
                rest = tail.trim_start();
            }
            args
        })
        .collect()
}

#[test]
fn the_readmes_writes_run() {
    let commands = readme_writes();
    assert!(commands.len() >= 4, "{commands:?}");
    let mut verbs = Vec::new();
    for args in commands {
        let mut command = cli();
        command.args(&args);
        if !args.iter().any(|a| a == "--dry-run") {
            command.arg("--dry-run");
        }
        let output = command.output().unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let first = stdout.lines().next().unwrap_or_default().to_owned();
        assert!(
            first.contains(&format!(
                "https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/"
            )),
            "{args:?}: {stdout}"
        );
        verbs.push(first.split(' ').next().unwrap().to_owned());
        if args.starts_with(&["calls".to_owned(), "create".to_owned()]) {
            assert!(stdout.contains("&Timeout=15&"), "{stdout}");
            assert!(
                stdout.contains("StatusCallbackEvent=initiated&StatusCallbackEvent=completed"),
                "{stdout}"
            );
        }
    }
    assert!(verbs.contains(&"POST".to_owned()) && verbs.contains(&"DELETE".to_owned()));
}

/// The README's Verify example: every write runs as a dry run to Verify's host, the list's
/// command exists.
#[test]
fn the_readmes_verify_commands_run() {
    let commands = readme_commands("Every other product is there too");
    assert!(commands.len() >= 3, "{commands:?}");
    for args in commands {
        let write = args.iter().any(|a| a == "create");
        let output = cli()
            .args(&args)
            .arg(if write { "--dry-run" } else { "--help" })
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if write {
            assert!(
                stdout.starts_with("POST https://verify.twilio.com/v2/Services"),
                "{args:?}: {stdout}"
            );
        }
    }
}

/// The README's bulk example: its rows file and command, run as a dry run (one request per
/// row) and for real against a loopback server with a journal.
#[test]
fn the_readmes_bulk_example_runs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let block = readme
        .split("Thousands at once:")
        .nth(1)
        .and_then(|s| s.split("```sh\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the README's bulk example");
    let mut lines = block.lines();
    let printf = lines.next().unwrap();
    let rows = printf
        .trim_start_matches("printf '")
        .split('\'')
        .next()
        .unwrap()
        .replace("\\n", "\n");
    let command = lines.next().unwrap();
    let dir = std::env::temp_dir().join(format!("twilio-api-cli-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("rows.csv"), rows).unwrap();
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let server = crate::support::Server::start(vec![crate::support::Act::Reply(
        201,
        r#"{"sid": "SM0123456789abcdef0123456789abcdef"}"#,
    )]);
    let output = cli()
        .current_dir(&dir)
        .args(["--base-url", &server.origin()])
        .args(&args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(server.seen().len(), 2);
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), 2);
    assert!(dir.join("rows.journal").exists());
}
