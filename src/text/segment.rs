//! Sentence segmentation of plain text: paragraphs, headings and list items, then SRX rules.
//!
//! 1. A blank line (only whitespace) ends a paragraph; a segment never crosses one. So does a
//!    page break (U+000C, form feed, as Word writes a manual page break).
//! 2. A line ends at a line feed or at U+000B (Word's manual line break, vertical tab).
//!    Inside a paragraph a line break is whitespace, except after a line that looks like a
//!    heading (short, no final punctuation, the next line not continuing it in lower case),
//!    after a line ending with a colon (a label or the lead-in of a list) and before a list item
//!    (`- `, `• `, `1. `, `2) `, `(a) `...): there the text is cut into separate blocks.
//! 3. A block that starts with a list marker and goes on with the next markers on the same line
//!    (`1) first 2) second`) is cut before each of them.
//! 4. Inside a block, the SRX rules ([`RuleSet`]) find the breaks.
//!
//! Segments are trimmed of whitespace (any Unicode white space, including no-break spaces); the
//! segments and the gaps between them rebuild the input exactly.
//!
//! Depends only on `text::srx` and `error`; no I/O.

use std::borrow::Cow;

use serde::Serialize;

use crate::error::{ErrorKind, Result};
use crate::text::srx::RuleSet;

/// One segment of an input text.
///
/// Invariants: `start < end`, `input[start..end]` has no leading or trailing white space, and
/// segments come in increasing, non-overlapping order. `char_start`/`char_end` count characters
/// (Unicode scalar values) from the start of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// 0-based paragraph number (paragraphs are separated by blank lines).
    pub paragraph: usize,
    /// 0-based number of the segment in the whole input.
    pub index: usize,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
    /// Character offset of the first character.
    pub char_start: usize,
    /// Character offset just past the last character.
    pub char_end: usize,
}

impl Segment {
    /// The segment's text in `input` (the text it was made from).
    pub fn text<'a>(&self, input: &'a str) -> &'a str {
        &input[self.start..self.end]
    }
}

/// How far (in bytes) an inline list item may run before the next marker.
const LIST_ITEM_MAX_BYTES: usize = 400;

/// Longest line (in characters) that can be a heading without looking like a title.
const HEADING_MAX_CHARS: usize = 60;
/// Longest line (in characters) that can be a heading at all (if it is in title case).
const TITLE_MAX_CHARS: usize = 110;

/// Segments `input` with `rules`.
///
/// ```
/// use tmkit::formats::srx;
/// use tmkit::text::{segment::segment, srx::Engine};
///
/// let engine = Engine::new(srx::default_rules().unwrap());
/// let rules = engine.rules_for("en").unwrap();
/// let input = "Mr. Smith met Dr. Wu at 10 a.m. They talked.\n\nNext paragraph.";
/// let texts: Vec<&str> = segment(input, &rules).iter().map(|s| s.text(input)).collect();
/// assert_eq!(texts, ["Mr. Smith met Dr. Wu at 10 a.m.", "They talked.", "Next paragraph."]);
/// ```
pub fn segment(input: &str, rules: &RuleSet) -> Vec<Segment> {
    let mut out = Vec::new();
    segment_into(input, rules, &mut out);
    out
}

/// [`segment`] appending to `out` (which keeps its allocation from one call to the next); returns
/// the number of paragraphs. Offsets, paragraph numbers and indexes count from the start of
/// `input` and from 0, whatever `out` held before.
///
/// A text cut right after a blank line (see [`last_paragraph_break`]) segments as its two
/// pieces do, one after the other, their offsets, paragraph numbers and indexes shifted: what a
/// streaming reader relies on.
pub fn segment_into(input: &str, rules: &RuleSet, out: &mut Vec<Segment>) -> usize {
    segment_with(input, rules, out, true)
}

/// [`segment_into`] without character offsets: every `char_start` and `char_end` is 0. For a
/// caller that needs only the segments' text (and byte offsets): it saves counting every
/// character of the input.
pub fn segment_into_without_chars(input: &str, rules: &RuleSet, out: &mut Vec<Segment>) -> usize {
    segment_with(input, rules, out, false)
}

fn segment_with(input: &str, rules: &RuleSet, out: &mut Vec<Segment>, count_chars: bool) -> usize {
    let first = out.len();
    let mut chars = CharCounter::default();
    let mut breaks = Vec::new();
    let mut count = 0;
    for (paragraph, (p_start, p_end)) in paragraphs(input).enumerate() {
        count = paragraph + 1;
        for (b_start, b_end) in blocks(input, p_start, p_end) {
            let block = &input[b_start..b_end];
            breaks.clear();
            rules.breaks(block, &mut breaks);
            let mut from = 0;
            for &cut in breaks.iter().chain(std::iter::once(&block.len())) {
                let piece = &block[from..cut];
                let trimmed = piece.trim_start_matches(is_space);
                let lead = piece.len() - trimmed.len();
                let trimmed = trimmed.trim_end_matches(is_space);
                if !trimmed.is_empty() {
                    let start = b_start + from + lead;
                    let end = start + trimmed.len();
                    let (char_start, char_end) = if count_chars {
                        (chars.at(input, start), chars.at(input, end))
                    } else {
                        (0, 0)
                    };
                    out.push(Segment {
                        paragraph,
                        index: out.len() - first,
                        start,
                        end,
                        char_start,
                        char_end,
                    });
                }
                from = cut;
            }
        }
    }
    count
}

/// The end of the last blank line of `bytes` (just past its line feed or U+000B): where a text
/// may be cut into pieces that segment as the whole does, since no paragraph crosses a blank
/// line. `bytes` must start at the start of a line. `None` when it has no blank line ended by a
/// line break (or the blank line is not UTF-8).
pub fn last_paragraph_break(bytes: &[u8]) -> Option<usize> {
    let mut end = bytes.len();
    while let Some(t) = memchr::memrchr2(b'\n', LINE_TAB, &bytes[..end]) {
        let start = memchr::memrchr2(b'\n', LINE_TAB, &bytes[..t]).map_or(0, |i| i + 1);
        if std::str::from_utf8(&bytes[start..t]).is_ok_and(is_blank) {
            return Some(t + 1);
        }
        end = t;
    }
    None
}

/// Calls `f` with the end of every blank line of `text` (as [`last_paragraph_break`] finds the
/// last one), in order.
pub fn paragraph_breaks(text: &str, mut f: impl FnMut(usize)) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for t in memchr::memchr2_iter(b'\n', LINE_TAB, bytes) {
        if is_blank(&text[start..t]) {
            f(t + 1);
        }
        start = t + 1;
    }
}

/// Decodes `bytes` as UTF-8: an error giving the byte offset of the first invalid byte, or with
/// `lossy` each invalid sequence replaced by U+FFFD. A leading byte-order mark is kept (it is
/// part of the input; the segmenter treats it as text).
pub fn decode(bytes: &[u8], lossy: bool) -> Result<Cow<'_, str>> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(_) if lossy => Ok(String::from_utf8_lossy(bytes)),
        Err(e) => Err(ErrorKind::Utf8 {
            offset: e.valid_up_to(),
        }
        .into()),
    }
}

/// Counts characters up to increasing byte offsets in linear total time.
#[derive(Default)]
struct CharCounter {
    byte: usize,
    chars: usize,
}

impl CharCounter {
    fn at(&mut self, input: &str, byte: usize) -> usize {
        debug_assert!(byte >= self.byte);
        self.chars += input[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

/// Lines of `input[start..end]` as (start, end) byte ranges without the line terminator.
fn lines(input: &str, start: usize, end: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= end {
            return None;
        }
        let rest = &input.as_bytes()[pos..end];
        let (line_end, next) = match memchr::memchr2(b'\n', LINE_TAB, rest) {
            Some(i) => (pos + i, pos + i + 1),
            None => (end, end),
        };
        let line = (pos, line_end);
        pos = next;
        Some(line)
    })
}

/// White space as the segmenter sees it: Unicode white space (including U+00A0 and U+3000)
/// and the byte-order mark U+FEFF, which segments never start or end with.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

fn is_blank(s: &str) -> bool {
    s.chars().all(is_space)
}

/// U+000B (vertical tab), Word's manual line break: a line break like `\n`.
const LINE_TAB: u8 = 0x0b;
/// U+000C (form feed), Word's manual page break: a paragraph break.
const PAGE_BREAK: u8 = 0x0c;

/// Paragraphs: maximal runs of non-blank lines within a page (pages are separated by U+000C),
/// as byte ranges (from the first line's start to the last line's end).
fn paragraphs(input: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut page_start = 0;
    let pages = std::iter::from_fn(move || {
        if page_start > input.len() || (page_start == input.len() && !input.is_empty()) {
            return None;
        }
        let rest = &input.as_bytes()[page_start..];
        let end = memchr::memchr(PAGE_BREAK, rest).map_or(input.len(), |i| page_start + i);
        let page = (page_start, end);
        page_start = end + 1;
        Some(page)
    });
    pages.flat_map(move |(start, end)| page_paragraphs(input, start, end))
}

/// The paragraphs of `input[start..end]`, a text without page breaks.
fn page_paragraphs(
    input: &str,
    start: usize,
    end: usize,
) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut it = lines(input, start, end).peekable();
    std::iter::from_fn(move || {
        let first = loop {
            let (s, e) = it.next()?;
            if !is_blank(&input[s..e]) {
                break (s, e);
            }
        };
        let mut last_end = first.1;
        while let Some(&(s, e)) = it.peek() {
            if is_blank(&input[s..e]) {
                break;
            }
            last_end = e;
            it.next();
        }
        Some((first.0, last_end))
    })
}

/// Blocks of a paragraph: cut after heading-like lines, before list items, and before the
/// markers of an inline list.
fn blocks(input: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let ls: Vec<(usize, usize)> = lines(input, start, end).collect();
    let mut block_start = start;
    for (i, &(s, e)) in ls.iter().enumerate() {
        let Some(&(ns, ne)) = ls.get(i + 1) else {
            break;
        };
        let line = input[s..e].trim();
        let next = input[ns..ne].trim();
        if list_marker(next).is_some() || is_heading(line, next) || line.ends_with([':', '：']) {
            out.push((block_start, e));
            block_start = ns;
        }
    }
    out.push((block_start, end));
    let mut split = Vec::with_capacity(out.len());
    for (s, e) in out {
        inline_list(input, s, e, &mut split);
    }
    split
}

/// Whether `line` (trimmed, followed by the trimmed line `next` in the same paragraph) stands
/// on its own: short, no final punctuation, and `next` does not continue it in lower case
/// (unless `next` is short and unpunctuated too, as in a list of keywords).
fn is_heading(line: &str, next: &str) -> bool {
    if line.is_empty() || has_final_punctuation(line) || ends_open(line) {
        return false;
    }
    let n = line.chars().count();
    let short = n <= HEADING_MAX_CHARS || (n <= TITLE_MAX_CHARS && is_title_case(line));
    if !short {
        return false;
    }
    let next_lower = next.chars().next().is_some_and(char::is_lowercase);
    if !next_lower {
        return true;
    }
    // "features\ncontact manager\nevents": a column of short keyword lines.
    !has_final_punctuation(next)
        && !ends_open(next)
        && next.chars().count() <= HEADING_MAX_CHARS
        && line.split_whitespace().count() <= 3
}

/// Sentence-final punctuation at the end, possibly followed by closing quotes and brackets.
fn has_final_punctuation(line: &str) -> bool {
    let t = line.trim_end_matches(is_closer);
    t.ends_with([
        '.', '!', '?', '…', '。', '！', '？', '．', '｡', ':', ';', '：', '；',
    ])
}

/// A line that obviously goes on: ends with a comma, a dash, a hyphen or a conjunction.
fn ends_open(line: &str) -> bool {
    if line.ends_with([',', '，', '、', '-', '–', '—', '/', '&', '(', '“', '‘']) {
        return true;
    }
    // Wrapped Chinese and Japanese: a line that ends in hiragana (a particle, a verb ending) or
    // in a Chinese function word goes on; headings end in nouns.
    if let Some(c) = line.chars().next_back()
        && (('\u{3041}'..='\u{309f}').contains(&c)
            || matches!(
                c,
                '的' | '和'
                    | '与'
                    | '及'
                    | '在'
                    | '是'
                    | '了'
                    | '把'
                    | '被'
                    | '对'
                    | '从'
                    | '为'
                    | '将'
                    | '并'
                    | '而'
                    | '或'
                    | '但'
            ))
    {
        return true;
    }
    let last = line.rsplit(char::is_whitespace).next().unwrap_or("");
    matches!(
        last,
        "and"
            | "or"
            | "but"
            | "the"
            | "a"
            | "an"
            | "of"
            | "to"
            | "in"
            | "for"
            | "with"
            | "by"
            | "that"
            | "on"
            | "at"
    )
}

fn is_title_case(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let capital = words
        .iter()
        .filter(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_numeric())
        })
        .count();
    words.len() >= 2 && capital * 10 >= words.len() * 6
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | '»'
            | '’'
            | '”'
            | '›'
            | '」'
            | '』'
            | '）'
            | '】'
            | '〕'
            | '》'
            | '〉'
            | '］'
            | '｝'
    )
}

/// The kind of list marker `line` (trimmed) starts with, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// A bullet character.
    Bullet(char),
    /// A number, letter or Roman numeral followed by `.`, `)` or `.)`, or in parentheses.
    Enumerator {
        value: u32,
        kind: Kind,
        style: Style,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Letter { upper: bool },
    Roman { upper: bool },
}

impl Kind {
    fn render(self, value: u32) -> Option<String> {
        match self {
            Kind::Number => Some(value.to_string()),
            Kind::Letter { upper } => {
                let base = if upper { 'A' } else { 'a' };
                let c = char::from_u32(base as u32 + value.checked_sub(1)?)?;
                c.is_ascii_alphabetic().then(|| c.to_string())
            }
            Kind::Roman { upper } => {
                let r = roman(value)?;
                Some(if upper { r.to_ascii_uppercase() } else { r })
            }
        }
    }
}

fn roman(mut n: u32) -> Option<String> {
    if n == 0 || n >= 400 {
        return None;
    }
    let table = [
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (v, s) in table {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    Some(out)
}

fn parse_roman(s: &str) -> Option<u32> {
    let lower = s.to_ascii_lowercase();
    (1..400).find(|&n| roman(n).as_deref() == Some(lower.as_str()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Dot,
    Paren,
    DotParen,
    Parens,
}

impl Style {
    fn render(self, value: &str) -> String {
        match self {
            Style::Dot => format!("{value}."),
            Style::Paren => format!("{value})"),
            Style::DotParen => format!("{value}.)"),
            Style::Parens => format!("({value})"),
        }
    }
}

const BULLETS: [char; 9] = ['•', '⁃', '◦', '▪', '‣', '∙', '·', '●', '○'];

fn list_marker(line: &str) -> Option<(Marker, usize)> {
    let first = line.chars().next()?;
    if BULLETS.contains(&first) {
        return Some((Marker::Bullet(first), first.len_utf8()));
    }
    if matches!(first, '-' | '*' | '–' | '—') {
        let rest = &line[first.len_utf8()..];
        return rest
            .starts_with([' ', '\t'])
            .then_some((Marker::Bullet(first), first.len_utf8()));
    }
    let (body, paren_open) = match line.strip_prefix('(') {
        Some(r) => (r, true),
        None => (line, false),
    };
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let romans = body
        .bytes()
        .take_while(|b| {
            matches!(
                b,
                b'i' | b'v' | b'x' | b'l' | b'c' | b'I' | b'V' | b'X' | b'L' | b'C'
            )
        })
        .count();
    let (value, kind, len) = if digits > 0 && digits <= 3 {
        (body[..digits].parse::<u32>().ok()?, Kind::Number, digits)
    } else if romans > 0
        && romans <= 6
        && (romans > 1 || body.starts_with(['i', 'I']))
        && body[..romans]
            .bytes()
            .all(|b| b.is_ascii_lowercase() == body.as_bytes()[0].is_ascii_lowercase())
        && let Some(v) = parse_roman(&body[..romans])
    {
        let upper = body.as_bytes()[0].is_ascii_uppercase();
        (v, Kind::Roman { upper }, romans)
    } else {
        let c = body.chars().next()?;
        if !c.is_ascii_alphabetic() {
            return None;
        }
        let upper = c.is_ascii_uppercase();
        let base = if upper { 'A' } else { 'a' };
        (c as u32 - base as u32 + 1, Kind::Letter { upper }, 1)
    };
    let rest = &body[len..];
    let (style, used) = if paren_open {
        rest.starts_with(')').then_some((Style::Parens, 1))?
    } else if rest.starts_with(".)") {
        (Style::DotParen, 2)
    } else if rest.starts_with(')') {
        (Style::Paren, 1)
    } else if rest.starts_with('.') {
        (Style::Dot, 1)
    } else {
        return None;
    };
    let after = &rest[used..];
    // The marker must be followed by white space and then something.
    if !after.starts_with(char::is_whitespace) || after.trim().is_empty() {
        return None;
    }
    // "a. " alone is a list marker only when a letter list is likely: checked by the caller
    // (inline lists need the next letter); at line start we accept it.
    Some((
        Marker::Enumerator { value, kind, style },
        usize::from(paren_open) + len + used,
    ))
}

/// Cuts the block `input[start..end]` before each further marker of an inline list that the
/// block starts with, and pushes the pieces.
fn inline_list(input: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let block = &input[start..end];
    let lead = block.len() - block.trim_start().len();
    if let Some((marker, marker_len)) = list_marker(block.trim_start()) {
        let cuts = list_cuts(block, lead, marker, marker_len);
        push_cuts(start, end, &cuts, out);
        return;
    }
    // A list that starts after a colon: "Agenda: 1. Welcome 2. Budget 3. Vote". Only when the
    // second marker follows too, so "Note: 1. is odd" stays whole.
    let mut search = 0;
    while let Some(i) = block[search..].find(':') {
        let colon = search + i;
        search = colon + 1;
        let rest = &block[colon + 1..];
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() {
            continue;
        }
        let at = colon + 1 + (rest.len() - trimmed.len());
        let Some((marker, marker_len)) = list_marker(trimmed) else {
            continue;
        };
        if !matches!(marker, Marker::Enumerator { value: 1, .. }) {
            continue;
        }
        let cuts = list_cuts(block, at, marker, marker_len);
        // Items of a list after a colon start with a capital or a digit; lower-case clauses
        // ("as follows: (a) the price is fixed; (b) ...") are one sentence.
        let item_starts_high = |pos: usize| {
            list_marker(&block[pos..]).is_some_and(|(_, len)| {
                block[pos + len..]
                    .trim_start()
                    .starts_with(|c: char| c.is_uppercase() || c.is_numeric())
            })
        };
        if cuts.is_empty() || !item_starts_high(at) || !cuts.iter().all(|&c| item_starts_high(c)) {
            continue;
        }
        let mut all = vec![at];
        all.extend(cuts);
        push_cuts(start, end, &all, out);
        return;
    }
    out.push((start, end));
}

fn push_cuts(start: usize, end: usize, cuts: &[usize], out: &mut Vec<(usize, usize)>) {
    let mut s = start;
    for &c in cuts {
        out.push((s, start + c));
        s = start + c;
    }
    out.push((s, end));
}

/// Offsets in `block` of the markers that continue a list whose first marker is at `at`.
fn list_cuts(block: &str, at: usize, marker: Marker, marker_len: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut from = at + marker_len;
    let mut value = match marker {
        Marker::Enumerator { value, .. } => value,
        Marker::Bullet(_) => 0,
    };
    loop {
        let needle = match marker {
            Marker::Bullet(c) => c.to_string(),
            Marker::Enumerator { kind, style, .. } => match kind.render(value + 1) {
                Some(text) => style.render(&text),
                None => break,
            },
        };
        let Some(found) = find_marker(block, from, &needle, matches!(marker, Marker::Bullet(_)))
        else {
            break;
        };
        cuts.push(found);
        from = found + needle.len();
        value += 1;
    }
    cuts
}

/// The next occurrence of `needle` at or after `from` that is preceded by white space and (for
/// enumerators) followed by white space.
fn find_marker(block: &str, from: usize, needle: &str, bullet: bool) -> Option<usize> {
    // Items of an inline list are short: looking only this far keeps the search linear.
    let mut limit = (from + LIST_ITEM_MAX_BYTES + needle.len()).min(block.len());
    while !block.is_char_boundary(limit) {
        limit += 1;
    }
    let mut at = from;
    while let Some(i) = block.get(at..limit)?.find(needle) {
        let pos = at + i;
        let before_ok = block[..pos]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
        let after = &block[pos + needle.len()..];
        let after_ok = bullet || after.starts_with(char::is_whitespace);
        // A digit right before would make "12." out of "2.": the white space check covers it.
        if before_ok && after_ok && !after.trim().is_empty() {
            return Some(pos);
        }
        at = pos + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::srx::Engine;

    fn engine() -> Engine {
        Engine::new(crate::formats::srx::default_rules().unwrap())
    }

    fn texts<'a>(input: &'a str, rules: &RuleSet) -> Vec<&'a str> {
        segment(input, rules)
            .iter()
            .map(|s| s.text(input))
            .collect()
    }

    #[test]
    fn paragraphs_headings_and_lists() {
        let e = engine();
        let rules = e.rules_for("en").unwrap();
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   \n\t\n", &[]),
            ("One. Two.", &["One.", "Two."]),
            (
                "A heading\nThe text goes on. Here.",
                &["A heading", "The text goes on.", "Here."],
            ),
            (
                "It was a cold \nnight in the city.",
                &["It was a cold \nnight in the city."],
            ),
            (
                "This is a sentence\ncut off in the middle because pdf.",
                &["This is a sentence\ncut off in the middle because pdf."],
            ),
            (
                "features\ncontact manager\nevents, activities\n",
                &["features", "contact manager", "events, activities"],
            ),
            (
                "First para ends\n\nsecond para",
                &["First para ends", "second para"],
            ),
            (
                "Items:\n- apples\n- pears",
                &["Items:", "- apples", "- pears"],
            ),
            (
                "1) The first item 2) The second item",
                &["1) The first item", "2) The second item"],
            ),
            (
                "1.) The first item 2.) The second item",
                &["1.) The first item", "2.) The second item"],
            ),
            (
                "1. The first item. 2. The second item.",
                &["1. The first item.", "2. The second item."],
            ),
            (
                "a. The first item b. The second item c. The third list item",
                &[
                    "a. The first item",
                    "b. The second item",
                    "c. The third list item",
                ],
            ),
            (
                "• 9. The first item • 10. The second item",
                &["• 9. The first item", "• 10. The second item"],
            ),
            (
                "⁃9. The first item ⁃10. The second item",
                &["⁃9. The first item", "⁃10. The second item"],
            ),
            ("Edited by Jamie Wright", &["Edited by Jamie Wright"]),
            (
                "the committee found that the budget was approved by the board of\nDirectors in a closed session.",
                &[
                    "the committee found that the budget was approved by the board of\nDirectors in a closed session.",
                ],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(texts(input, &rules), *want, "input {input:?}");
        }
    }

    /// Every case the segmenter's issue lists, in English, Chinese and Japanese.
    #[test]
    fn issue_cases_in_three_languages() {
        let e = engine();
        let cases: &[(&str, &str, &[&str])] = &[
            // English: titles
            (
                "en",
                "Mr. Li met Mrs. Ono, Ms. Kim, Dr. Wu and Prof. Sato.",
                &["Mr. Li met Mrs. Ono, Ms. Kim, Dr. Wu and Prof. Sato."],
            ),
            (
                "en",
                "Gov. Hochul, Sen. Reed, Rep. Lee and Gen. Ross spoke at St. Mark's.",
                &["Gov. Hochul, Sen. Reed, Rep. Lee and Gen. Ross spoke at St. Mark's."],
            ),
            // months
            (
                "en",
                "It ran from Jan. 3 to Feb. 9, then Sept. 1 to Dec. 24.",
                &["It ran from Jan. 3 to Feb. 9, then Sept. 1 to Dec. 24."],
            ),
            (
                "en",
                "Mar. 4, Apr. 5, Jun. 6, Jul. 7, Aug. 8, Oct. 9 and Nov. 10 are dates.",
                &["Mar. 4, Apr. 5, Jun. 6, Jul. 7, Aug. 8, Oct. 9 and Nov. 10 are dates."],
            ),
            // dotted acronyms
            (
                "en",
                "The U.S. and U.K. and E.U. agreed. The talks ended.",
                &["The U.S. and U.K. and E.U. agreed.", "The talks ended."],
            ),
            (
                "en",
                "Growth slowed in the U.S. The Fed held rates.",
                &["Growth slowed in the U.S.", "The Fed held rates."],
            ),
            // company suffixes
            (
                "en",
                "Acme Inc. bought Beta Ltd. from Gamma Co. and Delta Corp. last week.",
                &["Acme Inc. bought Beta Ltd. from Gamma Co. and Delta Corp. last week."],
            ),
            // No. vs. etc. e.g. i.e. approx. Fig.
            (
                "en",
                "Case No. 5 (Smith vs. Jones) cites Fig. 2, e.g. the chart, i.e. approx. 40 lines.",
                &[
                    "Case No. 5 (Smith vs. Jones) cites Fig. 2, e.g. the chart, i.e. approx. 40 lines.",
                ],
            ),
            (
                "en",
                "We need pens, paper, etc. for school.",
                &["We need pens, paper, etc. for school."],
            ),
            // initials
            (
                "en",
                "J. R. R. Tolkien met C. S. Lewis in Oxford.",
                &["J. R. R. Tolkien met C. S. Lewis in Oxford."],
            ),
            // decimals, money, percentages
            (
                "en",
                "It cost $5.45, up 36.2% from 4.0 units. Sales rose.",
                &["It cost $5.45, up 36.2% from 4.0 units.", "Sales rose."],
            ),
            // times and a break after a.m.
            (
                "en",
                "We meet at 10 a.m. and leave at 3:45 p.m. sharp.",
                &["We meet at 10 a.m. and leave at 3:45 p.m. sharp."],
            ),
            (
                "en",
                "The train left at 10 a.m. It was late.",
                &["The train left at 10 a.m.", "It was late."],
            ),
            // ellipses
            (
                "en",
                "He waited... Nothing happened. Then … silence.",
                &["He waited...", "Nothing happened.", "Then … silence."],
            ),
            // URLs, e-mail, versions
            (
                "en",
                "See https://example.com/a.html or mail info@example.org. Version v1.2 works.",
                &[
                    "See https://example.com/a.html or mail info@example.org.",
                    "Version v1.2 works.",
                ],
            ),
            // closing quotes and brackets after the full stop
            (
                "en",
                "They went further.\u{201d} Then they stopped.",
                &["They went further.\u{201d}", "Then they stopped."],
            ),
            (
                "en",
                "They went further.\" Then they stopped.",
                &["They went further.\"", "Then they stopped."],
            ),
            (
                "en",
                "(It was over.) The crowd left.",
                &["(It was over.)", "The crowd left."],
            ),
            // quotes holding more than one sentence
            (
                "en",
                "\u{201c}We tried. We failed.\u{201d} She sighed.",
                &["\u{201c}We tried.", "We failed.\u{201d}", "She sighed."],
            ),
            // sentences starting in lower case
            (
                "en",
                "Sales of tablets fell. iPads sold best. eBay agreed. v3 ships soon.",
                &[
                    "Sales of tablets fell.",
                    "iPads sold best.",
                    "eBay agreed.",
                    "v3 ships soon.",
                ],
            ),
            // no-break and other Unicode spaces
            (
                "en",
                "It rained.\u{a0}We stayed.\u{2009}Mr.\u{a0}Li came.\u{3000}Fine.",
                &["It rained.", "We stayed.", "Mr.\u{a0}Li came.", "Fine."],
            ),
            // Chinese
            (
                "zh",
                "今天下雨了。我们在家！你呢？",
                &["今天下雨了。", "我们在家！", "你呢？"],
            ),
            (
                "zh",
                "他说：“我们走吧。”大家都同意。",
                &["他说：“我们走吧。”", "大家都同意。"],
            ),
            (
                "zh",
                "（这是注释。）正文继续。【完】",
                &["（这是注释。）", "正文继续。", "【完】"],
            ),
            (
                "zh",
                "增长了3.5%，达到35.8万亿元。版本v1.2已发布。",
                &["增长了3.5%，达到35.8万亿元。", "版本v1.2已发布。"],
            ),
            ("zh", "他沉默了……然后离开了。", &["他沉默了……然后离开了。"]),
            ("zh", "真的吗？！太好了。", &["真的吗？！", "太好了。"]),
            (
                "zh",
                "他用Node.js和U.S. English写代码。很好。",
                &["他用Node.js和U.S. English写代码。", "很好。"],
            ),
            // Japanese
            (
                "ja",
                "今日は雨です。明日は晴れ！本当？",
                &["今日は雨です。", "明日は晴れ！", "本当？"],
            ),
            (
                "ja",
                "「行きましょう。」彼は言った。",
                &["「行きましょう。」", "彼は言った。"],
            ),
            (
                "ja",
                "「行きます。」と彼は言った。『本当？』って聞いた。",
                &["「行きます。」と彼は言った。", "『本当？』って聞いた。"],
            ),
            (
                "ja",
                "（注：詳細は後述。）本文です。",
                &["（注：詳細は後述。）", "本文です。"],
            ),
            (
                "ja",
                "価格は3.5ドルです。バージョンv2.0.1を使う。",
                &["価格は3.5ドルです。", "バージョンv2.0.1を使う。"],
            ),
            (
                "ja",
                "待って……それは何？えっ！",
                &["待って……それは何？", "えっ！"],
            ),
            ("ja", "すごい!本当?うん。", &["すごい!", "本当?", "うん。"]),
            (
                "ja",
                "「晴れ。明日は雨。」と彼は言った。",
                &["「晴れ。明日は雨。」と彼は言った。"],
            ),
            (
                "ja",
                "これは父の\n家です。次です。",
                &["これは父の\n家です。", "次です。"],
            ),
            (
                "ja",
                "東京サミット\n首脳が会談した。",
                &["東京サミット", "首脳が会談した。"],
            ),
            (
                "ja",
                "値上げ幅は３．２９％以上。",
                &["値上げ幅は３．２９％以上。"],
            ),
            (
                "zh",
                "我们去看《摔跤吧！爸爸》好吗？好！",
                &["我们去看《摔跤吧！爸爸》好吗？", "好！"],
            ),
            ("zh", "这是我们的\n新产品。", &["这是我们的\n新产品。"]),
            (
                "zh",
                "中日论坛举行\n双方同意合作。",
                &["中日论坛举行", "双方同意合作。"],
            ),
            // other languages fall back to the default rules
            (
                "fr",
                "M. Dupont est arrivé. Il pleuvait à Paris.",
                &["M. Dupont est arrivé.", "Il pleuvait à Paris."],
            ),
            (
                "de",
                "Das Wetter ist gut. Wir gehen raus!",
                &["Das Wetter ist gut.", "Wir gehen raus!"],
            ),
        ];
        for (lang, input, want) in cases {
            let rules = e.rules_for(lang).unwrap();
            assert_eq!(texts(input, &rules), *want, "[{lang}] {input:?}");
        }
    }

    #[test]
    fn byte_order_mark_and_crlf_stay_out_of_segments() {
        let e = engine();
        let rules = e.rules_for("en").unwrap();
        let input =
            "\u{feff}Title Here\r\n\r\nFirst one. Second one.\r\nA Heading\r\nMore text.\r\n";
        let got: Vec<_> = segment(input, &rules)
            .iter()
            .map(|s| (s.paragraph, s.text(input)))
            .collect();
        assert_eq!(
            got,
            [
                (0, "Title Here"),
                (1, "First one."),
                (1, "Second one."),
                (1, "A Heading"),
                (1, "More text.")
            ]
        );
    }

    #[test]
    fn word_line_and_page_breaks_are_breaks() {
        let e = engine();
        let rules = e.rules_for("en").unwrap();
        // U+000B is a line break (here after a heading), U+000C a paragraph break even in
        // the middle of a sentence; neither stays in a segment.
        let input =
            "A Heading\u{b}The text goes on\u{c}after the page break.\u{c}\u{c}Last one.\u{b}";
        let got: Vec<_> = segment(input, &rules)
            .iter()
            .map(|s| (s.paragraph, s.text(input)))
            .collect();
        assert_eq!(
            got,
            [
                (0, "A Heading"),
                (0, "The text goes on"),
                (1, "after the page break."),
                (2, "Last one.")
            ]
        );
        // Inside a sentence a manual line break is white space, as a line feed is.
        let input = "One sentence that\u{b}goes on.";
        let got: Vec<_> = segment(input, &rules)
            .iter()
            .map(|s| s.text(input))
            .collect();
        assert_eq!(got, ["One sentence that\u{b}goes on."]);
    }

    #[test]
    fn offsets_are_bytes_and_chars() {
        let e = engine();
        let rules = e.rules_for("zh").unwrap();
        let input = "  你好。\u{a0}再见！\n\nÉté.";
        let segs = segment(input, &rules);
        let got: Vec<_> = segs
            .iter()
            .map(|s| {
                (
                    s.paragraph,
                    s.index,
                    s.text(input),
                    s.char_start,
                    s.char_end,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (0, 0, "你好。", 2, 5),
                (0, 1, "再见！", 6, 9),
                (1, 2, "Été.", 11, 15)
            ]
        );
        for s in &segs {
            assert_eq!(input[..s.start].chars().count(), s.char_start);
        }
    }

    #[test]
    fn decode_reports_offset_or_replaces() {
        let bad = b"ok \xff more";
        let e = decode(bad, false).unwrap_err();
        assert_eq!(e.to_string(), "invalid UTF-8 at byte offset 3");
        assert_eq!(decode(bad, true).unwrap(), "ok \u{fffd} more");
        assert_eq!(decode(b"fine", false).unwrap(), "fine");
    }
}
