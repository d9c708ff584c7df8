//! `tmkit export`: the memory as TMX 1.4b.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::Args as ClapArgs;
use tmkit::ops::export::{self, ExportConfig, parse_date};
use tmkit::store::{Store, UnitFilter};

use super::{Ctx, EXIT_OK};

/// Export the memory as TMX 1.4b.
///
/// The file validates against the TMX 1.4 DTD. The same memory always exports to the same bytes.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The file to write, or `-` for standard output.
    #[arg(value_name = "OUT.tmx")]
    pub out: PathBuf,
    /// Languages to keep, comma-separated (`en,zh-CN,ja-JP`); units left with fewer than two
    /// variants are skipped. `zh` keeps every Chinese variant; `zh-CN` the simplified family.
    #[arg(long, value_delimiter = ',', value_name = "LANGS")]
    pub langs: Vec<String>,
    /// The header's source language; units that have it use it as their source.
    #[arg(long, value_name = "LANG")]
    pub srclang: Option<String>,
    /// Only units imported from a file whose path contains this text.
    #[arg(long, value_name = "TEXT")]
    pub origin: Option<String>,
    /// Only units changed (or else created, or else imported) on or after this date
    /// (YYYY-MM-DD or YYYYMMDDThhmmssZ).
    #[arg(long, value_name = "DATE")]
    pub changed_since: Option<String>,
    /// Only units changed (or else created, or else imported) before this date.
    #[arg(long, value_name = "DATE")]
    pub changed_before: Option<String>,
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    // A trailing comma (`--langs en,zh-CN,`) leaves an empty item: not a language.
    let given: Vec<String> = args
        .langs
        .iter()
        .filter(|s| !s.trim().is_empty())
        .cloned()
        .collect();
    let langs = super::parse_langs("--langs", &given)?;
    let srclang = args
        .srclang
        .as_deref()
        .map(|s| super::parse_lang("--srclang", s))
        .transpose()?;
    let filter = UnitFilter {
        origin: args.origin.clone(),
        changed_since: args.changed_since.as_deref().map(parse_date).transpose()?,
        changed_before: args.changed_before.as_deref().map(parse_date).transpose()?,
    };
    let config = ExportConfig {
        langs,
        srclang,
        filter,
    };
    let store = Store::open_existing(&ctx.db)?;
    super::require_langs(&[&store], "--langs", &config.langs)?;
    super::require_langs(&[&store], "--srclang", config.srclang.as_slice())?;
    if args.out.as_os_str() == "-" {
        let stdout = std::io::stdout().lock();
        export::export(
            &store,
            &config,
            BufWriter::with_capacity(256 * 1024, stdout),
        )?;
        return Ok(EXIT_OK);
    }
    // A device or a pipe (`/dev/stdout`, a FIFO) is written as it is: renaming over it would
    // replace it with a file.
    if std::fs::metadata(&args.out).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&args.out)
            .map_err(|e| super::file_error(&args.out, e))?;
        export::export(&store, &config, BufWriter::with_capacity(256 * 1024, file)).map_err(
            |e| match e.into_kind() {
                tmkit::ErrorKind::Write(io) => super::file_error(&args.out, io),
                kind => anyhow::Error::from(tmkit::Error::from(kind)),
            },
        )?;
        return Ok(EXIT_OK);
    }
    // A symbolic link keeps pointing at the file it names: the file is replaced, not the link.
    let target = match std::fs::symlink_metadata(&args.out) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(&args.out).map_err(|e| super::file_error(&args.out, e))?
        }
        _ => args.out.clone(),
    };
    // Write next to the target and rename, so a failed export never leaves half a file.
    let tmp = target.with_extension("tmx.partial");
    let file = File::create(&tmp).map_err(|e| super::file_error(&args.out, e))?;
    let result = export::export(&store, &config, BufWriter::with_capacity(256 * 1024, file));
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            // A failed write is a problem with the file the user named (a full disk, say).
            return Err(match e.into_kind() {
                tmkit::ErrorKind::Write(io) => super::file_error(&args.out, io),
                kind => tmkit::Error::from(kind).into(),
            });
        }
    };
    std::fs::rename(&tmp, &target).map_err(|e| super::file_error(&args.out, e))?;
    if !ctx.quiet {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "wrote {} units to {} (srclang {}){}",
            report.units_written,
            args.out.display(),
            report.srclang,
            if report.units_skipped > 0 {
                format!(
                    "; {} units had fewer than two of the chosen languages",
                    report.units_skipped
                )
            } else {
                String::new()
            }
        );
    }
    Ok(EXIT_OK)
}
