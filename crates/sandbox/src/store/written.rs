//! The items written through the API: created, changed, removed. They join the seeded data:
//! a created item is listed (before the seeded rows: newest first) and fetched, and the
//! lists under it exist (empty until written to); a changed seeded row is served changed; a
//! removed one is gone from its list and answered 404.
//!
//! Items are [`Entity`]s like the seeded ones, so they render through the same templates
//! (`uri`, `subresource_uris`, dates, SIDs as the seeded data has them) and filter the same
//! way. The store is bounded ([`Written::capacity`]: created and changed items together);
//! names derive from the seed and a counter, so the same seed and the same writes give the
//! same SIDs.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

use crate::store::rng::{hash, sid};
use crate::store::world::Entity;

/// How many items the store holds by default (created and changed, together).
pub const DEFAULT_WRITTEN_ITEMS: usize = 10_000;

/// One written item.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    /// The value of the list's parent path parameter (`CallSid` for a call's recordings).
    pub(crate) parent: Option<String>,
    /// The account it belongs to.
    pub(crate) account: String,
    pub(crate) entity: Entity,
    /// A changed seeded row (rather than an item created through the API).
    pub(crate) seeded: bool,
    /// When it was written, in creation order.
    seq: u64,
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

#[derive(Debug, Default)]
struct Inner {
    /// By (collection, id).
    items: BTreeMap<(&'static str, String), Stored>,
    /// Removed seeded rows, by (collection, id).
    removed: HashSet<(&'static str, String)>,
    /// How many names were made: the next one derives from it.
    made: u64,
    seq: u64,
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

    /// How many items it holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().items.len()
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

    /// The item `id` of `collection`, if written (and not removed).
    pub(crate) fn get(&self, collection: &'static str, id: &str) -> Option<Stored> {
        self.lock().items.get(&(collection, id.to_owned())).cloned()
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
        let mut inner = self.lock();
        let key = (collection, entity.id.clone());
        if !inner.items.contains_key(&key) && inner.items.len() >= self.capacity {
            return Err(Full {
                capacity: self.capacity,
            });
        }
        inner.seq += 1;
        let seq = inner.seq;
        let seq = inner.items.get(&key).map_or(seq, |old| old.seq);
        inner.items.insert(
            key,
            Stored {
                parent,
                account,
                entity,
                seeded,
                seq,
            },
        );
        Ok(())
    }

    /// Changes the item `id` of `collection` in place; `false` if it is not stored.
    pub(crate) fn update(
        &self,
        collection: &'static str,
        id: &str,
        change: impl FnOnce(&mut Entity),
    ) -> bool {
        let mut inner = self.lock();
        match inner.items.get_mut(&(collection, id.to_owned())) {
            Some(stored) => {
                change(&mut stored.entity);
                true
            }
            None => false,
        }
    }

    /// Removes the item `id` of `collection`: a written one from the store, a seeded one
    /// (`seeded_row`) by remembering it is gone.
    pub(crate) fn remove(&self, collection: &'static str, id: &str, seeded_row: bool) {
        let mut inner = self.lock();
        let removed = inner.items.remove(&(collection, id.to_owned()));
        if seeded_row || removed.as_ref().is_some_and(|s| s.seeded) {
            inner.removed.insert((collection, id.to_owned()));
        }
    }

    /// What the store changes in `collection` under `parent`, for `account`.
    pub(crate) fn overlay(&self, collection: &str, parent: Option<&str>, account: &str) -> Overlay {
        let inner = self.lock();
        let mut overlay = Overlay::default();
        let mut created: Vec<&Stored> = Vec::new();
        for ((c, _), stored) in &inner.items {
            if *c != collection || stored.account != account {
                continue;
            }
            if stored.seeded {
                overlay
                    .changed
                    .insert(stored.entity.id.clone(), stored.entity.clone());
            } else if stored.parent.as_deref() == parent {
                created.push(stored);
            }
        }
        created.sort_by_key(|s| std::cmp::Reverse(s.seq));
        overlay.created = created.into_iter().map(|s| s.entity.clone()).collect();
        overlay.removed = inner
            .removed
            .iter()
            .filter(|(c, _)| *c == collection)
            .map(|(_, id)| id.clone())
            .collect();
        overlay
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
    }
}
