//! `tmkit export`: valid, deterministic, filtered TMX 1.4b.

use std::os::unix::fs::FileTypeExt;
use std::process::{Command, Stdio};

use crate::common::*;

fn bundled() -> Work {
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        repo_file("tmx/beijing-tokyo-forum.tmx").as_os_str(),
    ]);
    w
}

#[test]
fn export_is_valid_tmx_and_read_by_translate_toolkit() {
    let w = bundled();
    let bytes = w.export("out.tmx", &[]);
    assert_dtd_valid(&w.path("out.tmx"));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert!(text.contains("<tmx version=\"1.4\">"));
    assert!(text.contains("srclang=\"en\""));
    assert_eq!(translate_toolkit_units(&w.path("out.tmx")), w.units().len());
}

#[test]
fn langs_picks_variants_and_skips_units_left_with_one() {
    let w = bundled();
    w.ok([
        "add",
        "--lang",
        "en",
        "Only Chinese here.",
        "--lang",
        "zh-CN",
        "这里只有中文。",
    ]);
    w.ok([
        "add",
        "--lang",
        "en",
        "Traditional.",
        "--lang",
        "zh-TW",
        "繁體。",
    ]);
    let text = String::from_utf8(w.export("enja.tmx", &["--langs", "en,ja-JP"])).unwrap();
    assert_dtd_valid(&w.path("enja.tmx"));
    assert!(!text.contains("xml:lang=\"zh-CN\""));
    assert!(
        !text.contains("Only Chinese here."),
        "a unit left with one variant is skipped"
    );
    assert!(text.contains("xml:lang=\"ja-JP\""));
    // zh-CN takes the simplified family only, never zh-TW.
    let text = String::from_utf8(w.export("zh.tmx", &["--langs", "en,zh-CN"])).unwrap();
    assert!(text.contains("这里只有中文。"));
    assert!(!text.contains("繁體"));
    // A bare zh takes both.
    let text = String::from_utf8(w.export("allzh.tmx", &["--langs", "en,zh"])).unwrap();
    assert!(text.contains("繁體") && text.contains("这里只有中文。"));
}

#[test]
fn srclang_sets_the_header_and_the_units_source() {
    let w = bundled();
    let text =
        String::from_utf8(w.export("ja.tmx", &["--srclang", "ja-JP", "--langs", "ja-JP,zh-CN"]))
            .unwrap();
    assert!(
        text.contains("srclang=\"ja-JP\" datatype"),
        "{}",
        &text[..400]
    );
    assert_dtd_valid(&w.path("ja.tmx"));
    let units = units_of_file(&w.path("ja.tmx"));
    assert!(
        units
            .iter()
            .all(|u| u.source.as_ref().unwrap().as_str() == "ja-JP")
    );
}

#[test]
fn filters_by_origin_and_change_date() {
    let w = bundled();
    w.ok([
        "import".as_ref(),
        fixture("tmx/ImportTest1B.tmx").as_os_str(),
    ]);
    let text = String::from_utf8(w.export("o.tmx", &["--origin", "ImportTest1B"])).unwrap();
    assert_eq!(
        text.matches("<tu ").count() + text.matches("<tu>").count(),
        1
    );
    let total = w.units().len();
    // The bundled memory was changed in 2020; the compliance-kit unit has no date, so its import
    // time (today) counts.
    let old = String::from_utf8(w.export("old.tmx", &["--changed-before", "2021-01-01"])).unwrap();
    let new = String::from_utf8(w.export("new.tmx", &["--changed-since", "2021-01-01"])).unwrap();
    assert_eq!(
        units_of_file(&w.path("old.tmx")).len() + units_of_file(&w.path("new.tmx")).len(),
        total
    );
    assert!(new.contains("Text of the segment"));
    assert!(!old.contains("Text of the segment"));
    let out = w.run(["export", "x.tmx", "--changed-since", "last week"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid date \"last week\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn export_to_stdout_and_a_closed_pipe_are_quiet() {
    let w = bundled();
    let file = w.export("f.tmx", &[]);
    let stdout = w.ok(["export", "-"]);
    assert!(stdout.as_bytes() == file.as_slice());
    // A reader that goes away early: no error message.
    let mut child = w
        .command(["export", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn export_of_a_missing_memory_is_an_error() {
    let w = Work::new();
    let out = w.run(["export", "x.tmx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("tmkit: ")
            && stderr(&out).contains("tmkit.db: no such file: import a TMX file first"),
        "{}",
        stderr(&out)
    );
    assert!(!w.path("x.tmx").exists());
}

/// Exporting to a device or a pipe writes into it; it never replaces it with a file (as root, a
/// rename over `/dev/full` replaced the device). A symbolic link keeps naming its file.
#[test]
fn export_to_a_pipe_or_through_a_link_keeps_the_pipe_and_the_link() {
    let w = bundled();
    let reference = w.export("plain.tmx", &[]);

    let fifo = w.path("pipe.tmx");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    w.ok(["export".as_ref(), fifo.as_os_str()]);
    // Checked before joining: a reader whose pipe was replaced would wait for ever.
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe was replaced by a file");
    assert_eq!(reader.join().unwrap(), reference);

    let real = w.write("real.tmx", "old");
    let link = w.path("link.tmx");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    w.ok(["export".as_ref(), link.as_os_str()]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&real).unwrap(), reference);
}
