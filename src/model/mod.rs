//! Plain data types shared by every layer: languages, translation units and their variants,
//! properties and notes; termbase entries; findings of the quality checks; segmentation rules as
//! SRX states them; the resource limits the readers keep to.
//!
//! Depends on nothing but `error`.

mod finding;
mod lang;
pub mod limits;
mod srx;
mod term;
mod unit;

pub use finding::{Finding, FindingKind, Severity};
pub use lang::{ChineseScript, Lang};
pub use limits::Limits;
pub use srx::{LanguageMap, LanguageRule, SrxPosition, SrxRule, SrxRules};
pub use term::{Term, TermEntry, TermStatus};
pub use unit::{Admin, Extra, Note, Prop, TranslationUnit, Variant};
