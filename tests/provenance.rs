//! `preview` says where an article's title, authors and date were found (`title_source`,
//! `author_source`, `published_source` in `--json`, "(from …)" with `-v`): each fixture page
//! in `tests/fixtures/provenance/` keeps its metadata in one kind of place, and its
//! `.expected.json` beside it holds the fields and sources preview must report.

use crate::util::{assert_exit, Project};

const FIELDS: &[&str] = &[
    "title",
    "title_source",
    "authors",
    "author_source",
    "published",
    "published_source",
];

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/provenance/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn preview_json(p: &Project, file: &str) -> serde_json::Value {
    let out = p.run(&["preview", "--json", file]);
    assert_exit(&out, 0);
    serde_json::from_str(&out.stdout).unwrap()
}

/// Published dates compare as instants with their offsets: `Z` and `+00:00` are one.
fn same(field: &str, got: &serde_json::Value, want: &serde_json::Value) -> bool {
    match (field, got.as_str(), want.as_str()) {
        ("published", Some(g), Some(w)) => {
            let parse = chrono::DateTime::parse_from_rfc3339;
            matches!((parse(g), parse(w)), (Ok(g), Ok(w)) if g == w && g.offset() == w.offset())
        }
        _ => got == want,
    }
}

#[test]
fn preview_json_names_where_title_authors_and_date_came_from() {
    let p = Project::world();
    for name in ["jsonld", "meta", "microdata", "byline", "permalink"] {
        p.write(
            &format!("articles/{name}.html"),
            &fixture(&format!("{name}.html")),
        );
        let got = preview_json(&p, &format!("articles/{name}.html"));
        let want: serde_json::Value =
            serde_json::from_str(&fixture(&format!("{name}.expected.json"))).unwrap();
        for field in FIELDS {
            assert!(
                same(field, &got[field], &want[field]),
                "{name}.html: {field} is {}, expected {}",
                got[field],
                want[field]
            );
        }
    }
}

#[test]
fn fields_the_source_gives_are_credited_to_it_and_missing_ones_have_no_source() {
    let p = Project::world();
    p.write(
        "articles/notes.md",
        "---\ntitle: Quay repairs begin\nauthor: Ines Vale\n---\n\nWork on the old quay started this week and is due to last until spring.\n",
    );
    let v = preview_json(&p, "articles/notes.md");
    assert_eq!(v["title"], "Quay repairs begin");
    assert_eq!(v["title_source"], "source");
    assert_eq!(v["author_source"], "source");
    // No date anywhere: no date, and no source for one.
    assert!(v["published"].is_null(), "{v}");
    assert!(v.get("published_source").is_none(), "{v}");
}

#[test]
fn verbose_preview_shows_the_sources_beside_the_fields() {
    let p = Project::world();
    p.write("articles/meta.html", &fixture("meta.html"));
    let out = p.run(&["-v", "preview", "articles/meta.html"]);
    assert_exit(&out, 0);
    assert!(
        out.stdout
            .contains("Authors:   Mara Costa  (from meta:author)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("(from meta:article:published_time)"),
        "{}",
        out.stdout
    );
    // Without -v the fields stand alone.
    let out = p.run(&["preview", "articles/meta.html"]);
    assert!(!out.stdout.contains("(from "), "{}", out.stdout);
}
