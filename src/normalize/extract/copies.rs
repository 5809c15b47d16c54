//! Copies of the body that a page keeps as text for its scripts or for readers without them:
//! Blogger themes put the post in a `<script type="text/template">` that a script renders, and
//! some sites put the whole article in a `<noscript>`. Read as served, that text is invisible to
//! extraction (scripts and noscript are never body), so the DOM pick is the sidebar or a
//! loading stub. Each copy is read as a page of its own and offered as a candidate body, with
//! what its markup says about the page (Discourse forums name a topic's author only in the
//! crawler view they keep in a `<noscript>`).

use dom_query::{Document, NodeRef};

use super::dom::{self, Page};
use super::metadata::Meta;

/// One copy of the body: read as a page, and what its markup says about the page.
pub struct Copy {
    pub page: Page,
    pub meta: Meta,
}

/// Script types whose text is markup a script renders: Blogger themes' post templates (and
/// Underscore/Backbone templates, which use the same type).
const TEMPLATE_TYPES: &[&str] = &["text/template"];

/// Each copy of markup holding paragraphs, in document order.
pub fn pages(doc: &Document) -> Vec<Copy> {
    let mut out = Vec::new();
    for node in doc.select("script[type], noscript").nodes() {
        let is_script = node
            .node_name()
            .is_some_and(|n| n.eq_ignore_ascii_case("script"));
        if is_script
            && !node.attr("type").is_some_and(|t| {
                TEMPLATE_TYPES
                    .iter()
                    .any(|w| t.trim().eq_ignore_ascii_case(w))
            })
        {
            continue;
        }
        if let Some(page) = copy(node) {
            out.push(page);
        }
    }
    out
}

/// The copy in `node`, when it holds paragraphs. A `<noscript>` is parsed as elements where
/// scripting is off and as text where it is on; a script's content is text.
fn copy(node: &NodeRef) -> Option<Copy> {
    let mut meta = Meta::default();
    let elements: Vec<NodeRef> = node
        .children()
        .into_iter()
        .filter(|c| c.is_element())
        .collect();
    if !elements.is_empty() {
        let has_p = elements
            .iter()
            .any(|e| e.descendants().iter().any(|d| is_p(d)) || is_p(e));
        let page = has_p.then(|| dom::read(&elements, Some(&mut meta)))?;
        return Some(Copy { page, meta });
    }
    let text = node.text();
    if !contains_p(&text) {
        return None;
    }
    let fragment = Document::fragment(text.to_string());
    let page = dom::read(&[fragment.root()], Some(&mut meta));
    Some(Copy { page, meta })
}

fn is_p(n: &NodeRef) -> bool {
    n.node_name().is_some_and(|n| n.eq_ignore_ascii_case("p"))
}

/// Whether markup text opens a paragraph (`<p>` or `<p class=…>`).
fn contains_p(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(3).any(|w| {
        w[0] == b'<' && (w[1] | 0x20) == b'p' && matches!(w[2], b'>' | b' ' | b'\t' | b'\n')
    })
}

/// Whether two bodies agree on the text they share: most distinct words of the shorter one
/// (`small`) are in the longer one.
pub fn agree(small: &str, large: &str) -> bool {
    let words = |t: &str| -> std::collections::HashSet<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (s, l) = (words(small), words(large));
    !s.is_empty() && s.iter().filter(|w| l.contains(*w)).count() * 5 >= s.len() * 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_agree_when_most_words_of_the_shorter_are_in_the_longer() {
        let teaser = "The ferry will run all year from spring, the operator said.";
        let full = "The ferry will run all year from spring, the operator said. Islanders had asked for it for years.";
        assert!(agree(teaser, full));
        assert!(!agree("Archive: May 2025, April 2025, March 2025", full));
        assert!(!agree("", full));
    }

    #[test]
    fn only_markup_with_paragraphs_is_a_copy() {
        assert!(contains_p("<div><P class=x>Text</p></div>"));
        assert!(contains_p("<p>Text</p>"));
        assert!(!contains_p("<pre>code</pre><picture></picture>"));
        let doc = Document::from(
            r#"<html><body><script type="text/template"><p>The post, rendered by script.</p></script>
<script type="text/javascript">var p = "<p>not a body</p>";</script>
<noscript><img src="/a.jpg"></noscript></body></html>"#,
        );
        let pages = pages(&doc);
        assert_eq!(pages.len(), 1);
        assert!(pages[0].page.text_of(0).contains("rendered by script"));
    }
}
