//! React's streamed server rendering (Next.js and others) sends a page's slow parts late, each
//! in a `<div hidden id="S:n">` at the end of `<body>`, and a script moves it into its place
//! (a `<template id="B:n">` boundary, whose loading fallback it replaces, or a `<template
//! id="P:n">` placeholder). The article body is often such a chunk: read as served, the
//! hidden chunk is skipped and the extractor finds only the footer. Doing the script's moves
//! first gives the page the reader sees. Saved pages often lack the scripts, so a chunk goes
//! to the placeholder of its own number (React numbers them alike); a chunk with no
//! placeholder is shown where it stands.

use dom_query::{Document, NodeData, NodeRef};

/// Moves every streamed chunk of `doc` into its place and un-hides it.
pub fn reveal(doc: &Document) {
    let chunks = doc.select(r#"div[hidden][id^="S:"]"#);
    if !chunks.exists() {
        return;
    }
    for chunk in chunks.nodes() {
        let Some(n) = chunk.id_attr().and_then(|id| {
            let n = id.strip_prefix("S:")?.to_string();
            n.chars().all(|c| c.is_ascii_alphanumeric()).then_some(n)
        }) else {
            continue;
        };
        let placeholder = [format!("P:{n}"), format!("B:{n}")]
            .into_iter()
            .find_map(|id| {
                let s = doc.select(&format!(r#"template[id="{id}"]"#));
                s.nodes().first().map(|t| (id, *t))
            });
        chunk.remove_attr("hidden");
        let Some((id, template)) = placeholder else {
            continue;
        };
        if id.starts_with('B') {
            remove_fallback(&template);
        }
        template.insert_before(chunk);
        template.remove_from_parent();
        // The chunk's wrapper is React's, not the page's: its children take its place.
        match chunk.first_child() {
            Some(child) => child.unwrap_node(),
            None => chunk.remove_from_parent(),
        }
    }
}

/// Removes what a Suspense boundary shows until its content arrives: the nodes after its
/// template up to the comment that closes the boundary (`<!--/$-->`; nested boundaries open
/// with `<!--$-->`, `<!--$?-->` or `<!--$!-->`). Without a closing comment nothing goes.
fn remove_fallback(template: &NodeRef) {
    let mut fallback: Vec<NodeRef> = Vec::new();
    let mut depth = 0usize;
    let mut next = template.next_sibling();
    while let Some(node) = next {
        let marker = node.query(|n| match &n.data {
            NodeData::Comment { contents } => Some(contents.to_string()),
            _ => None,
        });
        match marker.flatten().as_deref() {
            Some("/$") if depth == 0 => {
                for f in fallback {
                    f.remove_from_parent();
                }
                return;
            }
            Some("/$") => depth -= 1,
            Some("$" | "$?" | "$!") => depth += 1,
            _ => {}
        }
        next = node.next_sibling();
        fallback.push(node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revealed(html: &str) -> String {
        let doc = Document::from(html);
        reveal(&doc);
        doc.select("body").html().to_string()
    }

    #[test]
    fn a_chunk_replaces_its_boundary_and_the_loading_fallback() {
        let html = revealed(
            r#"<body><main><!--$?--><template id="B:0"></template><p>Loading…</p><!--/$--></main><footer>F</footer><div hidden id="S:0"><p>Body</p></div></body>"#,
        );
        assert_eq!(
            html,
            "<body><main><!--$?--><p>Body</p><!--/$--></main><footer>F</footer></body>"
        );
    }

    #[test]
    fn nested_fallbacks_go_whole_and_an_unclosed_boundary_keeps_its_siblings() {
        let html = revealed(
            r#"<body><div><template id="B:1"></template><!--$--><p>Inner</p><!--/$--><p>Wait</p><!--/$--><p>After</p></div><div hidden id="S:1"><p>Body</p></div></body>"#,
        );
        assert!(!html.contains("Inner") && !html.contains("Wait"), "{html}");
        assert!(html.contains("<p>Body</p><!--/$--><p>After</p>"), "{html}");
        let html = revealed(
            r#"<body><div><template id="B:2"></template><p>Kept</p></div><div hidden id="S:2"><p>Body</p></div></body>"#,
        );
        assert!(html.contains("<p>Body</p><p>Kept</p>"), "{html}");
    }

    #[test]
    fn a_chunk_without_a_placeholder_is_shown_where_it_stands_and_others_stay_hidden() {
        let html = revealed(
            r#"<body><div hidden id="S:3"><p>Late</p></div><div hidden id="S:x-y"><p>Odd</p></div><div hidden id="menu"><p>Menu</p></div></body>"#,
        );
        assert!(
            html.contains(r#"<div id="S:3"><p>Late</p></div>"#),
            "{html}"
        );
        assert!(html.contains(r#"<div hidden="" id="S:x-y">"#), "{html}");
        assert!(html.contains(r#"<div hidden="" id="menu">"#), "{html}");
    }
}
