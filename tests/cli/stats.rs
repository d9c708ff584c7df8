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
    assert_eq!(s["schema_version"], tmkit::store::SCHEMA_VERSION);
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
fn memories_of_every_released_schema_still_open() {
    for fixture_name in ["db/schema-1.db", "db/schema-2.db", "db/schema-3.db"] {
        let w = Work::new();
        std::fs::copy(fixture(fixture_name), w.db()).unwrap();
        let s = w.json(["stats"]);
        assert_eq!(
            s["schema_version"],
            tmkit::store::SCHEMA_VERSION,
            "{fixture_name} is brought up to date"
        );
        assert_eq!(s["units"], 15, "{fixture_name}");
        w.export("out.tmx", &[]);
        assert_dtd_valid(&w.path("out.tmx"));
        assert_eq!(units_of_file(&w.path("out.tmx")).len(), 15);
        // Schema 1 had no lookup index: the first lookup builds it.
        let r = w.json([
            "lookup",
            "Digital technology is increasingly playing a greater role since the COVID19 outbreak.",
        ]);
        assert_eq!(r[0]["matches"][0]["score"], 100, "{fixture_name}");
        if fixture_name.ends_with("schema-3.db") {
            // Schema 3 brought the termbase.
            let g = w.json(["glossary", "list", "forum"]);
            assert_eq!(g[0]["terms"].as_array().unwrap().len(), 4, "{g}");
            let t = w.json(["terms", "Wang Yi spoke."]);
            assert_eq!(t[0]["translations"]["zh-CN"][0], "王毅");
        }
    }
}
