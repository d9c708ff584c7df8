//! Writing the parts of a translation kit that come straight from the [`Kit`]: the TMX of the
//! article's segments with their best translations, and the analysis files.

use std::io::Write;

use super::Kit;
use crate::error::Result;
use crate::formats::tmx::{Writer, WriterOptions};
use crate::model::{Extra, Lang, Prop, TranslationUnit, Variant};

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
        srclang: kit.from.clone(),
        ..WriterOptions::default()
    };
    let mut w = Writer::new(out, &options)?;
    let from = Lang::parse(&kit.from)?;
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
        unit.variants
            .push(Variant::new(from.clone(), seg.text.clone()));
        for lev in &seg.leverage {
            let (Some(target), Some(best)) = (&lev.target, lev.matches.first()) else {
                continue;
            };
            let mut v = Variant::new(Lang::parse(&lev.lang)?, target.clone());
            v.extras.push(prop("x-match-score", best.score.to_string()));
            unit.variants.push(v);
        }
        w.write_unit(&unit)?;
    }
    w.finish()
}

/// The files a kit is made of, relative to its folder, in the order they are written.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct KitFiles {
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
/// analysis as JSON and text, and the other parts as they are added.
pub fn write_kit(kit: &Kit, dir: &std::path::Path) -> Result<KitFiles> {
    let mut files = KitFiles::default();
    let stem = stem(kit);
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
    Ok(files)
}
