//! Helpers shared by the integration tests: a temporary project (config, articles, output) and
//! a way to run the real binary on it.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SEED: &str = include_str!("../fixtures/seed/000_05bbbe553725a38b.txt");

pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A project whose config has the given `[[feed]]` tables after a standard `[site]`.
    pub fn new(feeds: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "[site]\ntitle = \"Test News\"\nbase_url = \"https://news.example.org/feeds/\"\nauthor = \"Test Desk\"\n\n{feeds}"
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Project { dir }
    }

    /// The usual one-feed project reading `articles/`.
    pub fn world() -> Project {
        let p = Project::new(
            "[[feed]]\nname = \"world\"\ntitle = \"World\"\ndescription = \"World news\"\nlink = \"https://news.example.org/world\"\n[[feed.source]]\ndir = \"articles\"\n",
        );
        p.write("articles/seed.txt", SEED);
        p
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs the binary in the project folder at a fixed "now".
    pub fn run_at(&self, now: &str, args: &[&str]) -> Output {
        feedsmith(self.dir.path(), args, Some(now))
    }

    pub fn run(&self, args: &[&str]) -> Output {
        feedsmith(self.dir.path(), args, None)
    }
}

pub fn feedsmith(cwd: &Path, args: &[&str], now: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_feedsmith"));
    cmd.current_dir(cwd).args(args).env_remove("FEEDSMITH_LOG");
    match now {
        Some(n) => cmd.env("FEEDSMITH_NOW", n),
        None => cmd.env_remove("FEEDSMITH_NOW"),
    };
    cmd.output().unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit code, showing stderr when it differs.
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stderr: {}\nstdout: {}",
        stderr(o),
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Parses one output file with feed-rs, failing the test on any error.
pub fn parse_feed(bytes: &[u8]) -> feed_rs::model::Feed {
    feed_rs::parser::parse(bytes).unwrap_or_else(|e| {
        panic!(
            "feed-rs cannot parse: {e}\n{}",
            String::from_utf8_lossy(bytes)
        )
    })
}
