//! The call events list (`Calls/{CallSid}/Events.json`) of the seeded calls: its own
//! streaming renderer (`store/page.rs`) and a bounded cache of rendered pages.

use bytes::Bytes;
use http::StatusCode;
use http::request::Parts;
use serde_json::{Value, json};
use twilio_model::{AccountSid, CallSid};

use crate::fault::Fault;
use crate::fault::apply::{PageSource, page_outcome};
use crate::reply::{Outcome, error_response, json_ok, not_found, unauthorized};
use crate::server::body::SandboxBody;
use crate::state::{Counters, Shared, bump};
use crate::store::page::{PagePlan, parse_query};

/// Splits `/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Events.json`.
pub(crate) fn route(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/2010-04-01/Accounts/")?;
    let (account, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("Calls/")?;
    let (call, rest) = rest.split_once('/')?;
    (rest == "Events.json").then_some((account, call))
}

/// Answers an authenticated `GET` of the events of `call_sid` under `account`.
pub(crate) fn respond(
    shared: &Shared,
    req: &Parts,
    account: &str,
    call_sid: &str,
) -> (Outcome, Option<Fault>) {
    let path = req.uri.path();
    let creds = &shared.data.credentials;
    let error = |response| {
        bump(&shared.counters.error_responses, 1);
        Outcome::answer(response)
    };
    if account.parse::<AccountSid>().is_err() {
        return (error(not_found(path)), None);
    }
    if account != creds.account_sid {
        // Twilio checks the credentials against the account in the path: valid credentials
        // of another account are not valid for this one.
        return (error(unauthorized()), None);
    }
    if call_sid.parse::<CallSid>().is_err() {
        return (error(not_found(path)), None);
    }
    let data = &shared.data;
    let Some(call_index) = data.call_index(call_sid) else {
        // A call made through the API: the events the sandbox recorded for it.
        return match shared.call_events.get(call_sid) {
            Some(events) => match written_page(path, req.uri.query(), &events) {
                Ok(body) => {
                    bump(&shared.counters.pages_served, 1);
                    (Outcome::answer(json_ok(SandboxBody::full(body))), None)
                }
                Err(message) => (
                    error(error_response(StatusCode::BAD_REQUEST, 20001, &message)),
                    None,
                ),
            },
            None => (error(not_found(path)), None),
        };
    };
    let Some(call) = data.calls.get(call_index) else {
        return (error(not_found(path)), None);
    };
    let request = match parse_query(req.uri.query(), data.page_token_key, call_index) {
        Ok(r) => r,
        Err(bad) => {
            return (
                error(error_response(StatusCode::BAD_REQUEST, 20001, &bad.0)),
                None,
            );
        }
    };
    let plan = PagePlan::new(data, call_index, call, &request);
    let fault = crate::fault::apply::take_api(shared, req, call_sid, plan.page);
    let outcome = page_outcome(shared, &plan, fault.clone());
    (outcome, fault)
}

/// A page of the events of a call made through the API (`PageSize`, default 50, and `Page`).
fn written_page(path: &str, query: Option<&str>, events: &[Value]) -> Result<Vec<u8>, String> {
    let mut page_size = 50usize;
    let mut page = 0usize;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "PageSize" => {
                page_size = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| format!("PageSize must be 1 to 1000, not {value:?}"))?;
            }
            "Page" => {
                page = value
                    .parse()
                    .map_err(|_| format!("Page must be a number, not {value:?}"))?;
            }
            _ => {}
        }
    }
    let start = page.saturating_mul(page_size).min(events.len());
    let end = start.saturating_add(page_size).min(events.len());
    let link = |p: usize| format!("{path}?PageSize={page_size}&Page={p}");
    let body = json!({
        "events": events.get(start..end).unwrap_or_default(),
        "end": end.saturating_sub(1).max(start),
        "first_page_uri": link(0),
        "next_page_uri": (end < events.len()).then(|| link(page + 1)),
        "page": page,
        "page_size": page_size,
        "previous_page_uri": (page > 0).then(|| link(page - 1)),
        "start": start,
        "uri": link(page),
    });
    serde_json::to_vec(&body).map_err(|e| format!("cannot render the events: {e}"))
}

fn page_bytes(shared: &Shared, plan: &PagePlan) -> Bytes {
    if let Some(bytes) = shared.cache.get(&plan.key) {
        bump(&shared.counters.page_cache_hits, 1);
        return bytes;
    }
    bump(&shared.counters.page_cache_misses, 1);
    let bytes = Bytes::from(plan.render(&shared.data));
    shared.cache.insert(plan.key, bytes.clone());
    bytes
}

impl PageSource for PagePlan {
    fn bytes(&self, shared: &Shared) -> Bytes {
        page_bytes(shared, self)
    }

    fn with_next(&self, shared: &Shared, next: Option<String>) -> Bytes {
        let mut plan = self.clone();
        plan.next_page_uri = next;
        Bytes::from(plan.render(&shared.data))
    }

    fn uri(&self) -> &str {
        &self.uri
    }

    fn next_page_uri(&self) -> Option<&str> {
        self.next_page_uri.as_deref()
    }

    fn next_without_page(&self) -> Option<String> {
        PagePlan::next_without_page(self)
    }

    fn count_served(&self, counters: &Counters) {
        bump(&counters.pages_served, 1);
        bump(&counters.events_served, self.len);
    }
}
