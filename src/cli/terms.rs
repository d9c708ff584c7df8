//! `tmkit terms`: the glossary terms in a text, with their approved translations.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args as ClapArgs;
use tmkit::ops::glossary as ops;
use tmkit::store::Store;

use super::output::{Style, Table, print_json, safe};
use super::{Ctx, EXIT_FINDINGS, EXIT_OK, Format};

/// Find glossary terms in a text, with their approved translations.
///
/// English terms match whole words, case-insensitively (unless flagged case-sensitive or an
/// acronym), in their inflected forms (plurals, possessives, hyphen or space); Chinese and
/// Japanese terms match after width normalization, never confusing simplified and traditional
/// characters. Longest match first.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The text (several arguments are joined with spaces); see also --file.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
    /// Read the text from a file (`-` for standard input).
    #[arg(long, short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The text's language.
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub from: String,
    /// Languages of the translations to show, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "zh-CN,ja-JP",
        value_name = "LANGS"
    )]
    pub to: Vec<String>,
    /// A glossary file (TBX, CSV, TSV) to use alongside the memory's termbase (repeatable).
    #[arg(long, value_name = "FILE")]
    pub glossary: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let from = super::parse_lang("--from", &args.from)?;
    let to = super::parse_langs("--to", &args.to)?;
    let text = match &args.file {
        Some(p) => {
            let (name, bytes) = super::read_input(p)?;
            super::utf8_text(bytes, std::path::Path::new(&name))?
        }
        None => args.text.join(" "),
    };
    if text.trim().is_empty() {
        bail!("nothing to look in: give a text, or --file FILE");
    }
    let stores: Vec<Store> = if ctx.db.exists() {
        vec![Store::open_existing(&ctx.db)?]
    } else if args.glossary.is_empty() {
        bail!(
            "{}: no memory, so no termbase: import a glossary (`tmkit glossary import FILE.tbx`) \
             or give --glossary FILE",
            ctx.db.display()
        );
    } else {
        Vec::new()
    };
    let termbase = ops::termbase(&stores, &args.glossary, &from)?;
    let found = ops::find_terms(&termbase, &text, &to);
    if args.format == Format::Json {
        print_json(&found)?;
    } else {
        let style = Style { color: ctx.color };
        if found.is_empty() {
            println!("no glossary term found");
        } else {
            let mut header = vec!["at".to_string(), "text".to_string()];
            header.extend(to.iter().map(|l| l.to_string()));
            header.push("do not use".to_string());
            let refs: Vec<&str> = header.iter().map(String::as_str).collect();
            let right: Vec<bool> = header.iter().map(|_| false).collect();
            let mut t = Table::new(&refs, &right);
            for f in &found {
                let mut row = vec![
                    format!("{}-{}", f.char_start, f.char_end),
                    if f.text == f.term {
                        style.bold(&safe(&f.text))
                    } else {
                        format!("{} ({})", style.bold(&safe(&f.text)), safe(&f.term))
                    },
                ];
                for l in &to {
                    row.push(
                        f.translations
                            .get(l.as_str())
                            .map(|v| safe(&v.join(" / ")).into_owned())
                            .unwrap_or_default(),
                    );
                }
                let bad: Vec<String> = f
                    .forbidden
                    .iter()
                    .map(|(l, v)| format!("{}: {}", safe(l), safe(&v.join(", "))))
                    .collect();
                row.push(style.red(&bad.join("; ")));
                t.row(row);
            }
            print!("{}", t.render(style, ""));
        }
    }
    Ok(if found.is_empty() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
