//! `feedsmith status`: every source's health from the state, as text or JSON; exit 1 when a
//! source is failing or looks wrong, so a monitor can run it.

use super::{Cli, Exit};
use crate::config::Config;
use crate::status::{self, SourceHealth};
use crate::store::Store;

pub fn status(cli: &Cli, json: bool) -> anyhow::Result<Exit> {
    let config = Config::load(&cli.config)?;
    let store = Store::for_site(&config.site)?;
    let mut health = Vec::new();
    for feed in &config.feeds {
        for source in &feed.sources {
            let runs = store.source_runs(&feed.name, &source.name)?;
            let problems = store.item_problems(&feed.name, &source.name)?;
            health.push(SourceHealth::from_runs(
                &feed.name,
                &source.name,
                &runs,
                &problems,
            ));
        }
    }
    // The work queue only exists on PostgreSQL state, where workers share it.
    let claims = match store.is_shared() {
        true => Some(store.claims()?),
        false => None,
    };
    if json {
        print!("{}", status::render_json(&health, claims.as_deref()));
    } else {
        print!("{}", status::render_text(&health));
        if let Some(claims) = &claims {
            print!("{}", status::render_claims_text(claims));
        }
    }
    let troubled = health.iter().any(SourceHealth::needs_attention);
    Ok(if troubled { Exit::Failed } else { Exit::Ok })
}
