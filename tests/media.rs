//! Rich items end to end: a podcast feed and an article page served on 127.0.0.1, published,
//! and every output read back by the parsers readers use (feed-rs, the `rss` crate,
//! serde_json), checking what the W3C validator requires of the new elements: an enclosure's
//! `url` absolute, `length` a non-negative integer, `type` a MIME type; the iTunes namespace
//! and the channel fields it brings only in the podcast's feed; the lead image in every format.

use crate::util::{assert_exit, feedsmith_async, parse_feed, serve_static_on};

const PODCAST: &str = include_str!("fixtures/media/podcast.xml");
const STORY: &str = include_str!("fixtures/media/story.html");

async fn server() -> url::Url {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/");
    serve_static_on(
        port,
        vec![
            (
                "/podcast.xml",
                "application/rss+xml",
                PODCAST.replace("{base}", &base),
            ),
            (
                "/news/lighthouse-lamp",
                "text/html; charset=utf-8",
                STORY.into(),
            ),
        ],
    )
    .await
}

fn config(base: &url::Url) -> String {
    format!(
        r#"[site]
title = "Harbour"
base_url = "https://feeds.example.org/"
host_delay_ms = 0
retries = 0

[[feed]]
name = "pod"
title = "Harbour Hour"
link = "{base}"

[[feed.source]]
feed = "{base}podcast.xml"

[[feed]]
name = "news"
title = "Harbour news"
link = "{base}news/"
language = "en-GB"

[[feed.source]]
page = "{base}news/lighthouse-lamp"
"#
    )
}

/// `actual`, with the test server's address written `{base}`, is the expected output kept
/// beside the fixtures (`tests/fixtures/media/expected/NAME`). A missing one fails the test,
/// and the output is left in the temp folder to review and copy there.
fn golden(name: &str, actual: &[u8], base: &url::Url) {
    let actual = String::from_utf8(actual.to_vec())
        .unwrap()
        .replace(base.as_str(), "{base}");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/media/expected")
        .join(name);
    let Ok(want) = std::fs::read_to_string(&path) else {
        let left = std::env::temp_dir().join(format!("feedsmith-golden-{name}"));
        std::fs::write(&left, &actual).unwrap();
        panic!(
            "no expected output {}; this run's is in {}",
            path.display(),
            left.display()
        );
    };
    assert_eq!(actual, want, "{name} differs from {}", path.display());
}

/// `s` is a non-negative integer, as RSS `length` must be.
fn byte_count(s: &str) -> u64 {
    s.parse()
        .unwrap_or_else(|_| panic!("length {s:?} is not a byte count"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn podcast_enclosures_and_lead_images_reach_every_format() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), config(&base)).unwrap();
    let ran = feedsmith_async(dir.path(), &["run"]).await;
    assert_exit(&ran, 0);
    let read = |f: &str| std::fs::read(dir.path().join("feeds").join(f)).unwrap();
    let mp3 = format!("{base}media/harbour-hour-2.mp3");
    for f in [
        "pod.rss",
        "pod.atom",
        "pod.json",
        "news.rss",
        "news.atom",
        "news.json",
    ] {
        golden(f, &read(f), &base);
    }

    // RSS, through the rss crate and its iTunes extension.
    let rss_bytes = read("pod.rss");
    let text = String::from_utf8(rss_bytes.clone()).unwrap();
    assert!(text.contains("xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\""));
    assert!(
        !text.contains("xmlns:media"),
        "no item has an image: {text}"
    );
    let channel = rss::Channel::read_from(rss_bytes.as_slice()).unwrap();
    assert_eq!(channel.language(), Some("en"), "from the source's channel");
    let show = channel.itunes_ext().expect("the show's iTunes fields");
    assert_eq!(show.categories()[0].text(), "News");
    assert_eq!(show.explicit(), Some("no"));
    assert_eq!(show.image(), Some(format!("{base}art/show.jpg").as_str()));
    let owner = show.owner().unwrap();
    assert_eq!(owner.email(), Some("radio@harbour.example.org"));
    let items = channel.items();
    assert_eq!(items.len(), 2);
    for item in items {
        let e = item.enclosure().expect("every episode keeps its enclosure");
        let url = url::Url::parse(e.url()).unwrap();
        assert!(matches!(url.scheme(), "http" | "https"), "{url}");
        byte_count(e.length());
        assert!(feedsmith::publish::is_mime_type(e.mime_type()), "{e:?}");
    }
    let e = items[0].enclosure().unwrap();
    assert_eq!(
        (e.url(), e.length(), e.mime_type()),
        (mp3.as_str(), "48213504", "audio/mpeg")
    );
    // A length the source did not give (or gave as words) is 0, which the validator accepts.
    assert_eq!(items[1].enclosure().unwrap().length(), "0");
    assert_eq!(items[1].enclosure().unwrap().mime_type(), "audio/x-m4a");
    let ep = items[0].itunes_ext().unwrap();
    assert_eq!(ep.duration(), Some("1:02:03"));
    assert_eq!(ep.episode(), Some("2"));
    assert_eq!(ep.explicit(), Some("no"));
    assert_eq!(
        ep.image(),
        Some(format!("{base}art/episode-2.jpg").as_str())
    );
    assert_eq!(items[1].itunes_ext().unwrap().duration(), Some("0:45:10"));
    // feed-rs reads the same enclosure as a media object.
    let parsed = parse_feed(&rss_bytes);
    let content = &parsed.entries[0].media[0].content[0];
    assert_eq!(
        content.url.as_ref().map(url::Url::as_str),
        Some(mp3.as_str())
    );
    assert_eq!(content.size, Some(48213504));

    // Atom: a rel="enclosure" link with its type and length.
    let atom_bytes = read("pod.atom");
    let atom = parse_feed(&atom_bytes);
    let link = atom.entries[0]
        .links
        .iter()
        .find(|l| l.rel.as_deref() == Some("enclosure"))
        .expect("an enclosure link");
    assert_eq!(link.href, mp3);
    assert_eq!(link.media_type.as_deref(), Some("audio/mpeg"));
    assert_eq!(link.length, Some(48213504));
    let atom_text = String::from_utf8(atom_bytes).unwrap();
    assert!(atom_text.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">"));

    // JSON Feed: attachments with mime_type, size_in_bytes and the running time.
    let json: serde_json::Value = serde_json::from_slice(&read("pod.json")).unwrap();
    assert_eq!(json["language"], "en");
    let a = &json["items"][0]["attachments"][0];
    assert_eq!(a["url"], mp3.as_str());
    assert_eq!(a["mime_type"], "audio/mpeg");
    assert_eq!(a["size_in_bytes"], 48213504);
    assert_eq!(a["duration_in_seconds"], 3723);
    assert!(json["items"][1]["attachments"][0]
        .get("size_in_bytes")
        .is_none());

    // The article's lead image, in every format, and no iTunes namespace where nobody uses it.
    let lead = format!("{base}img/lighthouse-lamp.jpg");
    let news_rss = read("news.rss");
    let news_text = String::from_utf8(news_rss.clone()).unwrap();
    assert!(news_text.contains("xmlns:media=\"http://search.yahoo.com/mrss/\""));
    assert!(!news_text.contains("itunes"), "{news_text}");
    assert!(
        news_text.contains("<language>en-GB</language>"),
        "the feed's own language"
    );
    let channel = rss::Channel::read_from(news_rss.as_slice()).unwrap();
    let media = &channel.items()[0].extensions()["media"];
    assert_eq!(media["content"][0].attrs()["url"], lead);
    assert_eq!(media["content"][0].attrs()["medium"], "image");
    assert_eq!(media["thumbnail"][0].attrs()["url"], lead);
    for f in ["news.rss", "news.atom"] {
        let feed = parse_feed(&read(f));
        let thumb = &feed.entries[0].media[0].thumbnails[0].image.uri;
        assert_eq!(thumb, &lead, "{f}");
    }
    let json: serde_json::Value = serde_json::from_slice(&read("news.json")).unwrap();
    assert_eq!(json["items"][0]["image"], lead.as_str());
    assert_eq!(json["language"], "en-GB");
    // The lazy image in the body resolved to its real, absolute source; its caption kept.
    let html = json["items"][0]["content_html"].as_str().unwrap();
    assert!(
        html.contains(&format!("src=\"{base}img/lamp-closeup.jpg\"")),
        "{html}"
    );
    assert!(
        html.contains("<figcaption>The new lamp, seen from the gallery.</figcaption>"),
        "{html}"
    );
}

const FEEDBURNER: &str = include_str!("fixtures/media/feedburner.xml");

/// The two versions of a feedburner feed: an older one whose first item had no `origLink`
/// (so an earlier build stored it under its tracking link), and the current one.
async fn feedburner_server() -> url::Url {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/");
    let version = |orig1: &str| {
        FEEDBURNER
            .replace("{orig1}", orig1)
            .replace("{base}", &base)
    };
    let orig1 = format!("<feedburner:origLink>{base}news/ferry-terminal</feedburner:origLink>");
    serve_static_on(
        port,
        vec![
            ("/old.xml", "application/rss+xml", version("")),
            ("/feed.xml", "application/rss+xml", version(&orig1)),
        ],
    )
    .await
}

fn feedburner_config(base: &url::Url, path: &str) -> String {
    format!(
        "[site]\ntitle = \"Harbour\"\nbase_url = \"https://feeds.example.org/\"\nhost_delay_ms = 0\n\n\
         [[feed]]\nname = \"gazette\"\ntitle = \"Gazette\"\nlink = \"{base}\"\n\n\
         [[feed.source]]\nname = \"gazette-feed\"\nfeed = \"{base}{path}\"\n"
    )
}

/// (id, link) of every item of the feed's JSON file, newest first.
fn ids_and_links(dir: &std::path::Path) -> Vec<(String, String)> {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("feeds/gazette.json")).unwrap()).unwrap();
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().into(),
                i["url"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedburner_items_are_identified_and_linked_by_their_original_link() {
    let base = feedburner_server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        feedburner_config(&base, "feed.xml"),
    )
    .unwrap();
    assert_exit(&feedsmith_async(dir.path(), &["run"]).await, 0);
    let id = |path: &str| format!("tag:feeds.example.org,2024:gazette/{base}{path}");
    assert_eq!(
        ids_and_links(dir.path()),
        [
            (
                id("news/lifeboat-crew-honoured?id=7"),
                format!("{base}news/lifeboat-crew-honoured?id=7")
            ),
            (
                id("news/ferry-terminal"),
                format!("{base}news/ferry-terminal")
            ),
        ]
    );
    for f in ["gazette.rss", "gazette.atom", "gazette.json"] {
        let text = std::fs::read_to_string(dir.path().join("feeds").join(f)).unwrap();
        assert!(!text.contains("feedproxy"), "{f}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_published_under_its_tracking_link_keeps_its_id() {
    let base = feedburner_server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    // The first item had no origLink yet: it is stored under the tracking link.
    std::fs::write(&config, feedburner_config(&base, "old.xml")).unwrap();
    assert_exit(&feedsmith_async(dir.path(), &["run"]).await, 0);
    let tracked = "tag:feeds.example.org,2024:gazette/https://feedproxy.google.com/~r/HarbourGazette/~3/Xk2v9/";
    let before = ids_and_links(dir.path());
    assert_eq!(before[1].0, tracked, "{before:?}");
    // Now the feed names the original: the stored item keeps its id, and links to the article.
    std::fs::write(&config, feedburner_config(&base, "feed.xml")).unwrap();
    assert_exit(&feedsmith_async(dir.path(), &["run"]).await, 0);
    let after = ids_and_links(dir.path());
    assert_eq!(after.len(), 2, "still two items, not three: {after:?}");
    assert_eq!(after[0], before[0], "the item that always had its origLink");
    assert_eq!(
        after[1],
        (tracked.to_string(), format!("{base}news/ferry-terminal"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_text_link_that_redirects_is_the_article_it_lands_on() {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let feed = format!(
        r#"<rss version="2.0"><channel><title>Links</title><link>{base}</link><description>d</description>
<item><title>Lighthouse gets a new lamp</title><link>{base}t/Ab3xY</link><description>Teaser.</description>
<pubDate>Fri, 10 May 2024 09:00:00 GMT</pubDate></item></channel></rss>"#
    );
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let feed = feed.clone();
        async move {
            match uri.path() {
                "/feed.xml" => {
                    ([(header::CONTENT_TYPE, "application/rss+xml")], feed).into_response()
                }
                // A link shortener: the article is where it redirects to.
                "/t/Ab3xY" => (
                    StatusCode::MOVED_PERMANENTLY,
                    [(header::LOCATION, "/news/lighthouse-lamp?utm_source=t")],
                )
                    .into_response(),
                "/news/lighthouse-lamp" => {
                    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], STORY).into_response()
                }
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[site]\ntitle = \"Harbour\"\nbase_url = \"https://feeds.example.org/\"\nhost_delay_ms = 0\n\n\
             [[feed]]\nname = \"gazette\"\ntitle = \"Gazette\"\nlink = \"{base}\"\n\n\
             [[feed.source]]\nfeed = \"{base}feed.xml\"\nfull_text = true\n"
        ),
    )
    .unwrap();
    let landed = format!("{base}news/lighthouse-lamp");
    let want = vec![(
        format!("tag:feeds.example.org,2024:gazette/{landed}"),
        landed.clone(),
    )];
    for _ in 0..2 {
        assert_exit(&feedsmith_async(dir.path(), &["run"]).await, 0);
        assert_eq!(
            ids_and_links(dir.path()),
            want,
            "the same one item on every run"
        );
    }
}

#[test]
fn a_feed_speaks_its_articles_language_unless_the_config_names_one() {
    let p = crate::util::Project::new(
        "[[feed]]\nname = \"pt\"\ntitle = \"Porto\"\nlink = \"https://news.example.org/pt\"\n\
         [[feed.source]]\ndir = \"pt\"\n\n\
         [[feed]]\nname = \"set\"\ntitle = \"Set\"\nlink = \"https://news.example.org/set\"\nlanguage = \"fr\"\n\
         [[feed.source]]\ndir = \"pt\"\n",
    );
    let page = |title: &str| {
        format!(
            "<!doctype html><html lang=\"pt_br\"><head><title>{title}</title></head><body><article>\
             <h1>{title}</h1><p>O novo terminal de ferry abre na primavera, dois anos depois do previsto, \
             depois de resolvida a disputa sobre o custo do quebra-mar.</p></article></body></html>"
        )
    };
    p.write("pt/um.html", &page("Terminal abre na primavera"));
    p.write("pt/dois.html", &page("Barco salva-vidas homenageado"));
    assert_exit(&p.run_at("2024-06-01T00:00:00Z", &["run"]), 0);
    assert!(p
        .read("feeds/pt.rss")
        .contains("<language>pt-BR</language>"));
    assert!(p.read("feeds/pt.atom").contains(" xml:lang=\"pt-BR\">"));
    let json: serde_json::Value = serde_json::from_str(&p.read("feeds/pt.json")).unwrap();
    assert_eq!(json["language"], "pt-BR");
    // The config's language wins over what the articles say.
    assert!(p.read("feeds/set.rss").contains("<language>fr</language>"));
    // A third article in another language: they no longer agree, so no language is claimed.
    p.write(
        "pt/three.html",
        &page("Lighthouse gets a new lamp").replace("lang=\"pt_br\"", "lang=\"en\""),
    );
    assert_exit(&p.run_at("2024-06-02T00:00:00Z", &["run"]), 0);
    assert!(
        !p.read("feeds/pt.rss").contains("<language>"),
        "{}",
        p.read("feeds/pt.rss")
    );
}
