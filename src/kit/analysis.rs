//! The analysis of a prepared article, as translators and agencies quote it: segments, words and
//! characters per match band, weighted words from a rate grid.

use std::fmt;

use serde::Serialize;

use crate::error::{ErrorKind, Result};
use crate::model::Lang;

/// A match band. The order is the order of the analysis table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Band {
    /// A 100% match whose neighbours in the memory are the segment's neighbours (101).
    #[serde(rename = "context")]
    Context,
    /// A 100% match.
    #[serde(rename = "exact")]
    Exact,
    /// A 100% or 101% match whose translation fails a check (an error: a target copied from the
    /// source, a number changed, a forbidden term...): it is written as needing review.
    #[serde(rename = "exact-review")]
    ExactReview,
    /// A later occurrence of a segment that came earlier in the article.
    #[serde(rename = "repetition")]
    Repetition,
    /// A fuzzy match scoring 95 to 99.
    #[serde(rename = "95-99")]
    Fuzzy95,
    /// A fuzzy match scoring 85 to 94.
    #[serde(rename = "85-94")]
    Fuzzy85,
    /// A fuzzy match scoring 75 to 84.
    #[serde(rename = "75-84")]
    Fuzzy75,
    /// A fuzzy match scoring 50 to 74.
    #[serde(rename = "50-74")]
    Fuzzy50,
    /// Nothing at 50% or more.
    #[serde(rename = "no-match")]
    NoMatch,
}

impl Band {
    /// Every band, in table order.
    pub const ALL: [Band; 9] = [
        Band::Context,
        Band::Exact,
        Band::ExactReview,
        Band::Repetition,
        Band::Fuzzy95,
        Band::Fuzzy85,
        Band::Fuzzy75,
        Band::Fuzzy50,
        Band::NoMatch,
    ];

    /// The band of a match score (0-101); `None` means no match.
    pub fn of_score(score: Option<u8>) -> Band {
        match score {
            Some(101..) => Band::Context,
            Some(100) => Band::Exact,
            Some(95..=99) => Band::Fuzzy95,
            Some(85..=94) => Band::Fuzzy85,
            Some(75..=84) => Band::Fuzzy75,
            Some(50..=74) => Band::Fuzzy50,
            _ => Band::NoMatch,
        }
    }

    /// The name used in JSON and in `--rates`: `context`, `exact`, `repetition`, `95-99`, ...
    pub fn name(self) -> &'static str {
        match self {
            Band::Context => "context",
            Band::Exact => "exact",
            Band::ExactReview => "exact-review",
            Band::Repetition => "repetition",
            Band::Fuzzy95 => "95-99",
            Band::Fuzzy85 => "85-94",
            Band::Fuzzy75 => "75-84",
            Band::Fuzzy50 => "50-74",
            Band::NoMatch => "no-match",
        }
    }

    /// The label of the analysis table: `Context match (101%)`, `100%`, `Repetitions`, ...
    pub fn label(self) -> &'static str {
        match self {
            Band::Context => "Context match (101%)",
            Band::Exact => "100%",
            Band::ExactReview => "100% (needs review)",
            Band::Repetition => "Repetitions",
            Band::Fuzzy95 => "95-99%",
            Band::Fuzzy85 => "85-94%",
            Band::Fuzzy75 => "75-84%",
            Band::Fuzzy50 => "50-74%",
            Band::NoMatch => "No match",
        }
    }

    fn parse(s: &str) -> Option<Band> {
        let s = s.trim().to_ascii_lowercase();
        let s = s.trim_end_matches('%');
        Band::ALL.into_iter().find(|b| {
            b.name() == s
                || match b {
                    Band::Context => s == "101" || s == "cm",
                    Band::Exact => s == "100",
                    Band::ExactReview => s == "review" || s == "needs-review" || s == "100-review",
                    Band::Repetition => s == "rep" || s == "repetitions" || s == "reps",
                    Band::Fuzzy95 => s == "95",
                    Band::Fuzzy85 => s == "85",
                    Band::Fuzzy75 => s == "75",
                    Band::Fuzzy50 => s == "50",
                    Band::NoMatch => s == "new" || s == "nomatch" || s == "no",
                }
        })
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What share of the full word rate each band is charged, 0.0-1.0 (a rate grid).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rates {
    /// In the order of [`Band::ALL`].
    pub weights: [f64; 9],
}

impl Default for Rates {
    /// A common agency grid: context 0%, exact 10%, repetitions 10%, 95-99 30%, 85-94 60%,
    /// 75-84 60%, 50-74 and no match 100%; an exact match that needs review is charged as a
    /// 95-99 fuzzy match (30%): the translator has to correct it, not only read it.
    fn default() -> Rates {
        Rates {
            weights: [0.0, 0.10, 0.30, 0.10, 0.30, 0.60, 0.60, 1.0, 1.0],
        }
    }
}

impl Rates {
    /// The weight of a band.
    pub fn weight(&self, band: Band) -> f64 {
        self.weights[band as usize]
    }

    /// Reads a grid such as `context=0,exact=0.1,exact-review=0.3,repetition=0.1,95-99=0.3,85-94=0.6,75-84=0.6,50-74=1,no-match=1`.
    /// Bands left out keep the default; a weight may be a fraction (`0.3`) or a percentage (`30%`).
    ///
    /// ```
    /// use tmkit::kit::{Band, Rates};
    /// let r = Rates::parse("100=25%, rep=0.2").unwrap();
    /// assert_eq!(r.weight(Band::Exact), 0.25);
    /// assert_eq!(r.weight(Band::Repetition), 0.2);
    /// assert_eq!(r.weight(Band::NoMatch), 1.0);
    /// assert!(Rates::parse("97=0.5").is_err());
    /// ```
    pub fn parse(spec: &str) -> Result<Rates> {
        let mut rates = Rates::default();
        let bad = |reason: String| -> crate::Error {
            ErrorKind::Invalid {
                what: "rate grid",
                value: spec.to_string(),
                reason,
            }
            .into()
        };
        for item in spec
            .split([',', ';', '\n'])
            .filter(|s| !s.trim().is_empty())
        {
            let (band, weight) = item
                .split_once('=')
                .or_else(|| item.split_once(':'))
                .ok_or_else(|| bad(format!("{:?} is not BAND=WEIGHT", item.trim())))?;
            let b = Band::parse(band).ok_or_else(|| {
                bad(format!(
                    "unknown band {:?}: use context, exact, exact-review, repetition, 95-99, \
                     85-94, 75-84, 50-74 or no-match",
                    band.trim()
                ))
            })?;
            let w = weight.trim();
            let value = match w.strip_suffix('%') {
                Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
                None => w.parse::<f64>(),
            }
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0 && *v <= 10.0)
            .ok_or_else(|| {
                bad(format!(
                    "weight {w:?} is not a number from 0 to 1 (or 0% to 100%)"
                ))
            })?;
            rates.weights[b as usize] = value;
        }
        Ok(rates)
    }
}

/// One row of the analysis: a band's counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BandCount {
    /// The band's name ([`Band::name`]), or `total` for the total row.
    pub band: String,
    /// Segments counted in the band.
    pub segments: u64,
    /// Their words (see [`super::count_words`]).
    pub words: u64,
    /// Their characters, white space left out.
    pub characters: u64,
    /// The band's weight in the rate grid.
    pub weight: f64,
    /// `words * weight`, rounded to two decimals.
    pub weighted_words: f64,
}

/// The analysis for one target language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LangAnalysis {
    /// The target language.
    pub lang: Lang,
    /// One row per band, in [`Band::ALL`] order (bands with nothing in them included).
    pub bands: Vec<BandCount>,
    /// The sum of every band.
    pub total: BandCount,
}

/// The analysis of an article: one table per target language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The article's language (`--from`).
    pub source: String,
    /// The article's format: `text`, `html`, `markdown` or `docx`.
    pub format: String,
    /// What the project manager should know about the document (tracked changes...).
    pub warnings: Vec<String>,
    /// The rate grid the weighted words were computed with.
    pub rates: Rates,
    /// One analysis per target language, in `--to` order.
    pub languages: Vec<LangAnalysis>,
}

/// Counts one segment into a language's analysis.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    rows: [(u64, u64, u64); 9],
}

impl Tally {
    pub(crate) fn add(&mut self, band: Band, words: u64, chars: u64) {
        let r = &mut self.rows[band as usize];
        r.0 += 1;
        r.1 += words;
        r.2 += chars;
    }

    pub(crate) fn finish(&self, lang: &Lang, rates: &Rates) -> LangAnalysis {
        let round = |v: f64| (v * 100.0).round() / 100.0;
        let mut total = BandCount {
            band: "total".to_string(),
            ..BandCount::default()
        };
        let mut weighted = 0.0;
        let bands = Band::ALL
            .iter()
            .map(|&b| {
                let (segments, words, characters) = self.rows[b as usize];
                let weight = rates.weight(b);
                total.segments += segments;
                total.words += words;
                total.characters += characters;
                weighted += words as f64 * weight;
                BandCount {
                    band: b.name().to_string(),
                    segments,
                    words,
                    characters,
                    weight,
                    weighted_words: round(words as f64 * weight),
                }
            })
            .collect();
        total.weighted_words = round(weighted);
        total.weight = if total.words == 0 {
            0.0
        } else {
            round(weighted / total.words as f64)
        };
        LangAnalysis {
            lang: lang.clone(),
            bands,
            total,
        }
    }
}

impl Analysis {
    /// The analysis as an aligned plain-text table per language (what `analysis.txt` holds and
    /// `prepare` prints).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for w in &self.warnings {
            out.push_str(&format!("Warning: {w}\n"));
        }
        if !self.warnings.is_empty() {
            out.push('\n');
        }
        for (i, l) in self.languages.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("Analysis: {} -> {}\n", self.source, l.lang));
            out.push_str(&format!(
                "{:<22}{:>9}{:>9}{:>12}{:>8}{:>12}\n",
                "Band", "Segments", "Words", "Characters", "Rate", "Weighted"
            ));
            for row in l.bands.iter().chain(std::iter::once(&l.total)) {
                let label = Band::ALL
                    .iter()
                    .find(|b| b.name() == row.band)
                    .map(|b| b.label())
                    .unwrap_or("Total");
                out.push_str(&format!(
                    "{:<22}{:>9}{:>9}{:>12}{:>7.0}%{:>12.2}\n",
                    label,
                    row.segments,
                    row.words,
                    row.characters,
                    row.weight * 100.0,
                    row.weighted_words
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_fall_into_the_quoted_bands() {
        let table = [
            (Some(101), Band::Context),
            (Some(100), Band::Exact),
            (Some(99), Band::Fuzzy95),
            (Some(95), Band::Fuzzy95),
            (Some(94), Band::Fuzzy85),
            (Some(85), Band::Fuzzy85),
            (Some(84), Band::Fuzzy75),
            (Some(75), Band::Fuzzy75),
            (Some(74), Band::Fuzzy50),
            (Some(50), Band::Fuzzy50),
            (Some(49), Band::NoMatch),
            (None, Band::NoMatch),
        ];
        for (score, band) in table {
            assert_eq!(Band::of_score(score), band, "{score:?}");
        }
    }

    #[test]
    fn weighted_words_follow_the_grid() {
        let mut t = Tally::default();
        t.add(Band::Exact, 10, 50);
        t.add(Band::NoMatch, 20, 100);
        t.add(Band::Repetition, 10, 50);
        let a = t.finish(&Lang::parse("zh-CN").unwrap(), &Rates::default());
        assert_eq!(a.total.words, 40);
        assert_eq!(a.total.segments, 3);
        // 10 * 0.1 + 20 * 1 + 10 * 0.1
        assert_eq!(a.total.weighted_words, 22.0);
        assert_eq!(a.bands[Band::Exact as usize].weighted_words, 1.0);
    }

    #[test]
    fn rate_grids_are_read_or_refused_with_a_reason() {
        let r = Rates::parse("context=0, exact=20%, no-match=1").unwrap();
        assert_eq!(r.weight(Band::Exact), 0.2);
        assert_eq!(r.weight(Band::ExactReview), 0.3, "the default for review");
        for spec in ["exact-review=0.5", "review=50%", "needs-review=0.5"] {
            assert_eq!(
                Rates::parse(spec).unwrap().weight(Band::ExactReview),
                0.5,
                "{spec}"
            );
        }
        for bad in ["exact", "exact=lots", "exact=-1", "96=0.2"] {
            let e = Rates::parse(bad).unwrap_err().to_string();
            assert!(e.contains("rate grid"), "{bad}: {e}");
        }
    }
}
