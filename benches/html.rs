//! HTML extraction throughput: feedsmith's `normalize()` on saved pages on one core (CPU clock),
//! trafilatura and readability-lxml on the same pages (extraction only, timed inside Python,
//! when `bench-venv/` exists), and a whole-process cold `feedsmith run` over the same pages
//! saved as `.html` files in a `dir` source (which goes through the same extractor).
//!
//! Usage: cargo bench --bench html -- [--runs N] [DEV_DIR...]  (default ../shared/extraction-dev)

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{fmt, median, DevPage, Table};
use feedsmith::model::{Metadata, RawArticle, RawBody};
use feedsmith::normalize::{self, chrome::Rules, learn::Learned, Context};

/// Whole-process pages/s over trafilatura's extraction-only pages/s (10× is the aim).
const TARGET_RATIO: f64 = 8.0;

fn ours(pages: &[DevPage], runs: usize) -> Vec<f64> {
    let rules = Rules::default();
    let learned = Learned::default();
    let ctx = Context::new(chrono::Utc::now(), &rules, &learned);
    let raws: Vec<RawArticle> = pages
        .iter()
        .map(|p| RawArticle {
            source: "bench".into(),
            key: p.id.clone(),
            body: RawBody::Html(String::from_utf8_lossy(&p.bytes).into_owned()),
            base_url: url::Url::parse(&p.url).ok(),
            file_time: None,
            hints: Metadata::default(),
        })
        .collect();
    let mut sink = 0usize;
    let mut pass = || {
        let c0 = common::thread_cpu();
        for r in &raws {
            sink += normalize::normalize(r, &ctx).map_or(0, |a| a.content_text.len());
        }
        common::thread_cpu() - c0
    };
    pass(); // untimed warm-up
    let secs: Vec<f64> = (0..runs).map(|_| pass()).collect();
    std::hint::black_box(sink);
    secs.iter().map(|s| pages.len() as f64 / s).collect()
}

/// Medians of the Python peers' pages per CPU-second, or why they were not measured.
fn peers(dir: &Path, runs: usize) -> Result<(f64, f64), String> {
    common::peer_medians("extract", runs, dir, ["trafilatura", "readability"])
}

/// Cold `feedsmith run` over the pages saved as `.html` files: (pages/s wall, pages per
/// CPU-second, peak MB) per run, each run from an empty state.
fn whole_process(pages: &[DevPage], runs: usize) -> Vec<(f64, f64, f64)> {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let articles = tmp.path().join("pages");
    std::fs::create_dir_all(&articles).expect("creating the pages folder");
    for p in pages {
        std::fs::write(articles.join(format!("{}.html", p.id)), &p.bytes).expect("writing a page");
    }
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        "[site]\ntitle = \"Bench\"\nbase_url = \"https://bench.example.org/feeds/\"\n\n\
         [[feed]]\nname = \"pages\"\ntitle = \"Pages\"\nlink = \"https://bench.example.org/\"\nlimit = 100000\n\n\
         [[feed.source]]\ndir = \"pages\"\n",
    )
    .expect("writing the config");
    (0..runs)
        .map(|_| {
            for d in [".feedsmith", "feeds"] {
                let _ = std::fs::remove_dir_all(tmp.path().join(d));
            }
            let p = common::measure(
                Command::new(common::feedsmith_bin())
                    .arg("run")
                    .arg("--config")
                    .arg(&config)
                    .current_dir(tmp.path()),
                Duration::from_secs(600),
            );
            if p.code > 1 {
                eprintln!("feedsmith run exited {}: {}", p.code, p.stderr);
            }
            let n = pages.len() as f64;
            (n / p.wall, n / p.cpu, p.max_rss_mb)
        })
        .collect()
}

fn main() {
    if !common::benching() {
        return;
    }
    let runs = common::runs(5);
    let mut dirs: Vec<PathBuf> = common::positional()
        .into_iter()
        .map(PathBuf::from)
        .collect();
    if dirs.is_empty() {
        dirs.push(common::root().join("../shared/extraction-dev"));
    }
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let pages = common::dev_pages(&dir);
        let mb = pages.iter().map(|p| p.bytes.len()).sum::<usize>() as f64 / 1e6;
        println!("html: {name}: {} pages, {mb:.1} MB", pages.len());
        let n = pages.len() as f64;
        let ours = median(&ours(&pages, runs));
        let mut t = Table::default();
        t.add(
            format!("{name}: feedsmith extraction pages per CPU-s"),
            fmt(ours),
            "-",
            None,
        );
        t.add(
            format!("{name}: feedsmith extraction MB per CPU-s"),
            fmt(ours * mb / n),
            "-",
            None,
        );

        let whole = whole_process(&pages, runs);
        let wall = median(&whole.iter().map(|w| w.0).collect::<Vec<_>>());
        let cpu = median(&whole.iter().map(|w| w.1).collect::<Vec<_>>());
        let rss = median(&whole.iter().map(|w| w.2).collect::<Vec<_>>());
        t.add(
            format!("{name}: cold `feedsmith run` pages/s (wall)"),
            fmt(wall),
            "-",
            None,
        );
        t.add(
            format!("{name}: cold `feedsmith run` pages per CPU-s"),
            fmt(cpu),
            "-",
            None,
        );
        t.add(
            format!("{name}: cold `feedsmith run` peak MB"),
            fmt(rss),
            "-",
            None,
        );

        match peers(&dir, runs) {
            Ok((traf, read)) => {
                t.add(
                    format!("{name}: trafilatura pages per CPU-s"),
                    fmt(traf),
                    "-",
                    None,
                );
                t.add(
                    format!("{name}: readability-lxml pages per CPU-s"),
                    fmt(read),
                    "-",
                    None,
                );
                t.add(
                    format!("{name}: extraction / trafilatura"),
                    format!("{:.2}x", ours / traf),
                    "-",
                    None,
                );
                t.add(
                    format!("{name}: extraction / readability-lxml"),
                    format!("{:.2}x", ours / read),
                    "-",
                    None,
                );
                let ratio = wall / traf;
                t.add(
                    format!("{name}: whole run (wall) / trafilatura"),
                    format!("{ratio:.2}x"),
                    ">= 8x (aim 10x)",
                    Some(ratio >= TARGET_RATIO),
                );
            }
            Err(why) => println!("peers not measured: {}", why.trim()),
        }
        t.print(&format!("HTML extraction, {name}"), runs);
    }
}
