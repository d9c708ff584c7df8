//! The segment workflow: load SRX rules (the built-in ones or a file), pick the rules for a
//! language, decode the input and segment it.
//!
//! Combines `formats::srx` (reading rules) and `text` (the engine); never prints.

use std::borrow::Cow;
use std::path::Path;
use std::sync::OnceLock;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::formats::srx;
use crate::model::Limits;
use crate::model::limits::describe_bytes;
use crate::text::segment::{self, Segment};
use crate::text::srx::{Engine, RuleSet};

/// The engine for the built-in rules, parsed once per process.
pub fn default_engine() -> Result<&'static Engine> {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    if let Some(e) = ENGINE.get() {
        return Ok(e);
    }
    let rules = srx::default_rules()?;
    Ok(ENGINE.get_or_init(|| Engine::new(rules)))
}

/// An engine for the SRX file at `path`.
pub fn engine_from_file(path: &Path) -> Result<Engine> {
    Ok(Engine::new(srx::read_file(path)?))
}

/// What to do with rules that cannot be compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BadRules {
    /// Fail with the first one (the default: nothing is silently dropped).
    #[default]
    Fail,
    /// Leave them out; [`rules_for`] returns their errors.
    Skip,
}

/// The result of segmenting one input.
#[derive(Debug)]
pub struct Segmented<'a> {
    /// The input as text (replacement characters in place of invalid UTF-8 when lossy).
    pub text: Cow<'a, str>,
    /// The segments, with offsets into `text`.
    pub segments: Vec<Segment>,
}

/// The rules of `engine` for `lang`, applying the `bad` policy; returns them with the errors of
/// the rules left out.
pub fn rules_for(engine: &Engine, lang: &str, bad: BadRules) -> Result<(RuleSet, Vec<Error>)> {
    let rules = engine.rules_for(lang)?;
    let problems = rules.problem_errors();
    match bad {
        BadRules::Fail => match problems.into_iter().next() {
            Some(first) => Err(first),
            None => Ok((rules, Vec::new())),
        },
        BadRules::Skip => Ok((rules, problems)),
    }
}

/// Decodes `input` (see [`segment::decode`]) and segments it with `rules`.
pub fn segment_bytes<'a>(input: &'a [u8], rules: &RuleSet, lossy: bool) -> Result<Segmented<'a>> {
    let text = segment::decode(input, lossy)?;
    let segments = segment::segment(&text, rules);
    Ok(Segmented { text, segments })
}

/// [`segment_bytes`] for the contents of the file `name`: invalid UTF-8 is refused with its
/// location (`name:line:column`, and the byte offset).
pub fn segment_file<'a>(
    input: &'a [u8],
    name: &str,
    rules: &RuleSet,
    lossy: bool,
) -> Result<Segmented<'a>> {
    segment_bytes(input, rules, lossy).map_err(|e| match e.kind() {
        ErrorKind::Utf8 { .. } => crate::formats::decode::not_utf8(
            input,
            name,
            "convert the file to UTF-8 (or give --lossy to replace invalid bytes)",
        ),
        _ => e,
    })
}

/// Segments a document (HTML, DOCX, or Markdown named `.md`) when `input` is one: its blocks are
/// extracted by the document's filter and cut into sentences as `prepare` does; the text
/// returned is the blocks' plain text joined by blank lines, which the segments' offsets refer
/// to. `None` for anything else (plain text, to segment as it is).
pub fn segment_document(
    input: &[u8],
    name: &str,
    rules: &RuleSet,
) -> Result<Option<Segmented<'static>>> {
    use crate::formats::document::{self, Kind};
    let kind = match document::detect(input, name) {
        Ok(k) => k,
        // Anything detect refuses that is not a document is left to the text path, which
        // says what is wrong with it as text.
        Err(_) if !input.starts_with(b"PK") && !input.starts_with(&[0xD0, 0xCF]) => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let md_name = name.ends_with(".md") || name.ends_with(".markdown");
    if kind == Kind::Text || (kind == Kind::Markdown && !md_name) {
        return Ok(None);
    }
    let extracted = kind
        .filter()
        .extract(input, name, &document::Options::default())?;
    let cut = crate::kit::document::segment_document(kind, &extracted, rules);
    Ok(Some(Segmented {
        text: Cow::Owned(cut.text),
        segments: cut.segments,
    }))
}

/// Whether [`segment_page`] reads this input: an HTML page, by its first bytes `head` (8 KiB,
/// or the whole input when shorter) and its name, as [`segment_document`] detects it.
pub fn is_page(head: &[u8], name: &str) -> bool {
    use crate::formats::document::{self, Kind};
    matches!(document::detect(head, name), Ok(Kind::Html))
}

/// The file at `path`, opened and at its start, when [`segment_page`] can read it as a stream:
/// a regular file (one that can be read again from its start, not a pipe or a device) that is
/// an HTML page ([`is_page`]). `None` otherwise, including when it cannot be opened or read: the
/// whole-file path then says why.
pub fn open_page(path: &Path) -> Result<Option<std::fs::File>> {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(None);
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let mut head = Vec::with_capacity(8192);
    if (&mut file).take(8192).read_to_end(&mut head).is_err() {
        return Ok(None);
    }
    if !is_page(&head, &path.display().to_string()) {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(path, e))?;
    Ok(Some(file))
}

/// One block of a page cut into segments, as [`segment_page`] hands it out.
#[derive(Debug, Clone, Copy)]
pub struct PageBlock<'a> {
    /// The block's plain text.
    pub text: &'a str,
    /// Where it starts in the blocks' text joined by blank lines, in bytes.
    pub start: usize,
    /// Its segments, numbered and with offsets in that joined text.
    pub segments: &'a [Segment],
}

impl<'a> PageBlock<'a> {
    /// The text of one of the block's segments.
    pub fn text_of(&self, s: &Segment) -> &'a str {
        &self.text[s.start - self.start..s.end - self.start]
    }
}

/// Segments an HTML page as [`segment_document`] does, reading it a block at a time, so that
/// memory holds one block (and a few buffers) whatever the size of the page: `each` gets each
/// block with its segments, numbered and with offsets in the blocks' text joined by blank lines
/// exactly as [`segment_document`] gives them. The first error of `each` stops the reading and
/// is returned.
///
/// A block longer than the segment limit (see [`Limits`]) is refused, located at its start in
/// the page; no segment can then be longer than the limit either.
pub fn segment_page(
    input: &mut dyn crate::formats::document::Input,
    name: &str,
    rules: &RuleSet,
    each: &mut dyn FnMut(PageBlock<'_>) -> Result<()>,
) -> Result<()> {
    use crate::formats::document::{Kind, Options};
    use crate::kit::document::Cutter;
    let mut cutter = Cutter::default();
    Kind::Html
        .filter()
        .extract_each(input, name, &Options::default(), &mut |block| {
            let plain = block.plain_text();
            let (start, segments) = cutter.cut(Kind::Html, &plain, rules);
            each(PageBlock {
                text: &plain,
                start,
                segments: &segments,
            })
        })?;
    Ok(())
}

/// Refuses the first segment longer than the segment limit (see [`Limits`]), at its place in
/// `name`: a "sentence" of megabytes (a file without punctuation or line breaks) would cost
/// many times its size to look up or analyse, and no memory holds anything like it.
pub fn refuse_long_segments(name: &str, text: &str, segments: &[Segment]) -> Result<()> {
    let max = Limits::current().max_segment_bytes;
    let Some(long) = segments.iter().find(|s| s.end - s.start > max) else {
        return Ok(());
    };
    Err(too_long(name, text, long.start, max))
}

/// The error for a segment of `text` starting at byte `start` that is longer than `max`.
pub fn too_long(name: &str, text: &str, start: usize, max: usize) -> Error {
    let before = &text[..start.min(text.len())];
    let line = 1 + memchr::memchr_iter(b'\n', before.as_bytes()).count() as u64;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = 1 + before[line_start..].chars().count() as u64;
    ErrorKind::Limit {
        location: Location {
            path: name.to_string(),
            line,
            column,
        },
        message: format!(
            "a segment longer than {}, the limit for one segment (is the text missing its \
             punctuation or line breaks?): raise the limit with --max-segment-bytes (or \
             TMKIT_MAX_SEGMENT_BYTES)",
            describe_bytes(max)
        ),
    }
    .into()
}

/// Bytes read from a streamed file at a time: pieces of about this size are segmented in parallel.
const CHUNK: usize = 256 << 10;

/// One piece of a streamed text file and its segments.
#[derive(Debug)]
pub struct Piece<'a> {
    /// The piece's text: whole paragraphs (and the blank lines after them).
    pub text: &'a str,
    /// The byte offset of `text` in the segments' offsets: `segments[i].start - base` indexes
    /// `text`.
    pub base: usize,
    /// The piece's segments.
    pub segments: &'a [Segment],
}

/// How [`stream_text_file`] hands its segments on.
pub struct Render<'r> {
    /// Appends what a piece's segments give to the output buffer.
    pub render: &'r (dyn Fn(&Piece<'_>, &mut Vec<u8>) + Sync),
    /// Whether `render` only needs the segments' text, not their offsets, paragraph numbers and
    /// indexes: pieces are then rendered in the worker threads as soon as they are cut, with
    /// numbers counted from the start of the piece (`base` 0) and no character offsets (0).
    /// Otherwise they are rendered in order, with the numbers of the whole file.
    pub text_only: bool,
}

/// Why [`stream_text_file`] stopped.
#[derive(Debug)]
pub enum StreamError {
    /// The file could not be read (or changed while it was read).
    Read(Error),
    /// `write` failed.
    Write(std::io::Error),
}

/// Whether the file `name` starting with `head` (its first 8 KiB or all of it) is plain text to
/// [`segment_document`]: no document format detected.
pub fn is_plain_text(head: &[u8], name: &str) -> bool {
    use crate::formats::document::{self, Kind};
    if head.starts_with(b"PK") || head.starts_with(&[0xD0, 0xCF]) {
        return false;
    }
    let md_name = name.ends_with(".md") || name.ends_with(".markdown");
    match document::detect(head, name) {
        Ok(Kind::Text) => true,
        Ok(Kind::Markdown) => !md_name,
        _ => false,
    }
}

/// Reads a file in pieces that end right after a blank line (or at the end of the file).
struct Pieces {
    file: std::fs::File,
    carry: Vec<u8>,
    eof: bool,
    /// Bytes read at a time.
    chunk: usize,
}

/// What [`Pieces::next`] found.
enum Next {
    Piece,
    End,
    /// More than `limit` bytes without a blank line.
    TooLong,
}

impl Pieces {
    /// Fills `buf` with the next piece.
    fn next(&mut self, buf: &mut Vec<u8>, limit: usize) -> std::io::Result<Next> {
        use std::io::Read;
        buf.clear();
        buf.append(&mut self.carry);
        let mut searched = 0;
        loop {
            if !self.eof {
                let want = buf.len() + self.chunk;
                buf.reserve(self.chunk);
                while buf.len() < want {
                    let n = (&self.file)
                        .take((want - buf.len()) as u64)
                        .read_to_end(buf)?;
                    if n == 0 {
                        self.eof = true;
                        break;
                    }
                }
            }
            if self.eof {
                return Ok(if buf.is_empty() {
                    Next::End
                } else {
                    Next::Piece
                });
            }
            // A blank line ending in the new bytes starts at or after the last line start of the
            // bytes already searched.
            let from = memchr::memrchr2(b'\n', 0x0b, &buf[..searched]).map_or(0, |i| i + 1);
            if let Some(cut) = segment::last_paragraph_break(&buf[from..]) {
                self.carry.extend_from_slice(&buf[from + cut..]);
                buf.truncate(from + cut);
                return Ok(Next::Piece);
            }
            if buf.len() > limit {
                return Ok(Next::TooLong);
            }
            searched = buf.len();
        }
    }
}

/// Whether the whole file is UTF-8 without a run of more than `max` bytes between blank lines:
/// then no segment can be over the limit, nothing can fail, and the file can be segmented piece
/// by piece.
fn streamable(file: std::fs::File, max: usize, chunk: usize) -> std::io::Result<bool> {
    let mut pieces = Pieces {
        file,
        carry: Vec::new(),
        eof: false,
        chunk,
    };
    let mut buf = Vec::new();
    loop {
        match pieces.next(&mut buf, max)? {
            Next::End => return Ok(true),
            Next::TooLong => return Ok(false),
            Next::Piece => {}
        }
        let Ok(text) = simdutf8::basic::from_utf8(&buf) else {
            return Ok(false);
        };
        let mut from = 0;
        let mut long = false;
        segment::paragraph_breaks(text, |end| {
            long |= end - from > max;
            from = end;
        });
        if long || text.len() - from > max {
            return Ok(false);
        }
    }
}

/// A piece cut and segmented by a worker.
struct Done {
    seq: u64,
    /// UTF-8 (checked by the worker).
    text: Vec<u8>,
    segments: Vec<Segment>,
    paragraphs: usize,
    chars: usize,
    out: Vec<u8>,
}

/// Segments the plain-text file `path` (named `name` in messages) piece by piece, as
/// [`segment_file`] segments the whole: the same segments, offsets, paragraph numbers and
/// indexes, handed to `render` and the bytes it gives to `write`, in order. Memory stays at a few
/// pieces of about 256 KiB whatever the file's size, and the pieces are segmented on every core.
///
/// `Ok(None)`, having written nothing, when the file is not for this path: not a regular file, a
/// document (see [`is_plain_text`]), not valid UTF-8, or with more than the segment limit between
/// two blank lines (a segment might be over the limit); the caller then reads it whole, which
/// says what is wrong with it. Checking that takes a first quick pass over the file, so that
/// nothing is written before an error. Returns the number of segments.
pub fn stream_text_file(
    path: &Path,
    name: &str,
    rules: &RuleSet,
    render: &Render<'_>,
    write: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> std::result::Result<Option<u64>, StreamError> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    stream_in_chunks(path, name, rules, render, write, CHUNK, workers)
}

/// [`stream_text_file`] reading `chunk` bytes at a time, with `workers` threads segmenting.
fn stream_in_chunks(
    path: &Path,
    name: &str,
    rules: &RuleSet,
    render: &Render<'_>,
    write: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    chunk: usize,
    workers: usize,
) -> std::result::Result<Option<u64>, StreamError> {
    use std::io::{Read, Seek};
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(None);
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let mut head = Vec::with_capacity(8192);
    if (&file).take(8192).read_to_end(&mut head).is_err() || !is_plain_text(&head, name) {
        return Ok(None);
    }
    let max = Limits::current().max_segment_bytes;
    let second = file.try_clone().and_then(|mut f| {
        f.rewind()?;
        Ok(f)
    });
    match second.and_then(|f| streamable(f, max, chunk)) {
        Ok(true) => {}
        _ => return Ok(None),
    }
    let read_error = |e: std::io::Error| StreamError::Read(Error::io(path, e));
    file.rewind().map_err(read_error)?;
    let mut pieces = Pieces {
        file,
        carry: Vec::new(),
        eof: false,
        chunk,
    };
    let (job_tx, job_rx) =
        std::sync::mpsc::sync_channel::<(u64, Vec<u8>, Vec<Segment>, Vec<u8>)>(2 * workers);
    let job_rx = std::sync::Mutex::new(job_rx);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<Option<Done>>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            scope.spawn(move || {
                // Caches of the worker's own: no lock per pattern tried.
                let rules = &rules.for_thread();
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, text, mut segments, mut out)) = job else {
                        return;
                    };
                    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        segments.clear();
                        out.clear();
                        // The first pass checked it, unless the file changed since.
                        let text = simdutf8::basic::from_utf8(&text).ok()?;
                        if render.text_only {
                            let paragraphs =
                                segment::segment_into_without_chars(text, rules, &mut segments);
                            let piece = Piece {
                                text,
                                base: 0,
                                segments: &segments,
                            };
                            (render.render)(&piece, &mut out);
                            // Characters are counted only to shift the offsets of later pieces.
                            Some((paragraphs, 0))
                        } else {
                            let paragraphs = segment::segment_into(text, rules, &mut segments);
                            Some((paragraphs, text.chars().count()))
                        }
                    }));
                    let done = done.ok().flatten().map(|(paragraphs, chars)| Done {
                        seq,
                        text,
                        segments,
                        paragraphs,
                        chars,
                        out,
                    });
                    let failed = done.is_none();
                    if done_tx.send(done).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let result = (|| {
            let mut spare: Vec<(Vec<u8>, Vec<Segment>, Vec<u8>)> = Vec::new();
            let mut pending = std::collections::BTreeMap::new();
            let (mut sent, mut written) = (0u64, 0u64);
            let mut eof = false;
            let (mut bytes, mut chars, mut paragraphs, mut index) = (0usize, 0usize, 0usize, 0u64);
            loop {
                while !eof && sent - written < 2 * workers as u64 {
                    let (mut buf, segments, out) = spare.pop().unwrap_or_default();
                    // Pass one made sure that blank lines come often enough.
                    match pieces.next(&mut buf, usize::MAX).map_err(read_error)? {
                        Next::End | Next::TooLong => {
                            eof = true;
                            break;
                        }
                        Next::Piece => {}
                    }
                    if job_tx.send((sent, buf, segments, out)).is_err() {
                        break;
                    }
                    sent += 1;
                }
                if sent == written {
                    return Ok(Some(index));
                }
                let Ok(Some(done)) = done_rx.recv() else {
                    return Err(read_error(std::io::Error::other(
                        "the file changed while it was read (or a worker thread stopped)",
                    )));
                };
                pending.insert(done.seq, done);
                while let Some(mut done) = pending.remove(&written) {
                    if !render.text_only {
                        for s in &mut done.segments {
                            s.start += bytes;
                            s.end += bytes;
                            s.char_start += chars;
                            s.char_end += chars;
                            s.paragraph += paragraphs;
                            s.index += index as usize;
                        }
                        let piece = Piece {
                            // The worker checked it.
                            text: simdutf8::basic::from_utf8(&done.text).unwrap_or_default(),
                            base: bytes,
                            segments: &done.segments,
                        };
                        (render.render)(&piece, &mut done.out);
                    }
                    write(&done.out).map_err(StreamError::Write)?;
                    bytes += done.text.len();
                    chars += done.chars;
                    paragraphs += done.paragraphs;
                    index += done.segments.len() as u64;
                    written += 1;
                    spare.push((done.text, done.segments, done.out));
                }
            }
        })();
        drop(job_tx);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Streams `input` from a file in pieces of `chunk` bytes segmented by `workers` threads;
    /// the segments rendered as lines, in both rendering modes. `None` when the file is left to
    /// the whole-file path.
    fn streamed_with(
        input: &[u8],
        chunk: usize,
        workers: usize,
        rules: &RuleSet,
    ) -> Option<(String, String)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.txt");
        std::fs::write(&path, input).unwrap();
        let run = |text_only: bool| {
            let render = |p: &Piece<'_>, buf: &mut Vec<u8>| {
                for s in p.segments {
                    let t = &p.text[s.start - p.base..s.end - p.base];
                    let line = if text_only {
                        format!("{t:?}\n")
                    } else {
                        format!("{s:?} {t:?}\n")
                    };
                    buf.extend_from_slice(line.as_bytes());
                }
            };
            let how = Render {
                render: &render,
                text_only,
            };
            let mut out = Vec::new();
            let mut write = |b: &[u8]| -> std::io::Result<()> {
                out.extend_from_slice(b);
                Ok(())
            };
            let n =
                stream_in_chunks(&path, "in.txt", rules, &how, &mut write, chunk, workers).unwrap();
            n.map(|_| String::from_utf8(out).unwrap())
        };
        Some((run(true)?, run(false)?))
    }

    /// [`streamed_with`] with two workers, as on a machine with two cores.
    fn streamed(input: &[u8], chunk: usize, rules: &RuleSet) -> Option<(String, String)> {
        streamed_with(input, chunk, 2, rules)
    }

    /// The same lines from segmenting the whole text.
    fn whole(text: &str, rules: &RuleSet) -> (String, String) {
        let segments = segment::segment(text, rules);
        let mut plain = String::new();
        let mut full = String::new();
        for s in &segments {
            plain.push_str(&format!("{:?}\n", s.text(text)));
            full.push_str(&format!("{s:?} {:?}\n", s.text(text)));
        }
        (plain, full)
    }

    const PIECES: &[&str] = &[
        "Mr. Smith met Dr. Wu at 10 a.m. They talked.",
        "Wang said: \u{201c}Yes.\u{201d} ",
        "中日两国可以加强沟通。他说。",
        "\n",
        "\n\n",
        "\r\n",
        "\r\n\r\n",
        " \n",
        "\u{a0}\n",
        "\u{3000}\n\n",
        "\u{feff}",
        "\u{b}",
        "\u{c}",
        "\u{b}\u{b}",
        "- item one\n- item two\n",
        "1) first 2) second",
        "Heading\nText follows here.",
        "Lead-in:\n",
        "\u{2028}",
        "\u{202e}x",
        "\t",
        "é",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn streaming_in_pieces_segments_as_the_whole_text(
            parts in prop::collection::vec(0..PIECES.len(), 0..60),
            chunk in 1usize..64,
            workers in 1usize..=4,
        ) {
            let rules = default_engine().unwrap().rules_for("en").unwrap();
            let text: String = parts.iter().map(|&i| PIECES[i]).collect();
            let got = streamed_with(text.as_bytes(), chunk, workers, &rules)
                .expect("plain UTF-8 text streams");
            prop_assert_eq!(got, whole(&text, &rules));
        }
    }

    #[test]
    fn pieces_segmented_in_parallel_are_written_in_order_with_the_whole_files_numbers() {
        // Paragraphs of very different lengths, each numbered, so that the workers finish their
        // pieces out of order and a piece written out of place (or numbered from the wrong
        // paragraph, byte or character) shows; non-ASCII text makes character offsets differ
        // from byte offsets.
        let rules = default_engine().unwrap().rules_for("en").unwrap();
        let mut text = String::new();
        for i in 0..400 {
            let sentences = if i % 7 == 0 { 60 } else { 1 + i % 3 };
            for j in 0..sentences {
                text.push_str(&format!("Paragraph {i} sentence {j} – café. "));
            }
            text.push_str(if i % 5 == 0 { "\n\n\n" } else { "\n\n" });
        }
        let want = whole(&text, &rules);
        for workers in [1, 2, 3, 4] {
            for chunk in [16, 100, 1000] {
                let got = streamed_with(text.as_bytes(), chunk, workers, &rules).unwrap();
                for (got, want) in [(&got.0, &want.0), (&got.1, &want.1)] {
                    let first = got.lines().zip(want.lines()).find(|(g, w)| g != w);
                    assert!(
                        got == want,
                        "{workers} workers, pieces of {chunk} bytes: first difference {first:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn files_for_the_whole_file_path_are_left_to_it() {
        let rules = default_engine().unwrap().rules_for("en").unwrap();
        // Not UTF-8 (at the end, after pieces that could have been written), UTF-16, HTML.
        let mut late = "Fine text.\n\n".repeat(100).into_bytes();
        late.extend_from_slice(b"bad \xff byte");
        assert!(streamed(&late, 16, &rules).is_none());
        let utf16: Vec<u8> = "\u{feff}Hi. There."
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert!(streamed(&utf16, 16, &rules).is_none());
        assert!(streamed(b"<html><body><p>Hi.</p></body></html>", 16, &rules).is_none());
        // More than the segment limit between two blank lines: a segment might be over it.
        let max = Limits::current().max_segment_bytes;
        let long = format!("Short.\n\n{}\n\nEnd.", "word ".repeat(max / 5 + 1));
        assert!(streamed(long.as_bytes(), 4096, &rules).is_none());
        // Under it, with the same shape: streamed.
        let fine = format!("Short.\n\n{}\n\nEnd.", "word. ".repeat(1000));
        assert!(streamed(fine.as_bytes(), 64, &rules).is_some());
    }
}
