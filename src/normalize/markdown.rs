//! Markdown path: a person's own article, so no chrome to strip: render it and let the shared
//! finishing steps sanitise it. A leading `# Heading` is the title when front matter gave none.

use std::borrow::Cow;

use super::context::Draft;

pub fn draft(markdown: &str) -> Draft {
    let (title, body) = split_heading(markdown);
    let body = cap_nesting(body);
    let parser = pulldown_cmark::Parser::new_ext(&body, pulldown_cmark::Options::all());
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    Draft {
        meta: crate::model::Metadata {
            title,
            ..Default::default()
        },
        body_html: html,
        // Markdown may hold raw HTML: ammonia cleans it.
        body_kind: super::BodyKind::Foreign,
    }
}

/// Deepest quote and list nesting handed to pulldown-cmark, which re-reads every open container
/// on each line: 50,000 nested `>` took 22 s. No article nests quotes or lists this deep.
const MAX_NESTING: usize = 32;

/// The markdown with container markers (`>`, `-`, `+`, `*`, `1.`, `1)`) at the start of a line
/// beyond [`MAX_NESTING`] removed; the line's text stays.
fn cap_nesting(markdown: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        if let Some(cut) = nesting_cut(line) {
            out.push_str(&markdown[copied..offset + cut.0]);
            copied = offset + cut.1;
        }
        offset += line.len();
    }
    if copied == 0 {
        return Cow::Borrowed(markdown);
    }
    out.push_str(&markdown[copied..]);
    Cow::Owned(out)
}

/// Where the markers past [`MAX_NESTING`] on `line` start and end, if it has that many.
fn nesting_cut(line: &str) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let (mut i, mut count, mut cut_start) = (0, 0, 0);
    loop {
        let mark_start = i;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let len = match b.get(i) {
            Some(b'>') => 1,
            Some(b'-' | b'+' | b'*') if matches!(b.get(i + 1), Some(b' ' | b'\t')) => 1,
            Some(b'0'..=b'9') => {
                let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                match (b.get(i + digits), b.get(i + digits + 1)) {
                    (Some(b'.' | b')'), Some(b' ' | b'\t')) if digits <= 9 => digits + 1,
                    _ => 0,
                }
            }
            _ => 0,
        };
        if len == 0 {
            return (count > MAX_NESTING).then_some((cut_start, mark_start));
        }
        count += 1;
        i += len;
        if count == MAX_NESTING {
            cut_start = i;
        }
    }
}

/// Takes a first-line ATX level-1 heading off the body.
fn split_heading(markdown: &str) -> (Option<String>, &str) {
    let trimmed = markdown.trim_start();
    let Some(rest) = trimmed.strip_prefix("# ") else {
        return (None, markdown);
    };
    let (line, body) = rest.split_once('\n').unwrap_or((rest, ""));
    let title = line.trim().trim_end_matches('#').trim();
    (Some(title.to_string()).filter(|t| !t.is_empty()), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_heading_becomes_title() {
        let d = draft("# Bridge reopens\n\nThe bridge *reopened*.\n");
        assert_eq!(d.meta.title.as_deref(), Some("Bridge reopens"));
        assert_eq!(d.body_html.trim(), "<p>The bridge <em>reopened</em>.</p>");
    }

    #[test]
    fn deep_quotes_and_lists_are_capped_and_keep_their_text() {
        let quotes = format!("{}deepest words\n\nafter", "> ".repeat(50_000));
        let d = draft(&quotes);
        assert!(
            d.body_html.contains("deepest words"),
            "{}",
            &d.body_html[..200]
        );
        assert!(d.body_html.contains("after"));
        let depth = d.body_html.matches("<blockquote>").count();
        assert!((1..=MAX_NESTING).contains(&depth), "{depth}");
        let lists = format!("{}item text\n", "- 1. * ".repeat(20_000));
        let d = draft(&lists);
        assert!(d.body_html.contains("item text"));
        assert!(d.body_html.matches("<li>").count() <= MAX_NESTING);
        // Shallow nesting is left alone.
        assert!(matches!(cap_nesting("> > a\n- - b\n"), Cow::Borrowed(_)));
        assert_eq!(draft("> > a").body_html.matches("<blockquote>").count(), 2);
    }

    #[test]
    fn no_heading_no_title() {
        let d = draft("Just text with a # inside.\n\n# Later heading\n");
        assert_eq!(d.meta.title, None);
        assert!(d.body_html.contains("<h1>Later heading</h1>"));
    }
}
