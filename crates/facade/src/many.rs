//! The events of many calls at once: [`Listings::each`] over call SIDs, the generic
//! mechanism for any list under one SID.

use twilio_model::{AccountSid, CallEventsPage, CallSid};

use crate::{AccountResource, Client, Listings};

impl Client {
    /// The events of many calls of the credential's own account, listed a bounded number at
    /// a time, each result labelled with its call: [`Listings::each`] over the calls'
    /// `events().list()`, with prefetch off (the concurrency already overlaps requests, so no
    /// more than `concurrency` requests are in flight).
    ///
    /// - The results of one call come in API order (oldest event first), exactly as
    ///   [`ListRequest::stream`](crate::ListRequest::stream) gives them for that call alone.
    /// - Results of different calls interleave as their pages arrive; calls *start* in the
    ///   order given, never more than `concurrency` at once.
    /// - A failure ends only its own call, as one `(sid, Err(..))` after that call's events
    ///   so far; its [`Error::resume_uri`](crate::Error::resume_uri) says where that call's
    ///   listing can continue.
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
    pub fn events_of_calls(
        &self,
        call_sids: impl IntoIterator<Item = CallSid>,
    ) -> Listings<CallSid, CallEventsPage> {
        self.account(self.account_sid().clone())
            .events_of_calls(call_sids)
    }
}

impl AccountResource {
    /// The events of many calls of this account, listed a bounded number at a time (see
    /// [`Client::events_of_calls`]).
    pub fn events_of_calls(
        &self,
        call_sids: impl IntoIterator<Item = CallSid>,
    ) -> Listings<CallSid, CallEventsPage> {
        let account: &AccountSid = self.sid();
        let client = self.client.clone();
        let account = account.clone();
        Listings::each(call_sids, move |call| {
            client.account(account.clone()).call(call).events().list()
        })
        .prefetch(false)
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
        assert!(
            format!("{request:?}").contains("concurrency: 1"),
            "{request:?}"
        );
    }
}
