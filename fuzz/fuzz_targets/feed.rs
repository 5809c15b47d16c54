//! Source-feed parsing: any bytes, decoded as a fetched feed is, parsed into teaser articles,
//! each normalised as a `feed` source's items are.
#![no_main]

use feedsmith::config::{Site, Source, SourceKind};
use feedsmith_fuzz::{base, normalize_and_check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = feedsmith::fetch::decode(data, Some("application/xml"));
    let url = base();
    let source = Source::adhoc("fuzz", SourceKind::Feed(url.clone()), &Site::default());
    if let Ok(items) = feedsmith::source::feed::parse(&source, &text, &url) {
        for item in &items {
            assert!(!item.key.trim().is_empty(), "an item without a key");
            normalize_and_check(item);
        }
    }
});
