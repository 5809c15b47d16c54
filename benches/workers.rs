//! Workers at scale: 1,000 feeds over 50 small axum servers, one per loopback address
//! (127.0.0.2..127.0.0.51, so each is its own host to the politeness rules), 20 ms added latency,
//! refreshed by one `feedsmith worker` and then by three on one PostgreSQL state (a schema of its
//! own per case on the server `FEEDSMITH_TEST_PG_URL` names; `.ci/services.sh` starts one):
//! wall time until every feed ran, requests per host per second, the politeness bound (each
//! host's requests one `host_delay_ms` after the previous answer, every host in parallel), and
//! the workers' CPU. Everything stays on loopback; each server only serves its 20 feeds.
//!
//! Usage: FEEDSMITH_TEST_PG_URL=postgres://… cargo bench --bench workers -- [--runs N]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use common::{fmt, median, Rng, Table};
use feedsmith::store::postgres::testing::TestSchema;
use feedsmith::store::Store;

const HOSTS: usize = 50;
const FEEDS_PER_HOST: usize = 20;
const LATENCY: Duration = Duration::from_millis(20);
const HOST_DELAY_MS: u64 = 250;

struct Host {
    feeds: Vec<String>,
    /// When each request arrived.
    arrivals: Mutex<Vec<Instant>>,
}

async fn handle(State(host): State<Arc<Host>>, req: Request) -> Response {
    host.arrivals.lock().unwrap().push(Instant::now());
    tokio::time::sleep(LATENCY).await;
    let feed = req
        .uri()
        .path()
        .strip_prefix("/f/")
        .and_then(|k| k.strip_suffix(".xml"))
        .and_then(|k| k.parse::<usize>().ok())
        .and_then(|k| host.feeds.get(k));
    match feed {
        Some(rss) => ([(header::CONTENT_TYPE, "application/rss+xml")], rss.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Starts the 50 servers; returns each one's state and base URL.
fn start(rt: &tokio::runtime::Runtime) -> Vec<(Arc<Host>, String)> {
    let mut rng = Rng::new(0x5eed);
    (0..HOSTS)
        .map(|h| {
            let feeds = (0..FEEDS_PER_HOST)
                .map(|k| {
                    let mut rss = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Host {h} feed {k}</title><link>http://example.org/{h}/{k}</link><description>d</description>");
                    for i in 0..5 {
                        rss += &format!(
                            "<item><title>{}</title><link>http://example.org/{h}/{k}/{i}</link><description>{}</description><pubDate>Sat, {:02} May 2024 09:00:00 GMT</pubDate></item>",
                            common::headline(&mut rng),
                            common::sentence(&mut rng),
                            11 - i
                        );
                    }
                    rss + "</channel></rss>"
                })
                .collect();
            let host = Arc::new(Host {
                feeds,
                arrivals: Mutex::new(Vec::new()),
            });
            let addr = format!("127.0.0.{}:0", h + 2);
            let listener = rt
                .block_on(tokio::net::TcpListener::bind(&addr))
                .unwrap_or_else(|e| panic!("binding {addr}: {e}"));
            let port = listener.local_addr().expect("a bound address").port();
            let app = axum::Router::new().fallback(handle).with_state(host.clone());
            rt.spawn(async move { axum::serve(listener, app).await });
            (host, format!("http://127.0.0.{}:{port}/", h + 2))
        })
        .collect()
}

fn config(urls: &[String]) -> String {
    let mut c = format!(
        "[site]\ntitle = \"Workers bench\"\nbase_url = \"https://bench.example.org/feeds/\"\n\
         schedule = \"0 0 1 1 *\"\nhost_delay_ms = {HOST_DELAY_MS}\nrobots = false\nconcurrency = 16\n"
    );
    for (h, u) in urls.iter().enumerate() {
        for k in 0..FEEDS_PER_HOST {
            c += &format!(
                "\n[[feed]]\nname = \"h{h:02}-{k:02}\"\ntitle = \"Host {h} feed {k}\"\nlink = \"https://bench.example.org/{h}/{k}\"\n\
                 [[feed.source]]\nfeed = \"{u}f/{k}.xml\"\n"
            );
        }
    }
    c
}

struct Measured {
    wall: f64,
    /// User and system CPU of each worker.
    cpu: Vec<f64>,
    requests: usize,
    /// Each host's requests per second, from its first to its last request.
    per_host_rate: f64,
}

/// CPU seconds of a child, reaped.
fn reap(child: std::process::Child) -> f64 {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is valid; wait4 fills it for our unreaped child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our unreaped child; status and ru are ours.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(r, pid, "wait4 failed");
    drop(child);
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn run(dir: &std::path::Path, hosts: &[(Arc<Host>, String)], workers: usize) -> Option<Measured> {
    let schema = TestSchema::new()?;
    for (h, _) in hosts {
        h.arrivals.lock().unwrap().clear();
    }
    let _ = std::fs::remove_dir_all(dir.join("feeds"));
    let start = Instant::now();
    let children: Vec<_> = (0..workers)
        .map(|_| {
            std::process::Command::new(common::feedsmith_bin())
                .args(["worker", "--concurrency", "100", "--config"])
                .arg(dir.join("config.toml"))
                .env("FEEDSMITH_STATE_URL", &schema.url)
                .current_dir(dir)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("starting a worker")
        })
        .collect();
    let feeds = HOSTS * FEEDS_PER_HOST;
    let deadline = Duration::from_secs(600);
    // One connection for the whole run: connecting (and checking the schema) every look took
    // CPU from the workers on a small machine.
    let mut watcher = None;
    let wall = loop {
        if watcher.is_none() {
            watcher = Store::connect(&schema.url).ok();
        }
        let done = watcher
            .as_ref()
            .and_then(|s| s.claims().ok())
            .map(|c| c.iter().filter(|c| c.runs >= 1).count())
            .unwrap_or(0);
        if done == feeds || start.elapsed() > deadline {
            break start.elapsed().as_secs_f64();
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    for c in &children {
        // SAFETY: signalling our own unreaped child.
        unsafe { libc::kill(c.id() as libc::pid_t, libc::SIGTERM) };
    }
    let cpu = children.into_iter().map(reap).collect();
    let mut requests = 0;
    let mut rates = Vec::new();
    for (h, _) in hosts {
        let mut at = h.arrivals.lock().unwrap().clone();
        at.sort();
        requests += at.len();
        if let (Some(first), Some(last)) = (at.first(), at.last()) {
            let span = (*last - *first).as_secs_f64();
            if span > 0.0 {
                rates.push((at.len() - 1) as f64 / span);
            }
        }
    }
    Some(Measured {
        wall,
        cpu,
        requests,
        per_host_rate: median(&rates),
    })
}

fn main() {
    if !common::benching() {
        return;
    }
    let runs = common::runs(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let hosts = start(&rt);
    let urls: Vec<String> = hosts.iter().map(|(_, u)| u.clone()).collect();
    let tmp = tempfile::tempdir().expect("a temp dir");
    std::fs::write(tmp.path().join("config.toml"), config(&urls)).expect("writing the config");
    let mut t = Table::default();
    // The politeness bound: each host's requests one delay after the previous answer (which
    // takes the latency), all hosts at once.
    let gap = HOST_DELAY_MS as f64 / 1000.0 + LATENCY.as_secs_f64();
    let bound = FEEDS_PER_HOST as f64 * gap - HOST_DELAY_MS as f64 / 1000.0;
    t.add(
        format!("politeness bound s ({FEEDS_PER_HOST} req/host, {HOST_DELAY_MS} ms delay)"),
        fmt(bound),
        "-",
        None,
    );
    t.add("politeness bound req/host/s", fmt(1.0 / gap), "-", None);
    for workers in [1, 3] {
        let mut measured = Vec::new();
        for _ in 0..runs {
            match run(tmp.path(), &hosts, workers) {
                Some(m) => measured.push(m),
                None => return,
            }
        }
        println!("workers: {workers} worker(s): done");
        let med = |f: fn(&Measured) -> f64| median(&measured.iter().map(f).collect::<Vec<_>>());
        let wall = med(|m| m.wall);
        let label = format!("{workers} worker(s)");
        t.add(
            format!("{label}: requests"),
            fmt(med(|m| m.requests as f64)),
            "1000",
            Some(med(|m| m.requests as f64) == 1000.0),
        );
        t.add(
            format!("{label}: wall s until every feed ran"),
            fmt(wall),
            &format!("<= {} (1.3x bound)", fmt(1.3 * bound)),
            Some(wall <= 1.3 * bound),
        );
        t.add(
            format!("{label}: requests per host per s (median)"),
            fmt(med(|m| m.per_host_rate)),
            &format!("<= {}", fmt(1.0 / gap)),
            Some(med(|m| m.per_host_rate) <= 1.0 / gap),
        );
        t.add(
            format!("{label}: CPU s per worker (median of workers)"),
            fmt(med(|m| median(&m.cpu))),
            "-",
            None,
        );
        t.add(
            format!("{label}: busiest worker CPU % of one core"),
            fmt(med(|m| {
                100.0 * m.cpu.iter().cloned().fold(0.0, f64::max) / m.wall
            })),
            "<= 50",
            Some(med(|m| m.cpu.iter().cloned().fold(0.0, f64::max) / m.wall) <= 0.5),
        );
    }
    t.print(
        &format!(
            "workers on PostgreSQL, {} feeds over {HOSTS} hosts, {} ms latency",
            HOSTS * FEEDS_PER_HOST,
            LATENCY.as_millis()
        ),
        runs,
    );
}
