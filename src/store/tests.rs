//! The store's tests, run against each engine: SQLite always, PostgreSQL where
//! `FEEDSMITH_TEST_PG_URL` names a server (`.ci/test` starts one).

use super::*;

/// Opens the engine's state, the same state every time it is called.
type Open<'a> = &'a dyn Fn() -> Store;

/// Each test, once per engine: `$name(open)` with a fresh state.
macro_rules! on_each_engine {
    ($($name:ident),* $(,)?) => {
        mod sqlite_engine {
            $(
                #[test]
                fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let path = dir.path().join("s.db");
                    super::$name(&|| Store::open(&path).unwrap());
                }
            )*
            use super::Store;
        }
        #[cfg(feature = "postgres")]
        mod postgres_engine {
            $(
                #[test]
                fn $name() {
                    let Some(schema) = crate::store::postgres::testing::TestSchema::new() else {
                        return;
                    };
                    super::$name(&|| Store::connect(&schema.url).unwrap());
                }
            )*
            use super::Store;
        }
    };
}

on_each_engine!(
    first_seen_dates_and_updates,
    a_teaser_is_not_known_until_its_full_text_is_stored,
    dry_run_rolls_back,
    source_runs_oldest_first_and_bounded,
    chrome_counts_each_article_once,
    validators_robots_fingerprints_and_settings_round_trip,
    problems_count_runs_in_a_row,
    feed_runs_signatures_and_orphans,
    archive_pages_fill_in_order_and_scopes_read_them,
);

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn article(body: &str) -> Article {
    Article {
        title: "T".into(),
        content_text: body.into(),
        ..Default::default()
    }
}

fn put(s: &Store, key: &str, a: &Article, partial: bool, now: DateTime<Utc>) -> Result<Upsert> {
    let id = format!("id-{key}");
    let item = NewItem {
        key,
        id: &id,
        source: "src",
        article: a,
        partial,
    };
    s.upsert("f", &item, now)
}

fn first_seen_dates_and_updates(open: Open) {
    let mut s = open();
    s.transaction(true, |s| {
        assert_eq!(
            put(s, "a", &article("one"), false, t("2024-01-01T00:00:00Z"))?,
            Upsert::New
        );
        assert_eq!(
            put(s, "a", &article("one"), false, t("2024-01-02T00:00:00Z"))?,
            Upsert::Unchanged
        );
        assert_eq!(
            put(s, "a", &article("two"), false, t("2024-01-03T00:00:00Z"))?,
            Upsert::Changed
        );
        Ok(())
    })
    .unwrap();
    let items = s.items("f", 10).unwrap();
    assert_eq!((items[0].id.as_str(), items[0].key.as_str()), ("id-a", "a"));
    assert_eq!(items[0].published, t("2024-01-01T00:00:00Z"));
    assert_eq!(items[0].updated, t("2024-01-03T00:00:00Z"));
    assert_eq!(items[0].article.content_text, "two");
    assert_eq!(
        s.item_dates("f", Scope::Newest(10)).unwrap(),
        [(t("2024-01-01T00:00:00Z"), t("2024-01-03T00:00:00Z"))]
    );
    assert_eq!(
        s.body_lengths("f", &["a".into(), "zz".into()]).unwrap(),
        [3]
    );
}

fn a_teaser_is_not_known_until_its_full_text_is_stored(open: Open) {
    let mut s = open();
    let now = Utc::now();
    s.transaction(true, |s| put(s, "a", &article("x"), true, now).map(|_| ()))
        .unwrap();
    assert!(s.known_keys("f").unwrap().is_empty());
    s.transaction(true, |s| put(s, "a", &article("x"), false, now).map(|_| ()))
        .unwrap();
    assert_eq!(s.known_keys("f").unwrap(), HashSet::from(["a".to_string()]));
    // A copy left out while its twin stands is known too.
    s.note_duplicate("f", "copy", "a").unwrap();
    assert!(s.known_keys("f").unwrap().contains("copy"));
    drop(s);
    let again = open(); // opening again is a no-op
    assert_eq!(again.items("f", 10).unwrap().len(), 1);
}

fn dry_run_rolls_back(open: Open) {
    let mut s = open();
    s.transaction(false, |s| {
        put(s, "a", &article("x"), false, Utc::now()).map(|_| ())
    })
    .unwrap();
    assert!(s.items("f", 10).unwrap().is_empty());
}

fn source_runs_oldest_first_and_bounded(open: Open) {
    let s = open();
    let start = t("2024-01-01T00:00:00Z");
    for i in 0..(SOURCE_RUNS_KEPT + 5) {
        let run = SourceRun {
            at: start + chrono::Duration::minutes(i.into()),
            ok: i % 2 == 0,
            items: i,
            avg_body_len: 100,
            error: (i % 2 == 1).then(|| format!("failure {i}")),
        };
        s.record_source_run("f", "src", &run).unwrap();
    }
    let runs = s.source_runs("f", "src").unwrap();
    assert_eq!(runs.len(), SOURCE_RUNS_KEPT as usize);
    assert_eq!(runs[0].items, 5);
    assert_eq!(runs[runs.len() - 2].error.as_deref(), Some("failure 53"));
    assert!(s.source_runs("f", "other").unwrap().is_empty());
}

fn chrome_counts_each_article_once(open: Open) {
    let s = open();
    let lines = vec!["footer".to_string()];
    for key in ["a", "b", "b", "c"] {
        s.count_chrome("src", key, &lines).unwrap();
    }
    let (counts, seen) = s.chrome_counts("src").unwrap();
    assert_eq!(seen, 3);
    assert_eq!(counts["footer"], 3);
    assert!(s.chrome_counted("src", "b").unwrap());
    assert!(!s.chrome_counted("src", "d").unwrap());
}

fn validators_robots_fingerprints_and_settings_round_trip(open: Open) {
    let s = open();
    let v = Validators {
        etag: Some("\"e1\"".into()),
        last_modified: None,
    };
    assert_eq!(s.validators("https://ex.org/a").unwrap(), None);
    s.set_validators("https://ex.org/a", &v).unwrap();
    s.set_validators("https://ex.org/a", &v).unwrap();
    assert_eq!(s.validators("https://ex.org/a").unwrap(), Some(v.clone()));
    let copy = RobotsCopy {
        body: "User-agent: *\nDisallow: /x".into(),
        validators: v,
        fetched_at: t("2024-05-01T10:00:00.123456Z"),
    };
    s.set_robots("https://ex.org", &copy).unwrap();
    assert_eq!(s.robots().unwrap()["https://ex.org"], copy);
    let print = Fingerprint {
        size: 12,
        modified_ns: 1_700_000_000_123_456_789,
        hash: "h".into(),
    };
    s.set_fingerprint("f", "desk", "a.txt", &print).unwrap();
    assert_eq!(s.fingerprints("f", "desk").unwrap()["a.txt"], print);
    assert!(s.fingerprints("f", "other").unwrap().is_empty());
    assert_eq!(s.setting("k").unwrap(), None);
    s.set_setting("k", "one").unwrap();
    s.set_setting("k", "two").unwrap();
    assert_eq!(s.setting("k").unwrap().as_deref(), Some("two"));
    assert!(s.claims().unwrap().is_empty());
}

fn problems_count_runs_in_a_row(open: Open) {
    let s = open();
    let now = t("2024-01-01T00:00:00Z");
    assert_eq!(s.note_item_problem("f", "src", "dead", now).unwrap(), 1);
    assert_eq!(s.note_item_problem("f", "src", "dead", now).unwrap(), 2);
    s.note_item_problem("f", "src", "big", now).unwrap();
    assert_eq!(
        s.item_problems("f", "src").unwrap(),
        [("big".to_string(), 1), ("dead".to_string(), 2)]
    );
    s.clear_item_problem("f", "src", "dead").unwrap();
    assert_eq!(s.item_problems("f", "src").unwrap().len(), 1);
}

fn feed_runs_signatures_and_orphans(open: Open) {
    let mut s = open();
    assert_eq!(s.last_run("f").unwrap(), None);
    let first = t("2024-01-01T00:00:00Z");
    assert_eq!(s.record_feed_run("f", first).unwrap(), first);
    let later = t("2024-01-02T00:00:00Z");
    assert_eq!(s.record_feed_run("f", later).unwrap(), first);
    assert_eq!(s.last_run("f").unwrap(), Some(later));
    assert_eq!(s.first_run("f").unwrap(), Some(first));
    assert_eq!(s.feed_digest("f").unwrap(), None);
    s.set_feed_digest("f", "d1").unwrap();
    assert_eq!(s.feed_digest("f").unwrap().as_deref(), Some("d1"));
    let (empty, n) = s.feed_signature("f", 10).unwrap();
    assert_eq!(n, 0);
    s.transaction(true, |s| {
        put(s, "a", &article("x"), false, first).map(|_| ())
    })
    .unwrap();
    let (one, n) = s.feed_signature("f", 10).unwrap();
    assert_eq!(n, 1);
    assert_ne!(one, empty);
    assert!(s.warn_orphan_once("old.rss", first).unwrap());
    assert!(!s.warn_orphan_once("old.rss", first).unwrap());
    s.forget_orphan("old.rss").unwrap();
    assert!(s.warn_orphan_once("old.rss", first).unwrap());
}

fn archive_pages_fill_in_order_and_scopes_read_them(open: Open) {
    let mut s = open();
    let days = ["01", "02", "03", "04", "05"];
    s.transaction(true, |s| {
        for (i, day) in days.iter().enumerate() {
            let mut a = article(&format!("story {i}"));
            if i == 4 {
                a.image = Some(url::Url::parse("https://e.org/lead.jpg").unwrap());
                a.language = Some("en".into());
                a.podcast = Some(crate::model::Podcast {
                    duration: Some(61),
                    ..Default::default()
                });
            }
            put(
                s,
                &format!("k{i}"),
                &a,
                false,
                t(&format!("2024-01-{day}T00:00:00Z")),
            )?;
        }
        Ok(())
    })
    .unwrap();
    // Past the newest 2: k2, k1, k0; filed oldest first, 2 a page.
    assert_eq!(s.archive_overflow("f", 2).unwrap(), (2, true));
    assert_eq!(
        s.archive_overflow("f", 2).unwrap(),
        (2, false),
        "filed once"
    );
    assert_eq!(s.archive_page_count("f").unwrap(), 2);
    let keys = |scope| {
        let mut keys = Vec::new();
        s.each_item_in("f", scope, &mut |item| {
            keys.push(item.key);
            Ok(())
        })
        .unwrap();
        keys
    };
    assert_eq!(keys(Scope::Page(1)), ["k1", "k0"]);
    assert_eq!(keys(Scope::Page(2)), ["k2"]);
    assert_eq!(keys(Scope::Newest(2)), ["k4", "k3"]);
    assert_eq!(
        s.item_dates("f", Scope::Page(2)).unwrap(),
        [(t("2024-01-03T00:00:00Z"), t("2024-01-03T00:00:00Z"))]
    );
    let media = s.item_media("f", Scope::Newest(2)).unwrap();
    assert_eq!(media.len(), 2);
    assert!(media[0].image && !media[1].image);
    assert_eq!(media[0].language.as_deref(), Some("en"));
    assert_eq!(media[1].language, None);
    assert_eq!(media[0].podcast.as_ref().and_then(|p| p.duration), Some(61));
    assert!(media[1].podcast.is_none());
}

#[test]
fn a_hash_kept_by_an_earlier_build_still_matches_its_article() {
    use sha2::{Digest, Sha256};
    let one = article("one");
    // What builds before XXH3 kept: SHA-256 of the undated JSON, in hex.
    let legacy: String = Sha256::digest(serde_json::to_vec(&one).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let hash = content_hash(&one);
    assert_eq!(hash.len(), 32);
    assert!(same_content(&hash, &hash, &one));
    assert!(same_content(&legacy, &hash, &one));
    let two = article("two");
    assert!(!same_content(&legacy, &content_hash(&two), &two));
    // Dates are the store's: they never change the hash.
    let dated = Article {
        published: Some(t("2024-01-01T00:00:00Z").fixed_offset()),
        ..one.clone()
    };
    assert_eq!(content_hash(&dated), hash);
}
