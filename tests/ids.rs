//! Item identity: ids never collide between sources of one feed, never change between runs,
//! and survive an upgrade of the state database.

use crate::util::*;

const T1: &str = "2024-06-20T10:00:00Z";
const T2: &str = "2024-06-21T10:00:00Z";

fn two_desks() -> Project {
    let p = Project::new(
        "[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/world\"\n\
         [[feed.source]]\nname = \"north\"\ndir = \"a\"\n\
         [[feed.source]]\nname = \"south\"\ndir = \"b\"\n",
    );
    p.write(
        "a/today.txt",
        "Harbour wall repaired before the storm season\n\nWorkers finished the repairs to the harbour wall on Tuesday, a week ahead of the storm season.\n",
    );
    p.write(
        "b/today.txt",
        "Library reopens after a year of renovation\n\nThe central library reopened on Tuesday with a new reading room and longer hours.\n",
    );
    p
}

fn ids_and_titles(p: &Project) -> Vec<(String, String)> {
    let json: serde_json::Value = serde_json::from_str(&p.read("feeds/world.json")).unwrap();
    let mut out: Vec<(String, String)> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["title"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn modified(p: &Project) -> Vec<std::time::SystemTime> {
    ["world.rss", "world.atom", "world.json"]
        .iter()
        .map(|f| {
            std::fs::metadata(p.path(&format!("feeds/{f}")))
                .unwrap()
                .modified()
                .unwrap()
        })
        .collect()
}

#[test]
fn same_file_name_in_two_sources_is_two_items_and_stays_put() {
    let p = two_desks();
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let first = ids_and_titles(&p);
    let titles: Vec<&str> = first.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(titles.contains(&"Harbour wall repaired before the storm season"));
    assert!(titles.contains(&"Library reopens after a year of renovation"));
    assert_ne!(first[0].0, first[1].0);

    let before = modified(&p);
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_exit(&p.run_at(T2, &["run"]), 0);
    assert_eq!(ids_and_titles(&p), first);
    assert_eq!(
        modified(&p),
        before,
        "a run with nothing new rewrote the feeds"
    );
}

/// A state database as builds before keyed items wrote it: ids `tag:AUTHORITY:FEED/PATH`, no
/// `key` column, no schema version. The upgrade must keep every id subscribers have seen.
#[test]
fn an_upgraded_state_database_keeps_every_published_id() {
    let p = Project::world();
    p.write(
        "articles/sub dir/café.md",
        "---\ntitle: Café opens on the square\n---\nA café opened on the square on Monday.\n",
    );
    assert_exit(&p.run_at(T1, &["run"]), 0);
    let db = p.path(".feedsmith/state.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    // Back to the old shape, with the ids the old scheme gave.
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT id, key, source FROM items")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2);
    let mut old_ids = Vec::new();
    for (id, key, source) in rows {
        let path = key.strip_prefix(&format!("{source}:")).unwrap();
        let old = feedsmith::pipeline::item_id("news.example.org,2024", "world", path);
        conn.execute("UPDATE items SET id = ?1 WHERE id = ?2", [&old, &id])
            .unwrap();
        old_ids.push(old);
    }
    conn.execute_batch(
        "DROP INDEX items_by_key; ALTER TABLE items DROP COLUMN key; DROP TABLE fingerprints;\n         DROP TABLE duplicates; DROP TABLE robots; DROP TABLE item_problems; DROP TABLE settings;\n         DROP TABLE archive_pages;\n         CREATE TABLE dead_links (feed TEXT NOT NULL, url TEXT NOT NULL, first_seen TEXT NOT NULL, PRIMARY KEY (feed, url));\n         ALTER TABLE feed_runs DROP COLUMN digest; PRAGMA user_version = 0;",
    )
    .unwrap();
    drop(conn);
    old_ids.sort();
    assert!(old_ids
        .iter()
        .any(|id| id.ends_with("/sub%20dir/caf%C3%A9.md")));

    let upgraded = p.run_at(T2, &["-v", "run"]);
    assert_exit(&upgraded, 0);
    let ids: Vec<String> = ids_and_titles(&p).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, old_ids);
    assert!(
        upgraded.stderr.contains("0 new"),
        "the upgrade published old items as new: {}",
        upgraded.stderr
    );
}
