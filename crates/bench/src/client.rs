//! The measured side: one listing in its own process, reporting its own wall time, CPU time
//! and peak memory on stdout as one `key=value` line.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use futures::StreamExt as _;
use http_body_util::{BodyExt as _, Empty};
use hyper_util::rt::TokioIo;
use twilio_api::{CallSid, Client, ListPage as _};

use crate::procfs;

/// What a client child process is asked to do (`key=value` arguments).
#[derive(Debug, Clone, Default)]
pub(crate) struct Spec {
    /// `baseline`, `bytes`, `typed`, `raw`, `typed-pages`, `many`.
    pub(crate) variant: String,
    pub(crate) base_url: String,
    pub(crate) account_sid: String,
    pub(crate) calls: Vec<String>,
    pub(crate) page_size: u32,
    /// Time the consumer spends on each page (asynchronously), in milliseconds.
    pub(crate) consumer_ms: u64,
    pub(crate) prefetch: bool,
    pub(crate) concurrency: usize,
}

impl Spec {
    /// The arguments that [`Spec::parse`] reads back.
    pub(crate) fn to_args(&self) -> Vec<String> {
        vec![
            format!("variant={}", self.variant),
            format!("base_url={}", self.base_url),
            format!("account_sid={}", self.account_sid),
            format!("calls={}", self.calls.join(",")),
            format!("page_size={}", self.page_size),
            format!("consumer_ms={}", self.consumer_ms),
            format!("prefetch={}", self.prefetch),
            format!("concurrency={}", self.concurrency),
        ]
    }

    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let map: BTreeMap<&str, &str> = args.iter().filter_map(|a| a.split_once('=')).collect();
        let get = |key: &str| {
            map.get(key)
                .copied()
                .ok_or_else(|| format!("missing {key}="))
        };
        let number = |key: &str| -> Result<u64, String> {
            get(key)?.parse().map_err(|e| format!("{key}: {e}"))
        };
        Ok(Self {
            variant: get("variant")?.to_owned(),
            base_url: get("base_url")?.to_owned(),
            account_sid: get("account_sid")?.to_owned(),
            calls: get("calls")?.split(',').map(str::to_owned).collect(),
            page_size: u32::try_from(number("page_size")?).map_err(|e| e.to_string())?,
            consumer_ms: number("consumer_ms")?,
            prefetch: get("prefetch")? == "true",
            concurrency: usize::try_from(number("concurrency")?).map_err(|e| e.to_string())?,
        })
    }
}

/// One measurement, as a client child reports it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Measure {
    pub(crate) events: u64,
    pub(crate) wall_s: f64,
    /// User + system CPU seconds of the whole process.
    pub(crate) cpu_s: f64,
    pub(crate) user_s: f64,
    pub(crate) sys_s: f64,
    pub(crate) peak_kib: u64,
}

impl Measure {
    pub(crate) fn to_line(self) -> String {
        format!(
            "events={} wall_s={} cpu_s={} user_s={} sys_s={} peak_kib={}",
            self.events, self.wall_s, self.cpu_s, self.user_s, self.sys_s, self.peak_kib
        )
    }

    pub(crate) fn parse(line: &str) -> Result<Self, String> {
        let map: BTreeMap<&str, &str> = line
            .split_whitespace()
            .filter_map(|a| a.split_once('='))
            .collect();
        let float = |key: &str| -> Result<f64, String> {
            map.get(key)
                .ok_or_else(|| format!("no {key} in {line:?}"))?
                .parse()
                .map_err(|e| format!("{key}: {e}"))
        };
        let int = |key: &str| -> Result<u64, String> {
            map.get(key)
                .ok_or_else(|| format!("no {key} in {line:?}"))?
                .parse()
                .map_err(|e| format!("{key}: {e}"))
        };
        Ok(Self {
            events: int("events")?,
            wall_s: float("wall_s")?,
            cpu_s: float("cpu_s")?,
            user_s: float("user_s")?,
            sys_s: float("sys_s")?,
            peak_kib: int("peak_kib")?,
        })
    }
}

/// Runs the listing described by `args` in this process and returns the report line.
pub(crate) fn main(args: &[String]) -> Result<String, String> {
    let spec = Spec::parse(args)?;
    let token = std::env::var("TWILIO_AUTH_TOKEN").map_err(|_| "TWILIO_AUTH_TOKEN is not set")?;
    // The bytes-only floor runs on the least runtime there is: its point is what the bytes
    // alone cost.
    let runtime = if spec.variant == "bytes" {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    }
    .map_err(|e| format!("runtime: {e}"))?;
    let started = Instant::now();
    let events = runtime.block_on(run(&spec, &token))?;
    let wall_s = started.elapsed().as_secs_f64();
    // Read while the runtime's threads are alive: their schedstat counts, to the nanosecond.
    let stat = procfs::stat("self").ok_or("cannot read /proc/self/stat")?;
    let precise = procfs::threads_cpu_s(None);
    let measure = Measure {
        events,
        wall_s,
        cpu_s: precise.max(stat.user_s + stat.sys_s),
        user_s: stat.user_s,
        sys_s: stat.sys_s,
        peak_kib: procfs::vm_hwm_kib("self").ok_or("cannot read VmHWM")?,
    };
    drop(runtime);
    Ok(measure.to_line())
}

async fn run(spec: &Spec, token: &str) -> Result<u64, String> {
    match spec.variant.as_str() {
        "baseline" => baseline(spec, token, Decode::Value).await,
        "bytes" => baseline(spec, token, Decode::Nothing).await,
        variant => facade(spec, token, variant).await,
    }
}

async fn consume(spec: &Spec) {
    if spec.consumer_ms > 0 {
        tokio::time::sleep(Duration::from_millis(spec.consumer_ms)).await;
    }
}

fn client(spec: &Spec, token: &str) -> Result<Client, String> {
    let account = spec.account_sid.parse().map_err(|e| format!("{e}"))?;
    Client::builder()
        .auth_token(account, token)
        .base_url(spec.base_url.clone())
        .build()
        .map_err(|e| e.to_string())
}

fn call_sids(spec: &Spec) -> Result<Vec<CallSid>, String> {
    spec.calls
        .iter()
        .map(|sid| sid.parse().map_err(|e| format!("{sid}: {e}")))
        .collect()
}

/// The facade, as its users would call it.
async fn facade(spec: &Spec, token: &str, variant: &str) -> Result<u64, String> {
    let client = client(spec, token)?;
    let sids = call_sids(spec)?;
    let first = sids.first().cloned().ok_or("no call")?;
    let events = client.call(first).events();
    let mut count = 0u64;
    match variant {
        // Item by item, decoded: the everyday API.
        "typed" => {
            let list = events.list().page_size(spec.page_size);
            count = drain(list.prefetch(spec.prefetch).stream()).await?;
        }
        // Item by item, undecoded.
        "raw" => {
            let list = events.list_raw().page_size(spec.page_size);
            count = drain(list.prefetch(spec.prefetch).stream()).await?;
        }
        // Page by page, with a consumer that takes its time on each page.
        "typed-pages" => {
            let mut pages = events
                .list()
                .page_size(spec.page_size)
                .prefetch(spec.prefetch)
                .pages();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| e.to_string())?;
                count += page.items().len() as u64;
                black_box(page);
                consume(spec).await;
            }
        }
        // Many calls over one client.
        "many" => {
            let mut pages = client
                .events_of_calls(sids)
                .concurrency(spec.concurrency)
                .page_size(spec.page_size)
                .pages();
            while let Some((sid, page)) = pages.next().await {
                let page = page.map_err(|e| format!("{sid}: {e}"))?;
                count += page.items().len() as u64;
                black_box(page);
            }
        }
        other => return Err(format!("unknown variant {other}")),
    }
    Ok(count)
}

/// Consumes a stream of items the way a user's loop would, counting them.
async fn drain<T>(mut items: twilio_api::ItemStream<T>) -> Result<u64, String> {
    let mut count = 0;
    while let Some(item) = items.next().await {
        black_box(item.map_err(|e| e.to_string())?);
        count += 1;
    }
    Ok(count)
}

/// What the baseline does with each page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decode {
    /// Decodes it into an untyped `serde_json::Value` (the facade's baseline).
    Value,
    /// Nothing but find `next_page_uri` with a byte search and write the page to `/dev/null`:
    /// what the bytes alone cost (the CLI export's floor).
    Nothing,
}

/// A minimal hand-written hyper client over one keep-alive HTTP/1.1 connection, following
/// `next_page_uri`: decoding each page into an untyped `serde_json::Value`
/// ([`Decode::Value`]), or not parsing it at all ([`Decode::Nothing`]).
async fn baseline(spec: &Spec, token: &str, decode: Decode) -> Result<u64, String> {
    use std::io::Write as _;
    let (authority, mut sender) = connect(&spec.base_url).await?;
    let authorization = basic_authorization(&spec.account_sid, token);
    let call = spec.calls.first().ok_or("no call")?;
    let mut uri = format!(
        "/2010-04-01/Accounts/{}/Calls/{call}/Events.json?PageSize={}",
        spec.account_sid, spec.page_size
    );
    let mut sink = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .map_err(|e| format!("/dev/null: {e}"))?;
    let mut count = 0u64;
    loop {
        let body = get(&mut sender, &authority, &authorization, &uri).await?;
        let next = match decode {
            Decode::Value => {
                let page: serde_json::Value =
                    serde_json::from_slice(&body).map_err(|e| format!("{uri}: {e}"))?;
                drop(body);
                count += page
                    .get("events")
                    .and_then(serde_json::Value::as_array)
                    .map_or(0, Vec::len) as u64;
                let next = page
                    .get("next_page_uri")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned);
                black_box(page);
                next
            }
            Decode::Nothing => {
                sink.write_all(&body)
                    .map_err(|e| format!("/dev/null: {e}"))?;
                next_page_uri(&body).map_err(|e| format!("{uri}: {e}"))?
            }
        };
        consume(spec).await;
        match next {
            Some(next) => uri = next,
            None => break,
        }
    }
    Ok(count)
}

/// One keep-alive HTTP/1.1 connection to a plain-http `base_url`, as the facade's transport
/// opens it (no Nagle delay): its authority and the sender of its requests.
async fn connect(
    base_url: &str,
) -> Result<
    (
        String,
        hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    ),
    String,
> {
    let authority = base_url
        .strip_prefix("http://")
        .ok_or("the baseline speaks plain http only")?
        .to_owned();
    let stream = tokio::net::TcpStream::connect(&authority)
        .await
        .map_err(|e| format!("connect {authority}: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            eprintln!("twilio-bench: baseline connection: {err}");
        }
    });
    Ok((authority, sender))
}

/// The `Authorization` header of HTTP basic authentication with an account's auth token.
fn basic_authorization(account_sid: &str, token: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{account_sid}:{token}"))
    )
}

/// The body of one successful `GET` of `path` from a plain-http `base_url` (the decode
/// section's pages).
pub(crate) async fn fetch_body(
    base_url: &str,
    account_sid: &str,
    token: &str,
    path: &str,
) -> Result<Bytes, String> {
    let (authority, mut sender) = connect(base_url).await?;
    let authorization = basic_authorization(account_sid, token);
    get(&mut sender, &authority, &authorization, path).await
}

/// The whole body of one successful `GET` of `path` over `sender`'s connection.
async fn get(
    sender: &mut hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    authority: &str,
    authorization: &str,
    path: &str,
) -> Result<Bytes, String> {
    let request = http::Request::get(path)
        .header(http::header::HOST, authority)
        .header(http::header::AUTHORIZATION, authorization)
        .body(Empty::<Bytes>::new())
        .map_err(|e| e.to_string())?;
    // The connection takes the next request once it has finished the previous one.
    sender.ready().await.map_err(|e| format!("{path}: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("{path}: {}", response.status()));
    }
    Ok(response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("{path}: {e}"))?
        .to_bytes())
}

/// The page's `next_page_uri` found with a byte search, no parsing: the sandbox writes it
/// compactly (`"next_page_uri":"/2010-04-01/..."` or `null`) and without escapes.
fn next_page_uri(body: &[u8]) -> Result<Option<String>, String> {
    const KEY: &[u8] = b"\"next_page_uri\":";
    let at = body
        .windows(KEY.len())
        .rposition(|w| w == KEY)
        .ok_or("no next_page_uri")?;
    let rest = body.get(at + KEY.len()..).unwrap_or_default();
    if rest.starts_with(b"null") {
        return Ok(None);
    }
    let rest = rest
        .strip_prefix(b"\"")
        .ok_or("next_page_uri is not a string")?;
    let end = rest
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .ok_or("unterminated next_page_uri")?;
    match rest.get(end) {
        Some(b'"') => String::from_utf8(rest.get(..end).unwrap_or_default().to_vec())
            .map(Some)
            .map_err(|e| e.to_string()),
        _ => Err("an escaped next_page_uri".to_owned()),
    }
}
