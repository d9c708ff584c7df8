//! A group of rules at one position: the cheap byte and character filters, then the patterns
//! themselves (a lazy DFA on each side, or the backtracking engine) over bounded windows.

use super::{dfa, hir};

/// Consecutive rules that share their `break` value (and for regex-automata rules their
/// `afterbreak`): one compiled matcher.
#[derive(Debug)]
pub(super) struct Group {
    pub(super) is_break: bool,
    pub(super) matcher: Matcher,
    /// Bytes that can come right before a position where `before` matches (None: any).
    pub(super) last_bytes: Option<Box<[bool; 256]>>,
    /// Bytes that can come right after a position where `after` matches (None: any).
    pub(super) first_bytes: Option<Box<[bool; 256]>>,
    /// Characters that can end a `before` match, when known (None: any).
    pub(super) last_chars: Option<Vec<(u32, u32)>>,
    /// Whether `before` / `after` match the empty string (so position 0 / the end qualify).
    pub(super) before_empty: bool,
    pub(super) after_empty: bool,
    /// Bytes of context `before` / `after` need: the window, or less when every match of the
    /// pattern is known to be shorter (a smaller window is exact then, and cheaper).
    pub(super) before_window: usize,
    pub(super) after_window: usize,
    /// Check `before` first: it needs at least two characters, so it is likely the more
    /// selective side (an abbreviation) while `after` is often just white space.
    pub(super) before_first: bool,
}

#[derive(Debug)]
pub(super) enum Matcher {
    Fast {
        before: Option<Box<dfa::Anchor>>,
        after: Option<Box<dfa::Anchor>>,
    },
    Fancy {
        before: Option<Box<fancy_regex::Regex>>,
        after: Option<Box<fancy_regex::Regex>>,
    },
}

impl Group {
    /// The same group with matching caches of its own (see [`super::RuleSet::for_thread`]).
    pub(super) fn fork(&self) -> Group {
        let fork = |a: &Option<Box<dfa::Anchor>>| a.as_ref().map(|a| Box::new(a.fork()));
        let matcher = match &self.matcher {
            Matcher::Fast { before, after } => Matcher::Fast {
                before: fork(before),
                after: fork(after),
            },
            Matcher::Fancy { before, after } => Matcher::Fancy {
                before: before.clone(),
                after: after.clone(),
            },
        };
        Group {
            is_break: self.is_break,
            matcher,
            last_bytes: self.last_bytes.clone(),
            first_bytes: self.first_bytes.clone(),
            last_chars: self.last_chars.clone(),
            before_empty: self.before_empty,
            after_empty: self.after_empty,
            before_window: self.before_window,
            after_window: self.after_window,
            before_first: self.before_first,
        }
    }

    pub(super) fn matches(&self, text: &str, pos: usize) -> bool {
        if !self.may_match(text, pos) {
            return false;
        }
        self.run(text, pos)
    }

    /// The cheap filters: can a match of this group be at `pos` at all?
    fn may_match(&self, text: &str, pos: usize) -> bool {
        let bytes = text.as_bytes();
        if let Some(set) = &self.last_bytes {
            match pos.checked_sub(1).map(|i| bytes[i]) {
                Some(b) if set[b as usize] => {
                    if b >= 0x80
                        && let Some(ranges) = &self.last_chars
                        && !text[..pos]
                            .chars()
                            .next_back()
                            .is_some_and(|c| hir::in_ranges(ranges, c))
                    {
                        return false;
                    }
                }
                None if self.before_empty => {}
                _ => return false,
            }
        }
        if let Some(set) = &self.first_bytes {
            match bytes.get(pos) {
                Some(&b) if set[b as usize] => {}
                None if self.after_empty => {}
                _ => return false,
            }
        }
        true
    }

    /// Runs the patterns (without the filters).
    pub(super) fn run(&self, text: &str, pos: usize) -> bool {
        match &self.matcher {
            Matcher::Fast { before, after } => {
                let check_before = || match before {
                    Some(re) => {
                        let start = floor_boundary(text, pos.saturating_sub(self.before_window));
                        re.is_match(text, start, pos)
                    }
                    None => true,
                };
                let check_after = || match after {
                    Some(re) => {
                        let end = ceil_boundary(text, (pos + self.after_window).min(text.len()));
                        re.is_match(text, pos, end)
                    }
                    None => true,
                };
                let (first, second): (&dyn Fn() -> bool, &dyn Fn() -> bool) = if self.before_first {
                    (&check_before, &check_after)
                } else {
                    (&check_after, &check_before)
                };
                first() && second()
            }
            Matcher::Fancy { before, after } => {
                if let Some(re) = after {
                    let end = ceil_boundary(text, (pos + self.after_window).min(text.len()));
                    match re.find_from_pos(&text[..end], pos) {
                        Ok(Some(m)) if m.start() == pos => {}
                        _ => return false,
                    }
                }
                if let Some(re) = before {
                    let hay = &text[..pos];
                    let start = floor_boundary(text, pos.saturating_sub(self.before_window));
                    match re.find_from_pos(hay, start) {
                        Ok(Some(_)) => {}
                        _ => return false,
                    }
                }
                true
            }
        }
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use crate::text::srx::tests::{breaks, rule, rules};
    use crate::text::srx::{BEFORE_WINDOW, Engine};

    #[test]
    fn empty_patterns_match_anywhere() {
        let e = Engine::new(rules(
            &[("A", vec![rule(true, "", r"\n"), rule(true, r"[。！]", "")])],
            &[(".*", "A")],
            false,
        ));
        assert_eq!(breaks(&e, "xx", "ab\ncd"), [2]);
        assert_eq!(breaks(&e, "xx", "好。好！好"), [6, 12]);
    }

    #[test]
    fn windows_keep_time_linear_on_pathological_rules() {
        // A before pattern that could look back over the whole text: bounded by the window.
        let e = Engine::new(rules(
            &[("A", vec![rule(true, r"^[^!]*\.", r"\s")])],
            &[(".*", "A")],
            false,
        ));
        let text = "a. ".repeat(50_000);
        let set = e.rules_for("xx").unwrap();
        let t = std::time::Instant::now();
        let mut out = Vec::new();
        set.breaks(&text, &mut out);
        // Only positions within BEFORE_WINDOW of the start can see `^`.
        assert!(out.len() < BEFORE_WINDOW, "{} breaks", out.len());
        assert!(!out.is_empty());
        assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    }
}
