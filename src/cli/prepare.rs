//! `tmkit prepare`: an article into a translation kit (XLIFF per language, TMX, OmegaT project,
//! review page, analysis).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args as ClapArgs;
use tmkit::formats::document::Options as DocOptions;
use tmkit::kit::Rates;
use tmkit::ops::prepare::{PrepareConfig, workflow};
use tmkit::store::Store;

use super::output::{Style, print_json, safe};
use super::{Ctx, EXIT_OK, Format};

/// Prepare a translation kit for an article.
///
/// Segments the article, looks every segment up, finds its glossary terms, and writes the kit.
///
/// The kit (in DIR, by default the article's path with the extension `.prepared`) holds, per
/// target language, an XLIFF 1.2 file with the pretranslations, an OmegaT project, the article's
/// TMX, a self-contained review page (report.html) and the analysis (analysis.json,
/// analysis.txt), which is also printed.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The article: plain text (UTF-8, UTF-16 with a byte-order mark, or --encoding), an HTML
    /// page, a Markdown file or a Word document (DOCX); the format is told from the content.
    #[arg(value_name = "ARTICLE")]
    pub article: PathBuf,
    /// The article's language.
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub from: String,
    /// Target languages, comma-separated [default: zh-CN,ja-JP].
    #[arg(long, value_delimiter = ',', value_name = "LANGS")]
    pub to: Option<Vec<String>>,
    /// Where to write the kit (default: ARTICLE.prepared next to the article).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace DIR if it exists.
    #[arg(long)]
    pub force: bool,
    /// The lowest match score put into a target as a pretranslation.
    #[arg(long, default_value_t = 70, value_parser = clap::value_parser!(u8).range(50..=101),
          value_name = "SCORE")]
    pub min: u8,
    /// Matches kept per segment and language (the best, then alternatives).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub max_matches: usize,
    /// A TMX file to use alongside the memory (repeatable). Without a memory (--db names no
    /// existing file), the TMX files are used alone.
    #[arg(long = "tm", value_name = "FILE.tmx")]
    pub tm: Vec<PathBuf>,
    /// Use only the --tm files, not the memory.
    #[arg(long)]
    pub no_memory: bool,
    /// A glossary file (TBX, CSV, TSV) to use alongside the memory's termbase (repeatable).
    #[arg(long, value_name = "FILE")]
    pub glossary: Vec<PathBuf>,
    /// The rate grid for weighted words, e.g. `context=0,exact=0.1,exact-review=0.3,
    /// repetition=0.1,95-99=0.3,85-94=0.6,75-84=0.6,50-74=1,no-match=1` (bands left out keep
    /// these defaults; exact-review is a 100% or 101% match that fails a check).
    #[arg(long, value_name = "GRID")]
    pub rates: Option<String>,
    /// The article's encoding when it is not UTF-8 and has no byte-order mark (windows-1252,
    /// gb18030, shift_jis, utf-16le...); for an HTML page it overrides its <meta charset>.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// SRX rules to segment with instead of the built-in ones.
    #[arg(long, value_name = "FILE.srx")]
    pub rules: Option<PathBuf>,
    /// Output on standard output: the analysis table, or the analysis as JSON.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

/// The default kit folder: the article's path with the extension `.prepared`.
fn default_out(article: &Path) -> PathBuf {
    article.with_extension("prepared")
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let from = super::parse_lang("--from", &args.from)?;
    let to = super::parse_langs("--to", args.to.as_deref().unwrap_or(&super::default_to()))?;
    if to.is_empty() {
        bail!("--to: give at least one target language, e.g. --to zh-CN,ja-JP");
    }
    let rates = match &args.rates {
        Some(spec) => Rates::parse(spec)?,
        None => Rates::default(),
    };
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.article));
    if out_dir.exists() && !args.force {
        bail!(
            "{}: already exists; give --force to replace it, or --out DIR for another folder",
            out_dir.display()
        );
    }

    // The article, in whatever format it comes.
    let options = DocOptions {
        encoding: args.encoding.clone(),
    };
    let article = workflow::read_article(&args.article, &options)?;

    // The memories: the memory itself, and the --tm files in a scratch memory.
    let mut stores: Vec<Store> = Vec::new();
    let use_memory = !args.no_memory && (ctx.db.exists() || args.tm.is_empty());
    if use_memory {
        if !ctx.db.exists() {
            bail!(
                "{}: no such file: prepare needs a memory: import a TMX file first, or give --tm \
                 FILE.tmx",
                ctx.db.display()
            );
        }
        let mut store = Store::open_existing(&ctx.db)?;
        if !store.index_ready()? {
            super::rebuild_index(&mut store, ctx)?;
        }
        stores.push(store);
    }
    let scratch = match workflow::scratch_memory(&args.tm).context("--tm")? {
        Some((scratch, store)) => {
            stores.push(store);
            Some(scratch)
        }
        None => None,
    };
    {
        let store_refs: Vec<&Store> = stores.iter().collect();
        // A language none of the memories has would give a kit without a single match: refuse
        // it, saying which languages there are (--no-memory prepares a kit from the article
        // alone).
        let hint = |e: anyhow::Error| {
            anyhow::anyhow!("{e} (give --no-memory to prepare the kit without the memory)")
        };
        super::require_langs(&store_refs, "--from", std::slice::from_ref(&from)).map_err(hint)?;
        if args.to.is_some() {
            super::require_langs(&store_refs, "--to", &to).map_err(hint)?;
        }
    }
    let prepared = workflow::build_kit(
        article,
        &stores,
        &workflow::Build {
            config: PrepareConfig {
                from: from.clone(),
                to: to.clone(),
                min: args.min,
                max_matches: args.max_matches,
                rates,
            },
            rules: args.rules.as_deref(),
            glossaries: &args.glossary,
        },
    )?;

    // Written into a staging folder, then swapped into place: never half a kit.
    let files = workflow::place_kit(&prepared, &out_dir)
        .with_context(|| format!("{}: cannot write the kit", out_dir.display()))?;
    drop(scratch);

    if args.format == Format::Json {
        print_json(&prepared.analysis)?;
        return Ok(EXIT_OK);
    }
    let style = Style { color: ctx.color };
    let mut out = String::new();
    out.push_str(&prepared.analysis.to_text());
    out.push('\n');
    out.push_str(&format!(
        "{} segments prepared into {}:\n",
        prepared.segments.len(),
        style.bold(&safe(&out_dir.display().to_string()))
    ));
    for f in &files.files {
        out.push_str(&format!("  {}\n", safe(&f.to_string())));
    }
    print!("{out}");
    if !ctx.quiet && std::io::stderr().is_terminal() {
        eprintln!("open {} to review", out_dir.join("report.html").display());
    }
    Ok(EXIT_OK)
}
