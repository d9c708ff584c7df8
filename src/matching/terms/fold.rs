//! Folding of terms and texts before they are compared (NFKC, case, whitespace and hyphens:
//! see the module documentation of `terms`), keeping the way back to the original offsets.

use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::Scratch;

/// How patterns are read from a text: ASCII separators (see [`is_sep_byte`]) as spaces, ASCII
/// letters in lower case, every other byte as it is.
pub(super) static LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let x = b as u8;
        t[b] = if is_sep_byte(x) {
            b' '
        } else {
            x.to_ascii_lowercase()
        };
        b += 1;
    }
    t
};

/// A separator as ASCII has them: whitespace or a hyphen.
pub(super) const fn is_sep_byte(b: u8) -> bool {
    (b == b' ') | (b == b'-') | (b.wrapping_sub(b'\t') < 5)
}

/// Whether folding `text` changes nothing but ASCII separators into spaces, so that offsets in the
/// folded text are offsets in `text`: ASCII without runs of separators, Han, kana and CJK
/// punctuation that NFKC leaves alone.
pub(super) fn folds_in_place(text: &str) -> bool {
    let b = text.as_bytes();
    // Branch-free, so that the compiler can vectorize: spaces sit at unpredictable places.
    let no_runs = |b: &[u8]| {
        !b.iter()
            .zip(&b[1.min(b.len())..])
            .fold(false, |acc, (&x, &y)| {
                acc | (is_sep_byte(x) & is_sep_byte(y))
            })
    };
    if text.is_ascii() {
        return no_runs(b);
    }
    text.chars().all(|c| c.is_ascii() || is_plainly_stable(c)) && no_runs(b)
}

/// Characters NFKC leaves as they are whatever follows them, checked without a table lookup.
fn is_plainly_stable(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x7F | 0x3001..=0x3002 | 0x3008..=0x3011 | 0x3041..=0x3096 | 0x30A1..=0x30FE
        | 0x4E00..=0x9FFF)
}

/// Whether `c` may change or combine with the character before it under NFKC.
fn continues_segment(c: char) -> bool {
    if is_plainly_stable(c) || matches!(c, '\u{FF01}'..='\u{FF5E}') {
        return false;
    }
    let mut first = None;
    decompose_compatible(c, |d| {
        first.get_or_insert(d);
    });
    let first = first.unwrap_or(c);
    canonical_combining_class(first) != 0
        || is_nfkc_quick(std::iter::once(first)) != IsNormalized::Yes
}

/// Folds `text` into `scratch.folded`, recording for each byte the range of `text` it came from.
///
/// Common characters are folded one at a time; from the first that is not (and the character
/// before it, which it may combine with) on, the text goes through NFKC segment by segment.
pub(super) fn fold(text: &str, scratch: &mut Scratch) {
    let len = text.len();
    scratch.folded.clear();
    scratch.starts.clear();
    scratch.ends.clear();
    scratch.folded.reserve(len);
    scratch.starts.reserve(len);
    scratch.ends.reserve(len);
    let mut sink = Sink {
        scratch,
        last_sep: false,
    };
    // Where the last character started, and the sink's state before it.
    let mut before_last = (0, 0, false);
    for (i, c) in text.char_indices() {
        let Some(f) = nfkc_alone(c) else {
            let (start, folded_len, last_sep) = before_last;
            sink.scratch.folded.truncate(folded_len);
            sink.scratch.starts.truncate(folded_len);
            sink.scratch.ends.truncate(folded_len);
            sink.last_sep = last_sep;
            fold_segments(text, start, &mut sink);
            return;
        };
        before_last = (i, sink.scratch.folded.len(), sink.last_sep);
        sink.push(f, i, i + c.len_utf8());
    }
}

/// What NFKC makes of a character whatever stands around it, for the common characters of
/// English, Chinese and Japanese text (and the hyphens and apostrophes [`Sink::push`] maps); `None`
/// for any other.
fn nfkc_alone(c: char) -> Option<char> {
    Some(match c as u32 {
        0x00..=0x7F
        | 0x00B7
        | 0x02BC
        | 0x2010
        | 0x2012..=0x2014
        | 0x2018..=0x2019
        | 0x201C..=0x201D
        | 0x3001..=0x3002
        | 0x3008..=0x3011
        | 0x3041..=0x3096
        | 0x30A1..=0x30FE
        | 0x4E00..=0x9FFF => c,
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0)?,
        0x2011 => '\u{2010}',
        0x00A0 | 0x3000 => ' ',
        _ => return None,
    })
}

/// Folds `text[from..]` through NFKC segment by segment: a segment is a character and the ones
/// after it that NFKC may merge into it, and all it becomes maps to its whole range.
fn fold_segments(text: &str, from: usize, sink: &mut Sink<'_>) {
    let mut seg: Option<(usize, char, bool)> = None;
    for (i, c) in text[from..].char_indices() {
        let i = from + i;
        match seg {
            Some((_, _, ref mut plain)) if continues_segment(c) => *plain = false,
            _ => {
                if let Some((start, first, plain)) = seg {
                    sink.segment(text, start, i, first, plain);
                }
                let plain =
                    is_plainly_stable(c) || is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes;
                seg = Some((i, c, plain));
            }
        }
    }
    if let Some((start, first, plain)) = seg {
        sink.segment(text, start, text.len(), first, plain);
    }
}

struct Sink<'a> {
    scratch: &'a mut Scratch,
    last_sep: bool,
}

impl Sink<'_> {
    fn segment(&mut self, text: &str, start: usize, end: usize, first: char, plain: bool) {
        if plain {
            self.push(first, start, end);
        } else {
            for c in text[start..end].nfkc() {
                self.push(c, start, end);
            }
        }
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        let c = if c.is_ascii() {
            match c {
                '-' | '\t' | '\n' | '\x0B' | '\x0C' | '\r' => ' ',
                c => c,
            }
        } else if is_plainly_stable(c) {
            c
        } else {
            match c {
                '\u{2010}'..='\u{2013}' => ' ',
                c if c.is_whitespace() => ' ',
                '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
                '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' => return,
                c if c.is_uppercase() => {
                    let mut lower = c.to_lowercase();
                    match (lower.next(), lower.next()) {
                        (Some(l), None) => l,
                        _ => c,
                    }
                }
                c => c,
            }
        };
        let s = &mut *self.scratch;
        if c == ' ' {
            if self.last_sep {
                if let Some(e) = s.ends.last_mut() {
                    *e = end;
                }
                return;
            }
            self.last_sep = true;
        } else {
            self.last_sep = false;
        }
        s.folded.push(c);
        let n = c.len_utf8();
        s.starts.extend(std::iter::repeat_n(start, n));
        s.ends.extend(std::iter::repeat_n(end, n));
    }
}

/// The folded form of a term, without leading or trailing spaces.
pub(super) fn fold_term(s: &str) -> String {
    let mut scratch = Scratch::default();
    fold(s, &mut scratch);
    scratch.folded.trim_matches(' ').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        let table = [
            ("Asia-Pacific", "Asia Pacific"),
            ("  a \n\t b--c ", " a b c "),
            ("Japan’s", "Japan's"),
            ("ＣＩＰＧ１６", "CIPG16"),
            ("ｼﾞｬﾊﾟﾝ", "ジャパン"),
            ("ÉCOLE", "éCOLE"),
            ("程永華 习近平 國經濟", "程永華 习近平 國經濟"),
            ("co\u{00AD}operation", "cooperation"),
        ];
        for (input, want) in table {
            let mut s = Scratch::default();
            fold(input, &mut s);
            assert_eq!(s.folded, want, "{input:?}");
            assert_eq!(s.starts.len(), s.folded.len());
        }
    }

    #[test]
    fn folding_one_character_at_a_time_agrees_with_nfkc() {
        let mut chars: Vec<char> = (0x20u32..0x7F)
            .chain([
                0xA0, 0xB7, 0x2BC, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2018, 0x2019,
            ])
            .chain([
                0x201C, 0x201D, 0x3000, 0x3001, 0x3002, 0x300C, 0x3011, 0x3041, 0x3096,
            ])
            .chain([
                0x30A1, 0x30FB, 0x30FC, 0x30FE, 0x4E00, 0x7A0B, 0x83EF, 0x9FFF,
            ])
            .chain(0xFF01..=0xFF5E)
            .filter_map(char::from_u32)
            .collect();
        chars.extend("程永华程永華ジャパン ,  -\n".chars());
        for (i, c) in chars.iter().enumerate() {
            let next = chars[(i * 7 + 3) % chars.len()];
            for text in [
                format!("a{c}{c}{next} b"),
                format!("{c}\u{301}{next}\u{3099}"),
            ] {
                let (mut fast, mut slow) = (Scratch::default(), Scratch::default());
                fold(&text, &mut fast);
                let mut sink = Sink {
                    scratch: &mut slow,
                    last_sep: false,
                };
                fold_segments(&text, 0, &mut sink);
                assert_eq!(fast.folded, slow.folded, "{text:?}");
                assert_eq!(fast.starts, slow.starts, "{text:?}");
                assert_eq!(fast.ends, slow.ends, "{text:?}");
            }
        }
    }

    #[test]
    fn texts_folded_in_place_fold_to_themselves() {
        let table = [
            ("Wang Yi said", true),
            ("Asia-Pacific\nforum", true),
            ("Asia  Pacific", false),
            ("言論NPOは、日本の非営利団体です。", true),
            ("中国和日本，", false),
            ("ｼﾞｬﾊﾟﾝ", false),
            ("か\u{3099}", false),
            ("“Japan’s”", false),
        ];
        for (text, in_place) in table {
            assert_eq!(folds_in_place(text), in_place, "{text:?}");
            let mut s = Scratch::default();
            fold(text, &mut s);
            let same = s.folded.len() == text.len()
                && s.folded.char_indices().all(|(i, c)| {
                    s.starts[i] == i && s.ends[i + c.len_utf8() - 1] == i + c.len_utf8()
                })
                && s.folded
                    .bytes()
                    .zip(text.bytes())
                    .all(|(f, t)| f == t || (f == b' ' && is_sep_byte(t)));
            if in_place {
                assert!(same, "{text:?} folds to {:?}", s.folded);
            }
        }
    }
}
