//! The candidate index: for every variant, its keys (token bigrams and a skeleton key, computed by
//! the caller) point to the unit. A bucket is a hash of (language tag, key) cut to [`BUCKET_BITS`]
//! bits; postings are gathered in memory per bucket and written as one row per bucket and flush to
//! `grams`, so a write never rewrites what is stored and the number of rows stays bounded by the
//! flushes. Keys that share a bucket only add candidates, never lose one: every candidate is scored
//! exactly.
//!
//! A bucket's list is the concatenation of its rows, each a segment: a varint count, then per
//! posting the distance of its unit id from the previous posting's (2 bytes, little endian; 65535
//! and then the id in 4 bytes when it does not fit or goes back) and the variant's length in tokens
//! (1 byte, 255 for 255 or more). Nearly fixed width: lists of common bigrams are long, and a query
//! reads them almost at memory speed.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::params;

use crate::error::Result;

/// 2^18 buckets: about 250 postings per bucket per million units of background.
pub const BUCKET_BITS: u32 = 18;
const BUCKETS: usize = 1 << BUCKET_BITS;

/// Bytes of pending postings after which a writer flushes them to the database.
const FLUSH_BYTES: usize = 48 << 20;

/// The bucket of a key in a language (by its canonical tag, so that callers can compute it without
/// the database).
pub fn bucket(lang: &str, key: u64) -> u32 {
    bucket_in(lang_hash(lang), key)
}

/// The hash of a language tag that [`bucket_in`] takes (computed once per variant).
pub(super) fn lang_hash(lang: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(lang.as_bytes())
}

/// [`bucket`] with the language's hash computed beforehand.
pub(super) fn bucket_in(lang_hash: u64, key: u64) -> u32 {
    let h =
        (key ^ lang_hash.wrapping_mul(0xD6E8_FEB8_6659_FD93)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - BUCKET_BITS)) as u32
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[derive(Default, Clone)]
struct Pending {
    buf: Vec<u8>,
    count: u32,
    last: u32,
}

/// A distance that does not fit: the unit id follows in 4 bytes.
const FAR: u16 = u16::MAX;
/// The length that stands for itself or more.
pub const LONG: u32 = 255;

/// Postings waiting to be written.
pub(super) struct Accumulator {
    buckets: Vec<Pending>,
    touched: Vec<u32>,
    bytes: usize,
}

impl Accumulator {
    pub(super) fn new() -> Accumulator {
        Accumulator {
            buckets: vec![Pending::default(); BUCKETS],
            touched: Vec::new(),
            bytes: 0,
        }
    }

    pub(super) fn add(&mut self, bucket: u32, unit: i64, len: u32) {
        let p = &mut self.buckets[bucket as usize];
        let unit = unit as u32;
        if p.count == 0 {
            self.touched.push(bucket);
            p.last = 0;
        }
        let before = p.buf.len();
        match unit.checked_sub(p.last) {
            Some(d) if d < u32::from(FAR) => p.buf.extend_from_slice(&(d as u16).to_le_bytes()),
            _ => {
                p.buf.extend_from_slice(&FAR.to_le_bytes());
                p.buf.extend_from_slice(&unit.to_le_bytes());
            }
        }
        p.buf.push(len.min(LONG) as u8);
        p.last = unit;
        p.count += 1;
        self.bytes += p.buf.len() - before;
    }

    pub(super) fn is_full(&self) -> bool {
        self.bytes >= FLUSH_BYTES
    }

    /// Appends every pending list to its bucket's row.
    pub(super) fn flush(&mut self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        if self.touched.is_empty() {
            return Ok(());
        }
        self.touched.sort_unstable();
        let mut stmt = tx.prepare_cached("INSERT INTO grams(bucket, postings) VALUES (?1, ?2)")?;
        let mut segment = Vec::new();
        for &b in &self.touched {
            let p = &mut self.buckets[b as usize];
            segment.clear();
            put_varint(&mut segment, u64::from(p.count));
            segment.extend_from_slice(&p.buf);
            stmt.execute(params![b, segment])?;
            *p = Pending::default();
        }
        self.touched.clear();
        self.bytes = 0;
        Ok(())
    }
}

/// Decodes a bucket's list, calling `f(unit, len)` for each posting. A damaged list ends early.
pub fn decode(mut data: &[u8], mut f: impl FnMut(i64, u32)) {
    fn varint(data: &mut &[u8]) -> Option<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let (&b, rest) = data.split_first()?;
            *data = rest;
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }
    while !data.is_empty() {
        let Some(count) = varint(&mut data) else {
            return;
        };
        let mut last = 0u32;
        for _ in 0..count {
            let [a, b, rest @ ..] = data else { return };
            let d = u16::from_le_bytes([*a, *b]);
            let (unit, rest) = if d == FAR {
                let [w, x, y, z, rest @ ..] = rest else {
                    return;
                };
                (u32::from_le_bytes([*w, *x, *y, *z]), rest)
            } else {
                (last.wrapping_add(u32::from(d)), rest)
            };
            let [len, rest @ ..] = rest else { return };
            f(i64::from(unit), u32::from(*len));
            last = unit;
            data = rest;
        }
    }
}

/// Bucket lists read for one query, cached across the queries of one process.
#[derive(Default)]
pub struct ListCache {
    lists: HashMap<u32, Rc<[u8]>>,
    /// The memory's language tags by id, read once per session.
    pub(super) tags: Option<HashMap<i64, crate::model::Lang>>,
}

impl ListCache {
    pub(super) fn get(&mut self, conn: &rusqlite::Connection, bucket: u32) -> Result<Rc<[u8]>> {
        if !self.lists.contains_key(&bucket) {
            let mut stmt =
                conn.prepare_cached("SELECT postings FROM grams WHERE bucket = ? ORDER BY id")?;
            let mut rows = stmt.query([bucket])?;
            let mut all: Vec<u8> = Vec::new();
            while let Some(row) = rows.next()? {
                all.extend_from_slice(row.get_ref(0)?.as_bytes().map_err(rusqlite::Error::from)?);
            }
            let data: Rc<[u8]> = Rc::from(all);
            if self.lists.len() > 4096 {
                self.lists.clear();
            }
            self.lists.insert(bucket, data);
        }
        Ok(self
            .lists
            .get(&bucket)
            .cloned()
            .unwrap_or_else(|| Rc::from(&[][..])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_round_trip_through_segments() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE grams(id INTEGER PRIMARY KEY, bucket INTEGER NOT NULL, postings BLOB NOT NULL)",
        )
        .unwrap();
        let mut conn = conn;
        let tx = conn.transaction().unwrap();
        let mut acc = Accumulator::new();
        acc.add(7, 10, 3);
        acc.add(7, 12, 400);
        acc.add(7, 5, 2); // a replaced older unit
        acc.flush(&tx).unwrap();
        acc.add(7, 300_000, 9);
        acc.add(8, 1, 1);
        acc.flush(&tx).unwrap();
        let mut cache = ListCache::default();
        let data = cache.get(&tx, 7).unwrap();
        let mut got = Vec::new();
        decode(&data, |u, l| got.push((u, l)));
        assert_eq!(got, vec![(10, 3), (12, 255), (5, 2), (300_000, 9)]);
        // Damaged data never panics.
        for cut in 0..data.len() {
            decode(&data[..cut], |_, _| {});
        }
    }

    #[test]
    fn buckets_spread() {
        let mut seen = std::collections::HashSet::new();
        for k in 0..10_000u64 {
            seen.insert(bucket("en", k.wrapping_mul(0x2545_F491_4F6C_DD1D)));
        }
        assert!(seen.len() > 9_500);
        assert_ne!(bucket("en", 42), bucket("ja-JP", 42));
    }
}
