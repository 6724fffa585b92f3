//! Every other product's resources (`generated/products.rs`, read by `crud/`) and the items
//! written to them: JSON objects shaped by the spec, kept per collection (a concrete path,
//! `/v2/Services/VA…/Verifications`) in creation order, bounded like the 2010-04-01 store.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::Value;

use crate::store::written::Full;

/// One resource of a product: a collection path and the operations on it and its items.
#[derive(Debug)]
pub(crate) struct Resource {
    /// The collection's path template, `/v2/Services/{ServiceSid}/Verifications`.
    pub(crate) list: &'static str,
    /// The operations it has: `c`reate, `f`etch, `l`ist, `u`pdate, `d`elete.
    pub(crate) ops: &'static str,
    /// The item member each path parameter of `list` sets (`""`: none).
    pub(crate) parents: &'static [&'static str],
    /// The path parameter naming an item (`""`: no operation on an item).
    pub(crate) item: &'static str,
    /// The member that names an item (`sid`, `identity`, `phone_number`).
    pub(crate) id_field: &'static str,
    /// The SID prefix of a new item's `sid` (`""`: it has none).
    pub(crate) prefix: &'static str,
    /// The `meta` key of its list (`""`: no list).
    pub(crate) key: &'static str,
    /// The create's success status.
    pub(crate) status: u16,
    /// The item's members, each after its default's kind: `i` 0, `b` false, `a` [], `-` null
    /// (separated by spaces).
    pub(crate) fields: &'static str,
    /// `(member of links, path segment)` of the collections under an item.
    pub(crate) links: &'static [(&'static str, &'static str)],
    /// The create's fields, `[!]Name:member:kind` (separated by spaces).
    pub(crate) create: &'static str,
    /// The update's fields, as `create`'s.
    pub(crate) update: &'static str,
}

impl Resource {
    /// Whether it has the operation `op` (`c`, `f`, `l`, `u`, `d`).
    pub(crate) fn has(&self, op: char) -> bool {
        self.ops.contains(op)
    }

    /// The item's members with their defaults.
    pub(crate) fn members(&self) -> impl Iterator<Item = (&'static str, Value)> {
        self.fields.split_ascii_whitespace().filter_map(|f| {
            let mut chars = f.chars();
            let kind = chars.next()?;
            let default = match kind {
                'i' => Value::from(0),
                'b' => Value::Bool(false),
                'a' => Value::Array(Vec::new()),
                _ => Value::Null,
            };
            Some((chars.as_str(), default))
        })
    }

    /// Whether the item has the member `name`.
    pub(crate) fn has_member(&self, name: &str) -> bool {
        self.fields
            .split_ascii_whitespace()
            .any(|f| f.get(1..) == Some(name))
    }
}

/// A form field of a create or an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyField {
    pub(crate) name: &'static str,
    /// The item member it sets, if any.
    pub(crate) member: Option<&'static str>,
    pub(crate) required: bool,
    pub(crate) kind: FieldKind,
}

/// A form field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldKind {
    Text,
    Integer,
    Bool,
    Many,
    Sid(&'static str),
}

impl BodyField {
    /// Reads `[!]Name:member:kind`.
    pub(crate) fn parse(spec: &'static str) -> Option<Self> {
        let (required, rest) = match spec.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, spec),
        };
        let mut parts = rest.splitn(3, ':');
        let name = parts.next()?;
        let member = parts.next().filter(|m| !m.is_empty());
        let kind = match parts.next()? {
            "i" => FieldKind::Integer,
            "b" => FieldKind::Bool,
            "m" => FieldKind::Many,
            other => match other.strip_prefix('s') {
                Some(prefix) if !prefix.is_empty() => FieldKind::Sid(prefix),
                _ => FieldKind::Text,
            },
        };
        Some(Self {
            name,
            member,
            required,
            kind,
        })
    }
}

/// The resources of the product on host label `label`.
pub(crate) fn product(label: &str) -> Option<&'static [Resource]> {
    crate::generated::products::PRODUCTS
        .iter()
        .find(|(known, _)| *known == label)
        .map(|(_, resources)| *resources)
}

/// Every host label the sandbox serves besides 2010-04-01's.
pub(crate) fn labels() -> impl ExactSizeIterator<Item = &'static str> {
    crate::generated::products::PRODUCTS.iter().map(|(l, _)| *l)
}

/// Where an item lives: its product and its collection's concrete path.
type Place = (&'static str, String);

/// The items written to every other product.
#[derive(Debug)]
pub(crate) struct Items {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Each collection's items, oldest first, with their ids.
    collections: BTreeMap<Place, Vec<(String, Value)>>,
    len: usize,
}

impl Items {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds an item to a collection.
    pub(crate) fn insert(
        &self,
        label: &'static str,
        collection: &str,
        id: String,
        item: Value,
    ) -> Result<(), Full> {
        let mut inner = self.lock();
        if inner.len >= self.capacity {
            return Err(Full {
                capacity: self.capacity,
            });
        }
        inner.len += 1;
        inner
            .collections
            .entry((label, collection.to_owned()))
            .or_default()
            .push((id, item));
        Ok(())
    }

    /// The item `id` of a collection.
    pub(crate) fn get(&self, label: &'static str, collection: &str, id: &str) -> Option<Value> {
        let inner = self.lock();
        inner
            .collections
            .get(&(label, collection.to_owned()))?
            .iter()
            .find(|(known, _)| known == id)
            .map(|(_, item)| item.clone())
    }

    /// Changes the item `id` of a collection with `change`; its new value.
    pub(crate) fn update(
        &self,
        label: &'static str,
        collection: &str,
        id: &str,
        change: impl FnOnce(&mut Value),
    ) -> Option<Value> {
        let mut inner = self.lock();
        let item = inner
            .collections
            .get_mut(&(label, collection.to_owned()))?
            .iter_mut()
            .find(|(known, _)| known == id)
            .map(|(_, item)| item)?;
        change(item);
        Some(item.clone())
    }

    /// Removes the item `id` of a collection; whether it was there.
    pub(crate) fn remove(&self, label: &'static str, collection: &str, id: &str) -> bool {
        let mut inner = self.lock();
        let key = (label, collection.to_owned());
        let Some(items) = inner.collections.get_mut(&key) else {
            return false;
        };
        let before = items.len();
        items.retain(|(known, _)| known != id);
        let removed = before - items.len();
        if items.is_empty() {
            inner.collections.remove(&key);
        }
        inner.len -= removed;
        removed > 0
    }

    /// A collection's items, newest first, those `keep` keeps.
    pub(crate) fn list(
        &self,
        label: &'static str,
        collection: &str,
        keep: impl Fn(&Value) -> bool,
    ) -> Vec<Value> {
        let inner = self.lock();
        inner
            .collections
            .get(&(label, collection.to_owned()))
            .map(|items| {
                items
                    .iter()
                    .rev()
                    .filter(|(_, item)| keep(item))
                    .map(|(_, item)| item.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_parse() {
        assert_eq!(
            BodyField::parse("!FriendlyName:friendly_name:t"),
            Some(BodyField {
                name: "FriendlyName",
                member: Some("friendly_name"),
                required: true,
                kind: FieldKind::Text,
            })
        );
        assert_eq!(
            BodyField::parse("ServiceSid::sVA").map(|f| (f.member, f.kind)),
            Some((None, FieldKind::Sid("VA")))
        );
    }

    #[test]
    fn the_store_is_bounded_and_lists_newest_first() {
        let items = Items::new(2);
        items
            .insert("verify", "/v2/Services", "a".into(), Value::from(1))
            .unwrap();
        items
            .insert("verify", "/v2/Services", "b".into(), Value::from(2))
            .unwrap();
        assert!(
            items
                .insert("verify", "/v2/Services", "c".into(), Value::from(3))
                .is_err()
        );
        assert_eq!(
            items.list("verify", "/v2/Services", |_| true),
            [Value::from(2), Value::from(1)]
        );
        assert!(items.remove("verify", "/v2/Services", "a"));
        assert!(!items.remove("verify", "/v2/Services", "a"));
        assert_eq!(items.get("verify", "/v2/Services", "a"), None);
        items
            .insert("verify", "/v2/Services", "c".into(), Value::from(3))
            .unwrap();
    }
}
