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
    /// Where the next posting of each bucket goes, during the sort.
    next: Vec<u32>,
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
            next: vec![0; LOW],
            segments: Vec::new(),
            rows: Vec::with_capacity(ROWS_PER_INSERT),
        }
    }

    /// Adds one posting.
    #[cfg(test)]
    fn add(&mut self, bucket: u32, unit: i64, len: u32) {
        self.add_variant(&[bucket], unit, len);
    }

    /// Adds the postings of one variant: its buckets, all for the same unit and length.
    pub(super) fn add_variant(&mut self, buckets: &[u32], unit: i64, len: u32) {
        let posting = (u64::from(unit as u32) << 8) | u64::from(len.min(LONG));
        for &bucket in buckets {
            self.parts[(bucket >> LOW_BITS) as usize % PARTS]
                .push((u64::from(bucket) << 40) | posting);
        }
        self.count += buckets.len();
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
            // Counting sort by the bucket's low bits (on local slices, which the loops need not
            // load again after every store).
            let starts = &mut self.starts[..LOW + 1];
            starts.fill(0);
            for &p in &postings {
                starts[low(p) + 1] += 1;
            }
            for i in 0..LOW {
                starts[i + 1] += starts[i];
            }
            // Every slot of `sorted[..postings.len()]` is written below: it is only grown, never
            // cleared.
            if self.sorted.len() < postings.len() {
                self.sorted.resize(postings.len(), 0);
            }
            let sorted = &mut self.sorted[..postings.len()];
            let next = &mut self.next[..LOW];
            next.copy_from_slice(&starts[..LOW]);
            for &p in &postings {
                let slot = &mut next[low(p)];
                sorted[*slot as usize] = p;
                *slot += 1;
            }
            for b in 0..LOW {
                let run = &self.sorted[self.starts[b] as usize..self.starts[b + 1] as usize];
                if run.is_empty() {
                    continue;
                }
                let segment = &mut self.segments;
                put_varint(segment, run.len() as u64);
                // Room for the longest encoding (7 bytes a posting), written by index and cut
                // to what was used: no capacity check per byte.
                let mut at = segment.len();
                segment.resize(at + 7 * run.len(), 0);
                let out = segment.as_mut_slice();
                let mut last = 0u32;
                for &p in run {
                    let unit = (p >> 8) as u32;
                    match unit.checked_sub(last) {
                        Some(d) if d < u32::from(FAR) => {
                            out[at..at + 2].copy_from_slice(&(d as u16).to_le_bytes());
                            at += 2;
                        }
                        _ => {
                            out[at..at + 2].copy_from_slice(&FAR.to_le_bytes());
                            out[at + 2..at + 6].copy_from_slice(&unit.to_le_bytes());
                            at += 6;
                        }
                    }
                    out[at] = p as u8;
                    at += 1;
                    last = unit;
                }
                segment.truncate(at);
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

/// A bucket's postings decoded, ordered by the variant's length and then by unit, so that a lookup
/// reads only the lengths its window allows (most postings of a bucket, those of the other
/// languages that share it and of sentences much longer or shorter than the query, are never
/// looked at), and finds given units in a long list by search instead of reading it all
/// ([`Postings::among`]). 5 bytes a posting; the stored list takes about 3.
#[derive(Default)]
pub struct Postings {
    lens: Vec<u8>,
    units: Vec<u32>,
}

impl Postings {
    /// Decodes a bucket's stored list (its rows, concatenated). A damaged list ends early.
    pub fn decode(data: &[u8]) -> Postings {
        Postings::default().and(data)
    }

    /// These postings followed by those of `data` (rows written after them).
    pub fn and(&self, data: &[u8]) -> Postings {
        let mut more: Vec<(u8, u32)> = Vec::new();
        decode(data, |unit, len| more.push((len as u8, unit as u32)));
        // A stable counting sort by length.
        let mut starts = [0usize; 257];
        for &l in self.lens.iter().chain(more.iter().map(|(l, _)| l)) {
            starts[usize::from(l) + 1] += 1;
        }
        for i in 0..256 {
            starts[i + 1] += starts[i];
        }
        let n = starts[256];
        let mut lens = vec![0u8; n];
        let mut units = vec![0u32; n];
        let old = self.lens.iter().copied().zip(self.units.iter().copied());
        for (l, u) in old.chain(more) {
            let at = &mut starts[usize::from(l)];
            lens[*at] = l;
            units[*at] = u;
            *at += 1;
        }
        // Each length's units in order: rows come in the order units were added, so this is
        // mostly a merge of sorted runs.
        let mut a = 0;
        for &end in &starts[..256] {
            let group = &mut units[a..end];
            if !group.is_sorted() {
                group.sort();
            }
            a = end;
        }
        Postings { lens, units }
    }

    /// The number of postings.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The memory they take.
    pub fn bytes(&self) -> usize {
        self.units.len() * 5
    }

    /// Every posting: (unit, the variant's length in tokens, [`LONG`] for that or more).
    pub fn iter(&self) -> impl Iterator<Item = (i64, u32)> + '_ {
        self.with_lengths(0, LONG)
    }

    /// Calls `f(unit, len)` for every posting whose stored length is within `lo..=hi` and whose
    /// unit is in `wanted` (sorted, without repeats), searching each length's units (or the
    /// wanted ones, whichever are fewer) instead of reading them all.
    pub fn among(&self, lo: u32, hi: u32, wanted: &[u32], mut f: impl FnMut(i64, u32)) {
        let mut a = self.lens.partition_point(|&l| u32::from(l) < lo);
        let end = self.lens.partition_point(|&l| u32::from(l) <= hi).max(a);
        while a < end {
            let len = self.lens[a];
            let b = a + self.lens[a..end].partition_point(|&l| l == len);
            intersect(wanted, &self.units[a..b], |u| {
                f(i64::from(u), u32::from(len))
            });
            a = b;
        }
    }

    /// The units of the postings of stored length `len`, sorted.
    pub fn units_of_length(&self, len: u32) -> &[u32] {
        let a = self.lens.partition_point(|&l| u32::from(l) < len);
        let b = self.lens.partition_point(|&l| u32::from(l) <= len).max(a);
        &self.units[a..b]
    }

    /// The postings whose stored length is within `lo..=hi`.
    pub fn with_lengths(&self, lo: u32, hi: u32) -> impl Iterator<Item = (i64, u32)> + '_ {
        let a = self.lens.partition_point(|&l| u32::from(l) < lo);
        let b = self.lens.partition_point(|&l| u32::from(l) <= hi).max(a);
        self.lens[a..b]
            .iter()
            .zip(&self.units[a..b])
            .map(|(&l, &u)| (i64::from(u), u32::from(l)))
    }
}

/// Calls `f(u)` for every element of `group` (sorted) that is in `wanted` (sorted, no repeats):
/// a merge when they are of a size, else each element of the shorter one is searched for in the
/// longer one, from where the last search ended, so the cost follows the shorter one.
pub fn intersect(wanted: &[u32], group: &[u32], mut f: impl FnMut(u32)) {
    if group.len() <= wanted.len().saturating_mul(8) && wanted.len() <= group.len() * 8 {
        let mut i = 0;
        for &u in group {
            while i < wanted.len() && wanted[i] < u {
                i += 1;
            }
            if i == wanted.len() {
                return;
            }
            if wanted[i] == u {
                f(u);
            }
        }
    } else if group.len() < wanted.len() {
        let mut rest = wanted;
        for &u in group {
            rest = &rest[gallop(rest, u)..];
            match rest.first() {
                None => return,
                // (Not past it: the group may hold `u` again.)
                Some(&w) if w == u => f(u),
                Some(_) => {}
            }
        }
    } else {
        let mut rest = group;
        for &w in wanted {
            rest = &rest[gallop(rest, w)..];
            while let Some((&x, more)) = rest.split_first()
                && x == w
            {
                f(w);
                rest = more;
            }
            if rest.is_empty() {
                return;
            }
        }
    }
}

/// The first position of `sorted` whose element is not below `x`, searched from the start in
/// doubling steps: the cost grows with the log of the distance, not of the length.
fn gallop(sorted: &[u32], x: u32) -> usize {
    let mut hi = 1;
    while hi < sorted.len() && sorted[hi] < x {
        hi *= 2;
    }
    let hi = hi.min(sorted.len());
    hi / 2 + sorted[hi / 2..hi].partition_point(|&y| y < x)
}

/// Decodes a bucket's list, calling `f(unit, len)` for each posting. A damaged list ends early.
fn decode(mut data: &[u8], mut f: impl FnMut(i64, u32)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A database with only the index's table.
    fn grams_table() -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE grams(id INTEGER PRIMARY KEY, bucket INTEGER NOT NULL, postings BLOB NOT NULL)",
        )
        .unwrap();
        conn
    }

    /// The stored list of `bucket`: its rows, concatenated.
    fn stored(tx: &rusqlite::Transaction<'_>, bucket: u32) -> Vec<u8> {
        tx.prepare("SELECT postings FROM grams WHERE bucket = ? ORDER BY id")
            .unwrap()
            .query_map([bucket], |r| r.get::<_, Vec<u8>>(0))
            .unwrap()
            .flat_map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn postings_round_trip_through_segments() {
        let mut conn = grams_table();
        let tx = conn.transaction().unwrap();
        let mut acc = Accumulator::new();
        acc.add(7, 10, 3);
        acc.add(7, 12, 400);
        acc.add(7, 5, 2); // a replaced older unit
        acc.flush(&tx).unwrap();
        acc.add(7, 300_000, 9);
        acc.add(8, 1, 1);
        acc.flush(&tx).unwrap();
        let data = stored(&tx, 7);
        let mut got = Vec::new();
        decode(&data, |u, l| got.push((u, l)));
        assert_eq!(got, vec![(10, 3), (12, 255), (5, 2), (300_000, 9)]);
        // Decoded, by length and unit, also when rows come later.
        let all = Postings::decode(&data);
        assert_eq!(
            all.iter().collect::<Vec<_>>(),
            vec![(5, 2), (10, 3), (300_000, 9), (12, 255)]
        );
        assert_eq!(
            all.with_lengths(3, 9).collect::<Vec<_>>(),
            vec![(10, 3), (300_000, 9)]
        );
        assert_eq!(all.with_lengths(4, 8).count(), 0);
        assert_eq!(all.with_lengths(9, 3).count(), 0);
        let first_row = &data[..data.len() - 8];
        let later = Postings::decode(first_row).and(&data[first_row.len()..]);
        assert_eq!(
            later.iter().collect::<Vec<_>>(),
            all.iter().collect::<Vec<_>>()
        );
        // Damaged data never panics.
        for cut in 0..data.len() {
            decode(&data[..cut], |_, _| {});
            Postings::decode(&data[..cut]);
        }
    }

    #[test]
    fn among_finds_what_a_filter_of_the_list_finds() {
        // Lists of several sizes and lengths, with repeated units and rows out of order.
        let mut next = crate::bits::test_numbers(0x9E37_79B9_7F4A_7C15);
        for size in [0usize, 1, 5, 40, 300, 3000] {
            let mut acc = Accumulator::new();
            let mut conn = grams_table();
            let tx = conn.transaction().unwrap();
            for i in 0..size {
                acc.add(
                    1,
                    next(2000) as i64,
                    next(12) as u32 + if i % 50 == 0 { 250 } else { 0 },
                );
                if i % 97 == 0 {
                    acc.flush(&tx).unwrap();
                }
            }
            acc.flush(&tx).unwrap();
            let data = stored(&tx, 1);
            let list = Postings::decode(&data);
            assert_eq!(list.len(), size);
            for wanted_count in [0usize, 1, 3, 50, 1500] {
                let mut wanted: Vec<u32> = (0..wanted_count).map(|_| next(2100) as u32).collect();
                wanted.sort_unstable();
                wanted.dedup();
                for (lo, hi) in [(0, 255), (3, 7), (5, 5), (250, 255), (9, 2)] {
                    let mut got = Vec::new();
                    list.among(lo, hi, &wanted, |u, l| got.push((u, l)));
                    let mut want: Vec<(i64, u32)> = list
                        .with_lengths(lo, hi)
                        .filter(|(u, _)| wanted.binary_search(&(*u as u32)).is_ok())
                        .collect();
                    got.sort_unstable();
                    want.sort_unstable();
                    assert_eq!(
                        got,
                        want,
                        "{size} postings, {} wanted, {lo}..={hi}",
                        wanted.len()
                    );
                }
            }
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
