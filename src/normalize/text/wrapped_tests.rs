//! Issue 12: articles hard-wrapped at a fixed width keep their whole body. The prose lives in
//! `tests/fixtures/wrapped/` (headline on line 1, one paragraph a line); the tests wrap it here
//! the way a scraper or mail client saving at N columns does (greedy, words never broken) and
//! check what comes out of `normalize`.

use super::*;
use crate::model::{Article, RawBody};
use chrono::{TimeZone, Utc};

const ARTICLES: [&str; 8] = [
    include_str!("../../../tests/fixtures/wrapped/01_harbour.txt"),
    include_str!("../../../tests/fixtures/wrapped/02_storm.txt"),
    include_str!("../../../tests/fixtures/wrapped/03_library.txt"),
    include_str!("../../../tests/fixtures/wrapped/04_rail.txt"),
    include_str!("../../../tests/fixtures/wrapped/05_school.txt"),
    include_str!("../../../tests/fixtures/wrapped/06_museum.txt"),
    include_str!("../../../tests/fixtures/wrapped/07_market.txt"),
    include_str!("../../../tests/fixtures/wrapped/08_hospital.txt"),
];

const WIDTHS: [usize; 5] = [40, 60, 72, 80, 100];

struct Fixture {
    headline: &'static str,
    paragraphs: Vec<&'static str>,
}

fn fixtures() -> Vec<Fixture> {
    ARTICLES
        .iter()
        .map(|a| {
            let mut lines = a.lines().map(str::trim).filter(|l| !l.is_empty());
            Fixture {
                headline: lines.next().unwrap(),
                paragraphs: lines.collect(),
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Indent {
    None,
    /// Every line, as a quoting mail client does; the width includes it.
    All,
    /// The first line of each paragraph, as books and some plain-text archives do.
    First,
}

#[derive(Debug, Clone, Copy)]
struct Layout {
    /// `None`: one paragraph a line, unwrapped.
    width: Option<usize>,
    blank_lines: bool,
    crlf: bool,
    indent: Indent,
}

fn layouts() -> Vec<Layout> {
    let mut out = Vec::new();
    for width in std::iter::once(None).chain(WIDTHS.iter().copied().map(Some)) {
        for blank_lines in [true, false] {
            for (crlf, indent) in [
                (false, Indent::None),
                (true, Indent::None),
                (false, Indent::All),
                (false, Indent::First),
            ] {
                out.push(Layout {
                    width,
                    blank_lines,
                    crlf,
                    indent,
                });
            }
        }
    }
    out
}

/// Greedy wrap of one paragraph: as many words on a line as fit in `width` columns, the
/// indentation counted.
fn wrap(text: &str, width: Option<usize>, first: &str, rest: &str) -> Vec<String> {
    let Some(width) = width else {
        return vec![format!("{first}{text}")];
    };
    let mut lines: Vec<String> = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::replace(&mut line, rest.to_string()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    lines.push(line);
    lines
}

/// The document, and per paragraph the byte offsets where a wrapped line ended a sentence
/// (without blank lines between paragraphs such a break is indistinguishable from a paragraph
/// end, so the body may be split there, and only there).
fn render(f: &Fixture, l: Layout) -> (String, Vec<Vec<usize>>) {
    let (first, rest) = match l.indent {
        Indent::None => ("", ""),
        Indent::All => ("    ", "    "),
        Indent::First => ("    ", ""),
    };
    let sep = if l.blank_lines { "\n\n" } else { "\n" };
    let mut blocks = vec![wrap(f.headline, l.width, rest, rest).join("\n")];
    let mut cuts = Vec::new();
    for p in &f.paragraphs {
        let lines = wrap(p, l.width, first, rest);
        let mut at = 0;
        let mut here = Vec::new();
        for line in &lines[..lines.len() - 1] {
            at += line.trim().len();
            if ends_sentence(line) {
                here.push(at);
            }
            at += 1;
        }
        cuts.push(here);
        blocks.push(lines.join("\n"));
    }
    let mut doc = blocks.join(sep);
    doc.push('\n');
    if l.crlf {
        doc = doc.replace('\n', "\r\n");
    }
    (doc, cuts)
}

fn article(text: &str) -> Article {
    crate::normalize::testing::article(RawBody::Text(text.to_string()), None).unwrap()
}

/// Sentences of a paragraph: cut after `.`, `!` or `?` (a closing quote included) before a
/// space. The fixtures avoid abbreviations with full stops.
fn sentences(p: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = p.as_bytes();
    for (i, c) in p.char_indices() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let mut end = i + 1;
        while p[end..].starts_with(['"', '”']) {
            end += p[end..].chars().next().unwrap().len_utf8();
        }
        if end == p.len() || b[end] == b' ' {
            out.push(p[start..end].trim());
            start = end;
        }
    }
    if !p[start..].trim().is_empty() {
        out.push(p[start..].trim());
    }
    out
}

/// Whether the body's paragraphs are the fixture's, each either whole or, when `cuts` allows,
/// split at sentence ends where a wrapped line ended.
fn same_paragraphs(body: &[&str], f: &Fixture, cuts: Option<&[Vec<usize>]>) -> bool {
    let mut got = body.iter();
    for (k, p) in f.paragraphs.iter().enumerate() {
        let mut at = 0;
        loop {
            let Some(piece) = got.next() else {
                return false;
            };
            if !p[at..].starts_with(piece) {
                return false;
            }
            at += piece.len();
            if at == p.len() {
                break;
            }
            if !cuts.is_some_and(|c| c[k].contains(&at)) || !p[at..].starts_with(' ') {
                return false;
            }
            at += 1;
        }
    }
    got.next().is_none()
}

/// What went wrong with one document, if anything, and the share of its sentences kept.
fn check(f: &Fixture, l: Layout) -> (Vec<String>, usize, usize) {
    let (doc, cuts) = render(f, l);
    let a = article(&doc);
    let mut problems = Vec::new();
    let (mut kept, mut total) = (0, 0);
    for p in &f.paragraphs {
        for s in sentences(p) {
            total += 1;
            let n = a.content_text.matches(s).count();
            kept += usize::from(n > 0);
            if n != 1 {
                problems.push(format!("sentence found {n} times: {s:?}"));
            }
        }
    }
    let body: Vec<&str> = a.content_text.split("\n\n").collect();
    let split_ok = (!l.blank_lines && l.width.is_some()).then_some(&cuts[..]);
    if !same_paragraphs(&body, f, split_ok) {
        problems.push(format!("paragraphs differ: {body:#?}"));
    }
    if a.title != f.headline {
        problems.push(format!("title {:?}", a.title));
    }
    let lede = sentences(f.paragraphs[0])[0];
    if a.summary.as_deref() != Some(lede) {
        problems.push(format!("summary {:?}", a.summary));
    }
    (problems, kept, total)
}

#[test]
fn wrapped_articles_keep_every_sentence_and_paragraph() {
    let fixtures = fixtures();
    assert_eq!(fixtures.len(), 8);
    let (mut kept, mut total, mut failed, mut docs) = (0, 0, Vec::new(), 0);
    // Sentences kept per width (`None`: unwrapped), for the figures in the report.
    let mut by_width: std::collections::BTreeMap<Option<usize>, (usize, usize)> =
        Default::default();
    for l in layouts() {
        for (n, f) in fixtures.iter().enumerate() {
            assert!((3..=6).contains(&f.paragraphs.len()), "fixture {n}");
            let (problems, k, t) = check(f, l);
            docs += 1;
            kept += k;
            total += t;
            let w = by_width.entry(l.width).or_default();
            w.0 += k;
            w.1 += t;
            if !problems.is_empty() {
                failed.push(format!("article {} {l:?}: {}", n + 1, problems.join("; ")));
            }
        }
    }
    eprintln!(
        "wrapped corpus: {docs} documents, {kept}/{total} body sentences kept ({:.1}%), {} documents wrong",
        100.0 * kept as f64 / total as f64,
        failed.len()
    );
    for (w, (k, t)) in &by_width {
        eprintln!("  width {w:?}: {k}/{t} kept");
    }
    assert!(
        failed.is_empty(),
        "{} of {docs} documents wrong; first ones:\n{}",
        failed.len(),
        failed
            .iter()
            .take(6)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn wrapped_and_unwrapped_give_the_same_body() {
    for f in fixtures() {
        let plain = Layout {
            width: None,
            blank_lines: true,
            crlf: false,
            indent: Indent::None,
        };
        let want = article(&render(&f, plain).0).content_text;
        for width in WIDTHS {
            let got = article(
                &render(
                    &f,
                    Layout {
                        width: Some(width),
                        ..plain
                    },
                )
                .0,
            )
            .content_text;
            assert_eq!(got, want, "{} at {width}", f.headline);
        }
    }
}

#[test]
fn wrap_width_is_found_only_in_wrapped_text() {
    let f = &fixtures()[0];
    for width in WIDTHS {
        let (doc, _) = render(
            f,
            Layout {
                width: Some(width),
                blank_lines: true,
                crlf: false,
                indent: Indent::None,
            },
        );
        let lines: Vec<&str> = doc.lines().collect();
        let w = Wrap::detect(&lines).map(|w| w.width);
        assert!(
            w.is_some_and(|w| w <= width && w + 8 >= width),
            "{width}: {w:?}"
        );
    }
    let unwrapped = ARTICLES.join("\n");
    assert_eq!(Wrap::detect(&unwrapped.lines().collect::<Vec<_>>()), None);
    let seed = include_str!("../../../tests/fixtures/seed/000_05bbbe553725a38b.txt");
    assert_eq!(Wrap::detect(&seed.lines().collect::<Vec<_>>()), None);
}

#[test]
fn menus_and_headline_lists_in_wrapped_text_are_not_joined() {
    let f = &fixtures()[0];
    let (doc, _) = render(
        f,
        Layout {
            width: Some(72),
            blank_lines: true,
            crlf: false,
            indent: Indent::None,
        },
    );
    let page = format!(
        "{doc}\nRelated stories\nCouncil to review parking charges near the seafront again\n\
         School expansion plan goes out to public consultation\n\
         New ferry timetable starts in the spring with more sailings\n\n\
         Home\nNews\nSport\nWeather\nContact us\n"
    );
    let a = article(&page);
    let body: Vec<&str> = a.content_text.split("\n\n").collect();
    assert_eq!(body, f.paragraphs, "{:#?}", body);
    let lines: Vec<&str> = page.lines().collect();
    let joined = unwrap_paragraphs(&page);
    assert!(joined.iter().any(|l| l == "Home") && joined.iter().any(|l| l == "Weather"));
    assert!(
        joined
            .iter()
            .any(|l| l == "School expansion plan goes out to public consultation"),
        "{joined:#?}"
    );
    assert!(joined.len() < lines.len());
}

#[test]
fn wrapped_article_inside_page_furniture_keeps_body_and_metadata() {
    let f = &fixtures()[3];
    for width in WIDTHS {
        let layout = Layout {
            width: Some(width),
            blank_lines: true,
            crlf: false,
            indent: Indent::None,
        };
        let (doc, _) = render(f, layout);
        let (head, body) = doc.split_once("\n\n").unwrap();
        let page = format!(
            "{} - The Gazette\n\nSkip to content\nHome\nNews\nSport\nBusiness\n\n{head}\n\n\
             By Jane Doe\n19 November 2019 10:02\n\nShare on Facebook\n\n{body}\n\
             Most read\nLifeboat crew rescues two walkers cut off by the tide\n\n\
             Contact us\nTerms of use\n",
            f.headline
        );
        let a = article(&page);
        let got: Vec<&str> = a.content_text.split("\n\n").collect();
        assert_eq!(got, f.paragraphs, "at {width}: {got:#?}");
        assert_eq!(a.title, f.headline, "at {width}");
        assert_eq!(a.authors, vec!["Jane Doe".to_string()], "at {width}");
        assert_eq!(
            a.published,
            Some(
                Utc.with_ymd_and_hms(2019, 11, 19, 10, 2, 0)
                    .unwrap()
                    .fixed_offset()
            ),
            "at {width}"
        );
    }
}

#[test]
fn trace_gives_each_input_line_of_a_wrapped_paragraph_the_paragraph_fate() {
    use crate::normalize::{chrome::Rules, learn::Learned, trace::Trace};
    let para = "The harbour board met on Tuesday evening to discuss the mooring fees, which have not changed in a decade, and the dredging of the inner basin, which silts up every winter.";
    let mut lines = vec!["Harbour board sets new fees".to_string(), String::new()];
    for _ in 0..3 {
        lines.extend(wrap(para, Some(60), "", ""));
        lines.push(String::new());
    }
    lines.push("Change font size".to_string());
    let text = lines.join("\n");
    let (rules, learned) = (Rules::default(), Learned::default());
    let trace = Trace::default();
    let now = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let traced = draft(
        &text,
        &Context {
            trace: Some(&trace),
            ..Context::new(now, &rules, &learned)
        },
    );
    // Tracing changes nothing about the result.
    let plain = draft(&text, &Context::new(now, &rules, &learned));
    assert_eq!(traced.body_html, plain.body_html);
    let entries = trace.take().entries;
    let fate_of = |i: usize| {
        let hits: Vec<_> = entries
            .iter()
            .filter(|e| e.lines.is_some_and(|(a, b)| (a..b).contains(&i)))
            .collect();
        assert!(hits.len() <= 1, "line {i} in {} entries", hits.len());
        hits.first().map(|e| e.fate)
    };
    assert_eq!(fate_of(0), Some(Fate::Title));
    let wrapped = entries
        .iter()
        .filter(|e| e.lines.is_some_and(|(a, b)| b - a > 1))
        .count();
    assert_eq!(wrapped, 3, "{entries:?}");
    for (i, l) in lines.iter().enumerate().skip(2) {
        match l.as_str() {
            "" => assert_eq!(fate_of(i), None),
            "Change font size" => assert_eq!(fate_of(i), Some(Fate::Chrome { rule: Rule::Label })),
            _ => assert_eq!(fate_of(i), Some(Fate::Kept), "line {i}: {l}"),
        }
    }
}
