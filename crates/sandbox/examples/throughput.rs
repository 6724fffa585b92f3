//! Lists a 100,000-event call from an in-process sandbox over one HTTP/1.1 connection and
//! prints how fast the sandbox serves it, cold (pages rendered) and warm (pages cached).
//!
//! `cargo run --release -p twilio-sandbox --example throughput` (set `CACHE_MB` to change the
//! page cache budget, `CACHE_MB=0` to render every page).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use twilio_sandbox::{DEFAULT_PAGE_CACHE_BYTES, Sandbox};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    const EVENTS: u64 = 100_000;
    let sandbox = Sandbox::builder()
        .calls(0)
        .call_with_events(EVENTS)
        .page_cache_bytes(
            std::env::var("CACHE_MB")
                .ok()
                .map_or(DEFAULT_PAGE_CACHE_BYTES, |mb| {
                    mb.parse::<usize>().unwrap() << 20
                }),
        )
        .start()
        .await?;
    let call = sandbox.call_sids().pop().expect("one call");
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            sandbox.account_sid(),
            sandbox.auth_token()
        ))
    );
    let stream = tokio::net::TcpStream::connect(sandbox.addr()).await?;
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);

    let rounds = [
        ("cold", 1000, false),
        ("warm", 1000, false),
        ("warm", 1000, true),
        ("cold", 50, false),
        ("warm", 50, false),
    ];
    for (round, page_size, decode) in rounds {
        let start = Instant::now();
        let mut next = Some(format!(
            "{}?PageSize={page_size}",
            sandbox.events_path(&call)
        ));
        let (mut bytes, mut pages, mut events) = (0usize, 0u64, 0u64);
        while let Some(uri) = next.take() {
            let req = http::Request::get(uri)
                .header("host", "127.0.0.1")
                .header("authorization", &auth)
                .body(Empty::<Bytes>::new())?;
            sender.ready().await?;
            let body = sender
                .send_request(req)
                .await?
                .into_body()
                .collect()
                .await?
                .to_bytes();
            bytes += body.len();
            pages += 1;
            if decode {
                let page: serde_json::Value = serde_json::from_slice(&body)?;
                events += page["events"].as_array().map_or(0, |e| e.len() as u64);
                next = page["next_page_uri"].as_str().map(str::to_owned);
            } else {
                // Only find the link: measures the sandbox, not a JSON decoder.
                next = next_link(&body);
                events += page_size.min(EVENTS - events);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{round:>4} PageSize={page_size:<4}: {events} events, {pages} pages, {:.1} MiB in {secs:.3} s \
             ({:.0} events/s{})",
            bytes as f64 / (1024.0 * 1024.0),
            events as f64 / secs,
            if decode {
                ", client decodes to serde_json::Value"
            } else {
                ""
            }
        );
    }
    println!("{:?}", sandbox.stats());
    sandbox.shutdown().await;
    Ok(())
}

/// The `next_page_uri` of a page body, found without decoding the page.
fn next_link(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let (_, rest) = text.rsplit_once("\"next_page_uri\":")?;
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(rest[..end].to_owned())
}
