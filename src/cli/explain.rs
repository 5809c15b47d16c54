//! `feedsmith explain`: each line or block of an input with its fate, read off the decisions
//! normalisation made, for when a feed looks wrong. Coloured on a terminal, plain when piped,
//! `--json` for tools.

use std::io::IsTerminal;

use anyhow::Context as _;

use super::{now, runtime, Cli, Exit};
use crate::config::Config;
use crate::normalize::trace::{BodyFrom, Fate, Rule};
use crate::preview::{Explained, ExplainedEntry};

pub fn explain(cli: &Cli, input: &str, source: Option<&str>, json: bool) -> anyhow::Result<Exit> {
    // The config is optional: it lends the input its source's rules and learned chrome.
    let config = if cli.config.exists() {
        Some(Config::load(&cli.config)?)
    } else {
        None
    };
    let named = match source {
        Some(name) => Some(find_source(cli, config.as_ref(), name)?),
        None => None,
    };
    let explained = runtime()?.block_on(crate::preview::explain(
        config.as_ref(),
        input,
        named,
        now()?,
    ))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&explained)?);
    } else {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print!("{}", render(&explained, colour));
    }
    Ok(Exit::Ok)
}

fn find_source<'c>(
    cli: &Cli,
    config: Option<&'c Config>,
    name: &str,
) -> anyhow::Result<&'c crate::config::Source> {
    let config = config.with_context(|| {
        format!(
            "--source {name}: there is no config at {}; pass --config FILE, or leave --source out to use built-in rules only",
            cli.config.display()
        )
    })?;
    let sources = || config.feeds.iter().flat_map(|f| &f.sources);
    sources().find(|s| s.name == name).with_context(|| {
        let names: Vec<&str> = sources().map(|s| s.name.as_str()).collect();
        format!(
            "--source {name}: {} has no source of that name; its sources are: {}",
            cli.config.display(),
            names.join(", ")
        )
    })
}

/// ANSI colours per fate: green body, dim chrome, cyan metadata and titles.
fn paint(fate: &Fate) -> &'static str {
    match fate {
        Fate::Kept | Fate::Dateline => "\x1b[32m",
        Fate::Title | Fate::Dek | Fate::Meta { .. } => "\x1b[36m",
        Fate::Chrome { .. } | Fate::Comments => "\x1b[2;31m",
        Fate::Above | Fate::Below | Fate::Outside | Fate::Dropped { .. } => "\x1b[33m",
        Fate::Blank => "",
    }
}

/// Why, in words, after the line.
fn reason(e: &ExplainedEntry) -> String {
    match e.fate {
        Fate::Chrome {
            rule: Rule::Learned,
        } => match e.seen_in {
            Some(n) => format!("learned chrome (seen in {n} articles)"),
            None => "learned chrome".into(),
        },
        Fate::Chrome { rule } => format!("{} ({})", rule.describe(), rule.name()),
        Fate::Meta { field: Some(f) } => format!("harvested: {}", f.name()),
        Fate::Meta { field: None } => {
            "date or byline, not used (an earlier one filled the field)".into()
        }
        Fate::Dropped { why } => why.describe().into(),
        Fate::Dateline => "body; its dateline gave the published date".into(),
        Fate::Comments => "reader comments start here".into(),
        Fate::Above => "above the article".into(),
        Fate::Below => "below the article's end".into(),
        Fate::Outside => "outside the article's container".into(),
        Fate::Kept | Fate::Title | Fate::Dek | Fate::Blank => String::new(),
    }
}

/// The listing: a header naming the input, one row per line (text) or block (HTML), then the
/// article's fields.
fn render(x: &Explained, colour: bool) -> String {
    let on = |fate: &Fate| match colour && !paint(fate).is_empty() {
        true => (paint(fate), "\x1b[0m"),
        false => ("", ""),
    };
    let rules = match &x.source {
        Some(s) => format!(
            "rules and learned chrome of source {s} ({} articles counted)",
            x.articles_counted
        ),
        None => "built-in rules only (no configured source)".into(),
    };
    let mut out = format!("{} ({}); {rules}\n", x.input, x.kind);
    if x.entries.is_empty() {
        out.push_str(&format!(
            "a {} input is published as written: nothing is removed\n",
            x.kind
        ));
    }
    for e in &x.entries {
        let place = match (e.line, e.tag) {
            (Some(n), _) => format!("{n:>4}"),
            (None, Some(tag)) => format!("{tag:>10}"),
            (None, None) => String::new(),
        };
        if e.fate == Fate::Blank {
            out.push_str(&format!("{place}\n"));
            continue;
        }
        let (on, off) = on(&e.fate);
        let why = reason(e);
        let why = if why.is_empty() {
            why
        } else {
            format!("  [{why}]")
        };
        out.push_str(&format!(
            "{place}  {on}{:<8}{off}  {}{on}{why}{off}\n",
            e.fate.name(),
            e.text
        ));
    }
    match x.body_from {
        BodyFrom::Blocks => {}
        BodyFrom::JsonLd => out.push_str(
            "body: the page's JSON-LD articleBody (the markup held less than half of it)\n",
        ),
        BodyFrom::AllText => {
            out.push_str("body: all the page's visible text (no container read as an article)\n")
        }
        BodyFrom::Description => {
            out.push_str("body: the page's description (the page has no visible text)\n")
        }
        BodyFrom::SiteRule => out.push_str("body: the site_rule's body selector\n"),
        BodyFrom::Cards => out.push_str(
            "body: the main list's cards: this page is a listing, not an article \
             (a `list` source follows its links to the articles)\n",
        ),
        BodyFrom::Facts => out.push_str(
            "body: the description with the fact lists beside it: this page is a product or \
             service page, not an article\n",
        ),
        BodyFrom::Posts => {
            out.push_str("body: every post of the thread: this page is a discussion\n")
        }
        BodyFrom::Main => out.push_str(
            "body: the page's main element: this page is many sections (a product, service or \
             shop page), not an article\n",
        ),
    }
    match (&x.article, &x.error) {
        (Some(a), _) => {
            // As written: the offset and calendar day the page gave.
            let date = |d: Option<chrono::DateTime<chrono::FixedOffset>>| {
                d.map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_else(|| "-".into())
            };
            out.push_str(&format!(
                "Title:     {}\nPublished: {}\nUpdated:   {}\n",
                a.title,
                date(a.published),
                date(a.updated)
            ));
            for (label, v) in [("Authors:  ", &a.authors), ("Credits:  ", &a.credits)] {
                if !v.is_empty() {
                    out.push_str(&format!("{label} {}\n", v.join(", ")));
                }
            }
        }
        (None, Some(e)) => out.push_str(&format!("no article: {e}\n")),
        (None, None) => {}
    }
    out
}
