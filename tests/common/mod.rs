//! Helpers shared by the integration tests: fixture paths, golden files, the hard-case table.

#![allow(dead_code)]

use std::path::PathBuf;

/// A path under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Compares `actual` with the golden file `tests/fixtures/<rel>`, showing the first lines that
/// differ; with `BLESS=1` in the environment, writes it instead (creating its folder). The one
/// golden-file helper of the integration tests: review a blessed diff like code.
pub fn golden(rel: &str, actual: &str) {
    let path = fixture(rel);
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with BLESS=1 to create it)", path.display()));
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .take(10)
            .map(|(i, (e, a))| format!("line {}:\n  expected: {e}\n  actual:   {a}", i + 1))
            .collect();
        panic!(
            "{} differs from the output ({} vs {} lines; BLESS=1 rewrites it):\n{}",
            path.display(),
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

/// One row of a hard-case table: category, input, expected segments.
pub struct Case {
    pub line: usize,
    pub category: String,
    pub input: String,
    pub expected: Vec<String>,
}

/// Reads a hard-case table (`category<TAB>input<TAB>segment<TAB>...`, `\n`, `\t` and `\uXXXX`
/// escapes, `#` comments).
pub fn read_cases(rel: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(fixture(rel)).unwrap();
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(unescape).collect();
        assert!(
            fields.len() >= 2,
            "{rel}:{}: needs a category and an input",
            i + 1
        );
        cases.push(Case {
            line: i + 1,
            category: fields[0].clone(),
            input: fields[1].clone(),
            expected: fields[2..].to_vec(),
        });
    }
    cases
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
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
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
