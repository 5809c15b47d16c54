//! Markdown: any bytes as a `.md` file of a `dir` source: front matter split off (its errors
//! must carry a line of the file), the rest rendered and normalised.
#![no_main]

use feedsmith::model::RawBody;
use feedsmith::source::dir::front_matter;
use feedsmith_fuzz::{normalize_and_check, raw};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match front_matter(&text, chrono_tz::UTC) {
        Ok((hints, body)) => {
            let mut article = raw(RawBody::Markdown(body.to_string()), hints.link.clone());
            article.hints = hints;
            normalize_and_check(&article);
        }
        Err((line, message)) => {
            let lines = text.lines().count().max(1);
            assert!((1..=lines + 1).contains(&line), "line {line} of {lines}: {message}");
            assert!(!message.is_empty());
        }
    }
});
