//! Project automation, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! - `cargo xtask ci`: everything CI checks, in order: formatting, `codegen --check`, clippy
//!   with warnings denied, the whole test suite, `man --check`, the facade's examples (each
//!   run), the docs
//!   with warnings denied, `cargo package` of every publishable crate (each built from its
//!   `.crate` alone), and cargo-deny (when it is installed; `.ci/run` installs it).
//! - `cargo xtask codegen [--check]`: regenerates the code generated from the vendored
//!   OpenAPI spec (`spec/`), or checks that the committed code is what it generates.
//! - `cargo xtask man [--check]`: renders the CLI's man page into `man/twilio-api.1` (with
//!   the binary's own `twilio-api man`), or checks that the committed page is current (a
//!   step of `ci`, after the tests).
//! - `cargo xtask package`: the packaging step of `ci` alone.
//! - `cargo xtask semver`: `cargo-semver-checks` against the last released version (the first
//!   `## [X.Y.Z]` section of CHANGELOG.md); until there is one, it says so and how it will be
//!   used. Not part of CI.
//! - `cargo xtask bench [--quick] [--runs N]`: the end-to-end benchmarks (release build of
//!   `twilio-bench` and the CLI), printed as a Markdown table; see BENCHMARKS.md.
//! - `cargo xtask soak [--calls N] [--concurrency N] [--fault-rate P]`: many calls listed
//!   through scripted retryable faults, every event checked; see BENCHMARKS.md.
//! - `cargo xtask fuzz [--seconds N] [TARGET...]`: the cargo-fuzz targets of `fuzz/` (its own
//!   workspace), N seconds each, with the seed corpus of `fuzz/seeds/`.
//!
//! Besides the standard library it depends only on the spec reader (`openapiv3`,
//! `serde_json`) and `sha2` for codegen, so it builds in seconds.
#![forbid(unsafe_code)]
// A command-line tool: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod codegen;
mod fuzz;
mod man;
mod release;

use std::env;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  ci        what CI runs: fmt --check, codegen --check, clippy -D warnings, tests,
            man --check, the facade's examples, docs -D warnings, cargo package
            (verified), cargo-deny
  codegen   regenerate the code generated from spec/twilio_api_v2010.json [--check: fail
            on any difference instead of writing]
  man       render the CLI's man page into man/twilio-api.1 [--check: fail when the
            committed page differs instead of writing]
  package   cargo package of every publishable crate, each built from its .crate (a
            step of ci)
  semver    cargo-semver-checks against the last released version (none yet: it says how
            it will be used); not part of ci
  bench     end-to-end benchmarks (facade, CLI, baseline) as a table [--quick] [--runs N]
  soak      many calls through scripted retryable faults, every event checked
            [--calls N] [--concurrency N] [--fault-rate P]
  fuzz      the cargo-fuzz targets of fuzz/, N seconds each [--seconds N] [TARGET...]
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench") => bench::bench(&args[1..]),
        Some("soak") => bench::soak(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("codegen") => codegen::run(&args[1..]),
        Some("man") => man::run(&args[1..]),
        Some("semver") => release::semver(&args[1..]),
        Some("package") => release::package(),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The root of the workspace (the parent of this crate's folder).
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

fn cargo() -> Command {
    let mut command = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.current_dir(workspace_root());
    command
}

/// Runs one step, printing its name and how long it took; fails with the step's name.
fn step(name: &str, mut command: Command) -> Result<(), String> {
    eprintln!("\n==> {name}");
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("{name}: could not start: {e}"))?;
    eprintln!("<== {name}: {status} in {:.1?}", started.elapsed());
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}

fn ci() -> Result<(), String> {
    let started = Instant::now();

    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    step("cargo fmt --check", fmt)?;

    eprintln!("\n==> cargo xtask codegen --check");
    codegen::run(&["--check".to_owned()])?;

    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        // Every product (each behind its feature) linted too.
        "--all-features",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]);
    step("cargo clippy -D warnings", clippy)?;

    let mut test = cargo();
    // Every product's generated tests (each behind its feature): `full` on.
    test.args([
        "test",
        "--workspace",
        "--locked",
        "--features",
        "twilio-api/full",
    ]);
    // The CLI binary this run builds (for the CLI's own tests) is the one the end-to-end
    // tests run: without this, `twilio_e2e::cli_binary` builds it again with the CLI's
    // features alone, which differ from this run's unified ones (a second build of the CLI).
    test.env("TWILIO_E2E_CLI_BUILT", "1");
    step("cargo test --workspace --features twilio-api/full", test)?;

    eprintln!("\n==> cargo xtask man --check");
    let started_man = Instant::now();
    // The binary the tests just built renders it (a `cargo run` would build the CLI again
    // with its own features, which differ from this run's unified ones).
    man::check_with(&bench::target_dir().join("debug").join("twilio-api"))?;
    eprintln!("<== man --check in {:.1?}", started_man.elapsed());

    eprintln!("\n==> the facade's examples");
    release::examples()?;

    let mut doc = cargo();
    doc.args([
        "doc",
        "--workspace",
        "--no-deps",
        "--locked",
        "--all-features",
    ])
    .env("RUSTDOCFLAGS", "-D warnings");
    step("cargo doc -D warnings", doc)?;

    release::package()?;

    let deny_installed = cargo()
        .args(["deny", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if deny_installed {
        // Advisories need the RustSec database from the network; the rest is local.
        let mut deny = cargo();
        deny.args(["deny", "--locked", "check", "bans", "licenses", "sources"]);
        step("cargo deny check bans licenses sources", deny)?;
    } else {
        eprintln!(
            "\n==> cargo deny: SKIPPED, cargo-deny is not installed \
             (`cargo install --locked cargo-deny`, as .ci/run does)"
        );
    }

    eprintln!("\nxtask ci: all green in {:.1?}", started.elapsed());
    Ok(())
}
