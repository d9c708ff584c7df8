//! The SQLite memory: schema and migrations, units and variants, statistics.
//!
//! The only module that talks to rusqlite. Depends on `model` and `error`.
//!
//! Layout (the current version is [`SCHEMA_VERSION`]; `schema.rs` lists each table and the
//! migration from every older version): `units` holds one row per translation unit with its administrative
//! metadata and, in `body`, its language variants packed into one blob (see `body.rs`): one row per
//! unit, not per variant, so that an import writes a quarter of the rows. `src_key` (a hash of
//! the source language and text) indexes each unit's source text for duplicate detection, with a Bloom filter in front of it so
//! that a bulk import of new units almost never has to look. Later features that need per-language
//! look-ups keep their own tables next to it (`grams` for fuzzy postings, the termbase's `concepts`
//! and `terms`, the server's `tokens`). Metadata that is rarely queried
//! (other attributes, properties, notes) is kept as compact JSON, absent when empty.

mod bloom;
mod body;
mod index;
mod schema;
mod terms;
mod tokens;
mod writer;

pub use index::{LONG, ListCache, bucket, decode as decode_postings};

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

use bloom::Bloom;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::model::{Admin, Extra, Lang, TranslationUnit, Variant};

pub use schema::SCHEMA_VERSION;
pub use terms::{GlossaryInfo, StoredEntry};
pub use tokens::TokenInfo;
pub use writer::{KeysOf, VariantBuckets, Writer, buckets_of};

/// The key of a unit's source in the index: xxh3 of the text seeded with the language id, as a
/// signed SQLite integer (one integer column compares faster than a pair).
pub fn source_key(lang_id: i64, text: &str) -> i64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(text.as_bytes(), lang_id as u64) as i64
}

/// An open memory.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Why the memory is open read-only (see [`Store::open_existing`]); `None` when it is writable.
    read_only: Option<ReadOnly>,
}

/// Why tmkit cannot write a memory it can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnly {
    /// The file's permissions do not let this user write it.
    File,
    /// The folder's permissions do not let this user create files in it, and SQLite needs to
    /// create the memory's `-wal` and `-shm` files next to it.
    Folder,
    /// The file system is mounted read-only.
    FileSystem,
}

impl ReadOnly {
    /// The cause as the error message gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadOnly::File => "file permissions",
            ReadOnly::Folder => "folder permissions",
            ReadOnly::FileSystem => "read-only file system",
        }
    }
}

/// What to do about a read-only memory, for commands that write.
const READ_ONLY_ADVICE: &str = "this command writes to the memory; ask for write access, or copy \
     the memory to a folder you can write to and give --db (commands that only read, such as stats, \
     lookup and export, work on it as it is)";

/// Whether SQLite refused to write because of permissions or a read-only folder.
fn is_read_only_error(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen)
    )
}

/// Why a memory SQLite opened read-only cannot be written: its file, or its file system.
fn file_cause(path: &Path) -> ReadOnly {
    // Opening for writing without truncating changes nothing; it tells the causes apart.
    match std::fs::OpenOptions::new().write(true).open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem => ReadOnly::FileSystem,
        _ => ReadOnly::File,
    }
}

/// Why the folder of a memory cannot take SQLite's `-wal` and `-shm` files.
fn folder_cause(path: &Path) -> ReadOnly {
    if file_cause(path) == ReadOnly::FileSystem {
        ReadOnly::FileSystem
    } else {
        ReadOnly::Folder
    }
}

/// The SQLite URI of a memory opened with `immutable=1` (no lock, no `-shm` file: for a memory in
/// a folder nobody can write while it is read). `%`, `?` and `#` are escaped, as URIs need.
fn immutable_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for c in abs.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", c as u32)),
            _ => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// How opening a memory for writing failed.
enum Opened {
    /// The memory cannot be written, for this reason.
    ReadOnly(ReadOnly),
    Error(crate::Error),
}

fn read_only_error(path: &Path, cause: ReadOnly, advice: &str) -> crate::Error {
    ErrorKind::ReadOnly {
        path: path.display().to_string(),
        cause: cause.as_str(),
        advice: advice.to_string(),
    }
    .into()
}

/// Where a stored unit came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The origin's id in the memory.
    pub id: i64,
    /// The file the units were imported from, as the import recorded it.
    pub path: String,
    /// When the import ran, as a TMX date (`YYYYMMDDThhmmssZ`).
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
pub(crate) struct VariantExtra {
    #[serde(default, skip_serializing_if = "Admin::is_empty")]
    pub(crate) admin: Admin,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) attrs: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) extras: Vec<Extra>,
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
    /// Opens a memory for reading and writing, creating it when the file does not exist, and
    /// brings its schema up to date. A memory this user cannot write is refused with
    /// [`ErrorKind::ReadOnly`].
    pub fn open(path: &Path) -> Result<Store> {
        refuse_directory(path)?;
        let store = Store::open_writable(path).map_err(|e| match e {
            Opened::ReadOnly(cause) => read_only_error(path, cause, READ_ONLY_ADVICE),
            Opened::Error(e) => e,
        })?;
        schema::migrate(&store.conn, path)?;
        Ok(store)
    }

    /// Opens a memory that must already exist (for read-only work such as export and stats).
    ///
    /// A memory this user may write is opened as by [`Store::open`] (an older schema is brought
    /// up to date). One it may only read (a read-only file, a folder it cannot write, a read-only
    /// file system) is opened read-only, without creating anything next to it: as an immutable
    /// file when it has no write-ahead log (no writer has it open), else through SQLite's
    /// read-only mode and the log's existing `-wal` and `-shm` files. Work that writes then fails
    /// with [`ErrorKind::ReadOnly`]; so does a memory of an older schema, which cannot be brought
    /// up to date.
    pub fn open_existing(path: &Path) -> Result<Store> {
        refuse_directory(path)?;
        if !path.exists() {
            return Err(ErrorKind::Memory {
                path: path.display().to_string(),
                cause: "no such file: import a TMX file first (`tmkit import FILE.tmx`), or give \
                        --db"
                    .to_string(),
            }
            .into());
        }
        let store = match Store::open_writable(path) {
            Ok(store) => store,
            Err(Opened::ReadOnly(cause)) => return Store::open_read_only(path, cause),
            Err(Opened::Error(e)) => return Err(e),
        };
        schema::migrate(&store.conn, path)?;
        Ok(store)
    }

    /// Opens a memory that a writer has open (in WAL mode) for reading only, as a server's
    /// readers do: each read transaction sees the last commit before it began, while the writer
    /// goes on.
    pub fn open_reader(path: &Path) -> Result<Store> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| memory_error(path, e))?;
        conn.busy_timeout(Duration::from_secs(60))?;
        conn.pragma_update(None, "cache_size", -16_384)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "mmap_size", 1_i64 << 32)?;
        schema::check_current(&conn, path, |found| {
            read_only_error(
                path,
                ReadOnly::File,
                &format!("it has schema version {found}, from an older tmkit"),
            )
        })?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            read_only: Some(ReadOnly::File),
        })
    }

    /// A number that changes whenever another connection commits a change to the memory
    /// (SQLite's `data_version`): caches of what was read stay valid while it stays the same.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Opens the memory for writing; `Opened::ReadOnly` says why it cannot be written.
    fn open_writable(path: &Path) -> std::result::Result<Store, Opened> {
        let conn = Connection::open(path).map_err(|e| {
            if path.exists() && is_read_only_error(&e) {
                Opened::ReadOnly(folder_cause(path))
            } else {
                Opened::Error(memory_error(path, e))
            }
        })?;
        // SQLite opens a file it may not write read-only, without a word.
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(Opened::ReadOnly(file_cause(path)));
        }
        Store::configure(conn, path)
    }

    /// Opens a memory this user may read but not write; see [`Store::open_existing`].
    fn open_read_only(path: &Path, cause: ReadOnly) -> Result<Store> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let not_a_memory = |reason: String| -> crate::Error {
            ErrorKind::NotAMemory {
                path: path.display().to_string(),
                reason,
            }
            .into()
        };
        // SQLite reads a memory in WAL mode through its -wal and -shm files, and creates them
        // when they are missing: in a folder this user cannot write, it cannot; in one it can,
        // they would belong to this user, and their owner could no longer write the memory. So:
        // - no log (no writer has the memory open, none was killed): the file alone is the
        //   memory, read as immutable, creating nothing;
        // - a log and its index: read through them, as any reader does;
        // - a log with changes but no index: SQLite would have to create the index, refused.
        let sibling = |suffix: &str| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        };
        let wal = std::fs::metadata(sibling("-wal")).ok().map(|m| m.len());
        let shm = sibling("-shm").exists();
        let opened = match (wal, shm) {
            (None, _) | (Some(0), false) => Connection::open_with_flags(immutable_uri(path), flags),
            (Some(_), true) => Connection::open_with_flags(path, flags),
            (Some(_), false) => {
                return Err(read_only_error(
                    path,
                    cause,
                    "its -wal file holds changes that were never copied into it, and SQLite \
                     cannot read them without creating a -shm file next to it; ask someone who \
                     can write the memory to run `tmkit stats` on it once",
                ));
            }
        };
        let conn = opened.map_err(|e| not_a_memory(e.to_string()))?;
        conn.busy_timeout(Duration::from_secs(60))?;
        schema::user_version(&conn).map_err(|e| not_a_memory(e.to_string()))?;
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "mmap_size", 1_i64 << 32)?;
        schema::check_current(&conn, path, |found| {
            read_only_error(
                path,
                cause,
                &format!(
                    "it has schema version {found}, from an older tmkit, and must be brought up \
                     to date once by someone who can write it (any tmkit command does it)"
                ),
            )
        })?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            read_only: Some(cause),
        })
    }

    /// Sets up a connection for writing; `Opened::ReadOnly` when the folder turns out not to take
    /// SQLite's `-wal` and `-shm` files.
    fn configure(conn: Connection, path: &Path) -> std::result::Result<Store, Opened> {
        let fail = |e: rusqlite::Error| -> Opened {
            if is_read_only_error(&e) {
                Opened::ReadOnly(folder_cause(path))
            } else {
                // A full disk is a full disk, not "not a tmkit memory (disk I/O error)".
                Opened::Error(memory_error(path, e))
            }
        };
        conn.busy_timeout(Duration::from_secs(60)).map_err(fail)?;
        // Only takes effect on a new, empty file: bigger pages mean fewer log frames and btree levels.
        conn.pragma_update(None, "page_size", 16384).map_err(fail)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        conn.pragma_update(None, "cache_size", -65_536)
            .map_err(fail)?;
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(fail)?;
        // Reads through a memory map: no copy and no system call per page.
        conn.pragma_update(None, "mmap_size", 1_i64 << 32)
            .map_err(fail)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            read_only: None,
        })
    }

    /// Why the memory is open read-only, or `None` when it may be written.
    pub fn read_only(&self) -> Option<ReadOnly> {
        self.read_only
    }

    /// Refuses work that writes on a memory opened read-only; `what` says what needed writing.
    pub fn ensure_writable(&self, what: &str) -> Result<()> {
        match self.read_only {
            None => Ok(()),
            Some(cause) => Err(read_only_error(&self.path, cause, what)),
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a write transaction. It waits for other writers (another import) to finish, and
    /// everything it does is undone unless [`Writer::commit`] is called.
    pub fn writer(&mut self) -> Result<Writer<'_>> {
        self.ensure_writable(READ_ONLY_ADVICE)?;
        self.conn.busy_timeout(Duration::from_secs(24 * 3600))?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let tags = lang_tags(&tx)?;
        let langs = tags.iter().map(|(id, l)| (l.clone(), *id)).collect();
        Ok(Writer {
            tx,
            langs,
            tags,
            bloom: None,
            expected: 0,
            body: Vec::new(),
            postings: None,
        })
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
    /// `lang_ids`, with the summed weight of the keys that fall in each bucket. Decode them with
    /// [`decode_postings`]; postings of other keys that share a bucket come too.
    pub fn bucket_lists(
        &self,
        cache: &mut ListCache,
        lang_ids: &[i64],
        keys: &[(u64, u32)],
    ) -> Result<Vec<(u32, std::rc::Rc<[u8]>)>> {
        if cache.tags.is_none() {
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
            decode_postings(&list, |unit, len| f(weight, unit, len));
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
    /// the rest of the unit (what a lookup scores before it knows it has a match).
    pub fn variant_texts(
        &self,
        id: i64,
        lang_ids: &[i64],
        mut f: impl FnMut(&str, Option<&str>),
    ) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM units WHERE id = ?")?;
        let mut rows = stmt.query([id])?;
        if let Some(row) = rows.next()? {
            let blob = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            for p in body::iter(blob) {
                let p = p.map_err(|e| damaged(e, &self.path, &id.to_string()))?;
                if lang_ids.contains(&p.lang) {
                    f(p.text, p.markup);
                }
            }
        }
        Ok(())
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

    /// Runs SQLite's integrity check; returns the problems it found (none when the file is sound).
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

/// The form of the index keys and postings; a memory whose index has another is rebuilt on first
/// use. Change it with any change to tokens, symbols, keys or buckets.
pub const INDEX_FORMAT: &str = "2";

fn index_ready(conn: &Connection) -> Result<bool> {
    let get = |key: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?", [key], |r| r.get(0))
            .optional()?)
    };
    Ok(get("index")?.as_deref() != Some("missing")
        && get("index_format")?.as_deref() == Some(INDEX_FORMAT))
}

const UNIT_COLUMNS: &str = "u.tuid, u.srclang, u.created, u.creator, u.changed, u.changer, \
                            u.usage_count, u.last_used, u.extra, u.body";

fn lang_tags(conn: &Connection) -> Result<HashMap<i64, Lang>> {
    let mut stmt = conn.prepare("SELECT id, tag FROM langs")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, tag) = row?;
        out.insert(id, Lang::parse(&tag)?);
    }
    Ok(out)
}

/// Fills `unit` from a row of [`UNIT_COLUMNS`].
fn read_unit_row(
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

/// What SQLite reports about the memory file at `path`, in the words used for any file (see
/// [`crate::error::io_cause`]): `tmkit.db: disk full: free space on the disk and try again`
/// rather than `database or disk is full`. Errors that are not about the file stay SQLite errors.
pub fn memory_error(path: &Path, e: rusqlite::Error) -> crate::Error {
    use rusqlite::ErrorCode as C;
    let name = path.display().to_string();
    let cause = match e.sqlite_error_code() {
        Some(C::DiskFull) => crate::error::io_cause(&std::io::ErrorKind::StorageFull.into()),
        Some(C::NotADatabase) => {
            return ErrorKind::NotAMemory {
                path: name,
                reason: "it is not a SQLite database".to_string(),
            }
            .into();
        }
        Some(C::CannotOpen) => match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => crate::error::io_cause(&std::io::ErrorKind::IsADirectory.into()),
            Err(io) if io.kind() == std::io::ErrorKind::NotFound => {
                "no such file, and it cannot be created: does its folder exist?".to_string()
            }
            Err(io) => crate::error::io_cause(&io),
            Ok(_) => match std::fs::File::open(path) {
                Err(io) => crate::error::io_cause(&io),
                Ok(_) => "cannot be opened as a database".to_string(),
            },
        },
        Some(C::DatabaseCorrupt) => "the memory is damaged: export what is readable and restore \
                                     it from a backup"
            .to_string(),
        Some(C::SystemIoFailure) => {
            "input/output error (a full or removed disk, or a network drive that went away)"
                .to_string()
        }
        Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => {
            "locked by another program: try again when it is done".to_string()
        }
        _ => return e.into(),
    };
    ErrorKind::Memory { path: name, cause }.into()
}

/// A directory given as the memory is refused in the words used for any file, before SQLite
/// (which would say "disk I/O error", or look read-only) sees it.
fn refuse_directory(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Err(ErrorKind::Memory {
            path: path.display().to_string(),
            cause: crate::error::io_cause(&std::io::ErrorKind::IsADirectory.into()),
        }
        .into());
    }
    Ok(())
}

/// Names the memory and the unit in a [`ErrorKind::DamagedUnit`] error from `body`; other errors
/// pass unchanged.
fn damaged(e: crate::Error, path: &Path, unit: &str) -> crate::Error {
    match e.kind() {
        ErrorKind::DamagedUnit { .. } => ErrorKind::DamagedUnit {
            path: path.display().to_string(),
            unit: unit.to_string(),
        }
        .into(),
        _ => e,
    }
}

/// The path of the database a connection (or transaction) has open.
fn conn_path(conn: &Connection) -> &Path {
    Path::new(conn.path().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: std::ffi::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    /// A full disk cannot be made in a test without mounting a small file system (which needs
    /// root), so the mapping of SQLite's codes is tested here; by hand on a 200 KB tmpfs, import
    /// and export said `FILE: disk full: free space on the disk and try again`.
    #[test]
    fn sqlite_errors_about_the_file_read_like_any_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.db");
        let name = db.display().to_string();
        let cases = [
            (
                sqlite(rusqlite::ffi::SQLITE_FULL),
                format!("{name}: disk full: free space on the disk and try again"),
            ),
            (
                sqlite(rusqlite::ffi::SQLITE_NOTADB),
                format!("{name}: not a tmkit memory (it is not a SQLite database)"),
            ),
            (
                sqlite(rusqlite::ffi::SQLITE_BUSY),
                format!("{name}: locked by another program: try again when it is done"),
            ),
        ];
        for (e, want) in cases {
            assert_eq!(memory_error(&db, e).to_string(), want);
        }
        let e = memory_error(dir.path(), sqlite(rusqlite::ffi::SQLITE_CANTOPEN));
        assert_eq!(
            e.to_string(),
            format!("{}: is a directory, not a file", dir.path().display())
        );
    }

    #[test]
    fn a_missing_memory_is_no_such_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("none.db");
        let e = Store::open_existing(&db).err().expect("refused");
        assert!(
            e.to_string().starts_with(&format!(
                "{}: no such file: import a TMX file first",
                db.display()
            )),
            "{e}"
        );
        assert!(!db.exists());
    }

    #[test]
    fn immutable_uris_escape_what_uris_reserve() {
        let table = [
            ("/m/tmkit.db", "file:/m/tmkit.db?immutable=1"),
            ("/m/50% off?#.db", "file:/m/50%25 off%3F%23.db?immutable=1"),
            ("/共享/记忆.db", "file:/共享/记忆.db?immutable=1"),
        ];
        for (path, uri) in table {
            assert_eq!(immutable_uri(Path::new(path)), uri);
        }
    }
}
