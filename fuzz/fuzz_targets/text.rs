//! Plain-text normalisation: any bytes, as a scraped `.txt` file, through `normalize`.
#![no_main]

use feedsmith::model::RawBody;
use feedsmith_fuzz::{normalize_and_check, raw};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    normalize_and_check(&raw(RawBody::Text(text), None));
});
