//! The source/target pairs of the input, read from the memory, a TMX file or an XLIFF file in a
//! stable order.

use std::ops::Range;

use super::{CheckConfig, CheckInput};
use crate::error::Result;
use crate::formats::{tmx, xliff};
use crate::model::{Lang, TranslationUnit};
use crate::store::Store;

/// One source/target pair of the input.
pub struct Pair<'a> {
    /// The unit: its id in the memory, or its 1-based position in the file.
    pub unit: i64,
    /// The unit's TMX `tuid` (or XLIFF trans-unit id) where there is one.
    pub tuid: Option<&'a str>,
    /// The source's plain text.
    pub source: &'a str,
    /// The source with its inline markup.
    pub source_markup: &'a str,
    /// The target's plain text.
    pub target: &'a str,
    /// The target with its inline markup.
    pub target_markup: &'a str,
    /// The target's language.
    pub lang: &'a Lang,
}

fn pairs_of_unit(
    unit_id: i64,
    unit: &TranslationUnit,
    config: &CheckConfig,
    f: &mut dyn FnMut(&Pair<'_>) -> Result<()>,
) -> Result<()> {
    let Some(src) = unit.variants.iter().find(|v| config.from.matches(&v.lang)) else {
        return Ok(());
    };
    for v in &unit.variants {
        if config.from.matches(&v.lang) {
            continue;
        }
        if !config.langs.is_empty() && !config.langs.iter().any(|l| l.matches(&v.lang)) {
            continue;
        }
        f(&Pair {
            unit: unit_id,
            tuid: unit.tuid.as_deref(),
            source: &src.text,
            source_markup: src.content(),
            target: &v.text,
            target_markup: v.content(),
            lang: &v.lang,
        })?;
    }
    Ok(())
}

/// Calls `f` on every pair of the input, in a stable order; returns the number of units.
pub fn for_each_pair(
    store: Option<&Store>,
    input: &CheckInput,
    config: &CheckConfig,
    f: &mut dyn FnMut(&Pair<'_>) -> Result<()>,
) -> Result<u64> {
    let mut units = 0u64;
    match input {
        CheckInput::Memory => {
            let store = store.ok_or_else(|| crate::ErrorKind::NotAMemory {
                path: String::new(),
                reason: "no memory to check".to_string(),
            })?;
            let tags = memory_tags(store, config)?;
            units = memory_pairs(store, &tags, i64::MIN..i64::MAX, f)?;
        }
        CheckInput::Tmx(path) => {
            let mut reader = tmx::Reader::open(path)?;
            let mut unit = TranslationUnit::default();
            loop {
                match reader.read_unit(&mut unit)? {
                    tmx::Item::Unit => {
                        units += 1;
                        pairs_of_unit(units as i64, &unit, config, f)?;
                    }
                    // A unit import would skip cannot be checked either: refuse it where import
                    // reports it, rather than check the rest and say nothing.
                    tmx::Item::Problem(p) => {
                        return Err(crate::ErrorKind::Rejected {
                            location: p.location,
                            message: format!(
                                "{}; this unit cannot be checked (import skips it): fix it",
                                p.message
                            ),
                        }
                        .into());
                    }
                    tmx::Item::End => break,
                }
            }
        }
        CheckInput::Xliff(path) => {
            let mut reader = xliff::Reader::open(path)?;
            let mut unit = xliff::Unit::new("", xliff::Content::plain(""));
            loop {
                match reader.read_unit(&mut unit)? {
                    xliff::Item::End => break,
                    xliff::Item::Problem(p) => {
                        return Err(crate::ErrorKind::Rejected {
                            location: p.location,
                            message: p.message,
                        }
                        .into());
                    }
                    xliff::Item::Unit => {
                        units += 1;
                        if !unit.translate {
                            continue;
                        }
                        let Some(file) = reader.file() else { continue };
                        let Some(lang) = file.target_lang.clone() else {
                            continue;
                        };
                        if !config.from.matches(&file.source_lang)
                            || (!config.langs.is_empty()
                                && !config.langs.iter().any(|l| l.matches(&lang)))
                        {
                            continue;
                        }
                        let empty = xliff::Content::plain("");
                        let target = unit.target.as_ref().map_or(&empty, |t| &t.content);
                        let tuid = match &unit.segment {
                            Some(mid) => format!("{}:{mid}", unit.id),
                            None => unit.id.clone(),
                        };
                        f(&Pair {
                            unit: units as i64,
                            tuid: Some(&tuid),
                            source: &unit.source.text,
                            source_markup: unit
                                .source
                                .markup
                                .as_deref()
                                .unwrap_or(&unit.source.text),
                            target: &target.text,
                            target_markup: target.markup.as_deref().unwrap_or(&target.text),
                            lang: &lang,
                        })?;
                    }
                }
            }
        }
    }
    Ok(units)
}

/// The stored languages (a memory has a handful), each with whether it is the source and whether
/// it is checked: (id, tag, source, checked).
pub(super) type Tags = Vec<(i64, Lang, bool, bool)>;

pub(super) fn memory_tags(store: &Store, config: &CheckConfig) -> Result<Tags> {
    Ok(store
        .lang_tags()?
        .into_iter()
        .map(|(id, l)| {
            let source = config.from.matches(&l);
            let wanted = config.langs.is_empty() || config.langs.iter().any(|w| w.matches(&l));
            (id, l, source, wanted && !source)
        })
        .collect())
}

/// Calls `f` on every pair of the memory's units whose ids are in `ids`, in id order; returns the
/// number of units.
pub(super) fn memory_pairs(
    store: &Store,
    tags: &Tags,
    ids: Range<i64>,
    f: &mut dyn FnMut(&Pair<'_>) -> Result<()>,
) -> Result<u64> {
    let mut units = 0u64;
    let tag = |id: i64| tags.iter().find(|t| t.0 == id);
    store.for_each_unit_texts_in(ids, |id, tuid, variants| {
        units += 1;
        let Some(src) = variants.iter().find(|v| tag(v.lang).is_some_and(|t| t.2)) else {
            return Ok(());
        };
        for v in variants {
            let Some((_, lang, _, true)) = tag(v.lang) else {
                continue;
            };
            f(&Pair {
                unit: id,
                tuid,
                source: src.text,
                source_markup: src.content(),
                target: v.text,
                target_markup: v.content(),
                lang,
            })?;
        }
        Ok(())
    })?;
    Ok(units)
}
