//! Termbase entries: a concept with terms in any languages, as TBX models it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Lang;

/// Whether a term may be used (TBX `administrativeStatus`).
///
/// TBX's `deprecatedTerm-admn-sts` and `supersededTerm-admn-sts` both read as [`TermStatus::Forbidden`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum TermStatus {
    /// The approved term: translations must use it.
    #[default]
    Preferred,
    /// Acceptable, though not the first choice.
    Admitted,
    /// Must not be used (deprecated, superseded, a known wrong form).
    Forbidden,
}

impl TermStatus {
    /// The word tmkit writes: `preferred`, `admitted` or `forbidden`.
    pub fn as_str(self) -> &'static str {
        match self {
            TermStatus::Preferred => "preferred",
            TermStatus::Admitted => "admitted",
            TermStatus::Forbidden => "forbidden",
        }
    }

    /// Reads a status as tmkit, TBX (`preferredTerm-admn-sts`, `deprecatedTerm-admn-sts`, ...) or a
    /// glossary column writes it, case-insensitively; `None` for anything else.
    ///
    /// ```
    /// use tmkit::model::TermStatus;
    /// assert_eq!(TermStatus::parse("supersededTerm-admn-sts"), Some(TermStatus::Forbidden));
    /// assert_eq!(TermStatus::parse("Preferred"), Some(TermStatus::Preferred));
    /// assert_eq!(TermStatus::parse("maybe"), None);
    /// ```
    pub fn parse(s: &str) -> Option<TermStatus> {
        let s = s.trim().to_ascii_lowercase();
        let s = s.strip_suffix("-admn-sts").unwrap_or(&s);
        let s = s.strip_suffix("term").unwrap_or(s);
        match s {
            "preferred" | "approved" | "standardized" => Some(TermStatus::Preferred),
            "admitted" | "accepted" | "allowed" => Some(TermStatus::Admitted),
            "forbidden" | "deprecated" | "superseded" | "obsolete" | "notrecommended"
            | "not recommended" | "rejected" => Some(TermStatus::Forbidden),
            _ => None,
        }
    }

    /// The TBX `administrativeStatus` value for this status.
    pub fn tbx_value(self) -> &'static str {
        match self {
            TermStatus::Preferred => "preferredTerm-admn-sts",
            TermStatus::Admitted => "admittedTerm-admn-sts",
            TermStatus::Forbidden => "deprecatedTerm-admn-sts",
        }
    }
}

impl fmt::Display for TermStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One term of a concept, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    /// The language of the term.
    pub lang: Lang,
    /// The term as written.
    pub text: String,
    /// Whether the term is preferred, admitted or forbidden.
    pub status: TermStatus,
    /// Part of speech as the source wrote it (`noun`, `properNoun`, `verb`, ...); `None` when not given.
    pub pos: Option<String>,
    /// A note for translators.
    pub note: Option<String>,
    /// Matched only with this exact case (English). Acronyms are matched case-sensitively anyway.
    pub case_sensitive: bool,
    /// Other spellings of the same term with the same status (`Asia Pacific` for `Asia-Pacific`).
    pub variants: Vec<String>,
}

impl Term {
    /// A preferred term with no note, part of speech or variants.
    pub fn new(lang: Lang, text: impl Into<String>) -> Term {
        Term {
            lang,
            text: text.into(),
            status: TermStatus::Preferred,
            pos: None,
            note: None,
            case_sensitive: false,
            variants: Vec::new(),
        }
    }
}

/// A concept: one entry of a termbase, with its terms in every language it has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TermEntry {
    /// The concept's id in its source file (TBX `id`), if any.
    pub id: Option<String>,
    /// Subject field (TBX `subjectField`).
    pub subject: Option<String>,
    /// A definition of the concept.
    pub definition: Option<String>,
    /// A note on the concept as a whole.
    pub note: Option<String>,
    /// The terms, in the order of the source file.
    pub terms: Vec<Term>,
}

impl TermEntry {
    /// The terms in languages that `lang` matches (see [`Lang::matches`]).
    pub fn terms_in<'a>(&'a self, lang: &'a Lang) -> impl Iterator<Item = &'a Term> + 'a {
        self.terms.iter().filter(move |t| lang.matches(&t.lang))
    }

    /// Whether the entry has a term in a language that `lang` matches.
    pub fn has_lang(&self, lang: &Lang) -> bool {
        self.terms_in(lang).next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_from_tbx_and_words() {
        let table = [
            ("preferredTerm-admn-sts", Some(TermStatus::Preferred)),
            ("admittedTerm-admn-sts", Some(TermStatus::Admitted)),
            ("deprecatedTerm-admn-sts", Some(TermStatus::Forbidden)),
            ("supersededTerm-admn-sts", Some(TermStatus::Forbidden)),
            ("forbidden", Some(TermStatus::Forbidden)),
            (" Admitted ", Some(TermStatus::Admitted)),
            ("", None),
            ("sometimes", None),
        ];
        for (input, expected) in table {
            assert_eq!(TermStatus::parse(input), expected, "{input:?}");
        }
        for s in [
            TermStatus::Preferred,
            TermStatus::Admitted,
            TermStatus::Forbidden,
        ] {
            assert_eq!(TermStatus::parse(s.as_str()), Some(s));
            assert_eq!(TermStatus::parse(s.tbx_value()), Some(s));
        }
    }
}
