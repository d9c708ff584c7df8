//! Rewrites of parsed patterns that keep what a `beforebreak` pattern means for the engine
//! (whether some match ends at the candidate) while letting the DFA engines run them.
//!
//! Depends only on `regex-syntax`.

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};

/// Replaces a Unicode word boundary `\b` at the very start of a pattern by the character it
/// implies: `\bX` becomes `(?:^|\W)X` when X starts with a word character, `\wX` when it starts
/// with a non-word one.
///
/// Only whether some match *ends* at a position matters for `beforebreak`, so consuming one more
/// character on the left changes nothing; but the lazy DFA can run the result on any text, while
/// it gives up on a Unicode `\b` next to a non-ASCII character (and the fallback is far slower).
pub fn leading_word_boundary_consumed(h: Hir) -> Hir {
    match h.kind() {
        HirKind::Concat(items) if !items.is_empty() => {
            if matches!(items[0].kind(), HirKind::Look(Look::WordUnicode)) {
                let rest = Hir::concat(items[1..].to_vec());
                let Some(first) = first_class(&rest) else {
                    return h;
                };
                let word = word_class();
                let mut outside = first.clone();
                outside.difference(&word);
                let mut inside = first;
                inside.intersect(&word);
                if outside.ranges().is_empty() {
                    let mut not_word = word;
                    not_word.negate();
                    let start_or_not_word = Hir::alternation(vec![
                        Hir::look(Look::Start),
                        Hir::class(Class::Unicode(not_word)),
                    ]);
                    return Hir::concat(vec![start_or_not_word, rest]);
                }
                if inside.ranges().is_empty() {
                    return Hir::concat(vec![Hir::class(Class::Unicode(word)), rest]);
                }
                return h;
            }
            let mut items = items.to_vec();
            let first = items.remove(0);
            let mut out = vec![leading_word_boundary_consumed(first)];
            out.extend(items);
            Hir::concat(out)
        }
        HirKind::Alternation(branches) => Hir::alternation(
            branches
                .iter()
                .cloned()
                .map(leading_word_boundary_consumed)
                .collect(),
        ),
        HirKind::Capture(c) => {
            let mut c = c.clone();
            c.sub = Box::new(leading_word_boundary_consumed(*c.sub));
            Hir::capture(c)
        }
        _ => h,
    }
}

fn word_class() -> ClassUnicode {
    match regex_syntax::parse(r"\w").map(|h| h.into_kind()) {
        Ok(HirKind::Class(Class::Unicode(c))) => c,
        // `\w` always parses to a Unicode class; an empty class makes the rewrite a no-op.
        _ => ClassUnicode::empty(),
    }
}

/// The characters a non-empty match of `h` can start with, if known.
fn first_class(h: &Hir) -> Option<ClassUnicode> {
    match h.kind() {
        HirKind::Literal(lit) => {
            let c = std::str::from_utf8(&lit.0).ok()?.chars().next()?;
            Some(ClassUnicode::new([ClassUnicodeRange::new(c, c)]))
        }
        HirKind::Class(Class::Unicode(c)) => Some(c.clone()),
        HirKind::Repetition(r) if r.min >= 1 => first_class(&r.sub),
        HirKind::Capture(c) => first_class(&c.sub),
        HirKind::Concat(items) => {
            let first = items
                .iter()
                .find(|i| !matches!(i.kind(), HirKind::Look(_)))?;
            if first.properties().minimum_len().is_none_or(|n| n == 0) {
                return None;
            }
            first_class(first)
        }
        HirKind::Alternation(branches) => {
            let mut all = ClassUnicode::empty();
            for b in branches {
                all.union(&first_class(b)?);
            }
            Some(all)
        }
        _ => None,
    }
}

/// The bytes that can end (`suffix`) or start a match of `h`, or None when a match can be
/// empty (then any position qualifies).
pub fn edge_bytes(h: &Hir, suffix: bool) -> Option<Box<[bool; 256]>> {
    let mut set = Box::new([false; 256]);
    let can_be_empty = edge(h, suffix, &mut set);
    (!can_be_empty).then_some(set)
}

/// Adds to `set` the bytes a non-empty match of `h` can end (start) with; returns whether `h`
/// can match the empty string.
fn edge(h: &Hir, suffix: bool, set: &mut [bool; 256]) -> bool {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => {
            let b = if suffix { lit.0.last() } else { lit.0.first() };
            match b {
                Some(&b) => {
                    set[b as usize] = true;
                    false
                }
                None => true,
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    set[b as usize] = true;
                }
            }
            c.ranges().is_empty()
        }
        HirKind::Class(Class::Unicode(c)) => {
            for r in c.ranges() {
                char_range_edges(r.start(), r.end(), suffix, set);
            }
            c.ranges().is_empty()
        }
        HirKind::Repetition(r) => {
            let empty = edge(&r.sub, suffix, set);
            empty || r.min == 0
        }
        HirKind::Capture(c) => edge(&c.sub, suffix, set),
        HirKind::Concat(items) => {
            let mut ordered: Vec<&Hir> = items.iter().collect();
            if suffix {
                ordered.reverse();
            }
            for item in ordered {
                if !edge(item, suffix, set) {
                    return false;
                }
            }
            true
        }
        HirKind::Alternation(branches) => {
            let mut empty = false;
            for b in branches {
                empty |= edge(b, suffix, set);
            }
            empty
        }
    }
}

/// The characters that can end (`suffix`) or start a match of `h`, as sorted code point ranges,
/// when that is known and the match cannot be empty.
pub fn edge_chars(h: &Hir, suffix: bool) -> Option<Vec<(u32, u32)>> {
    let (class, can_be_empty) = edge_class(h, suffix)?;
    if can_be_empty {
        return None;
    }
    let ranges: Vec<(u32, u32)> = class
        .ranges()
        .iter()
        .map(|r| (r.start() as u32, r.end() as u32))
        .collect();
    (ranges.len() <= 256).then_some(ranges)
}

/// Whether `c` is in the sorted ranges.
pub fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    let i = ranges.partition_point(|&(_, end)| end < c);
    ranges.get(i).is_some_and(|&(start, _)| start <= c)
}

fn edge_class(h: &Hir, suffix: bool) -> Option<(ClassUnicode, bool)> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some((ClassUnicode::empty(), true)),
        HirKind::Literal(lit) => {
            let s = std::str::from_utf8(&lit.0).ok()?;
            let c = if suffix {
                s.chars().next_back()
            } else {
                s.chars().next()
            };
            Some(match c {
                Some(c) => (ClassUnicode::new([ClassUnicodeRange::new(c, c)]), false),
                None => (ClassUnicode::empty(), true),
            })
        }
        HirKind::Class(Class::Unicode(c)) => Some((c.clone(), c.ranges().is_empty())),
        HirKind::Class(Class::Bytes(_)) => None,
        HirKind::Repetition(r) => {
            let (c, empty) = edge_class(&r.sub, suffix)?;
            Some((c, empty || r.min == 0))
        }
        HirKind::Capture(c) => edge_class(&c.sub, suffix),
        HirKind::Concat(items) => {
            let mut all = ClassUnicode::empty();
            let mut ordered: Vec<&Hir> = items.iter().collect();
            if suffix {
                ordered.reverse();
            }
            for item in ordered {
                let (c, empty) = edge_class(item, suffix)?;
                all.union(&c);
                if !empty {
                    return Some((all, false));
                }
            }
            Some((all, true))
        }
        HirKind::Alternation(branches) => {
            let mut all = ClassUnicode::empty();
            let mut empty = false;
            for b in branches {
                let (c, e) = edge_class(b, suffix)?;
                all.union(&c);
                empty |= e;
            }
            Some((all, empty))
        }
    }
}

/// Adds the first (or last) UTF-8 bytes of the characters `a..=b`.
fn char_range_edges(a: char, b: char, suffix: bool, set: &mut [bool; 256]) {
    let (a, b) = (a as u32, b as u32);
    // ASCII part.
    for c in a..=b.min(0x7F) {
        set[c as usize] = true;
    }
    let a = a.max(0x80);
    if a > b {
        return;
    }
    if suffix {
        // The last byte is 0b10xxxxxx with the low six bits of the code point.
        if b - a >= 63 {
            set[0x80..=0xBF].fill(true);
        } else {
            for c in a..=b {
                set[(0x80 | (c & 0x3F)) as usize] = true;
            }
        }
    } else {
        // The lead byte grows with the code point: every lead byte between those of a and b.
        let lead = |c: u32| {
            let mut buf = [0u8; 4];
            char::from_u32(c).map_or(0xEF, |ch| ch.encode_utf8(&mut buf).as_bytes()[0])
        };
        for byte in lead(a)..=lead(b) {
            set[byte as usize] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_bytes_bound_where_matches_start_and_end() {
        let cases: &[(&str, bool, Option<&[u8]>)] = &[
            (r"[.!?]", true, Some(b".!?")),
            (r"Mr\.", true, Some(b".")),
            (r"Mr\.", false, Some(b"M")),
            (r"[.?!]['\x{201D}]*", true, Some(b".?!'\x9D")),
            (
                r"\s+\p{Lu}",
                false,
                Some(b" \t\n\x0B\x0C\r\xC2\xE1\xE2\xE3"),
            ),
            (r"a*", true, None),
            (r"", false, None),
            (r"\b", false, None),
        ];
        for (pattern, suffix, want) in cases {
            let h = regex_syntax::parse(pattern).unwrap();
            let got = edge_bytes(&h, *suffix);
            match want {
                None => assert!(got.is_none(), "{pattern}: expected no bound"),
                Some(bytes) => {
                    let got = got.unwrap_or_else(|| panic!("{pattern}: expected a bound"));
                    for b in *bytes {
                        assert!(got[*b as usize], "{pattern}: byte {b:#x} missing");
                    }
                    if !pattern.contains("p{") {
                        assert_eq!(got.iter().filter(|&&x| x).count(), bytes.len(), "{pattern}");
                    }
                }
            }
        }
    }

    #[test]
    fn edge_chars_bound_the_characters_at_the_ends() {
        let last = |p: &str| edge_chars(&regex_syntax::parse(p).unwrap(), true);
        let first = |p: &str| edge_chars(&regex_syntax::parse(p).unwrap(), false);
        let r = last("[。！？]」*").unwrap();
        for c in ['。', '！', '？', '」'] {
            assert!(in_ranges(&r, c), "{c}");
        }
        assert!(!in_ranges(&r, '好'));
        assert!(!in_ranges(&r, '.'));
        assert_eq!(last(r"Mr\."), Some(vec![('.' as u32, '.' as u32)]));
        assert_eq!(first(r"\bMr"), Some(vec![('M' as u32, 'M' as u32)]));
        assert_eq!(last("a*"), None);
        assert_eq!(last(r"\p{L}"), None, "too many ranges to be worth it");
    }

    #[test]
    fn leading_boundary_becomes_a_character() {
        let cases: &[(&str, &str)] = &[
            (r"\bMr\.", "starts with (?:^|\\W)"),
            (r"(?:\bMr|\bDr)\.", "both branches"),
            (r"\b\.", "\\w before"),
            (r"\b(?:a|\.)", "unchanged"),
            (r"Mr\b", "unchanged"),
        ];
        for (pattern, what) in cases {
            let h = regex_syntax::parse(pattern).unwrap();
            let out = leading_word_boundary_consumed(h.clone());
            let changed = out != h;
            assert_eq!(changed, *what != "unchanged", "{pattern}: {what}");
            // Same verdict on "ends here" for a few haystacks.
            let a = regex_automata::meta::Regex::builder()
                .build_from_hir(&Hir::concat(vec![h, Hir::look(Look::End)]))
                .unwrap();
            let b = regex_automata::meta::Regex::builder()
                .build_from_hir(&Hir::concat(vec![out, Hir::look(Look::End)]))
                .unwrap();
            for hay in [
                "Mr.", " Mr.", "xMr.", "éMr.", "a.", ".", "Dr.", "x a", "x.", "’Mr.",
            ] {
                assert_eq!(a.is_match(hay), b.is_match(hay), "{pattern} on {hay:?}");
            }
        }
    }
}
