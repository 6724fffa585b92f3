//! Every `twilio-api …` command the documentation names exists: each command line of the
//! README, the guides (`docs/`), the crates' READMEs and crate docs, and the examples of
//! `--help` is parsed by the binary's own command tree (every product built), flags and
//! values included. Only a missing required flag is forgiven (a prose mention such as
//! `twilio-api sandbox serve --tls` need not repeat what a command requires); an unknown
//! command, an unknown flag, a bad value or a conflict fails, naming the file.
//!
//! A command line is one of: a line of an `sh`, `bash`, `shell` or `console` code block
//! (continuation lines joined, each `twilio-api` of a pipeline or a `$(…)`/`<(…)` checked,
//! comments, redirections and what follows them dropped), an inline code span that starts
//! with `twilio-api ` (prose may wrap it; `twilio-api = {…}`, a Cargo dependency, is not a
//! command), or an indented line of `--help`'s examples.

use std::path::{Path, PathBuf};

use clap::error::ErrorKind;

/// The workspace's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The documents checked: the README, every guide, every crate's README and crate docs (the
/// `//!` lines of its `lib.rs`, or of this binary's `main.rs`).
fn documents() -> Vec<(String, String)> {
    let root = root();
    let listing = |dir: PathBuf| -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        found.sort();
        found
    };
    let mut files = vec![root.join("README.md")];
    files.extend(
        listing(root.join("docs"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    for dir in listing(root.join("crates")) {
        for doc in ["README.md", "src/lib.rs", "src/main.rs"] {
            files.push(dir.join(doc));
        }
    }
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let name = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string();
            let text = if name.ends_with(".rs") {
                crate_docs(&text)
            } else {
                text
            };
            Some((name, text))
        })
        .collect()
}

/// The Markdown of a crate's `//!` docs.
fn crate_docs(source: &str) -> String {
    source
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("//!"))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The command lines of a Markdown text: shell blocks' lines and `twilio-api …` spans.
fn command_lines(markdown: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut prose = String::new();
    let mut fence: Option<bool> = None; // inside a block: whether it is a shell's
    let mut block = String::new();
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            match fence {
                None => {
                    let lang = info.split(',').next().unwrap_or("").trim();
                    fence = Some(matches!(lang, "sh" | "bash" | "shell" | "console"));
                }
                Some(shell) => {
                    if shell {
                        lines.extend(shell_commands(&block));
                    }
                    block.clear();
                    fence = None;
                }
            }
            continue;
        }
        match fence {
            Some(true) => {
                block.push_str(line.strip_prefix("$ ").unwrap_or(line));
                block.push('\n');
            }
            Some(false) => {}
            None => {
                prose.push_str(line);
                prose.push('\n');
            }
        }
    }
    // Inline spans: the text between pairs of backticks (prose wraps them over lines).
    for (i, span) in prose.split('`').enumerate() {
        if i % 2 == 1 {
            let span = span.split_whitespace().collect::<Vec<_>>().join(" ");
            // `twilio-api = { path = … }` is a Cargo dependency, not a command.
            if span.starts_with("twilio-api ") && !span.starts_with("twilio-api = ") {
                lines.extend(shell_commands(&span));
            }
        }
    }
    lines
}

/// The `twilio-api` commands of shell text: continuation lines joined, each line cut into
/// the commands of its pipelines and substitutions, comments dropped.
fn shell_commands(text: &str) -> Vec<String> {
    let joined = text.replace("\\\n", " ");
    let mut commands = Vec::new();
    for line in joined.lines() {
        let mut current = String::new();
        let mut quote: Option<char> = None;
        let mut chars = line.chars().peekable();
        let mut segments = Vec::new();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (Some(q), c) if c == q => {
                    quote = None;
                    current.push(c);
                }
                (Some(_), c) => current.push(c),
                (None, '"' | '\'') => {
                    quote = Some(c);
                    current.push(c);
                }
                (None, '#') if current.is_empty() || current.ends_with(' ') => break,
                (None, '|' | ';' | '(' | ')' | '&') => {
                    segments.push(std::mem::take(&mut current));
                }
                (None, '$' | '<') if chars.peek() == Some(&'(') => {
                    segments.push(std::mem::take(&mut current));
                }
                (None, c) => current.push(c),
            }
        }
        segments.push(current);
        commands.extend(
            segments
                .into_iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| s.starts_with("twilio-api ") || s == "twilio-api"),
        );
    }
    commands
}

/// A command line's words, as a shell splits them; a redirection and what follows it end
/// the command.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '>' | '<') => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The lines of `--help`'s examples in `cmd` and below it, as far as groups go (the
/// top level, each product, the completions' command).
fn help_examples(cmd: &clap::Command, out: &mut Vec<(String, String)>, path: &str) {
    if let Some(after) = cmd.get_after_help() {
        let text = after.to_string();
        for command in shell_commands(
            &text
                .lines()
                .filter(|l| l.starts_with("  "))
                .collect::<Vec<_>>()
                .join("\n"),
        ) {
            out.push((format!("`{path} --help`"), command));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.has_subcommands() || sub.get_after_help().is_some() {
            help_examples(sub, out, &format!("{path} {}", sub.get_name()));
        }
    }
}

/// Whether `error` leaves the command line's commands and flags all known.
fn only_incomplete(error: &clap::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::MissingRequiredArgument
            | ErrorKind::MissingSubcommand
            | ErrorKind::DisplayHelp
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            | ErrorKind::DisplayVersion
    )
}

#[test]
fn every_documented_command_parses() {
    let mut tree = crate::completions::full_command();
    let mut checked: Vec<(String, String)> = Vec::new();
    for (name, text) in documents() {
        for line in command_lines(&text) {
            checked.push((name.clone(), line));
        }
    }
    let documented = checked.len();
    help_examples(&tree, &mut checked, "twilio-api");
    let mut wrong = Vec::new();
    for (source, line) in &checked {
        let words = words(line);
        if let Err(error) = tree.try_get_matches_from_mut(&words)
            && !only_incomplete(&error)
        {
            let message = error.to_string();
            let first = message.lines().next().unwrap_or_default();
            wrong.push(format!("{source}: `{line}`: {first}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The README alone names the five tasks' commands, the guides many more.
    assert!(documented >= 40, "{documented} command lines: {checked:?}");
    assert!(checked.len() > documented + 38, "{checked:?}");
}

#[test]
fn a_wrong_command_or_flag_is_caught() {
    let mut tree = crate::completions::full_command();
    let doc = "Send it:\n\n```sh\ntwilio-api messages create --to +1 --from +2 --bdy Hi | tee log # sent\n```\n\
               and `twilio-api calls\n  lst --status completed`, or `twilio-api verify v2 services list`.";
    let lines = command_lines(doc);
    assert_eq!(
        lines,
        [
            "twilio-api messages create --to +1 --from +2 --bdy Hi",
            "twilio-api calls lst --status completed",
            "twilio-api verify v2 services list",
        ]
    );
    let parsed: Vec<bool> = lines
        .iter()
        .map(|line| {
            tree.try_get_matches_from_mut(words(line))
                .map_or_else(|e| only_incomplete(&e), |_| true)
        })
        .collect();
    assert_eq!(parsed, [false, false, true]);
}

#[test]
fn shell_text_is_cut_into_commands() {
    assert_eq!(
        shell_commands(
            "twilio-api a --x 1 \\\n--y \"two # three\" > out.csv  # note\n\
             source <(twilio-api completions bash)\n\
             twilio-api calls list --output csv | twilio-api calls events list --call-sid -\n"
        ),
        [
            "twilio-api a --x 1  --y \"two # three\" > out.csv",
            "twilio-api completions bash",
            "twilio-api calls list --output csv",
            "twilio-api calls events list --call-sid -",
        ]
    );
    assert_eq!(
        words("twilio-api a --y \"two # three\" --z 'x y' > out.csv"),
        ["twilio-api", "a", "--y", "two # three", "--z", "x y"]
    );
}
