//! `feedsmith add URL` against pages served on 127.0.0.1: each kind of URL (RSS, Atom and JSON
//! feeds, a list page, an article, a page advertising its feed) is recognised, previewed with
//! its first items, and `--write` adds it to a commented config that still passes `check`.

use crate::util::*;

const PROSE: &str = "The harbour board approved the new mooring fees on Tuesday, after a debate that ran late into the evening, with most members in favour of the plan. ";

fn article(title: &str, date: &str) -> String {
    format!(
        r#"<html><head><title>{title}</title><meta property="article:published_time" content="{date}"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1><p>{}</p><p>{}</p></article></body></html>"#,
        PROSE.repeat(3),
        PROSE.repeat(2)
    )
}

const STORIES: [(&str, &str, &str); 3] = [
    (
        "/news/2024/05/harbour-fees-approved",
        "Harbour fees approved",
        "2024-05-03T09:00:00Z",
    ),
    (
        "/news/2024/05/ferry-timetable-changes",
        "Ferry timetable changes",
        "2024-05-02T09:00:00Z",
    ),
    (
        "/news/2024/05/lighthouse-keeper-retires",
        "Lighthouse keeper retires",
        "2024-05-01T09:00:00Z",
    ),
];

fn rss(base: &url::Url) -> String {
    let items: String = STORIES
        .iter()
        .map(|(path, title, _)| format!("<item><title>{title}</title><link>{base}{}</link><description>Teaser of {title}.</description><pubDate>Fri, 03 May 2024 09:00:00 GMT</pubDate></item>", &path[1..]))
        .collect();
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title><link>{base}</link><description>News</description>{items}</channel></rss>"#
    )
}

fn atom(base: &url::Url) -> String {
    let entries: String = STORIES
        .iter()
        .map(|(path, title, date)| format!(r#"<entry><title>{title}</title><id>{base}{p}</id><link href="{base}{p}"/><updated>{date}</updated><summary>Teaser of {title}.</summary></entry>"#, p = &path[1..]))
        .collect();
    format!(
        r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour</title><id>{base}</id><updated>2024-05-03T09:00:00Z</updated>{entries}</feed>"#
    )
}

fn json_feed(base: &url::Url) -> String {
    let items: Vec<serde_json::Value> = STORIES
        .iter()
        .map(|(path, title, date)| serde_json::json!({"id": format!("{base}{}", &path[1..]), "url": format!("{base}{}", &path[1..]), "title": title, "date_published": date, "content_text": format!("Teaser of {title}.")}))
        .collect();
    serde_json::json!({"version": "https://jsonfeed.org/version/1.1", "title": "Harbour", "items": items}).to_string()
}

fn list_page() -> String {
    let items: String = STORIES
        .iter()
        .map(|(path, title, date)| format!(r#"<li class="post"><a href="{path}">{title}</a> <time datetime="{date}">May</time></li>"#))
        .collect();
    format!(
        r#"<html><head><title>News</title></head><body><nav><a href="/about">About</a></nav><main><h1>News</h1><ul class="posts">{items}</ul></main></body></html>"#
    )
}

/// A server for every kind of URL `add` meets, on 127.0.0.1.
async fn harbour() -> url::Url {
    // The feeds name their own absolute links, so the port is known first.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let base = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let mut routes: Vec<(&'static str, &'static str, String)> = vec![
        ("/feed.xml", "application/rss+xml", rss(&base)),
        ("/atom.xml", "application/atom+xml", atom(&base)),
        ("/feed.json", "application/feed+json", json_feed(&base)),
        ("/news/", "text/html; charset=utf-8", list_page()),
        (
            "/home",
            "text/html; charset=utf-8",
            r#"<html><head><title>Harbour</title><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body><p>Welcome.</p></body></html>"#.into(),
        ),
    ];
    for (path, title, date) in STORIES {
        routes.push((path, "text/html; charset=utf-8", article(title, date)));
    }
    serve_static_on(port, routes).await
}

fn assert_items(stdout: &str) {
    for (path, title, _) in STORIES {
        let line = stdout
            .lines()
            .find(|l| l.contains(title))
            .unwrap_or_else(|| panic!("{title} not previewed: {stdout}"));
        assert!(line.contains("2024-05-0") && line.contains(path), "{line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_recognises_each_feed_format_and_previews_its_items() {
    let base = harbour().await;
    let p = Project::world();
    for (path, format) in [
        ("feed.xml", "RSS"),
        ("atom.xml", "Atom"),
        ("feed.json", "JSON Feed"),
    ] {
        let url = format!("{base}{path}");
        let out = feedsmith_async(p.dir.path(), &["add", &url]).await;
        assert_exit(&out, 0);
        assert!(
            out.stdout
                .starts_with(&format!("{url}: a feed ({format})\n")),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains(&format!(
                "[[feed.source]]\nname = \"127.0.0.1:{}/{path}\"\nfeed = \"{url}\"\n",
                base.port().unwrap()
            )),
            "{}",
            out.stdout
        );
        assert!(out.stdout.contains("first 3 items:"), "{}", out.stdout);
        assert_items(&out.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_finds_a_list_page_with_its_item_selector_and_an_article_page() {
    let base = harbour().await;
    let p = Project::world();
    let list = format!("{base}news/");
    let out = feedsmith_async(p.dir.path(), &["add", &list]).await;
    assert_exit(&out, 0);
    assert!(
        out.stdout.starts_with(&format!(
            "{list}: a list page with 3 article links, in items matching \"li.post\""
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!(
            "list = \"{list}\"\nitem = \"li.post\"\ndate = \"time\"\n"
        )),
        "{}",
        out.stdout
    );
    assert_items(&out.stdout);

    let story = format!("{base}{}", &STORIES[0].0[1..]);
    let out = feedsmith_async(p.dir.path(), &["add", &story]).await;
    assert_exit(&out, 0);
    assert!(
        out.stdout
            .starts_with(&format!("{story}: an article page\n")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("page = \"{story}\"\n")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("first 1 items:\n  2024-05-03  Harbour fees approved"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_follows_the_feed_a_page_advertises() {
    let base = harbour().await;
    let p = Project::world();
    let out = feedsmith_async(p.dir.path(), &["add", &format!("{base}home")]).await;
    assert_exit(&out, 0);
    assert!(out.stdout.starts_with(&format!("{base}atom.xml: a feed (Atom)\n  found through <link rel=\"alternate\"> on {base}home\n")), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!("feed = \"{base}atom.xml\"")),
        "{}",
        out.stdout
    );
    assert_items(&out.stdout);
}

const COMMENTED: &str = r#"# Harbour feeds: edited by hand.
[site]
title = "Test News"   # shown in readers
base_url = "https://news.example.org/feeds/"

# The world desk.
[[feed]]
name = "world"
title = "World"
link = "https://news.example.org/world"

# Scraped files.
[[feed.source]]
dir = "articles"

# Local news, last.
[[feed]]
name = "local"
title = "Local"
link = "https://news.example.org/local"
[[feed.source]]
dir = "local"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_write_keeps_comments_and_the_config_passes_check() {
    let base = harbour().await;
    let p = Project::world();
    p.write("config.toml", COMMENTED);
    p.write("local/a.txt", SEED);
    let feed = format!("{base}feed.xml");
    let out = feedsmith_async(p.dir.path(), &["add", "--feed", "world", "--write", &feed]).await;
    assert_exit(&out, 0);
    assert!(out.stdout.contains("added source"), "{}", out.stdout);
    let written = p.read("config.toml");
    for line in COMMENTED.lines() {
        assert!(written.contains(line), "{line:?} lost:\n{written}");
    }
    let load = || feedsmith::config::Config::load(&p.path("config.toml")).unwrap();
    let config = load();
    let world = config.feed("world").unwrap();
    assert_eq!(world.sources.len(), 2, "{written}");
    assert_eq!(
        world.sources[1].kind.url().map(|u| u.as_str()),
        Some(feed.as_str())
    );
    assert_eq!(config.feed("local").unwrap().sources.len(), 1);
    assert_exit(&feedsmith_async(p.dir.path(), &["check"]).await, 0);

    // A feed not in the config yet is created, linking to the site.
    let list = format!("{base}news/");
    let out = feedsmith_async(
        p.dir.path(),
        &["add", "--feed", "harbour", "--write", &list],
    )
    .await;
    assert_exit(&out, 0);
    let config = load();
    let harbour = config.feed("harbour").unwrap();
    assert_eq!(harbour.link.as_str(), base.as_str());
    assert!(
        matches!(&harbour.sources[0].kind, feedsmith::config::SourceKind::List { selectors, .. } if selectors.item.as_ref().map(|s| s.as_str()) == Some("li.post"))
    );
    assert_exit(&feedsmith_async(p.dir.path(), &["check"]).await, 0);
    let run = feedsmith_async(p.dir.path(), &["run", "--feed", "harbour"]).await;
    assert_exit(&run, 0);
    let json: serde_json::Value = serde_json::from_str(&p.read("feeds/harbour.json")).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 3, "{json}");

    // The same URL again is refused, and the file is left alone.
    let before = p.read("config.toml");
    let again = feedsmith_async(p.dir.path(), &["add", "--feed", "world", "--write", &feed]).await;
    assert_exit(&again, 1);
    assert!(
        again.stderr.contains("already in") && again.stderr.contains("\"world\""),
        "{}",
        again.stderr
    );
    assert_eq!(p.read("config.toml"), before);
    // Two feeds and no --feed: --write cannot guess.
    let guess = feedsmith_async(
        p.dir.path(),
        &["add", "--write", &format!("{base}atom.xml")],
    )
    .await;
    assert_exit(&guess, 1);
    assert!(
        guess.stderr.contains("--write needs --feed NAME")
            && guess.stderr.contains("world, local, harbour"),
        "{}",
        guess.stderr
    );
}
