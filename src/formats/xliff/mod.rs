//! XLIFF 1.2: a streaming writer (bilingual files for CAT tools, one per target language) and a
//! streaming reader (translated files coming back), plus the rule deciding which read units may be
//! imported into a memory.
//!
//! Depends only on `model` and `error` (and the shared XML input handling in `formats::xml`).
//!
//! The document types ([`File`], [`Group`], [`Unit`], [`Target`], [`AltTrans`], [`XNote`],
//! [`State`]) live here rather than in `model`: they are XLIFF's own vocabulary (workflow states,
//! alt-trans, annotations), useful to no other format; `ops` builds them from and turns them into
//! `model` types.
//!
//! # Conventions
//!
//! **Segment text.** A segment's content is a [`Content`]: plain text plus, when the segment has
//! inline codes, its markup *in TMX 1.4 inline syntax*, exactly like [`crate::model::Variant`]
//! (so units move between TMX, the memory and XLIFF without a third markup language). The writer
//! converts TMX inline markup to XLIFF 1.2 inline elements and the reader converts back:
//!
//! | TMX (in `Content::markup`)          | XLIFF 1.2 (in the file)                                   |
//! |-------------------------------------|-----------------------------------------------------------|
//! | `<bpt i="1" type="bold">`           | `<bpt id="1" ctype="bold">` (on reading, `rid` wins over `id`) |
//! | `<ept i="1">`                       | `<ept id="1">`                                            |
//! | `<ph x="2" type="T" assoc="p">`     | `<ph id="2" ctype="T" assoc="preceding">` (`f` following, `b` both) |
//! | `<it x="3" pos="begin">`            | `<it id="3" pos="open">` (`end` is `close`)               |
//! | `<hi x="4" type="term">`            | `<mrk mid="4" mtype="term">`; a `<hi>` without type is `mtype="x-hi"` |
//! | `<sub datatype="d" type="T">`       | `<sub datatype="d" ctype="T">`                            |
//! | `<ut x="5">` (deprecated in TMX)    | `<ph id="5">` (one way: it reads back as `<ph>`)          |
//!
//! Code types: `bold italic link image pb lb` are the same in both; TMX `ulined` is XLIFF
//! `underlined`; the other TMX types (`color font scap struct index date ...`) are written as
//! `x-color`, `x-font`, ... and read back without the `x-`. A `<ph>`, `<it>` or `<ut>` without `x`
//! gets as XLIFF `id` its 1-based position among the segment's codes, which reads back as `x`; a
//! `<bpt>`'s `x` has no XLIFF counterpart and is dropped. Code content (native codes, `<sub>`)
//! is kept as it is.
//!
//! XLIFF elements TMX does not have are read as TMX codes whose content is the XLIFF tag, so that
//! no information is lost and exported TMX stays valid: `<g id="2">..</g>` becomes
//! `<bpt i="2">&lt;g id="2"&gt;</bpt>..<ept i="2">&lt;/g&gt;</ept>` (with `type` from `ctype`),
//! `<x id="7"/>` becomes `<ph x="7">&lt;x id="7"/&gt;</ph>`, `<bx id="8"/>` and `<ex id="8"/>`
//! become `<it x="8" pos="begin">` and `<it x="8" pos="end">` holding the tag. A `<mrk>` becomes
//! `<hi>` (its `mtype` as `type`, its `mid` as `x`); a `<mrk mtype="seg">` is transparent.
//! Plain text leaves out the content of codes and keeps that of `<g>` and `<mrk>`. Whitespace is
//! kept exactly, whatever `xml:space` says.
//!
//! **Segmented files (SDLXLIFF).** When a `<trans-unit>` has a `<seg-source>` with
//! `<mrk mtype="seg">` segments, the reader returns one [`Unit`] per segment (`id` is the
//! trans-unit's, [`Unit::segment`] the `mid`), its target taken from the `<mrk>` with the same
//! `mid` in `<target>`. Trados Studio's confirmation level (`<sdl:seg conf="...">`) becomes the
//! state: `Translated` → translated, `ApprovedTranslation` → signed-off, `ApprovedSignOff` →
//! final, `RejectedTranslation` → needs-translation, `RejectedSignOff` →
//! needs-review-translation, `Draft` → needs-translation, no level → new; the level itself is
//! kept in [`Unit::attrs`] as `sdl:conf` (and the segment's origin as `sdl:origin`). Other
//! `sdl:` elements are skipped.
//!
//! **Repetitions.** A unit whose source repeats an earlier unit carries
//! [`Unit::repetition_of`] = that unit's id, written as standard XLIFF 1.2 (no extension
//! namespace, so the file validates against the strict schema and every CAT tool reads it):
//! `<context-group name="tmkit" purpose="information"><context context-type="x-repetition-of">12</context></context-group>`
//! plus, for the translator, `<note from="tmkit" annotates="general">repetition of unit 12</note>`.
//! The reader takes the context group as authoritative and drops that one note.
//!
//! **States.** Unknown `state` values (neither XLIFF 1.2's ten nor `x-...`) make the unit a
//! located [`Problem`]: reading goes on, the unit is not imported. Which units are importable is
//! decided by [`ImportPolicy`]: see there. Recommended states for files written by `prepare`:
//! exact matches as `state="translated" state-qualifier="exact-match"`, fuzzy pre-translations as
//! `state="needs-translation" state-qualifier="fuzzy-match"` (not importable until someone changes
//! the state), untranslated units without `<target>`.

mod import;
mod inline;
mod reader;
mod writer;

use crate::error::{ErrorKind, Result};
use crate::model::{Lang, Variant};

pub use import::{ImportPolicy, Skip, SkipReport};
pub use reader::{Document, Reader};
pub use writer::{Writer, WriterOptions};

pub use crate::formats::{Item, Problem};

/// The XLIFF 1.2 namespace.
pub const NAMESPACE: &str = "urn:oasis:names:tc:xliff:document:1.2";

/// The `context-type` of the context that marks a repetition (see the module docs).
pub const REPETITION_CONTEXT: &str = "x-repetition-of";
/// The `context-type` of the document text that follows a unit (see [`Unit::text_after`]).
pub const TEXT_AFTER_CONTEXT: &str = "x-text-after";

/// A segment's content: plain text, and its markup in TMX inline syntax when it has inline codes.
///
/// Invariant (as for [`Variant`]): `text` is the plain text (code content left out); `markup` is
/// `None` exactly when the segment has no inline element, and is then `text` escaped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Content {
    /// The plain text, inline codes' content left out.
    pub text: String,
    /// The content in TMX inline syntax; `None` when there is no inline code.
    pub markup: Option<String>,
}

impl Content {
    /// Content without inline codes.
    pub fn plain(text: impl Into<String>) -> Content {
        Content {
            text: text.into(),
            markup: None,
        }
    }

    /// The content of a TMX variant.
    pub fn from_variant(v: &Variant) -> Content {
        Content {
            text: v.text.clone(),
            markup: v.markup.clone(),
        }
    }

    /// Whether there is neither text nor any inline code.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.markup.is_none()
    }
}

/// The workflow state of a `<target>` (XLIFF 1.2 `state`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum State {
    /// `new`: the item is new (not in a previous version of the document).
    New,
    /// `needs-translation`: the item needs translating.
    NeedsTranslation,
    /// `needs-l10n`: both the text and non-textual information need adapting.
    NeedsL10n,
    /// `needs-adaptation`: only non-textual information needs adapting.
    NeedsAdaptation,
    /// `translated`: the item has been translated.
    Translated,
    /// `needs-review-translation`: only the text needs review.
    NeedsReviewTranslation,
    /// `needs-review-l10n`: both the text and non-textual information need review.
    NeedsReviewL10n,
    /// `needs-review-adaptation`: only non-textual information needs review.
    NeedsReviewAdaptation,
    /// `signed-off`: changes are reviewed and approved.
    SignedOff,
    /// `final`: the terminating state.
    Final,
    /// A user-defined value; always starts with `x-`.
    Custom(String),
}

const STATES: [(&str, State); 10] = [
    ("new", State::New),
    ("needs-translation", State::NeedsTranslation),
    ("needs-l10n", State::NeedsL10n),
    ("needs-adaptation", State::NeedsAdaptation),
    ("translated", State::Translated),
    ("needs-review-translation", State::NeedsReviewTranslation),
    ("needs-review-l10n", State::NeedsReviewL10n),
    ("needs-review-adaptation", State::NeedsReviewAdaptation),
    ("signed-off", State::SignedOff),
    ("final", State::Final),
];

impl State {
    /// Parses a `state` value as XLIFF 1.2 spells it; `x-...` values are custom states.
    ///
    /// ```
    /// use tmkit::formats::xliff::State;
    /// assert_eq!(State::parse("signed-off").unwrap(), State::SignedOff);
    /// assert_eq!(State::parse("x-mine").unwrap(), State::Custom("x-mine".into()));
    /// assert!(State::parse("done").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<State> {
        if let Some((_, st)) = STATES.iter().find(|(name, _)| *name == s) {
            return Ok(st.clone());
        }
        if s.starts_with("x-") && s.len() > 2 {
            return Ok(State::Custom(s.to_string()));
        }
        Err(ErrorKind::Invalid {
            what: "XLIFF state",
            value: s.to_string(),
            reason: format!(
                "XLIFF 1.2 allows {} or a custom value starting with x-",
                STATES.map(|(n, _)| n).join(", ")
            ),
        }
        .into())
    }

    /// The value as written in a file.
    pub fn as_str(&self) -> &str {
        match self {
            State::Custom(s) => s,
            other => STATES
                .iter()
                .find(|(_, st)| st == other)
                .map(|(n, _)| *n)
                .expect("every non-custom state is in STATES"),
        }
    }

    /// XLIFF 1.2's ten predefined states, in workflow order.
    pub fn predefined() -> impl Iterator<Item = State> {
        STATES.into_iter().map(|(_, s)| s)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The common `state-qualifier` values of XLIFF 1.2 (the attribute itself is kept as a string:
/// other values, including `x-...`, are read as they are).
pub const STATE_QUALIFIERS: [&str; 12] = [
    "exact-match",
    "fuzzy-match",
    "id-match",
    "leveraged-glossary",
    "leveraged-inherited",
    "leveraged-mt",
    "leveraged-repository",
    "leveraged-tm",
    "mt-suggestion",
    "rejected-grammar",
    "rejected-inaccurate",
    "tm-suggestion",
];

/// A `<target>`: the translation and its workflow state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The translation.
    pub content: Content,
    /// The `state` attribute; `None` when there is none.
    pub state: Option<State>,
    /// `exact-match`, `fuzzy-match`, `leveraged-tm`, `mt-suggestion`, ... (see [`STATE_QUALIFIERS`]).
    pub state_qualifier: Option<String>,
}

/// An `<alt-trans>`: a match offered to the translator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AltTrans {
    /// As written: `87` or `87%`.
    pub match_quality: Option<String>,
    /// Where the match comes from (`tmkit`, a memory's name).
    pub origin: Option<String>,
    /// The matched source, when it differs from the unit's.
    pub source: Option<Content>,
    /// The matched translation.
    pub target: Content,
    /// The `xml:lang` of the alternative's target.
    pub lang: Option<Lang>,
}

/// A `<note>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XNote {
    /// The `from` attribute: who wrote the note.
    pub from: Option<String>,
    /// `source`, `target` or `general`.
    pub annotates: Option<String>,
    /// 1 (highest) to 10.
    pub priority: Option<u8>,
    /// The `xml:lang` of the note.
    pub lang: Option<String>,
    /// The note's text.
    pub text: String,
}

/// A `<trans-unit>` (or, in a segmented file, one segment of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The `id` attribute.
    pub id: String,
    /// In a segmented file (SDLXLIFF), the `mid` of the segment's `<mrk mtype="seg">`.
    pub segment: Option<String>,
    /// The `resname` attribute, when present.
    pub resname: Option<String>,
    /// The `<source>`.
    pub source: Content,
    /// The `<target>`, when there is one.
    pub target: Option<Target>,
    /// The `<alt-trans>` elements, in document order.
    pub alt_trans: Vec<AltTrans>,
    /// The `<note>` elements, in document order.
    pub notes: Vec<XNote>,
    /// `translate="no"` makes it false.
    pub translate: bool,
    /// The `approved` attribute, when present.
    pub approved: Option<bool>,
    /// The id of the earlier unit this one repeats (see the module docs).
    pub repetition_of: Option<String>,
    /// The document's text between this unit and the next (white space, line breaks), so that the
    /// document can be rebuilt from the file alone; written as `<context
    /// context-type="x-text-after">` in tmkit's context group.
    pub text_after: Option<String>,
    /// Other attributes of the `<trans-unit>` in document order (`size-unit`, `reformat`, ...;
    /// `sdl:conf` and `sdl:origin` in SDLXLIFF). The writer writes the unprefixed ones only.
    pub attrs: Vec<(String, String)>,
}

impl Unit {
    /// A translatable unit with a source and nothing else.
    pub fn new(id: impl Into<String>, source: Content) -> Unit {
        Unit {
            id: id.into(),
            segment: None,
            resname: None,
            source,
            target: None,
            alt_trans: Vec::new(),
            notes: Vec::new(),
            translate: true,
            approved: None,
            repetition_of: None,
            text_after: None,
            attrs: Vec::new(),
        }
    }
}

/// An empty unit (no id, empty source, translatable), as a buffer for [`Reader::read_unit`].
impl Default for Unit {
    fn default() -> Unit {
        Unit::new("", Content::default())
    }
}

/// A `<group>`: units of one paragraph, heading, ... Nested groups are read as the innermost.
/// A group without id, resname and restype stands for units directly in `<body>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    /// The `id` attribute, when present.
    pub id: Option<String>,
    /// `x-paragraph`, `x-heading`, ...
    pub restype: Option<String>,
    /// The `resname` attribute, when present.
    pub resname: Option<String>,
    /// The units of the group, in document order.
    pub units: Vec<Unit>,
}

impl Group {
    /// Whether the group has no attribute (its units stand directly in `<body>`).
    pub fn is_bare(&self) -> bool {
        self.id.is_none() && self.restype.is_none() && self.resname.is_none()
    }
}

/// A `<file>`: one source document in one language pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The `original` attribute: the name of the source document.
    pub original: String,
    /// The `source-language` attribute.
    pub source_lang: Lang,
    /// The `target-language` attribute, when present.
    pub target_lang: Option<Lang>,
    /// `plaintext`, `html`, `x-markdown` or `x-docx` for files written by tmkit.
    pub datatype: String,
    /// The skeleton: the `href` of `<header><skl><external-file>`, the document the file was
    /// extracted from (tmkit's kits point at the original document, kept beside the file).
    pub skeleton: Option<String>,
    /// Notes in the `<header>`.
    pub notes: Vec<XNote>,
    /// The groups, in document order (units outside any group in bare groups).
    pub groups: Vec<Group>,
}
