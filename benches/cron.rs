//! Cron at scale: the release `feedsmith run` over 10,000 generated articles in 100 feeds of one
//! folder each (Markdown, and separately scraped text), cold (empty state), warm (nothing
//! changed) and after editing 10 files: wall, CPU and peak memory of the process from `wait4`.
//! "Cold" means an empty state and output folder; the files themselves are in the page cache.
//!
//! Usage: cargo bench --bench cron -- [--runs N] [ARTICLES_PER_FEED]
//!
//! With `FEEDSMITH_BENCH_CORPUS=DIR` set it only writes the two corpora (with their configs)
//! into `DIR/markdown` and `DIR/text` and exits, for profiling a run by hand.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{fmt, median, Proc, Rng, Table};

const FEEDS: usize = 100;

fn corpus(dir: &Path, markdown: bool, per_feed: usize) -> Vec<PathBuf> {
    let mut rng = Rng::new(if markdown { 0xc0de } else { 0x5c4a });
    let mut config = String::from(
        "[site]\ntitle = \"Cron bench\"\nbase_url = \"https://bench.example.org/feeds/\"\n",
    );
    let mut files = Vec::new();
    for f in 0..FEEDS {
        let folder = dir.join(format!("articles/f{f:03}"));
        std::fs::create_dir_all(&folder).expect("creating a feed folder");
        config += &format!(
            "\n[[feed]]\nname = \"f{f:03}\"\ntitle = \"Feed {f}\"\nlink = \"https://bench.example.org/f{f:03}\"\nlimit = {per_feed}\n\n[[feed.source]]\ndir = \"articles/f{f:03}\"\n"
        );
        for a in 0..per_feed {
            let (name, text) = if markdown {
                let size = rng.range(1_500, 8_000);
                (format!("a{a:03}.md"), common::markdown(&mut rng, size))
            } else {
                let size = rng.range(2_000, 20_000);
                (format!("a{a:03}.txt"), common::scraped_text(&mut rng, size))
            };
            let path = folder.join(name);
            std::fs::write(&path, text).expect("writing an article");
            files.push(path);
        }
    }
    std::fs::write(dir.join("config.toml"), config).expect("writing the config");
    files
}

fn run(dir: &Path) -> Proc {
    let p = common::measure(
        Command::new(common::feedsmith_bin())
            .args(["run", "--config"])
            .arg(dir.join("config.toml"))
            .current_dir(dir),
        Duration::from_secs(900),
    );
    if p.code != 0 {
        let first: String = p.stderr.lines().take(5).collect::<Vec<_>>().join("\n");
        eprintln!("feedsmith run exited {}: {first}", p.code);
    }
    p
}

fn main() {
    if !common::benching() {
        return;
    }
    let runs = common::runs(3);
    let per_feed: usize = common::positional()
        .first()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    if let Some(dir) = std::env::var_os("FEEDSMITH_BENCH_CORPUS") {
        for (markdown, name) in [(true, "markdown"), (false, "text")] {
            let files = corpus(&Path::new(&dir).join(name), markdown, per_feed);
            println!(
                "cron: {} files in {}",
                files.len(),
                Path::new(&dir).join(name).display()
            );
        }
        return;
    }
    let mut t = Table::default();
    for markdown in [true, false] {
        let kind = if markdown { "markdown" } else { "scraped text" };
        let tmp = tempfile::tempdir().expect("a temp dir");
        let files = corpus(tmp.path(), markdown, per_feed);
        let mb = files
            .iter()
            .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
            .sum::<u64>() as f64
            / 1e6;
        println!(
            "cron: {kind}: {} articles in {FEEDS} feeds, {mb:.1} MB",
            files.len()
        );
        let (mut cold, mut warm, mut edited) = (Vec::new(), Vec::new(), Vec::new());
        for r in 0..runs {
            for d in [".feedsmith", "feeds"] {
                let _ = std::fs::remove_dir_all(tmp.path().join(d));
            }
            cold.push(run(tmp.path()));
            warm.push(run(tmp.path()));
            // Ten files in ten feeds, each given a new paragraph (new each round).
            for k in 0..10 {
                let path = &files[k * files.len() / 10 + r];
                let mut text = std::fs::read_to_string(path).expect("reading an article");
                text += &format!(
                    "\nAn update added in round {r}: officials said the harbour plan will be reviewed again next week.\n"
                );
                std::fs::write(path, text).expect("editing an article");
            }
            edited.push(run(tmp.path()));
        }
        let cold_target = if markdown { 5.0 } else { 15.0 };
        for (phase, procs, wall_target) in [
            ("cold", &cold, cold_target),
            ("warm", &warm, 0.5),
            ("10 edited", &edited, 1.0),
        ] {
            let wall = median(&procs.iter().map(|p| p.wall).collect::<Vec<_>>());
            let cpu = median(&procs.iter().map(|p| p.cpu).collect::<Vec<_>>());
            let rss = median(&procs.iter().map(|p| p.max_rss_mb).collect::<Vec<_>>());
            t.add(
                format!("{kind}, {phase}: wall s"),
                fmt(wall),
                &format!("<= {wall_target}"),
                Some(wall <= wall_target),
            );
            t.add(format!("{kind}, {phase}: CPU s"), fmt(cpu), "-", None);
            t.add(
                format!("{kind}, {phase}: peak MB"),
                fmt(rss),
                "<= 200",
                Some(rss <= 200.0),
            );
        }
    }
    t.print(
        &format!("cron at scale, {FEEDS} feeds x {per_feed} articles"),
        runs,
    );
}
