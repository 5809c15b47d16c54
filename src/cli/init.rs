//! `feedsmith init [DIR]`: a new project in one command, so a first run needs no reading: a
//! commented `config.toml` naming every key with its default, an example article the config
//! reads, a `.gitignore` for state and output, and the schema the config's first line names.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context as _;

use super::Exit;

/// The starter config: every key of the README in its order, optional ones commented out.
pub const CONFIG: &str = include_str!("init/config.toml");
/// The example article the starter config's `dir = "articles"` source reads.
pub const ARTICLE: &str = include_str!("init/article.md");
const ARTICLE_PATH: &str = "articles/harbour-ferry-resumes.md";
const GITIGNORE: &str = include_str!("init/gitignore");

pub fn init(dir: &Path) -> anyhow::Result<Exit> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let config = dir.join("config.toml");
    // create_new: never overwrite a config, even one that appears while we run.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&config);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "feedsmith: {} already exists; init does not overwrite it (move it away or init another folder)",
                config.display()
            );
            return Ok(Exit::Usage);
        }
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", config.display())),
    };
    // The default User-Agent names this version; the template cannot know it.
    let text = CONFIG.replace(
        "feedsmith/VERSION",
        concat!("feedsmith/", env!("CARGO_PKG_VERSION")),
    );
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", config.display()))?;

    // Files a user may already have are kept: an article of theirs is never replaced.
    let article = dir.join(ARTICLE_PATH);
    std::fs::create_dir_all(article.parent().expect("a folder"))?;
    if !article.exists() {
        std::fs::write(&article, ARTICLE)
            .with_context(|| format!("cannot write {}", article.display()))?;
    }
    add_ignores(&dir.join(".gitignore"))?;
    // Generated, so always current: the `#:schema` line of the config points at it.
    let schema = dir.join("config.schema.json");
    std::fs::write(&schema, super::schema::render())
        .with_context(|| format!("cannot write {}", schema.display()))?;

    // Someone at a terminal wants the next step; a script wants silence.
    if std::io::stdout().is_terminal() {
        let cd = if dir == Path::new(".") {
            String::new()
        } else {
            format!("cd {} && ", dir.display())
        };
        println!("Created {} and an example article.", config.display());
        println!("Next:");
        println!("  {cd}feedsmith run        # builds feeds/ from articles/");
        // The starter config's own feed and address, so the hint follows the template.
        let starter = crate::config::Config::parse(CONFIG, &config)?;
        println!(
            "  {cd}feedsmith serve      # then subscribe to {}{}.rss",
            starter.site.base_url, starter.feeds[0].name
        );
    }
    Ok(Exit::Ok)
}

/// Appends the lines of the ignore template that `.gitignore` lacks (creating it if need be),
/// so an existing repository's rules stay as they were.
fn add_ignores(path: &Path) -> anyhow::Result<()> {
    let existing = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let have: Vec<&str> = existing.lines().map(str::trim).collect();
    let missing: Vec<&str> = GITIGNORE
        .lines()
        .filter(|l| !l.starts_with('#') && !have.contains(&l.trim()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let text = if existing.trim().is_empty() {
        GITIGNORE.to_string()
    } else {
        let sep = if existing.ends_with('\n') { "" } else { "\n" };
        format!(
            "{existing}{sep}# feedsmith state and output\n{}\n",
            missing.join("\n")
        )
    };
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_template_parses_and_reads_the_example() {
        let c = Config::parse(CONFIG, Path::new("/p/config.toml")).unwrap();
        assert_eq!(
            c.feeds[0].sources[0].kind,
            crate::config::SourceKind::Dir("/p/articles".into())
        );
        assert!(ARTICLE_PATH.starts_with("articles/"));
        assert!(CONFIG.starts_with("#:schema ./config.schema.json\n"));
    }

    #[test]
    fn ignores_are_added_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".gitignore");
        std::fs::write(&p, "target\n.feedsmith/").unwrap();
        add_ignores(&p).unwrap();
        add_ignores(&p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.matches(".feedsmith/").count(), 1, "{text}");
        assert_eq!(text.matches("feeds/").count(), 1, "{text}");
        assert!(text.starts_with("target\n"), "{text}");
    }
}
