//! The library's error type.
//!
//! Every fallible library function returns [`Result`]. An [`Error`] is a boxed [`ErrorKind`] with typed
//! variants that carry their context (a file location, the offending value); messages are lowercase,
//! without a trailing period, and quote the offending value.

use std::fmt;
use std::path::PathBuf;

/// A place in an input file: `path:line:column`, 1-based, column counted in characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The input as messages name it: usually the path as given, `-` for standard input.
    pub path: String,
    /// Line number, 1-based.
    pub line: u64,
    /// Column, 1-based, counted in characters.
    pub column: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

impl Location {
    /// The location of byte `offset` of `bytes`, the start of the file `path`: lines counted by
    /// line feeds, columns in characters (UTF-8 continuation bytes do not count).
    pub fn of_byte(path: &str, bytes: &[u8], offset: usize) -> Location {
        let (mut line, mut column) = (1, 1);
        advance_line_column(&mut line, &mut column, &bytes[..offset.min(bytes.len())]);
        Location {
            path: path.to_string(),
            line,
            column,
        }
    }
}

/// Moves a 1-based line and column (columns in characters) past `text`, UTF-8 that may end in
/// the middle of a character (continuation bytes are not counted).
pub(crate) fn advance_line_column(line: &mut u64, column: &mut u64, text: &[u8]) {
    if text.len() <= 64 {
        // Short runs (a parser's single tokens): one pass costs less than three searches.
        for &b in text {
            if b == b'\n' {
                *line += 1;
                *column = 1;
            } else if (b as i8) >= -0x40 {
                *column += 1;
            }
        }
        return;
    }
    match memchr::memrchr(b'\n', text) {
        Some(last) => {
            *line += memchr::memchr_iter(b'\n', text).count() as u64;
            *column = 1 + count_chars(&text[last + 1..]);
        }
        None => *column += count_chars(text),
    }
}

fn count_chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64
}

/// Where and why a byte stream is not valid in its encoding. Carried inside an [`std::io::Error`] of
/// kind `InvalidData` by `formats::decode::DecodeReader`; see [`DecodeError::from_io`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The encoding's name (`UTF-8`, `UTF-16LE`, `Shift_JIS`).
    pub encoding: &'static str,
    /// Byte offset of the first bad byte in the file (counting any byte-order mark).
    pub offset: u64,
    /// Line and column (1-based, columns in characters) where the bad bytes stand in the text.
    pub line: u64,
    /// The column of that place (see `line`).
    pub column: u64,
    /// The bad bytes themselves (at most four).
    pub bytes: Vec<u8>,
}

impl DecodeError {
    /// The decoding error an I/O error carries, if it carries one.
    pub fn from_io(e: &std::io::Error) -> Option<&DecodeError> {
        e.get_ref()?.downcast_ref::<DecodeError>()
    }

    /// What is wrong, without the location: `a lone UTF-16 surrogate (0xD800) at byte offset 42`.
    pub fn cause(&self) -> String {
        let hex = self
            .bytes
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ");
        let what = if self.encoding.starts_with("UTF-16") && self.bytes.len() == 2 {
            let unit = if self.encoding == "UTF-16LE" {
                u16::from_le_bytes([self.bytes[0], self.bytes[1]])
            } else {
                u16::from_be_bytes([self.bytes[0], self.bytes[1]])
            };
            format!("a lone UTF-16 surrogate (0x{unit:04X}), which is not a character")
        } else if self.encoding.starts_with("UTF-16") {
            "an odd byte at the end of UTF-16 text".to_string()
        } else if self.bytes.len() == 1 {
            format!("byte {hex} is not valid {}", self.encoding)
        } else {
            format!("bytes {hex} are not valid {}", self.encoding)
        };
        format!("{what} (byte offset {})", self.offset)
    }

    /// The located error for the file `path`, with `advice` on what to do.
    pub fn to_error(&self, path: &str, advice: &str) -> Error {
        ErrorKind::Encoding {
            location: Location {
                path: path.to_string(),
                line: self.line,
                column: self.column,
            },
            message: format!("{}: {advice}", self.cause()),
        }
        .into()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.cause())
    }
}

impl std::error::Error for DecodeError {}

/// The library's error: a boxed [`ErrorKind`] so that `Result<T>` stays one word wide.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file failed. The message names the file and the cause once, in the
    /// words of [`io_cause`] (`notes.txt: no such file`).
    #[error("{}: {}", path.display(), io_cause(error))]
    Io {
        /// The file that could not be read or written.
        path: PathBuf,
        /// Not a `#[source]`: its text is already in the message, and a chain would repeat it.
        error: std::io::Error,
    },
    /// The input is not well-formed XML.
    #[error("{location}: not well-formed XML: {message}")]
    Xml {
        /// Where in the input the problem is.
        location: Location,
        /// What the XML parser found wrong.
        message: String,
    },
    /// The input is well-formed XML but not acceptable TMX.
    #[error("{location}: {message}")]
    Tmx {
        /// Where in the input the problem is.
        location: Location,
        /// What is wrong, the offending value quoted.
        message: String,
    },
    /// The input is well-formed XML but not acceptable TBX.
    #[error("{location}: {message}")]
    Tbx {
        /// Where in the input the problem is.
        location: Location,
        /// What is wrong, the offending value quoted.
        message: String,
    },
    /// A delimited glossary (CSV, TSV, OmegaT tab-separated) cannot be read: a bad header, a row with
    /// the wrong number of fields, an unclosed quote.
    #[error("{location}: {message}")]
    Glossary {
        /// Where in the file the problem is.
        location: Location,
        /// What is wrong, the offending value quoted.
        message: String,
    },
    /// The input is well-formed XML but not acceptable XLIFF 1.2.
    #[error("{location}: {message}")]
    Xliff {
        /// Where in the input the problem is.
        location: Location,
        /// What is wrong, the offending value quoted.
        message: String,
    },
    /// The input is in an encoding tmkit cannot read, or is not valid in the encoding it declares.
    #[error("{location}: {message}")]
    Encoding {
        /// Where in the input the problem is.
        location: Location,
        /// What is wrong with the encoding.
        message: String,
    },
    /// An SRX file is not usable SRX, or one of its rules cannot be compiled.
    #[error("{}", srx_message(location, rule, pattern, message))]
    Srx {
        /// Where the offending element starts.
        location: Location,
        /// The rule, as `languagerule "English", rule 3`; empty when the problem is not in a rule.
        rule: String,
        /// The offending pattern as written in the file; empty when there is none.
        pattern: String,
        /// What is wrong.
        message: String,
    },
    /// Text to process is not valid UTF-8.
    #[error("invalid UTF-8 at byte offset {offset}")]
    Utf8 {
        /// Byte offset of the first byte that is not valid UTF-8.
        offset: usize,
    },
    /// The input goes past one of the resource limits (the longest segment, the deepest nesting,
    /// the largest SRX rule); the message names the option that raises it.
    #[error("{location}: {message}")]
    Limit {
        /// Where in the input the limit was passed.
        location: Location,
        /// Which limit, and the option that raises it.
        message: String,
    },
    /// The input declares entities; tmkit never expands or fetches them.
    #[error(
        "{location}: the DOCTYPE declares entity {name:?}; tmkit never expands or fetches entities \
         (a defence against entity-expansion bombs and external entities): remove the declaration"
    )]
    EntityDeclared {
        /// Where the declaration is.
        location: Location,
        /// The name of the declared entity.
        name: String,
    },
    /// A document (an article to prepare or finish) cannot be read or written: a format tmkit
    /// does not translate, a damaged package, markup that cannot be read. `message` says what
    /// and what to do, with `part:line:column` where there is one.
    #[error("{name}: {message}")]
    Document {
        /// The document, as named by the user.
        name: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// A language tag that cannot be a BCP 47 tag.
    #[error("invalid language tag {tag:?}: {reason}")]
    Lang {
        /// The tag as given.
        tag: String,
        /// Why it cannot be a language tag.
        reason: String,
    },
    /// A value given by the user (an option, a date) is not acceptable.
    #[error("invalid {what} {value:?}: {reason}")]
    Invalid {
        /// What the value is meant to be (`role`, `token name`).
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it is not acceptable, with what is expected.
        reason: String,
    },
    /// Import found problems and was asked to stop at the first (`--strict`), or nothing in a file
    /// could be imported.
    #[error("{location}: {message}")]
    Rejected {
        /// Where the rejected unit or file is.
        location: Location,
        /// Why it was rejected.
        message: String,
    },
    /// The database was written by a newer tmkit.
    #[error(
        "{path}: the memory has schema version {found}, this tmkit supports up to {supported}: \
         upgrade tmkit to open it"
    )]
    SchemaTooNew {
        /// The memory file.
        path: String,
        /// The schema version in the file (its `PRAGMA user_version`).
        found: i64,
        /// The newest schema version this tmkit knows.
        supported: i64,
    },
    /// A stored unit cannot be decoded: the memory file is damaged.
    #[error(
        "{path}: unit {unit} is damaged: export what is readable and restore the memory from a \
         backup (`sqlite3 {path} 'PRAGMA integrity_check'` shows the extent)"
    )]
    DamagedUnit {
        /// The memory file.
        path: String,
        /// The unit, as `42 (tuid "a-1")`.
        unit: String,
    },
    /// The memory file cannot be used for a reason outside tmkit: a full disk, a directory given
    /// as the memory, no permission. `cause` is worded as for any file (see [`io_cause`]).
    #[error("{path}: {cause}")]
    Memory {
        /// The memory file.
        path: String,
        /// Why it cannot be used.
        cause: String,
    },
    /// The memory can be read but not written by this user, and the work needs to write it.
    #[error("{path}: the memory is read-only ({cause}): {advice}")]
    ReadOnly {
        /// The memory file.
        path: String,
        /// `file permissions`, `folder permissions` or `read-only file system`.
        cause: &'static str,
        /// What needed writing and what to do.
        advice: String,
    },
    /// The file is not a tmkit memory.
    #[error("{path}: not a tmkit memory ({reason})")]
    NotAMemory {
        /// The file given as the memory.
        path: String,
        /// Why it is not one.
        reason: String,
    },
    /// SQLite reported an error.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// JSON (de)serialization of stored metadata failed.
    #[error("stored metadata: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing output failed.
    #[error("writing output: {}", io_cause(.0))]
    Write(std::io::Error),
}

/// One wording per cause of a failed file operation, so that every command says the same thing
/// about the same problem; the text follows the file name (`FILE: no such file`).
///
/// | cause | wording |
/// |---|---|
/// | missing file | `no such file` |
/// | no permission | `permission denied` |
/// | a directory given for a file | `is a directory, not a file` |
/// | a file given for a directory | `a part of the path is not a directory` |
/// | full disk or quota | `disk full: free space on the disk and try again` |
/// | read-only file system | `read-only file system` |
/// | text not valid in its encoding | what [`DecodeError`] says |
/// | anything else | the system's words, without `(os error N)` |
///
/// ```
/// let e = std::io::Error::from(std::io::ErrorKind::NotFound);
/// assert_eq!(tmkit::error::io_cause(&e), "no such file");
/// ```
pub fn io_cause(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if let Some(bad) = DecodeError::from_io(e) {
        return bad.to_string();
    }
    let words = match e.kind() {
        K::NotFound => "no such file",
        K::PermissionDenied => "permission denied",
        K::IsADirectory => "is a directory, not a file",
        K::NotADirectory => "a part of the path is not a directory",
        K::StorageFull | K::QuotaExceeded => "disk full: free space on the disk and try again",
        K::ReadOnlyFilesystem => "read-only file system",
        K::BrokenPipe => "broken pipe",
        _ => {
            let text = e.to_string();
            let text = match text.rfind(" (os error ") {
                Some(i) if text.ends_with(')') => text[..i].to_string(),
                _ => text,
            };
            let mut chars = text.chars();
            return match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "input/output error".to_string(),
            };
        }
    };
    words.to_string()
}

fn srx_message(location: &Location, rule: &str, pattern: &str, message: &str) -> String {
    let mut out = location.to_string();
    if !rule.is_empty() {
        out.push_str(": ");
        out.push_str(rule);
    }
    if !pattern.is_empty() {
        out.push_str(&format!(": pattern {pattern:?}"));
    }
    out.push_str(": ");
    out.push_str(message);
    out
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Consumes the error and returns what went wrong.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// An I/O error on `path`.
    ///
    /// Text that is not valid in its encoding (a [`DecodeError`] inside `source`) becomes a
    /// located [`ErrorKind::Encoding`] error: `path:line:column: what is wrong: what to do`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if let Some(bad) = DecodeError::from_io(&source) {
            let advice = if bad.encoding == "UTF-8" {
                "convert the file to UTF-8".to_string()
            } else {
                format!(
                    "the file is damaged there or not in {}: fix the text there, or convert the \
                     file to UTF-8",
                    bad.encoding
                )
            };
            return bad.to_error(&path.display().to_string(), &advice);
        }
        ErrorKind::Io {
            path,
            error: source,
        }
        .into()
    }

    /// Whether this is a broken pipe while writing output (the reader went away, as in `| head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(&*self.0, ErrorKind::Write(e) | ErrorKind::Io { error: e, .. }
            if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl<E: Into<ErrorKind>> From<E> for Error {
    fn from(e: E) -> Self {
        Error(Box::new(e.into()))
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::ErrorKind as K;

    #[test]
    fn one_wording_per_cause_naming_the_file_once() {
        let cases = [
            (std::io::Error::from(K::NotFound), "a.tmx: no such file"),
            (K::PermissionDenied.into(), "a.tmx: permission denied"),
            (K::IsADirectory.into(), "a.tmx: is a directory, not a file"),
            (
                // ENOSPC, as a write on a full disk returns it.
                std::io::Error::from_raw_os_error(28),
                "a.tmx: disk full: free space on the disk and try again",
            ),
            (std::io::Error::from_raw_os_error(2), "a.tmx: no such file"),
            (
                std::io::Error::from_raw_os_error(5),
                "a.tmx: input/output error",
            ),
        ];
        for (io, want) in cases {
            let e = Error::io("a.tmx", io);
            // anyhow prints the chain with {:#}: the cause must not come twice.
            let shown = format!("{:#}", anyhow::Error::from(e));
            assert_eq!(shown, want);
        }
    }

    #[test]
    fn decoding_errors_inside_io_errors_are_located() {
        let bad = DecodeError {
            encoding: "UTF-16LE",
            offset: 40,
            line: 3,
            column: 7,
            bytes: vec![0x00, 0xD8],
        };
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, bad);
        assert_eq!(
            Error::io("g.csv", io).to_string(),
            "g.csv:3:7: a lone UTF-16 surrogate (0xD800), which is not a character (byte offset \
             40): the file is damaged there or not in UTF-16LE: fix the text there, or convert the \
             file to UTF-8"
        );
    }

    #[test]
    fn a_location_of_a_byte_counts_lines_and_characters() {
        let text = "ab\ncdé\nfg".as_bytes();
        let at = |offset| {
            let l = Location::of_byte("t", text, offset);
            (l.line, l.column)
        };
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(3), (2, 1));
        assert_eq!(at(7), (2, 4), "é is one column");
        assert_eq!(at(9), (3, 2));
    }
}
