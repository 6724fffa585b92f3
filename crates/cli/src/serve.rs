//! `twilio-api sandbox serve`: the sandbox as a server for other clients, until Ctrl-C.

use std::io::{self, Write as _};
use std::time::Duration;

use twilio_sandbox::Sandbox;

use crate::args;
use crate::failure::{Failure, chain};
use crate::webhook;

pub(crate) async fn serve_sandbox(serve: args::Serve) -> Result<(), Failure> {
    let mut builder = Sandbox::builder()
        .bind(serve.bind)
        .seed(serve.seed)
        .tls(serve.tls)
        .written_items(serve.written_items)
        .callback_hosts(serve.callback_host.iter().cloned());
    if let Some(calls) = serve.calls {
        builder = builder.calls(calls);
    }
    for events in &serve.call_with_events {
        builder = builder.call_with_events(*events);
    }
    builder = builder.account_limit(
        twilio_sandbox::AccountLimit::none()
            .per_second(serve.limit_rate.unwrap_or(0))
            .in_flight(serve.limit_in_flight.unwrap_or(0)),
    );
    if let Some(ms) = serve.latency_ms {
        builder = builder.latency(Duration::from_millis(ms));
    }
    if let Some(url) = &serve.webhook_url {
        builder = builder.webhook_url(url.clone());
    }
    let sandbox = builder.start().await.map_err(|e| match e {
        twilio_sandbox::SandboxError::WebhookUrl { .. } => Failure::Usage(chain(&e)),
        _ => Failure::Runtime(format!(
            "cannot start the sandbox on {}: {}",
            serve.bind,
            chain(&e)
        )),
    })?;
    let scripted = serve.fault.len();
    for rule in serve.fault {
        sandbox.faults().push_rule(rule);
    }
    let ca_file = match sandbox.ca_certificate_pem() {
        Some(pem) => Some(CaFile::write(pem, sandbox.addr().port())?),
        None => None,
    };
    {
        // The sandbox's credentials are public test values: printing them is its purpose.
        let mut out = io::stdout().lock();
        writeln!(out, "{}", sandbox.summary())
            .and_then(|()| match &ca_file {
                Some(file) => writeln!(
                    out,
                    "CA certificate (throwaway, trust it with --ca-file): {}",
                    file.0.display()
                ),
                None => Ok(()),
            })
            .and_then(|()| match scripted {
                0 => Ok(()),
                n => writeln!(out, "{n} scripted fault(s) queued"),
            })
            .and_then(|()| webhook::announce(&sandbox, &mut out))
            .and_then(|()| writeln!(out, "press Ctrl-C to stop"))
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Runtime(format!("writing the summary: {e}")))?;
    }
    tokio::select! {
        stopped = tokio::signal::ctrl_c() => {
            stopped.map_err(|e| Failure::Runtime(format!("waiting for Ctrl-C: {e}")))?;
        }
        () = webhook::report(&sandbox) => {}
    }
    sandbox.shutdown().await;
    drop(ca_file);
    Ok(())
}

/// The throwaway CA's certificate, written to a new file in the temporary directory and
/// removed when dropped.
struct CaFile(std::path::PathBuf);

impl CaFile {
    fn write(pem: &str, port: u16) -> Result<Self, Failure> {
        let path = std::env::temp_dir().join(format!(
            "twilio-sandbox-ca-{}-{port}.pem",
            std::process::id()
        ));
        // A new file only: never write through a link someone else left there.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| {
                Failure::Runtime(format!(
                    "cannot create the CA certificate file {}: {e}",
                    path.display()
                ))
            })?;
        let written = CaFile(path);
        file.write_all(pem.as_bytes()).map_err(|e| {
            Failure::Runtime(format!(
                "cannot write the CA certificate file {}: {e}",
                written.0.display()
            ))
        })?;
        Ok(written)
    }
}

impl Drop for CaFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
