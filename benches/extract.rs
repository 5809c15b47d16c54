//! Extraction throughput on a folder laid out like `shared/extraction-dev`: feedsmith's whole
//! `normalize()` on HTML pages against dom_smoothie, html5ever parsing alone and (when a
//! `bench-venv` with trafilatura exists) trafilatura, all on one thread over the same pages.
//!
//! Usage: cargo bench --bench extract -- [DATA_DIR] [--passes N]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use feedsmith::model::{Metadata, RawArticle, RawBody};
use feedsmith::normalize::{self, chrome::Rules, learn::Learned, Context};

struct Page {
    id: String,
    url: String,
    html: String,
}

fn load(dir: &Path) -> Vec<Page> {
    let truth = std::fs::read_to_string(dir.join("ground-truth.json"))
        .unwrap_or_else(|e| panic!("reading {}/ground-truth.json: {e}", dir.display()));
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&truth).expect("ground-truth.json is a JSON object");
    map.into_iter()
        .map(|(id, v)| {
            let path = dir.join("html").join(format!("{id}.html.gz"));
            let file = std::fs::File::open(&path)
                .unwrap_or_else(|e| panic!("opening {}: {e}", path.display()));
            let mut bytes = Vec::new();
            flate2::read::GzDecoder::new(file)
                .read_to_end(&mut bytes)
                .unwrap_or_else(|e| panic!("gunzip {}: {e}", path.display()));
            Page {
                id,
                url: v["url"].as_str().unwrap_or_default().to_string(),
                html: String::from_utf8_lossy(&bytes).into_owned(),
            }
        })
        .collect()
}

/// Times each extractor over every page, `passes` times after one warm-up pass. Passes are
/// interleaved (one pass of each in turn) so that load from elsewhere on the machine hits all
/// of them alike. Returns pages per second for each.
fn time(pages: usize, passes: usize, runs: &mut [&mut dyn FnMut(usize) -> usize]) -> Vec<f64> {
    let mut sink = 0usize;
    let mut secs = vec![0f64; runs.len()];
    for pass in 0..=passes {
        for (k, f) in runs.iter_mut().enumerate() {
            let start = Instant::now();
            for i in 0..pages {
                sink = sink.wrapping_add(f(i));
            }
            if pass > 0 {
                secs[k] += start.elapsed().as_secs_f64();
            }
        }
    }
    std::hint::black_box(sink);
    secs.iter()
        .map(|s| (pages * passes) as f64 / s.max(1e-9))
        .collect()
}

fn main() {
    // `cargo test --all-targets` runs this binary without --bench: time nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dir = root.join("../shared/extraction-dev");
    let mut passes = 5;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--passes" => {
                passes = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--passes needs a number")
            }
            // cargo bench adds --bench; other flags are not ours either.
            s if s.starts_with('-') => {}
            s => dir = PathBuf::from(s),
        }
    }
    let pages = load(&dir);
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    println!(
        "{} pages, {:.1} MB of HTML, {passes} timed passes each, one thread",
        pages.len(),
        bytes as f64 / 1e6
    );

    let rules = Rules::default();
    let learned = Learned::default();
    let ctx = Context::new(chrono::Utc::now(), &rules, &learned);
    let raws: Vec<RawArticle> = pages
        .iter()
        .map(|p| RawArticle {
            source: "bench".into(),
            key: p.id.clone(),
            body: RawBody::Html(p.html.clone()),
            base_url: url::Url::parse(&p.url).ok(),
            file_time: None,
            hints: Metadata::default(),
        })
        .collect();
    let n = pages.len();
    let mut ours =
        |i: usize| normalize::normalize(&raws[i], &ctx).map_or(0, |a| a.content_text.len());
    let mut smoothie = |i: usize| {
        let p = &pages[i];
        dom_smoothie::Readability::new(p.html.as_str(), Some(p.url.as_str()), None)
            .and_then(|mut r| r.parse())
            .map_or(0, |a| a.text_content.len())
    };
    let mut parse = |i: usize| dom_query::Document::from(pages[i].html.as_str()).tree.len();
    let rates = time(n, passes, &mut [&mut ours, &mut smoothie, &mut parse]);
    let (ours, smoothie, parse) = (rates[0], rates[1], rates[2]);
    println!("feedsmith normalize (html):  {ours:8.1} pages/s");
    println!("dom_smoothie (defaults):     {smoothie:8.1} pages/s");
    println!("html5ever parse only:        {parse:8.1} pages/s");
    println!("feedsmith / dom_smoothie:    {:8.2}x", ours / smoothie);
    println!("feedsmith / parse only:      {:8.2}x", ours / parse);

    let python = root.join("bench-venv/bin/python");
    if !python.exists() {
        println!(
            "trafilatura: not measured; create the venv at the crate root with \
             `python3 -m venv bench-venv && bench-venv/bin/pip install trafilatura lxml_html_clean`"
        );
        return;
    }
    let out = Command::new(&python)
        .arg(root.join("benches/trafilatura_bench.py"))
        .arg(&dir)
        .arg(passes.min(3).to_string())
        .output();
    let rate = out.ok().filter(|o| o.status.success()).and_then(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .last()
            .and_then(|l| l.strip_prefix("pages/s "))
            .and_then(|n| n.trim().parse::<f64>().ok())
    });
    match rate {
        Some(t) => {
            println!("trafilatura (defaults):      {t:8.1} pages/s");
            println!("feedsmith / trafilatura:     {:8.2}x", ours / t);
        }
        None => println!("trafilatura: bench-venv exists but benches/trafilatura_bench.py failed"),
    }
}
