//! Findings of the quality checks: what is wrong with one target segment, how bad it is, and where.

use serde::{Deserialize, Serialize};

/// What a check found. Serialized in kebab case: `term`, `forbidden-term`, `number`, `tag`,
/// `untranslated`, `inconsistent`, `punctuation`, `whitespace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// A glossary term of the source is not translated with its approved target term.
    Term,
    /// The target uses a term the glossary forbids.
    ForbiddenTerm,
    /// A number, percentage, ordinal or date of the source is missing or different in the target.
    Number,
    /// Inline codes (TMX `<bpt>`, `<ept>`, `<ph>`, ...) missing, extra or unbalanced in the target.
    Tag,
    /// The target is empty or a copy of the source.
    Untranslated,
    /// The same source is translated differently elsewhere in the memory.
    Inconsistent,
    /// Unbalanced brackets or quotes, end punctuation that does not correspond, half-width
    /// punctuation in Chinese or Japanese text.
    Punctuation,
    /// Leading, trailing, doubled or misplaced spaces.
    Whitespace,
}

impl FindingKind {
    /// Every kind, in declaration order.
    pub const ALL: [FindingKind; 8] = [
        FindingKind::Term,
        FindingKind::ForbiddenTerm,
        FindingKind::Number,
        FindingKind::Tag,
        FindingKind::Untranslated,
        FindingKind::Inconsistent,
        FindingKind::Punctuation,
        FindingKind::Whitespace,
    ];

    /// The name tmkit writes (the serialized form): `forbidden-term`, `number`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Term => "term",
            FindingKind::ForbiddenTerm => "forbidden-term",
            FindingKind::Number => "number",
            FindingKind::Tag => "tag",
            FindingKind::Untranslated => "untranslated",
            FindingKind::Inconsistent => "inconsistent",
            FindingKind::Punctuation => "punctuation",
            FindingKind::Whitespace => "whitespace",
        }
    }

    /// Reads the name [`FindingKind::as_str`] writes; `None` for anything else.
    ///
    /// ```
    /// use tmkit::model::FindingKind;
    /// assert_eq!(FindingKind::parse("forbidden-term"), Some(FindingKind::ForbiddenTerm));
    /// assert_eq!(FindingKind::parse("spelling"), None);
    /// ```
    pub fn parse(s: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How bad a finding is: errors must be fixed, warnings deserve a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed.
    Error,
    /// Deserves a look.
    Warning,
}

/// One problem found in a target segment.
///
/// Spans are byte ranges (`start`, `end`) into the text that was checked (the segment's content,
/// markup included, as [`crate::model::Variant::content`] gives it), always on character boundaries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What kind of problem it is.
    pub kind: FindingKind,
    /// How bad it is.
    pub severity: Severity,
    /// Lowercase, no trailing period, the offending text quoted or named.
    pub message: String,
    /// Where in the target to highlight.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub target_span: Option<(usize, usize)>,
    /// Where in the source the finding's counterpart stands.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source_span: Option<(usize, usize)>,
    /// What the target should have had, where that can be said (the source's number, `？`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected: Option<String>,
    /// What the target has instead.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub found: Option<String>,
}

impl Finding {
    /// A finding with a message and nothing else set.
    pub fn new(kind: FindingKind, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            kind,
            severity,
            message: message.into(),
            target_span: None,
            source_span: None,
            expected: None,
            found: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_in_kebab_case_and_parse_back() {
        for kind in FindingKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(FindingKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(
            serde_json::to_string(&Severity::Warning).unwrap(),
            "\"warning\""
        );
    }

    #[test]
    fn finding_serializes_without_empty_fields() {
        let mut f = Finding::new(FindingKind::Number, Severity::Error, "number 46 is missing");
        f.target_span = Some((3, 5));
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"number","severity":"error","message":"number 46 is missing","target_span":[3,5]}"#
        );
    }
}
