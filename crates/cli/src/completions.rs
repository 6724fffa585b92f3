//! Shell completion and the man page, both from the command tree the binary parses with.
//!
//! Completion is clap_complete's dynamic kind: `twilio-api completions SHELL` prints a short
//! script that, at each Tab, runs `COMPLETE=SHELL twilio-api -- <the words typed>`, and
//! [`complete_if_asked`] answers from the tree built for those words (only the product they
//! name is built, as for any run), so every command and flag of every product completes
//! without a script of 1,200 commands to load at each shell start. The man page is rendered
//! from the whole tree ([`full_command`]).

use std::io::{self, Write as _};
use std::path::PathBuf;

use clap::Command;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use crate::args::Shell;
use crate::failure::Failure;
use crate::generated::products::PRODUCT_GROUPS;

/// The variable that makes a run a completion request, as the printed scripts set it.
const VAR: &str = "COMPLETE";

/// Answers a completion request (`COMPLETE=bash twilio-api -- twilio-api mes`) and exits;
/// returns at once on any other run.
pub(crate) fn complete_if_asked(argv: &[String]) {
    clap_complete::CompleteEnv::with_factory(|| crate::command_tree(argv))
        .var(VAR)
        .bin("twilio-api")
        .complete();
}

/// The whole command tree, every product's commands built.
pub(crate) fn full_command() -> Command {
    let every_product: Vec<String> = PRODUCT_GROUPS.iter().map(|g| g.word.to_owned()).collect();
    crate::command_tree(&every_product)
}

/// Writes the completion script of `shell` to stdout; it calls back this binary, by the name
/// it was run as (found on the `PATH`) or by its absolute path when run by a path.
pub(crate) fn completions(shell: Shell) -> Result<(), Failure> {
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Powershell => &Powershell,
        Shell::Elvish => &Elvish,
    };
    let mut script = Vec::new();
    completer
        .write_registration(VAR, "twilio-api", "twilio-api", &this_binary(), &mut script)
        .map_err(|e| Failure::Runtime(format!("cannot write the completion script: {e}")))?;
    write_stdout(&script)
}

/// How the script calls this binary: as it was called, made absolute when it was a path.
fn this_binary() -> String {
    let called = PathBuf::from(
        std::env::args_os()
            .next()
            .unwrap_or_else(|| "twilio-api".into()),
    );
    let path = if called.components().count() > 1 {
        std::env::current_dir()
            .map(|dir| dir.join(&called))
            .unwrap_or(called)
    } else {
        called
    };
    path.to_string_lossy().into_owned()
}

/// Writes the man page (roff) to stdout: the top level and its options, every command with
/// what it does (each product's group among them), and the examples of `--help`. One page:
/// the commands' own flags are in their `--help`.
pub(crate) fn man() -> Result<(), Failure> {
    let cmd = full_command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    let rendered = man
        .render_title(&mut page)
        .and_then(|()| man.render_name_section(&mut page))
        .and_then(|()| man.render_synopsis_section(&mut page))
        .and_then(|()| man.render_description_section(&mut page))
        .and_then(|()| man.render_options_section(&mut page))
        .and_then(|()| {
            page.extend_from_slice(b".SH COMMANDS\n");
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
                page.extend_from_slice(
                    format!(
                        ".TP\n\\fBtwilio\\-api {}\\fR\n{}\n",
                        roff_text(sub.get_name()),
                        roff_text(&about)
                    )
                    .as_bytes(),
                );
            }
            man.render_extra_section(&mut page)
        })
        .and_then(|()| man.render_version_section(&mut page));
    rendered.map_err(|e| Failure::Runtime(format!("cannot render the man page: {e}")))?;
    write_stdout(&page)
}

/// `text` as one line of roff text: backslashes and hyphens escaped, a leading control
/// character neutralised.
fn roff_text(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\e")
        .replace('-', "\\-")
        .replace('\n', " ");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => Failure::Closed,
            _ => Failure::Runtime(format!("cannot write to stdout: {e}")),
        })
}
