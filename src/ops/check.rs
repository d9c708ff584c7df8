//! `check`: quality checks over bilingual content (the memory, a TMX file, an XLIFF file).
//!
//! Every source/target pair goes through the per-pair checks (terms, numbers, tags, untranslated,
//! punctuation, white space); then pairs are compared with each other for consistency: the same
//! source translated two ways, and the same translation given to two different sources.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::mpsc;

use serde::Serialize;

use crate::error::Result;
use crate::formats::{tmx, xliff};
use std::cell::RefCell;
use std::sync::LazyLock;

use crate::matching::groups::{Grouped, differing_groups};
use crate::matching::qa::{Checker, JaPunctuation};
use crate::matching::score::{Prepared, score};
use crate::matching::termbase::{SourceTerms, Termbase};
use crate::model::{Finding, FindingKind, Lang, Severity, TranslationUnit};
use crate::store::{Snapshot, Store};

/// What to check.
#[derive(Debug, Clone)]
pub enum CheckInput {
    /// The memory.
    Memory,
    /// A TMX file.
    Tmx(PathBuf),
    /// An XLIFF file.
    Xliff(PathBuf),
}

/// How to check.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// The source language (units whose source is another language are checked from their own
    /// source language only when this matches it).
    pub from: Lang,
    /// Target languages to check; empty means all.
    pub langs: Vec<Lang>,
    /// Kinds of finding to report; empty means all.
    pub kinds: Vec<FindingKind>,
    /// The least severity reported.
    pub min_severity: Severity,
}

/// A finding, where it is, and the pair it is about.
#[derive(Debug, Clone, Serialize)]
pub struct Reported {
    /// The unit's TMX `tuid` (or XLIFF trans-unit id) where there is one.
    pub tuid: Option<String>,
    /// The unit: its id in the memory, or its 1-based position in the file.
    pub unit: i64,
    /// The target's language tag.
    pub lang: String,
    /// What kind of problem it is.
    pub kind: FindingKind,
    /// Whether a reviewer must fix it (error) or should look at it (warning).
    pub severity: Severity,
    /// What is wrong, for a person.
    pub message: String,
    /// The source as stored, inline tags included.
    pub source: String,
    /// The target as stored, inline tags included.
    pub target: String,
    /// For term findings: the source term.
    pub term: Option<String>,
    /// What the target should have (the approved term, the number as the source has it).
    pub expected: Option<String>,
    /// What the target has instead.
    pub found: Option<String>,
    /// Byte range in `source` of the offending part.
    pub source_span: Option<(usize, usize)>,
    /// Byte range in `target` of the offending part.
    pub target_span: Option<(usize, usize)>,
}

/// What a check found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    /// Units read.
    pub units: u64,
    /// Source/target pairs checked.
    pub pairs: u64,
    /// The findings, in unit order.
    pub findings: Vec<Reported>,
}

/// One source/target pair of the input.
pub struct Pair<'a> {
    /// The unit: its id in the memory, or its 1-based position in the file.
    pub unit: i64,
    /// The unit's TMX `tuid` (or XLIFF trans-unit id) where there is one.
    pub tuid: Option<&'a str>,
    /// The source's plain text.
    pub source: &'a str,
    /// The source with its inline markup.
    pub source_markup: &'a str,
    /// The target's plain text.
    pub target: &'a str,
    /// The target with its inline markup.
    pub target_markup: &'a str,
    /// The target's language.
    pub lang: &'a Lang,
}

fn pairs_of_unit(
    unit_id: i64,
    unit: &TranslationUnit,
    config: &CheckConfig,
    f: &mut dyn FnMut(&Pair<'_>) -> Result<()>,
) -> Result<()> {
    let Some(src) = unit.variants.iter().find(|v| config.from.matches(&v.lang)) else {
        return Ok(());
    };
    for v in &unit.variants {
        if config.from.matches(&v.lang) {
            continue;
        }
        if !config.langs.is_empty() && !config.langs.iter().any(|l| l.matches(&v.lang)) {
            continue;
        }
        f(&Pair {
            unit: unit_id,
            tuid: unit.tuid.as_deref(),
            source: &src.text,
            source_markup: src.content(),
            target: &v.text,
            target_markup: v.content(),
            lang: &v.lang,
        })?;
    }
    Ok(())
}

/// Calls `f` on every pair of the input, in a stable order; returns the number of units.
pub fn for_each_pair(
    store: Option<&Store>,
    input: &CheckInput,
    config: &CheckConfig,
    f: &mut dyn FnMut(&Pair<'_>) -> Result<()>,
) -> Result<u64> {
    let mut units = 0u64;
    match input {
        CheckInput::Memory => {
            let store = store.ok_or_else(|| crate::ErrorKind::NotAMemory {
                path: String::new(),
                reason: "no memory to check".to_string(),
            })?;
            let tags = memory_tags(store, config)?;
            units = memory_pairs(store, &tags, i64::MIN..i64::MAX, f)?;
        }
        CheckInput::Tmx(path) => {
            let mut reader = tmx::Reader::open(path)?;
            let mut unit = TranslationUnit::default();
            loop {
                match reader.read_unit(&mut unit)? {
                    tmx::Item::Unit => {
                        units += 1;
                        pairs_of_unit(units as i64, &unit, config, f)?;
                    }
                    // A unit import would skip cannot be checked either: refuse it where import
                    // reports it, rather than check the rest and say nothing.
                    tmx::Item::Problem(p) => {
                        return Err(crate::ErrorKind::Rejected {
                            location: p.location,
                            message: format!(
                                "{}; this unit cannot be checked (import skips it): fix it",
                                p.message
                            ),
                        }
                        .into());
                    }
                    tmx::Item::End => break,
                }
            }
        }
        CheckInput::Xliff(path) => {
            let mut reader = xliff::Reader::open(path)?;
            let mut unit = xliff::Unit::new("", xliff::Content::plain(""));
            loop {
                match reader.read_unit(&mut unit)? {
                    xliff::Item::End => break,
                    xliff::Item::Problem(p) => {
                        return Err(crate::ErrorKind::Rejected {
                            location: p.location,
                            message: p.message,
                        }
                        .into());
                    }
                    xliff::Item::Unit => {
                        units += 1;
                        if !unit.translate {
                            continue;
                        }
                        let Some(file) = reader.file() else { continue };
                        let Some(lang) = file.target_lang.clone() else {
                            continue;
                        };
                        if !config.from.matches(&file.source_lang)
                            || (!config.langs.is_empty()
                                && !config.langs.iter().any(|l| l.matches(&lang)))
                        {
                            continue;
                        }
                        let empty = xliff::Content::plain("");
                        let target = unit.target.as_ref().map_or(&empty, |t| &t.content);
                        let tuid = match &unit.segment {
                            Some(mid) => format!("{}:{mid}", unit.id),
                            None => unit.id.clone(),
                        };
                        f(&Pair {
                            unit: units as i64,
                            tuid: Some(&tuid),
                            source: &unit.source.text,
                            source_markup: unit
                                .source
                                .markup
                                .as_deref()
                                .unwrap_or(&unit.source.text),
                            target: &target.text,
                            target_markup: target.markup.as_deref().unwrap_or(&target.text),
                            lang: &lang,
                        })?;
                    }
                }
            }
        }
    }
    Ok(units)
}

/// The stored languages (a memory has a handful), each with whether it is the source and whether
/// it is checked: (id, tag, source, checked).
type Tags = Vec<(i64, Lang, bool, bool)>;

fn memory_tags(store: &Store, config: &CheckConfig) -> Result<Tags> {
    Ok(store
        .lang_tags()?
        .into_iter()
        .map(|(id, l)| {
            let source = config.from.matches(&l);
            let wanted = config.langs.is_empty() || config.langs.iter().any(|w| w.matches(&l));
            (id, l, source, wanted && !source)
        })
        .collect())
}

/// Calls `f` on every pair of the memory's units whose ids are in `ids`, in id order; returns the
/// number of units.
fn memory_pairs(
    store: &Store,
    tags: &Tags,
    ids: Range<i64>,
    f: &mut dyn FnMut(&Pair<'_>) -> Result<()>,
) -> Result<u64> {
    let mut units = 0u64;
    let tag = |id: i64| tags.iter().find(|t| t.0 == id);
    store.for_each_unit_texts_in(ids, |id, tuid, variants| {
        units += 1;
        let Some(src) = variants.iter().find(|v| tag(v.lang).is_some_and(|t| t.2)) else {
            return Ok(());
        };
        for v in variants {
            let Some((_, lang, _, true)) = tag(v.lang) else {
                continue;
            };
            f(&Pair {
                unit: id,
                tuid,
                source: src.text,
                source_markup: src.content(),
                target: v.text,
                target_markup: v.content(),
                lang,
            })?;
        }
        Ok(())
    })?;
    Ok(units)
}

/// Folds what does not make two texts different for consistency (runs of white space, leading
/// and trailing white space, the ideographic space) and hashes the result. Texts without such
/// white space, nearly all, are hashed as they are after a few vectorized searches.
fn consistency_key(s: &str) -> u64 {
    let s = s.trim();
    let b = s.as_bytes();
    static DOUBLE_SPACE: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    static IDEOGRAPHIC_SPACE: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("\u{3000}".as_bytes()));
    let plain = memchr::memchr3(b'\t', b'\n', b'\r', b).is_none()
        && memchr::memchr3(0xC2, 0xE1, 0xE2, b).is_none()
        && memchr::memchr2(0x0b, 0x0c, b).is_none()
        && DOUBLE_SPACE.find(b).is_none()
        && IDEOGRAPHIC_SPACE.find(b).is_none();
    if plain {
        return xxhash_rust::xxh3::xxh3_64(b);
    }
    let mut folded = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !folded.is_empty() {
            folded.push(' ');
        }
        space = false;
        folded.push(c);
    }
    xxhash_rust::xxh3::xxh3_64(folded.as_bytes())
}

/// What the first reading keeps of a pair with a translation (`None` for one without): its
/// language (numbered by the caller) and the hashes of its texts (its place is its place in the
/// list).
/// `last_source` keeps the hash of the last unit's source: a unit's targets share it.
fn seen_pair(p: &Pair<'_>, lang: u32, last_source: &mut (Option<i64>, u64)) -> Option<Seen> {
    if p.target.trim().is_empty() {
        return None;
    }
    let source = if last_source.0 == Some(p.unit) {
        last_source.1
    } else {
        let k = consistency_key(p.source);
        *last_source = (Some(p.unit), k);
        k
    };
    Some(Seen {
        lang,
        source,
        target: consistency_key(p.target),
    })
}

/// A pair seen in the first pass: enough to find inconsistencies without keeping the texts.
#[derive(Clone, Copy)]
struct Seen {
    lang: u32,
    source: u64,
    target: u64,
}

/// What a check read and found, without the findings themselves (see [`check_each`]).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CheckSummary {
    /// Units read.
    pub units: u64,
    /// Source/target pairs checked.
    pub pairs: u64,
    /// Findings reported.
    pub findings: u64,
}

/// Runs the checks and returns every finding, in unit order.
pub fn check(
    store: Option<&Store>,
    input: &CheckInput,
    config: &CheckConfig,
    checks: &PairChecks<'_>,
) -> Result<CheckReport> {
    let mut findings = Vec::new();
    let summary = check_each(store, input, config, checks, &mut |r| {
        findings.push(r);
        Ok(())
    })?;
    Ok(CheckReport {
        units: summary.units,
        pairs: summary.pairs,
        findings,
    })
}

/// Runs the checks and hands each finding to `emit` as soon as it is known, in unit order (a
/// pair's own findings, then its inconsistencies): memory stays flat however many findings
/// there are.
///
/// The consistency check compares pairs with each other, so it reads the input first: once for
/// a hash of each pair's texts (grouped to find the inconsistent ones), once more for a few
/// texts of each inconsistent group to quote when there are any; then the pairs are checked
/// and reported in one last reading.
pub fn check_each(
    store: Option<&Store>,
    input: &CheckInput,
    config: &CheckConfig,
    checks: &PairChecks<'_>,
    emit: &mut dyn FnMut(Reported) -> Result<()>,
) -> Result<CheckSummary> {
    if let (Some(store), CheckInput::Memory) = (store, input) {
        let mut readers = helper_readers(store)?;
        return check_memory_in_blocks(store, &mut readers, BLOCK, config, checks, emit);
    }
    let consistency = if wanted(config, FindingKind::Inconsistent, Severity::Warning) {
        Consistency::read(store, input, config)?
    } else {
        None
    };
    let mut summary = CheckSummary::default();
    let mut buf: Vec<Finding> = Vec::new();
    // The place of a pair with a translation among those of the first reading.
    let mut i = 0usize;
    summary.units = for_each_pair(store, input, config, &mut |p| {
        summary.pairs += 1;
        summary.findings += pair_reports(
            p,
            checks,
            config,
            consistency.as_ref(),
            &mut i,
            &mut buf,
            emit,
        )?;
        Ok(())
    })?;
    Ok(summary)
}

/// Whether findings of this kind and severity are reported.
fn wanted(config: &CheckConfig, kind: FindingKind, severity: Severity) -> bool {
    (config.kinds.is_empty() || config.kinds.contains(&kind)) && severity <= config.min_severity
}

/// Checks one pair and hands its findings to `emit`: its own, then its inconsistencies (`i` is
/// its place among the pairs with a translation, and moves on past it). Returns how many.
fn pair_reports(
    p: &Pair<'_>,
    checks: &PairChecks<'_>,
    config: &CheckConfig,
    consistency: Option<&Consistency>,
    i: &mut usize,
    buf: &mut Vec<Finding>,
    emit: &mut dyn FnMut(Reported) -> Result<()>,
) -> Result<u64> {
    let mut findings = 0u64;
    buf.clear();
    if !p.target.trim().is_empty() || !p.target_markup.trim().is_empty() {
        checks.check(p.source_markup, p.target_markup, p.lang, buf);
    } else if p.source.trim().is_empty() && p.source_markup.trim().is_empty() {
        // A blank source (a separator line) rightly has a blank translation.
    } else {
        buf.push(Finding {
            kind: FindingKind::Untranslated,
            severity: Severity::Error,
            message: "the translation is empty".to_string(),
            target_span: None,
            source_span: None,
            expected: None,
            found: None,
        });
    }
    // At most a few findings of one kind a pair, each quoting the pair: the rest are counted in
    // one more, so that a segment with thousands of figures gives a report whose size follows
    // the input's, not its square.
    let mut per_kind: Vec<(FindingKind, Severity, usize)> = Vec::new();
    for f in buf.drain(..) {
        if !wanted(config, f.kind, f.severity) {
            continue;
        }
        match per_kind.iter_mut().find(|k| k.0 == f.kind) {
            Some(k) => k.2 += 1,
            None => per_kind.push((f.kind, f.severity, 1)),
        }
        if per_kind.iter().any(|k| k.0 == f.kind && k.2 > PER_PAIR) {
            continue;
        }
        findings += 1;
        emit(reported(p, f))?;
    }
    for (kind, severity, n) in per_kind {
        if n > PER_PAIR {
            findings += 1;
            emit(reported(
                p,
                Finding::new(
                    kind,
                    severity,
                    format!(
                        "and {} more {} findings in this segment",
                        n - PER_PAIR,
                        kind.as_str()
                    ),
                ),
            ))?;
        }
    }
    if p.target.trim().is_empty() {
        return Ok(findings);
    }
    if let Some(c) = consistency {
        for r in c.findings(*i, p) {
            findings += 1;
            emit(r)?;
        }
    }
    *i += 1;
    Ok(findings)
}

/// Unit ids in a block of the memory, the piece of work a thread checks at a time: big enough
/// that handing blocks over costs nothing, small enough that the findings of the blocks in flight
/// stay few.
const BLOCK: i64 = 4096;

/// Below this many units a memory is checked on one thread: opening more connections would cost
/// more than it saves.
const PARALLEL_FROM: i64 = 50_000;

/// Connections for the threads that help check a large memory: one less than the cores (the
/// calling thread is one), at most three. None when the memory is small, when there is one core,
/// or when the file cannot be opened again (a memory in a read-only folder with unsaved changes in
/// its log): then the calling thread checks every block itself.
///
/// Each is held in one read transaction for the whole check (a [`Snapshot`]), and a block of units
/// is always read by the same thread: the readings of a block agree even while an import goes on.
fn helper_readers(store: &Store) -> Result<Vec<Snapshot>> {
    let helpers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) - 1;
    if helpers == 0 || store.max_unit_id()? < PARALLEL_FROM {
        return Ok(Vec::new());
    }
    let readers: Result<Vec<Snapshot>> = (0..helpers)
        .map(|_| Store::open_reader(store.path()).and_then(Store::snapshot))
        .collect();
    Ok(readers.unwrap_or_default())
}

/// The ids of block `k` of `blocks` of `size` ids (the first and last are open-ended, so that every unit is in
/// one).
fn block_ids(k: usize, blocks: usize, size: i64) -> Range<i64> {
    let start = if k == 0 { i64::MIN } else { k as i64 * size };
    let end = if k + 1 == blocks {
        i64::MAX
    } else {
        (k as i64 + 1) * size
    };
    start..end
}

/// Runs `work` on each block of the memory, on this thread (through `store`) and on one thread per
/// reader, each with its state from `states` (this thread's first), and hands each block's result
/// to `take` in block order. Blocks go round the threads in turn, and a thread is at most two
/// blocks ahead of the one taking the results, so memory stays flat.
fn in_blocks<S: Send, T: Send>(
    store: &Store,
    readers: &mut [Snapshot],
    mut states: Vec<S>,
    blocks: usize,
    work: impl Fn(&mut S, &Store, usize) -> Result<T> + Sync,
    take: &mut dyn FnMut(T) -> Result<()>,
) -> Result<()> {
    let threads = readers.len() + 1;
    let mut mine = states.remove(0);
    std::thread::scope(|scope| {
        let work = &work;
        let mut results: Vec<mpsc::Receiver<Result<T>>> = Vec::with_capacity(readers.len());
        for (n, (reader, mut state)) in readers.iter_mut().zip(states).enumerate() {
            let (tx, rx) = mpsc::sync_channel(2);
            results.push(rx);
            scope.spawn(move || {
                for k in (n + 1..blocks).step_by(threads) {
                    let r = work(&mut state, reader, k);
                    let failed = r.is_err();
                    // The taker stops listening when it fails: then this thread stops too.
                    if tx.send(r).is_err() || failed {
                        break;
                    }
                }
            });
        }
        for k in 0..blocks {
            let r = match k % threads {
                0 => work(&mut mine, store, k),
                t => results[t - 1].recv().unwrap_or_else(|_| {
                    Err(crate::ErrorKind::Memory {
                        path: store.path().display().to_string(),
                        cause: "a thread checking it stopped".to_string(),
                    }
                    .into())
                }),
            };
            take(r?)?;
        }
        Ok(())
    })
}

/// The findings of a block of the memory, with what was counted.
#[derive(Default)]
struct Batch {
    units: u64,
    pairs: u64,
    findings: u64,
    reports: Vec<Reported>,
}

/// [`check_each`] over the memory, in blocks of units checked by this thread and one more per
/// reader (none for a small memory), each through its own connection; the findings come out in
/// the same order whatever the number of threads.
fn check_memory_in_blocks(
    store: &Store,
    readers: &mut [Snapshot],
    block: i64,
    config: &CheckConfig,
    checks: &PairChecks<'_>,
    emit: &mut dyn FnMut(Reported) -> Result<()>,
) -> Result<CheckSummary> {
    let _session = store.read_session()?;
    let tags = memory_tags(store, config)?;
    let blocks = (store.max_unit_id()?.max(0) / block + 1) as usize;
    let threads = readers.len() + 1;
    // The consistency check's first reading, in blocks: each pair's hashes, and where each
    // block's pairs with a translation start among them.
    let mut starts: Vec<usize> = Vec::with_capacity(blocks);
    let consistency = if wanted(config, FindingKind::Inconsistent, Severity::Warning) {
        // Two targets a unit is the common case.
        // (Reserved, not touched: a memory whose ids jumped far is not a problem.)
        let mut seen: Vec<Seen> = Vec::with_capacity((blocks * block as usize * 2).min(1 << 25));
        in_blocks(
            store,
            readers,
            vec![(); threads],
            blocks,
            |_, reader, k| {
                let mut pairs = Vec::new();
                let mut last_source = (None, 0);
                memory_pairs(reader, &tags, block_ids(k, blocks, block), &mut |p| {
                    // Languages are numbered by their place among the memory's.
                    let lang = tags.iter().position(|t| t.1 == *p.lang).unwrap_or(0) as u32;
                    pairs.extend(seen_pair(p, lang, &mut last_source));
                    Ok(())
                })?;
                Ok(pairs)
            },
            &mut |pairs: Vec<Seen>| {
                starts.push(seen.len());
                seen.extend(pairs);
                Ok(())
            },
        )?;
        Consistency::complete(seen, Some(store), &CheckInput::Memory, config)?
    } else {
        None
    };
    let consistency = consistency.as_ref();
    let mut summary = CheckSummary::default();
    let states: Vec<PairChecks<'_>> = (0..threads).map(|_| checks.clone()).collect();
    in_blocks(
        store,
        readers,
        states,
        blocks,
        |checks, reader, k| {
            let mut batch = Batch::default();
            let mut buf = Vec::new();
            let mut i = starts.get(k).copied().unwrap_or(0);
            batch.units = memory_pairs(reader, &tags, block_ids(k, blocks, block), &mut |p| {
                batch.pairs += 1;
                batch.findings +=
                    pair_reports(p, checks, config, consistency, &mut i, &mut buf, &mut |r| {
                        batch.reports.push(r);
                        Ok(())
                    })?;
                Ok(())
            })?;
            Ok(batch)
        },
        &mut |batch: Batch| {
            summary.units += batch.units;
            summary.pairs += batch.pairs;
            summary.findings += batch.findings;
            batch.reports.into_iter().try_for_each(&mut *emit)
        },
    )?;
    Ok(summary)
}

fn reported(p: &Pair<'_>, f: Finding) -> Reported {
    Reported {
        tuid: p.tuid.map(str::to_string),
        unit: p.unit,
        lang: p.lang.to_string(),
        kind: f.kind,
        severity: f.severity,
        term: if matches!(f.kind, FindingKind::Term | FindingKind::ForbiddenTerm) {
            f.source_span
                .and_then(|(a, b)| p.source_markup.get(a..b))
                .map(str::to_string)
        } else {
            None
        },
        message: f.message,
        source: p.source_markup.to_string(),
        target: p.target_markup.to_string(),
        expected: f.expected,
        found: f.found,
        source_span: f.source_span,
        target_span: f.target_span,
    }
}

/// The most findings of one kind reported for one pair; the rest are counted in one more.
const PER_PAIR: usize = 20;

/// Sources scoring at least this against each other are the same sentence for the check that
/// one translation serves two sources.
const NEAR_SAME_SOURCE: u8 = 85;

/// A text kept to quote in an inconsistency message: (unit, consistency key, text).
type Quoted = (i64, u64, String);

/// How many distinct texts of an inconsistent group are kept to quote and compare.
const KEPT: usize = 16;

/// How many other renderings an inconsistency message quotes.
const QUOTED: usize = 3;

/// What the consistency check knows after its readings: each pair's hashes and whether it is in
/// an inconsistent group, and a few texts of each such group to quote.
struct Consistency {
    seen: Vec<Seen>,
    /// (same source translated differently, same translation of different sources), by pair.
    flagged: Vec<(bool, bool)>,
    texts_by_source: HashMap<(u32, u64), Vec<Quoted>>,
    texts_by_target: HashMap<(u32, u64), Vec<Quoted>>,
}

impl Consistency {
    /// Reads the input for the hashes of its pairs, then, when some groups are inconsistent,
    /// again for the texts to quote. `None` when nothing is inconsistent.
    fn read(
        store: Option<&Store>,
        input: &CheckInput,
        config: &CheckConfig,
    ) -> Result<Option<Consistency>> {
        let mut seen: Vec<Seen> = Vec::new();
        let mut langs: Vec<Lang> = Vec::new();
        let mut last_source = (None, 0);
        for_each_pair(store, input, config, &mut |p| {
            let lang = match langs.iter().position(|l| l == p.lang) {
                Some(i) => i,
                None => {
                    langs.push(p.lang.clone());
                    langs.len() - 1
                }
            } as u32;
            seen.extend(seen_pair(p, lang, &mut last_source));
            Ok(())
        })?;
        Consistency::complete(seen, store, input, config)
    }

    /// Groups the pairs of the first reading (`seen`, in reading order) and, when some groups are
    /// inconsistent, reads the input again for the texts to quote. `None` when nothing is
    /// inconsistent.
    fn complete(
        seen: Vec<Seen>,
        store: Option<&Store>,
        input: &CheckInput,
        config: &CheckConfig,
    ) -> Result<Option<Consistency>> {
        let flagged = inconsistent_groups(&seen);
        if !flagged.iter().any(|(a, b)| *a || *b) {
            return Ok(None);
        }
        // Second reading: a few texts of each inconsistent group.
        let mut texts_by_source: HashMap<(u32, u64), Vec<Quoted>> = HashMap::new();
        let mut texts_by_target: HashMap<(u32, u64), Vec<Quoted>> = HashMap::new();
        let mut i = 0usize;
        for_each_pair(store, input, config, &mut |p| {
            if p.target.trim().is_empty() {
                return Ok(());
            }
            let Some(s) = seen.get(i) else {
                return Ok(());
            };
            let (a, b) = flagged[i];
            // Each group keeps a few distinct texts to quote, not all of them: a translation
            // used for thousands of sources must not make the check quadratic.
            if a {
                let list = texts_by_source.entry((s.lang, s.source)).or_default();
                if list.len() < KEPT && !list.iter().any(|(_, k, _)| *k == s.target) {
                    list.push((p.unit, s.target, p.target.to_string()));
                }
            }
            if b {
                let list = texts_by_target.entry((s.lang, s.target)).or_default();
                if list.len() < KEPT && !list.iter().any(|(_, k, _)| *k == s.source) {
                    list.push((p.unit, s.source, p.source.to_string()));
                }
            }
            i += 1;
            Ok(())
        })?;
        Ok(Some(Consistency {
            seen,
            flagged,
            texts_by_source,
            texts_by_target,
        }))
    }

    /// The inconsistency findings of the `i`th pair with a translation.
    fn findings(&self, i: usize, p: &Pair<'_>) -> Vec<Reported> {
        let (Some(s), Some(&(a, b))) = (self.seen.get(i), self.flagged.get(i)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let finding = |message: String| Reported {
            tuid: p.tuid.map(str::to_string),
            unit: p.unit,
            lang: p.lang.to_string(),
            kind: FindingKind::Inconsistent,
            severity: Severity::Warning,
            message,
            source: p.source.to_string(),
            target: p.target.to_string(),
            term: None,
            expected: None,
            found: None,
            source_span: None,
            target_span: None,
        };
        if a && let Some(texts) = self.texts_by_source.get(&(s.lang, s.source)) {
            let others: Vec<String> = texts
                .iter()
                .filter(|(_, k, _)| *k != s.target)
                .take(QUOTED)
                .map(|(u, _, t)| format!("“{t}” (unit {u})"))
                .collect();
            out.push(finding(format!(
                "the same source is translated differently elsewhere: {}",
                others.join(", ")
            )));
        }
        if b && let Some(texts) = self.texts_by_target.get(&(s.lang, s.target)) {
            // Sources that are nearly the same sentence (a typo fixed, a tense changed) rightly
            // share a translation: only materially different sources are reported.
            let mine = Prepared::new(p.source, None);
            let others: Vec<String> = texts
                .iter()
                .filter(|(_, k, _)| *k != s.source)
                .filter(|(_, _, t)| score(&mine, &Prepared::new(t, None)).value < NEAR_SAME_SOURCE)
                .take(QUOTED)
                .map(|(u, _, t)| format!("“{t}” (unit {u})"))
                .collect();
            if !others.is_empty() {
                out.push(finding(format!(
                    "the same translation is given to a different source: {}",
                    others.join(", ")
                )));
            }
        }
        out
    }
}

/// Whether each pair is in a group of pairs with the same source (and language) but different
/// translations, and in a group with the same translation but different sources.
fn inconsistent_groups(seen: &[Seen]) -> Vec<(bool, bool)> {
    let by_source = differing_groups(seen.len(), |i| Grouped {
        group: (seen[i].lang, seen[i].source),
        member: seen[i].target,
    });
    let by_target = differing_groups(seen.len(), |i| Grouped {
        group: (seen[i].lang, seen[i].target),
        member: seen[i].source,
    });
    by_source.into_iter().zip(by_target).collect()
}

/// Every per-pair check: the termbase's (`term`, `forbidden-term`) and the others (numbers,
/// tags, untranslated, punctuation, white space). Texts are segment contents as
/// [`crate::model::Variant::content`] gives them (inline markup included).
pub struct PairChecks<'a> {
    termbase: Option<&'a Termbase>,
    from: Lang,
    qa: RefCell<Checker>,
    /// The last source's terms (see [`SourceTerms`]).
    source_terms: RefCell<SourceTerms>,
    terms: bool,
}

/// The same checks, with buffers of their own (for another thread).
impl Clone for PairChecks<'_> {
    fn clone(&self) -> Self {
        PairChecks {
            termbase: self.termbase,
            from: self.from.clone(),
            qa: RefCell::new(self.qa.borrow().clone()),
            source_terms: RefCell::default(),
            terms: self.terms,
        }
    }
}

impl<'a> PairChecks<'a> {
    /// Checks for sources in `from`, against `termbase` when there is one.
    pub fn new(termbase: Option<&'a Termbase>, from: &Lang) -> PairChecks<'a> {
        PairChecks {
            termbase: termbase.filter(|t| !t.is_empty()),
            from: from.clone(),
            qa: RefCell::new(Checker::new()),
            source_terms: RefCell::default(),
            terms: true,
        }
    }

    /// Runs only the checks of these kinds (all when empty).
    pub fn only(mut self, kinds: &[FindingKind]) -> PairChecks<'a> {
        if kinds.is_empty() {
            return self;
        }
        let skipped: Vec<FindingKind> = FindingKind::ALL
            .into_iter()
            .filter(|k| !kinds.contains(k) && *k != FindingKind::Untranslated)
            .collect();
        self.qa.get_mut().skip(&skipped);
        self.terms =
            kinds.contains(&FindingKind::Term) || kinds.contains(&FindingKind::ForbiddenTerm);
        self
    }

    /// Holds Japanese targets to this punctuation style (see [`JaPunctuation`]).
    pub fn ja_punctuation(mut self, style: JaPunctuation) -> PairChecks<'a> {
        self.qa.get_mut().set_ja_punctuation(style);
        self
    }

    /// Appends the findings of one pair.
    pub fn check(&self, source: &str, target: &str, lang: &Lang, out: &mut Vec<Finding>) {
        let before = out.len();
        self.qa
            .borrow_mut()
            .check_pair(source, target, &self.from, lang, out);
        let untranslated = out[before..]
            .iter()
            .any(|f| f.kind == FindingKind::Untranslated);
        if let Some(tb) = self.termbase
            && self.terms
            && !untranslated
        {
            tb.check_with(
                &mut self.source_terms.borrow_mut(),
                source,
                target,
                lang,
                out,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistency_folds_white_space_only() {
        let same = [
            ("Hello world.", " Hello  world. "),
            ("中日关系。", "中日关系。\u{3000}"),
            ("A b", "A\u{a0}b"),
            ("中日 关系", "中日\u{3000}关系"),
            ("x y", "x\t\ny"),
        ];
        for (a, b) in same {
            assert_eq!(consistency_key(a), consistency_key(b), "{a:?} {b:?}");
        }
        let different = [
            ("中日关系。", "日中关系。"),
            ("Hello world.", "hello world."),
            ("ab", "a b"),
        ];
        for (a, b) in different {
            assert_ne!(consistency_key(a), consistency_key(b), "{a:?} {b:?}");
        }
    }

    /// `n` units in three languages with every kind of problem now and then: numbers changed,
    /// translations missing, the same source translated two ways in units far apart.
    fn units(n: usize) -> Vec<TranslationUnit> {
        use crate::model::Variant;
        let lang = |t: &str| Lang::parse(t).unwrap();
        (0..n)
            .map(|i| {
                let source = format!("The forum met {} times in {}.", i % 40, 2000 + i % 8);
                let zh = match i % 7 {
                    0 => format!("论坛举行了{}次会议。", i % 40 + 1),
                    3 => String::new(),
                    _ => format!("论坛在{}年举行了{}次会议。", 2000 + i % 8, i % 40),
                };
                let ja = if i % 11 == 5 {
                    format!("フォーラムは{}回開かれた", i % 40)
                } else {
                    format!("フォーラムは{}年に{}回開かれた。", 2000 + i % 8, i % 40)
                };
                TranslationUnit {
                    tuid: Some(format!("u{i}")),
                    variants: vec![
                        Variant::new(lang("en"), source),
                        Variant::new(lang("zh-CN"), zh),
                        Variant::new(lang("ja-JP"), ja),
                    ],
                    ..Default::default()
                }
            })
            .collect()
    }

    /// A memory of the `n` [`units`]: every kind of problem now and then.
    fn memory(path: &std::path::Path, n: usize) -> Store {
        let mut store = Store::open(path).unwrap();
        let mut w = store.writer().unwrap();
        for unit in units(n) {
            w.insert_unit(&unit, None).unwrap();
        }
        w.commit().unwrap();
        store
    }

    #[test]
    fn blocks_on_threads_report_what_a_file_of_the_same_units_reports() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let store = memory(&path, 300);
        // The same units as a TMX file, checked by the file's own reading (one pass, no blocks):
        // its unit numbers (places in the file) are the memory's ids.
        let tmx = dir.path().join("m.tmx");
        let options = tmx::WriterOptions {
            srclang: "en".to_string(),
            ..tmx::WriterOptions::default()
        };
        let mut w = tmx::Writer::new(std::fs::File::create(&tmx).unwrap(), &options).unwrap();
        for unit in units(300) {
            w.write_unit(&unit).unwrap();
        }
        w.finish().unwrap();
        let from = Lang::parse("en").unwrap();
        // "forum" is 论坛 in Chinese and フォーラム in Japanese; "times" is 会合 in Japanese,
        // which the translations never use.
        let entry = |terms: &[(&str, &str)]| crate::model::TermEntry {
            terms: terms
                .iter()
                .map(|(l, t)| crate::model::Term::new(Lang::parse(l).unwrap(), *t))
                .collect(),
            ..Default::default()
        };
        let termbase = Termbase::new(
            vec![
                entry(&[("en", "forum"), ("zh-CN", "论坛"), ("ja-JP", "フォーラム")]),
                entry(&[("en", "times"), ("ja-JP", "会合")]),
            ],
            &from,
        );
        let checks = PairChecks::new(Some(&termbase), &from);
        for kinds in [
            vec![],
            vec![FindingKind::Number],
            vec![FindingKind::Inconsistent],
            vec![FindingKind::Term],
        ] {
            let config = CheckConfig {
                from: from.clone(),
                langs: Vec::new(),
                kinds,
                min_severity: Severity::Warning,
            };
            let mut one = Vec::new();
            let summary_one = check_each(
                None,
                &CheckInput::Tmx(tmx.clone()),
                &config,
                &checks,
                &mut |r| {
                    one.push(serde_json::to_string(&r).unwrap());
                    Ok(())
                },
            )
            .unwrap();
            assert!(summary_one.findings > 0);
            for (helpers, block) in [(0, 7), (1, 7), (2, 13), (1, 1000), (0, BLOCK)] {
                let mut readers: Vec<Snapshot> = (0..helpers)
                    .map(|_| Store::open_reader(&path).unwrap().snapshot().unwrap())
                    .collect();
                let mut many = Vec::new();
                let summary_many = check_memory_in_blocks(
                    &store,
                    &mut readers,
                    block,
                    &config,
                    &checks,
                    &mut |r| {
                        many.push(serde_json::to_string(&r).unwrap());
                        Ok(())
                    },
                )
                .unwrap();
                assert_eq!(many, one, "{helpers} helpers, blocks of {block}");
                assert_eq!(
                    (
                        summary_many.units,
                        summary_many.pairs,
                        summary_many.findings
                    ),
                    (summary_one.units, summary_one.pairs, summary_one.findings)
                );
            }
        }
    }

    #[test]
    fn a_failing_output_stops_every_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let store = memory(&path, 200);
        let from = Lang::parse("en").unwrap();
        let checks = PairChecks::new(None, &from);
        let config = CheckConfig {
            from,
            langs: Vec::new(),
            kinds: Vec::new(),
            min_severity: Severity::Warning,
        };
        let mut readers = vec![Store::open_reader(&path).unwrap().snapshot().unwrap()];
        let mut taken = 0;
        let err = check_memory_in_blocks(&store, &mut readers, 5, &config, &checks, &mut |_| {
            taken += 1;
            if taken == 3 {
                Err(
                    crate::ErrorKind::Write(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
                        .into(),
                )
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert!(err.to_string().contains("pipe"), "{err}");
        assert_eq!(taken, 3);
    }

    #[test]
    fn a_snapshot_reads_the_memory_as_it_was_when_taken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        drop(memory(&path, 10));
        let snapshot = Store::open_reader(&path).unwrap().snapshot().unwrap();
        // Another connection adds units meanwhile.
        drop(memory(&path, 5));
        assert_eq!(snapshot.max_unit_id().unwrap(), 10);
        let mut units = 0;
        snapshot
            .for_each_unit_texts(|_, _, _| {
                units += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(units, 10);
        drop(snapshot);
        assert_eq!(
            Store::open_reader(&path).unwrap().max_unit_id().unwrap(),
            15
        );
    }
}
