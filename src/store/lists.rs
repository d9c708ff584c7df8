//! The bucket lists a process has read from the candidate index, kept across commits and shared by
//! its lookup sessions (the readers of `tmkit serve` share one [`SharedLists`]).
//!
//! Between rebuilds the index only grows: an import appends rows to `grams`, in increasing row
//! ids, and never changes one. So a list read once stays right, and after a commit only the rows
//! added since need reading: one scan of the new rows brings every cached list up to date
//! ([`ListCache::sync`]), where dropping the cache made every session read each list again from
//! SQLite (a bucket of a million-unit memory is spread over a row per flush of every import). A
//! rebuild deletes every row first and bumps `index_generation` in `meta`; the cache then starts
//! over.
//!
//! Every entry holds all the rows of its bucket up to the cache's `upto`. A session brings the
//! cache up to its snapshot's last row before it reads a list, and adds a list it had to read
//! itself only when its snapshot ends where the cache does. A cache ahead of a session's snapshot
//! (another reader saw a later commit) gives the session postings of units it cannot see yet:
//! they only add candidates, whose texts the session then does not find in its snapshot.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use rusqlite::Connection;

use super::index::Postings;
use crate::error::Result;
use crate::model::Lang;

/// At most this many bytes of lists are kept; past it the cache starts over. Every list of a
/// million three-language units (128 MB stored) takes about 210 MiB decoded.
const CACHE_BYTES: usize = 512 << 20;

/// Rows to catch up with beyond which the cache starts over instead (a session then reads only the
/// lists it needs).
const CATCH_UP_ROWS: i64 = 1 << 22;

/// Bucket lists shared between lookup sessions of one memory (see the module's documentation).
#[derive(Default)]
pub struct SharedLists {
    inner: RwLock<Lists>,
}

#[derive(Default)]
struct Lists {
    /// The index generation the lists belong to.
    generation: i64,
    /// The last row of `grams` every entry includes.
    upto: i64,
    map: HashMap<u32, Arc<Postings>>,
    bytes: usize,
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
    /// (the lists stay; the next read brings them up to the new snapshot).
    pub fn renew(&mut self) {
        self.view = None;
        self.bypass = false;
    }

    /// Brings the shared lists up to the snapshot of `conn`'s read transaction, once per snapshot.
    pub(super) fn sync(&mut self, conn: &Connection) -> Result<()> {
        if self.view.is_some() {
            return Ok(());
        }
        let generation = super::read::generation(conn, "index_generation")?;
        let upto: i64 =
            conn.query_row("SELECT coalesce(max(id), 0) FROM grams", [], |r| r.get(0))?;
        self.view = Some((generation, upto));
        {
            let lists = self.shared.read();
            if lists.generation == generation && lists.upto >= upto {
                return Ok(());
            }
            if lists.generation > generation {
                self.bypass = true;
                return Ok(());
            }
        }
        let mut lists = self.shared.write();
        if lists.generation > generation {
            self.bypass = true;
            return Ok(());
        }
        if lists.generation == generation && lists.upto >= upto {
            // Another session caught up meanwhile.
            return Ok(());
        }
        if lists.generation < generation || upto - lists.upto > CATCH_UP_ROWS {
            // A rebuild, or more new rows than reading the lists again costs.
            *lists = Lists {
                generation,
                upto,
                ..Lists::default()
            };
            return Ok(());
        }
        // Append the rows added since to the lists held; the others are read when asked for.
        let mut added: HashMap<u32, Vec<u8>> = HashMap::new();
        if !lists.map.is_empty() {
            let mut stmt = conn.prepare_cached(
                "SELECT bucket, postings FROM grams WHERE id > ?1 AND id <= ?2 ORDER BY id",
            )?;
            let mut rows = stmt.query([lists.upto, upto])?;
            while let Some(row) = rows.next()? {
                let bucket = row.get::<_, i64>(0)? as u32;
                if lists.map.contains_key(&bucket) {
                    let data = row.get_ref(1)?.as_bytes().map_err(rusqlite::Error::from)?;
                    added.entry(bucket).or_default().extend_from_slice(data);
                }
            }
        }
        for (bucket, more) in added {
            if let Some(old) = lists.map.get(&bucket) {
                let all = old.and(&more);
                lists.bytes += all.bytes() - old.bytes();
                lists.map.insert(bucket, Arc::new(all));
            }
        }
        lists.upto = upto;
        if lists.bytes > CACHE_BYTES {
            lists.map.clear();
            lists.bytes = 0;
        }
        Ok(())
    }

    /// The list of `bucket` as of the session's snapshot (or later).
    pub(super) fn get(&mut self, conn: &Connection, bucket: u32) -> Result<Arc<Postings>> {
        if !self.bypass
            && let Some(list) = self.shared.read().map.get(&bucket)
        {
            return Ok(list.clone());
        }
        let mut stmt =
            conn.prepare_cached("SELECT postings FROM grams WHERE bucket = ? ORDER BY id")?;
        let mut rows = stmt.query([bucket])?;
        let mut all: Vec<u8> = Vec::new();
        while let Some(row) = rows.next()? {
            all.extend_from_slice(row.get_ref(0)?.as_bytes().map_err(rusqlite::Error::from)?);
        }
        let data = Arc::new(Postings::decode(&all));
        if !self.bypass {
            let (generation, upto) = self.view.unwrap_or((0, 0));
            let mut lists = self.shared.write();
            // Only a list complete up to the cache's last row may join it.
            if lists.generation == generation && lists.upto == upto {
                if lists.bytes + data.bytes() > CACHE_BYTES {
                    lists.map.clear();
                    lists.bytes = 0;
                }
                lists.bytes += data.bytes();
                if let Some(old) = lists.map.insert(bucket, data.clone()) {
                    lists.bytes -= old.bytes();
                }
            }
        }
        Ok(data)
    }
}
