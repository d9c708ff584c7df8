//! Findings of the quality checks (placeholder until the checks land).

use serde::Serialize;

/// What kind of problem a finding reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    Term,
    ForbiddenTerm,
    Number,
    Tag,
    Untranslated,
    Inconsistent,
    Punctuation,
    Whitespace,
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a source/target pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    pub message: String,
    pub target_span: Option<(usize, usize)>,
    pub source_span: Option<(usize, usize)>,
    pub expected: Option<String>,
    pub found: Option<String>,
}
