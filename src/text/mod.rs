//! Pure text algorithms: segmentation, tokenization, normalization, number extraction.
//!
//! Depends only on `model` and `error`; no I/O.

pub mod segment;
pub mod srx;
pub mod tokenize;
