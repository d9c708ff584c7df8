//! Reading delimited glossaries: the layouts, header rows and cell rules the [module](super)
//! describes, one row at a time.

use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use csv::ByteRecord;

use super::ReadOptions;
use super::cells::{split_term_cell, unneutralize};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::formats::{Item, ItemReader, Problem};
use crate::model::{Lang, Term, TermEntry, TermStatus};

/// A reader that keeps the bytes read since a mark, so that a record's raw text can be examined.
pub(super) struct Tape<R> {
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
pub(super) struct RecordTooLong;

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
pub(super) struct Scan {
    pub(super) starts: Vec<usize>,
    /// Offset where the record's last field ends.
    end: usize,
    /// Offset of an opening quote that is never closed.
    pub(super) unclosed: Option<usize>,
}

pub(super) fn scan(raw: &[u8], delimiter: u8, quoting: bool) -> Scan {
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
pub(super) enum Col {
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
pub(super) enum Field {
    Status,
    Pos,
    Note,
    Case,
}

/// Header names of term columns whose language the file does not give.
pub(super) const UNTAGGED_NAMES: [&str; 6] = [
    "source",
    "target",
    "term",
    "translation",
    "sourceterm",
    "targetterm",
];

/// A header cell compared with [`UNTAGGED_NAMES`]: lower case, letters and digits only.
pub(super) fn name_key(cell: &str) -> String {
    cell.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A header cell that names a language: a language name ([`Lang::named`]: `English`, `中文`,
/// `日本語`), else a valid tag whose primary subtag has 2 or 3 letters (`en-US`, `zh-Hant`).
pub(super) fn language_column(cell: &str) -> Option<Lang> {
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
pub(super) fn untagged_column(cell: &str) -> bool {
    UNTAGGED_NAMES.contains(&name_key(cell).as_str())
}

/// An attribute name after `<tag>:`, or alone for every term of a row.
pub(super) fn field_name(s: &str) -> Option<Field> {
    match s.trim().to_ascii_lowercase().as_str() {
        "status" => Some(Field::Status),
        "pos" | "part of speech" | "partofspeech" => Some(Field::Pos),
        "note" | "comment" => Some(Field::Note),
        "case" => Some(Field::Case),
        _ => None,
    }
}

/// The columns of the entry as a whole.
pub(super) fn entry_column(s: &str) -> Option<Col> {
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
pub(super) fn is_header_row(cells: &[&str]) -> bool {
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
pub(super) fn is_attribute_name(cell: &str) -> bool {
    cell.split_once(':')
        .is_some_and(|(tag, f)| language_column(tag).is_some() && field_name(f).is_some())
}

/// How the rows of a file are laid out.
pub(super) enum Rows {
    /// A header row named these columns.
    Header(Vec<Col>),
    /// No header row: a term in each of these languages, then an optional comment.
    Plain(Vec<Lang>),
}

/// Reads a delimited glossary one row at a time, into [`TermEntry`]s. See the [module](super) for
/// the layouts it understands.
///
/// ```
/// use tmkit::formats::Item;
/// use tmkit::formats::glossary::{ReadOptions, Reader};
/// use tmkit::model::{Lang, TermEntry, TermStatus};
/// let csv = "English,Chinese,Chinese:status\nmemory,记忆库,admitted\n";
/// // The header names the languages: no `--langs` needed.
/// let options = ReadOptions::for_langs(tmkit::formats::GlossaryFormat::Csv, Vec::new());
/// let mut reader = Reader::from_reader(Box::new(csv.as_bytes()), "terms.csv".into(), &options)?;
/// let mut entry = TermEntry::default();
/// assert_eq!(reader.read_entry(&mut entry)?, Item::Unit);
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

    /// Reads the next row into `entry`. A row that cannot be used is skipped and returned as
    /// [`Item::Problem`], with its location and why.
    pub fn read_entry(&mut self, entry: &mut TermEntry) -> Result<Item> {
        if self.pending {
            self.pending = false;
        } else if !self.next_record()? {
            return Ok(Item::End);
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
        Ok(match outcome {
            Ok(()) => Item::Unit,
            Err(problem) => Item::Problem(problem),
        })
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

pub(super) fn parse_flag(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" => Some(true),
        "no" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Tab if the first line has one, else the more frequent of comma and semicolon (comma on a tie).
pub(super) fn detect_delimiter(head: &[u8]) -> u8 {
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
pub(super) fn decode(inner: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
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

impl ItemReader for Reader {
    type Unit = TermEntry;

    fn read_item(&mut self, entry: &mut TermEntry) -> Result<Item> {
        self.read_entry(entry)
    }
}
