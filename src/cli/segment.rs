//! `tmkit segment`: cut text into sentences with SRX rules and print the segments.

use std::io::{BufWriter, Write};
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
    #[arg(value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Language of the text (BCP 47: en, en-US, zh-CN, ja...): picks the language rules.
    #[arg(long, short = 'l', default_value = "en", value_name = "LANG")]
    pub lang: String,
    /// SRX 2.0 (or 1.0) rules file to use instead of the built-in rules.
    #[arg(long, value_name = "FILE.srx")]
    pub rules: Option<PathBuf>,
    /// Output: one segment per line (line breaks inside a segment become spaces), a JSON array
    /// of {paragraph, index, text, start, end, char_start, char_end} (byte and character
    /// offsets into the input), or the same as tab-separated columns with a header line
    /// (tabs, line breaks and backslashes in the text escaped as \t \n \r \\).
    // `-f` was this option's short form; it stays as a hidden alias, since every other command
    // gives `-f` to `--file` (segment has no --file: its input is the argument).
    #[arg(long, short_alias = 'f', value_enum, default_value_t = Output::Text, value_name = "FORMAT")]
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
    /// Accepted and ignored: segment does not use the memory. `--db` is a global option of the
    /// other commands; this hidden copy takes its place here, so that `tmkit segment --db FILE`
    /// still parses but segment's help does not offer it.
    #[arg(long = "db", id = "db", hide = true, value_name = "FILE")]
    pub _db: Option<PathBuf>,
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
        && let Some(code) = match segment_page(path, args.format, &rules)? {
            Some(code) => Some(code),
            None => stream(path, args.format, &rules)?,
        }
    {
        return Ok(code);
    }
    // No file, or `-`: standard input.
    let (name, bytes) =
        super::read_input(args.input.as_deref().unwrap_or(std::path::Path::new("-")))?;
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

/// Segments a plain-text file piece by piece (see [`ops::stream_text_file`]), writing as it
/// goes; `None`, having written nothing, for a file that must be read whole.
fn stream(
    path: &std::path::Path,
    format: Output,
    rules: &tmkit::text::srx::RuleSet,
) -> anyhow::Result<Option<i32>> {
    let name = path.display().to_string();
    let render = |piece: &ops::Piece<'_>, buf: &mut Vec<u8>| render(format, piece, buf);
    let how = ops::Render {
        render: &render,
        text_only: format == Output::Text,
    };
    let mut out = std::io::stdout().lock();
    let started = std::cell::Cell::new(false);
    let mut write = |bytes: &[u8]| -> std::io::Result<()> {
        if !started.replace(true) {
            let mut head = Vec::new();
            prologue(format, &mut head);
            out.write_all(&head)?;
        }
        out.write_all(bytes)
    };
    let result = ops::stream_text_file(path, &name, rules, &how, &mut write).and_then(|n| {
        let Some(n) = n else { return Ok(None) };
        let mut tail = Vec::new();
        if !started.get() {
            prologue(format, &mut tail);
        }
        epilogue(format, n > 0, &mut tail);
        out.write_all(&tail)
            .and_then(|()| out.flush())
            .map_err(ops::StreamError::Write)?;
        Ok(Some(n))
    });
    match result {
        Ok(None) => Ok(None),
        Ok(Some(_)) => Ok(Some(EXIT_OK)),
        Err(ops::StreamError::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(Some(EXIT_OK))
        }
        Err(ops::StreamError::Write(e)) => Err(e).context("writing output"),
        Err(ops::StreamError::Read(e)) => Err(e.into()),
    }
}

/// Writes the segments of `text` in `format`: the whole output of `tmkit segment` for one input.
/// The streamed path renders the same bytes piece by piece (see [`prologue`], [`render`] and
/// [`epilogue`]).
pub fn write(
    out: &mut impl Write,
    format: Output,
    text: &str,
    segments: &[Segment],
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(1 << 16);
    prologue(format, &mut buf);
    for part in segments.chunks(512) {
        let piece = ops::Piece {
            text,
            base: 0,
            segments: part,
        };
        render(format, &piece, &mut buf);
        out.write_all(&buf)?;
        buf.clear();
    }
    epilogue(format, !segments.is_empty(), &mut buf);
    out.write_all(&buf)
}

/// What the output starts with, before any segment.
fn prologue(format: Output, buf: &mut Vec<u8>) {
    if format == Output::Tsv {
        buf.extend_from_slice(b"paragraph\tindex\tstart\tend\tchar_start\tchar_end\ttext\n");
    }
}

/// What the output ends with, after the last segment; `any` tells whether there was one.
fn epilogue(format: Output, any: bool, buf: &mut Vec<u8>) {
    if format == Output::Json {
        buf.extend_from_slice(if any { b"\n]\n" } else { b"[]\n" });
    }
}

/// Appends the lines of a piece's segments in `format`. JSON rows are separated by a comma and a
/// line break written before every row but the first of the output (`index` 0), so that a
/// row needs no knowledge of what follows it.
fn render(format: Output, piece: &ops::Piece<'_>, buf: &mut Vec<u8>) {
    let text = piece.text;
    let of = |s: &Segment| &text[s.start - piece.base..s.end - piece.base];
    match format {
        Output::Text => {
            for s in piece.segments {
                text_line(of(s), buf);
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
            for s in piece.segments {
                buf.extend_from_slice(if s.index == 0 { b"[\n  " } else { b",\n  " });
                let row = Row {
                    paragraph: s.paragraph,
                    index: s.index,
                    text: of(s),
                    start: s.start,
                    end: s.end,
                    char_start: s.char_start,
                    char_end: s.char_end,
                };
                // Writing to a vector cannot fail, and a row serializes.
                let _ = serde_json::to_writer(&mut *buf, &row);
            }
        }
        Output::Tsv => {
            for s in piece.segments {
                let _ = write!(
                    buf,
                    "{}\t{}\t{}\t{}\t{}\t{}\t",
                    s.paragraph, s.index, s.start, s.end, s.char_start, s.char_end
                );
                let t = of(s).as_bytes();
                let mut from = 0;
                for (i, &b) in t.iter().enumerate() {
                    let escaped: &[u8] = match b {
                        b'\t' => b"\\t",
                        b'\n' => b"\\n",
                        b'\r' => b"\\r",
                        b'\\' => b"\\\\",
                        _ => continue,
                    };
                    buf.extend_from_slice(&t[from..i]);
                    buf.extend_from_slice(escaped);
                    from = i + 1;
                }
                buf.extend_from_slice(&t[from..]);
                buf.push(b'\n');
            }
        }
    }
}

/// Bytes that may start a character the text output changes (see [`text_line`]): controls, and
/// the lead bytes of U+0080–U+009F, U+061C and U+2000–U+2FFF.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[0x7f] = true;
    t[0xc2] = true;
    t[0xd8] = true;
    t[0xe2] = true;
    t
};

/// Appends a segment as one line of text output, as people read it: controls shown, not obeyed
/// (`\x0d`, bidirectional controls as `<U+202E>`, as [`safe`] writes them), line breaks (line
/// feed, U+2028, U+2029) as spaces, tabs kept; then a line feed. JSON and TSV keep the text
/// exact.
fn text_line(t: &str, buf: &mut Vec<u8>) {
    let b = t.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < b.len() {
        // Most text has no special byte in 16 in a row: test them at once (vectorized).
        if let Some(block) = b.get(i..i + 16)
            && !block.iter().fold(false, |any, &c| {
                any | (c < 0x20) | (c == 0x7f) | (c == 0xc2) | (c == 0xd8) | (c == 0xe2)
            })
        {
            i += 16;
            continue;
        }
        if !SPECIAL[b[i] as usize] {
            i += 1;
            continue;
        }
        // `t` is UTF-8: a lead byte has its continuation bytes.
        let (len, shown): (usize, Option<&[u8]>) = match b[i] {
            b'\t' => (1, None),
            b'\n' => (1, Some(b" ")),
            0xc2 if (0x80..=0x9f).contains(&b[i + 1]) => (2, Some(b"")),
            0xd8 if b[i + 1] == 0x9c => (2, Some(b"")),
            0xe2 => match (b[i + 1], b[i + 2]) {
                (0x80, 0xa8 | 0xa9) => (3, Some(b" ")),
                (0x80, 0x8e | 0x8f | 0xaa..=0xae) | (0x81, 0xa6..=0xa9) => (3, Some(b"")),
                _ => (3, None),
            },
            0xc2 | 0xd8 => (2, None),
            _ => (1, Some(b"")),
        };
        if let Some(shown) = shown {
            buf.extend_from_slice(&b[from..i]);
            if shown.is_empty() {
                // A control or bidirectional control: written as `safe` writes it.
                buf.extend_from_slice(safe(&t[i..i + len]).as_bytes());
            } else {
                buf.extend_from_slice(shown);
            }
            from = i + len;
        }
        i += len;
    }
    buf.extend_from_slice(&b[from..]);
    buf.push(b'\n');
}

/// An HTML page, read and written a block at a time (`ops::segment_page`): the output is the
/// same as for the page read whole, and memory stays flat whatever the size of the page.
/// `None` when `path` is not an HTML page (or cannot be opened: the whole-file path says why).
fn segment_page(
    path: &std::path::Path,
    format: Output,
    rules: &tmkit::text::srx::RuleSet,
) -> anyhow::Result<Option<i32>> {
    let Some(mut file) = ops::open_page(path)? else {
        return Ok(None);
    };
    let name = path.display().to_string();
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut any = false;
    let mut buf = Vec::with_capacity(1 << 16);
    let written =
        |r: std::io::Result<()>| r.map_err(|e| tmkit::Error::from(tmkit::ErrorKind::Write(e)));
    prologue(format, &mut buf);
    let result = ops::segment_page(&mut file, &name, rules, &mut |block| {
        let piece = ops::Piece {
            text: block.text,
            base: block.start,
            segments: block.segments,
        };
        any |= !block.segments.is_empty();
        render(format, &piece, &mut buf);
        let r = out.write_all(&buf);
        buf.clear();
        written(r)
    })
    .and_then(|()| {
        epilogue(format, any, &mut buf);
        written(out.write_all(&buf).and_then(|()| out.flush()))
    });
    match result {
        Ok(()) => Ok(Some(EXIT_OK)),
        Err(e) if e.is_broken_pipe() => Ok(Some(EXIT_OK)),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text writer as it was before the fast one: `safe`, then line breaks flattened.
    fn old_line(t: &str) -> String {
        let t = &*safe(t);
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
        format!("{flat}\n")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn the_text_writer_writes_what_it_wrote_before(
            chars in prop::collection::vec(prop_oneof![
                any::<char>(),
                prop::sample::select(vec![
                    '\0', '\t', '\n', '\r', '\u{b}', '\u{1b}', '\u{7f}', '\u{80}', '\u{85}',
                    '\u{9f}', '\u{a0}', '\u{061c}', '\u{200e}', '\u{200f}', '\u{2019}',
                    '\u{2028}', '\u{2029}', '\u{202a}', '\u{202e}', '\u{202f}', '\u{2066}',
                    '\u{2069}', '\u{206a}', '\u{2100}', 'a', ' ', '中',
                ]),
            ], 0..40),
        ) {
            let t: String = chars.into_iter().collect();
            let mut buf = Vec::new();
            text_line(&t, &mut buf);
            prop_assert_eq!(String::from_utf8(buf).unwrap(), old_line(&t));
        }
    }
}
