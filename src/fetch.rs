//! Polite HTTP fetching for the web sources. feedsmith runs unattended from cron against other
//! people's servers, so every request goes through one [`Fetcher`] that limits concurrency
//! (overall and per host), spaces requests to a host, honours robots.txt and `Retry-After`,
//! asks conditionally, and refuses bodies that would fill memory.

pub(crate) mod charset;
pub mod error;
pub mod render;
mod resolve;
mod robots;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use futures_util::StreamExt;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::StatusCode;
use tokio::sync::{OnceCell, Semaphore};
use tokio::time::Instant;
use url::Url;

use crate::config::{FetchSettings, Site};
use crate::error::{Error, FetchError};
use crate::urls;

pub use charset::{decode, xml_declaration_to_utf8};
pub use robots::Robots;

/// robots.txt files larger than this are cut (RFC 9309 asks crawlers to read at least 500 KiB).
const ROBOTS_MAX_BYTES: u64 = 512 * 1024;

const ACCEPT: &str = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,\
application/feed+json,application/json;q=0.9,application/xml;q=0.9,*/*;q=0.8";

/// HTTP validators kept between runs for conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A site's robots.txt as last fetched, kept between runs: within [`ROBOTS_FRESH`] it is used
/// as it is, after that it is asked for again conditionally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotsCopy {
    /// The file's text; empty for a site without one (a 4xx: no rules).
    pub body: String,
    pub validators: Validators,
    pub fetched_at: DateTime<Utc>,
}

/// robots.txt copies from earlier runs by origin, and the "now" that judges their age (none:
/// nothing is remembered or kept, as for a preview).
type Remembered = (HashMap<String, RobotsCopy>, Option<DateTime<Utc>>);

/// How long a robots.txt copy is used without asking again (RFC 9309 allows up to 24 hours).
pub const ROBOTS_FRESH: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// Result of a GET.
#[derive(Debug)]
pub enum Fetched {
    /// The validators still match: nothing changed since the last run.
    NotModified,
    Ok(Page),
}

/// A fetched and decoded response.
#[derive(Debug, Clone)]
pub struct Page {
    /// Final URL, after redirects.
    pub url: Url,
    /// The body decoded to UTF-8.
    pub text: String,
    pub content_type: Option<String>,
    pub validators: Validators,
    pub last_modified: Option<DateTime<Utc>>,
}

/// Spacing of requests to a host shared with other processes (workers on other machines):
/// `wait` returns once nobody may be asking the host and the last request to it, by anyone,
/// ended `delay` ago, and holds the host until `done`. The fetcher's own spacing still
/// applies within the process.
pub trait HostGate: Send + Sync {
    fn wait<'a>(&'a self, host: &'a str, delay: Duration) -> BoxFuture<'a, ()>;
    fn done<'a>(&'a self, host: &'a str, delay: Duration) -> BoxFuture<'a, ()>;
}

/// One per run, shared by all sources (clones share limits, delays and the robots.txt cache).
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
    max_retry_wait: Duration,
    gate: Option<Arc<dyn HostGate>>,
}

struct Inner {
    /// One client per connect timeout (the only setting reqwest fixes per client).
    clients: Mutex<HashMap<Duration, reqwest::Client>>,
    global: Semaphore,
    per_host_concurrency: usize,
    hosts: Mutex<HashMap<String, Host>>,
    /// Per origin, for the whole run; a robots.txt that could not be read stays unread (the
    /// message says why), so its site is not asked again on every link.
    robots: Mutex<HashMap<String, Arc<RobotsCell>>>,
    /// Host names the config names: they may resolve to private addresses (see `resolve`).
    trusted: Arc<HashSet<String>>,
    /// robots.txt copies from earlier runs, by origin, and the run's "now" to judge their age.
    remembered: Mutex<Remembered>,
    /// Copies fetched or confirmed this run, for the next.
    to_keep: Mutex<Vec<(String, RobotsCopy)>>,
}

/// A host's robots.txt rules once read, or why they could not be.
type RobotsCell = OnceCell<Result<Robots, FetchError>>;

struct Host {
    permits: Arc<Semaphore>,
    /// Earliest time the next request to this host may start.
    next_slot: Instant,
}

/// What one request came back with, before redirects and retries are decided.
enum Answer {
    Redirect(Url),
    NotModified,
    Body(Page),
    Slow(StatusCode, Option<Duration>),
}

impl Fetcher {
    /// A fetcher for a run; `trusted_hosts` are the hosts of URLs the config names.
    pub fn new(site: &Site, trusted_hosts: HashSet<String>) -> Fetcher {
        Fetcher::build(site.concurrency, site.per_host_concurrency, trusted_hosts)
    }

    /// A fetcher that trusts no host name (tests reach their servers by IP address).
    pub fn with_limits(concurrency: usize, per_host_concurrency: usize) -> Fetcher {
        Fetcher::build(concurrency, per_host_concurrency, HashSet::new())
    }

    fn build(concurrency: usize, per_host_concurrency: usize, trusted: HashSet<String>) -> Fetcher {
        Fetcher {
            inner: Arc::new(Inner {
                clients: Mutex::new(HashMap::new()),
                global: Semaphore::new(concurrency.max(1)),
                per_host_concurrency: per_host_concurrency.max(1),
                hosts: Mutex::new(HashMap::new()),
                robots: Mutex::new(HashMap::new()),
                trusted: Arc::new(
                    trusted
                        .into_iter()
                        .map(|h| h.to_ascii_lowercase())
                        .collect(),
                ),
                remembered: Mutex::new((HashMap::new(), None)),
                to_keep: Mutex::new(Vec::new()),
            }),
            max_retry_wait: Duration::from_secs(30),
            gate: None,
        }
    }

    /// Spaces every request also through `gate`, shared with other processes.
    pub fn with_host_gate(mut self, gate: Arc<dyn HostGate>) -> Fetcher {
        self.gate = Some(gate);
        self
    }

    /// Uses robots.txt copies from earlier runs (by origin) while they are fresh at `now`, and
    /// revalidates stale ones with their validators.
    pub fn remembering_robots(
        self,
        copies: HashMap<String, RobotsCopy>,
        now: DateTime<Utc>,
    ) -> Fetcher {
        *lock(&self.inner.remembered) = (copies, Some(now));
        self
    }

    /// The robots.txt copies fetched or confirmed this run, by origin, to keep for the next.
    pub fn robots_to_keep(&self) -> Vec<(String, RobotsCopy)> {
        lock(&self.inner.to_keep).clone()
    }

    /// Longest `Retry-After` waited for; a server asking for more is left alone until the next
    /// run. 30 s by default, so a cron run is never held for long.
    pub fn with_max_retry_wait(mut self, wait: Duration) -> Fetcher {
        self.max_retry_wait = wait;
        self
    }

    /// GETs `url`: robots.txt checked for every host on the way, redirects followed up to
    /// `max_redirects`, conditional when `validators` are given, 429/503 retried.
    pub async fn get(
        &self,
        url: &Url,
        settings: &FetchSettings,
        validators: Option<&Validators>,
    ) -> Result<Fetched, Error> {
        self.get_inner(url, settings, validators, settings.robots)
            .await
    }

    async fn get_inner(
        &self,
        url: &Url,
        settings: &FetchSettings,
        validators: Option<&Validators>,
        check_robots: bool,
    ) -> Result<Fetched, Error> {
        let mut chain = vec![url.clone()];
        loop {
            let current = chain.last().cloned().unwrap_or_else(|| url.clone());
            if check_robots {
                self.check_robots(&current, settings).await?;
            }
            match self.with_retries(&current, settings, validators).await? {
                Answer::Body(page) => {
                    tracing::debug!(url = %current, bytes = page.text.len(), "fetched");
                    return Ok(Fetched::Ok(page));
                }
                Answer::NotModified => {
                    tracing::debug!(url = %current, "not modified");
                    return Ok(Fetched::NotModified);
                }
                Answer::Slow(status, _) => {
                    let status = status.as_u16();
                    return Err(Error::fetch(&current, FetchError::Status { status }));
                }
                Answer::Redirect(next) => {
                    if chain.contains(&next) {
                        chain.push(next);
                        return Err(Error::fetch(url, FetchError::RedirectLoop { chain }));
                    }
                    if chain.len() > settings.max_redirects {
                        let limit = settings.max_redirects;
                        let kind = FetchError::TooManyRedirects { limit, last: next };
                        return Err(Error::fetch(url, kind));
                    }
                    // A public page must not bounce us into the local network.
                    if urls::is_private_host(&next) && !same_host(&next, url) {
                        let kind = FetchError::RedirectToPrivate { to: next };
                        return Err(Error::fetch(url, kind));
                    }
                    chain.push(next);
                }
            }
        }
    }

    /// One request, repeated while the server answers 429/503 and retries are left.
    async fn with_retries(
        &self,
        url: &Url,
        settings: &FetchSettings,
        validators: Option<&Validators>,
    ) -> Result<Answer, Error> {
        let mut attempt = 0;
        loop {
            let answer = self.attempt(url, settings, validators).await?;
            let Answer::Slow(status, retry_after) = answer else {
                return Ok(answer);
            };
            // Without a Retry-After, back off from the host delay, doubling each time.
            let wait = retry_after
                .unwrap_or_else(|| settings.host_delay.saturating_mul(1 << attempt.min(16)));
            if attempt >= settings.retries {
                return Ok(Answer::Slow(status, retry_after));
            }
            if wait > self.max_retry_wait {
                let kind = FetchError::RetryTooLong {
                    status: status.as_u16(),
                    wait,
                    max: self.max_retry_wait,
                };
                return Err(Error::fetch(url, kind));
            }
            tracing::debug!(%url, ?wait, "HTTP {status}, retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One request under the concurrency limits and the host delay; the timeout covers the
    /// request and the whole body, not the wait for a slot.
    async fn attempt(
        &self,
        url: &Url,
        settings: &FetchSettings,
        validators: Option<&Validators>,
    ) -> Result<Answer, Error> {
        // Built first: setting up a client takes long enough to squash the spacing below.
        let request = self.request(url, settings, validators)?;
        let host_permits = self.host_permits(url);
        let _host = host_permits
            .acquire_owned()
            .await
            .expect("the fetcher never closes its semaphores");
        tokio::time::sleep_until(self.reserve_slot(url, settings.host_delay)).await;
        // The shared turn before the global permit: waiting for a host holds no other host up.
        let host = host_key(url);
        if let Some(gate) = &self.gate {
            gate.wait(&host, settings.host_delay).await;
        }
        let _global = self
            .inner
            .global
            .acquire()
            .await
            .expect("the fetcher never closes its semaphores");
        let answer =
            match tokio::time::timeout(settings.timeout, read(request, url, settings)).await {
                Ok(answer) => answer,
                Err(_) => Err(timed_out(url, settings.timeout)),
            };
        if let Some(gate) = &self.gate {
            gate.done(&host, settings.host_delay).await;
        }
        answer
    }

    fn host_permits(&self, url: &Url) -> Arc<Semaphore> {
        let mut hosts = lock(&self.inner.hosts);
        hosts
            .entry(host_key(url))
            .or_insert_with(|| Host {
                permits: Arc::new(Semaphore::new(self.inner.per_host_concurrency)),
                next_slot: Instant::now(),
            })
            .permits
            .clone()
    }

    /// The start time reserved for the next request to the host: `delay` after the previous one.
    fn reserve_slot(&self, url: &Url, delay: Duration) -> Instant {
        let mut hosts = lock(&self.inner.hosts);
        let now = Instant::now();
        match hosts.get_mut(&host_key(url)) {
            Some(host) => {
                let slot = host.next_slot.max(now);
                host.next_slot = slot + delay;
                slot
            }
            None => now,
        }
    }

    fn request(
        &self,
        url: &Url,
        settings: &FetchSettings,
        validators: Option<&Validators>,
    ) -> Result<reqwest::RequestBuilder, Error> {
        let client = self.client(url, settings.connect_timeout)?;
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
        for (name, value) in &settings.headers {
            headers.insert(name, value.clone());
        }
        headers.insert(header::USER_AGENT, settings.user_agent.clone());
        if let Some(v) = validators {
            let conditional = [
                (header::IF_NONE_MATCH, &v.etag),
                (header::IF_MODIFIED_SINCE, &v.last_modified),
            ];
            for (name, value) in conditional {
                if let Some(value) = value.as_deref().and_then(|s| HeaderValue::from_str(s).ok()) {
                    headers.insert(name, value);
                }
            }
        }
        Ok(client.get(url.clone()).headers(headers))
    }

    fn client(&self, url: &Url, connect_timeout: Duration) -> Result<reqwest::Client, Error> {
        let mut clients = lock(&self.inner.clients);
        if let Some(c) = clients.get(&connect_timeout) {
            return Ok(c.clone());
        }
        let client = reqwest::Client::builder()
            // Redirects are followed here, so each hop is checked against robots.txt and the
            // private-address rule, and a loop can be named.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .dns_resolver(resolve::GuardedResolver::new(self.inner.trusted.clone()))
            .gzip(true)
            .brotli(true)
            .build()
            .map_err(|e| {
                let cause = e.to_string();
                Error::fetch(url, FetchError::Client { cause })
            })?;
        clients.insert(connect_timeout, client.clone());
        Ok(client)
    }

    async fn check_robots(&self, url: &Url, settings: &FetchSettings) -> Result<(), Error> {
        let origin = url.origin().ascii_serialization();
        let cell = {
            let mut all = lock(&self.inner.robots);
            all.entry(origin.clone()).or_default().clone()
        };
        let robots = match cell.get_or_init(|| self.load_robots(url, settings)).await {
            Ok(robots) => robots,
            Err(kind) => return Err(Error::fetch(url, kind.clone())),
        };
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        if robots.allowed(&path) {
            Ok(())
        } else {
            Err(Error::fetch(url, FetchError::RobotsDisallowed))
        }
    }

    /// The rules of `url`'s site. A failure is the page's: a refused connection is said as
    /// one, naming the page, not as a robots.txt problem.
    async fn load_robots(&self, url: &Url, settings: &FetchSettings) -> Result<Robots, FetchError> {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let small = FetchSettings {
            max_body_bytes: settings.max_body_bytes.min(ROBOTS_MAX_BYTES),
            ..settings.clone()
        };
        let token = product_token(settings.user_agent.to_str().unwrap_or("feedsmith"));
        let origin = url.origin().ascii_serialization();
        let (copy, now) = {
            let remembered = lock(&self.inner.remembered);
            (remembered.0.get(&origin).cloned(), remembered.1)
        };
        if let (Some(c), Some(now)) = (&copy, now) {
            if now - c.fetched_at < ROBOTS_FRESH {
                return Ok(Robots::parse(&c.body, &token));
            }
        }
        let keep = |body: String, validators: Validators| {
            if let Some(fetched_at) = now {
                let copy = RobotsCopy {
                    body,
                    validators,
                    fetched_at,
                };
                lock(&self.inner.to_keep).push((origin.clone(), copy));
            }
        };
        let validators = copy.as_ref().map(|c| &c.validators);
        // Boxed: robots.txt is fetched with the same machinery that asked for it.
        let fetched = Box::pin(self.get_inner(&robots_url, &small, validators, false)).await;
        let kind = match fetched {
            Ok(Fetched::Ok(page)) => {
                let robots = Robots::parse(&page.text, &token);
                keep(page.text, page.validators);
                return Ok(robots);
            }
            Ok(Fetched::NotModified) => {
                let Some(c) = copy else {
                    return Ok(Robots::allow_all());
                };
                let robots = Robots::parse(&c.body, &token);
                keep(c.body, c.validators);
                return Ok(robots);
            }
            Err(Error::Fetch { kind, .. }) => *kind,
            Err(e) => FetchError::Request {
                cause: e.to_string(),
            },
        };
        match kind {
            // No robots.txt (4xx): no rules.
            FetchError::Status { status } if (400..500).contains(&status) => {
                keep(String::new(), Validators::default());
                Ok(Robots::allow_all())
            }
            // A server error leaves the rules unknown; RFC 9309 says to assume everything is
            // disallowed until it answers again.
            FetchError::Status { status } => Err(FetchError::RobotsUnknown {
                robots: robots_url,
                status,
            }),
            other => Err(other),
        }
    }
}

/// Sends the request and reads the answer, the body capped after decompression. Long because
/// it is one HTTP exchange read top to bottom: status, redirect, retry, body, sniffing.
async fn read(
    request: reqwest::RequestBuilder,
    url: &Url,
    settings: &FetchSettings,
) -> Result<Answer, Error> {
    let response = request
        .send()
        .await
        .map_err(|e| transport_error(url, &e, settings))?;
    let status = response.status();
    let headers = response.headers().clone();
    let header_str = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_string())
    };
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Answer::NotModified);
    }
    if status.is_redirection() {
        let status = status.as_u16();
        let location = header_str(header::LOCATION)
            .ok_or_else(|| Error::fetch(url, FetchError::RedirectWithoutLocation { status }))?;
        let next = urls::absolutize(Some(url), &location)
            .ok_or_else(|| Error::fetch(url, FetchError::BadRedirect { location }))?;
        return Ok(Answer::Redirect(next));
    }
    if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
        let wait = header_str(header::RETRY_AFTER).and_then(|v| retry_after(&v, SystemTime::now()));
        return Ok(Answer::Slow(status, wait));
    }
    if !status.is_success() {
        let status = status.as_u16();
        return Err(Error::fetch(url, FetchError::Status { status }));
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| transport_error(url, &e, settings))?;
        if (body.len() + chunk.len()) as u64 > settings.max_body_bytes {
            let limit = settings.max_body_bytes;
            return Err(Error::fetch(url, FetchError::BodyTooLarge { limit }));
        }
        body.extend_from_slice(&chunk);
    }
    let content_type = header_str(header::CONTENT_TYPE);
    let last_modified_raw = header_str(header::LAST_MODIFIED);
    // A body that claims to be text (or says nothing) and is an image or archive would become
    // an article of mojibake. Honest binary types are refused by their type, further on.
    let claims_text = content_type.as_deref().is_none_or(|ct| {
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        mime.is_empty()
            || mime.starts_with("text/")
            || ["html", "xml", "json"].iter().any(|t| mime.contains(t))
    });
    // The bytes are judged before decoding takes them, the text after.
    let binary = claims_text
        .then(|| crate::sniff::sniff_bytes(&body))
        .flatten();
    let text = decode(body, content_type.as_deref());
    let binary = binary.or_else(|| {
        claims_text
            .then(|| crate::sniff::sniff_text(&text))
            .flatten()
    });
    if let Some(kind) = binary {
        let served_as = content_type.unwrap_or_else(|| "no content type".into());
        return Err(Error::fetch(url, FetchError::Binary { served_as, kind }));
    }
    Ok(Answer::Body(Page {
        url: url.clone(),
        text,
        content_type,
        last_modified: last_modified_raw
            .as_deref()
            .and_then(|s| httpdate::parse_http_date(s).ok())
            .map(DateTime::<Utc>::from),
        validators: Validators {
            etag: header_str(header::ETAG),
            last_modified: last_modified_raw,
        },
    }))
}

/// A `Retry-After` value: seconds (fractions accepted) or an HTTP date.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether a link found in content (a list page, a feed item) may be fetched: private, loopback
/// and link-local addresses only on the host the configured source itself is on.
pub fn allowed_discovered(link: &Url, configured: &Url) -> bool {
    !urls::is_private_host(link) || same_host(link, configured)
}

fn same_host(a: &Url, b: &Url) -> bool {
    a.host_str()
        .zip(b.host_str())
        .is_some_and(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// A host as spacing and limits count it: name and port (also the work queue's host of a feed).
pub(crate) fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// A lock that a panic elsewhere did not spoil: the data is plain maps and lists.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `feedsmith` from `feedsmith/0.1 (+https://…)`: the name robots.txt groups are matched on.
fn product_token(user_agent: &str) -> String {
    user_agent
        .split(['/', ' '])
        .next()
        .unwrap_or("feedsmith")
        .to_ascii_lowercase()
}

fn timed_out(url: &Url, timeout: Duration) -> Error {
    Error::fetch(url, FetchError::Timeout { after: timeout })
}

fn transport_error(url: &Url, e: &reqwest::Error, settings: &FetchSettings) -> Error {
    if e.is_timeout() {
        if e.is_connect() {
            let after = settings.connect_timeout;
            return Error::fetch(url, FetchError::ConnectTimeout { after });
        }
        return timed_out(url, settings.timeout);
    }
    // The innermost cause says what really happened (refused, DNS, TLS).
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let cause = cause.to_string();
    let kind = if e.is_connect() {
        FetchError::Connect { cause }
    } else if e.is_decode() || e.is_body() {
        FetchError::Body { cause }
    } else {
        FetchError::Request { cause }
    };
    Error::fetch(url, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0.05 ", now), Some(Duration::from_millis(50)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(90)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(retry_after("-3", now), None);
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn discovered_links() {
        let configured = Url::parse("https://news.example.org/list").unwrap();
        let ok = |s: &str| allowed_discovered(&Url::parse(s).unwrap(), &configured);
        assert!(ok("https://news.example.org/a"));
        assert!(ok("https://other.example.com/a"));
        assert!(!ok("http://127.0.0.1/admin"));
        assert!(!ok("http://169.254.169.254/latest/meta-data"));
        assert!(!ok("http://10.0.0.5/"));
        assert!(!ok("http://localhost:8080/"));
        // A source configured on a private host may follow links on that host, not others.
        let local = Url::parse("http://127.0.0.1:8080/news").unwrap();
        assert!(allowed_discovered(
            &Url::parse("http://127.0.0.1:8080/news/a").unwrap(),
            &local
        ));
        assert!(!allowed_discovered(
            &Url::parse("http://10.0.0.5/").unwrap(),
            &local
        ));
    }

    #[test]
    fn product_tokens() {
        assert_eq!(product_token("feedsmith/0.1 (+https://x)"), "feedsmith");
        assert_eq!(product_token("MyBot"), "mybot");
    }
}
