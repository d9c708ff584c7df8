//! Workflows that combine formats, store and matching: import, export, stats, add.
//!
//! They take a typed config and return a typed report; they never print.

pub mod segment;
