//! `feedsmith completions SHELL`: a completion script for the shell, generated from the clap
//! definition so it always matches the commands and flags the binary has.

use clap::CommandFactory as _;

use super::{Cli, Exit};

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<Exit> {
    let mut cmd = Cli::command();
    let name = cmd.get_name().to_string();
    clap_complete::generate(shell, &mut cmd, name, &mut std::io::stdout());
    Ok(Exit::Ok)
}
