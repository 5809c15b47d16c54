//! Config loading: any bytes as `feedsmith.toml`. Loading either succeeds or fails with a
//! config error whose line, when it names one, is a line of the file.
#![no_main]

use std::path::Path;

use feedsmith::config::Config;
use feedsmith::Error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text, Path::new("/fuzz/feedsmith.toml")) {
        Ok(_) => {}
        Err(Error::Config { line, message, .. }) => {
            assert!(!message.trim().is_empty(), "a config error without a message");
            if let Some(line) = line {
                let lines = text.lines().count().max(1);
                assert!((1..=lines + 1).contains(&line), "line {line} of {lines}: {message}");
            }
        }
        Err(other) => panic!("not a config error: {other}"),
    }
});
