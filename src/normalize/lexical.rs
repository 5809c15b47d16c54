//! The lexical tests every normalisation path shares: folding a line to the form rules compare
//! against, and telling prose from labels by its shape (sentence ends, word counts, scripts
//! written without spaces). A leaf: `chrome`, `meta`, `text` and `learn` use it, so none of them
//! needs another.

use crate::chars::fold_whitespace_cow;

/// Lower-case, white space folded: the form rules compare against. Lines come here folded
/// already (hygiene and trimming), so the lower-casing is the only copy made.
pub fn fold(line: &str) -> String {
    fold_whitespace_cow(line).to_lowercase()
}

/// A line that reads as (part of) prose: several words and a sentence end, or long enough that
/// no label is that long.
pub fn sentence_like(line: &str) -> bool {
    let (words, cjk) = match line.is_ascii() {
        // Most lines: no Han or kana, and words counted a byte at a time without decoding.
        true => (ascii_words(line.as_bytes()), 0),
        false => (
            line.split_whitespace().count(),
            line.chars().filter(|c| is_unspaced_script(*c)).count(),
        ),
    };
    (words >= 4 || cjk >= 8) && ends_sentence(line) || words >= 16 || cjk >= 40
}

/// `split_whitespace().count()` of ASCII text: the bytes that start a word.
fn ascii_words(line: &[u8]) -> usize {
    // White space as `char::is_whitespace` has it in ASCII: tab to carriage return, space.
    let space = |b: u8| b == b' ' || b.wrapping_sub(b'\t') < 5;
    let first = usize::from(line.first().is_some_and(|&b| !space(b)));
    first
        + line
            .windows(2)
            .filter(|w| space(w[0]) && !space(w[1]))
            .count()
}

/// Han and kana: scripts written without spaces between words.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FF66}'..='\u{FF9F}')
}

/// Whether a line ends a sentence (closing quotes and brackets looked through).
pub fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end_matches([
        '"', '\'', '”', '’', '»', ')', ']', ' ', '」', '』', '）', '】',
    ]);
    t.ends_with(['.', '!', '?', '…', ':', ';', '。', '！', '？', '：', '．'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_words_are_counted_as_splitting_counts_them() {
        for s in [
            "",
            " ",
            "a",
            " a ",
            "two words",
            "  several\t\tspaced \n words\r\n here ",
            "a\u{b}b\u{c}c",
            "x\u{1c}y\u{1f}z",
            "punctuation, only. ! ?",
        ] {
            assert_eq!(
                ascii_words(s.as_bytes()),
                s.split_whitespace().count(),
                "{s:?}"
            );
        }
    }
}
