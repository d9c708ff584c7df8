//! The keys a segment is indexed under, and the count bound that makes the index lossless.
//!
//! A segment's keys are the hashes of its token bigrams (tokens case-folded, numbers all one
//! symbol, punctuation kept: the distance of two segments in this form is never larger than their
//! scored distance) and one skeleton key (words only, numbers as one symbol), shared by every
//! segment that differs from it only in case, whitespace, punctuation, tags or numbers, which is
//! also how exact matches are found.
//!
//! The q-gram lemma: two sequences within edit distance `k` of which the longer has `L` tokens share
//! at least `L - 1 - 2k` bigrams. With `k` the largest distance that still scores `min`, that bound
//! is at least one for every `L >= 3` when `min >= 67`, so a candidate that shares no key with the
//! query cannot reach the threshold; the skeleton key covers shorter segments.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::score::{NUMBER, Prepared, folded_sym, max_distance, sym};
use crate::text::tokenize::{Token, TokenKind, tokenize};

/// The index keys of one segment and its length in tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grams {
    /// The segment's length in tokens.
    pub len: u32,
    /// Bigram keys, in order (with repeats), then the skeleton key last.
    pub keys: Vec<u64>,
}

const SKELETON_SEED: u64 = 0x736B_656C_6574_6F6E;

fn skeleton_of(skeleton: &[u64]) -> u64 {
    let bytes: Vec<u8> = skeleton.iter().flat_map(|s| s.to_le_bytes()).collect();
    xxh3_64_with_seed(&bytes, SKELETON_SEED)
}

/// The skeleton key of a prepared segment.
pub fn skeleton_key(p: &Prepared) -> u64 {
    skeleton_of(&p.skeleton)
}

fn bigram(a: u64, b: u64) -> u64 {
    a.rotate_left(21) ^ b.wrapping_mul(crate::bits::GOLDEN)
}

/// The keys of a prepared segment.
pub fn grams(p: &Prepared) -> Grams {
    let mut keys = Vec::with_capacity(p.index.len());
    for w in p.index.windows(2) {
        keys.push(bigram(w[0], w[1]));
    }
    keys.push(skeleton_key(p));
    Grams {
        len: p.len() as u32,
        keys,
    }
}

/// The keys of a plain text, without preparing it for scoring (what imports use): equal to
/// `grams(&Prepared::new(text, _))`. `tokens` is a scratch buffer.
pub fn text_grams(text: &str, tokens: &mut Vec<Token>) -> Grams {
    tokenize(text, tokens);
    let mut keys = Vec::with_capacity(tokens.len());
    // The skeleton's symbols as `skeleton_of` hashes them: their bytes, end to end.
    let mut skeleton: Vec<u8> = Vec::with_capacity(8 * tokens.len());
    let mut prev: Option<u64> = None;
    for t in tokens.iter() {
        let s = t.text(text);
        let index = match t.kind {
            TokenKind::Number => NUMBER,
            TokenKind::Word => folded_sym(s),
            TokenKind::Cjk | TokenKind::Punct => sym(s),
        };
        if t.kind != TokenKind::Punct {
            skeleton.extend_from_slice(&index.to_le_bytes());
        }
        if let Some(p) = prev {
            keys.push(bigram(p, index));
        }
        prev = Some(index);
    }
    keys.push(xxh3_64_with_seed(&skeleton, SKELETON_SEED));
    Grams {
        len: tokens.len() as u32,
        keys,
    }
}

/// How many of the query's bigram keys a candidate of `candidate_len` tokens must share to be able to
/// score `min` against a query of `query_len` tokens; `None` when it cannot (its length is out of
/// the window).
pub fn required_shared(min: u8, query_len: usize, candidate_len: usize) -> Option<usize> {
    let longer = query_len.max(candidate_len);
    let k = max_distance(min, longer);
    if query_len.abs_diff(candidate_len) > k {
        return None;
    }
    Some((longer.saturating_sub(1)).saturating_sub(2 * k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::score::{edit_distance, score};

    #[test]
    fn the_bound_is_positive_at_70_from_three_tokens() {
        for len in 3..500 {
            assert!(required_shared(70, len, len).unwrap() >= 1, "{len}");
        }
    }

    #[test]
    fn near_segments_share_at_least_the_bound() {
        let pairs = [
            (
                "China and Japan can further strengthen communication.",
                "China and Japan can strengthen communication further.",
            ),
            (
                "The two-day event set up six parallel online sub-forums.",
                "The three-day event set up five parallel sub-forums.",
            ),
            (
                "中日双方可以进一步加强沟通协调。",
                "中日两国可以进一步加强沟通与协调。",
            ),
        ];
        for (a, b) in pairs {
            let (pa, pb) = (Prepared::new(a, None), Prepared::new(b, None));
            let (ga, gb) = (grams(&pa), grams(&pb));
            let s = score(&pa, &pb).value;
            let d = edit_distance(&pa.index, &pb.index);
            let shared = ga.keys[..ga.keys.len() - 1]
                .iter()
                .filter(|k| gb.keys.contains(k))
                .count();
            let longer = pa.len().max(pb.len());
            assert!(
                shared + 1 + 2 * d >= longer,
                "{a} / {b}: shared {shared}, dist {d}"
            );
            if let Some(req) = required_shared(70, pa.len(), pb.len())
                && s >= 70
            {
                assert!(shared >= req, "{a} / {b}");
            }
        }
    }

    #[test]
    fn text_grams_equal_prepared_grams() {
        let mut t = Vec::new();
        for text in [
            "",
            "Wang Yi met Suga on Nov. 30, 2020.",
            "中日关系 Ｒ 第16届。",
            "“Only,” he said — 46%",
        ] {
            assert_eq!(
                text_grams(text, &mut t),
                grams(&Prepared::new(text, None)),
                "{text}"
            );
        }
    }

    #[test]
    fn skeleton_is_shared_by_the_bands() {
        let a = Prepared::new("Trade rose 5 percent in 2019.", None);
        let b = Prepared::new("trade rose 7 percent in 2020!", None);
        assert_eq!(skeleton_key(&a), skeleton_key(&b));
        let c = Prepared::new("Trade fell 5 percent in 2019.", None);
        assert_ne!(skeleton_key(&a), skeleton_key(&c));
    }
}
