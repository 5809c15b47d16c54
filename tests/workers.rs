//! Several `feedsmith worker` processes on one PostgreSQL state: every feed published once per
//! due time, no host asked faster than `host_delay_ms` by all of them together, and a worker
//! killed mid-feed losing its claim to another when the lease runs out.

use std::collections::HashMap;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use feedsmith::store::postgres::testing::TestSchema;
use feedsmith::store::{Claim, Store};

use crate::util::{self, Project};

const FEEDS: usize = 30;
const HOSTS: usize = 3;
const HOST_DELAY_MS: u64 = 60;
/// The feed whose first request never answers: its worker is killed while it waits.
const STALLED: &str = "/f00.xml";

/// Every request's arrival (path, time), per host.
type Arrivals = Arc<Mutex<Vec<(String, Instant)>>>;

/// A feed server on 127.0.0.1 that records when each request arrives. The first request for
/// [`STALLED`] waits far longer than the test runs; `stalled` is told when it arrives.
async fn recording_server(
    arrivals: Arrivals,
    stalled: tokio::sync::mpsc::UnboundedSender<()>,
) -> url::Url {
    use axum::http::{header, StatusCode};
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let (arrivals, stalled) = (arrivals.clone(), stalled.clone());
        async move {
            let path = uri.path().to_string();
            let first = {
                let mut seen = arrivals.lock().unwrap();
                seen.push((path.clone(), Instant::now()));
                seen.iter().filter(|(p, _)| *p == path).count() == 1
            };
            if path == STALLED && first {
                let _ = stalled.send(());
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
            let Some(n) = path.strip_prefix("/f").and_then(|p| p.strip_suffix(".xml")) else {
                return (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain")], String::new());
            };
            let rss = format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {n}</title>\
                 <link>http://example.org/{n}</link><description>d</description>\
                 <item><title>Story number {n} of the day</title><link>http://example.org/{n}/story</link>\
                 <description>What happened in place {n} this morning, told in a sentence.</description>\
                 <pubDate>Sat, 11 May 2024 09:00:00 GMT</pubDate></item></channel></rss>"
            );
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/rss+xml")], rss)
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// Worker `n`, its stderr in `worker-N.log` of the project.
fn worker(project: &Project, url: &str, n: usize) -> Child {
    let log = std::fs::File::create(project.path(&format!("worker-{n}.log"))).unwrap();
    util::command(project.dir.path())
        .args(["worker", "--concurrency", "4"])
        .env("FEEDSMITH_STATE_URL", url)
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap()
}

/// What the workers said, for a failure's message.
fn said(project: &Project) -> String {
    (0..3)
        .map(|n| format!("worker {n}:\n{}", project.read(&format!("worker-{n}.log"))))
        .collect()
}

/// The claims, read through the store as `status` reads them.
fn claims(url: &str) -> Vec<Claim> {
    let url = url.to_string();
    std::thread::spawn(move || Store::connect(&url).unwrap().claims().unwrap())
        .join()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_share_feeds_hosts_and_a_dead_workers_claim() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let (stalled_tx, mut stalled_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut hosts = Vec::new();
    for _ in 0..HOSTS {
        let arrivals: Arrivals = Arc::default();
        let base = recording_server(arrivals.clone(), stalled_tx.clone()).await;
        hosts.push((base, arrivals));
    }
    let mut feeds = String::new();
    for i in 0..FEEDS {
        let base = &hosts[i % HOSTS].0;
        feeds.push_str(&format!(
            "[[feed]]\nname = \"f{i:02}\"\ntitle = \"F{i}\"\nlink = \"https://news.example.org/{i}\"\n\
             [[feed.source]]\nfeed = \"{base}f{i:02}.xml\"\n\n"
        ));
    }
    let project = Project::new(&feeds);
    let config = project.read("config.toml").replace(
        "[site]\n",
        &format!(
            "[site]\nschedule = \"0 0 1 1 *\"\nhost_delay_ms = {HOST_DELAY_MS}\ntimeout_ms = 3000\n\
             retries = 0\nrobots = false\nlease_ms = 1000\n"
        ),
    );
    project.write("config.toml", &config);

    let mut workers: Vec<Child> = (0..3).map(|n| worker(&project, &schema.url, n)).collect();
    // The worker that took the stalled feed dies with it.
    tokio::time::timeout(Duration::from_secs(20), stalled_rx.recv())
        .await
        .expect("the stalled feed is fetched")
        .unwrap();
    let held = claims(&schema.url);
    let holder = held
        .iter()
        .find(|c| c.feed == "f00")
        .and_then(|c| c.worker.clone())
        .expect("a worker holds the stalled feed");
    // Feeds the dead worker held may have been fetched by it before it died, and again by
    // the worker that takes them over.
    let orphaned: Vec<String> = held
        .iter()
        .filter(|c| c.worker.as_deref() == Some(holder.as_str()))
        .map(|c| format!("/{}.xml", c.feed))
        .collect();
    let victim = workers
        .iter()
        .position(|w| holder.ends_with(&format!("-{}", w.id())))
        .expect("the holder is one of the workers");
    let mut dead = workers.remove(victim);
    dead.kill().unwrap();
    dead.wait().unwrap();
    // `status` names the dead worker's claims (held, or with the lease run out).
    let status = |project: &Project| {
        let out = util::command(project.dir.path())
            .args(["status"])
            .env("FEEDSMITH_STATE_URL", &schema.url)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = status(&project);
    assert!(
        shown.contains(&format!("f00: held by {holder}"))
            || shown.contains(&format!("f00: lease of {holder} ran out")),
        "{shown}"
    );

    let start = Instant::now();
    let done = loop {
        let claims = claims(&schema.url);
        if claims.len() == FEEDS && claims.iter().all(|c| c.runs >= 1) {
            break claims;
        }
        if start.elapsed() > Duration::from_secs(30) {
            for mut w in workers {
                let _ = w.kill();
                let _ = w.wait();
            }
            panic!("not all feeds ran: {claims:?}\n{}", said(&project));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Longer than a lease: nothing runs again before its next due time.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for w in &workers {
        util::sigterm(w.id());
    }
    for mut w in workers {
        let status = w.wait().unwrap();
        assert!(status.success(), "{}", said(&project));
    }
    let said = said(&project);
    // `status` shows the queue: every feed free again, with its one run.
    let shown = status(&project);
    assert!(
        shown.contains("work queue (PostgreSQL)\n  f00: next due "),
        "{shown}"
    );
    assert!(
        shown.contains("(1 runs)\n") && !shown.contains("held by"),
        "{shown}"
    );
    let after = claims(&schema.url);
    assert_eq!(
        after.iter().map(|c| c.runs).collect::<Vec<_>>(),
        vec![1; FEEDS],
        "{after:?}"
    );
    assert!(done
        .iter()
        .all(|c| c.next_run_at > chrono::Utc::now() + chrono::Duration::days(1)));
    assert!(after.iter().all(|c| c.worker.is_none()), "{after:?}");
    // The stalled feed was finished by another worker; every feed is published with its story.
    for i in 0..FEEDS {
        let rss = std::fs::read_to_string(project.path(&format!("feeds/f{i:02}.rss")));
        let rss = rss.unwrap_or_else(|e| panic!("f{i:02}: {e}\n{said}"));
        assert!(
            rss.contains(&format!("Story number {i:02} of the day")),
            "f{i:02}: {rss}"
        );
    }
    // The index is written once a worker's queue is idle, listing every feed.
    let index = project.read("feeds/index.html");
    assert!(
        (0..FEEDS).all(|i| index.contains(&format!("f{i:02}.rss"))),
        "{index}"
    );
    let mut requests: HashMap<String, usize> = HashMap::new();
    for (_, arrivals) in &hosts {
        let mut times: Vec<Instant> = Vec::new();
        for (path, at) in arrivals.lock().unwrap().iter() {
            *requests.entry(path.clone()).or_default() += 1;
            times.push(*at);
        }
        times.sort();
        let closest = times.windows(2).map(|w| w[1] - w[0]).min().unwrap();
        assert!(
            closest >= Duration::from_millis(HOST_DELAY_MS),
            "two requests to one host {closest:?} apart\n{said}"
        );
    }
    for i in 0..FEEDS {
        let path = format!("/f{i:02}.xml");
        let asked = requests.get(&path).copied().unwrap_or(0);
        match path.as_str() {
            STALLED => assert_eq!(asked, 2, "{path}\n{said}"),
            _ if orphaned.contains(&path) => {
                assert!((1..=2).contains(&asked), "{path}: {asked}\n{said}")
            }
            _ => assert_eq!(asked, 1, "{path}\n{said}"),
        }
    }
}

#[test]
fn a_worker_needs_postgresql_state_and_schedules() {
    let project = Project::world();
    for args in [&["worker"][..], &["daemon", "--worker"][..]] {
        let ran = util::command(project.dir.path())
            .args(args)
            .env_remove("FEEDSMITH_STATE_URL")
            .output()
            .unwrap();
        assert_eq!(ran.status.code(), Some(2), "{args:?}");
        let said = String::from_utf8_lossy(&ran.stderr);
        assert!(
            said.contains(
                "a worker shares its state and its queue with other workers through PostgreSQL"
            ),
            "{said}"
        );
    }
    // With PostgreSQL state named, a feed without a schedule is refused before connecting.
    let ran = util::command(project.dir.path())
        .args(["worker"])
        .env("FEEDSMITH_STATE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert_eq!(ran.status.code(), Some(2));
    let said = String::from_utf8_lossy(&ran.stderr);
    assert!(
        said.contains(
            "a worker refreshes feeds on their schedules; set `schedule` in [site] or on: world"
        ),
        "{said}"
    );
}
