//! Replays the committed fuzz corpora (`fuzz/corpus/TARGET/`) and the inputs that once broke a
//! target (`fuzz/regressions/TARGET/`) through the same functions the cargo-fuzz targets run
//! (`fuzz/targets.rs`), on stable and without fuzzing: every input must pass the target's checks.

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::{Path, PathBuf};

/// The files of `fuzz/DIR/TARGET`, sorted; none when the folder does not exist.
fn inputs(dir: &str, target: &str) -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(dir)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable corpus folder").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `body` on every corpus and regression input of `target`; a failure names the file.
fn replay(target: &str, body: fn(&[u8])) {
    let corpus = inputs("corpus", target);
    assert!(
        !corpus.is_empty(),
        "fuzz/corpus/{target} is missing or empty"
    );
    let mut failed = Vec::new();
    for path in corpus.iter().chain(&inputs("regressions", target)) {
        let data = std::fs::read(path).expect("a readable corpus file");
        if std::panic::catch_unwind(|| body(&data)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "the {target} target fails on (run `cargo +nightly fuzz run {target} FILE` to reproduce):\n{}",
        failed.join("\n")
    );
}

#[test]
fn tmx_corpus() {
    replay("tmx", targets::tmx);
}

#[test]
fn xliff_corpus() {
    replay("xliff", targets::xliff);
}

#[test]
fn tbx_corpus() {
    replay("tbx", targets::tbx);
}

#[test]
fn glossary_corpus() {
    replay("glossary", targets::glossary);
}

#[test]
fn srx_corpus() {
    replay("srx", targets::srx);
}

#[test]
fn segment_corpus() {
    replay("segment", targets::segment);
}

#[test]
fn terms_corpus() {
    replay("terms", targets::terms);
}

#[test]
fn check_corpus() {
    replay("check", targets::check);
}
