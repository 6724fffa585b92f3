//! Shell completion and the man page: `twilio-api completions bash`, sourced in a real bash,
//! completes as a user's Tab would; every shell gets a script that calls this binary back;
//! `man/twilio-api.1` is what `twilio-api man` renders.

use std::process::Command;

use crate::support::cli;

/// What bash offers for `words` with the cursor at the end of the last one, the script of
/// `twilio-api completions bash` sourced and its completion function driven as bash's
/// `complete -F` drives it; `None` when bash is not installed.
fn bash_completes(words: &[&str]) -> Option<Vec<String>> {
    if Command::new("bash").arg("-c").arg("true").output().is_err() {
        return None;
    }
    let script = cli().args(["completions", "bash"]).output().unwrap();
    assert!(script.status.success());
    let script = String::from_utf8(script.stdout).unwrap();
    let current = words.last().copied().unwrap_or_default();
    let previous = words
        .len()
        .checked_sub(2)
        .and_then(|i| words.get(i))
        .copied()
        .unwrap_or_default();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let driver = format!(
        "{script}\n\
         COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE=\"${{COMP_WORDS[*]}}\"; \
         COMP_POINT=${{#COMP_LINE}}\n\
         _clap_complete_twilio_api twilio-api '{current}' '{previous}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = quoted.join(" "),
        cword = words.len() - 1,
    );
    let run = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(&driver)
        .env_remove("COMPLETE")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    Some(
        String::from_utf8(run.stdout)
            .unwrap()
            .lines()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect(),
    )
}

#[test]
fn bash_completes_a_command() {
    let Some(offered) = bash_completes(&["twilio-api", "mes"]) else {
        eprintln!("bash is not installed: skipped");
        return;
    };
    assert!(offered.contains(&"messages".to_owned()), "{offered:?}");
    assert!(offered.iter().all(|w| w.starts_with("mes")), "{offered:?}");
}

#[test]
fn bash_completes_a_products_flags_and_values() {
    let Some(offered) = bash_completes(&[
        "twilio-api",
        "verify",
        "v2",
        "services",
        "verifications",
        "create",
        "--service",
    ]) else {
        eprintln!("bash is not installed: skipped");
        return;
    };
    assert_eq!(offered, ["--service-sid"]);
    let Some(offered) = bash_completes(&["twilio-api", "calls", "list", "--output", "n"]) else {
        return;
    };
    assert_eq!(offered, ["ndjson"]);
}

#[test]
fn every_shell_gets_a_script_that_calls_the_binary_back() {
    let binary = env!("CARGO_BIN_EXE_twilio-api");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = cli().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains(binary), "{shell}: {script}");
        assert!(script.contains("COMPLETE"), "{shell}: {script}");
    }
    let wrong = cli().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(wrong.status.code(), Some(2));
}

#[test]
fn the_committed_man_page_is_current() {
    let output = cli().arg("man").output().unwrap();
    assert!(output.status.success());
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.starts_with(".ie"), "{page}");
    // Every product's group is a command of the page.
    for product in ["verify", "messaging", "conversations", "taskrouter"] {
        assert!(
            page.contains(&format!("\\fBtwilio\\-api {product}\\fR")),
            "{product}"
        );
    }
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../man/twilio-api.1"
    ))
    .unwrap_or_default();
    assert!(
        committed == page,
        "man/twilio-api.1 is stale: run `cargo xtask man` and commit it"
    );
}
