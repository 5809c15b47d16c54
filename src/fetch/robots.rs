//! robots.txt rules (RFC 9309), parsed and matched here so politeness does not depend on a
//! crate's idea of which group applies: our product token's group, else `*`; longest matching
//! rule wins, `Allow` on a tie; `*` matches any run of characters, `$` anchors the end.

/// The rules of the one group that applies to us.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    /// (allow, pattern), in file order.
    rules: Vec<(bool, String)>,
}

impl Robots {
    /// No rules: everything allowed (robots.txt missing, or `robots = false`).
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Everything disallowed.
    pub fn disallow_all() -> Robots {
        Robots {
            rules: vec![(false, "/".into())],
        }
    }

    /// Parses `text` keeping the group for `agent` (our product token, e.g. `feedsmith`),
    /// or the `*` group when no group names us. Groups naming the same agent are merged.
    pub fn parse(text: &str, agent: &str) -> Robots {
        let agent = agent.to_ascii_lowercase();
        let mut ours = Vec::new();
        let mut star = Vec::new();
        let mut found_ours = false;
        // Agents of the group being read, and whether its rules have started (a `User-agent`
        // line after rules opens a new group).
        let mut agents: Vec<String> = Vec::new();
        let mut in_rules = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if in_rules {
                        agents.clear();
                        in_rules = false;
                    }
                    agents.push(value.to_ascii_lowercase());
                }
                "allow" | "disallow" => {
                    in_rules = true;
                    let is_ours = agents.iter().any(|a| a == &agent);
                    // A group naming us counts even when its only rule is empty.
                    found_ours |= is_ours;
                    // An empty Disallow allows everything: it adds no rule.
                    if value.is_empty() {
                        continue;
                    }
                    let rule = (key == "allow", value.to_string());
                    if is_ours {
                        ours.push(rule);
                    } else if agents.iter().any(|a| a == "*") {
                        star.push(rule);
                    }
                }
                _ => {}
            }
        }
        Robots {
            rules: if found_ours { ours } else { star },
        }
    }

    /// Whether `path` (path plus query, as sent in the request line) may be fetched.
    pub fn allowed(&self, path: &str) -> bool {
        if path == "/robots.txt" {
            return true;
        }
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, path) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// Matches a robots.txt path pattern against the start of `path`.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    // The first part must be a prefix; each later part is found leftmost after the previous one,
    // which is enough for a prefix match. An anchored pattern needs its last part at the very end.
    let Some(mut rest) = path.strip_prefix(parts[0]) else {
        return false;
    };
    if parts.len() == 1 {
        return !anchored || rest.is_empty();
    }
    let last = parts.len() - 1;
    for part in &parts[1..last] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    let tail = parts[last];
    if anchored {
        rest.ends_with(tail)
    } else {
        rest.contains(tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# comments are ignored
User-agent: *
Disallow: /private/
Disallow: /*.pdf$
Allow: /private/open

User-agent: Feedsmith
User-agent: otherbot
Disallow: /drafts
Allow: /drafts/public
Disallow: /*?print=

User-agent: feedsmith
Disallow: /tmp/
";

    #[test]
    fn our_group_wins_and_merges() {
        let r = Robots::parse(FILE, "feedsmith");
        assert!(!r.allowed("/drafts/x"));
        assert!(r.allowed("/drafts/public/a"));
        assert!(!r.allowed("/tmp/a"));
        assert!(!r.allowed("/news/a?print=1"));
        // The `*` group does not apply once a group names us.
        assert!(r.allowed("/private/x"));
        assert!(r.allowed("/robots.txt"));
    }

    #[test]
    fn star_group_with_wildcards_and_anchor() {
        let r = Robots::parse(FILE, "somebot");
        assert!(!r.allowed("/private/x"));
        assert!(r.allowed("/private/open/page"));
        assert!(!r.allowed("/files/report.pdf"));
        assert!(r.allowed("/files/report.pdf?x=1"));
        assert!(r.allowed("/news/"));
    }

    #[test]
    fn longest_match_and_ties() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /a\nAllow: /a/b\nDisallow: /a/b/c",
            "x",
        );
        assert!(!r.allowed("/a/x"));
        assert!(r.allowed("/a/b/x"));
        assert!(!r.allowed("/a/b/c"));
        let tie = Robots::parse("User-agent: *\nDisallow: /p\nAllow: /p", "x");
        assert!(tie.allowed("/p"));
    }

    #[test]
    fn empty_disallow_and_no_rules_allow_everything() {
        assert!(Robots::parse("User-agent: *\nDisallow:", "x").allowed("/a"));
        assert!(Robots::parse("", "x").allowed("/a"));
        assert!(!Robots::disallow_all().allowed("/a"));
        // An empty group naming us overrides a strict `*` group.
        let r = Robots::parse(
            "User-agent: *\nDisallow: /\n\nUser-agent: feedsmith\nDisallow:",
            "feedsmith",
        );
        assert!(r.allowed("/a"));
    }

    #[test]
    fn pattern_matching() {
        assert!(matches("/a*c", "/abbbc/d"));
        assert!(!matches("/a*c$", "/abbbc/d"));
        assert!(matches("/a*c$", "/abbbc"));
        assert!(matches("*.php", "/x/y.php?z"));
        assert!(matches("/x$", "/x"));
        assert!(!matches("/x$", "/xy"));
        assert!(!matches("/b", "/a/b"));
    }
}
