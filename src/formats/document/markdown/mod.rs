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

mod extract;
mod front_matter;
mod inline_html;
mod merge;

use std::ops::Range;

use self::extract::parse;
use self::merge::merge_text;
use super::text::{decode, encode};
use super::{Block, Code, Extracted, Filter, Kind, Options, Piece, Role, plain_text};
use crate::error::Result;
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

#[cfg(test)]
mod tests {
    use super::merge::same_shape;
    use super::*;

    const FIXTURES: [(&str, &str); 3] = [
        (
            "okapi-md-complex-frontmatter.md",
            include_str!("../../../../tests/fixtures/documents/okapi-md-complex-frontmatter.md"),
        ),
        (
            "okapi-md-markdown-it-demo.md",
            include_str!("../../../../tests/fixtures/documents/okapi-md-markdown-it-demo.md"),
        ),
        (
            "okapi-md-dillinger-readme.md",
            include_str!("../../../../tests/fixtures/documents/okapi-md-dillinger-readme.md"),
        ),
    ];

    /// Pieces as `text{1}open{/1}close{2/}standalone`.
    pub(super) fn show(pieces: &[Piece]) -> String {
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
    pub(super) fn pieces(s: &str) -> Vec<Piece> {
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

    pub(super) fn extract(src: &str) -> Extracted {
        MarkdownFilter
            .extract(src.as_bytes(), "t.md", &Options::default())
            .unwrap()
    }

    pub(super) fn merge(src: &str, translated: &[&str], target: &str) -> String {
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
    pub(super) fn rewrite_problem(src: &str) -> Option<String> {
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
