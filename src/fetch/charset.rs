//! Turning response bytes into text. Many news sites still serve Latin-1 or Windows-1252, and
//! say so in the header, in a `<meta>` tag or an XML declaration only; decoding them as UTF-8
//! would garble every accented letter, so the encoding is looked for in the order browsers use.

use std::borrow::Cow;
use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use regex::bytes::Regex;

/// How far into the body a `<meta charset>` or XML declaration is looked for.
const PRESCAN: usize = 2048;

static META: LazyLock<Regex> = LazyLock::new(|| {
    // Covers `<meta charset="x">` and `<meta http-equiv=Content-Type content="text/html; charset=x">`.
    Regex::new(r#"(?i)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)"#).unwrap()
});
static XML_DECL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']"#).unwrap()
});

/// The charset parameter of a Content-Type header value.
pub fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| Encoding::for_label(v.trim().trim_matches(['"', '\'']).as_bytes()))?
    })
}

/// The encoding a document declares in its first bytes.
fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN)];
    let label = XML_DECL
        .captures(head)
        .or_else(|| META.captures(head))?
        .get(1)?
        .as_bytes();
    let enc = Encoding::for_label(label)?;
    // A document that could be read to find an ASCII declaration is not UTF-16.
    Some(if enc == UTF_16LE || enc == UTF_16BE {
        UTF_8
    } else {
        enc
    })
}

/// Decodes `bytes`: a byte-order mark wins, then the header's charset, then a declaration in the
/// document; otherwise UTF-8 when the bytes are valid UTF-8, else Windows-1252 (what browsers
/// assume for legacy Western pages). Takes the bytes so that UTF-8, the common case, becomes the
/// text without a copy: pages are large and a run reads many.
pub fn decode(bytes: Vec<u8>, content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(&bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let declared = content_type
        .and_then(header_charset)
        .or_else(|| declared(&bytes));
    match declared {
        Some(enc) if enc != UTF_8 => enc.decode_without_bom_handling(&bytes).0.into_owned(),
        // Declared UTF-8 that is not valid still reads as UTF-8, bad bytes replaced; only an
        // undeclared page falls back to Windows-1252.
        _ => String::from_utf8(bytes).unwrap_or_else(|e| {
            let enc = if declared.is_some() {
                UTF_8
            } else {
                WINDOWS_1252
            };
            enc.decode_without_bom_handling(e.as_bytes()).0.into_owned()
        }),
    }
}

/// Once text is decoded, an XML declaration naming another encoding is a lie that would make a
/// parser decode it twice; the leading one is rewritten to say UTF-8, and those the rewrite
/// cannot read, or that come later, are replaced by a space (see [`without_foreign_declarations`]).
pub fn xml_declaration_to_utf8(text: &str) -> Cow<'_, str> {
    let text = match XML_DECL.captures(text.as_bytes()).and_then(|c| c.get(1)) {
        Some(m) if !m.as_bytes().eq_ignore_ascii_case(b"utf-8") => {
            let mut s = String::with_capacity(text.len());
            s.push_str(&text[..m.start()]);
            s.push_str("UTF-8");
            s.push_str(&text[m.end()..]);
            Cow::Owned(s)
        }
        _ => Cow::Borrowed(text),
    };
    if let Cow::Owned(s) = without_foreign_declarations(&text) {
        return Cow::Owned(s);
    }
    text
}

/// `text` with every XML declaration after the leading one that mentions an encoding, and a
/// leading one that names an encoding other than UTF-8 (one the rewrite above could not read: a
/// `>` inside it), replaced by a space. feed-rs switches quick-xml's decoder on each declaration
/// it reads, and quick-xml panics once it is past the start of the input (fuzz finds:
/// `tests/fixtures/fuzz/feed/`). Later declarations are not well-formed XML anyway. No region is
/// skipped (not even CDATA, where such a declaration quoted in an article goes too): knowing where
/// quick-xml's markup starts would mean re-implementing its tokenizer, and a space that stands for
/// each removal keeps a new declaration from forming across the cut.
fn without_foreign_declarations(text: &str) -> Cow<'_, str> {
    let lead = text.len() - text.trim_start().len();
    let mut i = 0;
    if text[lead..].starts_with("<?") {
        let close = text[lead + 2..]
            .find("?>")
            .map_or(text.len(), |e| lead + 2 + e);
        // quick-xml reads the leading declaration whole, so its inside is never looked into.
        if !names_foreign_encoding(&text[lead + 2..close]) {
            i = (close + 2).min(text.len());
        }
    }
    // Where the next `?>` and the next "encoding" are, searched again only once passed: every
    // `<?` is looked at, and with these each byte is searched a bounded number of times
    // (10 MB of `<?xml` with no `?>` would otherwise be quadratic).
    let (mut close, mut encoding) = (Next::new("?>"), Next::new("encoding"));
    let mut out = String::new();
    let mut copied = 0;
    while let Some(at) = text[i..].find("<?").map(|p| p + i) {
        // What quick-xml would read as an instruction here: up to the first `?>`.
        let end = close.at_or_after(text, at + 2);
        let foreign = if at == lead {
            names_foreign_encoding(&text[at + 2..end])
        } else {
            text[at + 2..].starts_with("xml") && encoding.at_or_after(text, at + 2) < end
        };
        if foreign {
            out.push_str(&text[copied..at]);
            out.push(' ');
            copied = (end + 2).min(text.len());
            i = copied;
        } else {
            i = at + 1;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The next occurrence of a pattern at or after a position that only grows, remembered so the
/// text is searched once rather than from every position.
struct Next {
    pattern: &'static str,
    found: Option<usize>,
}

impl Next {
    fn new(pattern: &'static str) -> Next {
        Next {
            pattern,
            found: None,
        }
    }

    /// Index of the first occurrence at or after `from`; the text's length when there is none.
    fn at_or_after(&mut self, text: &str, from: usize) -> usize {
        match self.found {
            Some(f) if f >= from => f,
            _ => {
                let f = text[from..]
                    .find(self.pattern)
                    .map_or(text.len(), |e| from + e);
                self.found = Some(f);
                f
            }
        }
    }
}

/// Whether a processing instruction's content (between `<?` and `?>`) is what quick-xml takes
/// for an XML declaration (`xml` then white space) naming an encoding other than UTF-8. Read
/// with quick-xml's own parser (its `encoding` feature is on for feed-rs), so the two agree.
fn names_foreign_encoding(content: &str) -> bool {
    use quick_xml::events::{BytesDecl, BytesStart};
    let is_declaration = content
        .strip_prefix("xml")
        .is_some_and(|r| r.starts_with([' ', '\t', '\r', '\n']));
    is_declaration
        && BytesDecl::from_start(BytesStart::from_content(content, 3))
            .encoder()
            .is_some_and(|e| e != UTF_8)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAFE_LATIN1: &[u8] = b"<p>Caf\xe9 cr\xe8me \x80 5</p>";

    #[test]
    fn header_charset_wins_over_meta() {
        let mut page = b"<html><head><meta charset=\"utf-8\"></head><body>".to_vec();
        page.extend_from_slice(CAFE_LATIN1);
        let text = decode(page, Some("text/html; charset=ISO-8859-1"));
        assert!(text.contains("Café crème € 5"), "{text}");
    }

    #[test]
    fn meta_charset_and_http_equiv() {
        let mut page = b"<html><head><meta charset='windows-1252'></head>".to_vec();
        page.extend_from_slice(CAFE_LATIN1);
        assert!(decode(page, Some("text/html")).contains("Café crème €"));
        let mut page = b"<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=iso-8859-1\"></head>".to_vec();
        page.extend_from_slice(CAFE_LATIN1);
        assert!(decode(page, None).contains("Café crème"));
    }

    #[test]
    fn xml_declaration() {
        let mut feed = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><title>".to_vec();
        feed.extend_from_slice(b"Caf\xe9</title></rss>");
        let text = decode(feed, Some("application/rss+xml"));
        assert!(text.contains("Café"));
        let fixed = xml_declaration_to_utf8(&text);
        assert!(
            fixed.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
            "{fixed}"
        );
    }

    #[test]
    fn later_declarations_and_unreadable_foreign_ones_are_replaced_by_a_space() {
        let later = r#"<rss><?xml version="1.0" encoding="ISO-8859-1"?><channel/></rss>"#;
        assert_eq!(xml_declaration_to_utf8(later), "<rss> <channel/></rss>");
        // A leading declaration the rewrite cannot read (a `>` before its encoding) goes too.
        let odd = r#"<?xml version="1>0" encoding="latin1"?><rss/>"#;
        assert_eq!(xml_declaration_to_utf8(odd), " <rss/>");
        // One hidden in an attribute value, where a scanner that skipped whole instructions
        // would not look (the third fuzz find); the space keeps a new one from forming.
        let hidden = r#"<?xml version="1.0"?><a b="<?xml="1><?xml v="0" encoding="latin1"?>"#;
        assert_eq!(
            xml_declaration_to_utf8(hidden),
            r#"<?xml version="1.0"?><a b=" "#
        );
        let seam = r#"<rss><?<?xml encoding="utf-8"?>xml encoding="latin1"?></rss>"#;
        assert_eq!(
            xml_declaration_to_utf8(seam),
            r#"<rss><? xml encoding="latin1"?></rss>"#
        );
        // The leading declaration saying UTF-8, or nothing, and other instructions stay.
        let kept = r#"<?xml version="1.0"?><rss><?xml-stylesheet href="s.xsl"?></rss>"#;
        assert_eq!(xml_declaration_to_utf8(kept), kept);
    }

    #[test]
    fn bom_then_fallbacks() {
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("héllo".as_bytes());
        assert_eq!(decode(bom, Some("text/html; charset=iso-8859-1")), "héllo");
        assert_eq!(decode("naïve".into(), None), "naïve");
        // Not UTF-8 and nothing declared: Windows-1252.
        assert_eq!(decode(b"na\xefve".to_vec(), None), "naïve");
    }

    #[test]
    fn charset_parameter_parsing() {
        assert_eq!(header_charset("text/html;charset=\"UTF-8\""), Some(UTF_8));
        assert_eq!(header_charset("text/html"), None);
        assert_eq!(header_charset("text/html; charset=bogus"), None);
    }
}
