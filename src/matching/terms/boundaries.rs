//! Word boundaries: where a hit may start and end in a folded text.

use crate::text::tokenize::is_cjk;

pub(super) fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        !is_cjk(c) && c.is_alphanumeric()
    }
}

fn char_before(s: &str, i: usize) -> Option<char> {
    s[..i].chars().next_back()
}

fn char_at(s: &str, i: usize) -> Option<char> {
    s[i..].chars().next()
}

/// Whether a hit may start at `start`: not right after a letter or digit, nor after an apostrophe
/// that follows one, when the hit starts with a letter or digit.
pub(super) fn starts_word(hay: &str, start: usize) -> bool {
    if !char_at(hay, start).is_some_and(is_word) {
        return true;
    }
    match char_before(hay, start) {
        None => true,
        Some('\'') => !char_before(hay, start - 1).is_some_and(is_word),
        Some(c) => !is_word(c),
    }
}

/// Calls `f(start, end)` for every word of `hay` (a run of letters and digits) where a hit may
/// start (see [`starts_word`]), until `f` returns false.
pub(super) fn for_each_word(hay: &str, mut f: impl FnMut(usize, usize) -> bool) {
    let b = hay.as_bytes();
    if hay.is_ascii() {
        // ASCII letters and digits by table: one load a byte.
        static ALNUM: [bool; 256] = {
            let mut t = [false; 256];
            let mut i = 0;
            while i < 256 {
                t[i] = (i as u8).is_ascii_alphanumeric();
                i += 1;
            }
            t
        };
        let word = |x: u8| ALNUM[x as usize];
        let n = b.len();
        let mut i = 0;
        while i < n {
            while i < n && !word(b[i]) {
                i += 1;
            }
            if i == n {
                return;
            }
            let start = i;
            while i < n && word(b[i]) {
                i += 1;
            }
            let after_apostrophe = start >= 2 && b[start - 1] == b'\'' && word(b[start - 2]);
            if !after_apostrophe && !f(start, i) {
                return;
            }
        }
        return;
    }
    let (mut prev, mut prev2) = (None::<char>, None::<char>);
    let mut current: Option<usize> = None;
    let mut in_word = false;
    for (i, c) in hay.char_indices() {
        let w = is_word(c);
        if w && !in_word {
            // The character before is not a letter or digit: an apostrophe after one is the
            // only thing that keeps this from starting a word.
            current = (prev != Some('\'') || !prev2.is_some_and(is_word)).then_some(i);
        } else if !w
            && in_word
            && let Some(start) = current.take()
            && !f(start, i)
        {
            return;
        }
        in_word = w;
        prev2 = prev;
        prev = Some(c);
    }
    if let Some(start) = current.filter(|_| in_word) {
        f(start, hay.len());
    }
}

/// Where a hit that matched `start..end` ends, with a possessive after it; `None` when it would end
/// inside a word.
pub(super) fn word_end(hay: &str, end: usize) -> Option<usize> {
    let Some(last) = char_before(hay, end).filter(|&c| c != '\'') else {
        return Some(end);
    };
    if !is_word(last) {
        return Some(end);
    }
    match char_at(hay, end) {
        None => Some(end),
        Some('\'') => match char_at(hay, end + 1) {
            Some('s' | 'S') if !char_at(hay, end + 2).is_some_and(is_word) => Some(end + 2),
            Some(c) if is_word(c) => None,
            _ if matches!(last, 's' | 'S') => Some(end + 1),
            _ => Some(end),
        },
        Some(c) if is_word(c) => None,
        Some(_) => Some(end),
    }
}
