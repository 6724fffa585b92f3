//! An operation of a Twilio API as data: what the generated code describes and the one
//! request path ([`crate::Client`]'s `execute`) runs.

use twilio_transport::RetrySafety;

/// One operation of a Twilio API, as its OpenAPI description gives it: every request the
/// client sends is one of these, filled in with path values, a query and a body.
///
/// The generated code holds one per operation of the spec (in [`crate::operations`]); a
/// resource the spec does not have is one more `static` (see [`Operation::new`]). The request
/// path reads from it where to send the request (the product's [`host`](Self::host)), which
/// statuses are success, and whether a failed attempt may be repeated
/// ([`retry`](Self::retry)): nothing is guessed from the method.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The spec's `operationId`, e.g. `FetchCall`, `CreateMessage`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: http::Method,
    /// The first label of the product's host in its spec: `api` (2010-04-01, host
    /// `api.twilio.com`), `verify`, `messaging`, `flex-api`… Region and edge are applied to
    /// it as to `api`.
    pub host: &'static str,
    /// The path template, e.g. `/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json`.
    pub path: &'static str,
    /// The path parameters, in path order.
    pub path_params: &'static [&'static str],
    /// The query parameters the operation takes (paging ones aside), by their spec names.
    pub query_params: &'static [&'static str],
    /// How the request body is encoded.
    pub body: BodyKind,
    /// The body parameters (form fields, or the JSON body's top-level members), by their
    /// spec names; required ones first.
    pub body_params: &'static [&'static str],
    /// The header parameters the operation takes (`X-Twilio-Webhook-Enabled`, `If-Match`),
    /// by their spec names: a request sets only these
    /// ([`WriteRequest::header`](crate::WriteRequest::header)).
    pub headers: &'static [&'static str],
    /// The statuses that mean success (`200`; `201` for a create; `204` for a delete; `307`
    /// for a resource answered by a redirect).
    pub success: &'static [u16],
    /// Whether a failed attempt may be sent again (see [`RetrySafety`]): a read, a `DELETE`
    /// or a `PUT` may; a `POST` or `PATCH` only when it provably had no effect.
    pub retry: RetrySafety,
    /// The most items a page of this listing may hold (`PageSize`'s maximum in the spec):
    /// 1000 for most, fewer for some (numbers v2's `ShortCodes/Applications` 50). A listing
    /// refuses a larger [`page_size`](crate::ListRequest::page_size) before any request, and
    /// a [`limit`](crate::ListRequest::limit) asks for no more than this per page.
    pub max_page_size: u32,
}

/// How an operation's request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BodyKind {
    /// No body (reads and deletes).
    None,
    /// `application/x-www-form-urlencoded`, as Twilio's SDKs send it (UTF-8, repeated keys
    /// for arrays).
    Form,
    /// `application/json`.
    Json,
}

impl Operation {
    /// An operation with no parameters, no body, success on 200, and the retry safety of its
    /// method's meaning in HTTP (a `GET`, `HEAD`, `OPTIONS`, `PUT` or `DELETE` may be
    /// repeated; anything else only when it provably had no effect). Adjust it with the other
    /// `const` methods:
    ///
    /// ```
    /// use twilio_api::operation::{BodyKind, Operation};
    ///
    /// static CREATE_WIDGET: Operation =
    ///     Operation::new("CreateWidget", http::Method::POST, "widgets", "/v1/Widgets")
    ///         .body(BodyKind::Form, &["FriendlyName"])
    ///         .success(&[201]);
    /// assert!(!CREATE_WIDGET.retry.is_idempotent());
    /// ```
    #[must_use]
    pub const fn new(
        id: &'static str,
        method: http::Method,
        host: &'static str,
        path: &'static str,
    ) -> Self {
        let retry = if matches!(
            method,
            http::Method::GET
                | http::Method::HEAD
                | http::Method::OPTIONS
                | http::Method::PUT
                | http::Method::DELETE
        ) {
            RetrySafety::Idempotent
        } else {
            RetrySafety::NotIdempotent
        };
        Self {
            id,
            method,
            host,
            path,
            path_params: &[],
            query_params: &[],
            body: BodyKind::None,
            body_params: &[],
            headers: &[],
            success: &[200],
            retry,
            max_page_size: 1000,
        }
    }

    /// The path parameters, in path order.
    #[must_use]
    pub const fn path_params(mut self, names: &'static [&'static str]) -> Self {
        self.path_params = names;
        self
    }

    /// The query parameters, by their spec names.
    #[must_use]
    pub const fn query_params(mut self, names: &'static [&'static str]) -> Self {
        self.query_params = names;
        self
    }

    /// The body's encoding and parameters.
    #[must_use]
    pub const fn body(mut self, kind: BodyKind, names: &'static [&'static str]) -> Self {
        self.body = kind;
        self.body_params = names;
        self
    }

    /// The header parameters, by their spec names.
    #[must_use]
    pub const fn headers(mut self, names: &'static [&'static str]) -> Self {
        self.headers = names;
        self
    }

    /// The statuses that mean success.
    #[must_use]
    pub const fn success(mut self, statuses: &'static [u16]) -> Self {
        self.success = statuses;
        self
    }

    /// The most items a page may hold, where the spec says fewer than 1000.
    #[must_use]
    pub const fn max_page_size(mut self, most: u32) -> Self {
        self.max_page_size = most;
        self
    }

    /// Whether a failed attempt may be sent again.
    #[must_use]
    pub const fn retry(mut self, retry: RetrySafety) -> Self {
        self.retry = retry;
        self
    }

    /// Whether `status` is a success for this operation: any 2xx, or one of its
    /// [`success`](Self::success) statuses (a `307` for a resource answered by a redirect).
    pub fn is_success(&self, status: http::StatusCode) -> bool {
        status.is_success() || self.success.contains(&status.as_u16())
    }
}

/// A request's body, encoded as its operation says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// Form fields in order (a repeated name is sent repeatedly), encoded as
    /// `application/x-www-form-urlencoded` UTF-8.
    Form(Vec<(String, String)>),
    /// JSON text, sent exactly as given with `Content-Type: application/json`.
    Json(String),
}

impl Body {
    /// The bytes to send and their `Content-Type`, if any.
    pub(crate) fn encode(&self) -> (bytes::Bytes, Option<&'static str>) {
        match self {
            Self::Empty => (bytes::Bytes::new(), None),
            Self::Form(fields) => {
                let mut form = form_urlencoded::Serializer::new(String::new());
                for (name, value) in fields {
                    form.append_pair(name, value);
                }
                (
                    bytes::Bytes::from(form.finish()),
                    Some("application/x-www-form-urlencoded"),
                )
            }
            Self::Json(text) => (
                bytes::Bytes::from(text.clone().into_bytes()),
                Some("application/json"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_safety_follows_the_meaning_of_the_method_unless_told() {
        for method in [http::Method::GET, http::Method::DELETE, http::Method::PUT] {
            assert!(
                Operation::new("X", method, "api", "/x")
                    .retry
                    .is_idempotent()
            );
        }
        for method in [http::Method::POST, http::Method::PATCH] {
            assert!(
                !Operation::new("X", method, "api", "/x")
                    .retry
                    .is_idempotent()
            );
        }
        let told =
            Operation::new("X", http::Method::POST, "api", "/x").retry(RetrySafety::Idempotent);
        assert!(told.retry.is_idempotent());
    }

    #[test]
    fn a_form_body_is_encoded_as_the_sdks_encode_it() {
        let body = Body::Form(vec![
            ("To".into(), "+15005550006".into()),
            ("Body".into(), "Hi & bye = 100% #1 😀\n日本".into()),
            ("MediaUrl".into(), "https://a.example/1".into()),
            ("MediaUrl".into(), "https://a.example/2".into()),
        ]);
        let (bytes, content_type) = body.encode();
        assert_eq!(content_type, Some("application/x-www-form-urlencoded"));
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            "To=%2B15005550006&Body=Hi+%26+bye+%3D+100%25+%231+%F0%9F%98%80%0A%E6%97%A5%E6%9C%AC\
             &MediaUrl=https%3A%2F%2Fa.example%2F1&MediaUrl=https%3A%2F%2Fa.example%2F2"
        );
        let decoded: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        let Body::Form(fields) = body else {
            unreachable!()
        };
        assert_eq!(decoded, fields);
    }
}
