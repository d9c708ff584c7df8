//! Import TMX files and translated XLIFF 1.2 files into the memory: one transaction for the whole command, duplicates merged,
//! problems in single units counted and reported.
//!
//! A TMX file goes through three threads joined by bounded queues (so memory stays bounded
//! whatever the file's size): the parser (`read_file`), the index keys of every variant
//! (`add_keys`: tokenizing, bigram keys and their buckets), and the database (this thread:
//! duplicate rules, rows, and postings gathered in memory, set aside in sorted runs and written
//! as one row per bucket at the commit, see `store::index`).
//!
//! What a kill leaves behind, at any stage: nothing. Everything, rows and postings alike, is
//! written inside the one write transaction that [`import`] opens first and commits last; the
//! memory is in WAL mode, so until the commit record is in the log, a killed process (while
//! parsing, while flushing postings, while committing) leaves only log frames that SQLite
//! ignores and discards the next time the memory is opened: the memory is exactly as before.
//! The first import into an empty memory from the command line ([`ImportConfig::bulk`]) writes
//! the memory file itself, with a rollback journal (see `Store::bulk_writer`): killed before
//! the commit deletes the journal, it leaves pages in the file and their undoing in the
//! journal, which SQLite applies the next time the memory is opened for writing (truncating the
//! file to its size before the import); a reader that cannot write the memory is refused until
//! then, never shown those pages.
//! The Bloom filter, the pending postings and the queues live in memory only; the runs of
//! postings that a large import sets aside until its commit (see `store::index`) are in a
//! temporary file without a name, which the system deletes when the process ends, however it
//! ends.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc;

use serde::Serialize;

use crate::error::{ErrorKind, Result};
use std::io::Read;

use crate::formats::Problem;
use crate::formats::tmx::{self, Item};
use crate::formats::xliff::{self, ImportPolicy};
use crate::matching::grams::{Grams, text_grams};
use crate::model::{Extra, Lang, TranslationUnit, Variant};
use crate::store::{Store, VariantBuckets, Writer, buckets_of};

/// What to do with a unit whose source text is already in the memory with another translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnDuplicate {
    /// Keep both: the new unit becomes an alternative translation. Identical units are merged.
    #[default]
    Keep,
    /// Replace the stored unit's translations with the new ones.
    Overwrite,
    /// Leave the memory as it is and skip the new unit.
    Skip,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportConfig {
    /// The TMX or XLIFF files to import, in order.
    pub files: Vec<PathBuf>,
    /// What to do with a unit whose source is already in the memory with another translation.
    pub on_duplicate: OnDuplicate,
    /// Stop at the first problem in a unit instead of skipping the unit.
    pub strict: bool,
    /// Language tags to rename: `zh` to `zh-CN`, say.
    pub lang_map: Vec<(Lang, Lang)>,
    /// How many problems a file report lists (all are counted).
    pub max_problems_listed: usize,
    /// Which targets of XLIFF files are imported (default: translated and later states).
    pub xliff_policy: ImportPolicy,
    /// The names `files` are reported and recorded under, in the same order (a server's upload is
    /// received under another path); a file without one goes by its path.
    pub names: Vec<String>,
    /// Whether an import into a memory that holds no unit yet may keep it from other
    /// connections until the commit, to write it once instead of twice (see
    /// [`Store::bulk_writer`]): for the command line, not for a server whose readers must go on
    /// answering.
    pub bulk: bool,
}

/// The name a file is reported and recorded under (see [`ImportConfig::names`]).
fn display_name(config: &ImportConfig, path: &std::path::Path) -> String {
    config
        .files
        .iter()
        .position(|f| f == path)
        .and_then(|i| config.names.get(i))
        .cloned()
        .unwrap_or_else(|| path.display().to_string())
}

/// Hooks for a progress display; every method has a default that does nothing.
pub trait Progress: Sync {
    /// A file starts; `bytes` is its size when known.
    fn start_file(&self, _name: &str, _bytes: Option<u64>) {}
    /// Bytes of the file read so far.
    fn advance(&self, _bytes: u64) {}
    /// The file is done.
    fn finish_file(&self) {}
    /// Everything is read; the transaction is being committed.
    fn committing(&self) {}
    /// The candidate index of an older memory is being built: `done` of `total` units.
    fn rebuilding(&self, _done: u64, _total: u64) {}
}

/// A progress display that shows nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// What happened to one file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileReport {
    /// The file, as reported and recorded (see [`ImportConfig::names`]).
    pub path: String,
    /// The encoding the file was read in (`UTF-8`, `UTF-16LE`, ...).
    pub encoding: String,
    /// The `version` of `<tmx>` (`1.4`, `1.4b`), or `XLIFF 1.2` for XLIFF; `None` when not given.
    pub tmx_version: Option<String>,
    /// Units in the file, including those skipped.
    pub units_read: u64,
    /// New units.
    pub added: u64,
    /// Units identical to one in the memory: merged into it (dates, counts, notes, properties).
    pub merged: u64,
    /// New units whose source is in the memory with another translation, kept as alternatives.
    pub alternatives: u64,
    /// Stored units whose translations were replaced (`--on-duplicate overwrite`).
    pub overwritten: u64,
    /// Units not imported.
    pub skipped: u64,
    /// Why units were skipped, with counts.
    pub skipped_reasons: BTreeMap<String, u64>,
    /// The first problems, with their locations.
    pub problems: Vec<Problem>,
    /// Variants read per language tag, in the units that were read without a problem.
    pub languages: BTreeMap<String, u64>,
    /// What was imported and is kept in the memory but will not be written back by `export`,
    /// with counts (see [`NOT_EXPORTED_ATTRIBUTES`]).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub not_exported: BTreeMap<String, u64>,
}

/// The `not_exported` entry for attributes the TMX 1.4 DTD does not declare (Heartsome's
/// `<ph id="1">`, a tool's own `<tu>` attributes): kept in the memory, left out of exported TMX so
/// that it validates (an inline `id` is exported as `x`, which is not counted).
pub const NOT_EXPORTED_ATTRIBUTES: &str =
    "attributes the TMX 1.4 DTD does not declare (kept in the memory, left out of exported TMX)";

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// One report per file, in order.
    pub files: Vec<FileReport>,
    /// Units in all files, including those skipped.
    pub units_read: u64,
    /// New units.
    pub added: u64,
    /// Units merged into a stored one (see [`FileReport::merged`]).
    pub merged: u64,
    /// New units kept as alternative translations.
    pub alternatives: u64,
    /// Stored units whose translations were replaced.
    pub overwritten: u64,
    /// Units not imported.
    pub skipped: u64,
}

enum Msg {
    Header(tmx::Header, String),
    /// A unit with the index buckets of each of its variants.
    Unit(TranslationUnit, Vec<(u32, Vec<u32>)>),
    Problem(Problem),
    Fatal(crate::Error),
}

const BATCH: usize = 1024;
/// About how many bytes of unit text (with their index buckets) a batch holds at most.
const BATCH_BYTES: usize = 1 << 20;

/// The skip reason counted for units left out by `--on-duplicate skip`.
pub const SKIPPED_DUPLICATE: &str = "source already in the memory (--on-duplicate skip)";

/// Imports the files into the memory in one transaction: on any error nothing is written.
pub fn import(
    store: &mut Store,
    config: &ImportConfig,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let report = import_all(store, config, progress);
    if report.is_err() && config.bulk {
        // A first import that failed leaves the memory in WAL mode, as it found it; should
        // that fail too, the next write or open does it, and the import's error is the news.
        let _ = store.restore_log();
    }
    report
}

fn import_all(
    store: &mut Store,
    config: &ImportConfig,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let mut writer = if config.bulk {
        store.bulk_writer()?
    } else {
        store.writer()?
    };
    ensure_index(&mut writer, &|done, total| progress.rebuilding(done, total))?;
    let mut report = ImportReport::default();
    let imported_at = crate::formats::tmx::date_now();
    for path in &config.files {
        let file = import_file(&mut writer, path, config, &imported_at, progress)?;
        report.files.push(file);
    }
    for file in &report.files {
        report.units_read += file.units_read;
        report.added += file.added;
        report.merged += file.merged;
        report.alternatives += file.alternatives;
        report.overwritten += file.overwritten;
        report.skipped += file.skipped;
    }
    progress.committing();
    writer.commit()?;
    Ok(report)
}

fn count(report: &mut FileReport, outcome: Outcome) {
    match outcome {
        Outcome::Added => report.added += 1,
        Outcome::Merged => report.merged += 1,
        Outcome::Alternative => report.alternatives += 1,
        Outcome::Overwritten => report.overwritten += 1,
        Outcome::Skipped => {
            report.skipped += 1;
            *report
                .skipped_reasons
                .entry(SKIPPED_DUPLICATE.to_string())
                .or_default() += 1;
        }
    }
}

/// Adds one unit (from the command line, say) with the same duplicate rules as an import.
pub fn add_unit(
    store: &mut Store,
    unit: &TranslationUnit,
    on_duplicate: OnDuplicate,
) -> Result<Outcome> {
    let mut writer = store.writer()?;
    ensure_index(&mut writer, &|_, _| {})?;
    let buckets = unit_buckets(unit);
    let outcome = place(&mut writer, unit, &buckets, None, on_duplicate, None)?;
    writer.commit()?;
    Ok(outcome)
}

/// The index buckets of every variant of a unit: (length in tokens, buckets).
fn unit_buckets(unit: &TranslationUnit) -> Vec<(u32, Vec<u32>)> {
    unit_grams(unit)
        .into_iter()
        .zip(&unit.variants)
        .map(|(g, v)| (g.len, buckets_of(&v.lang, &g.keys)))
        .collect()
}

/// The index keys of every variant of a unit.
pub fn unit_grams(unit: &TranslationUnit) -> Vec<Grams> {
    let mut tokens = Vec::new();
    unit.variants
        .iter()
        .map(|v| text_grams(&v.text, &mut tokens))
        .collect()
}

/// Builds the candidate index when the memory lacks it (a memory from an older tmkit).
pub fn ensure_index(writer: &mut Writer<'_>, progress: &dyn Fn(u64, u64)) -> Result<()> {
    if writer.index_ready()? {
        return Ok(());
    }
    writer.rebuild_index(
        &|unit| {
            unit_grams(unit)
                .into_iter()
                .map(|g| (g.len, g.keys))
                .collect()
        },
        progress,
    )
}

/// Whether a file is XLIFF: by its extension (`.xlf`, `.xliff`, `.sdlxliff`), else by an
/// `<xliff` element near its start.
pub fn is_xliff(path: &std::path::Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if matches!(ext.as_deref(), Some("xlf" | "xliff" | "sdlxliff")) {
        return true;
    }
    if matches!(ext.as_deref(), Some("tmx")) {
        return false;
    }
    let mut head = Vec::with_capacity(2048);
    if std::fs::File::open(path)
        .and_then(|f| std::io::Read::take(f, 2048).read_to_end(&mut head))
        .is_err()
    {
        return false;
    }
    // UTF-16 files: look at every other byte too.
    let narrow: Vec<u8> = head.iter().copied().filter(|&b| b != 0).collect();
    memchr::memmem::find(&narrow, b"<xliff").is_some()
}

/// How many located problems an XLIFF rejection lists.
const XLIFF_PROBLEMS_SHOWN: usize = 10;

/// Imports the translated units of an XLIFF 1.2 file. Units the policy leaves out (no target,
/// a state not accepted) are counted and listed; a unit that cannot be read (an unknown state, a
/// target in another language than the file's) rejects the whole file, with every such problem
/// listed, so that nothing of it is half-imported.
fn import_xliff_file(
    writer: &mut Writer<'_>,
    path: &std::path::Path,
    config: &ImportConfig,
    imported_at: &str,
    progress: &dyn Progress,
) -> Result<FileReport> {
    let size = std::fs::metadata(path).ok().map(|m| m.len());
    progress.start_file(&path.display().to_string(), size);
    let mut report = FileReport {
        path: display_name(config, path),
        ..FileReport::default()
    };
    let mut reader = xliff::Reader::open(path)?;
    report.encoding = reader.encoding().name().to_string();
    report.tmx_version = Some("XLIFF 1.2".to_string());
    let mut units: Vec<TranslationUnit> = Vec::new();
    let mut bad: Vec<Problem> = Vec::new();
    let mut skips = xliff::SkipReport::default();
    let mut unit = xliff::Unit::new("", xliff::Content::plain(""));
    loop {
        match reader.read_unit(&mut unit)? {
            xliff::Item::End => break,
            xliff::Item::Problem(p) => {
                report.units_read += 1;
                bad.push(p);
            }
            xliff::Item::Unit => {
                report.units_read += 1;
                progress.advance(reader.bytes_read());
                if let Err(skip) = config.xliff_policy.check(&unit) {
                    skips.record(reader.unit_location(), &unit, &skip);
                    continue;
                }
                let Some(file) = reader.file() else { continue };
                let (Some(target), Some(target_lang)) = (&unit.target, &file.target_lang) else {
                    skips.record(reader.unit_location(), &unit, &xliff::Skip::NoTarget);
                    continue;
                };
                let map = |l: &Lang| -> Lang {
                    config
                        .lang_map
                        .iter()
                        .find(|(from, _)| from == l)
                        .map(|(_, to)| to.clone())
                        .unwrap_or_else(|| l.clone())
                };
                let variant = |lang: Lang, c: &xliff::Content| {
                    let mut v = Variant::new(lang, c.text.clone());
                    v.markup = c.markup.clone();
                    v
                };
                let mut tu = TranslationUnit {
                    source: Some(map(&file.source_lang)),
                    ..TranslationUnit::default()
                };
                // No dates: an untouched unit merges into the stored one and keeps its dates;
                // `place` stamps the import time on what the file changes.
                tu.variants
                    .push(variant(map(&file.source_lang), &unit.source));
                tu.variants.push(variant(map(target_lang), &target.content));
                units.push(tu);
            }
        }
    }
    progress.finish_file();
    if !bad.is_empty() {
        let mut message = format!(
            "{} unit{} of the file cannot be read, so nothing of it is imported:",
            bad.len(),
            if bad.len() == 1 { "" } else { "s" }
        );
        for p in bad.iter().take(XLIFF_PROBLEMS_SHOWN) {
            message.push_str(&format!("\n  {}: {}", p.location, p.message));
        }
        if bad.len() > XLIFF_PROBLEMS_SHOWN {
            message.push_str(&format!(
                "\n  ... and {} more",
                bad.len() - XLIFF_PROBLEMS_SHOWN
            ));
        }
        return Err(ErrorKind::Rejected {
            location: bad[0].location.clone(),
            message,
        }
        .into());
    }
    let origin = writer.add_origin(&report.path, imported_at, None)?;
    for tu in &units {
        let buckets = unit_buckets(tu);
        let outcome = place(
            writer,
            tu,
            &buckets,
            Some(origin),
            config.on_duplicate,
            Some(imported_at),
        )?;
        count(&mut report, outcome);
        for v in &tu.variants {
            *report.languages.entry(v.lang.to_string()).or_default() += 1;
        }
    }
    for p in &skips.problems {
        report.skipped += 1;
        *report
            .skipped_reasons
            .entry(super::reason_of(&p.message))
            .or_default() += 1;
        if report.problems.len() < config.max_problems_listed.max(1) {
            report.problems.push(p.clone());
        }
    }
    Ok(report)
}

fn import_file(
    writer: &mut Writer<'_>,
    path: &std::path::Path,
    config: &ImportConfig,
    imported_at: &str,
    progress: &dyn Progress,
) -> Result<FileReport> {
    if is_xliff(path) {
        return import_xliff_file(writer, path, config, imported_at, progress);
    }
    let size = std::fs::metadata(path).ok().map(|m| m.len());
    progress.start_file(&path.display().to_string(), size);
    // Real TMX spends at least 150 bytes on a unit; size the duplicate filter for that many.
    writer.expect_units(size.unwrap_or(0) / 150);
    let mut report = FileReport {
        path: display_name(config, path),
        ..FileReport::default()
    };
    let mut first_problem: Option<Problem> = None;
    let mut problems = 0u64;
    let result = std::thread::scope(|scope| -> Result<()> {
        // Three stages, each in its own thread, joined by bounded queues: parsing, then the
        // index keys of each unit (tokenizing every variant), then the database.
        let (tx, parsed) = mpsc::sync_channel::<Vec<Msg>>(16);
        let (keyed, rx) = mpsc::sync_channel::<Vec<Msg>>(16);
        let lang_map = &config.lang_map;
        scope.spawn(move || read_file(path, lang_map, tx, progress));
        scope.spawn(move || add_keys(parsed, keyed));
        let mut origin = None;
        // Variants per language, gathered here and added to the report's map at the end (a file
        // has a handful of languages: a list beats formatting a tag and a map look-up per variant).
        let mut languages: Vec<(Lang, u64)> = Vec::new();
        for batch in rx {
            for msg in batch {
                match msg {
                    Msg::Header(header, encoding) => {
                        report.encoding = encoding;
                        report.tmx_version = header.version.clone();
                        let json = serde_json::to_string(&header)?;
                        origin = Some(writer.add_origin(&report.path, imported_at, Some(&json))?);
                    }
                    Msg::Unit(unit, buckets) => {
                        report.units_read += 1;
                        let undeclared = tmx::dtd::not_exported(&unit) as u64;
                        if undeclared > 0 {
                            *report
                                .not_exported
                                .entry(NOT_EXPORTED_ATTRIBUTES.to_string())
                                .or_default() += undeclared;
                        }
                        let outcome =
                            place(writer, &unit, &buckets, origin, config.on_duplicate, None)?;
                        count(&mut report, outcome);
                        for v in &unit.variants {
                            match languages.iter_mut().find(|(l, _)| *l == v.lang) {
                                Some((_, n)) => *n += 1,
                                None => languages.push((v.lang.clone(), 1)),
                            }
                        }
                    }
                    Msg::Problem(problem) => {
                        if config.strict {
                            return Err(ErrorKind::Rejected {
                                location: problem.location,
                                message: format!(
                                    "{} (--strict stops at the first problem)",
                                    problem.message
                                ),
                            }
                            .into());
                        }
                        report.units_read += 1;
                        report.skipped += 1;
                        problems += 1;
                        *report
                            .skipped_reasons
                            .entry(super::reason_of(&problem.message))
                            .or_default() += 1;
                        if first_problem.is_none() {
                            first_problem = Some(problem.clone());
                        }
                        if report.problems.len() < config.max_problems_listed.max(1) {
                            report.problems.push(problem);
                        }
                    }
                    Msg::Fatal(e) => return Err(e),
                }
            }
        }
        for (lang, n) in languages {
            *report.languages.entry(lang.to_string()).or_default() += n;
        }
        Ok(())
    });
    progress.finish_file();
    result?;
    if problems > 0 && problems == report.units_read {
        let first = first_problem.expect("a problem was counted, so the first one was kept");
        let more = problems - 1;
        return Err(ErrorKind::Rejected {
            location: first.location,
            message: format!(
                "{}; no unit of the file could be imported{}",
                first.message,
                if more > 0 {
                    format!(" ({more} more problems)")
                } else {
                    String::new()
                }
            ),
        }
        .into());
    }
    Ok(report)
}

/// Runs in its own thread: parses the file and sends units in batches.
fn read_file(
    path: &std::path::Path,
    lang_map: &[(Lang, Lang)],
    tx: mpsc::SyncSender<Vec<Msg>>,
    progress: &dyn Progress,
) {
    let mut reader = match tmx::Reader::open(path) {
        Ok(r) => r,
        Err(e) => {
            let _ = tx.send(vec![Msg::Fatal(e)]);
            return;
        }
    };
    let encoding = reader.encoding().name().to_string();
    let mut batch = vec![Msg::Header(reader.header().clone(), encoding)];
    let mut unit = TranslationUnit::default();
    let mut batch_bytes = 0usize;
    loop {
        let msg = match reader.read_unit(&mut unit) {
            Ok(Item::Unit) => {
                for (from, to) in lang_map {
                    if unit.source.as_ref() == Some(from) {
                        unit.source = Some(to.clone());
                    }
                    for v in &mut unit.variants {
                        if &v.lang == from {
                            v.lang = to.clone();
                        }
                    }
                }
                if unit.variants.len() < 2 {
                    Msg::Problem(Problem {
                        location: reader.unit_location().clone(),
                        message: format!(
                            "the unit has only one variant ({}): nothing to translate from or to",
                            unit.variants.first().map(|v| v.lang.as_str()).unwrap_or("")
                        ),
                    })
                } else {
                    // The keys are added by the next stage (see `add_keys`).
                    Msg::Unit(std::mem::take(&mut unit), Vec::new())
                }
            }
            Ok(Item::Problem(p)) => Msg::Problem(p),
            Ok(Item::End) => break,
            Err(e) => {
                batch.push(Msg::Fatal(e));
                let _ = tx.send(batch);
                return;
            }
        };
        if let Msg::Unit(unit, _) = &msg {
            batch_bytes += unit
                .variants
                .iter()
                .map(|v| 64 + 2 * v.text.len() + v.markup.as_ref().map_or(0, String::len))
                .sum::<usize>();
        }
        batch.push(msg);
        // A batch is at most BATCH units or about BATCH_BYTES, so that the queue between the
        // threads holds a bounded amount of memory whatever the units' size.
        if batch.len() >= BATCH || batch_bytes >= BATCH_BYTES {
            progress.advance(reader.bytes_read());
            if tx.send(std::mem::take(&mut batch)).is_err() {
                return;
            }
            batch.reserve(BATCH);
            batch_bytes = 0;
        }
    }
    progress.advance(reader.bytes_read());
    let _ = tx.send(batch);
}

/// Runs in its own thread, between `read_file` and the database: computes the index buckets of
/// every variant of the units in each batch.
fn add_keys(rx: mpsc::Receiver<Vec<Msg>>, tx: mpsc::SyncSender<Vec<Msg>>) {
    let mut tokens = Vec::new();
    for mut batch in rx {
        for msg in &mut batch {
            if let Msg::Unit(unit, buckets) = msg {
                *buckets = unit
                    .variants
                    .iter()
                    .map(|v| {
                        let g = text_grams(&v.text, &mut tokens);
                        (g.len, buckets_of(&v.lang, &g.keys))
                    })
                    .collect();
            }
        }
        if tx.send(batch).is_err() {
            return;
        }
    }
}

/// What happened to one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Stored as a new unit.
    Added,
    /// Merged into a stored unit: the same unit, perhaps with more languages.
    Merged,
    /// Kept as an alternative translation of a stored source.
    Alternative,
    /// Replaced a stored unit's translations (`--on-duplicate overwrite`).
    Overwritten,
    /// Not stored: no source variant, or a duplicate with `--on-duplicate skip`.
    Skipped,
}

fn same_content(a: &TranslationUnit, b: &TranslationUnit) -> bool {
    if a.variants.len() != b.variants.len() || a.source != b.source {
        return false;
    }
    let key = |u: &TranslationUnit| {
        let mut k: Vec<(String, String)> = u
            .variants
            .iter()
            .map(|v| (v.lang.to_string(), v.content().to_string()))
            .collect();
        k.sort();
        k
    };
    key(a) == key(b)
}

/// Whether `new` only adds to `stored`: every language they share has the same text, and the
/// source is the same. Such a unit is merged into the stored one (its new languages added), not
/// kept as an alternative translation: an XLIFF file coming back with one language, or a TMX
/// export of part of a memory, is the same unit.
fn compatible(stored: &TranslationUnit, new: &TranslationUnit) -> bool {
    if stored.source != new.source {
        return false;
    }
    new.variants.iter().all(|nv| {
        let same_lang: Vec<&Variant> = stored
            .variants
            .iter()
            .filter(|sv| sv.lang == nv.lang)
            .collect();
        same_lang.is_empty() || same_lang.iter().any(|sv| sv.content() == nv.content())
    })
}

fn merge_extras(into: &mut Vec<Extra>, from: &[Extra]) {
    for e in from {
        if !into.contains(e) {
            into.push(e.clone());
        }
    }
}

fn merge_units(stored: &TranslationUnit, new: &TranslationUnit) -> TranslationUnit {
    let mut merged = stored.clone();
    merged.admin.merge(&new.admin);
    if merged.tuid.is_none() {
        merged.tuid.clone_from(&new.tuid);
    }
    for (k, v) in &new.attrs {
        if !merged.attrs.iter().any(|(mk, _)| mk == k) {
            merged.attrs.push((k.clone(), v.clone()));
        }
    }
    merge_extras(&mut merged.extras, &new.extras);
    for nv in &new.variants {
        if let Some(mv) = merged
            .variants
            .iter_mut()
            .find(|mv| mv.lang == nv.lang && mv.content() == nv.content())
        {
            mv.admin.merge(&nv.admin);
            merge_extras(&mut mv.extras, &nv.extras);
            for (k, v) in &nv.attrs {
                if !mv.attrs.iter().any(|(mk, _)| mk == k) {
                    mv.attrs.push((k.clone(), v.clone()));
                }
            }
        } else if !merged.variants.iter().any(|mv| mv.lang == nv.lang) {
            merged.variants.push(nv.clone());
        }
    }
    merged
}

/// Stores a unit under the duplicate rules. `stamp`, for files whose units carry no dates (XLIFF),
/// is the change date given to what the unit changes: a new unit, a new translation, a new
/// language; a unit that changes nothing keeps its dates and change id.
fn place(
    writer: &mut Writer<'_>,
    unit: &TranslationUnit,
    buckets: &[(u32, Vec<u32>)],
    origin: Option<i64>,
    mode: OnDuplicate,
    stamp: Option<&str>,
) -> Result<Outcome> {
    let Some(src) = unit.source_variant() else {
        return Ok(Outcome::Skipped);
    };
    let candidates = writer.units_with_source(&src.lang, &src.text)?;
    let keys: Vec<VariantBuckets<'_>> = buckets
        .iter()
        .map(|(len, b)| VariantBuckets {
            len: *len,
            buckets: b,
        })
        .collect();
    decide(writer, unit, &keys, candidates, mode, origin, stamp)
}

/// `unit` with its change date set to `stamp` (and no change id: who changed it is not known).
fn stamped<'a>(
    unit: &'a TranslationUnit,
    stamp: Option<&str>,
) -> std::borrow::Cow<'a, TranslationUnit> {
    match stamp {
        None => std::borrow::Cow::Borrowed(unit),
        Some(date) => {
            let mut u = unit.clone();
            u.admin.change_date = Some(date.to_string());
            u.admin.change_id = None;
            std::borrow::Cow::Owned(u)
        }
    }
}

/// Applies the duplicate rules to a unit whose source the stored `candidates` share.
fn decide(
    writer: &mut Writer<'_>,
    unit: &TranslationUnit,
    keys: &[VariantBuckets<'_>],
    candidates: Vec<i64>,
    mode: OnDuplicate,
    origin: Option<i64>,
    stamp: Option<&str>,
) -> Result<Outcome> {
    if candidates.is_empty() {
        let id = writer.insert_unit(&stamped(unit, stamp), origin)?;
        writer.index_unit(id, keys)?;
        return Ok(Outcome::Added);
    }
    if mode == OnDuplicate::Skip {
        return Ok(Outcome::Skipped);
    }
    for &id in &candidates {
        let stored = writer.load_unit(id)?;
        if same_content(&stored, unit) {
            let merged = merge_units(&stored, unit);
            if merged != stored {
                writer.replace_unit(id, &merged)?;
            }
            return Ok(Outcome::Merged);
        }
    }
    for &id in &candidates {
        let stored = writer.load_unit(id)?;
        if compatible(&stored, unit) {
            let mut merged = merge_units(&stored, unit);
            if merged.variants.len() != stored.variants.len() {
                // New languages: the unit changed now; their variants go into the index.
                if let Some(date) = stamp {
                    merged.admin.change_date = Some(date.to_string());
                    merged.admin.change_id = None;
                }
                writer.replace_unit(id, &merged)?;
                let added = TranslationUnit {
                    variants: merged.variants[stored.variants.len()..].to_vec(),
                    ..TranslationUnit::default()
                };
                let buckets = unit_buckets(&added);
                let keys: Vec<VariantBuckets<'_>> = buckets
                    .iter()
                    .map(|(len, b)| VariantBuckets {
                        len: *len,
                        buckets: b,
                    })
                    .collect();
                writer.index_unit(id, &keys)?;
            } else if merged != stored {
                writer.replace_unit(id, &merged)?;
            }
            return Ok(Outcome::Merged);
        }
    }
    if mode == OnDuplicate::Overwrite {
        writer.replace_unit(candidates[0], &stamped(unit, stamp))?;
        writer.index_unit(candidates[0], keys)?;
        return Ok(Outcome::Overwritten);
    }
    let id = writer.insert_unit(&stamped(unit, stamp), origin)?;
    writer.index_unit(id, keys)?;
    Ok(Outcome::Alternative)
}
