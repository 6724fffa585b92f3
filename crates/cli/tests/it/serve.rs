//! `twilio-api sandbox serve` as a user runs it: the URL it prints after `listening on`
//! reaches every product (`--base-url URL` sends Verify to `verify.localhost:PORT`) and the
//! 2010-04-01 API, in cleartext and over HTTPS with the CA file it prints; a `--fault` for
//! one product's writes reaches them and nothing else.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, ChildStdout, Output, Stdio};

use crate::support::cli;

/// A running `sandbox serve`, killed (by its own id) when dropped.
struct Served {
    child: Child,
    /// The URL printed after `listening on`.
    url: String,
    account: String,
    token: String,
    /// With `--tls`, the CA certificate file it printed.
    ca_file: Option<String>,
    /// Kept open so that the server never writes to a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl Served {
    fn start(extra: &[&str]) -> Self {
        let mut child = cli()
            .args(["sandbox", "serve", "--bind", "127.0.0.1:0", "--seed", "5"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sandbox serve starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let (mut url, mut account, mut token, mut ca_file) = (None, None, None, None);
        let mut line = String::new();
        loop {
            line.clear();
            let read = stdout.read_line(&mut line).expect("its stdout is readable");
            assert!(
                read > 0,
                "sandbox serve ended before printing what it serves"
            );
            let text = line.trim();
            let after = |key: &str| text.split_once(key).map(|(_, v)| v.trim().to_owned());
            if let Some(v) = after("listening on") {
                url = Some(v);
            } else if text.starts_with("account SID:") {
                account = after(":");
            } else if text.starts_with("auth token:") {
                token = after(":");
            } else if text.starts_with("CA certificate") {
                ca_file = text.rsplit_once(": ").map(|(_, file)| file.to_owned());
            } else if text.starts_with("press Ctrl-C") {
                break;
            }
        }
        Self {
            child,
            url: url.expect("a listening on line"),
            account: account.expect("an account SID line"),
            token: token.expect("an auth token line"),
            ca_file,
            _stdout: stdout,
        }
    }

    /// `twilio-api --base-url URL [--ca-file FILE] …` with the sandbox's credentials.
    fn run(&self, base_url: &str, args: &[&str]) -> Output {
        let mut command = cli();
        command
            .env("TWILIO_ACCOUNT_SID", &self.account)
            .env("TWILIO_AUTH_TOKEN", &self.token)
            .args(["--base-url", base_url]);
        if let Some(file) = &self.ca_file {
            command.args(["--ca-file", file]);
        }
        command
            .args(args)
            .args(["--output", "json"])
            .output()
            .expect("the CLI runs")
    }

    fn port(&self) -> &str {
        self.url.rsplit(':').next().unwrap_or_default()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json(output: &Output, what: &str) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// `verify v2 services create --friendly-name NAME` through `base_url`.
fn create_service(served: &Served, base_url: &str, name: &str) -> Output {
    let words = ["verify", "v2", "services", "create", "--friendly-name"];
    served.run(base_url, &[&words[..], &[name]].concat())
}

/// A Verify service created through the printed URL, fetched back, and a 2010-04-01 list.
fn reaches_a_product_and_the_2010_api(served: &Served, scheme: &str) {
    let url = served.url.clone();
    let service = json(
        &create_service(served, &url, "printed url"),
        "verify v2 services create",
    );
    let sid = service["sid"].as_str().expect("a service SID");
    assert!(sid.starts_with("VA"), "{service}");
    assert_eq!(
        service["url"],
        format!(
            "{scheme}://verify.localhost:{}/v2/Services/{sid}",
            served.port()
        )
    );
    let fetched = json(
        &served.run(&url, &["verify", "v2", "services", "fetch", "--sid", sid]),
        "verify v2 services fetch",
    );
    assert_eq!(fetched["friendly_name"], "printed url");
    let calls = json(
        &served.run(&url, &["calls", "list", "--limit", "3"]),
        "calls list",
    );
    assert_eq!(calls.as_array().map(Vec::len), Some(3), "{calls}");
}

#[test]
fn the_printed_url_reaches_every_product_and_the_2010_api() {
    let served = Served::start(&[]);
    assert_eq!(served.url, format!("http://localhost:{}", served.port()));
    reaches_a_product_and_the_2010_api(&served, "http");
    // The 2010-04-01 API stays on the address too.
    let by_address = format!("http://127.0.0.1:{}", served.port());
    let calls = json(
        &served.run(&by_address, &["calls", "list", "--limit", "2"]),
        "calls list by address",
    );
    assert_eq!(calls.as_array().map(Vec::len), Some(2), "{calls}");
}

#[test]
fn a_fault_for_one_product_reaches_its_writes_only() {
    let served = Served::start(&["--fault", "status:503,host=verify,method=POST"]);
    let url = served.url.clone();
    let refused = create_service(&served, &url, "refused");
    // A write answered 503 may have been applied for all the client knows: exit 3, once.
    assert_eq!(
        refused.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let listed = json(
        &served.run(&url, &["verify", "v2", "services", "list"]),
        "verify v2 services list",
    );
    assert_eq!(listed, serde_json::json!([]));
    reaches_a_product_and_the_2010_api(&served, "http");
}

#[test]
fn over_https_the_certificate_names_the_product_hosts() {
    let served = Served::start(&["--tls"]);
    assert_eq!(served.url, format!("https://localhost:{}", served.port()));
    assert!(served.ca_file.is_some(), "no CA certificate file printed");
    reaches_a_product_and_the_2010_api(&served, "https");
}
