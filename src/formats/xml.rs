//! Shared XML input handling: encoding detection, transcoding to UTF-8, and turning byte offsets into
//! `path:line:column` locations.
//!
//! XML files arrive in UTF-8 with or without a byte-order mark, in UTF-16 (little or big endian, with
//! or without a BOM, as Trados writes them) and in legacy encodings named in the XML declaration
//! (`windows-1252`, `shift_jis`, `gb2312`, ...). Everything is decoded to UTF-8 in a streaming reader,
//! so the parser sees UTF-8 only and memory stays flat.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs::Encoding;

use crate::error::advance_line_column;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::formats::Problem;
use crate::formats::decode::{DecodeError, DecodeReader};
use crate::model::Limits;
use crate::model::limits::describe_bytes;

/// How an input file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputEncoding {
    /// UTF-8, read as it is; `bom` tells whether a byte-order mark was skipped.
    Utf8 {
        /// Whether the file starts with a UTF-8 byte-order mark.
        bom: bool,
    },
    /// Any other encoding, decoded to UTF-8 while reading.
    Decoded {
        /// The encoding the file is decoded from.
        encoding: &'static Encoding,
        /// Whether the file starts with a byte-order mark of that encoding.
        bom: bool,
    },
}

impl InputEncoding {
    /// The encoding's name, as the WHATWG Encoding Standard spells it.
    pub fn name(&self) -> &'static str {
        match self {
            InputEncoding::Utf8 { .. } => "UTF-8",
            InputEncoding::Decoded { encoding, .. } => encoding.name(),
        }
    }
}

const SNIFF: usize = 1024;

/// Decides the encoding of an XML document from its first bytes (at most 1 KiB).
///
/// ```
/// use tmkit::formats::{sniff_encoding, InputEncoding};
/// assert_eq!(sniff_encoding(b"<?xml version='1.0'?><a/>", "x").unwrap(), InputEncoding::Utf8 { bom: false });
/// assert_eq!(sniff_encoding(b"\xff\xfe<\0", "x").unwrap().name(), "UTF-16LE");
/// ```
pub fn sniff_encoding(head: &[u8], path: &str) -> Result<InputEncoding> {
    let at_start = || Location {
        path: path.to_string(),
        line: 1,
        column: 1,
    };
    let unsupported = |what: &str| -> Error {
        ErrorKind::Encoding {
            location: at_start(),
            message: format!("{what}: convert the file to UTF-8 or UTF-16"),
        }
        .into()
    };
    match head {
        [0xEF, 0xBB, 0xBF, ..] => return Ok(InputEncoding::Utf8 { bom: true }),
        [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => {
            return Err(unsupported("UTF-32 is not supported"));
        }
        [0xFF, 0xFE, ..] => {
            return Ok(InputEncoding::Decoded {
                encoding: encoding_rs::UTF_16LE,
                bom: true,
            });
        }
        [0xFE, 0xFF, ..] => {
            return Ok(InputEncoding::Decoded {
                encoding: encoding_rs::UTF_16BE,
                bom: true,
            });
        }
        [0x3C, 0, 0, 0, ..] | [0, 0, 0, 0x3C, ..] => {
            return Err(unsupported("UTF-32 is not supported"));
        }
        [0x3C, 0, b, 0, ..] if *b != 0 => {
            return Ok(InputEncoding::Decoded {
                encoding: encoding_rs::UTF_16LE,
                bom: false,
            });
        }
        [0, 0x3C, 0, b, ..] if *b != 0 => {
            return Ok(InputEncoding::Decoded {
                encoding: encoding_rs::UTF_16BE,
                bom: false,
            });
        }
        _ => {}
    }
    if let Some(nul) = memchr::memchr(0, head) {
        return Err(ErrorKind::Encoding {
            location: Location::of_byte(path, head, nul),
            message: format!(
                "byte offset {nul} is a NUL byte, which XML does not allow: this is a binary file, \
                 or text damaged there"
            ),
        }
        .into());
    }
    // An ASCII-compatible encoding: read the declaration's encoding pseudo-attribute.
    let Some(label) = declared_encoding(head) else {
        return Ok(InputEncoding::Utf8 { bom: false });
    };
    match Encoding::for_label(label.as_bytes()) {
        Some(enc) if enc == encoding_rs::UTF_8 => Ok(InputEncoding::Utf8 { bom: false }),
        // A declaration that says UTF-16 in single-byte text is a mistake; the bytes say UTF-8.
        Some(enc) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
            Ok(InputEncoding::Utf8 { bom: false })
        }
        Some(enc) if enc == encoding_rs::REPLACEMENT => Err(unsupported(&format!(
            "the encoding {label:?} named in the XML declaration is not supported"
        ))),
        Some(encoding) => Ok(InputEncoding::Decoded {
            encoding,
            bom: false,
        }),
        None => Err(unsupported(&format!(
            "unknown encoding {label:?} named in the XML declaration"
        ))),
    }
}

/// The value of `encoding="..."` in an XML declaration at the start of `head`, if any.
fn declared_encoding(head: &[u8]) -> Option<String> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &head[start..];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let i = decl.find("encoding")?;
    let rest = decl[i + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].trim().to_string())
}

/// A reader that counts lines and columns of what has been consumed, so that the parser's position
/// at an event boundary can be reported as `line:column`.
pub struct Counting<R> {
    inner: R,
    consumed: u64,
    line: u64,
    column: u64,
    /// Reading at or past this offset fails with [`LimitReached`], or with `skip_text` skips to
    /// the next markup (set around one event, so that a huge text or tag is refused before it
    /// is buffered whole).
    stop_at: Option<u64>,
    skip_text: bool,
    /// Whether the rest of a text run was skipped at `stop_at`.
    skipped: bool,
}

/// The I/O error [`Counting`] gives at its stop offset.
#[derive(Debug)]
struct LimitReached;

impl std::fmt::Display for LimitReached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("read limit reached")
    }
}

impl std::error::Error for LimitReached {}

impl<R: BufRead> Counting<R> {
    /// Wraps a reader positioned at the start of the document.
    pub fn new(inner: R) -> Self {
        Counting {
            inner,
            consumed: 0,
            line: 1,
            column: 1,
            stop_at: None,
            skip_text: false,
            skipped: false,
        }
    }

    /// Skips to the next `<` or `&` (the end of a text run), counting lines as it goes.
    fn skip_to_markup(&mut self) -> io::Result<()> {
        loop {
            let (n, found) = {
                let buf = self.inner.fill_buf()?;
                if buf.is_empty() {
                    return Ok(());
                }
                match memchr::memchr2(b'<', b'&', buf) {
                    Some(i) => (i, true),
                    None => (buf.len(), false),
                }
            };
            self.consume(n);
            if found {
                return Ok(());
            }
        }
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.consumed
    }

    /// Line and column (1-based, columns in characters) of the next byte to be read.
    pub fn line_column(&self) -> (u64, u64) {
        (self.line, self.column)
    }
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let Some(stop) = self.stop_at else {
            return self.inner.fill_buf();
        };
        // What may still be read before the stop, ending on a character boundary.
        let left = stop.saturating_sub(self.consumed) as usize;
        let allowed = {
            let buf = self.inner.fill_buf()?;
            if buf.len() <= left {
                buf.len()
            } else {
                let mut n = left;
                while n > 0 && (buf[n] & 0xC0) == 0x80 {
                    n -= 1;
                }
                n
            }
        };
        if allowed > 0 {
            return Ok(&self.inner.fill_buf()?[..allowed]);
        }
        let at_end = self.inner.fill_buf()?.is_empty();
        if at_end {
            return Ok(&[]);
        }
        if !self.skip_text {
            return Err(io::Error::other(LimitReached));
        }
        // The text run ends here for the parser: the rest of it is skipped.
        self.stop_at = None;
        self.skipped = true;
        self.skip_to_markup()?;
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let chunk = &buf[..amt.min(buf.len())];
            advance_line_column(&mut self.line, &mut self.column, chunk);
        }
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

/// An open XML input: a UTF-8 stream plus what is needed to locate errors in it.
pub struct Input {
    /// The decoded UTF-8 stream, counting lines and columns for error locations.
    pub reader: Counting<Box<dyn BufRead + Send>>,
    /// Bytes of the underlying file read so far, for progress bars.
    pub raw_bytes: Arc<AtomicU64>,
    /// How the file was encoded.
    pub encoding: InputEncoding,
    /// Shown in messages: the path as given, or `-` for standard input.
    pub name: String,
}

/// Opens an XML file for streaming: detects its encoding and decodes it to UTF-8.
pub fn open_input(path: &Path) -> Result<Input> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    input_from_reader(Box::new(file), name)
}

/// Wraps any byte stream (a file, standard input) as an XML input.
pub fn input_from_reader(inner: Box<dyn Read + Send>, name: String) -> Result<Input> {
    let raw_bytes = Arc::new(AtomicU64::new(0));
    let inner: Box<dyn Read + Send> = Box::new(CountingRead {
        inner,
        count: raw_bytes.clone(),
    });
    let mut raw = BufReader::with_capacity(256 * 1024, inner);
    let head = fill_head(&mut raw).map_err(|e| Error::io(&name, e))?;
    let encoding = sniff_encoding(&head, &name)?;
    // Every encoding, UTF-8 included, goes through the strict decoder: the first byte sequence
    // that is not valid in it (a lone UTF-16 surrogate, invalid UTF-8) is refused where it is.
    let (decoding, skip) = match encoding {
        InputEncoding::Utf8 { bom } => (encoding_rs::UTF_8, if bom { 3 } else { 0 }),
        InputEncoding::Decoded { encoding, bom } => match Encoding::for_bom(&head) {
            Some((e, n)) if bom && e == encoding => (encoding, n),
            _ => (encoding, 0),
        },
    };
    raw.consume(skip);
    let reader: Box<dyn BufRead + Send> = Box::new(DecodeReader::new(raw, decoding, skip as u64));
    Ok(Input {
        reader: Counting::new(reader),
        raw_bytes,
        encoding,
        name,
    })
}

struct CountingRead {
    inner: Box<dyn Read + Send>,
    count: Arc<AtomicU64>,
}

impl Read for CountingRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Peeks at up to [`SNIFF`] bytes without consuming them.
fn fill_head(raw: &mut BufReader<Box<dyn Read + Send>>) -> io::Result<Vec<u8>> {
    // One fill_buf of a fresh BufReader reads as much as one read() returns; files return plenty.
    let buf = raw.fill_buf()?;
    Ok(buf[..buf.len().min(SNIFF)].to_vec())
}

/// Finds the line and column of a byte offset in the UTF-8 form of a file, by reading it again.
/// Used for fatal errors, which happen once; `None` when the file cannot be read again.
pub fn locate_offset(path: &Path, offset: u64) -> Option<(u64, u64)> {
    let mut input = open_input(path).ok()?;
    let mut line = 1;
    let mut column = 1;
    let mut left = offset;
    while left > 0 {
        let buf = input.reader.inner.fill_buf().ok()?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len().min(left as usize);
        let chunk = &buf[..n];
        advance_line_column(&mut line, &mut column, chunk);
        input.reader.inner.consume(n);
        left -= n as u64;
    }
    Some((line, column))
}

/// Describes a quick-xml error in tmkit's words (`expected </term>, found </termSec>`).
pub(crate) fn describe_error(e: &quick_xml::Error) -> String {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    match e {
        quick_xml::Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            format!("expected </{expected}>, found </{found}>")
        }
        quick_xml::Error::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
            format!("</{name}> closes an element that was never opened")
        }
        quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(name)) => {
            format!("<{name}> is never closed (the file may be truncated)")
        }
        quick_xml::Error::Syntax(SyntaxError::UnclosedTag) => {
            "a tag is not closed (the file may be truncated)".to_string()
        }
        other => other.to_string(),
    }
}

/// The first entity a DOCTYPE's internal subset declares, if any.
pub(crate) fn declared_entity(doctype: &str) -> Option<String> {
    let i = doctype.find("<!ENTITY")?;
    let rest = doctype[i + "<!ENTITY".len()..].trim_start();
    let rest = rest.strip_prefix('%').map(str::trim_start).unwrap_or(rest);
    Some(
        rest.split(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_string(),
    )
}

/// Resolves a character reference or one of the five predefined entities; `Err` says why not.
pub(crate) fn resolve_ref(
    r: &quick_xml::events::BytesRef<'_>,
) -> std::result::Result<char, String> {
    let name: &str = r;
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) if is_xml_char(c) => Ok(c),
            _ => Err(format!("&{name}; is not a character XML 1.0 allows")),
        };
    }
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(format!(
            "unknown entity &{name};: only &lt; &gt; &amp; &apos; &quot; and character references \
             are allowed"
        )),
    }
}

/// The `type` (TMX) and `ctype` (XLIFF) of the inline code that stands for a character XML 1.0
/// cannot hold: `<ph type="x-tmkit-char">U+000B</ph>`.
pub const CHAR_CODE_TYPE: &str = "x-tmkit-char";

/// The target of the processing instruction that stands for a character XML 1.0 cannot hold
/// where no inline code can go (notes, properties, terms): `<?tmkit-char U+000B?>`.
pub const CHAR_PI_TARGET: &str = "tmkit-char";

/// Where escaped text goes, which decides how characters XML 1.0 cannot hold are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Element content: `<?tmkit-char U+000B?>`.
    Text,
    /// Segment content (TMX `<seg>` syntax): `<ph type="x-tmkit-char">U+000B</ph>`.
    Segment,
    /// A double-quoted attribute value: the Unicode control picture (not reversed).
    Attr,
}

/// The one escaping routine behind [`escape_text`], [`escape_segment`] and [`escape_attr`].
///
/// Characters XML 1.0 cannot hold are U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE
/// and U+FFFF (a Rust string holds no surrogates). They are stored as given; only their written
/// form differs, by context (see [`Context`]).
fn escape(s: &str, out: &mut String, context: Context) {
    let bytes = s.as_bytes();
    let attr = context == Context::Attr;
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (rep, len): (&str, usize) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' if attr => ("&quot;", 1),
            b'\t' if attr => ("&#x9;", 1),
            b'\n' if attr => ("&#xA;", 1),
            b'\r' => ("&#xD;", 1),
            b'\t' | b'\n' => {
                i += 1;
                continue;
            }
            0..=0x1f => ("", 1),
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[last..i]);
        if rep.is_empty() {
            let c = s[i..]
                .chars()
                .next()
                .expect("a character starts at a matched byte");
            push_char_code(c, out, context);
        } else {
            out.push_str(rep);
        }
        i += len;
        last = i;
    }
    out.push_str(&s[last..]);
}

fn push_char_code(c: char, out: &mut String, context: Context) {
    use std::fmt::Write as _;
    match context {
        Context::Text => {
            let _ = write!(out, "<?{CHAR_PI_TARGET} U+{:04X}?>", c as u32);
        }
        Context::Segment => {
            let _ = write!(out, "<ph type=\"{CHAR_CODE_TYPE}\">U+{:04X}</ph>", c as u32);
        }
        Context::Attr => out.push(control_picture(c)),
    }
}

/// How a character XML 1.0 cannot hold is shown where no code can go (attribute values, the HTML
/// review page): U+0000-U+001F as the Unicode control pictures U+2400-U+241F, U+007F as U+2421,
/// anything else as U+FFFD. Other characters are returned as they are.
pub fn control_picture(c: char) -> char {
    match c as u32 {
        n @ 0..=0x1f => char::from_u32(0x2400 + n).expect("U+2400-U+241F are characters"),
        0x7f => '\u{2421}',
        _ if is_xml_char(c) => c,
        _ => '\u{FFFD}',
    }
}

/// Escapes text for element content: `&`, `<`, `>`, carriage returns (which XML parsers would
/// otherwise turn into line feeds), and each character XML 1.0 cannot hold as the processing
/// instruction `<?tmkit-char U+000B?>`, which tmkit's readers turn back into the character.
pub fn escape_text(s: &str, out: &mut String) {
    escape(s, out, Context::Text);
}

/// Escapes a segment's plain text as TMX `<seg>` content: like [`escape_text`], but each
/// character XML 1.0 cannot hold becomes the inline code `<ph type="x-tmkit-char">U+000B</ph>`,
/// which CAT tools show and keep as a tag and tmkit's readers turn back into the character.
///
/// ```
/// let mut out = String::new();
/// tmkit::formats::escape_segment("a\u{b}<b", &mut out);
/// assert_eq!(out, "a<ph type=\"x-tmkit-char\">U+000B</ph>&lt;b");
/// ```
pub fn escape_segment(s: &str, out: &mut String) {
    escape(s, out, Context::Segment);
}

/// Escapes text for a double-quoted attribute value; tabs and line breaks are written as character
/// references so that attribute-value normalization keeps them. A character XML 1.0 cannot hold
/// is written as its [`control_picture`]; this is not turned back on reading.
pub fn escape_attr(s: &str, out: &mut String) {
    escape(s, out, Context::Attr);
}

/// Whether `s` holds a character XML 1.0 cannot hold.
pub fn has_non_xml_char(s: &str) -> bool {
    s.bytes()
        .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        || (s.contains('\u{FFFE}') || s.contains('\u{FFFF}'))
}

/// The character a tmkit character code's content (`U+000B`) stands for: only characters XML 1.0
/// cannot hold are written that way, so anything else is `None` (an ordinary code).
pub fn parse_char_code(s: &str) -> Option<char> {
    let hex = s.strip_prefix("U+")?;
    if !(4..=6).contains(&hex.len()) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    (!is_xml_char(c)).then_some(c)
}

/// The character a `<?tmkit-char U+000B?>` processing instruction stands for, if it is one.
pub(crate) fn pi_char(pi: &quick_xml::events::BytesPI<'_>) -> Option<char> {
    if pi.target() != CHAR_PI_TARGET {
        return None;
    }
    parse_char_code(pi.content().trim())
}

/// Whether a character may appear in an XML 1.0 document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// What XML 1.0 forbids in a raw attribute value, if anything: a control character, or a
/// character reference to one (`&#1;`, `&#xD800;`).
fn forbidden_in_value(raw: &[u8]) -> Option<String> {
    if let Some(&c) = raw
        .iter()
        .find(|&&b| b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        return Some(format!(
            "character U+{:04X} is not allowed in XML 1.0, so this is not an XML 1.0 file: \
             remove the character or replace it",
            c as u32
        ));
    }
    let mut rest = raw;
    while let Some(i) = memchr::memmem::find(rest, b"&#") {
        rest = &rest[i + 2..];
        let end = memchr::memchr(b';', rest)?;
        let digits = std::str::from_utf8(&rest[..end]).ok()?;
        let value = match digits.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => digits.parse::<u32>().ok(),
        };
        if !value.and_then(char::from_u32).is_some_and(is_xml_char) {
            return Some(format!("&#{digits}; is not a character XML 1.0 allows"));
        }
        rest = &rest[end..];
    }
    None
}

/// An XML event source with its position bookkeeping: every event's start is known as
/// `line:column`, and parser errors are turned into located [`ErrorKind::Xml`] or
/// [`ErrorKind::Encoding`] errors. Shared by the TMX and XLIFF readers.
pub(crate) struct Events {
    pub(crate) reader: quick_xml::Reader<Counting<Box<dyn BufRead + Send>>>,
    pub(crate) name: String,
    path: Option<std::path::PathBuf>,
    /// Line and column where the last event read started.
    mark: (u64, u64),
    /// The limits in force when the input was opened.
    limits: Limits,
    /// Elements open at the current position.
    depth: usize,
    /// Whether a text longer than the segment limit is skipped (and reported by
    /// [`Events::take_truncated`]) rather than refused: for readers that report it as a problem
    /// of one unit.
    pub(crate) skip_long_text: bool,
    truncated: bool,
}

impl Events {
    /// Wraps an opened input; `path` lets fatal errors inside a long event be located exactly.
    pub(crate) fn new(input: Input, path: Option<std::path::PathBuf>) -> Events {
        let mut reader = quick_xml::Reader::from_reader(input.reader);
        let config = reader.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = false;
        config.check_end_names = true;
        config.check_comments = false;
        Events {
            reader,
            name: input.name,
            path,
            mark: (1, 1),
            limits: Limits::current(),
            depth: 0,
            skip_long_text: false,
            truncated: false,
        }
    }

    /// The limits this input is read under.
    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether a text was cut short at the segment limit since the last call (its rest skipped,
    /// the event holding its first part); only when [`Events::skip_long_text`] is set.
    pub(crate) fn take_truncated(&mut self) -> bool {
        std::mem::take(&mut self.truncated)
    }

    /// Reads the next event into `buf` (cleared first).
    pub(crate) fn next<'b>(
        &mut self,
        buf: &'b mut Vec<u8>,
    ) -> Result<quick_xml::events::Event<'b>> {
        buf.clear();
        self.mark = self.reader.get_ref().line_column();
        // No event (a text run, a tag, a comment) is buffered past the segment limit.
        let max = self.limits.max_segment_bytes;
        let counting = self.reader.get_mut();
        let text_next = match counting.fill_buf() {
            Ok(b) => b.first().is_some_and(|&c| c != b'<' && c != b'&'),
            Err(_) => false,
        };
        counting.stop_at = Some(counting.offset().saturating_add(max as u64));
        counting.skip_text = text_next && self.skip_long_text;
        let result = self.reader.read_event_into(buf);
        let counting = self.reader.get_mut();
        counting.stop_at = None;
        self.truncated |= std::mem::take(&mut counting.skipped);
        match result {
            Ok(ev) => {
                match &ev {
                    quick_xml::events::Event::Start(_) => {
                        self.depth += 1;
                        if self.depth > self.limits.max_depth {
                            return Err(self.limit_error(format!(
                                "elements are nested more than {} levels deep: raise the limit \
                                 with --max-depth (or TMKIT_MAX_DEPTH)",
                                self.limits.max_depth
                            )));
                        }
                    }
                    quick_xml::events::Event::End(_) => self.depth = self.depth.saturating_sub(1),
                    _ => {}
                }
                if let quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) = &ev
                {
                    self.check_unique_attributes(e)?;
                }
                Ok(ev)
            }
            Err(quick_xml::Error::Io(io))
                if io.get_ref().is_some_and(|e| e.is::<LimitReached>()) =>
            {
                let what = if text_next {
                    "a text"
                } else {
                    "a tag or comment"
                };
                Err(self.limit_error(format!(
                    "{what} longer than {}, the limit for one segment: raise the limit with \
                     --max-segment-bytes (or TMKIT_MAX_SEGMENT_BYTES)",
                    describe_bytes(max)
                )))
            }
            Err(e) => Err(self.xml_error(&e)),
        }
    }

    /// What to do about a file that is not valid in its encoding.
    fn advice(&self, bad: &DecodeError) -> String {
        if bad.encoding == "UTF-8" {
            "declare the file's real encoding in the XML declaration (encoding=\"...\") or \
             convert it to UTF-8"
                .to_string()
        } else {
            format!(
                "the file is damaged or not in {}: fix the text there, or convert the file to UTF-8",
                bad.encoding
            )
        }
    }

    /// Refuses a start tag that repeats an attribute (`<tu tuid="1" tuid="2">`), which XML 1.0
    /// forbids (well-formedness constraint "Unique Att Spec"), or whose values hold a character
    /// XML 1.0 does not allow, raw or as a reference, whatever the element.
    fn check_unique_attributes(&self, e: &quick_xml::events::BytesStart<'_>) -> Result<()> {
        let mut seen: Vec<&str> = Vec::new();
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|err| ErrorKind::Xml {
                location: self.here(),
                message: err.to_string(),
            })?;
            let key = attr.key.into_inner();
            if let Some(bad) = forbidden_in_value(attr.value.as_bytes()) {
                return Err(ErrorKind::Xml {
                    location: self.here(),
                    message: format!("<{}> attribute {key}: {bad}", e.name().as_ref()),
                }
                .into());
            }
            if seen.contains(&key) {
                return Err(ErrorKind::Xml {
                    location: self.here(),
                    message: format!(
                        "<{}> has the attribute {} twice: remove one of them",
                        e.name().as_ref(),
                        key
                    ),
                }
                .into());
            }
            seen.push(key);
        }
        Ok(())
    }

    /// Refuses the content of an element (started at `start`) that has grown past the segment
    /// limit, however many events it came in: readers call it as they add to a text.
    pub(crate) fn check_length(&self, start: &Location, element: &str, len: usize) -> Result<()> {
        let max = self.limits.max_segment_bytes;
        if len <= max {
            return Ok(());
        }
        Err(ErrorKind::Limit {
            location: start.clone(),
            message: format!(
                "<{element}> is longer than {}, the limit for one segment: raise the limit with \
                 --max-segment-bytes (or TMKIT_MAX_SEGMENT_BYTES)",
                describe_bytes(max)
            ),
        }
        .into())
    }

    /// A located error for input past one of the [`Limits`].
    pub(crate) fn limit_error(&self, message: String) -> Error {
        ErrorKind::Limit {
            location: self.here(),
            message,
        }
        .into()
    }

    /// Where the last event read starts.
    pub(crate) fn here(&self) -> Location {
        Location {
            path: self.name.clone(),
            line: self.mark.0,
            column: self.mark.1,
        }
    }

    /// Whether nothing at all has been read (an empty file).
    pub(crate) fn at_start(&self) -> bool {
        self.reader.get_ref().offset() == 0
    }

    fn locate(&self, offset: u64) -> Location {
        let (line, column) = self
            .path
            .as_deref()
            .and_then(|p| locate_offset(p, offset))
            .unwrap_or(self.mark);
        Location {
            path: self.name.clone(),
            line,
            column,
        }
    }

    fn xml_error(&self, e: &quick_xml::Error) -> Error {
        let location = self.locate(self.reader.error_position());
        match e {
            quick_xml::Error::Encoding(_) => ErrorKind::Encoding {
                location,
                message:
                    "the file is not valid UTF-8: declare its encoding in the XML declaration \
                          or convert it to UTF-8"
                        .to_string(),
            }
            .into(),
            quick_xml::Error::Io(io) if DecodeError::from_io(io).is_some() => {
                let bad = DecodeError::from_io(io).expect("checked just above");
                bad.to_error(&self.name, &self.advice(bad))
            }
            quick_xml::Error::Io(io) => ErrorKind::Encoding {
                location,
                message: format!("cannot read the file: {io}"),
            }
            .into(),
            other => ErrorKind::Xml {
                location,
                message: describe_error(other),
            }
            .into(),
        }
    }

    /// Refuses control characters that XML 1.0 does not allow.
    pub(crate) fn check_chars(&self, s: &str) -> Result<()> {
        let bad = |b: &&u8| **b < b' ' && !matches!(**b, b'\t' | b'\n' | b'\r');
        if let Some(i) = s.as_bytes().iter().position(|b| bad(&b)) {
            let c = s.as_bytes()[i];
            let before = &s.as_bytes()[..i];
            let mut location = self.here();
            advance_line_column(&mut location.line, &mut location.column, before);
            return Err(ErrorKind::Xml {
                location,
                message: format!(
                    "character U+{:04X} is not allowed in XML 1.0, so this is not an XML 1.0 \
                     file: remove the character or replace it (with a space, or an inline code)",
                    c as u32
                ),
            }
            .into());
        }
        Ok(())
    }

    /// The character an entity or character reference stands for (see [`resolve_ref`]), or a
    /// located error.
    pub(crate) fn resolve_ref(&self, r: &quick_xml::events::BytesRef<'_>) -> Result<char> {
        resolve_ref(r).map_err(|message| {
            ErrorKind::Xml {
                location: self.here(),
                message,
            }
            .into()
        })
    }

    /// The attributes of a start tag, values normalized, in document order.
    pub(crate) fn attributes(
        &self,
        e: &quick_xml::events::BytesStart<'_>,
    ) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for attr in e.attributes().with_checks(true) {
            let attr = attr.map_err(|err| ErrorKind::Xml {
                location: self.here(),
                message: err.to_string(),
            })?;
            let key = attr.key.as_ref().to_string();
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| ErrorKind::Xml {
                    location: self.here(),
                    message: format!("attribute {key}: {err}"),
                })?
                .into_owned();
            out.push((key, value));
        }
        Ok(out)
    }
}

/// The format a reader reads, which names its own errors: [`ErrorKind::Tmx`], [`ErrorKind::Tbx`]
/// or [`ErrorKind::Xliff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Tmx,
    Tbx,
    Xliff,
}

/// The XML event source of one format's reader: the shared [`Events`], with the format's own
/// located errors and unit problems. Shared by the TMX, TBX and XLIFF readers.
pub(crate) struct Xml {
    pub(crate) ev: Events,
    format: Format,
}

impl Xml {
    /// Wraps an opened input read as `format` (see [`Events::new`]).
    pub(crate) fn new(input: Input, path: Option<std::path::PathBuf>, format: Format) -> Xml {
        Xml {
            ev: Events::new(input, path),
            format,
        }
    }

    /// Reads the next event into `buf` (cleared first).
    pub(crate) fn next<'b>(
        &mut self,
        buf: &'b mut Vec<u8>,
    ) -> Result<quick_xml::events::Event<'b>> {
        self.ev.next(buf)
    }

    /// Where the last event read starts.
    pub(crate) fn here(&self) -> Location {
        self.ev.here()
    }

    /// A fatal error of the format, located where the last event read starts.
    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        self.error_at(self.here(), message)
    }

    /// A fatal error of the format at `location`.
    pub(crate) fn error_at(&self, location: Location, message: impl Into<String>) -> Error {
        let message = message.into();
        match self.format {
            Format::Tmx => ErrorKind::Tmx { location, message },
            Format::Tbx => ErrorKind::Tbx { location, message },
            Format::Xliff => ErrorKind::Xliff { location, message },
        }
        .into()
    }

    /// A problem of the unit being read, located where the last event read starts.
    pub(crate) fn problem(&self, message: impl Into<String>) -> Problem {
        Problem {
            location: self.here(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_encodings() {
        let cases: &[(&[u8], &str)] = &[
            (b"<?xml version=\"1.0\"?><tmx/>", "UTF-8"),
            (b"\xEF\xBB\xBF<tmx/>", "UTF-8"),
            (b"\xFF\xFE<\0?\0", "UTF-16LE"),
            (b"\xFE\xFF\0<\0?", "UTF-16BE"),
            (b"<\0?\0x\0m\0", "UTF-16LE"),
            (b"\0<\0?\0x\0m", "UTF-16BE"),
            (
                b"<?xml version='1.0' encoding='windows-1254'?>",
                "windows-1254",
            ),
            (
                b"<?xml version=\"1.0\" encoding = \"us-ascii\" ?>",
                "windows-1252",
            ),
            (
                b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>",
                "Shift_JIS",
            ),
            (b"<?xml version=\"1.0\" encoding=\"GB2312\"?>", "GBK"),
            (b"<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "UTF-8"),
            (b"", "UTF-8"),
        ];
        for (head, want) in cases {
            assert_eq!(sniff_encoding(head, "t").unwrap().name(), *want, "{head:?}");
        }
    }

    #[test]
    fn refuses_unknown_and_utf32() {
        let e =
            sniff_encoding(b"<?xml version=\"1.0\" encoding=\"klingon-8\"?>", "f.tmx").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f.tmx:1:1: unknown encoding \"klingon-8\""),
            "{e}"
        );
        assert!(sniff_encoding(b"\xFF\xFE\0\0<\0\0\0", "f").is_err());
    }

    #[test]
    fn counts_lines_and_columns() {
        let text = "ab\ncdé\nf";
        let mut r = Counting::new(text.as_bytes());
        r.consume(3);
        assert_eq!(r.line_column(), (2, 1));
        r.consume(4);
        assert_eq!(r.line_column(), (2, 4), "é is one column");
        r.consume(1);
        assert_eq!(r.line_column(), (3, 1));
        r.consume(1);
        assert_eq!(r.line_column(), (3, 2));
    }

    #[test]
    fn escaping() {
        let cases = [
            (
                "a & b < c > d",
                "a &amp; b &lt; c &gt; d",
                "a &amp; b &lt; c &gt; d",
            ),
            (
                "tab\there\r\n",
                "tab\there&#xD;\n",
                "tab&#x9;here&#xD;&#xA;",
            ),
            ("\"quoted\"", "\"quoted\"", "&quot;quoted&quot;"),
            (
                "v\u{b}f\u{c}\u{0}\u{ffff}é",
                "v<?tmkit-char U+000B?>f<?tmkit-char U+000C?><?tmkit-char U+0000?><?tmkit-char U+FFFF?>é",
                "v\u{240b}f\u{240c}\u{2400}\u{fffd}é",
            ),
        ];
        for (input, text, attr) in cases {
            let mut t = String::new();
            escape_text(input, &mut t);
            assert_eq!(t, text);
            let mut a = String::new();
            escape_attr(input, &mut a);
            assert_eq!(a, attr);
        }
    }

    #[test]
    fn segments_write_codes_that_parse_back() {
        let mut out = String::new();
        escape_segment("a\u{1}\u{fffe}&\u{10ffff}\u{fffd}", &mut out);
        assert_eq!(
            out,
            "a<ph type=\"x-tmkit-char\">U+0001</ph><ph type=\"x-tmkit-char\">U+FFFE</ph>&amp;\u{10ffff}\u{fffd}"
        );
        let table = [
            ("U+000B", Some('\u{b}')),
            ("U+FFFF", Some('\u{ffff}')),
            ("U+0041", None),
            ("U+000b", Some('\u{b}')),
            ("U+B", None),
            ("u+000B", None),
            ("U+D800", None),
            ("U+0000000B", None),
        ];
        for (code, want) in table {
            assert_eq!(parse_char_code(code), want, "{code}");
        }
        assert!(has_non_xml_char("a\u{ffff}") && has_non_xml_char("\u{1f}"));
        assert!(!has_non_xml_char("tab\tcr\r\u{fffd}\u{85}"));
    }
}
