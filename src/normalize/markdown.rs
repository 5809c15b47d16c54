//! Markdown path: a person's own article, so no chrome to strip: render it and let the shared
//! finishing steps sanitise it.

use super::Draft;

pub fn draft(markdown: &str) -> Draft {
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::all());
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    Draft {
        body_html: html,
        ..Draft::default()
    }
}
