//! The command line: the only place with clap, anyhow, colours and printing.
//!
//! One file per subcommand (an `Args` struct and `run(args, &Ctx)`), plus `output.rs` for rendering.

use std::path::PathBuf;

use std::io::IsTerminal;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use tmkit::model::Limits;

mod add;
mod check;
mod concordance;
mod export;
mod finish;
mod glossary;
mod import;
mod lookup;
mod output;
mod prepare;
mod segment;
mod serve;
mod stats;
mod terms;
mod token;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings (check problems, no match).
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: an error.
pub const EXIT_ERROR: i32 = 2;

/// The help heading of the options every command takes (`--db`, `--color`, `--quiet`), so that
/// they are not mixed into each command's own options.
const GLOBAL: &str = "Global options";

/// tmkit: a translation memory for English, Chinese and Japanese.
#[derive(Debug, Parser)]
#[command(name = "tmkit", version, about, long_about = None)]
pub struct Cli {
    /// The memory (a SQLite file).
    ///
    /// Created when missing by the commands that write to it: import, add, glossary import,
    /// glossary add, token add and serve (unless --read-only). The others need it to exist,
    /// except where files stand in for it: check --tmx or --xliff, prepare --tm, terms
    /// --glossary, and finish (without --from-memory). segment does not use it.
    #[arg(long, global = true, env = "TMKIT_DB", default_value = "tmkit.db", value_name = "FILE",
          help_heading = GLOBAL)]
    pub db: PathBuf,
    /// Colours in terminal output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto,
          help_heading = GLOBAL)]
    pub color: ColorChoice,
    /// Print no progress bars or notes on standard error.
    #[arg(long, short, global = true, help_heading = GLOBAL)]
    pub quiet: bool,
    /// The longest segment (text and inline markup) read from a file, in bytes, and the longest
    /// single XML tag, text or comment. A longer segment is skipped as a problem of its unit.
    #[arg(long, global = true, env = "TMKIT_MAX_SEGMENT_BYTES", value_name = "BYTES",
          default_value_t = Limits::DEFAULT.max_segment_bytes as u64,
          value_parser = clap::value_parser!(u64).range(1..), help_heading = "Limits")]
    pub max_segment_bytes: u64,
    /// The deepest nesting of XML elements (inline codes included) in any file read.
    #[arg(long, global = true, env = "TMKIT_MAX_DEPTH", value_name = "LEVELS",
          default_value_t = Limits::DEFAULT.max_depth as u64,
          value_parser = clap::value_parser!(u64).range(1..), help_heading = "Limits")]
    pub max_depth: u64,
    /// The longest SRX rule pattern (beforebreak or afterbreak), in bytes.
    #[arg(long, global = true, env = "TMKIT_MAX_SRX_PATTERN_BYTES", value_name = "BYTES",
          default_value_t = Limits::DEFAULT.max_srx_pattern_bytes as u64,
          value_parser = clap::value_parser!(u64).range(1..), help_heading = "Limits")]
    pub max_srx_pattern_bytes: u64,
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Output format for commands that report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Import(import::Args),
    Export(export::Args),
    Stats(stats::Args),
    Add(add::Args),
    Lookup(lookup::Args),
    Concordance(concordance::Args),
    Segment(segment::Args),
    Prepare(prepare::Args),
    Finish(finish::Args),
    Glossary(glossary::Args),
    Check(check::Args),
    Terms(terms::Args),
    Serve(serve::Args),
    Token(token::Args),
}

/// What every subcommand gets besides its own arguments.
pub struct Ctx {
    pub db: PathBuf,
    /// Whether standard output gets colours.
    pub color: bool,
    pub quiet: bool,
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    Limits {
        max_segment_bytes: size(cli.max_segment_bytes),
        max_depth: size(cli.max_depth),
        max_srx_pattern_bytes: size(cli.max_srx_pattern_bytes),
    }
    .set();
    let ctx = Ctx {
        db: cli.db,
        color,
        quiet: cli.quiet,
    };
    let result = match cli.command {
        Command::Import(args) => import::run(args, &ctx),
        Command::Export(args) => export::run(args, &ctx),
        Command::Stats(args) => stats::run(args, &ctx),
        Command::Add(args) => add::run(args, &ctx),
        Command::Lookup(args) => lookup::run(args, &ctx),
        Command::Concordance(args) => concordance::run(args, &ctx),
        Command::Segment(args) => segment::run(args, &ctx),
        Command::Prepare(args) => prepare::run(args, &ctx),
        Command::Finish(args) => finish::run(args, &ctx),
        Command::Glossary(args) => glossary::run(args, &ctx),
        Command::Check(args) => check::run(args, &ctx),
        Command::Terms(args) => terms::run(args, &ctx),
        Command::Serve(args) => serve::run(args, &ctx),
        Command::Token(args) => token::run(args, &ctx),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return EXIT_OK;
            }
            let e = about_the_memory(e, &ctx.db);
            // Values from the input (file names, tags, text) are shown, not obeyed.
            eprintln!("tmkit: {}", output::safe(&format!("{e:#}")));
            EXIT_ERROR
        }
    }
}

/// The target languages when `--to` is not given. Only languages the user names are required to
/// be in the memory: a memory without Japanese still answers a lookup without `--to`.
pub fn default_to() -> Vec<String> {
    vec!["zh-CN".to_string(), "ja-JP".to_string()]
}

/// Parses the language tags given to an option (`--to`, `--langs`), naming the option on error.
pub fn parse_langs(option: &str, tags: &[String]) -> anyhow::Result<Vec<tmkit::model::Lang>> {
    tags.iter().map(|s| parse_lang(option, s)).collect()
}

/// Parses the language tag given to an option (see `Lang::parse_given`: `jp` and `chinese` are
/// refused with the likely tag), naming the option on error.
pub fn parse_lang(option: &str, tag: &str) -> anyhow::Result<tmkit::model::Lang> {
    use anyhow::Context;
    tmkit::model::Lang::parse_given(tag).with_context(|| option.to_string())
}

/// Refuses, with exit code 2, a language the memory has no text in (`lookup --to ko` on an
/// English-Chinese memory would otherwise answer "no match"): says which languages it has. A tag
/// is enough when it matches a stored one or is matched by it (`en-US` and `en`). An empty memory
/// has nothing to refuse.
pub fn require_langs(
    stores: &[&tmkit::store::Store],
    option: &str,
    wanted: &[tmkit::model::Lang],
) -> anyhow::Result<()> {
    let mut have: Vec<tmkit::model::Lang> = Vec::new();
    for store in stores {
        have.extend(store.lang_tags()?.into_values());
    }
    if have.is_empty() {
        return Ok(());
    }
    have.sort();
    have.dedup();
    let names: Vec<String> = stores
        .iter()
        .map(|s| s.path().display().to_string())
        .collect();
    for w in wanted {
        if !have.iter().any(|h| w.matches(h) || h.matches(w)) {
            let list: Vec<&str> = have.iter().map(|l| l.as_str()).collect();
            anyhow::bail!(
                "{option} {w}: {} {} no text in {w}; {} {}",
                names.join(" and "),
                if names.len() == 1 { "has" } else { "have" },
                if names.len() == 1 {
                    "it has"
                } else {
                    "they have"
                },
                list.join(", ")
            );
        }
    }
    Ok(())
}

/// Reads a whole input file; errors name the file and the cause once (see `tmkit::error::io_cause`).
pub fn read_file(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| file_error(path, e))
}

/// The bytes of a file named on the command line, `-` meaning standard input, with the name that
/// messages give it (`<stdin>` for standard input).
pub fn read_input(path: &std::path::Path) -> anyhow::Result<(String, Vec<u8>)> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .context("<stdin>: cannot read")?;
        return Ok(("<stdin>".to_string(), bytes));
    }
    Ok((path.display().to_string(), read_file(path)?))
}

/// Builds the lookup index of a memory that lacks it, with a progress bar on a terminal.
pub fn rebuild_index(store: &mut tmkit::store::Store, ctx: &Ctx) -> anyhow::Result<()> {
    let bar = output::progress_bar(
        ctx,
        "building the lookup index [{bar:30}] {pos}/{len} units eta {eta}",
    );
    tmkit::ops::lookup::rebuild_index(store, &|done, total| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.set_position(done);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(())
}

/// A failed operation on the file `path`, in the one wording for its cause.
pub fn file_error(path: &std::path::Path, e: std::io::Error) -> anyhow::Error {
    tmkit::Error::io(path, e).into()
}

/// The bytes of the text file `path` as a string; invalid UTF-8 is refused at its line and
/// column.
pub fn utf8_text(bytes: Vec<u8>, path: &std::path::Path) -> anyhow::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let name = path.display().to_string();
        tmkit::formats::decode::not_utf8(e.as_bytes(), &name, "convert the file to UTF-8").into()
    })
}

/// A SQLite error that reached the top without context is about the memory: name it and say the
/// cause in the words used for any file (`tmkit.db: disk full: ...`).
fn about_the_memory(e: anyhow::Error, db: &std::path::Path) -> anyhow::Error {
    // Only a bare error: downcasting one with context would drop the context.
    if e.chain().count() != 1 {
        return e;
    }
    match e.downcast::<tmkit::Error>() {
        Ok(te) => match te.into_kind() {
            tmkit::ErrorKind::Sqlite(s) => tmkit::store::memory_error(db, s).into(),
            kind => tmkit::Error::from(kind).into(),
        },
        Err(e) => e,
    }
}

/// A reader that went away (`tmkit export - | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<tmkit::Error>()
            .is_some_and(tmkit::Error::is_broken_pipe)
            || cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
