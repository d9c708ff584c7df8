//! The bucket lists a process has read from the candidate index, kept across commits and shared by
//! its lookup sessions (the readers of `tmkit serve` share one [`SharedLists`]).
//!
//! Between rebuilds the index only grows: an import appends rows to `grams`, in increasing row
//! ids, and never changes one. So a list read once stays right, and after a commit only its rows
//! added since need reading. Each entry remembers the last row of `grams` it includes (`upto`);
//! a session whose snapshot ends later reads the entry's rows past it (one range of the bucket's
//! index, usually a row per commit) and puts the longer list back. Every list is brought up to
//! date by the session that next needs it, a list at a time: no session waits while another one
//! reads everything a commit added, and lists nobody asks for cost nothing. (The cache used to
//! catch up all at once, under its lock, at the first session after a commit: with an import
//! committing every few seconds, every reader of `tmkit serve` waited for a scan of a quarter of a
//! million rows and a copy of every list held.) A rebuild deletes every row first and bumps
//! `index_generation` in `meta`; the cache then starts over.
//!
//! A list ahead of a session's snapshot (another session saw a later commit) gives the session
//! postings of units it cannot see yet: they only add candidates, whose texts the session then
//! does not find in its snapshot.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use rusqlite::Connection;

use super::index::Postings;
use crate::error::Result;
use crate::model::Lang;

/// At most this many bytes of lists are kept; past it the cache starts over. Every list of a
/// million three-language units (128 MB stored) takes about 210 MiB decoded.
const CACHE_BYTES: usize = 512 << 20;

/// Bucket lists shared between lookup sessions of one memory (see the module's documentation).
#[derive(Default)]
pub struct SharedLists {
    inner: RwLock<Lists>,
}

#[derive(Default)]
struct Lists {
    /// The index generation the lists belong to.
    generation: i64,
    map: HashMap<u32, Entry>,
    bytes: usize,
}

/// A bucket's list and the last row of `grams` it includes.
struct Entry {
    upto: i64,
    list: Arc<Postings>,
}

impl SharedLists {
    /// An empty cache, to be shared (through the `Arc`) by the sessions of one memory.
    pub fn new() -> Arc<SharedLists> {
        Arc::new(SharedLists::default())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Lists> {
        // A session that panicked while holding the lock left whole entries behind (each is
        // replaced at once): the lists are still right.
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Lists> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes of lists held (for tests and benchmarks).
    pub fn bytes(&self) -> usize {
        self.read().bytes
    }

    /// Keeps `list`, complete up to row `upto` of index generation `generation`, unless the
    /// cache holds a list of the bucket at least as far along, or belongs to another generation.
    fn keep(&self, generation: i64, bucket: u32, upto: i64, list: &Arc<Postings>) {
        let mut lists = self.write();
        if lists.generation != generation {
            return;
        }
        let old_bytes = match lists.map.get(&bucket) {
            Some(old) if old.upto >= upto => return,
            Some(old) => old.list.bytes(),
            None => 0,
        };
        if lists.bytes - old_bytes + list.bytes() > CACHE_BYTES {
            lists.map.clear();
            lists.bytes = 0;
        } else {
            lists.bytes -= old_bytes;
        }
        lists.bytes += list.bytes();
        lists.map.insert(
            bucket,
            Entry {
                upto,
                list: list.clone(),
            },
        );
    }
}

/// A lookup session's access to the bucket lists: the shared cache, and where the session's
/// snapshot of the index ends.
pub struct ListCache {
    shared: Arc<SharedLists>,
    /// Set by [`ListCache::sync`] for the current snapshot: (index generation, last row), or
    /// `None` before.
    view: Option<(i64, i64)>,
    /// Whether this session must not use the shared lists (its snapshot is older than a rebuild
    /// the cache has seen).
    bypass: bool,
    /// The memory's language tags by id, read again only for an id it does not have (a language
    /// keeps its id; new ones are only added).
    pub(super) tags: Option<HashMap<i64, Lang>>,
}

impl Default for ListCache {
    /// A cache of one's own.
    fn default() -> ListCache {
        ListCache::shared(SharedLists::new())
    }
}

impl ListCache {
    /// A session's access to lists shared with other sessions.
    pub fn shared(shared: Arc<SharedLists>) -> ListCache {
        ListCache {
            shared,
            view: None,
            bypass: false,
            tags: None,
        }
    }

    /// Forgets the session's snapshot: call it when the session starts a new read transaction
    /// (the lists stay; the lists read next are brought up to the new snapshot).
    pub fn renew(&mut self) {
        self.view = None;
        self.bypass = false;
    }

    /// Notes where the snapshot of `conn`'s read transaction ends, once per snapshot; a rebuild
    /// seen for the first time empties the shared lists.
    pub(super) fn sync(&mut self, conn: &Connection) -> Result<()> {
        if self.view.is_some() {
            return Ok(());
        }
        let generation = super::read::generation(conn, "index_generation")?;
        let upto: i64 =
            conn.query_row("SELECT coalesce(max(id), 0) FROM grams", [], |r| r.get(0))?;
        self.view = Some((generation, upto));
        let cached = self.shared.read().generation;
        if cached > generation {
            self.bypass = true;
        } else if cached < generation {
            let mut lists = self.shared.write();
            if lists.generation < generation {
                *lists = Lists {
                    generation,
                    ..Lists::default()
                };
            } else if lists.generation > generation {
                self.bypass = true;
            }
        }
        Ok(())
    }

    /// The list of `bucket` as of the session's snapshot (or later).
    pub(super) fn get(&mut self, conn: &Connection, bucket: u32) -> Result<Arc<Postings>> {
        let (generation, upto) = self.view.unwrap_or((0, 0));
        let held = if self.bypass {
            None
        } else {
            self.shared
                .read()
                .map
                .get(&bucket)
                .map(|e| (e.upto, e.list.clone()))
        };
        let list = match held {
            Some((from, list)) if from >= upto => return Ok(list),
            Some((from, list)) => {
                // The rows of the bucket added since the list was read (none with a later id
                // than `upto` are in the snapshot).
                let more = rows(conn, bucket, from)?;
                if more.is_empty() {
                    list
                } else {
                    Arc::new(list.and(&more))
                }
            }
            None => Arc::new(Postings::decode(&rows(conn, bucket, 0)?)),
        };
        if !self.bypass {
            self.shared.keep(generation, bucket, upto, &list);
        }
        Ok(list)
    }
}

/// The rows of `bucket` after row `after`, concatenated.
fn rows(conn: &Connection, bucket: u32, after: i64) -> Result<Vec<u8>> {
    // Two statements: SQLite prepares a statement again whenever the value bound to a range on
    // the row id may change its plan, which for a whole list (`after` 0, nearly every read of a
    // one-shot lookup) would cost more than reading the rows.
    let mut stmt = if after == 0 {
        conn.prepare_cached("SELECT postings FROM grams WHERE bucket = ?1 ORDER BY id")?
    } else {
        conn.prepare_cached("SELECT postings FROM grams WHERE bucket = ?1 AND id > ?2 ORDER BY id")?
    };
    let mut rows = if after == 0 {
        stmt.query([i64::from(bucket)])?
    } else {
        stmt.query([i64::from(bucket), after])?
    };
    let mut all: Vec<u8> = Vec::new();
    while let Some(row) = rows.next()? {
        all.extend_from_slice(row.get_ref(0)?.as_bytes().map_err(rusqlite::Error::from)?);
    }
    Ok(all)
}
