//! Faults from outside, end to end: clients that stall the server, an output folder whose names
//! turn into symlinks while it runs, and a web server that answers a page URL with binary data.
//! Every server here is one the test starts on 127.0.0.1.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use feedsmith::config::FetchSettings;
use feedsmith::fetch::Fetcher;
use feedsmith::serve::{serve_with, CachePolicy, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest any step here may take before the test gives up (a safety net, not a measurement).
const SAFETY: Duration = Duration::from_secs(20);

struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn stop(mut self) {
        let _ = self.stop.take().map(|s| s.send(()));
        tokio::time::timeout(SAFETY, self.task)
            .await
            .expect("server stops")
            .unwrap();
    }
}

async fn start(out: &Path, limits: Limits) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let out = out.to_path_buf();
    let task = tokio::spawn(async move {
        serve_with(listener, out, CachePolicy::fixed(0), limits, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Server {
        addr,
        stop: Some(tx),
        task,
    }
}

/// Reads until the server closes the connection; true when it did (EOF or reset).
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(SAFETY, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue, // a 408 or similar before closing is fine
        }
    }
}

async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let r = reqwest::Client::new()
        .get(format!("http://{addr}{path}"))
        .timeout(SAFETY)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

#[tokio::test]
async fn slowloris_clients_are_cut_off_and_others_still_served() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("world.rss"), b"<rss/>").unwrap();
    let limits = Limits {
        header_read_timeout_ms: 200,
        max_connections: 2,
        ..Limits::default()
    };
    let server = start(dir.path(), limits).await;
    // As many stalled clients as there are slots: half a header each, then nothing.
    let mut stalled = Vec::new();
    for _ in 0..limits.max_connections {
        let mut s = TcpStream::connect(server.addr).await.unwrap();
        s.write_all(b"GET /world.rss HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .await
            .unwrap();
        stalled.push(s);
    }
    // A client that connects and sends nothing at all.
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    for s in &mut stalled {
        assert!(closed_by_server(s).await, "a stalled client was kept");
    }
    assert!(
        closed_by_server(&mut silent).await,
        "a silent client was kept"
    );
    // With the slots free again, an ordinary request is answered.
    let (status, body) = tokio::time::timeout(SAFETY, get(server.addr, "/world.rss"))
        .await
        .expect("served after the stalled clients were cut off");
    assert_eq!((status, body.as_str()), (200, "<rss/>"));
    // A kept-alive connection left idle after its answer is closed too.
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /world.rss HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    assert!(closed_by_server(&mut idle).await, "an idle client was kept");
    server.stop().await;
}

#[tokio::test]
async fn a_client_that_never_reads_its_answer_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    // Far larger than the socket buffers, so the answer cannot be written out in full.
    std::fs::write(dir.path().join("big.rss"), vec![b'x'; 64 << 20]).unwrap();
    let limits = Limits {
        connection_timeout_ms: 300,
        max_connections: 1,
        ..Limits::default()
    };
    let server = start(dir.path(), limits).await;
    let mut greedy = TcpStream::connect(server.addr).await.unwrap();
    greedy
        .write_all(b"GET /big.rss HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n")
        .await
        .unwrap();
    // The only slot is taken; the next client is served once the greedy one is cut off.
    let next = tokio::time::timeout(SAFETY, get(server.addr, "/nothing.rss"))
        .await
        .expect("served after the greedy client was cut off");
    assert_eq!(next.0, 404);
    // The greedy client finds its answer cut short: fewer bytes than the file before EOF.
    let mut got = 0usize;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match tokio::time::timeout(SAFETY, greedy.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got += n,
            Err(_) => panic!("the greedy connection stayed open"),
        }
    }
    assert!(got < 64 << 20, "{got} bytes");
    server.stop().await;
}

#[tokio::test]
async fn symlinks_swapped_in_after_startup_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let secret = dir.path().join("secret.rss");
    std::fs::write(&secret, b"SECRET").unwrap();
    std::fs::write(out.join("world.rss"), b"<rss>world</rss>").unwrap();
    let server = start(&out, Limits::default()).await;
    assert_eq!(get(server.addr, "/world.rss").await.0, 200);

    // The plain file becomes a symlink to a file outside, and a new symlink appears.
    std::fs::remove_file(out.join("world.rss")).unwrap();
    std::os::unix::fs::symlink(&secret, out.join("world.rss")).unwrap();
    std::os::unix::fs::symlink(&secret, out.join("new.rss")).unwrap();
    for name in ["/world.rss", "/new.rss"] {
        let (status, body) = get(server.addr, name).await;
        assert_eq!(status, 404, "{name}: {body}");
        assert!(!body.contains("SECRET"), "{name}");
    }

    // A name flipping between file and symlink while requests come in: never the secret.
    let flip_dir = out.clone();
    let flipping = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let still = flipping.clone();
    let flipper = std::thread::spawn(move || {
        let name = flip_dir.join("flip.rss");
        let tmp = flip_dir.join(".flip-tmp");
        let mut as_link = false;
        while still.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = std::fs::remove_file(&tmp);
            if as_link {
                std::os::unix::fs::symlink(&secret, &tmp).unwrap();
            } else {
                std::fs::write(&tmp, b"<rss>plain</rss>").unwrap();
            }
            std::fs::rename(&tmp, &name).unwrap();
            as_link = !as_link;
        }
    });
    let mut plain = 0;
    for _ in 0..200 {
        let (status, body) = get(server.addr, "/flip.rss").await;
        assert!(!body.contains("SECRET"), "the symlink was followed");
        if status == 200 {
            assert_eq!(body, "<rss>plain</rss>");
            plain += 1;
        }
    }
    flipping.store(false, std::sync::atomic::Ordering::Relaxed);
    flipper.join().unwrap();
    // The plain file was served at times: the requests really raced the flips.
    assert!(plain > 0, "never saw the plain file");
    server.stop().await;
}

/// A one-route server answering every request with `body` as `content_type`.
async fn page_server(body: &'static [u8], content_type: &'static str) -> SocketAddr {
    let app = axum::Router::new().fallback(move || async move {
        ([(axum::http::header::CONTENT_TYPE, content_type)], body)
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::test]
async fn a_binary_body_under_text_html_is_an_error_naming_the_url() {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    let settings = FetchSettings {
        host_delay: Duration::ZERO,
        timeout: Duration::from_secs(5),
        retries: 0,
        robots: false,
        ..FetchSettings::default()
    };
    let addr = page_server(PNG, "text/html; charset=utf-8").await;
    let url = url::Url::parse(&format!("http://{addr}/story.html")).unwrap();
    let err = Fetcher::with_limits(4, 2)
        .get(&url, &settings, None)
        .await
        .map(|_| ())
        .expect_err("a PNG is not a page");
    assert!(err.to_string().contains(url.as_str()), "{err}");
    assert_eq!(
        err.fetch_kind(),
        Some(&feedsmith::error::FetchError::Binary {
            served_as: "text/html; charset=utf-8".into(),
            kind: feedsmith::sniff::Binary::Png
        })
    );

    // The same server with a real page is fine.
    let addr = page_server(b"<html><body><p>Hello</p></body></html>", "text/html").await;
    let url = url::Url::parse(&format!("http://{addr}/story.html")).unwrap();
    assert!(Fetcher::with_limits(4, 2)
        .get(&url, &settings, None)
        .await
        .is_ok());
}

/// A feed whose file cannot be written (a folder is in the way: that holds even for root, which
/// permission bits do not stop) is one message naming the feed, the file and the OS reason; the
/// other feed is still published and the run exits 1.
#[test]
fn a_feed_that_cannot_be_written_fails_alone_with_one_message() {
    let feed = |name: &str| {
        format!("[[feed]]\nname = \"{name}\"\ntitle = \"{name}\"\nlink = \"https://news.example.org/{name}\"\n[[feed.source]]\ndir = \"articles\"\n")
    };
    let p = crate::util::Project::new(&format!("{}{}", feed("world"), feed("sport")));
    p.write("articles/seed.txt", crate::util::SEED);
    std::fs::create_dir_all(p.path("feeds/world.rss/in-the-way")).unwrap();
    let ran = p.run(&["run"]);
    crate::util::assert_exit(&ran, 1);
    let errors: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", ran.stderr);
    let message = errors[0];
    assert!(
        message.contains("feed world")
            && message.contains("world.rss")
            && message.to_lowercase().contains("directory"),
        "{message}"
    );
    assert!(!ran.stderr.contains(".feedsmith-tmp-"), "{}", ran.stderr);
    for file in ["sport.rss", "sport.atom", "sport.json", "index.html"] {
        assert!(p.path("feeds").join(file).is_file(), "{file} not written");
    }
    let index = p.read("feeds/index.html");
    assert!(index.contains("sport.rss"), "{index}");
}
