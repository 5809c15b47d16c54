//! Publishing to S3-compatible object storage (`[site] publish_to`), against the real server
//! `.ci/run` starts on 127.0.0.1 (moto; `FEEDSMITH_TEST_S3_ENDPOINT`): the objects are the
//! local folder's bytes with their headers, an unchanged run uploads nothing, orphans go only
//! with `--prune`, and a failed upload names the object and the endpoint. The bucket is read
//! back with `object_store` through GETs and listings, apart from the binary under test.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{Attribute, ObjectStore, ObjectStoreExt};

use crate::util::{self, assert_exit, Project, Ran};

const NOW: &str = "2024-06-21T12:00:00Z";

fn endpoint() -> Option<String> {
    util::service("FEEDSMITH_TEST_S3_ENDPOINT", "S3-compatible server")
}

/// A new, empty bucket on the server, named for the test.
fn new_bucket(endpoint: &str, test: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "t{}-{}-{test}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let r = util::raw(
        addr(endpoint),
        "PUT",
        &format!("/{name}"),
        &[("Content-Length", "0")],
    );
    assert_eq!(
        r.status,
        200,
        "creating bucket {name}: {}",
        String::from_utf8_lossy(&r.body)
    );
    name
}

fn addr(endpoint: &str) -> SocketAddr {
    url::Url::parse(endpoint)
        .unwrap()
        .socket_addrs(|| None)
        .unwrap()[0]
}

fn client(endpoint: &str, bucket: &str) -> AmazonS3 {
    AmazonS3Builder::new()
        .with_endpoint(endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_bucket_name(bucket)
        .with_access_key_id("test")
        .with_secret_access_key("test")
        .build()
        .unwrap()
}

/// Every object in the bucket: key → (bytes, Content-Type, Cache-Control, ETag).
type Objects = BTreeMap<String, (Vec<u8>, String, String, String)>;

fn objects(endpoint: &str, bucket: &str) -> Objects {
    let s3 = client(endpoint, bucket);
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use futures_util::TryStreamExt;
        let metas: Vec<_> = s3.list(None).try_collect().await.unwrap();
        let mut out = BTreeMap::new();
        for meta in metas {
            let got = s3.get(&meta.location).await.unwrap();
            let attr = |a: Attribute| {
                got.attributes
                    .get(&a)
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            };
            let (ct, cc) = (attr(Attribute::ContentType), attr(Attribute::CacheControl));
            let etag = got.meta.e_tag.clone().unwrap_or_default();
            let bytes = got.bytes().await.unwrap().to_vec();
            out.insert(meta.location.to_string(), (bytes, ct, cc, etag));
        }
        out
    })
}

fn article(p: &Project, feed: &str, slug: &str, title: &str, date: &str) {
    p.write(
        &format!("articles/{feed}/{slug}.md"),
        &format!(
            "+++\ntitle = \"{title}\"\ndate = \"{date}\"\n+++\n\nThe council said on Friday that \
             the work on {slug} would be finished ahead of schedule.\n\nA spokesperson added that \
             the timetable would be published next week.\n"
        ),
    );
}

/// A project of two feeds, `world` (every 15 minutes) and `sport` (no schedule), with
/// `site_extra` in `[site]` and `feeds` naming which of the two are configured.
fn project(site_extra: &str, feeds: &[&str]) -> Project {
    let p = Project::new("");
    let mut config = format!(
        "[site]\ntitle = \"Test News\"\nbase_url = \"https://news.example.org/feeds/\"\n\
         author = \"Test Desk\"\nretries = 0\n{site_extra}\n"
    );
    for feed in feeds {
        let schedule = match *feed {
            "world" => "schedule = \"*/15 * * * *\"\n",
            _ => "",
        };
        config.push_str(&format!(
            "\n[[feed]]\nname = \"{feed}\"\ntitle = \"{feed}\"\nlink = \"https://news.example.org/{feed}\"\n\
             {schedule}[[feed.source]]\ndir = \"articles/{feed}\"\n"
        ));
    }
    p.write("config.toml", &config);
    article(
        &p,
        "world",
        "summit",
        "Summit opens",
        "2024-06-20T09:00:00Z",
    );
    article(&p, "world", "talks", "Talks resume", "2024-06-20T10:00:00Z");
    article(
        &p,
        "sport",
        "final",
        "Final goes to extra time",
        "2024-06-20T20:00:00Z",
    );
    p
}

/// `feedsmith ARGS` at [`NOW`] with the credentials and endpoint in the usual AWS variables.
fn run(p: &Project, endpoint: &str, args: &[&str]) -> Ran {
    let out = util::command(p.dir.path())
        .args(args)
        .env("FEEDSMITH_NOW", NOW)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .output()
        .unwrap();
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The files of the project's output folder, by path below it (`world/summit.html` for an
/// article page).
fn local_files(p: &Project, dir: &str) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &std::path::Path, below: &str, files: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap()) {
            let name = format!("{below}{}", e.file_name().to_string_lossy());
            match e.file_type().unwrap().is_dir() {
                true => walk(&e.path(), &format!("{name}/"), files),
                false => drop(files.insert(name, std::fs::read(e.path()).unwrap())),
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(&p.path(dir), "", &mut files);
    files
}

fn uploads(r: &Ran) -> Vec<&str> {
    r.stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("uploaded "))
        .collect()
}

#[test]
fn the_bucket_holds_the_local_files_with_their_headers_and_unchanged_bytes_are_not_uploaded_again()
{
    let Some(endpoint) = endpoint() else { return };
    let bucket = new_bucket(&endpoint, "same");
    let p = project(
        &format!("publish_to = \"s3://{bucket}/feeds/\""),
        &["world", "sport"],
    );
    let first = run(&p, &endpoint, &["run", "--all", "-v"]);
    assert_exit(&first, 0);

    // A plain local run of the same feeds, with no bucket at all: the same bytes.
    let plain = project("", &["world", "sport"]);
    assert_exit(&plain.run_at(NOW, &["run", "--all"]), 0);
    let local = local_files(&plain, "feeds");
    assert_eq!(
        local,
        local_files(&p, "feeds"),
        "staging folder = plain output"
    );
    let names: Vec<&str> = local.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "feeds.opml",
            "index.html",
            "sport.atom",
            "sport.html",
            "sport.json",
            "sport.rss",
            "sport/final.html",
            "world.atom",
            "world.html",
            "world.json",
            "world.rss",
            "world/summit.html",
            "world/talks.html"
        ]
    );

    let stored = objects(&endpoint, &bucket);
    let keys: Vec<String> = stored.keys().cloned().collect();
    let want: Vec<String> = local.keys().map(|n| format!("feeds/{n}")).collect();
    assert_eq!(keys, want, "one object per file, under the prefix");
    for (name, bytes) in &local {
        let (got, content_type, cache, etag) = &stored[&format!("feeds/{name}")];
        assert_eq!(got, bytes, "{name}: the object is the file, byte for byte");
        let want_type = match name.rsplit_once('.').unwrap().1 {
            "rss" => "application/rss+xml",
            "atom" => "application/atom+xml",
            "json" => "application/feed+json",
            "html" => "text/html; charset=utf-8",
            "opml" => "text/x-opml; charset=utf-8",
            other => panic!("unexpected file {other}"),
        };
        assert_eq!(content_type, want_type, "{name}");
        // world refreshes every 15 minutes, and so does the index that lists it; sport has no
        // schedule and gets the default 5 minutes.
        let want_cache = match name.starts_with("sport") {
            true => "public, max-age=300",
            false => "public, max-age=900",
        };
        assert_eq!(cache, want_cache, "{name}");
        assert!(!etag.is_empty(), "{name} has an ETag");
    }
    let mut said: Vec<&str> = uploads(&first);
    said.sort();
    let every: Vec<String> = local
        .keys()
        .map(|n| format!("s3://{bucket}/feeds/{n}"))
        .collect();
    assert_eq!(said, every, "-v names every object uploaded");

    // Nothing changed: nothing uploaded, every object as it was.
    let second = run(&p, &endpoint, &["run", "--all", "-v"]);
    assert_exit(&second, 0);
    assert_eq!(uploads(&second), Vec::<&str>::new(), "{}", second.stderr);
    assert_eq!(objects(&endpoint, &bucket), stored);

    // The local folder lost (a fresh container): rebuilt, but the bucket already has it all.
    std::fs::remove_dir_all(p.path("feeds")).unwrap();
    let fresh = run(&p, &endpoint, &["run", "--all", "-v"]);
    assert_exit(&fresh, 0);
    assert_eq!(uploads(&fresh), Vec::<&str>::new(), "{}", fresh.stderr);

    // One story changes: only its feed's files, its own page, and the pages that list it
    // (with its date), go up again.
    article(
        &p,
        "world",
        "talks",
        "Talks resume in Vienna",
        "2024-06-20T11:00:00Z",
    );
    let third = run(&p, &endpoint, &["run", "--all", "-v"]);
    assert_exit(&third, 0);
    let mut said = uploads(&third);
    said.sort();
    let world: Vec<String> = [
        "feeds.opml",
        "index.html",
        "world.atom",
        "world.html",
        "world.json",
        "world.rss",
        "world/talks.html",
    ]
    .iter()
    .map(|n| format!("s3://{bucket}/feeds/{n}"))
    .collect();
    assert_eq!(said, world, "{}", third.stderr);
    let after = objects(&endpoint, &bucket);
    assert_eq!(after["feeds/sport.rss"], stored["feeds/sport.rss"]);
    assert_ne!(
        after["feeds/world.rss"].3, stored["feeds/world.rss"].3,
        "a new ETag"
    );
    assert_eq!(
        after["feeds/world.rss"].0,
        std::fs::read(p.path("feeds/world.rss")).unwrap()
    );

    // world now refreshes hourly: its Atom file has the same bytes (Atom has no ttl) but a
    // longer Cache-Control, so it is uploaded again; the hash covers the headers too.
    let config = p.read("config.toml").replace("*/15 * * * *", "0 * * * *");
    p.write("config.toml", &config);
    let hourly = run(&p, &endpoint, &["run", "--all", "-v"]);
    assert_exit(&hourly, 0);
    let atom = format!("s3://{bucket}/feeds/world.atom");
    assert!(
        uploads(&hourly).contains(&atom.as_str()),
        "{}",
        hourly.stderr
    );
    let sport = format!("s3://{bucket}/feeds/sport.rss");
    assert!(
        !uploads(&hourly).contains(&sport.as_str()),
        "{}",
        hourly.stderr
    );
    let last = objects(&endpoint, &bucket);
    assert_eq!(last["feeds/world.atom"].0, after["feeds/world.atom"].0);
    assert_eq!(last["feeds/world.atom"].2, "public, max-age=3600");
}

#[test]
fn objects_of_a_removed_feed_stay_until_run_prune() {
    let Some(endpoint) = endpoint() else { return };
    let bucket = new_bucket(&endpoint, "prune");
    let site = format!("publish_to = \"s3://{bucket}/feeds\"");
    let p = project(&site, &["world", "sport"]);
    assert_exit(&run(&p, &endpoint, &["run", "--all"]), 0);
    assert!(objects(&endpoint, &bucket).contains_key("feeds/sport.rss"));

    // sport leaves the config: its objects are warned about once, and kept.
    let only_world = project(&site, &["world"]);
    std::fs::copy(only_world.path("config.toml"), p.path("config.toml")).unwrap();
    let warned = run(&p, &endpoint, &["run", "--all"]);
    assert_exit(&warned, 0);
    let key = format!("s3://{bucket}/feeds/sport.rss");
    assert!(
        warned.stderr.contains(&format!(
            "{key}: no feed in the config writes this file any more; `feedsmith run --prune` removes it"
        )),
        "{}",
        warned.stderr
    );
    let again = run(&p, &endpoint, &["run", "--all"]);
    assert!(
        !again.stderr.contains(&key),
        "warned once: {}",
        again.stderr
    );
    let kept = objects(&endpoint, &bucket);
    for name in ["sport.rss", "sport.atom", "sport.json", "sport.html"] {
        assert!(kept.contains_key(&format!("feeds/{name}")), "{name} kept");
    }

    // --prune removes them, and nothing else.
    assert_exit(&run(&p, &endpoint, &["run", "--all", "--prune"]), 0);
    let pruned: Vec<String> = objects(&endpoint, &bucket).into_keys().collect();
    let want: Vec<String> = [
        "feeds.opml",
        "index.html",
        "world.atom",
        "world.html",
        "world.json",
        "world.rss",
        "world/summit.html",
        "world/talks.html",
    ]
    .iter()
    .map(|n| format!("feeds/{n}"))
    .collect();
    assert_eq!(pruned, want);
    assert!(
        !p.path("feeds/sport.rss").exists(),
        "the local copy goes too"
    );
    assert!(
        !p.path("feeds/sport").exists(),
        "and the folder of its article pages"
    );
}

#[test]
fn a_failed_upload_names_the_object_and_the_endpoint_and_is_tried_again() {
    let Some(endpoint) = endpoint() else { return };
    // A bucket that does not exist yet, named in the config with the endpoint.
    let bucket = format!("t{}-missing", std::process::id());
    let site = format!("publish_to = \"s3://{bucket}/feeds\"\ns3_endpoint = \"{endpoint}\"");
    let p = project(&site, &["world", "sport"]);
    let failed = run(&p, "http://127.0.0.1:9/never-used", &["run", "--all"]);
    assert_exit(&failed, 1);
    for feed in ["world", "sport"] {
        // Its article pages go first: the feed links to them.
        let said = format!("feed {feed}: cannot upload s3://{bucket}/feeds/{feed}/");
        assert!(failed.stderr.contains(&said), "{said}\n{}", failed.stderr);
    }
    // The index too, said once, as the run's own problem.
    let index = format!("error: cannot upload s3://{bucket}/feeds/index.html at {endpoint}");
    assert_eq!(
        failed.stderr.matches(&index).count(),
        1,
        "{}",
        failed.stderr
    );
    // Every feed was still written to the local folder, whole.
    for name in ["world.rss", "world.html", "sport.json", "index.html"] {
        assert!(p.path(&format!("feeds/{name}")).is_file(), "{name}");
    }

    // The bucket exists now: the same files, unchanged locally, are uploaded this time.
    let r = util::raw(
        addr(&endpoint),
        "PUT",
        &format!("/{bucket}"),
        &[("Content-Length", "0")],
    );
    assert_eq!(r.status, 200);
    let retried = run(&p, &endpoint, &["run", "--all", "-v"]);
    assert_exit(&retried, 0);
    assert_eq!(uploads(&retried).len(), 13, "{}", retried.stderr);
    let stored = objects(&endpoint, &bucket);
    assert_eq!(
        stored["feeds/world.rss"].0,
        std::fs::read(p.path("feeds/world.rss")).unwrap()
    );
}

#[test]
fn a_stopped_server_fails_the_run_naming_the_endpoint() {
    // Needs no server: an endpoint on a closed port of 127.0.0.1 is a stopped one.
    let refused = util::refused_url();
    let endpoint = refused.trim_end_matches("/story");
    let p = project("publish_to = \"s3://feeds-bucket\"", &["world"]);
    let r = run(&p, endpoint, &["run", "--all"]);
    assert_exit(&r, 1);
    let said =
        format!("feed world: cannot upload s3://feeds-bucket/world/summit.html at {endpoint}");
    assert!(r.stderr.contains(&said), "{said}\n{}", r.stderr);
    assert!(p.path("feeds/world.rss").is_file());
    // Nothing was uploaded, so nothing is taken as uploaded: the next run tries again.
    let again = run(&p, endpoint, &["run", "--all"]);
    assert_exit(&again, 1);
    assert!(again.stderr.contains(&said), "{}", again.stderr);
}

#[test]
fn publish_to_is_checked_when_the_config_loads() {
    for (value, why) in [
        ("https://bucket/feeds", "it does not start with s3://"),
        ("s3://Bad_Bucket/feeds", "a bucket name is 3 to 63"),
        ("s3://bucket/a//b", "the prefix is folder names"),
    ] {
        let p = project(&format!("publish_to = \"{value}\""), &["world"]);
        let r = p.run(&["check"]);
        assert_exit(&r, 2);
        assert!(
            r.stderr.contains("`publish_to`") && r.stderr.contains(why),
            "{value}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("config.toml:"),
            "names the line: {}",
            r.stderr
        );
    }
    let p = project("s3_endpoint = \"http://127.0.0.1:9000\"", &["world"]);
    let r = p.run(&["check"]);
    assert_exit(&r, 2);
    assert!(
        r.stderr
            .contains("`s3_endpoint` is set but `publish_to` is not"),
        "{}",
        r.stderr
    );
    let p = project("s3_region = \"eu-west-1\"", &["world"]);
    let r = p.run(&["check"]);
    assert_exit(&r, 2);
    assert!(
        r.stderr
            .contains("`s3_region` is set but `publish_to` is not"),
        "{}",
        r.stderr
    );
}
