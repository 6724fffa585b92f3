//! The Calls resource and its sub-resources.

use twilio_model::{AccountSid, CallEventsPage, CallSid, RawCallEventsPage};

use crate::Client;
use crate::list::ListRequest;

/// One call: `/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}`.
#[derive(Debug, Clone)]
pub struct CallResource {
    client: Client,
    account_sid: AccountSid,
    call_sid: CallSid,
}

impl CallResource {
    pub(crate) fn new(client: Client, account_sid: AccountSid, call_sid: CallSid) -> Self {
        Self {
            client,
            account_sid,
            call_sid,
        }
    }

    /// The call's SID.
    pub fn sid(&self) -> &CallSid {
        &self.call_sid
    }

    /// The account the call belongs to.
    pub fn account_sid(&self) -> &AccountSid {
        &self.account_sid
    }

    /// The call's events: the API requests and webhooks of the call, with their responses.
    pub fn events(&self) -> CallEventsResource {
        CallEventsResource { call: self.clone() }
    }
}

/// `/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Events.json`: SIDs are validated, so
/// they need no escaping.
pub(crate) fn events_path(account_sid: &AccountSid, call_sid: &CallSid) -> String {
    format!("/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}/Events.json")
}

/// The events of one call: `.../Calls/{CallSid}/Events.json`.
#[derive(Debug, Clone)]
pub struct CallEventsResource {
    call: CallResource,
}

impl CallEventsResource {
    /// The path of the list's first page, relative to the API host.
    pub fn path(&self) -> String {
        events_path(&self.call.account_sid, &self.call.call_sid)
    }

    /// Lists the events, oldest first. Configure the listing, then `.stream()`, `.pages()`
    /// or `.collect()`.
    pub fn list(&self) -> ListRequest<CallEventsPage> {
        ListRequest::new(self.call.client.clone(), self.path())
    }

    /// Lists the events as the exact JSON objects the API sent (`serde_json::value::RawValue`),
    /// without decoding them: for exporting or forwarding events unchanged, at a fraction of
    /// the decoding cost. Decode one later with `serde_json::from_str::<CallEvent>(raw.get())`.
    pub fn list_raw(&self) -> ListRequest<RawCallEventsPage> {
        ListRequest::new(self.call.client.clone(), self.path())
    }
}
