//! The review page of a prepared article (`report.html`): the analysis as tables and a chart, then
//! the article segment by segment with the source, each language's pretranslation, its match
//! badge, the word diff of fuzzy matches, the glossary terms and the check findings.
//!
//! A pure function of the [`Kit`]: no I/O, no clock, no random order, so the same kit always gives
//! the same bytes. The page is self-contained (inline CSS, no script, no fonts or images from
//! anywhere) and says so with a Content Security Policy that forbids every request.
//!
//! The markup is a compiled askama template (`src/kit/templates/report.html`, configured by
//! `src/kit/askama.toml`), which escapes every value it writes with `esc`'s rules; the style is
//! `src/kit/report.css`. This file turns the kit into plain view structs (spans, diff pieces, term
//! lists, counts) and writes one piece of HTML itself: a text with its highlights (`highlight`),
//! whose nested, split marks are an algorithm rather than markup.
//!
//! Depends on `ops::prepare` (the kit and its bands), `model` (findings) and `matching::diff`
//! (the pieces of a diff) for their data types only.

use std::fmt::{self, Write as _};

use askama::Template;

use super::{Band, Kit, KitSegment, KitTerm, LangAnalysis, Leverage};
use crate::matching::diff::Piece;
use crate::model::{ChineseScript, Finding, Lang, Severity};

/// Writes into a `String`, which cannot fail.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

/// Renders the review page of a prepared article: one self-contained HTML5 document.
///
/// The page shows a header (article, languages, the `--min` threshold), the analysis per target
/// language (a table and a stacked bar chart of words per band), and the article grouped by
/// paragraph, one row per segment: the source with its glossary terms, then one cell per target
/// language with a match badge, the pretranslation (or a placeholder), the diff of a fuzzy
/// match's source against the segment, the approved translations found, and the findings.
///
/// Hooks for tests and scripts, stable across versions:
///
/// | element | hook |
/// |---|---|
/// | segment row | `data-segment="<id>"` (1-based), `id="seg-<id>"` |
/// | match badge, one per segment and language | `class="badge"`, `data-score` (`0`-`101` or `none`), `data-band` ([`Band::name`]), `data-lang` |
/// | glossary term (source and targets) | `class="term"`, `data-term` (the glossary's source term) |
/// | forbidden translation found in a target | `class="forbidden"`, `data-term` |
/// | check finding | `class="finding"`, `data-kind` (`number`, `term`, ...), `data-severity` |
///
/// The output is deterministic: rendering the same kit twice gives equal strings.
///
/// ```no_run
/// # fn kit() -> tmkit::kit::Kit { unimplemented!() }
/// let html = tmkit::kit::render_report(&kit());
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// ```
pub fn render_report(kit: &Kit) -> String {
    page(kit)
        .render()
        .expect("the page only writes into a String and calls no fallible filter")
}

/// The page's escaper, named in `askama.toml` for the `html` templates of this module: [`esc`].
#[derive(Debug, Clone, Copy)]
struct Escape;

impl askama::filters::Escaper for Escape {
    fn write_escaped_str<W: fmt::Write>(&self, dest: W, s: &str) -> fmt::Result {
        write_escaped(dest, s)
    }
}

/// The whole page. Every field is written escaped unless the template says `|safe`: the style
/// (a constant of this crate), the highlighted texts (escaped by [`highlight`]) and the badges
/// (a template of their own).
#[derive(Template)]
#[template(path = "report.html", config = "src/kit/askama.toml")]
struct Page<'a> {
    css: &'static str,
    name: &'a str,
    from: LangLabel<'a>,
    targets: Vec<LangLabel<'a>>,
    segments: usize,
    words: u64,
    min: u8,
    key: Vec<KeyItem>,
    tables: Vec<Table<'a>>,
    bars: Vec<Bar<'a>>,
    legend: [Band; 9],
    columns: usize,
    paragraphs: Vec<Paragraph<'a>>,
}

/// A language as the page names it: `Chinese (Simplified)` and `zh-CN`.
struct LangLabel<'a> {
    name: &'a str,
    tag: &'a str,
}

impl<'a> LangLabel<'a> {
    fn of(lang: &'a Lang) -> LangLabel<'a> {
        LangLabel {
            name: lang_name(lang),
            tag: lang.as_str(),
        }
    }
}

/// One entry of the key in the page's header: a band's colour and what it means to a reviewer.
struct KeyItem {
    band: Band,
    text: &'static str,
}

/// What a band means in the key at the top of the page (the analysis tables and the chart use
/// [`Band::label`], the quoting terms).
fn key_text(band: Band) -> &'static str {
    match band {
        Band::Context => "101% context match",
        Band::Exact => "100% match",
        Band::ExactReview => "100% match that fails a check",
        Band::Repetition => "repetition",
        Band::Fuzzy95 => "95-99% fuzzy",
        Band::Fuzzy85 => "85-94% fuzzy",
        Band::Fuzzy75 => "75-84% fuzzy",
        Band::Fuzzy50 => "50-74% fuzzy",
        Band::NoMatch => "no match",
    }
}

/// The analysis table of one target language.
struct Table<'a> {
    lang: LangLabel<'a>,
    /// One row per band, in [`Band::ALL`] order.
    rows: Vec<(Band, Counts)>,
    total: Counts,
}

/// The cells of one row of an analysis table, the rate and weighted words formatted.
struct Counts {
    segments: u64,
    words: u64,
    characters: u64,
    rate: String,
    weighted: String,
}

impl Counts {
    fn of(c: &super::BandCount) -> Counts {
        Counts {
            segments: c.segments,
            words: c.words,
            characters: c.characters,
            rate: percent(c.weight),
            weighted: format!("{:.2}", c.weighted_words),
        }
    }
}

/// The stacked bar of one language: an SVG whose parts are sized in percentages, so that its text
/// keeps its size on any screen.
struct Bar<'a> {
    lang: &'a str,
    /// What the bar shows, as text: `100% 8 words, No match 57 words`.
    desc: String,
    parts: Vec<BarPart>,
}

/// One band's part of a bar (bands without words have none).
struct BarPart {
    band: Band,
    words: u64,
    /// `8 words`.
    counted: String,
    /// Where the part starts and how wide it is, in percent of the bar, three decimals.
    x: String,
    width: String,
    /// The width rounded to one decimal, for the part's tooltip.
    share: String,
    /// Where the count is written, in the middle of the part; `None` when the part is too narrow.
    count_at: Option<String>,
}

/// Consecutive segments of one paragraph of the article.
struct Paragraph<'a> {
    /// 1-based.
    number: usize,
    heading: bool,
    rows: Vec<Row<'a>>,
}

/// A segment: the source cell, then one cell per target language.
struct Row<'a> {
    id: usize,
    heading: bool,
    /// `12 words`.
    words: String,
    /// The source with its glossary terms highlighted, as HTML ([`highlight`]).
    text: String,
    terms: Vec<TermLine<'a>>,
    cells: Vec<Cell<'a>>,
}

/// A glossary entry found in a segment, with its translations in every target language.
struct TermLine<'a> {
    term: &'a str,
    langs: Vec<TermLang<'a>>,
    /// The entry's note, or else its definition.
    note: Option<&'a str>,
}

/// An entry's approved and forbidden translations in one target language, each list joined.
struct TermLang<'a> {
    tag: &'a str,
    approved: Option<String>,
    forbidden: Option<String>,
}

/// A segment in one target language.
struct Cell<'a> {
    lang: &'a str,
    badge: Badge<'a>,
    /// The best match's id, file, date and how many matches there are: `btf-9 · 2020-12-08`.
    meta: Option<String>,
    text: CellText,
    fuzzy: Option<Fuzzy<'a>>,
    findings: Vec<FindingItem<'a>>,
}

/// The target of a cell, or why there is none.
enum CellText {
    /// The pretranslation with its terms and findings highlighted, as HTML ([`highlight`]).
    Target(String),
    Empty(String),
}

/// The match badge of a segment in one language.
#[derive(Template)]
#[template(path = "badge.html", config = "src/kit/askama.toml")]
struct Badge<'a> {
    /// `0`-`101`, or `none`.
    score: String,
    band: Band,
    lang: &'a str,
    /// `97%`, `repetition of #3`, `no match`...
    label: String,
}

/// The best match of a cell when it is fuzzy: what changes from its source to the segment.
struct Fuzzy<'a> {
    score: u8,
    diff: Vec<DiffPart<'a>>,
    source: &'a str,
    /// The match's translation, shown when the cell has no target.
    translation: Option<&'a str>,
}

/// A piece of a word diff: white space, then the word (or words) that stay, go or come.
struct DiffPart<'a> {
    space: &'a str,
    word: &'a str,
    change: Change,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Same,
    Delete,
    Insert,
}

/// A check finding in a cell.
struct FindingItem<'a> {
    kind: &'static str,
    severity: &'static str,
    message: &'a str,
    expected: Option<&'a str>,
    found: Option<&'a str>,
}

fn page(kit: &Kit) -> Page<'_> {
    Page {
        css: CSS,
        name: &kit.name,
        from: LangLabel::of(&kit.from),
        targets: kit.to.iter().map(LangLabel::of).collect(),
        segments: kit.segments.len(),
        words: kit.segments.iter().map(|s| s.words).sum(),
        min: kit.min,
        key: Band::ALL
            .into_iter()
            .map(|band| KeyItem {
                band,
                text: key_text(band),
            })
            .collect(),
        tables: kit.analysis.languages.iter().map(table).collect(),
        bars: kit.analysis.languages.iter().map(bar).collect(),
        legend: Band::ALL,
        columns: kit.to.len() + 1,
        paragraphs: paragraphs(kit),
    }
}

fn table(l: &LangAnalysis) -> Table<'_> {
    Table {
        lang: LangLabel::of(&l.lang),
        rows: Band::ALL
            .into_iter()
            .zip(&l.bands)
            .map(|(band, row)| (band, Counts::of(row)))
            .collect(),
        total: Counts::of(&l.total),
    }
}

fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn percent(weight: f64) -> String {
    format!("{:.0}%", weight * 100.0)
}

/// The words of each band as a share of the language's words, laid end to end.
fn bar(l: &LangAnalysis) -> Bar<'_> {
    let counted: Vec<(Band, u64)> = Band::ALL
        .into_iter()
        .zip(&l.bands)
        .filter(|(_, r)| r.words > 0)
        .map(|(b, r)| (b, r.words))
        .collect();
    let desc: Vec<String> = counted
        .iter()
        .map(|&(b, words)| format!("{} {}", b.label(), plural(words, "word")))
        .collect();
    let total = l.total.words.max(1) as f64;
    let mut x = 0.0;
    let mut parts = Vec::with_capacity(counted.len());
    for (band, words) in counted {
        let share = words as f64 / total * 100.0;
        parts.push(BarPart {
            band,
            words,
            counted: plural(words, "word"),
            x: format!("{x:.3}"),
            width: format!("{share:.3}"),
            share: format!("{share:.1}"),
            count_at: (share >= 4.5).then(|| format!("{:.3}", x + share / 2.0)),
        });
        x += share;
    }
    Bar {
        lang: l.lang.as_str(),
        desc: desc.join(", "),
        parts,
    }
}

/// The segments grouped by paragraph: a new group whenever the paragraph changes.
fn paragraphs(kit: &Kit) -> Vec<Paragraph<'_>> {
    let mut out: Vec<Paragraph<'_>> = Vec::new();
    for seg in &kit.segments {
        let number = seg.paragraph + 1;
        if out.last().is_none_or(|p| p.number != number) {
            out.push(Paragraph {
                number,
                heading: seg.heading,
                rows: Vec::new(),
            });
        }
        let row = row(kit, seg);
        if let Some(p) = out.last_mut() {
            p.rows.push(row);
        }
    }
    out
}

fn row<'a>(kit: &'a Kit, seg: &'a KitSegment) -> Row<'a> {
    let mut text = String::new();
    highlight(&mut text, &seg.text, &source_spans(seg));
    Row {
        id: seg.id,
        heading: seg.heading,
        words: plural(seg.words, "word"),
        text,
        terms: term_lines(kit, seg),
        cells: seg.leverage.iter().map(|lev| cell(kit, seg, lev)).collect(),
    }
}

/// The glossary terms of a segment as highlights, earliest first, overlaps left out.
fn source_spans(seg: &KitSegment) -> Vec<Span<'_>> {
    let mut terms: Vec<&KitTerm> = seg
        .terms
        .iter()
        .filter(|t| valid_span(&seg.text, t.start, t.end))
        .collect();
    terms.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut spans: Vec<Span<'_>> = Vec::new();
    for t in terms {
        if spans.last().is_some_and(|s| t.start < s.end) {
            continue;
        }
        let mut title: Vec<String> = t
            .translations
            .iter()
            .map(|(l, tr)| {
                if tr.is_empty() {
                    format!("{l}: (no approved translation)")
                } else {
                    format!("{l}: {}", tr.join(", "))
                }
            })
            .collect();
        for (l, tr) in &t.forbidden {
            if !tr.is_empty() {
                title.push(format!("{l}, forbidden: {}", tr.join(", ")));
            }
        }
        spans.push(Span {
            start: t.start,
            end: t.end,
            mark: Mark::Term {
                term: &t.term,
                title: title.join("\n"),
            },
        });
    }
    spans
}

fn valid_span(text: &str, start: usize, end: usize) -> bool {
    start < end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end)
}

/// The segment's terms with their approved translations, one line per glossary entry.
fn term_lines<'a>(kit: &'a Kit, seg: &'a KitSegment) -> Vec<TermLine<'a>> {
    let mut seen: Vec<usize> = Vec::new();
    let mut lines = Vec::new();
    for t in &seg.terms {
        if seen.contains(&t.entry) {
            continue;
        }
        seen.push(t.entry);
        let joined = |list: &[String]| (!list.is_empty()).then(|| list.join("、"));
        lines.push(TermLine {
            term: &t.term,
            langs: kit
                .to
                .iter()
                .map(|lang| TermLang {
                    tag: lang.as_str(),
                    approved: joined(translations_for(&t.translations, lang)),
                    forbidden: joined(translations_for(&t.forbidden, lang)),
                })
                .collect(),
            note: kit
                .glossary
                .get(t.entry)
                .and_then(|e| e.note.as_deref().or(e.definition.as_deref())),
        });
    }
    lines
}

/// The translations listed for `lang` (exact tag first, then the same tag in another case).
fn translations_for<'a>(list: &'a [(Lang, Vec<String>)], lang: &Lang) -> &'a [String] {
    list.iter()
        .find(|(l, _)| l == lang)
        .map_or(&[], |(_, t)| t.as_slice())
}

fn cell<'a>(kit: &Kit, seg: &'a KitSegment, lev: &'a Leverage) -> Cell<'a> {
    let text = match &lev.target {
        Some(target) => {
            let mut html = String::new();
            highlight(&mut html, target, &target_spans(seg, lev, target));
            CellText::Target(html)
        }
        None => CellText::Empty(match lev.best_score {
            Some(s) => format!(
                "Not pretranslated: the best match ({s}%) is below the {}% threshold",
                kit.min
            ),
            None => "Untranslated: no match in the memory".to_string(),
        }),
    };
    Cell {
        lang: lev.lang.as_str(),
        badge: badge(seg, lev),
        meta: lev
            .matches
            .first()
            .and_then(|m| match_meta(m, lev.matches.len())),
        text,
        fuzzy: lev
            .matches
            .first()
            .filter(|m| m.score < 100)
            .map(|m| Fuzzy {
                score: m.score,
                diff: diff_parts(&m.diff, &m.source),
                source: &m.source,
                translation: lev.target.is_none().then_some(m.target.as_str()),
            }),
        findings: lev.findings.iter().map(finding).collect(),
    }
}

/// What the best match is: its id, its file, its date, and how many matches there are.
fn match_meta(m: &super::KitMatch, matches: usize) -> Option<String> {
    let mut meta = Vec::new();
    if let Some(t) = &m.tuid {
        meta.push(t.clone());
    }
    if let Some(o) = &m.origin {
        // The file name only: the full path says nothing to a reviewer on another machine.
        meta.push(o.rsplit(['/', '\\']).next().unwrap_or(o).to_string());
    }
    if let Some(c) = &m.changed {
        meta.push(tmx_date(c));
    }
    if matches > 1 {
        meta.push(format!("{matches} matches"));
    }
    (!meta.is_empty()).then(|| meta.join(" · "))
}

/// A TMX date (`20201208T031500Z`) as `2020-12-08`; anything else as it stands.
fn tmx_date(d: &str) -> String {
    let b = d.as_bytes();
    if b.len() >= 8 && b[..8].iter().all(u8::is_ascii_digit) {
        format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8])
    } else {
        d.to_string()
    }
}

fn badge<'a>(seg: &KitSegment, lev: &'a Leverage) -> Badge<'a> {
    let label = match (lev.band, seg.repetition_of, lev.best_score) {
        (Band::Repetition, Some(n), Some(s)) => format!("repetition of #{n} · {s}%"),
        (Band::Repetition, Some(n), None) => format!("repetition of #{n}"),
        (Band::Context, _, _) => "101% context".to_string(),
        (Band::ExactReview, _, Some(s)) => format!("{s}% · needs review"),
        (Band::NoMatch, _, _) | (_, _, None) => "no match".to_string(),
        (_, _, Some(s)) => format!("{s}%"),
    };
    Badge {
        score: lev
            .best_score
            .map_or_else(|| "none".to_string(), |s| s.to_string()),
        band: lev.band,
        lang: lev.lang.as_str(),
        label,
    }
}

fn finding(f: &Finding) -> FindingItem<'_> {
    FindingItem {
        kind: f.kind.as_str(),
        severity: match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        message: &f.message,
        expected: f.expected.as_deref(),
        found: f.found.as_deref(),
    }
}

/// The highlights of a target: the approved (and forbidden) translations of the segment's terms
/// where they occur, and the spans the findings point at.
fn target_spans<'a>(seg: &'a KitSegment, lev: &Leverage, target: &str) -> Vec<Span<'a>> {
    let mut terms: Vec<Span<'a>> = Vec::new();
    for t in &seg.terms {
        for (list, forbidden) in [(&t.translations, false), (&t.forbidden, true)] {
            for tr in translations_for(list, &lev.lang) {
                if tr.is_empty() {
                    continue;
                }
                for (start, found) in target.match_indices(tr.as_str()) {
                    terms.push(Span {
                        start,
                        end: start + found.len(),
                        mark: if forbidden {
                            Mark::Forbidden { term: &t.term }
                        } else {
                            Mark::Term {
                                term: &t.term,
                                title: format!("{}: {}", t.term, tr),
                            }
                        },
                    });
                }
            }
        }
    }
    terms.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut spans: Vec<Span<'a>> = Vec::new();
    for s in terms {
        if spans.last().is_none_or(|p| s.start >= p.end) {
            spans.push(s);
        }
    }
    let mut flags: Vec<(usize, usize, String)> = lev
        .findings
        .iter()
        .filter_map(|f| {
            let (s, e) = f.target_span?;
            valid_span(target, s, e).then(|| (s, e, f.message.clone()))
        })
        .collect();
    flags.sort();
    for (start, end, message) in flags {
        spans.push(Span {
            start,
            end,
            mark: Mark::Flag { title: message },
        });
    }
    spans
}

/// A highlighted byte range of a text.
struct Span<'a> {
    start: usize,
    end: usize,
    mark: Mark<'a>,
}

enum Mark<'a> {
    Term { term: &'a str, title: String },
    Forbidden { term: &'a str },
    Flag { title: String },
}

impl Mark<'_> {
    fn open(&self, out: &mut String) {
        match self {
            Mark::Term { term, title } => put!(
                out,
                "<mark class=\"term\" data-term=\"{}\" title=\"{}\">",
                esc(term),
                esc(title)
            ),
            Mark::Forbidden { term } => put!(
                out,
                "<mark class=\"forbidden\" data-term=\"{}\" title=\"forbidden translation of {}\">",
                esc(term),
                esc(term)
            ),
            Mark::Flag { title } => put!(out, "<mark class=\"flag\" title=\"{}\">", esc(title)),
        }
    }
}

/// Writes `text` with its highlights. Term spans must not overlap one another (nor flags one
/// another); a flag may overlap a term, in which case the term's mark is split at the flag's
/// edges and the flag nests inside.
fn highlight(out: &mut String, text: &str, spans: &[Span<'_>]) {
    let (terms, flags): (Vec<&Span<'_>>, Vec<&Span<'_>>) = spans
        .iter()
        .filter(|s| valid_span(text, s.start, s.end))
        .partition(|s| !matches!(s.mark, Mark::Flag { .. }));
    let flags = merge_overlaps(flags);
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for s in terms.iter().chain(&flags) {
        cuts.push(s.start);
        cuts.push(s.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let term = terms.iter().find(|s| s.start <= a && b <= s.end);
        let flag = flags.iter().find(|s| s.start <= a && b <= s.end);
        if let Some(t) = term {
            t.mark.open(out);
        }
        if let Some(f) = flag {
            f.mark.open(out);
        }
        out.push_str(&esc(&text[a..b]));
        if flag.is_some() {
            out.push_str("</mark>");
        }
        if term.is_some() {
            out.push_str("</mark>");
        }
    }
}

/// Flag spans sorted by start, overlapping ones dropped (the first kept).
fn merge_overlaps<'s, 'a>(mut spans: Vec<&'s Span<'a>>) -> Vec<&'s Span<'a>> {
    spans.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<&Span<'_>> = Vec::new();
    for s in spans {
        if out.last().is_none_or(|p| s.start >= p.end) {
            out.push(s);
        }
    }
    out
}

/// The word diff of a match's source against the segment (the source as it stands when there is
/// no diff). A deleted or inserted piece keeps its leading white space apart, outside the mark,
/// so that a struck or underlined space does not glue it to the previous word.
fn diff_parts<'a>(pieces: &'a [Piece], source: &'a str) -> Vec<DiffPart<'a>> {
    if pieces.is_empty() {
        return vec![DiffPart {
            space: "",
            word: source,
            change: Change::Same,
        }];
    }
    pieces
        .iter()
        .map(|p| {
            let (piece, change) = match p {
                Piece::Same(s) => {
                    return DiffPart {
                        space: "",
                        word: s,
                        change: Change::Same,
                    };
                }
                Piece::Delete(s) => (s, Change::Delete),
                Piece::Insert(s) => (s, Change::Insert),
            };
            let word = piece.trim_start();
            DiffPart {
                space: &piece[..piece.len() - word.len()],
                word,
                change,
            }
        })
        .collect()
}

/// A readable name for the languages tmkit works with; the tag itself for others.
fn lang_name(lang: &Lang) -> &str {
    match lang.primary() {
        "en" => "English",
        "ja" => "Japanese",
        "zh" if lang.chinese_script() == Some(ChineseScript::Traditional) => {
            "Chinese (Traditional)"
        }
        "zh" => "Chinese (Simplified)",
        "ko" => "Korean",
        _ => lang.as_str(),
    }
}

/// Escapes text for HTML content and double- or single-quoted attribute values.
///
/// Characters HTML does not allow in a document (controls other than tab, line feed and carriage
/// return, C1 controls, noncharacters) are shown visibly instead: C0 controls and DEL as the
/// Unicode control pictures (U+000B as `␋`), the others as `[U+0085]`.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    // Writing into a String cannot fail.
    let _ = write_escaped(&mut out, s);
    out
}

/// Writes `s` escaped as [`esc`] returns it: the rule of the page's template ([`Escape`]) and of
/// the highlighted texts alike.
fn write_escaped(mut out: impl fmt::Write, s: &str) -> fmt::Result {
    for c in s.chars() {
        match c {
            '&' => out.write_str("&amp;")?,
            '<' => out.write_str("&lt;")?,
            '>' => out.write_str("&gt;")?,
            '"' => out.write_str("&quot;")?,
            '\'' => out.write_str("&#39;")?,
            '\t' | '\n' | '\r' => out.write_char(c)?,
            '\0'..='\u{1f}' | '\u{7f}' => {
                out.write_char(crate::formats::xml::control_picture(c))?;
            }
            c if is_html_forbidden(c) => write!(out, "[U+{:04X}]", c as u32)?,
            c => out.write_char(c)?,
        }
    }
    Ok(())
}

/// C1 controls and noncharacters, which HTML reports as parse errors.
fn is_html_forbidden(c: char) -> bool {
    let n = c as u32;
    (0x80..=0x9f).contains(&n) || (0xfdd0..=0xfdef).contains(&n) || (n & 0xfffe) == 0xfffe
}

/// The page's style: system fonts only, a grid that stacks on narrow screens, print rules.
pub(crate) const CSS: &str = include_str!("report.css");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::{Analysis, KitMatch, Rates};
    use crate::model::FindingKind;

    fn leverage(lang: &str, band: Band, best: Option<u8>, target: Option<&str>) -> Leverage {
        Leverage {
            lang: Lang::parse(lang).unwrap(),
            band,
            best_score: best,
            target: target.map(str::to_string),
            matches: Vec::new(),
            findings: Vec::new(),
            target_markup: None,
        }
    }

    fn segment(id: usize, text: &str, leverage: Vec<Leverage>) -> KitSegment {
        KitSegment {
            id,
            paragraph: 0,
            heading: false,
            text: text.to_string(),
            start: 0,
            end: text.len(),
            words: 1,
            characters: 1,
            repetition_of: None,
            terms: Vec::new(),
            leverage,
            block: 0,
            pieces: Vec::new(),
            markup: None,
        }
    }

    fn kit(segments: Vec<KitSegment>) -> Kit {
        Kit {
            name: "a.en.txt".to_string(),
            from: Lang::parse("en").unwrap(),
            to: vec![Lang::parse("zh-CN").unwrap(), Lang::parse("ja-JP").unwrap()],
            min: 75,
            text: String::new(),
            segments,
            glossary: Vec::new(),
            document: None,
            analysis: Analysis {
                source: "en".to_string(),
                format: "text".to_string(),
                warnings: Vec::new(),
                rates: Rates::default(),
                languages: Vec::new(),
            },
        }
    }

    fn term(start: usize, end: usize, text: &str, zh: &str, ja: &str) -> KitTerm {
        KitTerm {
            start,
            end,
            text: text.to_string(),
            term: text.to_string(),
            entry: 0,
            translations: vec![
                (Lang::parse("zh-CN").unwrap(), vec![zh.to_string()]),
                (Lang::parse("ja-JP").unwrap(), vec![ja.to_string()]),
            ],
            forbidden: Vec::new(),
        }
    }

    #[test]
    fn characters_html_forbids_are_shown_visibly() {
        let cases = [
            (
                "a\u{b}b\u{c}c\u{0}\u{7f}",
                "a\u{240b}b\u{240c}c\u{2400}\u{2421}",
            ),
            (
                "\u{85}\u{fffe}\u{ffff}\u{1ffff}",
                "[U+0085][U+FFFE][U+FFFF][U+1FFFF]",
            ),
            ("tab\tline\n\u{202e}rtl", "tab\tline\n\u{202e}rtl"),
        ];
        for (input, want) in cases {
            assert_eq!(esc(input), want, "{input:?}");
        }
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        let table = [
            ("a < b & c", "a &lt; b &amp; c"),
            ("\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"),
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("王毅 “Wang”", "王毅 “Wang”"),
        ];
        for (input, expected) in table {
            assert_eq!(esc(input), expected);
        }
        let evil = "<script>alert(\"x\")</script> & 'q' </div>";
        let mut seg = segment(
            1,
            evil,
            vec![leverage("zh-CN", Band::Exact, Some(100), Some(evil))],
        );
        seg.terms.push(term(1, 7, "script", "<b>", "\"&\""));
        let html = render_report(&kit(vec![seg]));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("alert(\"x\")"));
        assert!(html.contains("&lt;<mark class=\"term\" data-term=\"script\""));
        assert!(html.contains("title=\"zh-CN: &lt;b&gt;\nja-JP: &quot;&amp;&quot;\""));
        assert!(html.contains("&#39;q&#39; &lt;/div&gt;"));
    }

    #[test]
    fn kit_text_is_escaped_by_the_template_in_text_and_attributes() {
        let evil = "<script>alert(\"x\")</script>";
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;";
        let mut lev = leverage("zh-CN", Band::Fuzzy85, Some(88), None);
        lev.matches.push(KitMatch {
            score: 88,
            source: evil.to_string(),
            target: evil.to_string(),
            target_lang: Lang::parse("zh-CN").unwrap(),
            origin: None,
            changed: Some(evil.to_string()),
            tuid: Some(evil.to_string()),
            diff: crate::matching::diff::diff(evil, "x y"),
        });
        lev.findings.push(Finding {
            kind: FindingKind::Term,
            severity: Severity::Warning,
            message: evil.to_string(),
            target_span: None,
            source_span: None,
            expected: Some(evil.to_string()),
            found: Some(evil.to_string()),
        });
        let mut seg = segment(1, "x y", vec![lev]);
        seg.terms.push(term(0, 1, evil, evil, "'"));
        let mut k = kit(vec![seg]);
        k.name = format!("{evil}\u{b}.txt");
        k.glossary.push(crate::model::TermEntry {
            note: Some(evil.to_string()),
            ..Default::default()
        });
        let html = render_report(&k);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("\"x\""), "{html}");
        // The template's values: the title, the term list and its note, the match and the finding.
        for needle in [
            format!("<title>{escaped}\u{240b}.txt — review</title>"),
            format!(
                "<li><b>{escaped}</b> <span class=\"tl\">zh-CN</span> <span lang=\"zh-CN\">{escaped}</span>"
            ),
            format!("<span lang=\"ja-JP\">&#39;</span> <span class=\"note\">{escaped}</span></li>"),
            format!("<span class=\"meta\">{escaped} · {escaped}</span>"),
            format!(
                "<span lang=\"en\">{escaped}</span></p><p class=\"matched\"><span class=\"label\" lang=\"en\">Its translation</span> <span>{escaped}</span>"
            ),
            format!(
                "<span class=\"kind\">term</span> {escaped} <span class=\"exp\">expected <q>{escaped}</q></span> <span class=\"exp\">found <q>{escaped}</q></span></li>"
            ),
            // In attribute position, written by the highlighter.
            format!(
                "<mark class=\"term\" data-term=\"{escaped}\" title=\"zh-CN: {escaped}\nja-JP: &#39;\">x</mark>"
            ),
        ] {
            assert!(html.contains(&needle), "{needle}\n{html}");
        }
        // In attribute position, written by a template: a language-less value closing its quote.
        let badge = Badge {
            score: "none".to_string(),
            band: Band::NoMatch,
            lang: "\" onmouseover=\"alert('x')",
            label: "<b>".to_string(),
        };
        assert_eq!(
            badge.to_string(),
            "<span class=\"badge\" data-score=\"none\" data-band=\"no-match\" \
             data-lang=\"&quot; onmouseover=&quot;alert(&#39;x&#39;)\" title=\"Counted as No match\">\
             &lt;b&gt;</span>"
        );
    }

    #[test]
    fn badges_follow_the_band() {
        let table = [
            (
                Band::Context,
                Some(101),
                None,
                "101",
                "context",
                "101% context",
            ),
            (Band::Exact, Some(100), None, "100", "exact", "100%"),
            (Band::Fuzzy95, Some(97), None, "97", "95-99", "97%"),
            (Band::Fuzzy85, Some(88), None, "88", "85-94", "88%"),
            (Band::Fuzzy75, Some(80), None, "80", "75-84", "80%"),
            (Band::Fuzzy50, Some(62), None, "62", "50-74", "62%"),
            (Band::NoMatch, None, None, "none", "no-match", "no match"),
            (
                Band::Repetition,
                None,
                Some(3),
                "none",
                "repetition",
                "repetition of #3",
            ),
            (
                Band::Repetition,
                Some(100),
                Some(2),
                "100",
                "repetition",
                "repetition of #2 · 100%",
            ),
        ];
        for (band, best, rep, score, name, label) in table {
            let mut seg = segment(4, "x", Vec::new());
            seg.repetition_of = rep;
            let out = badge(&seg, &leverage("ja-JP", band, best, None)).to_string();
            let expected = format!(
                "<span class=\"badge\" data-score=\"{score}\" data-band=\"{name}\" \
                 data-lang=\"ja-JP\" title=\"Counted as {}\">{}</span>",
                band.label(),
                esc(label)
            );
            assert_eq!(out, expected, "{band:?}");
        }
    }

    #[test]
    fn terms_are_highlighted_at_their_byte_spans() {
        // "Wang Yi" after CJK text: byte offsets, not characters.
        let text = "王毅：Wang Yi met the Asia-Pacific forum.";
        let start = text.find("Wang Yi").unwrap();
        let ap = text.find("Asia-Pacific").unwrap();
        let mut seg = segment(
            1,
            text,
            vec![
                leverage(
                    "zh-CN",
                    Band::Exact,
                    Some(100),
                    Some("王毅会见了亚太论坛。王毅"),
                ),
                leverage("ja-JP", Band::NoMatch, None, None),
            ],
        );
        seg.terms = vec![
            term(ap, ap + 12, "Asia-Pacific", "亚太", "アジア太平洋"),
            term(start, start + 7, "Wang Yi", "王毅", "王毅"),
            // Overlaps "Wang Yi": left out.
            term(start + 5, start + 9, "Yi m", "x", "y"),
            // Not on character boundaries: left out, no panic.
            term(1, 4, "bad", "x", "y"),
        ];
        let html = render_report(&kit(vec![seg]));
        assert!(html.contains(
            "王毅：<mark class=\"term\" data-term=\"Wang Yi\" title=\"zh-CN: 王毅\nja-JP: 王毅\">Wang Yi</mark> met the <mark class=\"term\" data-term=\"Asia-Pacific\""
        ), "{html}");
        assert!(!html.contains("data-term=\"Yi m\""));
        assert!(!html.contains("data-term=\"bad\""));
        // In the target: both occurrences of 王毅 and the one of 亚太.
        let target = "<mark class=\"term\" data-term=\"Wang Yi\" title=\"Wang Yi: 王毅\">王毅</mark>会见了\
                      <mark class=\"term\" data-term=\"Asia-Pacific\" title=\"Asia-Pacific: 亚太\">亚太</mark>论坛。\
                      <mark class=\"term\" data-term=\"Wang Yi\" title=\"Wang Yi: 王毅\">王毅</mark></p>";
        assert!(html.contains(target), "{html}");
    }

    #[test]
    fn finding_spans_nest_in_term_highlights() {
        let mut out = String::new();
        let spans = [
            Span {
                start: 0,
                end: 6,
                mark: Mark::Term {
                    term: "Wang Yi",
                    title: String::new(),
                },
            },
            Span {
                start: 3,
                end: 9,
                mark: Mark::Flag {
                    title: "check".to_string(),
                },
            },
        ];
        highlight(&mut out, "王毅说。", &spans);
        assert_eq!(
            out,
            "<mark class=\"term\" data-term=\"Wang Yi\" title=\"\">王</mark>\
             <mark class=\"term\" data-term=\"Wang Yi\" title=\"\"><mark class=\"flag\" title=\"check\">毅</mark></mark>\
             <mark class=\"flag\" title=\"check\">说</mark>。"
        );
    }

    #[test]
    fn fuzzy_matches_show_their_diff_and_findings_their_kind() {
        let seg_text = "China and Japan can strengthen communication.";
        let mut lev = leverage("zh-CN", Band::Fuzzy85, Some(88), Some("中日可以加强贸易。"));
        lev.matches.push(KitMatch {
            score: 88,
            source: "China and Japan can strengthen trade.".to_string(),
            target: "中日可以加强贸易。".to_string(),
            target_lang: Lang::parse("zh-CN").unwrap(),
            origin: None,
            changed: Some("20201208T031500Z".to_string()),
            tuid: Some("btf-9".to_string()),
            diff: crate::matching::diff::diff("China and Japan can strengthen trade.", seg_text),
        });
        lev.findings.push(Finding {
            kind: FindingKind::Number,
            severity: Severity::Error,
            message: "a <number> is missing".to_string(),
            target_span: Some((18, 24)),
            source_span: None,
            expected: Some("16".to_string()),
            found: None,
        });
        let html = render_report(&kit(vec![segment(1, seg_text, vec![lev])]));
        assert!(
            html.contains(
                "strengthen <del title=\"in the memory's source, not in the segment\">trade</del> "
            ),
            "{html}"
        );
        assert!(html.contains(
            "</del> <ins title=\"in the segment, not in the memory's source\">communication</ins>."
        ));
        assert!(html.contains("btf-9 · 2020-12-08"));
        assert!(html.contains("<li class=\"finding\" data-kind=\"number\" data-severity=\"error\"><span class=\"sev\">error</span> <span class=\"kind\">number</span> a &lt;number&gt; is missing"));
        assert!(html.contains(
            "中日可以加强<mark class=\"flag\" title=\"a &lt;number&gt; is missing\">贸易</mark>。"
        ));
    }

    #[test]
    fn untranslated_cells_say_why() {
        let seg = segment(
            1,
            "Hello.",
            vec![
                leverage("zh-CN", Band::Fuzzy50, Some(60), None),
                leverage("ja-JP", Band::NoMatch, None, None),
            ],
        );
        let html = render_report(&kit(vec![seg]));
        assert!(
            html.contains("Not pretranslated: the best match (60%) is below the 75% threshold")
        );
        assert!(html.contains("Untranslated: no match in the memory"));
    }

    #[test]
    fn output_is_deterministic_and_self_contained() {
        let mut segs = Vec::new();
        for i in 1..=5 {
            let mut s = segment(
                i,
                "Wang Yi spoke.",
                vec![
                    leverage("zh-CN", Band::Exact, Some(100), Some("王毅发言。")),
                    leverage("ja-JP", Band::Fuzzy95, Some(96), Some("王毅が発言した。")),
                ],
            );
            s.paragraph = i / 2;
            s.terms.push(term(0, 7, "Wang Yi", "王毅", "王毅"));
            segs.push(s);
        }
        let k = kit(segs);
        let a = render_report(&k);
        assert_eq!(a, render_report(&k));
        assert!(a.starts_with("<!DOCTYPE html>\n"));
        assert!(a.contains("default-src 'none'"));
        for needle in ["<script", "<link", "url(", "@import", "src=", "https:"] {
            assert!(!a.contains(needle), "{needle}");
        }
        assert_eq!(a.matches("class=\"badge\"").count(), 10);
        assert_eq!(a.matches("<section class=\"paragraph").count(), 3);
    }
}
