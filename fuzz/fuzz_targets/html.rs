//! HTML extraction: the body is `feedsmith_fuzz::html` (fuzz/src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| feedsmith_fuzz::html(data));
