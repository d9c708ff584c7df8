//! Shared XML plumbing for the TMX, TBX and XLIFF readers and writers: the input, opened and
//! decoded to UTF-8 (`input.rs`), escaping and the characters XML 1.0 cannot hold (`escape.rs`),
//! and the event source that locates every event and error as `path:line:column`.

mod escape;
mod input;

use std::io::BufRead;

pub(crate) use escape::pi_char;
pub use escape::{
    CHAR_CODE_TYPE, CHAR_PI_TARGET, control_picture, escape_attr, escape_segment, escape_text,
    has_non_xml_char, is_xml_char, parse_char_code,
};
pub use input::{
    Counting, Decoded, Input, InputEncoding, input_from_reader, locate_offset, open_input,
    sniff_encoding,
};

use self::escape::forbidden_in_value;
use self::input::LimitReached;
use crate::error::advance_line_column;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::formats::Problem;
use crate::formats::decode::DecodeError;
use crate::model::Limits;
use crate::model::limits::describe_bytes;

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

/// An XML event source with its position bookkeeping: every event's start is known as
/// `line:column`, and parser errors are turned into located [`ErrorKind::Xml`] or
/// [`ErrorKind::Encoding`] errors. Shared by the TMX and XLIFF readers.
pub(crate) struct Events {
    pub(crate) reader: quick_xml::Reader<Counting<Decoded>>,
    pub(crate) name: String,
    path: Option<std::path::PathBuf>,
    /// The limits in force when the input was opened.
    limits: Limits,
    /// Elements open at the current position.
    depth: usize,
    /// Whether a text longer than the segment limit is skipped (and reported by
    /// [`Events::take_truncated`]) rather than refused: for readers that report it as a problem
    /// of one unit.
    pub(crate) skip_long_text: bool,
    truncated: bool,
    /// The attributes of the last start tag read, as [`Events::next`] found them when it checked
    /// them: so that [`Events::attributes`] does not parse the tag a second time.
    spans: AttrSpans,
}

/// Where the attributes of a start tag are in its text (`BytesStart`'s `Deref`): each key's and raw
/// value's byte range, in document order. `tag` is the address and length of the text they were
/// found in, so that they are only used for that tag.
#[derive(Default)]
struct AttrSpans {
    tag: (usize, usize),
    spans: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

impl AttrSpans {
    fn of(content: &str) -> (usize, usize) {
        (content.as_ptr() as usize, content.len())
    }
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
            limits: Limits::current(),
            depth: 0,
            skip_long_text: false,
            truncated: false,
            spans: AttrSpans::default(),
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
        self.spans.tag = (0, 0);
        // Where the event starts: counted only if asked for (see `Events::here`).
        self.reader.get_mut().set_mark();
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
    fn check_unique_attributes(&mut self, e: &quick_xml::events::BytesStart<'_>) -> Result<()> {
        // The names seen so far: the first few on the stack (elements have a handful).
        let mut few: [&str; 8] = [""; 8];
        let mut n = 0;
        let mut more: Vec<&str> = Vec::new();
        let content: &str = e;
        let base = content.as_ptr() as usize;
        // Cleared first: a tag refused half-way leaves no spans that look like its own.
        self.spans.tag = (0, 0);
        self.spans.spans.clear();
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|err| ErrorKind::Xml {
                location: self.here(),
                message: err.to_string(),
            })?;
            let key = attr.key.into_inner();
            // Keys and values are slices of the tag's text (quick-xml borrows them).
            if let std::borrow::Cow::Borrowed(value) = &attr.value {
                let at = |s: &str| s.as_ptr() as usize - base;
                self.spans.spans.push((
                    at(key)..at(key) + key.len(),
                    at(value)..at(value) + value.len(),
                ));
            }
            if let Some(bad) = forbidden_in_value(attr.value.as_bytes()) {
                return Err(ErrorKind::Xml {
                    location: self.here(),
                    message: format!("<{}> attribute {key}: {bad}", e.name().as_ref()),
                }
                .into());
            }
            if few[..n].contains(&key) || more.contains(&key) {
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
            if n < few.len() {
                few[n] = key;
                n += 1;
            } else {
                more.push(key);
            }
        }
        if self.spans.spans.len() == n + more.len() {
            self.spans.tag = AttrSpans::of(content);
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
        self.at(self.mark())
    }

    /// Line and column where the last event read starts: what [`Events::here`] says, kept without
    /// building a [`Location`] until one is needed (see [`Events::at`]).
    pub(crate) fn mark(&self) -> (u64, u64) {
        self.reader.get_ref().mark_line_column()
    }

    /// The location of a [`Events::mark`] in this input.
    pub(crate) fn at(&self, (line, column): (u64, u64)) -> Location {
        Location {
            path: self.name.clone(),
            line,
            column,
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
            .unwrap_or_else(|| self.mark());
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
        let found = first_forbidden_control(s.as_bytes());
        if let Some(i) = found {
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

    /// The attributes of a start tag read by [`Events::next`], values normalized, in document
    /// order.
    pub(crate) fn attributes(
        &self,
        e: &quick_xml::events::BytesStart<'_>,
    ) -> Result<Vec<(String, String)>> {
        let content: &str = e;
        if self.spans.tag == AttrSpans::of(content) {
            // The tag `next` just read and checked: its attributes are where it found them.
            let mut out = Vec::with_capacity(self.spans.spans.len());
            for (key, value) in &self.spans.spans {
                let attr = quick_xml::events::attributes::Attribute {
                    key: quick_xml::name::QName(&content[key.clone()]),
                    value: std::borrow::Cow::Borrowed(&content[value.clone()]),
                };
                out.push(self.owned(attr)?);
            }
            return Ok(out);
        }
        let mut out = Vec::new();
        // No check for repeated names: `next` refused the tag if it had any.
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|err| ErrorKind::Xml {
                location: self.here(),
                message: err.to_string(),
            })?;
            out.push(self.owned(attr)?);
        }
        Ok(out)
    }

    /// An attribute's name and normalized value.
    fn owned(
        &self,
        attr: quick_xml::events::attributes::Attribute<'_>,
    ) -> Result<(String, String)> {
        let key = attr.key.as_ref().to_string();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| ErrorKind::Xml {
                location: self.here(),
                message: format!("attribute {key}: {err}"),
            })?
            .into_owned();
        Ok((key, value))
    }
}

/// Where the first byte below a space other than tab, line feed and carriage return is (the
/// control characters XML 1.0 does not allow), eight bytes at a time: a word with a byte below a
/// space (the line feed of nearly every run of white space between tags) is looked into with
/// exact byte masks, not byte by byte.
fn first_forbidden_control(bytes: &[u8]) -> Option<usize> {
    use crate::bits::{below_mask, byte_mask, has_below};
    let bad = |w: u64| {
        below_mask(w, b' ') & !(byte_mask(w, b'\t') | byte_mask(w, b'\n') | byte_mask(w, b'\r'))
    };
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("chunks of eight bytes"));
        if has_below(w, b' ') {
            let m = bad(w);
            if m != 0 {
                return Some(at + (m.trailing_zeros() / 8) as usize);
            }
        }
        at += 8;
    }
    // The last bytes, padded with spaces.
    let rest = words.remainder();
    let mut last = [b' '; 8];
    last[..rest.len()].copy_from_slice(rest);
    let m = bad(u64::from_le_bytes(last));
    (m != 0).then(|| at + (m.trailing_zeros() / 8) as usize)
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
    fn the_first_forbidden_control_is_the_one_a_loop_over_the_bytes_finds() {
        let texts: [&[u8]; 9] = [
            b"",
            b"\n      ",
            b"\t\r\n plain text, no control character at all",
            b"\x01",
            b"abcdefg\x1f",
            b"abcdefgh\x00ijk",
            "中国和日本\x0b可以".as_bytes(),
            b"\n\t\r\x7f\x1b after the allowed ones",
            b"01234567\n\n\n\n\n\n\n\n\x08",
        ];
        for t in texts {
            // Every start, so that the forbidden byte falls at every place in a word.
            for from in 0..=t.len() {
                let t = &t[from..];
                let want = t
                    .iter()
                    .position(|&b| b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r'));
                assert_eq!(first_forbidden_control(t), want, "{t:?}");
            }
        }
    }
}
