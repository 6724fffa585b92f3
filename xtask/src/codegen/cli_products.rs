//! The CLI's commands for every operation of the 54 specs but 2010-04-01
//! (`crates/cli/src/generated/products.rs`), as data only: `twilio-api <product> <version>
//! <static path segments…> <action>` (twilio-cli's words, kebab-cased), the facade's
//! `Operation`, and each flag's spec name, place (path, query, form, header) and kind, which
//! one generic runner (`crates/cli/src/products.rs`) turns into a request. Also the CLI
//! test's table (`crates/cli/tests/it/products_table.rs`): one list or fetch per product.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde_json::Value;

use super::GeneratedFile;
use super::names;

use super::products::{Product, read, read_all};

use read::{Answer, BodyKind, Op, Segment, SpecFile, Ty};

/// Options of every product command that no parameter may take.
const RESERVED: &[&str] = &[
    "output",
    "properties",
    "no-header",
    "dry-run",
    "json-body",
    "limit",
    "page-size",
    "from-page",
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
];

/// How many scalar members a command shows by default where its path names none.
const SHOWN: usize = 4;

struct Spec {
    file: SpecFile,
    json: Value,
}

fn read_specs(root: &Path) -> Result<Vec<Spec>, String> {
    let dir = root.join("spec");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            name.starts_with("twilio_")
                && name.ends_with(".json")
                && name != "twilio_api_v2010.json"
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let bytes =
                fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let json: Value = serde_json::from_slice(&bytes)
                .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
            Ok(Spec {
                file: SpecFile::read(&name, &json)?,
                json,
            })
        })
        .collect()
}

/// The facade's static of `op` (as `xtask/src/codegen/products/facade.rs` names it).
fn operation_path(file: &SpecFile, op: &Op) -> String {
    let id = names::snake(&op.id).to_uppercase();
    let name = match &file.spec_module {
        Some(m) => format!("{}_{id}", m.to_uppercase()),
        None => id,
    };
    format!(
        "twilio_api::{}::operations::{name}",
        file.product.replace('-', "_")
    )
}

/// twilio-cli's action: the operation id's verb, `Delete` as `remove`.
fn action(op: &Op) -> String {
    let snake = names::snake(&op.id);
    match snake.split('_').next().unwrap_or("call") {
        "delete" => "remove".to_owned(),
        verb => verb.to_owned(),
    }
}

fn words(file: &SpecFile, op: &Op) -> Vec<String> {
    let mut words = vec![file.product.clone(), names::kebab(&op.version)];
    for segment in &op.segments {
        if let Segment::Static(s) = segment {
            words.push(names::kebab(s));
        }
    }
    words.push(action(op));
    words
}

/// The first sentence of `text`, on one line, at most 160 characters.
fn short(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = match line.find(". ") {
        Some(end) => &line[..end + 1],
        None => line.as_str(),
    };
    if sentence.chars().count() > 160 {
        let cut: String = sentence.chars().take(157).collect();
        format!("{cut}…")
    } else {
        sentence.to_owned()
    }
}

fn value_kind(product: &Product, file: &SpecFile, ty: &Ty) -> Result<String, String> {
    Ok(match ty {
        Ty::Sid(prefix) => format!(
            "Value::Sid({prefix:?}, crate::value::sid::<twilio_api::model::{}>)",
            product.sid_type(file, prefix)?
        ),
        Ty::String => "Value::Text".to_owned(),
        Ty::Integer => "Value::Integer".to_owned(),
        Ty::Decimal => "Value::Decimal".to_owned(),
        Ty::Bool => "Value::Bool".to_owned(),
        Ty::Enum(name) => match file.enums.get(name) {
            Some(def) => format!("Value::Enum(&{:?})", def.values),
            None => "Value::Text".to_owned(),
        },
        Ty::HttpMethod => "Value::Enum(&[\"GET\", \"POST\"])".to_owned(),
        Ty::Object | Ty::Array | Ty::Any => "Value::Json".to_owned(),
        Ty::Many(inner) => value_kind(product, file, inner)?,
    })
}

fn is_scalar(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Sid(_) | Ty::String | Ty::Integer | Ty::Decimal | Ty::Bool | Ty::Enum(_)
    )
}

/// What `table` and `csv` show: the path's `defaultOutputProperties`, or the item's first
/// scalar members (`sid` first where it has one).
fn shown(spec: &Spec, op: &Op) -> Vec<String> {
    let listed = spec
        .json
        .get("paths")
        .and_then(|p| p.get(&op.path))
        .and_then(|p| p.get("x-twilio"))
        .and_then(|x| x.get("defaultOutputProperties"))
        .and_then(Value::as_array);
    if let Some(listed) = listed {
        let names: Vec<String> = listed
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if !names.is_empty() {
            return names;
        }
    }
    let item = match &op.answer {
        // A numbered page is fetched page by page, shown as the page it is.
        Answer::Item(name) | Answer::Numbered { page: name, .. } => Some(name),
        Answer::Meta { item, .. } => item.as_ref(),
        Answer::Nothing | Answer::Json => None,
    };
    let Some(schema) = item.and_then(|name| spec.file.schemas.get(name)) else {
        return Vec::new();
    };
    let mut out: Vec<String> = schema
        .fields
        .iter()
        .filter(|f| f.json == "sid")
        .map(|f| f.json.clone())
        .collect();
    for field in &schema.fields {
        if out.len() >= SHOWN {
            break;
        }
        if is_scalar(&field.ty) && !out.contains(&field.json) {
            out.push(field.json.clone());
        }
    }
    out
}

/// One flag of an operation: its name, and the row entry.
struct FlagRow {
    long: String,
    entry: String,
}

fn flags(product: &Product, spec: &Spec, op: &Op) -> Result<Vec<FlagRow>, String> {
    let file = &spec.file;
    let mut rows: Vec<FlagRow> = Vec::new();
    // Only a list in the `meta` envelope has the paging options.
    let paged = op.method == "GET" && matches!(op.answer, Answer::Meta { .. });
    let paging = ["limit", "page-size", "from-page"];
    let mut push = |name: &str, place: &str, ty: &Ty, required: bool, help: &str| {
        let long = names::kebab(name);
        if RESERVED.contains(&long.as_str()) && (paged || !paging.contains(&long.as_str())) {
            return Err(format!("{}: flag --{long} clashes with an option", op.id));
        }
        if rows.iter().any(|r| r.long == long) {
            return Err(format!("{}: two parameters are --{long}", op.id));
        }
        let entry = format!(
            "PParam {{ long: {long:?}, spec: {name:?}, place: Place::{place}, value: {value}, many: {many}, required: {required}, help: {help:?} }},",
            value = value_kind(product, file, ty)?,
            many = matches!(ty, Ty::Many(_)),
            help = short(help),
        );
        rows.push(FlagRow { long, entry });
        Ok(())
    };
    for p in &op.path_params {
        push(&p.name, "Path", &p.ty, true, &p.description)?;
    }
    for p in &op.query {
        push(&p.name, "Query", &p.ty, p.required, &p.description)?;
    }
    if op.body == BodyKind::Form {
        for p in &op.body_params {
            push(&p.name, "Body", &p.ty, p.required, &p.description)?;
        }
    }
    for h in &op.headers {
        push(h, "Header", &Ty::String, false, "")?;
    }
    Ok(rows)
}

/// A value a test gives flag `ty` of parameter `name`, as it goes in the path.
fn sample(ty: &Ty) -> String {
    match ty {
        Ty::Sid(prefix) => format!("{prefix}0123456789abcdef0123456789abcdef"),
        Ty::Integer => "7".to_owned(),
        _ => "Sample1".to_owned(),
    }
}

pub(crate) fn generate(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let specs = read_specs(root)?;
    // The model's SID types, named per product and spec module.
    let products = read_all(root)?;
    let mut table = String::from(
        "//! Every operation of every product but 2010-04-01 as a command, as data: the rows the\n\
         //! one runner of `crate::products` builds its commands from and runs.\n\n\
         use crate::products::{PParam, Place, ProductOp, ProductGroup};\nuse crate::value::Value;\n\n\
         /// Every product's operations.\npub(crate) static PRODUCT_OPS: &[ProductOp] = &[\n",
    );
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
    // The test's pick per product: (score, row).
    let mut tests: BTreeMap<String, (u32, String)> = BTreeMap::new();
    for spec in &specs {
        let file = &spec.file;
        let product = products
            .iter()
            .find(|p| p.files.iter().any(|f| f.file == file.file))
            .ok_or_else(|| format!("{}: in no product", file.file))?;
        if file.ops.is_empty() {
            // `twilio_iam_scim.json` describes paths with no operation.
            continue;
        }
        let title = file
            .title
            .trim()
            .trim_start_matches("Twilio - ")
            .replace('_', " ");
        groups
            .entry(file.product.clone())
            .or_insert_with(|| format!("{title}: every operation of {}.twilio.com", file.host));
        for op in &file.ops {
            let words = words(file, op);
            if words.iter().any(|w| w.is_empty()) {
                return Err(format!("{}: an empty word in {:?}", op.id, words));
            }
            // Operations sharing words and action are one command: the path flags given
            // choose (the runner picks the row whose path flags are all given).
            seen.insert(words.clone());
            let flags = flags(product, spec, op)?;
            let json_body = match op.body {
                BodyKind::Json => {
                    format!("Some({})", op.body_params.iter().any(|p| p.required))
                }
                BodyKind::None | BodyKind::Form => "None".to_owned(),
            };
            let items = match &op.answer {
                Answer::Meta { key, .. } if op.method == "GET" => format!("Some({key:?})"),
                _ => "None".to_owned(),
            };
            let shown = if op.method == "DELETE" {
                Vec::new()
            } else {
                shown(spec, op)
            };
            let about = if op.summary.trim().is_empty() {
                String::new()
            } else {
                short(&op.summary)
            };
            let _ = writeln!(
                table,
                "ProductOp {{ words: &{words:?}, about: {about:?}, operation: &{operation}, params: &[{params}], json_body: {json_body}, items: {items}, shown: &{shown:?} }},",
                operation = operation_path(file, op),
                params = flags.iter().map(|f| f.entry.as_str()).collect::<String>(),
            );
            // A test: a read with no required query parameter; a meta list scores best.
            if op.method == "GET" && !op.query.iter().any(|q| q.required) {
                let score = match op.answer {
                    Answer::Meta { .. } => 2,
                    _ => 1,
                } * 10
                    - u32::try_from(op.path_params.len().min(9)).unwrap_or(9);
                if tests
                    .get(&file.product)
                    .is_none_or(|(best, _)| score > *best)
                {
                    tests.insert(file.product.clone(), (score, test_row(file, op, &words)));
                }
            }
        }
    }
    table.push_str("];\n\n/// Every product's group: its word and its help.\npub(crate) static PRODUCT_GROUPS: &[ProductGroup] = &[\n");
    for (name, about) in &groups {
        let _ = writeln!(
            table,
            "ProductGroup {{ word: {name:?}, about: {about:?} }},"
        );
    }
    table.push_str("];\n");
    let mut test = String::from(
        "//! One read of every product, run end to end by `products.rs`: the command line, what\n\
         //! the request must be, and the answer the loopback server gives.\n\n\
         /// One product's read.\npub(crate) struct ProductRead {\n\
         /// The product.\npub(crate) product: &'static str,\n\
         /// The words and flags after `twilio-api`.\npub(crate) args: &'static [&'static str],\n\
         /// The host's first label.\npub(crate) host: &'static str,\n\
         /// The path, its values filled in.\npub(crate) path: &'static str,\n\
         /// The query parameters sent but paging's, in order.\npub(crate) query: &'static [(&'static str, &'static str)],\n\
         /// Whether it pages over the `meta` envelope: the answer is a page of items under this key.\npub(crate) items: Option<&'static str>,\n\
         /// The answer of a fetch.\npub(crate) answer: &'static str,\n}\n\n\
         /// Every product's read.\npub(crate) static PRODUCT_READS: &[ProductRead] = &[\n",
    );
    if tests.len() != groups.len() {
        let missing: Vec<&String> = groups.keys().filter(|g| !tests.contains_key(*g)).collect();
        return Err(format!("products without a read to test: {missing:?}"));
    }
    for (_, row) in tests.values() {
        test.push_str(row);
    }
    test.push_str("];\n");
    let header = "// @generated by `cargo xtask codegen` from spec/twilio_*.json (every spec but 2010-04-01). Do not\n\
                  // edit by hand: change xtask/src/codegen/cli_products.rs and run `cargo xtask codegen`.\n\n";
    Ok(vec![
        GeneratedFile {
            path: "crates/cli/src/generated/products.rs".into(),
            contents: format!("{header}{table}"),
        },
        GeneratedFile {
            path: "crates/cli/tests/it/products_table.rs".into(),
            contents: format!("{header}{test}"),
        },
    ])
}

fn test_row(file: &SpecFile, op: &Op, words: &[String]) -> String {
    let mut args: Vec<String> = words.to_vec();
    let mut path = op.path.clone();
    for p in &op.path_params {
        let value = sample(&p.ty);
        args.push(format!("--{}", names::kebab(&p.name)));
        args.push(value.clone());
        path = path.replace(&format!("{{{}}}", p.name), &value);
    }
    // One optional text query parameter, where there is one, to check the query.
    let mut query = Vec::new();
    if let Some(q) = op.query.iter().find(|q| q.ty == Ty::String) {
        args.push(format!("--{}", names::kebab(&q.name)));
        args.push("Sample q".to_owned());
        query.push((q.name.clone(), "Sample q".to_owned()));
    }
    let items = match &op.answer {
        Answer::Meta { key, .. } => format!("Some({key:?})"),
        _ => "None".to_owned(),
    };
    let answer = op
        .examples
        .first()
        .filter(|(_, v)| v.is_object() && !matches!(op.answer, Answer::Meta { .. }))
        .map_or_else(
            || r#"{"sid": "XX0123456789abcdef0123456789abcdef"}"#.to_owned(),
            |(_, v)| v.to_string(),
        );
    format!(
        "ProductRead {{ product: {product:?}, args: &{args:?}, host: {host:?}, path: {path:?}, query: &{query:?}, items: {items}, answer: {answer:?} }},\n",
        product = file.product,
        host = op.host,
    )
}
