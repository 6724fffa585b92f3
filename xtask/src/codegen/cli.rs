//! The CLI's generated commands (`crates/cli/src/generated/commands.rs`): one command per
//! read, named as twilio-cli names them (the static path segments after the account,
//! kebab-cased, then `list` or `fetch`), with a flag per path parameter and per filter, and
//! the code that turns parsed flags into the facade's typed request; and one command per
//! write (`create`, `update`, `remove`), as data only: its `Operation`, and each flag's spec
//! name and kind, which one generic runner (`crates/cli/src/writes.rs`) turns into a
//! `WriteRequest`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::GeneratedFile;
use super::facade::filter_method;
use super::model::list_names;
use super::names;
use super::spec::{
    Api, BodyType, FieldType, OpKind, Operation, ParamType, Segment, WriteKind, WriteOp,
};

/// Flags the CLI already has, which no generated flag may take.
const RESERVED: &[&str] = &[
    "account-sid",
    "base-url",
    "region",
    "edge",
    "timeout",
    "max-retries",
    "sandbox",
    "output",
    "limit",
    "page-size",
    "from-page",
    "subaccount",
    "properties",
    "no-header",
    "help",
    "version",
    "concurrency",
];

/// Options of every write command that no parameter may take. The CLI's other options
/// (`--account-sid`, `--region`, `--edge`, `--timeout`, `--sandbox`, `--subaccount`,
/// `--version`: `crates/cli/src/args.rs`; a create's `--input`: `crates/cli/src/writes.rs`)
/// yield to a parameter of the same name on its own
/// command and stay reachable there under their alternative names, which are reserved here.
const WRITE_RESERVED: &[&str] = &[
    "output",
    "properties",
    "no-header",
    "dry-run",
    "help",
    "base-url",
    "max-retries",
    "proxy",
    "no-proxy",
    "ca-file",
    "system-roots",
    "verbose",
    "twilio-account-sid",
    "twilio-region",
    "twilio-edge",
    "http-timeout",
    "embedded-sandbox",
    "twilio-subaccount",
    "bulk-input",
    "input-format",
    "journal",
    "resend-unknown",
    "concurrency",
];

pub(crate) fn generate(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    let mut table = String::from(
        "//! Every operation of the 2010-04-01 API as a command: the tables clap's commands are\n\
         //! built from, the code that turns a read's flags into its typed request, and each\n\
         //! write as data for the one runner of writes.\n\n\
         use clap::ArgMatches;\n\n\
         use crate::resources::{Ctx, Flag, FlagKind, Kind, Many, Request, Shown, Spec};\n\
         use crate::value::Value;
use crate::writes::{Shape, WriteParam, WriteSpec};\nuse crate::Failure;\n\n\
         /// Every generated command.\npub(crate) static COMMANDS: &[Spec] = &[\n",
    );
    let mut dispatch = String::from(
        "/// The request of command `index` of [`COMMANDS`], from its flags.\n\
         pub(crate) fn request(index: usize, ctx: &Ctx<'_>, m: &ArgMatches) -> Result<Request, Failure> {\n\
         match index {\n",
    );
    // The column overrides in use, by item schema: the name of their static, and its code.
    let mut columns: BTreeMap<String, String> = BTreeMap::new();
    for (index, op) in api.operations.iter().enumerate() {
        let words = words(op);
        let scoped = is_account_scoped(op);
        let params: Vec<_> = op.path_params.iter().skip(usize::from(scoped)).collect();
        let many = many(op, &params)?;
        let mut flags = Vec::new();
        for p in &params {
            flags.push(flag_entry(api, &p.name, &p.ty, &p.description, true)?);
        }
        // Every filter is checked once, before the request (or requests) it goes into.
        let mut parse = String::new();
        let mut apply = String::new();
        for q in &op.query {
            let flag = names::kebab(&q.name);
            if RESERVED.contains(&flag.as_str())
                || params.iter().any(|p| names::kebab(&p.name) == flag)
            {
                return Err(format!("{}: flag --{flag} clashes", op.id));
            }
            flags.push(flag_entry(api, &q.name, &q.ty, &q.description, false)?);
            let method = filter_method(&q.name);
            let var = format!("f_{}", flag.replace('-', "_"));
            let value = value_expr(&q.ty, &flag);
            writeln!(parse, "let {var} = {value};").map_err(|e| e.to_string())?;
            // Under many SIDs the same value goes into each listing.
            let copied = matches!(
                q.ty,
                ParamType::Date | ParamType::DateTime | ParamType::Bool | ParamType::Integer
            );
            let taken = if many.is_some() && !copied {
                format!("{var}.clone()")
            } else {
                var
            };
            writeln!(apply, "if let Some(v) = {taken} {{ l = l.{method}(v); }}")
                .map_err(|e| e.to_string())?;
        }
        let about = first_sentence(&op.summary);
        let kind = match op.kind {
            OpKind::List => "Kind::List",
            OpKind::Fetch => "Kind::Fetch",
        };
        let column_override = super::spec::columns_override(&op.item_schema)
            .filter(|_| op.kind == OpKind::List)
            .map(|o| path_columns(api, op, o, &mut columns))
            .transpose()?;
        let shown = match &column_override {
            Some((statics, _)) => format!("Shown::Paths(&{statics})"),
            _ => {
                let props: Vec<String> = default_columns(api, op)?
                    .iter()
                    .map(|p| format!("{p:?}"))
                    .collect();
                format!("Shown::Properties(&[{}])", props.join(", "))
            }
        };
        let many_entry = match &many {
            Some(many) => format!(
                "Some(&Many {{ flag: {:?}, label: {:?}, item: {:?}, noun: {:?}, nouns: {:?} }})",
                many.flag, many.label, many.item, many.noun, many.nouns
            ),
            None => "None".to_owned(),
        };
        writeln!(
            table,
            "Spec {{ words: &[{}], about: {about:?}, path: {path:?}, kind: {kind}, flags: &[{}], shown: {shown}, many: {many_entry} }},",
            words.iter().map(|w| format!("{w:?}")).collect::<Vec<_>>().join(", "),
            flags.join(", "),
            path = op.path,
        )
        .map_err(|e| e.to_string())?;
        let picking = match &column_override {
            Some((_, picking)) => picking.as_str(),
            None => "()",
        };
        let body = match (op.kind, &many) {
            (OpKind::List, Some(many)) => {
                let _ = list_names(api, op);
                let walk = walk(op, scoped, Some("sid"))?;
                let list = if apply.is_empty() {
                    format!("{walk}.list_raw()")
                } else {
                    format!("{{ let mut l = {walk}.list_raw();\n{apply}l\n}}")
                };
                format!(
                    "{parse}let sids = ctx.path_sids::<twilio_api::model::{}>({:?}, m)?;\n\
                     Ok(Request::each::<{picking}, _, _>(ctx, sids, |sid| {list}))",
                    many.sid_rust, many.flag
                )
            }
            (OpKind::List, None) => {
                let _ = list_names(api, op);
                let walk = walk(op, scoped, None)?;
                if apply.is_empty() {
                    format!("Ok(Request::list::<{picking}, _>(ctx, {walk}.list_raw()))")
                } else {
                    format!(
                        "{parse}let mut l = {walk}.list_raw();\n{apply}\
                         Ok(Request::list::<{picking}, _>(ctx, l))"
                    )
                }
            }
            (OpKind::Fetch, _) => {
                let walk = walk(op, scoped, None)?;
                format!("Ok(Request::Fetch({walk}.fetch_raw()))")
            }
        };
        writeln!(
            dispatch,
            "// {} {}\n{index} => {{ {body} }}",
            op.id, op.path
        )
        .map_err(|e| e.to_string())?;
    }
    table.push_str("];\n\n");
    table.push_str(&write_table(api)?);
    for code in columns.values() {
        table.push_str(code);
    }
    dispatch.push_str("_ => Err(Failure::Usage(format!(\"no command {index}\"))),\n}\n}\n");
    table.push_str(&dispatch);
    Ok(vec![
        GeneratedFile::rust("crates/cli/src/generated/commands.rs", &table),
        GeneratedFile::rust("tests/tests/it/spec_commands/mod.rs", &command_tests(api)?),
    ])
}

/// The table of write commands: `WRITES`, one row per `POST` and `DELETE` of the spec, each
/// naming its `Operation` and its flags (path parameters but the account, then the form's
/// parameters in the spec's order, an indexed family as one row). No code per write: the CLI's
/// one runner reads the table.
fn write_table(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "/// Every generated write: `create`, `update` and `remove` commands, as data for the one\n\
         /// runner (`crate::writes`).\n\
         pub(crate) static WRITES: &[WriteSpec] = &[\n",
    );
    let mut taken: std::collections::BTreeSet<Vec<String>> =
        api.operations.iter().map(words).collect();
    for op in &api.writes {
        let words = write_words(op);
        if !taken.insert(words.clone()) {
            return Err(format!(
                "{}: the command {:?} exists already",
                op.id,
                words.join(" ")
            ));
        }
        let scoped = matches!(op.segments.as_slice(), [Segment::Static(a), Segment::Param(_), _, ..] if a == "Accounts");
        let params = super::facade::resolved_params(api, &op.segments, &op.path_params)?;
        let mut longs = std::collections::BTreeSet::new();
        let mut check = |long: &str| -> Result<(), String> {
            if WRITE_RESERVED.contains(&long)
                || long.starts_with("cli-")
                || !longs.insert(long.to_owned())
            {
                return Err(format!("{}: flag --{long} clashes", op.id));
            }
            Ok(())
        };
        let mut path = Vec::new();
        for p in params.iter().skip(usize::from(scoped)) {
            let long = names::kebab(&p.name);
            check(&long)?;
            path.push(format!(
                "WriteParam {{ long: {long:?}, spec: {:?}, value: {}, shape: Shape::One, required: true, help: {:?} }}",
                p.name,
                write_value(api, &p.ty)?,
                first_sentence(&p.description),
            ));
        }
        let mut body = Vec::new();
        let mut families = std::collections::BTreeSet::new();
        for p in &op.body {
            let help = first_sentence(&p.description);
            if let Some((prefix, _, suffix)) = super::writes::family_of(&p.name) {
                if !families.insert((prefix.clone(), suffix.clone())) {
                    continue;
                }
                let max = op
                    .body
                    .iter()
                    .filter_map(|q| super::writes::family_of(&q.name))
                    .filter(|(pre, _, suf)| *pre == prefix && *suf == suffix)
                    .map(|(_, index, _)| index)
                    .max()
                    .unwrap_or(1);
                let flags: Vec<String> = (1..=max)
                    .map(|n| {
                        format!(
                            "{}{n}.{}",
                            names::kebab(&prefix),
                            names::kebab(suffix.trim_start_matches('.'))
                        )
                    })
                    .collect();
                for flag in &flags {
                    check(flag)?;
                }
                let BodyType::One(ty) = &p.ty else {
                    return Err(format!("{}: family {} of {:?}", op.id, p.name, p.ty));
                };
                body.push(format!(
                    "WriteParam {{ long: {:?}, spec: {prefix:?}, value: {}, shape: Shape::Family({suffix:?}, &[{}]), required: false, help: {help:?} }}",
                    flags.first().ok_or("an empty family")?,
                    write_value(api, ty)?,
                    flags.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>().join(", "),
                ));
                continue;
            }
            let long = names::kebab(&p.name);
            check(&long)?;
            let (value, shape) = match &p.ty {
                BodyType::One(ty) => (write_value(api, ty)?, "Shape::One"),
                BodyType::Many(ty) => (write_value(api, ty)?, "Shape::Many"),
                BodyType::Decimal => ("Value::Decimal".to_owned(), "Shape::One"),
                BodyType::Json => ("Value::Json".to_owned(), "Shape::One"),
            };
            body.push(format!(
                "WriteParam {{ long: {long:?}, spec: {:?}, value: {value}, shape: {shape}, required: {}, help: {help:?} }}",
                p.name, p.required,
            ));
        }
        let shown: Vec<String> = match &op.item_schema {
            Some(schema) if op.kind != WriteKind::Delete => {
                columns_of(api, &op.id, &op.default_output, schema)?
                    .iter()
                    .map(|c| format!("{c:?}"))
                    .collect()
            }
            _ => Vec::new(),
        };
        writeln!(
            out,
            "WriteSpec {{ words: &[{}], about: {:?}, operation: &twilio_api::operations::{}, path: &[{}], body: &[{}], shown: &[{}] }},",
            words.iter().map(|w| format!("{w:?}")).collect::<Vec<_>>().join(", "),
            first_sentence(&op.summary),
            super::facade::operation_const(&op.id),
            path.join(", "),
            body.join(", "),
            shown.join(", "),
        )
        .map_err(|e| e.to_string())?;
    }
    out.push_str("];\n\n");
    Ok(out)
}

/// `messages create`, `messages update`, `messages remove`: the static path segments after
/// the account, kebab-cased, then the verb twilio-cli uses.
fn write_words(op: &WriteOp) -> Vec<String> {
    let mut out: Vec<String> = names::account_scoped(&op.segments)
        .iter()
        .filter_map(|s| match s {
            Segment::Static(name) => Some(names::kebab(name)),
            Segment::Param(_) => None,
        })
        .collect();
    out.push(
        match op.kind {
            WriteKind::Create => "create",
            WriteKind::Update => "update",
            WriteKind::Delete => "remove",
        }
        .to_owned(),
    );
    out
}

/// The kind of a write's flag, as the CLI's `Value`.
fn write_value(api: &Api, ty: &ParamType) -> Result<String, String> {
    Ok(match ty {
        ParamType::Sid(kind) => format!(
            "Value::Sid({:?}, crate::value::sid::<twilio_api::model::{}>)",
            kind.prefix, kind.rust
        ),
        ParamType::String => "Value::Text".to_owned(),
        ParamType::PhoneNumber => "Value::PhoneNumber".to_owned(),
        // No write of the spec takes a date alone: the CLI has no kind for it yet.
        ParamType::Date => return Err("a write parameter of type date".to_owned()),
        ParamType::DateTime => "Value::DateTime".to_owned(),
        ParamType::Bool => "Value::Bool".to_owned(),
        ParamType::Integer => "Value::Integer".to_owned(),
        ParamType::Enum(component) => {
            let values = &api
                .enums
                .get(component)
                .ok_or_else(|| format!("no enum {component}"))?
                .values;
            format!(
                "Value::Enum(&[{}])",
                values
                    .iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    })
}

/// Every generated command against the embedded sandbox, over real sockets: exit 0, at least
/// one row for a list (over several pages where there are enough), and every row decodes
/// into its model type and re-encodes to the JSON it came as.
fn command_tests(api: &Api) -> Result<String, String> {
    let mut out = String::from(COMMAND_TESTS_HEAD);
    for op in &api.operations {
        let item = super::model::item_rust_name(api, &op.item_schema)?;
        let words = words(op);
        let args: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
        writeln!(
            out,
            "/// `twilio-api {}`: `GET {}`\n#[test]\nfn {}() {{\n    run::<twilio_api::model::{item}>(&[{}], {});\n}}\n",
            words.join(" "),
            op.path,
            names::snake(&op.id),
            args.join(", "),
            op.kind == OpKind::List,
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

const COMMAND_TESTS_HEAD: &str = r#"//! Every command generated from the spec, run against the embedded sandbox (a table
//! generated from the spec): it exits 0, a list prints rows (three a page, so the longer
//! ones page), a fetch prints one object, every row decodes into the model's type and
//! re-encodes to the same JSON, and its CSV has a header and a row per item.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn run<T: DeserializeOwned + Serialize>(args: &[&str], list: bool) {
    let mut command = twilio_e2e::cli_command("AC00000000000000000000000000000000", "unused");
    command.arg("--sandbox").args(args).args(["--output", "ndjson"]);
    if list {
        command.args(["--page-size", "3", "--limit", "7"]);
    }
    let output = command.output().expect("the CLI runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?}: {stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<&str> = stdout.lines().collect();
    if list {
        assert!(!rows.is_empty(), "{args:?} printed no row");
    } else {
        assert_eq!(rows.len(), 1, "{args:?}: {stdout}");
    }
    let items = rows.len();
    for row in rows {
        let sent: Value = serde_json::from_str(row).unwrap();
        let decoded: T = serde_json::from_str(row).unwrap();
        assert_eq!(serde_json::to_value(&decoded).unwrap(), sent, "{args:?}");
    }
    // CSV: a header naming its columns (the spec's defaults, or the CLI's fallback), and a
    // row per item with at least one of them filled.
    let mut command = twilio_e2e::cli_command("AC00000000000000000000000000000000", "unused");
    command.arg("--sandbox").args(args).args(["--output", "csv"]);
    if list {
        command.args(["--page-size", "3", "--limit", "7"]);
    }
    let output = command.output().expect("the CLI runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?} --output csv: {stderr}");
    let mut csv = csv::Reader::from_reader(output.stdout.as_slice());
    let header = csv.headers().unwrap().clone();
    assert!(
        !header.is_empty() && header.iter().all(|name| !name.is_empty()),
        "{args:?}: CSV header {header:?}"
    );
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), items, "{args:?}: a CSV row per item");
    for record in &records {
        assert!(
            record.iter().any(|cell| !cell.is_empty()),
            "{args:?}: an empty CSV row under {header:?}"
        );
    }
}

"#;

/// The most columns [`default_columns`] picks from the schema.
const SCHEMA_COLUMNS: usize = 4;

/// The columns of `table` and `csv` when `--properties` names none: the spec's
/// `defaultOutputProperties`; where it gives none, `sid` and `friendly_name` where the item
/// has them, or else its first few scalar members (no object, array or secret).
fn default_columns(api: &Api, op: &Operation) -> Result<Vec<String>, String> {
    columns_of(api, &op.id, &op.default_output, &op.item_schema)
}

/// [`default_columns`] of operation `id`, from its `defaultOutputProperties` and its item
/// schema.
fn columns_of(
    api: &Api,
    id: &str,
    default_output: &[String],
    item_schema: &str,
) -> Result<Vec<String>, String> {
    if !default_output.is_empty() {
        return Ok(default_output.to_vec());
    }
    let schema = api.schema(item_schema)?;
    let named: Vec<String> = ["sid", "friendly_name"]
        .into_iter()
        .filter(|name| schema.fields.iter().any(|f| f.json == *name))
        .map(str::to_owned)
        .collect();
    if !named.is_empty() {
        return Ok(named);
    }
    let scalars: Vec<String> = schema
        .fields
        .iter()
        .filter(|f| {
            !matches!(
                f.ty,
                FieldType::Object | FieldType::Array | FieldType::Any | FieldType::Secret
            )
        })
        .take(SCHEMA_COLUMNS)
        .map(|f| f.json.clone())
        .collect();
    if scalars.is_empty() {
        return Err(format!(
            "{id}: no defaultOutputProperties and no scalar member to show instead"
        ));
    }
    Ok(scalars)
}

/// A list whose path takes exactly one SID besides the account, which the CLI lists for many
/// SIDs at once: its flag may repeat and read `-` as stdin, and with several SIDs each item is
/// labelled with its parent.
#[derive(Debug)]
struct ManySids {
    /// The flag, e.g. `call-sid`.
    flag: String,
    /// The SID's Rust type, e.g. `CallSid`.
    sid_rust: String,
    /// The member naming each item's parent, e.g. `call_sid`.
    label: String,
    /// The member holding each item: the singular of the list's items key, e.g. `event`.
    item: String,
    /// What one SID names, e.g. `call` (the flag without `-sid`).
    noun: String,
    /// What several name, e.g. `calls` (the path segment before the SID).
    nouns: String,
}

fn many(op: &Operation, params: &[&super::spec::Param]) -> Result<Option<ManySids>, String> {
    let ([param], OpKind::List) = (params, op.kind) else {
        return Ok(None);
    };
    let ParamType::Sid(kind) = &param.ty else {
        return Ok(None);
    };
    let items_key = op
        .items_key
        .as_deref()
        .ok_or_else(|| format!("{}: a list without an items key", op.id))?;
    let parent = op
        .segments
        .iter()
        .position(|s| *s == Segment::Param(param.name.clone()))
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| op.segments.get(i));
    let Some(Segment::Static(parent)) = parent else {
        return Err(format!(
            "{}: no path segment before {{{}}}",
            op.id, param.name
        ));
    };
    let flag = names::kebab(&param.name);
    let nouns = names::kebab(parent).replace('-', " ");
    let noun = match flag.strip_suffix("-sid") {
        Some(noun) if !noun.is_empty() => noun.replace('-', " "),
        _ => names::kebab(&names::singular(parent)).replace('-', " "),
    };
    Ok(Some(ManySids {
        label: flag.replace('-', "_"),
        sid_rust: kind.rust.to_owned(),
        item: names::singular(items_key),
        noun,
        nouns,
        flag,
    }))
}

/// The most columns an override has (the CLI's `MAX_PATH_COLUMNS`).
const MAX_PATH_COLUMNS: usize = 8;

/// The column override `o` of `op`'s items as the CLI's data: a `PathColumns` static, the
/// paths as one static, and the picking type naming them (added to `columns` once per item
/// schema). Returns the static's name and the picking type.
fn path_columns(
    api: &Api,
    op: &Operation,
    o: &super::spec::ColumnsOverride,
    columns: &mut BTreeMap<String, String>,
) -> Result<(String, String), String> {
    let rust = super::model::item_rust_name(api, &op.item_schema)?;
    let upper = names::snake(&rust).to_uppercase();
    let (statics, paths, picking) = (
        format!("{upper}_COLUMNS"),
        format!("{upper}_PATHS"),
        format!("{rust}Columns"),
    );
    let names = (
        statics.clone(),
        format!("crate::generated::commands::{picking}"),
    );
    if columns.contains_key(&op.item_schema) {
        return Ok(names);
    }
    let schema = api.schema(&op.item_schema)?;
    if o.columns.is_empty() || o.columns.len() > MAX_PATH_COLUMNS {
        return Err(format!(
            "{}: a column override needs 1 to {MAX_PATH_COLUMNS} columns",
            o.schema
        ));
    }
    if o.columns.iter().filter(|c| c.width.is_none()).count() > 1 {
        return Err(format!(
            "{}: at most one column without a width (the table's last)",
            o.schema
        ));
    }
    let mut entries = Vec::new();
    for c in o.columns {
        // A hand-written item's members are its override's (which the spec is held to).
        let has = match super::spec::item_override(&op.item_schema) {
            Some(item) => item.members.contains(&c.path.0),
            None => schema.fields.iter().any(|f| f.json == c.path.0),
        };
        if !has {
            return Err(format!(
                "{}: column {} reads member {:?}, which the schema does not have",
                o.schema, c.name, c.path.0
            ));
        }
        let value = match c.count_max {
            None => "crate::output::Value::Text".to_owned(),
            Some(max) => format!("crate::output::Value::Count({max})"),
        };
        entries.push(format!(
            "crate::output::Column {{ name: {:?}, title: {:?}, value: {value}, width: {:?}, right: {} }}",
            c.name, c.title, c.width, c.right
        ));
    }
    let path_list: Vec<String> = o
        .columns
        .iter()
        .map(|c| format!("({:?}, {:?})", c.path.0, c.path.1))
        .collect();
    let code = format!(
        "/// The table and CSV columns of `{rust}` lists (the generator's column overrides), in \
         CSV order.\n\
         pub(crate) static {statics}: crate::output::PathColumns = crate::output::PathColumns {{\n\
         columns: &[{}],\n\
         read: |item| crate::output::read_paths(item, {paths}),\n}};\n\n\
         /// Where [`{statics}`] are in an item: one `static`, so that the paths the page's scan \
         picked ([`{picking}`]) and the ones a row asks for are the very same strings.\n\
         static {paths}: [(&str, &str); {}] = [{}];\n\n\
         /// The paths of [`{statics}`], for the scan of each page to pick them on its way.\n\
         #[derive(Debug)]\npub(crate) enum {picking} {{}}\n\n\
         impl twilio_export::Columns for {picking} {{\n\
         const PATHS: &'static [(&'static str, &'static str)] = &{paths};\n}}\n\n",
        entries.join(", "),
        path_list.len(),
        path_list.join(", "),
    );
    columns.insert(op.item_schema.clone(), code);
    Ok(names)
}

fn is_account_scoped(op: &Operation) -> bool {
    matches!(op.segments.as_slice(), [Segment::Static(a), Segment::Param(_), _, ..] if a == "Accounts")
}

/// `calls recordings list`, `accounts fetch`, `balance fetch`.
fn words(op: &Operation) -> Vec<String> {
    let mut out: Vec<String> = names::account_scoped(&op.segments)
        .iter()
        .filter_map(|s| match s {
            Segment::Static(name) => Some(names::kebab(name)),
            Segment::Param(_) => None,
        })
        .collect();
    out.push(match op.kind {
        OpKind::List => "list".to_owned(),
        OpKind::Fetch => "fetch".to_owned(),
    });
    out
}

fn first_sentence(text: &str) -> String {
    let text = text.trim().replace('\n', " ");
    match text.find(". ") {
        Some(end) => text[..end].to_owned(),
        None => text.trim_end_matches('.').to_owned(),
    }
}

fn flag_entry(
    api: &Api,
    spec: &str,
    ty: &ParamType,
    help: &str,
    path: bool,
) -> Result<String, String> {
    let name = spec;
    let kind = match ty {
        ParamType::Sid(kind) => format!("FlagKind::Sid({:?})", kind.prefix),
        ParamType::String => "FlagKind::Text".to_owned(),
        ParamType::PhoneNumber => "FlagKind::PhoneNumber".to_owned(),
        ParamType::Date => "FlagKind::Date".to_owned(),
        ParamType::DateTime => "FlagKind::DateTime".to_owned(),
        ParamType::Bool => "FlagKind::Bool".to_owned(),
        ParamType::Integer => "FlagKind::Integer".to_owned(),
        ParamType::Enum(component) => {
            let values = &api
                .enums
                .get(component)
                .ok_or_else(|| format!("no enum {component}"))?
                .values;
            format!(
                "FlagKind::Enum(&[{}])",
                values
                    .iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    Ok(format!(
        "Flag {{ long: {:?}, spec: {spec:?}, kind: {kind}, path: {path}, help: {:?} }}",
        names::kebab(name),
        first_sentence(help),
    ))
}

/// The value of filter `flag`, checked: an `Option` of what its setter takes (`?` on a bad
/// value).
fn value_expr(ty: &ParamType, flag: &str) -> String {
    let checked = |check: String| {
        format!("match m.get_one::<String>({flag:?}) {{ Some(v) => Some({check}?), None => None }}")
    };
    match ty {
        ParamType::Sid(kind) => checked(format!(
            "ctx.sid::<twilio_api::model::{}>({flag:?}, v)",
            kind.rust
        )),
        ParamType::String | ParamType::PhoneNumber => {
            format!("m.get_one::<String>({flag:?}).cloned()")
        }
        ParamType::Date => checked(format!("ctx.date({flag:?}, v)")),
        ParamType::DateTime => checked(format!("ctx.date_filter({flag:?}, v)")),
        ParamType::Bool => checked(format!("ctx.boolean({flag:?}, v)")),
        ParamType::Integer => checked(format!("ctx.integer({flag:?}, v)")),
        ParamType::Enum(component) => format!(
            "m.get_one::<String>({flag:?}).map(|v| twilio_api::model::{}::from(v.as_str()))",
            super::model::enum_rust_name(component)
        ),
    }
}

/// The facade walk to the operation's resource, with its path flags; `sid`, for a list under
/// one SID listed for many, names the variable holding that SID instead of its flag.
fn walk(op: &Operation, scoped: bool, sid: Option<&str>) -> Result<String, String> {
    let mut expr = if scoped {
        "ctx.account()".to_owned()
    } else {
        "ctx.client()".to_owned()
    };
    let segs = &op.segments;
    let mut i = if scoped { 2 } else { 0 };
    let mut params = op.path_params.iter().skip(usize::from(scoped));
    while i < segs.len() {
        let Some(Segment::Static(segment)) = segs.get(i) else {
            return Err(format!("{}: two parameters in a row", op.path));
        };
        let word = names::snake(segment);
        if let Some(Segment::Param(_)) = segs.get(i + 1) {
            let param = params.next().ok_or("fewer parameters")?;
            let singular = names::snake(&names::singular(segment));
            let method = if singular == word {
                format!("{singular}_item")
            } else {
                singular
            };
            let flag = names::kebab(&param.name);
            let value = match (&param.ty, sid) {
                (ParamType::Sid(_), Some(sid)) => sid.to_owned(),
                (ParamType::Sid(kind), None) => format!(
                    "ctx.path_sid::<twilio_api::model::{}>({flag:?}, m)?",
                    kind.rust
                ),
                (_, _) => format!("ctx.path_text({flag:?}, m)?"),
            };
            write!(expr, ".{}({value})", names::ident(&method)).map_err(|e| e.to_string())?;
            i += 2;
        } else {
            write!(expr, ".{}()", names::ident(&word)).map_err(|e| e.to_string())?;
            i += 1;
        }
    }
    Ok(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Api {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(super::super::SPEC_PATH);
        let bytes = std::fs::read(&path).unwrap();
        let openapi: openapiv3::OpenAPI = serde_json::from_slice(&bytes).unwrap();
        Api::read(&openapi).unwrap()
    }

    /// A list whose path takes exactly one SID besides the account is listed for many SIDs;
    /// its labels are the flag's name and the singular of its items key.
    #[test]
    fn lists_under_one_sid_take_many_sids() {
        let api = api();
        let many: Vec<(String, Option<ManySids>)> = api
            .operations
            .iter()
            .map(|op| {
                let scoped = is_account_scoped(op);
                let params: Vec<_> = op.path_params.iter().skip(usize::from(scoped)).collect();
                (words(op).join(" "), many(op, &params).unwrap())
            })
            .collect();
        let of = |words: &str| {
            many.iter()
                .find(|(w, _)| w == words)
                .unwrap_or_else(|| panic!("no command {words}"))
                .1
                .as_ref()
                .map(|m| {
                    [&m.flag, &m.label, &m.item, &m.noun, &m.nouns].map(|s| s.as_str().to_owned())
                })
        };
        assert_eq!(
            of("calls events list"),
            Some(["call-sid", "call_sid", "event", "call", "calls"].map(str::to_owned))
        );
        assert_eq!(
            of("calls recordings list"),
            Some(["call-sid", "call_sid", "recording", "call", "calls"].map(str::to_owned))
        );
        assert_eq!(
            of("conferences participants list"),
            Some(
                [
                    "conference-sid",
                    "conference_sid",
                    "participant",
                    "conference",
                    "conferences"
                ]
                .map(str::to_owned)
            )
        );
        assert_eq!(
            of("queues members list"),
            Some(["queue-sid", "queue_sid", "queue_member", "queue", "queues"].map(str::to_owned))
        );
        // No SID, two SIDs, a path parameter that is not a SID, a fetch.
        for words in [
            "calls list",
            "recordings add-on-results payloads list",
            "available-phone-numbers local list",
            "calls recordings fetch",
        ] {
            assert_eq!(of(words), None, "{words}");
        }
        assert!(many.iter().filter(|(_, m)| m.is_some()).count() >= 15);
    }

    /// A column override reads members its item has, and has at most one column without a
    /// width; the call events' one is written once, whichever of its lists comes first.
    #[test]
    fn column_overrides_are_checked() {
        use super::super::spec::{ColumnOverride, ColumnsOverride, columns_override};
        let api = api();
        let events = api
            .operations
            .iter()
            .find(|op| op.id == "ListCallEvent")
            .unwrap();
        let mut columns = BTreeMap::new();
        let real = columns_override(&events.item_schema).unwrap();
        let names = path_columns(&api, events, real, &mut columns).unwrap();
        assert_eq!(
            names,
            (
                "CALL_EVENT_COLUMNS".to_owned(),
                "crate::generated::commands::CallEventColumns".to_owned()
            )
        );
        assert_eq!(columns.len(), 1);
        let column = |name, path, width| ColumnOverride {
            name,
            title: name,
            path,
            count_max: None,
            width,
            right: false,
        };
        // An override is `'static` data.
        let missing = vec![column("x", ("nope", "x"), Some(3))].leak();
        let two_last = vec![
            column("a", ("request", "url"), None),
            column("b", ("request", "method"), None),
        ]
        .leak();
        for (bad, says) in [
            (&*missing, "does not have"),
            (&*two_last, "at most one column without a width"),
            (&[][..], "1 to 8 columns"),
        ] {
            let o = ColumnsOverride {
                schema: real.schema,
                columns: bad,
            };
            let err = path_columns(&api, events, &o, &mut BTreeMap::new()).unwrap_err();
            assert!(err.contains(says), "{err}");
        }
    }

    /// The spec gives `defaultOutputProperties` for every read today; a read without them
    /// (as its `Auth` parents have none) still gets columns: `sid` and `friendly_name` where
    /// the item has them, else its first scalar members.
    #[test]
    fn a_read_without_default_properties_gets_columns_from_its_schema() {
        let mut api = api();
        let mut checked = Vec::new();
        for op in &mut api.operations {
            let words = words(op).join(" ");
            if words.starts_with("sip domains auth ") || words == "usage records list" {
                assert!(!op.default_output.is_empty(), "{words}: the spec's own");
                op.default_output.clear();
                checked.push((words, op.id.clone()));
            }
        }
        assert_eq!(checked.len(), 7, "{checked:?}");
        for op in &api.operations {
            let words = words(op).join(" ");
            let Some(_) = checked.iter().find(|(w, _)| *w == words) else {
                continue;
            };
            let columns = default_columns(&api, op).unwrap();
            if words == "usage records list" {
                // No `sid` nor `friendly_name`: its first scalar members.
                assert_eq!(
                    columns,
                    ["account_sid", "api_version", "as_of", "category"],
                    "{words}"
                );
            } else {
                assert_eq!(columns, ["sid", "friendly_name"], "{words}");
            }
        }
    }
}
