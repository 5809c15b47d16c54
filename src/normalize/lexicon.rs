//! The built-in vocabularies of page furniture in one place: which words and phrases make a
//! line chrome (share bars, related-story headers, cookie notices, newsletter pitches, comment
//! headers, copyright lines, ad labels, navigation, reading controls), a caption or a picture
//! credit. Gathered here so each family can be checked against evidence (`eval --rule-hits`
//! counts the distinct development sites each entry matches) and so the plain-text and the HTML
//! paths read the same lists. The rules that apply them (length gates, sentence tests, order)
//! stay in `chrome`; this module holds data only.
//!
//! Entries are regular-expression fragments written for the [`fold`](super::lexical::fold)
//! form of a line (lower case, white space folded to single spaces, written `\s`), without
//! extended mode. A family's [`Form`] says how its entries are anchored.

/// How a family's entries match a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The entry is the whole line, trailing punctuation aside ("Related Articles:").
    Line,
    /// The entry opens the line and a teaser's own words follow ("Read also: …").
    Lead,
    /// The entry is matched as written, anywhere in the line (entries carry their anchors).
    Free,
    /// Single words; a short line of nothing else matches (the test is in `chrome`).
    Words,
}

impl Form {
    /// The regular expression of `entries` in this form.
    pub fn pattern<'a>(self, entries: impl IntoIterator<Item = &'a str>) -> String {
        let entries = entries.into_iter();
        let alternatives = if self == Form::Words {
            entries.map(regex::escape).collect::<Vec<_>>().join("|")
        } else {
            entries.collect::<Vec<_>>().join("|")
        };
        match self {
            Form::Line => format!(r"^(?:{alternatives})\s?[:.!»›>…：]*$"),
            Form::Lead => format!(r"^(?:{alternatives})\s?[:：]?\s.{{3,160}}$"),
            Form::Free => alternatives,
            Form::Words => format!(r"^(?:{alternatives})$"),
        }
    }
}

/// One named family of vocabulary.
#[derive(Debug)]
pub struct Family {
    pub name: &'static str,
    /// What the family covers, in a line.
    pub note: &'static str,
    pub form: Form,
    pub entries: &'static [&'static str],
}

impl Family {
    /// The regular expression of all `families` (of one form) as one alternation.
    pub fn pattern(families: &[&Family]) -> String {
        let form = families[0].form;
        debug_assert!(families.iter().all(|f| f.form == form));
        form.pattern(families.iter().flat_map(|f| f.entries.iter().copied()))
    }

    /// The regular expression of entry `i` alone, in the family's form.
    pub fn entry_pattern(&self, i: usize) -> String {
        self.form.pattern([self.entries[i]])
    }
}

// ---- Whole-line UI labels (rule `label`) ----

pub const READING_CONTROLS: Family = Family {
    name: "reading_controls",
    note: "font size and reader-mode toggles",
    form: Form::Line,
    entries: &[
        r"(?:\d+\s?%\s*)?(?:font|text)\s?size",
        r"(?:increase|decrease|reset|change)\s(?:font|text)(?:\ssize)?",
        r"(?:enable|disable|exit|enter|turn\s(?:on|off))\sread(?:ing|er)?\smode",
        r"read(?:ing|er)?\smode",
    ],
};

pub const EMPTY_DATE_LABELS: Family = Family {
    name: "empty_date_labels",
    note: "date labels whose dates were left out (\"Published: Updated:\")",
    form: Form::Line,
    entries: &[
        r"(?:published|updated|posted|last\supdated|modified)\s?:?(?:\s(?:published|updated|posted)\s?:?)*",
    ],
};

pub const ADS: Family = Family {
    name: "ads",
    note: "advertisement and sponsored-content labels",
    form: Form::Line,
    entries: &[
        r"advertisement",
        r"advertising",
        r"advert",
        r"ad",
        r"ads",
        r"sponsored(?:\scontent|\slinks?|\sstories)?",
        r"promoted(?:\sstories|\scontent|\slinks)?",
        r"paid\s(?:content|post|partner)",
        r"partner\scontent",
        r"story\scontinues\sbelow(?:\sadvertisement)?",
        r"реклама",
        r"publicidade",
        r"広告",
        r"광고",
    ],
};

pub const CONTINUE: Family = Family {
    name: "continue",
    note: "read-more, skip-to and load-more links",
    form: Form::Line,
    entries: &[
        r"continue\sreading(?:\sthe\smain\sstory|\sbelow)?",
        r"(?:skip|jump)\sto\s(?:main\s)?(?:content|navigation|article|comments)",
        r"(?:read|see|view|show|load)\s(?:more|less|all|also|next|full\sstory|full\sarticle|the\sfull\sstory|comments?)(?:\s?[:»›>…]+.*|\s(?:stories|articles|news|photos|videos?))?",
        r"leia\smais",
    ],
};

pub const COMMENT_LABELS: Family = Family {
    name: "comment_labels",
    note: "comment-form and comment-count furniture",
    form: Form::Line,
    entries: &[
        r"(?:leave|post|add|write)\s(?:a\s)?(?:comment|reply|review)s?",
        r"cancel\sreply",
        r"\d*\s?(?:comments?|replies|responses)",
        r"(?:no|view|show|hide)\s(?:comments?|replies)",
        r"reply",
        r"report",
        r"quote",
        r"permalink",
        r"loading\.*",
        r"комментарии",
        r"публикация",
    ],
};

pub const ACCOUNT: Family = Family {
    name: "account",
    note: "sign-in, register and subscribe buttons",
    form: Form::Line,
    entries: &[
        r"(?:sign|log)\s?(?:in|up|out)",
        r"register",
        r"subscribe(?:\snow|\stoday)?",
        r"subscribe\s(?:sign|log)\sin",
        r"newsletters?",
    ],
};

pub const NAVIGATION: Family = Family {
    name: "navigation",
    note: "menu, search, home, back-to-top and next/previous links",
    form: Form::Line,
    entries: &[
        r"menu",
        r"search",
        r"close",
        r"home",
        r"back\sto\stop",
        r"next",
        r"previous",
        r"prev",
        r"more",
        r"(?:next|previous|prev)\s(?:article|story|post|page)(?:\s?[:»›>].*)?",
    ],
};

pub const TAXONOMY: Family = Family {
    name: "taxonomy",
    note: "tag, topic and category labels",
    form: Form::Line,
    entries: &[
        r"(?:tags?|topics?|filed\sunder|categories|category|posted\sin|share\sthis(?:\s(?:article|story|page|entry|post))?)\s?:?",
    ],
};

pub const SHARE: Family = Family {
    name: "share",
    note: "share, print and e-mail buttons",
    form: Form::Line,
    entries: &[
        r"(?:click\sto\s)?(?:share|print|email|e-mail|tweet|pin)\s(?:on|via|by|to|with)\s.{1,30}?(?:\s?\(opens\sin\snew\swindow\))?",
        r"like\sthis\s?:",
        r"print(?:\sthis(?:\sarticle|\sstory|\spage)?)?",
        r"e-?mail(?:\sthis(?:\sarticle|\sstory)?)?",
        r"поделиться",
        r"compartilhe",
        r"공유하기",
    ],
};

/// The families a whole-line UI label comes from.
pub const LABELS: &[&Family] = &[
    &READING_CONTROLS,
    &EMPTY_DATE_LABELS,
    &ADS,
    &CONTINUE,
    &COMMENT_LABELS,
    &ACCOUNT,
    &NAVIGATION,
    &TAXONOMY,
    &SHARE,
];

pub const WIDGET_WORDS: Family = Family {
    name: "widget_words",
    note: "words share bars and toolbars are made of (\"Share Tweet Email\")",
    form: Form::Words,
    entries: &[
        "share", "shares", "shared", "tweet", "print", "email", "e-mail", "mail", "facebook",
        "twitter", "linkedin", "whatsapp", "pinterest", "reddit", "tumblr", "vk", "google+",
        "flipboard", "messenger", "telegram", "sms", "pin", "it", "copy", "link", "url", "comment",
        "comments", "reply", "save", "saved", "on", "by", "via", "this", "article", "story", "entry",
        "page", "post", "subscribe", "sign", "in", "up", "log", "login", "register", "menu",
        "search", "close", "home", "to", "top", "font", "size", "text", "a", "a-", "a+", "aa",
        "gift", "follow", "like", "likes", "instagram", "youtube", "rss", "feed", "x", "the",
        "bookmark", "listen", "audio", "zoom", "|", "/", "·", "•", "-", "–", "+", "&", "or", "and",
        "f", "g+", "more", "options", "with", "friends", "your", "send",
    ],
};

// ---- Sentence-shaped chrome ----

pub const COOKIE: Family = Family {
    name: "cookie",
    note: "cookie and consent notices (every entry names cookies)",
    form: Form::Free,
    entries: &[
        r"cookies?\b.{0,80}\b(?:accept|agree|consent|privacy|policy|settings|preferences|opt[\s-]out|browsing|to\simprove)",
        r"(?:we|site|website|this\ssite)\s(?:use|uses)\scookies",
        r"use\sof\scookies",
        r"by\s(?:continuing|using)\b.{0,60}\bcookies",
    ],
};

pub const NEWSLETTER: Family = Family {
    name: "newsletter",
    note: "newsletter and subscription pitches",
    form: Form::Free,
    entries: &[
        r"^(?:sign\sup|subscribe|get|join|register)\b.{0,60}\b(?:newsletters?|inbox|updates|alerts|emails)\b.{0,120}$",
        r"\b(?:news|stories|newsletter|delivered)\b.{0,60}\binbox\b",
        r"\binbox\b.{0,60}\b(?:news|stories|newsletter|delivered)\b",
        r"\bsubscribe\s(?:to\s)?(?:our|the)\s(?:free\s)?(?:newsletter|mailing\slist)",
        r"recaptcha",
        r"unsubscribe\s(?:at\s)?any\stime",
        r"^no\sspam\b",
        r"^by\s(?:signing\sup|subscribing|registering|clicking|submitting)\b",
        r"^stay\s(?:up\sto\sdate|informed|in\stouch|connected|tuned)\b.{0,80}$",
    ],
};

pub const FOLLOW: Family = Family {
    name: "follow",
    note: "follow-us and share-this prompts",
    form: Form::Free,
    entries: &[
        r"^(?:follow|like|find|join)\s(?:us|me)\b.{0,50}$",
        r"^follow\s@?\S+(?:\s\S+)?\s(?:on|at)\b.{0,30}$",
        r"^(?:like|enjoy(?:ed)?|love)\s(?:this|the)\s(?:story|article|post)\?.{0,60}$",
        r"\bshare\sit\swith\s(?:a\sfriend|your\sfriends)\b",
    ],
};

/// The families of pitches (rule `pitch`).
pub const PITCHES: &[&Family] = &[&NEWSLETTER, &FOLLOW];

pub const COPYRIGHT_MARK: Family = Family {
    name: "copyright_mark",
    note: "lines opening with a copyright sign or word",
    form: Form::Free,
    entries: &[r"^(?:©|\(c\)\s|copyright\s(?:©|\(c\)|\d{4}))"],
};

pub const RIGHTS: Family = Family {
    name: "rights",
    note: "\"all rights reserved\": the page footer",
    form: Form::Free,
    entries: &[
        r"all\srights\sreserved",
        r"todos\sos\sdireitos\sreservados",
        r"все\sправа\sзащищены",
        r"무단\s?전재",
    ],
};

// ---- Teasers (rules `teaser_header`, `inline_teaser`) ----

pub const TEASER_HEADERS: Family = Family {
    name: "teaser_headers",
    note: "headers of lists of other articles (\"Related Stories\", \"Most Read\")",
    form: Form::Line,
    entries: &[
        r"(?:top\s)?(?:content|stories|news)?\s?trending(?:\s(?:now|stories|news|topics|articles|content|today))?",
        r"top\s(?:content|stories|news|videos?)(?:\strending)?",
        r"related(?:\s(?:articles?|stories|posts|content|news|coverage|topics|links|videos?|reading))?",
        r"more\s(?:[\w'’]+\s){0,3}(?:stories|news|articles|videos?|reads|coverage|posts)",
        r"more\s(?:on\sthis\s(?:story|topic)|from\s.{1,40}|in\s.{1,40})",
        r"most\s(?:read|popular|viewed|shared|emailed|commented|watched)(?:\s(?:articles?|stories|videos?|now|today|this\sweek))?",
        r"(?:recommended|suggested)(?:\s(?:for\syou|stories|articles|reading|videos?))?",
        r"you\s(?:may|might)\s(?:also\s)?(?:like|enjoy|be\sinterested\sin)",
        r"(?:editor'?s\s)?(?:picks|choice)",
        r"(?:latest|breaking|popular|top)\s(?:news|stories|headlines|videos?|articles|posts)",
        r"don'?t\smiss",
        r"(?:quick|useful|more|external)\slinks",
        r"see\salso",
        r"further\sreading",
        r"(?:next\sup|up\snext|read\snext|what\sto\sread\snext|keep\sreading)(?:\sin\s.{1,30})?",
        r"читайте\sтакже",
        r"популярное",
        r"veja\stambém",
        r"leia\stambém",
        r"関連記事",
        r"관련기사",
        r"많이\s본\s.{0,10}",
    ],
};

pub const INLINE_TEASERS: Family = Family {
    name: "inline_teasers",
    note: "a teaser for another story set inside the article (\"Read also: …\")",
    form: Form::Lead,
    entries: &[
        r"also\son\s\S+",
        r"also\sread",
        r"read\salso",
        r"see\salso",
        r"related",
        r"more",
        r"watch",
        r"listen",
        r"recommended",
    ],
};

pub const COMMENTS_HEADERS: Family = Family {
    name: "comments_headers",
    note: "where reader comments start (a bare \"Comments\" is not enough: share bars carry it)",
    form: Form::Line,
    entries: &[
        r"\[?\s?\d+\s(?:comments?|replies|responses)\s?\]?",
        r"(?:top\s(?:rated\s)?|reader\s|show\s|view\s|load\s|all\s)comments?",
        r"comments?\s\(\d+\)",
        r"(?:leave|post|add|write)\s(?:a\s)?(?:comment|reply)",
        r"join\sthe\s(?:discussion|conversation)",
        r"loading\scomments\.*",
        r"\d+\s(?:thoughts|responses)\son\s.*",
        r"(?:оставить|написать)\sкомментарий",
        r"deixe\sum\scomentário",
        r"댓글\s?\d+",
    ],
};

// ---- Pictures (rules `picture_credit`, `caption`) ----

pub const PICTURE_CREDITS: Family = Family {
    name: "picture_credits",
    note: "picture credit lines and agency names standing alone",
    form: Form::Free,
    entries: &[
        r"^(?:\(?(?:photo|photos|photograph|image|images|picture|video|illustration|credit|graphic|source)s?(?:\s(?:credit|by))?\s?:|\(?(?:photo|image|illustration)\sby\s|(?:photo|image|picture)\s(?:copyright|caption|credit)\b)",
        r"(?:getty\simages|shutterstock|afp\svia|ap\sphoto|reuters/|/\s?(?:ap|afp|reuters|epa|getty)\)?$|istock|unsplash)",
        r"^(?:©|\(c\)|copyright\b)",
    ],
};

pub const CAPTIONS: Family = Family {
    name: "captions",
    note: "captions written as sentences: \"Above: …\", or ending in the credit \"(Photo: …)\"",
    form: Form::Free,
    entries: &[
        r"^(?:above|below|pictured|top|left|right|inset|main\simage|featured\simage)\s?:\s",
        r"\((?:photo|image|picture|credit|pictured|photograph)s?\s?:[^)]{0,80}\)$",
        r"\((?:ap|afp|reuters|epa|xinhua)\sphoto\b[^)]{0,60}\)$",
        r"\([^)]{0,40}getty\simages[^)]{0,20}\)$",
    ],
};

/// Every family, for tools that count what each entry matches.
pub const ALL: &[&Family] = &[
    &READING_CONTROLS,
    &EMPTY_DATE_LABELS,
    &ADS,
    &CONTINUE,
    &COMMENT_LABELS,
    &ACCOUNT,
    &NAVIGATION,
    &TAXONOMY,
    &SHARE,
    &WIDGET_WORDS,
    &COOKIE,
    &NEWSLETTER,
    &FOLLOW,
    &COPYRIGHT_MARK,
    &RIGHTS,
    &TEASER_HEADERS,
    &INLINE_TEASERS,
    &COMMENTS_HEADERS,
    &PICTURE_CREDITS,
    &CAPTIONS,
];

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn every_entry_compiles_alone_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for f in ALL {
            assert!(names.insert(f.name), "{} twice", f.name);
            assert!(!f.note.is_empty() && !f.entries.is_empty(), "{}", f.name);
            for i in 0..f.entries.len() {
                Regex::new(&f.entry_pattern(i)).unwrap_or_else(|e| panic!("{}[{i}]: {e}", f.name));
            }
        }
    }
}
