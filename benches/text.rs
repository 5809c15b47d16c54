//! Plain-text normalisation throughput on one core: a generated corpus of scraped articles
//! (chrome included, 2–20 KB each, seeded so every run sees the same bytes) through
//! `normalize()`, timed by this thread's CPU clock.
//!
//! Usage: cargo bench --bench text -- [--runs N] [ARTICLES]

mod common;

use common::{fmt, median, Rng, Table};
use feedsmith::model::{Metadata, RawArticle, RawBody};
use feedsmith::normalize::{self, chrome::Rules, learn::Learned, Context};

const TARGET_MB_PER_CPU_S: f64 = 50.0;

fn main() {
    if !common::benching() {
        return;
    }
    let runs = common::runs(5);
    let count: usize = common::positional()
        .first()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let mut rng = Rng::new(0x7e57);
    let raws: Vec<RawArticle> = (0..count)
        .map(|i| {
            let size = rng.range(2_000, 20_000);
            RawArticle {
                source: "bench".into(),
                key: format!("a{i}.txt"),
                body: RawBody::Text(common::scraped_text(&mut rng, size)),
                base_url: None,
                file_time: None,
                hints: Metadata::default(),
            }
        })
        .collect();
    let bytes: usize = raws
        .iter()
        .map(|r| match &r.body {
            RawBody::Text(t) => t.len(),
            _ => 0,
        })
        .sum();
    println!(
        "text: {count} generated scraped articles, {:.1} MB, one thread",
        bytes as f64 / 1e6
    );
    let rules = Rules::default();
    let learned = Learned::default();
    let now = chrono::DateTime::parse_from_rfc3339("2024-06-20T10:00:00Z")
        .expect("a date")
        .to_utc();
    let ctx = Context::new(now, &rules, &learned);

    let mut sink = 0usize;
    // One untimed pass: page faults and lazy statics (regexes) do not count.
    for r in &raws {
        sink += normalize::normalize(r, &ctx).map_or(0, |a| a.content_text.len());
    }
    let mut cpu = Vec::new();
    let mut wall = Vec::new();
    for _ in 0..runs {
        let (c0, w0) = (common::thread_cpu(), std::time::Instant::now());
        for r in &raws {
            sink += normalize::normalize(r, &ctx).map_or(0, |a| a.content_text.len());
        }
        cpu.push(common::thread_cpu() - c0);
        wall.push(w0.elapsed().as_secs_f64());
    }
    std::hint::black_box(sink);
    let mb_cpu = bytes as f64 / 1e6 / median(&cpu);
    let mut t = Table::default();
    t.add(
        "text normalisation MB per CPU-second",
        fmt(mb_cpu),
        ">= 50",
        Some(mb_cpu >= TARGET_MB_PER_CPU_S),
    );
    t.add(
        "text normalisation articles per CPU-second",
        fmt(count as f64 / median(&cpu)),
        "-",
        None,
    );
    t.add(
        "text normalisation MB/s (wall, one thread)",
        fmt(bytes as f64 / 1e6 / median(&wall)),
        "-",
        None,
    );
    t.print("plain-text normalisation", runs);
}
