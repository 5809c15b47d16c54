//! `serve` over a real socket: validators and 304s, content types, compression, HEAD, methods,
//! and paths that try to leave the output folder.

use std::io::Read;
use std::net::SocketAddr;

use crate::util::{config, raw, write_output};
use feedsmith::serve::{serve, CachePolicy};

struct Server {
    addr: SocketAddr,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("feeds");
    let config = config(dir.path());
    write_output(&out, &config);
    // Things that must never be served.
    std::fs::write(out.join(".feedsmith-tmp-x"), b"half").unwrap();
    std::fs::write(dir.path().join("secret.txt"), b"secret").unwrap();
    std::fs::create_dir(out.join("sub.rss")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve(listener, out, CachePolicy::from_config(&config), async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Server {
        addr,
        _dir: dir,
        stop: Some(tx),
        task,
    }
}

impl Server {
    /// Runs a blocking raw request off the runtime's worker.
    async fn get(
        &self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
    ) -> crate::util::RawResponse {
        let (addr, method, path) = (self.addr, method.to_string(), path.to_string());
        let extra: Vec<(String, String)> = extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        tokio::task::spawn_blocking(move || {
            let extra: Vec<(&str, &str)> = extra
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            raw(addr, &method, &path, &extra)
        })
        .await
        .unwrap()
    }

    async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        self.task.await.unwrap();
    }
}

#[tokio::test]
async fn etag_and_last_modified_give_304() {
    let s = start().await;
    let r = s.get("GET", "/world.rss", &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/rss+xml"));
    assert!(std::str::from_utf8(&r.body)
        .unwrap()
        .contains("Summit opens in Geneva"));
    let etag = r.header("etag").unwrap().to_string();
    assert!(
        etag.starts_with('"') && etag.len() > 10,
        "strong tag: {etag}"
    );
    let lm = r.header("last-modified").unwrap().to_string();
    let cc = r.header("cache-control").unwrap();
    let max_age: u64 = cc
        .strip_prefix("public, max-age=")
        .unwrap()
        .parse()
        .unwrap();
    assert!(max_age <= 15 * 60 + 30, "{cc}");

    let r = s
        .get("GET", "/world.rss", &[("If-None-Match", &etag)])
        .await;
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("etag"), Some(etag.as_str()));

    let r = s
        .get("GET", "/world.rss", &[("If-Modified-Since", &lm)])
        .await;
    assert_eq!(r.status, 304);

    let r = s
        .get(
            "GET",
            "/world.rss",
            &[("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT")],
        )
        .await;
    assert_eq!(r.status, 200);
    let r = s
        .get("GET", "/world.rss", &[("If-None-Match", "\"other\"")])
        .await;
    assert_eq!(r.status, 200);
    s.stop().await;
}

#[tokio::test]
async fn content_types() {
    let s = start().await;
    for (path, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/world.html", "text/html; charset=utf-8"),
        ("/feeds.opml", "text/x-opml; charset=utf-8"),
        ("/world.rss", "application/rss+xml"),
        ("/world.atom", "application/atom+xml"),
        ("/sport.json", "application/feed+json"),
    ] {
        let r = s.get("GET", path, &[]).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    let index = s.get("GET", "/", &[]).await;
    assert!(index
        .header("content-security-policy")
        .unwrap()
        .starts_with("default-src 'none'"));
    let text = String::from_utf8(index.body).unwrap();
    assert!(text.contains("World desk") && text.contains("Sport desk"));
    // Unscheduled feed: the default lifetime.
    let r = s.get("GET", "/sport.rss", &[]).await;
    assert_eq!(r.header("cache-control"), Some("public, max-age=300"));
    s.stop().await;
}

#[tokio::test]
async fn traversal_hidden_and_odd_paths_are_404() {
    let s = start().await;
    for path in [
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/feeds/../secret.txt",
        "/./world.rss",
        "/world.rss/",
        "/.feedsmith-tmp-x",
        "/sub.rss",
        "/sub.rss/",
        "/nothing.rss",
        "/world",
        "//etc/passwd",
    ] {
        let r = s.get("GET", path, &[]).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(!String::from_utf8_lossy(&r.body).contains("secret"));
    }
    // A backslash is not even a valid request target: refused before routing.
    let r = s.get("GET", "/..\\secret.txt", &[]).await;
    assert!(r.status == 400 || r.status == 404, "{}", r.status);
    s.stop().await;
}

#[tokio::test]
async fn only_get_and_head() {
    let s = start().await;
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = s
            .get(method, "/world.rss", &[("Content-Length", "0")])
            .await;
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
    }
    let get = s.get("GET", "/world.atom", &[]).await;
    let head = s.get("HEAD", "/world.atom", &[]).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(head.header("content-type"), Some("application/atom+xml"));
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
    s.stop().await;
}

#[tokio::test]
async fn compresses_when_asked_with_its_own_tag() {
    let s = start().await;
    let plain = s.get("GET", "/world.atom", &[]).await;
    assert_eq!(plain.header("content-encoding"), None);
    let r = s
        .get("GET", "/world.atom", &[("Accept-Encoding", "gzip")])
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert!(r
        .header("vary")
        .unwrap()
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    // The body may come chunked; decode the chunks, then gunzip.
    let body = if r.header("transfer-encoding") == Some("chunked") {
        dechunk(&r.body)
    } else {
        r.body.clone()
    };
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(body.as_slice())
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain.body);
    let tag = r.header("etag").unwrap().to_string();
    assert_ne!(Some(tag.as_str()), plain.header("etag"));
    let again = s
        .get(
            "GET",
            "/world.atom",
            &[("Accept-Encoding", "gzip"), ("If-None-Match", &tag)],
        )
        .await;
    assert_eq!(again.status, 304);

    let br = s
        .get("GET", "/world.atom", &[("Accept-Encoding", "br")])
        .await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    s.stop().await;
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..line]).unwrap().trim(), 16).unwrap();
        b = &b[line + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size + 2..];
    }
}

/// `feedsmith serve` as a process: says where it listens, serves the folder, stops on SIGTERM.
#[cfg(unix)]
#[test]
fn binary_serve_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), crate::util::CONFIG).unwrap();
    write_output(&dir.path().join("feeds"), &config(dir.path()));
    let server = crate::util::Listening::start(dir.path(), &["serve", "--listen", "127.0.0.1:0"]);
    let r = raw(server.addr, "GET", "/feeds.opml", &[]);
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("Sport desk"));
    let (status, log) = server.stop();
    assert!(status.success(), "{status:?}: {log}");
}
