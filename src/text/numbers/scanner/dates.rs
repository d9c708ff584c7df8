//! Dates: figures joined by slashes or dashes (`12/31/99`, `2009-11-01`, and the fractions
//! written the same way, `1/2`), the day after 月 (`30日`, `三十日`) and English month names
//! (`Nov. 30`, `30 November`, `in May`).

use super::cjk::numeral;
use super::{Scanner, digit_at};
use crate::text::numbers::{Number, NumberKind, Role};

impl Scanner<'_, '_> {
    /// Figures joined by slashes at `start`: a date `12/31/99` (month, day, year: 1999年12月31日)
    /// or a fraction `1/2` (半, 2分の1: a word of value 0.5); returns the end, `None` for
    /// anything else (`1/3/5/7`, `24/7`, paths).
    pub(super) fn slashed(&mut self, start: usize, to: usize) -> Option<usize> {
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

    /// A day of the month after 月: `30日`, `三十日`, `3号`; the day and the end.
    pub(super) fn day_after(&self, i: usize, to: usize) -> Option<(u8, usize)> {
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

    /// A month name at `start..k`: `Nov. 30`, `November 30th`, `30 November`, `November`.
    pub(super) fn month(&mut self, month: u8, start: usize, k: usize, to: usize) -> usize {
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

#[cfg(test)]
mod tests {
    use crate::text::numbers::NumberKind::{self, Plain as N};
    use crate::text::numbers::scanner::tests::{d, values};

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
}
