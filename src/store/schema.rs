//! Schema versions and migrations. The version lives in `PRAGMA user_version`; migrations are
//! embedded and run in order, each in the transaction that bumps the version.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{ErrorKind, Result};

/// The schema version this tmkit writes.
pub const SCHEMA_VERSION: i64 = 4;

/// Migration `i` brings a database from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the first schema.
    "
    CREATE TABLE langs(
        id INTEGER PRIMARY KEY,
        tag TEXT NOT NULL UNIQUE
    );
    CREATE TABLE origins(
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        header TEXT
    );
    CREATE TABLE units(
        id INTEGER PRIMARY KEY,
        origin INTEGER,
        tuid TEXT,
        srclang INTEGER NOT NULL,
        src_key INTEGER NOT NULL,
        created TEXT,
        creator TEXT,
        changed TEXT,
        changer TEXT,
        usage_count INTEGER,
        last_used TEXT,
        extra TEXT,
        body BLOB NOT NULL
    );
    CREATE INDEX units_source ON units(src_key);
    ",
    // 1 -> 2: the candidate index for fuzzy lookup, built on first use when units exist.
    "
    CREATE TABLE grams(
        id INTEGER PRIMARY KEY,
        bucket INTEGER NOT NULL,
        postings BLOB NOT NULL
    );
    CREATE INDEX grams_bucket ON grams(bucket);
    CREATE TABLE meta(
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    INSERT INTO meta(key, value)
        SELECT 'index', CASE WHEN EXISTS (SELECT 1 FROM units) THEN 'missing' ELSE 'ready' END;
    INSERT INTO meta(key, value) VALUES ('index_format', '2');
    ",
    // 2 -> 3: the termbase: named glossaries of concepts, each with terms in any languages.
    "
    CREATE TABLE glossaries(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    );
    CREATE TABLE concepts(
        id INTEGER PRIMARY KEY,
        glossary INTEGER NOT NULL REFERENCES glossaries(id),
        ext_id TEXT,
        subject TEXT,
        definition TEXT,
        note TEXT
    );
    CREATE INDEX concepts_glossary ON concepts(glossary);
    CREATE TABLE terms(
        id INTEGER PRIMARY KEY,
        concept INTEGER NOT NULL REFERENCES concepts(id),
        seq INTEGER NOT NULL,
        lang INTEGER NOT NULL REFERENCES langs(id),
        text TEXT NOT NULL,
        status TEXT NOT NULL,
        pos TEXT,
        note TEXT,
        case_sensitive INTEGER NOT NULL,
        variants TEXT
    );
    CREATE INDEX terms_concept ON terms(concept);
    ",
    // 3 -> 4: the access tokens of `tmkit serve`: only a hash of each token is kept.
    "
    CREATE TABLE tokens(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    );
    ",
];

pub(super) fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the schema up to [`SCHEMA_VERSION`]; refuses a database written by a newer tmkit.
///
/// The version is read inside the write transaction, so two processes opening a new memory at the
/// same time do not both try to create it.
pub(super) fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let found = user_version(conn)?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    if found > SCHEMA_VERSION {
        return Err(too_new(path, found));
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = migrate_locked(conn, path);
    match result {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(_) => {
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
    result
}

/// For a memory opened read-only, which cannot be migrated: refuses a schema newer than this
/// tmkit's, an empty or foreign database, and (through `older`) an older schema.
pub(super) fn check_current(
    conn: &Connection,
    path: &Path,
    older: impl FnOnce(i64) -> crate::Error,
) -> Result<()> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(too_new(path, found));
    }
    if found == 0 {
        return Err(ErrorKind::NotAMemory {
            path: path.display().to_string(),
            reason: "it has no tmkit schema".to_string(),
        }
        .into());
    }
    if found < SCHEMA_VERSION {
        return Err(older(found));
    }
    Ok(())
}

fn too_new(path: &Path, found: i64) -> crate::Error {
    ErrorKind::SchemaTooNew {
        path: path.display().to_string(),
        found,
        supported: SCHEMA_VERSION,
    }
    .into()
}

fn migrate_locked(conn: &Connection, path: &Path) -> Result<()> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(too_new(path, found));
    }
    if found == 0 {
        // A new database, or a SQLite file that is not ours.
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        if tables > 0 {
            return Err(ErrorKind::NotAMemory {
                path: path.display().to_string(),
                reason: "it is a SQLite database with other tables".to_string(),
            }
            .into());
        }
    }
    for version in found..SCHEMA_VERSION {
        conn.execute_batch(MIGRATIONS[version as usize])?;
        conn.pragma_update(None, "user_version", version + 1)?;
    }
    Ok(())
}
