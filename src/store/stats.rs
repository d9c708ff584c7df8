//! What `tmkit stats` shows: units and variants per language, pair and import, glossaries and
//! the size of the database.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;

use super::{GlossaryInfo, Store, body, damaged, lang_tags, schema};
use crate::error::Result;
use crate::model::Lang;

/// What `tmkit stats` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// The memory file.
    pub path: String,
    /// The memory's schema version (its `PRAGMA user_version`).
    pub schema_version: i64,
    /// Units in the memory.
    pub units: u64,
    /// Variants in the memory, all languages counted.
    pub variants: u64,
    /// Variants per language tag.
    pub languages: Vec<LangCount>,
    /// Units per (source, target) pair.
    pub pairs: Vec<PairCount>,
    /// Units per import, oldest import first.
    pub origins: Vec<OriginCount>,
    /// The termbase's glossaries.
    pub glossaries: Vec<GlossaryInfo>,
    /// Bytes of the database file and its write-ahead log.
    pub database_bytes: u64,
}

/// Variants in one language.
#[derive(Debug, Clone, Serialize)]
pub struct LangCount {
    /// The language tag.
    pub lang: String,
    /// Variants in that language.
    pub variants: u64,
}

/// Units translated from one language into another.
#[derive(Debug, Clone, Serialize)]
pub struct PairCount {
    /// The units' source language tag.
    pub source: String,
    /// The target language tag.
    pub target: String,
    /// Units with that source language and a variant in the target language.
    pub units: u64,
}

/// Units imported from one file.
#[derive(Debug, Clone, Serialize)]
pub struct OriginCount {
    /// The file, as the import recorded it.
    pub path: String,
    /// When the import ran, as a TMX date (`YYYYMMDDThhmmssZ`).
    pub imported_at: String,
    /// Units from that import still in the memory.
    pub units: u64,
}

impl Store {
    /// Counts for `tmkit stats`.
    pub fn stats(&self) -> Result<Stats> {
        let c = &self.conn;
        let tags = lang_tags(c)?;
        let mut per_lang: HashMap<i64, u64> = HashMap::new();
        let mut per_pair: HashMap<(i64, i64), u64> = HashMap::new();
        let mut units = 0u64;
        let mut variants = 0u64;
        {
            let mut stmt = c.prepare("SELECT srclang, body, id FROM units")?;
            let mut rows = stmt.query([])?;
            let mut seen: Vec<i64> = Vec::new();
            while let Some(row) = rows.next()? {
                units += 1;
                let src: i64 = row.get(0)?;
                seen.clear();
                for p in body::iter(row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?) {
                    let p = p.map_err(|e| {
                        let id: i64 = row.get(2).unwrap_or_default();
                        damaged(e, &self.path, &id.to_string())
                    })?;
                    variants += 1;
                    *per_lang.entry(p.lang).or_default() += 1;
                    if p.lang != src && !seen.contains(&p.lang) {
                        seen.push(p.lang);
                        *per_pair.entry((src, p.lang)).or_default() += 1;
                    }
                }
            }
        }
        let tag = |id: &i64| tags.get(id).map(Lang::to_string).unwrap_or_default();
        let mut languages: Vec<LangCount> = per_lang
            .iter()
            .map(|(id, n)| LangCount {
                lang: tag(id),
                variants: *n,
            })
            .collect();
        languages.sort_by(|a, b| b.variants.cmp(&a.variants).then(a.lang.cmp(&b.lang)));
        let mut pairs: Vec<PairCount> = per_pair
            .iter()
            .map(|((s, t), n)| PairCount {
                source: tag(s),
                target: tag(t),
                units: *n,
            })
            .collect();
        pairs.sort_by(|a, b| {
            b.units
                .cmp(&a.units)
                .then(a.source.cmp(&b.source))
                .then(a.target.cmp(&b.target))
        });
        let mut origins = Vec::new();
        {
            let mut stmt = c.prepare(
                "SELECT o.path, o.imported_at, (SELECT count(*) FROM units u WHERE u.origin = o.id) \
                 FROM origins o ORDER BY o.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            for row in rows {
                let (path, imported_at, n) = row?;
                origins.push(OriginCount {
                    path,
                    imported_at,
                    units: n as u64,
                });
            }
        }
        let file_len = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let mut wal = self.path.as_os_str().to_owned();
        wal.push("-wal");
        let database_bytes = file_len(self.path.clone()) + file_len(PathBuf::from(wal));
        Ok(Stats {
            path: self.path.display().to_string(),
            schema_version: schema::user_version(c)?,
            units,
            variants,
            languages,
            pairs,
            origins,
            glossaries: self.glossaries()?,
            database_bytes,
        })
    }
}
