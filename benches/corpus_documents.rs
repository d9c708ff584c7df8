//! Every real document of the shared corpus (`../shared/corpus/documents`: DOCX from Word
//! 2007-2016, Google Docs and LibreOffice, web pages in windows-1252, GB2312 and Shift_JIS,
//! Markdown) through the release binary: `prepare` (no memory), every XLIFF target set to its
//! source, `finish`; then the rebuilt document against the original: the same bytes, the same
//! blocks read back, and for DOCX the same text in LibreOffice's conversion. The files under
//! `malformed/` must be refused. Only the files whose licence allows it are copied into
//! `tests/fixtures/documents/` (the tests run those); this covers the others too.
//!
//! `cargo bench --bench corpus_documents` (needs the corpus folder beside the repository, and
//! `soffice` for the DOCX text).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tmkit::formats::document::{self, Options};
use tmkit::formats::xliff::{self, State, Target};

fn tmkit(bin: &Path, dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(bin)
        .current_dir(dir)
        .args(["--quiet"])
        .args(args)
        .env_remove("TMKIT_DB")
        .output()
        .expect("tmkit runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every unit's target set to its source.
fn identity(path: &Path) {
    let doc = xliff::Reader::open(path).unwrap().read_document().unwrap();
    let mut w = xliff::Writer::new(Vec::new(), &xliff::WriterOptions::default()).unwrap();
    for file in &doc.files {
        let mut file = file.clone();
        for u in file.groups.iter_mut().flat_map(|g| g.units.iter_mut()) {
            if u.translate {
                u.target = Some(Target {
                    content: u.source.clone(),
                    state: Some(State::Translated),
                    state_qualifier: None,
                });
            }
        }
        w.write_file(&file).unwrap();
    }
    std::fs::write(path, w.finish().unwrap()).unwrap();
}

fn libreoffice_text(doc: &Path, work: &Path) -> Option<String> {
    let out = work.join("lo");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            work.join("lo-profile").display()
        ))
        .args(["--headless", "--convert-to", "txt:Text", "--outdir"])
        .arg(&out)
        .arg(doc)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    let stem = doc.file_stem()?.to_string_lossy().into_owned();
    std::fs::read_to_string(out.join(format!("{stem}.txt"))).ok()
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus/documents");
    if !corpus.is_dir() {
        println!("no corpus folder beside the repository: nothing to measure");
        return;
    }
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet", "--bin", "tmkit"])
        .current_dir(&root)
        .status()
        .expect("cargo runs");
    assert!(status.success());
    let bin = root.join("target/release/tmkit");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .chain(std::fs::read_dir(corpus.join("malformed")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    println!(
        "| file | format | segments | rebuilt | same bytes | same blocks | LibreOffice text |\n\
         |---|---|---|---|---|---|---|"
    );
    let mut failures = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let malformed = path.parent().is_some_and(|p| p.ends_with("malformed"));
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let bytes = std::fs::read(path).unwrap();
        std::fs::write(dir.join(&name), &bytes).unwrap();
        let (code, err) = tmkit(
            &bin,
            dir,
            &[
                "prepare",
                &name,
                "--no-memory",
                "--to",
                "en-GB",
                "--out",
                "kit",
            ],
        );
        if malformed {
            let refused = code == 2;
            failures += usize::from(!refused);
            println!(
                "| {name} | (malformed) | | refused: {} | | | |",
                if refused { err.trim() } else { "NO" }
            );
            continue;
        }
        if code != 0 {
            failures += 1;
            println!("| {name} | | | prepare failed: {} | | | |", err.trim());
            continue;
        }
        let kind = document::detect(&bytes, &name).unwrap();
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        identity(&dir.join(format!("kit/{stem}.en-GB.xlf")));
        let segments = std::fs::read_to_string(dir.join(format!("kit/{stem}.en-GB.xlf")))
            .unwrap()
            .matches("<trans-unit")
            .count();
        let (code, err) = tmkit(&bin, dir, &["finish", "kit", "--out", "out"]);
        let ext = name.rsplit_once('.').map_or("txt", |(_, e)| e);
        let rebuilt_path = dir.join(format!("out/{stem}.en-GB.{ext}"));
        let Ok(rebuilt) = std::fs::read(&rebuilt_path) else {
            failures += 1;
            println!(
                "| {name} | {} | {segments} | finish failed ({code}): {} | | | |",
                kind.name(),
                err.trim()
            );
            continue;
        };
        let filter = kind.filter();
        let a = filter.extract(&bytes, &name, &Options::default()).unwrap();
        let b = filter.extract(&rebuilt, &name, &Options::default());
        let same_blocks = b.is_ok_and(|b| b.blocks == a.blocks);
        let lo = if kind == document::Kind::Docx {
            let original = libreoffice_text(path, dir);
            let back = libreoffice_text(&rebuilt_path, dir);
            match (original, back) {
                (Some(x), Some(y)) if x == y => "same".to_string(),
                (Some(_), Some(_)) => "DIFFERENT".to_string(),
                _ => "LibreOffice failed".to_string(),
            }
        } else {
            String::new()
        };
        failures += usize::from(!same_blocks || lo == "DIFFERENT");
        println!(
            "| {name} | {} | {segments} | yes | {} | {} | {lo} |",
            kind.name(),
            if rebuilt == bytes {
                "yes"
            } else {
                "no (language metadata)"
            },
            if same_blocks { "yes" } else { "NO" }
        );
    }
    println!("\n{failures} files miss");
}
