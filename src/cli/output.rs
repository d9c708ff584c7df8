//! Rendering for people (aligned tables, colours on a terminal) and for programs (JSON).

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};

/// Makes text that comes from data (segments, terms, file names, values echoed in errors) safe
/// to print on a terminal, the way ripgrep and git quote what they cannot show: a control
/// character cannot move the cursor, change colours, ring the bell or set the window title, and a
/// bidirectional override cannot reorder what the reader sees.
///
/// - C0 controls other than tab and line feed, DEL and C1 controls are written `\xHH` (ESC is
///   `\x1b`, BEL `\x07`, a carriage return `\x0d`);
/// - the bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069,
///   U+200E, U+200F, U+061C) are written `<U+202E>`.
///
/// Text without them comes back borrowed. Used by every text renderer; JSON output is exact and
/// never goes through it.
pub fn safe(s: &str) -> Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}') || is_bidi_control(c)
    }
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !unsafe_char(c) {
            out.push(c);
        } else if is_bidi_control(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push_str(&format!("\\x{:02x}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// The characters that change the direction text is shown in.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Writes a value as pretty JSON followed by a newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    // Buffered: standard output is line-buffered, and pretty JSON is many short lines.
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Writes a JSON array one element at a time, exactly as [`print_json`] writes a whole `Vec`
/// (pretty, two-space indent, `[]` when empty), so that a long report never sits in memory.
pub struct JsonArray<W: Write> {
    out: W,
    count: u64,
    buf: Vec<u8>,
}

impl<W: Write> JsonArray<W> {
    pub fn new(out: W) -> JsonArray<W> {
        JsonArray {
            out,
            count: 0,
            buf: Vec::new(),
        }
    }

    /// Writes one element.
    pub fn push<T: serde::Serialize>(&mut self, value: &T) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer_pretty(&mut self.buf, value)?;
        self.out
            .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        // Strings are escaped in JSON: every line break is the formatter's, and indenting each
        // line nests the element one level down.
        for (i, line) in self.buf.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
            }
            self.out.write_all(b"  ")?;
            self.out.write_all(line)?;
        }
        self.count += 1;
        Ok(())
    }

    /// Closes the array (and the line) and flushes.
    pub fn finish(mut self) -> io::Result<()> {
        self.out
            .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()
    }
}

/// Text styles used in terminal output.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    pub fn green(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    pub fn red(&self, s: &str) -> String {
        self.wrap("31", s)
    }
    pub fn red_strike(&self, s: &str) -> String {
        self.wrap("31;9", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

/// A table with a header row; columns are aligned by display width, numbers to the right.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    right: Vec<bool>,
}

impl Table {
    pub fn new(header: &[&str], right: &[bool]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            right: right.to_vec(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self, style: Style, indent: &str) -> String {
        let width = |s: &str| unicode_width(s);
        let mut widths: Vec<usize> = self.header.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(width(cell));
                }
            }
        }
        let mut out = String::new();
        let line = |cells: &[String], out: &mut String, header: bool| {
            out.push_str(indent);
            for (i, cell) in cells.iter().enumerate() {
                let pad = widths[i].saturating_sub(width(cell));
                let right = self.right.get(i).copied().unwrap_or(false);
                let shown = if header {
                    style.bold(cell)
                } else {
                    cell.clone()
                };
                if i > 0 {
                    out.push_str("  ");
                }
                if right {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(&shown);
                } else {
                    out.push_str(&shown);
                    if i + 1 < cells.len() {
                        out.push_str(&" ".repeat(pad));
                    }
                }
            }
            out.push('\n');
        };
        line(&self.header, &mut out, true);
        for row in &self.rows {
            line(row, &mut out, false);
        }
        out
    }
}

/// Display width in a terminal: East Asian wide and full-width characters take two columns,
/// combining marks and other zero-width characters none (Unicode's East Asian Width and general
/// categories, through the `unicode-width` crate); terminal colour sequences (`ESC [ ... m`) take
/// none.
pub fn unicode_width(s: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    let mut in_escape = false;
    s.chars()
        .map(|c| {
            if in_escape {
                in_escape = c != 'm';
                return 0;
            }
            if c == '\x1b' {
                in_escape = true;
                return 0;
            }
            c.width().unwrap_or(0)
        })
        .sum()
}

/// Human-readable byte counts.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

/// Thousands separators for counts.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A progress bar on standard error in `template` (indicatif's syntax), or `None` when standard
/// error is not a terminal or `--quiet` is given: the one place that decides whether to show one.
pub fn progress_bar(ctx: &super::Ctx, template: &str) -> Option<indicatif::ProgressBar> {
    if ctx.quiet || !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_width_counts_terminal_columns() {
        assert_eq!(unicode_width("memory"), 6);
        assert_eq!(unicode_width("记忆库"), 6);
        assert_eq!(unicode_width("ﾒﾓﾘ"), 3, "half-width katakana");
        assert_eq!(unicode_width("Ｍ１"), 4, "full-width forms");
        assert_eq!(
            unicode_width("e\u{301}"),
            1,
            "a combining accent takes no column"
        );
        assert_eq!(
            unicode_width("\x1b[1m北京\x1b[0m"),
            4,
            "colour codes take none"
        );
        assert_eq!(unicode_width("𠀋"), 2, "CJK extension B");
    }

    #[test]
    fn controls_and_bidi_overrides_are_shown_not_obeyed() {
        let cases = [
            ("plain 中文 text\tand\nlines", "plain 中文 text\tand\nlines"),
            ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
            ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"),
            ("a\rb\x08\x7f\u{85}\u{9b}", "a\\x0db\\x08\\x7f\\x85\\x9b"),
            (
                "abc\u{202E}fed\u{2066}\u{200F}",
                "abc<U+202E>fed<U+2066><U+200F>",
            ),
            ("\0", "\\x00"),
        ];
        for (input, want) in cases {
            assert_eq!(safe(input), want, "{input:?}");
        }
        assert!(matches!(safe("clean"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_json_array_written_piece_by_piece_is_the_pretty_vec() {
        #[derive(serde::Serialize)]
        struct Item {
            name: String,
            span: Option<(usize, usize)>,
            list: Vec<u8>,
        }
        let items = || {
            vec![
                Item {
                    name: "a\nb \"c\"".into(),
                    span: Some((3, 5)),
                    list: vec![],
                },
                Item {
                    name: "中文".into(),
                    span: None,
                    list: vec![1, 2],
                },
            ]
        };
        for n in 0..=2 {
            let want = serde_json::to_string_pretty(&items()[..n]).unwrap() + "\n";
            let mut got = Vec::new();
            let mut a = JsonArray::new(&mut got);
            for item in &items()[..n] {
                a.push(item).unwrap();
            }
            a.finish().unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), want);
        }
    }
}
