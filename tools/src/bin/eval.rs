//! Scores normalisation and extraction on a development data set, in text mode (a page's
//! visible text through the plain-text normaliser) and HTML mode (the page through
//! `feedsmith::normalize` as `RawBody::Html`, the true URL as base), with dom_smoothie as a
//! paired baseline in HTML mode. One thread, pages in order.
//!
//! Usage: eval DATA_DIR [--mode text|html|all] [--pages] [--save FILE] [--baseline FILE]
//!
//! The layout is detected from the folder:
//! - `ground-truth.json` (`shared/extraction-dev`): word 4-gram shingle P/R/F1, F1 of the
//!   per-page means; text mode reads the scraped `text/<id>.txt`.
//! - `ground-truth.json.gz` (`shared/wcxb-dev`): the WCXB metric, bag-of-words P/R/F1 per page
//!   (lowercased `[\p{L}\p{N}_]+` tokens) and their means, overall, per `page_type` and for
//!   articles; `with`/`without` snippet rates (pooled over all snippets, case-insensitive
//!   substring, white space collapsed on both sides); title, author and date accuracy over the
//!   pages whose truth has the field; near-empty outputs (under 30 tokens where the truth has
//!   100 or more). WCXB has no scraped text, so text mode derives it from the HTML: the
//!   `<title>` on the first line (scrapers save it first), then the `<body>` through
//!   `feedsmith::normalize::sanitize::html_to_text` (one paragraph per block element, scripts
//!   and styles dropped; CSS-hidden elements are not detected).
//!
//! Authors match when the truth equals the article's authors joined with ", ", " and " or
//! " & " (case-insensitive, white space collapsed). Dates: the model keeps `published` with the
//! offset it was written in, so the day compared is the page's own calendar day (naive times are
//! read as UTC); the report also counts the dates one day off.
//!
//! `--save FILE` writes every run's per-page scores as JSON; `--baseline FILE` compares this run
//! with a saved one, page by page. `--wrap N` hard-wraps every text-mode input at N columns first
//! (greedy, words never broken, as a scraper or mail client saving at N columns does), to see
//! what wrapping costs the plain-text normaliser.
//!
//! `eval --rule-hits DATA_DIR...` scores nothing: it counts, for every entry of the built-in
//! lexicon, the distinct sites of the given sets whose text-mode lines (and, for
//! `extraction-dev`, the HTML's visible text too) the entry removes, and how many of those
//! lines the truth holds as body; a tab-separated table (see `feedsmith_tools::rule_hits`).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

use anyhow::{bail, Context as _, Result};
use chrono::NaiveDate;
use feedsmith::model::{Metadata, Origin, Provenance, RawArticle, RawBody};
use feedsmith::normalize::{self, chrome::Rules, learn::Learned, sanitize, Context};
use feedsmith_tools::{rule_hits::RuleHits, shingle, words};
use regex::Regex;
use serde::{Deserialize, Serialize};

const USAGE: &str = "usage: eval DATA_DIR [--mode text|html|all] [--pages] [--save FILE] [--baseline FILE] [--wrap N] [--misses title|author|date] [--no-peer] | eval --rule-hits DATA_DIR...";

/// Which data set, by its layout.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Set {
    /// `shared/extraction-dev`: shingle metric, scraped text files.
    Extraction,
    /// `shared/wcxb-dev`: bag-of-words metric, metadata, snippets, page types.
    Wcxb,
}

#[derive(Debug, Default)]
struct Page {
    id: String,
    url: String,
    truth: String,
    page_type: Option<String>,
    title: Option<String>,
    author: Option<String>,
    date: Option<NaiveDate>,
    with: Vec<String>,
    without: Vec<String>,
}

/// What one extractor made of a page.
#[derive(Debug, Default)]
struct Output {
    text: String,
    title: String,
    authors: Vec<String>,
    date: Option<NaiveDate>,
    /// Where feedsmith found the title, authors and date (empty for the peer).
    provenance: Provenance,
}

/// One page's figures as saved and compared.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Saved {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    page_type: Option<String>,
    precision: Option<f64>,
    recall: f64,
    f1: f64,
    /// Whether title, author and date were right, when the truth has them (WCXB).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    title_ok: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    author_ok: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    date_ok: Option<bool>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct SaveFile {
    data: String,
    /// Run label ("text", "html", "html-dom_smoothie") to per-page scores.
    runs: BTreeMap<String, Vec<Saved>>,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut rule_hits = false;
    let mut mode = "all".to_string();
    let mut per_page = false;
    let mut save: Option<PathBuf> = None;
    let mut baseline: Option<PathBuf> = None;
    let mut wrap: Option<usize> = None;
    let mut misses: Option<Field> = None;
    let mut peer = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--mode" => mode = it.next().context(USAGE)?.clone(),
            "--pages" => per_page = true,
            "--save" => save = Some(it.next().context(USAGE)?.into()),
            "--baseline" => baseline = Some(it.next().context(USAGE)?.into()),
            "--misses" => misses = Some(Field::parse(it.next().context(USAGE)?)?),
            "--no-peer" => peer = false,
            "--rule-hits" => rule_hits = true,
            "--wrap" => {
                let n = it.next().and_then(|n| n.parse().ok()).context(USAGE)?;
                wrap = Some(n);
            }
            s if !s.starts_with('-') => dirs.push(PathBuf::from(s)),
            s => bail!("unknown argument {s}; {USAGE}"),
        }
    }
    if !matches!(mode.as_str(), "text" | "html" | "all") {
        bail!("--mode is text, html or all; {USAGE}");
    }
    if rule_hits {
        return count_rule_hits(&dirs);
    }
    let [dir] = &dirs[..] else {
        bail!("one DATA_DIR; {USAGE}");
    };
    let baseline: Option<SaveFile> = baseline
        .map(|p| -> Result<SaveFile> {
            let raw =
                std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
            serde_json::from_str(&raw).with_context(|| format!("parsing {}", p.display()))
        })
        .transpose()?;
    let (set, pages) = load(dir)?;
    println!("{} pages from {}", pages.len(), dir.display());
    let mut saved = SaveFile {
        data: dir.display().to_string(),
        runs: BTreeMap::new(),
    };
    let html: Vec<String> = pages
        .iter()
        .map(|p| read_html(&dir.join("html").join(format!("{}.html.gz", p.id))))
        .collect::<Result<_>>()?;
    if mode == "text" || mode == "all" {
        let inputs: Vec<String> = match set {
            Set::Extraction => pages
                .iter()
                .map(|p| std::fs::read_to_string(dir.join("text").join(format!("{}.txt", p.id))))
                .collect::<Result<_, _>>()
                .context("reading text/")?,
            Set::Wcxb => html.iter().map(|h| visible_text(h)).collect(),
        };
        let inputs: Vec<String> = match wrap {
            Some(width) => inputs.iter().map(|t| hard_wrap(t, width)).collect(),
            None => inputs,
        };
        let (outputs, secs) = run(&pages, &inputs, |p, i| feedsmith_output(p, i, false));
        let scores = evaluate(
            set,
            "text mode (feedsmith)",
            &pages,
            &outputs,
            secs,
            true,
            per_page,
        );
        saved.runs.insert("text".into(), scores);
    }
    if mode == "html" || mode == "all" {
        let (outputs, secs) = run(&pages, &html, |p, i| feedsmith_output(p, i, true));
        let ours = evaluate(
            set,
            "html mode (feedsmith)",
            &pages,
            &outputs,
            secs,
            true,
            per_page,
        );
        if let Some(field) = misses {
            print_misses(field, &pages, &outputs);
        }
        if peer {
            let (outputs, secs) = run(&pages, &html, smoothie_output);
            let base = evaluate(
                set,
                "html mode (dom_smoothie baseline)",
                &pages,
                &outputs,
                secs,
                false,
                false,
            );
            paired("feedsmith vs dom_smoothie", &ours, &base, 0.005);
            saved.runs.insert("html-dom_smoothie".into(), base);
        }
        saved.runs.insert("html".into(), ours);
    }
    if let Some(b) = &baseline {
        println!();
        for (label, now) in &saved.runs {
            let Some(before) = b.runs.get(label) else {
                continue;
            };
            compare_with_baseline(label, before, now);
        }
    }
    if let Some(path) = save {
        std::fs::write(&path, serde_json::to_string_pretty(&saved)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("per-page scores saved to {}", path.display());
    }
    Ok(())
}

/// `--rule-hits`: the lexicon entries' site counts over `dirs`.
fn count_rule_hits(dirs: &[PathBuf]) -> Result<()> {
    if dirs.is_empty() {
        bail!("{USAGE}");
    }
    let mut hits = RuleHits::default();
    let mut labels = Vec::new();
    for dir in dirs {
        let (set, pages) = load(dir)?;
        let label = dir.file_name().map_or_else(
            || dir.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        for p in &pages {
            let site = url::Url::parse(&p.url)
                .ok()
                .and_then(|u| {
                    u.host_str()
                        .map(|h| h.trim_start_matches("www.").to_string())
                })
                .unwrap_or_else(|| p.id.clone());
            let html = read_html(&dir.join("html").join(format!("{}.html.gz", p.id)))?;
            hits.add_page(&label, &site, &visible_text(&html), &p.truth);
            if set == Set::Extraction {
                let path = dir.join("text").join(format!("{}.txt", p.id));
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                hits.add_page(&label, &site, &text, &p.truth);
            }
        }
        labels.push(label);
    }
    print!("{}", hits.report(&labels));
    Ok(())
}

fn load(dir: &Path) -> Result<(Set, Vec<Page>)> {
    let gz = dir.join("ground-truth.json.gz");
    let (set, raw) = if gz.exists() {
        (
            Set::Wcxb,
            String::from_utf8(read_gz(&gz)?).context("ground truth is not UTF-8")?,
        )
    } else {
        let path = dir.join("ground-truth.json");
        let raw = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        (Set::Extraction, raw)
    };
    let map: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&raw).context("parsing the ground truth")?;
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().map(str::to_string);
    let list = |v: &serde_json::Value, k: &str| -> Vec<String> {
        v[k].as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let pages = map
        .into_iter()
        .map(|(id, v)| match set {
            Set::Extraction => Page {
                id,
                url: text(&v, "url").unwrap_or_default(),
                truth: text(&v, "articleBody").unwrap_or_default(),
                ..Page::default()
            },
            Set::Wcxb => Page {
                id,
                url: text(&v, "url").unwrap_or_default(),
                truth: text(&v, "main_content").unwrap_or_default(),
                page_type: text(&v, "page_type"),
                title: text(&v, "title"),
                author: text(&v, "author"),
                date: text(&v, "publish_date")
                    .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                with: list(&v, "with"),
                without: list(&v, "without"),
            },
        })
        .collect();
    Ok((set, pages))
}

fn read_gz(path: &Path) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .with_context(|| format!("gunzip {}", path.display()))?;
    Ok(bytes)
}

/// A saved page decoded as a browser would without headers: a byte-order mark, else the
/// charset its first bytes declare, else UTF-8 (bad bytes replaced).
fn read_html(path: &Path) -> Result<String> {
    static META: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        regex::bytes::Regex::new(r#"(?i)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)"#)
            .unwrap()
    });
    let bytes = read_gz(path)?;
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        return Ok(enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned());
    }
    let head = &bytes[..bytes.len().min(4096)];
    let enc = META
        .captures(head)
        .and_then(|c| encoding_rs::Encoding::for_label(&c[1]))
        // A page that could be scanned for an ASCII declaration is not UTF-16.
        .filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE)
        .unwrap_or(encoding_rs::UTF_8);
    Ok(enc.decode_without_bom_handling(&bytes).0.into_owned())
}

/// The page's visible text as a scraper saves it: the `<title>` first, then the body's text.
fn visible_text(html: &str) -> String {
    static TITLE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?is)<title[^>]*>(.*?)</title>").unwrap());
    static BODY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<body[\s>]").unwrap());
    let title = TITLE
        .captures(html)
        .map(|c| sanitize::html_to_text(&c[1]))
        .unwrap_or_default();
    let body = BODY.find(html).map_or(html, |m| &html[m.start()..]);
    format!("{title}\n\n{}", sanitize::html_to_text(body))
}

/// Every line of `text` wrapped greedily at `width` columns; blank lines stay.
fn hard_wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / width.max(1));
    for line in text.lines() {
        let mut col = 0;
        for word in line.split_whitespace() {
            let n = word.chars().count();
            if col > 0 && col + 1 + n > width {
                out.push('\n');
                col = 0;
            } else if col > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += n;
        }
        out.push('\n');
    }
    out
}

fn feedsmith_output(page: &Page, input: &str, html: bool) -> Output {
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
        hints: Metadata::default(),
    };
    normalize::normalize_noted(&raw, &ctx)
        .map(|(a, notes)| Output {
            text: a.content_text,
            title: a.title,
            authors: a.authors,
            date: a.published.map(|d| d.date_naive()),
            provenance: notes.provenance,
        })
        .unwrap_or_default()
}

fn smoothie_output(page: &Page, input: &str) -> Output {
    dom_smoothie::Readability::new(
        input,
        Some(page.url.as_str()).filter(|u| !u.is_empty()),
        None,
    )
    .and_then(|mut r| r.parse())
    .map(|a| Output {
        text: a.text_content.to_string(),
        ..Output::default()
    })
    .unwrap_or_default()
}

fn run(pages: &[Page], inputs: &[String], f: impl Fn(&Page, &str) -> Output) -> (Vec<Output>, f64) {
    let start = Instant::now();
    let outputs: Vec<Output> = pages.iter().zip(inputs).map(|(p, i)| f(p, i)).collect();
    (outputs, start.elapsed().as_secs_f64())
}

/// Scores one run, prints its report and returns the per-page scores.
fn evaluate(
    set: Set,
    label: &str,
    pages: &[Page],
    outputs: &[Output],
    secs: f64,
    metadata: bool,
    per_page: bool,
) -> Vec<Saved> {
    let rate = pages.len() as f64 / secs.max(1e-9);
    match set {
        Set::Extraction => {
            let scores: Vec<shingle::PageScore> = pages
                .iter()
                .zip(outputs)
                .map(|(p, o)| shingle::score_page(&o.text, &p.truth))
                .collect();
            if per_page {
                for (p, s) in pages.iter().zip(&scores) {
                    println!(
                        "{:.3}  P={:.3} R={:.3}  {}  {}",
                        s.f1(),
                        s.precision.unwrap_or(0.0),
                        s.recall,
                        &p.id[..p.id.len().min(12)],
                        p.url
                    );
                }
            }
            let c = shingle::corpus(&scores);
            println!(
                "{label}: P={:.3} R={:.3} F1={:.3} empty={} pages={} ({rate:.0} pages/s)",
                c.precision, c.recall, c.f1, c.empty, c.pages
            );
            pages
                .iter()
                .zip(&scores)
                .map(|(p, s)| Saved {
                    id: p.id.clone(),
                    page_type: None,
                    precision: s.precision,
                    recall: s.recall,
                    f1: s.f1(),
                    title_ok: None,
                    author_ok: None,
                    date_ok: None,
                })
                .collect()
        }
        Set::Wcxb => {
            let scores: Vec<words::PageScore> = pages
                .iter()
                .zip(outputs)
                .map(|(p, o)| words::score_page(&o.text, &p.truth))
                .collect();
            if per_page {
                for (p, s) in pages.iter().zip(&scores) {
                    println!(
                        "{:.3}  P={:.3} R={:.3}  {}  {:<13} {}",
                        s.f1,
                        s.precision,
                        s.recall,
                        p.id,
                        p.page_type.as_deref().unwrap_or("?"),
                        p.url
                    );
                }
            }
            report_wcxb(label, pages, outputs, &scores, rate, metadata);
            pages
                .iter()
                .zip(&scores)
                .zip(outputs)
                .map(|((p, s), o)| {
                    let ok = |field| metadata.then(|| right(field, p, o)).flatten();
                    Saved {
                        id: p.id.clone(),
                        page_type: p.page_type.clone(),
                        precision: Some(s.precision),
                        recall: s.recall,
                        f1: s.f1,
                        title_ok: ok(Field::Title),
                        author_ok: ok(Field::Author),
                        date_ok: ok(Field::Date),
                    }
                })
                .collect()
        }
    }
}

fn report_wcxb(
    label: &str,
    pages: &[Page],
    outputs: &[Output],
    scores: &[words::PageScore],
    rate: f64,
    metadata: bool,
) {
    let c = words::corpus(scores);
    let empty = outputs.iter().filter(|o| o.text.trim().is_empty()).count();
    let near_empty = scores
        .iter()
        .filter(|s| s.predicted < 30 && s.truth >= 100)
        .count();
    println!(
        "{label}: P={:.3} R={:.3} F1={:.3} pages={} empty={empty} near-empty={near_empty} ({rate:.0} pages/s)",
        c.precision, c.recall, c.f1, c.pages
    );
    let mut types: BTreeMap<&str, Vec<&words::PageScore>> = BTreeMap::new();
    for (p, s) in pages.iter().zip(scores) {
        types
            .entry(p.page_type.as_deref().unwrap_or("?"))
            .or_default()
            .push(s);
    }
    let line: Vec<String> = types
        .iter()
        .map(|(t, v)| {
            let c = words::corpus(v.iter().copied());
            format!("{t} {:.3} ({})", c.f1, c.pages)
        })
        .collect();
    println!("  F1 by page type: {}", line.join(", "));
    if let Some(a) = types.get("article") {
        let c = words::corpus(a.iter().copied());
        println!(
            "  articles: P={:.3} R={:.3} F1={:.3} pages={}",
            c.precision, c.recall, c.f1, c.pages
        );
    }
    let (mut with, mut with_n, mut without, mut without_n) = (0, 0, 0, 0);
    for (p, o) in pages.iter().zip(outputs) {
        let text = collapse(&o.text);
        for s in &p.with {
            with_n += 1;
            with += usize::from(text.contains(&collapse(s)));
        }
        for s in &p.without {
            without_n += 1;
            without += usize::from(text.contains(&collapse(s)));
        }
    }
    println!(
        "  snippets: with found {:.3} ({with}/{with_n}), without found {:.3} ({without}/{without_n}; lower is better)",
        with as f64 / with_n.max(1) as f64,
        without as f64 / without_n.max(1) as f64
    );
    if !metadata {
        return;
    }
    let (mut title, mut title_n, mut author, mut author_n) = (0, 0, 0, 0);
    let (mut date, mut date_near, mut date_n) = (0, 0, 0);
    for (p, o) in pages.iter().zip(outputs) {
        if let Some(ok) = right(Field::Title, p, o) {
            title_n += 1;
            title += usize::from(ok);
        }
        if let Some(ok) = right(Field::Author, p, o) {
            author_n += 1;
            author += usize::from(ok);
        }
        if let Some(d) = p.date {
            date_n += 1;
            match o.date {
                Some(x) if x == d => date += 1,
                Some(x) if (x - d).num_days().abs() == 1 => date_near += 1,
                _ => {}
            }
        }
    }
    let share = |a: usize, n: usize| a as f64 / n.max(1) as f64;
    println!(
        "  metadata: title {:.3} ({title}/{title_n}), author {:.3} ({author}/{author_n}), date {:.3} ({date}/{date_n}; {date_near} more one day off)",
        share(title, title_n),
        share(author, author_n),
        share(date, date_n)
    );
    for field in [Field::Title, Field::Author, Field::Date] {
        println!(
            "  {} by origin: {}",
            field.name(),
            by_origin(field, pages, outputs)
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Title,
    Author,
    Date,
}

impl Field {
    fn parse(s: &str) -> Result<Field> {
        Ok(match s {
            "title" => Field::Title,
            "author" => Field::Author,
            "date" => Field::Date,
            _ => bail!("--misses is title, author or date; {USAGE}"),
        })
    }

    fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Author => "author",
            Field::Date => "date",
        }
    }

    /// Whether a saved page had this field right.
    fn saved(self, s: &Saved) -> Option<bool> {
        match self {
            Field::Title => s.title_ok,
            Field::Author => s.author_ok,
            Field::Date => s.date_ok,
        }
    }

    fn origin(self, o: &Output) -> Option<Origin> {
        match self {
            Field::Title => o.provenance.title,
            Field::Author => o.provenance.authors,
            Field::Date => o.provenance.published,
        }
    }
}

/// Whether the output's `field` matches the truth; `None` when the truth has no such field.
fn right(field: Field, p: &Page, o: &Output) -> Option<bool> {
    match field {
        Field::Title => p.title.as_ref().map(|t| collapse(t) == collapse(&o.title)),
        Field::Author => p.author.as_ref().map(|a| author_matches(a, &o.authors)),
        Field::Date => p.date.map(|d| o.date == Some(d)),
    }
}

/// Right out of found, per origin of the field, over the pages whose truth has it
/// ("json-ld 310/340, byline 40/61, none 0/80"): which sources a rule should trust.
fn by_origin(field: Field, pages: &[Page], outputs: &[Output]) -> String {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (p, o) in pages.iter().zip(outputs) {
        let Some(ok) = right(field, p, o) else {
            continue;
        };
        let origin = field.origin(o).map_or("none".to_string(), Origin::name);
        let c = counts.entry(origin).or_default();
        c.0 += usize::from(ok);
        c.1 += 1;
    }
    let mut v: Vec<(String, (usize, usize))> = counts.into_iter().collect();
    v.sort_by_key(|(_, (_, n))| std::cmp::Reverse(*n));
    v.iter()
        .map(|(o, (ok, n))| format!("{o} {ok}/{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line per WCXB page whose `field` (title, author or date) the extractor got wrong:
/// the truth, then what came out and where from, to see which rule a miss needs.
fn print_misses(field: Field, pages: &[Page], outputs: &[Output]) {
    for (p, o) in pages.iter().zip(outputs) {
        if right(field, p, o) != Some(false) {
            continue;
        }
        let (truth, got) = match field {
            Field::Title => (p.title.clone(), o.title.clone()),
            Field::Author => (p.author.clone(), o.authors.join(" | ")),
            Field::Date => (
                p.date.map(|d| d.to_string()),
                o.date.map(|d| d.to_string()).unwrap_or_default(),
            ),
        };
        let from = field.origin(o).map_or("none".to_string(), Origin::name);
        println!(
            "miss {} {}  truth={:?}  got={got:?} ({from})  {}",
            field.name(),
            p.id,
            truth.unwrap_or_default(),
            p.url
        );
    }
}

/// Whether the true author is the extracted authors joined as a list is written: with ", ",
/// " and " or " & ", or with ", " and the last after " and ", ", and " or " & ". An empty
/// truth ("no author") matches no authors, as the benchmark compares the strings.
fn author_matches(truth: &str, authors: &[String]) -> bool {
    let truth = collapse(truth);
    if truth.is_empty() || authors.is_empty() {
        return truth.is_empty() && authors.is_empty();
    }
    let joined = [", ", " and ", " & "]
        .iter()
        .map(|sep| authors.join(sep))
        .chain(
            authors
                .split_last()
                .filter(|(_, r)| r.len() > 1)
                .into_iter()
                .flat_map(|(last, rest)| {
                    let head = rest.join(", ");
                    [" and ", ", and ", " & "].map(|sep| format!("{head}{sep}{last}"))
                }),
        );
    joined.map(|j| collapse(&j)).any(|j| j == truth)
}

/// Lowercased, trimmed, white space collapsed: the form titles, authors and snippets compare in.
fn collapse(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn paired(label: &str, a: &[Saved], b: &[Saved], margin: f64) {
    println!("{label}: {}", paired_text(a, b, margin));
}

/// Page-by-page comparison of two runs on the same pages.
fn paired_text(a: &[Saved], b: &[Saved], margin: f64) -> String {
    let (mut wins, mut losses, mut diff) = (0, 0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let d = x.f1 - y.f1;
        diff += d;
        if d > margin {
            wins += 1;
        } else if d < -margin {
            losses += 1;
        }
    }
    format!(
        "better on {wins} pages, worse on {losses} (beyond {margin}), mean per-page F1 difference {:+.4}",
        diff / a.len().max(1) as f64
    )
}

/// This run against a saved one, pages matched by id: overall and, when pages have types,
/// for articles.
fn compare_with_baseline(label: &str, before: &[Saved], now: &[Saved]) {
    let old: BTreeMap<&str, &Saved> = before.iter().map(|s| (s.id.as_str(), s)).collect();
    let pairs: Vec<(&Saved, &Saved)> = now
        .iter()
        .filter_map(|n| old.get(n.id.as_str()).map(|o| (*o, n)))
        .collect();
    let show = |what: &str, pairs: &[(&Saved, &Saved)]| {
        let (a, b): (Vec<Saved>, Vec<Saved>) = pairs
            .iter()
            .map(|(o, n)| ((*n).clone(), (*o).clone()))
            .unzip();
        let mean = |v: &[Saved]| v.iter().map(|s| s.f1).sum::<f64>() / v.len().max(1) as f64;
        println!(
            "{label} vs baseline, {what} ({} pages, mean per-page F1 {:.4} -> {:.4}): {}",
            pairs.len(),
            mean(&b),
            mean(&a),
            paired_text(&a, &b, 0.01)
        );
    };
    show("all", &pairs);
    let articles: Vec<(&Saved, &Saved)> = pairs
        .iter()
        .copied()
        .filter(|(_, n)| n.page_type.as_deref() == Some("article"))
        .collect();
    if !articles.is_empty() {
        show("articles", &articles);
    }
    // Metadata, page by page, where both runs scored it.
    for field in [Field::Title, Field::Author, Field::Date] {
        let (name, ok) = (field.name(), |s: &Saved| field.saved(s));
        let (mut fixed, mut broken) = (Vec::new(), Vec::new());
        for (o, n) in &pairs {
            match (ok(o), ok(n)) {
                (Some(false), Some(true)) => fixed.push(n.id.as_str()),
                (Some(true), Some(false)) => broken.push(n.id.as_str()),
                _ => {}
            }
        }
        if !fixed.is_empty() || !broken.is_empty() {
            println!(
                "{label} vs baseline, {name}: right now on {} pages, wrong now on {} ({})",
                fixed.len(),
                broken.len(),
                broken.join(" ")
            );
        }
    }
    if pairs.len() != now.len() {
        println!(
            "  ({} pages of this run are not in the baseline)",
            now.len() - pairs.len()
        );
    }
}
