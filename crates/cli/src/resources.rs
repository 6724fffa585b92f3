//! Every read of the API as a command: the generated table ([`crate::generated::commands`])
//! turned into clap commands, and one runner for all of them.
//!
//! `twilio-api calls list --status completed`, `twilio-api calls recordings list --call-sid
//! CA…`, `twilio-api balance fetch`: the words are twilio-cli's (the static path segments
//! after the account, kebab-cased, then `list` or `fetch`), every path parameter but the
//! account is a flag named after it (`--call-sid`, `--sid`, `--country-code`), every filter
//! too (`--start-time-after`). Flags are checked (SID prefixes, dates, booleans, numbers)
//! before any request; the request itself is the library's typed one.

use std::io;

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures::stream::{BoxStream, StreamExt as _, TryStreamExt as _};
use serde_json::value::RawValue;
use twilio_api::{
    AccountResource, Client, DateFilter, FetchRequest, ListPage, ListRequest, model::Sid,
};

use crate::args::{Format, Global};
use crate::failure::Failure;
use crate::generated::commands::{COMMANDS, request};
use crate::output::{Columns, Writer};
use crate::paging::{OnError, RawPage, conclude, drive};
use crate::signals::StopSignals;

/// One generated command.
#[derive(Debug)]
pub(crate) struct Spec {
    /// The words after `twilio-api`, e.g. `["calls", "recordings", "list"]`.
    pub(crate) words: &'static [&'static str],
    pub(crate) about: &'static str,
    /// The spec's path template.
    pub(crate) path: &'static str,
    pub(crate) kind: Kind,
    /// Path parameters first, then filters.
    pub(crate) flags: &'static [Flag],
    /// The spec's `x-twilio.defaultOutputProperties`: the columns of `table` and `csv`.
    pub(crate) properties: &'static [&'static str],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    List,
    Fetch,
}

#[derive(Debug)]
pub(crate) struct Flag {
    /// The flag, e.g. `start-time-after`.
    pub(crate) long: &'static str,
    /// The spec's name, e.g. `StartTime>`.
    pub(crate) spec: &'static str,
    pub(crate) kind: FlagKind,
    /// A path parameter (required, but defaulted with `--sandbox`).
    pub(crate) path: bool,
    pub(crate) help: &'static str,
}

#[derive(Debug)]
pub(crate) enum FlagKind {
    /// A SID with this prefix.
    Sid(&'static str),
    Text,
    PhoneNumber,
    Date,
    DateTime,
    Bool,
    Integer,
    /// An enum: the values the spec lists (others are passed on as they are).
    Enum(&'static [&'static str]),
}

/// A generated command's request, ready to run.
pub(crate) enum Request {
    List(Listing),
    Fetch(FetchRequest<Box<RawValue>>),
}

/// A listing of any resource, its item type erased: each item is the exact JSON the API
/// sent.
pub(crate) struct Listing {
    configure: Box<Configure>,
}

/// Applies the paging flags and starts the listing: its first page URI and its pages.
type Configure = dyn FnOnce(&ListArgs) -> (String, PageStream) + Send;

type PageStream = BoxStream<'static, Result<RawPage, twilio_api::Error>>;

impl Request {
    pub(crate) fn list<P>(request: ListRequest<P>) -> Self
    where
        P: ListPage<Item = Box<RawValue>>,
    {
        Request::List(Listing {
            configure: Box::new(move |args: &ListArgs| {
                let mut request = request.page_size(args.page_size);
                if let Some(limit) = args.limit {
                    request = request.limit(limit);
                }
                if let Some(from) = &args.from_page {
                    request = request.from_page(from.clone());
                }
                let first = request.first_page_uri();
                let pages = request
                    .pages()
                    .map_ok(|page| RawPage {
                        next: page.next_page_uri().map(str::to_owned),
                        items: page.into_parts().1,
                    })
                    .boxed();
                (first, pages)
            }),
        })
    }
}

/// The paging and output flags of a generated command.
struct ListArgs {
    page_size: u32,
    limit: Option<u64>,
    from_page: Option<String>,
}

/// What a generated request is built with: the client, the account, the sandbox (for
/// default path values) and the flag checks.
pub(crate) struct Ctx<'a> {
    client: &'a Client,
    account: Option<twilio_api::AccountSid>,
    /// The command's flags, to map a flag to its spec name.
    flags: &'static [Flag],
    /// With `--sandbox`: a value the sandbox serves for every path parameter not given.
    defaults: Option<twilio_sandbox::PathValues>,
}

impl Ctx<'_> {
    pub(crate) fn client(&self) -> &Client {
        self.client
    }

    /// The account of the command: `--subaccount`, or the credential's own.
    pub(crate) fn account(&self) -> AccountResource {
        self.client.account(
            self.account
                .clone()
                .unwrap_or_else(|| self.client.account_sid().clone()),
        )
    }

    pub(crate) fn sid<T: Sid>(&self, flag: &str, value: &str) -> Result<T, Failure> {
        value
            .parse()
            .map_err(|e: twilio_api::SidError| Failure::Usage(format!("--{flag}: {e}")))
    }

    /// A path SID: the flag, or with `--sandbox` the sandbox's first resource of its kind.
    pub(crate) fn path_sid<T: Sid>(&self, flag: &str, m: &ArgMatches) -> Result<T, Failure> {
        let value = self.path_text(flag, m)?;
        self.sid(flag, &value)
    }

    /// A path parameter: the flag, or with `--sandbox` the sandbox's first of its kind.
    pub(crate) fn path_text(&self, flag: &str, m: &ArgMatches) -> Result<String, Failure> {
        if let Some(value) = m.get_one::<String>(flag) {
            return Ok(value.clone());
        }
        let spec = self
            .flags
            .iter()
            .find(|f| f.long == flag)
            .map(|f| f.spec)
            .unwrap_or(flag);
        self.defaults
            .as_ref()
            .and_then(|values| values.get(spec))
            .map(ToString::to_string)
            .ok_or_else(|| Failure::Usage(format!("--{flag} is required")))
    }

    pub(crate) fn date(&self, flag: &str, value: &str) -> Result<twilio_api::time::Date, Failure> {
        parse_date(value).ok_or_else(|| {
            Failure::Usage(format!(
                "--{flag}: {value:?} is not a date (expected YYYY-MM-DD)"
            ))
        })
    }

    pub(crate) fn date_filter(&self, flag: &str, value: &str) -> Result<DateFilter, Failure> {
        if let Some(date) = parse_date(value) {
            return Ok(DateFilter::from(date));
        }
        let rfc3339 = twilio_api::time::format_description::well_known::Rfc3339;
        twilio_api::time::OffsetDateTime::parse(value, &rfc3339)
            .map(DateFilter::from)
            .map_err(|_| {
                Failure::Usage(format!(
                    "--{flag}: {value:?} is not a date (YYYY-MM-DD) or a date-time \
                     (YYYY-MM-DDTHH:MM:SSZ)"
                ))
            })
    }

    pub(crate) fn boolean(&self, flag: &str, value: &str) -> Result<bool, Failure> {
        match value {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(Failure::Usage(format!(
                "--{flag}: {value:?} is not true or false"
            ))),
        }
    }

    pub(crate) fn integer(&self, flag: &str, value: &str) -> Result<i64, Failure> {
        value
            .parse()
            .map_err(|_| Failure::Usage(format!("--{flag}: {value:?} is not a whole number")))
    }
}

fn parse_date(value: &str) -> Option<twilio_api::time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    twilio_api::time::Date::parse(value, &format).ok()
}

/// The whole command line: the hand-written commands and every generated one.
pub(crate) fn command(base: Command) -> Command {
    COMMANDS
        .iter()
        .fold(base, |cmd, spec| insert(cmd, spec.words, leaf(spec)))
}

fn insert(cmd: Command, words: &'static [&'static str], leaf: Command) -> Command {
    match words {
        [] => cmd,
        [_] => cmd.subcommand(leaf),
        [first, rest @ ..] => {
            if cmd.find_subcommand(first).is_some() {
                cmd.mut_subcommand(*first, |sub| insert(sub, rest, leaf))
            } else {
                let group = Command::new(*first)
                    .about(group_about(first))
                    .subcommand_required(true)
                    .arg_required_else_help(true);
                cmd.subcommand(insert(group, rest, leaf))
            }
        }
    }
}

/// The help of a group of commands, written as the hand-written groups' ("Calls and their
/// sub-resources"): its word, spaced and capitalised.
fn group_about(word: &str) -> String {
    let spaced = word.replace('-', " ");
    let mut chars = spaced.chars();
    let capitalised: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    };
    format!("{capitalised} and their sub-resources")
}

fn leaf(spec: &'static Spec) -> Command {
    let name = spec.words.last().copied().unwrap_or("list");
    let mut cmd = Command::new(name).about(format!("{} (GET {})", spec.about, spec.path));
    for flag in spec.flags {
        let mut help = flag.help.to_owned();
        match &flag.kind {
            FlagKind::Sid(prefix) => help.push_str(&format!(" [{prefix}…]")),
            FlagKind::Date => help.push_str(" [YYYY-MM-DD]"),
            FlagKind::DateTime => help.push_str(" [YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ]"),
            FlagKind::Bool => help.push_str(" [true|false]"),
            FlagKind::Enum(values) => help.push_str(&format!(" [one of: {}]", values.join(", "))),
            FlagKind::Text | FlagKind::PhoneNumber | FlagKind::Integer => {}
        }
        if flag.path {
            help.push_str(" (required; with --sandbox, the sandbox's first)");
        }
        help.push_str(&format!(" (sent as {})", flag.spec));
        let heading = if flag.path { "Resource" } else { "Filters" };
        cmd = cmd.arg(
            Arg::new(flag.long)
                .long(flag.long)
                .value_name(value_name(&flag.kind))
                .help(help)
                .help_heading(heading),
        );
    }
    cmd = cmd.next_help_heading("Output");
    cmd = cmd
        .arg(
            Arg::new("output")
                .long("output")
                .value_parser(clap::builder::EnumValueParser::<Format>::new())
                .default_value("table")
                .help("Output format"),
        )
        .arg(
            Arg::new("subaccount")
                .long("subaccount")
                .value_name("AC…")
                .help("Read this subaccount's resources instead of the credential's own account"),
        )
        .arg(
            Arg::new("properties")
                .long("properties")
                .value_name("a,b,c")
                .help(format!(
                    "The columns of table and csv, by their JSON names [default: {}]",
                    if spec.properties.is_empty() {
                        "sid".to_owned()
                    } else {
                        spec.properties.join(",")
                    }
                )),
        )
        .arg(
            Arg::new("no-header")
                .long("no-header")
                .action(ArgAction::SetTrue)
                .help("No header row (table, csv)"),
        );
    if spec.kind == Kind::List {
        cmd = cmd
            .arg(
                Arg::new("page-size")
                    .long("page-size")
                    .value_name("1..1000")
                    .default_value("50")
                    .value_parser(clap::value_parser!(u32).range(1..=1000))
                    .help("Items per page"),
            )
            .arg(
                Arg::new("limit")
                    .long("limit")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u64))
                    .help("Stop after this many items"),
            )
            .arg(
                Arg::new("from-page")
                    .long("from-page")
                    .value_name("URI")
                    .help("Start at this page URI (as printed when an earlier listing failed)"),
            );
    }
    cmd
}

fn value_name(kind: &FlagKind) -> &'static str {
    match kind {
        FlagKind::Sid(_) => "SID",
        FlagKind::Text => "TEXT",
        FlagKind::PhoneNumber => "NUMBER",
        FlagKind::Date => "DATE",
        FlagKind::DateTime => "DATE",
        FlagKind::Bool => "BOOL",
        FlagKind::Integer => "N",
        FlagKind::Enum(_) => "VALUE",
    }
}

/// The generated command the matches name, and its own matches.
pub(crate) fn find(matches: &ArgMatches) -> Option<(usize, &ArgMatches)> {
    let mut words = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        words.push(name);
        m = sub;
    }
    COMMANDS
        .iter()
        .position(|spec| spec.words == words.as_slice())
        .map(|index| (index, m))
}

/// Runs generated command `index`.
pub(crate) async fn run(
    index: usize,
    m: &ArgMatches,
    global: &Global,
    stdout: io::Result<crate::output::Stdout>,
) -> Result<(), Failure> {
    let spec = COMMANDS
        .get(index)
        .ok_or_else(|| Failure::Usage(format!("no command {index}")))?;
    let account = match m.get_one::<String>("subaccount") {
        Some(sid) => Some(
            sid.parse::<twilio_api::AccountSid>()
                .map_err(|e| Failure::Usage(format!("--subaccount: {e}")))?,
        ),
        None => None,
    };
    let format = m
        .get_one::<Format>("output")
        .copied()
        .unwrap_or(Format::Table);
    let properties: Vec<String> = match m.get_one::<String>("properties") {
        Some(list) => list
            .split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        None if spec.properties.is_empty() => vec!["sid".to_owned()],
        None => spec.properties.iter().map(|p| (*p).to_owned()).collect(),
    };
    if properties.is_empty() {
        return Err(Failure::Usage(
            "--properties: name at least one property".to_owned(),
        ));
    }
    let header = !m.get_flag("no-header");
    let (client, sandbox) = crate::settings::client(global).await?;
    let stdout =
        stdout.map_err(|err| Failure::Runtime(format!("stdout cannot take the output: {err}")))?;
    let defaults = match &sandbox {
        Some(sandbox) => {
            let given: Vec<(&str, &str)> = spec
                .flags
                .iter()
                .filter(|flag| flag.path)
                .filter_map(|flag| {
                    m.get_one::<String>(flag.long)
                        .map(|v| (flag.spec, v.as_str()))
                })
                .collect();
            Some(sandbox.path_values(spec.path, &given).map_err(|e| {
                Failure::Usage(format!(
                    "the sandbox serves nothing for these flags: {}",
                    crate::failure::chain(&e)
                ))
            })?)
        }
        None => None,
    };
    let ctx = Ctx {
        client: &client,
        account,
        flags: spec.flags,
        defaults,
    };
    let request = request(index, &ctx, m)?;
    let mut out = Writer::with_options(
        format,
        stdout,
        Columns::Properties(properties),
        false,
        header,
    );
    let listing = match request {
        Request::List(listing) => listing,
        Request::Fetch(fetch) => {
            // One object: nothing is written unless it arrived.
            let item = match fetch.send().await {
                Ok(item) => item,
                Err(err) if err.is_invalid_input() => {
                    return Err(Failure::Usage(crate::failure::chain(&err)));
                }
                Err(err) => return Err(Failure::Runtime(crate::failure::chain(&err))),
            };
            return out.fetched(&item).map_err(crate::failure::output_failure);
        }
    };
    let args = ListArgs {
        page_size: m.get_one::<u32>("page-size").copied().unwrap_or(50),
        limit: m.get_one::<u64>("limit").copied(),
        from_page: m.get_one::<String>("from-page").cloned(),
    };
    let (_first, pages) = (listing.configure)(&args);
    // From here on, these stop the listing between pages instead of killing the process.
    let mut signals = StopSignals::install()?;
    let result = drive(
        pages.map(|page| ((), page)),
        args.limit,
        args.from_page,
        OnError::Stop,
        &mut out,
        &mut signals,
    )
    .await;
    let concluded = conclude(result, out);
    drop(sandbox);
    concluded.map(drop)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    /// Every group of commands below `cmd`, with its words.
    fn groups(cmd: &Command, words: &mut Vec<String>, out: &mut Vec<(String, String)>) {
        for sub in cmd.get_subcommands() {
            if sub.get_subcommands().next().is_none() {
                continue;
            }
            words.push(sub.get_name().to_owned());
            let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
            out.push((words.join(" "), about));
            groups(sub, words, out);
            words.pop();
        }
    }

    #[test]
    fn every_group_reads_alike() {
        let cli = command(crate::args::Cli::command());
        let mut found = Vec::new();
        groups(&cli, &mut Vec::new(), &mut found);
        assert!(found.len() > 30, "{found:?}");
        let help = cli.clone().render_help().to_string();
        assert!(
            help.starts_with("Read every resource of the Twilio REST API"),
            "{help}"
        );
        for (words, about) in &found {
            assert!(
                about.starts_with(char::is_uppercase),
                "{words}: {about:?} is not capitalised"
            );
        }
        let about = |words: &str| {
            found
                .iter()
                .find(|(w, _)| w == words)
                .map(|(_, about)| about.as_str())
        };
        assert_eq!(about("calls"), Some("Calls and their sub-resources"));
        assert_eq!(about("accounts"), Some("Accounts and their sub-resources"));
        assert_eq!(
            about("sip domains auth calls"),
            Some("Calls and their sub-resources")
        );
        assert_eq!(
            about("incoming-phone-numbers"),
            Some("Incoming phone numbers and their sub-resources")
        );
    }
}
