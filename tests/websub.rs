//! WebSub against a hub on 127.0.0.1: one publish ping per changed feed file, none for an
//! unchanged run, retries on a hub error.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::util::{config, feeds, item, utc};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use feedsmith::publish::write::write_if_changed;
use feedsmith::publish::{Format, ValidFeed};
use feedsmith::websub::{ping_all, topics, Retry};
use url::Url;

#[derive(Default)]
struct Hub {
    /// Form bodies received, in order.
    pings: Mutex<Vec<String>>,
    /// Answer 503 to this many requests first.
    fail_first: Mutex<u32>,
}

async fn hub(State(h): State<Arc<Hub>>, body: String) -> StatusCode {
    let mut fail = h.fail_first.lock().unwrap();
    if *fail > 0 {
        *fail -= 1;
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    h.pings.lock().unwrap().push(body);
    StatusCode::NO_CONTENT
}

async fn start_hub(fail_first: u32) -> (Url, Arc<Hub>) {
    let state = Arc::new(Hub::default());
    *state.fail_first.lock().unwrap() = fail_first;
    let app = Router::new()
        .route("/hub", post(hub))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/hub", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, state)
}

const FAST: Retry = Retry {
    attempts: 3,
    base_delay: Duration::from_millis(5),
};

/// What a run does after building its feeds: write each format, ping for those that changed.
async fn run(dir: &std::path::Path, feeds: &[ValidFeed], hub: &Url) -> usize {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut pinged = 0;
    for feed in feeds {
        let mut changed = Vec::new();
        for format in Format::ALL {
            if write_if_changed(dir, &format.file_name(feed.name()), &feed.render(format)).unwrap()
            {
                changed.push(format);
            }
        }
        let topics = topics(feed.head(), &changed);
        pinged += topics.len();
        assert!(ping_all(&client, hub, &topics, FAST).await.is_empty());
    }
    pinged
}

#[tokio::test]
async fn one_ping_per_change_none_when_unchanged() {
    let (hub_url, hub) = start_hub(0).await;
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let mut fs = feeds(&config);

    assert_eq!(run(dir.path(), &fs, &hub_url).await, 6);
    let first = hub.pings.lock().unwrap().clone();
    assert_eq!(first.len(), 6);
    assert!(first.contains(
        &"hub.mode=publish&hub.url=https%3A%2F%2Fnews.example.org%2Ffeeds%2Fworld.rss".to_string()
    ));

    assert_eq!(run(dir.path(), &fs, &hub_url).await, 0, "unchanged run");
    assert_eq!(hub.pings.lock().unwrap().len(), 6);

    // A new item in one feed: its three files change, the other feed's do not.
    fs[1] = ValidFeed::new(
        &config.feeds[1],
        &config.site,
        &[
            item("s1", "Cup final goes to extra time", "2024-03-03T20:00:00Z"),
            item("s2", "Penalties decide it", "2024-03-03T22:00:00Z"),
        ],
        utc("2024-01-01T00:00:00Z"),
        None,
    )
    .unwrap();
    assert_eq!(run(dir.path(), &fs, &hub_url).await, 3);
    let pings = hub.pings.lock().unwrap().clone();
    assert_eq!(pings.len(), 9);
    assert!(pings[6..].iter().all(|p| p.contains("sport.")), "{pings:?}");
}

#[tokio::test]
async fn retries_a_failing_hub_then_gives_up_with_a_message() {
    let (hub_url, hub) = start_hub(2).await;
    let topic = Url::parse("https://news.example.org/feeds/world.atom").unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    assert!(
        ping_all(&client, &hub_url, std::slice::from_ref(&topic), FAST)
            .await
            .is_empty()
    );
    assert_eq!(
        hub.pings.lock().unwrap().len(),
        1,
        "third attempt got through"
    );

    *hub.fail_first.lock().unwrap() = 10;
    let errors = ping_all(&client, &hub_url, &[topic], FAST).await;
    assert_eq!(errors.len(), 1);
    let m = errors[0].to_string();
    assert!(
        m.contains("world.atom") && m.contains("3 attempts") && m.contains("503"),
        "{m}"
    );
}

/// Through the binary: `run` pings the configured hub for each feed file it changed, and not
/// at all when nothing changed.
#[tokio::test]
async fn binary_run_pings_the_hub_only_for_changed_files() {
    let (hub_url, hub) = start_hub(0).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    std::fs::write(
        d.join("config.toml"),
        crate::util::world_config(&format!("websub_hub = \"{hub_url}\"")),
    )
    .unwrap();
    crate::util::write_article(
        &d.join("articles/world"),
        "ferry.txt",
        "Ferry services resume",
    );
    let run = |d: std::path::PathBuf| async move {
        let ran = crate::util::feedsmith_async(&d, &["run"]).await;
        (ran.code, ran.stdout, ran.stderr)
    };
    let (code, _, err) = run(d.clone()).await;
    assert_eq!(code, 0, "{err}");
    let rss = std::fs::read_to_string(d.join("feeds/world.rss")).unwrap();
    assert!(
        rss.contains(&format!("href=\"{hub_url}\"")),
        "hub link in the feed"
    );
    let mut pings = hub.pings.lock().unwrap().clone();
    pings.sort();
    let topic = |ext: &str| {
        format!("hub.mode=publish&hub.url=https%3A%2F%2Fnews.example.org%2Ffeeds%2Fworld.{ext}")
    };
    assert_eq!(pings, [topic("atom"), topic("json"), topic("rss")]);

    let (code, _, err) = run(d.clone()).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        hub.pings.lock().unwrap().len(),
        3,
        "nothing changed, no ping"
    );

    crate::util::write_article(&d.join("articles/world"), "rates.txt", "Rates held steady");
    assert_eq!(run(d.clone()).await.0, 0);
    assert_eq!(hub.pings.lock().unwrap().len(), 6);
}
