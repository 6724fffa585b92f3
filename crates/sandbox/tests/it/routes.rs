//! Every route of the generated table over loopback: answers, paging, filters, coherence,
//! auth, validation and faults. The cases come from the table itself ([`Route::all`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::support::{Conn, account_auth, all_pages, assert_twilio_error, basic, get};
use http::{Method, StatusCode};
use serde_json::Value;
use serde_json::value::RawValue;
use twilio_sandbox::{Fault, FaultRule, PathValuesError, Route, Sandbox};

async fn sandbox() -> Sandbox {
    Sandbox::builder().start().await.unwrap()
}

/// `CallSid` → `call_sid`, `Sid` → `sid`, `CountryCode` → `country_code`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The list a fetch route's items come from: its path without the last parameter.
fn list_of(fetch: Route) -> Option<Route> {
    let template = fetch.path_template();
    let stem = template.strip_suffix("}.json")?;
    let cut = stem.rfind("/{")?;
    Route::find(&format!("{}.json", &template[..cut]))
}

/// The items of a list page, as the exact JSON text of each.
fn raw_items<'a>(body: &'a [u8], key: &str) -> Vec<&'a RawValue> {
    let page: BTreeMap<&str, &RawValue> = serde_json::from_slice(body).unwrap();
    serde_json::from_str(page[key].get()).unwrap()
}

#[tokio::test]
async fn every_route_of_the_table_answers_with_items_of_its_path() {
    let sandbox = sandbox().await;
    let auth = account_auth(&sandbox);
    let mut conn = Conn::h1(sandbox.addr()).await;
    assert_eq!(Route::all().len(), 103);
    let (mut lists, mut fetches, mut compared) = (0, 0, 0);
    for route in Route::all() {
        let values = sandbox
            .path_values(route.path_template(), &[])
            .unwrap_or_else(|e| panic!("{route}: {e}"));
        let path = values.path();
        let reply = conn.get(&path, Some(&auth)).await;
        assert_eq!(
            reply.status.as_u16(),
            route.success_status(),
            "{path}: {:?}",
            reply.body
        );
        assert_eq!(
            reply.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        let body = reply.json();
        let account = values.get("AccountSid").unwrap_or(sandbox.account_sid());
        if route.is_list() {
            lists += 1;
            let key = route.items_key().unwrap();
            let items = body[key]
                .as_array()
                .unwrap_or_else(|| panic!("{path}: no {key}"));
            assert!(
                !items.is_empty(),
                "{path}: the default values give an empty list"
            );
            assert_eq!(
                body["uri"].as_str().unwrap().split('?').next(),
                Some(path.as_str())
            );
            assert_eq!(
                body.get("next_page_uri").is_some(),
                route.is_paged(),
                "{path}"
            );
            for item in items {
                for (name, value) in values.iter().filter(|(n, _)| *n != "AccountSid") {
                    let member = if name == "MessageSid" {
                        "parent_sid".to_owned()
                    } else {
                        snake(name)
                    };
                    if let Some(v) = item.get(&member) {
                        assert_eq!(v, value, "{path}: {member} of {item}");
                    }
                }
                if let Some(v) = item.get("account_sid") {
                    assert_eq!(v, account, "{path}");
                }
            }
        } else {
            fetches += 1;
            if route.success_status() == 307 {
                let location = reply.header("location").unwrap().to_owned();
                assert_eq!(body["redirect_to"], location.as_str());
                assert!(location.starts_with(sandbox.base_url()), "{location}");
                let target = conn
                    .get(&location[sandbox.base_url().len()..], Some(&auth))
                    .await;
                assert_eq!(target.status, StatusCode::OK);
                assert_eq!(
                    target.json()["payload_sid"],
                    values.get("PayloadSid").unwrap()
                );
                continue;
            }
            let (last, id) = values.iter().last().unwrap();
            if let Some(v) = body.get(snake(last)) {
                assert_eq!(v, id, "{path}");
            }
            // A fetched item is its row in the list, byte for byte.
            if let Some(list) = list_of(route) {
                let parent: Vec<(&str, &str)> =
                    values.iter().take(values.iter().len() - 1).collect();
                let list_path = format!("{}?PageSize=1000", list.path(parent));
                let page = conn.get(&list_path, Some(&auth)).await;
                assert_eq!(page.status, StatusCode::OK, "{list_path}");
                let id_member = snake(last);
                let row = raw_items(&page.body, list.items_key().unwrap())
                    .into_iter()
                    .find(|r| serde_json::from_str::<Value>(r.get()).unwrap()[&id_member] == id)
                    .unwrap_or_else(|| panic!("{path} is not a row of {list_path}"));
                if route.operation_id().ends_with("Notification") {
                    // The spec's notification instance has three members its list lacks.
                    let mut fetched = body.as_object().unwrap().clone();
                    for extra in ["request_variables", "response_body", "response_headers"] {
                        assert!(fetched.remove(extra).is_some(), "{path}: {extra}");
                    }
                    let row: Value = serde_json::from_str(row.get()).unwrap();
                    assert_eq!(Value::Object(fetched), row, "{path}");
                } else {
                    assert_eq!(row.get().as_bytes(), &reply.body[..], "{path}");
                }
                compared += 1;
            }
        }
    }
    assert_eq!((lists, fetches), (61, 42));
    assert_eq!(compared, 40, "every fetch but Balance and Data has a list");
}

/// Every page of a listing, following `next_page_uri`.
async fn listing(conn: &mut Conn, auth: &str, first: &str, key: &str) -> (Vec<Value>, Vec<Value>) {
    let pages = all_pages(conn, auth, first).await;
    let items = pages
        .iter()
        .flat_map(|p| p[key].as_array().unwrap().clone())
        .collect();
    (pages, items)
}

fn sids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["sid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn calls_messages_and_recordings_have_several_pages_and_links_keep_the_filters() {
    let sandbox = sandbox().await;
    let auth = account_auth(&sandbox);
    let mut conn = Conn::h1(sandbox.addr()).await;
    let base = format!("/2010-04-01/Accounts/{}", sandbox.account_sid());
    for (list, key, filter, encoded) in [
        (
            "Calls",
            "calls",
            ("StartTime>", "2021-01-01"),
            "StartTime%3E=2021-01-01",
        ),
        (
            "Messages",
            "messages",
            ("DateSent<", "2022-03-01"),
            "DateSent%3C=2022-03-01",
        ),
        (
            "Recordings",
            "recordings",
            ("DateCreated>", "2021-06-01"),
            "DateCreated%3E=2021-06-01",
        ),
    ] {
        let first = format!("{base}/{list}.json");
        let (pages, all) = listing(&mut conn, &auth, &first, key).await;
        assert!(pages.len() >= 3, "{list}: {} pages", pages.len());
        assert!(all.len() > 100, "{list}: {} items", all.len());
        assert_eq!(pages[0]["uri"], format!("{first}?PageSize=50&Page=0"));
        for (i, page) in pages.iter().enumerate() {
            assert_eq!(page["page"], i);
            assert_eq!(page["start"], i * 50);
            if i > 0 {
                assert_eq!(page["uri"], pages[i - 1]["next_page_uri"]);
            }
        }
        let unique: BTreeSet<String> = sids(&all).into_iter().collect();
        assert_eq!(unique.len(), all.len(), "{list}: an item twice");

        // Filtered with a small page size: every link carries the filter, every item passes.
        let filtered_first = format!("{first}?{encoded}&PageSize=7");
        let (pages, filtered) = listing(&mut conn, &auth, &filtered_first, key).await;
        assert!(pages.len() >= 2, "{list}: {} filtered pages", pages.len());
        for page in &pages {
            for link in [
                "uri",
                "first_page_uri",
                "next_page_uri",
                "previous_page_uri",
            ] {
                if let Some(l) = page[link].as_str() {
                    assert!(
                        l.starts_with(&format!("{first}?{encoded}&PageSize=7&Page=")),
                        "{l}"
                    );
                }
            }
        }
        let member = match filter.0 {
            "StartTime>" => "start_time",
            "DateSent<" => "date_sent",
            _ => "date_created",
        };
        let expected: Vec<String> = all
            .iter()
            .filter(|i| {
                let t = i[member].as_str().map(rfc2822);
                let bound = day(filter.1);
                match filter.0.ends_with('>') {
                    true => t.is_some_and(|t| t >= bound),
                    false => t.is_some_and(|t| t < bound + 86_400),
                }
            })
            .map(|i| i["sid"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            !expected.is_empty() && expected.len() < all.len(),
            "{list}: a useless filter"
        );
        assert_eq!(sids(&filtered), expected, "{list} {filter:?}");
        // A page token is bound to its filter.
        let next = pages[0]["next_page_uri"].as_str().unwrap();
        let token = next.split("PageToken=").nth(1).unwrap();
        let forged = format!("{first}?PageSize=7&Page=1&PageToken={token}");
        assert_twilio_error(&conn.get(&forged, Some(&auth)).await, 400, 20001);
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// `2024-01-01` → its midnight, in seconds since the epoch.
fn day(s: &str) -> i64 {
    let p: Vec<i64> = s.split('-').map(|x| x.parse().unwrap()).collect();
    days_from_civil(p[0], p[1], p[2]) * 86_400
}

/// `Tue, 11 Aug 2020 17:44:08 +0000` → seconds since the epoch.
fn rfc2822(s: &str) -> i64 {
    let p: Vec<&str> = s.split([' ', ':']).collect();
    let month = MONTHS.iter().position(|m| *m == p[2]).unwrap() as i64 + 1;
    let date = days_from_civil(p[3].parse().unwrap(), month, p[1].parse().unwrap());
    date * 86_400
        + p[4].parse::<i64>().unwrap() * 3600
        + p[5].parse::<i64>().unwrap() * 60
        + p[6].parse::<i64>().unwrap()
}

/// `StartTime>` + a time → the query `StartTime%3E=…`.
fn query(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn iso(t: i64) -> String {
    let days = t.div_euclid(86_400);
    // Inverse of days_from_civil, by search from a year's start (test-only, small range).
    let mut y = 1970 + days / 366;
    while days_from_civil(y + 1, 1, 1) <= days {
        y += 1;
    }
    let mut m = 1;
    while m < 12 && days_from_civil(y, m + 1, 1) <= days {
        m += 1;
    }
    let d = days - days_from_civil(y, m, 1) + 1;
    let r = t.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        r / 3600,
        r / 60 % 60,
        r % 60
    )
}

/// Checks that `list` filtered by `pairs` gives exactly the items of `all` that `keep`
/// accepts (and that the filter is not trivial).
async fn check_filter(
    conn: &mut Conn,
    auth: &str,
    list: &str,
    key: &str,
    all: &[Value],
    pairs: &[(&str, &str)],
    keep: impl Fn(&Value) -> bool,
) {
    let first = format!("{list}?{}&PageSize=1000", query(pairs));
    let (_, got) = listing(conn, auth, &first, key).await;
    let expected: Vec<Value> = all.iter().filter(|i| keep(i)).cloned().collect();
    assert!(!expected.is_empty(), "{first}: expected nothing");
    assert_eq!(sids(&got), sids(&expected), "{first}");
}

fn time_of(item: &Value, member: &str) -> Option<i64> {
    item[member].as_str().map(rfc2822)
}

#[tokio::test]
async fn each_honoured_filter_is_answered_correctly() {
    let sandbox = sandbox().await;
    let auth = account_auth(&sandbox);
    let mut conn = Conn::h1(sandbox.addr()).await;
    let base = format!("/2010-04-01/Accounts/{}", sandbox.account_sid());
    let everything = |name: &str| format!("{base}/{name}.json?PageSize=1000");

    // Calls.
    let calls_path = format!("{base}/Calls.json");
    let (_, calls) = listing(&mut conn, &auth, &everything("Calls"), "calls").await;
    assert_eq!(
        sids(&calls),
        sandbox.call_sids(),
        "Calls.json lists the sandbox's calls"
    );
    let c = &mut conn;
    let a = auth.as_str();
    check_filter(
        c,
        a,
        &calls_path,
        "calls",
        &calls,
        &[("Status", "completed")],
        |i| i["status"] == "completed",
    )
    .await;
    check_filter(
        c,
        a,
        &calls_path,
        "calls",
        &calls,
        &[("Status", "busy")],
        |i| i["status"] == "busy",
    )
    .await;
    let to = calls[3]["to"].as_str().unwrap().to_owned();
    assert!(to.starts_with('+'));
    check_filter(c, a, &calls_path, "calls", &calls, &[("To", &to)], |i| {
        i["to"] == to.as_str()
    })
    .await;
    let from = calls[5]["from"].as_str().unwrap().to_owned();
    check_filter(
        c,
        a,
        &calls_path,
        "calls",
        &calls,
        &[("From", &from)],
        |i| i["from"] == from.as_str(),
    )
    .await;
    // A raw `+` is a space once decoded: such a query matches nothing.
    let raw = c
        .get(&format!("{calls_path}?To={to}"), Some(a))
        .await
        .json();
    assert_eq!(
        raw["calls"].as_array().unwrap().len(),
        0,
        "unencoded + must not match"
    );
    let child = calls
        .iter()
        .find(|i| i["parent_call_sid"].is_string())
        .expect("a child call");
    let parent = child["parent_call_sid"].as_str().unwrap().to_owned();
    check_filter(
        c,
        a,
        &calls_path,
        "calls",
        &calls,
        &[("ParentCallSid", &parent)],
        |i| i["parent_call_sid"] == parent.as_str(),
    )
    .await;
    for member in ["StartTime", "EndTime"] {
        let field = if member == "StartTime" {
            "start_time"
        } else {
            "end_time"
        };
        let sample = calls
            .iter()
            .filter_map(|i| time_of(i, field))
            .nth(10)
            .unwrap();
        let d = sample.div_euclid(86_400) * 86_400;
        let date = &iso(d)[..10];
        let (after, before) = (format!("{member}>"), format!("{member}<"));
        check_filter(c, a, &calls_path, "calls", &calls, &[(member, date)], |i| {
            time_of(i, field).is_some_and(|t| (d..d + 86_400).contains(&t))
        })
        .await;
        // `>=` a date: from its midnight on, inclusive; `<=` a date: the whole day included.
        check_filter(c, a, &calls_path, "calls", &calls, &[(&after, date)], |i| {
            time_of(i, field).is_some_and(|t| t >= d)
        })
        .await;
        check_filter(
            c,
            a,
            &calls_path,
            "calls",
            &calls,
            &[(&before, date)],
            |i| time_of(i, field).is_some_and(|t| t < d + 86_400),
        )
        .await;
        // With a date-time both bounds are inclusive to the second: the sample is in both.
        let at = iso(sample);
        check_filter(c, a, &calls_path, "calls", &calls, &[(&after, &at)], |i| {
            time_of(i, field).is_some_and(|t| t >= sample)
        })
        .await;
        check_filter(c, a, &calls_path, "calls", &calls, &[(&before, &at)], |i| {
            time_of(i, field).is_some_and(|t| t <= sample)
        })
        .await;
        check_filter(
            c,
            a,
            &calls_path,
            "calls",
            &calls,
            &[(&after, &at), (&before, &at)],
            |i| time_of(i, field) == Some(sample),
        )
        .await;
    }
    // Filters combine.
    check_filter(
        c,
        a,
        &calls_path,
        "calls",
        &calls,
        &[("Status", "completed"), ("StartTime>", "2021-06-01")],
        |i| {
            i["status"] == "completed"
                && time_of(i, "start_time").is_some_and(|t| t >= day("2021-06-01"))
        },
    )
    .await;
    let bad = c
        .get(&format!("{calls_path}?StartTime%3E=June"), Some(a))
        .await;
    let v = assert_twilio_error(&bad, 400, 20001);
    assert!(v["message"].as_str().unwrap().contains("StartTime>"), "{v}");

    // Messages.
    let messages_path = format!("{base}/Messages.json");
    let (_, messages) = listing(c, a, &everything("Messages"), "messages").await;
    let to = messages[0]["to"].as_str().unwrap().to_owned();
    check_filter(
        c,
        a,
        &messages_path,
        "messages",
        &messages,
        &[("To", &to)],
        |i| i["to"] == to.as_str(),
    )
    .await;
    let from = messages[1]["from"].as_str().unwrap().to_owned();
    check_filter(
        c,
        a,
        &messages_path,
        "messages",
        &messages,
        &[("From", &from)],
        |i| i["from"] == from.as_str(),
    )
    .await;
    let sent = messages
        .iter()
        .filter_map(|i| time_of(i, "date_sent"))
        .nth(4)
        .unwrap();
    let d = sent.div_euclid(86_400) * 86_400;
    let date = iso(d)[..10].to_owned();
    check_filter(
        c,
        a,
        &messages_path,
        "messages",
        &messages,
        &[("DateSent", &date)],
        |i| time_of(i, "date_sent").is_some_and(|t| (d..d + 86_400).contains(&t)),
    )
    .await;
    check_filter(
        c,
        a,
        &messages_path,
        "messages",
        &messages,
        &[("DateSent>", &date)],
        |i| time_of(i, "date_sent").is_some_and(|t| t >= d),
    )
    .await;
    check_filter(
        c,
        a,
        &messages_path,
        "messages",
        &messages,
        &[("DateSent<", &iso(sent))],
        |i| time_of(i, "date_sent").is_some_and(|t| t <= sent),
    )
    .await;

    // Recordings.
    let recordings_path = format!("{base}/Recordings.json");
    let (_, recordings) = listing(c, a, &everything("Recordings"), "recordings").await;
    let call = recordings[2]["call_sid"].as_str().unwrap().to_owned();
    check_filter(
        c,
        a,
        &recordings_path,
        "recordings",
        &recordings,
        &[("CallSid", &call)],
        |i| i["call_sid"] == call.as_str(),
    )
    .await;
    let created = time_of(&recordings[30], "date_created").unwrap();
    let date = iso(created)[..10].to_owned();
    check_filter(
        c,
        a,
        &recordings_path,
        "recordings",
        &recordings,
        &[("DateCreated>", &date)],
        |i| time_of(i, "date_created").is_some_and(|t| t >= day(&date)),
    )
    .await;
    check_filter(
        c,
        a,
        &recordings_path,
        "recordings",
        &recordings,
        &[("DateCreated<", &date)],
        |i| time_of(i, "date_created").is_some_and(|t| t < day(&date) + 86_400),
    )
    .await;

    // Conferences.
    let conferences_path = format!("{base}/Conferences.json");
    let (_, conferences) = listing(c, a, &everything("Conferences"), "conferences").await;
    check_filter(
        c,
        a,
        &conferences_path,
        "conferences",
        &conferences,
        &[("Status", "completed")],
        |i| i["status"] == "completed",
    )
    .await;
    let name = conferences[5]["friendly_name"].as_str().unwrap().to_owned();
    assert!(name.contains(' '), "{name}: a name that needs encoding");
    check_filter(
        c,
        a,
        &conferences_path,
        "conferences",
        &conferences,
        &[("FriendlyName", &name)],
        |i| i["friendly_name"] == name.as_str(),
    )
    .await;
    let created = time_of(&conferences[7], "date_created").unwrap();
    let date = iso(created)[..10].to_owned();
    check_filter(
        c,
        a,
        &conferences_path,
        "conferences",
        &conferences,
        &[("DateCreated", &date)],
        |i| {
            time_of(i, "date_created")
                .is_some_and(|t| (day(&date)..day(&date) + 86_400).contains(&t))
        },
    )
    .await;
    check_filter(
        c,
        a,
        &conferences_path,
        "conferences",
        &conferences,
        &[("DateCreated>", &date)],
        |i| time_of(i, "date_created").is_some_and(|t| t >= day(&date)),
    )
    .await;
}

#[tokio::test]
async fn recordings_notifications_and_media_point_at_what_the_sandbox_serves() {
    let sandbox = sandbox().await;
    let auth = account_auth(&sandbox);
    let mut conn = Conn::h1(sandbox.addr()).await;
    let base = format!("/2010-04-01/Accounts/{}", sandbox.account_sid());
    let calls: BTreeSet<String> = sandbox.call_sids().into_iter().collect();
    for (list, nested) in [
        ("Recordings", "Recordings"),
        ("Notifications", "Notifications"),
    ] {
        let key = list.to_ascii_lowercase();
        let (_, items) = listing(
            &mut conn,
            &auth,
            &format!("{base}/{list}.json?PageSize=1000"),
            &key,
        )
        .await;
        assert!(!items.is_empty());
        let mut by_call: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for item in &items {
            let call = item["call_sid"].as_str().unwrap();
            assert!(
                calls.contains(call),
                "{list}: {call} is not a call of Calls.json"
            );
            by_call
                .entry(call.to_owned())
                .or_default()
                .push(item["sid"].as_str().unwrap().to_owned());
        }
        // Each call's own list holds exactly its items, in the same order.
        for (call, expected) in by_call.iter().take(15) {
            let path = format!("{base}/Calls/{call}/{nested}.json");
            let (_, own) = listing(&mut conn, &auth, &path, &key).await;
            assert_eq!(&sids(&own), expected, "{path}");
            for item in &own {
                assert_eq!(item["call_sid"], call.as_str());
            }
            // And a call's recording is fetched under the call as under the account.
            let sid = &expected[0];
            let under_call = conn
                .get(
                    &format!("{base}/Calls/{call}/{nested}/{sid}.json"),
                    Some(&auth),
                )
                .await;
            let under_account = conn
                .get(&format!("{base}/{list}/{sid}.json"), Some(&auth))
                .await;
            assert_eq!(under_call.status, StatusCode::OK);
            assert_eq!(under_account.status, StatusCode::OK);
            for member in ["sid", "call_sid", "date_created", "duration", "error_code"] {
                assert_eq!(
                    under_call.json()[member],
                    under_account.json()[member],
                    "{member}"
                );
            }
            // Not under another call.
            let other = calls.iter().find(|c| *c != call).unwrap();
            let wrong = conn
                .get(
                    &format!("{base}/Calls/{other}/{nested}/{sid}.json"),
                    Some(&auth),
                )
                .await;
            assert_twilio_error(&wrong, 404, 20404);
        }
    }
    let (_, messages) = listing(
        &mut conn,
        &auth,
        &format!("{base}/Messages.json?PageSize=1000"),
        "messages",
    )
    .await;
    let mut with_media = 0;
    for message in &messages {
        let sid = message["sid"].as_str().unwrap();
        let count: usize = message["num_media"].as_str().unwrap().parse().unwrap();
        let media = get(
            &sandbox,
            message["subresource_uris"]["media"].as_str().unwrap(),
        )
        .await
        .json();
        let media = media["media_list"].as_array().unwrap();
        assert_eq!(media.len(), count, "{sid}");
        assert_eq!(sid.starts_with("MM"), count > 0, "{sid}: MMS have MM SIDs");
        for m in media {
            assert_eq!(m["parent_sid"], sid);
            assert!(m["uri"].as_str().unwrap().contains(sid));
        }
        with_media += usize::from(count > 0);
    }
    assert!(with_media >= 10, "{with_media} messages with media");
    // The calls' subresource URIs lead to their lists.
    let call = get(
        &sandbox,
        &format!("{base}/Calls/{}.json", sandbox.call_sids()[0]),
    )
    .await
    .json();
    for key in ["events", "recordings", "notifications"] {
        let uri = call["subresource_uris"][key].as_str().unwrap();
        assert_eq!(get(&sandbox, uri).await.status, StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn auth_validation_and_faults_on_the_new_routes() {
    let sandbox = sandbox().await;
    let auth = account_auth(&sandbox);
    let mut conn = Conn::h1(sandbox.addr()).await;
    let account = sandbox.account_sid().to_owned();
    let base = format!("/2010-04-01/Accounts/{account}");
    let message = sandbox.path_values("FetchMessage", &[]).unwrap().path();

    // Basic auth: none, wrong, API key.
    let none = conn.get(&message, None).await;
    assert_twilio_error(&none, 401, 20003);
    assert_eq!(
        none.header("www-authenticate"),
        Some("Basic realm=\"Twilio API\"")
    );
    assert_twilio_error(
        &conn.get(&message, Some(&basic(&account, "nope"))).await,
        401,
        20003,
    );
    let key = basic(sandbox.api_key_sid(), sandbox.api_key_secret());
    assert_eq!(conn.get(&message, Some(&key)).await.status, StatusCode::OK);
    // Another account in the path.
    let other = message.replace(&account, "AC0123456789abcdef0123456789abcdef");
    assert_twilio_error(&conn.get(&other, Some(&auth)).await, 401, 20003);
    // A SID of the wrong prefix, an unknown SID, an unknown path, another method.
    let sid = message
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".json")
        .to_owned();
    let wrong_prefix = message.replace(&sid, &format!("RE{}", &sid[2..]));
    assert_twilio_error(&conn.get(&wrong_prefix, Some(&auth)).await, 404, 20404);
    let unknown = message.replace(&sid, &format!("SM{}", "0".repeat(32)));
    assert_twilio_error(&conn.get(&unknown, Some(&auth)).await, 404, 20404);
    assert_twilio_error(
        &conn.get(&format!("{base}/Nope.json"), Some(&auth)).await,
        404,
        20404,
    );
    // A message is read, changed and removed; nothing is put.
    let put = conn.send(Method::PUT, &message, Some(&auth)).await;
    assert_twilio_error(&put, 405, 20004);
    assert_eq!(put.header("allow"), Some("GET, POST, DELETE"));
    let post = conn
        .send(Method::POST, &format!("{base}/Balance.json"), Some(&auth))
        .await;
    assert_twilio_error(&post, 405, 20004);
    assert_eq!(post.header("allow"), Some("GET"));
    // Paging validation.
    for bad in ["PageSize=0", "PageSize=1001", "Page=x", "PageToken=PAnope"] {
        let reply = conn
            .get(&format!("{base}/Calls.json?{bad}"), Some(&auth))
            .await;
        assert_twilio_error(&reply, 400, 20001);
    }
    let big = conn
        .get(&format!("{base}/Calls.json?PageSize=1000"), Some(&auth))
        .await
        .json();
    assert_eq!(big["calls"].as_array().unwrap().len(), 120);
    assert!(big["next_page_uri"].is_null());

    // Faults apply to every route: a 503 with Retry-After, once.
    sandbox.faults().push(Fault::too_many_requests(Some(2)));
    let limited = conn.get(&message, Some(&auth)).await;
    assert_twilio_error(&limited, 429, 20429);
    assert_eq!(limited.header("retry-after"), Some("2"));
    assert_eq!(conn.get(&message, Some(&auth)).await.status, StatusCode::OK);
    // A link cycle on page 1 of the calls.
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::LinkCycle).on_page(1));
    let p0 = conn
        .get(&format!("{base}/Calls.json"), Some(&auth))
        .await
        .json();
    let next = p0["next_page_uri"].as_str().unwrap().to_owned();
    let p1 = conn.get(&next, Some(&auth)).await.json();
    assert_eq!(p1["next_page_uri"], p1["uri"]);
    // A fault for one call applies to its recordings, not to another call's.
    let recordings = sandbox.path_values("ListCallRecording", &[]).unwrap();
    let call = recordings.get("CallSid").unwrap().to_owned();
    sandbox
        .faults()
        .push_rule(FaultRule::new(Fault::TruncatedJson).on_call(&call));
    let elsewhere = conn.get(&format!("{base}/Calls.json"), Some(&auth)).await;
    assert!(serde_json::from_slice::<Value>(&elsewhere.body).is_ok());
    let cut = conn.get(&recordings.path(), Some(&auth)).await;
    assert_eq!(cut.status, StatusCode::OK);
    assert!(
        serde_json::from_slice::<Value>(&cut.body).is_err(),
        "truncated"
    );
    assert_eq!(sandbox.faults().pending(), 0);
    let faulted = sandbox
        .requests()
        .iter()
        .filter(|r| r.fault.is_some())
        .count();
    assert_eq!(faulted, 3);

    // Subaccounts are listed and fetched, and own nothing.
    let accounts = conn
        .get("/2010-04-01/Accounts.json", Some(&auth))
        .await
        .json();
    let accounts = accounts["accounts"].as_array().unwrap();
    assert_eq!(accounts[0]["sid"], account.as_str());
    assert_eq!(accounts[0]["auth_token"], sandbox.auth_token());
    let sub = accounts[1]["sid"].as_str().unwrap();
    assert_eq!(accounts[1]["owner_account_sid"], account.as_str());
    let fetched = conn
        .get(&format!("/2010-04-01/Accounts/{sub}.json"), Some(&auth))
        .await;
    assert_eq!(fetched.json(), accounts[1]);
    let empty = conn
        .get(
            &format!("/2010-04-01/Accounts/{sub}/Calls.json"),
            Some(&auth),
        )
        .await
        .json();
    assert_eq!(empty["calls"].as_array().unwrap().len(), 0);
    let balance = conn
        .get(
            &format!("/2010-04-01/Accounts/{sub}/Balance.json"),
            Some(&auth),
        )
        .await
        .json();
    assert_eq!(
        (balance["account_sid"].as_str(), balance["balance"].as_str()),
        (Some(sub), Some("0.00"))
    );
    let stranger = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef.json";
    assert_twilio_error(&conn.get(stranger, Some(&auth)).await, 404, 20404);
}

#[tokio::test]
async fn path_values_default_every_parameter_and_respect_the_given_ones() {
    let sandbox = sandbox().await;
    // Every route gets values (the first test requests each of them).
    for route in Route::all() {
        let values = sandbox.path_values(route.operation_id(), &[]).unwrap();
        assert_eq!(values.route(), route);
        assert_eq!(values.iter().len(), route.path_params().len());
        assert!(values.iter().all(|(_, v)| !v.is_empty()), "{route}");
    }
    let events = sandbox.path_values("ListCallEvent", &[]).unwrap();
    assert_eq!(
        events.get("CallSid"),
        Some(sandbox.call_sids()[0].as_str()),
        "the first call"
    );
    assert_eq!(events.path(), sandbox.events_path(&sandbox.call_sids()[0]));
    let countries = sandbox
        .path_values("ListAvailablePhoneNumberMobile", &[])
        .unwrap();
    assert_eq!(
        countries.get("CountryCode"),
        Some("GB"),
        "the first country with mobiles"
    );
    // Given values are kept as they are.
    let call = sandbox.call_sids()[7].clone();
    let given = sandbox
        .path_values("ListCallEvent", &[("CallSid", &call)])
        .unwrap();
    assert_eq!(given.get("CallSid"), Some(call.as_str()));
    let any = sandbox
        .path_values("ListCallRecording", &[("CallSid", "CAnot-checked")])
        .unwrap();
    assert_eq!(any.get("CallSid"), Some("CAnot-checked"));
    // Nothing to default to under a call without recordings.
    let busy = sandbox
        .call_sids()
        .into_iter()
        .find(|c| {
            sandbox
                .path_values("FetchCallRecording", &[("CallSid", c.as_str())])
                .is_err()
        })
        .expect("a call without recordings");
    let err = sandbox
        .path_values("FetchCallRecording", &[("CallSid", &busy)])
        .unwrap_err();
    assert!(
        matches!(err, PathValuesError::NothingServed { param: "Sid", .. }),
        "{err}"
    );
    assert!(err.to_string().contains(&busy), "{err}");
    let err = sandbox.path_values("NoSuchRoute", &[]).unwrap_err();
    assert!(matches!(err, PathValuesError::UnknownRoute { .. }), "{err}");
    let err = sandbox
        .path_values("ListCall", &[("CallSid", "CA")])
        .unwrap_err();
    assert!(err.to_string().contains("AccountSid"), "{err}");
}

#[tokio::test]
async fn data_is_deterministic_per_seed_and_the_summary_shows_the_new_resources() {
    let a = Sandbox::builder()
        .seed(3)
        .calls(30)
        .messages(20)
        .start()
        .await
        .unwrap();
    let b = Sandbox::builder()
        .seed(3)
        .calls(30)
        .messages(20)
        .start()
        .await
        .unwrap();
    let c = Sandbox::builder()
        .seed(4)
        .calls(30)
        .messages(20)
        .start()
        .await
        .unwrap();
    for route in [
        "FetchCall",
        "ListRecording",
        "ListMessage",
        "ListConference",
        "ListIncomingPhoneNumber",
    ] {
        let path_a = a.path_values(route, &[]).unwrap().path();
        let path_b = b.path_values(route, &[]).unwrap().path();
        assert_eq!(path_a, path_b);
        let (ra, rb) = (get(&a, &path_a).await, get(&b, &path_b).await);
        assert_eq!(ra.body, rb.body, "{route}");
        let path_c = c.path_values(route, &[]).unwrap().path();
        assert_ne!(get(&c, &path_c).await.body, ra.body, "{route}");
    }
    let summary = a.summary();
    let text = summary.to_string();
    assert!(
        text.contains("serves every GET of the 2010-04-01 API (103 routes)"),
        "{text}"
    );
    assert!(text.contains("30 calls, 20 messages"), "{text}");
    for path in &summary.examples {
        assert!(text.contains(path.as_str()));
        assert_eq!(get(&a, path).await.status, StatusCode::OK, "{path}");
    }
    assert!(
        summary
            .examples
            .iter()
            .any(|p| p.contains("/Recordings.json"))
    );
    assert!(
        summary
            .examples
            .iter()
            .any(|p| p.contains("/Messages.json"))
    );
    let err = Sandbox::builder()
        .messages(100_001)
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("100001 messages"), "{err}");
}
