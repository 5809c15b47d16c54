//! `feedsmith serve`: the output folder over HTTP until SIGTERM or Ctrl-C.

use std::net::SocketAddr;

use anyhow::Context as _;

use super::log::report;
use super::{runtime, Cli, Exit};
use crate::config::Config;
use crate::{daemon, serve as server};

pub fn serve(cli: &Cli, listen: SocketAddr) -> anyhow::Result<Exit> {
    let config = Config::load(&cli.config)?;
    runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let dir = config.site.output_dir.clone();
        report!(
            Info,
            "feedsmith: serving {} at http://{}/",
            dir.display(),
            listener.local_addr()?
        );
        let cache = server::CachePolicy::from_config(&config);
        server::serve_with(
            listener,
            dir,
            cache,
            config.site.serve,
            daemon::shutdown_signal(),
        )
        .await?;
        anyhow::Ok(())
    })?;
    Ok(Exit::Ok)
}
