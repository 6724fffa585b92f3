//! Each product's own behaviour on top of the generic store: what Twilio checks before it
//! accepts a message or a call (its error codes, its test numbers), what a new one looks
//! like, and what it does next.

pub(crate) mod calls;
pub(crate) mod messages;
pub(crate) mod twiml;
pub(crate) mod verify;

use std::sync::Arc;

use crate::state::Shared;
use crate::store::world::Entity;
use crate::store::writes::WriteSpec;
use crate::write::Form;

/// Twilio's checks of a write before the generic ones: `Err((code, message))` for its 400.
pub(crate) fn check(write: &WriteSpec, form: &Form) -> Result<(), (u32, String)> {
    match write.id {
        "CreateMessage" => messages::check(form),
        "CreateCall" => calls::check(form),
        _ => Ok(()),
    }
}

/// The SID prefix of a new item when the product decides it (`MM` for a message with media).
pub(crate) fn prefix(write: &WriteSpec, form: &Form) -> Option<&'static str> {
    match write.id {
        "CreateMessage" => Some(messages::prefix(form)),
        _ => None,
    }
}

/// Sets what a new item of the product starts as (a message `queued`, with its media).
pub(crate) fn created(_shared: &Shared, write: &WriteSpec, form: &Form, entity: &mut Entity) {
    match write.id {
        "CreateMessage" => messages::created(form, entity),
        "CreateCall" => calls::created(entity),
        _ => {}
    }
}

/// What the creation of an item answered: where, and the item.
pub(crate) struct Creation<'a> {
    pub(crate) account: &'a str,
    pub(crate) path: &'a str,
    pub(crate) item: &'a [u8],
}

/// Starts what a new item does next (a message's or a call's lifecycle), once it is stored
/// and answered.
pub(crate) fn started(
    shared: &Arc<Shared>,
    write: &WriteSpec,
    form: &Form,
    entity: &Entity,
    creation: &Creation<'_>,
) {
    match write.id {
        "CreateMessage" => messages::start(shared, form, entity, creation.account),
        "CreateCall" => calls::start(
            shared,
            form,
            entity,
            creation.account,
            creation.path,
            creation.item,
        ),
        _ => {}
    }
}
