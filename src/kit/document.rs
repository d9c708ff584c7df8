//! Articles as documents: reading one (detecting its format and extracting its blocks), cutting
//! each block into sentences with their inline codes, and putting translated sentences back into
//! blocks.
//!
//! A block is cut into `n` segments and `n + 1` gaps: `gap 0, segment 1, gap 1, ..., segment n,
//! gap n`, which concatenated give the block's pieces exactly. Gaps hold the white space between
//! sentences and the codes that belong to no sentence: codes at a sentence's edges (a link or bold
//! wrapping the whole sentence, an image before it, a line break after it) are moved out of the
//! sentence into the gap next to it, so that a match from the memory (plain text) fits without
//! them; a span that a sentence boundary cuts stays in both sentences as isolated codes.
//!
//! Plain text is one block (the whole file): its paragraphs and gaps are the segmenter's, as for
//! `tmkit segment`. In the other formats each block is one paragraph; line breaks inside it are
//! white space (the formats collapse them), so the segmenter sees them as spaces.
//!
//! Depends on `formats::document` (the filters and the model), `text` (the segmenter) and
//! `model`; never prints.

use crate::error::Result;
use crate::formats::document::{self, Block, Extracted, Kind, Options, Piece, Role};
use crate::model::Lang;
use crate::text::segment::{Segment, is_space, segment};
use crate::text::srx::RuleSet;

/// A document read for preparing.
#[derive(Debug, Clone)]
pub struct Read {
    /// The format detected.
    pub kind: Kind,
    /// The blocks and what else was extracted.
    pub extracted: Extracted,
}

/// Detects the format of `bytes` (the file `name`) and extracts its blocks.
pub fn read(bytes: &[u8], name: &str, options: &Options) -> Result<Read> {
    let kind = document::detect(bytes, name)?;
    let extracted = kind.filter().extract(bytes, name, options)?;
    Ok(Read { kind, extracted })
}

/// Where a segment is in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The index of the block in the document's blocks.
    pub block: usize,
    /// Byte range in the block's plain text.
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
}

/// A document cut into segments: the text the rest of `prepare` works on (the blocks' plain texts
/// joined by blank lines, so that segments and gaps still tile one text) and, per segment, its
/// place in the document.
#[derive(Debug, Clone)]
pub struct Segmented {
    /// The blocks' plain texts joined by blank lines.
    pub text: String,
    /// The sentences, as byte ranges in `text`, in order.
    pub segments: Vec<Segment>,
    /// Where each segment is in the document, one per segment.
    pub places: Vec<Place>,
}

/// Cuts every block of a document into sentences with `rules`.
pub fn segment_document(kind: Kind, extracted: &Extracted, rules: &RuleSet) -> Segmented {
    let mut text = String::new();
    let mut segments = Vec::new();
    let mut places = Vec::new();
    let mut cutter = Cutter::default();
    for (b, block) in extracted.blocks.iter().enumerate() {
        let plain = block.plain_text();
        if b > 0 {
            text.push_str("\n\n");
        }
        let (base, found) = cutter.cut(kind, &plain, rules);
        debug_assert_eq!(base, text.len());
        for s in found {
            places.push(Place {
                block: b,
                start: s.start - base,
                end: s.end - base,
            });
            segments.push(s);
        }
        text.push_str(&plain);
    }
    Segmented {
        text,
        segments,
        places,
    }
}

/// Cuts the blocks of a document into sentences one at a time, numbering the segments as
/// [`segment_document`] does: offsets in the blocks' plain texts joined by blank lines, counted
/// rather than kept, so that a document read a block at a time needs no more than its block.
#[derive(Debug, Clone, Default)]
pub struct Cutter {
    blocks: usize,
    segments: usize,
    /// The length of the joined text so far, in bytes and in characters.
    bytes: usize,
    chars: usize,
}

impl Cutter {
    /// The segments of the next block, whose plain text is `plain`, with offsets in the joined
    /// text; and where the block starts in it (in bytes).
    pub fn cut(&mut self, kind: Kind, plain: &str, rules: &RuleSet) -> (usize, Vec<Segment>) {
        if self.blocks > 0 {
            self.bytes += 2;
            self.chars += 2;
        }
        let found =
            if kind == Kind::Text || memchr::memchr2(b'\n', b'\r', plain.as_bytes()).is_none() {
                segment(plain, rules)
            } else {
                // Line breaks inside a paragraph are white space in these formats.
                let view: String = plain
                    .chars()
                    .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
                    .collect();
                segment(&view, rules)
            };
        let block = self.blocks;
        let start = self.bytes;
        let out = found
            .into_iter()
            .map(|s| {
                self.segments += 1;
                Segment {
                    paragraph: if kind == Kind::Text {
                        s.paragraph
                    } else {
                        block
                    },
                    index: self.segments - 1,
                    start: self.bytes + s.start,
                    end: self.bytes + s.end,
                    char_start: self.chars + s.char_start,
                    char_end: self.chars + s.char_end,
                }
            })
            .collect();
        self.blocks += 1;
        self.bytes += plain.len();
        self.chars += plain.chars().count();
        (start, out)
    }
}

/// A block cut into segments: `gaps.len() == segments.len() + 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// What lies between and around the segments (white space, codes moved out of segments), one
    /// more than the segments.
    pub gaps: Vec<Vec<Piece>>,
    /// The pieces of each segment, in order.
    pub segments: Vec<Vec<Piece>>,
}

impl Split {
    /// The block again, with `segments` in place of the split's own (one per segment, e.g. the
    /// translations), and the text between sentences made to fit `target` (see
    /// [`document::gap_for`]; in formats that collapse white space, any white space between two
    /// sentences is dropped for Chinese and Japanese).
    pub fn join(&self, segments: &[Vec<Piece>], kind: Kind, target: &Lang) -> Vec<Piece> {
        let mut out: Vec<Piece> = Vec::new();
        for (i, gap) in self.gaps.iter().enumerate() {
            let between = i > 0 && i < self.gaps.len() - 1;
            for p in gap {
                match p {
                    Piece::Text(t) if between => {
                        push(&mut out, Piece::Text(document::gap_for(t, target, kind)));
                    }
                    p => push(&mut out, p.clone()),
                }
            }
            if let Some(seg) = segments.get(i) {
                for p in seg {
                    push(&mut out, p.clone());
                }
            }
        }
        out
    }
}

fn push(out: &mut Vec<Piece>, p: Piece) {
    match p {
        Piece::Text(t) if t.is_empty() => {}
        Piece::Text(t) => match out.last_mut() {
            Some(Piece::Text(last)) => last.push_str(&t),
            _ => out.push(Piece::Text(t)),
        },
        code => out.push(code),
    }
}

/// Cuts a block's pieces at the segments' byte ranges in its plain text (sorted, not
/// overlapping), moving codes at the segments' edges into the gaps (see the module docs).
pub fn split_block(pieces: &[Piece], ranges: &[(usize, usize)]) -> Split {
    let n = ranges.len();
    // Buckets: 2i is gap i, 2i + 1 is segment i.
    let mut buckets: Vec<Vec<Piece>> = vec![Vec::new(); 2 * n + 1];
    let gap_of = |p: usize| ranges.iter().take_while(|r| r.1 <= p).count();
    let mut offset = 0usize;
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Text(t) => {
                let (a, b) = (offset, offset + t.len());
                let mut at = a;
                while at < b {
                    // The bucket holding byte `at`, and where it ends.
                    let (bucket, end) = match ranges.iter().position(|r| r.0 <= at && at < r.1) {
                        Some(i) => (2 * i + 1, ranges[i].1),
                        None => {
                            let g = gap_of(at);
                            (2 * g, ranges.get(g).map_or(usize::MAX, |r| r.0))
                        }
                    };
                    let cut = end.min(b);
                    push(
                        &mut buckets[bucket],
                        Piece::Text(t[at - a..cut - a].to_string()),
                    );
                    at = cut;
                }
                offset = b;
                i += 1;
            }
            Piece::Code(_) => {
                // A run of codes at one place, kept in its order: inside a segment, all of it
                // goes there; at a segment's end, the closes that lead the run stay in it; at a
                // segment's start, the opens that end the run go into it; the rest is the gap.
                let run_end = pieces[i..]
                    .iter()
                    .position(|p| matches!(p, Piece::Text(_)))
                    .map_or(pieces.len(), |k| i + k);
                let run = &pieces[i..run_end];
                let p = offset;
                let role = |x: &Piece| match x {
                    Piece::Code(c) => Some(c.role),
                    Piece::Text(_) => None,
                };
                if let Some(seg) = ranges.iter().position(|&(s, e)| s < p && p < e) {
                    buckets[2 * seg + 1].extend(run.iter().cloned());
                } else {
                    let before = ranges.iter().position(|&(_, e)| e == p);
                    let after = ranges.iter().position(|&(s, _)| s == p);
                    let lead = if before.is_some() {
                        run.iter()
                            .take_while(|x| role(x) == Some(Role::Close))
                            .count()
                    } else {
                        0
                    };
                    let tail = if after.is_some() {
                        run[lead..]
                            .iter()
                            .rev()
                            .take_while(|x| role(x) == Some(Role::Open))
                            .count()
                    } else {
                        0
                    };
                    let gap = 2 * ranges.iter().take_while(|r| r.1 <= p).count();
                    if let Some(b) = before {
                        buckets[2 * b + 1].extend(run[..lead].iter().cloned());
                    }
                    buckets[gap].extend(run[lead..run.len() - tail].iter().cloned());
                    if let Some(a) = after {
                        buckets[2 * a + 1].extend(run[run.len() - tail..].iter().cloned());
                    }
                }
                i = run_end;
            }
        }
    }
    // Edge codes out of the segments.
    for i in 0..n {
        let mut seg = std::mem::take(&mut buckets[2 * i + 1]);
        let mut lead: Vec<Piece> = Vec::new();
        let mut trail: Vec<Piece> = Vec::new();
        loop {
            let moved = match (seg.first(), seg.last()) {
                (Some(Piece::Code(first)), _) if strip_first(&seg, first) => {
                    lead.push(seg.remove(0));
                    true
                }
                (_, Some(Piece::Code(last))) if strip_last(&seg, last) => {
                    trail.insert(0, seg.pop().expect("seg has a last piece"));
                    true
                }
                (Some(Piece::Code(first)), Some(Piece::Code(last)))
                    if seg.len() > 1
                        && first.role == Role::Open
                        && last.role == Role::Close
                        && first.id == last.id =>
                {
                    // A span around the whole sentence.
                    lead.push(seg.remove(0));
                    trail.insert(0, seg.pop().expect("seg has a last piece"));
                    true
                }
                _ => false,
            };
            if !moved {
                break;
            }
        }
        buckets[2 * i].extend(lead);
        let next = &mut buckets[2 * i + 2];
        let mut after = trail;
        after.append(next);
        *next = after;
        buckets[2 * i + 1] = seg;
    }
    let mut gaps = Vec::with_capacity(n + 1);
    let mut segments = Vec::with_capacity(n);
    for (k, b) in buckets.into_iter().enumerate() {
        let mut joined = Vec::new();
        for p in b {
            push(&mut joined, p);
        }
        if k % 2 == 0 {
            gaps.push(joined);
        } else {
            segments.push(joined);
        }
    }
    Split { gaps, segments }
}

fn partner_in(seg: &[Piece], id: u32, role: Role) -> bool {
    seg.iter()
        .any(|p| matches!(p, Piece::Code(c) if c.id == id && c.role == role))
}

/// Whether the first code of a segment goes out: a standalone code, a close (its span began
/// before), or an open whose close is not in the segment.
fn strip_first(seg: &[Piece], first: &document::Code) -> bool {
    match first.role {
        Role::Standalone | Role::Close => true,
        Role::Open => !partner_in(seg, first.id, Role::Close),
    }
}

/// Whether the last code of a segment goes out (the mirror of [`strip_first`]).
fn strip_last(seg: &[Piece], last: &document::Code) -> bool {
    match last.role {
        Role::Standalone | Role::Open => true,
        Role::Close => !partner_in(seg, last.id, Role::Open),
    }
}

/// Puts a segment's inline codes into a plain translation (a memory match), where it can be done
/// without guessing: every code is a span (open and close in the segment) around a text whose
/// translation occurs exactly once in the target, either a glossary term (`anchors`: the term as
/// it stands in the segment and its approved translations) or the same text (a number, a name
/// kept in Latin letters). Spans must nest in the target as in the source. `None` when a code
/// cannot be placed (a standalone or isolated code, a span around other words): a translator
/// places it.
pub fn transfer_codes(
    source: &[Piece],
    target: &str,
    anchors: &[(&str, Vec<&str>)],
) -> Option<Vec<Piece>> {
    // The spans of the source: (id, wrapped plain text).
    let mut spans: Vec<(u32, String)> = Vec::new();
    let mut open: Vec<(u32, String)> = Vec::new();
    for p in source {
        match p {
            Piece::Text(t) => {
                for (_, text) in &mut open {
                    text.push_str(t);
                }
            }
            Piece::Code(c) => match c.role {
                Role::Standalone => return None,
                Role::Open => open.push((c.id, String::new())),
                Role::Close => {
                    let at = open.iter().rposition(|(id, _)| *id == c.id)?;
                    let (id, text) = open.remove(at);
                    spans.push((id, text));
                }
            },
        }
    }
    if !open.is_empty() {
        return None;
    }
    if spans.is_empty() {
        return Some(vec![Piece::Text(target.to_string())]);
    }
    // Where each span goes in the target.
    let mut placed: Vec<(u32, usize, usize)> = Vec::new();
    for (id, wrapped) in &spans {
        let wrapped = wrapped.trim();
        let mut candidates: Vec<&str> = anchors
            .iter()
            .filter(|(term, _)| term.trim() == wrapped)
            .flat_map(|(_, tr)| tr.iter().copied())
            .collect();
        candidates.push(wrapped);
        let found = candidates.into_iter().find_map(|c| {
            if c.is_empty() {
                return None;
            }
            let mut hits = target.match_indices(c);
            let first = hits.next()?;
            hits.next()
                .is_none()
                .then_some((first.0, first.0 + c.len()))
        })?;
        placed.push((*id, found.0, found.1));
    }
    // Spans must nest or be apart.
    for (i, a) in placed.iter().enumerate() {
        for b in &placed[i + 1..] {
            let apart = a.2 <= b.1 || b.2 <= a.1;
            let nested = (a.1 <= b.1 && b.2 <= a.2) || (b.1 <= a.1 && a.2 <= b.2);
            if !apart && !nested {
                return None;
            }
        }
    }
    // Insertion points: closes before opens at one place; the longer span outside.
    let mut marks: Vec<(usize, u8, isize, u32, Role)> = Vec::new();
    for &(id, s, e) in &placed {
        let len = (e - s) as isize;
        marks.push((s, 1, -len, id, Role::Open));
        marks.push((e, 0, len, id, Role::Close));
    }
    marks.sort_by_key(|m| (m.0, m.1, m.2, m.3));
    let mut out = Vec::new();
    let mut at = 0;
    for (pos, _, _, id, role) in marks {
        push(&mut out, Piece::Text(target[at..pos].to_string()));
        out.push(Piece::Code(document::Code::new(id, role, "")));
        at = pos;
    }
    push(&mut out, Piece::Text(target[at..].to_string()));
    Some(out)
}

/// Where a segment whose text is `text` starts in a block's plain text, looking from `cursor`:
/// at the first character after it that is not white space, if `text` is there (`None`
/// otherwise: the segment does not belong there).
pub fn place_at(plain: &str, cursor: usize, text: &str) -> Option<usize> {
    let rest = plain.get(cursor..)?;
    let start = cursor + (rest.len() - rest.trim_start_matches(is_space).len());
    (!text.is_empty() && plain[start..].starts_with(text)).then_some(start)
}

/// The segments of every block of `blocks`, cut at the kit's places (see [`segment_document`]).
pub fn splits(blocks: &[Block], places: &[Place]) -> Vec<Split> {
    let mut per_block: Vec<Vec<(usize, usize)>> = vec![Vec::new(); blocks.len()];
    for p in places {
        if let Some(v) = per_block.get_mut(p.block) {
            v.push((p.start, p.end));
        }
    }
    blocks
        .iter()
        .zip(&per_block)
        .map(|(b, ranges)| split_block(&b.pieces, ranges))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::document::{Code, plain_text};

    fn t(s: &str) -> Piece {
        Piece::Text(s.to_string())
    }

    fn c(id: u32, role: Role) -> Piece {
        Piece::Code(Code::new(id, role, ""))
    }

    /// Each segment of a block in its plain text, in order (see [`place_at`]); the error gives
    /// the index of the first that does not fit, and what the block has there.
    fn locate(plain: &str, texts: &[&str]) -> Result<Vec<(usize, usize)>, (usize, String)> {
        let mut ranges = Vec::with_capacity(texts.len());
        let mut cursor = 0usize;
        for (i, t) in texts.iter().enumerate() {
            let Some(start) = place_at(plain, cursor, t) else {
                let rest = plain[cursor..].trim_start_matches(is_space);
                return Err((i, rest.chars().take(60).collect()));
            };
            ranges.push((start, start + t.len()));
            cursor = start + t.len();
        }
        let rest = plain[cursor..].trim_start_matches(is_space);
        if !rest.is_empty() {
            return Err((texts.len(), rest.chars().take(60).collect()));
        }
        Ok(ranges)
    }

    fn ranges_of(plain: &str, texts: &[&str]) -> Vec<(usize, usize)> {
        locate(plain, texts).unwrap()
    }

    #[test]
    fn codes_at_sentence_edges_move_into_the_gaps() {
        // <p><b>First one.</b> Second <i>two</i>. <img>Third.<br></p>
        let pieces = vec![
            c(1, Role::Open),
            t("First one."),
            c(1, Role::Close),
            t(" Second "),
            c(2, Role::Open),
            t("two"),
            c(2, Role::Close),
            t(". "),
            c(3, Role::Standalone),
            t("Third."),
            c(4, Role::Standalone),
        ];
        let plain = plain_text(&pieces);
        let ranges = ranges_of(&plain, &["First one.", "Second two.", "Third."]);
        let split = split_block(&pieces, &ranges);
        assert_eq!(split.segments[0], vec![t("First one.")]);
        assert_eq!(
            split.segments[1],
            vec![
                t("Second "),
                c(2, Role::Open),
                t("two"),
                c(2, Role::Close),
                t(".")
            ]
        );
        assert_eq!(split.segments[2], vec![t("Third.")]);
        assert_eq!(split.gaps[0], vec![c(1, Role::Open)]);
        assert_eq!(split.gaps[1], vec![c(1, Role::Close), t(" ")]);
        assert_eq!(split.gaps[2], vec![t(" "), c(3, Role::Standalone)]);
        assert_eq!(split.gaps[3], vec![c(4, Role::Standalone)]);
        // Joined unchanged, the block comes back.
        let en = Lang::parse("en").unwrap();
        assert_eq!(split.join(&split.segments, Kind::Html, &en), pieces);
    }

    #[test]
    fn codes_at_one_place_keep_their_order() {
        // <li><strong><code>font</code></strong>, which could be used. Old sites.</li>: the
        // bold span holds no text, and must not be torn apart.
        let pieces = vec![
            c(1, Role::Open),
            c(2, Role::Standalone),
            c(1, Role::Close),
            t(", which could be used. Old sites."),
        ];
        let plain = plain_text(&pieces);
        let split = split_block(
            &pieces,
            &ranges_of(&plain, &[", which could be used.", "Old sites."]),
        );
        assert_eq!(
            split.gaps[0],
            vec![c(1, Role::Open), c(2, Role::Standalone), c(1, Role::Close)]
        );
        assert_eq!(split.segments[0], vec![t(", which could be used.")]);
        let en = Lang::parse("en").unwrap();
        assert_eq!(split.join(&split.segments, Kind::Html, &en), pieces);
        // Adjacent sentences (no space between): a close ends one, an open starts the next.
        let cjk = vec![
            c(1, Role::Open),
            t("一。"),
            c(1, Role::Close),
            c(2, Role::Standalone),
            c(3, Role::Open),
            t("二"),
            c(3, Role::Close),
            t("三。"),
        ];
        let split = split_block(&cjk, &ranges_of("一。二三。", &["一。", "二三。"]));
        assert_eq!(
            split.gaps[1],
            vec![c(1, Role::Close), c(2, Role::Standalone)]
        );
        assert_eq!(split.segments[1][0], c(3, Role::Open));
        assert_eq!(split.join(&split.segments, Kind::Html, &en), cjk);
    }

    #[test]
    fn a_span_cut_by_a_boundary_is_isolated_in_both_sentences() {
        let pieces = vec![
            t("One "),
            c(1, Role::Open),
            t("two. Three"),
            c(1, Role::Close),
            t(" four."),
        ];
        let plain = plain_text(&pieces);
        let split = split_block(&pieces, &ranges_of(&plain, &["One two.", "Three four."]));
        assert_eq!(
            split.segments[0],
            vec![t("One "), c(1, Role::Open), t("two.")]
        );
        assert_eq!(
            split.segments[1],
            vec![t("Three"), c(1, Role::Close), t(" four.")]
        );
        let (_, markup) = document::to_markup(&split.segments[0]);
        assert!(markup.unwrap().contains("<it x=\"1\" pos=\"begin\""));
    }

    #[test]
    fn chinese_and_japanese_drop_the_space_between_sentences() {
        let pieces = vec![t("One. Two.\n\nThree.")];
        let plain = plain_text(&pieces);
        let split = split_block(&pieces, &ranges_of(&plain, &["One.", "Two.", "Three."]));
        let zh = Lang::parse("zh-CN").unwrap();
        let translated = vec![vec![t("一。")], vec![t("二。")], vec![t("三。")]];
        assert_eq!(
            split.join(&translated, Kind::Text, &zh),
            vec![t("一。二。\n\n三。")]
        );
        // In HTML a line break between sentences is a space: dropped too.
        let html = vec![t("One.\n  Two.")];
        let split = split_block(&html, &ranges_of("One.\n  Two.", &["One.", "Two."]));
        assert_eq!(
            split.join(&translated[..2], Kind::Html, &zh),
            vec![t("一。二。")]
        );
        let de = Lang::parse("de").unwrap();
        assert_eq!(
            split.join(&translated[..2], Kind::Html, &de),
            vec![t("一。\n  二。")]
        );
    }

    #[test]
    fn codes_around_terms_and_names_are_placed_in_a_plain_translation() {
        let source = vec![
            t("Minister "),
            c(1, Role::Open),
            t("Wang Yi"),
            c(1, Role::Close),
            t(" met the "),
            c(2, Role::Open),
            t("RCEP"),
            c(2, Role::Close),
            t(" team."),
        ];
        let anchors = [("Wang Yi", vec!["王毅"])];
        let placed = transfer_codes(&source, "王毅外长会见了RCEP团队。", &anchors).unwrap();
        assert_eq!(
            placed,
            vec![
                c(1, Role::Open),
                t("王毅"),
                c(1, Role::Close),
                t("外长会见了"),
                c(2, Role::Open),
                t("RCEP"),
                c(2, Role::Close),
                t("团队。"),
            ]
        );
        assert_eq!(document::check_codes(&source, &placed), vec![]);
        // Not placed: a term whose translation is missing or there twice, a standalone code.
        assert_eq!(
            transfer_codes(&source, "外长会见了RCEP团队。", &anchors),
            None
        );
        assert_eq!(
            transfer_codes(&source, "王毅与王毅会见了RCEP。", &anchors),
            None
        );
        let image = vec![t("A "), c(3, Role::Standalone), t("B.")];
        assert_eq!(transfer_codes(&image, "甲乙。", &[]), None);
        assert_eq!(
            transfer_codes(&[t("Plain.")], "平。", &[]),
            Some(vec![t("平。")])
        );
    }

    /// A well-nested block from a plan: 0 text, 1 open, 2 close (the innermost), 3 standalone.
    fn block_of(plan: &[u8]) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut open: Vec<u32> = Vec::new();
        let mut next = 1;
        for (k, &step) in plan.iter().enumerate() {
            match step {
                0 => push(&mut out, t(["A. ", "b c", ". ", "D", "e. F"][k % 5])),
                1 => {
                    out.push(c(next, Role::Open));
                    open.push(next);
                    next += 1;
                }
                2 => {
                    if let Some(id) = open.pop() {
                        out.push(c(id, Role::Close));
                    }
                }
                _ => {
                    out.push(c(next, Role::Standalone));
                    next += 1;
                }
            }
        }
        while let Some(id) = open.pop() {
            out.push(c(id, Role::Close));
        }
        out
    }

    proptest::proptest! {
        /// Cut anywhere into sentences, a block joins back into itself, its codes in order.
        #[test]
        fn any_block_cut_into_sentences_joins_back_unchanged(
            plan in proptest::collection::vec(0u8..4, 1..24),
            cuts in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..4),
        ) {
            let pieces = block_of(&plan);
            let plain = plain_text(&pieces);
            // Sentences: the non-blank stretches between chosen cut points.
            let mut points: Vec<usize> = cuts
                .iter()
                .map(|i| i.index(plain.len() + 1))
                .filter(|&p| plain.is_char_boundary(p))
                .collect();
            points.push(0);
            points.push(plain.len());
            points.sort();
            points.dedup();
            let mut ranges = Vec::new();
            for w in points.windows(2) {
                let part = &plain[w[0]..w[1]];
                let lead = part.len() - part.trim_start().len();
                let body = part.trim();
                if !body.is_empty() {
                    ranges.push((w[0] + lead, w[0] + lead + body.len()));
                }
            }
            let split = split_block(&pieces, &ranges);
            let en = Lang::parse("en").unwrap();
            proptest::prop_assert_eq!(split.join(&split.segments, Kind::Html, &en), pieces);
            for (seg, r) in split.segments.iter().zip(&ranges) {
                proptest::prop_assert_eq!(plain_text(seg), &plain[r.0..r.1]);
            }
        }
    }

    #[test]
    fn segments_that_do_not_fit_the_block_are_named() {
        assert_eq!(
            locate("A. B.", &["A.", "B."]).unwrap(),
            vec![(0, 2), (3, 5)]
        );
        assert_eq!(locate("A. B.", &["A.", "C."]).unwrap_err().0, 1);
        assert_eq!(locate("A. B.", &["A."]).unwrap_err(), (1, "B.".to_string()));
    }
}
