//! The writes of the API (`POST`, `DELETE`), accepted and remembered generically from the
//! writes table (`store/writes.rs`): a create stores an item shaped like the spec's (the form
//! parameters in the members they name, the rest as the seeded data has it: `sid` with the
//! prefix the spec's pattern demands, `date_created`, `date_updated`, `uri`,
//! `subresource_uris`), an update changes it (or a seeded row), a remove deletes it. Bad
//! input is answered 400 with Twilio's error JSON and nothing is written. Each product's
//! own behaviour (what a new message or call does next) is in `products/`.
//!
//! Scripted faults reach writes too: a [`Fault::Status`] answers instead of the write
//! (nothing is written, as when Twilio throttles or fails before acting); any other fault is
//! applied to the answer after the write was done (a `disconnect` is a connection cut after
//! the write was applied: the client cannot know whether it was).

use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use http::request::Parts;

use crate::fault::Fault;
use crate::fault::apply::{Whole, page_outcome, whole_outcome};
use crate::products;
use crate::reply::{Outcome, error_response, not_found, unauthorized};
use crate::state::{Shared, bump};
use crate::store::render::{self, Context};
use crate::store::routes;
use crate::store::world::{Entity, Fact, parent_param};
use crate::store::writes::{self, Action, BodyKind, WriteSpec};
use crate::store::{Resolved, resolve};

/// Now, in seconds since the epoch.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn error(
    shared: &Shared,
    response: http::Response<crate::server::body::SandboxBody>,
) -> (Outcome, Option<Fault>) {
    bump(&shared.counters.error_responses, 1);
    (Outcome::answer(response), None)
}

/// A 400 with Twilio's code and message.
pub(crate) fn bad_request(
    code: u32,
    message: &str,
) -> http::Response<crate::server::body::SandboxBody> {
    error_response(StatusCode::BAD_REQUEST, code, message)
}

/// The decoded form of a write.
#[derive(Debug, Default)]
pub(crate) struct Form(pub(crate) Vec<(String, String)>);

impl Form {
    fn parse(body: &Bytes) -> Self {
        Self(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Checks the form against the write's parameters: required ones present, SIDs, integers
/// and booleans well-formed. The message of the 400 otherwise.
fn check(write: &WriteSpec, form: &Form) -> Result<(), (u32, String)> {
    for field in write.body {
        let values = form.all(field.name);
        if field.required && values.iter().all(|v| v.is_empty()) {
            return Err((
                20_001,
                format!("Missing required parameter {} in the post body", field.name),
            ));
        }
        for value in values {
            let ok = match field.kind {
                BodyKind::Sid(prefix) => routes::is_sid(value, &[prefix]),
                BodyKind::Integer => value.parse::<i64>().is_ok(),
                BodyKind::Bool => matches!(value.to_ascii_lowercase().as_str(), "true" | "false"),
                BodyKind::Text | BodyKind::Many => true,
            };
            if !ok {
                return Err((
                    20_001,
                    format!("Invalid value {value:?} for parameter {}", field.name),
                ));
            }
        }
    }
    Ok(())
}

/// The fact a form value sets.
fn fact(kind: BodyKind, values: &[&str]) -> Fact {
    match kind {
        BodyKind::Integer => values
            .first()
            .and_then(|v| v.parse().ok())
            .map_or(Fact::Null, Fact::Int),
        BodyKind::Bool => Fact::Bool(
            values
                .first()
                .is_some_and(|v| v.eq_ignore_ascii_case("true")),
        ),
        BodyKind::Many => Fact::Json(serde_json::Value::from(
            values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>(),
        )),
        BodyKind::Text | BodyKind::Sid(_) => {
            Fact::Str(values.first().map(|v| (*v).to_owned()).unwrap_or_default())
        }
    }
}

/// Sets the facts the form gives.
fn apply_form(write: &WriteSpec, form: &Form, entity: &mut Entity) {
    for field in write.body {
        let values = form.all(field.name);
        if let (Some(member), false) = (field.field, values.is_empty()) {
            entity.set(member, fact(field.kind, &values));
        }
    }
}

/// Answers an authenticated request that is not a `GET`.
pub(crate) async fn respond(
    shared: &Arc<Shared>,
    req: &Parts,
    body: &Bytes,
) -> (Outcome, Option<Fault>) {
    let path = req.uri.path();
    let delete = req.method == http::Method::DELETE;
    let Some((write, values)) = (if delete || req.method == http::Method::POST {
        writes::match_path(delete, path)
    } else {
        None
    }) else {
        let allowed: Vec<&str> = [
            ("GET", routes::match_path(path).is_some()),
            ("POST", writes::match_path(false, path).is_some()),
            ("DELETE", writes::match_path(true, path).is_some()),
        ]
        .iter()
        .filter(|(_, yes)| *yes)
        .map(|(method, _)| *method)
        .collect();
        if allowed.is_empty() {
            return error(shared, not_found(path));
        }
        let message = format!("Method {} not allowed on {path}", req.method);
        let mut response = error_response(StatusCode::METHOD_NOT_ALLOWED, 20004, &message);
        if let Ok(allow) = http::HeaderValue::from_str(&allowed.join(", ")) {
            response.headers_mut().insert(http::header::ALLOW, allow);
        }
        return error(shared, response);
    };
    let world = &shared.site.world;
    // The path's parameters: each must name something (the last one, for an update or a
    // remove, the item written).
    let (account, last, stored) = match write.resolve.and_then(routes::by_id) {
        Some(route) => match resolve(world, Some(&shared.written), route, &values) {
            Resolved::Found {
                account,
                last,
                stored,
                ..
            } => (account.to_owned(), last, stored),
            Resolved::NotFound => return error(shared, not_found(path)),
            Resolved::Unauthorized => return error(shared, unauthorized()),
        },
        None => {
            let account = values.first().copied().unwrap_or_default();
            if !routes::is_sid(account, &["AC"]) {
                return error(shared, not_found(path));
            }
            if account != world.account_sid {
                return error(shared, unauthorized());
            }
            (account.to_owned(), None, None)
        }
    };
    let form = Form::parse(body);
    if write.action != Action::Remove {
        if let Err((code, message)) = products::check(write, &form) {
            return error(shared, bad_request(code, &message));
        }
        if let Err((code, message)) = check(write, &form) {
            return error(shared, bad_request(code, &message));
        }
    }
    let call = write
        .params
        .iter()
        .position(|p| p.name == "CallSid")
        .and_then(|i| values.get(i))
        .copied()
        .unwrap_or("");
    let fault = crate::fault::apply::take_api(shared, req, call, 0);
    if let Some(status @ Fault::Status { .. }) = &fault {
        // Refused before anything is written.
        return (
            page_outcome(shared, &Whole(Bytes::new()), Some(status.clone())),
            fault,
        );
    }
    let collection = write.collection.and_then(|c| world.collection(c));
    let list_id = write.store;
    // An item no list serves is found in the store alone (the path resolved its parent).
    let (last, stored) = match (write.collection, write.action) {
        (None, Action::Update | Action::Remove) => {
            let id = values.last().copied().unwrap_or_default();
            match shared.written.get(list_id, id) {
                Some(item) => (None, Some(item)),
                None => return error(shared, not_found(path)),
            }
        }
        _ => (last, stored),
    };
    let list_route = write.collection.and_then(routes::by_id);
    let parent = list_route
        .and_then(parent_param)
        .and_then(|p| write.params.iter().position(|q| q.name == p.name))
        .and_then(|i| values.get(i))
        .map(|v| (*v).to_owned());
    let now = now();
    let (status, entity) = match write.action {
        Action::Create => {
            let prefix = products::prefix(write, &form)
                .or(write.id_prefix)
                .unwrap_or("XX");
            let (id, key) = shared.written.name(prefix);
            let mut entity = Entity::new(id, key, now, now);
            entity.scope = write
                .params
                .iter()
                .zip(&values)
                .filter(|(p, _)| p.name != "AccountSid")
                .map(|(p, v)| (p.name, (*v).to_owned()))
                .collect();
            entity.set(write.id_field, Fact::Str(entity.id.clone()));
            for (param, value) in write.params.iter().zip(&values) {
                if let Some(field) = param.field {
                    entity.set(field, Fact::Str((*value).to_owned()));
                }
            }
            if write.members.contains(&"owner_account_sid") {
                entity.set("owner_account_sid", Fact::Str(account.clone()));
            }
            if write.collection.is_none() {
                // An item no list serves: its own path, as Twilio names it.
                let uri = if write.members.contains(&write.id_field) {
                    format!("{}/{}.json", path.trim_end_matches(".json"), entity.id)
                } else {
                    path.to_owned()
                };
                entity.set("uri", Fact::Str(uri));
            }
            apply_form(write, &form, &mut entity);
            products::created(shared, write, &form, &mut entity);
            if let Err(full) = shared.written.put(
                list_id,
                parent.clone(),
                account.clone(),
                entity.clone(),
                false,
            ) {
                return error(shared, full.response());
            }
            (StatusCode::CREATED, Some(entity))
        }
        Action::Update => {
            let mut entity = match (&stored, last) {
                (Some(item), _) => item.entity.clone(),
                (None, Some((c, row))) => match world.entity(c, row) {
                    Some(e) => e.clone(),
                    None => return error(shared, not_found(path)),
                },
                (None, None) => return error(shared, not_found(path)),
            };
            apply_form(write, &form, &mut entity);
            entity.updated = now;
            entity.set("date_updated", Fact::Time(now));
            let seeded = stored.as_ref().is_none_or(|s| s.seeded);
            if let Err(full) = shared.written.put(
                list_id,
                stored
                    .as_ref()
                    .and_then(|s| s.parent.clone())
                    .or(parent.clone()),
                account.clone(),
                entity.clone(),
                seeded,
            ) {
                return error(shared, full.response());
            }
            (StatusCode::OK, Some(entity))
        }
        Action::Remove => {
            let seeded_row = stored.is_none() && last.is_some();
            if stored.is_none() && last.is_none() {
                return error(shared, not_found(path));
            }
            let id = values.last().copied().unwrap_or_default();
            shared.written.remove(list_id, id, seeded_row);
            (StatusCode::NO_CONTENT, None)
        }
    };
    let bytes = match &entity {
        Some(entity) => {
            let cx = Context {
                account_sid: &account,
                templates: &shared.site.templates,
            };
            let value = match list_route {
                Some(route) => render::item(&cx, route, collection, entity),
                None => render::standalone(write.members, entity),
            };
            serde_json::to_vec(&value).unwrap_or_default()
        }
        None => Vec::new(),
    };
    if write.action == Action::Create
        && let Some(entity) = &entity
    {
        let creation = products::Creation {
            account: &account,
            path,
            item: &bytes,
        };
        products::started(shared, write, &form, entity, &creation);
    }
    if write.action == Action::Remove
        && let Some(id) = values.last()
    {
        shared.call_events.remove(id);
    }
    let outcome = whole_outcome(shared, status, Bytes::from(bytes), fault.clone());
    (outcome, fault)
}

#[cfg(test)]
mod tests {
    //! Every write of the table, over a real socket: a create is fetched, listed first and
    //! removed (then 404); an update changes a seeded item; a remove deletes one (then 404).

    use serde_json::Value;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use crate::Sandbox;
    use crate::store::routes::{self, Kind, Segment};
    use crate::store::writes::{self, Action, BodyKind, WriteSpec};

    async fn http(sandbox: &Sandbox, method: &str, path: &str, form: &str) -> (u16, Value) {
        use base64::Engine as _;
        let auth = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            sandbox.account_sid(),
            sandbox.auth_token()
        ));
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic {auth}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{form}",
            form.len()
        );
        let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
            .await
            .unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let text = String::from_utf8(raw).unwrap();
        let status = text[9..12].parse().unwrap();
        let (head, mut body) = text.split_once("\r\n\r\n").unwrap();
        let mut plain = String::new();
        if head.to_ascii_lowercase().contains("chunked") {
            while let Some((size, rest)) = body.split_once("\r\n") {
                let n = usize::from_str_radix(size, 16).unwrap();
                if n == 0 {
                    break;
                }
                plain.push_str(&rest[..n]);
                body = &rest[n + 2..];
            }
        } else {
            plain.push_str(body);
        }
        (status, serde_json::from_str(&plain).unwrap_or(Value::Null))
    }

    /// A form with every required parameter (and what messages need), well-formed.
    fn form(write: &WriteSpec) -> String {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for field in write.body {
            let needed = field.required
                || (write.id == "CreateMessage" && matches!(field.name, "From" | "Body"))
                || (write.id == "CreateCall" && field.name == "Twiml");
            if !needed {
                continue;
            }
            let value = match field.kind {
                BodyKind::Sid(prefix) => format!("{prefix}{}", "0".repeat(32)),
                BodyKind::Integer => "1".to_owned(),
                BodyKind::Bool => "true".to_owned(),
                _ if matches!(field.name, "To" | "From" | "PhoneNumber") => {
                    "+15005550006".to_owned()
                }
                _ if field.name == "Twiml" => "<Response><Say>Hi</Say></Response>".to_owned(),
                _ if field.name.ends_with("Url") || field.name == "Callback" => {
                    "http://127.0.0.1:9/x".to_owned()
                }
                _ => format!("sandbox {}", field.name),
            };
            form.append_pair(field.name, &value);
        }
        form.finish()
    }

    fn path(write: &WriteSpec, values: &[String]) -> String {
        let mut out = String::from("/2010-04-01");
        for segment in write.segments {
            out.push('/');
            match segment {
                Segment::Static(name) => out.push_str(name),
                Segment::Param(i) => out.push_str(&values[*i]),
            }
        }
        out + ".json"
    }

    #[tokio::test]
    async fn every_write_of_the_table() {
        let sandbox = Sandbox::builder()
            .seed(3)
            .calls(4)
            .messages(4)
            .start()
            .await
            .unwrap();
        let mut checked = 0;
        let mut made = std::collections::HashMap::new();
        for write in writes::all() {
            let values: Vec<String> = match write.resolve {
                Some(route) => {
                    let Ok(found) = sandbox.path_values(route, &[]) else {
                        panic!("{}: no path values for {route}", write.id);
                    };
                    let route = routes::by_id(route).unwrap();
                    route
                        .params
                        .iter()
                        .map(|p| found.get(p.name).unwrap().to_owned())
                        .collect()
                }
                None => vec![sandbox.account_sid().to_owned()],
            };
            // An item no list serves is changed or removed where it was created.
            let values = match (write.collection, write.action) {
                (None, Action::Update | Action::Remove) => made
                    .get(write.store)
                    .cloned()
                    .unwrap_or_else(|| panic!("{}: nothing created before", write.id)),
                _ => values,
            };
            let target = path(write, &values);
            let fetchable =
                routes::match_path(&target).is_some_and(|(route, _)| route.kind == Kind::Fetch);
            match write.action {
                Action::Create => {
                    let (status, item) = http(&sandbox, "POST", &target, &form(write)).await;
                    assert_eq!(status, 201, "{}: {item}", write.id);
                    if write.members.contains(&"account_sid") {
                        assert_eq!(item["account_sid"], sandbox.account_sid(), "{}", write.id);
                    }
                    if !write.members.contains(&write.id_field) {
                        checked += 1;
                        continue;
                    }
                    let id = item[write.id_field]
                        .as_str()
                        .unwrap_or_else(|| panic!("{}: {item}", write.id));
                    if let Some(prefix) = write.id_prefix.filter(|_| write.id != "CreateMessage") {
                        assert!(id.starts_with(prefix), "{}: {id}", write.id);
                    }
                    let mut named = values.clone();
                    named.push(id.to_owned());
                    made.insert(write.store, named);
                    if let Some(list) = write.collection {
                        let item_path = format!("{}/{id}.json", target.trim_end_matches(".json"));
                        let (status, fetched) = http(&sandbox, "GET", &item_path, "").await;
                        if status == 200 {
                            assert_eq!(fetched, item, "{}", write.id);
                        }
                        let (status, page) = http(&sandbox, "GET", &target, "").await;
                        assert_eq!(status, 200, "{}", write.id);
                        let key = routes::by_id(list).unwrap().items_key.unwrap();
                        assert_eq!(page[key][0], item, "{}: listed first", write.id);
                        if writes::match_path(true, &item_path).is_some() {
                            assert_eq!(
                                http(&sandbox, "DELETE", &item_path, "").await.0,
                                204,
                                "{}",
                                write.id
                            );
                            assert_eq!(
                                http(&sandbox, "GET", &item_path, "").await.0,
                                404,
                                "{}",
                                write.id
                            );
                        }
                    }
                }
                Action::Update => {
                    let (status, item) = http(&sandbox, "POST", &target, &form(write)).await;
                    assert_eq!(status, 200, "{}: {item}", write.id);
                    if fetchable {
                        let (status, fetched) = http(&sandbox, "GET", &target, "").await;
                        assert_eq!((status, &fetched), (200, &item), "{}", write.id);
                    }
                }
                Action::Remove => {
                    let (status, body) = http(&sandbox, "DELETE", &target, "").await;
                    assert_eq!(status, 204, "{}: {body}", write.id);
                    if fetchable {
                        assert_eq!(
                            http(&sandbox, "GET", &target, "").await.0,
                            404,
                            "{}",
                            write.id
                        );
                    }
                    assert_eq!(
                        http(&sandbox, "DELETE", &target, "").await.0,
                        404,
                        "{}",
                        write.id
                    );
                }
            }
            checked += 1;
        }
        assert!(checked > 80, "{checked}");
        sandbox.shutdown().await;
    }
}
