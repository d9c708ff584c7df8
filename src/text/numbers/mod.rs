//! Numbers in a segment, read the way a reviewer compares a translation with its source: figures
//! (`1,000`, `35.8`, `１６`), percentages (`46 percent`, `46%`, `百分之四十六`), ordinals (`16th`,
//! `第十六届`, `第16回`), scale words (`35.8 trillion`, `35.8万亿`, `35兆8000億`, `14亿`), English
//! number words (`six`, `twenty-five`, `first`), Chinese and Japanese numerals (`一百零五`, `两千`,
//! `二〇二〇年`) and dates (`Nov. 30`, `30 November`, `11月30日`).
//!
//! Every number gets a [`Role`] that says how sure it is to be a figure the translation must carry:
//!
//! - [`Role::Figure`]: written in digits, a number word of ten or more, a Chinese or Japanese numeral
//!   of two or more characters (`十六`), an ordinal with 第 (except 第一), a date. Missing or extra,
//!   it is reported.
//! - [`Role::Word`]: an English number word below ten (`two countries` is 两国/両国, `one of the`
//!   is often dropped), a spelled-out ordinal (`for the first time` is 首次/初めて), a single Chinese
//!   or Japanese numeral (两国, 六个, 十分, 第一). It matches a figure of the other side, but its
//!   absence is only reported when the other side has a figure left over that it can have become:
//!   a quantity or an ordinal that no missing figure accounts for (`six` rendered `5つ`, `first`
//!   rendered `第二`), never because another number of the sentence changed.
//! - [`Role::Name`]: digits that belong to a name or code: glued to letters (`COVID-19`, `COVID19`,
//!   `G20`, `MH370`, `5G`), version-like (`3.5.1`), decades and centuries (`1990s`, `90年代`,
//!   `20世纪`). `COVID-19` is 新冠肺炎/新型コロナウイルス without the 19, so such numbers are never
//!   required; they may still match (`G20` is 二十国集团).
//!
//! Chinese 一 is everywhere in words (一起, 一些, 一带一路, 统一, 唯一, 进一步, 一層): it is read as a
//! number only after 第 or before a measure word (一个, 一次, 一年), and then as a word. A numeral
//! run that starts with 百, 千, 万 or 亿 (百姓, 千万, 万一) is not a number; 数十 and 几百 (dozens,
//! hundreds) are approximations, not figures; 三四 (three or four) is a range, left out.
//!
//! # What a number means across languages
//!
//! A translation may write a number another way than its source. The model below is the one
//! place these equivalences live; each row has a test (`each_row_of_the_model_compares_clean_in_
//! chinese_and_japanese`, `every_implied_word_gives_its_values_as_names`), and the traps that
//! make real errors visible have theirs (`real_errors_stay_caught`). Numbers a row adds are of
//! [`Role::Name`] (they may match, are never required) unless the row says otherwise; both
//! directions hold, since [`compare`] matches values whichever side has them.
//!
//! | class | English | Chinese | Japanese | how |
//! |---|---|---|---|---|
//! | multiples | decade, doubled, tripled, quadrupled, twice | 十年, 翻了一番, 增长了两倍, 两次 | 10年, 2倍, 3倍, 2回 | [`IMPLIED`] gives 10, 2 (and 1), 3 (and 2: Chinese counts the increase), 4 (and 3); `two decades` gives 20 |
//! | fractions | a quarter, a third, half, 1/2, tenth of | 四分之一, 三分之一, 一半, 半页 | 4分の1, 3分の1, 2分の1, 0.1秒 | the parts of 分之 / 分の are words; `1/2` is the word 0.5; `half`, `quarter`, `an ordinal of` give the fraction and the denominator |
//! | comparisons | more than one, more than once, greater than zero, over a dozen | 不止一个, 多次, 十几 | 2つ以上, 2回以上, 1以上, 十数 | `more than N` makes N a word and gives N+1; 十几, 十数 are words |
//! | number bases | hexadecimal, hex, octal, decimal, binary | 十六进制, 八进制, 十进制, 二进制 | 16進, 8進数, 10進 | a number before 进制 / 進 is a name; the English word gives the base |
//! | months and dates | Jul, may (a segment that is only a month), (e.g., Jan), 'JAN', January kept in a Japanese text, 12/31/99, 01/11/2009, 2009-11-01 | 七月, 1999年12月31日 | 7月, 2009/01/11 | month names alone or closing an example are months; M/D/Y and Y-M-D are dates (a day and month both 12 or less match either order) |
//! | ordinal words in terms | secondary, primary, tertiary, second quarter, one of the, a second popup, next to last | 二级, 第二季度, 之一, 第二个, 倒数第二 | 第2四半期, 2つ目 | [`IMPLIED`] gives 2, 1, 3; `a second` is the unit of time only where no noun follows; 倒数第N is a name |
//! | counts in identifiers | STRING2, base32, E973, IPv6, ISO_8859-1, ms1-16-003, fread(3), %.250s, %s$2, 0x%lx | | | digits glued to letters, after `_`, `$`, `*`, `%.`, a dash after a name, in a manual section or a hexadecimal literal are names |
//! | scale words alone and powers | billion, quintillion, googol; 2 billion | 十亿, 1000的6次方, 10的100次方, 20 亿 | 十億, 100京 | a scale word alone is a name of its value; `X的Y次方` is X to the Y; a space may stand between a figure and 亿 |
//! | times and keys | midnight, noon, keypad | 0点, 12点 | 0時, 12時, 10キー | [`IMPLIED`] |
//! | idioms | 99% of the time | 十之八九 | 九分九厘 | a percentage `of the time` is a word |
//! | small counts | per page, zeros, the last hour, 1 page, 1/2 page | 一页, 用 0 补齐 | 1 ページあたり, 0 で埋める, ゼロ | a 0, 1 or 2 of one digit or numeral missing or extra alone is not reported; paired with a number of the other side it is |
//! | repetitions | three lines | 3 行を超えて…3 行に | | a figure the target repeats (a value, an ordinal or a date the source has) is not extra |
//!
//! What stays reported: a figure written in digits that changed (`16th` → 第15回, `12 rounds` →
//! 13轮), a number word whose figure changed (`six` → 5回), a date with another day, a year range
//! dropped (`Turkish, Ottoman (1500–1928)` → 奥斯曼土耳其语), a wrong multiple or power.
//!
//! Units that are not sentences (translator credits, settings such as `calendar:week_start:0`)
//! are left out by the number check itself ([`crate::matching::qa`]).
//!
//! Texts are segment contents as [`crate::model::Variant::content`] gives them: inline codes are
//! skipped (see [`super::inline`]). Offsets are bytes into that content.

mod compare;
mod scanner;
mod words;

pub use compare::{NumberDiff, compare};
pub use words::IMPLIED;

use crate::model::Lang;

use super::inline;
use scanner::Scanner;
use words::{Entry, lookup};

/// What a number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// A quantity or a year: `1,000`, `35.8 trillion`, `两千`, `2020年`.
    Plain,
    /// A percentage: `46 percent`, `46%`, `46％`, `百分之四十六`, `2个百分点`.
    Percent,
    /// An ordinal: `16th`, `first`, `第十六届`, `第16回`, `16回目`.
    Ordinal,
    /// A date: `month` 1 to 12 and `day` 1 to 31, 0 where the text does not say (`November` is
    /// month 11, day 0).
    Date {
        /// The month, 1 to 12; 0 when the text does not say.
        month: u8,
        /// The day of the month, 1 to 31; 0 when the text does not say.
        day: u8,
    },
}

impl NumberKind {
    /// Whether two numbers count the same kind of thing (both dates, whatever their days; both
    /// percentages; both ordinals; both plain), so that one may stand for the other.
    pub fn same_class(self, other: NumberKind) -> bool {
        matches!(
            (self, other),
            (NumberKind::Date { .. }, NumberKind::Date { .. })
                | (NumberKind::Percent, NumberKind::Percent)
                | (NumberKind::Ordinal, NumberKind::Ordinal)
                | (NumberKind::Plain, NumberKind::Plain)
        )
    }
}

/// How sure a number is to be a figure the translation must carry; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Must be in the translation.
    Figure,
    /// May be dropped or rephrased (`two countries` → 两国).
    Word,
    /// Part of a name or code (`COVID-19`, `G20`): never required.
    Name,
}

/// A number found in a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    /// The value, scale applied (`35.8万亿` is 3.58e13), negative where written so; for a date, the
    /// day, or the month when no day is written.
    pub value: f64,
    /// What the number counts.
    pub kind: NumberKind,
    /// Figure, word or part of a name: whether the translation must carry it.
    pub role: Role,
    /// Byte range in the text, with the words that make the number (`46 percent`, `Nov. 30`).
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
}

impl Number {
    /// The number as written.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }

    fn new(value: f64, kind: NumberKind, role: Role, start: usize, end: usize) -> Number {
        Number {
            value,
            kind,
            role,
            start,
            end,
        }
    }
}

/// The numbers of `text` in language `lang`, in order.
///
/// ```
/// use tmkit::model::Lang;
/// use tmkit::text::numbers::{extract, NumberKind};
/// let zh = Lang::parse("zh-CN").unwrap();
/// let n = extract("数字经济规模达到35.8万亿元，增长百分之九。", &zh);
/// assert_eq!(n.len(), 2);
/// assert_eq!(n[0].value, 35.8e12);
/// assert_eq!((n[1].value, n[1].kind), (9.0, NumberKind::Percent));
/// ```
pub fn extract(text: &str, lang: &Lang) -> Vec<Number> {
    let mut out = Vec::new();
    extract_into(text, lang, &mut out);
    out
}

/// Like [`extract`], into a reused buffer (cleared first).
pub fn extract_into(text: &str, lang: &Lang, out: &mut Vec<Number>) {
    out.clear();
    let primary = lang.primary();
    let mut s = Scanner {
        text,
        bytes: text.as_bytes(),
        english: primary == "en",
        cjk: primary == "zh" || primary == "ja",
        out,
    };
    if memchr::memchr2(b'<', b'&', text.as_bytes()).is_none() {
        s.scan(0, text.len());
    } else {
        for (a, b) in inline::visible_ranges(text) {
            s.scan(a, b);
        }
    }
    if out.is_empty() {
        if primary == "en" {
            lone_month(text, out);
        }
        return;
    }
    if primary == "en" {
        english_equivalences(text, out);
    } else if primary == "zh" || primary == "ja" {
        powers(text, out);
    }
}

/// A segment that is only a month's name or abbreviation, in any case (`Jul`, `may`, `nov`: the
/// month names of a calendar), is that month.
fn lone_month(text: &str, out: &mut Vec<Number>) {
    let t = text.trim();
    let word = t.strip_suffix('.').unwrap_or(t);
    if word.len() < 3 || word.len() > 9 || !word.bytes().all(|b| b.is_ascii_alphabetic()) {
        return;
    }
    if let Some(Entry::Month(m)) = lookup(word) {
        let start = text.len() - text.trim_start().len();
        out.push(Number::new(
            m as f64,
            NumberKind::Date { month: m, day: 0 },
            Role::Figure,
            start,
            start + t.len(),
        ));
    }
}

/// Comparisons and multiples of English numbers that a translation writes as another number:
/// `more than one` is 2以上 (2つ以上, 2回以上), `greater than zero` is 1以上, `two decades` is
/// 二十年. Each adds a [`Role::Name`] number of the other value.
fn english_equivalences(text: &str, out: &mut Vec<Number>) {
    let n = out.len();
    for i in 0..n {
        let x = out[i];
        // `99% of the time`: an idiom of frequency (九分九厘, 十之八九), not a figure.
        if x.kind == NumberKind::Percent && text[x.end..].starts_with(" of the time") {
            out[i].role = Role::Word;
        }
        // `a third of`, `tenth of a second`: 三分之一, 0.1秒.
        if x.kind == NumberKind::Ordinal
            && x.role == Role::Word
            && x.value >= 2.0
            && text[x.end..].starts_with(" of")
        {
            out.push(Number::new(
                1.0 / x.value,
                NumberKind::Plain,
                Role::Name,
                x.start,
                x.end,
            ));
            out.push(Number::new(
                x.value,
                NumberKind::Plain,
                Role::Name,
                x.start,
                x.end,
            ));
        }
        if x.role == Role::Name || x.kind != NumberKind::Plain || x.value.fract() != 0.0 {
            continue;
        }
        let before = text[..x.start].trim_end();
        let b = before.as_bytes();
        // The words end `before`, and start a word (`over`, not `moreover`).
        let ends = |w: &str| {
            b.len() >= w.len()
                && b[b.len() - w.len()..].eq_ignore_ascii_case(w.as_bytes())
                && (b.len() == w.len() || !b[b.len() - w.len() - 1].is_ascii_alphabetic())
        };
        if [
            "more than",
            "more then",
            "greater than",
            "larger than",
            "over",
        ]
        .iter()
        .any(|w| ends(w))
        {
            out[i].role = Role::Word;
            out.push(Number::new(
                x.value + 1.0,
                NumberKind::Plain,
                Role::Name,
                x.start,
                x.end,
            ));
        }
        let after = &text[x.end..];
        let after = after.trim_start_matches([' ', '-']);
        if after.len() >= 6 && after.as_bytes()[..6].eq_ignore_ascii_case(b"decade") {
            out.push(Number::new(
                x.value * 10.0,
                NumberKind::Plain,
                Role::Name,
                x.start,
                x.end,
            ));
        }
    }
}

/// Powers written out in Chinese (`1000的5次方`, `10的100次方`): one number, the power.
fn powers(text: &str, out: &mut Vec<Number>) {
    let mut i = 0;
    while i + 1 < out.len() {
        let (a, b) = (out[i], out[i + 1]);
        if text.get(a.end..b.start) == Some("的") && text[b.end..].starts_with("次方") {
            out[i].value = a.value.powf(b.value);
            out[i].end = b.end + "次方".len();
            out[i].role = Role::Figure;
            out.remove(i + 1);
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(s: &str) -> Lang {
        Lang::parse(s).unwrap()
    }

    fn diff(src: &str, tgt: &str, tl: &str) -> (Vec<String>, Vec<String>) {
        let s = extract(src, &lang("en"));
        let t = extract(tgt, &lang(tl));
        let d = compare(&s, &t);
        (
            d.missing.iter().map(|n| n.text(src).to_string()).collect(),
            d.extra.iter().map(|n| n.text(tgt).to_string()).collect(),
        )
    }

    #[test]
    fn equal_numbers_compare_equal() {
        let cases = [
            (
                "The economy reached 35.8 trillion yuan.",
                "数字经济规模达到35.8万亿元。",
                "zh-CN",
            ),
            (
                "The economy reached 35.8 trillion yuan.",
                "35兆8000億元に達した。",
                "ja-JP",
            ),
            ("It rose 46 percent.", "增长了46%。", "zh-CN"),
            ("It rose 46 per cent.", "增长了百分之四十六。", "zh-CN"),
            ("It rose 46 percent.", "46％増えた。", "ja-JP"),
            ("The 16th forum", "第16届论坛", "zh-CN"),
            ("The 16th forum", "第十六届论坛", "zh-CN"),
            ("The 16th forum", "第16回フォーラム", "ja-JP"),
            ("The 16th forum", "十六回目のフォーラム", "ja-JP"),
            ("on Nov. 30", "11月30日", "zh-CN"),
            ("on 30 November 2020", "2020年11月30日", "ja-JP"),
            ("1.4 billion people", "14亿人", "zh-CN"),
            ("1.4 billion people", "14億人", "ja-JP"),
            ("5 million jobs", "500万个岗位", "zh-CN"),
            ("10 thousand", "1万", "ja-JP"),
            ("the two countries", "两国", "zh-CN"),
            ("the two countries", "両国", "ja-JP"),
            ("the two countries", "中日", "zh-CN"),
            ("one of the biggest", "最大的之一", "zh-CN"),
            ("held for the first-time", "首次举行", "zh-CN"),
            ("for the first time", "初めて", "ja-JP"),
            (
                "since the COVID-19 outbreak",
                "新冠肺炎疫情暴发以来",
                "zh-CN",
            ),
            (
                "since the COVID19 outbreak",
                "新型コロナウイルス感染症の拡大以降",
                "ja-JP",
            ),
            ("the G20 summit", "二十国集团峰会", "zh-CN"),
            ("work together", "一起努力", "zh-CN"),
            ("six sub-forums", "六个分论坛", "zh-CN"),
            ("six sub-forums", "6つの分科会", "ja-JP"),
            ("a two-day event", "2日間にわたる", "ja-JP"),
            ("An annual event", "一年一度的活动", "zh-CN"),
            ("in the 1990s", "上世纪90年代", "zh-CN"),
            ("in the 1990s", "1990年代に", "ja-JP"),
        ];
        for (src, tgt, l) in cases {
            let (missing, extra) = diff(src, tgt, l);
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{src} | {tgt}: missing {missing:?}, extra {extra:?}"
            );
        }
    }

    #[test]
    fn different_numbers_are_caught() {
        let cases = [
            (
                "It rose 46 percent.",
                "增长了64%。",
                "zh-CN",
                "46 percent",
                "64%",
            ),
            ("The 16th forum", "第十五届论坛", "zh-CN", "16th", "第十五"),
            (
                "The 16th forum",
                "第15回フォーラム",
                "ja-JP",
                "16th",
                "第15",
            ),
            ("on Nov. 30", "11月3日", "zh-CN", "Nov. 30", "11月3日"),
            (
                "35.8 trillion yuan",
                "3.58万亿元",
                "zh-CN",
                "35.8 trillion",
                "3.58万亿",
            ),
            ("six sub-forums", "5つの分科会", "ja-JP", "six", "5"),
            ("1.4 billion", "14万人", "zh-CN", "1.4 billion", "14万"),
        ];
        for (src, tgt, l, m, e) in cases {
            let (missing, extra) = diff(src, tgt, l);
            assert_eq!(
                (missing, extra),
                (vec![m.to_string()], vec![e.to_string()]),
                "{src} | {tgt}"
            );
        }
        // Missing outright, extra outright.
        assert_eq!(diff("The 16th forum", "论坛", "zh-CN").0, ["16th"]);
        assert_eq!(diff("The forum", "第16届论坛", "zh-CN").1, ["第16"]);
    }

    /// An ordinal word rendered in words (首次, 初めて, 首届) is not a number gone missing because
    /// another number of the sentence changed: only the changed number is reported.
    #[test]
    fn ordinal_words_rendered_in_words_are_not_missing_when_another_number_changes() {
        let cases = [
            (
                "For the first time, exports rose 46 percent.",
                "出口首次增长了64%。",
                "zh-CN",
                "46 percent",
                "64%",
            ),
            (
                "The forum was held online for the first time in 2019.",
                "论坛于2020年首次在线上举行。",
                "zh-CN",
                "2019",
                "2020",
            ),
            (
                "This is the first forum since the 2020 outbreak.",
                "这是2021年疫情暴发以来的首届论坛。",
                "zh-CN",
                "2020",
                "2021",
            ),
            (
                "For the first time, the two sides met 3 times.",
                "双方は初めて4回会談した。",
                "ja-JP",
                "3",
                "4",
            ),
            (
                "For the second year in a row, trade grew 5 percent.",
                "貿易は2年連続で6％伸びた。",
                "ja-JP",
                "5 percent",
                "6％",
            ),
        ];
        for (src, tgt, l, m, e) in cases {
            assert_eq!(
                diff(src, tgt, l),
                (vec![m.to_string()], vec![e.to_string()]),
                "{src} | {tgt}"
            );
        }
        // An ordinal word written as another figure is still caught, with the figure it became.
        assert_eq!(
            diff(
                "The first forum was held in 2005.",
                "第二届论坛于2005年举行。",
                "zh-CN"
            ),
            (vec!["first".to_string()], vec!["第二".to_string()])
        );
        assert_eq!(
            diff(
                "For the third time, exports rose 46 percent.",
                "出口第四次增长了64%。",
                "zh-CN"
            ),
            (
                vec!["third".to_string(), "46 percent".to_string()],
                vec!["第四".to_string(), "64%".to_string()]
            )
        );
    }

    #[test]
    fn reversed_direction_compares_too() {
        // A Chinese source with an English target.
        let s = extract("第十六届论坛增长46%", &lang("zh-CN"));
        let t = extract("The 16th forum grew 46 percent", &lang("en"));
        assert!(compare(&s, &t).is_empty());
        let t = extract("The 15th forum grew 46 percent", &lang("en"));
        assert_eq!(compare(&s, &t).missing.len(), 1);
    }

    /// Every word of [`IMPLIED`] gives names of its values, and nothing it gives is required.
    #[test]
    fn every_implied_word_gives_its_values_as_names() {
        for &(word, values) in IMPLIED {
            let text = format!("It is {word} here");
            let got: Vec<(f64, Role)> = extract(&text, &lang("en"))
                .into_iter()
                .map(|n| (n.value, n.role))
                .collect();
            let want: Vec<(f64, Role)> = values.iter().map(|&v| (v, Role::Name)).collect();
            assert_eq!(got, want, "{word}");
        }
    }

    /// One row per class of the model (see the module documentation): an English source and
    /// translations a professional writes, in Chinese and Japanese, that compare clean.
    #[test]
    fn each_row_of_the_model_compares_clean_in_chinese_and_japanese() {
        let rows: &[(&str, &str, &str)] = &[
            // Multiples and fractions.
            (
                "Prices doubled in a decade.",
                "价格在十年内翻了一番。",
                "価格は10年で2倍になった。",
            ),
            (
                "Trade tripled over two decades.",
                "两国贸易在二十年间增长了两倍。",
                "貿易は20年で3倍になった。",
            ),
            (
                "Output quadrupled.",
                "产量增长到原来的4倍。",
                "生産量は4倍になった。",
            ),
            (
                "A quarter of the firms reported losses.",
                "四分之一的企业报告亏损。",
                "企業の4分の1が損失を計上した。",
            ),
            ("A third of the votes", "三分之一的选票", "票の3分の1"),
            ("Half of the members", "一半成员", "会員の2分の1"),
            ("They met twice.", "他们会晤了两次。", "両者は2回会談した。"),
            (
                "scroll down 1/2 page",
                "向下滚动半页",
                "半ページ下にスクロール",
            ),
            ("tenth of a second", "0.1秒", "0.1秒"),
            // Comparisons.
            (
                "More than one country objected.",
                "不止一个国家表示反对。",
                "2か国以上が反対した。",
            ),
            (
                "option provided more than once",
                "选项被指定了多次",
                "オプションが2回以上指定されました",
            ),
            (
                "must be greater than zero",
                "必须大于零",
                "1以上である必要があります",
            ),
            ("over a dozen countries", "十几个国家", "十数か国"),
            ("over 5 percent", "超过5%", "5％超"),
            // Number bases.
            ("hexadecimal value", "十六进制值", "16進数の値"),
            ("octal escape", "八进制转义", "8 進エスケープ"),
            (
                "Char = %s, Octal = %o, Decimal = %d",
                "字符 = %s, 八进制 = %o, 十进制 = %d",
                "文字 = %s, 8進 = %o, 10進 = %d",
            ),
            // Months, days and dates written another way.
            ("Jul", "七月", "7月"),
            ("June", "六月", "6月"),
            ("may", "五月", "5月"),
            ("(e.g., Jan)", "（例如：1月）", "(例: 1月)"),
            (
                "e.g., 12/31/99",
                "例如：1999年12月31日",
                "例: 1999年12月31日",
            ),
            (
                "01/11/2009 17:52:00",
                "2009/01/11 17:52:00",
                "2009-11-01 17:52:00",
            ),
            ("midnight", "午夜0点", "0時"),
            ("Noon", "中午12点", "12時"),
            // Ordinal words inside names and terms.
            ("the secondary market", "二级市场", "セカンダリー市場"),
            ("in the second quarter", "第二季度", "第2四半期"),
            ("one of the largest", "最大的之一", "最大級の一つ"),
            (
                "a secondary extension control file",
                "第二扩展控制文件",
                "2次拡張制御ファイル",
            ),
            (
                "Cannot open a second popup",
                "无法打开第二个弹窗",
                "2つ目のポップアップを開けません",
            ),
            (
                "`popd -1' the next to last",
                "\"popd -1\" 删除倒数第二个",
                "`popd -1' は最後の1つ前",
            ),
            // Counts inside identifiers and code.
            (
                "STRING1 = STRING2",
                "STRING1 = STRING2",
                "STRING1 = STRING2",
            ),
            (
                "base32 and base64 encodings",
                "base32 和 base64 编码",
                "base32 と base64 エンコーディング",
            ),
            (
                "E973: Blob literal",
                "E973: Blob 字面量",
                "E973: Blob リテラル",
            ),
            ("IPv6 only", "仅 IPv6", "IPv6 のみ"),
            (
                "Encoding|ISO_8859-1",
                "编码|UTF-8",
                "エンコーディング|UTF-8",
            ),
            (
                "stat returns a negative size",
                "stat(2) 返回负的大小",
                "stat(2) が負のサイズを返しました",
            ),
            ("from file %.255s", "从文件 %.250s", "ファイル %.250s から"),
            ("exception 0x%X", "异常 %X", "例外 %X"),
            (
                "service type %s in domain %s",
                "域 %s$2 中的服务类型 %s$1",
                "ドメイン %2$s のサービス種別 %1$s",
            ),
            (
                "allow ms1-16-003 instructions",
                "允许 ms1-16-003 指令",
                "ms1-16-003 命令を許可",
            ),
            // Scale words alone and powers written out.
            ("%(value)s billion", "%(value)s 十亿", "%(value)s 十億"),
            (
                "%(value)s quintillion",
                "%(value)s 1000的6次方",
                "%(value)s 100京",
            ),
            (
                "over 2 billion transactions",
                "超过 20 亿笔事务",
                "20億以上のトランザクション",
            ),
            // Small counts a translation adds or spells out.
            ("lines per page", "每页行数", "1 ページあたりの行数"),
            ("padding with zeros", "用 0 补齐", "0 で埋める"),
            ("in the last hour", "之前 1 小时内", "1 時間前"),
            ("waiting 1s", "等待一秒", "一秒待ちます"),
            ("scroll up 1 page", "向上滚动一页", "1ページ上にスクロール"),
            (
                "invalid day of month",
                "无效的日期",
                "一月あたりの日にちが無効です",
            ),
            // Idioms and keys.
            (
                "99% of the time a bad idea",
                "十之八九是个坏主意",
                "九分九厘間違っています",
            ),
            ("Enter on keypad", "小键盘上的 Enter", "10キーの Enter"),
        ];
        for (src, zh, ja) in rows {
            for (tgt, l) in [(zh, "zh-CN"), (ja, "ja-JP")] {
                let (missing, extra) = diff(src, tgt, l);
                assert!(
                    missing.is_empty() && extra.is_empty(),
                    "{src} | {tgt}: missing {missing:?}, extra {extra:?}"
                );
            }
        }
    }

    /// The traps that make real errors visible stay caught.
    #[test]
    fn real_errors_stay_caught() {
        /// Source, target, target language, missing, extra.
        type Trap<'a> = (&'a str, &'a str, &'a str, &'a [&'a str], &'a [&'a str]);
        let cases: &[Trap<'_>] = &[
            // An ordinal rendered as the wrong number.
            (
                "The 16th forum opened.",
                "第15回フォーラムが開幕した。",
                "ja-JP",
                &["16th"],
                &["第15"],
            ),
            (
                "The 16th forum opened.",
                "第十五届论坛开幕。",
                "zh-CN",
                &["16th"],
                &["第十五"],
            ),
            // A changed count of sessions or rounds.
            (
                "The talks ran to 12 rounds.",
                "谈判进行了13轮。",
                "zh-CN",
                &["12"],
                &["13"],
            ),
            (
                "They held six sessions.",
                "会合は5回開かれた。",
                "ja-JP",
                &["six"],
                &["5"],
            ),
            // A date with the wrong day.
            (
                "The forum opened on Nov. 30.",
                "论坛于11月3日开幕。",
                "zh-CN",
                &["Nov. 30"],
                &["11月3日"],
            ),
            (
                "e.g., 12/31/99",
                "例: 1999年12月30日",
                "ja-JP",
                &["12/31"],
                &["12月30日"],
            ),
            // A dropped year range.
            (
                "Turkish, Ottoman (1500–1928)",
                "奥斯曼土耳其语",
                "zh-CN",
                &["1500", "1928"],
                &[],
            ),
            // A multiple or a power that is wrong.
            (
                "Trade tripled.",
                "貿易は5倍になった。",
                "ja-JP",
                &[],
                &["5"],
            ),
            (
                "%(value)s quintillion",
                "%(value)s 1000的4次方",
                "zh-CN",
                &[],
                &["1000的4次方"],
            ),
            (
                "2 billion transactions",
                "2 亿笔事务",
                "zh-CN",
                &["2 billion"],
                &["2 亿"],
            ),
        ];
        for (src, tgt, l, m, e) in cases {
            let (missing, extra) = diff(src, tgt, l);
            let missing: Vec<&str> = missing.iter().map(String::as_str).collect();
            let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
            assert_eq!((&missing[..], &extra[..]), (*m, *e), "{src} | {tgt}");
        }
    }
}
