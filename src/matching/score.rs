//! The match score, the same everywhere (lookup, the index's bounds, the benchmark's brute force):
//!
//! - 100: the same text and the same inline tags;
//! - 99: differences only in case, whitespace, punctuation or inline tags (listed as penalties);
//! - 98: differences only in numbers (and, possibly, the above);
//! - otherwise `100 * (1 - dist / max(len_a, len_b))` rounded down and at most 97, where `dist` is
//!   the edit distance between the two token sequences (words and numbers case-folded, punctuation
//!   as tokens, CJK one character a token; see `text::tokenize`).
//!
//! Pure functions; no I/O.

use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

use crate::text::tokenize::{Token, TokenKind, tokenize};

/// Why a match is not 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Penalty {
    /// The texts differ in letter case.
    Case,
    /// The texts differ in white space.
    Whitespace,
    /// The texts differ in punctuation.
    Punctuation,
    /// The inline tags differ.
    Tags,
    /// The texts differ in numbers (the match scores 98).
    Numbers,
}

/// A score from 0 to 100 (101 for a context match) with the penalties that kept it below 100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// The score: 0 to 100, 101 for a context match.
    pub value: u8,
    /// Why the score is below 100, in the order of [`Penalty`]; empty for an exact match and for
    /// fuzzy scores.
    pub penalties: Vec<Penalty>,
}

/// The symbol that stands for any number in the skeleton.
pub(crate) const NUMBER: u64 = 0x4E55_4D42_4552_2323;

/// A segment prepared for scoring: its token sequences in the forms the bands compare.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Plain text.
    pub text: String,
    /// The inline tags (markup without the text), empty when there are none.
    pub tags: String,
    /// Every token, case-folded: what the edit distance counts.
    pub folded: Vec<u64>,
    /// Words as written, every number the same symbol (no punctuation).
    exact_skeleton: Vec<u64>,
    /// Punctuation tokens.
    punct: Vec<u64>,
    /// Words case-folded and numbers as written, no punctuation.
    words: Vec<u64>,
    /// Words case-folded, every number the same symbol, no punctuation: equal skeletons score 98 or more.
    pub skeleton: Vec<u64>,
    /// Every token as written, punctuation included.
    exact: Vec<u64>,
    /// What the candidate index sees: every token case-folded, every number the same symbol.
    pub index: Vec<u64>,
}

pub(crate) fn sym(s: &str) -> u64 {
    // One character (every CJK token, every punctuation mark): mix its code point, which is cheaper
    // than hashing its bytes; longer tokens are hashed. Either way equal texts give equal symbols.
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        let x = (c as u64 | 0xC0DE_0000_0000_0000).wrapping_mul(crate::bits::GOLDEN);
        return x ^ (x >> 29);
    }
    xxh3_64(s.as_bytes())
}

pub(crate) fn folded_sym(s: &str) -> u64 {
    if s.bytes().all(|b| !b.is_ascii_uppercase()) && s.is_ascii() {
        return sym(s);
    }
    sym(&s.to_lowercase())
}

/// The tags of a markup string: every `<...>` in order.
fn tags_of(markup: &str) -> String {
    let mut out = String::new();
    let mut rest = markup;
    while let Some(i) = rest.find('<') {
        let Some(j) = rest[i..].find('>') else { break };
        out.push_str(&rest[i..i + j + 1]);
        rest = &rest[i + j + 1..];
    }
    out
}

impl Prepared {
    /// Prepares a segment: its plain text and, when it has inline codes, its markup.
    pub fn new(text: &str, markup: Option<&str>) -> Prepared {
        let mut tokens = Vec::new();
        let mut p = Prepared {
            text: text.to_string(),
            tags: markup.map(tags_of).unwrap_or_default(),
            ..Prepared::default()
        };
        p.fill(&mut tokens);
        p
    }

    fn fill(&mut self, tokens: &mut Vec<Token>) {
        tokenize(&self.text, tokens);
        for t in tokens.iter() {
            let s = t.text(&self.text);
            let exact = sym(s);
            let folded = if t.kind == TokenKind::Word {
                folded_sym(s)
            } else {
                exact
            };
            self.exact.push(exact);
            self.folded.push(folded);
            self.index.push(if t.kind == TokenKind::Number {
                NUMBER
            } else {
                folded
            });
            match t.kind {
                TokenKind::Punct => self.punct.push(exact),
                TokenKind::Number => {
                    self.exact_skeleton.push(NUMBER);
                    self.words.push(exact);
                    self.skeleton.push(NUMBER);
                }
                TokenKind::Word | TokenKind::Cjk => {
                    self.exact_skeleton.push(exact);
                    self.words.push(folded);
                    self.skeleton.push(folded);
                }
            }
        }
    }

    /// The number of tokens (the length the score divides by).
    pub fn len(&self) -> usize {
        self.folded.len()
    }

    /// Whether the segment has no token.
    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }
}

/// Scores `candidate` against `query` (symmetric).
///
/// ```
/// use tmkit::matching::score::{score, Prepared, Penalty};
/// let q = Prepared::new("China and Japan can further strengthen communication.", None);
/// let c = Prepared::new("China and Japan can further strengthen cooperation.", None);
/// assert_eq!(score(&q, &c).value, 87);
/// let c = Prepared::new("china and japan can further strengthen communication", None);
/// let s = score(&q, &c);
/// assert_eq!((s.value, s.penalties), (99, vec![Penalty::Case, Penalty::Punctuation]));
/// ```
pub fn score(query: &Prepared, candidate: &Prepared) -> Score {
    let (q, c) = (query, candidate);
    let tags_differ = q.tags != c.tags;
    if q.text == c.text && !tags_differ {
        return Score {
            value: 100,
            penalties: Vec::new(),
        };
    }
    if q.skeleton == c.skeleton {
        let mut penalties = Vec::new();
        if q.exact_skeleton != c.exact_skeleton {
            penalties.push(Penalty::Case);
        }
        if q.words != c.words {
            penalties.push(Penalty::Numbers);
        }
        if q.punct != c.punct {
            penalties.push(Penalty::Punctuation);
        }
        if q.exact == c.exact && q.text != c.text {
            penalties.push(Penalty::Whitespace);
        }
        if tags_differ {
            penalties.push(Penalty::Tags);
        }
        penalties.sort();
        let value = if penalties.contains(&Penalty::Numbers) {
            98
        } else {
            99
        };
        return Score { value, penalties };
    }
    let len = q.len().max(c.len());
    let dist = edit_distance(&q.folded, &c.folded);
    Score {
        value: fuzzy_value(dist, len),
        penalties: Vec::new(),
    }
}

/// Reusable buffers for [`score_text`].
#[derive(Default)]
pub struct Scratch {
    tokens: Vec<Token>,
    folded: Vec<u64>,
    skeleton: Vec<u64>,
}

/// The same as `score(query, &Prepared::new(text, markup))`, without preparing the candidate in full
/// unless it falls in the 98-100 bands: what a lookup runs on every candidate.
pub fn score_text(
    query: &Prepared,
    text: &str,
    markup: Option<&str>,
    scratch: &mut Scratch,
) -> Score {
    tokenize(text, &mut scratch.tokens);
    scratch.folded.clear();
    scratch.skeleton.clear();
    for t in &scratch.tokens {
        let s = t.text(text);
        let folded = if t.kind == TokenKind::Word {
            folded_sym(s)
        } else {
            sym(s)
        };
        scratch.folded.push(folded);
        match t.kind {
            TokenKind::Punct => {}
            TokenKind::Number => scratch.skeleton.push(NUMBER),
            TokenKind::Word | TokenKind::Cjk => scratch.skeleton.push(folded),
        }
    }
    if scratch.skeleton == query.skeleton {
        return score(query, &Prepared::new(text, markup));
    }
    let len = query.len().max(scratch.folded.len());
    Score {
        value: fuzzy_value(edit_distance(&query.folded, &scratch.folded), len),
        penalties: Vec::new(),
    }
}

/// A hash of a skeleton (see [`Prepared::skeleton`]) in 32 bits: segments whose hashes differ
/// have different skeletons, so they score below the 98-100 bands.
pub fn skeleton_hash(skeleton: &[u64]) -> u32 {
    let h = skeleton.iter().fold(skeleton.len() as u64, |h, &s| {
        (h.rotate_left(23) ^ s).wrapping_mul(crate::bits::GOLDEN)
    });
    (h >> 32) as u32
}

/// A token symbol cut to 32 bits (see [`ShortQuery::bound`]).
pub fn short_sym(s: u64) -> u32 {
    s as u32
}

impl Scratch {
    /// The folded tokens of the text [`score_text`] scored last: what its edit distance counted.
    pub fn folded(&self) -> &[u64] {
        &self.folded
    }

    /// The [`skeleton_hash`] of the text [`score_text`] scored last.
    pub fn skeleton_hash(&self) -> u32 {
        skeleton_hash(&self.skeleton)
    }
}

/// A query known by its folded tokens cut to 32 bits ([`short_sym`]) and its [`skeleton_hash`],
/// prepared for many [`ShortQuery::bound`]s: its tokens are the pattern of Myers' algorithm,
/// whose bit masks are built once here instead of once per candidate (the distance is the same
/// whichever side is the pattern).
pub struct ShortQuery {
    tokens: Vec<u32>,
    skeleton: u32,
    /// Per distinct token, the positions where it stands (queries of up to 64 tokens).
    peq: Vec<(u32, u64)>,
}

impl ShortQuery {
    /// The query's folded tokens cut to 32 bits ([`short_sym`]) and its [`skeleton_hash`].
    pub fn new(tokens: Vec<u32>, skeleton: u32) -> ShortQuery {
        let mut peq: Vec<(u32, u64)> = Vec::new();
        if tokens.len() <= 64 {
            for (i, &s) in tokens.iter().enumerate() {
                match peq.iter_mut().find(|(k, _)| *k == s) {
                    Some((_, mask)) => *mask |= 1 << i,
                    None => peq.push((s, 1 << i)),
                }
            }
        }
        ShortQuery {
            tokens,
            skeleton,
            peq,
        }
    }

    /// An upper bound of [`score_text`]'s value for a candidate known the same way as the query:
    /// tokens that are equal stay equal when cut, so the distance can only shrink and the value
    /// only grow. `None` when the skeleton hashes are equal: the candidate may then score 98 or
    /// more.
    ///
    /// A lookup scores a candidate in full (from its text) only when this bound reaches the
    /// threshold; most candidates of a short query of common words are ruled out here.
    pub fn bound(&self, skeleton: u32, folded: &[u32]) -> Option<u8> {
        if skeleton == self.skeleton {
            return None;
        }
        let len = self.tokens.len().max(folded.len());
        let dist = if self.tokens.is_empty() || self.tokens.len() > 64 {
            edit_distance(&self.tokens, folded)
        } else {
            myers_with(&self.peq, self.tokens.len(), folded)
        };
        Some(fuzzy_value(dist, len))
    }
}

/// `100 * (1 - dist / len)` rounded down, at most 97 (98 and up are reserved for the bands above).
pub fn fuzzy_value(dist: usize, len: usize) -> u8 {
    if len == 0 {
        return 100;
    }
    let v = 100 * (len - dist.min(len)) / len;
    v.min(97) as u8
}

/// The largest edit distance that can still score at least `min` between segments of which the
/// longer has `len` tokens.
pub fn max_distance(min: u8, len: usize) -> usize {
    // 100 * (len - d) / len >= min  <=>  d <= len * (100 - min) / 100
    len * (100 - usize::from(min.min(100))) / 100
}

/// Edit distance between two symbol sequences: Myers' bit-parallel algorithm when the shorter has
/// at most 64 symbols, otherwise the classic dynamic programme.
pub fn edit_distance<T: Copy + Eq>(a: &[T], b: &[T]) -> usize {
    let (p, t) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if p.is_empty() {
        return t.len();
    }
    if p.len() <= 64 {
        myers(p, t)
    } else {
        dynamic(p, t)
    }
}

fn myers<T: Copy + Eq>(p: &[T], t: &[T]) -> usize {
    let m = p.len();
    let mut peq: Vec<(T, u64)> = Vec::with_capacity(m);
    for (i, &s) in p.iter().enumerate() {
        match peq.iter_mut().find(|(k, _)| *k == s) {
            Some((_, mask)) => *mask |= 1 << i,
            None => peq.push((s, 1 << i)),
        }
    }
    myers_with(&peq, m, t)
}

/// Myers' algorithm with the pattern (`m` symbols, 1 to 64) given by its masks: per distinct
/// symbol, the positions where it stands.
fn myers_with<T: Copy + Eq>(peq: &[(T, u64)], m: usize, t: &[T]) -> usize {
    let mut pv: u64 = if m == 64 { !0 } else { (1 << m) - 1 };
    let mut mv: u64 = 0;
    let last = 1u64 << (m - 1);
    let mut score = m;
    for &c in t {
        let eq = peq
            .iter()
            .find(|(k, _)| *k == c)
            .map_or(0, |(_, mask)| *mask);
        let xv = eq | mv;
        let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
        let mut ph = mv | !(xh | pv);
        let mut mh = pv & xh;
        if ph & last != 0 {
            score += 1;
        } else if mh & last != 0 {
            score -= 1;
        }
        ph = (ph << 1) | 1;
        mh <<= 1;
        pv = mh | !(xv | ph);
        mv = ph & xv;
    }
    score
}

fn dynamic<T: Copy + Eq>(a: &[T], b: &[T]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(x != y);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: &str, b: &str) -> (u8, Vec<Penalty>) {
        let r = score(&Prepared::new(a, None), &Prepared::new(b, None));
        (r.value, r.penalties)
    }

    #[test]
    fn bands_and_penalties() {
        use Penalty::*;
        let cases: &[(&str, &str, u8, &[Penalty])] = &[
            ("Wang Yi met Suga.", "Wang Yi met Suga.", 100, &[]),
            ("", "", 100, &[]),
            ("Wang Yi met Suga.", "wang yi met suga.", 99, &[Case]),
            ("Wang Yi met Suga.", "Wang Yi  met Suga.", 99, &[Whitespace]),
            ("Wang Yi met Suga.", "Wang Yi met Suga!", 99, &[Punctuation]),
            ("Wang Yi met Suga.", "Wang Yi met Suga", 99, &[Punctuation]),
            (
                "The 16th forum opened on Nov. 30.",
                "The 15th forum opened on Nov. 29.",
                98,
                &[Numbers],
            ),
            (
                "The forum opened on Monday.",
                "The forum closed on Monday.",
                83,
                &[],
            ),
            (
                "Trade rose 5 percent in 2019.",
                "Trade rose 7 percent in 2020.",
                98,
                &[Numbers],
            ),
            (
                "Trade rose 5 percent in 2019.",
                "trade rose 7 percent in 2020!",
                98,
                &[Case, Punctuation, Numbers],
            ),
            ("中日关系稳定发展。", "中日关系稳定发展。", 100, &[]),
            ("中日关系稳定发展。", "中日关系稳定发展", 99, &[Punctuation]),
            ("中日关系稳定发展。", "中日关系平稳发展。", 77, &[]),
            ("a b c d e f g h i j", "a b c d e f g h i x", 90, &[]),
            ("one", "two", 0, &[]),
            ("", "word", 0, &[]),
        ];
        for (a, b, value, penalties) in cases {
            assert_eq!(s(a, b), (*value, penalties.to_vec()), "{a:?} vs {b:?}");
            assert_eq!(s(b, a).0, *value, "symmetric: {b:?} vs {a:?}");
        }
    }

    #[test]
    fn tags_only_difference_is_99() {
        let a = Prepared::new(
            "Text in bold.",
            Some("Text in <bpt i=\"1\">&lt;b&gt;</bpt>bold<ept i=\"1\">&lt;/b&gt;</ept>."),
        );
        let b = Prepared::new("Text in bold.", None);
        let r = score(&a, &b);
        assert_eq!((r.value, r.penalties), (99, vec![Penalty::Tags]));
    }

    #[test]
    fn word_differences_never_reach_the_bands() {
        let long: Vec<String> = (0..200).map(|i| format!("w{i}")).collect();
        let a = long.join(" ");
        let b = a.replacen("w100", "changed", 1);
        assert_eq!(s(&a, &b).0, 97);
    }

    #[test]
    fn myers_agrees_with_the_dynamic_programme() {
        let mut seed = 0x1234_5678_9ABC_DEF1u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2000 {
            let la = (next() % 70) as usize;
            let lb = (next() % 70) as usize;
            let a: Vec<u64> = (0..la).map(|_| next() % 5).collect();
            let b: Vec<u64> = (0..lb).map(|_| next() % 5).collect();
            let (p, t) = if a.len() <= b.len() {
                (&a, &b)
            } else {
                (&b, &a)
            };
            let want = dynamic(p, t);
            assert_eq!(edit_distance(&a, &b), want, "{a:?} {b:?}");
            assert_eq!(edit_distance(&b, &a), want);
        }
    }

    #[test]
    fn the_bound_is_score_text_without_the_text() {
        let query = "China and Japan can further strengthen communication.";
        let q = Prepared::new(query, None);
        let qs = skeleton_hash(&q.skeleton);
        let q32: Vec<u32> = q.folded.iter().map(|&s| short_sym(s)).collect();
        let mut scratch = Scratch::default();
        for text in [
            query,
            "china and japan can further strengthen communication",
            "China and Japan can further strengthen cooperation.",
            "China and Japan can strengthen communication further.",
            "The 16th forum opened on Nov. 30.",
            "中日双方可以进一步加强沟通协调。",
            "",
        ] {
            let want = score_text(&q, text, None, &mut scratch);
            let folded: Vec<u32> = scratch.folded().iter().map(|&s| short_sym(s)).collect();
            match ShortQuery::new(q32.clone(), qs).bound(scratch.skeleton_hash(), &folded) {
                // Without two words cut to the same 32 bits, the bound is the value.
                Some(v) => assert_eq!(
                    (v, want.penalties.is_empty()),
                    (want.value, true),
                    "{text:?}"
                ),
                None => assert!(want.value >= 98, "{text:?}"),
            }
        }
        assert_ne!(skeleton_hash(&[]), skeleton_hash(&[0]));
        assert_ne!(skeleton_hash(&[1, 2]), skeleton_hash(&[2, 1]));
        // Symbols that collide once cut only bring the bound up.
        assert_eq!(
            ShortQuery::new(vec![1, 2, 3], 0).bound(1, &[1, 2, 3]),
            Some(97)
        );
        // A prepared query bounds as the distance does, whichever is longer, up to 64 tokens and
        // past them.
        let mut next = crate::bits::test_numbers(0x2545_F491_4F6C_DD1D);
        for _ in 0..400 {
            let a: Vec<u32> = (0..next(90)).map(|_| next(6) as u32).collect();
            let b: Vec<u32> = (0..next(90)).map(|_| next(6) as u32).collect();
            let len = a.len().max(b.len());
            let want = Some(fuzzy_value(dynamic(&a, &b), len));
            assert_eq!(
                ShortQuery::new(a.clone(), 1).bound(2, &b),
                want,
                "{a:?} {b:?}"
            );
            assert_eq!(ShortQuery::new(a.clone(), 1).bound(1, &b), None);
        }
        assert_eq!(edit_distance(&[1u64 << 32 | 7, 2], &[7u64, 2]), 1);
    }

    #[test]
    fn max_distance_is_the_threshold() {
        for len in 1..200 {
            for min in [50u8, 70, 75, 85, 95] {
                let d = max_distance(min, len);
                assert!(fuzzy_value(d, len) >= min.min(97) || d == 0);
                if d < len {
                    assert!(100 * (len - d - 1) / len < usize::from(min));
                }
            }
        }
    }
}
