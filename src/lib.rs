//! tmkit: a translation memory for people who prepare Chinese and Japanese translations of English text.
//!
//! Layering (see the project's style guide): `model` at the bottom; `formats`, `store`, `matching` and
//! `text` side by side, never importing each other; `ops` combines them into workflows; the binary's
//! `cli` module sits on top and is the only place that prints.

pub mod error;
pub mod formats;
pub mod matching;
pub mod model;
pub mod ops;
pub mod server;
pub mod store;
pub mod text;

pub use error::{Error, ErrorKind, Result};
