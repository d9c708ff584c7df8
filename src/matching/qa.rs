//! Quality checks of one source/target pair: numbers, inline codes, untranslated targets,
//! punctuation and whitespace. Pure functions, no I/O; glossary terms and consistency across a
//! memory are checked elsewhere (they need more than one pair).
//!
//! It lives in `matching` next to term recognition because it compares a source with its target;
//! the single-text algorithms it builds on (numbers, inline markup) are in `text`.
//!
//! Texts are segment contents as [`crate::model::Variant::content`] gives them: markup where the
//! segment has inline codes. Spans in findings are byte ranges into those strings.
//!
//! Severities follow confidence: an error is what a reviewer must fix, a warning deserves a look.
//!
//! | kind | error | warning |
//! |---|---|---|
//! | `number` | a number changed into another (`16th` → 第15回, `six` → 5回, `Nov. 30` → 11月3日); a missing or extra figure of two or more digits, with decimals, a percentage, a date or an ordinal in figures (`1928`, `35.8`, `46%`, `第16回`) | a missing or extra single digit or number word alone (`3ファイル`, `twelve`), and `1st` missing (首行) |
//! | `tag` | always | |
//! | `untranslated` | an empty target; a copy of a source with two or more lower-case words; no Chinese or Japanese at all | a copy of a one-word source (`yes`, `proc`: as often a keyword the program reads) |
//! | `punctuation`, `whitespace` | | always |
//!
//! Not reported at all: a copy of a command synopsis (`exit [n]`), a licence or warranty line,
//! a name of capitalized words, options and placeholders (`--help`, `%s`); numbers of
//! translator credits and of settings (`calendar:week_start:0`); the half-width `?`, `!`, `(`,
//! `)` of Japanese software style when [`JaPunctuation::Software`] is chosen.

use std::cell::RefCell;
use std::sync::LazyLock;

use crate::bits::{Bits16, has_below, has_byte, scan_chunks};
use crate::model::{Finding, FindingKind, Lang, Severity};
use crate::text::inline::{Code, CodeKind, Codes, Visible};
use crate::text::numbers::{self, Number, NumberKind, Role};
use crate::text::tokenize::is_cjk;

/// Runs the number, tag, untranslated, punctuation and whitespace checks on one pair, appending
/// findings to `out`.
///
/// Uses a per-thread [`Checker`]; call [`Checker::check_pair`] to own the buffers.
///
/// ```
/// use tmkit::matching::qa::check_pair;
/// use tmkit::model::{FindingKind, Lang};
/// let (en, zh) = (Lang::parse("en").unwrap(), Lang::parse("zh-CN").unwrap());
/// let mut out = Vec::new();
/// check_pair("Exports rose 46 percent.", "出口增长了64%。", &en, &zh, &mut out);
/// assert_eq!(out.len(), 1);
/// assert_eq!(out[0].kind, FindingKind::Number);
/// assert_eq!(out[0].message, "number 46 percent in the source is 64% in the target");
/// ```
pub fn check_pair(
    source: &str,
    target: &str,
    source_lang: &Lang,
    target_lang: &Lang,
    out: &mut Vec<Finding>,
) {
    thread_local! {
        static CHECKER: RefCell<Checker> = RefCell::new(Checker::new());
    }
    CHECKER.with(|c| match c.try_borrow_mut() {
        Ok(mut c) => c.check_pair(source, target, source_lang, target_lang, out),
        Err(_) => Checker::new().check_pair(source, target, source_lang, target_lang, out),
    });
}

/// Which half-width punctuation a Japanese translation may keep next to Japanese text.
///
/// Chinese targets always want full-width `，`, `。`, `？`, `！`, `（）` next to Chinese text (GB/T
/// 15834); `,` and `.` after Japanese text are wrong in every Japanese style (`、`, `。`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JaPunctuation {
    /// The JTF Japanese Standard Style Guide for translation: full-width `？`, `！`, `（` and `）`
    /// in Japanese text; half-width ones next to Japanese characters are reported. The default:
    /// tmkit's own material is prose (articles, documents), which this guide is written for.
    #[default]
    Jtf,
    /// Software style, as many Japanese UI and message catalogs are written (GNU, GNOME,
    /// PostgreSQL): half-width `?`, `!`, `(` and `)` next to Japanese text are accepted.
    Software,
}

/// The checks with their reusable buffers: no allocation for a pair without findings.
#[derive(Debug, Default, Clone)]
pub struct Checker {
    source_numbers: Vec<Number>,
    target_numbers: Vec<Number>,
    /// The source (and its language) whose numbers are in `source_numbers`: a unit's targets
    /// share its source, so its numbers are read once.
    numbers_of: (String, String),
    /// Kinds left out (see [`Checker::skip`]).
    skipped: Vec<FindingKind>,
    /// The punctuation style of Japanese targets.
    ja_punctuation: JaPunctuation,
}

impl Checker {
    /// A checker with empty buffers.
    pub fn new() -> Checker {
        Checker::default()
    }

    /// Leaves out the checks of these kinds (when only some kinds are wanted).
    pub fn skip(&mut self, kinds: &[FindingKind]) {
        self.skipped = kinds.to_vec();
    }

    /// Sets the punctuation style of Japanese targets (the JTF guide's by default).
    pub fn set_ja_punctuation(&mut self, style: JaPunctuation) {
        self.ja_punctuation = style;
    }

    fn wants(&self, kind: FindingKind) -> bool {
        !self.skipped.contains(&kind)
    }

    /// See [`check_pair`].
    pub fn check_pair(
        &mut self,
        source: &str,
        target: &str,
        source_lang: &Lang,
        target_lang: &Lang,
        out: &mut Vec<Finding>,
    ) {
        let before = out.len();
        if untranslated(source, target, source_lang, target_lang, out) {
            // An empty or copied target has nothing else worth reporting.
            if !self.wants(FindingKind::Untranslated) {
                out.truncate(before);
            }
            return;
        }
        if self.wants(FindingKind::Number) {
            self.numbers(source, target, source_lang, target_lang, out);
        }
        if self.wants(FindingKind::Tag) {
            tags(source, target, out);
        }
        if self.wants(FindingKind::Punctuation) {
            punctuation_in_style(source, target, target_lang, self.ja_punctuation, out);
        }
        if self.wants(FindingKind::Whitespace) {
            whitespace(source, target, target_lang, out);
        }
    }

    /// The number check: see [`numbers::compare`].
    pub fn numbers(
        &mut self,
        source: &str,
        target: &str,
        source_lang: &Lang,
        target_lang: &Lang,
        out: &mut Vec<Finding>,
    ) {
        if self.numbers_of.0 != source || self.numbers_of.1 != source_lang.as_str() {
            numbers::extract_into(source, source_lang, &mut self.source_numbers);
            self.numbers_of.0.clear();
            self.numbers_of.0.push_str(source);
            self.numbers_of.1.clear();
            self.numbers_of.1.push_str(source_lang.as_str());
        }
        numbers::extract_into(target, target_lang, &mut self.target_numbers);
        if self.source_numbers.is_empty() && self.target_numbers.is_empty() {
            return;
        }
        if not_a_sentence(source) {
            return;
        }
        let diff = numbers::compare(&self.source_numbers, &self.target_numbers);
        if diff.is_empty() {
            return;
        }
        let mut extra = diff.extra;
        let missing = diff.missing;
        for m in &missing {
            // Pair a missing number with an extra one of the same kind, else with the first.
            let pick = extra
                .iter()
                .position(|e| same_class(e, m))
                .or(if extra.is_empty() { None } else { Some(0) });
            let src = m.text(source);
            let mut f = match pick {
                Some(p) => {
                    let e = extra.remove(p);
                    let tgt = e.text(target);
                    // A number changed into another (`16th` → 第15回, `six` → 5つ) is an
                    // error.
                    let mut f = Finding::new(
                        FindingKind::Number,
                        Severity::Error,
                        format!("number {src} in the source is {tgt} in the target"),
                    );
                    f.target_span = Some((e.start, e.end));
                    f.found = Some(tgt.to_string());
                    f
                }
                None => Finding::new(
                    FindingKind::Number,
                    confidence(m),
                    format!("number {src} in the source is missing from the target"),
                ),
            };
            f.source_span = Some((m.start, m.end));
            f.expected = Some(src.to_string());
            out.push(f);
        }
        for e in extra {
            let tgt = e.text(target);
            let mut f = Finding::new(
                FindingKind::Number,
                confidence(&e),
                format!("number {tgt} in the target is not in the source"),
            );
            f.target_span = Some((e.start, e.end));
            f.found = Some(tgt.to_string());
            out.push(f);
        }
    }
}

/// The severity of a number missing from one side: an error for a figure a reviewer must see
/// carried over (a date, a percentage, an ordinal in figures, a number of two or more digits or
/// with decimals: `1928`, `46%`, `第16回`, `35.8`), a warning for a single digit or a number word
/// (`2つ`, `3ファイル`, `twelve`), which translations legitimately add or spell out.
fn confidence(n: &Number) -> Severity {
    // `1st` is as often 首 (首行, 首页) as 第一.
    let first = n.kind == NumberKind::Ordinal && n.value == 1.0;
    let sure = n.role == Role::Figure
        && !first
        && (matches!(
            n.kind,
            NumberKind::Date { .. } | NumberKind::Percent | NumberKind::Ordinal
        ) || n.value.abs() >= 10.0
            || n.value.fract() != 0.0);
    if sure {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// Units that are not sentences and whose numbers are not translated: the translator-credits
/// message of GNOME and gettext catalogs (its translation is a list of names and years).
fn not_a_sentence(source: &str) -> bool {
    let s = source.trim();
    if s.len() <= 20
        && [
            "translator-credits",
            "translator_credits",
            "translator credits",
        ]
        .iter()
        .any(|k| s.eq_ignore_ascii_case(k))
    {
        return true;
    }
    // A message that is a setting the translator chooses: `calendar:week_start:0` (GTK), `10
    // translator see trust.c:uid_trust_string_fixed` (GnuPG: the translation gives a width).
    let key = !s.is_empty() && !s.contains(char::is_whitespace) && s.contains(':');
    let width = s.split_once(' ').is_some_and(|(n, rest)| {
        n.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with("translator")
    });
    key || width
}

fn same_class(a: &Number, b: &Number) -> bool {
    matches!(
        (a.kind, b.kind),
        (NumberKind::Date { .. }, NumberKind::Date { .. })
            | (NumberKind::Percent, NumberKind::Percent)
            | (NumberKind::Ordinal, NumberKind::Ordinal)
            | (NumberKind::Plain, NumberKind::Plain)
    )
}

fn is_cjk_lang(lang: &Lang) -> bool {
    matches!(lang.primary(), "zh" | "ja")
}

/// CJK punctuation and full-width forms: `。`, `，`, `「`, `（`, `！`.
fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3001..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

fn is_cjk_text(c: char) -> bool {
    is_cjk(c) || is_cjk_punct(c)
}

// ---------------------------------------------------------------------------------------------
// Untranslated

/// Reports an empty target, a target that copies its source (trimmed, case and width folded)
/// when the source has an English word in lower case (`CIPG`, `COVID-19`, `Genron NPO` and lone
/// capitalized names legitimately stay), and a Chinese or Japanese target without any Chinese or
/// Japanese character for a source with at least three lower-case words. Returns whether it
/// reported.
pub fn untranslated(
    source: &str,
    target: &str,
    source_lang: &Lang,
    target_lang: &Lang,
    out: &mut Vec<Finding>,
) -> bool {
    let trimmed = target.trim();
    let empty = trimmed.is_empty()
        || (trimmed.starts_with('<') && Visible::new(trimmed).all(|(_, c)| c.is_whitespace()));
    if empty {
        if Visible::new(source).any(|(_, c)| !c.is_whitespace()) {
            out.push(Finding::new(
                FindingKind::Untranslated,
                Severity::Error,
                "the target is empty",
            ));
            return true;
        }
        return false;
    }
    if folded_equal(source, target) {
        let words = lowercase_words(source);
        if words == 0 || legitimately_same(source) {
            return false;
        }
        // One lower-case word (`yes`, `proc`, `big`) is as often a keyword the program reads as
        // a word left in English: a warning.
        let severity = if words == 1 {
            Severity::Warning
        } else {
            Severity::Error
        };
        let mut f = Finding::new(
            FindingKind::Untranslated,
            severity,
            "the target is a copy of the source",
        );
        f.target_span = Some((0, target.len()));
        f.found = Some(target.to_string());
        out.push(f);
        return true;
    }
    if is_cjk_lang(target_lang)
        && !is_cjk_lang(source_lang)
        && !target.chars().any(is_cjk)
        && lowercase_words(source) >= 3
        && !legitimately_same(source)
    {
        let mut f = Finding::new(
            FindingKind::Untranslated,
            Severity::Error,
            format!(
                "the target has no {} text",
                if target_lang.primary() == "ja" {
                    "Japanese"
                } else {
                    "Chinese"
                }
            ),
        );
        f.target_span = Some((0, target.len()));
        out.push(f);
        return true;
    }
    false
}

/// Texts a translation rightly leaves as they are: a command synopsis (`exit [n]`, `source
/// filename [arguments]`, `(( expression ))`), a licence or warranty line, a name of capitalized
/// words (`Linux root (Alpha)`, `SunOS var`).
fn legitimately_same(source: &str) -> bool {
    let s = source.trim();
    // One token (`shell`, `semnum`, `yalign`, `login:`): a keyword, a column or a property
    // name far more often than a word left in English.
    if !s.contains(char::is_whitespace) {
        return true;
    }
    // An option line (`-E file  --exec=file`), a message that is an instruction to translators
    // (GnuPG's `10 translator see trust.c:...`).
    if s.starts_with('-') || not_a_sentence(s) {
        return true;
    }
    // A synopsis: optional arguments in brackets, placeholders in angle brackets, shell syntax;
    // and no sentence.
    let placeholders = s.contains('<') && s.contains('>') && !s.starts_with('<');
    let capitals = s
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_uppercase()));
    let sentence = (s.ends_with('.') && !s.ends_with(".."))
        || s.as_bytes()
            .windows(3)
            .any(|w| w[0] == b'.' && w[1] == b' ' && w[2].is_ascii_uppercase());
    let synopsis = ((s.contains('[') && s.contains(']'))
        || s.contains("((")
        || s.contains(" | ")
        || (s.contains(';') && capitals)
        || placeholders)
        && !sentence;
    if synopsis {
        return true;
    }
    // A format string of labels (`uid = %d, gid = %d`, `%s login: `, `GNU ld %s`): at most two
    // words around its placeholders.
    if s.contains('%') && lowercase_words(s) <= 2 {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if [
        "warranty",
        "license",
        "licence",
        "copyright",
        "gpl",
        "©",
        "(c) ",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return true;
    }
    // A name: at most four words, as many capitalized (or starting with a figure) as not:
    // `Linux root (RISC-V-64)`, `64-bit double`.
    let words: Vec<&str> = s.split_whitespace().collect();
    let capitalized = words
        .iter()
        .filter(|w| {
            w.chars()
                .find(|c| c.is_alphanumeric())
                .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        .count();
    words.len() <= 4 && capitalized * 2 >= words.len() && capitalized > 0
}

/// The number of words of two or more lower-case ASCII letters, outside tokens that look like
/// code, paths, addresses or placeholders (`%s`, `--help`, `file.txt`, `http://`).
fn lowercase_words(text: &str) -> usize {
    let mut count = 0;
    let mut token_code = false;
    let mut run = 0usize;
    let mut run_lower = true;
    let mut token_words = 0;
    let close = |run: usize, lower: bool, words: &mut usize| {
        if run >= 2 && lower {
            *words += 1;
        }
    };
    let mut token_start = true;
    for (_, c) in Visible::new(text).chain(std::iter::once((0, ' '))) {
        if c.is_ascii_alphabetic() {
            run += 1;
            run_lower &= c.is_ascii_lowercase();
            token_start = false;
            continue;
        }
        close(run, run_lower, &mut token_words);
        run = 0;
        run_lower = true;
        let at_start = token_start;
        token_start = false;
        if c.is_whitespace() {
            if !token_code {
                count += token_words;
            }
            token_words = 0;
            token_code = false;
            token_start = true;
            continue;
        } else if c == '-' && at_start {
            // An option: -b, --characters-as-bytes.
            token_code = true;
        } else if matches!(
            c,
            '/' | '\\' | '_' | '=' | '@' | '{' | '}' | '<' | '>' | '$' | '%' | '#' | '|' | '~'
        ) || c.is_ascii_digit()
        {
            token_code = true;
        }
    }
    count
}

/// Whether two texts are equal once trimmed, with ASCII case and full-width forms folded.
fn folded_equal(a: &str, b: &str) -> bool {
    fn fold(c: char) -> char {
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        };
        c.to_ascii_lowercase()
    }
    let mut x = a.trim().chars().map(fold);
    let mut y = b.trim().chars().map(fold);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q => {}
            _ => return false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inline codes

fn same_code(a: &Code, b: &Code) -> bool {
    a.kind == b.kind && a.id == b.id && a.closing == b.closing
}

fn describe(code: &Code) -> String {
    let attr = match code.kind {
        CodeKind::Bpt | CodeKind::Ept => "i",
        _ => "x",
    };
    match (code.closing, code.id) {
        (true, _) => format!("</{}>", code.kind.name()),
        (false, Some(id)) => format!("<{} {attr}=\"{id}\">", code.kind.name()),
        (false, None) => format!("<{}>", code.kind.name()),
    }
}

/// Compares the inline codes of source and target by element and id (`i` for `bpt`/`ept`, `x`
/// for the others): missing and extra codes, and codes the target leaves unbalanced where the
/// source does not (an `ept` before its `bpt`, a `bpt` without its `ept`, a `<hi>` not closed).
/// Order may change: translations reorder codes.
///
/// A pair gets at most one finding of each sort (missing, extra, out of order), which counts
/// the codes and names the first few: a segment with thousands of codes gives three findings at
/// most, and the comparison takes time in proportion to the codes (sorted, never compared two by
/// two).
pub fn tags(source: &str, target: &str, out: &mut Vec<Finding>) {
    if memchr::memchr(b'<', source.as_bytes()).is_none()
        && memchr::memchr(b'<', target.as_bytes()).is_none()
    {
        return;
    }
    let (mut sbuf, mut tbuf) = ([NO_CODE; 32], [NO_CODE; 32]);
    let (mut sheap, mut theap) = (Vec::new(), Vec::new());
    let sc = collect(source, &mut sbuf, &mut sheap);
    let tc = collect(target, &mut tbuf, &mut theap);
    if sc.is_empty() && tc.is_empty() {
        return;
    }
    // Each side's codes counted by identity: (identity, count, position of the first).
    let scount = counts(sc);
    let tcount = counts(tc);
    // Missing: source codes the target has fewer of; extra: target codes the source has fewer
    // of. Listed in the order they first appear.
    for missing in [true, false] {
        let (mine, theirs, codes) = if missing {
            (&scount, &tcount, sc)
        } else {
            (&tcount, &scount, tc)
        };
        let mut short: Vec<(usize, usize)> = Vec::new(); // (first position, how many short)
        for &(key, n, first) in mine {
            let other = theirs
                .binary_search_by(|probe| probe.0.cmp(&key))
                .map_or(0, |i| theirs[i].1);
            if other < n {
                short.push((first, n - other));
            }
        }
        if short.is_empty() {
            continue;
        }
        short.sort_unstable();
        let total: usize = short.iter().map(|s| s.1).sum();
        let first = &codes[short[0].0];
        let span = Some((first.start, first.end));
        let listed = list_codes(codes, &short);
        let f = if missing {
            let message = if total == 1 {
                format!("inline code {listed} is missing from the target")
            } else {
                format!("{total} inline codes are missing from the target: {listed}")
            };
            let mut f = Finding::new(FindingKind::Tag, Severity::Error, message);
            f.source_span = span;
            f.expected = Some(listed);
            f
        } else {
            let message = if total == 1 {
                format!("inline code {listed} in the target is not in the source")
            } else {
                format!("{total} inline codes in the target are not in the source: {listed}")
            };
            let mut f = Finding::new(FindingKind::Tag, Severity::Error, message);
            f.target_span = span;
            f.found = Some(listed);
            f
        };
        out.push(f);
    }
    // Order: a closing code before its opening one, where the source has them in order and the
    // target has both (a code missing altogether is reported above).
    let source_unopened = unopened_codes(sc);
    let target_unopened = unopened_codes(tc);
    // Openers still to come after each position of the target: counted down while walking.
    let mut openers_left: std::collections::HashMap<(CodeKind, Option<&str>), usize> =
        std::collections::HashMap::new();
    for c in tc {
        if let Some(k) = opener_key(c) {
            *openers_left.entry(k).or_default() += 1;
        }
    }
    let mut first: Option<usize> = None;
    let mut more = 0usize;
    for (i, code) in tc.iter().enumerate() {
        if let Some(k) = opener_key(code)
            && let Some(n) = openers_left.get_mut(&k)
        {
            *n -= 1;
        }
        let closing = code.kind == CodeKind::Ept || code.closing;
        if !closing || !target_unopened[i] {
            continue;
        }
        let wanted = match code.kind {
            CodeKind::Ept => (CodeKind::Bpt, code.id),
            kind => (kind, None),
        };
        if openers_left.get(&wanted).copied().unwrap_or(0) == 0
            || sc
                .iter()
                .zip(&source_unopened)
                .any(|(c, &u)| u && same_code(c, code))
        {
            continue;
        }
        if first.is_none() {
            first = Some(i);
        } else {
            more += 1;
        }
    }
    if let Some(i) = first {
        let code = &tc[i];
        let d = describe(code);
        let message = if more == 0 {
            format!("inline code {d} comes before its opening code in the target")
        } else {
            format!("inline code {d} comes before its opening code in the target, and {more} more")
        };
        let mut f = Finding::new(FindingKind::Tag, Severity::Error, message);
        f.target_span = Some((code.start, code.end));
        f.found = Some(d);
        out.push(f);
    }
}

/// How many codes a tag finding names; the rest are counted.
const NAMED_CODES: usize = 5;

/// Names the codes at the given positions (first position, how many), the first
/// [`NAMED_CODES`] of them: `<bpt i="1">, <ept i="1"> and 3 more`.
fn list_codes(codes: &[Code], short: &[(usize, usize)]) -> String {
    let mut names: Vec<String> = short
        .iter()
        .take(NAMED_CODES)
        .map(|&(at, n)| {
            let d = describe(&codes[at]);
            if n > 1 { format!("{d} ×{n}") } else { d }
        })
        .collect();
    if short.len() > NAMED_CODES {
        let rest: usize = short[NAMED_CODES..].iter().map(|s| s.1).sum();
        names.push(format!("and {rest} more"));
    }
    names.join(", ")
}

/// A code's identity for the comparison: element, id, and whether it closes.
type CodeKey<'a> = (CodeKind, Option<&'a str>, bool);

/// The codes counted by identity, sorted by it: (identity, count, position of the first).
fn counts<'a>(codes: &[Code<'a>]) -> Vec<(CodeKey<'a>, usize, usize)> {
    let mut keyed: Vec<(CodeKey<'a>, usize)> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.kind, c.id, c.closing), i))
        .collect();
    keyed.sort_unstable();
    let mut out: Vec<(CodeKey<'a>, usize, usize)> = Vec::new();
    for (key, i) in keyed {
        match out.last_mut() {
            Some(last) if last.0 == key => last.1 += 1,
            _ => out.push((key, 1, i)),
        }
    }
    out
}

/// The code a closing code (`ept`, `</hi>`) pairs with, as counted for "is one still to come":
/// a `bpt` by its id, an opening `<hi>` (or `<sub>`...) by its element.
fn opener_key<'a>(c: &Code<'a>) -> Option<(CodeKind, Option<&'a str>)> {
    match c.kind {
        CodeKind::Bpt => Some((CodeKind::Bpt, c.id)),
        CodeKind::Ept => None,
        kind if !c.closing => Some((kind, None)),
        _ => None,
    }
}

/// For each code, whether it is a closing code (`ept`, `</hi>`) with no opening code before it,
/// in one walk: an `ept` whose `bpt` has not been seen, a closing tag below depth zero.
fn unopened_codes(codes: &[Code]) -> Vec<bool> {
    let mut opened: std::collections::HashSet<Option<&str>> = std::collections::HashSet::new();
    let mut depth: std::collections::HashMap<CodeKind, i64> = std::collections::HashMap::new();
    codes
        .iter()
        .map(|code| match code.kind {
            CodeKind::Bpt => {
                opened.insert(code.id);
                false
            }
            CodeKind::Ept => !opened.contains(&code.id),
            kind => {
                let d = depth.entry(kind).or_default();
                *d += if code.closing { -1 } else { 1 };
                *d < 0
            }
        })
        .collect()
}

const NO_CODE: Code<'static> = Code {
    kind: CodeKind::Ph,
    id: None,
    pos: None,
    closing: false,
    start: 0,
    end: 0,
};

/// The codes of a content, in a stack buffer unless there are more than 32.
fn collect<'a, 'b>(
    text: &'a str,
    buf: &'b mut [Code<'a>; 32],
    heap: &'b mut Vec<Code<'a>>,
) -> &'b [Code<'a>] {
    let mut n = 0;
    for code in Codes::new(text) {
        if n < buf.len() {
            buf[n] = code;
        } else {
            if heap.is_empty() {
                heap.extend_from_slice(&buf[..]);
            }
            heap.push(code);
        }
        n += 1;
    }
    if n <= buf.len() { &buf[..n] } else { heap }
}

// ---------------------------------------------------------------------------------------------
// Punctuation

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

// ---------------------------------------------------------------------------------------------
// Whitespace

fn leading(s: &str) -> &str {
    &s[..s.len() - s.trim_start().len()]
}

fn trailing(s: &str) -> &str {
    &s[s.trim_end().len()..]
}

fn show(ws: &str) -> String {
    if ws.is_empty() {
        return "none".to_string();
    }
    let mut out = String::from("\u{201c}");
    for c in ws.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{3000}' => out.push_str("\\u{3000}"),
            '\u{a0}' => out.push_str("\\u{a0}"),
            c => out.push(c),
        }
    }
    out.push('\u{201d}');
    out
}

/// Leading and trailing whitespace that differs from the source (spaces a full-width punctuation
/// mark absorbs excepted: `Name: ` is `名前：`), doubled spaces the source does not have, and spaces
/// between Chinese or Japanese characters in a Chinese or Japanese target (the ideographic space
/// U+3000, and a space between two katakana words, are left alone there).
pub fn whitespace(source: &str, target: &str, target_lang: &Lang, out: &mut Vec<Finding>) {
    // A space next to full-width punctuation is absorbed by it: "Name: " is "名前：".
    let absorbed = |ws: &str, other: &str, neighbour: Option<char>| {
        other.is_empty() && ws.chars().all(|c| c == ' ') && neighbour.is_some_and(is_cjk_punct)
    };
    let (sl, tl) = (leading(source), leading(target));
    if sl != tl && !absorbed(sl, tl, target.trim_start().chars().next()) {
        let mut f = Finding::new(
            FindingKind::Whitespace,
            Severity::Warning,
            format!(
                "leading whitespace differs: {} in the source, {} in the target",
                show(sl),
                show(tl)
            ),
        );
        f.target_span = Some((0, tl.len()));
        f.expected = Some(sl.to_string());
        f.found = Some(tl.to_string());
        out.push(f);
    }
    let (st, tt) = (trailing(source), trailing(target));
    if st != tt
        && !target.trim().is_empty()
        && !absorbed(st, tt, target.trim_end().chars().next_back())
    {
        let mut f = Finding::new(
            FindingKind::Whitespace,
            Severity::Warning,
            format!(
                "trailing whitespace differs: {} in the source, {} in the target",
                show(st),
                show(tt)
            ),
        );
        f.target_span = Some((target.len() - tt.len(), target.len()));
        f.expected = Some(st.to_string());
        f.found = Some(tt.to_string());
        out.push(f);
    }
    let inner = target.trim();
    let offset = target.len() - target.trim_start().len();
    static DOUBLE_SPACE: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    if let Some(p) = DOUBLE_SPACE.find(inner.as_bytes())
        && DOUBLE_SPACE.find(source.trim().as_bytes()).is_none()
    {
        let mut f = Finding::new(
            FindingKind::Whitespace,
            Severity::Warning,
            "doubled space in the target",
        );
        let start = offset + p;
        let end = start + inner[p..].len() - inner[p..].trim_start_matches(' ').len();
        f.target_span = Some((start, end));
        out.push(f);
    }
    if is_cjk_lang(target_lang) {
        // Japanese software text sets katakana words apart (アプリケーション バージョン).
        let katakana = |c: Option<char>| c.is_some_and(|c| matches!(c, '\u{30A0}'..='\u{30FF}'));
        let spaces = memchr::memchr_iter(b' ', target.as_bytes())
            .map(|at| (at, 1))
            // U+00A0 is C2 A0; C2 leads no other character a CJK text is likely to have.
            .chain(
                memchr::memchr_iter(0xC2, target.as_bytes())
                    .filter(|&at| target.as_bytes().get(at + 1) == Some(&0xA0))
                    .map(|at| (at, 2)),
            );
        for (at, len) in spaces {
            let p = target[..at].chars().next_back();
            let next = target[at + len..].chars().next();
            if p.is_some_and(is_cjk_text)
                && next.is_some_and(is_cjk_text)
                && !(katakana(p) && katakana(next))
            {
                let mut f = Finding::new(
                    FindingKind::Whitespace,
                    Severity::Warning,
                    "space between Chinese or Japanese characters",
                );
                f.target_span = Some((at, at + len));
                out.push(f);
                break;
            }
        }
    }
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

    fn run(source: &str, target: &str, tl: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        check_pair(
            source,
            target,
            &Lang::parse("en").unwrap(),
            &Lang::parse(tl).unwrap(),
            &mut out,
        );
        out
    }

    fn kinds(source: &str, target: &str, tl: &str) -> Vec<FindingKind> {
        run(source, target, tl)
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn clean_pairs_have_no_findings() {
        let cases = [
            (
                "For the 16th Beijing-Tokyo Forum, held via video conference for the first-time last week, digital technology proved to be instrumental.",
                "上周，第16届北京－东京论坛首次以视频会议形式举行，数字技术在其中发挥了关键作用。",
                "zh-CN",
            ),
            (
                "The two-day event set up six parallel online sub-forums, covering fields of public health, bilateral politics and diplomacy, economy and trade, media, digital economy and security.",
                "2日間にわたるフォーラムでは、公衆衛生、二国間の政治・外交、経済・貿易、メディア、デジタル経済、安全保障の各分野を扱う6つのオンライン分科会が並行して開かれた。",
                "ja-JP",
            ),
            (
                "It is the highest public diplomatic communication platform between China and Japan, with this year’s theme highlighting “the international order in the post-pandemic era and the role that China and Japan should play”.",
                "同フォーラムは日中間で最高レベルの公共外交の交流プラットフォームであり、今年は「コロナ後の国際秩序と日中両国が果たすべき役割」をテーマに掲げた。",
                "ja-JP",
            ),
            ("CIPG", "CIPG", "zh-CN"),
            ("COVID-19", "COVID-19", "ja-JP"),
            (
                "Beijing-Tokyo Forum: Sino-Japan Relations to Strengthen in Post-Pandemic Era",
                "東京－北京フォーラム：ポストコロナ時代に日中関係強化へ",
                "ja-JP",
            ),
        ];
        for (s, t, l) in cases {
            assert_eq!(run(s, t, l), [], "{s} | {t}");
        }
    }

    #[test]
    fn each_check_fires() {
        use FindingKind::*;
        let cases: &[(&str, &str, &str, &[FindingKind])] = &[
            (
                "Exports rose 46 percent.",
                "出口增长了64%。",
                "zh-CN",
                &[Number],
            ),
            ("Exports rose 46 percent.", "", "zh-CN", &[Untranslated]),
            (
                "Exports rose sharply.",
                "Exports rose sharply.",
                "ja-JP",
                &[Untranslated],
            ),
            (
                r#"Click <bpt i="1">&lt;b&gt;</bpt>OK<ept i="1">&lt;/b&gt;</ept>."#,
                r#"单击<bpt i="1">&lt;b&gt;</bpt>确定。"#,
                "zh-CN",
                &[Tag],
            ),
            ("Is it true?", "这是真的吗。", "zh-CN", &[Punctuation]),
            ("China and Japan.", "中国,日本。", "zh-CN", &[Punctuation]),
            ("He said (again).", "他（再次说。", "zh-CN", &[Punctuation]),
            ("China and Japan.", "中国 和日本。", "zh-CN", &[Whitespace]),
            ("China and Japan.", "中国和日本。 ", "zh-CN", &[Whitespace]),
        ];
        for (s, t, l, want) in cases {
            assert_eq!(kinds(s, t, l), *want, "{s} | {t}");
        }
    }

    #[test]
    fn number_findings_say_what_and_where() {
        let t = "第十五届论坛于11月3日开幕。";
        let f = run("The 16th forum opened on Nov. 30.", t, "zh-CN");
        let got: Vec<_> = f
            .iter()
            .map(|f| {
                (
                    f.message.as_str(),
                    f.expected.as_deref(),
                    f.found.as_deref(),
                    f.target_span.map(|(a, b)| &t[a..b]),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "number 16th in the source is 第十五 in the target",
                    Some("16th"),
                    Some("第十五"),
                    Some("第十五")
                ),
                (
                    "number Nov. 30 in the source is 11月3日 in the target",
                    Some("Nov. 30"),
                    Some("11月3日"),
                    Some("11月3日")
                ),
            ]
        );
    }

    /// `first` rendered 首次 or 初めて is no number gone missing when another number changes: the
    /// finding names the changed number only.
    #[test]
    fn an_ordinal_word_is_not_reported_missing_for_another_numbers_change() {
        let cases = [
            (
                "For the first time, exports rose 46 percent.",
                "出口首次增长了64%。",
                "zh-CN",
                vec!["number 46 percent in the source is 64% in the target"],
            ),
            (
                "The forum was held online for the first time in 2019.",
                "フォーラムは2020年に初めてオンラインで開催された。",
                "ja-JP",
                vec!["number 2019 in the source is 2020 in the target"],
            ),
            (
                "The first forum was held in 2005.",
                "第二届论坛于2005年举行。",
                "zh-CN",
                vec!["number first in the source is 第二 in the target"],
            ),
        ];
        for (s, t, l, want) in cases {
            let got: Vec<String> = run(s, t, l).into_iter().map(|f| f.message).collect();
            assert_eq!(got, want, "{s} | {t}");
        }
    }

    #[test]
    fn many_missing_tags_give_one_finding_with_a_count() {
        // 10,000 bpt/ept pairs in the source, none in the target: one finding, not 20,000, and
        // no comparison of every code with every other.
        let mut source = String::new();
        for i in 0..10_000 {
            source.push_str(&format!(
                r#"<bpt i="{i}">&lt;b&gt;</bpt>w<ept i="{i}">&lt;/b&gt;</ept> "#
            ));
        }
        let mut out = Vec::new();
        tags(&source, "没有代码。", &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0]
                .message
                .starts_with("20000 inline codes are missing from the target: <bpt i=\"0\">, <ept i=\"0\">, <bpt i=\"1\">"),
            "{}",
            out[0].message
        );
        assert!(
            out[0].message.ends_with("and 19995 more"),
            "{}",
            out[0].message
        );
        assert_eq!(out[0].source_span, Some((0, source.find('w').unwrap())));
        // The other way round: one finding of extra codes.
        let mut out = Vec::new();
        tags("No codes.", &source, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0]
                .message
                .starts_with("20000 inline codes in the target are not in the source")
        );
    }

    #[test]
    fn tag_findings_name_one_code_as_before_and_count_repeats() {
        let cases: [(&str, &str, &[&str]); 4] = [
            (
                r#"Click <bpt i="1">&lt;b&gt;</bpt>OK<ept i="1">&lt;/b&gt;</ept>."#,
                r#"单击<bpt i="1">&lt;b&gt;</bpt>确定。"#,
                &[r#"inline code <ept i="1"> is missing from the target"#],
            ),
            (
                r#"a<ph x="1"/>b<ph x="1"/>c<ph x="2"/>"#,
                "甲乙丙",
                &[r#"3 inline codes are missing from the target: <ph x="1"> ×2, <ph x="2">"#],
            ),
            (
                "A<hi>b</hi>c",
                "甲</hi>乙<hi>丙",
                &["inline code </hi> comes before its opening code in the target"],
            ),
            (
                r#"<bpt i="1">x</bpt>a<ept i="1">y</ept><bpt i="2">x</bpt>b<ept i="2">y</ept>"#,
                r#"<ept i="1">y</ept>甲<bpt i="1">x</bpt><ept i="2">y</ept>乙<bpt i="2">x</bpt>"#,
                &[
                    r#"inline code <ept i="1"> comes before its opening code in the target, and 1 more"#,
                ],
            ),
        ];
        for (s, t, want) in cases {
            let mut out = Vec::new();
            tags(s, t, &mut out);
            let got: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
            assert_eq!(got, want, "{s} | {t}");
        }
    }
}
