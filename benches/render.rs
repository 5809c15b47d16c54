//! Rendering throughput and memory: feeds of 50, 1,000 and 100,000 items (bodies of 1–5 KB of
//! generated prose, as HTML and text), each item validated (`ValidItem::new`) and written
//! (`FormatWriter`, into nothing) in each format on one core; python-feedgen building and
//! serialising the same items (RSS, Atom) when `bench-venv/` exists; and peak memory per size,
//! from a child process (this bench run again with `FEEDSMITH_BENCH_RENDER_CHILD`) that
//! publishes the feed as a run does, its items generated one at a time instead of read from
//! the store: every format through the gate into files, each parsed back.
//!
//! The renderer is fed as a run feeds it: a run reads the store row by row, so the timed loop
//! gets the items [`CHUNK`] at a time, generated while the clock is stopped, and takes each one
//! over as a run does (no copy). Timing it over all 100,000 items held in memory (880 MB)
//! measured the memory system, not the writers.
//!
//! Usage: cargo bench --bench render -- [--runs N]

mod common;

use std::process::Command;
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{fmt, median, Rng, Table};
use feedsmith::config::Config;
use feedsmith::model::{Article, Item};
use feedsmith::publish::{
    render_gated, verify_file, FeedHead, Format, FormatWriter, ItemSource, ValidItem,
};

const SIZES: [usize; 3] = [50, 1_000, 100_000];
const CHILD_ENV: &str = "FEEDSMITH_BENCH_RENDER_CHILD";
/// Items rendered per timed sample: small feeds are rendered repeatedly so a sample is long
/// enough for the clock.
const ITEMS_PER_SAMPLE: usize = 100_000;
/// Items handed to the renderer at a time (generated untimed in between).
const CHUNK: usize = 1_000;

/// The feed's items, generated one at a time from a seeded PRNG: the same `n` items each time.
struct Generated {
    n: usize,
}

fn base() -> DateTime<Utc> {
    "2024-06-20T10:00:00Z".parse().expect("a date")
}

impl Generated {
    /// The items in order, each generated when asked for.
    fn iter(&self) -> impl Iterator<Item = Item> {
        let mut rng = Rng::new(0xfeed + self.n as u64);
        (0..self.n).map(move |i| {
            let size = rng.range(1_000, 5_000);
            let s = common::story(&mut rng, size);
            let content_html: String = s
                .paragraphs
                .iter()
                .map(|p| format!("<p>{p}</p>\n"))
                .collect();
            let published = base() - chrono::Duration::minutes(i as i64 * 7);
            let url = format!(
                "https://bench.example.org/{}/story-{i}",
                s.section.to_lowercase()
            );
            Item {
                id: format!("tag:bench.example.org,2024:render/{i}"),
                key: url.clone(),
                source: "bench".into(),
                article: Article {
                    title: s.title,
                    summary: Some(s.dek),
                    content_html,
                    content_text: s.paragraphs.join("\n\n"),
                    authors: vec![s.author],
                    link: url::Url::parse(&url).ok(),
                    categories: vec![s.section],
                    ..Article::default()
                },
                published,
                updated: published,
            }
        })
    }
}

impl ItemSource for Generated {
    fn dates(&mut self) -> feedsmith::error::Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
        let date = |i: usize| base() - chrono::Duration::minutes(i as i64 * 7);
        Ok((0..self.n).map(|i| (date(i), date(i))).collect())
    }

    /// Generated items carry no lead image and no podcast fields.
    fn extras(&mut self) -> feedsmith::error::Result<feedsmith::publish::Extras> {
        Ok(feedsmith::publish::Extras::default())
    }

    fn each(
        &mut self,
        limit: usize,
        each: &mut dyn FnMut(Item) -> feedsmith::error::Result<()>,
    ) -> feedsmith::error::Result<()> {
        self.iter().take(limit).try_for_each(each)
    }
}

fn items(n: usize) -> Vec<Item> {
    Generated { n }.iter().collect()
}

fn config(dir: &std::path::Path) -> Config {
    let text = "[site]\ntitle = \"Bench\"\nbase_url = \"https://bench.example.org/feeds/\"\nauthor = \"Bench Desk\"\n\
                max_feed_bytes = 1073741824\n\n\
                [[feed]]\nname = \"bench\"\ntitle = \"Bench\"\nlink = \"https://bench.example.org/\"\nlimit = 100000\n\n\
                [[feed.source]]\ndir = \".\"\n";
    Config::parse(text, &dir.join("config.toml")).expect("the bench config parses")
}

/// One format as a run renders it: each item validated, then written (here into nothing). The
/// items come from `next_chunk` (an empty chunk ends the feed), whose time is not counted.
/// Returns the file's length and the CPU seconds of starting, validating, writing and finishing.
fn render(
    config: &Config,
    format: Format,
    mut next_chunk: impl FnMut() -> Vec<Item>,
) -> (u64, f64) {
    let feed = &config.feeds[0];
    let c0 = common::thread_cpu();
    let head = FeedHead::new(feed, &config.site, base(), None).expect("a valid head");
    let mut w = FormatWriter::start(format, &head, std::io::sink()).expect("a sink");
    let mut cpu = common::thread_cpu() - c0;
    loop {
        let chunk = next_chunk();
        if chunk.is_empty() {
            break;
        }
        let c0 = common::thread_cpu();
        for item in chunk {
            let valid = ValidItem::new(&feed.name, item).expect("a valid item");
            w.item(&valid).expect("a sink");
        }
        cpu += common::thread_cpu() - c0;
    }
    let c0 = common::thread_cpu();
    let len = w.finish().expect("a sink").1.len;
    (len, cpu + common::thread_cpu() - c0)
}

/// [`render`] of the `n`-item feed: a feed of at most [`CHUNK`] items is generated once and
/// copied for each rendering (untimed, as the chunks are), a longer one generated afresh.
fn render_n(config: &Config, n: usize, small: Option<&[Item]>, format: Format) -> (u64, f64) {
    match small {
        Some(items) => {
            let mut once = Some(items.to_vec());
            render(config, format, || once.take().unwrap_or_default())
        }
        None => {
            let mut items = Generated { n }.iter();
            render(config, format, || items.by_ref().take(CHUNK).collect())
        }
    }
}

/// The child: one size's feed published as a run publishes it, except that the items come
/// from the generator instead of the store: every format rendered through the gate into files
/// and each file parsed back; the parent reads its peak. `items` mode only builds all the
/// items in memory, for comparison.
fn child(spec: &str) {
    let (mode, n) = spec.split_once(':').expect("MODE:N");
    let n: usize = n.parse().expect("a size");
    let tmp = tempfile::tempdir().expect("a temp dir");
    let config = config(tmp.path());
    if mode == "items" {
        std::hint::black_box(items(n).len());
        return;
    }
    let mut open = |f: Format| {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(tmp.path().join(f.file_name("bench")))
            .map_err(|e| feedsmith::error::Error::io(tmp.path(), e))?;
        Ok(std::io::BufWriter::new(file))
    };
    let (feed, site) = (&config.feeds[0], &config.site);
    let rendered = render_gated(
        feed,
        site,
        &mut Generated { n },
        base(),
        None,
        None,
        base(),
        &mut open,
    )
    .expect("the generated feed renders");
    assert_eq!(rendered.listed.len(), n, "every item kept");
    for (format, out, layout) in rendered.files {
        let file = out.into_inner().expect("flushed");
        verify_file(format, &file, &layout).expect("the file parses back");
    }
}

fn peak_mb(mode: &str, n: usize) -> f64 {
    let p = common::measure(
        Command::new(std::env::current_exe().expect("this bench's path"))
            .env(CHILD_ENV, format!("{mode}:{n}")),
        Duration::from_secs(600),
    );
    assert_eq!(p.code, 0, "the render child failed: {}", p.stderr);
    p.max_rss_mb
}

/// Writes the items as feedgen's script reads them and returns its medians (RSS, Atom).
fn feedgen(config: &Config, items: &[Item], runs: usize) -> Result<(f64, f64), String> {
    let feed = &config.feeds[0];
    let json = serde_json::json!({
        "id": format!("tag:{}:{}", config.site.id_authority, feed.name),
        "title": feed.title,
        "description": feed.title,
        "home": feed.link.as_str(),
        "self": format!("{}bench.rss", config.site.base_url),
        "author": config.site.author,
        "items": items.iter().map(|i| serde_json::json!({
            "id": i.id,
            "title": i.article.title,
            "link": i.article.link,
            "summary": i.article.summary,
            "content_html": i.article.content_html,
            "authors": i.article.authors,
            "categories": i.article.categories,
            "published": i.published.to_rfc3339(),
            "updated": i.updated.to_rfc3339(),
        })).collect::<Vec<_>>(),
    });
    let file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    serde_json::to_writer(std::io::BufWriter::new(file.as_file()), &json)
        .map_err(|e| e.to_string())?;
    common::peer_medians("feedgen", runs, file.path(), ["rss", "atom"])
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        child(&spec);
        return;
    }
    if !common::benching() {
        return;
    }
    let runs = common::runs(5);
    let tmp = tempfile::tempdir().expect("a temp dir");
    let config = config(tmp.path());
    let mut t = Table::default();
    // items/s per (size, format), for the linearity check.
    let mut rate = std::collections::HashMap::new();
    for n in SIZES {
        let small = (n <= CHUNK).then(|| items(n));
        let reps = (ITEMS_PER_SAMPLE / n).max(1);
        for f in Format::ALL {
            let (mut bytes, _) = render_n(&config, n, small.as_deref(), f); // warm-up
            let samples: Vec<f64> = (0..runs)
                .map(|_| {
                    let mut cpu = 0.0;
                    for _ in 0..reps {
                        let (b, c) = render_n(&config, n, small.as_deref(), f);
                        bytes = std::hint::black_box(b);
                        cpu += c;
                    }
                    cpu / reps as f64
                })
                .collect();
            let secs = median(&samples);
            let ips = n as f64 / secs;
            rate.insert((n, f.extension()), ips);
            let ext = f.extension();
            t.add(
                format!("{n} items {ext}: items per CPU-s"),
                fmt(ips),
                "-",
                None,
            );
            t.add(
                format!("{n} items {ext}: MB per CPU-s"),
                fmt(bytes as f64 / 1e6 / secs),
                "-",
                None,
            );
        }
        if common::peer_python().is_some() {
            // feedgen at 100,000 items takes minutes a run: three runs are enough there.
            let peer_runs = if n >= 100_000 { runs.min(3) } else { runs };
            let all = small.clone().unwrap_or_else(|| items(n));
            match feedgen(&config, &all, peer_runs) {
                Ok((rss, atom)) => {
                    for (f, peer) in [(Format::Rss, rss), (Format::Atom, atom)] {
                        let ext = f.extension();
                        let ratio = rate[&(n, f.extension())] / peer;
                        t.add(
                            format!("{n} items {ext}: feedgen items per CPU-s"),
                            fmt(peer),
                            "-",
                            None,
                        );
                        t.add(
                            format!("{n} items {ext}: feedsmith / feedgen"),
                            format!("{ratio:.2}x"),
                            ">= 2x",
                            Some(ratio >= 2.0),
                        );
                    }
                }
                Err(why) => println!("feedgen not measured at {n}: {}", why.trim()),
            }
        }
        drop(small);
        let items_mb = peak_mb("items", n);
        let peak = peak_mb("render", n);
        t.add(
            format!("{n} items: peak MB, all items built in memory (one run)"),
            fmt(items_mb),
            "-",
            None,
        );
        let (target, met) = if n == 100_000 {
            ("<= 500", Some(peak <= 500.0))
        } else {
            ("-", None)
        };
        t.add(
            format!("{n} items: peak MB, rendered to files + parsed back (one run)"),
            fmt(peak),
            target,
            met,
        );
    }
    for f in Format::ALL {
        // Linear: per-item cost at 100,000 items at most 1.25× that at 1,000.
        let ratio = rate[&(100_000, f.extension())] / rate[&(1_000, f.extension())];
        t.add(
            format!("{}: items/s at 100,000 over at 1,000", f.extension()),
            format!("{ratio:.2}"),
            ">= 0.8 (linear)",
            Some(ratio >= 0.8),
        );
    }
    t.print("rendering", runs);
}
