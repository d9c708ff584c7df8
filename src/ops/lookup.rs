//! Look segments up in the memory: exact and fuzzy matches through the candidate index, scored
//! exactly, never by scanning the memory. A brute-force scan with the same score is kept as the
//! reference the index is measured and tested against.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use serde::Serialize;

use crate::error::Result;
use crate::matching::grams::{grams, required_shared};
use crate::matching::score::{
    Penalty, Prepared, Score, Scratch, ShortQuery, fuzzy_value, score, score_text, short_sym,
    skeleton_hash,
};
use crate::model::{Extra, Lang, TranslationUnit};
use crate::store::{LONG, ListCache, ReadSession, SharedLists, Store, intersect};

/// What to look up.
#[derive(Debug, Clone)]
pub struct LookupConfig {
    /// The language of the queries.
    pub from: Lang,
    /// Languages to show translations in; a unit with none of them is not offered.
    pub to: Vec<Lang>,
    /// The lowest score shown (0-100).
    pub min: u8,
    /// The most matches per query.
    pub max: usize,
}

/// One segment to look up, with its neighbours when it comes from a document (for context
/// matches).
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The segment to look up.
    pub text: String,
    /// The previous segment of the document, if any (for context matches).
    pub prev: Option<String>,
    /// The next segment of the document, if any (for context matches).
    pub next: Option<String>,
}

/// A match.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    /// 0-100, or 101 for a context match.
    pub score: u8,
    /// The matched unit's source text.
    pub source: String,
    /// The language of that source.
    pub source_lang: Lang,
    /// Translations by language.
    pub targets: BTreeMap<Lang, String>,
    /// The file the unit was imported from.
    pub origin: Option<String>,
    /// When the unit was last changed (else created), as written in the TMX.
    pub changed: Option<String>,
    /// Why the score is below 100 (see [`Penalty`]).
    pub penalties: Vec<Penalty>,
    /// The unit's id in the memory.
    #[serde(skip)]
    pub unit: i64,
    /// The unit's `tuid`, when it has one.
    pub tuid: Option<String>,
}

/// The matches of one query.
#[derive(Debug, Clone, Serialize)]
pub struct QueryResult {
    /// The query's text.
    pub query: String,
    /// The matches, best first (higher score, then the more recently changed).
    pub matches: Vec<Match>,
}

/// Below this upper bound of the score, the shared-key filter lets most of a memory through.
const WEAK: u8 = 67;
/// How many candidates whose score can be at most [`WEAK`] - 1 are scored, best bound first.
const WEAK_BUDGET: usize = 300;

/// Weight of the skeleton key: a candidate that shares it is always scored.
const SKELETON: u32 = 1 << 24;

/// A lookup session over one memory: caches index lists across queries.
pub struct Lookup<'a> {
    store: &'a Store,
    config: LookupConfig,
    from_ids: Vec<i64>,
    cache: ListCache,
    counter: Counter,
    scratch: Scratch,
    /// The sources scored, this session's own...
    own: Arc<SharedSources>,
    /// ...or shared with other sessions (see [`Lookup::sharing_sources`]).
    shared: Option<Arc<SharedSources>>,
    /// Candidates scored by the last query (for benchmarks).
    pub last_candidates: usize,
    session: Option<ReadSession<'a>>,
    /// The memory's `texts_generation` in the session's snapshot (see [`SharedSources`]).
    texts: i64,
}

/// Per-unit counts of shared keys, in an array indexed by unit id (reset through the list of units
/// touched, so a query costs what it touches, not the size of the memory). A unit's weight and
/// length sit together in 4 bytes: the long lists of a query touch hundreds of thousands of units
/// at random, one cache miss each, and on a million units the array (4 MB) stays in the cache
/// where 8 bytes a unit did not.
///
/// A slot: the weight of the bigram keys counted ([`Counter::WEIGHT`], saturating: a query
/// of more than 4 million tokens is beyond any), whether the skeleton key was counted, the
/// variant's stored length, and whether variants of several lengths were counted. 0 is a unit not
/// touched: every key weighs at least 1.
struct Counter {
    slots: Vec<u32>,
    touched: Vec<u32>,
}

impl Counter {
    const WEIGHT: u32 = (1 << 22) - 1;
    const SKELETON_BIT: u32 = 1 << 22;
    const LEN_SHIFT: u32 = 23;
    const LEN: u32 = 0xFF << Self::LEN_SHIFT;
    const SEVERAL_BIT: u32 = 1 << 31;

    fn new(max_id: i64) -> Counter {
        let n = (max_id.max(0) as usize) + 1;
        Counter {
            slots: vec![0; n],
            touched: Vec::new(),
        }
    }

    fn reset(&mut self) {
        for &u in &self.touched {
            self.slots[u as usize] = 0;
        }
        self.touched.clear();
    }

    /// Counts a posting of `unit` (a variant of stored length `len`, at most [`LONG`]) in a list
    /// of weight `w` ([`SKELETON`] for the skeleton key's).
    fn add(&mut self, unit: i64, len: u32, w: u32) {
        let Ok(u) = usize::try_from(unit) else { return };
        if u >= self.slots.len() {
            // A unit added after this session started: grow.
            self.slots.resize(u + 1, 0);
        }
        let len = len.min(LONG);
        let slot = &mut self.slots[u];
        let mut s = *slot;
        if s == 0 {
            self.touched.push(u as u32);
            s = len << Self::LEN_SHIFT;
        } else {
            let stored = Self::len(s);
            if stored != len {
                // Two variants of different lengths in the query's language: keep the one nearer
                // the query's length by keeping the larger count under the smaller length.
                s = (s & !Self::LEN) | (stored.min(len) << Self::LEN_SHIFT) | Self::SEVERAL_BIT;
            }
        }
        if w >= SKELETON {
            s |= Self::SKELETON_BIT;
        } else {
            let weight = ((s & Self::WEIGHT).saturating_add(w)).min(Self::WEIGHT);
            s = (s & !Self::WEIGHT) | weight;
        }
        *slot = s;
    }

    /// The stored length of a slot's variant.
    fn len(s: u32) -> u32 {
        (s & Self::LEN) >> Self::LEN_SHIFT
    }

    /// The weight counted for a slot: its bigram keys', plus [`SKELETON`] if the skeleton key was
    /// counted.
    fn weight(s: u32) -> u32 {
        let skeleton = if s & Self::SKELETON_BIT != 0 {
            SKELETON
        } else {
            0
        };
        (s & Self::WEIGHT) + skeleton
    }

    fn weight_of(&self, unit: i64) -> u32 {
        usize::try_from(unit)
            .ok()
            .and_then(|u| self.slots.get(u))
            .map_or(0, |&s| Self::weight(s))
    }

    /// (unit, length, weight, whether postings of several lengths were counted).
    fn entries(&self) -> impl Iterator<Item = (i64, u32, u32, bool)> + '_ {
        self.touched.iter().map(|&u| {
            let s = self.slots[u as usize];
            (
                i64::from(u),
                Self::len(s),
                Self::weight(s),
                s & Self::SEVERAL_BIT != 0,
            )
        })
    }
}

/// What scoring needs of the source variants (in the session's query languages) of the units
/// scored so far, in 32 bits a word: per variant its skeleton hash and folded tokens (see
/// [`ShortQuery::bound`]), so that a unit scored again is ruled out without reading it from the
/// memory.
///
/// Short queries of common words (`"%s"`) let tens of thousands of candidates through the count
/// bound, mostly the same units from one query to the next, and hardly any reaches the
/// threshold: reading each from SQLite took about 3 µs of the 5 µs it cost to score it. On the
/// serve benchmark's 1M-unit memory and queries (second pass over 4,000 queries, one core) this
/// took the mean time per query from 6.2 to 2.4 ms and the 99th percentile from 105 to 22 ms.
///
/// Valid while no stored unit's variants change (the memory's `texts_generation`; units added
/// since have no entry yet) and for one set of query languages (see [`SharedSources`]).
#[derive(Default)]
struct Sources {
    /// Per unit id, 1 + the start of its entry in `words`, 0 when it is not there.
    start: Vec<u32>,
    /// Entries: the number of variants, then per variant its skeleton hash, its number of tokens
    /// and its folded tokens ([`short_sym`]).
    words: Vec<u32>,
    /// The units with an entry (to clear `start` at the cost of what was filled).
    units: Vec<u32>,
}

/// The most words [`Sources`] holds before it starts over: 64 MiB, the source variants of about
/// a million units of a dozen tokens (the units that share common bigrams with queries are a
/// fraction of a memory).
const SOURCES_WORDS: usize = 1 << 24;

impl Sources {
    fn clear(&mut self) {
        for &u in &self.units {
            self.start[u as usize] = 0;
        }
        self.units.clear();
        self.words.clear();
    }

    /// The entry of `unit`: its number of variants and the words after that count.
    fn get(&self, unit: i64) -> Option<(usize, &[u32])> {
        let u = usize::try_from(unit).ok()?;
        let start = *self.start.get(u)?;
        if start == 0 {
            return None;
        }
        let at = start as usize - 1;
        Some((self.words[at] as usize, &self.words[at + 1..]))
    }

    /// Starts the entry of `unit`; returns where its count of variants is, or `None` when the
    /// unit id does not fit.
    fn begin(&mut self, unit: i64) -> Option<usize> {
        let u = u32::try_from(unit).ok()?;
        if self.words.len() >= SOURCES_WORDS {
            self.clear();
        }
        let at = self.words.len();
        let start = u32::try_from(at + 1).ok()?;
        if u as usize >= self.start.len() {
            // A unit added after this session started: grow.
            self.start.resize(u as usize + 1, 0);
        }
        self.start[u as usize] = start;
        self.units.push(u);
        self.words.push(0);
        Some(at)
    }

    /// Adds the entries of `fresh` whose units have none.
    fn add(&mut self, fresh: &Fresh) {
        for (i, &(unit, at)) in fresh.units.iter().enumerate() {
            if self.get(unit).is_some() {
                continue;
            }
            let end = fresh.units.get(i + 1).map_or(fresh.words.len(), |e| e.1);
            if let Some(start) = self.begin(unit) {
                self.words.truncate(start);
                self.words.extend_from_slice(&fresh.words[at..end]);
            }
        }
    }
}

/// Entries of [`Sources`] made by one session and not yet added to them (the shared ones are
/// written a batch of candidates at a time, under a short lock).
#[derive(Default)]
struct Fresh {
    /// Per entry: its unit and where it starts in `words`, in order.
    units: Vec<(i64, usize)>,
    /// Entries as [`Sources`] keeps them: the number of variants, then the variants.
    words: Vec<u32>,
}

impl Fresh {
    fn clear(&mut self) {
        self.units.clear();
        self.words.clear();
    }

    /// Starts an entry; returns where it begins.
    fn begin(&mut self) -> usize {
        self.words.push(0);
        self.words.len() - 1
    }

    /// Adds a variant to the entry begun at `at`.
    fn push(&mut self, at: usize, skeleton: u32, folded: &[u64]) {
        self.words[at] += 1;
        self.words.push(skeleton);
        self.words.push(folded.len() as u32);
        self.words.extend(folded.iter().map(|&s| short_sym(s)));
    }

    /// Keeps the entry begun at `at` for `unit`, or drops it (its unit could not be read).
    fn end(&mut self, unit: i64, at: usize, keep: bool) {
        if keep {
            self.units.push((unit, at));
        } else {
            self.words.truncate(at);
        }
    }
}

/// What lookup sessions on one memory know of the sources they have scored (per unit, what the
/// score bound needs of its source variants), shared by them (the readers of `tmkit
/// serve`): a unit one reader has scored is ruled out by the others without reading it from the
/// memory, where each reader had to read and score it once for itself (four times the work on
/// the first pass over a set of queries, with four readers). One set of sources per set of query
/// languages, each valid for one `texts_generation` of the memory: a session on a newer one
/// starts that set over; a session on an older snapshot keeps to its own sources.
///
/// A session reads it a batch of candidates at a time, under a read lock, and adds what it
/// scored after each batch, under a short write lock: no lock is held while a session reads
/// the memory or scores.
#[derive(Default)]
pub struct SharedSources {
    inner: RwLock<Vec<SourcesOf>>,
}

struct SourcesOf {
    from_ids: Vec<i64>,
    texts: i64,
    sources: Sources,
}

impl SourcesOf {
    /// Whether these are the sources for a session on `texts` with the query languages `from_ids`.
    fn is_for(&self, texts: i64, from_ids: &[i64]) -> bool {
        self.texts == texts && self.from_ids == from_ids
    }
}

impl SharedSources {
    /// Empty sources, to be shared (through the `Arc`) by the sessions of one memory.
    pub fn new() -> Arc<SharedSources> {
        Arc::new(SharedSources::default())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<SourcesOf>> {
        // A session that panicked while holding the lock left whole entries behind (an entry is
        // added with one call): what is there is still right.
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Vec<SourcesOf>> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a session on `texts` with the query languages `from_ids` may use these sources:
    /// they are made so when they hold none for these languages, or older ones (or `always`, for
    /// a session's own sources).
    fn adopt(&self, texts: i64, from_ids: &[i64], always: bool) -> bool {
        if self.read().iter().any(|s| s.is_for(texts, from_ids)) {
            return true;
        }
        let mut all = self.write();
        match all.iter_mut().find(|s| s.from_ids == from_ids) {
            None => {
                all.push(SourcesOf {
                    from_ids: from_ids.to_vec(),
                    texts,
                    sources: Sources::default(),
                });
                true
            }
            Some(s) if s.texts == texts => true,
            Some(s) if s.texts < texts || always => {
                s.sources.clear();
                s.texts = texts;
                true
            }
            Some(_) => false,
        }
    }

    /// Adds `fresh` to the sources of (`texts`, `from_ids`), if they are still those.
    fn add(&self, texts: i64, from_ids: &[i64], fresh: &Fresh) {
        if fresh.units.is_empty() {
            return;
        }
        if let Some(s) = self.write().iter_mut().find(|s| s.is_for(texts, from_ids)) {
            s.sources.add(fresh);
        }
    }
}

/// Candidates looked up in the sources under one lock.
const BATCH: usize = 64;

/// Whether a unit, by its [`Sources`] entry (`count` variants in `words`), may reach `min`: the
/// best [`ShortQuery::bound`] of its variants, `None` when one of them may score 98 or more.
fn may_reach(q: &ShortQuery, min: u8, count: usize, mut words: &[u32]) -> Option<bool> {
    let mut may = false;
    for _ in 0..count {
        let (skeleton, len) = (words[0], words[1] as usize);
        let folded = &words[2..2 + len];
        words = &words[2 + len..];
        may |= q.bound(skeleton, folded)? >= min;
    }
    Some(may)
}

/// The candidate lengths that can reach `min` against a query of `qlen` tokens.
struct LengthWindow {
    min: u8,
    qlen: usize,
    lo: usize,
    hi: usize,
}

impl LengthWindow {
    fn new(min: u8, qlen: usize) -> LengthWindow {
        let lo = (0..=qlen)
            .find(|&l| required_shared(min, qlen, l).is_some())
            .unwrap_or(qlen);
        // A candidate of `len` tokens is `len - qlen` edits away at least, and can still reach
        // `min` only while that distance is within the share `100 - min` of its length: at
        // `min` 0 every length can, and the window has no upper end.
        let hi = if min == 0 {
            usize::MAX
        } else {
            let bound = qlen.saturating_mul(100) / usize::from(min) + 1;
            let mut hi = qlen;
            while hi < bound && required_shared(min, qlen, hi + 1).is_some() {
                hi += 1;
            }
            hi
        };
        LengthWindow { min, qlen, lo, hi }
    }

    /// The stored lengths (where [`LONG`] means that or more) that may be in the window, as a
    /// range `lo..=hi`.
    fn stored_lengths(&self) -> (u32, u32) {
        let long = LONG as usize;
        let lo = if self.hi >= long {
            self.lo.min(long)
        } else {
            self.lo
        };
        let hi = self.hi.min(long);
        (lo as u32, hi as u32)
    }

    /// The length to test a stored length against the bounds with: itself, or for one stored as
    /// "255 or more" the smallest true length the window allows, which asks the least of it.
    fn least_len(&self, len: usize) -> usize {
        if len >= LONG as usize {
            len.max(self.lo)
        } else {
            len
        }
    }

    /// The fewest keys any candidate in the window must share.
    fn least_required(&self) -> usize {
        // Nothing is below 1: the walk stops there (the window of a low `min` is long, but its
        // bound falls to 1 near the query's length).
        let mut least = usize::MAX;
        for l in self.lo..=self.hi {
            if let Some(r) = required_shared(self.min, self.qlen, l) {
                least = least.min(r.max(1));
                if least == 1 {
                    break;
                }
            }
        }
        if least == usize::MAX { 1 } else { least }
    }
}

/// The best score a candidate of `len` tokens that shares `shared` bigram keys with a query of
/// `qlen` tokens can reach (the q-gram lemma read backwards).
fn upper_bound(qlen: usize, len: usize, shared: usize) -> u8 {
    let longer = qlen.max(len);
    let from_grams = (longer.saturating_sub(1).saturating_sub(shared)).div_ceil(2);
    let dist = from_grams.max(qlen.abs_diff(len));
    if dist == 0 {
        101
    } else {
        fuzzy_value(dist, longer)
    }
}

impl<'a> Lookup<'a> {
    /// Prepares lookups in `store`, whose index must be ready (see `ops::import::ensure_index`).
    pub fn new(store: &'a Store, config: LookupConfig) -> Result<Lookup<'a>> {
        Lookup::sharing(store, config, SharedLists::new())
    }

    /// [`Lookup::new`] with index lists shared with other sessions on the same memory (the readers
    /// of a server), kept across commits (see [`SharedLists`]).
    pub fn sharing(
        store: &'a Store,
        config: LookupConfig,
        lists: std::sync::Arc<SharedLists>,
    ) -> Result<Lookup<'a>> {
        let from_ids = store.lang_ids_matching(&config.from)?;
        let max_id = store.max_unit_id()?;
        let counter = Counter::new(max_id);
        let session = store.read_session()?;
        let texts = store.generation("texts_generation")?;
        Ok(Lookup {
            own: SharedSources::new(),
            shared: None,
            scratch: Scratch::default(),
            session: Some(session),
            texts,
            store,
            config,
            from_ids,
            cache: ListCache::shared(lists),
            counter,
            last_candidates: 0,
        })
    }

    /// Shares the sources this session scores with other sessions on the same memory (the readers
    /// of a server; see [`SharedSources`]).
    pub fn sharing_sources(mut self, sources: Arc<SharedSources>) -> Lookup<'a> {
        self.shared = Some(sources);
        self
    }

    /// Starts over with another configuration on a fresh snapshot of the memory, keeping what
    /// was read (a server answers many requests with one session this way: the per-unit arrays
    /// are not allocated again for each, the scored sources are kept while nobody has changed the
    /// memory, and the bucket lists are brought up to date, not read again).
    pub fn renew(&mut self, config: LookupConfig) -> Result<()> {
        // End the old read transaction before the next one begins.
        self.session = None;
        self.session = Some(self.store.read_session()?);
        let from_ids = self.store.lang_ids_matching(&config.from)?;
        // Units added since leave what was read of the others right; the sources scored are
        // checked against the memory's texts generation and the languages at each lookup.
        let texts = self.store.generation("texts_generation")?;
        self.cache.renew();
        self.texts = texts;
        self.from_ids = from_ids;
        self.config = config;
        Ok(())
    }

    /// Ends the session's read transaction (the memory's log can then be checkpointed past it);
    /// the caches stay for [`Lookup::renew`].
    pub fn end_snapshot(&mut self) {
        self.session = None;
    }

    /// Looks one segment up through the index.
    ///
    /// Every posting of the query's keys is counted; a unit that shares fewer keys than the q-gram
    /// bound for its length cannot reach `min` and is dropped. The rest are scored in the order of
    /// the best score their shared keys allow, and scoring stops once `max` matches are certain.
    pub fn lookup(&mut self, query: &Query) -> Result<QueryResult> {
        let q = Prepared::new(&query.text, None);
        let g = grams(&q);
        let Some((&skeleton, bigrams)) = g.keys.split_last() else {
            return Ok(self.empty(query));
        };
        if self.config.max == 0 {
            return Ok(self.empty(query));
        }
        let mut weighted: Vec<(u64, u32)> = Vec::with_capacity(g.keys.len());
        // Scores of 98 and up need the same skeleton: the skeleton key alone finds them (the exact
        // match path, one hashed look-up).
        let bigrams = if self.config.min >= 98 {
            &[][..]
        } else {
            bigrams
        };
        for &k in bigrams {
            match weighted.iter_mut().find(|(x, _)| *x == k) {
                Some((_, w)) => *w += 1,
                None => weighted.push((k, 1)),
            }
        }
        weighted.push((skeleton, SKELETON));
        let min = self.config.min;
        let qlen = q.len();
        let q_short = ShortQuery::new(
            q.folded.iter().map(|&s| short_sym(s)).collect(),
            skeleton_hash(&q.skeleton),
        );
        let window = LengthWindow::new(min, qlen);
        let mut lists = self
            .store
            .bucket_lists(&mut self.cache, &self.from_ids, &weighted)?;
        // Prefix filtering: a candidate must share at least `least` keys, so it is in one of the
        // lists even when the longest lists, worth less than `least` together, are not read. Their
        // weight is then credited to every candidate (it may have been in them).
        let least = window.least_required();
        lists.sort_by_key(|(w, list)| (*w >= SKELETON, std::cmp::Reverse(list.len())));
        let mut skipped = 0u32;
        let mut first = 0;
        for (w, _) in &lists {
            if *w >= SKELETON || (skipped + w) as usize >= least {
                break;
            }
            skipped += w;
            first += 1;
        }
        let counter = &mut self.counter;
        counter.reset();
        let (lo, hi) = window.stored_lengths();
        for (w, list) in &lists[first..] {
            let w = *w;
            if w >= SKELETON {
                for (unit, len) in list.iter() {
                    counter.add(unit, len, w);
                }
            } else {
                for (unit, len) in list.with_lengths(lo, hi) {
                    counter.add(unit, len, w);
                }
            }
        }
        // Units that could pass with the skipped lists' weight credited...
        let mut maybe: Vec<(i64, usize)> = Vec::new();
        // Those to count in the skipped lists: (length << 32 | unit) for the units met under one
        // length, and the units met under several.
        let mut wanted: Vec<u64> = Vec::new();
        let mut several: Vec<u32> = Vec::new();
        for (unit, len, w, several_lengths) in counter.entries() {
            if w >= SKELETON {
                maybe.push((unit, len as usize));
                continue;
            }
            let Some(required) = required_shared(min, qlen, window.least_len(len as usize)) else {
                continue;
            };
            if ((w + skipped) as usize) >= required.max(1) {
                maybe.push((unit, len as usize));
                if several_lengths {
                    several.push(unit as u32);
                } else {
                    wanted.push((u64::from(len) << 32) | u64::from(unit as u32));
                }
            }
        }
        // ...get their exact counts from the skipped lists, where only their own postings are
        // looked for. A unit met under one length is looked for under that length only: a variant
        // of another length was met in no counted list, so its shared keys, all in skipped lists,
        // are fewer than any candidate needs (and postings of lengths outside the window belong
        // to variants that cannot reach `min` at all).
        if first > 0 && !(wanted.is_empty() && several.is_empty()) {
            wanted.sort_unstable();
            several.sort_unstable();
            let units: Vec<u32> = wanted.iter().map(|&k| k as u32).collect();
            let mut groups: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
            let mut a = 0;
            while a < wanted.len() {
                let len = (wanted[a] >> 32) as u32;
                let b = a + wanted[a..].partition_point(|&k| (k >> 32) as u32 == len);
                groups.push((len, a..b));
                a = b;
            }
            for (w, list) in &lists[..first] {
                for (len, range) in &groups {
                    intersect(&units[range.clone()], list.units_of_length(*len), |unit| {
                        counter.add(i64::from(unit), *len, *w)
                    });
                }
                if !several.is_empty() {
                    list.among(lo, hi, &several, |unit, len| counter.add(unit, len, *w));
                }
            }
        }
        // Best bound first, then by unit, each candidate as one integer (the bound's complement
        // above the unit id): a million candidates of a short query sort several times faster so.
        // (`maybe` holds each unit once.)
        const UNIT: u64 = (1 << 56) - 1;
        let key = |ub: u8, unit: i64| (u64::from(u8::MAX - ub) << 56) | (unit as u64 & UNIT);
        let mut candidates: Vec<u64> = Vec::new();
        for (unit, len) in maybe {
            let w = counter.weight_of(unit);
            if w >= SKELETON {
                candidates.push(key(101, unit));
                continue;
            }
            let Some(required) = required_shared(min, qlen, window.least_len(len)) else {
                continue;
            };
            if (w as usize) < required.max(1) {
                continue;
            }
            // A length stored as "255 or more" bounds nothing: score it early.
            let ub = if len >= LONG as usize {
                101
            } else {
                upper_bound(qlen, len, w as usize)
            };
            candidates.push(key(ub, unit));
        }
        candidates.sort_unstable();
        self.last_candidates = 0;
        let mut scored: Vec<(u8, Vec<Penalty>, i64)> = Vec::new();
        // The best values of `scored`, best first, at most `max` of them.
        let mut best_values: Vec<u8> = Vec::new();
        let mut weak = 0usize;
        // The sources this lookup reads and adds to: the shared ones when they are for its
        // snapshot, else the session's own.
        let sources = match &self.shared {
            Some(shared) if shared.adopt(self.texts, &self.from_ids, false) => shared.clone(),
            _ => {
                self.own.adopt(self.texts, &self.from_ids, true);
                self.own.clone()
            }
        };
        let mut fresh = Fresh::default();
        'batches: for batch in candidates.chunks(BATCH) {
            // Which units of the batch have an entry (bit set in `known`), and which of those
            // cannot reach `min` (bit set in `ruled_out`), read under one lock.
            let (mut known, mut ruled_out) = (0u64, 0u64);
            {
                let all = sources.read();
                if let Some(s) = all.iter().find(|s| s.is_for(self.texts, &self.from_ids)) {
                    for (i, &k) in batch.iter().enumerate() {
                        if let Some((count, words)) = s.sources.get((k & UNIT) as i64) {
                            known |= 1 << i;
                            if may_reach(&q_short, min, count, words) == Some(false) {
                                ruled_out |= 1 << i;
                            }
                        }
                    }
                }
            }
            for (i, &k) in batch.iter().enumerate() {
                let (ub, unit) = (u8::MAX - (k >> 56) as u8, (k & UNIT) as i64);
                if ub < min {
                    break 'batches;
                }
                // Below WEAK the shared-key bound hardly filters: only the most promising
                // candidates are scored there.
                if ub < WEAK {
                    weak += 1;
                    if weak > WEAK_BUDGET {
                        break 'batches;
                    }
                }
                // The `max`-th best value scored so far: no lower bound can make the list.
                if best_values.len() >= self.config.max && ub < best_values[self.config.max - 1] {
                    break 'batches;
                }
                self.last_candidates += 1;
                // A unit met before is scored from its text only if it may reach `min`.
                if ruled_out & (1 << i) != 0 {
                    continue;
                }
                let mut best: Option<Score> = None;
                let scratch = &mut self.scratch;
                let entry = (known & (1 << i) == 0).then(|| fresh.begin());
                let fresh = &mut fresh;
                let read = self
                    .store
                    .variant_texts(unit, &self.from_ids, |text, markup| {
                        let s = score_text(&q, text, markup, scratch);
                        if let Some(at) = entry {
                            fresh.push(at, scratch.skeleton_hash(), scratch.folded());
                        }
                        if best.as_ref().is_none_or(|b| s.value > b.value) {
                            best = Some(s);
                        }
                    });
                // A unit the snapshot does not have (the shared lists may be ahead of it) is not
                // remembered as one without sources.
                if let Some(at) = entry {
                    fresh.end(unit, at, matches!(read, Ok(true)));
                }
                read?;
                if let Some(b) = best
                    && b.value >= min
                {
                    let at = best_values.partition_point(|&v| v >= b.value);
                    if at < self.config.max {
                        best_values.insert(at, b.value);
                        best_values.truncate(self.config.max);
                    }
                    scored.push((b.value, b.penalties, unit));
                }
            }
            sources.add(self.texts, &self.from_ids, &fresh);
            fresh.clear();
        }
        sources.add(self.texts, &self.from_ids, &fresh);
        let ids: Vec<i64> = scored.iter().map(|s| s.2).collect();
        let units = self.store.load_units(&ids)?;
        let mut matches = Vec::new();
        for (id, unit, origin) in &units {
            if let Some(m) = self.evaluate(query, &q, *id, unit, origin.clone()) {
                matches.push(m);
            }
        }
        Ok(self.finish(query, matches))
    }

    /// Looks one segment up by scoring every unit of the memory: the reference for the index.
    pub fn brute_force(&mut self, query: &Query) -> Result<QueryResult> {
        let q = Prepared::new(&query.text, None);
        let mut matches = Vec::new();
        let store = self.store;
        store.for_each_unit_with_id(|id, unit| {
            if let Some(m) = self.evaluate(query, &q, id, unit, None) {
                matches.push(m);
            }
            Ok(())
        })?;
        Ok(self.finish(query, matches))
    }

    fn empty(&self, query: &Query) -> QueryResult {
        QueryResult {
            query: query.text.clone(),
            matches: Vec::new(),
        }
    }

    fn finish(&self, query: &Query, mut matches: Vec<Match>) -> QueryResult {
        matches.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| b.changed.cmp(&a.changed))
                .then_with(|| a.unit.cmp(&b.unit))
        });
        matches.truncate(self.config.max);
        QueryResult {
            query: query.text.clone(),
            matches,
        }
    }

    /// Scores a unit's source variants against the query; the best one, if it reaches the
    /// threshold and the unit has a wanted translation.
    fn evaluate(
        &self,
        query: &Query,
        q: &Prepared,
        id: i64,
        unit: &TranslationUnit,
        origin: Option<String>,
    ) -> Option<Match> {
        let mut targets = BTreeMap::new();
        for to in &self.config.to {
            if let Some(v) = unit
                .variants
                .iter()
                .find(|v| to.matches(&v.lang) && !self.config.from.matches(&v.lang))
            {
                targets.insert(v.lang.clone(), v.text.clone());
            }
        }
        if targets.is_empty() {
            return None;
        }
        let mut best: Option<(crate::matching::score::Score, &crate::model::Variant)> = None;
        for v in unit
            .variants
            .iter()
            .filter(|v| self.config.from.matches(&v.lang))
        {
            let s = score(q, &Prepared::new(&v.text, v.markup.as_deref()));
            if best.as_ref().is_none_or(|(b, _)| s.value > b.value) {
                best = Some((s, v));
            }
        }
        let (s, v) = best?;
        if s.value < self.config.min {
            return None;
        }
        let mut value = s.value;
        if value == 100 && context_matches(query, unit) {
            value = 101;
        }
        Some(Match {
            score: value,
            source: v.text.clone(),
            source_lang: v.lang.clone(),
            targets,
            origin,
            changed: unit
                .admin
                .change_date
                .clone()
                .or_else(|| unit.admin.creation_date.clone()),
            penalties: s.penalties,
            unit: id,
            tuid: unit.tuid.clone(),
        })
    }
}

/// Whether the unit's stored context (OmegaT's `prev`/`next` properties, or `x-context-prev` and
/// `x-context-next`) is the query's.
fn context_matches(query: &Query, unit: &TranslationUnit) -> bool {
    let prop = |names: [&str; 2]| {
        unit.extras.iter().find_map(|e| match e {
            Extra::Prop(p) if names.contains(&p.kind.as_str()) => Some(p.value.as_str()),
            _ => None,
        })
    };
    let (Some(prev), Some(next)) = (
        prop(["prev", "x-context-prev"]),
        prop(["next", "x-context-next"]),
    ) else {
        return false;
    };
    query.prev.as_deref().unwrap_or("") == prev && query.next.as_deref().unwrap_or("") == next
}

/// Builds the lookup index of a memory that lacks it or has one from an older tmkit, in one
/// transaction, calling `progress(done, total)` as units are indexed. Refuses, saying why, a
/// memory this user cannot write.
pub fn rebuild_index(store: &mut Store, progress: &dyn Fn(u64, u64)) -> Result<()> {
    store.ensure_writable(
        "its lookup index is out of date (an older tmkit made it) and must be built once by \
         someone who can write it (any lookup does it)",
    )?;
    let mut writer = store.writer()?;
    crate::ops::import::ensure_index(&mut writer, progress)?;
    writer.commit()
}

/// The queries of a file's text, each with its neighbours as context: the file's sentences cut by
/// `rules` when given, else its lines (blank ones left out), after `texts` given on their own.
/// `name` names the file in messages; a line or sentence over the segment limit is refused at its
/// place.
pub fn queries(
    mut texts: Vec<String>,
    file: Option<(&str, &[u8])>,
    rules: Option<&crate::text::srx::RuleSet>,
) -> Result<Vec<Query>> {
    if let Some((name, bytes)) = file {
        if let Some(rules) = rules {
            let done = crate::ops::segment::segment_file(bytes, name, rules, false)?;
            crate::ops::segment::refuse_long_segments(name, &done.text, &done.segments)?;
            texts.extend(
                done.segments
                    .iter()
                    .map(|s| s.text(&done.text).trim().to_string()),
            );
        } else {
            let content = crate::formats::decode::utf8(bytes, name, "convert the file to UTF-8")?;
            let max = crate::model::Limits::current().max_segment_bytes;
            let mut start = 0;
            for line in content.split_inclusive('\n') {
                if line.trim_end_matches(['\n', '\r']).len() > max {
                    return Err(crate::ops::segment::too_long(name, content, start, max));
                }
                start += line.len();
            }
            texts.extend(
                content
                    .lines()
                    .map(str::to_string)
                    .filter(|l| !l.trim().is_empty()),
            );
        }
    }
    Ok((0..texts.len())
        .map(|i| Query {
            text: texts[i].clone(),
            prev: i.checked_sub(1).map(|p| texts[p].clone()),
            next: texts.get(i + 1).cloned(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_keeps_weights_lengths_and_the_skeleton_of_each_unit() {
        // Against a plain map of (weight, lengths seen) per unit, on random postings.
        let mut next = crate::bits::test_numbers(0x5EED_1234_ABCD_0042);
        let mut counter = Counter::new(50);
        for round in 0..20 {
            counter.reset();
            let mut want: std::collections::BTreeMap<i64, (u32, Vec<u32>)> = Default::default();
            for _ in 0..next(300) {
                // Units past the array (added after the session started) too.
                let unit = next(80) as i64;
                let len = next(LONG as usize + 1) as u32;
                let w = if next(10) == 0 {
                    SKELETON
                } else {
                    1 + next(4) as u32
                };
                counter.add(unit, len, w);
                let e = want.entry(unit).or_default();
                e.0 += w;
                e.1.push(len);
            }
            let mut got: Vec<(i64, u32, u32, bool)> = counter.entries().collect();
            got.sort_unstable();
            let want: Vec<(i64, u32, u32, bool)> = want
                .into_iter()
                .map(|(unit, (w, lens))| {
                    let several = lens.iter().any(|&l| l != lens[0]);
                    let w = if w >= SKELETON {
                        SKELETON + w % SKELETON
                    } else {
                        w
                    };
                    (unit, *lens.iter().min().unwrap(), w, several)
                })
                .collect();
            assert_eq!(got, want, "round {round}");
            for &(unit, _, w, _) in &want {
                assert_eq!(counter.weight_of(unit), w);
            }
            assert_eq!(counter.weight_of(1000), 0);
        }
        // A weight past what a slot holds stays at the most it holds, and below the skeleton's.
        counter.reset();
        for _ in 0..5 {
            counter.add(7, 3, Counter::WEIGHT - 1);
        }
        assert_eq!(counter.weight_of(7), Counter::WEIGHT);
        assert!(counter.weight_of(7) < SKELETON);
    }

    /// Whether a stored length may be in the window, by the definition of the window.
    fn may_contain(w: &LengthWindow, len: usize) -> bool {
        if len >= LONG as usize {
            w.hi >= len
        } else {
            (w.lo..=w.hi).contains(&len)
        }
    }

    #[test]
    fn the_stored_lengths_of_a_window_are_the_lengths_it_may_contain() {
        for min in [0u8, 1, 50, 67, 70, 85, 98, 100] {
            for qlen in (0..40).chain([200, 254, 255, 256, 300, 600]) {
                let w = LengthWindow::new(min, qlen);
                let (lo, hi) = w.stored_lengths();
                for len in 0..=LONG {
                    assert_eq!(
                        (lo..=hi).contains(&len),
                        may_contain(&w, len as usize),
                        "min {min}, query of {qlen}, stored length {len}"
                    );
                }
            }
        }
    }
}
