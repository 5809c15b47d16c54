//! A real browser reads the served pages: headless Chromium dumps the DOM of `index.html` and of
//! one feed page, and the feed and item titles must be there as text. Skipped (with the reason)
//! when no browser is installed, unless `FEEDSMITH_REQUIRE_BROWSER=1` makes that a failure.

use std::path::PathBuf;
use std::time::Duration;

use crate::util::{config, write_output};
use feedsmith::fetch::render::{find_browser, BROWSERS, FLAGS};
use feedsmith::serve::{serve, CachePolicy};

async fn dump_dom(browser: &PathBuf, url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = tokio::process::Command::new(browser);
    cmd.args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(90), cmd.output())
        .await
        .expect("the browser finished within 90 s")
        .expect("the browser started");
    assert!(
        out.status.success(),
        "{} failed: {}",
        browser.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_and_feed_page_render_in_chromium() {
    let Some(browser) = find_browser(None) else {
        if std::env::var("FEEDSMITH_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("FEEDSMITH_REQUIRE_BROWSER=1 but none of {BROWSERS:?} is on PATH");
        }
        eprintln!("skipped: none of {BROWSERS:?} is on PATH (set FEEDSMITH_REQUIRE_BROWSER=1 to fail instead)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("feeds");
    let config = config(dir.path());
    write_output(&out, &config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, out, CachePolicy::fixed(0), async {
        let _ = stopped.await;
    }));

    let index = dump_dom(&browser, &format!("http://{addr}/")).await;
    for text in [
        "Test news",
        "World desk",
        "Sport desk",
        "2 items",
        "1 item,",
    ] {
        assert!(index.contains(text), "index lacks {text:?}:\n{index}");
    }
    let page = dump_dom(&browser, &format!("http://{addr}/world.html")).await;
    for text in [
        "World desk",
        "Summit opens in Geneva",
        "Ceasefire talks resume",
        "Summary of Summit opens in Geneva",
    ] {
        assert!(page.contains(text), "world.html lacks {text:?}:\n{page}");
    }
    assert!(page.contains("href=\"https://news.example.org/a/w1\""));

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
