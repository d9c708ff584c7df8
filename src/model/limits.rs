//! The resource limits every reader keeps to, so that a hostile or broken file is refused with a
//! clear message instead of taking the machine's memory or time: the longest segment, the
//! deepest element nesting, the largest SRX rule pattern.
//!
//! The limits are one process-wide setting (the command line sets them once, from the global
//! options `--max-segment-bytes`, `--max-depth` and `--max-srx-pattern-bytes` or their
//! `TMKIT_...` environment variables), read by the readers where they need them: several
//! commands read TMX, XLIFF, TBX and SRX, and threading a value through every one of them would
//! widen every reader's API for a setting nobody changes in normal use.
//!
//! The defaults are far above what real files hold (a translation memory's longest segment is a
//! paragraph, a few KiB; TMX and XLIFF nest a handful of elements, inline codes a few more; the
//! largest SRX rule in the OmegaT and LanguageTool rule sets is under 4 KiB) and far below what
//! costs a noticeable amount of memory.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes of one segment (text and inline markup), and of any single XML tag, text
    /// run or comment. Default 1 MiB.
    pub max_segment_bytes: usize,
    /// The deepest nesting of XML elements in any input, inline codes included. Default 1,000.
    pub max_depth: usize,
    /// The most bytes of one SRX rule pattern (`beforebreak` or `afterbreak`). Default 64 KiB.
    pub max_srx_pattern_bytes: usize,
}

impl Limits {
    /// The limits when nothing is set.
    pub const DEFAULT: Limits = Limits {
        max_segment_bytes: 1 << 20,
        max_depth: 1_000,
        max_srx_pattern_bytes: 64 << 10,
    };

    /// The limits in force for this process.
    pub fn current() -> Limits {
        Limits {
            max_segment_bytes: SEGMENT.load(Ordering::Relaxed),
            max_depth: DEPTH.load(Ordering::Relaxed),
            max_srx_pattern_bytes: SRX_PATTERN.load(Ordering::Relaxed),
        }
    }

    /// Puts these limits in force for the rest of the process.
    pub fn set(self) {
        SEGMENT.store(self.max_segment_bytes, Ordering::Relaxed);
        DEPTH.store(self.max_depth, Ordering::Relaxed);
        SRX_PATTERN.store(self.max_srx_pattern_bytes, Ordering::Relaxed);
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

static SEGMENT: AtomicUsize = AtomicUsize::new(Limits::DEFAULT.max_segment_bytes);
static DEPTH: AtomicUsize = AtomicUsize::new(Limits::DEFAULT.max_depth);
static SRX_PATTERN: AtomicUsize = AtomicUsize::new(Limits::DEFAULT.max_srx_pattern_bytes);

/// A byte count as people read it in a limit's message: `1 MiB`, `64 KiB`, `1500 bytes`.
pub fn describe_bytes(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_as_people_write_them() {
        for (n, want) in [
            (1 << 20, "1 MiB"),
            (64 << 10, "64 KiB"),
            (1500, "1500 bytes"),
            (3 << 20, "3 MiB"),
        ] {
            assert_eq!(describe_bytes(n), want);
        }
    }
}
