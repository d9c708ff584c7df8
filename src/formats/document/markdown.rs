//! Markdown (CommonMark with GitHub tables, strikethrough, task lists and footnotes), read with
//! pulldown-cmark's offset iterator so that every block and code is a byte range of the source.
//!
//! # What is translated
//!
//! - Headings (ATX and setext: `x-heading`, `h1`..`h6`), paragraphs (`x-paragraph`, `p`, or
//!   `blockquote` inside a block quote), list items (`x-list-item`, `li`), table cells
//!   (`x-table-cell`, `th`/`td`), footnote paragraphs (`x-footnote`).
//! - The `alt` text of an image (`![alt](src)`) is its own block (`x-attribute`, `img alt`),
//!   after the block holding the image; the image itself is a standalone `image` code.
//! - The title of an inline link or image (`[text](url "title")`) is its own block too
//!   (`x-attribute`, `link title` or `img title`), unless the source writes it with a backslash
//!   escape or an entity (it then stays as it is, in the code). Titles of reference definitions
//!   are not translated.
//! - A YAML front matter's top-level `title` and `description` scalars (`x-front-matter`).
//!
//! # Inline codes
//!
//! | source | code |
//! |---|---|
//! | `*em*`, `_em_` | `italic` pair, native `*` / `_` |
//! | `**strong**`, `__strong__` | `bold` pair, native `**` / `__` |
//! | `~~strike~~` | `x-strike` pair, native `~~` |
//! | `[text](url "title")`, `[text][ref]`, `[text]` | `link` pair, native `[` and `](url "title")`: the text is translated, the URL kept |
//! | `<http://...>` autolink | standalone `link` |
//! | `` `code` `` | standalone `x-code` |
//! | `![alt](src)` | standalone `image` (the alt text is its own block) |
//! | hard line break | standalone `lb` |
//! | inline HTML | a pair when an open tag and its close tag are in the block (`<b>` bold, `<i>`/`<em>` italic, `<a>` link, ...), else standalone `x-html` (`<br>`: `lb`) |
//! | footnote reference `[^1]` | standalone `x-footnote` |
//!
//! A soft line break is a `\n` in the text.
//!
//! # Not translated (kept byte for byte)
//!
//! Code blocks (fenced and indented), HTML blocks, link reference definitions, thematic breaks,
//! task-list markers, link URLs, and every front-matter key and value other than
//! `title` and `description`. A front-matter `lang` or `language` value is the document's
//! language: merge sets it to the target.
//!
//! # Merge
//!
//! Merge replaces the byte range of each translated block (from its first text or code to its
//! last) and nothing else; a block equal to its source is not touched, so with every block
//! unchanged the output is the input, byte for byte. Translated text is escaped so that it stays
//! text (`\`, `` ` ``, `*`, `_`, `[`, `]`, `<`, `~`, `|`, an entity-like `&`, and `#`, `>`, `-`,
//! `+`, `=`, `1.` at the start of a line). A line break in a translated paragraph continues the
//! block's lines (with the `> ` or list indentation the source uses); in an ATX heading, a table
//! cell or an alt text it becomes a space.
//!
//! Emphasis must still be emphasis after translation. CommonMark's flanking rules make `**` that
//! touches punctuation on one side and a letter on the other (`**“引用”**中文`), and `_` inside a
//! word (`__重要__的`), plain text. Merge checks each pair of emphasis delimiters against the
//! flanking rules in the merged text and writes the HTML equivalent (`<em>`, `<strong>`, `<del>`)
//! for pairs that would not parse; then it parses the merged document again and, for any block
//! whose text or codes did not come back as translated, writes all its emphasis as HTML.
//!
//! Two code spans that a translation puts side by side get a space between them (`` `a``b` ``
//! would be one span).
//!
//! Shortcut and collapsed reference links (`[Markdown site]`, `[site][]`) become full ones
//! (`[译文][Markdown site]`) when their text is translated, so that they still find their
//! definition.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options as MdOptions, Parser, Tag, TagEnd};

use super::text::{decode, encode};
use super::{Block, Code, Extracted, Filter, Kind, Options, Piece, Role, plain_text};
use crate::error::{ErrorKind, Location, Result};
use crate::model::Lang;

/// The Markdown filter.
pub struct MarkdownFilter;

impl Filter for MarkdownFilter {
    fn extract(&self, document: &[u8], name: &str, options: &Options) -> Result<Extracted> {
        let decoded = decode(document, name, options.encoding.as_deref())?;
        let parsed = parse(&decoded.text);
        let mut out = Extracted::new(
            Kind::Markdown,
            parsed.blocks.iter().map(SrcBlock::to_block).collect(),
        );
        out.encoding = decoded.encoding.name();
        if let Some(fm) = &parsed.front {
            out.lang = fm.lang.as_ref().map(|l| l.value.clone());
            for key in &fm.skipped {
                out.warnings.push(format!(
                    "the front matter's {key:?} is not a one-line value: it is not translated"
                ));
            }
        }
        Ok(out)
    }

    fn merge(
        &self,
        document: &[u8],
        name: &str,
        options: &Options,
        blocks: &[Vec<Piece>],
        target: &Lang,
    ) -> Result<Vec<u8>> {
        let decoded = decode(document, name, options.encoding.as_deref())?;
        let text = merge_text(&decoded.text, name, blocks, target, false)?;
        let mut out = document[..decoded.bom].to_vec();
        out.extend(encode(&text, decoded.encoding));
        Ok(out)
    }
}

fn md_options() -> MdOptions {
    MdOptions::ENABLE_TABLES
        | MdOptions::ENABLE_STRIKETHROUGH
        | MdOptions::ENABLE_FOOTNOTES
        | MdOptions::ENABLE_TASKLISTS
}

/// How a block's translated text is written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Style {
    /// A paragraph, list item or setext heading: a line break continues with `sep` (the line
    /// ending and the continuation prefix, `> ` or the list indentation).
    Flow { sep: String },
    /// One line: an ATX heading (`hash`: `#` is escaped everywhere), a table cell, an alt text.
    Line { hash: bool },
    /// A front-matter scalar, written in its quoting style.
    Front(Quote),
    /// A link or image title between quotes (`"`, `'`) or parentheses (`)`).
    Title(char),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Plain,
    Single,
    Double,
}

/// What merge does with a code beyond writing its source bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CodeKind {
    Plain,
    /// An emphasis delimiter (`*`, `__`, `~~`) and the HTML that stands for it when the
    /// delimiter would not parse.
    Delim {
        ch: char,
        html: &'static str,
    },
    /// The end of a shortcut or collapsed reference link: its label, written as `][label]`.
    LinkClose {
        label: Option<Range<usize>>,
    },
    /// A hard line break: what follows starts a line.
    Break,
}

#[derive(Debug, Clone)]
enum SrcPiece {
    Text(String),
    Code {
        code: Code,
        /// The bytes merge writes for the code (the native markup, and for a line break the
        /// continuation prefix after it).
        merge: Range<usize>,
        kind: CodeKind,
    },
}

#[derive(Debug, Clone)]
struct SrcBlock {
    restype: &'static str,
    name: String,
    pieces: Vec<SrcPiece>,
    /// From the first text or code to the last.
    range: Range<usize>,
    style: Style,
    /// The number of blocks after this one that lie inside it (alt texts of its images).
    descendants: usize,
}

impl SrcBlock {
    fn to_block(&self) -> Block {
        Block {
            restype: self.restype,
            name: self.name.clone(),
            pieces: self
                .pieces
                .iter()
                .map(|p| match p {
                    SrcPiece::Text(t) => Piece::Text(t.clone()),
                    SrcPiece::Code { code, .. } => Piece::Code(code.clone()),
                })
                .collect(),
        }
    }
}

/// A front-matter value.
#[derive(Debug, Clone)]
struct FmValue {
    key: String,
    value: String,
    range: Range<usize>,
    quote: Quote,
}

#[derive(Debug, Clone, Default)]
struct FrontMatter {
    /// Where the Markdown after the closing `---` starts.
    body: usize,
    fields: Vec<FmValue>,
    lang: Option<FmValue>,
    /// `title` or `description` keys whose value is not a one-line scalar.
    skipped: Vec<String>,
}

struct Parsed {
    blocks: Vec<SrcBlock>,
    front: Option<FrontMatter>,
}

/// Extracts the blocks of a Markdown text (deterministic: merge extracts again).
fn parse(src: &str) -> Parsed {
    let front = front_matter(src);
    let mut blocks = Vec::new();
    let body = front.as_ref().map_or(0, |f| f.body);
    if let Some(fm) = &front {
        for f in &fm.fields {
            blocks.push(SrcBlock {
                restype: "x-front-matter",
                name: f.key.clone(),
                pieces: vec![SrcPiece::Text(f.value.clone())],
                range: f.range.clone(),
                style: Style::Front(f.quote),
                descendants: 0,
            });
        }
    }
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(&src[body..], md_options())
        .into_offset_iter()
        .map(|(e, r)| (e, r.start + body..r.end + body))
        .collect();
    let eol = match memchr::memchr(b'\n', src.as_bytes()) {
        Some(i) if i > 0 && src.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    };
    let mut walker = Walker {
        src,
        events,
        i: 0,
        blocks,
        containers: Vec::new(),
        eol,
        depth: 0,
    };
    walker.run();
    Parsed {
        blocks: walker.blocks,
        front,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Quote,
    Item,
    Footnote,
    TableHead,
    Other,
}

struct Walker<'a> {
    src: &'a str,
    events: Vec<(Event<'a>, Range<usize>)>,
    i: usize,
    blocks: Vec<SrcBlock>,
    containers: Vec<Container>,
    eol: &'static str,
    /// Images being read inside the alt text of images.
    depth: usize,
}

/// How deep images in alt texts are read as blocks.
const MAX_IMAGE_DEPTH: usize = 16;

/// Where an inline run stops.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At the end tag closing the block (consumed).
    End,
    /// Before the first event that is not inline (the text of a tight list item).
    Run,
}

/// The pieces of a block being read.
#[derive(Default)]
struct Acc {
    pieces: Vec<SrcPiece>,
    first: Option<usize>,
    last: usize,
    /// The line ending and prefix after the first soft break.
    sep: Option<String>,
    children: Vec<SrcBlock>,
    next_id: u32,
}

impl Acc {
    fn touch(&mut self, r: &Range<usize>) {
        if self.first.is_none() {
            self.first = Some(r.start);
        }
        self.last = self.last.max(r.end);
    }

    fn text(&mut self, src: &str, t: &str, r: &Range<usize>) {
        if t.is_empty() {
            return;
        }
        // A backslash escape's text starts after the backslash: the block starts at it.
        let escaped = r.start > 0
            && src.as_bytes()[r.start - 1] == b'\\'
            && src
                .as_bytes()
                .get(r.start)
                .is_some_and(u8::is_ascii_punctuation);
        self.touch(&if escaped {
            r.start - 1..r.end
        } else {
            r.clone()
        });
        if let Some(SrcPiece::Text(prev)) = self.pieces.last_mut() {
            prev.push_str(t);
        } else {
            self.pieces.push(SrcPiece::Text(t.to_string()));
        }
    }

    fn code(
        &mut self,
        id: u32,
        role: Role,
        ctype: &str,
        native: &str,
        merge: Range<usize>,
        kind: CodeKind,
    ) {
        self.touch(&merge);
        self.pieces.push(SrcPiece::Code {
            code: Code {
                id,
                role,
                ctype: ctype.to_string(),
                native: native.to_string(),
            },
            merge,
            kind,
        });
    }

    fn new_id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }
}

/// An open inline span.
struct OpenSpan {
    id: u32,
    start: usize,
    kind: SpanKind,
}

enum SpanKind {
    Delim {
        ch: char,
        n: usize,
        ctype: &'static str,
        html_close: &'static str,
    },
    Link {
        label: bool,
        /// The title of an inline link.
        title: Option<String>,
    },
}

impl<'a> Walker<'a> {
    fn run(&mut self) {
        while self.i < self.events.len() {
            let (event, range) = self.events[self.i].clone();
            match event {
                Event::Start(tag) => match tag {
                    Tag::Paragraph => {
                        let (restype, name) = self.paragraph_kind();
                        self.i += 1;
                        self.block(restype, name, Stop::End, None);
                    }
                    Tag::Heading { level, .. } => {
                        let atx = self.src[range.start..]
                            .trim_start_matches([' ', '\t'])
                            .starts_with('#');
                        self.i += 1;
                        let style = atx.then_some(Style::Line { hash: true });
                        self.block(
                            "x-heading",
                            format!("h{}", level as usize),
                            Stop::End,
                            style,
                        );
                    }
                    Tag::TableCell => {
                        let name = if self.containers.last() == Some(&Container::TableHead) {
                            "th"
                        } else {
                            "td"
                        };
                        self.i += 1;
                        self.block(
                            "x-table-cell",
                            name.to_string(),
                            Stop::End,
                            Some(Style::Line { hash: false }),
                        );
                    }
                    Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_) => self.skip(),
                    Tag::BlockQuote(_) => self.push(Container::Quote),
                    Tag::Item => self.push(Container::Item),
                    Tag::FootnoteDefinition(_) => self.push(Container::Footnote),
                    Tag::TableHead => self.push(Container::TableHead),
                    Tag::Emphasis
                    | Tag::Strong
                    | Tag::Strikethrough
                    | Tag::Link { .. }
                    | Tag::Image { .. }
                    | Tag::Superscript
                    | Tag::Subscript => self.run_block(),
                    _ => self.push(Container::Other),
                },
                Event::End(_) => {
                    self.containers.pop();
                    self.i += 1;
                }
                Event::Text(_)
                | Event::Code(_)
                | Event::InlineMath(_)
                | Event::DisplayMath(_)
                | Event::InlineHtml(_)
                | Event::FootnoteReference(_)
                | Event::SoftBreak
                | Event::HardBreak => self.run_block(),
                Event::Html(_) | Event::Rule | Event::TaskListMarker(_) => self.i += 1,
            }
        }
    }

    fn push(&mut self, c: Container) {
        self.containers.push(c);
        self.i += 1;
    }

    /// Inline content directly in a container (a tight list item).
    fn run_block(&mut self) {
        let (restype, name) = self.paragraph_kind();
        let before = self.i;
        self.block(restype, name, Stop::Run, None);
        if self.i == before {
            // Not inline after all: never loop.
            self.i += 1;
        }
    }

    /// Skips a block and everything in it.
    fn skip(&mut self) {
        let mut depth = 0usize;
        while self.i < self.events.len() {
            match &self.events[self.i].0 {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.i += 1;
            if depth == 0 {
                break;
            }
        }
    }

    fn paragraph_kind(&self) -> (&'static str, String) {
        for c in self.containers.iter().rev() {
            match c {
                Container::Item => return ("x-list-item", "li".to_string()),
                Container::Footnote => return ("x-footnote", "footnote".to_string()),
                Container::Quote => return ("x-paragraph", "blockquote".to_string()),
                _ => {}
            }
        }
        ("x-paragraph", "p".to_string())
    }

    /// Reads a block's inline content and records the block (when it has text) and the alt
    /// texts of its images.
    fn block(&mut self, restype: &'static str, name: String, stop: Stop, style: Option<Style>) {
        let acc = self.inline(stop);
        let Some(first) = acc.first else {
            self.blocks.extend(acc.children);
            return;
        };
        let style = style.unwrap_or_else(|| Style::Flow {
            sep: acc.sep.clone().unwrap_or_else(|| self.continuation(first)),
        });
        self.finish(restype, name, acc, first, style);
    }

    fn finish(
        &mut self,
        restype: &'static str,
        name: String,
        acc: Acc,
        first: usize,
        style: Style,
    ) {
        let Acc {
            mut pieces,
            last,
            children,
            ..
        } = acc;
        let has_text = pieces
            .iter()
            .any(|p| matches!(p, SrcPiece::Text(t) if !t.trim().is_empty()));
        if has_text {
            pair_html(&mut pieces);
            self.blocks.push(SrcBlock {
                restype,
                name,
                pieces,
                range: first..last,
                style,
                descendants: children.len(),
            });
        }
        self.blocks.extend(children);
    }

    /// The line ending and prefix that continue a block starting at `at`: the container
    /// markers of its first line, list markers turned into spaces.
    fn continuation(&self, at: usize) -> String {
        let line = self.src[..at].rfind('\n').map_or(0, |i| i + 1);
        let mut sep = self.eol.to_string();
        for c in self.src[line..at].chars() {
            sep.push(if matches!(c, '>' | ' ' | '\t') {
                c
            } else {
                ' '
            });
        }
        sep
    }

    /// The end of the line prefix (`>`, spaces, tabs) after the line break ending at `from`,
    /// up to the next event.
    fn prefix_end(&self, at: usize, from: usize) -> usize {
        let next = self
            .events
            .get(at + 1)
            .map_or(from, |(_, r)| r.start)
            .max(from);
        let gap = &self.src[from..next];
        from + gap
            .find(|c: char| !matches!(c, '>' | ' ' | '\t'))
            .unwrap_or(gap.len())
    }

    fn inline(&mut self, stop: Stop) -> Acc {
        let src = self.src;
        let mut acc = Acc::default();
        let mut open: Vec<OpenSpan> = Vec::new();
        while self.i < self.events.len() {
            let (event, r) = self.events[self.i].clone();
            match event {
                Event::Text(t) => acc.text(src, &t, &r),
                Event::SoftBreak => {
                    let nl = src[r.clone()]
                        .find(['\r', '\n'])
                        .map_or(r.start, |k| r.start + k);
                    let next = self.prefix_end(self.i, r.end);
                    if acc.sep.is_none() {
                        acc.sep = Some(src[nl..next].to_string());
                    }
                    acc.text(src, "\n", &r);
                }
                Event::HardBreak => {
                    let next = self.prefix_end(self.i, r.end);
                    let id = acc.new_id();
                    acc.code(
                        id,
                        Role::Standalone,
                        "lb",
                        &src[r.clone()],
                        r.start..next,
                        CodeKind::Break,
                    );
                }
                Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                    let id = acc.new_id();
                    acc.code(
                        id,
                        Role::Standalone,
                        "x-code",
                        &src[r.clone()],
                        r,
                        CodeKind::Plain,
                    );
                }
                Event::InlineHtml(_) | Event::Html(_) => {
                    let id = acc.new_id();
                    acc.code(
                        id,
                        Role::Standalone,
                        "x-html",
                        &src[r.clone()],
                        r,
                        CodeKind::Plain,
                    );
                }
                Event::FootnoteReference(_) => {
                    let id = acc.new_id();
                    acc.code(
                        id,
                        Role::Standalone,
                        "x-footnote",
                        &src[r.clone()],
                        r,
                        CodeKind::Plain,
                    );
                }
                Event::TaskListMarker(_) | Event::Rule => {
                    if acc.first.is_some() && stop == Stop::Run {
                        break;
                    }
                }
                Event::Start(tag) => match tag {
                    Tag::Emphasis | Tag::Strong | Tag::Strikethrough => {
                        let ch = src[r.start..].chars().next().unwrap_or('*');
                        let (n, ctype, html, html_close) = match tag {
                            Tag::Emphasis => (1, "italic", "<em>", "</em>"),
                            Tag::Strong => (2, "bold", "<strong>", "</strong>"),
                            _ => {
                                let lead = src[r.clone()].bytes().take_while(|&b| b == b'~');
                                let trail = src[r.clone()].bytes().rev().take_while(|&b| b == b'~');
                                let n = lead.count().min(trail.count()).clamp(1, 2);
                                (n, "x-strike", "<del>", "</del>")
                            }
                        };
                        let n = n.min(r.len() / 2).max(1);
                        let id = acc.new_id();
                        let m = r.start..(r.start + n).min(r.end);
                        acc.code(
                            id,
                            Role::Open,
                            ctype,
                            &src[m.clone()],
                            m,
                            CodeKind::Delim { ch, html },
                        );
                        open.push(OpenSpan {
                            id,
                            start: r.start,
                            kind: SpanKind::Delim {
                                ch,
                                n,
                                ctype,
                                html_close,
                            },
                        });
                    }
                    Tag::Link {
                        link_type, title, ..
                    } => match link_type {
                        LinkType::Autolink | LinkType::Email => {
                            let id = acc.new_id();
                            acc.code(
                                id,
                                Role::Standalone,
                                "link",
                                &src[r.clone()],
                                r,
                                CodeKind::Plain,
                            );
                            self.skip();
                            continue;
                        }
                        _ => {
                            let id = acc.new_id();
                            let m = r.start..(r.start + 1).min(r.end);
                            acc.code(id, Role::Open, "link", &src[m.clone()], m, CodeKind::Plain);
                            let label = matches!(
                                link_type,
                                LinkType::Shortcut
                                    | LinkType::ShortcutUnknown
                                    | LinkType::Collapsed
                                    | LinkType::CollapsedUnknown
                            );
                            let title = (link_type == LinkType::Inline && !title.is_empty())
                                .then(|| title.to_string());
                            open.push(OpenSpan {
                                id,
                                start: r.start,
                                kind: SpanKind::Link { label, title },
                            });
                        }
                    },
                    Tag::Image { .. } if self.depth >= MAX_IMAGE_DEPTH => {
                        // Images in the alt text of images, deeper than anyone writes: the
                        // rest is one code (and the stack stays bounded).
                        let id = acc.new_id();
                        acc.code(
                            id,
                            Role::Standalone,
                            "image",
                            &src[r.clone()],
                            r,
                            CodeKind::Plain,
                        );
                        self.skip();
                        continue;
                    }
                    Tag::Image {
                        link_type, title, ..
                    } => {
                        self.i += 1;
                        self.depth += 1;
                        let alt = self.inline(Stop::End);
                        self.depth -= 1;
                        let id = acc.new_id();
                        acc.code(
                            id,
                            Role::Standalone,
                            "image",
                            &src[r.clone()],
                            r.clone(),
                            CodeKind::Plain,
                        );
                        if let Some(first) = alt.first {
                            let mut children = std::mem::take(&mut acc.children);
                            let saved = std::mem::take(&mut self.blocks);
                            self.finish(
                                "x-attribute",
                                "img alt".to_string(),
                                alt,
                                first,
                                Style::Line { hash: false },
                            );
                            children.append(&mut self.blocks);
                            self.blocks = saved;
                            acc.children = children;
                        } else {
                            acc.children.extend(alt.children);
                        }
                        if link_type == LinkType::Inline {
                            title_block(src, &mut acc, "img title", r, &title);
                        }
                        continue;
                    }
                    Tag::Superscript | Tag::Subscript => {}
                    _ => break,
                },
                Event::End(end) => {
                    if matches!(end, TagEnd::Superscript | TagEnd::Subscript) {
                        self.i += 1;
                        continue;
                    }
                    if let Some(span) = open.pop() {
                        match span.kind {
                            SpanKind::Delim {
                                ch,
                                n,
                                ctype,
                                html_close,
                            } => {
                                let s = r.end.saturating_sub(n).max(span.start);
                                acc.code(
                                    span.id,
                                    Role::Close,
                                    ctype,
                                    &src[s..r.end],
                                    s..r.end,
                                    CodeKind::Delim {
                                        ch,
                                        html: html_close,
                                    },
                                );
                            }
                            SpanKind::Link { label, title } => {
                                let from = acc.last.max(span.start + 1).min(r.end);
                                let close = src[from..r.end].find(']').map_or(from, |k| from + k);
                                let label = label.then(|| (span.start + 1).min(close)..close);
                                acc.code(
                                    span.id,
                                    Role::Close,
                                    "link",
                                    &src[close..r.end],
                                    close..r.end,
                                    CodeKind::LinkClose { label },
                                );
                                if let Some(title) = title {
                                    title_block(src, &mut acc, "link title", close..r.end, &title);
                                }
                            }
                        }
                    } else {
                        if stop == Stop::End {
                            self.i += 1;
                        }
                        break;
                    }
                }
            }
            self.i += 1;
        }
        acc
    }
}

/// The title of an inline link or image (`[text](url "title")`, `'title'`, `(title)`) as a
/// block of its own, when the source writes it as it reads (no escape, no entity): the bytes
/// between its quotes are replaced on merge.
fn title_block(src: &str, acc: &mut Acc, name: &str, range: Range<usize>, title: &str) {
    let s = &src[range.clone()];
    let Some(body) = s.strip_suffix(')') else {
        return;
    };
    let body = body.trim_end();
    let (open, close) = match body.chars().last() {
        Some('"') => ('"', '"'),
        Some('\'') => ('\'', '\''),
        Some(')') => ('(', ')'),
        _ => return,
    };
    let end = body.len() - 1;
    let Some(start) = body[..end].rfind(open) else {
        return;
    };
    let content = &body[start + 1..end];
    if content != title || content.trim().is_empty() {
        return;
    }
    acc.children.push(SrcBlock {
        restype: "x-attribute",
        name: name.to_string(),
        pieces: vec![SrcPiece::Text(content.to_string())],
        range: range.start + start + 1..range.start + end,
        style: Style::Title(close),
        descendants: 0,
    });
}

/// The tag name of inline HTML and whether it opens (`Some(true)`), closes (`Some(false)`) or
/// stands alone (`None`: comments, declarations, self-closing and void tags).
fn html_tag(native: &str) -> (String, Option<bool>) {
    let inner = native.strip_prefix('<').unwrap_or(native);
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() {
        return (name, None);
    }
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    if closing {
        (name, Some(false))
    } else if native.trim_end().ends_with("/>") || VOID.contains(&name.as_str()) {
        (name, None)
    } else {
        (name, Some(true))
    }
}

fn html_ctype(name: &str) -> &'static str {
    match name {
        "b" | "strong" => "bold",
        "i" | "em" | "cite" | "dfn" | "var" => "italic",
        "u" | "ins" => "underlined",
        "a" => "link",
        "sup" => "x-sup",
        "sub" => "x-sub",
        "s" | "del" | "strike" => "x-strike",
        "code" | "kbd" | "samp" | "tt" => "x-code",
        "br" => "lb",
        "img" => "image",
        _ => "x-span",
    }
}

/// Turns inline HTML tags into codes: an open tag and its close tag, properly nested with the
/// other codes of the block, become a pair; other tags stay standalone. Ids are then numbered
/// in order.
fn pair_html(pieces: &mut [SrcPiece]) {
    enum Entry {
        Html(usize, String),
        Span,
    }
    let mut stack: Vec<Entry> = Vec::new();
    let mut pairs: Vec<(usize, usize, String)> = Vec::new();
    for (k, p) in pieces.iter().enumerate() {
        let SrcPiece::Code { code, .. } = p else {
            continue;
        };
        if code.ctype == "x-html" && code.role == Role::Standalone {
            let (name, open) = html_tag(&code.native);
            match open {
                Some(true) => stack.push(Entry::Html(k, name)),
                Some(false) => {
                    // The nearest open tag of that name above the innermost open span (among
                    // the 64 innermost: the search stays linear); the unclosed tags above it
                    // stay standalone.
                    let mut found = None;
                    for (d, e) in stack.iter().enumerate().rev().take(64) {
                        match e {
                            Entry::Html(o, n) if *n == name => {
                                found = Some((d, *o));
                                break;
                            }
                            Entry::Html(..) => {}
                            Entry::Span => break,
                        }
                    }
                    if let Some((d, o)) = found {
                        pairs.push((o, k, name));
                        stack.truncate(d);
                    }
                }
                None => {}
            }
        } else {
            match code.role {
                Role::Open => stack.push(Entry::Span),
                Role::Close => {
                    while let Some(Entry::Html(..)) = stack.last() {
                        stack.pop();
                    }
                    stack.pop();
                }
                Role::Standalone => {}
            }
        }
    }
    for p in pieces.iter_mut() {
        if let SrcPiece::Code { code, .. } = p
            && code.ctype == "x-html"
        {
            let (name, open) = html_tag(&code.native);
            if open.is_none() && matches!(name.as_str(), "br" | "img") {
                code.ctype = html_ctype(&name).to_string();
            }
        }
    }
    for (o, c, name) in pairs {
        for (k, role) in [(o, Role::Open), (c, Role::Close)] {
            if let SrcPiece::Code { code, .. } = &mut pieces[k] {
                code.role = role;
                code.ctype = html_ctype(&name).to_string();
                code.id = u32::MAX - o as u32;
            }
        }
    }
    // Number ids in order: a close takes its open's.
    let mut next = 0u32;
    let mut map: HashMap<u32, u32> = HashMap::new();
    for p in pieces.iter_mut() {
        if let SrcPiece::Code { code, .. } = p {
            match code.role {
                Role::Open | Role::Standalone => {
                    next += 1;
                    if code.role == Role::Open {
                        map.insert(code.id, next);
                    }
                    code.id = next;
                }
                Role::Close => {
                    if let Some(&new) = map.get(&code.id) {
                        code.id = new;
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Front matter

/// A YAML front matter: `---` on the first line, a top-level mapping (the first line that is not
/// blank or a comment is a `key:`; every unindented line is a key, a `- ` item or a comment),
/// closed by `---` or `...`. A document starting with a thematic break `---` followed by text
/// is not one.
fn front_matter(src: &str) -> Option<FrontMatter> {
    let first_end = src.find('\n')?;
    if src[..first_end].trim_end() != "---" {
        return None;
    }
    let mut fm = FrontMatter::default();
    let mut pos = first_end + 1;
    let mut seen_key = false;
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let body = loop {
        if pos >= src.len() {
            return None;
        }
        let end = src[pos..].find('\n').map_or(src.len(), |k| pos + k + 1);
        let line = src[pos..end].trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            break end;
        }
        let blank = trimmed.trim_start().is_empty() || trimmed.trim_start().starts_with('#');
        let indented = line.starts_with([' ', '\t']);
        if !blank && !indented {
            let key = key_of(line).is_some();
            if !key && !(seen_key && (trimmed == "-" || trimmed.starts_with("- "))) {
                return None;
            }
            seen_key |= key;
        }
        lines.push((pos, line));
        pos = end;
    };
    if !seen_key {
        return None;
    }
    fm.body = body;
    for (k, &(start, line)) in lines.iter().enumerate() {
        let Some(colon) = key_of(line) else {
            continue;
        };
        let key = line[..colon].trim();
        let wanted = matches!(key, "title" | "description");
        let lang = matches!(key, "lang" | "language");
        if !wanted && !lang {
            continue;
        }
        let value_start =
            colon + 1 + (line[colon + 1..].len() - line[colon + 1..].trim_start().len());
        let continued = lines.get(k + 1).is_some_and(|(_, next)| {
            next.starts_with([' ', '\t'])
                && !next.trim().is_empty()
                && !next.trim().starts_with('#')
        });
        match scalar(&line[value_start..]) {
            Some((value, len, quote)) if !continued && !value.trim().is_empty() => {
                let v = FmValue {
                    key: key.to_string(),
                    value,
                    range: start + value_start..start + value_start + len,
                    quote,
                };
                if lang {
                    fm.lang = Some(v);
                } else {
                    fm.fields.push(v);
                }
            }
            _ if wanted && (continued || !line[value_start..].trim().is_empty()) => {
                fm.skipped.push(key.to_string())
            }
            _ => {}
        }
    }
    Some(fm)
}

/// The byte position of the colon ending a top-level `key:` line.
fn key_of(line: &str) -> Option<usize> {
    let c = line.chars().next()?;
    if c.is_whitespace() || "-?:,[]{}#&*!|>'\"%@`".contains(c) {
        return None;
    }
    let bytes = line.as_bytes();
    (0..bytes.len())
        .find(|&i| bytes[i] == b':' && bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t'))
}

/// A one-line YAML scalar at the start of `s`: its value, its length in `s` and its style.
/// `None` for anything else (block scalars, anchors, aliases, tags, flow collections, a quoted
/// scalar that does not close on the line, text after the scalar other than a comment).
fn scalar(s: &str) -> Option<(String, usize, Quote)> {
    let rest_ok = |rest: &str| {
        let t = rest.trim_start();
        t.is_empty() || (t.starts_with('#') && rest.len() > t.len())
    };
    let first = s.chars().next()?;
    match first {
        '\'' => {
            let mut value = String::new();
            let mut it = s.char_indices().skip(1).peekable();
            while let Some((i, c)) = it.next() {
                if c == '\'' {
                    if let Some((_, '\'')) = it.peek() {
                        it.next();
                        value.push('\'');
                        continue;
                    }
                    return rest_ok(&s[i + 1..]).then_some((value, i + 1, Quote::Single));
                }
                value.push(c);
            }
            None
        }
        '"' => {
            let mut value = String::new();
            let mut it = s.char_indices().skip(1);
            while let Some((i, c)) = it.next() {
                match c {
                    '"' => return rest_ok(&s[i + 1..]).then_some((value, i + 1, Quote::Double)),
                    '\\' => {
                        let (_, e) = it.next()?;
                        let hex = |it: &mut std::iter::Skip<std::str::CharIndices>, n: usize| {
                            let mut v = 0u32;
                            for _ in 0..n {
                                v = v * 16 + it.next()?.1.to_digit(16)?;
                            }
                            char::from_u32(v)
                        };
                        value.push(match e {
                            '0' => '\0',
                            'a' => '\x07',
                            'b' => '\x08',
                            't' | '\t' => '\t',
                            'n' => '\n',
                            'v' => '\x0b',
                            'f' => '\x0c',
                            'r' => '\r',
                            'e' => '\x1b',
                            ' ' => ' ',
                            '"' => '"',
                            '/' => '/',
                            '\\' => '\\',
                            'N' => '\u{85}',
                            '_' => '\u{a0}',
                            'L' => '\u{2028}',
                            'P' => '\u{2029}',
                            'x' => hex(&mut it, 2)?,
                            'u' => hex(&mut it, 4)?,
                            'U' => hex(&mut it, 8)?,
                            _ => return None,
                        });
                    }
                    c => value.push(c),
                }
            }
            None
        }
        '|' | '>' | '&' | '*' | '!' | '[' | '{' | '%' | '@' | '`' => None,
        _ => {
            let end = s.find(" #").or_else(|| s.find("\t#")).unwrap_or(s.len());
            let value = s[..end].trim_end();
            Some((value.to_string(), value.len(), Quote::Plain))
        }
    }
}

/// A front-matter value in its quoting style; a plain value that would not read back as the
/// same string is double-quoted.
fn render_scalar(value: &str, quote: Quote) -> String {
    let value = value.trim();
    let one_line: String = value
        .chars()
        .filter(|c| *c != '\r')
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    match quote {
        Quote::Plain if plain_safe(&one_line) => one_line,
        Quote::Single => format!("'{}'", one_line.replace('\'', "''")),
        Quote::Plain | Quote::Double => {
            let mut out = String::from("\"");
            for c in value.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if c.is_control() => {
                        out.push_str(&format!("\\u{:04x}", c as u32));
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
    }
}

/// Whether a string reads back as itself, a string, when written as a plain YAML scalar.
fn plain_safe(v: &str) -> bool {
    let Some(first) = v.chars().next() else {
        return false;
    };
    let lower = v.to_ascii_lowercase();
    !(first.is_whitespace()
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || v.ends_with(char::is_whitespace)
        || v.ends_with(':')
        || v.contains(": ")
        || v.contains(" #")
        || v.chars().any(|c| c.is_control())
        || matches!(
            lower.as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
        )
        || v.parse::<f64>().is_ok()
        || v.chars().all(|c| c.is_ascii_digit() || "-:. +".contains(c)))
}

// ---------------------------------------------------------------------------------------------
// Merge

/// The merged text: each translated block in place of its source, and the front-matter
/// language set to `target`. `force` writes every block from its pieces even when it equals its
/// source (for tests of the writer).
fn merge_text(
    src: &str,
    name: &str,
    blocks: &[Vec<Piece>],
    target: &Lang,
    force: bool,
) -> Result<String> {
    let parsed = parse(src);
    if blocks.len() != parsed.blocks.len() {
        return Err(ErrorKind::Document {
            name: name.to_string(),
            message: format!(
                "{} translated blocks for {} in the document: the translation does not belong to \
                 this document",
                blocks.len(),
                parsed.blocks.len()
            ),
        }
        .into());
    }
    let mut html = vec![false; blocks.len()];
    let out = render(src, name, &parsed, blocks, target, force, &html)?;
    let again = parse(&out);
    if again.blocks.len() != parsed.blocks.len() {
        return Ok(out);
    }
    let mut retry = false;
    for (i, b) in parsed.blocks.iter().enumerate() {
        let has_delims = b.pieces.iter().any(|p| {
            matches!(
                p,
                SrcPiece::Code {
                    kind: CodeKind::Delim { .. },
                    ..
                }
            )
        });
        if has_delims && !same_shape(&again.blocks[i].pieces, &blocks[i]) {
            html[i] = true;
            retry = true;
        }
    }
    if retry {
        return render(src, name, &parsed, blocks, target, force, &html);
    }
    Ok(out)
}

/// Adjacent text pieces joined, empty ones left out.
fn joined(pieces: &[Piece]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match p {
            Piece::Text(t) if t.is_empty() => {}
            Piece::Text(t) => {
                if let Some(Piece::Text(prev)) = out.last_mut() {
                    prev.push_str(t);
                } else {
                    out.push(p.clone());
                }
            }
            Piece::Code(_) => out.push(p.clone()),
        }
    }
    out
}

/// Whether translated pieces equal the source's (codes compared by id and role).
fn unchanged(src: &[SrcPiece], t: &[Piece]) -> bool {
    let t = joined(t);
    src.len() == t.len()
        && src.iter().zip(&t).all(|(s, t)| match (s, t) {
            (SrcPiece::Text(a), Piece::Text(b)) => a == b,
            (SrcPiece::Code { code: a, .. }, Piece::Code(b)) => a.id == b.id && a.role == b.role,
            _ => false,
        })
}

/// Whether a block read back from the merged text has the translated text (white space aside)
/// and as many codes: no text became markup and no code became text. (The roles may differ:
/// an HTML tag the source left unclosed can pair with one written for emphasis.)
fn same_shape(back: &[SrcPiece], t: &[Piece]) -> bool {
    let text_back: String = back
        .iter()
        .filter_map(|p| match p {
            SrcPiece::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .flat_map(|t| t.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let text_t: String = plain_text(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let codes_back = back
        .iter()
        .filter(|p| matches!(p, SrcPiece::Code { .. }))
        .count();
    let codes_t = t.iter().filter(|p| matches!(p, Piece::Code(_))).count();
    text_back == text_t && codes_back == codes_t
}

/// `src[range]` with the edits inside it applied (the outermost ones; edits are in document
/// order and do not overlap unless nested).
fn splice<'e>(
    src: &str,
    range: Range<usize>,
    edits: impl Iterator<Item = &'e (Range<usize>, String)>,
) -> String {
    let mut out = String::new();
    let mut at = range.start;
    for (r, s) in edits {
        if r.start < at || r.end > range.end || r.start < range.start {
            continue;
        }
        out.push_str(&src[at..r.start]);
        out.push_str(s);
        at = r.end;
    }
    out.push_str(&src[at..range.end]);
    out
}

fn render(
    src: &str,
    name: &str,
    parsed: &Parsed,
    blocks: &[Vec<Piece>],
    target: &Lang,
    force: bool,
    html: &[bool],
) -> Result<String> {
    let n = parsed.blocks.len();
    let mut edits: Vec<Option<(Range<usize>, String)>> = vec![None; n];
    for i in (0..n).rev() {
        let b = &parsed.blocks[i];
        if !force && unchanged(&b.pieces, &blocks[i]) {
            continue;
        }
        let inner = &edits[i + 1..=i + b.descendants];
        let s = render_block(src, name, b, i, &blocks[i], inner, html[i])?;
        edits[i] = Some((b.range.clone(), s));
    }
    let mut top: Vec<(Range<usize>, String)> = edits.into_iter().flatten().collect();
    if let Some(lang) = parsed.front.as_ref().and_then(|f| f.lang.as_ref())
        && lang.value != target.as_str()
    {
        top.push((
            lang.range.clone(),
            render_scalar(target.as_str(), lang.quote),
        ));
    }
    top.sort_by_key(|(r, _)| r.start);
    Ok(splice(src, 0..src.len(), top.iter()))
}

fn render_block(
    src: &str,
    name: &str,
    b: &SrcBlock,
    index: usize,
    t: &[Piece],
    inner: &[Option<(Range<usize>, String)>],
    html_all: bool,
) -> Result<String> {
    match b.style {
        Style::Front(q) => return Ok(render_scalar(&plain_text(t), q)),
        Style::Title(close) => return Ok(render_title(&plain_text(t), close)),
        _ => {}
    }
    let mut pieces = joined(t);
    if let Some(Piece::Text(s)) = pieces.first_mut() {
        *s = s.trim_start().to_string();
    }
    if let Some(Piece::Text(s)) = pieces.last_mut() {
        *s = s.trim_end().to_string();
    }
    let codes: HashMap<(u32, Role), (&Range<usize>, &CodeKind)> = b
        .pieces
        .iter()
        .filter_map(|p| match p {
            SrcPiece::Code { code, merge, kind } => Some(((code.id, code.role), (merge, kind))),
            SrcPiece::Text(_) => None,
        })
        .collect();
    // The translated alt texts of the block's images, in document order.
    let inner: Vec<&(Range<usize>, String)> = inner.iter().flatten().collect();
    let mut out = String::new();
    let mut line_start = matches!(b.style, Style::Flow { .. });
    // (position in out, length, id, role, ch, html)
    let mut delims: Vec<(usize, usize, u32, Role, char, &'static str)> = Vec::new();
    let count = pieces.len();
    for (k, p) in pieces.iter().enumerate() {
        match p {
            Piece::Text(s) => {
                let before_code = k + 1 < count;
                escape_text(s, &b.style, &mut out, &mut line_start, before_code);
            }
            Piece::Code(c) => {
                let Some(&(merge, kind)) = codes.get(&(c.id, c.role)) else {
                    let at = Location::of_byte(name, src.as_bytes(), b.range.start);
                    return Err(ErrorKind::Document {
                        name: name.to_string(),
                        message: format!(
                            "{}:{}: block {} ({}): the translation has a code {} ({}) that is not \
                             in the source",
                            at.line,
                            at.column,
                            index + 1,
                            b.name,
                            c.id,
                            match c.role {
                                Role::Open => "the start of a span",
                                Role::Close => "the end of a span",
                                Role::Standalone => "standalone",
                            }
                        ),
                    }
                    .into());
                };
                match kind {
                    CodeKind::Delim { ch, html } => {
                        delims.push((out.len(), merge.len(), c.id, c.role, *ch, html));
                        out.push_str(&src[merge.clone()]);
                    }
                    CodeKind::LinkClose { label: Some(l) } => {
                        out.push_str("][");
                        out.push_str(&src[l.clone()]);
                        out.push(']');
                    }
                    _ => {
                        let from = inner.partition_point(|(r, _)| r.start < merge.start);
                        let nested = inner[from..]
                            .iter()
                            .take_while(|(r, _)| r.start < merge.end)
                            .copied();
                        let s = splice(src, merge.clone(), nested);
                        // Two code spans side by side would read as one.
                        if out.ends_with('`') && s.starts_with('`') {
                            out.push(' ');
                        }
                        out.push_str(&s);
                    }
                }
                line_start = *kind == CodeKind::Break && matches!(b.style, Style::Flow { .. });
            }
        }
    }
    // Emphasis that would not parse is written as HTML, pair by pair.
    let mut replace: Vec<(usize, usize, &'static str)> = Vec::new();
    let closes: HashMap<u32, (usize, usize, u32, Role, char, &'static str)> = delims
        .iter()
        .filter(|d| d.3 == Role::Close)
        .map(|d| (d.2, *d))
        .collect();
    for &(at, len, id, role, ch, html) in &delims {
        if role != Role::Open {
            continue;
        }
        let close = closes.get(&id).copied();
        let ok = !html_all
            && can_open(&out, at, at + len, ch)
            && close.is_none_or(|(cat, clen, ..)| cat > at && can_close(&out, cat, cat + clen, ch));
        if !ok {
            replace.push((at, len, html));
            if let Some((cat, clen, _, _, _, chtml)) = close {
                replace.push((cat, clen, chtml));
            }
        }
    }
    replace.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (at, len, html) in replace {
        out.replace_range(at..at + len, html);
    }
    Ok(out)
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace())
}

/// The characters around the delimiter run containing `out[at..end]`: (left-flanking,
/// right-flanking, previous is punctuation, next is punctuation).
fn flanking(out: &str, at: usize, end: usize, ch: char) -> (bool, bool, bool, bool) {
    let mut a = at;
    while out[..a].ends_with(ch) {
        a -= ch.len_utf8();
    }
    let mut z = end;
    while out[z..].starts_with(ch) {
        z += ch.len_utf8();
    }
    let prev = out[..a].chars().next_back();
    let next = out[z..].chars().next();
    let ws = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let punct = |c: Option<char>| c.is_some_and(is_punct);
    let left = !ws(next) && (!punct(next) || ws(prev) || punct(prev));
    let right = !ws(prev) && (!punct(prev) || ws(next) || punct(next));
    (left, right, punct(prev), punct(next))
}

/// Whether a delimiter run can open emphasis (CommonMark's rules; pulldown-cmark lets `~` open
/// before anything but white space).
fn can_open(out: &str, at: usize, end: usize, ch: char) -> bool {
    let (left, right, prev_punct, _) = flanking(out, at, end, ch);
    match ch {
        '_' => left && (!right || prev_punct),
        '~' => !out[end..].starts_with(char::is_whitespace) && end < out.len(),
        _ => left,
    }
}

fn can_close(out: &str, at: usize, end: usize, ch: char) -> bool {
    let (left, right, _, next_punct) = flanking(out, at, end, ch);
    match ch {
        '_' => right && (!left || next_punct),
        '~' => !out[..at].ends_with(char::is_whitespace) && at > 0,
        _ => right,
    }
}

/// Writes translated text so that Markdown reads it back as the same text.
fn escape_text(s: &str, style: &Style, out: &mut String, line_start: &mut bool, before_code: bool) {
    let text_start = out.len();
    let chars: Vec<char> = s.chars().filter(|c| *c != '\r').collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            match style {
                Style::Flow { sep } => {
                    if !*line_start {
                        while out.len() > text_start && out.ends_with([' ', '\t']) {
                            out.pop();
                        }
                        out.push_str(sep);
                        *line_start = true;
                    }
                }
                _ => {
                    if !out.ends_with(' ') {
                        out.push(' ');
                    }
                }
            }
            i += 1;
            continue;
        }
        if *line_start {
            if c == ' ' || c == '\t' {
                i += 1;
                continue;
            }
            *line_start = false;
            match c {
                '#' | '>' | '-' | '+' | '=' => {
                    out.push('\\');
                    out.push(c);
                    i += 1;
                    continue;
                }
                '0'..='9' => {
                    let mut j = i;
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        out.push(chars[j]);
                        j += 1;
                    }
                    if j < chars.len() && (chars[j] == '.' || chars[j] == ')') {
                        out.push('\\');
                        out.push(chars[j]);
                        j += 1;
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
        }
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '#' if matches!(style, Style::Line { hash: true }) => out.push_str("\\#"),
            '&' if entity_like(&chars[i + 1..]) => out.push_str("\\&"),
            '!' if before_code && i + 1 == chars.len() => out.push_str("\\!"),
            c => out.push(c),
        }
        i += 1;
    }
}

/// A link title written between its delimiters: one line, backslashes and delimiters escaped.
fn render_title(value: &str, close: char) -> String {
    let chars: Vec<char> = value
        .trim()
        .chars()
        .filter(|c| *c != '\r')
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '\\'
            || c == close
            || (close == ')' && c == '(')
            || (c == '&' && entity_like(&chars[i + 1..]))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether the characters after a `&` would make an entity or a character reference.
fn entity_like(after: &[char]) -> bool {
    let n = after
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .count();
    n > 0 && after.get(n) == Some(&';')
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: [(&str, &str); 3] = [
        (
            "okapi-md-complex-frontmatter.md",
            include_str!("../../../tests/fixtures/documents/okapi-md-complex-frontmatter.md"),
        ),
        (
            "okapi-md-markdown-it-demo.md",
            include_str!("../../../tests/fixtures/documents/okapi-md-markdown-it-demo.md"),
        ),
        (
            "okapi-md-dillinger-readme.md",
            include_str!("../../../tests/fixtures/documents/okapi-md-dillinger-readme.md"),
        ),
    ];

    /// Pieces as `text{1}open{/1}close{2/}standalone`.
    fn show(pieces: &[Piece]) -> String {
        let mut out = String::new();
        for p in pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Code(c) => out.push_str(&match c.role {
                    Role::Open => format!("{{{}}}", c.id),
                    Role::Close => format!("{{/{}}}", c.id),
                    Role::Standalone => format!("{{{}/}}", c.id),
                }),
            }
        }
        out
    }

    /// The reverse of [`show`] (codes without ctype or native, as a translation has them).
    fn pieces(s: &str) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                out.push(Piece::Text(rest[..open].to_string()));
            }
            let close = open + rest[open..].find('}').unwrap();
            let inner = &rest[open + 1..close];
            let (role, id) = if let Some(id) = inner.strip_prefix('/') {
                (Role::Close, id)
            } else if let Some(id) = inner.strip_suffix('/') {
                (Role::Standalone, id)
            } else {
                (Role::Open, inner)
            };
            out.push(Piece::Code(Code::new(id.parse().unwrap(), role, "")));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            out.push(Piece::Text(rest.to_string()));
        }
        out
    }

    fn extract(src: &str) -> Extracted {
        MarkdownFilter
            .extract(src.as_bytes(), "t.md", &Options::default())
            .unwrap()
    }

    fn merge(src: &str, translated: &[&str], target: &str) -> String {
        let blocks: Vec<Vec<Piece>> = translated.iter().map(|t| pieces(t)).collect();
        let out = MarkdownFilter
            .merge(
                src.as_bytes(),
                "t.md",
                &Options::default(),
                &blocks,
                &Lang::parse(target).unwrap(),
            )
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn blocks_and_codes_are_extracted() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str, &'a str)]);
        let table: [Case; 9] = [
            (
                "# Title *em* #\n\nPara with **bold** and [link](http://x \"T\").\n",
                &[
                    ("x-heading", "h1", "Title {1}em{/1}"),
                    ("x-paragraph", "p", "Para with {1}bold{/1} and {2}link{/2}."),
                    ("x-attribute", "link title", "T"),
                ],
            ),
            // Titles written with an escape or an entity stay in the code.
            (
                "[a](u 'T1') [b](u (T2)) [c](u \"x\\\"y\") ![d](i \"T&amp;\") ![e](i \"T3\")\n",
                &[
                    ("x-paragraph", "p", "{1}a{/1} {2}b{/2} {3}c{/3} {4/} {5/}"),
                    ("x-attribute", "link title", "T1"),
                    ("x-attribute", "link title", "T2"),
                    ("x-attribute", "img alt", "d"),
                    ("x-attribute", "img alt", "e"),
                    ("x-attribute", "img title", "T3"),
                ],
            ),
            (
                "Setext\nline two\n===\n\nSub\n---\n",
                &[
                    ("x-heading", "h1", "Setext\nline two"),
                    ("x-heading", "h2", "Sub"),
                ],
            ),
            (
                "- one\n- two `code`\n  - nested ~~x~~\n\n1. loose\n\n   second\n",
                &[
                    ("x-list-item", "li", "one"),
                    ("x-list-item", "li", "two {1/}"),
                    ("x-list-item", "li", "nested {1}x{/1}"),
                    ("x-list-item", "li", "loose"),
                    ("x-list-item", "li", "second"),
                ],
            ),
            (
                "> quoted *a*\n> b\n>\n> > deeper\n",
                &[
                    ("x-paragraph", "blockquote", "quoted {1}a{/1}\nb"),
                    ("x-paragraph", "blockquote", "deeper"),
                ],
            ),
            (
                "| A | B |\n|---|:-:|\n| c | [d][r] |\n| | e |\n\n[r]: http://r\n",
                &[
                    ("x-table-cell", "th", "A"),
                    ("x-table-cell", "th", "B"),
                    ("x-table-cell", "td", "c"),
                    ("x-table-cell", "td", "{1}d{/1}"),
                    ("x-table-cell", "td", "e"),
                ],
            ),
            (
                "A  \nB\\\nC <b>x</b> <br> <http://a.b> ![alt *t*](i.png)[^1]\n\n[^1]: Note.\n",
                &[
                    (
                        "x-paragraph",
                        "p",
                        "A{1/}B{2/}C {3}x{/3} {4/} {5/} {6/}{7/}",
                    ),
                    ("x-attribute", "img alt", "alt {1}t{/1}"),
                    ("x-footnote", "footnote", "Note."),
                ],
            ),
            (
                "- [ ] task\n- [x] done\n",
                &[("x-list-item", "li", "task"), ("x-list-item", "li", "done")],
            ),
            (
                "[![Badge](b.svg)](http://ci) <i>open <u>x</u>\n",
                &[
                    ("x-paragraph", "p", "{1}{2/}{/1} {3/}open {4}x{/4}"),
                    ("x-attribute", "img alt", "Badge"),
                ],
            ),
        ];
        for (src, want) in table {
            let got: Vec<(&str, String, String)> = extract(src)
                .blocks
                .iter()
                .map(|b| (b.restype, b.name.clone(), show(&b.pieces)))
                .collect();
            let want: Vec<(&str, String, String)> = want
                .iter()
                .map(|(r, n, p)| (*r, n.to_string(), p.to_string()))
                .collect();
            assert_eq!(got, want, "{src:?}");
        }
    }

    #[test]
    fn codes_carry_their_source_markup_and_type() {
        let src = "**B** _i_ ~~s~~ [l](u \"t\") `c` <b>h</b> <br> <http://a.b> ![a](i.png) x  \ny[^1]\n\n[^1]: n\n";
        let x = extract(src);
        let codes: Vec<(String, String)> = x.blocks[0]
            .codes()
            .map(|c| (c.ctype.clone(), c.native.clone()))
            .collect();
        let want = [
            ("bold", "**"),
            ("bold", "**"),
            ("italic", "_"),
            ("italic", "_"),
            ("x-strike", "~~"),
            ("x-strike", "~~"),
            ("link", "["),
            ("link", "](u \"t\")"),
            ("x-code", "`c`"),
            ("bold", "<b>"),
            ("bold", "</b>"),
            ("lb", "<br>"),
            ("link", "<http://a.b>"),
            ("image", "![a](i.png)"),
            ("lb", "  \n"),
            ("x-footnote", "[^1]"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(codes, want);
    }

    #[test]
    fn code_html_and_definitions_are_not_translated() {
        let src = "```rust\nlet x = \"not me\";\n```\n\n    indented code\n\n~~~\nfenced\n~~~\n\n<div>\nHTML block\n</div>\n\n[ref]: http://example.com \"Title\"\n\n---\n\nText.\n\n<!-- comment -->\n";
        let texts: Vec<String> = extract(src).blocks.iter().map(|b| b.plain_text()).collect();
        assert_eq!(texts, ["Text."]);
    }

    #[test]
    fn front_matter_title_and_description_are_translated() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], Option<&'a str>, usize);
        let table: [Case; 7] = [
            (
                "---\ntitle: Plain title\ndescription: 'It''s single'\nauthor: Me\nlang: en\ntags:\n  - a\n---\n# Body\n",
                &[
                    ("title", "Plain title"),
                    ("description", "It's single"),
                    ("h1", "Body"),
                ],
                Some("en"),
                0,
            ),
            (
                "---\r\ntitle: \"Say \\\"hi\\\"\\u00e9\" # comment\r\nlanguage: 'ja'\r\n...\r\nText\r\n",
                &[("title", "Say \"hi\"é"), ("p", "Text")],
                Some("ja"),
                0,
            ),
            // A thematic break, then text: not front matter (okapi-md-markdown-it-demo.md).
            (
                "---\n__Advertisement :)__\n\ntext: here\n\n---\n\n# H\n",
                &[
                    ("p", "{1}Advertisement :){/1}"),
                    ("p", "text: here"),
                    ("h1", "H"),
                ],
                None,
                0,
            ),
            // Not closed: not front matter.
            ("---\ntitle: x\n", &[("p", "title: x")], None, 0),
            // Values that are not one-line scalars are left alone, and said.
            (
                "---\ntitle: a\n  b\ndescription: |\n  block\n---\nT\n",
                &[("p", "T")],
                None,
                2,
            ),
            // Nested keys are not the document's title.
            (
                "---\nseo:\n  title: nested\ntitle:\n---\nT\n",
                &[("p", "T")],
                None,
                0,
            ),
            (
                "---\n# comment\nkey: v\n- item\n---\nT\n",
                &[("p", "T")],
                None,
                0,
            ),
        ];
        for (src, want, lang, warnings) in table {
            let x = extract(src);
            let got: Vec<(String, String)> = x
                .blocks
                .iter()
                .map(|b| (b.name.clone(), show(&b.pieces)))
                .collect();
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(n, p)| (n.to_string(), p.to_string()))
                .collect();
            assert_eq!(got, want, "{src:?}");
            assert_eq!(x.lang.as_deref(), lang, "{src:?}");
            assert_eq!(x.warnings.len(), warnings, "{src:?}: {:?}", x.warnings);
            if let Some(b) = x.blocks.iter().find(|b| b.restype == "x-front-matter") {
                assert!(b.name == "title" || b.name == "description");
            }
        }
    }

    #[test]
    fn translations_are_merged_into_the_markup() {
        let table: [(&str, &[&str], &str, &str); 21] = [
            (
                "# Hello *world*\n\nSee [the site](http://x.org \"T\") now.\n",
                &["你好{1}世界{/1}", "现在看{1}网站{/1}。", "标题"],
                "zh-CN",
                "# 你好*世界*\n\n现在看[网站](http://x.org \"标题\")。\n",
            ),
            // Emphasis that stays emphasis between ideographs is kept as written.
            (
                "**Important** rule.\n",
                &["{1}重要{/1}的规则。"],
                "zh-CN",
                "**重要**的规则。\n",
            ),
            // `**` after punctuation and before an ideograph would not close: HTML.
            (
                "**“Quote”** text.\n",
                &["{1}“引用”{/1}中文。"],
                "zh-CN",
                "<strong>“引用”</strong>中文。\n",
            ),
            (
                "Text **“quote”**.\n",
                &["中文{1}“引用”{/1}。"],
                "zh-CN",
                "中文<strong>“引用”</strong>。\n",
            ),
            // `_` inside a word is no emphasis.
            (
                "__Bold__ word and _it_.\n",
                &["{1}粗体{/1}字和{2}斜体{/2}。"],
                "zh-CN",
                "<strong>粗体</strong>字和<em>斜体</em>。\n",
            ),
            ("~~old~~ text\n", &["{1}旧{/1}文"], "zh-CN", "~~旧~~文\n"),
            // Codes in another order.
            (
                "Click [here](http://a) to see *more*.\n",
                &["查看{2}更多{/2}请点击{1}这里{/1}。"],
                "zh-CN",
                "查看*更多*请点击[这里](http://a)。\n",
            ),
            // A shortcut reference keeps its definition.
            (
                "As [John Gruber] writes, [Site][] too.\n\n[John Gruber]: http://df.net\n[site]: http://s\n",
                &["正如{1}约翰·格鲁伯{/1}所写，{2}网站{/2}也是。"],
                "zh-CN",
                "正如[约翰·格鲁伯][John Gruber]所写，[网站][Site]也是。\n\n[John Gruber]: http://df.net\n[site]: http://s\n",
            ),
            (
                "> line one\n> line two\n\n> one line\n",
                &["第一行\n第二行", "一行"],
                "zh-CN",
                "> 第一行\n> 第二行\n\n> 一行\n",
            ),
            (
                "- item\n  - nested\n",
                &["第一\n第二", "甲\n\n\n乙"],
                "zh-CN",
                "- 第一\n  第二\n  - 甲\n    乙\n",
            ),
            // Text stays text.
            (
                "Plain text.\n",
                &[
                    "1. *not* a list\n# not a heading <b> [x] `y` a_b \\ &amp; ~z~ |\n- no\n  === not setext",
                ],
                "en",
                "1\\. \\*not\\* a list\n\\# not a heading \\<b> \\[x\\] \\`y\\` a\\_b \\\\ \\&amp; \\~z\\~ \\|\n\\- no\n\\=== not setext\n",
            ),
            (
                "| A |\n|---|\n| b |\n",
                &["甲|乙", "丙\n丁"],
                "zh-CN",
                "| 甲\\|乙 |\n|---|\n| 丙 丁 |\n",
            ),
            ("# Head\n", &["第 #1 号 #"], "zh-CN", "# 第 \\#1 号 \\#\n"),
            (
                "![A cat](cat.png \"t\") sits. [a](u (T)) [b](v 'U')\n",
                &[
                    "{1/}坐着。{2}甲{/2}{3}乙{/3}",
                    "一只猫",
                    "标 \"题\" \\",
                    "题(2)",
                    "It's",
                ],
                "zh-CN",
                "![一只猫](cat.png \"标 \\\"题\\\" \\\\\")坐着。[甲](u (题\\(2\\)))[乙](v 'It\\'s')\n",
            ),
            // Only the alt text is translated: the paragraph is left as it is.
            (
                "[![Badge](b.svg)](http://ci) Build.\n",
                &["{1}{2/}{/1} Build.", "徽章"],
                "zh-CN",
                "[![徽章](b.svg)](http://ci) Build.\n",
            ),
            (
                "---\ntitle: Hello\ndescription: \"Say \\\"hi\\\"\"\nsubtitle: 'x'\nlang: en-US\n---\nBody.\n",
                &["你好", "说\"嗨\"", "正文。"],
                "zh-CN",
                "---\ntitle: 你好\ndescription: \"说\\\"嗨\\\"\"\nsubtitle: 'x'\nlang: zh-CN\n---\n正文。\n",
            ),
            // A plain value that YAML would read otherwise is quoted; single quotes stay single.
            (
                "---\ntitle: Hello\ndescription: 'It''s'\n---\n",
                &["注意: 这个", "它's"],
                "zh-CN",
                "---\ntitle: \"注意: 这个\"\ndescription: '它''s'\n---\n",
            ),
            (
                "One  \ntwo\\\nthree\n",
                &["三{2/}二{1/}一"],
                "zh-CN",
                "三\\\n二  \n一\n",
            ),
            (
                "> a\r\n> b\r\n\r\nc\r\n",
                &["甲\n乙", "丙\n丁"],
                "zh-CN",
                "> 甲\r\n> 乙\r\n\r\n丙\r\n丁\r\n",
            ),
            (
                "Title\n=====\n\nSome <b>bold</b> and `code`.\n",
                &["标题", "{2/}和一些{1}粗体{/1}"],
                "zh-CN",
                "标题\n=====\n\n`code`和一些<b>粗体</b>\n",
            ),
            // Two code spans side by side stay two.
            (
                "Use `a` or `b`.\n",
                &["用{1/}{2/}。"],
                "zh-CN",
                "用`a` `b`。\n",
            ),
        ];
        for (src, translated, target, want) in table {
            assert_eq!(merge(src, translated, target), want, "{src:?}");
        }
    }

    #[test]
    fn merge_refuses_translations_that_do_not_fit() {
        let en = Lang::parse("en").unwrap();
        let o = Options::default();
        let e = MarkdownFilter
            .merge(b"# A\n\nB\n", "a.md", &o, &[pieces("x")], &en)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "a.md: 1 translated blocks for 2 in the document: the translation does not belong to \
             this document"
        );
        let e = MarkdownFilter
            .merge(
                b"# A\n\nB *c*\n",
                "a.md",
                &o,
                &[pieces("x"), pieces("y{7/}")],
                &en,
            )
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "a.md: 3:1: block 2 (p): the translation has a code 7 (standalone) that is not in the source"
        );
    }

    #[test]
    fn every_block_unchanged_gives_the_document_back_byte_for_byte() {
        let mut docs: Vec<String> = FIXTURES.iter().map(|(_, s)| s.to_string()).collect();
        docs.extend(
            [
                "\u{feff}# BOM\n",
                "---\ntitle: T\nlang: fr\n---\n\n> a\r\n> b  \r\n> c\r\n",
                "* a\n\n  b\n\n      code\n",
                "Text &copy; &#42; \\* with entities.\n",
                "| a | b |\n|---|---|\n| `x|y` | ![i](j) |\n",
            ]
            .map(str::to_string),
        );
        for src in docs {
            let x = MarkdownFilter
                .extract(src.as_bytes(), "t.md", &Options::default())
                .unwrap();
            let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
            let lang = Lang::parse(x.lang.as_deref().unwrap_or("en")).unwrap();
            let out = MarkdownFilter
                .merge(src.as_bytes(), "t.md", &Options::default(), &blocks, &lang)
                .unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), src);
        }
    }

    #[test]
    fn writing_every_block_from_its_pieces_reads_back_the_same_blocks() {
        for (name, src) in FIXTURES {
            assert_eq!(rewrite_problem(src), None, "{name}");
            assert_eq!(translate_problem(src), None, "{name}");
        }
    }

    #[test]
    fn a_document_in_another_encoding_is_read_and_written_in_it() {
        let (gbk, _, _) = encoding_rs::GBK.encode("# 标题\n\n正文 *重要*。\n");
        let o = Options {
            encoding: Some("gbk".to_string()),
        };
        let x = MarkdownFilter.extract(&gbk, "t.md", &o).unwrap();
        assert_eq!(x.encoding, "GBK");
        assert_eq!(show(&x.blocks[1].pieces), "正文 {1}重要{/1}。");
        let en = Lang::parse("en").unwrap();
        let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
        assert_eq!(
            MarkdownFilter
                .merge(&gbk, "t.md", &o, &blocks, &en)
                .unwrap(),
            gbk.to_vec()
        );
        let out = MarkdownFilter
            .merge(
                &gbk,
                "t.md",
                &o,
                &[pieces("题"), pieces("文{1}要{/1}")],
                &en,
            )
            .unwrap();
        assert_eq!(out, encoding_rs::GBK.encode("# 题\n\n文*要*\n").0.to_vec());
    }

    #[test]
    fn images_nested_in_alt_texts_are_read_to_a_bounded_depth() {
        let n = 5000;
        let src = format!("{}x{}\n", "![".repeat(n), "](i)".repeat(n));
        let x = extract(&src);
        assert!(x.blocks.len() <= MAX_IMAGE_DEPTH + 1, "{}", x.blocks.len());
        assert_eq!(rewrite_problem(&src), None);
        let shallow = extract("![a ![b](c) d](e)\n");
        let names: Vec<String> = shallow.blocks.iter().map(|b| show(&b.pieces)).collect();
        assert_eq!(names, ["a {1/} d", "b"]);
    }

    #[test]
    fn regressions_found_by_the_properties() {
        // An escaped first character; a soft break before an escape; `~~` around inline HTML
        // (and its HTML form); two code spans brought together.
        for src in ["\\*", "|\n\\|", "word~~<b>~~ ", "`word` `word`["] {
            assert_eq!(rewrite_problem(src), None, "{src:?}");
            assert_eq!(translate_problem(src), None, "{src:?}");
        }
    }

    fn source_pieces(src: &str) -> Vec<Vec<Piece>> {
        parse(src)
            .blocks
            .iter()
            .map(|b| b.to_block().pieces)
            .collect()
    }

    /// Writes every block from its pieces (as merge does for a translated block) and reads the
    /// result back: the same blocks must come back. `None` when they do.
    fn rewrite_problem(src: &str) -> Option<String> {
        let blocks = source_pieces(src);
        let en = Lang::parse("en").unwrap();
        let out = match merge_text(src, "t.md", &blocks, &en, true) {
            Ok(o) => o,
            Err(e) => return Some(e.to_string()),
        };
        let back = parse(&out);
        if back.blocks.len() != blocks.len() {
            return Some(format!(
                "{} blocks instead of {}:\n{out}",
                back.blocks.len(),
                blocks.len()
            ));
        }
        for (i, (b, t)) in back.blocks.iter().zip(&blocks).enumerate() {
            if !same_shape(&b.pieces, t) {
                return Some(format!(
                    "block {i}: {:?}\nbecame {:?}\n{out}",
                    t,
                    b.to_block().pieces
                ));
            }
        }
        None
    }

    /// Extraction does not panic; when it succeeds, merging the blocks unchanged gives the
    /// bytes back.
    fn identity_holds(doc: &[u8]) {
        let o = Options::default();
        if let Ok(x) = MarkdownFilter.extract(doc, "t.md", &o) {
            let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
            let lang = x
                .lang
                .as_deref()
                .and_then(|l| Lang::parse(l).ok())
                .filter(|l| Some(l.as_str()) == x.lang.as_deref())
                .unwrap_or_else(|| Lang::parse("en").unwrap());
            let back = MarkdownFilter
                .merge(doc, "t.md", &o, &blocks, &lang)
                .unwrap();
            if x.lang.is_none() || x.lang.as_deref() == Some(lang.as_str()) {
                assert_eq!(back, doc);
            }
        }
    }

    const TOKENS: [&str; 43] = [
        "word",
        "中文",
        " ",
        "  ",
        "\n",
        "\n\n",
        "*",
        "**",
        "_",
        "__",
        "`",
        "[",
        "]",
        "(",
        ")",
        "](u)",
        "#",
        "> ",
        "- ",
        "+ ",
        "1. ",
        "2) ",
        "|",
        "---",
        "===",
        "<b>",
        "</b>",
        "<br>",
        "&amp;",
        "&",
        "\\",
        "!",
        "~~",
        "~",
        "<http://a.b>",
        "    ",
        "```",
        "\t",
        "”",
        ":",
        "“",
        "。",
        "x",
    ];

    /// A Chinese-looking translation of pieces: letters become ideographs, spaces go, codes stay.
    fn pseudo_zh(pieces: &[Piece]) -> Vec<Piece> {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => Piece::Text(
                    t.chars()
                        .filter(|c| *c != ' ')
                        .map(|c| if c.is_ascii_alphabetic() { '中' } else { c })
                        .collect(),
                ),
                Piece::Code(c) => Piece::Code(c.clone()),
            })
            .collect()
    }

    /// Merges a pseudo-Chinese translation and reads it back: the translated blocks must come
    /// back (text and codes).
    fn translate_problem(src: &str) -> Option<String> {
        let blocks: Vec<Vec<Piece>> = source_pieces(src).iter().map(|b| pseudo_zh(b)).collect();
        let zh = Lang::parse("zh-CN").unwrap();
        let out = match merge_text(src, "t.md", &blocks, &zh, false) {
            Ok(o) => o,
            Err(e) => return Some(e.to_string()),
        };
        let back = parse(&out);
        if back.blocks.len() != blocks.len() {
            return Some(format!(
                "{} blocks instead of {}:\n{out}",
                back.blocks.len(),
                blocks.len()
            ));
        }
        for (i, (b, t)) in back.blocks.iter().zip(&blocks).enumerate() {
            if !plain_text(t).trim().is_empty() && !same_shape(&b.pieces, t) {
                return Some(format!(
                    "block {i}: {:?}\nbecame {:?}\n{out}",
                    t,
                    b.to_block().pieces
                ));
            }
        }
        None
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        #[test]
        fn rewriting_blocks_reads_back_the_same(
            picks in proptest::collection::vec(0..TOKENS.len(), 0..40)
        ) {
            let src: String = picks.iter().map(|&k| TOKENS[k]).collect();
            if let Some(problem) = rewrite_problem(&src) {
                panic!("{src:?}: {problem}");
            }
        }

        #[test]
        fn any_bytes_extract_without_panic_and_merge_back_unchanged(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)
        ) {
            identity_holds(&bytes);
        }

        #[test]
        fn mutated_fixtures_extract_and_merge_back_unchanged(
            which in 0..FIXTURES.len(),
            at in 0usize..6000,
            picks in proptest::collection::vec(0..TOKENS.len(), 1..6),
            cut in 0usize..40,
        ) {
            let src = FIXTURES[which].1.as_bytes();
            let at = at % (src.len() + 1);
            let mut doc = src[..at].to_vec();
            for &k in &picks {
                doc.extend_from_slice(TOKENS[k].as_bytes());
            }
            doc.extend_from_slice(&src[(at + cut).min(src.len())..]);
            identity_holds(&doc);
        }

        #[test]
        fn pseudo_chinese_translations_read_back(
            picks in proptest::collection::vec(0..TOKENS.len(), 0..40)
        ) {
            let src: String = picks.iter().map(|&k| TOKENS[k]).collect();
            if let Some(problem) = translate_problem(&src) {
                panic!("{src:?}: {problem}");
            }
        }
    }
}
