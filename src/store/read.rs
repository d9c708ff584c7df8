//! Reading a memory: units (all, filtered, by id), their texts without decoding the rest, the
//! posting lists of the candidate index, and read transactions (sessions and snapshots).

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::{ListCache, Postings, Store, UnitExtra, body, conn_path, damaged, index};
use super::{index_ready, lang_tags};
use crate::error::Result;
use crate::model::{Admin, Lang, TranslationUnit};

/// A connection held in one read transaction (see [`Store::snapshot`]): everything read through
/// it sees the memory as it was when the snapshot was taken, whatever is written meanwhile. It owns
/// its connection, so it can be handed to another thread, as [`Store`] can.
pub struct Snapshot {
    store: Store,
}

impl std::ops::Deref for Snapshot {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        if !self.store.conn.is_autocommit() {
            let _ = self.store.conn.execute_batch("COMMIT");
        }
    }
}

/// A read transaction; see [`Store::read_session`].
pub struct ReadSession<'a> {
    conn: Option<&'a Connection>,
}

impl Drop for ReadSession<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn {
            let _ = conn.execute_batch("COMMIT");
        }
    }
}

/// Which units an export takes.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    /// Only units imported from an origin whose path contains this text.
    pub origin: Option<String>,
    /// Only units changed (else created, else imported) at or after this TMX date.
    pub changed_since: Option<String>,
    /// Only units changed (else created, else imported) before this TMX date.
    pub changed_before: Option<String>,
}

/// A variant's language id, text and markup, borrowed from a stored unit.
#[derive(Debug, Clone, Copy)]
pub struct TextView<'a> {
    /// The variant's language, as the memory's id for it.
    pub lang: i64,
    /// The variant's plain text.
    pub text: &'a str,
    /// Its markup in TMX inline syntax; `None` when it has no inline code.
    pub markup: Option<&'a str>,
}

impl TextView<'_> {
    /// The segment as written: its markup, or its text where it has no inline codes.
    pub fn content(&self) -> &str {
        self.markup.unwrap_or(self.text)
    }
}

impl Store {
    /// A number that changes whenever another connection commits a change to the memory
    /// (SQLite's `data_version`): caches of what was read stay valid while it stays the same.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// A counter of `meta` that a writer bumps (0 when it never did): `index_generation` when the
    /// lookup index is built again (its rows are then new), `texts_generation` when a stored
    /// unit's variants are changed (a merge or an overwrite; adding units leaves it). What was read
    /// of the index or of the texts stays valid while its counter stays the same.
    pub fn generation(&self, key: &str) -> Result<i64> {
        generation(&self.conn, key)
    }

    /// The most frequent source language, if the memory has units.
    pub fn main_source_lang(&self) -> Result<Option<Lang>> {
        let tag: Option<String> = self
            .conn
            .query_row(
                "SELECT l.tag FROM units u JOIN langs l ON l.id = u.srclang \
                 GROUP BY u.srclang ORDER BY count(*) DESC, l.tag LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        tag.map(|t| Lang::parse(&t)).transpose()
    }

    /// Calls `f` for every unit that passes `filter`, in the order they were added, streaming.
    pub fn for_each_unit(
        &self,
        filter: &UnitFilter,
        mut f: impl FnMut(&TranslationUnit) -> Result<()>,
    ) -> Result<()> {
        let langs = lang_tags(&self.conn)?;
        let mut sql = format!("SELECT {UNIT_COLUMNS} FROM units u");
        let mut conds = Vec::new();
        let mut args: Vec<String> = Vec::new();
        if let Some(origin) = &filter.origin {
            sql.push_str(" LEFT JOIN origins o ON o.id = u.origin");
            conds.push("instr(o.path, ?) > 0".to_string());
            args.push(origin.clone());
        }
        let date = "coalesce(u.changed, u.created, \
                    (SELECT imported_at FROM origins WHERE id = u.origin), '')";
        if let Some(d) = &filter.changed_since {
            conds.push(format!("{date} >= ?"));
            args.push(d.clone());
        }
        if let Some(d) = &filter.changed_before {
            conds.push(format!("{date} < ?"));
            args.push(d.clone());
        }
        if !conds.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conds.join(" AND "));
        }
        sql.push_str(" ORDER BY u.id");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        let mut unit = TranslationUnit::default();
        while let Some(row) = rows.next()? {
            read_unit_row(row, &langs, &mut unit, &self.path)?;
            f(&unit)?;
        }
        Ok(())
    }

    /// Whether the candidate index covers every unit (a memory from an older tmkit has none yet).
    pub fn index_ready(&self) -> Result<bool> {
        index_ready(&self.conn)
    }

    /// The ids of the stored languages that a query in `lang` may use (see [`Lang::matches`]).
    pub fn lang_ids_matching(&self, lang: &Lang) -> Result<Vec<i64>> {
        Ok(lang_tags(&self.conn)?
            .into_iter()
            .filter(|(_, l)| lang.matches(l))
            .map(|(id, _)| id)
            .collect())
    }

    /// The posting lists of the buckets of `keys` (each a key and a weight) in the languages
    /// `lang_ids`, with the summed weight of the keys that fall in each bucket; postings of other
    /// keys that share a bucket come too.
    pub fn bucket_lists(
        &self,
        cache: &mut ListCache,
        lang_ids: &[i64],
        keys: &[(u64, u32)],
    ) -> Result<Vec<(u32, std::sync::Arc<Postings>)>> {
        cache.sync(&self.conn)?;
        if cache
            .tags
            .as_ref()
            .is_none_or(|t| lang_ids.iter().any(|id| !t.contains_key(id)))
        {
            cache.tags = Some(lang_tags(&self.conn)?);
        }
        let tags = cache.tags.as_ref().expect("the tags were just read");
        let mut buckets: Vec<(u32, u32)> = Vec::with_capacity(keys.len() * lang_ids.len());
        for lang in lang_ids.iter().filter_map(|id| tags.get(id)) {
            for &(key, weight) in keys {
                let b = index::bucket(lang.as_str(), key);
                match buckets.iter_mut().find(|(x, _)| *x == b) {
                    Some((_, w)) => *w += weight,
                    None => buckets.push((b, weight)),
                }
            }
        }
        let mut out = Vec::with_capacity(buckets.len());
        for (b, weight) in buckets {
            out.push((weight, cache.get(&self.conn, b)?));
        }
        Ok(out)
    }

    /// Calls `f(weight, unit id, variant length)` for every posting of [`Store::bucket_lists`].
    pub fn visit_postings(
        &self,
        cache: &mut ListCache,
        lang_ids: &[i64],
        keys: &[(u64, u32)],
        mut f: impl FnMut(u32, i64, u32),
    ) -> Result<()> {
        for (weight, list) in self.bucket_lists(cache, lang_ids, keys)? {
            for (unit, len) in list.iter() {
                f(weight, unit, len);
            }
        }
        Ok(())
    }

    /// Holds one read transaction until the guard is dropped: a lookup session reads under one lock
    /// instead of taking and releasing it for every statement.
    pub fn read_session(&self) -> Result<ReadSession<'_>> {
        if !self.conn.is_autocommit() {
            // Already inside one (another session on this store): nothing to hold.
            return Ok(ReadSession { conn: None });
        }
        self.conn.execute_batch("BEGIN")?;
        Ok(ReadSession {
            conn: Some(&self.conn),
        })
    }

    /// Holds this connection in one read transaction until the result is dropped (see
    /// [`Snapshot`]).
    pub fn snapshot(self) -> Result<Snapshot> {
        if self.conn.is_autocommit() {
            self.conn.execute_batch("BEGIN")?;
        }
        // A transaction takes its snapshot at its first read: take it now.
        self.max_unit_id()?;
        Ok(Snapshot { store: self })
    }

    /// The plain text and markup of a unit's variants in the languages `lang_ids`, without decoding
    /// the rest of the unit (what a lookup scores before it knows it has a match). `false` when the
    /// memory has no unit `id` (in this snapshot).
    pub fn variant_texts(
        &self,
        id: i64,
        lang_ids: &[i64],
        mut f: impl FnMut(&str, Option<&str>),
    ) -> Result<bool> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM units WHERE id = ?")?;
        let mut rows = stmt.query([id])?;
        let Some(row) = rows.next()? else {
            return Ok(false);
        };
        let blob = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
        for p in body::iter(blob) {
            let p = p.map_err(|e| damaged(e, &self.path, &id.to_string()))?;
            if lang_ids.contains(&p.lang) {
                f(p.text, p.markup);
            }
        }
        Ok(true)
    }

    /// The largest unit id (0 for an empty memory).
    pub fn max_unit_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM units", [], |r| r.get(0))?)
    }

    /// Loads units by id, with the path of the file each came from.
    pub fn load_units(&self, ids: &[i64]) -> Result<Vec<(i64, TranslationUnit, Option<String>)>> {
        let langs = lang_tags(&self.conn)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {UNIT_COLUMNS}, (SELECT path FROM origins WHERE id = u.origin) \
             FROM units u WHERE u.id = ?"
        ))?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let mut rows = stmt.query([id])?;
            if let Some(row) = rows.next()? {
                let mut unit = TranslationUnit::default();
                read_unit_row(row, &langs, &mut unit, &self.path)?;
                out.push((id, unit, row.get(10)?));
            }
        }
        Ok(out)
    }

    /// Calls `f(id, unit)` for every unit, in order: for brute-force comparisons and rebuilding.
    pub fn for_each_unit_with_id(
        &self,
        mut f: impl FnMut(i64, &TranslationUnit) -> Result<()>,
    ) -> Result<()> {
        let langs = lang_tags(&self.conn)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {UNIT_COLUMNS}, u.id FROM units u ORDER BY u.id"
        ))?;
        let mut rows = stmt.query([])?;
        let mut unit = TranslationUnit::default();
        while let Some(row) = rows.next()? {
            read_unit_row(row, &langs, &mut unit, &self.path)?;
            f(row.get(10)?, &unit)?;
        }
        Ok(())
    }

    /// The language tags of the memory, by id (for [`Store::for_each_unit_texts`]).
    pub fn lang_tags(&self) -> Result<HashMap<i64, Lang>> {
        lang_tags(&self.conn)
    }

    /// Calls `f` for every unit, in id order, with its id, its tuid and its variants' language
    /// ids, texts and markup, borrowed from the stored row: the light read for work that needs
    /// only the texts (checks), without dates, properties or a unit to fill.
    pub fn for_each_unit_texts(
        &self,
        f: impl FnMut(i64, Option<&str>, &[TextView<'_>]) -> Result<()>,
    ) -> Result<()> {
        self.for_each_unit_texts_in(i64::MIN..i64::MAX, f)
    }

    /// [`Store::for_each_unit_texts`] for the units whose ids are in `ids`: work split between
    /// threads reads a range each, through a connection each.
    pub fn for_each_unit_texts_in(
        &self,
        ids: std::ops::Range<i64>,
        mut f: impl FnMut(i64, Option<&str>, &[TextView<'_>]) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.tuid, u.body FROM units u WHERE u.id >= ?1 AND u.id < ?2 ORDER BY u.id",
        )?;
        let mut rows = stmt.query([ids.start, ids.end])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let tuid = row
                .get_ref(1)?
                .as_str_or_null()
                .map_err(rusqlite::Error::from)?;
            let blob = row.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
            let mut views: Vec<TextView<'_>> = Vec::with_capacity(4);
            for p in body::iter(blob) {
                let p = p.map_err(|e| damaged(e, conn_path(&self.conn), &id.to_string()))?;
                views.push(TextView {
                    lang: p.lang,
                    text: p.text,
                    markup: p.markup,
                });
            }
            f(id, tuid, &views)?;
        }
        Ok(())
    }
}

pub(super) const UNIT_COLUMNS: &str = "u.tuid, u.srclang, u.created, u.creator, u.changed, u.changer, \
                            u.usage_count, u.last_used, u.extra, u.body";

/// Fills `unit` from a row of [`UNIT_COLUMNS`].
pub(super) fn read_unit_row(
    row: &rusqlite::Row<'_>,
    langs: &HashMap<i64, Lang>,
    unit: &mut TranslationUnit,
    path: &Path,
) -> Result<()> {
    unit.clear();
    unit.tuid = row.get(0)?;
    unit.source = langs.get(&row.get::<_, i64>(1)?).cloned();
    unit.admin = Admin {
        creation_date: row.get(2)?,
        creation_id: row.get(3)?,
        change_date: row.get(4)?,
        change_id: row.get(5)?,
        usage_count: row.get::<_, Option<i64>>(6)?.map(|n| n as u64),
        last_usage_date: row.get(7)?,
    };
    if let Some(extra) = row
        .get_ref(8)?
        .as_str_or_null()
        .map_err(rusqlite::Error::from)?
    {
        let e: UnitExtra = serde_json::from_str(extra)?;
        unit.attrs = e.attrs;
        unit.extras = e.extras;
    }
    let blob = row.get_ref(9)?.as_blob().map_err(rusqlite::Error::from)?;
    body::decode(blob, langs, &mut unit.variants).map_err(|e| {
        let tuid = unit.tuid.as_deref().unwrap_or("");
        damaged(e, path, &format!("with tuid {tuid:?}"))
    })
}

pub(super) fn generation(conn: &Connection, key: &str) -> Result<i64> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?", [key], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}
