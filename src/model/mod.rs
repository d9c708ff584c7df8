//! Plain data types shared by every layer: languages, translation units and their variants,
//! properties and notes.
//!
//! Depends on nothing but `error`.

mod lang;
mod unit;

pub use lang::{ChineseScript, Lang};
pub use unit::{Admin, Extra, Note, Prop, TranslationUnit, Variant};
