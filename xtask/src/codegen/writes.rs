//! The facade's generated writes: one typed request per `POST` of the spec
//! (`crates/facade/src/generated/writes.rs`), the `create`/`update`/`delete` methods of the
//! resource tree that make them, and a test per write (`crates/facade/tests/it/spec_writes/`):
//! its method, path and form body against the spec.
//!
//! A write's required form parameters are the arguments of its tree method, so none can be
//! forgotten; every optional one is a setter named from the spec in snake case, with the
//! spec's text as docs. An indexed family (`Parameter1.Name` … `Parameter99.Value`) is one
//! setter taking the index. Everything is sent through the one generic `WriteRequest`: the
//! generated code only says which name each value goes under and how it is written.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::facade::{operation_const, resolved_params, sample_walk};
use super::model::{enum_rust_name, item_rust_name};
use super::names;
use super::spec::{Api, BodyParam, BodyType, ParamType, WriteKind, WriteOp};

/// The methods every typed write has, which no setter may shadow.
const RESERVED: &[&str] = &["send", "send_raw", "request", "new", "into_future", "clone"];

/// The name of a write's typed request: `CreateMessage` → `CreateMessageRequest`.
fn request_name(op: &WriteOp) -> String {
    format!("{}Request", op.id)
}

/// The Rust type a write answers with.
fn answer(api: &Api, op: &WriteOp) -> Result<String, String> {
    Ok(match &op.item_schema {
        Some(schema) => format!("twilio_model::{}", item_rust_name(api, schema)?),
        None => "()".to_owned(),
    })
}

/// How one value is taken (the Rust type of the argument) and written (an expression of
/// `value` that gives a `String` or `&str`).
fn one(ty: &ParamType) -> (String, &'static str) {
    match ty {
        ParamType::Sid(kind) => (format!("twilio_model::{}", kind.rust), "value.as_str()"),
        ParamType::String | ParamType::PhoneNumber => ("impl Into<String>".to_owned(), "value"),
        ParamType::Date => ("time::Date".to_owned(), "crate::query::date(value)"),
        ParamType::DateTime => (
            "time::OffsetDateTime".to_owned(),
            "crate::DateFilter::from(value).to_query()",
        ),
        ParamType::Bool => (
            "bool".to_owned(),
            "if value { \"true\" } else { \"false\" }",
        ),
        ParamType::Integer => ("i64".to_owned(), "value.to_string()"),
        ParamType::Enum(component) => (
            format!("twilio_model::{}", enum_rust_name(component)),
            "value.as_str()",
        ),
    }
}

/// One setter (or required argument) of a write: an ordinary parameter, or an indexed family.
enum Setter<'a> {
    Plain(&'a BodyParam),
    Family {
        prefix: String,
        suffix: String,
        max: u32,
        param: &'a BodyParam,
    },
}

/// `Parameter12.Name` → `("Parameter", 12, ".Name")`.
pub(crate) fn family_of(name: &str) -> Option<(String, u32, String)> {
    let digits_start = name.find(|c: char| c.is_ascii_digit())?;
    let rest = &name[digits_start..];
    let digits_end = rest.find(|c: char| !c.is_ascii_digit())?;
    let suffix = &rest[digits_end..];
    if !suffix.starts_with('.') || digits_start == 0 {
        return None;
    }
    let index = rest[..digits_end].parse().ok()?;
    Some((name[..digits_start].to_owned(), index, suffix.to_owned()))
}

/// The setters of a write, families folded into one each, in the spec's order.
fn setters(op: &WriteOp) -> Result<Vec<Setter<'_>>, String> {
    let mut families: BTreeMap<(String, String), (u32, u32, &BodyParam)> = BTreeMap::new();
    for param in &op.body {
        if let Some((prefix, index, suffix)) = family_of(&param.name) {
            let entry = families
                .entry((prefix, suffix))
                .or_insert((u32::MAX, 0, param));
            entry.0 = entry.0.min(index);
            entry.1 = entry.1.max(index);
        }
    }
    let mut out = Vec::new();
    let mut emitted = BTreeSet::new();
    for param in &op.body {
        match family_of(&param.name) {
            Some((prefix, _, suffix)) => {
                let key = (prefix.clone(), suffix.clone());
                let Some(&(min, max, first)) = families.get(&key) else {
                    continue;
                };
                if min != 1 || param.required {
                    return Err(format!(
                        "{}: family {prefix}N{suffix} starts at {min} or is required",
                        op.id
                    ));
                }
                if emitted.insert(key) {
                    out.push(Setter::Family {
                        prefix,
                        suffix,
                        max,
                        param: first,
                    });
                }
            }
            None => out.push(Setter::Plain(param)),
        }
    }
    Ok(out)
}

fn setter_name(setter: &Setter<'_>) -> String {
    match setter {
        Setter::Plain(param) => names::snake(&param.name),
        Setter::Family { prefix, suffix, .. } => {
            names::snake(&format!("{prefix}{}", suffix.trim_start_matches('.')))
        }
    }
}

/// The docs of a parameter: the spec's text, then what it is sent as.
fn param_doc(param: &BodyParam, sent_as: &str) -> String {
    let text = if param.description.trim().is_empty() {
        format!("The `{}` parameter.", param.name)
    } else {
        param.description.clone()
    };
    format!("{}///\n/// Sent as `{sent_as}`.\n", names::doc(&text))
}

/// The required arguments of a write: `(argument, Rust type, the `.param(..)` calls)`.
fn required_args(op: &WriteOp) -> Result<Vec<(String, String, String)>, String> {
    let mut out = Vec::new();
    for param in op.body.iter().filter(|p| p.required) {
        let arg = names::ident(&names::snake(&param.name));
        let (ty, call) = match &param.ty {
            BodyType::One(ty) => {
                let (rust, expr) = one(ty);
                (
                    rust,
                    format!(".param({:?}, {})", param.name, expr.replace("value", &arg)),
                )
            }
            BodyType::Decimal => (
                "impl Into<String>".to_owned(),
                format!(".param({:?}, {arg})", param.name),
            ),
            BodyType::Json => (
                "impl Into<String>".to_owned(),
                format!(".param_json({:?}, {arg})", param.name),
            ),
            BodyType::Many(_) => {
                return Err(format!("{}: a required array {}", op.id, param.name));
            }
        };
        out.push((arg, ty, call));
    }
    Ok(out)
}

/// The method of the resource tree that makes the write (on the node of its path).
pub(crate) fn tree_method(api: &Api, op: &WriteOp) -> Result<String, String> {
    let summary = names::doc(&op.summary);
    let constant = operation_const(&op.id);
    Ok(match op.kind {
        WriteKind::Delete => {
            if !op.body.is_empty() {
                return Err(format!("{}: a delete with a body", op.id));
            }
            let answer = answer(api, op)?;
            format!(
                "{summary}///\n/// `DELETE {path}`: `.await` it (or `.send()`); a `DELETE` may be repeated, so\n/// the transport retries it like a read.\npub fn delete(&self) -> WriteRequest<{answer}> {{ WriteRequest::new(&self.client, &operations::{constant}, self.path()) }}\n\n",
                path = op.path,
            )
        }
        WriteKind::Create | WriteKind::Update => {
            let method = if op.kind == WriteKind::Create {
                "create"
            } else {
                "update"
            };
            let args = required_args(op)?;
            let signature: Vec<String> = args
                .iter()
                .map(|(arg, ty, _)| format!("{arg}: {ty}"))
                .collect();
            let names: Vec<&str> = args.iter().map(|(arg, ..)| arg.as_str()).collect();
            let required: Vec<String> = op
                .body
                .iter()
                .filter(|p| p.required)
                .map(|p| format!("`{}`", p.name))
                .collect();
            let required_doc = if required.is_empty() {
                String::new()
            } else {
                format!(
                    "\n///\n/// The required parameters are its arguments: {}.",
                    required.join(", ")
                )
            };
            format!(
                "{summary}///\n/// `POST {path}`: set the optional parameters on the returned request, then\n/// `.await` it (or `.send()`). Sent once: never repeated once it may have been applied.{required_doc}\npub fn {method}(&self{comma}{signature}) -> writes::{name} {{ writes::{name}::new(&self.client, self.path(){comma}{names}) }}\n\n",
                path = op.path,
                comma = if args.is_empty() { "" } else { ", " },
                signature = signature.join(", "),
                names = names.join(", "),
                name = request_name(op),
            )
        }
    })
}

/// `writes.rs`: the typed request of every create and update.
pub(crate) fn builders(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "//! The typed requests of the 2010-04-01 writes: one per `POST`, made by the resource\n\
         //! tree's `create(..)` and `update(..)` (its required parameters as arguments), with a\n\
         //! setter per optional parameter. Each sends through [`WriteRequest`](crate::WriteRequest):\n\
         //! once, never repeated once it may have been applied.\n\n\
         // A write's required parameters are its constructor's arguments (an address has six).\n\
         #![allow(clippy::too_many_arguments)]\n\n\
         use super::operations;\n\
         use crate::write::{typed_write, WriteRequest};\n\
         use crate::Client;\n\n",
    );
    for op in api.writes.iter().filter(|op| op.kind != WriteKind::Delete) {
        let name = request_name(op);
        let answer = answer(api, op)?;
        let constant = operation_const(&op.id);
        writeln!(
            out,
            "typed_write! {{\n/// `POST {path}`: the request [`{method}`](super::resources) makes; set its optional\n/// parameters, then `.await` it.\n{name} => {answer}\n}}\n",
            path = op.path,
            method = if op.kind == WriteKind::Create { "create" } else { "update" },
        )
        .map_err(|e| e.to_string())?;
        let args = required_args(op)?;
        let signature: Vec<String> = args
            .iter()
            .map(|(arg, ty, _)| format!(", {arg}: {ty}"))
            .collect();
        let calls: String = args.iter().map(|(_, _, call)| call.as_str()).collect();
        writeln!(
            out,
            "impl {name} {{\npub(crate) fn new(client: &Client, path: String{}) -> Self {{ Self(WriteRequest::new(client, &operations::{constant}, path){calls}) }}\n",
            signature.concat(),
        )
        .map_err(|e| e.to_string())?;
        let mut seen = BTreeSet::new();
        for setter in setters(op)? {
            if let Setter::Plain(param) = &setter
                && param.required
            {
                continue;
            }
            let mut method = setter_name(&setter);
            if RESERVED.contains(&method.as_str()) {
                method.push_str("_param");
            }
            let method = names::ident(&method);
            if !seen.insert(method.clone()) {
                return Err(format!("{}: two setters named {method}", op.id));
            }
            match setter {
                Setter::Plain(param) => {
                    let doc = param_doc(param, &param.name);
                    let pname = &param.name;
                    let body = match &param.ty {
                        BodyType::One(ty) => {
                            let (rust, expr) = one(ty);
                            format!(
                                "pub fn {method}(self, value: {rust}) -> Self {{ Self(self.0.param({pname:?}, {expr})) }}"
                            )
                        }
                        BodyType::Decimal => format!(
                            "pub fn {method}(self, value: impl Into<String>) -> Self {{ Self(self.0.param({pname:?}, value)) }}"
                        ),
                        BodyType::Json => format!(
                            "pub fn {method}(self, value: impl Into<String>) -> Self {{ Self(self.0.param_json({pname:?}, value)) }}"
                        ),
                        BodyType::Many(ty) => {
                            let (item, expr) = one(ty);
                            format!(
                                "pub fn {method}(self, values: impl IntoIterator<Item = {item}>) -> Self {{ let mut request = self.0; for value in values {{ request = request.param({pname:?}, {expr}); }} Self(request) }}"
                            )
                        }
                    };
                    let extra = match &param.ty {
                        BodyType::Many(_) => {
                            "///\n/// Each value is sent under the same name, in order.\n"
                        }
                        BodyType::Json => {
                            "///\n/// JSON text, sent exactly as given; text that is not JSON fails the request\n/// before it is sent.\n"
                        }
                        BodyType::Decimal => "///\n/// A decimal number, as text.\n",
                        BodyType::One(_) => "",
                    };
                    writeln!(out, "{doc}{extra}{body}\n").map_err(|e| e.to_string())?;
                }
                Setter::Family {
                    prefix,
                    suffix,
                    max,
                    param,
                } => {
                    let doc = param_doc(param, &format!("{prefix}N{suffix}"));
                    writeln!(
                        out,
                        "{doc}///\n/// `index` is N, from 1 to {max}; any other fails the request before it is sent.\npub fn {method}(self, index: u32, value: impl Into<String>) -> Self {{ Self(self.0.param_indexed({prefix:?}, index, {suffix:?}, 1..={max}, value)) }}\n",
                    )
                    .map_err(|e| e.to_string())?;
                }
            }
        }
        out.push_str("}\n\n");
    }
    Ok(out)
}

/// A sample value of a parameter: `(Rust expression, expression of the text it is sent as)`.
fn sample(ty: &ParamType) -> (String, String) {
    match ty {
        ParamType::Sid(kind) => {
            let sid = format!("{}{}", kind.prefix, "89abcdef01234567".repeat(2));
            (format!("{sid:?}.parse().unwrap()"), format!("{sid:?}"))
        }
        ParamType::String => (
            "\"Hi & bye = 100% #1 😀\\n日本\"".to_owned(),
            "\"Hi & bye = 100% #1 😀\\n日本\"".to_owned(),
        ),
        ParamType::PhoneNumber => ("\"+15005550006\"".to_owned(), "\"+15005550006\"".to_owned()),
        ParamType::Date => (
            "time::macros::date!(2024-02-29)".to_owned(),
            "\"2024-02-29\"".to_owned(),
        ),
        ParamType::DateTime => (
            "time::macros::datetime!(2024-03-01 12:30:05 UTC)".to_owned(),
            "\"2024-03-01T12:30:05Z\"".to_owned(),
        ),
        ParamType::Bool => ("false".to_owned(), "\"false\"".to_owned()),
        ParamType::Integer => ("-7".to_owned(), "\"-7\"".to_owned()),
        ParamType::Enum(component) => {
            let rust = enum_rust_name(component);
            (
                format!("twilio_model::{rust}::KNOWN[0].clone()"),
                format!("twilio_model::{rust}::KNOWN[0].as_str()"),
            )
        }
    }
}

/// `spec_writes/mod.rs`: a test per write, through the resource tree.
pub(crate) fn tests(api: &Api) -> Result<String, String> {
    let mut out = String::from(
        "//! Every write's typed request against the spec: its method, its path (the spec's\n\
         //! template filled in) and its form body: every parameter, required and optional, sent\n\
         //! under the spec's name, in order, arrays as repeated keys, encoded as Twilio's SDKs\n\
         //! encode them (a table generated from the spec).\n\n\
         #![allow(clippy::unwrap_used)]\n\n\
         use twilio_api::{AccountSid, Client};\n\n\
         fn client() -> Client {\n\
             let account: AccountSid = \"AC00000000000000000000000000000000\".parse().unwrap();\n\
             Client::builder().auth_token(account, \"token\").build().unwrap()\n\
         }\n\n\
         /// The form fields of a request's body, decoded.\n\
         fn fields(body: Option<(&'static str, String)>) -> Vec<(String, String)> {\n\
             let Some((content_type, text)) = body else { return Vec::new() };\n\
             assert_eq!(content_type, \"application/x-www-form-urlencoded\");\n\
             form_urlencoded::parse(text.as_bytes()).into_owned().collect()\n\
         }\n\n",
    );
    for op in &api.writes {
        let params = resolved_params(api, &op.segments, &op.path_params)?;
        let (walk, expected_path) = sample_walk(&op.path, &op.segments, &params)?;
        let test = names::snake(&op.id);
        if op.kind == WriteKind::Delete {
            writeln!(
                out,
                "/// `DELETE {path}`\n#[test]\nfn {test}() {{\n    let request = {walk}.delete();\n    assert_eq!(request.operation().method, http::Method::DELETE);\n    assert!(request.operation().retry.is_idempotent());\n    assert_eq!(request.uri(), {expected_path:?});\n    assert_eq!(request.body(), None);\n}}\n",
                path = op.path,
            )
            .map_err(|e| e.to_string())?;
            continue;
        }
        let method = if op.kind == WriteKind::Create {
            "create"
        } else {
            "update"
        };
        let mut args = Vec::new();
        let mut expected: Vec<(String, String)> = Vec::new();
        for param in op.body.iter().filter(|p| p.required) {
            let (value, text) = match &param.ty {
                BodyType::One(ty) => sample(ty),
                BodyType::Decimal => ("\"0.75\"".to_owned(), "\"0.75\"".to_owned()),
                BodyType::Json => (
                    "r#\"{\"a\": [1, \"x\"]}\"#".to_owned(),
                    "r#\"{\"a\": [1, \"x\"]}\"#".to_owned(),
                ),
                BodyType::Many(_) => return Err(format!("{}: a required array", op.id)),
            };
            args.push(value);
            expected.push((format!("{:?}", param.name), text));
        }
        let mut setters_expr = String::new();
        let mut seen = BTreeSet::new();
        for setter in setters(op)? {
            if let Setter::Plain(param) = &setter
                && param.required
            {
                continue;
            }
            let mut name = setter_name(&setter);
            if RESERVED.contains(&name.as_str()) {
                name.push_str("_param");
            }
            let name = names::ident(&name);
            seen.insert(name.clone());
            match setter {
                Setter::Plain(param) => match &param.ty {
                    BodyType::One(ty) => {
                        let (value, text) = sample(ty);
                        write!(setters_expr, ".{name}({value})").map_err(|e| e.to_string())?;
                        expected.push((format!("{:?}", param.name), text));
                    }
                    BodyType::Decimal => {
                        write!(setters_expr, ".{name}(\"0.75\")").map_err(|e| e.to_string())?;
                        expected.push((format!("{:?}", param.name), "\"0.75\"".to_owned()));
                    }
                    BodyType::Json => {
                        write!(setters_expr, ".{name}(r#\"{{\"a\": [1, \"x\"]}}\"#)")
                            .map_err(|e| e.to_string())?;
                        expected.push((
                            format!("{:?}", param.name),
                            "r#\"{\"a\": [1, \"x\"]}\"#".to_owned(),
                        ));
                    }
                    BodyType::Many(ty) => {
                        let (value, text) = sample(ty);
                        write!(setters_expr, ".{name}([{value}, {value}])")
                            .map_err(|e| e.to_string())?;
                        expected.push((format!("{:?}", param.name), text.clone()));
                        expected.push((format!("{:?}", param.name), text));
                    }
                },
                Setter::Family {
                    prefix,
                    suffix,
                    max,
                    ..
                } => {
                    write!(
                        setters_expr,
                        ".{name}(1, \"first\").{name}({max}, \"last\")"
                    )
                    .map_err(|e| e.to_string())?;
                    expected.push((format!("\"{prefix}1{suffix}\""), "\"first\"".to_owned()));
                    expected.push((format!("\"{prefix}{max}{suffix}\""), "\"last\"".to_owned()));
                }
            }
        }
        let expected: Vec<String> = expected
            .iter()
            .map(|(name, text)| format!("({name}.to_owned(), ({text}).to_owned())"))
            .collect();
        writeln!(
            out,
            "/// `POST {path}`\n#[test]\nfn {test}() {{\n    let typed = {walk}.{method}({args}){setters_expr};\n    let request = typed.request();\n    assert_eq!(request.operation().method, http::Method::POST);\n    assert!(!request.operation().retry.is_idempotent());\n    assert_eq!(request.uri(), {expected_path:?});\n    let expected: Vec<(String, String)> = vec![{expected}];\n    assert_eq!(fields(request.body()), expected);\n}}\n",
            path = op.path,
            args = args.join(", "),
            expected = expected.join(", "),
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(out)
}
