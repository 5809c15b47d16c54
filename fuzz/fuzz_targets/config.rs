//! Config loading: the body is `feedsmith_fuzz::config` (fuzz/src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| feedsmith_fuzz::config(data));
