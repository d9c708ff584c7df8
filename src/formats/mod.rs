//! File formats: streaming readers and writers (TMX, XLIFF 1.2, SRX; TBX and glossaries later).
//!
//! Depends only on `model` and `error`: no store, no matching.

pub mod srx;
pub mod tmx;
pub mod xliff;

pub mod xml;

pub use xml::{Input, InputEncoding, input_from_reader, open_input, sniff_encoding};
