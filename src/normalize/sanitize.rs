//! Sanitising and text hygiene: the last steps every article goes through, whatever its path.
//! Markup from outside is cleaned by ammonia (scripts, styles, handlers, `javascript:` URLs and
//! iframes go; every URL becomes absolute or is dropped). A body the extractor wrote is clean by
//! construction (its serialiser writes only allow-listed elements and attributes), so it is not
//! parsed a second time: one pass over it does ammonia's URL work ([`written_html`]). Text is
//! folded to NFC with invisible characters removed.

use std::borrow::Cow;
use std::collections::HashSet;

use dom_query::{Document, NodeRef};
use unicode_normalization::UnicodeNormalization;
use url::Url;

use crate::chars::{fold_whitespace_cow, is_forbidden};

/// The URL schemes a published link or image may have.
const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Cleans an HTML fragment. Relative URLs resolve against `base`; without a base they cannot be
/// made absolute, so they are removed rather than published relative.
pub fn clean_html(html: &str, base: Option<&Url>) -> String {
    let mut b = ammonia::Builder::default();
    b.add_tags(["figure", "figcaption", "picture", "source", "time", "mark"]);
    b.add_tag_attributes("img", ["srcset", "loading"]);
    b.add_tag_attributes("source", ["srcset", "type", "media"]);
    b.add_tag_attributes("time", ["datetime"]);
    b.url_schemes(HashSet::from(URL_SCHEMES));
    b.link_rel(Some("noopener noreferrer"));
    // URL-bearing attributes ammonia copies verbatim (it checks only href/src-like ones): each
    // URL resolves against the base and must be http(s), or it goes.
    let filter_base = base.cloned();
    b.attribute_filter(move |_element, attribute, value| match attribute {
        _ if value.len() > PIECE => None,
        // ammonia checks the URL it parses but keeps the text as written; the parser skips tabs
        // and line breaks that hygiene later folds into spaces (a fuzz find: `mailto<tabs>:x`
        // was published as `mailto :x`, a relative link), so the parsed URL is what is kept.
        "href" | "src" => Some(match Url::parse(value) {
            Ok(url) => Cow::Owned(url.into()),
            Err(_) => Cow::Borrowed(value),
        }),
        "srcset" | "imagesrcset" => clean_srcset(value, filter_base.as_ref()).map(Cow::Owned),
        "cite" | "poster" | "longdesc" | "background" => {
            crate::urls::absolutize(filter_base.as_ref(), value).map(|u| Cow::Owned(u.into()))
        }
        _ => Some(Cow::Borrowed(value)),
    });
    match base {
        Some(base) => {
            b.url_relative(ammonia::UrlRelative::RewriteWithBase(base.clone()));
        }
        None => {
            b.url_relative(ammonia::UrlRelative::Deny);
        }
    }
    let cleaned = b.clean(&reshape(html, Also::SplitText)).to_string();
    hygiene_html(cleaned)
}

/// What [`clean_html`] makes of a body the extractor's serialiser wrote
/// ([`BodyKind::Written`](super::BodyKind::Written)), without parsing it. That serialiser
/// writes only allow-listed elements and attributes, every value in `"` and every `&`, `<`, `>`
/// and `"` escaped: the first `>` after a `<` ends a tag, and its attributes split at `="` and
/// `"`. What is left is ammonia's work on URLs (`href` and `src` by [`clean_url`], `srcset`
/// candidates likewise, `rel="noopener noreferrer"` on links, values over [`PIECE`] dropped),
/// then the hygiene [`clean_html`] ends with.
pub fn written_html(html: &str, base: Option<&Url>) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag_len = rest[lt..].find('>').map_or(rest.len() - lt, |e| e + 1);
        written_tag(&rest[lt..lt + tag_len], base, &mut out);
        rest = &rest[lt + tag_len..];
    }
    out.push_str(rest);
    // As `hygiene_html` after ammonia, whose serialiser writes a no-break space as `&nbsp;`.
    let out = match out.contains('\u{a0}') {
        true => out.replace('\u{a0}', " "),
        false => out,
    };
    keep_unless_changed(out, hygiene)
}

/// One tag of a written body, its URLs cleaned (see [`written_html`]).
fn written_tag(tag: &str, base: Option<&Url>, out: &mut String) {
    let Some(inner) = tag.strip_prefix('<').and_then(|t| t.strip_suffix('>')) else {
        // Not a whole tag (the serialiser never writes one): text, then.
        crate::chars::escape_html_into(tag, out);
        return;
    };
    let (name, mut attrs) = inner.split_once(' ').unwrap_or((inner, ""));
    if attrs.is_empty() && name != "a" {
        out.push_str(tag);
        return;
    }
    out.push('<');
    out.push_str(name);
    while let Some((key, after)) = attrs.split_once("=\"") {
        let Some((value, next)) = after.split_once('"') else {
            break;
        };
        attrs = next.trim_start();
        let mut decoded = String::with_capacity(value.len());
        let kept = match decode_into(value, &mut decoded) {
            None => None,
            Some(()) if decoded.len() > PIECE => None,
            Some(()) => match key {
                "href" | "src" => clean_url(&decoded, base),
                "srcset" => clean_srcset(&decoded, base),
                _ => Some(decoded),
            },
        };
        if let Some(value) = kept {
            out.push(' ');
            out.push_str(key);
            out.push_str("=\"");
            crate::chars::escape_html_into(&value, out);
            out.push('"');
        }
    }
    if name == "a" {
        out.push_str(" rel=\"noopener noreferrer\"");
    }
    out.push('>');
}

/// An `href` or `src` as [`clean_html`] leaves it: absolute with one of [`URL_SCHEMES`], in
/// the URL parser's spelling; relative ones resolved against `base`, or dropped without one.
fn clean_url(value: &str, base: Option<&Url>) -> Option<String> {
    match Url::parse(value) {
        Ok(url) => URL_SCHEMES.contains(&url.scheme()).then(|| url.into()),
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(value).ok().map(Into::into),
        Err(_) => None,
    }
}

/// What [`clean_html`] makes of plain-text paragraphs written as `<p>{escape_html(p)}</p>\n`
/// each, without parsing them: the text path's whole body is such paragraphs, so the parse
/// and the second serialisation only spent time (13% of the text path). The paragraphs must
/// have been through [`hygiene`] (no carriage returns or control characters, which the parser
/// would treat differently).
pub fn paragraphs_html(paragraphs: &[String]) -> String {
    let mut out = String::with_capacity(paragraphs.iter().map(|p| p.len() + 8).sum());
    for p in paragraphs {
        out.push_str("<p>");
        escape_text_node(p, &mut out);
        out.push_str("</p>\n");
    }
    // As `hygiene_html` after ammonia: the serialiser's `&nbsp;` is already a space here. The
    // paragraphs are hygienic and the markup around them is ASCII, so the whole can only
    // change where a paragraph starts with a character that may compose with the `>` before it
    // (the quick check's "maybe"): only then is the costly pass over all of it needed.
    let composes = paragraphs.iter().any(|p| {
        p.chars().next().is_some_and(|c| {
            !c.is_ascii()
                && unicode_normalization::is_nfc_quick(std::iter::once(c))
                    != unicode_normalization::IsNormalized::Yes
        })
    });
    match composes {
        true => hygiene(&out).into_owned(),
        false => out,
    }
}

/// Text escaped as html5ever's serialiser escapes a text node, with a no-break space written
/// as the space [`hygiene_html`] makes of its `&nbsp;`.
fn escape_text_node(text: &str, out: &mut String) {
    // By bytes, nothing decoded: these bytes only ever stand for themselves, and 0xC2 0xA0 is
    // always the whole of U+00A0.
    let bytes = text.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let (with, len) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => (" ", 2),
            _ => continue,
        };
        out.push_str(&text[from..i]);
        out.push_str(with);
        from = i + len;
    }
    out.push_str(&text[from..]);
}

/// Longest piece of text ammonia gets in one text node, and longest attribute value it keeps.
///
/// html5ever's serialiser (0.40) escapes a text node by searching for `<`, `>` (or `"`) from the
/// current position to the end of the node before each `&` or U+0080–U+00BF it writes, so one
/// node costs its length times its count of such characters: a 6 MB paragraph of `&` or `«`
/// took 25 s. Text nodes of at most this length make that cost linear in the input; attribute
/// values cannot be split, so longer ones (no real `href`, `alt` or `srcset` is this long) go.
const PIECE: usize = 4096;

/// Deepest element nesting handed to an HTML parser. html5ever checks scope by walking the
/// stack of open elements for most start tags, so parsing costs depth × tags: 100,000 nested
/// `<div>`s never finished. No real article nests this deep.
pub const MAX_DEPTH: usize = 512;

/// `html` with start and end tags deeper than [`MAX_DEPTH`] levels of nesting dropped (their text is
/// kept), for parsing in time linear in the input.
fn cap_depth(html: &str) -> Cow<'_, str> {
    reshape(html, Also::Nothing)
}

/// [`cap_depth`], and with the text of style sheets and of scripts the extractor never reads
/// left out (their tags stay), and so is what inline drawings hold. Code and styles are about
/// half of a page's bytes, and the parser would tokenise each into nodes nobody looks at.
/// Kept: JSON-LD and template
/// scripts (metadata and copies of the body read them), and a script holding `<!--`, where the
/// parser's escaping rules may end it elsewhere than at the first `</script>`.
pub fn without_code(html: &str) -> Cow<'_, str> {
    reshape(html, Also::DropCode)
}

/// What [`reshape`] does beyond capping the nesting.
#[derive(Clone, Copy, PartialEq)]
enum Also {
    Nothing,
    /// Runs of text longer than [`PIECE`] are cut (for ammonia).
    SplitText,
    /// The text of style sheets and unread scripts goes (for extraction).
    DropCode,
}

/// [`cap_depth`], and with [`Also::SplitText`], runs of text longer than [`PIECE`] cut with
/// empty comments, which ammonia removes while keeping the text on either side as separate
/// nodes. Cuts fall before a character that cannot continue a character reference, so `&amp;`
/// and `&#233;` are never split. Tags, comments and raw-text elements are stepped over
/// untouched (with [`Also::DropCode`], see [`without_code`]); nesting is followed from start
/// and end tags, leaving out void elements and those the parser closes by itself (`<p>`,
/// `<li>`, `<td>` …), so a page of unclosed paragraphs or links is not mistaken for a deep one.
fn reshape(html: &str, also: Also) -> Cow<'_, str> {
    let split = also == Also::SplitText;
    // Matches rather than lists: a tag costs one jump on the name's length, not 40 compares.
    let raw = |name: &str| {
        matches!(
            name,
            "script"
                | "style"
                | "textarea"
                | "title"
                | "xmp"
                | "iframe"
                | "noembed"
                | "noframes"
                | "noscript"
        )
    };
    let flat = |name: &str| {
        matches!(
            name,
            "area"
                | "base"
                | "br"
                | "col"
                | "embed"
                | "hr"
                | "img"
                | "input"
                | "link"
                | "meta"
                | "param"
                | "source"
                | "track"
                | "wbr"
                | "keygen"
                | "frame"
                | "p"
                | "li"
                | "dt"
                | "dd"
                | "tr"
                | "td"
                | "th"
                | "option"
                | "optgroup"
                | "tbody"
                | "thead"
                | "tfoot"
                | "colgroup"
                | "caption"
                | "html"
                | "head"
                | "body"
        )
    };
    // Start tags that close an open element of the same kind rather than nest in it.
    let closes_sibling = |name: &str, top: &str| {
        let group = |n: &str| match n {
            "rb" | "rt" | "rp" | "rtc" => 1,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => 2,
            "a" => 3,
            "button" => 4,
            "nobr" => 5,
            _ => 0,
        };
        group(name) != 0 && group(name) == group(top)
    };
    // Cheap way out: too short to hold a long run, too few tags to nest deeply.
    if html.len() <= PIECE && html.len() < MAX_DEPTH * 3 {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    // Open elements as the parser would roughly see them: an end tag closes everything opened
    // after its element, so unclosed inline tags do not pile up.
    let mut open: Vec<Cow<str>> = Vec::new();
    let mut excess = 0usize;
    let mut i = 0;
    while i < html.len() {
        let lt = html[i..].find('<').map_or(html.len(), |p| i + p);
        let mut start = i;
        while split && lt - start > PIECE {
            let mut from = start + PIECE;
            while !html.is_char_boundary(from) {
                from += 1;
            }
            let Some(cut) = html[from..lt]
                .char_indices()
                .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '#' | ';')))
                .map(|(p, _)| from + p)
            else {
                // Only letters, digits, `#` and `;` to the end: nothing costly to escape.
                break;
            };
            out.push_str(&html[copied..cut]);
            out.push_str("<!---->");
            copied = cut;
            start = cut;
        }
        if lt >= html.len() {
            break;
        }
        let rest = &html[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            i = after.find("-->").map_or(html.len(), |e| lt + 4 + e + 3);
            continue;
        }
        let closing = rest[1..].starts_with('/');
        let Some(name) = tag_name(rest) else {
            i = if rest[1..].starts_with(['!', '?']) || closing {
                // Doctype, CDATA, processing instruction or bogus comment: to its `>`.
                rest.find('>').map_or(html.len(), |e| lt + e + 1)
            } else {
                lt + 1 // a `<` that is text
            };
            continue;
        };
        i = lt + tag_end(rest);
        // Raw-text elements hold no elements; their end tag is stepped over with their text.
        if !flat(&name) && !raw(&name) {
            let drop = if closing {
                if excess > 0 {
                    excess -= 1;
                    true
                } else {
                    if let Some(at) = open.iter().rposition(|n| *n == name) {
                        open.truncate(at);
                    }
                    false
                }
            } else {
                if open.last().is_some_and(|top| closes_sibling(&name, top)) {
                    open.pop();
                }
                if open.len() >= MAX_DEPTH {
                    excess += 1;
                    true
                } else {
                    open.push(name.clone());
                    false
                }
            };
            if drop {
                out.push_str(&html[copied..lt]);
                // A space keeps the words of dropped blocks apart.
                out.push(' ');
                copied = i;
                continue;
            }
        }
        if !closing && name == "plaintext" {
            break;
        }
        if !closing && raw(&name) {
            let close = raw_text_end(&html[i..], &name).map(|p| i + p);
            let unread = |c: usize| unread_code(&name, &html[lt..i], &html[i..c]);
            if let Some(close) = close.filter(|&c| also == Also::DropCode && unread(c)) {
                out.push_str(&html[copied..i]);
                copied = close;
            }
            i = close.map_or(html.len(), |c| c + tag_end(&html[c..]));
        }
        // An inline drawing is never text the extractor reads (it skips the element whole),
        // and its paths are a good part of some pages: its content goes, its tags stay.
        if !closing && also == Also::DropCode && name == "svg" && !html[..i].ends_with("/>") {
            if let Some(close) = svg_end(&html[i..]).map(|p| i + p) {
                out.push_str(&html[copied..i]);
                (copied, i) = (close, close);
            }
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// A `srcset` with only absolute http(s) candidates, each `URL [descriptor]`; `None` when no
/// candidate is left.
fn clean_srcset(value: &str, base: Option<&Url>) -> Option<String> {
    let kept: Vec<String> = srcset_candidates(value)
        .into_iter()
        .filter_map(|(url, descriptor)| {
            // Parsing stripped trailing commas, so the URL cannot end in one and be misread.
            let url: String = crate::urls::absolutize(base, url)?.into();
            Some(match descriptor {
                "" => url,
                d => format!("{url} {d}"),
            })
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(", "))
}

/// Splits a `srcset` into (URL, descriptors) the way the HTML standard's parser does: a URL runs
/// to white space (trailing commas end the candidate), descriptors run to a comma outside
/// parentheses.
fn srcset_candidates(value: &str) -> Vec<(&str, &str)> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}');
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| is_space(c) || c == ',');
        if rest.is_empty() {
            return out;
        }
        let url_end = rest.find(is_space).unwrap_or(rest.len());
        let url = &rest[..url_end];
        rest = &rest[url_end..];
        let bare = url.trim_end_matches(',');
        if bare.len() != url.len() {
            // "a.jpg," ends its candidate without descriptors.
            out.push((bare, ""));
            continue;
        }
        let mut depth = 0u32;
        let desc_end = rest
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    ',' if depth == 0 => return true,
                    _ => {}
                }
                false
            })
            .map_or(rest.len(), |(i, _)| i);
        let descriptor = rest[..desc_end].trim_matches(is_space);
        rest = &rest[desc_end..];
        if !url.is_empty() {
            out.push((url, descriptor));
        }
    }
}

/// Text hygiene for plain text: NFC, non-breaking and odd spaces to plain spaces, zero-width
/// characters, soft hyphens and control characters removed, runs of spaces folded. Line breaks
/// are kept (paragraph structure is the caller's business). Borrows `text` when it is clean
/// already, as most text is by the time it is cleaned a second time.
pub fn hygiene(text: &str) -> Cow<'_, str> {
    // Composing is the costly part and almost all text is already NFC: check quickly first.
    // Characters below U+0300 (the first combining mark; lead bytes below 0xCC) are NFC and
    // reset the check's state, so only the others are looked up: skipping one can only turn a
    // "yes" into a "no", which composes text that was NFC anyway.
    let quick = text.bytes().fold(0, u8::max) < COMPOSING_LEAD
        || unicode_normalization::is_nfc_quick(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b >= COMPOSING_LEAD)
                .filter_map(|(i, _)| text[i..].chars().next()),
        ) == unicode_normalization::IsNormalized::Yes;
    if quick {
        fold_str(text)
    } else {
        Cow::Owned(fold_chars(text.nfc(), text.len()))
    }
}

/// The UTF-8 lead byte of U+0300, below which no character takes part in composing.
const COMPOSING_LEAD: u8 = 0xCC;

/// What hygiene makes of one character: `None` drops it, a space folds with its neighbours.
fn fold_char(c: char) -> Option<char> {
    match c {
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\t' => {
            Some(' ')
        }
        '\r' => None,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => None,
        c if is_forbidden(c) => None,
        c => Some(c),
    }
}

/// Appends `c` (already through [`fold_char`]) unless it is a space after a space.
fn push_folded(out: &mut String, last_space: &mut bool, c: char) {
    if c == ' ' {
        if *last_space {
            return;
        }
        *last_space = true;
    } else {
        *last_space = false;
    }
    out.push(c);
}

fn fold_chars(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut last_space = false;
    for c in chars.filter_map(fold_char) {
        push_folded(&mut out, &mut last_space, c);
    }
    out
}

/// [`fold_chars`] over text that needs no composing: runs of characters hygiene keeps as
/// they are are copied whole, which is most of any text (per character it was a third of the
/// text path's time). Borrows `text` when every character is kept.
fn fold_str(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut last_space = false;
    // Start of the run of kept characters not yet copied.
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        (i, last_space) = plain_run(bytes, i, last_space);
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let kept = match c {
            ' ' => !last_space,
            c if !c.is_ascii() => fold_char(c) == Some(c),
            _ => false,
        };
        if kept {
            last_space = c == ' ';
            i += c.len_utf8();
            continue;
        }
        if out.capacity() == 0 {
            out.reserve(text.len());
        }
        out.push_str(&text[run..i]);
        if let Some(c) = fold_char(c) {
            push_folded(&mut out, &mut last_space, c);
        }
        i += c.len_utf8();
        run = i;
    }
    if run == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[run..]);
    Cow::Owned(out)
}

/// Where the run from `i` of what hygiene keeps as it is without decoding anything ends:
/// printable ASCII, line breaks and single spaces (`last_space`: the character before `i` is a
/// kept space), most of any text. With whether the run's last character is a space.
fn plain_run(bytes: &[u8], mut i: usize, mut last_space: bool) -> (usize, bool) {
    // Sixteen bytes at a time, branch-free inside, so the compiler vectorises the test.
    while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        let mut odd = u8::from(last_space && chunk[0] == b' ');
        for &b in chunk {
            odd |= u8::from(!(b' '..=b'~').contains(&b) && b != b'\n');
        }
        for pair in chunk.windows(2) {
            odd |= u8::from(pair[0] == b' ' && pair[1] == b' ');
        }
        if odd != 0 {
            break;
        }
        last_space = chunk[15] == b' ';
        i += 16;
    }
    while let Some(&b) = bytes.get(i) {
        match b {
            b'!'..=b'~' | b'\n' => last_space = false,
            b' ' if !last_space => last_space = true,
            _ => break,
        }
        i += 1;
    }
    (i, last_space)
}

/// Hygiene on serialised HTML: the markup is ASCII, so text rules apply to the whole string;
/// `&nbsp;` entities become spaces too.
fn hygiene_html(html: String) -> String {
    let html = match html.contains("&nbsp;") {
        true => html.replace("&nbsp;", " "),
        false => html,
    };
    keep_unless_changed(html, hygiene)
}

/// `text`, or what `f` made of it when that differs: no copy of text that was clean already.
fn keep_unless_changed(text: String, f: impl Fn(&str) -> Cow<'_, str>) -> String {
    let changed = match f(&text) {
        Cow::Borrowed(_) => None,
        Cow::Owned(changed) => Some(changed),
    };
    changed.unwrap_or(text)
}

/// Single-line plain text: hygiene, then all white space folded to single spaces.
pub fn one_line(text: &str) -> String {
    one_line_cow(text).into_owned()
}

/// [`one_line`], borrowing `text` when it is a clean line already.
fn one_line_cow(text: &str) -> Cow<'_, str> {
    match hygiene(text) {
        Cow::Borrowed(clean) => fold_whitespace_cow(clean),
        Cow::Owned(clean) => Cow::Owned(keep_unless_changed(clean, fold_whitespace_cow)),
    }
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "tr",
    "figure",
    "figcaption",
    "section",
    "article",
    "ul",
    "ol",
    "table",
    "dd",
    "dt",
    "dl",
    "hr",
    "header",
    "footer",
    "aside",
    "main",
    "address",
    "details",
    "summary",
    "td",
    "th",
];

/// Plain text of an HTML fragment: one paragraph per block element, separated by a blank line,
/// white space inside a paragraph folded.
pub fn html_to_text(html: &str) -> String {
    scan_text(html).unwrap_or_else(|| parsed_text(html))
}

/// The fast way for markup as serialisers write it (what [`clean_html`] returns): a single scan
/// over tags and text. `None` when the input holds something the scan does not decode (a named
/// entity other than the few serialisers emit), so the parser handles it.
fn scan_text(html: &str) -> Option<String> {
    let mut paragraphs = String::new();
    let mut current = String::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            decode_into(rest, &mut current)?;
            break;
        };
        decode_into(&rest[..lt], &mut current)?;
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let closing = rest[1..].starts_with('/');
        let Some(name) = tag_name(rest) else {
            if rest[1..].starts_with(['!', '?']) {
                // Doctype, CDATA or processing instruction: no text of the article.
                rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
            } else {
                current.push('<');
                rest = &rest[1..];
            }
            continue;
        };
        rest = &rest[tag_end(rest)..];
        if !closing && matches!(&*name, "script" | "style" | "template") {
            rest = skip_raw_text(rest, &name);
            continue;
        }
        if name == "br" || BLOCK_TAGS.contains(&&*name) {
            flush(&mut current, &mut paragraphs);
        }
    }
    flush(&mut current, &mut paragraphs);
    Some(paragraphs)
}

/// The lower-cased element name of the start or end tag `s` begins with (`s` starts at a
/// `<`); `None` when the `<` opens no tag (a comment, a doctype, or a `<` that is text).
/// Borrowed when already lower-case, as most names are.
fn tag_name(s: &str) -> Option<Cow<'_, str>> {
    let start = if s[1..].starts_with('/') { 2 } else { 1 };
    let len = s[start..]
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(s.len() - start);
    let name = &s[start..start + len];
    (len > 0 && s.as_bytes()[start].is_ascii_alphabetic()).then(|| {
        match name.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Owned(name.to_ascii_lowercase()),
            false => Cow::Borrowed(name),
        }
    })
}

/// What follows the end tag `</name>` in `s` (ASCII case ignored); empty when there is none.
fn skip_raw_text<'a>(s: &'a str, name: &str) -> &'a str {
    raw_text_end(s, name).map_or("", |p| &s[p + tag_end(&s[p..])..])
}

/// Where the end tag `</name` starts in `s` (ASCII case ignored), followed by white space,
/// `/` or `>` as the parser requires (`</scripts` does not end a script).
fn raw_text_end(s: &str, name: &str) -> Option<usize> {
    // Each `<` by the byte search `find(char)` makes, then its `/`: a search for "</" sets
    // up a substring searcher and steps through a script's text much more slowly.
    let mut from = 0;
    while let Some(p) = s[from..].find('<') {
        let start = from + p;
        let tail = &s.as_bytes()[start + 1..];
        if tail.first() == Some(&b'/')
            && tail.len() > name.len()
            && tail[1..=name.len()].eq_ignore_ascii_case(name.as_bytes())
            && matches!(
                tail.get(1 + name.len()),
                None | Some(b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
            )
        {
            return Some(start);
        }
        from = start + 1;
    }
    None
}

/// Where the end tag closing an `<svg>` whose content starts `s` begins, nested drawings
/// counted; `None` when it is never closed (the parser then decides).
fn svg_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let named = |at: usize| {
        b.len() > at + 3
            && b[at..at + 3].eq_ignore_ascii_case(b"svg")
            && matches!(
                b[at + 3],
                b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'
            )
    };
    let (mut depth, mut from) = (0usize, 0);
    while let Some(p) = memchr::memchr(b'<', &b[from..]) {
        let at = from + p;
        if b.get(at + 1) == Some(&b'/') && named(at + 2) {
            match depth {
                0 => return Some(at),
                _ => depth -= 1,
            }
        } else if named(at + 1) && !s[at..at + tag_end(&s[at..])].ends_with("/>") {
            depth += 1;
        }
        from = at + 1;
    }
    None
}

/// Whether the raw text `text` of the element `name`, opened by `start_tag`, is code the
/// extractor never reads.
fn unread_code(name: &str, start_tag: &str, text: &str) -> bool {
    let read = |tag: &str| {
        let tag = tag.to_ascii_lowercase();
        tag.contains("ld+json") || tag.contains("template")
    };
    match name {
        "style" => true,
        "script" => !text.contains("<!--") && !read(start_tag),
        _ => false,
    }
}

/// Length of the tag at the start of `s` up to and including its `>`, quotes respected.
fn tag_end(s: &str) -> usize {
    // By byte searches, not byte by byte: tags and their attributes are a good part of a
    // page, and this walk runs over every one before the parser does.
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(p) = memchr::memchr3(b'"', b'\'', b'>', &b[i..]) {
        let at = i + p;
        if b[at] == b'>' {
            return at + 1;
        }
        match memchr::memchr(b[at], &b[at + 1..]) {
            Some(q) => i = at + 1 + q + 1,
            None => return s.len(),
        }
    }
    s.len()
}

/// Appends `text` with character references decoded; `None` on a named one it does not know.
fn decode_into(text: &str, out: &mut String) -> Option<()> {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let run = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(rest.len() - 1);
        if run == 0 {
            out.push('&');
            rest = &rest[1..];
            continue;
        }
        let semi = run + 1;
        if !rest[semi..].starts_with(';') {
            // Legacy references without ';' follow rules the parser knows.
            return None;
        }
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            e if e.starts_with("#x") || e.starts_with("#X") => {
                char::from_u32(u32::from_str_radix(&e[2..], 16).ok()?).unwrap_or('\u{fffd}')
            }
            e if e.starts_with('#') => char::from_u32(e[1..].parse().ok()?).unwrap_or('\u{fffd}'),
            _ => return None,
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Some(())
}

/// The general way: parse the fragment and walk it.
fn parsed_text(html: &str) -> String {
    let doc = Document::fragment(cap_depth(html).as_ref());
    let mut paragraphs = String::new();
    let mut current = String::new();
    if let Some(root) = doc.root().first_child() {
        collect_text(&root, &mut current, &mut paragraphs);
    }
    flush(&mut current, &mut paragraphs);
    paragraphs
}

fn collect_text(node: &NodeRef, current: &mut String, paragraphs: &mut String) {
    let mut child = node.first_child();
    while let Some(n) = child {
        if n.is_text() {
            current.push_str(&n.text());
        } else if n.is_element() {
            let name = n.node_name().unwrap_or_default();
            let name = name.as_ref();
            if name == "br" {
                flush(current, paragraphs);
            } else if BLOCK_TAGS.contains(&name) {
                flush(current, paragraphs);
                collect_text(&n, current, paragraphs);
                flush(current, paragraphs);
            } else if !matches!(name, "script" | "style" | "template") {
                collect_text(&n, current, paragraphs);
            }
        }
        child = n.next_sibling();
    }
}

/// Ends the paragraph being collected in `current` (reused for the next one), appending it
/// to `paragraphs` as one line, a blank line after the one before.
fn flush(current: &mut String, paragraphs: &mut String) {
    let p = one_line_cow(current);
    if !p.is_empty() {
        if !paragraphs.is_empty() {
            paragraphs.push_str("\n\n");
        }
        paragraphs.push_str(&p);
    }
    current.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_text_ends_at_its_own_end_tag_whatever_the_case_and_the_lone_brackets() {
        let rest = |s| skip_raw_text(s, "script");
        assert_eq!(rest("if (a < b && c <</x) {}</ScRiPt>after"), "after");
        assert_eq!(
            rest("s = '</div>' + '</scrip'; <//script><</script >x"),
            "x"
        );
        assert_eq!(rest("<</script"), "");
        assert_eq!(rest("x < y </scr"), "");
        assert_eq!(rest("<"), "");
        assert_eq!(tag_name("<DiV class=x>").as_deref(), Some("div"));
        assert!(matches!(tag_name("</span>"), Some(Cow::Borrowed("span"))));
    }

    #[test]
    fn removes_dangerous_markup_and_resolves_urls() {
        let base = Url::parse("https://ex.org/news/a.html").unwrap();
        let html = r#"<p onclick="x()">Hi <a href="b.html">b</a> <a href="javascript:alert(1)">j</a></p><script>evil()</script><style>p{}</style><iframe src="x"></iframe><img src="/i.png">"#;
        let out = clean_html(html, Some(&base));
        assert!(
            !out.contains("onclick")
                && !out.contains("evil")
                && !out.contains("iframe")
                && !out.contains("javascript")
        );
        assert!(
            out.contains(r#"href="https://ex.org/news/b.html""#),
            "{out}"
        );
        assert!(out.contains(r#"src="https://ex.org/i.png""#), "{out}");
    }

    #[test]
    fn urls_are_published_as_parsed_so_hygiene_cannot_break_them() {
        // A fuzz find (tests/fixtures/fuzz/html/tabbed-mailto.html): tabs the URL parser skips
        // became a space in the scheme.
        let html = "<p><a href=\"mailto\t\t:a@b.c\">m</a> <a href=\"https://ex.org/a\nb\">n</a> <img src=\"https:\t//ex.org/i.png\"></p>";
        let out = clean_html(html, None);
        assert!(out.contains(r#"href="mailto:a@b.c""#), "{out}");
        assert!(out.contains(r#"href="https://ex.org/ab""#), "{out}");
        assert!(out.contains(r#"src="https://ex.org/i.png""#), "{out}");
    }

    #[test]
    fn srcset_candidates_are_checked_one_by_one() {
        let base = Url::parse("https://ex.org/news/a.html").unwrap();
        let html = concat!(
            r#"<img src="/i.png" srcset="javascript:alert(1) 1x, small.jpg 480w, "#,
            r#"data:image/svg+xml;base64,PHN2Zz4= 2x, https://cdn.ex.org/w_100,h_50/big.jpg 1024w, "#,
            r#"vbscript:msgbox 3x,//cdn.ex.org/x.jpg">"#,
            r#"<picture><source srcset="JaVaScRiPt:alert(1), data:x" type="image/webp">"#,
            r#"<source srcset="  /a.webp 1x,/b.webp 2x " media="(min-width: 1px)"></picture>"#,
        );
        let out = clean_html(html, Some(&base));
        for bad in ["javascript", "JaVaScRiPt", "vbscript", "data:", "base64"] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(
            out.contains(concat!(
                r#"srcset="https://ex.org/news/small.jpg 480w, "#,
                r#"https://cdn.ex.org/w_100,h_50/big.jpg 1024w, https://cdn.ex.org/x.jpg""#
            )),
            "{out}"
        );
        assert!(
            out.contains(r#"srcset="https://ex.org/a.webp 1x, https://ex.org/b.webp 2x""#),
            "{out}"
        );
        // The source whose every candidate was unsafe keeps no srcset at all.
        assert_eq!(out.matches("srcset").count(), 2, "{out}");
        // Without a base, relative candidates cannot be made absolute.
        let out = clean_html(r#"<img srcset="a.jpg 1x, https://ex.org/b.jpg 2x">"#, None);
        assert!(out.contains(r#"srcset="https://ex.org/b.jpg 2x""#), "{out}");
        assert!(!out.contains("a.jpg"), "{out}");
    }

    #[test]
    fn srcset_parsing_follows_the_standard() {
        assert_eq!(
            srcset_candidates("a.jpg, b.jpg 2x,c.jpg 100w ,d.jpg,, e.jpg (x, y) 1x, f,g.jpg"),
            vec![
                ("a.jpg", ""),
                ("b.jpg", "2x"),
                ("c.jpg", "100w"),
                ("d.jpg", ""),
                ("e.jpg", "(x, y) 1x"),
                // Commas inside a URL belong to it (CDNs use them).
                ("f,g.jpg", "")
            ]
        );
        assert_eq!(srcset_candidates(" , ,"), Vec::<(&str, &str)>::new());
        let base = Url::parse("https://ex.org/").unwrap();
        assert_eq!(
            clean_srcset("https://ex.org/a, b 1x", Some(&base)).as_deref(),
            Some("https://ex.org/a, https://ex.org/b 1x")
        );
        assert_eq!(clean_srcset("javascript:x 1x", Some(&base)), None);
    }

    #[test]
    fn other_url_attributes_are_checked() {
        let base = Url::parse("https://ex.org/news/a.html").unwrap();
        let html = concat!(
            r#"<blockquote cite="javascript:alert(1)">a</blockquote>"#,
            r#"<q cite="src.html">b</q><del cite="vbscript:x">c</del><ins cite="data:text/html,x">d</ins>"#,
            r#"<img src="/i.png" longdesc="javascript:alert(2)">"#,
            r#"<table background="javascript:alert(3)"><tr><td background="x.png">e</td></tr></table>"#,
            r#"<video poster="javascript:alert(4)" src="/v.mp4"></video>"#,
            r#"<img src="/j.png" lowsrc="javascript:alert(5)" dynsrc="javascript:alert(6)">"#,
        );
        let out = clean_html(html, Some(&base));
        for bad in [
            "javascript",
            "vbscript",
            "data:",
            "longdesc",
            "background",
            "poster",
            "lowsrc",
            "dynsrc",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(
            out.contains(r#"<q cite="https://ex.org/news/src.html">"#),
            "{out}"
        );
        assert!(out.contains("<blockquote>a</blockquote>"), "{out}");
        let out = clean_html(r#"<q cite="/rel">x</q>"#, None);
        assert!(!out.contains("cite"), "{out}");
    }

    #[test]
    fn code_the_extractor_never_reads_is_left_out_before_parsing() {
        let filler = "<p>Para.</p>".repeat(200);
        let page = format!(
            "<head><style media=all>p {{ color: red }}</style>\
             <script>var a = '<p>not text</p>';</script>\
             <script type=\"application/ld+json\">{{\"headline\":\"Kept\"}}</script>\
             <SCRIPT TYPE=\"text/template\"><p>Template</p></SCRIPT>\
             <script>document.write('<!--<script>x</script>-->')</script>\
             <script>if (a </scripts) {{}}</script></head><body>{filler}</body>"
        );
        let out = without_code(&page);
        // Tags stay; the style sheet's and the plain scripts' text goes.
        assert!(out.contains("<style media=all></style>"), "{out}");
        assert!(out.contains("<script></script>"), "{out}");
        assert!(
            !out.contains("color: red") && !out.contains("not text"),
            "{out}"
        );
        // Read by metadata and copies of the body: kept.
        assert!(out.contains("{\"headline\":\"Kept\"}"), "{out}");
        assert!(out.contains("<p>Template</p>"), "{out}");
        // Where the parser's escaping could end the script elsewhere: kept whole.
        assert!(
            out.contains("document.write('<!--<script>x</script>-->')"),
            "{out}"
        );
        // `</scripts` does not end a script; its real end tag does, and what follows is kept.
        assert!(out.contains("<script></script></head>"), "{out}");
        assert!(out.ends_with(&format!("<body>{filler}</body>")));
        // Parsed, the page has the same text outside code.
        assert_eq!(html_to_text(&out), html_to_text(&page));
        // Nothing to leave out: the input is handed back.
        assert!(matches!(without_code(&filler), Cow::Borrowed(_)));
    }

    #[test]
    fn what_inline_drawings_hold_is_left_out_before_parsing() {
        let filler = "<p>Para.</p>".repeat(200);
        let page = format!(
            "<body><p>Before <SVG viewBox=\"0 0 9 9\"><title>Share</title><path d=\"M0 0\"/>\
             <svg/><svg><text>inner</text></svg><g><text>outer</text></g></svg> after.</p>\
             <svg><path d=\"M1 1\"/>{filler}"
        );
        let out = without_code(&page);
        // Nested drawings and self-closed ones are counted: the outer one's content goes whole.
        assert!(
            out.starts_with("<body><p>Before <SVG viewBox=\"0 0 9 9\"></svg> after.</p>"),
            "{out}"
        );
        // A drawing never closed is left to the parser.
        assert!(
            out.ends_with(&format!("<svg><path d=\"M1 1\"/>{filler}")),
            "{out}"
        );
    }

    #[test]
    fn long_text_is_cut_only_where_it_is_safe() {
        let unit = "Fish &amp; chips &#233; & caf\u{e9} \u{ab}x\u{bb} ";
        let text = unit.repeat(2000);
        let html = format!(
            "<p title=\"{}\">{text}</p><script>{text}</script><!-- {text} --><textarea>{text}</textarea>{text}",
            "a".repeat(10)
        );
        let split = reshape(&html, Also::SplitText);
        // Cuts only in the two text runs outside script, comment and textarea.
        let cuts = split.matches("<!---->").count();
        let expected = 2 * text.len().div_ceil(PIECE);
        assert!(
            cuts >= 2 && cuts <= expected,
            "{cuts} cuts, at most {expected}"
        );
        let script = &split[split.find("<script>").unwrap()..split.find("</script>").unwrap()];
        assert!(!script.contains("<!---->"));
        let textarea =
            &split[split.find("<textarea>").unwrap()..split.find("</textarea>").unwrap()];
        assert!(!textarea.contains("<!---->"));
        // Parsed, the cut input has the same text as the original.
        assert_eq!(html_to_text(&split), html_to_text(&html));
        // No character reference was cut.
        for piece in split.split("<!---->") {
            assert!(
                !piece.ends_with("&amp") && !piece.ends_with("&#233"),
                "{}",
                &piece[piece.len() - 10..]
            );
        }
        assert!(matches!(
            reshape("<p>short</p>", Also::SplitText),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn multi_megabyte_entity_paragraphs_round_trip() {
        // Quadratic escaping made this take minutes; linear, it is quick. No timing asserted:
        // the figures live in the report and the bench.
        let unit = "a & b \u{ab} \u{bb} \u{a9} \u{b0} ";
        let n = 6_000_000 / unit.len();
        let out = clean_html(&format!("<p>{}</p>", unit.repeat(n)), None);
        let expected = unit.replace('&', "&amp;").repeat(n);
        assert_eq!(out.len(), "<p></p>".len() + expected.len());
        assert!(out == format!("<p>{expected}</p>"), "the text changed");
        // An attribute value too long to escape cheaply is dropped, not kept quadratic.
        let out = clean_html(
            &format!(r#"<p title="{}">x</p>"#, "&".repeat(PIECE + 1)),
            None,
        );
        assert_eq!(out, "<p>x</p>");
    }

    #[test]
    fn relative_urls_without_base_are_dropped() {
        let out = clean_html(r#"<a href="/x">x</a>"#, None);
        assert!(!out.contains("href"), "{out}");
    }

    #[test]
    fn hygiene_folds_invisible_characters() {
        assert_eq!(
            hygiene("a\u{00A0}b\u{200B}c\u{00AD}d  e\u{0007}"),
            "a bcd e"
        );
        assert_eq!(hygiene("e\u{0301}"), "\u{00E9}");
    }

    #[test]
    fn run_copying_agrees_with_folding_each_character() {
        for text in [
            "plain words, one line\nand another",
            "  lead  and\ttab\t\t runs \u{00A0} \u{3000}x  \n  \n",
            "a\u{200B}b\u{00AD}c\u{7F}d\u{85}e\u{1}f\r\ng \u{FEFF} h",
            "© 2024 — «quoted» café ünïcödé 広告 \u{2009}thin\u{2009} ",
            "e\u{0301} then a\u{0323}\u{0307} x\u{0307}\u{0323}",
            // Spaces either side of dropped characters fold into one.
            "a \u{200B} b\u{00AD} \r c \u{7}\u{7} d",
            " lead\u{00A0}",
            // Below U+0300 nothing composes; at and above it, some do.
            "Ünïcödé ÀÉÎ ß ø ł ŋ ǅ ʃ ˈ",
            "\u{2126}hm \u{212B}ngström \u{0344}",
            "\u{1100}\u{1161}\u{11A8} 한국어",
            "עִבְרִית שָׁלוֹם العَرَبِيَّة مرحبا",
            "中文「引用」 ひらがな カタカナ ｶﾀｶﾅ",
            "≮ <\u{0338} >\u{0338} =\u{0338}",
            "long line of prose \u{00A0}with — dashes "
                .repeat(500)
                .as_str(),
        ] {
            assert_eq!(
                fold_str(text),
                fold_chars(text.chars(), text.len()),
                "{text:?}"
            );
            assert_eq!(
                hygiene(text),
                fold_chars(text.nfc(), text.len()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn text_paragraphs_are_written_as_sanitising_them_would() {
        let long = "Fish &amp; chips < 3 > 2 \"q\" 'a' \u{ab}x\u{bb} caf\u{e9} ".repeat(400);
        let raw = [
            "plain words",
            "Fish & chips &amp; &nbsp; &#233; &eacute; < b > c \"quoted\" 'single'",
            "<p>markup</p> <script>x()</script> <!-- c --> ]]> <![CDATA[x]]>",
            "no\u{a0}break\u{a0} \u{a0}spaces and\u{2009}thin \u{3000}wide",
            "\u{338}combining after the tag, e\u{301} a\u{323}\u{307} \u{300}",
            "\u{200b}zero\u{ad}width \u{feff}marks, \u{2028}line separator\u{2029}",
            "  lead and trail  ",
            "",
            "&",
            long.as_str(),
            "広告 «citation» — 1 ≠ 2 & 3 ≯ 4",
            // First characters that may or may not compose with the `>` before them.
            "\u{301}acute first",
            "\u{1161}jamo first",
            "\u{2126} ohm first",
            "ñ below U+0300 first",
            "עִבְרִית first",
        ];
        // The text path hands over text that went through hygiene.
        let paragraphs: Vec<String> = raw.iter().map(|p| hygiene(p).into_owned()).collect();
        for n in 1..=paragraphs.len() {
            let ps = &paragraphs[..n];
            let written: String = ps
                .iter()
                .map(|p| format!("<p>{}</p>\n", crate::chars::escape_html(p)))
                .collect();
            assert_eq!(paragraphs_html(ps), clean_html(&written, None), "{ps:?}");
        }
        assert_eq!(paragraphs_html(&[]), clean_html("", None));
    }

    #[test]
    fn scanning_and_parsing_agree() {
        for html in [
            "<p>One <b>two</b>\n three.</p><ul><li>a</li><li>b</li></ul>x<br>y",
            r#"<p title="a > b">Fish &amp; chips &lt;3 &#233;&#xe9;&nbsp;x</p><!-- c --><p>y</p>"#,
            "<div>a<script>var s = '<p>no</p>';</script>b</div><STYLE>p{}</STYLE>c",
            "a < b and 1 & 2; <p>next</p>",
        ] {
            assert_eq!(
                scan_text(html).as_deref(),
                Some(parsed_text(html).as_str()),
                "{html}"
            );
        }
        // Named references the scan does not know go to the parser.
        assert_eq!(scan_text("caf&eacute;"), None);
        assert_eq!(html_to_text("caf&eacute;"), "café");
    }

    #[test]
    fn text_of_html_keeps_paragraphs() {
        let t = html_to_text("<p>One <b>two</b>\n three.</p><ul><li>a</li><li>b</li></ul>x<br>y");
        assert_eq!(t, "One two three.\n\na\n\nb\n\nx\n\ny");
    }

    #[test]
    fn a_written_body_is_cleaned_as_ammonia_would_without_a_parse() {
        let base = Url::parse("https://news.example.com/2024/05/story.html").unwrap();
        let body = "<p>See <a href=\"/about?a=1&amp;b=2\">us</a>, \
<a href=\"javascript:alert(1)\">this</a>, <a href=\"mailto:ed@example.com\">mail</a> and \
<a href=\"HTTPS://Example.COM/x y\">that</a>.</p><p>A\u{a0}space &amp; &lt;tags&gt; &quot;quoted&quot;.</p>\
<figure><picture><source srcset=\"a.webp 1x, data:x 2x\" type=\"image/webp\"><img src=\"img/a.jpg\" \
srcset=\"img/a.jpg 1x, img/b.jpg 2x\" alt=\"A\u{a0}&quot;view&quot;\"></picture>\
<figcaption>Photo</figcaption></figure><table><tr><td colspan=\"2\">cell</td></tr></table>";
        for base in [Some(&base), None] {
            let written = written_html(body, base);
            assert_eq!(
                clean_html(&written, base),
                clean_html(body, base),
                "{written}"
            );
            assert_eq!(
                html_to_text(&written),
                html_to_text(&clean_html(body, base))
            );
        }
        let written = written_html(body, Some(&base));
        assert!(
            written.contains(
                r#"href="https://news.example.com/about?a=1&amp;b=2" rel="noopener noreferrer""#
            ),
            "{written}"
        );
        assert!(!written.contains("javascript"), "{written}");
        assert!(
            written.contains(r#"href="https://example.com/x%20y""#),
            "{written}"
        );
        assert!(written.contains("A space"), "{written}");
        assert!(!written.contains("data:"), "{written}");
        // Without a base a relative URL cannot be made absolute: it goes.
        let unbased = written_html(body, None);
        assert!(
            !unbased.contains("/about") && !unbased.contains("img/a.jpg"),
            "{unbased}"
        );
        // A value too long to be real goes, as in `clean_html`.
        let long = format!(
            "<img src=\"https://ex.org/a.jpg\" alt=\"{}\">",
            "x".repeat(PIECE + 1)
        );
        assert_eq!(
            written_html(&long, None),
            r#"<img src="https://ex.org/a.jpg">"#
        );
    }

    /// Every page of the project's own fixtures, extracted with and without a base URL: the
    /// body the serialiser wrote, cleaned by [`written_html`], is what ammonia makes of it.
    #[test]
    fn extracted_fixture_bodies_clean_the_same_without_ammonia() {
        use crate::normalize::{chrome::Rules, extract, learn::Learned, BodyKind, Context};
        let (rules, learned) = (Rules::default(), Learned::default());
        let ctx = Context::new(crate::normalize::testing::now(), &rules, &learned);
        let mut pages = Vec::new();
        let mut dirs =
            vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                match p.is_dir() {
                    true => dirs.push(p),
                    false if p.extension().is_some_and(|x| x == "html") => pages.push(p),
                    false => {}
                }
            }
        }
        assert!(pages.len() >= 20, "{} pages", pages.len());
        let base = Url::parse("https://www.example.org/section/page.html").unwrap();
        let mut written = 0;
        for p in &pages {
            let html = String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
            for base in [Some(&base), None] {
                let d = extract::draft(&html, base, &ctx);
                if d.body_kind != BodyKind::Written {
                    continue;
                }
                written += 1;
                let cleaned = written_html(&d.body_html, base);
                let by_ammonia = clean_html(&d.body_html, base);
                assert_eq!(clean_html(&cleaned, base), by_ammonia, "{}", p.display());
                assert_eq!(
                    html_to_text(&cleaned),
                    html_to_text(&by_ammonia),
                    "{}",
                    p.display()
                );
            }
        }
        assert!(
            written >= pages.len(),
            "{written} written bodies of {} pages",
            pages.len()
        );
    }
}
