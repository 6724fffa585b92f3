//! A loopback HTTP/1.1 server for the end-to-end tests, run by each test: it reads each
//! request whole (head and `Content-Length` body), records it, and acts out what the test
//! scripts for it: a reply, a connection cut once the request arrived, or no answer at all.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request, once it has read it whole.
#[derive(Clone)]
pub(crate) enum Act {
    /// Answers with this status, these extra headers and this body.
    Reply(u16, &'static [(&'static str, &'static str)], Vec<u8>),
    /// Closes the connection without answering.
    Cut,
    /// Never answers (the client times out).
    Stall,
}

/// One request as the server read it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) body: Vec<u8>,
    /// When the server had read it whole.
    pub(crate) at: std::time::Instant,
}

/// A loopback server acting out `script` in order (the last act repeats).
pub(crate) struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Act {
    /// A 200 answer with this JSON body.
    pub(crate) fn json(body: impl Into<Vec<u8>>) -> Self {
        Self::Reply(200, &[], body.into())
    }
}

impl Server {
    pub(crate) async fn start(script: Vec<Act>) -> Self {
        Self::start_with(move |_, n, _| script[n.min(script.len() - 1)].clone()).await
    }

    /// A server answering request number `n` (from 0) to `target` with
    /// `act(target, n, its own origin)`.
    pub(crate) async fn start_with(
        act: impl Fn(&str, usize, &str) -> Act + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let origin = format!("http://{addr}");
        let act: Arc<Respond> = Arc::new(move |target: &str, n| act(target, n, &origin));
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(serve(stream, Arc::clone(&act), Arc::clone(&log)));
            }
        });
        Self { addr, seen, task }
    }

    pub(crate) fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The request targets (path and query) it read, in order.
    pub(crate) fn targets(&self) -> Vec<String> {
        self.seen().into_iter().map(|seen| seen.target).collect()
    }
}

type Respond = dyn Fn(&str, usize) -> Act + Send + Sync;

async fn serve(mut stream: TcpStream, act: Arc<Respond>, log: Arc<Mutex<Vec<Seen>>>) {
    let mut buffer = Vec::new();
    loop {
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        buffer.drain(..head_end);
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        while buffer.len() < length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let body: Vec<u8> = buffer.drain(..length).collect();
        let mut words = head.split(' ');
        let method = words.next().unwrap_or("").to_owned();
        let target = words.next().unwrap_or("").to_owned();
        let number = {
            let mut log = log.lock().unwrap();
            log.push(Seen {
                method,
                target: target.clone(),
                body,
                at: std::time::Instant::now(),
            });
            log.len() - 1
        };
        match act(&target, number) {
            Act::Cut => return,
            Act::Stall => {
                tokio::time::sleep(Duration::from_secs(5)).await;
                return;
            }
            Act::Reply(status, headers, body) => {
                let mut out = format!(
                    "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    out.push_str(&format!("{name}: {value}\r\n"));
                }
                out.push_str("\r\n");
                let mut out = out.into_bytes();
                out.extend_from_slice(&body);
                if stream.write_all(&out).await.is_err() {
                    return;
                }
            }
        }
    }
}
