//! HTML: the text a reader of the page sees, as blocks with inline codes, and the translated page
//! written back with everything else kept byte for byte.
//!
//! Depends on `model` and `error`, like the rest of `formats`, and on html5gum (the tokenizer).
//!
//! # Reading
//!
//! The page is decoded the way a browser decodes it (`decode.rs`: byte-order mark, the encoding
//! the user names, `<meta charset>`, UTF-8, windows-1252) and tokenized by html5gum, a WHATWG
//! HTML5 tokenizer that gives the byte span of every token. No tree of the page is built: a
//! stack of the open block elements (with the parser's implied end tags: a `<p>` closed by the
//! next block, an `<li>` by the next `<li>`, a cell by the next cell) is enough to know where a
//! text is: beyond the page and the extracted blocks, memory stays small.
//!
//! - **Blocks.** Every block element (`p`, `h1`..`h6`, `li`, `td`, `th`, `dt`, `dd`, `caption`,
//!   `title`, `div`, `blockquote`, `option`, `button`, `legend`, `summary`, ...; see `tags.rs`)
//!   starts and ends a run of text; a run with text that is not white space is a [`Block`]. Its
//!   white space is collapsed to single spaces, as a browser shows it.
//! - **Inline codes.** Inline elements (`b`, `strong`, `i`, `em`, `u`, `a`, `span`, `sup`, `sub`,
//!   `small`, `abbr`, `q`, `mark`, `font`, `label`, unknown elements) become a pair of codes; `br`
//!   is a standalone `lb`, `img` a standalone `image`, `input` and the other void elements
//!   standalone codes. Codes that do not nest (`<b><i></b></i>`, an `<i>` never closed) become
//!   standalone codes, so the codes of a block always nest. Comments inside a text are standalone
//!   codes.
//! - **Not translated**, kept as one standalone code when inside a text: `code`, `kbd`, `samp`,
//!   `var` (`the <code>b</code> tag`), `script`, `style`, `textarea`, `svg`, `math`, `iframe`,
//!   `object`, `video`, `audio`, `canvas`, and any element with `translate="no"` or the class
//!   `notranslate` (attributes included). Not translated and ending the text: `pre`, `listing`,
//!   `xmp`, `plaintext`, `template`, `noscript`, `noembed`, `noframes`. Comments, the doctype,
//!   processing instructions and CDATA sections are never text; JSP/ASP server tags
//!   (`<% ... %>`, which HTML reads as text) are standalone codes.
//! - **Attributes** a reader sees are blocks of their own (restype `x-attribute`, named like
//!   `img alt`): `alt`, `title`, `placeholder`, `aria-label`, `label` of `option`, `value` of
//!   `input type=submit|button|reset`, and the `content` of `<meta name=description|keywords>`,
//!   `og:title`, `og:description`, `og:site_name`, `twitter:title`, `twitter:description`. They
//!   come before the text of the element that holds them.
//!
//! # Writing
//!
//! Each block remembers the bytes it covers. A block whose translation equals its source is
//! written as the original bytes; otherwise its text is escaped (`&`, `<`, `>`; `"` in
//! attributes) and each code is written as the original markup with the same id, in the
//! translated order. The page's `lang` (and `xml:lang`, the `lang` of `body` and a
//! `content-language` meta, where present) is set to the target; a page without `lang` gets
//! one on `<html>`, or `<html lang="...">` after its doctype when it has no `<html>`. The page is
//! written in its own encoding, characters it cannot hold as numeric character references.
//!
//! # Reading a page a chunk at a time
//!
//! [`Filter::extract_each`] (`tmkit segment`) runs the same walker over the page decoded a
//! chunk at a time (`stream.rs`), handing each block out as soon as it ends: memory holds the
//! block being read and a few buffers, whatever the size of the page. The emitter buffers
//! nothing the walker does not read (the text of scripts and other elements not translated,
//! comments, attributes not translated), so scripts and comments of any size cost nothing; a
//! block, or a text or attribute value being read, longer than the segment limit is refused,
//! with its place in the page. The codes get no native markup there (segmenting needs none).

mod decode;
mod stream;
mod tags;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Read, SeekFrom};
use std::rc::Rc;

use html5gum::emitters::callback::{Callback, CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Span, Tokenizer};

use super::{Block, Code, Extracted, Filter, Input, Kind, Options, Piece, Role};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::limits::describe_bytes;
use crate::model::{Lang, Limits};
use decode::{Origin, Source};
use stream::Window;
use tags::Class;

/// The HTML filter.
pub struct HtmlFilter;

impl Filter for HtmlFilter {
    fn extract(&self, document: &[u8], name: &str, options: &Options) -> Result<Extracted> {
        let source = decode::decode(document, name, options.encoding.as_deref())?;
        let parsed = parse(&source.text, false);
        Ok(extracted(
            parsed.blocks,
            parsed.lang,
            source.encoding,
            source.origin,
        ))
    }

    /// Reads the page a chunk at a time: beyond the block being read, memory holds a few
    /// buffers of the page (see `stream.rs`), whatever its size. The codes' `native` markup is
    /// left empty. A block longer than the segment limit ([`Limits`]) is refused, located at its
    /// start in the page.
    fn extract_each(
        &self,
        input: &mut dyn Input,
        name: &str,
        options: &Options,
        sink: &mut dyn FnMut(Block) -> Result<()>,
    ) -> Result<Extracted> {
        stream_blocks(input, name, options, sink)
    }

    fn merge(
        &self,
        document: &[u8],
        name: &str,
        options: &Options,
        blocks: &[Vec<Piece>],
        target: &Lang,
    ) -> Result<Vec<u8>> {
        let source = decode::decode(document, name, options.encoding.as_deref())?;
        let parsed = parse(&source.text, true);
        merge(document, name, &source, &parsed, blocks, target)
    }
}

/// What extraction gives besides the blocks.
fn extracted(
    blocks: Vec<Block>,
    lang: Option<String>,
    encoding: &'static encoding_rs::Encoding,
    origin: Origin,
) -> Extracted {
    let mut out = Extracted::new(Kind::Html, blocks);
    out.encoding = encoding.name();
    out.lang = lang;
    if origin == Origin::Guessed {
        out.warnings.push(
            "the page declares no encoding and is not UTF-8: it was read as windows-1252; if its \
             text looks wrong, name its encoding with --encoding"
                .to_string(),
        );
    }
    out
}

/// Reads a page from `input` a chunk at a time, handing each block to `sink`.
fn stream_blocks(
    input: &mut dyn Input,
    name: &str,
    options: &Options,
    sink: &mut dyn FnMut(Block) -> Result<()>,
) -> Result<Extracted> {
    let io = |e: std::io::Error| Error::io(name, e);
    let mut head = Vec::with_capacity(1024);
    (&mut *input)
        .take(1024)
        .read_to_end(&mut head)
        .map_err(io)?;
    let (encoding, bom, origin) = decode::choose(&head, name, options.encoding.as_deref(), || {
        input.seek(SeekFrom::Start(0)).map_err(io)?;
        stream::is_utf8(&mut &mut *input).map_err(io)
    })?;
    input.seek(SeekFrom::Start(bom as u64)).map_err(io)?;
    let limit = Limits::current().max_segment_bytes;
    // The raw text of a token of up to `limit` bytes stays in the window, unless it is longer
    // than what it stands for by more than two chunks (character references, CR LF): such a
    // token is refused as over the limit.
    let window = Rc::new(RefCell::new(Window::new(limit.saturating_add(128 << 10))));
    let mut reader = &mut *input;
    let decoded = stream::Decoded::new(
        &mut reader,
        encoding.new_decoder_without_bom_handling(),
        window.clone(),
    );
    let mut w = Walker::new(Text::Window(window), name, false, Some(limit), sink);
    let read = walk(&mut w, decoded);
    if let Some(e) = w.failed.take() {
        return Err(e);
    }
    read.map_err(io)?;
    w.finish();
    if let Some(e) = w.failed.take() {
        return Err(e);
    }
    let lang = w.out.lang.take();
    Ok(extracted(Vec::new(), lang, encoding, origin))
}

/// Where a quoted attribute value is.
#[derive(Debug, Clone, Copy)]
struct ValueSite {
    start: usize,
    end: usize,
    /// The quote around the value, 0 when unquoted.
    quote: u8,
}

/// Where an attribute is: the end of its name and its value.
#[derive(Debug, Clone, Copy)]
struct AttrSite {
    name_end: usize,
    value: Option<ValueSite>,
}

/// Where an extracted block is, in the decoded text.
#[derive(Debug)]
enum Place {
    Run {
        start: usize,
        end: usize,
        /// Each code of the block: id, role, and the markup it stands for.
        codes: Vec<(u32, Role, usize, usize)>,
    },
    Attr(ValueSite),
}

/// The page as read: blocks, where they are, and where the language is said.
#[derive(Debug, Default)]
struct Parsed {
    blocks: Vec<Block>,
    places: Vec<Place>,
    lang: Option<String>,
    /// Just after `<html` of the first `html` start tag.
    html_insert: Option<usize>,
    html_lang: Option<AttrSite>,
    xml_lang: Option<AttrSite>,
    /// `lang` and `xml:lang` of the first `body` (set to the target when present).
    body_lang: Vec<AttrSite>,
    body_seen: bool,
    /// The `content` of `<meta http-equiv="content-language">`.
    meta_language: Vec<AttrSite>,
    doctype_end: Option<usize>,
}

/// A block element's name, kept without allocation (every block element's name is short).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Name([u8; 10], u8);

impl Name {
    fn new(name: &[u8]) -> Option<Name> {
        if name.len() > 10 {
            return None;
        }
        let mut n = [0u8; 10];
        n[..name.len()].copy_from_slice(name);
        Some(Name(n, name.len() as u8))
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(self.bytes()).unwrap_or("")
    }

    fn bytes(&self) -> &[u8] {
        &self.0[..usize::from(self.1)]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    /// Text: its decoded form is `run.buf[from..to]`.
    Text {
        from: usize,
        to: usize,
    },
    Open,
    Close {
        open: usize,
    },
    Standalone,
}

#[derive(Debug, Clone, Copy)]
struct Item {
    kind: ItemKind,
    start: usize,
    end: usize,
    ctype: &'static str,
}

/// The text being read since the last block boundary.
#[derive(Debug, Default)]
struct Run {
    items: Vec<Item>,
    buf: String,
    /// Open inline elements: name range in `names`, item index.
    open: Vec<(usize, usize, usize)>,
    names: Vec<u8>,
    context: Option<Name>,
    has_text: bool,
}

/// An element whose content is not translated, being skipped.
#[derive(Debug)]
struct Opaque {
    name: Vec<u8>,
    start: usize,
    depth: u32,
    /// The open block elements when it started: an end tag of one of them ends it.
    stack_len: usize,
    /// `Some(ctype)` when it is a standalone code in the text, `None` when it ends the text.
    inline: Option<&'static str>,
}

/// An attribute of the start tag being read.
#[derive(Debug, Default)]
struct TagAttr {
    name: Vec<u8>,
    value: Vec<u8>,
    name_end: usize,
    value_span: Option<(usize, usize)>,
}

/// The most open block elements kept (browsers stop nesting about there too).
const MAX_DEPTH: usize = 512;
/// The most open inline elements in one text.
const MAX_OPEN_INLINE: usize = 256;

/// The decoded text the walker reads token markup from: the whole page, or (when streaming)
/// the latest part of it.
enum Text<'t> {
    Whole(&'t str),
    Window(Rc<RefCell<Window>>),
}

impl Text<'_> {
    /// The length of the text read so far.
    fn len(&self) -> usize {
        match self {
            Text::Whole(t) => t.len(),
            Text::Window(w) => w.borrow().len(),
        }
    }

    /// `f` of the bytes `start..end`, or of `None` when they are no longer (or not) there.
    fn with<R>(&self, start: usize, end: usize, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
        match self {
            Text::Whole(t) => f(t.as_bytes().get(start..end)),
            Text::Window(w) => f(w.borrow().get(start, end)),
        }
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.with(i, i + 1, |b| b.map(|b| b[0]))
    }
}

struct Walker<'t, 's> {
    text: Text<'t>,
    name: &'t str,
    places: bool,
    /// Whether codes get their native markup (not when streaming).
    natives: bool,
    /// The most bytes of a block (when streaming): the segment limit.
    limit: Option<usize>,
    /// Bytes the tokenizer has buffered for the token being read.
    pending: usize,
    /// The end of the last token.
    last_end: usize,
    /// What stopped the reading: the sink's error, or a block over the limit.
    failed: Option<Error>,
    sink: &'s mut dyn FnMut(Block) -> Result<()>,
    out: Parsed,
    stack: Vec<Name>,
    run: Run,
    opaque: Option<Opaque>,
    // The start tag being read.
    in_start: bool,
    tag_start: usize,
    tag_name: Vec<u8>,
    attrs: Vec<TagAttr>,
    n_attrs: usize,
    skip_attr: bool,
    /// The ids of the codes of the block being built (kept to spare an allocation per block).
    ids: Vec<u32>,
    /// A tag or text was read (a doctype after it does not start the page).
    content_seen: bool,
}

/// An emitter that asks the tokenizer for no parse errors (tmkit reads what a browser reads and
/// reports none), which spares it checking every character.
struct Quiet<E>(E);

/// The walker as the tokenizer's callback.
struct Events<'a, 't, 's>(&'a mut Walker<'t, 's>);

impl Callback<(), usize> for Events<'_, '_, '_> {
    fn handle_event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) -> Option<()> {
        self.0.event(event, span);
        None
    }
}

/// The emitter feeding the walker: [`Quiet`], and it does not buffer what the walker never reads
/// (the text of scripts, styles and other elements not translated, comments, the values of
/// attributes not translated), keeps what it buffers within the limit when streaming, and stops
/// the tokenizer when the walker has failed.
struct Feed<'a, 't, 's>(CallbackEmitter<Events<'a, 't, 's>, (), usize>);

impl<'t, 's> Feed<'_, 't, 's> {
    fn walker(&mut self) -> &mut Walker<'t, 's> {
        self.0.callback_mut().0
    }

    /// Counts `n` more bytes buffered; false when they are over the limit.
    fn buffer(&mut self, n: usize) -> bool {
        let w = self.walker();
        if w.failed.is_some() {
            return false;
        }
        w.pending += n;
        match w.limit {
            Some(limit) if w.pending > limit => {
                w.refuse(w.last_end);
                false
            }
            _ => true,
        }
    }
}

impl ForwardingEmitter for Feed<'_, '_, '_> {
    type Token = ();

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn pop_token(&mut self) -> Option<()> {
        if self.walker().failed.is_some() {
            return Some(());
        }
        self.0.pop_token()
    }

    fn emit_string(&mut self, s: &[u8]) {
        let keep = self.walker().opaque.is_none() && self.buffer(s.len());
        self.0.emit_string(if keep { s } else { b"" });
    }

    fn push_comment(&mut self, _: &[u8]) {}

    fn push_tag_name(&mut self, s: &[u8]) {
        if self.buffer(s.len()) {
            self.0.push_tag_name(s);
        }
    }

    fn push_attribute_name(&mut self, s: &[u8]) {
        if self.buffer(s.len()) {
            self.0.push_attribute_name(s);
        }
    }

    fn push_attribute_value(&mut self, s: &[u8]) {
        // The name first: the walker says whether it reads the value.
        self.0.push_attribute_value(b"");
        let w = self.walker();
        if w.in_start && !w.skip_attr && self.buffer(s.len()) {
            self.0.push_attribute_value(s);
        }
    }
}

/// Runs the tokenizer over `reader`, feeding the walker, until the page ends or the walker fails.
fn walk<R: html5gum::Reader>(
    w: &mut Walker<'_, '_>,
    reader: R,
) -> std::result::Result<(), R::Error> {
    let mut emitter = CallbackEmitter::new(Events(w));
    emitter.naively_switch_states(true);
    // The tokenizer yields a token only when the walker has failed.
    if let Some(r) = Tokenizer::new_with_emitter(reader, Feed(emitter)).next() {
        r?;
    }
    Ok(())
}

impl<E: Emitter> ForwardingEmitter for Quiet<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

/// Reads a page; `places` says whether to note where each block is (for merge).
fn parse(text: &str, places: bool) -> Parsed {
    // About one block per hundred bytes of a page: reserved once rather than grown (and
    // copied) many times.
    let mut blocks = Vec::with_capacity(text.len() / 128);
    let mut sink = |b: Block| -> Result<()> {
        blocks.push(b);
        Ok(())
    };
    let mut out = {
        let mut w = Walker::new(Text::Whole(text), "", places, None, &mut sink);
        // Reading a string cannot fail, and without a limit neither can the walker.
        let Ok(()) = walk(&mut w, html5gum::Readable::to_reader(text.as_bytes()));
        w.finish();
        w.out
    };
    out.blocks = blocks;
    out
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// White space collapsed to single spaces, as a browser shows text.
fn collapse(s: &str, out: &mut String) {
    let mut plain = true;
    let mut after_space = false;
    for &c in s.as_bytes() {
        match c {
            b'\t' | b'\n' | b'\r' | b'\x0c' => plain = false,
            b' ' if after_space => plain = false,
            _ => {}
        }
        after_space = c == b' ';
    }
    if plain {
        out.push_str(s);
        return;
    }
    let mut space = false;
    for c in s.chars() {
        if is_space(c) {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
}

impl<'t, 's> Walker<'t, 's> {
    fn new(
        text: Text<'t>,
        name: &'t str,
        places: bool,
        limit: Option<usize>,
        sink: &'s mut dyn FnMut(Block) -> Result<()>,
    ) -> Walker<'t, 's> {
        Walker {
            natives: matches!(text, Text::Whole(_)),
            text,
            name,
            places,
            limit,
            pending: 0,
            last_end: 0,
            failed: None,
            sink,
            out: Parsed::default(),
            stack: Vec::new(),
            run: Run::default(),
            opaque: None,
            in_start: false,
            tag_start: 0,
            tag_name: Vec::new(),
            attrs: Vec::new(),
            n_attrs: 0,
            skip_attr: false,
            ids: Vec::new(),
            content_seen: false,
        }
    }

    /// Hands a block out; the first error stops the reading.
    fn emit(&mut self, block: Block) {
        if self.failed.is_none()
            && let Err(e) = (self.sink)(block)
        {
            self.failed = Some(e);
        }
    }

    /// Stops the reading: the block being read (or, before it has anything, the token at `at`)
    /// is longer than the limit.
    #[cold]
    fn refuse(&mut self, at: usize) {
        if self.failed.is_some() {
            return;
        }
        let max = self.limit.unwrap_or(0);
        let at = self.run.items.first().map_or(at, |it| it.start);
        let (line, column) = match &self.text {
            Text::Window(w) => w.borrow_mut().locate(at),
            Text::Whole(t) => {
                let before = &t.as_bytes()[..at.min(t.len())];
                let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
                (
                    1 + memchr::memchr_iter(b'\n', before).count() as u64,
                    1 + String::from_utf8_lossy(&before[line_start..])
                        .chars()
                        .count() as u64,
                )
            }
        };
        let context = self
            .run
            .context
            .or(self.stack.last().copied())
            .map_or("body".to_string(), |n| n.as_str().to_string());
        self.failed = Some(
            ErrorKind::Limit {
                location: Location {
                    path: self.name.to_string(),
                    line,
                    column,
                },
                message: format!(
                    "a block of text in <{context}> is longer than {}, the limit for one \
                     segment (is the page missing its paragraph tags?): raise the limit with \
                     --max-segment-bytes (or TMKIT_MAX_SEGMENT_BYTES)",
                    describe_bytes(max)
                ),
            }
            .into(),
        );
    }

    /// Refuses the block being read when it is over the limit: its text, and a few bytes for
    /// each of its items.
    fn check_run(&mut self) {
        if let Some(limit) = self.limit
            && self.run.buf.len() + 8 * self.run.items.len() > limit
        {
            self.refuse(self.last_end);
        }
    }

    fn event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) {
        let len = self.text.len();
        let span = Span {
            start: span.start.min(len),
            end: span.end.min(len),
        };
        self.pending = 0;
        self.last_end = span.end;
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.content_seen = true;
                self.in_start = true;
                self.tag_start = span.start;
                self.tag_name.clear();
                self.tag_name.extend_from_slice(name);
                self.n_attrs = 0;
            }
            CallbackEvent::AttributeName { name } if self.in_start => {
                // Only the attributes tmkit reads are kept (not `href`, `src`, `style`...).
                self.skip_attr = !tags::attribute_read(name)
                    || self.attrs[..self.n_attrs].iter().any(|a| a.name == name);
                if !self.skip_attr {
                    if self.n_attrs == self.attrs.len() {
                        self.attrs.push(TagAttr::default());
                    }
                    let a = &mut self.attrs[self.n_attrs];
                    a.name.clear();
                    a.name.extend_from_slice(name);
                    a.value.clear();
                    a.name_end = span.end;
                    a.value_span = None;
                    self.n_attrs += 1;
                }
            }
            CallbackEvent::AttributeValue { value } if self.in_start && !self.skip_attr => {
                if let Some(a) = self.n_attrs.checked_sub(1).map(|i| &mut self.attrs[i]) {
                    a.value.extend_from_slice(value);
                    a.value_span = Some((span.start, span.end));
                }
            }
            CallbackEvent::CloseStartTag { self_closing } if self.in_start => {
                self.in_start = false;
                self.start_tag(span.end, self_closing);
            }
            CallbackEvent::EndTag { name } => {
                self.content_seen = true;
                self.in_start = false;
                self.end_tag(name, span.start, span.end);
            }
            CallbackEvent::String { value } if self.opaque.is_some() => {
                self.content_seen |= !value.trim_ascii().is_empty();
            }
            CallbackEvent::String { value } => {
                self.content_seen |= !value.trim_ascii().is_empty();
                self.text_token(value, span.start, span.end);
            }
            CallbackEvent::Comment { .. } if self.opaque.is_none() => {
                self.push_code(ItemKind::Standalone, span.start, span.end, "x-comment");
            }
            CallbackEvent::Doctype { .. } if self.opaque.is_none() => {
                self.flush();
                // Where `<html lang>` goes in a page without `<html>`: after a doctype that
                // starts the page.
                if !self.content_seen {
                    self.out.doctype_end.get_or_insert(span.end);
                }
            }
            _ => {}
        }
    }

    /// The decoded text between two token boundaries (empty if they are not character
    /// boundaries, which the tokenizer's spans always are, or no longer held).
    fn slice(&self, start: usize, end: usize) -> String {
        self.text.with(start, end, |b| {
            b.and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default()
                .to_string()
        })
    }

    fn attr(&self, name: &[u8]) -> Option<&TagAttr> {
        self.attrs[..self.n_attrs].iter().find(|a| a.name == name)
    }

    /// Where the value of an attribute is, quoted or not (an empty value has no span from the
    /// tokenizer: it is found after the `=`).
    fn value_site(&self, a: &TagAttr) -> Option<ValueSite> {
        let b = |i: usize| self.text.byte(i);
        if let Some((start, end)) = a.value_span {
            let before = start.checked_sub(1).and_then(b);
            let quote = match (before, b(end)) {
                (Some(q @ (b'"' | b'\'')), Some(q2)) if q == q2 => q,
                _ => 0,
            };
            return Some(ValueSite { start, end, quote });
        }
        let mut i = a.name_end;
        while b(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        if b(i) != Some(b'=') {
            return None;
        }
        i += 1;
        while b(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        match (b(i), b(i + 1)) {
            (Some(q @ (b'"' | b'\'')), Some(q2)) if q == q2 => Some(ValueSite {
                start: i + 1,
                end: i + 1,
                quote: q,
            }),
            _ => None,
        }
    }

    fn site(&self, name: &[u8]) -> Option<AttrSite> {
        self.attr(name).map(|a| AttrSite {
            name_end: a.name_end,
            value: self.value_site(a),
        })
    }

    fn protected(&self) -> bool {
        self.attr(b"translate")
            .is_some_and(|a| a.value.trim_ascii().eq_ignore_ascii_case(b"no"))
            || self.attr(b"class").is_some_and(|a| {
                a.value
                    .split(|b| b.is_ascii_whitespace())
                    .any(|c| c == b"notranslate")
            })
    }

    fn start_tag(&mut self, tag_end: usize, self_closing: bool) {
        if let Some(op) = &mut self.opaque {
            if op.name == self.tag_name {
                op.depth += 1;
            }
            return;
        }
        let class = tags::class(&self.tag_name);
        if matches!(class, Class::Block | Class::BlockVoid | Class::BlockOpaque) {
            self.flush();
        }
        let protected = self.protected();
        let tag_name = std::mem::take(&mut self.tag_name);
        self.start_tag_named(&tag_name, class, protected, tag_end, self_closing);
        self.tag_name = tag_name;
    }

    fn start_tag_named(
        &mut self,
        tag_name: &[u8],
        class: Class,
        protected: bool,
        tag_end: usize,
        self_closing: bool,
    ) {
        let tag = std::str::from_utf8(tag_name).unwrap_or("");
        match tag {
            "html" if self.out.html_insert.is_none() => {
                let start = self.tag_start;
                if self.text.with(start, start + 5, |b| {
                    b.is_some_and(|b| b.eq_ignore_ascii_case(b"<html"))
                }) {
                    self.out.html_insert = Some(self.tag_start + 5);
                }
                self.out.html_lang = self.site(b"lang");
                self.out.xml_lang = self.site(b"xml:lang");
                let lang = self
                    .attr(b"lang")
                    .or_else(|| self.attr(b"xml:lang"))
                    .map(|a| String::from_utf8_lossy(a.value.trim_ascii()).into_owned())
                    .filter(|l| !l.is_empty());
                if lang.is_some() {
                    self.out.lang = lang;
                }
            }
            "body" if !self.out.body_seen => {
                self.out.body_seen = true;
                for name in [b"lang".as_slice(), b"xml:lang"] {
                    if let Some(site) = self.site(name) {
                        self.out.body_lang.push(site);
                    }
                }
            }
            "meta" => {
                let equiv = self.attr(b"http-equiv").map(|a| a.value.trim_ascii());
                if equiv.is_some_and(|e| e.eq_ignore_ascii_case(b"content-language"))
                    && let Some(site) = self.site(b"content")
                {
                    if self.out.lang.is_none() {
                        self.out.lang = self
                            .attr(b"content")
                            .map(|a| String::from_utf8_lossy(a.value.trim_ascii()).into_owned())
                            .filter(|l| !l.is_empty());
                    }
                    self.out.meta_language.push(site);
                }
                let which = self
                    .attr(b"name")
                    .or_else(|| self.attr(b"property"))
                    .and_then(|a| tags::translatable_meta(&a.value));
                if let (Some(which), false) = (which, protected)
                    && let Some(a) = self.attr(b"content")
                {
                    let site = self.value_site(a);
                    let value = String::from_utf8_lossy(&a.value).into_owned();
                    self.attribute_block(format!("meta {which}"), &value, site);
                }
            }
            _ => {}
        }
        if !protected {
            let input_type = if tag == "input" {
                self.attr(b"type").map(|a| a.value.clone())
            } else {
                None
            };
            for i in 0..self.n_attrs {
                let a = &self.attrs[i];
                let attr = std::str::from_utf8(&a.name).unwrap_or("");
                if let Some(which) = tags::translatable_attribute(tag, attr, input_type.as_deref())
                {
                    let site = self.value_site(a);
                    let value = String::from_utf8_lossy(&a.value).into_owned();
                    self.attribute_block(format!("{tag} {which}"), &value, site);
                }
            }
        }
        let start = self.tag_start;
        match class {
            Class::Block if protected => self.start_opaque(tag_name, start, None),
            Class::Block => {
                if let Some(name) = Name::new(tag_name) {
                    // A second html, head or body adds nothing to the tree.
                    let again =
                        matches!(tag, "html" | "head" | "body") && self.stack.contains(&name);
                    self.implied_end_tags(name.as_str());
                    if self.stack.len() < MAX_DEPTH && !again {
                        self.stack.push(name);
                    }
                }
            }
            Class::BlockVoid => {
                if tag_name == b"hr" {
                    self.close_p();
                }
            }
            Class::BlockOpaque => {
                self.close_p();
                self.start_opaque(tag_name, start, None);
            }
            Class::Inline(_) if protected => {
                self.start_opaque(tag_name, start, Some("x-protected"))
            }
            Class::Inline(ctype) if self.run.open.len() >= MAX_OPEN_INLINE => {
                // So deep it can only be broken markup: a standalone code (and closing stays
                // linear).
                self.push_code(ItemKind::Standalone, start, tag_end, ctype);
            }
            Class::Inline(ctype) => {
                let at = self.run.items.len();
                let from = self.run.names.len();
                self.run.names.extend_from_slice(tag_name);
                self.run.open.push((from, self.run.names.len(), at));
                self.push_code(ItemKind::Open, start, tag_end, ctype);
            }
            Class::InlineVoid(ctype) => {
                let ctype = if protected { "x-protected" } else { ctype };
                self.push_code(ItemKind::Standalone, start, tag_end, ctype);
            }
            Class::InlineOpaque(ctype) => {
                let foreign = matches!(tag, "svg" | "math");
                if self_closing && foreign {
                    self.push_code(ItemKind::Standalone, start, tag_end, ctype);
                } else {
                    let ctype = if protected { "x-protected" } else { ctype };
                    self.start_opaque(tag_name, start, Some(ctype));
                }
            }
        }
    }

    fn start_opaque(&mut self, name: &[u8], start: usize, inline: Option<&'static str>) {
        self.opaque = Some(Opaque {
            name: name.to_vec(),
            start,
            depth: 1,
            stack_len: self.stack.len(),
            inline,
        });
    }

    fn end_opaque(&mut self, end: usize) {
        if let Some(op) = self.opaque.take()
            && let Some(ctype) = op.inline
        {
            self.push_code(ItemKind::Standalone, op.start, end, ctype);
        }
    }

    fn end_tag(&mut self, name: &[u8], start: usize, end: usize) {
        if let Some(op) = &mut self.opaque {
            if op.name == name {
                op.depth -= 1;
                if op.depth == 0 {
                    self.end_opaque(end);
                }
                return;
            }
            let below = op.stack_len.min(self.stack.len());
            let ancestor = Name::new(name).is_some_and(|n| self.stack[..below].contains(&n));
            if !ancestor || matches!(name, b"body" | b"html") {
                return;
            }
            self.end_opaque(start);
        }
        match tags::class(name) {
            Class::Block => {
                self.flush();
                if matches!(name, b"body" | b"html") {
                    return;
                }
                if let Some(n) = Name::new(name) {
                    let scoped = tags::is_scope(n.as_str());
                    for i in (0..self.stack.len()).rev() {
                        if self.stack[i] == n {
                            self.stack.truncate(i);
                            break;
                        }
                        if !scoped && tags::is_scope(self.stack[i].as_str()) {
                            break;
                        }
                    }
                }
            }
            Class::BlockVoid | Class::BlockOpaque => self.flush(),
            Class::Inline(ctype) => self.close_inline(name, start, end, ctype),
            Class::InlineVoid(ctype) | Class::InlineOpaque(ctype) => {
                self.push_code(ItemKind::Standalone, start, end, ctype)
            }
        }
    }

    /// Pops the open block elements that `name` closes by the HTML parsing rules.
    fn implied_end_tags(&mut self, name: &str) {
        if tags::closes_p(name) {
            self.close_p();
        }
        let find = |stack: &[Name], targets: &[&str], stops: &[&str]| -> Option<usize> {
            for i in (0..stack.len()).rev() {
                let s = stack[i].as_str();
                if targets.contains(&s) {
                    return Some(i);
                }
                if stops.contains(&s) || tags::is_scope(s) && !targets.contains(&s) {
                    return None;
                }
            }
            None
        };
        let at = match name {
            "li" => find(&self.stack, &["li"], &["ul", "ol", "menu"]),
            "dt" | "dd" => find(&self.stack, &["dt", "dd"], &["dl"]),
            "td" | "th" => find(&self.stack, &["td", "th"], &["tr", "table"]),
            "tr" => find(&self.stack, &["tr"], &["table", "thead", "tbody", "tfoot"]),
            "thead" | "tbody" | "tfoot" => find(&self.stack, &["thead", "tbody", "tfoot"], &[]),
            "option" | "optgroup" => {
                let mut at = None;
                for t in ["option", "optgroup"] {
                    let n = self.stack.len();
                    if n > 0 && self.stack[n - 1].as_str() == t && (t == "option" || name == t) {
                        at = Some(n - 1);
                        self.stack.truncate(n - 1);
                    }
                }
                at
            }
            "body" => find(&self.stack, &["head"], &[]),
            _ if tags::is_heading(name) => self
                .stack
                .last()
                .filter(|n| tags::is_heading(n.as_str()))
                .map(|_| self.stack.len() - 1),
            _ => None,
        };
        if let Some(at) = at {
            self.stack.truncate(at);
        }
    }

    fn close_p(&mut self) {
        for i in (0..self.stack.len()).rev() {
            let s = self.stack[i].as_str();
            if s == "p" {
                self.stack.truncate(i);
                return;
            }
            if tags::is_scope(s) {
                return;
            }
        }
    }

    fn push_code(&mut self, kind: ItemKind, start: usize, end: usize, ctype: &'static str) {
        self.run.items.push(Item {
            kind,
            start,
            end,
            ctype,
        });
        self.check_run();
    }

    /// An inline end tag: closes the innermost open element of that name in the text; the
    /// elements opened inside it and not closed become standalone codes.
    fn close_inline(&mut self, name: &[u8], start: usize, end: usize, ctype: &'static str) {
        let run = &mut self.run;
        let found = run
            .open
            .iter()
            .rposition(|&(from, to, _)| &run.names[from..to] == name);
        match found {
            Some(k) => {
                for &(_, _, item) in &run.open[k + 1..] {
                    run.items[item].kind = ItemKind::Standalone;
                }
                let (from, _, item) = run.open[k];
                run.open.truncate(k);
                run.names.truncate(from);
                let ctype = run.items[item].ctype;
                self.push_code(ItemKind::Close { open: item }, start, end, ctype);
            }
            None => self.push_code(ItemKind::Standalone, start, end, ctype),
        }
    }

    /// A text token; server tags in it (`<% ... %>`, JSP and ASP, which HTML reads as text)
    /// are standalone codes.
    fn text_token(&mut self, value: &[u8], start: usize, end: usize) {
        let server = self.text.with(start, end, |raw| {
            raw.map(|raw| memchr::memchr_iter(b'<', raw).any(|i| raw.get(i + 1) == Some(&b'%')))
        });
        match server {
            Some(false) => return self.text_item(value, start, end),
            Some(true) => {}
            // Streaming, a token longer than the window holds: over the limit.
            None => return self.refuse(start),
        }
        let raw = self.slice(start, end);
        let raw = raw.as_bytes();
        let mut at = start;
        while let Some(open) = memchr::memmem::find(&raw[at - start..], b"<%") {
            let s = at + open;
            let e =
                memchr::memmem::find(&raw[s + 2 - start..], b"%>").map_or(end, |c| s + 2 + c + 2);
            if s > at {
                let decoded = decode_fragment(&self.slice(at, s));
                self.text_item(decoded.as_bytes(), at, s);
            }
            self.push_code(ItemKind::Standalone, s, e, "x-server");
            at = e;
        }
        if at < end {
            let decoded = decode_fragment(&self.slice(at, end));
            self.text_item(decoded.as_bytes(), at, end);
        }
    }

    fn text_item(&mut self, value: &[u8], start: usize, end: usize) {
        let value = match std::str::from_utf8(value) {
            Ok(v) => std::borrow::Cow::Borrowed(v),
            Err(_) => String::from_utf8_lossy(value),
        };
        let run = &mut self.run;
        if !run.has_text && !value.chars().all(char::is_whitespace) {
            run.has_text = true;
            run.context = self.stack.last().copied();
        }
        let from = run.buf.len();
        run.buf.push_str(&value);
        run.items.push(Item {
            kind: ItemKind::Text {
                from,
                to: run.buf.len(),
            },
            start,
            end,
            ctype: "",
        });
        self.check_run();
    }

    fn attribute_block(&mut self, name: String, value: &str, site: Option<ValueSite>) {
        let Some(site) = site else { return };
        let mut text = String::new();
        collapse(value, &mut text);
        let text = text.trim_matches(' ');
        if text.chars().all(char::is_whitespace) {
            return;
        }
        self.emit(Block::text("x-attribute", name, text.to_string()));
        if self.places {
            self.out.places.push(Place::Attr(site));
        }
    }

    /// Ends the current text: a block if it has text that is not white space.
    fn flush(&mut self) {
        let mut run = std::mem::take(&mut self.run);
        // An open code whose close was never seen is standalone.
        for &(_, _, item) in &run.open {
            run.items[item].kind = ItemKind::Standalone;
        }
        if run.has_text {
            self.block_of(&run);
        }
        // Keep the buffers.
        let Run {
            mut items,
            mut buf,
            mut open,
            mut names,
            ..
        } = run;
        items.clear();
        buf.clear();
        open.clear();
        names.clear();
        self.run = Run {
            items,
            buf,
            open,
            names,
            context: None,
            has_text: false,
        };
    }

    fn block_of(&mut self, run: &Run) {
        let items = &run.items;
        // White space and comments at the edges stay out of the block.
        let blank = |it: &Item| match it.kind {
            ItemKind::Text { from, to } => run.buf[from..to].chars().all(is_space),
            ItemKind::Standalone => it.ctype == "x-comment",
            _ => false,
        };
        let Some(first) = items.iter().position(|it| !blank(it)) else {
            return;
        };
        let last = items.iter().rposition(|it| !blank(it)).unwrap_or(first);
        let mut ids = std::mem::take(&mut self.ids);
        let space = |i: usize| self.text.byte(i).is_some_and(|c| c.is_ascii_whitespace());
        ids.clear();
        ids.resize(items.len(), 0);
        let mut next = 0u32;
        let mut pieces = Vec::with_capacity(last + 1 - first);
        let mut codes = Vec::new();
        let (mut block_start, mut block_end) = (items[first].start, items[last].end);
        for (i, it) in items.iter().enumerate().take(last + 1).skip(first) {
            match it.kind {
                ItemKind::Text { from, to } => {
                    let mut t = &run.buf[from..to];
                    if i == first {
                        t = t.trim_start_matches(is_space);
                        while self.places && block_start < block_end && space(block_start) {
                            block_start += 1;
                        }
                    }
                    if i == last {
                        t = t.trim_end_matches(is_space);
                        while self.places && block_end > block_start && space(block_end - 1) {
                            block_end -= 1;
                        }
                    }
                    let mut s = String::new();
                    collapse(t, &mut s);
                    if !s.is_empty() {
                        pieces.push(Piece::Text(s));
                    }
                }
                kind => {
                    let (id, role) = match kind {
                        ItemKind::Close { open } => (ids[open], Role::Close),
                        ItemKind::Open => {
                            next += 1;
                            (next, Role::Open)
                        }
                        _ => {
                            next += 1;
                            (next, Role::Standalone)
                        }
                    };
                    ids[i] = id;
                    pieces.push(Piece::Code(Code {
                        id,
                        role,
                        ctype: it.ctype.to_string(),
                        native: if self.natives {
                            self.slice(it.start, it.end)
                        } else {
                            String::new()
                        },
                    }));
                    if self.places {
                        codes.push((id, role, it.start, it.end));
                    }
                }
            }
        }
        self.ids = ids;
        let context = run.context.as_ref().map_or("body", Name::as_str);
        self.emit(Block {
            restype: tags::restype(context),
            name: context.to_string(),
            pieces,
        });
        if self.places {
            self.out.places.push(Place::Run {
                start: block_start,
                end: block_end,
                codes,
            });
        }
    }

    fn finish(&mut self) {
        if let Some(op) = &self.opaque
            && op.inline.is_some()
        {
            self.end_opaque(self.text.len());
        }
        self.opaque = None;
        self.flush();
    }
}

/// The text of a piece of a text token (its character references resolved), read by the
/// tokenizer again.
fn decode_fragment(raw: &str) -> String {
    let mut out: Vec<u8> = Vec::new();
    {
        let emitter =
            CallbackEmitter::new(|event: CallbackEvent<'_>, _span: Span<()>| -> Option<()> {
                if let CallbackEvent::String { value } = event {
                    out.extend_from_slice(value);
                }
                None
            });
        for _ in Tokenizer::new_with_emitter(raw.as_bytes(), Quiet(emitter)) {}
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(s: &str, quote: u8, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' if quote != b'\'' => out.push_str("&quot;"),
            '\'' if quote == b'\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn same_pieces(a: &[Piece], b: &[Piece]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Piece::Text(x), Piece::Text(y)) => x == y,
            (Piece::Code(x), Piece::Code(y)) => x.id == y.id && x.role == y.role,
            _ => false,
        })
}

/// One replacement of original bytes.
struct Edit {
    start: usize,
    end: usize,
    bytes: Vec<u8>,
}

fn merge(
    document: &[u8],
    name: &str,
    source: &Source<'_>,
    parsed: &Parsed,
    blocks: &[Vec<Piece>],
    target: &Lang,
) -> Result<Vec<u8>> {
    let fail = |message: String| -> crate::Error {
        ErrorKind::Document {
            name: name.to_string(),
            message,
        }
        .into()
    };
    if blocks.len() != parsed.blocks.len() {
        return Err(fail(format!(
            "the translation has {} blocks but the page has {}: it was made from another \
             version of the page",
            blocks.len(),
            parsed.blocks.len()
        )));
    }
    let enc = |s: &str| super::text::encode(s, source.encoding);
    let orig = |pos: usize| source.original(pos).min(document.len());
    // Attribute edits first: a translated text copies the markup of its codes, with them.
    let mut attrs: Vec<Edit> = Vec::new();
    for (i, (place, pieces)) in parsed.places.iter().zip(blocks).enumerate() {
        if let Place::Attr(site) = place
            && !same_pieces(&parsed.blocks[i].pieces, pieces)
        {
            attrs.push(attr_edit(site, &super::plain_text(pieces), &enc, &orig));
        }
    }
    attrs.sort_by_key(|e| e.start);
    let mut used = vec![false; attrs.len()];
    let mut edits: Vec<Edit> = Vec::new();
    for (i, (place, pieces)) in parsed.places.iter().zip(blocks).enumerate() {
        let Place::Run { start, end, codes } = place else {
            continue;
        };
        if same_pieces(&parsed.blocks[i].pieces, pieces) {
            continue;
        }
        let by_id: HashMap<(u32, Role), (usize, usize)> = codes
            .iter()
            .map(|&(id, r, s, e)| ((id, r), (s, e)))
            .collect();
        let mut bytes = Vec::new();
        let mut text = String::new();
        for p in pieces {
            match p {
                Piece::Text(t) => {
                    text.clear();
                    escape_text(t, &mut text);
                    bytes.extend(enc(&text));
                }
                Piece::Code(c) => {
                    let &(s, e) = by_id.get(&(c.id, c.role)).ok_or_else(|| {
                        fail(format!(
                            "block {} ({}): the translation has code {} ({:?}), which the \
                             source does not have",
                            i + 1,
                            parsed.blocks[i].name,
                            c.id,
                            c.role
                        ))
                    })?;
                    let (s, e) = (orig(s), orig(e));
                    let mut at = s;
                    let first = attrs.partition_point(|a| a.start < s);
                    for (k, a) in attrs.iter().enumerate().skip(first) {
                        if a.start >= e || a.end > e || a.start < at {
                            break;
                        }
                        bytes.extend_from_slice(&document[at..a.start]);
                        bytes.extend_from_slice(&a.bytes);
                        at = a.end;
                        used[k] = true;
                    }
                    bytes.extend_from_slice(&document[at..e.max(at)]);
                }
            }
        }
        edits.push(Edit {
            start: orig(*start),
            end: orig(*end),
            bytes,
        });
    }
    for (a, used) in attrs.into_iter().zip(used) {
        if !used {
            edits.push(a);
        }
    }
    let lang = target.as_str();
    let mut lang_set = false;
    for site in [&parsed.html_lang, &parsed.xml_lang].into_iter().flatten() {
        edits.push(lang_edit(site, lang, &enc, &orig));
        lang_set = true;
    }
    for site in parsed.meta_language.iter().chain(&parsed.body_lang) {
        edits.push(lang_edit(site, lang, &enc, &orig));
    }
    if !lang_set {
        let (at, text) = match parsed.html_insert {
            Some(at) => (at, format!(" lang=\"{lang}\"")),
            None => (
                parsed.doctype_end.unwrap_or(0),
                format!("<html lang=\"{lang}\">"),
            ),
        };
        let at = orig(at);
        edits.push(Edit {
            start: at,
            end: at,
            bytes: enc(&text),
        });
    }
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = Vec::with_capacity(document.len() + document.len() / 4);
    let mut at = 0;
    for e in edits {
        if e.start < at || e.end < e.start {
            continue; // overlapping: cannot happen for blocks of one extraction
        }
        out.extend_from_slice(&document[at..e.start]);
        out.extend_from_slice(&e.bytes);
        at = e.end;
    }
    out.extend_from_slice(&document[at..]);
    Ok(out)
}

fn attr_edit(
    site: &ValueSite,
    value: &str,
    enc: &dyn Fn(&str) -> Vec<u8>,
    orig: &dyn Fn(usize) -> usize,
) -> Edit {
    let mut s = String::new();
    if site.quote == 0 {
        s.push('"');
    }
    escape_attr(value, site.quote, &mut s);
    if site.quote == 0 {
        s.push('"');
    }
    Edit {
        start: orig(site.start),
        end: orig(site.end),
        bytes: enc(&s),
    }
}

fn lang_edit(
    site: &AttrSite,
    lang: &str,
    enc: &dyn Fn(&str) -> Vec<u8>,
    orig: &dyn Fn(usize) -> usize,
) -> Edit {
    match &site.value {
        // A language tag needs no quotes: an unquoted value stays unquoted.
        Some(v) if v.quote == 0 => Edit {
            start: orig(v.start),
            end: orig(v.end),
            bytes: enc(lang),
        },
        Some(v) => attr_edit(v, lang, enc, orig),
        None => {
            let at = orig(site.name_end);
            Edit {
                start: at,
                end: at,
                bytes: enc(&format!("=\"{lang}\"")),
            }
        }
    }
}

#[cfg(test)]
mod tests;
