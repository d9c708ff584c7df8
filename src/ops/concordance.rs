//! Concordance: every unit whose text in a language contains a phrase, with its translations, and
//! the translations of the phrase that recur across them.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::error::Result;
use crate::matching::grams::grams;
use crate::matching::score::Prepared;
use crate::model::Lang;
use crate::store::{ListCache, Store};
use crate::text::tokenize::is_cjk;

/// What to search.
#[derive(Debug, Clone)]
pub struct ConcordanceConfig {
    /// The phrase to search for (surrounding white space is ignored).
    pub phrase: String,
    /// The phrase's language; variants in any language it matches are searched.
    pub lang: Lang,
    /// Languages to show translations in.
    pub to: Vec<Lang>,
    /// The most hits listed (all are counted and summarized).
    pub max: usize,
}

/// A unit that contains the phrase.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The variant that contains the phrase.
    pub source: String,
    /// That variant's language tag.
    pub source_lang: String,
    /// Byte ranges of the phrase in `source`.
    pub spans: Vec<(usize, usize)>,
    /// Translations by language tag.
    pub targets: BTreeMap<String, String>,
    /// The file the unit was imported from.
    pub origin: Option<String>,
    /// When the unit was last changed (else created), as written in the TMX.
    pub changed: Option<String>,
    /// The unit's `tuid`, when it has one.
    pub tuid: Option<String>,
}

/// A recurring translation of the phrase.
#[derive(Debug, Clone, Serialize)]
pub struct Rendering {
    /// The rendering's text.
    pub text: String,
    /// In how many hits' translations it occurs.
    pub count: usize,
}

/// The concordance of a phrase.
#[derive(Debug, Clone, Serialize)]
pub struct Concordance {
    /// The phrase searched for, trimmed.
    pub phrase: String,
    /// The phrase's language tag, as configured.
    pub lang: String,
    /// All hits, of which `hits` lists the first `max`.
    pub total: usize,
    /// How many hits the `translations` summary looked at (the first ones, at most 500).
    pub sampled: usize,
    /// The first `max` hits.
    pub hits: Vec<Hit>,
    /// Per target language, the most frequent renderings of the phrase.
    pub translations: BTreeMap<String, Vec<Rendering>>,
}

/// Where `phrase` occurs in `text`: exact for CJK, case-insensitive otherwise.
fn find_all(text: &str, phrase: &str) -> Vec<(usize, usize)> {
    if phrase.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if phrase.is_ascii() && text.is_ascii() {
        let (t, p) = (text.to_ascii_lowercase(), phrase.to_ascii_lowercase());
        let mut from = 0;
        while let Some(i) = t[from..].find(&p) {
            out.push((from + i, from + i + p.len()));
            from += i + p.len();
        }
        return out;
    }
    let lower_text = text.to_lowercase();
    if lower_text.len() == text.len() {
        let p = phrase.to_lowercase();
        let mut from = 0;
        while let Some(i) = lower_text[from..].find(&p) {
            out.push((from + i, from + i + p.len()));
            from += i + p.len();
        }
    } else {
        let mut from = 0;
        while let Some(i) = text[from..].find(phrase) {
            out.push((from + i, from + i + phrase.len()));
            from += i + phrase.len();
        }
    }
    out
}

/// How many hits the summary of recurring translations reads at most.
const SUMMARY_SAMPLE: usize = 500;

/// Searches the memory.
pub fn concordance(store: &Store, config: &ConcordanceConfig) -> Result<Concordance> {
    let phrase = config.phrase.trim();
    let p = Prepared::new(phrase, None);
    let g = grams(&p);
    let bigrams = &g.keys[..g.keys.len().saturating_sub(1)];
    let lang_ids = store.lang_ids_matching(&config.lang)?;
    // The units that contain the phrase, checked on their texts alone.
    let mut found: Vec<i64> = Vec::new();
    if bigrams.is_empty() {
        // One token: no bigram to look up, so read every unit.
        store.for_each_unit_with_id(|id, unit| {
            if unit
                .variants
                .iter()
                .any(|v| config.lang.matches(&v.lang) && !find_all(&v.text, phrase).is_empty())
            {
                found.push(id);
            }
            Ok(())
        })?;
    } else {
        let mut weighted: Vec<(u64, u32)> = Vec::new();
        for &k in bigrams {
            if !weighted.iter().any(|(x, _)| *x == k) {
                weighted.push((k, 1));
            }
        }
        let need = weighted.len() as u32;
        let mut counts: HashMap<i64, u32> = HashMap::new();
        let mut cache = ListCache::default();
        store.visit_postings(&mut cache, &lang_ids, &weighted, |w, unit, _| {
            *counts.entry(unit).or_default() += w;
        })?;
        let mut ids: Vec<i64> = counts
            .into_iter()
            .filter(|&(_, c)| c >= need)
            .map(|(id, _)| id)
            .collect();
        ids.sort_unstable();
        for id in ids {
            let mut hit = false;
            store.variant_texts(id, &lang_ids, |text, _| {
                hit |= !find_all(text, phrase).is_empty();
            })?;
            if hit {
                found.push(id);
            }
        }
    }
    let total = found.len();
    // Whole units only for the hits listed and the sample the summary looks at.
    found.truncate(config.max.max(SUMMARY_SAMPLE));
    let units = store.load_units(&found)?;
    let mut hits = Vec::new();
    for (_, unit, origin) in units {
        let Some(v) = unit
            .variants
            .iter()
            .find(|v| config.lang.matches(&v.lang) && !find_all(&v.text, phrase).is_empty())
        else {
            continue;
        };
        let mut targets = BTreeMap::new();
        for to in &config.to {
            if let Some(t) = unit
                .variants
                .iter()
                .find(|t| to.matches(&t.lang) && !config.lang.matches(&t.lang))
            {
                targets.insert(t.lang.to_string(), t.text.clone());
            }
        }
        hits.push(Hit {
            source: v.text.clone(),
            source_lang: v.lang.to_string(),
            spans: find_all(&v.text, phrase),
            targets,
            origin,
            changed: unit
                .admin
                .change_date
                .clone()
                .or_else(|| unit.admin.creation_date.clone()),
            tuid: unit.tuid.clone(),
        });
    }
    let translations = summarize(&hits);
    let sampled = hits.len();
    hits.truncate(config.max);
    Ok(Concordance {
        phrase: phrase.to_string(),
        lang: config.lang.to_string(),
        total,
        sampled,
        hits,
        translations,
    })
}

/// Pieces of the targets that recur across hits: character n-grams for CJK text, word n-grams
/// otherwise; those in at least half of the hits (and two), longest first among equals.
fn summarize(hits: &[Hit]) -> BTreeMap<String, Vec<Rendering>> {
    let mut by_lang: BTreeMap<String, HashMap<String, usize>> = BTreeMap::new();
    let mut hits_per_lang: HashMap<String, usize> = HashMap::new();
    for hit in hits {
        for (lang, text) in &hit.targets {
            *hits_per_lang.entry(lang.clone()).or_default() += 1;
            let mut seen: HashSet<String> = HashSet::new();
            let cjk = text.chars().filter(|&c| is_cjk(c)).count() * 2 > text.chars().count();
            if cjk {
                let chars: Vec<char> = text.chars().collect();
                // Joiners that belong inside names: 東京－北京, ・.
                let inside = |c: char| {
                    is_cjk(c) || c.is_alphanumeric() || matches!(c, '－' | '-' | '・' | '·')
                };
                for start in 0..chars.len() {
                    if !is_cjk(chars[start]) && !chars[start].is_alphanumeric() {
                        continue;
                    }
                    for len in 2..=16 {
                        if start + len > chars.len() || !inside(chars[start + len - 1]) {
                            break;
                        }
                        let last = chars[start + len - 1];
                        if is_cjk(last) || last.is_alphanumeric() {
                            seen.insert(chars[start..start + len].iter().collect());
                        }
                    }
                }
            } else {
                let words: Vec<&str> = text
                    .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
                    .filter(|w| !w.is_empty())
                    .collect();
                for start in 0..words.len() {
                    for len in 1..=4 {
                        if start + len > words.len() {
                            break;
                        }
                        seen.insert(words[start..start + len].join(" "));
                    }
                }
            }
            let counts = by_lang.entry(lang.clone()).or_default();
            for piece in seen {
                *counts.entry(piece).or_default() += 1;
            }
        }
    }
    let mut out = BTreeMap::new();
    for (lang, counts) in by_lang {
        let n = hits_per_lang.get(&lang).copied().unwrap_or(0);
        let mut pieces: Vec<(String, usize)> = counts
            .into_iter()
            .filter(|(_, c)| *c >= 2 && *c * 2 >= n)
            .collect();
        pieces.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(b.0.chars().count().cmp(&a.0.chars().count()))
                .then(a.0.cmp(&b.0))
        });
        // Drop pieces contained in a longer piece with the same count.
        let mut kept: Vec<(String, usize)> = Vec::new();
        for (piece, count) in pieces {
            if kept.iter().any(|(k, c)| *c == count && k.contains(&piece)) {
                continue;
            }
            kept.push((piece, count));
            if kept.len() == 3 {
                break;
            }
        }
        out.insert(
            lang,
            kept.into_iter()
                .map(|(text, count)| Rendering { text, count })
                .collect(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phrases() {
        let cases = [
            ("The Forum brought together experts.", "forum", vec![(4, 9)]),
            ("第16届北京－东京论坛", "论坛", vec![(23, 29)]),
            ("東京－北京フォーラム", "京", vec![(3, 6), (12, 15)]),
            ("nothing here", "forum", vec![]),
        ];
        for (text, phrase, want) in cases {
            assert_eq!(find_all(text, phrase), want, "{text} / {phrase}");
        }
    }

    #[test]
    fn summary_keeps_recurring_renderings() {
        let hit = |zh: &str| Hit {
            source: String::new(),
            source_lang: "en".into(),
            spans: vec![],
            targets: [("zh-CN".to_string(), zh.to_string())].into(),
            origin: None,
            changed: None,
            tuid: None,
        };
        let hits = vec![
            hit("第16届北京－东京论坛开幕。"),
            hit("北京－东京论坛是交流平台。"),
            hit("论坛汇聚了专家。"),
        ];
        let s = summarize(&hits);
        assert_eq!(s["zh-CN"][0].text, "论坛");
        assert_eq!(s["zh-CN"][0].count, 3);
    }
}
