//! Scoring and ranking of fuzzy matches, term recognition: pure functions, no I/O.
//!
//! Depends only on `model`, `text` and `error`.

pub mod diff;
pub mod grams;
pub mod qa;
pub mod score;
pub mod terms;
mod word_trie;
