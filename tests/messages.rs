//! Every message feedsmith can print is in the README's troubleshooting tables: each error
//! enum's `Display`, each line the CLI reports, each note and warning of a run, each config
//! error. The messages are collected from the source itself (the `#[error("…")]` attributes,
//! `report!` calls, the CLI's `bail!`s, notes pushed, `self.err(…)` in the config validator,
//! `message:` of file errors), so a new message without a row fails here. A row writes the
//! message with `…` for what is filled in; every literal part of it must appear in the section.

use std::path::Path;

use regex::Regex;

/// The places messages are made, each capturing the format string.
const MAKERS: &[&str] = &[
    r#"#\[error\(\s*"((?:[^"\\]|\\.)*)""#,
    r#"report!\(\s*\w+,\s*"((?:[^"\\]|\\.)*)""#,
    r#"(?:notes|warnings)\.push\(format!\(\s*"((?:[^"\\]|\\.)*)""#,
    r#"self\.err\(\s*[^,]+,\s*(?:format!\(\s*)?"((?:[^"\\]|\\.)*)""#,
    r#"message:\s*(?:format!\(\s*)?"((?:[^"\\]|\\.)*)""#,
    r#"missed_rule = Some\(format!\(\s*"((?:[^"\\]|\\.)*)""#,
    r#"Concern::\w+ \{[^}]*\} => format!\(\s*"((?:[^"\\]|\\.)*)""#,
    r#"(?:bail|anyhow)!\(\s*"((?:[^"\\]|\\.)*)""#,
    r#"config_error\(format!\(\s*"((?:[^"\\]|\\.)*)""#,
    // The hint after an HTTP status.
    r#"\d+(?:\s*(?:\||\.\.=)\s*\d+)+ => "((?:[^"\\]|\\.)*)""#,
];

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests make messages of their own.
            let code = text.split("#[cfg(test)]").next().unwrap().to_string();
            out.push((path.display().to_string(), code));
        }
    }
}

/// A format string's literal parts: placeholders out, escapes undone.
fn literal_parts(template: &str) -> Vec<String> {
    let joined = Regex::new(r"\\\n\s*").unwrap().replace_all(template, "");
    let text = joined
        .replace("\\\"", "\"")
        .replace("\\\\", "\\")
        .replace("{{", "\u{1}")
        .replace("}}", "\u{2}");
    Regex::new(r"\{[^}]*\}")
        .unwrap()
        .split(&text)
        .map(|p| {
            p.replace('\u{1}', "{")
                .replace('\u{2}', "}")
                .trim()
                .to_string()
        })
        .filter(|p| p.chars().count() >= 4)
        .collect()
}

fn troubleshooting() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("\n## Troubleshooting")
        .expect("README has a Troubleshooting section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    rest[..end].to_string()
}

#[test]
fn every_message_is_in_the_troubleshooting_table() {
    let mut files = Vec::new();
    sources(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    let makers: Vec<Regex> = MAKERS.iter().map(|m| Regex::new(m).unwrap()).collect();
    let section = troubleshooting();
    let mut checked = 0;
    let mut missing = Vec::new();
    for (file, code) in &files {
        for maker in &makers {
            for m in maker.captures_iter(code) {
                let parts = literal_parts(&m[1]);
                // A wrapper that only adds a place ("feed …: …") says nothing of its own.
                let letters: usize = parts
                    .iter()
                    .map(|p| p.chars().filter(|c| c.is_alphabetic()).count())
                    .sum();
                if letters < 8 {
                    continue;
                }
                checked += 1;
                if let Some(part) = parts.iter().find(|p| !section.contains(p.as_str())) {
                    missing.push(format!("{file}: {:?} (missing: {part:?})", &m[1]));
                }
            }
        }
    }
    // Concerns about a source's health are said by the run and by `status`.
    for concern in feedsmith::status::Concern::HEADLINES {
        checked += 1;
        if !section.contains(concern.headline()) {
            missing.push(format!("status.rs: {:?}", concern.headline()));
        }
    }
    assert!(
        checked > 60,
        "only {checked} messages found: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "{} of {checked} messages have no row in the README's troubleshooting tables:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
