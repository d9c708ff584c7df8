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

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

use csv::ByteRecord;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::formats::tmx::Problem;
use crate::model::{Lang, Term, TermEntry, TermStatus};

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

// ---------------------------------------------------------------------------------------------
// Reading

/// A reader that keeps the bytes read since a mark, so that a record's raw text can be examined.
struct Tape<R> {
    inner: R,
    kept: Vec<u8>,
    /// Stream offset of `kept[0]`.
    base: u64,
    /// Line number (1-based) at `base`.
    base_line: u64,
    /// The most bytes one record may take (see [`crate::model::Limits`]): a longer one is
    /// refused before it is held whole.
    max_record: usize,
}

/// The I/O error [`Tape`] gives when a record grows past its limit.
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record too long")
    }
}

impl std::error::Error for RecordTooLong {}

impl<R: Read> Read for Tape<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.kept.len() > self.max_record {
            return Err(io::Error::other(RecordTooLong));
        }
        let n = self.inner.read(buf)?;
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

impl<R> Tape<R> {
    fn slice(&self, from: u64, to: u64) -> &[u8] {
        let start = (from.saturating_sub(self.base) as usize).min(self.kept.len());
        let end = (to.saturating_sub(self.base) as usize).clamp(start, self.kept.len());
        &self.kept[start..end]
    }

    /// The line number of a stream offset at or after the mark.
    fn line_of(&self, offset: u64) -> u64 {
        let n = (offset.saturating_sub(self.base) as usize).min(self.kept.len());
        self.base_line + memchr::memchr_iter(b'\n', &self.kept[..n]).count() as u64
    }

    fn discard_to(&mut self, offset: u64) {
        let n = (offset.saturating_sub(self.base) as usize).min(self.kept.len());
        self.base_line = self.line_of(offset);
        self.kept.drain(..n);
        self.base += n as u64;
    }
}

/// Where the fields of one record start in its raw text.
struct Scan {
    starts: Vec<usize>,
    /// Offset where the record's last field ends.
    end: usize,
    /// Offset of an opening quote that is never closed.
    unclosed: Option<usize>,
}

fn scan(raw: &[u8], delimiter: u8, quoting: bool) -> Scan {
    let mut starts = vec![0];
    let mut i = 0;
    let mut at_field_start = true;
    while i < raw.len() {
        let b = raw[i];
        if quoting && at_field_start && b == b'"' {
            let open = i;
            i += 1;
            loop {
                match raw.get(i) {
                    None => {
                        return Scan {
                            starts,
                            end: raw.len(),
                            unclosed: Some(open),
                        };
                    }
                    Some(b'"') if raw.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            at_field_start = false;
            continue;
        }
        if b == delimiter {
            starts.push(i + 1);
            at_field_start = true;
        } else if b == b'\n' || b == b'\r' {
            break;
        } else {
            at_field_start = false;
        }
        i += 1;
    }
    Scan {
        starts,
        end: i,
        unclosed: None,
    }
}

/// What a header cell names, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Col {
    Term(Lang),
    /// Terms in a language the header does not name (`source`, `target`, `term`, `translation`):
    /// taken from [`ReadOptions::langs`].
    Untagged,
    /// An attribute of the term column at this index.
    Attr(usize, Field),
    /// An attribute of every term of the row.
    All(Field),
    Id,
    Subject,
    Definition,
    EntryNote,
    Ignore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Status,
    Pos,
    Note,
    Case,
}

/// Header names of term columns whose language the file does not give.
const UNTAGGED_NAMES: [&str; 6] = [
    "source",
    "target",
    "term",
    "translation",
    "sourceterm",
    "targetterm",
];

/// A header cell compared with [`UNTAGGED_NAMES`]: lower case, letters and digits only.
fn name_key(cell: &str) -> String {
    cell.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A header cell that names a language: a language name ([`Lang::named`]: `English`, `中文`,
/// `日本語`), else a valid tag whose primary subtag has 2 or 3 letters (`en-US`, `zh-Hant`).
fn language_column(cell: &str) -> Option<Lang> {
    let cell = cell.trim();
    if let Some(lang) = Lang::named(cell) {
        return Some(lang);
    }
    let primary = cell.split(['-', '_']).next()?;
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    Lang::parse(cell).ok()
}

/// Whether a header cell names a term column without a language (`Source`, `Target term`).
fn untagged_column(cell: &str) -> bool {
    UNTAGGED_NAMES.contains(&name_key(cell).as_str())
}

/// An attribute name after `<tag>:`, or alone for every term of a row.
fn field_name(s: &str) -> Option<Field> {
    match s.trim().to_ascii_lowercase().as_str() {
        "status" => Some(Field::Status),
        "pos" | "part of speech" | "partofspeech" => Some(Field::Pos),
        "note" | "comment" => Some(Field::Note),
        "case" => Some(Field::Case),
        _ => None,
    }
}

/// The columns of the entry as a whole.
fn entry_column(s: &str) -> Option<Col> {
    match s.trim().to_ascii_lowercase().as_str() {
        "note" | "comment" | "notes" | "comments" => Some(Col::EntryNote),
        "id" => Some(Col::Id),
        "subject" => Some(Col::Subject),
        "definition" => Some(Col::Definition),
        "location" => Some(Col::Ignore),
        _ => None,
    }
}

/// Whether a first row is a header row: it names two languages, or it names at least one term
/// column (with or without a language) and every other cell is a known column name.
fn is_header_row(cells: &[&str]) -> bool {
    let (mut named, mut untagged, mut unknown) = (0, 0, 0);
    for c in cells {
        // In the order of `Reader::classify`: `id` is the entry's id, not Indonesian.
        if entry_column(c).is_some() || field_name(c).is_some() || is_attribute_name(c) {
            continue;
        } else if untagged_column(c) {
            untagged += 1;
        } else if language_column(c).is_some() {
            named += 1;
        } else {
            unknown += 1;
        }
    }
    named >= 2 || (named + untagged >= 1 && unknown == 0)
}

/// `<tag>:<field>`, as `zh-CN:status` or `Chinese:note`.
fn is_attribute_name(cell: &str) -> bool {
    cell.split_once(':')
        .is_some_and(|(tag, f)| language_column(tag).is_some() && field_name(f).is_some())
}

/// How the rows of a file are laid out.
enum Rows {
    /// A header row named these columns.
    Header(Vec<Col>),
    /// No header row: a term in each of these languages, then an optional comment.
    Plain(Vec<Lang>),
}

/// The byte that starts a cell a spreadsheet would run as a formula (OWASP's CSV injection list).
fn is_formula_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A cell as [`Writer`] writes it: one `'` is put before a cell that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return after any number of `'`s, so that no spreadsheet runs it as a
/// formula; [`unneutralize`] takes it off again.
fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    let rest = cell.trim_start_matches('\'');
    if rest.starts_with(is_formula_trigger) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The inverse of [`neutralize`]: a cell that starts with one or more `'` then a formula trigger
/// loses one `'`.
fn unneutralize(cell: &str) -> &str {
    let rest = cell.trim_start_matches('\'');
    if rest.len() < cell.len() && rest.starts_with(is_formula_trigger) {
        &cell[1..]
    } else {
        cell
    }
}

/// A term cell's text: `|` separates a term from its variants, `\|` is a `|` in a term and `\\`
/// a backslash (any other backslash is itself). Empty parts are dropped.
fn split_term_cell(cell: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('|' | '\\')) => {
                let next = chars.next().expect("peeked");
                parts.last_mut().expect("never empty").push(next);
            }
            '|' => parts.push(String::new()),
            _ => parts.last_mut().expect("never empty").push(c),
        }
    }
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The inverse of [`split_term_cell`] for one term or variant: `\` and `|` escaped.
fn escape_term(s: &str, out: &mut String) {
    for c in s.chars() {
        if matches!(c, '\\' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Reads a delimited glossary one row at a time, into [`TermEntry`]s. See the [module](self) for
/// the layouts it understands.
///
/// ```
/// use tmkit::formats::glossary::{ReadOptions, Reader};
/// use tmkit::model::{Lang, TermEntry, TermStatus};
/// let csv = "English,Chinese,Chinese:status\nmemory,记忆库,admitted\n";
/// // The header names the languages: no `--langs` needed.
/// let options = ReadOptions::for_langs(tmkit::formats::GlossaryFormat::Csv, Vec::new());
/// let mut reader = Reader::from_reader(Box::new(csv.as_bytes()), "terms.csv".into(), &options)?;
/// let mut entry = TermEntry::default();
/// assert!(reader.read_entry(&mut entry)?);
/// assert_eq!(entry.terms[1].text, "记忆库");
/// assert_eq!(entry.terms[1].lang, Lang::parse("zh-CN")?);
/// assert_eq!(entry.terms[1].status, TermStatus::Admitted);
/// # Ok::<(), tmkit::Error>(())
/// ```
pub struct Reader {
    csv: csv::Reader<Tape<Box<dyn Read + Send>>>,
    name: String,
    rows: Rows,
    options: ReadOptions,
    delimiter: u8,
    record: ByteRecord,
    /// The first row, when it turned out not to be a header.
    pending: bool,
    problems: Vec<Problem>,
    /// Line and raw text of the current record.
    line: u64,
    raw: Vec<u8>,
    scan: Scan,
}

impl Reader {
    /// Opens a glossary file.
    pub fn open(path: &Path, options: &ReadOptions) -> Result<Reader> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Reader::from_reader(Box::new(file), path.display().to_string(), options)
    }

    /// Reads a glossary from any byte stream; `name` is shown in messages.
    pub fn from_reader(
        inner: Box<dyn Read + Send>,
        name: String,
        options: &ReadOptions,
    ) -> Result<Reader> {
        let mut decoded = BufReader::new(decode(inner).map_err(|e| Error::io(&name, e))?);
        let delimiter = match options.delimiter {
            Some(d) => d,
            None => {
                let head = decoded.fill_buf().map_err(|e| Error::io(&name, e))?;
                detect_delimiter(head)
            }
        };
        let tape = Tape {
            inner: Box::new(decoded) as Box<dyn Read + Send>,
            kept: Vec::new(),
            base: 0,
            base_line: 1,
            max_record: crate::model::Limits::current().max_segment_bytes,
        };
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .quoting(!options.omegat)
            .comment(if options.omegat { Some(b'#') } else { None })
            .from_reader(tape);
        let mut this = Reader {
            csv,
            name,
            rows: Rows::Plain(options.langs.iter().take(2).cloned().collect()),
            options: options.clone(),
            delimiter,
            record: ByteRecord::new(),
            pending: false,
            problems: Vec::new(),
            line: 1,
            raw: Vec::new(),
            scan: Scan {
                starts: Vec::new(),
                end: 0,
                unclosed: None,
            },
        };
        // OmegaT files have no header; any other file may have one.
        if options.omegat && options.langs.len() < 2 {
            return Err(ErrorKind::Glossary {
                location: Location {
                    path: this.name.clone(),
                    line: 1,
                    column: 1,
                },
                message: "an OmegaT glossary has no header row: give its source and target \
                          languages (--langs en,zh-CN)"
                    .to_string(),
            }
            .into());
        }
        if !options.omegat && this.next_record()? {
            this.read_header()?;
        }
        Ok(this)
    }

    /// The field separator in use.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Whether the file has a header row.
    pub fn has_header(&self) -> bool {
        matches!(self.rows, Rows::Header(_))
    }

    /// The rows skipped so far, each with its location and why.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Takes the problems reported so far, leaving none.
    pub fn take_problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
    }

    /// Reads every remaining entry (convenient for small files and tests).
    pub fn read_all(&mut self) -> Result<Vec<TermEntry>> {
        let mut out = Vec::new();
        let mut entry = TermEntry::default();
        while self.read_entry(&mut entry)? {
            out.push(std::mem::take(&mut entry));
        }
        Ok(out)
    }

    /// Reads the next row into `entry`; `false` at the end of the file. Rows that cannot be used are
    /// skipped and recorded in [`Reader::problems`].
    pub fn read_entry(&mut self, entry: &mut TermEntry) -> Result<bool> {
        loop {
            if self.pending {
                self.pending = false;
            } else if !self.next_record()? {
                return Ok(false);
            }
            entry.id = None;
            entry.subject = None;
            entry.definition = None;
            entry.note = None;
            entry.terms.clear();
            let outcome = match &self.rows {
                Rows::Plain(langs) => {
                    let langs = langs.clone();
                    self.plain_row(&langs, entry)?
                }
                Rows::Header(cols) => {
                    let cols = cols.clone();
                    self.header_row(&cols, entry)?
                }
            };
            match outcome {
                Ok(()) => return Ok(true),
                Err(problem) => self.problems.push(problem),
            }
        }
    }

    /// Where the entry last returned by [`Reader::read_entry`] stands (its row).
    pub fn entry_location(&self) -> Location {
        Location {
            path: self.name.clone(),
            line: self.line,
            column: 1,
        }
    }

    /// Reads the next record and its raw text; checks quotes.
    fn next_record(&mut self) -> Result<bool> {
        let more = self
            .csv
            .read_byte_record(&mut self.record)
            .map_err(|e| self.csv_error(e))?;
        if !more {
            return Ok(false);
        }
        // The csv crate's line numbers skip comment lines: count them from the raw bytes instead.
        // The record's position also covers the blank and comment lines the csv crate skipped
        // before it: step over them.
        let mut start = self.record.position().map_or(0, |p| p.byte());
        let end = self.csv.position().byte();
        let comments = self.options.omegat;
        loop {
            let raw = self.csv.get_ref().slice(start, end);
            let skip = match raw.first() {
                Some(b'\n') => 1,
                Some(b'\r') => 1,
                Some(b'#') if comments => raw
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(raw.len(), |i| i + 1),
                _ => break,
            };
            start += skip as u64;
        }
        self.line = self.csv.get_ref().line_of(start);
        self.raw.clear();
        self.raw
            .extend_from_slice(self.csv.get_ref().slice(start, end));
        self.csv.get_mut().discard_to(end);
        self.scan = scan(&self.raw, self.delimiter, !self.options.omegat);
        if let Some(open) = self.scan.unclosed {
            return Err(self.error_at(
                open,
                "unclosed quote: the quoted field that starts here runs to the end of the file",
            ));
        }
        Ok(true)
    }

    fn csv_error(&self, e: csv::Error) -> Error {
        let message = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|e| e.is::<RecordTooLong>()) => {
                let tape = self.csv.get_ref();
                ErrorKind::Limit {
                    location: Location {
                        path: self.name.clone(),
                        line: tape.base_line,
                        column: 1,
                    },
                    message: format!(
                        "a row longer than {}, the limit for one segment: raise the limit with \
                         --max-segment-bytes (or TMKIT_MAX_SEGMENT_BYTES)",
                        crate::model::limits::describe_bytes(tape.max_record)
                    ),
                }
                .into()
            }
            csv::ErrorKind::Io(io) => Error::io(&self.name, io),
            _ => ErrorKind::Glossary {
                location: Location {
                    path: self.name.clone(),
                    line: self.line,
                    column: 1,
                },
                message,
            }
            .into(),
        }
    }

    /// The location of a byte offset in the current record's raw text.
    fn location(&self, offset: usize) -> Location {
        let before = &self.raw[..offset.min(self.raw.len())];
        let newlines = before.iter().filter(|&&b| b == b'\n').count() as u64;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = 1 + String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count() as u64;
        Location {
            path: self.name.clone(),
            line: self.line + newlines,
            column,
        }
    }

    fn field_location(&self, i: usize) -> Location {
        self.location(self.scan.starts.get(i).copied().unwrap_or(self.scan.end))
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> Error {
        ErrorKind::Glossary {
            location: self.location(offset),
            message: message.into(),
        }
        .into()
    }

    fn field_error(&self, i: usize, message: impl Into<String>) -> Error {
        ErrorKind::Glossary {
            location: self.field_location(i),
            message: message.into(),
        }
        .into()
    }

    /// Field `i` of the current record as trimmed text; an error if it is not UTF-8.
    fn field(&self, i: usize) -> Result<&str> {
        let bytes = self.record.get(i).unwrap_or(b"");
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.trim()),
            Err(e) => {
                // Point at the bad byte: the field's start, past an opening quote, plus the
                // valid text before it.
                let start = self.scan.starts.get(i).copied().unwrap_or(self.scan.end);
                let quoted = usize::from(self.raw.get(start) == Some(&b'"'));
                let bad = &bytes[e.valid_up_to()..];
                let shown = &bad[..e.error_len().unwrap_or(bad.len()).min(4)];
                let hex: Vec<String> = shown.iter().map(|b| format!("{b:02X}")).collect();
                let what = match hex.len() {
                    1 => format!("byte {} is", hex[0]),
                    _ => format!("bytes {} are", hex.join(" ")),
                };
                Err(self.error_at(
                    start + quoted + e.valid_up_to(),
                    format!(
                        "{what} not valid UTF-8: save the glossary as UTF-8 (or UTF-16 with a \
                         byte-order mark)"
                    ),
                ))
            }
        }
    }

    /// Decides whether the first record is a header, and reads it if so; a file without one needs
    /// [`ReadOptions::langs`].
    fn read_header(&mut self) -> Result<()> {
        let mut cells = Vec::with_capacity(self.record.len());
        for i in 0..self.record.len() {
            cells.push(self.field(i)?.to_string());
        }
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        if !is_header_row(&refs) {
            if self.options.langs.is_empty() {
                let shown: Vec<String> = cells.iter().take(3).map(|c| format!("{c:?}")).collect();
                return Err(self.field_error(
                    0,
                    format!(
                        "no header row naming the languages of the columns (the first row is {}): \
                         add one, such as en,zh-CN,ja-JP or English,Chinese,Japanese (with note, \
                         pos, status columns if needed), or give the language of each term column \
                         in order: glossary import --langs en,zh-CN,ja-JP",
                        shown.join(", ")
                    ),
                ));
            }
            self.rows = Rows::Plain(self.options.langs.clone());
            self.pending = true;
            return Ok(());
        }
        let mut cols: Vec<Col> = Vec::with_capacity(cells.len());
        // Term columns so far, for --langs.
        let mut terms = 0;
        for (i, cell) in cells.iter().enumerate() {
            let Some(col) = self.classify(cell, &cols) else {
                return Err(self.unknown_column(i, cell));
            };
            let col = match col {
                Col::Untagged => match self.options.langs.get(terms) {
                    Some(lang) => Col::Term(lang.clone()),
                    None => {
                        return Err(self.field_error(
                            i,
                            format!(
                                "column {cell:?} names no language: rename the term columns to \
                                 language tags or names (en,zh-CN,ja-JP or English,Chinese,\
                                 Japanese), or give the language of each term column in order: \
                                 glossary import --langs en,zh-CN,ja-JP"
                            ),
                        ));
                    }
                },
                c => c,
            };
            if matches!(col, Col::Term(_)) {
                terms += 1;
            }
            cols.push(col);
        }
        self.rows = Rows::Header(cols);
        Ok(())
    }

    /// The error for a header cell that names no known column.
    fn unknown_column(&self, i: usize, cell: &str) -> Error {
        if let Some((tag, rest)) = cell.split_once(':')
            && let Some(lang) = language_column(tag)
        {
            let message = if field_name(rest).is_some() {
                format!(
                    "column {cell:?} comes before any {:?} column: put it after the terms it \
                     describes",
                    lang.as_str()
                )
            } else {
                format!(
                    "unknown column {cell:?}: after \"{}:\" expected status, pos, note or case",
                    tag.trim()
                )
            };
            return self.field_error(i, message);
        }
        self.field_error(
            i,
            format!(
                "unknown column {cell:?}: expected a language tag or name (en, zh-CN, ja-JP, \
                 English, Chinese, Japanese), source, target, note, pos, status, case, id, \
                 subject, definition, location, or <tag>:status, <tag>:pos, <tag>:note, <tag>:case"
            ),
        )
    }

    /// What a header cell names, given the columns on its left; `None` when unknown.
    fn classify(&self, cell: &str, left: &[Col]) -> Option<Col> {
        if let Some(col) = entry_column(cell) {
            return Some(col);
        }
        if let Some(f) = field_name(cell) {
            return Some(Col::All(f));
        }
        if untagged_column(cell) {
            return Some(Col::Untagged);
        }
        if let Some((tag, rest)) = cell.split_once(':') {
            let lang = language_column(tag)?;
            let f = field_name(rest)?;
            let term = left
                .iter()
                .rposition(|c| matches!(c, Col::Term(l) if *l == lang))?;
            return Some(Col::Attr(term, f));
        }
        language_column(cell).map(Col::Term)
    }

    fn problem(&self, field: usize, message: impl Into<String>) -> Problem {
        Problem {
            location: self.field_location(field),
            message: message.into(),
        }
    }

    /// A row of a file without a header row (OmegaT's among them): a term in each language, then
    /// an optional comment. Text is taken literally.
    fn plain_row(&mut self, langs: &[Lang], entry: &mut TermEntry) -> Result<Result<(), Problem>> {
        let n = self.record.len();
        if n > langs.len() + 1 {
            let names: Vec<&str> = langs.iter().map(Lang::as_str).collect();
            return Err(self.field_error(
                langs.len() + 1,
                format!(
                    "wrong number of fields: this row has {n}, a glossary without a header row \
                     has a term in each language ({}) and an optional comment",
                    names.join(", ")
                ),
            ));
        }
        let source = self.field(0)?.to_string();
        if source.is_empty() {
            return Ok(Err(self.problem(0, "no source term: row skipped")));
        }
        entry.terms.push(Term::new(langs[0].clone(), source));
        for (i, lang) in langs.iter().enumerate().skip(1) {
            let text = self.field(i)?;
            if !text.is_empty() {
                let term = Term::new(lang.clone(), text);
                entry.terms.push(term);
            }
        }
        if entry.terms.len() < 2 {
            return Ok(Err(self.problem(1.min(n), "no target term: row skipped")));
        }
        let comment = self.field(langs.len())?.to_string();
        entry.note = Some(comment).filter(|c| !c.is_empty());
        Ok(Ok(()))
    }

    /// A row of a file with a header row.
    fn header_row(&mut self, cols: &[Col], entry: &mut TermEntry) -> Result<Result<(), Problem>> {
        let n = self.record.len();
        if n != cols.len() {
            let at = if n > cols.len() {
                self.scan.starts.get(cols.len()).copied()
            } else {
                None
            };
            return Err(self.error_at(
                at.unwrap_or(self.scan.end),
                format!(
                    "wrong number of fields: this row has {n}, the header row has {}",
                    cols.len()
                ),
            ));
        }
        // Term column index -> index in entry.terms.
        let mut term_of: Vec<Option<usize>> = vec![None; cols.len()];
        for (i, col) in cols.iter().enumerate() {
            if let Col::Term(lang) = col {
                let cell = unneutralize(self.field(i)?);
                if cell.is_empty() {
                    continue;
                }
                let mut parts = split_term_cell(cell).into_iter();
                let Some(text) = parts.next() else { continue };
                let mut term = Term::new(lang.clone(), text);
                term.variants = parts.collect();
                term_of[i] = Some(entry.terms.len());
                entry.terms.push(term);
            }
        }
        if entry.terms.is_empty() {
            return Ok(Err(Problem {
                location: self.location(0),
                message: "no terms in this row: skipped".to_string(),
            }));
        }
        // Own attributes first, so that row-wide ones fill only what is left.
        let mut own = vec![[false; 4]; entry.terms.len()];
        for pass_all in [false, true] {
            for (i, col) in cols.iter().enumerate() {
                let (targets, field): (Vec<usize>, Field) = match (col, pass_all) {
                    (Col::Attr(term_col, f), false) => match term_of[*term_col] {
                        Some(t) => (vec![t], *f),
                        None => continue,
                    },
                    (Col::All(f), true) => ((0..entry.terms.len()).collect(), *f),
                    _ => continue,
                };
                let value = unneutralize(self.field(i)?).to_string();
                if value.is_empty() {
                    continue;
                }
                for t in targets {
                    if pass_all && own[t][field as usize] {
                        continue;
                    }
                    own[t][field as usize] = true;
                    let term = &mut entry.terms[t];
                    match field {
                        Field::Status => match TermStatus::parse(&value) {
                            Some(s) => term.status = s,
                            None => {
                                return Ok(Err(self.problem(
                                    i,
                                    format!(
                                        "invalid status {value:?}: expected preferred, admitted \
                                         or forbidden; row skipped"
                                    ),
                                )));
                            }
                        },
                        Field::Pos => term.pos = Some(value.clone()),
                        Field::Note => term.note = Some(value.clone()),
                        Field::Case => match parse_flag(&value) {
                            Some(b) => term.case_sensitive = b,
                            None => {
                                return Ok(Err(self.problem(
                                    i,
                                    format!(
                                        "invalid case flag {value:?}: expected yes or no; row \
                                         skipped"
                                    ),
                                )));
                            }
                        },
                    }
                }
            }
        }
        for (i, col) in cols.iter().enumerate() {
            let slot = match col {
                Col::Id => &mut entry.id,
                Col::Subject => &mut entry.subject,
                Col::Definition => &mut entry.definition,
                Col::EntryNote => &mut entry.note,
                _ => continue,
            };
            let value = unneutralize(self.field(i)?);
            if !value.is_empty() {
                *slot = Some(value.to_string());
            }
        }
        Ok(Ok(()))
    }
}

fn parse_flag(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" => Some(true),
        "no" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Tab if the first line has one, else the more frequent of comma and semicolon (comma on a tie).
fn detect_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let count = |d: u8| {
        let s = scan(line, d, true);
        s.starts.len() - 1
    };
    if line.contains(&b'\t') {
        b'\t'
    } else if count(b';') > count(b',') {
        b';'
    } else {
        b','
    }
}

/// Decodes a byte stream to UTF-8: UTF-16 (BOM or zero-byte pattern) is transcoded, a UTF-8 BOM
/// skipped, anything else passed through (and checked field by field).
fn decode(inner: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
    let mut raw = BufReader::new(inner);
    let head = raw.fill_buf()?;
    let utf16 = match head {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        [a, 0, ..] if *a != 0 => Some(encoding_rs::UTF_16LE),
        [0, b, ..] if *b != 0 => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    if let Some(encoding) = utf16 {
        // Strict: a lone surrogate is refused where it is, not replaced with U+FFFD.
        let bom = if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
            2
        } else {
            0
        };
        raw.consume(bom);
        return Ok(Box::new(crate::formats::decode::DecodeReader::new(
            raw, encoding, bom as u64,
        )));
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        raw.consume(3);
    }
    Ok(Box::new(raw))
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Writes a CSV or TSV glossary with a header row, one entry per row; it reads back equal through
/// [`Reader`] (with the same layout's delimiter), and the output is deterministic.
///
/// Fields are quoted as RFC 4180 asks (when they hold the separator, a quote or a line break).
/// Two rules keep every term intact and every cell harmless in a spreadsheet, and [`Reader`]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_columns() {
        let table = [
            ("en", Some("en")),
            (" zh-cn ", Some("zh-CN")),
            ("ja_JP", Some("ja-JP")),
            ("zh-Hant-TW", Some("zh-Hant-TW")),
            ("english", Some("en")),
            ("EN", Some("en")),
            ("ZH", Some("zh-CN")),
            ("jp", Some("ja-JP")),
            ("Chinese (Traditional)", Some("zh-TW")),
            ("中文", Some("zh-CN")),
            ("日本語", Some("ja-JP")),
            ("source", None),
            ("source 1", None),
            ("e", None),
            ("12", None),
            ("", None),
        ];
        for (cell, want) in table {
            assert_eq!(
                language_column(cell).as_ref().map(Lang::as_str),
                want,
                "{cell:?}"
            );
        }
    }

    #[test]
    fn formula_cells_are_neutralized_reversibly() {
        // (cell, as written)
        let table = [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("-5 °C", "'-5 °C"),
            ("+1", "'+1"),
            ("@user", "'@user"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("''@", "'''@"),
            ("'quoted'", "'quoted'"),
            ("a-b", "a-b"),
            ("'", "'"),
            ("", ""),
        ];
        for (cell, written) in table {
            assert_eq!(neutralize(cell), written, "{cell:?}");
            assert_eq!(unneutralize(written), cell, "{cell:?}");
        }
    }

    #[test]
    fn term_cells_split_on_unescaped_bars() {
        let table: [(&str, &[&str]); 6] = [
            ("a|b", &["a", "b"]),
            ("a\\|b", &["a|b"]),
            ("a\\\\|b", &["a\\", "b"]),
            ("C:\\dir", &["C:\\dir"]),
            (" a | | b ", &["a", "b"]),
            ("x\\", &["x\\"]),
        ];
        for (cell, want) in table {
            assert_eq!(split_term_cell(cell), want, "{cell:?}");
            for part in want {
                let mut escaped = String::new();
                escape_term(part, &mut escaped);
                assert_eq!(split_term_cell(&escaped), [*part], "{cell:?}");
            }
        }
    }

    #[test]
    fn header_rows_are_told_from_data_rows() {
        let table: [(&[&str], bool); 9] = [
            (&["English", "Chinese", "Japanese"], true),
            (&["en", "note"], true),
            (&["source", "target"], true),
            (&["source", "target", "location"], true),
            (&["en", "zh-CN", "englisch"], true),
            (&["Wang Yi", "王毅"], false),
            (&["en", "王毅"], false),
            (&["term", "术语"], false),
            (&["id", "note"], false),
        ];
        for (cells, want) in table {
            assert_eq!(is_header_row(cells), want, "{cells:?}");
        }
    }

    #[test]
    fn delimiters_from_the_first_line() {
        let table: [(&[u8], u8); 6] = [
            (b"en,zh-CN\n", b','),
            (b"en\tzh-CN,x\n", b'\t'),
            (b"en;zh-CN;ja-JP\nfoo,bar,baz,qux\n", b';'),
            (b"\"a;b\",c\n", b','),
            (b"one\n", b','),
            (b"", b','),
        ];
        for (head, want) in table {
            assert_eq!(detect_delimiter(head) as char, want as char, "{head:?}");
        }
    }

    #[test]
    fn scans_field_starts_and_unclosed_quotes() {
        let table: [(&[u8], &[usize], Option<usize>); 5] = [
            (b"a,b,c\n", &[0, 2, 4], None),
            (b"\"a,b\",c\r\n", &[0, 6], None),
            (b"\"a\"\"b\",\"c\nd\",e\n", &[0, 7, 13], None),
            (b"a,\"bc\n", &[0, 2], Some(2)),
            (b"x\"y,z\n", &[0, 4], None),
        ];
        for (raw, starts, unclosed) in table {
            let s = scan(raw, b',', true);
            assert_eq!(s.starts, starts, "{raw:?}");
            assert_eq!(s.unclosed, unclosed, "{raw:?}");
        }
        assert_eq!(scan(b"\"a\tb\n", b'\t', false).starts, [0, 3]);
    }

    #[test]
    fn formats_by_extension_and_content() {
        let table: [(&str, &[u8], GlossaryFormat); 9] = [
            ("t.tbx", b"", GlossaryFormat::Tbx),
            ("t.CSV", b"", GlossaryFormat::Csv),
            ("t.tsv", b"", GlossaryFormat::Tsv),
            ("t.txt", b"", GlossaryFormat::OmegatTsv),
            ("t", b"  <?xml version='1.0'?><martif>", GlossaryFormat::Tbx),
            ("t", b"\xFF\xFE<\0t\0b\0x\0", GlossaryFormat::Tbx),
            ("t", b"# comment\nen\tzh-CN\n", GlossaryFormat::Tsv),
            (
                "t",
                b"memory\t\xE8\xAE\xB0\xE5\xBF\x86\n",
                GlossaryFormat::OmegatTsv,
            ),
            ("t", b"en,zh-CN\n", GlossaryFormat::Csv),
        ];
        for (path, head, want) in table {
            assert_eq!(
                GlossaryFormat::detect(path.as_ref(), head),
                want,
                "{path} {head:?}"
            );
        }
    }

    #[test]
    fn case_flags() {
        let table = [
            ("yes", Some(true)),
            ("TRUE", Some(true)),
            ("1", Some(true)),
            ("no", Some(false)),
            ("", Some(false)),
            ("maybe", None),
        ];
        for (input, want) in table {
            assert_eq!(parse_flag(input), want, "{input:?}");
        }
    }

    #[test]
    fn layout_for_entries_names_only_what_is_used() {
        let en = Lang::parse("en").unwrap();
        let zh = Lang::parse("zh-CN").unwrap();
        let mut a = TermEntry::default();
        a.terms.push(Term::new(en.clone(), "memory"));
        a.terms.push(Term::new(zh.clone(), "记忆库"));
        let mut forbidden = Term::new(zh.clone(), "内存");
        forbidden.status = TermStatus::Forbidden;
        a.terms.push(forbidden);
        a.note = Some("n".into());
        let names: Vec<String> = Layout::for_entries(&[a], b',')
            .columns
            .iter()
            .map(Column::name)
            .collect();
        assert_eq!(
            names,
            [
                "en",
                "zh-CN",
                "zh-CN:status",
                "zh-CN",
                "zh-CN:status",
                "note"
            ]
        );
    }
}
