//! `feedsmith serve`: a small static server for the output folder, for people who do not run a
//! web server, and for the daemon's `--serve`. It serves only plain files directly inside the
//! folder, with the validators feed readers rely on (strong `ETag`, `Last-Modified`, 304s) and a
//! `Cache-Control` lifetime that runs to the feed's next scheduled refresh.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use axum::Router;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sha2::{Digest, Sha256};
use tower_http::compression::CompressionLayer;

use crate::config::Config;
use crate::error::Result;
use crate::publish::site::{INDEX, OPML};
use crate::publish::Format;
use crate::schedule::Schedule;

/// Cache lifetime of files whose feed has no schedule (refreshed by an outside cron job).
pub const DEFAULT_MAX_AGE: u64 = 300;

/// Codings the compression layer may add; a tag carries one as a suffix (see [`tag_encoding`]).
const CODINGS: [&str; 4] = ["gzip", "br", "deflate", "zstd"];

/// How long clients may cache each file: until its feed's next scheduled refresh.
#[derive(Debug, Clone)]
pub struct CachePolicy {
    /// Each scheduled feed's schedule and jitter (worked out once, not per request).
    schedules: HashMap<String, (Schedule, chrono::Duration)>,
    tz: Tz,
    default: u64,
}

impl CachePolicy {
    /// The same lifetime for every file.
    pub fn fixed(seconds: u64) -> CachePolicy {
        CachePolicy {
            schedules: HashMap::new(),
            tz: chrono_tz::UTC,
            default: seconds,
        }
    }

    /// Lifetimes from each feed's schedule; feeds without one get [`DEFAULT_MAX_AGE`].
    pub fn from_config(config: &Config) -> CachePolicy {
        let schedules = config
            .feeds
            .iter()
            .filter_map(|f| {
                let s = f.schedule.clone()?;
                let jitter = s.jitter(&f.name, config.site.timezone);
                let jitter = chrono::Duration::from_std(jitter).unwrap_or_default();
                Some((f.name.clone(), (s, jitter)))
            })
            .collect();
        CachePolicy {
            schedules,
            tz: config.site.timezone,
            default: DEFAULT_MAX_AGE,
        }
    }

    /// Seconds `file` may be cached at `now`. The index and OPML change with any feed, so they
    /// get the shortest lifetime of all.
    pub fn max_age(&self, file: &str, now: DateTime<Utc>) -> u64 {
        // The next refresh is the first firing whose jittered time is still ahead.
        let until = |(s, jitter): &(Schedule, chrono::Duration)| {
            s.next_after(now - *jitter, self.tz)
                .map(|next| (next + *jitter - now).num_seconds().max(0) as u64)
                .unwrap_or(self.default)
        };
        if file == INDEX || file == OPML {
            return self
                .schedules
                .values()
                .map(until)
                .min()
                .unwrap_or(self.default);
        }
        // `world.rss`, or `world/summit.html`, one of the feed's article pages.
        let feed = match file.split_once('/') {
            Some((folder, _)) => folder,
            None => file.rsplit_once('.').map_or(file, |(stem, _)| stem),
        };
        self.schedules.get(feed).map_or(self.default, until)
    }

    /// Seconds a copy of `file` put in object storage may be cached. An object keeps the
    /// header it was uploaded with until its bytes change, so this is the time between two
    /// refreshes (the longest [`CachePolicy::max_age`] ever gives), not the time to the next.
    pub fn stored_lifetime(&self, file: &str) -> u64 {
        let interval = |(s, _): &(Schedule, chrono::Duration)| {
            s.ttl_minutes(self.tz)
                .map_or(self.default, |m| u64::from(m) * 60)
        };
        if file == INDEX || file == OPML {
            return self
                .schedules
                .values()
                .map(interval)
                .min()
                .unwrap_or(self.default);
        }
        // `world.rss`, or `world/summit.html`, one of the feed's article pages.
        let feed = match file.split_once('/') {
            Some((folder, _)) => folder,
            None => file.rsplit_once('.').map_or(file, |(stem, _)| stem),
        };
        self.schedules.get(feed).map_or(self.default, interval)
    }
}

struct AppState {
    dir: PathBuf,
    cache: CachePolicy,
}

/// The router serving `dir`; [`serve`] runs it on a listener.
pub fn router(dir: PathBuf, cache: CachePolicy) -> Router {
    Router::new()
        .fallback(handle)
        .with_state(Arc::new(AppState { dir, cache }))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::map_response(tag_encoding))
}

/// What a connection may cost the server. Clients that stall (slowloris: a header sent a byte
/// at a time, or a keep-alive connection left open) are cut off, and no more than
/// `max_connections` are served at once, so they cannot hold every file descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time for a request's header to arrive, from the connection opening or the previous
    /// response; also how long an idle keep-alive connection stays open.
    pub header_read_timeout_ms: u64,
    /// Longest a connection may stay open, however busy: a client that requests a file and
    /// never reads the answer would otherwise hold its slot forever.
    pub connection_timeout_ms: u64,
    /// Connections served at once; further ones wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout_ms: 10_000,
            connection_timeout_ms: 120_000,
            max_connections: 256,
        }
    }
}

/// Serves `dir` on `listener` until `shutdown` completes, with the default [`Limits`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    dir: PathBuf,
    cache: CachePolicy,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    serve_with(listener, dir, cache, Limits::default(), shutdown).await
}

/// Serves `dir` on `listener` until `shutdown` completes; requests in flight are finished.
/// HTTP/1.1 only: feed readers speak it, and hyper's HTTP/2 detection would wait for a
/// stalled client without a timeout.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    dir: PathBuf,
    cache: CachePolicy,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tokio::sync::{watch, Semaphore};

    let app = router(dir, cache);
    let max = limits.max_connections.max(1);
    let slots = Arc::new(Semaphore::new(max));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(std::time::Duration::from_millis(
            limits.header_read_timeout_ms.max(1),
        ));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            _ = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("never closed"),
        };
        let (stream, _) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: not fatal.
                    tracing::warn!("accepting a connection: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(app.clone());
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let mut stop = stop_rx.clone();
        let lifetime = std::time::Duration::from_millis(limits.connection_timeout_ms.max(1));
        tokio::spawn(async move {
            let mut conn = std::pin::pin!(conn);
            // Past its lifetime the connection is dropped, which closes the socket.
            let _ = tokio::time::timeout(lifetime, async {
                tokio::select! {
                    _ = conn.as_mut() => {}
                    _ = async { drop(stop.wait_for(|s| *s).await) } => {
                        conn.as_mut().graceful_shutdown();
                        let _ = conn.as_mut().await;
                    }
                }
            })
            .await;
            drop(slot);
        });
    }
    let _ = stop_tx.send(true);
    // Every connection returns its slot when done: all back means all finished.
    let _ = slots.acquire_many(max as u32).await;
    Ok(())
}

/// The file a request path names, if it is one we may serve: `/` is the index; anything else
/// must be one plain name of safe characters. Percent-escapes are refused outright, so neither
/// `%2e%2e` nor an encoded slash can reach the file system.
fn file_name(path: &str) -> Option<&str> {
    let name = path.strip_prefix('/')?;
    if name.is_empty() {
        return Some(INDEX);
    }
    let safe = name.len() <= 255
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (safe && content_type(name).is_some()).then_some(name)
}

/// Only the kinds of file feedsmith writes are served, so nothing else that lands in the folder
/// leaks; object storage gets the same types.
pub fn content_type(name: &str) -> Option<&'static str> {
    let (_, ext) = name.rsplit_once('.')?;
    Some(match ext {
        "rss" => Format::Rss.media_type(),
        "atom" => Format::Atom.media_type(),
        "json" => Format::Json.media_type(),
        "html" => "text/html; charset=utf-8",
        "opml" => "text/x-opml; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

async fn handle(State(state): State<Arc<AppState>>, req: Request) -> Response<Body> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let Some(name) = file_name(req.uri().path()) else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    match read(&state.dir, name).await {
        Ok(Some((bytes, modified))) => respond(&state, &req, name, bytes, modified),
        Ok(None) => plain(StatusCode::NOT_FOUND, "not found\n"),
        Err(e) => {
            tracing::warn!("serving {name}: {e}");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file\n")
        }
    }
}

/// The file's bytes and mtime, or `None` when there is no plain file by that name (symlinks,
/// folders, FIFOs included). The name is opened without following a symlink and judged by the
/// opened handle, so a name swapped for a symlink between a check and the read cannot lead
/// outside the folder.
async fn read(dir: &Path, name: &str) -> std::io::Result<Option<(Vec<u8>, SystemTime)>> {
    use tokio::io::AsyncReadExt;

    let path = dir.join(name);
    let mut options = tokio::fs::OpenOptions::new();
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    options
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let mut file = match options.open(&path).await {
        Ok(f) => f,
        // ELOOP: the name is a symlink.
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                || e.raw_os_error() == Some(libc::ELOOP) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    let meta = file.metadata().await?;
    if !meta.is_file() {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes).await?;
    Ok(Some((bytes, meta.modified()?)))
}

/// A strong validator: the same bytes always get the same tag, across restarts and machines.
fn etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The opaque part of a tag a client sent: no weak prefix, no quotes, no coding suffix that
/// [`tag_encoding`] added.
fn bare_tag(tag: &str) -> &str {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let tag = tag.trim_matches('"');
    CODINGS
        .iter()
        .find_map(|c| tag.strip_suffix(c)?.strip_suffix('-'))
        .unwrap_or(tag)
}

/// When the client's validators say it already has these bytes, the tag it sent that matched.
/// `If-None-Match` wins over `If-Modified-Since` (RFC 9110 §13.2.2).
fn not_modified(headers: &HeaderMap, tag: &str, modified: SystemTime) -> Option<String> {
    if let Some(inm) = headers.get(header::IF_NONE_MATCH) {
        let inm = inm.to_str().ok()?;
        return inm
            .split(',')
            .map(str::trim)
            .find(|t| *t == "*" || bare_tag(t) == bare_tag(tag))
            .map(|t| {
                if t == "*" {
                    tag.to_string()
                } else {
                    t.to_string()
                }
            });
    }
    let since = headers.get(header::IF_MODIFIED_SINCE)?.to_str().ok()?;
    let since = httpdate::parse_http_date(since).ok()?;
    // HTTP dates have whole seconds; the mtime has more.
    let secs = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    };
    (secs(modified) <= secs(since)).then(|| tag.to_string())
}

fn respond(
    state: &AppState,
    req: &Request,
    name: &str,
    bytes: Vec<u8>,
    modified: SystemTime,
) -> Response<Body> {
    let tag = etag(&bytes);
    let max_age = state.cache.max_age(name, Utc::now());
    let matched = not_modified(req.headers(), &tag, modified);
    let (status, body_len) = match matched {
        Some(_) => (StatusCode::NOT_MODIFIED, None),
        None => (StatusCode::OK, Some(bytes.len())),
    };
    let body = match (status, req.method() == Method::HEAD) {
        (StatusCode::OK, false) => Body::from(bytes),
        _ => Body::empty(),
    };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    let h = r.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).expect("ASCII header value");
    h.insert(header::ETAG, value(matched.as_deref().unwrap_or(&tag)));
    h.insert(
        header::LAST_MODIFIED,
        value(&httpdate::fmt_http_date(modified)),
    );
    h.insert(
        header::CACHE_CONTROL,
        value(&format!("public, max-age={max_age}")),
    );
    if status == StatusCode::OK {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(name).expect("checked by file_name")),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        if name.ends_with(".html") {
            // The pages have no scripts and load nothing; say so, in case a title ever slips
            // past the escaping.
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
            );
        }
        if let Some(len) = body_len {
            h.insert(header::CONTENT_LENGTH, value(&len.to_string()));
        }
    }
    r
}

/// A compressed body is a different representation, so it needs its own strong tag: the coding
/// is appended inside the quotes (and stripped again by [`bare_tag`] when the client sends it
/// back).
async fn tag_encoding(mut r: Response<Body>) -> Response<Body> {
    let coding = r
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let (Some(coding), Some(tag)) = (coding, r.headers().get(header::ETAG)) {
        if let Some(inner) = tag.to_str().ok().and_then(|t| t.strip_suffix('"')) {
            if !CODINGS.iter().any(|c| inner.ends_with(&format!("-{c}"))) {
                let tagged = format!("{inner}-{coding}\"");
                if let Ok(v) = HeaderValue::from_str(&tagged) {
                    r.headers_mut().insert(header::ETAG, v);
                }
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_safe_names() {
        assert_eq!(file_name("/"), Some("index.html"));
        assert_eq!(file_name("/world.rss"), Some("world.rss"));
        assert_eq!(file_name("/feeds.opml"), Some("feeds.opml"));
        for bad in [
            "/../etc/passwd",
            "/..",
            "/%2e%2e/x.rss",
            "/a%2fb.rss",
            "/a\\b.rss",
            "/sub/a.rss",
            "/.hidden.rss",
            "/.feedsmith-tmp-abc",
            "/state.db",
            "/world",
            "world.rss",
        ] {
            assert_eq!(file_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn tags_match_with_or_without_coding_and_weak_prefix() {
        let tag = "\"abc\"";
        let mut h = HeaderMap::new();
        let t = SystemTime::UNIX_EPOCH;
        for sent in [
            "\"abc\"",
            "W/\"abc\"",
            "\"abc-gzip\"",
            "\"x\", \"abc-br\"",
            "*",
        ] {
            h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(sent).unwrap());
            assert!(not_modified(&h, tag, t).is_some(), "{sent}");
        }
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"abd\""));
        assert!(not_modified(&h, tag, t).is_none());
    }

    #[test]
    fn cache_lifetime_follows_the_schedule() {
        let config = Config::parse(
            r#"
[site]
title = "T"
base_url = "https://e.org/"
[[feed]]
name = "q"
title = "Q"
link = "https://e.org/q"
schedule = "*/15 * * * *"
[[feed]]
name = "m"
title = "M"
link = "https://e.org/m"
schedule = "* * * * *"
[[feed]]
name = "free"
title = "F"
link = "https://e.org/f"
"#,
            Path::new("/tmp/c.toml"),
        )
        .unwrap();
        let p = CachePolicy::from_config(&config);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let now = at("2024-01-01T10:10:30Z");
        let q = p.max_age("q.rss", now);
        assert!((270..300).contains(&q), "{q}");
        let m = p.max_age("m.html", now);
        assert!((30..36).contains(&m), "{m}");
        // Just after a firing, the refresh is still a jitter away: not a whole interval.
        let m0 = p.max_age("m.rss", at("2024-01-01T10:11:00Z"));
        assert!(m0 < 6, "{m0}");
        assert_eq!(p.max_age("free.json", now), DEFAULT_MAX_AGE);
        assert_eq!(p.max_age("index.html", now), m);
        // A stored copy keeps its header: a whole interval, whenever it was uploaded.
        assert_eq!(p.stored_lifetime("q.atom"), 900);
        assert_eq!(p.stored_lifetime("m.json"), 60);
        assert_eq!(p.stored_lifetime("free.rss"), DEFAULT_MAX_AGE);
        assert_eq!(p.stored_lifetime("feeds.opml"), 60);
    }
}
