//! A tiny HTTP client for the sandbox tests (hyper's low-level connection API).
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use tokio::net::TcpStream;
use twilio_sandbox::Sandbox;

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// `Basic base64(user:password)`.
pub fn basic(user: &str, password: &str) -> String {
    let enc = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {enc}")
}

/// One connection, HTTP/1.1 or HTTP/2.
pub enum Conn {
    H1(http1::SendRequest<Empty<Bytes>>),
    H2(http2::SendRequest<Empty<Bytes>>),
}

impl Conn {
    pub async fn h1(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (sender, conn) = http1::handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Self::H1(sender)
    }

    pub async fn h2(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (sender, conn) = http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Self::H2(sender)
    }

    /// Sends a request; the outer error is a failure before the headers, the inner one a
    /// failure while reading the body.
    pub async fn try_send(
        &mut self,
        method: Method,
        path: &str,
        authorization: Option<&str>,
    ) -> Result<(StatusCode, HeaderMap, Result<Bytes, hyper::Error>), hyper::Error> {
        let mut builder = Request::builder().method(method);
        builder = match self {
            Self::H1(_) => builder.uri(path).header("host", "127.0.0.1"),
            Self::H2(_) => builder.uri(format!("http://127.0.0.1{path}")),
        };
        builder = builder.header("user-agent", "sandbox-tests/1");
        if let Some(a) = authorization {
            builder = builder.header("authorization", a);
        }
        let req = builder.body(Empty::new()).unwrap();
        let response = match self {
            Self::H1(s) => {
                s.ready().await?;
                s.send_request(req).await?
            }
            Self::H2(s) => {
                s.ready().await?;
                s.send_request(req).await?
            }
        };
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map(|c| c.to_bytes());
        Ok((parts.status, parts.headers, body))
    }

    pub async fn send(&mut self, method: Method, path: &str, authorization: Option<&str>) -> Reply {
        let (status, headers, body) = self.try_send(method, path, authorization).await.unwrap();
        Reply {
            status,
            headers,
            body: body.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str, authorization: Option<&str>) -> Reply {
        self.send(Method::GET, path, authorization).await
    }
}

/// The sandbox's account credentials as an Authorization header value.
pub fn account_auth(sandbox: &Sandbox) -> String {
    basic(sandbox.account_sid(), sandbox.auth_token())
}

/// GETs `path` on a fresh HTTP/1.1 connection with the account credentials.
pub async fn get(sandbox: &Sandbox, path: &str) -> Reply {
    let mut conn = Conn::h1(sandbox.addr()).await;
    conn.get(path, Some(&account_auth(sandbox))).await
}

/// Follows `next_page_uri` from `first`, returning every page.
pub async fn all_pages(conn: &mut Conn, auth: &str, first: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(uri) = next {
        let reply = conn.get(&uri, Some(auth)).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {:?}", reply.body);
        let page = reply.json();
        next = page["next_page_uri"].as_str().map(str::to_owned);
        pages.push(page);
        assert!(pages.len() < 100_000, "endless paging");
    }
    pages
}

/// Asserts a Twilio error body.
pub fn assert_twilio_error(reply: &Reply, status: u16, code: u64) -> Value {
    assert_eq!(reply.status.as_u16(), status, "{:?}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let v = reply.json();
    assert_eq!(v["code"], code, "{v}");
    assert_eq!(v["status"], status, "{v}");
    assert_eq!(
        v["more_info"],
        format!("https://www.twilio.com/docs/errors/{code}"),
        "{v}"
    );
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "message", "more_info", "status"]);
    v
}
