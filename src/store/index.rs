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

/// Pending postings at which the accumulator is full and makes room (8 bytes each): about 15,400 per list on
/// average (hashing spreads them evenly), within an allocation of 16,384, so 64 MiB in all. This
/// keeps an import of a million units under 300 MB.
const CAPACITY: usize = 15 << 19;

/// Postings waiting to be written.
///
/// Adding one appends 8 bytes (bucket, unit, length) to one of [`PARTS`] lists: a few hundred
/// lists, whose ends stay in the cache, where one list per bucket (2^18 of them) cost a cache miss
/// per posting. Writing sorts each list by bucket (a stable counting sort, so that a bucket's
/// postings keep the order they were added in) and encodes one segment per bucket, in bucket
/// order: the same segments as one list per bucket would give.
///
/// A small write (one unit, a batch from `tmkit serve`) becomes one row per bucket it touches, at
/// the commit. A large import fills the accumulator many times over (a million units: a dozen
/// times); a row per bucket at each of those would make millions of rows, each with its entry in
/// the bucket index, most of the import's time in SQLite. So when it is full, its segments go to
/// a run in a temporary file instead (see [`Runs`]), and at the commit the runs are merged: each
/// bucket's segments, run after run, become one row. The list a bucket's rows give is the same
/// either way.
pub(super) struct Accumulator {
    pending: Pending,
    rows: Rows,
    /// Runs written so far, once the accumulator has been full.
    runs: Option<Runs>,
    /// The folder of the temporary file (the memory's own: it has room for the index).
    spill_dir: std::path::PathBuf,
    /// Pending postings at which [`Accumulator::is_full`] says so.
    capacity: usize,
}

/// Rows written by one `INSERT` statement: a statement's fixed cost (binding, starting, halting
/// and resetting it) is shared by this many rows. The rows and their ids are the same as one
/// statement per row gives.
const ROWS_PER_INSERT: usize = 64;

impl Accumulator {
    /// An empty accumulator whose runs, if it needs any, go to a temporary file in `spill_dir`.
    pub(super) fn new(spill_dir: std::path::PathBuf) -> Accumulator {
        Accumulator::with_capacity(spill_dir, CAPACITY)
    }

    fn with_capacity(spill_dir: std::path::PathBuf, capacity: usize) -> Accumulator {
        Accumulator {
            pending: Pending::new(),
            rows: Rows::default(),
            runs: None,
            spill_dir,
            capacity,
        }
    }

    /// Adds one posting.
    #[cfg(test)]
    fn add(&mut self, bucket: u32, unit: i64, len: u32) {
        self.add_variant(&[bucket], unit, len);
    }

    /// Adds the postings of one variant: its buckets, all for the same unit and length.
    pub(super) fn add_variant(&mut self, buckets: &[u32], unit: i64, len: u32) {
        self.pending.add_variant(buckets, unit, len);
    }

    /// Whether [`Accumulator::make_room`] should be called.
    pub(super) fn is_full(&self) -> bool {
        self.pending.count >= self.capacity
    }

    /// Moves the pending postings to a new run in the temporary file (created on first use).
    pub(super) fn make_room(&mut self) -> Result<()> {
        if self.pending.count == 0 {
            return Ok(());
        }
        let runs = match &mut self.runs {
            Some(runs) => runs,
            None => self.runs.insert(Runs::create(&self.spill_dir)?),
        };
        runs.begin();
        self.pending
            .drain(|bucket, segment| runs.add(bucket, segment))
    }

    /// Writes every pending posting to the memory: one row per bucket, after those it has.
    pub(super) fn flush(&mut self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        if self.runs.is_some() {
            // The postings still in memory make the last run; the memory they took is not
            // needed again by this writer's large import, and the merge reads the runs.
            self.make_room()?;
            self.pending.release();
        }
        let rows = &mut self.rows;
        match self.runs.take() {
            None => self
                .pending
                .drain(|bucket, segment| rows.push(tx, bucket, segment))?,
            Some(runs) => runs.merge(|bucket, list| rows.push(tx, bucket, list))?,
        }
        rows.finish(tx)
    }
}

/// The postings not yet written, in [`PARTS`] lists.
struct Pending {
    parts: Vec<Vec<u64>>,
    count: usize,
    /// Scratch for the sort.
    sorted: Vec<u64>,
    starts: Vec<u32>,
    /// Where the next posting of each bucket goes, during the sort.
    next: Vec<u32>,
    /// The segment being encoded.
    segment: Vec<u8>,
}

impl Pending {
    fn new() -> Pending {
        Pending {
            parts: vec![Vec::new(); PARTS],
            count: 0,
            sorted: Vec::new(),
            starts: vec![0; LOW + 1],
            next: vec![0; LOW],
            segment: Vec::new(),
        }
    }

    fn add_variant(&mut self, buckets: &[u32], unit: i64, len: u32) {
        let posting = (u64::from(unit as u32) << 8) | u64::from(len.min(LONG));
        for &bucket in buckets {
            self.parts[(bucket >> LOW_BITS) as usize % PARTS]
                .push((u64::from(bucket) << 40) | posting);
        }
        self.count += buckets.len();
    }

    /// Gives back the memory of the lists (they are empty).
    fn release(&mut self) {
        for part in &mut self.parts {
            *part = Vec::new();
        }
        self.sorted = Vec::new();
    }

    /// Sorts the pending postings by bucket and calls `out(bucket, segment)` for every bucket that
    /// has some, in bucket order; none are pending after.
    fn drain(&mut self, mut out: impl FnMut(u32, &[u8]) -> Result<()>) -> Result<()> {
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
                self.segment.clear();
                encode_segment(&mut self.segment, run);
                out(((part as u32) << LOW_BITS) | b as u32, &self.segment)?;
            }
            let mut postings = postings;
            postings.clear();
            self.parts[part] = postings;
        }
        self.count = 0;
        Ok(())
    }
}

/// Appends the segment of one bucket's postings (sorted as added) to `segment`.
fn encode_segment(segment: &mut Vec<u8>, run: &[u64]) {
    put_varint(segment, run.len() as u64);
    // Room for the longest encoding (7 bytes a posting), written by index and cut to what was
    // used: no capacity check per byte.
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
}

/// Rows of `grams` on their way to the memory, [`ROWS_PER_INSERT`] to a statement.
#[derive(Default)]
struct Rows {
    /// The lists of the rows not written yet, end to end, and each row's bucket and end.
    lists: Vec<u8>,
    ends: Vec<(u32, usize)>,
}

/// The statement that writes [`ROWS_PER_INSERT`] rows. `OR FAIL`: a statement that writes many
/// rows and may abort half-way keeps a journal of what it changed, to undo it; one that cannot
/// abort needs none. No row here breaks a constraint (a bucket and a list are never null), and an
/// error still fails the import.
static INSERT_MANY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let values = vec!["(?, ?)"; ROWS_PER_INSERT].join(", ");
    format!("INSERT OR FAIL INTO grams(bucket, postings) VALUES {values}")
});

impl Rows {
    fn push(&mut self, tx: &rusqlite::Transaction<'_>, bucket: u32, list: &[u8]) -> Result<()> {
        self.lists.extend_from_slice(list);
        self.ends.push((bucket, self.lists.len()));
        if self.ends.len() < ROWS_PER_INSERT {
            return Ok(());
        }
        let mut many = tx.prepare_cached(&INSERT_MANY)?;
        let mut start = 0;
        for (i, &(bucket, end)) in self.ends.iter().enumerate() {
            many.raw_bind_parameter(2 * i + 1, bucket)?;
            many.raw_bind_parameter(2 * i + 2, &self.lists[start..end])?;
            start = end;
        }
        many.raw_execute()?;
        self.ends.clear();
        self.lists.clear();
        Ok(())
    }

    /// Writes the rows left, one statement each.
    fn finish(&mut self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        let mut one = tx.prepare_cached("INSERT INTO grams(bucket, postings) VALUES (?1, ?2)")?;
        let mut start = 0;
        for &(bucket, end) in &self.ends {
            one.execute(params![bucket, &self.lists[start..end]])?;
            start = end;
        }
        self.ends.clear();
        self.lists.clear();
        Ok(())
    }
}

/// Runs of segments in a temporary file, for [`Accumulator`]: each run is a full accumulator's
/// segments in bucket order, each as its bucket (4 bytes), its length (4 bytes) and its bytes.
///
/// The file has no name (it is unlinked as it is made, where the system allows), so a killed
/// import leaves nothing of it behind; it takes about 3 bytes a posting, what the rows will take.
/// The merge reads every run at once, a buffer each, in bucket order.
struct Runs {
    file: std::fs::File,
    /// For messages: where the file is.
    dir: std::path::PathBuf,
    /// Bytes written to the file, and those waiting in `buf`.
    written: u64,
    buf: Vec<u8>,
    /// Where each run starts (it ends where the next starts, the last at the end of the file).
    starts: Vec<u64>,
}

/// Bytes written to the temporary file at a time, and read from each run at a time.
const RUN_BUFFER: usize = 1 << 20;
const RUN_READ: usize = 1 << 16;

impl Runs {
    fn create(dir: &std::path::Path) -> Result<Runs> {
        let file = tempfile::tempfile_in(dir).map_err(|e| spill_error(dir, &e))?;
        Ok(Runs {
            file,
            dir: dir.to_path_buf(),
            written: 0,
            buf: Vec::with_capacity(RUN_BUFFER),
            starts: Vec::new(),
        })
    }

    fn fail(&self, e: std::io::Error) -> crate::error::Error {
        spill_error(&self.dir, &e)
    }

    /// Starts a run.
    fn begin(&mut self) {
        self.starts.push(self.written + self.buf.len() as u64);
    }

    /// Adds a bucket's segment to the current run (buckets come in order).
    fn add(&mut self, bucket: u32, segment: &[u8]) -> Result<()> {
        self.buf.extend_from_slice(&bucket.to_le_bytes());
        self.buf
            .extend_from_slice(&(segment.len() as u32).to_le_bytes());
        self.buf.extend_from_slice(segment);
        if self.buf.len() >= RUN_BUFFER {
            self.write_buf()?;
        }
        Ok(())
    }

    fn write_buf(&mut self) -> Result<()> {
        use std::io::Write;
        (&self.file)
            .write_all(&self.buf)
            .map_err(|e| self.fail(e))?;
        self.written += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// Calls `out(bucket, list)` for every bucket of any run, in bucket order, with its segments
    /// of every run, run after run.
    fn merge(mut self, mut out: impl FnMut(u32, &[u8]) -> Result<()>) -> Result<()> {
        self.write_buf()?;
        self.buf = Vec::new();
        let ends = self.starts.iter().skip(1).copied().chain([self.written]);
        let mut cursors: Vec<Cursor> = self
            .starts
            .iter()
            .zip(ends)
            .map(|(&pos, end)| Cursor {
                pos,
                end,
                buf: Vec::new(),
                at: 0,
                head: None,
            })
            .collect();
        for c in &mut cursors {
            c.advance(&self.file).map_err(|e| self.fail(e))?;
        }
        let mut list = Vec::new();
        while let Some(bucket) = cursors.iter().filter_map(|c| c.head).min() {
            list.clear();
            for c in cursors.iter_mut().filter(|c| c.head == Some(bucket)) {
                c.take_segment(&self.file, &mut list)
                    .map_err(|e| self.fail(e))?;
            }
            out(bucket, &list)?;
        }
        Ok(())
    }
}

/// Where the merge is in one run.
struct Cursor {
    /// The file offset of the first byte not in `buf`, and the run's end.
    pos: u64,
    end: u64,
    buf: Vec<u8>,
    at: usize,
    /// The bucket of the run's next segment (at `at`); `None` at the run's end.
    head: Option<u32>,
}

impl Cursor {
    /// Makes `n` bytes from `at` available in `buf`; false if the run has fewer.
    fn fill(&mut self, file: &std::fs::File, n: usize) -> std::io::Result<bool> {
        use std::io::{Read, Seek};
        if self.buf.len() - self.at >= n {
            return Ok(true);
        }
        self.buf.drain(..self.at);
        self.at = 0;
        let left = self.end - self.pos;
        let want = (n.max(RUN_READ) - self.buf.len()).min(left as usize);
        if self.buf.len() + want < n {
            return Ok(false);
        }
        let have = self.buf.len();
        self.buf.resize(have + want, 0);
        let mut f = file;
        f.seek(std::io::SeekFrom::Start(self.pos))?;
        f.read_exact(&mut self.buf[have..])?;
        self.pos += want as u64;
        Ok(true)
    }

    /// Reads the bucket of the run's next segment into `head`.
    fn advance(&mut self, file: &std::fs::File) -> std::io::Result<()> {
        self.head = None;
        if self.buf.len() == self.at && self.pos == self.end {
            return Ok(());
        }
        if !self.fill(file, 8)? {
            return Err(truncated());
        }
        let b = &self.buf[self.at..self.at + 4];
        self.head = Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        Ok(())
    }

    /// Appends the segment of bucket `head` to `list`, and moves on to the next.
    fn take_segment(&mut self, file: &std::fs::File, list: &mut Vec<u8>) -> std::io::Result<()> {
        let b = &self.buf[self.at + 4..self.at + 8];
        let len = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
        self.at += 8;
        if !self.fill(file, len)? {
            return Err(truncated());
        }
        list.extend_from_slice(&self.buf[self.at..self.at + len]);
        self.at += len;
        self.advance(file)
    }
}

/// The error of the temporary file in `dir`: the folder, then what went wrong (a full disk, most
/// likely: the runs take about what the index will take in the memory).
fn spill_error(dir: &std::path::Path, e: &std::io::Error) -> crate::error::Error {
    crate::error::ErrorKind::Memory {
        path: dir.display().to_string(),
        cause: format!(
            "the temporary file that holds the index postings until the commit: {}",
            crate::error::io_cause(e)
        ),
    }
    .into()
}

fn truncated() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the import's temporary file of index postings ended early",
    )
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
        let mut acc = Accumulator::new(std::env::temp_dir());
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

    /// Every bucket's rows, in order: (bucket, row count, the rows concatenated).
    fn all_lists(tx: &rusqlite::Transaction<'_>) -> Vec<(u32, usize, Vec<u8>)> {
        let mut out: Vec<(u32, usize, Vec<u8>)> = Vec::new();
        let mut stmt = tx
            .prepare("SELECT bucket, postings FROM grams ORDER BY bucket, id")
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let bucket: u32 = row.get(0).unwrap();
            let data: Vec<u8> = row.get(1).unwrap();
            match out.last_mut() {
                Some((b, n, list)) if *b == bucket => {
                    *n += 1;
                    list.extend(data);
                }
                _ => out.push((bucket, 1, data)),
            }
        }
        out
    }

    #[test]
    fn a_large_write_merges_its_runs_into_a_row_per_bucket_with_the_same_lists() {
        // The same postings written two ways: flushed to rows every `room` postings (a row per
        // bucket per flush, what writes that commit often give), and through an accumulator that
        // holds only `room` postings and so spills runs to a temporary file.
        let mut next = crate::bits::test_numbers(0x2545_F491_4F6C_DD1D);
        for (postings, room, buckets) in [
            (0usize, 10usize, 5u32),
            (7, 10, 5),
            (10, 10, 3),
            (1000, 10, 40),
            (5000, 333, 1 << BUCKET_BITS),
            (3000, 2999, 7),
        ] {
            let mut direct_conn = grams_table();
            let direct = direct_conn.transaction().unwrap();
            let mut spilled_conn = grams_table();
            let spilled = spilled_conn.transaction().unwrap();
            let dir = tempfile::tempdir().unwrap();
            let mut flushed = Accumulator::new(std::env::temp_dir());
            let mut small = Accumulator::with_capacity(dir.path().to_path_buf(), room);
            let mut unit = 0i64;
            for i in 0..postings {
                // Units mostly grow (far jumps and older units too), several buckets each.
                unit += match next(10) {
                    0 => 70_000,
                    1 => -3,
                    _ => next(5) as i64,
                };
                let unit = unit.max(0);
                let bucket = next(buckets as usize) as u32;
                let len = next(300) as u32;
                flushed.add(bucket, unit, len);
                small.add(bucket, unit, len);
                if (i + 1) % room == 0 {
                    flushed.flush(&direct).unwrap();
                }
                if small.is_full() {
                    small.make_room().unwrap();
                }
            }
            flushed.flush(&direct).unwrap();
            small.flush(&spilled).unwrap();
            let want = all_lists(&direct);
            let got = all_lists(&spilled);
            assert_eq!(got.len(), want.len(), "{postings} postings, room {room}");
            for ((gb, gn, gl), (wb, _, wl)) in got.iter().zip(&want) {
                assert_eq!((gb, gl), (wb, wl), "{postings} postings, room {room}");
                assert_eq!(*gn, 1, "one row for bucket {gb}");
            }
            let mut decoded = 0;
            for (_, _, list) in &got {
                decode(list, |_, _| decoded += 1);
            }
            assert_eq!(decoded, postings);
            // The runs' file has no name: nothing is left in its folder.
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        }
    }

    #[test]
    fn a_spill_folder_that_cannot_be_written_is_an_error_not_a_panic() {
        let mut acc = Accumulator::with_capacity("/nonexistent/folder/of/tmkit".into(), 2);
        acc.add(1, 1, 1);
        acc.add(2, 2, 2);
        assert!(acc.is_full());
        let e = acc.make_room().unwrap_err().to_string();
        assert!(
            e.starts_with("/nonexistent/folder/of/tmkit: the temporary file"),
            "{e}"
        );
        assert!(e.ends_with("no such file"), "{e}");
    }

    #[test]
    fn among_finds_what_a_filter_of_the_list_finds() {
        // Lists of several sizes and lengths, with repeated units and rows out of order.
        let mut next = crate::bits::test_numbers(0x9E37_79B9_7F4A_7C15);
        for size in [0usize, 1, 5, 40, 300, 3000] {
            let mut acc = Accumulator::new(std::env::temp_dir());
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
