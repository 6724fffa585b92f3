//! Helpers shared by the end-to-end tests in this package's `tests/` folder.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `twilio-api` binary, built once per test process with the same profile and target
/// directory as the tests themselves (the tests of another package do not get
/// `CARGO_BIN_EXE_*`), or, when `TWILIO_E2E_CLI_BUILT` is set (by `cargo xtask ci`, whose
/// one `cargo test --workspace` has just built it), the binary as it is. Panics, failing the
/// test, when it cannot be built.
pub fn cli_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        // target/<profile>/deps/<test>-<hash> -> target/<profile>/twilio-api
        let exe = std::env::current_exe()
            .unwrap_or_else(|e| panic!("cannot locate the test executable: {e}"));
        let Some(profile_dir) = exe.parent().and_then(Path::parent) else {
            panic!("unexpected test executable path {}", exe.display());
        };
        let Some(target_dir) = profile_dir.parent() else {
            panic!("unexpected target directory {}", profile_dir.display());
        };
        let path = profile_dir.join(format!("twilio-api{}", std::env::consts::EXE_SUFFIX));
        // `cargo xtask ci` runs the whole workspace's tests in one `cargo test`, which builds
        // the binary (for the CLI's own tests) before any test runs: use it as it is.
        if std::env::var_os("TWILIO_E2E_CLI_BUILT").is_some() && path.exists() {
            return path;
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut build = Command::new(cargo);
        build.args([
            "build",
            "--quiet",
            "-p",
            "twilio-api-cli",
            "--bin",
            "twilio-api",
        ]);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        let status = build
            .env("CARGO_TARGET_DIR", target_dir)
            .status()
            .unwrap_or_else(|e| panic!("cannot run cargo build: {e}"));
        assert!(status.success(), "building twilio-api failed");
        assert!(path.exists(), "{} missing", path.display());
        path
    })
}

/// A `twilio-api` command whose environment names these credentials and no other Twilio
/// setting of the machine's (no API key, region or edge) and no proxy, so that tests do not
/// depend on the environment they run in.
pub fn cli_command(account_sid: &str, auth_token: &str) -> Command {
    let mut command = Command::new(cli_binary());
    for proxy in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
        "no_proxy",
        "NO_PROXY",
    ] {
        command.env_remove(proxy);
    }
    command
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET")
        .env_remove("TWILIO_REGION")
        .env_remove("TWILIO_EDGE")
        .env("TWILIO_ACCOUNT_SID", account_sid)
        .env("TWILIO_AUTH_TOKEN", auth_token)
        .env("NO_COLOR", "1");
    command
}
