//! Lookup benchmark: memories of 100,000 and 1,000,000 units built from real English sentences
//! (the shared gettext corpus and, where the Debian package `bible-kjv` is installed, the King
//! James Bible, split into sentences), with Chinese and Japanese from the gettext corpus. Queries are
//! edited copies of memory sentences (one to three words changed, inserted or deleted) and
//! sentences that are not in the memory.
//!
//! Reports, per size: import time with the index, index bytes against text bytes, indexed lookup
//! median and p99 per query on one core, the same queries scored against every unit (brute force),
//! recall of the index against brute force at --min 70, and one `tmkit lookup --file` process over
//! the seed article's segments.
//!
//! `cargo bench --bench lookup` (`TMKIT_BENCH_SIZES=100000,1000000` to choose sizes).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use tmkit::formats::tmx::{Writer, WriterOptions};
use tmkit::matching::score::{Prepared, score};
use tmkit::model::{Lang, TranslationUnit, Variant};
use tmkit::ops::lookup::{Lookup, LookupConfig, Query};
use tmkit::store::Store;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\r", "\r")
        .replace("\\\\", "\\")
}

/// Real sentences: (English, Chinese, Japanese).
fn pool(shared: &Path) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let tsv = std::fs::read_to_string(shared.join("corpus/gettext/en-zh-ja.tsv"))
        .expect("gettext corpus");
    let mut seen = HashSet::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            continue;
        }
        let en = unescape(cols[0]).trim().to_string();
        let words = en.split_whitespace().count();
        if en.contains('\n')
            || en.contains('%')
            || !(4..=40).contains(&words)
            || !seen.insert(en.clone())
        {
            continue;
        }
        out.push((en, unescape(cols[1]), unescape(cols[2])));
    }
    let zh_ja: Vec<(String, String)> = out.iter().map(|(_, z, j)| (z.clone(), j.clone())).collect();
    if let Ok(bible) = Command::new("bible")
        .args(["-f", "Gen1:1-Rev22:21"])
        .output()
    {
        let text = String::from_utf8_lossy(&bible.stdout);
        let mut i = 0;
        for line in text.lines() {
            let verse = line.split_once(' ').map(|x| x.1).unwrap_or("");
            for s in verse.split_inclusive(['.', '?', '!', ';']) {
                let s = s.trim();
                if s.split_whitespace().count() >= 4 && seen.insert(s.to_string()) {
                    let (z, j) = &zh_ja[i % zh_ja.len()];
                    out.push((s.to_string(), z.clone(), j.clone()));
                    i += 1;
                }
            }
        }
    }
    out
}

fn half_join(a: &str, b: &str) -> String {
    let wa: Vec<&str> = a.split_whitespace().collect();
    let wb: Vec<&str> = b.split_whitespace().collect();
    let mut out: Vec<&str> = wa[..wa.len() / 2].to_vec();
    out.extend_from_slice(&wb[wb.len() / 2..]);
    out.join(" ")
}

fn chars_join(a: &str, b: &str) -> String {
    let ca: Vec<char> = a.chars().collect();
    let cb: Vec<char> = b.chars().collect();
    ca[..ca.len() / 2]
        .iter()
        .chain(cb[cb.len() / 2..].iter())
        .collect()
}

/// The memory's English sentences, and its TMX file.
fn build(
    dir: &Path,
    size: usize,
    pool: &[(String, String, String)],
    held_out: usize,
) -> (PathBuf, Vec<String>) {
    let path = dir.join(format!("lookup-{size}.tmx"));
    let usable = &pool[held_out..];
    let mut rng = Rng(0xC0FF_EE12_3456_789B);
    let mut seen = HashSet::new();
    let mut sources = Vec::with_capacity(size);
    let file = std::io::BufWriter::new(std::fs::File::create(&path).expect("bench file"));
    let options = WriterOptions {
        srclang: "en".into(),
        ..WriterOptions::default()
    };
    let mut w = Writer::new(file, &options).expect("writer");
    let (en, zh, ja) = (
        Lang::parse("en").unwrap(),
        Lang::parse("zh-CN").unwrap(),
        Lang::parse("ja-JP").unwrap(),
    );
    let mut i = 0usize;
    while sources.len() < size {
        let (e, z, j) = if i < usable.len() {
            usable[i].clone()
        } else {
            let a = &usable[rng.below(usable.len())];
            let b = &usable[rng.below(usable.len())];
            (
                half_join(&a.0, &b.0),
                chars_join(&a.1, &b.1),
                chars_join(&a.2, &b.2),
            )
        };
        i += 1;
        if !seen.insert(e.clone()) {
            continue;
        }
        let mut unit = TranslationUnit {
            tuid: Some(sources.len().to_string()),
            source: Some(en.clone()),
            ..TranslationUnit::default()
        };
        unit.variants.push(Variant::new(en.clone(), e.clone()));
        if !z.is_empty() {
            unit.variants.push(Variant::new(zh.clone(), z));
        }
        if !j.is_empty() {
            unit.variants.push(Variant::new(ja.clone(), j));
        }
        w.write_unit(&unit).expect("write");
        sources.push(e);
    }
    let mut file = w.finish().expect("finish");
    file.flush().expect("flush");
    // On disk before anything is timed: the import must not compete with writing its own input.
    file.get_ref().sync_all().expect("sync");
    (path, sources)
}

fn edited(s: &str, rng: &mut Rng, vocabulary: &[&str]) -> String {
    let mut words: Vec<&str> = s.split_whitespace().collect();
    for _ in 0..1 + rng.below(3) {
        let p = rng.below(words.len());
        match rng.below(3) {
            0 => words[p] = vocabulary[rng.below(vocabulary.len())],
            1 => words.insert(p, vocabulary[rng.below(vocabulary.len())]),
            _ if words.len() > 2 => {
                words.remove(p);
            }
            _ => {}
        }
    }
    words.join(" ")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared");
    let dir = root.join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let bin = env!("CARGO_BIN_EXE_tmkit");
    let sizes: Vec<usize> = std::env::var("TMKIT_BENCH_SIZES")
        .unwrap_or_else(|_| "100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let pool = pool(&shared);
    let held_out = 200;
    println!(
        "sentence pool: {} real sentences ({} held out as unrelated queries)",
        pool.len(),
        held_out
    );
    let vocabulary: Vec<&str> = pool[..2000.min(pool.len())]
        .iter()
        .flat_map(|p| p.0.split_whitespace())
        .collect();

    // The seed article, one segment per line, as `tmkit segment` cuts it.
    let article = root.join("examples/beijing-tokyo-forum.en.txt");
    let segments_file = dir.join("article-segments.txt");
    let seg = Command::new(bin).arg("segment").arg(&article).output();
    let segments = match seg {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        _ => std::fs::read_to_string(&article).unwrap(),
    };
    std::fs::write(&segments_file, &segments).unwrap();

    for size in sizes {
        println!("\n== {size} units");
        let (tmx, sources) = build(&dir, size, &pool, held_out);
        let db = dir.join(format!("lookup-{size}.db"));
        // TMKIT_BENCH_REUSE=1 keeps a memory an earlier run built (to measure lookups alone).
        if std::env::var_os("TMKIT_BENCH_REUSE").is_none() || !db.exists() {
            // The import with the index, three times from an empty memory: the median is quoted.
            let mut runs = Vec::new();
            for _ in 0..3 {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
                }
                let t = Instant::now();
                let st = Command::new(bin)
                    .arg("--quiet")
                    .arg("--db")
                    .arg(&db)
                    .arg("import")
                    .arg(&tmx)
                    .output()
                    .unwrap();
                assert!(
                    st.status.success(),
                    "{}",
                    String::from_utf8_lossy(&st.stderr)
                );
                runs.push(t.elapsed().as_secs_f64());
            }
            runs.sort_by(|a, b| a.total_cmp(b));
            let import_s = runs[1];
            println!(
                "import with index: median {import_s:.2} s ({:.2}-{:.2}), {:.0} units/s",
                runs[0],
                runs[2],
                size as f64 / import_s
            );
        }
        let conn = rusqlite::Connection::open(&db).unwrap();
        let index_bytes: i64 = conn
            .query_row("SELECT sum(length(postings)) FROM grams", [], |r| r.get(0))
            .unwrap();
        drop(conn);
        let store = Store::open(&db).unwrap();
        let mut text_bytes = 0usize;
        store
            .for_each_unit_with_id(|_, u| {
                text_bytes += u.variants.iter().map(|v| v.text.len()).sum::<usize>();
                Ok(())
            })
            .unwrap();
        println!(
            "index: {:.1} MB for {:.1} MB of text ({:.2}x)",
            index_bytes as f64 / 1e6,
            text_bytes as f64 / 1e6,
            index_bytes as f64 / text_bytes as f64
        );

        let mut rng = Rng(0x5EED_0000 + size as u64);
        let mut queries: Vec<String> = (0..300)
            .map(|_| edited(&sources[rng.below(sources.len())], &mut rng, &vocabulary))
            .collect();
        queries.extend(pool[..100].iter().map(|p| p.0.clone()));
        let _ = std::fs::write(dir.join(format!("queries-{size}.txt")), queries.join("\n"));
        let config = LookupConfig {
            from: Lang::parse("en").unwrap(),
            to: vec![Lang::parse("zh-CN").unwrap(), Lang::parse("ja-JP").unwrap()],
            min: 70,
            max: usize::MAX,
        };
        // Indexed, timed one query at a time, as the command line runs it (--max 5); then every
        // match at or above 70, for recall.
        let mut lookup = Lookup::new(
            &store,
            LookupConfig {
                max: 5,
                ..config.clone()
            },
        )
        .unwrap();
        let mut full = Lookup::new(&store, config.clone()).unwrap();
        let mut times = Vec::new();
        let mut indexed = Vec::new();
        let mut candidates = 0usize;
        for q in &queries {
            let query = Query {
                text: q.clone(),
                ..Query::default()
            };
            let t = Instant::now();
            lookup.lookup(&query).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
            candidates += lookup.last_candidates;
            let r = full.lookup(&query).unwrap();
            indexed.push(
                r.matches
                    .iter()
                    .map(|m| (m.unit, m.score))
                    .collect::<HashSet<_>>(),
            );
        }
        // Exact matches: memory sentences as they are, with the fuzzy matches beside them (--max 5)
        // and alone (--min 100: the hashed skeleton look-up only).
        let mut exact_only = Lookup::new(
            &store,
            LookupConfig {
                min: 100,
                max: 5,
                ..config.clone()
            },
        )
        .unwrap();
        for (name, session) in [("with fuzzy", &mut lookup), ("--min 100", &mut exact_only)] {
            let mut exact_times = Vec::new();
            for i in 0..200 {
                let query = Query {
                    text: sources[(i * 7919) % sources.len()].clone(),
                    ..Query::default()
                };
                let t = Instant::now();
                let r = session.lookup(&query).unwrap();
                exact_times.push(t.elapsed().as_secs_f64() * 1e3);
                assert!(r.matches.first().is_some_and(|m| m.score >= 100));
            }
            exact_times.sort_by(|a, b| a.total_cmp(b));
            println!(
                "exact matches ({name}): median {:.3} ms, p99 {:.3} ms",
                percentile(&exact_times, 0.5),
                percentile(&exact_times, 0.99)
            );
        }
        drop(exact_only);
        let mut sorted = times.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        println!(
            "indexed lookup: median {:.3} ms, p99 {:.3} ms, mean {:.3} ms, {:.0} candidates scored per query",
            percentile(&sorted, 0.5),
            percentile(&sorted, 0.99),
            times.iter().sum::<f64>() / times.len() as f64,
            candidates as f64 / queries.len() as f64
        );

        // Brute force: the same score against every unit, texts prepared in memory beforehand.
        let mut all: Vec<(i64, Prepared)> = Vec::with_capacity(size);
        store
            .for_each_unit_with_id(|id, u| {
                if let Some(v) = u.variants.first() {
                    all.push((id, Prepared::new(&v.text, v.markup.as_deref())));
                }
                Ok(())
            })
            .unwrap();
        let brute_n = if std::env::var_os("TMKIT_BENCH_NO_BRUTE").is_some() {
            0
        } else if size > 200_000 {
            60
        } else {
            queries.len()
        };
        let step = queries.len() / brute_n.max(1);
        let (mut found, mut wanted) = (0usize, 0usize);
        let mut brute_times = Vec::new();
        for (qi, q) in queries
            .iter()
            .enumerate()
            .step_by(step.max(1))
            .take(brute_n)
        {
            let p = Prepared::new(q, None);
            let t = Instant::now();
            let mut want = HashSet::new();
            for (id, c) in &all {
                let s = score(&p, c).value;
                if s >= 70 {
                    want.insert((*id, s));
                }
            }
            brute_times.push(t.elapsed().as_secs_f64() * 1e3);
            wanted += want.len();
            found += want.iter().filter(|m| indexed[qi].contains(m)).count();
        }
        brute_times.sort_by(|a, b| a.total_cmp(b));
        if !brute_times.is_empty() {
            let bm = percentile(&brute_times, 0.5);
            println!(
                "brute force: median {:.1} ms per query ({} queries); indexed is {:.0}x faster",
                bm,
                brute_times.len(),
                bm / percentile(&sorted, 0.5)
            );
        }
        println!(
            "recall of the index against brute force at 70: {}/{} = {:.2}%",
            found,
            wanted,
            if wanted == 0 {
                100.0
            } else {
                100.0 * found as f64 / wanted as f64
            }
        );
        drop(all);
        drop(lookup);
        drop(full);
        drop(store);

        // The whole article as one process.
        let mut runs = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let o = Command::new(bin)
                .arg("--db")
                .arg(&db)
                .args(["lookup", "--format", "json", "--segment", "--file"])
                .arg(&article)
                .output()
                .unwrap();
            assert!(
                o.status.code().unwrap_or(2) < 2,
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            runs.push(t.elapsed().as_secs_f64() * 1e3);
        }
        runs.sort_by(|a, b| a.total_cmp(b));
        println!(
            "tmkit lookup --file (article, {} segments): median {:.0} ms per process",
            segments.lines().filter(|l| !l.trim().is_empty()).count(),
            percentile(&runs, 0.5)
        );
    }
}
