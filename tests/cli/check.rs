//! `tmkit check`.

use crate::common::*;

fn tmx(units: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" \
         creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" \
         datatype=\"plaintext\"/><body>\n",
    );
    for (id, en, zh) in units {
        s.push_str(&format!(
            "<tu tuid=\"{id}\"><tuv xml:lang=\"en\"><seg>{en}</seg></tuv><tuv xml:lang=\"zh-CN\"><seg>{zh}</seg></tuv></tu>\n"
        ));
    }
    s.push_str("</body></tmx>\n");
    s
}

#[test]
fn inconsistent_and_untranslated_units_are_reported_with_their_tuids() {
    let w = Work::new();
    w.write(
        "in.tmx",
        tmx(&[
            ("a", "The forum opened.", "论坛开幕。"),
            ("b", "The  forum opened.", "论坛开始了。"),
            ("c", "The talks ended.", "会谈结束。"),
            ("d", "Talks are over.", "会谈结束。"),
            ("e", "Nothing yet.", ""),
        ]),
    );
    let out = w.run(["check", "--tmx", "in.tmx", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["tuid"].as_str().unwrap().to_string(),
                f["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [
        ("a", "inconsistent"),
        ("b", "inconsistent"),
        ("c", "inconsistent"),
        ("d", "inconsistent"),
        ("e", "untranslated"),
    ] {
        assert!(
            got.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {got:?}"
        );
    }
    for f in findings.as_array().unwrap() {
        for field in [
            "tuid", "unit", "lang", "kind", "severity", "message", "source", "target",
        ] {
            assert!(f.get(field).is_some(), "{field} in {f}");
        }
    }
    // Filters.
    let out = w.run([
        "check",
        "--tmx",
        "in.tmx",
        "--format",
        "json",
        "--kinds",
        "untranslated",
    ]);
    let only: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(only.as_array().unwrap().len(), 1);
    assert_eq!(only[0]["tuid"], "e");
    let out = w.run([
        "check",
        "--tmx",
        "in.tmx",
        "--severity",
        "error",
        "--format",
        "json",
    ]);
    let errors: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        errors
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "error")
    );
    // Text output groups by unit and ends with a summary.
    let out = w.run(["check", "--tmx", "in.tmx"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("unit 5 (e)") && text.contains("untranslated"),
        "{text}"
    );
    assert!(text.contains("5 units, 5 pairs checked"), "{text}");
    // --kinds takes the names the JSON writes, and says which when given another.
    let out = w.run([
        "check",
        "--tmx",
        "in.tmx",
        "--kinds",
        "forbidden-term,terms",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("'terms'") && err.contains("forbidden-term") && err.contains("whitespace"),
        "{err}"
    );
}

#[test]
fn a_clean_file_exits_zero_and_a_bad_one_two() {
    let w = Work::new();
    w.write("ok.tmx", tmx(&[("a", "The forum opened.", "论坛开幕。")]));
    let out = w.run(["check", "--tmx", "ok.tmx"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    w.write("bad.tmx", "<tmx><body><tu>");
    let out = w.run(["check", "--tmx", "bad.tmx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.tmx:"), "{}", stderr(&out));
}

/// Regression: a cached source key must belong to its own unit (rows read one after another can
/// lie at the same address with the same length).
#[test]
fn units_with_same_length_sources_are_not_inconsistent() {
    let w = Work::new();
    w.write("gen.tmx", generated_tmx(300, "a"));
    w.ok(["import", "gen.tmx"]);
    let out = w.run(["check", "--format", "json", "--kinds", "inconsistent"]);
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings, serde_json::json!([]), "{findings}");
    assert_eq!(out.status.code(), Some(0));
}
