//! Values the sandbox serves for the path parameters of any route: what a client (the CLI's
//! `--sandbox`) needs to default every path flag to "the sandbox's first resource of that
//! kind" and still get rows back.

use std::fmt;

use crate::store::routes::{Kind, Route, RouteSpec};
use crate::store::world::{EVENT_COUNT, EVENTS_LIST, Fact, World};
use crate::store::written::Written;
use crate::store::{Resolved, list_rows, resolve};

/// The path parameters of one route, each with a value: those given, and for the others
/// the first resource the sandbox serves there (see [`Sandbox::path_values`]).
///
/// [`Sandbox::path_values`]: crate::Sandbox::path_values
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathValues {
    route: Route,
    values: Vec<(&'static str, String)>,
}

impl PathValues {
    /// The route.
    pub fn route(&self) -> Route {
        self.route
    }

    /// The value of path parameter `name` (`AccountSid`, `CallSid`, `Sid`…).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every parameter and its value, in path order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'static str, &str)> {
        self.values.iter().map(|(n, v)| (*n, v.as_str()))
    }

    /// The route's path with these values, e.g.
    /// `/2010-04-01/Accounts/AC…/Calls/CA…/Recordings.json` (no query, no base URL).
    pub fn path(&self) -> String {
        self.route
            .path(self.values.iter().map(|(n, v)| (*n, v.as_str())))
    }
}

/// Why [`Sandbox::path_values`] found no values.
///
/// [`Sandbox::path_values`]: crate::Sandbox::path_values
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathValuesError {
    /// No route has this path template or operation id.
    #[error(
        "the sandbox has no GET route {route:?}: give a path template such as \
         /2010-04-01/Accounts/{{AccountSid}}/Calls.json or an operation id such as ListCall"
    )]
    UnknownRoute {
        /// What was asked for.
        route: String,
    },
    /// A given parameter is not one of the route's.
    #[error("{route} has no path parameter {param:?} (its parameters: {expected})")]
    UnknownParameter {
        /// The route.
        route: Route,
        /// The name given.
        param: String,
        /// The route's parameters, comma-separated.
        expected: String,
    },
    /// Under the values given, the sandbox serves nothing to default `param` to (a call
    /// without recordings, a SID the sandbox does not know).
    #[error("the sandbox serves no {param} for {route} under {given}")]
    NothingServed {
        /// The route.
        route: Route,
        /// The first parameter that could not be defaulted.
        param: &'static str,
        /// The values given, as `Name=value` pairs.
        given: Given,
    },
}

/// The values given to [`Sandbox::path_values`], for its error message.
///
/// [`Sandbox::path_values`]: crate::Sandbox::path_values
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given(Vec<(String, String)>);

impl fmt::Display for Given {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no given values");
        }
        for (i, (name, value)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}={value}")?;
        }
        Ok(())
    }
}

/// Fills the parameters of `route` not in `given`: depth first, in path order, each with
/// the first row of its list under the values before it such that the whole path names
/// something (for a list: a non-empty list).
pub(crate) fn path_values(
    world: &World,
    written: Option<&Written>,
    route: &str,
    given: &[(&str, &str)],
) -> Result<PathValues, PathValuesError> {
    let found = Route::find(route).ok_or_else(|| PathValuesError::UnknownRoute {
        route: route.to_owned(),
    })?;
    let spec = found.spec();
    let mut values: Vec<Option<String>> = vec![None; spec.params.len()];
    for (name, value) in given {
        let Some(i) = spec.param_index(name) else {
            return Err(PathValuesError::UnknownParameter {
                route: found,
                param: (*name).to_owned(),
                expected: found.path_params().collect::<Vec<_>>().join(", "),
            });
        };
        if let Some(slot) = values.get_mut(i) {
            *slot = Some((*value).to_owned());
        }
    }
    let first_missing = spec
        .params
        .iter()
        .zip(&values)
        .find(|(_, v)| v.is_none())
        .map(|(p, _)| p.name);
    let Some(first_missing) = first_missing else {
        return Ok(complete(found, spec, values));
    };
    if search(world, written, spec, &mut values, 0) {
        return Ok(complete(found, spec, values));
    }
    // Nothing complete names a resource (a given value the sandbox does not know): each
    // missing parameter still gets the first row under the values before it, if any, so
    // that the request goes out and the server answers for the given values.
    for i in 0..values.len() {
        if values.get(i).is_some_and(Option::is_none) {
            let first = candidates(world, spec, &values, i).into_iter().next();
            let Some(first) = first else {
                let param = spec.params.get(i).map_or(first_missing, |p| p.name);
                return Err(PathValuesError::NothingServed {
                    route: found,
                    param,
                    given: Given(
                        given
                            .iter()
                            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                            .collect(),
                    ),
                });
            };
            if let Some(slot) = values.get_mut(i) {
                *slot = Some(first);
            }
        }
    }
    Ok(complete(found, spec, values))
}

/// The ids of the rows of parameter `i`'s list under the value of parameter `i - 1`.
fn candidates(world: &World, spec: &RouteSpec, values: &[Option<String>], i: usize) -> Vec<String> {
    let Some(param) = spec.params.get(i) else {
        return Vec::new();
    };
    if param.name == "AccountSid" {
        return vec![world.account_sid.clone()];
    }
    let parent = i
        .checked_sub(1)
        .and_then(|j| values.get(j))
        .and_then(|v| v.as_deref());
    param
        .collection
        .and_then(|c| world.collection(c))
        .map(|c| {
            world
                .rows(c, parent)
                .iter()
                .filter_map(|&r| world.entity(c, r).map(|e| e.id.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn complete(route: Route, spec: &RouteSpec, values: Vec<Option<String>>) -> PathValues {
    PathValues {
        route,
        values: spec
            .params
            .iter()
            .zip(values)
            .map(|(p, v)| (p.name, v.unwrap_or_default()))
            .collect(),
    }
}

fn search(
    world: &World,
    written: Option<&Written>,
    spec: &RouteSpec,
    values: &mut [Option<String>],
    i: usize,
) -> bool {
    if spec.params.get(i).is_none() {
        let flat: Vec<&str> = values.iter().map(|v| v.as_deref().unwrap_or("")).collect();
        return match resolve(world, written, spec, &flat) {
            // A call's events are not a family of the world: the call knows how many.
            Resolved::Found { last, .. } if spec.id == EVENTS_LIST => last
                .and_then(|(c, row)| world.entity(c, row))
                .is_some_and(|call| matches!(call.fact(EVENT_COUNT), Some(Fact::Int(n)) if *n > 0)),
            Resolved::Found { empty, .. } => {
                spec.kind == Kind::Fetch || !list_rows(world, spec, &flat, empty).is_empty()
            }
            _ => false,
        };
    };
    if values.get(i).is_some_and(Option::is_some) {
        return search(world, written, spec, values, i + 1);
    }
    let candidates = candidates(world, spec, values, i);
    for candidate in candidates {
        if let Some(slot) = values.get_mut(i) {
            *slot = Some(candidate);
        }
        if search(world, written, spec, values, i + 1) {
            return true;
        }
    }
    if let Some(slot) = values.get_mut(i) {
        *slot = None;
    }
    false
}
