//! The model of every product (`crates/model/src/generated/products/`), one file per product,
//! a module per spec file inside (`verify::v2`): SID kinds the 2010-04-01 model lacks, enums
//! keeping unknown values, lossless item types, and a list resource with its `MetaPage` per
//! `meta` listing. And the round trip of every example (`crates/model/tests/it/products/`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::bodies::{self, Bodies, BodyKind, FieldTy};
use super::read::{Answer, SpecFile, Ty};
use super::{Product, Taken, hashes, read, rust_ident};
use crate::codegen::GeneratedFile;
use crate::codegen::names;

/// The Rust names of one spec file's model.
#[derive(Debug, Default)]
pub(crate) struct FileNames {
    /// Item schema → type name.
    pub(crate) items: BTreeMap<String, String>,
    /// Enum component → type name.
    pub(crate) enums: BTreeMap<String, String>,
    /// Operation index → (list resource, page type), of `meta` and numbered listings.
    pub(crate) lists: BTreeMap<usize, (String, String)>,
    /// The types of the JSON request bodies.
    pub(crate) bodies: Bodies,
}

/// The names of every spec file of `product`, in file order.
pub(crate) fn names_of(product: &Product) -> Vec<FileNames> {
    let mut out = Vec::new();
    for file in &product.files {
        let mut taken = Taken::default();
        for ((module, _), name) in &product.sids {
            if module == &file.spec_module {
                taken.reserve(name);
            }
        }
        let mut names = FileNames::default();
        for component in file.enums.keys() {
            let name = taken.unique(names::enum_type(component));
            names.enums.insert(component.clone(), name);
        }
        for component in file.schemas.keys() {
            let name = taken.unique(read::item_name(component));
            names.items.insert(component.clone(), name);
        }
        for (index, op) in file.ops.iter().enumerate() {
            if matches!(op.answer, Answer::Meta { .. } | Answer::Numbered { .. }) {
                let mut base = String::new();
                let mut segments = op.segments.iter().peekable();
                while let Some(segment) = segments.next() {
                    if let read::Segment::Static(s) = segment {
                        let followed = matches!(segments.peek(), Some(read::Segment::Param(_)));
                        let word = if followed {
                            names::singular(s)
                        } else {
                            s.clone()
                        };
                        base.push_str(&names::pascal(&word));
                    }
                }
                if base.is_empty() {
                    base = names::pascal(&op.version);
                }
                let marker = taken.unique(format!("{base}List"));
                let page = taken.unique(format!("{base}Page"));
                names.lists.insert(index, (marker, page));
            }
        }
        names.bodies = bodies::bodies_of(product, file, &names.enums, &mut taken);
        out.push(names);
    }
    out
}

/// The Rust type of a member in the model's module of `file`.
fn member_type(
    product: &Product,
    file: &SpecFile,
    names: &FileNames,
    ty: &Ty,
) -> Result<String, String> {
    Ok(match ty {
        Ty::Sid(prefix) => format!("crate::{}", product.sid_type(file, prefix)?),
        Ty::String => "String".to_owned(),
        Ty::Integer => "i64".to_owned(),
        Ty::Decimal => "crate::Decimal".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::Enum(component) => names
            .enums
            .get(component)
            .cloned()
            .ok_or_else(|| format!("{}: no enum {component}", file.file))?,
        Ty::HttpMethod => "crate::HttpMethod".to_owned(),
        Ty::Object => "serde_json::Map<String, serde_json::Value>".to_owned(),
        Ty::Array | Ty::Many(_) => "Vec<serde_json::Value>".to_owned(),
        Ty::Any => "serde_json::Value".to_owned(),
    })
}

pub(crate) fn generate(products: &[Product]) -> Result<Vec<GeneratedFile>, String> {
    let mut files = Vec::new();
    let mut mod_rs = String::from(
        "//! The models of every Twilio product but 2010-04-01, one module per product, each\n\
         //! behind the cargo feature of the same name (`verify`, `ip-messaging`…; `full` for\n\
         //! all). Generated from the product's spec(s) in `spec/`.\n\n",
    );
    let mut tests_rs = String::from(
        "//! Every example answer of every product's spec decodes into its generated type and\n\
         //! encodes back to the same JSON value (a table generated from the specs).\n\n\
         use serde::Serialize;\nuse serde::de::DeserializeOwned;\nuse serde_json::Value;\n\n\
         /// Decodes `json` as `T`, encodes it back, and compares the JSON values.\n\
         #[allow(dead_code)]\n\
         fn round_trip<T: DeserializeOwned + Serialize>(json: &str) {\n\
             let original: Value = serde_json::from_str(json).unwrap();\n\
             let decoded: T = serde_json::from_str(json).unwrap();\n\
             let encoded = serde_json::to_value(&decoded).unwrap();\n\
             assert_eq!(encoded, original);\n\
         }\n\n",
    );
    for product in products {
        writeln!(
            mod_rs,
            "#[cfg(feature = {name:?})]\n#[cfg_attr(docsrs, doc(cfg(feature = {name:?})))]\npub mod {module};",
            name = product.name,
            module = product.module,
        )
        .map_err(|e| e.to_string())?;
        let all_names = names_of(product);
        files.push(GeneratedFile::rust_from(
            &format!("crates/model/src/generated/products/{}.rs", product.module),
            &super::spec_list(product),
            &product_file(product, &all_names)?,
        ));
        let tests = example_tests(product, &all_names)?;
        if !tests.is_empty() {
            writeln!(
                tests_rs,
                "#[cfg(feature = {:?})]\nmod {};",
                product.name, product.module
            )
            .map_err(|e| e.to_string())?;
            files.push(GeneratedFile::rust_from(
                &format!("crates/model/tests/it/products/{}.rs", product.module),
                &super::spec_list(product),
                &tests,
            ));
        }
    }
    files.push(GeneratedFile::rust_from(
        "crates/model/src/generated/products/mod.rs",
        "spec/twilio_*.json (every spec but 2010-04-01's)",
        &mod_rs,
    ));
    files.push(GeneratedFile::rust_from(
        "crates/model/tests/it/products/mod.rs",
        "spec/twilio_*.json (every spec but 2010-04-01's)",
        &tests_rs,
    ));
    Ok(files)
}

fn product_file(product: &Product, all_names: &[FileNames]) -> Result<String, String> {
    let mut out = format!(
        "//! {title} (`{host}.twilio.com`), feature `{feature}`: the models of its spec{s}\n//! ({files}).\n//!\n",
        title = product.title(),
        host = product.host(),
        feature = product.name,
        s = if product.files.len() > 1 { "s" } else { "" },
        files = product
            .files
            .iter()
            .map(|f| format!("`spec/{}`", f.file))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let description = product.description();
    if !description.is_empty() {
        out.push_str(&names::doc(&description).replace("///", "//!"));
    }
    out.push_str(
        "\n// The spec's descriptions are Twilio's Markdown: links in brackets and bare URLs.\n\
         #![allow(rustdoc::broken_intra_doc_links, rustdoc::bare_urls, rustdoc::invalid_html_tags)]\n\n",
    );
    for (file, names) in product.files.iter().zip(all_names) {
        let body = file_body(product, file, names)?;
        match &file.spec_module {
            Some(module) => write!(
                out,
                "/// The models of `spec/{}` ({}).\npub mod {module} {{\n{body}}}\n\n",
                file.file,
                file.title.trim()
            )
            .map_err(|e| e.to_string())?,
            None => out.push_str(&body),
        }
    }
    Ok(out)
}

fn file_body(product: &Product, file: &SpecFile, names: &FileNames) -> Result<String, String> {
    let mut out = String::new();
    let has_items = file.schemas.values().any(|s| !s.fields.is_empty());
    if has_items {
        out.push_str("use crate::lenient::lenient_struct;\n");
    }
    let body_enums = names
        .bodies
        .types
        .iter()
        .any(|t| matches!(t.kind, BodyKind::Enum(_)));
    if !file.enums.is_empty() || body_enums {
        out.push_str("use crate::wire_enum::wire_enum;\n");
    }
    out.push('\n');
    for ((module, prefix), name) in &product.sids {
        if module != &file.spec_module {
            continue;
        }
        let kind = names::snake(name.trim_end_matches("Sid")).replace('_', " ");
        writeln!(
            out,
            "crate::sid!(\n/// The SID of a {kind}: `{prefix}` followed by 32 hex digits.\npub {name}, \"{prefix}\", \"{kind}\"\n);\n"
        )
        .map_err(|e| e.to_string())?;
    }
    for (component, def) in &file.enums {
        let rust = &names.enums[component];
        let doc = if def.description.trim().is_empty() {
            format!("/// The values of `{component}`.\n")
        } else {
            names::doc(&def.description)
        };
        out.push_str(&wire_enum(&doc, rust, &def.values));
    }
    for (component, schema) in &file.schemas {
        let rust = &names.items[component];
        let mut doc = if schema.description.trim().is_empty() {
            String::new()
        } else {
            format!("{}///\n", names::doc(&schema.description))
        };
        let paths: Vec<String> = file
            .ops
            .iter()
            .filter(|op| match &op.answer {
                Answer::Item(s) | Answer::Meta { item: Some(s), .. } => s == component,
                Answer::Numbered { page, item, .. } => {
                    page == component || item.as_deref() == Some(component.as_str())
                }
                _ => false,
            })
            .map(|op| format!("`{} {}`", op.method, op.path))
            .collect();
        writeln!(
            doc,
            "/// Returned by {}; schema `{component}`.",
            paths.join(", ")
        )
        .map_err(|e| e.to_string())?;
        if schema.fields.is_empty() {
            writeln!(
                out,
                "{doc}pub type {rust} = serde_json::Map<String, serde_json::Value>;\n"
            )
            .map_err(|e| e.to_string())?;
            continue;
        }
        write!(out, "lenient_struct! {{\n{doc}pub struct {rust} {{\n")
            .map_err(|e| e.to_string())?;
        let mut idents = Taken::default();
        idents.reserve("extra");
        for field in &schema.fields {
            let description = field.description.trim();
            if description.is_empty() {
                writeln!(out, "/// `{}`.", field.json).map_err(|e| e.to_string())?;
            } else {
                out.push_str(&names::doc(description));
            }
            let ident = idents.unique(rust_ident(&field.json));
            let rename = if ident == field.json {
                String::new()
            } else {
                format!(" = {:?}", field.json)
            };
            writeln!(
                out,
                "{ident}{rename}: {},",
                member_type(product, file, names, &field.ty)?
            )
            .map_err(|e| e.to_string())?;
        }
        out.push_str("}\n}\n\n");
    }
    for (index, (marker, page)) in &names.lists {
        let op = &file.ops[*index];
        let (key, item, envelope, page_ty) = match &op.answer {
            Answer::Meta { key, item } => (key, item, "in the `meta` envelope", "MetaPage"),
            Answer::Numbered { key, item, .. } => (
                key,
                item,
                "in numbered pages (`current_page`, `total_pages`, `has_next`)",
                "NumberedPage",
            ),
            _ => continue,
        };
        let item = match item {
            Some(schema) => names.items[schema].clone(),
            None => "serde_json::Map<String, serde_json::Value>".to_owned(),
        };
        writeln!(
            out,
            "/// `GET {path}`: items under `{key}`, each a [`{item}`], {envelope}.\n\
             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum {marker} {{}}\n\n\
             impl crate::ListResource for {marker} {{\n    const ITEMS_KEY: &'static str = {key:?};\n    type Item = {item};\n}}\n\n\
             /// One page of [`{marker}`].\npub type {page} = crate::{page_ty}<{marker}>;\n",
            path = op.path,
        )
        .map_err(|e| e.to_string())?;
    }
    out.push_str(&body_types(file, names));
    Ok(out)
}

/// A `wire_enum!` of `values` (each once; one that takes any value when there is none).
fn wire_enum(doc: &str, rust: &str, values: &[String]) -> String {
    let mut out = format!("wire_enum! {{\n{doc}pub enum {rust} {{\n");
    let mut taken = Taken::default();
    taken.reserve("Unknown");
    let mut seen_values = std::collections::BTreeSet::new();
    for value in values {
        if !seen_values.insert(value.clone()) {
            continue;
        }
        let mut variant = names::pascal(value);
        if variant.is_empty() || variant.starts_with(|c: char| c.is_ascii_digit()) {
            variant = format!("V{variant}");
        }
        let variant = taken.unique(variant);
        out.push_str(&format!("/// `{value}`\n{variant} = {value:?},\n"));
    }
    if values.is_empty() {
        // `wire_enum!` needs one variant: an enum the spec leaves empty takes any value.
        out.push_str("/// (the spec lists no value)\nNone = \"\",\n");
    }
    out.push_str("}\n}\n\n");
    out
}

/// The types of the JSON request bodies of one spec file.
fn body_types(file: &SpecFile, names: &FileNames) -> String {
    let mut out = String::new();
    for def in &names.bodies.types {
        let used_by: Vec<String> = file
            .ops
            .iter()
            .enumerate()
            .filter(|(i, _)| names.bodies.ops.get(i) == Some(&FieldTy::Struct(def.name.clone())))
            .map(|(_, op)| format!("`{} {}`", op.method, op.path))
            .collect();
        let mut doc = if def.description.trim().is_empty() {
            String::new()
        } else {
            format!("{}///\n", names::doc(&def.description))
        };
        if used_by.is_empty() {
            doc.push_str(&format!(
                "/// Part of a JSON request body (`{}`).\n",
                def.origin
            ));
        } else {
            doc.push_str(&format!(
                "/// The JSON body of {} (`{}`).\n",
                used_by.join(", "),
                def.origin
            ));
        }
        match &def.kind {
            BodyKind::Enum(values) => out.push_str(&wire_enum(&doc, &def.name, values)),
            BodyKind::Object => out.push_str(&format!(
                "{doc}///\n/// The spec leaves its members open: any JSON object.\npub type {} = serde_json::Map<String, serde_json::Value>;\n\n",
                def.name
            )),
            BodyKind::Struct(fields) => {
                let required: Vec<&bodies::BodyField> =
                    fields.iter().filter(|f| f.required).collect();
                let default = if names
                    .bodies
                    .has_default(&FieldTy::Struct(def.name.clone()))
                {
                    " Default,"
                } else {
                    ""
                };
                out.push_str(&format!(
                    "{doc}{how}#[derive(serde::Serialize, Debug, Clone,{default} PartialEq)]\n#[non_exhaustive]\npub struct {} {{\n",
                    def.name,
                    how = if required.len() == fields.len() {
                        "///\n/// Build it with `new`, which takes every member.\n"
                    } else {
                        "///\n/// Build it with `new` (its required members), then set the optional ones:\n/// `body.member = Some(value)`.\n"
                    },
                ));
                for field in fields {
                    let description = field.description.trim();
                    if description.is_empty() {
                        out.push_str(&format!("/// `{}`.\n", field.json));
                    } else {
                        out.push_str(&names::doc(description));
                    }
                    let bare = field.ident.trim_start_matches("r#");
                    if bare != field.json {
                        out.push_str(&format!("#[serde(rename = {:?})]\n", field.json));
                    }
                    let ty = field.ty.rust(None);
                    if field.required {
                        out.push_str(&format!("pub {}: {ty},\n", field.ident));
                    } else {
                        out.push_str(&format!(
                            "#[serde(default, skip_serializing_if = \"Option::is_none\")]\npub {}: Option<{ty}>,\n",
                            field.ident
                        ));
                    }
                }
                out.push_str("}\n\n");
                let args: Vec<String> = required
                    .iter()
                    .map(|f| match f.ty {
                        FieldTy::Text => format!("{}: impl Into<String>", f.ident),
                        _ => format!("{}: {}", f.ident, f.ty.rust(None)),
                    })
                    .collect();
                let set: Vec<String> = fields
                    .iter()
                    .map(|f| match (f.required, &f.ty) {
                        (true, FieldTy::Text) => format!("{}: {}.into()", f.ident, f.ident),
                        (true, _) => f.ident.clone(),
                        (false, _) => format!("{}: None", f.ident),
                    })
                    .collect();
                let allow = if args.len() > 7 {
                    "#[allow(clippy::too_many_arguments)]\n"
                } else {
                    ""
                };
                let doc = if required.is_empty() {
                    "/// An empty body: every member is optional.".to_owned()
                } else {
                    format!(
                        "/// A body with its required members ({}){}.",
                        required
                            .iter()
                            .map(|f| format!("`{}`", f.json))
                            .collect::<Vec<_>>()
                            .join(", "),
                        if required.len() == fields.len() {
                            ""
                        } else {
                            "; the others are `None`"
                        }
                    )
                };
                out.push_str(&format!(
                    "impl {} {{\n{doc}\n#[must_use]\n{allow}pub fn new({}) -> Self {{ Self {{ {} }} }}\n}}\n\n",
                    def.name,
                    args.join(", "),
                    set.join(", "),
                ));
            }
        }
    }
    out
}

fn example_tests(product: &Product, all_names: &[FileNames]) -> Result<String, String> {
    let mut out = String::new();
    let mut taken = Taken::default();
    for (file, names) in product.files.iter().zip(all_names) {
        let module = product.model_module(file);
        for (index, op) in file.ops.iter().enumerate() {
            let ty = match &op.answer {
                Answer::Item(schema) => format!("twilio_model::{module}::{}", names.items[schema]),
                Answer::Meta { .. } | Answer::Numbered { .. } => match names.lists.get(&index) {
                    Some((_, page)) => format!("twilio_model::{module}::{page}"),
                    None => continue,
                },
                _ => continue,
            };
            for (name, value) in &op.examples {
                let test = taken.unique(format!(
                    "{}_{}_{}",
                    rust_ident(file.spec_module.as_deref().unwrap_or("spec")),
                    rust_ident(&op.id),
                    rust_ident(name)
                ));
                let json = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
                let h = hashes(&json);
                writeln!(
                    out,
                    "/// `{method} {path}`, example `{name}`.\n#[test]\nfn {test}() {{\n    super::round_trip::<{ty}>(r{h}\"{json}\"{h});\n}}\n",
                    method = op.method,
                    path = op.path,
                )
                .map_err(|e| e.to_string())?;
            }
        }
    }
    if out.is_empty() {
        return Ok(out);
    }
    Ok(format!(
        "//! `{}`: every example answer of its spec round-trips through its model.\n\n{out}",
        product.name
    ))
}
