//! Decoding a call events page from arbitrary bytes never panics; a page that decodes
//! re-encodes to JSON that decodes to the same page; an event that decodes re-encodes to the
//! JSON value it came from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use twilio_model::{CallEvent, CallEvents, CallEventsPage, Page, Raw};

fuzz_target!(|data: &[u8]| {
    if let Ok(page) = serde_json::from_slice::<CallEventsPage>(data) {
        let json = serde_json::to_vec(&page).expect("a decoded page encodes");
        let again: CallEventsPage = serde_json::from_slice(&json).expect("its encoding decodes");
        assert_eq!(page, again, "decode(encode(page)) == page");
    }
    if let Ok(raw) = serde_json::from_slice::<Page<Raw<CallEvents>>>(data) {
        // Raw events are kept verbatim, and written back verbatim.
        let json = serde_json::to_vec(&raw).expect("a decoded raw page encodes");
        let again: Page<Raw<CallEvents>> = serde_json::from_slice(&json).expect("its encoding decodes");
        assert_eq!(raw.meta, again.meta);
        assert_eq!(raw.extra, again.extra);
        let texts = |p: &Page<Raw<CallEvents>>| -> Vec<String> {
            p.items.iter().map(|i| i.get().to_owned()).collect()
        };
        assert_eq!(
            texts(&raw),
            texts(&again),
            "raw events survive a round trip"
        );
        for item in &raw.items {
            // A raw event may hold escapes no Rust string can (a lone surrogate): then
            // neither a `Value` nor a `CallEvent` decodes from it, and that is all.
            let Ok(sent) = serde_json::from_str::<Value>(item.get()) else {
                assert!(serde_json::from_str::<CallEvent>(item.get()).is_err());
                continue;
            };
            if let Ok(event) = serde_json::from_str::<CallEvent>(item.get()) {
                let back = serde_json::to_value(&event).expect("an event encodes");
                assert_eq!(back, sent, "an event re-encodes to the value it came from");
            }
        }
    }
});
