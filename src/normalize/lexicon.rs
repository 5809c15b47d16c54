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
    /// Case-insensitive [`Form::Free`] for text not folded first (HTML text blocks).
    FreeAnyCase,
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
            // A space after the entry, or a colon (CJK teasers run on after "：").
            Form::Lead => format!(r"^(?:{alternatives})(?:\s?[:：]?\s|[:：]).{{3,160}}$"),
            Form::Free => alternatives,
            Form::FreeAnyCase => format!("(?i){alternatives}"),
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
    note: "font-size controls",
    form: Form::Line,
    entries: &[
        r"(?:\d+\s?%\s*)?(?:font|text)\s?size",
        r"(?:increase|decrease|reset|change)\s(?:font|text)(?:\ssize)?",
        // reader-mode toggles ("Enable Read mode") matched only one development page: gone
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
        // one entry for the word's forms ("Advert" alone matched one development site)
        r"advert(?:isements?|ising|s)?",
        // "Ads" alone matched one development site
        r"ads?",
        r"sponsored(?:\scontent|\slinks?|\sstories)?",
        r"promoted(?:\sstories|\scontent|\slinks)?",
        // "Paid content" alone matched one development site
        r"(?:paid|partner)\s(?:content|post|partner)",
        r"story\scontinues\sbelow(?:\sadvertisement)?",
        r"реклама",
        r"publicidade",
        r"広告",
        r"광고",
        // de fr es pt it pl
        r"anzeige",
        r"werbung",
        r"publicité",
        r"publicidad",
        r"anuncio",
        r"anúncio",
        r"pubblicità",
        r"reklama",
        r"ogłoszenie",
        // ja zh
        r"スポンサーリンク",
        r"广告",
        r"廣告",
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
        // de fr es pt it pl ru
        r"weiterlesen",
        r"(?:mehr|alles)\slesen",
        r"lire\sla\ssuite",
        r"en\ssavoir\splus",
        r"(?:leer|ver)\smás",
        r"seguir\sleyendo",
        r"continu(?:e|ar)\slendo",
        r"leggi\s(?:di\spiù|tutto|anche)",
        r"continua\sa\sleggere",
        r"czytaj\s(?:dalej|więcej)",
        r"читать\s(?:далее|дальше|полностью)",
        // ja zh ko
        r"続きを読む",
        r"もっと見る",
        r"阅读全文",
        r"閱讀全文",
        r"查看更多",
        r"더\s?보기",
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
        // de fr es pt it pl
        r"\d*\s?kommentare?",
        r"kommentieren",
        r"kommentar\s(?:schreiben|verfassen|hinzufügen)",
        r"\d*\s?commentaires?",
        r"(?:laisser|ajouter|écrire)\sun\scommentaire",
        r"\d*\s?comentarios?",
        r"(?:deja|dejar|añadir|escribe|escribir)\sun\scomentario",
        r"\d*\s?comentários?",
        r"(?:deixe|deixar|adicionar|escreva)\sum\scomentário",
        r"\d*\s?comment[io]",
        r"(?:lascia|aggiungi|scrivi)\sun\scommento",
        r"\d*\s?komentarz(?:e|y)?",
        r"(?:dodaj|napisz)\skomentarz",
        r"skomentuj",
        // ru
        r"\d*\s?комментари(?:й|я|ев)",
        r"(?:оставить|написать|добавить)\sкомментарий",
        // ja zh ko
        r"コメント(?:する|を書く|を投稿する|一覧)?",
        r"コメント\s?\(?\d+\)?件?",
        r"[评評]论",
        r"[发發][表布]\s?[评評][论論]",
        r"[评評][论論]\s?\(\d+\)",
        r"\d+\s?条评论",
        r"留言",
        r"댓글(?:\s?(?:쓰기|달기|보기))?",
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
        r"newsletters?",
        // de fr es pt it pl ru
        r"anmelden",
        r"abmelden",
        r"registrieren",
        r"abonnieren",
        r"(?:se\s)?connecter",
        r"connexion",
        r"s'inscrire",
        r"s'abonner",
        r"iniciar\ssesión",
        r"regístrate",
        r"suscríbete",
        r"assine",
        r"entrar",
        r"accedi",
        r"registrati",
        r"abbonati",
        r"zaloguj(?:\ssię)?",
        r"zarejestruj(?:\ssię)?",
        r"войти",
        r"регистрация",
        r"подписаться",
        // ja zh ko
        r"ログイン",
        r"会員登録",
        r"登录",
        r"登入",
        r"注册",
        r"註冊",
        r"로그인",
        r"회원가입",
        r"구독(?:하기)?",
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
        // de fr es pt it pl ru
        r"startseite",
        r"menü",
        r"suche",
        r"nach\soben",
        r"accueil",
        r"recherche(?:r)?",
        r"retour\sen\shaut",
        r"inicio",
        r"buscar",
        r"volver\sarriba",
        r"início",
        r"pesquisar",
        r"voltar\sao\stopo",
        r"cerca",
        r"torna\ssu",
        r"strona\sgłówna",
        r"szukaj",
        r"главная",
        r"поиск",
        r"наверх",
        // ja zh ko
        r"ホーム",
        r"メニュー",
        r"検索",
        r"首页",
        r"首頁",
        r"搜索",
        r"菜单",
        r"홈",
        r"검색",
        r"메뉴",
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
        // de
        r"(?:artikel\s|beitrag\s|seite\s|jetzt\s)?teilen",
        r"(?:auf|bei|via|per)\s.{1,30}\steilen",
        r"drucken",
        r"per\se-?mail\s(?:senden|versenden|teilen)",
        // fr
        r"partager(?:\scet\sarticle|\ssur\s.{1,30})?",
        r"imprimer(?:\scet\sarticle)?",
        r"envoyer\spar\se-?mail",
        // es
        r"compartir(?:\seste\sartículo|\sen\s.{1,30})?",
        r"imprimir",
        r"enviar\spor\s(?:correo|e-?mail)",
        // pt
        r"(?:compartilhar|partilhar)(?:\seste\sartigo|\sn[oa]\s.{1,30})?",
        // it
        r"condividi(?:\squesto\sarticolo|\ssu\s.{1,30})?",
        // pl
        r"udostępnij(?:\sartykuł|\sna\s.{1,30})?",
        r"podziel\ssię",
        r"drukuj",
        // ru
        r"поделиться\sв\s.{1,30}",
        r"распечатать",
        // ja
        r"シェア(?:する)?",
        r"共有(?:する)?",
        r".{1,20}で(?:シェア|共有)",
        r"ツイート",
        r"印刷",
        // zh
        r"分享",
        r"分享[到至]\s?.{1,12}",
        r"转发",
        r"轉發",
        r"打印",
        // ko
        r"공유",
        r".{1,20}\s?공유하기",
        r"인쇄(?:하기)?",
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
        "share",
        "shares",
        "shared",
        "tweet",
        "print",
        "email",
        "e-mail",
        "facebook",
        "twitter",
        "linkedin",
        "whatsapp",
        "pinterest",
        "reddit",
        "tumblr",
        "vk",
        "google+",
        "flipboard",
        "messenger",
        "telegram",
        "sms",
        "pin",
        "it",
        "copy",
        "link",
        "url",
        "comment",
        "comments",
        "reply",
        "save",
        "saved",
        "on",
        "by",
        "via",
        "this",
        "article",
        "story",
        "entry",
        "page",
        "post",
        "subscribe",
        "sign",
        "in",
        "up",
        "log",
        "login",
        "register",
        "menu",
        "search",
        "close",
        "home",
        "to",
        "top",
        "font",
        "size",
        "text",
        "a",
        "a-",
        "a+",
        "follow",
        "like",
        "likes",
        "instagram",
        "youtube",
        "rss",
        "feed",
        "x",
        "the",
        "listen",
        "audio",
        "zoom",
        "|",
        "/",
        "·",
        "•",
        "-",
        "–",
        "+",
        "&",
        "or",
        "and",
        "f",
        "g+",
        "more",
        "options",
        "with",
        "friends",
        "your",
        "send",
        // share bars outside English: the verb, and the networks of the languages covered
        "teilen",
        "drucken",
        "partager",
        "imprimer",
        "compartir",
        "imprimir",
        "compartilhar",
        "condividi",
        "udostępnij",
        "drukuj",
        "поделиться",
        "вконтакте",
        "одноклассники",
        "xing",
        "weibo",
        "微博",
        "微信",
        "wechat",
        "qq",
        "line",
        "kakaotalk",
        "카카오톡",
        "카카오스토리",
        "naver",
        "네이버",
        "밴드",
    ],
};

// ---- Sentence-shaped chrome ----

pub const COOKIE: Family = Family {
    name: "cookie",
    note: "cookie and consent notices (every entry names cookies: see [`COOKIE_WORDS`])",
    form: Form::Free,
    entries: &[
        r"cookies?\b.{0,80}\b(?:accept|agree|consent|privacy|policy|settings|preferences|opt[\s-]out|browsing|to\simprove)",
        r"(?:we|site|website|this\ssite)\s(?:use|uses)\scookies",
        r"use\sof\scookies",
        r"by\s(?:continuing|using)\b.{0,60}\bcookies",
        // de
        r"cookies?\b.{0,80}\b(?:akzeptieren|zustimmen|einverstanden|datenschutz|einstellungen)",
        r"(?:wir\sverwenden|diese\s(?:website|seite)\s(?:verwendet|nutzt))\scookies",
        // fr
        r"cookies?\b.{0,80}\b(?:j'accepte|consentement|paramètres|confidentialité)",
        r"(?:nous\sutilisons|ce\ssite\sutilise)\s(?:des\s)?cookies",
        // es pt
        r"cookies?\b.{0,80}\b(?:aceptar|acepto|aceitar|aceito|consentimiento|consentimento|configuración|configurações|privacidad|privacidade)",
        r"(?:utilizamos|usamos|este\ssitio\s(?:web\s)?utiliza|este\ssite\sutiliza)\s(?:las\s)?cookies",
        // it
        r"cookies?\b.{0,80}\b(?:accett[ao]|consenso|impostazioni)",
        r"(?:utilizziamo|usiamo|questo\ssito\sutilizza)\s(?:i\s)?cookies?",
        // pl
        r"(?:cookies?|ciasteczk\w*)\b.{0,80}\b(?:akceptuj\w*|zgod\w*|ustawie\w*|prywatnoś\w*)",
        r"(?:używamy|ta\sstrona\s(?:używa|korzysta\sz))\s(?:plików\s)?(?:cookies?|ciasteczek)",
        // ru
        r"(?:cookies?|куки)\b.{0,80}\b(?:принять|принимаю|соглас\w*|конфиденциальност\w*)",
        r"(?:мы\sиспользуем|сайт\sиспользует)\s(?:файлы\s)?(?:cookies?|куки)",
        // ja zh ko
        r"(?:cookie|クッキー).{0,40}(?:使用|利用|同意|プライバシー|接受|隐私|隱私)",
        r"(?:使用|接受)\s?cookies?",
        r"(?:쿠키|cookie).{0,40}(?:사용|동의|개인정보)",
    ],
};

/// What every [`COOKIE`] entry names, in the scripts covered: a line without one of these is
/// no consent notice, and needs no search.
pub const COOKIE_WORDS: &[&str] = &["cookie", "куки", "クッキー", "쿠키", "ciasteczk"];

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
        // de
        r"^(?:newsletter\s(?:abonnieren|bestellen)|(?:abonnieren|bestellen)\ssie\s(?:jetzt\s)?(?:unseren|den)\s.{0,30}newsletter|melden\ssie\ssich\s.{0,40}newsletter).{0,120}$",
        // fr
        r"^(?:(?:abonnez-vous|inscrivez-vous)\s(?:à|a)\s(?:notre|la|nos)\s.{0,30}(?:newsletters?|lettres?\sd'information)|recevez\s(?:notre|la|nos)\snewsletters?).{0,120}$",
        // es
        r"^(?:suscr[ií]b(?:ete|ase|irse)\s(?:a|al)\s(?:nuestr[oa]s?\s)?(?:newsletters?|boletín|boletines)|recibe\s(?:nuestro|el)\s(?:newsletter|boletín)).{0,120}$",
        // pt
        r"^(?:(?:assine|inscreva-se|cadastre-se)\s(?:a|na|em)\s(?:nossa\s)?newsletter|receba\s(?:a\s|nossa\s)?newsletter).{0,120}$",
        // it
        r"^(?:iscriviti\s(?:alla|a)\s(?:nostra\s)?newsletter|ricevi\s(?:la\s)?(?:nostra\s)?newsletter).{0,120}$",
        // pl
        r"^(?:zapisz\ssię\s(?:do|na)\s(?:naszego\s|nasz\s)?newslettera?|subskrybuj\s(?:nasz\s)?newsletter).{0,120}$",
        // ru
        r"^(?:подпи(?:шитесь|саться)\sна\s(?:нашу\s)?(?:новостную\s)?рассылку|подпишитесь\sна\sнаш\s(?:канал|telegram)).{0,120}$",
        // ja zh ko
        r"^(?:ニュースレター|メルマガ|メールマガジン)(?:に|を|の)?(?:登録|購読).{0,120}$",
        r"^(?:订阅|訂閱)(?:我们的|我們的)?(?:新闻通讯|电子报|電子報|新聞通訊|邮件|newsletter).{0,120}$",
        r"^(?:뉴스레터\s?(?:구독|신청)|구독\s?신청).{0,120}$",
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
    entries: &[
        r"^(?:©|\(c\)\s|copyright\s(?:©|\(c\)|\d{4}))",
        // the circled letter Korean and Japanese footers write for ©
        r"^(?:ⓒ|copyright\sⓒ)",
    ],
};

pub const RIGHTS: Family = Family {
    name: "rights",
    note: "\"all rights reserved\": the page footer",
    form: Form::Free,
    entries: &[
        r"all\srights\sreserved",
        r"todos\sos\sdireitos\sreservados",
        r"все\sправа\sзащищены",
        // de fr es it pl
        r"alle\srechte\svorbehalten",
        r"tous\sdroits\sréservés",
        r"todos\slos\sderechos\sreservados",
        r"tutti\si\sdiritti\sriservati",
        r"wszelkie\sprawa\szastrzeżone",
        // ja zh
        r"無断(?:転載|複製|転用)(?:を)?禁(?:ず|じます|止)",
        r"版[权權]所有",
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
        // de
        r"(?:ähnliche|verwandte|weitere|empfohlene)\s(?:artikel|beiträge|themen|nachrichten)",
        r"mehr\szum\sthema",
        r"lesen\ssie\sauch",
        r"das\skönnte\ssie\s(?:auch\s)?interessieren",
        r"meistgelesen(?:e\s(?:artikel|beiträge))?",
        r"am\smeisten\sgelesen",
        r"auch\sinteressant",
        // fr
        r"articles?\s(?:similaires|liés|connexes|recommandés)",
        r"(?:à\s)?lire\saussi",
        r"sur\sle\smême\ssujet",
        r"(?:les\s)?(?:articles\s)?(?:les\s)?plus\slus",
        r"vous\s(?:aimerez|pourriez\saimer)\saussi",
        r"voir\saussi",
        // es
        r"(?:artículos|noticias)\s(?:relacionad[oa]s|recomendad[oa]s)",
        r"(?:también\s)?(?:te|le)\s(?:puede|podría)\s(?:interesar|gustar)",
        r"lee\stambién",
        r"lo\smás\s(?:leído|visto)",
        r"más\snoticias",
        r"ver\stambién",
        // pt
        r"(?:artigos|notícias|matérias)\srelacionad[ao]s",
        r"(?:as\s)?mais\slidas",
        r"(?:você\s)?(?:também\s)?pode\sgostar",
        r"mais\snotícias",
        // it
        r"(?:articoli|notizie)\scorrelat[ie]",
        r"leggi\sanche",
        r"(?:ti\s)?potrebbe\s(?:anche\s)?interessare",
        r"(?:i\s)?più\slett[ie]",
        r"altre\snotizie",
        // pl
        r"(?:powiązane|podobne|polecane)\s(?:artykuły|wpisy|tematy)",
        r"zobacz\s(?:też|także|również)",
        r"czytaj\s(?:też|także|również)",
        r"najczęściej\s(?:czytane|komentowane)",
        r"polecane",
        r"może\scię\szainteresować",
        // ru
        r"(?:похожие|связанные)\s(?:статьи|материалы|новости)",
        r"(?:ещё\s|еще\s)?по\sтеме",
        r"самое\s(?:читаемое|популярное)",
        r"рекомендуем",
        r"смотрите\sтакже",
        // ja
        r"関連(?:ニュース|する記事)",
        r"(?:人気|おすすめ|注目)(?:の)?記事",
        r"あわせて読みたい",
        r"こちらもおすすめ",
        r"よく読まれている記事",
        // zh
        r"相[关關](?:文章|阅读|閱讀|新闻|新聞|推荐|推薦)",
        r"推[荐薦][阅閱][读讀]",
        r"延伸[阅閱][读讀]",
        r"[热熱][门門](?:文章|新闻|新聞)",
        r"猜你喜[欢歡]",
        // ko
        r"관련\s기사",
        r"(?:추천|인기)\s?기사",
        r"(?:가장\s)?많이\s?(?:본|읽은)\s(?:기사|뉴스)",
    ],
};

pub const INLINE_TEASERS: Family = Family {
    name: "inline_teasers",
    note: "a teaser for another story set inside the article (\"Read also: …\")",
    form: Form::Lead,
    entries: &[
        r"also\sread",
        r"read\salso",
        r"see\salso",
        r"related",
        r"more",
        r"watch",
        r"listen",
        r"recommended",
        // de fr es pt it pl ru
        r"lesen\ssie\sauch",
        r"auch\sinteressant",
        r"mehr\szum\sthema",
        r"(?:à\s)?lire\saussi",
        r"voir\saussi",
        r"lee\stambién",
        r"ver\stambién",
        r"leia\stambém",
        r"veja\stambém",
        r"leggi\sanche",
        r"czytaj\s(?:też|także|również)",
        r"zobacz\s(?:też|także|również)",
        r"читайте\sтакже",
        r"смотрите\sтакже",
        // ja zh ko
        r"関連記事",
        r"あわせて読みたい",
        r"相[关關][阅閱][读讀]",
        r"延伸[阅閱][读讀]",
        r"推[荐薦][阅閱][读讀]",
        r"관련\s?기사",
    ],
};

pub const COMMENTS_HEADERS: Family = Family {
    name: "comments_headers",
    note: "where reader comments start (a bare \"Comments\" is not enough: share bars carry it)",
    form: Form::Line,
    entries: &[
        r"\[?\s?\d+\s(?:comments?|replies|responses)\s?\]?|comments?\s\(\d+\)",
        r"(?:top\s(?:rated\s)?|reader\s|show\s|view\s|load\s|all\s)comments?",
        r"(?:leave|post|add|write)\s(?:a\s)?(?:comment|reply)",
        r"join\sthe\s(?:discussion|conversation)",
        r"loading\scomments\.*",
        r"\d+\s(?:thoughts|responses)\son\s.*",
        r"(?:оставить|написать)\sкомментарий",
        r"deixe\sum\scomentário",
        r"댓글\s?\d+",
        // de fr es pt it pl
        r"\d+\skommentare?",
        r"kommentar\s(?:schreiben|verfassen)",
        r"\d+\scommentaires?",
        r"(?:laisser|ajouter|écrire)\sun\scommentaire",
        r"\d+\scomentarios?",
        r"(?:deja|dejar|escribe)\sun\scomentario",
        r"\d+\scomentários?",
        r"(?:deixar|escreva)\sum\scomentário",
        r"\d+\scommenti",
        r"(?:lascia|scrivi)\sun\scommento",
        r"\d+\skomentarz(?:e|y)?",
        r"(?:dodaj|napisz)\skomentarz",
        // ru ja zh ko
        r"\d+\sкомментари(?:й|я|ев)",
        r"コメント\s?\(\d+\)",
        r"コメント\s?\d+件",
        r"コメントを(?:書く|投稿する)",
        r"[发發][表布]\s?[评評][论論]",
        r"[评評][论論]\s?\(\d+\)",
        r"\d+\s?条评论",
        r"댓글\s?쓰기",
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

/// A figure's caption that ends in its picture's credit: the description with it is the
/// picture's furniture too. Read unfolded, on HTML captions only (a sentence of prose may end
/// "…, courtesy of the museum").
pub const CAPTION_CREDITS: Family = Family {
    name: "caption_credits",
    note: "captions ending in the picture's credit (\"…, 1911. Courtesy the gallery.\", \"… Photo by Jane Roe\", \"… via Wikimedia Commons\")",
    form: Form::FreeAnyCase,
    entries: &[
        r"\b(?:courtesy(?:\sof)?|photo(?:graph)?s?\s(?:by|courtesy(?:\sof)?)|(?:image|picture|illustration)\s(?:by|courtesy(?:\sof)?)|(?:photo|image|picture)\scredits?:?)\s[^.]{1,80}\.?\)?$",
        r"\bvia\s(?:getty\simages|shutterstock|unsplash|pexels|flickr|wikimedia\scommons|library\sof\scongress)\b[^.]{0,40}\.?\)?$",
        r"©\s?[^.]{1,60}\.?\)?$",
        // de fr es pt it pl ru
        r"\b(?:mit\sfreundlicher\sgenehmigung|avec\sl'aimable\sautorisation|cortesía\sde|cortesia\sd[eo]|per\sgentile\sconcessione|dzięki\suprzejmości|фото\s(?:предоставлено|любезно))\b[^.]{1,80}\.?\)?$",
    ],
};

// ---- HTML text blocks (rule `boilerplate`), read unfolded ----

pub const BLOCK_PITCH: Family = Family {
    name: "block_pitch",
    note: "newsletter pitches in HTML blocks, which run longer than other chrome",
    form: Form::FreeAnyCase,
    entries: &[
        r"\b(?:sign up|subscribe)\b.{0,120}\bnewsletters?\b",
        r"\bnewsletters?\b.{0,120}\b(?:sign up|subscribe)\b",
    ],
};

pub const BLOCK_BOILERPLATE: Family = Family {
    name: "block_boilerplate",
    note: "short HTML blocks that are furniture in any article: ad labels, related headings, share, follow and subscribe calls, tags, credits, reading times, contents headers, learn-more buttons",
    form: Form::FreeAnyCase,
    entries: &[
        r"^(?:advertisements?|advert|sponsored( content)?|ad)\.?$",
        r"^you (?:may|might) (?:also )?(?:like|enjoy).*$",
        r"^(?:related|recommended|more|popular|trending|top)(?: \w+)?(?: articles?| stories| posts| news| reads| videos?| content| links)?:?\.?$",
        r"^(?:read|see|watch|listen) (?:more|also|next|now|the full story)\b.{0,80}\.?$",
        r"^share(?: this)?(?: article| story| post| page)?(?: on .{0,20})?\.?$",
        r"^(?:(?:follow|like) us\b.{0,60}|follow\b.{0,60}\b(?:twitter|facebook|instagram|youtube|linkedin)\b.{0,60})\.?$",
        r"^(?:don'?t miss|sharing is caring)\.?$",
        r"^(?:sign up|subscribe)\b.{0,80}\.?$",
        r"^click here\b.{0,60}\.?$",
        r"^continue reading\b.{0,60}\.?$",
        r"^(?:tags?:.{0,80}|filed under\b.{0,80})\.?$",
        r"^(?:photo|image|picture|video|source|credit)s?(?: credit)?:.{0,80}\.?$",
        r"^\d+ (?:min(?:ute)?s?|hours?|days?) (?:read|ago)\.?$",
        r"^comments?(?: \(\d+\))?\.?$",
        r"^(?:print|email|e-mail|tweet|facebook|twitter|linkedin|whatsapp|pinterest|reddit|copy link)(?: this)?\.?$",
        // the header of a table of contents, with its show/hide toggle (de fr es pt it pl ru ja zh ko)
        r"^(?:(?:table of )?contents|inhaltsverzeichnis|table des matières|sommaire|tabla de contenidos?|índice|sumário|indice|spis treści|содержание|оглавление|目次|目[录錄]|목차)(?: \[?(?:show|hide|toggle)\]?)?:?$",
        // a promotion's button (French "en savoir plus" and the rest: de es pt it pl ru ja zh ko)
        r"^(?:(?:learn|find out|discover) more|en savoir plus|mehr erfahren|saber más|saiba mais|scopri di più|dowiedz się więcej|подробнее|詳しくはこちら|了解更多|자세히 ?보기)[.!:]?$",
    ],
};

// ---- Timestamps (rule `timestamp`) ----

/// The words a bare timestamp line is made of ("Mar. 4, 2031 9:15 am ET", "Updated 3 hours
/// ago"), one word at a time; a line of nothing else with a number in it is a timestamp.
pub const DATE_WORDS: &str = r"(?x)^(?:
          published|updated|posted|last|modified|first|on|at|by|am|pm|a\.m|p\.m|ago|and|
          seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yesterday|today|just|now|
          jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|
          january|february|march|april|june|july|august|september|october|november|december|
          mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|
          monday|tuesday|wednesday|thursday|friday|saturday|sunday|
          utc|gmt|et|ct|mt|pt|est|edt|cst|cdt|mst|mdt|pst|pdt|bst|cet|cest|ist|jst|kst|msk|
          \d{1,4}(?:st|nd|rd|th|h|m|d|г|年|月|日)?|\d{1,2}:\d{2}(?::\d{2})?(?:am|pm)?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}
        )$";

// ---- Author boxes (text path, rule `author_box` and the closing bio) ----

/// The header of an author box ("About the author", "Über den Autor", "About Jane Doe"), read
/// unfolded: a name is two or three capitalised words.
pub const AUTHOR_BOX: &str = r"(?i)^(?:about|sobre|über|à\spropos\sde|об\sавторе)\s(?:the\sauthor|o\sautor|a\sautora|den\sautor|l'auteur|(?-i:\p{Lu}\p{L}+(?:\s\p{Lu}\p{L}+){1,2}))$|^об\sавторе$";

/// An author's bio closing an article ("Jane Doe is a reporter for ..."), read unfolded.
pub const CLOSING_BIO: &str = r"^\p{Lu}[\p{L}'.-]+(?:\s\p{Lu}[\p{L}'.-]+){1,3}\s(?:is|was|has\sbeen|writes|covers)\s.{0,120}\b(?:reporter|writer|editor|correspondent|journalist|contributor|producer|columnist|intern|author|blogger|critic)\b";

// ---- Bylines (HTML metadata) ----

/// Labels that stand alone over the name they introduce ("Written by" / "Jane Roe").
pub const BYLINE_LABELS: &[&str] = &[
    "by",
    "written by",
    "posted by",
    "words by",
    "author",
    "authors",
    "von",
    "par",
    "por",
    "autor",
    "auteur",
    "autore",
    "автор",
    "著者",
];

/// Labels of a forum member's profile beside each post ("Joined: Mon Jul 24, 2017",
/// "Registered: 2016-07-02", "Member since 2019"): the date is the member's, never the page's.
pub const MEMBER_DATE_LABELS: &[&str] = &["joined", "registered", "member since"];

// ---- Class and id names (HTML extraction, matched against each element's class and id) ----

/// Words of class and id names, looked for in an element's lower-cased `class` and `id`.
pub struct NameWords {
    /// Anywhere in a name ("site-footer", "comments-area").
    pub anywhere: &'static [&'static str],
    /// Anywhere, except right before the given character ("share-bar", not "shared-files").
    pub anywhere_but_before: &'static [(&'static str, char)],
    /// Only whole: between the ends, white space, `-` and `_` ("top-ad", not "header").
    pub tokens: &'static [&'static str],
}

/// Class/id words of page furniture.
pub const NEGATIVE_NAMES: NameWords = NameWords {
    anywhere: &[
        "comment",
        "disqus",
        "sidebar",
        "side-bar",
        "footer",
        "newsletter",
        "related",
        "sharedaddy",
        "sharing",
        "social",
        "promo",
        "sponsor",
        "taboola",
        "outbrain",
        "cookie",
        "consent",
        "gdpr",
        "breadcrumb",
        "subscribe",
        "signup",
        "sign-up",
        "popup",
        "modal",
        "pagination",
        "pager",
        "masthead",
        "navbar",
        "nav-",
        "-nav",
        "menu",
        "toolbar",
        "widget",
        "banner",
        "advert",
        "recommend",
        "recirc",
        "trending",
        "most-popular",
        "mostpopular",
        "more-stories",
        "read-more",
        "readmore",
        "also-read",
        "paywall",
        "byline",
        "author-bio",
        "tags",
        "skip-link",
        "print-only",
        "rollover",
        "tooltip",
        "popover",
        "hovercard",
        "signature",
        "visually-hidden",
        "sr-only",
        "screen-reader",
        "caption",
        // What a site hides on phones is what it can do without.
        "hidden-xs",
        "hidden-sm",
        "hidden-mobile",
        "hidden-phone",
    ],
    anywhere_but_before: &[("share", 'd')],
    tokens: &[
        "ad", "ads", "adv", "nav", "tag", "meta", "bio", "rail", "aside", "extra", "jump", "tools",
        "utility", "follow", "login", "search", "credit", "author",
    ],
};

/// Class/id words among the furniture names that, in a list of cards, name the list or a part
/// of its cards: a shop's category page is its "search results", a card's text its "caption".
pub const LIST_PART_NAMES: &str = r"(?:^|[\s_-])(?:search|caption)s?(?:$|[\s_-])";

/// Class/id words of content.
pub const POSITIVE_NAMES: NameWords = NameWords {
    anywhere: &[
        "article",
        "body",
        "content",
        "entry",
        "main",
        "post",
        "text",
        "story",
        "blog",
        "prose",
        "richtext",
        "rich-text",
        "column",
        "page",
    ],
    anywhere_but_before: &[],
    tokens: &[],
};

/// Names that say "this is the article body" strongly enough to outweigh a negative match.
pub const BODY_NAMES: NameWords = NameWords {
    anywhere: &[
        "article-body",
        "articlebody",
        "article-content",
        "articlecontent",
        "post-body",
        "postbody",
        "post-content",
        "postcontent",
        "entry-content",
        "entrycontent",
        "story-body",
        "storybody",
        "story-content",
        "storycontent",
        "main-content",
        "maincontent",
        "article-text",
        "articletext",
        "body-text",
        "bodytext",
        "content-body",
        "contentbody",
    ],
    anywhere_but_before: &[],
    tokens: &[],
};

/// Embedded posts (tweets, Instagram) are quoted content, not share bars.
pub const EMBED_NAMES: NameWords = NameWords {
    anywhere: &[
        "tweet",
        "instagram-media",
        "tiktok",
        "social-embed",
        "socialembed",
        "media-embed",
        "mediaembed",
        "embed-social",
        "embedsocial",
        "embed-twitter",
        "embedtwitter",
    ],
    anywhere_but_before: &[],
    tokens: &[],
};

/// Negative even next to a content-looking word ("comment-body", "related-content").
pub const STRONG_NEGATIVE_NAMES: NameWords = NameWords {
    anywhere: &[
        "comment",
        "disqus",
        "related",
        "sharedaddy",
        "sharing",
        "social",
        "newsletter",
        "subscribe",
        "promo",
        "sponsor",
        "taboola",
        "outbrain",
        "recommend",
        "recirc",
        "trending",
        "most-popular",
        "more-stories",
        "read-more",
        "readmore",
        "also-read",
        "byline",
        "author-bio",
        "sidebar",
        "cookie",
        "breadcrumb",
        "caption",
        "rollover",
        "tooltip",
        "popover",
        "hovercard",
    ],
    anywhere_but_before: &[("share", 'd')],
    tokens: &["ad", "ads", "tags", "tag", "meta", "nav", "author"],
};

/// Names that describe a layout, not furniture: "content-with-sidebar" is no sidebar. They are
/// taken out of a class list before its furniture words are looked for.
pub struct LayoutNames {
    /// A switch, then optionally `-` or `_`, then a part: "with-sidebar", "no_comments".
    pub switches: &'static [&'static str],
    /// Longer forms first: the longest part is the one taken out.
    pub parts: &'static [&'static str],
    /// Elementor wraps every block of a page, the article's text included, in
    /// "elementor-widget(-container|-text-editor|…)"; its other widgets keep their own names
    /// ("elementor-widget-share-buttons" stays furniture).
    pub wrapper: &'static str,
    pub wrapper_kinds: &'static [&'static str],
}

pub const LAYOUT_NAMES: LayoutNames = LayoutNames {
    switches: &["with", "has", "no", "show", "hide"],
    parts: &[
        "sidebars", "sidebar", "comments", "comment", "share", "social", "related", "ads", "ad",
        "nav", "menu", "footer", "header",
    ],
    wrapper: "elementor-widget",
    wrapper_kinds: &[
        "container",
        "wrap",
        "text-editor",
        "heading",
        "image",
        "theme-post-content",
    ],
};

/// Class/id words of a forum post's signature (phpBB, XenForo, vBulletin, Invision, SMF, Stack
/// Exchange's user card): never the post's message, though often longer than a short reply.
/// The same word is among [`NEGATIVE_NAMES`].
pub const SIGNATURE_NAMES: &str = "signature";

/// Class/id words of boxes that are never the article however much prose they hold (the name
/// outweighs the shape): comment threads and discussion, consent and cookie notices, dialogs.
pub const NOT_ARTICLE_NAMES: &str = concat!(
    r"comment|disqus|repl(?:y|ies)|discussion|respond|forum|",
    r"cookie|consent|gdpr|privacy|modal|popup|dialog"
);

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
    &CAPTION_CREDITS,
    &BLOCK_PITCH,
    &BLOCK_BOILERPLATE,
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
