//! What the CLI's tests share: the built `twilio-api` with a clean environment, and a
//! scripted loopback HTTP/1.1 server that records every request it reads.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The account every test's credentials name.
pub(crate) const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
/// The auth token every test's credentials hold: no output may show it.
pub(crate) const TOKEN: &str = "s3cr3t-t0ken-n0t-t0-be-sh0wn";

/// `twilio-api` with these credentials and no other Twilio setting or proxy of the machine's.
pub(crate) fn cli() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_twilio-api"));
    for name in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
        "no_proxy",
        "NO_PROXY",
        "TWILIO_API_KEY",
        "TWILIO_API_SECRET",
        "TWILIO_REGION",
        "TWILIO_EDGE",
        "RUST_LOG",
    ] {
        command.env_remove(name);
    }
    command
        .env("TWILIO_ACCOUNT_SID", ACCOUNT)
        .env("TWILIO_AUTH_TOKEN", TOKEN)
        .env("NO_COLOR", "1");
    command
}

/// What the server does with one request once it has read it whole.
#[derive(Clone, Debug)]
pub(crate) enum Act {
    /// Answers with this status, a `Twilio-Request-Id` and this JSON body.
    Reply(u16, &'static str),
    /// Closes the connection without answering.
    Cut,
    /// Answers nothing for this long, then closes.
    Stall(Duration),
    /// Answers as `Reply` after this long.
    Late(Duration, u16, &'static str),
}

/// One request as the server read it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) headers: String,
    pub(crate) body: Vec<u8>,
}

impl Seen {
    /// The body as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }
}

/// A loopback server acting out `script` in order (the last act repeats), each request on a
/// thread of its own; it lives as long as the test process.
pub(crate) struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// The request id the server answers with.
pub(crate) const REQUEST_ID: &str = "RQ0123456789abcdef0123456789abcdef";

impl Server {
    pub(crate) fn start(script: Vec<Act>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().expect("its address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let log = Arc::clone(&log);
                let script = script.clone();
                std::thread::spawn(move || serve(stream, &script, &log));
            }
        });
        Self { addr, seen }
    }

    pub(crate) fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("the log").clone()
    }
}

fn serve(stream: TcpStream, script: &[Act], log: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let mut words = head.split(' ');
        let method = words.next().unwrap_or("").to_owned();
        let target = words.next().unwrap_or("").to_owned();
        let number = {
            let mut log = log.lock().expect("the log");
            log.push(Seen {
                method,
                target,
                headers: head.clone(),
                body,
            });
            log.len() - 1
        };
        let act = script
            .get(number)
            .or(script.last())
            .cloned()
            .unwrap_or(Act::Cut);
        match act {
            Act::Cut => return,
            Act::Stall(time) => {
                std::thread::sleep(time);
                return;
            }
            Act::Late(time, status, body) => {
                std::thread::sleep(time);
                if !reply(reader.get_mut(), status, body) {
                    return;
                }
            }
            Act::Reply(status, body) => {
                if !reply(reader.get_mut(), status, body) {
                    return;
                }
            }
        }
    }
}

/// Writes a scripted answer; `false` when the connection is gone.
fn reply(stream: &mut TcpStream, status: u16, body: &str) -> bool {
    let out = format!(
        "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\n\
         twilio-request-id: {REQUEST_ID}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(out.as_bytes()).is_ok()
}
