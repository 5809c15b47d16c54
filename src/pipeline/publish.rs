//! Stage 5, publish: the validated feed rendered in every format, each checked the way a
//! strict reader parses it, written only when its bytes changed, and the hub told of what did.

use super::report::FeedReport;
use crate::error::{Error, Result};
use crate::publish::{self, write, Format, ValidFeed};
use crate::websub;

/// Where a feed goes and who hears of it.
pub struct Outlet<'a> {
    pub dir: &'a std::path::Path,
    /// Render and verify only (a dry run).
    pub dry_run: bool,
    /// The WebSub hub and a client for it, when `[site] websub_hub` is set.
    pub hub: Option<&'a (reqwest::Client, url::Url)>,
}

/// Every format of the feed `name` is in `dir`: what an unchanged feed may rely on.
pub fn files_exist(dir: &std::path::Path, name: &str) -> bool {
    Format::ALL
        .iter()
        .all(|f| dir.join(f.file_name(name)).is_file())
}

/// Renders, checks and writes `valid`.
pub async fn publish(
    valid: &ValidFeed,
    outlet: &Outlet<'_>,
    report: &mut FeedReport,
) -> Result<()> {
    let mut changed = Vec::new();
    for format in Format::ALL {
        let bytes = valid.render(format);
        if let Err(message) = publish::verify(format, &bytes) {
            let error = Error::Invalid {
                feed: valid.name().to_string(),
                message: format!("{}: {message}", format.extension()),
            };
            report.failure(error);
            continue;
        }
        if outlet.dry_run {
            continue;
        }
        let name = format.file_name(valid.name());
        match write::write_if_changed(outlet.dir, &name, &bytes) {
            Ok(true) => {
                report.written.push(outlet.dir.join(name));
                changed.push(format);
            }
            Ok(false) => {}
            // The feed's problem, not the run's: the other feeds are still published. Its
            // other formats are not tried, as a full disk or a read-only folder fails them all
            // and one message says it.
            Err(Error::Io { source, .. }) => {
                report.failure(Error::WriteFailed {
                    feed: valid.name().to_string(),
                    path: outlet.dir.join(name),
                    cause: source,
                });
                break;
            }
            Err(other) => return Err(other),
        }
    }
    if let Some((client, hub)) = outlet.hub {
        let topics = websub::topics(valid, &changed);
        report.hub_errors = websub::ping_all(client, hub, &topics, websub::Retry::default()).await;
    }
    Ok(())
}
