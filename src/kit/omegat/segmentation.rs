//! `omegat/segmentation.conf`: tmkit's rules rewritten for OmegaT's engine, and rules made for
//! one article where OmegaT would otherwise cut it elsewhere than the kit.

use std::fmt::Write as _;

use crate::error::Result;
use crate::formats::xml::escape_text;
use crate::kit::Kit;
use crate::model::SrxRules;
use crate::text::srx::{Engine, RuleSet, java_after, java_before, regex_literal};

/// Characters of context quoted on each side by a rule made for one position of the article.
const CONTEXT_CHARS: usize = 30;

/// A rule as OmegaT's `Rule` bean holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OmegatRule {
    pub(super) is_break: bool,
    pub(super) before: String,
    pub(super) after: String,
}

/// `omegat/segmentation.conf` for the kit: the article's own rules first, then tmkit's built-in
/// rules for the source language.
pub(super) fn segmentation_conf(
    kit: &Kit,
    engine: &Engine,
    article_rules: Vec<OmegatRule>,
) -> Result<String> {
    let rules = engine.srx();
    let chosen = engine.language_rules_for(kit.from.as_str())?;
    let mut maps: Vec<(String, String, Vec<OmegatRule>)> = Vec::new();
    let lang_pattern = format!("{}.*", regex_literal(kit.from.primary()));
    if !article_rules.is_empty() {
        maps.push((
            format!("tmkit: {}", kit.name),
            lang_pattern.clone(),
            article_rules,
        ));
    }
    maps.extend(converted_maps(rules, &chosen, &lang_pattern));
    Ok(srx_bean_xml(&maps))
}

/// The language rules `chosen` (indices into `rules.language_rules`), converted, each under a
/// map for the source language.
fn converted_maps(
    rules: &SrxRules,
    chosen: &[usize],
    lang_pattern: &str,
) -> Vec<(String, String, Vec<OmegatRule>)> {
    chosen
        .iter()
        .map(|&i| {
            let lr = &rules.language_rules[i];
            let converted = lr
                .rules
                .iter()
                .map(|r| OmegatRule {
                    is_break: r.is_break,
                    before: java_before(&r.before),
                    after: java_after(&r.after),
                })
                .collect();
            (lr.name.clone(), lang_pattern.to_string(), converted)
        })
        .collect()
}

/// Paragraphs as OmegaT's text filter makes them with `segmentOn=EMPTYLINES`: runs of lines
/// that are not empty after Java's `trim()` (which removes only U+0000-U+0020), as byte ranges
/// from the first line's start to the last line's end (without its line break).
fn omegat_paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        let (line_len, next) = match rest.find(['\n', '\r']) {
            Some(i) => {
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                (i, pos + i + skip)
            }
            None => (rest.len(), text.len()),
        };
        let line = &rest[..line_len];
        if line.chars().all(|c| c <= ' ') {
            if let Some(p) = current.take() {
                out.push(p);
            }
        } else {
            let end = pos + line_len;
            current = Some(current.map_or((pos, end), |(s, _)| (s, end)));
        }
        pos = next;
    }
    out.extend(current);
    out
}

/// How OmegaT will cut the article: the rules made for it, and the texts of the segments as
/// OmegaT will see them.
#[derive(Debug, Default)]
pub(super) struct ArticleSegmentation {
    pub(super) rules: Vec<OmegatRule>,
    /// The kit's segments as OmegaT will see them (for a plain-text article, only those whose
    /// text differs from the kit's; see [`java_is_whitespace`]).
    pub(super) seen: Vec<SeenSegment>,
}

/// A kit segment as OmegaT will see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SeenSegment {
    /// Index into `kit.segments`.
    pub(super) index: usize,
    /// OmegaT's segment: the kit's segment with what OmegaT keeps around it (tags at its edges,
    /// no-break spaces).
    pub(super) text: String,
    /// What OmegaT's segment has before and after the kit's segment.
    pub(super) prefix: String,
    pub(super) suffix: String,
    /// The paragraph's number in its block ([`OmegatParagraph::part`]).
    pub(super) part: usize,
}

/// Whether Java's `Character.isWhitespace` holds, which is what OmegaT trims segments of: not
/// the no-break spaces U+00A0, U+2007 and U+202F, nor U+0085 and U+FEFF, but U+001C-U+001F.
pub(super) fn java_is_whitespace(c: char) -> bool {
    (c.is_whitespace() && !matches!(c, '\u{85}' | '\u{a0}' | '\u{2007}' | '\u{202f}'))
        || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// One paragraph as OmegaT will segment it: its text, and where the kit's segments lie in it
/// (index into `kit.segments`, byte range), in order, not overlapping.
#[derive(Debug, Clone, Default)]
pub(super) struct OmegatParagraph {
    pub(super) text: String,
    pub(super) segs: Vec<(usize, usize, usize)>,
    /// Its number in its block (a DOCX block is cut at its tabs).
    pub(super) part: usize,
}

/// The plain-text article's paragraphs as OmegaT's text filter makes them.
pub(super) fn plain_paragraphs(kit: &Kit) -> Vec<OmegatParagraph> {
    let text = kit.text.as_str();
    omegat_paragraphs(text)
        .into_iter()
        .map(|(ps, pe)| {
            let (normalized, map) = nfc_chars(&text[ps..pe]);
            OmegatParagraph {
                part: 0,
                text: normalized,
                segs: kit
                    .segments
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.start >= ps && s.end <= pe)
                    .map(|(i, s)| (i, map[s.start - ps], map[s.end - ps]))
                    .collect(),
            }
        })
        .collect()
}

/// `text` with each character in Unicode normalization form C, as OmegaT reads every paragraph
/// (`StringUtil.normalizeUnicode`): `Ω` (U+2126 OHM SIGN) becomes `Ω` (U+03A9), a CJK
/// compatibility ideograph its unified one. Character by character, so that offsets map (a
/// letter followed by a combining accent, which OmegaT composes, is left as it is); the map
/// gives, for each byte offset of `text` (and its end), the offset in the result.
pub(super) fn nfc_chars(text: &str) -> (String, Vec<usize>) {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for c in text.chars() {
        let at = out.len();
        map.extend(std::iter::repeat_n(at, c.len_utf8()));
        out.extend(std::iter::once(c).nfc());
    }
    map.push(out.len());
    (out, map)
}

/// Rules for the positions where tmkit's rules, run over OmegaT's paragraphs, would not give the
/// kit's segments: a break where the kit cuts and the rules do not (headings, list items), a
/// no-break where the rules cut and the kit does not. With `plain_texts` (a plain-text article:
/// the kit's segment texts), only the segments OmegaT sees with other text are listed, and a cut
/// the rules do not make goes at the segment's end; without (a document), every segment is
/// listed, and such a cut goes at the first white space between the segments.
pub(super) fn article_segmentation(
    paragraphs: &[OmegatParagraph],
    rules: &RuleSet,
    plain_texts: Option<&[&str]>,
) -> ArticleSegmentation {
    let all_seen = plain_texts.is_none();
    let mut out = ArticleSegmentation::default();
    let mut breaks = Vec::new();
    for para in paragraphs {
        let text = para.text.as_str();
        let (ps, pe) = (0, text.len());
        let segs = &para.segs;
        if segs.is_empty() {
            continue;
        }
        let first_start = segs[0].1;
        let last_end = segs.last().map_or(pe, |s| s.2);
        breaks.clear();
        rules.breaks(text, &mut breaks);
        // Where OmegaT will cut each gap between the kit's segments.
        let mut cuts: Vec<Option<usize>> = vec![None; segs.len().saturating_sub(1)];
        for &b in breaks.iter() {
            if b >= last_end {
                // OmegaT glues a blank last piece to the one before; one with tags in it would
                // be a segment of its own.
                if !text[b..].trim_matches(java_is_whitespace).is_empty() {
                    out.rules.push(context_rule(text, ps, pe, b, false));
                }
                continue;
            }
            if b <= first_start {
                if !text[..b].trim_matches(java_is_whitespace).is_empty() {
                    out.rules.push(context_rule(text, ps, pe, b, false));
                }
                continue;
            }
            let gap = segs.windows(2).position(|w| w[0].2 <= b && b <= w[1].1);
            // In a document, only a cut at the gap's white space keeps the tags on both sides
            // out of it and leaves the space between OmegaT's segments, where OmegaT drops it
            // for a Chinese or Japanese target, as `finish` does.
            let fits = |g: usize| {
                let (lo, hi) = preferred_cut(text, segs[g].2, segs[g + 1].1);
                plain_texts.is_some() || (lo <= b && b <= hi)
            };
            match gap {
                Some(g) if cuts[g].is_none() && fits(g) => cuts[g] = Some(b),
                _ => out.rules.push(context_rule(text, ps, pe, b, false)),
            }
        }
        for (g, cut) in cuts.iter_mut().enumerate() {
            if cut.is_none() {
                let at = if all_seen {
                    preferred_cut(text, segs[g].2, segs[g + 1].1).0
                } else {
                    segs[g].2
                };
                out.rules.push(context_rule(text, ps, pe, at, true));
                *cut = Some(at);
            }
        }
        for (k, &(index, start, end)) in segs.iter().enumerate() {
            let lo = if k == 0 {
                ps
            } else {
                cuts[k - 1].unwrap_or(ps)
            };
            let hi = cuts.get(k).copied().flatten().unwrap_or(pe);
            let piece = &text[lo..hi];
            let seen = piece.trim_matches(java_is_whitespace);
            let seen_start =
                lo + (piece.len() - piece.trim_start_matches(java_is_whitespace).len());
            let seen_end = seen_start + seen.len();
            let prefix = text.get(seen_start..start.max(seen_start)).unwrap_or("");
            let suffix = text.get(end.min(seen_end)..seen_end).unwrap_or("");
            if plain_texts.is_none_or(|t| t.get(index).is_none_or(|t| *t != seen)) {
                out.seen.push(SeenSegment {
                    part: para.part,
                    index,
                    text: seen.to_string(),
                    prefix: prefix.to_string(),
                    suffix: suffix.to_string(),
                });
            }
        }
    }
    out.rules.dedup();
    out
}

/// Where to cut the gap `from..to` between two segments of a document: in its first run of
/// white space (tags before it stay with the segment before, tags after it go with the next),
/// else before its first opening tag (`<b0>`), else at its end. The range of positions that
/// do (the run of white space), the first being where a cut is made.
fn preferred_cut(text: &str, from: usize, to: usize) -> (usize, usize) {
    let gap = &text[from..to];
    if let Some(i) = gap.find(java_is_whitespace) {
        let run = gap[i..].len() - gap[i..].trim_start_matches(java_is_whitespace).len();
        return (from + i, from + i + run);
    }
    let bytes = gap.as_bytes();
    for (i, _) in gap.match_indices('<') {
        if bytes.get(i + 1).is_some_and(|&b| b != b'/') {
            return (from + i, from + i);
        }
    }
    (to, to)
}

/// A rule that applies at position `at` of the paragraph `ps..pe` only: it quotes up to
/// [`CONTEXT_CHARS`] characters on each side.
fn context_rule(text: &str, ps: usize, pe: usize, at: usize, is_break: bool) -> OmegatRule {
    let before = &text[ps..at];
    let tail_start = before
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let after = &text[at..pe];
    let head_end = after
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(after.len(), |(i, _)| i);
    OmegatRule {
        is_break,
        before: format!("(?<={})", regex_literal(&before[tail_start..])),
        after: format!("(?={})", regex_literal(&after[..head_end])),
    }
}

/// The `java.beans.XMLEncoder` form of `org.omegat.core.segmentation.SRX` (version 0.2.2, as
/// OmegaT 3.6 saves it) with the given map rules: (language name, language pattern, rules).
fn srx_bean_xml(maps: &[(String, String, Vec<OmegatRule>)]) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<java version=\"1.8.0\" class=\"java.beans.XMLDecoder\">\n");
    out.push_str(" <object class=\"org.omegat.core.segmentation.SRX\">\n");
    out.push_str("  <void property=\"mappingRules\">\n");
    let string = |out: &mut String, indent: &str, property: &str, value: &str| {
        let _ = write!(
            out,
            "{indent}<void property=\"{property}\">\n{indent} <string>"
        );
        escape_text(value, out);
        let _ = writeln!(out, "</string>\n{indent}</void>");
    };
    for (name, pattern, rules) in maps {
        out.push_str("   <void method=\"add\">\n");
        out.push_str("    <object class=\"org.omegat.core.segmentation.MapRule\">\n");
        string(&mut out, "     ", "language", name);
        string(&mut out, "     ", "pattern", pattern);
        out.push_str("     <void property=\"rules\">\n");
        out.push_str("      <object class=\"java.util.ArrayList\">\n");
        for r in rules {
            out.push_str("       <void method=\"add\">\n");
            out.push_str("        <object class=\"org.omegat.core.segmentation.Rule\">\n");
            string(&mut out, "         ", "afterbreak", &r.after);
            string(&mut out, "         ", "beforebreak", &r.before);
            let _ = writeln!(
                out,
                "         <void property=\"breakRule\">\n          <boolean>{}</boolean>\n         </void>",
                r.is_break
            );
            out.push_str("        </object>\n       </void>\n");
        }
        out.push_str("      </object>\n     </void>\n");
        out.push_str("    </object>\n   </void>\n");
    }
    out.push_str("  </void>\n");
    string(&mut out, "  ", "version", "0.2.2");
    out.push_str(" </object>\n</java>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omegat_paragraphs_end_at_lines_java_trims_to_nothing() {
        let table = [
            ("a\n\nb", vec!["a", "b"]),
            ("a\nb\n \t\nc\n", vec!["a\nb", "c"]),
            ("a\r\n\r\nb", vec!["a", "b"]),
            // A line of no-break spaces is not empty for OmegaT (it is for tmkit).
            ("a\n\u{a0}\nb", vec!["a\n\u{a0}\nb"]),
        ];
        for (text, expected) in table {
            let got: Vec<&str> = omegat_paragraphs(text)
                .into_iter()
                .map(|(s, e)| &text[s..e])
                .collect();
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn paragraphs_are_read_in_normalization_form_c_with_offsets_mapped() {
        let (text, map) = nfc_chars("a\u{2126}b");
        assert_eq!(text, "a\u{3a9}b");
        assert_eq!(map, [0, 1, 1, 1, 3, 4]);
    }

    #[test]
    fn a_cut_between_sentences_goes_at_their_white_space() {
        let table = [
            ("a.</b0> <i1>b", (7, 8)),
            // A no-break space is not white space to OmegaT: it stays in a segment.
            ("a.\u{a0}b", (4, 4)),
            ("a.</b0><i1>b", (7, 7)),
            ("a.</b0>b", (7, 7)),
        ];
        for (text, expected) in table {
            let last = text.len() - 1;
            assert_eq!(preferred_cut(text, 2, last), expected, "{text}");
        }
    }
}
