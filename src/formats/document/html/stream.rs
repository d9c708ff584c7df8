//! Reading a page a little at a time: the page decoded to UTF-8 as the tokenizer asks for it, so
//! that extraction holds a few buffers of the page, never the whole page.
//!
//! The encoding is chosen as for a page read whole (`decode::choose`); when the page names none
//! and has no byte-order mark, a first pass checks (without keeping it) whether the whole page is
//! valid UTF-8, as the rule asks, and the page is then read again from its start.
//!
//! The tokenizer gets the decoded text from [`Decoded`], which also copies it into a [`Window`]:
//! the latest part of the decoded text (at least the segment limit), which the walker reads
//! token markup from (the raw text of a text token, the quotes around an attribute value), and
//! which locates a position as `line:column` for messages.

use std::cell::RefCell;
use std::io::{self, Read};
use std::rc::Rc;

use encoding_rs::{CoderResult, Decoder};

/// The most bytes read or decoded at once.
const CHUNK: usize = 64 << 10;

/// The latest part of the decoded text.
#[derive(Debug)]
pub(super) struct Window {
    text: Vec<u8>,
    /// The position (in the decoded text) of `text[0]`.
    base: usize,
    /// At least this many bytes are kept behind the end.
    keep: usize,
    /// A position at or after `base` and the line and column (in characters, 1-based) there.
    at: usize,
    line: u64,
    column: u64,
}

impl Window {
    pub(super) fn new(keep: usize) -> Window {
        let keep = keep.max(CHUNK);
        Window {
            // Allocated once: grown, it would be copied to new memory several times.
            text: Vec::with_capacity(2 * keep + CHUNK),
            base: 0,
            keep,
            at: 0,
            line: 1,
            column: 1,
        }
    }

    /// The length of the decoded text read so far.
    pub(super) fn len(&self) -> usize {
        self.base + self.text.len()
    }

    /// The decoded bytes `start..end`, if they are still in the window.
    pub(super) fn get(&self, start: usize, end: usize) -> Option<&[u8]> {
        let (s, e) = (start.checked_sub(self.base)?, end.checked_sub(self.base)?);
        self.text.get(s..e)
    }

    fn append(&mut self, bytes: &[u8]) {
        self.text.extend_from_slice(bytes);
        // Dropped by halves, so that each byte is moved about once.
        if self.text.len() > 2 * self.keep {
            let cut = self.text.len() - self.keep;
            self.advance(self.base + cut);
            self.text.drain(..cut);
            self.base += cut;
        }
    }

    fn advance(&mut self, to: usize) {
        let to = to.min(self.len());
        if to <= self.at {
            return;
        }
        let seg = &self.text[self.at - self.base..to - self.base];
        let chars = |b: &[u8]| b.iter().filter(|&&c| (c as i8) >= -0x40).count() as u64;
        match memchr::memrchr(b'\n', seg) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', seg).count() as u64;
                self.column = 1 + chars(&seg[last + 1..]);
            }
            None => self.column += chars(seg),
        }
        self.at = to;
    }

    /// The line and column of position `pos`; of the earliest position still known when `pos`
    /// is no longer in the window.
    pub(super) fn locate(&mut self, pos: usize) -> (u64, u64) {
        self.advance(pos);
        (self.line, self.column)
    }
}

/// The page decoded to UTF-8 for the tokenizer (an html5gum reader).
pub(super) struct Decoded<'r> {
    input: &'r mut dyn Read,
    decoder: Decoder,
    raw: Box<[u8]>,
    raw_at: usize,
    raw_len: usize,
    input_done: bool,
    done: bool,
    buf: Box<[u8]>,
    at: usize,
    len: usize,
    window: Rc<RefCell<Window>>,
}

impl<'r> Decoded<'r> {
    /// Reads `input` (positioned after the byte-order mark) with `decoder`.
    pub(super) fn new(
        input: &'r mut dyn Read,
        decoder: Decoder,
        window: Rc<RefCell<Window>>,
    ) -> Decoded<'r> {
        Decoded {
            input,
            decoder,
            raw: vec![0; CHUNK].into_boxed_slice(),
            raw_at: 0,
            raw_len: 0,
            input_done: false,
            done: false,
            // Room for a chunk decoded (UTF-8 takes at most three bytes for a byte of any
            // encoding) and what is left of the last one.
            buf: vec![0; 4 * CHUNK].into_boxed_slice(),
            at: 0,
            len: 0,
            window,
        }
    }

    /// Makes at least `min` decoded bytes available, unless the page ends first.
    #[cold]
    fn fill(&mut self, min: usize) -> io::Result<()> {
        self.buf.copy_within(self.at..self.len, 0);
        self.len -= self.at;
        self.at = 0;
        while self.len < min && !self.done {
            if self.raw_at == self.raw_len && !self.input_done {
                let n = loop {
                    match self.input.read(&mut self.raw) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        r => break r?,
                    }
                };
                self.raw_at = 0;
                self.raw_len = n;
                self.input_done = n == 0;
            }
            let last = self.input_done;
            let room = &mut self.buf[self.len..];
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.raw[self.raw_at..self.raw_len], room, last);
            self.raw_at += read;
            self.window
                .borrow_mut()
                .append(&self.buf[self.len..self.len + written]);
            self.len += written;
            if last && result == CoderResult::InputEmpty {
                self.done = true;
            }
        }
        Ok(())
    }
}

impl html5gum::Reader for Decoded<'_> {
    type Error = io::Error;

    #[inline(always)]
    fn read_byte(&mut self) -> io::Result<Option<u8>> {
        if self.at == self.len {
            self.fill(1)?;
            if self.at == self.len {
                return Ok(None);
            }
        }
        let b = self.buf[self.at];
        self.at += 1;
        Ok(Some(b))
    }

    #[inline(always)]
    fn try_read_string(&mut self, s: &[u8], case_sensitive: bool) -> io::Result<bool> {
        if self.len - self.at < s.len() {
            self.fill(s.len())?;
        }
        let have = &self.buf[self.at..self.len.min(self.at + s.len())];
        if have == s || (!case_sensitive && have.eq_ignore_ascii_case(s)) {
            self.at += s.len();
            Ok(true)
        } else {
            Ok(false)
        }
    }

    #[inline(always)]
    fn read_until<'b>(
        &'b mut self,
        needle: &[u8],
        char_buf: &'b mut [u8; 4],
    ) -> io::Result<Option<&'b [u8]>> {
        if self.len - self.at < 4 {
            self.fill(4)?;
        }
        if self.at == self.len {
            return Ok(None);
        }
        // html5gum's own search over a slice, on what is buffered.
        let n = {
            let mut slice = html5gum::Readable::to_reader(&self.buf[self.at..self.len]);
            match html5gum::Reader::read_until(&mut slice, needle, char_buf) {
                Ok(Some(chunk)) => chunk.len(),
                Ok(None) => 0,
                Err(never) => match never {},
            }
        };
        let chunk = &self.buf[self.at..self.at + n];
        self.at += n;
        Ok(Some(chunk))
    }
}

/// Whether everything `input` still holds is valid UTF-8 (read to its end, a chunk at a time).
pub(super) fn is_utf8(input: &mut dyn Read) -> io::Result<bool> {
    let mut buf = vec![0u8; CHUNK + 4];
    let mut carry = 0;
    loop {
        let n = match input.read(&mut buf[carry..carry + CHUNK]) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => r?,
        };
        if n == 0 {
            return Ok(carry == 0);
        }
        let have = carry + n;
        match simdutf8::compat::from_utf8(&buf[..have]) {
            Ok(_) => carry = 0,
            // A character cut by the end of the chunk: kept for the next one.
            Err(e) if e.error_len().is_none() => {
                let from = e.valid_up_to();
                buf.copy_within(from..have, 0);
                carry = have - from;
            }
            Err(_) => return Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_checked_across_chunk_boundaries() {
        let mut text = "a".repeat(CHUNK - 1);
        text.push('é');
        text.push_str(&"日本".repeat(CHUNK));
        assert!(is_utf8(&mut text.as_bytes()).unwrap());
        let mut bad = text.clone().into_bytes();
        bad.push(0xe9);
        assert!(!is_utf8(&mut bad.as_slice()).unwrap());
        let mut cut = text.into_bytes();
        cut.truncate(CHUNK);
        assert!(!is_utf8(&mut cut.as_slice()).unwrap());
    }

    #[test]
    fn the_window_locates_positions_and_forgets_old_text() {
        let mut w = Window::new(0);
        w.append("ab\u{e9}\nxy".as_bytes());
        assert_eq!(w.locate(5), (2, 1));
        assert_eq!(w.locate(6), (2, 2));
        assert_eq!(w.get(4, 6), Some(b"\nx".as_slice()));
        w.append(&vec![b'z'; 3 * CHUNK]);
        assert!(w.get(0, 1).is_none());
        assert_eq!(w.len(), 7 + 3 * CHUNK);
        // Positions no longer held are located at the earliest one still known.
        let (line, column) = w.locate(7 + 3 * CHUNK);
        assert_eq!((line, column), (2, 3 + 3 * CHUNK as u64));
    }
}
