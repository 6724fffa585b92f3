//! `twilio-api`: read every resource of the Twilio REST API (2010-04-01), calls' events
//! included, make every write of it, sign or verify webhooks, or run the local sandbox.
//!
//! ```text
//! twilio-api calls list [--status completed] [--output table|json|ndjson|csv] [--properties a,b]
//! twilio-api calls recordings list --call-sid <CA…>      (every read of the spec: --help)
//! twilio-api calls events list --call-sid <CA…> [--page-size N] [--limit N] [--output table|json|ndjson|csv]
//! twilio-api calls events list --call-sid <CA…> --call-sid <CA…> [--concurrency N] ...
//! twilio-api calls recordings list --call-sid - < sids.txt     (one SID per line)
//! twilio-api messages create --to +1… --from +1… --body "Hi" [--dry-run]   (every write:
//! twilio-api calls create --to +1… --from +1… --url https://…               create, update,
//! twilio-api messages remove --sid SM…                                      remove)
//! twilio-api messages create --from +1… --input rows.csv --journal rows.journal [--concurrency N]
//! twilio-api verify v2 services verifications create --service-sid VA… --to +1… --channel sms
//! twilio-api messaging v1 services list        (every operation of every other product: --help)
//! twilio-api sandbox serve [--bind 127.0.0.1:8080]
//! ```
//!
//! One call's events are written exactly as the API sent them (JSON, NDJSON). Any list under
//! one SID takes several: they are listed `--concurrency` at a time (default 4), their items
//! interleave (each SID's in API order), and every item says its parent: `{"call_sid": "CA…",
//! "event": {…}}` in JSON and NDJSON, a first `call_sid` column in CSV and the table. A SID
//! whose listing fails is reported on stderr and the others go on (exit code 1 at the end).
//!
//! Exit codes: 0 success; 2 bad usage or input caught before any request (a certificate
//! file that cannot be used, a proxy URL that cannot be used included); 1 any failure at run
//! time, on one stderr line with every cause once and Twilio's request id (for a write:
//! Twilio refused it, or it was never sent); 3 a write whose outcome is unknown: it may have
//! been applied, and was not sent again.
//!
//! An operation's parameter wins over an option of the same name on its command (`calls
//! create --timeout 15` sends `Timeout=15`); there the option is `--http-timeout`
//! (`--twilio-region`, `--twilio-edge`, `--twilio-account-sid`, `--embedded-sandbox`,
//! `--twilio-subaccount`), names every command accepts. Secrets come from
//! the environment only (a proxy password may also come from `--proxy`).
//!
//! Ctrl-C (SIGINT), SIGTERM and SIGHUP stop a listing between pages: what was written stays
//! whole (whole lines, a closed JSON array) and the error line names the page to resume from.
//! Error lines are one line each, of bounded length, with no control or bidirectional
//! characters.
#![forbid(unsafe_code)]
// Doc comments on the clap structs are the command's help text, where URLs stay bare.
#![allow(rustdoc::bare_urls)]

mod args;
mod bulk;
mod completions;
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
