//! Character-level text helpers every stage shares: which characters XML forbids, HTML
//! escaping, and white-space folding. A leaf (it imports nothing of the crate), so that
//! `normalize/`, `source/` and `publish/` use one definition without importing each other.

/// Characters XML 1.0 forbids, plus other C0/C1 controls that only ever appear by accident.
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `s` without the characters XML forbids.
pub fn xml_safe(s: &str) -> String {
    s.chars().filter(|c| !is_forbidden(*c)).collect()
}

/// Every run of white space (line breaks included) folded to one space, ends trimmed.
pub fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Escapes text for inclusion in HTML (element content or a quoted attribute value).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_html_into(text, &mut out);
    out
}

/// [`escape_html`] appending to a buffer, for serialisers that build one string.
pub fn escape_html_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_controls_and_non_characters_only() {
        for c in [
            '\u{0}', '\u{8}', '\u{B}', '\u{1F}', '\u{7F}', '\u{9F}', '\u{FFFE}',
        ] {
            assert!(is_forbidden(c), "{:?}", c);
        }
        for c in ['\t', '\n', '\r', ' ', 'é', '\u{A0}', '\u{1F600}'] {
            assert!(!is_forbidden(c), "{:?}", c);
        }
        assert_eq!(xml_safe("a\u{0}b\u{1B}c\n"), "abc\n");
    }

    #[test]
    fn white_space_folds_to_single_spaces() {
        assert_eq!(fold_whitespace("  a \n\t b  c\r\n"), "a b c");
        assert_eq!(fold_whitespace(" \n "), "");
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape_html(r#"<a href="x">&amp;</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;"
        );
    }
}
