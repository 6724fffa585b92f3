//! Examples in `--help`: the top level's (hand-written, [`EXAMPLES`]) and each product's,
//! derived from its generated operations ([`with_product_examples`]), so that they cannot
//! name a command or a flag that does not exist (a test parses every one of them).

use clap::Command;

use crate::generated::products::{PRODUCT_GROUPS, PRODUCT_OPS};
use crate::products::ProductOp;

/// The top level's examples (`twilio-api --help`): every line a command that runs as it is,
/// against the embedded sandbox or a served one.
pub(crate) const EXAMPLES: &str = "\
Examples:
  twilio-api --sandbox messages create --to +15558675310 --from +15005550006 --body \"Hi\"
  twilio-api --sandbox calls create --to +15558675310 --from +15005550006 --url https://example.com/twiml
  twilio-api --sandbox calls list --status completed --start-time-after 2022-01-01 --output csv
  twilio-api --sandbox calls events list --call-sid CA8fcfd684fbd033f307bbf98488433b5f --output ndjson
  twilio-api sandbox serve
  twilio-api --base-url http://localhost:8080 verify v2 services create --friendly-name \"My app\"
  twilio-api messages create --to +15558675310 --from +15005550006 --body \"Hi\" --dry-run
  source <(twilio-api completions bash)     # shell completion, in ~/.bashrc

Credentials: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and
TWILIO_API_SECRET), from the environment only. `twilio-api <group> --help` lists a group's
commands; every command's --help its flags.";

/// Gives each product's group an `Examples:` section: its simplest list and its simplest
/// create (fewest required flags, then fewest words), with a placeholder for each required
/// value, and where to see every command.
pub(crate) fn with_product_examples(mut cmd: Command) -> Command {
    for group in PRODUCT_GROUPS {
        let text = product_examples(group.word);
        if !text.is_empty() && cmd.find_subcommand(group.word).is_some() {
            cmd = cmd.mut_subcommand(group.word, |sub| sub.after_help(text));
        }
    }
    cmd
}

/// The examples of product `word`, or nothing when it has no list and no create.
fn product_examples(word: &str) -> String {
    let simplest = |action: &str| {
        PRODUCT_OPS
            .iter()
            .filter(|op| op.words.first() == Some(&word) && op.words.last() == Some(&action))
            .min_by_key(|op| {
                (
                    op.params.iter().filter(|p| p.required).count(),
                    op.words.len(),
                )
            })
    };
    let lines: Vec<String> = [simplest("list"), simplest("create")]
        .into_iter()
        .flatten()
        .map(example_line)
        .collect();
    let Some(version) = PRODUCT_OPS
        .iter()
        .find(|op| op.words.first() == Some(&word))
        .and_then(|op| op.words.get(1))
    else {
        return String::new();
    };
    let mut text = String::from("Examples:\n");
    for line in lines {
        text.push_str(&format!("  {line}\n"));
    }
    text.push_str(&format!("  twilio-api {word} {version} --help"));
    text
}

/// `op` as a command line: its words and each required flag with a placeholder.
fn example_line(op: &ProductOp) -> String {
    let mut line = format!("twilio-api {}", op.words.join(" "));
    for param in op.params.iter().filter(|p| p.required) {
        let value = param.value.placeholder();
        line.push_str(&format!(" --{} {value}", param.long));
    }
    if op.json_body == Some(true) {
        line.push_str(" --json-body @body.json");
    }
    line
}
