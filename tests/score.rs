//! Properties of the match score: 0 to 100, symmetric, 100 for a segment against itself, and equal
//! to the formula for segments that differ in words.

use proptest::prelude::*;
use tmkit::matching::score::{Prepared, Scratch, edit_distance, score, score_text};

const WORDS: &[&str] = &[
    "the", "The", "forum", "Forum", "2020", "16", ",", ".", "!", "中", "日", "論", "の", "Wang",
    "Yi",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec((0..WORDS.len(), prop::bool::ANY), 0..14).prop_map(|ws| {
        ws.iter()
            .map(|&(i, double)| format!("{}{}", WORDS[i], if double { "  " } else { " " }))
            .collect::<String>()
    })
}

proptest! {
    #[test]
    fn score_is_bounded_symmetric_and_reflexive(a in text(), b in text()) {
        let (pa, pb) = (Prepared::new(&a, None), Prepared::new(&b, None));
        let ab = score(&pa, &pb);
        let ba = score(&pb, &pa);
        prop_assert!(ab.value <= 100);
        prop_assert_eq!(ab.value, ba.value);
        prop_assert_eq!(score(&pa, &pa).value, 100);
        prop_assert_eq!(ab.value == 100, a == b);
        prop_assert_eq!(&score_text(&pa, &b, None, &mut Scratch::default()), &ab);
        if ab.value <= 97 {
            let len = pa.len().max(pb.len());
            let dist = edit_distance(&pa.folded, &pb.folded);
            prop_assert_eq!(u64::from(ab.value), (100 * (len - dist) / len).min(97) as u64);
        }
    }
}
