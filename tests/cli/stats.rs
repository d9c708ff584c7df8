//! `tmkit stats`.

use crate::common::*;

#[test]
fn stats_counts_units_languages_pairs_and_origins() {
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        repo_file("tmx/beijing-tokyo-forum.tmx").as_os_str(),
    ]);
    w.ok([
        "import".as_ref(),
        fixture("tmx/project_CN_JP_project_save.tmx").as_os_str(),
    ]);
    let s = w.json(["stats"]);
    let n = w.units().len() as u64;
    assert_eq!(s["units"].as_u64(), Some(n));
    assert_eq!(s["schema_version"], 1);
    let langs = s["languages"].as_array().unwrap();
    let count = |tag: &str| {
        langs
            .iter()
            .find(|l| l["lang"] == tag)
            .map(|l| l["variants"].as_u64().unwrap())
    };
    assert_eq!(count("zh-CN"), Some(n));
    assert_eq!(count("en"), Some(n - 1));
    let pairs = s["pairs"].as_array().unwrap();
    assert!(
        pairs
            .iter()
            .any(|p| p["source"] == "zh-CN" && p["target"] == "ja-JP" && p["units"] == 1)
    );
    assert!(pairs.iter().any(|p| p["source"] == "en"
        && p["target"] == "ja-JP"
        && p["units"].as_u64() == Some(n - 1)));
    assert_eq!(s["origins"].as_array().unwrap().len(), 2);
    assert!(s["database_bytes"].as_u64().unwrap() > 0);
    let text = w.ok(["stats"]);
    assert!(
        text.contains("language") && text.contains("zh-CN") && text.contains("origin"),
        "{text}"
    );
}

#[test]
fn a_memory_of_schema_1_still_opens() {
    let w = Work::new();
    std::fs::copy(fixture("db/schema-1.db"), w.db()).unwrap();
    let s = w.json(["stats"]);
    assert_eq!(s["schema_version"], 1);
    assert_eq!(s["units"], 15);
    w.export("out.tmx", &[]);
    assert_dtd_valid(&w.path("out.tmx"));
    assert_eq!(units_of_file(&w.path("out.tmx")).len(), 15);
}
