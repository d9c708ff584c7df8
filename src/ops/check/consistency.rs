//! The consistency check: the same source translated two ways, and the same translation given
//! to two different sources. Pairs are hashed in a first reading and grouped; a second reading
//! keeps a few texts of each inconsistent group to quote.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::{CheckConfig, CheckInput, Pair, Reported, for_each_pair};
use crate::error::Result;
use crate::matching::groups::{Grouped, differing_groups};
use crate::matching::score::{Prepared, score};
use crate::model::{FindingKind, Lang, Severity};
use crate::store::Store;

/// Folds what does not make two texts different for consistency (runs of white space, leading
/// and trailing white space, the ideographic space) and hashes the result. Texts without such
/// white space, nearly all, are hashed as they are after a few vectorized searches.
fn consistency_key(s: &str) -> u64 {
    let s = s.trim();
    let b = s.as_bytes();
    static DOUBLE_SPACE: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    static IDEOGRAPHIC_SPACE: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("\u{3000}".as_bytes()));
    let plain = memchr::memchr3(b'\t', b'\n', b'\r', b).is_none()
        && memchr::memchr3(0xC2, 0xE1, 0xE2, b).is_none()
        && memchr::memchr2(0x0b, 0x0c, b).is_none()
        && DOUBLE_SPACE.find(b).is_none()
        && IDEOGRAPHIC_SPACE.find(b).is_none();
    if plain {
        return xxhash_rust::xxh3::xxh3_64(b);
    }
    let mut folded = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !folded.is_empty() {
            folded.push(' ');
        }
        space = false;
        folded.push(c);
    }
    xxhash_rust::xxh3::xxh3_64(folded.as_bytes())
}

/// What the first reading keeps of a pair with a translation (`None` for one without): its
/// language (numbered by the caller) and the hashes of its texts (its place is its place in the
/// list).
/// `last_source` keeps the hash of the last unit's source: a unit's targets share it.
pub(super) fn seen_pair(
    p: &Pair<'_>,
    lang: u32,
    last_source: &mut (Option<i64>, u64),
) -> Option<Seen> {
    if p.target.trim().is_empty() {
        return None;
    }
    let source = if last_source.0 == Some(p.unit) {
        last_source.1
    } else {
        let k = consistency_key(p.source);
        *last_source = (Some(p.unit), k);
        k
    };
    Some(Seen {
        lang,
        source,
        target: consistency_key(p.target),
    })
}

/// A pair seen in the first pass: enough to find inconsistencies without keeping the texts.
#[derive(Clone, Copy)]
pub(super) struct Seen {
    lang: u32,
    source: u64,
    target: u64,
}

/// Sources scoring at least this against each other are the same sentence for the check that
/// one translation serves two sources.
const NEAR_SAME_SOURCE: u8 = 85;

/// A text kept to quote in an inconsistency message: (unit, consistency key, text).
type Quoted = (i64, u64, String);

/// How many distinct texts of an inconsistent group are kept to quote and compare.
const KEPT: usize = 16;

/// How many other renderings an inconsistency message quotes.
const QUOTED: usize = 3;

/// What the consistency check knows after its readings: each pair's hashes and whether it is in
/// an inconsistent group, and a few texts of each such group to quote.
pub(super) struct Consistency {
    seen: Vec<Seen>,
    /// (same source translated differently, same translation of different sources), by pair.
    flagged: Vec<(bool, bool)>,
    texts_by_source: HashMap<(u32, u64), Vec<Quoted>>,
    texts_by_target: HashMap<(u32, u64), Vec<Quoted>>,
}

impl Consistency {
    /// Reads the input for the hashes of its pairs, then, when some groups are inconsistent,
    /// again for the texts to quote. `None` when nothing is inconsistent.
    pub(super) fn read(
        store: Option<&Store>,
        input: &CheckInput,
        config: &CheckConfig,
    ) -> Result<Option<Consistency>> {
        let mut seen: Vec<Seen> = Vec::new();
        let mut langs: Vec<Lang> = Vec::new();
        let mut last_source = (None, 0);
        for_each_pair(store, input, config, &mut |p| {
            let lang = match langs.iter().position(|l| l == p.lang) {
                Some(i) => i,
                None => {
                    langs.push(p.lang.clone());
                    langs.len() - 1
                }
            } as u32;
            seen.extend(seen_pair(p, lang, &mut last_source));
            Ok(())
        })?;
        Consistency::complete(seen, store, input, config)
    }

    /// Groups the pairs of the first reading (`seen`, in reading order) and, when some groups are
    /// inconsistent, reads the input again for the texts to quote. `None` when nothing is
    /// inconsistent.
    pub(super) fn complete(
        seen: Vec<Seen>,
        store: Option<&Store>,
        input: &CheckInput,
        config: &CheckConfig,
    ) -> Result<Option<Consistency>> {
        let flagged = inconsistent_groups(&seen);
        if !flagged.iter().any(|(a, b)| *a || *b) {
            return Ok(None);
        }
        // Second reading: a few texts of each inconsistent group.
        let mut texts_by_source: HashMap<(u32, u64), Vec<Quoted>> = HashMap::new();
        let mut texts_by_target: HashMap<(u32, u64), Vec<Quoted>> = HashMap::new();
        let mut i = 0usize;
        for_each_pair(store, input, config, &mut |p| {
            if p.target.trim().is_empty() {
                return Ok(());
            }
            let Some(s) = seen.get(i) else {
                return Ok(());
            };
            let (a, b) = flagged[i];
            // Each group keeps a few distinct texts to quote, not all of them: a translation
            // used for thousands of sources must not make the check quadratic.
            if a {
                let list = texts_by_source.entry((s.lang, s.source)).or_default();
                if list.len() < KEPT && !list.iter().any(|(_, k, _)| *k == s.target) {
                    list.push((p.unit, s.target, p.target.to_string()));
                }
            }
            if b {
                let list = texts_by_target.entry((s.lang, s.target)).or_default();
                if list.len() < KEPT && !list.iter().any(|(_, k, _)| *k == s.source) {
                    list.push((p.unit, s.source, p.source.to_string()));
                }
            }
            i += 1;
            Ok(())
        })?;
        Ok(Some(Consistency {
            seen,
            flagged,
            texts_by_source,
            texts_by_target,
        }))
    }

    /// The inconsistency findings of the `i`th pair with a translation.
    pub(super) fn findings(&self, i: usize, p: &Pair<'_>) -> Vec<Reported> {
        let (Some(s), Some(&(a, b))) = (self.seen.get(i), self.flagged.get(i)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let finding = |message: String| Reported {
            tuid: p.tuid.map(str::to_string),
            unit: p.unit,
            lang: p.lang.to_string(),
            kind: FindingKind::Inconsistent,
            severity: Severity::Warning,
            message,
            source: p.source.to_string(),
            target: p.target.to_string(),
            term: None,
            expected: None,
            found: None,
            source_span: None,
            target_span: None,
        };
        if a && let Some(texts) = self.texts_by_source.get(&(s.lang, s.source)) {
            let others: Vec<String> = texts
                .iter()
                .filter(|(_, k, _)| *k != s.target)
                .take(QUOTED)
                .map(|(u, _, t)| format!("“{t}” (unit {u})"))
                .collect();
            out.push(finding(format!(
                "the same source is translated differently elsewhere: {}",
                others.join(", ")
            )));
        }
        if b && let Some(texts) = self.texts_by_target.get(&(s.lang, s.target)) {
            // Sources that are nearly the same sentence (a typo fixed, a tense changed) rightly
            // share a translation: only materially different sources are reported.
            let mine = Prepared::new(p.source, None);
            let others: Vec<String> = texts
                .iter()
                .filter(|(_, k, _)| *k != s.source)
                .filter(|(_, _, t)| score(&mine, &Prepared::new(t, None)).value < NEAR_SAME_SOURCE)
                .take(QUOTED)
                .map(|(u, _, t)| format!("“{t}” (unit {u})"))
                .collect();
            if !others.is_empty() {
                out.push(finding(format!(
                    "the same translation is given to a different source: {}",
                    others.join(", ")
                )));
            }
        }
        out
    }
}

/// Whether each pair is in a group of pairs with the same source (and language) but different
/// translations, and in a group with the same translation but different sources.
fn inconsistent_groups(seen: &[Seen]) -> Vec<(bool, bool)> {
    let by_source = differing_groups(seen.len(), |i| Grouped {
        group: (seen[i].lang, seen[i].source),
        member: seen[i].target,
    });
    let by_target = differing_groups(seen.len(), |i| Grouped {
        group: (seen[i].lang, seen[i].target),
        member: seen[i].source,
    });
    by_source.into_iter().zip(by_target).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistency_folds_white_space_only() {
        let same = [
            ("Hello world.", " Hello  world. "),
            ("中日关系。", "中日关系。\u{3000}"),
            ("A b", "A\u{a0}b"),
            ("中日 关系", "中日\u{3000}关系"),
            ("x y", "x\t\ny"),
        ];
        for (a, b) in same {
            assert_eq!(consistency_key(a), consistency_key(b), "{a:?} {b:?}");
        }
        let different = [
            ("中日关系。", "日中关系。"),
            ("Hello world.", "hello world."),
            ("ab", "a b"),
        ];
        for (a, b) in different {
            assert_ne!(consistency_key(a), consistency_key(b), "{a:?} {b:?}");
        }
    }
}
