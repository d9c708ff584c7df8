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

#[cfg(test)]
pub(crate) use crate::bits::test_numbers;
