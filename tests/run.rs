//! The cron run end to end, through the real binary: valid feeds from a folder of articles,
//! idempotent re-runs, stable ids and dates, nothing lost, clear errors and exit codes.

use crate::util::*;
use quick_xml::events::Event;
use std::collections::BTreeSet;

const T1: &str = "2024-06-20T10:00:00Z";
const T2: &str = "2024-06-21T10:00:00Z";
const T3: &str = "2024-06-22T10:00:00Z";

/// Every element path in an XML document (`rss/channel/item/guid`, ...). Panics on malformed XML.
fn xml_paths(xml: &str) -> BTreeSet<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut out = BTreeSet::new();
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("malformed XML: {e}"))
        {
            Event::Start(e) => {
                stack.push(e.name().as_ref().to_string());
                out.insert(stack.join("/"));
            }
            Event::Empty(e) => {
                out.insert(format!("{}/{}", stack.join("/"), e.name().as_ref()));
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn run_publishes_three_valid_formats() {
    let p = Project::world();
    let out = p.run_at(T1, &["run"]);
    assert_exit(&out, 0);
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "cron mode must be quiet: {}",
        out.stderr
    );

    // RSS 2.0
    let rss = p.read("feeds/world.rss");
    let channel = rss::Channel::read_from(rss.as_bytes()).expect("strict rss parse");
    assert_eq!(channel.title(), "World");
    assert_eq!(channel.link(), "https://news.example.org/world");
    assert_eq!(channel.description(), "World news");
    let self_link = &channel.atom_ext().expect("atom:link").links()[0];
    assert_eq!(
        (self_link.rel(), self_link.href()),
        ("self", "https://news.example.org/feeds/world.rss")
    );
    assert_eq!(self_link.mime_type(), Some("application/rss+xml"));
    assert!(rss.contains("xmlns:atom=\"http://www.w3.org/2005/Atom\""));
    let item = &channel.items()[0];
    let guid = item.guid().expect("guid");
    assert!(!guid.is_permalink() && guid.value().starts_with("tag:news.example.org,2024:world/"));
    let date = item.pub_date().expect("pubDate");
    assert_eq!(
        chrono::DateTime::parse_from_rfc2822(date)
            .unwrap()
            .to_rfc3339(),
        "2024-06-20T10:00:00+00:00"
    );
    assert!(date.ends_with("+0000"), "{date}");
    assert!(item.content().is_some() && item.description().is_some());

    // Atom 1.0
    let atom_xml = p.read("feeds/world.atom");
    let atom = atom_syndication::Feed::read_from(atom_xml.as_bytes()).expect("strict atom parse");
    assert_eq!(atom.id(), "tag:news.example.org,2024:world");
    assert_eq!(atom.title().as_str(), "World");
    assert_eq!(atom.authors()[0].name(), "Test Desk");
    assert!(atom
        .links()
        .iter()
        .any(|l| l.rel() == "self" && l.href() == "https://news.example.org/feeds/world.atom"));
    let entry = &atom.entries()[0];
    assert_eq!(entry.id(), guid.value());
    assert_eq!(entry.updated().to_rfc3339(), "2024-06-20T10:00:00+00:00");
    // The seed has no date of its own: first seen at the run's "now".
    assert_eq!(
        entry.published().map(|d| d.to_rfc3339()),
        Some("2024-06-20T10:00:00+00:00".into())
    );
    assert_eq!(entry.content().unwrap().content_type(), Some("html"));

    // JSON Feed 1.1
    let json: serde_json::Value = serde_json::from_str(&p.read("feeds/world.json")).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(
        json["feed_url"],
        "https://news.example.org/feeds/world.json"
    );
    assert_eq!(json["home_page_url"], "https://news.example.org/world");
    assert_eq!(json["items"][0]["id"], guid.value());
    assert_eq!(json["items"][0]["date_published"], "2024-06-20T10:00:00Z");

    // And every one of them is readable by a general feed reader.
    for f in ["world.rss", "world.atom", "world.json"] {
        let parsed = parse_feed(p.read(&format!("feeds/{f}")).as_bytes());
        assert_eq!(parsed.entries.len(), 1, "{f}");
    }
    let paths = xml_paths(&rss);
    for required in [
        "rss/channel/title",
        "rss/channel/link",
        "rss/channel/description",
        "rss/channel/atom:link",
        "rss/channel/item/guid",
        "rss/channel/item/pubDate",
        "rss/channel/item/content:encoded",
    ] {
        assert!(paths.contains(required), "RSS lacks {required}");
    }
    let paths = xml_paths(&atom_xml);
    for required in [
        "feed/id",
        "feed/title",
        "feed/updated",
        "feed/author/name",
        "feed/link",
        "feed/entry/id",
        "feed/entry/title",
        "feed/entry/updated",
        "feed/entry/published",
        "feed/entry/content",
        "feed/entry/summary",
    ] {
        assert!(paths.contains(required), "Atom lacks {required}");
    }
}

#[test]
fn seed_article_matches_expected() {
    let p = Project::world();
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let expected: serde_json::Value = serde_json::from_str(include_str!(
        "fixtures/seed/000_05bbbe553725a38b.expected.json"
    ))
    .unwrap();
    for f in ["world.rss", "world.atom", "world.json"] {
        let text = p.read(&format!("feeds/{f}"));
        for chrome in expected["absent"].as_array().unwrap() {
            assert!(
                !text.contains(chrome.as_str().unwrap()),
                "{f} contains {chrome}"
            );
        }
    }
    let json: serde_json::Value = serde_json::from_str(&p.read("feeds/world.json")).unwrap();
    let item = &json["items"][0];
    assert_eq!(item["title"], expected["title"]);
    assert_eq!(item["summary"], expected["summary"]);
    let paragraphs: Vec<&str> = item["content_text"]
        .as_str()
        .unwrap()
        .split("\n\n")
        .collect();
    let want: Vec<&str> = expected["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(paragraphs, want);
    assert_eq!(item["_feedsmith"]["credits"], expected["credits"]);
    // The parsed Atom content carries the same paragraphs as HTML.
    let atom = parse_feed(p.read("feeds/world.atom").as_bytes());
    let html = atom.entries[0]
        .content
        .as_ref()
        .unwrap()
        .body
        .clone()
        .unwrap();
    assert_eq!(html.matches("<p>").count(), 18);
    assert_eq!(
        atom.entries[0]
            .contributors
            .iter()
            .map(|c| c.name.as_deref().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["AFP", "Reuters"]
    );
}

#[test]
fn rerun_is_byte_identical_and_keeps_mtime() {
    let p = Project::world();
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let before: Vec<(String, std::time::SystemTime)> = ["world.rss", "world.atom", "world.json"]
        .iter()
        .map(|f| {
            (
                p.read(&format!("feeds/{f}")),
                std::fs::metadata(p.path(&format!("feeds/{f}")))
                    .unwrap()
                    .modified()
                    .unwrap(),
            )
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_exit(&p.run_at(T2, &["run"]), 0);
    for (f, (text, mtime)) in ["world.rss", "world.atom", "world.json"].iter().zip(before) {
        assert_eq!(
            p.read(&format!("feeds/{f}")),
            text,
            "{f} changed on a re-run"
        );
        assert_eq!(
            std::fs::metadata(p.path(&format!("feeds/{f}")))
                .unwrap()
                .modified()
                .unwrap(),
            mtime,
            "{f} rewritten"
        );
    }
}

fn items(p: &Project) -> Vec<serde_json::Value> {
    let json: serde_json::Value = serde_json::from_str(&p.read("feeds/world.json")).unwrap();
    json["items"].as_array().unwrap().clone()
}

fn by_title<'a>(items: &'a [serde_json::Value], title: &str) -> &'a serde_json::Value {
    items
        .iter()
        .find(|i| i["title"] == title)
        .unwrap_or_else(|| panic!("no item {title:?}"))
}

#[test]
fn added_edited_and_deleted_articles() {
    let p = Project::world();
    p.write(
        "articles/council.md",
        "---\ntitle: Council approves budget\n---\nThe council approved the budget on Monday.\n",
    );
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let first = items(&p);
    assert_eq!(first.len(), 2);

    // Added: appears, newest first, the others untouched.
    p.write(
        "articles/bridge.md",
        "---\ntitle: Bridge reopens\n---\nThe bridge reopened to traffic.\n",
    );
    assert_exit(&p.run_at(T2, &["run"]), 0);
    let second = items(&p);
    assert_eq!(second.len(), 3);
    assert_eq!(second[0]["title"], "Bridge reopens");
    for old in &first {
        assert_eq!(by_title(&second, old["title"].as_str().unwrap()), old);
    }

    // Edited: same id and published date, a new updated date.
    p.write("articles/council.md", "---\ntitle: Council approves budget\n---\nThe council approved the budget on Monday, 7 votes to 2.\n");
    assert_exit(&p.run_at(T3, &["run"]), 0);
    let third = items(&p);
    let (old, new) = (
        by_title(&first, "Council approves budget"),
        by_title(&third, "Council approves budget"),
    );
    assert_eq!(new["id"], old["id"]);
    assert_eq!(new["date_published"], old["date_published"]);
    assert_eq!(new["date_modified"], "2024-06-22T10:00:00Z");
    assert!(new["content_text"]
        .as_str()
        .unwrap()
        .contains("7 votes to 2"));

    // Deleted: the item stays.
    std::fs::remove_file(p.path("articles/bridge.md")).unwrap();
    assert_exit(&p.run_at("2024-06-23T10:00:00Z", &["run"]), 0);
    let fourth = items(&p);
    assert_eq!(
        by_title(&fourth, "Bridge reopens"),
        by_title(&third, "Bridge reopens")
    );
    assert_eq!(fourth.len(), 3);
}

#[test]
fn limit_pushes_old_items_out_newest_first() {
    let p = Project::new("[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/\"\nlimit = 2\n[[feed.source]]\ndir = \"articles\"\n");
    for (i, day) in ["01", "02", "03"].iter().enumerate() {
        p.write(
            &format!("articles/{i}.md"),
            &format!("---\ntitle: Story {i}\ndate: 2024-05-{day} 12:00\n---\nBody {i}.\n"),
        );
    }
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let titles: Vec<String> = items(&p)
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["Story 2", "Story 1"]);
}

#[test]
fn bad_config_exits_2_naming_the_key() {
    let p = Project::world();
    let cfg = p
        .read("config.toml")
        .replace("title = \"World\"", "title = \"World\"\ncolour = \"blue\"");
    p.write("config.toml", &cfg);
    let out = p.run(&["run"]);
    assert_exit(&out, 2);
    let err = out.stderr;
    assert!(
        err.contains("colour") && err.contains("config.toml:"),
        "{err}"
    );
    assert!(!p.path("feeds").exists());

    let out = p.run(&["run", "--config", "missing.toml"]);
    assert_exit(&out, 2);
    assert!(out.stderr.contains("missing.toml"));
}

/// A source whose site refuses connections is reported by name, with the connection that
/// failed (not robots.txt, which is merely the first request), and the other feed publishes.
#[test]
fn broken_source_is_reported_and_others_publish() {
    let p = Project::world();
    let url = crate::util::refused_url();
    let cfg = p.read("config.toml")
        + &format!("\n[[feed]]\nname = \"gone\"\ntitle = \"Gone\"\nlink = \"https://news.example.org/gone\"\n[[feed.source]]\nname = \"refused\"\npage = \"{url}\"\n");
    p.write("config.toml", &cfg);
    let out = p.run_at(T1, &["run"]);
    assert_exit(&out, 1);
    let err = out.stderr;
    let line = err
        .lines()
        .find(|l| l.contains("refused"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains(&url), "{line}");
    assert!(line.contains("cannot connect"), "{line}");
    assert!(!line.contains("robots"), "{line}");
    assert!(p.path("feeds/world.rss").exists());
    // The failing feed still gets valid (empty) files, so subscribers see no error.
    parse_feed(p.read("feeds/gone.atom").as_bytes());
    // With the default alert_after = 1, every failing run says so again.
    let again = p.run_at(T2, &["run"]);
    assert_exit(&again, 1);
    assert!(again.stderr.contains("refused"), "{}", again.stderr);
}

/// A `dir` that is not there is a mistake in the config, found before anything runs: exit 2
/// with the file, the line and what to do; nothing is written.
#[test]
fn a_missing_folder_is_a_config_error_with_its_line() {
    let p = Project::world();
    let cfg = p.read("config.toml")
        + "\n[[feed]]\nname = \"gone\"\ntitle = \"Gone\"\nlink = \"https://news.example.org/gone\"\n[[feed.source]]\nname = \"missing-folder\"\ndir = \"nowhere\"\n";
    let line = cfg
        .lines()
        .position(|l| l.starts_with("dir = \"nowhere\""))
        .unwrap()
        + 1;
    p.write("config.toml", &cfg);
    for command in ["run", "check"] {
        let out = p.run_at(T1, &[command]);
        assert_exit(&out, 2);
        assert!(
            out.stderr.contains(&format!("config.toml:{line}"))
                && out.stderr.contains("nowhere")
                && out.stderr.contains("does not exist"),
            "{command}: {}",
            out.stderr
        );
    }
    assert!(!p.path("feeds").exists());
}

#[test]
fn one_bad_file_keeps_the_feed() {
    let p = Project::world();
    p.write(
        "articles/broken.md",
        "---\ntitle: Broken\ndate: the day after tomorrow\n---\nText\n",
    );
    let out = p.run_at(T1, &["run"]);
    assert_exit(&out, 1);
    let err = out.stderr;
    assert!(err.contains("broken.md:3") && err.contains("date"), "{err}");
    assert_eq!(items(&p).len(), 1);
}

#[test]
fn hostile_input_still_gives_valid_feeds() {
    let p = Project::world();
    p.write(
        "articles/hostile.html",
        "<html><head><title>AT&amp;T \u{1} says ]]&gt; &lt;b&gt;hi&lt;/b&gt;</title></head><body><article>\
         <p onclick=\"steal()\">Body with ]]> and \u{0}\u{7} controls, AT&amp;T and &#39;quoted&#39; entities.</p>\
         <script>alert(1)</script><iframe src=\"https://evil.example\"></iframe><a href=\"javascript:alert(1)\">x</a>\
         <img src=\"/relative.png\"></article></body></html>",
    );
    assert_exit(&p.run_at(T1, &["run"]), 0);
    for f in ["world.rss", "world.atom", "world.json"] {
        let text = p.read(&format!("feeds/{f}"));
        for bad in [
            "steal()",
            "<script",
            "alert(1)",
            "iframe",
            "javascript:",
            "\u{1}",
            "\u{7}",
            "relative.png\"",
        ] {
            assert!(!text.contains(bad), "{f} contains {bad:?}");
        }
        let feed = parse_feed(text.as_bytes());
        // RSS titles carry a word joiner after a `<` or `&` that would be markup to a reader
        // rendering them as HTML; read as text, they are the same title.
        let title = |e: &feed_rs::model::Entry| {
            let t = &e.title.as_ref().unwrap().content;
            if f.ends_with(".rss") {
                assert!(
                    !t.contains("<b") && !t.contains("&T"),
                    "{f}: live markup in {t:?}"
                );
            }
            t.replace('\u{2060}', "")
        };
        let e = feed
            .entries
            .iter()
            .find(|e| title(e).starts_with("AT&T"))
            .expect("hostile entry");
        assert_eq!(title(e), "AT&T says ]]> <b>hi</b>", "{f}");
        // After one decode the HTML content is the HTML itself: escaped once, not twice.
        let html = e
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap_or_default();
        assert!(
            html.contains("AT&amp;T") && html.contains("'quoted'") && html.contains("<p>"),
            "{f}: {html}"
        );
        assert!(
            !html.contains("&amp;amp;") && !html.contains("&amp;#39;"),
            "{f} double-escaped: {html}"
        );
    }
}

#[test]
fn lock_held_exits_75() {
    let p = Project::world();
    std::fs::create_dir_all(p.path(".feedsmith")).unwrap();
    let lock = std::fs::File::create(p.path(".feedsmith/state.lock")).unwrap();
    lock.try_lock().unwrap();
    let out = p.run(&["run"]);
    assert_exit(&out, 75);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    drop(lock);
    assert_exit(&p.run(&["run"]), 0);
}

#[test]
fn concurrent_runs_do_not_corrupt() {
    let p = Project::world();
    for i in 0..20 {
        p.write(
            &format!("articles/n{i}.md"),
            &format!("---\ntitle: Note {i}\n---\nNote number {i}.\n"),
        );
    }
    let children: Vec<_> = (0..4)
        .map(|_| {
            command(p.dir.path())
                .arg("run")
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0) | Some(75)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for f in ["world.rss", "world.atom", "world.json"] {
        assert_eq!(
            parse_feed(p.read(&format!("feeds/{f}")).as_bytes())
                .entries
                .len(),
            21
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(p.path("feeds"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn removed_feed_is_warned_once_and_pruned_on_request() {
    let p = Project::world();
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let cfg = p
        .read("config.toml")
        .replace("name = \"world\"", "name = \"planet\"");
    p.write("config.toml", &cfg);
    let out = p.run_at(T2, &["run"]);
    assert_exit(&out, 0);
    assert!(
        out.stderr.contains("world.rss") && out.stderr.contains("--prune"),
        "{}",
        out.stderr
    );
    let out = p.run_at(T2, &["run"]);
    assert!(out.stderr.is_empty(), "warned twice: {}", out.stderr);
    assert!(p.path("feeds/world.rss").exists());
    assert_exit(&p.run_at(T2, &["run", "--prune"]), 0);
    assert!(!p.path("feeds/world.rss").exists() && p.path("feeds/planet.rss").exists());
    assert!(!p.path("feeds/world.html").exists() && p.path("feeds/planet.html").exists());
}

#[test]
fn dry_run_and_check_write_nothing() {
    let p = Project::world();
    assert_exit(&p.run(&["run", "--dry-run"]), 0);
    assert!(!p.path("feeds/world.rss").exists());
    // Offline, `check` renders what is stored: after a dry run, nothing.
    let out = p.run(&["check"]);
    assert_exit(&out, 0);
    assert!(out.stdout.contains("world: 0 items"), "{}", out.stdout);
    let out = p.run(&["check", "--fetch"]);
    assert_exit(&out, 0);
    assert!(out.stdout.contains("world: 1 items"), "{}", out.stdout);
    assert!(!p.path("feeds/world.rss").exists());
    let out = p.run(&["run", "--feed", "nope"]);
    assert_exit(&out, 2);
    assert!(out.stderr.contains("nope"));
}

#[test]
fn preview_json_shows_the_normalised_seed() {
    let p = Project::world();
    let out = p.run(&["preview", "--json", "articles/seed.txt"]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let expected: serde_json::Value = serde_json::from_str(include_str!(
        "fixtures/seed/000_05bbbe553725a38b.expected.json"
    ))
    .unwrap();
    assert_eq!(v["title"], expected["title"]);
    assert_eq!(v["summary"], expected["summary"]);
    assert_eq!(v["credits"], expected["credits"]);
    let text = v["content_text"].as_str().unwrap();
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    let want: Vec<&str> = expected["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(paragraphs, want);
    for chrome in expected["absent"].as_array().unwrap() {
        assert!(!text.contains(chrome.as_str().unwrap()), "{chrome} kept");
    }
    // The seed has no byline, date or link: the article says so rather than guessing.
    assert_eq!(v["authors"], serde_json::json!([]));
    assert!(v["published"].is_null() && v["link"].is_null());
}

/// The files a `-vv` run read.
fn files_read(out: &Ran) -> usize {
    out.stderr.matches("reading article file").count()
}

#[test]
fn a_warm_run_reads_no_unchanged_file() {
    let p = Project::world();
    for i in 0..5 {
        p.write(
            &format!("articles/n{i}.md"),
            &format!("---\ntitle: Note {i}\n---\nNote number {i} about the harbour.\n"),
        );
    }
    let cold = p.run_at(T1, &["-vv", "run"]);
    assert_exit(&cold, 0);
    assert_eq!(files_read(&cold), 6, "{}", cold.stderr);
    let before = items(&p);

    let warm = p.run_at(T2, &["-vv", "run"]);
    assert_exit(&warm, 0);
    assert_eq!(files_read(&warm), 0, "{}", warm.stderr);
    assert_eq!(items(&p), before, "a warm run changed the feed");

    p.write(
        "articles/n3.md",
        "---\ntitle: Note 3\n---\nNote number 3 about the harbour, corrected.\n",
    );
    let edited = p.run_at(T3, &["-vv", "run"]);
    assert_exit(&edited, 0);
    assert_eq!(files_read(&edited), 1, "{}", edited.stderr);
    let after = items(&p);
    assert_eq!(after.len(), before.len());
    assert!(by_title(&after, "Note 3")["content_text"]
        .as_str()
        .unwrap()
        .contains("corrected"));
}

#[test]
fn an_unchanged_feed_is_not_rendered_again() {
    let p = Project::world();
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let warm = p.run_at(T2, &["-vv", "run"]);
    assert_exit(&warm, 0);
    assert!(
        warm.stderr
            .contains("unchanged since the last run; not rendered"),
        "{}",
        warm.stderr
    );
    // A file that went missing is written again, whatever the digest says.
    std::fs::remove_file(p.path("feeds/world.json")).unwrap();
    let repaired = p.run_at(T3, &["-vv", "run"]);
    assert_exit(&repaired, 0);
    assert!(
        !repaired.stderr.contains("not rendered"),
        "{}",
        repaired.stderr
    );
    parse_feed(p.read("feeds/world.json").as_bytes());
}

/// A source named like its feed is still a source: its failure is reported as the source's.
#[test]
fn a_source_named_like_its_feed_fails_as_a_source() {
    let p = Project::new(&format!(
        "[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/world\"\n[[feed.source]]\nname = \"world\"\npage = \"{}\"\n",
        crate::util::refused_url()
    ));
    let out = p.run_at(T1, &["run"]);
    assert_exit(&out, 1);
    assert!(
        out.stderr
            .contains("error: feed world: source world failed"),
        "{}",
        out.stderr
    );
}

/// A lasting problem with one article is said on the run that first meets it and when it
/// clears, not on every cron run in between.
#[test]
fn an_article_problem_is_said_once_and_again_when_it_clears() {
    let p = Project::world();
    p.write("articles/empty.txt", "  \n");
    let first = p.run_at(T1, &["run"]);
    assert_exit(&first, 1);
    assert!(
        first.stderr.contains("empty.txt") && first.stderr.contains("empty"),
        "{}",
        first.stderr
    );
    let second = p.run_at(T2, &["run"]);
    assert_exit(&second, 0);
    assert!(second.stderr.is_empty(), "said again: {}", second.stderr);
    p.write(
        "articles/empty.txt",
        "Ferry timetable changes\n\nThe winter timetable starts on Monday with fewer sailings.\n",
    );
    let fixed = p.run_at(T3, &["run"]);
    assert_exit(&fixed, 0);
    assert!(
        fixed.stderr.contains("resolved") && fixed.stderr.contains("empty.txt"),
        "{}",
        fixed.stderr
    );
    assert_eq!(items(&p).len(), 2);
}

/// Long articles and too many of them: each body is cut to `max_item_bytes` (a note per
/// article), the oldest items are left out until every file fits `max_feed_bytes` (one note for
/// the feed), and `check` says the same of what is stored.
#[test]
fn size_caps_cut_bodies_and_leave_out_the_oldest_items_with_one_note() {
    let p = Project::new("");
    let (max_feed, max_item, articles) = (65_536, 8192, 30);
    p.write(
        "config.toml",
        &world_config(&format!(
            "max_feed_bytes = {max_feed}\nmax_item_bytes = {max_item}"
        )),
    );
    let para = "The harbour board met again on Tuesday to discuss the quay. ".repeat(12);
    for n in 0..articles {
        p.write(
            &format!("articles/world/{n:02}.txt"),
            &format!("Story number {n}\n\n{}", format!("{para}\n\n").repeat(30)),
        );
    }
    let ran = p.run(&["run"]);
    assert_exit(&ran, 0);
    let cut: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.contains(&format!("over max_item_bytes = {max_item}")))
        .collect();
    assert_eq!(cut.len(), articles, "{}", ran.stderr);
    assert!(cut
        .iter()
        .all(|l| l.starts_with("warning: feed world: source ")));
    let left_out = |stderr: &str| -> Vec<usize> {
        stderr
            .lines()
            .filter(|l| l.contains(&format!("fits max_feed_bytes = {max_feed}")))
            .map(|l| {
                let rest = l
                    .strip_prefix("warning: feed world: ")
                    .unwrap_or_else(|| panic!("{l}"));
                rest.split(' ').next().unwrap().parse().unwrap()
            })
            .collect()
    };
    let noted = left_out(&ran.stderr);
    assert_eq!(noted.len(), 1, "{}", ran.stderr);
    assert!(noted[0] > 0);
    for name in ["world.rss", "world.atom", "world.json"] {
        let bytes = std::fs::read(p.path("feeds").join(name)).unwrap();
        assert!(bytes.len() <= max_feed, "{name}: {} bytes", bytes.len());
        let feed = parse_feed(&bytes);
        assert_eq!(feed.entries.len() + noted[0], articles, "{name}");
    }
    let json: serde_json::Value = serde_json::from_str(&p.read("feeds/world.json")).unwrap();
    let body = json["items"][0]["content_html"].as_str().unwrap();
    assert!(body.len() <= max_item, "{}", body.len());
    assert!(
        body.ends_with("This article continues at the source.</p>"),
        "{body}"
    );
    // `check` runs the same gate on what is stored, and says the same.
    let check = p.run(&["check"]);
    assert_exit(&check, 0);
    assert_eq!(left_out(&check.stderr), noted, "{}", check.stderr);
    let kept = articles - noted[0];
    assert!(
        check.stdout.contains(&format!("world: {kept} items")),
        "{}",
        check.stdout
    );
}

/// An article over its time budget is reported by name and skipped; the source's other
/// article and the feed configured after it are still published. The budget is 1 ms on one
/// source only: a 2 MB article cannot be normalised that fast (it takes hundreds of ms even
/// in a release build), while the other feed keeps the default budget.
#[test]
fn an_article_over_its_time_budget_is_skipped_and_the_run_goes_on() {
    let p = Project::new(
        "[[feed]]\nname = \"slow\"\ntitle = \"Slow\"\nlink = \"https://news.example.org/slow\"\n\
         [[feed.source]]\ndir = \"articles/slow\"\nmax_article_ms = 1\n\n\
         [[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/world\"\n\
         [[feed.source]]\ndir = \"articles/world\"\n",
    );
    let para = "The harbour board met again on Tuesday to discuss the quay and its cranes. ";
    let huge: String = (0..2_000)
        .map(|n| format!("{}Paragraph {n} ends here.\n\n", para.repeat(12)))
        .collect();
    p.write(
        "articles/slow/huge.txt",
        &format!("A very long report\n\n{huge}"),
    );
    p.write("articles/world/seed.txt", crate::util::SEED);
    let ran = p.run(&["run"]);
    assert_exit(&ran, 1);
    let over: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.contains("took longer than 1 ms"))
        .collect();
    assert_eq!(over.len(), 1, "{}", ran.stderr);
    assert!(
        over[0].contains("huge.txt") && over[0].contains("skipped"),
        "{}",
        over[0]
    );
    let world = parse_feed(&std::fs::read(p.path("feeds/world.rss")).unwrap());
    assert_eq!(world.entries.len(), 1);
    let slow: serde_json::Value = serde_json::from_str(&p.read("feeds/slow.json")).unwrap();
    assert_eq!(slow["items"].as_array().unwrap().len(), 0, "{slow}");
}

/// A file that is not there is said once, with its path: no doubled OS error.
#[test]
fn preview_of_a_missing_file_says_why_once() {
    let p = Project::world();
    let out = p.run(&["preview", "/missing/file.txt"]);
    assert_exit(&out, 1);
    assert_eq!(
        out.stderr.matches("os error 2").count(),
        1,
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("/missing/file.txt"), "{}", out.stderr);
}

/// Every file under `dir`, by its path below it, with its bytes.
fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// A run publishes one feed on a thread of its own while it prepares the next: the files are
/// those of feeds run one at a time (each published before the next is read), item for item,
/// whichever feed's items the publishing thread reads while the next feed is being stored.
#[test]
fn feeds_published_while_the_next_is_prepared_give_the_files_of_one_at_a_time() {
    let feeds: String = (0..5)
        .map(|f| {
            format!(
                "[[feed]]\nname = \"f{f}\"\ntitle = \"Feed {f}\"\nlink = \"https://news.example.org/f{f}\"\n[[feed.source]]\ndir = \"articles/f{f}\"\n\n"
            )
        })
        .collect();
    let (together, alone) = (Project::new(&feeds), Project::new(&feeds));
    for p in [&together, &alone] {
        for f in 0..5 {
            for a in 0..4 {
                p.write(
                    &format!("articles/f{f}/a{a}.md"),
                    &format!("---\ntitle: Story {f}.{a}\n---\nStory {a} of feed {f}, about the harbour and its boats.\n"),
                );
            }
        }
    }
    assert_exit(&together.run_at(T1, &["run"]), 0);
    for f in 0..5 {
        assert_exit(&alone.run_at(T1, &["run", "--feed", &format!("f{f}")]), 0);
    }
    let (a, b) = (tree(&together.path("feeds")), tree(&alone.path("feeds")));
    // Five feeds of three formats and a page each, 20 article pages, the index and OPML.
    assert!(a.len() >= 5 * 4 + 20 + 2, "{:?}", a.keys());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs");
    }
    let json: serde_json::Value = serde_json::from_str(&together.read("feeds/f4.json")).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 4, "{json}");
}
