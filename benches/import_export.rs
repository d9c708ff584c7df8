//! Import and export benchmark: a generated TMX with 1,000,000 three-language units (en, zh-CN,
//! ja-JP, realistic lengths, CJK text), imported and exported by the release `tmkit` binary.
//!
//! Run with `cargo bench --bench import_export` (`TMKIT_BENCH_UNITS=N` for another size,
//! `TMKIT_BENCH_RUNS=N` for more runs, `TMKIT_BENCH_BASE=PATH` to run another build of tmkit in
//! turn with this one and give the ratios). Prints medians: units per second, peak RSS, the ratio
//! to `xmllint --noout --stream` on the same file (run once per round, in the same session),
//! export units per second and database bytes per unit.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

#[path = "common/process.rs"]
mod process;
use process::median;

const EN_WORDS: &[&str] = &[
    "China",
    "Japan",
    "forum",
    "cooperation",
    "regional",
    "economic",
    "development",
    "bilateral",
    "relations",
    "government",
    "officials",
    "experts",
    "digital",
    "technology",
    "trade",
    "investment",
    "partnership",
    "agreement",
    "security",
    "public",
    "health",
    "media",
    "exchange",
    "pandemic",
    "recovery",
    "growth",
    "supply",
    "chain",
    "value",
    "market",
    "industry",
    "policy",
    "leaders",
    "minister",
    "foreign",
    "state",
    "councilor",
    "prime",
    "cabinet",
    "speech",
    "video",
    "conference",
    "annual",
    "event",
    "platform",
    "theme",
    "international",
    "order",
    "role",
    "should",
    "play",
    "strengthen",
    "communication",
    "coordination",
    "prosperity",
    "revitalization",
    "the",
    "of",
    "and",
    "to",
    "in",
    "for",
    "on",
    "with",
    "a",
    "is",
    "that",
    "by",
    "as",
    "at",
    "will",
    "said",
    "has",
    "have",
    "been",
    "more",
    "new",
    "two",
    "countries",
    "people",
    "both",
    "between",
];
const ZH: &str = "中日两国论坛合作区域经济发展双边关系政府官员专家数字技术贸易投资伙伴协定安全公共卫生媒体交流疫情复苏增长供应链价值市场产业政策领导人外交部长国务委员首相内阁讲话视频会议年度活动平台主题国际秩序作用加强沟通协调繁荣振兴的了在和是对与为将有这也就都而及等";
const JA_KANA: &str = "のにはをがとでもてしたるいうかなれからまですこれそれあるないよう";
const JA_KANJI: &str = "日中両国会議協力地域経済発展関係政府専門家技術貿易投資協定安全保障公衆衛生交流感染拡大回復成長供給市場産業政策首脳外相内閣演説主題国際秩序役割強化連携繁栄";

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn generate(path: &Path, units: usize) -> std::io::Result<()> {
    let zh: Vec<char> = ZH.chars().collect();
    let kana: Vec<char> = JA_KANA.chars().collect();
    let kanji: Vec<char> = JA_KANJI.chars().collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n<tmx version=\"1.4\">\n  \
         <header creationtool=\"bench\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"bench\" \
         adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/>\n  <body>"
    )?;
    let mut en = String::new();
    let mut zh_s = String::new();
    let mut ja = String::new();
    for i in 0..units {
        en.clear();
        zh_s.clear();
        ja.clear();
        let words = 10 + rng.below(11);
        for w in 0..words {
            if w > 0 {
                en.push(' ');
            }
            let word = EN_WORDS[rng.below(EN_WORDS.len())];
            if w == 0 {
                let mut c = word.chars();
                if let Some(f) = c.next() {
                    en.extend(f.to_uppercase());
                    en.push_str(c.as_str());
                }
            } else {
                en.push_str(word);
            }
            if w == words / 2 {
                let _ = write!(en, " {}", i);
            }
        }
        en.push('.');
        for _ in 0..(18 + rng.below(13)) {
            zh_s.push(zh[rng.below(zh.len())]);
        }
        let _ = write!(zh_s, "{}。", i);
        for k in 0..(20 + rng.below(15)) {
            let pool = if k % 3 == 2 { &kana } else { &kanji };
            ja.push(pool[rng.below(pool.len())]);
        }
        let _ = write!(ja, "{}。", i);
        writeln!(
            out,
            "    <tu tuid=\"{i}\" creationdate=\"20201130T090000Z\">\n      <tuv xml:lang=\"en\"><seg>{en}</seg></tuv>\n      \
             <tuv xml:lang=\"zh-CN\"><seg>{zh_s}</seg></tuv>\n      <tuv xml:lang=\"ja-JP\"><seg>{ja}</seg></tuv>\n    </tu>"
        )?;
    }
    writeln!(out, "  </body>\n</tmx>")?;
    out.flush()?;
    // On disk before anything is timed.
    out.get_ref().sync_all()
}

/// Runs a command to completion (no time limit) and measures it; a failure stops the bench.
fn measure(cmd: &mut Command) -> process::Measured {
    let m = process::measure(
        cmd.stdout(Stdio::null()).stderr(Stdio::null()),
        Duration::MAX,
    );
    assert_eq!(m.code, 0, "command failed: {cmd:?}");
    m
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let units: usize = std::env::var("TMKIT_BENCH_UNITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = std::env::var("TMKIT_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let tmx = dir.join(format!("generated-{units}.tmx"));
    if !tmx.exists() {
        eprintln!("generating {} ...", tmx.display());
        generate(&tmx, units).expect("generate");
    }
    let size = std::fs::metadata(&tmx).expect("generated").len();
    // This build, and with TMKIT_BENCH_BASE another one (an older commit), run in turn in the
    // same session: the machine is shared and noisy, so a ratio means more than a time.
    let mut builds = vec![(
        "this build".to_string(),
        env!("CARGO_BIN_EXE_tmkit").to_string(),
    )];
    if let Ok(base) = std::env::var("TMKIT_BENCH_BASE") {
        builds.push((format!("base ({base})"), base));
    }
    println!(
        "data: {} units, {:.1} MB TMX, {} runs each, median",
        units,
        size as f64 / 1e6,
        runs
    );

    #[derive(Default)]
    struct Figures {
        import_t: Vec<f64>,
        import_rss: Vec<f64>,
        import_cpu: Vec<f64>,
        export_t: Vec<f64>,
        db_bytes: u64,
    }
    let mut xmllint = Vec::new();
    let mut figures: Vec<Figures> = builds.iter().map(|_| Figures::default()).collect();
    for run in 0..runs {
        xmllint.push(
            measure(
                Command::new("xmllint")
                    .arg("--noout")
                    .arg("--stream")
                    .arg(&tmx),
            )
            .wall
            .as_secs_f64(),
        );
        for i in process::round_order(builds.len(), run) {
            let (bin, f) = (&builds[i].1, &mut figures[i]);
            let db = dir.join(format!("bench-{run}.db"));
            let remove = || {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
                }
            };
            remove();
            let took = measure(
                Command::new(bin)
                    .arg("--quiet")
                    .arg("--db")
                    .arg(&db)
                    .arg("import")
                    .arg(&tmx),
            );
            f.import_t.push(took.wall.as_secs_f64());
            f.import_rss.push(took.rss_kb as f64 * 1024.0);
            f.import_cpu.push(took.cpu.as_secs_f64());
            f.db_bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0)
                + std::fs::metadata(format!("{}-wal", db.display()))
                    .map(|m| m.len())
                    .unwrap_or(0);
            let out = dir.join("export.tmx");
            let took = measure(
                Command::new(bin)
                    .arg("--quiet")
                    .arg("--db")
                    .arg(&db)
                    .arg("export")
                    .arg(&out),
            );
            f.export_t.push(took.wall.as_secs_f64());
            let _ = std::fs::remove_file(&out);
            remove();
        }
    }
    let xmllint = median(xmllint);
    println!("xmllint --noout --stream: {:.2} s", xmllint);
    let mut first = None;
    for ((name, _), f) in builds.iter().zip(figures) {
        let it = median(f.import_t);
        let et = median(f.export_t);
        println!("{name}:");
        println!(
            "  import: {:.2} s, {:.0} units/s, peak RSS {:.0} MB, {:.2}x xmllint; CPU {:.2} s",
            it,
            units as f64 / it,
            median(f.import_rss) / 1e6,
            it / xmllint,
            median(f.import_cpu)
        );
        println!("  export: {:.2} s, {:.0} units/s", et, units as f64 / et);
        println!(
            "  database: {:.1} MB, {:.0} bytes/unit",
            f.db_bytes as f64 / 1e6,
            f.db_bytes as f64 / units as f64
        );
        match first {
            None => first = Some((it, et)),
            Some((new_it, new_et)) => println!(
                "  this build against it: import {:.2}x as fast, export {:.2}x",
                it / new_it,
                et / new_et
            ),
        }
    }
}
