//! Markdown path: a person's own article, so no chrome to strip: render it and let the shared
//! finishing steps sanitise it. A leading `# Heading` is the title when front matter gave none.

use super::context::Draft;

pub fn draft(markdown: &str) -> Draft {
    let (title, body) = split_heading(markdown);
    let parser = pulldown_cmark::Parser::new_ext(body, pulldown_cmark::Options::all());
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    Draft {
        title,
        body_html: html,
        ..Draft::default()
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
        assert_eq!(d.title.as_deref(), Some("Bridge reopens"));
        assert_eq!(d.body_html.trim(), "<p>The bridge <em>reopened</em>.</p>");
    }

    #[test]
    fn no_heading_no_title() {
        let d = draft("Just text with a # inside.\n\n# Later heading\n");
        assert_eq!(d.title, None);
        assert!(d.body_html.contains("<h1>Later heading</h1>"));
    }
}
