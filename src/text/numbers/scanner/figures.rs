//! Figures written in digits: signs, thousands separators, decimals, what stands before them
//! (placeholders, identifiers, 第, 负) and what follows (ordinal suffixes, units, English scale
//! words and `percent`, Chinese and Japanese scales).

use super::cjk::{Numeral, numeral};
use super::{Scanner, digit_at};
use crate::text::numbers::{Number, NumberKind, Role};

impl Scanner<'_, '_> {
    /// Digits at `i` (and what they carry along: sign, separators, decimals, suffixes, scale words);
    /// returns where scanning goes on.
    pub(super) fn digits(&mut self, start: usize, to: usize) -> usize {
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

    /// English words after a figure: a scale (`million`) or `percent`, `per cent`, `percentage
    /// point(s)`, `%`; the multiplier, whether it is a percentage, and the end.
    pub(super) fn english_suffix(&self, i: usize, to: usize) -> Option<(f64, bool, usize)> {
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
    use crate::text::numbers::NumberKind::{Percent as P, Plain as N};
    use crate::text::numbers::Role;
    use crate::text::numbers::scanner::tests::{Expected, d, read, values};

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
}
