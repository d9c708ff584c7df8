//! Glossaries: importing and exporting termbases, loading the entries a command needs (the
//! memory's termbase and glossary files given with `--glossary`) and compiling them into a
//! [`Termbase`] ([`termbase`]), and finding their terms. The termbase itself, pure matching, is
//! `matching::termbase`.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Location;
use crate::error::Result;
use crate::formats::glossary::{self, GlossaryFormat, Layout, OmegatWriter, ReadOptions};
use crate::formats::tbx;
use crate::formats::{Item, ItemReader, Problem};
use crate::matching::termbase::index_lang;
pub use crate::matching::termbase::{SourceTerms, Termbase};
use crate::model::{Lang, TermEntry};
use crate::store::Store;

/// What a glossary file gave.
#[derive(Debug, Clone, Serialize)]
pub struct GlossaryFile {
    /// The file as given.
    pub path: String,
    /// `tbx`, `csv`, `tsv` or `omegat`.
    pub format: String,
    /// Entries read and kept.
    pub entries: u64,
    /// Entries left out: a concept that breaks the rules of its TBX dialect, a row without terms,
    /// an entry without a term in the source language...
    pub skipped: u64,
    /// Why entries were skipped (the message with its quoted values left out), with counts.
    pub skipped_reasons: BTreeMap<String, u64>,
    /// The first problems (as many as [`ReadConfig::max_problems_listed`]), in file order, each
    /// with its location and why.
    pub problems: Vec<Problem>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct GlossaryImport {
    /// The name of the glossary the concepts went into.
    pub glossary: String,
    /// What each file gave, in the order given.
    pub files: Vec<GlossaryFile>,
    /// Concepts added.
    pub added: u64,
    /// Concepts the glossary already had, unchanged: not added again.
    pub unchanged: u64,
    /// Concepts removed first (`--replace`).
    pub replaced: u64,
    /// Entries skipped in all files.
    pub skipped: u64,
}

/// How to read glossary files.
#[derive(Debug, Clone)]
pub struct ReadConfig {
    /// The format; detected from the extension and content when `None`.
    pub format: Option<GlossaryFormat>,
    /// The source language: an entry without a term in it is reported and skipped. Also the
    /// source of OmegaT glossaries when `langs` has fewer than two languages.
    pub source: Lang,
    /// The target language of OmegaT glossaries when `langs` has fewer than two languages.
    pub target: Lang,
    /// The languages of the term columns of CSV and TSV files that do not name them (see
    /// [`ReadOptions::langs`]); empty: such files are refused.
    pub langs: Vec<Lang>,
    /// Stop at the first entry that would be skipped: an error, and nothing imported.
    pub strict: bool,
    /// How many problems a file report lists (all are counted).
    pub max_problems_listed: usize,
}

impl ReadConfig {
    /// Reading for a command that uses glossary files as they are (`--glossary`): source `from`,
    /// OmegaT files from `from` to zh-CN, no `langs`, nothing strict.
    pub fn lenient(from: &Lang) -> ReadConfig {
        ReadConfig {
            format: None,
            source: from.clone(),
            target: Lang::parse("zh-CN").expect("\"zh-CN\" is a valid language tag"),
            langs: Vec::new(),
            strict: false,
            max_problems_listed: 10,
        }
    }
}

fn format_name(f: GlossaryFormat) -> &'static str {
    match f {
        GlossaryFormat::Tbx => "tbx",
        GlossaryFormat::Csv => "csv",
        GlossaryFormat::Tsv => "tsv",
        GlossaryFormat::OmegatTsv => "omegat",
    }
}

/// Reads a whole glossary file; entries without a term in the source language are reported (with
/// the entry's id or first term) and left out.
pub fn read_file(path: &Path, config: &ReadConfig) -> Result<(Vec<TermEntry>, GlossaryFile)> {
    let format = match config.format {
        Some(f) => f,
        None => {
            let mut head = Vec::with_capacity(1024);
            std::fs::File::open(path)
                .and_then(|f| f.take(1024).read_to_end(&mut head))
                .map_err(|e| crate::Error::io(path, e))?;
            GlossaryFormat::detect(path, &head)
        }
    };
    let name = path.display().to_string();
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    // Entries without a term in the source language are reported where they start, and skipped.
    let mut keep = |entry: &TermEntry, at: Location, problems: &mut Vec<Problem>| {
        if entry.has_lang(&index_lang(&config.source)) {
            entries.push(entry.clone());
            return;
        }
        let what = match (&entry.id, entry.terms.first()) {
            (Some(id), _) => format!("entry {id:?}"),
            (None, Some(t)) => format!("the entry of {:?}", t.text),
            (None, None) => "an entry".to_string(),
        };
        problems.push(Problem {
            location: at,
            message: format!(
                "{what} has no {} term: skipped (a glossary entry needs a source term)",
                config.source
            ),
        });
    };
    match format {
        GlossaryFormat::Tbx => {
            let mut r = tbx::Reader::open(path)?;
            let start = |r: &tbx::Reader| {
                r.entry_location().cloned().unwrap_or(Location {
                    path: name.clone(),
                    line: 1,
                    column: 1,
                })
            };
            read_entries(&mut r, start, &mut keep, &mut problems)?;
        }
        _ => {
            let langs = if format == GlossaryFormat::OmegatTsv && config.langs.len() < 2 {
                vec![config.source.clone(), config.target.clone()]
            } else {
                config.langs.clone()
            };
            let opts = ReadOptions::for_langs(format, langs);
            let mut r = glossary::Reader::open(path, &opts)?;
            read_entries(
                &mut r,
                glossary::Reader::entry_location,
                &mut keep,
                &mut problems,
            )?;
        }
    }
    problems.sort_by_key(|p| (p.location.line, p.location.column));
    if config.strict
        && let Some(first) = problems.first()
    {
        return Err(crate::ErrorKind::Rejected {
            location: first.location.clone(),
            message: format!("{} (--strict stops at the first problem)", first.message),
        }
        .into());
    }
    let mut skipped_reasons: BTreeMap<String, u64> = BTreeMap::new();
    for p in &problems {
        *skipped_reasons
            .entry(super::reason_of(&p.message))
            .or_default() += 1;
    }
    let skipped = problems.len() as u64;
    problems.truncate(config.max_problems_listed.max(1));
    let file = GlossaryFile {
        path: name,
        format: format_name(format).to_string(),
        entries: entries.len() as u64,
        skipped,
        skipped_reasons,
        problems,
    };
    Ok((entries, file))
}

/// Reads every entry of `reader`, handing each to `keep` with the place it starts (`start`); the
/// reader's own problems (entries it skipped) go after those `keep` adds, as they always have.
fn read_entries<R: ItemReader<Unit = TermEntry>>(
    reader: &mut R,
    start: impl Fn(&R) -> Location,
    keep: &mut dyn FnMut(&TermEntry, Location, &mut Vec<Problem>),
    problems: &mut Vec<Problem>,
) -> Result<()> {
    let mut entry = TermEntry::default();
    let mut skipped = Vec::new();
    loop {
        match reader.read_item(&mut entry)? {
            Item::Unit => keep(&entry, start(reader), problems),
            Item::Problem(p) => skipped.push(p),
            Item::End => break,
        }
    }
    problems.extend(skipped);
    Ok(())
}

/// Imports glossary files into the glossary `name` in one transaction: a malformed file leaves the
/// memory as it was.
pub fn import(
    store: &mut Store,
    name: &str,
    files: &[PathBuf],
    replace: bool,
    config: &ReadConfig,
) -> Result<GlossaryImport> {
    validate_name(name)?;
    // Read everything before writing anything.
    let mut read = Vec::new();
    for f in files {
        read.push(read_file(f, config)?);
    }
    // Concepts the glossary already has, unchanged, are not added twice (importing a file again
    // changes nothing).
    let mut known: Vec<TermEntry> = if replace {
        Vec::new()
    } else {
        match store.load_concepts(Some(name)) {
            Ok(c) => c.into_iter().map(|c| c.entry).collect(),
            Err(_) => Vec::new(),
        }
    };
    let mut w = store.writer()?;
    let g = w.glossary_id(name, &today())?;
    let replaced = if replace { w.clear_glossary(g)? } else { 0 };
    let mut report = GlossaryImport {
        glossary: name.to_string(),
        files: Vec::new(),
        added: 0,
        unchanged: 0,
        replaced,
        skipped: 0,
    };
    for (entries, file) in read {
        for e in &entries {
            if known.contains(e) {
                report.unchanged += 1;
                continue;
            }
            w.add_concept(g, e)?;
            known.push(e.clone());
            report.added += 1;
        }
        report.skipped += file.skipped;
        report.files.push(file);
    }
    w.commit()?;
    Ok(report)
}

/// Formats a glossary can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// TBX v3, TBX-Basic, DCA style.
    Tbx,
    /// TBX v2 (martif).
    Tbx2,
    /// Comma-separated values (RFC 4180) with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// OmegaT's glossary: the first language is the source, the second the target.
    Omegat,
}

/// Writes `entries` in `format`. `langs` limits the languages (all when empty); an OmegaT
/// glossary needs two. Returns how many entries were written.
pub fn write_entries<W: Write>(
    entries: &[TermEntry],
    format: ExportFormat,
    langs: &[Lang],
    out: W,
) -> Result<(W, u64)> {
    let keep = |e: &TermEntry| -> TermEntry {
        let mut e = e.clone();
        if !langs.is_empty() {
            e.terms.retain(|t| langs.iter().any(|l| l.matches(&t.lang)));
        }
        e
    };
    let entries: Vec<TermEntry> = entries
        .iter()
        .map(keep)
        .filter(|e| !e.terms.is_empty())
        .collect();
    let n = entries.len() as u64;
    match format {
        ExportFormat::Tbx | ExportFormat::Tbx2 => {
            let options = tbx::WriterOptions {
                version: if format == ExportFormat::Tbx {
                    tbx::Version::V3
                } else {
                    tbx::Version::V2
                },
                ..tbx::WriterOptions::default()
            };
            let mut w = tbx::Writer::new(out, &options)?;
            for e in &entries {
                w.write_entry(e)?;
            }
            Ok((w.finish()?, n))
        }
        ExportFormat::Csv | ExportFormat::Tsv => {
            let delimiter = if format == ExportFormat::Csv {
                b','
            } else {
                b'\t'
            };
            let layout = if langs.is_empty() {
                Layout::for_entries(&entries, delimiter)
            } else {
                let mut l = Layout::for_entries(&entries, delimiter);
                // Languages in the order asked for.
                let mut ordered = Vec::new();
                for want in langs {
                    ordered.extend(
                        l.columns
                            .iter()
                            .filter(|c| column_lang(c).is_some_and(|cl| want.matches(cl)))
                            .cloned(),
                    );
                }
                ordered.extend(
                    l.columns
                        .iter()
                        .filter(|c| column_lang(c).is_none())
                        .cloned(),
                );
                l.columns = ordered;
                l
            };
            let mut w = glossary::Writer::new(out, layout)?;
            for e in &entries {
                w.write_entry(e)?;
            }
            Ok((w.finish()?, n))
        }
        ExportFormat::Omegat => {
            let (Some(source), Some(target)) = (langs.first(), langs.get(1)) else {
                return Err(crate::ErrorKind::Invalid {
                    what: "languages",
                    value: langs
                        .iter()
                        .map(Lang::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                    reason: "an OmegaT glossary needs a source and a target language: \
                             --langs en,zh-CN"
                        .to_string(),
                }
                .into());
            };
            let mut w = OmegatWriter::new(out, source.clone(), target.clone());
            let mut written = 0;
            for e in &entries {
                if w.write_entry(e)? {
                    written += 1;
                }
            }
            Ok((w.finish()?, written))
        }
    }
}

fn column_lang(c: &glossary::Column) -> Option<&Lang> {
    use glossary::Column::*;
    match c {
        Term(l) | Status(l) | Pos(l) | Note(l) | Case(l) => Some(l),
        _ => None,
    }
}

/// The entries a command works with: every concept of the memories' termbases, then those of the
/// glossary files, keeping only concepts with a term in `from`.
pub fn load(stores: &[Store], files: &[PathBuf], from: &Lang) -> Result<Vec<TermEntry>> {
    let mut out = Vec::new();
    for s in stores {
        out.extend(s.load_concepts(None)?.into_iter().map(|c| c.entry));
    }
    out.retain(|e| e.has_lang(&index_lang(from)));
    let config = ReadConfig::lenient(from);
    for f in files {
        out.extend(read_file(f, &config)?.0);
    }
    Ok(out)
}

/// The termbase a command checks and finds terms with: the memories' termbases and the glossary
/// files (see [`load`]), compiled for texts in `from`.
pub fn termbase(stores: &[Store], files: &[PathBuf], from: &Lang) -> Result<Termbase> {
    Ok(Termbase::new(load(stores, files, from)?, from))
}

/// A term found in a text, as `tmkit terms --format json` and the server's `terms` give it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FoundTerm {
    /// Byte range in the text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// Character range in the text.
    pub char_start: usize,
    /// End of the character range (exclusive).
    pub char_end: usize,
    /// The text as it stands.
    pub text: String,
    /// The glossary's term.
    pub term: String,
    /// The concept's id in its glossary file, if it has one.
    pub concept: Option<String>,
    /// The concept's note for translators, if it has one.
    pub note: Option<String>,
    /// Approved translations (preferred first), by language.
    pub translations: std::collections::BTreeMap<String, Vec<String>>,
    /// Forbidden translations, by language.
    pub forbidden: std::collections::BTreeMap<String, Vec<String>>,
}

/// The glossary terms in `text`, longest first, with their translations in `to`.
pub fn find_terms(termbase: &Termbase, text: &str, to: &[Lang]) -> Vec<FoundTerm> {
    termbase
        .find(text)
        .into_iter()
        .map(|h| {
            let entry = &termbase.entries[h.entry];
            let owned =
                |v: Vec<&str>| -> Vec<String> { v.into_iter().map(str::to_string).collect() };
            let translations = to
                .iter()
                .map(|l| (l.to_string(), owned(termbase.approved(h.entry, l))))
                .collect();
            let forbidden = to
                .iter()
                .map(|l| (l.to_string(), owned(termbase.forbidden(h.entry, l))))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            FoundTerm {
                start: h.start,
                end: h.end,
                char_start: text[..h.start].chars().count(),
                char_end: text[..h.end].chars().count(),
                text: text[h.start..h.end].to_string(),
                term: entry.terms[h.term].text.clone(),
                concept: entry.id.clone(),
                note: entry.note.clone(),
                translations,
                forbidden,
            }
        })
        .collect()
}

/// A concept as `glossary list --format json` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListedEntry {
    /// The concept's id in the memory (what `glossary remove` takes).
    pub id: i64,
    /// The glossary it belongs to.
    pub glossary: String,
    /// The concept's id in its source file (TBX `id`), if any.
    pub concept_id: Option<String>,
    /// Subject field (TBX `subjectField`).
    pub subject: Option<String>,
    /// A definition of the concept.
    pub definition: Option<String>,
    /// A note on the concept as a whole.
    pub note: Option<String>,
    /// Its terms in every language, in the order of the source file.
    pub terms: Vec<crate::model::Term>,
}

impl From<&crate::store::StoredEntry> for ListedEntry {
    fn from(s: &crate::store::StoredEntry) -> ListedEntry {
        ListedEntry {
            id: s.id,
            glossary: s.glossary.clone(),
            concept_id: s.entry.id.clone(),
            subject: s.entry.subject.clone(),
            definition: s.entry.definition.clone(),
            note: s.entry.note.clone(),
            terms: s.entry.terms.clone(),
        }
    }
}

fn today() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    now.format(&fmt).unwrap_or_default()
}

fn no_glossary(name: &str) -> crate::Error {
    crate::ErrorKind::Invalid {
        what: "glossary",
        value: name.to_string(),
        reason: "the memory has no glossary of that name (`tmkit glossary list` shows them)"
            .to_string(),
    }
    .into()
}

/// Adds one concept to the glossary `name` (created if needed); returns the concept's id.
pub fn add_entry(store: &mut Store, name: &str, entry: &TermEntry) -> Result<i64> {
    validate_name(name)?;
    let mut w = store.writer()?;
    let g = w.glossary_id(name, &today())?;
    let id = w.add_concept(g, entry)?;
    w.commit()?;
    Ok(id)
}

/// Removes the glossary `name` (when `concepts` and `terms` are both empty) or the concepts with
/// those ids or with one of those terms; returns how many concepts went.
pub fn remove(store: &mut Store, name: &str, concepts: &[i64], terms: &[String]) -> Result<u64> {
    let mut ids: Vec<i64> = concepts.to_vec();
    if !terms.is_empty() {
        let wanted: Vec<String> = terms.iter().map(|t| t.trim().to_lowercase()).collect();
        for c in store.load_concepts(Some(name))? {
            if c.entry
                .terms
                .iter()
                .any(|t| wanted.contains(&t.text.to_lowercase()))
            {
                ids.push(c.id);
            }
        }
    }
    let mut w = store.writer()?;
    let g = w
        .existing_glossary(name)?
        .ok_or_else(|| no_glossary(name))?;
    let removed = if concepts.is_empty() && terms.is_empty() {
        w.drop_glossary(g)?
    } else {
        ids.sort_unstable();
        ids.dedup();
        w.remove_concepts_of(g, &ids)?
    };
    w.commit()?;
    Ok(removed)
}

/// A glossary name: not empty, no control characters.
fn validate_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(crate::ErrorKind::Invalid {
            what: "glossary name",
            value: name.to_string(),
            reason: "give a non-empty name without control characters".to_string(),
        }
        .into());
    }
    Ok(())
}
