//! HTML extraction: any bytes, decoded as a fetched page is, through `normalize` (extraction,
//! sanitising, absolute URLs, caps).
#![no_main]

use feedsmith::model::RawBody;
use feedsmith_fuzz::{base, normalize_and_check, raw};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = feedsmith::fetch::decode(data, Some("text/html"));
    normalize_and_check(&raw(RawBody::Html(html), Some(base())));
});
