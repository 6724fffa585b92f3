//! Every read of the API as a command: the generated table ([`crate::generated::commands`])
//! turned into clap commands, and one runner for all of them.
//!
//! `twilio-api calls list --status completed`, `twilio-api calls recordings list --call-sid
//! CA…`, `twilio-api balance fetch`: the words are twilio-cli's (the static path segments
//! after the account, kebab-cased, then `list` or `fetch`), every path parameter but the
//! account is a flag named after it (`--call-sid`, `--sid`, `--country-code`), every filter
//! too (`--start-time-after`). Flags are checked (SID prefixes, dates, booleans, numbers)
//! before any request; the request itself is the library's typed one.
//!
//! A list whose path takes exactly one SID besides the account (`calls events list
//! --call-sid`, `calls recordings list`, `conferences participants list --conference-sid`…)
//! lists many at once: its SID flag may be repeated, `-` reads SIDs from stdin (one per
//! line), and with more than one SID the listings run `--concurrency` at a time
//! ([`twilio_api::Listings::each`]), each item labelled with its parent (`{"call_sid": "CA…",
//! "event": {…}}` in JSON and NDJSON, a first `call_sid` column in CSV and the table). A SID
//! whose listing fails is reported on stderr and the others go on (exit 1 at the end). With
//! one SID, the list is written as any other.
//!
//! Every list reads its pages as shared raw pages (each item a slice of its page's body): JSON
//! and NDJSON hand a page's items to stdout where they lie, the table and CSV read their
//! columns out of them, picked by the page's scan where the columns are nested paths.

use std::io::{self, BufRead as _};
use std::sync::Arc;

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures::stream::{BoxStream, StreamExt as _};
use serde_json::value::RawValue;
use twilio_api::model::{ListResource, Page, Raw, Sid};
use twilio_api::{
    AccountResource, Client, DateFilter, FetchRequest, ListPage, ListRequest, Listings,
};
use twilio_export::{Columns as PickedColumns, RawJson, SharedRaw};

use crate::args::{Format, Global};
use crate::failure::Failure;
use crate::generated::commands::{COMMANDS, request};
use crate::output::{Columns, Labels, PathColumns, Writer};
use crate::paging::{OnError, SharedPage, Stop, conclude, drive};
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
    /// What `table` and `csv` show unless `--properties` says otherwise.
    pub(crate) shown: Shown,
    /// For a list under exactly one SID (besides the account): how many SIDs are listed.
    pub(crate) many: Option<&'static Many>,
}

/// The default columns of a command's `table` and `csv`.
#[derive(Debug)]
pub(crate) enum Shown {
    /// These top-level members (the spec's `x-twilio.defaultOutputProperties`, or what the
    /// generator chose where it has none).
    Properties(&'static [&'static str]),
    /// Columns at nested paths of every item, and their table layout (the generator's column
    /// overrides: a call's events' time, method, URL, response code and duration).
    Paths(&'static PathColumns),
}

/// A list under one SID that may be listed for many SIDs at once, and how their items are
/// labelled.
#[derive(Debug)]
pub(crate) struct Many {
    /// The SID's flag, e.g. `call-sid`.
    pub(crate) flag: &'static str,
    /// The member (and CSV column) naming an item's parent, e.g. `call_sid`.
    pub(crate) label: &'static str,
    /// The member holding the item itself, e.g. `event`.
    pub(crate) item: &'static str,
    /// What one SID names, e.g. `call`.
    pub(crate) noun: &'static str,
    /// What several name, e.g. `calls`.
    pub(crate) nouns: &'static str,
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

/// One listing, or one per SID, of any resource, its item type erased: each item the exact
/// JSON the API sent, a slice of its page.
pub(crate) struct Listing {
    start: Box<Start>,
    /// How many listings it runs (more than one: labelled).
    count: usize,
}

/// Applies the paging flags and starts the listing: each page with its listing's label.
type Start = dyn FnOnce(&ListArgs) -> PageStream + Send;

type PageStream = BoxStream<'static, (Label, Result<SharedPage, twilio_api::Error>)>;

/// The SID a page was listed for, when there are several.
pub(crate) type Label = Option<Arc<str>>;

impl Request {
    /// A listing of one resource; `C` names the nested columns the page's scan picks for the
    /// table and CSV (`()`: none).
    pub(crate) fn list<C, R>(ctx: &Ctx<'_>, request: ListRequest<Page<Raw<R>>>) -> Self
    where
        C: PickedColumns,
        R: ListResource + 'static,
    {
        Request::List(if ctx.pick {
            Listing::one(request.pages_as::<Page<SharedRaw<R, C>>>())
        } else {
            Listing::one(request.pages_as::<Page<SharedRaw<R>>>())
        })
    }

    /// The listing `list` makes of each SID: one listing alone for one SID, many listings at
    /// once, labelled, for several (`C` as for [`Request::list`]).
    pub(crate) fn each<C, S, R>(
        ctx: &Ctx<'_>,
        sids: Vec<S>,
        mut list: impl FnMut(S) -> ListRequest<Page<Raw<R>>>,
    ) -> Self
    where
        C: PickedColumns,
        S: Sid,
        R: ListResource + 'static,
    {
        if let [sid] = sids.as_slice() {
            return Self::list::<C, R>(ctx, list(sid.clone()));
        }
        let count = sids.len();
        Request::List(if ctx.pick {
            Listing::many(
                count,
                Listings::each(sids, |sid| list(sid).pages_as::<Page<SharedRaw<R, C>>>()),
            )
        } else {
            Listing::many(
                count,
                Listings::each(sids, |sid| list(sid).pages_as::<Page<SharedRaw<R>>>()),
            )
        })
    }
}

impl Listing {
    fn one<P>(request: ListRequest<P>) -> Self
    where
        P: ListPage<Item = RawJson> + Send + 'static,
    {
        Listing {
            count: 1,
            start: Box::new(move |args: &ListArgs| {
                let mut request = request.page_size(args.page_size);
                if let Some(limit) = args.limit {
                    request = request.limit(limit);
                }
                if let Some(from) = &args.from_page {
                    request = request.from_page(from.clone());
                }
                request
                    .pages()
                    .map(|page| (None, page.map(SharedPage::of)))
                    .boxed()
            }),
        }
    }

    /// Many listings, with prefetch off: the concurrency already overlaps requests, so that
    /// no more than `--concurrency` are in flight.
    fn many<S, P>(count: usize, listings: Listings<S, P>) -> Self
    where
        S: Sid,
        P: ListPage<Item = RawJson> + Send + 'static,
    {
        Listing {
            count,
            start: Box::new(move |args: &ListArgs| {
                let mut listings = listings
                    .concurrency(usize::from(args.concurrency))
                    .page_size(args.page_size)
                    .prefetch(false);
                if let Some(limit) = args.limit {
                    listings = listings.limit(limit);
                }
                listings
                    .pages()
                    .map(|(sid, page)| {
                        let label: Arc<str> = Arc::from(sid.as_ref());
                        (Some(label), page.map(SharedPage::of))
                    })
                    .boxed()
            }),
        }
    }
}

/// The paging flags of a generated list.
struct ListArgs {
    page_size: u32,
    limit: Option<u64>,
    from_page: Option<String>,
    concurrency: u16,
}

/// What a generated request is built with: the client, the account, the sandbox (for
/// default path values) and the flag checks.
pub(crate) struct Ctx<'a> {
    client: &'a Client,
    account: Option<twilio_api::AccountSid>,
    /// The command, to map a flag to its spec name.
    spec: &'static Spec,
    /// With `--sandbox`: a value the sandbox serves for every path parameter not given.
    defaults: Option<twilio_sandbox::PathValues>,
    /// Whether the table or CSV reads nested columns the page's scan should pick.
    pick: bool,
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
            .spec
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

    /// The SIDs of a path flag that may name several ([`Many`]): each value in order, `-`
    /// standing for the SIDs on stdin (one per line, surrounding spaces and blank lines
    /// skipped), every one checked before any request; a SID named twice is listed once,
    /// where it first appears. None given: as [`Ctx::path_sid`] (with `--sandbox`, the
    /// sandbox's first).
    pub(crate) fn path_sids<T: Sid>(&self, flag: &str, m: &ArgMatches) -> Result<Vec<T>, Failure> {
        let given: Vec<&String> = m
            .get_many::<String>(flag)
            .map(Iterator::collect)
            .unwrap_or_default();
        if given.is_empty() {
            return Ok(vec![self.path_sid(flag, m)?]);
        }
        let noun = self.spec.many.map_or("", |many| many.noun);
        let mut sids: Vec<T> = Vec::new();
        for arg in given {
            if arg != "-" {
                sids.push(self.sid(flag, arg)?);
                continue;
            }
            for (number, line) in io::stdin().lock().lines().enumerate() {
                let line =
                    line.map_err(|e| Failure::Usage(format!("--{flag} -: reading stdin: {e}")))?;
                let sid = line.trim();
                if sid.is_empty() {
                    continue;
                }
                sids.push(sid.parse().map_err(|e: twilio_api::SidError| {
                    Failure::Usage(format!("--{flag} - (stdin line {}): {e}", number + 1))
                })?);
            }
        }
        if sids.is_empty() {
            return Err(Failure::Usage(format!(
                "--{flag} -: no {noun} SID on stdin"
            )));
        }
        let mut seen = std::collections::HashSet::new();
        sids.retain(|sid| seen.insert(sid.clone()));
        Ok(sids)
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

pub(crate) fn insert(cmd: Command, words: &'static [&'static str], leaf: Command) -> Command {
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
        let many = spec.many.filter(|many| many.flag == flag.long);
        if let Some(many) = many {
            help.push_str(&format!(
                ". Repeat it to list several {nouns}; `-` reads SIDs from stdin, one per line. \
                 With more than one, each item is labelled with its {noun}: JSON and NDJSON as \
                 {{\"{label}\": \"…\", \"{item}\": {{…}}}}, CSV and the table with a first \
                 {label} column",
                nouns = many.nouns,
                noun = many.noun,
                label = many.label,
                item = many.item,
            ));
        }
        let heading = if flag.path { "Resource" } else { "Filters" };
        cmd = cmd.arg(
            Arg::new(flag.long)
                .long(flag.long)
                .value_name(value_name(&flag.kind))
                .action(if many.is_some() {
                    ArgAction::Append
                } else {
                    ArgAction::Set
                })
                .help(help)
                .help_heading(heading),
        );
    }
    if let Some(many) = spec.many {
        cmd = cmd.arg(
            Arg::new("concurrency")
                .long("concurrency")
                .value_name("N")
                .value_parser(clap::value_parser!(u16).range(1..=256))
                .help(format!(
                    "How many {} are listed at once when there are several [default: {}]",
                    many.nouns,
                    twilio_api::DEFAULT_CONCURRENCY
                ))
                .help_heading("Resource"),
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
                    match spec.shown {
                        Shown::Properties([]) => "sid".to_owned(),
                        Shown::Properties(names) => names.join(","),
                        Shown::Paths(set) => Columns::Paths(set).names().join(","),
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
                    .help(if spec.many.is_some() {
                        "Stop after this many items (of each SID, when there are several)"
                    } else {
                        "Stop after this many items"
                    }),
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
    out: io::Result<crate::output::Stdout>,
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
    let columns = match m.get_one::<String>("properties") {
        Some(list) => Columns::Properties(
            list.split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
        ),
        None => match spec.shown {
            Shown::Properties([]) => Columns::Properties(vec!["sid".to_owned()]),
            Shown::Properties(names) => {
                Columns::Properties(names.iter().map(|p| (*p).to_owned()).collect())
            }
            Shown::Paths(set) => Columns::Paths(set),
        },
    };
    if let Columns::Properties(names) = &columns
        && names.is_empty()
    {
        return Err(Failure::Usage(
            "--properties: name at least one property".to_owned(),
        ));
    }
    let header = !m.get_flag("no-header");
    let (client, sandbox) = crate::settings::client(global).await?;
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
        spec,
        defaults,
        pick: matches!(columns, Columns::Paths(_)) && matches!(format, Format::Table | Format::Csv),
    };
    let request = request(index, &ctx, m)?;
    // An export is its output: with nowhere to write it, fetch nothing (bad input first).
    let stdout = |stdout: io::Result<crate::output::Stdout>| {
        stdout.map_err(|err| Failure::Runtime(format!("stdout cannot take the output: {err}")))
    };
    let listing = match request {
        Request::List(listing) => listing,
        Request::Fetch(fetch) => {
            let out = Writer::with_options(format, stdout(out)?, columns, None, header);
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
        // Only a list under one SID has the flag.
        concurrency: spec
            .many
            .and_then(|_| m.get_one::<u16>("concurrency").copied())
            .unwrap_or(twilio_api::DEFAULT_CONCURRENCY as u16),
    };
    // Several SIDs: labelled, each listing's failure reported and the others go on.
    let many = spec.many.filter(|_| listing.count > 1);
    if let (Some(many), Some(_)) = (many, &args.from_page) {
        return Err(Failure::Usage(format!(
            "--from-page resumes one {noun}: list that {noun} alone",
            noun = many.noun
        )));
    }
    let labels = many.map(|many| Labels {
        parent: many.label,
        item: many.item,
    });
    let mut out = Writer::with_options(format, stdout(out)?, columns, labels, header);
    let count = listing.count;
    let pages = (listing.start)(&args);
    // From here on, these stop the listing between pages instead of killing the process.
    let mut signals = StopSignals::install()?;
    let on_error = match many {
        Some(_) => OnError::Report,
        None => OnError::Stop,
    };
    let result = drive(
        pages,
        args.limit,
        args.from_page,
        on_error,
        &mut out,
        &mut signals,
    )
    .await;
    let interrupted = matches!(result, Err(Stop::Interrupted(..)));
    let concluded = conclude(result, out);
    drop(sandbox);
    match (concluded, many) {
        (Ok(_), None) | (Ok(0), Some(_)) => Ok(()),
        (Ok(failed), Some(many)) => Err(Failure::Runtime(format!(
            "{failed} of {count} {} failed (see above)",
            many.nouns
        ))),
        (Err(Failure::Runtime(line)), Some(many)) if interrupted => Err(Failure::Runtime(format!(
            "{line}: every {} written is whole, but {} may be incomplete",
            many.item, many.nouns
        ))),
        (Err(failure), _) => Err(failure),
    }
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
