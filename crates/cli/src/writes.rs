//! Every write of the API as a command: `create`, `update` and `remove`, from the generated
//! table [`crate::generated::commands::WRITES`], and one runner for all of them.
//!
//! `twilio-api messages create --to +1… --from +1… --body Hi`, `twilio-api calls create --to …
//! --from … --url …`, `twilio-api messages update --sid SM… --body ""`, `twilio-api messages
//! remove --sid SM…`: the words are twilio-cli's, every path parameter but the account and
//! every form parameter is a flag named by kebab-casing its spec name (an array's flag
//! repeats, in order; a family `Parameter1.Name` … `Parameter99.Name` is `--parameter1.name`
//! … `--parameter99.name`). Every value is checked against its kind (a SID against its
//! pattern, a whole number, a decimal, `true`/`false`, a date-time, JSON text) before any
//! request; an enum takes any value (the spec's are listed in the help).
//!
//! The table holds no code: each row names its [`Operation`] and its flags' spec names and
//! kinds, and [`run`] builds the form body from them into the facade's [`WriteRequest`], so
//! a write goes through the client's one request path (sent once; a write whose outcome is
//! unknown is never sent again: exit 3). `--dry-run` prints what would be sent instead.

use std::io::{self, Write as _};

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::value::RawValue;
use twilio_api::operation::Operation;
use twilio_api::{AccountSid, WriteRequest};

use crate::args::Format;
use crate::failure::Failure;
use crate::generated::commands::WRITES;
use crate::output::{Columns, Writer};
use crate::value::Value;

/// One generated write command.
#[derive(Debug)]
pub(crate) struct WriteSpec {
    /// The words after `twilio-api`, e.g. `["messages", "create"]`.
    pub(crate) words: &'static [&'static str],
    pub(crate) about: &'static str,
    /// The operation it runs.
    pub(crate) operation: &'static Operation,
    /// The path parameters but the account, in path order.
    pub(crate) path: &'static [WriteParam],
    /// The form parameters, in the spec's order.
    pub(crate) body: &'static [WriteParam],
    /// What `table` and `csv` show of the answer unless `--properties` says otherwise
    /// (nothing for a remove, whose answer is empty).
    pub(crate) shown: &'static [&'static str],
}

/// One parameter of a write, and its flag.
#[derive(Debug)]
pub(crate) struct WriteParam {
    /// The flag, e.g. `status-callback-event` (a family's first, e.g. `parameter1.name`).
    pub(crate) long: &'static str,
    /// The spec's name, e.g. `StatusCallbackEvent` (a family's prefix, e.g. `Parameter`).
    pub(crate) spec: &'static str,
    pub(crate) value: Value,
    pub(crate) shape: Shape,
    pub(crate) required: bool,
    pub(crate) help: &'static str,
}

/// How many values a parameter takes.
#[derive(Debug)]
pub(crate) enum Shape {
    /// One.
    One,
    /// Any number, sent as repeated keys in the order given (the flag repeats).
    Many,
    /// An indexed family: flag `N` of the list (from 1) is sent as `{spec}N{suffix}`, e.g.
    /// `Parameter2.Name`.
    Family(&'static str, &'static [&'static str]),
}

/// Adds every generated write command to `base`.
pub(crate) fn command(base: Command) -> Command {
    WRITES.iter().fold(base, |cmd, spec| {
        crate::resources::insert(cmd, spec.words, leaf(spec))
    })
}

fn leaf(spec: &'static WriteSpec) -> Command {
    let name = spec.words.last().copied().unwrap_or("create");
    let op = spec.operation;
    let mut cmd = Command::new(name).about(if spec.about.is_empty() {
        format!("{} {}", op.method, op.path)
    } else {
        format!("{} ({} {})", spec.about, op.method, op.path)
    });
    for (param, heading) in spec
        .path
        .iter()
        .map(|p| (p, "Resource"))
        .chain(spec.body.iter().map(|p| (p, "Parameters")))
    {
        let mut help = param.help.to_owned();
        help.push_str(&param.value.help_suffix());
        if param.required {
            help.push_str(" (required)");
        }
        match param.shape {
            Shape::One => help.push_str(&format!(" (sent as {})", param.spec)),
            Shape::Many => help.push_str(&format!(
                " (repeat it for several, sent in order as {})",
                param.spec
            )),
            Shape::Family(suffix, flags) => {
                help.push_str(&format!(
                    " (sent as {spec}1{suffix}; --{first} … --{last} likewise, as {spec}1{suffix} \
                     … {spec}{count}{suffix})",
                    spec = param.spec,
                    first = param.long,
                    last = flags.last().copied().unwrap_or(param.long),
                    count = flags.len(),
                ));
                for (index, flag) in flags.iter().enumerate().skip(1) {
                    cmd = cmd.arg(
                        Arg::new(*flag)
                            .long(*flag)
                            .value_name(param.value.name())
                            .hide(true)
                            .help(format!(
                                "{} (sent as {}{}{suffix})",
                                param.help,
                                param.spec,
                                index + 1
                            )),
                    );
                }
            }
        }
        if param.long == "version" {
            cmd = cmd.disable_version_flag(true);
        }
        cmd = cmd.arg(
            Arg::new(param.long)
                .long(param.long)
                .value_name(param.value.name())
                .action(match param.shape {
                    Shape::Many => ArgAction::Append,
                    Shape::One | Shape::Family(..) => ArgAction::Set,
                })
                .help(help)
                .help_heading(heading),
        );
    }
    let taken = |long: &str| {
        spec.path
            .iter()
            .chain(spec.body)
            .any(|param| param.long == long)
    };
    cmd = cmd
        .next_help_heading("Output")
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help(
                    "Print the method, the URL and the body this would send (no credentials), \
                     and send nothing",
                ),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .value_parser(clap::builder::EnumValueParser::<Format>::new())
                .default_value("table")
                .help(if spec.shown.is_empty() {
                    "Output format (a remove prints nothing)"
                } else {
                    "Output format: json and ndjson print the resource exactly as Twilio sent it"
                }),
        );
    // `--subaccount` yields to a parameter of that name (none in 2010-04-01's writes today),
    // and is always reachable as `--twilio-subaccount`.
    let subaccount = Arg::new("subaccount")
        .value_name("AC…")
        .help("Write in this subaccount instead of the credential's own account");
    cmd = cmd.arg(if taken("subaccount") {
        subaccount.long("twilio-subaccount")
    } else {
        subaccount
            .long("subaccount")
            .visible_alias("twilio-subaccount")
    });
    if spec.words.last() == Some(&"create") {
        cmd = bulk_options(cmd, taken("input"));
    }
    if !spec.shown.is_empty() {
        cmd = cmd
            .arg(
                Arg::new("properties")
                    .long("properties")
                    .value_name("a,b,c")
                    .help(format!(
                        "The columns of table and csv, by their JSON names [default: {}]",
                        spec.shown.join(",")
                    )),
            )
            .arg(
                Arg::new("no-header")
                    .long("no-header")
                    .action(ArgAction::SetTrue)
                    .help("No header row (table, csv)"),
            );
    }
    cmd
}

/// The options of a create's bulk run (`crate::bulk`): `--input` (`--bulk-input` where the
/// operation has an `Input` parameter of its own), `--input-format`, `--journal`,
/// `--resend-unknown`, `--concurrency`.
fn bulk_options(cmd: Command, input_taken: bool) -> Command {
    let input = Arg::new("bulk-input")
        .value_name("PATH|-")
        .help(
            "Create one per row of this file (- for stdin): CSV with a header row naming the \
             flags without -- (to,body), or NDJSON objects with those keys. Flags given here \
             apply to every row; a row's own value wins. Prints one line per row (--output \
             ndjson or json)",
        )
        .help_heading("Bulk");
    cmd.arg(if input_taken {
        input.long("bulk-input")
    } else {
        input.long("input").visible_alias("bulk-input")
    })
    .arg(
        Arg::new("input-format")
            .long("input-format")
            .value_name("FORMAT")
            .value_parser(["csv", "ndjson"])
            .requires("bulk-input")
            .help(
                "The format of the rows of --input (--bulk-input) [default: ndjson for a \
                 .ndjson or .jsonl file, else csv]",
            )
            .help_heading("Bulk"),
    )
    .arg(
        Arg::new("journal")
            .long("journal")
            .value_name("PATH")
            .value_parser(clap::value_parser!(std::path::PathBuf))
            .requires("bulk-input")
            .help(
                "Record each row's outcome in this file as it happens, on disk before the run \
                 goes on; a run given a journal that already records rows sends none of them \
                 again",
            )
            .help_heading("Bulk"),
    )
    .arg(
        Arg::new("resend-unknown")
            .long("resend-unknown")
            .action(ArgAction::SetTrue)
            .requires("journal")
            .help(
                "Send again the rows the journal records as of unknown outcome (they may have \
                 been applied: check them first)",
            )
            .help_heading("Bulk"),
    )
    .arg(
        Arg::new("concurrency")
            .long("concurrency")
            .value_name("N")
            .value_parser(clap::value_parser!(u16).range(1..=256))
            .requires("bulk-input")
            .help(format!(
                "How many rows are sent at once; the client's limiter paces them to the \
                 account's limits [default: {}]",
                twilio_api::DEFAULT_CONCURRENCY
            ))
            .help_heading("Bulk"),
    )
}

/// The generated write the matches name, and its own matches.
pub(crate) fn find(matches: &ArgMatches) -> Option<(usize, &ArgMatches)> {
    let mut words = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        words.push(name);
        m = sub;
    }
    WRITES
        .iter()
        .position(|spec| spec.words == words.as_slice())
        .map(|index| (index, m))
}

/// A write, its values checked: the path (the account left to fill in) and the form fields
/// in the order they are sent.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Prepared {
    /// The path parameters but the account: spec name and the value as it goes in the path.
    pub(crate) path: Vec<(&'static str, String)>,
    pub(crate) fields: Vec<(String, String)>,
}

impl Prepared {
    /// The path of `operation` with the values filled in (`{AccountSid}` with `account`).
    pub(crate) fn uri(
        &self,
        operation: &Operation,
        account: &AccountSid,
    ) -> Result<String, Failure> {
        let mut path = operation.path.to_owned();
        for name in operation.path_params {
            let value = match self.path.iter().find(|(spec, _)| spec == name) {
                Some((_, value)) => value.as_str(),
                None if *name == "AccountSid" => account.as_ref(),
                None => {
                    return Err(Failure::Usage(format!(
                        "{}: no value for path parameter {name}",
                        operation.id
                    )));
                }
            };
            path = path.replace(&format!("{{{name}}}"), value);
        }
        Ok(path)
    }
}

/// Where a write's values come from: the command line and, for a row of `--input`, that row
/// first (a row's own value wins; a flag it does not name keeps the command line's).
#[derive(Clone, Copy)]
pub(crate) struct Values<'a> {
    pub(crate) m: &'a ArgMatches,
    pub(crate) row: Option<&'a [(String, String)]>,
}

impl<'a> Values<'a> {
    /// The command line's values.
    pub(crate) fn of(m: &'a ArgMatches) -> Self {
        Self { m, row: None }
    }

    /// The values of flag `long`, in order.
    fn get(&self, long: &str) -> Vec<&'a str> {
        if let Some(row) = self.row {
            let given: Vec<&str> = row
                .iter()
                .filter(|(flag, _)| flag == long)
                .map(|(_, value)| value.as_str())
                .collect();
            if !given.is_empty() {
                return given;
            }
        }
        self.m
            .try_get_many::<String>(long)
            .ok()
            .flatten()
            .map(|values| values.map(String::as_str).collect())
            .unwrap_or_default()
    }
}

/// Whether `long` names a parameter of write `spec` (a family's member included).
pub(crate) fn is_flag(spec: &WriteSpec, long: &str) -> bool {
    spec.path
        .iter()
        .chain(spec.body)
        .any(|param| match param.shape {
            Shape::Family(_, flags) => flags.contains(&long),
            Shape::One | Shape::Many => param.long == long,
        })
}

/// Checks every value of write `spec` and puts them in the order they are sent: nothing is
/// sent unless all are good. Exit 2 (`Failure::Usage`) names the flag and says what is wrong
/// with it.
pub(crate) fn prepare(spec: &WriteSpec, values: Values<'_>) -> Result<Prepared, Failure> {
    let mut path = Vec::new();
    for param in spec.path {
        let Some(value) = values.get(param.long).first().copied() else {
            return Err(Failure::Usage(format!("--{} is required", param.long)));
        };
        if value.is_empty() {
            return Err(Failure::Usage(format!("--{}: empty", param.long)));
        }
        let value = param.value.checked(param.long, value)?;
        let segment = match param.value {
            // Checked against its pattern: letters and digits only.
            Value::Sid(..) => value,
            _ => segment(&value),
        };
        path.push((param.spec, segment));
    }
    let mut fields = Vec::new();
    for param in spec.body {
        match param.shape {
            Shape::One => match values.get(param.long).first() {
                Some(value) => {
                    fields.push((
                        param.spec.to_owned(),
                        param.value.checked(param.long, value)?,
                    ));
                }
                None if param.required => {
                    return Err(Failure::Usage(format!(
                        "--{} is required (sent as {})",
                        param.long, param.spec
                    )));
                }
                None => {}
            },
            Shape::Many => {
                for value in values.get(param.long) {
                    fields.push((
                        param.spec.to_owned(),
                        param.value.checked(param.long, value)?,
                    ));
                }
            }
            Shape::Family(suffix, flags) => {
                for (index, flag) in flags.iter().enumerate() {
                    if let Some(value) = values.get(flag).first() {
                        fields.push((
                            format!("{}{}{suffix}", param.spec, index + 1),
                            param.value.checked(flag, value)?,
                        ));
                    }
                }
            }
        }
    }
    Ok(Prepared { path, fields })
}

fn one<'a>(m: &'a ArgMatches, id: &str) -> Option<&'a String> {
    m.try_get_one::<String>(id).ok().flatten()
}

/// `value` as one path segment: everything but RFC 3986's unreserved characters
/// percent-encoded, so that it can never add a segment, a query or a fragment (as the
/// library's resource tree writes it).
pub(crate) fn segment(value: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(value, SEGMENT).to_string();
    match encoded.as_str() {
        "" | "." | ".." => encoded.replace('.', "%2E"),
        _ => encoded,
    }
}

const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Runs generated write `index`.
pub(crate) async fn run(
    index: usize,
    m: &ArgMatches,
    global: &crate::args::Global,
    out: io::Result<crate::output::Stdout>,
) -> Result<(), Failure> {
    let spec = WRITES
        .get(index)
        .ok_or_else(|| Failure::Usage(format!("no command {index}")))?;
    if let Some(bulk) = crate::bulk::Bulk::of(m) {
        return crate::bulk::run(spec, m, bulk, global, out).await;
    }
    let account = subaccount(m)?;
    let format = m
        .try_get_one::<Format>("output")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(Format::Table);
    let columns: Vec<String> = match one(m, "properties") {
        Some(list) => list
            .split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        None => spec.shown.iter().map(|p| (*p).to_owned()).collect(),
    };
    if one(m, "properties").is_some() && columns.is_empty() {
        return Err(Failure::Usage(
            "--properties: name at least one property".to_owned(),
        ));
    }
    let header = !m
        .try_get_one::<bool>("no-header")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false);
    let dry_run = m
        .try_get_one::<bool>("dry-run")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false);
    let prepared = prepare(spec, Values::of(m))?;
    let (client, sandbox) = crate::settings::client_for(global, dry_run).await?;
    let account = account.unwrap_or_else(|| client.account_sid().clone());
    let request = request(&client, spec, prepared, &account)?;
    let stdout = |out: io::Result<crate::output::Stdout>| {
        out.map_err(|err| Failure::Runtime(format!("stdout cannot take the output: {err}")))
    };
    if dry_run {
        let mut out = stdout(out)?;
        let text = dry_run_text(&client, spec.operation, &request);
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(crate::failure::output_failure)?;
        return Ok(());
    }
    // Where the resource goes: checked before anything is sent.
    let out = if spec.shown.is_empty() {
        None
    } else {
        Some(Writer::with_options(
            format,
            stdout(out)?,
            Columns::Properties(columns),
            None,
            header,
        ))
    };
    let answer = request.send_raw().await;
    drop(sandbox);
    let item = answer.map_err(|err| crate::failure::of_write(&err))?;
    match out {
        Some(out) => out.fetched(&item).map_err(crate::failure::output_failure),
        None => Ok(()),
    }
}

/// The account of `--subaccount`, checked.
pub(crate) fn subaccount(m: &ArgMatches) -> Result<Option<AccountSid>, Failure> {
    one(m, "subaccount")
        .map(|sid| {
            sid.parse::<AccountSid>()
                .map_err(|e| Failure::Usage(format!("--subaccount: {e}")))
        })
        .transpose()
}

/// The request of write `spec` with its checked values, in `account`.
pub(crate) fn request(
    client: &twilio_api::Client,
    spec: &WriteSpec,
    prepared: Prepared,
    account: &AccountSid,
) -> Result<WriteRequest<Box<RawValue>>, Failure> {
    let path = prepared.uri(spec.operation, account)?;
    let mut request = WriteRequest::new(client, spec.operation, path);
    for (name, value) in prepared.fields {
        request = request.param(name, value);
    }
    Ok(request)
}

/// What `--dry-run` prints of `request` (of `operation`): its method and absolute URL, the
/// headers it sets itself, then its body's content type and the body as it would be sent
/// (never a header with a credential: those are the client's, not the request's).
pub(crate) fn dry_run_text(
    client: &twilio_api::Client,
    operation: &Operation,
    request: &WriteRequest<Box<RawValue>>,
) -> String {
    let url = format!("{}{}", client.origin(operation.host), request.uri());
    let mut text = format!("{} {url}\n", operation.method);
    for (name, value) in request.headers() {
        text.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    if let Some((content_type, body)) = request.body() {
        text.push_str(&format!("Content-Type: {content_type}\n\n{body}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every write's flags are its operation's parameters: the path's but the account, and
    /// the form's in the spec's order, families expanded.
    #[test]
    fn every_write_names_its_operations_parameters() {
        assert_eq!(
            WRITES
                .iter()
                .filter(|s| s.words.last() == Some(&"create"))
                .count(),
            35
        );
        assert_eq!(
            WRITES
                .iter()
                .filter(|s| s.words.last() == Some(&"update"))
                .count(),
            27
        );
        assert_eq!(
            WRITES
                .iter()
                .filter(|s| s.words.last() == Some(&"remove"))
                .count(),
            32
        );
        for spec in WRITES {
            let op = spec.operation;
            let path: Vec<&str> = spec.path.iter().map(|p| p.spec).collect();
            let expected: Vec<&str> = op
                .path_params
                .iter()
                .copied()
                .filter(|name| *name != "AccountSid")
                .collect();
            assert_eq!(path, expected, "{}", op.id);
            let mut body = Vec::new();
            for param in spec.body {
                match param.shape {
                    Shape::Family(suffix, flags) => {
                        for n in 1..=flags.len() {
                            body.push(format!("{}{n}{suffix}", param.spec));
                        }
                    }
                    Shape::One | Shape::Many => body.push(param.spec.to_owned()),
                }
            }
            let mut expected: Vec<&str> = op.body_params.to_vec();
            let mut sorted = body.clone();
            sorted.sort();
            expected.sort_unstable();
            assert_eq!(sorted, expected, "{}", op.id);
            assert_eq!(
                spec.shown.is_empty(),
                op.method == http_delete(),
                "{}",
                op.id
            );
        }
    }

    fn http_delete() -> twilio_api::http::Method {
        twilio_api::http::Method::DELETE
    }

    #[test]
    fn path_values_cannot_escape_their_segment() {
        assert_eq!(segment("Front"), "Front");
        assert_eq!(
            segment("../Calls.json?x=1#y"),
            "..%2FCalls.json%3Fx%3D1%23y"
        );
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("é"), "%C3%A9");
    }
}
