//! Why a fetch failed, as data: each variant carries its context (the redirect chain, the
//! limit, the duration) and its `Display` says what to do. Callers and tests match on the
//! variant; only the CLI turns it into words.

use std::time::Duration;

use url::Url;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("HTTP {status}; {}", status_hint(*.status))]
    Status { status: u16 },

    #[error("blocked by robots.txt (set `robots = false` on the source if it is your own site)")]
    RobotsDisallowed,

    #[error("{robots} answered HTTP {status}, so the site's crawling rules are unknown; the next run will try again (set `robots = false` if it is your own site)")]
    RobotsUnknown { robots: Url, status: u16 },

    #[error("redirect loop ({}); fix the URL in the config", chain_text(.chain))]
    RedirectLoop { chain: Vec<Url> },

    #[error(
        "more than {limit} redirects (last to {last}); use the final URL or raise `max_redirects`"
    )]
    TooManyRedirects { limit: usize, last: Url },

    #[error("HTTP {status} redirect without a Location")]
    RedirectWithoutLocation { status: u16 },

    #[error("redirect to an unusable location {location:?}")]
    BadRedirect { location: String },

    #[error("redirects to the private address {to}; not followed")]
    RedirectToPrivate { to: Url },

    #[error("link found in {found_in} leads to a private address; not fetched")]
    PrivateAddress { found_in: Url },

    #[error("{host} resolves only to private addresses; a link found in content may not reach them (put the URL in the config to trust its host)")]
    ResolvesPrivate { host: String },

    #[error("HTTP {status} and asked to retry after {wait:?}, longer than feedsmith waits ({max:?}); the next run will try again")]
    RetryTooLong {
        status: u16,
        wait: Duration,
        max: Duration,
    },

    #[error("the body is larger than {limit} bytes (counted after decompression); raise `max_body_bytes` if the page is really that big")]
    BodyTooLarge { limit: u64 },

    #[error("no complete answer within {} ms; the server is slow or down (raise `timeout_ms` if it is just slow)", .after.as_millis())]
    Timeout { after: Duration },

    #[error("could not connect within {} ms (raise `connect_timeout_ms` if the server is just slow)", .after.as_millis())]
    ConnectTimeout { after: Duration },

    #[error("cannot connect: {cause}; check the URL and that the server is up")]
    Connect { cause: String },

    #[error("the body could not be read: {cause}; check the URL and that the server is up")]
    Body { cause: String },

    #[error("request failed: {cause}; check the URL and that the server is up")]
    Request { cause: String },

    #[error("answered 304 Not Modified to an unconditional request")]
    UnexpectedNotModified,

    #[error("is {content_type}, not an HTML page; only web pages can be articles")]
    NotHtml { content_type: String },

    #[error("served as {served_as} but the body is {kind}; not read as a page")]
    Binary {
        served_as: String,
        kind: crate::sniff::Binary,
    },

    #[error("not a feed feedsmith can read (RSS, Atom or JSON Feed): {reason}; {hint}")]
    NotAFeed { reason: String, hint: String },

    #[error("the page yielded no article")]
    NoArticle,

    #[error("the hub refused the publish ping for {topic}: HTTP {status}")]
    HubRefused { topic: Url, status: u16 },

    #[error("publish ping for {topic} failed after {attempts} attempts: {last}")]
    HubUnreachable {
        topic: Url,
        attempts: u32,
        last: String,
    },

    #[error("cannot set up an HTTP client: {cause}")]
    Client { cause: String },

    #[error("`render = true` but no browser was found (looked for {looked_for} on PATH); install Chromium (`apt-get install chromium`) or set `chromium` in [site]")]
    NoBrowser { looked_for: String },

    #[error("headless Chromium did not finish within {} ms and was stopped (raise `render_timeout_ms` if the page is just slow)", .after.as_millis())]
    RenderTimeout { after: Duration },

    #[error("headless Chromium failed: {cause}")]
    RenderFailed { cause: String },

    #[error("the page is built by script ({text_chars} characters of text, {script_bytes} bytes of script); it needs render = true on source {source_name} to be read")]
    ScriptShell {
        source_name: String,
        text_chars: usize,
        script_bytes: usize,
    },
}

/// What to do about an HTTP error status, for the message.
fn status_hint(status: u16) -> &'static str {
    match status {
        401 | 403 => "the server refuses access (it may block bots; check the URL in a browser)",
        404 | 410 => "the page is gone (if the URL is in the config, fix or remove it)",
        429 | 503 => "the server asks to slow down; the next run will try again (raise `host_delay_ms` if it keeps happening)",
        500..=599 => "the server failed; the next run will try again",
        _ => "check the URL in a browser",
    }
}

fn chain_text(chain: &[Url]) -> String {
    chain
        .iter()
        .map(Url::as_str)
        .collect::<Vec<_>>()
        .join(" -> ")
}

impl FetchError {
    /// The article is gone for good (404, 410): someone else's to fix, said once.
    pub fn is_gone(&self) -> bool {
        matches!(self, FetchError::Status { status: 404 | 410 })
    }
}
