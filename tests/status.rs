//! `run` and `status` through the binary: a failing source is recorded, alerted on only at its
//! `alert_after`th failure in a row and on recovery, and `status` reports it.

use crate::util::{feedsmith, write_article, Ran};

const CONFIG: &str = r#"
[site]
title = "Status test"
base_url = "https://news.example.org/feeds/"
alert_after = 2

[[feed]]
name = "world"
title = "World"
link = "https://news.example.org/world"

[[feed.source]]
name = "desk"
dir = "articles/world"

[[feed.source]]
name = "wire"
page = "WIRE"
"#;

#[test]
fn failing_source_alerts_at_alert_after_and_status_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let wire = crate::util::refused_url();
    std::fs::write(d.join("config.toml"), CONFIG.replace("WIRE", &wire)).unwrap();
    write_article(
        &d.join("articles/world"),
        "ferry.txt",
        "Ferry services resume",
    );

    // First failure of `wire`: below alert_after, so quiet and exit 0; `desk` still publishes.
    let Ran {
        code, stderr: err, ..
    } = feedsmith(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("wire"), "{err}");
    assert!(std::fs::read_to_string(d.join("feeds/world.rss"))
        .unwrap()
        .contains("Ferry services resume"));

    // Second in a row: alert and exit 1.
    let Ran {
        code, stderr: err, ..
    } = feedsmith(d, &["run"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("source wire failed (2 runs in a row)") && err.contains(&wire),
        "{err}"
    );

    // Third: already reported, quiet again.
    let Ran {
        code, stderr: err, ..
    } = feedsmith(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("wire"), "{err}");

    // `check` is someone looking: every failure shows, whatever alert_after says.
    let Ran {
        code, stderr: err, ..
    } = feedsmith(d, &["check", "--fetch"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("source wire failed"), "{err}");

    let Ran {
        code, stdout: out, ..
    } = feedsmith(d, &["status"]);
    assert_eq!(code, 1, "a failing source fails status");
    assert!(out.contains("wire: FAILING (3 runs in a row)"), "{out}");
    assert!(out.contains("last success never"), "{out}");
    assert!(out.contains("desk: ok"), "{out}");
    let Ran {
        code: _,
        stdout: json,
        ..
    } = feedsmith(d, &["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let entry = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "wire")
        .unwrap();
    assert_eq!(entry["consecutive_failures"], 3);
    assert!(entry["last_error"].as_str().unwrap().contains(&wire));

    // Recovery is reported once, without failing the run: the wire now comes from a folder.
    write_article(&d.join("articles/wire"), "rates.txt", "Rates held steady");
    let config = CONFIG.replace("page = \"WIRE\"", "dir = \"articles/wire\"");
    std::fs::write(d.join("config.toml"), config).unwrap();
    let Ran {
        code, stderr: err, ..
    } = feedsmith(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("source wire recovered after 3 failed runs"),
        "{err}"
    );
    let Ran {
        code, stdout: out, ..
    } = feedsmith(d, &["status"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn run_refreshes_only_due_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A yearly schedule: due on the first run only.
    let config = CONFIG
        .replace("alert_after = 2", "")
        .replace(
            "link = \"https://news.example.org/world\"",
            "link = \"https://news.example.org/world\"\nschedule = \"0 0 1 1 *\"",
        )
        .replace("[[feed.source]]\nname = \"wire\"\npage = \"WIRE\"\n", "");
    std::fs::write(d.join("config.toml"), config).unwrap();
    write_article(
        &d.join("articles/world"),
        "ferry.txt",
        "Ferry services resume",
    );
    assert_eq!(feedsmith(d, &["run"]).code, 0);
    let rss = std::fs::read_to_string(d.join("feeds/world.rss")).unwrap();
    assert!(
        rss.contains("<ttl>525600</ttl>"),
        "a year in minutes: {rss}"
    );
    // The run also wrote the site pages.
    let index = std::fs::read_to_string(d.join("feeds/index.html")).unwrap();
    assert!(
        index.contains("<a href=\"world.html\">World</a>"),
        "{index}"
    );
    assert!(std::fs::read_to_string(d.join("feeds/world.html"))
        .unwrap()
        .contains("Ferry services resume"));
    assert!(std::fs::read_to_string(d.join("feeds/feeds.opml"))
        .unwrap()
        .contains("xmlUrl=\"https://news.example.org/feeds/world.rss\""));

    write_article(&d.join("articles/world"), "rates.txt", "Rates held steady");
    assert_eq!(feedsmith(d, &["run"]).code, 0);
    let rss = std::fs::read_to_string(d.join("feeds/world.rss")).unwrap();
    assert!(!rss.contains("Rates held steady"), "not due: not refreshed");

    assert_eq!(feedsmith(d, &["run", "--all"]).code, 0);
    let rss = std::fs::read_to_string(d.join("feeds/world.rss")).unwrap();
    assert!(rss.contains("Rates held steady"), "--all forces it");
}

/// Runs read only new files; the articles left unread still count at their usual length, so a
/// short new article does not make the source look shrunk.
#[test]
fn one_short_new_article_is_no_shrunk_source() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), crate::util::world_config("")).unwrap();
    let long =
        "The harbour board met on Tuesday to discuss the repairs to the old quay wall. ".repeat(20);
    for i in 0..4 {
        std::fs::create_dir_all(d.join("articles/world")).unwrap();
        std::fs::write(
            d.join(format!("articles/world/long{i}.txt")),
            format!("Quay story {i}\n\n{long}\n"),
        )
        .unwrap();
        assert_eq!(feedsmith(d, &["run"]).code, 0);
    }
    std::fs::write(
        d.join("articles/world/short.txt"),
        "Quay note\n\nThe board met again.\n",
    )
    .unwrap();
    assert_eq!(feedsmith(d, &["run"]).code, 0);
    let Ran { code, stdout, .. } = feedsmith(d, &["status"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("under half"), "{stdout}");
}

/// A source whose bodies shrink to a fraction of their usual length (a changed template that
/// now yields only a teaser) is a problem of the run: said once with exit 1, quiet while it
/// lasts, said again when it clears; `status` stops calling the source "ok" meanwhile.
#[test]
fn a_shrunk_source_is_reported_at_run_time_once() {
    let p = crate::util::Project::new(
        "[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/world\"\n\
         [[feed.source]]\nname = \"desk\"\ndir = \"articles\"\n",
    );
    let long = "The harbour board met on Tuesday to discuss the future of the old quay, which has been closed since the storm. ".repeat(12);
    let write = |body: &str| {
        for n in 1..=3 {
            p.write(
                &format!("articles/story-{n}.txt"),
                &format!("Harbour story number {n}\n\n{body}\n"),
            );
        }
    };
    write(&long);
    crate::util::assert_exit(&p.run(&["run"]), 0);
    write("Read the full story in our app.");
    let shrunk = p.run(&["run"]);
    crate::util::assert_exit(&shrunk, 1);
    let said: Vec<&str> = shrunk
        .stderr
        .lines()
        .filter(|l| l.contains("shrank"))
        .collect();
    assert_eq!(said.len(), 1, "{}", shrunk.stderr);
    assert!(said[0].contains("source desk"), "{}", said[0]);
    let status = p.run(&["status"]);
    crate::util::assert_exit(&status, 1);
    assert!(status.stdout.contains("desk: WARNING"), "{}", status.stdout);
    assert!(
        status.stdout.contains("under half the usual"),
        "{}",
        status.stdout
    );

    // Nothing changed since: the concern stands, and is not said again.
    let quiet = p.run(&["run"]);
    crate::util::assert_exit(&quiet, 0);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);

    write(&long);
    let fixed = p.run(&["run"]);
    crate::util::assert_exit(&fixed, 0);
    assert!(
        fixed.stderr.contains("resolved") && fixed.stderr.contains("shrank"),
        "{}",
        fixed.stderr
    );
    let status = p.run(&["status"]);
    assert!(status.stdout.contains("desk: ok\n"), "{}", status.stdout);
}
