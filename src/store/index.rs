//! The candidate index: for every variant, its keys (token bigrams and a skeleton key, computed by
//! the caller) point to the unit. A bucket is a hash of (language tag, key) cut to [`BUCKET_BITS`]
//! bits; postings are gathered in memory (see [`Accumulator`]) and written as one row per bucket
//! and flush to `grams`, so a write never rewrites what is stored and the number of rows stays
//! bounded by the flushes. Keys that share a bucket only add candidates, never lose one: every candidate is scored
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
    let h = (key ^ lang_hash.wrapping_mul(0xD6E8_FEB8_6659_FD93)).wrapping_mul(crate::bits::GOLDEN);
    (h >> (64 - BUCKET_BITS)) as u32
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A distance that does not fit: the unit id follows in 4 bytes.
const FAR: u16 = u16::MAX;
/// The length that stands for itself or more.
pub const LONG: u32 = 255;

/// Postings are kept in `PARTS` lists by the top bits of their bucket.
const PART_BITS: u32 = 9;
const PARTS: usize = 1 << PART_BITS;
const LOW_BITS: u32 = BUCKET_BITS - PART_BITS;
const LOW: usize = 1 << LOW_BITS;

/// Pending postings after which a writer flushes them to the database (8 bytes each): about
/// 15,400 per list on average (hashing spreads them evenly), within an allocation of 16,384, so
/// 64 MiB in all. Every flush writes a row for nearly every bucket (a few thousand instructions
/// each), so larger flushes would make a faster import, at 128 MiB: this keeps an import of a
/// million units under 300 MB (measured: 12.6 million postings took it to 313 MB).
const FLUSH_POSTINGS: usize = 15 << 19;

/// Postings waiting to be written.
///
/// Adding one appends 8 bytes (bucket, unit, length) to one of [`PARTS`] lists: a few hundred
/// lists, whose ends stay in the cache, where one list per bucket (2^18 of them) cost a cache miss
/// per posting. A flush sorts each list by bucket (a stable counting sort, so that a bucket's
/// postings keep the order they were added in) and writes one row per bucket, in bucket order:
/// the rows are the same as one list per bucket would give.
pub(super) struct Accumulator {
    parts: Vec<Vec<u64>>,
    count: usize,
    /// Scratch for the sort.
    sorted: Vec<u64>,
    starts: Vec<u32>,
    /// The segments of the rows not written yet, end to end, and each row's bucket and end.
    segments: Vec<u8>,
    rows: Vec<(u32, usize)>,
}

/// Rows written by one `INSERT` statement: a statement's fixed cost (binding, starting, halting
/// and resetting it) is shared by this many rows. The rows and their ids are the same as one
/// statement per row gives.
const ROWS_PER_INSERT: usize = 64;

impl Accumulator {
    pub(super) fn new() -> Accumulator {
        Accumulator {
            parts: vec![Vec::new(); PARTS],
            count: 0,
            sorted: Vec::new(),
            starts: vec![0; LOW + 1],
            segments: Vec::new(),
            rows: Vec::with_capacity(ROWS_PER_INSERT),
        }
    }

    pub(super) fn add(&mut self, bucket: u32, unit: i64, len: u32) {
        let posting =
            (u64::from(bucket) << 40) | (u64::from(unit as u32) << 8) | u64::from(len.min(LONG));
        self.parts[(bucket >> LOW_BITS) as usize % PARTS].push(posting);
        self.count += 1;
    }

    pub(super) fn is_full(&self) -> bool {
        self.count >= FLUSH_POSTINGS
    }

    /// Appends every pending list to its bucket's row.
    pub(super) fn flush(&mut self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        if self.count == 0 {
            return Ok(());
        }
        // `OR FAIL`: a statement that writes many rows and may abort half-way keeps a journal
        // of what it changed, to undo it; one that cannot abort needs none. No row here breaks a
        // constraint (a bucket and a segment are never null), and an error still fails the import.
        let values = vec!["(?, ?)"; ROWS_PER_INSERT].join(", ");
        let mut many = tx.prepare_cached(&format!(
            "INSERT OR FAIL INTO grams(bucket, postings) VALUES {values}"
        ))?;
        self.segments.clear();
        self.rows.clear();
        let low = |p: u64| ((p >> 40) as usize) & (LOW - 1);
        for part in 0..PARTS {
            let postings = std::mem::take(&mut self.parts[part]);
            if postings.is_empty() {
                self.parts[part] = postings;
                continue;
            }
            // Counting sort by the bucket's low bits.
            self.starts.iter_mut().for_each(|c| *c = 0);
            for &p in &postings {
                self.starts[low(p) + 1] += 1;
            }
            for i in 0..LOW {
                self.starts[i + 1] += self.starts[i];
            }
            // Every slot of `sorted[..postings.len()]` is written below: it is only grown, never
            // cleared.
            if self.sorted.len() < postings.len() {
                self.sorted.resize(postings.len(), 0);
            }
            let mut next = self.starts.clone();
            for &p in &postings {
                let slot = &mut next[low(p)];
                self.sorted[*slot as usize] = p;
                *slot += 1;
            }
            for b in 0..LOW {
                let run = &self.sorted[self.starts[b] as usize..self.starts[b + 1] as usize];
                if run.is_empty() {
                    continue;
                }
                let segment = &mut self.segments;
                put_varint(segment, run.len() as u64);
                let mut last = 0u32;
                for &p in run {
                    let unit = (p >> 8) as u32;
                    match unit.checked_sub(last) {
                        Some(d) if d < u32::from(FAR) => {
                            segment.extend_from_slice(&(d as u16).to_le_bytes())
                        }
                        _ => {
                            segment.extend_from_slice(&FAR.to_le_bytes());
                            segment.extend_from_slice(&unit.to_le_bytes());
                        }
                    }
                    segment.push(p as u8);
                    last = unit;
                }
                let bucket = ((part as u32) << LOW_BITS) | b as u32;
                self.rows.push((bucket, segment.len()));
                if self.rows.len() == ROWS_PER_INSERT {
                    let mut start = 0;
                    for (i, &(bucket, end)) in self.rows.iter().enumerate() {
                        many.raw_bind_parameter(2 * i + 1, bucket)?;
                        many.raw_bind_parameter(2 * i + 2, &self.segments[start..end])?;
                        start = end;
                    }
                    many.raw_execute()?;
                    self.rows.clear();
                    self.segments.clear();
                }
            }
            let mut postings = postings;
            postings.clear();
            self.parts[part] = postings;
        }
        let mut one = tx.prepare_cached("INSERT INTO grams(bucket, postings) VALUES (?1, ?2)")?;
        let mut start = 0;
        for &(bucket, end) in &self.rows {
            one.execute(params![bucket, &self.segments[start..end]])?;
            start = end;
        }
        self.rows.clear();
        self.segments.clear();
        self.count = 0;
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
