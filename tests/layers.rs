//! The crate's layering (see `src/lib.rs`), checked on the source: every `crate::` path in a
//! module's code (comments left out) must point to a layer it may depend on, and a workflow
//! (`ops::X`) may reach another workflow only through the entry points listed here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each top-level module may use besides itself.
fn allowed(layer: &str) -> &'static [&'static str] {
    const BASE: &[&str] = &["error", "bits", "model"];
    match layer {
        "error" => &["model"],
        "bits" => &[],
        "model" => &["error", "bits"],
        "text" | "formats" | "store" => BASE,
        "matching" => &["error", "bits", "model", "text"],
        "kit" => &["error", "bits", "model", "text", "formats", "matching"],
        "ops" => &[
            "error", "bits", "model", "text", "formats", "store", "matching", "kit",
        ],
        "server" => &[
            "error", "bits", "model", "text", "formats", "store", "matching", "kit", "ops",
        ],
        other => panic!("src/{other} is not a known layer: add it to tests/layers.rs"),
    }
}

/// The entry points by which one workflow may call another: (caller, path it uses). Each is a
/// function or type named for the purpose, not another workflow's internals.
const OPS_ENTRY_POINTS: &[(&str, &str)] = &[
    // Checking a pair of texts and building the termbase are check's and glossary's services.
    ("finish", "check::PairChecks"),
    ("prepare", "check::PairChecks"),
    ("finish", "glossary::termbase"),
    ("prepare", "glossary::termbase"),
    // Exact and fuzzy matches come from lookup.
    ("finish", "lookup::Lookup"),
    ("finish", "lookup::LookupConfig"),
    ("finish", "lookup::Query"),
    ("prepare", "lookup::Lookup"),
    ("prepare", "lookup::LookupConfig"),
    ("prepare", "lookup::Match"),
    ("prepare", "lookup::Query"),
    // The built-in sentence rules, and cutting a text or file into sentences.
    ("finish", "segment::default_engine"),
    ("prepare", "segment::default_engine"),
    ("prepare", "segment::engine_from_file"),
    ("prepare", "segment::rules_for"),
    ("prepare", "segment::BadRules"),
    ("prepare", "segment::refuse_long_segments"),
    ("lookup", "segment::segment_file"),
    ("lookup", "segment::refuse_long_segments"),
    ("lookup", "segment::too_long"),
    // Importing the --tm files of prepare into a scratch memory.
    ("prepare", "import::import"),
    ("prepare", "import::ImportConfig"),
    ("prepare", "import::NoProgress"),
    // Building a missing lookup index, as import does at its end.
    ("lookup", "import::ensure_index"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (so that documentation links do not count) and
/// without its unit tests (a `#[cfg(test)]` module at the end: tests may use what they like).
fn code_of(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        out.push((i + 1, code.to_string()));
    }
    out
}

/// Expands a use tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    match tree.find('{') {
        Some(open) => {
            let mut base = prefix.to_vec();
            base.extend(segments(&tree[..open]));
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut depth = 0;
            let mut from = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&base, &inner[from..i], out);
                        from = i + 1;
                    }
                    _ => {}
                }
            }
            expand(&base, &inner[from..], out);
        }
        None => {
            let mut path = prefix.to_vec();
            let mut parts = tree.splitn(2, " as ");
            let name = parts.next().unwrap_or(tree).trim();
            if name != "self" {
                path.extend(segments(name));
            }
            // An alias (`b as c`, `self as c`) is kept as a last segment `as c`.
            if let Some(alias) = parts.next() {
                path.push(format!("as {}", alias.trim()));
            }
            out.push(path);
        }
    }
}

fn segments(s: &str) -> Vec<String> {
    s.split("::")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// The `crate::` paths a file's code names (first line of each), in `use` statements (groups
/// expanded) and in expressions.
fn crate_paths(text: &str) -> Vec<(usize, Vec<String>)> {
    let code = code_of(text);
    let mut out = Vec::new();
    let mut statement: Option<(usize, String)> = None;
    let mut aliases: Vec<(String, Vec<String>)> = Vec::new();
    for (line, c) in &code {
        let trimmed = c.trim();
        if let Some((_, s)) = statement.as_mut() {
            s.push_str(trimmed);
        } else if let Some(rest) = trimmed
            .strip_prefix("pub use crate::")
            .or_else(|| trimmed.strip_prefix("use crate::"))
            .or_else(|| trimmed.strip_prefix("pub(crate) use crate::"))
        {
            statement = Some((*line, rest.to_string()));
        } else {
            // Paths in expressions: `crate::a::b::f(...)`.
            let mut rest = c.as_str();
            while let Some(at) = rest.find("crate::") {
                let after = &rest[at + "crate::".len()..];
                let end = after
                    .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == ':'))
                    .unwrap_or(after.len());
                let path = segments(&after[..end]);
                if !path.is_empty() {
                    out.push((*line, path));
                }
                rest = &after[end..];
            }
            continue;
        }
        if let Some((first, s)) = statement.take_if(|(_, s)| s.ends_with(';')) {
            let mut paths = Vec::new();
            expand(&[], s.trim_end_matches(';'), &mut paths);
            for path in paths {
                // `use crate::a::b::{self as c}`: what the file then calls as `c::x` is
                // `crate::a::b::x`.
                match path.last().and_then(|l| l.strip_prefix("as ")) {
                    Some(alias) => {
                        let target = path[..path.len() - 1].to_vec();
                        aliases.push((alias.to_string(), target.clone()));
                        out.push((first, target));
                    }
                    None => out.push((first, path)),
                }
            }
        }
    }
    for (alias, path) in &aliases {
        let pattern = format!("{alias}::");
        for (line, c) in &code {
            let mut rest = c.as_str();
            while let Some(at) = rest.find(&pattern) {
                let before = rest[..at].chars().next_back();
                let after = &rest[at + pattern.len()..];
                let end = after
                    .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                    .unwrap_or(after.len());
                if !before.is_some_and(|b| b.is_alphanumeric() || b == '_' || b == ':') && end > 0 {
                    let mut full = path.clone();
                    full.push(after[..end].to_string());
                    out.push((*line, full));
                }
                rest = &after[end..];
            }
        }
    }
    out
}

#[test]
fn every_layer_depends_only_on_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let workflows: BTreeSet<String> = std::fs::read_dir(src.join("ops"))
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.trim_end_matches(".rs").to_string()
        })
        .filter(|n| n != "mod")
        .collect();
    let mut broken = Vec::new();
    let mut checked = 0;
    let mut used_entries = BTreeSet::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let mut parts = rel.iter().map(|p| p.to_string_lossy().into_owned());
        let first = parts.next().unwrap();
        // The binary (main.rs, cli/) is on top and may use everything; lib.rs declares.
        if first == "main.rs" || first == "lib.rs" || first == "cli" {
            continue;
        }
        let layer = first.trim_end_matches(".rs").to_string();
        let workflow = (layer == "ops")
            .then(|| parts.next())
            .flatten()
            .map(|p| p.trim_end_matches(".rs").to_string())
            .filter(|w| workflows.contains(w));
        let text = std::fs::read_to_string(file).unwrap();
        for (line, path) in crate_paths(&text) {
            checked += 1;
            let to = path[0].as_str();
            // `crate::Error`, `crate::Result`: the error module's re-exports.
            let to = if to.starts_with(char::is_uppercase) {
                "error"
            } else {
                to
            };
            if to != layer && !allowed(&layer).contains(&to) {
                broken.push(format!(
                    "src/{}:{line}: {layer} uses crate::{}",
                    rel.display(),
                    path.join("::")
                ));
            }
            let Some(workflow) = &workflow else { continue };
            if to != "ops"
                || path.len() < 3
                || !workflows.contains(&path[1])
                || path[1] == *workflow
            {
                continue;
            }
            let used = format!("{}::{}", path[1], path[2]);
            used_entries.insert((workflow.clone(), used.clone()));
            if !OPS_ENTRY_POINTS.contains(&(workflow.as_str(), used.as_str())) {
                broken.push(format!(
                    "src/{}:{line}: workflow {workflow} reaches into crate::ops::{used}, which \
                     is not an entry point listed in tests/layers.rs",
                    rel.display()
                ));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} paths found: the scan is broken"
    );
    for (caller, path) in OPS_ENTRY_POINTS {
        if !used_entries.contains(&(caller.to_string(), path.to_string())) {
            broken.push(format!(
                "tests/layers.rs lists {caller} -> ops::{path}, which is no longer used: remove it"
            ));
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}
