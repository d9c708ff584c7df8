//! Glossaries: importing and exporting termbases, loading the entries a command needs (the
//! memory's termbase and glossary files given with `--glossary`), and finding their terms.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;
use crate::formats::glossary::{self, GlossaryFormat, Layout, OmegatWriter, ReadOptions};
use crate::formats::tbx;
use crate::formats::tmx::Problem;
use crate::matching::terms::{TermHit, TermIndex};
use crate::model::{Finding, FindingKind, Lang, Severity, Term, TermEntry, TermStatus};
use crate::ops::prepare::KitTerm;
use crate::store::Store;

/// What a glossary file gave.
#[derive(Debug, Clone, Serialize)]
pub struct GlossaryFile {
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
    pub glossary: String,
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
    let mut entry = TermEntry::default();
    // Entries without a term in the source language are reported where they start, and skipped.
    let mut keep = |entry: &TermEntry, at: crate::error::Location, problems: &mut Vec<Problem>| {
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
            let langs = if format == GlossaryFormat::OmegatTsv && config.langs.len() < 2 {
                vec![config.source.clone(), config.target.clone()]
            } else {
                config.langs.clone()
            };
            let opts = ReadOptions::for_langs(format, langs);
            let mut r = glossary::Reader::open(path, &opts)?;
            while r.read_entry(&mut entry)? {
                keep(&entry, r.entry_location(), &mut problems);
            }
            problems.extend(r.take_problems());
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
    out.retain(|e| e.has_lang(&index_lang(from)));
    let config = ReadConfig::lenient(from);
    for f in files {
        out.extend(read_file(f, &config)?.0);
    }
    Ok(out)
}

/// A term found in a text, as `tmkit terms --format json` and the server's `terms` give it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FoundTerm {
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    /// Character range in the text.
    pub char_start: usize,
    pub char_end: usize,
    /// The text as it stands.
    pub text: String,
    /// The glossary's term.
    pub term: String,
    /// The concept's id in its glossary file, if it has one.
    pub concept: Option<String>,
    pub note: Option<String>,
    /// Approved translations (preferred first), by language.
    pub translations: std::collections::BTreeMap<String, Vec<String>>,
    /// Forbidden translations, by language.
    pub forbidden: std::collections::BTreeMap<String, Vec<String>>,
}

/// The glossary terms in `text`, longest first, with their translations in `to`.
pub fn find_terms(termbase: &Termbase, text: &str, to: &[Lang]) -> Vec<FoundTerm> {
    termbase
        .kit_terms(text, to)
        .into_iter()
        .map(|h| {
            let entry = &termbase.entries[h.entry];
            FoundTerm {
                start: h.start,
                end: h.end,
                char_start: text[..h.start].chars().count(),
                char_end: text[..h.end].chars().count(),
                text: h.text,
                term: h.term,
                concept: entry.id.clone(),
                note: entry.note.clone(),
                translations: h.translations.into_iter().collect(),
                forbidden: h
                    .forbidden
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .collect(),
            }
        })
        .collect()
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

/// A termbase compiled for one source language and its target languages: finds terms in source
/// texts and checks translations against them.
pub struct Termbase {
    pub entries: Vec<TermEntry>,
    from: Lang,
    source: TermIndex,
    /// Per target language seen (built on first use): the index of every term, and the index of
    /// the terms a forbidden-term check needs (the concepts with a forbidden term, and approved
    /// terms containing one), which is all a target must be scanned for when its source has no
    /// term.
    /// Shared by the threads of a check (each index is built once, by the first that needs it).
    targets: std::sync::Mutex<Vec<(Lang, std::sync::Arc<TargetIndex>)>>,
}

/// The last source text checked against a [`Termbase`] and its term hits: the targets of a unit
/// share its source, so its terms are found once. Each thread of a check keeps its own.
#[derive(Debug, Default)]
pub struct SourceTerms {
    text: String,
    hits: Vec<TermHit>,
}

impl Termbase {
    /// Compiles `entries` for texts in `from`.
    pub fn new(entries: Vec<TermEntry>, from: &Lang) -> Termbase {
        let source = TermIndex::build(&entries, &index_lang(from));
        Termbase {
            entries,
            from: from.clone(),
            source,
            targets: Default::default(),
        }
    }

    /// Whether there is no term to look for.
    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    fn target_index(&self, lang: &Lang) -> std::sync::Arc<TargetIndex> {
        // A thread that panicked while building an index left no half-built one in the list.
        let mut t = self
            .targets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, idx)) = t.iter().find(|(l, _)| l == lang) {
            return idx.clone();
        }
        let want = index_lang(lang);
        let all = std::sync::OnceLock::new();
        // Entries keep their places (hits refer to them by index); those the forbidden-term check
        // does not need are left without terms.
        let forbidden: Vec<&str> = self
            .entries
            .iter()
            .flat_map(|e| &e.terms)
            .filter(|t| t.status == TermStatus::Forbidden && want.matches(&t.lang))
            .map(|t| t.text.as_str())
            .collect();
        let suspects: Vec<TermEntry> = self
            .entries
            .iter()
            .map(|e| {
                let needed = e.terms.iter().any(|t| {
                    want.matches(&t.lang)
                        && (t.status == TermStatus::Forbidden
                            || forbidden.iter().any(|f| t.text.contains(f)))
                });
                if needed {
                    e.clone()
                } else {
                    TermEntry::default()
                }
            })
            .collect();
        let suspects = TermIndex::build(&suspects, &want);
        let cjk = matches!(lang.primary(), "zh" | "ja" | "ko");
        // Per entry, its approved terms in `lang`, preferred ones first.
        let approved: Vec<Box<[usize]>> = (0..self.entries.len())
            .map(|e| {
                let mut v: Vec<usize> = self
                    .terms_of(e, lang)
                    .filter(|(_, t)| t.status != TermStatus::Forbidden)
                    .map(|(i, _)| i)
                    .collect();
                v.sort_by_key(|&i| self.entries[e].terms[i].status);
                v.into_boxed_slice()
            })
            .collect();
        let plain_cjk = approved
            .iter()
            .enumerate()
            .map(|(e, terms)| {
                let plain = terms.iter().all(|&i| {
                    let t = &self.entries[e].terms[i].text;
                    t.chars().all(is_cjk) && !has_width_forms(t)
                });
                plain.then(|| {
                    terms
                        .iter()
                        .map(|&i| {
                            memchr::memmem::Finder::new(self.entries[e].terms[i].text.as_bytes())
                                .into_owned()
                        })
                        .collect()
                })
            })
            .collect();
        let idx = std::sync::Arc::new(TargetIndex {
            all,
            suspects,
            cjk,
            approved,
            plain_cjk,
        });
        t.push((lang.clone(), idx.clone()));
        idx
    }

    /// The terms of a source text, longest first and left to right, without overlaps; one hit per
    /// concept and place (the term written exactly so, else the preferred one).
    pub fn find(&self, text: &str) -> Vec<TermHit> {
        let mut hits = self.source.find(text);
        self.one_per_concept(text, &mut hits);
        hits
    }

    /// Keeps one hit per (place, concept): a concept's terms that differ only in hyphens, spaces
    /// or width all match the same text.
    fn one_per_concept(&self, text: &str, hits: &mut Vec<TermHit>) {
        let rank = |h: &TermHit| {
            let t = &self.entries[h.entry].terms[h.term];
            (t.text != text[h.start..h.end], t.status)
        };
        hits.sort_by(|a, b| {
            (a.start, a.end, a.entry)
                .cmp(&(b.start, b.end, b.entry))
                .then_with(|| rank(a).cmp(&rank(b)))
        });
        hits.dedup_by(|b, a| (a.start, a.end, a.entry) == (b.start, b.end, b.entry));
    }

    /// The term hits of a source text, from `last` when it holds them.
    fn source_hits<'c>(&self, text: &str, last: &'c mut SourceTerms) -> &'c [TermHit] {
        if last.text != text {
            last.text.clear();
            last.text.push_str(text);
            self.source.find_into(text, &mut last.hits);
            let mut hits = std::mem::take(&mut last.hits);
            self.one_per_concept(text, &mut hits);
            last.hits = hits;
        }
        &last.hits
    }

    /// The terms of entry `e` in a language that `lang` matches, with their places in the entry.
    fn terms_of<'s, 'l>(
        &'s self,
        e: usize,
        lang: &'l Lang,
    ) -> impl Iterator<Item = (usize, &'s Term)> + 'l
    where
        's: 'l,
    {
        self.entries[e]
            .terms
            .iter()
            .enumerate()
            .filter(move |(_, t)| lang.matches(&t.lang) || t.lang.matches(lang))
    }

    /// The approved translations of entry `e` in `lang`: preferred ones first, then admitted.
    pub fn approved<'s>(&'s self, e: usize, lang: &Lang) -> Vec<&'s str> {
        self.target_index(lang).approved[e]
            .iter()
            .map(|&i| self.entries[e].terms[i].text.as_str())
            .collect()
    }

    /// The forbidden translations of entry `e` in `lang`.
    pub fn forbidden<'s>(&'s self, e: usize, lang: &Lang) -> Vec<&'s str> {
        self.terms_of(e, lang)
            .filter(|(_, t)| t.status == TermStatus::Forbidden)
            .map(|(_, t)| t.text.as_str())
            .collect()
    }

    /// The terms of a segment as a kit shows them, with translations in `to`.
    pub fn kit_terms(&self, text: &str, to: &[Lang]) -> Vec<KitTerm> {
        self.find(text)
            .into_iter()
            .map(|h| KitTerm {
                start: h.start,
                end: h.end,
                text: text[h.start..h.end].to_string(),
                term: self.entries[h.entry].terms[h.term].text.clone(),
                entry: h.entry,
                translations: to
                    .iter()
                    .map(|l| {
                        (
                            l.to_string(),
                            self.approved(h.entry, l)
                                .into_iter()
                                .map(str::to_string)
                                .collect(),
                        )
                    })
                    .collect(),
                forbidden: to
                    .iter()
                    .map(|l| {
                        (
                            l.to_string(),
                            self.forbidden(h.entry, l)
                                .into_iter()
                                .map(str::to_string)
                                .collect(),
                        )
                    })
                    .collect(),
            })
            .collect()
    }

    /// Checks a translation against the termbase: a source term whose approved translation is
    /// missing (`term`), a forbidden term used (`forbidden-term`).
    pub fn check(&self, source: &str, target: &str, lang: &Lang, out: &mut Vec<Finding>) {
        self.check_with(&mut SourceTerms::default(), source, target, lang, out);
    }

    /// [`Termbase::check`], finding the source's terms once for all its targets: `last` keeps
    /// them from one call to the next.
    pub fn check_with(
        &self,
        last: &mut SourceTerms,
        source: &str,
        target: &str,
        lang: &Lang,
        out: &mut Vec<Finding>,
    ) {
        if self.source.is_empty() || lang.matches(&self.from) {
            return;
        }
        let hits = self.source_hits(source, last);
        let index = self.target_index(lang);
        if hits.is_empty() && index.suspects.is_empty() {
            return;
        }
        let mut in_target: Vec<TermHit> = Vec::new();
        index.suspects.find_all_into(target, &mut in_target);
        // A forbidden term is reported where the target has it as written (forms that differ
        // from an approved term only in width or hyphens match both), and not inside a longer
        // approved term.
        let approved_at = |h: &TermHit| {
            in_target.iter().any(|o| {
                let t = &self.entries[o.entry].terms[o.term];
                t.status != TermStatus::Forbidden
                    && o.start <= h.start
                    && h.end <= o.end
                    && (o.end - o.start > h.end - h.start || t.text == target[o.start..o.end])
            })
        };
        let mut forbidden_entries: Vec<usize> = Vec::new();
        let mut reported: Vec<(usize, usize)> = Vec::new();
        for h in &in_target {
            let term = &self.entries[h.entry].terms[h.term];
            if term.status != TermStatus::Forbidden || reported.contains(&(h.start, h.end)) {
                continue;
            }
            let found = &target[h.start..h.end];
            let written_so = term.text == found
                || term.variants.iter().any(|v| v == found)
                || !self
                    .terms_of(h.entry, lang)
                    .any(|(_, t)| t.status != TermStatus::Forbidden && t.text == found);
            if !written_so || approved_at(h) {
                continue;
            }
            reported.push((h.start, h.end));
            forbidden_entries.push(h.entry);
            let expected = self.approved(h.entry, lang);
            out.push(Finding {
                kind: FindingKind::ForbiddenTerm,
                severity: Severity::Error,
                message: if expected.is_empty() {
                    format!("“{found}” must not be used")
                } else {
                    format!("“{found}” must not be used: write {}", quote_all(&expected))
                },
                target_span: Some((h.start, h.end)),
                source_span: None,
                expected: (!expected.is_empty()).then(|| expected.join(" / ")),
                found: Some(found.to_string()),
            });
        }
        let mut all_hits: Option<Vec<TermHit>> = None;
        let mut target_width_forms: Option<bool> = None;
        for (i, h) in hits.iter().enumerate() {
            // One finding per concept: an earlier hit of the concept was checked (or skipped).
            if hits[..i].iter().any(|o| o.entry == h.entry) || forbidden_entries.contains(&h.entry)
            {
                continue;
            }
            let approved = &index.approved[h.entry];
            if approved.is_empty() {
                continue;
            }
            let terms = &self.entries[h.entry].terms;
            let present = if index.cjk
                && let Some(finders) = &index.plain_cjk[h.entry]
                && !*target_width_forms.get_or_insert_with(|| has_width_forms(target))
            {
                // Chinese and Japanese terms are substrings, and neither text has a form that
                // width normalization would change: a plain search is the recognizer's answer.
                finders.iter().any(|f| f.find(target.as_bytes()).is_some())
            } else {
                if all_hits.is_none() {
                    let mut v = Vec::new();
                    index
                        .all
                        .get_or_init(|| TermIndex::build(&self.entries, &index_lang(lang)))
                        .find_all_into(target, &mut v);
                    all_hits = Some(v);
                }
                all_hits.as_ref().is_some_and(|v| {
                    v.iter().any(|t| {
                        t.entry == h.entry
                            && self.entries[t.entry].terms[t.term].status != TermStatus::Forbidden
                            && !reported.contains(&(t.start, t.end))
                    })
                })
            };
            if present {
                continue;
            }
            let expected: Vec<&str> = approved.iter().map(|&i| terms[i].text.as_str()).collect();
            let found = &source[h.start..h.end];
            out.push(Finding {
                kind: FindingKind::Term,
                severity: Severity::Error,
                message: format!(
                    "“{found}” is not translated with the glossary's {}",
                    quote_all(&expected)
                ),
                target_span: None,
                source_span: Some((h.start, h.end)),
                expected: Some(expected.join(" / ")),
                found: None,
            });
        }
    }
}

/// The term indexes of one target language (see [`Termbase`]).
struct TargetIndex {
    /// Built when first needed: a memory whose terms are all plain Chinese or Japanese never needs
    /// it.
    all: std::sync::OnceLock<TermIndex>,
    suspects: TermIndex,
    /// Chinese, Japanese or Korean: terms match as substrings.
    cjk: bool,
    /// Per entry, its approved terms in this language (indexes into its terms), preferred ones
    /// first: what [`Termbase::approved`] gives.
    approved: Vec<Box<[usize]>>,
    /// Per entry whose approved terms are all Chinese or Japanese characters without width forms
    /// (then a plain substring search finds them): a searcher for each of them.
    plain_cjk: Vec<Option<Box<[memchr::memmem::Finder<'static>]>>>,
}

/// Whether a text has characters that width (NFKC) normalization changes: full-width and
/// half-width forms, compatibility ideographs.
fn has_width_forms(s: &str) -> bool {
    // In UTF-8 these are led by EF (U+F900..U+FFFF) or F0 (U+10000..U+3FFFF): most texts have
    // neither byte.
    memchr::memchr2(0xEF, 0xF0, s.as_bytes()).is_some()
        && s.chars()
            .any(|c| matches!(c as u32, 0xFF00..=0xFFEF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F))
}

/// Han ideographs and kana (no letters, digits, spaces or punctuation that the recognizer folds).
fn is_cjk(c: char) -> bool {
    crate::text::tokenize::is_cjk(c)
}

/// The language a term index is built for: terms of `lang`'s whole language (`en` terms serve
/// `en-US` text and the other way round), except for Chinese, whose two scripts never mix.
fn index_lang(lang: &Lang) -> Lang {
    if lang.chinese_script().is_some() || lang.is_bare() {
        return lang.clone();
    }
    Lang::parse(lang.primary()).unwrap_or_else(|_| lang.clone())
}

fn quote_all(terms: &[&str]) -> String {
    terms
        .iter()
        .map(|t| format!("“{t}”"))
        .collect::<Vec<_>>()
        .join(" or ")
}
