//! The facade of every product (`crates/facade/src/generated/products/`), one file per
//! product behind its feature: every operation as an `Operation` static, the resource tree
//! from `client.<product>()`, the typed filters of each `meta` listing; and a test per
//! operation (`crates/facade/tests/it/products/`): its method, host, path, query and body
//! against the spec.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::model::{FileNames, names_of};
use super::read::{Answer, BodyKind, Op, PAGING, Param, Segment, SpecFile, Ty};
use super::{Product, Taken, rust_ident};
use crate::codegen::GeneratedFile;
use crate::codegen::names;

/// The 2010-04-01 client methods a product's accessor may not take, and where its versions
/// go instead: `client.accounts()` is 2010-04-01's list of accounts, so the Accounts product
/// is `client.accounts().v1()`.
const TAKEN_BY_2010: &[(&str, &str)] = &[("accounts", "crate::resources::AccountsResource")];

/// The methods of `ListRequest` no filter may shadow.
const LIST_METHODS: &[&str] = &[
    "new",
    "filter",
    "query",
    "first_page_uri",
    "page_size",
    "limit",
    "from_page",
    "prefetch",
    "operation",
    "stream",
    "pages",
    "collect",
    "collect_partial",
    "pages_as",
    "raw",
    "clone",
    "header",
    "headers",
];

/// A token of a node's key: a static segment, or a parameter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Tok {
    Static(String),
    Param,
}

/// One node of the resource tree: a path prefix of some operation.
#[derive(Debug)]
struct Node {
    ty: String,
    /// (spec file, operation) of the operations at exactly this path.
    ops: Vec<(usize, usize)>,
    /// (accessor, child key, its parameter if any).
    children: Vec<(String, Vec<Tok>, Option<Param>)>,
    /// The method name of each op, in `ops` order.
    op_methods: Vec<String>,
}

/// A version's tree: `(version, key) → node`.
type Tree = BTreeMap<(String, Vec<Tok>), Node>;

fn key_of(segments: &[Segment]) -> Vec<Tok> {
    segments
        .iter()
        .map(|s| match s {
            Segment::Static(s) => Tok::Static(s.clone()),
            Segment::Param(_) => Tok::Param,
        })
        .collect()
}

fn const_name(file: &SpecFile, op: &Op) -> String {
    let id = names::snake(&op.id).to_uppercase();
    match &file.spec_module {
        Some(m) => format!("{}_{id}", m.to_uppercase()),
        None => id,
    }
}

fn verb(op: &Op) -> String {
    let snake = names::snake(&op.id);
    snake.split('_').next().unwrap_or("call").to_owned()
}

fn build_tree(product: &Product) -> Result<(Tree, Vec<String>), String> {
    let mut tree: Tree = BTreeMap::new();
    let mut versions: Vec<String> = Vec::new();
    let mut params: BTreeMap<(String, Vec<Tok>), Param> = BTreeMap::new();
    for (fi, file) in product.files.iter().enumerate() {
        for (oi, op) in file.ops.iter().enumerate() {
            if !versions.contains(&op.version) {
                versions.push(op.version.clone());
            }
            let key = key_of(&op.segments);
            let mut pi = op.path_params.iter();
            for i in 0..=key.len() {
                let prefix = key[..i].to_vec();
                if i > 0 && key[i - 1] == Tok::Param {
                    let param = pi.next().cloned().ok_or("fewer path parameters")?;
                    params
                        .entry((op.version.clone(), prefix.clone()))
                        .or_insert(param);
                }
                tree.entry((op.version.clone(), prefix))
                    .or_insert_with(|| Node {
                        ty: String::new(),
                        ops: Vec::new(),
                        children: Vec::new(),
                        op_methods: Vec::new(),
                    });
            }
            if let Some(node) = tree.get_mut(&(op.version.clone(), key)) {
                node.ops.push((fi, oi));
            }
        }
    }
    // Type names, parents first.
    let mut taken = Taken::default();
    taken.reserve(&names::pascal(&product.module));
    for version in &versions {
        taken.reserve(&names::pascal(version));
    }
    let keys: Vec<(String, Vec<Tok>)> = tree.keys().cloned().collect();
    let mut type_names: BTreeMap<(String, Vec<Tok>), String> = BTreeMap::new();
    for (version, key) in &keys {
        let mut name = names::pascal(version);
        for (i, tok) in key.iter().enumerate() {
            if let Tok::Static(s) = tok {
                let followed = key.get(i + 1) == Some(&Tok::Param);
                name.push_str(&names::pascal(&if followed {
                    names::singular(s)
                } else {
                    s.clone()
                }));
            }
        }
        if key.is_empty() {
            name = names::pascal(version);
        } else if key.last() == Some(&Tok::Param) {
            let parent = type_names.get(&(version.clone(), key[..key.len() - 1].to_vec()));
            if parent == Some(&name) {
                name.push_str("Item");
            }
            name = taken.unique(name);
        } else {
            name = taken.unique(name);
        }
        type_names.insert((version.clone(), key.clone()), name);
    }
    for (k, name) in type_names {
        if let Some(node) = tree.get_mut(&k) {
            node.ty = name;
        }
    }
    // Accessors: on the parent, or on the grandparent for `Static/{Param}`.
    for (version, key) in &keys {
        if key.is_empty() {
            continue;
        }
        let n = key.len();
        let (parent, method, param) = match (&key[n - 1], n.checked_sub(2).map(|i| &key[i])) {
            (Tok::Static(s), _) => (key[..n - 1].to_vec(), rust_ident(s), None),
            (Tok::Param, Some(Tok::Static(s))) => {
                let plural = rust_ident(s);
                let mut singular = rust_ident(&names::singular(s));
                if singular == plural {
                    singular = format!("{}_item", singular.trim_start_matches("r#"));
                }
                let param = params.get(&(version.clone(), key.clone())).cloned();
                (key[..n - 2].to_vec(), singular, param)
            }
            (Tok::Param, _) => {
                let param = params.get(&(version.clone(), key.clone())).cloned();
                let method = param
                    .as_ref()
                    .map_or("item".to_owned(), |p| rust_ident(&p.name));
                (key[..n - 1].to_vec(), method, param)
            }
        };
        if let Some(node) = tree.get_mut(&(version.clone(), parent)) {
            node.children.push((method, key.clone(), param));
        }
    }
    // A node with nothing to do (`/v2/Forms`, when only `/v2/Forms/{FormType}` has
    // operations, reached from `/v2`) is not generated.
    loop {
        let empty: Vec<(String, Vec<Tok>)> = tree
            .iter()
            .filter(|((_, k), n)| !k.is_empty() && n.ops.is_empty() && n.children.is_empty())
            .map(|(k, _)| k.clone())
            .collect();
        if empty.is_empty() {
            break;
        }
        for (version, key) in &empty {
            tree.remove(&(version.clone(), key.clone()));
            for ((v, _), node) in tree.iter_mut() {
                if v == version {
                    node.children.retain(|(_, k, _)| k != key);
                }
            }
        }
    }
    // Method names: accessors first, then the operations' verbs.
    for ((_, _), node) in tree.iter_mut() {
        let mut taken = Taken::default();
        for reserved in ["path", "clone", "client"] {
            taken.reserve(reserved);
        }
        let mut children = Vec::new();
        for (method, key, param) in node.children.drain(..) {
            children.push((taken.unique(method), key, param));
        }
        node.children = children;
        let mut methods = Vec::new();
        for (fi, oi) in &node.ops {
            let op = &product.files[*fi].ops[*oi];
            let mut verb = verb(op);
            if matches!(op.answer, Answer::Meta { .. } | Answer::Numbered { .. })
                && op.method == "GET"
            {
                verb = "list".to_owned();
            }
            let method = taken.unique(names::ident(&verb));
            taken.reserve(&format!("{}_raw", method.trim_start_matches("r#")));
            methods.push(method);
        }
        node.op_methods = methods;
    }
    Ok((tree, versions))
}

/// How an argument of type `ty` is taken, and the text it is sent as (an expression of `x`).
fn arg(
    product: &Product,
    file: &SpecFile,
    names: &FileNames,
    ty: &Ty,
) -> Result<(String, String), String> {
    let model = product.model_module(file);
    Ok(match ty {
        Ty::Sid(prefix) => (
            format!("twilio_model::{}", product.sid_type(file, prefix)?),
            "x.as_str()".to_owned(),
        ),
        Ty::String | Ty::Decimal => ("impl Into<String>".to_owned(), "x".to_owned()),
        Ty::Integer => ("i64".to_owned(), "x.to_string()".to_owned()),
        Ty::Bool => (
            "bool".to_owned(),
            "if x { \"true\" } else { \"false\" }".to_owned(),
        ),
        Ty::Enum(c) => (
            format!(
                "twilio_model::{model}::{}",
                names.enums.get(c).ok_or_else(|| format!("no enum {c}"))?
            ),
            "x.as_str()".to_owned(),
        ),
        Ty::HttpMethod => (
            "twilio_model::HttpMethod".to_owned(),
            "x.as_str()".to_owned(),
        ),
        Ty::Object | Ty::Array | Ty::Any => ("impl Into<String>".to_owned(), "json".to_owned()),
        Ty::Many(inner) => {
            let (item, expr) = arg(product, file, names, inner)?;
            let item = if item.starts_with("impl ") {
                "String".to_owned()
            } else {
                item
            };
            let expr = if expr == "json" { "x".to_owned() } else { expr };
            (
                format!("impl IntoIterator<Item = {item}>"),
                format!("many:{expr}"),
            )
        }
    })
}

/// `request.<method>(name, <expr of value>)` for one argument.
fn set_call(method: &str, name: &str, arg_name: &str, expr: &str) -> String {
    if expr == "json" {
        let method = if method == "param" {
            "param_json"
        } else {
            method
        };
        return format!("let request = request.{method}({name:?}, {arg_name});\n");
    }
    if let Some(inner) = expr.strip_prefix("many:") {
        return format!(
            "let mut request = request;\nfor x in {arg_name} {{ request = request.{method}({name:?}, {inner}); }}\n"
        );
    }
    format!("let request = {{ let x = {arg_name}; request.{method}({name:?}, {expr}) }};\n")
}

fn answer_type(
    product: &Product,
    file: &SpecFile,
    names: &FileNames,
    op: &Op,
    index: usize,
) -> String {
    let model = product.model_module(file);
    match &op.answer {
        Answer::Item(s) => format!("twilio_model::{model}::{}", names.items[s]),
        Answer::Meta { .. } | Answer::Numbered { .. } => match names.lists.get(&index) {
            Some((_, page)) => format!("twilio_model::{model}::{page}"),
            None => "serde_json::Value".to_owned(),
        },
        Answer::Json => "serde_json::Value".to_owned(),
        Answer::Nothing if op.method == "DELETE" || op.success.contains(&204) => "()".to_owned(),
        Answer::Nothing => "serde_json::Value".to_owned(),
    }
}

/// The required arguments of an operation: required query parameters, then required form
/// fields, or the JSON body.
fn op_args(op: &Op) -> Vec<(&Param, &'static str)> {
    let mut out: Vec<(&Param, &'static str)> = op
        .query
        .iter()
        .filter(|p| p.required)
        .map(|p| (p, "query"))
        .collect();
    if op.body == BodyKind::Form {
        out.extend(
            op.body_params
                .iter()
                .filter(|p| p.required)
                .map(|p| (p, "param")),
        );
    }
    out
}

pub(crate) fn generate(products: &[Product]) -> Result<Vec<GeneratedFile>, String> {
    let mut files = Vec::new();
    let mut mod_rs = String::from(
        "//! Every Twilio product but 2010-04-01, one module per product, each behind the cargo\n\
         //! feature of the same name (`verify`, `ip-messaging`…; `full` for all): its\n\
         //! operations as data and its resource tree from the client.\n\n",
    );
    let mut tests_rs = String::from(
        "//! Every operation of every product against its spec: method, host, path, query and\n\
         //! body (a table generated from the specs).\n\n\
         use twilio_api::{AccountSid, Client};\n\n\
         /// One client for every test (building one loads the root certificates).\n\
         #[allow(dead_code)]\n\
         fn client() -> Client {\n\
             static CLIENT: std::sync::LazyLock<Client> = std::sync::LazyLock::new(|| {\n\
                 let account: AccountSid = \"AC00000000000000000000000000000000\".parse().unwrap();\n\
                 Client::builder().auth_token(account, \"token\").build().unwrap()\n\
             });\n\
             CLIENT.clone()\n\
         }\n\n\
         /// The pairs of a query string or form body, sorted.\n\
         #[allow(dead_code)]\n\
         fn pairs(text: &str) -> Vec<(String, String)> {\n\
             let mut pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes()).into_owned().collect();\n\
             pairs.sort();\n\
             pairs\n\
         }\n\n\
         /// The query of a URI, as sorted pairs.\n\
         #[allow(dead_code)]\n\
         fn query(uri: &str) -> Vec<(String, String)> {\n\
             pairs(uri.split_once('?').map_or(\"\", |(_, q)| q))\n\
         }\n\n\
         /// The path of a URI.\n\
         #[allow(dead_code)]\n\
         fn path(uri: &str) -> &str {\n\
             uri.split_once('?').map_or(uri, |(p, _)| p)\n\
         }\n\n\
         /// That `text` is the JSON `expected` (members in any order, numbers by value).\n\
         #[allow(dead_code)]\n\
         fn assert_same_json(text: &str, expected: &str) {\n\
             fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {\n\
                 use serde_json::Value;\n\
                 match (a, b) {\n\
                     (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),\n\
                     (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),\n\
                     (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),\n\
                     _ => a == b,\n\
                 }\n\
             }\n\
             let sent: serde_json::Value = serde_json::from_str(text).unwrap();\n\
             let expected: serde_json::Value = serde_json::from_str(expected).unwrap();\n\
             assert!(same(&sent, &expected), \"sent {sent}\\nexpected {expected}\");\n\
         }\n\n\
         /// Sorted expected pairs.\n\
         #[allow(dead_code)]\n\
         fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {\n\
             pairs.sort();\n\
             pairs\n\
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
        writeln!(
            tests_rs,
            "#[cfg(feature = {:?})]\nmod {};",
            product.name, product.module
        )
        .map_err(|e| e.to_string())?;
        let all_names = names_of(product);
        let (tree, versions) = build_tree(product)?;
        files.push(GeneratedFile::rust_from(
            &format!("crates/facade/src/generated/products/{}.rs", product.module),
            &super::spec_list(product),
            &product_file(product, &all_names, &tree, &versions)?,
        ));
        files.push(GeneratedFile::rust_from(
            &format!("crates/facade/tests/it/products/{}.rs", product.module),
            &super::spec_list(product),
            &tests(product, &all_names, &tree)?,
        ));
    }
    files.push(GeneratedFile::rust_from(
        "crates/facade/src/generated/products/mod.rs",
        "spec/twilio_*.json (every spec but 2010-04-01's)",
        &mod_rs,
    ));
    files.push(GeneratedFile::rust_from(
        "crates/facade/tests/it/products/mod.rs",
        "spec/twilio_*.json (every spec but 2010-04-01's)",
        &tests_rs,
    ));
    Ok(files)
}

fn str_list(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| format!("{s:?}")).collect();
    format!("&[{}]", items.join(", "))
}

fn accessor_of(product: &Product) -> (String, Option<&'static str>) {
    match TAKEN_BY_2010
        .iter()
        .find(|(name, _)| *name == product.module)
    {
        Some((_, ty)) => (product.module.clone(), Some(ty)),
        None => (product.module.clone(), None),
    }
}

fn product_file(
    product: &Product,
    all_names: &[FileNames],
    tree: &Tree,
    versions: &[String],
) -> Result<String, String> {
    let root = names::pascal(&product.module);
    let (accessor, hook) = accessor_of(product);
    let first_version = versions.first().cloned().unwrap_or_default();
    let walk = format!("client.{accessor}().{}()", rust_ident(&first_version));
    let mut out = format!(
        "//! {title} (`https://{host}.twilio.com`), feature `{feature}`: `{walk}`…\n//!\n",
        title = product.title(),
        host = product.host(),
        feature = product.name,
    );
    let description = product.description();
    if !description.is_empty() {
        out.push_str(&names::doc(&description).replace("///", "//!"));
        out.push_str("//!\n");
    }
    writeln!(
        out,
        "//! Generated from {}; the models are in `twilio_model::{}`.\n",
        product
            .files
            .iter()
            .map(|f| format!("`spec/{}`", f.file))
            .collect::<Vec<_>>()
            .join(", "),
        product.module
    )
    .map_err(|e| e.to_string())?;
    out.push_str(
        "// The spec's descriptions are Twilio's Markdown: links in brackets and bare URLs.\n\
         #![allow(rustdoc::broken_intra_doc_links, rustdoc::bare_urls, rustdoc::invalid_html_tags)]\n\
         // An operation's required parameters are its method's arguments.\n\
         #![allow(clippy::too_many_arguments, clippy::let_and_return)]\n\n",
    );
    if versions.is_empty() {
        out.push_str(
            "// The spec describes no operation (its paths have no methods): nothing to call.\n",
        );
        return Ok(out);
    }
    out.push_str("use crate::Client;\n\n");
    // Operations.
    write!(
        out,
        "/// Every operation of {} as data (see [`Operation`](crate::operation::Operation)).\npub mod operations {{\nuse crate::operation::{{BodyKind, Operation}};\n\n",
        product.title()
    )
    .map_err(|e| e.to_string())?;
    for file in &product.files {
        for op in &file.ops {
            let body = match op.body {
                BodyKind::None => "None",
                BodyKind::Form => "Form",
                BodyKind::Json => "Json",
            };
            writeln!(
                out,
                "/// `{method} {path}` (`{id}`).\npub static {name}: Operation = Operation::new({id:?}, http::Method::{method}, {host:?}, {path:?}).path_params({pp}).query_params({qp}).body(BodyKind::{body}, {bp}).headers({hp}).success(&[{succ}]){most};\n",
                method = op.method,
                path = op.path,
                id = op.id,
                name = const_name(file, op),
                host = op.host,
                pp = str_list(op.path_params.iter().map(|p| p.name.clone())),
                qp = str_list(op.query.iter().map(|p| p.name.clone())),
                bp = str_list(op.body_params.iter().map(|p| p.name.clone())),
                hp = str_list(op.headers.iter().cloned()),
                succ = op.success.iter().map(u16::to_string).collect::<Vec<_>>().join(", "),
                most = op
                    .max_page_size
                    .map_or_else(String::new, |most| format!(".max_page_size({most})")),
            )
            .map_err(|e| e.to_string())?;
        }
    }
    out.push_str("}\n\n");
    // The product and its versions.
    let version_methods: String = versions
        .iter()
        .map(|v| {
            let ty = &tree[&(v.clone(), Vec::new())].ty;
            format!(
                "/// `{host}.twilio.com/{v}`.\npub fn {m}(&self) -> {ty} {{ {ty} {{ client: self.client().clone(), path: \"/{v}\".to_owned() }} }}\n\n",
                host = product.host(),
                m = rust_ident(v),
            )
        })
        .collect();
    match hook {
        Some(ty) => {
            let fixed = version_methods.replace("self.client()", "self.client");
            write!(
                out,
                "/// {title}: its versions, beside 2010-04-01's accounts.\nimpl {ty} {{\n{fixed}}}\n\n",
                title = product.title()
            )
            .map_err(|e| e.to_string())?;
        }
        None => {
            write!(
                out,
                "impl Client {{\n/// {title} (`https://{host}.twilio.com`, feature `{feature}`).\npub fn {accessor}(&self) -> {root} {{ {root} {{ client: self.clone() }} }}\n}}\n\n\
                 /// {title} (`https://{host}.twilio.com`): its versions.\n#[derive(Debug, Clone)]\npub struct {root} {{\n    client: Client,\n}}\n\n\
                 impl {root} {{\nfn client(&self) -> &Client {{ &self.client }}\n\n{version_methods}}}\n\n",
                title = product.title(),
                host = product.host(),
                feature = product.name,
            )
            .map_err(|e| e.to_string())?;
        }
    }
    // Nodes.
    let mut filters = String::new();
    let mut writes = String::new();
    let mut reads = String::new();
    for ((version, key), node) in tree {
        let shown: String = std::iter::once(format!("/{version}"))
            .chain(key.iter().map(|t| match t {
                Tok::Static(s) => format!("/{s}"),
                Tok::Param => "/{…}".to_owned(),
            }))
            .collect();
        write!(
            out,
            "/// `{shown}` of {title}.\n#[derive(Debug, Clone)]\npub struct {ty} {{\n    client: Client,\n    path: String,\n}}\n\nimpl {ty} {{\n\
             /// The path of this resource, relative to the product's origin.\npub fn path(&self) -> &str {{ &self.path }}\n\n",
            title = product.title(),
            ty = node.ty,
        )
        .map_err(|e| e.to_string())?;
        for (method, child, param) in &node.children {
            let child_ty = &tree[&(version.clone(), child.clone())].ty;
            let last_static = child.iter().rev().find_map(|t| match t {
                Tok::Static(s) => Some(s.clone()),
                Tok::Param => None,
            });
            match param {
                None => writeln!(
                    out,
                    "/// `…/{s}`.\npub fn {method}(&self) -> {child_ty} {{ {child_ty} {{ client: self.client.clone(), path: format!(\"{{}}/{s}\", self.path) }} }}\n",
                    s = last_static.unwrap_or_default(),
                ),
                Some(param) => {
                    let file = &product.files[0];
                    let (ty, expr) = match &param.ty {
                        Ty::Sid(prefix) => (
                            format!("twilio_model::{}", product.sid_type(file_for(product, node, tree, version, child), prefix).or_else(|_| product.sid_type(file, prefix))?),
                            "value.as_str().to_owned()".to_owned(),
                        ),
                        _ => ("impl AsRef<str>".to_owned(), "crate::path::segment(value.as_ref())".to_owned()),
                    };
                    let statics = if matches!(child.get(child.len().wrapping_sub(2)), Some(Tok::Static(_))) {
                        format!("/{}", last_static.unwrap_or_default())
                    } else {
                        String::new()
                    };
                    let doc = if param.description.trim().is_empty() {
                        String::new()
                    } else {
                        format!("///\n{}", names::doc(&param.description))
                    };
                    writeln!(
                        out,
                        "/// `…{statics}/{{{name}}}`.\n{doc}pub fn {method}(&self, value: {ty}) -> {child_ty} {{ {child_ty} {{ client: self.client.clone(), path: format!(\"{{}}{statics}/{{}}\", self.path, {expr}) }} }}\n",
                        name = param.name,
                    )
                }
            }
            .map_err(|e| e.to_string())?;
        }
        for ((fi, oi), method) in node.ops.iter().zip(&node.op_methods) {
            let file = &product.files[*fi];
            let names = &all_names[*fi];
            let op = &file.ops[*oi];
            out.push_str(&op_method(
                product,
                file,
                names,
                op,
                *oi,
                method,
                (&mut filters, &mut writes, &mut reads),
            )?);
        }
        out.push_str("}\n\n");
    }
    out.push_str(&filters);
    if !reads.is_empty() {
        write!(
            out,
            "/// The typed request of every fetch of {} that takes header parameters: a setter\n/// per header. Each sends through [`FetchRequest`](crate::FetchRequest).\npub mod reads {{\n{reads}}}\n\n",
            product.title()
        )
        .map_err(|e| e.to_string())?;
    }
    if !writes.is_empty() {
        write!(
            out,
            "/// The typed request of every write of {}: its required parameters are the\n/// arguments of the tree's method, every optional one a setter here. Each sends through\n/// [`WriteRequest`](crate::WriteRequest).\npub mod writes {{\n{writes}}}\n",
            product.title()
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The spec file of the first operation under `child` (for its SID types).
fn file_for<'a>(
    product: &'a Product,
    _node: &Node,
    tree: &Tree,
    version: &str,
    child: &[Tok],
) -> &'a SpecFile {
    let found = tree
        .iter()
        .filter(|((v, k), _)| v == version && k.starts_with(child))
        .find_map(|(_, n)| n.ops.first().map(|(fi, _)| *fi));
    &product.files[found.unwrap_or(0)]
}

fn op_method(
    product: &Product,
    file: &SpecFile,
    names: &FileNames,
    op: &Op,
    index: usize,
    method: &str,
    (filters, writes, reads): (&mut String, &mut String, &mut String),
) -> Result<String, String> {
    let constant = format!("operations::{}", const_name(file, op));
    let answer = answer_type(product, file, names, op, index);
    let summary = if op.summary.is_empty() {
        String::new()
    } else {
        format!("{}///\n", names::doc(&op.summary))
    };
    let mut sig = String::new();
    let mut calls = String::new();
    let mut taken = Taken::default();
    taken.reserve("request");
    for (param, how) in op_args(op) {
        let name = taken.unique(rust_ident(&param.name));
        let (ty, expr) = arg(product, file, names, &param.ty)?;
        write!(sig, ", {name}: {ty}").map_err(|e| e.to_string())?;
        calls.push_str(&set_call(how, &param.name, &name, &expr));
    }
    let mut body_ty = String::new();
    if op.body == BodyKind::Json {
        let name = taken.unique("body".to_owned());
        body_ty = names
            .bodies
            .ops
            .get(&index)
            .ok_or_else(|| format!("{}: no body type", op.id))?
            .rust(Some(&product.model_module(file)));
        write!(sig, ", {name}: {body_ty}").map_err(|e| e.to_string())?;
        writeln!(calls, "let request = request.json_body(&{name});").map_err(|e| e.to_string())?;
    }
    let headers = if op.headers.is_empty() {
        String::new()
    } else {
        format!(
            "\n///\n/// Header parameters (set them on the returned request): {}.",
            op.headers
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let required: Vec<String> = op_args(op)
        .iter()
        .map(|(p, _)| format!("`{}`", p.name))
        .collect();
    let required_doc = match (required.is_empty(), op.body == BodyKind::Json) {
        (true, false) => String::new(),
        (false, false) => format!(
            "\n///\n/// The required parameters are its arguments: {}.",
            required.join(", ")
        ),
        (_, true) => format!(
            "\n///\n/// {}`body` is the JSON body, serialised once and sent with\n/// `Content-Type: application/json`: [`{body_ty}`].\n/// `.json_text(text)` on the returned request sends exact JSON text instead, for what\n/// its type does not describe.",
            if required.is_empty() {
                String::new()
            } else {
                format!(
                    "The required parameters are its arguments: {}; ",
                    required.join(", ")
                )
            }
        ),
    };
    let bare = method.trim_start_matches("r#");
    let optional: Vec<String> = op
        .query
        .iter()
        .filter(|p| !p.required)
        .map(|p| format!("`{}`", p.name))
        .collect();
    let optional_doc = if optional.is_empty() || op.method != "GET" {
        String::new()
    } else {
        format!(
            "\n///\n/// Optional query parameters, set with `.query(name, value)`: {}.",
            optional.join(", ")
        )
    };
    Ok(match (op.method.as_str(), &op.answer) {
        ("GET", Answer::Meta { .. } | Answer::Numbered { .. })
            if names.lists.contains_key(&index) =>
        {
            let (marker, _) = &names.lists[&index];
            let model = product.model_module(file);
            let numbered = matches!(op.answer, Answer::Numbered { .. });
            let (filters_macro, page_ty, envelope) = if numbered {
                (
                    "numbered_list_filters",
                    "NumberedPage",
                    "in numbered pages (the next page is the same request with `Page`\n/// one more, while `has_next`)",
                )
            } else {
                ("meta_list_filters", "MetaPage", "in the `meta` envelope")
            };
            let mut ftaken = Taken::default();
            let optional = list_filters(op, &mut ftaken);
            if !optional.is_empty() || !op.headers.is_empty() {
                write!(
                    filters,
                    "crate::list::{filters_macro}! {{\ntwilio_model::{model}::{marker} {{\n"
                )
                .map_err(|e| e.to_string())?;
                for (fname, param) in optional {
                    let (ty, expr) = arg(product, file, names, &param.ty)?;
                    let doc = if param.description.trim().is_empty() {
                        format!("/// The `{}` filter.\n", param.name)
                    } else {
                        names::doc(&param.description)
                    };
                    let body = if let Some(inner) = expr.strip_prefix("many:") {
                        format!(
                            "let mut request = self; for x in value {{ request = request.query({:?}, {}); }} request",
                            param.name, inner
                        )
                    } else if expr == "json" {
                        format!("self.filter({:?}, value)", param.name)
                    } else {
                        format!("let x = value; self.filter({:?}, {expr})", param.name)
                    };
                    writeln!(filters, "{doc}///\n/// Sent as the query parameter `{}`.\npub fn {fname}(self, value: {ty}) -> Self {{ {body} }}\n", param.name).map_err(|e| e.to_string())?;
                }
                filters.push_str(&header_setters(op, &mut ftaken, false));
                filters.push_str("}\n}\n\n");
            }
            format!(
                "{summary}/// `GET {path}`: a listing {envelope}.\n/// Configure it (filters, `limit`, `page_size`), then `.stream()`, `.pages()` or\n/// `.collect()`.{required_doc}{headers}\npub fn {method}(&self{sig}) -> crate::ListRequest<{answer}> {{ let request = crate::ListRequest::new(&self.client, &{constant}, self.path.clone());\n{calls}request }}\n\n\
                 /// Like [`{bare}`](Self::{bare}), each item as the exact JSON the API sent.\npub fn {bare}_raw(&self{sig}) -> crate::ListRequest<twilio_model::{page_ty}<twilio_model::Raw<twilio_model::{model}::{marker}>>> {{ let request = crate::ListRequest::new(&self.client, &{constant}, self.path.clone());\n{calls}request }}\n\n",
                path = op.path,
            )
        }
        ("GET", _) if !op.headers.is_empty() => {
            let request_ty = request_name(file, op);
            let mut taken = Taken::default();
            for reserved in RESERVED {
                taken.reserve(reserved);
            }
            write!(
                reads,
                "crate::fetch::typed_fetch! {{\n/// `GET {path}` (`{id}`): set its header parameters, then `.await` it.\n{request_ty} => {answer}\n}}\n\nimpl {request_ty} {{\n{setters}}}\n\n",
                path = op.path,
                id = op.id,
                setters = header_setters(op, &mut taken, true),
            )
            .map_err(|e| e.to_string())?;
            format!(
                "{summary}/// `GET {path}`: set the header parameters on the returned request, then `.await` it.{required_doc}{optional_doc}{headers}\npub fn {method}(&self{sig}) -> reads::{request_ty} {{ let request = crate::FetchRequest::new(&self.client, &{constant}, self.path.clone());\n{calls}reads::{request_ty}::from_request(request) }}\n\n\
                 /// Like [`{bare}`](Self::{bare}), as the exact JSON the API sent (header parameters with\n/// `.header(name, value)`).\npub fn {bare}_raw(&self{sig}) -> crate::FetchRequest<Box<serde_json::value::RawValue>> {{ let request = crate::FetchRequest::new(&self.client, &{constant}, self.path.clone());\n{calls}request }}\n\n",
                path = op.path,
            )
        }
        ("GET", _) => format!(
            "{summary}/// `GET {path}`.{required_doc}{optional_doc}\npub fn {method}(&self{sig}) -> crate::FetchRequest<{answer}> {{ let request = crate::FetchRequest::new(&self.client, &{constant}, self.path.clone());\n{calls}request }}\n\n\
             /// Like [`{bare}`](Self::{bare}), as the exact JSON the API sent.\npub fn {bare}_raw(&self{sig}) -> crate::FetchRequest<Box<serde_json::value::RawValue>> {{ let request = crate::FetchRequest::new(&self.client, &{constant}, self.path.clone());\n{calls}request }}\n\n",
            path = op.path,
        ),
        (http_method, _) => {
            let how = match http_method {
                "DELETE" | "PUT" => {
                    "A `DELETE` or `PUT` may be repeated: the transport retries it like a read."
                }
                _ => "Sent once: never repeated once it may have been applied.",
            };
            let request_ty = request_name(file, op);
            writes.push_str(&typed_request(
                product,
                file,
                names,
                op,
                &answer,
                &request_ty,
            )?);
            format!(
                "{summary}/// `{http_method} {path}`: set the optional parameters on the returned request,\n/// then `.await` it (or `.send()`). {how}{required_doc}{headers}\npub fn {method}(&self{sig}) -> writes::{request_ty} {{ let request = crate::WriteRequest::new(&self.client, &{constant}, self.path.clone());\n{calls}writes::{request_ty}::from_request(request) }}\n\n",
                path = op.path,
            )
        }
    })
}

/// The methods every typed write has, which no setter may shadow.
const RESERVED: &[&str] = &[
    "send",
    "send_raw",
    "request",
    "new",
    "into_future",
    "clone",
    "from_request",
    "json_text",
];

/// `V2_CREATE_SERVICE` → `V2CreateServiceRequest`.
fn request_name(file: &SpecFile, op: &Op) -> String {
    format!(
        "{}Request",
        names::pascal(&const_name(file, op).to_lowercase())
    )
}

/// The setters of a write: its optional query and form parameters, then its headers, as
/// `(setter, parameter, "query" | "param" | "header")`.
fn setters(op: &Op) -> Vec<(String, &Param, &'static str)> {
    let mut taken = Taken::default();
    for reserved in RESERVED {
        taken.reserve(reserved);
    }
    let mut out = Vec::new();
    let optional_query = op
        .query
        .iter()
        .filter(|p| !p.required)
        .map(|p| (p, "query"));
    let optional_body = op
        .body_params
        .iter()
        .filter(|p| !p.required && op.body == BodyKind::Form)
        .map(|p| (p, "param"));
    for (param, how) in optional_query.chain(optional_body) {
        let mut name = rust_ident(&param.name);
        if RESERVED.contains(&name.as_str()) {
            name = format!("{name}_param");
        }
        out.push((taken.unique(name), param, how));
    }
    out
}

/// The typed request of one write: a newtype over `WriteRequest` with a setter per optional
/// parameter and header.
fn typed_request(
    product: &Product,
    file: &SpecFile,
    names: &FileNames,
    op: &Op,
    answer: &str,
    request_ty: &str,
) -> Result<String, String> {
    let mut out = format!(
        "crate::write::typed_write! {{\n/// `{method} {path}` (`{id}`): set its optional parameters, then `.await` it.\n{json}{request_ty} => {answer}\n}}\n\nimpl {request_ty} {{\npub(crate) fn from_request(request: crate::WriteRequest<{answer}>) -> Self {{ Self(request) }}\n\n",
        method = op.method,
        path = op.path,
        id = op.id,
        json = if op.body == BodyKind::Json {
            "json "
        } else {
            ""
        },
    );
    let mut taken = Taken::default();
    for reserved in RESERVED {
        taken.reserve(reserved);
    }
    for (setter, param, how) in setters(op) {
        taken.reserve(&setter);
        let (ty, expr) = arg(product, file, names, &param.ty)?;
        let doc = if param.description.trim().is_empty() {
            format!("/// The `{}` parameter.\n", param.name)
        } else {
            names::doc(&param.description)
        };
        let sent = if how == "query" {
            "the query parameter"
        } else {
            "the form field"
        };
        writeln!(
            out,
            "{doc}///\n/// Sent as {sent} `{name}`.\npub fn {setter}(self, value: {ty}) -> Self {{ let request = self.0;\n{set}Self(request) }}\n",
            name = param.name,
            set = set_call(how, &param.name, "value", &expr),
        )
        .map_err(|e| e.to_string())?;
    }
    out.push_str(&header_setters(op, &mut taken, true));
    out.push_str("}\n\n");
    Ok(out)
}

/// The filters of a listing, each with its method's name (named apart from `ListRequest`'s
/// methods, kept in `taken`): its optional query parameters, but the paging ones of a
/// numbered listing, which the pager sets.
fn list_filters<'a>(op: &'a Op, taken: &mut Taken) -> Vec<(String, &'a Param)> {
    for m in LIST_METHODS {
        taken.reserve(m);
    }
    let numbered = matches!(op.answer, Answer::Numbered { .. });
    op.query
        .iter()
        .filter(|p| !(p.required || numbered && PAGING.contains(&p.name.as_str())))
        .map(|param| {
            let mut name = rust_ident(&param.name);
            if LIST_METHODS.contains(&name.as_str()) {
                name = format!("{}_filter", name.trim_start_matches("r#"));
            }
            (taken.unique(name), param)
        })
        .collect()
}

/// A setter per header parameter of `op` (named apart from the names in `taken`): on a
/// newtype over the request (a typed write or fetch), or on the `ListRequest` itself.
fn header_setters(op: &Op, taken: &mut Taken, newtype: bool) -> String {
    let mut out = String::new();
    for (setter, header) in header_names(op, taken) {
        let (ty, value) = if header.eq_ignore_ascii_case("X-Twilio-Webhook-Enabled") {
            ("bool", "if value { \"true\" } else { \"false\" }")
        } else {
            ("impl Into<String>", "value")
        };
        let body = if newtype {
            format!("Self(self.0.header({header:?}, {value}))")
        } else {
            format!("self.header({header:?}, {value})")
        };
        out.push_str(&format!(
            "/// The header `{header}`.\npub fn {setter}(self, value: {ty}) -> Self {{ {body} }}\n\n"
        ));
    }
    out
}

/// The setter of each header parameter of `op`, named apart from the names in `taken`.
fn header_names<'a>(op: &'a Op, taken: &mut Taken) -> Vec<(String, &'a str)> {
    op.headers
        .iter()
        .map(|header| (taken.unique(rust_ident(header)), header.as_str()))
        .collect()
}

/// A sample value of a type: (Rust expression, the text it is sent as, as a Rust expression).
fn sample(
    product: &Product,
    file: &SpecFile,
    names: &FileNames,
    ty: &Ty,
    query: bool,
) -> Result<(String, String), String> {
    let model = product.model_module(file);
    Ok(match ty {
        Ty::Sid(prefix) => {
            let sid = format!("{prefix}{}", "0123456789abcdef".repeat(2));
            (format!("{sid:?}.parse().unwrap()"), format!("{sid:?}"))
        }
        Ty::String if query => ("\"a b&c\"".to_owned(), "\"a b&c\"".to_owned()),
        Ty::String => (
            "\"Hi & bye = 100% #1 😀\\n日本\"".to_owned(),
            "\"Hi & bye = 100% #1 😀\\n日本\"".to_owned(),
        ),
        Ty::Decimal => ("\"0.75\"".to_owned(), "\"0.75\"".to_owned()),
        Ty::Integer => ("-7".to_owned(), "\"-7\"".to_owned()),
        Ty::Bool => ("false".to_owned(), "\"false\"".to_owned()),
        Ty::Enum(c) => {
            let rust = format!("twilio_model::{model}::{}", names.enums[c]);
            (
                format!("{rust}::KNOWN[0].clone()"),
                format!("{rust}::KNOWN[0].as_str()"),
            )
        }
        Ty::HttpMethod => (
            "twilio_model::HttpMethod::KNOWN[0].clone()".to_owned(),
            "twilio_model::HttpMethod::KNOWN[0].as_str()".to_owned(),
        ),
        Ty::Object | Ty::Array | Ty::Any => (
            "r#\"{\"a\": [1, \"x\"]}\"#".to_owned(),
            "r#\"{\"a\": [1, \"x\"]}\"#".to_owned(),
        ),
        Ty::Many(inner) => {
            let (v, t) = sample(product, file, names, inner, query)?;
            let v = if matches!(
                inner.as_ref(),
                Ty::String | Ty::Decimal | Ty::Object | Ty::Array | Ty::Any
            ) {
                format!("{v}.to_owned()")
            } else {
                v
            };
            (format!("[{v}, {v}]"), format!("MANY:{t}"))
        }
    })
}

fn tests(product: &Product, all_names: &[FileNames], tree: &Tree) -> Result<String, String> {
    let (accessor, _) = accessor_of(product);
    let mut out = format!(
        "//! `{name}`: every operation against its spec (method, host, path, query, body).\n\n\
         #![allow(clippy::unwrap_used)]\n\n#[allow(unused_imports)]\nuse super::{{client, pairs, path, query, sorted}};\n\n\
         /// The product's operations go to its host, with region and edge applied.\n#[test]\nfn host() {{\n    assert_eq!(client().origin({host:?}), \"https://{host}.twilio.com\");\n}}\n\n",
        name = product.name,
        host = product.host(),
    );
    let mut taken = Taken::default();
    for ((version, key), node) in tree {
        for ((fi, oi), method) in node.ops.iter().zip(&node.op_methods) {
            let file = &product.files[*fi];
            let names = &all_names[*fi];
            let op = &file.ops[*oi];
            // The walk.
            let mut walk = format!("client().{accessor}().{}()", rust_ident(version));
            let mut expected_path = format!("/{version}");
            let mut params = op.path_params.iter();
            for i in 1..=key.len() {
                let prefix = key[..i].to_vec();
                let parent_key =
                    if key[i - 1] == Tok::Param && i >= 2 && matches!(key[i - 2], Tok::Static(_)) {
                        key[..i - 2].to_vec()
                    } else {
                        key[..i - 1].to_vec()
                    };
                if let Tok::Static(s) = &key[i - 1] {
                    expected_path.push('/');
                    expected_path.push_str(s);
                    if key.get(i) == Some(&Tok::Param) {
                        continue;
                    }
                }
                let parent = &tree[&(version.clone(), parent_key)];
                let (acc, _, param) = parent
                    .children
                    .iter()
                    .find(|(_, k, _)| *k == prefix)
                    .ok_or_else(|| format!("{}: no accessor to {prefix:?}", op.id))?;
                match param {
                    None => write!(walk, ".{acc}()").map_err(|e| e.to_string())?,
                    Some(node_param) => {
                        params.next().ok_or("fewer parameters")?;
                        let (value, text) = match &node_param.ty {
                            Ty::Sid(prefix) => {
                                let sid = format!("{prefix}{}", "0123456789abcdef".repeat(2));
                                (format!("{sid:?}.parse().unwrap()"), sid)
                            }
                            _ => ("\"a b/c\"".to_owned(), "a%20b%2Fc".to_owned()),
                        };
                        write!(walk, ".{acc}({value})").map_err(|e| e.to_string())?;
                        expected_path.push('/');
                        expected_path.push_str(&text);
                    }
                }
            }
            // The arguments.
            let mut args = Vec::new();
            let mut expected_query = Vec::new();
            let mut expected_body = Vec::new();
            for (param, how) in op_args(op) {
                let (value, text) = sample(product, file, names, &param.ty, how == "query")?;
                args.push(value);
                let list = if how == "query" {
                    &mut expected_query
                } else {
                    &mut expected_body
                };
                match text.strip_prefix("MANY:") {
                    Some(t) => {
                        list.push(format!("({:?}.to_owned(), ({t}).to_owned())", param.name));
                        list.push(format!("({:?}.to_owned(), ({t}).to_owned())", param.name));
                    }
                    None => list.push(format!(
                        "({:?}.to_owned(), ({text}).to_owned())",
                        param.name
                    )),
                }
            }
            let json = op.body == BodyKind::Json;
            // The typed bodies: each of the spec's examples, decoded into the body's type, or
            // else one built from the required members; with the JSON each must send.
            let mut variants: Vec<(String, String, String)> = Vec::new();
            if json {
                let model = product.model_module(file);
                let ty = names
                    .bodies
                    .ops
                    .get(oi)
                    .ok_or_else(|| format!("{}: no body type", op.id))?;
                for (name, example) in &op.body_examples {
                    // Built with the body's types from the example, where they can say it.
                    let Some(expr) =
                        super::bodies::example_expr(&names.bodies, &model, ty, example)
                    else {
                        continue;
                    };
                    let text = serde_json::to_string(example).map_err(|e| e.to_string())?;
                    let h = super::hashes(&text);
                    variants.push((
                        format!("_{}", rust_ident(name).trim_start_matches("r#")),
                        expr,
                        format!("r{h}\"{text}\"{h}"),
                    ));
                }
                if variants.is_empty() {
                    let (expr, value) = super::bodies::sample(&names.bodies, &model, ty, 0);
                    let text = serde_json::to_string(&value).map_err(|e| e.to_string())?;
                    let h = super::hashes(&text);
                    variants.push((String::new(), expr, format!("r{h}\"{text}\"{h}")));
                }
            } else {
                variants.push((String::new(), String::new(), String::new()));
            }
            for (suffix, body_expr, body_json) in variants {
                let mut args = args.clone();
                let mut expected_query = expected_query.clone();
                let mut expected_body = expected_body.clone();
                if json {
                    args.push(body_expr);
                }
                let test = taken.unique(format!(
                    "{}_{}{suffix}",
                    rust_ident(file.spec_module.as_deref().unwrap_or(version))
                        .trim_start_matches("r#"),
                    rust_ident(&op.id).trim_start_matches("r#")
                ));
                let mut call = format!("{walk}.{method}({})", args.join(", "));
                let mut header_check = String::new();
                let mut binding = "request";
                let list = op.method == "GET"
                    && matches!(op.answer, Answer::Meta { .. } | Answer::Numbered { .. })
                    && names.lists.contains_key(oi);
                if op.method == "GET" && !op.headers.is_empty() {
                    // Every header parameter through its setter.
                    let mut htaken = Taken::default();
                    if list {
                        list_filters(op, &mut htaken);
                    } else {
                        for name in RESERVED {
                            htaken.reserve(name);
                        }
                    }
                    let mut expected_headers = Vec::new();
                    for (setter, header) in header_names(op, &mut htaken) {
                        write!(call, "\n        .{setter}(\"v1\")").map_err(|e| e.to_string())?;
                        expected_headers.push(format!("({header:?}, \"v1\")"));
                    }
                    if !list {
                        call = format!("{call};\n    let request = typed.request()");
                        binding = "typed";
                    }
                    write!(
                    header_check,
                    "    let headers: Vec<(&str, &str)> = request.headers().map(|(n, v)| (n, v.to_str().unwrap())).collect();\n    assert_eq!(headers, vec![{}]);\n",
                    expected_headers.join(", ")
                )
                .map_err(|e| e.to_string())?;
                }
                if op.method != "GET" {
                    // Every optional parameter and header through its setter.
                    for (setter, param, how) in setters(op) {
                        let (value, text) =
                            sample(product, file, names, &param.ty, how == "query")?;
                        write!(call, "\n        .{setter}({value})").map_err(|e| e.to_string())?;
                        let list = if how == "query" {
                            &mut expected_query
                        } else {
                            &mut expected_body
                        };
                        let text = text
                            .strip_prefix("MANY:")
                            .map_or(text.clone(), str::to_owned);
                        let pair = format!("({:?}.to_owned(), ({text}).to_owned())", param.name);
                        if matches!(param.ty, Ty::Many(_)) {
                            list.push(pair.clone());
                        }
                        list.push(pair);
                    }
                    let mut expected_headers = Vec::new();
                    let mut htaken = Taken::default();
                    for reserved in RESERVED {
                        htaken.reserve(reserved);
                    }
                    for (setter, ..) in setters(op) {
                        htaken.reserve(&setter);
                    }
                    for header in &op.headers {
                        let setter = htaken.unique(rust_ident(header));
                        let (value, text) =
                            if header.eq_ignore_ascii_case("X-Twilio-Webhook-Enabled") {
                                ("true", "true")
                            } else {
                                ("\"v1\"", "v1")
                            };
                        write!(call, "\n        .{setter}({value})").map_err(|e| e.to_string())?;
                        expected_headers.push(format!("({header:?}, {text:?})"));
                    }
                    call = format!("{call};\n    let request = typed.request()");
                    binding = "typed";
                    write!(
                    header_check,
                    "    let headers: Vec<(&str, &str)> = request.headers().map(|(n, v)| (n, v.to_str().unwrap())).collect();\n    assert_eq!(headers, vec![{}]);\n",
                    expected_headers.join(", ")
                )
                .map_err(|e| e.to_string())?;
                }
                let uri_expr = if list {
                    "request.first_page_uri()"
                } else {
                    "request.uri()"
                };
                let mut body_check = String::new();
                if op.method != "GET" {
                    if json {
                        write!(
                        body_check,
                        "    let (content_type, text) = request.body().unwrap();\n    assert_eq!(content_type, \"application/json\");\n    super::assert_same_json(&text, {body_json});\n"
                    )
                    .map_err(|e| e.to_string())?;
                    } else if op.body == BodyKind::Form {
                        write!(
                        body_check,
                        "    let (content_type, text) = request.body().unwrap_or((\"application/x-www-form-urlencoded\", String::new()));\n    assert_eq!(content_type, \"application/x-www-form-urlencoded\");\n    assert_eq!(pairs(&text), sorted(vec![{}]));\n",
                        expected_body.join(", ")
                    )
                    .map_err(|e| e.to_string())?;
                    } else {
                        body_check.push_str("    assert_eq!(request.body(), None);\n");
                    }
                }
                let retry = if matches!(op.method.as_str(), "GET" | "DELETE" | "PUT") {
                    ""
                } else {
                    "!"
                };
                writeln!(
                out,
                "/// `{m} {p}`\n#[test]\nfn {test}() {{\n    let {binding} = {call};\n    let operation = request.operation();\n    assert_eq!(operation.id, {id:?});\n    assert_eq!(operation.method, http::Method::{m});\n    assert_eq!(operation.host, {host:?});\n    assert_eq!(operation.path, {p:?});\n    assert!({retry}operation.retry.is_idempotent());\n    let uri = {uri_expr};\n    assert_eq!(path(&uri), {expected_path:?});\n    assert_eq!(query(&uri), sorted(vec![{q}]));\n{body_check}{header_check}}}\n",
                m = op.method,
                p = op.path,
                id = op.id,
                host = op.host,
                q = expected_query.join(", "),
            )
            .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(out)
}
