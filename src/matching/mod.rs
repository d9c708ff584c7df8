//! Scoring and ranking of fuzzy matches, term recognition, the termbase and the quality checks:
//! pure functions, no I/O.
//!
//! Depends only on `model`, `text` and `error`.

pub mod diff;
pub mod grams;
pub mod groups;
pub mod qa;
pub mod score;
pub mod termbase;
pub mod terms;
mod word_trie;

/// For tests: a small deterministic generator (xorshift64) of numbers below `n`.
#[cfg(test)]
pub(crate) fn test_numbers(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}
