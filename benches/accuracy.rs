//! English edge-case accuracy of the built-in rules: `cargo bench --bench accuracy` prints the
//! pass rate of `tests/fixtures/segment/en-hard-cases.tsv`, overall and per category, and the
//! cases that fail. Pass another table as the first argument to measure it instead
//! (`cargo bench --bench accuracy -- path/to/cases.tsv`; same format).

use std::collections::BTreeMap;
use std::path::PathBuf;

use tmkit::formats::srx;
use tmkit::text::segment::segment;
use tmkit::text::srx::Engine;

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/segment/en-hard-cases.tsv")
        });
    let rules_file = std::env::var_os("TMKIT_RULES").map(PathBuf::from);
    let engine = Engine::new(match &rules_file {
        Some(p) => srx::read_file(p).expect("rules file parses"),
        None => srx::default_rules().expect("built-in rules parse"),
    });
    let rules = engine.rules_for("en").expect("rules compile");
    let text = std::fs::read_to_string(&path).expect("case table is readable");
    let mut by_category: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(unescape).collect();
        let (category, input, expected) = (&fields[0], &fields[1], &fields[2..]);
        let got: Vec<&str> = segment(input, &rules)
            .iter()
            .map(|s| s.text(input))
            .collect();
        let ok = got == expected;
        let entry = by_category.entry(category.clone()).or_default();
        entry.1 += 1;
        if ok {
            entry.0 += 1;
        } else {
            failures.push(format!(
                "  line {}: {input:?}\n    expected {expected:?}\n    got      {got:?}",
                i + 1
            ));
        }
    }
    let (pass, total) = by_category
        .values()
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "{}: {pass}/{total} pass ({:.1}%)",
        path.display(),
        100.0 * pass as f64 / total.max(1) as f64
    );
    for (category, (p, t)) in &by_category {
        println!("  {category:<10} {p:>3}/{t:<3}");
    }
    if !failures.is_empty() {
        println!("failing cases:\n{}", failures.join("\n"));
    }
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
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(c) => out.push(c),
                    None => out.push_str(&hex),
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
