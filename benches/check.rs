//! `tmkit check` benchmark: a generated memory of 1,000,000 three-language units (en, zh-CN, ja-JP)
//! translated consistently word by word, with figures, and a 1,000-concept termbase whose terms
//! occur in about a third of the units; then `tmkit check` over the whole memory, and `tmkit terms`
//! and `tmkit prepare` on the seed article.
//!
//! Run with `cargo bench --bench check` (`TMKIT_BENCH_UNITS=N` for another size,
//! `TMKIT_BENCH_RUNS=N` for more runs). Prints medians: check units per second (wall and CPU;
//! tmkit checks a large memory on one thread per core), its peak RSS, findings, and the article
//! timings. Each run is measured by `common/process.rs` (`wait4`: wall, CPU and peak RSS of the
//! child alone).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

#[path = "common/process.rs"]
mod process;
use process::median;

/// Longer than any run of these benches: a run past it is killed and reported with exit -9.
const KILL_AFTER: Duration = Duration::from_secs(3600);

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

const SYLLABLES: &[&str] = &[
    "ka", "lo", "ven", "tri", "mar", "sol", "den", "pra", "gu", "shi", "ro", "nel", "bas", "tor",
    "mi", "fen", "dar", "cle", "vo", "ran", "pel", "sta", "qui", "zen",
];
const ZH: &str = "中日国论坛合作区域经济发展双边关系政府官员专家数字技术贸易投资伙伴协定安全公共卫生媒体交流疫情复苏增长供应链价值市场产业政策领导人外交部长国务委员首相内阁讲话视频会议年度活动平台主题国际秩序作用加强沟通协调繁荣振兴";
const JA: &str = "日中国会議協力地域経済発展関係政府専門家技術貿易投資協定安全保障公衆衛生交流感染拡大回復成長供給市場産業政策首脳外相内閣演説主題国際秩序役強化連携繁栄";

/// A word in three languages.
struct Word {
    en: String,
    zh: String,
    ja: String,
}

fn vocabulary(rng: &mut Rng, n: usize) -> Vec<Word> {
    let zh: Vec<char> = ZH.chars().collect();
    let ja: Vec<char> = JA.chars().collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    while out.len() < n {
        let syl = 2 + rng.below(2);
        let en: String = (0..syl)
            .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
            .collect();
        let z: String = (0..2 + rng.below(2))
            .map(|_| zh[rng.below(zh.len())])
            .collect();
        let j: String = (0..2 + rng.below(2))
            .map(|_| ja[rng.below(ja.len())])
            .collect();
        if seen.insert(en.clone()) && seen.insert(z.clone()) && seen.insert(j.clone()) {
            out.push(Word { en, zh: z, ja: j });
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;")
}

/// Writes the memory's TMX and the termbase's TSV.
fn generate(tmx: &Path, tsv: &Path, units: usize) -> std::io::Result<()> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let words = vocabulary(&mut rng, 3000);
    // Terms: two-word phrases of the last 2,000 words (the first 1,000 are ordinary words).
    let terms: Vec<(usize, usize)> = (0..1000).map(|i| (1000 + 2 * i, 1001 + 2 * i)).collect();
    let mut g = std::io::BufWriter::new(std::fs::File::create(tsv)?);
    writeln!(g, "en\tzh-CN\tja-JP")?;
    for &(a, b) in &terms {
        writeln!(
            g,
            "{} {}\t{}{}\t{}{}",
            words[a].en, words[b].en, words[a].zh, words[b].zh, words[a].ja, words[b].ja
        )?;
    }
    g.flush()?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(tmx)?);
    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n  <header \
         creationtool=\"bench\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"bench\" \
         adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/>\n  <body>"
    )?;
    let (mut en, mut zh, mut ja) = (String::new(), String::new(), String::new());
    for i in 0..units {
        en.clear();
        zh.clear();
        ja.clear();
        let n = 8 + rng.below(12);
        let term_at = if rng.below(3) == 0 {
            Some(rng.below(n))
        } else {
            None
        };
        let number_at = if rng.below(2) == 0 {
            Some(rng.below(n))
        } else {
            None
        };
        for k in 0..n {
            if k > 0 {
                en.push(' ');
            }
            if Some(k) == term_at {
                let (a, b) = terms[rng.below(terms.len())];
                en.push_str(&words[a].en);
                en.push(' ');
                en.push_str(&words[b].en);
                zh.push_str(&words[a].zh);
                zh.push_str(&words[b].zh);
                ja.push_str(&words[a].ja);
                ja.push_str(&words[b].ja);
                continue;
            }
            if Some(k) == number_at {
                let v = (i * 7 + k) % 1000;
                en.push_str(&format!("{v} percent"));
                zh.push_str(&format!("{v}%"));
                ja.push_str(&format!("{v}%"));
                continue;
            }
            let w = &words[rng.below(1000)];
            en.push_str(&w.en);
            zh.push_str(&w.zh);
            ja.push_str(&w.ja);
        }
        // Each source is unique, as in a real memory.
        en.push_str(&format!(" {}.", words[i % 1000].en));
        en.replace_range(..1, &en[..1].to_uppercase());
        zh.push_str(&words[i % 1000].zh);
        zh.push('。');
        ja.push_str(&words[i % 1000].ja);
        ja.push('。');
        let tag = format!("{:x}", i);
        writeln!(
            out,
            "    <tu tuid=\"{tag}\"><tuv xml:lang=\"en\"><seg>{}</seg></tuv><tuv xml:lang=\"zh-CN\"><seg>{}</seg></tuv><tuv xml:lang=\"ja-JP\"><seg>{}</seg></tuv></tu>",
            escape(&en),
            escape(&zh),
            escape(&ja)
        )?;
    }
    writeln!(out, "  </body>\n</tmx>")?;
    out.flush()?;
    out.into_inner()?.sync_all()
}

/// Runs a command to completion with its output discarded (see [`process::measure`]).
fn measure(cmd: &mut Command) -> process::Measured {
    process::measure(cmd.stdout(Stdio::null()).stderr(Stdio::null()), KILL_AFTER)
}

/// Writes a termbase of the memory's 1,000 most frequent English word pairs (words of four letters
/// or more), English terms only.
fn write_frequent_pairs(db: &Path, tsv: &Path) {
    let store = tmkit::store::Store::open(db).unwrap();
    let mut counts: std::collections::HashMap<(String, String), u32> = Default::default();
    let mut n = 0;
    store
        .for_each_unit_with_id(|_, unit| {
            n += 1;
            if n > 300_000 {
                return Ok(());
            }
            if let Some(v) = unit.variants.iter().find(|v| v.lang.as_str() == "en") {
                let words: Vec<String> = v
                    .text
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| !w.is_empty())
                    .map(|w| w.to_ascii_lowercase())
                    .collect();
                for p in words.windows(2) {
                    if p[0].len() >= 4 && p[1].len() >= 4 {
                        *counts.entry((p[0].clone(), p[1].clone())).or_default() += 1;
                    }
                }
            }
            Ok(())
        })
        .unwrap();
    let mut pairs: Vec<((String, String), u32)> = counts.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = std::io::BufWriter::new(std::fs::File::create(tsv).unwrap());
    writeln!(out, "en\tnote").unwrap();
    for ((a, b), c) in pairs.into_iter().take(1000) {
        writeln!(out, "{a} {b}\tseen {c} times").unwrap();
    }
}

fn main() {
    let units: usize = std::env::var("TMKIT_BENCH_UNITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = std::env::var("TMKIT_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet"])
        .current_dir(&root)
        .status()
        .expect("cargo runs");
    assert!(status.success());
    let bin = root.join("target/release/tmkit");
    let dir = root.join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join(format!("check-{units}.db"));
    if !db.exists() {
        let tmx = dir.join(format!("check-{units}.tmx"));
        let tsv = dir.join("check-terms.tsv");
        eprintln!("generating {units} units and 1,000 terms...");
        generate(&tmx, &tsv, units).unwrap();
        let partial = dir.join(format!("check-{units}.partial.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
        }
        for args in [
            vec!["import".to_string(), tmx.display().to_string()],
            vec![
                "glossary".to_string(),
                "import".to_string(),
                tsv.display().to_string(),
                "-n".to_string(),
                "bench".to_string(),
            ],
        ] {
            let ok = Command::new(&bin)
                .arg("--quiet")
                .arg("--db")
                .arg(&partial)
                .args(&args)
                .stdout(Stdio::null())
                .status()
                .unwrap()
                .success();
            assert!(ok, "tmkit {args:?}");
        }
        // Checkpoint the log so that every run reads the same file.
        let _ = Command::new(&bin)
            .arg("--quiet")
            .arg("--db")
            .arg(&partial)
            .arg("stats")
            .stdout(Stdio::null())
            .status();
        std::fs::rename(&partial, &db).unwrap();
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
        }
        let _ = std::fs::remove_file(&tmx);
    }
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    let mut rss = Vec::new();
    let mut code = 0;
    for _ in 0..runs {
        let m = measure(
            Command::new(&bin)
                .arg("--quiet")
                .arg("--db")
                .arg(&db)
                .args(["check", "--format", "json"]),
        );
        wall.push(m.wall.as_secs_f64());
        cpu.push(m.cpu.as_secs_f64());
        rss.push(m.rss_kb as f64 / 1024.0);
        code = m.code;
    }
    let findings = Command::new(&bin)
        .arg("--quiet")
        .arg("--db")
        .arg(&db)
        .args(["check", "--format", "json"])
        .output()
        .map(|o| {
            serde_json::from_slice::<serde_json::Value>(&o.stdout)
                .ok()
                .and_then(|v| v.as_array().map(|a| a.len()))
                .unwrap_or(0)
        })
        .unwrap_or(0);
    let w = median(wall);
    let c = median(cpu);
    println!(
        "check: {units} units, 1,000-concept termbase: {:.2} s wall ({:.0} units/s), {:.2} s CPU \
         ({:.0} units/s of CPU), peak RSS {:.0} MB, exit {code}, {findings} findings",
        w,
        units as f64 / w,
        c,
        units as f64 / c,
        median(rss)
    );

    // Real sentences: the lookup benchmark's memory (real English from the gettext corpus and the
    // King James Bible, with Chinese and Japanese from gettext that do not translate them), when
    // that benchmark has built it, with a termbase of 1,000 frequent English word pairs of the
    // memory (English terms only). Nearly every pair has findings there: this measures the check
    // on real text and the cost of reporting millions of findings, not a clean memory.
    let real = dir.join("lookup-1000000.db");
    if units == 1_000_000 && real.exists() {
        let copy = dir.join("check-real-1000000.db");
        if !copy.exists() {
            let partial = dir.join("check-real.partial.db");
            std::fs::copy(&real, &partial).unwrap();
            let tsv = dir.join("check-real-terms.tsv");
            write_frequent_pairs(&partial, &tsv);
            let ok = Command::new(&bin)
                .arg("--quiet")
                .arg("--db")
                .arg(&partial)
                .args(["glossary", "import", "-n", "bench"])
                .arg(&tsv)
                .stdout(Stdio::null())
                .status()
                .unwrap()
                .success();
            assert!(ok, "glossary import");
            std::fs::rename(&partial, &copy).unwrap();
        }
        let mut wall = Vec::new();
        let mut cpu = Vec::new();
        let mut findings = 0;
        for _ in 0..runs {
            let out_path = dir.join("check-real.json");
            let out = std::fs::File::create(&out_path).unwrap();
            let m = process::measure(
                Command::new(&bin)
                    .arg("--quiet")
                    .arg("--db")
                    .arg(&copy)
                    .args(["check", "--format", "json"])
                    .stdout(out)
                    .stderr(Stdio::null()),
                KILL_AFTER,
            );
            wall.push(m.wall.as_secs_f64());
            cpu.push(m.cpu.as_secs_f64());
            findings = std::fs::read(&out_path)
                .ok()
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                .and_then(|v| v.as_array().map(|a| a.len()))
                .unwrap_or(0);
        }
        let (w, c) = (median(wall), median(cpu));
        println!(
            "check, real sentences: 1000000 units, 1,000 English terms: {:.2} s wall ({:.0} units/s), \
             {:.2} s CPU ({:.0} units/s of CPU), {findings} findings (the translations do not belong \
             to the sentences)",
            w,
            1e6 / w,
            c,
            1e6 / c
        );
    }

    // The seed article: terms and prepare with the bundled memory and termbase.
    let article = root.join("examples/beijing-tokyo-forum.en.txt");
    let small = dir.join("article.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", small.display()));
    }
    for args in [
        vec!["import", "tmx/beijing-tokyo-forum.tmx"],
        vec!["glossary", "import", "glossary/beijing-tokyo-forum.tbx"],
    ] {
        let ok = Command::new(&bin)
            .current_dir(&root)
            .arg("--quiet")
            .arg("--db")
            .arg(&small)
            .args(&args)
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
    let text = std::fs::read_to_string(&article).unwrap();
    let mut terms_t = Vec::new();
    let mut prepare_t = Vec::new();
    let mut prepare_big_t = Vec::new();
    let out = dir.join("article.prepared");
    for _ in 0..runs.max(5) {
        let t = measure(
            Command::new(&bin)
                .arg("--db")
                .arg(&small)
                .args(["terms", "--format", "json", &text]),
        );
        terms_t.push(t.wall.as_secs_f64() * 1000.0);
        let t = measure(
            Command::new(&bin)
                .arg("--db")
                .arg(&small)
                .arg("prepare")
                .arg(&article)
                .arg("--out")
                .arg(&out)
                .arg("--force"),
        );
        prepare_t.push(t.wall.as_secs_f64() * 1000.0);
        let t = measure(
            Command::new(&bin)
                .arg("--db")
                .arg(&db)
                .arg("prepare")
                .arg(&article)
                .arg("--out")
                .arg(&out)
                .arg("--force"),
        );
        prepare_big_t.push(t.wall.as_secs_f64() * 1000.0);
    }
    println!(
        "terms on the seed article (process start included): {:.1} ms",
        median(terms_t)
    );
    println!(
        "prepare on the seed article, bundled memory (process start included): {:.1} ms",
        median(prepare_t)
    );
    println!(
        "prepare on the seed article, {units}-unit memory (process start included): {:.1} ms",
        median(prepare_big_t)
    );
}
