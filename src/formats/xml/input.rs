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
use crate::formats::decode::DecodeReader;

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

/// A reader that counts what has been consumed, and (over a [`DecodeReader`], which counts lines
/// and columns) says the parser's position at an event boundary as `line:column`.
pub struct Counting<R> {
    inner: R,
    consumed: u64,
    /// Reading at or past this offset fails with [`LimitReached`], or with `skip_text` skips to
    /// the next markup (set around one event, so that a huge text or tag is refused before it
    /// is buffered whole).
    pub(super) stop_at: Option<u64>,
    pub(super) skip_text: bool,
    /// Whether the rest of a text run was skipped at `stop_at`.
    pub(super) skipped: bool,
}

/// The I/O error [`Counting`] gives at its stop offset.
#[derive(Debug)]
pub(super) struct LimitReached;

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

    /// [`BufRead::fill_buf`] when more is buffered than the `left` bytes before the stop: what
    /// may still be read, ending on a character boundary; at the stop itself, [`LimitReached`],
    /// or with `skip_text` the rest of the text run skipped.
    #[cold]
    #[inline(never)]
    fn fill_to_stop(&mut self, left: usize) -> io::Result<&[u8]> {
        let allowed = {
            let buf = self.inner.fill_buf()?;
            let mut n = left;
            while n > 0 && (buf[n] & 0xC0) == 0x80 {
                n -= 1;
            }
            n
        };
        if allowed > 0 {
            return Ok(&self.inner.fill_buf()?[..allowed]);
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
}

impl<R: BufRead> Counting<DecodeReader<R>> {
    /// Line and column (1-based, columns in characters) of the next byte to be read.
    pub fn line_column(&self) -> (u64, u64) {
        self.inner.line_column()
    }

    /// Marks the next byte to be read (see [`DecodeReader::set_mark`]).
    pub fn set_mark(&mut self) {
        self.inner.set_mark();
    }

    /// Line and column of the last mark (see [`DecodeReader::mark_line_column`]).
    pub fn mark_line_column(&self) -> (u64, u64) {
        self.inner.mark_line_column()
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
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if let Some(stop) = self.stop_at {
            let left = stop.saturating_sub(self.consumed);
            // Nearly always all that is buffered may be read (the stop is a segment's length
            // ahead): one comparison, and the buffer as it is.
            if self.inner.fill_buf()?.len() as u64 > left {
                return self.fill_to_stop(left as usize);
            }
        }
        self.inner.fill_buf()
    }

    #[inline]
    fn consume(&mut self, amt: usize) {
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

/// The decoded UTF-8 stream of an input: a concrete type, so that the parser's many small reads
/// of it compile to inline code.
pub type Decoded = DecodeReader<BufReader<Box<dyn Read + Send>>>;

/// An open XML input: a UTF-8 stream plus what is needed to locate errors in it.
pub struct Input {
    /// The decoded UTF-8 stream, counting lines and columns for error locations.
    pub reader: Counting<Decoded>,
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
    let reader = DecodeReader::new(raw, decoding, skip as u64);
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
        let mut r = Counting::new(DecodeReader::new(text.as_bytes(), encoding_rs::UTF_8, 0));
        r.fill_buf().unwrap();
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
    fn positions_are_counted_across_chunks() {
        // Chunks of one to seven bytes cut lines and characters everywhere.
        let text = "<a>é日本\n語😀</a>\n  <b x=\"1\">\ntext\n</b>";
        for size in 1..8 {
            let bytes = BufReader::with_capacity(size, text.as_bytes());
            let mut r = Counting::new(DecodeReader::new(bytes, encoding_rs::UTF_8, 0));
            let mut at = 0;
            loop {
                // A mark, asked for (or not) only after more is read, past the chunk it was in.
                r.set_mark();
                let marked = Location::of_byte("t", text.as_bytes(), at);
                let n = r.fill_buf().unwrap().len().min(3);
                if n == 0 {
                    break;
                }
                r.consume(n);
                at += n;
                if r.fill_buf().unwrap().len() > 1 {
                    r.consume(1);
                    at += 1;
                }
                if at % 2 == 0 {
                    assert_eq!(
                        r.mark_line_column(),
                        (marked.line, marked.column),
                        "{size}: {at}"
                    );
                }
                let want = Location::of_byte("t", text.as_bytes(), at);
                assert_eq!(r.line_column(), (want.line, want.column), "{size}: {at}");
            }
            assert_eq!(at, text.len());
        }
    }
}
