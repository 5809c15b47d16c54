//! Pages whose article is built by script: with `render = true` the page is loaded in
//! headless Chromium (`--dump-dom`, a fresh profile each time, killed when its time budget
//! runs out) and the DOM it built is read instead of the served HTML. Without it, a page that
//! is clearly a script shell is named as such, so a user learns the fix instead of seeing an
//! empty article.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use dom_query::Document;
use tokio::io::AsyncReadExt;
use url::Url;

use crate::error::{Error, FetchError};

/// Browser binaries looked for on `PATH`, in this order.
pub const BROWSERS: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// Headless, and quiet on the network: without the background-networking flags Chromium keeps
/// opening connections of its own (updates, sync) besides the page's.
pub const FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The configured browser, else the first of [`BROWSERS`] on `PATH`.
pub fn find_browser(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = configured {
        // A bare name is looked up on PATH when it runs.
        return Some(path.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    BROWSERS.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// The DOM `url` builds in headless Chromium, serialised; at most `max_bytes` of it, within
/// `budget` (the browser is killed when it runs out).
pub async fn render(
    browser: Option<&Path>,
    url: &Url,
    budget: Duration,
    max_bytes: u64,
) -> Result<String, Error> {
    let fail = |kind| Error::fetch(url, kind);
    let Some(browser) = find_browser(browser) else {
        return Err(fail(FetchError::NoBrowser {
            looked_for: BROWSERS.join(", "),
        }));
    };
    // A fresh profile each time: no cookies or cache carried from one page to the next.
    let profile = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let mut child = tokio::process::Command::new(&browser)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url.as_str())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        // Its own process group, so the renderer and helper processes it starts go with it.
        .process_group(0)
        .spawn()
        .map_err(|e| {
            fail(FetchError::RenderFailed {
                cause: format!("cannot start {}: {e}", browser.display()),
            })
        })?;
    let _group = child.id().map(Group);
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let read = async {
        // One byte over the cap tells a page at the cap from a larger one.
        let mut out = Vec::new();
        (&mut stdout)
            .take(max_bytes + 1)
            .read_to_end(&mut out)
            .await?;
        let status = child.wait().await?;
        Ok::<_, std::io::Error>((out, status))
    };
    let (out, status) = match tokio::time::timeout(budget, read).await {
        Err(_) => {
            return Err(fail(FetchError::RenderTimeout { after: budget }));
        }
        Ok(Err(e)) => {
            return Err(fail(FetchError::RenderFailed {
                cause: e.to_string(),
            }))
        }
        Ok(Ok(done)) => done,
    };
    if out.len() as u64 > max_bytes {
        return Err(fail(FetchError::BodyTooLarge { limit: max_bytes }));
    }
    if !status.success() {
        return Err(fail(FetchError::RenderFailed {
            cause: format!("{} exited with {status}", browser.display()),
        }));
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The browser's process group, killed when the render ends however it ends: Chromium's
/// helper processes would otherwise outlive a browser stopped at its budget.
struct Group(u32);

impl Drop for Group {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.0) {
            // SAFETY: kill(2) with a negative pid signals that process group; it touches no
            // memory of ours. The group is the browser's own (process_group(0) above).
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
}

/// What marks a page as a script shell: what it shows as text, and how much script it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shell {
    pub text_chars: usize,
    pub script_bytes: usize,
}

/// Less visible text than this, on a page with a root element for a script to fill…
const SHELL_TEXT: usize = 200;
/// …or with at least this much script, and the page is a shell.
const SHELL_SCRIPT: usize = 5000;

/// `Some` when `html` is clearly a page a script builds: almost no text, and an empty root
/// element (`#root`, `#app`, `#__next`…) or a lot of script.
pub fn script_shell(html: &str) -> Option<Shell> {
    // Most pages have paragraphs in their markup, outside their scripts: seen without parsing.
    if !html.contains("<script") || paragraphs_outside_scripts(html) >= 3 {
        return None;
    }
    let doc = Document::from(html);
    let scripts = doc.select("script");
    if !scripts.exists() {
        return None;
    }
    let script_bytes = scripts.iter().map(|s| s.text().len()).sum::<usize>();
    let body = doc.select("body");
    body.select("script, style, noscript, template").remove();
    let text_chars = body.text().split_whitespace().map(str::len).sum::<usize>();
    if text_chars >= SHELL_TEXT {
        return None;
    }
    let root = doc
        .select("body div[id], body main[id], body [data-reactroot]")
        .iter()
        .any(|d| d.text().trim().is_empty());
    (root || script_bytes >= SHELL_SCRIPT).then_some(Shell {
        text_chars,
        script_bytes,
    })
}

/// `<p>` tags in `html` outside `<script>` elements, by a scan that parses nothing.
fn paragraphs_outside_scripts(html: &str) -> usize {
    let count = |s: &str| s.matches("<p>").count() + s.matches("<p ").count();
    let mut n = 0;
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        n += count(&rest[..start]);
        rest = match rest[start..].find("</script") {
            Some(end) => &rest[start + end..],
            None => "",
        };
    }
    n + count(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_shells_are_told_from_pages_with_text() {
        let shell = r#"<html><head><script src="/app.js"></script></head>
            <body><div id="root"></div><script>window.boot()</script></body></html>"#;
        assert_eq!(
            script_shell(shell),
            Some(Shell {
                text_chars: 0,
                script_bytes: 13
            })
        );
        let big = format!(
            "<html><body><p>Loading…</p><script>{}</script></body></html>",
            "x".repeat(6000)
        );
        assert!(script_shell(&big).is_some());
        let article = format!(
            "<html><body><div id=\"root\"></div><article><p>{}</p></article><script>a()</script></body></html>",
            "The harbour wall held through the night. ".repeat(8)
        );
        assert_eq!(script_shell(&article), None);
        assert_eq!(
            script_shell("<html><body><p>Short.</p></body></html>"),
            None
        );
        // Paragraphs a script writes are not the page's own.
        let templated =
            "<body><div id=\"app\"></div><script>x='<p>a</p><p>b</p><p>c</p>'</script></body>";
        assert!(script_shell(templated).is_some());
    }
}
