//! `feedsmith init`: a new project that runs as written, publishes its example article in every
//! format, and never replaces a config that is already there.

use crate::util::*;
use feedsmith::config::Config;
use feedsmith::publish::Format;
use std::path::Path;

/// The `title` of the article `init` wrote, read from its TOML front matter, so the test
/// follows the template rather than repeating it.
fn example_title(dir: &Path) -> String {
    let articles: Vec<_> = std::fs::read_dir(dir.join("articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(articles.len(), 1, "one example article: {articles:?}");
    let text = std::fs::read_to_string(&articles[0]).unwrap();
    assert_eq!(
        articles[0].extension().and_then(|e| e.to_str()),
        Some("md"),
        "{articles:?}"
    );
    let front = text
        .strip_prefix("+++\n")
        .and_then(|t| t.split_once("\n+++\n"))
        .unwrap_or_else(|| panic!("no +++ front matter:\n{text}"))
        .0;
    let table: toml::Table = toml::from_str(front).unwrap();
    let title = table["title"].as_str().unwrap().to_string();
    for key in ["date", "author", "summary"] {
        assert!(
            table.contains_key(key),
            "front matter lacks {key}:\n{front}"
        );
    }
    title
}

#[test]
fn init_then_run_publishes_the_example_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let o = feedsmith(dir.path(), &["init"]);
    assert_exit(&o, 0);
    // Piped, as here: nothing to say.
    assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("", ""));
    let gitignore = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    let ignored: Vec<&str> = gitignore.lines().map(str::trim).collect();
    assert!(
        ignored.contains(&".feedsmith/") && ignored.contains(&"feeds/"),
        "{gitignore}"
    );
    let title = example_title(dir.path());

    let config_path = dir.path().join("config.toml");
    let config = Config::load(&config_path).unwrap();
    let o = feedsmith(dir.path(), &["run"]);
    assert_exit(&o, 0);
    assert_eq!(o.stderr, "", "a clean run is quiet");
    for feed in &config.feeds {
        for format in Format::ALL {
            let path = config.site.output_dir.join(format.file_name(&feed.name));
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let parsed = parse_feed(&bytes);
            let titles: Vec<_> = parsed
                .entries
                .iter()
                .filter_map(|e| e.title.as_ref().map(|t| t.content.clone()))
                .collect();
            assert!(titles.contains(&title), "{path:?}: {titles:?}");
        }
    }
    // The state and output the .gitignore names are where the config puts them.
    assert!(config.site.state.exists() && config.site.output_dir.is_dir());
    assert!(config.site.state.starts_with(dir.path().join(".feedsmith")));
    assert!(config.site.output_dir.ends_with("feeds"));
}

#[test]
fn init_makes_the_folder_and_refuses_an_existing_config() {
    let dir = tempfile::tempdir().unwrap();
    let o = feedsmith(dir.path(), &["init", "news/site"]);
    assert_exit(&o, 0);
    let project = dir.path().join("news/site");
    assert!(project.join("config.toml").is_file());
    assert!(project.join("config.schema.json").is_file());

    // An edited config, then init again: refused, and the edit survives.
    let edited = format!(
        "# mine\n{}",
        std::fs::read_to_string(project.join("config.toml")).unwrap()
    );
    std::fs::write(project.join("config.toml"), &edited).unwrap();
    let o = feedsmith(dir.path(), &["init", "news/site"]);
    assert_exit(&o, 2);
    assert!(
        o.stderr.contains("config.toml") && o.stderr.contains("already exists"),
        "{}",
        o.stderr
    );
    assert_eq!(
        std::fs::read_to_string(project.join("config.toml")).unwrap(),
        edited
    );
}

#[test]
fn init_keeps_an_existing_gitignore_and_articles() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "target/\n.feedsmith/\n").unwrap();
    let o = feedsmith(dir.path(), &["init"]);
    assert_exit(&o, 0);
    let text = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    assert!(text.starts_with("target/\n.feedsmith/\n"), "{text}");
    assert_eq!(text.matches(".feedsmith/").count(), 1, "{text}");
    assert!(text.lines().any(|l| l == "feeds/"), "{text}");
}

/// Every key the config accepts (from its schema) is in the template, under its own table, so
/// a new key cannot be forgotten there.
#[test]
fn the_template_names_every_key_under_its_table() {
    let schema: serde_json::Value =
        serde_json::from_str(&feedsmith::cli::schema::render()).unwrap();
    let template = feedsmith::cli::init::CONFIG;
    // The template's tables, in order; `[[site_rule]]` is commented out as a whole.
    let headers = [
        ("Site", "\n[site]\n"),
        ("Feed", "\n[[feed]]\n"),
        ("Source", "\n[[feed.source]]\n"),
        ("SiteRule", "\n# [[site_rule]]\n"),
    ];
    let starts: Vec<usize> = headers
        .iter()
        .map(|(_, h)| {
            template
                .find(h)
                .unwrap_or_else(|| panic!("no {h:?} in the template"))
        })
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] < w[1]),
        "tables out of order"
    );
    for (i, (def, _)) in headers.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(template.len());
        let section = &template[starts[i]..end];
        let props = schema["$defs"][def]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("no $defs.{def} in the schema"));
        assert!(props.len() > 3, "{def}: {props:?}");
        for key in props.keys() {
            // Sub-tables (`[[feed.source]]`) are headers, not keys.
            if props[key]["items"]["$ref"].is_string() {
                continue;
            }
            let written = section.lines().any(|l| {
                let l = l.trim_start_matches('#').trim_start();
                l.starts_with(&format!("{key} = "))
            });
            assert!(written, "`{key}` of {def} is not in its template table");
        }
    }
}

/// On a terminal `init` says what to do next; `script` gives it one.
#[test]
fn init_on_a_terminal_prints_the_next_commands() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `script` (util-linux) to give init a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_feedsmith");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("{bin} init"), "/dev/null"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let run = text.find("feedsmith run").unwrap_or(usize::MAX);
    let serve = text.find("feedsmith serve").unwrap_or(usize::MAX);
    assert!(run < serve && serve != usize::MAX, "{text}");
    let config = Config::load(&dir.path().join("config.toml")).unwrap();
    let url = format!("{}{}.rss", config.site.base_url, config.feeds[0].name);
    assert!(text.contains(&url), "{text}");
}
