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
        ErrorKind::Utf8 { offset } => {
            let bad = crate::formats::decode::check_bytes(input, encoding_rs::UTF_8, 0);
            let mut location = Location::of_byte(name, input, *offset);
            let mut cause = format!("byte offset {offset} is not valid UTF-8");
            if let Some(bad) = bad {
                location.line = bad.line;
                location.column = bad.column;
                cause = bad.cause();
            }
            ErrorKind::Encoding {
                location,
                message: format!(
                    "{cause}: convert the file to UTF-8 (or give --lossy to replace invalid bytes)"
                ),
            }
            .into()
        }
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
    let cut = crate::ops::prepare::document::segment_document(kind, &extracted, rules);
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
    use crate::ops::prepare::document::Cutter;
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
