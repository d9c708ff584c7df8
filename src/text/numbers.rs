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

use std::sync::LazyLock;

use crate::bits::Bits16;
use crate::model::Lang;

use super::inline;

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

/// The numbers of a source that its translation lacks, and those the translation adds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberDiff {
    /// Source numbers without a counterpart in the target, in source order.
    pub missing: Vec<Number>,
    /// Target numbers without a counterpart in the source, in target order.
    pub extra: Vec<Number>,
}

impl NumberDiff {
    /// Whether the numbers correspond.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compares the numbers of a source and its translation as multisets.
///
/// Numbers match by kind and value first (`46 percent` and `46%`; `Nov. 30` and `11月30日`;
/// `35.8 trillion` and `35兆8000億`), then by value alone (`16th` and `十六回`; a date and its day),
/// then by absolute value (`-5` and 零下5). What is left: a source [`Role::Figure`] is missing; a
/// source [`Role::Word`] is missing only when the target has a quantity or ordinal figure left
/// over that no missing figure accounts for; a target figure is extra; names are never reported.
///
/// ```
/// use tmkit::model::Lang;
/// use tmkit::text::numbers::{compare, extract};
/// let (en, zh) = (Lang::parse("en").unwrap(), Lang::parse("zh-CN").unwrap());
/// let src = "The 16th forum drew 46 percent more visitors.";
/// let ok = compare(&extract(src, &en), &extract("第十六届论坛的访客增加了46%。", &zh));
/// assert!(ok.is_empty());
/// let bad = compare(&extract(src, &en), &extract("第十五届论坛的访客增加了64%。", &zh));
/// assert_eq!((bad.missing.len(), bad.extra.len()), (2, 2));
/// ```
pub fn compare(source: &[Number], target: &[Number]) -> NumberDiff {
    if source.is_empty() && target.is_empty() {
        return NumberDiff::default();
    }
    let mut sbuf = [false; 64];
    let mut tbuf = [false; 64];
    let mut sheap;
    let mut theap;
    let s_used: &mut [bool] = if source.len() <= 64 {
        &mut sbuf[..source.len()]
    } else {
        sheap = vec![false; source.len()];
        &mut sheap
    };
    let t_used: &mut [bool] = if target.len() <= 64 {
        &mut tbuf[..target.len()]
    } else {
        theap = vec![false; target.len()];
        &mut theap
    };
    // Source figures choose first, then words, then names; each takes a target figure where it
    // can, so that no target figure is left over while a word or name took its twin.
    for pass in 0..3 {
        for role in [Role::Figure, Role::Word, Role::Name] {
            for (i, a) in source.iter().enumerate() {
                if s_used[i] || a.role != role {
                    continue;
                }
                let mut best: Option<usize> = None;
                for (j, b) in target.iter().enumerate() {
                    if !t_used[j] && equivalent(a, b, pass) {
                        if b.role == Role::Figure {
                            best = Some(j);
                            break;
                        }
                        best = best.or(Some(j));
                    }
                }
                if let Some(j) = best {
                    s_used[i] = true;
                    t_used[j] = true;
                }
            }
        }
    }
    let mut diff = NumberDiff::default();
    for (j, b) in target.iter().enumerate() {
        if !t_used[j] && b.role == Role::Figure {
            diff.extra.push(*b);
        }
    }
    // A word left over is missing only when a target figure left over can be its rendering: one
    // that no missing figure of the source accounts for, and of a kind a word can be written as
    // (`six` → `5`, `first` → `第2`). Otherwise the target wrote it in words (`first` → 首次,
    // 初めて), whatever happened to the other numbers of the sentence.
    let mut claimed = vec![false; diff.extra.len()];
    let mut claim = |n: &Number, fits: &dyn Fn(&Number, &Number) -> bool| -> bool {
        let free = |k: &usize| !claimed[*k];
        let pick = (0..diff.extra.len())
            .filter(free)
            .find(|&k| fits(n, &diff.extra[k]));
        if let Some(k) = pick {
            claimed[k] = true;
        }
        pick.is_some()
    };
    // Missing figures take their own kind first, then any figure (as the report pairs them).
    let figures: Vec<usize> = (0..source.len())
        .filter(|&i| !s_used[i] && source[i].role == Role::Figure)
        .collect();
    let mut unpaired = Vec::new();
    for &i in &figures {
        if !claim(&source[i], &|a, b| same_kind(a, b)) {
            unpaired.push(i);
        }
    }
    for &i in &unpaired {
        claim(&source[i], &|_, _| true);
    }
    let mut words = Vec::new();
    for (i, a) in source.iter().enumerate() {
        if !s_used[i] && a.role == Role::Word && claim(a, &|w, b| word_rendering(w, b)) {
            words.push(i);
        }
    }
    for (i, a) in source.iter().enumerate() {
        if figures.contains(&i) || words.contains(&i) {
            diff.missing.push(*a);
        }
    }
    small_counts_and_repetitions(source, &mut diff);
    diff
}

/// Leaves out what a translation writes at will: a small count (0, 1 or 2 in one digit or one
/// numeral: `1 行`, `0 で埋める`, `一页`, `半ページ` for `1/2 page`) missing or extra alone,
/// and a figure the translation repeats (`3 行を超えて…3 行に収める`, a date given twice). A
/// small count that another number of the other side can pair with is kept: it changed.
fn small_counts_and_repetitions(source: &[Number], diff: &mut NumberDiff) {
    let small = |n: &Number| {
        n.kind == NumberKind::Plain && matches!(n.value, 0.0 | 1.0 | 2.0) && n.end - n.start <= 3
    };
    let (m, e) = (diff.missing.len(), diff.extra.len());
    if m > e {
        let mut spare = m - e;
        diff.missing.retain(|n| {
            let drop = spare > 0 && small(n);
            spare -= drop as usize;
            !drop
        });
    } else if e > m {
        let mut spare = e - m;
        diff.extra.retain(|n| {
            let drop = spare > 0 && small(n);
            spare -= drop as usize;
            !drop
        });
    }
    let (m, e) = (diff.missing.len(), diff.extra.len());
    if e > m {
        let mut spare = e - m;
        diff.extra.retain(|x| {
            let repeated = spare > 0
                && source.iter().any(|n| match (n.kind, x.kind) {
                    (NumberKind::Date { .. }, NumberKind::Date { .. }) => n.kind == x.kind,
                    (NumberKind::Percent | NumberKind::Date { .. }, _)
                    | (_, NumberKind::Percent | NumberKind::Date { .. }) => false,
                    _ => n.value.abs() == x.value.abs(),
                });
            spare -= repeated as usize;
            !repeated
        });
    }
}

fn same_kind(a: &Number, b: &Number) -> bool {
    matches!(
        (a.kind, b.kind),
        (NumberKind::Date { .. }, NumberKind::Date { .. })
            | (NumberKind::Percent, NumberKind::Percent)
            | (NumberKind::Ordinal, NumberKind::Ordinal)
            | (NumberKind::Plain, NumberKind::Plain)
    )
}

/// Whether figure `b` can be how a translation wrote the number word `word`: a quantity or an
/// ordinal (`six` → `5つ`, `first` → `第2`, `third` → `3度目`), never a percentage or a date.
fn word_rendering(word: &Number, b: &Number) -> bool {
    let countable = |k: NumberKind| matches!(k, NumberKind::Plain | NumberKind::Ordinal);
    countable(word.kind) && countable(b.kind)
}

fn approx(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn equivalent(a: &Number, b: &Number, pass: u8) -> bool {
    use NumberKind::Date;
    match (a.kind, b.kind) {
        (Date { month: m1, day: d1 }, Date { month: m2, day: d2 }) => {
            if pass == 0 {
                m1 == m2 && d1 == d2
            } else {
                (m1 == m2 || m1 == 0 || m2 == 0) && (d1 == d2 || d1 == 0 || d2 == 0)
            }
        }
        (Date { .. }, _) | (_, Date { .. }) => pass >= 1 && approx(a.value, b.value),
        (ka, kb) => match pass {
            0 => ka == kb && approx(a.value, b.value),
            1 => approx(a.value, b.value),
            _ => approx(a.value.abs(), b.value.abs()),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Scanning

struct Scanner<'a, 'o> {
    text: &'a str,
    bytes: &'a [u8],
    english: bool,
    cjk: bool,
    out: &'o mut Vec<Number>,
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

    fn scan(&mut self, from: usize, to: usize) {
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

// ---------------------------------------------------------------------------------------------
// Cross-language equivalences

/// English words that carry a number a Chinese or Japanese translation writes as one: each gives
/// numbers of [`Role::Name`] (they may match a figure of the other side, and are never required).
/// One row per word; the module documentation has the whole model.
pub const IMPLIED: &[(&str, &[f64])] = &[
    // Multiples: 10年/十年, 2倍/翻了一番, 3倍/增长了两倍 (Chinese counts the increase).
    ("decade", &[10.0]),
    ("decades", &[10.0]),
    ("double", &[2.0]),
    ("doubled", &[2.0, 1.0]),
    ("doubles", &[2.0]),
    ("doubling", &[2.0]),
    ("triple", &[3.0]),
    ("tripled", &[3.0, 2.0]),
    ("triples", &[3.0]),
    ("tripling", &[3.0]),
    ("threefold", &[3.0, 2.0]),
    ("quadruple", &[4.0]),
    ("quadrupled", &[4.0, 3.0]),
    ("fourfold", &[4.0, 3.0]),
    ("quad", &[4.0]),
    ("pair", &[2.0]),
    ("both", &[2.0]),
    // Fractions: 4分の1, 三分之一, 2分の1, 0.1秒 (the parts of a fraction are read as words on
    // the Chinese and Japanese side).
    ("half", &[2.0, 0.5]),
    ("halves", &[2.0]),
    ("quarter", &[4.0, 0.25]),
    ("quarters", &[4.0]),
    ("thirds", &[3.0]),
    ("tenths", &[10.0, 0.1]),
    ("hundredths", &[100.0, 0.01]),
    // Number bases: 16進, 十六进制, 8進数, 十进制, 二进制.
    ("hex", &[16.0]),
    ("hexadecimal", &[16.0]),
    ("octal", &[8.0]),
    ("decimal", &[10.0]),
    ("binary", &[2.0]),
    // Ordinal words inside terms: 二级市场, 第二标签, 2回目, 第一.
    ("primary", &[1.0]),
    ("secondary", &[2.0]),
    ("tertiary", &[3.0]),
    // Times of day and keys: 0時, 12時, 10キー (the Japanese name of the numeric keypad).
    ("midnight", &[0.0, 24.0]),
    ("noon", &[12.0]),
    ("keypad", &[10.0]),
    // Scale words standing alone (`billion` is 十亿; `hundred` to `trillion` are read by the
    // number-word scanner): 1000的5次方, 10的100次方.
    ("quadrillion", &[1e15]),
    ("quintillion", &[1e18]),
    ("sextillion", &[1e21]),
    ("septillion", &[1e24]),
    ("octillion", &[1e27]),
    ("nonillion", &[1e30]),
    ("decillion", &[1e33]),
    ("googol", &[1e100]),
    // Zero in words: 0 で埋める, 0 でない.
    ("zeros", &[0.0]),
    ("zeroes", &[0.0]),
    ("nonzero", &[0.0]),
    ("null", &[0.0]),
];

// ---------------------------------------------------------------------------------------------
// English words

#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry {
    Unit(f64),
    Tens(f64),
    Ordinal(f64),
    Scale(f64),
    Dozen,
    A,
    Month(u8),
    /// A word that carries numbers without being one (`decade`, `hexadecimal`, `doubled`): see
    /// [`IMPLIED`].
    Implied(&'static [f64]),
}

/// Packs a word of up to 16 ASCII letters, lower-cased, into a number; `None` for longer words.
fn pack(word: &[u8]) -> Option<u128> {
    if word.len() > 16 {
        return None;
    }
    let mut v = 0u128;
    for &b in word {
        v = (v << 8) | b.to_ascii_lowercase() as u128;
    }
    Some(v)
}

struct Words {
    /// Sorted by key.
    table: Vec<(u128, Entry)>,
    /// Bit (first letter, second letter, length) set when some word has them: rules out most
    /// words of a sentence before the table is searched.
    filter: Vec<u64>,
}

fn filter_bit(word: &[u8]) -> Option<usize> {
    let a = word[0].to_ascii_lowercase().wrapping_sub(b'a') as usize;
    let b = word
        .get(1)
        .map_or(26, |b| b.to_ascii_lowercase().wrapping_sub(b'a') as usize);
    (a < 26 && b <= 26 && word.len() < 16).then(|| (a * 27 + b) * 16 + word.len())
}

static WORDS: LazyLock<Words> = LazyLock::new(|| {
    let mut table: Vec<(&'static str, Entry)> = Vec::new();
    let units = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    for (i, w) in units.iter().enumerate() {
        table.push((*w, Entry::Unit(i as f64 + 1.0)));
    }
    let tens = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    for (i, w) in tens.iter().enumerate() {
        table.push((*w, Entry::Tens((i as f64 + 2.0) * 10.0)));
    }
    let ordinals = [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
    ];
    for (i, w) in ordinals.iter().enumerate() {
        table.push((*w, Entry::Ordinal(i as f64 + 1.0)));
    }
    let tenths = [
        "twentieth",
        "thirtieth",
        "fortieth",
        "fiftieth",
        "sixtieth",
        "seventieth",
        "eightieth",
        "ninetieth",
    ];
    for (i, w) in tenths.iter().enumerate() {
        table.push((*w, Entry::Ordinal((i as f64 + 2.0) * 10.0)));
    }
    table.push(("hundredth", Entry::Ordinal(100.0)));
    table.push(("thousandth", Entry::Ordinal(1000.0)));
    for (w, s) in [
        ("hundred", 1e2),
        ("thousand", 1e3),
        ("million", 1e6),
        ("billion", 1e9),
        ("trillion", 1e12),
    ] {
        table.push((w, Entry::Scale(s)));
    }
    // zero: 0个 / 0 以外; twice, once, single: 两次, 1 行.
    for (w, v) in [
        ("zero", 0.0),
        ("once", 1.0),
        ("single", 1.0),
        ("twice", 2.0),
    ] {
        table.push((w, Entry::Unit(v)));
    }
    table.push(("dozen", Entry::Dozen));
    table.push(("a", Entry::A));
    let months = [
        ["january", "jan"],
        ["february", "feb"],
        ["march", "mar"],
        ["april", "apr"],
        ["may", "may"],
        ["june", "jun"],
        ["july", "jul"],
        ["august", "aug"],
        ["september", "sep"],
        ["october", "oct"],
        ["november", "nov"],
        ["december", "dec"],
    ];
    for (i, names) in months.iter().enumerate() {
        for w in names {
            table.push((*w, Entry::Month(i as u8 + 1)));
        }
    }
    table.push(("sept", Entry::Month(9)));
    for &(w, values) in IMPLIED {
        table.push((w, Entry::Implied(values)));
    }
    let mut table: Vec<(u128, Entry)> = table
        .into_iter()
        .map(|(w, e)| (pack(w.as_bytes()).expect("table words are short"), e))
        .collect();
    table.sort_by_key(|&(k, _)| k);
    table.dedup_by_key(|&mut (k, _)| k);
    let mut filter = vec![0u64; (27usize * 27 * 16).div_ceil(64)];
    for &(key, _) in &table {
        let bytes = key.to_be_bytes();
        let word: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
        let bit = filter_bit(&word).expect("table words are lowercase letters");
        filter[bit / 64] |= 1 << (bit % 64);
    }
    Words { table, filter }
});

fn lookup(word: &str) -> Option<Entry> {
    let bytes = word.as_bytes();
    if bytes.is_empty() || bytes.len() > 12 {
        return None;
    }
    let words = &*WORDS;
    let bit = filter_bit(bytes)?;
    if words.filter[bit / 64] & (1 << (bit % 64)) == 0 {
        return None;
    }
    let key = pack(bytes)?;
    words
        .table
        .binary_search_by_key(&key, |&(k, _)| k)
        .ok()
        .map(|i| words.table[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

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
