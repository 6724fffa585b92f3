//! The command line, as clap parses it. This surface is relied on by scripts: add to it,
//! never change what is there.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Read every resource of the Twilio REST API (2010-04-01) as a table, JSON, NDJSON or CSV,
/// export calls' events, make every write (create, update, remove), sign or verify webhooks,
/// or run a local Twilio-compatible sandbox.
///
/// Secrets come from the environment only: TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and
/// TWILIO_API_SECRET (the API key wins when both are set).
#[derive(Debug, Parser)]
#[command(
    name = "twilio-api",
    version,
    propagate_version = true,
    after_help = crate::help::EXAMPLES
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options accepted before or after the subcommand.
///
/// The first five (`--account-sid`, `--region`, `--edge`, `--timeout`, `--sandbox`) share
/// their names with parameters of some Twilio operations: on the command of such an
/// operation the parameter wins (`calls create --timeout 15` sends `Timeout=15`), and the
/// option stays reachable there under its alternative name ([`YIELDING`]), which every
/// command accepts. They are options of the root and of every subcommand (not clap globals),
/// merged by `settings::merge`.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The account whose credentials are used [default: env TWILIO_ACCOUNT_SID]
    #[arg(long, visible_alias = "twilio-account-sid", value_name = "AC…")]
    pub(crate) account_sid: Option<String>,
    /// The API origin [default: https://api.twilio.com, or the region/edge host]
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// The Twilio region, e.g. ie1 [default: env TWILIO_REGION]
    #[arg(long, visible_alias = "twilio-region", value_name = "R")]
    pub(crate) region: Option<String>,
    /// The Twilio edge, e.g. dublin [default: env TWILIO_EDGE]
    #[arg(long, visible_alias = "twilio-edge", value_name = "E")]
    pub(crate) edge: Option<String>,
    /// Time allowed for one request attempt, connect and body included [default: 30]
    #[arg(long, visible_alias = "http-timeout", value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) timeout: Option<f64>,
    /// Retries of a failed request (429, 5xx, broken connections)
    #[arg(long, global = true, value_name = "N", default_value_t = 3)]
    pub(crate) max_retries: u32,
    /// At most N requests a second, evenly spaced, for the whole command: an account's known
    /// limit (bulk creates at Twilio's limit without a 429). Without it the client slows down
    /// on 429s only
    #[arg(long, global = true, value_name = "N", value_parser = parse_rate)]
    pub(crate) rate_limit: Option<f64>,
    /// Start the embedded sandbox in-process and use it (no credentials, no network)
    #[arg(long, visible_alias = "embedded-sandbox")]
    pub(crate) sandbox: bool,
    /// Send every request through this HTTP proxy, http://[user:password@]host[:port],
    /// instead of the one named by https_proxy, http_proxy or all_proxy (no_proxy still
    /// applies). A password given here is visible to other users of the machine: prefer the
    /// environment for it
    #[arg(long, global = true, value_name = "URL", value_parser = parse_proxy_url)]
    pub(crate) proxy: Option<ProxyUrl>,
    /// Use no proxy, whatever the environment says
    #[arg(long, global = true, conflicts_with = "proxy")]
    pub(crate) no_proxy: bool,
    /// Also trust the certificates in this file, a PEM bundle or one DER certificate (a
    /// company CA, a TLS-inspecting proxy's CA); repeatable
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) ca_file: Vec<PathBuf>,
    /// Start from the operating system's root certificates instead of the Mozilla roots
    /// bundled in the binary (SSL_CERT_FILE and SSL_CERT_DIR replace either when set)
    #[arg(long, global = true)]
    pub(crate) system_roots: bool,
    /// Show what the client does on stderr: -v each request (method, URL, status, attempt,
    /// request id, proxy) and retry, -vv more, -vvv everything. RUST_LOG filters work too
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

/// An option of the CLI that yields to an operation's parameter of the same name on that
/// operation's command, and its alternative name, which no parameter of any Twilio API has
/// (a test reads every spec in `spec/` to check it).
#[derive(Debug)]
pub(crate) struct Yielding {
    /// The root's argument id (the [`Global`] field).
    pub(crate) id: &'static str,
    /// The id of its copy on every subcommand.
    pub(crate) copy: &'static str,
    /// Its name, e.g. `timeout`.
    pub(crate) long: &'static str,
    /// Its name on a command whose operation has a parameter `long`, e.g. `http-timeout`.
    pub(crate) alternative: &'static str,
}

/// The options of [`Global`] that yield to parameters (see [`Global`]).
pub(crate) const YIELDING: &[Yielding] = &[
    Yielding {
        id: "account_sid",
        copy: "cli-account-sid",
        long: "account-sid",
        alternative: "twilio-account-sid",
    },
    Yielding {
        id: "region",
        copy: "cli-region",
        long: "region",
        alternative: "twilio-region",
    },
    Yielding {
        id: "edge",
        copy: "cli-edge",
        long: "edge",
        alternative: "twilio-edge",
    },
    Yielding {
        id: "timeout",
        copy: "cli-timeout",
        long: "timeout",
        alternative: "http-timeout",
    },
    Yielding {
        id: "sandbox",
        copy: "cli-sandbox",
        long: "sandbox",
        alternative: "embedded-sandbox",
    },
];

/// Gives every subcommand of `root`, at any depth, a copy of each [`YIELDING`] option of the
/// root: under its own name and its alternative, or, where the command already has an
/// argument of that name (an operation's parameter), under its alternative only.
pub(crate) fn with_yielding_options(root: clap::Command) -> clap::Command {
    let copies: Vec<(&Yielding, clap::Arg)> = YIELDING
        .iter()
        .filter_map(|y| {
            root.get_arguments()
                .find(|arg| arg.get_id() == y.id)
                .map(|arg| (y, arg.clone()))
        })
        .collect();
    add_copies(root, &copies)
}

fn add_copies(cmd: clap::Command, copies: &[(&Yielding, clap::Arg)]) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    names.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |mut sub| {
            for (y, arg) in copies {
                let taken = sub.get_arguments().any(|a| a.get_long() == Some(y.long));
                let copy = arg.clone().id(y.copy).visible_alias(None);
                sub = sub.arg(if taken {
                    copy.long(y.alternative)
                } else {
                    copy.long(y.long).visible_alias(y.alternative)
                });
            }
            add_copies(sub, copies)
        })
    })
}

/// A proxy URL from the command line; its `Debug` hides it, as it may hold a password.
#[derive(Clone)]
pub(crate) struct ProxyUrl(pub(crate) String);

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProxyUrl([redacted])")
    }
}

fn parse_proxy_url(text: &str) -> Result<ProxyUrl, String> {
    if text.trim().is_empty() {
        return Err("the proxy URL is empty".to_owned());
    }
    Ok(ProxyUrl(text.to_owned()))
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// The local Twilio-compatible sandbox server
    Sandbox(SandboxArgs),
    /// Sign or verify Twilio's webhook signature (X-Twilio-Signature)
    Webhook(crate::webhook::WebhookArgs),
    /// Print an access token for Twilio's Voice, Video, Conversations or Sync SDKs
    Token(crate::token::TokenArgs),
    /// Print a shell's completion script: every command and flag of every product completes
    /// (at each Tab the script asks this binary, by the name or path it was run as)
    #[command(after_help = "\
Examples:
  source <(twilio-api completions bash)     # in ~/.bashrc
  source <(twilio-api completions zsh)      # in ~/.zshrc
  twilio-api completions fish > ~/.config/fish/completions/twilio-api.fish
  twilio-api completions powershell | Out-String | Invoke-Expression     # in $PROFILE")]
    Completions(CompletionsArgs),
    /// Print the man page (roff), e.g. `twilio-api man > twilio-api.1`
    Man,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub(crate) shell: Shell,
}

/// A shell `twilio-api completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// How items are written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns sized to the terminal
    Table,
    /// One JSON array
    Json,
    /// One item per line, exactly the JSON object the API sent
    Ndjson,
    /// Comma-separated columns with a header row
    Csv,
}

#[derive(Debug, Args)]
pub(crate) struct SandboxArgs {
    #[command(subcommand)]
    pub(crate) command: SandboxCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SandboxCommand {
    /// Serve the sandbox (every read and write of the 2010-04-01 API, messages and calls that
    /// live their lifecycles, and every other product on {product}.localhost) until Ctrl-C;
    /// prints its URL (give it as --base-url: it reaches every product), credentials, what it
    /// serves and commands to try
    Serve(Serve),
}

#[derive(Debug, Args)]
pub(crate) struct Serve {
    /// The loopback address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) bind: SocketAddr,
    /// The seed of the generated data
    #[arg(long, default_value_t = twilio_sandbox::DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// How many calls to generate
    #[arg(long)]
    pub(crate) calls: Option<u64>,
    /// Add a call with exactly this many events (repeatable)
    #[arg(long, value_name = "N")]
    pub(crate) call_with_events: Vec<u64>,
    /// Delay each response's headers by this many milliseconds
    #[arg(long, value_name = "MS")]
    pub(crate) latency_ms: Option<u64>,
    /// Script a fault, applied to matching requests of any product in the order given
    /// (repeatable): KIND[:ARG][,host=LABEL][,path=PREFIX][,page=N][,call=CA…]
    /// [,method=POST|DELETE|GET|PUT|PATCH][,times=N|forever][,retry-after=S], where KIND is
    /// status:CODE, html:CODE, delay:MS, stall:MS, cut:BYTES, disconnect, truncated,
    /// malformed, empty, oversized:BYTES, oversized-chunked:BYTES, foreign:ORIGIN, cycle,
    /// token-without-page or content-type:TYPE; host= names a product by its host label (api
    /// for 2010-04-01, verify…), path= a path prefix. On a write, a status answers instead of
    /// it (nothing written) and any other fault comes after it was applied (disconnect: the
    /// outcome is unknown to the client). Examples: --fault status:503,page=1,times=2;
    /// --fault disconnect,method=POST; --fault status:503,host=verify,method=POST
    #[arg(long, value_name = "SPEC")]
    pub(crate) fault: Vec<twilio_sandbox::FaultRule>,
    /// POST each call's status callbacks, form-encoded and signed with the sandbox's auth
    /// token (X-Twilio-Signature), to this http:// loopback URL, e.g.
    /// http://127.0.0.1:3000/twilio/status
    #[arg(long, value_name = "URL")]
    pub(crate) webhook_url: Option<String>,
    /// Serve HTTPS with a throwaway certificate authority generated at start; its
    /// certificate is written to a file (printed; removed at Ctrl-C) for clients to trust,
    /// e.g. with --ca-file
    #[arg(long)]
    pub(crate) tls: bool,
    /// Enforce an account limit as Twilio does: at most N requests a second, the rest
    /// answered 429 (error 20429, Retry-After: 1)
    #[arg(long, value_name = "N")]
    pub(crate) limit_rate: Option<u32>,
    /// Enforce an account limit as Twilio does: at most N requests at once, the rest
    /// answered 429 (error 20429, Retry-After: 1)
    #[arg(long, value_name = "N")]
    pub(crate) limit_in_flight: Option<u32>,
    /// Let messages' and calls' status callbacks and calls' TwiML fetches (Url) go to this
    /// host too, a name or an IP address over plain http:// (repeatable); by default they go
    /// to loopback addresses only
    #[arg(long, value_name = "HOST")]
    pub(crate) callback_host: Vec<String>,
    /// The most items the API may create or change; past it a create is answered 429
    /// (error 20429) and nothing is stored
    #[arg(long, value_name = "N", default_value_t = twilio_sandbox::DEFAULT_WRITTEN_ITEMS)]
    pub(crate) written_items: usize,
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate > 0.0 && rate.is_finite() && rate <= 100_000.0 => Ok(rate),
        _ => Err(format!(
            "{text:?} is not a number of requests a second between 0 and 100000"
        )),
    }
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds.is_finite() && seconds <= 86_400.0 => Ok(seconds),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 86400"
        )),
    }
}
