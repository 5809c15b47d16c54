//! Web at scale: 50 small axum servers, one per loopback address (127.0.0.2..127.0.0.51, so each
//! is its own host to the politeness rules), each with a list page linking 20 articles, 20 ms
//! added latency and `ETag`/`If-None-Match` honoured; the release `feedsmith run` fetches them as
//! 50 feeds of one list source, and as one feed of all 50 sources, with the default host delay
//! and with `host_delay_ms = 0`: first run, second run (304s), requests, wall against the
//! politeness bound, CPU share. Everything stays on loopback; the servers only ever serve these
//! 22 paths per host, so every request loop is bounded.
//!
//! Usage: cargo bench --bench web -- [--runs N]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use common::{fmt, median, Proc, Rng, Table};

const HOSTS: usize = 50;
const ARTICLES: usize = 20;
const LATENCY: Duration = Duration::from_millis(20);

#[derive(Default)]
struct Counts {
    requests: AtomicUsize,
    not_modified: AtomicUsize,
}

struct Host {
    list: String,
    articles: Vec<String>,
    counts: Arc<Counts>,
}

/// A strong validator: FNV-1a of the body.
fn etag(body: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    format!("\"{h:016x}\"")
}

async fn handle(State(host): State<Arc<Host>>, req: Request) -> Response {
    host.counts.requests.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(LATENCY).await;
    let path = req.uri().path();
    let (body, kind) = if path == "/" {
        (host.list.as_str(), "text/html; charset=utf-8")
    } else if path == "/robots.txt" {
        ("User-agent: *\nAllow: /\n", "text/plain")
    } else if let Some(k) = path
        .strip_prefix("/a/")
        .and_then(|k| k.parse::<usize>().ok())
    {
        match host.articles.get(k) {
            Some(a) => (a.as_str(), "text/html; charset=utf-8"),
            None => return StatusCode::NOT_FOUND.into_response(),
        }
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let tag = etag(body);
    let matched = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    let tag = HeaderValue::from_str(&tag).expect("an etag is a header value");
    if matched {
        host.counts.not_modified.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::ETAG, tag),
        ],
        body.to_string(),
    )
        .into_response()
}

/// Starts the 50 servers; returns each one's base URL.
fn start(rt: &tokio::runtime::Runtime, counts: &Arc<Counts>) -> Vec<String> {
    let mut rng = Rng::new(0x3eb);
    (0..HOSTS)
        .map(|h| {
            let mut list = String::from("<!doctype html><html><head><title>Latest</title></head><body><nav><a href=\"/\">Home</a></nav><main><ul>");
            let mut articles = Vec::new();
            for k in 0..ARTICLES {
                list += &format!(
                    "<li class=\"post\"><a class=\"title\" href=\"/a/{k}\">{}</a> <span class=\"when\">2024-06-{:02}</span></li>",
                    common::headline(&mut rng),
                    20 - k % 19
                );
                let size = rng.range(2_000, 8_000);
                articles.push(common::html_page(&mut rng, size));
            }
            list += "</ul></main><footer>© 2024</footer></body></html>";
            let host = Arc::new(Host {
                list,
                articles,
                counts: counts.clone(),
            });
            let addr = format!("127.0.0.{}:0", h + 2);
            let listener = rt
                .block_on(tokio::net::TcpListener::bind(&addr))
                .unwrap_or_else(|e| panic!("binding {addr}: {e}"));
            let port = listener.local_addr().expect("a bound address").port();
            let app = axum::Router::new().fallback(handle).with_state(host);
            rt.spawn(async move { axum::serve(listener, app).await });
            format!("http://127.0.0.{}:{port}/", h + 2)
        })
        .collect()
}

fn config(urls: &[String], one_feed: bool, delay_ms: Option<u64>) -> String {
    let mut c = String::from(
        "[site]\ntitle = \"Web bench\"\nbase_url = \"https://bench.example.org/feeds/\"\n",
    );
    if let Some(d) = delay_ms {
        c += &format!("host_delay_ms = {d}\n");
    }
    let source = |u: &str| {
        format!("\n[[feed.source]]\nlist = \"{u}\"\nitem = \"li.post\"\nlink = \"a.title\"\ntitle = \"a.title\"\n")
    };
    if one_feed {
        c += "\n[[feed]]\nname = \"all\"\ntitle = \"All hosts\"\nlink = \"https://bench.example.org/\"\nlimit = 1000\n";
        for u in urls {
            c += &source(u);
        }
    } else {
        for (h, u) in urls.iter().enumerate() {
            c += &format!("\n[[feed]]\nname = \"h{h:02}\"\ntitle = \"Host {h}\"\nlink = \"https://bench.example.org/h{h:02}\"\n");
            c += &source(u);
        }
    }
    c
}

struct Measured {
    proc: Proc,
    requests: usize,
    not_modified: usize,
}

fn run(dir: &std::path::Path, counts: &Counts) -> Measured {
    counts.requests.store(0, Ordering::SeqCst);
    counts.not_modified.store(0, Ordering::SeqCst);
    let proc = common::measure(
        std::process::Command::new(common::feedsmith_bin())
            .args(["run", "--config"])
            .arg(dir.join("config.toml"))
            .current_dir(dir),
        Duration::from_secs(300),
    );
    if proc.code != 0 {
        let first: String = proc.stderr.lines().take(5).collect::<Vec<_>>().join("\n");
        eprintln!("feedsmith run exited {}: {first}", proc.code);
    }
    Measured {
        proc,
        requests: counts.requests.load(Ordering::SeqCst),
        not_modified: counts.not_modified.load(Ordering::SeqCst),
    }
}

fn main() {
    if !common::benching() {
        return;
    }
    let runs = common::runs(3);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let counts = Arc::new(Counts::default());
    let urls = start(&rt, &counts);
    let mut t = Table::default();
    for (one_feed, delay) in [
        (false, None),
        (true, None),
        (false, Some(0)),
        (true, Some(0)),
    ] {
        let label = format!(
            "{}, delay {}",
            if one_feed {
                "1 feed x 50 sources"
            } else {
                "50 feeds"
            },
            delay.map_or("default 1 s".to_string(), |d| format!("{d} ms"))
        );
        let tmp = tempfile::tempdir().expect("a temp dir");
        std::fs::write(
            tmp.path().join("config.toml"),
            config(&urls, one_feed, delay),
        )
        .expect("writing the config");
        let (mut first, mut second) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            for d in [".feedsmith", "feeds"] {
                let _ = std::fs::remove_dir_all(tmp.path().join(d));
            }
            first.push(run(tmp.path(), &counts));
            second.push(run(tmp.path(), &counts));
        }
        println!("web: {label}: done");
        let med =
            |v: &[Measured], f: fn(&Measured) -> f64| median(&v.iter().map(f).collect::<Vec<_>>());
        let requests = med(&first, |m| m.requests as f64);
        // The politeness bound: one host's requests, one host delay apart (20 ms latency apart
        // with no delay), every host in parallel; and never under every request's latency
        // spread over the default 8 requests at once (what binds with no delay).
        let per_host = requests / HOSTS as f64;
        let gap = delay
            .map_or(1.0, |d| d as f64 / 1000.0)
            .max(LATENCY.as_secs_f64());
        let bound = (per_host * gap).max(requests * LATENCY.as_secs_f64() / 8.0);
        let wall1 = med(&first, |m| m.proc.wall);
        let cpu_share1 = med(&first, |m| m.proc.cpu / m.proc.wall);
        t.add(
            format!("{label}: first run requests"),
            fmt(requests),
            "-",
            None,
        );
        t.add(
            format!("{label}: politeness bound s ({per_host:.0} req/host)"),
            fmt(bound),
            "-",
            None,
        );
        t.add(
            format!("{label}: first run wall s"),
            fmt(wall1),
            &format!("<= {} (1.5x bound)", fmt(1.5 * bound)),
            Some(wall1 <= 1.5 * bound),
        );
        t.add(
            format!("{label}: first run CPU % of wall"),
            fmt(100.0 * cpu_share1),
            "<= 25",
            Some(cpu_share1 <= 0.25),
        );
        t.add(
            format!("{label}: first run peak MB"),
            fmt(med(&first, |m| m.proc.max_rss_mb)),
            "-",
            None,
        );
        let wall2 = med(&second, |m| m.proc.wall);
        let cpu_share2 = med(&second, |m| m.proc.cpu / m.proc.wall);
        t.add(
            format!("{label}: second run requests (304s)"),
            format!(
                "{} ({})",
                fmt(med(&second, |m| m.requests as f64)),
                fmt(med(&second, |m| m.not_modified as f64))
            ),
            "-",
            None,
        );
        t.add(
            format!("{label}: second run wall s"),
            fmt(wall2),
            "<= 3",
            Some(wall2 <= 3.0),
        );
        t.add(
            format!("{label}: second run CPU % of wall"),
            fmt(100.0 * cpu_share2),
            "<= 25",
            Some(cpu_share2 <= 0.25),
        );
    }
    t.print(
        &format!(
            "web at scale, {HOSTS} hosts x {ARTICLES} articles, {} ms latency",
            LATENCY.as_millis()
        ),
        runs,
    );
}
