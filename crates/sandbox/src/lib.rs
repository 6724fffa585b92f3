//! A local, Twilio-compatible HTTP server for demos, tests and benchmarks: a local Twilio
//! that a team points its integration at (this workspace's library or CLI, or Twilio's
//! official SDKs) to exercise sends, calls, verifications and any product's resources
//! offline, in CI. This page is the sandbox's guide.
//!
//! # Quick start
//!
//! `twilio-api sandbox serve` (or [`Sandbox::builder`] in a test) prints its URL, its
//! credentials and the code that approves Verify verifications:
//!
//! ```text
//! Twilio sandbox listening on http://localhost:8080
//!   account SID:    AC…
//!   auth token:     …
//!   ...
//!   and every other product's CRUD (37 products) on {product}.localhost (e.g. http://verify.localhost:8080)
//!   the 2010-04-01 API also on http://127.0.0.1:8080 (by address)
//!   Verify code:    123456
//! ```
//!
//! That URL, given as `--base-url` to this workspace's CLI or as `ClientBuilder::base_url` to
//! its library, reaches every product: the client sends the 2010-04-01 API to
//! `localhost:PORT` and each other product to `{label}.localhost:PORT`, which it resolves to
//! loopback itself ([`Sandbox::base_url`]; see [Products and hosts](#products-and-hosts)).
//! Twilio's official SDKs need one small HTTP client, see
//! [Twilio's official SDKs](#twilios-official-sdks).
//!
//! The sandbox serves every `GET` of Twilio's 2010-04-01 API (103 routes: 61 lists, 42
//! fetches; [`Route::all`]), and accepts and remembers every write (94: 35 creates, 27
//! updates, 32 removes; see [Writes](#writes)), over HTTP/1.1 and HTTP/2 (cleartext, prior knowledge; or HTTPS with a throwaway CA, see
//! [`SandboxBuilder::tls`]) on a
//! loopback address, from deterministic data derived from a seed.
//!
//! - **Call events** (`Calls/{CallSid}/Events.json`): API requests (the call's creation,
//!   fetches, updates) and webhook round trips (status callbacks, TwiML fetches, recording
//!   callbacks) with realistic parameters, bodies, status codes, durations and RFC 2822
//!   dates, generated on the fly from `(seed, call, index)`, so a call with 100,000 events
//!   costs no memory; rendered pages are kept in a bounded cache.
//! - **Every other route** goes through one route table generated from the spec
//!   (`src/generated/routes.rs`, by `cargo xtask codegen`): per route its path template,
//!   parameters, items key, paging and a template item taken from the spec's examples. The
//!   sandbox's own code (not `twilio-model`'s types, so that a decoding bug cannot hide
//!   behind shared code) varies the template per row: SIDs, dates, statuses, prices, phone
//!   numbers. The data is coherent across routes: `Calls.json` lists exactly the calls of
//!   [`Sandbox::call_sids`] (whose events it serves), recordings and notifications point at
//!   their calls and are listed under them, transcriptions under their recordings, media
//!   under their messages (`num_media` is their count; MMS have `MM` SIDs), participants
//!   and queue members are calls of `Calls.json`, SIP mappings name the credential and IP
//!   lists, a fetched item is byte for byte its row in its list (notifications add the
//!   three members the spec gives only their instance). `Data.json` answers 307 with a
//!   `Location` on the sandbox itself. Subaccounts are listed and fetched, and own nothing.
//!
//! Sizes by default: [`DEFAULT_CALLS`] calls (three pages of `Calls.json`) with 0 to 3
//! recordings each (about 145), [`DEFAULT_MESSAGES`] messages (a quarter MMS, 1 to 3 media
//! each), 12 conferences, 3 queues, 9 phone numbers, 7 countries of available numbers;
//! other lists have 3 to 5 rows, and nested ones 1 to 3 under each of the first 8 rows of
//! their parent. Lists filter where users filter most: `Calls.json` (`Status`, `To`, `From`,
//! `ParentCallSid`, `StartTime`, `EndTime`), `Messages.json` (`To`, `From`, `DateSent`),
//! recordings (`CallSid`, `DateCreated`) and `Conferences.json` (`Status`, `FriendlyName`,
//! `DateCreated`), dates with `<` and `>` (sent `StartTime%3E=2024-01-01`): a date bound
//! includes its whole day, a date-time bound its second; other lists ignore filters. Page
//! links carry the filters, and their tokens are bound to them.
//! [`Sandbox::path_values`] gives, for any route, values of its path parameters that name
//! something the sandbox serves (a non-empty list, an existing resource).
//!
//! # Writes
//!
//! Every `POST` and `DELETE` of the 2010-04-01 API is accepted, from a table generated from
//! the spec (`src/generated/writes.rs`): a create stores an item shaped like the spec's
//! item (its form parameters in the members they name, `FriendlyName` → `friendly_name`;
//! the rest as the seeded data has it: a `sid` with the prefix the spec's pattern demands,
//! `date_created`/`date_updated`, `uri`, `subresource_uris`), answers it `201`, and the item
//! joins the seeded data: listed first (newest first) with the same filters, fetched, the
//! lists under it served (empty until written to). An update (`POST` to an item) changes it,
//! or a seeded row, `200`; a remove deletes it, `204`, then `404` (code 20404). A missing
//! required parameter, or a SID, integer or boolean that is not one, is answered `400` with
//! Twilio's error JSON and nothing is written; wrong credentials `401` (20003). The store
//! holds at most [`SandboxBuilder::written_items`] items (default
//! [`DEFAULT_WRITTEN_ITEMS`]); past it a create is answered `429` (20429) saying the store is
//! full. New SIDs derive from the seed and the order of the creates, so the same `--seed`
//! and the same writes give the same SIDs. Items no list serves (a call's streams,
//! payments, a message's feedback) are kept and changed where they were created.
//!
//! ## Messages
//! A new message is `queued` (`SM…`, or `MM…` with `num_media` when it has `MediaUrl`s),
//! then `sending`, `sent` and `delivered`, a quarter of a second apart; each change is
//! POSTed to its `StatusCallback` (`MessageSid`, `MessageStatus`, `SmsSid`, `SmsStatus`,
//! `AccountSid`, `From`, `To`, `ApiVersion`), form-encoded and signed with
//! `X-Twilio-Signature` as Twilio signs. A missing `To` is 21604, `From` 21603, `Body` (and
//! no media) 21602. Twilio's test numbers answer as its test credentials do:
//!
//! | parameter | number | answer |
//! |---|---|---|
//! | `From` | `+15005550006` | accepted (as any other number) |
//! | `From` | `+15005550001`, `+15005550007`, `+15005550008` | 21212, 21606, 21611 |
//! | `To` | `+15005550001`, `+15005550002`, `+15005550003`, `+15005550004`, `+15005550009` | 21211, 21612, 21408, 21610, 21614 |
//!
//! Twilio's test credentials have no number for what happens after a message is accepted; the
//! sandbox has two, whose messages end as Twilio ends one it could not deliver, with the codes
//! of Twilio's error dictionary in `error_code` and `error_message`, and `ErrorCode` in the
//! callback of the last state (signed like the others):
//!
//! | `To` | lifecycle | error |
//! |---|---|---|
//! | `+15005550011` | `queued` → `sending` → `sent` → `undelivered` | 30003, Unreachable destination handset |
//! | `+15005550012` | `queued` → `sending` → `failed` | 30008, Unknown error |
//!
//! ## Calls
//! A new call is `queued`, then `initiated`, `ringing`, `in-progress` and `completed`, a
//! fifth of a second apart. Once answered it reads its TwiML: the `Twiml` parameter, or a
//! signed POST to `Url`. Its `StatusCallback` gets the events `StatusCallbackEvent` names
//! (`initiated`, `ringing`, `answered`, `completed`; `completed` alone by default), signed,
//! with `CallStatus`, `CallbackSource`, `SequenceNumber`, `Timestamp` and `CallDuration`.
//! Every request the sandbox made for the call (its creation, the TwiML fetch, each
//! callback, with what was answered) and every TwiML verb it read (`Say`, `Gather`, `Play`,
//! `Dial`, `Number`…, with attributes and text) are the call's events, served by
//! `Calls/{Sid}/Events.json`. A missing `To` is 21201, `From` 21213, no `Url`, `Twiml` or
//! `ApplicationSid` 21205; `From +15005550001` is 21212, `To +15005550001` … `+15005550004`
//! are 21217, 21214, 21215, 21216.
//!
//! Callbacks and TwiML fetches go to loopback addresses only (`127.0.0.0/8`, `[::1]`,
//! `localhost`, plain `http://`), and to the hosts named with
//! [`SandboxBuilder::callback_hosts`]; another URL is not called (and a call's events say
//! so).
//!
//! ## Products and hosts
//! A request's `Host` names the product: `api.localhost:PORT`, and plain `localhost:PORT`
//! and `127.0.0.1:PORT`, are the 2010-04-01 API; every other product is on the first label
//! of its Twilio host (`verify.localhost:PORT`, `messaging.localhost:PORT`,
//! `conversations.localhost:PORT`, `flex-api.localhost:PORT`…; [`Sandbox::products`],
//! [`Sandbox::product_origin`]); another subdomain of `localhost` is answered 404 naming
//! it. [`Sandbox::base_url`] is `http://localhost:PORT` (when it listens on `127.0.0.1`, the
//! default): a client whose base URL it is sends each product to its own host under
//! `localhost`, as this workspace's library and CLI do, resolving those names to loopback
//! themselves (RFC 6761). Other clients need the names to resolve (systemd-resolved does;
//! plain `/etc/hosts` does not), or send each request to the sandbox's address with the
//! product's `Host`, as the official SDKs' recipe below does. [`Sandbox::address_url`]
//! (`http://127.0.0.1:PORT`) is the 2010-04-01 API by address, for a client or a proxy that
//! must see one. With [`SandboxBuilder::tls`] the URL is `https://`, and the certificate
//! names `localhost`, `api.localhost` and every product's `{label}.localhost` one by one
//! (webpki, as browsers, refuses a wildcard over a single label such as `*.localhost`), and
//! `127.0.0.1` and `::1`.
//!
//! # Every other product
//!
//! Every product of Twilio's specs besides 2010-04-01 (37 hosts, 391 resources, 1,167
//! operations) is served generically from a table generated from the specs
//! (`src/generated/products.rs`). A create stores an item shaped by the spec: its form
//! (or JSON) fields in the members they name (`FriendlyName` → `friendly_name`), the other
//! members at a default (`0`, `false`, `[]` or `null` by type), a `sid` with the prefix the
//! spec's pattern demands, `account_sid`, the parents' SIDs (`service_sid`),
//! `date_created`/`date_updated` (ISO 8601), and `url` and `links` absolute on the
//! product's origin (`http://verify.localhost:PORT/v2/Services/VA…`). A fetch returns it; a
//! list serves its collection newest first in the `meta` envelope (`page`, `page_size`,
//! `first_page_url`, `previous_page_url`, `url`, `next_page_url`, `key`; links absolute
//! on the product's origin; `PageSize` 1..=1000, default 50, and `Page`), keeping the items
//! whose members equal the query parameters that name them (`FriendlyName=…`); an update
//! changes it, `200`; a remove deletes it, `204`, then `404` (20404). A create under a
//! parent the sandbox creates but does not hold (a verification under an unknown service)
//! is 404; a missing required field, or a SID, integer or boolean that is not one, `400`
//! (20001) and nothing is written; wrong credentials `401` (20003). An item's path may spell
//! its id either way (`/v2/SafeList/Numbers/%2B15005550006` or `…/+15005550006`); its `url`
//! spells it as Twilio's answers do, a number's `+` as it is and anything a path segment
//! cannot hold escaped (`/v2/Services/VA…/Entities/alice%20smith`). An item nothing creates
//! but its update (a number's routes on `routes`, a user on `frontline-api`, a field's
//! override on `lookups`) is made by its first update, as Twilio's are. A singleton's `GET`
//! (a path without an item parameter that is no `meta` list) is not served, nor is data
//! Twilio owns (`pricing`'s countries, `lookups`' numbers): their lists are empty and their
//! fetches 404.
//!
//! Every product is tested over sockets: create → fetch → list → update → remove → 404 of the
//! first top-level resource with all five operations (28 products), and, for the nine whose
//! specs give no resource all five (`bulkexports`, `frontline-api`, `insights`, `lookups`,
//! `oauth`, `preview-iam`, `pricing`, `routes`, `supersim`), every operation their spec gives
//! the resource that has the most.
//!
//! ## Written items
//! The items written to every product, the 2010-04-01 API's and the others', are kept in one
//! store in memory, keyed by host label (`api`, `verify`…), collection and id, and bounded as
//! a whole by [`SandboxBuilder::written_items`] (default [`DEFAULT_WRITTEN_ITEMS`]): past it
//! a create of any product is answered `429` (20429) saying the store is full, and nothing is
//! written; removing items of any product makes room.
//!
//! ## Verify v2
//! A verification created under a service is `pending`. A `VerificationCheck` with `To` (or
//! `VerificationSid`) and the code [`Sandbox::verification_code`] gives (six digits derived
//! from the seed, printed by `twilio-api sandbox serve` as `Verify code:`) approves it:
//! `200` with `status: approved`, `valid: true`, and the verification is `approved`. Any
//! other code answers `200` with `status: pending`, `valid: false`, as Twilio does; a check
//! with no pending verification for that `To` (never created, or already approved) is
//! Twilio's `404` (20404).
//!
//! ## Twilio's official SDKs
//! Give them the sandbox's account SID and auth token (`twilio-api sandbox serve` prints
//! them) and an HTTP client, their own hook, that sends every request for
//! `https://{label}.twilio.com/…` to the sandbox's address with the `Host` header
//! `{label}.localhost:PORT`: every product is reached, with no name to resolve.
//!
//! ```python
//! from urllib.parse import urlsplit, urlunsplit
//! from twilio.http.http_client import TwilioHttpClient
//! from twilio.rest import Client
//!
//! class SandboxHttpClient(TwilioHttpClient):
//!     def __init__(self, port):
//!         super().__init__()
//!         self.port = port
//!
//!     def request(self, method, url, params=None, data=None, headers=None, auth=None,
//!                 timeout=None, allow_redirects=False):
//!         parts = urlsplit(url)
//!         label = parts.hostname.split(".")[0]
//!         headers = dict(headers or {}, Host=f"{label}.localhost:{self.port}")
//!         url = urlunsplit(("http", f"127.0.0.1:{self.port}", parts.path, parts.query, ""))
//!         return super().request(method, url, params, data, headers, auth, timeout,
//!                                allow_redirects)
//!
//! client = Client(account_sid, auth_token, http_client=SandboxHttpClient(8080))
//! ```
//!
//! ```js
//! class SandboxRequestClient extends twilio.RequestClient {
//!   constructor(port) { super(); this.port = port; }
//!   request(opts) {
//!     const url = new URL(opts.uri);
//!     const label = url.hostname.split(".")[0];
//!     return super.request({
//!       ...opts,
//!       uri: `http://127.0.0.1:${this.port}${url.pathname}${url.search}`,
//!       headers: { ...opts.headers, Host: `${label}.localhost:${this.port}` },
//!     });
//!   }
//! }
//! const client = twilio(accountSid, authToken, { httpClient: new SandboxRequestClient(8080) });
//! ```
//!
//! For the 2010-04-01 API alone, their base-URL hook is enough (`client.api.base_url = url`
//! in Python, `client.api.baseUrl = url` in Node). Their signature validators
//! (`RequestValidator`, `validateRequest`) accept the sandbox's callbacks with its auth
//! token. `tests/interop/official_python_sandbox.py` and `official_node_sandbox.js` run both
//! recipes in CI: a message created, fetched, listed and removed with its signed callbacks
//! validated, and a Verify verification approved with the sandbox's code.
//!
//! # Behaving like Twilio
//!
//! It behaves like Twilio where a client can tell, on every route:
//! - HTTP Basic auth with the account SID and auth token, or an API key SID and secret;
//!   otherwise `401` with Twilio's error JSON (code 20003) and
//!   `WWW-Authenticate: Basic realm="Twilio API"`. Valid credentials with another
//!   account's SID in the path are also answered 401/20003, as Twilio checks credentials
//!   against the path's account.
//! - `404` (code 20404, "The requested resource ... was not found") for unknown routes,
//!   malformed SIDs or SIDs of the wrong kind in the path and unknown resources; `405`
//!   (code 20004, `Allow` listing the methods the path takes) for a method the path does
//!   not take; `400` (code 20001) for a `PageSize` outside
//!   1..=1000, a negative or non-numeric `Page`, a `PageToken` that is not one the sandbox
//!   issued for that list (and those filters), or a date filter that is not a date.
//! - Pages carry their items, `end`, `first_page_uri`, `next_page_uri`, `page`,
//!   `page_size`, `previous_page_uri`, `start` and `uri`, with relative links and an opaque,
//!   tamper-checked `PageToken` that is authoritative for the page's offset when present.
//!   `end` is the index of the page's last item, or equals `start` on an empty page. The one
//!   unpaged list of the spec (`AvailablePhoneNumbers.json`) has only its items and `uri`.
//!
//! Credentials and SIDs are derived from the seed, so they are the same on every run
//! with the same seed; they are test credentials and [`Summary`] prints them.
//!
//! # Faults
//!
//! Tests can make the server misbehave on purpose with scripted [`Fault`]s, on every route
//! of every product (`--fault` for `twilio-api sandbox serve`, in the language of
//! [`FaultRule`]'s `FromStr`; [`Sandbox::faults`] in a test). A rule matches the requests
//! that would be answered normally: [`FaultRule::on_host`] narrows it to one product by its
//! host label (`api` for the 2010-04-01 API, `verify`…; `host=verify`),
//! [`FaultRule::on_path`] to a path prefix (`path=/v2/Services`), [`FaultRule::on_method`]
//! to `POST`, `DELETE`, `GET`, `PUT` or `PATCH`; a rule's `call` is the request's `CallSid`,
//! or the `Sid` of `Calls/{Sid}.json`; its `page` is 0 for a fetch and a write. On a write, a
//! status fault answers instead of it and nothing is written (a `429` a client may send
//! again; a `503` it must not, not knowing); any other fault applies to the answer after the
//! write was done (a `disconnect` is a cut after the write was applied: the client cannot
//! know, and must not send twice). For example `--fault status:503,host=verify,method=POST`
//! answers the next Verify write `503` and writes nothing.
//!
//! Given a webhook URL ([`SandboxBuilder::webhook_url`], loopback only), it also plays
//! Twilio's other half: it POSTs each call's status callbacks there, form-encoded with the
//! parameters Twilio sends (`AccountSid`, `ApiVersion`, `CallSid`, `CallStatus`, `From`,
//! `To`, `Direction`, `CallbackSource`, `SequenceNumber`, `Timestamp`, `CallDuration`...)
//! and signed with its auth token in `X-Twilio-Signature`, so that a webhook handler and its
//! signature check can be tested offline.
//!
//! # Example
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use twilio_sandbox::{Fault, Sandbox};
//!
//! let sandbox = Sandbox::builder()
//!     .seed(7)
//!     .calls(3)
//!     .call_with_events(1_000)
//!     .start()
//!     .await?;
//! let big_call = sandbox.call_sids().pop().expect("one call was added");
//! assert_eq!(sandbox.event_count(&big_call), Some(1_000));
//! assert!(sandbox.base_url().starts_with("http://localhost:"));
//! // Point a client at `sandbox.base_url()` with `sandbox.account_sid()` and
//! // `sandbox.auth_token()`, e.g. for GET {base_url}{events_path}:
//! let path = sandbox.events_path(&big_call);
//! assert!(path.ends_with("/Events.json"));
//! // Any other route of the spec, with path values the sandbox serves:
//! let messages = sandbox.path_values("ListMessage", &[])?.path();
//! assert_eq!(messages, format!("/2010-04-01/Accounts/{}/Messages.json", sandbox.account_sid()));
//! // The next page request will get a 503 with Retry-After: 1.
//! sandbox.faults().push(Fault::Status {
//!     status: http::StatusCode::SERVICE_UNAVAILABLE,
//!     retry_after: Some(1),
//!     html: false,
//! });
//! println!("{}", sandbox.summary());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// On docs.rs, feature-gated items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The rooms, each importing only the rooms below it:
//   sandbox, error        the public handle, and why it could not start
//   server                the HTTP server: connections, authentication, the product a Host
//                         names, dispatch
//   read, write, crud     the answers to reads and writes of the store (read::events: the
//                         seeded calls' events; crud: every other product, generically)
//   products              each product's own behaviour (messages, calls, twiml, verify)
//   fault, callback, limit  scripted faults (and applying them), signed callbacks, limits
//   state                 what every handler shares
//   store                 seeded data, the route table, written items
//   reply, server::body   leaves: Twilio's error JSON, response bodies
mod callback;
mod crud;
mod error;
mod fault;
mod limit;
mod products;
mod read;
mod reply;
mod sandbox;
mod server;
mod state;
mod store;
mod write;

/// The code generated from the spec by `cargo xtask codegen`.
mod generated {
    pub(crate) mod products;
    pub(crate) mod routes;
    pub(crate) mod writes;
}

pub use callback::WebhookDelivery;
pub use error::SandboxError;
pub use fault::{Fault, FaultRule, FaultSpecError, Faults};
pub use limit::AccountLimit;
pub use sandbox::{
    CallSummary, DEFAULT_CALLS, DEFAULT_MESSAGES, DEFAULT_PAGE_CACHE_BYTES, DEFAULT_REQUEST_LOG,
    DEFAULT_SEED, MAX_CALLS, MAX_MESSAGES, Sandbox, SandboxBuilder, Stats, Summary,
};
pub use state::RecordedRequest;
pub use store::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use store::path_values::{Given, PathValues, PathValuesError};
pub use store::routes::Route;
pub use store::written::DEFAULT_WRITTEN_ITEMS;
