//! `tmkit finish`: the translated article from a kit.

use std::path::Path;

use tmkit::formats::xliff::{self, Content, State, Target};

use crate::common::*;

/// Rewrites a kit's XLIFF file with every unit's target set by `target` (None: no target).
pub fn translate_xliff(path: &Path, target: impl Fn(&xliff::Unit) -> Option<(Content, State)>) {
    let doc = xliff::Reader::open(path).unwrap().read_document().unwrap();
    let mut w = xliff::Writer::new(Vec::new(), &xliff::WriterOptions::default()).unwrap();
    for file in &doc.files {
        let mut file = file.clone();
        for g in &mut file.groups {
            for u in &mut g.units {
                if !u.translate {
                    continue;
                }
                u.approved = None;
                u.target = target(u).map(|(content, state)| Target {
                    content,
                    state: Some(state),
                    state_qualifier: None,
                });
            }
        }
        w.write_file(&file).unwrap();
    }
    std::fs::write(path, w.finish().unwrap()).unwrap();
}

/// The same content as the source (identity).
pub fn same(u: &xliff::Unit) -> Option<(Content, State)> {
    Some((u.source.clone(), State::Translated))
}

/// Runs finish with JSON output: its exit code and report.
pub fn finish_json(w: &Work, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["finish"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let out = w.run(&all);
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", stderr(&out)));
    (out.status.code().unwrap(), report)
}

fn seed_kit(w: &Work) {
    std::fs::copy(
        repo_file("examples/beijing-tokyo-forum.en.txt"),
        w.path("beijing-tokyo-forum.en.txt"),
    )
    .unwrap();
    w.ok(["prepare", "beijing-tokyo-forum.en.txt", "--out", "kit"]);
}

#[test]
fn with_every_target_equal_to_its_source_the_article_comes_back_byte_for_byte() {
    let w = bundled_memory();
    seed_kit(&w);
    for lang in ["zh-CN", "ja-JP"] {
        translate_xliff(
            &w.path(&format!("kit/beijing-tokyo-forum.en.{lang}.xlf")),
            same,
        );
    }
    // English "translations" keep the space between sentences only when the target is not
    // Chinese or Japanese: finish into a third language to compare byte for byte.
    let out = w.run(["finish", "kit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let original = std::fs::read_to_string(w.path("beijing-tokyo-forum.en.txt")).unwrap();
    let zh = std::fs::read_to_string(w.path("kit/beijing-tokyo-forum.zh-CN.txt")).unwrap();
    // Same paragraphs and sentences; only the spaces between sentences are gone.
    assert_eq!(
        zh.split("\n\n").count(),
        original.split("\n\n").count(),
        "paragraphs are kept"
    );
    let squeeze = |s: &str| s.replace([' ', '\u{a0}'], "");
    assert_eq!(squeeze(&zh), squeeze(&original));
    assert!(
        zh.len() < original.len(),
        "sentence spaces dropped for zh-CN"
    );
}

#[test]
fn an_identity_kit_into_a_language_with_spaces_is_the_original() {
    let w = Work::new();
    let article = "Title line\n\nFirst sentence here. Second one follows.\n\n  Indented tail.  \n";
    w.write("a.en.txt", article);
    w.ok([
        "prepare",
        "a.en.txt",
        "--no-memory",
        "--to",
        "de-DE,zh-CN",
        "--out",
        "kit",
    ]);
    for lang in ["de-DE", "zh-CN"] {
        translate_xliff(&w.path(&format!("kit/a.en.{lang}.xlf")), same);
    }
    w.ok(["finish", "kit"]);
    assert_eq!(
        std::fs::read_to_string(w.path("kit/a.de-DE.txt")).unwrap(),
        article
    );
    assert_eq!(
        std::fs::read_to_string(w.path("kit/a.zh-CN.txt")).unwrap(),
        "Title line\n\nFirst sentence here.Second one follows.\n\n  Indented tail.  \n"
    );
}

#[test]
fn the_completion_report_counts_translated_approved_fuzzy_and_missing() {
    let w = bundled_memory();
    seed_kit(&w);
    // As prepared: exact matches translated and approved, fuzzy ones untouched, others missing.
    let out = w.run(["finish", "kit", "--format", "json", "--to", "zh-CN"]);
    assert_eq!(out.status.code(), Some(1), "missing segments make exit 1");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let zh = &report["languages"][0];
    assert_eq!(zh["lang"], "zh-CN");
    assert_eq!(zh["written"], true);
    let n = |k: &str| zh[k]["segments"].as_u64().unwrap();
    assert_eq!(n("total"), n("translated") + n("missing"));
    assert!(n("approved") > 0 && n("approved") <= n("translated"));
    assert!(n("fuzzy_untouched") > 0 && n("fuzzy_untouched") <= n("missing"));
    assert_eq!(
        zh["missing_segments"].as_array().unwrap().len() as u64,
        n("missing")
    );
    assert_eq!(
        report["languages"].as_array().unwrap().len(),
        1,
        "--to zh-CN"
    );
    // A missing segment keeps its source text in the document.
    let text = std::fs::read_to_string(w.path("kit/beijing-tokyo-forum.zh-CN.txt")).unwrap();
    let first_missing: usize = zh["missing_segments"][0].as_str().unwrap().parse().unwrap();
    let xlf = std::fs::read_to_string(w.path("kit/beijing-tokyo-forum.en.zh-CN.xlf")).unwrap();
    assert!(xlf.contains(&format!("id=\"{first_missing}\"")));
    assert!(text.chars().any(|c| c.is_ascii_alphabetic()));
    // The table says the same.
    let table = w.run(["finish", "kit", "--to", "zh-CN"]);
    let table = String::from_utf8(table.stdout).unwrap();
    for row in [
        "Translated",
        "approved",
        "Missing (source kept)",
        "fuzzy, left untouched",
    ] {
        assert!(table.contains(row), "{table}");
    }
}

#[test]
fn from_memory_fills_what_the_xliff_leaves_out() {
    let w = bundled_memory();
    seed_kit(&w);
    // Empty the XLIFF: nothing translated there; the memory's exact matches come in.
    translate_xliff(&w.path("kit/beijing-tokyo-forum.en.zh-CN.xlf"), |_| None);
    let bare = finish_json(&w, &["kit", "--to", "zh-CN"]).1;
    assert_eq!(bare["languages"][0]["translated"]["segments"], 0);
    let filled = finish_json(&w, &["kit", "--to", "zh-CN", "--from-memory"]).1;
    let l = &filled["languages"][0];
    assert!(l["from_memory"].as_u64().unwrap() > 0, "{l}");
    assert_eq!(l["from_memory"], l["translated"]["segments"]);
}

#[test]
fn an_xliff_of_another_article_is_refused_naming_the_unit() {
    let w = bundled_memory();
    seed_kit(&w);
    w.write("other.en.txt", "Something else entirely. Nothing alike.\n");
    w.ok(["prepare", "other.en.txt", "--no-memory", "--out", "other"]);
    let out = w.run([
        "finish",
        "kit",
        "--xliff",
        "other/other.en.zh-CN.xlf",
        "--out",
        "out",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("other.en.zh-CN.xlf:") && err.contains("unit 1 does not belong to this kit"),
        "{err}"
    );
    assert!(!w.path("out").exists(), "nothing written");
    // A kit folder without kit.json and no --xliff is not a kit.
    std::fs::create_dir(w.path("empty")).unwrap();
    let out = w.run(["finish", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("kit.json"), "{}", stderr(&out));
}

#[test]
fn translated_xliff_files_and_the_original_are_enough_without_the_kit() {
    let w = Work::new();
    let article = "One sentence here. Another one.\n\nA second paragraph.\n";
    w.write("note.en.txt", article);
    w.ok([
        "prepare",
        "note.en.txt",
        "--no-memory",
        "--to",
        "fr-FR",
        "--out",
        "kit",
    ]);
    translate_xliff(&w.path("kit/note.en.fr-FR.xlf"), |u| {
        Some((Content::plain(format!("[{}]", u.source.text)), State::Final))
    });
    // What a client sends back: the translated XLIFF, beside the original.
    std::fs::create_dir(w.path("back")).unwrap();
    std::fs::copy(
        w.path("kit/note.en.fr-FR.xlf"),
        w.path("back/note.en.fr-FR.xlf"),
    )
    .unwrap();
    std::fs::copy(w.path("note.en.txt"), w.path("back/note.en.txt")).unwrap();
    let (code, report) = finish_json(&w, &["back", "--xliff", "back/note.en.fr-FR.xlf"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        report["languages"][0]["approved"]["segments"], 3,
        "final is approved"
    );
    assert_eq!(
        std::fs::read_to_string(w.path("back/note.fr-FR.txt")).unwrap(),
        "[One sentence here.] [Another one.]\n\n[A second paragraph.]\n"
    );
}
