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

mod crud;
use super::products::read as spec_read;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::GeneratedFile;
use super::names;
use super::spec::{
    Api, BodyType, FieldType, OpKind, Operation, ParamType, Segment, WriteKind, WriteOp,
};

/// The generated files.
const ROUTES_RS: &str = "crates/sandbox/src/generated/routes.rs";
const WRITES_RS: &str = "crates/sandbox/src/generated/writes.rs";

pub(crate) use crud::generate as products;

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
         //! spec's examples that the sandbox varies per row with its own code (`store/world.rs`,\n\
         //! `store/render.rs`).\n\n\
         use crate::store::routes::{{Kind, PathParam, RouteSpec, Segment}};\n\n\
         {templates}\
         /// One row per `GET` of the spec, in the spec's order.\n\
         pub(crate) static ROUTES: &[RouteSpec] = &[\n{rows}];\n"
    );
    Ok(vec![
        GeneratedFile::rust(ROUTES_RS, &body),
        GeneratedFile::rust(WRITES_RS, &writes(api, &by_path)?),
    ])
}

/// The writes table (`generated/writes.rs`): one row per `POST` and `DELETE` of the spec,
/// with what the sandbox's generic store needs to accept and remember it.
fn writes(api: &Api, by_path: &BTreeMap<&str, &Operation>) -> Result<String, String> {
    let gets: BTreeMap<&str, &Operation> = api
        .operations
        .iter()
        .map(|op| (op.path.as_str(), op))
        .collect();
    let mut rows = String::new();
    let (mut creates, mut updates, mut deletes) = (0usize, 0usize, 0usize);
    for write in &api.writes {
        match write.kind {
            WriteKind::Create => creates += 1,
            WriteKind::Update => updates += 1,
            WriteKind::Delete => deletes += 1,
        }
        rows.push_str(&write_row(api, write, &gets, by_path)?);
    }
    if creates == 0 || updates == 0 || deletes == 0 {
        return Err("the spec has no create, update or delete".to_owned());
    }
    Ok(format!(
        "//! Every write of the 2010-04-01 API ({creates} creates, {updates} updates, {deletes}\n\
         //! removes), as the sandbox's generic store accepts them: path template, what the\n\
         //! write does, its path parameters, its form parameters (the item member each sets,\n\
         //! required or not, their type), the list whose items it creates, changes or removes,\n\
         //! the `GET` that resolves its path, and the member and SID prefix that name an item.\n\n\
         use crate::store::routes::{{PathParam, Segment}};\n\
         use crate::store::writes::{{Action, BodyField, BodyKind, WriteSpec}};\n\n\
         /// One row per write of the spec, in the spec's order.\n\
         pub(crate) static WRITES: &[WriteSpec] = &[\n{rows}];\n"
    ))
}

/// The path template of `segments` up to (not including) `end`.
fn prefix_path(segments: &[Segment], end: usize) -> String {
    list_path(&segments[..end])
}

/// A path template with its parameters' names left out (`Calls/{}.json`), to match a path
/// whatever its parameters are called (`{CallSid}` in a write, `{Sid}` in the fetch).
fn shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

fn write_row(
    api: &Api,
    write: &WriteOp,
    gets: &BTreeMap<&str, &Operation>,
    by_path: &BTreeMap<&str, &Operation>,
) -> Result<String, String> {
    let method = match write.kind {
        WriteKind::Delete => "DELETE",
        _ => "POST",
    };
    let where_ = format!("{method} {}", write.path);
    // The list the written items belong to: the path itself for a create, the path
    // without its last parameter otherwise; only when its items are the write's items.
    let list_end = match write.kind {
        WriteKind::Create => write.segments.len(),
        _ => write.segments.len().saturating_sub(1),
    };
    let list = by_path
        .get(prefix_path(&write.segments, list_end).as_str())
        .copied()
        .filter(|list| {
            write.kind == WriteKind::Delete
                || write.item_schema.as_deref() == Some(list.item_schema.as_str())
        });
    // The `GET` that resolves the path: the one at the same path, else the fetch of the
    // parent (`Calls/{CallSid}.json` for `Calls/{CallSid}/Streams.json`).
    let resolve = gets.get(write.path.as_str()).copied().or_else(|| {
        (1..write.segments.len())
            .rev()
            .filter(|&end| matches!(write.segments.get(end - 1), Some(Segment::Param(_))))
            .find_map(|end| {
                let shape = shape(&prefix_path(&write.segments, end));
                gets.iter()
                    .find(|(p, _)| self::shape(p) == shape)
                    .map(|(_, op)| *op)
            })
    });
    // Where the store keeps its items: the list's id, or the path of the list no `GET`
    // serves (`…/Calls/{CallSid}/Streams.json`).
    let store = list.map_or_else(|| prefix_path(&write.segments, list_end), |l| l.id.clone());
    // The item schema's members (the list's for a delete, which answers nothing).
    let schema_name = write
        .item_schema
        .as_deref()
        .or(list.map(|l| l.item_schema.as_str()));
    let schema = schema_name.map(|n| api.schema(n)).transpose()?;
    let members: Vec<&str> = schema
        .map(|s| s.fields.iter().map(|f| f.json.as_str()).collect())
        .unwrap_or_default();
    // What names an item: the last parameter of the fetch of the list (`Sid`, or `CallSid`
    // for participants and members), else the item's `sid`.
    let fetch = list.and_then(|l| {
        let mut path = l.path.trim_end_matches(".json").to_owned();
        path.push_str("/{");
        gets.iter()
            .find(|(p, op)| {
                p.starts_with(&path)
                    && op.kind == OpKind::Fetch
                    && p.matches('/').count() == l.path.matches('/').count() + 1
            })
            .map(|(_, op)| *op)
    });
    let id_param = fetch.and_then(|f| f.path_params.last());
    let (id_field, id_prefix) = match id_param {
        Some(param) => (
            names::snake(&param.name),
            match &param.ty {
                ParamType::Sid(kind) => Some(kind.prefix),
                _ => None,
            },
        ),
        None => ("sid".to_owned(), None),
    };
    let id_field = if members.contains(&id_field.as_str()) {
        id_field
    } else {
        "sid".to_owned()
    };
    let id_prefix = id_prefix.or_else(|| {
        schema.and_then(|s| {
            s.fields
                .iter()
                .find(|f| f.json == id_field)
                .and_then(|f| match &f.ty {
                    FieldType::Sid(kind) => Some(kind.prefix),
                    _ => None,
                })
        })
    });
    let mut segments = Vec::new();
    let mut params = Vec::new();
    for (position, segment) in write.segments.iter().enumerate() {
        match segment {
            Segment::Static(name) => segments.push(format!("Segment::Static({name:?})")),
            Segment::Param(name) => {
                let index = params.len();
                segments.push(format!("Segment::Param({index})"));
                let param = write
                    .path_params
                    .get(index)
                    .filter(|p| &p.name == name)
                    .ok_or_else(|| format!("{where_}: path parameter {name} out of order"))?;
                let prefixes: Vec<&str> = match &param.ty {
                    ParamType::Sid(kind) if kind.rust == "MessageSid" => vec!["SM", "MM"],
                    ParamType::Sid(kind) => vec![kind.prefix],
                    _ => Vec::new(),
                };
                let last = position + 1 == write.segments.len();
                let field = if last && write.kind != WriteKind::Create {
                    Some(id_field.clone())
                } else {
                    param_field(name, false, OpKind::List, &members)
                };
                let named = by_path
                    .get(prefix_path(&write.segments, position).as_str())
                    .map(|l| l.id.as_str());
                params.push(format!(
                    "PathParam {{ name: {name:?}, prefixes: &{prefixes:?}, field: {field:?}, \
                     collection: {named:?} }}"
                ));
            }
        }
    }
    let mut body = Vec::new();
    for param in &write.body {
        let snake = names::snake(&param.name);
        let field = members.contains(&snake.as_str()).then_some(snake);
        let kind = match &param.ty {
            BodyType::One(ParamType::Sid(kind)) => format!("BodyKind::Sid({:?})", kind.prefix),
            BodyType::One(ParamType::Integer) => "BodyKind::Integer".to_owned(),
            BodyType::One(ParamType::Bool) => "BodyKind::Bool".to_owned(),
            BodyType::Many(_) => "BodyKind::Many".to_owned(),
            _ => "BodyKind::Text".to_owned(),
        };
        body.push(format!(
            "BodyField {{ name: {:?}, field: {field:?}, required: {}, kind: {kind} }}",
            param.name, param.required
        ));
    }
    let action = match write.kind {
        WriteKind::Create => "Action::Create",
        WriteKind::Update => "Action::Update",
        WriteKind::Delete => "Action::Remove",
    };
    Ok(format!(
        "    WriteSpec {{\n        id: {id:?},\n        action: {action},\n        \
         segments: &[{segments}],\n        params: &[{params}],\n        body: &[{body}],\n        \
         collection: {collection:?},\n        store: {store:?},\n        resolve: {resolve:?},\n        \
         members: &{members:?},\n        id_field: {id_field:?},\n        id_prefix: {id_prefix:?},\n    }},\n",
        id = write.id,
        segments = segments.join(", "),
        params = params.join(", "),
        body = body.join(", "),
        collection = list.map(|l| l.id.as_str()),
        resolve = resolve.map(|r| r.id.as_str()),
    ))
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
