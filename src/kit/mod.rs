//! The translation kit: what `prepare` hands out and `finish` reads back.
//!
//! A kit is an article cut into segments, each with its memory matches, glossary terms and check
//! findings in every target language ([`Kit`]), and the files made from it: the XLIFF and TMX
//! ([`files`]), the OmegaT projects ([`omegat`]), the review page ([`report`]) and the manifest
//! that tells `finish` what the kit holds. Documents (HTML, Markdown, DOCX) are cut into
//! sentences with their inline codes and put back together by [`document`].
//!
//! This is the contract between the two workflows, so it lives below them: it depends on
//! `formats` (the document filters, XLIFF, TMX), `text` (the segmenter, tokenizer), `matching`
//! (word diffs, the termbase's forbidden terms) and `model`; never on `store` or `ops`, and it
//! never prints.

pub mod analysis;
pub mod document;
pub mod files;
pub mod omegat;
pub mod report;
pub mod staging;

pub use analysis::{Analysis, Band, BandCount, LangAnalysis, Rates};
pub use report::render_report;
pub use staging::{place_kit, remove_leftovers};

use serde::Serialize;

use crate::formats::document::{Extracted, Kind, Options as DocOptions, Piece as DocPiece};
use crate::matching::diff::Piece;
use crate::model::{Finding, Lang, TermEntry};
use crate::text::tokenize::{TokenKind, tokenize};

/// A term found in a segment, with its approved translations.
#[derive(Debug, Clone, Serialize)]
pub struct KitTerm {
    /// Byte range in the segment's text.
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
    /// The text as it stands in the segment.
    pub text: String,
    /// The glossary's source term.
    pub term: String,
    /// Index into [`Kit::glossary`].
    pub entry: usize,
    /// Approved (preferred, then admitted) translations per target language, in `--to` order.
    pub translations: Vec<(Lang, Vec<String>)>,
    /// Forbidden translations per target language.
    pub forbidden: Vec<(Lang, Vec<String>)>,
}

/// A match offered for a segment in one language.
#[derive(Debug, Clone, Serialize)]
pub struct KitMatch {
    /// 0-100, or 101 for a context match.
    pub score: u8,
    /// The matched unit's source text.
    pub source: String,
    /// The matched unit's translation in this language.
    pub target: String,
    /// The target's language as stored.
    pub target_lang: Lang,
    /// The file the unit was imported from.
    pub origin: Option<String>,
    /// When the unit was last changed (else created), as written in the TMX.
    pub changed: Option<String>,
    /// The unit's `tuid`, when it has one.
    pub tuid: Option<String>,
    /// Word diff of the match's source against the segment (empty for 100 and 101).
    pub diff: Vec<Piece>,
}

/// A segment's leverage in one target language.
#[derive(Debug, Clone, Serialize)]
pub struct Leverage {
    /// The target language.
    pub lang: Lang,
    /// The band the segment is counted in.
    pub band: Band,
    /// The best score found (50 and up), whatever `--min` says.
    pub best_score: Option<u8>,
    /// The pretranslation: the best match at or above `--min`.
    pub target: Option<String>,
    /// The matches, best first (the first is the pretranslation when `target` is set).
    pub matches: Vec<KitMatch>,
    /// Check findings on the pretranslation.
    pub findings: Vec<Finding>,
    /// The pretranslation with the segment's inline codes put in place, in TMX inline markup,
    /// when the segment has codes and all of them could be placed (see
    /// [`document::transfer_codes`]).
    pub target_markup: Option<String>,
}

impl Leverage {
    /// Whether the pretranslation is a 100% or 101% match that fails a check (an error finding):
    /// it goes into the kit as needing review, not as translated, and is counted in
    /// [`Band::ExactReview`] (unless the segment is a repetition).
    pub fn needs_review(&self) -> bool {
        self.target.is_some()
            && self.best_score.is_some_and(|s| s >= 100)
            && self
                .findings
                .iter()
                .any(|f| f.severity == crate::model::Severity::Error)
    }
}

/// One segment of the article.
#[derive(Debug, Clone, Serialize)]
pub struct KitSegment {
    /// 1-based number, as CAT tools show it.
    pub id: usize,
    /// 0-based paragraph.
    pub paragraph: usize,
    /// Whether the paragraph is a heading (a one-line paragraph without final punctuation).
    pub heading: bool,
    /// The segment's text.
    pub text: String,
    /// Byte range in the article.
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
    /// Words, counted as CAT tools do (see [`count_words`]).
    pub words: u64,
    /// Characters, white space left out (see [`count_words`]).
    pub characters: u64,
    /// The id of the first segment with the same text, when this is a later occurrence.
    pub repetition_of: Option<usize>,
    /// The glossary terms found in the segment, in order.
    pub terms: Vec<KitTerm>,
    /// One per target language, in `--to` order.
    pub leverage: Vec<Leverage>,
    /// In a document ([`Kit::document`]): the block (index into its blocks) the segment is in.
    pub block: usize,
    /// In a document: the segment's pieces (text and inline codes; codes at its edges are left
    /// out, in the text between segments); empty for a plain-text article.
    #[serde(skip)]
    pub pieces: Vec<DocPiece>,
    /// The segment's content in TMX inline markup when it has inline codes
    /// ([`crate::formats::document::to_markup`]).
    pub markup: Option<String>,
}

/// The document an article came from, when it is not plain text: what `finish` needs to rebuild
/// it.
#[derive(Debug, Clone)]
pub struct KitDocument {
    /// The document's format.
    pub kind: Kind,
    /// The original file, byte for byte.
    pub bytes: Vec<u8>,
    /// What the user said about the document (its encoding).
    pub options: DocOptions,
    /// Its blocks as extracted.
    pub extracted: Extracted,
}

/// A prepared article.
#[derive(Debug, Clone, Serialize)]
pub struct Kit {
    /// The article's file name (no directories), e.g. `beijing-tokyo-forum.en.txt`.
    pub name: String,
    /// The article's language.
    pub from: Lang,
    /// The target languages, in `--to` order.
    pub to: Vec<Lang>,
    /// The lowest score put into a target as a pretranslation.
    pub min: u8,
    /// The article's text (UTF-8); segments and gaps rebuild it exactly.
    #[serde(skip)]
    pub text: String,
    /// The article's segments, in order.
    pub segments: Vec<KitSegment>,
    /// The glossary entries that occur in the article.
    #[serde(skip)]
    pub glossary: Vec<TermEntry>,
    /// The analysis: words and characters per band, for each target language.
    pub analysis: Analysis,
    /// The document (HTML, Markdown, DOCX) the article was extracted from; `None` for plain text,
    /// whose segments and gaps rebuild [`Kit::text`].
    #[serde(skip)]
    pub document: Option<KitDocument>,
}

impl Kit {
    /// The article's text between segment `i - 1` and segment `i` (`i == len` gives the tail).
    pub fn gap_before(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.segments[i - 1].end };
        let end = self.segments.get(i).map_or(self.text.len(), |s| s.start);
        &self.text[start..end]
    }
}

/// Counts words as CAT tools do for English: words and numbers (UAX #29), and each Chinese or
/// Japanese character; characters are all characters but white space.
pub fn count_words(text: &str) -> (u64, u64) {
    let mut tokens = Vec::new();
    tokenize(text, &mut tokens);
    let words = tokens
        .iter()
        .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number | TokenKind::Cjk))
        .count() as u64;
    let chars = text.chars().filter(|c| !c.is_whitespace()).count() as u64;
    (words, chars)
}
