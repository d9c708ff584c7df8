//! The punctuation check: brackets and quotes left unbalanced, end punctuation that differs
//! from the source's, and half-width punctuation next to Chinese or Japanese text.

use super::{JaPunctuation, is_cjk_lang, is_cjk_text};
use crate::bits::{Bits16, has_below, has_byte, scan_chunks};
use crate::model::{Finding, FindingKind, Lang, Severity};
use crate::text::inline::Visible;
use crate::text::tokenize::is_cjk;

/// Bracket and quote families, compared across languages: English “” are Chinese “” and
/// Japanese 「」; English ‘’ are Japanese 『』.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Round,
    Square,
    Double,
    Single,
    Book,
}

const FAMILIES: [Family; 5] = [
    Family::Round,
    Family::Square,
    Family::Double,
    Family::Single,
    Family::Book,
];

fn bracket(c: char) -> Option<(Family, bool)> {
    Some(match c {
        '(' | '（' => (Family::Round, true),
        ')' | '）' => (Family::Round, false),
        '[' | '【' | '〔' | '［' => (Family::Square, true),
        ']' | '】' | '〕' | '］' => (Family::Square, false),
        '“' | '「' => (Family::Double, true),
        '”' | '」' => (Family::Double, false),
        '‘' | '『' => (Family::Single, true),
        '’' | '』' => (Family::Single, false),
        '《' | '〈' => (Family::Book, true),
        '》' | '〉' => (Family::Book, false),
        _ => return None,
    })
}

/// Per family: openings left open (with the first one's offset) and closings without an opening
/// (with the first one's offset).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Balance {
    open: [u16; 5],
    stray: [u16; 5],
    open_at: [usize; 5],
    stray_at: [usize; 5],
}

/// The pairs of bytes (see [`Bits16::pair`]) that may begin a bracket or quote: `(`, `)`, `[`,
/// `]` and `"` whatever follows, and E2 80, E3 80 and EF BC.
static BRACKET_STARTS: Bits16 = Bits16::EMPTY
    .with_range(0x2800, 0x29FF)
    .with_range(0x5B00, 0x5BFF)
    .with_range(0x5D00, 0x5DFF)
    .with_range(0x2200, 0x22FF)
    .with(0xE280)
    .with(0xE380)
    .with(0xEFBC);

fn balance(text: &str) -> Balance {
    let mut b = Balance::default();
    let mut straight_open = false;
    let mut each = |at: usize, c: char| {
        let (family, opening) = match c {
            '"' => {
                straight_open = !straight_open;
                (Family::Double, straight_open)
            }
            _ => match bracket(c) {
                Some(x) => x,
                None => return,
            },
        };
        let f = family as usize;
        if opening {
            if b.open[f] == 0 {
                b.open_at[f] = at;
            }
            b.open[f] += 1;
        } else if b.open[f] > 0 {
            b.open[f] -= 1;
        } else if family == Family::Single {
            // ’ is also the apostrophe: only a closing quote after an opening one.
        } else {
            if b.stray[f] == 0 {
                b.stray_at[f] = at;
            }
            b.stray[f] += 1;
        }
    };
    let bytes = text.as_bytes();
    if memchr::memchr2(b'<', b'&', bytes).is_some() {
        for (at, c) in Visible::new(text) {
            each(at, c);
        }
    } else {
        // Brackets are ASCII (below 0x60) or three-byte characters led by E2 80 (quotes), E3 80
        // (CJK brackets) or EF BC (full-width forms); continuation bytes never look like either.
        // Chunks of eight bytes without a byte below 0x60, 0x80 or 0xBC are passed over; in the
        // others a table of byte pairs rules out the rest (kana and ideographs among them).
        let flag = |w| has_below(w, 0x60) || has_byte(w, 0x80) || has_byte(w, 0xBC);
        scan_chunks(bytes, flag, |at| {
            let x = bytes[at];
            if !BRACKET_STARTS.contains(Bits16::pair(bytes, at)) {
                return true;
            }
            if x < 0x80 {
                each(at, x as char);
                return true;
            }
            let z = bytes.get(at + 2).copied().unwrap_or(0);
            // ‘’“” E2 80 98..9D; 〈〉《》「」『』【】〔〕 E3 80 88..95; （） EF BC 88/89;
            // ［］ EF BC BB/BD.
            let candidate = match x {
                0xE2 => (0x98..=0x9D).contains(&z),
                0xE3 => (0x88..=0x95).contains(&z),
                _ => matches!(z, 0x88 | 0x89 | 0xBB | 0xBD),
            };
            if candidate && let Some(c) = text[at..].chars().next() {
                each(at, c);
            }
            true
        });
    }
    b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    None,
    Period,
    Question,
    Exclamation,
    Colon,
    Ellipsis,
    Other,
}

/// The end of a text: its final punctuation (closing quotes and brackets skipped), the offset and
/// the character, and whether a closing quote or bracket was skipped.
fn text_end(text: &str) -> (End, usize, Option<char>, bool, Option<char>) {
    let mut last: [(usize, char); 4] = [(0, ' '); 4];
    let mut n = 0usize;
    let mut skipped = false;
    // Takes the characters of the text's last eight, from the end: white space is passed over,
    // closing quotes and brackets too until the first other character. Returns false when it
    // has the four it needs.
    let mut take = |at: usize, c: char| {
        if c.is_whitespace() {
            return true;
        }
        if n == 0 && (matches!(bracket(c), Some((_, false))) || c == '"' || c == '\'') {
            skipped = true;
            return true;
        }
        last[n] = (at, c);
        n += 1;
        n < 4
    };
    // Markup matters only if it is near the end.
    let mut tail = text.len().saturating_sub(48);
    while !text.is_char_boundary(tail) {
        tail -= 1;
    }
    if memchr::memchr2(b'<', b'&', &text.as_bytes()[tail..]).is_some() {
        // Walk forward keeping the last visible characters (markup may hide the end).
        let mut ring: [(usize, char); 8] = [(0, ' '); 8];
        let mut len = 0usize;
        for (at, c) in Visible::new(text) {
            ring[len % 8] = (at, c);
            len += 1;
        }
        for k in (len.saturating_sub(8)..len).rev() {
            let (at, c) = ring[k % 8];
            if !take(at, c) {
                break;
            }
        }
    } else {
        // Backwards from the end, trailing white space left out.
        let trimmed = text.trim_end();
        for (at, c) in trimmed.char_indices().rev().take(8) {
            if !take(at, c) {
                break;
            }
        }
    }
    if n == 0 {
        return (End::None, 0, None, skipped, None);
    }
    let (at, c) = last[0];
    let prev = (n > 1).then(|| last[1].1);
    let end = match c {
        '.' if n >= 3 && last[1].1 == '.' && last[2].1 == '.' => End::Ellipsis,
        '…' | '⋯' => End::Ellipsis,
        '.' | '。' | '．' => End::Period,
        '?' | '？' => End::Question,
        '!' | '！' => End::Exclamation,
        ':' | '：' => End::Colon,
        ';' | '；' | ',' | '，' | '、' => End::Other,
        _ => End::None,
    };
    (end, at, Some(c), skipped, prev)
}

/// Abbreviations whose period is not the end of a sentence.
fn ends_with_abbreviation(text: &str) -> bool {
    let t = text.trim_end().trim_end_matches('.');
    let word = t
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    [
        "Ltd", "Inc", "Co", "Corp", "etc", "Jr", "Sr", "St", "No", "U.S", "U.K", "U.N", "a.m",
        "p.m", "e.g", "i.e", "vs", "Dr", "Mr", "Mrs", "Ms", "Prof",
    ]
    .contains(&word)
}

/// Unbalanced brackets and quotes in the target (where the source is balanced), end punctuation
/// that does not correspond, half-width punctuation between Chinese or Japanese characters.
pub fn punctuation(source: &str, target: &str, target_lang: &Lang, out: &mut Vec<Finding>) {
    punctuation_in_style(source, target, target_lang, JaPunctuation::default(), out);
}

/// [`punctuation`] with Japanese targets held to `style`.
pub fn punctuation_in_style(
    source: &str,
    target: &str,
    target_lang: &Lang,
    style: JaPunctuation,
    out: &mut Vec<Finding>,
) {
    let cjk = is_cjk_lang(target_lang);
    let ja = target_lang.primary() == "ja";
    // Brackets and quotes.
    // The source is read only when the target is unbalanced: a quotation may run across
    // segments, and then both are.
    let tb = balance(target);
    let unbalanced = tb.open != [0; 5] || tb.stray != [0; 5];
    let sb = if unbalanced { balance(source) } else { tb };
    if unbalanced && sb != tb {
        for family in FAMILIES {
            let f = family as usize;
            if tb.open[f] > sb.open[f] {
                let c = target[tb.open_at[f]..].chars().next().unwrap_or(' ');
                let mut finding = Finding::new(
                    FindingKind::Punctuation,
                    Severity::Warning,
                    format!("\u{201c}{c}\u{201d} is not closed in the target"),
                );
                finding.target_span = Some((tb.open_at[f], tb.open_at[f] + c.len_utf8()));
                finding.found = Some(c.to_string());
                out.push(finding);
            } else if tb.stray[f] > sb.stray[f] {
                let c = target[tb.stray_at[f]..].chars().next().unwrap_or(' ');
                let mut finding = Finding::new(
                    FindingKind::Punctuation,
                    Severity::Warning,
                    format!("\u{201c}{c}\u{201d} closes nothing in the target"),
                );
                finding.target_span = Some((tb.stray_at[f], tb.stray_at[f] + c.len_utf8()));
                finding.found = Some(c.to_string());
                out.push(finding);
            }
        }
    }
    // End punctuation.
    let (se, _, sc, _, _) = text_end(source);
    let (te, tat, tc, t_skipped, t_prev) = text_end(target);
    // A Japanese noun phrase (a label, a property's description: `ファイルの場所`) ends
    // without 。 even where its English source has a period; a sentence (ending in kana:
    // `閉幕した`, `できません`) does not.
    let ja_phrase = ja
        && te == End::None
        && target
            .trim_end()
            .chars()
            .next_back()
            .is_some_and(|c| is_cjk(c) && !matches!(c, '\u{3040}'..='\u{309F}'));
    let expected = match se {
        End::Period => {
            let ok = te == End::Period
                || te == End::Ellipsis
                || (te == End::None && t_skipped)
                || ja_phrase;
            (!ok && !ends_with_abbreviation(source)).then_some(if cjk { "。" } else { "." })
        }
        End::Question => {
            let ok = te == End::Question || (ja && te == End::Period && t_prev == Some('か'));
            (!ok).then_some(if cjk { "？" } else { "?" })
        }
        End::Exclamation => {
            let ok = te == End::Exclamation || (ja && te == End::Period);
            (!ok).then_some(if cjk { "！" } else { "!" })
        }
        End::Colon => (te != End::Colon).then_some(if cjk { "：" } else { ":" }),
        End::Ellipsis => (te != End::Ellipsis).then_some(if cjk { "……" } else { "..." }),
        _ => None,
    };
    if let (Some(expected), Some(sc)) = (expected, sc) {
        let mut f = match tc.filter(|_| te != End::None) {
            Some(tc) => {
                let mut f = Finding::new(
                    FindingKind::Punctuation,
                    Severity::Warning,
                    format!(
                        "the source ends with \u{201c}{sc}\u{201d} but the target with \u{201c}{tc}\u{201d}"
                    ),
                );
                f.target_span = Some((tat, tat + tc.len_utf8()));
                f.found = Some(tc.to_string());
                f
            }
            None => Finding::new(
                FindingKind::Punctuation,
                Severity::Warning,
                format!(
                    "the source ends with \u{201c}{sc}\u{201d} but the target has no end punctuation"
                ),
            ),
        };
        f.expected = Some(expected.to_string());
        out.push(f);
    }
    if cjk {
        let software = ja && style == JaPunctuation::Software;
        half_width(target, software, out);
    }
}

/// Half-width punctuation right next to Chinese or Japanese characters where full-width belongs:
/// `中国,日本`, `中国, 日本`, `吗?`, `言論NPO(日本)が`, `问题:“`. Numbers (`1,000`) and Latin text are
/// left alone, and so is the software style of a half-width colon, semicolon or bracket set off by
/// a space (`警告: 指定`, `ダウンロード中 (完了まで)`). At most three findings.
fn half_width(target: &str, software: bool, out: &mut Vec<Finding>) {
    let bytes = target.as_bytes();
    let mut reported = 0;
    // Chinese and Japanese characters are bytes 0x80 and up: only chunks with a byte below
    // 0x40 can have this punctuation.
    scan_chunks(
        bytes,
        |w| has_below(w, 0x40),
        |at| {
            let x = bytes[at];
            if !matches!(x, b',' | b'?' | b'!' | b':' | b';' | b'(' | b')' | b'.') {
                return true;
            }
            if software && matches!(x, b'?' | b'!' | b'(' | b')') {
                return true;
            }
            let c = x as char;
            let p = target[..at].chars().next_back();
            if !p.is_some_and(is_cjk_text) {
                return true;
            }
            let after_cjk = p.is_some_and(is_cjk);
            let mut rest = target[at + 1..].chars();
            let next = rest.next();
            let cjk_next = next.is_some_and(is_cjk_text);
            let end = |n: Option<char>| {
                n.is_none_or(|n| matches!(bracket(n), Some((_, false))) || n == '\n' || n == '<')
            };
            let full = match c {
                ',' if cjk_next
                    || end(next)
                    || (next == Some(' ') && rest.next().is_some_and(is_cjk_text)) =>
                {
                    '，'
                }
                ';' if cjk_next => '；',
                ':' if cjk_next || next.is_some_and(|n| matches!(n, '“' | '「')) => '：',
                '?' if cjk_next || end(next) => '？',
                '!' if cjk_next || end(next) => '！',
                '(' if after_cjk && next.is_some_and(is_cjk) => '（',
                ')' if after_cjk && next.is_some_and(is_cjk) => '）',
                '.' if after_cjk && end(next) => '。',
                _ => return true,
            };
            let mut f = Finding::new(
                FindingKind::Punctuation,
                Severity::Warning,
                format!(
                    "half-width \u{201c}{c}\u{201d} in Chinese or Japanese text; \u{201c}{full}\u{201d} expected"
                ),
            );
            f.target_span = Some((at, at + 1));
            f.expected = Some(full.to_string());
            f.found = Some(c.to_string());
            out.push(f);
            reported += 1;
            reported < 3
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts of brackets, quotes, punctuation, digits, kana, ideographs and Latin letters.
    fn mixed_texts() -> Vec<String> {
        let parts = [
            "(",
            ")",
            "[",
            "]",
            "\"",
            "“",
            "”",
            "‘",
            "’",
            "「",
            "」",
            "『",
            "』",
            "《",
            "》",
            "〈",
            "〉",
            "【",
            "】",
            "〔",
            "〕",
            "（",
            "）",
            "［",
            "］",
            "。",
            "、",
            "，",
            "：",
            "中国",
            "です",
            "カタカナ",
            "日本",
            "Wang Yi",
            " ",
            ",",
            ".",
            "?",
            "!",
            ":",
            ";",
            "1,000",
            "46%",
            "—",
            "…",
            "€",
            "\u{a0}",
            "ｶﾀｶﾅ",
            "𠀋",
        ];
        let mut next = crate::matching::test_numbers(0x2545_F491_4F6C_DD1D);
        (0..3000)
            .map(|_| (0..next(24)).map(|_| parts[next(parts.len())]).collect())
            .collect()
    }

    #[test]
    fn brackets_are_counted_alike_byte_by_byte_and_character_by_character() {
        // A character reference makes `balance` read the text character by character.
        for t in mixed_texts() {
            assert_eq!(balance(&t), balance(&format!("{t}&amp;")), "{t:?}");
        }
    }

    #[test]
    fn text_ends_are_read_alike_with_and_without_markup() {
        // An inline code in front makes `text_end` read the text character by character.
        for t in mixed_texts() {
            let (e, at, c, skipped, prev) = text_end(&t);
            let shifted = text_end(&format!("<ph/>{t}"));
            let at = if c.is_some() { at + 5 } else { 0 };
            assert_eq!((e, at, c, skipped, prev), shifted, "{t:?}");
        }
    }
}
