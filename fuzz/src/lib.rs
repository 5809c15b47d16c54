//! What every fuzz target shares: the normalisation context (fixed "now", built-in rules,
//! small caps so that cutting is reached with small inputs) and the invariants a normalised
//! article must hold whatever the input, checked beyond "no panic".

use chrono::{DateTime, TimeZone, Utc};
use feedsmith::chars::is_forbidden;
use feedsmith::model::{Article, RawArticle, RawBody};
use feedsmith::normalize::{chrome::Rules, learn::Learned, ArticleCaps, Context};
use url::Url;

/// The smallest caps the config accepts for bodies, small ones for titles and summaries: fuzz
/// inputs are a few KiB, and the cutting code must be reached by them.
pub const CAPS: ArticleCaps = ArticleCaps {
    max_item_bytes: 4096,
    max_title_chars: 80,
    max_summary_chars: 200,
};

/// Where pages and feeds are said to come from: relative URLs resolve against it.
pub fn base() -> Url {
    Url::parse("https://news.example.org/section/story.html").unwrap()
}

/// 2026-06-01T00:00Z, so dates are judged against a fixed clock.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

/// A raw article of `body`, as a source outside the config hands it over.
pub fn raw(body: RawBody, base: Option<Url>) -> RawArticle {
    RawArticle {
        source: "fuzz".into(),
        key: "fuzz-article".into(),
        body,
        base_url: base,
        file_time: None,
        hints: Default::default(),
    }
}

/// Normalises `raw` with built-in rules and [`CAPS`], and checks the article when there is
/// one. An error (an empty article) is a clean outcome; a panic or a broken invariant is a find.
pub fn normalize_and_check(raw: &RawArticle) {
    let (rules, learned) = (Rules::default(), Learned::default());
    let mut ctx = Context::new(now(), &rules, &learned);
    ctx.caps = CAPS;
    if let Ok(article) = feedsmith::normalize::normalize(raw, &ctx) {
        check_article(&article);
    }
}

/// What every published article must be: no character XML forbids in any field, titles and
/// summaries on one line within their caps, the body within its cap, every URL absolute with
/// a scheme a reader may follow.
pub fn check_article(a: &Article) {
    let mut fields: Vec<(&str, &str)> = vec![
        ("title", &a.title),
        ("content_html", &a.content_html),
        ("content_text", &a.content_text),
    ];
    fields.extend(a.summary.as_deref().map(|s| ("summary", s)));
    fields.extend(a.language.as_deref().map(|s| ("language", s)));
    fields.extend(a.authors.iter().map(|s| ("author", s.as_str())));
    fields.extend(a.credits.iter().map(|s| ("credit", s.as_str())));
    fields.extend(a.categories.iter().map(|s| ("category", s.as_str())));
    for (name, value) in &fields {
        if let Some(c) = value.chars().find(|c| is_forbidden(*c)) {
            panic!("{name} holds the forbidden character {c:?}: {value:?}");
        }
    }
    assert!(!a.title.trim().is_empty(), "empty title");
    for (name, value) in [("title", Some(&a.title)), ("summary", a.summary.as_ref())] {
        let Some(value) = value else { continue };
        assert!(!value.contains('\n'), "{name} spans lines: {value:?}");
    }
    let chars = a.title.chars().count();
    assert!(chars <= CAPS.max_title_chars, "title of {chars} chars");
    if let Some(s) = &a.summary {
        let chars = s.chars().count();
        assert!(chars <= CAPS.max_summary_chars, "summary of {chars} chars");
    }
    let len = a.content_html.len();
    assert!(len <= CAPS.max_item_bytes, "body of {len} bytes");
    for url in a.link.iter().chain(&a.image) {
        assert!(matches!(url.scheme(), "http" | "https"), "link or image {url}");
    }
    check_body_urls(&a.content_html);
}

/// Every URL-bearing attribute in sanitised HTML is absolute http(s) (or mailto for links).
fn check_body_urls(html: &str) {
    let doc = dom_query::Document::fragment(html);
    for node in doc.select("[href], [src], [srcset], [cite], [poster]").nodes() {
        for name in ["href", "src", "cite", "poster"] {
            if let Some(value) = node.attr(name) {
                check_url(name, &value);
            }
        }
        if let Some(srcset) = node.attr("srcset") {
            for url in srcset_urls(&srcset) {
                check_url("srcset", url);
            }
        }
    }
}

/// The URLs of a `srcset`, read as the HTML standard reads them (an oracle written apart from
/// the sanitiser's own parser): a URL runs to white space, a trailing comma ends its
/// candidate, descriptors run to a comma outside parentheses.
fn srcset_urls(srcset: &str) -> Vec<&str> {
    let space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}');
    let mut urls = Vec::new();
    let mut rest = srcset;
    loop {
        rest = rest.trim_start_matches(|c: char| space(c) || c == ',');
        if rest.is_empty() {
            return urls;
        }
        let end = rest.find(space).unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        urls.push(url.trim_end_matches(','));
        rest = after;
        if url.ends_with(',') {
            continue;
        }
        let mut depth = 0i32;
        let stop = rest.char_indices().find(|&(_, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            c == ',' && depth <= 0
        });
        rest = stop.map_or("", |(i, _)| &rest[i + 1..]);
    }
}

fn check_url(attribute: &str, value: &str) {
    match Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
        Ok(u) if u.scheme() == "mailto" && attribute == "href" => {}
        Ok(u) => panic!("{attribute} with the scheme {}: {value:?}", u.scheme()),
        Err(e) => panic!("{attribute} not absolute ({e}): {value:?}"),
    }
}
