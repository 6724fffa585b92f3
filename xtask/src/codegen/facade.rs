//! The facade's generated code: the resource tree (`crates/facade/src/generated/`), from the
//! reads' paths, and its generated tests (`crates/facade/tests/it/spec_paths/`, a module of
//! the crate's one test binary): every builder's path and query against the spec's template
//! and parameter names.
//!
//! A path such as `/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json` is a
//! walk down the tree: the account (`client.account(sid)`, or the client itself for the
//! credential's own account), a call (`.call(sid)`), its recordings (`.recordings()`), and
//! there `list()`. Every static segment is a node; a static segment followed by a parameter
//! is a collection whose instances the parent reaches with the singular name.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::GeneratedFile;
use super::model::{item_rust_name, list_names};
use super::names;
use super::spec::{Api, OpKind, Operation, Param, ParamType, Segment, WriteKind, WriteOp};

/// A node's key: its static segments, with `{}` for each parameter.
type Key = Vec<String>;

#[derive(Default)]
struct Node<'a> {
    list: Option<&'a Operation>,
    fetch: Option<&'a Operation>,
    create: Option<&'a WriteOp>,
    update: Option<&'a WriteOp>,
    delete: Option<&'a WriteOp>,
    /// The type of the node's own parameter, for an instance node.
    param: Option<ParamType>,
    /// The spec's names of that parameter (`Sid`, `CallSid`), for docs.
    param_names: Vec<String>,
}

/// The methods every `ListRequest` has, which no filter may shadow.
const LIST_METHODS: &[&str] = &[
    "page_size",
    "limit",
    "from_page",
    "prefetch",
    "query",
    "stream",
    "pages",
    "collect",
    "collect_partial",
    "first_page_uri",
    "filter",
];

pub(crate) fn generate(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    let nodes = tree(api)?;
    let resources = resources(api, &nodes)?;
    let filters = filters(api)?;
    let tests = path_tests(api, &nodes)?;
    let operations = operations(api)?;
    let writes = super::writes::builders(api)?;
    let write_tests = super::writes::tests(api)?;
    Ok(vec![
        GeneratedFile::rust("crates/facade/src/generated/mod.rs", MOD_RS),
        GeneratedFile::rust("crates/facade/src/generated/operations.rs", &operations),
        GeneratedFile::rust("crates/facade/src/generated/writes.rs", &writes),
        GeneratedFile::rust("crates/facade/tests/it/spec_writes/mod.rs", &write_tests),
        GeneratedFile::rust("crates/facade/src/generated/resources.rs", &resources),
        GeneratedFile::rust("crates/facade/src/generated/filters.rs", &filters),
        GeneratedFile::rust("crates/facade/tests/it/spec_paths/mod.rs", &tests),
    ])
}

const MOD_RS: &str = r#"//! The resource tree of every read of the 2010-04-01 API, generated from Twilio's OpenAPI
//! description: one `…Resource` type per path (`resources`), the typed filters of each
//! list (`filters`), and every operation of the spec as data (`operations`).

// The spec's descriptions are Twilio's Markdown: links in brackets and bare URLs.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::bare_urls, rustdoc::invalid_html_tags)]

mod filters;
pub mod operations;
pub(crate) mod products;
pub mod resources;
pub mod writes;
"#;

/// The name of an operation's descriptor in `operations.rs`: `CreateMessage` →
/// `CREATE_MESSAGE`.
pub(crate) fn operation_const(id: &str) -> String {
    names::snake(id).to_uppercase()
}

/// `operations.rs`: one `Operation` per operation of the spec, any method.
fn operations(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "//! Every operation of the 2010-04-01 API as data: method, product host, path template\n\
         //! and parameters, body, success statuses and retry safety. The resource tree's requests\n\
         //! run them through the client's one request path.\n\n\
         use crate::operation::{BodyKind, Operation};\n\n",
    );
    let list = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut seen = std::collections::BTreeSet::new();
    for op in &api.all {
        let name = operation_const(&op.id);
        if !seen.insert(name.clone()) {
            return Err(format!("two operations are named {name}"));
        }
        let success: Vec<String> = op.success.iter().map(u16::to_string).collect();
        writeln!(
            out,
            "/// `{method} {path}` (`{id}`).\npub static {name}: Operation = Operation::new({id:?}, http::Method::{method}, {host:?}, {path:?})\n    .path_params(&[{path_params}])\n    .query_params(&[{query_params}])\n    .body(BodyKind::{body}, &[{body_params}])\n    .success(&[{success}]);\n",
            method = op.method,
            path = op.path,
            id = op.id,
            host = op.host,
            path_params = list(&op.path_params),
            query_params = list(&op.query_params),
            body = op.body,
            body_params = list(&op.body_params),
            success = success.join(", "),
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn key_of(segments: &[Segment]) -> Key {
    segments
        .iter()
        .map(|s| match s {
            Segment::Static(name) => name.clone(),
            Segment::Param(_) => "{}".to_owned(),
        })
        .collect()
}

fn segments_of(key: &[String]) -> Vec<Segment> {
    key.iter()
        .map(|s| {
            if s == "{}" {
                Segment::Param(String::new())
            } else {
                Segment::Static(s.clone())
            }
        })
        .collect()
}

pub(crate) fn type_name(key: &[String]) -> String {
    format!("{}Resource", names::path_name(&segments_of(key)))
}

/// Every node of the tree, each prefix of each operation's path.
fn tree(api: &Api) -> Result<BTreeMap<Key, Node<'_>>, String> {
    let mut nodes: BTreeMap<Key, Node<'_>> = BTreeMap::new();
    for op in &api.operations {
        let key = walk(&mut nodes, &op.path, &op.segments, &op.path_params)?;
        let node = nodes.get_mut(&key).ok_or("the node was just made")?;
        let slot = match op.kind {
            OpKind::List => &mut node.list,
            OpKind::Fetch => &mut node.fetch,
        };
        if slot.replace(op).is_some() {
            return Err(format!("two reads of the same kind on {}", op.path));
        }
    }
    for op in &api.writes {
        let key = walk(&mut nodes, &op.path, &op.segments, &op.path_params)?;
        let node = nodes.get_mut(&key).ok_or("the node was just made")?;
        let slot = match op.kind {
            WriteKind::Create => &mut node.create,
            WriteKind::Update => &mut node.update,
            WriteKind::Delete => &mut node.delete,
        };
        if slot.replace(op).is_some() {
            return Err(format!("two writes of the same kind on {}", op.path));
        }
    }
    Ok(nodes)
}

/// The path parameters of `segments` with the types the tree gives them (a parameter one
/// operation leaves unconstrained takes the SID type of the resource's other operations).
pub(crate) fn resolved_params(
    api: &Api,
    segments: &[Segment],
    path_params: &[Param],
) -> Result<Vec<Param>, String> {
    let nodes = tree(api)?;
    let key = key_of(segments);
    let mut params = path_params.iter();
    let mut out = Vec::new();
    for end in 1..=key.len() {
        if let Some(Segment::Param(_)) = segments.get(end - 1) {
            let mut param = params
                .next()
                .ok_or("fewer parameters than in the path")?
                .clone();
            if let Some(ty) = nodes.get(&key[..end]).and_then(|node| node.param.clone()) {
                param.ty = ty;
            }
            out.push(param);
        }
    }
    Ok(out)
}

/// Makes the nodes of every prefix of `segments`, checking each parameter's type against
/// the other paths through the same node; returns the last node's key.
fn walk<'a>(
    nodes: &mut BTreeMap<Key, Node<'a>>,
    path: &str,
    segments: &[Segment],
    path_params: &[Param],
) -> Result<Key, String> {
    let key = key_of(segments);
    let mut params = path_params.iter();
    for end in 1..=key.len() {
        let node = nodes.entry(key[..end].to_vec()).or_default();
        if let Some(Segment::Param(name)) = segments.get(end - 1) {
            let param = params.next().ok_or("fewer parameters than in the path")?;
            // A parameter the spec leaves unconstrained in one operation takes the SID type
            // the resource's other operations give it.
            match (&node.param, &param.ty) {
                (Some(ParamType::Sid(_)), ParamType::String) => {}
                (Some(ParamType::String) | None, _) => node.param = Some(param.ty.clone()),
                (Some(existing), ty) if existing != ty => {
                    return Err(format!(
                        "{path}: parameter {name} is a {ty:?} here but a {existing:?} elsewhere"
                    ));
                }
                _ => {}
            }
            if !node.param_names.contains(name) {
                node.param_names.push(name.clone());
            }
        }
    }
    Ok(key)
}

/// The Rust type of an instance node's parameter, and how it is written into the path.
fn param_rust(ty: &ParamType) -> Result<(String, &'static str), String> {
    Ok(match ty {
        ParamType::Sid(kind) => (kind.rust.to_owned(), "sid"),
        ParamType::String => ("String".to_owned(), "text"),
        other => return Err(format!("no path parameter type for {other:?}")),
    })
}

/// An accessor from a node to a child: its method name, parameter and the child's type.
struct Accessor {
    method: String,
    /// `(name, Rust type, kind)` of the instance parameter.
    param: Option<(String, String, &'static str)>,
    segment: String,
    child: String,
    doc: String,
}

fn accessors(key: &[String], nodes: &BTreeMap<Key, Node<'_>>) -> Result<Vec<Accessor>, String> {
    let mut out: Vec<Accessor> = Vec::new();
    for (child_key, child) in nodes.range(key.to_vec()..) {
        if !child_key.starts_with(key) {
            break;
        }
        let extra = &child_key[key.len()..];
        let (segment, param) = match extra {
            [segment] if segment != "{}" => (segment, None),
            [segment, p] if p == "{}" && segment != "{}" => {
                let ty = child
                    .param
                    .as_ref()
                    .ok_or("an instance without a parameter")?;
                (segment, Some(ty))
            }
            _ => continue,
        };
        let word = names::snake(segment);
        let (method, param) = match param {
            None => (word, None),
            Some(ty) => {
                let singular = names::snake(&names::singular(segment));
                let method = if singular == word {
                    format!("{singular}_item")
                } else {
                    singular
                };
                let (rust, how) = param_rust(ty)?;
                let name = match ty {
                    ParamType::Sid(_) => "sid".to_owned(),
                    _ => names::snake(child.param_names.first().map_or("id", String::as_str)),
                };
                (method, Some((name, rust, how)))
            }
        };
        let what = match &param {
            None => format!("`{segment}`"),
            Some(_) => format!("one of `{segment}`"),
        };
        out.push(Accessor {
            doc: format!("/// {what}: [`{}`].\n", type_name(child_key)),
            method: names::ident(&method),
            param,
            segment: segment.clone(),
            child: type_name(child_key),
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    for a in &out {
        if !seen.insert(a.method.clone())
            || [
                "path",
                "sid",
                "list",
                "fetch",
                "list_raw",
                "fetch_raw",
                "create",
                "update",
                "delete",
            ]
            .contains(&a.method.as_str())
        {
            return Err(format!(
                "{}: two accessors named {}",
                type_name(key),
                a.method
            ));
        }
    }
    Ok(out)
}

fn accessor_body(a: &Accessor, this_path: &str) -> String {
    match &a.param {
        None => format!(
            "{child} {{ client: {client}, path: format!(\"{{}}/{seg}\", {this_path}) }}",
            child = a.child,
            client = if this_path == "self.path" {
                "self.client.clone()"
            } else {
                "self.clone()"
            },
            seg = a.segment,
        ),
        Some((name, _, how)) => {
            let (bind, written) = if *how == "sid" {
                (String::new(), format!("{name}.as_str()"))
            } else {
                (
                    format!("let {name}: String = {name}.into(); "),
                    format!("crate::path::segment(&{name})"),
                )
            };
            format!(
                "{bind}{child} {{ client: {client}, path: format!(\"{{}}/{seg}/{{}}\", {this_path}, {written}), id: {name} }}",
                child = a.child,
                client = if this_path == "self.path" {
                    "self.client.clone()"
                } else {
                    "self.clone()"
                },
                seg = a.segment,
            )
        }
    }
}

fn accessor_signature(a: &Accessor) -> String {
    match &a.param {
        None => format!("pub fn {}(&self) -> {}", a.method, a.child),
        Some((name, rust, how)) => {
            let ty = if *how == "sid" {
                format!("twilio_model::{rust}")
            } else {
                "impl Into<String>".to_owned()
            };
            format!("pub fn {}(&self, {name}: {ty}) -> {}", a.method, a.child)
        }
    }
}

fn resources(api: &Api, nodes: &BTreeMap<Key, Node<'_>>) -> Result<String, String> {
    let mut out = String::from(
        "//! One type per path of the 2010-04-01 reads: a node of the resource tree, reached from\n\
         //! [`Client`](crate::Client) and holding the path so far.\n\n\
         use crate::fetch::FetchRequest;\nuse crate::list::ListRequest;\nuse crate::write::WriteRequest;\nuse crate::Client;\nuse super::operations;\nuse super::writes;\n\n",
    );
    for (key, node) in nodes {
        let name = type_name(key);
        let template = format!("/2010-04-01/{}", key.join("/"));
        let description = node
            .list
            .or(node.fetch)
            .map(|op| op.description.trim().to_owned())
            .filter(|d| !d.is_empty())
            .or_else(|| {
                node.create
                    .or(node.update)
                    .or(node.delete)
                    .map(|op| op.summary.trim().to_owned())
                    .filter(|d| !d.is_empty())
            });
        let mut doc = format!("/// `{template}`");
        match &description {
            Some(d) => {
                doc.push_str(": ");
                doc.push_str(names::doc(d).trim_start_matches("/// "));
            }
            None => doc.push('\n'),
        }
        let id_field = match &node.param {
            Some(ty) if key.last().is_some_and(|s| s == "{}") => {
                let (rust, how) = param_rust(ty)?;
                Some(if how == "sid" {
                    format!("twilio_model::{rust}")
                } else {
                    rust
                })
            }
            _ => None,
        };
        write!(
            out,
            "{doc}#[derive(Debug, Clone)]\n#[must_use]\npub struct {name} {{\n    pub(crate) client: Client,\n    pub(crate) path: String,\n{}}}\n\nimpl {name} {{\n",
            id_field.as_ref().map(|t| format!("    pub(crate) id: {t},\n")).unwrap_or_default()
        )
        .map_err(|e| e.to_string())?;
        if let Some(ty) = &id_field {
            let (getter, ret, body) = if ty == "String" {
                let getter = names::snake(node.param_names.first().map_or("id", String::as_str));
                (getter, "&str".to_owned(), "&self.id")
            } else {
                ("sid".to_owned(), format!("&{ty}"), "&self.id")
            };
            writeln!(out, "/// The {} of this resource in the path.\npub fn {getter}(&self) -> {ret} {{ {body} }}\n", node.param_names.join(" / "))
                .map_err(|e| e.to_string())?;
        }
        if node.list.is_some()
            || node.fetch.is_some()
            || node.create.is_some()
            || node.update.is_some()
            || node.delete.is_some()
        {
            out.push_str(
                "/// The path of this resource, relative to the API host.\n\
                 pub fn path(&self) -> String { format!(\"{}.json\", self.path) }\n\n",
            );
        }
        if let Some(op) = node.list {
            let (_, page) = list_names(api, op);
            let raw = format!(
                "twilio_model::Page<twilio_model::Raw<twilio_model::{}>>",
                list_names(api, op).0
            );
            let summary = names::doc(&op.summary);
            writeln!(
                out,
                "{summary}///\n/// `GET {path}`. Configure the listing (filters, `limit`, `page_size`), then\n/// `.stream()`, `.pages()` or `.collect()`.\npub fn list(&self) -> ListRequest<twilio_model::{page}> {{ ListRequest::new(&self.client, &operations::{op_const}, self.path()) }}\n\n\
                 /// Like [`list`](Self::list), with each item as the exact JSON object the API sent\n/// (`serde_json::value::RawValue`), for exports: no decoding beyond validation.\npub fn list_raw(&self) -> ListRequest<{raw}> {{ ListRequest::new(&self.client, &operations::{op_const}, self.path()) }}\n",
                path = op.path,
                op_const = operation_const(&op.id),
            )
            .map_err(|e| e.to_string())?;
        }
        if let Some(op) = node.fetch {
            let item = item_rust_name(api, &op.item_schema)?;
            let summary = names::doc(&op.summary);
            let note = if op.success_status == 307 {
                "\n///\n/// Twilio answers with a `307` redirect to the data: the result's `redirect_to`\n/// says where it is (from the body, or the `Location` header)."
            } else {
                ""
            };
            writeln!(
                out,
                "{summary}///\n/// `GET {path}`.{note}\npub fn fetch(&self) -> FetchRequest<twilio_model::{item}> {{ FetchRequest::new(&self.client, &operations::{op_const}, self.path()) }}\n\n\
                 /// Like [`fetch`](Self::fetch), as the exact JSON object the API sent.\npub fn fetch_raw(&self) -> FetchRequest<Box<serde_json::value::RawValue>> {{ FetchRequest::new(&self.client, &operations::{op_const}, self.path()) }}\n",
                path = op.path,
                op_const = operation_const(&op.id),
            )
            .map_err(|e| e.to_string())?;
        }
        for write in [node.create, node.update, node.delete]
            .into_iter()
            .flatten()
        {
            out.push_str(&super::writes::tree_method(api, write)?);
        }
        for a in accessors(key, nodes)? {
            writeln!(
                out,
                "{}{} {{ {} }}\n",
                a.doc,
                accessor_signature(&a),
                accessor_body(&a, "self.path")
            )
            .map_err(|e| e.to_string())?;
        }
        out.push_str("}\n\n");
    }

    // The client: the accounts, one account, and everything of the credential's own account.
    let accounts = vec!["Accounts".to_owned()];
    let account = vec!["Accounts".to_owned(), "{}".to_owned()];
    let accounts_name = type_name(&accounts);
    let account_name = type_name(&account);
    if !nodes.contains_key(&accounts) || !nodes.contains_key(&account) {
        return Err("the spec has no /Accounts reads".to_owned());
    }
    write!(
        out,
        "/// The resource tree, from the client. Everything under an account is also reachable\n\
         /// from the client itself, for the credential's own account\n\
         /// ([`Client::account_sid`]): `client.calls()` is `client.account(own).calls()`.\n\
         impl Client {{\n\
         /// Every account these credentials reach: the credential's own and its subaccounts.\n\
         pub fn accounts(&self) -> {accounts_name} {{ {accounts_name} {{ client: self.clone(), path: \"/2010-04-01/Accounts\".to_owned() }} }}\n\n\
         /// One account, for example a subaccount: everything under it, and its own fetch.\n\
         pub fn account(&self, sid: twilio_model::AccountSid) -> {account_name} {{ {account_name} {{ client: self.clone(), path: format!(\"/2010-04-01/Accounts/{{}}\", sid.as_str()), id: sid }} }}\n\n\
         fn own_account(&self) -> {account_name} {{ self.account(self.account_sid().clone()) }}\n\n"
    )
    .map_err(|e| e.to_string())?;
    for a in accessors(&account, nodes)? {
        let call = match &a.param {
            None => format!("self.own_account().{}()", a.method),
            Some((name, ..)) => format!("self.own_account().{}({name})", a.method),
        };
        writeln!(
            out,
            "{}/// Of the credential's own account.\n{} {{ {call} }}\n",
            a.doc,
            accessor_signature(&a)
        )
        .map_err(|e| e.to_string())?;
    }
    out.push_str("}\n");
    Ok(out)
}

/// The Rust parameter type of a filter and the expression that writes it.
fn filter_rust(ty: &ParamType) -> (String, &'static str) {
    match ty {
        ParamType::Sid(kind) => (format!("twilio_model::{}", kind.rust), "value.as_str()"),
        ParamType::String | ParamType::PhoneNumber => {
            ("impl Into<String>".to_owned(), "value.into()")
        }
        ParamType::Date => ("time::Date".to_owned(), "crate::query::date(value)"),
        ParamType::DateTime => (
            "impl Into<crate::DateFilter>".to_owned(),
            "value.into().to_query()",
        ),
        ParamType::Bool => (
            "bool".to_owned(),
            "if value { \"true\" } else { \"false\" }",
        ),
        ParamType::Integer => ("i64".to_owned(), "value.to_string()"),
        ParamType::Enum(component) => (
            format!("twilio_model::{}", super::model::enum_rust_name(component)),
            "value.as_str()",
        ),
    }
}

/// The filter methods' name of a query parameter.
pub(crate) fn filter_method(name: &str) -> String {
    names::ident(&names::snake(name))
}

fn filters(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "//! The typed filters of each list: its query parameters as builder methods on its\n\
         //! `ListRequest` (typed and raw alike).\n\n\
         use crate::list::list_filters;\n\n",
    );
    for op in api
        .operations
        .iter()
        .filter(|op| op.kind == OpKind::List && !op.query.is_empty())
    {
        let (marker, _) = list_names(api, op);
        let marker = format!("twilio_model::{marker}");
        write!(out, "list_filters! {{\n{marker} {{\n").map_err(|e| e.to_string())?;
        for param in &op.query {
            let method = filter_method(&param.name);
            if LIST_METHODS.contains(&method.as_str()) {
                return Err(format!(
                    "{}: filter {} shadows a ListRequest method",
                    op.id, param.name
                ));
            }
            let (ty, expr) = filter_rust(&param.ty);
            let description = if param.description.trim().is_empty() {
                format!("The `{}` filter.", param.name)
            } else {
                param.description.clone()
            };
            write!(
                out,
                "{doc}///\n/// Sent as the query parameter `{name}`.\npub fn {method}(self, value: {ty}) -> Self {{ self.filter({name:?}, {expr}) }}\n\n",
                doc = names::doc(&description),
                name = param.name,
            )
            .map_err(|e| e.to_string())?;
        }
        out.push_str("}\n}\n\n");
    }
    Ok(out)
}

/// The walk down the tree to a path, from the client (the own account) with sample path
/// values, and the path it must give: `(client().call("CA…".parse().unwrap()).recordings(),
/// "/2010-04-01/Accounts/AC0…/Calls/CA…/Recordings.json")`.
pub(crate) fn sample_walk(
    path: &str,
    segs: &[Segment],
    path_params: &[Param],
) -> Result<(String, String), String> {
    let mut expr = String::from("client()");
    let mut expected = String::from("/2010-04-01");
    let mut params = path_params.iter();
    let scoped_own = matches!(segs, [Segment::Static(a), Segment::Param(p), _, ..] if a == "Accounts" && p == "AccountSid");
    let mut i = 0;
    if scoped_own {
        let _ = params.next();
        expected.push_str("/Accounts/AC00000000000000000000000000000000");
        i = 2;
    }
    while i < segs.len() {
        let Some(Segment::Static(segment)) = segs.get(i) else {
            return Err(format!("{path}: two parameters in a row"));
        };
        expected.push('/');
        expected.push_str(segment);
        let word = names::snake(segment);
        if let Some(Segment::Param(_)) = segs.get(i + 1) {
            let param = params.next().ok_or("fewer parameters")?;
            let singular = names::snake(&names::singular(segment));
            let method = if singular == word {
                format!("{singular}_item")
            } else {
                singular
            };
            let (value, text) = sample_path_value(&param.ty)?;
            write!(expr, ".{}({value})", names::ident(&method)).map_err(|e| e.to_string())?;
            expected.push('/');
            expected.push_str(&text);
            i += 2;
        } else {
            write!(expr, ".{}()", names::ident(&word)).map_err(|e| e.to_string())?;
            i += 1;
        }
    }
    expected.push_str(".json");
    Ok((expr, expected))
}

/// A sample value of a path parameter: a SID of the right kind, or `US`.
pub(crate) fn sample_path_value(ty: &ParamType) -> Result<(String, String), String> {
    Ok(match ty {
        ParamType::Sid(kind) => {
            let sid = format!("{}{}", kind.prefix, "0123456789abcdef".repeat(2));
            (format!("{sid:?}.parse().unwrap()"), sid)
        }
        ParamType::String => ("\"US\"".to_owned(), "US".to_owned()),
        other => return Err(format!("no sample for a path parameter {other:?}")),
    })
}

/// A sample value of a filter and its expected encoding in the query.
fn sample_filter(ty: &ParamType) -> (String, String) {
    match ty {
        ParamType::Sid(kind) => {
            let sid = format!("{}{}", kind.prefix, "fedcba9876543210".repeat(2));
            (format!("{sid:?}.parse().unwrap()"), sid)
        }
        ParamType::String => ("\"a b&c\"".to_owned(), "a+b%26c".to_owned()),
        ParamType::PhoneNumber => ("\"+15551234567\"".to_owned(), "%2B15551234567".to_owned()),
        ParamType::Date => (
            "time::macros::date!(2024-02-29)".to_owned(),
            "2024-02-29".to_owned(),
        ),
        ParamType::DateTime => (
            "time::macros::datetime!(2024-03-01 12:30:05 UTC)".to_owned(),
            "2024-03-01T12%3A30%3A05Z".to_owned(),
        ),
        ParamType::Bool => ("true".to_owned(), "true".to_owned()),
        ParamType::Integer => ("-7".to_owned(), "-7".to_owned()),
        ParamType::Enum(component) => (
            format!(
                "twilio_model::{}::KNOWN[0].clone()",
                super::model::enum_rust_name(component)
            ),
            "KNOWN".to_owned(),
        ),
    }
}

fn path_tests(api: &Api, nodes: &BTreeMap<Key, Node<'_>>) -> Result<String, String> {
    let _ = nodes;
    let mut out = String::from(
        "//! Every read's builder against the spec: the path it requests is the spec's template\n\
         //! with the parameters filled in, and each filter is sent under the spec's name,\n\
         //! encoded as Twilio's SDKs encode it (a table generated from the spec).\n\n\
         #![allow(clippy::unwrap_used)]\n\n\
         use twilio_api::{AccountSid, Client};\n\n\
         fn client() -> Client {\n\
             let account: AccountSid = \"AC00000000000000000000000000000000\".parse().unwrap();\n\
             Client::builder().auth_token(account, \"token\").build().unwrap()\n\
         }\n\n",
    );
    for op in &api.operations {
        let (expr, expected) = sample_walk(&op.path, &op.segments, &op.path_params)?;
        let test = names::snake(&op.id);
        match op.kind {
            OpKind::Fetch => writeln!(
                out,
                "/// `GET {path}`\n#[test]\nfn {test}() {{\n    let resource = {expr};\n    assert_eq!(resource.path(), {expected:?});\n    assert_eq!(resource.fetch().uri(), {expected:?});\n}}\n",
                path = op.path,
            ),
            OpKind::List => {
                let mut filters = String::new();
                let mut query = Vec::new();
                for param in &op.query {
                    let (value, encoded) = sample_filter(&param.ty);
                    write!(filters, ".{}({value})", filter_method(&param.name)).map_err(|e| e.to_string())?;
                    let key: String = url_encode(&param.name);
                    query.push((key, encoded, param.ty.clone()));
                }
                let mut checks = String::new();
                for (key, encoded, ty) in &query {
                    if let ParamType::Enum(component) = ty {
                        writeln!(checks, "    assert!(uri.contains(&format!(\"{key}={{}}\", twilio_model::{}::KNOWN[0])), \"{{uri}}\");", super::model::enum_rust_name(component)).map_err(|e| e.to_string())?;
                    } else {
                        writeln!(checks, "    assert!(uri.contains(\"{key}={encoded}\"), \"{{uri}}\");").map_err(|e| e.to_string())?;
                    }
                }
                writeln!(
                    out,
                    "/// `GET {path}`\n#[test]\nfn {test}() {{\n    let resource = {expr};\n    assert_eq!(resource.path(), {expected:?});\n    assert_eq!(resource.list().first_page_uri(), {expected:?});\n    let uri = resource.list(){filters}.first_page_uri();\n    assert!(uri.starts_with(concat!({expected:?}, \"{q}\")), \"{{uri}}\");\n    assert_eq!(uri.matches('&').count(), {amps});\n{checks}    assert_eq!(resource.list_raw(){filters}.first_page_uri(), uri);\n}}\n",
                    path = op.path,
                    q = if query.is_empty() { "" } else { "?" },
                    amps = query.len().saturating_sub(1),
                )
            }
        }
        .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The query key as `application/x-www-form-urlencoded` writes it (`StartTime>` →
/// `StartTime%3E`).
fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}
