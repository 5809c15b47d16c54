//! HTML path: finds the article in a whole page (main content, title, byline, dates, lead image,
//! language, canonical URL) and hands a draft to the shared finishing steps.
//!
//! The page is parsed once; [`dom::read`] copies it into a flat arena while collecting metadata,
//! [`score`] picks and cleans the content, and a fallback chain (relaxed class rules, JSON-LD
//! `articleBody`, the description, all visible text) guarantees a body whenever the page has text.

mod dom;
mod metadata;
mod score;

use dom_query::Document;
use url::Url;

use super::{Context, Draft};
use dom::Page;
use metadata::{Meta, Resolved};
use score::{Extracted, Mode};

/// A user's extraction rule for one site, as CSS selectors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteRule {
    /// The article body; when it matches nothing, automatic extraction is used.
    pub body: Option<String>,
    /// Removed before anything else.
    pub strip: Vec<String>,
    pub title: Option<String>,
    pub date: Option<String>,
}

/// Extracts the article from a page.
pub fn draft(html: &str, base: Option<&Url>, ctx: &Context) -> Draft {
    let doc = Document::from(html);
    remove(&doc, &ctx.rules.selectors);
    automatic(&doc, base, ctx)
}

/// Extracts with a site rule: the rule's selectors win, automatic extraction fills the gaps.
/// The flag is false when the rule's body selector matched nothing (the site has changed).
pub fn draft_with_rule(
    html: &str,
    base: Option<&Url>,
    ctx: &Context,
    rule: &SiteRule,
) -> (Draft, bool) {
    let doc = Document::from(html);
    remove(&doc, &ctx.rules.selectors);
    remove(&doc, &rule.strip);
    let mut draft = automatic(&doc, base, ctx);
    let selected = |sel: &Option<String>| {
        sel.as_deref()
            .and_then(|s| doc.try_select(s))
            .filter(|s| s.exists())
    };
    if let Some(t) = selected(&rule.title) {
        let t = t.first().text();
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            draft.title = Some(t);
        }
    }
    if let Some(d) = selected(&rule.date) {
        let d = d.first();
        let value = d
            .attr("datetime")
            .or_else(|| d.attr("content"))
            .map(|v| v.to_string())
            .unwrap_or_else(|| d.text().to_string());
        if let Some(date) = crate::dates::parse(&value, ctx.timezone) {
            draft.published = Some(date);
        }
    }
    let Some(body) = selected(&rule.body) else {
        return (draft, rule.body.is_none());
    };
    let page = dom::read(body.nodes(), None);
    let ex = score::serialize_all(&page, 0);
    if ex.chars > 0 {
        draft.body_html = ex.html;
    }
    (draft, true)
}

fn remove(doc: &Document, selectors: &[String]) {
    for sel in selectors {
        if let Some(s) = doc.try_select(sel) {
            s.remove();
        }
    }
}

fn automatic(doc: &Document, base: Option<&Url>, ctx: &Context) -> Draft {
    let mut meta = Meta::default();
    let page = dom::read(&[doc.root()], Some(&mut meta));
    let resolved = meta.resolve(base, ctx.timezone);
    let body = body(&page, &resolved, ctx);
    Draft {
        title: resolved.title,
        summary: None,
        body_html: body,
        authors: resolved.authors,
        credits: Vec::new(),
        published: resolved.published,
        updated: resolved.updated,
        image: resolved.image,
        language: resolved.language,
        canonical: resolved.canonical,
    }
}

/// A body too short to be the article: try harder.
const SHORT: usize = 250;

fn body(page: &Page, meta: &Resolved, ctx: &Context) -> String {
    let title = meta.title.as_deref();
    let mut best = score::extract(page, Mode::Strict, ctx, title);
    let ld_chars = meta
        .article_body
        .as_deref()
        .map_or(0, |b| dom::measure(b).0 as usize);
    if best.chars < SHORT || best.chars * 2 < ld_chars {
        let lenient = score::extract(page, Mode::Lenient, ctx, title);
        if lenient.chars > best.chars * 3 / 2 {
            best = lenient;
        }
    }
    // The publisher's own copy of the text, when the page's markup hides most of it.
    if best.chars * 2 < ld_chars {
        if let Some(b) = meta.article_body.as_deref() {
            return text_html(b);
        }
    }
    if best.chars > 0 {
        return best.html;
    }
    let all: Extracted = score::serialize_all(page, 0);
    if all.chars == 0 {
        if let Some(d) = meta.description.as_deref() {
            return text_html(d);
        }
    }
    all.html
}

/// Plain text as paragraphs of HTML.
fn text_html(text: &str) -> String {
    let mut out = String::new();
    for p in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        out.push_str(&crate::normalize::sanitize::escape_html(p));
        out.push_str("</p>");
    }
    out
}
