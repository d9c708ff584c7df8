//! Term recognition: finding the terms of a termbase in a text, for one language at a time.
//!
//! A [`TermIndex`] is compiled once per termbase and language from the *folded* forms of the
//! terms, then searched in the folded form of each text; hits come back as byte ranges of the
//! original text. Terms that begin with a letter or digit go into a trie walked from word starts
//! only (see the `word_trie` module), the others (Chinese and Japanese terms, terms that begin with
//! punctuation) into an Aho-Corasick automaton run over the whole text. Pure functions, no I/O;
//! depends on `model` and on `text::tokenize::is_cjk` (what counts as a Chinese or Japanese
//! character), nothing else of the crate.
//!
//! # Folding
//!
//! Terms and texts are folded the same way before they are compared:
//!
//! - NFKC: full-width Latin letters and digits (`ＣＩＰＧ`, `１６`) become ASCII, half-width
//!   katakana become full-width (`ｼﾞｬﾊﾟﾝ` is `ジャパン`). NFKC never maps a simplified character to
//!   a traditional one or back (`程永华` and `程永華` stay apart); it does map the CJK
//!   *compatibility* ideographs (U+F900 to U+FAFF and U+2F800 up) to the unified characters they
//!   are canonically equal to, which is the same character.
//! - Letters outside ASCII are lower-cased. ASCII case is kept in the folded text, which is what
//!   case-sensitive terms are checked against; the search reads it with ASCII letters lower-cased.
//! - Every run of whitespace and hyphens (`-`, U+2010 hyphen, U+2011 non-breaking hyphen, U+2012
//!   figure dash, U+2013 en dash) is one space: `Asia-Pacific`, `Asia Pacific`, `Asia–Pacific` and
//!   `Asia\nPacific` are the same. The em dash is punctuation, not a hyphen.
//! - `’`, `‘` and `ʼ` are the ASCII apostrophe; soft hyphens and zero-width spaces are dropped.
//!
//! # Matching
//!
//! - **Word boundaries.** A hit may not start or end inside a word: where a term begins or ends
//!   with a letter or digit, the character beside it in the text must not be one, nor an apostrophe
//!   between two letters (`Japan` is not found in `Japanese`, `Wang Yi` not in `Wang Yiming`, `Neill`
//!   not in `O'Neill`). Chinese and Japanese characters do not count as letters here, so terms
//!   written in them match as plain substrings, and a Latin term may touch them (`使用CIPG`).
//! - **Case.** Terms match case-insensitively (which matters for English, and for Latin letters in
//!   Chinese and Japanese terms), except terms flagged
//!   [`Term::case_sensitive`](crate::model::Term), matched with their exact case, and *acronyms*:
//!   terms with an ASCII capital and no lower-case letter (`CIPG`, `NPO`, `RCEP`, `COVID-19`, `G20`).
//!   An acronym matches as written, or with each run of four or more capitals written in title
//!   case as some style guides do (`Covid-19`, `Nato`); so `npo`, `Npo`, `who` and `covid-19`
//!   never match `NPO`, `WHO` or `COVID-19`.
//! - **Inflections** (English terms only; the last word of a multi-word term): regular plurals
//!   (`policy`/`policies`, `tax`/`taxes`, `forum`/`forums`), irregular ones from a small table
//!   (`crisis`/`crises`, `person`/`people`, `-man`/`-men`, ...), `s` after an acronym (`NPOs`); no
//!   plural for a term whose part of speech is `properNoun` or whose last word already looks
//!   plural. A possessive `'s`, or `'` after a final `s`, after any hit becomes part of it
//!   (`Japan's`, `countries'`). A hyphen between a letter and a digit may also be left out
//!   (`COVID-19`, `COVID19`).
//! - **Overlaps** are resolved leftmost-longest: of hits that overlap, the one that starts first
//!   wins, and of those that start together the longest; nested hits are not returned. When several
//!   terms match the very same span all are returned, ordered by entry and term, except that within
//!   one entry a term whose case matches the text exactly shadows terms that match only
//!   case-insensitively (so a forbidden `Covid-19` is not reported where the preferred `COVID-19` is
//!   written).
//!
//! ```
//! use tmkit::matching::terms::TermIndex;
//! use tmkit::model::{Lang, Term, TermEntry};
//!
//! let en = Lang::parse("en").unwrap();
//! let entry = |t: &str| TermEntry { terms: vec![Term::new(en.clone(), t)], ..Default::default() };
//! let entries = [entry("Japan"), entry("Asia-Pacific"), entry("NPO")];
//! let index = TermIndex::build(&entries, &en);
//! let text = "Japan's role in the Asia Pacific; npo or NPOs.";
//! let found: Vec<&str> = index.find(text).iter().map(|h| &text[h.start..h.end]).collect();
//! assert_eq!(found, ["Japan's", "Asia Pacific", "NPOs"]);
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;

use super::word_trie::WordTrie;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use crate::model::{Lang, Term, TermEntry};
use crate::text::tokenize::is_cjk;

/// One occurrence of a term in a text.
///
/// Invariant: `start < end <= text.len()`, both on character boundaries of the text searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TermHit {
    /// Index of the entry in the slice the index was built from.
    pub entry: usize,
    /// Index of the term in that entry's [`TermEntry::terms`].
    pub term: usize,
    /// Byte offset in the original text where the hit starts.
    pub start: usize,
    /// Byte offset in the original text where the hit ends (exclusive).
    pub end: usize,
}

/// How the case of a matched text is checked against a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseRule {
    Insensitive,
    Exact,
    /// Exact, or the title-cased form.
    Acronym,
}

/// One (entry, term) behind a pattern, with the folded form that pattern came from,
/// as [`TermIndex::build`] collects them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Form {
    entry: u32,
    term: u32,
    rule: CaseRule,
    /// The folded form with its case kept.
    cased: String,
    /// For acronyms, the form with long capital runs title-cased, if that differs.
    title: Option<String>,
}

/// A [`Form`] as the index keeps it: its strings in one arena, so that a search touches little
/// memory.
#[derive(Debug, Clone, Copy)]
struct Target {
    entry: u32,
    term: u32,
    rule: CaseRule,
    /// `arena[cased.0..cased.1]`.
    cased: (u32, u32),
    /// `arena[title.0..title.1]`; empty when there is none.
    title: (u32, u32),
}

impl Target {
    fn is_exact(&self, found: &str, arena: &str) -> bool {
        same_case(found, &arena[self.cased.0 as usize..self.cased.1 as usize])
    }

    fn case_ok(&self, found: &str, arena: &str) -> bool {
        match self.rule {
            CaseRule::Insensitive => true,
            CaseRule::Exact => self.is_exact(found, arena),
            CaseRule::Acronym => {
                self.is_exact(found, arena)
                    || (self.title.0 < self.title.1
                        && same_case(found, &arena[self.title.0 as usize..self.title.1 as usize]))
            }
        }
    }
}

/// Whether a found text is written as a folded form, separators aside (`found` may be the
/// original ASCII text, with a hyphen or newline where the form has a space).
fn same_case(found: &str, form: &str) -> bool {
    found.len() == form.len()
        && found
            .bytes()
            .zip(form.bytes())
            .all(|(f, c)| f == c || (c == b' ' && is_sep_byte(f)))
}

/// The terms of a termbase in one language, compiled for recognition.
///
/// Build it once per termbase and language with [`TermIndex::build`], then call
/// [`TermIndex::find`] (or [`TermIndex::find_into`] to reuse a vector) for every text. Searching
/// takes `&self`, so one index serves many threads.
#[derive(Debug, Clone)]
pub struct TermIndex {
    lang: Lang,
    /// Whether no term was indexed.
    empty: bool,
    /// The patterns that begin with a letter or digit, searched from word starts only.
    words: Option<WordTrie>,
    /// The other patterns (Chinese and Japanese terms, terms that begin with punctuation): an
    /// automaton run over the whole text, and the index of each of its patterns among all.
    anywhere: Option<AhoCorasick>,
    anywhere_ids: Vec<u32>,
    /// For pattern `p`, its targets are `targets[bounds[p]..bounds[p + 1]]`, sorted by entry and term.
    bounds: Vec<u32>,
    targets: Vec<Target>,
    /// The targets' cased and title-cased forms.
    arena: String,
}

/// Reusable buffers for [`TermIndex::find_with`]: the folded text and its map back to the original.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    folded: String,
    /// For each byte of `folded`, the range of the original text it came from.
    starts: Vec<usize>,
    ends: Vec<usize>,
    /// What the automaton reads: the folded text in ASCII lower case.
    lower: Vec<u8>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl TermIndex {
    /// Compiles the terms, and their variants, of every entry whose language `lang` matches (see
    /// [`Lang::matches`]), whatever their status. Hits refer to `entries` by index, so search with
    /// the same slice in mind.
    pub fn build(entries: &[TermEntry], lang: &Lang) -> TermIndex {
        let mut keys: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut groups: Vec<Vec<Form>> = Vec::new();
        for (e, entry) in entries.iter().enumerate() {
            for (t, term) in entry.terms.iter().enumerate() {
                if !lang.matches(&term.lang) {
                    continue;
                }
                for written in std::iter::once(&term.text).chain(&term.variants) {
                    for (form, rule) in forms(written, term) {
                        let key = form.to_ascii_lowercase();
                        let slot = *keys.entry(key).or_insert_with_key(|key| {
                            patterns.push(key.clone());
                            groups.push(Vec::new());
                            patterns.len() - 1
                        });
                        let title = (rule == CaseRule::Acronym)
                            .then(|| title_cased(&form))
                            .flatten();
                        groups[slot].push(Form {
                            entry: index_u32(e),
                            term: index_u32(t),
                            rule,
                            cased: form,
                            title,
                        });
                    }
                }
            }
        }
        let mut bounds = Vec::with_capacity(groups.len() + 1);
        let mut targets = Vec::new();
        let mut arena = String::new();
        let mut put = |s: &str| {
            let start = index_u32(arena.len());
            arena.push_str(s);
            (start, index_u32(arena.len()))
        };
        bounds.push(0);
        for mut group in groups {
            group.sort_by(|a, b| (a.entry, a.term, &a.cased).cmp(&(b.entry, b.term, &b.cased)));
            group.dedup();
            for form in group {
                targets.push(Target {
                    entry: form.entry,
                    term: form.term,
                    rule: form.rule,
                    cased: put(&form.cased),
                    title: form.title.as_deref().map_or((0, 0), &mut put),
                });
            }
            bounds.push(index_u32(targets.len()));
        }
        // A pattern whose first character is a letter or digit can only be found at a word start.
        let mut at_words: Vec<(&[u8], usize, u32)> = Vec::new();
        let mut anywhere: Vec<&str> = Vec::new();
        let mut anywhere_ids: Vec<u32> = Vec::new();
        for (p, pattern) in patterns.iter().enumerate() {
            let first_word = pattern
                .char_indices()
                .find(|&(_, c)| !is_word(c))
                .map_or(pattern.len(), |(i, _)| i);
            if first_word > 0 {
                at_words.push((pattern.as_bytes(), first_word, index_u32(p)));
            } else {
                anywhere.push(pattern);
                anywhere_ids.push(index_u32(p));
            }
        }
        let words = (!at_words.is_empty()).then(|| WordTrie::build(&at_words));
        let anywhere = (!anywhere.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&anywhere)
                .expect(
                    "the automaton's limits (2^31 patterns and states) are far above a termbase's",
                )
        });
        TermIndex {
            lang: lang.clone(),
            empty: patterns.is_empty(),
            words,
            anywhere,
            anywhere_ids,
            bounds,
            targets,
            arena,
        }
    }

    /// The language the index was built for.
    pub fn lang(&self) -> &Lang {
        &self.lang
    }

    /// Whether no term was indexed (then nothing is ever found).
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// The terms in `text`, leftmost-longest, in order of position (see the module documentation).
    pub fn find(&self, text: &str) -> Vec<TermHit> {
        let mut out = Vec::new();
        self.find_into(text, &mut out);
        out
    }

    /// Like [`TermIndex::find`], into `out` (cleared first). Uses a per-thread scratch buffer, so
    /// after the first call on a thread nothing is allocated but what `out` needs.
    pub fn find_into(&self, text: &str, out: &mut Vec<TermHit>) {
        with_scratch(|scratch| self.find_with(text, scratch, out));
    }

    /// Like [`TermIndex::find_into`], with buffers the caller keeps.
    pub fn find_with(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<TermHit>) {
        out.clear();
        self.scan(text, scratch, |hit| {
            out.push(hit);
            ControlFlow::Continue(())
        });
        leftmost_longest(out);
    }

    /// Every occurrence of every term in `text`, nested and overlapping ones included, sorted by
    /// start, then longest first, then entry and term; into `out` (cleared first). For checks that
    /// ask whether a term occurs at all, wherever it stands.
    pub fn find_all_into(&self, text: &str, out: &mut Vec<TermHit>) {
        out.clear();
        with_scratch(|scratch| {
            self.scan(text, scratch, |hit| {
                out.push(hit);
                ControlFlow::Continue(())
            })
        });
        sort_hits(out);
        out.dedup();
    }

    /// Whether term `term` of entry `entry` occurs in `text`, also inside a longer term. Stops at
    /// the first occurrence.
    pub fn contains(&self, text: &str, entry: usize, term: usize) -> bool {
        self.contains_where(text, |h| h.entry == entry && h.term == term)
    }

    /// Whether any term of entry `entry` (in the index's language) occurs in `text`, also inside a
    /// longer term.
    pub fn contains_entry(&self, text: &str, entry: usize) -> bool {
        self.contains_where(text, |h| h.entry == entry)
    }

    fn contains_where(&self, text: &str, want: impl Fn(&TermHit) -> bool) -> bool {
        let mut found = false;
        with_scratch(|scratch| {
            self.scan(text, scratch, |hit| {
                if want(&hit) {
                    found = true;
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
        });
        found
    }

    /// Calls `emit` with every occurrence (boundaries and case checked), in original offsets.
    fn scan(
        &self,
        text: &str,
        scratch: &mut Scratch,
        mut emit: impl FnMut(TermHit) -> ControlFlow<()>,
    ) {
        if self.empty {
            return;
        }
        if folds_in_place(text) {
            self.scan_folded(text, &mut scratch.lower, |s, e| (s, e), &mut emit);
        } else {
            fold(text, scratch);
            let Scratch {
                folded,
                starts,
                ends,
                lower,
            } = scratch;
            self.scan_folded(folded, lower, |s, e| (starts[s], ends[e - 1]), &mut emit);
        }
    }

    /// Finds the patterns in `hay` (the text as folded, or the original text where folding would
    /// change nothing but separators): the automaton over the whole text, the trie from word
    /// starts, both reading it through [`LOWER`]; checks boundaries and case on `hay`, and maps
    /// offsets back with `map`.
    fn scan_folded(
        &self,
        hay: &str,
        lower: &mut Vec<u8>,
        map: impl Fn(usize, usize) -> (usize, usize),
        emit: &mut impl FnMut(TermHit) -> ControlFlow<()>,
    ) {
        if let Some(automaton) = &self.anywhere {
            // The automaton reads a copy (a smaller automaton than a case-insensitive one).
            lower.clear();
            lower.extend(hay.bytes().map(|b| LOWER[b as usize]));
            for m in automaton.find_overlapping_iter(lower.as_slice()) {
                let p = self.anywhere_ids[m.pattern().as_usize()] as usize;
                if starts_word(hay, m.start())
                    && self
                        .report(hay, m.start(), m.end(), p, &map, emit)
                        .is_break()
                {
                    return;
                }
            }
        }
        let Some(trie) = &self.words else {
            return;
        };
        let bytes = hay.as_bytes();
        for_each_word(hay, |start, end| {
            if !trie.may_start_at(bytes, start, end) {
                return true;
            }
            trie.walk(bytes, &LOWER, start, |end, p| {
                self.report(hay, start, end, p as usize, &map, emit)
                    .is_continue()
            })
        });
    }

    /// Emits the hits of pattern `p` at `start..end` of `hay`, where it starts a word: none when
    /// it ends inside a word or its case does not fit.
    fn report(
        &self,
        hay: &str,
        start: usize,
        end: usize,
        p: usize,
        map: &impl Fn(usize, usize) -> (usize, usize),
        emit: &mut impl FnMut(TermHit) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let Some(full_end) = word_end(hay, end) else {
            return ControlFlow::Continue(());
        };
        let found = &hay[start..end];
        let targets = &self.targets[self.bounds[p] as usize..self.bounds[p + 1] as usize];
        let (orig_start, orig_end) = map(start, full_end);
        let hit = |t: &Target| TermHit {
            entry: t.entry as usize,
            term: t.term as usize,
            start: orig_start,
            end: orig_end,
        };
        if let [t] = targets {
            if t.case_ok(found, &self.arena) {
                return emit(hit(t));
            }
            return ControlFlow::Continue(());
        }
        // Targets are sorted by entry: within each entry, an exact-case target shadows the others.
        let mut i = 0;
        while i < targets.len() {
            let entry = targets[i].entry;
            let n = targets[i..].iter().take_while(|t| t.entry == entry).count();
            let group = &targets[i..i + n];
            i += n;
            let any_exact = group.iter().any(|t| t.is_exact(found, &self.arena));
            let mut last_term = None;
            for t in group {
                if !t.case_ok(found, &self.arena)
                    || (any_exact && !t.is_exact(found, &self.arena))
                    || last_term == Some(t.term)
                {
                    continue;
                }
                last_term = Some(t.term);
                emit(hit(t))?;
            }
        }
        ControlFlow::Continue(())
    }
}

fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => f(&mut scratch),
        Err(_) => f(&mut Scratch::default()),
    })
}

fn index_u32(i: usize) -> u32 {
    u32::try_from(i).expect("a termbase has fewer than 2^32 entries, terms and patterns")
}

fn sort_hits(hits: &mut [TermHit]) {
    hits.sort_unstable_by(|a, b| {
        (a.start, b.end, a.entry, a.term).cmp(&(b.start, a.end, b.entry, b.term))
    });
}

/// Keeps the leftmost-longest hits: sorted by start and longest first, a hit is kept when it starts
/// at or after the end of the last kept one, or has exactly its span.
fn leftmost_longest(hits: &mut Vec<TermHit>) {
    sort_hits(hits);
    hits.dedup();
    let mut last: Option<(usize, usize)> = None;
    hits.retain(|h| {
        let keep = match last {
            None => true,
            Some((s, e)) => (h.start, h.end) == (s, e) || h.start >= e,
        };
        if keep {
            last = Some((h.start, h.end));
        }
        keep
    });
}

// ---------------------------------------------------------------------------------------------
// Folding

/// How patterns are read from a text: ASCII separators (see [`is_sep_byte`]) as spaces, ASCII
/// letters in lower case, every other byte as it is.
static LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let x = b as u8;
        t[b] = if is_sep_byte(x) {
            b' '
        } else {
            x.to_ascii_lowercase()
        };
        b += 1;
    }
    t
};

/// A separator as ASCII has them: whitespace or a hyphen.
const fn is_sep_byte(b: u8) -> bool {
    (b == b' ') | (b == b'-') | (b.wrapping_sub(b'\t') < 5)
}

/// Whether folding `text` changes nothing but ASCII separators into spaces, so that offsets in the
/// folded text are offsets in `text`: ASCII without runs of separators, Han, kana and CJK
/// punctuation that NFKC leaves alone.
fn folds_in_place(text: &str) -> bool {
    let b = text.as_bytes();
    // Branch-free, so that the compiler can vectorize: spaces sit at unpredictable places.
    let no_runs = |b: &[u8]| {
        !b.iter()
            .zip(&b[1.min(b.len())..])
            .fold(false, |acc, (&x, &y)| {
                acc | (is_sep_byte(x) & is_sep_byte(y))
            })
    };
    if text.is_ascii() {
        return no_runs(b);
    }
    text.chars().all(|c| c.is_ascii() || is_plainly_stable(c)) && no_runs(b)
}

/// Characters NFKC leaves as they are whatever follows them, checked without a table lookup.
fn is_plainly_stable(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x7F | 0x3001..=0x3002 | 0x3008..=0x3011 | 0x3041..=0x3096 | 0x30A1..=0x30FE
        | 0x4E00..=0x9FFF)
}

/// Whether `c` may change or combine with the character before it under NFKC.
fn continues_segment(c: char) -> bool {
    if is_plainly_stable(c) || matches!(c, '\u{FF01}'..='\u{FF5E}') {
        return false;
    }
    let mut first = None;
    decompose_compatible(c, |d| {
        first.get_or_insert(d);
    });
    let first = first.unwrap_or(c);
    canonical_combining_class(first) != 0
        || is_nfkc_quick(std::iter::once(first)) != IsNormalized::Yes
}

/// Folds `text` into `scratch.folded`, recording for each byte the range of `text` it came from.
///
/// Common characters are folded one at a time; from the first that is not (and the character
/// before it, which it may combine with) on, the text goes through NFKC segment by segment.
fn fold(text: &str, scratch: &mut Scratch) {
    let len = text.len();
    scratch.folded.clear();
    scratch.starts.clear();
    scratch.ends.clear();
    scratch.folded.reserve(len);
    scratch.starts.reserve(len);
    scratch.ends.reserve(len);
    let mut sink = Sink {
        scratch,
        last_sep: false,
    };
    // Where the last character started, and the sink's state before it.
    let mut before_last = (0, 0, false);
    for (i, c) in text.char_indices() {
        let Some(f) = nfkc_alone(c) else {
            let (start, folded_len, last_sep) = before_last;
            sink.scratch.folded.truncate(folded_len);
            sink.scratch.starts.truncate(folded_len);
            sink.scratch.ends.truncate(folded_len);
            sink.last_sep = last_sep;
            fold_segments(text, start, &mut sink);
            return;
        };
        before_last = (i, sink.scratch.folded.len(), sink.last_sep);
        sink.push(f, i, i + c.len_utf8());
    }
}

/// What NFKC makes of a character whatever stands around it, for the common characters of
/// English, Chinese and Japanese text (and the hyphens and apostrophes [`Sink::push`] maps); `None`
/// for any other.
fn nfkc_alone(c: char) -> Option<char> {
    Some(match c as u32 {
        0x00..=0x7F
        | 0x00B7
        | 0x02BC
        | 0x2010
        | 0x2012..=0x2014
        | 0x2018..=0x2019
        | 0x201C..=0x201D
        | 0x3001..=0x3002
        | 0x3008..=0x3011
        | 0x3041..=0x3096
        | 0x30A1..=0x30FE
        | 0x4E00..=0x9FFF => c,
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0)?,
        0x2011 => '\u{2010}',
        0x00A0 | 0x3000 => ' ',
        _ => return None,
    })
}

/// Folds `text[from..]` through NFKC segment by segment: a segment is a character and the ones
/// after it that NFKC may merge into it, and all it becomes maps to its whole range.
fn fold_segments(text: &str, from: usize, sink: &mut Sink<'_>) {
    let mut seg: Option<(usize, char, bool)> = None;
    for (i, c) in text[from..].char_indices() {
        let i = from + i;
        match seg {
            Some((_, _, ref mut plain)) if continues_segment(c) => *plain = false,
            _ => {
                if let Some((start, first, plain)) = seg {
                    sink.segment(text, start, i, first, plain);
                }
                let plain =
                    is_plainly_stable(c) || is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes;
                seg = Some((i, c, plain));
            }
        }
    }
    if let Some((start, first, plain)) = seg {
        sink.segment(text, start, text.len(), first, plain);
    }
}

struct Sink<'a> {
    scratch: &'a mut Scratch,
    last_sep: bool,
}

impl Sink<'_> {
    fn segment(&mut self, text: &str, start: usize, end: usize, first: char, plain: bool) {
        if plain {
            self.push(first, start, end);
        } else {
            for c in text[start..end].nfkc() {
                self.push(c, start, end);
            }
        }
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        let c = if c.is_ascii() {
            match c {
                '-' | '\t' | '\n' | '\x0B' | '\x0C' | '\r' => ' ',
                c => c,
            }
        } else if is_plainly_stable(c) {
            c
        } else {
            match c {
                '\u{2010}'..='\u{2013}' => ' ',
                c if c.is_whitespace() => ' ',
                '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
                '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' => return,
                c if c.is_uppercase() => {
                    let mut lower = c.to_lowercase();
                    match (lower.next(), lower.next()) {
                        (Some(l), None) => l,
                        _ => c,
                    }
                }
                c => c,
            }
        };
        let s = &mut *self.scratch;
        if c == ' ' {
            if self.last_sep {
                if let Some(e) = s.ends.last_mut() {
                    *e = end;
                }
                return;
            }
            self.last_sep = true;
        } else {
            self.last_sep = false;
        }
        s.folded.push(c);
        let n = c.len_utf8();
        s.starts.extend(std::iter::repeat_n(start, n));
        s.ends.extend(std::iter::repeat_n(end, n));
    }
}

/// The folded form of a term, without leading or trailing spaces.
fn fold_term(s: &str) -> String {
    let mut scratch = Scratch::default();
    fold(s, &mut scratch);
    scratch.folded.trim_matches(' ').to_string()
}

// ---------------------------------------------------------------------------------------------
// Word boundaries

fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        !is_cjk(c) && c.is_alphanumeric()
    }
}

fn char_before(s: &str, i: usize) -> Option<char> {
    s[..i].chars().next_back()
}

fn char_at(s: &str, i: usize) -> Option<char> {
    s[i..].chars().next()
}

/// Whether a hit may start at `start`: not right after a letter or digit, nor after an apostrophe
/// that follows one, when the hit starts with a letter or digit.
fn starts_word(hay: &str, start: usize) -> bool {
    if !char_at(hay, start).is_some_and(is_word) {
        return true;
    }
    match char_before(hay, start) {
        None => true,
        Some('\'') => !char_before(hay, start - 1).is_some_and(is_word),
        Some(c) => !is_word(c),
    }
}

/// Calls `f(start, end)` for every word of `hay` (a run of letters and digits) where a hit may
/// start (see [`starts_word`]), until `f` returns false.
fn for_each_word(hay: &str, mut f: impl FnMut(usize, usize) -> bool) {
    let b = hay.as_bytes();
    if hay.is_ascii() {
        // ASCII letters and digits by table: one load a byte.
        static ALNUM: [bool; 256] = {
            let mut t = [false; 256];
            let mut i = 0;
            while i < 256 {
                t[i] = (i as u8).is_ascii_alphanumeric();
                i += 1;
            }
            t
        };
        let word = |x: u8| ALNUM[x as usize];
        let n = b.len();
        let mut i = 0;
        while i < n {
            while i < n && !word(b[i]) {
                i += 1;
            }
            if i == n {
                return;
            }
            let start = i;
            while i < n && word(b[i]) {
                i += 1;
            }
            let after_apostrophe = start >= 2 && b[start - 1] == b'\'' && word(b[start - 2]);
            if !after_apostrophe && !f(start, i) {
                return;
            }
        }
        return;
    }
    let (mut prev, mut prev2) = (None::<char>, None::<char>);
    let mut current: Option<usize> = None;
    let mut in_word = false;
    for (i, c) in hay.char_indices() {
        let w = is_word(c);
        if w && !in_word {
            // The character before is not a letter or digit: an apostrophe after one is the
            // only thing that keeps this from starting a word.
            current = (prev != Some('\'') || !prev2.is_some_and(is_word)).then_some(i);
        } else if !w
            && in_word
            && let Some(start) = current.take()
            && !f(start, i)
        {
            return;
        }
        in_word = w;
        prev2 = prev;
        prev = Some(c);
    }
    if let Some(start) = current.filter(|_| in_word) {
        f(start, hay.len());
    }
}

/// Where a hit that matched `start..end` ends, with a possessive after it; `None` when it would end
/// inside a word.
fn word_end(hay: &str, end: usize) -> Option<usize> {
    let Some(last) = char_before(hay, end).filter(|&c| c != '\'') else {
        return Some(end);
    };
    if !is_word(last) {
        return Some(end);
    }
    match char_at(hay, end) {
        None => Some(end),
        Some('\'') => match char_at(hay, end + 1) {
            Some('s' | 'S') if !char_at(hay, end + 2).is_some_and(is_word) => Some(end + 2),
            Some(c) if is_word(c) => None,
            _ if matches!(last, 's' | 'S') => Some(end + 1),
            _ => Some(end),
        },
        Some(c) if is_word(c) => None,
        Some(_) => Some(end),
    }
}

// ---------------------------------------------------------------------------------------------
// Forms of a term

/// The folded forms a written term is matched in, with the case rule of each.
fn forms(written: &str, term: &Term) -> Vec<(String, CaseRule)> {
    let rule = if term.case_sensitive {
        CaseRule::Exact
    } else if is_acronym(written) {
        CaseRule::Acronym
    } else {
        CaseRule::Insensitive
    };
    let english = term.lang.primary() == "en";
    let proper = term.pos.as_deref().is_some_and(|p| {
        p.eq_ignore_ascii_case("propernoun") || p.eq_ignore_ascii_case("proper noun")
    });
    let mut out: Vec<(String, CaseRule)> = Vec::new();
    let mut add = |s: String| {
        if !s.is_empty() && !out.iter().any(|(f, _)| *f == s) {
            out.push((s, rule));
        }
    };
    let mut bases = vec![fold_term(written)];
    if let Some(joined) = join_letter_digit_hyphens(written) {
        bases.push(fold_term(&joined));
    }
    for base in bases {
        if english && !proper {
            for plural in plurals(&base, rule == CaseRule::Acronym) {
                add(plural);
            }
        }
        add(base);
    }
    out
}

/// Written with an ASCII capital and without any lower-case letter: `CIPG`, `COVID-19`, `G20`.
fn is_acronym(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_uppercase()) && !s.chars().any(char::is_lowercase)
}

/// The acronym with every run of four or more ASCII capitals title-cased (`Covid-19` for
/// `COVID-19`); `None` when there is no such run.
fn title_cased(form: &str) -> Option<String> {
    let mut out = String::with_capacity(form.len());
    let mut changed = false;
    let bytes = form.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_uppercase())
            .count();
        if run >= 4 {
            out.push(bytes[i] as char);
            out.extend(
                bytes[i + 1..i + run]
                    .iter()
                    .map(|b| b.to_ascii_lowercase() as char),
            );
            changed = true;
            i += run;
        } else if run > 0 {
            out.push_str(&form[i..i + run]);
            i += run;
        } else {
            let c = form[i..]
                .chars()
                .next()
                .expect("i is on a character boundary");
            out.push(c);
            i += c.len_utf8();
        }
    }
    changed.then_some(out)
}

/// The term with hyphens between a letter and a digit left out (`COVID19` for `COVID-19`).
fn join_letter_digit_hyphens(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '-' | '\u{2010}'..='\u{2013}') && i > 0 && i + 1 < chars.len() {
            let (a, b) = (chars[i - 1], chars[i + 1]);
            if (a.is_ascii_alphabetic() && b.is_ascii_digit())
                || (a.is_ascii_digit() && b.is_ascii_alphabetic())
            {
                changed = true;
                continue;
            }
        }
        out.push(c);
    }
    changed.then_some(out)
}

/// Irregular plurals: singular, plural. A word in the table also gets its regular plural, which
/// costs nothing when it never occurs and is right for some (`indexes`, `persons`).
const IRREGULAR: &[(&str, &str)] = &[
    ("man", "men"),
    ("woman", "women"),
    ("child", "children"),
    ("person", "people"),
    ("foot", "feet"),
    ("tooth", "teeth"),
    ("goose", "geese"),
    ("mouse", "mice"),
    ("ox", "oxen"),
    ("crisis", "crises"),
    ("analysis", "analyses"),
    ("basis", "bases"),
    ("thesis", "theses"),
    ("hypothesis", "hypotheses"),
    ("diagnosis", "diagnoses"),
    ("synthesis", "syntheses"),
    ("axis", "axes"),
    ("criterion", "criteria"),
    ("phenomenon", "phenomena"),
    ("datum", "data"),
    ("medium", "media"),
    ("curriculum", "curricula"),
    ("memorandum", "memoranda"),
    ("bacterium", "bacteria"),
    ("index", "indices"),
    ("appendix", "appendices"),
    ("matrix", "matrices"),
    ("nucleus", "nuclei"),
    ("stimulus", "stimuli"),
    ("radius", "radii"),
    ("focus", "foci"),
    ("leaf", "leaves"),
    ("life", "lives"),
    ("wife", "wives"),
    ("knife", "knives"),
    ("half", "halves"),
    ("shelf", "shelves"),
    ("self", "selves"),
    ("thief", "thieves"),
    ("wolf", "wolves"),
];

/// Plurals of a folded term: its last word inflected, in the case that word is written in.
fn plurals(form: &str, acronym: bool) -> Vec<String> {
    let (head, word) = match form.rfind(' ') {
        Some(i) => form.split_at(i + 1),
        None => ("", form),
    };
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Vec::new();
    }
    let with = |w: &str| format!("{head}{w}");
    if acronym {
        return if word.ends_with(|c: char| c.is_ascii_uppercase()) {
            vec![with(&format!("{word}s"))]
        } else {
            Vec::new()
        };
    }
    let lower = word.to_ascii_lowercase();
    let recase = |plural: &str| -> String {
        let first_upper = word.starts_with(|c: char| c.is_ascii_uppercase());
        if word.len() > 1 && word.bytes().all(|b| b.is_ascii_uppercase()) {
            plural.to_ascii_uppercase()
        } else if first_upper {
            let mut p = plural.to_string();
            p[..1].make_ascii_uppercase();
            p
        } else {
            plural.to_string()
        }
    };
    let mut out = Vec::new();
    let mut irregular = |singular_tail: &str, plural_tail: &str| {
        let stem = &lower[..lower.len() - singular_tail.len()];
        // Keep the written case of the stem, recase only what changes.
        let written_stem = &word[..stem.len()];
        let tail = recase(&format!("{stem}{plural_tail}"))[stem.len()..].to_string();
        out.push(with(&format!("{written_stem}{tail}")));
    };
    if let Some((s, p)) = IRREGULAR.iter().find(|(s, _)| *s == lower) {
        irregular(s, p);
    } else if lower.ends_with("woman") {
        irregular("woman", "women");
    } else if lower.ends_with("man") {
        irregular("man", "men");
    } else if lower.ends_with("person") {
        irregular("person", "people");
    }
    let b = lower.as_bytes();
    let last = b[b.len() - 1];
    let before = if b.len() > 1 { b[b.len() - 2] } else { 0 };
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let regular: &[&str] = match last {
        // Already plural, most likely (`affairs`, `relations`, `news`).
        b's' if !matches!(before, b's' | b'u' | b'i' | b'a') && lower.len() > 3 => &[],
        b's' | b'x' | b'z' => &["es"],
        b'h' if matches!(before, b'c' | b's') => &["es"],
        b'y' if !vowel(before) && lower.len() > 1 => &["ies"],
        b'o' if !vowel(before) => &["s", "es"],
        _ => &["s"],
    };
    for suffix in regular {
        let plural = if *suffix == "ies" {
            format!("{}ies", &lower[..lower.len() - 1])
        } else {
            format!("{lower}{suffix}")
        };
        let written = recase(&plural);
        // Keep the stem as written (`McDonald` + `s`).
        let stem_len = if *suffix == "ies" {
            word.len() - 1
        } else {
            word.len()
        };
        out.push(with(&format!(
            "{}{}",
            &word[..stem_len],
            &written[stem_len..]
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TermStatus;

    fn lang(s: &str) -> Lang {
        Lang::parse(s).unwrap()
    }

    fn entries(lang_tag: &str, terms: &[&str]) -> Vec<TermEntry> {
        terms
            .iter()
            .map(|t| TermEntry {
                terms: vec![Term::new(lang(lang_tag), *t)],
                ..Default::default()
            })
            .collect()
    }

    /// The texts of the hits, each with the term it is a hit for.
    fn found(index: &TermIndex, entries: &[TermEntry], text: &str) -> Vec<(String, String)> {
        index
            .find(text)
            .iter()
            .map(|h| {
                (
                    text[h.start..h.end].to_string(),
                    entries[h.entry].terms[h.term].text.clone(),
                )
            })
            .collect()
    }

    /// What the index finds in `text`, found the slow way: one automaton over every pattern run
    /// over every byte, each match kept where a word may start (the search before word starts
    /// were used).
    fn every_byte(index: &TermIndex, text: &str) -> Vec<TermHit> {
        let patterns: Vec<String> = (0..index.bounds.len() - 1)
            .map(|p| {
                let t = &index.targets[index.bounds[p] as usize];
                index.arena[t.cased.0 as usize..t.cased.1 as usize].to_ascii_lowercase()
            })
            .collect();
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .unwrap();
        let mut scratch = Scratch::default();
        let in_place = folds_in_place(text);
        if !in_place {
            fold(text, &mut scratch);
        }
        let hay = if in_place { text } else { &scratch.folded };
        let map = |s: usize, e: usize| {
            if in_place {
                (s, e)
            } else {
                (scratch.starts[s], scratch.ends[e - 1])
            }
        };
        let lower: Vec<u8> = hay.bytes().map(|b| LOWER[b as usize]).collect();
        let mut out = Vec::new();
        for m in automaton.find_overlapping_iter(&lower) {
            if starts_word(hay, m.start()) {
                let _ = index.report(
                    hay,
                    m.start(),
                    m.end(),
                    m.pattern().as_usize(),
                    &map,
                    &mut |h| {
                        out.push(h);
                        ControlFlow::Continue(())
                    },
                );
            }
        }
        sort_hits(&mut out);
        out.dedup();
        out
    }

    #[test]
    fn word_starts_find_what_every_byte_finds() {
        let terms = [
            "Japan",
            "policy",
            "Wang Yi",
            "Wang",
            "Asia-Pacific",
            "NPO",
            "COVID-19",
            "O'Neill",
            "Neill",
            ".NET",
            "#MeToo",
            "café society",
            "Café",
            "U.S.",
            "CIPG",
            "3D printing",
            "G20",
            "Genron NPO",
            "Xi",
            "Xi Jinping",
            "中国",
            "日本",
            "s",
            "a",
        ];
        let words = [
            "Japan",
            "japan",
            "JAPAN",
            "Japanese",
            "policy",
            "policies",
            "Wang",
            "Yi",
            "Yiming",
            "Asia",
            "Pacific",
            "Asia-Pacific",
            "NPO",
            "npo",
            "NPOs",
            "COVID",
            "19",
            "COVID-19",
            "O'Neill",
            "O’Neill",
            "Neill",
            "Neill's",
            "'Neill",
            ".NET",
            "#MeToo",
            "café",
            "Café",
            "CAFÉ",
            "society",
            "U.S.",
            "U.S",
            "ＣＩＰＧ",
            "CIPG",
            "3D",
            "printing",
            "G20",
            "Genron",
            "Xi",
            "Jinping",
            "中国",
            "日本",
            "中国人",
            "“",
            "”",
            "(",
            ")",
            "—",
            "-",
            "--",
            "s",
            "a",
            "'",
            "’s",
            "the",
            "of",
            "\u{a0}",
            "ｼﾞｬﾊﾟﾝ",
        ];
        let seps = [" ", " ", " ", "  ", "-", "", "\n", ", ", "\u{3000}"];
        let es = entries("en", &terms);
        let index = TermIndex::build(&es, &lang("en"));
        assert!(index.anywhere.is_some() && index.words.is_some());
        let mut next = crate::matching::test_numbers(crate::bits::GOLDEN);
        let mut hits = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..1 + next(12) {
                text.push_str(seps[next(seps.len())]);
                text.push_str(words[next(words.len())]);
            }
            let mut found = Vec::new();
            index.find_all_into(&text, &mut found);
            assert_eq!(found, every_byte(&index, &text), "{text:?}");
            hits += found.len();
        }
        assert!(hits > 3000, "{hits} hits: the texts should have terms");
    }

    #[test]
    fn english_table() {
        let terms = [
            "Japan",
            "policy",
            "tax",
            "crisis",
            "person",
            "spokesman",
            "country",
            "Wang Yi",
            "Suga",
            "Asia-Pacific",
            "Regional Comprehensive Economic Partnership",
            "Partnership",
            "NPO",
            "CIPG",
            "COVID-19",
            "criterion",
        ];
        let es = entries("en", &terms);
        let index = TermIndex::build(&es, &lang("en"));
        let table: &[(&str, &[(&str, &str)])] = &[
            ("Japan and China", &[("Japan", "Japan")]),
            ("japanese food", &[]),
            ("JAPAN", &[("JAPAN", "Japan")]),
            ("Japan's role", &[("Japan's", "Japan")]),
            ("Japan’s role", &[("Japan’s", "Japan")]),
            ("two policies", &[("policies", "policy")]),
            ("new taxes", &[("taxes", "tax")]),
            ("the crises", &[("crises", "crisis")]),
            ("many people", &[("people", "person")]),
            ("the spokesmen", &[("spokesmen", "spokesman")]),
            ("the countries' leaders", &[("countries'", "country")]),
            ("Wang Yi said", &[("Wang Yi", "Wang Yi")]),
            ("Wang Yiming said", &[]),
            ("Wang  Yi\nsaid", &[("Wang  Yi", "Wang Yi")]),
            ("Suga and Sugar", &[("Suga", "Suga")]),
            ("Asia Pacific", &[("Asia Pacific", "Asia-Pacific")]),
            (
                "Asia\u{2013}Pacific",
                &[("Asia\u{2013}Pacific", "Asia-Pacific")],
            ),
            (
                "Asia\u{2011}Pacific",
                &[("Asia\u{2011}Pacific", "Asia-Pacific")],
            ),
            (
                "the Regional Comprehensive Economic Partnership (RCEP)",
                &[(
                    "Regional Comprehensive Economic Partnership",
                    "Regional Comprehensive Economic Partnership",
                )],
            ),
            ("a Partnership", &[("Partnership", "Partnership")]),
            ("Genron NPO", &[("NPO", "NPO")]),
            ("an npo", &[]),
            ("two NPOs", &[("NPOs", "NPO")]),
            ("the ＣＩＰＧ", &[("ＣＩＰＧ", "CIPG")]),
            ("Cipg", &[("Cipg", "CIPG")]),
            ("Npo", &[]),
            (
                "COVID-19 and Covid-19",
                &[("COVID-19", "COVID-19"), ("Covid-19", "COVID-19")],
            ),
            ("covid-19", &[]),
            ("the COVID19 outbreak", &[("COVID19", "COVID-19")]),
            ("criteria", &[("criteria", "criterion")]),
        ];
        for (text, want) in table {
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(found(&index, &es, text), want, "{text:?}");
        }
    }

    #[test]
    fn cjk_table() {
        let zh = entries("zh-CN", &["程永华", "习近平", "中国外文局", "CIPG"]);
        let index = TermIndex::build(&zh, &lang("zh-CN"));
        let table: &[(&str, &[&str])] = &[
            ("程永华大使", &["程永华"]),
            ("程永華大使", &[]),
            ("習近平主席", &[]),
            ("习近平主席和程永华", &["习近平", "程永华"]),
            ("由中国外文局（ＣＩＰＧ）主办", &["中国外文局", "ＣＩＰＧ"]),
        ];
        for (text, want) in table {
            let got: Vec<&str> = index
                .find(text)
                .iter()
                .map(|h| &text[h.start..h.end])
                .collect();
            assert_eq!(&got, want, "{text:?}");
        }
        let ja = entries("ja-JP", &["ジャパン", "１６"]);
        let index = TermIndex::build(&ja, &lang("ja-JP"));
        let text = "ｼﾞｬﾊﾟﾝ第16回";
        let got: Vec<&str> = index
            .find(text)
            .iter()
            .map(|h| &text[h.start..h.end])
            .collect();
        assert_eq!(got, ["ｼﾞｬﾊﾟﾝ", "16"]);
    }

    #[test]
    fn exact_case_shadows_case_insensitive_terms_of_its_entry() {
        let en = lang("en");
        let mut forbidden = Term::new(en.clone(), "Covid-19");
        forbidden.status = TermStatus::Forbidden;
        let es = vec![TermEntry {
            terms: vec![Term::new(en.clone(), "COVID-19"), forbidden],
            ..Default::default()
        }];
        let index = TermIndex::build(&es, &en);
        let terms =
            |text: &str| -> Vec<usize> { index.find(text).iter().map(|h| h.term).collect() };
        assert_eq!(terms("COVID-19"), [0]);
        assert_eq!(terms("Covid-19"), [1]);
        assert_eq!(terms("covid-19"), [1]);
    }

    #[test]
    fn folding() {
        let table = [
            ("Asia-Pacific", "Asia Pacific"),
            ("  a \n\t b--c ", " a b c "),
            ("Japan’s", "Japan's"),
            ("ＣＩＰＧ１６", "CIPG16"),
            ("ｼﾞｬﾊﾟﾝ", "ジャパン"),
            ("ÉCOLE", "éCOLE"),
            ("程永華 习近平 國經濟", "程永華 习近平 國經濟"),
            ("co\u{00AD}operation", "cooperation"),
        ];
        for (input, want) in table {
            let mut s = Scratch::default();
            fold(input, &mut s);
            assert_eq!(s.folded, want, "{input:?}");
            assert_eq!(s.starts.len(), s.folded.len());
        }
    }

    #[test]
    fn folding_one_character_at_a_time_agrees_with_nfkc() {
        let mut chars: Vec<char> = (0x20u32..0x7F)
            .chain([
                0xA0, 0xB7, 0x2BC, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2018, 0x2019,
            ])
            .chain([
                0x201C, 0x201D, 0x3000, 0x3001, 0x3002, 0x300C, 0x3011, 0x3041, 0x3096,
            ])
            .chain([
                0x30A1, 0x30FB, 0x30FC, 0x30FE, 0x4E00, 0x7A0B, 0x83EF, 0x9FFF,
            ])
            .chain(0xFF01..=0xFF5E)
            .filter_map(char::from_u32)
            .collect();
        chars.extend("程永华程永華ジャパン ,  -\n".chars());
        for (i, c) in chars.iter().enumerate() {
            let next = chars[(i * 7 + 3) % chars.len()];
            for text in [
                format!("a{c}{c}{next} b"),
                format!("{c}\u{301}{next}\u{3099}"),
            ] {
                let (mut fast, mut slow) = (Scratch::default(), Scratch::default());
                fold(&text, &mut fast);
                let mut sink = Sink {
                    scratch: &mut slow,
                    last_sep: false,
                };
                fold_segments(&text, 0, &mut sink);
                assert_eq!(fast.folded, slow.folded, "{text:?}");
                assert_eq!(fast.starts, slow.starts, "{text:?}");
                assert_eq!(fast.ends, slow.ends, "{text:?}");
            }
        }
    }

    #[test]
    fn texts_folded_in_place_fold_to_themselves() {
        let table = [
            ("Wang Yi said", true),
            ("Asia-Pacific\nforum", true),
            ("Asia  Pacific", false),
            ("言論NPOは、日本の非営利団体です。", true),
            ("中国和日本，", false),
            ("ｼﾞｬﾊﾟﾝ", false),
            ("か\u{3099}", false),
            ("“Japan’s”", false),
        ];
        for (text, in_place) in table {
            assert_eq!(folds_in_place(text), in_place, "{text:?}");
            let mut s = Scratch::default();
            fold(text, &mut s);
            let same = s.folded.len() == text.len()
                && s.folded.char_indices().all(|(i, c)| {
                    s.starts[i] == i && s.ends[i + c.len_utf8() - 1] == i + c.len_utf8()
                })
                && s.folded
                    .bytes()
                    .zip(text.bytes())
                    .all(|(f, t)| f == t || (f == b' ' && is_sep_byte(t)));
            if in_place {
                assert!(same, "{text:?} folds to {:?}", s.folded);
            }
        }
    }

    #[test]
    fn plurals_table() {
        let table: &[(&str, bool, &[&str])] = &[
            ("policy", false, &["policies"]),
            ("key", false, &["keys"]),
            ("tax", false, &["taxes"]),
            ("church", false, &["churches"]),
            ("forum", false, &["forums"]),
            ("Foreign Minister", false, &["Foreign Ministers"]),
            ("crisis", false, &["crises", "crisises"]),
            ("Chairman", false, &["Chairmen", "Chairmans"]),
            ("foreign affairs", false, &[]),
            ("NPO", true, &["NPOs"]),
            ("COVID 19", true, &[]),
        ];
        for (form, acronym, want) in table {
            assert_eq!(plurals(form, *acronym), *want, "{form}");
        }
    }

    #[test]
    fn acronyms() {
        for (s, want) in [
            ("CIPG", true),
            ("COVID-19", true),
            ("G20", true),
            ("Covid-19", false),
            ("npo", false),
            ("程永华", false),
        ] {
            assert_eq!(is_acronym(s), want, "{s}");
        }
        assert_eq!(title_cased("COVID 19").as_deref(), Some("Covid 19"));
        assert_eq!(title_cased("NPO"), None);
    }
}
