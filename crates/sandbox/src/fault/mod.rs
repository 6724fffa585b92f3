//! Scripted faults: ways for a test to make the sandbox misbehave on purpose.
//!
//! Faults are queued as [`FaultRule`]s on the sandbox's [`Faults`] handle. Each request that
//! would otherwise be answered with a page or a resource, on any route (authenticated,
//! routed to a known call or resource, valid paging and filters) is checked against the
//! queue in order: the first rule that matches it is applied and its remaining count
//! decremented; a rule whose count reaches zero is removed. Requests that match no rule, and
//! requests answered with an error anyway, are served normally.

pub(crate) mod apply;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::StatusCode;

/// One way to misbehave on a page request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with `status` instead of the page: a Twilio error JSON body
    /// (`{"code": 20000 + status, "message", "more_info", "status"}`), or, with `html`, an
    /// HTML error page as a proxy or load balancer would send. With `retry_after`, a
    /// `Retry-After` header in seconds.
    Status {
        /// The status to answer with (typically 429, 500, 502, 503 or 504).
        status: StatusCode,
        /// The `Retry-After` header value in seconds, if any.
        retry_after: Option<u64>,
        /// Whether the body is HTML (`text/html`) rather than Twilio's JSON.
        html: bool,
    },
    /// Wait this long before sending the response headers, then serve the page normally.
    Delay(Duration),
    /// Send the first `after_bytes` bytes of the page, pause for `pause`, then send the rest.
    /// `Content-Length` is the full length.
    StallBody {
        /// Bytes sent before the pause.
        after_bytes: usize,
        /// How long the body stalls.
        pause: Duration,
    },
    /// Declare the full `Content-Length`, send the first `after_bytes` bytes, then drop the
    /// connection.
    CutBody {
        /// Bytes sent before the connection is cut.
        after_bytes: usize,
    },
    /// Close the connection without sending any response.
    Disconnect,
    /// A `200` whose body is the first half of the page: syntactically cut JSON, with an
    /// honest `Content-Length`.
    TruncatedJson,
    /// A `200` with a `Content-Type: application/json` body that is not JSON at all.
    MalformedJson,
    /// The page padded with whitespace (still valid JSON, same content) to at least
    /// `min_bytes` bytes. With `declare_length` the size is announced in `Content-Length`;
    /// without it the body is sent chunked, so only counting bytes reveals the size.
    Oversized {
        /// The minimum body size.
        min_bytes: usize,
        /// Whether to send `Content-Length` (otherwise chunked transfer encoding).
        declare_length: bool,
    },
    /// The page with `next_page_uri` made absolute on another origin (for example
    /// `"https://evil.example"`). On the last page the link points at the page itself on
    /// that origin. A client must not follow it with credentials.
    ForeignNextLink {
        /// Scheme and authority of the foreign origin, without a trailing slash.
        origin: String,
    },
    /// The page with `next_page_uri` equal to its own `uri`: an endless loop for a client
    /// that does not notice.
    LinkCycle,
    /// The page with `next_page_uri` carrying `PageToken` but no `Page` parameter (the
    /// sandbox serves such links correctly). No change on the last page.
    TokenWithoutPage,
    /// The page with another `Content-Type` (for example `text/html`).
    WrongContentType {
        /// The content type to send.
        content_type: String,
    },
    /// A `200` with an empty body.
    EmptyOk,
}

impl Fault {
    /// A Twilio JSON error answer with `status` and no `Retry-After`.
    ///
    /// An invalid status code (outside 100..=999) becomes a 500.
    pub fn status(status: u16) -> Self {
        Self::Status {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            retry_after: None,
            html: false,
        }
    }

    /// A `429 Too Many Requests` Twilio JSON answer, with `Retry-After` if given.
    pub fn too_many_requests(retry_after: Option<u64>) -> Self {
        Self::Status {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after,
            html: false,
        }
    }
}

/// A fault plus when, and how many times, to apply it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub(crate) fault: Fault,
    pub(crate) page: Option<u64>,
    pub(crate) call_sid: Option<String>,
    pub(crate) method: Option<http::Method>,
    pub(crate) host: Option<String>,
    pub(crate) path: Option<String>,
    pub(crate) times: u32,
}

/// The request a rule is matched against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub(crate) method: &'a http::Method,
    /// The product's host label: `api` for the 2010-04-01 API, `verify`…
    pub(crate) host: &'a str,
    /// The request's path, without its query.
    pub(crate) path: &'a str,
    /// The call it is for (`""`: none).
    pub(crate) call: &'a str,
    /// The page asked for (0 for a fetch and a write).
    pub(crate) page: u64,
}

impl FaultRule {
    /// A rule applying `fault` once, to the next request of any product that would be
    /// answered normally.
    pub fn new(fault: Fault) -> Self {
        Self {
            fault,
            page: None,
            call_sid: None,
            method: None,
            host: None,
            path: None,
            times: 1,
        }
    }

    /// Only match requests for this page number (the `Page` parameter, or the page derived
    /// from a `PageToken`).
    #[must_use]
    pub fn on_page(mut self, page: u64) -> Self {
        self.page = Some(page);
        self
    }

    /// Only match requests for this call.
    #[must_use]
    pub fn on_call(mut self, call_sid: impl Into<String>) -> Self {
        self.call_sid = Some(call_sid.into());
        self
    }

    /// Only match requests with this method: `POST` for the writes that create or change,
    /// `DELETE` for removes, `GET` for reads.
    #[must_use]
    pub fn on_method(mut self, method: http::Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Only match requests for the product on this host label: `api` for the 2010-04-01 API
    /// (`api.localhost`, `localhost`, `127.0.0.1`), `verify` for `verify.localhost`, and so
    /// on (see [`Sandbox::products`](crate::Sandbox::products)). Compared without case.
    #[must_use]
    pub fn on_host(mut self, label: impl Into<String>) -> Self {
        self.host = Some(label.into().to_ascii_lowercase());
        self
    }

    /// Only match requests whose path starts with `prefix` (`/v2/Services` matches a
    /// service, its verifications and everything under it; the query is not part of it).
    #[must_use]
    pub fn on_path(mut self, prefix: impl Into<String>) -> Self {
        self.path = Some(prefix.into());
        self
    }

    /// Apply the fault to this many matching requests (default 1; 0 makes the rule inert,
    /// so it is dropped when pushed; `u32::MAX` is practically forever).
    #[must_use]
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    fn matches(&self, target: &Target<'_>) -> bool {
        self.method.as_ref().is_none_or(|m| m == target.method)
            && self.page.is_none_or(|p| p == target.page)
            && self.call_sid.as_deref().is_none_or(|c| c == target.call)
            && self.host.as_deref().is_none_or(|h| h == target.host)
            && self
                .path
                .as_deref()
                .is_none_or(|p| target.path.starts_with(p))
    }
}

impl From<Fault> for FaultRule {
    fn from(fault: Fault) -> Self {
        Self::new(fault)
    }
}

/// The queue of scripted faults of a running sandbox. Cheap to clone; clones share the queue.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<VecDeque<FaultRule>>>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<FaultRule>> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `fault` for the next page request (any call, any page), once.
    pub fn push(&self, fault: Fault) {
        self.push_rule(FaultRule::new(fault));
    }

    /// Queues a rule (see [`FaultRule`]); rules are tried in the order they were pushed.
    pub fn push_rule(&self, rule: impl Into<FaultRule>) {
        let rule = rule.into();
        if rule.times > 0 {
            self.lock().push_back(rule);
        }
    }

    /// How many rules are still queued.
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    /// Removes every queued rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Takes the fault for a request, if a rule matches it.
    pub(crate) fn take(&self, target: &Target<'_>) -> Option<Fault> {
        let mut rules = self.lock();
        let i = rules.iter().position(|r| r.matches(target))?;
        let rule = rules.get_mut(i)?;
        rule.times -= 1;
        let fault = rule.fault.clone();
        if rule.times == 0 {
            rules.remove(i);
        }
        Some(fault)
    }
}

/// A [`FaultRule`] written as text, for `twilio-api sandbox serve --fault` and for
/// configuration files:
/// `KIND[:ARG][,host=LABEL][,path=PREFIX][,page=N][,call=CA…][,method=POST|DELETE|GET]`
/// `[,times=N|forever][,retry-after=S]`.
///
/// A rule reaches every product: `host=` narrows it to one by its host label (`api` for the
/// 2010-04-01 API, `verify` for `verify.localhost`…; [`FaultRule::on_host`]), `path=` to the
/// paths starting with a prefix ([`FaultRule::on_path`]).
///
/// Faults reach writes too (`POST`, `DELETE`; `method=` narrows a rule to them): a
/// `status`/`html` fault answers instead of the write, and nothing is written (Twilio
/// throttling or failing before it acts); any other fault is applied to the answer after the
/// write was done: `disconnect` is a connection cut after the write was applied, so that a
/// client's no-double-send handling can be tested.
///
/// | kind | fault |
/// |---|---|
/// | `status:CODE` | [`Fault::Status`] with Twilio's JSON (`retry-after=S` adds the header) |
/// | `html:CODE` | [`Fault::Status`] with an HTML body, as a proxy sends |
/// | `delay:MS` | [`Fault::Delay`] before the headers |
/// | `stall:MS` | [`Fault::StallBody`] after 512 bytes (`after=N` to change) |
/// | `cut:BYTES` | [`Fault::CutBody`] after that many bytes |
/// | `disconnect` | [`Fault::Disconnect`] |
/// | `truncated`, `malformed`, `empty` | [`Fault::TruncatedJson`], [`Fault::MalformedJson`], [`Fault::EmptyOk`] |
/// | `oversized:BYTES`, `oversized-chunked:BYTES` | [`Fault::Oversized`] |
/// | `foreign:ORIGIN` | [`Fault::ForeignNextLink`], e.g. `foreign:https://evil.example` |
/// | `cycle`, `token-without-page` | [`Fault::LinkCycle`], [`Fault::TokenWithoutPage`] |
/// | `content-type:TYPE` | [`Fault::WrongContentType`] |
///
/// ```
/// use twilio_sandbox::{Fault, FaultRule};
///
/// let rule: FaultRule = "status:503,retry-after=1,page=2,times=3".parse()?;
/// let expected = FaultRule::new(Fault::Status {
///     status: http::StatusCode::SERVICE_UNAVAILABLE,
///     retry_after: Some(1),
///     html: false,
/// })
/// .on_page(2)
/// .times(3);
/// assert_eq!(rule, expected);
/// # Ok::<(), twilio_sandbox::FaultSpecError>(())
/// ```
impl std::str::FromStr for FaultRule {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let err = |why: String| FaultSpecError {
            spec: spec.to_owned(),
            why,
        };
        let mut parts = spec.split(',').map(str::trim);
        let head = parts.next().unwrap_or_default();
        let (kind, arg) = match head.split_once(':') {
            Some((kind, arg)) => (kind, Some(arg)),
            None => (head, None),
        };
        let mut options: Vec<(&str, &str)> = Vec::new();
        for part in parts {
            let Some((key, value)) = part.split_once('=') else {
                return Err(err(format!("{part:?} is not KEY=VALUE")));
            };
            options.push((key, value));
        }
        let option = |name: &str| options.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        let number = |what: &str, text: Option<&str>| -> Result<u64, FaultSpecError> {
            let text = text.ok_or_else(|| err(format!("{kind} needs {what}")))?;
            text.parse()
                .map_err(|_| err(format!("{what} {text:?} is not a whole number")))
        };
        let usize_of = |what: &str, text: Option<&str>| -> Result<usize, FaultSpecError> {
            usize::try_from(number(what, text)?).map_err(|_| err(format!("{what} is too large")))
        };
        let status = |html: bool| -> Result<Fault, FaultSpecError> {
            let code = number("a status code", arg)?;
            let status = u16::try_from(code)
                .ok()
                .and_then(|c| StatusCode::from_u16(c).ok())
                .ok_or_else(|| err(format!("{code} is not an HTTP status")))?;
            let retry_after = option("retry-after")
                .map(|s| number("retry-after seconds", Some(s)))
                .transpose()?;
            Ok(Fault::Status {
                status,
                retry_after,
                html,
            })
        };
        let fault = match kind {
            "status" => status(false)?,
            "html" => status(true)?,
            "delay" => Fault::Delay(Duration::from_millis(number("milliseconds", arg)?)),
            "stall" => Fault::StallBody {
                after_bytes: option("after").map_or(Ok(512), |n| usize_of("after", Some(n)))?,
                pause: Duration::from_millis(number("milliseconds", arg)?),
            },
            "cut" => Fault::CutBody {
                after_bytes: usize_of("a byte count", arg)?,
            },
            "disconnect" => Fault::Disconnect,
            "truncated" => Fault::TruncatedJson,
            "malformed" => Fault::MalformedJson,
            "empty" => Fault::EmptyOk,
            "oversized" | "oversized-chunked" => Fault::Oversized {
                min_bytes: usize_of("a byte count", arg)?,
                declare_length: kind == "oversized",
            },
            "foreign" => Fault::ForeignNextLink {
                origin: arg
                    .filter(|o| o.starts_with("http://") || o.starts_with("https://"))
                    .ok_or_else(|| {
                        err("foreign needs an origin such as https://evil.example".into())
                    })?
                    .trim_end_matches('/')
                    .to_owned(),
            },
            "cycle" => Fault::LinkCycle,
            "token-without-page" => Fault::TokenWithoutPage,
            "content-type" => Fault::WrongContentType {
                content_type: arg
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| err("content-type needs a type such as text/html".into()))?
                    .to_owned(),
            },
            other => return Err(err(format!("unknown fault kind {other:?}"))),
        };
        let mut rule = FaultRule::new(fault);
        for (key, value) in &options {
            match *key {
                "page" => rule = rule.on_page(number("page", Some(value))?),
                "call" => rule = rule.on_call(*value),
                "host" if !value.is_empty() => rule = rule.on_host(*value),
                "path" if value.starts_with('/') => rule = rule.on_path(*value),
                "host" | "path" => {
                    return Err(err(format!(
                        "{key} needs a host label (verify) or a path starting with / (/v2/Services)"
                    )));
                }
                "method" => {
                    let method = match value.to_ascii_uppercase().as_str() {
                        "GET" => http::Method::GET,
                        "POST" => http::Method::POST,
                        "DELETE" => http::Method::DELETE,
                        "PUT" => http::Method::PUT,
                        "PATCH" => http::Method::PATCH,
                        _ => {
                            return Err(err(format!(
                                "method {value:?} is not GET, POST, PUT, PATCH or DELETE"
                            )));
                        }
                    };
                    rule = rule.on_method(method);
                }
                "times" if *value == "forever" => rule = rule.times(u32::MAX),
                "times" => {
                    let times = number("times", Some(value))?;
                    rule = rule.times(u32::try_from(times).unwrap_or(u32::MAX));
                }
                "retry-after" if matches!(kind, "status" | "html") => {}
                "after" if kind == "stall" => {}
                other => return Err(err(format!("unknown option {other:?} for {kind}"))),
            }
        }
        Ok(rule)
    }
}

/// A fault spec that [`FaultRule`]'s `FromStr` could not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault {spec:?}: {why}")]
pub struct FaultSpecError {
    spec: String,
    why: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    const GET: Method = Method::GET;

    fn target<'a>(method: &'a Method, call: &'a str, page: u64) -> Target<'a> {
        Target {
            method,
            host: "api",
            path: "/2010-04-01/Accounts/AC1/Calls.json",
            call,
            page,
        }
    }

    #[test]
    fn rules_are_consumed_in_order_and_by_match() {
        let f = Faults::default();
        f.push(Fault::EmptyOk);
        f.push_rule(FaultRule::new(Fault::LinkCycle).on_page(2).times(2));
        f.push_rule(FaultRule::new(Fault::TruncatedJson).on_call("CAx"));
        f.push_rule(FaultRule::new(Fault::MalformedJson).times(0));
        assert_eq!(f.pending(), 3);
        assert_eq!(f.take(&target(&GET, "CAy", 2)), Some(Fault::EmptyOk));
        assert_eq!(f.take(&target(&GET, "CAy", 0)), None);
        assert_eq!(f.take(&target(&GET, "CAy", 2)), Some(Fault::LinkCycle));
        assert_eq!(f.take(&target(&GET, "CAx", 0)), Some(Fault::TruncatedJson));
        assert_eq!(f.take(&target(&GET, "CAx", 2)), Some(Fault::LinkCycle));
        assert_eq!(f.take(&target(&GET, "CAx", 2)), None);
        assert_eq!(f.pending(), 0);
        // A rule for writes waits for one.
        f.push_rule(FaultRule::new(Fault::Disconnect).on_method(Method::POST));
        assert_eq!(f.take(&target(&GET, "", 0)), None);
        assert_eq!(
            f.take(&target(&Method::POST, "", 0)),
            Some(Fault::Disconnect)
        );
        assert_eq!(
            "disconnect,method=post".parse::<FaultRule>().unwrap(),
            FaultRule::new(Fault::Disconnect).on_method(Method::POST)
        );
        assert!("disconnect,method=TRACE".parse::<FaultRule>().is_err());
        // A rule for one product's paths waits for them.
        f.push_rule(
            "status:503,host=Verify,path=/v2/Services,method=POST"
                .parse::<FaultRule>()
                .unwrap(),
        );
        let post = Method::POST;
        let verify = |path| Target {
            method: &post,
            host: "verify",
            path,
            call: "",
            page: 0,
        };
        assert_eq!(f.take(&target(&post, "", 0)), None);
        assert_eq!(f.take(&verify("/v1/Services")), None);
        assert_eq!(
            f.take(&verify("/v2/Services/VA1/Verifications")),
            Some(Fault::status(503))
        );
        assert!("status:503,host=".parse::<FaultRule>().is_err());
        assert!("status:503,path=v2".parse::<FaultRule>().is_err());
        f.push(Fault::status(503));
        f.clone().clear();
        assert_eq!(f.pending(), 0);
    }

    #[test]
    fn fault_specs_parse() {
        let parse = |s: &str| s.parse::<FaultRule>().unwrap();
        assert_eq!(
            parse("status:429"),
            FaultRule::new(Fault::too_many_requests(None))
        );
        assert_eq!(
            parse("html:502,times=forever"),
            FaultRule::new(Fault::Status {
                status: StatusCode::BAD_GATEWAY,
                retry_after: None,
                html: true
            })
            .times(u32::MAX)
        );
        assert_eq!(
            parse("stall:1500,after=100,call=CAx"),
            FaultRule::new(Fault::StallBody {
                after_bytes: 100,
                pause: Duration::from_millis(1500)
            })
            .on_call("CAx")
        );
        assert_eq!(
            parse("cut:200"),
            FaultRule::new(Fault::CutBody { after_bytes: 200 })
        );
        assert_eq!(
            parse("oversized-chunked:4096"),
            FaultRule::new(Fault::Oversized {
                min_bytes: 4096,
                declare_length: false
            })
        );
        assert_eq!(
            parse("foreign:https://evil.example/"),
            FaultRule::new(Fault::ForeignNextLink {
                origin: "https://evil.example".into()
            })
        );
        assert_eq!(
            parse("content-type:text/html,page=0"),
            FaultRule::new(Fault::WrongContentType {
                content_type: "text/html".into()
            })
            .on_page(0)
        );
        for simple in [
            "disconnect",
            "truncated",
            "malformed",
            "empty",
            "cycle",
            "token-without-page",
        ] {
            parse(simple);
        }
        for bad in [
            "",
            "status",
            "status:99999",
            "status:abc",
            "teapot",
            "delay",
            "cut:1,page",
            "cycle,retry-after=1",
            "foreign:evil.example",
            "disconnect,times=-1",
        ] {
            let err = bad.parse::<FaultRule>().unwrap_err();
            assert!(err.to_string().contains("invalid fault"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn status_helper_maps_invalid_codes_to_500() {
        assert_eq!(
            Fault::status(42),
            Fault::Status {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                retry_after: None,
                html: false
            }
        );
        assert_eq!(
            Fault::too_many_requests(Some(2)),
            Fault::Status {
                status: StatusCode::TOO_MANY_REQUESTS,
                retry_after: Some(2),
                html: false
            }
        );
    }
}
