//! Strict streaming decoding to UTF-8: a reader that transcodes (or, for UTF-8, validates) a byte
//! stream and stops at the first byte sequence that is not valid in its encoding, saying where it
//! is, instead of putting U+FFFD in its place.
//!
//! Used by every reader of text files (XML, delimited glossaries) so that a lone UTF-16 surrogate,
//! a byte that is not Shift_JIS or invalid UTF-8 is refused with the same located message
//! everywhere. Depends only on `error` and `bits`.

use std::cell::Cell;
use std::io::{self, BufRead, Read};

use encoding_rs::{DecoderResult, Encoding};

pub use crate::error::DecodeError;

/// Finds the first invalid sequence of `bytes` in `encoding` (a byte-order mark is the caller's
/// business): `None` when all of it decodes. The text before the error gives its line and column.
pub fn check_bytes(bytes: &[u8], encoding: &'static Encoding, base: u64) -> Option<DecodeError> {
    let mut r = DecodeReader::new(bytes, encoding, base);
    let mut sink = Vec::new();
    match r.read_to_end(&mut sink) {
        Ok(_) => None,
        Err(e) => DecodeError::from_io(&e).cloned(),
    }
}

/// The error for `bytes` read from `name`, which are not all UTF-8: at the first byte that is not
/// (`name:line:column`, with its byte offset), followed by `advice`.
pub fn not_utf8(bytes: &[u8], name: &str, advice: &str) -> crate::Error {
    if let Some(bad) = check_bytes(bytes, encoding_rs::UTF_8, 0) {
        return bad.to_error(name, advice);
    }
    // Not reached for bytes that are not UTF-8; said plainly if it ever is.
    let offset = std::str::from_utf8(bytes)
        .err()
        .map_or(bytes.len(), |e| e.valid_up_to());
    crate::ErrorKind::Encoding {
        location: crate::error::Location::of_byte(name, bytes, offset),
        message: format!("byte offset {offset} is not valid UTF-8: {advice}"),
    }
    .into()
}

/// `bytes` as UTF-8 text, or [`not_utf8`]'s error.
pub fn utf8<'a>(bytes: &'a [u8], name: &str, advice: &str) -> crate::Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|_| not_utf8(bytes, name, advice))
}

/// A [`BufRead`] of UTF-8 decoded strictly from a byte stream in any encoding encoding_rs knows.
///
/// The first invalid sequence makes `fill_buf` fail with an `InvalidData` error carrying a
/// [`DecodeError`] (after the valid text before it has been handed out).
pub struct DecodeReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: &'static Encoding,
    out: Vec<u8>,
    pos: usize,
    /// Bytes of the stream before the current input consumed so far (starts at `base`).
    raw_offset: u64,
    /// Line and column after the decoded text produced so far.
    line: u64,
    column: u64,
    eof: bool,
    failed: Option<DecodeError>,
    /// The last bytes of input consumed (at most four), to show a sequence cut across chunks.
    tail: Vec<u8>,
    /// UTF-8 only: the start of a sequence cut at the end of the last chunk.
    pending: Vec<u8>,
    /// Line and column of `out[read_counted]` (see [`DecodeReader::line_column`]): the text
    /// handed out is counted only when a position is asked for, or when the chunk is done, in
    /// runs rather than at every `consume`. Cells, so that a position is told through `&self`.
    read_line: Cell<u64>,
    read_column: Cell<u64>,
    read_counted: Cell<usize>,
    /// A place in `out` whose position may be asked for later (see [`DecodeReader::set_mark`]),
    /// and its position once counted.
    mark: Option<usize>,
    mark_position: Cell<Option<(u64, u64)>>,
}

const OUT: usize = 64 * 1024;

impl<R: BufRead> DecodeReader<R> {
    /// Decodes `inner`, which starts at byte `base` of the file (after a byte-order mark, say).
    pub fn new(inner: R, encoding: &'static Encoding, base: u64) -> Self {
        DecodeReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            encoding,
            out: Vec::with_capacity(OUT),
            pos: 0,
            raw_offset: base,
            line: 1,
            column: 1,
            eof: false,
            failed: None,
            tail: Vec::new(),
            pending: Vec::new(),
            read_line: Cell::new(1),
            read_column: Cell::new(1),
            read_counted: Cell::new(0),
            mark: None,
            mark_position: Cell::new(Some((1, 1))),
        }
    }

    /// Counts `out[read_counted..end]`.
    fn count_to(&self, end: usize) {
        let (mut line, mut column) = (self.read_line.get(), self.read_column.get());
        crate::bits::advance_line_column(
            &mut line,
            &mut column,
            &self.out[self.read_counted.get()..end],
        );
        self.read_line.set(line);
        self.read_column.set(column);
        self.read_counted.set(end);
    }

    /// Counts up to the mark, if it is not counted yet (before anything past it is).
    fn count_mark(&self) -> Option<(u64, u64)> {
        if self.mark_position.get().is_none()
            && let Some(at) = self.mark
        {
            self.count_to(at);
            self.mark_position
                .set(Some((self.read_line.get(), self.read_column.get())));
        }
        self.mark_position.get()
    }

    /// Line and column (1-based, columns in characters) of the next byte to be read.
    pub fn line_column(&self) -> (u64, u64) {
        self.count_mark();
        self.count_to(self.pos.min(self.out.len()));
        (self.read_line.get(), self.read_column.get())
    }

    /// Marks the next byte to be read: [`DecodeReader::mark_line_column`] tells its position,
    /// counted only if it is asked for (a parser marks every event, and asks for the position of
    /// few). A new mark replaces the last.
    pub fn set_mark(&mut self) {
        self.mark = Some(self.pos.min(self.out.len()));
        self.mark_position.set(None);
    }

    /// Line and column of the mark (see [`DecodeReader::set_mark`]); 1:1 before any mark.
    pub fn mark_line_column(&self) -> (u64, u64) {
        self.count_mark()
            .expect("a mark is counted when asked for or when its chunk is done")
    }

    fn count(&mut self, text: &[u8]) {
        crate::error::advance_line_column(&mut self.line, &mut self.column, text);
    }

    /// Decodes the next chunk into `out`; returns false at the end of the stream.
    #[inline(never)]
    fn refill(&mut self) -> io::Result<()> {
        // The chunk is done (all of it was read): count the mark and what was not yet.
        self.line_column();
        self.read_counted.set(0);
        self.mark = None;
        if self.encoding == encoding_rs::UTF_8 {
            return self.refill_utf8();
        }
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && !self.eof {
            if let Some(e) = &self.failed {
                return Err(io::Error::new(io::ErrorKind::InvalidData, e.clone()));
            }
            let src = self.inner.fill_buf()?;
            let last = src.is_empty();
            self.out.resize(OUT, 0);
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(src, &mut self.out, last);
            if let DecoderResult::Malformed(bad, extra) = result {
                let (bad, extra) = (usize::from(bad), usize::from(extra));
                // A sequence cut at the end of the stream may have started in an earlier chunk:
                // look at the last bytes of that one too.
                let mut seen = self.tail.clone();
                seen.extend_from_slice(&src[..read]);
                let end = seen.len() - extra.min(seen.len());
                let start = end - bad.min(end);
                let bytes = seen[start..end].to_vec();
                let offset = (self.raw_offset + read as u64) - (bad + extra) as u64;
                self.count_written(written);
                self.failed = Some(DecodeError {
                    encoding: self.encoding.name(),
                    offset,
                    line: self.line,
                    column: self.column,
                    bytes: bytes.into_iter().take(4).collect(),
                });
            } else {
                self.count_written(written);
            }
            self.out.truncate(written);
            let src = self.inner.fill_buf()?;
            if read >= 4 {
                self.tail.clear();
            }
            self.tail
                .extend_from_slice(&src[read.saturating_sub(4)..read]);
            let cut = self.tail.len().saturating_sub(4);
            self.tail.drain(..cut);
            self.inner.consume(read);
            self.raw_offset += read as u64;
            if last && matches!(result, DecoderResult::InputEmpty) {
                self.eof = true;
            }
        }
        Ok(())
    }

    /// UTF-8 needs no transcoding, only validation: the standard library's validator (optimized
    /// even in debug builds) checks a copy of each chunk, and an incomplete sequence at the end of a
    /// chunk waits in `pending` for the rest.
    fn refill_utf8(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && !self.eof {
            if let Some(e) = &self.failed {
                return Err(io::Error::new(io::ErrorKind::InvalidData, e.clone()));
            }
            let src = self.inner.fill_buf()?;
            let last = src.is_empty();
            let take = src.len().min(OUT);
            // File offset of out[0].
            let base = self.raw_offset - self.pending.len() as u64;
            self.out.extend_from_slice(&self.pending);
            self.out.extend_from_slice(&src[..take]);
            self.pending.clear();
            self.inner.consume(take);
            self.raw_offset += take as u64;
            // The vectorized check first: nearly every buffer is valid. One that fails it (most
            // often only because a character is cut at its end) is checked by the vectorized
            // check that says where, as the standard library's does at many times the cost.
            if simdutf8::basic::from_utf8(&self.out).is_err()
                && let Err(e) = simdutf8::compat::from_utf8(&self.out)
            {
                let valid = e.valid_up_to();
                match e.error_len() {
                    None if !last => {
                        self.pending.extend_from_slice(&self.out[valid..]);
                        self.out.truncate(valid);
                    }
                    bad => {
                        let bad = bad.unwrap_or(self.out.len() - valid);
                        let bytes = self.out[valid..valid + bad].to_vec();
                        self.out.truncate(valid);
                        self.count_written(valid);
                        self.failed = Some(DecodeError {
                            encoding: self.encoding.name(),
                            offset: base + valid as u64,
                            line: self.line,
                            column: self.column,
                            bytes,
                        });
                        continue;
                    }
                }
            }
            let n = self.out.len();
            self.count_written(n);
            if last {
                self.eof = true;
            }
        }
        Ok(())
    }

    fn count_written(&mut self, written: usize) {
        let out = std::mem::take(&mut self.out);
        self.count(&out[..written]);
        self.out = out;
    }
}

impl<R: BufRead> Read for DecodeReader<R> {
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

impl<R: BufRead> BufRead for DecodeReader<R> {
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.out.len() {
            self.refill()?;
        }
        Ok(&self.out[self.pos..])
    }

    #[inline]
    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    #[test]
    fn valid_text_passes_through() {
        let cases: [(&[u8], &'static Encoding, &str); 4] = [
            ("a\nbé".as_bytes(), encoding_rs::UTF_8, "a\nbé"),
            (b"caf\xe9", encoding_rs::WINDOWS_1252, "café"),
            (b"\x82\xa0", encoding_rs::SHIFT_JIS, "あ"),
            (b"", encoding_rs::UTF_16LE, ""),
        ];
        for (bytes, enc, want) in cases {
            let mut out = String::new();
            DecodeReader::new(bytes, enc, 0)
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, want);
            assert_eq!(check_bytes(bytes, enc, 0), None);
        }
        let mut out = String::new();
        DecodeReader::new(&utf16le("日本\n語")[..], encoding_rs::UTF_16LE, 0)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "日本\n語");
    }

    #[test]
    fn the_first_bad_sequence_is_located() {
        let mut lone = utf16le("ab\ncd");
        lone.splice(8..8, [0x00, 0xD8]);
        lone.extend(utf16le("ef"));
        /// (input, encoding, offset of the input in the file, (offset, line, column), cause)
        type Case = (
            Vec<u8>,
            &'static Encoding,
            u64,
            (u64, u64, u64),
            &'static str,
        );
        let cases: [Case; 5] = [
            (
                b"ok\ncaf\xe9 x".to_vec(),
                encoding_rs::UTF_8,
                0,
                (6, 2, 4),
                "byte E9 is not valid UTF-8 (byte offset 6)",
            ),
            (
                b"ab\xf0\x9f".to_vec(),
                encoding_rs::UTF_8,
                3,
                (5, 1, 3),
                "bytes F0 9F are not valid UTF-8 (byte offset 5)",
            ),
            (
                lone,
                encoding_rs::UTF_16LE,
                2,
                (10, 2, 2),
                "a lone UTF-16 surrogate (0xD800), which is not a character (byte offset 10)",
            ),
            (
                b"x\n\x81\x20".to_vec(),
                encoding_rs::SHIFT_JIS,
                0,
                (2, 2, 1),
                "byte 81 is not valid Shift_JIS (byte offset 2)",
            ),
            (
                utf16le("a").into_iter().chain([0x41]).collect(),
                encoding_rs::UTF_16LE,
                0,
                (2, 1, 2),
                "an odd byte at the end of UTF-16 text (byte offset 2)",
            ),
        ];
        for (bytes, enc, base, (offset, line, column), cause) in cases {
            let e = check_bytes(&bytes, enc, base).expect("an error");
            assert_eq!(
                (e.offset, e.line, e.column),
                (offset, line, column),
                "{bytes:?}"
            );
            assert_eq!(e.cause(), cause);
        }
    }

    #[test]
    fn utf8_sequences_cut_between_chunks_are_joined() {
        // A reader that hands out one byte at a time cuts every multi-byte sequence.
        let text = "é日本語😀\nok";
        let bytes = std::io::BufReader::with_capacity(1, text.as_bytes());
        let mut out = String::new();
        DecodeReader::new(bytes, encoding_rs::UTF_8, 0)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
        let mut bad = "日本\n語".as_bytes().to_vec();
        bad.extend_from_slice(b"\xE6\x97");
        let reader = std::io::BufReader::with_capacity(1, &bad[..]);
        let e = DecodeReader::new(reader, encoding_rs::UTF_8, 0)
            .read_to_string(&mut String::new())
            .unwrap_err();
        let e = DecodeError::from_io(&e).unwrap();
        assert_eq!((e.offset, e.line, e.column), (10, 2, 2));
        assert_eq!(e.bytes, [0xE6, 0x97]);
    }

    #[test]
    fn an_error_deep_in_a_large_input_is_located() {
        let mut text = "line of text\n".repeat(20_000).into_bytes();
        let at = text.len();
        text.extend_from_slice(b"abc\xff");
        let e = check_bytes(&text, encoding_rs::UTF_8, 0).unwrap();
        assert_eq!((e.offset, e.line, e.column), (at as u64 + 3, 20_001, 4));
    }
}
