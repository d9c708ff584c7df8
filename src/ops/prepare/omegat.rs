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
//! Depends on `formats` (TMX writer, XML escaping), `ops::segment` (the built-in SRX engine),
//! `text::srx` and `model`; never prints.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::formats::tmx::{Writer, WriterOptions};
use crate::formats::xml::escape_text;
use crate::model::{Lang, SrxRules, TermEntry, TermStatus, TranslationUnit, Variant};
use crate::ops::prepare::Kit;
use crate::ops::segment::default_engine;
use crate::text::srx::RuleSet;

/// The name of the project folder for the kit's target language number `lang_index`.
///
/// The project for the first target language is `ARTICLE.omegat`, ARTICLE being the article's
/// file name without its last extension ([`Path::file_stem`]): `beijing-tokyo-forum.en.txt`
/// gives `beijing-tokyo-forum.en.omegat`. The others add the language tag:
/// `beijing-tokyo-forum.en.ja-JP.omegat`.
///
/// ```
/// # use tmkit::ops::prepare::omegat::project_dir_name;
/// # fn check(kit: &tmkit::ops::prepare::Kit) {
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
            kit.to.get(i).map_or("unknown", String::as_str)
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
/// - `source/ARTICLE`: the article, byte for byte (UTF-8);
/// - `tm/auto/STEM.tmx`: the 100% and 101% pretranslations that pass the checks, which OmegaT
///   puts into the segments when it loads the project;
/// - `tm/STEM-fuzzy.tmx`: every other match of the kit (fuzzy pretranslations, alternatives),
///   shown in OmegaT's Fuzzy Matches pane;
/// - `glossary/glossary.txt`: the kit's glossary entries for the language, tab-separated
///   (source, target, comment): preferred and admitted terms, forbidden ones in the comment
///   (`do not use: ...`); entries without an approved translation are left out;
/// - `omegat/filters.xml`: the plain-text filter reads the article as UTF-8 and takes blank
///   lines as paragraph ends, as tmkit does;
/// - `omegat/segmentation.conf`: tmkit's built-in sentence rules for the source language,
///   converted, plus rules for this article (see the module documentation);
/// - empty `target/`, `dictionary/` and `tm/` folders otherwise.
///
/// STEM is the article's name without its extension. An index out of range is an error.
pub fn write_omegat_project(kit: &Kit, lang_index: usize, dir: &Path) -> Result<()> {
    let Some(to) = kit.to.get(lang_index) else {
        return Err(ErrorKind::Invalid {
            what: "target language index",
            value: lang_index.to_string(),
            reason: format!("the kit has {} target languages", kit.to.len()),
        }
        .into());
    };
    let from_lang = Lang::parse(&kit.from)?;
    let to_lang = Lang::parse(to)?;
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
    write_file(&dir.join("source").join(&file_name), kit.text.as_bytes())?;
    write_file(
        &dir.join("omegat/filters.xml"),
        filters_xml(&file_name).as_bytes(),
    )?;
    let engine = default_engine()?;
    let article = article_segmentation(kit, &engine.rules_for(&kit.from)?);
    let conf = segmentation_conf(kit, article.rules)?;
    write_file(&dir.join("omegat/segmentation.conf"), conf.as_bytes())?;
    let (auto, fuzzy) = memories(kit, lang_index, &from_lang, &to_lang, &article.omegat_texts);
    write_file(
        &dir.join("tm/auto").join(format!("{stem}.tmx")),
        &tmx_bytes(&auto, &kit.from)?,
    )?;
    write_file(
        &dir.join("tm").join(format!("{stem}-fuzzy.tmx")),
        &tmx_bytes(&fuzzy, &kit.from)?,
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
fn tokenizer(lang: &str) -> &'static str {
    let primary = lang.split(['-', '_']).next().unwrap_or("");
    match primary.to_ascii_lowercase().as_str() {
        "en" => "org.omegat.tokenizer.LuceneEnglishTokenizer",
        "zh" => "org.omegat.tokenizer.LuceneSmartChineseTokenizer",
        "ja" => "org.omegat.tokenizer.LuceneJapaneseTokenizer",
        "ko" => "org.omegat.tokenizer.LuceneCJKTokenizer",
        _ => "org.omegat.tokenizer.DefaultTokenizer",
    }
}

/// `omegat.project` as OmegaT 3.6 writes it (`ProjectFileStorage.writeProjectFile`).
fn project_file(from: &str, to: &str) -> String {
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
        ("source_lang", from),
        ("target_lang", to),
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

/// Longest run a bounded `*`, `+` or `{n,}` in a look-behind may match (Java wants a bound).
const LOOKBEHIND_BOUND: usize = 64;
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
fn segmentation_conf(kit: &Kit, article_rules: Vec<OmegatRule>) -> Result<String> {
    let engine = default_engine()?;
    let rules = engine.srx();
    let chosen = engine.language_rules_for(&kit.from)?;
    let mut maps: Vec<(String, String, Vec<OmegatRule>)> = Vec::new();
    let lang_pattern = format!("{}.*", regex_literal(primary(&kit.from)));
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

fn primary(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or(lang)
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

/// `beforebreak` for OmegaT: the text ending at the position, as a look-behind.
fn java_before(pattern: &str) -> String {
    format!(
        "(?U)(?<={})",
        bound_quantifiers(&java_properties(pattern), LOOKBEHIND_BOUND)
    )
}

/// `afterbreak` for OmegaT: the text starting at the position, as a look-ahead.
fn java_after(pattern: &str) -> String {
    format!("(?U)(?={})", java_properties(pattern))
}

/// Java names scripts `IsHan`, not `Han`: adds `Is` to property names that are not general
/// categories or already qualified.
fn java_properties(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            if matches!(n, 'p' | 'P')
                && chars.get(i + 2) == Some(&'{')
                && let Some(len) = chars[i + 3..].iter().position(|&c| c == '}')
            {
                let name: String = chars[i + 3..i + 3 + len].iter().collect();
                let _ = write!(out, "\\{n}{{{}}}", java_property_name(&name));
                i += 4 + len;
                continue;
            }
            if n == 'Q' {
                let rest: String = chars[i..].iter().collect();
                let end = rest.find("\\E").map_or(rest.len(), |e| e + 2);
                out.push_str(&rest[..end]);
                i += rest[..end].chars().count();
                continue;
            }
            out.push(c);
            out.push(n);
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn java_property_name(name: &str) -> String {
    const CATEGORIES: [&str; 38] = [
        "L", "Lu", "Ll", "Lt", "Lm", "Lo", "LC", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P",
        "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl",
        "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn",
    ];
    const POSIX: [&str; 13] = [
        "Lower", "Upper", "ASCII", "Alpha", "Digit", "Alnum", "Punct", "Graph", "Print", "Blank",
        "Cntrl", "XDigit", "Space",
    ];
    let qualified = name.starts_with("Is")
        || name.starts_with("In")
        || name.starts_with("java")
        || name.contains('=');
    if qualified || CATEGORIES.contains(&name) || POSIX.contains(&name) {
        name.to_string()
    } else {
        format!("Is{name}")
    }
}

/// Rewrites a pattern so that Java accepts it in a look-behind, which needs a maximum length:
/// `*`, `+` and `{n,}` get the bound `max`; a group under a counted quantifier is written out
/// (`(?:a|bc){1,3}` as `(?:a|bc)(?:(?:a|bc)(?:(?:a|bc))?)?`), since Java cannot bound a repeated
/// group of varying length, with at most [`GROUP_BOUND`] optional copies.
fn bound_quantifiers(pattern: &str, max: usize) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    bound_sequence(&chars, &mut i, max)
}

/// Optional copies written out for an unbounded quantifier on a group.
const GROUP_BOUND: usize = 8;

/// Processes `chars[*i..]` up to an unmatched `)` (left unconsumed) or the end.
fn bound_sequence(chars: &[char], i: &mut usize, max: usize) -> String {
    let mut out = String::new();
    // The last atom written (its text and whether it is a group) and where it starts in `out`.
    let mut last: Option<(usize, bool)> = None;
    while *i < chars.len() {
        let c = chars[*i];
        let atom_start = out.len();
        match c {
            ')' => break,
            '\\' if *i + 1 < chars.len() => {
                let n = chars[*i + 1];
                let len = if n == 'Q' {
                    let rest: String = chars[*i..].iter().collect();
                    let end = rest.find("\\E").map_or(rest.len(), |e| e + 2);
                    rest[..end].chars().count()
                } else if matches!(n, 'p' | 'P' | 'x' | 'N') && chars.get(*i + 2) == Some(&'{') {
                    chars[*i + 2..]
                        .iter()
                        .position(|&c| c == '}')
                        .map_or(chars.len() - *i, |p| p + 3)
                } else {
                    2
                };
                out.extend(&chars[*i..*i + len]);
                *i += len;
                last = Some((atom_start, false));
            }
            '[' => {
                let mut depth = 0usize;
                let mut j = *i;
                while j < chars.len() {
                    match chars[j] {
                        '\\' => j += 1,
                        '[' => depth += 1,
                        ']' if j > *i + 1 && !(j == *i + 2 && chars[*i + 1] == '^') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let end = (j + 1).min(chars.len());
                out.extend(&chars[*i..end]);
                *i = end;
                last = Some((atom_start, false));
            }
            '(' => {
                out.push('(');
                *i += 1;
                if chars.get(*i) == Some(&'?') {
                    // The group's kind: (?: (?= (?! (?> (?<= (?<! (?<name> or flags.
                    let rest: String = chars[*i..].iter().take(3).collect();
                    let len = if rest.starts_with("?<=") || rest.starts_with("?<!") {
                        3
                    } else if rest.starts_with("?<") {
                        chars[*i..]
                            .iter()
                            .position(|&c| c == '>')
                            .map_or(2, |p| p + 1)
                    } else {
                        chars[*i..]
                            .iter()
                            .position(|&c| c == ':' || c == ')' || c == '=' || c == '!' || c == '>')
                            .map_or(1, |p| if chars[*i + p] == ')' { p } else { p + 1 })
                    };
                    out.extend(&chars[*i..*i + len]);
                    *i += len;
                }
                out.push_str(&bound_sequence(chars, i, max));
                if *i < chars.len() {
                    out.push(')');
                    *i += 1;
                }
                last = Some((atom_start, true));
            }
            '*' | '+' | '?' | '{' => {
                let (quant_len, min, upper) = match c {
                    '*' => (1, 0, None),
                    '+' => (1, 1, None),
                    '?' => (1, 0, Some(1)),
                    _ => match counted(&chars[*i..]) {
                        Some(q) => q,
                        None => {
                            out.push(c);
                            *i += 1;
                            last = Some((atom_start, false));
                            continue;
                        }
                    },
                };
                *i += quant_len;
                // A lazy or possessive modifier does not change whether a match exists.
                if matches!(chars.get(*i), Some('?' | '+')) {
                    *i += 1;
                }
                let Some((at, is_group)) = last.take() else {
                    out.push(c);
                    continue;
                };
                if upper == Some(1) && min == 0 {
                    out.push('?');
                } else if is_group {
                    let group = out[at..].to_string();
                    let upper = upper.unwrap_or(min + GROUP_BOUND);
                    for _ in 1..min {
                        out.push_str(&group);
                    }
                    if min == 0 {
                        out.truncate(at);
                    }
                    let mut optional = String::new();
                    for _ in min..upper {
                        optional = format!("(?:{group}{optional})?");
                    }
                    out.push_str(&optional);
                } else {
                    let upper = upper.unwrap_or(max.max(min));
                    if min == upper {
                        let _ = write!(out, "{{{min}}}");
                    } else {
                        let _ = write!(out, "{{{min},{upper}}}");
                    }
                }
            }
            _ => {
                out.push(c);
                *i += 1;
                last = Some((atom_start, false));
            }
        }
    }
    out
}

/// A counted quantifier `{n}`, `{n,}` or `{n,m}` at the start of `chars`: its length, minimum and
/// maximum (`None`: unbounded).
fn counted(chars: &[char]) -> Option<(usize, usize, Option<usize>)> {
    let close = chars.iter().position(|&c| c == '}')?;
    let body: String = chars[1..close].iter().collect();
    let (min, max) = match body.split_once(',') {
        Some((a, b)) => (
            a.parse().ok()?,
            if b.is_empty() {
                None
            } else {
                Some(b.parse().ok()?)
            },
        ),
        None => {
            let n = body.parse().ok()?;
            (n, Some(n))
        }
    };
    Some((close + 1, min, max))
}

/// `text` as a Java regex that matches it literally: ASCII punctuation escaped, white space,
/// control characters and the characters XML cannot hold (U+FFFE, U+FFFF) as `\uXXXX` (or
/// `\x{...}`), everything else as is. The rules go into an XML file that Java reads without
/// processing instructions, so nothing there may need one.
fn regex_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii_alphanumeric()
            || (!c.is_ascii()
                && !c.is_whitespace()
                && !c.is_control()
                && crate::formats::xml::is_xml_char(c))
        {
            out.push(c);
        } else if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if (c as u32) <= 0xFFFF {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            let _ = write!(out, "\\x{{{:X}}}", c as u32);
        }
    }
    out
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

/// How OmegaT will cut the article: the rules made for it, and the texts of the segments that
/// OmegaT will see differently from the kit (see [`java_is_whitespace`]).
#[derive(Debug, Default)]
struct ArticleSegmentation {
    rules: Vec<OmegatRule>,
    /// (index into `kit.segments`, the segment's text as OmegaT will have it).
    omegat_texts: Vec<(usize, String)>,
}

/// Whether Java's `Character.isWhitespace` holds, which is what OmegaT trims segments of: not
/// the no-break spaces U+00A0, U+2007 and U+202F, nor U+0085 and U+FEFF, but U+001C-U+001F.
fn java_is_whitespace(c: char) -> bool {
    (c.is_whitespace() && !matches!(c, '\u{85}' | '\u{a0}' | '\u{2007}' | '\u{202f}'))
        || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Rules for the positions where tmkit's rules, run over OmegaT's paragraphs, would not give the
/// kit's segments: a break where the kit cuts and the rules do not (headings, list items), a
/// no-break where the rules cut and the kit does not.
fn article_segmentation(kit: &Kit, rules: &RuleSet) -> ArticleSegmentation {
    let text = kit.text.as_str();
    let mut out = ArticleSegmentation::default();
    let mut breaks = Vec::new();
    for (ps, pe) in omegat_paragraphs(text) {
        let segs: Vec<(usize, usize, usize)> = kit
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.start >= ps && s.end <= pe)
            .map(|(i, s)| (i, s.start, s.end))
            .collect();
        if segs.is_empty() {
            continue;
        }
        let last_end = segs.last().map_or(pe, |s| s.2);
        breaks.clear();
        rules.breaks(&text[ps..pe], &mut breaks);
        // Where OmegaT will cut each gap between the kit's segments.
        let mut cuts: Vec<Option<usize>> = vec![None; segs.len().saturating_sub(1)];
        for &b in breaks.iter() {
            let b = ps + b;
            if b >= last_end {
                continue; // OmegaT glues a blank last piece to the one before
            }
            let gap = segs.windows(2).position(|w| w[0].2 <= b && b <= w[1].1);
            match gap {
                Some(g) if cuts[g].is_none() => cuts[g] = Some(b),
                _ => out.rules.push(context_rule(text, ps, pe, b, false)),
            }
        }
        for (g, cut) in cuts.iter_mut().enumerate() {
            if cut.is_none() {
                let at = segs[g].2;
                out.rules.push(context_rule(text, ps, pe, at, true));
                *cut = Some(at);
            }
        }
        for (k, &(index, _, _)) in segs.iter().enumerate() {
            let lo = if k == 0 {
                ps
            } else {
                cuts[k - 1].unwrap_or(ps)
            };
            let hi = cuts.get(k).copied().flatten().unwrap_or(pe);
            let seen = text[lo..hi].trim_matches(java_is_whitespace);
            if seen != kit.segments[index].text {
                out.omegat_texts.push((index, seen.to_string()));
            }
        }
    }
    out.rules.dedup();
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Term;

    #[test]
    fn quantifiers_are_bounded_for_java_look_behinds() {
        let table = [
            (r"a*b+", "a{0,64}b{1,64}"),
            (r"a{2,}c{1,3}d{2}", "a{2,64}c{1,3}d{2}"),
            (r"[*+]\*\p{Lu}+", r"[*+]\*\p{Lu}{1,64}"),
            (r"a*?b++", "a{0,64}b{1,64}"),
            (r"(?:ab)?x?", "(?:ab)?x?"),
            (r"(?:a|bc){1,3}", "(?:a|bc)(?:(?:a|bc)(?:(?:a|bc))?)?"),
            (r"(?:a|bc){2}", "(?:a|bc)(?:a|bc)"),
            (
                r"(?:x)*",
                "(?:(?:x)(?:(?:x)(?:(?:x)(?:(?:x)(?:(?:x)(?:(?:x)(?:(?:x)(?:(?:x))?)?)?)?)?)?)?)?",
            ),
            (r"(?:[ ]?\.){2,3}", r"(?:[ ]?\.)(?:[ ]?\.)(?:(?:[ ]?\.))?"),
            (r"[]a*]+", "[]a*]{1,64}"),
            (r"\Qa*\E+", r"\Qa*\E{1,64}"),
            (r"(?<=x)y{3,}", "(?<=x)y{3,64}"),
            (r"^\s*[(\[]?", r"^\s{0,64}[(\[]?"),
        ];
        for (input, expected) in table {
            assert_eq!(bound_quantifiers(input, 64), expected, "{input}");
        }
    }

    #[test]
    fn property_names_are_written_as_java_reads_them() {
        let table = [
            (
                r"\p{Han}\p{Lu}\P{Hiragana}",
                r"\p{IsHan}\p{Lu}\P{IsHiragana}",
            ),
            (
                r"\p{IsLatin}\p{InGreek}\p{L}",
                r"\p{IsLatin}\p{InGreek}\p{L}",
            ),
            (r"\Q\p{Han}\E", r"\Q\p{Han}\E"),
        ];
        for (input, expected) in table {
            assert_eq!(java_properties(input), expected, "{input}");
        }
    }

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
            let file = project_file(from, to);
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

    #[test]
    fn literals_are_escaped_for_java() {
        let table = [
            ("Nov. 30", r"Nov\.\u002030"),
            ("a\u{a0}“b”\n", r"a\u00A0“b”\u000A"),
            ("(x)[y]{z}", r"\(x\)\[y\]\{z\}"),
            ("a\u{b}\u{ffff}\u{1f600}", r"a\u000B\uFFFF😀"),
        ];
        for (input, expected) in table {
            assert_eq!(regex_literal(input), expected, "{input}");
        }
    }
}
