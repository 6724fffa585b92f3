//! The client a command talks through, built from the global options and the environment, or
//! from the embedded sandbox (`--sandbox`).

use std::io::Write as _;
use std::time::Duration;

use twilio_api::{AccountSid, Client, ClientBuilder};
use twilio_sandbox::Sandbox;

use clap::ArgMatches;

use crate::args::{Global, YIELDING};
use crate::failure::{Failure, chain};

/// Completes the root's options with their copies on the subcommands ([`YIELDING`]), read
/// from the root down: the one given last on the command line wins (`twilio-api --timeout 5
/// calls list --timeout 2` waits 2 seconds), and `--sandbox` anywhere starts the sandbox. On
/// a command whose operation has a parameter of an option's name, the copy is the option's
/// alternative name (`--http-timeout`): the parameter itself is the command's.
pub(crate) fn merge(global: &mut Global, matches: &ArgMatches) {
    let mut m = matches;
    while let Some((_, sub)) = m.subcommand() {
        for y in YIELDING {
            let given = sub
                .value_source(y.copy)
                .is_some_and(|source| source == clap::parser::ValueSource::CommandLine);
            if !given {
                continue;
            }
            let text = || sub.try_get_one::<String>(y.copy).ok().flatten().cloned();
            match y.id {
                "account_sid" => global.account_sid = text().or(global.account_sid.take()),
                "region" => global.region = text().or(global.region.take()),
                "edge" => global.edge = text().or(global.edge.take()),
                "timeout" => {
                    if let Some(seconds) = sub.try_get_one::<f64>(y.copy).ok().flatten() {
                        global.timeout = Some(*seconds);
                    }
                }
                "sandbox" => global.sandbox = true,
                _ => {}
            }
        }
        m = sub;
    }
}

/// Builds the client from the global options and the environment. With `--sandbox`, starts
/// the embedded sandbox and uses its address and credentials instead.
pub(crate) async fn client(global: &Global) -> Result<(Client, Option<Sandbox>), Failure> {
    client_for(global, false).await
}

/// The account a dry run shows in its URL when no account is configured.
const DRY_RUN_ACCOUNT: &str = "AC00000000000000000000000000000000";

/// [`client`], or for a dry run (`dry_run`), which sends nothing, a client that needs no
/// credentials: a missing account is shown as `AC000…000` and a missing token is never used
/// (both said on stderr).
pub(crate) async fn client_for(
    global: &Global,
    dry_run: bool,
) -> Result<(Client, Option<Sandbox>), Failure> {
    let (mut builder, sandbox) = if global.sandbox {
        let sandbox = Sandbox::builder()
            .start()
            .await
            .map_err(|e| Failure::Runtime(format!("cannot start the sandbox: {}", chain(&e))))?;
        let account: AccountSid = sandbox
            .account_sid()
            .parse()
            .map_err(|e| Failure::Runtime(format!("sandbox account: {e}")))?;
        // The embedded sandbox is in this process: no proxy has anything to do with it.
        let builder = Client::builder()
            .auth_token(account, sandbox.auth_token())
            .base_url(sandbox.base_url())
            .no_proxy();
        (builder, Some(sandbox))
    } else {
        let overrides = [
            ("TWILIO_ACCOUNT_SID", global.account_sid.clone()),
            ("TWILIO_REGION", global.region.clone()),
            ("TWILIO_EDGE", global.edge.clone()),
        ];
        let lookup = |name: &str| {
            overrides
                .iter()
                .find(|(key, _)| *key == name)
                .and_then(|(_, value)| value.clone())
                .or_else(|| std::env::var(name).ok().filter(|v| !v.is_empty()))
        };
        let stand_in = |name: &str| match name {
            "TWILIO_ACCOUNT_SID" => Some(DRY_RUN_ACCOUNT),
            "TWILIO_AUTH_TOKEN" if lookup("TWILIO_API_KEY").is_none() => Some("unused"),
            _ => None,
        };
        if dry_run {
            for name in ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"] {
                if lookup(name).is_none() && stand_in(name).is_some() {
                    let _ = writeln!(
                        std::io::stderr().lock(),
                        "twilio-api: dry run without {name}: {}",
                        if name == "TWILIO_ACCOUNT_SID" {
                            "the URL shows account AC000…000 in place of yours"
                        } else {
                            "nothing is sent, so no credential is needed"
                        }
                    );
                }
            }
        }
        let mut builder = ClientBuilder::from_lookup(|name: &str| {
            lookup(name).or_else(|| dry_run.then(|| stand_in(name).map(str::to_owned)).flatten())
        })
        .map_err(|e| Failure::Usage(chain(&e)))?;
        if let Some(base_url) = &global.base_url {
            builder = builder.base_url(base_url.clone());
        }
        if let Some(proxy) = &global.proxy {
            builder = builder.proxy(proxy.0.clone());
        }
        if global.no_proxy {
            builder = builder.no_proxy();
        }
        (builder, None)
    };
    if let Some(seconds) = global.timeout {
        builder = builder.timeout(Duration::from_secs_f64(seconds));
    }
    if global.system_roots {
        builder = builder.root_store(twilio_api::RootStore::System);
    }
    for file in &global.ca_file {
        builder = builder.add_root_certificate_file(file.clone());
    }
    builder = builder.max_retries(global.max_retries);
    if let Some(per_second) = global.rate_limit {
        builder = builder.rate_limit(per_second);
    }
    // A certificate file or proxy URL that cannot be used is a usage error (exit 2) too.
    let client = builder.build().map_err(|e| Failure::Usage(chain(&e)))?;
    Ok((client, sandbox))
}
