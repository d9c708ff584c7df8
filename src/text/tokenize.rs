//! Tokens for matching: words and numbers from Unicode word boundaries (UAX #29), punctuation as
//! tokens of its own, whitespace dropped, and Chinese and Japanese text one character a token (Han,
//! hiragana, katakana), so that CJK sources match as well as English ones.

use unicode_segmentation::UnicodeSegmentation;

use crate::bits::Bits16;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (and the marks and apostrophes UAX #29 keeps inside a word).
    Word,
    /// Starts with a digit: `2020`, `3.5`, `1,000`.
    Number,
    /// One Han, hiragana or katakana character.
    Cjk,
    /// Anything else that is not whitespace: `.`, `“`, `-`, `，`.
    Punct,
}

/// A token: its kind and byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Start of the byte range.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
}

impl Token {
    /// The token's text.
    pub fn text<'a>(&self, s: &'a str) -> &'a str {
        &s[self.start..self.end]
    }
}

/// Whether a character is written one-per-token: Han ideographs, kana and their marks.
pub fn is_cjk(c: char) -> bool {
    // One load and one test for the Basic Multilingual Plane (a test holds it equal to the ranges).
    match c as u32 {
        cp @ 0..=0xFFFF => CJK_BMP.contains(cp as usize),
        cp => (0x20000..=0x3134F).contains(&cp),
    }
}

/// The characters of the Basic Multilingual Plane that [`is_cjk`] accepts.
static CJK_BMP: Bits16 = Bits16::EMPTY
    .with_range(0x3005, 0x3007)
    .with_range(0x3021, 0x3029)
    .with_range(0x3031, 0x3035)
    .with_range(0x3038, 0x303C)
    .with_range(0x3040, 0x30FF)
    .with_range(0x31F0, 0x31FF)
    .with_range(0x3400, 0x4DBF)
    .with_range(0x4E00, 0x9FFF)
    .with_range(0xF900, 0xFAFF)
    .with_range(0xFF66, 0xFF9F);

/// Splits a text into tokens, appending them to `out` (cleared first).
///
/// ```
/// use tmkit::text::tokenize::{tokenize, TokenKind};
/// let s = "Wang Yi met 福田康夫 on Nov. 30.";
/// let mut t = Vec::new();
/// tokenize(s, &mut t);
/// let words: Vec<&str> = t.iter().map(|t| t.text(s)).collect();
/// assert_eq!(words, ["Wang", "Yi", "met", "福", "田", "康", "夫", "on", "Nov", ".", "30", "."]);
/// assert_eq!(t[10].kind, TokenKind::Number);
/// ```
pub fn tokenize(s: &str, out: &mut Vec<Token>) {
    out.clear();
    if s.is_ascii() {
        tokenize_ascii(s.as_bytes(), 0, out);
        return;
    }
    if tokenize_mixed(s, out) {
        return;
    }
    out.clear();
    tokenize_unicode(s, out);
}

/// Characters UAX #29 lets join two letters or digits (MidLetter, MidNum, MidNumLet) outside ASCII.
fn is_mid(c: char) -> bool {
    matches!(
        c,
        '\u{00B7}'
            | '\u{0387}'
            | '\u{055F}'
            | '\u{05F4}'
            | '\u{2027}'
            | '\u{FE13}'
            | '\u{FE55}'
            | '\u{FF1A}'
            | '\u{066C}'
            | '\u{FE50}'
            | '\u{FE54}'
            | '\u{FF0C}'
            | '\u{FF1B}'
            | '\u{037E}'
            | '\u{0589}'
            | '\u{060C}'
            | '\u{060D}'
            | '\u{07F8}'
            | '\u{2044}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{2024}'
            | '\u{FE52}'
            | '\u{FF07}'
            | '\u{FF0E}'
    )
}

/// CJK and full-width punctuation (`。`, `、`, `「`, `，`, `？`): never letters or digits, told so
/// without the Unicode tables `char::is_alphanumeric` looks them up in (a test holds them equal).
fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x3004 | 0x3008..=0x3020 | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20)
}

/// Characters that attach to their neighbours under UAX #29 (marks, joiners, variation selectors,
/// emoji modifiers, regional indicators): left to the full algorithm.
fn attaches(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0DFF | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x206F | 0x20D0..=0x20FF | 0x3099..=0x309A | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x1F1E6..=0x1F1FF | 0x1F3FB..=0x1F3FF | 0xE0000..=0xE0FFF)
}

/// Text made of ASCII, CJK characters and other punctuation: ASCII runs by the ASCII rules, one
/// token per CJK character or punctuation mark. Returns false, having pushed an unspecified part,
/// when the text has anything the full algorithm must decide (non-ASCII letters or digits, marks,
/// a joiner between two letters or digits).
fn tokenize_mixed(s: &str, out: &mut Vec<Token>) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut prev: Option<char> = None;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            let start = i;
            while i < bytes.len() && bytes[i] < 0x80 {
                i += 1;
            }
            // An ASCII joiner next to an iteration mark (々, which UAX #29 counts as a letter) may
            // join across the run's edge.
            let joiner = |b: u8| matches!(b, b'.' | b':' | b'\'' | b',' | b';');
            let mark = |c: Option<char>| c.is_some_and(|c| matches!(c, '々' | '〆' | '〻' | '〼'));
            if (joiner(bytes[start]) && mark(prev))
                || (joiner(bytes[i - 1]) && mark(s[i..].chars().next()))
            {
                return false;
            }
            tokenize_ascii(&bytes[start..i], start, out);
            prev = Some(bytes[i - 1] as char);
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            return false;
        };
        let w = c.len_utf8();
        if is_cjk(c) {
            out.push(Token {
                kind: TokenKind::Cjk,
                start: i,
                end: i + w,
            });
        } else if (!is_cjk_punct(c) && c.is_alphanumeric()) || attaches(c) {
            return false;
        } else if c.is_whitespace() {
            // Not a token.
        } else {
            if is_mid(c) {
                let next = s[i + w..].chars().next();
                // Letters and digits in UAX #29's sense: not Han or kana, but the iteration marks
                // (々 and kin), which it counts as letters.
                let joins = |x: Option<char>| {
                    x.is_some_and(|x| {
                        (x.is_alphanumeric() && !is_cjk(x))
                            || matches!(x, '々' | '〆' | '〻' | '〼')
                    })
                };
                if joins(prev) && joins(next) {
                    return false;
                }
            }
            out.push(Token {
                kind: TokenKind::Punct,
                start: i,
                end: i + w,
            });
        }
        prev = Some(c);
        i += w;
    }
    true
}

/// The same tokens as [`tokenize_unicode`] gives for ASCII text (a test holds them equal), about
/// ten times faster: UAX #29 word boundaries reduced to the ASCII characters.
fn tokenize_ascii(b: &[u8], base: usize, out: &mut Vec<Token>) {
    let word = |c: u8| WORD_BYTES[c as usize];
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() || c == 0x0B {
            i += 1;
            continue;
        }
        if !word(c) {
            out.push(Token {
                kind: TokenKind::Punct,
                start: base + i,
                end: base + i + 1,
            });
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        loop {
            if i < b.len() && word(b[i]) {
                i += 1;
                continue;
            }
            // A joiner between two letters (WB6/7) or two digits (WB11/12) stays inside.
            if i + 1 < b.len() {
                let (prev, mid, next) = (b[i - 1], b[i], b[i + 1]);
                let letters = prev.is_ascii_alphabetic()
                    && next.is_ascii_alphabetic()
                    && matches!(mid, b':' | b'.' | b'\'');
                let digits = prev.is_ascii_digit()
                    && next.is_ascii_digit()
                    && matches!(mid, b',' | b';' | b'.' | b'\'');
                if letters || digits {
                    i += 2;
                    continue;
                }
            }
            break;
        }
        let kind = if b[start].is_ascii_digit() {
            TokenKind::Number
        } else if b[start] == b'_' {
            TokenKind::Punct
        } else {
            TokenKind::Word
        };
        out.push(Token {
            kind,
            start: base + start,
            end: base + i,
        });
    }
}

/// The ASCII bytes of words: letters, digits and `_` (one load where the tests were a chain of
/// comparisons).
static WORD_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric() || c == b'_' as usize;
        c += 1;
    }
    t
};

fn tokenize_unicode(s: &str, out: &mut Vec<Token>) {
    for (start, piece) in s.split_word_bound_indices() {
        let mut chars = piece.char_indices();
        let Some((_, first)) = chars.next() else {
            continue;
        };
        if first.is_whitespace() {
            continue;
        }
        if piece.len() == first.len_utf8() {
            let kind = if is_cjk(first) {
                TokenKind::Cjk
            } else if first.is_numeric() {
                TokenKind::Number
            } else if first.is_alphanumeric() {
                TokenKind::Word
            } else {
                TokenKind::Punct
            };
            out.push(Token {
                kind,
                start,
                end: start + piece.len(),
            });
            continue;
        }
        if piece.chars().any(is_cjk) {
            // Katakana runs and mixed pieces: one token per CJK character, the rest as one word.
            let mut run: Option<usize> = None;
            for (i, c) in piece.char_indices() {
                if is_cjk(c) {
                    if let Some(r) = run.take() {
                        out.push(word(r + start, i + start, s));
                    }
                    out.push(Token {
                        kind: TokenKind::Cjk,
                        start: start + i,
                        end: start + i + c.len_utf8(),
                    });
                } else if run.is_none() {
                    run = Some(i);
                }
            }
            if let Some(r) = run {
                out.push(word(r + start, start + piece.len(), s));
            }
            continue;
        }
        out.push(word(start, start + piece.len(), s));
    }
}

fn word(start: usize, end: usize, s: &str) -> Token {
    let first = s[start..end].chars().next().unwrap_or(' ');
    let kind = if first.is_numeric() {
        TokenKind::Number
    } else if first.is_alphanumeric() {
        TokenKind::Word
    } else {
        TokenKind::Punct
    };
    Token { kind, start, end }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cjk_table_holds_the_cjk_ranges() {
        let ranges = |c: char| {
            matches!(c as u32,
                0x3005..=0x3007 | 0x3021..=0x3029 | 0x3031..=0x3035 | 0x3038..=0x303C
                | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
                | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x3134F)
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_cjk(c), ranges(c), "{c:?}");
        }
    }

    #[test]
    fn cjk_punctuation_is_neither_letter_nor_digit() {
        for c in (0x3000..=0xFFFF).filter_map(char::from_u32) {
            if is_cjk_punct(c) {
                assert!(!c.is_alphanumeric(), "{c:?}");
            }
        }
    }

    fn toks(s: &str) -> Vec<(&str, TokenKind)> {
        let mut t = Vec::new();
        tokenize(s, &mut t);
        t.iter().map(|t| (t.text(s), t.kind)).collect()
    }

    #[test]
    fn table() {
        use TokenKind::*;
        let cases: &[(&str, &[(&str, TokenKind)])] = &[
            ("", &[]),
            ("   \t\n", &[]),
            (
                "Hello, world!",
                &[("Hello", Word), (",", Punct), ("world", Word), ("!", Punct)],
            ),
            (
                "It's 3.5% of $1,000.",
                &[
                    ("It's", Word),
                    ("3.5", Number),
                    ("%", Punct),
                    ("of", Word),
                    ("$", Punct),
                    ("1,000", Number),
                    (".", Punct),
                ],
            ),
            (
                "Asia-Pacific",
                &[("Asia", Word), ("-", Punct), ("Pacific", Word)],
            ),
            (
                "中日关系。",
                &[
                    ("中", Cjk),
                    ("日", Cjk),
                    ("关", Cjk),
                    ("系", Cjk),
                    ("。", Punct),
                ],
            ),
            (
                "第16届论坛",
                &[
                    ("第", Cjk),
                    ("16", Number),
                    ("届", Cjk),
                    ("论", Cjk),
                    ("坛", Cjk),
                ],
            ),
            (
                "フォーラムで",
                &[
                    ("フ", Cjk),
                    ("ォ", Cjk),
                    ("ー", Cjk),
                    ("ラ", Cjk),
                    ("ム", Cjk),
                    ("で", Cjk),
                ],
            ),
            ("“Only”", &[("“", Punct), ("Only", Word), ("”", Punct)]),
            (
                "COVID-19 RCEP",
                &[
                    ("COVID", Word),
                    ("-", Punct),
                    ("19", Number),
                    ("RCEP", Word),
                ],
            ),
            ("naïve café", &[("naïve", Word), ("café", Word)]),
        ];
        for (input, want) in cases {
            assert_eq!(&toks(input), want, "{input:?}");
        }
    }

    #[test]
    fn the_ascii_path_agrees_with_uax29() {
        let alphabet = b"ab Z09_.,;:'-\"()!? \t\n$%&/";
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize] as char)
                .collect();
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            tokenize_ascii(text.as_bytes(), 0, &mut fast);
            tokenize_unicode(&text, &mut slow);
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn the_mixed_path_agrees_with_uax29() {
        let alphabet: Vec<char> = "ab Z09_.,;:'-\"!? 中日の論カー々〆〻〇。，、「」：；．’‘！？—…（）\u{a0}\u{3000}é\u{301}１Ｒ·\u{200d}😀"
            .chars()
            .collect();
        let mut seed = crate::bits::GOLDEN;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..50_000 {
            let len = (next() % 16) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            tokenize(&text, &mut fast);
            tokenize_unicode(&text, &mut slow);
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn tokens_are_ordered_and_inside_the_text() {
        let s = "Wang Yi (王毅) said: “China–Japan ties…” 2020年11月30日。";
        let mut t = Vec::new();
        tokenize(s, &mut t);
        let mut last = 0;
        for tok in &t {
            assert!(tok.start >= last && tok.end > tok.start && tok.end <= s.len());
            assert!(!tok.text(s).trim().is_empty());
            last = tok.end;
        }
    }
}
