//! Source-feed parsing: the body is `feedsmith_fuzz::feed` (fuzz/src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| feedsmith_fuzz::feed(data));
