//! Golden tests for site rules: `rules record URL` saves a page served on 127.0.0.1 with its
//! extraction, `rules test` passes on it offline, and fails with a diff once the saved page
//! or the rule changes.

use crate::util::{assert_exit, feedsmith_async, serve_static, Project};

fn story() -> String {
    "<html><head><title>Quay reopens</title></head><body>\
     <nav><a href=\"/\">Home</a></nav>\
     <div class=\"story\"><h1>Quay reopens</h1>\
     <p>The north quay reopened on Monday after six weeks of repairs to the wall that the winter storms had broken.</p>\
     <p class=\"promo\">Subscribe to our newsletter for more harbour news every morning.</p>\
     <p>Fishing boats were the first to tie up, and the harbour master said the ferry would return next week.</p>\
     </div></body></html>"
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_pages_pass_until_the_page_or_the_rule_changes() {
    let server = serve_static(vec![("/news/quay", "text/html; charset=utf-8", story())]).await;
    let host = server.host_str().unwrap().to_string();
    let p = Project::new("");
    let config = |strip: &str| {
        format!(
            "[site]\ntitle = \"T\"\nbase_url = \"https://feeds.example.org/\"\nhost_delay_ms = 0\nretries = 0\n\n\
             [[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://example.org/\"\n\
             [[feed.source]]\npage = \"{server}news/quay\"\n\n\
             [[site_rule]]\nhost = \"{host}\"\nbody = \"div.story\"\nstrip = [{strip}]\n"
        )
    };
    p.write("config.toml", &config("\".promo\""));
    let url = format!("{server}news/quay");
    let recorded = feedsmith_async(p.dir.path(), &["rules", "record", &url]).await;
    assert_exit(&recorded, 0);
    let expected = p.read(&format!("rules/fixtures/{}/news-quay.txt", slug_of(&host)));
    assert!(expected.contains("title: Quay reopens"), "{expected}");
    assert!(
        expected.contains("The north quay reopened on Monday"),
        "{expected}"
    );
    assert!(!expected.contains("Subscribe"), "{expected}");

    let tested = feedsmith_async(p.dir.path(), &["rules", "test"]).await;
    assert_exit(&tested, 0);
    assert!(
        tested.stdout.contains("1 saved page(s), 0 changed"),
        "{}",
        tested.stdout
    );

    // The rule loses its strip: the promo line comes back, and the diff says so.
    p.write("config.toml", &config(""));
    let tested = feedsmith_async(p.dir.path(), &["rules", "test"]).await;
    assert_exit(&tested, 1);
    assert!(
        tested
            .stdout
            .lines()
            .any(|l| l.starts_with("+ ") && l.contains("Subscribe to our newsletter")),
        "{}",
        tested.stdout
    );
    p.write("config.toml", &config("\".promo\""));

    // The saved page changes: the paragraph that went is a `-` line.
    let page = format!("rules/fixtures/{}/news-quay.html", slug_of(&host));
    let html = p.read(&page).replace(
        "Fishing boats were the first to tie up",
        "Yachts came first",
    );
    p.write(&page, &html);
    let tested = feedsmith_async(p.dir.path(), &["rules", "test"]).await;
    assert_exit(&tested, 1);
    assert!(
        tested.stdout.contains("1 saved page(s), 1 changed"),
        "{}",
        tested.stdout
    );
    assert!(
        tested
            .stdout
            .lines()
            .any(|l| l.starts_with("- ") && l.contains("Fishing boats were the first")),
        "{}",
        tested.stdout
    );
    assert!(
        tested
            .stdout
            .lines()
            .any(|l| l.starts_with("+ ") && l.contains("Yachts came first")),
        "{}",
        tested.stdout
    );
}

/// The folder name `rules record` gives a host (`127.0.0.1` gives `127-0-0-1`).
fn slug_of(host: &str) -> String {
    feedsmith::urls::slug(host)
}
