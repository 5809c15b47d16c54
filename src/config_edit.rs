//! Adding a source to `config.toml` in place (`feedsmith add --write`): the file is edited as a
//! TOML document (`toml_edit`), not written again from the config types, so every comment,
//! blank line and key order the user wrote stays as it was.

use std::path::Path;

use toml_edit::{value, ArrayOfTables, DocumentMut, Item, Table};
use url::Url;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::probe::{Kind, Probe};

/// Appends `source` to the feed `feed` of the config at `path` (creating the feed, linking to
/// `link`, when there is none of that name), then loads the result: when it does not load, the
/// file is put back as it was and the error says why. Returns whether the feed was created.
pub fn write_source(path: &Path, feed: &str, link: &Url, source: Table) -> Result<bool> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let config_error = |message: String| Error::Config {
        path: path.to_path_buf(),
        line: None,
        message,
    };
    let (edited, created) = append_source(&text, feed, link, source)
        .map_err(|m| config_error(format!("{m}; fix it, or paste the block by hand")))?;
    let (dir, name) = split(path)?;
    crate::publish::write::write_if_changed(dir, name, edited.as_bytes())?;
    if let Err(e) = Config::load(path) {
        crate::publish::write::write_if_changed(dir, name, text.as_bytes())?;
        return Err(config_error(format!(
            "with the new source the config would not load ({e}); the file is left as it was"
        )));
    }
    Ok(created)
}

/// A file path as the folder it is in and its name.
fn split(path: &Path) -> Result<(&Path, &str)> {
    let name = path.file_name().and_then(|n| n.to_str());
    match name {
        Some(name) => Ok((path.parent().unwrap_or(Path::new(".")), name)),
        None => Err(Error::Config {
            path: path.to_path_buf(),
            line: None,
            message: "is not a file name; pass --config FILE".into(),
        }),
    }
}

/// The `[[feed.source]]` table for a probed URL, named `name`.
pub fn source_table(name: &str, probe: &Probe) -> Table {
    let mut t = Table::new();
    t.insert("name", value(name));
    let url = probe.url.as_str();
    match &probe.kind {
        Kind::Feed { .. } => t.insert("feed", value(url)),
        Kind::Page => t.insert("page", value(url)),
        Kind::List { selectors, .. } => {
            t.insert("list", value(url));
            if let Some(s) = selectors {
                t.insert("item", value(&s.item));
                if let Some(d) = &s.date {
                    t.insert("date", value(d));
                }
            }
            None
        }
    };
    t
}

/// A source name for `url` that no source of the config `text` has yet: its host and path.
pub fn source_name(text: &str, url: &Url) -> String {
    let host = url.host_str().unwrap_or("web");
    let host = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.trim_start_matches("www.").to_string(),
    };
    let base = format!("{host}{}", url.path().trim_end_matches('/'));
    let taken: Vec<String> = text
        .parse::<DocumentMut>()
        .ok()
        .and_then(|doc| {
            let feeds = doc.get("feed")?.as_array_of_tables()?;
            Some(
                feeds
                    .iter()
                    .filter_map(|f| f.get("source")?.as_array_of_tables())
                    .flat_map(|s| s.iter())
                    .filter_map(|s| s.get("name")?.as_str().map(str::to_string))
                    .collect(),
            )
        })
        .unwrap_or_default();
    (1..)
        .map(|n| match n {
            1 => base.clone(),
            n => format!("{base}-{n}"),
        })
        .find(|name| !taken.contains(name))
        .unwrap_or(base)
}

/// The block as it is pasted into a config: `[[feed.source]]` and its keys.
pub fn source_block(source: &Table) -> String {
    format!("[[feed.source]]\n{source}")
}

/// The `[[feed]]` table created for a feed that does not exist yet.
pub fn feed_table(name: &str, link: &Url) -> Table {
    let mut t = Table::new();
    t.insert("name", value(name));
    t.insert("title", value(name));
    t.insert("link", value(link.as_str()));
    t
}

/// `text` (a config file) with `source` appended to the feed named `feed`, which is created
/// (titled by its name, linking to `link`) when the config has none of that name. Errors say
/// what in the file is in the way.
pub fn append_source(
    text: &str,
    feed: &str,
    link: &Url,
    source: Table,
) -> Result<(String, bool), String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("is not valid TOML: {}", e.message()))?;
    let feeds = doc
        .entry("feed")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or("has a `feed` key that is not a list of [[feed]] tables")?;
    let existing = feeds
        .iter_mut()
        .find(|f| f.get("name").and_then(Item::as_str) == Some(feed));
    let created = existing.is_none();
    let table = match existing {
        Some(t) => t,
        None => {
            feeds.push(feed_table(feed, link));
            feeds.iter_mut().last().ok_or("lost the feed it added")?
        }
    };
    table
        .entry("source")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            format!("feed {feed:?} has a `source` key that is not a list of [[feed.source]] tables")
        })?
        .push(source);
    Ok((doc.to_string(), created))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::FeedFormat;

    fn probe(url: &str) -> Probe {
        Probe {
            url: Url::parse(url).unwrap(),
            kind: Kind::Feed {
                format: FeedFormat::Rss,
                via: None,
            },
            items: Vec::new(),
            problems: Vec::new(),
        }
    }

    const CONFIG: &str = "# My feeds\n[site]\ntitle = \"T\" # the site\n\n[[feed]]\nname = \"a\" # first\ntitle = \"A\"\nlink = \"https://a.example/\"\n\n# the folder\n[[feed.source]]\ndir = \"articles\"\n\n[[feed]]\nname = \"b\"\ntitle = \"B\"\nlink = \"https://b.example/\"\n";

    #[test]
    fn a_source_goes_under_its_feed_and_every_comment_stays() {
        let p = probe("https://news.example.org/feed.xml");
        let table = source_table(&source_name(CONFIG, &p.url), &p);
        let (out, created) =
            append_source(CONFIG, "a", &Url::parse("https://x/").unwrap(), table).unwrap();
        assert!(!created);
        for kept in ["# My feeds", "# the site", "# first", "# the folder"] {
            assert!(out.contains(kept), "{kept} lost:\n{out}");
        }
        let parsed: toml::Value = toml::from_str(&out).unwrap();
        let sources = parsed["feed"][0]["source"].as_array().unwrap();
        assert_eq!(sources.len(), 2);
        assert_eq!(
            sources[1]["feed"].as_str(),
            Some("https://news.example.org/feed.xml")
        );
        assert_eq!(
            sources[1]["name"].as_str(),
            Some("news.example.org/feed.xml")
        );
        assert!(parsed["feed"][1].get("source").is_none(), "{out}");
        // The original text is untouched up to where the new table goes.
        assert!(out.starts_with(&CONFIG[..CONFIG.find("[[feed]]\nname = \"b\"").unwrap()]));
    }

    #[test]
    fn a_missing_feed_is_created_and_names_do_not_clash() {
        let p = probe("https://news.example.org/feed.xml");
        let (once, _) = append_source(
            CONFIG,
            "c",
            &Url::parse("https://news.example.org/").unwrap(),
            source_table(&source_name(CONFIG, &p.url), &p),
        )
        .unwrap();
        let second = source_name(&once, &p.url);
        assert_eq!(second, "news.example.org/feed.xml-2");
        let (twice, created) = append_source(
            &once,
            "c",
            &Url::parse("https://news.example.org/").unwrap(),
            source_table(&second, &p),
        )
        .unwrap();
        assert!(!created);
        assert_eq!(twice.matches("name = \"c\"").count(), 1, "{twice}");
        let parsed: toml::Value = toml::from_str(&twice).unwrap();
        let c = &parsed["feed"][2];
        assert_eq!(c["name"].as_str(), Some("c"));
        assert_eq!(c["link"].as_str(), Some("https://news.example.org/"));
        assert_eq!(c["source"].as_array().unwrap().len(), 2);
    }
}
