//! Discussion threads: a forum topic or a question with its answers. Every post is content,
//! but the article scorer keeps the one densest post (the opening one, most often) and reads
//! the rest as a comment list beside it. When the page says it is a discussion (schema.org's
//! `DiscussionForumPosting` or `QAPage`, in JSON-LD or microdata, which forum engines emit and
//! articles do not) and the pick sits in one of several sibling posts of one shape, the body
//! is all those posts, in order.

use std::collections::HashMap;

use super::cards::shape;
use super::dom::{measure, Page, Tag};
use super::metadata::Meta;
use super::score::{extract_posts, Extracted, Known};

/// The schema.org types of a discussion page.
const DISCUSSION_TYPES: [&str; 2] = ["DiscussionForumPosting", "QAPage"];

/// Fewest sibling posts of one shape that make a thread: the opening post and a reply.
const MIN_POSTS: usize = 2;

/// Whether the page declares itself a discussion, in JSON-LD or in microdata (as the page's
/// reading noted them in `meta`).
pub fn declared(meta: &Meta) -> bool {
    let in_ld = meta.ld_json().iter().any(|text| {
        DISCUSSION_TYPES.iter().any(|t| {
            text.match_indices(t).any(|(i, _)| {
                // The type's name as a whole JSON string, not a part of a longer one.
                text[..i].ends_with('"') && text[i + t.len()..].starts_with('"')
            })
        })
    });
    in_ld
        || meta.itemtypes().iter().any(|v| {
            DISCUSSION_TYPES
                .iter()
                .any(|t| v.trim_end_matches('/').ends_with(&format!("/{t}")))
        })
}

/// The thread's posts as the body, when they hold more text than the pick; `None` keeps the
/// pick. The posts are the sibling elements of one shape (the same element and first class
/// name: the opening post often has a second name of its own) that hold the pick or lie in
/// it, with at least half the pick's text between them; of several such groups, the one with
/// the most members (a post's parts, its author's box and its message, come one of each, and
/// the page's blocks a few), the deeper one on a tie.
pub fn posts(page: &Page, best: &Extracted, known: &Known) -> Option<Extracted> {
    let &(start, end) = best.spans.first()?;
    let n = page.nodes.len();
    // Text characters of each subtree, page furniture left out.
    let mut chars = vec![0usize; n];
    for i in (1..n).rev() {
        let node = &page.nodes[i];
        if node.furniture {
            chars[i] = 0;
        } else if node.tag == Tag::Text {
            chars[i] = measure(&node.text).0 as usize;
        }
        chars[node.parent] += chars[i];
    }
    let mut groups: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
    for (i, node) in page.nodes.iter().enumerate().skip(1) {
        if !node.class_id.is_empty() {
            groups
                .entry((node.parent, shape(page, i, 1)))
                .or_default()
                .push(i);
        }
    }
    let thread = groups
        .into_iter()
        .filter(|((p, _), members)| {
            let held = members
                .iter()
                .any(|&m| m <= start && start < page.nodes[m].end);
            members.len() >= MIN_POSTS
                && (held || (*p >= start && *p < end))
                && members.iter().map(|&m| chars[m]).sum::<usize>() * 2 >= best.chars
        })
        .max_by_key(|((p, _), members)| (members.len(), *p))?
        .1;
    let posts = extract_posts(page, known, &thread);
    (posts.chars > best.chars).then_some(posts)
}

#[cfg(test)]
mod tests {
    use super::declared;
    use crate::model::RawBody;
    use crate::normalize::extract::{dom, metadata::Meta};
    use dom_query::Document;

    fn text(html: &str) -> String {
        let base = url::Url::parse("https://forum.example.org/t/first-bench/42").ok();
        crate::normalize::testing::article(RawBody::Html(html.to_string()), base)
            .unwrap()
            .content_text
    }

    const LD: &str = r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"DiscussionForumPosting","headline":"Glue for oak"}</script>"#;

    /// A thread: an opening post of prose, then short replies, each beside its author's linked
    /// name, a linked post number and a signature.
    fn thread(head: &str) -> String {
        let post = |n: usize, class: &str, body: &str| {
            format!(
                r#"<article class="message {class}" id="post-{n}"><div class="message-user"><h4><a href="/u/{n}">member{n}</a></h4></div><div class="message-main"><a href="/p/{n}">#{n}</a><div class="message-content">{body}</div><div class="message-signature">Signature line of member {n}, with a link to a build log.</div></div></article>"#
            )
        };
        format!(
            r#"<!doctype html><html><head><title>Glue for oak</title>{head}</head><body><nav><a href="/">Home</a> <a href="/forums">Forums</a></nav><div class="block-body">{}{}{}</div><footer><p>Forum footer, be kind to each other.</p></footer></body></html>"#,
            post(1, "message-first", "Which glue holds best on white oak for an outdoor bench? I have tried a cheap yellow glue, and the joints opened after one wet winter, so this time I would like something that lasts for years."),
            post(2, "message-reply", "Try a polyurethane glue on oak."),
            post(3, "message-reply", "Epoxy, every time."),
        )
    }

    #[test]
    fn a_declared_discussion_is_all_its_posts_without_signatures() {
        let body = text(&thread(LD));
        assert!(body.contains("Which glue holds best"), "{body}");
        assert!(body.contains("Try a polyurethane glue on oak."), "{body}");
        assert!(body.contains("Epoxy, every time."), "{body}");
        assert!(!body.contains("Signature line"), "{body}");
    }

    #[test]
    fn without_the_declaration_the_replies_stay_out() {
        let body = text(&thread(""));
        assert!(body.contains("Which glue holds best"), "{body}");
        assert!(!body.contains("Epoxy, every time."), "{body}");
    }

    #[test]
    fn the_discussion_types_count_in_json_ld_and_microdata_only_as_whole_names() {
        // The page read as extraction reads it, noting its metadata.
        let doc = |html: &str| {
            let mut meta = Meta::default();
            dom::read(&[Document::from(html).root()], Some(&mut meta));
            meta
        };
        assert!(declared(&doc(LD)));
        assert!(declared(&doc(
            r#"<script type="application/ld+json">{"@type":["WebPage","QAPage"]}</script>"#
        )));
        assert!(declared(&doc(
            r#"<div itemscope itemtype="https://schema.org/DiscussionForumPosting"><p>Post</p></div>"#
        )));
        assert!(!declared(&doc(
            r#"<script type="application/ld+json">{"@type":"Article","about":"QAPages we like"}</script>"#
        )));
        assert!(!declared(&doc(
            r#"<p>Our DiscussionForumPosting markup guide.</p><div itemtype="https://schema.org/Article"></div>"#
        )));
    }
}
