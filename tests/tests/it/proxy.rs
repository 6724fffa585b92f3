//! Proxies end to end, through a real proxy server: Debian's `tinyproxy`, started by each test
//! on a free loopback port with a configuration written to a temporary directory, in the
//! foreground, and killed when the test ends (`.ci/run` installs it). Between the client and
//! tinyproxy sits a tap that records every byte the proxy received, so the tests can say what
//! the proxy saw; the sandbox's request log says what reached the server.
//!
//! The client is the facade (its environment injected through `ClientBuilder::from_lookup`)
//! or the `twilio-api` binary (its environment set on the child process): no test touches its
//! own process environment.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use twilio_api::{CallSid, Client, ClientBuilder, Error, TransportErrorKind};
use twilio_e2e::{cli_binary, cli_command};
use twilio_sandbox::{Fault, Sandbox};

// ---------------------------------------------------------------------------------------
// tinyproxy, a tap in front of it, and temporary files.

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "twilio-e2e-{what}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A loopback port nothing listens on (bound, then released).
fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `tinyproxy -d` (foreground) on 127.0.0.1, killed on drop.
struct Tinyproxy {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: TempDir,
}

impl Tinyproxy {
    /// Starts tinyproxy with `extra` configuration lines (`BasicAuth …`, `ConnectPort …`).
    fn start(extra: &str) -> Self {
        let installed = Command::new("tinyproxy")
            .arg("-v")
            .output()
            .is_ok_and(|out| out.status.success());
        assert!(
            installed,
            "tinyproxy is not installed: `apt-get install -y tinyproxy` (.ci/run installs it)"
        );
        // A port picked free may be taken before tinyproxy binds it: try a few.
        for _ in 0..5 {
            let dir = TempDir::new("tinyproxy");
            let port = free_port();
            let log = dir.0.join("tinyproxy.log");
            let config = dir.file(
                "tinyproxy.conf",
                &format!(
                    "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 100\n\
                     LogLevel Connect\nLogFile \"{}\"\n{extra}\n",
                    log.display()
                ),
            );
            let mut child = Command::new("tinyproxy")
                .arg("-d")
                .arg("-c")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Self {
                        child,
                        port,
                        log,
                        _dir: dir,
                    };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("tinyproxy did not start");
    }

    /// What tinyproxy logged (at level Connect: each connection and request line).
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A relay on 127.0.0.1 in front of a proxy that records every byte the proxy receives.
struct Tap {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<u8>>>,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Tap {
    async fn start(upstream_port: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (log, count) = (Arc::clone(&received), Arc::clone(&connections));
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let Ok(upstream) = TcpStream::connect(("127.0.0.1", upstream_port)).await else {
                    continue;
                };
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let (mut client_read, mut client_write) = client.into_split();
                    let (mut upstream_read, mut upstream_write) = upstream.into_split();
                    let to_proxy = async move {
                        let mut buf = vec![0u8; 16 * 1024];
                        loop {
                            match client_read.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => {
                                    log.lock().unwrap().extend_from_slice(&buf[..n]);
                                    if upstream_write.write_all(&buf[..n]).await.is_err() {
                                        break;
                                    }
                                }
                            }
                        }
                        let _ = upstream_write.shutdown().await;
                    };
                    let from_proxy = async move {
                        let _ = tokio::io::copy(&mut upstream_read, &mut client_write).await;
                        let _ = client_write.shutdown().await;
                    };
                    tokio::join!(to_proxy, from_proxy);
                });
            }
        });
        Self {
            addr,
            received,
            connections,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`, the proxy URL to give the client.
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://user:password@127.0.0.1:PORT`.
    fn url_with(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.addr)
    }

    /// Everything the proxy received, as text (TLS records show as replacement characters).
    fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().unwrap()).into_owned()
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Tap {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ---------------------------------------------------------------------------------------
// Sandboxes and clients.

async fn sandbox(tls: bool) -> Sandbox {
    Sandbox::builder()
        .seed(31)
        .calls(1)
        .call_with_events(120)
        .tls(tls)
        .start()
        .await
        .unwrap()
}

fn big_call(sandbox: &Sandbox) -> CallSid {
    sandbox.call_sids().last().unwrap().parse().unwrap()
}

/// The sandbox's port, as it appears in a `CONNECT` or an absolute URI.
fn port(sandbox: &Sandbox) -> u16 {
    sandbox.addr().port()
}

/// A facade client for `sandbox` whose whole environment is `env` (plus the sandbox's
/// credentials), trusting the sandbox's CA when it serves TLS.
fn client_with_env(sandbox: &Sandbox, env: &[(&str, String)]) -> ClientBuilder {
    let mut vars: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    vars.push(("TWILIO_ACCOUNT_SID".into(), sandbox.account_sid().into()));
    vars.push(("TWILIO_AUTH_TOKEN".into(), sandbox.auth_token().into()));
    let mut builder = ClientBuilder::from_lookup(move |name| {
        vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
    .unwrap()
    // By address: what the proxy rules below name, and what a CONNECT carries.
    .base_url(sandbox.address_url())
    .timeout(Duration::from_secs(10));
    if let Some(pem) = sandbox.ca_certificate_pem() {
        builder = builder.add_root_certificates_pem(pem);
    }
    builder
}

async fn list_all(client: &Client, sandbox: &Sandbox) -> Result<usize, Error> {
    client
        .call(big_call(sandbox))
        .events()
        .list()
        .page_size(50)
        .collect()
        .await
        .map(|events| events.len())
}

/// What must never reach the proxy in a tunnelled request: the credentials in any form,
/// and anything of the request itself.
fn assert_tunnel_only(received: &str, sandbox: &Sandbox) {
    let lower = received.to_ascii_lowercase();
    for secret in [
        "\r\nauthorization:",
        "events.json",
        "user-agent",
        "accept: application/json",
    ] {
        assert!(
            !lower.contains(secret),
            "the proxy saw {secret:?}: {received:?}"
        );
    }
    assert!(!received.contains(sandbox.auth_token()), "{received:?}");
    assert!(!received.contains(sandbox.account_sid()), "{received:?}");
}

fn connects_to(received: &str, sandbox: &Sandbox) -> usize {
    received
        .matches(&format!("CONNECT 127.0.0.1:{} HTTP/1.1\r\n", port(sandbox)))
        .count()
}

/// The `twilio-api` binary with the sandbox's credentials, no proxy, TLS or log variable of
/// this process's environment, then `env`; lists the big call as NDJSON with `args`.
async fn cli(sandbox: &Sandbox, env: &[(&str, String)], args: &[String]) -> Output {
    let mut command = cli_command(sandbox.account_sid(), sandbox.auth_token());
    for name in ["SSL_CERT_FILE", "SSL_CERT_DIR", "RUST_LOG"] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let call = big_call(sandbox).to_string();
    command
        .args(["calls", "events", "list", "--call-sid", &call])
        .args(["--output", "ndjson", "--base-url", &sandbox.address_url()])
        .args(["--timeout", "10"])
        .args(args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn lines(output: &Output) -> usize {
    String::from_utf8_lossy(&output.stdout).lines().count()
}

/// The sandbox's CA certificate in a file, for `--ca-file`.
fn ca_file(sandbox: &Sandbox, dir: &TempDir) -> String {
    dir.file("sandbox-ca.pem", sandbox.ca_certificate_pem().unwrap())
        .display()
        .to_string()
}

/// A proxy URL nothing answers at.
fn dead_proxy() -> String {
    format!("http://127.0.0.1:{}", free_port())
}

// ---------------------------------------------------------------------------------------
// Plain http:// and https:// through the proxy.

#[tokio::test]
async fn plain_http_goes_to_the_proxy_in_absolute_form() {
    let proxy = Tinyproxy::start("");
    let tap = Tap::start(proxy.port).await;
    let sandbox = sandbox(false).await;
    let retries = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&retries);
    let client = client_with_env(&sandbox, &[])
        .proxy(tap.url())
        .on_retry(move |event| log.lock().unwrap().push(format!("{event:?}")))
        .build()
        .unwrap();

    assert_eq!(list_all(&client, &sandbox).await.unwrap(), 120);

    // Three pages, each sent once more per retry: on a loaded machine a pooled connection the
    // proxy has just closed, or a proxy's 502, is retried as it should be (seen once in CI).
    let retried = retries.lock().unwrap().clone();
    let received = tap.received();
    let first = format!(
        "GET http://127.0.0.1:{}{}?PageSize=50 HTTP/1.1\r\n",
        port(&sandbox),
        sandbox.events_path(big_call(&sandbox).as_ref())
    );
    assert!(received.contains(&first), "{received:?}");
    assert_eq!(
        received.matches("GET http://127.0.0.1:").count(),
        3 + retried.len(),
        "retries {retried:?}, the proxy received {received:?}"
    );
    assert!(!received.contains("CONNECT"), "{received:?}");
    assert!(proxy.log().contains("Request (file descriptor"));
    assert!(proxy.log().contains(first.trim_end()), "{}", proxy.log());
    let requests = sandbox.requests();
    assert!(
        (3..=3 + retried.len()).contains(&requests.len()),
        "{requests:?} {retried:?}"
    );
    for request in &requests {
        let via = request.via.as_deref().unwrap_or_default();
        assert!(via.contains("tinyproxy"), "{request:?}");
        assert_eq!(
            request.auth_username.as_deref(),
            Some(sandbox.account_sid())
        );
    }
}

#[tokio::test]
async fn https_goes_through_one_connect_tunnel_and_the_proxy_sees_nothing_else() {
    let proxy = Tinyproxy::start("");
    let tap = Tap::start(proxy.port).await;
    let sandbox = sandbox(true).await;
    let client = client_with_env(&sandbox, &[])
        .proxy(tap.url())
        .build()
        .unwrap();

    assert_eq!(list_all(&client, &sandbox).await.unwrap(), 120);

    let received = tap.received();
    assert_eq!(
        connects_to(&received, &sandbox),
        1,
        "three pages over one tunnel: {received:?}"
    );
    assert!(received.starts_with("CONNECT "), "{received:?}");
    assert!(!received.contains("Proxy-Authorization"), "{received:?}");
    assert_tunnel_only(&received, &sandbox);
    let log = proxy.log();
    assert!(
        log.contains(&format!("CONNECT 127.0.0.1:{} HTTP/1.1", port(&sandbox))),
        "{log}"
    );
    assert!(!log.contains("GET "), "{log}");
    // The server saw the whole requests, over HTTP/2 inside the tunnel, with no Via.
    let requests = sandbox.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.version, http::Version::HTTP_2, "{request:?}");
        assert_eq!(request.via, None);
        assert_eq!(
            request.auth_username.as_deref(),
            Some(sandbox.account_sid())
        );
    }
}

#[tokio::test]
async fn retries_timeouts_and_the_body_cap_work_the_same_through_the_tunnel() {
    let proxy = Tinyproxy::start("");
    let tap = Tap::start(proxy.port).await;
    let sandbox = sandbox(true).await;

    // A 503 is retried, inside the same tunnel.
    sandbox.faults().push(Fault::Status {
        status: http::StatusCode::SERVICE_UNAVAILABLE,
        retry_after: Some(0),
        html: false,
    });
    let retries = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&retries);
    let client = client_with_env(&sandbox, &[])
        .proxy(tap.url())
        .on_retry(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    assert_eq!(list_all(&client, &sandbox).await.unwrap(), 120);
    assert_eq!(retries.load(Ordering::SeqCst), 1);
    assert_eq!(connects_to(&tap.received(), &sandbox), 1);

    // A page slower than the timeout times out.
    sandbox.faults().push(Fault::Delay(Duration::from_secs(5)));
    let slow = client_with_env(&sandbox, &[])
        .proxy(tap.url())
        .timeout(Duration::from_millis(500))
        .max_retries(0)
        .build()
        .unwrap();
    let error = list_all(&slow, &sandbox).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");

    // A body over the cap is refused while it streams in (the default cap is 32 MiB).
    sandbox.faults().push(Fault::Oversized {
        min_bytes: 40 * 1024 * 1024,
        declare_length: false,
    });
    let error = list_all(&client, &sandbox).await.unwrap_err();
    match &error {
        Error::Transport { source, .. } => {
            assert_eq!(source.kind(), TransportErrorKind::BodyTooLarge, "{error:?}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_tunnel_only(&tap.received(), &sandbox);
}

// ---------------------------------------------------------------------------------------
// NO_PROXY.

#[tokio::test]
async fn no_proxy_sends_matching_destinations_straight_to_the_server() {
    let proxy = Tinyproxy::start("");
    let sandbox = sandbox(true).await;
    for no_proxy in [
        "127.0.0.1",
        "127.0.0.0/8",
        "*",
        "api.example.com, 127.0.0.1",
    ] {
        let tap = Tap::start(proxy.port).await;
        let env = [
            ("https_proxy", tap.url()),
            ("no_proxy", no_proxy.to_owned()),
        ];
        let client = client_with_env(&sandbox, &env).build().unwrap();
        assert_eq!(
            list_all(&client, &sandbox).await.unwrap(),
            120,
            "{no_proxy}"
        );
        assert_eq!(tap.connections(), 0, "{no_proxy:?} should bypass the proxy");
    }
    // A host name rule, for a base URL that names the host.
    let tap = Tap::start(proxy.port).await;
    let env = [
        ("HTTPS_PROXY", tap.url()),
        ("NO_PROXY", ".localhost".to_owned()),
    ];
    let by_name = format!("https://localhost:{}", port(&sandbox));
    let client = client_with_env(&sandbox, &env)
        .base_url(by_name)
        .build()
        .unwrap();
    assert_eq!(list_all(&client, &sandbox).await.unwrap(), 120);
    assert_eq!(tap.connections(), 0);

    // Rules that do not match leave the proxy in use.
    for no_proxy in [
        "127.0.0.2",
        "10.0.0.0/8",
        "example.com",
        "127.0.0.1.example",
    ] {
        let tap = Tap::start(proxy.port).await;
        let env = [
            ("https_proxy", tap.url()),
            ("no_proxy", no_proxy.to_owned()),
        ];
        let client = client_with_env(&sandbox, &env).build().unwrap();
        assert_eq!(
            list_all(&client, &sandbox).await.unwrap(),
            120,
            "{no_proxy}"
        );
        assert_eq!(
            connects_to(&tap.received(), &sandbox),
            1,
            "{no_proxy:?} should not bypass the proxy"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Proxy authentication and refusals.

#[tokio::test]
async fn proxy_credentials_go_to_the_proxy_only_and_a_wrong_password_is_a_clear_error() {
    let proxy = Tinyproxy::start("BasicAuth alice s3cret-proxy-pw");
    let sandbox = sandbox(true).await;

    // Right password: the CONNECT carries Proxy-Authorization, nothing else does.
    let tap = Tap::start(proxy.port).await;
    let client = client_with_env(&sandbox, &[])
        .proxy(tap.url_with("alice", "s3cret-proxy-pw"))
        .build()
        .unwrap();
    assert_eq!(list_all(&client, &sandbox).await.unwrap(), 120);
    let received = tap.received();
    // base64("alice:s3cret-proxy-pw")
    let credentials = "Proxy-Authorization: Basic YWxpY2U6czNjcmV0LXByb3h5LXB3\r\n";
    assert_eq!(received.matches(credentials).count(), 1, "{received:?}");
    let connect_end = received.find("\r\n\r\n").unwrap();
    assert!(received[..connect_end].contains(credentials.trim_end()));
    assert_tunnel_only(&received, &sandbox);

    // Wrong password: a typed error naming the proxy, not retried, no password shown.
    let tap = Tap::start(proxy.port).await;
    let client = client_with_env(&sandbox, &[])
        .proxy(tap.url_with("alice", "wrong-pw-123"))
        .max_retries(3)
        .build()
        .unwrap();
    let error = list_all(&client, &sandbox).await.unwrap_err();
    let Error::Transport { source, .. } = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(source.kind(), TransportErrorKind::Proxy, "{error:?}");
    // tinyproxy answers 401 to credentials it refuses (407 is for none at all).
    assert_eq!(source.proxy_status(), Some(401));
    assert_eq!(source.proxy(), Some(tap.url().as_str()));
    assert!(!error.is_retryable());
    assert_eq!(tap.connections(), 1, "a refused password is not retried");
    let text = format!("{error:?} {}", chain(&error));
    assert!(text.contains("refused the credentials"), "{text}");
    assert!(text.contains(&tap.url()), "{text}");
    assert!(
        !text.contains("wrong-pw-123") && !text.contains("alice"),
        "{text}"
    );

    // The CLI says the same on one line, exit 1.
    let tap = Tap::start(proxy.port).await;
    let dir = TempDir::new("ca");
    let out = cli(
        &sandbox,
        &[],
        &[
            "--proxy".into(),
            tap.url_with("alice", "wrong-pw-123"),
            "--ca-file".into(),
            ca_file(&sandbox, &dir),
        ],
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("the proxy {} refused the credentials", tap.url())),
        "{err}"
    );
    assert!(err.contains("answered HTTP 401"), "{err}");
    assert!(!err.contains("wrong-pw-123"), "{err}");

    // No credentials at all: 407, and the error says how to give them.
    let tap = Tap::start(proxy.port).await;
    let client = client_with_env(&sandbox, &[])
        .proxy(tap.url())
        .build()
        .unwrap();
    let error = list_all(&client, &sandbox).await.unwrap_err();
    assert!(chain(&error).contains("asks for credentials"), "{error:?}");
    assert!(chain(&error).contains("answered HTTP 407"), "{error:?}");

    // Plain http:// without credentials: the 407 to the request itself is a proxy error too.
    let plain = sandbox_plain().await;
    let tap = Tap::start(proxy.port).await;
    let client = client_with_env(&plain, &[])
        .proxy(tap.url())
        .build()
        .unwrap();
    let error = list_all(&client, &plain).await.unwrap_err();
    let Error::Transport { source, .. } = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(source.kind(), TransportErrorKind::Proxy, "{error:?}");
    assert_eq!(source.proxy_status(), Some(407));
    // With wrong credentials tinyproxy answers a plain request 401, which only a 407 would
    // tell apart from the server's own 401: it stays an HTTP error, not Twilio's, and the
    // server saw nothing.
    let tap = Tap::start(proxy.port).await;
    let client = client_with_env(&plain, &[])
        .proxy(tap.url_with("alice", "wrong-pw-123"))
        .build()
        .unwrap();
    let error = list_all(&client, &plain).await.unwrap_err();
    assert_eq!(error.status(), Some(401), "{error:?}");
    assert!(error.api_error().is_none(), "{error:?}");
    assert!(!format!("{error} {error:?}").contains("wrong-pw-123"));
    assert!(plain.requests().is_empty(), "nothing reached the server");
}

async fn sandbox_plain() -> Sandbox {
    sandbox(false).await
}

#[tokio::test]
async fn a_refused_connect_is_a_typed_error_naming_the_proxy_and_not_retried() {
    // tinyproxy forbids CONNECT to any port but 443: the sandbox's is refused with 403.
    let proxy = Tinyproxy::start("ConnectPort 443");
    let tap = Tap::start(proxy.port).await;
    let sandbox = sandbox(true).await;
    let client = client_with_env(&sandbox, &[])
        .proxy(tap.url())
        .max_retries(3)
        .build()
        .unwrap();
    let error = list_all(&client, &sandbox).await.unwrap_err();
    let Error::Transport { source, .. } = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(source.kind(), TransportErrorKind::Proxy, "{error:?}");
    assert_eq!(source.proxy_status(), Some(403));
    assert!(!error.is_retryable());
    assert_eq!(tap.connections(), 1);
    let text = chain(&error);
    assert!(
        text.contains(&format!("the proxy {} refused to open a tunnel", tap.url())),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "CONNECT 127.0.0.1:{} answered HTTP 403",
            port(&sandbox)
        )),
        "{text}"
    );
    assert!(sandbox.requests().is_empty());
    assert_eq!(sandbox.stats().connections_accepted, 0);
}

#[tokio::test]
async fn a_proxy_that_cannot_be_reached_is_named_and_retried_a_bounded_number_of_times() {
    let sandbox = sandbox(true).await;
    let dead = dead_proxy();
    let client = client_with_env(&sandbox, &[])
        .proxy(dead.clone())
        .max_retries(1)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = list_all(&client, &sandbox).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    let Error::Transport { source, .. } = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(source.kind(), TransportErrorKind::Connect, "{error:?}");
    assert_eq!(source.proxy(), Some(dead.as_str()));
    assert!(
        chain(&error).contains(&format!("could not connect to the proxy {dead}")),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The environment, as curl reads it, and the CLI's options over it.

#[tokio::test]
async fn the_cli_follows_curls_environment_rules_and_its_options_win() {
    let proxy = Tinyproxy::start("");
    let tls = sandbox(true).await;
    let plain = sandbox(false).await;
    let dir = TempDir::new("ca");
    let ca = vec!["--ca-file".to_owned(), ca_file(&tls, &dir)];

    // https_proxy (lower case) wins over HTTPS_PROXY.
    let tap = Tap::start(proxy.port).await;
    let env = [("https_proxy", tap.url()), ("HTTPS_PROXY", dead_proxy())];
    let out = cli(&tls, &env, &ca).await;
    assert_eq!(
        (out.status.code(), lines(&out)),
        (Some(0), 120),
        "{}",
        stderr(&out)
    );
    assert_eq!(connects_to(&tap.received(), &tls), 1);

    // HTTPS_PROXY alone is used.
    let tap = Tap::start(proxy.port).await;
    let out = cli(&tls, &[("HTTPS_PROXY", tap.url())], &ca).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(connects_to(&tap.received(), &tls), 1);

    // ALL_PROXY is the fallback for https://.
    let tap = Tap::start(proxy.port).await;
    let out = cli(&tls, &[("ALL_PROXY", tap.url())], &ca).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(connects_to(&tap.received(), &tls), 1);

    // For http://, HTTP_PROXY (upper case) is ignored as curl ignores it (CGI's Proxy:
    // header), and http_proxy is used.
    let tap = Tap::start(proxy.port).await;
    let out = cli(&plain, &[("HTTP_PROXY", tap.url())], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(tap.connections(), 0);
    assert!(plain.requests().iter().all(|r| r.via.is_none()));
    let out = cli(&plain, &[("http_proxy", tap.url())], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tap.received().contains("GET http://127.0.0.1:"));
    assert!(plain.requests().last().unwrap().via.is_some());

    // --proxy wins over the environment's proxies; no_proxy still applies to it.
    let tap = Tap::start(proxy.port).await;
    let mut args = ca.clone();
    args.extend(["--proxy".to_owned(), tap.url()]);
    let out = cli(&tls, &[("https_proxy", dead_proxy())], &args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(connects_to(&tap.received(), &tls), 1);
    let tap = Tap::start(proxy.port).await;
    let mut args = ca.clone();
    args.extend(["--proxy".to_owned(), tap.url()]);
    let out = cli(&tls, &[("NO_PROXY", "127.0.0.1".to_owned())], &args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(tap.connections(), 0);

    // --no-proxy wins over everything.
    let mut args = ca.clone();
    args.push("--no-proxy".to_owned());
    let env = [("https_proxy", dead_proxy()), ("ALL_PROXY", dead_proxy())];
    let out = cli(&tls, &env, &args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A proxy URL that cannot be used is exit 2 before any request, naming its variable.
    let out = cli(
        &tls,
        &[("https_proxy", "socks5://u:pw123@127.0.0.1:1".into())],
        &ca,
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("https_proxy names a socks5:// proxy"), "{err}");
    assert!(!err.contains("pw123"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Certificates, request ids and -v, through the CLI.

#[tokio::test]
async fn certificate_files_that_cannot_be_used_are_exit_2_naming_the_file() {
    let sandbox = sandbox(true).await;
    let dir = TempDir::new("ca");
    let empty = dir.file(
        "empty.pem",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    );
    let junk = dir.file("junk.crt", "no certificate here\n");
    let missing = dir.0.join("missing.pem");
    for (args, env, expected) in [
        (
            vec!["--ca-file".to_owned(), empty.display().to_string()],
            vec![],
            format!(
                "the certificate file {} holds no PEM certificate",
                empty.display()
            ),
        ),
        (
            vec!["--ca-file".to_owned(), junk.display().to_string()],
            vec![],
            format!("the certificate file {} is neither PEM nor", junk.display()),
        ),
        (
            vec!["--ca-file".to_owned(), missing.display().to_string()],
            vec![],
            format!("the certificate file {} cannot be read", missing.display()),
        ),
        (
            vec![],
            vec![("SSL_CERT_FILE", empty.display().to_string())],
            format!("SSL_CERT_FILE names {}", empty.display()),
        ),
        (
            vec![],
            vec![("SSL_CERT_DIR", dir.0.join("nope").display().to_string())],
            "SSL_CERT_DIR names".to_owned(),
        ),
    ] {
        let out = cli(&sandbox, &env, &args).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(&expected), "{expected:?} in {err}");
    }
    assert!(sandbox.requests().is_empty());

    // Without the sandbox's CA, its certificate is a certificate problem, not retried.
    let out = cli(&sandbox, &[], &["--max-retries".into(), "3".into()]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("certificate is not trusted"), "{err}");
    assert_eq!(sandbox.stats().connections_accepted, 1, "not retried");

    // SSL_CERT_FILE naming the sandbox's CA replaces the bundled roots: it connects.
    let ca = ca_file(&sandbox, &dir);
    let out = cli(&sandbox, &[("SSL_CERT_FILE", ca)], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[tokio::test]
async fn errors_quote_the_twilio_request_id_and_verbose_shows_the_requests() {
    let proxy = Tinyproxy::start("");
    let tap = Tap::start(proxy.port).await;
    let sandbox = sandbox(true).await;
    let dir = TempDir::new("ca");
    let mut args = vec![
        "--ca-file".to_owned(),
        ca_file(&sandbox, &dir),
        "--proxy".to_owned(),
        tap.url_with("bob", "pw-never-logged"),
    ];

    // -v: each request with its status, attempt, request id and proxy; retries with reason
    // and delay; never a secret.
    sandbox.faults().push(Fault::Status {
        status: http::StatusCode::SERVICE_UNAVAILABLE,
        retry_after: Some(0),
        html: false,
    });
    let mut verbose = args.clone();
    verbose.push("-v".to_owned());
    let out = cli(&sandbox, &[], &verbose).await;
    let err = stderr(&out);
    assert_eq!((out.status.code(), lines(&out)), (Some(0), 120), "{err}");
    let first_id = sandbox.requests()[0].request_id.clone().unwrap();
    assert!(err.contains("method=GET"), "{err}");
    assert!(err.contains(&format!("proxy={}", tap.url())), "{err}");
    assert!(err.contains("attempt=2"), "{err}");
    assert!(err.contains("status=200"), "{err}");
    assert!(err.contains(&format!("request_id={first_id}")), "{err}");
    assert!(err.contains("retrying a Twilio request"), "{err}");
    assert!(
        err.contains("reason=status 503") && err.contains("delay_ms="),
        "{err}"
    );
    for secret in [
        sandbox.auth_token(),
        "pw-never-logged",
        "PageToken",
        "Basic ",
    ] {
        assert!(!err.contains(secret), "{secret} logged: {err}");
    }

    // RUST_LOG filters work without -v.
    let out = cli(
        &sandbox,
        &[("RUST_LOG", "twilio_transport=debug".into())],
        &args,
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("response received"), "{err}");

    // An error quotes the request id of the response, the same the sandbox logged.
    args.extend(["--max-retries".to_owned(), "0".to_owned()]);
    sandbox.faults().push(Fault::Status {
        status: http::StatusCode::SERVICE_UNAVAILABLE,
        retry_after: None,
        html: false,
    });
    let out = cli(&sandbox, &[], &args).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let id = sandbox
        .requests()
        .last()
        .unwrap()
        .request_id
        .clone()
        .unwrap();
    assert!(
        err.contains(&format!("[Twilio request id {id}]")),
        "{id} in {err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[tokio::test]
async fn sandbox_serve_tls_through_the_proxy_with_the_cli() {
    use std::io::{BufRead as _, BufReader};

    /// Stops the server however the test ends.
    struct KillOnDrop(Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    let proxy = Tinyproxy::start("");
    let tap = Tap::start(proxy.port).await;
    let mut server = Command::new(cli_binary())
        .args(["sandbox", "serve", "--tls", "--bind", "127.0.0.1:0"])
        .args(["--calls", "1", "--call-with-events", "75"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout_pipe = server.stdout.take().unwrap();
    let pid = server.id();
    let mut server = KillOnDrop(server);
    let mut summary = Vec::new();
    for line in BufReader::new(stdout_pipe).lines() {
        let line = line.unwrap();
        let done = line.starts_with("press Ctrl-C");
        summary.push(line);
        if done {
            break;
        }
    }
    let field = |prefix: &str| {
        summary
            .iter()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| panic!("no {prefix:?} in {summary:#?}"))
    };
    let base = field("Twilio sandbox listening on");
    assert!(base.starts_with("https://localhost:"), "{base}");
    // By address, which the certificate names too: what the CONNECT below carries.
    let base = base.replace("localhost", "127.0.0.1");
    let ca = field("CA certificate (throwaway, trust it with --ca-file):");
    assert!(Path::new(&ca).is_file(), "{ca}");
    assert!(
        std::fs::read_to_string(&ca)
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    let account = field("account SID:");
    let token = field("auth token:");
    let call = summary
        .iter()
        .find(|l| l.contains("(75 events)"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();

    let mut list = cli_command(&account, &token);
    list.env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .args([
            "calls",
            "events",
            "list",
            "--call-sid",
            &call,
            "--output",
            "ndjson",
        ])
        .args(["--base-url", &base, "--ca-file", &ca, "--proxy", &tap.url()]);
    let out = tokio::task::spawn_blocking(move || list.output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        (out.status.code(), lines(&out)),
        (Some(0), 75),
        "{}",
        stderr(&out)
    );
    let received = tap.received();
    let port = base.rsplit(':').next().unwrap();
    assert_eq!(
        received
            .matches(&format!("CONNECT 127.0.0.1:{port} HTTP/1.1"))
            .count(),
        1,
        "{received:?}"
    );
    assert!(!received.contains(&token) && !received.contains(&account));

    // Ctrl-C stops it and removes the throwaway CA's file.
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exited = server.0.wait().unwrap();
    assert!(exited.success(), "{exited:?}");
    assert!(!Path::new(&ca).exists(), "{ca} left behind");
}

/// Every message of the error chain, joined by ": ".
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut next = Some(error);
    while let Some(error) = next {
        parts.push(error.to_string());
        next = error.source();
    }
    parts.join(": ")
}
