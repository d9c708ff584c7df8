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
mod merge;
mod stream;
mod tags;
mod tokenizer;
mod walker;

use std::cell::RefCell;
use std::io::{Read, SeekFrom};
use std::rc::Rc;

use super::{Block, Extracted, Filter, Input, Kind, Options, Piece, Role};
use crate::error::{Error, Result};
use crate::model::{Lang, Limits};
use decode::Origin;
use stream::Window;
use tokenizer::walk;

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
        merge::merge(document, name, &source, &parsed, blocks, target)
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

#[cfg(test)]
mod tests;
