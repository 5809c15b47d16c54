//! Plain-text normalisation: the body is `feedsmith_fuzz::text` (fuzz/src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| feedsmith_fuzz::text(data));
