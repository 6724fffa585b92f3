//! The state every request handler shares ([`Shared`]): the seeded data, the store of
//! written items, the caches, counters, faults, limits and the request log.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::fault::Faults;
use crate::store::Site;
use crate::store::call_events::CallEvents;
use crate::store::data::Dataset;
use crate::store::page::PageCache;
use crate::store::written::Written;

use http::{Method, StatusCode, Version};

use crate::fault::Fault;

/// Counters shared by all connections.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) connections_accepted: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) pages_served: AtomicU64,
    pub(crate) events_served: AtomicU64,
    pub(crate) error_responses: AtomicU64,
    pub(crate) faults_injected: AtomicU64,
    pub(crate) page_cache_hits: AtomicU64,
    pub(crate) page_cache_misses: AtomicU64,
}

pub(crate) fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

/// A bounded log of the most recent requests.
#[derive(Debug)]
pub(crate) struct RequestLog {
    capacity: usize,
    entries: Mutex<VecDeque<RecordedRequest>>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(VecDeque::new()),
        }
    }

    pub(crate) fn push(&self, entry: RecordedRequest) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        while entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// Everything a request handler needs.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) data: Dataset,
    pub(crate) cache: PageCache,
    pub(crate) counters: Counters,
    pub(crate) faults: Faults,
    pub(crate) log: RequestLog,
    pub(crate) latency: Duration,
    /// The account's limits (requests a second, in flight).
    pub(crate) limits: crate::limit::Limits,
    pub(crate) request_id_key: u64,
    /// Every route of the table besides the call events (`crate::read`).
    pub(crate) site: Site,
    /// The items written through the API, of every product.
    pub(crate) written: Written,
    /// The events of the calls made through the API.
    pub(crate) call_events: CallEvents,
    /// Hosts besides loopback that messages' and calls' callbacks and TwiML fetches may go to.
    pub(crate) callback_hosts: Vec<String>,
    /// What every other product's answers need.
    pub(crate) products: Products,
}

/// What every other product's answers share.
#[derive(Debug)]
pub(crate) struct Products {
    /// `http` or `https`, for the absolute URLs of their answers.
    pub(crate) scheme: &'static str,
    /// The port the sandbox listens on.
    pub(crate) port: u16,
    /// The code that approves a Verify verification.
    pub(crate) verification_code: String,
}

/// One request as the sandbox saw it (the password is never recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The request method.
    pub method: Method,
    /// Path and query, as sent.
    pub path_and_query: String,
    /// The HTTP version.
    pub version: Version,
    /// The Basic auth user name, if the request carried Basic credentials.
    pub auth_username: Option<String>,
    /// The `User-Agent` header, if any.
    pub user_agent: Option<String>,
    /// The `Via` header, if any: an HTTP proxy that forwarded the request adds one (a request
    /// through a `CONNECT` tunnel arrives without).
    pub via: Option<String>,
    /// The `Twilio-Request-Id` the sandbox answered with (`None` when it closed the
    /// connection without an answer).
    pub request_id: Option<String>,
    /// The status answered, or `None` if the connection was closed without an answer.
    pub status: Option<StatusCode>,
    /// The fault applied, if any.
    pub fault: Option<Fault>,
}

impl RecordedRequest {
    /// The query parameter `name` (first occurrence, percent-decoded), if present.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let (_, query) = self.path_and_query.split_once('?')?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}
