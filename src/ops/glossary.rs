//! Glossaries: importing and exporting termbases, loading the entries a command needs (the
//! memory's termbase and glossary files given with `--glossary`), and finding their terms.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;
use crate::formats::glossary::{self, GlossaryFormat, Layout, OmegatWriter, ReadOptions};
use crate::formats::tbx;
use crate::formats::tmx::Problem;
use crate::model::{Lang, TermEntry};
use crate::ops::prepare::KitTerm;
use crate::store::Store;

/// What a glossary file gave.
#[derive(Debug, Clone, Serialize)]
pub struct GlossaryFile {
    pub path: String,
    pub format: String,
    /// Entries read and kept.
    pub entries: u64,
    /// Entries left out (no term in the source language, no term at all, an unreadable status).
    pub skipped: u64,
    /// Why, where.
    pub problems: Vec<Problem>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct GlossaryImport {
    pub glossary: String,
    pub files: Vec<GlossaryFile>,
    /// Concepts added.
    pub added: u64,
    /// Concepts removed first (`--replace`).
    pub replaced: u64,
    pub skipped: u64,
}

/// How to read glossary files.
#[derive(Debug, Clone)]
pub struct ReadConfig {
    /// The format; detected from the extension and content when `None`.
    pub format: Option<GlossaryFormat>,
    /// The source language: an entry without a term in it is reported and skipped. Also the
    /// source of headerless two-column files.
    pub source: Lang,
    /// The target language of headerless two-column files.
    pub target: Lang,
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
    let mut entry = TermEntry::default();
    // Entries without a term in the source language are reported where they start, and skipped.
    let mut keep = |entry: &TermEntry, at: crate::error::Location, problems: &mut Vec<Problem>| {
        if entry.has_lang(&config.source) {
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
            while r.read_entry(&mut entry)? {
                let at = r
                    .entry_location()
                    .cloned()
                    .unwrap_or(crate::error::Location {
                        path: name.clone(),
                        line: 1,
                        column: 1,
                    });
                keep(&entry, at, &mut problems);
            }
            problems.extend(r.take_problems());
        }
        _ => {
            let opts =
                ReadOptions::for_format(format, config.source.clone(), config.target.clone());
            let mut r = glossary::Reader::open(path, &opts)?;
            while r.read_entry(&mut entry)? {
                keep(&entry, r.entry_location(), &mut problems);
            }
            problems.extend(r.take_problems());
        }
    }
    problems.sort_by_key(|p| (p.location.line, p.location.column));
    let file = GlossaryFile {
        path: name,
        format: format_name(format).to_string(),
        entries: entries.len() as u64,
        skipped: problems.len() as u64,
        problems,
    };
    Ok((entries, file))
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
    let mut w = store.writer()?;
    let g = w.glossary_id(name, &today())?;
    let replaced = if replace { w.clear_glossary(g)? } else { 0 };
    let mut report = GlossaryImport {
        glossary: name.to_string(),
        files: Vec::new(),
        added: 0,
        replaced,
        skipped: 0,
    };
    for (entries, file) in read {
        for e in &entries {
            w.add_concept(g, e)?;
        }
        report.added += entries.len() as u64;
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
    Csv,
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
    out.retain(|e| e.has_lang(from));
    let config = ReadConfig {
        format: None,
        source: from.clone(),
        target: Lang::parse("zh-CN")?,
    };
    for f in files {
        out.extend(read_file(f, &config)?.0);
    }
    Ok(out)
}

/// A term finder over `entries` for text in `from`, giving translations in `to`.
pub fn term_finder<'a>(
    entries: &'a [TermEntry],
    from: &'a Lang,
    to: &'a [Lang],
) -> impl Fn(&str) -> Vec<KitTerm> + 'a {
    let _ = (entries, from, to);
    |_text: &str| Vec::new()
}

/// A concept as `glossary list --format json` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListedEntry {
    pub id: i64,
    pub glossary: String,
    pub concept_id: Option<String>,
    pub subject: Option<String>,
    pub definition: Option<String>,
    pub note: Option<String>,
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
