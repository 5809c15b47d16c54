//! `feedsmith man`: the man page (roff) from the clap definition, so packages ship a page that
//! documents exactly the binary they carry (`feedsmith man > feedsmith.1`).

use std::io::Write as _;

use clap::CommandFactory as _;

use super::{Cli, Exit};

/// The page, `.TH` first: roff's writer puts its apostrophe string definitions (`.ds Aq`) ahead
/// of the title, and tools that index pages (whatis, lintian) expect the title at the top. The
/// definitions still come before any text that uses them.
pub fn render() -> anyhow::Result<String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    let page = String::from_utf8(out)?;
    let mut lines: Vec<&str> = page.lines().collect();
    if let Some(i) = lines.iter().position(|l| l.starts_with(".TH ")) {
        let title = lines.remove(i);
        lines.insert(0, title);
    }
    Ok(lines.join("\n") + "\n")
}

pub fn man() -> anyhow::Result<Exit> {
    std::io::stdout().write_all(render()?.as_bytes())?;
    Ok(Exit::Ok)
}
