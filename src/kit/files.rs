//! Writing the parts of a translation kit that come straight from the [`Kit`]: the TMX of the
//! article's segments with their best translations, and the analysis files.

use std::io::Write;

use super::{Band, Kit};
use crate::error::Result;
use crate::formats::document::Kind;
use crate::formats::tmx::{Writer, WriterOptions};
use crate::formats::xliff;
use crate::model::{Extra, Lang, Prop, TranslationUnit, Variant};
use crate::text::srx::Engine;

fn prop(kind: &str, value: impl Into<String>) -> Extra {
    Extra::Prop(Prop {
        kind: kind.to_string(),
        lang: None,
        encoding: None,
        value: value.into(),
    })
}

/// The article's file name without its extension: `beijing-tokyo-forum.en.txt` gives
/// `beijing-tokyo-forum.en`.
pub fn stem(kit: &Kit) -> String {
    std::path::Path::new(&kit.name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| kit.name.clone())
}

/// Writes the kit's TMX: one unit per distinct segment, in article order, with the source and,
/// per target language, the pretranslation (the best match at or above `--min`). Each unit
/// carries `x-segment` (the segment number) and `x-context-prev`/`x-context-next` (its
/// neighbours, so that a CAT tool or tmkit can offer context matches); each translation carries
/// `x-match-score`. Segments without any pretranslation have the source alone.
pub fn write_tmx<W: Write>(kit: &Kit, out: W) -> Result<W> {
    let options = WriterOptions {
        srclang: kit.from.to_string(),
        ..WriterOptions::default()
    };
    let mut w = Writer::new(out, &options)?;
    let from = kit.from.clone();
    let stem = stem(kit);
    for (i, seg) in kit.segments.iter().enumerate() {
        if seg.repetition_of.is_some() {
            continue;
        }
        let mut unit = TranslationUnit {
            tuid: Some(format!("{stem}-{}", seg.id)),
            source: Some(from.clone()),
            ..TranslationUnit::default()
        };
        unit.extras.push(prop("x-segment", seg.id.to_string()));
        let prev = i
            .checked_sub(1)
            .map(|p| kit.segments[p].text.as_str())
            .unwrap_or("");
        let next = kit.segments.get(i + 1).map_or("", |n| n.text.as_str());
        unit.extras.push(prop("x-context-prev", prev));
        unit.extras.push(prop("x-context-next", next));
        let mut source = Variant::new(from.clone(), seg.text.clone());
        source.markup = seg.markup.clone();
        unit.variants.push(source);
        for lev in &seg.leverage {
            let (Some(target), Some(best)) = (&lev.target, lev.matches.first()) else {
                continue;
            };
            let mut v = Variant::new(lev.lang.clone(), target.clone());
            v.markup = lev.target_markup.clone();
            v.extras.push(prop("x-match-score", best.score.to_string()));
            unit.variants.push(v);
        }
        w.write_unit(&unit)?;
    }
    w.finish()
}

/// Writes the XLIFF 1.2 file of one target language (`lang_index` into `kit.to`).
///
/// One `<group>` per paragraph (`restype="x-paragraph"`, or `x-heading`), one `<trans-unit>` per
/// segment (its id is the segment number). The best match at or above `--min` is the `<target>`:
/// `state="translated" state-qualifier="exact-match"` for 100% and 101%, with `approved="yes"` on
/// the unit (XLIFF 1.2: the translation is approved, which translate-toolkit and others count as
/// translated); `state="needs-review-translation" state-qualifier="exact-match"`, not approved,
/// for a 100% or 101% match that fails a check (the findings are notes); `state="needs-translation"
/// state-qualifier="fuzzy-match"` below (so that an untouched fuzzy match is never imported back).
/// Every match is also an `<alt-trans match-quality="..."
/// origin="tmkit">` with its source; glossary terms are `<note from="tmkit-glossary">` notes
/// (`term = translation; not: forbidden`); repetitions are marked (see `formats::xliff`); the text
/// between segments is kept in each unit's context group, so the article is rebuilt from the file
/// alone.
pub fn write_xliff<W: Write>(kit: &Kit, lang_index: usize, out: W) -> Result<W> {
    let lang = kit.to[lang_index].clone();
    let file = xliff::File {
        original: kit.name.clone(),
        source_lang: kit.from.clone(),
        target_lang: Some(lang.clone()),
        datatype: kit
            .document
            .as_ref()
            .map_or("plaintext", |d| d.kind.datatype())
            .to_string(),
        // The original document is kept in the kit beside the XLIFF files.
        skeleton: kit.document.as_ref().map(|_| kit.name.clone()),
        notes: vec![xliff::XNote {
            from: Some("tmkit".to_string()),
            text: format!(
                "Prepared by tmkit: {} segments; targets are the best memory matches at or above \
                 {}%.",
                kit.segments.len(),
                kit.min
            ),
            ..xliff::XNote::default()
        }],
        groups: Vec::new(),
    };
    let mut w = xliff::Writer::new(out, &xliff::WriterOptions::default())?;
    w.start_file(&file)?;
    // Plain text is rebuilt from the XLIFF file alone (the text between segments is in each
    // unit's context); a document is rebuilt from the original, its skeleton.
    let plain = kit.document.as_ref().is_none_or(|d| d.kind == Kind::Text);
    if plain && !kit.gap_before(0).is_empty() {
        // Text before the first segment has nowhere else to go: a note in the header would be
        // lost, so the first group carries it as a non-translatable unit.
        let mut lead = xliff::Unit::new("0", xliff::Content::plain(""));
        lead.translate = false;
        lead.text_after = Some(kit.gap_before(0).to_string());
        w.start_group(&xliff::Group {
            id: Some("lead".to_string()),
            restype: Some("x-layout".to_string()),
            ..xliff::Group::default()
        })?;
        w.write_unit(&lead)?;
        w.end_group()?;
    }
    let mut paragraph = usize::MAX;
    for (i, seg) in kit.segments.iter().enumerate() {
        if seg.paragraph != paragraph {
            if paragraph != usize::MAX {
                w.end_group()?;
            }
            paragraph = seg.paragraph;
            let block = kit
                .document
                .as_ref()
                .filter(|d| d.kind != Kind::Text)
                .and_then(|d| d.extracted.blocks.get(seg.block));
            w.start_group(&xliff::Group {
                id: Some(format!("p{}", seg.paragraph + 1)),
                restype: Some(
                    match block {
                        Some(b) => b.restype,
                        None if seg.heading => "x-heading",
                        None => "x-paragraph",
                    }
                    .to_string(),
                ),
                resname: block.map(|b| b.name.clone()),
                ..xliff::Group::default()
            })?;
        }
        let lev = &seg.leverage[lang_index];
        let mut unit = xliff::Unit::new(
            seg.id.to_string(),
            xliff::Content {
                text: seg.text.clone(),
                markup: seg.markup.clone(),
            },
        );
        // A match from the memory is plain text: when the segment has inline codes, a translator
        // must put them in before the translation can go into the document.
        let codes_to_place =
            seg.markup.is_some() && lev.target.is_some() && lev.target_markup.is_none();
        if let (Some(target), Some(best)) = (&lev.target, lev.matches.first()) {
            let exact = best.score >= 100;
            let review = lev.needs_review() || codes_to_place;
            unit.approved = (exact && !review).then_some(true);
            unit.target = Some(xliff::Target {
                content: xliff::Content {
                    text: target.clone(),
                    markup: lev.target_markup.clone(),
                },
                state: Some(if review {
                    // A match that fails a check: a translator must look at it.
                    xliff::State::NeedsReviewTranslation
                } else if exact {
                    xliff::State::Translated
                } else {
                    // Not importable as it is: a fuzzy match translates another sentence.
                    xliff::State::NeedsTranslation
                }),
                state_qualifier: Some(
                    if exact { "exact-match" } else { "fuzzy-match" }.to_string(),
                ),
            });
        }
        for m in &lev.matches {
            unit.alt_trans.push(xliff::AltTrans {
                match_quality: Some(m.score.to_string()),
                origin: Some("tmkit".to_string()),
                source: Some(xliff::Content::plain(m.source.clone())),
                target: xliff::Content::plain(m.target.clone()),
                lang: Some(m.target_lang.clone()),
            });
        }
        if codes_to_place {
            unit.notes.push(xliff::XNote {
                from: Some("tmkit".to_string()),
                annotates: Some("target".to_string()),
                priority: Some(1),
                text: "the source has inline codes (formatting, links) that the memory's \
                       translation lacks: put them in place before finishing"
                    .to_string(),
                ..xliff::XNote::default()
            });
        }
        if lev.band == Band::Context {
            unit.notes.push(xliff::XNote {
                from: Some("tmkit".to_string()),
                text: "context match (101%): the memory has this sentence between the same \
                       neighbours"
                    .to_string(),
                ..xliff::XNote::default()
            });
        }
        for t in &seg.terms {
            let approved = t
                .translations
                .get(lang_index)
                .map(|(_, v)| v.join(" / "))
                .unwrap_or_default();
            let forbidden = t
                .forbidden
                .get(lang_index)
                .map(|(_, v)| v.join(" / "))
                .unwrap_or_default();
            let mut text = format!(
                "{} = {}",
                t.text,
                if approved.is_empty() {
                    "(no approved translation)"
                } else {
                    &approved
                }
            );
            if !forbidden.is_empty() {
                text.push_str(&format!("; not: {forbidden}"));
            }
            unit.notes.push(xliff::XNote {
                from: Some("tmkit-glossary".to_string()),
                annotates: Some("source".to_string()),
                text,
                ..xliff::XNote::default()
            });
        }
        for f in &lev.findings {
            unit.notes.push(xliff::XNote {
                from: Some("tmkit-check".to_string()),
                annotates: Some("target".to_string()),
                priority: Some(if f.severity == crate::model::Severity::Error {
                    1
                } else {
                    3
                }),
                text: f.message.clone(),
                ..xliff::XNote::default()
            });
        }
        unit.repetition_of = seg.repetition_of.map(|r| r.to_string());
        let after = kit.gap_before(i + 1);
        unit.text_after = (plain && !after.is_empty()).then(|| after.to_string());
        w.write_unit(&unit)?;
    }
    if paragraph != usize::MAX {
        w.end_group()?;
    }
    w.end_file()?;
    w.finish()
}

/// The kit's manifest file: what `finish` needs to know about the kit.
pub const MANIFEST: &str = "kit.json";

/// What `kit.json` says: the article (the original document, kept in the kit folder under this
/// name), its format and encoding, the languages, and the files per target language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Always 1 for this layout.
    pub kit: u32,
    /// The file name of the article in the kit folder.
    pub article: String,
    /// `text`, `html`, `markdown` or `docx`.
    pub format: String,
    /// The encoding given with `--encoding`, if any.
    pub encoding: Option<String>,
    /// The source language tag.
    pub from: String,
    /// The target language tags, one per set of files.
    pub to: Vec<String>,
    /// The XLIFF file per target language, in `to` order.
    pub xliff: Vec<String>,
    /// The OmegaT project folder per target language, in `to` order.
    pub omegat: Vec<String>,
}

impl Manifest {
    /// The manifest of a kit.
    pub fn of(kit: &Kit) -> Manifest {
        let stem = stem(kit);
        Manifest {
            kit: 1,
            article: kit.name.clone(),
            format: kit
                .document
                .as_ref()
                .map_or(Kind::Text, |d| d.kind)
                .extension_name()
                .to_string(),
            encoding: kit
                .document
                .as_ref()
                .and_then(|d| d.options.encoding.clone()),
            from: kit.from.to_string(),
            to: kit.to.iter().map(Lang::to_string).collect(),
            xliff: kit.to.iter().map(|l| format!("{stem}.{l}.xlf")).collect(),
            omegat: (0..kit.to.len())
                .map(|i| super::omegat::project_dir_name(kit, i))
                .collect(),
        }
    }
}

/// The files a kit is made of, relative to its folder, in the order they are written.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct KitFiles {
    /// The paths, relative to the kit folder.
    pub files: Vec<String>,
}

fn write_file(dir: &std::path::Path, name: &str, bytes: &[u8], files: &mut KitFiles) -> Result<()> {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| crate::Error::io(parent, e))?;
    }
    std::fs::write(&path, bytes).map_err(|e| crate::Error::io(&path, e))?;
    files.files.push(name.to_string());
    Ok(())
}

/// Writes every part of the kit into `dir` (which must exist and be empty): the TMX, the
/// analysis as JSON and text, the OmegaT projects (their segmentation written from `engine`, see
/// [`write_omegat_project`](super::omegat::write_omegat_project)) and the review page.
pub fn write_kit(kit: &Kit, dir: &std::path::Path, engine: &Engine) -> Result<KitFiles> {
    let mut files = KitFiles::default();
    let stem = stem(kit);
    if let Some(doc) = &kit.document {
        write_file(dir, &kit.name, &doc.bytes, &mut files)?;
    }
    let mut manifest = serde_json::to_vec_pretty(&Manifest::of(kit))?;
    manifest.push(b'\n');
    write_file(dir, MANIFEST, &manifest, &mut files)?;
    for (i, lang) in kit.to.iter().enumerate() {
        let xlf = write_xliff(kit, i, Vec::new())?;
        write_file(dir, &format!("{stem}.{lang}.xlf"), &xlf, &mut files)?;
    }
    let tmx = write_tmx(kit, Vec::new())?;
    write_file(dir, &format!("{stem}.tmx"), &tmx, &mut files)?;
    let mut json = serde_json::to_vec_pretty(&kit.analysis)?;
    json.push(b'\n');
    write_file(dir, "analysis.json", &json, &mut files)?;
    write_file(
        dir,
        "analysis.txt",
        kit.analysis.to_text().as_bytes(),
        &mut files,
    )?;
    for i in 0..kit.to.len() {
        let name = super::omegat::project_dir_name(kit, i);
        super::omegat::write_omegat_project(kit, i, &dir.join(&name), engine)?;
        files.files.push(format!("{name}/"));
    }
    write_file(
        dir,
        "report.html",
        super::report::render_report(kit).as_bytes(),
        &mut files,
    )?;
    Ok(files)
}
