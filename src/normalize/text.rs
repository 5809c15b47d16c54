//! Plain-text path: text scraped from a page, chrome and hard wraps included, becomes a draft
//! article: headline, dek, paragraphs re-joined, chrome lines dropped, credits structured.

use super::{Context, Draft};
use crate::normalize::sanitize::{escape_html, hygiene};

/// Normalises scraped text into a draft.
pub fn draft(text: &str, ctx: &Context) -> Draft {
    let text = hygiene(text);
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
            continue;
        }
        if ctx.rules.is_chrome(line) || ctx.learned.contains(line) {
            continue;
        }
        current.push(line.to_string());
    }
    if !current.is_empty() {
        blocks.push(current);
    }

    let mut draft = Draft::default();
    let mut blocks = blocks.into_iter().peekable();
    if let Some(first) = blocks.next() {
        let mut lines = first.into_iter();
        draft.title = lines.next();
        let rest: Vec<String> = lines.collect();
        if !rest.is_empty() {
            draft.summary = Some(rest.join(" "));
        }
    }
    let mut paragraphs: Vec<String> = Vec::new();
    for (i, block) in blocks.enumerate() {
        if i == 0 && draft.summary.is_none() && block.len() == 1 && !ends_sentence(&block[0]) {
            draft.summary = Some(block[0].clone());
            continue;
        }
        if let Some(credits) = credit_line(&block.join(" ")) {
            draft.credits.extend(credits);
            continue;
        }
        paragraphs.extend(join_wrapped(&block));
    }
    draft.body_html = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape_html(p)))
        .collect();
    draft
}

/// Whether a line ends a sentence (closing quotes and brackets looked through).
pub fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', ' ']);
    t.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// Re-joins hard-wrapped lines of one block: a line that does not end a sentence continues on
/// the next line.
fn join_wrapped(block: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in block {
        match out.last_mut() {
            Some(last) if open => {
                last.push(' ');
                last.push_str(line);
            }
            _ => out.push(line.clone()),
        }
        open = !ends_sentence(line);
    }
    out
}

/// `[With AFP and Reuters]` and similar wire credits: the agencies named.
pub fn credit_line(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    let lower = inner.to_lowercase();
    let rest = [
        "with ",
        "additional reporting by ",
        "reporting by ",
        "source: ",
        "sources: ",
    ]
    .iter()
    .find_map(|p| lower.starts_with(p).then(|| &inner[p.len()..]))?;
    let names: Vec<String> = rest
        .split([',', '&'])
        .flat_map(|part| part.split(" and "))
        .map(|s| s.trim().trim_end_matches('.').to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (!names.is_empty()).then_some(names)
}
