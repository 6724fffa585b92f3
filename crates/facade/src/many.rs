//! Listing the events of many calls at once, with bounded concurrency over one client.

use std::fmt;
use std::marker::PhantomData;
use std::num::NonZeroUsize;

use futures::stream::BoxStream;
use twilio_model::{AccountSid, CallEvents, CallEventsPage, CallSid, ListPage, Page, Raw};

use crate::list::ListRequest;
use crate::{AccountResource, Client, Error, Listings};

impl AccountResource {
    /// The events of many calls of this account, listed a bounded number at a time (see
    /// [`CallsEventsRequest`]).
    pub fn events_of_calls(
        &self,
        call_sids: impl IntoIterator<Item = CallSid>,
    ) -> CallsEventsRequest<CallEventsPage> {
        CallsEventsRequest::new(
            self.client.clone(),
            self.id.clone(),
            call_sids.into_iter().collect(),
        )
    }
}

/// How many calls [`CallsEventsRequest`] lists at once unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The events of many calls of one account, listed `concurrency` calls at a time over the
/// client's connection pool. Created by [`Client::events_of_calls`] or
/// [`crate::AccountResource::events_of_calls`].
///
/// Every result is labelled with the SID of the call it belongs to.
///
/// # Ordering
///
/// - The results of one call come in API order (oldest event first), exactly as
///   [`ListRequest::stream`] would give them for that call alone.
/// - Results of different calls interleave: whichever call's page arrives first is handed
///   out first. Calls are *started* in the order given, never more than `concurrency` at a
///   time; the next one starts as soon as one finishes.
/// - A failure ends only its own call: it comes as one `(sid, Err(..))`, after that call's
///   events fetched so far, and the other calls go on. Its [`Error::resume_uri`] says where
///   that call's listing can continue.
///
/// # Concurrency
///
/// At most `concurrency` calls are listed at once, each one page at a time: prefetch is off
/// by default here (the concurrency already overlaps requests), so no more than
/// `concurrency` requests are in flight, all through the client's one connection pool (which
/// keeps about that many connections open). Turn prefetch back on with
/// [`CallsEventsRequest::prefetch`] for calls with many pages (then up to twice as many
/// requests).
///
/// ```no_run
/// use futures::StreamExt as _;
/// use twilio_api::{CallSid, Client};
///
/// # async fn run() -> Result<(), twilio_api::Error> {
/// let client = Client::from_env()?;
/// let calls: Vec<CallSid> = vec![
///     "CA0123456789abcdef0123456789abcdef".parse()?,
///     "CAfedcba9876543210fedcba9876543210".parse()?,
/// ];
/// let mut events = client.events_of_calls(calls).concurrency(8).page_size(1000).stream();
/// while let Some((call, event)) = events.next().await {
///     match event {
///         Ok(event) => println!("{call}: {:?}", event.response.map(|r| r.response_code)),
///         Err(err) => eprintln!("{call}: {err}"),
///     }
/// }
/// # Ok(()) }
/// ```
pub struct CallsEventsRequest<P> {
    client: Client,
    account_sid: AccountSid,
    call_sids: Vec<CallSid>,
    concurrency: NonZeroUsize,
    page_size: Option<u32>,
    limit: Option<u64>,
    prefetch: bool,
    _page: PhantomData<fn() -> P>,
}

impl<P> fmt::Debug for CallsEventsRequest<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallsEventsRequest")
            .field("account_sid", &self.account_sid)
            .field("calls", &self.call_sids.len())
            .field("concurrency", &self.concurrency)
            .field("page_size", &self.page_size)
            .field("limit", &self.limit)
            .field("prefetch", &self.prefetch)
            .finish_non_exhaustive()
    }
}

impl CallsEventsRequest<CallEventsPage> {
    pub(crate) fn new(client: Client, account_sid: AccountSid, call_sids: Vec<CallSid>) -> Self {
        Self {
            client,
            account_sid,
            call_sids,
            concurrency: NonZeroUsize::new(DEFAULT_CONCURRENCY).unwrap_or(NonZeroUsize::MIN),
            page_size: None,
            limit: None,
            prefetch: false,
            _page: PhantomData,
        }
    }

    /// Lists the events as the exact JSON objects the API sent, undecoded (as
    /// [`crate::CallEventsResource::list_raw`] does for one call).
    pub fn raw(self) -> CallsEventsRequest<Page<Raw<CallEvents>>> {
        CallsEventsRequest {
            client: self.client,
            account_sid: self.account_sid,
            call_sids: self.call_sids,
            concurrency: self.concurrency,
            page_size: self.page_size,
            limit: self.limit,
            prefetch: self.prefetch,
            _page: PhantomData,
        }
    }
}

impl<P: ListPage> CallsEventsRequest<P> {
    /// How many calls are listed at once (default [`DEFAULT_CONCURRENCY`]; 0 counts as 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = NonZeroUsize::new(concurrency).unwrap_or(NonZeroUsize::MIN);
        self
    }

    /// Items per page, 1 to 1000, for every call. Checked before any request: an invalid
    /// value fails each call with [`Error::InvalidInput`].
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Stops each call after `limit` events (a limit per call, not in total). Each call asks
    /// the server for no more than it needs; as with [`ListRequest::pages`], `.pages()` ends a
    /// call with the page that reaches the limit, not cut, while `.stream()` yields exactly
    /// `limit` events of each call.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Whether each call fetches its next page while the current one is consumed (default:
    /// off, see the type's documentation).
    pub fn prefetch(mut self, prefetch: bool) -> Self {
        self.prefetch = prefetch;
        self
    }

    /// The listing of one call, configured like all the others.
    fn one(&self, call_sid: &CallSid) -> ListRequest<P> {
        let path = self
            .client
            .account(self.account_sid.clone())
            .call(call_sid.clone())
            .events()
            .path();
        let mut request = ListRequest::new(&self.client, &crate::operations::LIST_CALL_EVENT, path)
            .prefetch(self.prefetch);
        if let Some(page_size) = self.page_size {
            request = request.page_size(page_size);
        }
        if let Some(limit) = self.limit {
            request = request.limit(limit);
        }
        request
    }

    /// The listings of every call, labelled with their call: the generic mechanism this
    /// request is one use of.
    pub fn listings(mut self) -> Listings<CallSid, P> {
        let calls = std::mem::take(&mut self.call_sids);
        let listings: Vec<_> = calls
            .into_iter()
            .map(|sid| {
                let request = self.one(&sid);
                (sid, request)
            })
            .collect();
        Listings::new(listings).concurrency(self.concurrency.get())
    }

    /// Every call's pages, each labelled with its call (see the type's documentation for the
    /// ordering). The stream ends once every call has ended.
    pub fn pages(self) -> BoxStream<'static, (CallSid, Result<P, Error>)> {
        self.listings().pages()
    }

    /// Every call's events, each labelled with its call (see the type's documentation for
    /// the ordering). The stream ends once every call has ended.
    pub fn stream(self) -> BoxStream<'static, (CallSid, Result<P::Item, Error>)> {
        self.listings().stream()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use twilio_transport::test_util::{FnTransport, json_response};

    use futures::StreamExt as _;

    use super::*;

    const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    fn call(n: u8) -> CallSid {
        format!("CA{:032x}", n).parse().unwrap()
    }

    /// Every call has two pages of two events; event values say `<call>-<index>`.
    fn server() -> FnTransport {
        FnTransport::new(|request| {
            let path = request.uri().path();
            let call = path.split('/').nth(5).unwrap_or_default().to_owned();
            let second = request.uri().query().is_some_and(|q| q.contains("Page=1"));
            let (first, next) = if second {
                (2, serde_json::Value::Null)
            } else {
                (0, format!("{path}?PageSize=2&Page=1&PageToken=PA1").into())
            };
            let events: Vec<_> = (first..first + 2)
                .map(|i| serde_json::json!({"request": {"url": format!("{call}-{i}")}}))
                .collect();
            let body = serde_json::json!({"events": events, "next_page_uri": next});
            Ok(json_response(200, body.to_string()))
        })
    }

    fn client(transport: &FnTransport) -> Client {
        Client::builder()
            .auth_token(ACCOUNT.parse().unwrap(), "token")
            .base_url("https://api.twilio.com")
            .transport(Arc::new(transport.clone()))
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn each_call_in_order_and_labelled() {
        let server = server();
        let calls: Vec<CallSid> = (1..=5).map(call).collect();
        let results: Vec<_> = client(&server)
            .events_of_calls(calls.clone())
            .concurrency(2)
            .page_size(2)
            .stream()
            .collect()
            .await;
        assert_eq!(results.len(), 5 * 4);
        for sid in &calls {
            let urls: Vec<String> = results
                .iter()
                .filter(|(s, _)| s == sid)
                .map(|(_, e)| {
                    e.as_ref()
                        .unwrap()
                        .request
                        .as_ref()
                        .unwrap()
                        .url
                        .clone()
                        .unwrap()
                })
                .collect();
            let want: Vec<String> = (0..4).map(|i| format!("{sid}-{i}")).collect();
            assert_eq!(urls, want);
        }
        let requests = server.requests();
        assert_eq!(requests.len(), 10);
        assert!(
            requests
                .iter()
                .filter(|r| !r.uri().query().unwrap().contains("Page=1"))
                .all(|r| r.uri().query() == Some("PageSize=2"))
        );
    }

    #[tokio::test]
    async fn no_calls_is_an_empty_stream() {
        let server = server();
        let pages: Vec<_> = client(&server)
            .events_of_calls(Vec::new())
            .pages()
            .collect()
            .await;
        assert!(pages.is_empty());
        assert!(server.requests().is_empty());
    }

    #[test]
    fn concurrency_zero_counts_as_one() {
        let request = client(&server()).events_of_calls([call(1)]).concurrency(0);
        assert_eq!(request.concurrency.get(), 1);
        assert!(format!("{request:?}").contains("calls: 1"));
    }
}
