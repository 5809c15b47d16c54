//! Normalisation: text and HTML in, a clean article out. Pure: no network, no files, no clock
//! ("now" comes in the [`Context`]) and no database (learned chrome comes in as an argument),
//! which is what makes it fast to test and safe to fuzz.
//!
//! Each input form has its own path producing a [`Draft`] (`text`, `extract` for whole pages,
//! `markdown`); [`finish`] then applies what every article gets: hints, sanitising, absolute
//! URLs, text hygiene, a summary, plausible dates.

pub mod caps;
pub mod chrome;
mod context;
pub mod extract;
pub mod learn;
pub mod lexical;
pub mod lexicon;
pub mod markdown;
pub mod meta;
pub mod sanitize;
pub mod text;
pub mod trace;

pub use context::{ArticleCaps, BodyKind, Context, Draft, Interrupt, SiteRule};

use chrono::{DateTime, FixedOffset};

use crate::error::{Error, Result};
use crate::model::{Article, Metadata, Origin, Provenance, RawArticle, RawBody};
use sanitize::one_line;

/// Normalises one raw article.
pub fn normalize(raw: &RawArticle, ctx: &Context) -> Result<Article> {
    normalize_noted(raw, ctx).map(|(article, _)| article)
}

/// What the run should hear about an article besides the article itself.
#[derive(Debug, Default)]
pub struct Notes {
    /// Worth a look, nothing wrong: a body that was cut to its cap.
    pub said: Vec<String>,
    /// The site rule's body selector matched nothing, so automatic extraction was used: the
    /// site has changed, which the run reports as a problem of the source.
    pub missed_rule: Option<String>,
    /// Where the article's title, authors and publication date were found (`preview`).
    pub provenance: Provenance,
}

/// Normalises one raw article, with the notes the run should report.
pub fn normalize_noted(raw: &RawArticle, ctx: &Context) -> Result<(Article, Notes)> {
    let base = raw.base_url.as_ref();
    let mut missed_rule = None;
    let draft = match &raw.body {
        RawBody::Text(t) => text::draft(t, ctx),
        RawBody::Markdown(m) => markdown::draft(m),
        RawBody::Html(h) => match ctx.site_rule(base) {
            Some(rule) => {
                let (draft, matched) = extract::draft_with_rule(h, base, ctx, rule);
                if !matched {
                    missed_rule = Some(format!(
                        "the site_rule for {} found no body with {:?}; automatic extraction was used (has the site changed? fix or remove the rule)",
                        rule.host,
                        rule.body.as_deref().unwrap_or_default()
                    ));
                }
                draft
            }
            None => extract::draft(h, base, ctx),
        },
        RawBody::HtmlFragment(h) => Draft {
            body_html: h.clone(),
            ..Draft::default()
        },
    };
    // A path that stopped early hands back a partial draft: never publish it.
    if ctx.interrupt.raised() {
        return Err(over_budget(raw, ctx));
    }
    let (article, said, provenance) = finish(draft, raw, ctx)?;
    match ctx.interrupt.raised() {
        true => Err(over_budget(raw, ctx)),
        false => Ok((
            article,
            Notes {
                said,
                missed_rule,
                provenance,
            },
        )),
    }
}

fn over_budget(raw: &RawArticle, ctx: &Context) -> Error {
    Error::OverBudget {
        key: raw.key.clone(),
        budget_ms: ctx.caps.max_article_ms,
    }
}

/// The steps every article gets, whatever its path: what the source knows merged over what
/// the path found, the body sanitised with every URL absolute (as far as its [`BodyKind`]
/// leaves it to do) and cut to its cap, plain-text
/// fields cleaned and capped, a summary, plausible dates; with what the run should be told (a
/// body that was cut) and where its title, authors and date came from.
pub fn finish(
    draft: Draft,
    raw: &RawArticle,
    ctx: &Context,
) -> Result<(Article, Vec<String>, Provenance)> {
    let mut notes = Vec::new();
    // A field without an origin was set by the source (hints) or read in a text or Markdown
    // input's own lines (the draft).
    let mut draft = draft;
    draft.meta.provenance = unnamed(&draft.meta, Origin::Text);
    let meta = raw.hints.clone();
    let hinted = unnamed(&meta, Origin::Source);
    let meta = Metadata {
        provenance: hinted,
        ..meta
    }
    .or(draft.meta);
    let mut provenance = meta.provenance;
    let base = meta.link.as_ref().or(raw.base_url.as_ref());
    let mut content_html = match draft.body_kind {
        BodyKind::Foreign => sanitize::clean_html(&draft.body_html, base),
        BodyKind::Written => sanitize::written_html(&draft.body_html, base),
        BodyKind::Clean => draft.body_html,
    };
    if ctx.interrupt.raised() {
        return Err(over_budget(raw, ctx));
    }
    let max_body = ctx.caps.max_item_bytes;
    let link = meta
        .link
        .as_ref()
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    if let Some(cut) = caps::cut_html(&content_html, max_body, link) {
        notes.push(format!(
            "{}: the body is {} bytes, over max_item_bytes = {max_body}; cut to {} bytes at a paragraph boundary{}",
            raw.key,
            content_html.len(),
            cut.len(),
            if link.is_some() { ", ending with a link to the article" } else { "" }
        ));
        content_html = cut;
    }
    let content_text = sanitize::html_to_text(&content_html);
    let text = |s: Option<String>| s.map(|s| one_line(&s)).filter(|s| !s.is_empty());
    let max_summary = ctx.caps.max_summary_chars;

    let summary = text(meta.summary)
        .map(|s| caps::cut_at_word(&s, max_summary))
        .or_else(|| {
            let lead = content_text.split("\n\n").next().unwrap_or_default();
            Some(cut_at_sentence(lead, 300.min(max_summary))).filter(|s| !s.is_empty())
        });
    let empty = || Error::EmptyArticle {
        key: raw.key.clone(),
    };
    let title = text(meta.title);
    if title.is_none() {
        provenance.title = Some(Origin::Summary);
    }
    let title = title
        .or_else(|| summary.as_deref().map(|s| cut_at_sentence(s, 90)))
        .map(|t| caps::cut_at_word(&t, ctx.caps.max_title_chars))
        .filter(|t| !t.is_empty())
        .ok_or_else(empty)?;
    if content_text.is_empty() && summary.is_none() {
        return Err(empty());
    }
    let plausible =
        |d: Option<DateTime<FixedOffset>>| d.and_then(|d| crate::dates::plausible(d, ctx.now));
    let published = plausible(meta.published);
    let updated = plausible(meta.updated).filter(|u| Some(*u) >= published);
    if published.is_none() {
        provenance.published = None;
    }
    let http = |u: Option<url::Url>| u.filter(|u| matches!(u.scheme(), "http" | "https"));
    let image = http(meta.image).or_else(|| lead_figure(&raw.body, &content_html));
    let article = Article {
        title,
        summary,
        content_html,
        content_text,
        authors: distinct(&meta.authors),
        credits: distinct(&meta.credits),
        published,
        updated,
        link: http(meta.link),
        categories: distinct(&meta.categories),
        image,
        language: text(meta.language),
        enclosures: meta
            .enclosures
            .into_iter()
            .filter(|e| matches!(e.url.scheme(), "http" | "https"))
            .collect(),
        podcast: meta.podcast,
    };
    if article.authors.is_empty() {
        provenance.authors = None;
    }
    Ok((article, notes, provenance))
}

/// `meta`'s provenance with `origin` for each field it has but does not say the origin of.
fn unnamed(meta: &Metadata, origin: Origin) -> Provenance {
    let p = meta.provenance;
    let or = |has: bool, o: Option<Origin>| o.or(has.then_some(origin));
    Provenance {
        title: or(meta.title.is_some(), p.title),
        authors: or(!meta.authors.is_empty(), p.authors),
        published: or(meta.published.is_some(), p.published),
    }
}

/// The lead image of a page that names none in its markup: the first image of a `<figure>`
/// in its body (a picture the author placed, not an icon or an ad). Only for whole pages: a
/// feed's fragment or a Markdown file says what its image is, or has none.
fn lead_figure(body: &RawBody, content_html: &str) -> Option<url::Url> {
    if !matches!(body, RawBody::Html(_)) || !content_html.contains("<figure") {
        return None;
    }
    let doc = dom_query::Document::fragment(content_html);
    let src = doc.select("figure img[src]").nodes().first()?.attr("src")?;
    url::Url::parse(&src)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}

/// One-line, non-empty, each once, in order.
fn distinct(v: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v.iter().map(|s| one_line(s)).filter(|s| !s.is_empty()) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Cuts `text` at the last sentence end within `max` characters; without one, at a word
/// boundary with an ellipsis (the ellipsis counted).
pub fn cut_at_sentence(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    let sentence_end = head
        .char_indices()
        .rev()
        .filter(|(i, c)| {
            matches!(c, '.' | '!' | '?' | '…')
                && head[i + c.len_utf8()..].starts_with([' ', '"', '”', '’'])
        })
        .map(|(i, c)| i + c.len_utf8())
        .next();
    match sentence_end {
        Some(end) if end > max / 3 => head[..end].to_string(),
        _ => match head.rfind(' ') {
            Some(sp) => format!("{}…", head[..sp].trim_end_matches([',', ';', ':'])),
            // One unbroken word: the ellipsis takes its last character's place, so the cut
            // stays within `max` (a fuzz find: one character over `max_summary_chars`).
            None => format!(
                "{}…",
                head.chars().take(max.saturating_sub(1)).collect::<String>()
            ),
        },
    }
}

/// What the tests of every normalisation path need: a fixed "now", a raw article of a body, and
/// that body normalised with built-in rules only.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::{DateTime, TimeZone, Utc};
    use url::Url;

    use super::{chrome::Rules, learn::Learned, Context};
    use crate::error::Result;
    use crate::model::{Article, Metadata, RawArticle, RawBody};

    /// 2026-06-01T00:00Z: "now" for tests whose dates must not move (after every fixture).
    pub fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
    }

    /// `body` as a source outside the config hands it over, pages based at `base`.
    pub fn raw(body: RawBody, base: Option<Url>) -> RawArticle {
        RawArticle {
            source: "test".into(),
            key: "test-article".into(),
            body,
            base_url: base,
            file_time: None,
            hints: Metadata::default(),
        }
    }

    /// `body` normalised at [`now`] with built-in rules and nothing learned.
    pub fn article(body: RawBody, base: Option<Url>) -> Result<Article> {
        let (rules, learned) = (Rules::default(), Learned::default());
        super::normalize(&raw(body, base), &Context::new(now(), &rules, &learned))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{now, raw};
    use super::*;
    use crate::model::RawBody;

    #[test]
    fn one_unbroken_word_is_cut_within_max_with_the_ellipsis_counted() {
        // A fuzz find (tests/fixtures/fuzz/*/unbroken-summary.*): 200 characters and an ellipsis.
        let cut = cut_at_sentence(&"x".repeat(500), 200);
        assert_eq!(cut, format!("{}…", "x".repeat(199)));
        assert_eq!(cut_at_sentence("short", 200), "short");
    }

    #[test]
    fn long_titles_summaries_and_bodies_are_cut_to_their_caps_with_a_note() {
        let (rules, learned) = (chrome::Rules::default(), learn::Learned::default());
        let ctx = Context::new(now(), &rules, &learned);
        let caps = ctx.caps;
        let first_line = "headline ".repeat(48_000 / 9);
        let para = "A sentence of the body that goes on for a while. ".repeat(20);
        let body = format!("{first_line}\n\n{}", format!("{para}\n\n").repeat(400));
        let mut raw = raw(RawBody::Text(body), None);
        raw.hints.link = url::Url::parse("https://e.org/story").ok();
        raw.hints.summary = Some("summary words ".repeat(1000));
        let (a, notes) = normalize_noted(&raw, &ctx).unwrap();
        assert!(
            a.title.chars().count() <= caps.max_title_chars,
            "{}",
            a.title.len()
        );
        assert!(a.title.ends_with("headline…"), "{}", a.title);
        let summary = a.summary.unwrap();
        assert!(summary.chars().count() <= caps.max_summary_chars);
        assert!(summary.ends_with('…') && !summary.contains("  "));
        assert!(
            a.content_html.len() <= caps.max_item_bytes,
            "{}",
            a.content_html.len()
        );
        assert!(a.content_html.ends_with(&format!(
            "<p><a href=\"https://e.org/story\" rel=\"noopener noreferrer\">{}</a></p>",
            caps::CONTINUES
        )));
        assert!(a.content_text.ends_with(caps::CONTINUES));
        let notes = notes.said;
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("test-article: the body is ")
                && notes[0].contains("max_item_bytes = 262144"),
            "{notes:?}"
        );
        // Under the caps, nothing is cut and nothing is said.
        let mut small = super::testing::raw(RawBody::Text("Title\n\nShort body.".into()), None);
        small.hints.link = raw.hints.link.clone();
        let (a, notes) = normalize_noted(&small, &ctx).unwrap();
        assert!(notes.said.is_empty() && !a.content_html.contains(caps::CONTINUES));
    }
}
