//! DOCX (Office Open XML word-processing documents): the text of the body, tables, text boxes,
//! headers, footers, footnotes and endnotes, with inline codes for formatting, links, tabs,
//! breaks and fields; merge writes the package back with only the paragraphs that changed
//! rebuilt.
//!
//! # The package
//!
//! The main part is found through `_rels/.rels` (`word/document.xml` without one); headers,
//! footers, footnotes and endnotes through the main part's relationships (or, without them,
//! `[Content_Types].xml`). Blocks come in that order: the main part, headers, footers,
//! footnotes, endnotes (each kind by part name). Comments (`word/comments.xml`) are not read.
//!
//! Merge copies every ZIP entry it does not change as its raw compressed bytes, in the original
//! order; a changed part is the original bytes with only the changed paragraphs rebuilt (see the
//! `para` module); a paragraph whose translation equals its source is copied as it was. The
//! language follows the target in the rebuilt runs' `w:lang`, in `word/styles.xml`
//! (`w:docDefaults`, and for Chinese, Japanese and Korean every style naming an East Asian
//! language) and in `word/settings.xml` (`w:themeFontLang`): Chinese, Japanese and Korean targets
//! set the East Asian language (`w:eastAsia`), as Word does when one types Chinese, other targets
//! `w:val`.
//!
//! Characters XML cannot hold, in a translation: a tab is a `w:tab`, a line feed or U+000B a
//! `w:br`, U+000C a page break; other control characters are dropped (a `<?tmkit-char?>`
//! processing instruction would keep them, but LibreOffice drops it silently and Word's handling
//! of processing instructions in a document is not documented).
//!
//! Text boxes stored twice (`mc:AlternateContent`: DrawingML in `mc:Choice`, VML in
//! `mc:Fallback`) are extracted once, from the first choice, and the translation is written into
//! every copy whose source text is the same.
//!
//! # Bad input
//!
//! Each part is read with a cap on its inflated size ([`PART_LIMIT`]), on the sum of the parts
//! read ([`TOTAL_LIMIT`]) and on the compression ratio of large parts, so that a ZIP bomb is
//! refused with bounded memory. A part that is not well-formed is refused with
//! `part:line:column`.

mod lang;
mod package;
mod para;
mod tree;

use std::collections::{HashMap, VecDeque};
use std::io::{Cursor, Read};

use lang::{LangEdit, edit_settings, edit_styles, with_attr};
use package::{Package, Part, PartKind};
use para::{Para, Render, Tracked, same_pieces};
use tree::Tree;

use super::{Block, Extracted, Filter, Kind, Options, Piece};
use crate::error::{ErrorKind, Result};
use crate::model::Lang;

/// The largest inflated size of one part read (128 MiB: the XML of a 3,000-page book is about 30).
pub const PART_LIMIT: u64 = 128 << 20;
/// The largest inflated size of all the parts read together.
pub const TOTAL_LIMIT: u64 = 384 << 20;
/// A part of more than 4 MiB that inflates more than this many times is refused.
pub const RATIO_LIMIT: u64 = 100;
const RATIO_FROM: u64 = 4 << 20;

/// The DOCX filter.
pub struct DocxFilter;

fn err(name: &str, message: impl Into<String>) -> crate::Error {
    ErrorKind::Document {
        name: name.to_string(),
        message: message.into(),
    }
    .into()
}

impl Filter for DocxFilter {
    fn extract(&self, document: &[u8], name: &str, _options: &Options) -> Result<Extracted> {
        let mut pkg = Package::open(document, name)?;
        let parts = pkg.text_parts()?;
        let styles = pkg.styles()?;
        let mut blocks = Vec::new();
        let mut tracked = Tracked::default();
        for part in &parts {
            let doc = PartDoc::read(part, &styles.headings, name)?;
            for (i, e) in doc.paras.iter().enumerate() {
                tracked.insertions += e.para.tracked.insertions;
                tracked.deletions += e.para.tracked.deletions;
                if let Source::Own(_) = e.source {
                    blocks.push(Block {
                        restype: e.restype,
                        name: part.name.clone(),
                        pieces: doc.paras[i].para.pieces.clone(),
                    });
                }
            }
        }
        let mut out = Extracted::new(Kind::Docx, blocks);
        out.lang = styles.lang.clone();
        if tracked.insertions + tracked.deletions > 0 {
            let n = |k: usize, one: &str| {
                if k == 1 {
                    format!("1 {one}")
                } else {
                    format!("{k} {one}s")
                }
            };
            out.warnings.push(format!(
                "the document has tracked changes ({}, {}): accept or reject them in Word or \
                 LibreOffice before preparing; as it is, inserted text is translated as if \
                 accepted and deleted text is kept untranslated",
                n(tracked.insertions, "insertion"),
                n(tracked.deletions, "deletion")
            ));
        }
        Ok(out)
    }

    fn merge(
        &self,
        document: &[u8],
        name: &str,
        _options: &Options,
        blocks: &[Vec<Piece>],
        target: &Lang,
    ) -> Result<Vec<u8>> {
        merge(document, name, blocks, target, false)
    }
}

/// The document with every paragraph that has text rebuilt from its own pieces, as merge
/// rebuilds a translated one (merge keeps an unchanged paragraph's bytes): for checking that
/// rebuilding loses nothing a reader sees.
pub fn rebuild_all(document: &[u8], name: &str) -> Result<Vec<u8>> {
    let x = DocxFilter.extract(document, name, &Options::default())?;
    let blocks: Vec<Vec<Piece>> = x.blocks.into_iter().map(|b| b.pieces).collect();
    let lang = x
        .lang
        .as_deref()
        .and_then(|l| Lang::parse(l).ok())
        .unwrap_or_else(|| Lang::parse("en").expect("en is a language tag"));
    merge(document, name, &blocks, &lang, true)
}

fn merge(
    document: &[u8],
    name: &str,
    blocks: &[Vec<Piece>],
    target: &Lang,
    force: bool,
) -> Result<Vec<u8>> {
    let mut pkg = Package::open(document, name)?;
    let parts = pkg.text_parts()?;
    let styles = pkg.styles()?;
    let lang = LangEdit::new(target);
    let mut replaced: HashMap<String, Vec<u8>> = HashMap::new();
    let mut next = 0usize;
    for part in &parts {
        let doc = PartDoc::read(part, &styles.headings, name)?;
        let first = next;
        let own: Vec<usize> = doc
            .paras
            .iter()
            .filter_map(|e| match e.source {
                Source::Own(k) => Some(k),
                _ => None,
            })
            .collect();
        next += own.len();
        let Some(translated) = blocks.get(first..next) else {
            return Err(err(
                name,
                format!(
                    "the translation has {} blocks, the document more: the translation is \
                         not of this document",
                    blocks.len()
                ),
            ));
        };
        let sources: Vec<&[Piece]> = doc
            .paras
            .iter()
            .filter(|e| matches!(e.source, Source::Own(_)))
            .map(|e| e.para.pieces.as_slice())
            .collect();
        if !force
            && translated
                .iter()
                .zip(&sources)
                .all(|(t, s)| same_pieces(t, s))
        {
            continue;
        }
        let mut r = PartRender {
            tree: &doc.tree,
            paras: &doc.paras,
            sources: &sources,
            translated,
            lang: &lang,
            cache: HashMap::new(),
            force,
        };
        let root = &doc.tree.nodes[doc.tree.root];
        let mut out = Vec::with_capacity(part.bytes.len() + part.bytes.len() / 4);
        out.extend_from_slice(&part.bytes[..root.start]);
        r.range(root.start, root.end, &mut out);
        out.extend_from_slice(&part.bytes[root.end..]);
        replaced.insert(part.name.clone(), out);
    }
    if next != blocks.len() {
        return Err(err(
            name,
            format!(
                "the translation has {} blocks, the document {next}: the translation is not \
                     of this document",
                blocks.len()
            ),
        ));
    }
    // The language metadata follows the target, unless the document already declares it.
    let declared = styles.lang.as_deref().and_then(|l| Lang::parse(l).ok());
    let same_lang =
        declared.is_some_and(|d| d.as_str().eq_ignore_ascii_case(&lang.tag)) && !lang.east_asian;
    for (part, edit) in [
        (
            styles.part.as_ref(),
            edit_styles as fn(&Tree<'_>, &LangEdit) -> Option<Vec<u8>>,
        ),
        (pkg.settings_part.clone().as_ref(), edit_settings),
    ] {
        let Some(part) = part.filter(|_| !same_lang) else {
            continue;
        };
        let Some(bytes) = pkg.read(part)? else {
            continue;
        };
        let tree = Tree::parse(&bytes, part).map_err(|m| err(name, m))?;
        if let Some(new) = edit(&tree, &lang)
            && new != bytes
        {
            replaced.insert(part.clone(), new);
        }
    }
    if replaced.is_empty() {
        return Ok(document.to_vec());
    }
    pkg.write(&replaced)
}

/// The result of [`identity_check`]: how a document compares with itself merged back unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Blocks extracted.
    pub blocks: usize,
    /// Whether the merged file is byte-identical to the original.
    pub identical_file: bool,
    /// The ZIP entries whose inflated bytes differ (none when the round trip is exact).
    pub changed_parts: Vec<String>,
}

/// Extracts a DOCX, merges every block back unchanged (target: the document's own language,
/// `en` without one) and compares the packages part by part. For benches and corpus checks.
pub fn identity_check(document: &[u8], name: &str) -> Result<Identity> {
    let options = Options::default();
    let x = DocxFilter.extract(document, name, &options)?;
    let lang = x
        .lang
        .as_deref()
        .and_then(|l| Lang::parse(l).ok())
        .unwrap_or_else(|| Lang::parse("en").expect("en is a language tag"));
    let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
    let merged = DocxFilter.merge(document, name, &options, &blocks, &lang)?;
    let parts = |bytes: &[u8]| -> Result<Vec<(String, Vec<u8>)>> {
        let mut a =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| err(name, e.to_string()))?;
        let mut out = Vec::new();
        for i in 0..a.len() {
            let mut f = a.by_index(i).map_err(|e| err(name, e.to_string()))?;
            let n = f.name().map_err(|e| err(name, e.to_string()))?.into_owned();
            let mut v = Vec::new();
            (&mut f)
                .take(PART_LIMIT)
                .read_to_end(&mut v)
                .map_err(|e| err(name, e.to_string()))?;
            out.push((n, v));
        }
        Ok(out)
    };
    let (a, b) = (parts(document)?, parts(&merged)?);
    let mut changed: Vec<String> = a
        .iter()
        .filter(|(n, v)| b.iter().find(|(m, _)| m == n).is_none_or(|(_, w)| w != v))
        .map(|(n, _)| n.clone())
        .collect();
    if a.len() != b.len() {
        changed.push("(the number of entries)".to_string());
    }
    Ok(Identity {
        blocks: x.blocks.len(),
        identical_file: merged == document,
        changed_parts: changed,
    })
}

/// Where a paragraph's text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Block number `k` of the part (counted from the part's first block).
    Own(usize),
    /// A copy of the part's block `k` (a text box's `mc:Fallback`).
    Mirror(usize),
    /// No text, or a copy with nothing to mirror.
    None,
}

struct Entry {
    para: Para,
    source: Source,
    restype: &'static str,
}

/// A part with its paragraphs analysed.
struct PartDoc<'p> {
    tree: Tree<'p>,
    /// Every paragraph, by start offset (outer before nested).
    paras: Vec<Entry>,
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    text_box: bool,
    table_cell: bool,
}

impl<'p> PartDoc<'p> {
    fn read(part: &'p Part, headings: &[String], name: &str) -> Result<PartDoc<'p>> {
        let tree = Tree::parse(&part.bytes, &part.name).map_err(|m| err(name, m))?;
        let mut doc = PartDoc {
            tree,
            paras: Vec::new(),
        };
        let mut walk = Walk {
            kind: part.kind,
            headings,
            own: 0,
            mirror: None,
            recorder: None,
        };
        let root = doc.tree.root;
        walk.walk(&doc.tree, root, Ctx::default(), &mut doc.paras);
        Ok(doc)
    }
}

struct Walk<'h> {
    kind: PartKind,
    headings: &'h [String],
    own: usize,
    /// In a copy (`mc:Fallback`): the blocks of the first choice still to be mirrored.
    mirror: Option<VecDeque<usize>>,
    /// In a first choice: the blocks it produced.
    recorder: Option<Vec<usize>>,
}

impl Walk<'_> {
    fn walk(&mut self, tree: &Tree<'_>, n: usize, ctx: Ctx, out: &mut Vec<Entry>) {
        let local = tree.local(n);
        match local {
            b"p" => {
                let para = para::analyse(tree, n);
                let source = if !para.has_text() {
                    Source::None
                } else if let Some(queue) = self.mirror.as_mut() {
                    queue.pop_front().map_or(Source::None, Source::Mirror)
                } else {
                    let k = self.own;
                    self.own += 1;
                    if let Some(r) = self.recorder.as_mut() {
                        r.push(k);
                    }
                    Source::Own(k)
                };
                let restype = self.restype(tree, n, ctx);
                out.push(Entry {
                    para,
                    source,
                    restype,
                });
            }
            b"footnote" | b"endnote" => {
                let w = tree.prefix(n);
                let attr = if w.is_empty() {
                    "type".to_string()
                } else {
                    format!("{}:type", String::from_utf8_lossy(w))
                };
                if matches!(
                    tree.attr(n, &attr).as_deref(),
                    Some("separator" | "continuationSeparator" | "continuationNotice")
                ) {
                    return;
                }
            }
            b"AlternateContent" => {
                for c in tree.elems(n).collect::<Vec<_>>() {
                    if tree.local(c) == b"Choice" && self.mirror.is_none() {
                        let outer = self.recorder.replace(Vec::new());
                        self.walk(tree, c, ctx, out);
                        let made = std::mem::replace(&mut self.recorder, outer)
                            .expect("the recorder was set above");
                        if let Some(r) = self.recorder.as_mut() {
                            r.extend(&made);
                        }
                        // Every other choice and the fallback mirror these blocks.
                        let rest: Vec<usize> = tree.elems(n).filter(|&x| x != c).collect();
                        for other in rest {
                            let saved = self.mirror.replace(made.iter().copied().collect());
                            self.walk(tree, other, ctx, out);
                            self.mirror = saved;
                        }
                        return;
                    }
                }
                // No choice: walk everything as it is.
            }
            _ => {}
        }
        let ctx = match local {
            b"txbxContent" => Ctx {
                text_box: true,
                ..ctx
            },
            b"tc" => Ctx {
                table_cell: true,
                ..ctx
            },
            _ => ctx,
        };
        for c in tree.elems(n).collect::<Vec<_>>() {
            self.walk(tree, c, ctx, out);
        }
    }

    fn restype(&self, tree: &Tree<'_>, p: usize, ctx: Ctx) -> &'static str {
        if ctx.text_box {
            return "x-text-box";
        }
        match self.kind {
            PartKind::Header => return "x-header",
            PartKind::Footer => return "x-footer",
            PartKind::Footnotes | PartKind::Endnotes => return "x-footnote",
            PartKind::Main => {}
        }
        if ctx.table_cell {
            return "x-table-cell";
        }
        let w = tree.prefix(p);
        let val = if w.is_empty() {
            "val".to_string()
        } else {
            format!("{}:val", String::from_utf8_lossy(w))
        };
        let style = tree
            .child(p, w, b"pPr")
            .and_then(|ppr| tree.child(ppr, w, b"pStyle"))
            .and_then(|s| tree.attr(s, &val));
        if let Some(style) = style {
            let lower = style.to_ascii_lowercase();
            if self.headings.contains(&style) || lower.starts_with("heading") || lower == "title" {
                return "x-heading";
            }
        }
        "x-paragraph"
    }
}

/// Writes a part with its paragraphs rebuilt where their translation differs from the source.
struct PartRender<'r, 'p> {
    tree: &'r Tree<'p>,
    paras: &'r [Entry],
    sources: &'r [&'r [Piece]],
    translated: &'r [Vec<Piece>],
    lang: &'r LangEdit,
    cache: HashMap<usize, Vec<u8>>,
    /// Rebuild paragraphs even when their translation equals their source.
    force: bool,
}

impl PartRender<'_, '_> {
    fn para(&mut self, i: usize, out: &mut Vec<u8>) {
        let (paras, translated, sources, tree, force) = (
            self.paras,
            self.translated,
            self.sources,
            self.tree,
            self.force,
        );
        let e = &paras[i];
        let pieces: Option<&[Piece]> = match e.source {
            Source::Own(k) => {
                Some(translated[k].as_slice()).filter(|t| force || !same_pieces(t, sources[k]))
            }
            Source::Mirror(k) => Some(translated[k].as_slice()).filter(|t| {
                same_pieces(&e.para.pieces, sources[k]) && (force || !same_pieces(t, sources[k]))
            }),
            Source::None => None,
        };
        match pieces {
            Some(p) => e.para.rebuild(tree, p, self, out),
            None => {
                let n = &tree.nodes[e.para.node];
                self.range(n.start, n.end, out);
            }
        }
    }
}

impl Render for PartRender<'_, '_> {
    fn range(&mut self, start: usize, end: usize, out: &mut Vec<u8>) {
        let tree = self.tree;
        let mut pos = start;
        let first = self
            .paras
            .partition_point(|e| tree.nodes[e.para.node].start < start);
        for i in first..self.paras.len() {
            let n = &tree.nodes[self.paras[i].para.node];
            if n.start >= end {
                break;
            }
            if n.start < pos || (n.start == start && n.end == end) || n.end > end {
                continue;
            }
            out.extend_from_slice(&tree.bytes[pos..n.start]);
            self.para(i, out);
            pos = n.end;
        }
        out.extend_from_slice(&tree.bytes[pos..end]);
    }

    fn rpr(&mut self, rpr: usize, out: &mut Vec<u8>) {
        let tree = self.tree;
        if let Some(b) = self.cache.get(&rpr) {
            out.extend_from_slice(b);
            return;
        }
        let n = &tree.nodes[rpr];
        let w = tree.prefix(rpr);
        let mut b = Vec::with_capacity(n.end - n.start + 16);
        match tree.child(rpr, w, b"lang") {
            Some(l) => {
                let ws = String::from_utf8_lossy(w).into_owned();
                let ln = &tree.nodes[l];
                b.extend_from_slice(&tree.bytes[n.start..ln.start]);
                b.extend(with_attr(tree, l, &self.lang.attr(&ws), &self.lang.tag));
                b.extend_from_slice(&tree.bytes[ln.head_end..n.end]);
            }
            None => b.extend_from_slice(&tree.bytes[n.start..n.end]),
        }
        out.extend_from_slice(&b);
        self.cache.insert(rpr, b);
    }
}

#[cfg(test)]
mod tests;
