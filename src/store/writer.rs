//! Writing the memory: [`Writer`], one write transaction that adds, merges and replaces units
//! and keeps the source-key Bloom filter and the fuzzy index in step with them.

use super::read::{UNIT_COLUMNS, read_unit_row};
use super::*;

impl Store {
    /// Starts a write transaction for loading many units: [`Store::writer`], except that a
    /// memory that holds no unit yet and that no other connection has open is written with a
    /// rollback journal instead of the write-ahead log, until the commit.
    ///
    /// In WAL mode every page is written twice, into the log and then, at the checkpoint after
    /// the commit, into the memory file: for a first import of a million units, 640 MB copied
    /// once more, and the log's `fsync` (about 1.5 s of a 10 s import on a 2-core machine). A
    /// rollback journal keeps the original of each page changed, and a memory with no unit has
    /// next to none: the journal stays a few pages, the pages are written once, and a kill at any
    /// stage leaves the memory as it was (SQLite rolls the journal back at the next open,
    /// truncating the file to its old size). The price: while it runs, other connections cannot
    /// read the memory (they wait for the commit) where in WAL mode they would read it empty.
    ///
    /// A memory with units keeps the log, so that readers (`tmkit serve`, a lookup) go on reading
    /// it during the import; so does one another connection has open (switching the journal
    /// needs the memory to itself: a server's readers keep it in WAL mode). The log is back at the
    /// commit, or else at the next write or open of the memory.
    pub fn bulk_writer(&mut self) -> Result<Writer<'_>> {
        self.ensure_writable(READ_ONLY_ADVICE)?;
        let empty: bool =
            self.conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM units)", [], |r| r.get(0))?;
        let journal = empty && set_journal(&self.conn, "DELETE")?;
        if journal {
            // A rollback journal with `NORMAL` may, on some file systems, lose the database to
            // a power cut at the wrong moment; `FULL` costs a few syncs of a journal of a few
            // pages.
            self.conn.pragma_update(None, "synchronous", "FULL")?;
        } else {
            // A memory with units that was left in rollback mode goes back to the log first,
            // as for any writer: its readers must not wait for this import.
            self.restore_log()?;
        }
        let mut writer = self.begin()?;
        writer.back_to_wal = journal;
        Ok(writer)
    }

    /// Starts a write transaction. It waits for other writers (another import) to finish, and
    /// everything it does is undone unless [`Writer::commit`] is called.
    ///
    /// A memory left in rollback-journal mode (a first import failed in this process, or
    /// another process's first import was committed while this connection was reading, see
    /// [`Store::bulk_writer`]) is switched back to the log first when nobody holds a lock on it:
    /// a server's writer brings its memory back to WAL mode at its next write.
    pub fn writer(&mut self) -> Result<Writer<'_>> {
        self.ensure_writable(READ_ONLY_ADVICE)?;
        self.restore_log()?;
        self.begin()
    }

    /// Brings a memory left in rollback-journal mode (see [`Store::bulk_writer`]) back to WAL
    /// mode, unless another connection holds a lock on it right now: then its next write or
    /// open does it. A first import that fails calls it, so that the memory it leaves is as it
    /// was in every respect.
    pub fn restore_log(&mut self) -> Result<()> {
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && set_journal(&self.conn, "WAL")? {
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        Ok(())
    }

    /// Starts the write transaction of [`Store::writer`] and [`Store::bulk_writer`].
    fn begin(&mut self) -> Result<Writer<'_>> {
        self.conn.busy_timeout(Duration::from_secs(24 * 3600))?;
        // `&mut self` keeps the connection to this writer; a shared borrow of it lets the writer
        // keep statements prepared on it beside the transaction.
        let conn: &Connection = &self.conn;
        let kept = &mut self.kept_filter;
        let tx =
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        // The last writer's filter holds every unit's key if no other connection has committed
        // since (this connection's own commits leave `data_version` as it was): building it
        // again reads the key of every unit, a second or so on a million units, at each import
        // `tmkit serve` takes.
        let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let bloom = match kept.take() {
            Some((v, b)) if v == version => Some(b),
            _ => None,
        };
        let tags = lang_tags(&tx)?;
        let langs = tags.iter().map(|(id, l)| (l.clone(), *id)).collect();
        Ok(Writer {
            conn,
            back_to_wal: false,
            insert: None,
            tx,
            langs,
            tags,
            bloom,
            version,
            kept,
            expected: 0,
            body: Vec::new(),
            postings: None,
            rewrote: false,
        })
    }
}

/// A write transaction on the memory. Dropped without [`Writer::commit`], it leaves the memory as
/// it was.
pub struct Writer<'a> {
    conn: &'a Connection,
    /// Whether the memory was switched to a rollback journal for this transaction (see
    /// [`Store::bulk_writer`]), to switch back to the log after the commit.
    back_to_wal: bool,
    /// The statement that adds a unit, prepared once: the statement cache costs more than the
    /// statement's own work for one small row. Declared before `tx`, so dropped before it.
    insert: Option<rusqlite::Statement<'a>>,
    pub(super) tx: rusqlite::Transaction<'a>,
    /// Language ids; a memory holds a handful of languages, so a list beats a hash map here.
    pub(super) langs: Vec<(Lang, i64)>,
    pub(super) tags: HashMap<i64, Lang>,
    pub(super) bloom: Option<Bloom>,
    /// The memory's `data_version` when the transaction began, and where the filter is kept
    /// for the next writer (see [`Store::writer`]).
    version: i64,
    kept: &'a mut Option<(i64, Bloom)>,
    pub(super) expected: u64,
    pub(super) body: Vec<u8>,
    pub(super) postings: Option<index::Accumulator>,
    /// Whether a stored unit's variants were changed (`texts_generation`, see
    /// [`Store::generation`]).
    pub(super) rewrote: bool,
}

/// Computes the index keys of each variant of a unit: (length in tokens, keys).
pub type KeysOf<'a> = dyn Fn(&TranslationUnit) -> Vec<(u32, Vec<u64>)> + 'a;

/// Where one variant goes in the index: its length in tokens and its buckets.
#[derive(Debug, Clone, Copy)]
pub struct VariantBuckets<'a> {
    /// The variant's length in tokens.
    pub len: u32,
    /// The index buckets of its keys, without repeats (in any order: a bucket's postings come
    /// out in the order units are indexed, whatever the order of one variant's buckets).
    pub buckets: &'a [u32],
}

/// The buckets of a variant's keys in its language, without repeats, in the order the keys first
/// give them.
pub fn buckets_of(lang: &Lang, keys: &[u64]) -> Vec<u32> {
    let lang_hash = index::lang_hash(lang.as_str());
    let mut out = Vec::with_capacity(keys.len());
    // Repeats are found in a small hash set (open addressing, at most half full): a bucket is
    // already a hash, so its low bits pick the slot. Cheaper than sorting to find them.
    let slots = (2 * keys.len()).next_power_of_two().max(64);
    let mut on_stack = [EMPTY_SLOT; 128];
    let mut on_heap = Vec::new();
    let table: &mut [u32] = if slots <= on_stack.len() {
        &mut on_stack[..slots]
    } else {
        on_heap.resize(slots, EMPTY_SLOT);
        &mut on_heap
    };
    let mask = slots - 1;
    for &k in keys {
        let b = index::bucket_in(lang_hash, k);
        let mut i = b as usize & mask;
        loop {
            if table[i] == b {
                break;
            }
            if table[i] == EMPTY_SLOT {
                table[i] = b;
                out.push(b);
                break;
            }
            i = (i + 1) & mask;
        }
    }
    out
}

/// No bucket: buckets have [`index::BUCKET_BITS`] bits.
const EMPTY_SLOT: u32 = u32::MAX;

impl Writer<'_> {
    fn known_lang(&self, lang: &Lang) -> Option<i64> {
        self.langs
            .iter()
            .find(|(l, _)| l == lang)
            .map(|(_, id)| *id)
    }

    pub(super) fn lang_id(&mut self, lang: &Lang) -> Result<i64> {
        if let Some(id) = self.known_lang(lang) {
            return Ok(id);
        }
        self.tx
            .execute("INSERT INTO langs(tag) VALUES (?)", [lang.as_str()])?;
        let id = self.tx.last_insert_rowid();
        self.langs.push((lang.clone(), id));
        self.tags.insert(id, lang.clone());
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
            let mut stmt = self.tx.prepare("SELECT src_key FROM units")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                bloom.insert(row.get(0)?);
            }
            drop(rows);
            drop(stmt);
            self.bloom = Some(bloom);
        }
        Ok(self.bloom.as_mut().expect("the filter was just built"))
    }

    /// The ids of stored units whose source is in exactly `lang` and has exactly this plain text,
    /// oldest first.
    pub fn units_with_source(&mut self, lang: &Lang, text: &str) -> Result<Vec<i64>> {
        let Some(lang_id) = self.known_lang(lang) else {
            return Ok(Vec::new());
        };
        let key = source_key(lang_id, text);
        if !self.filter()?.contains(key) {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .tx
            .prepare_cached("SELECT id, body FROM units WHERE src_key = ? ORDER BY id")?;
        let mut rows = stmt.query([key])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let blob = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
            for p in body::iter(blob) {
                let p = p.map_err(|e| {
                    let id: i64 = row.get(0).unwrap_or_default();
                    damaged(e, conn_path(&self.tx), &id.to_string())
                })?;
                if p.lang == lang_id && p.text == text {
                    out.push(row.get(0)?);
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Loads one stored unit.
    pub fn load_unit(&mut self, id: i64) -> Result<TranslationUnit> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {UNIT_COLUMNS} FROM units u WHERE u.id = ?"
        ))?;
        let mut rows = stmt.query([id])?;
        let mut unit = TranslationUnit::default();
        if let Some(row) = rows.next()? {
            read_unit_row(row, &self.tags, &mut unit, conn_path(&self.tx))?;
        }
        Ok(unit)
    }

    /// Packs the unit's variants into `self.body`; returns the source language id and key.
    fn pack(&mut self, unit: &TranslationUnit) -> Result<(i64, i64)> {
        let Some(src) = unit.source_variant() else {
            return Err(ErrorKind::Invalid {
                what: "unit",
                value: unit.tuid.clone().unwrap_or_default(),
                reason: "a unit needs at least one variant".to_string(),
            }
            .into());
        };
        let src_lang = self.lang_id(&src.lang)?;
        let src_key = source_key(src_lang, &src.text);
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        for v in &unit.variants {
            let lang = self.lang_id(&v.lang)?;
            let extra = variant_extra_json(v)?;
            body::push_variant(&mut body, lang, v, extra.as_deref());
        }
        self.body = body;
        Ok((src_lang, src_key))
    }

    /// Adds a unit; returns its id.
    pub fn insert_unit(&mut self, unit: &TranslationUnit, origin: Option<i64>) -> Result<i64> {
        let (src, src_key) = self.pack(unit)?;
        let extra = unit_extra_json(unit)?;
        if self.insert.is_none() {
            self.insert = Some(self.conn.prepare(
                "INSERT INTO units(origin, tuid, srclang, src_key, created, creator, changed, \
                 changer, usage_count, last_used, extra, body) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?);
        }
        let stmt = self
            .insert
            .as_mut()
            .expect("the statement was prepared just above");
        let a = &unit.admin;
        stmt.execute(params![
            origin,
            unit.tuid,
            src,
            src_key,
            a.creation_date,
            a.creation_id,
            a.change_date,
            a.change_id,
            a.usage_count.map(|n| n as i64),
            a.last_usage_date,
            extra,
            self.body,
        ])?;
        let id = self.tx.last_insert_rowid();
        if let Some(b) = &mut self.bloom {
            b.insert(src_key);
        }
        Ok(id)
    }

    /// Replaces a stored unit's metadata and variants with `unit`'s, keeping its id and origin.
    pub fn replace_unit(&mut self, id: i64, unit: &TranslationUnit) -> Result<()> {
        let (src, src_key) = self.pack(unit)?;
        if !self.rewrote {
            let same: Option<bool> = self
                .tx
                .prepare_cached("SELECT body = ? FROM units WHERE id = ?")?
                .query_row(params![self.body, id], |r| r.get(0))
                .optional()?;
            self.rewrote = same != Some(true);
        }
        let extra = unit_extra_json(unit)?;
        let a = &unit.admin;
        self.tx
            .prepare_cached(
                "UPDATE units SET tuid = ?, srclang = ?, src_key = ?, created = ?, creator = ?, \
                 changed = ?, changer = ?, usage_count = ?, last_used = ?, extra = ?, body = ? \
                 WHERE id = ?",
            )?
            .execute(params![
                unit.tuid,
                src,
                src_key,
                a.creation_date,
                a.creation_id,
                a.change_date,
                a.change_id,
                a.usage_count.map(|n| n as i64),
                a.last_usage_date,
                extra,
                self.body,
                id
            ])?;
        if let Some(b) = &mut self.bloom {
            b.insert(src_key);
        }
        Ok(())
    }

    /// Indexes a stored unit's variants: `variants[i]` holds the length and the buckets (see
    /// [`bucket`]; without repeats) of `unit.variants[i]`.
    pub fn index_unit(&mut self, id: i64, variants: &[VariantBuckets<'_>]) -> Result<()> {
        let acc = match &mut self.postings {
            Some(acc) => acc,
            None => {
                // Runs of a large import go beside the memory, which has room for the index;
                // a memory without a file puts them in the system's temporary folder.
                let dir = conn_path(&self.tx)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .map_or_else(std::env::temp_dir, Path::to_path_buf);
                self.postings.insert(index::Accumulator::new(dir))
            }
        };
        for v in variants {
            acc.add_variant(v.buckets, id, v.len);
        }
        if acc.is_full() {
            acc.make_room()?;
        }
        Ok(())
    }

    /// Whether the candidate index covers every unit.
    pub fn index_ready(&self) -> Result<bool> {
        index_ready(&self.tx)
    }

    /// Builds the candidate index again from every stored unit; `keys_of` computes a unit's keys,
    /// `progress(done, total)` is called now and then.
    pub fn rebuild_index(
        &mut self,
        keys_of: &KeysOf<'_>,
        progress: &dyn Fn(u64, u64),
    ) -> Result<()> {
        self.tx.execute_batch("DELETE FROM grams")?;
        let total: i64 = self
            .tx
            .query_row("SELECT count(*) FROM units", [], |r| r.get(0))?;
        let mut after = 0i64;
        let mut done = 0u64;
        loop {
            let batch: Vec<(i64, TranslationUnit)> = {
                let mut stmt = self.tx.prepare_cached(&format!(
                    "SELECT {UNIT_COLUMNS}, u.id FROM units u WHERE u.id > ? ORDER BY u.id LIMIT 4096"
                ))?;
                let mut rows = stmt.query([after])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let mut unit = TranslationUnit::default();
                    read_unit_row(row, &self.tags, &mut unit, conn_path(&self.tx))?;
                    out.push((row.get(10)?, unit));
                }
                out
            };
            let Some((last, _)) = batch.last() else { break };
            after = *last;
            for (id, unit) in &batch {
                let keys = keys_of(unit);
                let buckets: Vec<(u32, Vec<u32>)> = keys
                    .iter()
                    .zip(&unit.variants)
                    .map(|((len, k), v)| (*len, buckets_of(&v.lang, k)))
                    .collect();
                let refs: Vec<VariantBuckets<'_>> = buckets
                    .iter()
                    .map(|(len, b)| VariantBuckets {
                        len: *len,
                        buckets: b,
                    })
                    .collect();
                self.index_unit(*id, &refs)?;
            }
            done += batch.len() as u64;
            progress(done, total as u64);
        }
        self.tx.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('index', 'ready'), ('index_format', ?)",
            [INDEX_FORMAT],
        )?;
        // Readers that keep lists across commits (see `store::lists`) start over.
        bump(&self.tx, "index_generation")?;
        Ok(())
    }

    /// Makes everything written so far permanent.
    pub fn commit(mut self) -> Result<()> {
        if let Some(acc) = &mut self.postings {
            acc.flush(&self.tx)?;
        }
        if self.rewrote {
            bump(&self.tx, "texts_generation")?;
        }
        self.tx.commit()?;
        if self.back_to_wal {
            // Committed: the log is only for the readers to come. Whatever stops the switch now
            // (another connection reading, an I/O error) changes nothing of what was committed,
            // and is no error of the import: the next write or open of the memory switches it.
            if matches!(set_journal(self.conn, "WAL"), Ok(true)) {
                let _ = self.conn.pragma_update(None, "synchronous", "NORMAL");
            }
        }
        // Every key of the memory is in the filter (units only ever add keys to it; a key of a
        // unit changed since only makes a false positive, which the query rules out).
        *self.kept = self.bloom.take().map(|b| (self.version, b));
        Ok(())
    }
}

/// Switches the journal mode (`DELETE`, `WAL`) without waiting for other connections:
/// whether it is now in that mode. A switch needs the memory to itself for a moment: another
/// connection that has it open in WAL mode, or that is reading it in rollback mode, keeps it in
/// its mode, and that is not an error.
fn set_journal(conn: &Connection, mode: &str) -> Result<bool> {
    conn.busy_timeout(Duration::ZERO)?;
    let set = conn.query_row(&format!("PRAGMA journal_mode={mode}"), [], |r| {
        r.get::<_, String>(0)
    });
    conn.busy_timeout(Duration::from_secs(60))?;
    match set {
        Ok(now) => Ok(now.eq_ignore_ascii_case(mode)),
        Err(e) if is_busy(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Adds one to the counter `key` of `meta` (see [`Store::generation`]).
fn bump(tx: &rusqlite::Transaction<'_>, key: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO meta(key, value) VALUES (?1, '1') \
         ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [key],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_those_of_the_keys_once_each_in_first_order() {
        let lang = Lang::parse("ja-JP").unwrap();
        let lang_hash = index::lang_hash(lang.as_str());
        // Short and long variants (past the table on the stack), with repeated keys.
        for n in [0usize, 1, 5, 40, 127, 128, 129, 300, 2000] {
            let keys: Vec<u64> = (0..n as u64)
                .map(|i| (i % 37).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i % 3))
                .collect();
            let mut want: Vec<u32> = Vec::new();
            for &k in &keys {
                let b = index::bucket_in(lang_hash, k);
                if !want.contains(&b) {
                    want.push(b);
                }
            }
            assert_eq!(buckets_of(&lang, &keys), want, "{n} keys");
        }
    }

    #[test]
    fn a_writer_brings_a_memory_left_in_rollback_mode_back_to_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("m.db")).unwrap();
        let mode = |conn: &Connection| -> String {
            conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap()
        };
        // A first import that failed: rolled back, the memory still in rollback mode.
        let writer = store.bulk_writer().unwrap();
        assert_eq!(mode(writer.conn), "delete");
        drop(writer);
        assert_eq!(mode(&store.conn), "delete");
        // The next write switches it back before it begins.
        let mut writer = store.writer().unwrap();
        assert_eq!(mode(writer.conn), "wal");
        writer.insert_unit(&unit("One."), None).unwrap();
        writer.commit().unwrap();
        assert_eq!(mode(&store.conn), "wal");
        // A bulk writer on a memory with units keeps the log, and brings it back if it was left
        // in rollback mode.
        let writer = store.bulk_writer().unwrap();
        assert_eq!(mode(writer.conn), "wal");
        drop(writer);
        assert!(set_journal(&store.conn, "DELETE").unwrap());
        let writer = store.bulk_writer().unwrap();
        assert_eq!(mode(writer.conn), "wal");
        drop(writer);
        // One on an empty memory goes back to the log at its commit.
        let mut empty = Store::open(&dir.path().join("e.db")).unwrap();
        let writer = empty.bulk_writer().unwrap();
        assert_eq!(mode(writer.conn), "delete");
        writer.commit().unwrap();
        assert_eq!(mode(&empty.conn), "wal");
    }

    fn unit(text: &str) -> TranslationUnit {
        let mut u = TranslationUnit::default();
        u.variants
            .push(Variant::new(Lang::parse("en").unwrap(), text.to_string()));
        u.variants.push(Variant::new(
            Lang::parse("ja-JP").unwrap(),
            "訳".to_string(),
        ));
        u.source = Some(Lang::parse("en").unwrap());
        u
    }

    #[test]
    fn the_next_writer_finds_every_source_whoever_added_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let mut mine = Store::open(&path).unwrap();
        let mut other = Store::open(&path).unwrap();
        let en = Lang::parse("en").unwrap();
        let mut w = mine.writer().unwrap();
        w.insert_unit(&unit("one"), None).unwrap();
        w.commit().unwrap();
        // This writer builds the filter; the next ones of the same connection take it over and
        // add their units' keys to it.
        let mut w = mine.writer().unwrap();
        assert_eq!(w.units_with_source(&en, "one").unwrap().len(), 1);
        w.commit().unwrap();
        let mut w = mine.writer().unwrap();
        assert!(w.units_with_source(&en, "three").unwrap().is_empty());
        w.insert_unit(&unit("three"), None).unwrap();
        w.commit().unwrap();
        let mut w = mine.writer().unwrap();
        assert_eq!(w.units_with_source(&en, "three").unwrap().len(), 1);
        w.commit().unwrap();
        // Another connection adds a unit: the kept filter does not know its key.
        let mut w = other.writer().unwrap();
        w.insert_unit(&unit("two"), None).unwrap();
        w.commit().unwrap();
        let mut w = mine.writer().unwrap();
        assert_eq!(w.units_with_source(&en, "two").unwrap().len(), 1);
        assert_eq!(w.units_with_source(&en, "one").unwrap().len(), 1);
    }
}
