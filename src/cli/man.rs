//! `feedsmith man`: the man page (roff) from the clap definition, so packages ship a page that
//! documents exactly the binary they carry (`feedsmith man > feedsmith.1`).

use std::io::Write as _;

use clap::CommandFactory as _;

use super::{Cli, Exit};

pub fn man() -> anyhow::Result<Exit> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    std::io::stdout().write_all(&out)?;
    Ok(Exit::Ok)
}
