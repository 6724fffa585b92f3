//! The writes of the API (`POST`, `DELETE`): answered `405` with Twilio's code 20004, as the
//! sandbox serves reads only.

use bytes::Bytes;
use http::StatusCode;
use http::request::Parts;

use crate::fault::Fault;
use crate::reply::{Outcome, error_response};
use crate::state::{Shared, bump};

/// Answers an authenticated request that is not a `GET`.
pub(crate) async fn respond(
    shared: &std::sync::Arc<Shared>,
    req: &Parts,
    _body: &Bytes,
) -> (Outcome, Option<Fault>) {
    bump(&shared.counters.error_responses, 1);
    let message = format!("Method {} not allowed on {}", req.method, req.uri.path());
    (
        Outcome::answer(error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            20004,
            &message,
        )),
        None,
    )
}
