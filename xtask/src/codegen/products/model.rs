//! The model of every product (`crates/model/src/generated/products/`), one file per product,
//! a module per spec file inside (`verify::v2`): SID kinds the 2010-04-01 model lacks, enums
//! keeping unknown values, lossless item types, and a list resource with its `MetaPage` per
//! `meta` listing. And the round trip of every example (`crates/model/tests/it/products/`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

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
    /// Operation index → (list resource, page type).
    pub(crate) lists: BTreeMap<usize, (String, String)>,
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
            if let Answer::Meta { .. } = op.answer {
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
        files.push(GeneratedFile::rust(
            &format!("crates/model/src/generated/products/{}.rs", product.module),
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
            files.push(GeneratedFile::rust(
                &format!("crates/model/tests/it/products/{}.rs", product.module),
                &tests,
            ));
        }
    }
    files.push(GeneratedFile::rust(
        "crates/model/src/generated/products/mod.rs",
        &mod_rs,
    ));
    files.push(GeneratedFile::rust(
        "crates/model/tests/it/products/mod.rs",
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
    if !file.enums.is_empty() {
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
        write!(out, "wire_enum! {{\n{doc}pub enum {rust} {{\n").map_err(|e| e.to_string())?;
        let mut taken = Taken::default();
        taken.reserve("Unknown");
        let mut seen_values = std::collections::BTreeSet::new();
        for value in &def.values {
            if !seen_values.insert(value.clone()) {
                continue;
            }
            let mut variant = names::pascal(value);
            if variant.is_empty() || variant.starts_with(|c: char| c.is_ascii_digit()) {
                variant = format!("V{variant}");
            }
            let variant = taken.unique(variant);
            writeln!(out, "/// `{value}`\n{variant} = {value:?},").map_err(|e| e.to_string())?;
        }
        if def.values.is_empty() {
            // `wire_enum!` needs one variant: an enum the spec leaves empty takes any value.
            out.push_str("/// (the spec lists no value)\nNone = \"\",\n");
        }
        out.push_str("}\n}\n\n");
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
        let Answer::Meta { key, item } = &op.answer else {
            continue;
        };
        let item = match item {
            Some(schema) => names.items[schema].clone(),
            None => "serde_json::Map<String, serde_json::Value>".to_owned(),
        };
        writeln!(
            out,
            "/// `GET {path}`: items under `{key}`, each a [`{item}`], in the `meta` envelope.\n\
             #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum {marker} {{}}\n\n\
             impl crate::ListResource for {marker} {{\n    const ITEMS_KEY: &'static str = {key:?};\n    type Item = {item};\n}}\n\n\
             /// One page of [`{marker}`].\npub type {page} = crate::MetaPage<{marker}>;\n",
            path = op.path,
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn example_tests(product: &Product, all_names: &[FileNames]) -> Result<String, String> {
    let mut out = String::new();
    let mut taken = Taken::default();
    for (file, names) in product.files.iter().zip(all_names) {
        let module = product.model_module(file);
        for (index, op) in file.ops.iter().enumerate() {
            let ty = match &op.answer {
                Answer::Item(schema) => format!("twilio_model::{module}::{}", names.items[schema]),
                Answer::Meta { .. } => match names.lists.get(&index) {
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
