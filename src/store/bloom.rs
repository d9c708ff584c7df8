//! A Bloom filter over (language, text hash) pairs: "certainly not stored" answered in memory, so
//! that importing new units rarely has to search the index. About 10 bits per entry, 1% false
//! positives; memory stays small and bounded by the number of units.

/// Invariant: `bits.len()` is a power of two; `entries` counts insertions.
pub(super) struct Bloom {
    bits: Vec<u64>,
    mask: u64,
    entries: u64,
    capacity: u64,
}

const K: u32 = 7;

impl Bloom {
    /// A filter for `capacity` entries at about 1% false positives.
    pub(super) fn with_capacity(capacity: u64) -> Bloom {
        let bits = (capacity.max(64) * 10).next_power_of_two();
        Bloom {
            bits: vec![0; (bits / 64) as usize],
            mask: bits - 1,
            entries: 0,
            capacity,
        }
    }

    fn positions(lang: i64, hash: i64) -> (u64, u64) {
        let h1 = (hash as u64) ^ (lang as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let h2 = h1.rotate_left(32).wrapping_mul(0xFF51_AFD7_ED55_8CCD) | 1;
        (h1, h2)
    }

    pub(super) fn insert(&mut self, lang: i64, hash: i64) {
        let (h1, h2) = Self::positions(lang, hash);
        for i in 0..K {
            let bit = h1.wrapping_add(h2.wrapping_mul(i as u64)) & self.mask;
            self.bits[(bit / 64) as usize] |= 1 << (bit % 64);
        }
        self.entries += 1;
    }

    pub(super) fn contains(&self, lang: i64, hash: i64) -> bool {
        let (h1, h2) = Self::positions(lang, hash);
        (0..K).all(|i| {
            let bit = h1.wrapping_add(h2.wrapping_mul(i as u64)) & self.mask;
            self.bits[(bit / 64) as usize] & (1 << (bit % 64)) != 0
        })
    }

    /// Whether more entries went in than it was sized for (its false-positive rate is rising).
    pub(super) fn is_full(&self) -> bool {
        self.entries > self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_false_negatives_and_few_false_positives() {
        let mut b = Bloom::with_capacity(10_000);
        for i in 0..10_000i64 {
            b.insert(1, i.wrapping_mul(0x5851_F42D_4C95_7F2D));
        }
        for i in 0..10_000i64 {
            assert!(b.contains(1, i.wrapping_mul(0x5851_F42D_4C95_7F2D)));
        }
        let false_positives = (10_000..20_000i64)
            .filter(|i| b.contains(1, i.wrapping_mul(0x5851_F42D_4C95_7F2D)))
            .count();
        assert!(
            false_positives < 300,
            "{false_positives} false positives in 10,000"
        );
        assert!(!b.is_full());
    }
}
