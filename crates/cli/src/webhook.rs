//! `twilio-api webhook sign` and `twilio-api webhook verify`: Twilio's webhook signature from
//! the command line, to debug "why does my signature fail".
//!
//! ```text
//! twilio-api webhook sign   --url URL [--param NAME=VALUE]... [--body-file PATH]
//! twilio-api webhook verify --url URL --signature SIG [--param NAME=VALUE]... [--body-file PATH]
//! ```
//!
//! The auth token comes from `TWILIO_AUTH_TOKEN`. With `--body-file` (a JSON body) the URL
//! must carry `bodySHA256` (verify) or gets it appended (sign, which prints the URL to use
//! on a second line). `sign` prints the signature; `verify` exits 0 when it holds, 1 when it
//! does not (one stderr line saying which check failed), 2 on bad usage or a missing token.

use std::io::{self, Write as _};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use twilio_sandbox::{Sandbox, WebhookDelivery};
use twilio_webhook::{BODY_SHA256_PARAM, Error, SecretString, Signer, Validator};

use crate::failure::Failure;

/// The variable the auth token is read from.
const TOKEN_VARIABLE: &str = "TWILIO_AUTH_TOKEN";

#[derive(Debug, Args)]
pub(crate) struct WebhookArgs {
    #[command(subcommand)]
    pub(crate) command: WebhookCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum WebhookCommand {
    /// Print the X-Twilio-Signature Twilio sends for a request (auth token from
    /// TWILIO_AUTH_TOKEN). With --body-file, a second line gives the URL with bodySHA256
    /// appended, the one to send the body to
    Sign(Sign),
    /// Check an X-Twilio-Signature (auth token from TWILIO_AUTH_TOKEN): exit 0 when it
    /// holds, 1 when it does not (stderr says which check failed), 2 on bad usage
    Verify(Verify),
}

#[derive(Debug, Args)]
pub(crate) struct Sign {
    /// The full URL Twilio requests, query included, exactly as configured
    #[arg(long, value_name = "URL")]
    pub(crate) url: String,
    /// A POST parameter, decoded (repeatable; names may repeat)
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub(crate) params: Vec<(String, String)>,
    /// A body that is not form-encoded (JSON), signed through bodySHA256
    #[arg(long, value_name = "PATH", conflicts_with = "params")]
    pub(crate) body_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct Verify {
    /// The full URL Twilio requested, query included (with bodySHA256 for --body-file)
    #[arg(long, value_name = "URL")]
    pub(crate) url: String,
    /// The X-Twilio-Signature header's value
    #[arg(long, value_name = "SIG")]
    pub(crate) signature: String,
    /// A POST parameter, decoded (repeatable; names may repeat)
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub(crate) params: Vec<(String, String)>,
    /// The raw body of a request that is not form-encoded (JSON)
    #[arg(long, value_name = "PATH", conflicts_with = "params")]
    pub(crate) body_file: Option<PathBuf>,
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("{text:?} is not NAME=VALUE")),
    }
}

pub(crate) fn run(args: WebhookArgs) -> Result<(), Failure> {
    match args.command {
        WebhookCommand::Sign(sign) => run_sign(sign),
        WebhookCommand::Verify(verify) => run_verify(verify),
    }
}

/// The auth token, from the environment only (never a flag: it would show in `ps`).
fn auth_token() -> Result<SecretString, Failure> {
    match std::env::var(TOKEN_VARIABLE) {
        Ok(token) if !token.is_empty() => Ok(token.into()),
        Ok(_) | Err(std::env::VarError::NotPresent) => Err(Failure::Usage(format!(
            "{TOKEN_VARIABLE} is not set: webhooks are signed with the account's auth token"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => Err(Failure::Usage(format!(
            "{TOKEN_VARIABLE} is not valid UTF-8"
        ))),
    }
}

fn read_body(path: &PathBuf) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|err| Failure::Usage(format!("cannot read --body-file {}: {err}", path.display())))
}

/// Whether `url`'s query has a `bodySHA256` parameter (spelled as Twilio spells it).
fn has_body_hash(url: &str) -> bool {
    let query = url.split_once('?').map_or("", |(_, query)| query);
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    query
        .split('&')
        .any(|pair| pair.split_once('=').map_or(pair, |(name, _)| name) == BODY_SHA256_PARAM)
}

/// Bad input is a usage error (exit 2); a check that fails is exit 1.
fn failure(error: Error) -> Failure {
    match error {
        Error::InvalidUrl { .. } | Error::EmptyToken | Error::NoToken => {
            Failure::Usage(error.to_string())
        }
        other => Failure::Runtime(other.to_string()),
    }
}

fn print(lines: &[&str]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    lines
        .iter()
        .try_for_each(|line| writeln!(out, "{line}"))
        .and_then(|()| out.flush())
        .map_err(|err| match err.kind() {
            io::ErrorKind::BrokenPipe => Failure::Closed,
            _ => Failure::Runtime(format!("writing to stdout: {err}")),
        })
}

fn run_sign(sign: Sign) -> Result<(), Failure> {
    let signer = Signer::new(auth_token()?).map_err(failure)?;
    // The URL check verify makes, so that sign never signs what verify would refuse.
    twilio_webhook::check_url(&sign.url).map_err(failure)?;
    match &sign.body_file {
        None => print(&[&signer.sign(&sign.url, &sign.params)]),
        Some(path) => {
            if has_body_hash(&sign.url) {
                return Err(Failure::Usage(format!(
                    "--url already has a {BODY_SHA256_PARAM} parameter: give the URL without it, \
                     sign appends the body's"
                )));
            }
            let body = read_body(path)?;
            let signed = signer.sign_body(&sign.url, &body);
            print(&[&signed.signature, &signed.url])
        }
    }
}

fn run_verify(verify: Verify) -> Result<(), Failure> {
    let validator = Validator::new(auth_token()?).map_err(failure)?;
    let signature = Some(verify.signature.as_str());
    let verified = match &verify.body_file {
        None => validator.verify_params(&verify.url, &verify.params, signature),
        Some(path) => {
            if !has_body_hash(&verify.url) {
                return Err(Failure::Usage(format!(
                    "with --body-file, --url must carry the {BODY_SHA256_PARAM} query parameter \
                     Twilio added to it"
                )));
            }
            let body = read_body(path)?;
            validator.verify_body(&verify.url, &body, signature)
        }
    };
    verified.map_err(failure)?;
    print(&["valid"])
}

/// For `sandbox serve --webhook-url`: says where the status callbacks go.
pub(crate) fn announce(sandbox: &Sandbox, out: &mut impl io::Write) -> io::Result<()> {
    match sandbox.webhook_url() {
        Some(url) => writeln!(
            out,
            "sending {} status callbacks to {url}, signed with the auth token above",
            sandbox.status_callback_count()
        ),
        None => Ok(()),
    }
}

/// For `sandbox serve --webhook-url`: once every status callback has been tried, prints one
/// line saying how they went, then waits forever (the server goes on until Ctrl-C).
pub(crate) async fn report(sandbox: &Sandbox) {
    if sandbox.webhook_url().is_some() {
        let deliveries = sandbox.wait_for_webhooks().await;
        // Stdout may be gone (a closed pipe): the server goes on regardless.
        let _ = print(&[&summary(&deliveries)]);
    }
    std::future::pending::<()>().await;
}

/// `status callbacks: N sent, N answered 2xx[, N answered another status (first: ...)][, N
/// failed (first: ...)]`.
fn summary(deliveries: &[WebhookDelivery]) -> String {
    let ok = deliveries
        .iter()
        .filter(|d| d.status.is_some_and(|s| s.is_success()))
        .count();
    let mut line = format!(
        "status callbacks: {} sent, {ok} answered 2xx",
        deliveries.len()
    );
    let other: Vec<&WebhookDelivery> = deliveries
        .iter()
        .filter(|d| d.status.is_some_and(|s| !s.is_success()))
        .collect();
    if let Some(first) = other.first() {
        let status = first.status.map(|s| s.as_u16()).unwrap_or_default();
        line.push_str(&format!(
            ", {} answered another status (first: {status} for {} {})",
            other.len(),
            first.call_sid,
            first.call_status
        ));
    }
    let failed: Vec<&WebhookDelivery> = deliveries.iter().filter(|d| d.status.is_none()).collect();
    if let Some(first) = failed.first() {
        line.push_str(&format!(
            ", {} failed (first: {})",
            failed.len(),
            first.error.as_deref().unwrap_or("unknown")
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_param("Body=a=b").unwrap(),
            ("Body".to_owned(), "a=b".to_owned())
        );
        assert_eq!(
            parse_param("Empty=").unwrap(),
            ("Empty".to_owned(), String::new())
        );
        assert!(parse_param("NoValue").is_err());
        assert!(parse_param("=x").is_err());
    }

    #[test]
    fn body_hashes_are_found_in_the_query_only() {
        assert!(has_body_hash("https://h/p?a=1&bodySHA256=ab"));
        assert!(has_body_hash("https://h/p?bodySHA256="));
        assert!(!has_body_hash("https://h/bodySHA256?x=1"));
        assert!(!has_body_hash("https://h/p?a=1#bodySHA256=ab"));
        assert!(!has_body_hash("https://h/p?xbodySHA256=1"));
    }
}
