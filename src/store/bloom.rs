//! A Bloom filter over source keys: "certainly not stored" answered in memory, so
//! that importing new units rarely has to search the index. About 10 bits per entry, 1% false
//! positives; memory stays small and bounded by the number of units. Blocked: the bits of one key
//! lie in one 64-byte block, so a look-up costs one cache miss.

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
        let bits = (capacity.max(64) * 10).next_power_of_two().max(512);
        Bloom {
            bits: vec![0; (bits / 64) as usize],
            mask: bits - 1,
            entries: 0,
            capacity,
        }
    }

    /// The first word of the key's block, and the key's bit positions within the block.
    fn positions(&self, key: i64) -> (usize, [u32; K as usize]) {
        let h = (key as u64).wrapping_mul(crate::bits::GOLDEN);
        let blocks = (self.mask + 1) / 512;
        let block = ((h >> 32) % blocks) as usize * 8;
        let mut h2 = (key as u64)
            .rotate_left(29)
            .wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        let mut bits = [0u32; K as usize];
        for b in &mut bits {
            *b = (h2 & 511) as u32;
            h2 = h2.rotate_right(9);
        }
        (block, bits)
    }

    pub(super) fn insert(&mut self, key: i64) {
        let (block, bits) = self.positions(key);
        for bit in bits {
            self.bits[block + (bit / 64) as usize] |= 1 << (bit % 64);
        }
        self.entries += 1;
    }

    pub(super) fn contains(&self, key: i64) -> bool {
        let (block, bits) = self.positions(key);
        bits.iter()
            .all(|&bit| self.bits[block + (bit / 64) as usize] & (1 << (bit % 64)) != 0)
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
            b.insert(i.wrapping_mul(0x5851_F42D_4C95_7F2D));
        }
        for i in 0..10_000i64 {
            assert!(b.contains(i.wrapping_mul(0x5851_F42D_4C95_7F2D)));
        }
        let false_positives = (10_000..20_000i64)
            .filter(|i| b.contains(i.wrapping_mul(0x5851_F42D_4C95_7F2D)))
            .count();
        assert!(
            false_positives < 300,
            "{false_positives} false positives in 10,000"
        );
        assert!(!b.is_full());
    }
}
