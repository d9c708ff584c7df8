//! Writing delimited glossaries (CSV, TSV with a header row; OmegaT's layout) that read back
//! equal through [`Reader`](super::Reader).
use std::io::Write;

use super::cells::{escape_term, neutralize};
use super::{Column, Layout};
use crate::error::{ErrorKind, Result};
use crate::model::{Lang, TermEntry};

/// Writes a CSV or TSV glossary with a header row, one entry per row; it reads back equal through
/// [`Reader`](super::Reader) (with the same layout's delimiter), and the output is deterministic.
///
/// Fields are quoted as RFC 4180 asks (when they hold the separator, a quote or a line break).
/// Two rules keep every term intact and every cell harmless in a spreadsheet, and [`Reader`](super::Reader)
/// undoes both:
///
/// - In a term cell, `|` separates a term from its variants, so a `|` in a term or variant is
///   written `\|` and a backslash `\\`.
/// - A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (after any number of
///   `'`s) gets one more `'` in front and is quoted, as OWASP advises against CSV injection: a
///   spreadsheet shows `-5 °C` and `=SUM(A1)` as text instead of running them as formulas.
///
/// ```
/// use tmkit::formats::glossary::{Layout, Writer};
/// use tmkit::model::{Lang, Term, TermEntry};
/// let (en, zh) = (Lang::parse("en").unwrap(), Lang::parse("zh-CN").unwrap());
/// let mut entry = TermEntry::default();
/// entry.terms.push(Term::new(en.clone(), "memory"));
/// entry.terms.push(Term::new(zh.clone(), "记忆库"));
/// let mut w = Writer::new(Vec::new(), Layout::simple(&[en, zh], b'\t')).unwrap();
/// w.write_entry(&entry).unwrap();
/// assert_eq!(String::from_utf8(w.finish().unwrap()).unwrap(), "en\tzh-CN\tnote\nmemory\t记忆库\t\n");
/// ```
pub struct Writer<W: Write> {
    out: W,
    layout: Layout,
    row: Vec<String>,
    line: String,
}

impl<W: Write> Writer<W> {
    /// Writes the header row.
    pub fn new(out: W, layout: Layout) -> Result<Self> {
        let mut w = Writer {
            out,
            row: layout.columns.iter().map(Column::name).collect(),
            layout,
            line: String::new(),
        };
        w.write_row()?;
        Ok(w)
    }

    /// Writes `self.row` as one record.
    fn write_row(&mut self) -> Result<()> {
        let d = self.layout.delimiter as char;
        self.line.clear();
        for (i, cell) in self.row.iter().enumerate() {
            if i > 0 {
                self.line.push(d);
            }
            let cell = neutralize(cell);
            let quote = matches!(cell, std::borrow::Cow::Owned(_))
                || cell.contains([d, '"', '\r', '\n'])
                || (self.row.len() == 1 && cell.is_empty());
            if quote {
                self.line.push('"');
                self.line.push_str(&cell.replace('"', "\"\""));
                self.line.push('"');
            } else {
                self.line.push_str(&cell);
            }
        }
        self.line.push('\n');
        self.out
            .write_all(self.line.as_bytes())
            .map_err(ErrorKind::Write)?;
        Ok(())
    }

    /// Writes one entry. An entry with more terms in a language than the layout has columns for
    /// it, or a term in a language the layout lacks, is refused.
    pub fn write_entry(&mut self, entry: &TermEntry) -> Result<()> {
        self.row.clear();
        self.row.resize(self.layout.columns.len(), String::new());
        let mut used = vec![false; entry.terms.len()];
        let mut current: Option<usize> = None;
        for (i, col) in self.layout.columns.iter().enumerate() {
            let term_attr = |lang: &Lang, current: Option<usize>| {
                current.filter(|&t| entry.terms[t].lang == *lang)
            };
            self.row[i] = match col {
                Column::Term(lang) => {
                    current = None;
                    let Some(t) =
                        (0..entry.terms.len()).find(|&t| !used[t] && entry.terms[t].lang == *lang)
                    else {
                        continue;
                    };
                    used[t] = true;
                    current = Some(t);
                    let term = &entry.terms[t];
                    let mut cell = String::new();
                    escape_term(&term.text, &mut cell);
                    for v in &term.variants {
                        cell.push('|');
                        escape_term(v, &mut cell);
                    }
                    cell
                }
                Column::Status(lang) => match term_attr(lang, current) {
                    Some(t) => entry.terms[t].status.as_str().to_string(),
                    None => continue,
                },
                Column::Pos(lang) => match term_attr(lang, current) {
                    Some(t) => entry.terms[t].pos.clone().unwrap_or_default(),
                    None => continue,
                },
                Column::Note(lang) => match term_attr(lang, current) {
                    Some(t) => entry.terms[t].note.clone().unwrap_or_default(),
                    None => continue,
                },
                Column::Case(lang) => match term_attr(lang, current) {
                    Some(t) => if entry.terms[t].case_sensitive {
                        "yes"
                    } else {
                        "no"
                    }
                    .to_string(),
                    None => continue,
                },
                Column::Id => entry.id.clone().unwrap_or_default(),
                Column::Subject => entry.subject.clone().unwrap_or_default(),
                Column::Definition => entry.definition.clone().unwrap_or_default(),
                Column::EntryNote => entry.note.clone().unwrap_or_default(),
            };
        }
        if let Some(t) = used.iter().position(|u| !u) {
            let term = &entry.terms[t];
            return Err(ErrorKind::Invalid {
                what: "glossary entry",
                value: term.text.clone(),
                reason: format!("the layout has no {} column left for this term", term.lang),
            }
            .into());
        }
        self.write_row()
    }

    /// Flushes and returns the output.
    pub fn finish(mut self) -> Result<W> {
        self.out.flush().map_err(ErrorKind::Write)?;
        Ok(self.out)
    }
}

/// Writes an OmegaT glossary: `source<TAB>target<TAB>comment` per entry, no header, no quoting.
///
/// The source and target are the entry's first terms in the two languages (matched as
/// [`Lang::matches`] does); the comment is the entry's note, else the target term's note. Tabs and line
/// breaks, which the format cannot carry, become spaces.
pub struct OmegatWriter<W: Write> {
    out: W,
    source: Lang,
    target: Lang,
}

impl<W: Write> OmegatWriter<W> {
    /// Starts a glossary for a language pair.
    pub fn new(out: W, source: Lang, target: Lang) -> Self {
        OmegatWriter {
            out,
            source,
            target,
        }
    }

    /// Writes one entry; `false` (and nothing written) when it lacks a source or a target term.
    pub fn write_entry(&mut self, entry: &TermEntry) -> Result<bool> {
        let (Some(s), Some(t)) = (
            entry.terms_in(&self.source).next(),
            entry.terms_in(&self.target).next(),
        ) else {
            return Ok(false);
        };
        let comment = entry.note.as_deref().or(t.note.as_deref()).unwrap_or("");
        let flat = |x: &str| x.replace(['\t', '\r', '\n'], " ").trim().to_string();
        let mut line = flat(&s.text);
        line.push('\t');
        line.push_str(&flat(&t.text));
        if !comment.is_empty() {
            line.push('\t');
            line.push_str(&flat(comment));
        }
        line.push('\n');
        self.out
            .write_all(line.as_bytes())
            .map_err(ErrorKind::Write)?;
        Ok(true)
    }

    /// Flushes and returns the output.
    pub fn finish(mut self) -> Result<W> {
        self.out.flush().map_err(ErrorKind::Write)?;
        Ok(self.out)
    }
}
