//! The termbase: a glossary compiled for one source language, which finds terms in source texts
//! and checks translations against them (a source term whose approved translation is missing, a
//! forbidden term used).
//!
//! Pure matching over [`TermEntry`]s, built on the recognizer of [`super::terms`]; `ops::glossary`
//! reads the entries from the memory and glossary files.

use crate::matching::terms::{TermHit, TermIndex};
use crate::model::{Finding, FindingKind, Lang, Severity, Term, TermEntry, TermStatus};

/// A termbase compiled for one source language and its target languages: finds terms in source
/// texts and checks translations against them.
pub struct Termbase {
    /// The concepts, in the order given; [`TermHit::entry`] is a place in this list.
    pub entries: Vec<TermEntry>,
    from: Lang,
    source: TermIndex,
    /// Per target language seen (built on first use): the index of every term, and the index of
    /// the terms a forbidden-term check needs (the concepts with a forbidden term, and approved
    /// terms containing one), which is all a target must be scanned for when its source has no
    /// term.
    /// Shared by the threads of a check (each index is built once, by the first that needs it).
    targets: std::sync::Mutex<Vec<(Lang, std::sync::Arc<TargetIndex>)>>,
}

/// The last source text checked against a [`Termbase`] and its term hits: the targets of a unit
/// share its source, so its terms are found once. Each thread of a check keeps its own.
#[derive(Debug, Default)]
pub struct SourceTerms {
    text: String,
    hits: Vec<TermHit>,
}

impl Termbase {
    /// Compiles `entries` for texts in `from`.
    pub fn new(entries: Vec<TermEntry>, from: &Lang) -> Termbase {
        let source = TermIndex::build(&entries, &index_lang(from));
        Termbase {
            entries,
            from: from.clone(),
            source,
            targets: Default::default(),
        }
    }

    /// Whether there is no term to look for.
    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    fn target_index(&self, lang: &Lang) -> std::sync::Arc<TargetIndex> {
        // A thread that panicked while building an index left no half-built one in the list.
        let mut t = self
            .targets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, idx)) = t.iter().find(|(l, _)| l == lang) {
            return idx.clone();
        }
        let want = index_lang(lang);
        let all = std::sync::OnceLock::new();
        // Entries keep their places (hits refer to them by index); those the forbidden-term check
        // does not need are left without terms.
        let forbidden: Vec<&str> = self
            .entries
            .iter()
            .flat_map(|e| &e.terms)
            .filter(|t| t.status == TermStatus::Forbidden && want.matches(&t.lang))
            .map(|t| t.text.as_str())
            .collect();
        let suspects: Vec<TermEntry> = self
            .entries
            .iter()
            .map(|e| {
                let needed = e.terms.iter().any(|t| {
                    want.matches(&t.lang)
                        && (t.status == TermStatus::Forbidden
                            || forbidden.iter().any(|f| t.text.contains(f)))
                });
                if needed {
                    e.clone()
                } else {
                    TermEntry::default()
                }
            })
            .collect();
        let suspects = TermIndex::build(&suspects, &want);
        let cjk = matches!(lang.primary(), "zh" | "ja" | "ko");
        // Per entry, its approved terms in `lang`, preferred ones first.
        let approved: Vec<Box<[usize]>> = (0..self.entries.len())
            .map(|e| {
                let mut v: Vec<usize> = self
                    .terms_of(e, lang)
                    .filter(|(_, t)| t.status != TermStatus::Forbidden)
                    .map(|(i, _)| i)
                    .collect();
                v.sort_by_key(|&i| self.entries[e].terms[i].status);
                v.into_boxed_slice()
            })
            .collect();
        let plain_cjk = approved
            .iter()
            .enumerate()
            .map(|(e, terms)| {
                let plain = terms.iter().all(|&i| {
                    let t = &self.entries[e].terms[i].text;
                    t.chars().all(is_cjk) && !has_width_forms(t)
                });
                plain.then(|| {
                    terms
                        .iter()
                        .map(|&i| {
                            memchr::memmem::Finder::new(self.entries[e].terms[i].text.as_bytes())
                                .into_owned()
                        })
                        .collect()
                })
            })
            .collect();
        let idx = std::sync::Arc::new(TargetIndex {
            all,
            suspects,
            cjk,
            approved,
            plain_cjk,
        });
        t.push((lang.clone(), idx.clone()));
        idx
    }

    /// The terms of a source text, longest first and left to right, without overlaps; one hit per
    /// concept and place (the term written exactly so, else the preferred one).
    pub fn find(&self, text: &str) -> Vec<TermHit> {
        let mut hits = self.source.find(text);
        self.one_per_concept(text, &mut hits);
        hits
    }

    /// Keeps one hit per (place, concept): a concept's terms that differ only in hyphens, spaces
    /// or width all match the same text.
    fn one_per_concept(&self, text: &str, hits: &mut Vec<TermHit>) {
        let rank = |h: &TermHit| {
            let t = &self.entries[h.entry].terms[h.term];
            (t.text != text[h.start..h.end], t.status)
        };
        hits.sort_by(|a, b| {
            (a.start, a.end, a.entry)
                .cmp(&(b.start, b.end, b.entry))
                .then_with(|| rank(a).cmp(&rank(b)))
        });
        hits.dedup_by(|b, a| (a.start, a.end, a.entry) == (b.start, b.end, b.entry));
    }

    /// The term hits of a source text, from `last` when it holds them.
    fn source_hits<'c>(&self, text: &str, last: &'c mut SourceTerms) -> &'c [TermHit] {
        if last.text != text {
            last.text.clear();
            last.text.push_str(text);
            self.source.find_into(text, &mut last.hits);
            let mut hits = std::mem::take(&mut last.hits);
            self.one_per_concept(text, &mut hits);
            last.hits = hits;
        }
        &last.hits
    }

    /// The terms of entry `e` in a language that `lang` matches, with their places in the entry.
    fn terms_of<'s, 'l>(
        &'s self,
        e: usize,
        lang: &'l Lang,
    ) -> impl Iterator<Item = (usize, &'s Term)> + 'l
    where
        's: 'l,
    {
        self.entries[e]
            .terms
            .iter()
            .enumerate()
            .filter(move |(_, t)| lang.matches(&t.lang) || t.lang.matches(lang))
    }

    /// The approved translations of entry `e` in `lang`: preferred ones first, then admitted.
    pub fn approved<'s>(&'s self, e: usize, lang: &Lang) -> Vec<&'s str> {
        self.target_index(lang).approved[e]
            .iter()
            .map(|&i| self.entries[e].terms[i].text.as_str())
            .collect()
    }

    /// The forbidden translations of entry `e` in `lang`.
    pub fn forbidden<'s>(&'s self, e: usize, lang: &Lang) -> Vec<&'s str> {
        self.terms_of(e, lang)
            .filter(|(_, t)| t.status == TermStatus::Forbidden)
            .map(|(_, t)| t.text.as_str())
            .collect()
    }

    /// Checks a translation against the termbase: a source term whose approved translation is
    /// missing (`term`), a forbidden term used (`forbidden-term`).
    pub fn check(&self, source: &str, target: &str, lang: &Lang, out: &mut Vec<Finding>) {
        self.check_with(&mut SourceTerms::default(), source, target, lang, out);
    }

    /// [`Termbase::check`], finding the source's terms once for all its targets: `last` keeps
    /// them from one call to the next.
    pub fn check_with(
        &self,
        last: &mut SourceTerms,
        source: &str,
        target: &str,
        lang: &Lang,
        out: &mut Vec<Finding>,
    ) {
        if self.source.is_empty() || lang.matches(&self.from) {
            return;
        }
        let hits = self.source_hits(source, last);
        let index = self.target_index(lang);
        if hits.is_empty() && index.suspects.is_empty() {
            return;
        }
        let mut in_target: Vec<TermHit> = Vec::new();
        index.suspects.find_all_into(target, &mut in_target);
        // A forbidden term is reported where the target has it as written (forms that differ
        // from an approved term only in width or hyphens match both), and not inside a longer
        // approved term.
        let approved_at = |h: &TermHit| {
            in_target.iter().any(|o| {
                let t = &self.entries[o.entry].terms[o.term];
                t.status != TermStatus::Forbidden
                    && o.start <= h.start
                    && h.end <= o.end
                    && (o.end - o.start > h.end - h.start || t.text == target[o.start..o.end])
            })
        };
        let mut forbidden_entries: Vec<usize> = Vec::new();
        let mut reported: Vec<(usize, usize)> = Vec::new();
        for h in &in_target {
            let term = &self.entries[h.entry].terms[h.term];
            if term.status != TermStatus::Forbidden || reported.contains(&(h.start, h.end)) {
                continue;
            }
            let found = &target[h.start..h.end];
            let written_so = term.text == found
                || term.variants.iter().any(|v| v == found)
                || !self
                    .terms_of(h.entry, lang)
                    .any(|(_, t)| t.status != TermStatus::Forbidden && t.text == found);
            if !written_so || approved_at(h) {
                continue;
            }
            reported.push((h.start, h.end));
            forbidden_entries.push(h.entry);
            let expected = self.approved(h.entry, lang);
            out.push(Finding {
                kind: FindingKind::ForbiddenTerm,
                severity: Severity::Error,
                message: if expected.is_empty() {
                    format!("“{found}” must not be used")
                } else {
                    format!("“{found}” must not be used: write {}", quote_all(&expected))
                },
                target_span: Some((h.start, h.end)),
                source_span: None,
                expected: (!expected.is_empty()).then(|| expected.join(" / ")),
                found: Some(found.to_string()),
            });
        }
        let mut all_hits: Option<Vec<TermHit>> = None;
        let mut target_width_forms: Option<bool> = None;
        for (i, h) in hits.iter().enumerate() {
            // One finding per concept: an earlier hit of the concept was checked (or skipped).
            if hits[..i].iter().any(|o| o.entry == h.entry) || forbidden_entries.contains(&h.entry)
            {
                continue;
            }
            let approved = &index.approved[h.entry];
            if approved.is_empty() {
                continue;
            }
            let terms = &self.entries[h.entry].terms;
            let present = if index.cjk
                && let Some(finders) = &index.plain_cjk[h.entry]
                && !*target_width_forms.get_or_insert_with(|| has_width_forms(target))
            {
                // Chinese and Japanese terms are substrings, and neither text has a form that
                // width normalization would change: a plain search is the recognizer's answer.
                finders.iter().any(|f| f.find(target.as_bytes()).is_some())
            } else {
                if all_hits.is_none() {
                    let mut v = Vec::new();
                    index
                        .all
                        .get_or_init(|| TermIndex::build(&self.entries, &index_lang(lang)))
                        .find_all_into(target, &mut v);
                    all_hits = Some(v);
                }
                all_hits.as_ref().is_some_and(|v| {
                    v.iter().any(|t| {
                        t.entry == h.entry
                            && self.entries[t.entry].terms[t.term].status != TermStatus::Forbidden
                            && !reported.contains(&(t.start, t.end))
                    })
                })
            };
            if present {
                continue;
            }
            let expected: Vec<&str> = approved.iter().map(|&i| terms[i].text.as_str()).collect();
            let found = &source[h.start..h.end];
            out.push(Finding {
                kind: FindingKind::Term,
                severity: Severity::Error,
                message: format!(
                    "“{found}” is not translated with the glossary's {}",
                    quote_all(&expected)
                ),
                target_span: None,
                source_span: Some((h.start, h.end)),
                expected: Some(expected.join(" / ")),
                found: None,
            });
        }
    }
}

/// The term indexes of one target language (see [`Termbase`]).
struct TargetIndex {
    /// Built when first needed: a memory whose terms are all plain Chinese or Japanese never needs
    /// it.
    all: std::sync::OnceLock<TermIndex>,
    suspects: TermIndex,
    /// Chinese, Japanese or Korean: terms match as substrings.
    cjk: bool,
    /// Per entry, its approved terms in this language (indexes into its terms), preferred ones
    /// first: what [`Termbase::approved`] gives.
    approved: Vec<Box<[usize]>>,
    /// Per entry whose approved terms are all Chinese or Japanese characters without width forms
    /// (then a plain substring search finds them): a searcher for each of them.
    plain_cjk: Vec<Option<Box<[memchr::memmem::Finder<'static>]>>>,
}

/// Whether a text has characters that width (NFKC) normalization changes: full-width and
/// half-width forms, compatibility ideographs.
fn has_width_forms(s: &str) -> bool {
    // In UTF-8 these are led by EF (U+F900..U+FFFF) or F0 (U+10000..U+3FFFF): most texts have
    // neither byte.
    memchr::memchr2(0xEF, 0xF0, s.as_bytes()).is_some()
        && s.chars()
            .any(|c| matches!(c as u32, 0xFF00..=0xFFEF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F))
}

/// Han ideographs and kana (no letters, digits, spaces or punctuation that the recognizer folds).
fn is_cjk(c: char) -> bool {
    crate::text::tokenize::is_cjk(c)
}

/// The language a term index is built for: terms of `lang`'s whole language (`en` terms serve
/// `en-US` text and the other way round), except for Chinese, whose two scripts never mix.
pub fn index_lang(lang: &Lang) -> Lang {
    if lang.chinese_script().is_some() || lang.is_bare() {
        return lang.clone();
    }
    Lang::parse(lang.primary()).unwrap_or_else(|_| lang.clone())
}

fn quote_all(terms: &[&str]) -> String {
    terms
        .iter()
        .map(|t| format!("“{t}”"))
        .collect::<Vec<_>>()
        .join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(t: &str) -> Lang {
        Lang::parse(t).unwrap()
    }

    fn term(l: &str, text: &str, status: TermStatus) -> Term {
        Term {
            status,
            ..Term::new(lang(l), text)
        }
    }

    /// A concept from (language, term, status) triples.
    fn concept(terms: &[(&str, &str, TermStatus)]) -> TermEntry {
        TermEntry {
            terms: terms.iter().map(|(l, t, s)| term(l, t, *s)).collect(),
            ..TermEntry::default()
        }
    }

    use TermStatus::{Admitted, Forbidden, Preferred};

    fn termbase() -> Termbase {
        Termbase::new(
            vec![
                concept(&[
                    ("en", "digital economy", Preferred),
                    ("zh-CN", "数字经济", Preferred),
                    ("ja-JP", "デジタル経済", Preferred),
                    ("ja-JP", "電子経済", Forbidden),
                ]),
                concept(&[
                    ("en", "Beijing-Tokyo Forum", Preferred),
                    ("zh-CN", "北京－东京论坛", Preferred),
                    ("ja-JP", "東京－北京フォーラム", Preferred),
                    ("ja-JP", "北京－東京フォーラム", Admitted),
                ]),
                concept(&[("en", "economy", Preferred), ("zh-CN", "经济", Preferred)]),
                // A concept without an English term is left out of the source index.
                concept(&[("zh-CN", "论坛", Preferred)]),
            ],
            &lang("en"),
        )
    }

    fn check(tb: &Termbase, source: &str, target: &str, l: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        tb.check(source, target, &lang(l), &mut out);
        out
    }

    #[test]
    fn finds_the_longest_term_once_per_place() {
        let tb = termbase();
        let text = "The digital economy and the economy of the Beijing–Tokyo forum.";
        let hits = tb.find(text);
        let found: Vec<&str> = hits.iter().map(|h| &text[h.start..h.end]).collect();
        // "digital economy" wins over the "economy" inside it; case and dash folded.
        assert_eq!(found, ["digital economy", "economy", "Beijing–Tokyo forum"]);
        assert_eq!(hits[0].entry, 0);
        assert_eq!(hits[1].entry, 2);
    }

    #[test]
    fn translations_come_preferred_first_and_forbidden_apart() {
        let tb = termbase();
        assert_eq!(
            tb.approved(1, &lang("ja-JP")),
            ["東京－北京フォーラム", "北京－東京フォーラム"]
        );
        assert_eq!(tb.forbidden(0, &lang("ja-JP")), ["電子経済"]);
        assert!(tb.forbidden(0, &lang("zh-CN")).is_empty());
        // A regional tag uses the language's terms.
        assert_eq!(tb.approved(0, &lang("ja")), ["デジタル経済"]);
    }

    #[test]
    fn a_missing_approved_translation_is_reported_at_the_source_term() {
        let tb = termbase();
        let source = "The digital economy grew.";
        assert!(check(&tb, source, "数字经济增长了。", "zh-CN").is_empty());
        let f = check(&tb, source, "网络经济增长了。", "zh-CN");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].kind, FindingKind::Term);
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(f[0].source_span, Some((4, 19)));
        assert_eq!(f[0].expected.as_deref(), Some("数字经济"));
        // An admitted term is as good as the preferred one.
        let forum = "The Beijing-Tokyo Forum opened.";
        assert!(check(&tb, forum, "北京－東京フォーラムが開幕した。", "ja-JP").is_empty());
        // Full-width forms in the target are folded before the search.
        assert!(check(&tb, source, "ＤＸ：数字经济增长了。", "zh-CN").is_empty());
    }

    #[test]
    fn a_forbidden_term_is_reported_where_the_target_has_it() {
        let tb = termbase();
        let target = "電子経済が成長した。";
        let f = check(&tb, "The digital economy grew.", target, "ja-JP");
        let kinds: Vec<FindingKind> = f.iter().map(|f| f.kind).collect();
        // The forbidden term, and the concept's approved term missing: one finding each.
        assert_eq!(kinds, [FindingKind::ForbiddenTerm], "{f:?}");
        let (a, b) = f[0].target_span.unwrap();
        assert_eq!(&target[a..b], "電子経済");
        assert_eq!(f[0].expected.as_deref(), Some("デジタル経済"));
        // Also when the source has no term at all.
        let f = check(&tb, "It grew.", "電子経済が成長した。", "ja-JP");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, FindingKind::ForbiddenTerm);
    }

    #[test]
    fn the_source_language_and_empty_termbases_are_not_checked() {
        let tb = termbase();
        assert!(check(&tb, "The digital economy.", "The economy.", "en").is_empty());
        let empty = Termbase::new(Vec::new(), &lang("en"));
        assert!(empty.is_empty());
        assert!(check(&empty, "The digital economy.", "经济。", "zh-CN").is_empty());
    }

    #[test]
    fn the_source_terms_kept_between_calls_follow_the_source() {
        let tb = termbase();
        let mut last = SourceTerms::default();
        let mut run = |source: &str, target: &str| {
            let mut out = Vec::new();
            tb.check_with(&mut last, source, target, &lang("zh-CN"), &mut out);
            out.len()
        };
        assert_eq!(run("The digital economy grew.", "增长了。"), 1);
        // Another source with the same target: its own terms, not the last one's.
        assert_eq!(run("It grew.", "增长了。"), 0);
        assert_eq!(run("The economy grew.", "增长了。"), 1);
        assert_eq!(run("The economy grew.", "经济增长了。"), 0);
    }

    #[test]
    fn threads_share_one_termbase() {
        let tb = termbase();
        let counts: Vec<usize> = std::thread::scope(|s| {
            let handles: Vec<_> = ["zh-CN", "ja-JP", "zh-CN", "ja-JP"]
                .into_iter()
                .map(|l| {
                    let tb = &tb;
                    s.spawn(move || check(tb, "The digital economy grew.", "增长了。", l).len())
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(counts, [1, 1, 1, 1]);
    }
}
