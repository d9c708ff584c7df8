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

/// Found by the `srx` target (fuzz/regressions/srx/): the SRX reader cached the line starts of the
/// text it located errors in under the text's address and length, so a second file read into the
/// same memory was located with the first one's lines: a wrong line, or a panic when the stale
/// line start fell inside a character.
#[test]
fn srx_error_location_is_not_taken_from_an_earlier_file_in_the_same_memory() {
    let first = format!("<srx>{}<bad", "\n。".repeat(200));
    let e = tmkit::formats::srx::parse(&first, "t.srx").unwrap_err();
    assert!(e.to_string().starts_with("t.srx:201:"), "{e}");
    // The same allocation, the same length, other content: everything on line 1.
    let mut bytes = first.into_bytes();
    let end = bytes.len() - "<bad".len();
    bytes[5..end].fill(b' ');
    let second = String::from_utf8(bytes).expect("ASCII");
    let e = tmkit::formats::srx::parse(&second, "t.srx").unwrap_err();
    assert!(e.to_string().starts_with("t.srx:1:"), "{e}");
}
