//! What a check reports: each finding with where it is and the pair it is about, and the
//! counts of a check.

use serde::Serialize;

use super::Pair;
use crate::model::{Finding, FindingKind, Severity};

/// A finding, where it is, and the pair it is about.
#[derive(Debug, Clone, Serialize)]
pub struct Reported {
    /// The unit's TMX `tuid` (or XLIFF trans-unit id) where there is one.
    pub tuid: Option<String>,
    /// The unit: its id in the memory, or its 1-based position in the file.
    pub unit: i64,
    /// The target's language tag.
    pub lang: String,
    /// What kind of problem it is.
    pub kind: FindingKind,
    /// Whether a reviewer must fix it (error) or should look at it (warning).
    pub severity: Severity,
    /// What is wrong, for a person.
    pub message: String,
    /// The source as stored, inline tags included.
    pub source: String,
    /// The target as stored, inline tags included.
    pub target: String,
    /// For term findings: the source term.
    pub term: Option<String>,
    /// What the target should have (the approved term, the number as the source has it).
    pub expected: Option<String>,
    /// What the target has instead.
    pub found: Option<String>,
    /// Byte range in `source` of the offending part.
    pub source_span: Option<(usize, usize)>,
    /// Byte range in `target` of the offending part.
    pub target_span: Option<(usize, usize)>,
}

/// What a check found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    /// Units read.
    pub units: u64,
    /// Source/target pairs checked.
    pub pairs: u64,
    /// The findings, in unit order.
    pub findings: Vec<Reported>,
}

/// What a check read and found, without the findings themselves (see
/// [`check_each`](super::check_each)).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CheckSummary {
    /// Units read.
    pub units: u64,
    /// Source/target pairs checked.
    pub pairs: u64,
    /// Findings reported.
    pub findings: u64,
}

pub(super) fn reported(p: &Pair<'_>, f: Finding) -> Reported {
    Reported {
        tuid: p.tuid.map(str::to_string),
        unit: p.unit,
        lang: p.lang.to_string(),
        kind: f.kind,
        severity: f.severity,
        term: if matches!(f.kind, FindingKind::Term | FindingKind::ForbiddenTerm) {
            f.source_span
                .and_then(|(a, b)| p.source_markup.get(a..b))
                .map(str::to_string)
        } else {
            None
        },
        message: f.message,
        source: p.source_markup.to_string(),
        target: p.target_markup.to_string(),
        expected: f.expected,
        found: f.found,
        source_span: f.source_span,
        target_span: f.target_span,
    }
}
