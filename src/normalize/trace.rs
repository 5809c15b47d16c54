//! Why each line or block of an input ended where it did, for `feedsmith explain`. The paths
//! record the reasons at their own decision points into an optional sink in the [`Context`],
//! so the explanation cannot drift from what a run does; without a sink nothing is recorded
//! and nothing is allocated.
//!
//! [`Context`]: super::Context

use std::cell::RefCell;

use serde::Serialize;

/// The sink a traced normalisation writes into; pass it in [`super::Context::trace`].
#[derive(Debug, Default)]
pub struct Trace(RefCell<Traced>);

impl Trace {
    /// What was recorded, leaving the sink empty.
    pub fn take(&self) -> Traced {
        self.0.take()
    }

    pub(crate) fn extend(&self, entries: Vec<Entry>) {
        self.0.borrow_mut().entries.extend(entries);
    }

    pub(crate) fn body_from(&self, body: BodyFrom) {
        self.0.borrow_mut().body_from = body;
    }
}

/// The record of one normalisation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Traced {
    /// In input order: the text path's lines, the HTML path's text blocks.
    pub entries: Vec<Entry>,
    /// Where the body of an HTML page came from.
    pub body_from: BodyFrom,
}

/// Where an HTML page's body came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyFrom {
    /// The blocks marked kept (a text input, or the page's own markup).
    #[default]
    Blocks,
    /// The page's JSON-LD `articleBody`, because the markup held less than half of it.
    JsonLd,
    /// All visible text: no container scored as an article.
    AllText,
    /// The page's description: the page has no visible text.
    Description,
    /// The body selector of the site's `[[site_rule]]`.
    SiteRule,
    /// The main list's repeated cards: the page is a listing, not an article.
    Cards,
    /// The pick with the fact lists beside it: a product or service page, not an article.
    Facts,
    /// The page's `<main>` element: a page of many sections, not an article.
    Main,
    /// Every post of a discussion thread, not only the one the scorer picked.
    Posts,
}

/// One line (text input) or text block (HTML input) and its fate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Text input: the 0-based range of input lines this line stands for (a hard-wrapped
    /// paragraph is judged as one line).
    #[serde(skip)]
    pub lines: Option<(usize, usize)>,
    /// HTML input: the block's element ("p", "li", "h2", "div", …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<&'static str>,
    /// The line or block text, white space folded for blocks.
    pub text: String,
    #[serde(flatten)]
    pub fate: Fate,
}

/// What became of a line or block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "fate", rename_all = "snake_case")]
pub enum Fate {
    /// Part of the body.
    Kept,
    /// Part of the body, and its dateline gave the publication date.
    Dateline,
    /// The article's title (the headline, or the page title above it).
    Title,
    /// The dek: the article's summary.
    Dek,
    /// Metadata: the field it filled, or none when an earlier line already had filled it.
    Meta { field: Option<Field> },
    /// Page furniture, by the named rule.
    Chrome { rule: Rule },
    /// Opens the reader comments: the article never continues past it.
    Comments,
    /// Above the article's first line.
    Above,
    /// Below the article's end.
    Below,
    /// Inside the article's region but not body, for the reason given.
    Dropped { why: Why },
    /// HTML: outside the container chosen as the article.
    Outside,
    /// An empty line: only in `explain`'s listing of a text input.
    Blank,
}

impl Fate {
    /// The fate's stable name, as `--json` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Fate::Kept => "kept",
            Fate::Dateline => "dateline",
            Fate::Title => "title",
            Fate::Dek => "dek",
            Fate::Meta { .. } => "meta",
            Fate::Chrome { .. } => "chrome",
            Fate::Comments => "comments",
            Fate::Above => "above",
            Fate::Below => "below",
            Fate::Dropped { .. } => "dropped",
            Fate::Outside => "outside",
            Fate::Blank => "blank",
        }
    }
}

/// An article field filled from a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Authors,
    Published,
    Updated,
    /// A date without a label, taken as the publication date.
    Date,
    Credits,
}

/// Why a line is chrome: a built-in family, a user rule, what was learned or what the page's
/// structure says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// One of the source's `chrome_lines`.
    UserLine,
    /// One of the source's `chrome_patterns` (0-based, in config order).
    UserPattern(usize),
    /// HTML: one of the source's `chrome_selectors` (0-based, in config order).
    UserSelector(usize),
    /// HTML: one of the site rule's `strip` selectors (0-based).
    SiteRuleStrip(usize),
    /// Seen in enough of the source's articles to be its template.
    Learned,
    Cookie,
    Pitch,
    Legal,
    Caption,
    /// A UI label: reading controls, ads, share and comment furniture.
    Label,
    TeaserHeader,
    InlineTeaser,
    PictureCredit,
    Breadcrumb,
    Widget,
    Timestamp,
    /// Under a teaser-list header: another story's headline.
    TeaserList,
    /// An author box ("About the author") and its bio.
    AuthorBox,
    /// HTML: nav, aside or a menu by its role.
    Furniture,
    /// HTML: a class or id that names furniture (sidebar, comments, share…).
    UnlikelyClass,
    /// HTML: a link list, gallery or fragment inside the content.
    JunkContainer,
    /// HTML: a paragraph that is only a link to another article of the site.
    LinkTeaser,
    /// HTML: a short boilerplate line (ad label, share call, reading time…).
    Boilerplate,
    Byline,
}

impl Rule {
    /// The rule's stable name, for tools: snake case, a user rule with its index
    /// (`user_pattern:N`).
    pub fn name(self) -> std::borrow::Cow<'static, str> {
        let name = match self {
            Rule::UserPattern(i) => return format!("user_pattern:{i}").into(),
            Rule::UserSelector(i) => return format!("user_selector:{i}").into(),
            Rule::SiteRuleStrip(i) => return format!("site_rule_strip:{i}").into(),
            Rule::UserLine => "user_line",
            Rule::Learned => "learned",
            Rule::Cookie => "cookie",
            Rule::Pitch => "pitch",
            Rule::Legal => "legal",
            Rule::Caption => "caption",
            Rule::Label => "label",
            Rule::TeaserHeader => "teaser_header",
            Rule::InlineTeaser => "inline_teaser",
            Rule::PictureCredit => "picture_credit",
            Rule::Breadcrumb => "breadcrumb",
            Rule::Widget => "widget",
            Rule::Timestamp => "timestamp",
            Rule::TeaserList => "teaser_list",
            Rule::AuthorBox => "author_box",
            Rule::Furniture => "furniture",
            Rule::UnlikelyClass => "unlikely_class",
            Rule::JunkContainer => "junk_container",
            Rule::LinkTeaser => "link_teaser",
            Rule::Boilerplate => "boilerplate",
            Rule::Byline => "byline",
        };
        name.into()
    }

    /// What the rule is, for people.
    pub fn describe(self) -> String {
        match self {
            Rule::UserLine => "a chrome_lines entry".into(),
            Rule::UserPattern(i) => format!("chrome_patterns[{i}]"),
            Rule::UserSelector(i) => format!("chrome_selectors[{i}]"),
            Rule::SiteRuleStrip(i) => format!("the site_rule's strip[{i}]"),
            Rule::Learned => "learned chrome".into(),
            Rule::Cookie => "cookie notice".into(),
            Rule::Pitch => "newsletter or follow pitch".into(),
            Rule::Legal => "copyright notice".into(),
            Rule::Caption => "picture caption".into(),
            Rule::Label => "UI label".into(),
            Rule::TeaserHeader => "teaser-list header".into(),
            Rule::InlineTeaser => "inline teaser".into(),
            Rule::PictureCredit => "picture credit".into(),
            Rule::Breadcrumb => "breadcrumb".into(),
            Rule::Widget => "share or toolbar widget".into(),
            Rule::Timestamp => "bare timestamp".into(),
            Rule::TeaserList => "teaser list (under a teaser-list header)".into(),
            Rule::AuthorBox => "author box".into(),
            Rule::Furniture => "page furniture (nav, aside, menu)".into(),
            Rule::UnlikelyClass => "furniture by its class or id".into(),
            Rule::JunkContainer => "link list or fragment".into(),
            Rule::LinkTeaser => "link to another article".into(),
            Rule::Boilerplate => "boilerplate line".into(),
            Rule::Byline => "byline".into(),
        }
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

/// Why a line inside the article's region is not body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// One of three or more menu-like labels in a row.
    LabelRun,
    /// A short line without prose on both sides.
    ShortLine,
    /// The author's bio closing the article.
    ClosingBio,
    /// No region stood out, and the line is not a sentence.
    NotSentence,
    /// Repeats a block written above it (a copy for another screen size, a cloned slide).
    Copy,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Authors => "authors",
            Field::Published => "published",
            Field::Updated => "updated",
            Field::Date => "date",
            Field::Credits => "credits",
        }
    }
}

impl Why {
    pub fn describe(self) -> &'static str {
        match self {
            Why::LabelRun => "in a run of menu labels",
            Why::ShortLine => "a short line without prose on both sides",
            Why::ClosingBio => "the author's closing bio",
            Why::NotSentence => "not a sentence (no article region stood out)",
            Why::Copy => "a copy of a block written above it",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_serialise_in_one_flat_shape() {
        let e = Entry {
            lines: Some((4, 5)),
            tag: None,
            text: "Enable Read mode".into(),
            fate: Fate::Chrome { rule: Rule::Label },
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"text":"Enable Read mode","fate":"chrome","rule":"label"}"#
        );
        let e = Entry {
            lines: None,
            tag: Some("p"),
            text: "By Jane Roe".into(),
            fate: Fate::Meta {
                field: Some(Field::Authors),
            },
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"tag":"p","text":"By Jane Roe","fate":"meta","field":"authors"}"#
        );
    }
}
