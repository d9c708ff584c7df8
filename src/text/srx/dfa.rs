//! Anchored matching of one side of a rule with a lazy DFA built for exactly that job: a
//! reverse DFA for `beforebreak` (is there a match *ending* at the position?) and a forward DFA
//! for `afterbreak` (is there a match *starting* there?).
//!
//! Compared with a general-purpose regex this compiles one automaton instead of two, and a
//! search is a single anchored scan that stops at the first match. When the DFA gives up (a
//! Unicode `\b` next to non-ASCII text, or a cache thrashing on a huge pattern) a PikeVM built
//! on first need answers instead; both give the same answers.
//!
//! Depends only on `regex-automata` and `regex-syntax` (and the limits in `model`).

use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::OnceLock;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, NFA, WhichCaptures, pikevm::PikeVM};
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::{Hir, Look};

type CacheFn = Box<dyn Fn() -> Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;
type VmCacheFn = Box<
    dyn Fn() -> regex_automata::nfa::thompson::pikevm::Cache
        + Send
        + Sync
        + UnwindSafe
        + RefUnwindSafe,
>;

/// Which side of a break a pattern matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// `beforebreak`: a match must end at the position.
    Before,
    /// `afterbreak`: a match must start at the position.
    After,
}

/// A compiled pattern for one side of a rule.
pub struct Anchor {
    side: Side,
    dfa: DFA,
    caches: Pool<Cache, CacheFn>,
    /// The pattern, kept to build the fallback when it is first needed.
    hir: Hir,
    fallback: OnceLock<Option<Fallback>>,
}

struct Fallback {
    vm: PikeVM,
    caches: Pool<regex_automata::nfa::thompson::pikevm::Cache, VmCacheFn>,
}

impl std::fmt::Debug for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Anchor")
            .field("side", &self.side)
            .finish_non_exhaustive()
    }
}

impl Anchor {
    /// Compiles `hir` for `side`; an error message when it cannot be compiled.
    pub fn new(hir: Hir, side: Side) -> Result<Anchor, String> {
        let nfa = nfa(&hir, side == Side::Before)?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .unicode_word_boundary(true)
                    .cache_capacity(1 << 20)
                    .minimum_cache_clear_count(Some(8)),
            )
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        let for_pool = dfa.clone();
        let create: CacheFn = Box::new(move || for_pool.create_cache());
        Ok(Anchor {
            side,
            dfa,
            caches: Pool::new(create),
            hir,
            fallback: OnceLock::new(),
        })
    }

    /// The same pattern with caches of its own: the thread that uses the copy first owns its
    /// caches, and takes them without a lock (see [`super::RuleSet::for_thread`]).
    pub fn fork(&self) -> Anchor {
        let dfa = self.dfa.clone();
        let for_pool = dfa.clone();
        let create: CacheFn = Box::new(move || for_pool.create_cache());
        Anchor {
            side: self.side,
            dfa,
            caches: Pool::new(create),
            hir: self.hir.clone(),
            fallback: OnceLock::new(),
        }
    }

    /// Whether a match ends at `end` (for [`Side::Before`], looking no further back than
    /// `start`) or starts at `start` (for [`Side::After`], looking no further than `end`).
    pub fn is_match(&self, text: &str, start: usize, end: usize) -> bool {
        let mut cache = self.caches.get();
        let result = match self.side {
            Side::Before => {
                let input = Input::new(&text[..end])
                    .span(start..end)
                    .anchored(Anchored::Yes)
                    .earliest(true);
                self.dfa.try_search_rev(&mut cache, &input)
            }
            Side::After => {
                let input = Input::new(text)
                    .span(start..end)
                    .anchored(Anchored::Yes)
                    .earliest(true);
                self.dfa.try_search_fwd(&mut cache, &input)
            }
        };
        match result {
            Ok(m) => m.is_some(),
            Err(_) => self.fallback_is_match(text, start, end),
        }
    }

    fn fallback_is_match(&self, text: &str, start: usize, end: usize) -> bool {
        let Some(fb) = self.fallback.get_or_init(|| {
            // Forward NFA: for `before`, the pattern must end at the end of the haystack.
            let hir = match self.side {
                Side::Before => Hir::concat(vec![self.hir.clone(), Hir::look(Look::End)]),
                Side::After => self.hir.clone(),
            };
            let vm = PikeVM::new_from_nfa(nfa(&hir, false).ok()?).ok()?;
            let for_pool = vm.clone();
            let create: VmCacheFn = Box::new(move || for_pool.create_cache());
            Some(Fallback {
                vm,
                caches: Pool::new(create),
            })
        }) else {
            return false;
        };
        let mut cache = fb.caches.get();
        let input = match self.side {
            Side::Before => Input::new(&text[..end]).span(start..end).earliest(true),
            Side::After => Input::new(text)
                .span(start..end)
                .anchored(Anchored::Yes)
                .earliest(true),
        };
        fb.vm.search_slots(&mut cache, &input, &mut []).is_some()
    }
}

/// The most heap a compiled pattern may take: 512 times the longest pattern allowed
/// ([`crate::model::Limits::max_srx_pattern_bytes`]), 32 MiB by default, far above what the
/// merged rules of the OmegaT and LanguageTool rule sets need and far below what would hurt.
pub fn compile_size_limit() -> usize {
    crate::model::Limits::current()
        .max_srx_pattern_bytes
        .saturating_mul(512)
}

fn nfa(hir: &Hir, reverse: bool) -> Result<NFA, String> {
    thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .nfa_size_limit(Some(compile_size_limit()))
                .reverse(reverse)
                .shrink(false)
                .which_captures(WhichCaptures::None),
        )
        .build_from_hir(hir)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor(pattern: &str, side: Side) -> Anchor {
        Anchor::new(regex_syntax::parse(pattern).unwrap(), side).unwrap()
    }

    #[test]
    fn before_matches_end_at_the_position_and_after_start_there() {
        let b = anchor(r"\bMr\.", Side::Before);
        assert!(b.is_match("I met Mr. X", 0, 9));
        assert!(!b.is_match("I met Mr. X", 0, 8));
        assert!(!b.is_match("I met Mrs. X", 0, 10));
        assert!(
            !b.is_match("I met Mr. X", 8, 9),
            "the window starts too late"
        );
        let a = anchor(r"\s+\p{Lu}", Side::After);
        assert!(a.is_match("Mr. X", 3, 5));
        assert!(!a.is_match("Mr. x", 3, 5));
        assert!(!a.is_match("Mr.  X", 2, 6));
    }

    #[test]
    fn unicode_word_boundaries_next_to_non_ascii_fall_back() {
        // The DFA gives up on a Unicode \b next to non-ASCII text; the PikeVM answers.
        let b = anchor(r"\bé\.", Side::Before);
        assert!(b.is_match("café é.", 0, 9));
        assert!(!b.is_match("caféé.", 0, 8));
        let a = anchor(r"\s+Été\b", Side::After);
        assert!(a.is_match("x. Été.", 2, 9));
        assert!(!a.is_match("x. Étés", 2, 9));
    }
}
