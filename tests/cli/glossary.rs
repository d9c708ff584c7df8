//! `tmkit glossary`.

use crate::common::*;

#[test]
fn concepts_are_added_listed_and_removed() {
    let w = Work::new();
    w.ok([
        "glossary",
        "add",
        "-n",
        "forum",
        "en=Wang Yi",
        "zh-CN=王毅",
        "ja-JP=王毅",
        "--forbidden",
        "zh-CN=王义",
        "--pos",
        "properNoun",
        "--note",
        "State Councilor and Foreign Minister",
    ]);
    w.ok([
        "glossary",
        "add",
        "-n",
        "forum",
        "en=Asia-Pacific",
        "zh-CN=亚太",
        "ja-JP=アジア太平洋",
    ]);
    let list = w.json(["glossary", "list"]);
    assert_eq!(list[0]["name"], "forum");
    assert_eq!(list[0]["concepts"], 2);
    assert_eq!(list[0]["terms"], 7);
    let concepts = w.json(["glossary", "list", "forum", "--search", "wang"]);
    assert_eq!(concepts.as_array().unwrap().len(), 1);
    let terms = concepts[0]["terms"].as_array().unwrap();
    let forbidden: Vec<&str> = terms
        .iter()
        .filter(|t| t["status"] == "forbidden")
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert_eq!(forbidden, ["王义"]);
    assert_eq!(terms[0]["pos"], "properNoun");

    let text = w.ok(["glossary", "list", "forum"]);
    assert!(
        text.contains("Asia-Pacific") && text.contains("王义 (forbidden)"),
        "{text}"
    );

    w.ok(["glossary", "remove", "forum", "--term", "asia-pacific"]);
    let concepts = w.json(["glossary", "list", "forum"]);
    assert_eq!(concepts.as_array().unwrap().len(), 1);
    // Removing what is not there finds nothing.
    let out = w.run(["glossary", "remove", "forum", "--term", "nothing"]);
    assert_eq!(out.status.code(), Some(1));
    w.ok(["glossary", "remove", "forum"]);
    assert_eq!(w.json(["glossary", "list"]), serde_json::json!([]));
    let out = w.run(["glossary", "remove", "forum"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no glossary"), "{}", stderr(&out));
}

#[test]
fn a_bad_term_argument_is_refused_and_adds_nothing() {
    let w = Work::new();
    w.ok(["glossary", "add", "en=Suga", "ja-JP=菅義偉"]);
    for bad in [
        ["en=Suga", "zh-CN"],
        ["en=Suga", "xx-!!=菅"],
        ["en=Suga", "zh-CN= "],
    ] {
        let mut args = vec!["glossary", "add"];
        args.extend(bad);
        let out = w.run(&args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(stderr(&out).contains(bad[1]), "{}", stderr(&out));
    }
    let list = w.json(["glossary", "list"]);
    assert_eq!(list[0]["concepts"], 1);
}

fn concepts(w: &Work, name: &str) -> Vec<serde_json::Value> {
    let v = w.json(["glossary", "list", name]);
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut c = c.clone();
            // Ids differ between memories; the content must not.
            c.as_object_mut().unwrap().remove("id");
            c.as_object_mut().unwrap().remove("glossary");
            c
        })
        .collect()
}

#[test]
fn tbx_v2_goes_through_the_memory_to_tbx_v3_and_back_unchanged() {
    let w = Work::new();
    for file in [
        "sdl_tbx.tbx",
        "ImportTBXTest_en-US_zh-CN.tbx",
        "oracle_TBX.tbx",
    ] {
        let name = file.trim_end_matches(".tbx");
        w.ok([
            "glossary",
            "import",
            fixture(&format!("glossary/{file}")).to_str().unwrap(),
            "-n",
            name,
        ]);
        let first = concepts(&w, name);
        assert!(!first.is_empty(), "{file}");
        w.ok(["glossary", "export", name, "-o", "v3.tbx"]);
        let v3 = std::fs::read_to_string(w.path("v3.tbx")).unwrap();
        assert!(v3.contains("urn:iso:std:iso:30042:ed-2"), "{file}: TBX v3");
        w.ok(["glossary", "import", "v3.tbx", "-n", "again", "--replace"]);
        assert_eq!(concepts(&w, "again"), first, "{file}");
        w.ok(["glossary", "export", "again", "-o", "v3-again.tbx"]);
        assert_eq!(
            std::fs::read(w.path("v3-again.tbx")).unwrap(),
            v3.as_bytes(),
            "{file}: a second export is byte-identical"
        );
        // TBX v2 out and in again, too.
        w.ok(["glossary", "export", name, "-o", "v2.tbx", "-t", "tbx2"]);
        assert!(
            std::fs::read_to_string(w.path("v2.tbx"))
                .unwrap()
                .contains("<martif")
        );
        w.ok(["glossary", "import", "v2.tbx", "-n", "again", "--replace"]);
        assert_eq!(concepts(&w, "again"), first, "{file} through TBX v2");
    }
}

#[test]
fn csv_goes_through_the_memory_and_back_unchanged() {
    let w = Work::new();
    w.write(
        "terms.csv",
        "en,zh-CN,ja-JP,zh-CN:status,note,pos\n\
         Wang Yi,王毅,王毅,,State Councilor,properNoun\n\
         \"Asia-Pacific|Asia Pacific\",亚太,アジア太平洋,,\"region, broad\",noun\n\
         Yoshihide Suga,菅伟义,菅義偉,forbidden,a wrong form,properNoun\n",
    );
    w.ok(["glossary", "import", "terms.csv", "-n", "t"]);
    let first = concepts(&w, "t");
    assert_eq!(first.len(), 3);
    assert_eq!(first[1]["terms"][0]["variants"][0], "Asia Pacific");
    w.ok(["glossary", "export", "t", "-o", "out.csv"]);
    w.ok(["glossary", "import", "out.csv", "-n", "u"]);
    assert_eq!(concepts(&w, "u"), first);
    w.ok(["glossary", "export", "u", "-o", "out2.csv"]);
    assert_eq!(
        std::fs::read(w.path("out.csv")).unwrap(),
        std::fs::read(w.path("out2.csv")).unwrap()
    );
    // TSV too, and to standard output.
    let tsv = w.ok(["glossary", "export", "t", "-t", "tsv"]);
    assert!(tsv.starts_with("en\t"), "{tsv}");
}

#[test]
fn malformed_glossaries_are_located_and_import_nothing() {
    let w = Work::new();
    w.ok([
        "glossary",
        "add",
        "-n",
        "g",
        "en=Genron NPO",
        "ja-JP=言論NPO",
    ]);
    let cases: [(&str, &str, &str); 4] = [
        (
            "quote.csv",
            "en,zh-CN\nWang Yi,王毅\n\"Suga,菅义伟\n",
            "quote.csv:3:",
        ),
        (
            "columns.csv",
            "en,zh-CN\nWang Yi,王毅\nSuga,菅义伟,extra\n",
            "columns.csv:3:",
        ),
        (
            "lang.csv",
            "en,zh-CN,xx-!!\nWang Yi,王毅,x\n",
            "lang.csv:1:",
        ),
        (
            "cut.tbx",
            "<?xml version=\"1.0\"?><tbx xmlns=\"urn:iso:std:iso:30042:ed-2\"><text><body>\
             <conceptEntry id=\"c1\"><langSec xml:lang=\"en\"><termSec><term>Suga</term>",
            "cut.tbx:1:",
        ),
    ];
    for (name, content, want) in cases {
        w.write(name, content);
        // Two files in one import: the good one must not stay behind either.
        w.write("good.csv", "en,zh-CN\nXi Jinping,习近平\n");
        let out = w.run(["glossary", "import", "good.csv", name, "-n", "g"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stderr(&out).contains(want), "{name}: {}", stderr(&out));
        let list = w.json(["glossary", "list"]);
        assert_eq!(list[0]["concepts"], 1, "{name}: nothing half-imported");
    }
}

#[test]
fn an_entry_without_a_source_term_is_reported_and_skipped() {
    let w = Work::new();
    w.write(
        "t.csv",
        "en,zh-CN,ja-JP\nWang Yi,王毅,王毅\n,习近平,習近平\nSuga,菅义伟,菅義偉\n",
    );
    let r = w.json(["glossary", "import", "t.csv", "-n", "t"]);
    assert_eq!(r["added"], 2);
    assert_eq!(r["skipped"], 1);
    let problem = r["files"][0]["problems"][0].clone();
    assert_eq!(problem["location"]["line"], 3, "{problem}");
    assert!(
        problem["message"].as_str().unwrap().contains("en"),
        "{problem}"
    );
}

#[test]
fn the_bundled_tsv_is_the_bundled_tbx_exported() {
    let w = Work::new();
    w.ok([
        "glossary",
        "import",
        repo_file("glossary/beijing-tokyo-forum.tbx")
            .to_str()
            .unwrap(),
        "-n",
        "beijing-tokyo-forum",
    ]);
    let tsv = w.ok(["glossary", "export", "beijing-tokyo-forum", "-t", "tsv"]);
    assert_eq!(
        tsv,
        std::fs::read_to_string(repo_file("glossary/beijing-tokyo-forum.tsv")).unwrap(),
        "glossary/beijing-tokyo-forum.tsv is made by `tmkit glossary export`"
    );
    let list = w.json(["glossary", "list"]);
    assert!(list[0]["concepts"].as_u64().unwrap() >= 40);
    assert_eq!(
        list[0]["langs"],
        serde_json::json!(["en", "ja-JP", "zh-CN"])
    );
}

#[test]
fn importing_a_glossary_again_changes_nothing() {
    let w = Work::new();
    let tbx = repo_file("glossary/beijing-tokyo-forum.tbx");
    let first = w.json(["glossary", "import", tbx.to_str().unwrap(), "-n", "forum"]);
    assert!(first["added"].as_u64().unwrap() >= 40);
    let again = w.json(["glossary", "import", tbx.to_str().unwrap(), "-n", "forum"]);
    assert_eq!(again["added"], 0);
    assert_eq!(again["unchanged"], first["added"]);
    let list = w.json(["glossary", "list"]);
    assert_eq!(list[0]["concepts"], first["added"]);
}

/// The languages of the terms of each concept of a glossary.
fn term_langs(w: &Work, name: &str) -> Vec<Vec<String>> {
    concepts(w, name)
        .iter()
        .map(|c| {
            c["terms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["lang"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn a_header_of_language_names_is_a_header() {
    let w = Work::new();
    for (file, content) in [
        ("names.csv", "English,Chinese,Japanese\nWang Yi,王毅,王毅\n"),
        ("codes.csv", "EN,ZH,JP\nWang Yi,王毅,王毅\n"),
        ("zh.tsv", "英语\t中文\t日语\nWang Yi\t王毅\t王毅\n"),
        ("ja.tsv", "英語\t中国語\t日本語\nWang Yi\t王毅\t王毅\n"),
    ] {
        w.write(file, content);
        let r = w.json(["glossary", "import", file, "-n", file]);
        assert_eq!(
            (r["added"].as_u64(), r["skipped"].as_u64()),
            (Some(1), Some(0))
        );
        assert_eq!(term_langs(&w, file), [["en", "zh-CN", "ja-JP"]], "{file}");
        // The Japanese column is a term, not a note.
        assert_eq!(concepts(&w, file)[0]["note"], serde_json::Value::Null);
    }
}

#[test]
fn a_glossary_whose_languages_are_unknown_is_refused_with_the_fix() {
    let w = Work::new();
    w.ok([
        "glossary",
        "add",
        "-n",
        "g",
        "en=Genron NPO",
        "ja-JP=言論NPO",
    ]);
    // (file, content, where the error points, concepts with --langs)
    for (file, content, at, n) in [
        (
            "generic.csv",
            "Source,Target\nWang Yi,王毅\n",
            "generic.csv:1:1: ",
            1,
        ),
        (
            "mixed.tsv",
            "en\tTarget\nWang Yi\t王毅\n",
            "mixed.tsv:1:4: ",
            1,
        ),
        (
            "plain.csv",
            "Wang Yi,王毅\nSuga,菅义伟\n",
            "plain.csv:1:1: ",
            2,
        ),
    ] {
        w.write(file, content);
        let out = w.run(["glossary", "import", file, "-n", "g"]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let err = stderr(&out);
        assert!(
            err.contains(at) && err.contains("--langs en,zh-CN,ja-JP"),
            "{file}: {err}"
        );
        assert_eq!(concepts(&w, "g").len(), 1, "{file}: nothing imported");
        // --langs names the term columns in order.
        let r = w.json([
            "glossary", "import", file, "-n", file, "--langs", "en,zh-CN",
        ]);
        assert_eq!(r["added"], n, "{file}");
        assert_eq!(term_langs(&w, file)[0], ["en", "zh-CN"], "{file}");
    }
    // Without a header row, a column after the terms is the note; the first --langs language is
    // the source language.
    w.write("ja.csv", "言論NPO,言论NPO,a think tank\n");
    w.ok(["glossary", "import", "ja.csv", "--langs", "ja-JP,zh-CN"]);
    let c = concepts(&w, "ja");
    assert_eq!(term_langs(&w, "ja"), [["ja-JP", "zh-CN"]]);
    assert_eq!(c[0]["note"], "a think tank");
}

#[test]
fn csv_export_neutralizes_formulas_and_bars_and_reads_back_the_same_terms() {
    let w = Work::new();
    w.ok([
        "glossary",
        "add",
        "-n",
        "t",
        "en==SUM(A1)",
        "zh-CN=-5 °C",
        "ja-JP=@user",
        "--note",
        "+1 for the ratio",
    ]);
    w.ok([
        "glossary",
        "add",
        "-n",
        "t",
        "en=A|B testing",
        "zh-CN=A\\B 测试",
    ]);
    let first = concepts(&w, "t");
    for (file, d) in [("out.csv", ','), ("out.tsv", '\t')] {
        w.ok(["glossary", "export", "t", "-o", file]);
        let text = std::fs::read_to_string(w.path(file)).unwrap();
        assert!(
            text.contains(&format!(
                "\"'=SUM(A1)\"{d}\"'-5 °C\"{d}\"'@user\"{d}\"'+1 for the ratio\"\n"
            )),
            "{file}: every cell that would run as a formula is quoted text:\n{text}"
        );
        assert!(
            text.contains(&format!("A\\|B testing{d}A\\\\B 测试{d}")),
            "{text}"
        );
        let name = file.replace('.', "-");
        w.ok(["glossary", "import", file, "-n", &name]);
        assert_eq!(concepts(&w, &name), first, "{file}");
    }
}

#[test]
fn basic_bad_tbx_skips_the_concepts_that_break_tbx_basic_and_says_why() {
    let w = Work::new();
    let file = fixture("glossary/basic_bad.tbx");
    let file = file.to_str().unwrap();
    let out = w.ok([
        "glossary",
        "import",
        file,
        "-n",
        "bad",
        "--max-problems",
        "2",
    ]);
    assert!(out.contains("45 skipped in "), "{out}");
    assert!(
        out.contains(
            "        44  transactionType \"…\" is not a TBX-Basic value (expected origination, \
             modification): concept skipped\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "basic_bad.tbx:26:6: <transac> of type \"theWrongType\" is not a TBX-Basic data \
             category (expected transactionType): concept skipped\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("  ... and 43 more (--max-problems N lists more)\n"),
        "{out}"
    );
    assert!(out.contains("0 concepts added"), "{out}");

    let r = w.json(["glossary", "import", file, "-n", "bad"]);
    let f = &r["files"][0];
    assert_eq!(
        (f["entries"].as_u64(), f["skipped"].as_u64()),
        (Some(0), Some(45))
    );
    assert_eq!(
        f["skipped_reasons"]["transactionType \"…\" is not a TBX-Basic value (expected \
                              origination, modification): concept skipped"],
        44
    );
    assert_eq!(f["problems"].as_array().unwrap().len(), 10);
    assert_eq!(f["problems"][0]["location"]["line"], 26);
    assert_eq!(f["problems"][0]["location"]["column"], 6);
    assert_eq!(r["skipped"], 45);

    // --strict: the first is fatal, and nothing is imported.
    w.write("good.csv", "en,zh-CN\nXi Jinping,习近平\n");
    let out = w.run([
        "glossary", "import", "good.csv", file, "-n", "strict", "--strict",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("basic_bad.tbx:26:6: <transac> of type \"theWrongType\""),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--strict"), "{}", stderr(&out));
    let list = w.json(["glossary", "list"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|g| g["name"] != "strict"),
        "{list}"
    );
}

#[test]
fn skipped_csv_rows_are_summarized_and_strict_refuses_them() {
    let w = Work::new();
    w.write(
        "t.csv",
        "en,zh-CN,zh-CN:status\n,,\nSuga,菅义伟,maybe\nWang Yi,王毅,\n",
    );
    let out = w.ok(["glossary", "import", "t.csv"]);
    assert!(out.contains("2 skipped in t.csv:\n"), "{out}");
    assert!(
        out.contains("         1  no terms in this row: skipped\n"),
        "{out}"
    );
    assert!(
        out.contains("t.csv:3:10: invalid status \"maybe\""),
        "{out}"
    );
    let out = w.run(["glossary", "import", "t.csv", "-n", "s", "--strict"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("t.csv:2:1: no terms in this row"),
        "{}",
        stderr(&out)
    );
}
