//! TBX (TermBase eXchange): a streaming reader for TBX v2 (`martif`) and TBX v3 (ISO 30042:2019,
//! `tbx`), and writers for TBX v3 TBX-Basic DCA and TBX v2 TBX-Basic.
//!
//! Depends only on `model`, `error` and the shared XML input handling in [`crate::formats::xml`].
//!
//! # What the reader takes from a file
//!
//! Elements are matched by local name, so every namespace in use works: `urn:iso:std:iso:30042:ed-2`,
//! `urn:iso:std:iso:30042:ed-1`, none at all, and the dialect modules' namespaces of DCT files
//! (`<basic:administrativeStatus>`, `<min:partOfSpeech>`). A data category is the `type` of a
//! `<descrip>`, `<termNote>` or `<admin>` (DCA style), or the local name of any other element (DCT
//! style); grouping elements (`descripGrp`, `termGrp`, `termNoteGrp`, `adminGrp`) are looked through.
//!
//! | TBX | [`TermEntry`](crate::model::TermEntry) / [`Term`](crate::model::Term) |
//! |---|---|
//! | `termEntry`/`conceptEntry` `id` | `id` |
//! | `subjectField` on the concept | `subject` |
//! | `definition` on the concept, else the first one on a language section | `definition` |
//! | `<note>` on the concept | `note` (several joined by a line break) |
//! | `langSet`/`langSec` `xml:lang` | `lang` |
//! | `<term>` (its text, inline markup dropped) | `text` |
//! | `administrativeStatus`, `normativeAuthorization` or `usageStatus` | `status`, see below |
//! | `partOfSpeech` | `pos` |
//! | `<note>` on the term, then `<note>`s on its language section | `note` (joined by line breaks) |
//! | `x-caseSensitive` (`yes`/`no`, `true`/`false`, `1`/`0`) | `case_sensitive` |
//! | `x-variant` (one per variant) | `variants` |
//!
//! Everything else (transactions, cross-references, `context` sentences, `termType`, sources) is
//! skipped. Text is whitespace-normalized: runs of spaces, tabs and line breaks become one space and
//! the ends are trimmed, since pretty-printed files wrap long text over several indented lines.
//!
//! **Statuses.** `preferredTerm-admn-sts` (also `standardized`, `preferred`) reads as preferred,
//! `admittedTerm-admn-sts` as admitted, `deprecatedTerm-admn-sts` and `supersededTerm-admn-sts` as
//! forbidden (see [`TermStatus::parse`](crate::model::TermStatus::parse)). A term without a status
//! is preferred, unless another term of the same language section is explicitly preferred: then it is
//! admitted (the file has chosen its preferred term, and it is not this one). The writers always write
//! the status, so a written file reads back the same.
//!
//! **Problems and errors.** A concept with no usable term (all `<term>`s empty), a language section
//! without or with an invalid `xml:lang`, and anything in `<body>` that is not a concept are reported
//! as [`Problem`]s with their location and skipped. Malformed XML, a truncated file, a root that is not
//! `martif` or `tbx`, and entity declarations are fatal errors located as `path:line:column`.
//!
//! **TBX-Basic.** A TBX v3 file whose root says `type="TBX-Basic"` is held to the dialect's rules
//! (LTAC Global's TBX-Basic RNG and Schematron), as far as they can be checked while streaming; a
//! concept that breaks one is reported at the offending element and skipped:
//!
//! - the data category (the `type` of a `termNote`, `descrip`, `admin`, `transac`, `transacNote`,
//!   `ref`, `xref`) must be one of TBX-Basic's: termNote `administrativeStatus`, `partOfSpeech`,
//!   `termType`, `grammaticalGender`, `geographicalUsage`, `termLocation`; descrip `definition`,
//!   `context`, `subjectField`; admin `source`, `customerSubset`, `projectSubset`; transac
//!   `transactionType`; transacNote `responsibility`; ref `crossReference`; xref
//!   `externalCrossReference`, `xGraphic`. Private categories (`x-...`, as tmkit's own
//!   `x-caseSensitive`, `x-variant`, `x-partOfSpeech`) are accepted;
//! - picklist values: `administrativeStatus` (`preferredTerm-admn-sts`, `admittedTerm-admn-sts`,
//!   `deprecatedTerm-admn-sts`, `supersededTerm-admn-sts`), `partOfSpeech` (`adjective`, `noun`,
//!   `other`, `verb`, `adverb`), `termType`, `grammaticalGender`, `termLocation` and
//!   `transactionType` (`origination`, `modification`);
//! - levels: term notes, `context`, `customerSubset` and `projectSubset` only in a `termSec`;
//!   `definition` in a `conceptEntry` or `langSec`; `subjectField` and `xGraphic` in a
//!   `conceptEntry`; `crossReference` and `externalCrossReference` not in a `langSec`.
//!
//! Other dialects (TBX-Min, TBX-Core, TBX v2 `martif` files of any type) are read leniently as
//! described above.

mod reader;
mod writer;

pub use crate::formats::{Item, Problem};
pub use reader::Reader;
pub use writer::{Writer, WriterOptions};

/// The TBX generation of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Version {
    /// TBX v2 (ISO 30042:2008, LISA): root `<martif>`, `termEntry`/`langSet`/`tig` or `ntig`.
    V2,
    /// TBX v3 (ISO 30042:2019): root `<tbx>`, `conceptEntry`/`langSec`/`termSec`.
    #[default]
    V3,
}

/// The `termNote` type tmkit reads and writes for [`Term::case_sensitive`](crate::model::Term).
pub const CASE_SENSITIVE_TYPE: &str = "x-caseSensitive";

/// The `termNote` type tmkit reads and writes for each of [`Term::variants`](crate::model::Term).
pub const VARIANT_TYPE: &str = "x-variant";

/// The `termNote` type tmkit writes for a part of speech outside TBX-Basic's picklist (TBX v3),
/// and reads as [`Term::pos`](crate::model::Term).
pub const POS_TYPE: &str = "x-partOfSpeech";

/// The `partOfSpeech` values TBX-Basic (v3) allows.
pub const BASIC_PARTS_OF_SPEECH: [&str; 5] = ["adjective", "noun", "other", "verb", "adverb"];
