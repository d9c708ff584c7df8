//! Chinese and Japanese numerals: the numeral characters, runs of them with their units and
//! scales (`一百零五`, `35兆8000億`, `500多万`), 百分之 percentages, and when 一 is a word (一起,
//! 统一) rather than one.

use super::{Scanner, digit_at};
use crate::text::numbers::{Number, NumberKind, Role};

/// A Chinese or Japanese numeral character.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Numeral {
    Digit(u32),
    /// 十, 百, 千.
    Unit(f64),
    /// 万, 亿, 兆.
    Scale(f64),
}

/// The Chinese and Japanese numerals [`numeral`] knows.
pub(super) const NUMERALS: [char; 23] = [
    '〇', '零', '一', '二', '两', '兩', '両', '三', '四', '五', '六', '七', '八', '九', '十', '百',
    '千', '万', '萬', '亿', '億', '兆', '京',
];

pub(super) fn numeral(c: char) -> Option<Numeral> {
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
pub(super) fn is_measure(c: char) -> bool {
    const MEASURES: &str = "个個位名人次回届屆项項件种種家条條台部本张張枚只隻匹头頭天日年月周週岁歲歳倍场場轮輪批组組国國度点點元円份艘架辆輛座所篇册冊季期号號层级級社つかカヶケ箇秒分時时行字列页頁";
    MEASURES.contains(c)
}

impl Scanner<'_, '_> {
    /// Whether `多` or `余` at `i` stands between a number and its scale (`500多万`).
    pub(super) fn approximately(&self, i: usize, to: usize) -> bool {
        let rest = &self.text[i.min(to)..to];
        let mut chars = rest.chars();
        matches!(chars.next(), Some('多' | '余' | '餘'))
            && matches!(chars.next().and_then(numeral), Some(Numeral::Scale(_)))
    }

    /// Reads a run of Chinese or Japanese numerals (with figures among them: `35兆8000億`) from
    /// `i`, `first` being a figure already read before it; the value and the end.
    pub(super) fn cjk_amount(&self, i: usize, to: usize, first: Option<f64>) -> (f64, usize) {
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
    pub(super) fn cjk_numeral(&mut self, start: usize, to: usize) -> usize {
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
}

#[cfg(test)]
mod tests {
    use crate::text::numbers::NumberKind::{Ordinal as O, Percent as P, Plain as N};
    use crate::text::numbers::Role;
    use crate::text::numbers::scanner::tests::{Expected, d, read, values};

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
}
