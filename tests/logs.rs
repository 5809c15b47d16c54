//! `--log-format json`: everything a run says on stderr is one JSON object a line, so journald
//! and Loki never meet a line they cannot parse.

use crate::util::*;

/// Every stderr line as a JSON object with a `level` and a `message`.
fn records(stderr: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
    stderr
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}\n{stderr}"));
            let obj = v
                .as_object()
                .unwrap_or_else(|| panic!("not an object: {line}"))
                .clone();
            assert!(obj.get("level").is_some_and(|l| l.is_string()), "{line}");
            assert!(obj.get("message").is_some_and(|m| m.is_string()), "{line}");
            obj
        })
        .collect()
}

#[test]
fn json_logs_are_one_object_a_line() {
    let p = Project::world();
    let o = p.run(&["-v", "--log-format", "json", "run"]);
    assert_exit(&o, 0);
    let recs = records(&o.stderr);
    // -v reports the feed: that line, as a record.
    assert!(
        recs.iter()
            .any(|r| r["message"].as_str().unwrap().starts_with("world: 1 new")),
        "{}",
        o.stderr
    );
}

#[test]
fn json_logs_carry_errors_and_config_errors() {
    // A page on a closed port: the source fails at once, the run reports it and exits 1.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let p = Project::new(&format!(
        "[[feed]]\nname = \"world\"\ntitle = \"World\"\nlink = \"https://news.example.org/world\"\n\
         [[feed.source]]\nname = \"gone\"\npage = \"http://{addr}/story\"\nrobots = false\nretries = 0\n"
    ));
    let o = p.run(&["--log-format", "json", "run"]);
    assert_exit(&o, 1);
    let recs = records(&o.stderr);
    assert!(
        recs.iter().any(
            |r| r["level"] == "ERROR" && r["message"].as_str().unwrap().contains("source gone")
        ),
        "{}",
        o.stderr
    );
    // The same run in the default format is plain text.
    let o = p.run(&["run"]);
    assert_exit(&o, 1);
    assert!(
        o.stderr.starts_with("error: feed world: source gone"),
        "{}",
        o.stderr
    );

    // A config error is a record too.
    p.write("config.toml", "[site]\ntitle = 1\n");
    let o = p.run(&["--log-format", "json", "run"]);
    assert_exit(&o, 2);
    let recs = records(&o.stderr);
    assert!(
        recs.iter()
            .any(|r| r["level"] == "ERROR" && r["message"].as_str().unwrap().contains("title")),
        "{}",
        o.stderr
    );
}

/// At a terminal (a pseudo-terminal from util-linux `script`), a run ends with one summary
/// line; the same run without a terminal, as under cron, says nothing.
#[test]
fn a_run_at_a_terminal_ends_with_one_summary_line() {
    let p = Project::world();
    let bin = env!("CARGO_BIN_EXE_feedsmith");
    let at_terminal = |args: &str| {
        let out = std::process::Command::new("script")
            .args(["-q", "-e", "-c", &format!("{bin} {args}"), "/dev/null"])
            .current_dir(p.dir.path())
            .env("FEEDSMITH_NOW", "2024-05-01T12:00:00Z")
            .output()
            .expect("util-linux `script` runs the binary on a pseudo-terminal");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let first = at_terminal("run");
    let summaries: Vec<&str> = first.lines().filter(|l| l.contains("refreshed")).collect();
    assert_eq!(summaries.len(), 1, "{first:?}");
    assert!(
        summaries[0].ends_with("1 feed refreshed, 1 written; 1 new item, 0 updated; no problems"),
        "{first:?}"
    );
    // Nothing changed: refreshed, but nothing written and nothing new.
    let second = at_terminal("run --all");
    assert!(
        second.contains("1 feed refreshed, 0 written; 0 new items, 0 updated; no problems"),
        "{second:?}"
    );
    let piped = p.run(&["run", "--all"]);
    assert_exit(&piped, 0);
    assert!(piped.stderr.is_empty(), "{}", piped.stderr);
}
