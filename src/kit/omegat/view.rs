//! A document as OmegaT shows it in the kit's project (its paragraphs, tags and segments), and
//! OmegaT's translations read back into the document's segments.

use std::path::Path;

use super::segmentation::{
    OmegatParagraph, OmegatRule, article_segmentation, java_is_whitespace, nfc_chars,
};
use super::shortcuts::{docx_breaks_paragraph, omegat_shortcuts};

use crate::error::Result;
use crate::formats::document::{self, Block, Code, Kind, Piece, Role};
use crate::kit::{Kit, KitDocument, KitSegment};
use crate::model::{Lang, TranslationUnit};
use crate::text::srx::RuleSet;

/// A document's segment, placed: its block, the byte range of its text in the block's plain
/// text, and its pieces (as `prepare` cut them: codes at its edges left out, in the gaps).
#[derive(Debug, Clone, Copy)]
pub struct DocSegment<'a> {
    /// The index of the block in the document's blocks.
    pub block: usize,
    /// Start of the byte range of the segment's text in the block's plain text.
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
    /// The segment's text and codes.
    pub pieces: &'a [Piece],
}

/// A document's segment as OmegaT shows it in the kit's project, and the way between OmegaT's
/// tags and the segment's codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OmegatSegment {
    /// OmegaT's source: the segment's text with OmegaT's tags, and the tags OmegaT keeps at its
    /// edges (codes `prepare` moved out of the segment), as `project_save.tmx` has it.
    pub source: String,
    /// What `source` has before and after the segment's own content.
    prefix: String,
    suffix: String,
    /// The block's codes by OmegaT tag (a DOCX tag stands for several codes), in order.
    tags: Vec<(String, Vec<Code>)>,
    /// The segment's codes that OmegaT does not show (markup at the ends of a DOCX paragraph):
    /// before its text, and after.
    hidden_before: Vec<Code>,
    hidden_after: Vec<Code>,
    /// The segment's own codes.
    own: Vec<(u32, Role)>,
}

impl OmegatSegment {
    /// A translation of the segment into `target` (its pieces, with the segment's codes) as
    /// OmegaT shows it: with the tags around the segment and each code as its tag. For Chinese
    /// and Japanese the white space around the segment (a no-break space OmegaT keeps in it) is
    /// left out, as `finish` drops the white space between sentences. `None` when a code is
    /// not one of the block's.
    pub fn omegat_translation(&self, pieces: &[Piece], target: &Lang) -> Option<String> {
        let cjk = matches!(target.primary(), "zh" | "ja");
        let around = |s: &str| -> String {
            if cjk {
                s.chars().filter(|c| !c.is_whitespace()).collect()
            } else {
                s.to_string()
            }
        };
        let mut out = around(&self.prefix);
        for p in pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Code(c) => {
                    if self
                        .hidden_before
                        .iter()
                        .chain(&self.hidden_after)
                        .any(|h| h.id == c.id && h.role == c.role)
                    {
                        continue;
                    }
                    let tag = self.tags.iter().find(|(_, codes)| {
                        codes.iter().any(|k| k.id == c.id && k.role == c.role)
                    })?;
                    // A DOCX tag standing for several codes is written once, at its first.
                    if tag
                        .1
                        .first()
                        .is_some_and(|k| k.id == c.id && k.role == c.role)
                    {
                        out.push_str(&tag.0);
                    }
                }
            }
        }
        // Tags that stand for no code (a DOCX run split without a formatting change) go at the
        // end: the runs on both sides look the same.
        let content = &self.source[self.prefix.len()..self.source.len() - self.suffix.len()];
        for (tag, codes) in &self.tags {
            if codes.iter().all(|c| c.id == RUN_SPLIT) && content.contains(tag.as_str()) {
                out.push_str(tag);
            }
        }
        out.push_str(&around(&self.suffix));
        Some(out)
    }

    /// OmegaT's translation of the segment (from `project_save.tmx`) as the segment's pieces:
    /// each of OmegaT's tags becomes the codes it stands for, those of the segment kept (the
    /// tags around the segment are the gaps' codes, which stay where the document has them);
    /// the codes OmegaT does not show go back before or after the text; anything else is text.
    /// The caller checks the codes against the source ([`document::check_codes`]): a tag the
    /// translator deleted is a missing code.
    pub fn read_translation(&self, omegat: &str) -> Vec<Piece> {
        let mut out: Vec<Piece> = self
            .hidden_before
            .iter()
            .cloned()
            .map(Piece::Code)
            .collect();
        let mut text = String::new();
        let mut rest = omegat;
        while !rest.is_empty() {
            let found = rest.starts_with('<').then(|| {
                self.tags
                    .iter()
                    .filter(|(tag, _)| rest.starts_with(tag.as_str()))
                    .max_by_key(|(tag, _)| tag.len())
            });
            match found.flatten() {
                Some((tag, codes)) => {
                    if !text.is_empty() {
                        out.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    out.extend(
                        codes
                            .iter()
                            .filter(|c| self.own.contains(&(c.id, c.role)))
                            .cloned()
                            .map(Piece::Code),
                    );
                    rest = &rest[tag.len()..];
                }
                None => {
                    let c = rest.chars().next().expect("rest is not empty");
                    text.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        if !text.is_empty() {
            out.push(Piece::Text(text));
        }
        out.extend(self.hidden_after.iter().cloned().map(Piece::Code));
        out
    }
}

/// Every segment of a document as OmegaT shows it in the kit's project (see
/// [`write_omegat_project`](super::write_omegat_project)): `document` is the original file, `blocks` its blocks as
/// extracted, `segments` its segments in order, `rules` the rules of the project's segmentation
/// for the source language (tmkit's built-in ones, as [`write_omegat_project`](super::write_omegat_project) writes them). Each segment is one
/// OmegaT segment, or several when it spans tabs of a DOCX paragraph (OmegaT ends a paragraph
/// at a tab), in order; none when its place does not fit its block.
///
/// `finish` reads an OmegaT project's translations back with it: the entry of
/// `project_save.tmx` whose source is a part's [`OmegatSegment::source`] holds that part's
/// translation; [`OmegatSegment::read_translation`] of each part, joined, gives the segment's
/// pieces (the tab between two parts comes back with the first).
pub fn omegat_segments(
    kind: Kind,
    document: &[u8],
    blocks: &[Block],
    rules: &RuleSet,
    segments: &[DocSegment<'_>],
) -> Vec<Vec<OmegatSegment>> {
    document_view(kind, document, blocks, segments, rules).1
}

/// The translations an OmegaT project saved (`omegat/project_save.tmx`), source text (with
/// OmegaT's tags) to translation, for `target`; none when the project was never saved.
pub fn saved_translations(
    project: &Path,
    target: &Lang,
) -> Result<std::collections::HashMap<String, String>> {
    let path = project.join("omegat").join("project_save.tmx");
    let mut saved = std::collections::HashMap::new();
    if !path.exists() {
        return Ok(saved);
    }
    let mut reader = crate::formats::tmx::Reader::open(&path)?;
    let mut unit = TranslationUnit::default();
    loop {
        match reader.read_unit(&mut unit)? {
            crate::formats::tmx::Item::End => break,
            crate::formats::tmx::Item::Problem(_) => continue,
            crate::formats::tmx::Item::Unit => {
                let source = unit.variants.iter().find(|v| !target.matches(&v.lang));
                let translation = unit.variants.iter().find(|v| target.matches(&v.lang));
                if let (Some(s), Some(t)) = (source, translation)
                    && !t.text.is_empty()
                {
                    saved.insert(s.text.clone(), t.text.clone());
                }
            }
        }
    }
    Ok(saved)
}

/// The translations of a document's segments in an OmegaT project of its kit (the project's
/// `omegat/project_save.tmx`, into `target`): per segment (see [`omegat_segments`] for the
/// arguments), its translated pieces, with the codes OmegaT's tags stand for, or `None` when
/// OmegaT has no translation for it (or for one of its parts). A project without a
/// `project_save.tmx` (never saved) gives none. The caller checks the codes against the
/// source's ([`document::check_codes`]).
pub fn read_omegat_translations(
    project: &Path,
    target: &Lang,
    kind: Kind,
    document: &[u8],
    blocks: &[Block],
    rules: &RuleSet,
    segments: &[DocSegment<'_>],
) -> Result<Vec<Option<Vec<Piece>>>> {
    let saved = saved_translations(project, target)?;
    let views = omegat_segments(kind, document, blocks, rules, segments);
    Ok(views
        .iter()
        .map(|parts| {
            if parts.is_empty() {
                return None;
            }
            let mut pieces = Vec::new();
            for part in parts {
                pieces.extend(part.read_translation(saved.get(&part.source)?));
            }
            // Text pieces cut by the parts' tags are joined.
            let mut joined: Vec<Piece> = Vec::with_capacity(pieces.len());
            for p in pieces {
                match (joined.last_mut(), p) {
                    (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
                    (_, Piece::Text(b)) if b.is_empty() => {}
                    (_, p) => joined.push(p),
                }
            }
            Some(joined)
        })
        .collect())
}

/// The rules that make OmegaT cut a document's paragraphs into its segments, and the segments
/// as OmegaT shows them.
pub(super) fn document_view(
    kind: Kind,
    document: &[u8],
    blocks: &[Block],
    segments: &[DocSegment<'_>],
    rules: &RuleSet,
) -> (Vec<OmegatRule>, Vec<Vec<OmegatSegment>>) {
    let split_blocks;
    let blocks = if kind == Kind::Docx {
        split_blocks = with_run_splits(blocks, &docx_run_splits(document, blocks));
        &split_blocks[..]
    } else {
        blocks
    };
    let (paragraphs, tables) = document_paragraphs(kind, blocks, segments);
    let article = article_segmentation(&paragraphs, rules, None);
    let mut out: Vec<Vec<OmegatSegment>> = vec![Vec::new(); segments.len()];
    for seen in article.seen {
        let seg = &segments[seen.index];
        let Some(table) = tables.get(seg.block) else {
            continue;
        };
        let own: Vec<(u32, Role)> = seg
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Code(c) => Some((c.id, c.role)),
                Piece::Text(_) => None,
            })
            .collect();
        let hidden = |before: bool| -> Vec<Code> {
            table
                .hidden
                .iter()
                .filter(|(c, part, b)| {
                    *part == seen.part && *b == before && own.contains(&(c.id, c.role))
                })
                .map(|(c, _, _)| c.clone())
                .collect()
        };
        out[seen.index].push(OmegatSegment {
            hidden_before: hidden(true),
            hidden_after: hidden(false),
            source: seen.text,
            prefix: seen.prefix,
            suffix: seen.suffix,
            tags: table.tags.clone(),
            own,
        });
    }
    (article.rules, out)
}

/// The id of the codes standing for a place where a DOCX run ends and the next begins with the
/// same formatting (tmkit joins the runs; OmegaT shows a tag): no code of a block has it.
const RUN_SPLIT: u32 = 0;

/// Where OmegaT's OpenXML filter sees a tag that tmkit has no code for, per block: the byte
/// offsets in the block's plain text where one `w:t` ends and the next begins with no code of
/// the block there (runs split by revision ids, proofing marks, bookmarks, or nothing). Each
/// block is matched to the first paragraph (`w:p`) of its part, after the previous block's,
/// whose text is the block's; a block with none gets no offsets. Unreadable parts give none.
fn docx_run_splits(document: &[u8], blocks: &[Block]) -> Vec<Vec<usize>> {
    // (part name, its paragraphs, the first not yet matched).
    let mut parts: Vec<(String, Vec<XmlParagraph>, usize)> = Vec::new();
    let mut out = Vec::with_capacity(blocks.len());
    for block in blocks {
        let part = if block.name.ends_with(".xml") {
            block.name.as_str()
        } else {
            "word/document.xml"
        };
        if !parts.iter().any(|(name, _, _)| name == part) {
            let paragraphs = docx_part_paragraphs(document, part).unwrap_or_default();
            parts.push((part.to_string(), paragraphs, 0));
        }
        let Some((_, paragraphs, next)) = parts.iter_mut().find(|(name, _, _)| name == part) else {
            out.push(Vec::new());
            continue;
        };
        let plain = block.plain_text();
        let found = paragraphs[*next..]
            .iter()
            .position(|(text, _)| *text == plain);
        let Some(found) = found else {
            out.push(Vec::new());
            continue;
        };
        *next += found + 1;
        let boundaries = &paragraphs[*next - 1].1;
        let mut code_offsets = Vec::new();
        let mut at = 0;
        for p in &block.pieces {
            match p {
                Piece::Text(t) => at += t.len(),
                Piece::Code(_) => code_offsets.push(at),
            }
        }
        out.push(
            boundaries
                .iter()
                .copied()
                .filter(|b| *b > 0 && *b < plain.len() && !code_offsets.contains(b))
                .collect(),
        );
    }
    out
}

/// A `w:p`: its text, and where a `w:t` begins after another.
type XmlParagraph = (String, Vec<usize>);

/// The paragraphs of a DOCX part: the text of their `w:t` elements, and the byte offsets in it
/// where a `w:t` begins after another one. A paragraph inside another (a text box) is its own.
fn docx_part_paragraphs(document: &[u8], part: &str) -> Option<Vec<XmlParagraph>> {
    use quick_xml::events::Event;
    /// The most a part may hold when read for this (the filter has read it already).
    const LIMIT: u64 = 256 << 20;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(document)).ok()?;
    let mut xml = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(archive.by_name(part).ok()?, LIMIT),
        &mut xml,
    )
    .ok()?;
    let mut reader = quick_xml::Reader::from_reader(&xml[..]);
    let mut buf = Vec::new();
    let mut done: Vec<XmlParagraph> = Vec::new();
    // Open paragraphs: (index in `done`, whether a `w:t` ended since the last text).
    let mut open: Vec<(usize, bool)> = Vec::new();
    let mut in_t = false;
    loop {
        let event = reader.read_event_into(&mut buf).ok()?;
        match &event {
            Event::Start(e) if e.name().as_ref() == "w:p" => {
                done.push((String::new(), Vec::new()));
                open.push((done.len() - 1, false));
            }
            Event::End(e) if e.name().as_ref() == "w:p" => {
                open.pop();
            }
            Event::Start(e) if e.name().as_ref() == "w:t" => {
                in_t = true;
                if let Some((i, ended)) = open.last_mut() {
                    if *ended && !done[*i].0.is_empty() {
                        let at = done[*i].0.len();
                        done[*i].1.push(at);
                    }
                    *ended = false;
                }
            }
            Event::End(e) if e.name().as_ref() == "w:t" => {
                in_t = false;
                if let Some((_, ended)) = open.last_mut() {
                    *ended = true;
                }
            }
            Event::Text(t) if in_t => {
                if let Some((i, _)) = open.last() {
                    done[*i].0.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_t => {
                if let Some((i, _)) = open.last() {
                    let c = match r.resolve_char_ref().ok().flatten() {
                        Some(c) => c,
                        None => match &r[..] {
                            "lt" => '<',
                            "gt" => '>',
                            "amp" => '&',
                            "apos" => '\'',
                            "quot" => '"',
                            _ => continue,
                        },
                    };
                    done[*i].0.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Some(done)
}

/// The blocks with a code of id [`RUN_SPLIT`] at each of `splits` (offsets in their plain text).
fn with_run_splits(blocks: &[Block], splits: &[Vec<usize>]) -> Vec<Block> {
    blocks
        .iter()
        .zip(splits.iter().chain(std::iter::repeat(&Vec::new())))
        .map(|(block, offsets)| {
            if offsets.is_empty() {
                return block.clone();
            }
            let split = Piece::Code(Code::new(RUN_SPLIT, Role::Standalone, "x-run-split"));
            let mut pieces = Vec::with_capacity(block.pieces.len() + offsets.len());
            let mut at = 0;
            for p in &block.pieces {
                match p {
                    Piece::Text(t) => {
                        let mut rest = t.as_str();
                        let mut start = at;
                        for &o in offsets.iter().filter(|&&o| o > at && o < at + t.len()) {
                            let (head, tail) = rest.split_at(o - start);
                            pieces.push(Piece::Text(head.to_string()));
                            pieces.push(split.clone());
                            rest = tail;
                            start = o;
                        }
                        pieces.push(Piece::Text(rest.to_string()));
                        at += t.len();
                    }
                    code => pieces.push(code.clone()),
                }
            }
            Block {
                restype: block.restype,
                name: block.name.clone(),
                pieces,
            }
        })
        .collect()
}

/// A block's codes as OmegaT shows them.
#[derive(Debug, Clone, Default)]
struct BlockTags {
    /// Each tag and the codes it stands for.
    tags: Vec<(String, Vec<Code>)>,
    /// Codes OmegaT does not show: the number of the paragraph of the block they are in (a DOCX
    /// block is cut at its tabs; a tab is in the paragraph it ends), and whether they are before
    /// its text.
    hidden: Vec<(Code, usize, bool)>,
}

/// The tags of a block from its shortcuts ([`omegat_shortcuts`]): a code with an empty shortcut
/// right after a tagged code (no text between) belongs to that tag; the others are hidden.
fn block_tags(kind: Kind, pieces: &[Piece], shortcuts: &[Option<String>]) -> BlockTags {
    let mut out = BlockTags::default();
    let mut seen_text = false;
    let mut open_group = false;
    let mut part = 0;
    for (p, s) in pieces.iter().zip(shortcuts) {
        match (p, s) {
            (Piece::Text(t), _) => {
                seen_text |= !t.trim_matches(|c| c <= ' ').is_empty();
                open_group = false;
            }
            (Piece::Code(c), Some(s)) if !s.is_empty() => {
                out.tags.push((s.clone(), vec![c.clone()]));
                open_group = true;
            }
            (Piece::Code(c), _) => {
                if open_group && let Some(last) = out.tags.last_mut() {
                    last.1.push(c.clone());
                } else {
                    out.hidden.push((c.clone(), part, !seen_text));
                }
                if kind == Kind::Docx && docx_breaks_paragraph(c) {
                    part += 1;
                    seen_text = false;
                    open_group = false;
                }
            }
        }
    }
    out
}

/// The document's blocks as OmegaT will read them (see [`omegat_shortcuts`]), with the
/// segments placed in them (indices into `segments`); and each block's tags.
///
/// Text: HTML white space (space, tab, line feed, carriage return, form feed) runs become one
/// space, as OmegaT's HTML filter reads them; DOCX text is taken as it is. Each paragraph is
/// trimmed of white space and no-break spaces at its ends (`removeSpacesNonseg`). A segment
/// whose place does not fit its block, or that spans a tab of a DOCX block, is left out.
fn document_paragraphs(
    kind: Kind,
    blocks: &[Block],
    segments: &[DocSegment<'_>],
) -> (Vec<OmegatParagraph>, Vec<BlockTags>) {
    let mut paragraphs = Vec::new();
    let mut tables = Vec::new();
    for (b, block) in blocks.iter().enumerate() {
        let shortcuts = omegat_shortcuts(kind, &block.pieces);
        tables.push(block_tags(kind, &block.pieces, &shortcuts));
        // Per byte of the block's plain text: (paragraph, start and end in its text).
        let mut chars: Vec<(usize, usize, usize)> = Vec::new();
        let mut plain_len = 0;
        let mut paras: Vec<OmegatParagraph> = vec![OmegatParagraph::default()];
        let new_para = |paras: &Vec<OmegatParagraph>| OmegatParagraph {
            part: paras.len(),
            ..OmegatParagraph::default()
        };
        let mut collapsed = false;
        // Per code: (offset in the plain text, paragraph, start and end of its tag).
        let mut codes: Vec<(usize, usize, usize, usize)> = Vec::new();
        for (piece, shortcut) in block.pieces.iter().zip(&shortcuts) {
            match piece {
                Piece::Text(t) => {
                    for c in t.chars() {
                        let para = paras.len() - 1;
                        let text = &mut paras[para].text;
                        let at = text.len();
                        // OmegaT makes every run of Java white space one space
                        // (`StringUtil.compressSpaces`), U+3000 included, U+00A0 not.
                        let span = if kind == Kind::Html && java_is_whitespace(c) {
                            if !collapsed {
                                text.push(' ');
                            }
                            collapsed = true;
                            (text.len() - 1, text.len())
                        } else {
                            // OmegaT reads paragraphs in normalization form C (see
                            // [`nfc_chars`]).
                            text.push_str(&nfc_chars(c.encode_utf8(&mut [0; 4])).0);
                            collapsed = false;
                            (at, text.len())
                        };
                        for _ in 0..c.len_utf8() {
                            chars.push((para, span.0, span.1));
                        }
                        plain_len += c.len_utf8();
                    }
                }
                Piece::Code(code) => {
                    collapsed = false;
                    if kind == Kind::Docx && docx_breaks_paragraph(code) {
                        let next = new_para(&paras);
                        paras.push(next);
                    } else {
                        let para = paras.len() - 1;
                        let at = paras[para].text.len();
                        paras[para].text.push_str(shortcut.as_deref().unwrap_or(""));
                        codes.push((plain_len, para, at, paras[para].text.len()));
                    }
                }
            }
        }
        for (index, seg) in segments.iter().enumerate().filter(|(_, s)| s.block == b) {
            let (s, e) = (seg.start, seg.end);
            if s >= e || e > plain_len {
                continue;
            }
            let (pa, mut start, _) = chars[s];
            let (pb, _, mut end) = chars[e - 1];
            // Codes at the segment's edges that the segment keeps (a span it holds whole) are
            // in its content: the last ones before its first character, the first ones after
            // its last.
            let lead = seg
                .pieces
                .iter()
                .take_while(|p| matches!(p, Piece::Code(_)))
                .count();
            let trail = seg
                .pieces
                .iter()
                .rev()
                .take_while(|p| matches!(p, Piece::Code(_)))
                .count();
            let before: Vec<&(usize, usize, usize, usize)> =
                codes.iter().filter(|c| c.0 == s && c.1 == pa).collect();
            if lead > 0 && lead <= before.len() {
                start = before[before.len() - lead].2;
            }
            let after: Vec<&(usize, usize, usize, usize)> =
                codes.iter().filter(|c| c.0 == e && c.1 == pb).collect();
            if trail > 0 && trail <= after.len() && lead + trail < seg.pieces.len() {
                end = after[trail - 1].3;
            }
            // A segment across a tab of a DOCX block is one OmegaT segment per paragraph.
            for (p, para) in paras.iter_mut().enumerate().take(pb + 1).skip(pa) {
                let from = if p == pa { start } else { 0 };
                let to = if p == pb { end } else { para.text.len() };
                para.segs.push((index, from, to));
            }
        }
        for mut para in paras {
            let lead = para.text.len()
                - para
                    .text
                    .trim_start_matches(|c| java_is_whitespace(c) || c == '\u{a0}')
                    .len();
            let kept = para
                .text
                .trim_matches(|c| java_is_whitespace(c) || c == '\u{a0}')
                .to_string();
            let len = kept.len();
            para.segs = para
                .segs
                .iter()
                .filter(|(_, s, e)| *s >= lead && *e <= lead + len && s < e)
                .map(|&(i, s, e)| (i, s - lead, e - lead))
                .collect();
            para.text = kept;
            paragraphs.push(para);
        }
    }
    (paragraphs, tables)
}

/// The kit's segments as placed document segments (`None` for one whose text is not where its
/// place says: left out).
pub(super) fn kit_doc_segments<'a>(kit: &'a Kit, doc: &KitDocument) -> Vec<DocSegment<'a>> {
    // Where each block's plain text starts in the kit's text (blocks joined by blank lines).
    let mut bases = Vec::with_capacity(doc.extracted.blocks.len());
    let mut base = 0;
    for (b, block) in doc.extracted.blocks.iter().enumerate() {
        if b > 0 {
            base += 2;
        }
        bases.push(base);
        base += block.plain_text().len();
    }
    kit.segments
        .iter()
        .map(|seg| {
            let base = bases.get(seg.block).copied().unwrap_or(usize::MAX);
            let fits = seg.start >= base
                && kit.text.get(seg.start..seg.end).is_some_and(|t| {
                    doc.extracted.blocks[seg.block]
                        .plain_text()
                        .get(seg.start - base..seg.end - base)
                        == Some(t)
                });
            DocSegment {
                block: seg.block,
                start: if fits { seg.start - base } else { 0 },
                end: if fits { seg.end - base } else { 0 },
                pieces: &seg.pieces,
            }
        })
        .collect()
}

/// A translation cut into one piece per part of its segment, at the tabs that end OmegaT's DOCX
/// paragraphs (the codes the parts end with; each tab stays at the end of the part before it);
/// `None` when it does not have them.
pub(super) fn split_at_tabs(pieces: &[Piece], parts: &[OmegatSegment]) -> Option<Vec<Vec<Piece>>> {
    let tabs: Vec<(u32, Role)> = parts
        .iter()
        .flat_map(|p| &p.hidden_after)
        .filter(|c| docx_breaks_paragraph(c))
        .map(|c| (c.id, c.role))
        .collect();
    let mut out = vec![Vec::new()];
    for p in pieces {
        out.last_mut()?.push(p.clone());
        if matches!(p, Piece::Code(c) if tabs.contains(&(c.id, c.role))) {
            out.push(Vec::new());
        }
    }
    (out.len() == parts.len()).then_some(out)
}

/// A pretranslation's pieces: for a segment with inline codes, the target with the codes put in
/// place ([`Leverage::target_markup`](crate::kit::Leverage)), or the target itself when
/// it is TMX inline markup carrying them; `None` when it does not carry exactly the segment's
/// codes (a memory holding the plain text): OmegaT would insert it without them.
pub(super) fn translation_pieces(
    seg: &KitSegment,
    target: &str,
    markup: Option<&str>,
) -> Option<Vec<Piece>> {
    let has_codes = seg.pieces.iter().any(|p| matches!(p, Piece::Code(_)));
    if !has_codes {
        return Some(vec![Piece::Text(target.to_string())]);
    }
    let pieces = document::from_markup(markup.unwrap_or(target)).ok()?;
    document::check_codes(&seg.pieces, &pieces)
        .is_empty()
        .then_some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::srx::Engine;

    fn code(id: u32, role: Role, native: &str) -> Piece {
        Piece::Code(Code {
            id,
            role,
            ctype: String::new(),
            native: native.to_string(),
        })
    }

    fn text(s: &str) -> Piece {
        Piece::Text(s.to_string())
    }

    /// The segments of one block cut at `ranges` (byte ranges of its plain text), as prepare
    /// cuts them, shown as OmegaT shows them.
    fn view(kind: Kind, block: Block, ranges: &[(usize, usize)]) -> Vec<Vec<OmegatSegment>> {
        let split = crate::kit::document::split_block(&block.pieces, ranges);
        let segments: Vec<DocSegment<'_>> = ranges
            .iter()
            .zip(&split.segments)
            .map(|(&(start, end), pieces)| DocSegment {
                block: 0,
                start,
                end,
                pieces,
            })
            .collect();
        let engine = Engine::new(crate::formats::srx::default_rules().unwrap());
        let rules = engine.rules_for("en").unwrap();
        omegat_segments(kind, b"", std::slice::from_ref(&block), &rules, &segments)
    }

    #[test]
    fn html_segments_keep_their_edge_tags_and_read_back_to_their_codes() {
        // <p><b>First one.</b> Second <i>two</i>.</p>
        let block = Block {
            restype: "x-paragraph",
            name: "p".to_string(),
            pieces: vec![
                code(1, Role::Open, "<b>"),
                text("First one."),
                code(1, Role::Close, "</b>"),
                text(" Second "),
                code(2, Role::Open, "<i>"),
                text("two"),
                code(2, Role::Close, "</i>"),
                text("."),
            ],
        };
        let views = view(Kind::Html, block, &[(0, 10), (11, 22)]);
        let sources: Vec<&str> = views.iter().map(|v| v[0].source.as_str()).collect();
        assert_eq!(sources, ["<b0>First one.</b0>", "Second <i1>two</i1>."]);
        let zh = Lang::parse("zh-CN").unwrap();
        // The first segment's bold is the gap's: around the translation, not in it.
        assert_eq!(
            views[0][0].omegat_translation(&[text("第一。")], &zh),
            Some("<b0>第一。</b0>".to_string())
        );
        let second = [
            code(2, Role::Open, ""),
            text("二"),
            code(2, Role::Close, ""),
            text("第二。"),
        ];
        assert_eq!(
            views[1][0].omegat_translation(&second, &zh),
            Some("<i1>二</i1>第二。".to_string())
        );
        // Read back: OmegaT's tags become the segment's codes; the tags around the segment (the
        // gap's codes) are left out; an unknown tag is text.
        assert_eq!(
            views[1][0].read_translation("<i1>二</i1>第二<x9>。"),
            vec![
                code(2, Role::Open, "<i>"),
                text("二"),
                code(2, Role::Close, "</i>"),
                text("第二<x9>。"),
            ]
        );
        assert_eq!(
            views[0][0].read_translation("<b0>第一。</b0>"),
            vec![text("第一。")]
        );
    }

    #[test]
    fn a_docx_sentence_across_a_tab_is_one_omegat_segment_per_paragraph() {
        // Name:<tab>John <b>Smith</b>.
        let block = Block {
            restype: "x-paragraph",
            name: "word/document.xml".to_string(),
            pieces: vec![
                text("Name:"),
                code(1, Role::Standalone, "<w:tab/>"),
                text("John "),
                code(2, Role::Open, "<w:r><w:rPr><w:b/></w:rPr>"),
                text("Smith"),
                code(2, Role::Close, "</w:r>"),
                text("."),
            ],
        };
        let views = view(Kind::Docx, block, &[(0, 16)]);
        let sources: Vec<&str> = views[0].iter().map(|v| v.source.as_str()).collect();
        assert_eq!(sources, ["Name:", "John <t0/>Smith<t1/>."]);
        let back: Vec<Piece> = views[0]
            .iter()
            .zip(["名前：", "<t0/>スミス<t1/>・ジョン。"])
            .flat_map(|(v, t)| v.read_translation(t))
            .collect();
        assert_eq!(
            back,
            vec![
                text("名前："),
                code(1, Role::Standalone, "<w:tab/>"),
                code(2, Role::Open, "<w:r><w:rPr><w:b/></w:rPr>"),
                text("スミス"),
                code(2, Role::Close, "</w:r>"),
                text("・ジョン。"),
            ]
        );
        let target = [
            text("名前："),
            code(1, Role::Standalone, ""),
            code(2, Role::Open, ""),
            text("スミス"),
            code(2, Role::Close, ""),
            text("・ジョン。"),
        ];
        let parts = split_at_tabs(&target, &views[0]).unwrap();
        let ja = Lang::parse("ja-JP").unwrap();
        let forms: Vec<Option<String>> = views[0]
            .iter()
            .zip(&parts)
            .map(|(v, p)| v.omegat_translation(p, &ja))
            .collect();
        assert_eq!(
            forms,
            [
                Some("名前：".to_string()),
                Some("<t0/>スミス<t1/>・ジョン。".to_string())
            ]
        );
        assert_eq!(split_at_tabs(&[text("名前：スミス")], &views[0]), None);
    }
}
