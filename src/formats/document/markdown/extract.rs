//! Reading a Markdown text into blocks: pulldown-cmark's events walked into translatable
//! blocks whose texts and codes are byte ranges of the source.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options as MdOptions, Parser, Tag, TagEnd};

use super::front_matter::{FrontMatter, front_matter};
use super::inline_html::pair_html;
use super::{Code, CodeKind, Role, SrcBlock, SrcPiece, Style};

fn md_options() -> MdOptions {
    MdOptions::ENABLE_TABLES
        | MdOptions::ENABLE_STRIKETHROUGH
        | MdOptions::ENABLE_FOOTNOTES
        | MdOptions::ENABLE_TASKLISTS
}

pub(super) struct Parsed {
    pub(super) blocks: Vec<SrcBlock>,
    pub(super) front: Option<FrontMatter>,
}

/// Extracts the blocks of a Markdown text (deterministic: merge extracts again).
pub(super) fn parse(src: &str) -> Parsed {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{extract, rewrite_problem, show};
    use super::*;

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
}
