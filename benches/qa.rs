//! Throughput of the per-pair quality checks: `cargo bench --bench qa` prints the median pairs/s of
//! `check_pair` over 5 runs on one core.
//!
//! About 200,000 pairs: 100,000 news sentences made from templates (EN with zh-CN and ja-JP
//! targets, figures, percentages, dates, ordinals, quotes and inline codes filled in at random, 3%
//! with a seeded number error) and the seed article's memory, plus up to 100,000 real EN → zh-CN
//! and EN → ja-JP pairs of the shared gettext corpus (`../shared/corpus/gettext/en-zh-ja.tsv`,
//! skipped when absent). Also prints the findings per kind for each half, and with
//! `TMKIT_BENCH_SHOW=N` the first N findings on the gettext pairs, to look for false alarms.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use tmkit::formats::tmx::{Item, Reader};
use tmkit::matching::qa::check_pair;
use tmkit::model::{Finding, FindingKind, Lang, TranslationUnit};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct Pair {
    source: String,
    target: String,
    lang: usize, // 0 zh-CN, 1 ja-JP
}

const MONTHS: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];

/// One templated news sentence in English, Chinese and Japanese.
fn news(rng: &mut Rng) -> [String; 3] {
    let m = rng.below(12) as usize + 1;
    let d = rng.below(28) + 1;
    let mon = MONTHS[m - 1];
    let p = format!("{}.{}", rng.below(60) + 1, rng.below(10));
    let q = format!("{}.{}", rng.below(30) + 1, rng.below(10));
    let ord = rng.below(16) + 4;
    let n = (rng.below(90) + 10) * 100;
    let y = 2000 + rng.below(21);
    match rng.below(10) {
        0 => {
            let t = format!("{}.{}", rng.below(50) + 1, rng.below(10));
            [
                format!("China's digital economy reached {t} trillion yuan in {y}, accounting for {p} percent of GDP, the China Academy of Information and Communications Technology said on {mon} {d}."),
                format!("中国信息通信研究院{m}月{d}日发布的数据显示，{y}年中国数字经济规模达到{t}万亿元，占GDP比重为{p}%。"),
                format!("中国情報通信研究院が{m}月{d}日に発表したデータによると、{y}年の中国のデジタル経済の規模は{t}兆元に達し、GDPの{p}％を占めた。"),
            ]
        }
        1 => [
            format!("The {ord}th Beijing-Tokyo Forum, held via video link for the first time, drew more than {n} participants from the two countries."),
            format!("第{ord}届北京－东京论坛首次以视频连线方式举行，吸引了两国{n}多名人士参加。"),
            format!("初めてオンライン形式で開催された第{ord}回東京－北京フォーラムには、日中両国から{n}人を超える参加者が集まった。"),
        ],
        2 => [
            format!("Exports rose {p} percent year on year in {}, while imports fell {q} percent, customs data showed.", full_month(m)),
            format!("海关数据显示，{m}月份出口同比增长{p}%，进口下降{q}%。"),
            format!("税関統計によると、{m}月の輸出は前年同月比{p}％増、輸入は{q}％減だった。"),
        ],
        3 => [
            "The two sides agreed to strengthen cooperation in public health, digital economy and climate change.".into(),
            "双方同意在公共卫生、数字经济和气候变化等领域加强合作。".into(),
            "双方は公衆衛生、デジタル経済、気候変動などの分野で協力を強化することで合意した。".into(),
        ],
        4 => [
            "Wang Yi said China and Japan, as close neighbours, should work together to keep the region stable and prosperous.".into(),
            "王毅表示，中日作为近邻，应当携手维护地区稳定与繁荣。".into(),
            "王毅氏は、日中両国は隣国として、地域の安定と繁栄を守るために協力すべきだと述べた。".into(),
        ],
        5 => {
            let b = rng.below(9) + 11; // 1.1 .. 1.9 billion
            let k = rng.below(500) + 100; // million
            [
                format!("China has a population of {}.{} billion, and about {k} million people live in rural areas.", b / 10, b % 10),
                format!("中国人口约{b}亿，其中约{}万人居住在农村地区。", k * 100),
                format!("中国の人口は約{b}億人で、そのうち約{}万人が農村部に住んでいる。", k * 100),
            ]
        }
        6 => [
            format!("“We are ready to share ideas with our Japanese friends,” he said at the opening ceremony on {mon} {d}."),
            format!("他在{m}月{d}日的开幕式上说：“我们愿意与日本朋友分享想法。”"),
            format!("彼は{m}月{d}日の開幕式で「日本の友人と考えを共有する用意がある」と述べた。"),
        ],
        7 => [
            "What role should China and Japan play in the post-pandemic era?".into(),
            "后疫情时代，中日两国应当发挥怎样的作用？".into(),
            "ポストコロナ時代に日中両国はどのような役割を果たすべきか。".into(),
        ],
        8 => [
            format!("Since the COVID-19 outbreak, more than {n} companies have moved their services online."),
            format!("新冠肺炎疫情暴发以来，已有{n}多家企业将服务转移到线上。"),
            format!("新型コロナウイルス感染症の拡大以降、{n}社以上の企業がサービスをオンラインに移行した。"),
        ],
        _ => [
            format!("Click <bpt i=\"1\">&lt;b&gt;</bpt>Register<ept i=\"1\">&lt;/b&gt;</ept> before {mon} {d} to attend the {ord}th forum."),
            format!("请在{m}月{d}日前单击<bpt i=\"1\">&lt;b&gt;</bpt>注册<ept i=\"1\">&lt;/b&gt;</ept>，以参加第{ord}届论坛。"),
            format!("第{ord}回フォーラムに参加するには、{m}月{d}日までに<bpt i=\"1\">&lt;b&gt;</bpt>登録<ept i=\"1\">&lt;/b&gt;</ept>をクリックしてください。"),
        ],
    }
}

fn full_month(m: usize) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][m - 1]
}

/// The seed article's memory: (en, zh, ja) units.
fn article(root: &Path) -> Vec<[String; 3]> {
    let mut reader =
        Reader::open(&root.join("tmx/beijing-tokyo-forum.tmx")).expect("bundled memory");
    let mut unit = TranslationUnit::default();
    let mut out = Vec::new();
    loop {
        match reader.read_unit(&mut unit).expect("bundled memory reads") {
            Item::Unit => {}
            Item::End => break,
            _ => continue,
        }
        let get = |l: &str| {
            unit.variant(&Lang::parse(l).unwrap())
                .map(|v| v.content().to_string())
        };
        if let (Some(en), Some(zh), Some(ja)) = (get("en"), get("zh-CN"), get("ja-JP")) {
            out.push([en, zh, ja]);
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\r", "\r")
        .replace("\\\\", "\\")
}

fn gettext(root: &Path, limit: usize) -> Vec<Pair> {
    let Ok(tsv) = std::fs::read_to_string(root.join("../shared/corpus/gettext/en-zh-ja.tsv"))
    else {
        eprintln!("gettext corpus not found: news pairs only");
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            continue;
        }
        for (lang, col) in [(0, cols[1]), (1, cols[2])] {
            if !col.is_empty() && out.len() < limit {
                out.push(Pair {
                    source: unescape(cols[0]),
                    target: unescape(col),
                    lang,
                });
            }
        }
    }
    out
}

fn run(pairs: &[Pair], langs: &[Lang; 3], out: &mut Vec<Finding>) -> (f64, usize) {
    let t = Instant::now();
    let mut findings = 0;
    for p in pairs {
        out.clear();
        check_pair(&p.source, &p.target, &langs[0], &langs[p.lang + 1], out);
        findings += black_box(out.len());
    }
    (pairs.len() as f64 / t.elapsed().as_secs_f64(), findings)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn kinds(pairs: &[Pair], langs: &[Lang; 3], show: usize, label: &str) {
    let mut counts = std::collections::BTreeMap::<FindingKind, usize>::new();
    let mut out = Vec::new();
    let mut shown = 0;
    let mut flagged = 0;
    for p in pairs {
        out.clear();
        check_pair(
            &p.source,
            &p.target,
            &langs[0],
            &langs[p.lang + 1],
            &mut out,
        );
        flagged += usize::from(!out.is_empty());
        for f in &out {
            *counts.entry(f.kind).or_default() += 1;
            if shown < show {
                shown += 1;
                println!(
                    "  {:?} | {:?}\n    {}: {}",
                    p.source,
                    p.target,
                    f.kind.as_str(),
                    f.message
                );
            }
        }
    }
    let list: Vec<String> = counts
        .iter()
        .map(|(k, n)| format!("{} {n}", k.as_str()))
        .collect();
    println!(
        "{label}: {} pairs, {flagged} with findings ({:.1}%): {}",
        pairs.len(),
        100.0 * flagged as f64 / pairs.len().max(1) as f64,
        list.join(", ")
    );
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let langs = [
        Lang::parse("en").unwrap(),
        Lang::parse("zh-CN").unwrap(),
        Lang::parse("ja-JP").unwrap(),
    ];
    let show: usize = std::env::var("TMKIT_BENCH_SHOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let article = article(root);
    let mut news_pairs = Vec::with_capacity(100_000);
    // Whether each news pair has a seeded number error.
    let mut seeded: Vec<bool> = Vec::with_capacity(100_000);
    while news_pairs.len() < 100_000 {
        let unit = if rng.below(10) == 0 {
            article[rng.below(article.len() as u64) as usize].clone()
        } else {
            news(&mut rng)
        };
        for lang in 0..2 {
            let mut target = unit[lang + 1].clone();
            let mut changed = false;
            if rng.below(100) < 3 {
                // A seeded number error: the first digit changed.
                if let Some(p) = target.find(|c: char| c.is_ascii_digit()) {
                    let d = target.as_bytes()[p];
                    let new = if d == b'9' { '1' } else { (d + 1) as char };
                    target.replace_range(p..p + 1, &new.to_string());
                    changed = true;
                }
            }
            seeded.push(changed);
            news_pairs.push(Pair {
                source: unit[0].clone(),
                target,
                lang,
            });
        }
    }
    let real = gettext(root, 100_000);
    let mut all: Vec<&Pair> = news_pairs.iter().chain(real.iter()).collect();
    // Interleave the two halves so that neither runs alone in the timed loop.
    let mut shuffled = Vec::with_capacity(all.len());
    while !all.is_empty() {
        let i = rng.below(all.len() as u64) as usize;
        shuffled.push(all.swap_remove(i));
    }
    let mixed: Vec<Pair> = shuffled
        .into_iter()
        .map(|p| Pair {
            source: p.source.clone(),
            target: p.target.clone(),
            lang: p.lang,
        })
        .collect();
    let bytes: usize = mixed.iter().map(|p| p.source.len() + p.target.len()).sum();
    println!(
        "{} pairs ({} news, {} gettext), {:.1} MB of text",
        mixed.len(),
        news_pairs.len(),
        real.len(),
        bytes as f64 / 1e6
    );

    kinds(&news_pairs, &langs, 0, "news");
    // Recall of the seeded number errors, and number findings on the news pairs left as they
    // are.
    let (mut found, mut alarms) = (0, 0);
    let mut out = Vec::new();
    for (p, &s) in news_pairs.iter().zip(&seeded) {
        out.clear();
        check_pair(
            &p.source,
            &p.target,
            &langs[0],
            &langs[p.lang + 1],
            &mut out,
        );
        let number = out.iter().any(|f| f.kind == FindingKind::Number);
        found += usize::from(s && number);
        alarms += usize::from(!s && number);
    }
    let n = seeded.iter().filter(|&&s| s).count();
    println!(
        "news: {n} seeded number errors, {found} found (recall {:.2}); {alarms} unseeded pairs with a number finding",
        found as f64 / n.max(1) as f64
    );
    kinds(&real, &langs, show, "gettext");

    let mut out = Vec::new();
    run(&mixed, &langs, &mut out); // warm-up
    let mut rates = Vec::new();
    for _ in 0..5 {
        let (rate, findings) = run(&mixed, &langs, &mut out);
        black_box(findings);
        rates.push(rate);
    }
    let news_rate = median(
        (0..5)
            .map(|_| run(&news_pairs, &langs, &mut out).0)
            .collect(),
    );
    let real_rate = if real.is_empty() {
        0.0
    } else {
        median((0..5).map(|_| run(&real, &langs, &mut out).0).collect())
    };
    let best = rates.iter().copied().fold(0.0, f64::max);
    let m = median(rates);
    println!(
        "check_pair: median {:.0} pairs/s ({:.2} µs/pair) over 5 runs, best {:.0}/s; news alone {:.0}/s, gettext alone {:.0}/s",
        m,
        1e6 / m,
        best,
        news_rate,
        real_rate
    );
}
