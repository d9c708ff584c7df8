//! Term recognition: tables of what is and is not found, and properties of the offsets.

use proptest::prelude::*;
use tmkit::matching::terms::{Scratch, TermHit, TermIndex};
use tmkit::model::{Lang, Term, TermEntry};

fn lang(s: &str) -> Lang {
    Lang::parse(s).unwrap()
}

fn entry(tag: &str, text: &str) -> TermEntry {
    TermEntry {
        terms: vec![Term::new(lang(tag), text)],
        ..Default::default()
    }
}

/// Checks each `(text, found)` row against an index of `terms` in `tag`; `found` lists the hits
/// as `slice of the text => term`. Prints the whole table row on failure.
fn check(tag: &str, terms: &[&str], table: &[(&str, &[(&str, &str)])]) {
    let entries: Vec<TermEntry> = terms.iter().map(|t| entry(tag, t)).collect();
    check_entries(tag, &entries, table);
}

fn check_entries(tag: &str, entries: &[TermEntry], table: &[(&str, &[(&str, &str)])]) {
    let index = TermIndex::build(entries, &lang(tag));
    for (text, want) in table {
        let got: Vec<(&str, &str)> = index
            .find(text)
            .iter()
            .map(|h| {
                (
                    &text[h.start..h.end],
                    entries[h.entry].terms[h.term].text.as_str(),
                )
            })
            .collect();
        assert_eq!(&got, want, "in {text:?}");
    }
}

#[test]
fn plurals() {
    check(
        "en",
        &[
            "policy",
            "tax",
            "church",
            "forum",
            "country",
            "key",
            "man",
            "woman",
            "child",
            "person",
            "crisis",
            "analysis",
            "criterion",
            "phenomenon",
            "spokesman",
            "State Councilor",
        ],
        &[
            ("new policies", &[("policies", "policy")]),
            ("the policy", &[("policy", "policy")]),
            (
                "taxes and churches",
                &[("taxes", "tax"), ("churches", "church")],
            ),
            ("two forums", &[("forums", "forum")]),
            ("many countries", &[("countries", "country")]),
            ("the keys", &[("keys", "key")]),
            (
                "men, women and children",
                &[("men", "man"), ("women", "woman"), ("children", "child")],
            ),
            ("the people", &[("people", "person")]),
            (
                "crises and analyses",
                &[("crises", "crisis"), ("analyses", "analysis")],
            ),
            (
                "criteria and phenomena",
                &[("criteria", "criterion"), ("phenomena", "phenomenon")],
            ),
            ("two spokesmen", &[("spokesmen", "spokesman")]),
            (
                "State Councilors",
                &[("State Councilors", "State Councilor")],
            ),
            ("policys", &[]),
        ],
    );
}

#[test]
fn possessives() {
    check(
        "en",
        &["Japan", "country", "China", "Davos", "children"],
        &[
            ("Japan's total trade", &[("Japan's", "Japan")]),
            ("Japan’s total trade", &[("Japan’s", "Japan")]),
            ("the countries' leaders", &[("countries'", "country")]),
            ("the countries’ leaders", &[("countries’", "country")]),
            ("the country's first", &[("country's", "country")]),
            ("China’s digital economy", &[("China’s", "China")]),
            (
                "Davos' and Davos's",
                &[("Davos'", "Davos"), ("Davos's", "Davos")],
            ),
            ("children's", &[("children's", "children")]),
            ("Japan'ese", &[]),
        ],
    );
}

#[test]
fn case() {
    let en = lang("en");
    let mut apple = Term::new(en.clone(), "Apple");
    apple.case_sensitive = true;
    let entries = vec![
        entry("en", "foreign minister"),
        TermEntry {
            terms: vec![apple],
            ..Default::default()
        },
        entry("en", "NPO"),
        entry("en", "CIPG"),
        entry("en", "RCEP"),
        entry("en", "COVID-19"),
        entry("en", "WHO"),
    ];
    check_entries(
        "en",
        &entries,
        &[
            (
                "Foreign Minister Wang",
                &[("Foreign Minister", "foreign minister")],
            ),
            (
                "FOREIGN MINISTER",
                &[("FOREIGN MINISTER", "foreign minister")],
            ),
            ("an Apple phone", &[("Apple", "Apple")]),
            ("an apple a day", &[]),
            ("APPLE", &[]),
            ("the Genron NPO", &[("NPO", "NPO")]),
            ("an npo", &[]),
            ("the Npo", &[]),
            ("CIPG and cipg", &[("CIPG", "CIPG")]),
            ("RCEP, rcep", &[("RCEP", "RCEP")]),
            ("who said", &[]),
            ("the WHO said", &[("WHO", "WHO")]),
            ("COVID-19", &[("COVID-19", "COVID-19")]),
            // Runs of four or more capitals may be title-cased, as some style guides write them.
            ("Covid-19", &[("Covid-19", "COVID-19")]),
            ("covid-19", &[]),
            ("COVID19", &[("COVID19", "COVID-19")]),
        ],
    );
}

#[test]
fn word_boundaries() {
    check(
        "en",
        &["Wang Yi", "Japan", "Suga", "Wang", "COVID-19", "U.S."],
        &[
            ("Wang Yi said", &[("Wang Yi", "Wang Yi")]),
            ("Wang Yiming said", &[("Wang", "Wang")]),
            ("Japanese", &[]),
            ("Japan-China relations", &[("Japan", "Japan")]),
            ("Sino-Japan", &[("Japan", "Japan")]),
            ("Suga and Sugar", &[("Suga", "Suga")]),
            ("Sugar", &[]),
            ("(Japan)", &[("Japan", "Japan")]),
            ("COVID-195", &[]),
            ("the U.S. and", &[("U.S.", "U.S.")]),
            ("日本Japan日本", &[("Japan", "Japan")]),
        ],
    );
}

#[test]
fn longest_leftmost() {
    check(
        "en",
        &[
            "Partnership",
            "Regional Comprehensive Economic Partnership",
            "Economic",
            "Beijing-Tokyo Forum",
            "Tokyo",
            "Forum",
        ],
        &[
            (
                "the Regional Comprehensive Economic Partnership (RCEP)",
                &[(
                    "Regional Comprehensive Economic Partnership",
                    "Regional Comprehensive Economic Partnership",
                )],
            ),
            (
                "Economic Partnership",
                &[("Economic", "Economic"), ("Partnership", "Partnership")],
            ),
            (
                "the 16th Beijing-Tokyo Forum in Tokyo",
                &[
                    ("Beijing-Tokyo Forum", "Beijing-Tokyo Forum"),
                    ("Tokyo", "Tokyo"),
                ],
            ),
        ],
    );
}

#[test]
fn hyphens_spaces_and_apostrophes() {
    check(
        "en",
        &[
            "Asia-Pacific",
            "people-to-people exchanges",
            "Sino Japanese",
            "other’s",
        ],
        &[
            ("the Asia-Pacific", &[("Asia-Pacific", "Asia-Pacific")]),
            ("the Asia Pacific", &[("Asia Pacific", "Asia-Pacific")]),
            (
                "the Asia\u{2013}Pacific",
                &[("Asia\u{2013}Pacific", "Asia-Pacific")],
            ),
            (
                "the Asia\u{2011}Pacific",
                &[("Asia\u{2011}Pacific", "Asia-Pacific")],
            ),
            (
                "the Asia\u{2010}Pacific",
                &[("Asia\u{2010}Pacific", "Asia-Pacific")],
            ),
            (
                "the Asia\u{a0}Pacific",
                &[("Asia\u{a0}Pacific", "Asia-Pacific")],
            ),
            ("the Asia  Pacific", &[("Asia  Pacific", "Asia-Pacific")]),
            ("the Asia\nPacific", &[("Asia\nPacific", "Asia-Pacific")]),
            (
                "the Asia \n Pacific",
                &[("Asia \n Pacific", "Asia-Pacific")],
            ),
            ("the AsiaPacific", &[]),
            // An em dash is punctuation, not a hyphen.
            ("Asia—Pacific", &[]),
            (
                "people to people exchanges",
                &[("people to people exchanges", "people-to-people exchanges")],
            ),
            ("Sino-Japanese", &[("Sino-Japanese", "Sino Japanese")]),
            ("each other's", &[("other's", "other’s")]),
        ],
    );
}

#[test]
fn cjk_width_forms() {
    check(
        "zh-CN",
        &["CIPG", "2020年", "中国外文局"],
        &[
            ("由ＣＩＰＧ主办", &[("ＣＩＰＧ", "CIPG")]),
            ("２０２０年", &[("２０２０年", "2020年")]),
            ("2020年", &[("2020年", "2020年")]),
            (
                "中国外文局（CIPG）",
                &[("中国外文局", "中国外文局"), ("CIPG", "CIPG")],
            ),
            ("12020年", &[]),
        ],
    );
    check(
        "ja-JP",
        &["ジャパン", "デジタル経済", "ＮＰＯ"],
        &[
            ("ｼﾞｬﾊﾟﾝ", &[("ｼﾞｬﾊﾟﾝ", "ジャパン")]),
            ("言論ＮＰＯ", &[("ＮＰＯ", "ＮＰＯ")]),
            ("言論NPO", &[("NPO", "ＮＰＯ")]),
            ("ﾃﾞｼﾞﾀﾙ経済", &[("ﾃﾞｼﾞﾀﾙ経済", "デジタル経済")]),
            ("ジャパンタイムズ", &[("ジャパン", "ジャパン")]),
        ],
    );
}

#[test]
fn traditional_and_simplified_never_confused() {
    check(
        "zh-CN",
        &["程永华", "习近平", "经济"],
        &[
            ("程永华大使", &[("程永华", "程永华")]),
            ("程永華大使", &[]),
            ("習近平", &[]),
            ("經濟", &[]),
            (
                "习近平和程永华",
                &[("习近平", "习近平"), ("程永华", "程永华")],
            ),
        ],
    );
    check(
        "zh-TW",
        &["程永華", "習近平", "經濟", "國際", "快樂"],
        &[
            ("程永華大使", &[("程永華", "程永華")]),
            ("程永华大使", &[]),
            ("习近平", &[]),
            ("經濟與國際", &[("經濟", "經濟"), ("國際", "國際")]),
            // A compatibility ideograph (U+F914) is the unified one (U+6A02) NFKC maps it to.
            ("快\u{F914}", &[("快\u{F914}", "快樂")]),
        ],
    );
}

#[test]
fn languages_come_from_lang_matches() {
    let entries = vec![TermEntry {
        terms: vec![
            Term::new(lang("en-US"), "Japan"),
            Term::new(lang("zh-CN"), "日本"),
            Term::new(lang("zh-TW"), "日本國"),
            Term::new(lang("ja-JP"), "日本国"),
        ],
        ..Default::default()
    }];
    let terms = |tag: &str, text: &str| -> Vec<usize> {
        TermIndex::build(&entries, &lang(tag))
            .find(text)
            .iter()
            .map(|h| h.term)
            .collect()
    };
    assert_eq!(terms("en", "Japan"), [0]);
    assert_eq!(terms("zh-CN", "日本國"), [1]);
    assert_eq!(terms("zh-TW", "日本國"), [2]);
    assert_eq!(terms("ja", "日本国"), [3]);
    assert_eq!(terms("zh", "日本國"), [2]);
    assert!(TermIndex::build(&entries, &lang("fr")).is_empty());
}

#[test]
fn variants_and_containment() {
    let mut term = Term::new(lang("en"), "Asia-Pacific Economic Cooperation");
    term.variants = vec!["APEC".to_string()];
    let entries = vec![
        TermEntry {
            terms: vec![term],
            ..Default::default()
        },
        entry("en", "Economic Cooperation"),
    ];
    let index = TermIndex::build(&entries, &lang("en"));
    let text = "APEC, the Asia Pacific Economic Cooperation";
    let hits = index.find(text);
    assert_eq!(
        hits,
        [
            TermHit {
                entry: 0,
                term: 0,
                start: 0,
                end: 4
            },
            TermHit {
                entry: 0,
                term: 0,
                start: 10,
                end: text.len()
            },
        ]
    );
    // Nested in the longer term, yet there.
    assert!(index.contains(text, 1, 0));
    assert!(index.contains_entry(text, 1));
    assert!(!index.contains("Asia Pacific", 1, 0));
    let mut all = Vec::new();
    index.find_all_into(text, &mut all);
    assert_eq!(all.len(), 3);
    assert_eq!(
        (all[2].entry, &text[all[2].start..all[2].end]),
        (1, "Economic Cooperation")
    );
}

const PIECES: &[&str] = &[
    "Japan",
    "JAPAN",
    "Japan’s",
    "Japanese",
    "policies",
    "Asia",
    "-",
    "\u{2013}",
    "\u{2011}",
    "Pacific",
    " ",
    "  ",
    "\n",
    "NPO",
    "npo",
    "NPOs",
    "COVID-19",
    "Covid19",
    "Wang",
    "Yi",
    "ming",
    "程永华",
    "程永華",
    "ＣＩＰＧ",
    "ｼﾞｬﾊﾟﾝ",
    "ジャパン",
    "é",
    "e\u{301}",
    "\u{301}",
    "’s",
    "'",
    ".",
    "１６",
    "ﾞ",
    "㈱",
    "\u{ad}",
];

/// Terms, and the skeletons (see below) of every form they may be found in, possessives aside.
const TERMS: &[(&str, &[&str])] = &[
    ("Japan", &["japan", "japans"]),
    ("policy", &["policy", "policies"]),
    ("Asia-Pacific", &["asiapacific", "asiapacifics"]),
    ("NPO", &["npo", "npos"]),
    ("COVID-19", &["covid19"]),
    ("Wang Yi", &["wangyi", "wangyis"]),
    ("程永华", &["程永华"]),
    ("CIPG", &["cipg", "cipgs"]),
    ("ジャパン", &["ジャパン"]),
    ("é", &["é"]),
    ("16", &["16"]),
    ("Pacific", &["pacific", "pacifics"]),
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(0..PIECES.len(), 0..16)
        .prop_map(|ps| ps.iter().map(|&i| PIECES[i]).collect())
}

/// What a hit's text is compared by: letters and digits after NFKC, in lower case, without a
/// possessive ending.
fn skeleton(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let kept: String = s
        .nfkc()
        .map(|c| if c == '’' { '\'' } else { c })
        .filter(|&c| c.is_alphanumeric() || c == '\'')
        .flat_map(char::to_lowercase)
        .collect();
    let kept = ["'s", "'"]
        .iter()
        .find_map(|p| kept.strip_suffix(p))
        .unwrap_or(&kept);
    kept.replace('\'', "")
}

proptest! {
    #[test]
    fn hits_map_back_to_the_original_text(s in text()) {
        let entries: Vec<TermEntry> = TERMS
            .iter()
            .map(|(t, _)| TermEntry {
                terms: vec![
                    Term::new(lang("en"), *t),
                    Term::new(lang("zh-CN"), *t),
                ],
                ..Default::default()
            })
            .collect();
        for tag in ["en", "zh-CN"] {
            let index = TermIndex::build(&entries, &lang(tag));
            let hits = index.find(&s);
            let mut last_end = 0;
            let mut last_span = None;
            for h in &hits {
                prop_assert!(h.start < h.end && h.end <= s.len());
                prop_assert!(s.is_char_boundary(h.start) && s.is_char_boundary(h.end));
                // Leftmost-longest: hits do not overlap, unless they are the same span.
                prop_assert!(h.start >= last_end || last_span == Some((h.start, h.end)));
                last_end = h.end;
                last_span = Some((h.start, h.end));
                let found = skeleton(&s[h.start..h.end]);
                let (term, forms) = TERMS[h.entry];
                // Plurals are English only.
                let forms = if tag == "en" { forms } else { &forms[..1] };
                prop_assert!(
                    forms.contains(&found.as_str()),
                    "{:?} found for {:?} in {:?}", &s[h.start..h.end], term, s
                );
            }
            // The same with buffers the caller keeps, and every occurrence contains the hits.
            let mut again = Vec::new();
            index.find_with(&s, &mut Scratch::default(), &mut again);
            prop_assert_eq!(&again, &hits);
            let mut all = Vec::new();
            index.find_all_into(&s, &mut all);
            for h in &hits {
                prop_assert!(all.contains(h));
                prop_assert!(index.contains(&s, h.entry, h.term));
            }
        }
    }

    #[test]
    fn ascii_fast_paths_agree_with_the_full_fold(words in prop::collection::vec(0..8usize, 0..12), seps in prop::collection::vec(0..6usize, 12)) {
        // The same words with separators the fast paths take (one space, one hyphen, a newline)
        // and ones only the full fold handles (runs, an en dash): the hits' terms must agree.
        const W: &[&str] = &["Asia", "Pacific", "Japan's", "NPOs", "policies", "Wang", "Yi", "x"];
        let join = |fancy: bool| -> String {
            let mut s = String::new();
            for (i, &w) in words.iter().enumerate() {
                if i > 0 {
                    s.push_str(match (seps[i], fancy) {
                        (0, false) | (1, false) => " ",
                        (0, true) => "  ",
                        (1, true) => " \n",
                        (2, false) => "-",
                        (2, true) => "\u{2013}",
                        (3, _) => "\n",
                        _ => " ",
                    });
                }
                s.push_str(W[w]);
            }
            s
        };
        let entries: Vec<TermEntry> = ["Asia-Pacific", "Japan", "NPO", "policy", "Wang Yi", "Pacific"]
            .iter()
            .map(|t| entry("en", t))
            .collect();
        let index = TermIndex::build(&entries, &lang("en"));
        let terms = |s: &str| -> Vec<(usize, usize)> {
            index.find(s).iter().map(|h| (h.entry, h.term)).collect()
        };
        prop_assert_eq!(terms(&join(false)), terms(&join(true)));
    }
}
