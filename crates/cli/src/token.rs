//! `twilio-api token voice|video|chat|sync`: prints an access token for Twilio's client SDKs,
//! to try a Voice, Video, Conversations or Sync app without writing the server first.
//!
//! ```text
//! twilio-api token voice --identity NAME [--incoming] [--outgoing-application SID] [--push-credential SID]
//! twilio-api token video --identity NAME [--room NAME]
//! twilio-api token chat  --identity NAME [--service SID] [--push-credential SID]
//! twilio-api token sync  --identity NAME [--service SID]
//!            (each: [--ttl SECONDS])
//! ```
//!
//! The API key comes from `TWILIO_API_KEY` and `TWILIO_API_SECRET` (never flags: the secret
//! would show in `ps`), the account from `--account-sid` or `TWILIO_ACCOUNT_SID`, the region
//! (the token's `twr` header, none by default) from `--region` or `TWILIO_REGION`, as for
//! every other command; a missing credential is exit 2.

use std::io::{self, Write as _};
use std::time::Duration;

use clap::{Args, Subcommand};
use twilio_api::twiml::token::{AccessToken, ChatGrant, Grant, SyncGrant, VideoGrant, VoiceGrant};
use twilio_api::{AccountSid, ApiKeySid};

use crate::Failure;
use crate::args::Global;

const ACCOUNT_VARIABLE: &str = "TWILIO_ACCOUNT_SID";
const KEY_VARIABLE: &str = "TWILIO_API_KEY";
const SECRET_VARIABLE: &str = "TWILIO_API_SECRET";
/// The region, written in the token's `twr` header (`--region` overrides it).
const REGION_VARIABLE: &str = "TWILIO_REGION";

#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    #[command(subcommand)]
    pub(crate) command: TokenCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// A token for the Voice SDKs (calls in with --incoming, out through a TwiML App)
    Voice {
        #[command(flatten)]
        common: Common,
        /// Let the identity receive calls
        #[arg(long)]
        incoming: bool,
        /// The TwiML App that runs the identity's outgoing calls
        #[arg(long, value_name = "SID")]
        outgoing_application: Option<String>,
        /// The push credential for incoming call notifications
        #[arg(long, value_name = "SID")]
        push_credential: Option<String>,
    },
    /// A token for the Video SDKs
    Video {
        #[command(flatten)]
        common: Common,
        /// The only room the token may join (any room without it)
        #[arg(long, value_name = "NAME")]
        room: Option<String>,
    },
    /// A token for the Conversations (and Chat) SDKs
    Chat {
        #[command(flatten)]
        common: Common,
        /// The Conversations service
        #[arg(long, value_name = "SID")]
        service: Option<String>,
        /// The push credential for notifications
        #[arg(long, value_name = "SID")]
        push_credential: Option<String>,
    },
    /// A token for the Sync SDKs
    Sync {
        #[command(flatten)]
        common: Common,
        /// The Sync service
        #[arg(long, value_name = "SID")]
        service: Option<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct Common {
    /// The user the token is for
    #[arg(long, value_name = "NAME")]
    identity: String,
    /// Seconds the token stays valid (Twilio accepts up to a day)
    #[arg(long, value_name = "SECONDS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    ttl: u64,
    /// The issued-at time, in Unix seconds, instead of now (deterministic tokens for tests)
    #[arg(long, value_name = "UNIX_SECONDS", hide = true)]
    issued_at: Option<u64>,
}

pub(crate) fn run(args: TokenArgs, global: &Global) -> Result<(), Failure> {
    let (common, grant): (Common, Grant) = match args.command {
        TokenCommand::Voice {
            common,
            incoming,
            outgoing_application,
            push_credential,
        } => {
            let mut grant = VoiceGrant::new().incoming_allow(incoming);
            if let Some(sid) = outgoing_application {
                grant = grant.outgoing_application_sid(sid);
            }
            if let Some(sid) = push_credential {
                grant = grant.push_credential_sid(sid);
            }
            (common, grant.into())
        }
        TokenCommand::Video { common, room } => {
            let grant = room.map_or_else(VideoGrant::new, |room| VideoGrant::new().room(room));
            (common, grant.into())
        }
        TokenCommand::Chat {
            common,
            service,
            push_credential,
        } => {
            let mut grant = ChatGrant::new();
            if let Some(sid) = service {
                grant = grant.service_sid(sid);
            }
            if let Some(sid) = push_credential {
                grant = grant.push_credential_sid(sid);
            }
            (common, grant.into())
        }
        TokenCommand::Sync { common, service } => {
            let grant =
                service.map_or_else(SyncGrant::new, |sid| SyncGrant::new().service_sid(sid));
            (common, grant.into())
        }
    };
    let account = match &global.account_sid {
        Some(sid) => sid.clone(),
        None => variable(ACCOUNT_VARIABLE)?,
    };
    let account: AccountSid = account
        .parse()
        .map_err(|e| Failure::Usage(format!("{ACCOUNT_VARIABLE}: {e}")))?;
    let key: ApiKeySid = variable(KEY_VARIABLE)?
        .parse()
        .map_err(|e| Failure::Usage(format!("{KEY_VARIABLE}: {e}")))?;
    let secret = variable(SECRET_VARIABLE)?;
    let mut token = AccessToken::new(account.to_string(), key.to_string(), secret.into())
        .map_err(|e| Failure::Usage(e.to_string()))?
        .identity(common.identity)
        .ttl(Duration::from_secs(common.ttl))
        .grant(grant);
    let region = match &global.region {
        Some(region) => Some(region.clone()),
        None => std::env::var(REGION_VARIABLE)
            .ok()
            .filter(|r| !r.is_empty()),
    };
    if let Some(region) = region {
        token = token.region(region);
    }
    let jwt = match common.issued_at {
        Some(issued_at) => token.to_jwt_at(issued_at),
        None => token.to_jwt(),
    };
    let mut out = io::stdout().lock();
    writeln!(out, "{jwt}")
        .and_then(|()| out.flush())
        .map_err(|err| match err.kind() {
            io::ErrorKind::BrokenPipe => Failure::Closed,
            _ => Failure::Runtime(format!("writing to stdout: {err}")),
        })
}

/// A credential, from the environment only.
fn variable(name: &str) -> Result<String, Failure> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        Ok(_) | Err(std::env::VarError::NotPresent) => Err(Failure::Usage(format!(
            "{name} is not set: tokens are signed with an API key (TWILIO_API_KEY and \
             TWILIO_API_SECRET) of the account TWILIO_ACCOUNT_SID"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::Usage(format!("{name} is not valid UTF-8")))
        }
    }
}
