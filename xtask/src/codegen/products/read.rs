//! Reads every vendored spec but 2010-04-01 into a small model of a product: its name,
//! host and versions from the file name, `servers` and paths; every operation (any method)
//! with its parameters, body, answer and examples; the item schemas with typed members, the
//! enums and the SID prefixes.
//!
//! The reader is tolerant where the model is lossless anyway (a member whose shape it cannot
//! type is kept as JSON) and strict where a request would go wrong (a path parameter with no
//! name, a body neither form nor JSON, an operation without a success status).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::super::names;

/// One spec file: a product (or a part of one, `chat_v1`, `chat_v2`…).
#[derive(Debug)]
pub(crate) struct SpecFile {
    /// `twilio_verify_v2.json`.
    pub(crate) file: String,
    /// The product, `verify`, `ip-messaging`, `iam-organizations` (the feature's name).
    pub(crate) product: String,
    /// The model's module of this file inside the product's: `v2`, or `None` for a file
    /// without `_vN` (`twilio_preview.json`).
    pub(crate) spec_module: Option<String>,
    /// `info.title`.
    pub(crate) title: String,
    /// `info.description`.
    pub(crate) description: String,
    /// The first label of the host in `servers` (`verify`, `flex-api`, `preview-iam`).
    pub(crate) host: String,
    pub(crate) ops: Vec<Op>,
    /// The item schemas the operations answer with, by component name.
    pub(crate) schemas: BTreeMap<String, ItemSchema>,
    /// The string enums of the components, by component name.
    pub(crate) enums: BTreeMap<String, EnumDef>,
    /// Every schema of the components as the spec writes it, for the JSON request bodies
    /// (`bodies.rs` types them whole, nested objects included).
    pub(crate) raw_schemas: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub(crate) struct EnumDef {
    pub(crate) values: Vec<String>,
    pub(crate) description: String,
}

#[derive(Debug, Clone)]
pub(crate) struct ItemSchema {
    pub(crate) description: String,
    pub(crate) fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) json: String,
    pub(crate) ty: Ty,
    pub(crate) description: String,
}

/// A value's type: of a member, a parameter or a form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A SID, by its two-letter prefix.
    Sid(String),
    String,
    Integer,
    Decimal,
    Bool,
    /// An enum, by component name.
    Enum(String),
    /// The inline `http-method` enum: the 2010-04-01 model's `HttpMethod`.
    HttpMethod,
    Object,
    Array,
    /// Anything else: JSON.
    Any,
    /// A form field or query parameter that repeats.
    Many(Box<Ty>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Static(String),
    Param(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) ty: Ty,
    pub(crate) required: bool,
    pub(crate) description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    None,
    Form,
    Json,
}

/// What a success answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Nothing (a delete).
    Nothing,
    /// One item of a schema.
    Item(String),
    /// A page in the `meta` envelope: its items under `key`, each of schema `item` (or an
    /// untyped object).
    Meta { key: String, item: Option<String> },
    /// A numbered page (schema `page`: `total_pages`, `current_page`, `has_next`, no link):
    /// its items under `key`, each of schema `item` (or an untyped object).
    Numbered {
        page: String,
        key: String,
        item: Option<String>,
    },
    /// JSON the spec does not name.
    Json,
}

#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub(crate) id: String,
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`.
    pub(crate) method: String,
    pub(crate) host: String,
    pub(crate) path: String,
    /// The path's first segment: `v2`, or `HostedNumbers` where paths carry no version.
    pub(crate) version: String,
    /// The segments after the version.
    pub(crate) segments: Vec<Segment>,
    pub(crate) path_params: Vec<Param>,
    /// Query parameters, the paging ones aside.
    pub(crate) query: Vec<Param>,
    /// Header parameters (`X-Twilio-Webhook-Enabled`, `If-Match`), by name.
    pub(crate) headers: Vec<String>,
    pub(crate) body: BodyKind,
    /// Form fields (required first), or the JSON body's top-level members.
    pub(crate) body_params: Vec<Param>,
    pub(crate) answer: Answer,
    pub(crate) success: Vec<u16>,
    /// The most items a page of this listing may hold, where the spec's `PageSize` says fewer
    /// than Twilio's usual 1000 (numbers v2's 50, some lists' 100 or 5).
    pub(crate) max_page_size: Option<u32>,
    pub(crate) summary: String,
    /// The success response's examples, by name.
    pub(crate) examples: Vec<(String, Value)>,
    /// A JSON body's schema (its component's name, if it has one, and the schema itself).
    pub(crate) json_schema: Option<(Option<String>, Value)>,
    /// A JSON body's examples, by name.
    pub(crate) body_examples: Vec<(String, Value)>,
}

/// Query parameters the pager sets.
pub(crate) const PAGING: [&str; 3] = ["PageSize", "Page", "PageToken"];

/// `twilio_ip_messaging_v2.json` → (`ip-messaging`, `Some("v2")`).
pub(crate) fn product_of(file: &str) -> Result<(String, Option<String>), String> {
    let stem = file
        .strip_prefix("twilio_")
        .and_then(|s| s.strip_suffix(".json"))
        .ok_or_else(|| format!("{file}: not twilio_….json"))?;
    let (name, version) = match stem.rsplit_once('_') {
        Some((name, v))
            if v.len() > 1 && v.starts_with('v') && v[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            (name, Some(v.to_owned()))
        }
        _ => (stem, None),
    };
    Ok((name.replace('_', "-"), version))
}

fn text(value: Option<&Value>) -> String {
    value.and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn host_label(url: &str) -> Result<String, String> {
    url.strip_prefix("https://")
        .and_then(|rest| rest.split(['.', '/']).next())
        .filter(|label| !label.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| format!("server {url:?} is not https://<label>.…"))
}

fn server_host(node: &Value) -> Result<Option<String>, String> {
    match node
        .get("servers")
        .and_then(|s| s.get(0))
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
    {
        Some(url) => host_label(url).map(Some),
        None => Ok(None),
    }
}

fn ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// The prefix of a SID pattern (`^VA[0-9a-fA-F]{32}$` → `VA`).
fn sid_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    let prefix = rest.strip_suffix("[0-9a-fA-F]{32}$")?;
    (prefix.len() == 2 && prefix.bytes().all(|b| b.is_ascii_uppercase())).then(|| prefix.to_owned())
}

impl SpecFile {
    pub(crate) fn read(file: &str, spec: &Value) -> Result<Self, String> {
        let (product, spec_module) = product_of(file)?;
        let info = spec.get("info");
        let host = server_host(spec)?.ok_or_else(|| format!("{file}: no servers"))?;
        let components = spec.get("components").cloned().unwrap_or(Value::Null);
        let empty = Map::new();
        let schemas_json = components
            .get("schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut out = SpecFile {
            file: file.to_owned(),
            product,
            spec_module,
            title: text(info.and_then(|i| i.get("title"))),
            description: text(info.and_then(|i| i.get("description"))),
            host: host.clone(),
            ops: Vec::new(),
            schemas: BTreeMap::new(),
            enums: BTreeMap::new(),
            raw_schemas: schemas_json.clone(),
        };
        for (name, schema) in schemas_json {
            if schema.get("type").and_then(Value::as_str) == Some("string")
                && let Some(values) = schema.get("enum").and_then(Value::as_array)
            {
                out.enums.insert(
                    name.clone(),
                    EnumDef {
                        values: values
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect(),
                        description: text(schema.get("description")),
                    },
                );
            }
        }
        let paths = spec
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{file}: no paths"))?;
        for (path, item) in paths {
            let path_host = server_host(item)?.unwrap_or_else(|| host.clone());
            for method in ["get", "post", "put", "patch", "delete"] {
                let Some(op) = item.get(method) else { continue };
                let op = out
                    .read_op(path, method, op, &path_host, &components)
                    .map_err(|e| format!("{file}: {} {path}: {e}", method.to_uppercase()))?;
                out.ops.push(op);
            }
        }
        // The item schemas the answers name.
        let mut wanted: Vec<String> = Vec::new();
        for op in &out.ops {
            match &op.answer {
                Answer::Item(s) | Answer::Meta { item: Some(s), .. } => wanted.push(s.clone()),
                Answer::Numbered { page, item, .. } => {
                    wanted.push(page.clone());
                    wanted.extend(item.clone());
                }
                _ => {}
            }
        }
        for name in wanted {
            if out.schemas.contains_key(&name) {
                continue;
            }
            let schema = schemas_json
                .get(&name)
                .ok_or_else(|| format!("{file}: no schema {name}"))?;
            let item = out.item_schema(schema);
            out.schemas.insert(name, item);
        }
        Ok(out)
    }

    fn item_schema(&self, schema: &Value) -> ItemSchema {
        let mut fields = Vec::new();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, member) in props {
                fields.push(Field {
                    json: name.clone(),
                    ty: self.member_type(member),
                    description: text(member.get("description")),
                });
            }
        }
        ItemSchema {
            description: text(schema.get("description")),
            fields,
        }
    }

    /// The type of a member or parameter schema.
    fn member_type(&self, schema: &Value) -> Ty {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return match ref_name(reference) {
                Some(name) if self.enums.contains_key(name) => Ty::Enum(name.to_owned()),
                _ => Ty::Any,
            };
        }
        if schema.get("enum").is_some() {
            // An inline enum: kept as its text.
            return Ty::String;
        }
        let format = schema.get("format").and_then(Value::as_str);
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => {
                if let Some(prefix) = schema
                    .get("pattern")
                    .and_then(Value::as_str)
                    .and_then(sid_prefix)
                {
                    Ty::Sid(prefix)
                } else if format == Some("http-method") {
                    Ty::HttpMethod
                } else {
                    Ty::String
                }
            }
            Some("integer") => Ty::Integer,
            Some("number") => Ty::Decimal,
            Some("boolean") => Ty::Bool,
            Some("object") => Ty::Object,
            Some("array") => Ty::Array,
            _ => Ty::Any,
        }
    }

    /// The type of a parameter or form field: arrays repeat their item type.
    fn param_type(&self, schema: &Value) -> Ty {
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            let item = schema
                .get("items")
                .map_or(Ty::String, |i| self.member_type(i));
            let item = match item {
                Ty::Object | Ty::Array | Ty::Any => Ty::Any,
                other => other,
            };
            return Ty::Many(Box::new(item));
        }
        match self.member_type(schema) {
            Ty::Array => Ty::Any,
            other => other,
        }
    }

    fn read_op(
        &self,
        path: &str,
        method: &str,
        op: &Value,
        path_host: &str,
        components: &Value,
    ) -> Result<Op, String> {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or("no operationId")?
            .to_owned();
        let host = server_host(op)?.unwrap_or_else(|| path_host.to_owned());
        let mut parts = path.trim_start_matches('/').split('/');
        let version = parts.next().unwrap_or_default().to_owned();
        let segments: Vec<Segment> = parts
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => Segment::Param(name.to_owned()),
                    None => Segment::Static(s.to_owned()),
                },
            )
            .collect();
        if version.is_empty() || version.starts_with('{') {
            return Err("a path that starts with no version or static segment".to_owned());
        }
        let mut path_params = Vec::new();
        let mut query = Vec::new();
        let mut paging = Vec::new();
        let mut headers = Vec::new();
        let mut max_page_size = None;
        for parameter in op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                Some(reference) => reference
                    .strip_prefix("#/components/parameters/")
                    .and_then(|name| components.get("parameters").and_then(|p| p.get(name)))
                    .ok_or_else(|| format!("parameter {reference} not found"))?,
                None => parameter,
            };
            let name = text(parameter.get("name"));
            if name.is_empty() {
                return Err("a parameter without a name".to_owned());
            }
            let schema = parameter.get("schema").cloned().unwrap_or(Value::Null);
            let param = Param {
                name: name.clone(),
                ty: self.param_type(&schema),
                required: parameter.get("required").and_then(Value::as_bool) == Some(true),
                description: text(parameter.get("description")),
            };
            if name == "PageSize" {
                max_page_size = schema
                    .get("maximum")
                    .and_then(Value::as_u64)
                    .filter(|&most| most < 1000)
                    .and_then(|most| u32::try_from(most).ok());
            }
            match parameter.get("in").and_then(Value::as_str) {
                Some("path") => path_params.push(param),
                Some("query") if PAGING.contains(&name.as_str()) => paging.push(param),
                Some("query") => query.push(param),
                // Never an option: the credentials come from the client only (its
                // `Authorization`, marked sensitive, built from the account's secret), so that
                // no request carries a token the client did not vouch for, and none shows up
                // in a setter's `Debug`, a dry run or a CLI flag. Flex Insights' spec lists
                // `Authorization` among its parameters; the client's own header is what goes.
                Some("header") if name.eq_ignore_ascii_case("authorization") => {}
                Some("header") => headers.push(name),
                _ => {}
            }
        }
        // Path parameters in path order.
        let mut ordered = Vec::new();
        for segment in &segments {
            if let Segment::Param(name) = segment {
                let param = path_params
                    .iter()
                    .find(|p: &&Param| &p.name == name)
                    .cloned()
                    .unwrap_or(Param {
                        name: name.clone(),
                        ty: Ty::String,
                        required: true,
                        description: String::new(),
                    });
                ordered.push(param);
            }
        }
        let mut json_schema = None;
        let mut body_examples = Vec::new();
        let (body, body_params) = match op.get("requestBody").and_then(|b| b.get("content")) {
            None => (BodyKind::None, Vec::new()),
            Some(content) => {
                let (kind, media) =
                    if let Some(m) = content.get("application/x-www-form-urlencoded") {
                        (BodyKind::Form, m)
                    } else if let Some(m) = content.get("application/json") {
                        (BodyKind::Json, m)
                    } else {
                        return Err("a body neither form nor JSON".to_owned());
                    };
                let mut schema = media.get("schema").cloned().unwrap_or(Value::Null);
                let mut component = None;
                if let Some(name) = schema
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(ref_name)
                {
                    component = Some(name.to_owned());
                    schema = components
                        .get("schemas")
                        .and_then(|s| s.get(name))
                        .cloned()
                        .unwrap_or(Value::Null);
                }
                if kind == BodyKind::Json {
                    json_schema = Some((component, schema.clone()));
                    for (name, example) in media
                        .get("examples")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        let example = match example.get("$ref").and_then(Value::as_str) {
                            Some(reference) => reference
                                .strip_prefix("#/components/examples/")
                                .and_then(|n| components.get("examples").and_then(|e| e.get(n)))
                                .ok_or_else(|| format!("example {reference} not found"))?,
                            None => example,
                        };
                        if let Some(value) = example.get("value") {
                            body_examples.push((name.clone(), value.clone()));
                        }
                    }
                }
                let required: Vec<String> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                let mut params: Vec<Param> = Vec::new();
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for (name, member) in props {
                        params.push(Param {
                            name: name.clone(),
                            ty: self.param_type(member),
                            required: required.contains(name),
                            description: text(member.get("description")),
                        });
                    }
                }
                // Required first, each group in the spec's order.
                params.sort_by_key(|p| !p.required);
                (kind, params)
            }
        };
        let mut success = Vec::new();
        let mut answer = None;
        let mut examples = Vec::new();
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            for (code, response) in responses {
                let Ok(code) = code.parse::<u16>() else {
                    continue;
                };
                if !(200..400).contains(&code) {
                    continue;
                }
                success.push(code);
                if answer.is_some() {
                    continue;
                }
                let Some(media) = response
                    .get("content")
                    .and_then(|c| c.get("application/json"))
                else {
                    continue;
                };
                answer = Some(self.answer(media.get("schema").unwrap_or(&Value::Null), components));
                if let Some(named) = media.get("examples").and_then(Value::as_object) {
                    for (name, example) in named {
                        if let Some(value) = example.get("value") {
                            examples.push((name.clone(), value.clone()));
                        }
                    }
                }
            }
        }
        if success.is_empty() {
            return Err("no 2xx or 3xx response".to_owned());
        }
        let answer = answer.unwrap_or(Answer::Nothing);
        // The pager sets the paging parameters of a `meta` listing; any other answer that
        // takes them keeps them as query parameters (a numbered listing's are left out of
        // its filters by the facade, whose pager sets them, and kept by the CLI, which
        // fetches such a list page by page).
        if !matches!(answer, Answer::Meta { .. }) {
            query.extend(paging);
        }
        Ok(Op {
            id,
            method: method.to_uppercase(),
            host,
            path: path.to_owned(),
            version,
            segments,
            path_params: ordered,
            query,
            headers,
            body,
            body_params,
            answer,
            success,
            max_page_size,
            summary: text(op.get("description")).trim().to_owned(),
            examples,
            json_schema,
            body_examples,
        })
    }

    /// What a success's schema is: an item, a `meta` page, or JSON.
    fn answer(&self, schema: &Value, components: &Value) -> Answer {
        let (named, body) = match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_name)
        {
            Some(name) => (
                Some(name.to_owned()),
                components
                    .get("schemas")
                    .and_then(|s| s.get(name))
                    .cloned()
                    .unwrap_or(Value::Null),
            ),
            None => (None, schema.clone()),
        };
        let props = body.get("properties").and_then(Value::as_object);
        if let Some(props) = props
            && props.contains_key("meta")
        {
            let arrays: Vec<(&String, &Value)> = props
                .iter()
                .filter(|(k, v)| {
                    k.as_str() != "meta" && v.get("type").and_then(Value::as_str) == Some("array")
                })
                .collect();
            if let [(key, array)] = arrays.as_slice() {
                let item = array
                    .get("items")
                    .and_then(|i| i.get("$ref"))
                    .and_then(Value::as_str)
                    .and_then(ref_name)
                    .map(str::to_owned);
                return Answer::Meta {
                    key: (*key).clone(),
                    item,
                };
            }
        }
        // Numbered pages: `has_next`, `total_pages` and one array of items.
        if let (Some(page), Some(props)) = (&named, props)
            && props.contains_key("has_next")
            && props.contains_key("total_pages")
        {
            let arrays: Vec<(&String, &Value)> = props
                .iter()
                .filter(|(_, v)| v.get("type").and_then(Value::as_str) == Some("array"))
                .collect();
            if let [(key, array)] = arrays.as_slice() {
                return Answer::Numbered {
                    page: page.clone(),
                    key: (*key).clone(),
                    item: array
                        .get("items")
                        .and_then(|i| i.get("$ref"))
                        .and_then(Value::as_str)
                        .and_then(ref_name)
                        .map(str::to_owned),
                };
            }
        }
        match named {
            Some(name) if props.is_some_and(|p| !p.is_empty()) => Answer::Item(name),
            _ => Answer::Json,
        }
    }
}

/// The Rust name of an item schema inside its module: the component name without its
/// product and version (`verify.v2.service.verification` → `ServiceVerification`,
/// `ScimUser` → `ScimUser`).
pub(crate) fn item_name(component: &str) -> String {
    let parts: Vec<&str> = component.split('.').collect();
    let rest = match parts.iter().position(|p| {
        p.len() > 1 && p.starts_with('v') && p[1..].bytes().all(|b| b.is_ascii_digit())
    }) {
        Some(i) if i + 1 < parts.len() => &parts[i + 1..],
        _ if parts.len() > 1 => &parts[1..],
        _ => &parts[..],
    };
    let name = names::pascal(&rest.join("_"));
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        format!("Item{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_are_named_from_their_files() {
        assert_eq!(
            product_of("twilio_ip_messaging_v2.json").unwrap(),
            ("ip-messaging".to_owned(), Some("v2".to_owned()))
        );
        assert_eq!(
            product_of("twilio_iam_organizations.json").unwrap(),
            ("iam-organizations".to_owned(), None)
        );
        assert_eq!(
            product_of("twilio_preview.json").unwrap(),
            ("preview".to_owned(), None)
        );
        assert!(product_of("verify.json").is_err());
    }

    #[test]
    fn item_names_drop_product_and_version() {
        assert_eq!(
            item_name("verify.v2.service.verification"),
            "ServiceVerification"
        );
        assert_eq!(item_name("monitor.v1.alert-instance"), "AlertInstance");
        assert_eq!(
            item_name("preview.hosted_numbers.authorization_document"),
            "HostedNumbersAuthorizationDocument"
        );
        assert_eq!(item_name("ScimUser"), "ScimUser");
        assert_eq!(item_name("iam.scim.v2.User"), "User");
    }

    #[test]
    fn sid_prefixes_come_from_patterns() {
        assert_eq!(sid_prefix("^VA[0-9a-fA-F]{32}$").as_deref(), Some("VA"));
        assert_eq!(sid_prefix("^[a-z]+$"), None);
    }
}
