//! Messages: what Twilio checks before it accepts one (its codes for a missing `To`, `From`
//! or `Body`, and its documented test numbers), what a new one looks like (`queued`, `MM`
//! and `num_media` with media), and its lifecycle on a compressed clock: `queued` →
//! `sending` → `sent` → `delivered`, each change POSTed to its `StatusCallback` (loopback
//! only), form-encoded and signed with `X-Twilio-Signature` as Twilio signs.
//!
//! Twilio's test numbers (as its test credentials answer them):
//!
//! | parameter | number | answer |
//! |---|---|---|
//! | `From` | `+15005550006` | accepted (as any other number) |
//! | `From` | `+15005550001` | 400, 21212: the phone number is invalid |
//! | `From` | `+15005550007` | 400, 21606: not owned by the account or not SMS-capable |
//! | `From` | `+15005550008` | 400, 21611: the number's SMS queue is full |
//! | `To` | `+15005550001` | 400, 21211: the phone number is invalid |
//! | `To` | `+15005550002` | 400, 21612: Twilio cannot route to this number |
//! | `To` | `+15005550003` | 400, 21408: no permission to send to this region |
//! | `To` | `+15005550004` | 400, 21610: the number is blocked (replied STOP) |
//! | `To` | `+15005550009` | 400, 21614: the number cannot receive SMS |
//!
//! And the sandbox's own (Twilio's test credentials have none for what happens after a
//! message is accepted): a message to them is accepted, then ends as Twilio ends one that
//! could not be delivered, with the codes Twilio's error dictionary gives.
//!
//! | `To` | lifecycle | `error_code`, `error_message` |
//! |---|---|---|
//! | `+15005550011` | `queued` → `sending` → `sent` → `undelivered` | 30003, Unreachable destination handset |
//! | `+15005550012` | `queued` → `sending` → `failed` | 30008, Unknown error |
//!
//! The callback of the last state carries `ErrorCode` as Twilio's does.

use std::sync::Arc;
use std::time::Duration;

use crate::callback::{WebhookTarget, send};
use crate::state::Shared;
use crate::store::world::{Entity, Fact};
use crate::write::{Form, now};

/// The time between two states of a message's lifecycle.
pub(crate) const STEP: Duration = Duration::from_millis(250);

/// The states after `queued` of a message delivered, in order.
const DELIVERED: &[&str] = &["sending", "sent", "delivered"];

/// How a message ends: its states after `queued`, and the error of the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ending {
    states: &'static [&'static str],
    error: Option<(i64, &'static str)>,
}

/// The sandbox's test numbers whose messages are not delivered, by `To`.
const NOT_DELIVERED: &[(&str, Ending)] = &[
    (
        "+15005550011",
        Ending {
            states: &["sending", "sent", "undelivered"],
            error: Some((30003, "Unreachable destination handset")),
        },
    ),
    (
        "+15005550012",
        Ending {
            states: &["sending", "failed"],
            error: Some((30008, "Unknown error")),
        },
    ),
];

/// How a message to `to` ends.
fn ending(to: &str) -> Ending {
    NOT_DELIVERED
        .iter()
        .find(|(number, _)| *number == to)
        .map_or(
            Ending {
                states: DELIVERED,
                error: None,
            },
            |(_, ending)| *ending,
        )
}

/// Twilio's codes for its test numbers, by parameter.
const TEST_NUMBERS: &[(&str, &str, u32, &str)] = &[
    (
        "From",
        "+15005550001",
        21212,
        "The 'From' number +15005550001 is not a valid phone number.",
    ),
    (
        "From",
        "+15005550007",
        21606,
        "The 'From' phone number provided (+15005550007) is not a valid message-capable Twilio phone number for this destination/account.",
    ),
    (
        "From",
        "+15005550008",
        21611,
        "This 'From' number has exceeded the maximum number of queued messages.",
    ),
    (
        "To",
        "+15005550001",
        21211,
        "The 'To' number +15005550001 is not a valid phone number.",
    ),
    (
        "To",
        "+15005550002",
        21612,
        "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number via SMS.",
    ),
    (
        "To",
        "+15005550003",
        21408,
        "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003.",
    ),
    (
        "To",
        "+15005550004",
        21610,
        "Attempt to send to unsubscribed recipient",
    ),
    (
        "To",
        "+15005550009",
        21614,
        "'To' number is not a valid mobile number",
    ),
];

/// Twilio's checks of a new message.
pub(crate) fn check(form: &Form) -> Result<(), (u32, String)> {
    let given = |name: &str| form.get(name).is_some_and(|v| !v.is_empty());
    if !given("To") {
        return Err((21604, "A 'To' phone number is required.".to_owned()));
    }
    if !given("From") && !given("MessagingServiceSid") {
        return Err((21603, "A 'From' phone number is required.".to_owned()));
    }
    if !given("Body") && !given("MediaUrl") && !given("ContentSid") {
        return Err((21602, "Message body is required.".to_owned()));
    }
    for (param, number, code, message) in TEST_NUMBERS {
        if form.get(param) == Some(number) {
            return Err((*code, (*message).to_owned()));
        }
    }
    Ok(())
}

/// `MM` for a message with media, else `SM`.
pub(crate) fn prefix(form: &Form) -> &'static str {
    if form.all("MediaUrl").is_empty() {
        "SM"
    } else {
        "MM"
    }
}

/// A new message: queued, outbound, its media counted, its segments counted.
pub(crate) fn created(form: &Form, entity: &mut Entity) {
    let media = form.all("MediaUrl").len();
    let body = form.get("Body").unwrap_or_default();
    let segments = body.chars().count().div_ceil(160).max(1);
    entity.set("status", Fact::Static("queued"));
    entity.set("direction", Fact::Static("outbound-api"));
    entity.set("num_media", Fact::Str(media.to_string()));
    entity.set("num_segments", Fact::Str(segments.to_string()));
    entity.set("body", Fact::Str(body.to_owned()));
    entity.set("date_sent", Fact::Null);
    entity.set("error_code", Fact::Null);
    entity.set("error_message", Fact::Null);
    entity.set("price", Fact::Null);
    entity.set("api_version", Fact::Static("2010-04-01"));
}

/// Runs the lifecycle of a stored message in the background.
pub(crate) fn start(shared: &Arc<Shared>, form: &Form, entity: &Entity, account: &str) {
    let target = form.get("StatusCallback").and_then(|url| {
        match WebhookTarget::parse_allowing(url, &shared.callback_hosts) {
            Ok(target) => Some(target),
            Err(reason) => {
                tracing::debug!(
                    url,
                    reason,
                    "sandbox will not call back a message's StatusCallback"
                );
                None
            }
        }
    });
    let shared = Arc::clone(shared);
    let sid = entity.id.clone();
    let account = account.to_owned();
    let to = form.get("To").unwrap_or_default().to_owned();
    let from = form.get("From").unwrap_or_default().to_owned();
    let service = form.get("MessagingServiceSid").map(str::to_owned);
    let ending = ending(&to);
    tokio::spawn(async move {
        let last = ending.states.len().saturating_sub(1);
        for (i, &status) in ending.states.iter().enumerate() {
            tokio::time::sleep(STEP).await;
            let t = now();
            let error = ending.error.filter(|_| i == last);
            let still_there = shared.written.update("ListMessage", &sid, |e| {
                e.set("status", Fact::Static(status));
                e.updated = t;
                e.set("date_updated", Fact::Time(t));
                if status == "sent" {
                    e.set("date_sent", Fact::Time(t));
                }
                if let Some((code, message)) = error {
                    e.set("error_code", Fact::Int(code));
                    e.set("error_message", Fact::Static(message));
                }
            });
            if !still_there {
                return;
            }
            let Some(target) = &target else { continue };
            let mut params: Vec<(&'static str, String)> = vec![
                ("AccountSid", account.clone()),
                ("ApiVersion", "2010-04-01".to_owned()),
                ("From", from.clone()),
                ("MessageSid", sid.clone()),
                ("MessageStatus", status.to_owned()),
                ("SmsSid", sid.clone()),
                ("SmsStatus", status.to_owned()),
                ("To", to.clone()),
            ];
            if let Some(service) = &service {
                params.push(("MessagingServiceSid", service.clone()));
            }
            if let Some((code, _)) = error {
                params.push(("ErrorCode", code.to_string()));
            }
            let outcome = send(&shared, target, &params, &mut None).await;
            tracing::debug!(%sid, status, ?outcome, "sandbox message status callback");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Form {
        Form(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn twilios_codes() {
        let ok = [
            ("To", "+15005550010"),
            ("From", "+15005550006"),
            ("Body", "hi"),
        ];
        assert_eq!(check(&form(&ok)), Ok(()));
        assert_eq!(check(&form(&ok[1..])).unwrap_err().0, 21604);
        assert_eq!(check(&form(&[ok[0], ok[2]])).unwrap_err().0, 21603);
        assert_eq!(check(&form(&ok[..2])).unwrap_err().0, 21602);
        for (param, number, code, _) in TEST_NUMBERS {
            let mut pairs = ok.to_vec();
            pairs.retain(|(k, _)| k != param);
            pairs.push((param, number));
            assert_eq!(
                check(&form(&pairs)).unwrap_err().0,
                *code,
                "{param} {number}"
            );
        }
        assert_eq!(prefix(&form(&[("MediaUrl", "http://x")])), "MM");
        for (number, _) in NOT_DELIVERED {
            let mut pairs = ok.to_vec();
            pairs[0] = ("To", number);
            assert_eq!(check(&form(&pairs)), Ok(()), "{number}");
        }
        assert_eq!(ending("+15005550011").states.last(), Some(&"undelivered"));
        assert_eq!(ending("+15005550012").error.map(|e| e.0), Some(30008));
        assert_eq!(ending("+15005550010").states, DELIVERED);
        assert_eq!(prefix(&form(&ok)), "SM");
    }
}
