//! The termbase in the memory: named glossaries of concepts ([`TermEntry`]), each with terms in any
//! languages. Writes go through the memory's [`Writer`] transaction, so a glossary import is all or
//! nothing like a TMX import.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Store, Writer, lang_tags};
use crate::error::{ErrorKind, Result};
use crate::model::{Lang, Term, TermEntry, TermStatus};

/// A glossary stored in the memory, with what it holds.
#[derive(Debug, Clone, Serialize)]
pub struct GlossaryInfo {
    /// The glossary's name.
    pub name: String,
    /// The day the glossary was created (`YYYY-MM-DD`).
    pub created: String,
    /// Concepts in the glossary.
    pub concepts: u64,
    /// Terms in the glossary, all languages counted.
    pub terms: u64,
    /// The languages its terms are in, sorted.
    pub langs: Vec<String>,
}

/// A concept as stored: its id in the memory and the glossary it belongs to.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    /// The concept's id in the memory.
    pub id: i64,
    /// The name of the glossary it belongs to.
    pub glossary: String,
    /// The concept and its terms.
    pub entry: TermEntry,
}

/// Variants are stored one per line: a term's spelling never contains a line break.
fn join_variants(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join("\n"))
}

fn split_variants(s: Option<String>) -> Vec<String> {
    s.map(|s| s.split('\n').map(str::to_string).collect())
        .unwrap_or_default()
}

impl Writer<'_> {
    /// The id of the glossary called `name`, created (with `created` as its date) when it does not
    /// exist.
    pub fn glossary_id(&mut self, name: &str, created: &str) -> Result<i64> {
        if let Some(id) = self.existing_glossary(name)? {
            return Ok(id);
        }
        self.tx.execute(
            "INSERT INTO glossaries(name, created) VALUES (?, ?)",
            params![name, created],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// The id of the glossary called `name`, if there is one.
    pub fn existing_glossary(&mut self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .tx
            .query_row("SELECT id FROM glossaries WHERE name = ?", [name], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Adds a concept to a glossary; returns its id.
    pub fn add_concept(&mut self, glossary: i64, entry: &TermEntry) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO concepts(glossary, ext_id, subject, definition, note) \
                 VALUES (?, ?, ?, ?, ?)",
            )?
            .execute(params![
                glossary,
                entry.id,
                entry.subject,
                entry.definition,
                entry.note
            ])?;
        let concept = self.tx.last_insert_rowid();
        for (seq, term) in entry.terms.iter().enumerate() {
            let lang = self.lang_id(&term.lang)?;
            self.tx
                .prepare_cached(
                    "INSERT INTO terms(concept, seq, lang, text, status, pos, note, \
                     case_sensitive, variants) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )?
                .execute(params![
                    concept,
                    seq as i64,
                    lang,
                    term.text,
                    term.status.as_str(),
                    term.pos,
                    term.note,
                    term.case_sensitive,
                    join_variants(&term.variants),
                ])?;
        }
        Ok(concept)
    }

    /// Removes concepts of a glossary by id; returns how many of them it had.
    pub fn remove_concepts_of(&mut self, glossary: i64, ids: &[i64]) -> Result<u64> {
        let mut removed = 0;
        for id in ids {
            let ours: Option<i64> = self
                .tx
                .prepare_cached("SELECT id FROM concepts WHERE id = ? AND glossary = ?")?
                .query_row(params![id, glossary], |r| r.get(0))
                .optional()?;
            if ours.is_none() {
                continue;
            }
            self.tx
                .prepare_cached("DELETE FROM terms WHERE concept = ?")?
                .execute([id])?;
            self.tx
                .prepare_cached("DELETE FROM concepts WHERE id = ?")?
                .execute([id])?;
            removed += 1;
        }
        Ok(removed)
    }

    /// Removes every concept of a glossary, keeping the glossary; returns how many there were.
    pub fn clear_glossary(&mut self, glossary: i64) -> Result<u64> {
        self.tx.execute(
            "DELETE FROM terms WHERE concept IN (SELECT id FROM concepts WHERE glossary = ?)",
            [glossary],
        )?;
        Ok(self
            .tx
            .execute("DELETE FROM concepts WHERE glossary = ?", [glossary])? as u64)
    }

    /// Removes a glossary and everything in it; returns how many concepts it had.
    pub fn drop_glossary(&mut self, glossary: i64) -> Result<u64> {
        let n = self.clear_glossary(glossary)?;
        self.tx
            .execute("DELETE FROM glossaries WHERE id = ?", [glossary])?;
        Ok(n)
    }
}

impl Store {
    /// The glossaries in the memory, by name.
    pub fn glossaries(&self) -> Result<Vec<GlossaryInfo>> {
        let mut stmt = self.conn.prepare(
            "SELECT g.name, g.created, \
               (SELECT count(*) FROM concepts c WHERE c.glossary = g.id), \
               (SELECT count(*) FROM terms t JOIN concepts c ON c.id = t.concept \
                  WHERE c.glossary = g.id), \
               (SELECT group_concat(tag, ' ') FROM (SELECT DISTINCT l.tag FROM terms t \
                  JOIN concepts c ON c.id = t.concept JOIN langs l ON l.id = t.lang \
                  WHERE c.glossary = g.id ORDER BY l.tag)) \
             FROM glossaries g ORDER BY g.name",
        )?;
        let rows = stmt.query_map([], |r| {
            let langs: Option<String> = r.get(4)?;
            Ok(GlossaryInfo {
                name: r.get(0)?,
                created: r.get(1)?,
                concepts: r.get::<_, i64>(2)? as u64,
                terms: r.get::<_, i64>(3)? as u64,
                langs: langs
                    .map(|l| l.split(' ').map(str::to_string).collect())
                    .unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The concepts of one glossary (`Some(name)`) or of all of them, in the order they were added.
    /// An unknown glossary name is an error that lists the ones there are.
    pub fn load_concepts(&self, glossary: Option<&str>) -> Result<Vec<StoredEntry>> {
        if let Some(name) = glossary {
            let known: Option<i64> = self
                .conn
                .query_row("SELECT id FROM glossaries WHERE name = ?", [name], |r| {
                    r.get(0)
                })
                .optional()?;
            if known.is_none() {
                let names: Vec<String> = self.glossaries()?.into_iter().map(|g| g.name).collect();
                return Err(ErrorKind::Invalid {
                    what: "glossary",
                    value: name.to_string(),
                    reason: if names.is_empty() {
                        "the memory has no glossary: import one with `tmkit glossary import`"
                            .to_string()
                    } else {
                        format!("the memory has {}", names.join(", "))
                    },
                }
                .into());
            }
        }
        let langs = lang_tags(&self.conn)?;
        let mut out: Vec<StoredEntry> = Vec::new();
        let mut stmt = self.conn.prepare(
            "SELECT c.id, g.name, c.ext_id, c.subject, c.definition, c.note \
             FROM concepts c JOIN glossaries g ON g.id = c.glossary \
             WHERE ?1 IS NULL OR g.name = ?1 ORDER BY c.id",
        )?;
        let mut rows = stmt.query([glossary])?;
        let mut index = std::collections::HashMap::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            index.insert(id, out.len());
            out.push(StoredEntry {
                id,
                glossary: r.get(1)?,
                entry: TermEntry {
                    id: r.get(2)?,
                    subject: r.get(3)?,
                    definition: r.get(4)?,
                    note: r.get(5)?,
                    terms: Vec::new(),
                },
            });
        }
        drop(rows);
        let mut stmt = self.conn.prepare(
            "SELECT t.concept, t.lang, t.text, t.status, t.pos, t.note, t.case_sensitive, \
               t.variants \
             FROM terms t JOIN concepts c ON c.id = t.concept JOIN glossaries g ON g.id = c.glossary \
             WHERE ?1 IS NULL OR g.name = ?1 ORDER BY t.concept, t.seq",
        )?;
        let mut rows = stmt.query([glossary])?;
        while let Some(r) = rows.next()? {
            let concept: i64 = r.get(0)?;
            let lang_id: i64 = r.get(1)?;
            let Some(&at) = index.get(&concept) else {
                continue;
            };
            let lang = match langs.get(&lang_id) {
                Some(l) => l.clone(),
                None => Lang::parse("und")?,
            };
            let status: String = r.get(3)?;
            out[at].entry.terms.push(Term {
                lang,
                text: r.get(2)?,
                status: TermStatus::parse(&status).unwrap_or_default(),
                pos: r.get(4)?,
                note: r.get(5)?,
                case_sensitive: r.get(6)?,
                variants: split_variants(r.get(7)?),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> TermEntry {
        let mut en = Term::new(Lang::parse("en").unwrap(), "Asia-Pacific");
        en.variants = vec!["Asia Pacific".into()];
        en.pos = Some("properNoun".into());
        let zh = Term::new(Lang::parse("zh-CN").unwrap(), "亚太");
        let mut bad = Term::new(Lang::parse("zh-CN").unwrap(), "亞太");
        bad.status = TermStatus::Forbidden;
        bad.note = Some("traditional form".into());
        TermEntry {
            id: Some("c1".into()),
            subject: Some("geography".into()),
            definition: None,
            note: Some("region".into()),
            terms: vec![en, zh, bad],
        }
    }

    #[test]
    fn concepts_come_back_as_they_went_in() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("m.db")).unwrap();
        let mut w = store.writer().unwrap();
        let g = w.glossary_id("forum", "2020-12-08").unwrap();
        assert_eq!(w.glossary_id("forum", "later").unwrap(), g);
        w.add_concept(g, &entry()).unwrap();
        w.commit().unwrap();
        let loaded = store.load_concepts(Some("forum")).unwrap();
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[0].entry, entry());
        let info = store.glossaries().unwrap();
        assert_eq!(info[0].concepts, 1);
        assert_eq!(info[0].terms, 3);
        assert_eq!(info[0].langs, ["en", "zh-CN"]);
        let err = store.load_concepts(Some("nope")).unwrap_err().to_string();
        assert!(err.contains("forum"), "{err}");
    }

    #[test]
    fn an_uncommitted_writer_leaves_no_concept() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("m.db")).unwrap();
        {
            let mut w = store.writer().unwrap();
            let g = w.glossary_id("forum", "x").unwrap();
            w.add_concept(g, &entry()).unwrap();
        }
        assert!(store.glossaries().unwrap().is_empty());
        assert!(store.load_concepts(None).unwrap().is_empty());
    }
}
