//! `feedsmith add URL`: what the URL is, the `[[feed.source]]` block for it, the first items it
//! would publish, and with `--write` the block added to the config.

use anyhow::{bail, Context as _};

use super::{now, runtime, Cli, Exit};
use crate::config::{is_slug, Config, Site};
use crate::config_edit;
use crate::probe::{Kind, Probe};

pub fn add(cli: &Cli, input: &str, feed: Option<&str>, write: bool) -> anyhow::Result<Exit> {
    let url = url::Url::parse(input)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .with_context(|| format!("{input:?} is not an http(s) URL; give the address of a feed, a list page or an article"))?;
    if let Some(name) = feed.filter(|n| !is_slug(n)) {
        bail!("--feed {name:?}: a feed name is a slug (letters, digits, '-', '_'): it names the output files");
    }
    // The config is optional unless writing: it lends its fetch settings.
    let config = match cli.config.exists() {
        true => Some(Config::load(&cli.config)?),
        false if write => bail!(
            "--write: there is no config at {}; run `feedsmith init` first, or pass --config FILE",
            cli.config.display()
        ),
        false => None,
    };
    let site = config
        .as_ref()
        .map(|c| c.site.clone())
        .unwrap_or_else(Site::default);
    let probe = runtime()?.block_on(crate::probe::probe(&site, &url, now()?))?;
    if let Some(c) = &config {
        if let Some((f, s)) = c
            .feeds
            .iter()
            .flat_map(|f| f.sources.iter().map(move |s| (f, s)))
            .find(|(_, s)| s.kind.url() == Some(&probe.url))
        {
            bail!(
                "{} is already in {} as source {:?} of feed {:?}; nothing to add",
                probe.url,
                cli.config.display(),
                s.name,
                f.name
            );
        }
    }
    let text = match &config {
        Some(_) => std::fs::read_to_string(&cli.config)
            .with_context(|| format!("reading {}", cli.config.display()))?,
        None => String::new(),
    };
    let name = config_edit::source_name(&text, &probe.url);
    let table = config_edit::source_table(&name, &probe);
    let origin = probe.url.join("/").unwrap_or_else(|_| probe.url.clone());
    let feed_name = match (feed, &config) {
        (Some(f), _) => Some(f.to_string()),
        (None, Some(c)) if c.feeds.len() == 1 => Some(c.feeds[0].name.clone()),
        _ => None,
    };
    let exists = |f: &str| config.as_ref().is_some_and(|c| c.feed(f).is_some());

    print!("{}", describe(&probe));
    println!();
    match &feed_name {
        Some(f) if !exists(f) => println!("[[feed]]\n{}", config_edit::feed_table(f, &origin)),
        Some(f) => println!("# under the [[feed]] named {f:?}"),
        None => println!("# under the [[feed]] it belongs to (--feed NAME)"),
    }
    println!("{}", config_edit::source_block(&table));
    print!("{}", items(&probe));
    for p in &probe.problems {
        eprintln!("warning: {p}");
    }
    if write {
        let Some(f) = feed_name else {
            let names: Vec<&str> = config
                .iter()
                .flat_map(|c| &c.feeds)
                .map(|f| f.name.as_str())
                .collect();
            bail!(
                "--write needs --feed NAME to know where the source goes; the config's feeds: {}",
                names.join(", ")
            );
        };
        let created = config_edit::write_source(&cli.config, &f, &origin, table)?;
        let how = if created { "a new feed" } else { "feed" };
        println!(
            "added source {name:?} to {how} {f:?} in {}",
            cli.config.display()
        );
    }
    Ok(Exit::Ok)
}

/// What the URL is, in one or two lines.
fn describe(p: &Probe) -> String {
    match &p.kind {
        Kind::Feed { format, via } => {
            let mut s = format!("{}: a feed ({})\n", p.url, format.name());
            if let Some(page) = via {
                s.push_str(&format!(
                    "  found through <link rel=\"alternate\"> on {page}\n"
                ));
            }
            s
        }
        Kind::List { links, selectors } => {
            let how = match selectors {
                Some(s) => format!("in items matching {:?}", s.item),
                None => "with no common item element: they are discovered at every run".into(),
            };
            format!("{}: a list page with {links} article links, {how}\n", p.url)
        }
        Kind::Page => format!("{}: an article page\n", p.url),
    }
}

/// The first items, one line each: date, title, link.
fn items(p: &Probe) -> String {
    if p.items.is_empty() {
        return "no items yet: the source gave nothing a run would publish\n".into();
    }
    let mut out = format!("first {} items:\n", p.items.len());
    for i in &p.items {
        let date = i
            .published
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "-         ".into());
        let link = i.link.as_ref().map(|l| l.as_str()).unwrap_or("-");
        out.push_str(&format!("  {date}  {}  <{link}>\n", i.title));
    }
    out
}
