//! Article folders: each `.txt`, `.md` or `.html` file below the folder is one article, keyed by
//! its path relative to the folder (so ids survive re-runs and re-clones). Markdown front matter
//! (`+++` TOML or `---` YAML-style) becomes hints.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::collected::Collected;
use crate::config::{ArticleHome, Source};
use crate::error::{Error, Result};
use crate::model::{Fingerprint, Metadata, RawArticle, RawBody};

/// Lists the article files below `dir`, in sorted order, against `known`: a file whose size and
/// modification time still match is a known article and is not opened, and one over
/// `max_body_bytes` is a problem. The rest are left [`Unread`], to be read a batch at a time
/// as they are normalised, so a large folder is never in memory whole.
pub fn collect(
    source: &Source,
    dir: &Path,
    known: &HashMap<String, Fingerprint>,
) -> Result<Collected> {
    let meta = fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
    if !meta.is_dir() {
        return Err(Error::io(dir, std::io::Error::other("not a folder")));
    }
    let mut files = Vec::new();
    walk(dir, &mut files).map_err(|e| Error::io(dir, e))?;
    files.sort();
    let mut out = Collected::default();
    let mut unread = Vec::new();
    for path in files.into_iter().filter(|p| is_article_file(p)) {
        let key = key_of(dir, &path);
        let stat = match fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                out.problems.push(Error::io(&path, e));
                continue;
            }
        };
        let (size, modified_ns) = (stat.len(), modified_ns(&stat));
        let before = known.get(&key);
        if before.is_some_and(|f| f.size == size && f.modified_ns == modified_ns) {
            out.known.push(key);
            continue;
        }
        if size > source.fetch.max_body_bytes {
            out.problems.push(Error::BadFile {
                path,
                line: 1,
                message: format!(
                    "the file is {size} bytes, more than `max_body_bytes` ({}); it is not read",
                    source.fetch.max_body_bytes
                ),
            });
            continue;
        }
        unread.push(Pending {
            path,
            key,
            size,
            modified_ns,
            file_time: stat.modified().ok().map(DateTime::<Utc>::from),
            hash_before: before.map(|f| f.hash.clone()),
        });
    }
    if !unread.is_empty() {
        out.unread = Some(Unread { files: unread });
    }
    Ok(out)
}

/// A folder source's files that need reading (new, or changed in size or time), in sorted
/// order; read a batch at a time ([`Unread::batches`], [`read`]).
#[derive(Debug)]
pub struct Unread {
    files: Vec<Pending>,
}

/// One file to read, as it was listed.
#[derive(Debug, Clone)]
pub struct Pending {
    path: PathBuf,
    key: String,
    size: u64,
    modified_ns: i64,
    file_time: Option<DateTime<Utc>>,
    /// The content hash when it was last read: bytes that still hash the same were only
    /// touched, and are no article to normalise again.
    hash_before: Option<String>,
}

impl Pending {
    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// At most this many bytes of files are read into memory at once (one batch), so a run's
/// memory does not grow with the folder; a larger file is a batch of its own.
pub const BATCH_BYTES: u64 = 32 << 20;

impl Unread {
    /// The files in consecutive batches of at most `max_bytes` (a larger file alone).
    pub fn batches(&self, max_bytes: u64) -> Vec<&[Pending]> {
        let mut out = Vec::new();
        let (mut start, mut bytes) = (0, 0);
        for (i, file) in self.files.iter().enumerate() {
            if i > start && bytes + file.size > max_bytes {
                out.push(&self.files[start..i]);
                (start, bytes) = (i, 0);
            }
            bytes += file.size;
        }
        if start < self.files.len() {
            out.push(&self.files[start..]);
        }
        out
    }

    /// The files of `articles` (keys this folder's files gave): the batch to read again when
    /// it was not kept in memory.
    pub fn again(&self, articles: &[RawArticle]) -> Vec<Pending> {
        let keys: std::collections::HashSet<&str> =
            articles.iter().map(|a| a.key.as_str()).collect();
        self.files
            .iter()
            .filter(|f| keys.contains(f.key.as_str()))
            .cloned()
            .collect()
    }
}

/// Reads the rest of a folder source's files into `collected`'s articles until it holds at
/// least `wanted` (every file for `usize::MAX`): for callers that take a few articles and
/// not the whole folder batch by batch (`add`'s preview, tests).
pub fn read_some(source: &Source, collected: &mut Collected, wanted: usize) {
    let Some(unread) = collected.unread.take() else {
        return;
    };
    for files in unread.batches(BATCH_BYTES) {
        if collected.articles.len() >= wanted {
            break;
        }
        read(source, files, collected);
    }
}

/// Reads, hashes and decodes `files` (a batch of [`Unread`]) on every core; what each turned
/// out to be is added to `into` (articles, fingerprints, known articles, problems) in the
/// files' order.
pub fn read(source: &Source, files: &[Pending], into: &mut Collected) {
    read_as(source, files, Pass::First, into);
}

/// Reads and decodes `files` a second time in one run ([`Unread::again`]): their fingerprints
/// were taken the first time, so they are not hashed again. Articles and problems go to
/// `into`.
pub fn read_again(source: &Source, files: &[Pending], into: &mut Collected) {
    read_as(source, files, Pass::Again, into);
}

#[derive(Clone, Copy, PartialEq)]
/// Whether a file is read the first time this run (and fingerprinted) or again.
enum Pass {
    First,
    Again,
}

fn read_as(source: &Source, files: &[Pending], pass: Pass, into: &mut Collected) {
    for outcome in crate::pool::map(files, |file| read_one(source, file, pass)) {
        match outcome {
            Read::Touched(key, print) => {
                into.fingerprints.push((key.clone(), print));
                into.known.push(key);
            }
            Read::Article(a, print) => {
                if let Some(print) = print {
                    into.fingerprints.push((a.key.clone(), print));
                }
                into.articles.push(*a);
            }
            Read::Problem(e) => into.problems.push(e),
        }
    }
}

/// What one listed file turned out to be when read.
enum Read {
    /// Its bytes hash as last run (touched, not edited).
    Touched(String, Fingerprint),
    /// New or edited, with its fingerprint (none when read again).
    Article(Box<RawArticle>, Option<Fingerprint>),
    /// Unreadable or not an article; it gets no fingerprint, so it is read (and its problem
    /// said, or counted) again next run, until it is fixed.
    Problem(Error),
}

fn read_one(source: &Source, file: &Pending, pass: Pass) -> Read {
    let path = file.path.as_path();
    tracing::debug!(file = %path.display(), "reading article file");
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => return Read::Problem(Error::io(path, e)),
    };
    let print = (pass == Pass::First).then(|| Fingerprint {
        size: file.size,
        modified_ns: file.modified_ns,
        hash: hash(&bytes),
    });
    if let (Some(print), Some(before)) = (&print, &file.hash_before) {
        if print.hash == *before {
            return Read::Touched(file.key.clone(), print.clone());
        }
    }
    let key = file.key.clone();
    match article_of(
        &source.name,
        path,
        key,
        bytes,
        file.file_time,
        source.timezone,
    ) {
        Ok(mut a) => {
            // A saved page that declares no address of its own gets the one it was saved
            // from, as if it named it: its links resolve there and it links there.
            if let (None, Some(folder), RawBody::Html(_)) = (&a.base_url, &source.base_url, &a.body)
            {
                let origin = below(folder, &a.key);
                a.hints.link = Some(origin.clone());
                a.base_url = Some(origin);
            }
            give_home(&mut a, source.article_home.as_ref());
            Read::Article(Box::new(a), print)
        }
        Err(e) => Read::Problem(e),
    }
}

/// Links an article that names no URL of its own to its public copy under `articles_url`,
/// which its relative links then resolve against too.
fn give_home(a: &mut RawArticle, home: Option<&ArticleHome>) {
    if let (None, None, Some(ArticleHome::Published(folder))) = (&a.hints.link, &a.base_url, home) {
        let link = published_url(folder, &a.key);
        a.base_url = Some(link.clone());
        a.hints.link = Some(link);
    }
}

/// The URL of the page feedsmith writes for the article `key` of a folder source without
/// `articles_url`; given after normalisation to an article that names no link, so its
/// relative links never resolve against a page that does not hold their targets.
pub fn written_page(source: &Source, key: &str) -> Option<url::Url> {
    match source.article_home.as_ref()? {
        ArticleHome::Written { folder, prefix } => folder
            .join(&format!("{}.html", page_slug(prefix.as_deref(), key)))
            .ok(),
        ArticleHome::Published(_) => None,
    }
}

/// A file's public URL: its path below the folder's URL, each segment percent-encoded, with
/// text and Markdown files published as `.html`.
fn published_url(folder: &url::Url, key: &str) -> url::Url {
    let mapped = match key.rsplit_once('.') {
        Some((stem, ext))
            if matches!(
                ext.to_ascii_lowercase().as_str(),
                "md" | "markdown" | "txt" | "text"
            ) =>
        {
            format!("{stem}.html")
        }
        _ => key.to_string(),
    };
    below(folder, &mapped)
}

/// `path` (a file's path below a folder, `/`-separated) below the folder's URL, each segment
/// percent-encoded.
fn below(folder: &url::Url, path: &str) -> url::Url {
    let mut url = folder.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend(path.split('/'));
    }
    url
}

/// The file name (without `.html`) of the page written for the article keyed `key`: its path
/// without the extension as a slug, with a short hash of the key when the slug had to change
/// the path (a folder, a space), so two files never share a page.
pub fn page_slug(prefix: Option<&str>, key: &str) -> String {
    let stem = key.rsplit_once('.').map_or(key, |(stem, _)| stem);
    let mut slug = crate::urls::slug(stem);
    if slug != stem {
        slug = format!("{slug}-{}", &hash(key.as_bytes())[..6]);
    }
    match prefix {
        Some(p) => format!("{p}-{slug}"),
        None => slug,
    }
}

fn is_article_file(path: &Path) -> bool {
    let ext = extension(path);
    matches!(
        ext.as_str(),
        "txt" | "text" | "md" | "markdown" | "html" | "htm"
    )
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The article's key: its path below the folder, `/`-separated on every platform.
fn key_of(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn modified_ns(m: &fs::Metadata) -> i64 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The content hash of a fingerprint: change detection, not security, so XXH3 (stable across
/// builds and platforms), which hashes a cold run's files several times faster than SHA-256
/// did. A fingerprint stored by an older build (64 hex digits) never equals one of these, so a
/// touched file of that age is normalised once more, as if edited.
fn hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// Reads one file; `None` for files that are not articles (other extensions).
pub fn read_article(
    source_name: &str,
    root: &Path,
    path: &Path,
    tz: Tz,
) -> Result<Option<RawArticle>> {
    if !is_article_file(path) {
        return Ok(None);
    }
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let stat = fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let file_time = stat.modified().ok().map(DateTime::<Utc>::from);
    article_of(source_name, path, key_of(root, path), bytes, file_time, tz).map(Some)
}

/// The article a file's bytes hold: decoded, checked to be text, front matter read.
fn article_of(
    source_name: &str,
    path: &Path,
    key: String,
    bytes: Vec<u8>,
    file_time: Option<DateTime<Utc>>,
    tz: Tz,
) -> Result<RawArticle> {
    let binary = |kind| Error::BadFile {
        path: path.to_path_buf(),
        line: 1,
        message: format!("the file is {kind}, not text; it is not published"),
    };
    if let Some(kind) = crate::sniff::sniff_bytes(&bytes) {
        return Err(binary(kind));
    }
    let html = matches!(extension(path).as_str(), "html" | "htm");
    let text = normalize_line_ends(if html {
        // A saved page is decoded as a fetched one is: BOM, then `<meta charset>` or XML
        // declaration, then UTF-8 or Windows-1252.
        crate::fetch::charset::decode(bytes, None)
    } else {
        decode(bytes)
    });
    if let Some(kind) = crate::sniff::sniff_text(&text) {
        return Err(binary(kind));
    }
    if text.trim().is_empty() {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            line: 1,
            message: "the file is empty".into(),
        });
    }
    // A saved page's links resolve against the address it declares it came from.
    let declared = if html { declared_url(&text) } else { None };
    let (body, hints) = match extension(path).as_str() {
        "md" | "markdown" => {
            let (hints, body) =
                front_matter(&text, tz).map_err(|(line, message)| Error::BadFile {
                    path: path.to_path_buf(),
                    line,
                    message,
                })?;
            (RawBody::Markdown(body.to_string()), hints)
        }
        "html" | "htm" => (RawBody::Html(text), Metadata::default()),
        _ => (RawBody::Text(text), Metadata::default()),
    };
    let base_url = hints.link.clone().or(declared);
    Ok(RawArticle {
        source: source_name.to_string(),
        key,
        body,
        base_url,
        file_time,
        hints,
    })
}

/// The absolute http(s) URL a saved page names as its own: `<link rel=canonical>`, else
/// `og:url`, in its first 64 KiB.
fn declared_url(html: &str) -> Option<url::Url> {
    static LINKS: std::sync::LazyLock<[regex::Regex; 2]> = std::sync::LazyLock::new(|| {
        [
            regex::Regex::new(r#"(?i)<link\s[^>]*?rel\s*=\s*["']?canonical["'\s>][^>]*?href\s*=\s*["']([^"']+)["']|<link\s[^>]*?href\s*=\s*["']([^"']+)["'][^>]*?rel\s*=\s*["']?canonical"#).unwrap(),
            regex::Regex::new(r#"(?i)<meta\s[^>]*?property\s*=\s*["']og:url["'][^>]*?content\s*=\s*["']([^"']+)["']|<meta\s[^>]*?content\s*=\s*["']([^"']+)["'][^>]*?property\s*=\s*["']og:url"#).unwrap(),
        ]
    });
    let mut end = html.len().min(64 * 1024);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let head = &html[..end];
    LINKS.iter().find_map(|re| {
        let c = re.captures(head)?;
        let href = c.get(1).or_else(|| c.get(2))?.as_str().trim();
        url::Url::parse(href)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
    })
}

/// UTF-8 (BOM or not), or UTF-16 with its BOM; anything else is read as Windows-1252, the usual
/// culprit of scraped files, rather than rejected. UTF-8 becomes the text without a copy.
fn decode(bytes: Vec<u8>) -> String {
    match encoding_rs::Encoding::for_bom(&bytes) {
        Some((enc, bom)) => enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned(),
        None => String::from_utf8(bytes).unwrap_or_else(|e| {
            encoding_rs::WINDOWS_1252
                .decode(e.as_bytes())
                .0
                .into_owned()
        }),
    }
}

/// `\r\n` and lone `\r` to `\n`: a file saved with old-Mac `\r` or Windows `\r\n` ends must
/// read the same as one with Unix ends (front matter fences, paragraphs). Text without `\r`, the
/// common case, is handed back as it came.
fn normalize_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = rest[i + 1..].strip_prefix('\n').unwrap_or(&rest[i + 1..]);
    }
    out.push_str(rest);
    out
}

/// A front-matter problem: the line within the file, and what is wrong.
pub type FrontMatterError = (usize, String);

/// Splits front matter from Markdown. Errors carry the line number within the file. Public only
/// for the fuzz targets (fuzz/), which feed it the text of a `.md` file as `dir` sources do.
#[doc(hidden)]
pub fn front_matter(text: &str, tz: Tz) -> std::result::Result<(Metadata, &str), FrontMatterError> {
    let first = text.lines().next().unwrap_or("").trim_end();
    let fence = match first {
        "+++" => "+++",
        "---" => "---",
        _ => return Ok((Metadata::default(), text)),
    };
    let start = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let mut offset = start;
    let mut end = None;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((fm_end, body_start)) = end else {
        return Err((
            1,
            format!("front matter opened with `{fence}` is never closed"),
        ));
    };
    let fm = &text[start..fm_end];
    let fields = if fence == "+++" {
        toml_fields(fm)?
    } else {
        yaml_fields(fm)?
    };
    let mut hints = Metadata::default();
    for (line, key, value) in fields {
        let line = line + 1; // the opening fence is line 1
        let date = |v: &FieldValue| {
            crate::dates::parse(&v.text(), tz).ok_or((
                line,
                format!("`{key}`: cannot read {:?} as a date", v.text()),
            ))
        };
        match key.as_str() {
            "title" => hints.title = Some(value.text()),
            "summary" | "description" => hints.summary = Some(value.text()),
            "date" | "published" => hints.published = Some(date(&value)?),
            "updated" | "lastmod" | "modified" => hints.updated = Some(date(&value)?),
            "author" | "authors" => hints.authors = value.list(),
            "tags" | "categories" => hints.categories.extend(value.list()),
            "link" | "url" => {
                hints.link = Some(
                    url::Url::parse(&value.text())
                        .ok()
                        .filter(|u| matches!(u.scheme(), "http" | "https"))
                        .ok_or((line, format!("`{key}` must be an absolute http(s) URL")))?,
                )
            }
            _ => {} // other front matter (draft, slug, layout ...) belongs to other tools
        }
    }
    Ok((hints, &text[body_start..]))
}

enum FieldValue {
    One(String),
    Many(Vec<String>),
}

impl FieldValue {
    fn text(&self) -> String {
        match self {
            FieldValue::One(s) => s.clone(),
            FieldValue::Many(v) => v.join(", "),
        }
    }

    fn list(&self) -> Vec<String> {
        match self {
            FieldValue::One(s) => vec![s.clone()],
            FieldValue::Many(v) => v.clone(),
        }
    }
}

fn toml_fields(
    fm: &str,
) -> std::result::Result<Vec<(usize, String, FieldValue)>, FrontMatterError> {
    let table: toml::Table = toml::from_str(fm).map_err(|e| {
        let line = e
            .span()
            .map(|s| fm[..s.start].matches('\n').count() + 1)
            .unwrap_or(0);
        (line + 1, format!("front matter: {}", e.message()))
    })?;
    let line_of = |key: &str| {
        fm.lines()
            .position(|l| l.trim_start().starts_with(key))
            .map(|i| i + 1)
            .unwrap_or(1)
    };
    let value = |v: &toml::Value| match v {
        toml::Value::String(s) => FieldValue::One(s.clone()),
        toml::Value::Array(a) => FieldValue::Many(
            a.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect(),
        ),
        toml::Value::Datetime(d) => FieldValue::One(d.to_string()),
        other => FieldValue::One(other.to_string()),
    };
    Ok(table
        .iter()
        .map(|(k, v)| (line_of(k), k.to_ascii_lowercase(), value(v)))
        .collect())
}

/// The YAML subset front matter uses: `key: value`, `key: [a, b]`, and `- item` lists.
fn yaml_fields(
    fm: &str,
) -> std::result::Result<Vec<(usize, String, FieldValue)>, FrontMatterError> {
    let unquote = |s: &str| s.trim().trim_matches('"').trim_matches('\'').to_string();
    let mut out: Vec<(usize, String, FieldValue)> = Vec::new();
    for (i, line) in fm.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(item) = trimmed.strip_prefix("- ") {
            match out.last_mut() {
                Some((_, _, FieldValue::Many(v))) => v.push(unquote(item)),
                Some((_, _, v @ FieldValue::One(_))) if v.text().is_empty() => {
                    *v = FieldValue::Many(vec![unquote(item)])
                }
                _ => return Err((line_no + 1, format!("list item {trimmed:?} outside a list")))?,
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            return Err((
                line_no + 1,
                format!("expected `key: value`, found {trimmed:?}"),
            ));
        };
        let value = value.trim();
        let v = match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            Some(inner) => FieldValue::Many(
                inner
                    .split(',')
                    .map(unquote)
                    .filter(|s| !s.is_empty())
                    .collect(),
            ),
            None => FieldValue::One(unquote(value)),
        };
        out.push((line_no, key.trim().to_ascii_lowercase(), v));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter() {
        let md = "---\ntitle: \"Hello: world\"\ndate: 2024-03-01 10:00\ntags: [a, b]\nauthor:\n  - Jane Doe\n---\n# Body\n";
        let (h, body) = front_matter(md, chrono_tz::UTC).unwrap();
        assert_eq!(h.title.as_deref(), Some("Hello: world"));
        assert_eq!(h.categories, vec!["a", "b"]);
        assert_eq!(h.authors, vec!["Jane Doe"]);
        assert_eq!(
            h.published.unwrap().to_rfc3339(),
            "2024-03-01T10:00:00+00:00"
        );
        assert_eq!(body, "# Body\n");
    }

    #[test]
    fn toml_front_matter() {
        let md = "+++\ntitle = \"T\"\ndate = 2024-03-01T10:00:00Z\nlink = \"https://ex.org/t\"\n+++\nText\n";
        let (h, body) = front_matter(md, chrono_tz::UTC).unwrap();
        assert_eq!(h.title.as_deref(), Some("T"));
        assert_eq!(h.link.unwrap().as_str(), "https://ex.org/t");
        assert_eq!(body, "Text\n");
    }

    #[test]
    fn bad_front_matter_names_the_line() {
        let md = "---\ntitle: T\ndate: someday\n---\nx";
        let (line, msg) = front_matter(md, chrono_tz::UTC).unwrap_err();
        assert_eq!(line, 3);
        assert!(msg.contains("date"), "{msg}");
        assert!(front_matter("---\ntitle: T\n", chrono_tz::UTC).is_err());
    }

    /// A scraped file's bytes as `dir` sources read them.
    fn read(bytes: &[u8]) -> String {
        normalize_line_ends(decode(bytes.to_vec()))
    }

    #[test]
    fn latin1_files_decode() {
        assert_eq!(read(b"caf\xe9"), "café");
        assert_eq!(read("café".as_bytes()), "café");
        let utf16: Vec<u8> = b"\xff\xfe"
            .iter()
            .copied()
            .chain("café".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(read(&utf16), "café");
    }

    #[test]
    fn line_ends_become_newlines() {
        assert_eq!(read(b"a\rb\r\rc"), "a\nb\n\nc");
        assert_eq!(read(b"a\r\nb\r\n\r\nc\r"), "a\nb\n\nc\n");
        assert_eq!(read(b"caf\xe9\r\n"), "café\n");
        assert_eq!(read(b"a\n\rb"), "a\n\nb");
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn old_mac_text_keeps_its_paragraphs() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "mac.txt",
            b"Title line\r\rFirst paragraph.\rStill first.\r\rSecond.\r",
        );
        let a = read_article("s", dir.path(), &path, chrono_tz::UTC)
            .unwrap()
            .unwrap();
        let RawBody::Text(text) = a.body else {
            panic!("text body")
        };
        assert_eq!(
            text,
            "Title line\n\nFirst paragraph.\nStill first.\n\nSecond.\n"
        );
    }

    #[test]
    fn front_matter_with_cr_line_ends() {
        let dir = tempfile::tempdir().unwrap();
        for (name, end) in [("cr.md", "\r"), ("crlf.md", "\r\n")] {
            let md = ["---", "title: Real title", "tags: [a]", "---", "Body text."].join(end);
            let path = write(dir.path(), name, md.as_bytes());
            let a = read_article("s", dir.path(), &path, chrono_tz::UTC)
                .unwrap()
                .unwrap();
            assert_eq!(a.hints.title.as_deref(), Some("Real title"), "{name}");
            assert_eq!(a.hints.categories, vec!["a"], "{name}");
            let RawBody::Markdown(body) = a.body else {
                panic!("markdown body")
            };
            assert_eq!(body, "Body text.", "{name}");
        }
    }

    #[test]
    fn binary_files_are_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let png = write(
            dir.path(),
            "photo.md",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10",
        );
        let err = read_article("s", dir.path(), &png, chrono_tz::UTC).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, Error::BadFile { .. }), "{err:?}");
        assert!(msg.contains("photo.md") && msg.contains("PNG"), "{msg}");
        let nul = write(dir.path(), "nul.txt", b"looks like text\0\0\0 but is not");
        let msg = read_article("s", dir.path(), &nul, chrono_tz::UTC)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("nul.txt") && msg.contains("NUL"), "{msg}");
        let zip = write(
            dir.path(),
            "report.html",
            b"PK\x03\x04\x14\0\x06\0word/document.xml",
        );
        let msg = read_article("s", dir.path(), &zip, chrono_tz::UTC)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("report.html") && msg.contains("ZIP"), "{msg}");
        // Through the folder walk too: the binary file is a problem, the text file an article.
        write(dir.path(), "ok.txt", b"A real article.");
        let c = listed_and_read(&source(""), dir.path(), &HashMap::new());
        assert_eq!(c.articles.len(), 1);
        assert_eq!(c.articles[0].key, "ok.txt");
        assert_eq!(c.problems.len(), 3, "{:?}", c.problems);
    }

    /// The folder's files listed against `known` and every unread one read.
    fn listed_and_read(
        src: &Source,
        dir: &Path,
        known: &HashMap<String, Fingerprint>,
    ) -> Collected {
        let mut c = collect(src, dir, known).unwrap();
        read_some(src, &mut c, usize::MAX);
        c
    }

    fn source(extra: &str) -> Source {
        crate::config::test_config::Builder::new()
            .source(&format!("name = \"s\"\ndir = \"x\"\n{extra}"))
            .build_source()
    }

    #[test]
    fn unchanged_files_are_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.txt",
            b"Harbour wall repaired\n\nWorkers fixed it.",
        );
        write(dir.path(), "b.txt", b"Library reopens\n\nThe doors opened.");
        let src = source("");
        let first = listed_and_read(&src, dir.path(), &HashMap::new());
        assert_eq!((first.articles.len(), first.known.len()), (2, 0));
        let known: HashMap<String, Fingerprint> = first.fingerprints.into_iter().collect();

        let again = listed_and_read(&src, dir.path(), &known);
        assert_eq!((again.articles.len(), again.known.len()), (0, 2));
        assert!(again.fingerprints.is_empty(), "nothing was read");

        // Touched, not edited: read and hashed, but no article to normalise again.
        let touched = write(
            dir.path(),
            "a.txt",
            b"Harbour wall repaired\n\nWorkers fixed it.",
        );
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        fs::File::options()
            .write(true)
            .open(&touched)
            .unwrap()
            .set_modified(later)
            .unwrap();
        let after_touch = listed_and_read(&src, dir.path(), &known);
        assert_eq!(
            (after_touch.articles.len(), after_touch.known.len()),
            (0, 2)
        );
        assert_eq!(after_touch.fingerprints.len(), 1);

        // Edited: an article again.
        write(
            dir.path(),
            "b.txt",
            b"Library reopens\n\nThe doors opened at nine.",
        );
        let edited = listed_and_read(&src, dir.path(), &known);
        assert_eq!(edited.articles.len(), 1);
        assert_eq!(edited.articles[0].key, "b.txt");
    }

    #[test]
    fn a_file_over_the_size_cap_is_reported_unread() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "big.txt", &vec![b'a'; 4096]);
        let c = listed_and_read(
            &source("max_body_bytes = 1024"),
            dir.path(),
            &HashMap::new(),
        );
        assert!(c.articles.is_empty());
        let msg = c.problems[0].to_string();
        assert!(
            msg.contains("big.txt") && msg.contains("max_body_bytes"),
            "{msg}"
        );
    }
}
