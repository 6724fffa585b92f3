//! The model layer's generated code (`crates/model/src/generated/`): SID kinds, enums, item
//! types and list resources; and its generated tests (`crates/model/tests/it/spec_examples/`,
//! a module of the crate's one test binary): every example response of every read decodes
//! and re-encodes to the same JSON value.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::GeneratedFile;
use super::names::{self, SID_KINDS};
use super::spec::{Api, FieldType, HTTP_METHOD_ENUM, OpKind, Operation};

pub(crate) fn generate(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    let mut taken = Names::default();
    let sids = sids(&mut taken)?;
    let enums = enums(api, &mut taken)?;
    let items = items(api, &mut taken)?;
    let lists = lists(api, &mut taken)?;
    let tests = example_tests(api)?;
    Ok(vec![
        GeneratedFile::rust("crates/model/src/generated/mod.rs", MOD_RS),
        GeneratedFile::rust("crates/model/src/generated/sids.rs", &sids),
        GeneratedFile::rust("crates/model/src/generated/enums.rs", &enums),
        GeneratedFile::rust("crates/model/src/generated/items.rs", &items),
        GeneratedFile::rust("crates/model/src/generated/lists.rs", &lists),
        GeneratedFile::rust("crates/model/tests/it/spec_examples/mod.rs", &tests),
    ])
}

const MOD_RS: &str = r#"//! The models of every read of the 2010-04-01 API, generated from Twilio's OpenAPI
//! description: SID kinds ([`sids`]), enums ([`enums`]), item types ([`items`]) and list
//! resources with their page types ([`lists`]).
//!
//! Every item type keeps what it does not type: each field is an `Option`, filled when the
//! member is present and of the spec's JSON type, and everything else (unknown members,
//! `null`s, values of another type) stays verbatim in the item's `extra` map, so that
//! decoding then encoding gives back the same JSON value. Enums keep unknown values as
//! `Unknown(text)`; dates and prices keep their text.
//!
//! Hand-written, and used here: [`AccountSid`](crate::AccountSid),
//! [`CallSid`](crate::CallSid), [`ApiKeySid`](crate::ApiKeySid),
//! [`MessageSid`](crate::MessageSid) and the call events ([`CallEvent`](crate::CallEvent)).

// The spec's descriptions are Twilio's Markdown: links in brackets and bare URLs.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::bare_urls, rustdoc::invalid_html_tags)]

pub mod enums;
pub mod items;
pub mod lists;
pub mod products;
pub mod sids;

pub use enums::*;
pub use items::*;
pub use lists::*;
// Every product enabled by a feature (none by default).
#[allow(unused_imports, unreachable_pub)]
pub use products::*;
pub use sids::*;
"#;

/// Every public name the generated model declares, to catch a clash at generation time.
#[derive(Default)]
struct Names(BTreeSet<String>);

impl Names {
    fn take(&mut self, name: &str, what: &str) -> Result<(), String> {
        const HAND_WRITTEN: &[&str] = &[
            "AccountSid",
            "CallSid",
            "ApiKeySid",
            "MessageSid",
            "CallEvent",
            "EventRequest",
            "EventResponse",
            "Page",
            "PageMeta",
            "Raw",
            "ListPage",
            "ListResource",
            "Sid",
            "SidError",
            "Parameters",
            "Decimal",
            "IsoDate",
            "Rfc2822DateTime",
            "SecretText",
        ];
        if HAND_WRITTEN.contains(&name) || !self.0.insert(name.to_owned()) {
            return Err(format!(
                "the generated {what} {name} clashes with another name"
            ));
        }
        Ok(())
    }
}

fn sids(taken: &mut Names) -> Result<String, String> {
    let mut out = String::from(
        "//! The SID kinds of the 2010-04-01 API, by prefix (the hand-written ones excepted).\n\n",
    );
    for (prefix, rust, kind, hand_written) in SID_KINDS {
        if *hand_written {
            continue;
        }
        taken.take(rust, "SID type")?;
        writeln!(
            out,
            "crate::sid!(\n/// The SID of a {kind}: `{prefix}` followed by 32 hex digits.\npub {rust}, \"{prefix}\", \"{kind}\"\n);\n"
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

pub(crate) fn enum_rust_name(component: &str) -> String {
    if component == HTTP_METHOD_ENUM {
        "HttpMethod".to_owned()
    } else {
        names::enum_type(component)
    }
}

fn enums(api: &Api, taken: &mut Names) -> Result<String, String> {
    let mut out = String::from(
        "//! The enums of the 2010-04-01 API: one variant per value the spec lists, and\n\
         //! `Unknown` for any other, with the wire spelling kept verbatim.\n\n\
         use crate::wire_enum::wire_enum;\n\n",
    );
    for def in api.enums.values() {
        let rust = enum_rust_name(&def.name);
        taken.take(&rust, "enum")?;
        let mut variants = BTreeSet::new();
        let doc = match &def.description {
            Some(d) => names::doc(d),
            None if def.name == HTTP_METHOD_ENUM => {
                "/// An HTTP method, as the spec's `http-method` members list them.\n".to_owned()
            }
            None => format!("/// The values of `{}`.\n", def.name),
        };
        write!(out, "wire_enum! {{\n{doc}pub enum {rust} {{\n").map_err(|e| e.to_string())?;
        for value in &def.values {
            let mut variant = names::pascal(value);
            if variant.is_empty() || variant.starts_with(|c: char| c.is_ascii_digit()) {
                variant = format!("V{variant}");
            }
            if variant == "Unknown" || !variants.insert(variant.clone()) {
                return Err(format!(
                    "enum {}: value {value:?} makes a duplicate variant",
                    def.name
                ));
            }
            writeln!(out, "/// `{value}`\n{variant} = {value:?},").map_err(|e| e.to_string())?;
        }
        out.push_str("}\n}\n\n");
    }
    Ok(out)
}

fn field_rust_type(ty: &FieldType) -> String {
    match ty {
        FieldType::Sid(kind) => format!("crate::{}", kind.rust),
        FieldType::String => "String".to_owned(),
        FieldType::Rfc2822 => "crate::Rfc2822DateTime".to_owned(),
        FieldType::Date => "crate::IsoDate".to_owned(),
        FieldType::Decimal => "crate::Decimal".to_owned(),
        FieldType::Integer => "i64".to_owned(),
        FieldType::Bool => "bool".to_owned(),
        FieldType::Secret => "crate::SecretText".to_owned(),
        FieldType::Enum(component) => format!("super::enums::{}", enum_rust_name(component)),
        FieldType::Object => "serde_json::Map<String, serde_json::Value>".to_owned(),
        FieldType::Array => "Vec<serde_json::Value>".to_owned(),
        FieldType::Any => "serde_json::Value".to_owned(),
    }
}

/// The Rust item type of an operation's schema (the hand-written one of an override).
pub(crate) fn item_rust_name(api: &Api, schema: &str) -> Result<String, String> {
    api.schema(schema)?;
    Ok(match super::spec::item_override(schema) {
        Some(over) => over.rust.to_owned(),
        None => names::item_type(schema),
    })
}

fn items(api: &Api, taken: &mut Names) -> Result<String, String> {
    // Each item type is documented by the paths that return it.
    let mut docs: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        docs.entry(op.item_schema.as_str()).or_default().push(op);
    }
    let mut written: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for write in &api.writes {
        if let Some(schema) = &write.item_schema {
            let method = if write.kind == super::spec::WriteKind::Delete {
                "DELETE"
            } else {
                "POST"
            };
            written
                .entry(schema.as_str())
                .or_default()
                .push(format!("`{method} {}`", write.path));
        }
    }
    let mut out = String::from(
        "//! The item types of the 2010-04-01 API: one per item schema of a read.\n\n\
         use crate::lenient::lenient_struct;\n\n",
    );
    for schema in api.schemas.values().filter(|s| !s.hand_written) {
        let rust = names::item_type(&schema.name);
        taken.take(&rust, "item type")?;
        let ops = docs
            .get(schema.name.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let description = ops
            .iter()
            .map(|op| op.description.trim())
            .find(|d| !d.is_empty())
            .unwrap_or("An item of the 2010-04-01 API.");
        let mut doc = names::doc(description);
        doc.push_str("///\n/// Returned by ");
        let mut paths: Vec<String> = ops.iter().map(|op| format!("`GET {}`", op.path)).collect();
        paths.extend(
            written
                .get(schema.name.as_str())
                .into_iter()
                .flatten()
                .cloned(),
        );
        doc.push_str(&paths.join(", "));
        writeln!(doc, "; schema `{}`.", schema.name).map_err(|e| e.to_string())?;
        write!(out, "lenient_struct! {{\n{doc}pub struct {rust} {{\n")
            .map_err(|e| e.to_string())?;
        for field in &schema.fields {
            if !field
                .json
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                || field.json.starts_with(|c: char| c.is_ascii_digit())
            {
                return Err(format!(
                    "{}: member {:?} is not a Rust field name",
                    schema.name, field.json
                ));
            }
            let description = field.description.as_deref().unwrap_or("").trim();
            if description.is_empty() {
                writeln!(out, "/// `{}`.", field.json).map_err(|e| e.to_string())?;
            } else {
                out.push_str(&names::doc(description));
            }
            let ident = names::ident(&field.json);
            let rename = if ident == field.json {
                String::new()
            } else {
                format!(" = {:?}", field.json)
            };
            writeln!(out, "{ident}{rename}: {},", field_rust_type(&field.ty))
                .map_err(|e| e.to_string())?;
        }
        out.push_str("}\n}\n\n");
    }
    Ok(out)
}

/// The Rust names of a list operation: its marker type and its page alias, from its path
/// (`Calls/{CallSid}/Recordings` → `CallRecordings`, `CallRecordingsPage`). A path name that
/// is also an item type's (`AvailablePhoneNumbers/{CountryCode}/Local`) gets `List` appended.
pub(crate) fn list_names(api: &Api, op: &Operation) -> (String, String) {
    let mut name = names::path_name(&op.segments);
    if api
        .schemas
        .values()
        .any(|s| !s.hand_written && names::item_type(&s.name) == name)
    {
        name.push_str("List");
    }
    let page = format!("{name}Page");
    (name, page)
}

fn lists(api: &Api, taken: &mut Names) -> Result<String, String> {
    let mut out = String::from(
        "//! The list resources of the 2010-04-01 API: which member holds a page's items and\n\
         //! their type, and the page type of each.\n\n",
    );
    for op in api.operations.iter().filter(|op| op.kind == OpKind::List) {
        let (name, page) = list_names(api, op);
        let item = item_rust_name(api, &op.item_schema)?;
        let key = op.items_key.as_deref().ok_or("a list without items key")?;
        // A hand-written item lives at the crate's root; a generated one in `items`.
        let item_path = if api.schema(&op.item_schema)?.hand_written {
            format!("crate::{item}")
        } else {
            format!("super::items::{item}")
        };
        taken.take(&name, "list resource")?;
        taken.take(&page, "page type")?;
        let paging = if op.paged {
            ""
        } else {
            "\n///\n/// This list is not paged: its one response holds every item (no `next_page_uri`)."
        };
        writeln!(
            out,
            "/// `GET {path}`: {summary}\n///\n/// Items under `{key}`, decoded as [`{item}`]({item_path}).{paging}\n\
             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum {name} {{}}\n\n\
             impl crate::ListResource for {name} {{\n    const ITEMS_KEY: &'static str = {key:?};\n    type Item = {item_path};\n}}\n\n\
             /// One page of [`{name}`].\npub type {page} = crate::Page<{name}>;\n",
            path = op.path,
            summary = op.summary.trim().replace('\n', " "),
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn example_tests(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "//! Every example response of every read in the spec decodes into its generated type\n\
         //! and encodes back to the same JSON value (a table generated from the spec).\n\n\
         #![allow(clippy::unwrap_used)]\n\n\
         use serde::Serialize;\nuse serde::de::DeserializeOwned;\nuse serde_json::Value;\n\n\
         fn round_trip<T: DeserializeOwned + Serialize>(json: &str) {\n\
             let original: Value = serde_json::from_str(json).unwrap();\n\
             let decoded: T = serde_json::from_str(json).unwrap();\n\
             let encoded = serde_json::to_value(&decoded).unwrap();\n\
             assert_eq!(encoded, original);\n\
         }\n\n",
    );
    let mut count = 0;
    for op in &api.operations {
        let ty = match op.kind {
            OpKind::List => format!("twilio_model::{}", list_names(api, op).1),
            OpKind::Fetch => format!("twilio_model::{}", item_rust_name(api, &op.item_schema)?),
        };
        for (name, value) in &op.examples {
            let test = format!("{}_{}", names::snake(&op.id), names::snake(name));
            let json = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
            let hashes = "#".repeat(
                (1..10)
                    .find(|n| !json.contains(&format!("\"{}", "#".repeat(*n))))
                    .unwrap_or(10),
            );
            writeln!(
                out,
                "/// `GET {path}`, example `{name}`.\n#[test]\nfn {test}() {{\n    round_trip::<{ty}>(r{hashes}\"{json}\"{hashes});\n}}\n",
                path = op.path,
            )
            .map_err(|e| e.to_string())?;
            count += 1;
        }
    }
    if count == 0 {
        return Err("the spec has no response examples".to_owned());
    }
    Ok(out)
}
