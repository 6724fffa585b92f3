//! For any list and any limit, the item stream yields exactly the expected items, in order,
//! and requests no page it does not need.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use proptest::prelude::*;
use support::{FIRST, numbered_site, pager, sent, things};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn items_are_exactly_the_expected_ones(
        sizes in prop::collection::vec(0u64..6, 1..12),
        limit in prop::option::of(0u64..40),
        page_size in prop::option::of(1u32..8),
        prefetch in any::<bool>(),
        multi_thread in any::<bool>(),
    ) {
        let runtime = if multi_thread {
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).build()
        } else {
            tokio::runtime::Builder::new_current_thread().build()
        }
        .unwrap();
        let (server, links) = numbered_site(&sizes);
        let mut job = pager(server.clone()).prefetch(prefetch);
        if let Some(limit) = limit {
            job = job.limit(limit);
        }
        if let Some(page_size) = page_size {
            job = job.page_size(page_size);
        }
        let items = runtime.block_on(job.collect()).unwrap();

        let total: u64 = sizes.iter().sum();
        let wanted = limit.map_or(total, |limit| limit.min(total));
        prop_assert_eq!(items, things(0..wanted));

        // Pages needed: up to the one that reaches the limit, or all of them.
        let needed = match limit {
            Some(0) => 0,
            Some(limit) => {
                let mut sum = 0;
                sizes
                    .iter()
                    .position(|size| {
                        sum += size;
                        sum >= limit
                    })
                    .map_or(sizes.len(), |k| k + 1)
            }
            None => sizes.len(),
        };
        let requests = sent(&server.requests());
        prop_assert_eq!(requests.len(), needed);
        if needed > 0 {
            let page_size = match (page_size, limit) {
                (None, None) => None,
                (page_size, limit) => {
                    Some(u64::from(page_size.unwrap_or(1000)).min(limit.unwrap_or(u64::MAX)))
                }
            };
            let first = match page_size {
                Some(n) => format!("{FIRST}?PageSize={n}"),
                None => FIRST.to_owned(),
            };
            prop_assert_eq!(&requests[0], &first);
            prop_assert_eq!(&requests[1..], &links[..needed - 1]);
        }
    }
}
