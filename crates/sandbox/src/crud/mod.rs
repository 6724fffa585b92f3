//! Every other product's CRUD, generically from the products table
//! (`generated/products.rs`, `store/products.rs`): a create stores an item shaped by the spec
//! (its fields in the members they name, `FriendlyName` → `friendly_name`; defaults for the
//! rest; a SID with the spec's prefix; `account_sid`, the parents' SIDs, `date_created`,
//! `date_updated`, an absolute `url` and `links` on the product's origin), a fetch returns
//! it, a list serves it in the `meta` envelope with equality filters on its members, an
//! update changes it, a remove deletes it. Bad input is answered 400 with Twilio's error
//! JSON and nothing is written. Each product's own behaviour (Verify's codes) is in
//! `products/`.

use std::sync::Arc;

use bytes::Bytes;
use http::request::Parts;
use http::{Method, Response, StatusCode};
use serde_json::{Map, Value};

use crate::fault::apply::{Whole, page_outcome, take, whole_outcome};
use crate::fault::{Fault, Target as FaultTarget};
use crate::products::verify;
use crate::reply::{Outcome, error_response, not_found};
use crate::server::body::SandboxBody;
use crate::state::{Shared, bump};
use crate::store::date::iso_date_time;
use crate::store::page::MAX_PAGE_SIZE;
use crate::store::products::{BodyField, FieldKind, Resource};
use crate::store::routes::is_sid;
use crate::write::now;

/// How many items a `meta` page holds when the request names no `PageSize` (Twilio's).
const DEFAULT_META_PAGE_SIZE: usize = 50;

/// What a path names.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// A collection (create, list).
    Collection,
    /// One item (fetch, update, remove), by its id.
    Item,
}

/// Matches `path` against a path template: the values of its parameters and how many static
/// segments agreed.
fn match_template<'p>(template: &str, path: &'p str) -> Option<(Vec<&'p str>, usize)> {
    let mut values = Vec::new();
    let mut statics = 0;
    let mut given = path.split('/');
    for expected in template.split('/') {
        let segment = given.next()?;
        if expected.starts_with('{') {
            if segment.is_empty() {
                return None;
            }
            values.push(segment);
        } else if expected == segment {
            statics += 1;
        } else {
            return None;
        }
    }
    given.next().is_none().then_some((values, statics))
}

/// The resource a path names, what of it, and the collection's concrete path.
fn route<'p>(
    resources: &'static [Resource],
    path: &'p str,
) -> Option<(&'static Resource, Target, &'p str, Vec<&'p str>)> {
    let mut best: Option<(&'static Resource, Target, &'p str, Vec<&'p str>, usize)> = None;
    let parent = path.rsplit_once('/');
    for resource in resources {
        let mut consider = |target, collection: &'p str, values: Vec<&'p str>, statics| {
            if best.as_ref().is_none_or(|b| statics > b.4) {
                best = Some((resource, target, collection, values, statics));
            }
        };
        if let Some((values, statics)) = match_template(resource.list, path) {
            consider(Target::Collection, path, values, statics);
        }
        if let Some((collection, id)) = parent.filter(|(_, id)| !id.is_empty())
            && !resource.item.is_empty()
            && let Some((mut values, statics)) = match_template(resource.list, collection)
        {
            values.push(id);
            consider(Target::Item, collection, values, statics);
        }
    }
    best.map(|(r, t, c, v, _)| (r, t, c, v))
}

/// The origin of a product on the sandbox: `http://verify.localhost:PORT`.
pub(crate) fn origin(shared: &Shared, label: &str) -> String {
    format!(
        "{}://{label}.localhost:{}",
        shared.products.scheme, shared.products.port
    )
}

use crate::reply::json_value as json;

/// A 400 with Twilio's code 20001.
fn bad_request(message: &str) -> Response<SandboxBody> {
    error_response(StatusCode::BAD_REQUEST, 20_001, message)
}

/// The parameters of a write: a form, or a JSON object's members.
#[derive(Debug, Default)]
struct Input(Vec<(String, Value)>);

impl Input {
    fn parse(req: &Parts, body: &Bytes) -> Result<Self, String> {
        let json = req
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Ok(Self(
                url::form_urlencoded::parse(body)
                    .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                    .collect(),
            ));
        }
        if body.is_empty() {
            return Ok(Self::default());
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(members)) => Ok(Self(members.into_iter().collect())),
            _ => Err("The request body is not a JSON object".to_owned()),
        }
    }

    /// The first value of `name`, as text.
    fn text(&self, name: &str) -> Option<String> {
        self.all(name).into_iter().next().map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    fn all(&self, name: &str) -> Vec<&Value> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v)
            .collect()
    }
}

/// The value a field sets, or why it is refused.
fn value_of(field: &BodyField, values: &[&Value]) -> Result<Value, String> {
    let invalid = |v: &Value| format!("Invalid value {v} for parameter {}", field.name);
    let one = |v: &Value| -> Result<Value, String> {
        match (field.kind, v) {
            (FieldKind::Integer, Value::Number(n)) if n.is_i64() => Ok(v.clone()),
            (FieldKind::Integer, Value::String(s)) => {
                s.parse::<i64>().map(Value::from).map_err(|_| invalid(v))
            }
            (FieldKind::Bool, Value::Bool(_)) => Ok(v.clone()),
            (FieldKind::Bool, Value::String(s)) => match s.to_ascii_lowercase().as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(invalid(v)),
            },
            (FieldKind::Sid(prefix), Value::String(s)) if is_sid(s, &[prefix]) => Ok(v.clone()),
            (FieldKind::Integer | FieldKind::Bool | FieldKind::Sid(_), _) => Err(invalid(v)),
            (FieldKind::Text | FieldKind::Many, _) => Ok(v.clone()),
        }
    };
    match (field.kind, values) {
        (FieldKind::Many, [Value::Array(_)]) => Ok(values[0].clone()),
        (FieldKind::Many, _) => values
            .iter()
            .map(|v| one(v))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        (_, [first, ..]) => one(first),
        (_, []) => Ok(Value::Null),
    }
}

/// Checks the input against a write's fields and gives the members they set; the 400's
/// message otherwise.
fn members_of(fields: &'static str, input: &Input) -> Result<Vec<(&'static str, Value)>, String> {
    let mut out = Vec::new();
    for field in fields.split_ascii_whitespace().filter_map(BodyField::parse) {
        let values = input.all(field.name);
        let blank = values
            .iter()
            .all(|v| v.is_null() || v.as_str().is_some_and(str::is_empty));
        if field.required && blank {
            return Err(format!(
                "Missing required parameter {} in the post body",
                field.name
            ));
        }
        if values.is_empty() {
            continue;
        }
        let value = value_of(&field, &values)?;
        if let Some(member) = field.member {
            out.push((member, value));
        }
    }
    Ok(out)
}

/// A path segment with its `%XX` escapes decoded (`%2B15005550006` → `+15005550006`); a
/// malformed escape, or bytes that are not UTF-8, stay as sent.
fn unescape(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_owned())
}

/// A path segment as Twilio writes it in an item's `url`: what RFC 3986 allows in a segment
/// as it is (`+15005550006` keeps its `+`, as Twilio's own answers show it:
/// `https://lookups.twilio.com/v2/PhoneNumbers/+13105555555`), anything else percent-encoded
/// (`alice smith` → `alice%20smith`, `a/b` → `a%2Fb`).
fn escape_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        let plain = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte);
        if plain {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A request's path with each segment spelled one way ([`escape_segment`] of its decoded
/// value), so that `/v2/SafeList/Numbers/%2B1500…` and `/v2/SafeList/Numbers/+1500…` name
/// the same item, and an item's `url` is the same whichever way its creator spelled it.
fn canonical(path: &str) -> String {
    path.split('/')
        .map(|segment| escape_segment(&unescape(segment)))
        .collect::<Vec<_>>()
        .join("/")
}

/// `FriendlyName` → `friendly_name`.
fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `item[member]` is `wanted`, as a query parameter spells it.
fn equals(item: &Value, member: &str, wanted: &str) -> bool {
    match item.get(member) {
        Some(Value::String(s)) => s == wanted,
        Some(Value::Bool(b)) => wanted.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        Some(Value::Number(n)) => n.to_string() == wanted,
        _ => false,
    }
}

/// Answers an authenticated request for the product on host label `label`, with the
/// scripted fault that matched it, if any.
///
/// A request that names a resource and an operation it has is matched against the queued
/// faults: a [`Fault::Status`] answers instead of it (nothing is written); any other fault
/// is applied to its answer, after a write was done (a `disconnect` is a cut after the
/// write was applied). An answer that is an error anyway (a 400, a 404) is sent as it is.
pub(crate) fn respond(
    shared: &Arc<Shared>,
    req: &Parts,
    body: &Bytes,
    label: &'static str,
    resources: &'static [Resource],
) -> (Outcome, Option<Fault>) {
    let fault = fault_for(shared, req, label, resources);
    if let Some(status @ Fault::Status { .. }) = &fault {
        // Answered instead of the request: nothing is written.
        let outcome = page_outcome(shared, &Whole(Bytes::new()), Some(status.clone()));
        return (outcome, fault);
    }
    // Any other fault comes after the request was done.
    let response = perform(shared, req, body, label, resources);
    let status = response.status();
    if status.is_client_error() || status.is_server_error() {
        bump(&shared.counters.error_responses, 1);
        return (Outcome::answer(response), fault);
    }
    match (fault, response.body().whole()) {
        (Some(fault), Some(bytes)) => (
            whole_outcome(shared, status, bytes, Some(fault.clone())),
            Some(fault),
        ),
        (fault, _) => (Outcome::answer(response), fault),
    }
}

/// The scripted fault for a request that names a resource, an operation it has and parents
/// the sandbox holds (a request answered 404 or 405 anyway takes none).
fn fault_for(
    shared: &Shared,
    req: &Parts,
    label: &'static str,
    resources: &'static [Resource],
) -> Option<Fault> {
    let path = canonical(req.uri.path());
    let (resource, target, collection, _) = route(resources, &path)?;
    if !resource.has(operation(target, &req.method))
        || missing_parent(shared, label, resources, collection).is_some()
    {
        return None;
    }
    take(
        shared,
        &FaultTarget {
            method: &req.method,
            host: label,
            path: &path,
            call: "",
            page: page_of(req.uri.query()),
        },
    )
}

/// The `Page` a query asks for (0 by default, or when it is not a number).
fn page_of(query: Option<&str>) -> u64 {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "Page")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0)
}

/// The operation a method asks of what a path names: `c`, `l`, `f`, `u`, `d`, or `' '`.
fn operation(target: Target, method: &Method) -> char {
    match (target, method) {
        (Target::Collection, &Method::POST) => 'c',
        (Target::Collection, &Method::GET) => 'l',
        (Target::Item, &Method::GET) => 'f',
        (Target::Item, &Method::POST | &Method::PUT | &Method::PATCH) => 'u',
        (Target::Item, &Method::DELETE) => 'd',
        _ => ' ',
    }
}

/// Does what a request asks and answers it.
fn perform(
    shared: &Arc<Shared>,
    req: &Parts,
    body: &Bytes,
    label: &'static str,
    resources: &'static [Resource],
) -> Response<SandboxBody> {
    let path = canonical(req.uri.path());
    let path = path.as_str();
    let Some((resource, target, collection, values)) = route(resources, path) else {
        return not_found(path);
    };
    let op = operation(target, &req.method);
    if !resource.has(op) {
        let message = format!("Method {} not allowed on {path}", req.method);
        return error_response(StatusCode::METHOD_NOT_ALLOWED, 20004, &message);
    }
    // Every item the path's parameters name must exist, where the sandbox creates them.
    if let Some(missing) = missing_parent(shared, label, resources, collection) {
        return not_found(missing);
    }
    let id = match target {
        Target::Item => unescape(values.last().copied().unwrap_or_default()),
        Target::Collection => String::new(),
    };
    let id = id.as_str();
    let items = &shared.written;
    match op {
        'c' => {
            let input = match Input::parse(req, body) {
                Ok(input) => input,
                Err(message) => return bad_request(&message),
            };
            let made = New {
                fields: resource.create,
                id: None,
                status: StatusCode::from_u16(resource.status).unwrap_or(StatusCode::CREATED),
            };
            create(shared, label, resource, collection, &values, &input, &made)
        }
        'f' => match items.get_json(label, collection, id) {
            Some(item) => json(StatusCode::OK, &item),
            None => not_found(path),
        },
        'u' => {
            let input = match Input::parse(req, body) {
                Ok(input) => input,
                Err(message) => return bad_request(&message),
            };
            let members = match members_of(resource.update, &input) {
                Ok(members) => members,
                Err(message) => return bad_request(&message),
            };
            if !resource.has('c') && items.get_json(label, collection, id).is_none() {
                // Nothing creates these items but their update (a number's routes, a
                // user Flex made): the first update makes the item, as Twilio's does.
                let made = New {
                    fields: resource.update,
                    id: Some(id),
                    status: StatusCode::OK,
                };
                return create(shared, label, resource, collection, &values, &input, &made);
            }
            let changed = items.update_json(label, collection, id, |item| {
                if let Value::Object(map) = item {
                    for (member, value) in members {
                        map.insert(member.to_owned(), value);
                    }
                    if map.contains_key("date_updated") {
                        map.insert(
                            "date_updated".to_owned(),
                            Value::String(iso_date_time(now(), "Z")),
                        );
                    }
                }
            });
            match changed {
                Some(item) => json(StatusCode::OK, &item),
                None => not_found(path),
            }
        }
        'd' => {
            if items.remove_json(label, collection, id) {
                let mut response = Response::new(SandboxBody::full(Bytes::new()));
                *response.status_mut() = StatusCode::NO_CONTENT;
                response
            } else {
                not_found(path)
            }
        }
        _ => list(shared, req, label, resource, collection),
    }
}

/// The first path (a parent item's) that names nothing the sandbox holds, among the parents
/// of `collection` that the sandbox creates.
fn missing_parent<'p>(
    shared: &Shared,
    label: &'static str,
    resources: &'static [Resource],
    collection: &'p str,
) -> Option<&'p str> {
    let mut end = 0;
    for segment in collection.split('/').skip(1) {
        end += 1 + segment.len();
        let here = collection.get(..end)?;
        let (parent, id) = here.rsplit_once('/')?;
        let creates_it = resources
            .iter()
            .any(|r| r.has('c') && !r.item.is_empty() && match_template(r.list, parent).is_some());
        let own = resources
            .iter()
            .any(|r| match_template(r.list, here).is_some());
        if creates_it
            && !own
            && shared
                .written
                .get_json(label, parent, &unescape(id))
                .is_none()
        {
            return Some(here);
        }
    }
    None
}

/// How an item is made: by a create, or by the first update of an item nothing creates.
struct New<'a> {
    /// The fields of the write that makes it (the create's, or the update's).
    fields: &'static str,
    /// The item's id when its path names it (an update's), else one is made.
    id: Option<&'a str>,
    /// The success status answered.
    status: StatusCode,
}

fn create(
    shared: &Arc<Shared>,
    label: &'static str,
    resource: &'static Resource,
    collection: &str,
    values: &[&str],
    input: &Input,
    made: &New<'_>,
) -> Response<SandboxBody> {
    let members = match members_of(made.fields, input) {
        Ok(members) => members,
        Err(message) => return bad_request(&message),
    };
    let check = verify::Check {
        to: input.text("To"),
        verification_sid: input.text("VerificationSid"),
        code: input.text("Code"),
    };
    if let Some(answer) = verify::check(shared, label, resource, values, check) {
        return answer;
    }
    let mut item: Map<String, Value> = resource.members().map(|(m, v)| (m.to_owned(), v)).collect();
    for (member, value) in resource.parents.iter().zip(values) {
        if !member.is_empty() {
            item.insert((*member).to_owned(), Value::String(unescape(value)));
        }
    }
    if item.contains_key("account_sid") {
        item.insert(
            "account_sid".to_owned(),
            Value::String(shared.data.credentials.account_sid.clone()),
        );
    }
    for (member, value) in members {
        item.insert(member.to_owned(), value);
    }
    if let Some(id) = made.id {
        item.insert(resource.id_field.to_owned(), Value::String(id.to_owned()));
    }
    if item.contains_key("sid")
        && !resource.prefix.is_empty()
        && (made.id.is_none() || resource.id_field != "sid")
    {
        let (sid, _) = shared.written.name(resource.prefix);
        item.insert("sid".to_owned(), Value::String(sid));
    }
    let id = match item.get(resource.id_field) {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        _ => {
            let prefix = if resource.prefix.is_empty() {
                "ZZ"
            } else {
                resource.prefix
            };
            let (sid, _) = shared.written.name(prefix);
            item.insert(resource.id_field.to_owned(), Value::String(sid.clone()));
            sid
        }
    };
    let date = Value::String(iso_date_time(now(), "Z"));
    for member in ["date_created", "date_updated"] {
        if item.contains_key(member) {
            item.insert(member.to_owned(), date.clone());
        }
    }
    let origin = origin(shared, label);
    let url = if resource.item.is_empty() {
        format!("{origin}{collection}")
    } else {
        format!("{origin}{collection}/{}", escape_segment(&id))
    };
    if item.contains_key("links") && !resource.links.is_empty() {
        let links: Map<String, Value> = resource
            .links
            .iter()
            .map(|(name, segment)| {
                (
                    (*name).to_owned(),
                    Value::String(format!("{url}/{segment}")),
                )
            })
            .collect();
        item.insert("links".to_owned(), Value::Object(links));
    }
    if item.contains_key("url") {
        item.insert("url".to_owned(), Value::String(url));
    }
    let mut item = Value::Object(item);
    verify::created(resource, &mut item);
    if let Err(full) = shared
        .written
        .insert_json(label, collection, id, item.clone())
    {
        return full.response();
    }
    json(made.status, &item)
}

/// A page of a collection in the `meta` envelope, filtered by the query parameters that
/// name its members.
fn list(
    shared: &Shared,
    req: &Parts,
    label: &'static str,
    resource: &'static Resource,
    collection: &str,
) -> Response<SandboxBody> {
    let query: Vec<(String, String)> = req
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let mut size = DEFAULT_META_PAGE_SIZE;
    let mut page = 0usize;
    let mut filters = Vec::new();
    for (name, value) in &query {
        match name.as_str() {
            "PageSize" => match value.parse::<u64>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => {
                    size = usize::try_from(n).unwrap_or(DEFAULT_META_PAGE_SIZE);
                }
                _ => {
                    return bad_request(&format!(
                        "PageSize must be between 1 and {MAX_PAGE_SIZE}, not {value:?}"
                    ));
                }
            },
            "Page" => match value.parse::<usize>() {
                Ok(n) => page = n,
                Err(_) => return bad_request(&format!("Page must be a number, not {value:?}")),
            },
            "PageToken" => {}
            _ => {
                let member = snake(name);
                if resource.has_member(&member) {
                    filters.push((name.as_str(), member, value.as_str()));
                }
            }
        }
    }
    let items = shared.written.list_json(label, collection, |item| {
        filters.iter().all(|(_, m, v)| equals(item, m, v))
    });
    let start = page.saturating_mul(size);
    let rows: Vec<Value> = items.iter().skip(start).take(size).cloned().collect();
    let origin = origin(shared, label);
    let link = |page: usize| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (name, _, value) in &filters {
            q.append_pair(name, value);
        }
        q.append_pair("PageSize", &size.to_string());
        q.append_pair("Page", &page.to_string());
        Value::String(format!("{origin}{collection}?{}", q.finish()))
    };
    let more = items.len() > start.saturating_add(size);
    let key = if resource.key.is_empty() {
        "items"
    } else {
        resource.key
    };
    let meta = serde_json::json!({
        "page": page,
        "page_size": size,
        "first_page_url": link(0),
        "previous_page_url": if page > 0 { link(page - 1) } else { Value::Null },
        "url": link(page),
        "next_page_url": if more { link(page + 1) } else { Value::Null },
        "key": key,
    });
    let mut body = Map::new();
    body.insert(key.to_owned(), Value::Array(rows));
    body.insert("meta".to_owned(), meta);
    json(StatusCode::OK, &Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_paths() {
        assert_eq!(
            match_template(
                "/v2/Services/{ServiceSid}/Verifications",
                "/v2/Services/VA1/Verifications"
            ),
            Some((vec!["VA1"], 4))
        );
        assert_eq!(match_template("/v2/Services", "/v2/Services/VA1"), None);
        assert_eq!(match_template("/v2/Services/{Sid}", "/v2/Services/"), None);
    }

    #[test]
    fn verify_paths_route_to_their_resources() {
        let verify = crate::store::products::product("verify").unwrap();
        let (r, t, c, v) = route(verify, "/v2/Services/VA1/Verifications/VE2").unwrap();
        assert_eq!(r.list, "/v2/Services/{ServiceSid}/Verifications");
        assert!(matches!(t, Target::Item));
        assert_eq!(
            (c, v),
            ("/v2/Services/VA1/Verifications", vec!["VA1", "VE2"])
        );
        let (r, t, ..) = route(verify, "/v2/Services").unwrap();
        assert_eq!(r.list, "/v2/Services");
        assert!(matches!(t, Target::Collection));
        assert!(route(verify, "/v9/Nothing").is_none());
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(unescape("%2B15005550006"), "+15005550006");
        assert_eq!(unescape("VA1"), "VA1");
        assert_eq!(unescape("100%"), "100%");
        assert_eq!(unescape("%zz%FF"), "%zz%FF");
    }

    #[test]
    fn paths_are_spelled_one_way() {
        assert_eq!(escape_segment("+15005550006"), "+15005550006");
        assert_eq!(escape_segment("alice smith/2"), "alice%20smith%2F2");
        assert_eq!(escape_segment("é"), "%C3%A9");
        assert_eq!(
            canonical("/v2/SafeList/Numbers/%2B15005550006"),
            "/v2/SafeList/Numbers/+15005550006"
        );
        assert_eq!(canonical("/v2/Entities/a%20b"), "/v2/Entities/a%20b");
        assert_eq!(canonical("/v2/Entities/a b"), "/v2/Entities/a%20b");
        assert_eq!(canonical("/v2/Services"), "/v2/Services");
    }

    #[test]
    fn names_become_members() {
        assert_eq!(snake("FriendlyName"), "friendly_name");
        assert_eq!(snake("To"), "to");
    }
}

#[cfg(test)]
mod e2e;
