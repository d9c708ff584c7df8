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
    pub path: String,
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// The library's error: a boxed [`ErrorKind`] so that `Result<T>` stays one word wide.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The input is not well-formed XML.
    #[error("{location}: not well-formed XML: {message}")]
    Xml { location: Location, message: String },
    /// The input is well-formed XML but not acceptable TMX.
    #[error("{location}: {message}")]
    Tmx { location: Location, message: String },
    /// The input is well-formed XML but not acceptable TBX.
    #[error("{location}: {message}")]
    Tbx { location: Location, message: String },
    /// A delimited glossary (CSV, TSV, OmegaT tab-separated) cannot be read: a bad header, a row with
    /// the wrong number of fields, an unclosed quote.
    #[error("{location}: {message}")]
    Glossary { location: Location, message: String },
    /// The input is well-formed XML but not acceptable XLIFF 1.2.
    #[error("{location}: {message}")]
    Xliff { location: Location, message: String },
    /// The input is in an encoding tmkit cannot read, or is not valid in the encoding it declares.
    #[error("{location}: {message}")]
    Encoding { location: Location, message: String },
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
    Limit { location: Location, message: String },
    /// The input declares entities; tmkit never expands or fetches them.
    #[error(
        "{location}: the DOCTYPE declares entity {name:?}; tmkit never expands or fetches entities \
         (a defence against entity-expansion bombs and external entities): remove the declaration"
    )]
    EntityDeclared { location: Location, name: String },
    /// A language tag that cannot be a BCP 47 tag.
    #[error("invalid language tag {tag:?}: {reason}")]
    Lang { tag: String, reason: String },
    /// A value given by the user (an option, a date) is not acceptable.
    #[error("invalid {what} {value:?}: {reason}")]
    Invalid {
        what: &'static str,
        value: String,
        reason: String,
    },
    /// Import found problems and was asked to stop at the first (`--strict`), or nothing in a file
    /// could be imported.
    #[error("{location}: {message}")]
    Rejected { location: Location, message: String },
    /// The database was written by a newer tmkit.
    #[error(
        "{path}: the memory has schema version {found}, this tmkit supports up to {supported}: \
         upgrade tmkit to open it"
    )]
    SchemaTooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    /// The memory can be read but not written by this user, and the work needs to write it.
    #[error("{path}: the memory is read-only ({cause}): {advice}")]
    ReadOnly {
        path: String,
        /// `file permissions`, `folder permissions` or `read-only file system`.
        cause: &'static str,
        /// What needed writing and what to do.
        advice: String,
    },
    /// The file is not a tmkit memory.
    #[error("{path}: not a tmkit memory ({reason})")]
    NotAMemory { path: String, reason: String },
    /// SQLite reported an error.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// JSON (de)serialization of stored metadata failed.
    #[error("stored metadata: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing output failed.
    #[error("writing output: {0}")]
    Write(#[source] std::io::Error),
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
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ErrorKind::Io {
            path: path.into(),
            source,
        }
        .into()
    }

    /// Whether this is a broken pipe while writing output (the reader went away, as in `| head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(&*self.0, ErrorKind::Write(e) | ErrorKind::Io { source: e, .. }
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
