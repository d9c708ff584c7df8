//! Workflows that combine formats, store and matching: import, export, stats, add.
//!
//! They take a typed config and return a typed report; they never print.

pub mod check;
pub mod concordance;
pub mod export;
pub mod glossary;
pub mod import;
pub mod lookup;
pub mod prepare;
pub mod segment;
