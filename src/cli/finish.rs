//! `tmkit finish`: a translated kit back into the article, in its own format, per target
//! language, with a completion report.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args as ClapArgs;
use tmkit::formats::xliff::ImportPolicy;
use tmkit::ops::finish::{self as ops, FinishConfig, FinishReport};
use tmkit::store::Store;

use super::output::{Style, print_json, safe};
use super::{Ctx, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Format};

/// Build the translated article from a kit.
///
/// One document per target language, in the original's format (text, HTML, Markdown, DOCX),
/// named ARTICLE.LANG.EXT (forum.zh-CN.docx), and a completion report.
///
/// Translations come, in this order of precedence, from the XLIFF files (the kit's, translated
/// in place by a CAT tool, or those given with --xliff; targets whose state is accepted, as for
/// import), then the kit's OmegaT projects (--omegat), then the memory's exact matches
/// (--from-memory). A segment without a translation keeps its source text and makes the exit
/// code 1. A translation whose inline codes (formatting, links) do not fit its source is listed
/// with its XLIFF file:line:column, and nothing is written (exit 2) unless --allow-incomplete.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The kit folder prepare wrote (or a folder holding the original document, with --xliff).
    #[arg(value_name = "KIT_DIR")]
    pub kit: PathBuf,
    /// Translated XLIFF files to use instead of the kit's (repeatable; one per language).
    #[arg(long, value_name = "FILE.xlf", num_args = 1..)]
    pub xliff: Vec<PathBuf>,
    /// Where to write the documents (default: the kit folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also take translations from the kit's OmegaT projects (omegat/project_save.tmx).
    #[arg(long)]
    pub omegat: bool,
    /// Also take translations from the memory's exact matches (100% and 101%).
    #[arg(long)]
    pub from_memory: bool,
    /// Write the documents even when translations have code problems, with the source text in
    /// their place (the report lists them).
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Which XLIFF targets count as translated, by state (comma-separated XLIFF 1.2 states).
    /// Default: translated, needs-review-translation, needs-review-l10n,
    /// needs-review-adaptation, signed-off, final; a target without a state, or of a unit
    /// marked approved="yes", counts as translated.
    #[arg(long, value_name = "STATES")]
    pub states: Option<String>,
    /// Only these target languages, comma-separated (default: all of the kit's).
    #[arg(long, value_delimiter = ',', value_name = "LANGS")]
    pub to: Option<Vec<String>>,
    /// Output on standard output: the completion report as a table, or as JSON.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let policy = match &args.states {
        Some(list) => ImportPolicy::with_states(list).context("--states")?,
        None => ImportPolicy::default(),
    };
    let only = match &args.to {
        Some(list) => super::parse_langs("--to", list)?,
        None => Vec::new(),
    };
    if args.from_memory && !ctx.db.exists() {
        anyhow::bail!(
            "{}: no such file: --from-memory needs a memory (give --db FILE)",
            ctx.db.display()
        );
    }
    // The memory serves --from-memory and the term checks on the final text.
    let memory = if ctx.db.exists() {
        let mut store = Store::open_existing(&ctx.db)?;
        if args.from_memory && !store.index_ready()? {
            super::rebuild_index(&mut store, ctx)?;
        }
        Some(store)
    } else {
        None
    };
    let config = FinishConfig {
        kit: args.kit.clone(),
        xliff: args.xliff.clone(),
        omegat: args.omegat,
        from_memory: args.from_memory,
        policy,
        allow_incomplete: args.allow_incomplete,
        only,
        out: args.out.clone(),
    };
    let report = ops::finish(&config, memory.as_ref())?;
    if args.format == Format::Json {
        print_json(&report)?;
    } else {
        print!("{}", render(&report, &Style { color: ctx.color }));
    }
    if report.has_code_faults() && !args.allow_incomplete {
        eprintln!(
            "tmkit: nothing written: {} translation(s) have inline codes that do not fit their \
             source; fix them in the XLIFF (or give --allow-incomplete to write the documents \
             with the source text in their place)",
            report
                .languages
                .iter()
                .map(|l| l.code_faults.len())
                .sum::<usize>()
        );
        return Ok(EXIT_ERROR);
    }
    Ok(if report.has_missing() || report.has_code_faults() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn render(report: &FinishReport, style: &Style) -> String {
    let mut out = String::new();
    for (i, l) in report.languages.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let file = if l.written {
            format!("{}/{}", report.out, l.file)
        } else {
            format!("{} (not written)", l.file)
        };
        out.push_str(&format!(
            "Finish: {} -> {}: {}\n",
            safe(&report.article),
            l.lang,
            style.bold(&safe(&file))
        ));
        out.push_str(&format!("{:<24}{:>9}{:>9}\n", "", "Segments", "Words"));
        let rows = [
            ("Translated", l.translated),
            ("  approved", l.approved),
            ("Missing (source kept)", l.missing),
            ("  fuzzy, left untouched", l.fuzzy_untouched),
            ("Total", l.total),
        ];
        for (label, c) in rows {
            out.push_str(&format!("{label:<24}{:>9}{:>9}\n", c.segments, c.words));
        }
        out.push_str(&format!(
            "{:<24}{:>9}\n",
            "Code problems",
            l.code_faults.len()
        ));
        let errors = l
            .findings
            .iter()
            .filter(|f| f.severity == tmkit::model::Severity::Error)
            .count();
        out.push_str(&format!(
            "{:<24}{:>9}   ({errors} errors)\n",
            "Check findings",
            l.findings.len()
        ));
        if l.from_omegat + l.from_memory > 0 {
            out.push_str(&format!(
                "Sources: {} from XLIFF, {} from OmegaT, {} from the memory\n",
                l.from_xliff, l.from_omegat, l.from_memory
            ));
        }
        for f in &l.code_faults {
            out.push_str(&format!(
                "  {}: segment {}: {}\n",
                safe(&f.location),
                safe(&f.segment),
                safe(&f.problems.join("; "))
            ));
        }
        if !l.missing_segments.is_empty() {
            let shown: Vec<&str> = l
                .missing_segments
                .iter()
                .take(20)
                .map(String::as_str)
                .collect();
            out.push_str(&format!(
                "  missing: segment{} {}{}\n",
                if l.missing_segments.len() == 1 {
                    ""
                } else {
                    "s"
                },
                safe(&shown.join(", ")),
                if l.missing_segments.len() > 20 {
                    format!(" and {} more", l.missing_segments.len() - 20)
                } else {
                    String::new()
                }
            ));
        }
        for f in l.findings.iter().take(20) {
            out.push_str(&format!(
                "  segment {}: {}: {}\n",
                safe(&f.segment),
                match f.severity {
                    tmkit::model::Severity::Error => "error",
                    tmkit::model::Severity::Warning => "warning",
                },
                safe(&f.message)
            ));
        }
        if l.findings.len() > 20 {
            out.push_str(&format!(
                "  ... and {} more findings\n",
                l.findings.len() - 20
            ));
        }
    }
    out
}
