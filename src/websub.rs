//! WebSub publishing: after a feed file really changed, tell the hub named in `[site]
//! websub_hub` so subscribers get the update pushed instead of polling. One ping per changed
//! file (its self URL is the topic), never for an unchanged one: hubs rate-limit noisy
//! publishers, and an unchanged file has nothing to push.

use std::time::Duration;

use url::Url;

use crate::error::{Error, FetchError, Result};
use crate::publish::{FeedHead, Format};

/// How hard to try one ping. Hubs answer fast or not at all, so the backoff is short.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    /// Wait before the second attempt; doubled before each later one.
    pub base_delay: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 3,
            base_delay: Duration::from_millis(250),
        }
    }
}

/// The topics to ping for the formats of `feed` whose files changed.
pub fn topics(feed: &FeedHead, changed: &[Format]) -> Vec<Url> {
    changed.iter().map(|f| feed.self_url(*f)).collect()
}

/// Tells `hub` that `topic` changed: `hub.mode=publish&hub.url=<topic>`, form-encoded. Retries
/// network errors, 5xx and 429; a 4xx is the hub refusing and is not retried.
pub async fn ping(client: &reqwest::Client, hub: &Url, topic: &Url, retry: Retry) -> Result<()> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("hub.mode", "publish")
        .append_pair("hub.url", topic.as_str())
        .finish();
    let mut delay = retry.base_delay;
    let mut last = String::new();
    for attempt in 1..=retry.attempts.max(1) {
        if attempt > 1 {
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
        let sent = client
            .post(hub.clone())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) if r.status().is_server_error() || r.status().as_u16() == 429 => {
                last = format!("HTTP {}", r.status().as_u16());
            }
            Ok(r) => {
                let (topic, status) = (topic.clone(), r.status().as_u16());
                return Err(Error::fetch(hub, FetchError::HubRefused { topic, status }));
            }
            Err(e) => last = e.to_string(),
        }
    }
    let kind = FetchError::HubUnreachable {
        topic: topic.clone(),
        attempts: retry.attempts.max(1),
        last,
    };
    Err(Error::fetch(hub, kind))
}

/// Pings every topic, one after the other; returns the failures (a failed ping never fails the
/// run: the files are written, subscribers just learn of them later).
pub async fn ping_all(
    client: &reqwest::Client,
    hub: &Url,
    topics: &[Url],
    retry: Retry,
) -> Vec<Error> {
    let mut failures = Vec::new();
    for topic in topics {
        if let Err(e) = ping(client, hub, topic, retry).await {
            failures.push(e);
        }
    }
    failures
}
