//! The command line: the only place with clap, anyhow, colours and printing.
//!
//! One file per subcommand (an `Args` struct and `run(args, &Ctx)`), plus `output.rs` for rendering.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

mod segment;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings (check problems, no match).
#[allow(dead_code)]
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
    Segment(segment::Args),
}

/// What every subcommand gets besides its own arguments.
#[allow(dead_code)]
pub struct Ctx {
    pub db: PathBuf,
    pub color: bool,
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
    let ctx = Ctx {
        db: cli.db,
        color: false,
    };
    let result = match cli.command {
        Command::Segment(args) => segment::run(args, &ctx),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tmkit: {e:#}");
            EXIT_ERROR
        }
    }
}
