//! `tmkit check`: quality checks of translations against the termbase and the source.

use std::path::PathBuf;

use anyhow::bail;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args as ClapArgs, ValueEnum};
use tmkit::model::{FindingKind, Severity};
use tmkit::ops::check::{self as ops, CheckConfig, CheckInput, Reported};
use tmkit::ops::glossary as glossary_op;
use tmkit::store::Store;

use super::output::{Style, count, print_json};
use super::{Ctx, EXIT_FINDINGS, EXIT_OK, Format};

/// Check translations: glossary terms (missing approved terms, forbidden terms), numbers, inline
/// tags, untranslated segments, inconsistent translations, punctuation and white space.
///
/// Checks the memory, or a TMX file (--tmx) or an XLIFF file (--xliff). Exit code 0 when clean,
/// 1 when there are findings, 2 on error.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Check this TMX file instead of the memory.
    #[arg(long, value_name = "FILE.tmx", conflicts_with = "xliff")]
    pub tmx: Option<PathBuf>,
    /// Check this XLIFF 1.2 file instead of the memory.
    #[arg(long, value_name = "FILE.xlf")]
    pub xliff: Option<PathBuf>,
    /// The source language.
    #[arg(long, default_value = "en")]
    pub from: String,
    /// Target languages to check, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    pub langs: Vec<String>,
    /// Kinds of finding to report, comma-separated (default: all).
    #[arg(long, value_delimiter = ',', value_parser = kind_parser())]
    pub kinds: Vec<FindingKind>,
    /// The least severity to report: error, or warning (errors and warnings).
    #[arg(long, value_enum, default_value_t = Level::Warning)]
    pub severity: Level,
    /// A glossary file (TBX, CSV, TSV) to check against, alongside the memory's termbase
    /// (repeatable).
    #[arg(long, value_name = "FILE")]
    pub glossary: Vec<PathBuf>,
    /// Output format: findings grouped by unit, or a JSON array of findings.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `--kinds`: the names tmkit writes for kinds of finding ([`FindingKind::as_str`]).
fn kind_parser() -> impl TypedValueParser<Value = FindingKind> {
    PossibleValuesParser::new(FindingKind::ALL.map(FindingKind::as_str)).try_map(|name: String| {
        FindingKind::parse(&name).ok_or_else(|| format!("unknown kind of finding: {name}"))
    })
}

/// Severity levels for `--severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Error,
    Warning,
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let from = super::parse_lang("--from", &args.from)?;
    let langs = super::parse_langs("--langs", &args.langs)?;
    let input = match (&args.tmx, &args.xliff) {
        (Some(t), _) => CheckInput::Tmx(t.clone()),
        (_, Some(x)) => CheckInput::Xliff(x.clone()),
        _ => CheckInput::Memory,
    };
    let store = match input {
        CheckInput::Memory => {
            let store = Store::open_existing(&ctx.db)?;
            super::require_langs(&[&store], "--from", std::slice::from_ref(&from))?;
            super::require_langs(&[&store], "--langs", &langs)?;
            Some(store)
        }
        _ if ctx.db.exists() => Some(Store::open_existing(&ctx.db)?),
        _ => None,
    };
    let stores: Vec<Store> = store.into_iter().collect();
    let glossary = glossary_op::load(&stores, &args.glossary, &from)?;
    let config = CheckConfig {
        from: from.clone(),
        langs,
        kinds: args.kinds.clone(),
        min_severity: match args.severity {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        },
    };
    let termbase = glossary_op::Termbase::new(glossary, &from);
    let checks = ops::PairChecks::new(Some(&termbase), &from).only(&config.kinds);
    let pair_check = |p: &ops::Pair<'_>, out: &mut Vec<tmkit::model::Finding>| {
        checks.check(p.source_markup, p.target_markup, p.lang, out);
    };
    let report = ops::check(stores.first(), &input, &config, &pair_check)?;
    if report.pairs == 0 && report.units > 0 {
        bail!(
            "no {from} source with a translation{} in {} units: check --from and --langs",
            if config.langs.is_empty() {
                String::new()
            } else {
                format!(" in {}", args.langs.join(", "))
            },
            report.units
        );
    }
    if args.format == Format::Json {
        print_json(&report.findings)?;
    } else {
        print!("{}", render(&report, Style { color: ctx.color }));
    }
    Ok(if report.findings.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// Marks `span` of `text`: red on a terminal, »...« otherwise.
fn highlight(text: &str, span: Option<(usize, usize)>, style: Style) -> String {
    let Some((a, b)) = span else {
        return text.to_string();
    };
    let (Some(before), Some(mid), Some(after)) = (text.get(..a), text.get(a..b), text.get(b..))
    else {
        return text.to_string();
    };
    let mid = if style.color {
        style.red(mid)
    } else {
        format!("»{mid}«")
    };
    format!("{before}{mid}{after}")
}

fn render(report: &ops::CheckReport, style: Style) -> String {
    let mut out = String::new();
    let mut i = 0;
    let f = &report.findings;
    while i < f.len() {
        // A group: the findings of one unit and language.
        let mut j = i;
        while j < f.len() && f[j].unit == f[i].unit && f[j].lang == f[i].lang {
            j += 1;
        }
        let group: &[Reported] = &f[i..j];
        let first = &group[0];
        let title = match &first.tuid {
            Some(t) => format!("unit {} ({t})", first.unit),
            None => format!("unit {}", first.unit),
        };
        out.push_str(&format!("{}  {}\n", style.bold(&title), first.lang));
        let source_span = group.iter().find_map(|g| g.source_span);
        let target_span = group.iter().find_map(|g| g.target_span);
        out.push_str(&format!(
            "  {}  {}\n",
            style.dim("source"),
            highlight(&first.source, source_span, style)
        ));
        out.push_str(&format!(
            "  {}  {}\n",
            style.dim("target"),
            highlight(&first.target, target_span, style)
        ));
        for g in group {
            let sev = match g.severity {
                Severity::Error => style.red("error  "),
                Severity::Warning => style.yellow("warning"),
            };
            out.push_str(&format!("  {sev} {:<15} {}\n", g.kind.as_str(), g.message));
        }
        out.push('\n');
        i = j;
    }
    let errors = f.iter().filter(|g| g.severity == Severity::Error).count() as u64;
    let warnings = f.len() as u64 - errors;
    out.push_str(&format!(
        "{} units, {} pairs checked: {} errors, {} warnings\n",
        count(report.units),
        count(report.pairs),
        count(errors),
        count(warnings)
    ));
    out
}
