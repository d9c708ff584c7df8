//! `tmkit segment`: cut text into sentences with SRX rules and print the segments.

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::ValueEnum;

use tmkit::ops::segment::{self as ops, BadRules};
use tmkit::text::segment::Segment;

use super::output::safe;
use super::{Ctx, EXIT_OK};

/// Cut text into sentences (segments) with SRX rules.
///
/// Paragraphs end at blank lines; short heading-like lines and list items are segments of
/// their own; inside a paragraph the SRX rules of the language decide. The built-in rules
/// (English, Chinese, Japanese, and a default for other languages) are printed by
/// --print-rules: change a copy and pass it with --rules.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The text file to segment; `-` or nothing reads standard input. An HTML page, a DOCX or
    /// a Markdown file (.md) is read as prepare reads it: the text of each block (paragraph,
    /// heading, list item, cell, translatable attribute), without markup; offsets then refer to
    /// the blocks' text joined by blank lines.
    /// An HTML file is read and written a block at a time, so memory stays flat however large
    /// the page; a block longer than the segment limit (--max-segment-bytes) is refused.
    pub input: Option<PathBuf>,
    /// Language of the text (BCP 47: en, en-US, zh-CN, ja...): picks the language rules.
    #[arg(long, short = 'l', default_value = "en")]
    pub lang: String,
    /// SRX 2.0 (or 1.0) rules file to use instead of the built-in rules.
    #[arg(long, value_name = "FILE.srx")]
    pub rules: Option<PathBuf>,
    /// Output: one segment per line (line breaks inside a segment become spaces), a JSON array
    /// of {paragraph, index, text, start, end, char_start, char_end} (byte and character
    /// offsets into the input), or the same as tab-separated columns with a header line
    /// (tabs, line breaks and backslashes in the text escaped as \t \n \r \\).
    #[arg(long, short = 'f', value_enum, default_value_t = Output::Text)]
    pub format: Output,
    /// Replace invalid UTF-8 with U+FFFD instead of failing (offsets then refer to the
    /// replaced text).
    #[arg(long)]
    pub lossy: bool,
    /// Leave out SRX rules that cannot be compiled (each is reported on standard error)
    /// instead of failing.
    #[arg(long)]
    pub skip_bad_rules: bool,
    /// Print the built-in rules (an SRX 2.0 file) and exit: a starting point for your own.
    #[arg(long, conflicts_with_all = ["input", "rules"])]
    pub print_rules: bool,
}

/// Output format of `tmkit segment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Text,
    Json,
    Tsv,
}

/// Runs `tmkit segment`.
pub fn run(args: Args, _ctx: &Ctx) -> anyhow::Result<i32> {
    if args.print_rules {
        let mut out = std::io::stdout().lock();
        return match out.write_all(tmkit::formats::srx::DEFAULT_SRX.as_bytes()) {
            Ok(()) => Ok(EXIT_OK),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
            Err(e) => Err(e).context("writing output"),
        };
    }
    let lang = super::parse_lang("--lang", &args.lang)?;
    let owned;
    let engine = match &args.rules {
        Some(path) => {
            owned = ops::engine_from_file(path)?;
            &owned
        }
        None => ops::default_engine()?,
    };
    let bad = if args.skip_bad_rules {
        BadRules::Skip
    } else {
        BadRules::Fail
    };
    let (rules, skipped) = ops::rules_for(engine, lang.as_str(), bad).with_context(|| {
        "cannot compile the SRX rules (--skip-bad-rules leaves such rules out)".to_string()
    })?;
    for e in &skipped {
        eprintln!("tmkit: warning: rule left out: {}", safe(&e.to_string()));
    }
    if rules.names().next().is_none() {
        eprintln!(
            "tmkit: warning: {}: no language rule applies to {:?}; only paragraphs, headings and \
             list items are cut",
            safe(&engine.srx().path),
            lang.as_str()
        );
    }

    if let Some(path) = args.input.as_deref().filter(|p| p.as_os_str() != "-")
        && let Some(code) = segment_page(path, args.format, &rules)?
    {
        return Ok(code);
    }
    let (name, bytes) = read_input(args.input.as_deref())?;
    let result = match ops::segment_document(&bytes, &name, &rules)? {
        Some(doc) => doc,
        None => ops::segment_file(&bytes, &name, &rules, args.lossy)?,
    };
    ops::refuse_long_segments(&name, &result.text, &result.segments)?;

    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out, args.format, &result.text, &result.segments).and_then(|()| out.flush()) {
        Ok(()) => Ok(EXIT_OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
        Err(e) => Err(e).context("writing output"),
    }
}

fn read_input(path: Option<&std::path::Path>) -> anyhow::Result<(String, Vec<u8>)> {
    let mut bytes = Vec::new();
    match path {
        None => read_stdin(&mut bytes).map(|()| ("<stdin>".to_string(), bytes)),
        Some(p) if p.as_os_str() == "-" => {
            read_stdin(&mut bytes).map(|()| ("<stdin>".to_string(), bytes))
        }
        Some(p) => {
            let bytes = super::read_file(p)?;
            Ok((p.display().to_string(), bytes))
        }
    }
}

fn read_stdin(buf: &mut Vec<u8>) -> anyhow::Result<()> {
    std::io::stdin()
        .lock()
        .read_to_end(buf)
        .context("<stdin>: cannot read")?;
    Ok(())
}

fn write(
    out: &mut impl Write,
    format: Output,
    text: &str,
    segments: &[Segment],
) -> std::io::Result<()> {
    match format {
        Output::Text => {
            for s in segments {
                // Text output is for people: controls in the text are shown, not obeyed (see
                // `safe`); JSON and TSV keep the text exact.
                let t = &*safe(s.text(text));
                if t.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']) {
                    let flat: String = t
                        .chars()
                        .map(|c| {
                            if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}') {
                                ' '
                            } else {
                                c
                            }
                        })
                        .collect();
                    writeln!(out, "{flat}")?;
                } else {
                    writeln!(out, "{t}")?;
                }
            }
        }
        Output::Json => {
            #[derive(serde::Serialize)]
            struct Row<'a> {
                paragraph: usize,
                index: usize,
                text: &'a str,
                start: usize,
                end: usize,
                char_start: usize,
                char_end: usize,
            }
            if segments.is_empty() {
                return writeln!(out, "[]");
            }
            writeln!(out, "[")?;
            for (i, s) in segments.iter().enumerate() {
                let row = Row {
                    paragraph: s.paragraph,
                    index: s.index,
                    text: s.text(text),
                    start: s.start,
                    end: s.end,
                    char_start: s.char_start,
                    char_end: s.char_end,
                };
                let json = serde_json::to_string(&row).map_err(std::io::Error::other)?;
                let comma = if i + 1 < segments.len() { "," } else { "" };
                writeln!(out, "  {json}{comma}")?;
            }
            writeln!(out, "]")?;
        }
        Output::Tsv => {
            writeln!(
                out,
                "paragraph\tindex\tstart\tend\tchar_start\tchar_end\ttext"
            )?;
            for s in segments {
                let mut t = String::with_capacity(s.end - s.start);
                for c in s.text(text).chars() {
                    match c {
                        '\t' => t.push_str("\\t"),
                        '\n' => t.push_str("\\n"),
                        '\r' => t.push_str("\\r"),
                        '\\' => t.push_str("\\\\"),
                        c => t.push(c),
                    }
                }
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    s.paragraph, s.index, s.start, s.end, s.char_start, s.char_end, t
                )?;
            }
        }
    }
    Ok(())
}

/// An HTML page, read and written a block at a time (`ops::segment_page`): the output is the
/// same as for the page read whole, and memory stays flat whatever the size of the page.
/// `None` when `path` is not an HTML page (or cannot be opened: the whole-file path says why).
fn segment_page(
    path: &std::path::Path,
    format: Output,
    rules: &tmkit::text::srx::RuleSet,
) -> anyhow::Result<Option<i32>> {
    use std::io::{Seek, SeekFrom};
    // Only a regular file can be read again from its start (not a pipe or a device).
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(None);
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let mut head = Vec::with_capacity(8192);
    if (&mut file).take(8192).read_to_end(&mut head).is_err() {
        return Ok(None);
    }
    let name = path.display().to_string();
    if !ops::is_page(&head, &name) {
        return Ok(None);
    }
    let io = |e| tmkit::Error::io(path, e);
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut rows = 0usize;
    let written =
        |r: std::io::Result<()>| r.map_err(|e| tmkit::Error::from(tmkit::ErrorKind::Write(e)));
    if format == Output::Tsv {
        written(writeln!(
            out,
            "paragraph\tindex\tstart\tend\tchar_start\tchar_end\ttext"
        ))?;
    }
    let result = ops::segment_page(&mut file, &name, rules, &mut |block| {
        for s in block.segments {
            let t = block.text_of(s);
            written(write_row(&mut out, format, t, s, rows == 0))?;
            rows += 1;
        }
        Ok(())
    })
    .and_then(|()| {
        written(match format {
            Output::Json if rows == 0 => writeln!(out, "[]"),
            Output::Json => writeln!(out, "\n]"),
            _ => Ok(()),
        })
    })
    .and_then(|()| written(out.flush()));
    match result {
        Ok(()) => Ok(Some(EXIT_OK)),
        Err(e) if e.is_broken_pipe() => Ok(Some(EXIT_OK)),
        Err(e) => Err(e.into()),
    }
}

/// One segment of a page as [`write`] writes it (the JSON array opened by the first row and
/// closed by the caller).
fn write_row(
    out: &mut impl Write,
    format: Output,
    t: &str,
    s: &Segment,
    first: bool,
) -> std::io::Result<()> {
    match format {
        Output::Text => {
            let t = &*safe(t);
            if t.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']) {
                let flat: String = t
                    .chars()
                    .map(|c| {
                        if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}') {
                            ' '
                        } else {
                            c
                        }
                    })
                    .collect();
                writeln!(out, "{flat}")
            } else {
                writeln!(out, "{t}")
            }
        }
        Output::Json => {
            #[derive(serde::Serialize)]
            struct Row<'a> {
                paragraph: usize,
                index: usize,
                text: &'a str,
                start: usize,
                end: usize,
                char_start: usize,
                char_end: usize,
            }
            let row = Row {
                paragraph: s.paragraph,
                index: s.index,
                text: t,
                start: s.start,
                end: s.end,
                char_start: s.char_start,
                char_end: s.char_end,
            };
            out.write_all(if first { b"[\n  " } else { b",\n  " })?;
            serde_json::to_writer(&mut *out, &row).map_err(std::io::Error::other)
        }
        Output::Tsv => {
            let mut e = String::with_capacity(t.len());
            for c in t.chars() {
                match c {
                    '\t' => e.push_str("\\t"),
                    '\n' => e.push_str("\\n"),
                    '\r' => e.push_str("\\r"),
                    '\\' => e.push_str("\\\\"),
                    c => e.push(c),
                }
            }
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                s.paragraph, s.index, s.start, s.end, s.char_start, s.char_end, e
            )
        }
    }
}
