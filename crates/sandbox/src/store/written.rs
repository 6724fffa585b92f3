//! The one store of written items, of every product, keyed by host label (`api` for the
//! 2010-04-01 API, `verify`, `messaging`…), then by collection, then by id; bounded as a
//! whole ([`Written::capacity`]: created and changed items of every product together; past it
//! a create is refused, and the caller answers Twilio's 429, 20429, saying the store is full).
//!
//! The 2010-04-01 API's items ([`Stored`], by list: `ListQueue`) join the seeded data: a
//! created item is listed (before the seeded rows: newest first) and fetched, and the lists
//! under it exist (empty until written to); a changed seeded row is served changed; a removed
//! one is gone from its list and answered 404. They are [`Entity`]s like the seeded ones, so
//! they render through the same templates (`uri`, `subresource_uris`, dates, SIDs as the
//! seeded data has them) and filter the same way.
//!
//! Every other product's items are JSON objects shaped by its spec (`crud/`), by collection
//! (a concrete path, `/v2/Services/VA…/Verifications`), listed newest first.
//!
//! Names derive from the seed and a counter, so the same seed and the same writes give the
//! same SIDs.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

use serde_json::Value;

use crate::store::rng::{hash, sid};
use crate::store::world::Entity;

/// How many items the store holds by default (created and changed, of every product).
pub const DEFAULT_WRITTEN_ITEMS: usize = 10_000;

/// The host label of the 2010-04-01 API.
const API: &str = "api";

/// One written item of the 2010-04-01 API.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    /// The value of the list's parent path parameter (`CallSid` for a call's recordings).
    pub(crate) parent: Option<String>,
    /// The account it belongs to.
    pub(crate) account: String,
    pub(crate) entity: Entity,
    /// A changed seeded row (rather than an item created through the API).
    pub(crate) seeded: bool,
}

/// What the store changes in one list under one parent.
#[derive(Debug, Default)]
pub(crate) struct Overlay {
    /// Created items, newest first.
    pub(crate) created: Vec<Entity>,
    /// Changed seeded rows, by id.
    pub(crate) changed: BTreeMap<String, Entity>,
    /// Removed seeded rows' ids.
    pub(crate) removed: HashSet<String>,
}

/// The store is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full {
    pub(crate) capacity: usize,
}

impl Full {
    /// Twilio's 429 (20429) saying so, for any product's write.
    pub(crate) fn response(self) -> http::Response<crate::server::body::SandboxBody> {
        crate::reply::error_response(
            http::StatusCode::TOO_MANY_REQUESTS,
            20429,
            &format!(
                "The sandbox's store of written items is full ({} items, of every product): \
                 remove some, or start it with a larger store",
                self.capacity
            ),
        )
    }
}

/// An item: a 2010-04-01 one, or another product's JSON object.
#[derive(Debug, Clone)]
enum Item {
    Api(Stored),
    Json(Value),
}

#[derive(Debug)]
struct Entry {
    /// When it was first written, in creation order.
    seq: u64,
    item: Item,
}

/// One collection's items, by id.
type Collection = BTreeMap<String, Entry>;

#[derive(Debug, Default)]
struct Inner {
    /// By host label, then collection, then id.
    items: BTreeMap<&'static str, BTreeMap<String, Collection>>,
    /// How many items `items` holds.
    len: usize,
    /// Removed seeded rows of the 2010-04-01 API, by (list, id).
    removed: HashSet<(&'static str, String)>,
    /// How many names were made: the next one derives from it.
    made: u64,
    seq: u64,
}

impl Inner {
    fn collection(&self, label: &str, collection: &str) -> Option<&Collection> {
        self.items.get(label)?.get(collection)
    }

    fn entry_mut(&mut self, label: &str, collection: &str, id: &str) -> Option<&mut Entry> {
        self.items.get_mut(label)?.get_mut(collection)?.get_mut(id)
    }

    /// Stores an item, new or replacing the one of the same place and id (which needs no
    /// room, and keeps its place in creation order).
    fn put(
        &mut self,
        capacity: usize,
        label: &'static str,
        collection: &str,
        id: String,
        item: Item,
    ) -> Result<(), Full> {
        if let Some(entry) = self.entry_mut(label, collection, &id) {
            entry.item = item;
            return Ok(());
        }
        if self.len >= capacity {
            return Err(Full { capacity });
        }
        self.seq += 1;
        let seq = self.seq;
        self.len += 1;
        self.items
            .entry(label)
            .or_default()
            .entry(collection.to_owned())
            .or_default()
            .insert(id, Entry { seq, item });
        Ok(())
    }

    /// Removes an item; what it was.
    fn take(&mut self, label: &str, collection: &str, id: &str) -> Option<Item> {
        let collections = self.items.get_mut(label)?;
        let items = collections.get_mut(collection)?;
        let entry = items.remove(id)?;
        if items.is_empty() {
            collections.remove(collection);
        }
        self.len -= 1;
        Some(entry.item)
    }

    /// A collection's items, newest first.
    fn newest_first(&self, label: &str, collection: &str) -> Vec<&Entry> {
        let mut entries: Vec<&Entry> = self
            .collection(label, collection)
            .map(|items| items.values().collect())
            .unwrap_or_default();
        entries.sort_by_key(|e| std::cmp::Reverse(e.seq));
        entries
    }
}

/// The store of written items.
#[derive(Debug)]
pub(crate) struct Written {
    key: u64,
    capacity: usize,
    inner: Mutex<Inner>,
}

impl Written {
    pub(crate) fn new(seed: u64, capacity: usize) -> Self {
        Self {
            key: hash(&[seed, 0x57_0E_D0]),
            capacity,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The most items it holds, of every product together.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many items it holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len
    }

    /// A new name with `prefix` and the key its varied values derive from: the same for the
    /// same seed and the same sequence of creates.
    pub(crate) fn name(&self, prefix: &str) -> (String, u64) {
        let mut inner = self.lock();
        inner.made += 1;
        let n = inner.made;
        let key = hash(&[self.key, n]);
        (sid(prefix, hash(&[key, 1]), hash(&[key, 2])), key)
    }

    // The 2010-04-01 API's items, by list (`ListQueue`).

    /// The item `id` of `collection`, if written (and not removed).
    pub(crate) fn get(&self, collection: &'static str, id: &str) -> Option<Stored> {
        match &self.lock().collection(API, collection)?.get(id)?.item {
            Item::Api(stored) => Some(stored.clone()),
            Item::Json(_) => None,
        }
    }

    /// Whether the seeded row `id` of `collection` was removed.
    pub(crate) fn is_removed(&self, collection: &'static str, id: &str) -> bool {
        self.lock().removed.contains(&(collection, id.to_owned()))
    }

    /// Stores an item (new, or replacing the one of the same collection and id).
    pub(crate) fn put(
        &self,
        collection: &'static str,
        parent: Option<String>,
        account: String,
        entity: Entity,
        seeded: bool,
    ) -> Result<(), Full> {
        let id = entity.id.clone();
        let stored = Stored {
            parent,
            account,
            entity,
            seeded,
        };
        self.lock()
            .put(self.capacity, API, collection, id, Item::Api(stored))
    }

    /// Changes the item `id` of `collection` in place; `false` if it is not stored.
    pub(crate) fn update(
        &self,
        collection: &'static str,
        id: &str,
        change: impl FnOnce(&mut Entity),
    ) -> bool {
        let mut inner = self.lock();
        match inner.entry_mut(API, collection, id).map(|e| &mut e.item) {
            Some(Item::Api(stored)) => {
                change(&mut stored.entity);
                true
            }
            _ => false,
        }
    }

    /// Removes the item `id` of `collection`: a written one from the store, a seeded one
    /// (`seeded_row`) by remembering it is gone.
    pub(crate) fn remove(&self, collection: &'static str, id: &str, seeded_row: bool) {
        let mut inner = self.lock();
        let removed = inner.take(API, collection, id);
        let was_seeded = matches!(removed, Some(Item::Api(Stored { seeded: true, .. })));
        if seeded_row || was_seeded {
            inner.removed.insert((collection, id.to_owned()));
        }
    }

    /// What the store changes in `collection` under `parent`, for `account`.
    pub(crate) fn overlay(&self, collection: &str, parent: Option<&str>, account: &str) -> Overlay {
        let inner = self.lock();
        let mut overlay = Overlay::default();
        for entry in inner.newest_first(API, collection) {
            let Item::Api(stored) = &entry.item else {
                continue;
            };
            if stored.account != account {
                continue;
            }
            if stored.seeded {
                overlay
                    .changed
                    .insert(stored.entity.id.clone(), stored.entity.clone());
            } else if stored.parent.as_deref() == parent {
                overlay.created.push(stored.entity.clone());
            }
        }
        overlay.removed = inner
            .removed
            .iter()
            .filter(|(c, _)| *c == collection)
            .map(|(_, id)| id.clone())
            .collect();
        overlay
    }

    // Every other product's items, by host label and collection path.

    /// Adds an item to a collection of the product on `label` (replacing one of the same id).
    pub(crate) fn insert_json(
        &self,
        label: &'static str,
        collection: &str,
        id: String,
        item: Value,
    ) -> Result<(), Full> {
        self.lock()
            .put(self.capacity, label, collection, id, Item::Json(item))
    }

    /// The item `id` of a collection.
    pub(crate) fn get_json(&self, label: &str, collection: &str, id: &str) -> Option<Value> {
        match &self.lock().collection(label, collection)?.get(id)?.item {
            Item::Json(value) => Some(value.clone()),
            Item::Api(_) => None,
        }
    }

    /// Changes the item `id` of a collection with `change`; its new value.
    pub(crate) fn update_json(
        &self,
        label: &str,
        collection: &str,
        id: &str,
        change: impl FnOnce(&mut Value),
    ) -> Option<Value> {
        let mut inner = self.lock();
        match &mut inner.entry_mut(label, collection, id)?.item {
            Item::Json(value) => {
                change(value);
                Some(value.clone())
            }
            Item::Api(_) => None,
        }
    }

    /// Removes the item `id` of a collection; whether it was there.
    pub(crate) fn remove_json(&self, label: &str, collection: &str, id: &str) -> bool {
        self.lock().take(label, collection, id).is_some()
    }

    /// A collection's items, newest first, those `keep` keeps.
    pub(crate) fn list_json(
        &self,
        label: &str,
        collection: &str,
        keep: impl Fn(&Value) -> bool,
    ) -> Vec<Value> {
        self.lock()
            .newest_first(label, collection)
            .into_iter()
            .filter_map(|entry| match &entry.item {
                Item::Json(value) if keep(value) => Some(value.clone()),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: &str) -> Entity {
        Entity::new(id.to_owned(), 1, 0, 0)
    }

    #[test]
    fn names_derive_from_the_seed_and_the_count() {
        let a = Written::new(7, 10);
        let b = Written::new(7, 10);
        assert_eq!(a.name("SM"), b.name("SM"));
        assert_ne!(a.name("SM"), Written::new(8, 10).name("SM"));
        let (sid, _) = a.name("SM");
        assert!(sid.starts_with("SM") && sid.len() == 34);
    }

    #[test]
    fn bounded_and_overlaid() {
        let w = Written::new(1, 2);
        w.put("ListQueue", None, "AC1".into(), entity("QU1"), false)
            .unwrap();
        w.put("ListQueue", None, "AC1".into(), entity("QU2"), false)
            .unwrap();
        assert_eq!(
            w.put("ListQueue", None, "AC1".into(), entity("QU3"), false),
            Err(Full { capacity: 2 })
        );
        // The bound is the whole store's: another product finds it full too.
        assert_eq!(
            w.insert_json("verify", "/v2/Services", "VA1".into(), Value::from(1)),
            Err(Full { capacity: 2 })
        );
        assert_eq!(w.capacity(), 2);
        // Replacing an item needs no room.
        w.put("ListQueue", None, "AC1".into(), entity("QU2"), false)
            .unwrap();
        let o = w.overlay("ListQueue", None, "AC1");
        let ids: Vec<&str> = o.created.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["QU2", "QU1"]);
        assert!(w.overlay("ListQueue", None, "AC2").created.is_empty());
        w.remove("ListQueue", "QU1", false);
        assert!(w.get("ListQueue", "QU1").is_none());
        assert!(!w.is_removed("ListQueue", "QU1"));
        w.remove("ListQueue", "QUseeded", true);
        assert!(w.is_removed("ListQueue", "QUseeded"));
        assert_eq!(w.len(), 1);
        // The room QU1 left is another product's to take.
        w.insert_json("verify", "/v2/Services", "VA1".into(), Value::from(1))
            .unwrap();
        assert!(w.get("ListQueue", "VA1").is_none());
        assert!(w.get_json("api", "ListQueue", "QU2").is_none());
        assert_eq!(w.len(), 2);
    }

    #[test]
    fn products_items_are_kept_by_host_and_collection_newest_first() {
        let items = Written::new(1, 2);
        items
            .insert_json("verify", "/v2/Services", "a".into(), Value::from(1))
            .unwrap();
        items
            .insert_json("verify", "/v2/Services", "b".into(), Value::from(2))
            .unwrap();
        assert!(
            items
                .insert_json("verify", "/v2/Services", "c".into(), Value::from(3))
                .is_err()
        );
        // Replacing one needs no room.
        items
            .insert_json("verify", "/v2/Services", "b".into(), Value::from(4))
            .unwrap();
        assert_eq!(
            items.list_json("verify", "/v2/Services", |_| true),
            [Value::from(4), Value::from(1)]
        );
        assert!(
            items
                .list_json("messaging", "/v2/Services", |_| true)
                .is_empty()
        );
        assert_eq!(
            items.update_json("verify", "/v2/Services", "a", |v| *v = Value::from(5)),
            Some(Value::from(5))
        );
        assert!(items.remove_json("verify", "/v2/Services", "a"));
        assert!(!items.remove_json("verify", "/v2/Services", "a"));
        assert_eq!(items.get_json("verify", "/v2/Services", "a"), None);
        items
            .insert_json("verify", "/v2/Services", "c".into(), Value::from(3))
            .unwrap();
    }
}
