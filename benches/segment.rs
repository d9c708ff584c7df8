//! Segmentation throughput: `cargo bench --bench segment` prints MB/s medians.
//!
//! - the seed article repeated to at least 4 MB, built-in English rules;
//! - a 100 MB single line (the article's paragraphs joined with spaces), built-in rules;
//! - the article repeated to 1 MB with the OmegaT, Okapi and LanguageTool SRX files (their
//!   English rules, and the German ones with thousands of rules);
//! - the time to parse and compile the built-in English rules;
//! - first, whole processes as a user runs them: `tmkit segment FILE > OUT` on the article
//!   repeated to 4.6 MB and 23 MB, text output to a file, and a Python process printing every
//!   sentence of the same file with sentencex (PyPI `sentencex`; reported as not installed when
//!   `python3 -c "import sentencex"` fails; `TMKIT_BENCH_PYTHON` names another interpreter),
//!   with the ratio. `TMKIT_BENCH_BASE=/path/to/an/older/tmkit` measures that binary too, its
//!   runs interleaved with this one's.
//!
//! Set `TMKIT_BENCH_QUICK=1` for fewer, smaller runs.

#[path = "common/process.rs"]
mod process;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tmkit::formats::srx;
use tmkit::text::segment::segment;
use tmkit::text::srx::{Engine, RuleSet};

fn main() {
    let quick = std::env::var_os("TMKIT_BENCH_QUICK").is_some();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let article = std::fs::read_to_string(root.join("examples/beijing-tokyo-forum.en.txt"))
        .expect("the seed article is in examples/");
    whole_processes(root, &article, if quick { 3 } else { 7 });

    let t = Instant::now();
    let engine = Engine::new(srx::default_rules().expect("built-in rules parse"));
    let rules = engine.rules_for("en").expect("built-in rules compile");
    println!(
        "load+compile built-in English rules: {:.2} ms",
        ms(t.elapsed())
    );

    let runs = if quick { 3 } else { 21 };
    let news = repeat(&(article.clone() + "\n\n"), 4 << 20);
    report("article x N (built-in en)", &news, &rules, runs);

    let line = article.split_whitespace().collect::<Vec<_>>().join(" ") + " ";
    let big = repeat(&line, if quick { 20 << 20 } else { 100 << 20 });
    report(
        "single line (built-in en)",
        &big,
        &rules,
        if quick { 1 } else { 3 },
    );

    let zh = repeat(
        "中国和日本可以进一步加强沟通与协调。“我们愿意分享想法！”他说。数字经济规模达到35.8万亿元（约5.45万亿美元）……这是第16届论坛？是的。\n\n",
        4 << 20,
    );
    let zh_rules = engine.rules_for("zh").expect("built-in rules compile");
    report("Chinese x N (built-in zh)", &zh, &zh_rules, runs);

    let one_mb = repeat(&(article.clone() + "\n\n"), 1 << 20);
    for (file, lang) in [
        ("omegat-defaultRules.srx", "en"),
        // German: OmegaT's largest language rule (about 1,500 abbreviation rules).
        ("omegat-defaultRules.srx", "de"),
        ("okapi-defaultSegmentation.srx", "en"),
        ("languagetool-segment.srx", "en"),
        ("languagetool-segment.srx", "de"),
    ] {
        let t = Instant::now();
        let engine = Engine::new(
            srx::read_file(&root.join("tests/fixtures/srx").join(file)).expect("fixture parses"),
        );
        let rules = engine.rules_for(lang).expect("fixture rules compile");
        let load = ms(t.elapsed());
        println!("  {file}: {:?}", rules.summary());
        report(
            &format!("article x N ({file}, {lang}; load {load:.1} ms)"),
            &one_mb,
            &rules,
            if quick { 1 } else { 3 },
        );
    }
}

fn repeat(unit: &str, at_least: usize) -> String {
    let mut s = String::with_capacity(at_least + unit.len());
    while s.len() < at_least {
        s.push_str(unit);
    }
    s
}

fn report(name: &str, text: &str, rules: &RuleSet, runs: usize) {
    // One untimed run fills the lazy DFA caches, as any real use does after a few kilobytes.
    let mut count = segment(text, rules).len();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let segs = segment(text, rules);
        times.push(t.elapsed());
        count = segs.len();
    }
    times.sort();
    let median = times[times.len() / 2];
    let best = times[0];
    let mb = text.len() as f64 / 1e6;
    println!(
        "{name}: {:.1} MB, {count} segments, median {:.1} ms = {:.0} MB/s (best {:.0} MB/s, {runs} runs)",
        mb,
        ms(median),
        mb / median.as_secs_f64(),
        mb / best.as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The sentencex run: reads the file, prints every sentence on a line of its own.
const SENTENCEX: &str = "import sys, sentencex\n\
text = open(sys.argv[1], encoding='utf-8').read()\n\
sys.stdout.writelines(s.strip() + '\\n' for s in sentencex.segment('en', text))\n";

/// `tmkit segment` (and sentencex) as whole processes, output to a file.
fn whole_processes(root: &Path, article: &str, runs: usize) {
    let dir = root.join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let out = dir.join("segment-out.txt");
    let python = std::env::var("TMKIT_BENCH_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let sentencex = Command::new(&python)
        .args(["-c", "import sentencex"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !sentencex {
        println!(
            "sentencex: not installed ({python} -c \"import sentencex\" failed): pip install sentencex"
        );
    }
    let mut tmkits: Vec<(String, PathBuf)> = vec![(
        "tmkit".to_string(),
        PathBuf::from(env!("CARGO_BIN_EXE_tmkit")),
    )];
    if let Some(base) = std::env::var_os("TMKIT_BENCH_BASE") {
        tmkits.push(("base tmkit".to_string(), PathBuf::from(base)));
    }
    for (mb, size) in [(4.6, 4_600_000usize), (23.0, 23_000_000)] {
        let file = dir.join(format!("article-{mb}MB.txt"));
        if !file.exists() {
            let unit = article.to_string() + "\n\n";
            std::fs::write(&file, unit.repeat(size.div_ceil(unit.len()))).expect("write input");
        }
        let bytes = std::fs::metadata(&file).expect("input").len() as f64;
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); tmkits.len() + 1];
        let mut rss = vec![0u64; tmkits.len()];
        for run in 0..runs {
            for i in process::round_order(tmkits.len(), run) {
                let bin = &tmkits[i].1;
                let m = process::measure(
                    Command::new(bin)
                        .arg("segment")
                        .arg(&file)
                        .stdout(std::fs::File::create(&out).expect("output file")),
                    Duration::from_secs(600),
                );
                assert_eq!(m.code, 0, "tmkit segment failed");
                times[i].push(m.wall.as_secs_f64());
                rss[i] = rss[i].max(m.rss_kb);
            }
            if sentencex {
                let m = process::measure(
                    Command::new(&python)
                        .args(["-c", SENTENCEX])
                        .arg(&file)
                        .stdout(std::fs::File::create(&out).expect("output file")),
                    Duration::from_secs(600),
                );
                assert_eq!(m.code, 0, "sentencex failed");
                times[tmkits.len()].push(m.wall.as_secs_f64());
            }
        }
        let ours = process::median(times[0].clone());
        for (i, (name, _)) in tmkits.iter().enumerate() {
            let t = process::median(times[i].clone());
            println!(
                "whole process, {name} segment {:.1} MB > file: median {:.1} ms = {:.0} MB/s, peak RSS {} MB ({runs} runs){}",
                bytes / 1e6,
                t * 1e3,
                bytes / 1e6 / t,
                rss[i] / 1024,
                if i > 0 {
                    format!(", {:.2}x the time of this tmkit", t / ours)
                } else {
                    String::new()
                }
            );
        }
        if sentencex {
            let t = process::median(times[tmkits.len()].clone());
            println!(
                "whole process, sentencex {:.1} MB > file: median {:.1} ms = {:.0} MB/s; tmkit is {:.1}x faster",
                bytes / 1e6,
                t * 1e3,
                bytes / 1e6 / t,
                t / ours
            );
        }
    }
    let _ = std::fs::remove_file(&out);
}
