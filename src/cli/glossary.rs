//! `tmkit glossary`: the termbase in the memory (import, export, add, list, remove).

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args as ClapArgs, Subcommand, ValueEnum};
use std::io::Write;

use tmkit::formats::GlossaryFormat;
use tmkit::model::{Lang, Term, TermEntry, TermStatus};
use tmkit::ops::glossary as ops;
use tmkit::store::Store;

use super::output::{Style, Table, count, print_json, safe};
use super::{Ctx, EXIT_FINDINGS, EXIT_OK, Format};

/// Manage the termbase: named glossaries of multilingual concepts.
///
/// A glossary holds concepts, each with terms in any languages.
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    pub command: GlossaryCommand,
}

#[derive(Debug, Subcommand)]
pub enum GlossaryCommand {
    Import(ImportArgs),
    Export(ExportArgs),
    Add(AddArgs),
    List(ListArgs),
    Remove(RemoveArgs),
}

/// Import glossary files (TBX, CSV, TSV, OmegaT) into a glossary.
///
/// The files: TBX v2 or v3, CSV or TSV with a header row naming the languages of the columns,
/// OmegaT's tab-separated glossary; they go into a named glossary of the memory. All files are imported in one transaction: if one is malformed, nothing is imported. Entries
/// that cannot be used (a TBX-Basic concept that breaks the dialect's rules, a row without terms,
/// an entry without a source term) are skipped and listed with their file:line:column; `--strict`
/// makes the first of them an error.
#[derive(Debug, ClapArgs)]
pub struct ImportArgs {
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The glossary to import into (created if needed); default: the first file's name without
    /// its extension.
    #[arg(long, short = 'n', value_name = "NAME")]
    pub name: Option<String>,
    /// Empty the glossary first, so that it holds exactly the files' concepts.
    #[arg(long)]
    pub replace: bool,
    /// The file format, when the extension does not tell.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<FileFormat>,
    /// The language of each term column, in order, for CSV and TSV files without a header row or
    /// whose header does not name the languages (source, target, term, translation), e.g.
    /// `--langs en,zh-CN,ja-JP`; in a file without a header row, a column after the terms is the
    /// note. For OmegaT glossaries, the source and target languages.
    #[arg(long, value_delimiter = ',', value_name = "LANGS")]
    pub langs: Vec<String>,
    /// The source language: an entry without a term in it is skipped (default: the first of
    /// `--langs`, else en). Also the source language of OmegaT glossaries.
    #[arg(long, value_name = "LANG")]
    pub from: Option<String>,
    /// Target language of OmegaT glossaries, when `--langs` is not given.
    #[arg(long, default_value = "zh-CN", value_name = "LANG")]
    pub to: String,
    /// Stop at the first entry that would be skipped (exit 2, nothing imported).
    #[arg(long)]
    pub strict: bool,
    /// How many skipped entries to list per file (all are counted).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max_problems: usize,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

/// Glossary file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    /// TBX v3 (ISO 30042:2019), TBX-Basic, DCA style.
    Tbx,
    /// TBX v2 (martif), for tools that read nothing newer.
    Tbx2,
    /// Comma-separated, header row of languages and note/pos/status/case columns.
    Csv,
    /// Tab-separated, same columns as csv.
    Tsv,
    /// OmegaT's glossary: source, target, comment; no header.
    Omegat,
}

/// Write glossaries as TBX, CSV, TSV or an OmegaT glossary.
///
/// Writes the named glossary, or all of them.
#[derive(Debug, ClapArgs)]
pub struct ExportArgs {
    /// The glossary; default: every glossary in the memory.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Output file; `-` or nothing for standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The format; default from the output file's extension (.tbx, .csv, .tsv, .txt), else TBX.
    #[arg(long = "to-format", short = 't', value_enum, value_name = "FORMAT")]
    pub file_format: Option<FileFormat>,
    /// Languages to write, comma-separated (default: every language in the glossary); the first
    /// is the source of an OmegaT glossary.
    #[arg(long, value_delimiter = ',', value_name = "LANGS")]
    pub langs: Vec<String>,
}

/// Add a concept: its terms as LANG=TERM.
///
/// For example: `tmkit glossary add en="Wang Yi" zh-CN=王毅 ja-JP=王毅 --forbidden zh-CN=王义`.
#[derive(Debug, ClapArgs)]
pub struct AddArgs {
    /// Preferred terms, as LANG=TERM.
    #[arg(required = true, value_name = "LANG=TERM")]
    pub terms: Vec<String>,
    /// Admitted terms (acceptable, not the first choice), as LANG=TERM.
    #[arg(long, value_name = "LANG=TERM")]
    pub admitted: Vec<String>,
    /// Forbidden terms (wrong forms that must not be used), as LANG=TERM.
    #[arg(long, value_name = "LANG=TERM")]
    pub forbidden: Vec<String>,
    /// The glossary to add to (created if needed).
    #[arg(long, short = 'n', default_value = "default", value_name = "NAME")]
    pub name: String,
    /// A note for translators.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Part of speech of the terms (noun, properNoun, verb, adjective...).
    #[arg(long)]
    pub pos: Option<String>,
    /// Match the English terms only with this exact case.
    #[arg(long)]
    pub case_sensitive: bool,
}

/// List the glossaries, or the concepts of one.
#[derive(Debug, ClapArgs)]
pub struct ListArgs {
    /// A glossary to list the concepts of; without it, the glossaries are listed.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Only concepts with a term containing this text (case-insensitive).
    #[arg(long, short = 's', value_name = "TEXT")]
    pub search: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

/// Remove a glossary, or some of its concepts.
#[derive(Debug, ClapArgs)]
pub struct RemoveArgs {
    /// The glossary.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Remove only the concepts with these ids (from `glossary list NAME`).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub concept: Vec<i64>,
    /// Remove only the concepts that have this term (in any language).
    #[arg(long, value_name = "TERM")]
    pub term: Vec<String>,
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    match args.command {
        GlossaryCommand::Import(a) => import(a, ctx),
        GlossaryCommand::Export(a) => export(a, ctx),
        GlossaryCommand::Add(a) => add(a, ctx),
        GlossaryCommand::List(a) => list(a, ctx),
        GlossaryCommand::Remove(a) => remove(a, ctx),
    }
}

fn parse_term(s: &str, status: TermStatus, args: &AddArgs) -> anyhow::Result<Term> {
    let (lang, text) = s
        .split_once('=')
        .with_context(|| format!("{s:?}: expected LANG=TERM, e.g. zh-CN=王毅"))?;
    let lang = Lang::parse_given(lang).with_context(|| format!("{s:?}"))?;
    let text = text.trim();
    if text.is_empty() {
        bail!("{s:?}: the term is empty");
    }
    let mut term = Term::new(lang, text);
    term.status = status;
    term.pos = args.pos.clone();
    term.case_sensitive = args.case_sensitive;
    Ok(term)
}

fn add(args: AddArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    let mut entry = TermEntry {
        note: args.note.clone(),
        ..TermEntry::default()
    };
    for (list, status) in [
        (&args.terms, TermStatus::Preferred),
        (&args.admitted, TermStatus::Admitted),
        (&args.forbidden, TermStatus::Forbidden),
    ] {
        for s in list {
            entry.terms.push(parse_term(s, status, &args)?);
        }
    }
    let mut store = Store::open(&ctx.db)?;
    let id = ops::add_entry(&mut store, &args.name, &entry)?;
    if !ctx.quiet {
        eprintln!("added concept {id} to glossary {:?}", args.name);
    }
    Ok(EXIT_OK)
}

fn list(args: ListArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    let store = Store::open_existing(&ctx.db)?;
    let style = Style { color: ctx.color };
    let Some(name) = &args.name else {
        let glossaries = store.glossaries()?;
        if args.format == Format::Json {
            print_json(&glossaries)?;
        } else if glossaries.is_empty() {
            println!("the memory has no glossary: `tmkit glossary import FILE.tbx` adds one");
        } else {
            let mut t = Table::new(
                &["glossary", "concepts", "terms", "languages", "created"],
                &[false, true, true, false, false],
            );
            for g in &glossaries {
                t.row(vec![
                    safe(&g.name).into_owned(),
                    count(g.concepts),
                    count(g.terms),
                    safe(&g.langs.join(" ")).into_owned(),
                    safe(&g.created).into_owned(),
                ]);
            }
            print!("{}", t.render(style, ""));
        }
        return Ok(EXIT_OK);
    };
    let mut concepts = store.load_concepts(Some(name))?;
    if let Some(q) = &args.search {
        let q = q.to_lowercase();
        concepts.retain(|c| {
            c.entry
                .terms
                .iter()
                .any(|t| t.text.to_lowercase().contains(&q))
        });
    }
    if args.format == Format::Json {
        let rows: Vec<ops::ListedEntry> = concepts.iter().map(ops::ListedEntry::from).collect();
        print_json(&rows)?;
        return Ok(if concepts.is_empty() {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        });
    }
    let mut langs: Vec<String> = Vec::new();
    for c in &concepts {
        for t in &c.entry.terms {
            let tag = t.lang.to_string();
            if !langs.contains(&tag) {
                langs.push(tag);
            }
        }
    }
    let mut header = vec!["id".to_string()];
    header.extend(langs.iter().map(|l| safe(l).into_owned()));
    header.push("note".to_string());
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut right = vec![true];
    right.extend(std::iter::repeat_n(false, header.len() - 1));
    let mut t = Table::new(&header_refs, &right);
    for c in &concepts {
        let mut row = vec![c.id.to_string()];
        for l in &langs {
            let cell: Vec<String> = c
                .entry
                .terms
                .iter()
                .filter(|t| &t.lang.to_string() == l)
                .map(|t| {
                    let text = safe(&t.text);
                    match t.status {
                        TermStatus::Preferred => text.into_owned(),
                        TermStatus::Admitted => format!("{text} (admitted)"),
                        TermStatus::Forbidden => style.red_strike(&format!("{text} (forbidden)")),
                    }
                })
                .collect();
            row.push(cell.join("; "));
        }
        row.push(safe(c.entry.note.as_deref().unwrap_or_default()).into_owned());
        t.row(row);
    }
    print!("{}", t.render(style, ""));
    Ok(if concepts.is_empty() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn remove(args: RemoveArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    let mut store = Store::open_existing(&ctx.db)?;
    let removed = ops::remove(&mut store, &args.name, &args.concept, &args.term)?;
    if !ctx.quiet {
        if args.concept.is_empty() && args.term.is_empty() {
            eprintln!(
                "removed glossary {:?} ({} concepts)",
                args.name,
                count(removed)
            );
        } else {
            eprintln!(
                "removed {} concepts from glossary {:?}",
                count(removed),
                args.name
            );
        }
    }
    Ok(
        if removed == 0 && !(args.concept.is_empty() && args.term.is_empty()) {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        },
    )
}

fn import(args: ImportArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    let name = match &args.name {
        Some(n) => n.clone(),
        None => args.files[0]
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "default".to_string()),
    };
    let langs = super::parse_langs("--langs", &args.langs)?;
    let config = ops::ReadConfig {
        format: args.input_format.map(|f| match f {
            FileFormat::Tbx | FileFormat::Tbx2 => GlossaryFormat::Tbx,
            FileFormat::Csv => GlossaryFormat::Csv,
            FileFormat::Tsv => GlossaryFormat::Tsv,
            FileFormat::Omegat => GlossaryFormat::OmegatTsv,
        }),
        source: match &args.from {
            Some(from) => super::parse_lang("--from", from)?,
            None => langs
                .first()
                .cloned()
                .unwrap_or_else(|| Lang::parse("en").expect("\"en\" is a valid language tag")),
        },
        target: super::parse_lang("--to", &args.to)?,
        langs,
        strict: args.strict,
        max_problems_listed: args.max_problems,
    };
    let mut store = Store::open(&ctx.db)?;
    let report = ops::import(&mut store, &name, &args.files, args.replace, &config)?;
    if args.format == Format::Json {
        print_json(&report)?;
        return Ok(EXIT_OK);
    }
    let style = Style { color: ctx.color };
    let mut t = Table::new(
        &["file", "format", "concepts", "skipped"],
        &[false, false, true, true],
    );
    for f in &report.files {
        t.row(vec![
            safe(&f.path).into_owned(),
            f.format.clone(),
            count(f.entries),
            count(f.skipped),
        ]);
    }
    let mut out = t.render(style, "");
    for f in &report.files {
        if f.skipped == 0 {
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
        let listed = f.problems.len() as u64;
        if f.skipped > listed {
            out.push_str(&format!(
                "  ... and {} more (--max-problems N lists more)\n",
                count(f.skipped - listed)
            ));
        }
    }
    out.push_str(&format!(
        "\nglossary {:?}: {} concepts added, {} already there{}\n",
        report.glossary,
        count(report.added),
        count(report.unchanged),
        if args.replace {
            format!(", {} replaced", count(report.replaced))
        } else {
            String::new()
        }
    ));
    print!("{out}");
    Ok(EXIT_OK)
}

fn export(args: ExportArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    let store = Store::open_existing(&ctx.db)?;
    let entries: Vec<TermEntry> = store
        .load_concepts(args.name.as_deref())?
        .into_iter()
        .map(|c| c.entry)
        .collect();
    let langs = super::parse_langs("--langs", &args.langs)?;
    let to_file = args.output.as_ref().filter(|p| p.as_os_str() != "-");
    let format = args.file_format.unwrap_or_else(|| {
        let ext = to_file
            .and_then(|p| p.extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("csv") => FileFormat::Csv,
            Some("tsv") => FileFormat::Tsv,
            Some("txt" | "utf8" | "tab") => FileFormat::Omegat,
            _ => FileFormat::Tbx,
        }
    });
    let format = match format {
        FileFormat::Tbx => ops::ExportFormat::Tbx,
        FileFormat::Tbx2 => ops::ExportFormat::Tbx2,
        FileFormat::Csv => ops::ExportFormat::Csv,
        FileFormat::Tsv => ops::ExportFormat::Tsv,
        FileFormat::Omegat => ops::ExportFormat::Omegat,
    };
    let (bytes, n) = ops::write_entries(&entries, format, &langs, Vec::new())?;
    match to_file {
        Some(path) => {
            // Written next to the target and renamed, so a failed export leaves no half file.
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
            let mut tmp = tempfile::NamedTempFile::new_in(dir.unwrap_or(std::path::Path::new(".")))
                .map_err(|e| super::file_error(path, e))?;
            tmp.write_all(&bytes)
                .map_err(|e| super::file_error(path, e))?;
            tmp.persist(path)
                .map_err(|e| super::file_error(path, e.error))?;
            if !ctx.quiet {
                eprintln!("{} concepts written to {}", count(n), path.display());
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes).context("writing output")?;
        }
    }
    Ok(EXIT_OK)
}
