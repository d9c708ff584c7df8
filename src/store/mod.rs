//! The SQLite memory: schema and migrations, units and variants, statistics.
//!
//! The only module that talks to rusqlite. Depends on `model` and `error`.
//!
//! Layout (schema version 1): `units` holds one row per translation unit with its administrative
//! metadata; `variants` one row per language version, whose id is `unit << 10 | position` so that a
//! unit's variants sit together and come back in order without a second index; `(srclang, src_hash)`
//! indexes each unit's source text for duplicate detection, with a Bloom filter in front of it so
//! that a bulk import of new units almost never has to look. Metadata that is rarely queried
//! (other attributes, properties, notes) is kept as compact JSON, absent when empty.

mod bloom;
mod schema;

use bloom::Bloom;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::model::{Admin, Extra, Lang, TranslationUnit, Variant};

pub use schema::SCHEMA_VERSION;

/// Bits of a variant id that hold its position within the unit.
const POS_BITS: u32 = 10;
/// The most variants one unit can hold.
pub const MAX_VARIANTS: usize = 1 << POS_BITS;

/// The hash of a text as stored in the index (xxh3, 64 bits, as a signed SQLite integer).
pub fn text_hash(text: &str) -> i64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes()) as i64
}

/// An open memory.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Where a stored unit came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub id: i64,
    pub path: String,
    pub imported_at: String,
}

#[derive(Serialize, Deserialize, Default)]
struct UnitExtra {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    attrs: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    extras: Vec<Extra>,
}

#[derive(Serialize, Deserialize, Default)]
struct VariantExtra {
    #[serde(default, skip_serializing_if = "Admin::is_empty")]
    admin: Admin,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    attrs: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    extras: Vec<Extra>,
}

fn unit_extra_json(unit: &TranslationUnit) -> Result<Option<String>> {
    if unit.attrs.is_empty() && unit.extras.is_empty() {
        return Ok(None);
    }
    #[derive(Serialize)]
    struct Ref<'a> {
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        attrs: &'a [(String, String)],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        extras: &'a [Extra],
    }
    Ok(Some(serde_json::to_string(&Ref {
        attrs: &unit.attrs,
        extras: &unit.extras,
    })?))
}

fn variant_extra_json(v: &Variant) -> Result<Option<String>> {
    if v.admin.is_empty() && v.attrs.is_empty() && v.extras.is_empty() {
        return Ok(None);
    }
    #[derive(Serialize)]
    struct Ref<'a> {
        #[serde(skip_serializing_if = "Admin::is_empty")]
        admin: &'a Admin,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        attrs: &'a [(String, String)],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        extras: &'a [Extra],
    }
    Ok(Some(serde_json::to_string(&Ref {
        admin: &v.admin,
        attrs: &v.attrs,
        extras: &v.extras,
    })?))
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

/// What `tmkit stats` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub path: String,
    pub schema_version: i64,
    pub units: u64,
    pub variants: u64,
    /// Variants per language tag.
    pub languages: Vec<LangCount>,
    /// Units per (source, target) pair.
    pub pairs: Vec<PairCount>,
    pub origins: Vec<OriginCount>,
    /// Bytes of the database file and its write-ahead log.
    pub database_bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LangCount {
    pub lang: String,
    pub variants: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairCount {
    pub source: String,
    pub target: String,
    pub units: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OriginCount {
    pub path: String,
    pub imported_at: String,
    pub units: u64,
}

impl Store {
    /// Opens a memory, creating it when the file does not exist, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        let store = Store::configure(conn, path)?;
        schema::migrate(&store.conn, path)?;
        Ok(store)
    }

    /// Opens a memory that must already exist (for read-only work such as export and stats).
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(ErrorKind::NotAMemory {
                path: path.display().to_string(),
                reason: "the file does not exist; import a TMX file first or give --db".to_string(),
            }
            .into());
        }
        Store::open(path)
    }

    fn configure(conn: Connection, path: &Path) -> Result<Store> {
        conn.busy_timeout(Duration::from_secs(60))?;
        let not_a_memory = |e: rusqlite::Error| -> crate::Error {
            ErrorKind::NotAMemory {
                path: path.display().to_string(),
                reason: e.to_string(),
            }
            .into()
        };
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(not_a_memory)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        conn.pragma_update(None, "cache_size", -131_072)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a write transaction. It waits for other writers (another import) to finish, and
    /// everything it does is undone unless [`Writer::commit`] is called.
    pub fn writer(&mut self) -> Result<Writer<'_>> {
        self.conn.busy_timeout(Duration::from_secs(24 * 3600))?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut langs = HashMap::new();
        {
            let mut stmt = tx.prepare("SELECT id, tag FROM langs")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (id, tag) = row?;
                langs.insert(tag, id);
            }
        }
        Ok(Writer {
            tx,
            langs,
            bloom: None,
            expected: 0,
        })
    }

    fn lang_tags(&self) -> Result<HashMap<i64, Lang>> {
        let mut stmt = self.conn.prepare("SELECT id, tag FROM langs")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, tag) = row?;
            out.insert(id, Lang::parse(&tag)?);
        }
        Ok(out)
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
        let langs = self.lang_tags()?;
        let mut sql = String::from(
            "SELECT u.id, u.tuid, u.srclang, u.created, u.creator, u.changed, u.changer, \
             u.usage_count, u.last_used, u.extra, v.id, v.lang, v.text, v.markup, v.extra \
             FROM units u JOIN variants v ON v.id >= (u.id << 10) AND v.id < ((u.id + 1) << 10)",
        );
        let mut conds = Vec::new();
        let mut args: Vec<String> = Vec::new();
        if let Some(origin) = &filter.origin {
            sql.push_str(" LEFT JOIN origins o ON o.id = u.origin");
            conds.push("instr(o.path, ?) > 0");
            args.push(origin.clone());
        }
        let date = "coalesce(u.changed, u.created, (SELECT imported_at FROM origins WHERE id = u.origin), '')";
        let since;
        let before;
        if let Some(d) = &filter.changed_since {
            since = format!("{date} >= ?");
            conds.push(&since);
            args.push(d.clone());
        }
        if let Some(d) = &filter.changed_before {
            before = format!("{date} < ?");
            conds.push(&before);
            args.push(d.clone());
        }
        if !conds.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conds.join(" AND "));
        }
        sql.push_str(" ORDER BY u.id, v.id");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        let mut unit = TranslationUnit::default();
        let mut current: Option<i64> = None;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if current != Some(id) {
                if current.is_some() {
                    f(&unit)?;
                }
                current = Some(id);
                unit.clear();
                unit.tuid = row.get(1)?;
                unit.source = langs.get(&row.get::<_, i64>(2)?).cloned();
                unit.admin = Admin {
                    creation_date: row.get(3)?,
                    creation_id: row.get(4)?,
                    change_date: row.get(5)?,
                    change_id: row.get(6)?,
                    usage_count: row.get::<_, Option<i64>>(7)?.map(|n| n as u64),
                    last_usage_date: row.get(8)?,
                };
                if let Some(extra) = row
                    .get_ref(9)?
                    .as_str_or_null()
                    .map_err(rusqlite::Error::from)?
                {
                    let e: UnitExtra = serde_json::from_str(extra)?;
                    unit.attrs = e.attrs;
                    unit.extras = e.extras;
                }
            }
            let lang_id: i64 = row.get(11)?;
            let lang = langs
                .get(&lang_id)
                .cloned()
                .ok_or_else(|| ErrorKind::NotAMemory {
                    path: self.path.display().to_string(),
                    reason: format!("variant refers to unknown language id {lang_id}"),
                })?;
            let mut v = Variant::new(lang, row.get::<_, String>(12)?);
            v.markup = row.get(13)?;
            if let Some(extra) = row
                .get_ref(14)?
                .as_str_or_null()
                .map_err(rusqlite::Error::from)?
            {
                let e: VariantExtra = serde_json::from_str(extra)?;
                v.admin = e.admin;
                v.attrs = e.attrs;
                v.extras = e.extras;
            }
            unit.variants.push(v);
        }
        if current.is_some() {
            f(&unit)?;
        }
        Ok(())
    }

    /// Counts for `tmkit stats`.
    pub fn stats(&self) -> Result<Stats> {
        let c = &self.conn;
        let units: i64 = c.query_row("SELECT count(*) FROM units", [], |r| r.get(0))?;
        let variants: i64 = c.query_row("SELECT count(*) FROM variants", [], |r| r.get(0))?;
        let mut languages = Vec::new();
        {
            let mut stmt = c.prepare(
                "SELECT l.tag, count(*) FROM variants v JOIN langs l ON l.id = v.lang \
                 GROUP BY v.lang ORDER BY count(*) DESC, l.tag",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (lang, n) = row?;
                languages.push(LangCount {
                    lang,
                    variants: n as u64,
                });
            }
        }
        let mut pairs = Vec::new();
        {
            let mut stmt = c.prepare(
                "SELECT ls.tag, lt.tag, count(DISTINCT u.id) FROM units u \
                 JOIN variants v ON v.id >= (u.id << 10) AND v.id < ((u.id + 1) << 10) \
                 JOIN langs ls ON ls.id = u.srclang JOIN langs lt ON lt.id = v.lang \
                 WHERE v.lang != u.srclang GROUP BY u.srclang, v.lang \
                 ORDER BY count(DISTINCT u.id) DESC, ls.tag, lt.tag",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            for row in rows {
                let (source, target, n) = row?;
                pairs.push(PairCount {
                    source,
                    target,
                    units: n as u64,
                });
            }
        }
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
            units: units as u64,
            variants: variants as u64,
            languages,
            pairs,
            origins,
            database_bytes,
        })
    }

    /// Runs SQLite's integrity check; `Ok(())` when the database is sound.
    pub fn check_integrity(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            let line = row?;
            if line != "ok" {
                out.push(line);
            }
        }
        Ok(out)
    }
}

const INSERT_VARIANTS: [&str; 4] = [
    "INSERT INTO variants(id, lang, text, markup, extra) VALUES (?, ?, ?, ?, ?)",
    "INSERT INTO variants(id, lang, text, markup, extra) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)",
    "INSERT INTO variants(id, lang, text, markup, extra) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), \
     (?, ?, ?, ?, ?)",
    "INSERT INTO variants(id, lang, text, markup, extra) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), \
     (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)",
];

/// A stored unit found by its source text.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    pub unit: TranslationUnit,
}

/// A write transaction on the memory. Dropped without [`Writer::commit`], it leaves the memory as
/// it was.
pub struct Writer<'a> {
    tx: rusqlite::Transaction<'a>,
    langs: HashMap<String, i64>,
    bloom: Option<Bloom>,
    expected: u64,
}

impl Writer<'_> {
    fn lang_id(&mut self, lang: &Lang) -> Result<i64> {
        if let Some(&id) = self.langs.get(lang.as_str()) {
            return Ok(id);
        }
        self.tx
            .execute("INSERT INTO langs(tag) VALUES (?)", [lang.as_str()])?;
        let id = self.tx.last_insert_rowid();
        self.langs.insert(lang.as_str().to_string(), id);
        Ok(id)
    }

    /// Records an imported file; returns its id for [`Writer::insert_unit`].
    pub fn add_origin(
        &mut self,
        path: &str,
        imported_at: &str,
        header_json: Option<&str>,
    ) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO origins(path, imported_at, header) VALUES (?, ?, ?)",
            params![path, imported_at, header_json],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Tells the writer how many units are about to come, so that its filter is sized for them.
    pub fn expect_units(&mut self, n: u64) {
        self.expected = self.expected.saturating_add(n);
    }

    fn filter(&mut self) -> Result<&mut Bloom> {
        let stale = match &self.bloom {
            None => true,
            Some(b) => b.is_full(),
        };
        if stale {
            let stored: i64 = self
                .tx
                .query_row("SELECT count(*) FROM units", [], |r| r.get(0))?;
            let mut bloom = Bloom::with_capacity((stored as u64 + self.expected).max(1024) * 2);
            let mut stmt = self.tx.prepare("SELECT srclang, src_hash FROM units")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                bloom.insert(row.get(0)?, row.get(1)?);
            }
            drop(rows);
            drop(stmt);
            self.bloom = Some(bloom);
        }
        Ok(self.bloom.as_mut().expect("the filter was just built"))
    }

    /// The ids of stored units whose source is in exactly `lang` and has exactly this plain text.
    pub fn units_with_source(&mut self, lang: &Lang, text: &str) -> Result<Vec<i64>> {
        let Some(&lang_id) = self.langs.get(lang.as_str()) else {
            return Ok(Vec::new());
        };
        let hash = text_hash(text);
        if !self.filter()?.contains(lang_id, hash) {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = {
            let mut stmt = self.tx.prepare_cached(
                "SELECT id FROM units WHERE srclang = ? AND src_hash = ? ORDER BY id",
            )?;
            let rows = stmt.query_map(params![lang_id, hash], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::new();
        let mut stmt = self.tx.prepare_cached(
            "SELECT 1 FROM variants WHERE id >= ? AND id < ? AND lang = ? AND text = ? LIMIT 1",
        )?;
        for id in ids {
            if stmt.exists(params![id << POS_BITS, (id + 1) << POS_BITS, lang_id, text])? {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Loads one stored unit.
    pub fn load_unit(&mut self, id: i64) -> Result<TranslationUnit> {
        let mut unit = TranslationUnit::default();
        let src: i64;
        {
            let mut stmt = self.tx.prepare_cached(
                "SELECT tuid, srclang, created, creator, changed, changer, usage_count, last_used, extra \
                 FROM units WHERE id = ?",
            )?;
            let (tuid, s, admin, extra) = stmt.query_row([id], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, i64>(1)?,
                    Admin {
                        creation_date: r.get(2)?,
                        creation_id: r.get(3)?,
                        change_date: r.get(4)?,
                        change_id: r.get(5)?,
                        usage_count: r.get::<_, Option<i64>>(6)?.map(|n| n as u64),
                        last_usage_date: r.get(7)?,
                    },
                    r.get::<_, Option<String>>(8)?,
                ))
            })?;
            unit.tuid = tuid;
            src = s;
            unit.admin = admin;
            if let Some(extra) = extra {
                let e: UnitExtra = serde_json::from_str(&extra)?;
                unit.attrs = e.attrs;
                unit.extras = e.extras;
            }
        }
        let tags: HashMap<i64, String> = self.langs.iter().map(|(k, v)| (*v, k.clone())).collect();
        let lang_of = |id: i64| -> Result<Lang> {
            Lang::parse(tags.get(&id).map(String::as_str).unwrap_or(""))
        };
        unit.source = Some(lang_of(src)?);
        let mut stmt = self.tx.prepare_cached(
            "SELECT lang, text, markup, extra FROM variants WHERE id >= ? AND id < ? ORDER BY id",
        )?;
        let mut rows = stmt.query(params![id << POS_BITS, (id + 1) << POS_BITS])?;
        while let Some(row) = rows.next()? {
            let mut v = Variant::new(lang_of(row.get(0)?)?, row.get::<_, String>(1)?);
            v.markup = row.get(2)?;
            if let Some(extra) = row
                .get_ref(3)?
                .as_str_or_null()
                .map_err(rusqlite::Error::from)?
            {
                let e: VariantExtra = serde_json::from_str(extra)?;
                v.admin = e.admin;
                v.attrs = e.attrs;
                v.extras = e.extras;
            }
            unit.variants.push(v);
        }
        Ok(unit)
    }

    /// Adds a unit; returns its id.
    pub fn insert_unit(&mut self, unit: &TranslationUnit, origin: Option<i64>) -> Result<i64> {
        let src = match unit.source_variant() {
            Some(v) => self.lang_id(&v.lang.clone())?,
            None => {
                return Err(ErrorKind::Invalid {
                    what: "unit",
                    value: unit.tuid.clone().unwrap_or_default(),
                    reason: "a unit needs at least one variant".to_string(),
                }
                .into());
            }
        };
        let extra = unit_extra_json(unit)?;
        let src_hash = text_hash(unit.source_variant().map(|v| v.text.as_str()).unwrap_or(""));
        let id = {
            let mut stmt = self.tx.prepare_cached(
                "INSERT INTO units(origin, tuid, srclang, src_hash, created, creator, changed, changer, \
                 usage_count, last_used, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            let a = &unit.admin;
            stmt.execute(params![
                origin,
                unit.tuid,
                src,
                src_hash,
                a.creation_date,
                a.creation_id,
                a.change_date,
                a.change_id,
                a.usage_count.map(|n| n as i64),
                a.last_usage_date,
                extra,
            ])?;
            self.tx.last_insert_rowid()
        };
        if let Some(b) = &mut self.bloom {
            b.insert(src, src_hash);
        }
        self.insert_variants(id, unit)?;
        Ok(id)
    }

    fn insert_variants(&mut self, id: i64, unit: &TranslationUnit) -> Result<()> {
        if unit.variants.len() > MAX_VARIANTS {
            return Err(ErrorKind::Invalid {
                what: "unit",
                value: unit.tuid.clone().unwrap_or_default(),
                reason: format!("more than {MAX_VARIANTS} variants"),
            }
            .into());
        }
        let mut langs = [0i64; 4];
        let mut extras: [Option<String>; 4] = Default::default();
        let mut start = 0;
        while start < unit.variants.len() {
            // Up to four variants in one statement: fewer round trips through the VDBE.
            let chunk = &unit.variants[start..(start + 4).min(unit.variants.len())];
            for (i, v) in chunk.iter().enumerate() {
                langs[i] = self.lang_id(&v.lang)?;
                extras[i] = variant_extra_json(v)?;
            }
            let sql = INSERT_VARIANTS[chunk.len() - 1];
            let mut stmt = self.tx.prepare_cached(sql)?;
            let mut idx = 1;
            for (i, v) in chunk.iter().enumerate() {
                stmt.raw_bind_parameter(idx, (id << POS_BITS) | (start + i) as i64)?;
                stmt.raw_bind_parameter(idx + 1, langs[i])?;
                stmt.raw_bind_parameter(idx + 2, &v.text)?;
                stmt.raw_bind_parameter(idx + 3, &v.markup)?;
                stmt.raw_bind_parameter(idx + 4, &extras[i])?;
                idx += 5;
            }
            stmt.raw_execute()?;
            start += chunk.len();
        }
        Ok(())
    }

    /// Replaces a stored unit's metadata and variants with `unit`'s, keeping its id and origin.
    pub fn replace_unit(&mut self, id: i64, unit: &TranslationUnit) -> Result<()> {
        let src = match unit.source_variant() {
            Some(v) => self.lang_id(&v.lang.clone())?,
            None => return Ok(()),
        };
        let src_hash = text_hash(unit.source_variant().map(|v| v.text.as_str()).unwrap_or(""));
        if let Some(b) = &mut self.bloom {
            b.insert(src, src_hash);
        }
        let extra = unit_extra_json(unit)?;
        let a = &unit.admin;
        self.tx
            .prepare_cached(
                "UPDATE units SET tuid = ?, srclang = ?, src_hash = ?, created = ?, creator = ?, \
                 changed = ?, changer = ?, usage_count = ?, last_used = ?, extra = ? WHERE id = ?",
            )?
            .execute(params![
                unit.tuid,
                src,
                src_hash,
                a.creation_date,
                a.creation_id,
                a.change_date,
                a.change_id,
                a.usage_count.map(|n| n as i64),
                a.last_usage_date,
                extra,
                id
            ])?;
        self.tx
            .prepare_cached("DELETE FROM variants WHERE id >= ? AND id < ?")?
            .execute(params![id << POS_BITS, (id + 1) << POS_BITS])?;
        self.insert_variants(id, unit)
    }

    /// Makes everything written so far permanent.
    pub fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }
}
