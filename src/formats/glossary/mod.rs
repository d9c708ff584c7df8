//! Delimited glossaries: CSV and TSV with a header row naming the columns, files without one (given
//! the languages of their columns), and OmegaT's tab-separated glossaries; a streaming reader,
//! writers, and [`GlossaryFormat::detect`] to tell them (and TBX) apart.
//!
//! Depends only on `model` and `error`. Fields are split by the `csv` crate (RFC 4180 quoting).
//!
//! # Reading
//!
//! **Encodings.** UTF-8 with or without a byte-order mark, UTF-16LE and UTF-16BE with a BOM (or
//! without one, recognised by the zero bytes of ASCII text); CRLF or LF line ends. Bytes that are not
//! UTF-8 in a file without a BOM are an error at their `line:column`.
//!
//! **Header row.** The first row is a header when at least two of its cells name languages, or
//! when it names at least one term column (with or without a language) and every other cell is a
//! known column name. Column names (case-insensitive):
//!
//! | name | meaning |
//! |---|---|
//! | a BCP 47 tag (`en`, `en-US`, `zh-CN`, `ja-JP`; primary subtag of 2 or 3 letters) | terms in that language; a bare `zh` or `ja` is read as `zh-CN` or `ja-JP` |
//! | a language name: `English`, `Chinese`, `Simplified Chinese`, `Traditional Chinese`, `Japanese`, `Korean`, `JP`, `CN`, `英语`, `英文`, `英語`, `中文`, `汉语`, `简体中文`, `中国語`, `繁體中文`, `日语`, `日文`, `日本語`... (spaces, hyphens and brackets ignored) | terms in `en`, `zh-CN`, `zh-TW`, `ja-JP`, `ko-KR`... (see `Lang::named`) |
//! | `source`, `target`, `term`, `translation` | terms in the language [`ReadOptions::langs`] gives for that term column (the k-th term column takes the k-th language); an error without one |
//! | `<lang>:status`, `<lang>:pos`, `<lang>:note`, `<lang>:case` | status, part of speech, note, case flag of the nearest `<lang>` column on their left |
//! | `status`, `pos` (or `part of speech`), `case` | the same for every term of the row that has no value of its own |
//! | `note` or `comment` | the entry's note |
//! | `id`, `subject`, `definition` | the entry's id, subject field, definition |
//! | `location` | ignored (translate-toolkit writes it) |
//!
//! A language may have several term columns (several terms of one concept); each attribute column
//! belongs to the nearest term column of its language on its left. In a term cell, `|` separates
//! the term from its variants (`Asia-Pacific|Asia Pacific`); `\|` is a `|` within a term and `\\` a
//! backslash (any other backslash is itself). A cell that starts with one or more `'` followed by
//! `=`, `+`, `-`, `@`, a tab or a carriage return loses one `'`: that is how [`Writer`] keeps such
//! cells from running as spreadsheet formulas. Statuses are `preferred`, `admitted`, `forbidden`
//! and the words [`TermStatus::parse`] knows (empty: preferred); case flags `yes`/`no`,
//! `true`/`false`, `1`/`0` (empty: no). An unknown column name, and a term column without a
//! language, are errors at their `1:column`; every row must have as many fields as the header.
//!
//! **No header row** (the first row does not qualify as above): the file is refused at `1:1`
//! unless [`ReadOptions::langs`] gives the language of each term column; then each row is a term in
//! each of those languages and an optional comment (the entry's note). Text is taken literally
//! (no `|` variants, no `'` removed). A row with more fields is an error.
//!
//! **OmegaT layout** (`.txt`, `.utf8`, `.tab`): `source<TAB>target<TAB>comment` in the first two
//! languages of [`ReadOptions::langs`], tab-separated without quoting, no header row; lines starting
//! with `#` are comments. Blank lines are skipped in every layout, and every term, note and attribute
//! is trimmed of surrounding whitespace.
//!
//! **Problems.** A row without a source term, without a target term (layouts without a header),
//! without any term (header layout), or with an unreadable status or case flag is reported with its
//! location and skipped; an unclosed quote, a wrong number of fields, an unknown column and a file
//! whose languages are unknown are fatal.

mod cells;
mod reader;
#[cfg(test)]
mod tests;
mod writer;

pub use crate::formats::{Item, Problem};
pub use reader::Reader;
use reader::is_header_row;
pub use writer::{OmegatWriter, Writer};

use std::path::Path;

use crate::model::{Lang, TermEntry, TermStatus};

/// A glossary file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlossaryFormat {
    /// TBX v2 or v3 (read with [`crate::formats::tbx::Reader`]).
    Tbx,
    /// Comma- (or semicolon-) separated values, with or without a header row.
    Csv,
    /// Tab-separated values with RFC 4180 quoting, with or without a header row.
    Tsv,
    /// OmegaT's glossary: `source<TAB>target<TAB>comment`, no quoting, `#` comments.
    OmegatTsv,
}

impl GlossaryFormat {
    /// Decides a file's format from its extension (`.tbx`; `.csv`; `.tsv`; `.txt`, `.utf8` and `.tab`
    /// for OmegaT), else from its first bytes: XML is TBX, a first line with a tab is TSV when it is
    /// a header row (see the [module](self)) and OmegaT otherwise, anything else CSV.
    ///
    /// ```
    /// use tmkit::formats::GlossaryFormat;
    /// assert_eq!(GlossaryFormat::detect("a.TBX".as_ref(), b""), GlossaryFormat::Tbx);
    /// assert_eq!(GlossaryFormat::detect("a.utf8".as_ref(), b""), GlossaryFormat::OmegatTsv);
    /// assert_eq!(GlossaryFormat::detect("terms".as_ref(), b"en\tzh-CN\n"), GlossaryFormat::Tsv);
    /// assert_eq!(GlossaryFormat::detect("terms".as_ref(), b"\xEF\xBB\xBF<martif>"), GlossaryFormat::Tbx);
    /// ```
    pub fn detect(path: &Path, head: &[u8]) -> GlossaryFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("tbx") => return GlossaryFormat::Tbx,
            Some("csv") => return GlossaryFormat::Csv,
            Some("tsv") => return GlossaryFormat::Tsv,
            Some("txt" | "utf8" | "tab") => return GlossaryFormat::OmegatTsv,
            _ => {}
        }
        let text = decode_head(head);
        let text = text.trim_start();
        if text.starts_with('<') {
            return GlossaryFormat::Tbx;
        }
        let first = text
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .unwrap_or("");
        if first.contains('\t') {
            let cells: Vec<&str> = first.split('\t').collect();
            if is_header_row(&cells) {
                GlossaryFormat::Tsv
            } else {
                GlossaryFormat::OmegatTsv
            }
        } else {
            GlossaryFormat::Csv
        }
    }
}

/// The first bytes of a file as text, for sniffing: BOMs and UTF-16 handled, errors replaced.
fn decode_head(head: &[u8]) -> String {
    let (enc, skip) = match head {
        [0xEF, 0xBB, 0xBF, ..] => (encoding_rs::UTF_8, 3),
        [0xFF, 0xFE, ..] => (encoding_rs::UTF_16LE, 2),
        [0xFE, 0xFF, ..] => (encoding_rs::UTF_16BE, 2),
        [a, 0, ..] if *a != 0 => (encoding_rs::UTF_16LE, 0),
        [0, b, ..] if *b != 0 => (encoding_rs::UTF_16BE, 0),
        _ => (encoding_rs::UTF_8, 0),
    };
    enc.decode_without_bom_handling(&head[skip..])
        .0
        .into_owned()
}

/// How to read a delimited glossary.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The languages of the term columns, in order, where the file does not name them: every
    /// column of a file without a header row (a column after them is the entry's note), and the
    /// header columns that name no language (`source`, `target`, `term`, `translation`), counted
    /// among all the term columns (`en,target` with `en,zh-CN` makes `target` zh-CN). Empty: such
    /// files are refused. OmegaT files use the first two (source and target).
    pub langs: Vec<Lang>,
    /// The field separator; `None` detects it from the first line: a tab if it has one, else the
    /// more frequent of `,` and `;` (comma on a tie).
    pub delimiter: Option<u8>,
    /// OmegaT's layout: no header row, no quoting, `#` comment lines.
    pub omegat: bool,
}

impl ReadOptions {
    /// Options for `format` (which must not be [`GlossaryFormat::Tbx`]) with `source` and `target`
    /// as the languages of the first two term columns the file does not name (as
    /// `--langs source,target`): [`ReadOptions::for_langs`] with those two.
    pub fn for_format(format: GlossaryFormat, source: Lang, target: Lang) -> ReadOptions {
        ReadOptions::for_langs(format, vec![source, target])
    }

    /// Options for `format` (which must not be [`GlossaryFormat::Tbx`]): CSV detects its separator,
    /// TSV uses tabs, OmegaT tabs without quoting. `langs` as in [`ReadOptions::langs`] (empty:
    /// only files whose header names every term column's language are read).
    pub fn for_langs(format: GlossaryFormat, langs: Vec<Lang>) -> ReadOptions {
        ReadOptions {
            langs,
            delimiter: match format {
                GlossaryFormat::Tsv | GlossaryFormat::OmegatTsv => Some(b'\t'),
                _ => None,
            },
            omegat: format == GlossaryFormat::OmegatTsv,
        }
    }
}

/// What a column of a header row holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// Terms (with `|`-separated variants) in a language.
    Term(Lang),
    /// Status of the nearest term column of this language on the left (`zh-CN:status`).
    Status(Lang),
    /// Part of speech of that term (`zh-CN:pos`).
    Pos(Lang),
    /// Note of that term (`zh-CN:note`).
    Note(Lang),
    /// Case flag of that term (`en:case`).
    Case(Lang),
    /// The entry's id (`id`).
    Id,
    /// The entry's subject field (`subject`).
    Subject,
    /// The entry's definition (`definition`).
    Definition,
    /// The entry's note (`note`).
    EntryNote,
}

impl Column {
    /// The column's name in a header row.
    pub fn name(&self) -> String {
        match self {
            Column::Term(l) => l.as_str().to_string(),
            Column::Status(l) => format!("{l}:status"),
            Column::Pos(l) => format!("{l}:pos"),
            Column::Note(l) => format!("{l}:note"),
            Column::Case(l) => format!("{l}:case"),
            Column::Id => "id".to_string(),
            Column::Subject => "subject".to_string(),
            Column::Definition => "definition".to_string(),
            Column::EntryNote => "note".to_string(),
        }
    }
}

/// The columns a [`Writer`] writes, and its separator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// `b','`, `b'\t'` or `b';'`.
    pub delimiter: u8,
    /// The columns, in order.
    pub columns: Vec<Column>,
}

impl Layout {
    /// One term column per language, then the entry's note.
    pub fn simple(langs: &[Lang], delimiter: u8) -> Layout {
        let mut columns: Vec<Column> = langs.iter().cloned().map(Column::Term).collect();
        columns.push(Column::EntryNote);
        Layout { delimiter, columns }
    }

    /// The smallest layout that holds every entry: languages in order of first appearance, as many
    /// term columns per language as an entry has terms in it, each followed by the attribute columns
    /// some term of that language uses; then `id`, `subject`, `definition` and `note` if used.
    pub fn for_entries(entries: &[TermEntry], delimiter: u8) -> Layout {
        struct LangUse {
            lang: Lang,
            slots: usize,
            status: bool,
            pos: bool,
            case: bool,
            note: bool,
        }
        let mut langs: Vec<LangUse> = Vec::new();
        let (mut id, mut subject, mut definition, mut note) = (false, false, false, false);
        for e in entries {
            id |= e.id.is_some();
            subject |= e.subject.is_some();
            definition |= e.definition.is_some();
            note |= e.note.is_some();
            for t in &e.terms {
                let i = match langs.iter().position(|u| u.lang == t.lang) {
                    Some(i) => i,
                    None => {
                        langs.push(LangUse {
                            lang: t.lang.clone(),
                            slots: 0,
                            status: false,
                            pos: false,
                            case: false,
                            note: false,
                        });
                        langs.len() - 1
                    }
                };
                let u = &mut langs[i];
                let n = e.terms.iter().filter(|x| x.lang == t.lang).count();
                u.slots = u.slots.max(n);
                u.status |= t.status != TermStatus::Preferred;
                u.pos |= t.pos.is_some();
                u.case |= t.case_sensitive;
                u.note |= t.note.is_some();
            }
        }
        let mut columns = Vec::new();
        for u in &langs {
            for _ in 0..u.slots {
                columns.push(Column::Term(u.lang.clone()));
                for (used, col) in [
                    (u.status, Column::Status(u.lang.clone())),
                    (u.pos, Column::Pos(u.lang.clone())),
                    (u.case, Column::Case(u.lang.clone())),
                    (u.note, Column::Note(u.lang.clone())),
                ] {
                    if used {
                        columns.push(col);
                    }
                }
            }
        }
        for (used, col) in [
            (id, Column::Id),
            (subject, Column::Subject),
            (definition, Column::Definition),
            (note, Column::EntryNote),
        ] {
            if used {
                columns.push(col);
            }
        }
        Layout { delimiter, columns }
    }
}
