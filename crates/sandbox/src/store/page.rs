//! Paging: query parsing, opaque page tokens, links, page rendering and the page cache.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use serde::Serialize;
use serde::ser::SerializeSeq;

use crate::store::data::{CallInfo, Dataset};
use crate::store::rng::{hash, parse_hex16, push_hex};

/// Twilio's default page size.
pub const DEFAULT_PAGE_SIZE: u64 = 50;
/// Twilio's maximum page size.
pub const MAX_PAGE_SIZE: u64 = 1000;

/// Why a paging query was rejected (always a 400 answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadPaging(pub(crate) String);

/// A validated request for one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageRequest {
    /// Items per page.
    pub(crate) page_size: u64,
    /// The page number reported back (`page` field and links).
    pub(crate) page: u64,
    /// The index of the first item to return.
    pub(crate) offset: u64,
    /// Whether the request carried a (valid) `PageToken`.
    pub(crate) had_token: bool,
}

/// Parses `PageSize`, `Page` and `PageToken` for `call_index`.
///
/// Without a token the offset is `Page * PageSize`; a valid token is authoritative for the
/// offset, and `Page` (or, if absent, `offset / PageSize`) is only echoed back.
pub(crate) fn parse_query(
    query: Option<&str>,
    token_key: u64,
    call_index: usize,
) -> Result<PageRequest, BadPaging> {
    parse_paging(query, token_key, call_context(call_index))
}

/// The token context of a call's events.
fn call_context(call_index: usize) -> u64 {
    u64::try_from(call_index).unwrap_or(u64::MAX)
}

/// [`parse_query`] for any listing: tokens are checked against `context` (for the route
/// table, a hash of the route, its parent and its filters).
pub(crate) fn parse_paging(
    query: Option<&str>,
    token_key: u64,
    context: u64,
) -> Result<PageRequest, BadPaging> {
    let mut page_size: Option<String> = None;
    let mut page: Option<String> = None;
    let mut token: Option<String> = None;
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "PageSize" => page_size = Some(v.into_owned()),
            "Page" => page = Some(v.into_owned()),
            "PageToken" => token = Some(v.into_owned()),
            _ => {}
        }
    }
    let page_size = match page_size {
        None => DEFAULT_PAGE_SIZE,
        Some(raw) => match raw.trim().parse::<u64>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => {
                return Err(BadPaging(format!(
                    "Invalid PageSize '{raw}': must be an integer between 1 and {MAX_PAGE_SIZE}"
                )));
            }
        },
    };
    let page = match page {
        None => None,
        Some(raw) => match raw.trim().parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return Err(BadPaging(format!(
                    "Invalid Page '{raw}': must be a non-negative integer"
                )));
            }
        },
    };
    match token.filter(|t| !t.is_empty()) {
        Some(t) => {
            let offset = decode_token_in(token_key, context, &t)
                .ok_or_else(|| BadPaging(format!("Invalid PageToken '{t}'")))?;
            Ok(PageRequest {
                page_size,
                page: page.unwrap_or(offset / page_size),
                offset,
                had_token: true,
            })
        }
        None => {
            let page = page.unwrap_or(0);
            let offset = page.checked_mul(page_size).ok_or_else(|| {
                BadPaging(format!(
                    "Invalid Page '{page}': too large for PageSize {page_size}"
                ))
            })?;
            Ok(PageRequest {
                page_size,
                page,
                offset,
                had_token: false,
            })
        }
    }
}

fn token_mask(key: u64, context: u64) -> u64 {
    hash(&[key, 1, context])
}

fn token_tag(key: u64, context: u64, offset: u64) -> u64 {
    hash(&[key, 2, context, offset])
}

/// An opaque page token: `PA` + 32 hex digits encoding the offset of the page's first item,
/// masked and authenticated for one call, so tokens cannot be forged, edited or reused on
/// another call.
pub(crate) fn encode_token(key: u64, call_index: usize, offset: u64) -> String {
    encode_token_in(key, call_context(call_index), offset)
}

/// [`encode_token`] for any listing context.
pub(crate) fn encode_token_in(key: u64, context: u64, offset: u64) -> String {
    let mut s = String::with_capacity(34);
    s.push_str("PA");
    push_hex(&mut s, offset ^ token_mask(key, context));
    push_hex(&mut s, token_tag(key, context, offset));
    s
}

/// The offset a token encodes, if it is one of ours for this listing context.
pub(crate) fn decode_token_in(key: u64, context: u64, token: &str) -> Option<u64> {
    let rest = token.strip_prefix("PA")?;
    let offset = parse_hex16(rest.get(..16)?)? ^ token_mask(key, context);
    let tag = parse_hex16(rest.get(16..)?)?;
    (tag == token_tag(key, context, offset)).then_some(offset)
}

/// The links and numbers of one page, before rendering.
#[derive(Debug, Clone)]
pub(crate) struct PagePlan {
    pub(crate) call_index: usize,
    pub(crate) page: u64,
    pub(crate) page_size: u64,
    pub(crate) start: u64,
    /// Number of events on the page.
    pub(crate) len: u64,
    pub(crate) uri: String,
    pub(crate) first_page_uri: String,
    pub(crate) next_page_uri: Option<String>,
    pub(crate) previous_page_uri: Option<String>,
    /// The cache key of the unaltered page.
    pub(crate) key: CacheKey,
}

impl PagePlan {
    /// Plans the page `req` asks for, for the call at `call_index`.
    pub(crate) fn new(
        data: &Dataset,
        call_index: usize,
        call: &CallInfo,
        req: &PageRequest,
    ) -> Self {
        let base = format!(
            "/2010-04-01/Accounts/{}/Calls/{}/Events.json",
            data.credentials.account_sid, call.sid
        );
        let key = data.page_token_key;
        let total = call.event_count;
        let start = req.offset;
        let len = total.saturating_sub(start).min(req.page_size);
        let link = |page: u64, offset: Option<u64>| match offset {
            Some(o) => format!(
                "{base}?PageSize={}&Page={page}&PageToken={}",
                req.page_size,
                encode_token(key, call_index, o)
            ),
            None => format!("{base}?PageSize={}&Page={page}", req.page_size),
        };
        let uri = link(req.page, req.had_token.then_some(start));
        let first_page_uri = link(0, None);
        let next_start = start.saturating_add(len);
        let next_page_uri =
            (next_start < total).then(|| link(req.page.saturating_add(1), Some(next_start)));
        let previous_page_uri = (start > 0).then(|| {
            link(
                req.page.saturating_sub(1),
                Some(start.saturating_sub(req.page_size)),
            )
        });
        Self {
            call_index,
            page: req.page,
            page_size: req.page_size,
            start,
            len,
            uri,
            first_page_uri,
            next_page_uri,
            previous_page_uri,
            key: CacheKey {
                call_index,
                offset: start,
                page_size: req.page_size,
                page: req.page,
                had_token: req.had_token,
            },
        }
    }

    /// `end` as Twilio reports it: the index of the last item, or `start` when empty.
    pub(crate) fn end(&self) -> u64 {
        self.start + self.len.saturating_sub(1)
    }

    /// The link to the next page without its `Page` parameter (a fault: some clients rely on
    /// `Page` being present).
    pub(crate) fn next_without_page(&self) -> Option<String> {
        let next = self.next_page_uri.as_deref()?;
        let (path, query) = next.split_once('?')?;
        let kept: Vec<&str> = query
            .split('&')
            .filter(|kv| !kv.starts_with("Page="))
            .collect();
        Some(format!("{path}?{}", kept.join("&")))
    }

    /// Renders the page as JSON.
    pub(crate) fn render(&self, data: &Dataset) -> Vec<u8> {
        let call = data.calls.get(self.call_index);
        let body = PageBody {
            events: Events {
                data,
                call,
                start: self.start,
                len: self.len,
            },
            end: self.end(),
            first_page_uri: &self.first_page_uri,
            next_page_uri: self.next_page_uri.as_deref(),
            page: self.page,
            page_size: self.page_size,
            previous_page_uri: self.previous_page_uri.as_deref(),
            start: self.start,
            uri: &self.uri,
        };
        let estimate = usize::try_from(self.len).unwrap_or(0).saturating_mul(1400) + 1024;
        let mut out = Vec::with_capacity(estimate);
        // Serializing plain structs of strings and integers into a Vec cannot fail.
        if serde_json::to_writer(&mut out, &body).is_err() {
            out.clear();
        }
        out
    }
}

/// The list envelope, in the key order of Twilio's spec example.
#[derive(Serialize)]
struct PageBody<'a> {
    events: Events<'a>,
    end: u64,
    first_page_uri: &'a str,
    next_page_uri: Option<&'a str>,
    page: u64,
    page_size: u64,
    previous_page_uri: Option<&'a str>,
    start: u64,
    uri: &'a str,
}

/// The events of a page, generated while serializing.
struct Events<'a> {
    data: &'a Dataset,
    call: Option<&'a CallInfo>,
    start: u64,
    len: u64,
}

impl Serialize for Events<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(call) = self.call else {
            return serializer.serialize_seq(Some(0))?.end();
        };
        let mut seq = serializer.serialize_seq(usize::try_from(self.len).ok())?;
        for i in self.start..self.start.saturating_add(self.len) {
            seq.serialize_element(&self.data.event(call, i))?;
        }
        seq.end()
    }
}

/// Identifies the bytes of an unaltered page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    call_index: usize,
    offset: u64,
    page_size: u64,
    page: u64,
    had_token: bool,
}

/// A bounded cache of rendered pages, limited by total bytes.
///
/// It fills up and then keeps what it has: pages are deterministic, and the typical load
/// (a client listing a large call again and again, page after page) is a sequential scan,
/// for which any evicting policy (FIFO, LRU) would evict every page just before it is asked
/// for again once the listing is larger than the budget.
#[derive(Debug)]
pub(crate) struct PageCache {
    budget: usize,
    inner: Mutex<CacheInner>,
}

#[derive(Debug, Default)]
struct CacheInner {
    map: HashMap<CacheKey, Bytes>,
    bytes: usize,
}

impl PageCache {
    /// A cache holding at most `budget` bytes of pages (0 disables it).
    pub(crate) fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(CacheInner::default()),
        }
    }

    /// The cached page, if any.
    pub(crate) fn get(&self, key: &CacheKey) -> Option<Bytes> {
        if self.budget == 0 {
            return None;
        }
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.map.get(key).cloned()
    }

    /// Stores a page if it fits in what is left of the budget.
    pub(crate) fn insert(&self, key: CacheKey, page: Bytes) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.bytes.saturating_add(page.len()) > self.budget || inner.map.contains_key(&key) {
            return;
        }
        inner.bytes += page.len();
        inner.map.insert(key, page);
    }

    /// Bytes currently held.
    #[cfg(test)]
    fn held(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The offset a token encodes, if it is one of ours for this call.
    fn decode_token(key: u64, call_index: usize, token: &str) -> Option<u64> {
        decode_token_in(key, call_context(call_index), token)
    }

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        for offset in [0, 1, 49, 50, 99_950, u64::MAX] {
            let t = encode_token(11, 3, offset);
            assert_eq!(t.len(), 34);
            assert!(t.starts_with("PA"));
            assert_eq!(decode_token(11, 3, &t), Some(offset));
            // Another call, another key: rejected.
            assert_eq!(decode_token(11, 4, &t), None);
            assert_eq!(decode_token(12, 3, &t), None);
            // Any single changed digit: rejected.
            for i in 2..34 {
                let mut bytes = t.clone().into_bytes();
                bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
                let tampered = String::from_utf8(bytes).unwrap();
                assert_eq!(decode_token(11, 3, &tampered), None, "{tampered}");
            }
        }
        assert_eq!(decode_token(11, 3, "PA"), None);
        assert_eq!(decode_token(11, 3, "garbage"), None);
        assert_eq!(decode_token(11, 3, "PAé"), None);
    }

    #[test]
    fn query_defaults_and_bounds() {
        let ok = parse_query(None, 1, 0).unwrap();
        assert_eq!(
            ok,
            PageRequest {
                page_size: 50,
                page: 0,
                offset: 0,
                had_token: false
            }
        );
        let ok = parse_query(Some("PageSize=20&Page=3&Other=x"), 1, 0).unwrap();
        assert_eq!((ok.page_size, ok.page, ok.offset), (20, 3, 60));
        for bad in [
            "PageSize=0",
            "PageSize=1001",
            "PageSize=abc",
            "PageSize=-1",
            "Page=-1",
            "Page=x",
            "PageToken=PAdeadbeef",
            "PageSize=1000&Page=18446744073709551615",
        ] {
            assert!(parse_query(Some(bad), 1, 0).is_err(), "{bad}");
        }
        assert_eq!(
            parse_query(Some("PageSize=1000"), 1, 0).unwrap().page_size,
            1000
        );
        assert_eq!(parse_query(Some("PageSize=1"), 1, 0).unwrap().page_size, 1);
    }

    #[test]
    fn token_is_authoritative_and_page_is_derived_when_missing() {
        let t = encode_token(1, 0, 120);
        let r = parse_query(Some(&format!("PageSize=40&Page=9&PageToken={t}")), 1, 0).unwrap();
        assert_eq!((r.offset, r.page, r.had_token), (120, 9, true));
        let r = parse_query(Some(&format!("PageSize=40&PageToken={t}")), 1, 0).unwrap();
        assert_eq!((r.offset, r.page), (120, 3));
        // An empty token is no token.
        let r = parse_query(Some("PageSize=40&Page=2&PageToken="), 1, 0).unwrap();
        assert_eq!((r.offset, r.had_token), (80, false));
    }

    #[test]
    fn plan_links_and_bounds() {
        let d = Dataset::new(1, 0, &[0, 120]);
        let empty = PagePlan::new(&d, 0, &d.calls[0], &parse_query(None, 1, 0).unwrap());
        assert_eq!((empty.start, empty.end(), empty.len), (0, 0, 0));
        assert!(empty.next_page_uri.is_none() && empty.previous_page_uri.is_none());
        assert!(empty.uri.ends_with("Events.json?PageSize=50&Page=0"));
        assert_eq!(empty.uri, empty.first_page_uri);

        let call = &d.calls[1];
        let key = d.page_token_key;
        let p0 = PagePlan::new(
            &d,
            1,
            call,
            &parse_query(Some("PageSize=50"), key, 1).unwrap(),
        );
        assert_eq!((p0.start, p0.end(), p0.len), (0, 49, 50));
        let next = p0.next_page_uri.clone().unwrap();
        assert!(next.contains("PageSize=50&Page=1&PageToken=PA"), "{next}");
        let q1 = next.split_once('?').unwrap().1;
        let p1 = PagePlan::new(&d, 1, call, &parse_query(Some(q1), key, 1).unwrap());
        assert_eq!((p1.page, p1.start, p1.end()), (1, 50, 99));
        assert_eq!(p1.uri, next);
        let q2 = p1.next_page_uri.clone().unwrap();
        let p2 = PagePlan::new(
            &d,
            1,
            call,
            &parse_query(Some(q2.split_once('?').unwrap().1), key, 1).unwrap(),
        );
        assert_eq!((p2.page, p2.start, p2.end(), p2.len), (2, 100, 119, 20));
        assert!(p2.next_page_uri.is_none());
        let prev = p2.previous_page_uri.clone().unwrap();
        let pp = PagePlan::new(
            &d,
            1,
            call,
            &parse_query(Some(prev.split_once('?').unwrap().1), key, 1).unwrap(),
        );
        assert_eq!((pp.page, pp.start), (1, 50));

        let stripped = p0.next_without_page().unwrap();
        assert!(!stripped.contains("Page=1"), "{stripped}");
        assert!(stripped.contains("PageSize=50&PageToken=PA"), "{stripped}");
    }

    #[test]
    fn rendered_page_is_valid_json_with_the_right_events() {
        let d = Dataset::new(3, 0, &[30]);
        let req = parse_query(Some("PageSize=7&Page=2"), d.page_token_key, 0).unwrap();
        let plan = PagePlan::new(&d, 0, &d.calls[0], &req);
        let v: serde_json::Value = serde_json::from_slice(&plan.render(&d)).unwrap();
        let events = v["events"].as_array().unwrap();
        assert_eq!(events.len(), 7);
        let expected = serde_json::to_value(d.event(&d.calls[0], 14)).unwrap();
        assert_eq!(events[0], expected);
        assert_eq!(v["start"], 14);
        assert_eq!(v["end"], 20);
    }

    #[test]
    fn cache_is_bounded() {
        let cache = PageCache::new(100);
        let key = |offset| CacheKey {
            call_index: 0,
            offset,
            page_size: 1,
            page: offset,
            had_token: false,
        };
        cache.insert(key(0), Bytes::from(vec![0; 60]));
        cache.insert(key(1), Bytes::from(vec![1; 30]));
        assert_eq!(cache.held(), 90);
        // Does not fit any more: refused, and what is cached stays.
        cache.insert(key(2), Bytes::from(vec![2; 30]));
        assert_eq!(cache.held(), 90);
        assert!(cache.get(&key(2)).is_none());
        assert_eq!(cache.get(&key(0)).unwrap()[0], 0);
        cache.insert(key(3), Bytes::from(vec![3; 10]));
        assert_eq!(cache.held(), 100);
        assert_eq!(cache.get(&key(3)).unwrap()[0], 3);
        cache.insert(key(3), Bytes::from(vec![4; 0]));
        assert_eq!(cache.get(&key(3)).unwrap()[0], 3);
        let off = PageCache::new(0);
        off.insert(key(0), Bytes::from_static(b"x"));
        assert!(off.get(&key(0)).is_none());
    }
}
