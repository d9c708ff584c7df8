//! The Markdown filter against real files and a real tool: every block unchanged gives the file
//! back byte for byte, and pandoc (Debian package `pandoc`, needed: the tests fail without it)
//! reads the original and a pseudo-Chinese translation into the same block structure.
//!
//! [`check_folder`] runs both checks over every `.md` file of a folder; a bench can include this
//! file (`#[path = "../tests/markdown_filter.rs"] mod markdown_filter;`) and call it on the
//! document corpus.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use tmkit::formats::document::{Filter, Options, Piece, markdown::MarkdownFilter};
use tmkit::model::Lang;

/// What [`check_file`] found for one file.
#[derive(Debug)]
pub struct FileCheck {
    pub name: String,
    pub blocks: usize,
    pub codes: usize,
    /// Every block unchanged: the output equals the input, byte for byte.
    pub identity: bool,
    /// `None` when pandoc reads the original and the pseudo-Chinese translation into the same
    /// block structure; else the first difference.
    pub pandoc: Option<String>,
}

impl FileCheck {
    pub fn ok(&self) -> bool {
        self.identity && self.pandoc.is_none()
    }
}

/// Checks every `.md` file of `dir`, in name order.
pub fn check_folder(dir: &Path) -> Vec<FileCheck> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap();
            check_file(&p.file_name().unwrap().to_string_lossy(), &bytes)
        })
        .collect()
}

/// The results as a table, one line per file.
pub fn report(checks: &[FileCheck]) -> String {
    let mut out = String::from("file | blocks | codes | identity | pandoc structure\n");
    for c in checks {
        out.push_str(&format!(
            "{} | {} | {} | {} | {}\n",
            c.name,
            c.blocks,
            c.codes,
            if c.identity {
                "byte-identical"
            } else {
                "DIFFERS"
            },
            c.pandoc.as_deref().unwrap_or("same")
        ));
    }
    out
}

/// Extracts `bytes`, merges the blocks unchanged (identity) and a pseudo-Chinese translation,
/// and compares pandoc's reading of the original and the translation.
pub fn check_file(name: &str, bytes: &[u8]) -> FileCheck {
    let o = Options::default();
    let x = MarkdownFilter
        .extract(bytes, name, &o)
        .unwrap_or_else(|e| panic!("{e}"));
    let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
    let source_lang = Lang::parse(x.lang.as_deref().unwrap_or("en")).unwrap();
    let same = MarkdownFilter
        .merge(bytes, name, &o, &blocks, &source_lang)
        .unwrap();
    let zh: Vec<Vec<Piece>> = blocks.iter().map(|b| pseudo_zh(b)).collect();
    let translated = MarkdownFilter
        .merge(bytes, name, &o, &zh, &Lang::parse("zh-CN").unwrap())
        .unwrap();
    let pandoc = compare_structure(bytes, &translated);
    FileCheck {
        name: name.to_string(),
        blocks: blocks.len(),
        codes: x.blocks.iter().map(|b| b.codes().count()).sum(),
        identity: same == bytes,
        pandoc,
    }
}

/// A Chinese-looking translation: each word's letters become ideographs and the words are
/// joined without spaces, as Chinese is written, so that emphasis and links touch ideographs.
/// Words that pandoc would read as a bare URL or address are kept, with spaces around.
pub fn pseudo_zh(pieces: &[Piece]) -> Vec<Piece> {
    let keep = |w: &str| w.contains("://") || w.starts_with("www.") || w.contains('@');
    pieces
        .iter()
        .map(|p| match p {
            Piece::Code(c) => Piece::Code(c.clone()),
            Piece::Text(t) => {
                let mut out = String::new();
                for (k, word) in t.split(' ').enumerate() {
                    if keep(word) {
                        if k > 0 {
                            out.push(' ');
                        }
                        out.push_str(word);
                        out.push(' ');
                        continue;
                    }
                    out.extend(word.chars().map(|c| {
                        if c.is_ascii_alphabetic() {
                            char::from_u32('一' as u32 + (c.to_ascii_lowercase() as u32 - 97) * 7)
                                .unwrap()
                        } else {
                            c
                        }
                    }));
                }
                Piece::Text(out)
            }
        })
        .collect()
}

/// pandoc's reading of a GitHub-flavoured Markdown document (`pandoc -f gfm-autolink_bare_uris
/// -t json`). Bare URLs are not made links: pandoc 2.17 lets a bare URL inside a link's
/// destination end an emphasis early (`__[a](https://x.io/)__-b` is no strong emphasis with
/// it, and is with pandoc's `commonmark`, cmark-gfm and pulldown-cmark).
pub fn pandoc_json(doc: &[u8]) -> Value {
    let mut child = Command::new("pandoc")
        .args(["-f", "gfm-autolink_bare_uris", "-t", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("pandoc is needed (Debian package pandoc): {e}"));
    child.stdin.take().unwrap().write_all(doc).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "pandoc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `None` when pandoc reads both documents into the same structure (see [`shape`]); else the
/// first difference.
pub fn compare_structure(original: &[u8], translated: &[u8]) -> Option<String> {
    let a = shape(&pandoc_json(original));
    let b = shape(&pandoc_json(translated));
    if a == b {
        return None;
    }
    let (la, lb) = (
        a["blocks"].as_array().unwrap(),
        b["blocks"].as_array().unwrap(),
    );
    if la.len() != lb.len() {
        return Some(format!("{} blocks instead of {}", lb.len(), la.len()));
    }
    if a["meta"] != b["meta"] {
        return Some(format!(
            "metadata keys {} instead of {}",
            b["meta"], a["meta"]
        ));
    }
    let k = la.iter().zip(lb).position(|(x, y)| x != y).unwrap();
    Some(format!("block {}: {} instead of {}", k + 1, lb[k], la[k]))
}

/// A pandoc document's structure: the metadata keys and the blocks, recursively (block types
/// and counts, heading levels, list items, table rows and cells, code blocks and raw HTML blocks
/// with their content); a paragraph or heading is its inline markup counted by kind (emphasis,
/// strong, strikeout, links with their URL, images, code with its content, line breaks, notes),
/// the words left out. Inline HTML `<em>`, `<strong>`, `<del>` count as the markup they stand
/// for (merge writes them where `*`, `**` or `~~` would not parse).
pub fn shape(doc: &Value) -> Value {
    let meta: Vec<&String> = doc["meta"]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    json!({"meta": meta, "blocks": blocks(&doc["blocks"])})
}

fn blocks(v: &Value) -> Value {
    Value::Array(
        v.as_array()
            .map(|a| a.iter().map(block).collect())
            .unwrap_or_default(),
    )
}

fn block(b: &Value) -> Value {
    let t = b["t"].as_str().unwrap_or("");
    let c = &b["c"];
    match t {
        "Para" | "Plain" => json!([t, inlines(c)]),
        "Header" => json!([t, c[0], inlines(&c[2])]),
        "CodeBlock" => json!([t, c[0][1], c[1]]),
        "RawBlock" => json!([t, c]),
        "BlockQuote" => json!([t, blocks(c)]),
        "BulletList" => json!([
            t,
            c.as_array().unwrap().iter().map(blocks).collect::<Vec<_>>()
        ]),
        "OrderedList" => json!([
            t,
            c[0],
            c[1].as_array()
                .unwrap()
                .iter()
                .map(blocks)
                .collect::<Vec<_>>()
        ]),
        "Div" => json!([t, blocks(&c[1])]),
        "Table" => json!([t, generic(c)]),
        "DefinitionList" | "LineBlock" => json!([t, generic(c)]),
        _ => json!([t]),
    }
}

/// Table parts: blocks where they are, attributes and alignments as they are.
fn generic(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(generic).collect()),
        Value::Object(o) if o.contains_key("t") => {
            let t = o["t"].as_str().unwrap_or("");
            if matches!(
                t,
                "Para"
                    | "Plain"
                    | "Header"
                    | "CodeBlock"
                    | "RawBlock"
                    | "BlockQuote"
                    | "BulletList"
                    | "OrderedList"
                    | "Div"
                    | "Table"
            ) {
                block(v)
            } else if matches!(t, "Str" | "Space" | "SoftBreak") {
                Value::Null
            } else {
                v.clone()
            }
        }
        other => other.clone(),
    }
}

fn inlines(v: &Value) -> Value {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    count_inlines(v, &mut counts);
    json!(counts)
}

fn count_inlines(v: &Value, counts: &mut BTreeMap<String, usize>) {
    let Some(list) = v.as_array() else {
        return;
    };
    for i in list {
        let t = i["t"].as_str().unwrap_or("");
        let c = &i["c"];
        let mut count = |k: String| *counts.entry(k).or_default() += 1;
        match t {
            "Str" | "Space" | "SoftBreak" => {}
            "Emph" | "Strong" | "Strikeout" | "Underline" | "Superscript" | "Subscript"
            | "SmallCaps" => {
                count(t.to_string());
                count_inlines(c, counts);
            }
            "Link" => {
                count(format!("Link {}", c[2][0]));
                count_inlines(&c[1], counts);
            }
            "Image" => {
                count(format!("Image {}", c[2][0]));
                count_inlines(&c[1], counts);
            }
            "Code" => count(format!("Code {}", c[1])),
            "Math" => count(format!("Math {}", c[1])),
            "LineBreak" => count(t.to_string()),
            "Note" => count(format!("Note {}", blocks(c))),
            "RawInline" => {
                let raw = c[1].as_str().unwrap_or("");
                match raw {
                    "<em>" => count("Emph".to_string()),
                    "<strong>" => count("Strong".to_string()),
                    "<del>" => count("Strikeout".to_string()),
                    "</em>" | "</strong>" | "</del>" => {}
                    _ => count(format!("Raw {raw}")),
                }
            }
            // Emoji (`:wink:`) are spans of words; quotes hold words.
            "Span" => count_inlines(&c[1], counts),
            "Quoted" => count_inlines(&c[1], counts),
            "Cite" => count_inlines(&c[1], counts),
            _ => count(t.to_string()),
        }
    }
}

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents")
}

#[test]
fn fixtures_merge_back_byte_for_byte_and_keep_their_structure_in_chinese() {
    let checks = check_folder(&fixtures());
    assert_eq!(checks.len(), 3, "{}", report(&checks));
    assert!(checks.iter().all(FileCheck::ok), "{}", report(&checks));
    assert!(checks.iter().all(|c| c.blocks > 0));
}

/// A news article as a newsroom writes it in Markdown.
const ARTICLE: &str = r#"---
title: "City opens its first night library"
description: Residents can borrow books until 2 a.m. from Monday.
author: Staff reporter
lang: en-GB
---

# City opens its first *night* library

*By Jane Doe, Metro desk* · 12 March 2026

The **Riverside Library** will stay open until 2 a.m. from Monday, the council
said on Tuesday. It is the first library in the country to open at night, according
to the [Library Association](https://example.org/assoc "Library Association").

![Readers in the new reading room](images/reading-room.jpg "The reading room")

> “People who work late have never had a library,” said the mayor, **Ana Ruiz**.
> “Now they do.”

## What changes

- Opening hours: **8 a.m. to 2 a.m.**, seven days a week
- Self-service loans with the `CityCard` app
- A quiet floor for students[^1]

| Service | Before | After |
|---|:-:|---:|
| Loans | 9–18 | 8–2 |
| *Study rooms* | booked | open |

The council will review the trial in six months; see the [full report][report].

[^1]: The quiet floor opens in April.

[report]: https://example.org/report.pdf
"#;

#[test]
fn a_news_article_keeps_its_structure_in_chinese() {
    let c = check_file("article.md", ARTICLE.as_bytes());
    assert!(c.ok(), "{}", report(&[c]));
}

/// Emphasis touching ideographs and punctuation, codes moved: the hard cases for CommonMark's
/// flanking rules, checked by pandoc.
#[test]
fn chinese_emphasis_and_moved_codes_keep_their_markup_for_pandoc() {
    let src = "Read **“the guide”** first, then _the notes_ and ~~old~~ [new docs](http://d).\n\n- __Bold__ item\n";
    let o = Options::default();
    let x = MarkdownFilter.extract(src.as_bytes(), "a.md", &o).unwrap();
    let t = |s: &str| Piece::Text(s.to_string());
    let code = |k: usize| match &x.blocks[0].pieces[k] {
        Piece::Code(c) => Piece::Code(c.clone()),
        Piece::Text(_) => unreachable!(),
    };
    // Source: Read {1}“the guide”{/1} first, then {2}the notes{/2} and {3}old{/3} {4}new docs{/4}.
    let p = &x.blocks[0].pieces;
    assert_eq!(p.len(), 17, "{p:?}");
    let zh = vec![
        vec![
            t("先读"),
            code(1),
            t("“指南”"),
            code(3),
            t("，再读"),
            code(9),
            t("旧"),
            code(11),
            code(13),
            t("新文档"),
            code(15),
            t("和"),
            code(5),
            t("笔记"),
            code(7),
            t("。"),
        ],
        vec![
            code_of(&x.blocks[1].pieces, 0),
            t("粗体"),
            code_of(&x.blocks[1].pieces, 2),
            t("项目"),
        ],
    ];
    let out = MarkdownFilter
        .merge(
            src.as_bytes(),
            "a.md",
            &o,
            &zh,
            &Lang::parse("zh-CN").unwrap(),
        )
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out,
        "先读<strong>“指南”</strong>，再读~~旧~~[新文档](http://d)和<em>笔记</em>。\n\n- <strong>粗体</strong>项目\n"
    );
    assert_eq!(compare_structure(src.as_bytes(), out.as_bytes()), None);
}

fn code_of(pieces: &[Piece], k: usize) -> Piece {
    match &pieces[k] {
        Piece::Code(c) => Piece::Code(c.clone()),
        Piece::Text(_) => panic!("piece {k} is text"),
    }
}
