//! `twilio-api`: every read and write of every Twilio API from a shell, calls' events
//! exported, webhooks signed or verified, access tokens, and the local sandbox.
//!
//! ```sh
//! twilio-api --sandbox calls events list --call-sid CA8fcfd684fbd033f307bbf98488433b5f --output ndjson
//! twilio-api --sandbox messages create --to +15558675310 --from +15005550006 --body "Hi" --dry-run
//! twilio-api verify v2 services list --output csv
//! ```
//!
//! What it does for a user (outputs, options, exit codes, signals, many SIDs at once) is
//! `docs/cli.md`; bulk creates `docs/bulk.md`. In the code: the command tree is clap's
//! ([`command_tree`]), hand-written for the few commands of [`args`] and built from the
//! generated tables for every read ([`resources`]), 2010-04-01 write ([`writes`]) and other
//! product's operation ([`products`], only for the product named on the command line).
#![forbid(unsafe_code)]
// Doc comments on the clap structs are the command's help text, where URLs stay bare.
#![allow(rustdoc::bare_urls)]

mod args;
mod bulk;
mod completions;
#[cfg(test)]
mod doc_commands;
mod failure;
mod help;
mod output;
mod paging;
mod products;
mod progress;
mod resources;
mod runtime;
mod serve;
mod settings;
mod signals;
mod text;
mod token;
mod value;
mod webhook;
mod writes;

/// The code generated from the spec (`cargo xtask codegen`).
mod generated {
    pub(crate) mod commands;
    pub(crate) mod products;
}

use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};

use crate::args::{Cli, Command, Global};
// The generated commands name it `crate::Failure`.
use crate::failure::{Failure, report};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    completions::complete_if_asked(&argv);
    let matches = command_tree(&argv).get_matches_from(std::env::args_os());
    let generated = resources::find(&matches).is_some()
        || writes::find(&matches).is_some()
        || products::find(&matches).is_some();
    let parsed = if generated {
        args::Global::from_arg_matches(&matches).map(Parsed::Generated)
    } else {
        Cli::from_arg_matches(&matches).map(Parsed::Cli)
    };
    let mut parsed = match parsed {
        Ok(parsed) => parsed,
        Err(err) => err.exit(),
    };
    settings::merge(parsed.global_mut(), &matches);
    // Before the runtime opens any file: a closed descriptor 1 would be reused.
    let stdout = output::claim_stdout();
    runtime::init_tracing(parsed.global().verbose);
    let runtime = match runtime::runtime(parsed.is_serving()) {
        Ok(runtime) => runtime,
        Err(err) => {
            return report(&Failure::Runtime(format!(
                "cannot start the runtime: {err}"
            )));
        }
    };
    let outcome = match parsed {
        Parsed::Cli(cli) => runtime.block_on(run(cli)),
        Parsed::Generated(global) => match (resources::find(&matches), writes::find(&matches)) {
            (Some((index, leaf)), _) => {
                runtime.block_on(resources::run(index, leaf, &global, stdout))
            }
            (None, Some((index, leaf))) => {
                runtime.block_on(writes::run(index, leaf, &global, stdout))
            }
            (None, None) => match products::find(&matches) {
                Some((indices, leaf)) => {
                    runtime.block_on(products::run(&indices, leaf, &global, stdout))
                }
                None => Err(Failure::Usage("no such command".to_owned())),
            },
        },
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure),
    }
}

/// The command tree: the hand-written commands, every 2010-04-01 read and write, and the
/// commands of the products `argv` names (the others are empty groups, built only when named,
/// for startup speed; [`completions::full_command`] builds them all).
fn command_tree(argv: &[String]) -> clap::Command {
    args::with_yielding_options(help::with_product_examples(products::command(
        writes::command(resources::command(Cli::command())),
        argv,
    )))
}

/// The command line, parsed: a hand-written command, or a generated one (its global options;
/// its own flags stay in the matches).
enum Parsed {
    Cli(Cli),
    Generated(Global),
}

impl Parsed {
    /// Whether the command is a server (`sandbox serve`) rather than a client.
    fn is_serving(&self) -> bool {
        matches!(
            self,
            Parsed::Cli(Cli {
                command: Command::Sandbox(_),
                ..
            })
        )
    }

    fn global(&self) -> &Global {
        match self {
            Parsed::Cli(cli) => &cli.global,
            Parsed::Generated(global) => global,
        }
    }

    fn global_mut(&mut self) -> &mut Global {
        match self {
            Parsed::Cli(cli) => &mut cli.global,
            Parsed::Generated(global) => global,
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Sandbox(args::SandboxArgs {
            command: args::SandboxCommand::Serve(serve),
        }) => serve::serve_sandbox(serve).await,
        Command::Webhook(webhook) => webhook::run(webhook),
        Command::Token(token) => token::run(token, &cli.global),
        Command::Completions(args::CompletionsArgs { shell }) => completions::completions(shell),
        Command::Man => completions::man(),
    }
}
