//! English number words: cardinals (`twenty-five`, `three hundred thousand`, `a dozen`),
//! ordinals (`twenty-first`), the words that imply a number (`twice`, `decade`), and the cases
//! where such a word is code or a unit of time, not a number (`--first`, `a second`).

use super::Scanner;
use crate::text::numbers::words::{Entry, lookup};
use crate::text::numbers::{Number, NumberKind, Role};

impl Scanner<'_, '_> {
    /// A run of ASCII letters at `start`: an English number word, ordinal or month; returns where
    /// scanning goes on.
    pub(super) fn word(&mut self, start: usize, to: usize) -> usize {
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

    pub(super) fn next_word(&self, j: usize, to: usize) -> Option<usize> {
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
}

#[cfg(test)]
mod tests {
    use crate::text::numbers::NumberKind::{Ordinal as O, Plain as N};
    use crate::text::numbers::Role;
    use crate::text::numbers::scanner::tests::{WithRoles, read};

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
}
