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
//!
//! This file opens a memory (creating it, bringing its schema up to date, or reading it where it
//! cannot be written) and holds what reading and writing share: the stored forms of metadata
//! and source keys, and the errors about the memory file. `read.rs` reads units, texts and
//! postings; `stats.rs` counts for `tmkit stats`; `writer.rs` writes.

mod bloom;
mod body;
mod index;
mod lists;
mod read;
mod schema;
mod stats;
mod terms;
mod tokens;
mod writer;

pub use index::{LONG, Postings, bucket, intersect};
pub use lists::{ListCache, SharedLists};

use bloom::Bloom;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::model::{Admin, Extra, Lang, TranslationUnit, Variant};

pub use read::{ReadSession, Snapshot, TextView, UnitFilter};
pub use schema::SCHEMA_VERSION;
pub use stats::{LangCount, OriginCount, PairCount, Stats};
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
    /// The source-key filter of the last [`Writer`], with the memory's `PRAGMA data_version` when
    /// that writer began: the next writer takes it over when no other connection has committed
    /// since (see [`Store::writer`]), where building it again reads every unit's key.
    kept_filter: Option<(i64, Bloom)>,
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

/// Whether SQLite gave up on a lock another connection holds.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
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
            kept_filter: None,
        })
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
        // - a log with changes but no index: SQLite would have to create the index, refused;
        // - a rollback journal (a first import runs with one, see `Store::bulk_writer`): the
        //   file is being written, or was left half-written by a killed import that the journal
        //   undoes: read through SQLite's locks, never as immutable.
        let sibling = |suffix: &str| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        };
        let wal = std::fs::metadata(sibling("-wal")).ok().map(|m| m.len());
        let shm = sibling("-shm").exists();
        let journal = std::fs::metadata(sibling("-journal")).is_ok_and(|m| m.len() > 0);
        let opened = match (wal, shm) {
            _ if journal => Connection::open_with_flags(path, flags),
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
        schema::user_version(&conn).map_err(|e| match e.kind() {
            // A hot journal SQLite may not roll back on a read-only connection.
            ErrorKind::Sqlite(s)
                if s.sqlite_error().is_some_and(|f| {
                    f.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK
                }) =>
            {
                read_only_error(
                    path,
                    cause,
                    "an import that was interrupted left its -journal file next to it, and only \
                     someone who can write the memory can undo it: ask them to run `tmkit stats` \
                     on it once",
                )
            }
            _ => not_a_memory(e.to_string()),
        })?;
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
            kept_filter: None,
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
        // Another process's first import may hold the memory in rollback-journal mode until its
        // commit (see `Store::bulk_writer`), and switching needs the memory to itself: this
        // connection then works in that mode, waiting for the import as SQLite's locks say, and
        // the import's commit (or this connection's next write, see `Store::writer`) brings the
        // log back.
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(e) if is_busy(&e) => {}
            done => done.map_err(fail)?,
        }
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
            kept_filter: None,
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
