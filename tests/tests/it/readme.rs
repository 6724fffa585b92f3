//! The README's promises, checked: its first command runs the main job against the embedded
//! sandbox and prints what the README shows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use twilio_e2e::cli_binary;

fn readme() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    std::fs::read_to_string(path).unwrap()
}

/// The first `cargo run ... --bin twilio-api -- ARGS` line of the README's first code block.
fn main_command_args(readme: &str) -> Vec<String> {
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run ") && l.contains("--bin twilio-api -- "))
        .expect("the README opens with the main-job command");
    let (_, args) = line.split_once("--bin twilio-api -- ").unwrap();
    args.split_whitespace().map(str::to_owned).collect()
}

/// The lines of the README's example output (the `text` block after the commands).
fn shown_output(readme: &str) -> Vec<&str> {
    let start = readme
        .find("```text\n")
        .expect("the README shows the output")
        + 8;
    let block = &readme[start..];
    let end = block.find("```").unwrap();
    block[..end].lines().filter(|l| *l != "…").collect()
}

#[test]
fn the_readme_main_command_runs_and_prints_what_the_readme_shows() {
    let readme = readme();
    let args = main_command_args(&readme);
    assert!(
        args.contains(&"--sandbox".to_owned()),
        "no credentials, no network: {args:?}"
    );
    let out = Command::new(cli_binary())
        .args(&args)
        .env_remove("TWILIO_ACCOUNT_SID")
        .env_remove("TWILIO_AUTH_TOKEN")
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let printed: Vec<&str> = stdout.lines().collect();
    let shown = shown_output(&readme);
    assert!(shown.len() > 2);
    assert_eq!(
        printed[..shown.len()],
        shown[..],
        "the README's example output is stale"
    );
    let prose = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        prose.contains(&format!("lists the {} events", printed.len() - 1)),
        "the README says how many events the call has ({})",
        printed.len() - 1
    );
}

#[test]
fn the_readme_test_command_is_what_ci_runs() {
    let readme = readme();
    let test_command = readme
        .lines()
        .find(|l| l.starts_with("cargo ") && !l.starts_with("cargo run "))
        .expect("the README's second command runs the tests");
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == test_command),
        "{test_command:?} is not run by .ci/run"
    );
}
