//! `run --shard I/N` and `check --shard I/N`: N copies together refresh every feed exactly
//! once, each copy the same feeds every time, and a shard that does not exist is refused.

use std::collections::BTreeSet;

use crate::util::{assert_exit, write_article, Project};

const FEEDS: usize = 12;

fn project() -> Project {
    let mut feeds = String::new();
    for i in 0..FEEDS {
        feeds.push_str(&format!(
            "[[feed]]\nname = \"desk-{i}\"\ntitle = \"Desk {i}\"\nlink = \"https://news.example.org/{i}\"\n\
             [[feed.source]]\ndir = \"articles/{i}\"\n\n"
        ));
    }
    let p = Project::new(&feeds);
    for i in 0..FEEDS {
        write_article(
            &p.path(&format!("articles/{i}")),
            "story.txt",
            &format!("Story {i}"),
        );
    }
    p
}

/// The feeds a `-v` run reports ("NAME: 1 new, …").
fn refreshed(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .filter_map(|l| l.trim().split_once(": "))
        .filter(|(_, rest)| rest.contains(" new, "))
        .map(|(name, _)| name.rsplit(' ').next().unwrap().to_string())
        .collect()
}

#[test]
fn two_shards_refresh_every_feed_exactly_once() {
    let p = project();
    let zero = p.run(&["run", "--shard", "0/2", "-v"]);
    assert_exit(&zero, 0);
    let a = refreshed(&zero.stderr);
    // Only shard 0's feeds have files yet.
    for i in 0..FEEDS {
        let name = format!("desk-{i}");
        assert_eq!(
            p.path(&format!("feeds/{name}.rss")).is_file(),
            a.contains(&name),
            "{name}"
        );
    }
    let one = p.run(&["run", "--shard", "1/2", "-v"]);
    assert_exit(&one, 0);
    let b = refreshed(&one.stderr);
    assert!(!a.is_empty() && !b.is_empty(), "{a:?} {b:?}");
    assert!(
        a.is_disjoint(&b),
        "in both shards: {:?}",
        a.intersection(&b)
    );
    let all: BTreeSet<String> = (0..FEEDS).map(|i| format!("desk-{i}")).collect();
    assert_eq!(&a | &b, all);
    // The same split on the next run, and in `check`.
    let again = p.run(&["run", "--all", "--shard", "0/2", "-v"]);
    assert_eq!(refreshed(&again.stderr), a);
    let check = p.run(&["check", "--shard", "1/2"]);
    assert_exit(&check, 0);
    let checked: BTreeSet<String> = check
        .stdout
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(n, _)| n.to_string()))
        .filter(|n| n.starts_with("desk-"))
        .collect();
    assert_eq!(checked, b);
    // One shard of one is everything.
    let whole = p.run(&["check", "--shard", "0/1"]);
    assert_eq!(
        whole
            .stdout
            .lines()
            .filter(|l| l.starts_with("desk-"))
            .count(),
        FEEDS
    );
}

#[test]
fn a_shard_that_does_not_exist_is_refused() {
    let p = project();
    for (arg, said) in [
        (
            "2/2",
            "copy 2 of 2 does not exist: copies are numbered 0 to N-1",
        ),
        ("0/0", "the number of copies must be at least 1"),
        ("1", "expected I/N, like 0/3"),
        ("a/b", "expected I/N, like 0/3"),
    ] {
        let r = p.run(&["run", "--shard", arg]);
        assert_exit(&r, 2);
        assert!(
            r.stderr.contains(said) && r.stderr.contains("--shard"),
            "{arg}: {}",
            r.stderr
        );
        assert!(!p.path("feeds").exists(), "{arg}: nothing ran");
    }
    let r = p.run(&["run", "--shard", "0/2", "--feed", "desk-1"]);
    assert_exit(&r, 2);
}
