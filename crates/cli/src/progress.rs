//! A one-line progress report on stderr while paging, only when stderr is a terminal.

use std::io::{self, IsTerminal as _, Write as _};
use std::time::Instant;

pub(crate) struct Progress {
    enabled: bool,
    started: Instant,
    pages: u64,
    events: u64,
}

impl Progress {
    pub(crate) fn for_stderr() -> Self {
        Self {
            enabled: io::stderr().is_terminal(),
            started: Instant::now(),
            pages: 0,
            events: 0,
        }
    }

    pub(crate) fn page(&mut self, events: usize) {
        self.pages += 1;
        self.events += events as u64;
        if self.enabled {
            let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
            let rate = self.events as f64 / seconds;
            let _ = write!(
                io::stderr().lock(),
                "\r\x1b[2K{} pages, {} events, {:.0} events/s",
                self.pages,
                self.events,
                rate
            );
        }
    }

    pub(crate) fn finish(&mut self) {
        if self.enabled && self.pages > 0 {
            let _ = write!(io::stderr().lock(), "\r\x1b[2K");
        }
    }
}
