//! `tmkit check`: quality checks of translations against the termbase and the source.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args as ClapArgs, ValueEnum};
use tmkit::matching::qa::JaPunctuation;
use tmkit::model::{FindingKind, Severity};
use tmkit::ops::check::{self as ops, CheckConfig, CheckInput, Reported};
use tmkit::ops::glossary as glossary_op;
use tmkit::store::Store;

use std::io::Write;

use super::output::{JsonArray, Style, count, safe};
use super::{Ctx, EXIT_FINDINGS, EXIT_OK, Format};

/// Check translations: terms, numbers, tags, punctuation and more.
///
/// The checks: glossary terms (missing approved terms, forbidden terms), numbers, inline tags,
/// untranslated segments, inconsistent translations, punctuation and white space. Checks the memory, or a TMX file (--tmx) or an XLIFF file (--xliff). Exit code 0 when clean,
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
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub from: String,
    /// Target languages to check, comma-separated (default: all).
    #[arg(long, value_delimiter = ',', value_name = "LANGS")]
    pub langs: Vec<String>,
    /// Kinds of finding to report, comma-separated (default: all).
    #[arg(long, value_delimiter = ',', value_parser = kind_parser(), value_name = "KINDS")]
    pub kinds: Vec<FindingKind>,
    /// The least severity to report: error, or warning (errors and warnings).
    #[arg(long, value_enum, default_value_t = Level::Warning, value_name = "LEVEL")]
    pub severity: Level,
    /// A glossary file (TBX, CSV, TSV) to check against, alongside the memory's termbase
    /// (repeatable).
    #[arg(long, value_name = "FILE")]
    pub glossary: Vec<PathBuf>,
    /// Punctuation style of Japanese targets: `jtf` (the JTF style guide: full-width ？！（） next
    /// to Japanese text) or `software` (half-width ? ! ( ) accepted, as in most software
    /// catalogs). Half-width , and . after Japanese text are reported in both.
    #[arg(
        long,
        value_enum,
        default_value_t = JaStyle::Jtf,
        env = "TMKIT_JA_PUNCTUATION",
        value_name = "STYLE"
    )]
    pub ja_punctuation: JaStyle,
    /// Output format: findings grouped by unit, or a JSON array of findings.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

/// `--ja-punctuation` styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JaStyle {
    Jtf,
    Software,
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
    let termbase = glossary_op::termbase(&stores, &args.glossary, &from)?;
    let config = CheckConfig {
        from: from.clone(),
        langs,
        kinds: args.kinds.clone(),
        min_severity: match args.severity {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        },
    };
    let checks = ops::PairChecks::new(Some(&termbase), &from)
        .only(&config.kinds)
        .ja_punctuation(match args.ja_punctuation {
            JaStyle::Jtf => JaPunctuation::Jtf,
            JaStyle::Software => JaPunctuation::Software,
        });
    // Findings are written as they come: a memory with millions of them never holds them all.
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let write_err = |e: std::io::Error| tmkit::Error::from(tmkit::ErrorKind::Write(e));
    let summary = if args.format == Format::Json {
        let mut json = JsonArray::new(out);
        let summary = ops::check_each(stores.first(), &input, &config, &checks, &mut |r| {
            json.push(&r).map_err(write_err)
        })?;
        if !(summary.pairs == 0 && summary.units > 0) {
            json.finish().context("writing output")?;
        }
        summary
    } else {
        let mut text = TextReport::new(out, Style { color: ctx.color });
        let summary = ops::check_each(stores.first(), &input, &config, &checks, &mut |r| {
            text.push(r).map_err(write_err)
        })?;
        if !(summary.pairs == 0 && summary.units > 0) {
            text.finish(&summary).context("writing output")?;
        }
        summary
    };
    if summary.pairs == 0 && summary.units > 0 {
        bail!(
            "no {from} source with a translation{} in {} units: check --from and --langs",
            if config.langs.is_empty() {
                String::new()
            } else {
                format!(" in {}", args.langs.join(", "))
            },
            summary.units
        );
    }
    Ok(if summary.findings == 0 {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// Marks `span` of `text`: red on a terminal, »...« otherwise. Data is shown safely (see
/// [`safe`]).
fn highlight(text: &str, span: Option<(usize, usize)>, style: Style) -> String {
    let Some((a, b)) = span else {
        return safe(text).into_owned();
    };
    let (Some(before), Some(mid), Some(after)) = (text.get(..a), text.get(a..b), text.get(b..))
    else {
        return safe(text).into_owned();
    };
    let mid = safe(mid);
    let mid = if style.color {
        style.red(&mid)
    } else {
        format!("»{mid}«")
    };
    format!("{}{mid}{}", safe(before), safe(after))
}

/// The text report, written a unit at a time: the findings of one unit and language under one
/// heading with the source and target, then a count.
struct TextReport<W: Write> {
    out: W,
    style: Style,
    /// The findings of the unit and language being read.
    group: Vec<Reported>,
    errors: u64,
    warnings: u64,
}

impl<W: Write> TextReport<W> {
    fn new(out: W, style: Style) -> TextReport<W> {
        TextReport {
            out,
            style,
            group: Vec::new(),
            errors: 0,
            warnings: 0,
        }
    }

    fn push(&mut self, r: Reported) -> std::io::Result<()> {
        match r.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self
            .group
            .first()
            .is_some_and(|g| g.unit != r.unit || g.lang != r.lang)
        {
            self.flush_group()?;
        }
        self.group.push(r);
        Ok(())
    }

    fn flush_group(&mut self) -> std::io::Result<()> {
        let style = self.style;
        let group = std::mem::take(&mut self.group);
        let Some(first) = group.first() else {
            return Ok(());
        };
        let title = match &first.tuid {
            Some(t) => format!("unit {} ({})", first.unit, safe(t)),
            None => format!("unit {}", first.unit),
        };
        let source_span = group.iter().find_map(|g| g.source_span);
        let target_span = group.iter().find_map(|g| g.target_span);
        let mut out = String::new();
        out.push_str(&format!("{}  {}\n", style.bold(&title), safe(&first.lang)));
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
        for g in &group {
            let sev = match g.severity {
                Severity::Error => style.red("error  "),
                Severity::Warning => style.yellow("warning"),
            };
            out.push_str(&format!(
                "  {sev} {:<15} {}\n",
                g.kind.as_str(),
                safe(&g.message)
            ));
        }
        out.push('\n');
        self.out.write_all(out.as_bytes())
    }

    fn finish(mut self, summary: &ops::CheckSummary) -> std::io::Result<()> {
        self.flush_group()?;
        writeln!(
            self.out,
            "{} units, {} pairs checked: {} errors, {} warnings",
            count(summary.units),
            count(summary.pairs),
            count(self.errors),
            count(self.warnings)
        )?;
        self.out.flush()
    }
}
