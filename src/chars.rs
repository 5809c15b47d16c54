//! Character-level text helpers every stage shares: which characters XML forbids, HTML
//! escaping, and white-space folding. A leaf (it imports nothing of the crate), so that
//! `normalize/`, `source/` and `publish/` use one definition without importing each other.

use std::borrow::Cow;

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
    fold_whitespace_cow(s).into_owned()
}

/// [`fold_whitespace`], borrowing `s` when it is folded already (most lines handed here are:
/// hygiene collapsed their spaces and the caller trimmed them), so that a caller transforming
/// the result further copies the text once, not twice.
pub fn fold_whitespace_cow(s: &str) -> Cow<'_, str> {
    // Checking is far cheaper than splitting into words.
    if is_folded(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// Whether [`fold_whitespace`] would give `s` back unchanged: no white space at either end, none
/// but single spaces inside.
fn is_folded(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // Branch-free, so the compiler vectorises it: ASCII white space other than the space (tab
    // to carriage return), and whether any character is not ASCII.
    let (mut breaks, mut wide) = (0u8, 0u8);
    for &c in b {
        breaks |= u8::from(c.wrapping_sub(b'\t') < 5);
        wide |= c & 0x80;
    }
    breaks == 0 && !s.contains("  ") && (wide == 0 || !has_wide_space(s))
}

/// Whether `s` holds white space outside ASCII. Every such character (U+0085, U+00A0, U+1680,
/// U+2000–U+205F's spaces, U+3000) starts with one of four bytes, so only those are decoded.
fn has_wide_space(s: &str) -> bool {
    s.bytes().enumerate().any(|(i, c)| {
        matches!(c, 0xC2 | 0xE1..=0xE3) && s[i..].chars().next().is_some_and(char::is_whitespace)
    })
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

/// Plain text that reads the same whether a consumer takes it as text or as HTML (most feed
/// readers render RSS titles as HTML, some as text; the format does not say). A `<` that would
/// open a tag and an `&` that would start an entity get a U+2060 WORD JOINER after them: HTML
/// only opens a tag on `<` followed by a letter, `/`, `!` or `?` and only reads a reference on
/// `&` followed by a letter or `#`, so the joiner makes both inert; it is invisible, zero-width,
/// allowed in XML and, unlike a space or an escape such as `&lt;`, changes nothing a text
/// reader shows.
pub fn html_inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        let next = chars.peek().copied().unwrap_or(' ');
        let opens = match c {
            '<' => next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?'),
            '&' => next.is_ascii_alphanumeric() || next == '#',
            _ => false,
        };
        if opens {
            out.push(WORD_JOINER);
        }
    }
    out
}

/// U+2060, see [`html_inert`].
pub const WORD_JOINER: char = '\u{2060}';

/// The two-letter language codes of ISO 639-1.
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce \
    ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv \
    ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr \
    ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn \
    no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so \
    sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh \
    yi yo za zh zu";

/// `s` as a language tag feeds can carry (RFC 5646's common shape: a two- or three-letter
/// language, then subtags of one to eight letters or digits), in its usual case ("pt-BR");
/// `_` reads as `-`. `None` when it is not one.
pub fn language_tag(s: &str) -> Option<String> {
    let s = s.trim().replace('_', "-");
    let mut parts = s.split('-');
    let lang = parts.next()?;
    if !(2..=3).contains(&lang.len()) || !lang.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = lang.to_ascii_lowercase();
    // A two-letter language must be one ISO 639-1 has, as the feed validator checks.
    if out.len() == 2 && !ISO_639_1.split(' ').any(|code| code == out) {
        return None;
    }
    for p in parts {
        if p.is_empty() || p.len() > 8 || !p.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        out.push('-');
        match p.len() {
            // A region ("BR"), a script ("Hant"), anything else as lower case.
            2 => out.push_str(&p.to_ascii_uppercase()),
            4 if p.bytes().all(|b| b.is_ascii_alphabetic()) => {
                out.push_str(&p[..1].to_ascii_uppercase());
                out.push_str(&p[1..].to_ascii_lowercase());
            }
            _ => out.push_str(&p.to_ascii_lowercase()),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn language_tags_are_checked_and_spelled_as_usual() {
        assert_eq!(language_tag(" en ").as_deref(), Some("en"));
        assert_eq!(language_tag("pt_br").as_deref(), Some("pt-BR"));
        assert_eq!(language_tag("zh-Hant-TW").as_deref(), Some("zh-Hant-TW"));
        for bad in [
            "",
            "english",
            "e",
            "en-",
            "en--GB",
            "12",
            "en GB",
            "en-toolongsubtag",
        ] {
            assert_eq!(language_tag(bad), None, "{bad:?}");
        }
    }

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
        // Folded already, or not, the answer is the one splitting into words gives.
        for s in [
            "",
            "a",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\u{0B}b",
            "café au lait",
            "a\u{A0}b",
            "a\u{3000}b",
            "a\u{2028}b",
            "— «x» ©",
            "a\u{85}b",
            "広告 x",
            "\u{a0}a",
            "a\u{a0}",
            "a\u{1680}b",
            "a\u{205f}b",
            "a\u{2029}b",
            "a\u{202f}b",
            "ऀa\u{3000}",
            "a \u{3000}b",
            "a\tb",
            "a\rb",
            "a\u{c}b",
            "\ta",
            "a\n",
            "“quoted” — «x» ‘y’ 中文 ひらがな",
        ] {
            let words: Vec<&str> = s.split_whitespace().collect();
            assert_eq!(fold_whitespace(s), words.join(" "), "{s:?}");
            assert_eq!(is_folded(s), fold_whitespace(s) == s, "{s:?}");
        }
        // The lead-byte shortcut finds every white space character outside ASCII, and only those.
        for c in (0x80..0x11_0000).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            assert_eq!(has_wide_space(&s), c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn markup_openers_are_made_inert_and_nothing_else_changes() {
        let t = html_inert("a <b>bold</b> AT&T &amp; &#60; <!-- x --> 1 < 2 & 3");
        for live in ["<b", "</", "<!", "&T", "&a", "&#"] {
            assert!(!t.contains(live), "{live} in {t}");
        }
        assert_eq!(
            t.replace(WORD_JOINER, ""),
            "a <b>bold</b> AT&T &amp; &#60; <!-- x --> 1 < 2 & 3"
        );
        assert_eq!(html_inert("1 < 2 & 3"), "1 < 2 & 3");
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape_html(r#"<a href="x">&amp;</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;"
        );
    }
}
