//! `cargo xtask fuzz [--seconds N] [TARGET...]`: runs the cargo-fuzz targets of `fuzz/`.
//!
//! Each target runs for N seconds (default 60) from its corpus (`fuzz/corpus/<target>`, kept
//! out of git) plus the seed corpus checked in under `fuzz/seeds/`. cargo-fuzz needs nightly
//! features: on a stable toolchain they are unlocked with `RUSTC_BOOTSTRAP=1`. A crash stops
//! the run with the target's name; libFuzzer saves the input under `fuzz/artifacts/<target>/`
//! (turn it into a regression test in the crate that owns the code).

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::Instant;

/// Every target, with its seed folder under `fuzz/seeds/`.
const TARGETS: &[(&str, &str)] = &[
    ("page_decode", "page"),
    ("calls_page_decode", "calls_page"),
    ("sid_parse", "sid"),
    ("link_resolve", "link"),
];

const USAGE: &str = "usage: cargo xtask fuzz [--seconds N] [TARGET...]  (targets: page_decode, calls_page_decode, sid_parse, link_resolve)";

/// What one target's run did.
struct Outcome {
    target: &'static str,
    seconds: f64,
    executions: Option<u64>,
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut seconds: u64 = 60;
    let mut chosen: Vec<(&'static str, &'static str)> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().ok_or(USAGE)?;
                seconds =
                    value.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                        format!("--seconds {value:?}: expected a positive number")
                    })?;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            name => {
                let target = TARGETS
                    .iter()
                    .find(|(t, _)| *t == name)
                    .ok_or_else(|| format!("unknown fuzz target `{name}`\n{USAGE}"))?;
                chosen.push(*target);
            }
        }
    }
    if chosen.is_empty() {
        chosen = TARGETS.to_vec();
    }
    let installed = crate::cargo()
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        return Err("cargo-fuzz is not installed: `cargo install cargo-fuzz --locked`".to_owned());
    }
    let fuzz_dir = crate::workspace_root().join("fuzz");
    let mut outcomes = Vec::new();
    for (target, seeds) in chosen {
        outcomes.push(run_target(&fuzz_dir, target, seeds, seconds)?);
    }
    eprintln!("\nxtask fuzz: no crash");
    for o in &outcomes {
        let runs = o
            .executions
            .map_or_else(|| "unknown".to_owned(), |n| n.to_string());
        eprintln!("  {:<14} {:>7.1} s  {runs} executions", o.target, o.seconds);
    }
    Ok(())
}

fn run_target(
    fuzz_dir: &Path,
    target: &'static str,
    seeds: &str,
    seconds: u64,
) -> Result<Outcome, String> {
    let corpus = fuzz_dir.join("corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("creating {}: {e}", corpus.display()))?;
    eprintln!("\n==> fuzz {target} for {seconds} s");
    let started = Instant::now();
    let mut child = crate::cargo()
        .current_dir(fuzz_dir)
        // cargo-fuzz uses nightly-only flags (-Zsanitizer); this unlocks them on stable.
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", "--debug-assertions", target])
        .arg(&corpus)
        .arg(fuzz_dir.join("seeds").join(seeds))
        .args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-print_final_stats=1",
            "-rss_limit_mb=2048",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("fuzz {target}: could not start cargo fuzz: {e}"))?;
    let mut executions = None;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
                executions = n.trim().parse().ok();
            }
            eprintln!("{line}");
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("fuzz {target}: waiting for cargo fuzz: {e}"))?;
    if !status.success() {
        return Err(format!(
            "fuzz {target} failed ({status}): see fuzz/artifacts/{target}/ for the input"
        ));
    }
    Ok(Outcome {
        target,
        seconds: started.elapsed().as_secs_f64(),
        executions,
    })
}
