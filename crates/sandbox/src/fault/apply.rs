//! Applying a scripted [`Fault`] to an answer: the same code for every route.

use bytes::Bytes;
use http::header::{self, HeaderValue};

use crate::fault::{Fault, Target};
use crate::reply::{Outcome, error_response, json_ok, len_u64, with_type};
use crate::server::body::{SandboxBody, Step};
use crate::state::{Counters, Shared, bump};

/// Takes the fault a queued rule holds for a request, if any, and counts it.
pub(crate) fn take(shared: &Shared, target: &Target<'_>) -> Option<Fault> {
    let fault = shared.faults.take(target);
    if fault.is_some() {
        bump(&shared.counters.faults_injected, 1);
    }
    fault
}

/// Takes the fault for a request of the 2010-04-01 API (`call`: the call it is for, `""`
/// for none; `page`: 0 for a fetch and a write).
pub(crate) fn take_api(
    shared: &Shared,
    req: &http::request::Parts,
    call: &str,
    page: u64,
) -> Option<Fault> {
    take(
        shared,
        &Target {
            method: &req.method,
            host: "api",
            path: req.uri.path(),
            call,
            page,
        },
    )
}

/// A whole answer with no links (a write's, or a product's), as a body faults apply to.
pub(crate) struct Whole(pub(crate) Bytes);

impl PageSource for Whole {
    fn bytes(&self, _shared: &Shared) -> Bytes {
        self.0.clone()
    }
    fn with_next(&self, _shared: &Shared, _next: Option<String>) -> Bytes {
        self.0.clone()
    }
    fn uri(&self) -> &str {
        ""
    }
    fn next_page_uri(&self) -> Option<&str> {
        None
    }
    fn next_without_page(&self) -> Option<String> {
        None
    }
    fn count_served(&self, _counters: &Counters) {}
}

/// `fault` applied to a whole answer of `status` (the answer's status kept where the fault
/// answers with the body).
pub(crate) fn whole_outcome(
    shared: &Shared,
    status: http::StatusCode,
    bytes: Bytes,
    fault: Option<Fault>,
) -> Outcome {
    let mut outcome = page_outcome(shared, &Whole(bytes), fault);
    if let Outcome::Answer { response, .. } = &mut outcome
        && response.status() == http::StatusCode::OK
    {
        *response.status_mut() = status;
    }
    outcome
}

/// A body a fault can be applied to: an events page, or any answer of the route table.
pub(crate) trait PageSource {
    /// The unaltered body.
    fn bytes(&self, shared: &Shared) -> Bytes;
    /// The body with `next_page_uri` replaced (unchanged for a body without links).
    fn with_next(&self, shared: &Shared, next: Option<String>) -> Bytes;
    /// The page's own `uri`.
    fn uri(&self) -> &str;
    fn next_page_uri(&self) -> Option<&str>;
    /// The link to the next page without its `Page` parameter.
    fn next_without_page(&self) -> Option<String>;
    /// Counts the unaltered answer in the stats.
    fn count_served(&self, counters: &Counters);
}

pub(crate) fn page_outcome(
    shared: &Shared,
    plan: &dyn PageSource,
    fault: Option<Fault>,
) -> Outcome {
    let Some(fault) = fault else {
        plan.count_served(&shared.counters);
        return Outcome::answer(json_ok(SandboxBody::full(plan.bytes(shared))));
    };
    match fault {
        Fault::Status {
            status,
            retry_after,
            html,
        } => {
            let mut response = if html {
                let reason = status.canonical_reason().unwrap_or("Error");
                let code = status.as_u16();
                let body = format!(
                    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
                );
                let mut r = with_type(SandboxBody::full(body), "text/html");
                *r.status_mut() = status;
                r
            } else {
                let reason = status.canonical_reason().unwrap_or("Error");
                error_response(status, 20_000 + u32::from(status.as_u16()), reason)
            };
            if let Some(secs) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            Outcome::answer(response)
        }
        Fault::Delay(delay) => Outcome::Answer {
            response: json_ok(SandboxBody::full(plan.bytes(shared))),
            delay,
        },
        Fault::StallBody { after_bytes, pause } => {
            let bytes = plan.bytes(shared);
            let cut = after_bytes.min(bytes.len());
            let steps = vec![
                Step::Data(bytes.slice(..cut)),
                Step::Flush,
                Step::Pause(pause),
                Step::Data(bytes.slice(cut..)),
            ];
            Outcome::answer(json_ok(SandboxBody::scripted(
                steps,
                Some(len_u64(bytes.len())),
            )))
        }
        Fault::CutBody { after_bytes } => {
            let bytes = plan.bytes(shared);
            // Never send the whole body: the server would consider the message complete.
            let cut = after_bytes.min(bytes.len().saturating_sub(1));
            let steps = vec![Step::Data(bytes.slice(..cut)), Step::Flush, Step::Fail];
            Outcome::answer(json_ok(SandboxBody::scripted(
                steps,
                Some(len_u64(bytes.len())),
            )))
        }
        Fault::Disconnect => Outcome::Disconnect,
        Fault::TruncatedJson => {
            let bytes = plan.bytes(shared);
            let half = bytes.slice(..bytes.len() / 2);
            Outcome::answer(json_ok(SandboxBody::full(half)))
        }
        Fault::MalformedJson => Outcome::answer(json_ok(SandboxBody::full(Bytes::from_static(
            b"{\"events\": [{\"request\": <Response>not json</Response>}], \"end\": ,}",
        )))),
        Fault::Oversized {
            min_bytes,
            declare_length,
        } => {
            let bytes = plan.bytes(shared);
            let pad = min_bytes.saturating_sub(bytes.len());
            let split = bytes.len().saturating_sub(1);
            let mut steps = vec![Step::Data(bytes.slice(..split))];
            const CHUNK: usize = 64 * 1024;
            let spaces = Bytes::from(vec![b' '; CHUNK.min(pad)]);
            let mut left = pad;
            while left > 0 {
                let n = left.min(CHUNK);
                steps.push(Step::Data(spaces.slice(..n)));
                left -= n;
            }
            steps.push(Step::Data(bytes.slice(split..)));
            let total = len_u64(bytes.len().saturating_add(pad));
            Outcome::answer(json_ok(SandboxBody::scripted(
                steps,
                declare_length.then_some(total),
            )))
        }
        Fault::ForeignNextLink { origin } => {
            let target = plan.next_page_uri().unwrap_or_else(|| plan.uri());
            let next = Some(format!("{}{target}", origin.trim_end_matches('/')));
            Outcome::answer(json_ok(SandboxBody::full(plan.with_next(shared, next))))
        }
        Fault::LinkCycle => {
            let next = Some(plan.uri().to_owned());
            Outcome::answer(json_ok(SandboxBody::full(plan.with_next(shared, next))))
        }
        Fault::TokenWithoutPage => {
            let next = plan.next_without_page();
            Outcome::answer(json_ok(SandboxBody::full(plan.with_next(shared, next))))
        }
        Fault::WrongContentType { content_type } => Outcome::answer(with_type(
            SandboxBody::full(plan.bytes(shared)),
            &content_type,
        )),
        Fault::EmptyOk => Outcome::answer(json_ok(SandboxBody::full(Bytes::new()))),
    }
}
