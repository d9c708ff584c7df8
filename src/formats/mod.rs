//! File formats: streaming readers and writers for TMX, XLIFF 1.2, TBX, SRX and delimited glossaries
//! (CSV, TSV, OmegaT).
//!
//! Depends only on `model` and `error`: no store, no matching.

pub mod glossary;
pub mod srx;
pub mod tbx;
pub mod tmx;
pub mod xliff;

mod buffered;
pub mod decode;
pub mod document;
mod item;
mod problem;
pub mod xml;

pub use glossary::GlossaryFormat;
pub use item::{Item, ItemReader, Items};
pub use problem::Problem;
pub use xml::{
    Input, InputEncoding, escape_segment, input_from_reader, open_input, sniff_encoding,
};
