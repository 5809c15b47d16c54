//! Feed archives (RFC 5005): with `archive = true`, items pushed past `limit` are kept in
//! archive pages that a reader follows back from the subscription document (RSS and Atom by
//! their `prev-archive` links, JSON Feed by `next_url`) to the first item ever published;
//! a full page is never written again.

use std::collections::BTreeSet;
use std::path::Path;

use crate::util::{assert_exit, parse_feed, Project};

const NOW: &str = "2024-06-01T00:00:00Z";

fn project() -> Project {
    Project::new(
        "[[feed]]\nname = \"log\"\ntitle = \"Harbour log\"\nlink = \"https://news.example.org/log\"\n\
         limit = 2\narchive = true\n[[feed.source]]\ndir = \"articles\"\n",
    )
}

/// Day `n`'s entry of the harbour log, dated that day of May 2024.
fn write_day(p: &Project, n: u32) {
    p.write(
        &format!("articles/day-{n:02}.md"),
        &format!(
            "+++\ntitle = \"Harbour log, day {n}\"\ndate = \"2024-05-{n:02}T08:00:00Z\"\n+++\n\n\
             Day {n}: the harbour master logged the tides, the ferries and the weather.\n"
        ),
    );
}

/// The titles a reader gets following `rel` links (or `next_url`) from `file`, document by
/// document, and the files it read on the way.
fn follow(dir: &Path, file: &str) -> (Vec<String>, Vec<String>) {
    let (mut titles, mut files) = (Vec::new(), Vec::new());
    let mut next = Some(file.to_string());
    while let Some(name) = next.take() {
        assert!(!files.contains(&name), "a loop back to {name}");
        let bytes = std::fs::read(dir.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        files.push(name.clone());
        let older = if name.ends_with(".json") {
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            for i in json["items"].as_array().unwrap() {
                titles.push(i["title"].as_str().unwrap().to_string());
            }
            json["next_url"].as_str().map(str::to_string)
        } else {
            let feed = parse_feed(&bytes);
            titles.extend(
                feed.entries
                    .iter()
                    .map(|e| e.title.clone().unwrap().content),
            );
            if name.ends_with(".rss") {
                // The rss crate reads the atom:link elements RFC 5005 uses in RSS.
                let channel = rss::Channel::read_from(bytes.as_slice()).unwrap();
                let links = channel
                    .atom_ext()
                    .map(|a| a.links().to_vec())
                    .unwrap_or_default();
                links
                    .iter()
                    .find(|l| l.rel() == "prev-archive")
                    .map(|l| l.href().to_string())
            } else {
                feed.links
                    .iter()
                    .find(|l| l.rel.as_deref() == Some("prev-archive"))
                    .map(|l| l.href.clone())
            }
        };
        next = older.map(|url| {
            let name = url
                .strip_prefix("https://news.example.org/feeds/")
                .unwrap_or_else(|| panic!("{url} is not in the output folder"));
            name.to_string()
        });
    }
    (titles, files)
}

#[test]
fn an_archive_chain_leads_back_to_the_first_item_and_full_pages_never_change() {
    let p = project();
    for n in 1..=8 {
        write_day(&p, n);
    }
    let ran = p.run_at(NOW, &["run"]);
    assert_exit(&ran, 0);
    assert!(
        ran.stderr.is_empty(),
        "archive pages are the feed's files: {}",
        ran.stderr
    );
    let out = p.path("feeds");
    let all: BTreeSet<String> = (1..=8).map(|n| format!("Harbour log, day {n}")).collect();
    for ext in ["rss", "atom", "json"] {
        let (titles, files) = follow(&out, &format!("log.{ext}"));
        // Three pages of two behind the current two, newest first, each item once.
        assert_eq!(
            files,
            [
                format!("log.{ext}"),
                format!("log-archive-3.{ext}"),
                format!("log-archive-2.{ext}"),
                format!("log-archive-1.{ext}"),
            ],
            "{ext}"
        );
        let want: Vec<String> = (1..=8)
            .rev()
            .map(|n| format!("Harbour log, day {n}"))
            .collect();
        assert_eq!(titles, want, "{ext}");
        assert_eq!(titles.iter().cloned().collect::<BTreeSet<_>>(), all);
    }
    // An archive page says it is one, names the current document and links both ways.
    let page2 = p.read("feeds/log-archive-2.atom");
    assert!(
        page2.contains("xmlns:fh=\"http://purl.org/syndication/history/1.0\""),
        "{page2}"
    );
    assert!(page2.contains("<fh:archive/>"));
    for (rel, href) in [
        ("self", "log-archive-2.atom"),
        ("current", "log.atom"),
        ("prev-archive", "log-archive-1.atom"),
        ("next-archive", "log-archive-3.atom"),
    ] {
        let link = format!("<link href=\"https://news.example.org/feeds/{href}\" rel=\"{rel}\"");
        assert!(page2.contains(&link), "{link} in {page2}");
    }
    let rss1 = p.read("feeds/log-archive-1.rss");
    assert!(
        rss1.contains("<fh:archive/>") && !rss1.contains("rel=\"prev-archive\""),
        "{rss1}"
    );
    assert!(
        !p.read("feeds/log.rss").contains("fh:archive"),
        "the current feed is no archive"
    );
    let json: serde_json::Value =
        serde_json::from_str(&p.read("feeds/log-archive-1.json")).unwrap();
    assert!(json.get("next_url").is_none(), "page 1 is the oldest");

    // Two more days: the next two items leave the feed for a fourth page; the full pages stay
    // byte for byte, though the first article was edited meanwhile.
    let before: Vec<Vec<u8>> = ["log-archive-1.rss", "log-archive-2.json"]
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
    std::fs::write(
        p.path("articles/day-01.md"),
        "+++\ntitle = \"Harbour log, day 1 (corrected)\"\ndate = \"2024-05-01T08:00:00Z\"\n+++\n\nA fix.\n",
    )
    .unwrap();
    for n in 9..=10 {
        write_day(&p, n);
    }
    let ran = p.run_at(NOW, &["run"]);
    assert_exit(&ran, 0);
    assert!(ran.stderr.is_empty(), "{}", ran.stderr);
    let after: Vec<Vec<u8>> = ["log-archive-1.rss", "log-archive-2.json"]
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
    assert_eq!(before, after, "a full archive page is immutable");
    let (titles, files) = follow(&out, "log.atom");
    assert_eq!(files.len(), 5, "{files:?}");
    assert_eq!(titles.len(), 10, "{titles:?}");
    assert_eq!(
        titles.last().map(String::as_str),
        Some("Harbour log, day 1")
    );
    assert!(p
        .read("feeds/log-archive-3.atom")
        .contains("log-archive-4.atom\" rel=\"next-archive\""));
    // A page that went missing is written again, though nothing else changed (from
    // what the store holds now).
    std::fs::remove_file(out.join("log-archive-1.json")).unwrap();
    assert_exit(&p.run_at(NOW, &["run"]), 0);
    assert!(out.join("log-archive-1.json").is_file());
}
