//! Configuration: `config.toml` is parsed strictly (unknown keys are errors that name the key
//! and line), then validated into its own types so the rest of the program never sees a raw,
//! half-checked value. Relative paths resolve against the config file's folder.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono_tz::Tz;
use regex::Regex;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::error::{Error, Result};
pub use crate::normalize::{ArticleCaps, SiteRule};
use crate::schedule::Schedule;

// ---------------------------------------------------------------- raw, as written

// The raw types also derive `JsonSchema`: `feedsmith schema` (and the committed
// `config.schema.json` editors read) is generated from what serde accepts, so the two cannot
// drift. Their doc comments become the schema's descriptions.

/// feedsmith's config file (`config.toml`): one `[site]`, one or more `[[feed]]` tables, each
/// with its `[[feed.source]]` tables, and optional `[[site_rule]]` tables.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Config")]
struct RawConfig {
    /// Settings of the whole site: titles, output, state, fetch defaults.
    site: RawSite,
    /// A feed: writes `<name>.rss`, `<name>.atom` and `<name>.json` into the output folder.
    #[serde(default)]
    feed: Vec<RawFeed>,
    /// CSS selectors for a site whose pages automatic extraction gets wrong.
    #[serde(default)]
    site_rule: Vec<RawSiteRule>,
}

/// `[site]`: settings of the whole site; the fetch settings are defaults every source may
/// override.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Site")]
struct RawSite {
    /// The site's name, shown in feed titles and pages.
    title: String,
    /// Public URL of the output folder; used for self links.
    #[schemars(with = "String")]
    base_url: Spanned<String>,
    /// Feed-level author (Atom needs one); default: `title`.
    author: Option<String>,
    /// Folder the feeds and pages are written to, relative to the config file.
    #[serde(default = "default_output")]
    output_dir: PathBuf,
    /// State (item ids, dates, learned chrome): a SQLite file, beside which the run lock sits,
    /// or a `postgres://user@host:port/db` URL shared by workers on several machines
    /// (`FEEDSMITH_STATE_URL` overrides it).
    #[serde(default = "default_state")]
    state: PathBuf,
    /// Also publish the output folder to S3-compatible object storage, as
    /// `s3://bucket/prefix`: each file is uploaded after it is written to `output_dir`.
    #[schemars(with = "Option<String>")]
    publish_to: Option<Spanned<String>>,
    /// Endpoint of the object storage `publish_to` names; default: `AWS_ENDPOINT_URL`, else
    /// AWS S3 itself.
    #[schemars(with = "Option<String>")]
    s3_endpoint: Option<Spanned<String>>,
    /// Region of the `publish_to` bucket; default: `AWS_REGION`, else "us-east-1".
    #[schemars(with = "Option<String>")]
    s3_region: Option<Spanned<String>>,
    /// Authority of `tag:` ids; default: the `base_url` host + ",2024". Never change it once
    /// feeds are published.
    id_authority: Option<String>,
    /// IANA zone for dates written without one, and for schedules; default "UTC".
    #[schemars(with = "Option<String>")]
    timezone: Option<Spanned<String>>,
    /// Default schedule of every feed: 5 cron fields, or 6 with seconds first.
    #[schemars(with = "Option<String>")]
    schedule: Option<Spanned<String>>,
    /// WebSub hub pinged for each feed file that changed.
    #[schemars(with = "Option<String>")]
    websub_hub: Option<Spanned<String>>,
    /// Language tag of every feed ("en", "pt-BR"); default: what the articles say, when they agree.
    #[schemars(with = "Option<String>")]
    language: Option<Spanned<String>>,
    /// Public URL where the `dir` sources' folders are published (a file's path below it, with
    /// `.md`/`.txt` read as `.html`); without it feedsmith writes a page per local article.
    #[schemars(with = "Option<String>")]
    articles_url: Option<Spanned<String>>,
    /// Pages of one article read and joined, the first included (default 10; 1 reads no more).
    #[schemars(with = "Option<usize>")]
    max_pages: Option<Spanned<usize>>,
    /// Browser for `render = true`: a name on PATH or a path (relative to the config's folder);
    /// default: `chromium`, `chromium-browser` or `google-chrome` on PATH.
    chromium: Option<PathBuf>,
    /// Time one page may take in the browser, in milliseconds (default 30000).
    #[schemars(with = "Option<u64>")]
    render_timeout_ms: Option<Spanned<u64>>,
    /// A failing source is reported only on its Nth failure in a row (default 1).
    #[schemars(with = "Option<u32>")]
    alert_after: Option<Spanned<u32>>,
    // Fetch settings; every one may be overridden per source.
    /// User-Agent of every request; default names feedsmith and its URL.
    #[schemars(with = "Option<String>")]
    user_agent: Option<Spanned<String>>,
    /// Whole request and body, in milliseconds (default 30000).
    #[schemars(with = "Option<u64>")]
    timeout_ms: Option<Spanned<u64>>,
    /// Connecting, in milliseconds (default 10000).
    #[schemars(with = "Option<u64>")]
    connect_timeout_ms: Option<Spanned<u64>>,
    /// Largest body read, counted after decompression (default 10 MiB).
    #[schemars(with = "Option<u64>")]
    max_body_bytes: Option<Spanned<u64>>,
    /// Pause between two requests to one host, in milliseconds (default 1000).
    #[schemars(with = "Option<u64>")]
    host_delay_ms: Option<Spanned<u64>>,
    /// Redirects followed (default 5).
    #[schemars(with = "Option<usize>")]
    max_redirects: Option<Spanned<usize>>,
    /// Read robots.txt once per host per run (default true); `false` only for your own sites.
    robots: Option<bool>,
    /// Extra request headers.
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    headers: Option<Spanned<BTreeMap<String, String>>>,
    /// Retries on 429 and 503, honouring `Retry-After` up to 30 s (default 2).
    #[schemars(with = "Option<u32>")]
    retries: Option<Spanned<u32>>,
    // Article caps; every one may be overridden per source.
    #[schemars(with = "Option<usize>")]
    max_item_bytes: Option<Spanned<usize>>,
    #[schemars(with = "Option<usize>")]
    max_title_chars: Option<Spanned<usize>>,
    #[schemars(with = "Option<usize>")]
    max_summary_chars: Option<Spanned<usize>>,
    /// How long normalising one article may take, in milliseconds (default 10,000).
    #[schemars(with = "Option<u64>")]
    max_article_ms: Option<Spanned<u64>>,
    // Site-wide only.
    /// Requests at once (default 8).
    #[schemars(with = "Option<usize>")]
    concurrency: Option<Spanned<usize>>,
    /// Requests at once to one host (default 2).
    #[schemars(with = "Option<usize>")]
    per_host_concurrency: Option<Spanned<usize>>,
    #[schemars(with = "Option<usize>")]
    max_feed_bytes: Option<Spanned<usize>>,
    #[schemars(with = "Option<u64>")]
    serve_header_timeout_ms: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    serve_connection_timeout_ms: Option<Spanned<u64>>,
    #[schemars(with = "Option<usize>")]
    serve_max_connections: Option<Spanned<usize>>,
    /// How long a worker's claim on a feed lasts without renewal, in milliseconds (default
    /// 60,000): a worker that dies loses its feeds to the others after this long.
    #[schemars(with = "Option<u64>")]
    lease_ms: Option<Spanned<u64>>,
}

/// `[[feed]]`: one feed, written in every format.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Feed")]
struct RawFeed {
    /// Slug (letters, digits, `-`, `_`): names the output files.
    #[schemars(with = "String")]
    name: Spanned<String>,
    /// The feed's title.
    title: String,
    /// The feed's description; default: `title`.
    description: Option<String>,
    /// The site the feed is about.
    #[schemars(with = "String")]
    link: Spanned<String>,
    /// Items kept in the published feed (default 50).
    #[schemars(with = "Option<usize>")]
    limit: Option<Spanned<usize>>,
    /// When the feed is refreshed; overrides the site's `schedule`.
    #[schemars(with = "Option<String>")]
    schedule: Option<Spanned<String>>,
    /// IANA zone for this feed's naive dates; default: the site's.
    #[schemars(with = "Option<String>")]
    timezone: Option<Spanned<String>>,
    /// Language tag of the feed ("en", "pt-BR"); default: the site's `language`.
    #[schemars(with = "Option<String>")]
    language: Option<Spanned<String>>,
    /// Keep items pushed past `limit` in archive pages of `limit` items (RFC 5005), linked
    /// from the feed (default false).
    archive: Option<bool>,
    /// Exact lines that are chrome, for every source of the feed.
    #[serde(default)]
    chrome_lines: Vec<String>,
    /// Regexes of chrome lines, for every source of the feed.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    chrome_patterns: Vec<Spanned<String>>,
    /// CSS selectors removed from HTML before extraction, for every source of the feed.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    chrome_selectors: Vec<Spanned<String>>,
    /// Where the feed's articles come from.
    #[serde(default)]
    #[schemars(with = "Vec<RawSource>")]
    source: Vec<Spanned<RawSource>>,
}

/// `[[feed.source]]`: where articles come from; exactly one of `dir`, `page`, `list`, `feed`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Source")]
#[schemars(extend("oneOf" = [
    {"required": ["dir"]}, {"required": ["page"]}, {"required": ["list"]}, {"required": ["feed"]}
]))]
struct RawSource {
    /// Used in messages and state; default: the path or URL.
    name: Option<String>,
    /// A folder of article files (.txt, .md, .html), one article each.
    #[schemars(with = "Option<PathBuf>")]
    dir: Option<Spanned<PathBuf>>,
    /// `dir` only: public URL of this folder; overrides the site's `articles_url`.
    #[schemars(with = "Option<String>")]
    articles_url: Option<Spanned<String>>,
    /// `dir` only: the address the folder's saved pages came from; an HTML file's path below it
    /// is its address (link and base of its relative links) when it declares no canonical or
    /// `og:url`.
    #[schemars(with = "Option<String>")]
    base_url: Option<Spanned<String>>,
    /// One web page, one article.
    page: Option<String>,
    /// A page listing articles; each linked article is fetched.
    list: Option<String>,
    /// An RSS, Atom or JSON feed, re-published clean.
    feed: Option<String>,
    // List-page selectors.
    /// `list` only: CSS selector of one listed item.
    #[schemars(with = "Option<String>")]
    item: Option<Spanned<String>>,
    /// `list` only: CSS selector of the article link in an item.
    #[schemars(with = "Option<String>")]
    link: Option<Spanned<String>>,
    /// `list` only: CSS selector of the title in an item.
    #[schemars(with = "Option<String>")]
    title: Option<Spanned<String>>,
    /// `list` only: CSS selector of the date in an item.
    #[schemars(with = "Option<String>")]
    date: Option<Spanned<String>>,
    /// `list` only: CSS selector of the summary in an item.
    #[schemars(with = "Option<String>")]
    summary: Option<Spanned<String>>,
    /// Overrides the site's `max_pages`.
    #[schemars(with = "Option<usize>")]
    max_pages: Option<Spanned<usize>>,
    /// `page` and `list` only: load pages in headless Chromium so scripts build them.
    render: Option<bool>,
    /// Overrides the site's `render_timeout_ms`.
    #[schemars(with = "Option<u64>")]
    render_timeout_ms: Option<Spanned<u64>>,
    /// Newest N links or feed items per run (default 20).
    #[schemars(with = "Option<usize>")]
    max_items: Option<Spanned<usize>>,
    /// `feed` only: fetch each new item's page and extract it instead of the teaser.
    full_text: Option<bool>,
    /// Keep items whose title, content or author matches one of these regexes.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    include: Vec<Spanned<String>>,
    /// Drop items whose title, content or author matches one of these regexes.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    exclude: Vec<Spanned<String>>,
    /// IANA zone for this source's naive dates; default: the feed's.
    #[schemars(with = "Option<String>")]
    timezone: Option<Spanned<String>>,
    /// Exact chrome lines; added to the feed's.
    #[serde(default)]
    chrome_lines: Vec<String>,
    /// Chrome line regexes; added to the feed's.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    chrome_patterns: Vec<Spanned<String>>,
    /// CSS selectors removed before extraction; added to the feed's.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    chrome_selectors: Vec<Spanned<String>>,
    // Fetch overrides.
    /// Overrides the site's `user_agent`.
    #[schemars(with = "Option<String>")]
    user_agent: Option<Spanned<String>>,
    /// Overrides the site's `timeout_ms`.
    #[schemars(with = "Option<u64>")]
    timeout_ms: Option<Spanned<u64>>,
    /// Overrides the site's `connect_timeout_ms`.
    #[schemars(with = "Option<u64>")]
    connect_timeout_ms: Option<Spanned<u64>>,
    /// Overrides the site's `max_body_bytes`.
    #[schemars(with = "Option<u64>")]
    max_body_bytes: Option<Spanned<u64>>,
    /// Overrides the site's `host_delay_ms`.
    #[schemars(with = "Option<u64>")]
    host_delay_ms: Option<Spanned<u64>>,
    /// Overrides the site's `max_redirects`.
    #[schemars(with = "Option<usize>")]
    max_redirects: Option<Spanned<usize>>,
    /// Overrides the site's `robots`.
    robots: Option<bool>,
    /// Replaces the site's `headers`.
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    headers: Option<Spanned<BTreeMap<String, String>>>,
    /// Overrides the site's `retries`.
    #[schemars(with = "Option<u32>")]
    retries: Option<Spanned<u32>>,
    // Article cap overrides.
    #[schemars(with = "Option<usize>")]
    max_item_bytes: Option<Spanned<usize>>,
    #[schemars(with = "Option<usize>")]
    max_title_chars: Option<Spanned<usize>>,
    #[schemars(with = "Option<usize>")]
    max_summary_chars: Option<Spanned<usize>>,
    /// How long normalising one article may take, in milliseconds (default 10,000).
    #[schemars(with = "Option<u64>")]
    max_article_ms: Option<Spanned<u64>>,
}

/// `[[site_rule]]`: CSS selectors for one site; the rule wins over automatic extraction.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SiteRule")]
struct RawSiteRule {
    /// Host name the rule applies to; also covers its subdomains.
    #[schemars(with = "String")]
    host: Spanned<String>,
    /// CSS selector of the article body.
    #[schemars(with = "Option<String>")]
    body: Option<Spanned<String>>,
    /// CSS selectors removed from the body.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    strip: Vec<Spanned<String>>,
    /// CSS selector of the headline.
    #[schemars(with = "Option<String>")]
    title: Option<Spanned<String>>,
    /// CSS selector of the date (its datetime/content attribute, or its text).
    #[schemars(with = "Option<String>")]
    date: Option<Spanned<String>>,
    /// CSS selector of the link to an article's next page; its pages are joined.
    #[schemars(with = "Option<String>")]
    next_page: Option<Spanned<String>>,
    /// Load the site's pages in headless Chromium, as `render = true` on a source does.
    render: Option<bool>,
}

/// The JSON Schema of `config.toml`, generated from the raw types above.
pub fn json_schema() -> schemars::Schema {
    schemars::schema_for!(RawConfig)
}

fn default_output() -> PathBuf {
    PathBuf::from("feeds")
}
fn default_state() -> PathBuf {
    PathBuf::from(".feedsmith/state.db")
}

// ---------------------------------------------------------------- validated

/// Items a feed keeps when `limit` is not set, and the most it may keep.
pub const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100_000;
/// Articles a list or feed source takes per run when `max_items` is not set.
pub const DEFAULT_MAX_ITEMS: usize = 20;
/// Largest feed file written when `max_feed_bytes` is not set: under the 10 MiB many readers
/// and hosts refuse (Miniflux stops at 15 MiB).
pub const DEFAULT_MAX_FEED_BYTES: usize = 9 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    /// The config file itself.
    pub path: PathBuf,
    pub site: Site,
    pub feeds: Vec<Feed>,
    pub site_rules: Vec<SiteRule>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub title: String,
    /// Public URL of the output folder, ending in `/`.
    pub base_url: Url,
    pub author: String,
    pub output_dir: PathBuf,
    /// Object storage the output folder is published to as well, when set.
    pub publish_to: Option<PublishTo>,
    pub state: PathBuf,
    /// PostgreSQL state, when `state` is a `postgres://` URL or `FEEDSMITH_STATE_URL` is set;
    /// `state` is then unused.
    pub state_url: Option<String>,
    /// Workers' claim length (PostgreSQL state).
    pub lease: Duration,
    /// Authority of `tag:` ids (`host,date`): fixed, so moving the files does not change ids.
    pub id_authority: String,
    pub timezone: Tz,
    pub schedule: Option<Schedule>,
    pub websub_hub: Option<Url>,
    /// Language tag of every feed that sets none, checked when the config loads.
    pub language: Option<String>,
    /// `articles_url`: where the folder sources' files are published, ending in `/`.
    pub articles_url: Option<Url>,
    /// Pages of one article read, for sources that set none.
    pub max_pages: usize,
    /// `chromium` and `render_timeout_ms`, for sources that set none.
    pub render: PageOptions,
    pub alert_after: u32,
    pub concurrency: usize,
    pub per_host_concurrency: usize,
    pub fetch: FetchSettings,
    /// Article caps of sources that set none of their own.
    pub caps: ArticleCaps,
    /// Largest file of any format; the oldest items are left out until every format fits.
    pub max_feed_bytes: usize,
    /// Limits of `feedsmith serve` and `daemon --serve`.
    pub serve: crate::serve::Limits,
}

impl Default for Site {
    /// Settings for work outside any config (previewing a URL without a config file).
    fn default() -> Self {
        Site {
            title: "feedsmith".into(),
            base_url: Url::parse("http://localhost/").expect("a valid URL"),
            author: "feedsmith".into(),
            output_dir: default_output(),
            publish_to: None,
            state: default_state(),
            state_url: None,
            lease: Duration::from_secs(60),
            id_authority: "localhost,2024".into(),
            timezone: chrono_tz::UTC,
            schedule: None,
            websub_hub: None,
            language: None,
            articles_url: None,
            max_pages: DEFAULT_MAX_PAGES,
            render: PageOptions::default(),
            alert_after: 1,
            concurrency: 8,
            per_host_concurrency: 2,
            fetch: FetchSettings::default(),
            caps: ArticleCaps::default(),
            max_feed_bytes: DEFAULT_MAX_FEED_BYTES,
            serve: crate::serve::Limits::default(),
        }
    }
}

/// `[site] publish_to`: an S3 bucket and the prefix the output folder's files go under, with
/// where to reach it. Credentials are never in the config: the usual AWS variables give them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishTo {
    pub bucket: String,
    /// Without a leading or trailing `/`; empty for the bucket's root.
    pub prefix: String,
    /// `s3_endpoint`; `None` leaves it to `AWS_ENDPOINT_URL` or AWS S3.
    pub endpoint: Option<Url>,
    /// `s3_region`; `None` leaves it to `AWS_REGION` or "us-east-1".
    pub region: Option<String>,
}

impl PublishTo {
    /// `s3://bucket/prefix/`, what a file's key is written after in messages.
    pub fn url(&self) -> String {
        match self.prefix.is_empty() {
            true => format!("s3://{}/", self.bucket),
            false => format!("s3://{}/{}/", self.bucket, self.prefix),
        }
    }
}

impl Site {
    /// Whether there is state to read: a PostgreSQL URL, or a SQLite file that exists (opening
    /// one creates it).
    pub fn has_state(&self) -> bool {
        self.state_url.is_some() || self.state.exists()
    }
}

/// How one source is fetched: site defaults with the source's overrides applied.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchSettings {
    /// Checked to be a valid header value when the config loads.
    pub user_agent: HeaderValue,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_body_bytes: u64,
    pub host_delay: Duration,
    pub max_redirects: usize,
    pub robots: bool,
    /// Extra request headers, checked when the config loads.
    pub headers: HeaderMap,
    pub retries: u32,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            user_agent: HeaderValue::from_static(concat!(
                "feedsmith/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/feedsmith/feedsmith)"
            )),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_body_bytes: 10 * 1024 * 1024,
            host_delay: Duration::from_millis(1000),
            max_redirects: 5,
            robots: true,
            headers: HeaderMap::new(),
            retries: 2,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Feed {
    pub name: String,
    pub title: String,
    pub description: String,
    pub link: Url,
    pub limit: usize,
    /// The feed's own schedule, else the site's; parsed once, when the config loads.
    pub schedule: Option<Schedule>,
    /// The feed's language tag, else the site's; `None`: what its articles say, if they agree.
    pub language: Option<String>,
    /// Items pushed past `limit` are kept in archive pages (RFC 5005).
    pub archive: bool,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone)]
pub struct Source {
    /// Used in messages and as the key of its state.
    pub name: String,
    pub kind: SourceKind,
    pub timezone: Tz,
    /// Chrome rules of the feed and the source together.
    pub chrome_lines: Vec<String>,
    pub chrome_patterns: Vec<Regex>,
    pub chrome_selectors: Vec<String>,
    pub include: Vec<Regex>,
    pub exclude: Vec<Regex>,
    pub max_items: usize,
    pub full_text: bool,
    pub fetch: FetchSettings,
    pub caps: ArticleCaps,
    /// `dir` only: where people read its articles (`None` outside a config).
    pub article_home: Option<ArticleHome>,
    /// `dir` only: the address its files were saved from (`base_url`, ending in `/`).
    pub base_url: Option<Url>,
    pub pages: PageOptions,
}

/// Pages of one article read and joined when `max_pages` is not set.
pub const DEFAULT_MAX_PAGES: usize = 10;

/// How a web source reads an article's page: its following pages joined.
#[derive(Debug, Clone, PartialEq)]
pub struct PageOptions {
    /// Pages of one article read, the first included.
    pub max_pages: usize,
    /// The site rules' `next_page` selectors.
    pub rules: Vec<PageRule>,
    /// `render = true`: pages are loaded in headless Chromium.
    pub render: bool,
    pub render_timeout: Duration,
    /// `[site] chromium`; else the browser is looked for on PATH.
    pub chromium: Option<PathBuf>,
}

/// Time one page may take in the browser when `render_timeout_ms` is not set.
const DEFAULT_RENDER_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            max_pages: DEFAULT_MAX_PAGES,
            rules: Vec::new(),
            render: false,
            render_timeout: DEFAULT_RENDER_TIMEOUT,
            chromium: None,
        }
    }
}

/// What a `[[site_rule]]` says about fetching a site's pages (extraction keys are in
/// [`SiteRule`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PageRule {
    pub host: String,
    pub next_page: Option<Selector>,
    pub render: bool,
}

impl PageOptions {
    /// The rule for `url`'s host (a rule's host covers its subdomains).
    pub fn rule_for(&self, url: &Url) -> Option<&PageRule> {
        let host = url.host_str()?.to_ascii_lowercase();
        self.rules.iter().find(|r| {
            host == r.host
                || host
                    .strip_suffix(r.host.as_str())
                    .is_some_and(|p| p.ends_with('.'))
        })
    }

    /// Whether `url` is loaded in the browser: the source says so, or its site's rule does.
    pub fn renders(&self, url: &Url) -> bool {
        self.render || self.rule_for(url).is_some_and(|r| r.render)
    }
}

/// Where a folder source's articles can be opened, so every item has a link.
#[derive(Debug, Clone, PartialEq)]
pub enum ArticleHome {
    /// `articles_url`: the folder's public URL (ending in `/`); a file's path is appended.
    Published(Url),
    /// The pages feedsmith writes under `<base_url><feed>/`; `prefix` (the source's slug) keeps
    /// two folders of one feed apart.
    Written { folder: Url, prefix: Option<String> },
}

impl Site {
    /// The folder URL of the article pages feedsmith writes for the feed `feed`.
    pub fn article_pages(&self, feed: &str) -> Url {
        self.base_url
            .join(&format!("{feed}/"))
            .expect("a slug joins onto a URL")
    }
}

impl Source {
    /// A source that is not in the config (previewing a file or URL): no rules of its own.
    pub fn adhoc(name: &str, kind: SourceKind, site: &Site) -> Source {
        Source {
            name: name.to_string(),
            kind,
            timezone: site.timezone,
            chrome_lines: Vec::new(),
            chrome_patterns: Vec::new(),
            chrome_selectors: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            max_items: 1,
            full_text: false,
            fetch: site.fetch.clone(),
            caps: site.caps,
            article_home: None,
            base_url: None,
            pages: PageOptions {
                max_pages: site.max_pages,
                ..site.render.clone()
            },
        }
    }
}

impl Source {
    /// Item filters (`include` / `exclude` regexes) on title, content and authors: at least one
    /// `include` must match when any is given, and no `exclude` may match.
    pub fn passes_filters(&self, title: &str, content: &str, authors: &[String]) -> bool {
        let fields = || {
            [title, content]
                .into_iter()
                .chain(authors.iter().map(String::as_str))
        };
        let hit = |re: &Regex| fields().any(|f| re.is_match(f));
        (self.include.is_empty() || self.include.iter().any(hit)) && !self.exclude.iter().any(hit)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    /// A folder of article files.
    Dir(PathBuf),
    /// One article page.
    Page(Url),
    /// A page listing articles; selectors are optional (links are discovered without them).
    List {
        url: Url,
        selectors: Box<ListSelectors>,
    },
    /// An existing RSS, Atom or JSON feed.
    Feed(Url),
}

impl SourceKind {
    /// The URL a web source fetches; `None` for a folder.
    pub fn url(&self) -> Option<&Url> {
        match self {
            SourceKind::Dir(_) => None,
            SourceKind::Page(u) | SourceKind::List { url: u, .. } | SourceKind::Feed(u) => Some(u),
        }
    }
}

/// A list source's selectors, compiled when the config loads. Without any, links are
/// discovered; with any, `item` or `link` is there (checked at load) to find the articles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListSelectors {
    pub item: Option<Selector>,
    pub link: Option<Selector>,
    pub title: Option<Selector>,
    pub date: Option<Selector>,
    pub summary: Option<Selector>,
}

impl ListSelectors {
    pub fn any(&self) -> bool {
        self.item.is_some()
            || self.link.is_some()
            || self.title.is_some()
            || self.date.is_some()
            || self.summary.is_some()
    }
}

/// A CSS selector as written and compiled.
#[derive(Debug, Clone)]
pub struct Selector {
    text: String,
    matcher: dom_query::Matcher,
}

impl Selector {
    pub fn parse(text: &str) -> Option<Selector> {
        dom_query::Matcher::new(text).ok().map(|matcher| Selector {
            text: text.to_string(),
            matcher,
        })
    }

    pub fn matcher(&self) -> &dom_query::Matcher {
        &self.matcher
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Selector {
    fn eq(&self, other: &Selector) -> bool {
        self.text == other.text
    }
}

// ---------------------------------------------------------------- loading

impl Config {
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read the config file: {e}"),
        })?;
        let v = Validator {
            text: &text,
            path,
            on_disk: true,
        };
        v.parse()
    }

    /// Parses and validates config text; `path` locates relative paths and names the file in
    /// errors. Unlike [`Config::load`], the folders it names need not exist.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let v = Validator {
            text,
            path,
            on_disk: false,
        };
        v.parse()
    }

    pub fn root(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Hosts of the web sources the config names: trusted even when they are on a private
    /// network (a URL written in the config is the user's choice).
    pub fn web_hosts(&self) -> HashSet<String> {
        self.feeds
            .iter()
            .flat_map(|f| &f.sources)
            .filter_map(|s| s.kind.url()?.host_str())
            .map(str::to_ascii_lowercase)
            .collect()
    }

    pub fn feed(&self, name: &str) -> Option<&Feed> {
        self.feeds.iter().find(|f| f.name == name)
    }
}

/// Fetch settings: `$base` with the overrides a raw `[site]` or `[[feed.source]]` table sets
/// (both spell the keys alike; serde cannot flatten them into one struct under
/// `deny_unknown_fields`).
macro_rules! overlay_fetch {
    ($v:expr, $raw:expr, $base:expr) => {{
        let base = &$base;
        FetchSettings {
            user_agent: $v
                .user_agent(&$raw.user_agent)?
                .unwrap_or_else(|| base.user_agent.clone()),
            timeout: $v
                .ranged(&$raw.timeout_ms, "timeout_ms", 1, 600_000)?
                .map_or(base.timeout, Duration::from_millis),
            connect_timeout: $v
                .ranged(&$raw.connect_timeout_ms, "connect_timeout_ms", 1, 600_000)?
                .map_or(base.connect_timeout, Duration::from_millis),
            max_body_bytes: $v
                .ranged(&$raw.max_body_bytes, "max_body_bytes", 1024, 1 << 30)?
                .unwrap_or(base.max_body_bytes),
            host_delay: $v
                .ranged(&$raw.host_delay_ms, "host_delay_ms", 0, 3_600_000)?
                .map_or(base.host_delay, Duration::from_millis),
            max_redirects: $v
                .ranged(&$raw.max_redirects, "max_redirects", 0, 20)?
                .unwrap_or(base.max_redirects),
            robots: $raw.robots.unwrap_or(base.robots),
            headers: $v
                .headers(&$raw.headers)?
                .unwrap_or_else(|| base.headers.clone()),
            retries: $v
                .ranged(&$raw.retries, "retries", 0, 10)?
                .unwrap_or(base.retries),
        }
    }};
}

/// Article caps: `$base` with the overrides a raw `[site]` or `[[feed.source]]` table sets.
macro_rules! overlay_caps {
    ($v:expr, $raw:expr, $base:expr) => {{
        let base = &$base;
        ArticleCaps {
            max_item_bytes: $v
                .ranged(&$raw.max_item_bytes, "max_item_bytes", 4096, 64 << 20)?
                .unwrap_or(base.max_item_bytes),
            max_title_chars: $v
                .ranged(&$raw.max_title_chars, "max_title_chars", 20, 10_000)?
                .unwrap_or(base.max_title_chars),
            max_summary_chars: $v
                .ranged(&$raw.max_summary_chars, "max_summary_chars", 50, 100_000)?
                .unwrap_or(base.max_summary_chars),
            max_article_ms: $v
                .ranged(&$raw.max_article_ms, "max_article_ms", 1, 3_600_000)?
                .unwrap_or(base.max_article_ms),
        }
    }};
}

struct Validator<'a> {
    text: &'a str,
    path: &'a Path,
    /// Whether the config is the one a command runs on, so the folders it names must exist;
    /// configs parsed for tests and tools name folders that need not be there.
    on_disk: bool,
}

impl Validator<'_> {
    fn parse(&self) -> Result<Config> {
        let raw: RawConfig = toml::from_str(self.text).map_err(|e| self.toml_error(&e))?;
        self.config(raw)
    }

    /// A `dir` source's folder, which must be there when the config is the one being run.
    fn folder(&self, dir: &Spanned<PathBuf>) -> Result<PathBuf> {
        let path = self.resolve(dir.get_ref());
        if self.on_disk && !path.is_dir() {
            let what = match path.exists() {
                true => "is not a folder",
                false => "does not exist",
            };
            return self.err(
                dir.span(),
                format!(
                    "`dir` {}: {what}; create it or fix the path (a relative path is read from the config's folder)",
                    path.display()
                ),
            );
        }
        Ok(path)
    }

    fn toml_error(&self, e: &toml::de::Error) -> Error {
        let message = match e.span().and_then(|s| self.key_at(s.start)) {
            Some(key) => type_message(key, e.message()),
            None => e.message().to_string(),
        };
        Error::Config {
            path: self.path.to_path_buf(),
            line: e.span().map(|s| self.line(s.start)),
            message,
        }
    }

    /// The key a `key = value` line at `offset` sets (toml's spans point at the value).
    fn key_at(&self, offset: usize) -> Option<&str> {
        let start = self.text[..offset.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line = &self.text[start..];
        let (key, _) = line.split_once('=')?;
        let key = key.trim().trim_matches('"');
        (!key.is_empty() && !key.contains(['[', '{', ' '])).then_some(key)
    }

    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn err<T>(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Result<T> {
        Err(Error::Config {
            path: self.path.to_path_buf(),
            line: Some(self.line(span.start)),
            message: message.into(),
        })
    }

    /// The PostgreSQL URL of the state: `FEEDSMITH_STATE_URL`, else `state` when it is one.
    fn state_url(&self, state: &Path) -> Result<Option<String>> {
        let url = match std::env::var("FEEDSMITH_STATE_URL") {
            Ok(url) if !url.trim().is_empty() => url.trim().to_string(),
            _ => match state.to_str() {
                Some(s) if s.starts_with("postgres://") || s.starts_with("postgresql://") => {
                    s.to_string()
                }
                _ => return Ok(None),
            },
        };
        if cfg!(not(feature = "postgres")) {
            return Err(Error::Config {
                path: self.path.to_path_buf(),
                line: None,
                message: "`state` is a PostgreSQL URL, but this feedsmith was built without PostgreSQL; rebuild it with `cargo build --features postgres`".into(),
            });
        }
        Ok(Some(url))
    }

    fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.path.parent().unwrap_or(Path::new(".")).join(p)
        }
    }

    fn url(&self, s: &Spanned<String>, key: &str) -> Result<Url> {
        match Url::parse(s.get_ref().trim()) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u),
            Ok(u) => self.err(
                s.span(),
                format!("`{key}` must be an http(s) URL, not {}:", u.scheme()),
            ),
            Err(e) => self.err(
                s.span(),
                format!("`{key}` is not a valid URL ({e}): {:?}", s.get_ref()),
            ),
        }
    }

    /// A number the config may leave out, checked against its range so an absurd value is a
    /// config error naming the key and line, never a panic later.
    fn ranged<T>(&self, v: &Option<Spanned<T>>, key: &str, min: T, max: T) -> Result<Option<T>>
    where
        T: PartialOrd + Copy + std::fmt::Display,
    {
        let Some(v) = v else { return Ok(None) };
        let n = *v.get_ref();
        if n < min || n > max {
            return self.err(
                v.span(),
                format!("`{key}` = {n} is out of range; use a value from {min} to {max}"),
            );
        }
        Ok(Some(n))
    }

    fn user_agent(&self, ua: &Option<Spanned<String>>) -> Result<Option<HeaderValue>> {
        let Some(ua) = ua else { return Ok(None) };
        match HeaderValue::from_str(ua.get_ref().trim()) {
            Ok(v) if !ua.get_ref().trim().is_empty() => Ok(Some(v)),
            _ => self.err(
                ua.span(),
                format!("`user_agent` {:?} is not a valid HTTP header value (printable ASCII, no line breaks)", ua.get_ref()),
            ),
        }
    }

    fn headers(&self, h: &Option<Spanned<BTreeMap<String, String>>>) -> Result<Option<HeaderMap>> {
        let Some(h) = h else { return Ok(None) };
        let mut map = HeaderMap::new();
        for (name, value) in h.get_ref() {
            match (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                (Ok(n), Ok(v)) => {
                    map.insert(n, v);
                }
                _ => {
                    return self.err(
                        h.span(),
                        format!("`headers` entry {name:?} = {value:?} is not a valid HTTP header"),
                    )
                }
            }
        }
        Ok(Some(map))
    }

    /// `publish_to` as a bucket and a prefix, with `s3_endpoint` and `s3_region`.
    fn publish_to(&self, raw: &RawSite) -> Result<Option<PublishTo>> {
        let Some(to) = &raw.publish_to else {
            let stray = [
                ("s3_endpoint", &raw.s3_endpoint),
                ("s3_region", &raw.s3_region),
            ];
            if let Some((key, Some(value))) = stray.into_iter().find(|(_, v)| v.is_some()) {
                return self.err(
                    value.span(),
                    format!("`{key}` is set but `publish_to` is not; add `publish_to = \"s3://bucket/prefix\"` or remove it"),
                );
            }
            return Ok(None);
        };
        let text = to.get_ref().trim();
        let wrong = |why: &str| {
            self.err(
                to.span(),
                format!("`publish_to` {text:?} must be an s3://bucket/prefix URL: {why}"),
            )
        };
        if !cfg!(feature = "s3") {
            return self.err(
                to.span(),
                "`publish_to` needs a feedsmith built with the `s3` cargo feature (on by default); build it without --no-default-features",
            );
        }
        let Some(rest) = text.strip_prefix("s3://") else {
            return wrong("it does not start with s3://");
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !bucket_ok {
            return wrong("a bucket name is 3 to 63 lower-case letters, digits, '-' and '.'");
        }
        let prefix = prefix.trim_matches('/');
        let segment_ok = |s: &str| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        };
        if !prefix.is_empty() && !prefix.split('/').all(segment_ok) {
            return wrong(
                "the prefix is folder names of printable characters, split by single '/'",
            );
        }
        let endpoint = match &raw.s3_endpoint {
            Some(e) => Some(self.url(e, "s3_endpoint")?),
            None => None,
        };
        Ok(Some(PublishTo {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            endpoint,
            region: raw
                .s3_region
                .as_ref()
                .map(|r| r.get_ref().trim().to_string())
                .filter(|r| !r.is_empty()),
        }))
    }

    fn tz(&self, s: &Option<Spanned<String>>, default: Tz) -> Result<Tz> {
        match s {
            None => Ok(default),
            Some(s) => s.get_ref().parse::<Tz>().or_else(|_| {
                self.err(
                    s.span(),
                    format!(
                        "`timezone` {:?} is not an IANA time zone (like \"Europe/Paris\")",
                        s.get_ref()
                    ),
                )
            }),
        }
    }

    /// A language tag as RSS, Atom and JSON Feed take it: a two- or three-letter language,
    /// then subtags of letters and digits ("en", "pt-BR", "zh-Hant-TW"); `_` reads as `-`.
    fn language(&self, s: &Option<Spanned<String>>) -> Result<Option<String>> {
        let Some(s) = s else { return Ok(None) };
        match crate::chars::language_tag(s.get_ref()) {
            Some(tag) => Ok(Some(tag)),
            None => self.err(
                s.span(),
                format!(
                    "`language` {:?} is not a language tag (like \"en\" or \"pt-BR\")",
                    s.get_ref()
                ),
            ),
        }
    }

    fn regexes(&self, list: &[Spanned<String>], key: &str) -> Result<Vec<Regex>> {
        list.iter()
            .map(|s| match Regex::new(s.get_ref()) {
                Ok(r) => Ok(r),
                Err(e) => self.err(
                    s.span(),
                    format!(
                        "`{key}` pattern {:?} is not a valid regex: {e}",
                        s.get_ref()
                    ),
                ),
            })
            .collect()
    }

    fn schedule(&self, s: &Option<Spanned<String>>) -> Result<Option<Schedule>> {
        match s {
            None => Ok(None),
            Some(s) => match Schedule::parse(s.get_ref()) {
                Ok(schedule) => Ok(Some(schedule)),
                Err(e) => self.err(s.span(), format!("`schedule` {:?}: {e}", s.get_ref())),
            },
        }
    }

    fn config(&self, raw: RawConfig) -> Result<Config> {
        let site = self.site(&raw.site)?;
        let mut names = HashSet::new();
        let mut feeds = Vec::new();
        for f in &raw.feed {
            let name = f.name.get_ref();
            if !is_slug(name) {
                return self.err(
                    f.name.span(),
                    format!("feed `name` {name:?} must be a slug: letters, digits, '-', '_' (it names the output files)"),
                );
            }
            if !names.insert(name.clone()) {
                return self.err(f.name.span(), format!("duplicate feed `name` {name:?}"));
            }
            feeds.push(self.feed(f, &raw.site, &site)?);
        }
        if feeds.is_empty() {
            return Err(Error::Config {
                path: self.path.to_path_buf(),
                line: None,
                message: "no `[[feed]]` defined; add at least one".into(),
            });
        }
        let site_rules = raw
            .site_rule
            .iter()
            .map(|r| self.site_rule(r))
            .collect::<Result<_>>()?;
        let page_rules = raw
            .site_rule
            .iter()
            .zip(&site_rules)
            .map(|(r, rule)| self.page_rule(r, rule))
            .collect::<Result<Vec<_>>>()?;
        for source in feeds.iter_mut().flat_map(|f| &mut f.sources) {
            source.pages.rules.clone_from(&page_rules);
        }
        Ok(Config {
            path: self.path.to_path_buf(),
            site,
            feeds,
            site_rules,
        })
    }

    /// A CSS selector, checked now so a typo is a config error rather than a rule that
    /// silently matches nothing.
    fn selector(&self, s: &Spanned<String>, key: &str) -> Result<String> {
        match dom_query::Matcher::new(s.get_ref()) {
            Ok(_) => Ok(s.get_ref().clone()),
            Err(_) => self.err(
                s.span(),
                format!("`{key}` {:?} is not a valid CSS selector", s.get_ref()),
            ),
        }
    }

    fn page_rule(&self, r: &RawSiteRule, rule: &SiteRule) -> Result<PageRule> {
        let next_page = match &r.next_page {
            None => None,
            // Checked by `selector`, so it compiles.
            Some(s) => Selector::parse(&self.selector(s, "next_page")?),
        };
        Ok(PageRule {
            host: rule.host.clone(),
            next_page,
            render: r.render.unwrap_or(false),
        })
    }

    fn site_rule(&self, r: &RawSiteRule) -> Result<SiteRule> {
        let host = r
            .host
            .get_ref()
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if host.is_empty() || host.contains(['/', ':', ' ']) {
            return self.err(
                r.host.span(),
                format!(
                    "`host` {:?} must be a bare host name like \"example.org\"",
                    r.host.get_ref()
                ),
            );
        }
        let one = |s: &Option<Spanned<String>>, key: &str| {
            s.as_ref().map(|s| self.selector(s, key)).transpose()
        };
        Ok(SiteRule {
            host,
            body: one(&r.body, "body")?,
            strip: r
                .strip
                .iter()
                .map(|s| self.selector(s, "strip"))
                .collect::<Result<_>>()?,
            title: one(&r.title, "title")?,
            date: one(&r.date, "date")?,
        })
    }

    fn site(&self, raw: &RawSite) -> Result<Site> {
        let defaults = Site::default();
        let mut base_url = self.url(&raw.base_url, "base_url")?;
        if !base_url.path().ends_with('/') {
            base_url.set_path(&format!("{}/", base_url.path()));
        }
        if raw.title.trim().is_empty() {
            return Err(Error::Config {
                path: self.path.to_path_buf(),
                line: None,
                message: "`site.title` is empty".into(),
            });
        }
        let host = base_url.host_str().unwrap_or("localhost").to_string();
        let websub_hub = match &raw.websub_hub {
            Some(s) => Some(self.url(s, "websub_hub")?),
            None => None,
        };
        let articles_url = self.folder_url(&raw.articles_url, "articles_url")?;
        let fetch = overlay_fetch!(self, raw, FetchSettings::default());
        let caps = overlay_caps!(self, raw, ArticleCaps::default());
        let serve = crate::serve::Limits {
            header_read_timeout_ms: self
                .ranged(
                    &raw.serve_header_timeout_ms,
                    "serve_header_timeout_ms",
                    100,
                    600_000,
                )?
                .unwrap_or(defaults.serve.header_read_timeout_ms),
            connection_timeout_ms: self
                .ranged(
                    &raw.serve_connection_timeout_ms,
                    "serve_connection_timeout_ms",
                    1000,
                    86_400_000,
                )?
                .unwrap_or(defaults.serve.connection_timeout_ms),
            max_connections: self
                .ranged(
                    &raw.serve_max_connections,
                    "serve_max_connections",
                    1,
                    65_536,
                )?
                .unwrap_or(defaults.serve.max_connections),
        };
        Ok(Site {
            title: raw.title.trim().to_string(),
            author: raw
                .author
                .clone()
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| raw.title.trim().to_string()),
            output_dir: self.resolve(&raw.output_dir),
            publish_to: self.publish_to(raw)?,
            state: self.resolve(&raw.state),
            state_url: self.state_url(&raw.state)?,
            lease: self
                .ranged(&raw.lease_ms, "lease_ms", 100, 3_600_000)?
                .map_or(defaults.lease, Duration::from_millis),
            id_authority: raw
                .id_authority
                .clone()
                .unwrap_or_else(|| format!("{host},2024")),
            timezone: self.tz(&raw.timezone, chrono_tz::UTC)?,
            schedule: self.schedule(&raw.schedule)?,
            websub_hub,
            language: self.language(&raw.language)?,
            articles_url,
            max_pages: self
                .ranged(&raw.max_pages, "max_pages", 1, 100)?
                .unwrap_or(DEFAULT_MAX_PAGES),
            render: PageOptions {
                render_timeout: self
                    .ranged(&raw.render_timeout_ms, "render_timeout_ms", 100, 600_000)?
                    .map_or(DEFAULT_RENDER_TIMEOUT, Duration::from_millis),
                // A bare name is a program on PATH; a path is read from the config's folder.
                chromium: raw.chromium.as_ref().map(|p| match p.components().count() {
                    1 if p.is_relative() => p.clone(),
                    _ => self.resolve(p),
                }),
                ..PageOptions::default()
            },
            alert_after: self
                .ranged(&raw.alert_after, "alert_after", 1, 10_000)?
                .unwrap_or(defaults.alert_after),
            concurrency: self
                .ranged(&raw.concurrency, "concurrency", 1, 1024)?
                .unwrap_or(defaults.concurrency),
            per_host_concurrency: self
                .ranged(&raw.per_host_concurrency, "per_host_concurrency", 1, 64)?
                .unwrap_or(defaults.per_host_concurrency),
            max_feed_bytes: self
                .ranged(&raw.max_feed_bytes, "max_feed_bytes", 64 << 10, 1 << 30)?
                .unwrap_or(defaults.max_feed_bytes),
            base_url,
            fetch,
            caps,
            serve,
        })
    }

    fn feed(&self, f: &RawFeed, raw_site: &RawSite, site: &Site) -> Result<Feed> {
        let link = self.url(&f.link, "link")?;
        let feed_tz = self.tz(&f.timezone, site.timezone)?;
        let feed_patterns = self.regexes(&f.chrome_patterns, "chrome_patterns")?;
        let mut sources = Vec::new();
        let mut source_names = HashSet::new();
        for s in &f.source {
            let source = self.source(s, f, &feed_patterns, feed_tz, site)?;
            if !source_names.insert(source.name.clone()) {
                return self.err(
                    s.span(),
                    format!(
                        "duplicate source name {:?} in feed {:?}",
                        source.name,
                        f.name.get_ref()
                    ),
                );
            }
            sources.push(source);
        }
        let limit = self
            .ranged(&f.limit, "limit", 1, MAX_LIMIT)?
            .unwrap_or(DEFAULT_LIMIT);
        let _ = raw_site;
        self.article_homes(&mut sources, &f.source, f.name.get_ref(), site)?;
        Ok(Feed {
            name: f.name.get_ref().clone(),
            title: f.title.trim().to_string(),
            description: f
                .description
                .clone()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| f.title.trim().to_string()),
            link,
            limit,
            schedule: match self.schedule(&f.schedule)? {
                Some(s) => Some(s),
                None => site.schedule.clone(),
            },
            language: self
                .language(&f.language)?
                .or_else(|| site.language.clone()),
            archive: f.archive.unwrap_or(false),
            sources,
        })
    }

    /// A URL naming a folder: checked, and ending in `/` so paths join below it.
    fn folder_url(&self, s: &Option<Spanned<String>>, key: &str) -> Result<Option<Url>> {
        let Some(s) = s else { return Ok(None) };
        let mut url = self.url(s, key)?;
        if !url.path().ends_with('/') {
            url.set_path(&format!("{}/", url.path()));
        }
        Ok(Some(url))
    }

    /// Gives every folder source of a feed the place its articles are read: its own
    /// `articles_url`, the site's, or the pages feedsmith writes (prefixed by the source's slug
    /// when the feed has more than one folder, so two `today.txt` get two pages).
    fn article_homes(
        &self,
        sources: &mut [Source],
        raw: &[Spanned<RawSource>],
        feed: &str,
        site: &Site,
    ) -> Result<()> {
        let folders = sources
            .iter()
            .filter(|s| matches!(s.kind, SourceKind::Dir(_)))
            .count();
        for (source, r) in sources.iter_mut().zip(raw) {
            let own = self.folder_url(&r.get_ref().articles_url, "articles_url")?;
            let base = self.folder_url(&r.get_ref().base_url, "base_url")?;
            if !matches!(source.kind, SourceKind::Dir(_)) {
                for (key, set) in [
                    ("articles_url", own.is_some()),
                    ("base_url", base.is_some()),
                ] {
                    if set {
                        return self
                            .err(r.span(), format!("`{key}` only applies to a `dir` source"));
                    }
                }
                continue;
            }
            source.base_url = base;
            source.article_home = Some(match own.or_else(|| site.articles_url.clone()) {
                Some(url) => ArticleHome::Published(url),
                None => ArticleHome::Written {
                    folder: site.article_pages(feed),
                    prefix: (folders > 1).then(|| crate::urls::slug(&source.name)),
                },
            });
        }
        Ok(())
    }

    /// Which kind a source is (exactly one of `dir`, `page`, `list`, `feed`), with its
    /// selectors compiled, and the name it gets when it has none of its own.
    fn source_kind(
        &self,
        r: &RawSource,
        span: std::ops::Range<usize>,
    ) -> Result<(SourceKind, String)> {
        let set = [
            r.dir.is_some(),
            r.page.is_some(),
            r.list.is_some(),
            r.feed.is_some(),
        ];
        if set.iter().filter(|x| **x).count() != 1 {
            return self.err(
                span,
                "a `[[feed.source]]` needs exactly one of `dir`, `page`, `list`, `feed`",
            );
        }
        let parse_url = |u: &str, key: &str| -> Result<Url> {
            self.url(&Spanned::new(span.clone(), u.to_string()), key)
        };
        let (kind, default_name) = if let Some(d) = &r.dir {
            (
                SourceKind::Dir(self.folder(d)?),
                d.get_ref().display().to_string(),
            )
        } else if let Some(p) = &r.page {
            let u = parse_url(p, "page")?;
            (SourceKind::Page(u.clone()), u.to_string())
        } else if let Some(l) = &r.list {
            let u = parse_url(l, "list")?;
            let compile = |s: &Option<Spanned<String>>, key| -> Result<Option<Selector>> {
                let Some(s) = s else { return Ok(None) };
                match Selector::parse(s.get_ref()) {
                    Some(sel) => Ok(Some(sel)),
                    None => self.err(
                        s.span(),
                        format!("`{key}` {:?} is not a valid CSS selector", s.get_ref()),
                    ),
                }
            };
            let selectors = ListSelectors {
                item: compile(&r.item, "item")?,
                link: compile(&r.link, "link")?,
                title: compile(&r.title, "title")?,
                date: compile(&r.date, "date")?,
                summary: compile(&r.summary, "summary")?,
            };
            if selectors.any() && selectors.item.is_none() && selectors.link.is_none() {
                return self.err(
                    span,
                    "list selectors need `item` (or at least `link`) to find the articles; add it to the source",
                );
            }
            (
                SourceKind::List {
                    url: u.clone(),
                    selectors: Box::new(selectors),
                },
                u.to_string(),
            )
        } else {
            let u = parse_url(r.feed.as_deref().unwrap_or_default(), "feed")?;
            (SourceKind::Feed(u.clone()), u.to_string())
        };
        let selectors_given = r.item.is_some()
            || r.link.is_some()
            || r.title.is_some()
            || r.date.is_some()
            || r.summary.is_some();
        if selectors_given && !matches!(kind, SourceKind::List { .. }) {
            return self.err(span, "`item`, `link`, `title`, `date` and `summary` selectors only apply to a `list` source");
        }
        Ok((kind, default_name))
    }

    fn source(
        &self,
        s: &Spanned<RawSource>,
        f: &RawFeed,
        feed_patterns: &[Regex],
        feed_tz: Tz,
        site: &Site,
    ) -> Result<Source> {
        let span = s.span();
        let r = s.get_ref();
        let (kind, default_name) = self.source_kind(r, span.clone())?;
        if r.full_text.is_some() && !matches!(kind, SourceKind::Feed(_)) {
            return self.err(span, "`full_text` only applies to a `feed` source");
        }
        if r.render.is_some() && !matches!(kind, SourceKind::Page(_) | SourceKind::List { .. }) {
            return self.err(span, "`render` only applies to a `page` or `list` source");
        }
        let fetch = overlay_fetch!(self, r, site.fetch);
        let mut chrome_patterns = feed_patterns.to_vec();
        chrome_patterns.extend(self.regexes(&r.chrome_patterns, "chrome_patterns")?);
        Ok(Source {
            name: r
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(default_name),
            kind,
            timezone: self.tz(&r.timezone, feed_tz)?,
            chrome_lines: f
                .chrome_lines
                .iter()
                .chain(&r.chrome_lines)
                .cloned()
                .collect(),
            chrome_patterns,
            chrome_selectors: f
                .chrome_selectors
                .iter()
                .chain(&r.chrome_selectors)
                .map(|s| self.selector(s, "chrome_selectors"))
                .collect::<Result<_>>()?,
            include: self.regexes(&r.include, "include")?,
            exclude: self.regexes(&r.exclude, "exclude")?,
            max_items: self
                .ranged(&r.max_items, "max_items", 1, 10_000)?
                .unwrap_or(DEFAULT_MAX_ITEMS),
            full_text: r.full_text.unwrap_or(false),
            fetch,
            caps: overlay_caps!(self, r, site.caps),
            article_home: None,
            base_url: None,
            pages: PageOptions {
                max_pages: self
                    .ranged(&r.max_pages, "max_pages", 1, 100)?
                    .unwrap_or(site.max_pages),
                render: r.render.unwrap_or(false),
                render_timeout: self
                    .ranged(&r.render_timeout_ms, "render_timeout_ms", 100, 600_000)?
                    .map_or(site.render.render_timeout, Duration::from_millis),
                ..site.render.clone()
            },
        })
    }
}

/// A type error in words a config writer uses: "`limit`: expected a whole number, got
/// \"fifty\"" rather than serde's "invalid type: string \"fifty\", expected usize".
fn type_message(key: &str, message: &str) -> String {
    let Some((got, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|m| m.split_once(", expected "))
    else {
        return format!("`{key}`: {message}");
    };
    let expected = match expected {
        "usize" | "u64" | "u32" | "u16" | "u8" | "i64" | "i32" => "a whole number",
        "a boolean" | "bool" => "true or false",
        "a string" | "string" => "a quoted string",
        other => other,
    };
    let got = got
        .strip_prefix("string ")
        .or_else(|| got.strip_prefix("integer "))
        .unwrap_or(got);
    format!("`{key}`: expected {expected}, got {got}")
}

/// Feed names become file names: letters, digits, `-` and `_` only, so no `/` or `..`.
pub fn is_slug(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !name.starts_with('-')
}

/// Configs for unit tests, built instead of retyped: a standard `[site]`, feeds and their
/// sources added by name, each with the extra TOML lines a test needs.
#[cfg(test)]
pub mod test_config {
    use super::{Config, Source};

    #[derive(Default)]
    pub struct Builder {
        site: Vec<String>,
        /// Each feed's name, extra lines, and its sources' lines.
        feeds: Vec<(String, String, Vec<String>)>,
    }

    impl Builder {
        pub fn new() -> Builder {
            Builder::default()
        }

        /// Adds lines to `[site]` (after its title and base URL).
        pub fn site(mut self, lines: &str) -> Builder {
            self.site.push(lines.to_string());
            self
        }

        /// Starts a feed; `lines` are its own keys beyond name, title and link.
        pub fn feed(mut self, name: &str, lines: &str) -> Builder {
            self.feeds
                .push((name.to_string(), lines.to_string(), Vec::new()));
            self
        }

        /// Adds a source to the last feed (a feed `f` is started if there is none).
        pub fn source(mut self, lines: &str) -> Builder {
            if self.feeds.is_empty() {
                self = self.feed("f", "");
            }
            let last = self.feeds.last_mut().expect("a feed");
            last.2.push(lines.to_string());
            self
        }

        pub fn toml(&self) -> String {
            let mut out = format!(
                "[site]\ntitle = \"Test\"\nbase_url = \"https://e.org/\"\n{}\n",
                self.site.join("\n")
            );
            for (name, lines, sources) in &self.feeds {
                out.push_str(&format!(
                    "[[feed]]\nname = \"{name}\"\ntitle = \"{name}\"\nlink = \"https://e.org/{name}\"\n{lines}\n"
                ));
                for source in sources {
                    out.push_str(&format!("[[feed.source]]\n{source}\n"));
                }
            }
            out
        }

        pub fn build(&self) -> Config {
            let text = self.toml();
            Config::parse(
                &text,
                std::path::Path::new("/tmp/feedsmith-test/config.toml"),
            )
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
        }

        /// The first source of the first feed.
        pub fn build_source(&self) -> Source {
            self.build().feeds.remove(0).sources.remove(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[site]
title = "Example news"
base_url = "https://news.example.org/feeds"

[[feed]]
name = "world"
title = "World"
link = "https://news.example.org/world"
[[feed.source]]
dir = "articles/world"
"#;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("/etc/feedsmith/config.toml"))
    }

    fn message(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[cfg(feature = "s3")]
    #[test]
    fn publish_to_is_a_bucket_and_a_prefix() {
        let with = |site: &str| {
            let text = GOOD.replace("[site]\n", &format!("[site]\n{site}\n"));
            parse(&text).unwrap().site.publish_to
        };
        assert_eq!(with(""), None);
        let to = with("publish_to = \"s3://news-feeds/a/b/\"\ns3_region = \"eu-west-1\"").unwrap();
        assert_eq!(
            (to.bucket.as_str(), to.prefix.as_str()),
            ("news-feeds", "a/b")
        );
        assert_eq!(to.url(), "s3://news-feeds/a/b/");
        assert_eq!(to.region.as_deref(), Some("eu-west-1"));
        assert_eq!(to.endpoint, None);
        let root =
            with("publish_to = \"s3://news-feeds\"\ns3_endpoint = \"http://127.0.0.1:9000\"")
                .unwrap();
        assert_eq!(root.url(), "s3://news-feeds/");
        assert_eq!(root.endpoint.unwrap().as_str(), "http://127.0.0.1:9000/");
        let bad = message(&GOOD.replace("[site]\n", "[site]\npublish_to = \"s3://ab/x\"\n"));
        assert!(
            bad.contains("config.toml:3:") && bad.contains("a bucket name is 3 to 63"),
            "{bad}"
        );
        let bad = message(&GOOD.replace(
            "[site]\n",
            "[site]\ns3_endpoint = \"ftp://x\"\npublish_to = \"s3://abc\"\n",
        ));
        assert!(
            bad.contains("`s3_endpoint` must be an http(s) URL"),
            "{bad}"
        );
    }

    #[test]
    fn defaults_and_relative_paths() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.site.base_url.as_str(), "https://news.example.org/feeds/");
        assert_eq!(c.site.author, "Example news");
        assert_eq!(c.site.output_dir, PathBuf::from("/etc/feedsmith/feeds"));
        assert_eq!(c.site.id_authority, "news.example.org,2024");
        let f = &c.feeds[0];
        assert_eq!(f.limit, 50);
        assert_eq!(f.description, "World");
        assert_eq!(
            f.sources[0].kind,
            SourceKind::Dir(PathBuf::from("/etc/feedsmith/articles/world"))
        );
        assert_eq!(f.sources[0].name, "articles/world");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let m = message(&GOOD.replace(
            "link = \"https://news.example.org/world\"",
            "link = \"https://news.example.org/world\"\nlimitt = 5",
        ));
        assert!(m.contains("limitt") && m.contains("config.toml:10"), "{m}");
    }

    #[test]
    fn numbers_have_ranges_and_type_errors_name_the_key() {
        let m = message(&GOOD.replace(
            "base_url = \"https://news.example.org/feeds\"",
            "base_url = \"https://news.example.org/feeds\"\nconcurrency = 9223372036854775807",
        ));
        assert!(
            m.contains("`concurrency`")
                && m.contains("out of range")
                && m.contains("config.toml:5"),
            "{m}"
        );
        let m = message(&GOOD.replace("title = \"World\"", "title = \"World\"\nlimit = \"fifty\""));
        assert!(
            m.contains("`limit`")
                && m.contains("expected a whole number")
                && m.contains("\"fifty\"")
                && m.contains("config.toml:9"),
            "{m}"
        );
        let m = message(&GOOD.replace("title = \"World\"", "title = \"World\"\nlimit = 0"));
        assert!(m.contains("`limit` = 0 is out of range"), "{m}");
    }

    #[test]
    fn list_selectors_and_headers_are_checked_at_load() {
        let list = |extra: &str| {
            message(&GOOD.replace(
                "dir = \"articles/world\"",
                &format!("list = \"https://ex.org/news/\"\n{extra}"),
            ))
        };
        let m = list("item = \"li[\"");
        assert!(m.contains("`item`") && m.contains("config.toml:12"), "{m}");
        let m = list("title = \"h2\"");
        assert!(m.contains("need `item` (or at least `link`)"), "{m}");
        let m = list("headers = { \"Bad Name\" = \"x\" }");
        assert!(m.contains("`headers`") && m.contains("Bad Name"), "{m}");
        let m = list("user_agent = \"bot\\nX-Evil: 1\"");
        assert!(m.contains("`user_agent`"), "{m}");
    }

    #[test]
    fn duplicate_and_unsafe_names() {
        let dup = format!(
            "{GOOD}\n[[feed]]\nname = \"world\"\ntitle = \"W\"\nlink = \"https://e.org/\"\n"
        );
        let m = message(&dup);
        assert!(
            m.contains("duplicate feed `name`") && m.contains(":14"),
            "{m}"
        );
        let m = message(&GOOD.replace("name = \"world\"", "name = \"../etc\""));
        assert!(m.contains("slug") && m.contains(":7"), "{m}");
    }

    #[test]
    fn site_rules_and_selectors_are_checked() {
        let m = message(&format!(
            "{GOOD}\n[[site_rule]]\nhost = \"ex.org\"\nbody = \"div[[\"\n"
        ));
        assert!(
            m.contains("`body`") && m.contains("CSS selector") && m.contains(":15"),
            "{m}"
        );
        let m = message(&GOOD.replace(
            "[[feed.source]]",
            "chrome_selectors = [\"..x\"]\n[[feed.source]]",
        ));
        assert!(m.contains("`chrome_selectors`"), "{m}");
        let c = parse(&format!("{GOOD}\n[[site_rule]]\nhost = \"Ex.org\"\nbody = \"article .text\"\nstrip = [\".ad\"]\n")).unwrap();
        assert_eq!(c.site_rules[0].host, "ex.org");
        assert_eq!(c.site_rules[0].strip, vec![".ad"]);
    }

    #[test]
    fn sources_inherit_site_fetch_settings_and_override_them() {
        let text = GOOD
            .replace("base_url = \"https://news.example.org/feeds\"", "base_url = \"https://news.example.org/feeds\"\ntimeout_ms = 500\nheaders = { X-A = \"1\" }")
            .replace("dir = \"articles/world\"", "page = \"https://ex.org/a\"\nhost_delay_ms = 0\n[[feed.source]]\npage = \"https://ex.org/b\"\nheaders = { X-B = \"2\" }");
        let c = parse(&text).unwrap();
        let (a, b) = (&c.feeds[0].sources[0].fetch, &c.feeds[0].sources[1].fetch);
        assert_eq!(c.site.fetch.timeout, Duration::from_millis(500));
        assert_eq!(
            (a.timeout, a.host_delay),
            (Duration::from_millis(500), Duration::ZERO)
        );
        assert_eq!(a.headers.get("x-a").unwrap(), "1");
        assert_eq!(b.host_delay, FetchSettings::default().host_delay);
        assert_eq!(b.headers.get("x-b").unwrap(), "2");
        assert!(b.headers.get("x-a").is_none());
    }

    #[test]
    fn caps_and_serve_limits_have_defaults_ranges_and_per_source_overrides() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.site.caps, ArticleCaps::default());
        assert_eq!(c.site.max_feed_bytes, DEFAULT_MAX_FEED_BYTES);
        assert_eq!(c.site.serve, crate::serve::Limits::default());
        let text = GOOD
            .replace(
                "base_url = \"https://news.example.org/feeds\"",
                "base_url = \"https://news.example.org/feeds\"\nmax_title_chars = 120\nmax_feed_bytes = 100000\n\
                 serve_header_timeout_ms = 250\nserve_connection_timeout_ms = 5000\nserve_max_connections = 3",
            )
            .replace(
                "dir = \"articles/world\"",
                "dir = \"articles/world\"\nmax_item_bytes = 8192\nmax_summary_chars = 400\nmax_article_ms = 250",
            );
        let c = parse(&text).unwrap();
        let serve = crate::serve::Limits {
            header_read_timeout_ms: 250,
            connection_timeout_ms: 5000,
            max_connections: 3,
        };
        assert_eq!((c.site.serve, c.site.max_feed_bytes), (serve, 100_000));
        let caps = ArticleCaps {
            max_item_bytes: 8192,
            max_title_chars: 120,
            max_summary_chars: 400,
            max_article_ms: 250,
        };
        assert_eq!(c.feeds[0].sources[0].caps, caps);
        assert_eq!(
            c.site.caps.max_item_bytes,
            ArticleCaps::default().max_item_bytes
        );
        for bad in [
            "max_item_bytes = 10",
            "max_title_chars = 0",
            "max_article_ms = 0",
            "max_feed_bytes = 1",
            "serve_max_connections = 0",
            "serve_header_timeout_ms = 1",
        ] {
            let m = message(&GOOD.replace("[[feed]]", &format!("{bad}\n[[feed]]")));
            let key = bad.split(' ').next().unwrap();
            assert!(
                m.contains(&format!("`{key}`")) && m.contains("out of range"),
                "{m}"
            );
        }
    }

    #[test]
    fn missing_required_field() {
        let m = message(&GOOD.replace("title = \"World\"\n", ""));
        assert!(m.contains("missing field `title`"), "{m}");
    }

    #[test]
    fn bad_values_name_their_key() {
        assert!(
            message(&GOOD.replace("articles/world\"", "articles/world\"\ninclude = [\"(\"]"))
                .contains("`include`")
        );
        assert!(
            message(&GOOD.replace("dir = \"articles/world\"", "page = \"ftp://x\""))
                .contains("`page`")
        );
        assert!(message(&GOOD.replace(
            "dir = \"articles/world\"",
            "dir = \"a\"\nfeed = \"https://x/\""
        ))
        .contains("exactly one"));
        assert!(
            message(&GOOD.replace("[[feed]]", "[[feed]]\ntimezone = \"Mars/Base\""))
                .contains("IANA")
        );
        let m = message(&GOOD.replace("[[feed]]", "[[feed]]\nlanguage = \"English\""));
        assert!(
            m.contains("`language` \"English\" is not a language tag"),
            "{m}"
        );
    }
}
