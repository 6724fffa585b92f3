//! The JSON request bodies of every product, typed from their schemas: a struct per object
//! schema (nested ones too; a component's type shared by every body that names it), a
//! `wire_enum!` per inline enum, the components' enums and SIDs as the rest of the model
//! types them, and JSON (`serde_json::Value`, or a map for a body that is any object) where
//! the schema is open (`properties: {}`, `oneOf`, no type).
//!
//! `model.rs` writes the types (`Serialize`, required members plain and
//! given to `new`, optional ones `Option` and left out when `None`); `facade.rs` takes them
//! as the body argument of the operation's method and tests each operation with a body
//! built from the spec's example, or from its required members.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::read::SpecFile;
use super::{Product, Taken, rust_ident};
use crate::codegen::names;

/// The type of one member of a body, in the model's module of its spec file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldTy {
    Text,
    /// A SID type, its path from the model's root.
    Sid(String, String),
    Int,
    Float,
    Bool,
    /// An enum of the module: its Rust name and its first value.
    Enum(String, String),
    /// A struct of the module, by Rust name.
    Struct(String),
    /// Any JSON.
    Json,
    List(Box<FieldTy>),
}

impl FieldTy {
    /// The Rust type, from inside the model's module (`crate::…`) or, with `model` the
    /// module's path from the facade (`twilio_model::verify::v2`), from outside.
    pub(crate) fn rust(&self, model: Option<&str>) -> String {
        let local = |name: &str| match model {
            Some(m) => format!("twilio_model::{m}::{name}"),
            None => name.to_owned(),
        };
        match self {
            Self::Text => "String".to_owned(),
            Self::Sid(path, _) => match model {
                Some(_) => format!("twilio_model::{path}"),
                None => format!("crate::{path}"),
            },
            Self::Int => "i64".to_owned(),
            Self::Float => "f64".to_owned(),
            Self::Bool => "bool".to_owned(),
            Self::Enum(name, _) | Self::Struct(name) => local(name),
            Self::Json => "serde_json::Value".to_owned(),
            Self::List(inner) => format!("Vec<{}>", inner.rust(model)),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct BodyField {
    pub(crate) json: String,
    pub(crate) ident: String,
    pub(crate) ty: FieldTy,
    pub(crate) required: bool,
    pub(crate) description: String,
}

#[derive(Debug, Clone)]
pub(crate) enum BodyKind {
    Struct(Vec<BodyField>),
    /// A body that is any JSON object: a type alias of a map.
    Object,
    Enum(Vec<String>),
}

/// One generated type of a module's bodies.
#[derive(Debug, Clone)]
pub(crate) struct BodyDef {
    pub(crate) name: String,
    pub(crate) description: String,
    /// The schema it comes from (`ContentCreateRequest`), or where it sits
    /// (`CreateBulkLookup.phone_numbers[]`).
    pub(crate) origin: String,
    pub(crate) kind: BodyKind,
}

/// The bodies of one spec file: the types, and each JSON operation's body type.
#[derive(Debug, Default)]
pub(crate) struct Bodies {
    pub(crate) types: Vec<BodyDef>,
    /// Operation index → its body's type.
    pub(crate) ops: BTreeMap<usize, FieldTy>,
}

impl Bodies {
    pub(crate) fn def(&self, name: &str) -> Option<&BodyDef> {
        self.types.iter().find(|d| d.name == name)
    }

    /// Whether a value of `ty` has a `Default` (an enum or a SID has none, nor a struct
    /// with a required one).
    pub(crate) fn has_default(&self, ty: &FieldTy) -> bool {
        match ty {
            FieldTy::Sid(..) | FieldTy::Enum(..) => false,
            FieldTy::Struct(name) => match self.def(name).map(|d| &d.kind) {
                Some(BodyKind::Struct(fields)) => fields
                    .iter()
                    .all(|f| !f.required || self.has_default(&f.ty)),
                Some(BodyKind::Object) => true,
                Some(BodyKind::Enum(_)) | None => false,
            },
            _ => true,
        }
    }
}

struct Builder<'a> {
    product: &'a Product,
    file: &'a SpecFile,
    enums: &'a BTreeMap<String, String>,
    taken: &'a mut Taken,
    out: Bodies,
    /// Component → its type, once typed.
    components: BTreeMap<String, FieldTy>,
    /// Components being typed: one met again inside itself is JSON (no infinite type).
    stack: Vec<String>,
    /// The inline objects and enums typed so far, by their schema's text: the spec repeats
    /// some word for word under several bodies (a create's and an update's `policy`), and
    /// each gets one type.
    inline: BTreeMap<String, FieldTy>,
}

/// Types the JSON bodies of `file`, naming every type in `taken` (the module's names).
pub(crate) fn bodies_of(
    product: &Product,
    file: &SpecFile,
    enums: &BTreeMap<String, String>,
    taken: &mut Taken,
) -> Bodies {
    let mut builder = Builder {
        product,
        file,
        enums,
        taken,
        out: Bodies::default(),
        components: BTreeMap::new(),
        stack: Vec::new(),
        inline: BTreeMap::new(),
    };
    for (index, op) in file.ops.iter().enumerate() {
        let Some((component, schema)) = &op.json_schema else {
            continue;
        };
        let ty = match component {
            Some(name) => builder.component(name),
            None => {
                let title = schema.get("title").and_then(Value::as_str);
                let base = title.map_or_else(
                    || format!("{}Request", names::pascal(&op.id)),
                    names::pascal,
                );
                builder.object(&base, schema, &op.id, true)
            }
        };
        builder.out.ops.insert(index, ty);
    }
    builder.out
}

impl Builder<'_> {
    fn name(&mut self, base: &str) -> String {
        let base = if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            format!("Body{base}")
        } else {
            base.to_owned()
        };
        self.taken.unique(base)
    }

    /// The type of a component schema, typed once.
    fn component(&mut self, name: &str) -> FieldTy {
        if let Some(enum_name) = self.enums.get(name) {
            let first = self.file.enums[name]
                .values
                .first()
                .cloned()
                .unwrap_or_default();
            return FieldTy::Enum(enum_name.clone(), first);
        }
        if self.stack.iter().any(|s| s == name) {
            // A schema inside itself: JSON, not an infinite type.
            return FieldTy::Json;
        }
        if let Some(ty) = self.components.get(name) {
            return ty.clone();
        }
        let Some(schema) = self.file.raw_schemas.get(name).cloned() else {
            return FieldTy::Json;
        };
        if !is_object(&schema) {
            return self.member(&names::pascal(&super::read::item_name(name)), &schema, name);
        }
        self.stack.push(name.to_owned());
        let mut base = super::read::item_name(name);
        if !base.ends_with("Request") && !base.ends_with("Body") {
            base.push_str("Body");
        }
        let ty = self.object(&base, &schema, name, true);
        self.stack.pop();
        self.components.insert(name.to_owned(), ty.clone());
        ty
    }

    /// An object schema's type: a struct, or a map where it is open.
    fn object(&mut self, base: &str, schema: &Value, origin: &str, top: bool) -> FieldTy {
        let empty = Map::new();
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        if props.is_empty() {
            if !top {
                return FieldTy::Json;
            }
            let name = self.name(base);
            self.out.types.push(BodyDef {
                name: name.clone(),
                description: text(schema.get("description")),
                origin: origin.to_owned(),
                kind: BodyKind::Object,
            });
            return FieldTy::Struct(name);
        }
        let key = (!top).then(|| schema.to_string());
        if let Some(ty) = key.as_ref().and_then(|k| self.inline.get(k)) {
            return ty.clone();
        }
        let name = self.name(base);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut idents = Taken::default();
        let mut fields = Vec::new();
        for (json, member) in props {
            let ident = idents.unique(rust_ident(json));
            let ty = self.member(
                &format!(
                    "{name}{}",
                    names::pascal(&rust_ident(json).replace("r#", ""))
                ),
                member,
                &format!("{origin}.{json}"),
            );
            fields.push(BodyField {
                json: json.clone(),
                ident,
                ty,
                required: required.contains(&json.as_str()),
                description: text(member.get("description")),
            });
        }
        self.out.types.push(BodyDef {
            name: name.clone(),
            description: text(schema.get("description")),
            origin: origin.to_owned(),
            kind: BodyKind::Struct(fields),
        });
        if let Some(key) = key {
            self.inline.insert(key, FieldTy::Struct(name.clone()));
        }
        FieldTy::Struct(name)
    }

    /// A member's type; `base` names the type it may need (`CreateToolRequestPolicy`).
    fn member(&mut self, base: &str, schema: &Value, origin: &str) -> FieldTy {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return match reference.strip_prefix("#/components/schemas/") {
                Some(name) => self.component(name),
                None => FieldTy::Json,
            };
        }
        if ["oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| schema.get(*k).is_some())
        {
            return FieldTy::Json;
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => {
                if let Some(values) = schema.get("enum").and_then(Value::as_array) {
                    let values: Vec<String> = values
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    if values.is_empty() {
                        return FieldTy::Text;
                    }
                    let key = schema.to_string();
                    if let Some(ty) = self.inline.get(&key) {
                        return ty.clone();
                    }
                    let name = self.name(base);
                    let first = values[0].clone();
                    self.out.types.push(BodyDef {
                        name: name.clone(),
                        description: text(schema.get("description")),
                        origin: origin.to_owned(),
                        kind: BodyKind::Enum(values),
                    });
                    let ty = FieldTy::Enum(name, first);
                    self.inline.insert(key, ty.clone());
                    return ty;
                }
                let prefix = schema
                    .get("pattern")
                    .and_then(Value::as_str)
                    .and_then(|p| p.strip_prefix('^'))
                    .and_then(|p| p.strip_suffix("[0-9a-fA-F]{32}$"))
                    .filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase()));
                match prefix.and_then(|p| {
                    self.product
                        .sid_type(self.file, p)
                        .ok()
                        .map(|t| (t, p.to_owned()))
                }) {
                    Some((path, prefix)) => FieldTy::Sid(path, prefix),
                    None => FieldTy::Text,
                }
            }
            Some("integer") => FieldTy::Int,
            Some("number") => FieldTy::Float,
            Some("boolean") => FieldTy::Bool,
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                let inner = self.member(base, &items, &format!("{origin}[]"));
                FieldTy::List(Box::new(inner))
            }
            Some("object") => self.object(base, schema, origin, false),
            _ if schema.get("properties").is_some() => self.object(base, schema, origin, false),
            _ => FieldTy::Json,
        }
    }
}

fn is_object(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
        || schema.get("properties").is_some()
}

fn text(value: Option<&Value>) -> String {
    value.and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// A sample value of `ty` built from its required members: (Rust expression, its JSON).
pub(crate) fn sample(bodies: &Bodies, model: &str, ty: &FieldTy, depth: usize) -> (String, Value) {
    match ty {
        FieldTy::Text => (
            "\"Hi & bye = 100% #1 😀\\n日本\"".to_owned(),
            Value::from("Hi & bye = 100% #1 😀\n日本"),
        ),
        FieldTy::Sid(_, prefix) => {
            let sid = format!("{prefix}{}", "0123456789abcdef".repeat(2));
            (format!("{sid:?}.parse().unwrap()"), Value::from(sid))
        }
        FieldTy::Int => ("-7".to_owned(), Value::from(-7)),
        FieldTy::Float => ("0.75".to_owned(), Value::from(0.75)),
        FieldTy::Bool => ("false".to_owned(), Value::from(false)),
        FieldTy::Enum(_, first) => (
            format!("{}::KNOWN[0].clone()", ty.rust(Some(model))),
            Value::from(first.clone()),
        ),
        FieldTy::Json => (
            "serde_json::json!({\"a\": [1, \"x\"]})".to_owned(),
            serde_json::json!({"a": [1, "x"]}),
        ),
        FieldTy::List(inner) => {
            let (expr, json) = sample(bodies, model, inner, depth);
            let expr = if **inner == FieldTy::Text {
                format!("{expr}.to_owned()")
            } else {
                expr
            };
            (format!("vec![{expr}]"), Value::Array(vec![json]))
        }
        FieldTy::Struct(name) => {
            let rust = ty.rust(Some(model));
            match bodies.def(name).map(|d| &d.kind) {
                Some(BodyKind::Struct(fields)) if depth < 8 => {
                    let mut args = Vec::new();
                    let mut json = Map::new();
                    for field in fields.iter().filter(|f| f.required) {
                        let (expr, value) = sample(bodies, model, &field.ty, depth + 1);
                        args.push(expr);
                        json.insert(field.json.clone(), value);
                    }
                    (
                        format!("{rust}::new({})", args.join(", ")),
                        Value::Object(json),
                    )
                }
                _ => (format!("{rust}::default()"), Value::Object(Map::new())),
            }
        }
    }
}

/// A Rust expression that builds the value `value` (a spec's request example) as type `ty`
/// through the body types' `new` and their public members; `None` where the example says
/// what the type cannot (a member the schema lacks, a `null`, a value of another type).
pub(crate) fn example_expr(
    bodies: &Bodies,
    model: &str,
    ty: &FieldTy,
    value: &Value,
) -> Option<String> {
    let json_text = |value: &Value, rust: &str| {
        let text = value.to_string();
        let h = super::hashes(&text);
        format!("serde_json::from_str::<{rust}>(r{h}\"{text}\"{h}).unwrap()")
    };
    Some(match ty {
        FieldTy::Text => format!("{:?}.to_owned()", value.as_str()?),
        FieldTy::Sid(..) => format!("{:?}.parse().unwrap()", value.as_str()?),
        FieldTy::Int => value.as_i64()?.to_string(),
        FieldTy::Float => format!("{:?}", value.as_f64()?),
        FieldTy::Bool => value.as_bool()?.to_string(),
        FieldTy::Enum(..) => format!("{}::from({:?})", ty.rust(Some(model)), value.as_str()?),
        FieldTy::Json => json_text(value, "serde_json::Value"),
        FieldTy::List(inner) => {
            let items: Option<Vec<String>> = value
                .as_array()?
                .iter()
                .map(|item| example_expr(bodies, model, inner, item))
                .collect();
            format!("vec![{}]", items?.join(", "))
        }
        FieldTy::Struct(name) => match &bodies.def(name)?.kind {
            BodyKind::Object => {
                value.as_object()?;
                json_text(value, &ty.rust(Some(model)))
            }
            BodyKind::Enum(_) => return None,
            BodyKind::Struct(fields) => {
                let object = value.as_object()?;
                if object.keys().any(|k| !fields.iter().any(|f| &f.json == k)) {
                    return None;
                }
                let mut args = Vec::new();
                let mut sets = String::new();
                for field in fields {
                    match (object.get(&field.json), field.required) {
                        (Some(member), true) => {
                            args.push(example_expr(bodies, model, &field.ty, member)?);
                        }
                        (None, true) => return None,
                        (Some(member), false) => {
                            let expr = example_expr(bodies, model, &field.ty, member)?;
                            sets.push_str(&format!(" body.{} = Some({expr});", field.ident));
                        }
                        (None, false) => {}
                    }
                }
                let new = format!("{}::new({})", ty.rust(Some(model)), args.join(", "));
                if sets.is_empty() {
                    new
                } else {
                    format!("{{ let mut body = {new};{sets} body }}")
                }
            }
        },
    })
}
