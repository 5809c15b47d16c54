//! A flat, pre-order copy of the parsed page that scoring and serialising work on. Reading the
//! html5ever tree once into plain vectors keeps every later step a linear scan over indices
//! (a node's subtree is the range `i..end`), with no tree mutation and no repeated borrowing.

use std::collections::HashMap;

use dom_query::{NodeData, NodeRef};

use super::metadata::Meta;
use super::names::{self, Names};

/// What a node is, reduced to what extraction cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Text,
    Body,
    /// div, section, article, main and similar block containers.
    Container,
    Article,
    Main,
    P,
    Pre,
    Blockquote,
    Td,
    Th,
    Tr,
    Table,
    TablePart,
    Ul,
    Ol,
    Li,
    Dl,
    Dd,
    Dt,
    H1,
    Heading(u8),
    Figure,
    Figcaption,
    Picture,
    Source,
    Img,
    A,
    Br,
    Hr,
    /// Inline formatting worth keeping in the output (em, strong, code, …).
    Inline(&'static str),
    /// Elements whose tag is dropped but whose children are kept (span, font, …).
    Transparent,
    Nav,
    Aside,
    Header,
    Footer,
    Form,
}

impl Tag {
    /// Elements that group blocks rather than being one.
    pub fn is_container(self) -> bool {
        matches!(
            self,
            Tag::Container
                | Tag::Article
                | Tag::Main
                | Tag::Header
                | Tag::Footer
                | Tag::Form
                | Tag::Nav
                | Tag::Aside
        )
    }

    /// A name for the element, for `explain` (containers all read as "div").
    pub fn name(self) -> &'static str {
        match self {
            Tag::Text => "text",
            Tag::Body => "body",
            Tag::Container => "div",
            Tag::Article => "article",
            Tag::Main => "main",
            Tag::P => "p",
            Tag::Pre => "pre",
            Tag::Blockquote => "blockquote",
            Tag::Td => "td",
            Tag::Th => "th",
            Tag::Tr => "tr",
            Tag::Table => "table",
            Tag::TablePart => "tbody",
            Tag::Ul => "ul",
            Tag::Ol => "ol",
            Tag::Li => "li",
            Tag::Dl => "dl",
            Tag::Dd => "dd",
            Tag::Dt => "dt",
            Tag::H1 => "h1",
            Tag::Heading(2) => "h2",
            Tag::Heading(3) => "h3",
            Tag::Heading(4) => "h4",
            Tag::Heading(5) => "h5",
            Tag::Heading(_) => "h6",
            Tag::Figure => "figure",
            Tag::Figcaption => "figcaption",
            Tag::Picture => "picture",
            Tag::Source => "source",
            Tag::Img => "img",
            Tag::A => "a",
            Tag::Br => "br",
            Tag::Hr => "hr",
            Tag::Inline(n) => n,
            Tag::Transparent => "span",
            Tag::Nav => "nav",
            Tag::Aside => "aside",
            Tag::Header => "header",
            Tag::Footer => "footer",
            Tag::Form => "form",
        }
    }

    pub fn is_block(self) -> bool {
        !matches!(
            self,
            Tag::Text
                | Tag::A
                | Tag::Inline(_)
                | Tag::Transparent
                | Tag::Img
                | Tag::Br
                | Tag::Source
                | Tag::Picture
        )
    }
}

#[derive(Debug, Clone)]
pub struct Node {
    pub tag: Tag,
    /// Parent index; the root points at itself.
    pub parent: usize,
    /// One past the last node of this node's subtree.
    pub end: usize,
    /// Text of a text node.
    pub text: String,
    /// Attributes kept for output (href, src, …).
    pub attrs: Vec<(&'static str, String)>,
    /// Lower-cased class and id, space separated.
    pub class_id: String,
    /// Nearest block ancestor (for text: the block its words belong to).
    pub block: usize,
    pub in_link: bool,
    /// Class/id/role say "not content" (sidebar, comments, share bar…).
    pub unlikely: bool,
    /// Structural furniture: nav, aside, menus by role. Dropped even when class rules are relaxed.
    pub furniture: bool,
    /// Class/id weight: negative for chrome-looking names, positive for content-looking ones.
    pub weight: i32,
}

/// The page as a flat arena in document order.
pub struct Page {
    pub nodes: Vec<Node>,
    words: Words,
}

/// The words of the page's text in document order, as hashes of every prefix of them, so
/// that whether two subtrees hold the same text, whatever their markup, is a lookup.
struct Words {
    /// Per node (and one past the last): how many words come before it.
    before: Vec<u32>,
    /// Per prefix of the words: its polynomial hash, and its characters (spaces aside).
    hash: Vec<u64>,
    chars: Vec<u32>,
}

/// The base of the words' polynomial hash (odd, so every power is too), and FNV-1a's offset
/// and prime, which hash each word (cheap, and a page is not hashing against an adversary).
const WORD_BASE: u64 = 0x9e37_79b9_7f4a_7c15;
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl Words {
    fn new(nodes: &[Node]) -> Words {
        let mut w = Words {
            before: Vec::with_capacity(nodes.len() + 1),
            hash: vec![0],
            chars: vec![0],
        };
        for n in nodes {
            w.before.push(w.hash.len() as u32 - 1);
            if n.tag != Tag::Text {
                continue;
            }
            for word in n.text.split_whitespace() {
                let h = word
                    .bytes()
                    .fold(FNV_OFFSET, |h, b| (h ^ b as u64).wrapping_mul(FNV_PRIME));
                let (last, chars) = (w.hash[w.hash.len() - 1], w.chars[w.chars.len() - 1]);
                w.hash.push(last.wrapping_mul(WORD_BASE).wrapping_add(h));
                w.chars.push(chars + word.chars().count() as u32);
            }
        }
        w.before.push(w.hash.len() as u32 - 1);
        w
    }
}

pub(super) fn classify(name: &str) -> Option<Tag> {
    Some(match name {
        "body" => Tag::Body,
        "div" | "section" | "center" | "hgroup" | "details" | "summary" | "address"
        | "fieldset" | "dialog" => Tag::Container,
        "article" => Tag::Article,
        "main" => Tag::Main,
        "p" => Tag::P,
        "pre" => Tag::Pre,
        "blockquote" => Tag::Blockquote,
        "td" => Tag::Td,
        "th" => Tag::Th,
        "tr" => Tag::Tr,
        "table" => Tag::Table,
        "tbody" | "thead" | "tfoot" | "caption" => Tag::TablePart,
        "ul" => Tag::Ul,
        "ol" => Tag::Ol,
        "li" => Tag::Li,
        "dl" => Tag::Dl,
        "dd" => Tag::Dd,
        "dt" => Tag::Dt,
        "h1" => Tag::H1,
        "h2" => Tag::Heading(2),
        "h3" => Tag::Heading(3),
        "h4" => Tag::Heading(4),
        "h5" => Tag::Heading(5),
        "h6" => Tag::Heading(6),
        "figure" => Tag::Figure,
        "figcaption" => Tag::Figcaption,
        "picture" => Tag::Picture,
        "source" => Tag::Source,
        "img" => Tag::Img,
        "a" => Tag::A,
        "br" => Tag::Br,
        "hr" => Tag::Hr,
        "em" => Tag::Inline("em"),
        "i" => Tag::Inline("i"),
        "strong" => Tag::Inline("strong"),
        "b" => Tag::Inline("b"),
        "u" => Tag::Inline("u"),
        "s" => Tag::Inline("s"),
        "sub" => Tag::Inline("sub"),
        "sup" => Tag::Inline("sup"),
        "small" => Tag::Inline("small"),
        "mark" => Tag::Inline("mark"),
        "q" => Tag::Inline("q"),
        "cite" => Tag::Inline("cite"),
        "abbr" => Tag::Inline("abbr"),
        "code" => Tag::Inline("code"),
        "kbd" => Tag::Inline("kbd"),
        "del" => Tag::Inline("del"),
        "ins" => Tag::Inline("ins"),
        "time" => Tag::Inline("time"),
        "nav" | "menu" => Tag::Nav,
        "aside" => Tag::Aside,
        "header" => Tag::Header,
        "footer" => Tag::Footer,
        "form" => Tag::Form,
        // Never text of an article: scripts, widgets, media players, form controls.
        "script" | "style" | "noscript" | "template" | "svg" | "math" | "iframe" | "object"
        | "embed" | "canvas" | "button" | "input" | "select" | "textarea" | "option" | "head"
        | "link" | "meta" | "title" | "video" | "audio" | "map" | "dialog-polyfill" => return None,
        _ => Tag::Transparent,
    })
}

/// Inline styles that hide an element.
fn style_hides(style: &str) -> bool {
    let s = style.to_ascii_lowercase();
    if !s.contains("none") && !s.contains("hidden") {
        return false;
    }
    let s = s.replace(' ', "");
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// Roles that mark page furniture rather than content.
fn furniture_role(role: &str) -> bool {
    matches!(
        role,
        "navigation"
            | "complementary"
            | "contentinfo"
            | "banner"
            | "menu"
            | "menubar"
            | "dialog"
            | "alertdialog"
            | "search"
            | "toolbar"
    )
}

/// Reads the subtrees rooted at `roots` into a [`Page`]; when `meta` is given, metadata
/// (meta tags, JSON-LD, `<title>`, `lang`, …) is gathered in the same pass. Long because it is
/// that one pass: an explicit stack (no recursion, so depth cannot overflow it) that flattens
/// each element into the arena as it is met; split, it would walk the tree twice.
pub fn read(roots: &[NodeRef], mut meta: Option<&mut Meta>) -> Page {
    enum Step<'a> {
        Enter(NodeRef<'a>, usize, bool),
        Exit(usize),
    }
    let mut nodes: Vec<Node> = Vec::with_capacity(1024);
    nodes.push(Node {
        tag: Tag::Body,
        parent: 0,
        end: 0,
        text: String::new(),
        attrs: Vec::new(),
        class_id: String::new(),
        block: 0,
        in_link: false,
        unlikely: false,
        furniture: false,
        weight: 0,
    });
    let mut stack: Vec<Step> = vec![Step::Exit(0)];
    let mut name_cache: HashMap<String, Names> = HashMap::new();
    for r in roots.iter().rev() {
        stack.push(Step::Enter(*r, 0, false));
    }
    while let Some(step) = stack.pop() {
        let (node, parent, in_link) = match step {
            Step::Exit(i) => {
                nodes[i].end = nodes.len();
                continue;
            }
            Step::Enter(n, p, l) => (n, p, l),
        };
        let block = if nodes[parent].tag.is_block() {
            parent
        } else {
            nodes[parent].block
        };
        enum Seen {
            Skip,
            Descend,
            Text(String),
            Element(Box<Node>),
            /// A `<noscript>` copy of a lazy image: the real image's attributes.
            Noscript(Vec<(&'static str, String)>),
        }
        let seen = node
            .query(|tn| match &tn.data {
                NodeData::Document | NodeData::Fragment => Seen::Descend,
                NodeData::Text { contents } => Seen::Text(str::to_owned(contents)),
                NodeData::Element(el) => {
                    let name = el.name.local.as_ref();
                    if let Some(m) = meta.as_deref_mut() {
                        m.see_element(name, el, &node);
                    }
                    if name == "html" || name == "head" {
                        return Seen::Descend;
                    }
                    if name == "noscript" {
                        return noscript_image(&node).map_or(Seen::Skip, Seen::Noscript);
                    }
                    let Some(tag) = classify(name) else {
                        return Seen::Skip;
                    };
                    // One scan over the attributes instead of a lookup per name.
                    let (mut class, mut id, mut role, mut hidden, mut body_prop) =
                        ("", "", None, false, false);
                    let mut labelled = false;
                    for a in &el.attrs {
                        let v: &str = &a.value;
                        match a.name.local.as_ref() {
                            "class" => class = v,
                            "id" => id = v,
                            "role" => role = Some(v.to_ascii_lowercase()),
                            "itemprop" => body_prop = v == "articleBody",
                            "hidden" => hidden = true,
                            "aria-hidden" => hidden |= v.eq_ignore_ascii_case("true"),
                            "style" => hidden |= style_hides(v),
                            "aria-labelledby" => labelled = true,
                            _ => {}
                        }
                    }
                    if hidden && tag != Tag::Body && !collapsed_panel(role.as_deref(), labelled) {
                        return Seen::Skip;
                    }
                    // Templates repeat the same class lists: judge each list once per page.
                    let mut judge = |v: &str| {
                        if v.is_empty() {
                            return Names::default();
                        }
                        if let Some(n) = name_cache.get(v) {
                            return *n;
                        }
                        let n = names::judge(&v.to_ascii_lowercase());
                        name_cache.insert(v.to_string(), n);
                        n
                    };
                    let names = judge(class).or(judge(id));
                    let mut class_id = class.to_ascii_lowercase();
                    if !id.is_empty() {
                        class_id.push(' ');
                        class_id.push_str(&id.to_ascii_lowercase());
                    }
                    let (negative, positive) = (names.negative, names.positive);
                    let body_name = body_prop || names.body;
                    let mut weight = 0;
                    if negative {
                        weight -= 25;
                    }
                    if positive {
                        weight += 25;
                    }
                    if body_name {
                        weight += 25;
                    }
                    let furniture = matches!(tag, Tag::Nav | Tag::Aside)
                        || role.as_deref().is_some_and(furniture_role);
                    let structural = matches!(tag, Tag::Body | Tag::Article | Tag::Main);
                    // A caption is judged with its figure (in `score`), not by its class.
                    let unlikely = !structural
                        && !body_name
                        && tag != Tag::Figcaption
                        && (matches!(tag, Tag::Header | Tag::Footer)
                            || (negative && !positive)
                            || (negative && names.strong))
                        && !in_code(&nodes, parent, tag);
                    Seen::Element(Box::new(Node {
                        tag,
                        parent,
                        end: 0,
                        text: String::new(),
                        attrs: output_attrs(tag, el),
                        class_id,
                        block,
                        in_link: in_link || tag == Tag::A,
                        unlikely,
                        furniture,
                        weight,
                    }))
                }
                _ => Seen::Skip,
            })
            .unwrap_or(Seen::Skip);
        match seen {
            Seen::Skip => {}
            Seen::Descend => {
                push_children(&mut stack, node, parent, in_link);
            }
            Seen::Text(text) => nodes.push(Node {
                tag: Tag::Text,
                parent,
                end: nodes.len() + 1,
                text,
                attrs: Vec::new(),
                class_id: String::new(),
                block,
                in_link,
                unlikely: false,
                furniture: false,
                weight: 0,
            }),
            Seen::Noscript(attrs) => {
                // The copy stands in for the image before it (a placeholder, or the same
                // picture lazily loaded), else it is the image.
                let blank = |n: &Node| n.tag == Tag::Text && n.text.trim().is_empty();
                let mut j = nodes.len() - 1;
                while j > parent && (nodes[j].parent != parent || blank(&nodes[j])) {
                    j -= 1;
                }
                if j > parent && nodes[j].tag == Tag::Img {
                    let alt = nodes[j].attrs.iter().find(|(k, _)| *k == "alt").cloned();
                    nodes[j].attrs = attrs;
                    if let Some(alt) =
                        alt.filter(|_| !nodes[j].attrs.iter().any(|(k, _)| *k == "alt"))
                    {
                        nodes[j].attrs.push(alt);
                    }
                } else {
                    nodes.push(Node {
                        tag: Tag::Img,
                        parent,
                        end: nodes.len() + 1,
                        text: String::new(),
                        attrs,
                        class_id: String::new(),
                        block,
                        in_link,
                        unlikely: false,
                        furniture: false,
                        weight: 0,
                    });
                }
            }
            Seen::Element(n) => {
                let idx = nodes.len();
                let link = n.in_link;
                nodes.push(*n);
                stack.push(Step::Exit(idx));
                push_children(&mut stack, node, idx, link);
            }
        }
    }

    fn push_children<'a>(stack: &mut Vec<Step<'a>>, node: NodeRef<'a>, parent: usize, link: bool) {
        let mut child = node.last_child();
        while let Some(c) = child {
            child = c.prev_sibling();
            stack.push(Step::Enter(c, parent, link));
        }
    }
    let words = Words::new(&nodes);
    Page { nodes, words }
}

/// Whether an inline element at `parent` sits in code: syntax highlighters name their spans
/// for what the code holds (highlight.js `hljs-comment`, Prism `token comment`), which says
/// nothing about the page.
fn in_code(nodes: &[Node], mut parent: usize, tag: Tag) -> bool {
    if !matches!(tag, Tag::Inline(_) | Tag::Transparent) {
        return false;
    }
    loop {
        match nodes[parent].tag {
            Tag::Pre | Tag::Inline("code") => return true,
            Tag::Inline(_) | Tag::Transparent | Tag::A if parent != 0 => {
                parent = nodes[parent].parent
            }
            _ => return false,
        }
    }
}

/// Whether a hidden element is a closed tab or accordion panel (a region or tab panel, or a
/// block labelled by the button that opens it): the reader opens it with a click, and service,
/// product and documentation pages keep their answers, specifications and code in them. A
/// labelled dialog or menu stays hidden.
fn collapsed_panel(role: Option<&str>, labelled: bool) -> bool {
    matches!(role, Some("tabpanel" | "region"))
        || (labelled && !matches!(role, Some("dialog" | "alertdialog" | "menu")))
}

/// The image a `<noscript>` holds for readers without scripts (lazy-loading plugins write
/// one beside each placeholder), with the attributes the body keeps; `None` when it holds
/// none. The parser reads a `<noscript>`'s content as text, so it is parsed on its own.
fn noscript_image(node: &NodeRef) -> Option<Vec<(&'static str, String)>> {
    let attrs_of = |img: &NodeRef| {
        img.query(|tn| match &tn.data {
            NodeData::Element(el) => Some(output_attrs(Tag::Img, el)),
            _ => None,
        })
        .flatten()
    };
    // Parsed as elements where scripting is off, as text where it is on.
    let parsed = node
        .descendants()
        .into_iter()
        .find(|d| d.node_name().is_some_and(|n| n.eq_ignore_ascii_case("img")));
    let attrs = match parsed {
        Some(img) => attrs_of(&img)?,
        None => {
            let inner = node.text();
            if !inner.contains("<img") {
                return None;
            }
            let doc = dom_query::Document::fragment(inner.to_string());
            let img = doc.select("img").nodes().first().cloned()?;
            attrs_of(&img)?
        }
    };
    attrs.iter().any(|(k, _)| *k == "src").then_some(attrs)
}

/// Attributes worth keeping in the body HTML. Lazy-loaded images keep their real source.
fn output_attrs(tag: Tag, el: &dom_query::Element) -> Vec<(&'static str, String)> {
    let get = |n: &str| {
        el.attr(n)
            .map(|v| str::to_owned(&v))
            .filter(|v| !v.is_empty())
    };
    let mut out = Vec::new();
    match tag {
        Tag::A => {
            if let Some(h) = get("href") {
                out.push(("href", h));
            }
        }
        Tag::Img => {
            let lazy = get("data-src")
                .or_else(|| get("data-lazy-src"))
                .or_else(|| get("data-original"));
            let src = get("src").filter(|s| !s.starts_with("data:"));
            if let Some(s) = lazy.or(src) {
                out.push(("src", s));
            }
            let lazy_set = get("data-srcset").or_else(|| get("data-lazy-srcset"));
            if let Some(s) = lazy_set.or_else(|| get("srcset")) {
                out.push(("srcset", s));
            }
            if let Some(a) = get("alt") {
                out.push(("alt", a));
            }
        }
        Tag::Source => {
            if let Some(v) = get("data-srcset").or_else(|| get("srcset")) {
                out.push(("srcset", v));
            }
            for n in ["type", "media"] {
                if let Some(v) = get(n) {
                    out.push((n, v));
                }
            }
        }
        Tag::Inline("time") => {
            if let Some(v) = get("datetime") {
                out.push(("datetime", v));
            }
        }
        Tag::Td | Tag::Th => {
            for n in ["colspan", "rowspan"] {
                if let Some(v) = get(n) {
                    out.push((n, v));
                }
            }
        }
        _ => {}
    }
    out
}

/// Characters of `text` with white space runs counted once, and its commas.
pub fn measure(text: &str) -> (u32, u32) {
    let (mut chars, mut commas, mut space) = (0u32, 0u32, true);
    for c in text.chars() {
        if c.is_whitespace() {
            if !space {
                chars += 1;
                space = true;
            }
        } else {
            chars += 1;
            space = false;
            if matches!(c, ',' | '，' | '、' | '،') {
                commas += 1;
            }
        }
    }
    (chars, commas)
}

impl Page {
    /// The text of the subtree at `i`, whatever its markup, as a key equal for equal texts,
    /// and its characters: its words' and a space between each two (so a word split by
    /// markup, "deep</b>,", counts one more).
    pub fn text_key(&self, i: usize) -> ((u64, u32), u32) {
        let w = &self.words;
        let (l, r) = (w.before[i] as usize, w.before[self.nodes[i].end] as usize);
        let n = (r - l) as u32;
        let hash = w.hash[r].wrapping_sub(w.hash[l].wrapping_mul(WORD_BASE.wrapping_pow(n)));
        let chars = w.chars[r] - w.chars[l] + n.saturating_sub(1);
        ((hash, n), chars)
    }

    /// Child indices of `i`.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.nodes[i].end;
        let mut j = i + 1;
        std::iter::from_fn(move || {
            if j >= end {
                return None;
            }
            let c = j;
            j = self.nodes[j].end;
            Some(c)
        })
    }

    /// Text of the subtree at `i`, white space folded.
    pub fn text_of(&self, i: usize) -> String {
        let mut out = String::new();
        for n in &self.nodes[i..self.nodes[i].end] {
            if n.tag == Tag::Text {
                out.push_str(&n.text);
            } else if n.tag.is_block() || n.tag == Tag::Br {
                out.push(' ');
            }
        }
        crate::chars::fold_whitespace(&out)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::RawBody;

    fn text(html: &str) -> String {
        let base = url::Url::parse("https://help.example.com/plans").ok();
        crate::normalize::testing::article(RawBody::Html(html.to_string()), base)
            .unwrap()
            .content_text
    }

    #[test]
    fn subtrees_holding_the_same_words_have_one_text_key_whatever_their_markup() {
        let doc = dom_query::Document::from(
            "<div id=a><p>Plant them <b>deep</b>,  water them in.</p></div>\
<section id=b><span>Plant them</span> <i>deep</i>, water them\nin.</section>\
<div id=c><p>Plant them deep, water them out.</p></div>",
        );
        let page = super::read(&[doc.root()], None);
        let key = |id: &str| {
            let i = (0..page.nodes.len())
                .find(|&i| page.nodes[i].class_id.trim() == id)
                .unwrap();
            page.text_key(i)
        };
        assert_eq!(key("a"), key("b"));
        assert_ne!(key("a").0, key("c").0);
        assert_eq!(key("c").1, "Plant them deep, water them out.".len() as u32);
    }

    #[test]
    fn closed_accordion_and_tab_panels_are_read_and_other_hidden_parts_are_not() {
        let answer = |i: usize, attrs: &str| {
            format!(
                r#"<div class="item"><h3><button aria-controls="a{i}" aria-expanded="false">Question {i}?</button></h3>
<div id="a{i}" {attrs}><p>The answer to question {i}, which a reader opens with a click, a sentence or two long.</p></div></div>"#
            )
        };
        let html = format!(
            r#"<html><body><main><div class="plans"><h1>Plans</h1>
<p>Every plan covers the visits, the tests and the care a household needs in a year, and each can be changed at any time without a fee.</p>
{}{}{}
<div role="tabpanel" hidden><p>Specifications of the plan, shown when the reader picks their tab above the list.</p></div>
<div role="dialog" aria-labelledby="t" aria-hidden="true"><p id="t">Sign up for our letters and offers today, it only takes a minute.</p></div>
<p aria-hidden="true">Decorative quote marks and a repeated heading for screens.</p>
</div></main></body></html>"#,
            answer(
                1,
                r#"role="region" aria-labelledby="q1" aria-hidden="false""#
            ),
            answer(
                2,
                r#"role="region" aria-labelledby="q2" aria-hidden="true""#
            ),
            answer(3, r#"aria-labelledby="q3" style="display: none""#),
        );
        let t = text(&html);
        for part in [
            "answer to question 1",
            "answer to question 2",
            "answer to question 3",
            "Specifications of the plan",
        ] {
            assert!(t.contains(part), "{part}: {t}");
        }
        for hidden in ["Sign up for our letters", "Decorative quote marks"] {
            assert!(!t.contains(hidden), "{hidden}: {t}");
        }
    }
}
