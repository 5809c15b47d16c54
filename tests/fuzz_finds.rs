//! What the fuzzers found (README, Reliability, Fuzzing), kept so that it stays fixed, as feed-rs
//! keeps its fuzz finds: every file in `tests/fixtures/fuzz/TARGET/` goes through the fuzz
//! target's own body and invariants (`fuzz/src/lib.rs`, included here, so there is one copy),
//! and so does the target's committed seed corpus (`fuzz/corpus/TARGET/`: real pages, feeds and
//! configs with hostile parts, on which the invariants must hold too). `cargo test` runs these
//! without libFuzzer; the fuzz crate itself is outside the workspace.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

#[path = "../fuzz/src/lib.rs"]
mod harness;

/// Feeds every file of each folder (relative to the crate root) to `target`; a panic, whether
/// the library's or a broken invariant's, fails the test naming the file.
fn replay(folders: &[&str], target: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in folders {
        let dir = root.join(folder);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{} holds no inputs", dir.display());
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| target(&bytes))) {
                let why = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                panic!("{} fails again: {why}", file.display());
            }
        }
    }
}

/// `unbroken-summary.txt`: a summary made from one unbroken word was one character over
/// `max_summary_chars` (the ellipsis was not counted).
#[test]
fn text() {
    replay(
        &["tests/fixtures/fuzz/text", "fuzz/corpus/text"],
        harness::text,
    );
}

/// `unbroken-summary.html`: the same summary cap, reached through extraction.
/// `tabbed-mailto.html`: `href="mailto<tabs>:a@b.c"` passed ammonia (the URL parser skips tabs)
/// and hygiene then folded the tabs into a space, publishing the relative link `mailto :a@b.c`.
#[test]
fn html() {
    replay(
        &["tests/fixtures/fuzz/html", "fuzz/corpus/html"],
        harness::html,
    );
}

/// `unbroken-summary.md`: the same summary cap, reached through front matter and Markdown.
#[test]
fn markdown() {
    replay(
        &["tests/fixtures/fuzz/markdown", "fuzz/corpus/markdown"],
        harness::markdown,
    );
}

/// `second-declaration.xml`, `tag-inside-declaration.xml`, `declaration-in-attribute.xml`: an
/// XML declaration naming ISO-8859-1 that feedsmith's rewrite to UTF-8 missed (a second one later
/// in the document, a leading one with a tag inside it, one inside an attribute value that the
/// first fix's scanner stepped over) made quick-xml panic inside feed-rs, ending the whole run.
#[test]
fn feed() {
    replay(
        &["tests/fixtures/fuzz/feed", "fuzz/corpus/feed"],
        harness::feed,
    );
}

/// Nothing found: the seeds only (a valid config, the init template, type errors that must
/// name their line).
#[test]
fn config() {
    replay(&["fuzz/corpus/config"], harness::config);
}
