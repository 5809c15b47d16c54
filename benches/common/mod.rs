//! Helpers the bench binaries share: a seeded PRNG and word list that generate the synthetic
//! corpora (no external data), medians, CPU time and child-process rusage, the peers' venv, and
//! the figure/target table every bench prints. Each bench uses a different subset of this.
#![allow(dead_code)] // every bench includes this module but none uses all of it

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- options

/// False when cargo runs a bench binary as a test (`cargo test --all-targets` passes no
/// `--bench`): the benches then return at once, so tests never time anything.
pub fn benching() -> bool {
    let yes = std::env::args().any(|a| a == "--bench");
    if !yes {
        println!("not benchmarking: run through `cargo bench` (or pass --bench)");
    }
    yes
}

/// Timed runs per figure: `--runs N` on the bench's command line, else `BENCH_RUNS`, else `default`.
pub fn runs(default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    let from_args = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok());
    from_args
        .or_else(|| std::env::var("BENCH_RUNS").ok()?.parse().ok())
        .unwrap_or(default)
        .max(1)
}

/// Positional arguments (cargo bench passes `--bench`; `--runs N` is ours).
pub fn positional() -> Vec<String> {
    let mut out = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        if a == "--runs" {
            it.next();
        } else if !a.starts_with('-') {
            out.push(a);
        }
    }
    out
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The release binary cargo built for this bench (`cargo bench` uses the release profile).
pub fn feedsmith_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_feedsmith"))
}

/// The peers' interpreter, when `benches/peers.sh --setup` has made the venv.
pub fn peer_python() -> Option<PathBuf> {
    let p = root().join("bench-venv/bin/python");
    p.exists().then_some(p)
}

/// Runs `benches/peers.py TASK RUNS INPUT` in the venv and returns the medians of the two
/// rate lists it prints under `keys`, or why the peers were not measured.
pub fn peer_medians(
    task: &str,
    runs: usize,
    input: &Path,
    keys: [&str; 2],
) -> Result<(f64, f64), String> {
    let python = peer_python().ok_or("no bench-venv/ (benches/peers.sh --setup)")?;
    let out = std::process::Command::new(python)
        .arg(root().join("benches/peers.py"))
        .args([task, &runs.to_string()])
        .arg(input)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let rates = |k: &str| -> Vec<f64> {
        v[k].as_array()
            .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
            .unwrap_or_default()
    };
    Ok((median(&rates(keys[0])), median(&rates(keys[1]))))
}

// ---------------------------------------------------------------- statistics and time

pub fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// CPU seconds this thread has used: the "one core" figures divide by this, so load from the
/// other builders on the machine costs wall time but not the figure.
pub fn thread_cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// What one child process cost, from `wait4`.
#[derive(Debug, Clone)]
pub struct Proc {
    pub wall: f64,
    pub cpu: f64,
    pub max_rss_mb: f64,
    pub code: i32,
    pub stderr: String,
}

/// Runs `cmd` to completion (killed after `timeout`) and reports wall, user+system CPU and peak
/// RSS from `wait4`, which gives that one child's rusage rather than all children's.
///
/// The child is started through `/usr/bin/time` when there is one: Linux carries the parent's
/// peak RSS over into a child's `ru_maxrss` (a vfork'd child execs from the parent's address
/// space), so a bench that had used 3 GB would report 3 GB for every child. Started from the
/// small `time` process, the grandchild's peak is its own, and `time` reports it.
pub fn measure(cmd: &mut Command, timeout: Duration) -> Proc {
    let time = Path::new("/usr/bin/time");
    let report = tempfile::NamedTempFile::new().expect("a temp file");
    let mut wrapped;
    let cmd = if time.exists() {
        wrapped = Command::new(time);
        wrapped
            .arg("-o")
            .arg(report.path())
            .args(["-f", "%U %S %M", "--"])
            .arg(cmd.get_program())
            .args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => wrapped.env(k, v),
                None => wrapped.env_remove(k),
            };
        }
        if let Some(dir) = cmd.get_current_dir() {
            wrapped.current_dir(dir);
        }
        &mut wrapped
    } else {
        cmd
    };
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    // Its own process group, so the watchdog can kill `time` and what it started together.
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawning the measured command");
    let pid = child.id() as libc::pid_t;
    let mut err = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + timeout;
            while !done.load(Ordering::SeqCst) {
                if Instant::now() > deadline {
                    // SAFETY: signalling our own child's group; the child is not reaped yet,
                    // so its pid (the group id) cannot have been reused.
                    unsafe { libc::kill(-pid, libc::SIGKILL) };
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let mut status = 0;
    // SAFETY: a zeroed rusage is valid; wait4 fills it for our child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our unreaped child; status and ru are ours.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let wall = start.elapsed().as_secs_f64();
    done.store(true, Ordering::SeqCst);
    let _ = watchdog.join();
    assert_eq!(r, pid, "wait4 failed");
    // Reaped by wait4: dropping `child` does not wait again.
    drop(child);
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -libc::WTERMSIG(status)
    };
    // Linux reports ru_maxrss in KiB, as does time's %M.
    let mut cpu = tv(ru.ru_utime) + tv(ru.ru_stime);
    let mut max_rss_mb = ru.ru_maxrss as f64 / 1024.0;
    if time.exists() {
        // The last line is ours; time puts "Command exited with non-zero status" before it.
        let text = std::fs::read_to_string(report.path()).unwrap_or_default();
        let f: Vec<f64> = text
            .lines()
            .last()
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        if let [user, sys, kib] = f[..] {
            cpu = user + sys;
            max_rss_mb = kib / 1024.0;
        }
    }
    Proc {
        wall,
        cpu,
        max_rss_mb,
        code,
        stderr: reader.join().unwrap_or_default(),
    }
}

// ---------------------------------------------------------------- the table

pub struct Row {
    pub figure: String,
    pub value: String,
    pub target: String,
    pub met: Option<bool>,
}

#[derive(Default)]
pub struct Table {
    pub rows: Vec<Row>,
}

impl Table {
    pub fn add(
        &mut self,
        figure: impl Into<String>,
        value: String,
        target: &str,
        met: Option<bool>,
    ) {
        self.rows.push(Row {
            figure: figure.into(),
            value,
            target: target.into(),
            met,
        });
    }

    /// Prints the table; also appends it to `$BENCH_REPORT` when set, so `run-all.sh` can
    /// gather every bench's rows into one file.
    pub fn print(&self, title: &str, runs: usize) {
        let w0 = self
            .rows
            .iter()
            .map(|r| r.figure.len())
            .max()
            .unwrap_or(6)
            .max(6);
        let w1 = self
            .rows
            .iter()
            .map(|r| r.value.len())
            .max()
            .unwrap_or(6)
            .max(6);
        let w2 = self
            .rows
            .iter()
            .map(|r| r.target.len())
            .max()
            .unwrap_or(6)
            .max(6);
        let mut out = format!("\n== {title} (medians of {runs} runs) ==\n");
        out += &format!(
            "{:<w0$}  {:>w1$}  {:<w2$}  met\n",
            "figure", "median", "target"
        );
        for r in &self.rows {
            let met = match r.met {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "-",
            };
            out += &format!(
                "{:<w0$}  {:>w1$}  {:<w2$}  {met}\n",
                r.figure, r.value, r.target
            );
        }
        print!("{out}");
        if let Ok(path) = std::env::var("BENCH_REPORT") {
            use std::io::Write;
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
            {
                let _ = f.write_all(out.as_bytes());
            }
        }
    }
}

// ---------------------------------------------------------------- generated text

/// splitmix64: tiny, seeded, and the same on every machine, so every corpus is reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.range(0, v.len() - 1)]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.range(0, 99) < percent
    }
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "had",
    "they",
    "you",
    "were",
    "their",
    "one",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "government",
    "minister",
    "council",
    "harbour",
    "city",
    "report",
    "people",
    "year",
    "week",
    "officials",
    "said",
    "according",
    "plan",
    "water",
    "budget",
    "school",
    "hospital",
    "workers",
    "union",
    "market",
    "prices",
    "energy",
    "project",
    "river",
    "bridge",
    "election",
    "voters",
    "policy",
    "court",
    "judge",
    "ruling",
    "police",
    "residents",
    "community",
    "local",
    "national",
    "country",
    "region",
    "company",
    "shares",
    "investors",
    "growth",
    "economy",
    "inflation",
    "rates",
    "bank",
    "central",
    "announced",
    "expected",
    "increase",
    "decline",
    "during",
    "after",
    "before",
    "since",
    "while",
    "although",
    "because",
    "however",
    "many",
    "several",
    "new",
    "first",
    "last",
    "long",
    "public",
    "private",
    "service",
    "services",
    "system",
    "health",
    "children",
    "families",
    "study",
    "researchers",
    "university",
    "data",
    "results",
    "evidence",
    "climate",
    "weather",
    "storm",
    "flooding",
    "road",
    "traffic",
    "transport",
    "rail",
    "station",
    "airport",
    "flights",
    "tourism",
    "season",
    "summer",
    "winter",
    "festival",
    "music",
    "museum",
    "exhibition",
    "team",
    "match",
    "season",
    "coach",
    "players",
    "fans",
    "stadium",
    "league",
    "agreement",
    "talks",
    "deal",
    "support",
    "opposition",
    "critics",
    "concerns",
    "questions",
    "statement",
    "spokesperson",
    "interview",
    "morning",
    "evening",
    "district",
    "village",
    "construction",
    "housing",
    "rent",
    "tenants",
    "landlords",
    "owners",
    "farmers",
    "harvest",
    "fishing",
    "boats",
    "coast",
    "island",
    "mountain",
    "valley",
    "forest",
    "park",
    "garden",
];

const NAMES: &[&str] = &[
    "Jane Doe",
    "Amal Haddad",
    "Tomás Ruiz",
    "Li Wei",
    "Sara Lind",
    "Kofi Mensah",
    "Anna Novak",
    "Ravi Iyer",
    "Maeve Byrne",
    "Jonas Berg",
];

const SECTIONS: &[&str] = &[
    "World", "Business", "Politics", "Science", "Sport", "Culture", "Opinion", "Travel",
];

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn sentence(rng: &mut Rng) -> String {
    let n = rng.range(8, 26);
    let mut s = String::new();
    for i in 0..n {
        let w = *rng.pick(WORDS);
        if i == 0 {
            s += &capitalise(w);
        } else {
            s.push(' ');
            s += w;
            if i + 2 < n && rng.chance(6) {
                s.push(',');
            }
        }
    }
    s.push('.');
    s
}

pub fn paragraph(rng: &mut Rng) -> String {
    let n = rng.range(2, 6);
    (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

pub fn headline(rng: &mut Rng) -> String {
    let n = rng.range(5, 11);
    let words: Vec<String> = (0..n)
        .map(|i| {
            let w = *rng.pick(WORDS);
            if i == 0 {
                capitalise(w)
            } else {
                w.to_string()
            }
        })
        .collect();
    words.join(" ")
}

/// One generated article: what every corpus is built from.
pub struct Story {
    pub title: String,
    pub dek: String,
    pub author: String,
    pub section: String,
    /// Days before 2024-06-20 it was published.
    pub age_days: u32,
    pub paragraphs: Vec<String>,
}

/// A story whose paragraphs total about `body_bytes`.
pub fn story(rng: &mut Rng, body_bytes: usize) -> Story {
    let mut paragraphs = Vec::new();
    let mut len = 0;
    while len < body_bytes || paragraphs.len() < 2 {
        let p = paragraph(rng);
        len += p.len() + 2;
        paragraphs.push(p);
    }
    Story {
        title: headline(rng),
        dek: sentence(rng),
        author: rng.pick(NAMES).to_string(),
        section: rng.pick(SECTIONS).to_string(),
        age_days: rng.range(0, 300) as u32,
        paragraphs,
    }
}

fn date_line(age_days: u32) -> String {
    let d = chrono::NaiveDate::from_ymd_opt(2024, 6, 20).expect("a date")
        - chrono::Duration::days(age_days as i64);
    d.format("%-d %B %Y").to_string()
}

/// An article as a scraper saves a page's text: site chrome around it (menu, share bar,
/// "Related" and "Most read" lists, newsletter box, footer), `total_bytes` long in all.
pub fn scraped_text(rng: &mut Rng, total_bytes: usize) -> String {
    // Chrome is about 1.2 KB; the body takes the rest.
    let s = story(rng, total_bytes.saturating_sub(1300).max(600));
    let mut out = String::with_capacity(total_bytes + 512);
    out += "Example News - Independent journalism since 1901\n";
    out += "Home | World | Business | Politics | Science | Sport | Culture | Opinion\n";
    out += "Subscribe\nSign in\n\n";
    out += &format!("{} - Example News\n", s.title);
    out += &format!("{}\n\n", s.dek);
    out += &format!("By {}\n", s.author);
    out += &format!(
        "Published: {} 09:{:02} GMT\n",
        date_line(s.age_days),
        s.age_days % 60
    );
    out += "Share\nFacebook\nTwitter\nEmail\nPrint\n\n";
    for (i, p) in s.paragraphs.iter().enumerate() {
        out += p;
        out += "\n\n";
        if i == 2 {
            out += "Advertisement\n\n";
        }
    }
    out += "Related\n";
    for _ in 0..5 {
        out += &headline(rng);
        out.push('\n');
    }
    out += "\nMost read\n";
    for i in 1..=5 {
        out += &format!("{i}. {}\n", headline(rng));
    }
    out += "\nSign up for our newsletter\nGet the day's top stories in your inbox every morning.\n";
    out += "\nAbout us | Contact | Privacy Policy | Terms of Use | Cookie settings\n";
    out += "© 2024 Example News. All rights reserved.\n";
    out
}

/// A Markdown article with TOML front matter, about `body_bytes` of body.
pub fn markdown(rng: &mut Rng, body_bytes: usize) -> String {
    let s = story(rng, body_bytes);
    let d = chrono::NaiveDate::from_ymd_opt(2024, 6, 20).expect("a date")
        - chrono::Duration::days(s.age_days as i64);
    let mut out = format!(
        "+++\ntitle = \"{}\"\ndate = \"{}T09:00:00Z\"\nauthor = \"{}\"\nsummary = \"{}\"\ntags = [\"{}\"]\n+++\n\n",
        s.title,
        d.format("%Y-%m-%d"),
        s.author,
        s.dek,
        s.section.to_lowercase()
    );
    for (i, p) in s.paragraphs.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out += &format!("## {}\n\n", headline(rng));
        }
        out += p;
        out += "\n\n";
    }
    out
}

/// A whole HTML article page (header, nav, share bar, article, related list, footer).
pub fn html_page(rng: &mut Rng, body_bytes: usize) -> String {
    let s = story(rng, body_bytes);
    let mut out = String::with_capacity(body_bytes + 2048);
    out += &format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} - Example News</title>\
         <meta name=\"author\" content=\"{}\"><meta property=\"article:published_time\" content=\"2024-06-{:02}T09:00:00Z\"></head><body>\
         <header><a href=\"/\">Example News</a><nav><ul><li><a href=\"/world\">World</a></li><li><a href=\"/business\">Business</a></li>\
         <li><a href=\"/sport\">Sport</a></li></ul></nav></header><main><article><h1>{}</h1><p class=\"dek\">{}</p>\
         <div class=\"share-bar\"><a href=\"#\">Share</a> <a href=\"#\">Email</a></div>",
        s.title,
        s.author,
        1 + s.age_days % 19,
        s.title,
        s.dek
    );
    for p in &s.paragraphs {
        out += "<p>";
        out += p;
        out += "</p>\n";
    }
    out += "</article><aside><h2>Related</h2><ul>";
    for _ in 0..4 {
        out += &format!(
            "<li><a href=\"/related/{}\">{}</a></li>",
            rng.range(1, 9999),
            headline(rng)
        );
    }
    out += "</ul></aside></main><footer><p>© 2024 Example News</p><a href=\"/privacy\">Privacy</a></footer></body></html>\n";
    out
}

// ---------------------------------------------------------------- dev pages

pub struct DevPage {
    pub id: String,
    pub url: String,
    pub bytes: Vec<u8>,
}

fn gunzip(path: &Path) -> Vec<u8> {
    let file =
        std::fs::File::open(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display()));
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("gunzip {}: {e}", path.display()));
    bytes
}

/// Every `html/*.html.gz` of a dev folder, with its URL from `ground-truth.json[.gz]`, sorted by id.
pub fn dev_pages(dir: &Path) -> Vec<DevPage> {
    let truth = if dir.join("ground-truth.json").exists() {
        std::fs::read(dir.join("ground-truth.json")).expect("reading ground-truth.json")
    } else {
        gunzip(&dir.join("ground-truth.json.gz"))
    };
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&truth).expect("the ground truth is a JSON object");
    let mut ids: Vec<_> = std::fs::read_dir(dir.join("html"))
        .unwrap_or_else(|e| panic!("reading {}/html: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".html.gz").map(str::to_string)
        })
        .collect();
    ids.sort();
    ids.into_iter()
        .map(|id| DevPage {
            url: map
                .get(&id)
                .and_then(|v| v["url"].as_str())
                .unwrap_or_default()
                .to_string(),
            bytes: gunzip(&dir.join("html").join(format!("{id}.html.gz"))),
            id,
        })
        .collect()
}

pub fn fmt(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}
