//! `twilio-bench`: end-to-end benchmarks of the facade and the CLI against the sandbox on
//! loopback, beside a hand-written hyper baseline. Run it with `cargo xtask bench`.
//!
//! ```text
//! twilio-bench run [--quick] [--runs N] [--cli PATH]   the whole suite, as a Markdown table
//! twilio-bench client key=value...                     one measured listing (internal)
//! twilio-bench bulk-client key=value...                the library's bulk sends (internal;
//!                                                      `run --only bulk`, see bulk.rs)
//! twilio-bench soak [--calls N] [--concurrency N] [--fault-rate P] ...
//!                                                      many calls through scripted faults,
//!                                                      every event checked (see soak.rs)
//! twilio-bench soak-client key=value...                the soak's client side (internal)
//! ```
//!
//! The parent process hosts the sandbox; every measured client runs in a child process of its
//! own (the bench binary again, `client ...`), so that its CPU time and peak memory
//! (`VmHWM`) are its own and not the sandbox's. The sandbox's CPU time over each run is the
//! parent's, measured the same way, and shown beside.
//!
//! Linux only: figures come from `/proc`.
#![forbid(unsafe_code)]
// A command-line tool: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bulk;
mod client;
mod decode;
mod procfs;
mod soak;
mod suite;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("client") => client::main(&args[1..]).map(|line| println!("{line}")),
        Some("bulk-client") => bulk::child_main(&args[1..]),
        Some("run") => suite::main(&args[1..]),
        Some("soak") => soak::main(&args[1..]),
        Some("soak-client") => soak::child_main(&args[1..]),
        None => suite::main(&[]),
        Some("-h" | "--help" | "help") => {
            println!("{}\n\n{}", suite::USAGE, soak::USAGE);
            Ok(())
        }
        Some(other) => Err(format!(
            "unknown command `{other}`\n\n{}\n\n{}",
            suite::USAGE,
            soak::USAGE
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("twilio-bench: {message}");
            ExitCode::FAILURE
        }
    }
}
