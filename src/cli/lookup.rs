//! `tmkit lookup`: exact and fuzzy matches for segments.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args as ClapArgs;
use tmkit::matching::diff::{Piece, diff};
use tmkit::model::Lang;
use tmkit::ops::lookup::{Lookup, LookupConfig, Query, QueryResult};
use tmkit::ops::segment;
use tmkit::store::Store;

use super::output::{Style, print_json, safe};
use super::{Ctx, EXIT_FINDINGS, EXIT_OK, Format};

/// Look segments up in the memory: exact and fuzzy matches.
///
/// Each match is shown with its translations. The score is the word-level edit distance normalized to 0-100 (see the README); 99 and 98 mark
/// differences only in case, whitespace, punctuation, tags or numbers; 101 a match whose
/// neighbouring segments match too. Exits with 1 when no segment has a match.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Segments to look up.
    #[arg(value_name = "TEXT")]
    pub texts: Vec<String>,
    /// A file with one segment per line (`-` for standard input).
    #[arg(long, short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Segment the --file's text into sentences first (the built-in rules for --from), instead of
    /// reading one segment per line.
    #[arg(long, requires = "file")]
    pub segment: bool,
    /// The source language of the segments.
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub from: String,
    /// Languages to show translations in, comma-separated. [default: zh-CN,ja-JP]
    #[arg(long, value_delimiter = ',', value_name = "LANGS")]
    pub to: Option<Vec<String>>,
    /// The lowest score shown.
    #[arg(long, default_value_t = 70, value_parser = clap::value_parser!(u8).range(0..=100),
          value_name = "SCORE")]
    pub min: u8,
    /// The most matches per segment.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

fn read_queries(args: &Args) -> anyhow::Result<Vec<Query>> {
    let file = args.file.as_deref().map(super::read_input).transpose()?;
    let rules = if file.is_some() && args.segment {
        let engine = segment::default_engine()?;
        Some(segment::rules_for(engine, &args.from, segment::BadRules::Fail)?.0)
    } else {
        None
    };
    let queries = tmkit::ops::lookup::queries(
        args.texts.clone(),
        file.as_ref()
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
        rules.as_ref(),
    )?;
    if queries.is_empty() {
        bail!("nothing to look up: give segments as arguments or --file FILE");
    }
    Ok(queries)
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let from = super::parse_lang("--from", &args.from)?;
    let to = super::parse_langs("--to", args.to.as_deref().unwrap_or(&super::default_to()))?;
    let queries = read_queries(&args)?;
    let mut store = Store::open_existing(&ctx.db)?;
    super::require_langs(&[&store], "--from", std::slice::from_ref(&from))?;
    if args.to.is_some() {
        super::require_langs(&[&store], "--to", &to)?;
    }
    if !store.index_ready()? {
        super::rebuild_index(&mut store, ctx)?;
    }
    let to_langs = to.clone();
    let config = LookupConfig {
        from,
        to,
        min: args.min,
        max: args.max,
    };
    let mut lookup = Lookup::new(&store, config)?;
    let mut results = Vec::with_capacity(queries.len());
    for q in &queries {
        results.push(lookup.lookup(q)?);
    }
    let found = results.iter().any(|r| !r.matches.is_empty());
    if args.format == Format::Json {
        print_json(&results)?;
    } else {
        print!(
            "{}",
            render(&results, &to_langs, Style { color: ctx.color })
        );
    }
    Ok(if found { EXIT_OK } else { EXIT_FINDINGS })
}

fn render(results: &[QueryResult], to: &[Lang], style: Style) -> String {
    let mut out = String::new();
    for (i, r) in results.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&style.bold(&format!("{}. {}", i + 1, safe(&r.query))));
        out.push('\n');
        if r.matches.is_empty() {
            out.push_str("   no match\n");
            continue;
        }
        for m in &r.matches {
            let badge = format!("{:>3}", m.score);
            let badge = match m.score {
                100.. => style.green(&badge),
                85..=99 => style.yellow(&badge),
                _ => style.red(&badge),
            };
            out.push_str(&format!(
                "  {badge}  {}\n",
                render_diff(&diff(&m.source, &r.query), style)
            ));
            if !m.penalties.is_empty() {
                let names: Vec<String> = m
                    .penalties
                    .iter()
                    .map(|p| format!("{p:?}").to_lowercase())
                    .collect();
                out.push_str(&format!(
                    "       {}\n",
                    style.dim(&format!("differs in {}", names.join(", ")))
                ));
            }
            // In the order of --to.
            for want in to {
                for (lang, text) in &m.targets {
                    if want.matches(lang) {
                        out.push_str(&format!(
                            "       {:<6} {}\n",
                            safe(lang.as_str()),
                            safe(text)
                        ));
                    }
                }
            }
            let mut about = Vec::new();
            if let Some(o) = &m.origin {
                about.push(safe(o).into_owned());
            }
            if let Some(c) = &m.changed {
                about.push(safe(c).into_owned());
            }
            if !about.is_empty() {
                out.push_str(&format!("       {}\n", style.dim(&about.join(" · "))));
            }
        }
    }
    out
}

/// The diff of a match source against the query: deletions `[-...-]`, insertions `{+...+}`, in
/// red and green on a terminal.
pub fn render_diff(pieces: &[Piece], style: Style) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Same(s) => safe(s).into_owned(),
            Piece::Delete(s) => {
                let s = safe(s);
                if style.color {
                    style.red_strike(&s)
                } else {
                    format!("[-{s}-]")
                }
            }
            Piece::Insert(s) => {
                let s = safe(s);
                if style.color {
                    style.green(&s)
                } else {
                    format!("{{+{s}+}}")
                }
            }
        })
        .collect()
}
