//! What a release needs, checked before there is one.
//!
//! - [`package`] (a step of `cargo xtask ci`): `cargo package` of every publishable crate,
//!   which builds each from its `.crate` contents alone, the unpublished workspace crates it
//!   depends on taken from a local registry of the freshly packaged ones (cargo's
//!   multi-package packaging): a file left out of a package, or a path dependency without a
//!   version, fails CI.
//! - [`examples`] (a step of `cargo xtask ci`): runs every example of the facade; each starts
//!   what it needs (a sandbox, a test transport) and asserts what it shows.
//! - [`semver`] (`cargo xtask semver`, not part of CI): `cargo-semver-checks` against the last
//!   released version, once there is one.

use std::fs;
use std::path::PathBuf;

use crate::{cargo, step, workspace_root};

/// The workspace's packages from `cargo metadata`: `(name, version, publishable)`.
fn packages() -> Result<Vec<(String, String, bool)>, String> {
    let output = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .output()
        .map_err(|e| format!("cargo metadata: could not start: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata's output: {e}"))?;
    let listed = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata lists no packages")?;
    let mut packages = Vec::new();
    for package in listed {
        let name = package["name"].as_str().ok_or("a package without a name")?;
        let version = package["version"]
            .as_str()
            .ok_or("a package without a version")?;
        // `publish = false` reads as an empty list of allowed registries.
        let publishable = !package["publish"].as_array().is_some_and(Vec::is_empty);
        packages.push((name.to_owned(), version.to_owned(), publishable));
    }
    Ok(packages)
}

/// The names of the packages with `publish = false` (so a new publishable crate is
/// packaged and checked without a change here).
fn unpublished() -> Result<Vec<String>, String> {
    Ok(packages()?
        .into_iter()
        .filter(|(_, _, publishable)| !publishable)
        .map(|(name, _, _)| name)
        .collect())
}

/// Removes the copies of our packages that an earlier `cargo package` unpacked from its
/// local registry (`target/package/tmp-registry`) into `$CARGO_HOME/registry/src/-<hash>/`.
/// Cargo (1.95) reuses such a copy when it exists, as if a registry's crate could never
/// change, so a second run would verify a crate against the first run's version of the
/// crates it depends on. Only folders of local registries (named `-<hash>`, no host) and only
/// our packages' `<name>-<version>` in them are removed; cargo unpacks them again.
fn remove_stale_unpacked(packages: &[(String, String, bool)]) -> Result<(), String> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let Some(src) = cargo_home.map(|home| home.join("registry").join("src")) else {
        return Ok(());
    };
    let Ok(registries) = fs::read_dir(&src) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        let is_local = registry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with('-'));
        if !is_local {
            continue;
        }
        for (name, version, _) in packages {
            let unpacked = registry.path().join(format!("{name}-{version}"));
            if unpacked.is_dir() {
                fs::remove_dir_all(&unpacked)
                    .map_err(|e| format!("cannot remove {}: {e}", unpacked.display()))?;
            }
        }
    }
    Ok(())
}

/// `cargo package --workspace` without the unpublished crates, verification build included.
pub(crate) fn package() -> Result<(), String> {
    let packages = packages()?;
    remove_stale_unpacked(&packages)?;
    let mut package = cargo();
    package.args(["package", "--workspace", "--locked"]);
    for (name, _, publishable) in &packages {
        if !publishable {
            package.args(["--exclude", name]);
        }
    }
    step(
        "cargo package --workspace (publishable crates, verified)",
        package,
    )
}

/// Every `crates/facade/examples/*.rs`, run with `cargo run --example`.
pub(crate) fn examples() -> Result<(), String> {
    let dir = workspace_root().join("crates/facade/examples");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?.strip_suffix(".rs")?.to_owned();
            Some(name)
        })
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("no example in {}", dir.display()));
    }
    for name in names {
        let mut run = cargo();
        run.args([
            "run",
            "--quiet",
            "--locked",
            "-p",
            "twilio-api",
            "--example",
            &name,
        ]);
        step(&format!("example {name}"), run)?;
    }
    Ok(())
}

const SEMVER_USAGE: &str = "\
usage: cargo xtask semver

Checks the publishable crates' public API against their last released version with
cargo-semver-checks (`cargo install --locked cargo-semver-checks`): a change that needs a
new major version (0.x: a new minor) and does not have one fails.

The last released version is the first `## [X.Y.Z]` section of CHANGELOG.md; the baseline is
that version as published on crates.io. Run it before bumping the version for a release, and
keep it out of CI until then (it needs the published crates).
";

/// The version of the latest release in CHANGELOG.md: the first `## [X.Y.Z]` heading
/// (`## [Unreleased]` is not one).
fn last_release(changelog: &str) -> Option<&str> {
    changelog.lines().find_map(|line| {
        let version = line.strip_prefix("## [")?.split(']').next()?;
        let core = version.split(['-', '+']).next()?;
        let parts: Vec<&str> = core.split('.').collect();
        let numeric = parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        numeric.then_some(version)
    })
}

/// `cargo xtask semver`.
pub(crate) fn semver(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return match arg.as_str() {
            "-h" | "--help" => {
                print!("{SEMVER_USAGE}");
                Ok(())
            }
            other => Err(format!("unexpected argument `{other}`\n\n{SEMVER_USAGE}")),
        };
    }
    let path = workspace_root().join("CHANGELOG.md");
    let changelog =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let Some(version) = last_release(&changelog) else {
        println!(
            "xtask semver: nothing is released yet (CHANGELOG.md has no `## [X.Y.Z]` section), \
             so there is no baseline to check against.\n\n{SEMVER_USAGE}"
        );
        return Ok(());
    };
    let installed = cargo()
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        return Err(
            "cargo-semver-checks is not installed: `cargo install --locked cargo-semver-checks`"
                .to_owned(),
        );
    }
    let mut check = cargo();
    check.args([
        "semver-checks",
        "check-release",
        "--workspace",
        "--baseline-version",
        version,
    ]);
    for name in unpublished()? {
        check.args(["--exclude", &name]);
    }
    step(&format!("cargo semver-checks against {version}"), check)
}

#[cfg(test)]
mod tests {
    use super::last_release;

    #[test]
    fn the_last_release_is_the_first_versioned_section() {
        assert_eq!(
            last_release("# Changelog\n\n## [Unreleased]\n\n- x\n"),
            None
        );
        let released = "## [Unreleased]\n\n## [0.2.0] - 2026-05-01\n\n## [0.1.0] - 2026-04-01\n";
        assert_eq!(last_release(released), Some("0.2.0"));
        assert_eq!(
            last_release("## [1.0.0-rc.1] - 2026-01-01\n"),
            Some("1.0.0-rc.1")
        );
        assert_eq!(last_release("## [next]\n"), None);
        assert_eq!(last_release("## [1.2]\n## [0.1.0]\n"), Some("0.1.0"));
    }
}
