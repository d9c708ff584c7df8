//! Term recognition throughput: `cargo bench --bench terms` prints medians of 5 runs.
//!
//! - a generated 1,000-entry termbase (English, Simplified Chinese and Japanese terms: single words,
//!   phrases, acronyms, hyphenated names) and 100,000 generated units, each an English news-like
//!   sentence with terms inserted (some plural, possessive, upper-case or hyphen-for-space), a
//!   Chinese and a Japanese sentence with terms inserted (some in full- or half-width forms);
//!   `find` per language, and the three together as units per second;
//! - the seed article with a 50-entry termbase: build and find over every sentence.
//!
//! Throughput is timed in the thread's CPU time where Linux reports it
//! (`/proc/thread-self/schedstat`), so that other work on a busy machine does not count; in
//! wall-clock time elsewhere, and always for the seed article, whose runs are shorter than the
//! kernel's tick.
//!
//! Set `TMKIT_BENCH_QUICK=1` for 10,000 units and 3 runs.

use std::path::Path;
use std::time::{Duration, Instant};

use tmkit::matching::terms::{TermHit, TermIndex};
use tmkit::model::{Lang, Term, TermEntry};

/// A small deterministic generator (xorshift64*), so every run sees the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
}

const EN_WORDS: &[&str] = &[
    "cooperation",
    "policy",
    "trade",
    "economy",
    "forum",
    "minister",
    "agreement",
    "partnership",
    "security",
    "development",
    "investment",
    "relations",
    "exchange",
    "council",
    "strategy",
    "summit",
    "initiative",
    "framework",
    "dialogue",
    "governance",
    "industry",
    "technology",
    "digital",
    "regional",
    "bilateral",
    "international",
    "public",
    "health",
    "media",
    "market",
    "supply",
    "chain",
    "growth",
    "energy",
    "climate",
    "finance",
    "culture",
    "education",
    "innovation",
    "infrastructure",
    "committee",
    "commission",
    "office",
    "bureau",
    "ministry",
    "national",
    "global",
    "joint",
    "strategic",
    "comprehensive",
    "mutual",
    "sustainable",
    "green",
    "open",
    "fair",
    "tariff",
    "export",
    "import",
    "currency",
    "bank",
];

const EN_FILLER: &[&str] = &[
    "the",
    "and",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "said",
    "that",
    "will",
    "has",
    "been",
    "officials",
    "leaders",
    "last",
    "week",
    "between",
    "two",
    "countries",
    "new",
    "further",
    "both",
    "sides",
    "agreed",
    "enhance",
    "promote",
    "during",
    "meeting",
    "year",
    "while",
    "according",
    "report",
    "experts",
    "held",
    "video",
    "conference",
    "greater",
    "role",
];

const NAMES: &[&str] = &[
    "Wang",
    "Li",
    "Zhang",
    "Chen",
    "Liu",
    "Yang",
    "Zhao",
    "Huang",
    "Zhou",
    "Wu",
    "Suzuki",
    "Tanaka",
    "Sato",
    "Watanabe",
    "Ito",
    "Yamamoto",
    "Nakamura",
    "Kobayashi",
];

const HAN: &str = "中国日本经济合作发展贸易论坛部长协议伙伴安全投资关系交流委员会战略峰会倡议框架对话治理产业技术数字区域双边国际公共卫生媒体市场供应链增长能源气候金融文化教育创新基础设施办公局国家全球联合可持续绿色开放公平关税出口进口货币银行";
const KANA: &str =
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん";
const KATA: &str =
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
const KANJI: &str = "日本経済協力発展貿易会議大臣協定安全投資関係交流委員会戦略首脳構想枠組対話産業技術市場成長金融文化教育";

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

fn termbase(rng: &mut Rng) -> Vec<TermEntry> {
    let (en, zh, ja) = (lang("en-US"), lang("zh-CN"), lang("ja-JP"));
    let (han, kata, kanji) = (chars(HAN), chars(KATA), chars(KANJI));
    let mut seen = std::collections::HashSet::new();
    let mut entries = Vec::with_capacity(1000);
    while entries.len() < 1000 {
        let english = match rng.below(10) {
            0 | 1 => {
                let n = 3 + rng.below(3);
                (0..n)
                    .map(|_| (b'A' + rng.below(26) as u8) as char)
                    .collect::<String>()
            }
            2 => format!("{} {}", rng.pick(NAMES), rng.pick(NAMES)),
            3 => format!("{}-{}", cap(rng.pick(EN_WORDS)), cap(rng.pick(EN_WORDS))),
            4..=6 => rng.pick(EN_WORDS).to_string(),
            _ => {
                let n = 2 + rng.below(3);
                (0..n)
                    .map(|_| cap(rng.pick(EN_WORDS)))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        };
        if !seen.insert(english.to_ascii_lowercase()) {
            continue;
        }
        let zh_term: String = (0..2 + rng.below(4))
            .map(|_| han[rng.below(han.len())])
            .collect();
        let ja_term: String = if rng.below(2) == 0 {
            (0..3 + rng.below(4))
                .map(|_| kata[rng.below(kata.len())])
                .collect()
        } else {
            (0..2 + rng.below(3))
                .map(|_| kanji[rng.below(kanji.len())])
                .collect()
        };
        entries.push(TermEntry {
            terms: vec![
                Term::new(en.clone(), english),
                Term::new(zh.clone(), zh_term),
                Term::new(ja.clone(), ja_term),
            ],
            ..Default::default()
        });
    }
    entries
}

fn cap(w: &str) -> String {
    let mut s = w.to_string();
    s[..1].make_ascii_uppercase();
    s
}

/// One unit: an English, a Chinese and a Japanese sentence, with terms of `entries` inserted.
fn unit(rng: &mut Rng, entries: &[TermEntry]) -> [String; 3] {
    let (han, kana) = (chars(HAN), chars(KANA));
    let mut en = String::new();
    let words = 12 + rng.below(20);
    for i in 0..words {
        if i > 0 {
            en.push(' ');
        }
        if rng.below(8) == 0 {
            let term = &entries[rng.below(entries.len())].terms[0].text;
            match rng.below(6) {
                0 => en.push_str(&format!("{term}'s")),
                1 => en.push_str(&format!("{term}s")),
                2 => en.push_str(&term.replace('-', " ")),
                3 => en.push_str(&term.to_uppercase()),
                _ => en.push_str(term),
            }
        } else if i == 0 {
            en.push_str(&cap(rng.pick(EN_FILLER)));
        } else if rng.below(4) == 0 {
            en.push_str(rng.pick(EN_WORDS));
        } else {
            en.push_str(rng.pick(EN_FILLER));
        }
        if rng.below(15) == 0 {
            en.push(',');
        }
    }
    en.push('.');
    if rng.below(10) == 0 {
        en.push_str(" “It’s a new era,” he said.");
    }

    let mut zh = String::new();
    let mut ja = String::new();
    for _ in 0..3 + rng.below(4) {
        for _ in 0..3 + rng.below(8) {
            zh.push(han[rng.below(han.len())]);
            ja.push(kana[rng.below(kana.len())]);
        }
        if rng.below(3) == 0 {
            let e = &entries[rng.below(entries.len())];
            zh.push_str(&e.terms[1].text);
            ja.push_str(&e.terms[2].text);
        }
        match rng.below(12) {
            0 => zh.push_str("ＣＩＰＧ"),
            1 => ja.push_str("ｼﾞｬﾊﾟﾝ２０２０"),
            2 => zh.push_str("2020年"),
            _ => {}
        }
        zh.push('，');
        ja.push('、');
    }
    zh.push('。');
    ja.push('。');
    [en, zh, ja]
}

fn lang(s: &str) -> Lang {
    Lang::parse(s).expect("a valid tag")
}

fn main() {
    let quick = std::env::var_os("TMKIT_BENCH_QUICK").is_some();
    let (count, runs) = if quick { (10_000, 3) } else { (100_000, 5) };
    let mut rng = Rng(0x7465_726D_7321);
    let entries = termbase(&mut rng);
    let units: Vec<[String; 3]> = (0..count).map(|_| unit(&mut rng, &entries)).collect();

    let mut per_find = [0.0f64; 3];
    for (i, tag) in ["en-US", "zh-CN", "ja-JP"].into_iter().enumerate() {
        let t = Clock::now();
        let index = TermIndex::build(&entries, &lang(tag));
        let build = ms(t.elapsed());
        let mut hits = Vec::new();
        let mut found = 0;
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Clock::now();
            found = 0;
            for u in &units {
                index.find_into(&u[i], &mut hits);
                found += hits.len();
            }
            times.push(t.elapsed());
        }
        times.sort();
        let median = times[times.len() / 2].as_secs_f64();
        per_find[i] = median / count as f64;
        let bytes: usize = units.iter().map(|u| u[i].len()).sum();
        println!(
            "{tag}: build {build:.1} ms; {count} texts ({:.1} MB), {found} hits; median {:.1} ms = {:.0} finds/s, {:.0} MB/s ({runs} runs)",
            bytes as f64 / 1e6,
            median * 1e3,
            count as f64 / median,
            bytes as f64 / 1e6 / median,
        );
    }
    let per_unit: f64 = per_find.iter().sum();
    println!(
        "units (one English and two CJK finds): {:.0} units/s, {:.2} µs a unit",
        1.0 / per_unit,
        per_unit * 1e6
    );

    seed_article(runs);
}

/// Build a 50-entry termbase for the seed article and find terms in every sentence.
fn seed_article(runs: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let article = std::fs::read_to_string(root.join("examples/beijing-tokyo-forum.en.txt"))
        .expect("the seed article is in examples/");
    let sentences: Vec<&str> = article
        .split_inclusive(['.', '\n'])
        .filter(|s| !s.trim().is_empty())
        .collect();
    let en = lang("en");
    let terms = [
        "Beijing-Tokyo Forum",
        "China",
        "Japan",
        "Asia-Pacific",
        "COVID-19",
        "CIPG",
        "Genron NPO",
        "China International Publishing Group",
        "Wang Yi",
        "State Councilor",
        "Foreign Minister",
        "Prime Minister",
        "Yoshihide Suga",
        "Yasuo Fukuda",
        "Thucydides Trap",
        "Wei Jianguo",
        "Cheng Yonghua",
        "RCEP",
        "Regional Comprehensive Economic Partnership",
        "South Korea",
        "digital economy",
        "public diplomacy",
        "pandemic",
        "post-pandemic era",
        "video conference",
        "bilateral relations",
        "mutual trust",
        "supply chain",
        "value chain",
        "production chain",
        "global governance",
        "unilateralism",
        "protectionism",
        "industrial revolution",
        "Artificial Intelligence",
        "Chinese Academy of Cyberspace Studies",
        "Huawei",
        "Alibaba",
        "Tencent",
        "iFlytek",
        "World Internet Conference",
        "GDP",
        "trade deal",
        "opening ceremony",
        "sub-forum",
        "international order",
        "Sino-Japanese relations",
        "keynote speech",
        "vice minister",
        "China Center for International Economic Exchanges",
    ];
    let entries: Vec<TermEntry> = terms
        .iter()
        .map(|t| TermEntry {
            terms: vec![Term::new(en.clone(), *t)],
            ..Default::default()
        })
        .collect();
    let mut times = Vec::with_capacity(runs);
    let mut found = 0;
    let mut hits: Vec<TermHit> = Vec::new();
    for _ in 0..runs {
        // Wall-clock: a run is shorter than the tick the kernel counts CPU time in.
        let t = Instant::now();
        let index = TermIndex::build(&entries, &en);
        found = 0;
        for s in &sentences {
            index.find_into(s, &mut hits);
            found += hits.len();
        }
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "seed article: {} entries, {} sentences, {found} hits; build + find median {:.3} ms, best {:.3} ms ({runs} runs)",
        entries.len(),
        sentences.len(),
        ms(times[times.len() / 2]),
        ms(times[0]),
    );
}

/// A clock that counts the CPU time of the current thread, or wall-clock time where that is not
/// available.
#[derive(Clone, Copy)]
enum Clock {
    Cpu(u64),
    Wall(Instant),
}

impl Clock {
    fn now() -> Clock {
        match thread_cpu_ns() {
            Some(ns) => Clock::Cpu(ns),
            None => Clock::Wall(Instant::now()),
        }
    }

    fn elapsed(self) -> Duration {
        match self {
            Clock::Cpu(start) => {
                Duration::from_nanos(thread_cpu_ns().unwrap_or(start).saturating_sub(start))
            }
            Clock::Wall(start) => start.elapsed(),
        }
    }
}

fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
