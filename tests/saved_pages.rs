//! Saved pages in an article folder read like fetched ones: decoded from the charset they
//! declare, their links resolved against the address they name (or the one `preview --url`
//! gives when they name none), and dated the day they were written.

use crate::util::{assert_exit, Project};

const PROSE: &str = "Rada miasta przyjęła we wtorek nowy plan transportu, który dodaje trzy linie autobusowe, wydłuża godziny kursowania i po raz pierwszy łączy oba szpitale. Zwolennicy mówili, że plan był spóźniony, wskazując na lata skarg pracowników nocnych zmian, studentów i starszych mieszkańców, którzy już nie prowadzą samochodu. Krytycy pytali jednak o koszty, harmonogram i o to, czy prognozy liczby pasażerów, przygotowane przed pandemią, są nadal aktualne.";

fn page(head: &str) -> String {
    format!(
        r#"<!doctype html><html lang="pl"><head>{head}<title>Plan transportu przyjęty</title></head><body>
<article><h1>Plan transportu przyjęty</h1><p>{PROSE}</p>
<p>Więcej w <a href="/transport/plan">planie</a>, który zaczyna działać wiosną, po długich i żmudnych konsultacjach z mieszkańcami.</p></article>
</body></html>"#
    )
}

fn preview(p: &Project, args: &[&str]) -> serde_json::Value {
    let out = p.run(&[&["preview", "--json"], args].concat());
    assert_exit(&out, 0);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn a_saved_page_is_decoded_from_its_meta_charset() {
    let p = Project::world();
    let html =
        page(r#"<meta http-equiv="Content-Type" content="text/html; charset=windows-1250">"#);
    let (bytes, _, bad) = encoding_rs::WINDOWS_1250.encode(&html);
    assert!(!bad, "the page is representable in windows-1250");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the saved bytes are not UTF-8"
    );
    std::fs::write(p.path("articles/plan.html"), &bytes).unwrap();
    let v = preview(&p, &["articles/plan.html"]);
    let text = v["content_text"].as_str().unwrap();
    assert!(text.contains("przyjęła we wtorek"), "{text}");
    assert!(text.contains("łączy oba szpitale"), "{text}");
    assert_eq!(v["title"], "Plan transportu przyjęty");
}

#[test]
fn a_saved_page_links_against_its_canonical_address_or_the_one_given() {
    let p = Project::world();
    p.write(
        "articles/plan.html",
        &page(r#"<meta charset="utf-8"><link rel="canonical" href="https://miasto.example.pl/2024/05/plan">"#),
    );
    let v = preview(&p, &["articles/plan.html"]);
    let html = v["content_html"].as_str().unwrap();
    assert!(
        html.contains(r#"href="https://miasto.example.pl/transport/plan""#),
        "{html}"
    );
    // Without a declared address, relative links are dropped unless --url gives one.
    p.write("articles/bare.html", &page(r#"<meta charset="utf-8">"#));
    let v = preview(&p, &["articles/bare.html"]);
    let html = v["content_html"].as_str().unwrap();
    assert!(!html.contains("transport/plan"), "{html}");
    let v = preview(
        &p,
        &[
            "--url",
            "https://mirror.example.org/a/b.html",
            "articles/bare.html",
        ],
    );
    let html = v["content_html"].as_str().unwrap();
    assert!(
        html.contains(r#"href="https://mirror.example.org/transport/plan""#),
        "{html}"
    );
    let bad = p.run(&["preview", "--url", "not a url", "articles/plan.html"]);
    assert_exit(&bad, 2);
    assert!(bad.stderr.contains("--url"), "{}", bad.stderr);
}

#[test]
fn a_saved_page_keeps_the_day_it_was_written() {
    let p = Project::world();
    p.write(
        "articles/plan.html",
        &page(r#"<meta charset="utf-8"><meta property="article:published_time" content="2024-01-16T17:53:00-07:00">"#),
    );
    let v = preview(&p, &["articles/plan.html"]);
    assert_eq!(v["published"], "2024-01-16T17:53:00-07:00");
}
