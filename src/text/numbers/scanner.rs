//! The scanner that reads numbers out of a text: figures, numerals, number words, percentages,
//! ordinals and dates.

use crate::bits::Bits16;

use super::words::{Entry, lookup};
use super::{Number, NumberKind, Role};

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

/// A Chinese or Japanese numeral character.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Numeral {
    Digit(u32),
    /// 十, 百, 千.
    Unit(f64),
    /// 万, 亿, 兆.
    Scale(f64),
}

/// The Chinese and Japanese numerals [`numeral`] knows.
const NUMERALS: [char; 23] = [
    '〇', '零', '一', '二', '两', '兩', '両', '三', '四', '五', '六', '七', '八', '九', '十', '百',
    '千', '万', '萬', '亿', '億', '兆', '京',
];

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

fn numeral(c: char) -> Option<Numeral> {
    // Every numeral but 〇 lies in U+4E00..=U+96F6 (一 .. 零): kana, punctuation and the rest of
    // the ideographs are ruled out by one range test.
    if c != '〇' && !matches!(c as u32, 0x4E00..=0x96F6) {
        return None;
    }
    Some(match c {
        '〇' | '零' => Numeral::Digit(0),
        '一' => Numeral::Digit(1),
        '二' | '两' | '兩' | '両' => Numeral::Digit(2),
        '三' => Numeral::Digit(3),
        '四' => Numeral::Digit(4),
        '五' => Numeral::Digit(5),
        '六' => Numeral::Digit(6),
        '七' => Numeral::Digit(7),
        '八' => Numeral::Digit(8),
        '九' => Numeral::Digit(9),
        '十' => Numeral::Unit(10.0),
        '百' => Numeral::Unit(100.0),
        '千' => Numeral::Unit(1000.0),
        '万' | '萬' => Numeral::Scale(1e4),
        '亿' | '億' => Numeral::Scale(1e8),
        '兆' => Numeral::Scale(1e12),
        '京' => Numeral::Scale(1e16),
        _ => return None,
    })
}

/// Counters and measure words after which 一 is the number one (一个, 一次, 一年).
fn is_measure(c: char) -> bool {
    const MEASURES: &str = "个個位名人次回届屆项項件种種家条條台部本张張枚只隻匹头頭天日年月周週岁歲歳倍场場轮輪批组組国國度点點元円份艘架辆輛座所篇册冊季期号號层级級社つかカヶケ箇秒分時时行字列页頁";
    MEASURES.contains(c)
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

    /// Digits at `i` (and what they carry along: sign, separators, decimals, suffixes, scale words);
    /// returns where scanning goes on.
    fn digits(&mut self, start: usize, to: usize) -> usize {
        let bytes = self.bytes;
        // A character reference (&#160;) is not a number.
        if start >= 2 && bytes[start - 1] == b'#' && bytes[start - 2] == b'&' {
            return memchr::memchr(b';', &bytes[start..to]).map_or(to, |p| start + p + 1);
        }
        // 0x1F, 0x%lx: a hexadecimal literal is code.
        if bytes[start] == b'0' && matches!(bytes.get(start + 1), Some(b'x' | b'X')) {
            let mut k = start + 2;
            while k < to && (bytes[k].is_ascii_hexdigit() || bytes[k] == b'%') {
                k += 1;
            }
            if k > start + 2 {
                self.out
                    .push(Number::new(0.0, NumberKind::Plain, Role::Name, start, k));
                return k;
            }
        }
        if let Some(end) = self.slashed(start, to) {
            return end;
        }
        let mut i = start;
        let mut int = 0f64;
        let mut ndigits = 0;
        while let Some((d, len)) = digit_at(bytes, i).filter(|_| i < to) {
            int = int * 10.0 + d as f64;
            i += len;
            ndigits += 1;
        }
        // Thousands separators: groups of exactly three digits (1,000,000; not the list "1,2").
        if ndigits <= 3 && bytes[start].is_ascii_digit() {
            while i + 4 <= to
                && bytes[i] == b','
                && bytes[i + 1..i + 4].iter().all(u8::is_ascii_digit)
                && !(i + 4 < to && bytes[i + 4].is_ascii_digit())
            {
                for &d in &bytes[i + 1..i + 4] {
                    int = int * 10.0 + (d - b'0') as f64;
                }
                i += 4;
            }
        }
        let mut value = int;
        let mut role = Role::Figure;
        let mut integral = true;
        // Decimals; a second decimal point makes it a version or an address.
        let point = |i: usize| -> Option<usize> {
            if bytes.get(i) == Some(&b'.') {
                Some(1)
            } else if self.starts_with_at(i, "．") {
                Some(3)
            } else {
                None
            }
        };
        if let Some(pl) = point(i).filter(|&pl| i + pl < to && digit_at(bytes, i + pl).is_some()) {
            let mut j = i + pl;
            let mut scale = 0.1;
            while let Some((d, len)) = digit_at(bytes, j).filter(|_| j < to) {
                value += d as f64 * scale;
                scale /= 10.0;
                j += len;
            }
            i = j;
            integral = false;
            while let Some(pl) =
                point(i).filter(|&pl| i + pl < to && digit_at(bytes, i + pl).is_some())
            {
                role = Role::Name;
                i += pl;
                while let Some((_, len)) = digit_at(bytes, i).filter(|_| i < to) {
                    i += len;
                }
            }
        }
        let mut kind = NumberKind::Plain;
        let mut num_start = start;
        // What stands before.
        match self.char_before(start) {
            // %1$s, {0}, %s$2, %2$.*1$s, ISO_8859: placeholders and identifiers.
            Some(c) if c.is_ascii_alphabetic() || matches!(c, '%' | '{' | '*' | '_') => {
                role = Role::Name
            }
            // %s$2, %2$.*1$s (but $2bn, US$5 are money).
            Some('$')
                if start >= 2
                    && (bytes[start - 2].is_ascii_lowercase()
                        || bytes[start - 2].is_ascii_digit()) =>
            {
                role = Role::Name
            }
            // %.250s: a precision.
            Some('.') if start >= 2 && bytes[start - 2] == b'%' => role = Role::Name,
            // fread(3), stat(2): a manual section.
            Some('(')
                if start >= 2
                    && bytes[start - 2].is_ascii_alphabetic()
                    && bytes.get(i) == Some(&b')') =>
            {
                role = Role::Name
            }
            Some(c @ ('-' | '‐' | '−')) => {
                let dash = start - c.len_utf8();
                // ms1-16-003, ISO_8859-1: the rest of a name.
                let after_name = self
                    .out
                    .last()
                    .is_some_and(|n| n.end == dash && n.role == Role::Name);
                match self.char_before(dash) {
                    _ if after_name => role = Role::Name,
                    Some(p) if p.is_ascii_alphabetic() => role = Role::Name,
                    Some(p) if p.is_ascii_digit() || p.is_alphanumeric() => {}
                    _ => {
                        value = -value;
                        num_start = dash;
                    }
                }
            }
            Some('第') => {
                kind = NumberKind::Ordinal;
                num_start = start - '第'.len_utf8();
            }
            Some('负' | '負') => {
                value = -value;
                num_start = start - '负'.len_utf8();
            }
            _ => {}
        }
        // What follows.
        let mut end = i;
        if let Some(b) = bytes.get(i).copied().filter(|_| i < to)
            && b.is_ascii_alphabetic()
        {
            let mut k = i;
            while k < to && bytes[k].is_ascii_alphabetic() {
                k += 1;
            }
            let suffix = &self.text[i..k];
            let lower = |s: &str| suffix.eq_ignore_ascii_case(s);
            if ["st", "nd", "rd", "th"].iter().any(|s| lower(s)) {
                kind = NumberKind::Ordinal;
            } else if lower("s") && ndigits == 4 && integral {
                role = Role::Name; // 1990s
            } else if lower("bn") {
                value *= 1e9;
            } else if lower("tn") {
                value *= 1e12;
            } else if lower("mn") {
                value *= 1e6;
            } else if !is_unit(suffix) {
                role = Role::Name; // 5G, 3D, 737MAX
            }
            // 16th-century, 5km: the figure is the digits with their suffix.
            return self.finish(
                Number::new(value, kind, role, num_start, k),
                k,
                to,
                integral,
            );
        }
        if self.english && kind == NumberKind::Plain && role == Role::Figure {
            // 35.8 trillion, 46 percent, 46-percent, 5 million.
            if let Some((mult, percent, k)) = self.english_suffix(i, to) {
                value *= mult;
                if percent {
                    kind = NumberKind::Percent;
                }
                end = k;
                if mult != 1.0
                    && let Some((_, true, k2)) = self.english_suffix(end, to)
                {
                    kind = NumberKind::Percent;
                    end = k2;
                }
                return self.finish(
                    Number::new(value, kind, role, num_start, end),
                    end,
                    to,
                    integral,
                );
            }
        }
        // 35.8万亿, 500万, 35兆8000億, 3千.
        let scale_at = if self.approximately(end, to) {
            end + '多'.len_utf8()
        } else if self.cjk
            && bytes.get(end) == Some(&b' ')
            && matches!(
                self.char_at(end + 1)
                    .filter(|_| end + 1 < to)
                    .and_then(numeral),
                Some(Numeral::Scale(_))
            )
        {
            // 20 亿: a space between the figure and its scale.
            end + 1
        } else {
            end
        };
        if let Some(Numeral::Scale(_) | Numeral::Unit(100.0 | 1000.0)) = self
            .char_at(scale_at)
            .filter(|_| scale_at < to)
            .and_then(numeral)
        {
            let from = if bytes.get(end) == Some(&b' ') {
                end + 1
            } else {
                end
            };
            let (v, k) = self.cjk_amount(from, to, Some(value));
            value = v;
            end = k;
            integral = value.fract() == 0.0;
        }
        self.finish(
            Number::new(value, kind, role, num_start, end),
            end,
            to,
            integral,
        )
    }

    /// Figures joined by slashes at `start`: a date `12/31/99` (month, day, year: 1999年12月31日)
    /// or a fraction `1/2` (半, 2分の1: a word of value 0.5); returns the end, `None` for
    /// anything else (`1/3/5/7`, `24/7`, paths).
    fn slashed(&mut self, start: usize, to: usize) -> Option<usize> {
        let bytes = self.bytes;
        let run = |i: usize| -> (u32, usize) {
            let mut v = 0u32;
            let mut k = i;
            while k < to && k - i < 4 && bytes[k].is_ascii_digit() {
                v = v * 10 + (bytes[k] - b'0') as u32;
                k += 1;
            }
            (v, k)
        };
        let glued = |k: usize| k < to && (bytes[k].is_ascii_alphanumeric() || bytes[k] == b'/');
        let (a, i) = run(start);
        // 2009/01/11, 2009-11-01: year, month, day.
        if i - start == 4
            && matches!(bytes.get(i), Some(b'/' | b'-'))
            && !(start > 0 && bytes[start - 1].is_ascii_alphanumeric())
        {
            let sep = bytes[i];
            let (m, j) = run(i + 1);
            if j - i - 1 == 2 && bytes.get(j) == Some(&sep) {
                let (d, k) = run(j + 1);
                if k - j - 1 == 2 && !glued(k) && (1..=12).contains(&m) && (1..=31).contains(&d) {
                    let date = NumberKind::Date {
                        month: m as u8,
                        day: d as u8,
                    };
                    self.out.push(Number::new(
                        a as f64,
                        NumberKind::Plain,
                        Role::Figure,
                        start,
                        i,
                    ));
                    self.out
                        .push(Number::new(d as f64, date, Role::Figure, i + 1, k));
                    return Some(k);
                }
            }
            return None;
        }
        if i - start > 2
            || bytes.get(i) != Some(&b'/')
            || (start > 0 && (bytes[start - 1] == b'/' || bytes[start - 1].is_ascii_alphanumeric()))
        {
            return None;
        }
        let (b, j) = run(i + 1);
        if j == i + 1 || j - i - 1 > 2 {
            return None;
        }
        if bytes.get(j) == Some(&b'/') && j + 1 < to {
            let (y, k) = run(j + 1);
            let ylen = k - j - 1;
            if !(ylen == 2 || ylen == 4) || glued(k) || !(1..=12).contains(&a) {
                return None;
            }
            if !(1..=31).contains(&b) {
                return None;
            }
            let year = match ylen {
                2 if y >= 50 => 1900 + y,
                2 => 2000 + y,
                _ => y,
            };
            if b <= 12 && a != b {
                // 01/11/2009: January 11 in the United States, 1 November elsewhere; either
                // matches.
                for (m, d) in [(a, b), (b, a)] {
                    let date = NumberKind::Date {
                        month: m as u8,
                        day: d as u8,
                    };
                    self.out
                        .push(Number::new(d as f64, date, Role::Name, start, j));
                }
            } else {
                let date = NumberKind::Date {
                    month: a as u8,
                    day: b as u8,
                };
                self.out
                    .push(Number::new(b as f64, date, Role::Figure, start, j));
            }
            self.out.push(Number::new(
                year as f64,
                NumberKind::Plain,
                Role::Figure,
                j + 1,
                k,
            ));
            return Some(k);
        }
        if glued(j) || a == 0 || !(2..=10).contains(&b) || a >= b {
            return None;
        }
        self.out.push(Number::new(
            a as f64 / b as f64,
            NumberKind::Plain,
            Role::Word,
            start,
            j,
        ));
        Some(j)
    }

    /// English words after a figure: a scale (`million`) or `percent`, `per cent`, `percentage
    /// point(s)`, `%`; the multiplier, whether it is a percentage, and the end.
    fn english_suffix(&self, i: usize, to: usize) -> Option<(f64, bool, usize)> {
        let bytes = self.bytes;
        let mut j = i;
        if bytes.get(j) == Some(&b'%') {
            return Some((1.0, true, j + 1));
        }
        while j < to && matches!(bytes[j], b' ' | b'-') && j - i < 2 {
            j += 1;
        }
        if j == i || j >= to {
            return None;
        }
        if bytes[j] == b'%' {
            return Some((1.0, true, j + 1));
        }
        let mut k = j;
        while k < to && bytes[k].is_ascii_alphabetic() {
            k += 1;
        }
        let w = &self.text[j..k];
        let is = |s: &str| w.eq_ignore_ascii_case(s);
        let mult = if is("percent") {
            return Some((1.0, true, k));
        } else if is("per") && self.text[k..to].starts_with(" cent") {
            return Some((1.0, true, k + 5));
        } else if is("percentage") {
            let rest = &self.text[k..to];
            let k = if rest.starts_with(" points") {
                k + 7
            } else if rest.starts_with(" point") {
                k + 6
            } else {
                k
            };
            return Some((1.0, true, k));
        } else if is("hundred") {
            1e2
        } else if is("thousand") {
            1e3
        } else if is("million") {
            1e6
        } else if is("billion") {
            1e9
        } else if is("trillion") {
            1e12
        } else {
            return None;
        };
        Some((mult, false, k))
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

    /// Whether `多` or `余` at `i` stands between a number and its scale (`500多万`).
    fn approximately(&self, i: usize, to: usize) -> bool {
        let rest = &self.text[i.min(to)..to];
        let mut chars = rest.chars();
        matches!(chars.next(), Some('多' | '余' | '餘'))
            && matches!(chars.next().and_then(numeral), Some(Numeral::Scale(_)))
    }

    /// A day of the month after 月: `30日`, `三十日`, `3号`; the day and the end.
    fn day_after(&self, i: usize, to: usize) -> Option<(u8, usize)> {
        let bytes = self.bytes;
        let (value, k) = if digit_at(bytes, i).is_some() {
            let mut k = i;
            let mut v = 0u32;
            while let Some((d, len)) = digit_at(bytes, k).filter(|_| k < to) {
                v = v.saturating_mul(10).saturating_add(d);
                k += len;
            }
            (v as f64, k)
        } else if self.cjk && self.char_at(i).and_then(numeral).is_some() {
            self.cjk_amount(i, to, None)
        } else {
            return None;
        };
        let rest = &self.text[k..to];
        let day_mark = ['日', '号', '號']
            .into_iter()
            .find(|&c| rest.starts_with(c))?;
        if value.fract() != 0.0 || !(1.0..=31.0).contains(&value) {
            return None;
        }
        Some((value as u8, k + day_mark.len_utf8()))
    }

    /// Reads a run of Chinese or Japanese numerals (with figures among them: `35兆8000億`) from
    /// `i`, `first` being a figure already read before it; the value and the end.
    fn cjk_amount(&self, i: usize, to: usize, first: Option<f64>) -> (f64, usize) {
        let mut total = 0f64;
        let mut last_scale = f64::INFINITY;
        let mut section = 0f64;
        let mut current = first;
        let mut j = i;
        let mut digits_only = first.is_none();
        let mut run = 0u32; // consecutive digit characters, for 二〇二〇
        let mut concat = 0f64;
        let mut after_digit = first.is_some();
        while j < to {
            if let Some((_, _)) = digit_at(self.bytes, j) {
                let mut v = 0f64;
                while let Some((d, len)) = digit_at(self.bytes, j).filter(|_| j < to) {
                    v = v * 10.0 + d as f64;
                    j += len;
                }
                current = Some(v);
                digits_only = false;
                after_digit = true;
                continue;
            }
            let Some(c) = self.char_at(j) else { break };
            // 500多万, 3千余亿: "more than" before the scale.
            if self.approximately(j, to) && current.is_some() {
                j += c.len_utf8();
                continue;
            }
            let Some(n) = numeral(c) else { break };
            // 十三五 is 13 and 5: a digit right after a digit ends a number that has units.
            if matches!(n, Numeral::Digit(d) if d != 0) && after_digit && !digits_only {
                break;
            }
            after_digit = matches!(n, Numeral::Digit(d) if d != 0);
            j += c.len_utf8();
            match n {
                Numeral::Digit(d) => {
                    run += 1;
                    concat = concat * 10.0 + d as f64;
                    if d != 0 {
                        current = Some(d as f64);
                    }
                }
                Numeral::Unit(u) => {
                    digits_only = false;
                    section += current.unwrap_or(1.0) * u;
                    current = None;
                }
                Numeral::Scale(s) => {
                    digits_only = false;
                    let n = section + current.unwrap_or(0.0);
                    // 万亿: a larger scale multiplies what came before; 兆...億: a smaller one adds.
                    if s > last_scale {
                        total = (total + n) * s;
                    } else {
                        total += n * s;
                    }
                    last_scale = s;
                    section = 0.0;
                    current = None;
                }
            }
        }
        if digits_only && run >= 2 {
            return (concat, j);
        }
        (total + section + current.unwrap_or(0.0), j)
    }

    /// A run of Chinese or Japanese numerals at `start`; returns where scanning goes on.
    fn cjk_numeral(&mut self, start: usize, to: usize) -> usize {
        let c = self
            .char_at(start)
            .expect("start is on a character boundary");
        let first = numeral(c).expect("the caller saw a numeral");
        let after_first = start + c.len_utf8();
        // 百分之四十六: a percentage.
        if c == '百' && self.text[after_first..to].starts_with("分之") {
            let k = after_first + "分之".len();
            if self.char_at(k).and_then(numeral).is_some() || digit_at(self.bytes, k).is_some() {
                let (v, end) = if digit_at(self.bytes, k).is_some() {
                    let before = self.out.len();
                    let end = self.digits(k, to);
                    if self.out.len() > before {
                        let n = self.out.pop().expect("a number was pushed");
                        (n.value, end)
                    } else {
                        return end;
                    }
                } else {
                    self.cjk_amount(k, to, None)
                };
                self.out.push(Number::new(
                    v,
                    NumberKind::Percent,
                    Role::Figure,
                    start,
                    end,
                ));
                return end;
            }
        }
        // 万一, 万物, 百姓, 千万, 亿万: not numbers.
        if matches!(first, Numeral::Scale(_) | Numeral::Unit(100.0 | 1000.0)) {
            return after_first;
        }
        let before = self.char_before(start);
        let (value, end) = self.cjk_amount(start, to, None);
        // 数十, 几百: approximations.
        if matches!(before, Some('数' | '數' | '几' | '幾')) {
            return end;
        }
        let chars = self.text[start..end].chars().count();
        let next = self.char_at(end).filter(|_| end < to);
        let ordinal = before == Some('第');
        let mut role = Role::Figure;
        // 倒数第二: second from the end (`next to last`).
        let from_end = ordinal && self.text[..start - '第'.len_utf8()].ends_with("倒数");
        if chars == 1 {
            match first {
                Numeral::Digit(0) => return end,
                Numeral::Digit(1) => {
                    let counted = next.is_some_and(is_measure) && before != Some('进');
                    if !ordinal && !counted {
                        return end;
                    }
                    role = Role::Word;
                }
                _ if ordinal && first != Numeral::Digit(1) => {}
                _ => role = Role::Word,
            }
            // 一月, 十二月 are months: Figure (set in `finish`).
        } else if self.text[start..end]
            .chars()
            .all(|c| matches!(numeral(c), Some(Numeral::Digit(_))))
            && chars == 2
            && !self.text[start..end].contains(['〇', '零'])
            && next != Some('年')
        {
            // 三四个: three or four.
            return end;
        }
        if matches!(next, Some('几' | '幾' | '数' | '數')) {
            role = Role::Word; // 十几, 十数
        }
        if from_end {
            role = Role::Name;
        }
        let mut n = Number::new(value, NumberKind::Plain, role, start, end);
        let mut num_start = start;
        if ordinal {
            n.kind = NumberKind::Ordinal;
            num_start -= '第'.len_utf8();
        } else if matches!(before, Some('负' | '負')) {
            n.value = -n.value;
            num_start -= '负'.len_utf8();
        }
        n.start = num_start;
        // A month needs an integer that is not 两.
        self.finish(n, end, to, value.fract() == 0.0)
    }

    /// A run of ASCII letters at `start`: an English number word, ordinal or month; returns where
    /// scanning goes on.
    fn word(&mut self, start: usize, to: usize) -> usize {
        let bytes = self.bytes;
        let mut k = start;
        while k < to && bytes[k].is_ascii_alphabetic() {
            k += 1;
        }
        if bytes.get(k).is_some_and(u8::is_ascii_digit) {
            return k;
        }
        // 'JAN' < ... < 'DEC': a month name quoted in capitals.
        if k - start == 3
            && start > 0
            && matches!(bytes[start - 1], b'\'' | b'"')
            && bytes.get(k) == Some(&bytes[start - 1])
            && let Some(Entry::Month(m)) = lookup(&self.text[start..k])
        {
            self.out.push(Number::new(
                m as f64,
                NumberKind::Date { month: m, day: 0 },
                Role::Figure,
                start,
                k,
            ));
            return k;
        }
        if !self.english {
            // An English month name kept in a Chinese or Japanese text (例: January, 例: Jan).
            if k - start >= 3
                && bytes[start].is_ascii_uppercase()
                && let Some(Entry::Month(m)) = lookup(&self.text[start..k])
            {
                return self.month(m, start, k, to);
            }
            return k;
        }
        // Inside a longer word (don't, e-mail): letters glued to digits or apostrophes.
        if start > 0 && matches!(bytes[start - 1], b'\'' | b'_' | b'/') {
            return k;
        }
        // FIRST, LAST, ONE: placeholders and acronyms, not words.
        if k - start >= 2 && bytes[start..k].iter().all(u8::is_ascii_uppercase) {
            return k;
        }
        let Some(entry) = lookup(&self.text[start..k]) else {
            return k;
        };
        // Inside a command-line option (`--first-line-number`, `--twelve`): code, not words.
        if self.in_option(start) {
            return k;
        }
        match entry {
            Entry::Implied(values) => {
                for &v in values {
                    self.out
                        .push(Number::new(v, NumberKind::Plain, Role::Name, start, k));
                }
                k
            }
            Entry::Month(m) => self.month(m, start, k, to),
            Entry::A => {
                // a hundred, a thousand, a million, a dozen
                let j = k + 1;
                if bytes.get(k) == Some(&b' ')
                    && let Some(w) = self.next_word(j, to)
                    && matches!(
                        lookup(&self.text[j..w]),
                        Some(Entry::Scale(_) | Entry::Dozen)
                    )
                {
                    return self.number_words(start, j, to, Some(1.0));
                }
                k
            }
            Entry::Ordinal(v) if v == 2.0 && self.time_unit(start) => k,
            _ => self.number_words(start, start, to, None),
        }
    }

    /// Whether the word at `start` belongs to a token that begins with `-` (an option).
    fn in_option(&self, start: usize) -> bool {
        let token = self.bytes[..start]
            .iter()
            .rposition(|&b| !(b.is_ascii_alphanumeric() || b == b'-'))
            .map_or(0, |p| p + 1);
        self.bytes.get(token) == Some(&b'-') && self.bytes.get(token + 1) != Some(&b' ')
    }

    /// Whether `second` at `start` is the unit of time: after `a`, `per`, `each`, `every`,
    /// `one` or a figure (`1 second`, `tenths of a second`).
    fn time_unit(&self, start: usize) -> bool {
        let before = self.text[..start].trim_end();
        if before.ends_with(|c: char| c.is_ascii_digit()) {
            return true;
        }
        let prev = before
            .rsplit(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        if ["per", "each", "every", "one"]
            .iter()
            .any(|w| prev.eq_ignore_ascii_case(w))
        {
            return true;
        }
        // `a second` is the unit where no noun follows (`tenths of a second`, `a second or
        // two`), the ordinal before one (`a second popup`, `a second time`).
        if !prev.eq_ignore_ascii_case("a") {
            return false;
        }
        let after = self.text[start + "second".len()..].trim_start_matches(' ');
        let next: &str = after
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        next.is_empty()
            || [
                "and", "or", "to", "for", "of", "in", "before", "after", "later", "ago",
            ]
            .iter()
            .any(|w| next.eq_ignore_ascii_case(w))
    }

    fn next_word(&self, j: usize, to: usize) -> Option<usize> {
        let mut w = j;
        while w < to && self.bytes[w].is_ascii_alphabetic() {
            w += 1;
        }
        (w > j).then_some(w)
    }

    /// English number words from `from` (`twenty-five`, `three hundred thousand`, `a dozen`,
    /// `twenty-first`); `start` is where the number begins (before an `a`).
    fn number_words(&mut self, start: usize, from: usize, to: usize, first: Option<f64>) -> usize {
        let bytes = self.bytes;
        let mut total = 0f64;
        let mut current = first.unwrap_or(0.0);
        let mut j = from;
        let mut end = from;
        let mut ordinal = false;
        let mut scaled = false;
        let mut dozen = false;
        let mut words = 0;
        let mut last_was_tens = false;
        let mut last_was_scale = first.is_some();
        while let Some(w) = self.next_word(j, to) {
            let Some(entry) = lookup(&self.text[j..w]) else {
                break;
            };
            match entry {
                Entry::Unit(v) if words == 0 || last_was_tens || last_was_scale => {
                    current += v;
                    last_was_tens = false;
                    last_was_scale = false;
                }
                Entry::Tens(v) if words == 0 || last_was_scale => {
                    current += v;
                    last_was_tens = true;
                    last_was_scale = false;
                }
                Entry::Ordinal(v) if words == 0 || last_was_tens || last_was_scale => {
                    current += v;
                    ordinal = true;
                }
                Entry::Scale(s) if words > 0 || first.is_some() => {
                    scaled = true;
                    if s == 100.0 {
                        current = current.max(1.0) * 100.0;
                    } else {
                        total += current.max(1.0) * s;
                        current = 0.0;
                    }
                    last_was_tens = false;
                    last_was_scale = true;
                }
                Entry::Dozen if (words > 0 || first.is_some()) && !scaled => {
                    current = current.max(1.0) * 12.0;
                    dozen = true;
                }
                _ => break,
            }
            words += 1;
            end = w;
            if ordinal {
                break;
            }
            // Separators inside a number: `twenty-five`, `two hundred and five`, `three hundred`.
            if bytes.get(w) == Some(&b'-') || bytes.get(w) == Some(&b' ') {
                j = w + 1;
                if self.text[j..to].starts_with("and ") && scaled {
                    j += 4;
                }
            } else {
                break;
            }
        }
        if words == 0 {
            let w = self.next_word(from, to).unwrap_or(from + 1);
            // A scale word alone (`%s billion` is `%s 十亿`): a name of its value.
            if first.is_none()
                && let Some(Entry::Scale(s)) = lookup(&self.text[from..w])
            {
                self.out
                    .push(Number::new(s, NumberKind::Plain, Role::Name, start, w));
            }
            return w;
        }
        let value = total + current;
        let mut kind = if ordinal {
            NumberKind::Ordinal
        } else {
            NumberKind::Plain
        };
        let role = if ordinal || dozen || (value < 10.0 && !scaled) {
            Role::Word
        } else {
            Role::Figure
        };
        if !ordinal && let Some((1.0, true, k)) = self.english_suffix(end, to) {
            kind = NumberKind::Percent;
            end = k;
        }
        self.out.push(Number::new(value, kind, role, start, end));
        end
    }

    /// A month name at `start..k`: `Nov. 30`, `November 30th`, `30 November`, `November`.
    fn month(&mut self, month: u8, start: usize, k: usize, to: usize) -> usize {
        let bytes = self.bytes;
        // Months are capitalized; `may` and `march` are words.
        if !bytes[start].is_ascii_uppercase() {
            return k;
        }
        let word = &self.text[start..k];
        let full = ["may", "june", "july"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w));
        let abbreviated = word.len() <= 4 && !full;
        let mut j = k;
        if bytes.get(j) == Some(&b'.') {
            j += 1;
        } else if abbreviated
            && !(bytes.get(j) == Some(&b' ') && bytes.get(j + 1).is_some_and(u8::is_ascii_digit))
            && !matches!(bytes.get(j), Some(b')') | None)
        {
            // "Jan" without a period only before a day ("Jan 5") or closing a list or an
            // example ("(e.g., Jan)").
            return k;
        }
        // A day after: "Nov. 30", "November 30th".
        if bytes.get(j) == Some(&b' ') && bytes.get(j + 1).is_some_and(u8::is_ascii_digit) {
            let d0 = j + 1;
            let mut d = d0;
            let mut day = 0u32;
            while d < to && bytes[d].is_ascii_digit() && d - d0 < 3 {
                day = day * 10 + (bytes[d] - b'0') as u32;
                d += 1;
            }
            let glued = bytes.get(d).is_some_and(|b| b.is_ascii_digit());
            if !glued && (1..=31).contains(&day) && d - d0 <= 2 {
                let mut end = d;
                let suffix_end = self.next_word(d, to).unwrap_or(d);
                if matches!(
                    self.text[d..suffix_end].to_ascii_lowercase().as_str(),
                    "st" | "nd" | "rd" | "th"
                ) {
                    end = suffix_end;
                }
                self.out.push(Number::new(
                    day as f64,
                    NumberKind::Date {
                        month,
                        day: day as u8,
                    },
                    Role::Figure,
                    start,
                    end,
                ));
                return end;
            }
        }
        // A day before: "30 November", "30th of November".
        if let Some(last) = self.out.last_mut() {
            let between = &self.text[last.end..start];
            if matches!(last.kind, NumberKind::Plain | NumberKind::Ordinal)
                && last.value.fract() == 0.0
                && (1.0..=31.0).contains(&last.value)
                && (between == " " || between == " of ")
            {
                last.kind = NumberKind::Date {
                    month,
                    day: last.value as u8,
                };
                last.role = Role::Figure;
                last.end = if bytes.get(k) == Some(&b'.') {
                    k + 1
                } else {
                    k
                };
                return k;
            }
        }
        // "May" alone is a month only where a month is expected: in May, since May, May 2020.
        if month == 5 {
            let before = self.text[..start].trim_end();
            let prev_word = before
                .rsplit(|c: char| !c.is_ascii_alphabetic())
                .next()
                .unwrap_or("");
            let year_after = bytes.get(k) == Some(&b' ')
                && bytes
                    .get(k + 1..k + 5)
                    .is_some_and(|y| y.iter().all(u8::is_ascii_digit));
            let expected = [
                "in", "since", "until", "till", "by", "early", "late", "mid", "last", "next",
                "this", "of", "from", "to", "through",
            ]
            .iter()
            .any(|w| prev_word.eq_ignore_ascii_case(w));
            if !expected && !year_after {
                return k;
            }
        }
        let end = if bytes.get(k) == Some(&b'.') {
            k + 1
        } else {
            k
        };
        self.out.push(Number::new(
            month as f64,
            NumberKind::Date { month, day: 0 },
            Role::Figure,
            start,
            end,
        ));
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

/// Units written glued to a figure (`5km`, `10am`): the figure stays a figure.
fn is_unit(s: &str) -> bool {
    const UNITS: [&str; 36] = [
        "km", "kg", "cm", "mm", "m", "g", "t", "mg", "kW", "kWh", "GW", "MW", "GB", "MB", "TB",
        "KB", "kb", "mph", "kph", "am", "pm", "AM", "PM", "Hz", "GHz", "MHz", "ml", "mL", "L", "h",
        "hr", "hrs", "min", "s", "x", "k",
    ];
    UNITS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;
    use crate::text::numbers::extract;

    fn lang(s: &str) -> Lang {
        Lang::parse(s).unwrap()
    }

    /// (value, kind, role, text) of each number.
    fn read(text: &str, l: &str) -> Vec<(f64, NumberKind, Role, String)> {
        extract(text, &lang(l))
            .into_iter()
            .map(|n| (n.value, n.kind, n.role, n.text(text).to_string()))
            .collect()
    }

    fn values(text: &str, l: &str) -> Vec<(f64, NumberKind)> {
        extract(text, &lang(l))
            .into_iter()
            .filter(|n| n.role != Role::Name)
            .map(|n| (n.value, n.kind))
            .collect()
    }

    use NumberKind::{Ordinal as O, Percent as P, Plain as N};

    /// Values and kinds a text must give.
    type Expected<'a> = &'a [(f64, NumberKind)];
    /// Values, kinds and roles.
    type WithRoles<'a> = &'a [(f64, NumberKind, Role)];
    fn d(month: u8, day: u8) -> NumberKind {
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
    fn figures_separators_decimals_and_signs() {
        let cases: &[(&str, &str, Expected<'_>)] = &[
            ("1,000 people", "en", &[(1000.0, N)]),
            ("1,000,000 yuan", "en", &[(1e6, N)]),
            ("items 1,2 and 3", "en", &[(1.0, N), (2.0, N), (3.0, N)]),
            ("grew 35.8 and 3.5", "en", &[(35.8, N), (3.5, N)]),
            (
                "fell to -3.5 in 2019-2020",
                "en",
                &[(-3.5, N), (2019.0, N), (2020.0, N)],
            ),
            ("１６人参加", "zh-CN", &[(16.0, N)]),
            ("３５．８万亿元", "zh-CN", &[(35.8e12, N)]),
            ("气温负5度", "zh-CN", &[(-5.0, N)]),
            ("Nov. 30, 2020", "en", &[(30.0, d(11, 30)), (2020.0, N)]),
            ("a 5km race at 10am", "en", &[(5.0, N), (10.0, N)]),
        ];
        for (text, l, want) in cases {
            assert_eq!(values(text, l), *want, "{text}");
        }
    }

    #[test]
    fn percentages_in_every_spelling() {
        for (text, l) in [
            ("46 percent", "en"),
            ("46 per cent", "en"),
            ("46%", "en"),
            ("a 46-percent rise", "en"),
            ("增长46%", "zh-CN"),
            ("增长46％", "zh-CN"),
            ("增长百分之四十六", "zh-CN"),
            ("46パーセント増", "ja-JP"),
            ("46 percentage points", "en"),
            ("上升46个百分点", "zh-CN"),
        ] {
            assert_eq!(values(text, l), [(46.0, P)], "{text}");
        }
    }

    #[test]
    fn chinese_and_japanese_numerals() {
        let cases: &[(&str, &str, Expected<'_>)] = &[
            ("十六个国家", "zh-CN", &[(16.0, N)]),
            ("二十人", "zh-CN", &[(20.0, N)]),
            ("一百零五家", "zh-CN", &[(105.0, N)]),
            ("两千名", "zh-CN", &[(2000.0, N)]),
            ("三千五百万人", "zh-CN", &[(35e6, N)]),
            ("一亿二千万", "zh-CN", &[(1.2e8, N)]),
            ("第四次会议", "zh-CN", &[(4.0, O)]),
            ("第16届论坛", "zh-CN", &[(16.0, O)]),
            ("第十六届论坛", "zh-CN", &[(16.0, O)]),
            ("第16回フォーラム", "ja-JP", &[(16.0, O)]),
            ("十六回目", "ja-JP", &[(16.0, O)]),
            ("二〇二〇年", "zh-CN", &[(2020.0, N)]),
            ("35.8万亿", "zh-CN", &[(35.8e12, N)]),
            ("35兆8000億円", "ja-JP", &[(35.8e12, N)]),
            ("14亿人", "zh-CN", &[(1.4e9, N)]),
            ("14億人", "ja-JP", &[(1.4e9, N)]),
            ("500万", "zh-CN", &[(5e6, N)]),
            ("1万", "zh-CN", &[(1e4, N)]),
            ("十一月三十日", "zh-CN", &[(30.0, d(11, 30))]),
            ("11月30日", "ja-JP", &[(30.0, d(11, 30))]),
            ("2020年11月", "zh-CN", &[(2020.0, N), (11.0, d(11, 0))]),
            ("500多万人", "zh-CN", &[(5e6, N)]),
            ("“十三五”规划", "zh-CN", &[(13.0, N), (5.0, N)]),
            ("近六成受访者", "zh-CN", &[(60.0, P)]),
            ("回答者の6割", "ja-JP", &[(60.0, P)]),
            ("一成不变", "zh-CN", &[]),
        ];
        for (text, l, want) in cases {
            assert_eq!(values(text, l), *want, "{text}");
        }
    }

    #[test]
    fn one_in_words_is_not_a_number() {
        for text in [
            "中日两国应当一起努力",
            "携手推进一带一路建设",
            "一些专家认为",
            "一直以来",
            "国家统一",
            "唯一的途径",
            "进一步加强沟通",
            "一道前进",
            "万一失败",
            "老百姓",
            "千万不要",
            "数十个国家",
            "三四个人",
            "一層強化",
        ] {
            let figures: Vec<_> = read(text, "zh-CN")
                .into_iter()
                .filter(|n| n.2 == Role::Figure)
                .collect();
            assert!(figures.is_empty(), "{text}: {figures:?}");
        }
        // Counted, 一 is one (as a word).
        assert_eq!(read("一个国家", "zh-CN")[0].2, Role::Word);
        assert_eq!(read("两国", "zh-CN")[0].0, 2.0);
        assert_eq!(read("日中両国", "ja-JP")[0].0, 2.0);
    }

    #[test]
    fn english_words_and_ordinals() {
        let cases: &[(&str, WithRoles<'_>)] = &[
            ("the two countries", &[(2.0, N, Role::Word)]),
            ("twenty-five experts", &[(25.0, N, Role::Figure)]),
            ("two hundred and five", &[(205.0, N, Role::Figure)]),
            ("five million people", &[(5e6, N, Role::Figure)]),
            ("a dozen", &[(12.0, N, Role::Word)]),
            ("for the first time", &[(1.0, O, Role::Word)]),
            ("the first-time event", &[(1.0, O, Role::Word)]),
            ("the twenty-first century", &[(21.0, O, Role::Word)]),
            ("the 16th forum", &[(16.0, O, Role::Figure)]),
            (
                "1st, 2nd and 3rd",
                &[
                    (1.0, O, Role::Figure),
                    (2.0, O, Role::Figure),
                    (3.0, O, Role::Figure),
                ],
            ),
            ("35.8 trillion yuan", &[(35.8e12, N, Role::Figure)]),
            ("1.4 billion", &[(1.4e9, N, Role::Figure)]),
            ("10 thousand", &[(1e4, N, Role::Figure)]),
            ("$2bn", &[(2e9, N, Role::Figure)]),
            ("thousands of people", &[]),
            ("someone else", &[]),
            ("FIRST and LAST", &[]),
            ("non-zero", &[(0.0, N, Role::Word)]),
            ("twice", &[(2.0, N, Role::Word)]),
        ];
        for (text, want) in cases {
            let got: Vec<_> = read(text, "en")
                .into_iter()
                .map(|n| (n.0, n.1, n.2))
                .collect();
            assert_eq!(got, *want, "{text}");
        }
    }

    #[test]
    fn dates() {
        let cases: &[(&str, &[(f64, NumberKind)])] = &[
            ("on Nov. 30", &[(30.0, d(11, 30))]),
            ("on November 30", &[(30.0, d(11, 30))]),
            ("on 30 November", &[(30.0, d(11, 30))]),
            ("on Sept. 3rd", &[(3.0, d(9, 3))]),
            ("in November 2020", &[(11.0, d(11, 0)), (2020.0, N)]),
            ("in May", &[(5.0, d(5, 0))]),
            ("You may go", &[]),
            ("May I help", &[]),
            ("a long march", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(values(text, "en"), *want, "{text}");
        }
    }

    #[test]
    fn names_are_names() {
        for (text, l) in [
            ("the COVID-19 pandemic", "en"),
            ("since the COVID19 outbreak", "en"),
            ("the G20 summit", "en"),
            ("flight MH370", "en"),
            ("5G networks", "en"),
            ("version 3.5.1", "en"),
            ("the 1990s", "en"),
            ("新冠肺炎COVID-19", "zh-CN"),
            ("上世纪90年代", "zh-CN"),
            ("20世纪", "zh-CN"),
            ("コマンド %2$s' を", "ja-JP"),
            ("argument {0}", "en"),
        ] {
            let roles: Vec<_> = read(text, l).into_iter().map(|n| n.2).collect();
            assert!(roles.iter().all(|&r| r == Role::Name), "{text}: {roles:?}");
            assert!(!roles.is_empty(), "{text}");
        }
    }

    #[test]
    fn markup_is_skipped() {
        let s = r#"<bpt i="1">&lt;b size=&quot;12&quot;&gt;</bpt>46%<ept i="1">&lt;/b&gt;</ept>&#160;of 2020"#;
        assert_eq!(values(s, "en"), [(46.0, P), (2020.0, N)]);
    }
}
