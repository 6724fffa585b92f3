//! The sandbox's route table (`crates/sandbox/src/generated/routes.rs`): one row per `GET`
//! of the spec, with what the sandbox needs to serve it from its own data.
//!
//! Per operation: its path template split into segments, list or fetch, the items key, the
//! path parameters (with their SID prefixes, the item member that holds each, and the list
//! whose rows each one names), the query parameters the spec declares, whether it is
//! paged, the success status, the values of its enum members, and a template item: the
//! first item of the spec's first non-empty example (for a list, and for the fetch of the
//! same collection, so that a fetched item and its list row render alike), or the fetch's
//! own example when no list serves its items (`Balance.json`, `Data.json`) or when the
//! fetch's schema has members the list's lacks (notifications: the sandbox adds those).
//!
//! The sandbox varies the templates per row with its own code; nothing here is a type of
//! `twilio-model`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::GeneratedFile;
use super::names;
use super::spec::{Api, FieldType, OpKind, Operation, ParamType, Segment};

/// The generated file.
const ROUTES_RS: &str = "crates/sandbox/src/generated/routes.rs";

pub(crate) fn generate(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    let by_path: BTreeMap<&str, &Operation> = api
        .operations
        .iter()
        .filter(|op| op.kind == OpKind::List)
        .map(|op| (op.path.as_str(), op))
        .collect();
    let mut templates = String::new();
    let mut rows = String::new();
    let mut lists = 0usize;
    let mut fetches = 0usize;
    for op in &api.operations {
        let collection = collection_of(op, &by_path)?;
        // A fetch renders like its list row; only a fetch whose schema has more members
        // than the list's (notifications) has a template of its own, for those members.
        let template_owner = collection
            .filter(|c| c.item_schema == op.item_schema)
            .unwrap_or(op);
        let template_const = template_name(template_owner);
        if std::ptr::eq(template_owner, op) {
            let json = template(template_owner)?;
            let hashes = raw_hashes(&json);
            writeln!(
                templates,
                "/// The template item of `{}` (`{}`).\nconst {template_const}: &str = r{hashes}\"{json}\"{hashes};\n",
                template_owner.id, template_owner.path
            )
            .map_err(|e| e.to_string())?;
        }
        match op.kind {
            OpKind::List => lists += 1,
            OpKind::Fetch => fetches += 1,
        }
        rows.push_str(&route_row(api, op, collection, &template_const, &by_path)?);
    }
    if lists == 0 || fetches == 0 {
        return Err("the spec has no list or no fetch operation".to_owned());
    }
    let body = format!(
        "//! Every `GET` of the 2010-04-01 API ({lists} lists, {fetches} fetches), as the sandbox\n\
         //! routes them: path template, list or fetch, items key, path parameters, query\n\
         //! parameters, paging, success status, enum values, and a template item from the\n\
         //! spec's examples that the sandbox varies per row with its own code (`world.rs`,\n\
         //! `render.rs`).\n\n\
         use crate::routes::{{Kind, PathParam, RouteSpec, Segment}};\n\n\
         {templates}\
         /// One row per `GET` of the spec, in the spec's order.\n\
         pub(crate) static ROUTES: &[RouteSpec] = &[\n{rows}];\n"
    );
    Ok(vec![GeneratedFile::rust(ROUTES_RS, &body)])
}

/// The list whose rows an operation serves: a list itself, or for a fetch whose path ends
/// with a parameter the list at the path without it (`Calls/{Sid}.json` → `Calls.json`).
fn collection_of<'a>(
    op: &'a Operation,
    by_path: &BTreeMap<&str, &'a Operation>,
) -> Result<Option<&'a Operation>, String> {
    match op.kind {
        OpKind::List => Ok(Some(op)),
        OpKind::Fetch => match op.segments.last() {
            Some(Segment::Param(_)) => {
                let list = list_path(&op.segments[..op.segments.len() - 1]);
                let found = by_path.get(list.as_str()).copied().ok_or_else(|| {
                    format!(
                        "GET {}: no list {list} for the collection it fetches from",
                        op.path
                    )
                })?;
                Ok(Some(found))
            }
            _ => Ok(None),
        },
    }
}

/// `/2010-04-01/` + the segments + `.json`.
fn list_path(segments: &[Segment]) -> String {
    let parts: Vec<String> = segments
        .iter()
        .map(|s| match s {
            Segment::Static(name) => name.clone(),
            Segment::Param(name) => format!("{{{name}}}"),
        })
        .collect();
    format!("/2010-04-01/{}.json", parts.join("/"))
}

fn template_name(op: &Operation) -> String {
    format!("TEMPLATE_{}", names::snake(&op.id).to_uppercase())
}

/// The template item: the first item of the first example with items (lists), or the
/// example itself (fetches), as pretty-printed JSON.
fn template(op: &Operation) -> Result<String, String> {
    let item = match op.kind {
        OpKind::List => {
            let key = op
                .items_key
                .as_deref()
                .ok_or_else(|| format!("{}: a list without items key", op.id))?;
            op.examples
                .iter()
                .find_map(|(_, example)| example.get(key)?.as_array()?.first())
        }
        OpKind::Fetch => op.examples.first().map(|(_, example)| example),
    };
    let item = item.ok_or_else(|| {
        format!(
            "GET {}: no example with an item to serve as the sandbox's template",
            op.path
        )
    })?;
    if !item.is_object() {
        return Err(format!(
            "GET {}: the template item is not an object",
            op.path
        ));
    }
    serde_json::to_string_pretty(item).map_err(|e| e.to_string())
}

fn raw_hashes(text: &str) -> String {
    "#".repeat(
        (1..10)
            .find(|n| !text.contains(&format!("\"{}", "#".repeat(*n))))
            .unwrap_or(10),
    )
}

fn route_row(
    api: &Api,
    op: &Operation,
    collection: Option<&Operation>,
    template_const: &str,
    by_path: &BTreeMap<&str, &Operation>,
) -> Result<String, String> {
    let schema = api.schema(&op.item_schema)?;
    let members: Vec<&str> = schema.fields.iter().map(|f| f.json.as_str()).collect();
    let mut segments = Vec::new();
    let mut params = Vec::new();
    for (position, segment) in op.segments.iter().enumerate() {
        match segment {
            Segment::Static(name) => segments.push(format!("Segment::Static({name:?})")),
            Segment::Param(name) => {
                let index = params.len();
                segments.push(format!("Segment::Param({index})"));
                let param = op
                    .path_params
                    .get(index)
                    .filter(|p| &p.name == name)
                    .ok_or_else(|| {
                        format!("GET {}: path parameter {name} out of order", op.path)
                    })?;
                let prefixes: Vec<&str> = match &param.ty {
                    // The only SID pattern with two prefixes: `^(SM|MM)…`.
                    ParamType::Sid(kind) if kind.rust == "MessageSid" => vec!["SM", "MM"],
                    ParamType::Sid(kind) => vec![kind.prefix],
                    _ => Vec::new(),
                };
                let last = position + 1 == op.segments.len();
                let field = param_field(name, last, op.kind, &members);
                let list = list_path(&op.segments[..position]);
                let named = by_path.get(list.as_str()).map(|l| l.id.as_str());
                params.push(format!(
                    "PathParam {{ name: {name:?}, prefixes: &{prefixes:?}, field: {field:?}, \
                     collection: {named:?} }}"
                ));
            }
        }
    }
    let kind = match op.kind {
        OpKind::List => "Kind::List",
        OpKind::Fetch => "Kind::Fetch",
    };
    let query: Vec<&str> = op.query.iter().map(|p| p.name.as_str()).collect();
    let mut enums = String::new();
    for field in &schema.fields {
        if let FieldType::Enum(component) = &field.ty {
            let def = api
                .enums
                .get(component)
                .ok_or_else(|| format!("{}.{}: no enum {component}", schema.name, field.json))?;
            write!(enums, "({:?}, &{:?}), ", field.json, def.values).map_err(|e| e.to_string())?;
        }
    }
    Ok(format!(
        "    RouteSpec {{\n        id: {id:?},\n        kind: {kind},\n        path: {path:?},\n        \
         segments: &[{segments}],\n        params: &[{params}],\n        query: &{query:?},\n        \
         items_key: {items_key:?},\n        paged: {paged},\n        status: {status},\n        \
         collection: {collection:?},\n        template: {template_const},\n        \
         enums: &[{enums}],\n    }},\n",
        id = op.id,
        path = op.path,
        segments = segments.join(", "),
        params = params.join(", "),
        items_key = op.items_key,
        paged = op.paged,
        status = op.success_status,
        collection = collection.map(|c| c.id.as_str()),
    ))
}

/// The item member that holds a path parameter's value: its snake-cased name when the item
/// has it (`CallSid` → `call_sid`, `Sid` → `sid`, `CountryCode` → `country_code`), or, for
/// the parent of a list or fetch whose items name it `parent_sid` (media), `parent_sid`.
fn param_field(name: &str, last: bool, kind: OpKind, members: &[&str]) -> Option<String> {
    let snake = names::snake(name);
    if members.contains(&snake.as_str()) {
        return Some(snake);
    }
    let names_the_item = last && kind == OpKind::Fetch;
    (!names_the_item && name != "AccountSid" && members.contains(&"parent_sid"))
        .then(|| "parent_sid".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_strings_get_enough_hashes() {
        assert_eq!(raw_hashes("{\"a\": 1}"), "#");
        assert_eq!(raw_hashes("{\"a\": \"#x\"}"), "##");
    }

    #[test]
    fn parameter_fields() {
        let members = ["sid", "call_sid", "parent_sid", "account_sid"];
        assert_eq!(
            param_field("CallSid", false, OpKind::List, &members).as_deref(),
            Some("call_sid")
        );
        assert_eq!(
            param_field("MessageSid", false, OpKind::List, &members).as_deref(),
            Some("parent_sid")
        );
        assert_eq!(
            param_field("Sid", true, OpKind::Fetch, &members).as_deref(),
            Some("sid")
        );
        assert_eq!(param_field("QueueSid", true, OpKind::Fetch, &members), None);
        assert_eq!(
            param_field("ResourceSid", false, OpKind::List, &["sid"]),
            None
        );
    }

    #[test]
    fn list_paths() {
        let segments = [
            Segment::Static("Accounts".into()),
            Segment::Param("AccountSid".into()),
            Segment::Static("Calls".into()),
        ];
        assert_eq!(
            list_path(&segments),
            "/2010-04-01/Accounts/{AccountSid}/Calls.json"
        );
        assert_eq!(list_path(&segments[..1]), "/2010-04-01/Accounts.json");
    }
}
