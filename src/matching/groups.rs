//! Grouping by sort, for the consistency check: which items share a group with an item that
//! differs from them (the same source translated two ways, one translation given to two sources).

use crate::bits::{GOLDEN, RepeatFilter};

/// An item of [`differing_groups`]: its group (a language number and a text hash) and its member
/// (the other text's hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grouped {
    /// The group: a language number and the hash of the text the group shares.
    pub group: (u32, u64),
    /// The member: the hash of the other text.
    pub member: u64,
}

/// For each of the `n` items `item(0)..item(n - 1)`, whether another item of its group has another
/// member. Groups are found by sorting, not by a hash table: a [`RepeatFilter`] first sets aside
/// the items whose group no other item has (most of them, in a real memory), and only the rest are
/// copied and sorted. The answer is exact; the filter only saves work. Items are asked for, not
/// given, so that a caller's list is not copied whole.
pub fn differing_groups(n: usize, item: impl Fn(usize) -> Grouped) -> Vec<bool> {
    let mut out = vec![false; n];
    let number = |g: &Grouped| g.group.1 ^ (u64::from(g.group.0) + 1).wrapping_mul(GOLDEN);
    let mut filter = RepeatFilter::new(n);
    for i in 0..n {
        filter.insert(number(&item(i)));
    }
    let mut repeated: Vec<(Grouped, u32)> = (0..n)
        .map(|i| (item(i), i as u32))
        .filter(|(g, _)| filter.maybe_repeated(number(g)))
        .collect();
    drop(filter);
    // A group's items come together, in no particular order inside it.
    repeated.sort_unstable_by_key(|(g, _)| g.group);
    for run in repeated.chunk_by(|a, b| a.0.group == b.0.group) {
        let first = run[0].0.member;
        if run.iter().any(|(g, _)| g.member != first) {
            for &(_, i) in run {
                out[i as usize] = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answer by comparing every pair of items.
    fn oracle(items: &[Grouped]) -> Vec<bool> {
        items
            .iter()
            .map(|a| {
                items
                    .iter()
                    .any(|b| b.group == a.group && b.member != a.member)
            })
            .collect()
    }

    #[test]
    fn groups_with_two_members_are_flagged_whole_and_the_rest_not() {
        let g = |lang, group, member| Grouped {
            group: (lang, group),
            member,
        };
        let items = [
            g(0, 1, 10),
            g(0, 1, 10),
            g(0, 1, 11),
            g(1, 1, 12), // another language: its own group
            g(0, 2, 20),
            g(0, 2, 20),
            g(0, 3, 30),
        ];
        assert_eq!(
            differing_groups(items.len(), |i| items[i]),
            [true, true, true, false, false, false, false]
        );
        assert!(differing_groups(0, |i| items[i]).is_empty());
    }

    #[test]
    fn agrees_with_comparing_every_pair() {
        let mut next = crate::matching::test_numbers(7);
        for size in [1, 2, 10, 100, 2000] {
            for spread in [2, 10, 1000] {
                let items: Vec<Grouped> = (0..size)
                    .map(|_| Grouped {
                        group: (next(2) as u32, next(spread) as u64),
                        member: next(3) as u64,
                    })
                    .collect();
                assert_eq!(
                    differing_groups(items.len(), |i| items[i]),
                    oracle(&items),
                    "{size} {spread}"
                );
            }
        }
    }
}
