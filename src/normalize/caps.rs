//! Length caps on an article's parts: a body cut at a paragraph boundary, titles and summaries
//! at a word boundary. They bound what one article costs downstream (memory, every format's
//! file size), whatever a source sends.

use crate::chars::escape_html;

/// Elements after whose end a body may be cut: the end of one block of reading.
const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "figure",
    "table",
    "ul",
    "ol",
    "dl",
    "li",
    "div",
    "section",
    "article",
    "aside",
];

/// Elements without an end tag: they never open a level.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// The paragraph that ends a cut body.
pub const CONTINUES: &str = "This article continues at the source.";

/// `html` (sanitised, so well-formed) cut at the last block end that leaves room, within
/// `max` bytes, for closing what is still open and for a last paragraph pointing to `link`.
/// `None` when it already fits.
pub fn cut_html(html: &str, max: usize, link: Option<&url::Url>) -> Option<String> {
    if html.len() <= max {
        return None;
    }
    let plain = format!("<p>{CONTINUES}</p>");
    let ending = match link {
        Some(link) => format!(
            "<p><a href=\"{}\" rel=\"noopener noreferrer\">{CONTINUES}</a></p>",
            escape_html(link.as_str())
        ),
        None => plain.clone(),
    };
    // A link of kilobytes (a fuzz find: a canonical URL of percent-encoded bytes) would leave no
    // room for the body, or overflow the cap on its own: the ending then goes without it.
    let ending = if ending.len() <= max / 4 {
        ending
    } else {
        plain
    };
    let mut open: Vec<&str> = Vec::new();
    // The last place a block ended, with the elements open there.
    let mut best: Option<(usize, Vec<&str>)> = None;
    let closers = |open: &[&str]| open.iter().map(|t| t.len() + 3).sum::<usize>();
    let mut i = 0;
    let bytes = html.as_bytes();
    while let Some(lt) = html[i..].find('<').map(|p| p + i) {
        let Some(end) = tag_end(bytes, lt) else { break };
        let tag = &html[lt + 1..end - 1];
        i = end;
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim();
            if let Some(pos) = open.iter().rposition(|t| *t == name) {
                open.truncate(pos);
            }
            if BLOCKS.contains(&name) {
                if end + closers(&open) + ending.len() > max {
                    break;
                }
                best = Some((end, open.clone()));
            }
        } else if !tag.starts_with('!') {
            let name = tag
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or_default();
            if !VOID.contains(&name) && !tag.ends_with('/') {
                open.push(name);
            }
        }
    }
    let mut out = match best {
        Some((end, open)) => {
            let mut out = html[..end].to_string();
            for t in open.iter().rev() {
                out.push_str(&format!("</{t}>"));
            }
            out
        }
        // Not even the first block fits: its text, cut at a word.
        None => {
            let text = super::sanitize::html_to_text(html);
            let room = max.saturating_sub(ending.len() + 7) / 6; // `&quot;` is six bytes a char
            format!("<p>{}</p>", escape_html(&cut_at_word(&text, room)))
        }
    };
    out.push_str(&ending);
    Some(out)
}

/// Index just past the `>` closing the tag opened at `lt`, skipping quoted attribute values
/// (which may hold a `>`); `None` for a tag never closed.
fn tag_end(bytes: &[u8], lt: usize) -> Option<usize> {
    let mut quote = None;
    for (j, &b) in bytes.iter().enumerate().skip(lt + 1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return Some(j + 1),
            _ => {}
        }
    }
    None
}

/// `text` within `max` characters: cut at the last space before the limit with an ellipsis
/// (the ellipsis counted), or unchanged when it fits.
pub fn cut_at_word(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match head.rfind(char::is_whitespace) {
        // A "word" longer than a third of the room is no boundary worth keeping.
        Some(sp) if head[..sp].chars().count() > max / 3 => &head[..sp],
        _ => head.as_str(),
    };
    format!("{}…", cut.trim_end().trim_end_matches([',', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_too_long_for_the_room_is_left_out_of_the_ending() {
        // A fuzz find (tests/fixtures/fuzz/html/long-canonical-link.html): the ending alone
        // was over the cap.
        let body = format!("<p>{}</p>", "word ".repeat(2000));
        let link = url::Url::parse(&format!("https://e.org/{}", "%C2%A9".repeat(600))).unwrap();
        let cut = cut_html(&body, 4096, Some(&link)).unwrap();
        assert!(cut.len() <= 4096, "{}", cut.len());
        assert!(cut.ends_with(&format!("<p>{CONTINUES}</p>")), "{cut}");
        let quotes = format!("<p>{}</p>", "\"".repeat(5000));
        let cut = cut_html(&quotes, 4096, None).unwrap();
        assert!(cut.len() <= 4096, "{}", cut.len());
    }

    #[test]
    fn a_long_body_is_cut_after_a_block_with_open_elements_closed() {
        let para = |i: usize| format!("<p>Paragraph {i} {}</p>", "word ".repeat(40));
        let body = format!(
            "<div><h2>Head</h2>{}</div>",
            (0..50).map(para).collect::<String>()
        );
        let link = url::Url::parse("https://e.org/a?x=1&y=2").unwrap();
        let cut = cut_html(&body, 4096, Some(&link)).unwrap();
        assert!(cut.len() <= 4096, "{}", cut.len());
        assert!(cut.len() > 3000, "cut far too early: {}", cut.len());
        assert!(
            cut.ends_with(&format!(
                "</p></div><p><a href=\"https://e.org/a?x=1&amp;y=2\" rel=\"noopener noreferrer\">{CONTINUES}</a></p>"
            )),
            "{cut}"
        );
        assert!(!cut.contains("Paragraph 49"));
        assert_eq!(cut_html(&body, body.len(), Some(&link)), None);
    }

    #[test]
    fn a_single_huge_paragraph_becomes_its_text_cut_at_a_word() {
        let body = format!(
            "<p>{}</p>",
            "a<b> & ".repeat(5000).replace("a<b>", "a&lt;b&gt;")
        );
        let cut = cut_html(&body, 4096, None).unwrap();
        assert!(cut.len() <= 4096, "{}", cut.len());
        assert!(cut.starts_with("<p>a&lt;b&gt; &amp; "), "{}", &cut[..40]);
        assert!(cut.ends_with(&format!("…</p><p>{CONTINUES}</p>")));
    }

    #[test]
    fn titles_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(cut_at_word("short", 10), "short");
        assert_eq!(cut_at_word("one two three four", 12), "one two…");
        assert_eq!(cut_at_word(&"x".repeat(50), 10).chars().count(), 10);
    }
}
