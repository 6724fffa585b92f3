//! The route table: every `GET` of the 2010-04-01 API, generated from the spec
//! (`generated/routes.rs`), the types its rows are made of, path matching, and [`Route`], the
//! public read-only view of one row.

use std::fmt;

use crate::generated::routes::ROUTES;

/// A list (pages of items) or a fetch (one resource).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    List,
    Fetch,
}

/// One segment of a path template after `/2010-04-01/`, without `.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment {
    Static(&'static str),
    /// The path parameter at this index of [`RouteSpec::params`].
    Param(usize),
}

/// A path parameter of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PathParam {
    /// The spec's name, e.g. `CallSid`.
    pub(crate) name: &'static str,
    /// The SID prefixes it accepts (`SM` and `MM` for messages); empty for a parameter that
    /// is not a SID (`CountryCode`, a queue member's `CallSid`).
    pub(crate) prefixes: &'static [&'static str],
    /// The member of the route's items that holds its value, if they have one.
    pub(crate) field: Option<&'static str>,
    /// The list whose rows it names (`ListCall` for a `CallSid` after `Calls/`).
    pub(crate) collection: Option<&'static str>,
}

/// One row of the generated table.
#[derive(Debug)]
pub(crate) struct RouteSpec {
    /// The spec's `operationId`, e.g. `ListCallRecording`.
    pub(crate) id: &'static str,
    pub(crate) kind: Kind,
    /// The path template, e.g. `/2010-04-01/Accounts/{AccountSid}/Calls.json`.
    pub(crate) path: &'static str,
    pub(crate) segments: &'static [Segment],
    pub(crate) params: &'static [PathParam],
    /// The query parameters the spec declares (without the paging ones).
    pub(crate) query: &'static [&'static str],
    /// For lists, the JSON key of the items.
    pub(crate) items_key: Option<&'static str>,
    /// For lists, whether pages carry paging members.
    pub(crate) paged: bool,
    /// The success status (200, or 307 for `Data.json`).
    pub(crate) status: u16,
    /// The list whose rows this route serves (itself for a list), if any.
    pub(crate) collection: Option<&'static str>,
    /// The template item, as JSON text.
    pub(crate) template: &'static str,
    /// The values of the items' enum members.
    pub(crate) enums: &'static [(&'static str, &'static [&'static str])],
}

impl RouteSpec {
    /// The values of enum member `field`, if the items have one.
    pub(crate) fn enum_values(&self, field: &str) -> Option<&'static [&'static str]> {
        self.enums
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, values)| *values)
    }

    /// The index of path parameter `name`.
    pub(crate) fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }

    /// The path with `values` (one per parameter, in order) in place of the parameters.
    pub(crate) fn format_path<S: AsRef<str>>(&self, values: &[S]) -> String {
        let mut out = String::from("/2010-04-01");
        for segment in self.segments {
            out.push('/');
            match segment {
                Segment::Static(name) => out.push_str(name),
                Segment::Param(i) => out.push_str(values.get(*i).map_or("", AsRef::as_ref)),
            }
        }
        out.push_str(".json");
        out
    }
}

/// Every route of the table.
pub(crate) fn all() -> &'static [RouteSpec] {
    ROUTES
}

/// The route with this operation id.
pub(crate) fn by_id(id: &str) -> Option<&'static RouteSpec> {
    ROUTES.iter().find(|r| r.id == id)
}

/// The route a request path names, with the values of its path parameters (in order).
///
/// When several templates match (`IncomingPhoneNumbers/Local.json` and
/// `IncomingPhoneNumbers/{Sid}.json`), the one with more static segments wins.
pub(crate) fn match_path(path: &str) -> Option<(&'static RouteSpec, Vec<&str>)> {
    let rest = path.strip_prefix("/2010-04-01/")?.strip_suffix(".json")?;
    let parts: Vec<&str> = rest.split('/').collect();
    let mut best: Option<(&'static RouteSpec, usize)> = None;
    for route in ROUTES {
        if route.segments.len() != parts.len() {
            continue;
        }
        let mut statics = 0;
        let matches = route
            .segments
            .iter()
            .zip(&parts)
            .all(|(segment, part)| match segment {
                Segment::Static(name) => {
                    statics += 1;
                    name == part
                }
                Segment::Param(_) => !part.is_empty(),
            });
        if matches && best.is_none_or(|(_, s)| statics > s) {
            best = Some((route, statics));
        }
    }
    let (route, _) = best?;
    let mut values = vec![""; route.params.len()];
    for (segment, part) in route.segments.iter().zip(&parts) {
        if let Segment::Param(i) = segment
            && let Some(slot) = values.get_mut(*i)
        {
            *slot = part;
        }
    }
    Some((route, values))
}

/// Whether `value` is a SID with one of `prefixes`: the prefix then 32 hex digits.
pub(crate) fn is_sid(value: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| {
        value
            .strip_prefix(p)
            .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

/// One `GET` operation of the 2010-04-01 API as the sandbox serves it: a row of its route
/// table, generated from Twilio's OpenAPI description.
///
/// ```
/// let route = twilio_sandbox::Route::find("ListCallRecording").expect("in the spec");
/// assert_eq!(
///     route.path_template(),
///     "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json"
/// );
/// assert!(route.is_list());
/// assert_eq!(route.items_key(), Some("recordings"));
/// assert_eq!(route.path_params().collect::<Vec<_>>(), ["AccountSid", "CallSid"]);
/// assert_eq!(route.sid_prefixes("CallSid"), ["CA"]);
/// ```
#[derive(Clone, Copy)]
pub struct Route(&'static RouteSpec);

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for Route {}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Route").field(&self.0.id).finish()
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GET {}", self.0.path)
    }
}

impl Route {
    /// Every route, in the spec's order: 103 `GET`s (lists and fetches).
    pub fn all() -> impl ExactSizeIterator<Item = Route> {
        ROUTES.iter().map(Route)
    }

    /// The route with this path template
    /// (`/2010-04-01/Accounts/{AccountSid}/Calls.json`) or operation id (`ListCall`).
    pub fn find(template_or_operation_id: &str) -> Option<Route> {
        ROUTES
            .iter()
            .find(|r| r.path == template_or_operation_id || r.id == template_or_operation_id)
            .map(Route)
    }

    pub(crate) fn spec(self) -> &'static RouteSpec {
        self.0
    }

    /// The spec's `operationId`, e.g. `ListCallRecording` or `FetchBalance`.
    pub fn operation_id(self) -> &'static str {
        self.0.id
    }

    /// The path template, e.g. `/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json`.
    pub fn path_template(self) -> &'static str {
        self.0.path
    }

    /// Whether it lists items (otherwise it fetches one resource).
    pub fn is_list(self) -> bool {
        self.0.kind == Kind::List
    }

    /// For a list, the JSON key of its items (`calls`, `media_list`…).
    pub fn items_key(self) -> Option<&'static str> {
        self.0.items_key
    }

    /// For a list, whether its pages carry the paging members (`next_page_uri`…); one list
    /// of the spec is not paged (`AvailablePhoneNumbers.json`).
    pub fn is_paged(self) -> bool {
        self.0.paged
    }

    /// The status of a successful answer: 200, or 307 (a redirect) for `Data.json`.
    pub fn success_status(self) -> u16 {
        self.0.status
    }

    /// The names of its path parameters, in path order (`AccountSid` first, except for
    /// `/Accounts/{Sid}.json`).
    pub fn path_params(self) -> impl ExactSizeIterator<Item = &'static str> {
        self.0.params.iter().map(|p| p.name)
    }

    /// The SID prefixes path parameter `param` accepts (`["SM", "MM"]` for a message); empty
    /// for parameters that are not SIDs (`CountryCode`) and for unknown names.
    pub fn sid_prefixes(self, param: &str) -> &'static [&'static str] {
        self.0
            .params
            .iter()
            .find(|p| p.name == param)
            .map_or(&[], |p| p.prefixes)
    }

    /// The query parameters (filters) the spec declares for it, without the paging ones,
    /// e.g. `To`, `From`, `StartTime<`, `StartTime>` for calls.
    pub fn query_params(self) -> &'static [&'static str] {
        self.0.query
    }

    /// Its path with these parameter values, by name; parameters not given stay empty.
    pub fn path<'a>(self, values: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
        let mut ordered = vec![""; self.0.params.len()];
        for (name, value) in values {
            if let Some(i) = self.0.param_index(name)
                && let Some(slot) = ordered.get_mut(i)
            {
                *slot = value;
            }
        }
        self.0.format_path(&ordered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_every_get_of_the_spec() {
        let lists = ROUTES.iter().filter(|r| r.kind == Kind::List).count();
        let fetches = ROUTES.len() - lists;
        assert_eq!((lists, fetches), (61, 42));
        let unpaged: Vec<&str> = ROUTES
            .iter()
            .filter(|r| r.kind == Kind::List && !r.paged)
            .map(|r| r.id)
            .collect();
        assert_eq!(unpaged, ["ListAvailablePhoneNumberCountry"]);
        for route in ROUTES {
            assert_eq!(
                route
                    .segments
                    .iter()
                    .filter(|s| matches!(s, Segment::Param(_)))
                    .count(),
                route.params.len(),
                "{}",
                route.id
            );
            let template: serde_json::Value = serde_json::from_str(route.template).unwrap();
            assert!(template.is_object(), "{}", route.id);
            if let Some(list) = route.collection {
                assert_eq!(
                    by_id(list).map(|l| l.kind),
                    Some(Kind::List),
                    "{}",
                    route.id
                );
            }
        }
    }

    #[test]
    fn paths_match_their_templates_and_statics_win() {
        let ac = "AC0123456789abcdef0123456789abcdef";
        let calls = format!("/2010-04-01/Accounts/{ac}/Calls.json");
        let (route, values) = match_path(&calls).unwrap();
        assert_eq!((route.id, values), ("ListCall", vec![ac]));
        let (route, _) = match_path(&format!(
            "/2010-04-01/Accounts/{ac}/IncomingPhoneNumbers/Local.json"
        ))
        .unwrap();
        assert_eq!(route.id, "ListIncomingPhoneNumberLocal");
        let pn = "PN0123456789abcdef0123456789abcdef";
        let number = format!("/2010-04-01/Accounts/{ac}/IncomingPhoneNumbers/{pn}.json");
        let (route, values) = match_path(&number).unwrap();
        assert_eq!(
            (route.id, values),
            ("FetchIncomingPhoneNumber", vec![ac, pn])
        );
        let (route, _) = match_path("/2010-04-01/Accounts.json").unwrap();
        assert_eq!(route.id, "ListAccount");
        for bad in [
            "/2010-04-01/Accounts",
            "/2010-04-01/Accounts/x/Nope.json",
            "/2010-04-01/Accounts//Calls.json",
            "/Accounts.json",
            "/",
        ] {
            assert!(match_path(bad).is_none(), "{bad}");
        }
        let round = route.format_path::<&str>(&[]);
        assert_eq!(round, "/2010-04-01/Accounts.json");
    }

    #[test]
    fn sids_are_checked_by_prefix_and_shape() {
        assert!(is_sid("CA0123456789abcdef0123456789abcdef", &["CA"]));
        assert!(is_sid("MM0123456789ABCDEF0123456789abcdef", &["SM", "MM"]));
        assert!(!is_sid("RE0123456789abcdef0123456789abcdef", &["CA"]));
        assert!(!is_sid("CA0123456789abcdef0123456789abcde", &["CA"]));
        assert!(!is_sid("CA0123456789abcdef0123456789abcdeg", &["CA"]));
        assert!(!is_sid("CA0123456789abcdef0123456789abcdef", &[]));
    }

    #[test]
    fn public_view() {
        assert_eq!(Route::all().len(), 103);
        let fetch = Route::find("/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json").unwrap();
        assert_eq!(fetch.operation_id(), "FetchMessage");
        assert!(!fetch.is_list() && !fetch.is_paged());
        assert_eq!(fetch.sid_prefixes("Sid"), ["SM", "MM"]);
        assert_eq!(fetch.sid_prefixes("Nope"), [] as [&str; 0]);
        assert_eq!(
            fetch.path([("Sid", "SMx"), ("AccountSid", "ACy")]),
            "/2010-04-01/Accounts/ACy/Messages/SMx.json"
        );
        assert_eq!(
            Route::find("FetchRecordingAddOnResultPayloadData")
                .unwrap()
                .success_status(),
            307
        );
        assert_eq!(
            fetch.to_string(),
            "GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json"
        );
        assert_eq!(format!("{fetch:?}"), "Route(\"FetchMessage\")");
    }
}
