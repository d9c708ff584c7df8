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
//! Depends only on `model` and `error`; no I/O.

mod dfa;
mod hir;
mod java;
mod to_java;

use std::sync::{Arc, OnceLock};

use regex_automata::meta::Regex;
use regex_syntax::hir::Hir;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::{SrxPosition, SrxRules};

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

/// Consecutive rules that share their `break` value (and for regex-automata rules their
/// `afterbreak`): one compiled matcher.
#[derive(Debug)]
struct Group {
    is_break: bool,
    matcher: Matcher,
    /// Bytes that can come right before a position where `before` matches (None: any).
    last_bytes: Option<Box<[bool; 256]>>,
    /// Bytes that can come right after a position where `after` matches (None: any).
    first_bytes: Option<Box<[bool; 256]>>,
    /// Characters that can end a `before` match, when known (None: any).
    last_chars: Option<Vec<(u32, u32)>>,
    /// Whether `before` / `after` match the empty string (so position 0 / the end qualify).
    before_empty: bool,
    after_empty: bool,
    /// Bytes of context `before` / `after` need: the window, or less when every match of the
    /// pattern is known to be shorter (a smaller window is exact then, and cheaper).
    before_window: usize,
    after_window: usize,
    /// Check `before` first: it needs at least two characters, so it is likely the more
    /// selective side (an abbreviation) while `after` is often just white space.
    before_first: bool,
}

#[derive(Debug)]
enum Matcher {
    Fast {
        before: Option<Box<dfa::Anchor>>,
        after: Option<Box<dfa::Anchor>>,
    },
    Fancy {
        before: Option<Box<fancy_regex::Regex>>,
        after: Option<Box<fancy_regex::Regex>>,
    },
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
        Ok(RuleSet { parts, candidates })
    }
}

impl RuleSet {
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
        let any_before = before.iter().any(|&b| b);
        let mut last = 0usize;
        for (i, &byte) in bytes.iter().enumerate() {
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
        }
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

impl Group {
    fn matches(&self, text: &str, pos: usize) -> bool {
        if !self.may_match(text, pos) {
            return false;
        }
        self.run(text, pos)
    }

    /// The cheap filters: can a match of this group be at `pos` at all?
    fn may_match(&self, text: &str, pos: usize) -> bool {
        let bytes = text.as_bytes();
        if let Some(set) = &self.last_bytes {
            match pos.checked_sub(1).map(|i| bytes[i]) {
                Some(b) if set[b as usize] => {
                    if b >= 0x80
                        && let Some(ranges) = &self.last_chars
                        && !text[..pos]
                            .chars()
                            .next_back()
                            .is_some_and(|c| hir::in_ranges(ranges, c))
                    {
                        return false;
                    }
                }
                None if self.before_empty => {}
                _ => return false,
            }
        }
        if let Some(set) = &self.first_bytes {
            match bytes.get(pos) {
                Some(&b) if set[b as usize] => {}
                None if self.after_empty => {}
                _ => return false,
            }
        }
        true
    }

    /// Runs the patterns (without the filters).
    fn run(&self, text: &str, pos: usize) -> bool {
        match &self.matcher {
            Matcher::Fast { before, after } => {
                let check_before = || match before {
                    Some(re) => {
                        let start = floor_boundary(text, pos.saturating_sub(self.before_window));
                        re.is_match(text, start, pos)
                    }
                    None => true,
                };
                let check_after = || match after {
                    Some(re) => {
                        let end = ceil_boundary(text, (pos + self.after_window).min(text.len()));
                        re.is_match(text, pos, end)
                    }
                    None => true,
                };
                let (first, second): (&dyn Fn() -> bool, &dyn Fn() -> bool) = if self.before_first {
                    (&check_before, &check_after)
                } else {
                    (&check_after, &check_before)
                };
                first() && second()
            }
            Matcher::Fancy { before, after } => {
                if let Some(re) = after {
                    let end = ceil_boundary(text, (pos + self.after_window).min(text.len()));
                    match re.find_from_pos(&text[..end], pos) {
                        Ok(Some(m)) if m.start() == pos => {}
                        _ => return false,
                    }
                }
                if let Some(re) = before {
                    let hay = &text[..pos];
                    let start = floor_boundary(text, pos.saturating_sub(self.before_window));
                    match re.find_from_pos(hay, start) {
                        Ok(Some(_)) => {}
                        _ => return false,
                    }
                }
                true
            }
        }
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A rule pattern translated to Rust syntax, with what can be known about its literals.
struct Translated {
    rust: String,
    hir: Option<Hir>,
}

fn translate(pattern: &str) -> Translated {
    let rust = java::translate(pattern);
    let hir = regex_syntax::ParserBuilder::new().build().parse(&rust).ok();
    Translated { rust, hir }
}

fn compile_language_rule(srx: &SrxRules, index: usize) -> CompiledLanguageRule {
    let lang = &srx.language_rules[index];
    let mut groups: Vec<Group> = Vec::new();
    let mut problems = Vec::new();
    // Pending run of fast rules: (is_break, after pattern, [(before pattern, translated)]).
    struct Run {
        is_break: bool,
        after: String,
        befores: Vec<(usize, Translated)>,
    }
    let mut run: Option<Run> = None;

    let rule_label = |i: usize| format!("languagerule {:?}, rule {}", lang.name, i + 1);

    let flush = |run: &mut Option<Run>, groups: &mut Vec<Group>, problems: &mut Vec<Error>| {
        let Some(r) = run.take() else { return };
        let after = translate(&r.after);
        if let Some(g) = build_fast_group(r.is_break, &r.befores, &after) {
            groups.push(g);
            return;
        }
        // The merged regex failed (a part parses but does not compile): go one by one.
        for (i, _) in &r.befores {
            let rule = &lang.rules[*i];
            let before = translate(&rule.before);
            if let Some(g) =
                build_fast_group(r.is_break, std::slice::from_ref(&(*i, before)), &after)
            {
                groups.push(g);
                continue;
            }
            match build_fancy_group(r.is_break, &java::translate(&rule.before), &after.rust) {
                Ok(g) => groups.push(g),
                Err((which, message)) => {
                    let pattern = if which { &rule.before } else { &rule.after };
                    problems.push(srx_error(
                        &rule.position,
                        &rule_label(*i),
                        pattern,
                        &message,
                    ));
                }
            }
        }
    };

    let max = crate::model::Limits::current().max_srx_pattern_bytes;
    for (i, rule) in lang.rules.iter().enumerate() {
        // A pattern past the limit is not even parsed: it is reported with its first characters.
        if let Some(long) = [&rule.before, &rule.after]
            .into_iter()
            .find(|p| p.len() > max)
        {
            let mut shown: String = long.chars().take(40).collect();
            shown.push('…');
            problems.push(srx_error(
                &rule.position,
                &rule_label(i),
                &shown,
                &format!(
                    "the pattern is {} bytes, over the limit of {}: raise the limit with \
                     --max-srx-pattern-bytes (or TMKIT_MAX_SRX_PATTERN_BYTES)",
                    long.len(),
                    crate::model::limits::describe_bytes(max)
                ),
            ));
            continue;
        }
        let before = translate(&rule.before);
        let after = translate(&rule.after);
        // Parsing is much cheaper than compiling; a pattern that parses compiles (the run is
        // compiled as a whole, and one by one only if that fails).
        let fast_ok = before.hir.is_some() && after.hir.is_some();
        if fast_ok {
            let joins =
                matches!(&run, Some(r) if r.is_break == rule.is_break && r.after == rule.after);
            if !joins {
                flush(&mut run, &mut groups, &mut problems);
                run = Some(Run {
                    is_break: rule.is_break,
                    after: rule.after.clone(),
                    befores: Vec::new(),
                });
            }
            if let Some(r) = run.as_mut() {
                r.befores.push((i, before));
            }
            continue;
        }
        flush(&mut run, &mut groups, &mut problems);
        match build_fancy_group(rule.is_break, &before.rust, &after.rust) {
            Ok(g) => groups.push(g),
            Err((which, message)) => {
                let pattern = if which { &rule.before } else { &rule.after };
                problems.push(srx_error(&rule.position, &rule_label(i), pattern, &message));
            }
        }
    }
    flush(&mut run, &mut groups, &mut problems);

    let mut candidates = Candidates::none();
    for g in groups.iter().filter(|g| g.is_break) {
        match (&g.last_bytes, &g.first_bytes) {
            (Some(set), _) if !g.before_empty => {
                for b in 0..256 {
                    candidates.after_byte[b] |= set[b];
                }
                candidates.add_chars(g.last_chars.as_deref());
            }
            (_, Some(set)) if !g.after_empty => {
                for b in 0..256 {
                    candidates.before_byte[b] |= set[b];
                }
            }
            _ => candidates.everywhere = true,
        }
    }
    CompiledLanguageRule {
        name: lang.name.clone(),
        rule_count: lang.rules.len(),
        groups,
        problems,
        candidates,
    }
}

fn build_fast_group(
    is_break: bool,
    befores: &[(usize, Translated)],
    after: &Translated,
) -> Option<Group> {
    let any_empty_before = befores.iter().any(|(_, t)| t.rust.is_empty());
    let (before_re, last_bytes, before_empty, before_window, before_first, last_chars) =
        if any_empty_before {
            (None, None, true, 0, false, None)
        } else {
            let mut hirs = Vec::with_capacity(befores.len());
            for (_, t) in befores {
                hirs.push(hir::leading_word_boundary_consumed(t.hir.clone()?));
            }
            let hir = Hir::alternation(hirs);
            let re = Some(Box::new(
                dfa::Anchor::new(hir.clone(), dfa::Side::Before).ok()?,
            ));
            let set = hir::edge_bytes(&hir, true);
            let chars = hir::edge_chars(&hir, true);
            let empty = hir.properties().minimum_len().is_none_or(|n| n == 0);
            let before_first = hir.properties().minimum_len().is_some_and(|n| n >= 2);
            let window = hir
                .properties()
                .maximum_len()
                .map_or(BEFORE_WINDOW, |n| n.min(BEFORE_WINDOW));
            (re, set, empty, window, before_first, chars)
        };
    let after_re = match &after.hir {
        Some(h) if !after.rust.is_empty() => Some(Box::new(
            dfa::Anchor::new(h.clone(), dfa::Side::After).ok()?,
        )),
        Some(_) => None,
        None => return None,
    };
    let (first_bytes, after_empty, after_window) = match &after.hir {
        Some(h) if !after.rust.is_empty() => (
            hir::edge_bytes(h, false),
            h.properties().minimum_len().is_none_or(|n| n == 0),
            h.properties()
                .maximum_len()
                .map_or(AFTER_WINDOW, |n| n.min(AFTER_WINDOW)),
        ),
        _ => (None, true, 0),
    };
    Some(Group {
        is_break,
        matcher: Matcher::Fast {
            before: before_re,
            after: after_re,
        },
        last_bytes,
        first_bytes,
        last_chars,
        before_empty,
        after_empty,
        before_window,
        after_window,
        before_first,
    })
}

/// Err((is_before, message)).
fn build_fancy_group(
    is_break: bool,
    before: &str,
    after: &str,
) -> std::result::Result<Group, (bool, String)> {
    let before_re = if before.is_empty() {
        None
    } else {
        Some(
            fancy_regex::RegexBuilder::new(&format!("(?:{before})\\z"))
                .delegate_size_limit(dfa::compile_size_limit())
                .build()
                .map(Box::new)
                .map_err(|e| {
                    (
                        true,
                        format!("cannot compile: {}", first_line(&e.to_string())),
                    )
                })?,
        )
    };
    let after_re = if after.is_empty() {
        None
    } else {
        Some(
            fancy_regex::RegexBuilder::new(&format!("\\G(?:{after})"))
                .delegate_size_limit(dfa::compile_size_limit())
                .build()
                .map(Box::new)
                .map_err(|e| {
                    (
                        false,
                        format!("cannot compile: {}", first_line(&e.to_string())),
                    )
                })?,
        )
    };
    Ok(Group {
        is_break,
        before_empty: before.is_empty(),
        after_empty: after.is_empty(),
        matcher: Matcher::Fancy {
            before: before_re,
            after: after_re,
        },
        last_bytes: None,
        first_bytes: None,
        last_chars: None,
        before_window: FANCY_WINDOW,
        after_window: FANCY_WINDOW,
        before_first: false,
    })
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
mod tests {
    use super::*;
    use crate::model::{LanguageMap, LanguageRule, SrxRule};

    fn rule(is_break: bool, before: &str, after: &str) -> SrxRule {
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

    fn rules(langs: &[(&str, Vec<SrxRule>)], maps: &[(&str, &str)], cascade: bool) -> SrxRules {
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

    fn breaks(engine: &Engine, lang: &str, text: &str) -> Vec<usize> {
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
    fn empty_patterns_match_anywhere() {
        let e = Engine::new(rules(
            &[("A", vec![rule(true, "", r"\n"), rule(true, r"[。！]", "")])],
            &[(".*", "A")],
            false,
        ));
        assert_eq!(breaks(&e, "xx", "ab\ncd"), [2]);
        assert_eq!(breaks(&e, "xx", "好。好！好"), [6, 12]);
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
    fn look_around_and_back_references_use_the_backtracking_engine() {
        let e = Engine::new(rules(
            &[(
                "A",
                vec![
                    rule(false, r"(?<=\bNo)\.", r"\s+\d"),
                    rule(true, r"(\w)\1\.", r"\s"),
                    rule(true, r"\.", r"\s+(?!etc)\w"),
                ],
            )],
            &[(".*", "A")],
            false,
        ));
        let set = e.rules_for("xx").unwrap();
        assert_eq!(set.problems().count(), 0);
        assert_eq!(set.summary().backtracking_groups, 3);
        assert_eq!(breaks(&e, "xx", "No. 5 here. Then. etc"), [11]);
        assert_eq!(breaks(&e, "xx", "Too. Fine"), [4]);
    }

    #[test]
    fn bad_rules_are_reported_with_file_line_rule_and_pattern() {
        let e = Engine::new(rules(
            &[(
                "Broken",
                vec![rule(true, r"\.", r"\s"), rule(false, r"[a-", r"\s")],
            )],
            &[(".*", "Broken")],
            false,
        ));
        let set = e.rules_for("en").unwrap();
        let problems: Vec<String> = set.problems().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "t.srx:7:3: languagerule \"Broken\", rule 2: pattern \"[a-\": cannot compile"
            ),
            "{}",
            problems[0]
        );
        // The rest still works.
        assert_eq!(breaks(&e, "en", "A. B"), [2]);
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

    #[test]
    fn windows_keep_time_linear_on_pathological_rules() {
        // A before pattern that could look back over the whole text: bounded by the window.
        let e = Engine::new(rules(
            &[("A", vec![rule(true, r"^[^!]*\.", r"\s")])],
            &[(".*", "A")],
            false,
        ));
        let text = "a. ".repeat(50_000);
        let set = e.rules_for("xx").unwrap();
        let t = std::time::Instant::now();
        let mut out = Vec::new();
        set.breaks(&text, &mut out);
        // Only positions within BEFORE_WINDOW of the start can see `^`.
        assert!(out.len() < BEFORE_WINDOW, "{} breaks", out.len());
        assert!(!out.is_empty());
        assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    }
}
