//! The one loop over a listing's pages, for every list command: one listing, or many at once
//! (the same list under several SIDs), of any resource.
//!
//! Each page is written as it arrives and flushed, so that a reader downstream sees its items
//! as soon as the page is in; `--limit` cuts the page that reaches it; a progress line shows
//! on a terminal; a stop signal (Ctrl-C, SIGTERM, SIGHUP) stops between pages, so that what
//! was written stays whole and well-formed and the next page is the one to resume from.

use std::collections::HashMap;
use std::hash::Hash;
use std::io::{self, Write};
use std::sync::Arc;

use futures::{Stream, StreamExt as _};
use twilio_api::ListPage;
use twilio_export::RawJson;

use crate::failure::{Failure, chain, describe, error_line, output_failure, resume_hint};
use crate::output::{PageItem, Writer};
use crate::progress::Progress;
use crate::signals::StopSignals;

/// A page of a listing, as the loop reads it.
pub(crate) trait Page {
    type Item: PageItem;
    fn items(&self) -> &[Self::Item];
    /// The page after this one, if the listing has one.
    fn next_page_uri(&self) -> Option<&str>;
}

impl<P> Page for P
where
    P: ListPage,
    P::Item: PageItem,
{
    type Item = P::Item;

    fn items(&self) -> &[P::Item] {
        ListPage::items(self)
    }

    fn next_page_uri(&self) -> Option<&str> {
        ListPage::next_page_uri(self)
    }
}

/// A page of any resource with its item type erased: each item the exact JSON the API sent,
/// a slice of the page's body.
#[derive(Debug)]
pub(crate) struct SharedPage {
    next: Option<String>,
    items: Vec<RawJson>,
}

impl SharedPage {
    /// The page `page`, its items kept where they lie.
    pub(crate) fn of<P: ListPage<Item = RawJson>>(page: P) -> Self {
        let next = page.next_page_uri().map(str::to_owned);
        SharedPage {
            next,
            items: page.into_parts().1,
        }
    }
}

impl Page for SharedPage {
    type Item = RawJson;

    fn items(&self) -> &[RawJson] {
        &self.items
    }

    fn next_page_uri(&self) -> Option<&str> {
        self.next.as_deref()
    }
}

/// Which listing a page belongs to: one listing (`()`, or `None`), or one of many under
/// several SIDs (the SID), whose items are labelled with it.
pub(crate) trait Listing: Eq + Hash + Clone {
    fn label(&self) -> Option<&str>;
}

impl Listing for () {
    fn label(&self) -> Option<&str> {
        None
    }
}

impl Listing for Option<Arc<str>> {
    fn label(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// What a failed page does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnError {
    /// Stops everything ([`Stop::Api`]): the listing cannot go on.
    Stop,
    /// Says so on stderr, naming its listing, and goes on with the others (many listings at
    /// once: the failed one's pager has stopped).
    Report,
}

/// Why a listing stopped early.
#[derive(Debug)]
pub(crate) enum Stop {
    Api(twilio_api::Error),
    Output(io::Error),
    /// A stop signal (its name), and the page to continue from, if the listing had one left
    /// (for one listing only).
    Interrupted(&'static str, Option<String>),
}

/// Writes every item of every page of `pages` as it arrives, at most `limit` of each
/// listing; returns how many listings failed (with [`OnError::Report`]). `resume_from` is
/// where the listing started (`--from-page`): the place to resume from when stopped before
/// the first page.
pub(crate) async fn drive<K, P, W>(
    pages: impl Stream<Item = (K, Result<P, twilio_api::Error>)>,
    limit: Option<u64>,
    resume_from: Option<String>,
    on_error: OnError,
    writer: &mut Writer<W>,
    signals: &mut StopSignals,
) -> Result<usize, Stop>
where
    K: Listing,
    P: Page,
    W: Write,
{
    let mut progress = Progress::for_stderr();
    let result = pages_of(
        pages,
        limit,
        resume_from,
        on_error,
        writer,
        signals,
        &mut progress,
    )
    .await;
    progress.finish();
    result
}

async fn pages_of<K, P, W>(
    pages: impl Stream<Item = (K, Result<P, twilio_api::Error>)>,
    limit: Option<u64>,
    resume_from: Option<String>,
    on_error: OnError,
    writer: &mut Writer<W>,
    signals: &mut StopSignals,
    progress: &mut Progress,
) -> Result<usize, Stop>
where
    K: Listing,
    P: Page,
    W: Write,
{
    let mut pages = std::pin::pin!(pages);
    // Each pager stops after the page that reaches the limit; the rest is cut here.
    let mut written: HashMap<K, u64> = HashMap::new();
    let mut failed = 0;
    let mut next_page = resume_from;
    loop {
        let next = tokio::select! {
            next = pages.next() => next,
            signal = signals.recv() => return Err(Stop::Interrupted(signal, next_page)),
        };
        let Some((listing, page)) = next else {
            return Ok(failed);
        };
        let page = match (page, on_error) {
            (Ok(page), _) => page,
            (Err(err), OnError::Stop) => return Err(Stop::Api(err)),
            (Err(err), OnError::Report) => {
                failed += 1;
                progress.finish();
                let line = describe(&err);
                error_line(&match listing.label() {
                    Some(label) => format!("{label}: {line}"),
                    None => line,
                });
                continue;
            }
        };
        next_page = page.next_page_uri().map(str::to_owned);
        let mut items = page.items();
        if let Some(limit) = limit {
            let done = written.entry(listing.clone()).or_default();
            let take = usize::try_from(limit.saturating_sub(*done)).unwrap_or(usize::MAX);
            items = items.get(..take).unwrap_or(items);
            *done += items.len() as u64;
        }
        progress.page(items.len());
        writer.page(listing.label(), items).map_err(Stop::Output)?;
        writer.flush().map_err(Stop::Output)?;
    }
}

/// Ends the output of a listing and says how it went. Input rejected before any request
/// writes nothing at all (exit 2). Otherwise whatever was fetched before a failure stays
/// written and the output is closed well-formed; the listing's own failure is the one
/// reported (with the page to resume from), an output failure only when it is alone.
/// `Ok` holds how many listings failed (with [`OnError::Report`]).
pub(crate) fn conclude<W: Write>(
    result: Result<usize, Stop>,
    writer: Writer<W>,
) -> Result<usize, Failure> {
    if let Err(Stop::Api(err)) = &result
        && err.is_invalid_input()
    {
        return Err(Failure::Usage(chain(err)));
    }
    let finished = writer.finish();
    match result {
        Ok(failed) => finished.map(|()| failed).map_err(output_failure),
        Err(Stop::Output(err)) => Err(output_failure(err)),
        Err(Stop::Api(err)) => Err(Failure::Runtime(describe(&err))),
        Err(Stop::Interrupted(signal, next)) => Err(Failure::Runtime(
            match next.as_deref().and_then(resume_hint) {
                Some(hint) => format!("interrupted by {signal}; {hint}"),
                None => format!("interrupted by {signal}"),
            },
        )),
    }
}
