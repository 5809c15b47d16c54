//! Markdown with front matter: the body is `feedsmith_fuzz::markdown` (fuzz/src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| feedsmith_fuzz::markdown(data));
