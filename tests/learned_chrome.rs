//! Learned chrome through a real run: a site's template lines, which no built-in rule names,
//! are learned from the articles of one source and removed from all of them, while a line that
//! only a couple of articles share stays.

use crate::util::*;

const TOPICS: [&str; 10] = [
    "harbour",
    "library",
    "tram line",
    "school roof",
    "market hall",
    "bridge",
    "museum",
    "ferry",
    "park",
    "stadium",
];

fn article(i: usize, topic: &str) -> String {
    let shared_by_two = if i == 3 || i == 7 {
        "\nThe mayor's office did not respond to a request for comment on the plans.\n"
    } else {
        ""
    };
    format!(
        "Council votes on the future of the {topic}\n\n\
         Councillors will decide next week whether to fund repairs to the {topic}.\n\n\
         Planning officers told the council on Tuesday that the {topic} needs urgent work after years of delays, \
         and that the cost has risen by a fifth since the last estimate in {year}.\n\n\
         Residents who use the {topic} every day said they had waited long enough and asked councillors to approve \
         the money before the end of the financial year.\n{shared_by_two}\n\
         Get the Morning Tide briefing in your inbox, every weekday at seven.\n\
         Harbourside Gazette, 12 Quay Street, Port Ellen. All rights reserved.\n",
        year = 2010 + i
    )
}

/// How many items of the feed `local` still carry `line` in their text.
fn templated(p: &Project, line: &str) -> usize {
    let json: serde_json::Value = serde_json::from_str(&p.read("feeds/local.json")).unwrap();
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["content_text"].as_str().unwrap().contains(line))
        .count()
}

#[test]
fn template_lines_are_learned_and_removed() {
    let p = Project::new(
        "[[feed]]\nname = \"local\"\ntitle = \"Local\"\nlink = \"https://gazette.example.org/\"\nlimit = 20\n[[feed.source]]\nname = \"gazette\"\ndir = \"scraped\"\n",
    );
    for (i, topic) in TOPICS.iter().enumerate() {
        p.write(&format!("scraped/{i:02}.txt"), &article(i, topic));
    }
    let out = p.run_at("2024-06-20T10:00:00Z", &["run"]);
    assert_exit(&out, 0);
    let json: serde_json::Value = serde_json::from_str(&p.read("feeds/local.json")).unwrap();
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    for item in items {
        let text = item["content_text"].as_str().unwrap();
        assert!(
            !text.contains("Morning Tide briefing"),
            "promo kept: {text}"
        );
        assert!(!text.contains("All rights reserved"), "footer kept: {text}");
        assert!(
            text.contains("Planning officers told the council"),
            "body lost: {text}"
        );
        assert!(text.contains("Residents who use the"), "body lost: {text}");
        let title = item["title"].as_str().unwrap();
        let shared = title.contains("school roof") || title.contains("ferry");
        assert_eq!(
            text.contains("did not respond to a request for comment"),
            shared,
            "{title}: {text}"
        );
    }
}

/// Articles read on an earlier run are not read again while unchanged; when later articles
/// teach the source its template, those earlier ones lose the template too, in the same run.
#[test]
fn chrome_learned_later_reaches_articles_read_before() {
    const TEMPLATE: &str = "Quay Street edition, Port Ellen desk";
    let story = |topic: &str| {
        format!(
            "Council votes on the future of the {topic}\n\n\
             Councillors will decide next week whether to fund repairs to the {topic}.\n\n\
             {TEMPLATE}\n\n\
             Planning officers said the {topic} needs urgent work after years of delays.\n\n\
             Residents who use the {topic} every day asked councillors to approve the money soon.\n"
        )
    };
    let p = Project::new(
        "[[feed]]\nname = \"local\"\ntitle = \"Local\"\nlink = \"https://gazette.example.org/\"\nlimit = 20\n[[feed.source]]\nname = \"gazette\"\ndir = \"scraped\"\n",
    );
    // Three articles: too few for the template line to be learned.
    for (i, topic) in TOPICS.iter().enumerate().take(3) {
        p.write(&format!("scraped/{i:02}.txt"), &story(topic));
    }
    assert_exit(&p.run_at("2024-06-20T10:00:00Z", &["run"]), 0);
    assert_eq!(
        templated(&p, TEMPLATE),
        3,
        "nothing learned from three articles yet"
    );

    for (i, topic) in TOPICS.iter().enumerate().skip(3) {
        p.write(&format!("scraped/{i:02}.txt"), &story(topic));
    }
    let out = p.run_at("2024-06-21T10:00:00Z", &["-vv", "run"]);
    assert_exit(&out, 0);
    assert_eq!(
        templated(&p, TEMPLATE),
        0,
        "the first three kept the learned template"
    );
}

/// Saved pages of one site: the template line is learned from the first run's pages (each of
/// which is extracted again, as what the source knew changed); a later run's new pages are
/// extracted once, with the template already known, and it stays learned.
#[test]
fn new_pages_of_a_source_that_learned_its_template_are_extracted_once() {
    const TEMPLATE: &str = "Quay Street edition, Port Ellen desk";
    let page = |topic: &str| {
        format!(
            "<!doctype html><html><head><title>The future of the {topic}</title></head><body>\
             <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article>\
             <h1>The future of the {topic}</h1>\
             <p>Councillors will decide next week whether to fund repairs to the {topic}, which has been closed since the spring.</p>\
             <p>{TEMPLATE}</p>\
             <p>Planning officers said the {topic} needs urgent work after years of delays, and that the cost has risen by a fifth.</p>\
             <p>Residents who use the {topic} every day asked councillors to approve the money before the end of the year.</p>\
             </article></body></html>"
        )
    };
    let p = Project::new(
        "[[feed]]\nname = \"local\"\ntitle = \"Local\"\nlink = \"https://gazette.example.org/\"\nlimit = 20\n[[feed.source]]\nname = \"gazette\"\ndir = \"saved\"\n",
    );
    let normalised = |out: &Ran| out.stderr.matches("normalising article").count();
    for (i, topic) in TOPICS.iter().enumerate().take(6) {
        p.write(&format!("saved/{i:02}.html"), &page(topic));
    }
    let first = p.run_at("2024-06-20T10:00:00Z", &["-vv", "run"]);
    assert_exit(&first, 0);
    assert_eq!(templated(&p, TEMPLATE), 0, "the template was not learned");
    assert_eq!(normalised(&first), 12, "{}", first.stderr);

    for (i, topic) in TOPICS.iter().enumerate().skip(6) {
        p.write(&format!("saved/{i:02}.html"), &page(topic));
    }
    let later = p.run_at("2024-06-21T10:00:00Z", &["-vv", "run"]);
    assert_exit(&later, 0);
    assert_eq!(normalised(&later), 4, "{}", later.stderr);
    assert_eq!(
        templated(&p, TEMPLATE),
        0,
        "new pages kept the learned template"
    );
}
