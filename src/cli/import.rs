//! `tmkit import`: TMX files into the memory.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args as ClapArgs, ValueEnum};
use indicatif::ProgressBar;
use tmkit::formats::xliff::ImportPolicy;
use tmkit::model::Lang;
use tmkit::ops::import::{self, ImportConfig, OnDuplicate, Progress};
use tmkit::store::Store;

use super::output::{Style, Table, count, print_json, safe};
use super::{Ctx, EXIT_OK, Format};

/// Import TMX and translated XLIFF files into the memory.
///
/// TMX files 1.1, 1.4 and 1.4b (UTF-8, UTF-16 or a declared legacy encoding), and translated
/// XLIFF 1.2 files (from `prepare` and a CAT tool; SDLXLIFF too). OmegaT's project_save.tmx is a
/// TMX 1.1 file like any other.
///
/// The whole command is one transaction: if any file is malformed, nothing is imported.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// TMX or XLIFF files to import.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// What to do with a unit whose source is already in the memory with another translation:
    /// keep both (the new one as an alternative), overwrite the stored one, or skip the new one.
    /// Identical units are always merged.
    #[arg(long, value_enum, default_value_t = Dup::Keep, value_name = "ACTION")]
    pub on_duplicate: Dup,
    /// Rename language tags while importing, e.g. `--lang-map zh=zh-CN` (repeatable).
    #[arg(long, value_name = "FROM=TO")]
    pub lang_map: Vec<String>,
    /// Stop at the first problem in a unit (a <tuv> without a language, broken inline codes, a unit
    /// with a single variant) instead of skipping the unit.
    #[arg(long)]
    pub strict: bool,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
    /// Which targets of XLIFF files to import, by state (comma-separated XLIFF 1.2 states).
    /// Default: translated, needs-review-translation, needs-review-l10n,
    /// needs-review-adaptation, signed-off, final; a target without a state, or of a unit
    /// marked approved="yes", counts as translated.
    #[arg(long, value_name = "STATES")]
    pub xliff_states: Option<String>,
    /// How many problems to list per file (all are counted).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max_problems: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Dup {
    Keep,
    Overwrite,
    Skip,
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn start_file(&self, name: &str, bytes: Option<u64>) {
        self.0.reset();
        self.0.set_length(bytes.unwrap_or(0));
        self.0.set_message(name.to_string());
    }
    fn advance(&self, bytes: u64) {
        self.0.set_position(bytes);
    }
    fn committing(&self) {
        self.0.set_message("writing the memory to disk");
    }
}

fn parse_map(s: &str) -> anyhow::Result<(Lang, Lang)> {
    let (from, to) = s
        .split_once('=')
        .with_context(|| format!("--lang-map {s:?}: expected FROM=TO, e.g. zh=zh-CN"))?;
    Ok((
        // The tag as files write it: lenient, so that a bad tag (`english`) can be mapped.
        Lang::parse(from).with_context(|| format!("--lang-map {s:?}"))?,
        super::parse_lang("--lang-map", to)?,
    ))
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let lang_map = args
        .lang_map
        .iter()
        .map(|s| parse_map(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let config = ImportConfig {
        files: args.files.clone(),
        on_duplicate: match args.on_duplicate {
            Dup::Keep => OnDuplicate::Keep,
            Dup::Overwrite => OnDuplicate::Overwrite,
            Dup::Skip => OnDuplicate::Skip,
        },
        strict: args.strict,
        lang_map,
        max_problems_listed: args.max_problems,
        xliff_policy: match &args.xliff_states {
            Some(list) => ImportPolicy::with_states(list).context("--xliff-states")?,
            None => ImportPolicy::default(),
        },
        names: Vec::new(),
        bulk: true,
    };
    let mut store = Store::open(&ctx.db)?;
    let bar = super::output::progress_bar(
        ctx,
        "{msg:30!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    );
    let report = if let Some(bar) = bar {
        let bar = Bar(bar);
        let r = import::import(&mut store, &config, &bar);
        bar.0.finish_and_clear();
        r?
    } else {
        import::import(&mut store, &config, &import::NoProgress)?
    };
    if args.format == Format::Json {
        print_json(&report)?;
        return Ok(EXIT_OK);
    }
    let style = Style { color: ctx.color };
    let mut t = Table::new(
        &[
            "file",
            "encoding",
            "tmx",
            "read",
            "added",
            "merged",
            "alternative",
            "overwritten",
            "skipped",
        ],
        &[false, false, false, true, true, true, true, true, true],
    );
    for f in &report.files {
        t.row(vec![
            safe(&f.path).into_owned(),
            f.encoding.clone(),
            safe(f.tmx_version.as_deref().unwrap_or("-")).into_owned(),
            count(f.units_read),
            count(f.added),
            count(f.merged),
            count(f.alternatives),
            count(f.overwritten),
            count(f.skipped),
        ]);
    }
    if report.files.len() > 1 {
        t.row(vec![
            "total".to_string(),
            String::new(),
            String::new(),
            count(report.units_read),
            count(report.added),
            count(report.merged),
            count(report.alternatives),
            count(report.overwritten),
            count(report.skipped),
        ]);
    }
    let mut out = t.render(style, "");
    let mut languages: std::collections::BTreeMap<&str, u64> = Default::default();
    for f in &report.files {
        for (l, n) in &f.languages {
            *languages.entry(l.as_str()).or_default() += n;
        }
    }
    if !languages.is_empty() {
        let langs: Vec<String> = languages
            .iter()
            .map(|(l, n)| format!("{l} {}", count(*n)))
            .collect();
        out.push_str(&format!(
            "\nvariants read by language: {}\n",
            langs.join(", ")
        ));
    }
    for f in &report.files {
        for (what, n) in &f.not_exported {
            out.push_str(&format!("\nnote: {} {what} in {}\n", count(*n), f.path));
        }
    }
    for f in &report.files {
        if f.skipped_reasons.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n{} skipped in {}:\n",
            count(f.skipped),
            safe(&f.path)
        ));
        for (reason, n) in &f.skipped_reasons {
            out.push_str(&format!("  {:>8}  {}\n", count(*n), safe(reason)));
        }
        for p in &f.problems {
            out.push_str(&format!(
                "  {}: {}\n",
                style.yellow(&safe(&p.location.to_string())),
                safe(&p.message)
            ));
        }
        let problems: u64 = f
            .skipped_reasons
            .iter()
            .filter(|(r, _)| r.as_str() != import::SKIPPED_DUPLICATE)
            .map(|(_, n)| n)
            .sum();
        let listed = f.problems.len() as u64;
        if problems > listed {
            out.push_str(&format!(
                "  ... and {} more (--max-problems N lists more)\n",
                count(problems - listed)
            ));
        }
    }
    print!("{out}");
    Ok(EXIT_OK)
}
