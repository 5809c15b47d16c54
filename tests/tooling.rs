//! What is generated from the binary's own definitions: shell completions and the man page
//! (from clap), and the config's JSON Schema (from the config types), committed as
//! `config.schema.json` and checked here to be current.

use crate::util::*;
use clap::{CommandFactory, ValueEnum};
use feedsmith::cli::Cli;

fn subcommands() -> Vec<String> {
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert!(names.len() > 5, "{names:?}");
    names
}

#[test]
fn completions_for_every_shell_name_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    for shell in clap_complete::Shell::value_variants() {
        let name = shell.to_possible_value().unwrap().get_name().to_string();
        let o = feedsmith(dir.path(), &["completions", &name]);
        assert_exit(&o, 0);
        assert!(!o.stdout.trim().is_empty(), "{name}: empty");
        for sub in subcommands() {
            assert!(o.stdout.contains(&sub), "{name} completions lack `{sub}`");
        }
    }
    let o = feedsmith(dir.path(), &["completions", "tcsh"]);
    assert_exit(&o, 2);
}

#[test]
fn man_page_is_roff_naming_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let o = feedsmith(dir.path(), &["man"]);
    assert_exit(&o, 0);
    assert!(
        o.stdout.starts_with(".TH"),
        "{}",
        &o.stdout[..80.min(o.stdout.len())]
    );
    assert!(o.stdout.contains("feedsmith"));
    for sub in subcommands() {
        assert!(o.stdout.contains(&sub), "man page lacks `{sub}`");
    }
}

#[test]
fn committed_schema_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let o = feedsmith(dir.path(), &["schema"]);
    assert_exit(&o, 0);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.schema.json"))
            .unwrap_or_default();
    assert!(
        committed == o.stdout,
        "config.schema.json is not what `feedsmith schema` prints; regenerate it with\n  \
         cargo run -- schema > config.schema.json"
    );
    let schema: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    // deny_unknown_fields reaches editors: a misspelt key is flagged as it is typed.
    for def in ["Site", "Feed", "Source", "SiteRule"] {
        assert_eq!(
            schema["$defs"][def]["additionalProperties"],
            serde_json::Value::Bool(false),
            "{def}"
        );
    }
    assert_eq!(
        schema["additionalProperties"],
        serde_json::Value::Bool(false)
    );
    let required = schema["$defs"]["Site"]["required"].as_array().unwrap();
    assert!(required.iter().any(|k| k == "base_url"), "{required:?}");
}

/// The `#:schema` line editors read is a TOML comment: the bundled config and the `init`
/// template carry it and still load.
#[test]
fn configs_point_at_the_schema_and_still_parse() {
    let bundled = concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml");
    for (name, text) in [
        ("config.toml", std::fs::read_to_string(bundled).unwrap()),
        ("init template", feedsmith::cli::init::CONFIG.to_string()),
    ] {
        assert!(
            text.starts_with("#:schema ./config.schema.json\n"),
            "{name} lacks the #:schema line"
        );
        feedsmith::config::Config::parse(&text, std::path::Path::new(bundled))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
