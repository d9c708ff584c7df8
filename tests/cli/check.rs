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

/// A TMX of (tuid, English source, target language, target) units.
fn tmx_in(units: &[(&str, &str, &str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" \
         creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" \
         datatype=\"plaintext\"/><body>\n",
    );
    for (id, en, lang, target) in units {
        s.push_str(&format!(
            "<tu tuid=\"{id}\"><tuv xml:lang=\"en\"><seg>{en}</seg></tuv><tuv xml:lang=\"{lang}\"><seg>{target}</seg></tuv></tu>\n"
        ));
    }
    s.push_str("</body></tmx>\n");
    s
}

fn json_findings(out: &std::process::Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    v.as_array().unwrap().clone()
}

/// The news sentences of issue 13, with the translations a professional writes: no finding of
/// any kind, in Chinese and in Japanese.
#[test]
fn news_sentences_with_multiples_fractions_and_comparisons_check_clean() {
    let w = Work::new();
    w.write(
        "in.tmx",
        tmx_in(&[
            (
                "1",
                "More than one country objected.",
                "zh-CN",
                "不止一个国家表示反对。",
            ),
            (
                "1",
                "More than one country objected.",
                "ja-JP",
                "2か国以上が反対した。",
            ),
            (
                "2",
                "Prices doubled in a decade.",
                "zh-CN",
                "价格在十年内翻了一番。",
            ),
            (
                "2",
                "Prices doubled in a decade.",
                "ja-JP",
                "価格は10年で2倍になった。",
            ),
            (
                "3",
                "Trade tripled over two decades.",
                "zh-CN",
                "两国贸易在二十年间增长了两倍。",
            ),
            (
                "3",
                "Trade tripled over two decades.",
                "ja-JP",
                "貿易は20年で3倍になった。",
            ),
            (
                "4",
                "A quarter of the firms reported losses.",
                "zh-CN",
                "四分之一的企业报告了亏损。",
            ),
            (
                "4",
                "A quarter of the firms reported losses.",
                "ja-JP",
                "企業の4分の1が損失を計上した。",
            ),
        ]),
    );
    let out = w.run(["check", "--tmx", "in.tmx", "--format", "json"]);
    assert_eq!(json_findings(&out), Vec::<serde_json::Value>::new());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A changed figure is an error; a single digit the translation adds is a warning, which
/// `--severity error` leaves out.
#[test]
fn number_findings_carry_the_severity_of_their_confidence() {
    let w = Work::new();
    w.write(
        "in.tmx",
        tmx_in(&[
            (
                "sure",
                "Exports rose 46 percent.",
                "zh-CN",
                "出口增长了64%。",
            ),
            (
                "unsure",
                "Merge the overlapping changes.",
                "ja-JP",
                "3ファイルの競合する変更をマージします。",
            ),
            (
                "range",
                "Turkish, Ottoman (1500-1928)",
                "zh-CN",
                "奥斯曼土耳其语",
            ),
        ]),
    );
    let out = w.run([
        "check", "--tmx", "in.tmx", "--format", "json", "--kinds", "number",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let got: Vec<(String, String, String)> = json_findings(&out)
        .iter()
        .map(|f| {
            (
                f["tuid"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        (
            "sure",
            "error",
            "number 46 percent in the source is 64% in the target",
        ),
        (
            "unsure",
            "warning",
            "number 3 in the target is not in the source",
        ),
        (
            "range",
            "error",
            "number 1500 in the source is missing from the target",
        ),
        (
            "range",
            "error",
            "number 1928 in the source is missing from the target",
        ),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
    // Errors only: what a reviewer must fix.
    let out = w.run([
        "check",
        "--tmx",
        "in.tmx",
        "--format",
        "json",
        "--kinds",
        "number",
        "--severity",
        "error",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let tuids: Vec<String> = json_findings(&out)
        .iter()
        .map(|f| f["tuid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tuids, ["sure", "range", "range"]);
    // The text report says which is which.
    let out = w.run(["check", "--tmx", "in.tmx", "--kinds", "number"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("warning number          number 3 in the target is not in the source"),
        "{text}"
    );
    assert!(
        text.contains(
            "error   number          number 46 percent in the source is 64% in the target"
        ),
        "{text}"
    );
    assert!(text.contains("3 errors, 1 warnings"), "{text}");
    // A warning alone: exit 1 with the default severity, 0 with --severity error.
    w.write(
        "warn.tmx",
        tmx_in(&[(
            "unsure",
            "Merge the overlapping changes.",
            "ja-JP",
            "3ファイルの競合する変更をマージします。",
        )]),
    );
    assert_eq!(w.run(["check", "--tmx", "warn.tmx"]).status.code(), Some(1));
    let out = w.run([
        "check",
        "--tmx",
        "warn.tmx",
        "--severity",
        "error",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(json_findings(&out).is_empty());
}

/// `--ja-punctuation software` accepts the half-width ? ! ( ) of Japanese software catalogs;
/// the default (JTF) reports them; half-width , and . are reported in both.
#[test]
fn japanese_punctuation_style_is_a_setting() {
    let w = Work::new();
    w.write(
        "in.tmx",
        tmx_in(&[
            ("q", "Delete the file?", "ja-JP", "ファイルを削除しますか?"),
            (
                "p",
                "Start automatically (default)",
                "ja-JP",
                "自動的に開始(デフォルト)",
            ),
            (
                "c",
                "Print only unique messages, discard duplicates",
                "ja-JP",
                "唯一のメッセージのみを表示し, 重複を無視",
            ),
            ("z", "Delete the file?", "zh-CN", "删除文件吗?"),
        ]),
    );
    let kinds = |args: &[&str], env: Option<&str>| -> Vec<String> {
        let mut c = w.command([
            "check",
            "--tmx",
            "in.tmx",
            "--format",
            "json",
            "--kinds",
            "punctuation",
        ]);
        c.args(args);
        c.env_remove("TMKIT_JA_PUNCTUATION");
        if let Some(v) = env {
            c.env("TMKIT_JA_PUNCTUATION", v);
        }
        let out = c.output().unwrap();
        json_findings(&out)
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["tuid"].as_str().unwrap(),
                    f["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    let jtf = kinds(&[], None);
    for want in [
        "q half-width “?”",
        "p half-width “(”",
        "c half-width “,”",
        "z half-width “?”",
    ] {
        assert!(jtf.iter().any(|f| f.starts_with(want)), "{want} in {jtf:?}");
    }
    assert_eq!(kinds(&["--ja-punctuation", "jtf"], None), jtf);
    let software = kinds(&["--ja-punctuation", "software"], None);
    assert!(
        software
            .iter()
            .all(|f| !f.starts_with("q ") && !f.starts_with("p ")),
        "{software:?}"
    );
    // Half-width commas stay wrong in Japanese, and Chinese keeps its own rules.
    assert!(
        software.iter().any(|f| f.starts_with("c half-width “,”")),
        "{software:?}"
    );
    assert!(
        software.iter().any(|f| f.starts_with("z half-width “?”")),
        "{software:?}"
    );
    // The same from the environment.
    assert_eq!(kinds(&[], Some("software")), software);
    // An unknown style is refused, naming the choices.
    let out = w.run(["check", "--tmx", "in.tmx", "--ja-punctuation", "loose"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("jtf") && err.contains("software"), "{err}");
}
