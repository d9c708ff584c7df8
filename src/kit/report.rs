//! The review page of a prepared article (`report.html`): the analysis as tables and a chart, then
//! the article segment by segment with the source, each language's pretranslation, its match
//! badge, the word diff of fuzzy matches, the glossary terms and the check findings.
//!
//! A pure function of the [`Kit`]: no I/O, no clock, no random order, so the same kit always gives
//! the same bytes. The page is self-contained (inline CSS, no script, no fonts or images from
//! anywhere) and says so with a Content Security Policy that forbids every request.
//!
//! Depends on `ops::prepare` (the kit and its bands), `model` (findings) and `matching::diff`
//! (the pieces of a diff) for their data types only.

use std::fmt::Write as _;

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
/// let html = tmkit::ops::prepare::render_report(&kit());
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// ```
pub fn render_report(kit: &Kit) -> String {
    let mut out = String::with_capacity(16 * 1024 + kit.text.len() * 8);
    let title = format!("{} — review", kit.name);
    put!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"tmkit\">\n<title>{}</title>\n<style>{CSS}</style>\n\
         </head>\n<body>\n",
        esc(&title)
    );
    header(&mut out, kit);
    out.push_str("<main>\n");
    analysis(&mut out, kit);
    article(&mut out, kit);
    out.push_str("</main>\n");
    put!(
        out,
        "<footer>Made by tmkit from <code>{}</code>. Scores compare the memory's English with \
         each segment; 101% means the neighbouring segments match too.</footer>\n",
        esc(&kit.name)
    );
    out.push_str("</body>\n</html>\n");
    out
}

fn header(out: &mut String, kit: &Kit) {
    let words: u64 = kit.segments.iter().map(|s| s.words).sum();
    let targets: Vec<String> = kit
        .to
        .iter()
        .map(|l| format!("{} ({})", esc(lang_name(l)), esc(l.as_str())))
        .collect();
    put!(
        out,
        "<header class=\"top\">\n<p class=\"kicker\">Translation review</p>\n<h1>{}</h1>\n\
         <dl class=\"facts\">\
         <div><dt>Source</dt><dd>{} ({})</dd></div>\
         <div><dt>Targets</dt><dd>{}</dd></div>\
         <div><dt>Segments</dt><dd>{}</dd></div>\
         <div><dt>Words</dt><dd>{}</dd></div>\
         <div><dt>Pretranslated from</dt><dd>{}% (<code>--min {}</code>)</dd></div>\
         </dl>\n",
        esc(&kit.name),
        esc(lang_name(&kit.from)),
        esc(kit.from.as_str()),
        targets.join(", "),
        kit.segments.len(),
        words,
        kit.min,
        kit.min,
    );
    out.push_str("<ul class=\"key\" aria-label=\"Key\">");
    for (band, text) in [
        ("context", "101% context match"),
        ("exact", "100% match"),
        ("exact-review", "100% match that fails a check"),
        ("repetition", "repetition"),
        ("95-99", "95-99% fuzzy"),
        ("85-94", "85-94% fuzzy"),
        ("75-84", "75-84% fuzzy"),
        ("50-74", "50-74% fuzzy"),
        ("no-match", "no match"),
    ] {
        put!(
            out,
            "<li><span class=\"chip\" data-band=\"{band}\">{}</span></li>",
            esc(text)
        );
    }
    out.push_str(
        "<li><del>deleted</del> / <ins>inserted</ins>: what changes from the memory's source to \
         the segment</li><li><span class=\"term-key\">term</span> glossary term</li></ul>\n\
         </header>\n",
    );
}

fn analysis(out: &mut String, kit: &Kit) {
    out.push_str("<section class=\"analysis\" aria-labelledby=\"analysis-h\">\n<h2 id=\"analysis-h\">Analysis</h2>\n<div class=\"tables\">\n");
    for l in &kit.analysis.languages {
        analysis_table(out, kit, l);
    }
    out.push_str("</div>\n");
    chart(out, &kit.analysis.languages);
    out.push_str("</section>\n");
}

fn analysis_table(out: &mut String, kit: &Kit, l: &LangAnalysis) {
    put!(
        out,
        "<div class=\"table-wrap\"><table class=\"counts\" data-lang=\"{lang}\">\n<caption>{} → {} ({lang})</caption>\n\
         <thead><tr><th scope=\"col\">Band</th><th scope=\"col\">Segments</th>\
         <th scope=\"col\">Words</th><th scope=\"col\" class=\"ch\">Characters</th><th scope=\"col\">Rate</th>\
         <th scope=\"col\">Weighted words</th></tr></thead>\n<tbody>\n",
        esc(kit.from.as_str()),
        esc(lang_name(&l.lang)),
        lang = esc(l.lang.as_str()),
    );
    for (row, band) in l.bands.iter().zip(Band::ALL) {
        put!(
            out,
            "<tr{}><th scope=\"row\"><span class=\"chip\" data-band=\"{}\"></span>{}</th>\
             <td>{}</td><td>{}</td><td class=\"ch\">{}</td><td>{}</td><td>{:.2}</td></tr>\n",
            if row.segments == 0 {
                " class=\"zero\""
            } else {
                ""
            },
            band.name(),
            esc(band.label()),
            row.segments,
            row.words,
            row.characters,
            percent(row.weight),
            row.weighted_words
        );
    }
    let t = &l.total;
    put!(
        out,
        "</tbody>\n<tfoot><tr><th scope=\"row\">Total</th><td>{}</td><td>{}</td><td class=\"ch\">{}</td>\
         <td>{}</td><td>{:.2}</td></tr></tfoot>\n</table></div>\n",
        t.segments,
        t.words,
        t.characters,
        percent(t.weight),
        t.weighted_words
    );
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

/// A stacked bar per language: the words of each band, as a share of the language's words. One
/// SVG per language, sized in percentages so that its text keeps its size on any screen.
fn chart(out: &mut String, languages: &[LangAnalysis]) {
    out.push_str("<figure class=\"chart\">\n<div class=\"bars\">\n");
    for (i, l) in languages.iter().enumerate() {
        let parts: Vec<String> = l
            .bands
            .iter()
            .zip(Band::ALL)
            .filter(|(r, _)| r.words > 0)
            .map(|(r, b)| format!("{} {}", b.label(), plural(r.words, "word")))
            .collect();
        put!(
            out,
            "<span class=\"bar-lang\">{lang}</span><svg role=\"img\" aria-labelledby=\"chart-t{i} \
             chart-d{i}\" width=\"100%\" height=\"28\"><title id=\"chart-t{i}\">Words per match band, \
             {lang}</title><desc id=\"chart-d{i}\">{}</desc>\n",
            esc(&parts.join(", ")),
            lang = esc(l.lang.as_str()),
        );
        let total = l.total.words.max(1) as f64;
        let mut x = 0.0;
        for (row, band) in l.bands.iter().zip(Band::ALL) {
            if row.words == 0 {
                continue;
            }
            let share = row.words as f64 / total * 100.0;
            put!(
                out,
                "<rect data-band=\"{}\" x=\"{x:.3}%\" y=\"0\" width=\"{share:.3}%\" height=\"28\">\
                 <title>{}, {}: {} ({share:.1}%)</title></rect>\n",
                band.name(),
                esc(l.lang.as_str()),
                esc(band.label()),
                plural(row.words, "word"),
            );
            if share >= 4.5 {
                put!(
                    out,
                    "<text class=\"in\" data-band=\"{}\" x=\"{:.3}%\" y=\"19\">{}</text>\n",
                    band.name(),
                    x + share / 2.0,
                    row.words
                );
            }
            x += share;
        }
        out.push_str("</svg>\n");
    }
    out.push_str("</div>\n<figcaption><ul class=\"legend\">");
    for band in Band::ALL {
        put!(
            out,
            "<li><span class=\"chip\" data-band=\"{}\"></span>{}</li>",
            band.name(),
            esc(band.label())
        );
    }
    out.push_str("</ul>Words per band and language; each part of a bar names its count.</figcaption>\n</figure>\n");
}

fn article(out: &mut String, kit: &Kit) {
    put!(
        out,
        "<section class=\"article\" aria-labelledby=\"article-h\" style=\"--cols:{}\">\n\
         <h2 id=\"article-h\">Article</h2>\n<div class=\"row colhead\" aria-hidden=\"true\">\
         <div lang=\"{}\">{} ({})</div>",
        kit.to.len() + 1,
        esc(kit.from.as_str()),
        esc(lang_name(&kit.from)),
        esc(kit.from.as_str())
    );
    for l in &kit.to {
        put!(
            out,
            "<div>{} ({})</div>",
            esc(lang_name(l)),
            esc(l.as_str())
        );
    }
    out.push_str("</div>\n");
    let mut paragraph = None;
    for seg in &kit.segments {
        if paragraph != Some(seg.paragraph) {
            if paragraph.is_some() {
                out.push_str("</section>\n");
            }
            paragraph = Some(seg.paragraph);
            put!(
                out,
                "<section class=\"paragraph{}\" data-paragraph=\"{}\" aria-label=\"Paragraph {}\">\n",
                if seg.heading { " heading" } else { "" },
                seg.paragraph + 1,
                seg.paragraph + 1
            );
        }
        segment_row(out, kit, seg);
    }
    if paragraph.is_some() {
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}

fn segment_row(out: &mut String, kit: &Kit, seg: &KitSegment) {
    put!(
        out,
        "<div class=\"row{}\" data-segment=\"{id}\" id=\"seg-{id}\">\n<div class=\"cell src\" lang=\"{}\">\
         <div class=\"cell-head\"><a class=\"num\" href=\"#seg-{id}\">#{id}</a>\
         <span class=\"cell-lang\">{}</span><span class=\"count\">{}</span></div>",
        if seg.heading { " heading" } else { "" },
        esc(kit.from.as_str()),
        esc(kit.from.as_str()),
        plural(seg.words, "word"),
        id = seg.id,
    );
    let spans = source_spans(seg);
    let tag = if seg.heading {
        "<p class=\"text\" role=\"heading\" aria-level=\"3\">"
    } else {
        "<p class=\"text\">"
    };
    out.push_str(tag);
    highlight(out, &seg.text, &spans);
    out.push_str("</p>");
    term_list(out, kit, seg);
    out.push_str("</div>\n");
    for lev in &seg.leverage {
        target_cell(out, kit, seg, lev);
    }
    out.push_str("</div>\n");
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
fn term_list(out: &mut String, kit: &Kit, seg: &KitSegment) {
    let mut seen: Vec<usize> = Vec::new();
    let mut items = String::new();
    for t in &seg.terms {
        if seen.contains(&t.entry) {
            continue;
        }
        seen.push(t.entry);
        put!(items, "<li><b>{}</b>", esc(&t.term));
        for lang in &kit.to {
            let approved = translations_for(&t.translations, lang);
            put!(items, " <span class=\"tl\">{}</span> ", esc(lang.as_str()));
            if approved.is_empty() {
                items.push_str("<span class=\"none\">—</span>");
            } else {
                put!(
                    items,
                    "<span lang=\"{}\">{}</span>",
                    esc(lang.as_str()),
                    esc(&approved.join("、"))
                );
            }
            let forbidden = translations_for(&t.forbidden, lang);
            if !forbidden.is_empty() {
                put!(
                    items,
                    " <span class=\"not\">not <s lang=\"{}\" title=\"forbidden\">{}</s></span>",
                    esc(lang.as_str()),
                    esc(&forbidden.join("、"))
                );
            }
        }
        if let Some(note) = kit
            .glossary
            .get(t.entry)
            .and_then(|e| e.note.as_deref().or(e.definition.as_deref()))
        {
            put!(items, " <span class=\"note\">{}</span>", esc(note));
        }
        items.push_str("</li>");
    }
    if !items.is_empty() {
        put!(
            out,
            "<ul class=\"terms\" aria-label=\"Glossary terms\">{items}</ul>"
        );
    }
}

/// The translations listed for `lang` (exact tag first, then the same tag in another case).
fn translations_for<'a>(list: &'a [(Lang, Vec<String>)], lang: &Lang) -> &'a [String] {
    list.iter()
        .find(|(l, _)| l == lang)
        .map_or(&[], |(_, t)| t.as_slice())
}

fn target_cell(out: &mut String, kit: &Kit, seg: &KitSegment, lev: &Leverage) {
    let lang = esc(lev.lang.as_str());
    put!(
        out,
        "<div class=\"cell tgt\" lang=\"{lang}\" data-lang=\"{lang}\"><div class=\"cell-head\">\
         <span class=\"cell-lang\">{lang}</span>"
    );
    badge(out, seg, lev);
    if let Some(m) = lev.matches.first() {
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
        if lev.matches.len() > 1 {
            meta.push(format!("{} matches", lev.matches.len()));
        }
        if !meta.is_empty() {
            put!(
                out,
                "<span class=\"meta\">{}</span>",
                esc(&meta.join(" · "))
            );
        }
    }
    out.push_str("</div>");
    match &lev.target {
        Some(target) => {
            let spans = target_spans(seg, lev, target);
            out.push_str("<p class=\"text\">");
            highlight(out, target, &spans);
            out.push_str("</p>");
        }
        None => {
            let why = match lev.best_score {
                Some(s) => format!(
                    "Not pretranslated: the best match ({s}%) is below the {}% threshold",
                    kit.min
                ),
                None => "Untranslated: no match in the memory".to_string(),
            };
            put!(out, "<p class=\"text empty\" lang=\"en\">{}</p>", esc(&why));
        }
    }
    if let Some(m) = lev.matches.first().filter(|m| m.score < 100) {
        put!(
            out,
            "<div class=\"match\"><p class=\"label\" lang=\"en\">{}% match: what changes from \
             the memory's source to this segment</p><p class=\"diff\" lang=\"{}\">",
            m.score,
            esc(kit.from.as_str())
        );
        diff_html(out, &m.diff, &m.source);
        put!(
            out,
            "</p><p class=\"matched\"><span class=\"label\" lang=\"en\">Memory source</span> \
             <span lang=\"{}\">{}</span></p>",
            esc(kit.from.as_str()),
            esc(&m.source)
        );
        if lev.target.is_none() {
            put!(
                out,
                "<p class=\"matched\"><span class=\"label\" lang=\"en\">Its translation</span> \
                 <span>{}</span></p>",
                esc(&m.target)
            );
        }
        out.push_str("</div>");
    }
    if !lev.findings.is_empty() {
        out.push_str("<ul class=\"findings\" lang=\"en\">");
        for f in &lev.findings {
            finding(out, f);
        }
        out.push_str("</ul>");
    }
    out.push_str("</div>\n");
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

fn badge(out: &mut String, seg: &KitSegment, lev: &Leverage) {
    let score = lev
        .best_score
        .map_or_else(|| "none".to_string(), |s| s.to_string());
    let label = match (lev.band, seg.repetition_of, lev.best_score) {
        (Band::Repetition, Some(n), Some(s)) => format!("repetition of #{n} · {s}%"),
        (Band::Repetition, Some(n), None) => format!("repetition of #{n}"),
        (Band::Context, _, _) => "101% context".to_string(),
        (Band::ExactReview, _, Some(s)) => format!("{s}% · needs review"),
        (Band::NoMatch, _, _) | (_, _, None) => "no match".to_string(),
        (_, _, Some(s)) => format!("{s}%"),
    };
    put!(
        out,
        "<span class=\"badge\" data-score=\"{score}\" data-band=\"{}\" data-lang=\"{}\" \
         title=\"{}\">{}</span>",
        lev.band.name(),
        esc(lev.lang.as_str()),
        esc(&format!("Counted as {}", lev.band.label())),
        esc(&label)
    );
}

fn finding(out: &mut String, f: &Finding) {
    let severity = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    put!(
        out,
        "<li class=\"finding\" data-kind=\"{kind}\" data-severity=\"{severity}\">\
         <span class=\"sev\">{severity}</span> <span class=\"kind\">{kind}</span> {}",
        esc(&f.message),
        kind = f.kind.as_str(),
    );
    if let Some(e) = &f.expected {
        put!(
            out,
            " <span class=\"exp\">expected <q>{}</q></span>",
            esc(e)
        );
    }
    if let Some(found) = &f.found {
        put!(
            out,
            " <span class=\"exp\">found <q>{}</q></span>",
            esc(found)
        );
    }
    out.push_str("</li>");
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

/// The word diff of a match's source against the segment: deletions struck, insertions marked.
fn diff_html(out: &mut String, pieces: &[Piece], source: &str) {
    if pieces.is_empty() {
        out.push_str(&esc(source));
        return;
    }
    for p in pieces {
        match p {
            Piece::Same(s) => out.push_str(&esc(s)),
            Piece::Delete(s) => changed(
                out,
                s,
                "<del title=\"in the memory's source, not in the segment\">",
                "</del>",
            ),
            Piece::Insert(s) => changed(
                out,
                s,
                "<ins title=\"in the segment, not in the memory's source\">",
                "</ins>",
            ),
        }
    }
}

/// A deleted or inserted piece, its leading white space left outside the mark (so that a struck
/// or underlined space does not glue it to the previous word).
fn changed(out: &mut String, piece: &str, open: &str, close: &str) {
    let word = piece.trim_start();
    out.push_str(&esc(&piece[..piece.len() - word.len()]));
    if !word.is_empty() {
        put!(out, "{open}{}{close}", esc(word));
    }
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
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\0'..='\u{1f}' | '\u{7f}' => out.push(crate::formats::xml::control_picture(c)),
            c if is_html_forbidden(c) => {
                let _ = write!(out, "[U+{:04X}]", c as u32);
            }
            c => out.push(c),
        }
    }
    out
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
            let mut out = String::new();
            badge(&mut out, &seg, &leverage("ja-JP", band, best, None));
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
