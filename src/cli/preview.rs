//! `feedsmith preview`: one article file or URL through the path a run takes, printed.

use super::{now, runtime, Cli, Exit};
use crate::config::Config;
use crate::model::{Article, Origin, Provenance};

/// Previews a file or URL; with `-v`, also what chrome was learned for its source.
pub fn preview(cli: &Cli, input: &str, url: Option<&str>, json: bool) -> anyhow::Result<Exit> {
    let base = match url {
        None => None,
        Some(u) => match url::Url::parse(u)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
        {
            Some(u) => Some(u),
            None => {
                eprintln!(
                    "feedsmith: --url {u:?} is not an absolute http(s) URL; give the address the saved page came from, e.g. --url https://example.org/2024/05/story"
                );
                return Ok(Exit::Usage);
            }
        },
    };
    // The config is optional here: it only lends the input its source's rules and state.
    let config = if cli.config.exists() {
        Some(Config::load(&cli.config)?)
    } else {
        None
    };
    let p = runtime()?.block_on(crate::preview::preview(
        config.as_ref(),
        input,
        base,
        now()?,
    ))?;
    if cli.verbose > 0 {
        match &p.source {
            Some(s) => eprintln!("source: {s}; learned chrome lines: {}", p.learned.len()),
            None => eprintln!("source: none in the config; built-in rules only"),
        }
        for line in &p.learned {
            eprintln!("  learned: {line}");
        }
        print_groups(&p.groups);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&p.json())?);
    } else {
        let sources = (cli.verbose > 0).then_some(&p.provenance);
        print!("{}", preview_text(&p.article, sources));
    }
    Ok(Exit::Ok)
}

/// What list discovery sees on the page, so a user can turn its choice into selectors.
fn print_groups(groups: &[crate::source::list::LinkGroup]) {
    if groups.is_empty() {
        return;
    }
    eprintln!("as a list page, repeated links (item > link: headline links of all):");
    for g in groups {
        let mark = if g.chosen { "chosen" } else { "      " };
        let link = if g.link.is_empty() {
            "(the item)"
        } else {
            &g.link
        };
        eprintln!(
            "  {mark} {} > {link}: {} of {}",
            g.item,
            g.links.len(),
            g.all
        );
    }
}

/// The article as text; with `sources` (`-v`), where its title, date and authors were found
/// after each ("(from json-ld)").
fn preview_text(a: &Article, sources: Option<&Provenance>) -> String {
    let from = |o: Option<Origin>| match (sources, o) {
        (Some(_), Some(o)) => format!("  (from {})", o.name()),
        _ => String::new(),
    };
    let p = sources.copied().unwrap_or_default();
    let mut out = format!("Title:     {}{}\n", a.title, from(p.title));
    // As written, with its offset: the day a reader of the page saw.
    let date = |d: Option<chrono::DateTime<chrono::FixedOffset>>| {
        d.map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| "-".into())
    };
    out.push_str(&format!(
        "Published: {}{}\nUpdated:   {}\n",
        date(a.published),
        from(p.published),
        date(a.updated)
    ));
    if !a.authors.is_empty() {
        out.push_str(&format!(
            "Authors:   {}{}\n",
            a.authors.join(", "),
            from(p.authors)
        ));
    }
    if !a.credits.is_empty() {
        out.push_str(&format!("Credits:   {}\n", a.credits.join(", ")));
    }
    if let Some(l) = &a.link {
        out.push_str(&format!("Link:      {l}\n"));
    }
    if let Some(s) = &a.summary {
        out.push_str(&format!("Summary:   {s}\n"));
    }
    out.push('\n');
    out.push_str(&a.content_text);
    out.push('\n');
    out
}
