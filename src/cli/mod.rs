//! The command line: the only place with clap, anyhow, colours and printing.
//!
//! One file per subcommand (an `Args` struct and `run(args, &Ctx)`), plus `output.rs` for rendering.

use std::path::PathBuf;

use std::io::IsTerminal;

use clap::{Parser, Subcommand, ValueEnum};
use tmkit::model::Limits;

mod add;
mod check;
mod concordance;
mod export;
mod glossary;
mod import;
mod lookup;
mod output;
mod prepare;
mod segment;
mod stats;
mod terms;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings (check problems, no match).
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: an error.
pub const EXIT_ERROR: i32 = 2;

/// tmkit: a translation memory for English, Chinese and Japanese.
#[derive(Debug, Parser)]
#[command(name = "tmkit", version, about, long_about = None)]
pub struct Cli {
    /// The memory (a SQLite file); created when missing.
    #[arg(long, global = true, env = "TMKIT_DB", default_value = "tmkit.db")]
    pub db: PathBuf,
    /// Colours in terminal output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print no progress bars or notes on standard error.
    #[arg(long, short, global = true)]
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
    Glossary(glossary::Args),
    Check(check::Args),
    Terms(terms::Args),
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
        Command::Glossary(args) => glossary::run(args, &ctx),
        Command::Check(args) => check::run(args, &ctx),
        Command::Terms(args) => terms::run(args, &ctx),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return EXIT_OK;
            }
            // Values from the input (file names, tags, text) are shown, not obeyed.
            eprintln!("tmkit: {}", output::safe(&format!("{e:#}")));
            EXIT_ERROR
        }
    }
}

/// Parses the language tags given to an option (`--to`, `--langs`), naming the option on error.
pub fn parse_langs(option: &str, tags: &[String]) -> anyhow::Result<Vec<tmkit::model::Lang>> {
    use anyhow::Context;
    tags.iter()
        .map(|s| tmkit::model::Lang::parse(s).with_context(|| format!("{option} {s:?}")))
        .collect()
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
