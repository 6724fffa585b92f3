//! The pager over the `meta` envelope of every Twilio API but 2010-04-01 (`MetaPage`): links
//! are absolute URLs (`meta.next_page_url`), and every rule that holds for 2010-04-01's
//! relative links holds for them: followed on the listing's origin only, cycles however
//! spelt, repeated pages, runs of empty pages, resuming at a page.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::TryStreamExt as _;
use serde::{Deserialize, Serialize};
use twilio_model::{ListResource, MetaPage};
use twilio_pager::{Pager, PagerError};

const ORIGIN: &str = "https://verify.twilio.com";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Service {
    sid: String,
}

enum Services {}

impl ListResource for Services {
    const ITEMS_KEY: &'static str = "services";
    type Item = Service;
}

type ServicesPage = MetaPage<Services>;

/// What a listing fails with: the pager's stops, or a page the server does not have.
#[derive(Debug)]
enum Failure {
    Pager(PagerError),
    /// The server has no page at that URL.
    Missing,
}

impl From<PagerError> for Failure {
    fn from(error: PagerError) -> Self {
        Self::Pager(error)
    }
}

/// A page at `url` (its own `meta.url`) holding services `ids`, linking to `next`, in the
/// spec's shape (the messaging v1 example's members).
fn page(url: &str, ids: std::ops::Range<u32>, next: Option<&str>) -> String {
    let services: Vec<_> = ids
        .map(|id| serde_json::json!({ "sid": format!("VA{id:032}") }))
        .collect();
    serde_json::json!({
        "meta": {
            "page": 0,
            "page_size": 2,
            "first_page_url": format!("{ORIGIN}/v2/Services?PageSize=2&Page=0"),
            "previous_page_url": null,
            "url": url,
            "next_page_url": next,
            "key": "services",
        },
        "services": services,
    })
    .to_string()
}

/// A server of `pages` by absolute URL, and the URLs it was asked for.
struct Site {
    pages: HashMap<String, String>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Site {
    fn new(pages: Vec<(String, String)>) -> Self {
        Self {
            pages: pages.into_iter().collect(),
            asked: Arc::default(),
        }
    }

    /// A pager of this site's list from `first`.
    fn pager(&self, first: &str) -> Pager<ServicesPage, Failure> {
        let pages = Arc::new(self.pages.clone());
        let asked = Arc::clone(&self.asked);
        Pager::new(ORIGIN, first, move |uri: http::Uri| {
            let uri = uri.to_string();
            let found = pages.get(&uri).cloned();
            asked.lock().unwrap().push(uri);
            async move {
                let body = found.ok_or(Failure::Missing)?;
                Ok(serde_json::from_str::<ServicesPage>(&body).unwrap())
            }
        })
        .unwrap()
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

fn url(query: &str) -> String {
    format!("{ORIGIN}/v2/Services?{query}")
}

#[tokio::test]
async fn absolute_links_on_the_origin_are_followed_to_the_end() {
    let site = Site::new(vec![
        (
            url("PageSize=2"),
            page(
                &url("PageSize=2&Page=0"),
                0..2,
                Some(&url("PageSize=2&Page=1&PageToken=PT1")),
            ),
        ),
        (
            url("PageSize=2&Page=1&PageToken=PT1"),
            page(&url("PageSize=2&Page=1"), 2..3, None),
        ),
    ]);
    let services = site
        .pager("/v2/Services")
        .page_size(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(services.len(), 3);
    assert_eq!(
        site.asked(),
        [url("PageSize=2"), url("PageSize=2&Page=1&PageToken=PT1")]
    );
}

#[tokio::test]
async fn a_link_to_another_origin_stops_the_listing_unfollowed() {
    for foreign in [
        "https://evil.example/v2/Services?Page=1",
        "http://verify.twilio.com/v2/Services?Page=1",
        "https://verify.twilio.com:8443/v2/Services?Page=1",
        "https://api.twilio.com/v2/Services?Page=1",
    ] {
        let site = Site::new(vec![(
            url("PageSize=2"),
            page(&url("PageSize=2"), 0..2, Some(foreign)),
        )]);
        let (services, error) = site
            .pager("/v2/Services")
            .page_size(2)
            .collect_partial()
            .await;
        assert_eq!(services.len(), 2, "{foreign}");
        assert!(
            matches!(
                error,
                Some(Failure::Pager(PagerError::ForeignOrigin { .. }))
            ),
            "{foreign}: {error:?}"
        );
        assert_eq!(site.asked().len(), 1, "{foreign}: nothing sent there");
    }
}

#[tokio::test]
async fn a_link_back_however_spelt_is_a_cycle() {
    let second = url("PageSize=2&Page=1&PageToken=PT1");
    for back in [
        // The first page, by the URL it was requested at, absolutely and relatively.
        url("PageSize=2"),
        "/v2/Services?PageSize=2".to_owned(),
        // The second page itself, its parameters in another order, an escape spelt out.
        url("PageToken=PT1&Page=1&PageSize=2"),
        format!("{ORIGIN}/v2/%53ervices?PageSize=2&Page=1&PageToken=PT1"),
    ] {
        let site = Site::new(vec![
            (
                url("PageSize=2"),
                page(&url("PageSize=2&Page=0"), 0..2, Some(&second)),
            ),
            (
                second.clone(),
                page(&url("PageSize=2&Page=1"), 2..4, Some(&back)),
            ),
        ]);
        let (services, error) = site
            .pager("/v2/Services")
            .page_size(2)
            .collect_partial()
            .await;
        assert_eq!(services.len(), 4, "{back}");
        assert!(
            matches!(error, Some(Failure::Pager(PagerError::Cycle { .. }))),
            "{back}: {error:?}"
        );
        assert_eq!(site.asked().len(), 2, "{back}");
    }
}

#[tokio::test]
async fn a_page_whose_own_url_names_a_delivered_page_is_not_delivered_again() {
    let second = url("PageSize=2&Page=1&PageToken=PT1");
    let site = Site::new(vec![
        (
            url("PageSize=2"),
            page(&url("PageSize=2&Page=0"), 0..2, Some(&second)),
        ),
        // A fresh link, but the page says it is the first one.
        (second.clone(), page(&url("PageSize=2&Page=0"), 0..2, None)),
    ]);
    let pages: Vec<Result<ServicesPage, Failure>> =
        futures::StreamExt::collect(site.pager("/v2/Services").page_size(2).pages()).await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok());
    assert!(matches!(
        pages[1],
        Err(Failure::Pager(PagerError::RepeatedPage { .. }))
    ));
}

#[tokio::test]
async fn a_run_of_empty_pages_with_fresh_links_stops_the_listing() {
    let mut pages = Vec::new();
    for n in 0..40 {
        let at = if n == 0 {
            url("PageSize=2")
        } else {
            url(&format!("Page={n}&PageToken=PT{n}"))
        };
        let next = url(&format!("Page={}&PageToken=PT{}", n + 1, n + 1));
        pages.push((at.clone(), page(&at, 0..0, Some(&next))));
    }
    let site = Site::new(pages);
    let error = site
        .pager("/v2/Services")
        .page_size(2)
        .collect()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Failure::Pager(PagerError::EmptyPages { pages: 32, .. })
        ),
        "{error:?}"
    );
    assert_eq!(site.asked().len(), 32);
}

#[tokio::test]
async fn a_listing_resumes_at_an_absolute_page_url_verbatim() {
    let second = url("PageSize=2&Page=1&PageToken=PT1");
    let site = Site::new(vec![
        (
            second.clone(),
            page(
                &url("PageSize=2&Page=1"),
                2..4,
                Some(&url("PageSize=2&Page=2&PageToken=PT2")),
            ),
        ),
        (
            url("PageSize=2&Page=2&PageToken=PT2"),
            page(&url("PageSize=2&Page=2"), 4..5, None),
        ),
    ]);
    let rest: Vec<Service> = site
        .pager("/v2/Services")
        .page_size(2)
        .from_page(&second)
        .unwrap()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest.len(), 3);
    assert_eq!(
        site.asked()[0],
        second,
        "followed verbatim, its PageSize untouched"
    );
    let elsewhere = site
        .pager("/v2/Services")
        .from_page("https://evil.example/v2/Services");
    assert!(matches!(elsewhere, Err(PagerError::InvalidLink { .. })));
}
