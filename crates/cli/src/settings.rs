//! The client a command talks through, built from the global options and the environment, or
//! from the embedded sandbox (`--sandbox`).

use std::time::Duration;

use twilio_api::{AccountSid, Client, ClientBuilder};
use twilio_sandbox::Sandbox;

use crate::args::Global;
use crate::failure::{Failure, chain};

/// Builds the client from the global options and the environment. With `--sandbox`, starts
/// the embedded sandbox and uses its address and credentials instead.
pub(crate) async fn client(global: &Global) -> Result<(Client, Option<Sandbox>), Failure> {
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
        let mut builder =
            ClientBuilder::from_lookup(lookup).map_err(|e| Failure::Usage(chain(&e)))?;
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
    // A certificate file or proxy URL that cannot be used is a usage error (exit 2) too.
    let client = builder.build().map_err(|e| Failure::Usage(chain(&e)))?;
    Ok((client, sandbox))
}
