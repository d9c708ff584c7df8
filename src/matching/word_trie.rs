//! The patterns of a term index that begin with a letter or digit, searched from word starts only.
//!
//! A term that begins with a letter or digit can only be found where a word begins (see
//! [`super::terms`]), so instead of running an automaton over every byte of a text, the text is
//! cut into words, each word start whose word is the first word of some pattern (a bit filter
//! rules out nearly all the others) is walked down a trie, and every pattern the walk passes is a
//! candidate. In English, where nearly every term begins with a letter, this reads each byte once
//! with no table larger than the first level of the trie, where an Aho-Corasick automaton of a
//! thousand terms spends a dependent load of a table too large for the cache on every byte.
//!
//! Pure functions over bytes; what a word character is comes from the caller.

/// No node, no pattern.
const NONE: u32 = u32::MAX;

/// Bits of the first-word filter (a power of two).
const FILTER_BITS: usize = 1 << 16;

/// A node of the trie: what a walk reads at each step, in one place.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// The pattern that ends here, or `NONE`.
    pattern: u32,
    /// With one child (most nodes below the first bytes): the child, whose byte is `label`.
    /// With more: where they are in `labels` and `next`.
    edges: u32,
    count: u16,
    label: u8,
}

/// A trie of byte strings, with a filter over their first words.
#[derive(Debug, Clone)]
pub(crate) struct WordTrie {
    /// The root's children by byte.
    root: Box<[u32; 256]>,
    nodes: Vec<Node>,
    /// The bytes of the children of nodes with more than one, and the children: node `n`'s are
    /// at `nodes[n].edges..nodes[n].edges + nodes[n].count`, sorted by byte.
    labels: Vec<u8>,
    next: Vec<u32>,
    /// One bit per hash of a pattern's first word.
    filter: Vec<u64>,
}

/// A hash of a word's bytes, for the first-word filter; blind to ASCII case (bit 0x20 of every
/// byte is set first, which leaves lower-case letters, digits and the bytes of a UTF-8 text's
/// other characters as alike or unlike as they were).
#[inline]
fn word_hash(word: &[u8]) -> usize {
    let mut h = seed(word.len());
    let mut chunks = word.chunks_exact(8);
    for c in &mut chunks {
        let mut x = [0u8; 8];
        x.copy_from_slice(c);
        h = mix(h, u64::from_le_bytes(x));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut x = [0u8; 8];
        x[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(x));
    }
    finish(h)
}

#[inline]
fn seed(len: usize) -> u64 {
    (len as u64).wrapping_mul(crate::bits::GOLDEN)
}

/// Adds eight bytes of a word (zero-padded) to the hash.
#[inline]
fn mix(h: u64, bytes: u64) -> u64 {
    const CASE: u64 = 0x2020_2020_2020_2020;
    (h.rotate_left(5) ^ (bytes | CASE)).wrapping_mul(0x517C_C1B7_2722_0A95)
}

#[inline]
fn finish(h: u64) -> usize {
    (h >> 40) as usize & (FILTER_BITS - 1)
}

impl WordTrie {
    /// A trie of `patterns`: (bytes, length of the first word in bytes, pattern id). Patterns are
    /// not empty and their first words are not empty.
    pub(crate) fn build(patterns: &[(&[u8], usize, u32)]) -> WordTrie {
        // Children while building: one sorted list per node.
        let mut children: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut pattern: Vec<u32> = vec![NONE];
        let mut filter = vec![0u64; FILTER_BITS / 64];
        for &(bytes, first_word, id) in patterns {
            let h = word_hash(&bytes[..first_word]);
            filter[h / 64] |= 1 << (h % 64);
            let mut node = 0usize;
            for &b in bytes {
                node = match children[node].binary_search_by_key(&b, |&(c, _)| c) {
                    Ok(i) => children[node][i].1 as usize,
                    Err(i) => {
                        let new = children.len();
                        children[node].insert(i, (b, new as u32));
                        children.push(Vec::new());
                        pattern.push(NONE);
                        new
                    }
                };
            }
            pattern[node] = id;
        }
        let mut root = Box::new([NONE; 256]);
        for &(b, n) in &children[0] {
            root[b as usize] = n;
        }
        let mut nodes = Vec::with_capacity(children.len());
        let (mut labels, mut next) = (Vec::new(), Vec::new());
        for (c, &p) in children.iter().zip(&pattern) {
            let node = match c.as_slice() {
                [(b, child)] => Node {
                    pattern: p,
                    edges: *child,
                    count: 1,
                    label: *b,
                },
                _ => Node {
                    pattern: p,
                    edges: labels.len() as u32,
                    // At most 256 children, one a byte.
                    count: c.len() as u16,
                    label: 0,
                },
            };
            if c.len() > 1 {
                labels.extend(c.iter().map(|&(b, _)| b));
                next.extend(c.iter().map(|&(_, n)| n));
            }
            nodes.push(node);
        }
        WordTrie {
            root,
            nodes,
            labels,
            next,
            filter,
        }
    }

    /// Whether some pattern's first word may be `word` (false positives are rare, no false
    /// negatives).
    #[inline]
    pub(crate) fn may_start(&self, word: &[u8]) -> bool {
        let h = word_hash(word);
        self.filter[h / 64] & (1 << (h % 64)) != 0
    }

    /// [`WordTrie::may_start`] for the word `text[start..end]`: a word of up to eight bytes with
    /// eight bytes of text from its start is read in one load.
    #[inline]
    pub(crate) fn may_start_at(&self, text: &[u8], start: usize, end: usize) -> bool {
        let len = end - start;
        let Some(chunk) = text
            .get(start..start + 8)
            .filter(|_| (1..=8).contains(&len))
        else {
            return self.may_start(&text[start..end]);
        };
        let mut x = [0u8; 8];
        x.copy_from_slice(chunk);
        // The bytes past the word masked off: what word_hash's zero padding gives.
        let word = u64::from_le_bytes(x) & (u64::MAX >> (64 - 8 * len));
        let h = finish(mix(seed(len), word));
        self.filter[h / 64] & (1 << (h % 64)) != 0
    }

    /// Walks `text`, each byte read as `map` has it, from `start`: calls `found(end, pattern)` for
    /// every pattern that `text` has at `start`, shortest first, until `found` says to stop
    /// (returns false then).
    #[inline]
    pub(crate) fn walk(
        &self,
        text: &[u8],
        map: &[u8; 256],
        start: usize,
        mut found: impl FnMut(usize, u32) -> bool,
    ) -> bool {
        let Some(&b) = text.get(start) else {
            return true;
        };
        let mut node = self.root[map[b as usize] as usize];
        let mut i = start + 1;
        while let Some(n) = self.nodes.get(node as usize) {
            if n.pattern != NONE && !found(i, n.pattern) {
                return false;
            }
            let Some(&b) = text.get(i) else { break };
            let b = map[b as usize];
            node = match n.count {
                1 if n.label == b => n.edges,
                0 | 1 => break,
                count => {
                    let at = n.edges as usize;
                    self.labels
                        .get(at..at + count as usize)
                        .and_then(|labels| labels.binary_search(&b).ok())
                        .map_or(NONE, |k| self.next[at + k])
                }
            };
            i += 1;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found_at(trie: &WordTrie, text: &str, start: usize) -> Vec<(usize, u32)> {
        let mut v = Vec::new();
        let mut same = [0u8; 256];
        for (i, b) in same.iter_mut().enumerate() {
            *b = i as u8;
        }
        trie.walk(text.as_bytes(), &same, start, |e, p| {
            v.push((e, p));
            true
        });
        v
    }

    #[test]
    fn walks_report_every_pattern_on_the_way() {
        let pats: Vec<(&[u8], usize, u32)> = vec![
            (b"asia", 4, 0),
            (b"asia pacific", 4, 1),
            (b"asian", 5, 2),
            (b"b", 1, 3),
        ];
        let trie = WordTrie::build(&pats);
        assert_eq!(found_at(&trie, "asia pacific rim", 0), [(4, 0), (12, 1)]);
        assert_eq!(found_at(&trie, "asian", 0), [(4, 0), (5, 2)]);
        assert_eq!(found_at(&trie, "the asia", 4), [(8, 0)]);
        assert_eq!(found_at(&trie, "as", 0), []);
        assert_eq!(found_at(&trie, "b", 0), [(1, 3)]);
        assert_eq!(found_at(&trie, "b", 1), []);
        // Stopping early.
        let mut n = 0;
        let mut upper = [0u8; 256];
        for (i, b) in upper.iter_mut().enumerate() {
            *b = (i as u8).to_ascii_lowercase();
        }
        assert!(!trie.walk(b"ASIA Pacific", &upper, 0, |_, _| {
            n += 1;
            false
        }));
        assert_eq!(n, 1);
    }

    #[test]
    fn the_filter_knows_every_first_word() {
        let words: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
        let pats: Vec<(&[u8], usize, u32)> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_bytes(), w.len(), i as u32))
            .collect();
        let trie = WordTrie::build(&pats);
        assert!(words.iter().all(|w| trie.may_start(w.as_bytes())));
        assert!(
            words
                .iter()
                .all(|w| trie.may_start(w.to_uppercase().as_bytes()))
        );
        // Read in place, with other text after the word, or too little.
        for w in &words {
            let text = format!("the {w} and more");
            assert!(trie.may_start_at(text.as_bytes(), 4, 4 + w.len()));
            assert!(trie.may_start_at(w.as_bytes(), 0, w.len()));
        }
        let in_place_differs = (0..10_000)
            .filter(|i| {
                let text = format!("the x{i} and more");
                trie.may_start_at(text.as_bytes(), 4, text.len() - 9)
                    != trie.may_start(format!("x{i}").as_bytes())
            })
            .count();
        assert_eq!(in_place_differs, 0);
        let others = (0..10_000)
            .filter(|i| trie.may_start(format!("x{i}").as_bytes()))
            .count();
        assert!(others < 1500, "{others} false positives of 10,000");
    }
}
