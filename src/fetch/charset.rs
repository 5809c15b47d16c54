//! Turning response bytes into text. Many news sites still serve Latin-1 or Windows-1252, and
//! say so in the header, in a `<meta>` tag or an XML declaration only; decoding them as UTF-8
//! would garble every accented letter, so the encoding is looked for in the order browsers use.

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
/// assume for legacy Western pages).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let enc = content_type
        .and_then(header_charset)
        .or_else(|| declared(bytes))
        .unwrap_or_else(|| {
            if std::str::from_utf8(bytes).is_ok() {
                UTF_8
            } else {
                WINDOWS_1252
            }
        });
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// Once text is decoded, an XML declaration naming another encoding is a lie that would make a
/// parser decode it twice; it is rewritten to say UTF-8.
pub fn xml_declaration_to_utf8(text: &str) -> std::borrow::Cow<'_, str> {
    match XML_DECL.captures(text.as_bytes()).and_then(|c| c.get(1)) {
        Some(m) if !m.as_bytes().eq_ignore_ascii_case(b"utf-8") => {
            let mut s = String::with_capacity(text.len());
            s.push_str(&text[..m.start()]);
            s.push_str("UTF-8");
            s.push_str(&text[m.end()..]);
            std::borrow::Cow::Owned(s)
        }
        _ => std::borrow::Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAFE_LATIN1: &[u8] = b"<p>Caf\xe9 cr\xe8me \x80 5</p>";

    #[test]
    fn header_charset_wins_over_meta() {
        let mut page = b"<html><head><meta charset=\"utf-8\"></head><body>".to_vec();
        page.extend_from_slice(CAFE_LATIN1);
        let text = decode(&page, Some("text/html; charset=ISO-8859-1"));
        assert!(text.contains("Café crème € 5"), "{text}");
    }

    #[test]
    fn meta_charset_and_http_equiv() {
        let mut page = b"<html><head><meta charset='windows-1252'></head>".to_vec();
        page.extend_from_slice(CAFE_LATIN1);
        assert!(decode(&page, Some("text/html")).contains("Café crème €"));
        let mut page = b"<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=iso-8859-1\"></head>".to_vec();
        page.extend_from_slice(CAFE_LATIN1);
        assert!(decode(&page, None).contains("Café crème"));
    }

    #[test]
    fn xml_declaration() {
        let mut feed = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><title>".to_vec();
        feed.extend_from_slice(b"Caf\xe9</title></rss>");
        let text = decode(&feed, Some("application/rss+xml"));
        assert!(text.contains("Café"));
        let fixed = xml_declaration_to_utf8(&text);
        assert!(
            fixed.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
            "{fixed}"
        );
    }

    #[test]
    fn bom_then_fallbacks() {
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("héllo".as_bytes());
        assert_eq!(decode(&bom, Some("text/html; charset=iso-8859-1")), "héllo");
        assert_eq!(decode("naïve".as_bytes(), None), "naïve");
        // Not UTF-8 and nothing declared: Windows-1252.
        assert_eq!(decode(b"na\xefve", None), "naïve");
    }

    #[test]
    fn charset_parameter_parsing() {
        assert_eq!(header_charset("text/html;charset=\"UTF-8\""), Some(UTF_8));
        assert_eq!(header_charset("text/html"), None);
        assert_eq!(header_charset("text/html; charset=bogus"), None);
    }
}
