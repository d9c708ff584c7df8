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
//! Depends on `formats` (TMX writer, XML escaping, the document model), `ops::segment` (the
//! built-in SRX engine), `text::srx` and `model`, and reads DOCX packages with `zip` and
//! `quick-xml`; never prints.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::formats::tmx::{Writer, WriterOptions};
use crate::formats::xml::escape_text;
use crate::model::{Lang, SrxRules, TermEntry, TermStatus, TranslationUnit, Variant};

use crate::formats::document::{self, Block, Code, Kind, Piece, Role};
use crate::kit::{Kit, KitDocument, KitSegment};
use crate::text::srx::{Engine, RuleSet, java_after, java_before, regex_literal};

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

/// Characters of context quoted on each side by a rule made for one position of the article.
const CONTEXT_CHARS: usize = 30;

/// A rule as OmegaT's `Rule` bean holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OmegatRule {
    is_break: bool,
    before: String,
    after: String,
}

/// `omegat/segmentation.conf` for the kit: the article's own rules first, then tmkit's built-in
/// rules for the source language.
fn segmentation_conf(kit: &Kit, engine: &Engine, article_rules: Vec<OmegatRule>) -> Result<String> {
    let rules = engine.srx();
    let chosen = engine.language_rules_for(kit.from.as_str())?;
    let mut maps: Vec<(String, String, Vec<OmegatRule>)> = Vec::new();
    let lang_pattern = format!("{}.*", regex_literal(kit.from.primary()));
    if !article_rules.is_empty() {
        maps.push((
            format!("tmkit: {}", kit.name),
            lang_pattern.clone(),
            article_rules,
        ));
    }
    maps.extend(converted_maps(rules, &chosen, &lang_pattern));
    Ok(srx_bean_xml(&maps))
}

/// The language rules `chosen` (indices into `rules.language_rules`), converted, each under a
/// map for the source language.
fn converted_maps(
    rules: &SrxRules,
    chosen: &[usize],
    lang_pattern: &str,
) -> Vec<(String, String, Vec<OmegatRule>)> {
    chosen
        .iter()
        .map(|&i| {
            let lr = &rules.language_rules[i];
            let converted = lr
                .rules
                .iter()
                .map(|r| OmegatRule {
                    is_break: r.is_break,
                    before: java_before(&r.before),
                    after: java_after(&r.after),
                })
                .collect();
            (lr.name.clone(), lang_pattern.to_string(), converted)
        })
        .collect()
}

/// Paragraphs as OmegaT's text filter makes them with `segmentOn=EMPTYLINES`: runs of lines
/// that are not empty after Java's `trim()` (which removes only U+0000-U+0020), as byte ranges
/// from the first line's start to the last line's end (without its line break).
fn omegat_paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        let (line_len, next) = match rest.find(['\n', '\r']) {
            Some(i) => {
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                (i, pos + i + skip)
            }
            None => (rest.len(), text.len()),
        };
        let line = &rest[..line_len];
        if line.chars().all(|c| c <= ' ') {
            if let Some(p) = current.take() {
                out.push(p);
            }
        } else {
            let end = pos + line_len;
            current = Some(current.map_or((pos, end), |(s, _)| (s, end)));
        }
        pos = next;
    }
    out.extend(current);
    out
}

/// How OmegaT will cut the article: the rules made for it, and the texts of the segments as
/// OmegaT will see them.
#[derive(Debug, Default)]
struct ArticleSegmentation {
    rules: Vec<OmegatRule>,
    /// The kit's segments as OmegaT will see them (for a plain-text article, only those whose
    /// text differs from the kit's; see [`java_is_whitespace`]).
    seen: Vec<SeenSegment>,
}

/// A kit segment as OmegaT will see it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeenSegment {
    /// Index into `kit.segments`.
    index: usize,
    /// OmegaT's segment: the kit's segment with what OmegaT keeps around it (tags at its edges,
    /// no-break spaces).
    text: String,
    /// What OmegaT's segment has before and after the kit's segment.
    prefix: String,
    suffix: String,
    /// The paragraph's number in its block ([`OmegatParagraph::part`]).
    part: usize,
}

/// Whether Java's `Character.isWhitespace` holds, which is what OmegaT trims segments of: not
/// the no-break spaces U+00A0, U+2007 and U+202F, nor U+0085 and U+FEFF, but U+001C-U+001F.
fn java_is_whitespace(c: char) -> bool {
    (c.is_whitespace() && !matches!(c, '\u{85}' | '\u{a0}' | '\u{2007}' | '\u{202f}'))
        || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// One paragraph as OmegaT will segment it: its text, and where the kit's segments lie in it
/// (index into `kit.segments`, byte range), in order, not overlapping.
#[derive(Debug, Clone, Default)]
struct OmegatParagraph {
    text: String,
    segs: Vec<(usize, usize, usize)>,
    /// Its number in its block (a DOCX block is cut at its tabs).
    part: usize,
}

/// The plain-text article's paragraphs as OmegaT's text filter makes them.
fn plain_paragraphs(kit: &Kit) -> Vec<OmegatParagraph> {
    let text = kit.text.as_str();
    omegat_paragraphs(text)
        .into_iter()
        .map(|(ps, pe)| {
            let (normalized, map) = nfc_chars(&text[ps..pe]);
            OmegatParagraph {
                part: 0,
                text: normalized,
                segs: kit
                    .segments
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.start >= ps && s.end <= pe)
                    .map(|(i, s)| (i, map[s.start - ps], map[s.end - ps]))
                    .collect(),
            }
        })
        .collect()
}

/// `text` with each character in Unicode normalization form C, as OmegaT reads every paragraph
/// (`StringUtil.normalizeUnicode`): `Ω` (U+2126 OHM SIGN) becomes `Ω` (U+03A9), a CJK
/// compatibility ideograph its unified one. Character by character, so that offsets map (a
/// letter followed by a combining accent, which OmegaT composes, is left as it is); the map
/// gives, for each byte offset of `text` (and its end), the offset in the result.
fn nfc_chars(text: &str) -> (String, Vec<usize>) {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for c in text.chars() {
        let at = out.len();
        map.extend(std::iter::repeat_n(at, c.len_utf8()));
        out.extend(std::iter::once(c).nfc());
    }
    map.push(out.len());
    (out, map)
}

/// Rules for the positions where tmkit's rules, run over OmegaT's paragraphs, would not give the
/// kit's segments: a break where the kit cuts and the rules do not (headings, list items), a
/// no-break where the rules cut and the kit does not. With `plain_texts` (a plain-text article:
/// the kit's segment texts), only the segments OmegaT sees with other text are listed, and a cut
/// the rules do not make goes at the segment's end; without (a document), every segment is
/// listed, and such a cut goes at the first white space between the segments.
fn article_segmentation(
    paragraphs: &[OmegatParagraph],
    rules: &RuleSet,
    plain_texts: Option<&[&str]>,
) -> ArticleSegmentation {
    let all_seen = plain_texts.is_none();
    let mut out = ArticleSegmentation::default();
    let mut breaks = Vec::new();
    for para in paragraphs {
        let text = para.text.as_str();
        let (ps, pe) = (0, text.len());
        let segs = &para.segs;
        if segs.is_empty() {
            continue;
        }
        let first_start = segs[0].1;
        let last_end = segs.last().map_or(pe, |s| s.2);
        breaks.clear();
        rules.breaks(text, &mut breaks);
        // Where OmegaT will cut each gap between the kit's segments.
        let mut cuts: Vec<Option<usize>> = vec![None; segs.len().saturating_sub(1)];
        for &b in breaks.iter() {
            if b >= last_end {
                // OmegaT glues a blank last piece to the one before; one with tags in it would
                // be a segment of its own.
                if !text[b..].trim_matches(java_is_whitespace).is_empty() {
                    out.rules.push(context_rule(text, ps, pe, b, false));
                }
                continue;
            }
            if b <= first_start {
                if !text[..b].trim_matches(java_is_whitespace).is_empty() {
                    out.rules.push(context_rule(text, ps, pe, b, false));
                }
                continue;
            }
            let gap = segs.windows(2).position(|w| w[0].2 <= b && b <= w[1].1);
            // In a document, only a cut at the gap's white space keeps the tags on both sides
            // out of it and leaves the space between OmegaT's segments, where OmegaT drops it
            // for a Chinese or Japanese target, as `finish` does.
            let fits = |g: usize| {
                let (lo, hi) = preferred_cut(text, segs[g].2, segs[g + 1].1);
                plain_texts.is_some() || (lo <= b && b <= hi)
            };
            match gap {
                Some(g) if cuts[g].is_none() && fits(g) => cuts[g] = Some(b),
                _ => out.rules.push(context_rule(text, ps, pe, b, false)),
            }
        }
        for (g, cut) in cuts.iter_mut().enumerate() {
            if cut.is_none() {
                let at = if all_seen {
                    preferred_cut(text, segs[g].2, segs[g + 1].1).0
                } else {
                    segs[g].2
                };
                out.rules.push(context_rule(text, ps, pe, at, true));
                *cut = Some(at);
            }
        }
        for (k, &(index, start, end)) in segs.iter().enumerate() {
            let lo = if k == 0 {
                ps
            } else {
                cuts[k - 1].unwrap_or(ps)
            };
            let hi = cuts.get(k).copied().flatten().unwrap_or(pe);
            let piece = &text[lo..hi];
            let seen = piece.trim_matches(java_is_whitespace);
            let seen_start =
                lo + (piece.len() - piece.trim_start_matches(java_is_whitespace).len());
            let seen_end = seen_start + seen.len();
            let prefix = text.get(seen_start..start.max(seen_start)).unwrap_or("");
            let suffix = text.get(end.min(seen_end)..seen_end).unwrap_or("");
            if plain_texts.is_none_or(|t| t.get(index).is_none_or(|t| *t != seen)) {
                out.seen.push(SeenSegment {
                    part: para.part,
                    index,
                    text: seen.to_string(),
                    prefix: prefix.to_string(),
                    suffix: suffix.to_string(),
                });
            }
        }
    }
    out.rules.dedup();
    out
}

/// Where to cut the gap `from..to` between two segments of a document: in its first run of
/// white space (tags before it stay with the segment before, tags after it go with the next),
/// else before its first opening tag (`<b0>`), else at its end. The range of positions that
/// do (the run of white space), the first being where a cut is made.
fn preferred_cut(text: &str, from: usize, to: usize) -> (usize, usize) {
    let gap = &text[from..to];
    if let Some(i) = gap.find(java_is_whitespace) {
        let run = gap[i..].len() - gap[i..].trim_start_matches(java_is_whitespace).len();
        return (from + i, from + i + run);
    }
    let bytes = gap.as_bytes();
    for (i, _) in gap.match_indices('<') {
        if bytes.get(i + 1).is_some_and(|&b| b != b'/') {
            return (from + i, from + i);
        }
    }
    (to, to)
}

/// A rule that applies at position `at` of the paragraph `ps..pe` only: it quotes up to
/// [`CONTEXT_CHARS`] characters on each side.
fn context_rule(text: &str, ps: usize, pe: usize, at: usize, is_break: bool) -> OmegatRule {
    let before = &text[ps..at];
    let tail_start = before
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let after = &text[at..pe];
    let head_end = after
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(after.len(), |(i, _)| i);
    OmegatRule {
        is_break,
        before: format!("(?<={})", regex_literal(&before[tail_start..])),
        after: format!("(?={})", regex_literal(&after[..head_end])),
    }
}

/// The `java.beans.XMLEncoder` form of `org.omegat.core.segmentation.SRX` (version 0.2.2, as
/// OmegaT 3.6 saves it) with the given map rules: (language name, language pattern, rules).
fn srx_bean_xml(maps: &[(String, String, Vec<OmegatRule>)]) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<java version=\"1.8.0\" class=\"java.beans.XMLDecoder\">\n");
    out.push_str(" <object class=\"org.omegat.core.segmentation.SRX\">\n");
    out.push_str("  <void property=\"mappingRules\">\n");
    let string = |out: &mut String, indent: &str, property: &str, value: &str| {
        let _ = write!(
            out,
            "{indent}<void property=\"{property}\">\n{indent} <string>"
        );
        escape_text(value, out);
        let _ = writeln!(out, "</string>\n{indent}</void>");
    };
    for (name, pattern, rules) in maps {
        out.push_str("   <void method=\"add\">\n");
        out.push_str("    <object class=\"org.omegat.core.segmentation.MapRule\">\n");
        string(&mut out, "     ", "language", name);
        string(&mut out, "     ", "pattern", pattern);
        out.push_str("     <void property=\"rules\">\n");
        out.push_str("      <object class=\"java.util.ArrayList\">\n");
        for r in rules {
            out.push_str("       <void method=\"add\">\n");
            out.push_str("        <object class=\"org.omegat.core.segmentation.Rule\">\n");
            string(&mut out, "         ", "afterbreak", &r.after);
            string(&mut out, "         ", "beforebreak", &r.before);
            let _ = writeln!(
                out,
                "         <void property=\"breakRule\">\n          <boolean>{}</boolean>\n         </void>",
                r.is_break
            );
            out.push_str("        </object>\n       </void>\n");
        }
        out.push_str("      </object>\n     </void>\n");
        out.push_str("    </object>\n   </void>\n");
    }
    out.push_str("  </void>\n");
    string(&mut out, "  ", "version", "0.2.2");
    out.push_str(" </object>\n</java>\n");
    out
}

/// OmegaT 3.6's tag shortcuts for the codes of a block (or of any run of pieces OmegaT reads as
/// one paragraph), one entry per piece: `None` for text, `Some` for a code: the tag OmegaT shows
/// for it, or the empty string for a code OmegaT does not show on its own.
///
/// - HTML (`HTMLFilter2`): one tag per code, `<` + `/` for a closing tag + the tag name's first
///   letter, lower-cased (`br` for `<br>`) + a number + `/` when the document wrote the tag as
///   an empty XML element (`<br/>`) + `>`: `<b0>`, `</b0>`, `<a1>`, `<br2>`, `<i3/>` (an
///   `<img/>`). The tags before and after the paragraph's text that do not pair with it are not
///   shown (empty strings), as OmegaT decides (`FilterVisitor.endup`). Numbers count the shown
///   opening and standalone tags from 0; a closing tag takes the number of the nearest unclosed
///   opening tag with the same name, or a new one.
/// - DOCX (`OpenXMLFilter`, tags aggregated): the markup between two pieces of text is one
///   standalone tag `<tN/>`, whatever it holds (the end of a run, the start of the next with
///   its properties, a hyperlink, a field's code), numbered from 0; markup before the first text
///   and after the last is not shown (the filter's "remove leading and trailing tags"). A tab
///   (`w:tab`) ends OmegaT's paragraph: the tags of the text after it are numbered from 0 again.
///   So the first code of each run of adjacent codes gets the tag and the others the empty
///   string.
/// - Other kinds: no tags (empty strings).
pub fn omegat_shortcuts(kind: Kind, pieces: &[Piece]) -> Vec<Option<String>> {
    match kind {
        Kind::Html => html_shortcuts(pieces),
        Kind::Docx => docx_shortcuts(pieces),
        Kind::Text | Kind::Markdown => pieces
            .iter()
            .map(|p| matches!(p, Piece::Code(_)).then(String::new))
            .collect(),
    }
}

/// The name of the HTML tag a code stands for (lower case), from its native markup, else from
/// its type.
fn html_tag_name(code: &Code) -> String {
    let native = code.native.trim_start();
    if let Some(rest) = native.strip_prefix('<') {
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'))
            .collect();
        if !name.is_empty() {
            return name.to_ascii_lowercase();
        }
    }
    match code.ctype.as_str() {
        "bold" => "b",
        "italic" => "i",
        "underlined" => "u",
        "link" => "a",
        "image" => "img",
        "lb" => "br",
        "x-sup" => "sup",
        "x-sub" => "sub",
        "x-code" => "code",
        _ => "span",
    }
    .to_string()
}

fn html_shortcuts(pieces: &[Piece]) -> Vec<Option<String>> {
    let names: Vec<Option<String>> = pieces
        .iter()
        .map(|p| match p {
            Piece::Code(c) => Some(html_tag_name(c)),
            Piece::Text(_) => None,
        })
        .collect();
    let (first, last) = html_kept_range(pieces, &names);
    // (name, closing, number) of the tags shown so far.
    let mut tags: Vec<(String, bool, usize)> = Vec::new();
    let mut next = 0;
    pieces
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(i, (p, name))| {
            let (Piece::Code(code), Some(name)) = (p, name) else {
                return None;
            };
            if i < first || i > last {
                return Some(String::new());
            }
            let tokens = html_native_tokens(code).unwrap_or_else(|| {
                vec![HtmlToken::Tag {
                    name: name.clone(),
                    closing: code.role == Role::Close,
                    empty: false,
                }]
            });
            let mut out = String::new();
            for token in tokens {
                let (name, closing, empty) = match token {
                    HtmlToken::Text(t) => {
                        out.push_str(&t);
                        continue;
                    }
                    HtmlToken::Comment => {
                        let _ = write!(out, "<c{next}/>");
                        tags.push((String::new(), false, next));
                        next += 1;
                        continue;
                    }
                    HtmlToken::Tag {
                        name,
                        closing,
                        empty,
                    } => (name, closing, empty),
                };
                let mut number = None;
                if closing {
                    let mut depth = 1;
                    for (n, c, num) in tags.iter().rev() {
                        if *n == name {
                            if *c {
                                depth += 1;
                            } else {
                                depth -= 1;
                                if depth == 0 {
                                    number = Some(*num);
                                    break;
                                }
                            }
                        }
                    }
                }
                let number = number.unwrap_or_else(|| {
                    next += 1;
                    next - 1
                });
                let letter = if name == "br" {
                    "br".to_string()
                } else {
                    name.chars()
                        .next()
                        .map_or("x".to_string(), |c| c.to_string())
                };
                let _ = write!(
                    out,
                    "<{}{letter}{number}{}>",
                    if closing { "/" } else { "" },
                    if empty { "/" } else { "" }
                );
                tags.push((name, closing, number));
            }
            Some(out)
        })
        .collect()
}

/// What the native markup of an HTML code holds, as OmegaT's parser sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HtmlToken {
    Tag {
        name: String,
        closing: bool,
        /// Written as an empty XML element (`<br/>`).
        empty: bool,
    },
    Comment,
    /// Text, as OmegaT shows it: entities decoded, white space runs made one space.
    Text(String),
}

/// The tags, comments and text of a code's native markup (`<code>b</code>`, an element tmkit
/// does not translate, is three tokens to OmegaT, whose text it shows); `None` when the code
/// has no native markup that starts with a tag.
fn html_native_tokens(code: &Code) -> Option<Vec<HtmlToken>> {
    let native = code.native.as_str();
    if !native.starts_with('<') {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = native;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").map_or(after.len(), |e| e + 3);
            out.push(HtmlToken::Comment);
            rest = &after[end..];
        } else if rest.starts_with('<') {
            // The tag ends at the first `>` outside a quoted attribute value.
            let mut quote = None;
            let end = rest
                .char_indices()
                .find(|&(_, c)| match (quote, c) {
                    (None, '"' | '\'') => {
                        quote = Some(c);
                        false
                    }
                    (Some(q), c) if c == q => {
                        quote = None;
                        false
                    }
                    (None, '>') => true,
                    _ => false,
                })
                .map_or(rest.len(), |(e, _)| e + 1);
            let tag = &rest[1..end.saturating_sub(1).max(1)];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'))
                .collect();
            if name.is_empty() {
                out.push(HtmlToken::Text(rest[..end].to_string()));
            } else {
                out.push(HtmlToken::Tag {
                    name: name.to_ascii_lowercase(),
                    closing,
                    empty: !closing && tag.ends_with('/'),
                });
            }
            rest = &rest[end..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = decode_html_text(&rest[..end]);
            let mut compressed = String::new();
            for c in text.chars() {
                if java_is_whitespace(c) {
                    if !compressed.ends_with(' ') {
                        compressed.push(' ');
                    }
                } else {
                    compressed.push(c);
                }
            }
            out.push(HtmlToken::Text(compressed));
            rest = &rest[end..];
        }
    }
    Some(out)
}

/// HTML text with its character references decoded (the common named ones and numeric ones),
/// as OmegaT shows text inside a tag tmkit keeps as a code.
fn decode_html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "nbsp" => Some('\u{a0}'),
                    _ => None,
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The pieces OmegaT's HTML filter keeps in a paragraph with "remove leading and trailing
/// tags" on (`FilterVisitor.endup`): from the first tag before the text whose closing tag (by
/// name, counting nesting) is inside the text, to the last tag after the text whose opening tag
/// (by name) is inside it. Tags before and after the text that do not pair with it (a wrapping
/// `<em>`, an image before the text, a `<br>` after it, and the HTML5 elements OmegaT takes as
/// inline: `figure`, `article`, `section`) are not shown. Standalone tags count as opening
/// ones, as OmegaT does: a `<br>` after the text stays when another `<br>` is in it.
fn html_kept_range(pieces: &[Piece], names: &[Option<String>]) -> (usize, usize) {
    // Java's `String.trim`: U+0000-U+0020 only (a no-break space is text). A code whose markup
    // holds text (`<code>b</code>`) is text to OmegaT.
    let has_text = |t: &str| !t.trim_matches(|c| c <= ' ').is_empty();
    let is_text = |p: &Piece| match p {
        Piece::Text(t) => has_text(t),
        Piece::Code(c) => html_native_tokens(c).is_some_and(|tokens| {
            tokens
                .iter()
                .any(|t| matches!(t, HtmlToken::Text(t) if has_text(t)))
        }),
    };
    let (Some(first_text), Some(last_text)) = (
        pieces.iter().position(is_text),
        pieces.iter().rposition(is_text),
    ) else {
        return (pieces.len(), 0);
    };
    let closing = |i: usize| matches!(&pieces[i], Piece::Code(c) if c.role == Role::Close);
    let mut first = first_text;
    'leading: for i in 0..first_text {
        let Some(name) = &names[i] else { continue };
        let mut depth = 1;
        for (j, other) in names.iter().enumerate().take(last_text + 1).skip(i + 1) {
            if other.as_ref() == Some(name) {
                if closing(j) {
                    depth -= 1;
                    if depth == 0 {
                        if j >= first_text {
                            first = i;
                            break 'leading;
                        }
                        break;
                    }
                } else {
                    depth += 1;
                }
            }
        }
    }
    let mut last = last_text;
    'trailing: for k in (last_text + 1..pieces.len()).rev() {
        let Some(name) = &names[k] else { continue };
        let mut depth = 1;
        for i in (first_text..k).rev() {
            if names[i].as_ref() == Some(name) {
                if closing(i) {
                    depth += 1;
                } else {
                    depth -= 1;
                    if depth == 0 {
                        if i <= last_text {
                            last = k;
                            break 'trailing;
                        }
                        break;
                    }
                }
            }
        }
    }
    (first, last)
}

/// Whether OmegaT's OpenXML filter ends a paragraph at this code (a tab).
/// A positional tab (`w:ptab`, in headers and footers) does not.
fn docx_breaks_paragraph(code: &Code) -> bool {
    if code.native.is_empty() {
        code.ctype == "x-tab"
    } else {
        code.native.contains("<w:tab/>") || code.native.contains("<w:tab ")
    }
}

fn docx_shortcuts(pieces: &[Piece]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = pieces
        .iter()
        .map(|p| matches!(p, Piece::Code(_)).then(String::new))
        .collect();
    // OmegaT's paragraphs: the pieces between tabs.
    let mut start = 0;
    while start < pieces.len() {
        let end = pieces[start..]
            .iter()
            .position(|p| matches!(p, Piece::Code(c) if docx_breaks_paragraph(c)))
            .map_or(pieces.len(), |i| start + i);
        let part = &pieces[start..end];
        // White space before the first text and after the last goes with the markup there.
        let is_text =
            |p: &Piece| matches!(p, Piece::Text(t) if !t.trim_matches(|c| c <= ' ').is_empty());
        if let (Some(first), Some(last)) = (
            part.iter().position(is_text),
            part.iter().rposition(is_text),
        ) {
            let mut number = 0;
            for i in first..=last {
                let head =
                    matches!(part[i], Piece::Code(_)) && matches!(part[i - 1], Piece::Text(_));
                if head {
                    out[start + i] = Some(format!("<t{number}/>"));
                    number += 1;
                }
            }
        }
        start = end + 1;
    }
    out
}

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
/// [`write_omegat_project`]): `document` is the original file, `blocks` its blocks as
/// extracted, `segments` its segments in order, `rules` the rules of the project's segmentation
/// for the source language (tmkit's built-in ones, as [`write_omegat_project`] writes them). Each segment is one
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
fn document_view(
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
fn kit_doc_segments<'a>(kit: &'a Kit, doc: &KitDocument) -> Vec<DocSegment<'a>> {
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
fn split_at_tabs(pieces: &[Piece], parts: &[OmegatSegment]) -> Option<Vec<Vec<Piece>>> {
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
fn translation_pieces(seg: &KitSegment, target: &str, markup: Option<&str>) -> Option<Vec<Piece>> {
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

    #[test]
    fn omegat_paragraphs_end_at_lines_java_trims_to_nothing() {
        let table = [
            ("a\n\nb", vec!["a", "b"]),
            ("a\nb\n \t\nc\n", vec!["a\nb", "c"]),
            ("a\r\n\r\nb", vec!["a", "b"]),
            // A line of no-break spaces is not empty for OmegaT (it is for tmkit).
            ("a\n\u{a0}\nb", vec!["a\n\u{a0}\nb"]),
        ];
        for (text, expected) in table {
            let got: Vec<&str> = omegat_paragraphs(text)
                .into_iter()
                .map(|(s, e)| &text[s..e])
                .collect();
            assert_eq!(got, expected, "{text:?}");
        }
    }

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

    #[test]
    fn paragraphs_are_read_in_normalization_form_c_with_offsets_mapped() {
        let (text, map) = nfc_chars("a\u{2126}b");
        assert_eq!(text, "a\u{3a9}b");
        assert_eq!(map, [0, 1, 1, 1, 3, 4]);
    }

    #[test]
    fn a_cut_between_sentences_goes_at_their_white_space() {
        let table = [
            ("a.</b0> <i1>b", (7, 8)),
            // A no-break space is not white space to OmegaT: it stays in a segment.
            ("a.\u{a0}b", (4, 4)),
            ("a.</b0><i1>b", (7, 7)),
            ("a.</b0>b", (7, 7)),
        ];
        for (text, expected) in table {
            let last = text.len() - 1;
            assert_eq!(preferred_cut(text, 2, last), expected, "{text}");
        }
    }
}
