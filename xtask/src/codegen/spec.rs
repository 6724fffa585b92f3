//! The reads of the spec, reduced to what the emitters need: operations (path, parameters,
//! item schema, examples), item schemas with typed fields, enums and SID kinds.
//!
//! Everything the emitters cannot express fails here, loudly, with the spec location: a
//! format or schema shape the generator has no Rust type for, a SID prefix without a name,
//! a change to a schema the model writes by hand.

use std::collections::BTreeMap;

use openapiv3::{
    OpenAPI, Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathItem,
    ReferenceOr, Schema, SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::names::{self, SidKind};

/// Every read of the 2010-04-01 API.
#[derive(Debug)]
pub(crate) struct Api {
    /// The `GET` operations, in the spec's order.
    pub(crate) operations: Vec<Operation>,
    /// The item schemas the operations return, by component name.
    pub(crate) schemas: BTreeMap<String, ItemSchema>,
    /// The enums used by those schemas or by query parameters, by component name.
    pub(crate) enums: BTreeMap<String, EnumDef>,
    /// Every operation of the spec, any method, as the request path describes it.
    pub(crate) all: Vec<OperationDesc>,
    /// The writes (`POST`, `DELETE`), typed, in the spec's order.
    pub(crate) writes: Vec<WriteOp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteKind {
    /// `POST` to a collection (or to a path that names no instance).
    Create,
    /// `POST` to an instance.
    Update,
    /// `DELETE`.
    Delete,
}

/// A write of the spec, typed for its builder.
#[derive(Debug)]
pub(crate) struct WriteOp {
    /// The spec's `operationId`, e.g. `CreateMessage`.
    pub(crate) id: String,
    pub(crate) kind: WriteKind,
    /// The path template.
    pub(crate) path: String,
    /// The path after `/2010-04-01`, without `.json`, split at `/`.
    pub(crate) segments: Vec<Segment>,
    /// The path parameters, in path order.
    pub(crate) path_params: Vec<Param>,
    /// The form parameters, in the spec's order.
    pub(crate) body: Vec<BodyParam>,
    /// The component name of the answer's schema; `None` for an empty answer.
    pub(crate) item_schema: Option<String>,
    /// The operation's own description.
    pub(crate) summary: String,
    /// `x-twilio.defaultOutputProperties` of the path (the CLI's default columns).
    pub(crate) default_output: Vec<String>,
}

/// One form parameter of a write.
#[derive(Debug, Clone)]
pub(crate) struct BodyParam {
    /// The spec's name, e.g. `StatusCallbackEvent`.
    pub(crate) name: String,
    pub(crate) ty: BodyType,
    pub(crate) required: bool,
    pub(crate) description: String,
}

/// The type of a form parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyType {
    /// One value of a parameter type (SIDs validated by their pattern).
    One(ParamType),
    /// A decimal number, kept as text.
    Decimal,
    /// A value the spec leaves untyped or types as an object: JSON text, sent as given.
    Json,
    /// Repeated keys, one per value.
    Many(ParamType),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpKind {
    /// A list: pages with the items under `items_key`.
    List,
    /// One resource.
    Fetch,
}

#[derive(Debug)]
pub(crate) struct Operation {
    /// The spec's `operationId`, e.g. `ListCall`.
    pub(crate) id: String,
    pub(crate) kind: OpKind,
    /// The path template, e.g. `/2010-04-01/Accounts/{AccountSid}/Calls.json`.
    pub(crate) path: String,
    /// The path after `/2010-04-01`, without `.json`, split at `/`.
    pub(crate) segments: Vec<Segment>,
    /// The path parameters, in path order.
    pub(crate) path_params: Vec<Param>,
    /// The query parameters (filters), without the paging ones.
    pub(crate) query: Vec<Param>,
    /// The component name of the item schema.
    pub(crate) item_schema: String,
    /// For lists: the JSON key of the items array.
    pub(crate) items_key: Option<String>,
    /// For lists: whether the response carries paging members (`next_page_uri`...).
    pub(crate) paged: bool,
    /// The HTTP status of the success response (200, or 307 for `Data.json`).
    pub(crate) success_status: u16,
    /// The path item's description (what the resource is).
    pub(crate) description: String,
    /// The operation's own description (what it does).
    pub(crate) summary: String,
    /// `x-twilio.defaultOutputProperties` of the path.
    pub(crate) default_output: Vec<String>,
    /// The examples of the success response, by name.
    pub(crate) examples: Vec<(String, Value)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Static(String),
    Param(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Param {
    /// The spec's name, e.g. `StartTime>`.
    pub(crate) name: String,
    pub(crate) ty: ParamType,
    pub(crate) description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParamType {
    Sid(SidKind),
    String,
    PhoneNumber,
    Date,
    DateTime,
    Bool,
    Integer,
    /// An enum, by component name.
    Enum(String),
}

#[derive(Debug)]
pub(crate) struct ItemSchema {
    /// The component name, e.g. `api.v2010.account.call`.
    pub(crate) name: String,
    pub(crate) fields: Vec<Field>,
    /// Written by hand in the model ([`ITEM_OVERRIDES`]): not generated.
    pub(crate) hand_written: bool,
}

#[derive(Debug)]
pub(crate) struct Field {
    /// The JSON member name.
    pub(crate) json: String,
    pub(crate) ty: FieldType,
    pub(crate) description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldType {
    Sid(SidKind),
    String,
    Rfc2822,
    Date,
    Decimal,
    Integer,
    Bool,
    /// A secret the API returns (an account's `auth_token`): never shown by `Debug`.
    Secret,
    /// An enum, by component name (or [`HTTP_METHOD_ENUM`] for the inline `http-method`).
    Enum(String),
    Object,
    Array,
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnumDef {
    pub(crate) name: String,
    pub(crate) values: Vec<String>,
    pub(crate) description: Option<String>,
}

/// Members that hold a secret (typed [`FieldType::Secret`]).
const SECRET_MEMBERS: [&str; 2] = ["auth_token", "secret"];

/// The pseudo component name of the inline `format: http-method` enums.
pub(crate) const HTTP_METHOD_ENUM: &str = "http_method";

/// The query parameters every list takes, which the pager sets.
const PAGING_PARAMS: [&str; 3] = ["PageSize", "Page", "PageToken"];

/// The paging members of a list response, besides the items.
const PAGE_MEMBERS: [&str; 8] = [
    "end",
    "first_page_uri",
    "next_page_uri",
    "page",
    "page_size",
    "previous_page_uri",
    "start",
    "uri",
];

/// What the spec cannot know, written by hand in the model and attached here: the one table
/// of overrides. An item schema listed here is not generated; its lists, pages, resources,
/// commands and tests are, with the hand-written type as their item.
pub(crate) struct ItemOverride {
    /// The schema's component name.
    pub(crate) schema: &'static str,
    /// The hand-written type, at the model crate's root.
    pub(crate) rust: &'static str,
    /// Where it is written, for the message when the spec changes.
    pub(crate) file: &'static str,
    /// The members the hand-written type types. If the spec changes them, the hand-written
    /// type must be reviewed: the generator stops.
    pub(crate) members: &'static [&'static str],
}

/// Call events: the spec leaves an event's `request` and `response` untyped objects; the
/// model types them (`CallEvent`, `EventRequest`, `EventResponse`), losslessly.
pub(crate) const ITEM_OVERRIDES: &[ItemOverride] = &[ItemOverride {
    schema: "api.v2010.account.call.call_event",
    rust: "CallEvent",
    file: "crates/model/src/event.rs",
    members: &["request", "response"],
}];

/// What the CLI's table and CSV show of a list's items when the spec's
/// `defaultOutputProperties` cannot say it (they name top-level members, and call events keep
/// their useful values one level down): the one table of column overrides, by item schema.
/// The generator writes each as data of the CLI's commands (`crates/cli/src/generated/`):
/// the columns, their paths as the type the scan of each page picks them by, and their table
/// layout.
pub(crate) struct ColumnsOverride {
    /// The item schema's component name.
    pub(crate) schema: &'static str,
    /// The columns, in CSV order. The table shows those with a width in this order, then the
    /// one without (at most one), as wide as the terminal leaves it.
    pub(crate) columns: &'static [ColumnOverride],
}

/// One column of a [`ColumnsOverride`].
pub(crate) struct ColumnOverride {
    /// The CSV header.
    pub(crate) name: &'static str,
    /// The table header.
    pub(crate) title: &'static str,
    /// `(outer, inner)`: member `inner` of the object that is member `outer` of the item.
    pub(crate) path: (&'static str, &'static str),
    /// `None`: a string, shown as its text; `Some(max)`: a non-negative integer up to `max`,
    /// shown as its digits. Anything else shows as empty.
    pub(crate) count_max: Option<u64>,
    /// The table's width; `None` for the last column.
    pub(crate) width: Option<usize>,
    /// Kept to the right of its width in the table (numbers).
    pub(crate) right: bool,
}

/// Call events: time, method, URL, response code and duration, from `request` and `response`.
pub(crate) const COLUMNS_OVERRIDES: &[ColumnsOverride] = &[ColumnsOverride {
    schema: "api.v2010.account.call.call_event",
    columns: &[
        ColumnOverride {
            name: "time",
            title: "TIME",
            path: ("response", "date_created"),
            count_max: None,
            width: Some(31),
            right: false,
        },
        ColumnOverride {
            name: "method",
            title: "METHOD",
            path: ("request", "method"),
            count_max: None,
            width: Some(6),
            right: false,
        },
        ColumnOverride {
            name: "url",
            title: "URL",
            path: ("request", "url"),
            count_max: None,
            width: None,
            right: false,
        },
        ColumnOverride {
            name: "response_code",
            title: "CODE",
            path: ("response", "response_code"),
            count_max: Some(u16::MAX as u64),
            width: Some(4),
            right: true,
        },
        ColumnOverride {
            name: "duration_ms",
            title: "DURATION ms",
            path: ("response", "request_duration"),
            count_max: Some(u64::MAX),
            width: Some(11),
            right: true,
        },
    ],
}];

/// The column override of schema `name`, if it has one.
pub(crate) fn columns_override(name: &str) -> Option<&'static ColumnsOverride> {
    COLUMNS_OVERRIDES.iter().find(|o| o.schema == name)
}

/// The override of schema `name`, if it has one.
pub(crate) fn item_override(name: &str) -> Option<&'static ItemOverride> {
    ITEM_OVERRIDES.iter().find(|o| o.schema == name)
}

impl Api {
    pub(crate) fn read(spec: &OpenAPI) -> Result<Self, String> {
        let components = spec
            .components
            .as_ref()
            .ok_or("the spec has no components")?;
        let mut api = Api {
            operations: Vec::new(),
            schemas: BTreeMap::new(),
            enums: BTreeMap::new(),
            all: read_all_operations(spec)?,
            writes: Vec::new(),
        };
        for (path, item) in &spec.paths.paths {
            let ReferenceOr::Item(item) = item else {
                return Err(format!("{path}: a $ref path item is not supported"));
            };
            let Some(get) = &item.get else { continue };
            let op = read_operation(path, item, get, &mut api.enums)?;
            let schema_name = op.item_schema.clone();
            if !api.schemas.contains_key(&schema_name) {
                let schema = components
                    .schemas
                    .get(&schema_name)
                    .and_then(ReferenceOr::as_item)
                    .ok_or_else(|| format!("{path}: no schema {schema_name}"))?;
                let item = read_item_schema(&schema_name, schema, components, &mut api.enums)?;
                api.schemas.insert(schema_name, item);
            }
            api.operations.push(op);
        }
        for (path, item) in &spec.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, operation) in [("POST", &item.post), ("DELETE", &item.delete)] {
                let Some(operation) = operation else { continue };
                let mut write = read_write(path, method, operation, &mut api.enums)?;
                write.default_output = default_output(item);
                if let Some(schema_name) = &write.item_schema
                    && !api.schemas.contains_key(schema_name)
                {
                    let schema = components
                        .schemas
                        .get(schema_name)
                        .and_then(ReferenceOr::as_item)
                        .ok_or_else(|| format!("{path}: no schema {schema_name}"))?;
                    let item = read_item_schema(schema_name, schema, components, &mut api.enums)?;
                    api.schemas.insert(schema_name.clone(), item);
                }
                api.writes.push(write);
            }
        }
        // Enums met only as parameters: their values come from the components.
        for def in api.enums.values_mut() {
            if def.values.is_empty() {
                let Some(ReferenceOr::Item(schema)) = components.schemas.get(&def.name) else {
                    return Err(format!("no enum schema {}", def.name));
                };
                let SchemaKind::Type(Type::String(s)) = &schema.schema_kind else {
                    return Err(format!("{} is not a string enum", def.name));
                };
                def.values = s.enumeration.iter().flatten().cloned().collect();
                def.description.clone_from(&schema.schema_data.description);
            }
        }
        Ok(api)
    }

    pub(crate) fn schema(&self, name: &str) -> Result<&ItemSchema, String> {
        self.schemas
            .get(name)
            .ok_or_else(|| format!("no item schema {name}"))
    }
}

fn ref_name(reference: &str) -> Result<&str, String> {
    reference
        .strip_prefix("#/components/schemas/")
        .ok_or_else(|| format!("unsupported $ref {reference}"))
}

fn read_operation(
    path: &str,
    item: &PathItem,
    get: &SpecOperation,
    enums: &mut BTreeMap<String, EnumDef>,
) -> Result<Operation, String> {
    let id = get
        .operation_id
        .clone()
        .ok_or_else(|| format!("GET {path} has no operationId"))?;
    let kind = if id.starts_with("List") {
        OpKind::List
    } else if id.starts_with("Fetch") {
        OpKind::Fetch
    } else {
        return Err(format!(
            "GET {path}: operationId {id} is neither List… nor Fetch…"
        ));
    };
    let segments = path_segments(path)?;

    let mut path_params = Vec::new();
    let mut query = Vec::new();
    for parameter in &get.parameters {
        let ReferenceOr::Item(parameter) = parameter else {
            return Err(format!("GET {path}: $ref parameters are not supported"));
        };
        let data = parameter.parameter_data_ref();
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(format!(
                "GET {path} {}: content parameters are not supported",
                data.name
            ));
        };
        let ty = param_type(schema, enums)
            .map_err(|e| format!("GET {path} parameter {}: {e}", data.name))?;
        let param = Param {
            name: data.name.clone(),
            ty,
            description: data.description.clone().unwrap_or_default(),
        };
        match parameter {
            Parameter::Path { .. } => path_params.push(param),
            Parameter::Query { .. } if PAGING_PARAMS.contains(&data.name.as_str()) => {}
            Parameter::Query { .. } => query.push(param),
            _ => {
                return Err(format!(
                    "GET {path} {}: header/cookie parameters",
                    data.name
                ));
            }
        }
    }
    let in_path: Vec<&str> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Param(p) => Some(p.as_str()),
            Segment::Static(_) => None,
        })
        .collect();
    let declared: Vec<&str> = path_params.iter().map(|p| p.name.as_str()).collect();
    if in_path != declared {
        return Err(format!(
            "GET {path}: path parameters {declared:?} are not those of the template {in_path:?}"
        ));
    }

    let (status, response) = get
        .responses
        .responses
        .iter()
        .find_map(|(code, response)| match (code, response) {
            (StatusCode::Code(c @ (200 | 307)), ReferenceOr::Item(r)) => Some((*c, r)),
            _ => None,
        })
        .ok_or_else(|| format!("GET {path}: no 200 or 307 response"))?;
    let media = response
        .content
        .get("application/json")
        .ok_or_else(|| format!("GET {path}: no JSON response"))?;
    let schema = media
        .schema
        .as_ref()
        .ok_or_else(|| format!("GET {path}: the response has no schema"))?;
    let (item_schema, items_key, paged) = match (kind, schema) {
        (OpKind::Fetch, ReferenceOr::Reference { reference }) => {
            (ref_name(reference)?.to_owned(), None, false)
        }
        (OpKind::List, ReferenceOr::Item(envelope)) => {
            let SchemaKind::Type(Type::Object(object)) = &envelope.schema_kind else {
                return Err(format!("GET {path}: the list response is not an object"));
            };
            let mut items = None;
            let mut paged = false;
            for (name, member) in &object.properties {
                if PAGE_MEMBERS.contains(&name.as_str()) {
                    paged |= name == "next_page_uri";
                    continue;
                }
                let array = match member {
                    ReferenceOr::Item(s) => match &s.schema_kind {
                        SchemaKind::Type(Type::Array(a)) => a,
                        _ => return Err(format!("GET {path}: member {name} is not an array")),
                    },
                    ReferenceOr::Reference { .. } => {
                        return Err(format!("GET {path}: member {name} is a $ref"));
                    }
                };
                let Some(ReferenceOr::Reference { reference }) = &array.items else {
                    return Err(format!("GET {path}: {name}'s items are not a $ref"));
                };
                if items.is_some() {
                    return Err(format!("GET {path}: two item arrays"));
                }
                items = Some((ref_name(reference)?.to_owned(), name.clone()));
            }
            let (schema, key) = items.ok_or_else(|| format!("GET {path}: no item array"))?;
            (schema, Some(key), paged)
        }
        _ => return Err(format!("GET {path}: unexpected response schema shape")),
    };
    let mut examples = Vec::new();
    for (name, example) in &media.examples {
        if let ReferenceOr::Item(example) = example
            && let Some(value) = &example.value
        {
            examples.push((name.clone(), value.clone()));
        }
    }
    let default_output = default_output(item);
    Ok(Operation {
        id,
        kind,
        path: path.to_owned(),
        segments,
        path_params,
        query,
        item_schema,
        items_key,
        paged,
        success_status: status,
        description: item.description.clone().unwrap_or_default(),
        summary: get.description.clone().unwrap_or_default(),
        default_output,
        examples,
    })
}

/// `x-twilio.defaultOutputProperties` of a path item.
fn default_output(item: &PathItem) -> Vec<String> {
    item.extensions
        .get("x-twilio")
        .and_then(|x| x.get("defaultOutputProperties"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The segments of a 2010-04-01 path after `/2010-04-01`, without `.json`.
fn path_segments(path: &str) -> Result<Vec<Segment>, String> {
    let rest = path
        .strip_prefix("/2010-04-01")
        .and_then(|p| p.strip_suffix(".json"))
        .ok_or_else(|| format!("{path} is not /2010-04-01/….json"))?;
    Ok(rest
        .trim_start_matches('/')
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_owned()),
                None => Segment::Static(s.to_owned()),
            },
        )
        .collect())
}

fn param_type(
    schema: &ReferenceOr<Schema>,
    enums: &mut BTreeMap<String, EnumDef>,
) -> Result<ParamType, String> {
    let schema = match schema {
        ReferenceOr::Reference { reference } => {
            let name = ref_name(reference)?;
            if !name.contains("_enum_") {
                return Err(format!("unsupported $ref {reference}"));
            }
            note_enum(name, enums);
            return Ok(ParamType::Enum(name.to_owned()));
        }
        ReferenceOr::Item(schema) => schema,
    };
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if let Some(pattern) = &s.pattern {
                ParamType::Sid(names::sid_kind(pattern)?)
            } else {
                match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => ParamType::Date,
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => ParamType::DateTime,
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "phone-number" => {
                        ParamType::PhoneNumber
                    }
                    VariantOrUnknownOrEmpty::Empty => ParamType::String,
                    VariantOrUnknownOrEmpty::Unknown(f)
                        if f == "iso-country-code" || f == "uri" =>
                    {
                        ParamType::String
                    }
                    other => return Err(format!("no Rust type for string format {other:?}")),
                }
            }
        }
        SchemaKind::Type(Type::Boolean(_)) => ParamType::Bool,
        SchemaKind::Type(Type::Integer(_)) => ParamType::Integer,
        other => return Err(format!("no Rust type for a parameter schema {other:?}")),
    })
}

/// The values of enum components, filled in by [`read_item_schema`] for the ones it meets.
fn note_enum(name: &str, enums: &mut BTreeMap<String, EnumDef>) {
    enums.entry(name.to_owned()).or_insert_with(|| EnumDef {
        name: name.to_owned(),
        values: Vec::new(),
        description: None,
    });
}

fn read_item_schema(
    name: &str,
    schema: &Schema,
    components: &openapiv3::Components,
    enums: &mut BTreeMap<String, EnumDef>,
) -> Result<ItemSchema, String> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Err(format!("schema {name} is not an object"));
    };
    let members: Vec<&str> = object.properties.keys().map(String::as_str).collect();
    if let Some(over) = item_override(name) {
        if members != over.members {
            return Err(format!(
                "schema {name} is written by hand in twilio-model ({}) for the members \
                 {:?}, but the spec now has {members:?}: review {} and ITEM_OVERRIDES in \
                 xtask/src/codegen/spec.rs",
                over.rust, over.members, over.file
            ));
        }
        return Ok(ItemSchema {
            name: name.to_owned(),
            fields: Vec::new(),
            hand_written: true,
        });
    }
    let mut fields = Vec::new();
    for (json, member) in &object.properties {
        let (ty, description) = match member {
            ReferenceOr::Reference { reference } => {
                let enum_name = ref_name(reference)?;
                let ReferenceOr::Item(enum_schema) = components
                    .schemas
                    .get(enum_name)
                    .ok_or_else(|| format!("{name}.{json}: no schema {enum_name}"))?
                else {
                    return Err(format!("{name}.{json}: a $ref to a $ref"));
                };
                let SchemaKind::Type(Type::String(s)) = &enum_schema.schema_kind else {
                    return Err(format!("{name}.{json}: {enum_name} is not a string enum"));
                };
                if s.enumeration.is_empty() {
                    return Err(format!("{name}.{json}: {enum_name} has no values"));
                }
                let def = EnumDef {
                    name: enum_name.to_owned(),
                    values: s.enumeration.iter().flatten().cloned().collect(),
                    description: enum_schema.schema_data.description.clone(),
                };
                enums.insert(enum_name.to_owned(), def);
                (
                    FieldType::Enum(enum_name.to_owned()),
                    enum_schema.schema_data.description.clone(),
                )
            }
            ReferenceOr::Item(schema) => (
                field_type(schema, enums).map_err(|e| format!("{name}.{json}: {e}"))?,
                schema.schema_data.description.clone(),
            ),
        };
        // Secrets are strings the model must never show.
        let ty = if SECRET_MEMBERS.contains(&json.as_str()) && ty == FieldType::String {
            FieldType::Secret
        } else {
            ty
        };
        fields.push(Field {
            json: json.clone(),
            ty,
            description,
        });
    }
    Ok(ItemSchema {
        name: name.to_owned(),
        fields,
        hand_written: false,
    })
}

fn field_type(schema: &Schema, enums: &mut BTreeMap<String, EnumDef>) -> Result<FieldType, String> {
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if let Some(pattern) = &s.pattern {
                FieldType::Sid(names::sid_kind(pattern)?)
            } else {
                match &s.format {
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "date-time-rfc-2822" => {
                        FieldType::Rfc2822
                    }
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => FieldType::Date,
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "http-method" => {
                        let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                        let def = EnumDef {
                            name: HTTP_METHOD_ENUM.to_owned(),
                            values,
                            description: None,
                        };
                        match enums.get(HTTP_METHOD_ENUM) {
                            Some(existing) if existing.values != def.values => {
                                return Err(format!(
                                    "http-method values {:?} differ from {:?}",
                                    def.values, existing.values
                                ));
                            }
                            Some(_) => {}
                            None => {
                                enums.insert(HTTP_METHOD_ENUM.to_owned(), def);
                            }
                        }
                        FieldType::Enum(HTTP_METHOD_ENUM.to_owned())
                    }
                    VariantOrUnknownOrEmpty::Empty
                    | VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => FieldType::String,
                    VariantOrUnknownOrEmpty::Unknown(f)
                        if ["uri", "phone-number", "currency", "iso-country-code"]
                            .contains(&f.as_str()) =>
                    {
                        FieldType::String
                    }
                    other => return Err(format!("no Rust type for string format {other:?}")),
                }
            }
        }
        SchemaKind::Type(Type::Number(_)) => FieldType::Decimal,
        SchemaKind::Type(Type::Integer(_)) => FieldType::Integer,
        SchemaKind::Type(Type::Boolean(_)) => FieldType::Bool,
        SchemaKind::Type(Type::Object(_)) => FieldType::Object,
        SchemaKind::Type(Type::Array(_)) => FieldType::Array,
        // openapiv3 reads a schema with a `format` it does not know for the type as `Any`.
        SchemaKind::Any(any) => match any.typ.as_deref() {
            None if any.properties.is_empty() => FieldType::Any,
            Some("object") => FieldType::Object,
            Some("array") => FieldType::Array,
            Some("string") => FieldType::String,
            other => {
                return Err(format!(
                    "no Rust type for an untyped schema of type {other:?}"
                ));
            }
        },
        other => return Err(format!("no Rust type for schema {other:?}")),
    })
}

/// One operation of the spec, any method, as the request path needs it: the facade's
/// `Operation` descriptors are generated from these.
#[derive(Debug)]
pub(crate) struct OperationDesc {
    /// The spec's `operationId`, e.g. `CreateMessage`.
    pub(crate) id: String,
    /// The HTTP method, upper case.
    pub(crate) method: String,
    /// The first label of the host the spec's `servers` give (`api` for `api.twilio.com`).
    pub(crate) host: String,
    /// The path template.
    pub(crate) path: String,
    /// The path parameters, in path order.
    pub(crate) path_params: Vec<String>,
    /// The query parameters, paging ones aside.
    pub(crate) query_params: Vec<String>,
    /// `None`, `Form` or `Json`.
    pub(crate) body: &'static str,
    /// The body parameters, the required ones first, each group in the spec's order.
    pub(crate) body_params: Vec<String>,
    /// The documented 2xx and 3xx statuses.
    pub(crate) success: Vec<u16>,
}

/// Every operation of the spec, in path order and, within a path, GET, POST, PUT, PATCH,
/// DELETE.
pub(crate) fn read_all_operations(spec: &OpenAPI) -> Result<Vec<OperationDesc>, String> {
    let default_host = host_label(spec.servers.first().map(|s| s.url.as_str()))?;
    let mut all = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            return Err(format!("{path}: a $ref path item is not supported"));
        };
        let path_host = match item.servers.first() {
            Some(server) => host_label(Some(&server.url))?,
            None => default_host.clone(),
        };
        let methods = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, operation) in methods {
            let Some(operation) = operation else { continue };
            let id = operation
                .operation_id
                .clone()
                .ok_or_else(|| format!("{method} {path} has no operationId"))?;
            let host = match operation.servers.first() {
                Some(server) => host_label(Some(&server.url))?,
                None => path_host.clone(),
            };
            let mut path_params = Vec::new();
            let mut query_params = Vec::new();
            for parameter in &operation.parameters {
                let ReferenceOr::Item(parameter) = parameter else {
                    return Err(format!(
                        "{method} {path}: $ref parameters are not supported"
                    ));
                };
                let name = parameter.parameter_data_ref().name.clone();
                match parameter {
                    Parameter::Path { .. } => path_params.push(name),
                    Parameter::Query { .. } if PAGING_PARAMS.contains(&name.as_str()) => {}
                    Parameter::Query { .. } => query_params.push(name),
                    _ => {}
                }
            }
            let (body, body_params) = match &operation.request_body {
                None => ("None", Vec::new()),
                Some(ReferenceOr::Reference { .. }) => {
                    return Err(format!("{method} {path}: a $ref request body"));
                }
                Some(ReferenceOr::Item(body)) => {
                    let (kind, media) = if let Some(media) =
                        body.content.get("application/x-www-form-urlencoded")
                    {
                        ("Form", media)
                    } else if let Some(media) = body.content.get("application/json") {
                        ("Json", media)
                    } else {
                        return Err(format!("{method} {path}: a body neither form nor JSON"));
                    };
                    let mut names = Vec::new();
                    if let Some(ReferenceOr::Item(schema)) = &media.schema
                        && let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind
                    {
                        let required = &object.required;
                        names.extend(required.iter().cloned());
                        names.extend(
                            object
                                .properties
                                .keys()
                                .filter(|name| !required.contains(name))
                                .cloned(),
                        );
                    }
                    (kind, names)
                }
            };
            let success = operation
                .responses
                .responses
                .keys()
                .filter_map(|code| match code {
                    StatusCode::Code(code) if (200..400).contains(code) => Some(*code),
                    _ => None,
                })
                .collect::<Vec<_>>();
            if success.is_empty() {
                return Err(format!("{method} {path}: no 2xx or 3xx response"));
            }
            all.push(OperationDesc {
                id,
                method: method.to_owned(),
                host,
                path: path.clone(),
                path_params,
                query_params,
                body,
                body_params,
                success,
            });
        }
    }
    Ok(all)
}

/// `api` for `https://api.twilio.com`: the first label of a server URL's host.
fn host_label(url: Option<&str>) -> Result<String, String> {
    let url = url.ok_or("the spec names no server")?;
    url.strip_prefix("https://")
        .and_then(|rest| rest.split(['.', '/']).next())
        .filter(|label| !label.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| format!("server {url:?} is not https://<label>.…"))
}

/// Reads one write (`POST` or `DELETE`) of `path`.
fn read_write(
    path: &str,
    method: &str,
    operation: &SpecOperation,
    enums: &mut BTreeMap<String, EnumDef>,
) -> Result<WriteOp, String> {
    let id = operation
        .operation_id
        .clone()
        .ok_or_else(|| format!("{method} {path} has no operationId"))?;
    let segments = path_segments(path)?;
    let kind = match (method, segments.last()) {
        ("DELETE", _) => WriteKind::Delete,
        (_, Some(Segment::Param(_))) => WriteKind::Update,
        _ => WriteKind::Create,
    };
    let mut path_params = Vec::new();
    for parameter in &operation.parameters {
        let ReferenceOr::Item(parameter) = parameter else {
            return Err(format!(
                "{method} {path}: $ref parameters are not supported"
            ));
        };
        let data = parameter.parameter_data_ref();
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(format!(
                "{method} {path} {}: a content parameter",
                data.name
            ));
        };
        match parameter {
            Parameter::Path { .. } => path_params.push(Param {
                name: data.name.clone(),
                ty: param_type(schema, enums)
                    .map_err(|e| format!("{method} {path} parameter {}: {e}", data.name))?,
                description: data.description.clone().unwrap_or_default(),
            }),
            _ => {
                return Err(format!(
                    "{method} {path} {}: only path parameters are expected on a write",
                    data.name
                ));
            }
        }
    }
    let mut body = Vec::new();
    if let Some(request_body) = &operation.request_body {
        let ReferenceOr::Item(request_body) = request_body else {
            return Err(format!("{method} {path}: a $ref request body"));
        };
        let media = request_body
            .content
            .get("application/x-www-form-urlencoded")
            .ok_or_else(|| format!("{method} {path}: a body that is not a form"))?;
        let Some(ReferenceOr::Item(schema)) = &media.schema else {
            return Err(format!("{method} {path}: the form has no schema"));
        };
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Err(format!("{method} {path}: the form is not an object"));
        };
        for (name, member) in &object.properties {
            let (ty, description) = match member {
                ReferenceOr::Reference { reference } => {
                    let enum_name = ref_name(reference)?;
                    note_enum(enum_name, enums);
                    (BodyType::One(ParamType::Enum(enum_name.to_owned())), None)
                }
                ReferenceOr::Item(schema) => (
                    body_type(schema, enums)
                        .map_err(|e| format!("{method} {path} form field {name}: {e}"))?,
                    schema.schema_data.description.clone(),
                ),
            };
            body.push(BodyParam {
                name: name.clone(),
                ty,
                required: object.required.contains(name),
                description: description.unwrap_or_default(),
            });
        }
    }
    let item_schema = operation
        .responses
        .responses
        .iter()
        .find_map(|(code, response)| match (code, response) {
            (StatusCode::Code(200..=299), ReferenceOr::Item(response)) => response
                .content
                .get("application/json")
                .and_then(|media| media.schema.as_ref()),
            _ => None,
        })
        .map(|schema| match schema {
            ReferenceOr::Reference { reference } => ref_name(reference).map(str::to_owned),
            ReferenceOr::Item(_) => Err(format!("{method} {path}: an inline answer schema")),
        })
        .transpose()?;
    Ok(WriteOp {
        id,
        kind,
        path: path.to_owned(),
        segments,
        path_params,
        body,
        item_schema,
        summary: operation.description.clone().unwrap_or_default(),
        default_output: Vec::new(),
    })
}

/// The type of a form field's schema.
fn body_type(schema: &Schema, enums: &mut BTreeMap<String, EnumDef>) -> Result<BodyType, String> {
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if let Some(pattern) = &s.pattern {
                BodyType::One(ParamType::Sid(names::sid_kind(pattern)?))
            } else {
                BodyType::One(match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => ParamType::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => ParamType::Date,
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "phone-number" => {
                        ParamType::PhoneNumber
                    }
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "http-method" => {
                        if !enums.contains_key(HTTP_METHOD_ENUM) {
                            return Err("http-method before any item declared it".to_owned());
                        }
                        ParamType::Enum(HTTP_METHOD_ENUM.to_owned())
                    }
                    VariantOrUnknownOrEmpty::Empty => ParamType::String,
                    VariantOrUnknownOrEmpty::Unknown(f)
                        if ["uri", "endpoint", "twiml", "iso-country-code"]
                            .contains(&f.as_str()) =>
                    {
                        ParamType::String
                    }
                    other => return Err(format!("no Rust type for string format {other:?}")),
                })
            }
        }
        SchemaKind::Type(Type::Boolean(_)) => BodyType::One(ParamType::Bool),
        SchemaKind::Type(Type::Integer(_)) => BodyType::One(ParamType::Integer),
        SchemaKind::Type(Type::Number(_)) => BodyType::Decimal,
        SchemaKind::Type(Type::Object(_)) => BodyType::Json,
        SchemaKind::Type(Type::Array(array)) => {
            let item = match &array.items {
                Some(ReferenceOr::Reference { reference }) => {
                    let enum_name = ref_name(reference)?;
                    note_enum(enum_name, enums);
                    ParamType::Enum(enum_name.to_owned())
                }
                Some(ReferenceOr::Item(item)) => match body_type(item, enums)? {
                    BodyType::One(ty) => ty,
                    other => return Err(format!("an array of {other:?}")),
                },
                None => ParamType::String,
            };
            BodyType::Many(item)
        }
        SchemaKind::Any(any) if any.typ.is_none() && any.properties.is_empty() => BodyType::Json,
        other => return Err(format!("no Rust type for a form field {other:?}")),
    })
}
