//! Harder web sources against a server on 127.0.0.1: articles split over several pages, joined
//! into one item whose later pages never become items of their own.

use crate::util::{assert_exit, feedsmith_async, serve_static, Project};

const HTML: &str = "text/html; charset=utf-8";

/// Paragraph `n` of the storm story: long enough to read as prose, numbered to check order.
fn para(n: usize) -> String {
    format!(
        "<p>Paragraph {n} of the storm story: the harbour wall held through the night, and \
         the crews that had waited on the quay since the evening went home at dawn, tired but \
         relieved that the new defences had done what the council promised.</p>"
    )
}

/// One page of the three-page story; `links` is its pagination markup.
fn story_page(paras: [usize; 2], head: &str, links: &str) -> String {
    format!(
        "<html><head><title>Storm hits coast</title>{head}</head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/news/\">News</a></nav>\
         <main><article><h1>Storm hits coast</h1>{}{}\
         <div class=\"pagination\">{links}</div></article></main>\
         <footer><p>Harbour Times</p></footer></body></html>",
        para(paras[0]),
        para(paras[1])
    )
}

fn numbered(current: usize) -> String {
    (1..=3)
        .map(|n| match n {
            1 if current != 1 => "<a href=\"/news/storm-hits-coast\">1</a>".to_string(),
            n if n == current => format!("<span>{n}</span>"),
            n => format!("<a href=\"/news/storm-hits-coast/{n}\">{n}</a>"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn other_story() -> String {
    format!(
        "<html><head><title>Ferry returns</title></head><body><main><article>\
         <h1>Ferry returns</h1>{}</article></main></body></html>",
        para(9)
    )
}

fn bodies(p: &Project) -> Vec<(String, String, String)> {
    let json: serde_json::Value = serde_json::from_str(&p.read("feeds/world.json")).unwrap();
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["title"].as_str().unwrap_or_default().to_string(),
                i["url"].as_str().unwrap_or_default().to_string(),
                i["content_text"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn project(sources: &str) -> Project {
    let p = Project::new("");
    p.write(
        "config.toml",
        &format!(
            "[site]\ntitle = \"Test\"\nbase_url = \"https://feeds.example.org/\"\nhost_delay_ms = 0\nretries = 0\n\n\
             [[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://example.org/\"\n{sources}"
        ),
    );
    p
}

/// Page 1 says `rel="next"`, page 2 only has numbered links, page 3 ends it; the list links
/// to page 1 and, directly, to page 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_page_article_is_joined_in_order_and_its_later_pages_are_no_items() {
    let server = serve_static(vec![
        (
            "/news/",
            HTML,
            "<html><body><main><ul>\
             <li><a href=\"/news/storm-hits-coast\">Storm hits coast</a></li>\
             <li><a href=\"/news/storm-hits-coast/2\">Storm hits coast, page 2</a></li>\
             <li><a href=\"/news/ferry-returns-to-island\">Ferry returns</a></li>\
             </ul></main></body></html>"
                .to_string(),
        ),
        (
            "/news/storm-hits-coast",
            HTML,
            story_page(
                [1, 2],
                "<link rel=\"next\" href=\"/news/storm-hits-coast/2\">",
                &numbered(1),
            ),
        ),
        (
            "/news/storm-hits-coast/2",
            HTML,
            story_page(
                [3, 4],
                "<link rel=\"prev\" href=\"/news/storm-hits-coast\">",
                &numbered(2),
            ),
        ),
        (
            "/news/storm-hits-coast/3",
            HTML,
            story_page(
                [5, 6],
                "<link rel=\"prev\" href=\"/news/storm-hits-coast/2\">",
                &numbered(3),
            ),
        ),
        ("/news/ferry-returns-to-island", HTML, other_story()),
    ])
    .await;
    let p = project(&format!(
        "[[feed.source]]\nlist = \"{server}news/\"\nitem = \"li\"\n"
    ));
    let ran = feedsmith_async(p.dir.path(), &["run"]).await;
    assert_exit(&ran, 0);
    let mut items = bodies(&p);
    items.sort();
    let urls: Vec<&str> = items.iter().map(|(_, u, _)| u.as_str()).collect();
    assert_eq!(
        urls,
        [
            format!("{server}news/ferry-returns-to-island"),
            format!("{server}news/storm-hits-coast"),
        ],
        "{items:?}"
    );
    let storm = &items[1].2;
    let at = |n: usize| {
        storm
            .find(&format!("Paragraph {n} of"))
            .unwrap_or_else(|| panic!("paragraph {n} missing:\n{storm}"))
    };
    for n in 1..6 {
        assert!(at(n) < at(n + 1), "paragraphs out of order:\n{storm}");
    }
    // Pages 2 and 3 repeat the headline; the joined body does not.
    assert!(storm.matches("Storm hits coast").count() <= 1, "{storm}");

    // With `max_pages = 2` only the first two pages are read.
    let p = project(&format!(
        "[[feed.source]]\nlist = \"{server}news/\"\nitem = \"li\"\nmax_pages = 2\n"
    ));
    assert_exit(&feedsmith_async(p.dir.path(), &["run"]).await, 0);
    let items = bodies(&p);
    let storm = &items.iter().find(|i| i.0 == "Storm hits coast").unwrap().2;
    assert!(storm.contains("Paragraph 4 of"), "{storm}");
    assert!(!storm.contains("Paragraph 5 of"), "{storm}");
}

/// A site whose pagination only a rule can find: `next_page` names the link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_rule_next_page_selector_joins_pages_a_page_source_points_to() {
    let page = |paras, next: &str| {
        story_page(
            paras,
            "",
            &match next {
                "" => String::new(),
                n => format!("<a class=\"more\" href=\"{n}\">Continue reading</a>"),
            },
        )
    };
    let server = serve_static(vec![
        ("/read/a81", HTML, page([1, 2], "/read/b22")),
        ("/read/b22", HTML, page([3, 4], "/read/c93")),
        ("/read/c93", HTML, page([5, 6], "")),
    ])
    .await;
    let host = server.host_str().unwrap().to_string();
    let p = project(&format!(
        "[[feed.source]]\npage = \"{server}read/a81\"\n\n[[site_rule]]\nhost = \"{host}\"\nnext_page = \"a.more\"\n"
    ));
    let ran = feedsmith_async(p.dir.path(), &["run"]).await;
    assert_exit(&ran, 0);
    let items = bodies(&p);
    assert_eq!(items.len(), 1, "{items:?}");
    let text = &items[0].2;
    for n in 1..=6 {
        assert!(text.contains(&format!("Paragraph {n} of")), "{n}: {text}");
    }
    assert!(
        text.find("Paragraph 2 of").unwrap() < text.find("Paragraph 3 of").unwrap(),
        "{text}"
    );
}

/// A page whose article only a script writes; served with the script inline.
fn script_built() -> String {
    let paras: String = (1..=3).map(para).collect();
    format!(
        "<html><head><title>Storm hits coast</title></head><body><div id=\"root\"></div>\
         <script>document.getElementById('root').innerHTML = \
         '<main><article><h1>Storm hits coast</h1>' + {paras:?} + '</article></main>';</script>\
         </body></html>"
    )
}

/// The browser the render test needs: none fails the test under
/// `FEEDSMITH_REQUIRE_BROWSER=1` (as in CI), else skips it saying why.
fn browser_or_skip() -> bool {
    if feedsmith::fetch::render::find_browser(None).is_some() {
        return true;
    }
    let names = feedsmith::fetch::render::BROWSERS;
    if std::env::var("FEEDSMITH_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("FEEDSMITH_REQUIRE_BROWSER=1 but none of {names:?} is on PATH");
    }
    eprintln!(
        "skipped: none of {names:?} is on PATH (set FEEDSMITH_REQUIRE_BROWSER=1 to fail instead)"
    );
    false
}

/// Without `render` the script shell is named with its fix; with it, headless Chromium builds
/// the page and the article is extracted as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_built_page_needs_render_and_reads_with_it() {
    let server = serve_static(vec![("/app/story", HTML, script_built())]).await;
    let p = project(&format!(
        "[[feed.source]]\nname = \"spa\"\npage = \"{server}app/story\"\n"
    ));
    let ran = feedsmith_async(p.dir.path(), &["run"]).await;
    assert_exit(&ran, 1);
    assert!(
        ran.stderr
            .contains("it needs render = true on source spa to be read"),
        "{}",
        ran.stderr
    );
    if !browser_or_skip() {
        return;
    }
    let p = project(&format!(
        "[[feed.source]]\nname = \"spa\"\npage = \"{server}app/story\"\nrender = true\n"
    ));
    let ran = feedsmith_async(p.dir.path(), &["run"]).await;
    assert_exit(&ran, 0);
    let items = bodies(&p);
    assert_eq!(items.len(), 1, "{items:?}\n{}", ran.stderr);
    assert_eq!(items[0].0, "Storm hits coast");
    for n in 1..=3 {
        assert!(
            items[0].2.contains(&format!("Paragraph {n} of")),
            "{items:?}"
        );
    }

    // A browser that never answers is stopped at the budget, and the run says so.
    let p = project(&format!(
        "[[feed.source]]\nname = \"spa\"\npage = \"{server}app/story\"\nrender = true\n"
    ));
    let slow = p.path("slow-browser");
    std::fs::write(&slow, "#!/bin/sh\nexec sleep 30\n").unwrap();
    let mut perms = std::fs::metadata(&slow).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&slow, perms).unwrap();
    // A path is read from the config's folder.
    let config = p.read("config.toml").replace(
        "retries = 0\n",
        "retries = 0\nchromium = \"./slow-browser\"\nrender_timeout_ms = 300\n",
    );
    p.write("config.toml", &config);
    let ran = feedsmith_async(p.dir.path(), &["run"]).await;
    assert_exit(&ran, 1);
    assert!(
        ran.stderr
            .contains("headless Chromium did not finish within 300 ms and was stopped"),
        "{}",
        ran.stderr
    );
}

/// A list page whose twelve article links are opaque ids (`/p/8812`, `/a?id=…`): found by the
/// repeated shape of their containers, with no selectors; `preview -v` shows the choice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opaque_id_list_is_found_by_structure_without_selectors() {
    let mut routes = Vec::new();
    let mut items = String::new();
    for i in 0..12 {
        let path: &'static str = Box::leak(match i {
            1 => format!("/a?id={}", 8800 + i).into_boxed_str(),
            _ => format!("/p/{}", 8800 + i).into_boxed_str(),
        });
        items.push_str(&format!(
            "<div class=\"teaser\"><h2><a href=\"{path}\">Harbour report number {i} from the quay</a></h2>\
             <span class=\"by\">By <a href=\"/author/ana\">Ana</a></span></div>"
        ));
        if i != 1 {
            routes.push((
                path,
                HTML,
                format!(
                    "<html><head><title>Harbour report {i}</title></head><body><main><article>\
                     <h1>Harbour report {i}</h1>{}</article></main></body></html>",
                    para(i)
                ),
            ));
        }
    }
    // The test server routes by path: `/a` answers for `/a?id=8801`.
    routes.push((
        "/a",
        HTML,
        format!(
            "<html><head><title>Harbour report</title></head><body><main><article>\
             <h1>Harbour report</h1>{}</article></main></body></html>",
            para(99)
        ),
    ));
    routes.push((
        "/front",
        HTML,
        format!(
            "<html><body><nav><a href=\"/p/1\">Home</a><a href=\"/p/2\">World</a></nav>\
             <main><section class=\"latest\">{items}</section></main>\
             <footer><a href=\"/p/3\">Contact</a></footer></body></html>"
        ),
    ));
    let server = serve_static(routes).await;
    let p = project(&format!("[[feed.source]]\nlist = \"{server}front\"\n"));
    let ran = feedsmith_async(p.dir.path(), &["run"]).await;
    assert_exit(&ran, 0);
    let mut urls: Vec<String> = bodies(&p).into_iter().map(|(_, u, _)| u).collect();
    urls.sort();
    let mut want: Vec<String> = (0..12)
        .map(|i| match i {
            1 => format!("{server}a?id={}", 8800 + i),
            _ => format!("{server}p/{}", 8800 + i),
        })
        .collect();
    want.sort();
    assert_eq!(urls, want, "{}", ran.stderr);

    let checked = feedsmith_async(p.dir.path(), &["check", "--fetch", "-v"]).await;
    assert!(
        checked.stderr.lines().any(|l| l.contains("list link group")
            && l.contains("section.latest > div.teaser")
            && l.contains("headlines=12")
            && l.contains("chosen=true")),
        "{}",
        checked.stderr
    );
    let shown = feedsmith_async(p.dir.path(), &["preview", "-v", &format!("{server}front")]).await;
    assert!(
        shown
            .stderr
            .lines()
            .any(|l| l.contains("chosen section.latest > div.teaser > h2 > a: 12 of 12")),
        "{}",
        shown.stderr
    );
}

/// One source listing the same story twice (a mirror path) publishes it once; two stories
/// from one template with other figures stay two items.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirrored_story_in_one_source_is_published_once_and_templated_ones_stay_apart() {
    let page = |title: &str, body: String| {
        format!(
            "<html><head><title>{title}</title></head><body><main><article><h1>{title}</h1>\
             {body}</article></main></body></html>"
        )
    };
    let tides = |day: &str, times: [&str; 4]| {
        format!(
            "<p>Tide table for {day}. High water in the harbour at {} and {}, low water at {} and {}. \
             Small craft should keep clear of the outer channel two hours either side of low water, \
             and the slipway at the north quay is closed for repairs until further notice.</p>",
            times[0], times[1], times[2], times[3]
        )
    };
    let storm: String = (1..=3).map(para).collect();
    let server = serve_static(vec![
        (
            "/news/",
            HTML,
            "<html><body><main><ul>\
             <li><a href=\"/news/storm-hits-coast-overnight\">Storm hits coast</a></li>\
             <li><a href=\"/mirror/news/storm-hits-coast-overnight\">Storm hits coast (mirror)</a></li>\
             <li><a href=\"/news/tides-for-monday-the-third\">Tides Monday</a></li>\
             <li><a href=\"/news/tides-for-tuesday-the-fourth\">Tides Tuesday</a></li>\
             </ul></main></body></html>"
                .to_string(),
        ),
        ("/news/storm-hits-coast-overnight", HTML, page("Storm hits coast", storm.clone())),
        ("/mirror/news/storm-hits-coast-overnight", HTML, page("Storm hits coast", storm)),
        (
            "/news/tides-for-monday-the-third",
            HTML,
            page("Tides for Monday", tides("Monday", ["06:12", "18:40", "00:05", "12:31"])),
        ),
        (
            "/news/tides-for-tuesday-the-fourth",
            HTML,
            page("Tides for Tuesday", tides("Tuesday", ["06:58", "19:21", "00:49", "13:10"])),
        ),
    ])
    .await;
    let p = project(&format!("[[feed.source]]\nlist = \"{server}news/\"\n"));
    let ran = feedsmith_async(p.dir.path(), &["run"]).await;
    assert_exit(&ran, 0);
    let mut titles: Vec<String> = bodies(&p).into_iter().map(|(t, _, _)| t).collect();
    titles.sort();
    assert_eq!(
        titles,
        ["Storm hits coast", "Tides for Monday", "Tides for Tuesday"],
        "{}",
        ran.stderr
    );
}
