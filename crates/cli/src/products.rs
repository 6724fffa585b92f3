//! Every operation of every Twilio product but 2010-04-01 as a command, from the generated
//! table [`crate::generated::products::PRODUCT_OPS`], and one runner for all of them.
//!
//! `twilio-api <product> <version> <static path segments…> <action>`, twilio-cli's words
//! kebab-cased: `twilio-api verify v2 services verifications create --service-sid VA… --to
//! +1… --channel sms`, `twilio-api messaging v1 services list`, `twilio-api preview
//! hosted-numbers authorization-documents list`. Every path, query, form and header
//! parameter is a flag named by kebab-casing its spec name (`--service-sid`, `--if-match`,
//! `--x-twilio-webhook-enabled`, `--grant-type`); a JSON-bodied operation takes `--json-body
//! TEXT|@FILE|-`, checked to be JSON before any request. Values are checked against their
//! kinds (a SID against its prefix, a whole number, a decimal, `true`/`false`, JSON) before
//! any request.
//!
//! A list in the `meta` envelope pages as 2010-04-01's lists do (`--limit`, `--page-size`,
//! `--from-page`, the same outputs and stop signals); every other operation is sent once
//! through the facade's one request path ([`WriteRequest`] runs any [`Operation`]), and a
//! write of unknown outcome is never sent again (exit 3). `--dry-run` prints what a write
//! would send. Where two operations share their words (TaskRouter's worker statistics), the
//! path flags given choose.
//!
//! Only the product named on the command line gets its commands built: the others are a
//! group each in `--help`, so a command starts as fast as with 2010-04-01 alone.

use std::collections::BTreeMap;
use std::io::{self, Read as _, Write as _};

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures::StreamExt as _;
use serde_json::value::RawValue;
use twilio_api::model::{ListPage, MetaEnvelope};
use twilio_api::operation::Operation;
use twilio_api::{ListRequest, WriteRequest};
use twilio_export::RawJson;

use crate::args::{Format, Global};
use crate::failure::Failure;
use crate::generated::products::{PRODUCT_GROUPS, PRODUCT_OPS};
use crate::output::{Columns, Writer};
use crate::paging::{OnError, SharedPage, conclude, drive};
use crate::signals::StopSignals;
use crate::value::Value;

/// One operation of a product as a command.
#[derive(Debug)]
pub(crate) struct ProductOp {
    /// The words after `twilio-api`, e.g. `["verify", "v2", "services", "list"]`.
    pub(crate) words: &'static [&'static str],
    pub(crate) about: &'static str,
    pub(crate) operation: &'static Operation,
    /// Path parameters in path order, then query, form and header parameters.
    pub(crate) params: &'static [PParam],
    /// A JSON-bodied operation: whether its body is required.
    pub(crate) json_body: Option<bool>,
    /// A list in the `meta` envelope: the member holding its items.
    pub(crate) items: Option<&'static str>,
    /// What `table` and `csv` show unless `--properties` says otherwise.
    pub(crate) shown: &'static [&'static str],
}

/// A product's group of commands.
#[derive(Debug)]
pub(crate) struct ProductGroup {
    pub(crate) word: &'static str,
    pub(crate) about: &'static str,
}

/// One parameter of an operation, and its flag.
#[derive(Debug)]
pub(crate) struct PParam {
    /// The flag, e.g. `service-sid`.
    pub(crate) long: &'static str,
    /// The spec's name, e.g. `ServiceSid`, `If-Match`.
    pub(crate) spec: &'static str,
    pub(crate) place: Place,
    pub(crate) value: Value,
    /// The flag repeats (sent as repeated keys, in order).
    pub(crate) many: bool,
    pub(crate) required: bool,
    pub(crate) help: &'static str,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Path,
    Query,
    Body,
    Header,
}

/// Adds the commands of the products `argv` names (a word of it equal to a product's), and a
/// group for every other product.
pub(crate) fn command(base: Command, argv: &[String]) -> Command {
    let named = |word: &str| argv.iter().any(|arg| arg == word);
    let mut cmd = base;
    for group in PRODUCT_GROUPS {
        if cmd.find_subcommand(group.word).is_none() {
            cmd = cmd.subcommand(
                Command::new(group.word)
                    .about(group.about)
                    .subcommand_required(true)
                    .arg_required_else_help(true),
            );
        }
    }
    // Rows sharing their words are one command with the flags of all.
    let mut leaves: BTreeMap<&'static [&'static str], Command> = BTreeMap::new();
    let mut order = Vec::new();
    for op in PRODUCT_OPS
        .iter()
        .filter(|op| op.words.first().is_some_and(|w| named(w)))
    {
        match leaves.remove(op.words) {
            Some(leaf) => {
                leaves.insert(op.words, more_flags(leaf, op));
            }
            None => {
                order.push(op.words);
                leaves.insert(op.words, leaf(op));
            }
        }
    }
    for words in order {
        if let [product, version, ..] = words {
            cmd = version_group(cmd, product, version);
        }
        if let Some(leaf) = leaves.remove(words) {
            cmd = crate::resources::insert(cmd, words, leaf);
        }
    }
    cmd
}

/// Gives product `product` its group `version` (`v2`, or `hosted-numbers` where the spec's
/// paths carry no version), named after the product.
fn version_group(cmd: Command, product: &'static str, version: &'static str) -> Command {
    let title = PRODUCT_GROUPS
        .iter()
        .find(|group| group.word == product)
        .and_then(|group| group.about.split(':').next())
        .unwrap_or(product);
    cmd.mut_subcommand(product, |group| {
        if group.find_subcommand(version).is_some() {
            return group;
        }
        group.subcommand(
            Command::new(version)
                .about(format!("{title} {version}"))
                .subcommand_required(true)
                .arg_required_else_help(true),
        )
    })
}

fn param_arg(param: &PParam) -> Arg {
    let mut help = param.help.to_owned();
    help.push_str(&param.value.help_suffix());
    if param.required {
        help.push_str(" (required)");
    }
    help.push_str(&format!(" (sent as {})", param.spec));
    if param.many {
        help.push_str(" (repeat it for several)");
    }
    Arg::new(param.long)
        .long(param.long)
        .value_name(param.value.name())
        .action(if param.many {
            ArgAction::Append
        } else {
            ArgAction::Set
        })
        .help(help)
        .help_heading(match param.place {
            Place::Path => "Resource",
            Place::Query | Place::Body => "Parameters",
            Place::Header => "Headers",
        })
}

/// `leaf` with the flags of `op` it does not have yet (another path to the same words).
fn more_flags(mut leaf: Command, op: &'static ProductOp) -> Command {
    let about = leaf
        .get_about()
        .map(ToString::to_string)
        .unwrap_or_default();
    leaf = leaf.about(format!(
        "{about}; with its path flags, {} {}",
        op.operation.method, op.operation.path
    ));
    for param in op.params {
        if leaf.get_arguments().all(|a| a.get_id() != param.long) {
            leaf = leaf.arg(param_arg(param));
        }
    }
    leaf
}

fn leaf(op: &'static ProductOp) -> Command {
    let name = op.words.last().copied().unwrap_or("fetch");
    let operation = op.operation;
    let mut cmd = Command::new(name).about(if op.about.is_empty() {
        format!("{} {}", operation.method, operation.path)
    } else {
        format!("{} ({} {})", op.about, operation.method, operation.path)
    });
    for param in op.params {
        if param.long == "version" {
            cmd = cmd.disable_version_flag(true);
        }
        cmd = cmd.arg(param_arg(param));
    }
    if let Some(required) = op.json_body {
        cmd = cmd.arg(
            Arg::new("json-body")
                .long("json-body")
                .value_name("TEXT|@FILE|-")
                .help(format!(
                    "The request's JSON body: the text, @ and a file's path, or - for stdin; \
                     checked to be JSON before any request{}",
                    if required { " (required)" } else { "" }
                ))
                .help_heading("Parameters"),
        );
    }
    cmd = cmd.next_help_heading("Output").arg(
        Arg::new("output")
            .long("output")
            .value_parser(clap::builder::EnumValueParser::<Format>::new())
            .default_value("table")
            .help("Output format: json and ndjson print what Twilio sent, exactly"),
    );
    if operation.method != twilio_api::http::Method::GET {
        cmd = cmd.arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help(
                    "Print the method, the URL and the body this would send (no credentials), \
                     and send nothing",
                ),
        );
    }
    if operation.method != twilio_api::http::Method::DELETE {
        cmd = cmd
            .arg(
                Arg::new("properties")
                    .long("properties")
                    .value_name("a,b,c")
                    .help(format!(
                        "The columns of table and csv, by their JSON names [default: {}]",
                        if op.shown.is_empty() {
                            "sid".to_owned()
                        } else {
                            op.shown.join(",")
                        }
                    )),
            )
            .arg(
                Arg::new("no-header")
                    .long("no-header")
                    .action(ArgAction::SetTrue)
                    .help("No header row (table, csv)"),
            );
    }
    if op.items.is_some() {
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
                    .value_name("URL")
                    .help("Start at this page URL (as printed when an earlier listing failed)"),
            );
    }
    cmd
}

/// The generated product operations the matches name (one, or several sharing their
/// words), and the command's own matches.
pub(crate) fn find(matches: &ArgMatches) -> Option<(Vec<usize>, &ArgMatches)> {
    let mut words = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        words.push(name);
        m = sub;
    }
    let found: Vec<usize> = PRODUCT_OPS
        .iter()
        .enumerate()
        .filter(|(_, op)| op.words == words.as_slice())
        .map(|(index, _)| index)
        .collect();
    (!found.is_empty()).then_some((found, m))
}

fn values<'a>(m: &'a ArgMatches, long: &str) -> Vec<&'a str> {
    m.try_get_many::<String>(long)
        .ok()
        .flatten()
        .map(|values| values.map(String::as_str).collect())
        .unwrap_or_default()
}

fn flag(m: &ArgMatches, id: &str) -> bool {
    m.try_get_one::<bool>(id)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
}

/// Of the operations sharing these words, the one whose path flags are all given (the most
/// such flags winning); else the first, which then names what is missing.
fn choose(indices: &[usize], m: &ArgMatches) -> Result<&'static ProductOp, Failure> {
    let ops: Vec<&'static ProductOp> = indices.iter().filter_map(|&i| PRODUCT_OPS.get(i)).collect();
    let path_count = |op: &ProductOp| op.params.iter().filter(|p| p.place == Place::Path).count();
    ops.iter()
        .copied()
        .filter(|op| {
            op.params
                .iter()
                .filter(|p| p.place == Place::Path)
                .all(|p| !values(m, p.long).is_empty())
        })
        .max_by_key(|op| path_count(op))
        .or_else(|| ops.first().copied())
        .ok_or_else(|| Failure::Usage("no such command".to_owned()))
}

/// The request's parts, checked: the path with its values, the query, the form fields and
/// the headers, in order.
#[derive(Default)]
struct Prepared {
    path: String,
    query: Vec<(&'static str, String)>,
    fields: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    json: Option<String>,
}

fn prepare(op: &ProductOp, m: &ArgMatches) -> Result<Prepared, Failure> {
    let mut out = Prepared {
        path: op.operation.path.to_owned(),
        ..Prepared::default()
    };
    for param in op.params {
        let given = values(m, param.long);
        if given.is_empty() && param.required {
            return Err(Failure::Usage(format!(
                "--{} is required (sent as {})",
                param.long, param.spec
            )));
        }
        for value in given {
            let value = param.value.checked(param.long, value)?;
            match param.place {
                Place::Path => {
                    if value.is_empty() {
                        return Err(Failure::Usage(format!("--{}: empty", param.long)));
                    }
                    out.path = out.path.replace(
                        &format!("{{{}}}", param.spec),
                        &crate::writes::segment(&value),
                    );
                }
                Place::Query => out.query.push((param.spec, value)),
                Place::Body => out.fields.push((param.spec, value)),
                Place::Header => out.headers.push((param.spec, value)),
            }
        }
    }
    if let Some(required) = op.json_body {
        match m.try_get_one::<String>("json-body").ok().flatten() {
            Some(given) => out.json = Some(json_body(given)?),
            None if required => {
                return Err(Failure::Usage("--json-body is required".to_owned()));
            }
            None => {}
        }
    }
    Ok(out)
}

/// The text of `--json-body`: as given, from a file (`@PATH`) or from stdin (`-`), checked
/// to be JSON.
fn json_body(given: &str) -> Result<String, Failure> {
    let text = if given == "-" {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Usage(format!("--json-body -: reading stdin: {e}")))?;
        text
    } else if let Some(path) = given.strip_prefix('@') {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::Usage(format!("--json-body @{path}: {e}")))?
    } else {
        given.to_owned()
    };
    serde_json::from_str::<serde::de::IgnoredAny>(&text)
        .map_err(|e| Failure::Usage(format!("--json-body: not JSON: {e}")))?;
    Ok(text)
}

/// A page in the `meta` envelope of any list, its items the exact JSON the API sent: the
/// member `meta.key` names (or, without a key, the page's one array).
struct AnyMetaPage {
    meta: MetaEnvelope,
    items: Vec<RawJson>,
}

impl<'de> serde::Deserialize<'de> for AnyMetaPage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut members = BTreeMap::<String, Box<RawValue>>::deserialize(deserializer)?;
        let meta = members
            .remove("meta")
            .ok_or_else(|| D::Error::missing_field("meta"))?;
        let meta: MetaEnvelope = serde_json::from_str(meta.get()).map_err(D::Error::custom)?;
        let key = match &meta.key {
            Some(key) => key.clone(),
            None => {
                let arrays: Vec<&String> = members
                    .iter()
                    .filter(|(_, raw)| raw.get().starts_with('['))
                    .map(|(name, _)| name)
                    .collect();
                match arrays.as_slice() {
                    [one] => (*one).clone(),
                    _ => return Err(D::Error::custom("a page with no meta.key and no one array")),
                }
            }
        };
        let items = members
            .get(&key)
            .ok_or_else(|| D::Error::custom(format_args!("no `{key}` array of items")))?;
        let items: Vec<RawJson> = serde_json::from_str(items.get()).map_err(D::Error::custom)?;
        Ok(AnyMetaPage { meta, items })
    }
}

impl ListPage for AnyMetaPage {
    type Item = RawJson;
    type Envelope = MetaEnvelope;

    fn envelope(&self) -> &MetaEnvelope {
        &self.meta
    }

    fn items(&self) -> &[RawJson] {
        &self.items
    }

    fn into_parts(self) -> (MetaEnvelope, Vec<RawJson>) {
        (self.meta, self.items)
    }
}

/// Runs the product operation the matches name (of `indices`, sharing their words).
pub(crate) async fn run(
    indices: &[usize],
    m: &ArgMatches,
    global: &Global,
    out: io::Result<crate::output::Stdout>,
) -> Result<(), Failure> {
    let op = choose(indices, m)?;
    let operation = op.operation;
    let format = m
        .try_get_one::<Format>("output")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(Format::Table);
    let properties = m.try_get_one::<String>("properties").ok().flatten();
    let columns: Vec<String> = match properties {
        Some(list) => list
            .split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        None if op.shown.is_empty() => vec!["sid".to_owned()],
        None => op.shown.iter().map(|p| (*p).to_owned()).collect(),
    };
    if properties.is_some() && columns.is_empty() {
        return Err(Failure::Usage(
            "--properties: name at least one property".to_owned(),
        ));
    }
    let header = !flag(m, "no-header");
    let prepared = prepare(op, m)?;
    let (client, sandbox) = crate::settings::client_for(global, flag(m, "dry-run")).await?;
    let stdout = |out: io::Result<crate::output::Stdout>| {
        out.map_err(|err| Failure::Runtime(format!("stdout cannot take the output: {err}")))
    };
    if op.items.is_some() {
        let mut request = ListRequest::<AnyMetaPage>::new(&client, operation, prepared.path);
        for (name, value) in prepared.query {
            request = request.query(name, value);
        }
        let limit = m.try_get_one::<u64>("limit").ok().flatten().copied();
        let from_page = m.try_get_one::<String>("from-page").ok().flatten().cloned();
        request = request.page_size(
            m.try_get_one::<u32>("page-size")
                .ok()
                .flatten()
                .copied()
                .unwrap_or(50),
        );
        if let Some(limit) = limit {
            request = request.limit(limit);
        }
        if let Some(from) = &from_page {
            request = request.from_page(from.clone());
        }
        let mut out = Writer::with_options(
            format,
            stdout(out)?,
            Columns::Properties(columns),
            None,
            header,
        );
        let pages = request
            .pages()
            .map(|page| (None::<std::sync::Arc<str>>, page.map(SharedPage::of)));
        let mut signals = StopSignals::install()?;
        let result = drive(
            pages,
            limit,
            from_page,
            OnError::Stop,
            &mut out,
            &mut signals,
        )
        .await;
        let concluded = conclude(result, out);
        drop(sandbox);
        return concluded.map(drop);
    }
    let mut request = WriteRequest::<Box<RawValue>>::new(&client, operation, prepared.path);
    for (name, value) in prepared.query {
        request = request.query(name, value);
    }
    for (name, value) in prepared.fields {
        request = request.param(name, value);
    }
    for (name, value) in prepared.headers {
        request = request.header(name, value);
    }
    if let Some(json) = prepared.json {
        request = request.json(json);
    }
    if flag(m, "dry-run") {
        let mut out = stdout(out)?;
        let text = crate::writes::dry_run_text(&client, operation, &request);
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(crate::failure::output_failure)?;
        return Ok(());
    }
    let out = if operation.method == twilio_api::http::Method::DELETE {
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    /// Every operation of the 54 specs is a row, and each row's flags are its operation's
    /// parameters, each in its place.
    #[test]
    fn every_row_names_its_operations_parameters() {
        assert_eq!(PRODUCT_OPS.len(), 1250);
        for op in PRODUCT_OPS {
            let operation = op.operation;
            let of = |place: Place| -> Vec<&str> {
                op.params
                    .iter()
                    .filter(|p| p.place == place)
                    .map(|p| p.spec)
                    .collect()
            };
            assert_eq!(of(Place::Path), operation.path_params, "{}", operation.id);
            assert_eq!(of(Place::Query), operation.query_params, "{}", operation.id);
            assert_eq!(of(Place::Header), operation.headers, "{}", operation.id);
            match operation.body {
                twilio_api::operation::BodyKind::Json => {
                    assert!(op.json_body.is_some(), "{}", operation.id);
                    assert!(of(Place::Body).is_empty(), "{}", operation.id);
                }
                _ => {
                    assert!(op.json_body.is_none(), "{}", operation.id);
                    assert_eq!(of(Place::Body), operation.body_params, "{}", operation.id);
                }
            }
            if op.items.is_some() {
                assert_eq!(operation.method, twilio_api::http::Method::GET);
            }
            assert!(
                op.words.len() >= 3
                    && ["list", "fetch", "create", "update", "remove", "patch"]
                        .contains(op.words.last().unwrap_or(&"")),
                "{:?}",
                op.words
            );
        }
    }

    /// The whole tree, every product's commands built, is one clap accepts (no flag twice, no
    /// flag shadowing an option).
    #[test]
    fn every_products_commands_build() {
        let argv: Vec<String> = PRODUCT_GROUPS.iter().map(|g| g.word.to_owned()).collect();
        let cli = crate::args::with_yielding_options(command(
            crate::writes::command(crate::resources::command(crate::args::Cli::command())),
            &argv,
        ));
        cli.clone().debug_assert();
        let leaves = |cmd: &Command| -> usize {
            fn count(cmd: &Command) -> usize {
                if cmd.get_subcommands().next().is_none() {
                    1
                } else {
                    cmd.get_subcommands().map(count).sum()
                }
            }
            PRODUCT_GROUPS
                .iter()
                .filter_map(|g| cmd.find_subcommand(g.word))
                .map(count)
                .sum()
        };
        // The `accounts` group holds 2010-04-01's commands too.
        assert!(leaves(&cli) >= 1200, "{}", leaves(&cli));
        let help = cli
            .find_subcommand("verify")
            .and_then(|c| c.find_subcommand("v2"))
            .map(|c| c.clone().render_help().to_string())
            .unwrap_or_default();
        assert!(help.contains("services"), "{help}");
    }
}
