//! How a command fails: the [`Failure`] type and its exit codes, and the one error line on
//! stderr (every cause once, bounded, printable, with Twilio's request id and where to resume).

use std::io::{self, Write as _};
use std::process::ExitCode;

use crate::text;

/// Exit code for bad usage or input caught before any request (as clap uses).
const EXIT_USAGE: u8 = 2;
/// Exit code for a failure at run time (for a write: Twilio refused it, or it was never sent).
const EXIT_FAILURE: u8 = 1;
/// Exit code for a write whose outcome is unknown: it may have been applied.
const EXIT_UNKNOWN: u8 = 3;

/// The most characters of an error message shown on its line (its start and its end); the
/// library's error keeps the whole text.
const MESSAGE_CHARS: usize = 600;
/// The longest page URI a resume hint shows.
const RESUME_URI_CHARS: usize = 800;
/// The most characters of any error line, whatever made it.
const LINE_CHARS: usize = 1600;

/// A failure, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// Caught before any request: exit 2.
    #[error("{0}")]
    Usage(String),
    /// At run time: exit 1.
    #[error("{0}")]
    Runtime(String),
    /// A write that may have been applied without an answer saying so: exit 3.
    #[error("{0}")]
    Unknown(String),
    /// The reader of stdout went away (`| head`): stop quietly, as a filter does.
    #[error("stdout was closed")]
    Closed,
}

pub(crate) fn report(failure: &Failure) -> ExitCode {
    let code = match failure {
        Failure::Usage(_) => EXIT_USAGE,
        Failure::Runtime(_) => EXIT_FAILURE,
        Failure::Unknown(_) => EXIT_UNKNOWN,
        Failure::Closed => return ExitCode::SUCCESS,
    };
    error_line(&failure.to_string());
    ExitCode::from(code)
}

/// Writes `twilio-api: error: {message}` on stderr, as one line of bounded length with no
/// control or bidirectional characters (the messages never contain secrets).
pub(crate) fn error_line(message: &str) {
    let line = text::printable(message);
    let line = text::bounded(&line, LINE_CHARS);
    let _ = writeln!(io::stderr().lock(), "twilio-api: error: {line}");
}

pub(crate) fn output_failure(err: io::Error) -> Failure {
    if err.kind() == io::ErrorKind::BrokenPipe {
        Failure::Closed
    } else {
        Failure::Runtime(format!("writing to stdout: {err}"))
    }
}

/// An error and its causes, each message once: `what: why: deeper cause`.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}

/// One line: what failed and why (Twilio's code and message, the status, the proxy or the
/// certificate), Twilio's request id to quote to support, where to resume.
pub(crate) fn describe(err: &twilio_api::Error) -> String {
    let mut line = text::bounded(&text::printable(&chain(err)), MESSAGE_CHARS).into_owned();
    if let Some(request_id) = err.request_id() {
        line.push_str(" [Twilio request id ");
        line.push_str(request_id);
        line.push(']');
    }
    if let Some(hint) = err.resume_uri().and_then(resume_hint) {
        line.push_str("; ");
        line.push_str(&hint);
    }
    line
}

/// The failure of a write: refused before any request (exit 2), of unknown outcome (exit 3:
/// it may have been applied; the line says so, with the request id when an answer came), or
/// refused by Twilio or never sent (exit 1), each on one line with Twilio's code, message and
/// request id.
pub(crate) fn of_write(err: &twilio_api::Error) -> Failure {
    if err.is_invalid_input() {
        return Failure::Usage(chain(err));
    }
    let line = describe(err);
    if !err.is_outcome_unknown() {
        return Failure::Runtime(line);
    }
    let id = if err.request_id().is_some() {
        ""
    } else {
        " (no request id: no answer arrived)"
    };
    Failure::Unknown(format!(
        "{line}{id}; check whether it was applied (fetch it, or list by the values sent) \
         before sending it again"
    ))
}

/// `resume with --from-page '<uri>'`, for a page URI that is printable and safe between
/// single quotes: relative to the API host, or absolute without userinfo. `None` for anything
/// else: a server's link is not shown raw on a terminal or handed to a shell, and a password
/// is not shown at all. (`--from-page` itself goes through the pager's origin check, like
/// every link.) A URI too long for one readable line is not shown either, but said to be.
pub(crate) fn resume_hint(uri: &str) -> Option<String> {
    let absolute = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"));
    let shaped = match absolute {
        Some(rest) => !rest.split('/').next().unwrap_or(rest).contains('@'),
        None => uri.starts_with('/') && !uri.starts_with("//"),
    };
    let printable = uri
        .chars()
        .all(|c| c.is_ascii_graphic() && c != '\'' && c != '\\');
    if !(shaped && printable) {
        return None;
    }
    Some(if uri.len() > RESUME_URI_CHARS {
        format!(
            "the page to resume from has a URI of {} characters, too long to show",
            uri.len()
        )
    } else {
        format!("resume with --from-page '{uri}'")
    })
}

#[cfg(test)]
mod tests {
    use super::resume_hint;

    #[test]
    fn resume_hints_show_only_safe_uris_without_userinfo() {
        let relative = "/2010-04-01/Accounts/AC1/Calls/CA1/Events.json?Page=2&PageToken=PA%2B";
        assert_eq!(
            resume_hint(relative).unwrap(),
            format!("resume with --from-page '{relative}'")
        );
        assert!(resume_hint("https://api.twilio.com/x?Page=1").is_some());
        for hostile in [
            "/x?a='; rm -rf ~ '",
            "/x\u{1b}[2J",
            "//evil.example/x",
            "javascript:x",
            "/x y",
            "",
            "https://user:pw@api.twilio.com/x?Page=1",
            "http://pw@127.0.0.1:9/x",
        ] {
            assert_eq!(resume_hint(hostile), None, "{hostile:?}");
        }
        assert!(resume_hint("https://api.twilio.com/x?a=b@c").is_some());
        let long = format!("/x?PageToken={}", "a".repeat(2000));
        assert_eq!(
            resume_hint(&long).unwrap(),
            "the page to resume from has a URI of 2013 characters, too long to show"
        );
    }
}
