//! `feedsmith explain`: every line of a text input, or every text block of a page, with the
//! fate normalisation gave it, in plain text and as JSON that agree; learned chrome with its
//! count; a URL fetched from a loopback server.

use crate::util::*;

/// The rows of a plain listing that stand for input lines: "  12  kept      text…".
fn rows(stdout: &str) -> Vec<(usize, String)> {
    stdout
        .lines()
        .filter_map(|l| {
            let (n, rest) = l.trim_start().split_once(' ').unwrap_or((l.trim(), ""));
            n.parse().ok().map(|n| (n, rest.trim_start().to_string()))
        })
        .collect()
}

#[test]
fn explain_lists_every_seed_line_once_with_the_rule_that_removed_chrome() {
    let p = Project::world();
    let out = p.run(&["explain", "articles/seed.txt"]);
    assert_exit(&out, 0);
    let rows = rows(&out.stdout);
    let seed: Vec<&str> = SEED.lines().collect();
    assert_eq!(rows.len(), seed.len(), "{}", out.stdout);
    for (i, line) in seed.iter().enumerate() {
        let (n, row) = &rows[i];
        assert_eq!(*n, i + 1);
        if line.trim().is_empty() {
            assert!(row.is_empty(), "line {n}: {row}");
            continue;
        }
        assert!(row.contains(line.trim()), "line {n}: {row}");
        let once = out
            .stdout
            .lines()
            .filter(|l| l.contains(line.trim()))
            .count();
        // The title also heads the article's fields at the end.
        assert_eq!(once, if i == 0 { 2 } else { 1 }, "{line}");
    }
    for (line, fate, rule) in [
        ("Top Content Trending", "chrome", "(teaser_header)"),
        ("100% Font Size", "chrome", "(label)"),
        ("Published: Updated:", "chrome", "(label)"),
        ("[With AFP and Reuters]", "meta", "harvested: credits"),
    ] {
        let row = &rows.iter().find(|(_, r)| r.contains(line)).unwrap().1;
        assert!(
            row.starts_with(fate) && row.ends_with(&format!("{rule}]")),
            "{row}"
        );
    }
    // No rule names reader-mode toggles (one development page had one): the seed's stays out
    // of the body by its place above the article.
    let read_mode = &rows
        .iter()
        .find(|(_, r)| r.contains("Enable Read mode"))
        .unwrap()
        .1;
    assert!(read_mode.starts_with("above"), "{read_mode}");
    assert!(rows[0].1.starts_with("title"), "{}", rows[0].1);
    assert!(rows[2].1.starts_with("dek"), "{}", rows[2].1);
    assert!(rows[8].1.starts_with("kept"), "{}", rows[8].1);
    assert!(
        out.stdout.contains("Credits:   AFP, Reuters"),
        "{}",
        out.stdout
    );
    // Inside the configured folder, the source's rules apply.
    assert!(
        out.stdout.lines().next().unwrap().contains("source "),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_json_agrees_with_the_listing_and_with_the_article() {
    let p = Project::world();
    let plain = p.run(&["explain", "articles/seed.txt"]);
    let out = p.run(&["explain", "--json", "articles/seed.txt"]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["kind"], "text");
    let entries = v["entries"].as_array().unwrap();
    let seed: Vec<&str> = SEED.lines().collect();
    assert_eq!(entries.len(), seed.len());
    let rows = rows(&plain.stdout);
    let body = v["article"]["content_text"].as_str().unwrap();
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["line"], i + 1);
        assert_eq!(e["text"], seed[i]);
        let fate = e["fate"].as_str().unwrap();
        match fate {
            "blank" => assert!(rows[i].1.is_empty()),
            _ => assert!(rows[i].1.starts_with(fate), "{fate} vs {}", rows[i].1),
        }
        if let Some(rule) = e["rule"].as_str() {
            assert!(rows[i].1.contains(&format!("({rule})")), "{}", rows[i].1);
        }
        // What explain calls kept is what the article's body holds, and nothing else is.
        let text = seed[i].trim();
        match fate {
            "kept" => assert!(body.contains(text), "kept but not in the body: {text}"),
            "blank" => {}
            _ => assert!(!body.contains(text), "{fate} but in the body: {text}"),
        }
    }
    assert_eq!(v["article"]["title"], seed[0]);
    assert_eq!(v["article"]["summary"], seed[2]);
}

#[test]
fn explain_html_shows_each_block_with_its_fate() {
    // No config: built-in rules only.
    let p = Project::world();
    std::fs::remove_file(p.path("config.toml")).unwrap();
    let para = "The harbour board approved the new mooring fees on Tuesday, after a debate that ran late into the evening, with most members in favour.";
    p.write(
        "page.html",
        &format!(
            r#"<html><head><title>Mooring fees approved | Harbour Times</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Mooring fees approved</h1><p class="byline">By Jane Roe</p>
<p class="dateline"><time datetime="2024-05-14T09:30:00+01:00">14 May 2024</time></p>
<p>{para}</p><p>{para} Again, for length.</p>
<p>Advertisement</p><p>{para} And a third time.</p></article>
<aside class="sidebar"><p>Sidebar words that go on for a while, with commas, and clauses.</p></aside>
</body></html>"#
        ),
    );
    let out = p.run(&["explain", "--json", "page.html"]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["kind"], "html");
    let entries = v["entries"].as_array().unwrap();
    let fate_of = |text: &str| {
        let e = entries
            .iter()
            .find(|e| e["text"].as_str().unwrap().starts_with(text))
            .unwrap_or_else(|| panic!("{text} not listed: {}", out.stdout));
        (
            e["tag"].as_str().unwrap().to_string(),
            e["fate"].as_str().unwrap().to_string(),
            e["rule"].as_str().map(str::to_string),
        )
    };
    assert_eq!(
        fate_of("Home News"),
        ("nav".into(), "chrome".into(), Some("furniture".into()))
    );
    assert_eq!(
        fate_of("Mooring fees approved"),
        ("h1".into(), "title".into(), None)
    );
    assert_eq!(fate_of(para), ("p".into(), "kept".into(), None));
    // The byline and the date line show the metadata the article took.
    let field_of = |text: &str| {
        let e = entries
            .iter()
            .find(|e| e["text"] == text)
            .unwrap_or_else(|| panic!("{text} not listed: {}", out.stdout));
        (
            e["fate"].as_str().unwrap().to_string(),
            e["field"].as_str().map(str::to_string),
        )
    };
    assert_eq!(
        field_of("By Jane Roe"),
        ("meta".into(), Some("authors".into()))
    );
    assert_eq!(
        field_of("14 May 2024"),
        ("meta".into(), Some("published".into()))
    );
    assert_eq!(
        fate_of("Advertisement"),
        ("p".into(), "chrome".into(), Some("label".into()))
    );
    let (_, fate, _) = fate_of("Sidebar words");
    assert_eq!(fate, "chrome");
    let body = v["article"]["content_text"].as_str().unwrap();
    for e in entries {
        let text = e["text"].as_str().unwrap();
        assert_eq!(
            e["fate"] == "kept",
            body.contains(text),
            "{e} vs body {body}"
        );
    }
    let plain = p.run(&["explain", "page.html"]);
    assert!(
        plain
            .stdout
            .lines()
            .any(|l| l.trim_start().starts_with("nav  chrome    Home News")),
        "{}",
        plain.stdout
    );
}

#[test]
fn explain_names_learned_chrome_with_its_count() {
    let p = Project::new(
        "[[feed]]\nname = \"local\"\ntitle = \"Local\"\nlink = \"https://gazette.example.org/\"\nlimit = 20\n[[feed.source]]\nname = \"gazette\"\ndir = \"scraped\"\n",
    );
    let template = "The Quayside Gazette is edited at the old customs house by the harbour trust";
    for i in 0..8 {
        p.write(
            &format!("scraped/{i:02}.txt"),
            &format!(
                "Council votes on repair plan number {i}\n\n\
                 Planning officers told the council on Tuesday that plan {i} needs urgent work after years of delays, and that the cost has risen.\n\n\
                 Residents said they had waited long enough for plan {i} and asked councillors to approve the money before the end of the year.\n\n\
                 {template}\n"
            ),
        );
    }
    assert_exit(&p.run_at("2024-06-20T10:00:00Z", &["run"]), 0);
    let out = p.run(&["explain", "scraped/03.txt"]);
    assert_exit(&out, 0);
    let row = out.stdout.lines().find(|l| l.contains(template)).unwrap();
    assert!(
        row.contains("chrome") && row.ends_with("[learned chrome (seen in 8 articles)]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("source gazette (8 articles counted)"),
        "{}",
        out.stdout
    );
    // Built-in rules alone do not know the line: a copy outside the folder keeps it.
    p.write("elsewhere/03.txt", &p.read("scraped/03.txt"));
    let alone = p.run(&["--config", "missing.toml", "explain", "elsewhere/03.txt"]);
    let row = alone.stdout.lines().find(|l| l.contains(template)).unwrap();
    assert!(!row.contains("chrome"), "{}", alone.stdout);
    // And --source lends a file outside the folder the source's learned chrome.
    let named = p.run(&["explain", "--source", "gazette", "elsewhere/03.txt"]);
    let row = named.stdout.lines().find(|l| l.contains(template)).unwrap();
    assert!(row.contains("seen in 8 articles"), "{}", named.stdout);
    let unknown = p.run(&["explain", "--source", "nope", "elsewhere/03.txt"]);
    assert_exit(&unknown, 1);
    assert!(
        unknown.stderr.contains("--source nope") && unknown.stderr.contains("gazette"),
        "{}",
        unknown.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_fetches_a_url_given_on_the_command_line() {
    let page = std::fs::read_to_string("tests/fixtures/web/news/bridge-reopens.html").unwrap();
    let server = serve_static(vec![("/story", "text/html; charset=utf-8", page)]).await;
    let p = Project::world();
    let url = format!("{server}story");
    let out = feedsmith_async(p.dir.path(), &["explain", &url]).await;
    assert_exit(&out, 0);
    assert!(
        out.stdout.starts_with(&format!("{url} (html)")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|l| l.contains("kept") && l.contains("The Old Harbour Bridge reopened")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|l| l.contains("title") && l.contains("Bridge reopens to traffic")),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_says_when_a_page_is_a_listing_or_a_product_page_not_an_article() {
    let p = Project::world();
    for (fixture, says) in [
        ("listing-cards", "this page is a listing, not an article"),
        (
            "product-page",
            "this page is a product or service page, not an article",
        ),
        ("service-sections", "this page is many sections"),
        ("wordpress-blocks", ""),
        ("discussion-thread", ""),
    ] {
        let page =
            std::fs::read_to_string(format!("tests/fixtures/extract/{fixture}.html")).unwrap();
        p.write(&format!("pages/{fixture}.html"), &page);
        let out = p.run(&["explain", &format!("pages/{fixture}.html")]);
        assert_exit(&out, 0);
        let said = out.stdout.lines().find(|l| l.contains("not an article"));
        match says {
            "" => assert_eq!(said, None, "{fixture}: {}", out.stdout),
            _ => assert!(
                said.is_some_and(|l| l.contains(says)),
                "{fixture}: {}",
                out.stdout
            ),
        }
        let json = p.run(&["explain", "--json", &format!("pages/{fixture}.html")]);
        let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let want = match fixture {
            "listing-cards" => "cards",
            "product-page" => "facts",
            "service-sections" => "main",
            "discussion-thread" => "posts",
            _ => "blocks",
        };
        assert_eq!(v["body_from"], want, "{fixture}");
    }
}
