//! One paragraph (`w:p`): its text and inline codes as a block, and the paragraph rebuilt from
//! translated pieces.
//!
//! # Extraction
//!
//! The paragraph's content is flattened into atoms (a piece of text, a tab, a field character,
//! a drawing, a bookmark...), unwrapping smart tags, content controls (`w:sdt`), custom XML and
//! tracked insertions. Hyperlinks and simple fields stay containers (paired codes). Complex
//! fields (`w:fldChar` begin/separate/end) whose parts are all in the paragraph become a paired
//! code around their result (`link` for `HYPERLINK`, else `x-field`); the instruction is inside
//! the code, never text. A field without a result is one standalone code.
//!
//! Formatting: within each level (the paragraph, a link, a field's result) the run properties
//! covering most characters are the level's base; text with other properties (compared without
//! rsids, `w:hint`, `w:lang`, `w:noProof` and `w:rPrChange`, which change nothing a reader
//! sees) is wrapped in a paired code whose native form is its `w:rPr`.
//!
//! Not text: hidden runs (`w:vanish`) and objects are standalone codes; tracked deletions,
//! bookmarks, comment ranges and permissions are markers kept outside the text; proofing marks
//! and `w:lastRenderedPageBreak` are dropped when a paragraph is rebuilt (Word recomputes them).
//!
//! # Rebuilding
//!
//! The start tag and `w:pPr` are copied; then the markers that came before the text, the
//! translated pieces, and the other markers. Text gets the run properties of the innermost code
//! around it that has some (a formatting code: its own; a link or field: its base), else the
//! paragraph's base, with `w:lang` following the target language. Codes are written from the
//! source by id (a link's `w:hyperlink` start tag, a field's begin/instruction/separate runs),
//! never from the translation.

mod read;
mod write;

use super::tree::Tree;
use crate::formats::document::Piece;
pub(super) use read::analyse;
pub(super) use write::Render;

/// Which side of the text a marker goes to when the paragraph is rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Front,
    Back,
}

#[derive(Debug, Clone)]
enum Kind {
    Text(String),
    /// A standalone object: its `ctype`.
    Object(&'static str),
    FldBegin,
    FldSep,
    FldEnd,
    Instr(String),
    Marker(Side),
    Drop,
    Open(usize),
    Close,
}

/// How an atom is written back.
#[derive(Debug, Clone, Copy)]
enum Bytes {
    /// One child of a run (`w:t`, `w:tab`...), written in a run of its own with the run's `w:rPr`.
    Run { rpr: Option<usize>, child: usize },
    /// An element written as it is.
    Raw(usize),
    /// Nothing (container boundaries).
    None,
}

#[derive(Debug, Clone)]
struct Atom {
    kind: Kind,
    bytes: Bytes,
    /// The innermost container around the atom (0: the paragraph, c + 1: container c).
    ctx: usize,
}

/// A hyperlink or simple field: a container written as its start tag, content, end tag.
#[derive(Debug, Clone, Copy)]
struct Container {
    node: usize,
    link: bool,
}

/// What a code id stands for when the paragraph is rebuilt.
#[derive(Debug, Clone)]
enum CodeData {
    /// Text inside has these run properties.
    Format { rpr: Option<usize> },
    /// A hyperlink or simple field; `base` is the run properties of its text, if it had any.
    Container {
        container: usize,
        base: Option<Option<usize>>,
    },
    /// A complex field: the begin..separate atoms, the end atom.
    Field {
        open: Vec<usize>,
        close: usize,
        base: Option<Option<usize>>,
    },
    /// Atoms written as they were.
    Standalone { atoms: Vec<usize> },
}

/// Counts of tracked changes in a paragraph.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tracked {
    pub insertions: usize,
    pub deletions: usize,
}

/// A paragraph as extracted.
#[derive(Debug, Clone)]
pub(super) struct Para {
    pub node: usize,
    pub pieces: Vec<Piece>,
    pub tracked: Tracked,
    atoms: Vec<Atom>,
    containers: Vec<Container>,
    codes: Vec<CodeData>,
    base: Option<usize>,
    front: Vec<usize>,
    back: Vec<usize>,
    pprs: Option<usize>,
}

impl Para {
    /// Whether the paragraph has text to translate.
    pub fn has_text(&self) -> bool {
        self.pieces.iter().any(|p| match p {
            Piece::Text(t) => !t.trim().is_empty(),
            Piece::Code(_) => false,
        })
    }
}

/// Whether two piece lists are the same text with the same codes (ids and roles; native forms
/// and types are not compared).
pub(super) fn same_pieces(a: &[Piece], b: &[Piece]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Piece::Text(s), Piece::Text(t)) => s == t,
            (Piece::Code(c), Piece::Code(d)) => c.id == d.id && c.role == d.role,
            _ => false,
        })
}
