//! The scanner that reads numbers out of a text: figures, numerals, number words, percentages,
//! ordinals and dates. This file holds the scanner itself, the loop that sends each character
//! to what reads it, and the common ending of a number (what follows it: %, 月, 年代, 分之);
//! figures, dates, Chinese and Japanese numerals and English words are read in the child
//! modules.

mod cjk;
mod dates;
mod english;
mod figures;

use crate::bits::Bits16;

use super::{Number, NumberKind, Role};
use cjk::{NUMERALS, is_measure};

/// Reads the numbers of `text` into `out`, one visible range at a time.
pub(super) struct Scanner<'a, 'o> {
    pub(super) text: &'a str,
    pub(super) bytes: &'a [u8],
    pub(super) english: bool,
    pub(super) cjk: bool,
    pub(super) out: &'o mut Vec<Number>,
}

/// A digit at `i`: ASCII or full-width; its value and length in bytes.
fn digit_at(bytes: &[u8], i: usize) -> Option<(u32, usize)> {
    match bytes.get(i)? {
        b @ b'0'..=b'9' => Some(((b - b'0') as u32, 1)),
        // U+FF10..U+FF19: EF BC 90..99
        0xEF if bytes.get(i + 1) == Some(&0xBC) => match bytes.get(i + 2)? {
            b @ 0x90..=0x99 => Some(((b - 0x90) as u32, 3)),
            _ => None,
        },
        _ => None,
    }
}

/// The characters outside ASCII that may start a number (full-width digits and [`NUMERALS`]), one
/// bit each, so that the scanner passes over every other character with one test.
static NUMBER_STARTS: Bits16 = {
    let mut set = Bits16::EMPTY.with_range('０' as usize, '９' as usize);
    let mut i = 0;
    while i < NUMERALS.len() {
        set = set.with(NUMERALS[i] as usize);
        i += 1;
    }
    set
};

/// Whether the character `c` (a code point) may start a number: a full-width digit or a numeral.
#[inline]
fn starts_number(c: usize) -> bool {
    NUMBER_STARTS.contains(c)
}

impl Scanner<'_, '_> {
    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..)?.chars().next()
    }

    fn char_before(&self, i: usize) -> Option<char> {
        self.text[..i].chars().next_back()
    }

    fn starts_with_at(&self, i: usize, s: &str) -> bool {
        self.bytes.get(i..i + s.len()) == Some(s.as_bytes())
    }

    pub(super) fn scan(&mut self, from: usize, to: usize) {
        let mut i = from;
        while i < to {
            let b = self.bytes[i];
            if b < 0x80 {
                i = if b.is_ascii_digit() {
                    self.digits(i, to)
                } else if b.is_ascii_alphabetic() {
                    self.word(i, to)
                } else {
                    i + 1
                };
                continue;
            }
            // Every character that may start a number outside ASCII takes three bytes: the
            // others are passed over by their length.
            if !(0xE0..0xF0).contains(&b) {
                i += if b >= 0xF0 { 4 } else { 2 };
                continue;
            }
            let at = |k: usize| self.bytes.get(i + k).map_or(0, |&x| x as usize & 0x3F);
            let c = (b as usize & 0x0F) << 12 | at(1) << 6 | at(2);
            if starts_number(c) {
                if ('０' as usize..='９' as usize).contains(&c) {
                    i = self.digits(i, to);
                    continue;
                }
                if self.cjk {
                    i = self.cjk_numeral(i, to);
                    continue;
                }
            }
            i += 3;
        }
    }

    /// Pushes a number after looking at what follows it in Chinese or Japanese (%, 月, 年代, 分之,
    /// 回目, 个百分点); returns where scanning goes on.
    fn finish(&mut self, mut n: Number, end: usize, to: usize, integral: bool) -> usize {
        let mut end = end;
        let text = self.text;
        let rest = &text[end.min(to)..to];
        let at = |s: &str| rest.starts_with(s);
        if at("%") {
            n.kind = NumberKind::Percent;
            end += 1;
        } else if at("％") {
            n.kind = NumberKind::Percent;
            end += '％'.len_utf8();
        } else if at(" %") {
            n.kind = NumberKind::Percent;
            end += 2;
        } else if at("个百分点") || at("個百分點") || at("パーセント") || at("ポイント")
        {
            n.kind = NumberKind::Percent;
        } else if self.cjk && (at("割") || (at("成") && tenths_of(rest))) && n.value <= 10.0 {
            // 六成, 6割: tenths.
            n.value *= 10.0;
            n.kind = NumberKind::Percent;
            n.role = Role::Figure;
            end += '成'.len_utf8();
        } else if at("年代") || at("世纪") || at("世紀") {
            n.role = Role::Name;
        } else if at("进制") || at("進") || at(" 进制") || at(" 進") {
            // 十六进制, 16進数, 8 進: a number base, named by its base.
            n.role = Role::Name;
        } else if at("分之") || at("分の") || at(" 分の") {
            // 三分之一, 4分の1: a fraction's parts are words (`a quarter`, `a third`).
            n.role = Role::Word;
        } else if text[..n.start].ends_with("分之") || text[..n.start].ends_with("分の") {
            n.role = Role::Word;
        } else if at("回目") || at("番目") {
            n.kind = NumberKind::Ordinal;
        } else if at("月")
            && integral
            && (1.0..=12.0).contains(&n.value)
            && n.kind == NumberKind::Plain
            && !matches!(self.char_at(n.start), Some('两' | '兩' | '両'))
        {
            let month = n.value as u8;
            end += '月'.len_utf8();
            // 一月あたり, 一月間: one month (ひとつき), not January.
            if month == 1 && self.char_at(n.start) == Some('一') {
                let after = &text[end.min(to)..to];
                if after.starts_with("あたり") || after.starts_with('間') {
                    n.role = Role::Word;
                    n.end = end;
                    self.out.push(n);
                    return end;
                }
            }
            let mut day = 0;
            if let Some((d, k)) = self.day_after(end, to) {
                day = d;
                end = k;
            }
            n.kind = NumberKind::Date { month, day };
            n.value = if day > 0 { day as f64 } else { month as f64 };
            n.role = Role::Figure;
        }
        // 1時間, 1年, 1人 for "an hour", "a year", "a person": one, counted, reads as a word.
        if self.cjk
            && n.value == 1.0
            && n.kind == NumberKind::Plain
            && n.role == Role::Figure
            && rest
                .chars()
                .next()
                .is_some_and(|c| is_measure(c) || c == '時')
        {
            n.role = Role::Word;
        }
        n.end = n.end.max(end);
        self.out.push(n);
        end
    }
}

/// Whether `成` at the start of `rest` means tenths (六成受访者), not a word (成为, 成立).
fn tenths_of(rest: &str) -> bool {
    const WORDS: &str = "为為立功果绩績长長熟本员員都就交型了人年分品效形语語像全败敗事份";
    !rest['成'.len_utf8()..]
        .chars()
        .next()
        .is_some_and(|c| WORDS.contains(c))
}

#[cfg(test)]
pub(super) mod tests {
    use super::cjk::numeral;
    use super::*;
    use crate::model::Lang;
    use crate::text::numbers::extract;

    fn lang(s: &str) -> Lang {
        Lang::parse(s).unwrap()
    }

    /// (value, kind, role, text) of each number.
    pub(super) fn read(text: &str, l: &str) -> Vec<(f64, NumberKind, Role, String)> {
        extract(text, &lang(l))
            .into_iter()
            .map(|n| (n.value, n.kind, n.role, n.text(text).to_string()))
            .collect()
    }

    /// (value, kind) of each number that is not a name.
    pub(super) fn values(text: &str, l: &str) -> Vec<(f64, NumberKind)> {
        extract(text, &lang(l))
            .into_iter()
            .filter(|n| n.role != Role::Name)
            .map(|n| (n.value, n.kind))
            .collect()
    }

    use NumberKind::{Percent as P, Plain as N};

    /// Values and kinds a text must give.
    pub(super) type Expected<'a> = &'a [(f64, NumberKind)];
    /// Values, kinds and roles.
    pub(super) type WithRoles<'a> = &'a [(f64, NumberKind, Role)];
    /// A date.
    pub(super) fn d(month: u8, day: u8) -> NumberKind {
        NumberKind::Date { month, day }
    }

    #[test]
    fn the_number_start_table_agrees_with_the_numerals() {
        for c in (0x80..0x11000).filter_map(char::from_u32) {
            let expected = numeral(c).is_some() || ('０'..='９').contains(&c);
            assert_eq!(starts_number(c as usize), expected, "{c:?}");
        }
    }

    #[test]
    fn markup_is_skipped() {
        let s = r#"<bpt i="1">&lt;b size=&quot;12&quot;&gt;</bpt>46%<ept i="1">&lt;/b&gt;</ept>&#160;of 2020"#;
        assert_eq!(values(s, "en"), [(46.0, P), (2020.0, N)]);
    }
}
