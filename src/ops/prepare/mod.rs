//! Prepare an article for translation: segment it, look every segment up in the memory (and in
//! extra memories), find its glossary terms, and compute the analysis. The result, a [`Kit`], is
//! what the kit writers ([`crate::kit`]) turn into XLIFF, TMX, an OmegaT project and the review page.

pub mod workflow;

use std::collections::HashMap;

use crate::error::{ErrorKind, Result};
use crate::formats::document::Kind;
use crate::kit::document;
use crate::kit::{
    Analysis, Band, Kit, KitDocument, KitMatch, KitSegment, KitTerm, Leverage, Rates, analysis,
    count_words,
};
use crate::matching::diff::diff;
use crate::matching::termbase::Termbase;
use crate::model::{Finding, Lang, TermEntry};
use crate::ops::lookup::{Lookup, LookupConfig, Match, Query};
use crate::store::Store;
use crate::text::segment::Segment;

/// Matches below this score are not worth showing or counting (the lowest band is 50-74).
pub const ANALYSIS_MIN: u8 = 50;

/// What to prepare.
#[derive(Debug, Clone)]
pub struct PrepareConfig {
    /// The article's language (`--from`).
    pub from: Lang,
    /// The languages to prepare translations in (`--to`), in order.
    pub to: Vec<Lang>,
    /// The lowest score put into a target as a pretranslation.
    pub min: u8,
    /// The most matches kept per segment and language (the best is the pretranslation, the
    /// others are alternatives).
    pub max_matches: usize,
    /// The rate grid the analysis weighs words with.
    pub rates: Rates,
}

/// The terms of a segment as a kit shows them, with translations in `to`.
pub fn kit_terms(termbase: &Termbase, text: &str, to: &[Lang]) -> Vec<KitTerm> {
    termbase
        .find(text)
        .into_iter()
        .map(|h| KitTerm {
            start: h.start,
            end: h.end,
            text: text[h.start..h.end].to_string(),
            term: termbase.entries[h.entry].terms[h.term].text.clone(),
            entry: h.entry,
            translations: to
                .iter()
                .map(|l| {
                    (
                        l.clone(),
                        termbase
                            .approved(h.entry, l)
                            .into_iter()
                            .map(str::to_string)
                            .collect(),
                    )
                })
                .collect(),
            forbidden: to
                .iter()
                .map(|l| {
                    (
                        l.clone(),
                        termbase
                            .forbidden(h.entry, l)
                            .into_iter()
                            .map(str::to_string)
                            .collect(),
                    )
                })
                .collect(),
        })
        .collect()
}

/// Finds glossary terms in a segment (the term recognizer, given by the caller so that this
/// workflow does not fix how terms are matched).
pub type TermFinder<'a> = dyn Fn(&str) -> Vec<KitTerm> + 'a;

/// Checks a pretranslation: (source, target, target language) to findings.
pub type PairChecker<'a> = dyn Fn(&str, &str, &Lang) -> Vec<Finding> + 'a;

fn is_heading(text: &str, alone: bool) -> bool {
    alone
        && !text.ends_with([
            '.', '!', '?', ':', ';', '"', '”', '’', ')', '。', '？', '！',
        ])
        && text.chars().count() <= 150
}

/// An article to prepare: its file name, its text (decoded) and its segments.
pub struct Article<'a> {
    /// The article's file name, shown in messages.
    pub name: &'a str,
    /// The article's text, decoded.
    pub text: String,
    /// The article cut into segments (byte ranges in `text`).
    pub segments: &'a [Segment],
}

/// How terms are found and pretranslations checked; the glossary entries the finder refers to.
pub struct Helpers<'a> {
    /// The glossary entries that `find_terms` refers to.
    pub glossary: Vec<TermEntry>,
    /// Finds glossary terms in a segment.
    pub find_terms: &'a TermFinder<'a>,
    /// Checks each pretranslation against its segment.
    pub check: &'a PairChecker<'a>,
}

/// Prepares an article against `stores` (the memory and any extra memories).
pub fn prepare(
    article: Article<'_>,
    stores: &[&Store],
    config: &PrepareConfig,
    helpers: Helpers<'_>,
) -> Result<Kit> {
    let Article {
        name,
        text,
        segments,
    } = article;
    let Helpers {
        glossary,
        find_terms,
        check,
    } = helpers;
    if segments.is_empty() {
        return Err(ErrorKind::Invalid {
            what: "article",
            value: name.to_string(),
            reason: "it has no text to translate (empty or only white space)".to_string(),
        }
        .into());
    }
    crate::ops::segment::refuse_long_segments(name, &text, segments)?;
    let lookup_config = LookupConfig {
        from: config.from.clone(),
        to: config.to.clone(),
        min: ANALYSIS_MIN,
        max: config.max_matches.max(1),
    };
    let mut lookups = stores
        .iter()
        .map(|s| Lookup::new(s, lookup_config.clone()))
        .collect::<Result<Vec<_>>>()?;
    let texts: Vec<&str> = segments.iter().map(|s| s.text(&text)).collect();
    let mut per_paragraph: HashMap<usize, usize> = HashMap::new();
    for s in segments {
        *per_paragraph.entry(s.paragraph).or_default() += 1;
    }
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let mut tallies: Vec<analysis::Tally> = config.to.iter().map(|_| Default::default()).collect();
    let mut out = Vec::with_capacity(segments.len());
    for (i, seg) in segments.iter().enumerate() {
        let id = i + 1;
        let seg_text = texts[i];
        let (words, characters) = count_words(seg_text);
        let key = normalize_repetition(seg_text);
        let repetition_of = first_seen.get(&key).copied();
        first_seen.entry(key).or_insert(id);
        let query = Query {
            text: seg_text.to_string(),
            prev: i.checked_sub(1).map(|p| texts[p].to_string()),
            next: texts.get(i + 1).map(|n| n.to_string()),
        };
        let mut matches: Vec<Match> = Vec::new();
        for l in &mut lookups {
            matches.extend(l.lookup(&query)?.matches);
        }
        matches.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| b.changed.cmp(&a.changed))
        });
        let terms = find_terms(seg_text);
        let mut leverage = Vec::with_capacity(config.to.len());
        for (li, lang) in config.to.iter().enumerate() {
            let mut kit_matches: Vec<KitMatch> = Vec::new();
            for m in &matches {
                let Some((tl, target)) = m.targets.iter().find(|(tl, _)| lang.matches(tl)) else {
                    continue;
                };
                if kit_matches
                    .iter()
                    .any(|k| k.source == m.source && &k.target == target)
                {
                    continue;
                }
                kit_matches.push(KitMatch {
                    score: m.score,
                    source: m.source.clone(),
                    target: target.clone(),
                    target_lang: tl.clone(),
                    origin: m.origin.clone(),
                    changed: m.changed.clone(),
                    tuid: m.tuid.clone(),
                    diff: if m.score >= 100 {
                        Vec::new()
                    } else {
                        diff(&m.source, seg_text)
                    },
                });
                if kit_matches.len() >= config.max_matches.max(1) {
                    break;
                }
            }
            let best_score = kit_matches.first().map(|m| m.score);
            let band = match (best_score, repetition_of) {
                (Some(101..), _) => Band::Context,
                (_, Some(_)) => Band::Repetition,
                (s, None) => Band::of_score(s),
            };
            let target = kit_matches
                .first()
                .filter(|m| m.score >= config.min)
                .map(|m| m.target.clone());
            let findings = match &target {
                Some(t) => check(seg_text, t, lang),
                None => Vec::new(),
            };
            let mut lev = Leverage {
                lang: lang.clone(),
                band,
                best_score,
                target,
                matches: kit_matches,
                findings,
                target_markup: None,
            };
            if matches!(band, Band::Context | Band::Exact) && lev.needs_review() {
                lev.band = Band::ExactReview;
            }
            tallies[li].add(lev.band, words, characters);
            leverage.push(lev);
        }
        out.push(KitSegment {
            id,
            paragraph: seg.paragraph,
            heading: is_heading(seg_text, per_paragraph[&seg.paragraph] == 1),
            text: seg_text.to_string(),
            start: seg.start,
            end: seg.end,
            words,
            characters,
            repetition_of,
            terms,
            leverage,
            block: 0,
            pieces: Vec::new(),
            markup: None,
        });
    }
    let analysis = Analysis {
        source: config.from.to_string(),
        format: "text".to_string(),
        warnings: Vec::new(),
        rates: config.rates.clone(),
        languages: config
            .to
            .iter()
            .zip(&tallies)
            .map(|(l, t)| t.finish(l, &config.rates))
            .collect(),
    };
    Ok(Kit {
        name: name.to_string(),
        from: config.from.clone(),
        to: config.to.clone(),
        min: config.min,
        text,
        segments: out,
        glossary,
        analysis,
        document: None,
    })
}

/// Attaches the document a kit's article was extracted from: each segment gets its block, its
/// pieces and its inline markup (from `places`, one per segment, as [`document::segment_document`]
/// gave them), and paragraphs that are headings in the document are headings in the kit.
pub fn attach_document(kit: &mut Kit, doc: KitDocument, places: &[document::Place]) {
    let splits = document::splits(&doc.extracted.blocks, places);
    let mut next_in_block = vec![0usize; splits.len()];
    for (seg, place) in kit.segments.iter_mut().zip(places) {
        let k = next_in_block[place.block];
        next_in_block[place.block] += 1;
        let pieces = splits[place.block].segments[k].clone();
        let (_, markup) = crate::formats::document::to_markup(&pieces);
        seg.block = place.block;
        if markup.is_some() {
            for (li, lev) in seg.leverage.iter_mut().enumerate() {
                let Some(target) = &lev.target else { continue };
                let anchors: Vec<(&str, Vec<&str>)> = seg
                    .terms
                    .iter()
                    .map(|t| {
                        let tr = t
                            .translations
                            .get(li)
                            .map(|(_, v)| v.iter().map(String::as_str).collect())
                            .unwrap_or_default();
                        (t.text.as_str(), tr)
                    })
                    .collect();
                lev.target_markup = document::transfer_codes(&pieces, target, &anchors)
                    .and_then(|p| crate::formats::document::to_markup(&p).1);
            }
        }
        seg.markup = markup;
        seg.pieces = pieces;
        if doc.kind != Kind::Text {
            seg.heading = matches!(
                doc.extracted.blocks[place.block].restype,
                "x-heading" | "x-title"
            );
        }
    }
    kit.document = Some(doc);
}

/// Decodes an article: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark,
/// or the encoding named by `encoding` (a WHATWG label such as `windows-1252`, `gb18030`,
/// `shift_jis`). Refuses an empty file, a binary file and text that is not valid in its encoding,
/// saying where and what to do.
pub fn decode_article(bytes: &[u8], name: &str, encoding: Option<&str>) -> Result<String> {
    crate::formats::document::text::decode(bytes, name, encoding).map(|d| d.text)
}

/// Two segments are the same for repetitions when they differ only in white space.
fn normalize_repetition(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_characters_are_counted_as_cat_tools_do() {
        let table = [
            ("Wang Yi delivered a speech.", (5, 23)),
            ("The 16th forum, held in 2020.", (6, 24)),
            ("中日关系", (4, 4)),
            ("", (0, 0)),
        ];
        for (text, expected) in table {
            assert_eq!(count_words(text), expected, "{text:?}");
        }
    }

    #[test]
    fn articles_are_decoded_or_refused_with_a_reason() {
        assert_eq!(decode_article(b"Hello.", "a", None).unwrap(), "Hello.");
        assert_eq!(
            decode_article(b"\xef\xbb\xbfHello.", "a", None).unwrap(),
            "Hello."
        );
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("Hé.".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode_article(&utf16, "a", None).unwrap(), "Hé.");
        assert_eq!(
            decode_article(b"caf\xe9", "a", Some("windows-1252")).unwrap(),
            "café"
        );
        // Word's manual line break (U+000B) and page break (U+000C) are text, not binary.
        assert_eq!(
            decode_article(b"line\x0bbreak\x0cpage", "a", None).unwrap(),
            "line\u{b}break\u{c}page"
        );
        let refused: [(&[u8], Option<&str>, &str); 6] = [
            (b"", None, "empty"),
            (b"  \n ", None, "white space"),
            (b"\x89PNG\r\n\x1a\n\0\0", None, "binary"),
            (b"caf\xe9", None, "--encoding"),
            (b"x", Some("klingon"), "unknown encoding"),
            (b"\x7fELF\x02\x01\x01", None, "binary"),
        ];
        for (bytes, enc, want) in refused {
            let e = decode_article(bytes, "in.txt", enc)
                .unwrap_err()
                .to_string();
            assert!(e.contains(want) && e.contains("in.txt"), "{bytes:?}: {e}");
        }
    }

    #[test]
    fn article_decoding_errors_point_at_the_bad_bytes() {
        let mut lone: Vec<u8> = vec![0xff, 0xfe];
        lone.extend("Hi.\nOk ".encode_utf16().flat_map(|u| u.to_le_bytes()));
        lone.extend([0x00, 0xd8]);
        lone.extend("x.".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let cases: [(&[u8], Option<&str>, &str); 4] = [
            (
                b"Hello.\nWorld caf\xe9.",
                None,
                "in.txt:2:10: byte E9 is not valid UTF-8 (byte offset 16)",
            ),
            (
                &lone,
                None,
                "in.txt:2:4: a lone UTF-16 surrogate (0xD800), which is not a character (byte offset 16)",
            ),
            (
                b"ok.\n\x81\x20 no",
                Some("shift_jis"),
                "in.txt:2:1: byte 81 is not valid Shift_JIS (byte offset 4)",
            ),
            (
                b"ok.\nab\0",
                None,
                "in.txt:2:3: byte offset 6 is a NUL byte",
            ),
        ];
        for (bytes, enc, want) in cases {
            let e = decode_article(bytes, "in.txt", enc)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(want), "{bytes:?}: {e}");
        }
    }

    #[test]
    fn headings_are_short_lone_lines_without_final_punctuation() {
        assert!(is_heading(
            "New Japanese cabinet promises greater cooperation",
            true
        ));
        assert!(!is_heading("Wang said so.", true));
        assert!(!is_heading("New Japanese cabinet", false));
    }
}
