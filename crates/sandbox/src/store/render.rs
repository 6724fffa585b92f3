//! Turning an [`Entity`] into the JSON of one item, through a route's template item.
//!
//! 1. The template's SIDs are placeholders (`CAaaaa…`, `PNdeadbeef…`): each is replaced,
//!    wherever it occurs (members, URIs, nested objects), by the entity's own id, the SID of
//!    the fact or path parameter held by the member the placeholder sits in, the account,
//!    or else a SID derived from the entity and the placeholder.
//! 2. Top-level members the entity has no fact for are varied from the entity's key by
//!    their kind: dates (in the template's own format), `status` (one of the spec's enum
//!    values), prices, phone numbers, durations.
//! 3. The entity's facts replace the members they name, when the template has them.
//!
//! This is the sandbox's own code on purpose: it shares nothing with `twilio-model`, so a
//! decoding bug in the model cannot hide behind it.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::store::date::{Rfc2822, iso_date, iso_date_time};
use crate::store::rng::{hash, sid};
use crate::store::routes::RouteSpec;
use crate::store::world::{Collection, Entity, Fact, name_tag};

/// The template items of every route, parsed once.
#[derive(Debug)]
pub(crate) struct Templates(HashMap<&'static str, Map<String, Value>>);

impl Templates {
    pub(crate) fn parse() -> Self {
        Self(
            crate::store::routes::all()
                .iter()
                .filter_map(|r| match serde_json::from_str(r.template) {
                    Ok(Value::Object(map)) => Some((r.id, map)),
                    _ => None,
                })
                .collect(),
        )
    }
}

/// What an item is rendered with.
pub(crate) struct Context<'a> {
    /// The account the item belongs to.
    pub(crate) account_sid: &'a str,
    pub(crate) templates: &'a Templates,
}

/// The formats dates take in the templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    Rfc2822,
    IsoZ,
    IsoOffset,
    Date,
}

fn date_style(value: &Value) -> Option<DateStyle> {
    let s = value.as_str()?;
    let b = s.as_bytes();
    if b.len() == 31 && b.get(3) == Some(&b',') && s.ends_with(" +0000") {
        return Some(DateStyle::Rfc2822);
    }
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let ymd = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10);
    if !ymd {
        return None;
    }
    match b.len() {
        10 => Some(DateStyle::Date),
        _ if b.get(10) == Some(&b'T') && s.ends_with('Z') => Some(DateStyle::IsoZ),
        _ if b.get(10) == Some(&b'T') && s.ends_with("+00:00") => Some(DateStyle::IsoOffset),
        _ => None,
    }
}

fn format_date(secs: i64, style: DateStyle) -> String {
    match style {
        DateStyle::Rfc2822 => Rfc2822(secs).to_string(),
        DateStyle::IsoZ => iso_date_time(secs, "Z"),
        DateStyle::IsoOffset => iso_date_time(secs, "+00:00"),
        DateStyle::Date => iso_date(secs),
    }
}

/// Whether `s` is a SID: two uppercase letters and 32 hex digits.
pub(crate) fn is_sid_like(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 34
        && b.iter().take(2).all(u8::is_ascii_uppercase)
        && b.iter().skip(2).all(u8::is_ascii_hexdigit)
}

/// The SID-shaped tokens of a string, as byte ranges (not inside a longer word).
fn sid_tokens(s: &str) -> Vec<std::ops::Range<usize>> {
    let b = s.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 34 <= b.len() {
        let before_ok = i == 0 || b.get(i - 1).is_some_and(|c| !c.is_ascii_alphanumeric());
        let after_ok = b.get(i + 34).is_none_or(|c| !c.is_ascii_alphanumeric());
        if before_ok && after_ok && s.get(i..i + 34).is_some_and(is_sid_like) {
            found.push(i..i + 34);
            i += 34;
        } else {
            i += 1;
        }
    }
    found
}

/// Replaces every placeholder SID in the strings of `value`.
fn substitute(value: &mut Value, resolve: &mut dyn FnMut(&str) -> String) {
    match value {
        Value::String(s) => {
            let tokens = sid_tokens(s);
            if tokens.is_empty() {
                return;
            }
            let mut out = String::with_capacity(s.len());
            let mut at = 0;
            for t in tokens {
                out.push_str(s.get(at..t.start).unwrap_or_default());
                out.push_str(&resolve(s.get(t.clone()).unwrap_or_default()));
                at = t.end;
            }
            out.push_str(s.get(at..).unwrap_or_default());
            *s = out;
        }
        Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, resolve)),
        Value::Object(map) => map.values_mut().for_each(|v| substitute(v, resolve)),
        _ => {}
    }
}

fn mix(e: &Entity, what: &str) -> u64 {
    hash(&[e.key, name_tag(what)])
}

/// Renders `entity` as an item of `collection` through `route`'s template (the list's, or a
/// fetch's with more members, which are added to the list row's).
pub(crate) fn item(
    cx: &Context<'_>,
    route: &RouteSpec,
    collection: Option<&Collection>,
    entity: &Entity,
) -> Value {
    let list = collection.map(|c| c.route);
    let mut value = through(cx, list.unwrap_or(route), collection, entity);
    if let (Some(list), Value::Object(row)) = (list, &mut value)
        && !std::ptr::eq(list.template, route.template)
        && let Value::Object(extra) = through(cx, route, collection, entity)
    {
        for (k, v) in extra {
            row.entry(k).or_insert(v);
        }
    }
    value
}

/// An item no list serves (a stream, a payment, feedback): the members of the write's
/// answer, from the entity's facts, its name and dates; `null` for the rest.
pub(crate) fn standalone(members: &[&str], entity: &Entity) -> Value {
    let mut item = Map::new();
    for member in members {
        let value = match (*member, entity.fact(member)) {
            (_, Some(fact)) => fact_json(fact),
            ("date_created", None) => Value::String(Rfc2822(entity.created).to_string()),
            ("date_updated", None) => Value::String(Rfc2822(entity.updated).to_string()),
            _ => Value::Null,
        };
        item.insert((*member).to_owned(), value);
    }
    Value::Object(item)
}

fn fact_json(fact: &Fact) -> Value {
    match fact {
        Fact::Str(s) => Value::String(s.clone()),
        Fact::Static(s) => Value::String((*s).to_owned()),
        Fact::Time(t) => Value::String(Rfc2822(*t).to_string()),
        Fact::Int(i) => Value::from(*i),
        Fact::Bool(b) => Value::Bool(*b),
        Fact::Null => Value::Null,
        Fact::Json(v) => v.clone(),
    }
}

fn through(
    cx: &Context<'_>,
    route: &RouteSpec,
    collection: Option<&Collection>,
    entity: &Entity,
) -> Value {
    let Some(template) = cx.templates.0.get(route.id).cloned() else {
        return Value::Object(Map::new());
    };
    let token_at = |member: &str| {
        template
            .get(member)
            .and_then(Value::as_str)
            .filter(|s| is_sid_like(s))
            .map(str::to_owned)
    };
    // Placeholders named by the members they sit in, by priority.
    let mut named: Vec<(String, String)> = Vec::new();
    let mut name = |token: Option<String>, value: &str| {
        if let Some(token) = token
            && !named.iter().any(|(t, _)| *t == token)
        {
            named.push((token, value.to_owned()));
        }
    };
    let id_member = collection.and_then(|c| c.id_member).unwrap_or("sid");
    if is_sid_like(&entity.id) {
        name(token_at(id_member), &entity.id);
    }
    for (member, fact) in &entity.facts {
        if let Some(text) = fact.text().filter(|t| is_sid_like(t)) {
            name(token_at(member), text);
        }
    }
    let params = collection.map_or(route.params, |c| c.route.params);
    for (param, value) in &entity.scope {
        if let Some(field) = params
            .iter()
            .find(|p| p.name == *param)
            .and_then(|p| p.field)
        {
            name(token_at(field), value);
        }
    }
    name(token_at("account_sid"), cx.account_sid);
    let mut resolve = |token: &str| -> String {
        if let Some((_, v)) = named.iter().find(|(t, _)| t == token) {
            return v.clone();
        }
        let prefix = token.get(..2).unwrap_or_default();
        if prefix == "AC" {
            return cx.account_sid.to_owned();
        }
        let same_prefix = |s: &&str| s.starts_with(prefix) && is_sid_like(s);
        if let Some(v) = entity
            .facts
            .iter()
            .filter_map(|(_, f)| f.text())
            .chain(entity.scope.iter().map(|(_, v)| v.as_str()))
            .find(same_prefix)
        {
            return v.to_owned();
        }
        let t = name_tag(token);
        sid(prefix, hash(&[entity.key, t]), hash(&[entity.key, t, 1]))
    };
    let mut value = Value::Object(template);
    substitute(&mut value, &mut resolve);
    let Value::Object(mut map) = value else {
        return value;
    };
    let enum_route = collection.map_or(route, |c| c.route);
    let members: Vec<String> = map.keys().cloned().collect();
    for member in members {
        let Some(slot) = map.get_mut(&member) else {
            continue;
        };
        match entity.fact(&member) {
            Some(fact) => *slot = fact_value(fact, slot),
            None => {
                if let Some(varied) = vary(&member, slot, entity, enum_route) {
                    *slot = varied;
                }
            }
        }
    }
    Value::Object(map)
}

fn fact_value(fact: &Fact, template: &Value) -> Value {
    match fact {
        Fact::Str(s) => Value::String(s.clone()),
        Fact::Static(s) => Value::String((*s).to_owned()),
        Fact::Time(t) => Value::String(format_date(
            *t,
            date_style(template).unwrap_or(DateStyle::Rfc2822),
        )),
        Fact::Int(i) => Value::from(*i),
        Fact::Bool(b) => Value::Bool(*b),
        Fact::Null => Value::Null,
        Fact::Json(v) => v.clone(),
    }
}

/// A varied value for a member the entity has no fact for, or `None` to keep the template's.
fn vary(member: &str, template: &Value, e: &Entity, route: &RouteSpec) -> Option<Value> {
    let h = mix(e, member);
    let names_a_date = member.starts_with("date")
        || member.ends_with("_time")
        || member.ends_with("_date")
        || member == "as_of";
    if let Some(style) = date_style(template).filter(|_| names_a_date) {
        let secs = match member {
            "date_created" => e.created,
            "date_updated" => e.updated,
            _ => e.created + i64::try_from(h % 3600).unwrap_or(0),
        };
        return Some(Value::String(format_date(secs, style)));
    }
    let text = template.as_str()?;
    if member == "status"
        && let Some(values) = route.enum_values("status").filter(|v| !v.is_empty())
    {
        let i = usize::try_from(h % u64::try_from(values.len()).unwrap_or(1)).unwrap_or(0);
        return values.get(i).map(|v| Value::String((*v).to_owned()));
    }
    if member.contains("price") && member != "price_unit" {
        return vary_decimal(text, h).map(Value::String);
    }
    if let Some(digits) = text.strip_prefix('+')
        && digits.len() >= 8
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(Value::String(format!(
            "+1{}555{:04}",
            200 + h % 700,
            (h >> 20) % 10_000
        )));
    }
    if member == "duration" && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Value::String((1 + h % 600).to_string()));
    }
    None
}

/// `-0.0025` → another amount with the same sign and decimals, within ½× to 2× of it.
fn vary_decimal(text: &str, h: u64) -> Option<String> {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = rest.split_once('.')?;
    if whole.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let units: u64 = format!("{whole}{fraction}").parse().ok()?;
    let varied = (units.max(1) * (50 + h % 151) / 100).max(1);
    let scale = 10u64.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    Some(if fraction.is_empty() {
        format!("{sign}{varied}")
    } else {
        format!(
            "{sign}{}.{:0width$}",
            varied / scale,
            varied % scale,
            width = fraction.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_styles() {
        let v = |s: &str| Value::String(s.to_owned());
        assert_eq!(
            date_style(&v("Fri, 18 Oct 2019 17:00:00 +0000")),
            Some(DateStyle::Rfc2822)
        );
        assert_eq!(
            date_style(&v("2019-06-24T22:32:49+00:00")),
            Some(DateStyle::IsoOffset)
        );
        assert_eq!(
            date_style(&v("2019-06-24T22:32:49Z")),
            Some(DateStyle::IsoZ)
        );
        assert_eq!(date_style(&v("2008-01-02")), Some(DateStyle::Date));
        assert_eq!(date_style(&v("2008-01-0x")), None);
        assert_eq!(date_style(&v("friendly_name")), None);
        assert_eq!(date_style(&Value::Null), None);
    }

    #[test]
    fn tokens_and_substitution() {
        let ac = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let ca = "CAdeadbeefdeadbeefdeadbeefdeadbeef";
        let s = format!("/2010-04-01/Accounts/{ac}/Calls/{ca}.json?x=X{ca}");
        let t = sid_tokens(&s);
        assert_eq!(t.len(), 2, "a SID inside a longer word is not a token");
        let mut v = Value::String(s);
        substitute(&mut v, &mut |tok: &str| {
            format!("<{}>", tok.get(..2).unwrap())
        });
        assert_eq!(
            v,
            Value::String(format!("/2010-04-01/Accounts/<AC>/Calls/<CA>.json?x=X{ca}"))
        );
        assert!(is_sid_like(ac));
        assert!(!is_sid_like("Acaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    }

    #[test]
    fn decimals_keep_sign_and_scale() {
        for h in [0, 1, 77, 150, u64::MAX] {
            let p = vary_decimal("-0.0025", h).unwrap();
            assert!(p.starts_with("-0.00") && p.len() == 7, "{p}");
            let q = vary_decimal("2192.84855", h).unwrap();
            assert_eq!(q.split_once('.').unwrap().1.len(), 5, "{q}");
        }
        assert_eq!(vary_decimal("12", 0), None);
        assert_eq!(vary_decimal("a.b", 0), None);
    }
}
