//! HTML path: finds the article in a whole page (main content, title, byline, dates, lead image,
//! language, canonical URL) and hands a draft to the shared finishing steps.
//!
//! The page is parsed once; [`dom::read`] copies it into a flat arena while collecting metadata,
//! [`score`] picks and cleans the content, and a fallback chain (relaxed class rules, JSON-LD
//! `articleBody`, the description, all visible text) guarantees a body whenever the page has text.

mod cards;
mod copies;
mod dom;
mod metadata;
mod names;
mod score;
mod streamed;
mod threads;

use dom_query::Document;
use url::Url;

use super::context::{BodyKind, Context, Draft, SiteRule};
use super::sanitize::without_code;
use super::trace::{BodyFrom, Entry, Fate, Rule};
use dom::Page;
use metadata::{Meta, Resolved};
use score::{Extracted, Mode};

/// Extracts the article from a page.
pub fn draft(html: &str, base: Option<&Url>, ctx: &Context) -> Draft {
    // Capped nesting keeps parsing and scoring linear in the page's size.
    let doc = Document::from(without_code(html).as_ref());
    streamed::reveal(&doc);
    remove(&doc, &ctx.rules.selectors, ctx, Rule::UserSelector);
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
    let doc = Document::from(without_code(html).as_ref());
    streamed::reveal(&doc);
    remove(&doc, &ctx.rules.selectors, ctx, Rule::UserSelector);
    remove(&doc, &rule.strip, ctx, Rule::SiteRuleStrip);
    let mut draft = automatic(&doc, base, ctx);
    let selected = |sel: &Option<String>| {
        sel.as_deref()
            .and_then(|s| doc.try_select(s))
            .filter(|s| s.exists())
    };
    if let Some(t) = selected(&rule.title) {
        let t = t.first().text();
        let t = crate::chars::fold_whitespace(&t);
        if !t.is_empty() {
            draft.meta.title = Some(t);
            draft.meta.provenance.title = Some(crate::model::Origin::SiteRule);
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
            draft.meta.published = Some(date);
            draft.meta.provenance.published = Some(crate::model::Origin::SiteRule);
        }
    }
    let Some(body) = selected(&rule.body) else {
        return (draft, rule.body.is_none());
    };
    let page = dom::read(body.nodes(), None);
    let ex = score::serialize_all(&page, 0);
    if ex.chars > 0 {
        (draft.body_html, draft.body_kind) = (ex.html, BodyKind::Written);
        if let Some(t) = ctx.trace {
            t.body_from(BodyFrom::SiteRule);
        }
    }
    (draft, true)
}

/// Removes what `selectors` match; a traced context learns the text each one took, by `rule`
/// (the selector's index).
fn remove(doc: &Document, selectors: &[String], ctx: &Context, rule: fn(usize) -> Rule) {
    for (i, sel) in selectors.iter().enumerate() {
        if let Some(s) = doc.try_select(sel) {
            if let Some(t) = ctx.trace {
                let removed = s.nodes().iter().map(|n| Entry {
                    lines: None,
                    tag: n
                        .node_name()
                        .and_then(|name| dom::classify(&name.to_ascii_lowercase()))
                        .map(dom::Tag::name),
                    text: crate::chars::fold_whitespace(&n.text()),
                    fate: Fate::Chrome { rule: rule(i) },
                });
                t.extend(removed.filter(|e| !e.text.is_empty()).collect());
            }
            s.remove();
        }
    }
}

fn automatic(doc: &Document, base: Option<&Url>, ctx: &Context) -> Draft {
    let mut meta = Meta::default();
    let page = dom::read(&[doc.root()], Some(&mut meta));
    if ctx.interrupt.raised() {
        return Draft::default();
    }
    let mut resolved = meta.resolve(base, ctx.timezone);
    resolved.complete(&meta, &page, base, ctx);
    let copies = copies::pages(doc);
    if resolved.meta.authors.is_empty() {
        // A page that keeps its content in a copy for readers without scripts (a forum's
        // crawler view in a `<noscript>`) may name its author only there.
        let named = copies
            .iter()
            .map(|c| c.meta.resolve(base, ctx.timezone))
            .find(|r| !r.meta.authors.is_empty() && !r.authors_are_brand);
        if let Some(named) = named {
            resolved.meta.authors = named.meta.authors;
            resolved.meta.provenance.authors = named.meta.provenance.authors;
        }
    }
    let discussion = threads::declared(&meta);
    let (body_html, body_kind) = body(&page, &copies, &resolved, discussion, base, ctx);
    // The publisher's description is the dek; without one, finishing cuts the lead.
    Draft {
        meta: resolved.meta,
        body_html,
        body_kind,
    }
}

/// A body too short to be the article: try harder.
const SHORT: usize = 500;

/// A winner under this many characters may be a box beside the article, not the article
/// (feedsmith's figure, from the wcxb-dev pages with near-empty output).
const SMALL: usize = 1500;
/// How many times fuller than a small winner the runner-up must be to replace it (feedsmith's).
const RUNNER_UP_RATIO: usize = 4;

fn body(
    page: &Page,
    copies: &[copies::Copy],
    resolved: &Resolved,
    discussion: bool,
    base: Option<&Url>,
    ctx: &Context,
) -> (String, BodyKind) {
    let known = score::Known {
        ctx,
        title: resolved.meta.title.as_deref(),
        host: base.and_then(Url::host_str),
        dated: resolved.meta.published.is_some(),
        authors: &resolved.meta.authors,
    };
    let mut best = score::extract(page, Mode::Strict, &known, &[]);
    if ctx.interrupt.raised() {
        return (best.html, BodyKind::Written);
    }
    let ld_chars = resolved
        .article_body
        .as_deref()
        .map_or(0, |b| dom::measure(b).0 as usize);
    if best.chars < SHORT || best.chars * 2 < ld_chars {
        let lenient = score::extract(page, Mode::Lenient, &known, &[]);
        if lenient.chars > best.chars * 3 / 2 {
            best = lenient;
        }
    }
    // A small winner (a contact box, a banner, a dek, a form) beside the article: the best
    // content once the winner is set aside, strict first, then with class rules relaxed.
    // When the winner is the whole page, setting it aside leaves nothing: then the page with
    // class rules relaxed is the runner-up.
    if best.chars < SMALL {
        let runners = [
            (Mode::Strict, best.spans.as_slice()),
            (Mode::Lenient, best.spans.as_slice()),
            (Mode::Lenient, &[]),
        ];
        let fuller = runners.into_iter().find_map(|(mode, without)| {
            let runner_up = score::extract(page, mode, &known, without);
            (runner_up.chars >= best.chars * RUNNER_UP_RATIO && runner_up.chars >= SHORT)
                .then_some(runner_up)
        });
        if let Some(runner_up) = fuller {
            best = runner_up;
        }
    }
    // A copy kept for scripts or for readers without them wins when it is fuller and agrees
    // with the pick on the text they share, or when it is a body and the pick is not.
    // Whether `best` indexes `page` (a copy's pick indexes the copy).
    let mut on_page = true;
    for copy in copies {
        let ex = score::extract(&copy.page, Mode::Strict, &known, &[]);
        if ex.chars * 2 < best.chars * 3 {
            continue;
        }
        let agree = || {
            let text = |h: &str| crate::normalize::sanitize::html_to_text(h);
            copies::agree(&text(&best.html), &text(&ex.html))
        };
        let body_over_stub =
            ex.chars >= SHORT && (best.chars < SHORT || ex.chars >= best.chars * 3);
        if body_over_stub || agree() {
            best = ex;
            on_page = false;
        }
    }
    let mut from = BodyFrom::Blocks;
    // A discussion's posts, or else a listing's repeated cards or a product's fact lists.
    let thread = (discussion && on_page)
        .then(|| threads::posts(page, &best, &known))
        .flatten();
    if let Some(posts) = thread {
        (best, from) = (posts, BodyFrom::Posts);
    } else if let Some((wider, shape)) =
        cards::widen(page, &best, resolved.meta.published.is_some())
    {
        (best, from) = (wider, shape);
    }
    let record = |from: BodyFrom, blocks: Vec<_>| {
        if let Some(t) = ctx.trace {
            t.extend(blocks);
            t.body_from(from);
        }
    };
    let blocks = std::mem::take(&mut best.blocks);
    // The publisher's own copy of the text, when the page's markup hides most of it.
    if best.chars * 2 < ld_chars {
        if let Some(b) = resolved.article_body.as_deref() {
            record(BodyFrom::JsonLd, blocks);
            // Some publishers put markup in articleBody; sanitising handles it as HTML.
            let markup = ["</p>", "<br", "</div>"].iter().any(|t| b.contains(t));
            return match markup {
                true => (b.to_string(), BodyKind::Foreign),
                false => (text_html(b), BodyKind::Written),
            };
        }
    }
    if best.chars > 0 {
        record(from, blocks);
        return (best.html, BodyKind::Written);
    }
    let all: Extracted = score::serialize_all(page, 0);
    if all.chars == 0 {
        if let Some(d) = resolved.meta.summary.as_deref() {
            record(BodyFrom::Description, blocks);
            return (text_html(d), BodyKind::Written);
        }
    }
    record(BodyFrom::AllText, blocks);
    (all.html, BodyKind::Written)
}

/// Plain text as paragraphs of HTML.
fn text_html(text: &str) -> String {
    let mut out = String::new();
    for p in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        out.push_str(&crate::chars::escape_html(p));
        out.push_str("</p>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RawBody;
    use crate::normalize::{chrome::Rules, learn::Learned};

    const PROSE: &[&str] = &[
        "The city council voted on Tuesday to approve the new transit plan, which adds three bus lines, extends service hours and, for the first time, links the two hospitals.",
        "Supporters said the plan was overdue, pointing to years of complaints from night-shift workers, students and older residents who no longer drive.",
        "Critics, however, questioned the cost, the timeline and whether ridership forecasts, prepared before the pandemic, still hold.",
        "The first of the new lines is expected to open in the spring, with the others following by the end of next year, officials said.",
    ];

    fn page(head: &str, article: &str) -> String {
        format!(
            r#"<!doctype html><html lang="en-GB"><head><meta charset="utf-8">{head}</head><body>
<header class="site-header"><a href="/">Home</a> <a href="/news">News</a></header>
<nav class="menu"><ul><li><a href="/a">Politics</a></li><li><a href="/b">Business, markets and the economy today</a></li></ul></nav>
<div class="layout"><main><article>{article}</article></main>
<aside class="sidebar"><h3>Most read</h3><p>Sidebar text that is long enough to look like a paragraph, with commas, clauses, and more words.</p></aside></div>
<div class="related-stories"><h3>Related</h3><ul>
<li><a href="/x1">Mayor announces budget plans for the coming year</a></li>
<li><a href="/x2">School board race heats up as election nears</a></li>
<li><a href="/x3">Storm knocks out power to thousands of homes</a></li></ul></div>
<section id="comments" class="comments"><p>Great article, thanks, I agree with every word, truly, and I will share it widely with my friends.</p></section>
<footer><p>Copyright 2024 The Daily Example. All rights reserved, everywhere, always.</p></footer>
</body></html>"#
        )
    }

    fn prose() -> String {
        PROSE.iter().map(|p| format!("<p>{p}</p>")).collect()
    }

    fn with_ctx<T>(selectors: &[String], f: impl FnOnce(&Context) -> T) -> T {
        let rules = Rules::new(&[], Vec::new(), selectors);
        let learned = Learned::default();
        let ctx = Context::new(chrono::Utc::now(), &rules, &learned);
        f(&ctx)
    }

    fn base() -> Url {
        Url::parse("https://news.example.com/2024/05/transit.html").unwrap()
    }

    fn article(html: &str) -> crate::model::Article {
        crate::normalize::testing::article(RawBody::Html(html.to_string()), Some(base())).unwrap()
    }

    #[test]
    fn traced_blocks_say_what_extraction_did_and_change_nothing() {
        use crate::normalize::trace::Trace;
        let body = format!(
            r#"<h1>Council approves transit plan</h1>{}<p class="promo">Buy our oats today</p>
<p>The mayor, <span class="tooltip">Jane Roe has led the city since 2019</span> speaking after the vote, thanked the drivers, the planners and the riders who wrote in.</p>"#,
            prose()
        );
        let html = page("<title>Council approves transit plan</title>", &body);
        let rules = Rules::new(&[], Vec::new(), &["p.promo".to_string()]);
        let learned = Learned::default();
        let now = crate::normalize::testing::now();
        let trace = Trace::default();
        let traced = draft(
            &html,
            Some(&base()),
            &Context {
                trace: Some(&trace),
                ..Context::new(now, &rules, &learned)
            },
        );
        let plain = draft(&html, Some(&base()), &Context::new(now, &rules, &learned));
        assert_eq!(traced.body_html, plain.body_html);
        let t = trace.take();
        assert_eq!(t.body_from, BodyFrom::Blocks);
        let fate = |text: &str| {
            t.entries
                .iter()
                .find(|e| e.text.starts_with(text))
                .map(|e| (e.tag, e.fate))
                .unwrap_or_else(|| panic!("{text} not traced: {:?}", t.entries))
        };
        let chrome = |rule| Fate::Chrome { rule };
        assert_eq!(
            fate("Buy our oats"),
            (Some("p"), chrome(Rule::UserSelector(0)))
        );
        assert_eq!(fate("Politics"), (Some("li"), chrome(Rule::Furniture)));
        assert_eq!(fate("Council approves"), (Some("h1"), Fate::Title));
        assert_eq!(
            fate("Great article"),
            (Some("p"), chrome(Rule::UnlikelyClass))
        );
        // An inline part taken out of a kept paragraph is listed on its own.
        assert_eq!(fate("The mayor,"), (Some("p"), Fate::Kept));
        assert_eq!(
            fate("Jane Roe has led"),
            (Some("p"), chrome(Rule::UnlikelyClass))
        );
        assert_eq!(fate("speaking after the vote"), (Some("p"), Fate::Kept));
        for p in PROSE {
            assert_eq!(fate(p), (Some("p"), Fate::Kept));
        }
        // Exactly the blocks called kept make the body.
        for e in &t.entries {
            assert_eq!(
                e.fate == Fate::Kept,
                traced
                    .body_html
                    .contains(&crate::chars::escape_html(&e.text)),
                "{e:?}"
            );
        }
    }

    #[test]
    fn lazy_image_attributes_cannot_smuggle_unsafe_urls() {
        // The extractor copies data-src/data-srcset into src/srcset; sanitising must still
        // judge every URL in them.
        let body = format!(
            r#"{}<figure><img src="data:image/gif;base64,R0lGOD" data-src="javascript:alert(1)"
 data-srcset="javascript:alert(2) 1x, /ok.jpg 2x, data:image/png;base64,iVBOR 3x" alt="x">
<picture><source srcset="vbscript:msgbox 1x, https://cdn.example.com/a.webp 2x" type="image/webp"></picture></figure>"#,
            prose()
        );
        let a = article(&page("<title>T</title>", &body));
        for bad in ["javascript", "vbscript", "data:", "base64"] {
            assert!(!a.content_html.contains(bad), "{bad} in {}", a.content_html);
        }
        assert!(
            a.content_html
                .contains(r#"srcset="https://news.example.com/ok.jpg 2x""#),
            "{}",
            a.content_html
        );
        assert!(
            a.content_html
                .contains(r#"srcset="https://cdn.example.com/a.webp 2x""#),
            "{}",
            a.content_html
        );
    }

    #[test]
    fn a_caption_that_credits_the_picture_goes_one_that_only_describes_it_stays() {
        let figure = |caption: &str| {
            format!(
                r#"<figure><img src="/img/bus.jpg" alt="Bus"><figcaption>{caption}</figcaption></figure>"#
            )
        };
        let body = format!(
            "{}{}{}{}{}{}",
            prose(),
            figure("Photo: Jane Roe / Unsplash"),
            figure("Source: Harbour Transit"),
            figure("The old tram depot, 1911. Courtesy the City Archive."),
            figure("Drivers at the depot's opening (Photo credit: Jane Roe)"),
            figure("The new line's first bus leaves the depot at dawn.")
        );
        let html = article(&page("<title>T</title>", &body)).content_html;
        assert!(
            !html.contains("Unsplash") && !html.contains("Harbour Transit"),
            "{html}"
        );
        // A caption ending in its picture's credit goes with the credit.
        assert!(
            !html.contains("City Archive") && !html.contains("Drivers at"),
            "{html}"
        );
        assert!(html.contains("first bus leaves the depot"), "{html}");
        assert!(html.contains("bus.jpg"), "{html}");
    }

    #[test]
    fn lazy_images_get_their_real_source_and_captions_stay_with_their_figure() {
        let body = format!(
            r#"{}<figure class="wp-block-image"><img src="/img/placeholder.svg" class="lazy" alt="Bus">
<noscript><img src="/img/bus-real.jpg" srcset="/img/bus-800.jpg 800w"></noscript>
<figcaption class="wp-caption-text">The new line's first bus.</figcaption></figure>
<p><img data-lazy-src="/img/map.png" data-lazy-srcset="/img/map-2x.png 2x"></p>
<div><noscript><img src="https://cdn.example.com/chart.png" alt="Chart"></noscript></div>
<figure><figcaption>A caption with no picture left to describe.</figcaption></figure>"#,
            prose()
        );
        let a = article(&page("<title>T</title>", &body));
        let html = &a.content_html;
        // The noscript copy replaced the placeholder; the alt of the lazy image stayed.
        assert!(
            html.contains(r#"src="https://news.example.com/img/bus-real.jpg""#),
            "{html}"
        );
        assert!(!html.contains("placeholder.svg"), "{html}");
        assert!(
            html.contains(r#"srcset="https://news.example.com/img/bus-800.jpg 800w""#),
            "{html}"
        );
        assert!(html.contains(r#"alt="Bus""#), "{html}");
        assert!(
            html.contains(r#"src="https://news.example.com/img/map.png""#),
            "{html}"
        );
        assert!(
            html.contains(r#"srcset="https://news.example.com/img/map-2x.png 2x""#),
            "{html}"
        );
        assert!(
            html.contains(r#"src="https://cdn.example.com/chart.png""#),
            "{html}"
        );
        assert!(
            html.contains("<figcaption>The new line's first bus.</figcaption>"),
            "{html}"
        );
        assert!(!html.contains("no picture left"), "{html}");
        // Without an og:image, the first figure's picture leads.
        assert_eq!(
            a.image.as_ref().map(url::Url::as_str),
            Some("https://news.example.com/img/bus-real.jpg")
        );
    }

    #[test]
    fn very_deep_pages_finish_and_keep_their_text() {
        // 100,000 nested elements: parsing was quadratic in depth and never finished.
        for (open, close) in [
            ("<div>", "</div>"),
            ("<blockquote><span>", "</span></blockquote>"),
        ] {
            let depth = 100_000;
            let html = format!(
                "<html><body>{}<p>{}</p>{}<p>After the deep part, the story goes on.</p></body></html>",
                open.repeat(depth),
                PROSE.join(" "),
                close.repeat(depth)
            );
            let a = article(&html);
            for p in PROSE {
                assert!(a.content_text.contains(p), "missing {p:?}");
            }
            assert!(
                a.content_text.contains("After the deep part"),
                "{}",
                a.content_text
            );
        }
    }

    #[test]
    fn parse_input_keeps_shallow_markup_and_all_text() {
        let shallow = "<div><p>a</p><ul><li>b<li>c</ul></div>".repeat(100);
        assert!(matches!(
            without_code(&shallow),
            std::borrow::Cow::Borrowed(_)
        ));
        // Unclosed paragraphs are not nesting.
        let unclosed = "<p>para ".repeat(2000);
        assert!(matches!(
            without_code(&unclosed),
            std::borrow::Cow::Borrowed(_)
        ));
        // Unclosed links, headings and ruby text, and inline tags left open inside a block
        // that closes, are not nesting either.
        for sloppy in [
            "<a href=x>link ".repeat(2000),
            "<h2>t<h3>u ".repeat(1000),
            "<ruby>漢<rp>(<rt>かん<rp>)</ruby> ".repeat(1000),
            "<div><b><i>open</div> ".repeat(1000),
        ] {
            assert!(
                matches!(without_code(&sloppy), std::borrow::Cow::Borrowed(_)),
                "{}",
                sloppy.chars().take(40).collect::<String>()
            );
        }
        let deep = format!("{}x{}", "<div>w ".repeat(1000), "</div>".repeat(1000));
        let capped = without_code(&deep);
        assert_eq!(
            capped.matches("<div>").count(),
            crate::normalize::sanitize::MAX_DEPTH
        );
        assert_eq!(
            capped.matches("</div>").count(),
            crate::normalize::sanitize::MAX_DEPTH
        );
        assert_eq!(capped.matches("w ").count(), 1000);
    }

    #[test]
    fn picks_the_article_over_navigation_sidebar_comments_and_related_links() {
        let body = format!(
            r#"<h1>Council approves transit plan</h1><p class="byline">By Jane Roe</p>{}
<div class="share-bar"><a href="/s">Share on Facebook</a></div>"#,
            prose()
        );
        let a = article(&page("<title>Council approves transit plan</title>", &body));
        for p in PROSE {
            assert!(
                a.content_text.contains(p),
                "missing {p:?} in {}",
                a.content_text
            );
        }
        for junk in [
            "Politics",
            "Sidebar text",
            "Mayor announces",
            "Great article",
            "Copyright",
            "Share on Facebook",
            "By Jane Roe",
            "Council approves transit plan",
        ] {
            assert!(
                !a.content_text.contains(junk),
                "{junk:?} kept: {}",
                a.content_text
            );
        }
    }

    #[test]
    fn metadata_comes_from_json_ld_opengraph_and_the_page() {
        let head = r#"<title>Ignored | Example</title>
<meta property="og:title" content="Council approves transit plan">
<meta property="og:image" content="/img/bus.jpg">
<meta name="description" content="Three new bus lines.">
<link rel="canonical" href="/2024/05/transit">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","name":"Example"},
 {"@type":"NewsArticle","headline":"Council approves transit plan",
  "author":[{"@type":"Person","name":"Jane Roe"},{"@type":"Person","name":"John Doe"}],
  "datePublished":"2024-05-02T09:30:00+02:00","dateModified":"2024-05-03T10:00:00Z"}]}</script>"#;
        let a = article(&page(head, &prose()));
        assert_eq!(a.title, "Council approves transit plan");
        assert_eq!(a.authors, vec!["Jane Roe", "John Doe"]);
        // Kept as written: the offset and the writer's calendar day.
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-05-02T09:30:00+02:00"
        );
        assert_eq!(a.updated.unwrap().to_rfc3339(), "2024-05-03T10:00:00+00:00");
        assert_eq!(
            a.image.as_ref().map(url::Url::as_str),
            Some("https://news.example.com/img/bus.jpg")
        );
        assert_eq!(
            a.link.as_ref().map(url::Url::as_str),
            Some("https://news.example.com/2024/05/transit")
        );
        assert_eq!(a.language.as_deref(), Some("en-GB"));
        assert_eq!(a.summary.as_deref(), Some("Three new bus lines."));
    }

    #[test]
    fn meta_tags_and_time_elements_fill_in_without_json_ld() {
        let head = r#"<meta name="author" content="By Jane Roe">"#;
        let body = format!(
            r#"<time datetime="2024-01-15T08:00:00Z">15 January</time>{}"#,
            prose()
        );
        let a = article(&page(head, &body));
        assert_eq!(a.authors, vec!["Jane Roe"]);
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-01-15T08:00:00+00:00"
        );
    }

    /// The golden corpus (`tests/fixtures/extract/`): small pages written for the purpose, one
    /// per pattern extraction handles (page builders, streamed chunks, script and noscript
    /// copies, a small winner beside the article, a non-UTF-8 page…), each beside the text it must yield, compared paragraph by
    /// paragraph; every page that differs is reported with its first differing paragraph.
    #[test]
    fn golden_corpus_pages_yield_their_expected_paragraphs() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract");
        let mut pages: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .collect();
        pages.sort();
        assert!(pages.len() >= 14, "the corpus lost pages: {pages:?}");
        let paragraphs = |t: &str| -> Vec<String> {
            t.split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        };
        let mut failures = Vec::new();
        for page in &pages {
            // Decoded as a saved page is (its `<meta charset>`), so a non-UTF-8 page can be one.
            let html = crate::fetch::charset::decode(std::fs::read(page).unwrap(), None);
            let want = paragraphs(&std::fs::read_to_string(page.with_extension("txt")).unwrap());
            let got = paragraphs(&article(&html).content_text);
            let name = page.file_name().unwrap().to_string_lossy();
            if let Some(i) = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
                failures.push(format!(
                    "{name}: paragraph {} of {} differs\n  want: {:?}\n  got:  {:?}",
                    i + 1,
                    want.len(),
                    want.get(i),
                    got.get(i)
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    fn day(a: &crate::model::Article) -> Option<String> {
        a.published.map(|d| d.date_naive().to_string())
    }

    #[test]
    fn a_date_shown_by_the_headline_dates_a_page_without_date_markup() {
        // Three site shapes: a labelled line after the h1, a byline row with the date after a
        // dash, a bare date above the headline.
        for (before, after, want) in [
            (
                "",
                "<div class=\"meta\"><span>Published on July 18, 2025</span></div>",
                "2025-07-18",
            ),
            (
                "",
                "<div><strong>By <a href=\"/team/ana\">Ana Lima</a></strong> - Mar 27, 2024</div>",
                "2024-03-27",
            ),
            (
                "<div class=\"eyebrow\">19 Dec, 2025</div>",
                "",
                "2025-12-19",
            ),
        ] {
            let html = page(
                "",
                &format!(
                    "{before}<h1>Council approves transit plan</h1>{after}{}",
                    prose()
                ),
            );
            assert_eq!(
                day(&article(&html)).as_deref(),
                Some(want),
                "{before}{after}"
            );
        }
    }

    #[test]
    fn a_shown_updated_date_and_the_permalink_date_are_fallbacks() {
        let html = page(
            "",
            &format!(
                "<h1>Transit plan</h1><p>Updated: December 31, 2024</p>{}",
                prose()
            ),
        );
        assert_eq!(day(&article(&html)).as_deref(), Some("2024-12-31"));
        let a = crate::normalize::testing::article(
            RawBody::Html(page("", &prose())),
            url::Url::parse("https://blog.example.org/2025/12/19/transit-plan/").ok(),
        )
        .unwrap();
        assert_eq!(day(&a).as_deref(), Some("2025-12-19"));
    }

    #[test]
    fn json_ld_dates_come_from_the_page_object_when_the_article_has_none() {
        let head = r#"<script type="application/ld+json">{"@graph":[
 {"@type":"WebPage","datePublished":"2024-03-17T19:47:39+00:00","dateModified":"2024-04-01T08:00:00+00:00"},
 {"@type":"Article","headline":"Transit plan"}]}</script>"#;
        assert_eq!(
            day(&article(&page(head, &prose()))).as_deref(),
            Some("2024-03-17")
        );
    }

    #[test]
    fn the_author_is_a_person_shown_by_the_headline_not_the_site() {
        // A label over the name, as page builders lay bylines out.
        let html = page(
            "",
            &format!(
                "<h1>Transit plan</h1><div><div>Written by</div><div>Summer Swann</div></div>{}",
                prose()
            ),
        );
        assert_eq!(article(&html).authors, vec!["Summer Swann"]);
        // The site credited in JSON-LD gives way to the person in an author element.
        let head = r#"<meta property="og:site_name" content="Daily Example">
<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Organization","name":"Daily Example"}}</script>"#;
        let html = page(
            head,
            &format!(
                "<h1>Transit plan</h1><p class=\"post-hero__author\">Lisa Pham</p>{}",
                prose()
            ),
        );
        assert_eq!(article(&html).authors, vec!["Lisa Pham"]);
        // With no person anywhere, the credited brand stays.
        assert_eq!(
            article(&page(head, &prose())).authors,
            vec!["Daily Example"]
        );
    }

    #[test]
    fn author_names_lose_labels_dates_and_commenters() {
        let head = r#"<meta name="author" content="Written By: Tom May">"#;
        assert_eq!(article(&page(head, &prose())).authors, vec!["Tom May"]);
        let links: String = ["Jeffrey Roe", "Mark Doe", "Ana Lima"]
            .iter()
            .map(|n| format!("<p><a rel=\"author\" href=\"/u\">{n}</a> wrote a comment here.</p>"))
            .collect();
        let a = article(&page("", &format!("{}{links}", prose())));
        assert_eq!(a.authors, vec!["Jeffrey Roe"]);
    }

    #[test]
    fn the_title_is_the_headline_the_reader_sees() {
        let head = r#"<meta property="og:title" content="Transit Plan 2025: Three New Bus Lines | Daily Example">"#;
        let html = page(
            head,
            &format!(
                "<h1>Council approves transit plan with three bus lines</h1>{}",
                prose()
            ),
        );
        assert_eq!(
            article(&html).title,
            "Council approves transit plan with three bus lines"
        );
        // An h1 that shares nothing with the page's title is a logo, not the headline.
        let html = page(head, &format!("<h1>Daily</h1>{}", prose()));
        assert_eq!(
            article(&html).title,
            "Transit Plan 2025: Three New Bus Lines"
        );
    }

    #[test]
    fn title_loses_its_site_name() {
        let a = article(&page(
            "<title>Council approves new transit plan | The Daily Example</title>",
            &prose(),
        ));
        assert_eq!(a.title, "Council approves new transit plan");
        let a = article(&page(
            r#"<meta property="og:site_name" content="Daily Example"><meta property="og:title" content="Transit plan approved - Daily Example">"#,
            &prose(),
        ));
        assert_eq!(a.title, "Transit plan approved");
        let a = article(&page(
            "<title>Apple unveils its new phone - and it's pricey</title>",
            &prose(),
        ));
        assert_eq!(a.title, "Apple unveils its new phone - and it's pricey");
        let a = article(&page(
            "<title>Storm hits the coast – nj.com</title>",
            &prose(),
        ));
        assert_eq!(a.title, "Storm hits the coast");
        // A dash inside a headline is not a site name.
        let a = article(&page(
            "<title>Vote passes 7-2 - and the mayor is pleased with the outcome</title>",
            &prose(),
        ));
        assert_eq!(
            a.title,
            "Vote passes 7-2 - and the mayor is pleased with the outcome"
        );
    }

    #[test]
    fn relative_urls_in_the_body_become_absolute() {
        let body = format!(
            r#"{}<figure><img src="../img/map.png" alt="map"><figcaption>The new routes</figcaption></figure><p>See the <a href="/plan.pdf">full plan</a>, which runs to forty pages, with maps, timetables and costs.</p>"#,
            prose()
        );
        let a = article(&page("", &body));
        assert!(
            a.content_html
                .contains(r#"src="https://news.example.com/2024/img/map.png""#),
            "{}",
            a.content_html
        );
        assert!(
            a.content_html
                .contains(r#"href="https://news.example.com/plan.pdf""#),
            "{}",
            a.content_html
        );
        // The caption of a picture stays with it.
        assert!(
            a.content_html
                .contains("<figcaption>The new routes</figcaption>"),
            "{}",
            a.content_html
        );
    }

    #[test]
    fn user_selectors_are_removed_before_extraction() {
        let body = format!(
            r#"{}<p class="note">Buy our excellent print edition today, with puzzles, comics, and coupons.</p>"#,
            prose()
        );
        let html = page("", &body);
        let kept = with_ctx(&[], |ctx| draft(&html, Some(&base()), ctx));
        assert!(kept.body_html.contains("print edition"));
        let removed = with_ctx(&["p.note".to_string()], |ctx| {
            draft(&html, Some(&base()), ctx)
        });
        assert!(!removed.body_html.contains("print edition"));
        assert!(removed.body_html.contains("transit plan"));
    }

    #[test]
    fn site_rule_wins_and_falls_back_when_it_matches_nothing() {
        let body = format!(
            r#"<h1 class="hed">Rule title</h1><span class="when">2023-03-04</span><div class="teaser"><p>Teaser paragraph chosen by the rule, short but wanted.</p><p class="ad">Advert inside</p></div>{}"#,
            prose()
        );
        let html = page("<title>Page title</title>", &body);
        let rule = SiteRule {
            host: "example.org".into(),
            body: Some("div.teaser".into()),
            strip: vec![".ad".into()],
            title: Some("h1.hed".into()),
            date: Some(".when".into()),
        };
        let (d, matched) = with_ctx(&[], |ctx| draft_with_rule(&html, Some(&base()), ctx, &rule));
        assert!(matched);
        assert!(d.body_html.contains("Teaser paragraph"));
        assert!(!d.body_html.contains("Advert inside"));
        assert!(!d.body_html.contains("transit plan"));
        assert_eq!(d.meta.title.as_deref(), Some("Rule title"));
        assert_eq!(
            d.meta.published.unwrap().to_rfc3339(),
            "2023-03-04T00:00:00+00:00"
        );

        let rule = SiteRule {
            body: Some("div.gone".into()),
            ..SiteRule::default()
        };
        let (d, matched) = with_ctx(&[], |ctx| draft_with_rule(&html, Some(&base()), ctx, &rule));
        assert!(!matched);
        assert!(d.body_html.contains("transit plan"), "automatic fallback");
    }

    #[test]
    fn json_ld_article_body_rescues_a_page_whose_markup_hides_the_text() {
        let ld = format!(
            r#"<script type="application/ld+json">{{"@type":"Article","headline":"H","articleBody":"{}"}}</script>"#,
            PROSE.join("\n")
        );
        let html = format!(
            "<html><head>{ld}</head><body><div id=app><p>Loading the story…</p></div></body></html>"
        );
        let a = article(&html);
        assert!(a.content_text.contains(PROSE[2]), "{}", a.content_text);
    }

    #[test]
    fn link_lists_stay_when_they_leave_the_site_and_go_when_they_stay_on_it() {
        let body = format!(
            r#"{}<ul><li><a href="https://shop.example.org/bus-pass">Get the bus pass at the shop</a></li></ul>
<ul><li><a href="/2024/05/a.html">Earlier: council debates the budget</a></li>
<li><a href="https://news.example.com/2024/05/b.html">Earlier: the mayor on buses</a></li>
<li><a href="/2024/04/c.html">Earlier: a history of the tram</a></li></ul>
<p><a href="https://www.example.com/2024/01/d.html">Opinion: why the plan is late again</a></p>"#,
            prose()
        );
        let a = article(&page("", &body));
        assert!(
            a.content_text.contains("Get the bus pass"),
            "{}",
            a.content_text
        );
        for related in ["council debates", "mayor on buses", "why the plan"] {
            assert!(
                !a.content_text.contains(related),
                "{related}: {}",
                a.content_text
            );
        }
    }

    #[test]
    fn teaser_cards_go_but_permalinked_sections_stay() {
        let body = format!(
            r##"{}
<div class="section"><h2><a href="#costs">Costs</a></h2><p>The plan costs forty million, spread over five years, with help from the state.</p></div>
<div class="cards"><a href="/2024/05/e.html"><h4>Bridge closes for repairs</h4></a><p>Drivers face detours for a month.</p>
<a href="/2024/05/f.html"><h4>New library opens</h4></a><p>The branch has a makerspace.</p></div>"##,
            prose()
        );
        let a = article(&page("", &body));
        assert!(
            a.content_text.contains("forty million"),
            "{}",
            a.content_text
        );
        assert!(
            !a.content_text.contains("Bridge closes"),
            "{}",
            a.content_text
        );
        assert!(!a.content_text.contains("makerspace"), "{}", a.content_text);
    }

    #[test]
    fn bylines_and_datelines_go_but_sentences_that_start_alike_stay() {
        let body = format!(
            "<p>By Jane Roe and John Doe</p><p>Updated 3 hours ago</p>{}<p>By the end of the day, officials said the vote was final.</p><p>Published in 2019, the report found that ridership had fallen.</p><p>Read more: Council rejects tram plan</p>",
            prose()
        );
        let a = article(&page("", &body));
        for kept in ["By the end of the day", "Published in 2019"] {
            assert!(a.content_text.contains(kept), "{kept}: {}", a.content_text);
        }
        for gone in ["Jane Roe", "3 hours ago", "Read more"] {
            assert!(!a.content_text.contains(gone), "{gone}: {}", a.content_text);
        }
    }

    #[test]
    fn utility_class_names_do_not_hide_the_article() {
        let body = format!(
            r#"<div class="overflow-hidden"><div class="hidden md:block">{}</div></div><div class="hidden">Hidden promo text, long enough to be a paragraph, with commas, and more.</div>"#,
            prose()
        );
        let a = article(&page("", &body));
        assert!(a.content_text.contains(PROSE[3]), "{}", a.content_text);
        assert!(
            !a.content_text.contains("Hidden promo"),
            "{}",
            a.content_text
        );
    }

    #[test]
    fn never_empty_when_the_page_has_text() {
        for html in [
            "<html><body><div>Just one short line.</div></body></html>",
            "<html><body><nav><a href=/x>Only a link in a nav</a></nav></body></html>",
            r#"<html><body><div class="sidebar">Text in a badly named box.</div></body></html>"#,
        ] {
            let d = with_ctx(&[], |ctx| draft(html, None, ctx));
            assert!(
                !crate::normalize::sanitize::html_to_text(&d.body_html).is_empty(),
                "empty body for {html}"
            );
        }
    }
}
