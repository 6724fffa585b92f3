//! The writes table: every `POST` and `DELETE` of the 2010-04-01 API, generated from the spec
//! (`generated/writes.rs`), the types its rows are made of, and path matching.
//!
//! A row says everything the generic store needs: the path, whether the write creates,
//! updates or removes, its form parameters (the item member each sets, required or not,
//! their type), the list whose items it writes (`None` when no list serves them, or the
//! answer is not one of them: feedback, tokens, validation requests, streams), the `GET`
//! whose path parameters resolve its own, and the member and SID prefix that name an item
//! (`sid` and `SM` for a message, `call_sid` and `CA` for a participant).
//!
//! Another product's writes will be more rows of the same shape (the table is per product,
//! chosen by the request's `Host`).

use crate::generated::writes::WRITES;
use crate::store::routes::{PathParam, Segment};

/// What a write does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// `POST` to a list: makes an item.
    Create,
    /// `POST` to an item: changes it.
    Update,
    /// `DELETE` of an item.
    Remove,
}

/// The type of a form parameter, as far as the sandbox checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Text,
    /// A SID with this prefix.
    Sid(&'static str),
    Integer,
    Bool,
    /// A parameter that may repeat (`MediaUrl`, `StatusCallbackEvent`).
    Many,
}

/// A form parameter of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyField {
    /// The spec's name, e.g. `FriendlyName`.
    pub(crate) name: &'static str,
    /// The item member it sets (`friendly_name`), if the item has one.
    pub(crate) field: Option<&'static str>,
    pub(crate) required: bool,
    pub(crate) kind: BodyKind,
}

/// One row of the generated table.
#[derive(Debug)]
pub(crate) struct WriteSpec {
    /// The spec's `operationId`, e.g. `CreateMessage`.
    pub(crate) id: &'static str,
    pub(crate) action: Action,
    pub(crate) segments: &'static [Segment],
    pub(crate) params: &'static [PathParam],
    pub(crate) body: &'static [BodyField],
    /// The list route whose items it writes, if any.
    pub(crate) collection: Option<&'static str>,
    /// Where the store keeps its items: the list's id, or for items no list serves the path
    /// template of their list (`…/Calls/{CallSid}/Streams.json`).
    pub(crate) store: &'static str,
    /// The `GET` route that resolves the path parameters (the same path, or the parent's).
    pub(crate) resolve: Option<&'static str>,
    /// The members of the item it answers with.
    pub(crate) members: &'static [&'static str],
    /// The member that names an item (`sid`, or `call_sid` for participants).
    pub(crate) id_field: &'static str,
    /// The SID prefix of a new item's name, from the spec's pattern.
    pub(crate) id_prefix: Option<&'static str>,
}

#[cfg(test)]
impl WriteSpec {
    /// The form parameter `name`.
    pub(crate) fn param(&self, name: &str) -> Option<&BodyField> {
        self.body.iter().find(|b| b.name == name)
    }
}

/// Every write of the table.
#[cfg(test)]
pub(crate) fn all() -> &'static [WriteSpec] {
    WRITES
}

/// The write with this operation id.
#[cfg(test)]
pub(crate) fn by_id(id: &str) -> Option<&'static WriteSpec> {
    WRITES.iter().find(|w| w.id == id)
}

/// The write a method and path name, with the values of its path parameters; the one with
/// more static segments wins (`IncomingPhoneNumbers/Local.json` over
/// `IncomingPhoneNumbers/{Sid}.json`).
pub(crate) fn match_path(delete: bool, path: &str) -> Option<(&'static WriteSpec, Vec<&str>)> {
    let rest = path.strip_prefix("/2010-04-01/")?.strip_suffix(".json")?;
    let parts: Vec<&str> = rest.split('/').collect();
    let mut best: Option<(&'static WriteSpec, usize)> = None;
    for write in WRITES {
        if (write.action == Action::Remove) != delete || write.segments.len() != parts.len() {
            continue;
        }
        let mut statics = 0;
        let matches = write
            .segments
            .iter()
            .zip(&parts)
            .all(|(segment, part)| match segment {
                Segment::Static(name) => {
                    statics += 1;
                    name == part
                }
                Segment::Param(_) => !part.is_empty(),
            });
        if matches && best.is_none_or(|(_, s)| statics > s) {
            best = Some((write, statics));
        }
    }
    let (write, _) = best?;
    let mut values = vec![""; write.params.len()];
    for (segment, part) in write.segments.iter().zip(&parts) {
        if let Segment::Param(i) = segment
            && let Some(slot) = values.get_mut(*i)
        {
            *slot = part;
        }
    }
    Some((write, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_every_write_of_the_spec() {
        assert_eq!(all().len(), 94);
        let message = by_id("CreateMessage").unwrap();
        assert_eq!(message.action, Action::Create);
        assert_eq!(message.collection, Some("ListMessage"));
        assert_eq!((message.id_field, message.id_prefix), ("sid", Some("SM")));
        let to = message.param("To").unwrap();
        assert!(to.required);
        assert_eq!(to.field, Some("to"));
        let queue = by_id("CreateQueue").unwrap();
        assert_eq!(
            queue.param("FriendlyName").unwrap().field,
            Some("friendly_name")
        );
        let participant = by_id("UpdateParticipant").unwrap();
        assert_eq!(
            (participant.id_field, participant.id_prefix),
            ("call_sid", Some("CA"))
        );
        assert_eq!(by_id("DeleteMessage").unwrap().action, Action::Remove);
    }

    #[test]
    fn paths_match_the_most_specific_write() {
        let ac = "AC00000000000000000000000000000000";
        let local = format!("/2010-04-01/Accounts/{ac}/IncomingPhoneNumbers/Local.json");
        let (w, values) = match_path(false, &local).unwrap();
        assert_eq!((w.id, values), ("CreateIncomingPhoneNumberLocal", vec![ac]));
        let (w, _) = match_path(
            true,
            &format!("/2010-04-01/Accounts/{ac}/Messages/SM00000000000000000000000000000000.json"),
        )
        .unwrap();
        assert_eq!(w.id, "DeleteMessage");
        assert!(match_path(true, &format!("/2010-04-01/Accounts/{ac}/Messages.json")).is_none());
    }
}
