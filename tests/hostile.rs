//! Hostile input, generated: many random mixes of the fragments that break feeds (control
//! characters, `]]>`, scripts, stray entities, unbalanced tags, non-characters) go through every
//! normalisation path and every format. Whatever comes out must parse strictly and carry none of
//! them. A fixed seed keeps failures reproducible.

use std::path::Path;

use chrono::{TimeZone, Utc};
use feedsmith::config::Config;
use feedsmith::model::{Item, Metadata, RawArticle, RawBody};
use feedsmith::normalize::{chrome::Rules, learn::Learned, normalize, Context};
use feedsmith::publish::{verify, Format, ValidFeed};

const FRAGMENTS: &[&str] = &[
    "Harbour council approves the budget after a long debate.",
    "\u{0}",
    "\u{1}",
    "\u{8}",
    "\u{b}",
    "\u{1f}",
    "\u{7f}",
    "\u{85}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{feff}",
    "\u{200b}",
    "\u{202e}",
    "\u{ad}",
    "\u{a0}",
    "e\u{301}",
    "\r\n",
    "\n\n",
    "\t",
    "]]>",
    "<![CDATA[x]]>",
    "<!-- c -->",
    "<script>alert(1)</script>",
    "<style>p{}</style>",
    "<p onclick=\"x()\">",
    "</p>",
    "<div>",
    "</div>",
    "<a href=\"javascript:alert(1)\">j</a>",
    "<a href=\"/rel\">rel</a>",
    "<img src=x onerror=y>",
    "<iframe src=\"//e\"></iframe>",
    "&amp;",
    "&amp;amp;",
    "&#0;",
    "&#x1;",
    "&#xFFFE;",
    "&bogus;",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "AT&T",
    "Published: Updated:",
    "Enable Read mode",
    "100% Font Size",
    "Top Content Trending",
    "[With AFP and Reuters]",
    "By Jane Doe",
    "Published: 16 June 2014 15:20 GMT",
    "Updated: 31 February 2014",
    "9999-99-99",
    "# Heading",
    "* list item",
    "---",
    "+++",
    "日本語の文章です。",
    "Привет, мир.",
    "🙂",
    "<title>T</title>",
    "<h1>Big news</h1>",
];

/// A small deterministic generator (xorshift), so the test needs no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn text(&mut self) -> String {
        let n = 1 + (self.next() % 40) as usize;
        (0..n)
            .map(|_| FRAGMENTS[(self.next() % FRAGMENTS.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join(if self.next().is_multiple_of(3) {
                "\n"
            } else {
                " "
            })
    }
}

/// Markup a sanitiser must have removed: script and frame elements, event handlers and
/// `javascript:` or relative URLs in attributes (escaped text such as `&lt;script` is harmless).
static DANGER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?i)<(script|iframe|style)\b|<[^>]*\son[a-z]+\s*=|<[^>]*(href|src)\s*=\s*"(javascript:|/)"#).unwrap()
});

fn forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

#[test]
fn random_hostile_articles_still_give_valid_feeds() {
    let config = Config::parse(
        "[site]\ntitle = \"T\"\nbase_url = \"https://feeds.example.org/\"\n[[feed]]\nname = \"f\"\ntitle = \"F\"\nlink = \"https://example.org/\"\n",
        Path::new("/tmp/config.toml"),
    )
    .unwrap();
    let (rules, learned) = (Rules::default(), Learned::default());
    let now = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
    let ctx = Context::new(now, &rules, &learned);
    let mut rng = Rng(0x5eed_f00d_cafe_1234);
    let mut items = Vec::new();
    for i in 0..300 {
        let text = rng.text();
        let body = match i % 4 {
            0 => RawBody::Text(text),
            1 => RawBody::Html(format!(
                "<html><body><article>{text}</article></body></html>"
            )),
            2 => RawBody::Markdown(text),
            _ => RawBody::HtmlFragment(text),
        };
        let raw = RawArticle {
            source: "fuzz".into(),
            key: format!("{i}.txt"),
            body,
            base_url: url::Url::parse("https://example.org/a/")
                .ok()
                .filter(|_| i % 2 == 0),
            file_time: None,
            hints: Metadata {
                title: (i % 5 == 0).then(|| rng.text()),
                ..Metadata::default()
            },
        };
        // An input with nothing usable may be refused, never published broken.
        let Ok(article) = normalize(&raw, &ctx) else {
            continue;
        };
        items.push(Item {
            id: format!("tag:example.org,2024:f/{i}"),
            key: format!("fuzz:{i}"),
            source: "fuzz".into(),
            article,
            published: now,
            updated: now,
        });
    }
    assert!(
        items.len() > 200,
        "most inputs still make an article: {}",
        items.len()
    );
    let feed = ValidFeed::new(&config.feeds[0], &config.site, &items, now, None).unwrap();
    for format in Format::ALL {
        let bytes = feed.render(format);
        verify(format, &bytes).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.chars().any(forbidden),
            "{format:?} carries a forbidden character"
        );
        let parsed = feed_rs::parser::parse(text.as_bytes()).unwrap();
        assert_eq!(parsed.entries.len(), items.len(), "{format:?}");
        for e in &parsed.entries {
            assert!(e
                .title
                .as_ref()
                .is_some_and(|t| !t.content.trim().is_empty()));
            // Wherever a reader gets HTML, it is sanitised; plain-text fields may say anything.
            let html = e.content.iter().filter_map(|c| c.body.clone()).chain(
                e.summary
                    .iter()
                    .filter(|s| s.content_type.essence().to_string() == "text/html")
                    .map(|s| s.content.clone()),
            );
            for h in html {
                assert!(
                    !DANGER.is_match(&h),
                    "{format:?} HTML carries {:?}: {h}",
                    DANGER.find(&h).unwrap().as_str()
                );
            }
        }
    }
}

/// Control characters written into the config (titles, description, author) reach no output
/// file: the OPML still parses as XML, and every file is free of them.
#[test]
fn control_characters_in_config_strings_reach_no_output() {
    let p = crate::util::Project::world();
    p.write(
        "config.toml",
        "[site]\ntitle = \"Test\\u0001 News\\u001b[31m\"\nbase_url = \"https://news.example.org/feeds/\"\nauthor = \"Desk\\u0001\"\n\n\
         [[feed]]\nname = \"world\"\ntitle = \"World\\u001b\"\ndescription = \"World\\u0001 news\"\nlink = \"https://news.example.org/world\"\n\
         [[feed.source]]\ndir = \"articles\"\n",
    );
    crate::util::assert_exit(&p.run(&["run"]), 0);
    let opml = p.read("feeds/feeds.opml");
    let mut reader = quick_xml::Reader::from_str(&opml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("feeds.opml is not XML: {e}\n{opml}"),
        }
    }
    assert!(opml.contains("<title>Test News[31m</title>"), "{opml}");
    let mut files = 0;
    let mut paths: Vec<_> = std::fs::read_dir(p.path("feeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // The article pages, in a folder of their own.
    if let Ok(pages) = std::fs::read_dir(p.path("feeds/world")) {
        paths.extend(pages.map(|e| e.unwrap().path()));
    }
    for path in paths.into_iter().filter(|p| p.is_file()) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(['\u{1}', '\u{1b}']),
            "{} holds a control character",
            path.display()
        );
        files += 1;
    }
    assert!(files >= 6, "only {files} files written");
}
