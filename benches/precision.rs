//! Precision of `tmkit check` on real human translations: the gettext memory of the shared corpus
//! (`../shared/corpus/gettext/en-zh-ja.tmx`, relative to the repository: 61,785 units of real
//! software translations into zh-CN and ja-JP).
//!
//! The whole process, as a user runs it: `import` into a temporary memory, then `check --format
//! json`. Prints the findings per kind and severity, per 1,000 source/target pairs, and the
//! precision of each kind on the hand-labelled sample `tests/fixtures/precision/labels.tsv`
//! (findings sampled from the checker's output, each labelled `real` or `false` with a reason).
//! A labelled finding is joined by (tuid, language, kind, message); findings not in the sample
//! are unlabelled, and labelled findings the checker no longer reports are counted apart.
//!
//! Run with `cargo bench --bench precision`. Without the corpus it says so and stops.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The kinds whose precision is reported.
const KINDS: [&str; 4] = ["number", "punctuation", "untranslated", "tag"];

struct Label {
    real: bool,
    severity: String,
}

/// (tuid, lang, kind, message) → label.
fn labels(path: &Path) -> HashMap<(String, String, String, String), Label> {
    let text = std::fs::read_to_string(path).expect("the labels are in tests/fixtures/precision");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header = lines.next().expect("a header line");
    assert_eq!(
        header,
        "tuid\tdomain\tlang\tkind\tseverity\tlabel\treason\tmessage\tsource\ttarget"
    );
    let mut out = HashMap::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 10, "{line}");
        assert!(
            matches!(f[5], "real" | "false"),
            "label {:?} in {line}",
            f[5]
        );
        assert!(!f[6].is_empty(), "a reason for {line}");
        out.insert(
            (
                f[0].to_string(),
                f[2].to_string(),
                f[3].to_string(),
                unescape(f[7]),
            ),
            Label {
                real: f[5] == "real",
                severity: f[4].to_string(),
            },
        );
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn tmkit(bin: &Path, db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin)
        .arg("--quiet")
        .arg("--db")
        .arg(db)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .expect("tmkit runs")
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus/gettext/en-zh-ja.tmx");
    if !corpus.exists() {
        println!(
            "precision: {} not found; this benchmark needs the shared gettext corpus",
            corpus.display()
        );
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_tmkit"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("gettext.db");

    let t = Instant::now();
    let out = tmkit(&bin, &db, &["import", &corpus.display().to_string()]);
    assert!(out.status.success(), "import failed");
    let import = t.elapsed();

    let t = Instant::now();
    let out = tmkit(&bin, &db, &["check", "--format", "json"]);
    let check = t.elapsed();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "check failed: {:?}",
        out.status
    );
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("check writes a JSON array");

    // The pairs checked, from the text report's summary.
    let out = tmkit(&bin, &db, &["check", "--kinds", "tag"]);
    let summary = String::from_utf8_lossy(&out.stdout);
    let last = summary.lines().last().unwrap_or("");
    let pairs: f64 = last
        .split(" pairs checked")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .map(|n| n.replace(',', ""))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no pair count in {last:?}"));

    // The same memory with Japanese held to software style.
    let out = tmkit(
        &bin,
        &db,
        &[
            "check",
            "--format",
            "json",
            "--kinds",
            "punctuation",
            "--ja-punctuation",
            "software",
        ],
    );
    let software: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("check writes a JSON array");

    let labels = labels(&root.join("tests/fixtures/precision/labels.tsv"));

    println!(
        "precision: gettext memory, {pairs} pairs; import {:.2} s, check {:.2} s",
        import.as_secs_f64(),
        check.as_secs_f64()
    );
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new(); // (errors, warnings)
    for f in &findings {
        let e = counts
            .entry(f["kind"].as_str().unwrap_or("").to_string())
            .or_default();
        if f["severity"] == "error" {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    println!(
        "{:<14} {:>8} {:>8} {:>8} {:>12}",
        "kind", "findings", "errors", "warnings", "per 1k pairs"
    );
    for (kind, (e, w)) in &counts {
        println!(
            "{kind:<14} {:>8} {e:>8} {w:>8} {:>12.2}",
            e + w,
            (e + w) as f64 * 1000.0 / pairs
        );
    }
    let ja_software = software.iter().filter(|f| f["lang"] == "ja-JP").count();
    let ja_jtf = findings
        .iter()
        .filter(|f| f["kind"] == "punctuation" && f["lang"] == "ja-JP")
        .count();
    println!(
        "punctuation in ja-JP: {ja_jtf} with --ja-punctuation jtf (default), {ja_software} with software"
    );

    // Join the findings with the labels.
    let mut seen: HashMap<&(String, String, String, String), ()> = HashMap::new();
    // kind → (real, false, real errors, false errors)
    let mut by_kind: BTreeMap<&str, (usize, usize, usize, usize)> = BTreeMap::new();
    let mut unlabelled: BTreeMap<String, usize> = BTreeMap::new();
    for f in &findings {
        let kind = f["kind"].as_str().unwrap_or("").to_string();
        let key = (
            f["tuid"].as_str().unwrap_or("").to_string(),
            f["lang"].as_str().unwrap_or("").to_string(),
            kind.clone(),
            f["message"].as_str().unwrap_or("").to_string(),
        );
        match labels.get_key_value(&key) {
            // A pair with the same finding twice (two half-width brackets) counts once.
            Some((k, _)) if seen.contains_key(k) => {}
            Some((k, label)) => {
                seen.insert(k, ());
                let Some(kind) = KINDS.iter().find(|k| **k == kind) else {
                    continue;
                };
                let e = by_kind.entry(kind).or_default();
                let error = f["severity"] == "error";
                if label.real {
                    e.0 += 1;
                    e.2 += error as usize;
                } else {
                    e.1 += 1;
                    e.3 += (error) as usize;
                }
            }
            None => *unlabelled.entry(kind).or_default() += 1,
        }
    }
    println!(
        "{:<14} {:>9} {:>6} {:>6} {:>10} {:>17} {:>11}",
        "kind", "labelled", "real", "false", "precision", "errors precision", "unlabelled"
    );
    for kind in KINDS {
        let (r, f, re, fe) = by_kind.get(kind).copied().unwrap_or_default();
        let p = |a: usize, b: usize| {
            if a + b == 0 {
                "n/a".to_string()
            } else {
                format!("{:.2}", a as f64 / (a + b) as f64)
            }
        };
        println!(
            "{kind:<14} {:>9} {r:>6} {f:>6} {:>10} {:>17} {:>11}",
            r + f,
            p(r, f),
            p(re, fe),
            unlabelled.get(kind).copied().unwrap_or(0)
        );
    }
    let gone: Vec<_> = labels.keys().filter(|k| !seen.contains_key(k)).collect();
    let gone_real = gone.iter().filter(|k| labels[**k].real).count();
    println!(
        "labelled findings no longer reported: {} ({} labelled real, {} false)",
        gone.len(),
        gone_real,
        gone.len() - gone_real
    );
    let changed = labels
        .iter()
        .filter(|(k, l)| {
            seen.contains_key(k)
                && findings.iter().any(|f| {
                    f["tuid"].as_str() == Some(&k.0)
                        && f["lang"].as_str() == Some(&k.1)
                        && f["kind"].as_str() == Some(&k.2)
                        && f["message"].as_str() == Some(&k.3)
                        && f["severity"].as_str() != Some(&l.severity)
                })
        })
        .count();
    println!("labelled findings whose severity changed since labelling: {changed}");
}
