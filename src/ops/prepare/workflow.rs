//! The prepare workflow, step by step, for the CLI (or any other front end) to call: read the
//! article (any document format), make the scratch memory of `--tm` files, build the kit
//! (segment, look up, find terms, check), then [`place_kit`] writes it atomically.

use std::path::{Path, PathBuf};

use super::document::{self, Read};
use super::{Article, Helpers, Kit, KitDocument, PrepareConfig};
use crate::error::{Error, Result};
use crate::formats::document::Options;
use crate::model::Lang;
use crate::ops::check::PairChecks;
use crate::ops::glossary as glossary_op;
use crate::ops::import::{self as import_op, ImportConfig, NoProgress};
use crate::ops::segment::{self as seg, BadRules};
use crate::store::Store;

/// An article read from its file.
#[derive(Debug, Clone)]
pub struct ArticleFile {
    /// The file name, without folders.
    pub name: String,
    /// The file's content.
    pub bytes: Vec<u8>,
    /// What the user said about the document (its encoding).
    pub options: Options,
    /// The document's format and extracted blocks.
    pub read: Read,
}

/// Reads an article: its format is detected from its content (plain text, HTML, Markdown, DOCX);
/// anything else is refused, naming what it is and what to do.
pub fn read_article(path: &Path, options: &Options) -> Result<ArticleFile> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let shown = path.display().to_string();
    let read = document::read(&bytes, &shown, options)?;
    Ok(ArticleFile {
        name,
        bytes,
        options: options.clone(),
        read,
    })
}

/// A memory made of `--tm` files for one run, deleted when dropped.
pub struct Scratch {
    /// The folder holding it (removed on drop).
    _dir: tempfile::TempDir,
}

/// Imports TMX files into a scratch memory (`None` without files).
pub fn scratch_memory(files: &[PathBuf]) -> Result<Option<(Scratch, Store)>> {
    if files.is_empty() {
        return Ok(None);
    }
    let dir = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let mut store = Store::open(&dir.path().join("tm.db"))?;
    import_op::import(
        &mut store,
        &ImportConfig {
            files: files.to_vec(),
            max_problems_listed: 10,
            // A scratch memory of this process's own.
            bulk: true,
            ..ImportConfig::default()
        },
        &NoProgress,
    )?;
    Ok(Some((Scratch { _dir: dir }, store)))
}

/// What the kit is built with besides the article and the memories.
pub struct Build<'a> {
    /// What to prepare.
    pub config: PrepareConfig,
    /// SRX rules to segment with instead of the built-in ones.
    pub rules: Option<&'a Path>,
    /// Glossary files used alongside the memories' termbases.
    pub glossaries: &'a [PathBuf],
}

/// Builds the kit of an article: segments it (each block of a document into sentences with their
/// inline codes), looks every segment up in `stores`, finds its terms and checks the
/// pretranslations.
pub fn build_kit(article: ArticleFile, stores: &[Store], build: &Build<'_>) -> Result<Kit> {
    let from = &build.config.from;
    let owned;
    let engine = match build.rules {
        Some(path) => {
            owned = seg::engine_from_file(path)?;
            &owned
        }
        None => seg::default_engine()?,
    };
    let (rules, _) = seg::rules_for(engine, from.as_str(), BadRules::Fail)?;
    let ArticleFile {
        name,
        bytes,
        options,
        read,
    } = article;
    let segmented = document::segment_document(read.kind, &read.extracted, &rules);

    let termbase = glossary_op::termbase(stores, build.glossaries, from)?;
    let checks = PairChecks::new(Some(&termbase), from);
    let to_langs = build.config.to.clone();
    let finder = |text: &str| super::kit_terms(&termbase, text, &to_langs);
    let checker = |source: &str, target: &str, lang: &Lang| {
        let mut out = Vec::new();
        checks.check(source, target, lang, &mut out);
        out
    };
    let store_refs: Vec<&Store> = stores.iter().collect();
    let mut kit = super::prepare(
        Article {
            name: &name,
            text: segmented.text,
            segments: &segmented.segments,
        },
        &store_refs,
        &build.config,
        Helpers {
            glossary: termbase.entries.clone(),
            find_terms: &finder,
            check: &checker,
        },
    )?;
    kit.analysis.format = read.kind.extension_name().to_string();
    kit.analysis.warnings = read.extracted.warnings.clone();
    super::attach_document(
        &mut kit,
        KitDocument {
            kind: read.kind,
            bytes,
            options,
            extracted: read.extracted,
        },
        &segmented.places,
    );
    Ok(kit)
}
/// Writes the kit into `out_dir` (through a staging folder, so that `out_dir` holds either the
/// old kit whole or the new one whole: see [`crate::kit::place_kit`]), with OmegaT projects
/// segmented by tmkit's built-in rules.
pub fn place_kit(kit: &Kit, out_dir: &Path) -> Result<crate::kit::files::KitFiles> {
    crate::kit::place_kit(kit, out_dir, seg::default_engine()?)
}
