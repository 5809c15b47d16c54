//! Helpers shared by every integration test: a temporary project (config, articles, output),
//! one way to run the real binary, generated output folders, and raw HTTP requests (raw,
//! because HTTP clients rewrite the paths the traversal tests need to send as written).
#![allow(dead_code)] // each test module uses its own subset

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use feedsmith::config::Config;
use feedsmith::model::{Article, Item};
use feedsmith::publish::site::{feed_html, page_name, write_site};
use feedsmith::publish::write::write_if_changed;
use feedsmith::publish::{Format, ValidFeed};

/// What one run of the binary did.
#[derive(Debug)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The binary, run in `cwd`, with the environment a test controls (no log filter, no fixed now).
pub fn command(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_feedsmith"));
    cmd.current_dir(cwd)
        .env_remove("FEEDSMITH_LOG")
        .env_remove("FEEDSMITH_NOW");
    cmd
}

/// Runs `feedsmith ARGS` in `cwd` to the end, at a fixed "now" when one is given.
pub fn feedsmith_at(cwd: &Path, now: Option<&str>, args: &[&str]) -> Ran {
    let mut cmd = command(cwd);
    cmd.args(args);
    if let Some(now) = now {
        cmd.env("FEEDSMITH_NOW", now);
    }
    let out = cmd.output().unwrap();
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn feedsmith(cwd: &Path, args: &[&str]) -> Ran {
    feedsmith_at(cwd, None, args)
}

/// The same from async tests, off the runtime's worker threads.
pub async fn feedsmith_async(cwd: &Path, args: &[&str]) -> Ran {
    let (cwd, args) = (
        cwd.to_path_buf(),
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
    );
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        feedsmith(&cwd, &args)
    })
    .await
    .unwrap()
}

/// A URL on 127.0.0.1 that refuses connections: its port was bound, then closed.
pub fn refused_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}/story")
}

/// Asserts the exit code, showing what the run printed when it differs.
pub fn assert_exit(o: &Ran, code: i32) {
    assert_eq!(o.code, code, "stderr: {}\nstdout: {}", o.stderr, o.stdout);
}

/// A config with one feed `world` reading `articles/world`; `site_extra` adds `[site]` keys.
pub fn world_config(site_extra: &str) -> String {
    format!(
        "[site]\ntitle = \"Test News\"\nbase_url = \"https://news.example.org/feeds/\"\n{site_extra}\n\n\
         [[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/world\"\n\
         [[feed.source]]\ndir = \"articles/world\"\n"
    )
}

pub const SEED: &str = include_str!("../fixtures/seed/000_05bbbe553725a38b.txt");

pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A project whose config has the given `[[feed]]` tables after a standard `[site]`.
    pub fn new(feeds: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "[site]\ntitle = \"Test News\"\nbase_url = \"https://news.example.org/feeds/\"\nauthor = \"Test Desk\"\n\n{feeds}"
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Project { dir }
    }

    /// The usual one-feed project reading `articles/`.
    pub fn world() -> Project {
        let p = Project::new(
            "[[feed]]\nname = \"world\"\ntitle = \"World\"\ndescription = \"World news\"\nlink = \"https://news.example.org/world\"\n[[feed.source]]\ndir = \"articles\"\n",
        );
        p.write("articles/seed.txt", SEED);
        p
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs the binary in the project folder at a fixed "now".
    pub fn run_at(&self, now: &str, args: &[&str]) -> Ran {
        feedsmith_at(self.dir.path(), Some(now), args)
    }

    pub fn run(&self, args: &[&str]) -> Ran {
        feedsmith(self.dir.path(), args)
    }
}

/// Parses one output file with feed-rs, failing the test on any error.
pub fn parse_feed(bytes: &[u8]) -> feed_rs::model::Feed {
    feed_rs::parser::parse(bytes).unwrap_or_else(|e| {
        panic!(
            "feed-rs cannot parse: {e}\n{}",
            String::from_utf8_lossy(bytes)
        )
    })
}

pub const CONFIG: &str = r#"
[site]
title = "Test news"
base_url = "https://news.example.org/feeds/"

[[feed]]
name = "world"
title = "World desk"
link = "https://news.example.org/world"
schedule = "*/15 * * * *"

[[feed]]
name = "sport"
title = "Sport desk"
link = "https://news.example.org/sport"
"#;

pub fn config(dir: &Path) -> Config {
    Config::parse(CONFIG, &dir.join("config.toml")).unwrap()
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn item(id: &str, title: &str, at: &str) -> Item {
    Item {
        id: format!("tag:test,2024:{id}"),
        key: format!("test:{id}"),
        source: "test".into(),
        article: Article {
            title: title.into(),
            summary: Some(format!("Summary of {title}")),
            link: url::Url::parse(&format!("https://news.example.org/a/{id}")).ok(),
            ..Default::default()
        },
        published: utc(at),
        updated: utc(at),
    }
}

/// Valid feeds for the test config, with a few items each.
pub fn feeds(config: &Config) -> Vec<ValidFeed> {
    let items = [
        vec![
            item("w1", "Summit opens in Geneva", "2024-03-01T09:00:00Z"),
            item("w2", "Ceasefire talks resume", "2024-03-02T10:00:00Z"),
        ],
        vec![item(
            "s1",
            "Cup final goes to extra time",
            "2024-03-03T20:00:00Z",
        )],
    ];
    config
        .feeds
        .iter()
        .zip(items)
        .map(|(f, items)| {
            ValidFeed::new(
                f,
                &config.site,
                &items,
                utc("2024-01-01T00:00:00Z"),
                Some(15),
            )
            .unwrap()
        })
        .collect()
}

/// Writes every feed format and the site pages into `dir`.
pub fn write_output(dir: &Path, config: &Config) {
    let feeds = feeds(config);
    for feed in &feeds {
        for format in Format::ALL {
            write_if_changed(dir, &format.file_name(feed.name()), &feed.render(format)).unwrap();
        }
    }
    for feed in &feeds {
        let page = feed_html(feed.head(), feed.items(), &config.site);
        write_if_changed(dir, &page_name(feed.name()), &page).unwrap();
    }
    let summaries: Vec<_> = feeds.iter().map(ValidFeed::summary).collect();
    write_site(dir, &summaries, &config.site).unwrap();
}

pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `method path` exactly as written, with extra header lines, and reads the whole answer.
pub fn raw(addr: SocketAddr, method: &str, path: &str, extra: &[(&str, &str)]) -> RawResponse {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8(all[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    RawResponse {
        status,
        headers,
        body: all[split + 4..].to_vec(),
    }
}

/// A plain-text article file a folder source reads: headline, blank line, paragraphs.
pub fn write_article(dir: &Path, file: &str, title: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join(file),
        format!(
            "{title}\n\nThe operator said on Friday that the work would be finished ahead of \
             schedule, and that nobody with a booking needed to do anything.\n\nA spokesperson \
             added that the timetable would be published next week.\n"
        ),
    )
    .unwrap();
}

/// Sends SIGTERM through the shell's `kill` builtin (no `kill` binary needed).
pub fn sigterm(pid: u32) {
    let sent = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -TERM {pid}");
}

/// A `feedsmith` process that listens on a port it chose; killed if a test fails before
/// stopping it, so no daemon outlives its test.
pub struct Listening {
    child: std::process::Child,
    pub addr: SocketAddr,
    stderr: std::io::BufReader<std::process::ChildStderr>,
}

impl Listening {
    /// Starts `feedsmith ARGS` in `dir` and reads the address from its first stderr line
    /// ("... at http://ADDR/").
    pub fn start(dir: &Path, args: &[&str]) -> Listening {
        use std::io::BufRead;
        let mut child = command(dir)
            .args(args)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .rsplit_once("http://")
            .and_then(|(_, a)| a.trim_end_matches('/').parse().ok());
        // Built before the address is checked, so a bad first line still kills the process.
        let mut started = Listening {
            child,
            addr: "127.0.0.1:0".parse().unwrap(),
            stderr,
        };
        started.addr = addr.unwrap_or_else(|| panic!("no address in {line:?}"));
        started
    }

    /// SIGTERM, then waits (20 s at most); returns how it exited and the rest of its stderr.
    #[cfg(unix)]
    pub fn stop(mut self) -> (std::process::ExitStatus, String) {
        sigterm(self.child.id());
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "did not stop on SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let mut rest = String::new();
        let _ = self.stderr.read_to_string(&mut rest);
        (status, rest)
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Serves fixed `(path, content type, body)` replies on 127.0.0.1 (404 for other paths) until
/// the test ends; returns the base URL, ending in `/`.
pub async fn serve_static(routes: Vec<(&'static str, &'static str, String)>) -> url::Url {
    serve_static_on(0, routes).await
}

/// [`serve_static`] on a chosen port (0: any), for pages that must name their own address.
pub async fn serve_static_on(
    port: u16,
    routes: Vec<(&'static str, &'static str, String)>,
) -> url::Url {
    use axum::http::{header, StatusCode};
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let base = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let routes = std::sync::Arc::new(routes);
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let routes = routes.clone();
        async move {
            match routes.iter().find(|(p, _, _)| *p == uri.path()) {
                Some((_, ct, body)) => {
                    (StatusCode::OK, [(header::CONTENT_TYPE, *ct)], body.clone())
                }
                None => (
                    StatusCode::NOT_FOUND,
                    [(header::CONTENT_TYPE, "text/plain")],
                    String::new(),
                ),
            }
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// The address of a service `.ci/run` started (its `var`, e.g. `FEEDSMITH_TEST_S3_ENDPOINT`),
/// or `None` after printing why the test skips. With `FEEDSMITH_REQUIRE_SERVICES=1` (CI) a
/// missing service fails the test instead: CI must never pass by skipping.
pub fn service(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Some(v.trim().to_string()),
        _ => {
            let required = std::env::var("FEEDSMITH_REQUIRE_SERVICES").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "FEEDSMITH_REQUIRE_SERVICES=1 but {var} is not set: {what} is missing"
            );
            eprintln!("skipped: {var} is not set, so there is no {what} to test against");
            None
        }
    }
}
