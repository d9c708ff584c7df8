//! Pure text algorithms: segmentation, tokenization, normalization, number extraction.
//!
//! Depends only on `model` and `error`; no I/O.

pub mod inline;
pub mod numbers;
pub mod segment;
pub mod srx;
pub mod tokenize;
