//! tmkit: a translation memory for people who prepare Chinese and Japanese translations of English text.
//!
//! Layering (see the project's style guide), dependencies pointing one way:
//!
//! - `model`: plain data types, at the bottom, with `bits` (byte- and bit-level mechanisms of
//!   the fast paths, which depend on nothing);
//! - `text`: pure text algorithms (segmentation, tokenization, numbers), on `model`;
//! - `formats`, `store` and `matching` side by side, never importing each other: `formats` and
//!   `store` depend on `model` (and `bits`) only, `matching` on `model` and `text`;
//! - `kit`: the translation kit, the contract between `prepare` and `finish` (its data, its
//!   files, documents cut into sentences and put back), on `formats`, `text` and `matching`;
//! - `ops`: the workflows that combine them; a workflow calls another only through the entry
//!   points listed in `tests/layers.rs`, which checks all of this layering on the source;
//! - `server`: `tmkit serve`, the workflows over HTTP (it calls `ops`, never SQL);
//! - the binary's `cli` module on top, the only place that prints.

#![warn(missing_docs)]

pub mod bits;
pub mod error;
pub mod formats;
pub mod kit;
pub mod matching;
pub mod model;
pub mod ops;
pub mod server;
pub mod store;
pub mod text;

pub use error::{Error, ErrorKind, Result};
