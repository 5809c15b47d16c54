//! Scores normalisation and extraction on a folder laid out like `shared/extraction-dev`:
//! text mode (the page's visible text through the plain-text normaliser) and HTML mode (the
//! page through the extractor), with dom_smoothie as a paired baseline in HTML mode.
//!
//! Usage: eval DATA_DIR [--mode text|html|all] [--pages]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context as _, Result};
use feedsmith::eval::{corpus, score_page, PageScore};
use feedsmith::model::{Hints, RawArticle, RawBody};
use feedsmith::normalize::{self, chrome::Rules, learn::Learned, Context};

struct Page {
    id: String,
    url: String,
    truth: String,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dir: Option<PathBuf> = None;
    let mut mode = "all".to_string();
    let mut per_page = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--mode" => mode = it.next().context("--mode needs text, html or all")?.clone(),
            "--pages" => per_page = true,
            s if !s.starts_with('-') => dir = Some(PathBuf::from(s)),
            s => {
                bail!("unknown argument {s}; usage: eval DATA_DIR [--mode text|html|all] [--pages]")
            }
        }
    }
    let dir = dir.context("usage: eval DATA_DIR [--mode text|html|all] [--pages]")?;
    let pages = load(&dir)?;
    if mode == "text" || mode == "all" {
        let inputs: Vec<String> = pages
            .iter()
            .map(|p| std::fs::read_to_string(dir.join("text").join(format!("{}.txt", p.id))))
            .collect::<Result<_, _>>()
            .context("reading text/")?;
        let (scores, secs) = run(&pages, &inputs, |p, input| feedsmith_text(p, input, false));
        report("text mode (feedsmith)", &pages, &scores, secs, per_page);
    }
    if mode == "html" || mode == "all" {
        let inputs: Vec<String> = pages
            .iter()
            .map(|p| read_gz(&dir.join("html").join(format!("{}.html.gz", p.id))))
            .collect::<Result<_>>()?;
        let (ours, secs) = run(&pages, &inputs, |p, input| feedsmith_text(p, input, true));
        report("html mode (feedsmith)", &pages, &ours, secs, per_page);
        let (base, secs) = run(&pages, &inputs, smoothie_text);
        report(
            "html mode (dom_smoothie baseline)",
            &pages,
            &base,
            secs,
            false,
        );
        paired("feedsmith vs dom_smoothie", &ours, &base);
    }
    Ok(())
}

fn load(dir: &Path) -> Result<Vec<Page>> {
    let path = dir.join("ground-truth.json");
    let raw =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let map: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&raw).with_context(|| format!("parsing {}", path.display()))?;
    Ok(map
        .into_iter()
        .map(|(id, v)| Page {
            id,
            url: v["url"].as_str().unwrap_or_default().to_string(),
            truth: v["articleBody"].as_str().unwrap_or_default().to_string(),
        })
        .collect())
}

fn read_gz(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .with_context(|| format!("gunzip {}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn feedsmith_text(page: &Page, input: &str, html: bool) -> String {
    let rules = Rules::default();
    let learned = Learned::default();
    let ctx = Context::new(chrono::Utc::now(), &rules, &learned);
    let raw = RawArticle {
        source: "eval".into(),
        key: page.id.clone(),
        body: if html {
            RawBody::Html(input.to_string())
        } else {
            RawBody::Text(input.to_string())
        },
        base_url: url::Url::parse(&page.url).ok(),
        file_time: None,
        hints: Hints::default(),
    };
    normalize::normalize(&raw, &ctx)
        .map(|a| a.content_text)
        .unwrap_or_default()
}

fn smoothie_text(page: &Page, input: &str) -> String {
    dom_smoothie::Readability::new(
        input,
        Some(page.url.as_str()).filter(|u| !u.is_empty()),
        None,
    )
    .and_then(|mut r| r.parse())
    .map(|a| a.text_content.to_string())
    .unwrap_or_default()
}

fn run(
    pages: &[Page],
    inputs: &[String],
    f: impl Fn(&Page, &str) -> String,
) -> (Vec<PageScore>, f64) {
    let start = Instant::now();
    let outputs: Vec<String> = pages.iter().zip(inputs).map(|(p, i)| f(p, i)).collect();
    let secs = start.elapsed().as_secs_f64();
    (
        pages
            .iter()
            .zip(&outputs)
            .map(|(p, o)| score_page(o, &p.truth))
            .collect(),
        secs,
    )
}

fn report(label: &str, pages: &[Page], scores: &[PageScore], secs: f64, per_page: bool) {
    if per_page {
        for (p, s) in pages.iter().zip(scores) {
            println!(
                "{:.3}  P={:.3} R={:.3}  {}  {}",
                s.f1(),
                s.precision.unwrap_or(0.0),
                s.recall,
                &p.id[..12],
                p.url
            );
        }
    }
    let c = corpus(scores);
    println!(
        "{label}: P={:.3} R={:.3} F1={:.3} empty={} pages={} ({:.0} pages/s)",
        c.precision,
        c.recall,
        c.f1,
        c.empty,
        c.pages,
        c.pages as f64 / secs.max(1e-9)
    );
}

fn paired(label: &str, a: &[PageScore], b: &[PageScore]) {
    let (mut wins, mut losses, mut diff) = (0, 0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let d = x.f1() - y.f1();
        diff += d;
        if d > 0.005 {
            wins += 1;
        } else if d < -0.005 {
            losses += 1;
        }
    }
    println!(
        "{label}: better on {wins} pages, worse on {losses}, mean per-page F1 difference {:+.4}",
        diff / a.len().max(1) as f64
    );
}
