//! Every resource the route table serves besides call events: the sandbox's own data model.
//!
//! Resources are [`Entity`]s grouped in families (calls, recordings, messages…); each list of
//! the route table is a [`Collection`]: a family and how its rows are chosen under the list's
//! parent path parameter. One entity can be a row of several lists, so the same recording
//! is in `Recordings.json`, in its call's `Calls/{CallSid}/Recordings.json` and, for a
//! conference recording, in `Conferences/{ConferenceSid}/Recordings.json`, with the same SID,
//! dates and duration everywhere.
//!
//! An entity is an id (its SID, or a natural key like a country code), a key from which
//! every varied value derives, dates, the path parameters that lead to it (its scope) and
//! *facts*: the values of the members the sandbox decides itself (a call's status, its
//! numbers and times; the call a recording belongs to). [`crate::store::render`] turns an entity
//! into JSON through a route's template item; everything not a fact comes from the
//! template, varied per entity.
//!
//! The families that carry the sandbox's coherence are built by hand below (accounts,
//! calls, recordings, notifications, transcriptions, conferences and participants, queues
//! and members, messages and media, phone numbers, keys, SIP mappings, usage records); every
//! other list of the table gets a generic family: 3 to 5 rows at the top level, or 1 to 3
//! under each of the first [`GENERIC_PARENTS`] rows of its parent list. Everything derives
//! from the seed: the same seed gives the same data.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::store::data::{
    AREA_CODES, Credentials, Dataset, EPOCH_BASE, START_SPREAD_SECS, national,
};
use crate::store::rng::{Rng, hash, sid, unique};
use crate::store::routes::{self, Kind, RouteSpec, Segment};

/// How many rows of a parent list get generic children (so that a generic nested list stays
/// small however many calls or recordings there are).
pub(crate) const GENERIC_PARENTS: usize = 8;
/// The account's creation: a year before the first call.
const ACCOUNT_CREATED: i64 = EPOCH_BASE - 365 * 86_400;
/// The sandbox's "now", for the usage records of today, this month…: the end of the period
/// the calls span.
pub(crate) const NOW: i64 = EPOCH_BASE + START_SPREAD_SECS as i64;

/// A member's value decided by the sandbox.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fact {
    Str(String),
    Static(&'static str),
    /// A date, written in the format of the template's member (RFC 2822 by default).
    Time(i64),
    Int(i64),
    Bool(bool),
    Null,
    Json(Value),
}

impl Fact {
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            Self::Static(s) => Some(s),
            _ => None,
        }
    }
}

fn text_or_null(value: Option<String>) -> Fact {
    value.map_or(Fact::Null, Fact::Str)
}

fn time_or_null(value: Option<i64>) -> Fact {
    value.map_or(Fact::Null, Fact::Time)
}

/// One resource.
#[derive(Debug, Clone)]
pub(crate) struct Entity {
    /// Its SID, or natural key (`US`, `+14155550100`, `calls`).
    pub(crate) id: String,
    /// What its varied values derive from.
    pub(crate) key: u64,
    pub(crate) created: i64,
    pub(crate) updated: i64,
    /// The path parameters below the account that lead to it, e.g. `("CallSid", "CA…")`.
    pub(crate) scope: Vec<(&'static str, String)>,
    pub(crate) facts: Vec<(&'static str, Fact)>,
}

impl Entity {
    pub(crate) fn new(id: String, key: u64, created: i64, updated: i64) -> Self {
        Self {
            id,
            key,
            created,
            updated,
            scope: Vec::new(),
            facts: Vec::new(),
        }
    }

    fn with(mut self, member: &'static str, fact: Fact) -> Self {
        self.set(member, fact);
        self
    }

    pub(crate) fn set(&mut self, member: &'static str, fact: Fact) {
        match self.facts.iter_mut().find(|(m, _)| *m == member) {
            Some((_, slot)) => *slot = fact,
            None => self.facts.push((member, fact)),
        }
    }

    pub(crate) fn fact(&self, member: &str) -> Option<&Fact> {
        self.facts
            .iter()
            .find(|(m, _)| *m == member)
            .map(|(_, f)| f)
    }

    /// The text of fact `member`, if it has one.
    pub(crate) fn text(&self, member: &str) -> Option<&str> {
        self.fact(member).and_then(Fact::text)
    }

    /// The time of member `member`: its fact, or the entity's own dates.
    pub(crate) fn time(&self, member: &str) -> Option<i64> {
        match self.fact(member) {
            Some(Fact::Time(t)) => Some(*t),
            Some(_) => None,
            None => match member {
                "date_created" => Some(self.created),
                "date_updated" => Some(self.updated),
                _ => None,
            },
        }
    }
}

/// How a list chooses its rows from its family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Select {
    /// Every entity.
    All,
    /// The entities whose fact `member` is the list's last path parameter.
    By(&'static str),
    /// The entities whose fact `member` has this value.
    Where(&'static str, &'static str),
    /// [`Select::By`] and [`Select::Where`].
    ByWhere(&'static str, &'static str, &'static str),
}

/// Which family each hand-modelled list serves, and how it selects its rows. Every other
/// list gets a generic family of its own.
const VIEWS: &[(&str, &str, Select)] = &[
    ("ListAccount", "accounts", Select::All),
    ("ListCall", "calls", Select::All),
    ("ListRecording", "recordings", Select::All),
    ("ListCallRecording", "recordings", Select::By("call_sid")),
    (
        "ListConferenceRecording",
        "recordings",
        Select::By("conference_sid"),
    ),
    ("ListNotification", "notifications", Select::All),
    (
        "ListCallNotification",
        "notifications",
        Select::By("call_sid"),
    ),
    ("ListTranscription", "transcriptions", Select::All),
    (
        "ListRecordingTranscription",
        "transcriptions",
        Select::By("recording_sid"),
    ),
    ("ListConference", "conferences", Select::All),
    (
        "ListParticipant",
        "participants",
        Select::By("conference_sid"),
    ),
    ("ListQueue", "queues", Select::All),
    ("ListMember", "members", Select::By("queue_sid")),
    ("ListMessage", "messages", Select::All),
    ("ListMedia", "media", Select::By("parent_sid")),
    ("ListIncomingPhoneNumber", "incoming_numbers", Select::All),
    (
        "ListIncomingPhoneNumberLocal",
        "incoming_numbers",
        Select::Where("type", "local"),
    ),
    (
        "ListIncomingPhoneNumberMobile",
        "incoming_numbers",
        Select::Where("type", "mobile"),
    ),
    (
        "ListIncomingPhoneNumberTollFree",
        "incoming_numbers",
        Select::Where("type", "tollfree"),
    ),
    (
        "ListDependentPhoneNumber",
        "incoming_numbers",
        Select::By("address_sid"),
    ),
    ("ListKey", "keys", Select::All),
    (
        "ListAuthorizedConnectApp",
        "authorized_connect_apps",
        Select::All,
    ),
    ("ListAvailablePhoneNumberCountry", "countries", Select::All),
    (
        "ListAvailablePhoneNumberLocal",
        "available_numbers",
        Select::ByWhere("iso_country", "number_type", "local"),
    ),
    (
        "ListAvailablePhoneNumberMachineToMachine",
        "available_numbers",
        Select::ByWhere("iso_country", "number_type", "machine_to_machine"),
    ),
    (
        "ListAvailablePhoneNumberMobile",
        "available_numbers",
        Select::ByWhere("iso_country", "number_type", "mobile"),
    ),
    (
        "ListAvailablePhoneNumberNational",
        "available_numbers",
        Select::ByWhere("iso_country", "number_type", "national"),
    ),
    (
        "ListAvailablePhoneNumberSharedCost",
        "available_numbers",
        Select::ByWhere("iso_country", "number_type", "shared_cost"),
    ),
    (
        "ListAvailablePhoneNumberTollFree",
        "available_numbers",
        Select::ByWhere("iso_country", "number_type", "toll_free"),
    ),
    (
        "ListAvailablePhoneNumberVoip",
        "available_numbers",
        Select::ByWhere("iso_country", "number_type", "voip"),
    ),
    (
        "ListSipCredentialListMapping",
        "domain_credential_lists",
        Select::By("domain_sid"),
    ),
    (
        "ListSipIpAccessControlListMapping",
        "domain_ip_access_control_lists",
        Select::By("domain_sid"),
    ),
    (
        "ListSipAuthCallsCredentialListMapping",
        "domain_auth_calls_credential_lists",
        Select::By("domain_sid"),
    ),
    (
        "ListSipAuthCallsIpAccessControlListMapping",
        "domain_auth_calls_ip_access_control_lists",
        Select::By("domain_sid"),
    ),
    (
        "ListSipAuthRegistrationsCredentialListMapping",
        "domain_auth_registrations_credential_lists",
        Select::By("domain_sid"),
    ),
    (
        "ListUsageRecord",
        "usage_records",
        Select::Where("window", ""),
    ),
    (
        "ListUsageRecordAllTime",
        "usage_records",
        Select::Where("window", "AllTime"),
    ),
    (
        "ListUsageRecordDaily",
        "usage_records",
        Select::Where("window", "Daily"),
    ),
    (
        "ListUsageRecordLastMonth",
        "usage_records",
        Select::Where("window", "LastMonth"),
    ),
    (
        "ListUsageRecordMonthly",
        "usage_records",
        Select::Where("window", "Monthly"),
    ),
    (
        "ListUsageRecordThisMonth",
        "usage_records",
        Select::Where("window", "ThisMonth"),
    ),
    (
        "ListUsageRecordToday",
        "usage_records",
        Select::Where("window", "Today"),
    ),
    (
        "ListUsageRecordYearly",
        "usage_records",
        Select::Where("window", "Yearly"),
    ),
    (
        "ListUsageRecordYesterday",
        "usage_records",
        Select::Where("window", "Yesterday"),
    ),
];

/// The list of a call's events (served by its own renderer, not a family).
pub(crate) const EVENTS_LIST: &str = "ListCallEvent";
/// The fact of a call entity that holds its number of events (no member of the template,
/// so never rendered).
pub(crate) const EVENT_COUNT: &str = "sandbox_event_count";

/// One list of the route table and the rows it serves.
#[derive(Debug)]
pub(crate) struct Collection {
    /// The list's route.
    pub(crate) route: &'static RouteSpec,
    pub(crate) family: usize,
    pub(crate) select: Select,
    /// Every row, in list order (entity indices into the family).
    pub(crate) members: Vec<u32>,
    /// The rows under each value of the parent path parameter, for `By` selections.
    by_parent: HashMap<String, Vec<u32>>,
    /// For top-level lists: the row of each id.
    by_id: HashMap<String, u32>,
    /// The member that holds a row's id in its items (`sid`, `call_sid`, `country_code`).
    pub(crate) id_member: Option<&'static str>,
}

/// A family of entities.
#[derive(Debug, Default)]
pub(crate) struct Family {
    pub(crate) entities: Vec<Entity>,
}

/// The whole data model.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) account_sid: String,
    families: Vec<Family>,
    family_names: HashMap<String, usize>,
    collections: HashMap<&'static str, Collection>,
    /// The account's balance (`Balance.json`).
    pub(crate) balance: String,
}

/// An FNV-1a hash of a name, to derive independent streams per family.
pub(crate) fn name_tag(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn u64_of(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn idx(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Builds the families one by one; later ones refer to earlier ones.
struct Builder<'a> {
    seed: u64,
    data: &'a Dataset,
    messages: u64,
    world: World,
}

impl Builder<'_> {
    fn rng(&self, family: &str, index: u64) -> Rng {
        Rng::new(&[self.seed, name_tag(family), index])
    }

    fn key(&self, family: &str, index: u64) -> u64 {
        hash(&[self.seed, name_tag(family), index, 0x4B])
    }

    fn sid(&self, family: &str, prefix: &str, index: u64) -> String {
        let k = hash(&[self.seed, name_tag(family), 0x51D]);
        sid(prefix, unique(k, index), hash(&[k, index]))
    }

    fn add_family(&mut self, name: &str, entities: Vec<Entity>) -> usize {
        let i = self.world.families.len();
        self.world.families.push(Family { entities });
        self.world.family_names.insert(name.to_owned(), i);
        i
    }

    fn family(&self, name: &str) -> &[Entity] {
        self.world
            .family_names
            .get(name)
            .and_then(|&i| self.world.families.get(i))
            .map_or(&[], |f| f.entities.as_slice())
    }

    fn family_mut(&mut self, name: &str) -> Option<&mut Family> {
        let i = *self.world.family_names.get(name)?;
        self.world.families.get_mut(i)
    }

    /// The entities of the list `list` (its family's, filtered by the list's `Where`).
    fn rows_of(&self, list: &str) -> Vec<&Entity> {
        let Some(c) = self.world.collections.get(list) else {
            return Vec::new();
        };
        let Some(f) = self.world.families.get(c.family) else {
            return Vec::new();
        };
        c.members
            .iter()
            .filter_map(|&i| f.entities.get(i as usize))
            .collect()
    }

    fn index_collection(&mut self, route: &'static RouteSpec, family: usize, select: Select) {
        let entities = self
            .world
            .families
            .get(family)
            .map_or(&[][..], |f| f.entities.as_slice());
        let constant = match select {
            Select::Where(m, v) | Select::ByWhere(_, m, v) => Some((m, v)),
            _ => None,
        };
        let by = match select {
            Select::By(m) | Select::ByWhere(m, _, _) => Some(m),
            _ => None,
        };
        let mut members = Vec::new();
        let mut by_parent: HashMap<String, Vec<u32>> = HashMap::new();
        let mut by_id = HashMap::new();
        for (i, e) in entities.iter().enumerate() {
            if constant.is_some_and(|(m, v)| e.text(m) != Some(v)) {
                continue;
            }
            match by {
                Some(m) => {
                    let Some(parent) = e.text(m) else { continue };
                    by_parent.entry(parent.to_owned()).or_default().push(idx(i));
                }
                None => {
                    by_id.entry(e.id.clone()).or_insert(idx(i));
                }
            }
            members.push(idx(i));
        }
        let fetch = routes::all()
            .iter()
            .find(|r| r.kind == Kind::Fetch && r.collection == Some(route.id));
        let template: Option<Value> = serde_json::from_str(route.template).ok();
        let id_member = fetch
            .and_then(|f| f.params.last())
            .and_then(|p| p.field)
            .or_else(|| {
                template
                    .as_ref()
                    .and_then(|t| t.get("sid"))
                    .is_some()
                    .then_some("sid")
            });
        self.world.collections.insert(
            route.id,
            Collection {
                route,
                family,
                select,
                members,
                by_parent,
                by_id,
                id_member,
            },
        );
    }
}

/// `Queues.json` → `Queue`, `SIP/CredentialLists.json` → `Credential list`.
fn label(route: &RouteSpec) -> String {
    let last = route
        .segments
        .iter()
        .rev()
        .find_map(|s| match s {
            Segment::Static(name) => Some(*name),
            Segment::Param(_) => None,
        })
        .unwrap_or("Item");
    let mut words: Vec<String> = Vec::new();
    for c in last.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(String::new());
        }
        if let Some(w) = words.last_mut() {
            w.push(c.to_ascii_lowercase());
        }
    }
    if let Some(w) = words.last_mut() {
        if let Some(stem) = w.strip_suffix("sses") {
            *w = format!("{stem}ss");
        } else if let Some(stem) = w.strip_suffix('s') {
            *w = stem.to_owned();
        }
    }
    let mut text = words.join(" ");
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

/// The id prefix of a list's rows: the SID prefix of its fetch's last parameter, or of the
/// template's `sid`.
fn id_prefix(route: &RouteSpec) -> Option<&'static str> {
    let fetch = routes::all()
        .iter()
        .find(|r| r.kind == Kind::Fetch && r.collection == Some(route.id));
    if let Some(prefix) = fetch
        .and_then(|f| f.params.last())
        .and_then(|p| p.prefixes.first())
    {
        return Some(prefix);
    }
    let template: Value = serde_json::from_str(route.template).ok()?;
    let sid = template.get("sid")?.as_str()?;
    let prefix = sid.get(..2)?;
    crate::generated::routes::ROUTES
        .iter()
        .flat_map(|r| r.params.iter().flat_map(|p| p.prefixes.iter()))
        .find(|p| **p == prefix)
        .copied()
}

impl World {
    /// Builds every family from the seed, the call data set and the number of messages.
    pub(crate) fn build(seed: u64, data: &Dataset, messages: u64) -> Self {
        let mut b = Builder {
            seed,
            data,
            messages,
            world: World {
                account_sid: data.credentials.account_sid.clone(),
                families: Vec::new(),
                family_names: HashMap::new(),
                collections: HashMap::new(),
                balance: String::new(),
            },
        };
        let view = |id: &str| VIEWS.iter().find(|(list, ..)| *list == id);
        let lists: Vec<&'static RouteSpec> = routes::all()
            .iter()
            .filter(|r| r.kind == Kind::List && r.id != EVENTS_LIST)
            .collect();
        // Generic top-level families first: the hand-made ones refer to some of them.
        for route in &lists {
            if view(route.id).is_none() && parent_param(route).is_none() {
                b.generic(route);
            }
        }
        b.accounts();
        b.countries();
        b.available_numbers();
        b.incoming_numbers();
        b.calls();
        b.conferences();
        b.participants();
        b.queues_and_members();
        b.recordings();
        b.transcriptions();
        b.notifications();
        b.messages_and_media();
        b.keys();
        b.authorized_connect_apps();
        b.sip_mappings();
        b.usage_records();
        for (list, family, select) in VIEWS {
            if let (Some(route), Some(&f)) =
                (routes::by_id(list), b.world.family_names.get(*family))
            {
                b.index_collection(route, f, *select);
            }
        }
        // Generic nested families, parents first.
        let mut nested: Vec<&&'static RouteSpec> = lists
            .iter()
            .filter(|r| view(r.id).is_none() && parent_param(r).is_some())
            .collect();
        nested.sort_by_key(|r| r.params.len());
        for route in nested {
            b.generic(route);
        }
        b.world.balance = {
            let mut rng = b.rng("balance", 0);
            format!("{}.{:02}", rng.range(5, 250), rng.below(100))
        };
        b.world
    }

    /// The list with this operation id.
    pub(crate) fn collection(&self, list: &str) -> Option<&Collection> {
        self.collections.get(list)
    }

    /// The entity at `index` of a collection's family.
    pub(crate) fn entity(&self, c: &Collection, index: u32) -> Option<&Entity> {
        self.families.get(c.family)?.entities.get(index as usize)
    }

    /// The rows of a list under the value of its parent path parameter (ignored for
    /// top-level lists).
    pub(crate) fn rows<'a>(&'a self, c: &'a Collection, parent: Option<&str>) -> &'a [u32] {
        match c.select {
            Select::By(_) | Select::ByWhere(..) => parent
                .and_then(|p| c.by_parent.get(p))
                .map_or(&[], Vec::as_slice),
            Select::All | Select::Where(..) => &c.members,
        }
    }

    /// The row of a list with this id, under `parent`.
    pub(crate) fn find(&self, c: &Collection, parent: Option<&str>, id: &str) -> Option<u32> {
        match c.select {
            Select::All | Select::Where(..) => c.by_id.get(id).copied(),
            Select::By(_) | Select::ByWhere(..) => self
                .rows(c, parent)
                .iter()
                .copied()
                .find(|&i| self.entity(c, i).is_some_and(|e| e.id == id)),
        }
    }

    /// Whether `sid` is one of the sandbox's subaccounts (listed and fetchable, owning no
    /// resources).
    pub(crate) fn is_subaccount(&self, sid: &str) -> bool {
        sid != self.account_sid
            && self
                .collection("ListAccount")
                .is_some_and(|c| c.by_id.contains_key(sid))
    }

    /// How many rows a list has in all.
    pub(crate) fn count(&self, list: &str) -> usize {
        self.collection(list).map_or(0, |c| c.members.len())
    }
}

/// The last path parameter of a list below the account (its parent), if any.
pub(crate) fn parent_param(route: &RouteSpec) -> Option<&'static crate::store::routes::PathParam> {
    route.params.iter().rfind(|p| p.name != "AccountSid")
}

// Reference data.
/// Area code, locality, region, postal code, rate center, latitude, longitude.
type City = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
const CITIES: [City; 8] = [
    (
        "415",
        "San Francisco",
        "CA",
        "94107",
        "SNFC CA",
        "37.774900",
        "-122.419400",
    ),
    (
        "628",
        "San Francisco",
        "CA",
        "94103",
        "SNFC CA",
        "37.772900",
        "-122.410900",
    ),
    (
        "212",
        "New York",
        "NY",
        "10001",
        "NWYRCYZN01",
        "40.712800",
        "-74.006000",
    ),
    (
        "646",
        "New York",
        "NY",
        "10011",
        "NWYRCYZN01",
        "40.741800",
        "-74.000900",
    ),
    (
        "312",
        "Chicago",
        "IL",
        "60601",
        "CHICAGOZN",
        "41.878100",
        "-87.629800",
    ),
    (
        "206",
        "Seattle",
        "WA",
        "98101",
        "SEATTLE",
        "47.606200",
        "-122.332100",
    ),
    (
        "512",
        "Austin",
        "TX",
        "78701",
        "AUSTIN",
        "30.267200",
        "-97.743100",
    ),
    (
        "303",
        "Denver",
        "CO",
        "80202",
        "DENVER",
        "39.739200",
        "-104.990300",
    ),
];

/// Code, name, calling code, beta, number types (list key and path segment).
type Country = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [(&'static str, &'static str)],
);
/// Countries whose available numbers the sandbox lists, with the number types (the
/// `AvailablePhoneNumbers/{CountryCode}/…` lists) each serves.
const COUNTRIES: [Country; 7] = [
    (
        "US",
        "United States",
        "1",
        false,
        &[("local", "Local"), ("toll_free", "TollFree")],
    ),
    (
        "CA",
        "Canada",
        "1",
        false,
        &[("local", "Local"), ("toll_free", "TollFree")],
    ),
    (
        "GB",
        "United Kingdom",
        "44",
        false,
        &[
            ("local", "Local"),
            ("mobile", "Mobile"),
            ("national", "National"),
            ("toll_free", "TollFree"),
        ],
    ),
    (
        "DE",
        "Germany",
        "49",
        false,
        &[
            ("local", "Local"),
            ("mobile", "Mobile"),
            ("national", "National"),
        ],
    ),
    (
        "AU",
        "Australia",
        "61",
        false,
        &[
            ("local", "Local"),
            ("mobile", "Mobile"),
            ("toll_free", "TollFree"),
        ],
    ),
    (
        "SE",
        "Sweden",
        "46",
        true,
        &[
            ("local", "Local"),
            ("mobile", "Mobile"),
            ("machine_to_machine", "MachineToMachine"),
        ],
    ),
    (
        "NL",
        "Netherlands",
        "31",
        false,
        &[
            ("local", "Local"),
            ("mobile", "Mobile"),
            ("national", "National"),
            ("shared_cost", "SharedCost"),
            ("voip", "Voip"),
            ("toll_free", "TollFree"),
        ],
    ),
];
const AVAILABLE_PER_TYPE: u64 = 20;
const TOLL_FREE: [&str; 4] = ["800", "833", "855", "888"];

const CALL_STATUSES: [(&str, u64); 8] = [
    ("completed", 60),
    ("busy", 8),
    ("no-answer", 8),
    ("failed", 5),
    ("canceled", 5),
    ("in-progress", 6),
    ("ringing", 4),
    ("queued", 4),
];
const CONFERENCE_NAMES: [&str; 4] = [
    "Daily standup",
    "Support escalation",
    "Sales sync",
    "Board meeting",
];
const CONFERENCES: u64 = 12;
const REGIONS: [&str; 5] = ["us1", "ie1", "de1", "au1", "jp1"];
const QUEUES: [&str; 3] = ["Support", "Sales", "Billing"];
const MESSAGE_BODIES: [&str; 8] = [
    "Your verification code is 482913",
    "Your order #1042 has shipped and arrives Thursday.",
    "Reminder: your appointment is tomorrow at 10:30. Reply C to confirm.",
    "Thanks! We received your payment of $42.00.",
    "STOP",
    "Can you call me back when you get a chance?",
    "Merci, à bientôt ! 👋",
    "Photos from the site visit attached.",
];
const MEDIA_TYPES: [&str; 5] = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "video/mp4",
    "application/pdf",
];
const NOTIFICATIONS: [(&str, &str, &str); 5] = [
    ("11200", "0", "HTTP retrieval failure"),
    ("11205", "0", "HTTP connection failure"),
    ("13227", "1", "Dial: Invalid phone number"),
    (
        "15003",
        "1",
        "Got HTTP 404 response to the StatusCallback URL",
    ),
    ("21609", "1", "Invalid StatusCallback URL"),
];
const TRANSCRIPTS: [&str; 4] = [
    "Hi, this is Sam from the clinic calling to confirm your appointment.",
    "Please call me back about the invoice, thanks.",
    "I'd like to change my delivery address.",
    "Hello? Hello? I'll try again later.",
];
/// Usage categories (Twilio's names) and their units.
const USAGE_CATEGORIES: [(&str, &str, &str); 12] = [
    ("calls", "Voice minutes", "minutes"),
    ("calls-inbound", "Inbound voice minutes", "minutes"),
    ("calls-outbound", "Outbound voice minutes", "minutes"),
    ("sms", "SMS messages", "segments"),
    ("mms", "MMS messages", "messages"),
    ("recordings", "Voice recordings", "minutes"),
    ("recordingstorage", "Recording storage", "minutes"),
    ("transcriptions", "Voice minutes transcribed", "minutes"),
    ("phonenumbers", "Phone numbers", "phonenumbers"),
    ("calleridlookups", "Caller Name Lookups", "lookups"),
    ("conference", "Conference minutes", "minutes"),
    ("totalprice", "Total price", "usd"),
];
const USAGE_WINDOWS: [&str; 9] = [
    "",
    "AllTime",
    "Daily",
    "LastMonth",
    "Monthly",
    "ThisMonth",
    "Today",
    "Yearly",
    "Yesterday",
];

fn weighted<'a>(rng: &mut Rng, options: &[(&'a str, u64)]) -> &'a str {
    let total: u64 = options.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total);
    for (value, weight) in options {
        if roll < *weight {
            return value;
        }
        roll -= weight;
    }
    options.first().map_or("", |(v, _)| v)
}

fn us_number(rng: &mut Rng) -> String {
    let area = rng.pick(&AREA_CODES).copied().unwrap_or("415");
    format!("+1{area}555{:04}", rng.below(10_000))
}

/// A price like `-0.01400` for `units` at `per_unit` millionths of a dollar.
fn price(units: u64, per_unit: u64) -> String {
    let micros = units.max(1).saturating_mul(per_unit);
    format!("-{}.{:05}", micros / 1_000_000, (micros % 1_000_000) / 10)
}

impl Builder<'_> {
    /// A family of its own for a list the sandbox does not model by hand.
    fn generic(&mut self, route: &'static RouteSpec) {
        let name = route.id;
        let prefix = id_prefix(route);
        let template: Value = serde_json::from_str(route.template).unwrap_or(Value::Null);
        let has = |m: &str| template.get(m).is_some();
        let label = label(route);
        let mut entities = Vec::new();
        let parents: Vec<(Vec<(&'static str, String)>, String)> = match parent_param(route) {
            None => vec![(Vec::new(), String::new())],
            Some(p) => p
                .collection
                .map(|c| self.rows_of(c))
                .unwrap_or_default()
                .into_iter()
                .take(GENERIC_PARENTS)
                .map(|e| {
                    let mut scope = e.scope.clone();
                    scope.push((p.name, e.id.clone()));
                    (scope, e.id.clone())
                })
                .collect(),
        };
        let nested = parent_param(route).is_some();
        for (scope, parent_id) in parents {
            let mut rng = Rng::new(&[self.seed, name_tag(name), name_tag(&parent_id)]);
            let count = if nested {
                rng.range(1, 3)
            } else {
                rng.range(3, 5)
            };
            for _ in 0..count {
                let ordinal = u64_of(entities.len());
                let id = match prefix {
                    Some(p) => self.sid(name, p, ordinal),
                    None => format!("{}", ordinal + 1),
                };
                let created =
                    ACCOUNT_CREATED + i64::try_from(rng.below(START_SPREAD_SECS)).unwrap_or(0);
                let updated = created + i64::try_from(rng.below(30 * 86_400)).unwrap_or(0);
                let mut e = Entity::new(id, self.key(name, ordinal), created, updated);
                if has("friendly_name") {
                    e.set(
                        "friendly_name",
                        Fact::Str(format!("{label} {}", ordinal + 1)),
                    );
                }
                for (param, value) in &scope {
                    let member = route
                        .params
                        .iter()
                        .find(|p| p.name == *param)
                        .and_then(|p| p.field)
                        .unwrap_or(param);
                    e.set(member, Fact::Str(value.clone()));
                }
                e.scope = scope.clone();
                entities.push(e);
            }
        }
        let family = self.add_family(name, entities);
        let select = match parent_param(route) {
            None => Select::All,
            Some(p) => Select::By(p.field.unwrap_or(p.name)),
        };
        self.index_collection(route, family, select);
    }

    fn accounts(&mut self) {
        let data = self.data;
        let creds: &Credentials = &data.credentials;
        let main = creds.account_sid.clone();
        let mut entities = vec![
            Entity::new(
                main.clone(),
                self.key("accounts", 0),
                ACCOUNT_CREATED,
                ACCOUNT_CREATED + 86_400,
            )
            .with("friendly_name", Fact::Static("Sandbox account"))
            .with("status", Fact::Static("active"))
            .with("type", Fact::Static("Full"))
            .with("owner_account_sid", Fact::Str(main.clone()))
            .with("auth_token", Fact::Str(creds.auth_token.clone())),
        ];
        for i in 1..=2u64 {
            let mut rng = self.rng("accounts", i);
            let created =
                ACCOUNT_CREATED + i64::try_from(rng.below(START_SPREAD_SECS)).unwrap_or(0);
            let token = sid("", rng.next_u64(), rng.next_u64());
            entities.push(
                Entity::new(
                    self.sid("accounts", "AC", i),
                    self.key("accounts", i),
                    created,
                    created + 3600,
                )
                .with(
                    "friendly_name",
                    Fact::Str(format!("Sandbox subaccount {i}")),
                )
                .with(
                    "status",
                    Fact::Static(if i == 2 { "suspended" } else { "active" }),
                )
                .with("type", Fact::Static("Full"))
                .with("owner_account_sid", Fact::Str(main.clone()))
                .with("auth_token", Fact::Str(token)),
            );
        }
        self.add_family("accounts", entities);
    }

    fn countries(&mut self) {
        let account = self.world.account_sid.clone();
        let entities = COUNTRIES
            .iter()
            .zip(0u64..)
            .map(|((code, name, _, beta, types), i)| {
                let base = format!("/2010-04-01/Accounts/{account}/AvailablePhoneNumbers/{code}");
                let uris: serde_json::Map<String, Value> = types
                    .iter()
                    .map(|(key, segment)| {
                        (
                            (*key).to_owned(),
                            Value::String(format!("{base}/{segment}.json")),
                        )
                    })
                    .collect();
                Entity::new(
                    (*code).to_owned(),
                    self.key("countries", i),
                    ACCOUNT_CREATED,
                    ACCOUNT_CREATED,
                )
                .with("country_code", Fact::Static(code))
                .with("country", Fact::Static(name))
                .with("beta", Fact::Bool(*beta))
                .with("uri", Fact::Str(format!("{base}.json")))
                .with("subresource_uris", Fact::Json(Value::Object(uris)))
            })
            .collect();
        self.add_family("countries", entities);
    }

    fn available_numbers(&mut self) {
        let mut entities = Vec::new();
        for (code, _, calling, beta, types) in COUNTRIES {
            for &(kind, _) in types {
                let mut rng = Rng::new(&[
                    self.seed,
                    name_tag("available_numbers"),
                    name_tag(code),
                    name_tag(kind),
                ]);
                for _ in 0..AVAILABLE_PER_TYPE {
                    let ordinal = u64_of(entities.len());
                    let north_american = calling == "1";
                    let city = rng.pick(&CITIES).copied();
                    let number = match (north_american, kind) {
                        (true, "toll_free") => {
                            let area = rng.pick(&TOLL_FREE).copied().unwrap_or("800");
                            format!("+1{area}555{:04}", rng.below(10_000))
                        }
                        (true, _) => format!(
                            "+1{}555{:04}",
                            city.map_or("415", |c| c.0),
                            rng.below(10_000)
                        ),
                        (false, _) => {
                            format!("+{calling}{}{:07}", 1 + rng.below(9), rng.below(10_000_000))
                        }
                    };
                    let friendly = if north_american {
                        national(&number)
                    } else {
                        number.clone()
                    };
                    let local_us = north_american && kind == "local";
                    let place = |f: fn(&City) -> &'static str| -> Fact {
                        match city {
                            Some(c) if local_us => Fact::Static(f(&c)),
                            _ => Fact::Null,
                        }
                    };
                    let mut e = Entity::new(
                        number.clone(),
                        self.key("available_numbers", ordinal),
                        NOW,
                        NOW,
                    )
                    .with("phone_number", Fact::Str(number))
                    .with("friendly_name", Fact::Str(friendly))
                    .with("iso_country", Fact::Static(code))
                    .with("number_type", Fact::Static(kind))
                    .with("beta", Fact::Bool(beta))
                    .with("locality", place(|c| c.1))
                    .with("region", place(|c| c.2))
                    .with("postal_code", place(|c| c.3))
                    .with("rate_center", place(|c| c.4))
                    .with("latitude", place(|c| c.5))
                    .with("longitude", place(|c| c.6))
                    .with(
                        "lata",
                        if local_us {
                            Fact::Str(format!("{}", 700 + rng.below(100)))
                        } else {
                            Fact::Null
                        },
                    )
                    .with(
                        "address_requirements",
                        Fact::Static(if north_american { "none" } else { "local" }),
                    )
                    .with(
                        "capabilities",
                        Fact::Json(json!({
                            "mms": north_american && rng.percent(60),
                            "sms": kind != "voip" && rng.percent(80),
                            "voice": kind != "machine_to_machine",
                        })),
                    );
                    e.scope = vec![("CountryCode", code.to_owned())];
                    entities.push(e);
                }
            }
        }
        self.add_family("available_numbers", entities);
    }

    fn incoming_numbers(&mut self) {
        let addresses: Vec<String> = self
            .rows_of("ListAddress")
            .iter()
            .map(|e| e.id.clone())
            .collect();
        let applications: Vec<String> = self
            .rows_of("ListApplication")
            .iter()
            .map(|e| e.id.clone())
            .collect();
        let mut entities = Vec::new();
        for i in 0..9u64 {
            let mut rng = self.rng("incoming_numbers", i);
            let (kind, number) = match i % 3 {
                0 => ("local", us_number(&mut rng)),
                1 => {
                    let area = rng.pick(&TOLL_FREE).copied().unwrap_or("800");
                    ("tollfree", format!("+1{area}555{:04}", rng.below(10_000)))
                }
                _ => ("mobile", format!("+447700900{:03}", rng.below(1000))),
            };
            let friendly = if number.starts_with("+1") {
                national(&number)
            } else {
                format!("07700 900{}", number.get(10..).unwrap_or("000"))
            };
            let created = ACCOUNT_CREATED + i64::try_from(rng.below(90 * 86_400)).unwrap_or(0);
            let address = addresses
                .get(usize::try_from(i).unwrap_or(0) % addresses.len().max(1))
                .cloned();
            let app = |rng: &mut Rng| {
                if rng.percent(50) {
                    rng.pick(&applications)
                        .cloned()
                        .map_or(Fact::Static(""), Fact::Str)
                } else {
                    Fact::Static("")
                }
            };
            let voice_app = app(&mut rng);
            let sms_app = app(&mut rng);
            entities.push(
                Entity::new(
                    self.sid("incoming_numbers", "PN", i),
                    self.key("incoming_numbers", i),
                    created,
                    created + 600,
                )
                .with("phone_number", Fact::Str(number))
                .with("friendly_name", Fact::Str(friendly))
                .with("type", Fact::Static(kind))
                .with("address_sid", text_or_null(address))
                .with("voice_application_sid", voice_app)
                .with("sms_application_sid", sms_app)
                .with("trunk_sid", Fact::Null)
                .with("origin", Fact::Static("twilio"))
                .with("status", Fact::Static("in-use"))
                .with(
                    "capabilities",
                    Fact::Json(json!({
                        "fax": false,
                        "mms": kind != "tollfree",
                        "sms": true,
                        "voice": kind != "mobile" || rng.percent(50),
                    })),
                ),
            );
        }
        self.add_family("incoming_numbers", entities);
    }

    fn calls(&mut self) {
        let mut entities = Vec::with_capacity(self.data.calls.len());
        for (i, call) in self.data.calls.iter().enumerate() {
            let ordinal = u64_of(i);
            let mut rng = self.rng("calls", ordinal);
            let status = weighted(&mut rng, &CALL_STATUSES);
            let last_event =
                i64::try_from(call.event_count.saturating_sub(1).saturating_mul(4)).unwrap_or(0);
            let (start_time, end_time) = match status {
                "completed" => (
                    Some(call.start + 9),
                    Some(call.start + last_event.max(9) + 4),
                ),
                "busy" | "no-answer" | "failed" | "canceled" => {
                    let end = call.start + 2 + i64::try_from(rng.range(3, 30)).unwrap_or(3);
                    (Some(call.start + 2), Some(end))
                }
                "in-progress" => (Some(call.start + 9), None),
                "ringing" => (Some(call.start + 2), None),
                _ => (None, None),
            };
            let duration = match (start_time, end_time, status) {
                (Some(s), Some(e), "completed") => Some(u64::try_from(e - s).unwrap_or(0)),
                (_, Some(_), _) => Some(0),
                _ => None,
            };
            let parent = if i > 0 && rng.percent(15) {
                self.data
                    .calls
                    .get(usize::try_from(rng.below(ordinal)).unwrap_or(0))
                    .map(|p| p.sid.clone())
            } else {
                None
            };
            let price_text = duration
                .filter(|d| *d > 0)
                .map(|d| price(d.div_ceil(60), 14_000));
            let updated = end_time.or(start_time).unwrap_or(call.start) + 1;
            let answered_by = if status == "completed" && rng.percent(25) {
                Fact::Static(if rng.percent(70) {
                    "human"
                } else {
                    "machine_start"
                })
            } else {
                Fact::Null
            };
            entities.push(
                Entity::new(
                    call.sid.clone(),
                    self.key("calls", ordinal),
                    call.start,
                    updated,
                )
                .with("status", Fact::Static(status))
                .with("from", Fact::Str(call.from.clone()))
                .with("to", Fact::Str(call.to.clone()))
                .with("from_formatted", Fact::Str(national(&call.from)))
                .with("to_formatted", Fact::Str(national(&call.to)))
                .with(
                    "direction",
                    Fact::Static(if parent.is_some() {
                        "outbound-dial"
                    } else {
                        "outbound-api"
                    }),
                )
                .with("parent_call_sid", text_or_null(parent))
                .with("start_time", time_or_null(start_time))
                .with("end_time", time_or_null(end_time))
                .with("duration", text_or_null(duration.map(|d| d.to_string())))
                .with("price", text_or_null(price_text))
                .with("price_unit", Fact::Static("USD"))
                .with("answered_by", answered_by)
                .with("caller_name", Fact::Null)
                .with("forwarded_from", Fact::Null)
                .with("group_sid", Fact::Null)
                .with("trunk_sid", Fact::Null)
                .with("phone_number_sid", Fact::Null)
                .with("queue_time", Fact::Static("0"))
                .with(
                    EVENT_COUNT,
                    Fact::Int(i64::try_from(call.event_count).unwrap_or(i64::MAX)),
                ),
            );
        }
        self.add_family("calls", entities);
    }

    fn conferences(&mut self) {
        let mut entities = Vec::new();
        for i in 0..CONFERENCES {
            let mut rng = self.rng("conferences", i);
            let name = CONFERENCE_NAMES
                .get(usize::try_from(i).unwrap_or(0) % CONFERENCE_NAMES.len())
                .copied()
                .unwrap_or("Conference");
            let status = weighted(
                &mut rng,
                &[("completed", 60), ("in-progress", 25), ("init", 15)],
            );
            let created = EPOCH_BASE + i64::try_from(rng.below(START_SPREAD_SECS)).unwrap_or(0);
            let length = i64::try_from(rng.range(300, 3600)).unwrap_or(300);
            let completed = status == "completed";
            entities.push(
                Entity::new(
                    self.sid("conferences", "CF", i),
                    self.key("conferences", i),
                    created,
                    created + if completed { length } else { 5 },
                )
                .with("friendly_name", Fact::Str(format!("{name} {}", i / 4 + 1)))
                .with("status", Fact::Static(status))
                .with(
                    "region",
                    Fact::Static(rng.pick(&REGIONS).copied().unwrap_or("us1")),
                )
                .with(
                    "reason_conference_ended",
                    if completed {
                        Fact::Static("last-participant-left")
                    } else {
                        Fact::Null
                    },
                )
                .with("call_sid_ending_conference", Fact::Null),
            );
        }
        self.add_family("conferences", entities);
    }

    /// Picks `count` distinct calls (by index) for a conference or a queue.
    fn pick_calls(&self, rng: &mut Rng, count: u64) -> Vec<usize> {
        let n = self.data.calls.len();
        let mut picked: Vec<usize> = Vec::new();
        let wanted = usize::try_from(count).unwrap_or(0).min(n);
        while picked.len() < wanted {
            let c = usize::try_from(rng.below(u64_of(n))).unwrap_or(0);
            if !picked.contains(&c) {
                picked.push(c);
            }
        }
        picked
    }

    fn participants(&mut self) {
        let conferences: Vec<Entity> = self.family("conferences").to_vec();
        let calls: Vec<(String, i64)> = self
            .family("calls")
            .iter()
            .map(|c| (c.id.clone(), c.created))
            .collect();
        let mut entities = Vec::new();
        let mut ending: Vec<Option<String>> = Vec::new();
        for conference in &conferences {
            let mut rng = Rng::new(&[self.seed, name_tag("participants"), conference.key]);
            let count = rng.range(2, 4);
            let picked = self.pick_calls(&mut rng, count);
            let status = match conference.text("status") {
                Some("completed") => "complete",
                Some("init") => "queued",
                _ => "connected",
            };
            let mut last = None;
            for (k, c) in picked.into_iter().enumerate() {
                let Some((call_sid, _)) = calls.get(c) else {
                    continue;
                };
                let ordinal = u64_of(entities.len());
                let joined = conference.created + i64::try_from(k).unwrap_or(0) * 20;
                let mut e = Entity::new(
                    call_sid.clone(),
                    self.key("participants", ordinal),
                    joined,
                    joined + 30,
                )
                .with("conference_sid", Fact::Str(conference.id.clone()))
                .with("status", Fact::Static(status))
                .with(
                    "label",
                    if k == 0 {
                        Fact::Static("host")
                    } else {
                        Fact::Null
                    },
                )
                .with("muted", Fact::Bool(rng.percent(20)))
                .with("hold", Fact::Bool(rng.percent(10)))
                .with("coaching", Fact::Bool(false))
                .with("call_sid_to_coach", Fact::Null)
                .with("start_conference_on_enter", Fact::Bool(true))
                .with("end_conference_on_exit", Fact::Bool(k == 0))
                .with("queue_time", Fact::Null);
                e.scope = vec![("ConferenceSid", conference.id.clone())];
                last = Some(call_sid.clone());
                entities.push(e);
            }
            ending.push(if conference.text("status") == Some("completed") {
                last
            } else {
                None
            });
        }
        self.add_family("participants", entities);
        if let Some(family) = self.family_mut("conferences") {
            for (conference, ending) in family.entities.iter_mut().zip(ending) {
                conference.set("call_sid_ending_conference", text_or_null(ending));
            }
        }
    }

    fn queues_and_members(&mut self) {
        let calls: Vec<(String, i64)> = self
            .family("calls")
            .iter()
            .map(|c| (c.id.clone(), c.created))
            .collect();
        let mut queues = Vec::new();
        let mut members = Vec::new();
        for (i, name) in (0u64..).zip(QUEUES) {
            let mut rng = self.rng("queues", i);
            let created = ACCOUNT_CREATED + i64::try_from(rng.below(90 * 86_400)).unwrap_or(0);
            let queue_sid = self.sid("queues", "QU", i);
            let count = rng.range(1, 4);
            let mut waits = 0i64;
            let picked = self.pick_calls(&mut rng, count);
            let size = picked.len();
            for (position, c) in picked.into_iter().enumerate() {
                let Some((call_sid, call_start)) = calls.get(c) else {
                    continue;
                };
                let ordinal = u64_of(members.len());
                let wait = i64::try_from(rng.range(5, 600)).unwrap_or(5);
                waits += wait;
                let mut e = Entity::new(
                    call_sid.clone(),
                    self.key("members", ordinal),
                    *call_start,
                    *call_start,
                )
                .with("queue_sid", Fact::Str(queue_sid.clone()))
                .with(
                    "position",
                    Fact::Int(i64::try_from(position).unwrap_or(0) + 1),
                )
                .with("wait_time", Fact::Int(wait))
                .with("date_enqueued", Fact::Time(*call_start + 3));
                e.scope = vec![("QueueSid", queue_sid.clone())];
                members.push(e);
            }
            let size = i64::try_from(size).unwrap_or(0);
            queues.push(
                Entity::new(queue_sid, self.key("queues", i), created, NOW - 3600)
                    .with("friendly_name", Fact::Static(name))
                    .with("current_size", Fact::Int(size))
                    .with(
                        "average_wait_time",
                        Fact::Int(if size > 0 { waits / size } else { 0 }),
                    )
                    .with("max_size", Fact::Int(100)),
            );
        }
        self.add_family("queues", queues);
        self.add_family("members", members);
    }

    fn recordings(&mut self) {
        let calls = self.family("calls");
        let conference_of: HashMap<String, String> = self
            .family("participants")
            .iter()
            .filter_map(|p| Some((p.id.clone(), p.text("conference_sid")?.to_owned())))
            .collect();
        let mut entities = Vec::new();
        for call in calls {
            let mut rng = Rng::new(&[self.seed, name_tag("recordings"), call.key]);
            let status = call.text("status").unwrap_or_default();
            let count = match status {
                "completed" => rng.range(1, 3),
                "in-progress" => rng.below(2),
                _ => 0,
            };
            let Some(start) = call.time("start_time") else {
                continue;
            };
            let call_length = call
                .text("duration")
                .and_then(|d| d.parse::<u64>().ok())
                .unwrap_or(60);
            let mut at = start;
            for k in 0..count {
                let ordinal = u64_of(entities.len());
                let duration = rng.range(1, call_length.clamp(1, 900));
                let conference = if k == 0 {
                    conference_of.get(&call.id).cloned()
                } else {
                    None
                };
                let source = if conference.is_some() {
                    "StartConferenceRecordingAPI"
                } else {
                    rng.pick(&[
                        "RecordVerb",
                        "DialVerb",
                        "StartCallRecordingAPI",
                        "OutboundAPI",
                    ])
                    .copied()
                    .unwrap_or("RecordVerb")
                };
                let length = i64::try_from(duration).unwrap_or(1);
                let recording_status = if status == "in-progress" {
                    "in-progress"
                } else {
                    "completed"
                };
                let mut e = Entity::new(
                    self.sid("recordings", "RE", ordinal),
                    self.key("recordings", ordinal),
                    at,
                    at + length + 2,
                )
                .with("call_sid", Fact::Str(call.id.clone()))
                .with("conference_sid", text_or_null(conference))
                .with("start_time", Fact::Time(at))
                .with("duration", Fact::Str(duration.to_string()))
                .with("channels", Fact::Int(if rng.percent(30) { 2 } else { 1 }))
                .with("price", Fact::Str(price(duration.div_ceil(60), 2_500)))
                .with("price_unit", Fact::Static("USD"))
                .with("status", Fact::Static(recording_status))
                .with("source", Fact::Static(source))
                .with(
                    "track",
                    Fact::Static(
                        rng.pick(&["both", "inbound", "outbound"])
                            .copied()
                            .unwrap_or("both"),
                    ),
                )
                .with("error_code", Fact::Null);
                e.scope = vec![("CallSid", call.id.clone())];
                entities.push(e);
                at += length + 5;
            }
        }
        self.add_family("recordings", entities);
    }

    fn transcriptions(&mut self) {
        let recordings = self.family("recordings");
        let mut entities = Vec::new();
        for recording in recordings {
            let mut rng = Rng::new(&[self.seed, name_tag("transcriptions"), recording.key]);
            if recording.text("status") != Some("completed") || !rng.percent(40) {
                continue;
            }
            let ordinal = u64_of(entities.len());
            let duration = recording.text("duration").unwrap_or("1").to_owned();
            let failed = rng.percent(10);
            let text = if failed {
                Fact::Null
            } else {
                rng.pick(&TRANSCRIPTS)
                    .map_or(Fact::Null, |t| Fact::Static(t))
            };
            let minutes = duration.parse::<u64>().unwrap_or(1).div_ceil(60);
            let mut e = Entity::new(
                self.sid("transcriptions", "TR", ordinal),
                self.key("transcriptions", ordinal),
                recording.updated + 5,
                recording.updated + 40,
            )
            .with("recording_sid", Fact::Str(recording.id.clone()))
            .with("duration", Fact::Str(duration))
            .with(
                "status",
                Fact::Static(if failed { "failed" } else { "completed" }),
            )
            .with("transcription_text", text)
            .with("price", Fact::Str(price(minutes, 50_000)))
            .with("price_unit", Fact::Static("USD"))
            .with("type", Fact::Static("fast"));
            e.scope = vec![("RecordingSid", recording.id.clone())];
            entities.push(e);
        }
        self.add_family("transcriptions", entities);
    }

    fn notifications(&mut self) {
        let calls = self.family("calls");
        let mut entities = Vec::new();
        for call in calls {
            let mut rng = Rng::new(&[self.seed, name_tag("notifications"), call.key]);
            let failed = matches!(call.text("status"), Some("failed" | "busy" | "no-answer"));
            let count = if failed || rng.percent(30) {
                rng.range(1, 2)
            } else {
                0
            };
            for k in 0..count {
                let ordinal = u64_of(entities.len());
                let (code, log, message) = rng.pick(&NOTIFICATIONS).copied().unwrap_or((
                    "11200",
                    "0",
                    "HTTP retrieval failure",
                ));
                let at = call.created + 3 + i64::try_from(k).unwrap_or(0) * 7;
                let level = if log == "0" { "ERROR" } else { "WARN" };
                let url = "https://example.com/twiml/voice";
                let text = format!(
                    "LogLevel={level}&ErrorCode={code}&Msg={}&url={}",
                    message.replace(' ', "+"),
                    url.replace(':', "%3A").replace('/', "%2F")
                );
                let mut e = Entity::new(
                    self.sid("notifications", "NO", ordinal),
                    self.key("notifications", ordinal),
                    at,
                    at + 1,
                )
                .with("call_sid", Fact::Str(call.id.clone()))
                .with("error_code", Fact::Static(code))
                .with("log", Fact::Static(log))
                .with("message_date", Fact::Time(at - 1))
                .with("message_text", Fact::Str(text))
                .with(
                    "more_info",
                    Fact::Str(format!("https://www.twilio.com/docs/errors/{code}")),
                )
                .with("request_method", Fact::Static("POST"))
                .with("request_url", Fact::Static(url));
                e.scope = vec![("CallSid", call.id.clone())];
                entities.push(e);
            }
        }
        self.add_family("notifications", entities);
    }

    fn messages_and_media(&mut self) {
        let ours: Vec<String> = self
            .family("incoming_numbers")
            .iter()
            .filter_map(|n| n.text("phone_number").map(str::to_owned))
            .collect();
        let service = self.sid("messaging_services", "MG", 0);
        let mut messages = Vec::new();
        let mut media = Vec::new();
        for i in 0..self.messages {
            let mut rng = self.rng("messages", i);
            let inbound = rng.percent(30);
            let our = rng
                .pick(&ours)
                .cloned()
                .unwrap_or_else(|| "+14155550100".to_owned());
            let other = us_number(&mut rng);
            let (from, to) = if inbound { (other, our) } else { (our, other) };
            let status = if inbound {
                "received"
            } else {
                weighted(
                    &mut rng,
                    &[
                        ("delivered", 60),
                        ("sent", 15),
                        ("failed", 5),
                        ("undelivered", 5),
                        ("queued", 5),
                        ("sending", 5),
                        ("scheduled", 5),
                    ],
                )
            };
            let media_count = if rng.percent(25) { rng.range(1, 3) } else { 0 };
            let body = rng.pick(&MESSAGE_BODIES).copied().unwrap_or("Hello");
            let created = EPOCH_BASE + i64::try_from(rng.below(START_SPREAD_SECS)).unwrap_or(0);
            let sent = match status {
                "queued" | "sending" | "scheduled" => None,
                _ => Some(created + i64::try_from(rng.range(1, 5)).unwrap_or(1)),
            };
            let updated = sent.map_or(created, |s| s + i64::try_from(rng.below(60)).unwrap_or(0));
            let segments = body.chars().count().div_ceil(160).max(1);
            let priced = matches!(status, "delivered" | "sent" | "received" | "undelivered");
            let (error_code, error_message) = match status {
                "failed" => (Fact::Int(30008), Fact::Static("Unknown error")),
                "undelivered" => (
                    Fact::Int(30003),
                    Fact::Static("Unreachable destination handset"),
                ),
                _ => (Fact::Null, Fact::Null),
            };
            let prefix = if media_count > 0 { "MM" } else { "SM" };
            let sid = self.sid("messages", prefix, i);
            messages.push(
                Entity::new(sid.clone(), self.key("messages", i), created, updated)
                    .with("from", Fact::Str(from))
                    .with("to", Fact::Str(to))
                    .with("body", Fact::Static(body))
                    .with("status", Fact::Static(status))
                    .with(
                        "direction",
                        Fact::Static(if inbound { "inbound" } else { "outbound-api" }),
                    )
                    .with("date_sent", time_or_null(sent))
                    .with("num_media", Fact::Str(media_count.to_string()))
                    .with("num_segments", Fact::Str(segments.to_string()))
                    .with(
                        "price",
                        text_or_null(priced.then(|| price(u64_of(segments), 7_900))),
                    )
                    .with("price_unit", Fact::Static("USD"))
                    .with(
                        "messaging_service_sid",
                        if !inbound && rng.percent(50) {
                            Fact::Str(service.clone())
                        } else {
                            Fact::Null
                        },
                    )
                    .with("error_code", error_code)
                    .with("error_message", error_message),
            );
            for _ in 0..media_count {
                let ordinal = u64_of(media.len());
                let content = rng.pick(&MEDIA_TYPES).copied().unwrap_or("image/jpeg");
                let mut e = Entity::new(
                    self.sid("media", "ME", ordinal),
                    self.key("media", ordinal),
                    created,
                    created + 1,
                )
                .with("parent_sid", Fact::Str(sid.clone()))
                .with("content_type", Fact::Static(content));
                e.scope = vec![("MessageSid", sid.clone())];
                media.push(e);
            }
        }
        self.add_family("messages", messages);
        self.add_family("media", media);
    }

    fn keys(&mut self) {
        let names = ["Sandbox API key", "CI deploy key", "Analytics export"];
        let main = self.data.credentials.api_key_sid.clone();
        let entities = (0u64..)
            .zip(names)
            .map(|(i, name)| {
                let id = if i == 0 {
                    main.clone()
                } else {
                    self.sid("keys", "SK", i)
                };
                let created = ACCOUNT_CREATED + i64::try_from(i).unwrap_or(0) * 30 * 86_400;
                Entity::new(id, self.key("keys", i), created, created)
                    .with("friendly_name", Fact::Static(name))
            })
            .collect();
        self.add_family("keys", entities);
    }

    fn authorized_connect_apps(&mut self) {
        let apps: Vec<Entity> = self
            .rows_of("ListConnectApp")
            .into_iter()
            .cloned()
            .collect();
        let entities = apps
            .iter()
            .take(2)
            .zip(0u64..)
            .map(|(app, i)| {
                let name = app
                    .text("friendly_name")
                    .unwrap_or("Connect app")
                    .to_owned();
                Entity::new(
                    app.id.clone(),
                    self.key("authorized_connect_apps", i),
                    app.created,
                    app.updated,
                )
                .with("connect_app_sid", Fact::Str(app.id.clone()))
                .with("connect_app_friendly_name", Fact::Str(name))
                .with(
                    "connect_app_company_name",
                    Fact::Static("Sandbox Apps Inc."),
                )
                .with(
                    "permissions",
                    Fact::Json(if i == 0 {
                        json!(["get-all"])
                    } else {
                        json!(["get-all", "post-all"])
                    }),
                )
            })
            .collect();
        self.add_family("authorized_connect_apps", entities);
    }

    fn sip_mappings(&mut self) {
        let domains: Vec<String> = self
            .rows_of("ListSipDomain")
            .iter()
            .map(|e| e.id.clone())
            .collect();
        for (family, target) in [
            ("domain_credential_lists", "ListSipCredentialList"),
            (
                "domain_ip_access_control_lists",
                "ListSipIpAccessControlList",
            ),
            (
                "domain_auth_calls_credential_lists",
                "ListSipCredentialList",
            ),
            (
                "domain_auth_calls_ip_access_control_lists",
                "ListSipIpAccessControlList",
            ),
            (
                "domain_auth_registrations_credential_lists",
                "ListSipCredentialList",
            ),
        ] {
            let targets: Vec<Entity> = self.rows_of(target).into_iter().cloned().collect();
            let mut entities = Vec::new();
            for domain in &domains {
                let mut rng = Rng::new(&[self.seed, name_tag(family), name_tag(domain)]);
                let count = usize::try_from(rng.range(1, 2))
                    .unwrap_or(1)
                    .min(targets.len());
                let start = usize::try_from(rng.below(u64_of(targets.len().max(1)))).unwrap_or(0);
                for k in 0..count {
                    let Some(t) = targets.get((start + k) % targets.len().max(1)) else {
                        continue;
                    };
                    let ordinal = u64_of(entities.len());
                    let mut e = Entity::new(
                        t.id.clone(),
                        self.key(family, ordinal),
                        t.created,
                        t.updated,
                    )
                    .with("domain_sid", Fact::Str(domain.clone()));
                    if let Some(name) = t.text("friendly_name") {
                        e.set("friendly_name", Fact::Str(name.to_owned()));
                    }
                    e.scope = vec![("DomainSid", domain.clone())];
                    entities.push(e);
                }
            }
            self.add_family(family, entities);
        }
    }

    fn usage_records(&mut self) {
        let account = self.world.account_sid.clone();
        let counts: HashMap<&str, u64> = [
            ("calls", u64_of(self.family("calls").len())),
            (
                "sms",
                u64_of(
                    self.family("messages")
                        .iter()
                        .filter(|m| m.id.starts_with("SM"))
                        .count(),
                ),
            ),
            (
                "mms",
                u64_of(
                    self.family("messages")
                        .iter()
                        .filter(|m| m.id.starts_with("MM"))
                        .count(),
                ),
            ),
            ("recordings", u64_of(self.family("recordings").len())),
            (
                "transcriptions",
                u64_of(self.family("transcriptions").len()),
            ),
            (
                "phonenumbers",
                u64_of(self.family("incoming_numbers").len()),
            ),
        ]
        .into_iter()
        .collect();
        let today = NOW.div_euclid(86_400) * 86_400;
        let (year, month, _) = crate::store::date::civil_from_days(today / 86_400);
        let month_start = |y: i64, m: u32| crate::store::date::days_from_civil(y, m, 1) * 86_400;
        let this_month = month_start(year, month);
        let (ly, lm) = if month == 1 {
            (year - 1, 12)
        } else {
            (year, month - 1)
        };
        let last_month = month_start(ly, lm);
        let year_start = month_start(year, 1);
        let mut entities = Vec::new();
        for window in USAGE_WINDOWS {
            // (start, end) of each record of the window, per category.
            let periods: Vec<(i64, i64)> = match window {
                "" | "AllTime" => vec![(ACCOUNT_CREATED, today)],
                "Daily" => (0..3)
                    .rev()
                    .map(|d| (today - d * 86_400, today - d * 86_400))
                    .collect(),
                "LastMonth" => vec![(last_month, this_month - 86_400)],
                "Monthly" => vec![(last_month, this_month - 86_400), (this_month, today)],
                "ThisMonth" => vec![(this_month, today)],
                "Today" => vec![(today, today)],
                "Yearly" => vec![(year_start, today)],
                _ => vec![(today - 86_400, today - 86_400)],
            };
            let path = if window.is_empty() {
                String::new()
            } else {
                format!("/{window}")
            };
            for (category, description, unit) in USAGE_CATEGORIES {
                for &(start, end) in &periods {
                    let ordinal = u64_of(entities.len());
                    let mut rng = self.rng("usage_records", ordinal);
                    let all_time = matches!(window, "" | "AllTime");
                    let count = match counts.get(category) {
                        Some(n) if all_time => *n,
                        _ => rng.below(if all_time { 5_000 } else { 200 }),
                    };
                    let usage = if unit == "minutes" {
                        count.saturating_mul(rng.range(1, 4))
                    } else {
                        count
                    };
                    let price_cents = usage.saturating_mul(rng.range(1, 9));
                    let amount = format!("{}.{:02}", price_cents / 100, price_cents % 100);
                    let (s, e) = (
                        crate::store::date::iso_date(start),
                        crate::store::date::iso_date(end),
                    );
                    let base = format!("/2010-04-01/Accounts/{account}/Usage/Records");
                    let sub: serde_json::Map<String, Value> = [
                        ("all_time", "AllTime"),
                        ("daily", "Daily"),
                        ("last_month", "LastMonth"),
                        ("monthly", "Monthly"),
                        ("this_month", "ThisMonth"),
                        ("today", "Today"),
                        ("yearly", "Yearly"),
                        ("yesterday", "Yesterday"),
                    ]
                    .into_iter()
                    .map(|(k, seg)| {
                        (
                            k.to_owned(),
                            Value::String(format!("{base}/{seg}.json?Category={category}")),
                        )
                    })
                    .collect();
                    entities.push(
                        Entity::new(
                            category.to_owned(),
                            self.key("usage_records", ordinal),
                            start,
                            end,
                        )
                        .with("window", Fact::Static(window))
                        .with("category", Fact::Static(category))
                        .with("description", Fact::Static(description))
                        .with("start_date", Fact::Time(start))
                        .with("end_date", Fact::Time(end))
                        .with("as_of", Fact::Time(NOW))
                        .with("count", Fact::Str(count.to_string()))
                        .with(
                            "count_unit",
                            Fact::Static(if unit == "usd" { "" } else { unit }),
                        )
                        .with(
                            "usage",
                            Fact::Str(if unit == "usd" {
                                amount.clone()
                            } else {
                                usage.to_string()
                            }),
                        )
                        .with("usage_unit", Fact::Static(unit))
                        .with("price", Fact::Str(amount))
                        .with("price_unit", Fact::Static("usd"))
                        .with(
                            "uri",
                            Fact::Str(format!(
                                "{base}{path}.json?Category={category}&StartDate={s}&EndDate={e}"
                            )),
                        )
                        .with("subresource_uris", Fact::Json(Value::Object(sub))),
                    );
                }
            }
        }
        self.add_family("usage_records", entities);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        let data = Dataset::new(42, 120, &[]);
        World::build(42, &data, 130)
    }

    #[test]
    fn every_list_but_the_events_has_a_collection() {
        let w = world();
        for route in routes::all().iter().filter(|r| r.kind == Kind::List) {
            if route.id == EVENTS_LIST {
                assert!(w.collection(route.id).is_none());
                continue;
            }
            let c = w
                .collection(route.id)
                .unwrap_or_else(|| panic!("{}", route.id));
            assert!(!c.members.is_empty(), "{} has no rows", route.id);
        }
        for (list, ..) in VIEWS {
            assert!(routes::by_id(list).is_some(), "{list} is not in the spec");
        }
    }

    #[test]
    fn coherence() {
        let w = world();
        let calls = w.collection("ListCall").unwrap();
        assert_eq!(calls.members.len(), 120);
        let recordings = w.collection("ListRecording").unwrap();
        assert!(
            recordings.members.len() > 100,
            "{}",
            recordings.members.len()
        );
        let by_call = w.collection("ListCallRecording").unwrap();
        for &r in &recordings.members {
            let rec = w.entity(recordings, r).unwrap();
            let call = rec.text("call_sid").unwrap();
            assert!(calls.by_id.contains_key(call));
            assert!(w.find(by_call, Some(call), &rec.id).is_some());
        }
        let messages = w.collection("ListMessage").unwrap();
        let media = w.collection("ListMedia").unwrap();
        for &m in &messages.members {
            let message = w.entity(messages, m).unwrap();
            let n: usize = message.text("num_media").unwrap().parse().unwrap();
            assert_eq!(w.rows(media, Some(&message.id)).len(), n);
            assert_eq!(message.id.starts_with("MM"), n > 0);
        }
        assert!(
            w.is_subaccount(
                &w.entity(w.collection("ListAccount").unwrap(), 1)
                    .unwrap()
                    .id
            )
        );
        assert!(!w.is_subaccount(&w.account_sid));
    }

    #[test]
    fn labels() {
        assert_eq!(label(routes::by_id("ListQueue").unwrap()), "Queue");
        assert_eq!(
            label(routes::by_id("ListSipCredentialList").unwrap()),
            "Credential list"
        );
        assert_eq!(label(routes::by_id("ListAddress").unwrap()), "Address");
        assert_eq!(
            label(routes::by_id("ListSipIpAddress").unwrap()),
            "Ip address"
        );
    }

    #[test]
    fn prices() {
        assert_eq!(price(1, 14_000), "-0.01400");
        assert_eq!(price(3, 2_500), "-0.00750");
        assert_eq!(price(100, 50_000), "-5.00000");
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::Entity;

    /// A bare entity, for the tests of other modules.
    pub(crate) fn entity(id: &str) -> Entity {
        Entity::new(id.to_owned(), 1, 0, 0)
    }
}
