//! Segmentation throughput: `cargo bench --bench segment` prints MB/s medians.
//!
//! - the seed article repeated to at least 4 MB, built-in English rules;
//! - a 100 MB single line (the article's paragraphs joined with spaces), built-in rules;
//! - the article repeated to 1 MB with the OmegaT, Okapi and LanguageTool SRX files (their
//!   English rules, and the German ones with thousands of rules);
//! - the time to parse and compile the built-in English rules.
//!
//! Set `TMKIT_BENCH_QUICK=1` for fewer, smaller runs.

use std::path::Path;
use std::time::{Duration, Instant};

use tmkit::formats::srx;
use tmkit::text::segment::segment;
use tmkit::text::srx::{Engine, RuleSet};

fn main() {
    let quick = std::env::var_os("TMKIT_BENCH_QUICK").is_some();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let article = std::fs::read_to_string(root.join("examples/beijing-tokyo-forum.en.txt"))
        .expect("the seed article is in examples/");

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
