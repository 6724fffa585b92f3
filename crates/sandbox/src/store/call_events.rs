//! The events of the calls made through the API: every request the sandbox made for a call
//! (its creation, the TwiML fetch, each status callback) and every TwiML verb it read, as
//! `Calls/{CallSid}/Events.json` serves them. Bounded: at most [`MAX_EVENTS_PER_CALL`] events
//! a call (later ones are dropped) and as many calls as the store holds items.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;

/// The most events kept for one call.
pub(crate) const MAX_EVENTS_PER_CALL: usize = 200;

#[derive(Debug)]
pub(crate) struct CallEvents {
    calls: usize,
    inner: Mutex<HashMap<String, Vec<Value>>>,
}

impl CallEvents {
    pub(crate) fn new(calls: usize) -> Self {
        Self {
            calls,
            inner: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Value>>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts the events of a new call; `false` when as many calls are kept as allowed.
    pub(crate) fn open(&self, call: &str) -> bool {
        let mut inner = self.lock();
        if inner.len() >= self.calls {
            return false;
        }
        inner.entry(call.to_owned()).or_default();
        true
    }

    /// Adds an event to a call's (dropped past [`MAX_EVENTS_PER_CALL`]).
    pub(crate) fn push(&self, call: &str, event: Value) {
        if let Some(events) = self.lock().get_mut(call)
            && events.len() < MAX_EVENTS_PER_CALL
        {
            events.push(event);
        }
    }

    /// A call's events, in the order they happened.
    pub(crate) fn get(&self, call: &str) -> Option<Vec<Value>> {
        self.lock().get(call).cloned()
    }

    /// Forgets a removed call.
    pub(crate) fn remove(&self, call: &str) {
        self.lock().remove(call);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded() {
        let events = CallEvents::new(1);
        assert!(events.open("CA1"));
        assert!(!events.open("CA2"));
        for i in 0..MAX_EVENTS_PER_CALL + 5 {
            events.push("CA1", Value::from(i));
        }
        events.push("CA2", Value::from(0));
        assert_eq!(events.get("CA1").unwrap().len(), MAX_EVENTS_PER_CALL);
        assert!(events.get("CA2").is_none());
        events.remove("CA1");
        assert!(events.open("CA2"));
    }
}
