//! Byte- and bit-level mechanisms the fast paths share, kept apart from the rules that use them
//! so that those read as rules: word-at-a-time byte tests, the chunk scan built on them, a set of
//! 65,536 bits (byte pairs or Basic Multilingual Plane characters) for one-test membership, and
//! the multiplier of Fibonacci hashing.
//!
//! At the bottom of the crate beside `model`: it depends on nothing. Each mechanism has an
//! oracle test below against the plain loop it replaces.

/// 2^64 divided by the golden ratio, odd: multiplying by it spreads the bits of a key over the
/// whole word (Knuth's multiplicative hashing), so the high bits of the product make a good slot.
pub const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// `0x01` in each byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
/// `0x80` in each byte of a word.
const HIGHS: u64 = ONES * 0x80;

/// Whether some byte of `w` is below `n` (`n` at most 0x80).
#[inline]
pub fn has_below(w: u64, n: u8) -> bool {
    w.wrapping_sub(ONES * n as u64) & !w & HIGHS != 0
}

/// Whether some byte of `w` is `b`.
#[inline]
pub fn has_byte(w: u64, b: u8) -> bool {
    let x = w ^ (ONES * b as u64);
    x.wrapping_sub(ONES) & !x & HIGHS != 0
}

/// `0x80` in each byte of `w` that is `b`, and 0 in the others (exact, unlike the borrow trick
/// of [`has_byte`], which may also flag a byte above a match).
#[inline]
pub fn byte_mask(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * b as u64);
    !(((x & !HIGHS) + !HIGHS) | x) & HIGHS
}

/// `0x80` in each byte of `w` below `n` (`n` at most 0x80), and 0 in the others: exact, where
/// [`has_below`] only says whether there is one.
#[inline]
pub fn below_mask(w: u64, n: u8) -> u64 {
    // A byte with bit 7 clear, bit 7 set and `n` taken away, keeps bit 7 exactly when it is at
    // least `n`, and borrows from no other byte.
    !((w | HIGHS).wrapping_sub(ONES * n as u64)) & !w & HIGHS
}

/// How many bytes of `w` are UTF-8 continuation bytes (`0b10xx_xxxx`).
#[inline]
pub fn continuation_bytes(w: u64) -> u32 {
    // Bit 7 of each byte set and bit 6 (moved up to bit 7) clear.
    count_highs(w & !(w << 1) & HIGHS)
}

/// How many bytes of `m` are `0x80`, its other bytes being 0 (a mask from [`byte_mask`]): a
/// multiplication sums the bytes, where `count_ones` is a long sequence on x86-64 processors
/// without `popcnt`, which the default target does not assume.
#[inline]
pub fn count_highs(m: u64) -> u32 {
    ((m >> 7).wrapping_mul(ONES) >> 56) as u32
}

/// Moves a 1-based line and column (columns in characters) past `text`, UTF-8 that may end in
/// the middle of a character (continuation bytes are not counted): the last line feed is found
/// from the end (`memrchr`), the line feeds before it are counted eight bytes at a time, and only
/// the characters after it make the column, eight bytes at a time too. The parser's positions
/// are counted with it; `error::advance_line_column` is the same count for the error paths (a
/// test holds this equal to a loop over the bytes).
pub fn advance_line_column(line: &mut u64, column: &mut u64, text: &[u8]) {
    let rest = match memchr::memrchr(b'\n', text) {
        Some(last) => {
            *line += line_feeds(&text[..last]) + 1;
            *column = 1;
            &text[last + 1..]
        }
        None => text,
    };
    let mut words = rest.chunks_exact(8);
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("chunks of eight bytes"));
        *column += 8 - u64::from(continuation_bytes(w));
    }
    advance_bytewise(line, column, words.remainder());
}

/// How many line feeds `text` holds.
fn line_feeds(text: &[u8]) -> u64 {
    let mut words = text.chunks_exact(8);
    let mut n = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("chunks of eight bytes"));
        n += u64::from(count_highs(byte_mask(w, b'\n')));
    }
    n + words.remainder().iter().filter(|&&b| b == b'\n').count() as u64
}

fn advance_bytewise(line: &mut u64, column: &mut u64, text: &[u8]) {
    for &b in text {
        if b == b'\n' {
            *line += 1;
            *column = 1;
        } else if (b as i8) >= -0x40 {
            *column += 1;
        }
    }
}

/// Calls `f` with the offsets of `bytes` in the eight-byte chunks for which `flag` holds, and the
/// offset just before each such chunk (a character may start there and go on into the chunk),
/// in order and once each, until `f` returns false. A last chunk shorter than eight bytes is
/// always given. Lets a scan for rare bytes pass over the rest of a text eight bytes at a time.
pub fn scan_chunks(bytes: &[u8], flag: impl Fn(u64) -> bool, mut f: impl FnMut(usize) -> bool) {
    let mut next = 0;
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + 8).min(bytes.len());
        let wanted =
            <[u8; 8]>::try_from(&bytes[start..end]).map_or(true, |c| flag(u64::from_le_bytes(c)));
        if wanted {
            for at in next.max(start.saturating_sub(1))..end {
                if !f(at) {
                    return;
                }
            }
            next = end;
        }
        start = end;
    }
}

/// Calls `f` with the offset of every byte of `bytes` that is in `set`, in order. The bytes are
/// looked up 64 at a time into a mask without a branch, and only the hits are visited: a scan
/// for bytes that are rare but too many for `memchr` (the last bytes of SRX break candidates)
/// costs about a load per byte instead of a mispredicted branch per hit and a test per byte.
#[inline]
pub fn table_hits(bytes: &[u8], set: &[bool; 256], mut f: impl FnMut(usize)) {
    let mut base = 0;
    for block in bytes.chunks(64) {
        let mut mask = 0u64;
        for (k, &b) in block.iter().enumerate() {
            mask |= (set[b as usize] as u64) << k;
        }
        while mask != 0 {
            f(base + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
        base += block.len();
    }
}

/// A set of the numbers below 65,536, one bit each (8 KiB), built at compile time: a pair of bytes
/// `x << 8 | y`, or a character of the Basic Multilingual Plane. Membership is one load and one
/// test, where a `match` on the same set would be a chain of comparisons.
pub struct Bits16([u64; 1024]);

impl Bits16 {
    /// The empty set.
    pub const EMPTY: Bits16 = Bits16([0; 1024]);

    /// The set with `i` added (`i` below 65,536).
    pub const fn with(mut self, i: usize) -> Bits16 {
        self.0[i >> 6] |= 1 << (i & 63);
        self
    }

    /// The set with `first..=last` added.
    pub const fn with_range(mut self, first: usize, last: usize) -> Bits16 {
        let mut i = first;
        while i <= last {
            self = self.with(i);
            i += 1;
        }
        self
    }

    /// Whether `i` is in the set (false from 65,536 up).
    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        i < 0x10000 && self.0[i >> 6] & (1 << (i & 63)) != 0
    }

    /// The pair of bytes at `at` (the second is 0 at the end of `bytes`) as a member of a set of
    /// pairs.
    #[inline]
    pub fn pair(bytes: &[u8], at: usize) -> usize {
        (bytes[at] as usize) << 8 | bytes.get(at + 1).copied().unwrap_or(0) as usize
    }
}

/// Which numbers occur more than once among those inserted, nearly: two bit sets (seen once, seen
/// again) at 16 bits per expected item. A number inserted twice is always reported repeated; one
/// inserted once is reported repeated only when it shares its bit with another (about one in
/// sixteen when as many numbers as expected go in). Lets a grouping pass over the numbers that
/// nothing else has, most of them, without sorting or hashing them into a table.
pub struct RepeatFilter {
    once: Vec<u64>,
    twice: Vec<u64>,
    mask: usize,
}

impl RepeatFilter {
    /// A filter sized for `items` numbers.
    pub fn new(items: usize) -> RepeatFilter {
        let bits = (items.saturating_mul(16)).next_power_of_two().max(64);
        RepeatFilter {
            once: vec![0; bits / 64],
            twice: vec![0; bits / 64],
            mask: bits - 1,
        }
    }

    fn slot(&self, k: u64) -> usize {
        (k.wrapping_mul(GOLDEN) >> 17) as usize & self.mask
    }

    /// Counts `k` in.
    pub fn insert(&mut self, k: u64) {
        let b = self.slot(k);
        let bit = 1 << (b % 64);
        if self.once[b / 64] & bit != 0 {
            self.twice[b / 64] |= bit;
        } else {
            self.once[b / 64] |= bit;
        }
    }

    /// Whether `k` may have been inserted more than once (it surely was not when false).
    pub fn maybe_repeated(&self, k: u64) -> bool {
        let b = self.slot(k);
        self.twice[b / 64] & (1 << (b % 64)) != 0
    }

    /// Empties the filter, keeping its size.
    pub fn clear(&mut self) {
        self.once.fill(0);
        self.twice.fill(0);
    }
}

/// For tests: a small deterministic generator (xorshift64) of numbers below `n`.
#[cfg(test)]
pub(crate) fn test_numbers(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words to test the byte tricks on: every byte value in every position, and random words.
    fn words() -> Vec<u64> {
        let mut out = Vec::new();
        for b in 0..=255u64 {
            for pos in 0..8 {
                out.push(0x4141_4141_4141_4141 & !(0xFF << (pos * 8)) | b << (pos * 8));
                out.push(0xE3E3_E3E3_E3E3_E3E3 & !(0xFF << (pos * 8)) | b << (pos * 8));
            }
        }
        let mut x = GOLDEN;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.push(x);
        }
        out
    }

    #[test]
    fn byte_tests_agree_with_a_loop_over_the_bytes() {
        for w in words() {
            let bytes = w.to_le_bytes();
            for n in [0x00, 0x01, 0x20, 0x30, 0x40, 0x60, 0x7F, 0x80] {
                assert_eq!(
                    has_below(w, n),
                    bytes.iter().any(|&b| b < n),
                    "{w:#x} < {n:#x}"
                );
            }
            for b in [0x00, 0x22, 0x80, 0xBC, 0xE3, 0xFF] {
                assert_eq!(has_byte(w, b), bytes.contains(&b), "{w:#x} has {b:#x}");
            }
            for b in [0x00, 0x0A, 0x80, 0xFF] {
                let want = bytes
                    .iter()
                    .enumerate()
                    .filter(|&(_, &x)| x == b)
                    .fold(0u64, |m, (i, _)| m | 0x80 << (8 * i));
                assert_eq!(byte_mask(w, b), want, "{w:#x} mask of {b:#x}");
                assert_eq!(
                    count_highs(want) as usize,
                    bytes.iter().filter(|&&x| x == b).count()
                );
            }
            assert_eq!(
                continuation_bytes(w) as usize,
                bytes.iter().filter(|&&b| b & 0xC0 == 0x80).count(),
                "{w:#x}"
            );
        }
    }

    #[test]
    fn table_hits_are_the_bytes_in_the_set() {
        let mut sets = vec![[false; 256], [true; 256]];
        let mut punctuation = [false; 256];
        for b in [b'.', b'!', b'?', b'"', 0x80, 0x99, 0xBC, 0xFF] {
            punctuation[b as usize] = true;
        }
        sets.push(punctuation);
        let mut text: Vec<u8> = "Mr. Smith met Dr. Wu. \u{201c}Yes!\u{201d} Really? Fine."
            .repeat(5)
            .into_bytes();
        text.extend(0..=255u8);
        for set in &sets {
            for len in [0, 1, 63, 64, 65, 127, 128, 129, text.len()] {
                let bytes = &text[..len];
                let mut got = Vec::new();
                table_hits(bytes, set, |i| got.push(i));
                let want: Vec<usize> = (0..len).filter(|&i| set[bytes[i] as usize]).collect();
                assert_eq!(got, want, "{len} bytes");
            }
        }
    }

    #[test]
    fn the_below_mask_flags_exactly_the_bytes_below() {
        let words = [
            0u64,
            u64::MAX,
            0x0A09_0D20_1F7F_8000,
            u64::from_le_bytes(*b"\n      <"),
            u64::from_le_bytes(*b"ab\x01cd\x1f\x20\x80"),
            0x8080_8080_8080_8080,
            0x7F7F_7F7F_7F7F_7F7F,
        ];
        for w in words {
            for n in [1u8, 0x0A, 0x20, 0x7F, 0x80] {
                let want = w
                    .to_le_bytes()
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b < n)
                    .fold(0u64, |m, (i, _)| m | 0x80 << (8 * i));
                assert_eq!(below_mask(w, n), want, "{w:#018x} below {n:#x}");
            }
        }
    }

    #[test]
    fn line_and_column_advance_as_a_loop_over_the_bytes_would() {
        let texts = [
            "",
            "a",
            "abcdefgh",
            "abcdefg\n",
            "\nabcdefghijklmnop\nq",
            "中国和日本可以进一步加强沟通\n与协调。",
            "<tuv xml:lang=\"zh-CN\"><seg>供人场区定用都媒阁伙贸家及两展贸这复</seg></tuv>\n      ",
            "é日本語😀\nok é",
            &"<seg>日本語 abc</seg>\n".repeat(30),
        ];
        for t in texts {
            let b = t.as_bytes();
            // Every cut, so that runs start and end inside characters and at every alignment.
            for cut in 0..=b.len() {
                let (mut line, mut column) = (3, 5);
                advance_line_column(&mut line, &mut column, &b[..cut]);
                advance_line_column(&mut line, &mut column, &b[cut..]);
                let (mut want_line, mut want_column) = (3, 5);
                advance_bytewise(&mut want_line, &mut want_column, b);
                assert_eq!(
                    (line, column),
                    (want_line, want_column),
                    "{t:?} cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn a_chunk_scan_gives_every_wanted_offset_once_in_order() {
        let texts = [
            "",
            "abc",
            "0123456789abcdef",
            "中国和日本可以进一步加强沟通(与)协调。“我们愿意分享想法！”",
            "Plain ASCII text that has no rare byte at all in its long run......",
            "ends with a rare byte: (",
        ];
        for t in texts {
            let b = t.as_bytes();
            for (n, lead) in [(0x29, None), (0x60, Some(0x80)), (0x30, Some(0xBC))] {
                let mut seen = Vec::new();
                let flag = |w| has_below(w, n) || lead.is_some_and(|l| has_byte(w, l));
                scan_chunks(b, flag, |at| {
                    seen.push(at);
                    true
                });
                assert!(seen.windows(2).all(|p| p[0] < p[1]), "{t:?}");
                assert!(seen.iter().all(|&at| at < b.len()), "{t:?}");
                for (at, &x) in b.iter().enumerate() {
                    let wanted = x < n || lead.is_some_and(|l| b.get(at + 1) == Some(&l));
                    assert!(!wanted || seen.contains(&at), "{t:?} byte {at}");
                }
                // Stopping early stops.
                let mut calls = 0;
                scan_chunks(b, flag, |_| {
                    calls += 1;
                    false
                });
                assert!(calls <= 1);
            }
        }
    }

    #[test]
    fn a_bit_set_holds_what_was_added_and_nothing_else() {
        const SET: Bits16 = Bits16::EMPTY
            .with(0)
            .with(b'(' as usize)
            .with(0xE380)
            .with_range('０' as usize, '９' as usize)
            .with(0xFFFF);
        let members: Vec<usize> = (0..0x10000).filter(|&i| SET.contains(i)).collect();
        let mut expected = vec![0, b'(' as usize, 0xE380, 0xFFFF];
        expected.extend('０' as usize..='９' as usize);
        expected.sort_unstable();
        assert_eq!(members, expected);
        assert!(!SET.contains(0x10000 + b'(' as usize));
        assert_eq!(Bits16::pair("（".as_bytes(), 0), 0xEFBC);
        assert_eq!(Bits16::pair(b"(", 0), 0x2800);
    }

    #[test]
    fn a_repeat_filter_never_misses_a_repeat_and_rarely_flags_a_single() {
        let n = 50_000;
        let mut filter = RepeatFilter::new(n);
        let mut x = GOLDEN;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let singles: Vec<u64> = (0..n - 1000).map(|_| next()).collect();
        let repeats: Vec<u64> = (0..500).map(|_| next()).collect();
        for &k in singles.iter().chain(&repeats).chain(&repeats) {
            filter.insert(k);
        }
        assert!(repeats.iter().all(|&k| filter.maybe_repeated(k)));
        let false_alarms = singles
            .iter()
            .filter(|&&k| filter.maybe_repeated(k))
            .count();
        assert!(
            false_alarms < singles.len() / 8,
            "{false_alarms} of {}",
            singles.len()
        );
        filter.clear();
        assert!(repeats.iter().all(|&k| !filter.maybe_repeated(k)));
    }
}
