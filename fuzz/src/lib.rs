//! The fuzz targets' bodies, one function a target (`fuzz_targets/` only wraps them), with what
//! they share: the normalisation context (fixed "now", built-in rules, small caps so that
//! cutting is reached with small inputs) and the invariants a normalised article must hold
//! whatever the input, checked beyond "no panic". `tests/fuzz_finds.rs` includes this file, so
//! `cargo test` replays every kept find through exactly these checks.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use feedsmith::chars::is_forbidden;
use feedsmith::config::{Config, Site, Source, SourceKind};
use feedsmith::model::{Article, RawArticle, RawBody};
use feedsmith::normalize::{chrome::Rules, learn::Learned, ArticleCaps, Context};
use feedsmith::Error;
use url::Url;

/// Plain-text normalisation: any bytes, as a scraped `.txt` file, through `normalize`.
pub fn text(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    normalize_and_check(&raw(RawBody::Text(text), None));
}

/// HTML extraction: any bytes, decoded as a fetched page is, through `normalize` (extraction,
/// sanitising, absolute URLs, caps).
pub fn html(data: &[u8]) {
    let html = feedsmith::fetch::decode(data.to_vec(), Some("text/html"));
    normalize_and_check(&raw(RawBody::Html(html), Some(base())));
}

/// Markdown: any bytes as a `.md` file of a `dir` source: front matter split off (its errors
/// must carry a line of the file), the rest rendered and normalised.
pub fn markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match feedsmith::source::dir::front_matter(&text, chrono_tz::UTC) {
        Ok((hints, body)) => {
            let mut article = raw(RawBody::Markdown(body.to_string()), hints.link.clone());
            article.hints = hints;
            normalize_and_check(&article);
        }
        Err((line, message)) => {
            let lines = text.lines().count().max(1);
            assert!(
                (1..=lines + 1).contains(&line),
                "line {line} of {lines}: {message}"
            );
            assert!(!message.is_empty());
        }
    }
}

/// Source-feed parsing: any bytes, decoded as a fetched feed is, parsed into teaser articles,
/// each normalised as a `feed` source's items are.
pub fn feed(data: &[u8]) {
    let text = feedsmith::fetch::decode(data.to_vec(), Some("application/xml"));
    let url = base();
    let source = Source::adhoc("fuzz", SourceKind::Feed(url.clone()), &Site::default());
    if let Ok(items) = feedsmith::source::feed::parse(&source, &text, &url) {
        for item in &items {
            assert!(!item.key.trim().is_empty(), "an item without a key");
            normalize_and_check(item);
        }
    }
}

/// Config loading: any bytes as `feedsmith.toml` (not UTF-8 is refused before parsing). Loading
/// either succeeds or fails with a config error whose line, when it names one, is a line of the
/// file.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text, Path::new("/fuzz/feedsmith.toml")) {
        Ok(_) => {}
        Err(Error::Config { line, message, .. }) => {
            assert!(
                !message.trim().is_empty(),
                "a config error without a message"
            );
            if let Some(line) = line {
                let lines = text.lines().count().max(1);
                assert!(
                    (1..=lines + 1).contains(&line),
                    "line {line} of {lines}: {message}"
                );
            }
        }
        Err(other) => panic!("not a config error: {other}"),
    }
}

/// The smallest caps the config accepts for bodies, small ones for titles and summaries: fuzz
/// inputs are a few KiB, and the cutting code must be reached by them.
const CAPS: ArticleCaps = ArticleCaps {
    max_item_bytes: 4096,
    max_title_chars: 80,
    max_summary_chars: 200,
    max_article_ms: 10_000,
};

/// Where pages and feeds are said to come from: relative URLs resolve against it.
fn base() -> Url {
    Url::parse("https://news.example.org/section/story.html").unwrap()
}

/// 2026-06-01T00:00Z, so dates are judged against a fixed clock.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

/// A raw article of `body`, as a source outside the config hands it over.
fn raw(body: RawBody, base: Option<Url>) -> RawArticle {
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
fn normalize_and_check(raw: &RawArticle) {
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
fn check_article(a: &Article) {
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
        assert!(
            matches!(url.scheme(), "http" | "https"),
            "link or image {url}"
        );
    }
    check_body_urls(&a.content_html);
}

/// Every URL-bearing attribute in sanitised HTML is absolute http(s) (or mailto for links).
fn check_body_urls(html: &str) {
    let doc = dom_query::Document::fragment(html);
    for node in doc
        .select("[href], [src], [srcset], [cite], [poster]")
        .nodes()
    {
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
