//! The web sources against a real HTTP server on 127.0.0.1 (port 0), serving the pages and feeds
//! in `tests/fixtures/web/`. Nothing here touches the internet; timings are in milliseconds.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, Response};
use axum::Router;
use feedsmith::config::{Config, FetchSettings, Source};
use feedsmith::error::FetchError;
use feedsmith::fetch::Validators;
use feedsmith::fetch::{Fetched, Fetcher};
use feedsmith::model::RawBody;
use feedsmith::source::collect as collect_web;
use feedsmith::source::Memory;
use url::Url;

// ---------------------------------------------------------------- test server

#[derive(Clone, Debug)]
struct Seen {
    path: String,
    headers: HeaderMap,
    at: Instant,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    delay: Duration,
}

impl Reply {
    fn ok(body: impl Into<Vec<u8>>, content_type: &str) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type", content_type.to_string())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply::ok(body, "text/html; charset=utf-8")
    }
    fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }
    fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
    fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

type Route = dyn Fn(&Seen, &Url) -> Reply + Send + Sync;

struct Server {
    base: Url,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// (path, status, body bytes) of every reply sent.
    sent: Arc<Mutex<Vec<(String, u16, usize)>>>,
    /// When each reply was sent, by path.
    answered: Arc<Mutex<Vec<(String, Instant)>>>,
}

impl Server {
    async fn start(route: impl Fn(&Seen, &Url) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_with(route, |r| r).await
    }

    async fn start_with(
        route: impl Fn(&Seen, &Url) -> Reply + Send + Sync + 'static,
        wrap: impl FnOnce(Router) -> Router,
    ) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sent = Arc::new(Mutex::new(Vec::new()));
        let answered = Arc::new(Mutex::new(Vec::new()));
        let route: Arc<Route> = Arc::new(route);
        let (seen2, sent2, base2) = (seen.clone(), sent.clone(), base.clone());
        let answered2 = answered.clone();
        let handler = move |req: axum::extract::Request| {
            let (seen, sent, route, base) =
                (seen2.clone(), sent2.clone(), route.clone(), base2.clone());
            let answered = answered2.clone();
            async move {
                let path = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                let s = Seen {
                    path: path.clone(),
                    headers: req.headers().clone(),
                    at: Instant::now(),
                };
                seen.lock().unwrap().push(s.clone());
                let reply = route(&s, &base);
                tokio::time::sleep(reply.delay).await;
                answered
                    .lock()
                    .unwrap()
                    .push((path.clone(), Instant::now()));
                sent.lock()
                    .unwrap()
                    .push((path, reply.status, reply.body.len()));
                let mut b = Response::builder().status(reply.status);
                for (k, v) in reply.headers {
                    b = b.header(k, v);
                }
                b.body(Body::from(reply.body)).unwrap()
            }
        };
        let app = wrap(Router::new().fallback(handler));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server {
            base,
            seen,
            sent,
            answered,
        }
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap()
    }

    fn requests(&self, path: &str) -> Vec<Seen> {
        let seen = self.seen.lock().unwrap();
        seen.iter().filter(|s| s.path == path).cloned().collect()
    }

    fn paths(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.path.clone())
            .collect()
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/web")
            .join(name),
    )
    .unwrap()
}

/// A fixture with `{{BASE}}` replaced by the server's address (feeds need absolute links).
fn fixture_at(name: &str, base: &Url) -> Vec<u8> {
    String::from_utf8(fixture(name))
        .unwrap()
        .replace("{{BASE}}/", base.as_str())
        .into_bytes()
}

/// The Daily Harbour test site: a news list, its articles, a blog and a teaser feed.
fn harbour(req: &Seen, base: &Url) -> Reply {
    let path = req.path.split('?').next().unwrap_or_default();
    match path {
        "/robots.txt" => Reply::ok(fixture("robots.txt"), "text/plain"),
        "/news/" => Reply::html(fixture("news/index.html")),
        "/news/2024/05/12/harbour-floods-after-storm" => {
            Reply::html(fixture("news/2024-05-12-harbour-floods.html"))
                .header("last-modified", "Sun, 12 May 2024 07:00:00 GMT")
        }
        "/news/bridge-reopens-to-traffic-after-repairs" => {
            Reply::html(fixture("news/bridge-reopens.html"))
        }
        "/news/world/fishing-quota-talks-stall" => {
            Reply::html(fixture("news/world/fishing-quota.html"))
        }
        "/blog/" => Reply::html(fixture("blog/index.html")),
        "/blog/posts/tide-tables.html" => Reply::html(fixture("blog/posts/tide-tables.html")),
        "/blog/posts/knots.html" => Reply::html(fixture("blog/posts/knots.html")),
        "/feed.xml" => Reply::ok(fixture_at("teasers.xml", base), "application/rss+xml"),
        "/latin1" => Reply::ok(
            fixture("latin1-header.html"),
            "text/html; charset=ISO-8859-1",
        ),
        "/cp1252" => Reply::ok(fixture("cp1252-meta.html"), "text/html"),
        _ => Reply::status(404),
    }
}

// ---------------------------------------------------------------- helpers

/// A source as the config would define it; `kind` is e.g. `list = "http://…"`.
fn source(kind: &str, extra: &str) -> Source {
    let text = format!(
        "[site]\ntitle = \"Test\"\nbase_url = \"https://feeds.example.org/\"\nhost_delay_ms = 0\ntimeout_ms = 3000\nretries = 0\n\
         [[feed]]\nname = \"f\"\ntitle = \"F\"\nlink = \"https://example.org/\"\n[[feed.source]]\nname = \"test\"\n{kind}\n{extra}\n"
    );
    Config::parse(&text, Path::new("/tmp/config.toml"))
        .unwrap()
        .feeds
        .remove(0)
        .sources
        .remove(0)
}

fn settings() -> FetchSettings {
    FetchSettings {
        host_delay: Duration::ZERO,
        timeout: Duration::from_secs(3),
        retries: 0,
        ..FetchSettings::default()
    }
}

fn fetcher() -> Fetcher {
    Fetcher::with_limits(8, 4)
}

fn html_of(body: &RawBody) -> &str {
    match body {
        RawBody::Html(s) | RawBody::HtmlFragment(s) => s,
        other => panic!("expected HTML, got {other:?}"),
    }
}

/// Why fetching `path` failed; the error must name the URL.
async fn get_err(server: &Server, path: &str, settings: &FetchSettings) -> FetchError {
    match fetcher().get(&server.url(path), settings, None).await {
        Err(e) => {
            assert!(e.to_string().contains(server.url(path).as_str()), "{e}");
            e.fetch_kind().cloned().expect("a fetch error")
        }
        Ok(r) => panic!("{path}: expected an error, got {r:?}"),
    }
}

// ---------------------------------------------------------------- list sources

#[tokio::test]
async fn list_with_selectors_fetches_items_and_skips_known_and_private() {
    let server = Server::start(harbour).await;
    let src = source(
        &format!("list = \"{}\"", server.url("/blog/")),
        "item = \"li.post\"\nlink = \"a.title\"\ntitle = \"a.title\"\ndate = \".when\"\nsummary = \".dek\"",
    );
    let memory = Memory {
        known_keys: HashSet::from([server.url("/blog/posts/old-post.html").to_string()]),
        ..Memory::default()
    };
    let got = collect_web(&src, &fetcher(), &memory).await.unwrap();
    let keys: Vec<&str> = got.articles.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            server.url("/blog/posts/tide-tables.html").as_str(),
            server.url("/blog/posts/knots.html").as_str()
        ]
    );
    let tide = &got.articles[0];
    assert_eq!(tide.source, "test");
    assert_eq!(tide.hints.title.as_deref(), Some("Reading tide tables"));
    assert_eq!(
        tide.hints.summary.as_deref(),
        Some("What the numbers in the almanac really mean.")
    );
    assert_eq!(
        tide.hints.published.map(|d| d.date_naive().to_string()),
        Some("2024-05-09".into())
    );
    assert!(html_of(&tide.body).contains("chart datum"));
    assert_eq!(
        tide.base_url.as_ref(),
        Some(&server.url("/blog/posts/tide-tables.html"))
    );
    // The metadata link is refused, not fetched; the stored post is not fetched again.
    assert_eq!(got.problems.len(), 1, "{:?}", got.problems);
    assert!(got.problems[0].to_string().contains("private address"));
    assert!(server.requests("/blog/posts/old-post.html").is_empty());
    assert_eq!(
        got.known.len(),
        1,
        "still listed, so part of the source's yield for status"
    );
    assert!(!got.unchanged);
    assert_eq!(got.validators.len(), 1);
}

#[tokio::test]
async fn list_without_selectors_discovers_article_links() {
    let server = Server::start(harbour).await;
    let src = source(&format!("list = \"{}\"", server.url("/news/")), "");
    let got = collect_web(&src, &fetcher(), &Memory::default())
        .await
        .unwrap();
    let keys: Vec<String> = got.articles.iter().map(|a| a.key.clone()).collect();
    assert_eq!(
        keys,
        [
            server
                .url("/news/2024/05/12/harbour-floods-after-storm")
                .to_string(),
            server
                .url("/news/bridge-reopens-to-traffic-after-repairs")
                .to_string(),
            server
                .url("/news/world/fishing-quota-talks-stall")
                .to_string(),
        ]
    );
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    let floods = &got.articles[0];
    assert!(html_of(&floods.body).contains("2.4 metres"));
    assert_eq!(
        floods.file_time.map(|t| t.to_rfc3339()),
        Some("2024-05-12T07:00:00+00:00".into())
    );
    // Nav, sidebar, footer, tag, author and paging links were never requested.
    for path in server.paths() {
        assert!(
            ["/robots.txt", "/news/"].contains(&path.as_str())
                || path.starts_with("/news/20")
                || path.starts_with("/news/bridge")
                || path.starts_with("/news/world/"),
            "unexpected request {path}"
        );
    }
}

#[tokio::test]
async fn list_max_items_takes_the_first_in_document_order() {
    let server = Server::start(harbour).await;
    let src = source(
        &format!("list = \"{}\"", server.url("/news/")),
        "max_items = 1",
    );
    let got = collect_web(&src, &fetcher(), &Memory::default())
        .await
        .unwrap();
    assert_eq!(got.articles.len(), 1);
    assert!(got.articles[0].key.ends_with("/harbour-floods-after-storm"));
    assert!(server
        .requests("/news/bridge-reopens-to-traffic-after-repairs")
        .is_empty());
}

// ---------------------------------------------------------------- feed sources

#[tokio::test]
async fn teaser_feed_with_full_text() {
    let server = Server::start(harbour).await;
    let src = source(
        &format!("feed = \"{}\"", server.url("/feed.xml")),
        "full_text = true\nexclude = [\"(?i)^sponsored\"]",
    );
    let memory = Memory {
        known_keys: HashSet::from([server
            .url("/news/bridge-reopens-to-traffic-after-repairs")
            .to_string()]),
        ..Memory::default()
    };
    let got = collect_web(&src, &fetcher(), &memory).await.unwrap();
    let by_title = |t: &str| {
        got.articles
            .iter()
            .find(|a| a.hints.title.as_deref() == Some(t))
            .unwrap_or_else(|| panic!("no article {t:?}"))
    };
    // Fetched in full, with the feed's hints.
    let floods = by_title("Harbour floods after record storm");
    assert!(matches!(&floods.body, RawBody::Html(h) if h.contains("Emergency shelters")));
    assert_eq!(
        floods.key,
        server
            .url("/news/2024/05/12/harbour-floods-after-storm")
            .to_string()
    );
    assert_eq!(floods.hints.authors, ["Ana Lima"]);
    assert_eq!(floods.hints.categories, ["Weather"]);
    assert_eq!(
        floods.hints.published.map(|d| d.to_rfc3339()),
        Some("2024-05-12T06:30:00+00:00".into())
    );
    // A 404 and a private link fall back to the teaser and are reported.
    let keeper = by_title("Lighthouse keeper retires");
    assert!(matches!(&keeper.body, RawBody::HtmlFragment(h) if h.contains("<b>keys</b>")));
    let memo = by_title("Internal memo");
    assert!(matches!(&memo.body, RawBody::HtmlFragment(_)));
    assert_eq!(
        got.articles.len(),
        3,
        "filtered and known items are left out"
    );
    let problems: Vec<String> = got.problems.iter().map(|e| e.to_string()).collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems
        .iter()
        .any(|p| p.contains("HTTP 404") && p.contains("lighthouse-keeper")));
    assert!(problems
        .iter()
        .any(|p| p.contains("private address") && p.contains("10.0.0.5")));
    // Neither the excluded nor the stored item was fetched.
    assert!(server.requests("/news/sponsored-win-a-cruise").is_empty());
    assert!(server
        .requests("/news/bridge-reopens-to-traffic-after-repairs")
        .is_empty());
}

#[tokio::test]
async fn teaser_feed_without_full_text_fetches_only_the_feed() {
    let server = Server::start(harbour).await;
    let src = source(
        &format!("feed = \"{}\"", server.url("/feed.xml")),
        "include = [\"(?i)harbour|bridge\"]",
    );
    let got = collect_web(&src, &fetcher(), &Memory::default())
        .await
        .unwrap();
    let titles: Vec<&str> = got
        .articles
        .iter()
        .filter_map(|a| a.hints.title.as_deref())
        .collect();
    assert_eq!(
        titles,
        [
            "Harbour floods after record storm",
            "Sponsored: win a harbour cruise",
            "Bridge reopens to traffic after repairs"
        ]
    );
    assert!(got
        .articles
        .iter()
        .all(|a| matches!(a.body, RawBody::HtmlFragment(_))));
    assert_eq!(server.paths(), ["/robots.txt", "/feed.xml"]);
}

// ---------------------------------------------------------------- page sources and fetching

#[tokio::test]
async fn latin1_pages_decode_from_header_or_meta() {
    let server = Server::start(harbour).await;
    for (path, expect) in [
        ("/latin1", "un expresso coûte désormais 2 EUR"),
        ("/cp1252", "après l’été ; un expresso coûte désormais 2 €"),
    ] {
        let src = source(&format!("page = \"{}\"", server.url(path)), "");
        let got = collect_web(&src, &fetcher(), &Memory::default())
            .await
            .unwrap();
        let html = html_of(&got.articles[0].body);
        assert!(
            html.contains("Café du port : la crème des crèmes"),
            "{path}: {html}"
        );
        assert!(html.contains(expect), "{path}: {html}");
    }
}

#[tokio::test]
async fn latin1_feed_declared_only_in_the_xml_prolog() {
    let rss = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss version=\"2.0\"><channel><title>Caf\u{e9}</title>\
        <link>https://example.org/</link><description>d</description><item><title>Cr\u{e8}me br\u{fb}l\u{e9}e</title>\
        <link>https://example.org/creme-brulee-recipe</link><description>Sucr\u{e9}</description></item></channel></rss>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(rss);
    let bytes = bytes.into_owned();
    let server = Server::start(move |_, _| Reply::ok(bytes.clone(), "application/rss+xml")).await;
    let src = source(&format!("feed = \"{}\"", server.url("/feed")), "");
    let got = collect_web(&src, &fetcher(), &Memory::default())
        .await
        .unwrap();
    assert_eq!(got.articles[0].hints.title.as_deref(), Some("Crème brûlée"));
    assert_eq!(html_of(&got.articles[0].body), "Sucré");
}

#[tokio::test]
async fn conditional_get_answers_304_the_second_time() {
    let server = Server::start(|req, _| {
        if req.header("if-none-match") == Some("\"v1\"") {
            Reply::status(304)
        } else {
            Reply::html(fixture("news/bridge-reopens.html"))
                .header("etag", "\"v1\"")
                .header("last-modified", "Sat, 11 May 2024 09:00:00 GMT")
        }
    })
    .await;
    let src = source(&format!("page = \"{}\"", server.url("/news/bridge")), "");
    let first = collect_web(&src, &fetcher(), &Memory::default())
        .await
        .unwrap();
    assert_eq!(first.articles.len(), 1);
    let (url, validators) = first.validators[0].clone();
    assert_eq!(url, server.url("/news/bridge").to_string());
    assert_eq!(
        validators,
        Validators {
            etag: Some("\"v1\"".into()),
            last_modified: Some("Sat, 11 May 2024 09:00:00 GMT".into()),
        }
    );
    let memory = Memory {
        validators: [(url, validators)].into_iter().collect(),
        ..Memory::default()
    };
    let second = collect_web(&src, &fetcher(), &memory).await.unwrap();
    assert!(second.unchanged);
    assert!(second.articles.is_empty());
    let asked = server.requests("/news/bridge");
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[0].header("if-none-match"), None);
    assert_eq!(asked[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        asked[1].header("if-modified-since"),
        Some("Sat, 11 May 2024 09:00:00 GMT")
    );
    let sent = server.sent.lock().unwrap().clone();
    assert_eq!(sent.last().unwrap(), &("/news/bridge".to_string(), 304, 0));
}

#[tokio::test]
async fn server_error_and_timeout_fail_the_source_with_the_url() {
    let server = Server::start(|req, _| match req.path.as_str() {
        "/broken" => Reply::status(500),
        "/slow" => Reply::html("<p>late</p>").delay(Duration::from_millis(1500)),
        _ => Reply::status(404),
    })
    .await;
    let src = source(&format!("page = \"{}\"", server.url("/broken")), "");
    let e = collect_web(&src, &fetcher(), &Memory::default())
        .await
        .unwrap_err();
    assert_eq!(e.fetch_kind(), Some(&FetchError::Status { status: 500 }));
    assert!(
        e.to_string().contains(server.url("/broken").as_str()),
        "{e}"
    );

    let src = source(
        &format!("page = \"{}\"", server.url("/slow")),
        "timeout_ms = 150",
    );
    let e = collect_web(&src, &fetcher(), &Memory::default())
        .await
        .unwrap_err();
    // The answer comes after 1.5 s: only the 150 ms budget can have ended the wait.
    assert_eq!(
        e.fetch_kind(),
        Some(&FetchError::Timeout {
            after: Duration::from_millis(150)
        })
    );
    assert!(e.to_string().contains("/slow"), "{e}");

    // Nothing listening: refused at once, and said so.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let src = source(&format!("page = \"http://{closed}/news\""), "");
    let e = collect_web(&src, &fetcher(), &Memory::default())
        .await
        .unwrap_err();
    assert!(
        matches!(e.fetch_kind(), Some(FetchError::Connect { .. })),
        "{e}"
    );
    // robots.txt is asked first, but the failure is the connection's, said of the page.
    let said = e.to_string();
    assert!(
        said.contains(&format!("http://{closed}/news")) && !said.contains("robots"),
        "{said}"
    );
}

#[tokio::test]
async fn body_cap_counts_decompressed_bytes() {
    // 2 MB of text that gzips to a few KB.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![b'a'; 2 * 1024 * 1024]).unwrap();
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 16 * 1024);
    let server = Server::start(move |req, _| match req.path.as_str() {
        "/big" => Reply::html(vec![b'x'; 20_000]),
        "/bomb" => Reply::html(bomb.clone()).header("content-encoding", "gzip"),
        _ => Reply::status(404),
    })
    .await;
    let capped = FetchSettings {
        max_body_bytes: 16 * 1024,
        ..settings()
    };
    for path in ["/big", "/bomb"] {
        let e = get_err(&server, path, &capped).await;
        assert_eq!(e, FetchError::BodyTooLarge { limit: 16 * 1024 });
    }
    // Under the cap, the same kind of body is fine.
    let roomy = FetchSettings {
        max_body_bytes: 30_000,
        ..settings()
    };
    assert!(fetcher()
        .get(&server.url("/big"), &roomy, None)
        .await
        .is_ok());
}

#[tokio::test]
async fn gzip_and_brotli_responses_are_decoded() {
    let encodings = Arc::new(Mutex::new(Vec::new()));
    let log = encodings.clone();
    let page = String::from_utf8(fixture("news/world/fishing-quota.html")).unwrap();
    for (gzip, br) in [(true, false), (false, true)] {
        let log = log.clone();
        let body = page.clone();
        let server = Server::start_with(
            move |_, _| Reply::html(body.clone()),
            move |router| {
                // Layers added later wrap the earlier ones: the logger sees the compressed reply.
                router
                    .layer(
                        tower_http::compression::CompressionLayer::new()
                            .gzip(gzip)
                            .br(br),
                    )
                    .layer(axum::middleware::map_response(
                        move |res: Response<Body>| {
                            let log = log.clone();
                            async move {
                                let enc = res
                                    .headers()
                                    .get("content-encoding")
                                    .map(|v| v.to_str().unwrap().to_string());
                                log.lock().unwrap().push(enc);
                                res
                            }
                        },
                    ))
            },
        )
        .await;
        let s = FetchSettings {
            robots: false,
            ..settings()
        };
        let Fetched::Ok(got) = fetcher().get(&server.url("/a"), &s, None).await.unwrap() else {
            panic!("expected a page");
        };
        assert_eq!(got.text, page);
        let accept = server.requests("/a")[0]
            .header("accept-encoding")
            .unwrap()
            .to_string();
        assert!(accept.contains("gzip") && accept.contains("br"), "{accept}");
    }
    assert_eq!(
        *encodings.lock().unwrap(),
        [Some("gzip".to_string()), Some("br".to_string())]
    );
}

#[tokio::test]
async fn redirects_are_followed_and_loops_named() {
    let server = Server::start(|req, _| match req.path.as_str() {
        "/old" => Reply::status(301).header("location", "/new"),
        "/new" => Reply::html("<p>moved here</p>"),
        "/a" => Reply::status(302).header("location", "/b"),
        "/b" => Reply::status(302).header("location", "/a"),
        "/r1" => Reply::status(302).header("location", "/r2"),
        "/r2" => Reply::status(302).header("location", "/r3"),
        "/r3" => Reply::status(302).header("location", "/new"),
        "/to-metadata" => Reply::status(302).header("location", "http://169.254.169.254/x"),
        _ => Reply::status(404),
    })
    .await;
    let Fetched::Ok(page) = fetcher()
        .get(&server.url("/old"), &settings(), None)
        .await
        .unwrap()
    else {
        panic!("expected a page")
    };
    assert_eq!(page.url, server.url("/new"));
    assert!(page.text.contains("moved here"));

    let e = get_err(&server, "/a", &settings()).await;
    let looped = ["/a", "/b", "/a"].map(|p| server.url(p));
    assert_eq!(
        e,
        FetchError::RedirectLoop {
            chain: looped.to_vec()
        }
    );
    let two = FetchSettings {
        max_redirects: 2,
        ..settings()
    };
    let e = get_err(&server, "/r1", &two).await;
    assert!(
        matches!(e, FetchError::TooManyRedirects { limit: 2, .. }),
        "{e}"
    );
    assert!(fetcher()
        .get(&server.url("/r1"), &settings(), None)
        .await
        .is_ok());
    // Even from a private host, a redirect to another private host is refused.
    let e = get_err(&server, "/to-metadata", &settings()).await;
    assert!(matches!(e, FetchError::RedirectToPrivate { .. }), "{e}");
}

#[tokio::test]
async fn robots_txt_is_honoured_and_fetched_once() {
    let server = Server::start(|req, _| match req.path.as_str() {
        "/robots.txt" => Reply::ok(fixture("robots.txt"), "text/plain"),
        _ => Reply::html("<p>hello</p>"),
    })
    .await;
    let f = fetcher();
    let e = f
        .get(&server.url("/private/report"), &settings(), None)
        .await
        .unwrap_err();
    assert_eq!(e.fetch_kind(), Some(&FetchError::RobotsDisallowed));
    assert!(e.to_string().contains("robots = false"), "{e}");
    // Our group allows what the `*` group forbids, and its own Allow carves out a path.
    assert!(f
        .get(&server.url("/drafts/x"), &settings(), None)
        .await
        .is_ok());
    assert!(f
        .get(&server.url("/private/press-releases/q2"), &settings(), None)
        .await
        .is_ok());
    assert_eq!(server.requests("/robots.txt").len(), 1);
    assert!(server.requests("/private/report").is_empty());
    // Opting out for one's own site.
    let mine = FetchSettings {
        robots: false,
        ..settings()
    };
    assert!(f
        .get(&server.url("/private/report"), &mine, None)
        .await
        .is_ok());
    assert_eq!(server.requests("/robots.txt").len(), 1);
}

#[tokio::test]
async fn robots_txt_server_error_means_no_fetching_this_run() {
    let server = Server::start(|req, _| match req.path.as_str() {
        "/robots.txt" => Reply::status(500),
        _ => Reply::html("<p>hello</p>"),
    })
    .await;
    let f = fetcher();
    for path in ["/page", "/other"] {
        let e = f
            .get(&server.url(path), &settings(), None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.fetch_kind(),
                Some(FetchError::RobotsUnknown { status: 500, .. })
            ),
            "{e}"
        );
        assert!(server.requests(path).is_empty());
    }
    // Asked once per run, not once per link.
    assert_eq!(server.requests("/robots.txt").len(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let hits = Arc::new(Mutex::new(0));
    let counter = hits.clone();
    let server = Server::start(move |req, _| match req.path.as_str() {
        "/busy" => {
            let mut n = counter.lock().unwrap();
            *n += 1;
            if *n == 1 {
                Reply::status(503).header("retry-after", "0.2")
            } else {
                Reply::html("<p>ready</p>")
            }
        }
        "/later" => Reply::status(429).header("retry-after", "3600"),
        _ => Reply::status(404),
    })
    .await;
    let once = FetchSettings {
        retries: 1,
        robots: false,
        ..settings()
    };
    assert!(fetcher()
        .get(&server.url("/busy"), &once, None)
        .await
        .is_ok());
    let asked = server.requests("/busy");
    assert_eq!(asked.len(), 2);
    let gap = asked[1].at - asked[0].at;
    assert!(gap >= Duration::from_millis(150), "retried after {gap:?}");

    // Asked to come back in an hour: no waiting, no second request, a clear message.
    let e = match fetcher()
        .with_max_retry_wait(Duration::from_millis(500))
        .get(&server.url("/later"), &once, None)
        .await
    {
        Err(e) => e.fetch_kind().cloned().unwrap(),
        Ok(r) => panic!("expected an error, got {r:?}"),
    };
    assert_eq!(
        e,
        FetchError::RetryTooLong {
            status: 429,
            wait: Duration::from_secs(3600),
            max: Duration::from_millis(500)
        }
    );
    assert_eq!(server.requests("/later").len(), 1);
    // Out of retries: the status is the error.
    let none = FetchSettings {
        retries: 0,
        robots: false,
        ..settings()
    };
    *hits.lock().unwrap() = 0;
    let e = get_err(&server, "/busy", &none).await;
    assert_eq!(e, FetchError::Status { status: 503 });
}

#[tokio::test]
async fn requests_identify_feedsmith_and_space_out_per_host() {
    let server = Server::start(|_, _| Reply::html("<p>x</p>")).await;
    let spaced = FetchSettings {
        host_delay: Duration::from_millis(200),
        robots: false,
        headers: reqwest::header::HeaderMap::from_iter([(
            reqwest::header::HeaderName::from_static("x-test"),
            reqwest::header::HeaderValue::from_static("yes"),
        )]),
        ..settings()
    };
    let f = fetcher();
    let urls: Vec<Url> = (0..3).map(|i| server.url(&format!("/p{i}"))).collect();
    let results =
        futures_util::future::join_all(urls.iter().map(|u| f.get(u, &spaced, None))).await;
    assert!(results.iter().all(Result::is_ok));
    let mut seen = server.seen.lock().unwrap().clone();
    seen.sort_by_key(|s| s.at);
    for pair in seen.windows(2) {
        let gap = pair[1].at - pair[0].at;
        // The delay is kept when sending; arrival may jitter by a few milliseconds on a busy
        // machine, so the margin is generous.
        assert!(gap >= Duration::from_millis(150), "requests {gap:?} apart");
    }
    let agent = seen[0].header("user-agent").unwrap();
    assert!(
        agent.starts_with("feedsmith/") && agent.contains("https://"),
        "{agent}"
    );
    assert_eq!(seen[0].header("x-test"), Some("yes"));
}

// ---------------------------------------------------------------- the binary, end to end

/// Runs `feedsmith -v run` on `config`; returns (exit code, stderr).
async fn run_binary(config: &Path) -> (i32, String) {
    let ran = crate::util::feedsmith_async(
        config.parent().unwrap(),
        &["--config", config.to_str().unwrap(), "-v", "run"],
    )
    .await;
    (ran.code, ran.stderr)
}

fn write_config(dir: &Path, base: &Url) -> std::path::PathBuf {
    let text = format!(
        r#"[site]
title = "Harbour feeds"
base_url = "https://feeds.example.org/"
output_dir = "out"
state = "state/feedsmith.db"
host_delay_ms = 0
timeout_ms = 600
retries = 0

[[feed]]
name = "world"
title = "World"
link = "https://example.org/world"

[[feed.source]]
name = "bridge-page"
page = "{base}news/bridge-reopens-to-traffic-after-repairs"

[[feed.source]]
name = "wire"
feed = "{base}feed.xml"

[[feed.source]]
name = "world-list"
list = "{base}news/"
max_items = 1

[[feed]]
name = "blog"
title = "Field notes"
link = "https://example.org/blog/"

[[feed.source]]
name = "notes"
list = "{base}blog/"
item = "li.post"
title = "a.title"
date = ".when"
max_items = 2
"#
    );
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_keeps_publishing_when_sources_fail_and_skips_unchanged_pages() {
    const BRIDGE: &str = "/news/bridge-reopens-to-traffic-after-repairs";
    use std::sync::atomic::{AtomicBool, Ordering};
    let failing = Arc::new(AtomicBool::new(false));
    let fail = failing.clone();
    let server = Server::start(move |req, base| {
        let broken = fail.load(Ordering::SeqCst);
        match req.path.as_str() {
            BRIDGE if req.header("if-none-match") == Some("\"b1\"") => Reply::status(304),
            BRIDGE => Reply::html(fixture("news/bridge-reopens.html")).header("etag", "\"b1\""),
            "/feed.xml" if broken => Reply::status(500),
            "/blog/" if broken => Reply::html("<p>late</p>").delay(Duration::from_millis(1500)),
            _ => harbour(req, base),
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &server.base);

    let (code, stderr) = run_binary(&config).await;
    assert_eq!(code, 0, "{stderr}");
    let world = std::fs::read_to_string(dir.path().join("out/world.rss")).unwrap();
    let blog = std::fs::read_to_string(dir.path().join("out/blog.json")).unwrap();
    assert!(
        world.contains("Harbour floods after record storm"),
        "{world}"
    );
    assert!(world.contains("Lighthouse keeper retires"));
    assert!(blog.contains("Reading tide tables"), "{blog}");
    // The bridge story came from the page, the feed and the list: published once.
    assert_eq!(
        world
            .matches("<title>Bridge reopens to traffic after repairs</title>")
            .count(),
        1,
        "{world}"
    );

    failing.store(true, Ordering::SeqCst);
    let (code, stderr) = run_binary(&config).await;
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("source wire failed") && stderr.contains("HTTP 500"),
        "{stderr}"
    );
    assert!(
        stderr.contains("source notes failed") && stderr.contains("within 600 ms"),
        "{stderr}"
    );
    assert!(!stderr.contains("bridge-page"), "{stderr}");
    // Earlier items stay published in both feeds.
    let world2 = std::fs::read_to_string(dir.path().join("out/world.rss")).unwrap();
    assert!(world2.contains("Lighthouse keeper retires"));
    let blog2 = std::fs::read_to_string(dir.path().join("out/blog.json")).unwrap();
    assert!(blog2.contains("Reading tide tables"));
    // The page answered 304: asked conditionally, nothing new or changed.
    let asked = server.requests(BRIDGE);
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[1].header("if-none-match"), Some("\"b1\""));
    assert!(stderr.contains("world: 0 new, 0 changed"), "{stderr}");
}

#[tokio::test]
async fn a_page_that_is_not_html_is_refused() {
    let server =
        Server::start(|_, _| Reply::ok(b"%PDF-1.7 binary".to_vec(), "application/pdf")).await;
    let src = source(&format!("page = \"{}\"", server.url("/report")), "");
    let e = collect_web(&src, &fetcher(), &Memory::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("application/pdf, not an HTML page") && e.contains("/report"),
        "{e}"
    );
}

#[tokio::test]
async fn per_host_concurrency_limits_requests_in_flight() {
    let server =
        Server::start(|_, _| Reply::html("<p>x</p>").delay(Duration::from_millis(200))).await;
    let s = FetchSettings {
        robots: false,
        ..settings()
    };
    let arrivals = |limit: usize| {
        let server = &server;
        let s = &s;
        async move {
            server.seen.lock().unwrap().clear();
            let f = Fetcher::with_limits(8, limit);
            let urls: Vec<Url> = (0..3).map(|i| server.url(&format!("/c{i}"))).collect();
            let done = futures_util::future::join_all(urls.iter().map(|u| f.get(u, s, None))).await;
            assert!(done.iter().all(Result::is_ok));
            let mut at: Vec<Instant> = server.seen.lock().unwrap().iter().map(|x| x.at).collect();
            at.sort();
            at.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>()
        }
    };
    // One at a time: each request starts after the previous answer (200 ms).
    for gap in arrivals(1).await {
        assert!(gap >= Duration::from_millis(195), "{gap:?}");
    }
    // Three at once: no waiting on each other.
    for gap in arrivals(3).await {
        assert!(gap < Duration::from_millis(150), "{gap:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preview_takes_a_url_through_the_run_path() {
    let server = Server::start(|req, base| match req.path.as_str() {
        "/robots.txt" => Reply::status(404),
        _ => Reply::html(fixture_at("news/bridge-reopens.html", base)),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/world/bridge-reopens");
    let out = crate::util::feedsmith_async(dir.path(), &["preview", "--json", url.as_str()]).await;
    crate::util::assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["title"], "Bridge reopens to traffic after repairs");
    assert!(!v["content_text"].as_str().unwrap().is_empty());
    assert_eq!(server.requests("/world/bridge-reopens").len(), 1);
}

/// Writes a config with one feed `f` (output in `out/`) whose tables after the feed are `rest`
/// (its sources, site rules); returns the config's path.
fn one_feed_config(dir: &Path, rest: &str) -> std::path::PathBuf {
    let text = format!(
        "[site]\ntitle = \"T\"\nbase_url = \"https://feeds.example.org/\"\noutput_dir = \"out\"\nhost_delay_ms = 0\nretries = 0\n\
         [[feed]]\nname = \"f\"\ntitle = \"F\"\nlink = \"https://example.org/\"\n{rest}"
    );
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The items of feed `f` as published in JSON Feed.
fn published_items(dir: &Path) -> Vec<serde_json::Value> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/f.json")).unwrap()).unwrap();
    json["items"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_rule_wins_and_a_rule_that_misses_is_one_problem() {
    let page = r#"<html><head><title>Ferry timetable changes | Harbour</title></head><body>
        <nav><a href="/">Home</a></nav>
        <div class="story-text"><p>Only this paragraph is the story according to the site rule, and it says the ferry will run every hour.</p></div>
        <article><p>The automatic extractor would prefer this longer article element, which talks at length about timetables, fares, crews and the winter schedule that starts next week for every island route.</p>
        <p>It goes on with a second paragraph so that it clearly outweighs the short rule-selected block on any density measure.</p></article>
        </body></html>"#;
    let server = Server::start(move |req, _| match req.path.as_str() {
        "/robots.txt" => Reply::status(404),
        _ => Reply::html(page),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let write = |body: &str| {
        one_feed_config(
            dir.path(),
            &format!(
                "[[feed.source]]\nname = \"ferry\"\npage = \"{}\"\n\
                 [[site_rule]]\nhost = \"127.0.0.1\"\nbody = \"{body}\"\nstrip = [\"nav\"]\n",
                server.url("/ferry")
            ),
        )
    };
    write(".story-text");
    let (code, stderr) = run_binary(&dir.path().join("config.toml")).await;
    assert_eq!(code, 0, "{stderr}");
    let items = published_items(dir.path());
    let text = items[0]["content_text"].as_str().unwrap();
    assert!(
        text.starts_with("Only this paragraph") && !text.contains("winter schedule"),
        "{text}"
    );

    // The site changed: the selector matches nothing, extraction falls back and the run says
    // so once, as a problem of the source (exit 1); the next run stays quiet.
    std::fs::remove_dir_all(dir.path().join("out")).unwrap();
    std::fs::remove_dir_all(dir.path().join(".feedsmith")).unwrap();
    write(".story-body");
    let (code, stderr) = run_binary(&dir.path().join("config.toml")).await;
    assert_eq!(code, 1, "{stderr}");
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("site_rule for 127.0.0.1"))
        .collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(
        said[0].contains("source ferry") && said[0].contains(".story-body"),
        "{stderr}"
    );
    assert!(published_items(dir.path())[0]["content_text"]
        .as_str()
        .unwrap()
        .contains("winter schedule"));
    // The next run (verbose) mentions it only as known.
    let (code, stderr) = run_binary(&dir.path().join("config.toml")).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr
            .lines()
            .filter(|l| l.contains("site_rule"))
            .all(|l| l.contains("(known, 2 runs in a row)")),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teaser_kept_for_a_failed_page_is_fetched_again_next_run() {
    use std::sync::atomic::{AtomicBool, Ordering};
    const STORY: &str = "/news/bridge-reopens-to-traffic-after-repairs";
    let down = Arc::new(AtomicBool::new(true));
    let is_down = down.clone();
    let server = Server::start(move |req, base| match req.path.as_str() {
        "/robots.txt" => Reply::status(404),
        "/feed.xml" => Reply::ok(
            format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><link>{base}</link><description>d</description>\
                 <item><title>Bridge reopens to traffic after repairs</title><link>{base}news/bridge-reopens-to-traffic-after-repairs</link>\
                 <description>The crossing was closed for eight months.</description><pubDate>Sat, 11 May 2024 09:00:00 GMT</pubDate></item>\
                 </channel></rss>"
            ),
            "application/rss+xml",
        ),
        STORY if is_down.load(Ordering::SeqCst) => Reply::status(500),
        STORY => Reply::html(fixture("news/bridge-reopens.html")),
        _ => Reply::status(404),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = one_feed_config(
        dir.path(),
        &format!(
            "[[feed.source]]\nname = \"wire\"\nfeed = \"{}\"\nfull_text = true\n",
            server.url("/feed.xml")
        ),
    );
    let content = || {
        let items = published_items(dir.path());
        assert_eq!(items.len(), 1);
        items[0]["content_text"].as_str().unwrap().to_string()
    };

    // The page fails: the teaser is published and the failure reported.
    let (code, stderr) = run_binary(&config).await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("HTTP 500"), "{stderr}");
    assert_eq!(content(), "The crossing was closed for eight months.");

    // The page works again: the stored teaser does not count as known, so the full text comes.
    down.store(false, Ordering::SeqCst);
    let (code, stderr) = run_binary(&config).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        content().contains("Engineers replaced the corroded cables"),
        "{}",
        content()
    );
    assert_eq!(server.requests(STORY).len(), 2);

    // Now it is stored in full: not fetched again.
    let (code, stderr) = run_binary(&config).await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(server.requests(STORY).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_article_link_is_reported_once() {
    let server = Server::start(|req, base| match req.path.as_str() {
        "/robots.txt" => Reply::status(404),
        "/news/" => Reply::html(format!(
            "<html><body><main><ul>\
             <li><a href=\"{base}news/2024/05/12/harbour-floods-after-storm\">Harbour floods after record storm</a></li>\
             <li><a href=\"{base}news/2024/05/11/bridge-reopens-to-traffic-after-repairs\">Bridge reopens to traffic after repairs</a></li>\
             </ul></main></body></html>"
        )),
        "/news/2024/05/12/harbour-floods-after-storm" => Reply::html(fixture("news/2024-05-12-harbour-floods.html")),
        _ => Reply::status(404),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = one_feed_config(
        dir.path(),
        &format!(
            "[[feed.source]]\nname = \"harbour-list\"\nlist = \"{}\"\n",
            server.url("/news/")
        ),
    );
    let (code, stderr) = run_binary(&config).await;
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("bridge-reopens-to-traffic-after-repairs") && stderr.contains("404"),
        "{stderr}"
    );
    // Still gone on the next run: retried, but not reported again (-v only mentions it).
    let (code, stderr) = run_binary(&config).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    assert!(stderr.contains("known, 2 runs in a row"), "{stderr}");
    assert_eq!(
        server
            .requests("/news/2024/05/11/bridge-reopens-to-traffic-after-repairs")
            .len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sites_template_inside_its_articles_is_learned() {
    const TOPICS: [&str; 6] = [
        "harbour wall",
        "ferry pier",
        "fish market",
        "lighthouse",
        "boat yard",
        "sea baths",
    ];
    let page = |i: usize| {
        let shared_by_two = if i == 1 || i == 4 {
            "<p>The harbour board did not answer our questions about the timetable before publication.</p>"
        } else {
            ""
        };
        format!(
            "<html><head><title>Repairs begin on the {t} | Harbour Herald</title></head><body><main><article>\
             <h1>Repairs begin on the {t}</h1>\
             <p>Contractors started work on the {t} on Monday, after a winter of storms left the structure cracked and closed to the public for {n} weeks.</p>\
             <p>Engineers expect the {t} to reopen in the spring, once the new concrete has cured and inspectors have signed off the work.</p>{shared_by_two}\
             <p>The Harbour Herald has been owned by the Coastal Trust and edited in Port Ellen since 1902.</p>\
             </article></main></body></html>",
            t = TOPICS[i],
            n = i + 3
        )
    };
    let server = Server::start(move |req, base| {
        let path = req.path.as_str();
        if path == "/robots.txt" {
            return Reply::status(404);
        }
        if path == "/news/" {
            let links: String = (0..TOPICS.len())
                .map(|i| format!("<li><a href=\"{base}news/2024/05/{:02}/repairs-begin-on-the-{}\">Repairs begin on the {}</a></li>", i + 1, TOPICS[i].replace(' ', "-"), TOPICS[i]))
                .collect();
            return Reply::html(format!("<html><body><main><ul>{links}</ul></main></body></html>"));
        }
        match (0..TOPICS.len()).find(|i| path.ends_with(&TOPICS[*i].replace(' ', "-"))) {
            Some(i) => Reply::html(page(i)),
            None => Reply::status(404),
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = one_feed_config(
        dir.path(),
        &format!(
            "[[feed.source]]\nname = \"herald\"\nlist = \"{}\"\n",
            server.url("/news/")
        ),
    );
    let (code, stderr) = run_binary(&config).await;
    assert_eq!(code, 0, "{stderr}");
    let items = published_items(dir.path());
    assert_eq!(items.len(), TOPICS.len());
    for item in items {
        let text = item["content_text"].as_str().unwrap();
        assert!(
            text.contains("Contractors started work"),
            "body lost: {text}"
        );
        assert!(
            !text.contains("owned by the Coastal Trust"),
            "template kept: {text}"
        );
        let title = item["title"].as_str().unwrap();
        let shared = title.contains("ferry pier") || title.contains("boat yard");
        assert_eq!(
            text.contains("did not answer our questions"),
            shared,
            "{title}: {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_is_offline_unless_asked_to_fetch() {
    let server = Server::start(|req, _| match req.path.as_str() {
        "/robots.txt" => Reply::status(404),
        _ => Reply::html(fixture("news/bridge-reopens.html")),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = one_feed_config(
        dir.path(),
        &format!(
            "[[feed.source]]\nname = \"bridge\"\npage = \"{}\"\n",
            server.url("/world/bridge")
        ),
    );
    let config = config.to_str().unwrap();
    let check = crate::util::feedsmith_async(dir.path(), &["--config", config, "check"]).await;
    crate::util::assert_exit(&check, 0);
    assert!(check.stdout.contains("f: 0 items"), "{}", check.stdout);
    assert!(server.requests("/world/bridge").is_empty());

    let (code, stderr) = run_binary(Path::new(config)).await;
    assert_eq!(code, 0, "{stderr}");
    let fetched = server.requests("/world/bridge").len();
    // What was published is rendered and checked again, still without a request.
    let check = crate::util::feedsmith_async(dir.path(), &["--config", config, "check"]).await;
    crate::util::assert_exit(&check, 0);
    assert!(check.stdout.contains("f: 1 items"), "{}", check.stdout);
    assert_eq!(server.requests("/world/bridge").len(), fetched);

    let probe =
        crate::util::feedsmith_async(dir.path(), &["--config", config, "check", "--fetch"]).await;
    crate::util::assert_exit(&probe, 0);
    assert!(server.requests("/world/bridge").len() > fetched);
}

/// Feeds on different hosts are refreshed together: the second feed's page is asked for while
/// the first feed's page is still being answered. Run one feed after another, that cannot
/// happen, since a feed's page is asked for only when the feed before it is published.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_on_different_hosts_are_collected_concurrently() {
    let slow = |req: &Seen, _: &Url| match req.path.as_str() {
        "/robots.txt" => Reply::status(404),
        _ => Reply::html(fixture("news/bridge-reopens.html")).delay(Duration::from_millis(1500)),
    };
    let (a, b) = (Server::start(slow).await, Server::start(slow).await);
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[site]\ntitle = \"T\"\nbase_url = \"https://feeds.example.org/\"\noutput_dir = \"out\"\nretries = 0\n\
         [[feed]]\nname = \"a\"\ntitle = \"A\"\nlink = \"https://example.org/a\"\n[[feed.source]]\npage = \"{}\"\n\
         [[feed]]\nname = \"b\"\ntitle = \"B\"\nlink = \"https://example.org/b\"\n[[feed.source]]\npage = \"{}\"\n",
        a.url("/story"),
        b.url("/story")
    );
    let config = dir.path().join("config.toml");
    std::fs::write(&config, text).unwrap();
    let (code, stderr) = run_binary(&config).await;
    assert_eq!(code, 0, "{stderr}");
    let arrived = |s: &Server| s.requests("/story")[0].at;
    let answered = |s: &Server| {
        s.answered
            .lock()
            .unwrap()
            .iter()
            .find(|(p, _)| p == "/story")
            .map(|(_, at)| *at)
            .unwrap()
    };
    let (first, second) = if arrived(&a) <= arrived(&b) {
        (&a, &b)
    } else {
        (&b, &a)
    };
    assert!(
        arrived(second) < answered(first),
        "the second feed waited for the first"
    );
    for f in ["out/a.atom", "out/b.atom"] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
}

/// A copy left out as the same story as another source's is remembered: the next run does not
/// fetch it again while its twin stands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_copy_is_not_fetched_again() {
    let server = Server::start(|req, _| match req.path.as_str() {
        "/robots.txt" => Reply::status(404),
        "/mirror/" => Reply::html(
            r#"<html><body><ul><li><a class="story" href="/mirror/bridge">Bridge reopens to traffic after repairs</a></li></ul></body></html>"#,
        ),
        _ => Reply::html(fixture("news/bridge-reopens.html")),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = one_feed_config(
        dir.path(),
        &format!(
            "[[feed.source]]\nname = \"site\"\npage = \"{}\"\n\
             [[feed.source]]\nname = \"mirror\"\nlist = \"{}\"\nitem = \"a.story\"\n",
            server.url("/world/bridge"),
            server.url("/mirror/")
        ),
    );
    for _ in 0..2 {
        let (code, stderr) = run_binary(&config).await;
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(published_items(dir.path()).len(), 1, "one story, one item");
    assert_eq!(
        server.requests("/mirror/").len(),
        2,
        "the list is read each run"
    );
    assert_eq!(
        server.requests("/mirror/bridge").len(),
        1,
        "the copy was fetched again"
    );
}

/// robots.txt is kept between runs: not asked again within a day, then asked conditionally.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_is_remembered_for_a_day_then_revalidated() {
    let server = Server::start(|req, _| match req.path.as_str() {
        "/robots.txt" if req.header("if-none-match") == Some("\"r1\"") => Reply::status(304),
        "/robots.txt" => {
            Reply::ok("User-agent: *\nDisallow: /private/\n", "text/plain").header("etag", "\"r1\"")
        }
        _ => Reply::html(fixture("news/bridge-reopens.html")),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = one_feed_config(
        dir.path(),
        &format!(
            "[[feed.source]]\nname = \"site\"\npage = \"{}\"\n",
            server.url("/world/bridge")
        ),
    );
    let run = |now: &'static str| {
        let (dir, config) = (dir.path().to_path_buf(), config.clone());
        tokio::task::spawn_blocking(move || {
            let config = config.to_str().unwrap().to_string();
            crate::util::feedsmith_at(&dir, Some(now), &["--config", &config, "run"])
        })
    };
    for now in [
        "2024-06-20T10:00:00Z",
        "2024-06-20T11:00:00Z",
        "2024-06-21T11:00:00Z",
    ] {
        let ran = run(now).await.unwrap();
        crate::util::assert_exit(&ran, 0);
    }
    let asked = server.requests("/robots.txt");
    assert_eq!(
        asked.len(),
        2,
        "asked on the first run and after a day only"
    );
    assert_eq!(asked[0].header("if-none-match"), None);
    assert_eq!(asked[1].header("if-none-match"), Some("\"r1\""));
    assert_eq!(server.requests("/world/bridge").len(), 3);
}

/// A source feed's `<category>` and `<dc:creator>` holding markup (escaped, as feeds send it)
/// reach no output as live markup: they are read as HTML and kept as their text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_a_source_feeds_category_and_creator_is_not_live_anywhere() {
    let server = Server::start(|req: &Seen, base: &Url| match req.path.as_str() {
        "/robots.txt" => Reply::status(404),
        _ => Reply::ok(
            format!(
                r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Wire</title><link>{base}</link><description>d</description>
<item><title>Quay reopens</title><link>{base}quay</link><guid>{base}quay</guid>
<description>The quay reopened on Monday after a month of repairs to its stones.</description>
<category>&lt;b&gt;bold&lt;/b&gt;</category><dc:creator>&lt;b&gt;Ana&lt;/b&gt; Lima</dc:creator>
<pubDate>Sun, 12 May 2024 06:30:00 GMT</pubDate></item>
</channel></rss>"#
            ),
            "application/rss+xml",
        ),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = one_feed_config(
        dir.path(),
        &format!("[[feed.source]]\nfeed = \"{}\"\n", server.url("/feed.xml")),
    );
    let (code, stderr) = run_binary(&config).await;
    assert_eq!(code, 0, "{stderr}");
    for name in ["f.rss", "f.atom", "f.json", "f.html", "index.html"] {
        let text = std::fs::read_to_string(dir.path().join("out").join(name)).unwrap();
        for live in ["<b>", "&lt;b&gt;", "\\u003cb", "&amp;lt;"] {
            assert!(!text.contains(live), "{live} in {name}:\n{text}");
        }
    }
    for name in ["f.rss", "f.atom", "f.json"] {
        let feed =
            crate::util::parse_feed(&std::fs::read(dir.path().join("out").join(name)).unwrap());
        let entry = &feed.entries[0];
        assert_eq!(entry.categories[0].term, "bold", "{name}");
        assert_eq!(entry.authors[0].name.as_deref(), Some("Ana Lima"), "{name}");
    }
}
