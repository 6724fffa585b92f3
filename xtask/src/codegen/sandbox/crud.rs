//! The sandbox's table of every other product (`crates/sandbox/src/generated/products.rs`):
//! per product (the first label of its host: `verify`, `messaging`, `flex-api`), one row per
//! resource of its specs, that is per collection path, with what the sandbox's generic CRUD
//! needs to serve it: the operations it has (create, fetch, list, update, delete), the item
//! member each path parameter and each form field sets, required fields and their types, the
//! SID prefix of a new item (from the pattern of the item's `sid`), the item's members with a
//! type-appropriate default, the `meta` key of its list, and its `links` (the collections
//! directly under an item).
//!
//! Rows are data: strings the sandbox's generic code reads, so that the generated file stays
//! small and cheap to build.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use super::super::GeneratedFile;
use super::super::names;
use super::spec_read::{Answer, Op, Segment, SpecFile, Ty};

const PRODUCTS_RS: &str = "crates/sandbox/src/generated/products.rs";
/// The spec the other emitters generate from, served by the sandbox's own tables.
const API_V2010: &str = "twilio_api_v2010.json";

/// One resource: the operations on a collection path and on its items.
#[derive(Default)]
struct Resource<'a> {
    /// The collection's path template (`/v2/Services/{ServiceSid}/Verifications`).
    list: String,
    /// The path parameter naming an item (`Sid`), if an operation has one.
    item: Option<String>,
    create: Option<&'a Op>,
    fetch: Option<&'a Op>,
    listing: Option<&'a Op>,
    update: Option<&'a Op>,
    delete: Option<&'a Op>,
    /// The spec file of its operations (for the item schema).
    file: Option<&'a SpecFile>,
}

/// A path template with its parameters' names left out (`/v2/Services/{}`).
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

/// Reads every spec but 2010-04-01.
fn read_specs(root: &Path) -> Result<Vec<SpecFile>, String> {
    let dir = root.join("spec");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("twilio_") && name.ends_with(".json") && name != API_V2010)
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let path = dir.join(&file);
        let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let json: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
        out.push(SpecFile::read(&file, &json)?);
    }
    Ok(out)
}

pub(crate) fn generate(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let specs = read_specs(root)?;
    // By host label, then by the shape of the collection path.
    let mut hosts: BTreeMap<&str, BTreeMap<String, Resource<'_>>> = BTreeMap::new();
    for file in &specs {
        for op in &file.ops {
            let (collection, item) = match op.segments.last() {
                Some(Segment::Param(name)) => {
                    let cut = op
                        .path
                        .rfind('/')
                        .ok_or_else(|| format!("{} {}: no '/'", op.method, op.path))?;
                    (op.path[..cut].to_owned(), Some(name.clone()))
                }
                _ => (op.path.clone(), None),
            };
            let resource = hosts
                .entry(op.host.as_str())
                .or_default()
                .entry(shape(&collection))
                .or_default();
            if resource.list.is_empty() {
                resource.list = collection;
                resource.file = Some(file);
            }
            let slot = match (op.method.as_str(), item.is_some()) {
                ("GET", true) => &mut resource.fetch,
                ("POST" | "PUT" | "PATCH", true) => &mut resource.update,
                ("DELETE", true) => &mut resource.delete,
                ("POST", false) => &mut resource.create,
                ("GET", false) if matches!(op.answer, Answer::Meta { .. }) => &mut resource.listing,
                // A singleton's fetch or a collection's bulk delete: not served generically.
                _ => continue,
            };
            if item.is_some() && resource.item.is_none() {
                resource.item = item;
            }
            slot.get_or_insert(op);
        }
    }
    let mut tables = String::new();
    let mut index = String::new();
    let (mut resources, mut ops) = (0usize, 0usize);
    for (host, by_shape) in &hosts {
        let shapes: Vec<&String> = by_shape.keys().collect();
        let konst = format!("R_{}", host.replace('-', "_").to_uppercase());
        let mut rows = String::new();
        for (shape, resource) in by_shape {
            let row = resource_row(resource, shape, &shapes)?;
            let Some((row, count)) = row else { continue };
            resources += 1;
            ops += count;
            rows.push_str(&row);
        }
        if rows.is_empty() {
            continue;
        }
        writeln!(
            tables,
            "/// The resources of `{host}.twilio.com`.\nstatic {konst}: &[Resource] = &[\n{rows}];\n"
        )
        .map_err(|e| e.to_string())?;
        writeln!(index, "    ({host:?}, {konst}),").map_err(|e| e.to_string())?;
    }
    let products = index.lines().count();
    let body = format!(
        "//! Every product but 2010-04-01 ({products} hosts, {resources} resources, {ops}\n\
         //! operations), as the sandbox's generic CRUD serves them (`crud/`): per resource its\n\
         //! collection path, the operations it has (`c`reate, `f`etch, `l`ist, `u`pdate,\n\
         //! `d`elete), the item members its path parameters set, its item parameter, the\n\
         //! member that names an item and the SID prefix of a new one, the `meta` key of its\n\
         //! list, the item's members (`i` integer, `b` boolean, `a` array, `-` null by\n\
         //! default), its links, and its create's and update's fields\n\
         //! (`[!]Name:member:kind`, `!` required; kinds `t` text, `i` integer, `b` boolean,\n\
         //! `m` repeated, `sXX` a SID). Lists of members and fields are separated by spaces.\n\n\
         use crate::store::products::Resource;\n\n\
         {tables}\
         /// Every product the sandbox serves, by the first label of its host.\n\
         pub(crate) static PRODUCTS: &[(&str, &[Resource])] = &[\n{index}];\n"
    );
    Ok(vec![GeneratedFile::rust(PRODUCTS_RS, &body)])
}

/// A form field as the table spells it.
fn field_spec(param: &super::spec_read::Param, members: &[&str]) -> String {
    let snake = names::snake(&param.name);
    let field = if members.contains(&snake.as_str()) {
        snake
    } else {
        String::new()
    };
    let kind = match &param.ty {
        Ty::Sid(prefix) => format!("s{prefix}"),
        Ty::Integer => "i".to_owned(),
        Ty::Bool => "b".to_owned(),
        Ty::Many(_) => "m".to_owned(),
        _ => "t".to_owned(),
    };
    let required = if param.required { "!" } else { "" };
    format!("{required}{}:{field}:{kind}", param.name)
}

/// One row, and how many operations it serves; `None` for a resource with no create,
/// fetch or list (nothing a generic store can answer).
fn resource_row(
    resource: &Resource<'_>,
    shape: &str,
    shapes: &[&String],
) -> Result<Option<(String, usize)>, String> {
    if resource.create.is_none() && resource.fetch.is_none() && resource.listing.is_none() {
        return Ok(None);
    }
    let Some(file) = resource.file else {
        return Ok(None);
    };
    // The item schema: the create's answer, else the fetch's, the update's, the list's.
    let schema_name = [resource.create, resource.fetch, resource.update]
        .into_iter()
        .flatten()
        .find_map(|op| match &op.answer {
            Answer::Item(name) => Some(name.clone()),
            _ => None,
        })
        .or_else(|| {
            resource.listing.and_then(|op| match &op.answer {
                Answer::Meta { item, .. } => item.clone(),
                _ => None,
            })
        });
    let schema = schema_name.as_ref().and_then(|n| file.schemas.get(n));
    let members: Vec<&str> = schema
        .map(|s| s.fields.iter().map(|f| f.json.as_str()).collect())
        .unwrap_or_default();
    let fields: Vec<String> = schema
        .map(|s| {
            s.fields
                .iter()
                .map(|f| {
                    let kind = match f.ty {
                        Ty::Integer => 'i',
                        Ty::Bool => 'b',
                        Ty::Array => 'a',
                        _ => '-',
                    };
                    format!("{kind}{}", f.json)
                })
                .collect()
        })
        .unwrap_or_default();
    let id_field = resource
        .item
        .as_deref()
        .map(names::snake)
        .filter(|f| members.contains(&f.as_str()))
        .unwrap_or_else(|| "sid".to_owned());
    let sid_prefix = |name: &str| {
        schema.and_then(|s| {
            s.fields
                .iter()
                .find(|f| f.json == name)
                .and_then(|f| match &f.ty {
                    Ty::Sid(prefix) => Some(prefix.clone()),
                    _ => None,
                })
        })
    };
    // The pattern of the item's `sid`, else of the parameter naming an item.
    let item_param_prefix = || {
        [resource.fetch, resource.update, resource.delete]
            .into_iter()
            .flatten()
            .find_map(|op| match op.path_params.last().map(|p| &p.ty) {
                Some(Ty::Sid(prefix)) => Some(prefix.clone()),
                _ => None,
            })
    };
    let prefix = sid_prefix("sid")
        .or_else(item_param_prefix)
        .unwrap_or_default();
    // The item members the collection's path parameters set.
    let parents: Vec<String> = resource
        .list
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let snake = names::snake(name);
            if members.contains(&snake.as_str()) {
                snake
            } else {
                String::new()
            }
        })
        .collect();
    let key = resource
        .listing
        .and_then(|op| match &op.answer {
            Answer::Meta { key, .. } => Some(key.clone()),
            _ => None,
        })
        .unwrap_or_default();
    // Links: the collections one static segment below an item.
    let mut links = Vec::new();
    if members.contains(&"links") && resource.item.is_some() {
        let below = format!("{shape}/{{}}/");
        for other in shapes {
            if let Some(rest) = other.strip_prefix(below.as_str())
                && !rest.contains('/')
                && !rest.contains('{')
            {
                links.push(format!("({:?}, {rest:?})", names::snake(rest)));
            }
        }
    }
    let mut ops = String::new();
    let mut count = 0usize;
    for (flag, op) in [
        ('c', resource.create),
        ('f', resource.fetch),
        ('l', resource.listing),
        ('u', resource.update),
        ('d', resource.delete),
    ] {
        if op.is_some() {
            ops.push(flag);
            count += 1;
        }
    }
    let body = |op: Option<&Op>| -> String {
        op.map(|op| {
            op.body_params
                .iter()
                .map(|p| field_spec(p, &members))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
    };
    let status = resource
        .create
        .and_then(|op| op.success.first().copied())
        .unwrap_or(201);
    let row = format!(
        "    Resource {{\n        list: {list:?},\n        ops: {ops:?},\n        \
         parents: &{parents:?},\n        item: {item:?},\n        id_field: {id_field:?},\n        \
         prefix: {prefix:?},\n        key: {key:?},\n        status: {status},\n        \
         fields: {fields:?},\n        links: &[{links}],\n        create: {create:?},\n        \
         update: {update:?},\n    }},\n",
        fields = fields.join(" "),
        list = resource.list,
        item = resource.item.as_deref().unwrap_or_default(),
        links = links.join(", "),
        create = body(resource.create),
        update = body(resource.update),
    );
    Ok(Some((row, count)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_drop_parameter_names() {
        assert_eq!(
            shape("/v2/Services/{ServiceSid}/Verifications"),
            "/v2/Services/{}/Verifications"
        );
    }

    #[test]
    fn verify_services_have_every_operation() {
        let root = crate::workspace_root();
        let files = generate(&root).unwrap();
        let text = &files[0].contents;
        assert!(text.contains("(\"verify\", R_VERIFY)"));
        assert!(text.contains("list: \"/v2/Services\",\n        ops: \"cflud\""));
    }
}
