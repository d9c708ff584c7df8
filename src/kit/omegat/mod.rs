//! The OmegaT kit: a prepared article as a ready OmegaT 3.6 project, one per target language.
//!
//! What the project holds (see [`write_omegat_project`]): the project file, the article under
//! `source/`, the pretranslations in `tm/auto/` (OmegaT inserts them on loading), the fuzzy
//! matches in `tm/`, the glossary, and project-specific filter and segmentation settings that
//! make OmegaT cut the article into exactly the kit's segments.
//!
//! Segmentation: OmegaT 3.6 reads `omegat/segmentation.conf`, a `java.beans.XMLEncoder` file of
//! `org.omegat.core.segmentation.SRX`. Its engine does not apply SRX as tmkit does: it collects
//! the *non-overlapping* matches of each `beforebreak` (and `afterbreak`) with `Matcher.find`,
//! and compiles patterns without `UNICODE_CHARACTER_CLASS` (so `\s` misses U+00A0). tmkit's rules
//! are therefore rewritten: `(?U)` in front, `beforebreak` as a look-behind (bounded, as Java
//! requires) and `afterbreak` as a look-ahead, so that every position is tried, as in SRX. On top
//! of them come rules made for this article: tmkit also cuts at line breaks after headings and
//! before list items, which SRX cannot say, and the kit may have been segmented with other rules;
//! wherever tmkit's rules run over an OmegaT paragraph would disagree with the kit, a break or
//! no-break rule quoting the text around the position (first in the list, so it wins) makes
//! OmegaT agree.
//!
//! What cannot be made to agree: OmegaT trims segments of Java's white space only
//! (`Character.isWhitespace`), so a no-break space (U+00A0, U+2007, U+202F) or U+FEFF next to a
//! cut stays in OmegaT's segment (`agenda.\u{a0}“We` gives `\u{a0}“We ...`, the kit `“We ...`).
//! The cut is at the same place; the pretranslation is also written under the text OmegaT will
//! see, so it still lands. The look-behinds are bounded: a run longer than 64 characters (or 8
//! repetitions of a group) inside one `beforebreak` match is not seen by OmegaT; the article's
//! own rules are worked out from tmkit's engine, so they do not make up for that. Files with
//! `\r\n` line ends have not been tried with OmegaT.
//!
//! # Documents (HTML, DOCX)
//!
//! A kit made from an HTML page or a DOCX gets the original document in `source/`, and OmegaT
//! reads it with its own filter; OmegaT then writes the translated document itself
//! (`console-translate`). What OmegaT 3.6 does, found by running it (`tests/interop/omegat_documents.rs`
//! checks it), and how the project makes it agree with tmkit:
//!
//! - **HTML** (`HTMLFilter2`). Paragraphs end at block tags (`p`, `h1`-`h6`, `li`, `td`, `div`,
//!   `title`, ...; HTML5 `section`, `article`, `header`, `figure` are *inline* to it). Inline
//!   tags become shortcuts: `<b0>`, `</b0>`, `<a1>`, `<br2>`, `<i3/>` (see
//!   [`omegat_shortcuts`] for the letter and number rule). Its defaults translate `href`, `src`,
//!   `lang`, `hreflang` and `value` attributes and rewrite the encoding declaration: the project
//!   turns all of that off. `alt`, `title`, `summary`, `placeholder`, `label`, `abbr` and `meta`
//!   contents are their own segments (before the paragraph holding the tag); those tmkit does
//!   not translate stay as they are. White space runs are read as one space; entities are
//!   decoded; a no-break space stays. OmegaT does not show the tags at a paragraph's ends that
//!   do not pair with its text (`removeTags`, on), pairing tags by name (a `<br>` at the end
//!   stays when another `<br>` is in the paragraph), and numbers the others from 0; tmkit
//!   follows the same steps ([`omegat_shortcuts`]). This also hides the HTML5 elements OmegaT
//!   takes as inline (`figure`, `article`, `section` around a paragraph).
//! - **DOCX** (`OpenXMLFilter`, tags aggregated). The markup between two pieces of text is one
//!   standalone tag `<tN/>`, numbered from 0; the markup at a paragraph's ends (with the white
//!   space there) is not shown. A tab (`w:tab`, not a positional `w:ptab`) ends OmegaT's
//!   paragraph: a sentence across a tab is one OmegaT segment per paragraph, its pretranslation
//!   cut at the tab. `w:br` ends one too by default (`breakOnBr`), which the project turns off.
//!   Comments (translated by default) are turned off; the VML fallback copy of a text box is
//!   turned on, since tmkit translates both copies. White space is kept as it is.
//! - **DOCX runs split without a formatting change** (revision ids, proofing marks, bookmarks,
//!   or nothing, as Word and LibreOffice leave them): tmkit joins the runs, OmegaT shows a tag
//!   between them. tmkit finds these places in the package's XML (each block matched by its text
//!   to a `w:p` of its part) and puts the tag in OmegaT's source; the pretranslation carries it
//!   at its end (the runs on both sides look the same), and reading OmegaT's translation back
//!   drops it.
//! - **Text** is read in Unicode normalization form C (`StringUtil.normalizeUnicode`): `Ω`
//!   (U+2126 OHM SIGN) becomes `Ω` (U+03A9), and OmegaT writes it so. tmkit normalizes the texts
//!   it predicts character by character (a letter followed by a combining accent, which OmegaT
//!   composes, is not predicted).
//! - **Segments.** OmegaT cuts the paragraph *with its tags in the text*, so tmkit's rules see
//!   `Monday.</b0> Leaders` and do not cut there: the article's own rules are made on OmegaT's
//!   text with tags, as for plain text. A cut always goes at the first white space between two
//!   sentences (tags before it stay with the sentence before, tags after go with the next), so
//!   OmegaT's segment keeps the tags tmkit moved out of it: `<b0>The forum opened on
//!   Monday.</b0>`. The pretranslation is written with them around it. Tags inside a sentence
//!   are numbered over the whole paragraph: the second sentence starts at `<i1>`.
//! - **Between segments** (`Segmenter.glue`), for a Chinese or Japanese target, OmegaT drops the
//!   white space between two translated sentences, as `finish` does, unless it holds a line
//!   break or a tab, or the sentence before ends with `.`. A no-break space is not white space
//!   to OmegaT: it stays in the next segment, so for Chinese and Japanese the pretranslation
//!   leaves it out (as `finish` drops it).
//! - **Pretranslations.** `tm/auto` gets a 100%/101% match in OmegaT's form only when it
//!   carries the segment's codes (the codes `prepare` placed, or a target in TMX inline markup),
//!   or the segment has none. A plain-text match for a segment with codes goes into `tm/` (a
//!   100% fuzzy match the translator inserts and completes), since OmegaT would insert it and
//!   write the document without the bold or the link, which `tmkit finish` refuses.
//! - **Reading back.** [`omegat_segments`] gives each segment's source as OmegaT shows it (the
//!   key of `omegat/project_save.tmx`) and reads OmegaT's translation back into the segment's
//!   pieces; [`read_omegat_translations`] does it for a whole project, for `finish`.
//!
//! Known limits, where a sentence's pretranslation does not land (OmegaT shows other text):
//! a DOCX with tracked changes (OmegaT shows deleted text tmkit leaves out: accept or reject
//! the changes first, as the analysis says); a sentence holding an equation (OMML), whose text
//! OmegaT shows and tmkit leaves out; non-breaking and soft hyphens (`w:noBreakHyphen`,
//! `w:softHyphen`), characters to tmkit and markup to OmegaT. HTML text directly inside a
//! sectioning element, next to other text, is one OmegaT paragraph with it. A Markdown kit's
//! project holds the article's plain text, as for a text article (OmegaT 3.6 has no Markdown
//! filter): OmegaT's target is the translated text, and `finish` writes the Markdown.
//!
//! Depends on `formats` (TMX writer, XML escaping, the document model), `text::srx` (the engine,
//! given by the caller) and `model`, and reads DOCX packages with `zip` and `quick-xml`; never
//! prints.
//!
//! Files: this one writes the project; `segmentation` the rules of
//! `segmentation.conf`; `shortcuts` OmegaT's tag names for inline codes; `view` the document as
//! OmegaT shows it, and its translations read back.

mod segmentation;
mod shortcuts;
mod view;

pub use shortcuts::omegat_shortcuts;
pub use view::{
    DocSegment, OmegatSegment, omegat_segments, read_omegat_translations, saved_translations,
};

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use segmentation::{article_segmentation, plain_paragraphs, segmentation_conf};
use view::{document_view, kit_doc_segments, split_at_tabs, translation_pieces};

use crate::error::{Error, ErrorKind, Result};
use crate::formats::document::Kind;
use crate::formats::tmx::{Writer, WriterOptions};
use crate::formats::xml::escape_text;
use crate::kit::{Kit, KitDocument};
use crate::model::{Lang, TermEntry, TermStatus, TranslationUnit, Variant};
use crate::text::srx::Engine;

/// The name of the project folder for the kit's target language number `lang_index`.
///
/// The project for the first target language is `ARTICLE.omegat`, ARTICLE being the article's
/// file name without its last extension ([`Path::file_stem`]): `beijing-tokyo-forum.en.txt`
/// gives `beijing-tokyo-forum.en.omegat`. The others add the language tag:
/// `beijing-tokyo-forum.en.ja-JP.omegat`.
///
/// ```
/// # use tmkit::kit::omegat::project_dir_name;
/// # fn check(kit: &tmkit::kit::Kit) {
/// // with kit.name == "forum.en.txt" and kit.to == ["zh-CN", "ja-JP"]:
/// assert_eq!(project_dir_name(kit, 0), "forum.en.omegat");
/// assert_eq!(project_dir_name(kit, 1), "forum.en.ja-JP.omegat");
/// # }
/// ```
pub fn project_dir_name(kit: &Kit, lang_index: usize) -> String {
    let stem = article_stem(&kit.name);
    match lang_index {
        0 => format!("{stem}.omegat"),
        i => format!(
            "{stem}.{}.omegat",
            kit.to.get(i).map_or("unknown", Lang::as_str)
        ),
    }
}

fn article_stem(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "article".to_string())
}

/// Writes an OmegaT 3.6 project for the kit's target language number `lang_index` into `dir`
/// (created if missing; files of the same names are replaced):
///
/// - `omegat.project`: source and target languages, their tokenizers, sentence segmentation on,
///   the default folders;
/// - `source/ARTICLE`: the article, byte for byte (UTF-8); for a kit made from an HTML page or a
///   DOCX, the original document, byte for byte, which OmegaT reads with its HTML or OpenXML
///   filter and writes translated into `target/` (see the module documentation);
/// - `tm/auto/STEM.tmx`: the 100% and 101% pretranslations that pass the checks, which OmegaT
///   puts into the segments when it loads the project; for a document, source and target in
///   OmegaT's form (its tag shortcuts, the tags it keeps around the sentence), and only those
///   that carry the sentence's inline codes;
/// - `tm/STEM-fuzzy.tmx`: every other match of the kit (fuzzy pretranslations, alternatives),
///   shown in OmegaT's Fuzzy Matches pane;
/// - `glossary/glossary.txt`: the kit's glossary entries for the language, tab-separated
///   (source, target, comment): preferred and admitted terms, forbidden ones in the comment
///   (`do not use: ...`); entries without an approved translation are left out;
/// - `omegat/filters.xml`: the plain-text filter reads the article as UTF-8 and takes blank
///   lines as paragraph ends, as tmkit does; for a document, the HTML or OpenXML filter with the
///   options that make OmegaT's paragraphs and tags the ones tmkit predicts;
/// - `omegat/segmentation.conf`: tmkit's built-in sentence rules for the source language,
///   converted, plus rules for this article (see the module documentation);
/// - empty `target/`, `dictionary/` and `tm/` folders otherwise.
///
/// STEM is the article's name without its extension. An index out of range is an error.
/// `engine` holds the rules the project's segmentation is written from: tmkit's built-in rules
/// (`ops::segment::default_engine`), whatever rules cut the kit.
pub fn write_omegat_project(
    kit: &Kit,
    lang_index: usize,
    dir: &Path,
    engine: &Engine,
) -> Result<()> {
    let Some(to) = kit.to.get(lang_index) else {
        return Err(ErrorKind::Invalid {
            what: "target language index",
            value: lang_index.to_string(),
            reason: format!("the kit has {} target languages", kit.to.len()),
        }
        .into());
    };
    let from_lang = kit.from.clone();
    let to_lang = to.clone();
    let file_name = article_file_name(&kit.name);
    let stem = article_stem(&file_name);
    for sub in [
        "",
        "source",
        "target",
        "tm",
        "tm/auto",
        "glossary",
        "dictionary",
        "omegat",
    ] {
        let d = dir.join(sub);
        fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
    }
    write_file(
        &dir.join("omegat.project"),
        project_file(&kit.from, to).as_bytes(),
    )?;
    let rules = engine.rules_for(kit.from.as_str())?;
    let document = kit
        .document
        .as_ref()
        .filter(|d| matches!(d.kind, Kind::Html | Kind::Docx));
    let (auto, fuzzy, article_rules) = match document {
        Some(doc) => {
            write_file(&dir.join("source").join(&file_name), &doc.bytes)?;
            write_file(
                &dir.join("omegat/filters.xml"),
                document_filters_xml(doc, &file_name).as_bytes(),
            )?;
            let segments = kit_doc_segments(kit, doc);
            let (article_rules, seen) = document_view(
                doc.kind,
                &doc.bytes,
                &doc.extracted.blocks,
                &segments,
                &rules,
            );
            let (auto, fuzzy) = document_memories(kit, lang_index, &from_lang, &to_lang, &seen);
            (auto, fuzzy, article_rules)
        }
        None => {
            write_file(&dir.join("source").join(&file_name), kit.text.as_bytes())?;
            write_file(
                &dir.join("omegat/filters.xml"),
                filters_xml(&file_name).as_bytes(),
            )?;
            let texts: Vec<&str> = kit.segments.iter().map(|s| s.text.as_str()).collect();
            let article = article_segmentation(&plain_paragraphs(kit), &rules, Some(&texts));
            let seen: Vec<(usize, String)> = article
                .seen
                .iter()
                .map(|s| (s.index, s.text.clone()))
                .collect();
            let (auto, fuzzy) = memories(kit, lang_index, &from_lang, &to_lang, &seen);
            (auto, fuzzy, article.rules)
        }
    };
    let conf = segmentation_conf(kit, engine, article_rules)?;
    write_file(&dir.join("omegat/segmentation.conf"), conf.as_bytes())?;
    write_file(
        &dir.join("tm/auto").join(format!("{stem}.tmx")),
        &tmx_bytes(&auto, kit.from.as_str())?,
    )?;
    write_file(
        &dir.join("tm").join(format!("{stem}-fuzzy.tmx")),
        &tmx_bytes(&fuzzy, kit.from.as_str())?,
    )?;
    write_file(
        &dir.join("glossary/glossary.txt"),
        glossary_txt(&kit.glossary, &from_lang, &to_lang).as_bytes(),
    )?;
    Ok(())
}

/// The article's file name without directories (the kit's name should already be one).
fn article_file_name(name: &str) -> String {
    Path::new(name)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "article.txt".to_string())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// OmegaT's tokenizer class for a language (what OmegaT 3.6 itself picks for en, zh and ja).
fn tokenizer(lang: &Lang) -> &'static str {
    match lang.primary() {
        "en" => "org.omegat.tokenizer.LuceneEnglishTokenizer",
        "zh" => "org.omegat.tokenizer.LuceneSmartChineseTokenizer",
        "ja" => "org.omegat.tokenizer.LuceneJapaneseTokenizer",
        "ko" => "org.omegat.tokenizer.LuceneCJKTokenizer",
        _ => "org.omegat.tokenizer.DefaultTokenizer",
    }
}

/// `omegat.project` as OmegaT 3.6 writes it (`ProjectFileStorage.writeProjectFile`).
fn project_file(from: &Lang, to: &Lang) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    out.push_str("<omegat>\n    <project version=\"1.0\">\n");
    out.push_str("        <source_dir>__DEFAULT__</source_dir>\n");
    out.push_str("        <source_dir_excludes>\n");
    for mask in [
        "**/.svn/**",
        "**/CVS/**",
        "**/.cvs/**",
        "**/desktop.ini",
        "**/Thumbs.db",
        "**/.DS_Store",
    ] {
        let _ = writeln!(out, "            <mask>{mask}</mask>");
    }
    out.push_str("        </source_dir_excludes>\n");
    for tag in [
        "target_dir",
        "tm_dir",
        "glossary_dir",
        "glossary_file",
        "dictionary_dir",
    ] {
        let _ = writeln!(out, "        <{tag}>__DEFAULT__</{tag}>");
    }
    for (tag, value) in [
        ("source_lang", from.as_str()),
        ("target_lang", to.as_str()),
        ("source_tok", tokenizer(from)),
        ("target_tok", tokenizer(to)),
        ("sentence_seg", "true"),
        ("support_default_translations", "true"),
        ("remove_tags", "false"),
    ] {
        let _ = write!(out, "        <{tag}>");
        escape_text(value, &mut out);
        let _ = writeln!(out, "</{tag}>");
    }
    out.push_str("    </project>\n</omegat>\n");
    out
}

/// `omegat/filters.xml`: the plain-text filter first (so that it takes the article whatever its
/// extension), UTF-8 both ways, paragraphs ended by blank lines. OmegaT adds its other filters
/// after it.
fn filters_xml(article: &str) -> String {
    let mut masks = vec!["*.txt".to_string()];
    if !article.to_ascii_lowercase().ends_with(".txt") {
        masks.push(article.to_string());
    }
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    out.push_str("<filters>\n");
    out.push_str(
        "    <filter className=\"org.omegat.filters2.text.TextFilter\" enabled=\"true\">\n",
    );
    for mask in &masks {
        out.push_str("        <files sourceFilenameMask=\"");
        crate::formats::xml::escape_attr(mask, &mut out);
        out.push_str(
            "\" targetFilenamePattern=\"${filename}\" sourceEncoding=\"UTF-8\" targetEncoding=\"UTF-8\"/>\n",
        );
    }
    out.push_str("        <option name=\"segmentOn\" value=\"EMPTYLINES\"/>\n");
    out.push_str("        <option name=\"lineLength\" value=\"\"/>\n");
    out.push_str("        <option name=\"maxLineLength\" value=\"\"/>\n");
    out.push_str("    </filter>\n</filters>\n");
    out
}

/// The pretranslations at 100% and above (source: the segment as it stands in the article) and
/// every other match (source: the memory's), deduplicated, for the language.
/// A segment that OmegaT will see with other text (`omegat_texts`) gets a second pretranslation
/// under that text.
fn memories(
    kit: &Kit,
    li: usize,
    from: &Lang,
    to: &Lang,
    omegat_texts: &[(usize, String)],
) -> (Vec<TranslationUnit>, Vec<TranslationUnit>) {
    let mut auto: Vec<(String, String)> = Vec::new();
    let mut fuzzy: Vec<(String, String)> = Vec::new();
    for (index, seg) in kit.segments.iter().enumerate() {
        let Some(lev) = seg.leverage.get(li) else {
            continue;
        };
        // A match that fails a check is offered, not inserted.
        let exact = lev.best_score.is_some_and(|s| s >= 100) && !lev.needs_review();
        let mut matches = lev.matches.iter();
        if let (true, Some(target)) = (exact, &lev.target) {
            let seen = omegat_texts.iter().find(|(i, _)| *i == index);
            for source in std::iter::once(&seg.text).chain(seen.map(|(_, t)| t)) {
                let pair = (source.clone(), target.clone());
                if !auto.contains(&pair) {
                    auto.push(pair);
                }
            }
            matches.next();
        }
        for m in matches {
            let pair = (m.source.clone(), m.target.clone());
            if !fuzzy.contains(&pair) && !auto.contains(&pair) {
                fuzzy.push(pair);
            }
        }
    }
    let unit = |(s, t): (String, String)| TranslationUnit {
        source: Some(from.clone()),
        variants: vec![Variant::new(from.clone(), s), Variant::new(to.clone(), t)],
        ..TranslationUnit::default()
    };
    (
        auto.into_iter().map(unit).collect(),
        fuzzy.into_iter().map(unit).collect(),
    )
}

/// The memories of a kit with a document: every source in OmegaT's form (see
/// [`omegat_shortcuts`]), with the tags OmegaT keeps at its edges.
///
/// A 100% or 101% pretranslation that passes the checks goes into `tm/auto` when it carries the
/// segment's inline codes (or the segment has none): its codes become OmegaT's tags, and the
/// tags around the segment are put around it. One that lacks them (a memory of plain text for
/// a segment with a bold word) goes into `tm/` instead: OmegaT would insert it and write the
/// document without the bold or the link, where `tmkit finish` refuses it; in the Fuzzy
/// Matches pane it is a 100% match the translator inserts and completes with the tags. The
/// other matches keep the memory's source and target.
fn document_memories(
    kit: &Kit,
    li: usize,
    from: &Lang,
    to: &Lang,
    seen: &[Vec<OmegatSegment>],
) -> (Vec<TranslationUnit>, Vec<TranslationUnit>) {
    let mut auto: Vec<(String, String)> = Vec::new();
    let mut fuzzy: Vec<(String, String)> = Vec::new();
    let push = |list: &mut Vec<(String, String)>, pair: (String, String)| {
        if !list.contains(&pair) {
            list.push(pair);
        }
    };
    for (index, seg) in kit.segments.iter().enumerate() {
        let Some(lev) = seg.leverage.get(li) else {
            continue;
        };
        let exact = lev.best_score.is_some_and(|s| s >= 100) && !lev.needs_review();
        let mut matches = lev.matches.iter();
        if let (true, Some(target)) = (exact, &lev.target) {
            matches.next();
            let parts = seen.get(index).map_or(&[][..], Vec::as_slice);
            let forms = translation_pieces(seg, target, lev.target_markup.as_deref())
                .and_then(|p| split_at_tabs(&p, parts))
                .and_then(|chunks| {
                    parts
                        .iter()
                        .zip(&chunks)
                        .map(|(part, chunk)| part.omegat_translation(chunk, to))
                        .collect::<Option<Vec<String>>>()
                });
            match (parts.first(), forms) {
                (Some(_), Some(forms)) => {
                    for (part, form) in parts.iter().zip(forms) {
                        push(&mut auto, (part.source.clone(), form));
                    }
                }
                (Some(first), None) => push(&mut fuzzy, (first.source.clone(), target.clone())),
                (None, _) => push(&mut fuzzy, (seg.text.clone(), target.clone())),
            }
        }
        for m in matches {
            let pair = (m.source.clone(), m.target.clone());
            if !auto.contains(&pair) {
                push(&mut fuzzy, pair);
            }
        }
    }
    let unit = |(s, t): (String, String)| TranslationUnit {
        source: Some(from.clone()),
        variants: vec![Variant::new(from.clone(), s), Variant::new(to.clone(), t)],
        ..TranslationUnit::default()
    };
    (
        auto.into_iter().map(unit).collect(),
        fuzzy.into_iter().map(unit).collect(),
    )
}

/// `omegat/filters.xml` for a kit with a document: the filter for its kind, taking the
/// document by its name, in the encoding it was read in, with the options that make OmegaT's
/// paragraphs and tags the ones [`omegat_shortcuts`] predicts (see the module documentation).
fn document_filters_xml(doc: &KitDocument, file_name: &str) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    // The tags at a paragraph's ends that do not pair with its text are not shown (OmegaT's
    // default), nor the white space around it.
    out.push_str(
        "<filters removeTags=\"true\" removeSpacesNonseg=\"true\" preserveSpaces=\"false\" ignoreFileContext=\"false\">\n",
    );
    let mask = |out: &mut String, encoding: Option<&str>| {
        out.push_str("        <files sourceFilenameMask=\"");
        crate::formats::xml::escape_attr(file_name, out);
        out.push_str("\" targetFilenamePattern=\"${filename}\"");
        if let Some(e) = encoding {
            out.push_str(" sourceEncoding=\"");
            crate::formats::xml::escape_attr(e, out);
            out.push_str("\" targetEncoding=\"");
            crate::formats::xml::escape_attr(e, out);
            out.push('"');
        }
        out.push_str("/>\n");
    };
    let options: &[(&str, &str)] = match doc.kind {
        Kind::Html => {
            out.push_str(
                "    <filter className=\"org.omegat.filters2.html2.HTMLFilter2\" enabled=\"true\">\n",
            );
            mask(&mut out, Some(doc.extracted.encoding));
            &[
                ("translateHref", "false"),
                ("translateSrc", "false"),
                ("translateLang", "false"),
                ("translateHreflang", "false"),
                ("translateValue", "false"),
                ("translateButtonValue", "true"),
                ("rewriteEncoding", "NEVER"),
                ("paragraphOnBr", "false"),
                ("skipRegExp", ""),
                (
                    "skipMeta",
                    "http-equiv=refresh,name=robots,name=revisit-after,http-equiv=expires,\
                     http-equiv=content-style-type,http-equiv=content-script-type,\
                     http-equiv=content-type,http-equiv=content-language,name=viewport,\
                     name=author,name=generator",
                ),
                ("ignoreTags", ""),
                ("removeComments", "false"),
                ("compressWhitespace", "false"),
            ]
        }
        _ => {
            out.push_str(
                "    <filter className=\"org.omegat.filters3.xml.openxml.OpenXMLFilter\" enabled=\"true\">\n",
            );
            mask(&mut out, None);
            &[
                ("translateHiddenText", "false"),
                ("translateComments", "false"),
                ("translateFootnotes", "true"),
                ("translateEndnotes", "true"),
                ("translateHeaders", "true"),
                ("translateFooters", "true"),
                // Text boxes are in the package twice (DrawingML and its VML fallback); tmkit
                // writes the translation into both, so OmegaT has to as well.
                ("translateFallbackText", "true"),
                ("translateDiagrams", "false"),
                ("translateDrawings", "false"),
                ("translateWordArt", "false"),
                ("aggregateTags", "true"),
                ("preserveSpaces", "true"),
                ("breakOnBr", "false"),
            ]
        }
    };
    for (name, value) in options {
        let _ = writeln!(out, "        <option name=\"{name}\" value=\"{value}\"/>");
    }
    out.push_str("    </filter>\n</filters>\n");
    out
}

fn tmx_bytes(units: &[TranslationUnit], from: &str) -> Result<Vec<u8>> {
    let options = WriterOptions {
        srclang: from.to_string(),
        ..WriterOptions::default()
    };
    let mut w = Writer::new(Vec::new(), &options)?;
    for u in units {
        w.write_unit(u)?;
    }
    w.finish()
}

/// OmegaT's tab-separated glossary: a comment line naming the encoding (as OmegaT writes it),
/// then `source<TAB>target<TAB>comment`, one line per source term (and variant) and approved
/// translation.
fn glossary_txt(glossary: &[TermEntry], from: &Lang, to: &Lang) -> String {
    let mut out = String::from("# Glossary in tab-separated format -*- coding: utf-8 -*-\n");
    let mut seen: Vec<(String, String)> = Vec::new();
    for entry in glossary {
        let sources: Vec<&str> = entry
            .terms_in(from)
            .filter(|t| t.status != TermStatus::Forbidden)
            .flat_map(|t| {
                std::iter::once(t.text.as_str()).chain(t.variants.iter().map(String::as_str))
            })
            .collect();
        let mut approved: Vec<_> = entry
            .terms_in(to)
            .filter(|t| t.status != TermStatus::Forbidden)
            .collect();
        approved.sort_by_key(|t| t.status != TermStatus::Preferred);
        let forbidden: Vec<&str> = entry
            .terms_in(to)
            .filter(|t| t.status == TermStatus::Forbidden)
            .map(|t| t.text.as_str())
            .collect();
        for source in &sources {
            for t in &approved {
                let pair = (source.to_string(), t.text.clone());
                if seen.contains(&pair) {
                    continue;
                }
                let mut comment: Vec<String> = Vec::new();
                if t.status == TermStatus::Admitted {
                    comment.push("admitted".to_string());
                }
                if let Some(n) = &t.note {
                    comment.push(n.clone());
                }
                if !forbidden.is_empty() {
                    comment.push(format!("do not use: {}", forbidden.join(", ")));
                }
                for (i, field) in [source.to_string(), t.text.clone(), comment.join("; ")]
                    .iter()
                    .enumerate()
                {
                    if i > 0 {
                        out.push('\t');
                    }
                    out.extend(field.chars().map(|c| if c.is_control() { ' ' } else { c }));
                }
                out.push('\n');
                seen.push(pair);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Term;

    fn term(lang: &str, text: &str, status: TermStatus) -> Term {
        let mut t = Term::new(Lang::parse(lang).unwrap(), text);
        t.status = status;
        t
    }

    #[test]
    fn glossary_lines_are_source_target_comment() {
        use TermStatus::*;
        let entry = |terms: Vec<Term>| TermEntry {
            terms,
            ..TermEntry::default()
        };
        let mut noted = term("zh-CN", "王毅", Preferred);
        noted.note = Some("State Councilor\tand FM".to_string());
        let mut variant = term("en", "Asia-Pacific", Preferred);
        variant.variants = vec!["Asia Pacific".to_string()];
        let header = "# Glossary in tab-separated format -*- coding: utf-8 -*-\n";
        let table: Vec<(Vec<TermEntry>, &str)> = vec![
            (vec![], ""),
            (
                vec![entry(vec![
                    term("en", "Beijing-Tokyo Forum", Preferred),
                    term("zh-CN", "北京－东京论坛", Preferred),
                    term("zh-CN", "东京北京论坛", Forbidden),
                    term("ja-JP", "東京－北京フォーラム", Preferred),
                ])],
                "Beijing-Tokyo Forum\t北京－东京论坛\tdo not use: 东京北京论坛\n",
            ),
            (
                vec![entry(vec![
                    variant,
                    term("zh-CN", "亚太地区", Admitted),
                    term("zh-CN", "亚太", Preferred),
                ])],
                "Asia-Pacific\t亚太\t\nAsia-Pacific\t亚太地区\tadmitted\n\
                 Asia Pacific\t亚太\t\nAsia Pacific\t亚太地区\tadmitted\n",
            ),
            (
                vec![entry(vec![term("en", "Wang Yi", Preferred), noted])],
                "Wang Yi\t王毅\tState Councilor and FM\n",
            ),
            // No approved translation, or only in another language: left out.
            (
                vec![
                    entry(vec![
                        term("en", "COVID19", Preferred),
                        term("zh-CN", "新冠19", Forbidden),
                    ]),
                    entry(vec![
                        term("en", "Suga", Preferred),
                        term("ja-JP", "菅", Preferred),
                    ]),
                ],
                "",
            ),
        ];
        let (en, zh) = (Lang::parse("en").unwrap(), Lang::parse("zh-CN").unwrap());
        for (entries, expected) in table {
            assert_eq!(
                glossary_txt(&entries, &en, &zh),
                format!("{header}{expected}"),
                "{entries:?}"
            );
        }
    }

    #[test]
    fn project_file_names_languages_and_tokenizers() {
        let table = [
            (
                ("en", "zh-CN"),
                [
                    "<source_lang>en</source_lang>",
                    "<target_lang>zh-CN</target_lang>",
                    "<source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>",
                    "<target_tok>org.omegat.tokenizer.LuceneSmartChineseTokenizer</target_tok>",
                ],
            ),
            (
                ("en-US", "ja-JP"),
                [
                    "<source_lang>en-US</source_lang>",
                    "<target_lang>ja-JP</target_lang>",
                    "<source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>",
                    "<target_tok>org.omegat.tokenizer.LuceneJapaneseTokenizer</target_tok>",
                ],
            ),
            (
                ("en", "fr"),
                [
                    "<source_lang>en</source_lang>",
                    "<target_lang>fr</target_lang>",
                    "<source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>",
                    "<target_tok>org.omegat.tokenizer.DefaultTokenizer</target_tok>",
                ],
            ),
        ];
        for ((from, to), expected) in table {
            let file = project_file(&Lang::parse(from).unwrap(), &Lang::parse(to).unwrap());
            for line in expected.iter().chain(&[
                "<sentence_seg>true</sentence_seg>",
                "<support_default_translations>true</support_default_translations>",
                "<remove_tags>false</remove_tags>",
                "<source_dir>__DEFAULT__</source_dir>",
                "<glossary_file>__DEFAULT__</glossary_file>",
            ]) {
                assert!(file.contains(line), "{from} {to}: no {line} in\n{file}");
            }
        }
    }

    #[test]
    fn filters_read_the_article_as_utf8_whatever_its_name() {
        let table = [
            ("forum.en.txt", vec!["*.txt"]),
            ("forum.md", vec!["*.txt", "forum.md"]),
        ];
        for (name, masks) in table {
            let xml = filters_xml(name);
            for mask in masks {
                assert!(
                    xml.contains(&format!(
                        "sourceFilenameMask=\"{mask}\" targetFilenamePattern=\"${{filename}}\" \
                         sourceEncoding=\"UTF-8\""
                    )),
                    "{name}: {xml}"
                );
            }
            assert!(xml.contains("<option name=\"segmentOn\" value=\"EMPTYLINES\"/>"));
        }
    }
}
