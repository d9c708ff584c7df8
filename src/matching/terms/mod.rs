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

mod boundaries;
mod fold;
mod inflect;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;

use super::word_trie::WordTrie;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::model::{Lang, TermEntry};
use boundaries::{for_each_word, is_word, starts_word, word_end};
use fold::{LOWER, fold, folds_in_place, is_sep_byte};
use inflect::{forms, title_cased};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Term, TermStatus};

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
}
