//! The finish workflow: a translated kit back into the article, in its own format, one per target
//! language.
//!
//! For each target language: the kit's XLIFF (or the translated XLIFF files given) says, unit by
//! unit, what each segment's source is and what its translation is; the original document (kept
//! in the kit) is extracted again, each unit is found in its place (a unit that does not fit the
//! document is refused, by name), each translation's inline codes are checked against its
//! source's, the translated sentences of each block are joined (the space between sentences
//! follows the target language) and the document's filter writes the translated document.
//!
//! Where translations come from, in this order of precedence: the XLIFF target, when its state is
//! accepted (as for `import`: translated, reviewed, signed off, final, or approved); the OmegaT
//! project's `omegat/project_save.tmx` (with [`FinishConfig::omegat`]); the memory's exact
//! matches (with [`FinishConfig::from_memory`]). A segment none of them translates is missing:
//! its source text goes into the document.
//!
//! Nothing is written unless every translation's codes are right (or
//! [`FinishConfig::allow_incomplete`] says to put the source in place of a faulty translation);
//! the documents are written only when every language is done.
//!
//! Depends on `formats` (XLIFF, TMX, the document filters), `store`, `kit` (the manifest, the
//! document layout, OmegaT projects) and the entry points of the lookup, check, glossary and
//! segment workflows; never prints.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::formats::document::{self, Kind, Options, Piece, check_codes, check_nesting};
use crate::formats::xliff::{self, ImportPolicy, Item};
use crate::kit::count_words;
use crate::kit::document::{Place, place_at, splits};
use crate::kit::files::{MANIFEST, Manifest};
use crate::kit::omegat::{DocSegment, read_omegat_translations, saved_translations};
use crate::model::{Lang, Severity};
use crate::ops::check::PairChecks;
use crate::ops::lookup::{Lookup, LookupConfig, Query};
use crate::store::Store;
use crate::text::segment::is_space;

/// What to finish.
#[derive(Debug, Clone)]
pub struct FinishConfig {
    /// The kit folder (`prepare`'s output): its `kit.json`, the original document, the XLIFF
    /// files, the OmegaT projects.
    pub kit: PathBuf,
    /// Translated XLIFF files to read instead of the kit's own (one per target language; the
    /// language is the file's `target-language`). Empty: the kit's XLIFF files as they are.
    pub xliff: Vec<PathBuf>,
    /// Also take translations from the kit's OmegaT projects (`omegat/project_save.tmx`).
    pub omegat: bool,
    /// Also take translations from the memory's exact matches (100% and 101%).
    pub from_memory: bool,
    /// Which XLIFF states count as translated.
    pub policy: ImportPolicy,
    /// Write the document even when translations have code problems, with the source in their
    /// place.
    pub allow_incomplete: bool,
    /// Only these target languages (default: every language of the kit, or of `xliff`).
    pub only: Vec<Lang>,
    /// Where to write the documents (default: the kit folder).
    pub out: Option<PathBuf>,
}

/// Where a segment's translation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// The XLIFF target, its state accepted.
    Xliff,
    /// The OmegaT project's `omegat/project_save.tmx`.
    Omegat,
    /// An exact match (100% or 101%) in the memory.
    Memory,
}

/// Segments and words in one state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Number of segments.
    pub segments: u64,
    /// Their source words, counted as `prepare` counts them.
    pub words: u64,
}

impl Count {
    fn add(&mut self, words: u64) {
        self.segments += 1;
        self.words += words;
    }
}

/// A translation whose inline codes do not fit its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeFault {
    /// The segment (the XLIFF unit id).
    pub segment: String,
    /// Where the translation is: `file:line:column` of the XLIFF unit, or the memory it came from.
    pub location: String,
    /// Where the translation came from.
    pub origin: Origin,
    /// What is wrong with its codes, one message per problem.
    pub problems: Vec<String>,
}

/// A check finding on the final text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinalFinding {
    /// The segment (the XLIFF unit id).
    pub segment: String,
    /// How bad the finding is.
    pub severity: Severity,
    /// What the check found, lowercase, the offending text quoted.
    pub message: String,
}

/// What finish did for one target language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LangReport {
    /// The target language.
    pub lang: Lang,
    /// The document written (relative to the output folder), or to be written.
    pub file: String,
    /// Whether the document was written (false when code faults stopped finish).
    pub written: bool,
    /// Every segment of the article.
    pub total: Count,
    /// Segments with a translation that went in.
    pub translated: Count,
    /// Of the translated: approved (`approved="yes"`, signed off, final).
    pub approved: Count,
    /// Of the missing: fuzzy pretranslations nobody changed (not used: the source stays).
    pub fuzzy_untouched: Count,
    /// Segments without a translation: their source went in.
    pub missing: Count,
    /// Translations taken per origin.
    pub from_xliff: u64,
    /// Translations taken from the OmegaT project.
    pub from_omegat: u64,
    /// Translations taken from the memory.
    pub from_memory: u64,
    /// Segments whose translation was left out for its codes.
    pub code_faults: Vec<CodeFault>,
    /// The ids of the segments without a translation.
    pub missing_segments: Vec<String>,
    /// Check findings on the final translations.
    pub findings: Vec<FinalFinding>,
}

/// What finish did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinishReport {
    /// The original document's file name.
    pub article: String,
    /// The document's format: `text`, `html`, `markdown` or `docx`.
    pub format: String,
    /// The folder the documents are written to.
    pub out: String,
    /// One report per target language.
    pub languages: Vec<LangReport>,
}

impl FinishReport {
    /// Whether any translation has code problems.
    pub fn has_code_faults(&self) -> bool {
        self.languages.iter().any(|l| !l.code_faults.is_empty())
    }

    /// Whether any segment is missing a translation.
    pub fn has_missing(&self) -> bool {
        self.languages.iter().any(|l| l.missing.segments > 0)
    }
}

/// The name of the translated article: the original's stem (without a trailing `.LANG` equal to
/// the source language) with the target language and the original's extension:
/// `forum.docx` gives `forum.zh-CN.docx`, `beijing-tokyo-forum.en.txt` gives
/// `beijing-tokyo-forum.zh-CN.txt`.
pub fn output_name(article: &str, from: &str, to: &str, kind: Kind) -> String {
    let path = Path::new(article);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| kind.extension().to_string());
    let mut stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "article".to_string());
    if let Some((base, lang)) = stem.rsplit_once('.')
        && !base.is_empty()
        && Lang::parse(lang)
            .is_ok_and(|l| Lang::parse(from).is_ok_and(|f| f.matches(&l) || l.matches(&f)))
    {
        stem = base.to_string();
    }
    format!("{stem}.{to}.{ext}")
}

/// One unit of a translated XLIFF file.
struct ReadUnit {
    id: String,
    source_text: String,
    source_markup: Option<String>,
    unit: xliff::Unit,
    location: Location,
}

fn read_xliff(path: &Path) -> Result<(xliff::File, Vec<ReadUnit>)> {
    let mut reader = xliff::Reader::open(path)?;
    let mut unit = xliff::Unit::new("", xliff::Content::default());
    let mut out = Vec::new();
    let mut file = None;
    loop {
        match reader.read_unit(&mut unit)? {
            Item::End => break,
            Item::Problem(p) => {
                return Err(ErrorKind::Xliff {
                    location: p.location.clone(),
                    message: format!("{}: finish needs every unit", p.message),
                }
                .into());
            }
            Item::Unit => {
                if file.is_none() {
                    file = reader.file().cloned();
                }
                if !unit.translate {
                    continue;
                }
                out.push(ReadUnit {
                    id: unit.id.clone(),
                    source_text: unit.source.text.clone(),
                    source_markup: unit.source.markup.clone(),
                    unit: unit.clone(),
                    location: reader.unit_location().clone(),
                });
            }
        }
    }
    let file = file.ok_or_else(|| {
        Error::from(ErrorKind::Invalid {
            what: "XLIFF file",
            value: path.display().to_string(),
            reason: "it has no translation unit".to_string(),
        })
    })?;
    Ok((file, out))
}

/// The pieces of a translated content: its markup read back, or its plain text.
fn pieces_of(content: &xliff::Content) -> std::result::Result<Vec<Piece>, String> {
    match &content.markup {
        Some(m) => document::from_markup(m),
        None => Ok(vec![Piece::Text(content.text.clone())]),
    }
}

/// What became of a segment.
#[derive(Debug, Clone, Copy)]
enum Status {
    Missing,
    Fault,
    Translated { approved: bool, origin: Origin },
}

/// A translation chosen for a segment.
struct Chosen {
    pieces: Vec<Piece>,
    approved: bool,
    origin: Origin,
    location: String,
}

/// Finishes a kit: computes every language's document and report, and writes the documents
/// unless a translation has code problems (and `allow_incomplete` is off).
///
/// `memory` is used for `from_memory` and for the term checks on the final text.
pub fn finish(config: &FinishConfig, memory: Option<&Store>) -> Result<FinishReport> {
    // The XLIFF files given, read once: they name their language (and, without kit.json, the
    // original).
    let given: Vec<(PathBuf, xliff::File, Vec<ReadUnit>)> = config
        .xliff
        .iter()
        .map(|p| read_xliff(p).map(|(file, units)| (p.clone(), file, units)))
        .collect::<Result<_>>()?;
    let manifest_path = config.kit.join(MANIFEST);
    let manifest: Manifest = if manifest_path.exists() {
        let bytes = std::fs::read(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::from(ErrorKind::Invalid {
                what: "kit manifest",
                value: manifest_path.display().to_string(),
                reason: format!("{e}: it is not the kit.json prepare writes"),
            })
        })?
    } else {
        manifest_from_xliff(config, given.first())?
    };
    let kind = Kind::from_name(&manifest.format).ok_or_else(|| {
        Error::from(ErrorKind::Invalid {
            what: "kit format",
            value: manifest.format.clone(),
            reason: "kit.json names a format this tmkit does not know".to_string(),
        })
    })?;
    let original_path = config.kit.join(&manifest.article);
    let original = std::fs::read(&original_path).map_err(|e| Error::io(&original_path, e))?;
    let shown = original_path.display().to_string();
    let options = Options {
        encoding: manifest.encoding.clone(),
    };
    let filter = kind.filter();
    let extracted = filter.extract(&original, &shown, &options)?;
    let plains: Vec<String> = extracted.blocks.iter().map(|b| b.plain_text()).collect();
    let from = Lang::parse(&manifest.from)?;

    // The XLIFF file per language.
    type Parsed = (xliff::File, Vec<ReadUnit>);
    let mut jobs: Vec<(Lang, PathBuf, Option<PathBuf>, Option<Parsed>)> = Vec::new();
    if given.is_empty() {
        for (i, l) in manifest.to.iter().enumerate() {
            let lang = Lang::parse(l)?;
            let xlf = config.kit.join(&manifest.xliff[i]);
            let omegat = manifest.omegat.get(i).map(|d| config.kit.join(d));
            jobs.push((lang, xlf, omegat, None));
        }
    } else {
        for (path, file, units) in given {
            let lang = file.target_lang.clone().ok_or_else(|| {
                Error::from(ErrorKind::Invalid {
                    what: "XLIFF file",
                    value: path.display().to_string(),
                    reason: "its <file> has no target-language".to_string(),
                })
            })?;
            let omegat = manifest
                .to
                .iter()
                .position(|t| Lang::parse(t).is_ok_and(|t| t.matches(&lang)))
                .and_then(|i| manifest.omegat.get(i))
                .map(|d| config.kit.join(d));
            jobs.push((lang, path, omegat, Some((file, units))));
        }
    }
    if !config.only.is_empty() {
        jobs.retain(|(l, _, _, _)| config.only.iter().any(|o| o.matches(l)));
        if jobs.is_empty() {
            return Err(ErrorKind::Invalid {
                what: "--to",
                value: config
                    .only
                    .iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
                reason: format!("the kit's languages are {}", manifest.to.join(", ")),
            }
            .into());
        }
    }

    // The memory's termbase, for the term checks on the final text.
    let termbase = memory
        .map(|store| crate::ops::glossary::termbase(std::slice::from_ref(store), &[], &from))
        .transpose()?;
    let checks = PairChecks::new(termbase.as_ref(), &from);
    let out_dir = config.out.clone().unwrap_or_else(|| config.kit.clone());

    let mut reports = Vec::new();
    let mut documents: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (lang, xlf, omegat_dir, parsed) in jobs {
        let lang = &lang;
        let (file, units) = match parsed {
            Some(p) => p,
            None => read_xliff(&xlf)?,
        };
        if let Some(t) = &file.target_lang
            && !t.matches(lang)
        {
            return Err(ErrorKind::Invalid {
                what: "XLIFF file",
                value: xlf.display().to_string(),
                reason: format!("its target language is {t}, not {lang}"),
            }
            .into());
        }
        // Each unit in its place in the document.
        let places = place_units(&plains, &units, &xlf.display().to_string())?;
        let block_splits = splits(&extracted.blocks, &places);
        let mut seg_of_block = vec![0usize; block_splits.len()];
        // OmegaT's translations, per unit: a document's sentences are read back through
        // OmegaT's view of them (its tags are the document's codes); plain text by its source.
        let omegat: Vec<Option<Vec<Piece>>> = match (config.omegat, omegat_dir) {
            (true, Some(dir)) if matches!(kind, Kind::Html | Kind::Docx) => {
                let dir = dir.as_path();
                let mut k_of = vec![0usize; block_splits.len()];
                let segs: Vec<DocSegment<'_>> = places
                    .iter()
                    .map(|p| {
                        let k = k_of[p.block];
                        k_of[p.block] += 1;
                        DocSegment {
                            block: p.block,
                            start: p.start,
                            end: p.end,
                            pieces: &block_splits[p.block].segments[k],
                        }
                    })
                    .collect();
                read_omegat_translations(
                    dir,
                    lang,
                    kind,
                    &original,
                    &extracted.blocks,
                    &crate::ops::segment::default_engine()?.rules_for(&manifest.from)?,
                    &segs,
                )?
            }
            (true, Some(dir)) => {
                let map = saved_translations(&dir, lang)?;
                units
                    .iter()
                    // OmegaT has the text only (no Markdown filter): sentences without codes.
                    .map(|u| {
                        map.get(&u.source_text)
                            .filter(|_| u.source_markup.is_none())
                            .map(|t| vec![Piece::Text(t.clone())])
                    })
                    .collect()
            }
            _ => vec![None; units.len()],
        };
        let mut lookup = match (config.from_memory, memory) {
            (true, Some(store)) => Some(Lookup::new(
                store,
                LookupConfig {
                    from: from.clone(),
                    to: vec![lang.clone()],
                    min: 100,
                    max: 1,
                },
            )?),
            _ => None,
        };
        let mut report = LangReport {
            lang: lang.clone(),
            file: output_name(&manifest.article, &manifest.from, lang.as_str(), kind),
            written: false,
            total: Count::default(),
            translated: Count::default(),
            approved: Count::default(),
            fuzzy_untouched: Count::default(),
            missing: Count::default(),
            from_xliff: 0,
            from_omegat: 0,
            from_memory: 0,
            code_faults: Vec::new(),
            missing_segments: Vec::new(),
            findings: Vec::new(),
        };
        // Translated segments per block, in order; the unit behind each.
        let mut translated: Vec<Vec<Vec<Piece>>> =
            block_splits.iter().map(|s| s.segments.clone()).collect();
        let mut unit_of: Vec<Vec<usize>> = vec![Vec::new(); block_splits.len()];
        let mut status: Vec<Status> = Vec::with_capacity(units.len());
        for (u, (unit, place)) in units.iter().zip(&places).enumerate() {
            let k = seg_of_block[place.block];
            seg_of_block[place.block] += 1;
            unit_of[place.block].push(u);
            let source = &block_splits[place.block].segments[k];
            // The unit's source must carry the document's codes (an edited skeleton does not).
            if let Some(m) = &unit.source_markup {
                let theirs = document::from_markup(m).unwrap_or_default();
                if !check_codes(source, &theirs).is_empty() {
                    return Err(ErrorKind::Xliff {
                        location: unit.location.clone(),
                        message: format!(
                            "unit {}: its source's inline codes are not the document's: the unit \
                             does not belong to this kit (another article, or an edited \
                             skeleton)",
                            unit.id
                        ),
                    }
                    .into());
                }
            }
            let (words, _) = count_words(&unit.source_text);
            let chosen = choose(
                unit,
                &config.policy,
                omegat[u].clone(),
                lookup.as_mut(),
                &mut report,
                words,
            )?;
            let Some(chosen) = chosen else {
                status.push(Status::Missing);
                continue;
            };
            let problems = check_codes(source, &chosen.pieces);
            if !problems.is_empty() {
                report.code_faults.push(CodeFault {
                    segment: unit.id.clone(),
                    location: chosen.location.clone(),
                    origin: chosen.origin,
                    problems: problems.iter().map(|p| p.to_string()).collect(),
                });
                status.push(Status::Fault);
                continue;
            }
            let target_text = document::plain_text(&chosen.pieces);
            let mut found = Vec::new();
            checks.check(&unit.source_text, &target_text, lang, &mut found);
            for f in found {
                report.findings.push(FinalFinding {
                    segment: unit.id.clone(),
                    severity: f.severity,
                    message: f.message,
                });
            }
            translated[place.block][k] = chosen.pieces;
            status.push(Status::Translated {
                approved: chosen.approved,
                origin: chosen.origin,
            });
        }
        // Join each block; a block whose codes do not nest once its sentences are together
        // (isolated codes moved across sentences) gets its sources back, and its translated
        // units are listed.
        let mut blocks: Vec<Vec<Piece>> = Vec::with_capacity(block_splits.len());
        for (b, split) in block_splits.iter().enumerate() {
            let joined = split.join(&translated[b], kind, lang);
            match check_nesting(&joined) {
                None => blocks.push(joined),
                Some(p) => {
                    for &u in &unit_of[b] {
                        if let Status::Translated { origin, .. } = status[u] {
                            status[u] = Status::Fault;
                            report.code_faults.push(CodeFault {
                                segment: units[u].id.clone(),
                                location: units[u].location.to_string(),
                                origin,
                                problems: vec![format!(
                                    "{p} in the paragraph its sentence makes with the others"
                                )],
                            });
                        }
                    }
                    blocks.push(split.join(&split.segments, kind, lang));
                }
            }
        }
        for (unit, st) in units.iter().zip(&status) {
            let (words, _) = count_words(&unit.source_text);
            report.total.add(words);
            match st {
                Status::Missing => {
                    report.missing.add(words);
                    report.missing_segments.push(unit.id.clone());
                }
                Status::Fault => {}
                Status::Translated { approved, origin } => {
                    report.translated.add(words);
                    if *approved {
                        report.approved.add(words);
                    }
                    match origin {
                        Origin::Xliff => report.from_xliff += 1,
                        Origin::Omegat => report.from_omegat += 1,
                        Origin::Memory => report.from_memory += 1,
                    }
                }
            }
        }
        // Findings belong to translations that went in.
        report
            .findings
            .retain(|f| !report.code_faults.iter().any(|c| c.segment == f.segment));
        let bytes = filter.merge(&original, &shown, &options, &blocks, lang)?;
        documents.push((out_dir.join(&report.file), bytes));
        reports.push(report);
    }

    let mut report = FinishReport {
        article: manifest.article.clone(),
        format: kind.extension_name().to_string(),
        out: out_dir.display().to_string(),
        languages: reports,
    };
    if report.has_code_faults() && !config.allow_incomplete {
        return Ok(report);
    }
    std::fs::create_dir_all(&out_dir).map_err(|e| Error::io(&out_dir, e))?;
    for ((path, bytes), lang) in documents.iter().zip(&mut report.languages) {
        write_atomically(path, bytes)?;
        lang.written = true;
    }
    Ok(report)
}

fn choose(
    unit: &ReadUnit,
    policy: &ImportPolicy,
    omegat: Option<Vec<Piece>>,
    lookup: Option<&mut Lookup<'_>>,
    report: &mut LangReport,
    words: u64,
) -> Result<Option<Chosen>> {
    let u = &unit.unit;
    match policy.check(u) {
        Ok(()) => {
            let target = u.target.as_ref().expect("an accepted unit has a target");
            let pieces = pieces_of(&target.content).map_err(|m| {
                Error::from(ErrorKind::Xliff {
                    location: unit.location.clone(),
                    message: format!("unit {}: its target's inline markup: {m}", unit.id),
                })
            })?;
            let approved = u.approved == Some(true)
                || matches!(
                    target.state,
                    Some(xliff::State::SignedOff | xliff::State::Final)
                );
            return Ok(Some(Chosen {
                pieces,
                approved,
                origin: Origin::Xliff,
                location: unit.location.to_string(),
            }));
        }
        Err(_) => {
            if let Some(t) = &u.target
                && !t.content.text.trim().is_empty()
                && t.state_qualifier.as_deref() == Some("fuzzy-match")
                && t.state == Some(xliff::State::NeedsTranslation)
            {
                report.fuzzy_untouched.add(words);
            }
        }
    }
    if let Some(pieces) = omegat {
        return Ok(Some(Chosen {
            pieces,
            approved: false,
            origin: Origin::Omegat,
            location: "omegat/project_save.tmx".to_string(),
        }));
    }
    if let Some(lookup) = lookup {
        let result = lookup.lookup(&Query {
            text: unit.source_text.clone(),
            prev: None,
            next: None,
        })?;
        if let Some(m) = result.matches.into_iter().find(|m| m.score >= 100)
            && let Some((_, target)) = m.targets.iter().next()
        {
            return Ok(Some(Chosen {
                pieces: vec![Piece::Text(target.clone())],
                approved: false,
                origin: Origin::Memory,
                location: "the memory".to_string(),
            }));
        }
    }
    Ok(None)
}

/// Finds every unit in its place: units in file order fill the blocks in order, each starting at
/// the first character after the previous one that is not white space.
fn place_units(plains: &[String], units: &[ReadUnit], xlf: &str) -> Result<Vec<Place>> {
    let mut places = Vec::with_capacity(units.len());
    let mut block = 0usize;
    let mut cursor = 0usize;
    let blank = |s: &str| s.chars().all(is_space);
    for unit in units {
        while block < plains.len() && blank(&plains[block][cursor..]) {
            block += 1;
            cursor = 0;
        }
        let misfit = |here: &str| -> Error {
            let here: String = here.chars().take(60).collect();
            ErrorKind::Xliff {
                location: unit.location.clone(),
                message: format!(
                    "unit {} does not belong to this kit: its source {:?} is not the document's \
                     text at this point ({:?}); finish needs the XLIFF files prepare wrote for \
                     this article (or their translations), with every unit",
                    unit.id,
                    unit.source_text.chars().take(60).collect::<String>(),
                    here
                ),
            }
            .into()
        };
        let Some(plain) = plains.get(block) else {
            return Err(misfit("the end of the document"));
        };
        let Some(start) = place_at(plain, cursor, &unit.source_text) else {
            return Err(misfit(plain[cursor..].trim_start_matches(is_space)));
        };
        places.push(Place {
            block,
            start,
            end: start + unit.source_text.len(),
        });
        cursor = start + unit.source_text.len();
    }
    while block < plains.len() && blank(&plains[block][cursor..]) {
        block += 1;
        cursor = 0;
    }
    if let Some(plain) = plains.get(block) {
        let here: String = plain[cursor..]
            .trim_start_matches(is_space)
            .chars()
            .take(60)
            .collect();
        return Err(ErrorKind::Invalid {
            what: "XLIFF file",
            value: xlf.to_string(),
            reason: format!(
                "it has no unit for the document's text {here:?}: units are missing (finish \
                 needs every unit prepare wrote)"
            ),
        }
        .into());
    }
    Ok(places)
}

/// A manifest for a folder without `kit.json`: the translated XLIFF files given name the
/// original (`<file original>`, kept beside them or in the folder) and the languages.
fn manifest_from_xliff(
    config: &FinishConfig,
    first: Option<&(PathBuf, xliff::File, Vec<ReadUnit>)>,
) -> Result<Manifest> {
    let Some((_, file, _)) = first else {
        return Err(ErrorKind::Invalid {
            what: "kit folder",
            value: config.kit.display().to_string(),
            reason: format!(
                "it has no {MANIFEST}: give the folder prepare wrote, or the translated XLIFF \
                 files with --xliff and the folder holding the original document"
            ),
        }
        .into());
    };
    let kind = Kind::from_datatype(&file.datatype).unwrap_or(Kind::Text);
    Ok(Manifest {
        kit: 1,
        article: file.skeleton.clone().unwrap_or(file.original.clone()),
        format: kind.extension_name().to_string(),
        encoding: None,
        from: file.source_lang.to_string(),
        to: Vec::new(),
        xliff: Vec::new(),
        omegat: Vec::new(),
    })
}

/// Writes a file through a temporary file in the same folder, renamed into place: a reader never
/// sees half a document.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translated_articles_are_named_after_the_original() {
        let table = [
            ("forum.docx", "en", "zh-CN", Kind::Docx, "forum.zh-CN.docx"),
            (
                "beijing-tokyo-forum.en.txt",
                "en",
                "ja-JP",
                Kind::Text,
                "beijing-tokyo-forum.ja-JP.txt",
            ),
            ("page", "en", "zh-CN", Kind::Html, "page.zh-CN.html"),
            ("v1.2.md", "en", "ja-JP", Kind::Markdown, "v1.2.ja-JP.md"),
        ];
        for (article, from, to, kind, want) in table {
            assert_eq!(output_name(article, from, to, kind), want);
        }
    }
}
