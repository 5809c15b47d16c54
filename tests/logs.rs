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
