//! `tmkit terms`.

use crate::common::*;

fn with_glossary() -> Work {
    let w = Work::new();
    w.ok([
        "glossary",
        "import",
        repo_file("glossary/beijing-tokyo-forum.tbx")
            .to_str()
            .unwrap(),
    ]);
    w
}

#[test]
fn terms_are_found_with_their_spans_and_translations() {
    let w = with_glossary();
    let text = "Yoshihide Suga’s cabinet and the Genron NPO met in the Asia Pacific, \
                where the Regional Comprehensive Economic Partnership was signed.";
    let v = w.json(["terms", text]);
    let found: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["text"].as_str().unwrap(), t["term"].as_str().unwrap()))
        .collect();
    for want in [
        ("Yoshihide Suga’s", "Yoshihide Suga"),
        ("Genron NPO", "Genron NPO"),
        (
            "Regional Comprehensive Economic Partnership",
            "Regional Comprehensive Economic Partnership",
        ),
    ] {
        assert!(found.contains(&want), "{want:?} in {found:?}");
    }
    assert!(
        found.iter().any(|(t, _)| *t == "Asia Pacific"),
        "hyphen and space variants: {found:?}"
    );
    assert!(
        !found.iter().any(|(t, _)| *t == "Partnership"),
        "the longest match wins: {found:?}"
    );
    let suga = &v.as_array().unwrap()[0];
    assert_eq!(suga["translations"]["zh-CN"][0], "菅义伟");
    assert_eq!(suga["translations"]["ja-JP"][0], "菅義偉");
    assert!(
        suga["forbidden"]["zh-CN"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "管义伟"),
        "{suga}"
    );
    // Spans point into the text.
    for t in v.as_array().unwrap() {
        let (a, b) = (
            t["start"].as_u64().unwrap() as usize,
            t["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[a..b], t["text"].as_str().unwrap());
    }
}

#[test]
fn chinese_text_matches_by_width_but_never_across_scripts() {
    let w = with_glossary();
    let v = w.json([
        "terms",
        "--from",
        "zh-CN",
        "--to",
        "en",
        "程永华在北京－东京论坛上讲话。",
    ]);
    let terms: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert!(
        terms.contains(&"程永华") && terms.contains(&"北京－东京论坛"),
        "{terms:?}"
    );
    // The traditional form is not the simplified term (it is listed as a forbidden form).
    let v = w.json(["terms", "--from", "zh-CN", "--to", "en", "程永華"]);
    for t in v.as_array().unwrap() {
        assert_ne!(t["term"], "程永华", "{t}");
    }
    let out = w.run(["terms", "Penguins swim."]);
    assert_eq!(out.status.code(), Some(1), "no term: exit 1");
}

#[test]
fn a_glossary_file_can_be_used_without_importing_it() {
    let w = Work::new();
    w.write("g.csv", "en,zh-CN\nWang Yi,王毅\n");
    let v = w.json([
        "terms",
        "--glossary",
        "g.csv",
        "--to",
        "zh-CN",
        "Wang Yi and Wang Yiming spoke.",
    ]);
    assert_eq!(
        v.as_array().unwrap().len(),
        1,
        "Wang Yiming is not Wang Yi: {v}"
    );
    assert_eq!(v[0]["translations"]["zh-CN"][0], "王毅");
    assert!(!w.db().exists(), "nothing was imported");
}

#[test]
fn text_from_standard_input_is_read_like_a_file() {
    let w = with_glossary();
    let run = |input: &[u8]| {
        use std::io::Write;
        let mut child = w
            .command(["terms", "--file", "-", "--format", "json"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run("The Genron NPO met.\n".as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["term"], "Genron NPO");
    // Bytes that are not UTF-8 are refused at their place, as in a file.
    let out = run(b"The Genron\xff NPO met.\n");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("<stdin>:1:11: byte FF is not valid UTF-8"),
        "{err}"
    );
}
