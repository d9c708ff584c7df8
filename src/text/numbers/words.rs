//! The English word tables: number words, ordinals, scale words, months, and the words that
//! imply a number (multiples, fractions, bases: [`IMPLIED`]).

use std::sync::LazyLock;

/// English words that carry a number a Chinese or Japanese translation writes as one: each gives
/// numbers of [`Role::Name`](super::Role::Name) (they may match a figure of the other side, and
/// are never required). One row per word; the module documentation has the whole model.
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

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Entry {
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

pub(super) fn lookup(word: &str) -> Option<Entry> {
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
