//! Segmentation rules as an SRX file states them: language rules made of ordered break and
//! no-break rules, and the map that picks language rules for a language code.
//!
//! Plain data, shared by the SRX reader (`formats::srx`) and the segmentation engine (`text::srx`).
//! Depends on nothing.

/// Where something was written: the file (as given by the caller) and a 1-based line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SrxPosition {
    /// The file the rules came from, as given when reading it (`<built-in>` for the default rules).
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, counted in characters.
    pub column: u64,
}

/// A whole SRX document.
///
/// Invariant: every [`LanguageMap::rule_name`] may or may not name a [`LanguageRule`]; the engine
/// reports a map that names a missing rule when it is used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SrxRules {
    /// The file the rules came from (for messages).
    pub path: String,
    /// The `version` attribute of `<srx>` (`2.0`, `1.0`).
    pub version: String,
    /// `cascade="yes"`: rules of every matching language map apply, in map order.
    pub cascade: bool,
    /// `segmentsubflows` (kept for completeness; plain text has no subflows).
    pub segment_subflows: bool,
    /// The language rules, in document order.
    pub language_rules: Vec<LanguageRule>,
    /// The map from language patterns to language rules, in document order.
    pub maps: Vec<LanguageMap>,
}

/// A named, ordered list of rules (`<languagerule>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageRule {
    /// `languagerulename`.
    pub name: String,
    /// The rules in document order: at a position, the first rule that matches decides.
    pub rules: Vec<SrxRule>,
}

/// One `<rule>`: a break (or an exception) between text matching `before` and text matching
/// `after`. Patterns are kept as written (ICU/Java regex syntax); an empty pattern matches anywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SrxRule {
    /// `break="yes"` (the default) or `break="no"`.
    pub is_break: bool,
    /// `<beforebreak>`: must match the text ending at the position.
    pub before: String,
    /// `<afterbreak>`: must match the text starting at the position.
    pub after: String,
    /// Where the `<rule>` element starts.
    pub position: SrxPosition,
}

/// One `<languagemap>`: languages whose code matches `pattern` use the language rule `rule_name`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageMap {
    /// `languagepattern`, a regex matched case-insensitively against the whole language code.
    pub pattern: String,
    /// `languagerulename`.
    pub rule_name: String,
    /// Where the `<languagemap>` element starts.
    pub position: SrxPosition,
}
