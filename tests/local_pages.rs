//! Local articles get a home: every item from an article folder links somewhere a reader can
//! open, either the page feedsmith writes for it under the output folder or, with
//! `articles_url`, the file's public copy.

use crate::util::{assert_exit, parse_feed, Project};

const BASE: &str = "https://news.example.org/feeds/";
const T1: &str = "2024-06-01T12:00:00Z";

fn story(i: usize, day: &str) -> String {
    format!(
        "---\ntitle: Story {i}\ndate: 2024-05-{day} 12:00\nauthor: Ana Lima\n---\n\
         The council met on the {day}th and agreed paragraph {i} of the plan, which the \
         harbour board had asked for since the winter storms.\n"
    )
}

/// Every item's link in `world.rss`, with its title.
fn links(p: &Project) -> Vec<(String, String)> {
    let feed = parse_feed(p.read("feeds/world.rss").as_bytes());
    feed.entries
        .iter()
        .map(|e| {
            let title = e.title.as_ref().map(|t| t.content.clone()).unwrap();
            let link = e.links.first().map(|l| l.href.clone()).unwrap_or_default();
            (title, link)
        })
        .collect()
}

/// The output file a URL under `base_url` names, read.
fn open(p: &Project, link: &str) -> Option<String> {
    let rel = link.strip_prefix(BASE)?;
    std::fs::read_to_string(p.path("feeds").join(rel)).ok()
}

#[test]
fn every_local_item_links_to_a_page_that_exists_and_goes_with_the_item() {
    let p = Project::new("[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/\"\nlimit = 2\n[[feed.source]]\ndir = \"articles\"\n");
    p.write("articles/0.md", &story(0, "01"));
    p.write("articles/2024/Harbour plan.md", &story(1, "02"));
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let first = links(&p);
    assert_eq!(first.len(), 2, "{first:?}");
    for (title, link) in &first {
        assert!(link.starts_with(&format!("{BASE}world/")), "{link}");
        let page = open(&p, link).unwrap_or_else(|| panic!("no page for {link}"));
        assert!(page.contains(&format!("<h1>{title}</h1>")), "{page}");
        assert!(
            page.contains("which the harbour board had asked for"),
            "{page}"
        );
        assert!(page.contains("By Ana Lima"), "{page}");
        assert!(page.contains("href=\"../world.html\""), "{page}");
    }
    let old = first
        .iter()
        .find(|(t, _)| t == "Story 0")
        .unwrap()
        .1
        .clone();
    assert_eq!(old, format!("{BASE}world/0.html"));
    // The feed's own page links the headline to the article's page.
    assert!(p
        .read("feeds/world.html")
        .contains(&format!("href=\"{old}\"")));

    // A run with nothing new writes nothing.
    let page_path = p.path("feeds/world/0.html");
    let mtime = std::fs::metadata(&page_path).unwrap().modified().unwrap();
    assert_exit(&p.run_at(T1, &["run"]), 0);
    assert_eq!(
        std::fs::metadata(&page_path).unwrap().modified().unwrap(),
        mtime
    );

    // A newer story pushes Story 0 out of the feed (limit 2): its page goes with it.
    p.write("articles/new.md", &story(2, "03"));
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let now: Vec<String> = links(&p).into_iter().map(|(t, _)| t).collect();
    assert_eq!(now, ["Story 2", "Story 1"]);
    assert!(open(&p, &old).is_none(), "{old} should be gone");
    for (_, link) in links(&p) {
        assert!(open(&p, &link).is_some(), "no page for {link}");
    }
}

#[test]
fn an_archived_local_item_keeps_its_page_for_the_archive_that_links_it() {
    let p = Project::new("[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/\"\nlimit = 1\narchive = true\n[[feed.source]]\ndir = \"articles\"\n");
    p.write("articles/0.md", &story(0, "01"));
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let old = format!("{BASE}world/0.html");
    assert!(open(&p, &old).is_some(), "no page for {old}");
    // Story 1 pushes Story 0 past `limit` into the archive, which still links its page.
    p.write("articles/1.md", &story(1, "02"));
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let now: Vec<String> = links(&p).into_iter().map(|(t, _)| t).collect();
    assert_eq!(now, ["Story 1"]);
    let archive = p.read("feeds/world-archive-1.rss");
    assert!(
        archive.contains(&format!("<link>{old}</link>")),
        "{archive}"
    );
    assert!(
        open(&p, &old).is_some(),
        "{old} is linked by the archive and must stay"
    );
}

#[test]
fn articles_url_links_to_the_published_file_and_writes_no_page() {
    let p = Project::new("[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/\"\n[[feed.source]]\ndir = \"articles\"\narticles_url = \"https://blog.example.org/posts\"\n");
    p.write("articles/2024/Harbour plan.md", &story(1, "02"));
    p.write("articles/note.html", "<html><head><title>Note</title></head><body><article><h1>Note</h1><p>The council met and agreed the plan, which the harbour board had asked for since the winter storms began last year.</p></article></body></html>");
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let mut got: Vec<String> = links(&p).into_iter().map(|(_, l)| l).collect();
    got.sort();
    assert_eq!(
        got,
        [
            "https://blog.example.org/posts/2024/Harbour%20plan.html",
            "https://blog.example.org/posts/note.html"
        ]
    );
    assert!(!p.path("feeds/world").exists());
}

#[test]
fn articles_url_on_a_web_source_is_a_config_error() {
    let p = Project::new("[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/\"\n[[feed.source]]\npage = \"https://news.example.org/a\"\narticles_url = \"https://blog.example.org/posts\"\n");
    let out = p.run(&["run"]);
    assert_exit(&out, 2);
    assert!(
        out.stderr
            .contains("`articles_url` only applies to a `dir` source"),
        "{}",
        out.stderr
    );
}

#[test]
fn base_url_resolves_a_saved_pages_links_unless_it_declares_its_own_address() {
    let p = Project::new("[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/\"\n[[feed.source]]\ndir = \"articles\"\narticles_url = \"https://blog.example.org/posts\"\nbase_url = \"https://origin.example.com/saved\"\n");
    let page = |head: &str, title: &str| {
        format!("<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1><p>The council met and agreed the plan, which the harbour board had asked for since the winter storms began last year.</p><p>The <a href=\"../maps/plan.pdf\">plan</a> and <a href=\"/about\">who we are</a>.</p><img src=\"img/bus.jpg\" alt=\"Bus\"></article></body></html>")
    };
    p.write("articles/2024/plan.html", &page("", "Plan"));
    p.write(
        "articles/note.md",
        "---\ntitle: Note\n---\nThe harbour board met and agreed the plan, which the council had asked for since the winter storms began last year.\n",
    );
    p.write(
        "articles/own.html",
        &page(
            "<link rel=\"canonical\" href=\"https://own.example.net/news/own\">",
            "Own",
        ),
    );
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let rss = p.read("feeds/world.rss");
    // Below the folder's origin, by the file's path.
    for want in [
        "https://origin.example.com/saved/maps/plan.pdf",
        "https://origin.example.com/about",
        "https://origin.example.com/saved/2024/img/bus.jpg",
        // A page naming its own address resolves against that.
        "https://own.example.net/maps/plan.pdf",
        "https://own.example.net/news/img/bus.jpg",
    ] {
        assert!(rss.contains(want), "{want} not in {rss}");
    }
    // The origin is the saved page's address, as a declared one is: the item links there, not
    // to a public copy under `articles_url`; a Markdown file still links to its public copy.
    let mut got: Vec<String> = links(&p).into_iter().map(|(_, l)| l).collect();
    got.sort();
    assert_eq!(
        got,
        [
            "https://blog.example.org/posts/note.html",
            "https://origin.example.com/saved/2024/plan.html",
            "https://own.example.net/news/own"
        ]
    );
}

#[test]
fn base_url_on_a_web_source_is_a_config_error() {
    let p = Project::new("[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/\"\n[[feed.source]]\npage = \"https://news.example.org/a\"\nbase_url = \"https://origin.example.com/\"\n");
    let out = p.run(&["run"]);
    assert_exit(&out, 2);
    assert!(
        out.stderr
            .contains("`base_url` only applies to a `dir` source"),
        "{}",
        out.stderr
    );
}
