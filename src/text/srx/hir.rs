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
                let Some(first) = first_class(&rest) else { return h };
                let word = word_class();
                let mut outside = first.clone();
                outside.difference(&word);
                let mut inside = first;
                inside.intersect(&word);
                if outside.ranges().is_empty() {
                    let mut not_word = word;
                    not_word.negate();
                    let start_or_not_word =
                        Hir::alternation(vec![Hir::look(Look::Start), Hir::class(Class::Unicode(not_word))]);
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
        HirKind::Alternation(branches) => {
            Hir::alternation(branches.iter().cloned().map(leading_word_boundary_consumed).collect())
        }
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
            let first = items.iter().find(|i| !matches!(i.kind(), HirKind::Look(_)))?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
            for hay in ["Mr.", " Mr.", "xMr.", "éMr.", "a.", ".", "Dr.", "x a", "x.", "’Mr."] {
                assert_eq!(a.is_match(hay), b.is_match(hay), "{pattern} on {hay:?}");
            }
        }
    }
}
