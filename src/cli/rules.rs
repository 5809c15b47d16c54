//! `feedsmith rules record URL` and `feedsmith rules test`: golden tests of a user's site
//! rules (see `golden.rs`), printed.

use super::{now, runtime, Cli, Exit};
use crate::config::Config;

/// Saves `url` and its extraction under `rules/fixtures/`.
pub fn record(cli: &Cli, url: &str) -> anyhow::Result<Exit> {
    let Some(url) = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
    else {
        eprintln!("feedsmith: {url:?} is not an absolute http(s) URL; give the page's address, e.g. https://example.org/2024/05/story");
        return Ok(Exit::Usage);
    };
    let config = Config::load(&cli.config)?;
    let (page, expected) = runtime()?.block_on(crate::golden::record(&config, &url, now()?))?;
    println!(
        "saved {} and its extraction {}; `feedsmith rules test` checks it again",
        page.display(),
        expected.display()
    );
    Ok(Exit::Ok)
}

/// Extracts every saved page again; exit 1 when any differs.
pub fn test(cli: &Cli) -> anyhow::Result<Exit> {
    let config = Config::load(&cli.config)?;
    let checked = runtime()?.block_on(crate::golden::test(&config))?;
    let mut failed = 0;
    for c in &checked {
        match &c.diff {
            None => println!("ok {}", c.page.display()),
            Some(diff) => {
                failed += 1;
                println!("CHANGED {} (- saved, + now):\n{diff}", c.page.display());
            }
        }
    }
    println!("{} saved page(s), {failed} changed", checked.len());
    Ok(match failed {
        0 => Exit::Ok,
        _ => Exit::Failed,
    })
}
