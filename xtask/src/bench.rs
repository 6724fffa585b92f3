//! `cargo xtask bench [--quick] [--runs N] [--only SECTION]`: builds the benchmark binary
//! (`twilio-bench`) and the CLI in release mode, then runs the end-to-end suite, which prints
//! Markdown tables. `--only bulk` is issue 30's: 10,000 messages (1,000 with `--quick`)
//! through a sandbox limited to 100/s and 10 in flight, by our CLI and library and by the
//! official Python and Node SDKs when installed (`target/interop-venv`,
//! `target/interop-node`, as CI's interop installs them; `--python`, `--node-modules`).
//!
//! `cargo xtask soak [--calls N] [--concurrency N] [--fault-rate P] ...`: builds
//! `twilio-bench` in release mode and runs `twilio-bench soak`: many calls listed at once
//! through a sandbox that answers a share of the page requests with retryable faults, every
//! event checked; it fails if one is missing or doubled or a call fails (see BENCHMARKS.md).
//! Not part of CI.
//!
//! Linux only (the figures come from `/proc`).

use std::env;
use std::path::PathBuf;
use std::process::Command;

use crate::{cargo, step, workspace_root};

/// Where cargo puts the release binaries: `$CARGO_TARGET_DIR` or `<workspace>/target`.
fn release_dir() -> PathBuf {
    target_dir().join("release")
}

/// Where cargo puts its builds: `$CARGO_TARGET_DIR` (from the workspace's root when relative)
/// or `<workspace>/target`.
pub(crate) fn target_dir() -> PathBuf {
    let target = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    if target.is_relative() {
        workspace_root().join(target)
    } else {
        target
    }
}

/// Builds `twilio-bench` and `twilio-api`, then runs `twilio-bench run` with `args`.
pub(crate) fn bench(args: &[String]) -> Result<(), String> {
    let mut build = cargo();
    build.args([
        "build",
        "--release",
        "--package",
        "twilio-bench",
        "--package",
        "twilio-api-cli",
    ]);
    step("cargo build --release (twilio-bench, twilio-api)", build)?;

    let release = release_dir();
    let mut run = Command::new(release.join("twilio-bench"));
    run.arg("run")
        .arg("--cli")
        .arg(release.join("twilio-api"))
        .args(args)
        .current_dir(workspace_root());
    step("twilio-bench run", run)
}

/// Builds `twilio-bench`, then runs `twilio-bench soak` with `args`.
pub(crate) fn soak(args: &[String]) -> Result<(), String> {
    let mut build = cargo();
    build.args(["build", "--release", "--package", "twilio-bench"]);
    step("cargo build --release (twilio-bench)", build)?;

    let mut run = Command::new(release_dir().join("twilio-bench"));
    run.arg("soak").args(args).current_dir(workspace_root());
    step("twilio-bench soak", run)
}
