//! The store: what the sandbox serves. The seeded data (a world derived from the seed:
//! `data.rs` for the calls and their events, `world.rs` for every other list), the route
//! table generated from the spec (`routes.rs`), how a path's parameters resolve to rows, how
//! rows render (`render.rs`), filter (`filter.rs`) and page (`page.rs`), and the items
//! written through the API (`written.rs`), which join the seeded ones.

pub(crate) mod call_events;
pub(crate) mod data;
pub(crate) mod date;
pub(crate) mod filter;
pub(crate) mod page;
pub(crate) mod path_values;
pub(crate) mod products;
pub(crate) mod render;
pub(crate) mod rng;
pub(crate) mod routes;
pub(crate) mod world;
pub(crate) mod writes;
pub(crate) mod written;

use render::Templates;
use routes::RouteSpec;
use world::{Collection, World, parent_param};
use written::{Stored, Written};

/// Everything the route table's answers are made from.
#[derive(Debug)]
pub(crate) struct Site {
    pub(crate) world: World,
    pub(crate) templates: Templates,
    /// `http://127.0.0.1:PORT`, for the `Location` of redirects.
    pub(crate) base_url: String,
}

/// What a request's path parameters name.
#[derive(Debug)]
pub(crate) enum Resolved<'a> {
    Found {
        /// The account of the path (the sandbox's, or one of its subaccounts).
        account: &'a str,
        /// A subaccount: it owns no resources (empty lists).
        empty: bool,
        /// The row the last parameter names, with its list.
        last: Option<(&'a Collection, u32)>,
        /// The written item the last parameter names (a created item, or a changed row),
        /// which is served instead of `last`.
        stored: Option<Stored>,
    },
    NotFound,
    /// Another account than the sandbox's and its subaccounts.
    Unauthorized,
}

/// Checks the path parameters of `route` in order: SID shape, then existence under the
/// parameter before, in the seeded data or among the `written` items.
pub(crate) fn resolve<'a>(
    world: &'a World,
    written: Option<&Written>,
    route: &RouteSpec,
    values: &[&str],
) -> Resolved<'a> {
    let mut account = world.account_sid.as_str();
    let mut empty = false;
    let mut last = None;
    let mut stored = None;
    for (i, (param, value)) in route.params.iter().zip(values).enumerate() {
        if !param.prefixes.is_empty() && !routes::is_sid(value, param.prefixes) {
            return Resolved::NotFound;
        }
        if param.name == "AccountSid" {
            if *value == world.account_sid {
                continue;
            }
            let Some(sub) = world
                .collection("ListAccount")
                .and_then(|c| world.find(c, None, value).and_then(|i| world.entity(c, i)))
                .filter(|_| world.is_subaccount(value))
            else {
                return Resolved::Unauthorized;
            };
            account = sub.id.as_str();
            empty = true;
            continue;
        }
        if empty {
            return Resolved::NotFound;
        }
        let Some(collection) = param.collection.and_then(|c| world.collection(c)) else {
            return Resolved::NotFound;
        };
        let parent = i.checked_sub(1).and_then(|j| values.get(j)).copied();
        if let Some(written) = written {
            let list = collection.route.id;
            if let Some(item) = written.get(list, value).filter(|s| {
                s.account == account && s.parent.as_deref().is_none_or(|p| Some(p) == parent)
            }) {
                last = None;
                stored = Some(item);
                continue;
            }
            if written.is_removed(list, value) {
                return Resolved::NotFound;
            }
        }
        stored = None;
        let front = route.id == "FetchMember" && i + 1 == route.params.len() && *value == "Front";
        let found = if front {
            world.rows(collection, parent).first().copied()
        } else {
            world.find(collection, parent, value)
        };
        match found {
            Some(row) => last = Some((collection, row)),
            None => return Resolved::NotFound,
        }
    }
    Resolved::Found {
        account,
        empty,
        last,
        stored,
    }
}

/// The rows of a list route under resolved path values (before filters).
pub(crate) fn list_rows<'a>(
    world: &'a World,
    route: &RouteSpec,
    values: &[&str],
    empty: bool,
) -> &'a [u32] {
    let Some(collection) = route.collection.and_then(|c| world.collection(c)) else {
        return &[];
    };
    if empty {
        return &[];
    }
    let parent = parent_param(route)
        .and_then(|p| route.param_index(p.name))
        .and_then(|i| values.get(i))
        .copied();
    world.rows(collection, parent)
}
