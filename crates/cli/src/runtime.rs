//! What every command runs on: the allocator, the async runtime and the logs.

use std::io::{self, IsTerminal as _};

/// The binary's allocator. An export frees a megabyte or more after every page (its body, its
/// stop bits) and allocates as much again for the next: glibc's allocator gives the freed
/// memory back to the kernel and faults it in again, page after page; jemalloc keeps it for
/// the next page (BENCHMARKS.md: a tenth to a fifth less CPU time exporting 100 pages, all of
/// it the kernel's, and steady page faults). Not on MSVC, which jemalloc does not build for.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The runtime a command runs on. A client command (an export, a fetch) runs on the main
/// thread alone: the connection, the prefetch of the next page (a task), the decoding and the
/// writing take turns, and several calls listed at once are streams polled together. The
/// kernel still receives the next page while a page is written, and nothing waits on
/// another thread: on the export of 100 pages this took a sixth off the CPU time of one
/// worker thread beside the main one (itself half the CPU time of one worker per core),
/// without a longer wall time (see BENCHMARKS.md). `sandbox serve` is a server: one worker
/// per core.
pub(crate) fn runtime(serving: bool) -> io::Result<tokio::runtime::Runtime> {
    let mut builder = if serving {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder.enable_all().build()
}

/// Logs on stderr (never mixed with the output), when asked: `-v` shows each request and
/// retry, `-vv` more of the client, `-vvv` everything; `RUST_LOG` directives come on top (or
/// alone). Nothing is logged otherwise.
pub(crate) fn init_tracing(verbose: u8) {
    let rust_log = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let base = match verbose {
        0 if rust_log.is_none() => return,
        0 => "warn",
        1 => "warn,twilio_transport=debug,twilio_pager=info,twilio_api=info",
        2 => "info,twilio_transport=debug,twilio_pager=debug,twilio_api=debug,twilio_api_cli=debug",
        _ => "trace",
    };
    let directives = match rust_log {
        Some(extra) => format!("{base},{extra}"),
        None => base.to_owned(),
    };
    let stderr = io::stderr();
    let ansi = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::builder().parse_lossy(directives))
        .with_writer(io::stderr)
        .with_ansi(ansi)
        .try_init();
}
