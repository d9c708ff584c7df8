//! The SRX engine: compiles the rules of an [`SrxRules`] document and finds break positions.
//!
//! Semantics (SRX 2.0): at a position between two characters, the rules of the language apply in
//! order; the first rule whose `beforebreak` matches the text ending there and whose `afterbreak`
//! matches the text starting there decides, break or no break. No matching rule: no break.
//!
//! Design, for speed on large inputs:
//! - Only *candidate* positions are evaluated. From the parsed patterns of the break rules the
//!   engine works out which bytes can end a `beforebreak` match (or start an `afterbreak`
//!   match); a table scan over the text finds the candidates. A break rule whose patterns allow
//!   no such bound makes every position a candidate (slower, still correct).
//! - At a candidate, the break rules are tried first; if none matches there is no break, and
//!   otherwise only the exceptions *before* the first matching break rule can veto it. That is
//!   the SRX semantics, with far fewer regex runs where nothing happens.
//! - `beforebreak` runs as a reverse lazy DFA anchored at the candidate over a bounded window
//!   of preceding text, `afterbreak` as a forward one over a bounded window of following text
//!   (see `dfa`); windows are bounded, so time is linear in the input whatever the rules. A
//!   leading Unicode `\b` is rewritten into the character it implies so that the DFA does not
//!   give up next to non-ASCII text.
//! - Consecutive rules with the same `break` value and the same `afterbreak` are merged into one
//!   alternation (their order among themselves cannot change the outcome), so thousands of
//!   abbreviation rules cost one automaton.
//! - Each group first tests the byte before (after) the candidate against the bytes that can
//!   end (start) its matches, then runs the more selective side first.
//! - Rules are compiled lazily, per language rule, on first use, and cached.
//!
//! Rules that need look-around or back-references are compiled with `fancy-regex` (bounded
//! backtracking on the same windows). A rule that cannot be compiled at all is reported with its
//! file, line, rule and pattern; the caller decides whether that is fatal.
//!
//! This file holds the engine and rule-set types and the search for breaks; `compile` turns a
//! language rule into groups of rules, `matcher` runs a group at a position.
//!
//! Depends only on `model`, `error` and the byte mechanisms of `bits`; no I/O.

mod compile;
mod dfa;
mod hir;
mod java;
mod matcher;
mod to_java;

use std::sync::{Arc, OnceLock};

use regex_automata::meta::Regex;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::{SrxPosition, SrxRules};
use compile::compile_language_rule;
use matcher::{Group, Matcher};

pub use java::translate as translate_java_regex;
pub(crate) use to_java::{java_after, java_before, regex_literal};

/// Bytes of text before a candidate that `beforebreak` may look at (regex-automata rules).
pub const BEFORE_WINDOW: usize = 512;
/// Bytes of text after a candidate that `afterbreak` may look at (regex-automata rules).
pub const AFTER_WINDOW: usize = 512;
/// Windows for rules compiled with the backtracking engine (look-around, back-references).
pub const FANCY_WINDOW: usize = 160;

/// SRX rules ready to segment: the document plus a cache of compiled language rules.
///
/// Compiling happens on first use of a language rule ([`Engine::rules_for`]); an `Engine` can be
/// shared between threads.
#[derive(Debug)]
pub struct Engine {
    srx: SrxRules,
    compiled: Vec<OnceLock<Arc<CompiledLanguageRule>>>,
    maps: OnceLock<std::result::Result<Vec<Regex>, Vec<Error>>>,
}

/// A set of compiled rules for one language: the language rules its map selects, in order.
#[derive(Debug, Clone)]
pub struct RuleSet {
    parts: Vec<Arc<CompiledLanguageRule>>,
    candidates: Candidates,
    /// The bytes that can make a candidate, before or after them: `after_byte | before_byte`
    /// of `candidates`, worked out once rather than at every text.
    scan: Box<[bool; 256]>,
    /// Whether `before_byte` of `candidates` has any byte.
    any_before: bool,
}

/// How a [`RuleSet`] was compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSetSummary {
    /// Rules in the selected language rules.
    pub rules: usize,
    /// Compiled groups (consecutive rules merged into one matcher).
    pub groups: usize,
    /// Groups that need the backtracking engine (look-around, back-references).
    pub backtracking_groups: usize,
    /// Whether some break rule could match anywhere, so every position is evaluated (slow).
    pub every_position_is_candidate: bool,
}

/// One compiled `<languagerule>`.
#[derive(Debug)]
pub struct CompiledLanguageRule {
    name: String,
    groups: Vec<Group>,
    problems: Vec<Error>,
    candidates: Candidates,
    rule_count: usize,
}

/// Where breaks can be, as far as the break rules tell.
#[derive(Debug, Clone)]
struct Candidates {
    everywhere: bool,
    /// A position p is a candidate if `text[p-1]` is in this set.
    after_byte: Box<[bool; 256]>,
    /// A position p is a candidate if `text[p]` is in this set.
    before_byte: Box<[bool; 256]>,
    /// When known: the characters that can come before a candidate (a finer test than the
    /// last byte, which many Chinese and Japanese characters share).
    after_chars: Option<Vec<(u32, u32)>>,
}

impl Candidates {
    fn none() -> Self {
        Candidates {
            everywhere: false,
            after_byte: Box::new([false; 256]),
            before_byte: Box::new([false; 256]),
            after_chars: Some(Vec::new()),
        }
    }

    fn add(&mut self, other: &Candidates) {
        self.everywhere |= other.everywhere;
        for b in 0..256 {
            self.after_byte[b] |= other.after_byte[b];
            self.before_byte[b] |= other.before_byte[b];
        }
        self.add_chars(other.after_chars.as_deref());
    }

    fn add_chars(&mut self, chars: Option<&[(u32, u32)]>) {
        match (&mut self.after_chars, chars) {
            (Some(mine), Some(theirs)) => {
                mine.extend_from_slice(theirs);
                mine.sort_unstable();
                // Merge overlapping ranges so that a binary search works.
                let mut merged: Vec<(u32, u32)> = Vec::with_capacity(mine.len());
                for &(s, e) in mine.iter() {
                    match merged.last_mut() {
                        Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
                        _ => merged.push((s, e)),
                    }
                }
                *mine = merged;
            }
            (mine, _) => *mine = None,
        }
    }
}

impl Engine {
    /// An engine for `srx`; nothing is compiled yet.
    pub fn new(srx: SrxRules) -> Engine {
        let compiled = srx.language_rules.iter().map(|_| OnceLock::new()).collect();
        Engine {
            srx,
            compiled,
            maps: OnceLock::new(),
        }
    }

    /// The rules as read.
    pub fn srx(&self) -> &SrxRules {
        &self.srx
    }

    /// The indices of the language rules that apply to `lang` (a code such as `en-US`), in order:
    /// the first map whose pattern matches, or with `cascade` every one that does.
    pub fn language_rules_for(&self, lang: &str) -> Result<Vec<usize>> {
        let maps = self
            .maps
            .get_or_init(|| {
                let mut out = Vec::new();
                let mut errors = Vec::new();
                for (i, m) in self.srx.maps.iter().enumerate() {
                    let pattern = format!("(?i)^(?:{})$", java::translate(&m.pattern));
                    let ascii = regex_automata::util::syntax::Config::new()
                        .unicode(false)
                        .utf8(false);
                    match Regex::builder().syntax(ascii).build(&pattern) {
                        Ok(r) => out.push(r),
                        Err(e) => errors.push(srx_error(
                            &m.position,
                            &format!("languagemap {}", i + 1),
                            &m.pattern,
                            &format!(
                                "cannot compile the language pattern: {}",
                                first_line(&e.to_string())
                            ),
                        )),
                    }
                }
                if errors.is_empty() {
                    Ok(out)
                } else {
                    Err(errors)
                }
            })
            .as_ref()
            .map_err(|errors| clone_error(&errors[0]))?;
        let mut chosen = Vec::new();
        for (m, re) in self.srx.maps.iter().zip(maps) {
            if !re.is_match(lang) {
                continue;
            }
            let Some(idx) = self
                .srx
                .language_rules
                .iter()
                .position(|l| l.name == m.rule_name)
            else {
                return Err(srx_error(
                    &m.position,
                    "languagemap",
                    &m.pattern,
                    &format!(
                        "names the language rule {:?}, which the file does not define",
                        m.rule_name
                    ),
                ));
            };
            if !chosen.contains(&idx) {
                chosen.push(idx);
            }
            if !self.srx.cascade {
                break;
            }
        }
        Ok(chosen)
    }

    /// The compiled rules for `lang`. Rules that could not be compiled are left out and listed by
    /// [`RuleSet::problems`].
    pub fn rules_for(&self, lang: &str) -> Result<RuleSet> {
        let indices = self.language_rules_for(lang)?;
        let mut candidates = Candidates::none();
        let mut parts = Vec::with_capacity(indices.len());
        for i in indices {
            let part = self.compiled[i]
                .get_or_init(|| Arc::new(compile_language_rule(&self.srx, i)))
                .clone();
            candidates.add(&part.candidates);
            parts.push(part);
        }
        Ok(RuleSet::new(parts, candidates))
    }
}

impl RuleSet {
    /// The same rules with matching caches of their own, for a thread that segments many texts
    /// next to others. The lazy DFAs keep a cache per thread, but only the first thread to use
    /// a rule set takes its caches without a lock; the others lock and unlock a pool at every
    /// pattern they try. A copy made for each thread gives every thread the lock-free path (a
    /// quarter less CPU time for a streamed `tmkit segment` on two cores). The compiled
    /// automata are shared, not compiled again.
    pub fn for_thread(&self) -> RuleSet {
        let parts = self
            .parts
            .iter()
            .map(|p| {
                Arc::new(CompiledLanguageRule {
                    name: p.name.clone(),
                    groups: p.groups.iter().map(Group::fork).collect(),
                    problems: p.problems.iter().map(clone_error).collect(),
                    candidates: p.candidates.clone(),
                    rule_count: p.rule_count,
                })
            })
            .collect();
        RuleSet::new(parts, self.candidates.clone())
    }

    fn new(parts: Vec<Arc<CompiledLanguageRule>>, candidates: Candidates) -> RuleSet {
        let mut scan = Box::new([false; 256]);
        for (s, (&a, &b)) in scan.iter_mut().zip(
            candidates
                .after_byte
                .iter()
                .zip(candidates.before_byte.iter()),
        ) {
            *s = a | b;
        }
        let any_before = candidates.before_byte.iter().any(|&b| b);
        RuleSet {
            parts,
            candidates,
            scan,
            any_before,
        }
    }

    /// Rules that could not be compiled (each an [`ErrorKind::Srx`] with file, line, rule and
    /// pattern), in document order.
    pub fn problems(&self) -> impl Iterator<Item = &Error> {
        self.parts.iter().flat_map(|p| p.problems.iter())
    }

    /// Owned copies of [`RuleSet::problems`], for callers that report or return them.
    pub fn problem_errors(&self) -> Vec<Error> {
        self.problems().map(clone_error).collect()
    }

    /// How the rules were compiled, for diagnostics and benchmarks.
    pub fn summary(&self) -> RuleSetSummary {
        let groups = self.parts.iter().flat_map(|p| p.groups.iter());
        let mut s = RuleSetSummary {
            every_position_is_candidate: self.candidates.everywhere,
            ..RuleSetSummary::default()
        };
        for g in groups {
            s.groups += 1;
            if matches!(g.matcher, Matcher::Fancy { .. }) {
                s.backtracking_groups += 1;
            }
        }
        s.rules = self.parts.iter().map(|p| p.rule_count).sum();
        s
    }

    /// The names of the language rules in this set, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|p| p.name.as_str())
    }

    /// Whether the rules break `text` at byte offset `pos` (which must be a char boundary):
    /// the first rule matching there decides.
    pub fn is_break_at(&self, text: &str, pos: usize) -> bool {
        // Equivalent to trying every rule in order, but cheaper where no break rule matches
        // (most candidates): find the first matching break rule, then only the exceptions
        // before it can veto it.
        let mut first_break = None;
        'find: for (pi, part) in self.parts.iter().enumerate() {
            for (gi, g) in part.groups.iter().enumerate() {
                if g.is_break && g.matches(text, pos) {
                    first_break = Some((pi, gi));
                    break 'find;
                }
            }
        }
        let Some((pb, gb)) = first_break else {
            return false;
        };
        self.not_vetoed(text, pos, pb, gb)
    }

    /// Whether no exception before group `gb` of part `pb` matches at `pos`.
    fn not_vetoed(&self, text: &str, pos: usize, pb: usize, gb: usize) -> bool {
        for (pi, part) in self.parts[..=pb].iter().enumerate() {
            let end = if pi == pb { gb } else { part.groups.len() };
            if part.groups[..end]
                .iter()
                .any(|g| !g.is_break && g.matches(text, pos))
            {
                return false;
            }
        }
        true
    }

    /// The plain SRX semantics, without candidates, filters or the break-rules-first order:
    /// what the fast paths must agree with.
    #[cfg(test)]
    fn reference_is_break_at(&self, text: &str, pos: usize) -> bool {
        for part in &self.parts {
            for g in &part.groups {
                if g.run(text, pos) {
                    return g.is_break;
                }
            }
        }
        false
    }

    /// Appends to `out` every break position in `text`, in increasing order, excluding 0 and
    /// `text.len()`.
    pub fn breaks(&self, text: &str, out: &mut Vec<usize>) {
        let bytes = text.as_bytes();
        let n = bytes.len();
        if n < 2 {
            return;
        }
        if self.candidates.everywhere {
            for (p, _) in text.char_indices().skip(1) {
                if self.is_break_at(text, p) {
                    out.push(p);
                }
            }
            return;
        }
        let after = &*self.candidates.after_byte;
        let before = &*self.candidates.before_byte;
        let any_before = self.any_before;
        let mut last = 0usize;
        // Only bytes in one of the sets can make a candidate.
        crate::bits::table_hits(bytes, &self.scan, |i| {
            let byte = bytes[i];
            let b = byte as usize;
            // Position i (before byte i), then position i + 1 (after byte i).
            if any_before
                && before[b]
                && i > last
                && text.is_char_boundary(i)
                && self.is_break_at(text, i)
            {
                out.push(i);
                last = i;
            }
            if after[b] {
                let p = i + 1;
                if p < n
                    && p > last
                    && text.is_char_boundary(p)
                    && (byte < 0x80 || self.char_may_end_candidate(text, p))
                    && self.is_break_at(text, p)
                {
                    out.push(p);
                    last = p;
                }
            }
        });
    }
}

impl RuleSet {
    fn char_may_end_candidate(&self, text: &str, p: usize) -> bool {
        match &self.candidates.after_chars {
            Some(ranges) => text[..p]
                .chars()
                .next_back()
                .is_some_and(|c| hir::in_ranges(ranges, c)),
            None => true,
        }
    }
}

fn first_line(s: &str) -> String {
    // regex errors span several lines (pattern, caret, message): keep them on one.
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn srx_error(pos: &SrxPosition, rule: &str, pattern: &str, message: &str) -> Error {
    ErrorKind::Srx {
        location: Location {
            path: pos.path.clone(),
            line: pos.line,
            column: pos.column,
        },
        rule: rule.to_string(),
        pattern: pattern.to_string(),
        message: message.to_string(),
    }
    .into()
}

fn clone_error(e: &Error) -> Error {
    match e.kind() {
        ErrorKind::Srx {
            location,
            rule,
            pattern,
            message,
        } => ErrorKind::Srx {
            location: location.clone(),
            rule: rule.clone(),
            pattern: pattern.clone(),
            message: message.clone(),
        }
        .into(),
        other => ErrorKind::Invalid {
            what: "SRX rules",
            value: String::new(),
            reason: other.to_string(),
        }
        .into(),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::{LanguageMap, LanguageRule, SrxRule};

    pub(super) fn rule(is_break: bool, before: &str, after: &str) -> SrxRule {
        SrxRule {
            is_break,
            before: before.into(),
            after: after.into(),
            position: SrxPosition {
                path: "t.srx".into(),
                line: 7,
                column: 3,
            },
        }
    }

    pub(super) fn rules(
        langs: &[(&str, Vec<SrxRule>)],
        maps: &[(&str, &str)],
        cascade: bool,
    ) -> SrxRules {
        SrxRules {
            path: "t.srx".into(),
            version: "2.0".into(),
            cascade,
            segment_subflows: true,
            language_rules: langs
                .iter()
                .map(|(name, rules)| LanguageRule {
                    name: name.to_string(),
                    rules: rules.clone(),
                })
                .collect(),
            maps: maps
                .iter()
                .map(|(pattern, name)| LanguageMap {
                    pattern: pattern.to_string(),
                    rule_name: name.to_string(),
                    position: SrxPosition::default(),
                })
                .collect(),
        }
    }

    pub(super) fn breaks(engine: &Engine, lang: &str, text: &str) -> Vec<usize> {
        let set = engine.rules_for(lang).unwrap();
        let mut out = Vec::new();
        set.breaks(text, &mut out);
        // The fast candidate scan agrees with trying every position.
        let every: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .filter(|&i| i > 0 && set.is_break_at(text, i))
            .collect();
        assert_eq!(out, every, "candidate scan vs every position on {text:?}");
        out
    }

    /// The candidate scan, the byte and character filters and the break-rules-first order give
    /// exactly the breaks of the plain semantics (every position, every rule in order).
    #[test]
    fn fast_paths_agree_with_the_plain_semantics() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = vec![
            std::fs::read_to_string(root.join("examples/beijing-tokyo-forum.en.txt")).unwrap(),
        ];
        for lang in ["en", "zh", "ja"] {
            let p = root.join(format!("tests/fixtures/segment/sample.{lang}.txt"));
            texts.push(std::fs::read_to_string(p).unwrap());
        }
        let cases =
            std::fs::read_to_string(root.join("tests/fixtures/segment/en-hard-cases.tsv")).unwrap();
        texts.push(
            cases
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split('\t').nth(1))
                .collect::<Vec<_>>()
                .join(" "),
        );
        let mut engines = vec![Engine::new(crate::formats::srx::default_rules().unwrap())];
        for f in [
            "omegat-defaultRules.srx",
            "languagetool-segment.srx",
            "okapi-defaultSegmentation.srx",
        ] {
            let path = root.join("tests/fixtures/srx").join(f);
            engines.push(Engine::new(crate::formats::srx::read_file(&path).unwrap()));
        }
        for engine in &engines {
            for lang in ["en", "zh", "ja", "de"] {
                let set = engine.rules_for(lang).unwrap();
                for text in &texts {
                    let mut fast = Vec::new();
                    set.breaks(text, &mut fast);
                    let plain: Vec<usize> = text
                        .char_indices()
                        .map(|(i, _)| i)
                        .filter(|&i| i > 0 && set.reference_is_break_at(text, i))
                        .collect();
                    assert_eq!(fast, plain, "{} [{lang}]", engine.srx().path);
                    // A copy for another thread, with caches of its own, finds the same breaks.
                    let copy = set.for_thread();
                    let mut forked = Vec::new();
                    std::thread::scope(|s| {
                        s.spawn(|| copy.breaks(text, &mut forked));
                    });
                    assert_eq!(forked, plain, "{} [{lang}], thread copy", engine.srx().path);
                }
            }
        }
    }

    #[test]
    fn first_matching_rule_decides() {
        let e = Engine::new(rules(
            &[(
                "A",
                vec![
                    rule(false, r"\bMr\.", r"\s"),
                    rule(true, r"[.?!]+", r"\s"),
                    rule(false, r"\bDr\.", r"\s"), // too late: the break rule above wins
                ],
            )],
            &[(".*", "A")],
            false,
        ));
        let cases: &[(&str, &[usize])] = &[
            ("Mr. X. Dr. Y.", &[6, 10]),
            ("Hi!! Yes?", &[4]),
            ("No break at all", &[]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(breaks(&e, "en", text), *want, "{text:?}");
        }
    }

    #[test]
    fn maps_match_case_insensitively_and_cascade() {
        let langs = [
            ("En", vec![rule(false, r"\bMr\.", r"\s")]),
            ("Default", vec![rule(true, r"\.", r"\s")]),
        ];
        let maps = [("EN.*", "En"), (".*", "Default")];
        let cascading = Engine::new(rules(&langs, &maps, true));
        assert_eq!(cascading.language_rules_for("en-US").unwrap(), [0, 1]);
        assert_eq!(cascading.language_rules_for("fr").unwrap(), [1]);
        assert_eq!(breaks(&cascading, "en", "Mr. X. Y"), [6]);
        assert_eq!(breaks(&cascading, "fr", "Mr. X. Y"), [3, 6]);
        let first_only = Engine::new(rules(&langs, &maps, false));
        assert_eq!(first_only.language_rules_for("en").unwrap(), [0]);
        assert_eq!(breaks(&first_only, "en", "Mr. X. Y"), Vec::<usize>::new());
    }

    #[test]
    fn a_map_to_a_missing_rule_is_an_error() {
        let e = Engine::new(rules(&[("A", vec![])], &[(".*", "Missing")], false));
        let err = e.rules_for("en").unwrap_err().to_string();
        assert!(
            err.contains("\"Missing\", which the file does not define"),
            "{err}"
        );
    }
}
