//! Translation units (TMX `<tu>`) and their language variants (`<tuv>`), with the metadata real files
//! carry.

use serde::{Deserialize, Serialize};

use super::Lang;

/// Administrative attributes shared by `<tu>` and `<tuv>`: who made or changed it, when, and how often
/// it was used. Dates are kept as written (TMX writes `YYYYMMDDThhmmssZ`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admin {
    /// `creationdate`: when it was made; `None` when not given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub creation_date: Option<String>,
    /// `creationid`: who made it; `None` when not given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub creation_id: Option<String>,
    /// `changedate`: when it was last changed; `None` when not given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub change_date: Option<String>,
    /// `changeid`: who last changed it; `None` when not given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub change_id: Option<String>,
    /// `usagecount`: how many times it was used; `None` when not given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub usage_count: Option<u64>,
    /// `lastusagedate`: when it was last used; `None` when not given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub last_usage_date: Option<String>,
}

impl Admin {
    /// Whether no attribute is set.
    pub fn is_empty(&self) -> bool {
        *self == Admin::default()
    }

    /// Sets the attribute named as in TMX (`creationdate`, `usagecount`, ...); returns false when the
    /// name is not one of them or the value does not fit (a usage count that is not a number).
    pub fn set(&mut self, name: &str, value: &str) -> bool {
        let slot = match name {
            "creationdate" => &mut self.creation_date,
            "creationid" => &mut self.creation_id,
            "changedate" => &mut self.change_date,
            "changeid" => &mut self.change_id,
            "lastusagedate" => &mut self.last_usage_date,
            "usagecount" => match value.trim().parse() {
                Ok(n) => {
                    self.usage_count = Some(n);
                    return true;
                }
                Err(_) => return false,
            },
            _ => return false,
        };
        *slot = Some(value.to_string());
        true
    }

    /// The attributes as TMX names and values, in the order TMX lists them.
    pub fn attributes(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        [
            ("usagecount", self.usage_count.map(|n| n.to_string())),
            ("lastusagedate", self.last_usage_date.clone()),
            ("creationdate", self.creation_date.clone()),
            ("creationid", self.creation_id.clone()),
            ("changedate", self.change_date.clone()),
            ("changeid", self.change_id.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
    }

    /// Merges another record of the same unit: the earliest creation, the latest change and last use,
    /// the higher usage count. Importing the same file twice therefore changes nothing.
    pub fn merge(&mut self, other: &Admin) {
        fn earlier(a: &Option<String>, b: &Option<String>) -> bool {
            match (a, b) {
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b < a,
                _ => false,
            }
        }
        fn later(a: &Option<String>, b: &Option<String>) -> bool {
            match (a, b) {
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b > a,
                _ => false,
            }
        }
        if earlier(&self.creation_date, &other.creation_date) {
            self.creation_date.clone_from(&other.creation_date);
            self.creation_id.clone_from(&other.creation_id);
        } else if self.creation_id.is_none() {
            self.creation_id.clone_from(&other.creation_id);
        }
        if later(&self.change_date, &other.change_date) {
            self.change_date.clone_from(&other.change_date);
            self.change_id.clone_from(&other.change_id);
        } else if self.change_id.is_none() {
            self.change_id.clone_from(&other.change_id);
        }
        if later(&self.last_usage_date, &other.last_usage_date) {
            self.last_usage_date.clone_from(&other.last_usage_date);
        }
        self.usage_count = match (self.usage_count, other.usage_count) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

/// A `<prop type="...">` property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prop {
    /// The `type` attribute: what the property is (`x-context-prev`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The `xml:lang` attribute, when present.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lang: Option<String>,
    /// The `o-encoding` attribute, when present.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub encoding: Option<String>,
    /// The property's value.
    pub value: String,
}

/// A `<note>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The `xml:lang` attribute, when present.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lang: Option<String>,
    /// The `o-encoding` attribute, when present.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub encoding: Option<String>,
    /// The note's text.
    pub text: String,
}

/// A property or a note, kept in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Extra {
    /// A `<prop>`.
    Prop(Prop),
    /// A `<note>`.
    Note(Note),
}

/// One language version of a unit (TMX `<tuv>`).
///
/// Invariant: `text` is the plain text of the segment (inline codes left out, the text of `<hi>`
/// kept); `markup`, when present, is the segment's content as XML with its inline elements, and is
/// `None` exactly when the segment has no inline element (its markup is then `text`, escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The variant's language (`xml:lang`).
    pub lang: Lang,
    /// The plain text of the segment (see the invariant above).
    pub text: String,
    /// The segment's content as XML with its inline elements; `None` when it has none.
    pub markup: Option<String>,
    /// The `<tuv>`'s administrative attributes.
    pub admin: Admin,
    /// Other `<tuv>` attributes (`o-encoding`, `datatype`, `creationtool`, ...), in document order.
    pub attrs: Vec<(String, String)>,
    /// The `<tuv>`'s properties and notes, in document order.
    pub extras: Vec<Extra>,
}

impl Variant {
    /// A plain-text variant without metadata.
    pub fn new(lang: Lang, text: impl Into<String>) -> Variant {
        Variant {
            lang,
            text: text.into(),
            markup: None,
            admin: Admin::default(),
            attrs: Vec::new(),
            extras: Vec::new(),
        }
    }

    /// Whether the segment carries inline codes.
    pub fn has_markup(&self) -> bool {
        self.markup.is_some()
    }

    /// The segment as written: its markup, or its text where it has no inline codes.
    pub fn content(&self) -> &str {
        self.markup.as_deref().unwrap_or(&self.text)
    }
}

/// A translation unit (TMX `<tu>`): any number of language variants with their metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranslationUnit {
    /// The `tuid` attribute, when present.
    pub tuid: Option<String>,
    /// The source language: the tag of one of the variants.
    pub source: Option<Lang>,
    /// The `<tu>`'s administrative attributes.
    pub admin: Admin,
    /// Other `<tu>` attributes (`datatype`, `segtype`, `o-tmf`, `creationtool`, ...), in document order.
    pub attrs: Vec<(String, String)>,
    /// The `<tu>`'s properties and notes, in document order.
    pub extras: Vec<Extra>,
    /// The language variants (`<tuv>`), in document order.
    pub variants: Vec<Variant>,
}

impl TranslationUnit {
    /// Empties the unit so that its buffers can be reused.
    pub fn clear(&mut self) {
        self.tuid = None;
        self.source = None;
        self.admin = Admin::default();
        self.attrs.clear();
        self.extras.clear();
        self.variants.clear();
    }

    /// The first variant in `lang`'s language family (see [`Lang::matches`]).
    pub fn variant(&self, lang: &Lang) -> Option<&Variant> {
        self.variants.iter().find(|v| lang.matches(&v.lang))
    }

    /// The source variant: the one in the source language, else the first.
    pub fn source_variant(&self) -> Option<&Variant> {
        self.source
            .as_ref()
            .and_then(|s| self.variants.iter().find(|v| &v.lang == s))
            .or_else(|| self.variants.first())
    }

    /// Properties of the unit, in order.
    pub fn props(&self) -> impl Iterator<Item = &Prop> {
        self.extras.iter().filter_map(|e| match e {
            Extra::Prop(p) => Some(p),
            Extra::Note(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin(created: Option<&str>, changed: Option<&str>, count: Option<u64>) -> Admin {
        Admin {
            creation_date: created.map(str::to_string),
            change_date: changed.map(str::to_string),
            usage_count: count,
            ..Admin::default()
        }
    }

    #[test]
    fn merge_takes_earliest_creation_latest_change_and_highest_count() {
        let cases = [
            (
                admin(Some("20200102T000000Z"), Some("20200105T000000Z"), Some(2)),
                admin(Some("20200101T000000Z"), Some("20200103T000000Z"), Some(5)),
                admin(Some("20200101T000000Z"), Some("20200105T000000Z"), Some(5)),
            ),
            (
                admin(None, None, None),
                admin(Some("20200101T000000Z"), None, Some(1)),
                admin(Some("20200101T000000Z"), None, Some(1)),
            ),
            (
                admin(Some("20200101T000000Z"), None, Some(3)),
                admin(None, Some("20210101T000000Z"), None),
                admin(Some("20200101T000000Z"), Some("20210101T000000Z"), Some(3)),
            ),
        ];
        for (mut a, b, want) in cases {
            a.merge(&b);
            assert_eq!(a, want);
        }
    }

    #[test]
    fn merge_is_idempotent() {
        let a = admin(Some("20200102T000000Z"), Some("20200105T000000Z"), Some(2));
        let mut b = a.clone();
        b.merge(&a);
        assert_eq!(a, b);
    }

    #[test]
    fn set_rejects_non_numeric_usage_count() {
        let mut a = Admin::default();
        assert!(!a.set("usagecount", "many"));
        assert!(a.set("usagecount", " 7"));
        assert_eq!(a.usage_count, Some(7));
        assert!(!a.set("tuid", "x"));
    }
}
