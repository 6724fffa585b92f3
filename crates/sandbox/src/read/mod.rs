//! The answers of the route table: every `GET` of the spec but the call events (which keep
//! their own streaming renderer in `read/events.rs` and `store/page.rs`).
//!
//! One function serves them all, driven by the generated table: match the path to a route,
//! check the method, check every path parameter in order (its SID prefix, then that it
//! names a row of its list under the parameter before it), then answer a list with a page
//! of its rows (filtered, paged with tokens bound to the route, its parent and its
//! filters) or a fetch with its one item. Scripted faults apply to every answer, through the
//! same code as the events' pages.

pub(crate) mod events;

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::request::Parts;
use http::{Method, StatusCode};
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Value, json};

use crate::fault::Fault;
use crate::fault::apply::{PageSource, page_outcome};
use crate::reply::{Outcome, error_response, not_found, unauthorized};
use crate::server::body::SandboxBody;
use crate::state::{Counters, Shared, bump};
use crate::store::filter;
use crate::store::page::{BadPaging, encode_token_in, parse_paging};
use crate::store::render::{self, Context};
use crate::store::rng::hash;
use crate::store::routes::{self, Kind, RouteSpec};
use crate::store::world::{Entity, name_tag, parent_param};
use crate::store::written::Overlay;
use crate::store::{Resolved, list_rows, resolve};

/// Where a `Data.json` redirect points: the sandbox itself, so that a client following it
/// stays on loopback.
pub(crate) const PAYLOAD_DATA_PATH: &str = "/sandbox/add-on-payloads/";

fn error(shared: &Shared, response: http::Response<SandboxBody>) -> (Outcome, Option<Fault>) {
    bump(&shared.counters.error_responses, 1);
    (Outcome::answer(response), None)
}

/// Answers an authenticated request for any route of the table but the call events.
pub(crate) fn respond(shared: &Shared, req: &Parts) -> (Outcome, Option<Fault>) {
    let path = req.uri.path();
    let site = &shared.site;
    let world = &site.world;
    if let Some(payload) = path
        .strip_prefix(PAYLOAD_DATA_PATH)
        .and_then(|p| p.strip_suffix(".json"))
    {
        return payload_data(shared, path, payload);
    }
    let Some((route, values)) = routes::match_path(path) else {
        return error(shared, not_found(path));
    };
    if req.method != Method::GET {
        let message = format!("Method {} not allowed on {path}", req.method);
        return error(
            shared,
            error_response(StatusCode::METHOD_NOT_ALLOWED, 20004, &message),
        );
    }
    let (account, empty, last, stored) = match resolve(world, Some(&shared.written), route, &values)
    {
        Resolved::Found {
            account,
            empty,
            last,
            stored,
        } => (account, empty, last, stored),
        Resolved::NotFound => return error(shared, not_found(path)),
        Resolved::Unauthorized => return error(shared, unauthorized()),
    };
    let cx = Context {
        account_sid: account,
        templates: &site.templates,
    };
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri.query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let (answer, page) = match route.kind {
        Kind::List => {
            let rows = list_rows(world, route, &values, empty);
            let parent = parent_param(route)
                .and_then(|p| route.param_index(p.name))
                .and_then(|i| values.get(i))
                .copied();
            let overlay = shared.written.overlay(route.id, parent, account);
            match list_page(
                shared,
                &cx,
                route,
                path,
                req.uri.query(),
                &pairs,
                Rows {
                    seeded: rows,
                    overlay: &overlay,
                },
            ) {
                Ok(page) => {
                    let number = page.page;
                    (Answer::Page(page), number)
                }
                Err(message) => {
                    return error(
                        shared,
                        error_response(StatusCode::BAD_REQUEST, 20001, &message),
                    );
                }
            }
        }
        Kind::Fetch => {
            let value = match (route.collection, last) {
                (Some(list), _) if stored.is_some() => {
                    let collection = world.collection(list);
                    match &stored {
                        Some(item) => render::item(&cx, route, collection, &item.entity),
                        None => return error(shared, not_found(path)),
                    }
                }
                (Some(_), Some((collection, row))) => match world.entity(collection, row) {
                    Some(entity) => render::item(&cx, route, Some(collection), entity),
                    None => return error(shared, not_found(path)),
                },
                (Some(_), None) => return error(shared, not_found(path)),
                (None, _) => standalone(shared, &cx, route, &values, empty),
            };
            (
                Answer::Item(serde_json::to_vec(&value).unwrap_or_default()),
                0,
            )
        }
    };
    let call = route
        .param_index("CallSid")
        .or_else(|| (route.id == "FetchCall").then(|| route.params.len().saturating_sub(1)))
        .and_then(|i| values.get(i))
        .copied()
        .unwrap_or("");
    let fault = crate::fault::apply::take_api(shared, req, call, page);
    let mut outcome = page_outcome(shared, &answer, fault.clone());
    if route.status == 307
        && let Outcome::Answer { response, .. } = &mut outcome
        && response.status() == StatusCode::OK
    {
        *response.status_mut() = StatusCode::TEMPORARY_REDIRECT;
        if let Some(location) =
            redirect_target(shared, &values).and_then(|l| HeaderValue::from_str(&l).ok())
        {
            response.headers_mut().insert(header::LOCATION, location);
        }
    }
    (outcome, fault)
}

/// Where the payload named by a `Data.json` path redirects.
fn redirect_target(shared: &Shared, values: &[&str]) -> Option<String> {
    let payload = values.last()?;
    Some(format!(
        "{}{PAYLOAD_DATA_PATH}{payload}.json",
        shared.site.base_url
    ))
}

/// The routes with no list behind them: `Balance.json` and `Data.json`.
fn standalone(
    shared: &Shared,
    cx: &Context<'_>,
    route: &RouteSpec,
    values: &[&str],
    empty: bool,
) -> Value {
    let world = &shared.site.world;
    let mut entity = Entity {
        id: cx.account_sid.to_owned(),
        key: hash(&[name_tag(route.id), name_tag(cx.account_sid)]),
        created: 0,
        updated: 0,
        scope: Vec::new(),
        facts: Vec::new(),
    };
    if route.status == 307 {
        let target = redirect_target(shared, values).unwrap_or_default();
        entity
            .facts
            .push(("redirect_to", crate::store::world::Fact::Str(target)));
    } else {
        let balance = if empty {
            "0.00".to_owned()
        } else {
            world.balance.clone()
        };
        entity
            .facts
            .push(("balance", crate::store::world::Fact::Str(balance)));
        entity
            .facts
            .push(("currency", crate::store::world::Fact::Static("USD")));
    }
    render::item(cx, route, None, &entity)
}

/// What a `Data.json` redirect leads to: the add-on's result, as a presigned URL serves it.
fn payload_data(shared: &Shared, path: &str, payload: &str) -> (Outcome, Option<Fault>) {
    if !routes::is_sid(payload, &["XH"]) {
        return error(shared, not_found(path));
    }
    let world = &shared.site.world;
    let known = world
        .collection("ListRecordingAddOnResultPayload")
        .is_some_and(|c| {
            c.members
                .iter()
                .any(|&i| world.entity(c, i).is_some_and(|e| e.id == payload))
        });
    if !known {
        return error(shared, not_found(path));
    }
    let h = name_tag(payload);
    let body = json!({
        "payload_sid": payload,
        "status": "successful",
        "message": null,
        "code": null,
        "result": {
            "language": "en-US",
            "confidence": format!("0.{}", 70 + h % 30),
            "keywords": ["appointment", "callback", "invoice"],
        },
    });
    bump(&shared.counters.pages_served, 1);
    let mut response = http::Response::new(SandboxBody::full(
        serde_json::to_vec(&body).unwrap_or_default(),
    ));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::reply::JSON),
    );
    (Outcome::answer(response), None)
}

/// One answer of the table, before faults.
enum Answer {
    Page(RoutePage),
    Item(Vec<u8>),
}

/// A page of a list route.
struct RoutePage {
    route: &'static RouteSpec,
    items: Vec<Value>,
    end: u64,
    first_page_uri: String,
    next_page_uri: Option<String>,
    page: u64,
    page_size: u64,
    previous_page_uri: Option<String>,
    start: u64,
    uri: String,
}

impl RoutePage {
    fn render(&self, next: Option<&str>) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.items.len() * 1200 + 512);
        if serde_json::to_writer(&mut out, &Envelope { page: self, next }).is_err() {
            out.clear();
        }
        out
    }
}

/// The list envelope: the items first, then the paging members (as the events page).
struct Envelope<'a> {
    page: &'a RoutePage,
    next: Option<&'a str>,
}

impl Serialize for Envelope<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = self.page;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(p.route.items_key.unwrap_or("items"), &p.items)?;
        if p.route.paged {
            map.serialize_entry("end", &p.end)?;
            map.serialize_entry("first_page_uri", &p.first_page_uri)?;
            map.serialize_entry("next_page_uri", &self.next)?;
            map.serialize_entry("page", &p.page)?;
            map.serialize_entry("page_size", &p.page_size)?;
            map.serialize_entry("previous_page_uri", &p.previous_page_uri)?;
            map.serialize_entry("start", &p.start)?;
        }
        map.serialize_entry("uri", &p.uri)?;
        map.end()
    }
}

impl PageSource for Answer {
    fn bytes(&self, _shared: &Shared) -> Bytes {
        match self {
            Self::Page(p) => Bytes::from(p.render(p.next_page_uri.as_deref())),
            Self::Item(bytes) => Bytes::from(bytes.clone()),
        }
    }

    fn with_next(&self, shared: &Shared, next: Option<String>) -> Bytes {
        match self {
            Self::Page(p) => Bytes::from(p.render(next.as_deref())),
            Self::Item(_) => self.bytes(shared),
        }
    }

    fn uri(&self) -> &str {
        match self {
            Self::Page(p) => &p.uri,
            Self::Item(_) => "",
        }
    }

    fn next_page_uri(&self) -> Option<&str> {
        match self {
            Self::Page(p) => p.next_page_uri.as_deref(),
            Self::Item(_) => None,
        }
    }

    fn next_without_page(&self) -> Option<String> {
        let next = self.next_page_uri()?;
        let (path, query) = next.split_once('?')?;
        let kept: Vec<&str> = query
            .split('&')
            .filter(|kv| !kv.starts_with("Page="))
            .collect();
        Some(format!("{path}?{}", kept.join("&")))
    }

    fn count_served(&self, counters: &Counters) {
        bump(&counters.pages_served, 1);
    }
}

/// The rows of a list: the seeded ones, and what the written items change in them.
struct Rows<'a> {
    seeded: &'a [u32],
    overlay: &'a Overlay,
}

/// The page a list request asks for: its rows under the path, filtered, then paged.
fn list_page(
    shared: &Shared,
    cx: &Context<'_>,
    route: &'static RouteSpec,
    path: &str,
    query: Option<&str>,
    pairs: &[(String, String)],
    rows: Rows<'_>,
) -> Result<RoutePage, String> {
    let Rows {
        seeded: rows,
        overlay,
    } = rows;
    let world = &shared.site.world;
    let collection = route.collection.and_then(|c| world.collection(c));
    let filters = filter::parse(route.id, pairs)?;
    // Created items first (newest first), then the seeded rows, changed or removed.
    let matching: Vec<&Entity> = collection
        .map(|c| {
            overlay
                .created
                .iter()
                .chain(rows.iter().filter_map(|&i| {
                    let e = world.entity(c, i)?;
                    if overlay.removed.contains(&e.id) {
                        return None;
                    }
                    Some(overlay.changed.get(&e.id).unwrap_or(e))
                }))
                .filter(|e| filter::matches(&filters, e))
                .collect()
        })
        .unwrap_or_default();
    // Filters (every parameter but the paging ones) are echoed in every link, in order.
    let mut echo = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "PageSize" | "Page" | "PageToken"))
    {
        echo.append_pair(k, v);
    }
    let echo = echo.finish();
    let render_rows = |rows: &[&Entity]| -> Vec<Value> {
        rows.iter()
            .map(|e| render::item(cx, route, collection, e))
            .collect()
    };
    if !route.paged {
        let uri = if echo.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{echo}")
        };
        return Ok(RoutePage {
            route,
            items: render_rows(&matching),
            end: 0,
            first_page_uri: String::new(),
            next_page_uri: None,
            page: 0,
            page_size: 0,
            previous_page_uri: None,
            start: 0,
            uri,
        });
    }
    let context = hash(&[
        0x7AB1E,
        name_tag(path),
        name_tag(cx.account_sid),
        name_tag(&echo),
    ]);
    let key = shared.data.page_token_key;
    let request = parse_paging(query, key, context).map_err(|BadPaging(m)| m)?;
    let total = u64::try_from(matching.len()).unwrap_or(u64::MAX);
    let start = request.offset;
    let len = total.saturating_sub(start).min(request.page_size);
    let separator = if echo.is_empty() { "" } else { "&" };
    let link = |page: u64, offset: Option<u64>| {
        let mut l = format!(
            "{path}?{echo}{separator}PageSize={}&Page={page}",
            request.page_size
        );
        if let Some(o) = offset {
            l.push_str("&PageToken=");
            l.push_str(&encode_token_in(key, context, o));
        }
        l
    };
    let next_start = start.saturating_add(len);
    let from = usize::try_from(start)
        .unwrap_or(usize::MAX)
        .min(matching.len());
    let to = usize::try_from(next_start)
        .unwrap_or(usize::MAX)
        .min(matching.len());
    Ok(RoutePage {
        route,
        items: render_rows(matching.get(from..to).unwrap_or_default()),
        end: start + len.saturating_sub(1),
        first_page_uri: link(0, None),
        next_page_uri: (next_start < total)
            .then(|| link(request.page.saturating_add(1), Some(next_start))),
        page: request.page,
        page_size: request.page_size,
        previous_page_uri: (start > 0).then(|| {
            link(
                request.page.saturating_sub(1),
                Some(start.saturating_sub(request.page_size)),
            )
        }),
        start,
        uri: link(request.page, request.had_token.then_some(start)),
    })
}
