//! `tmkit lookup` and `tmkit concordance` on the bundled memory.

use crate::common::*;

const QUERIES: [&str; 4] = [
    // Exact.
    "Digital technology is increasingly playing a greater role since the COVID19 outbreak.",
    // An earlier draft: a word and a figure changed.
    "The three-day event set up five parallel online sub-forums, covering fields of public health, bilateral politics and diplomacy, economy and trade, media, digital economy and security.",
    // Case and punctuation only.
    "the forum brought together experts, government officials and private sector representatives from china and japan to discuss key issues and enhance post-pandemic bilateral cooperation",
    // Nothing like it.
    "The weather in Osaka was sunny.",
];

#[test]
fn lookup_text_and_json_are_golden() {
    let w = bundled_memory();
    let out = w.run(["lookup", "--min", "60"].iter().copied().chain(QUERIES));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_golden("lookup.txt", &String::from_utf8(out.stdout).unwrap());
    let json = w.ok(["lookup", "--format", "json", "--min", "60"]
        .iter()
        .copied()
        .chain(QUERIES));
    assert_golden("lookup.json", &json);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), QUERIES.len());
    assert_eq!(v[0]["matches"][0]["score"], 100);
    let fuzzy = v[1]["matches"][0]["score"].as_u64().unwrap();
    assert!((60..98).contains(&fuzzy), "{fuzzy}");
    assert_eq!(v[2]["matches"][0]["score"], 99);
    assert_eq!(
        v[2]["matches"][0]["penalties"],
        serde_json::json!(["case", "punctuation"])
    );
    assert!(v[3]["matches"].as_array().unwrap().is_empty());
    for field in [
        "score",
        "source",
        "targets",
        "origin",
        "changed",
        "penalties",
    ] {
        assert!(v[0]["matches"][0].get(field).is_some(), "{field}");
    }
}

#[test]
fn lookup_exit_codes_and_bad_input() {
    let w = bundled_memory();
    let out = w.run(["lookup", "The weather in Osaka was sunny."]);
    assert_eq!(out.status.code(), Some(1), "no match is exit 1");
    for bad in [
        vec!["lookup", ""],
        vec!["lookup", "..."],
        vec!["lookup", "!!! ???"],
    ] {
        let out = w.run(&bad);
        assert!(
            matches!(out.status.code(), Some(1) | Some(2)),
            "{bad:?}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"), "{bad:?}");
    }
    let long = vec!["word"; 10_000].join(" ");
    let out = w.run(["lookup", long.as_str()]);
    assert_eq!(out.status.code(), Some(1));
    let out = w.run(["lookup"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nothing to look up"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn lookup_works_in_any_direction_and_never_crosses_chinese_scripts() {
    let w = bundled_memory();
    let v = w.json([
        "lookup",
        "--from",
        "ja",
        "--to",
        "zh-CN",
        "--min",
        "50",
        "新型コロナウイルス感染症の拡大以降、デジタル技術が果たす役割は大きくなっている。",
    ]);
    let m = &v[0]["matches"][0];
    assert!(m["score"].as_u64().unwrap() >= 50);
    assert!(m["targets"]["zh-CN"].as_str().unwrap().contains("数字技术"));
    w.ok([
        "add",
        "--lang",
        "en",
        "The forum opened in Taipei.",
        "--lang",
        "zh-TW",
        "論壇在台北開幕。",
    ]);
    let out = w.run(["lookup", "--to", "zh-CN", "The forum opened in Taipei."]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a zh-TW translation is never offered for zh-CN"
    );
    let v = w.json(["lookup", "--to", "zh-TW", "The forum opened in Taipei."]);
    assert_eq!(v[0]["matches"][0]["targets"]["zh-TW"], "論壇在台北開幕。");
}

#[test]
fn lookup_reads_a_file_and_finds_context_matches() {
    let w = bundled_memory();
    let doc = "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu>\
        <prop type=\"prev\">First sentence.</prop><prop type=\"next\">Third sentence.</prop>\
        <tuv xml:lang=\"en\"><seg>Second sentence.</seg></tuv><tuv xml:lang=\"ja-JP\"><seg>二番目の文。</seg></tuv></tu>\
        </body></tmx>";
    let f = w.write("ctx.tmx", doc);
    w.ok(["import".as_ref(), f.as_os_str()]);
    w.write(
        "segments.txt",
        "First sentence.\nSecond sentence.\nThird sentence.\n",
    );
    let v = w.json(["lookup", "--file", "segments.txt", "--to", "ja-JP"]);
    assert_eq!(v[1]["matches"][0]["score"], 101);
    let v = w.json(["lookup", "--to", "ja-JP", "Second sentence."]);
    assert_eq!(
        v[0]["matches"][0]["score"], 100,
        "without its neighbours it is an exact match"
    );
}

#[test]
fn concordance_is_golden_and_finds_short_cjk_phrases() {
    let w = bundled_memory();
    let out = w.ok(["concordance", "Beijing-Tokyo Forum"]);
    assert_golden("concordance.txt", &out);
    let v = w.json(["concordance", "Beijing-Tokyo Forum"]);
    let expected = units_of_file(&repo_file("tmx/beijing-tokyo-forum.tmx"))
        .iter()
        .filter(|u| {
            u.variants
                .iter()
                .any(|v| v.lang.as_str() == "en" && v.text.contains("Beijing-Tokyo Forum"))
        })
        .count();
    assert!(expected >= 3);
    assert_eq!(v["total"], expected as u64);
    for (phrase, lang) in [("论坛", "zh-CN"), ("京", "ja-JP"), ("NPO", "ja-JP")] {
        let v = w.json(["concordance", phrase, "--lang", lang, "--to", "en"]);
        assert!(v["total"].as_u64().unwrap() >= 1, "{phrase}");
        for hit in v["hits"].as_array().unwrap() {
            assert!(hit["source"].as_str().unwrap().contains(phrase));
            assert!(hit["targets"]["en"].is_string());
        }
    }
    let out = w.run(["concordance", "Osaka"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_memory_without_the_index_builds_it_on_first_lookup() {
    let w = bundled_memory();
    {
        let conn = rusqlite::Connection::open(w.db()).unwrap();
        conn.execute_batch(
            "DELETE FROM grams; UPDATE meta SET value = 'missing' WHERE key = 'index'",
        )
        .unwrap();
    }
    let v = w.json([
        "lookup",
        "Digital technology is increasingly playing a greater role since the COVID19 outbreak.",
    ]);
    assert_eq!(v[0]["matches"][0]["score"], 100);
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let state: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'index'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(state, "ready");
    // An index of another format (tmkit changed its tokens or keys) is rebuilt too.
    conn.execute_batch("UPDATE meta SET value = '0' WHERE key = 'index_format'")
        .unwrap();
    drop(conn);
    let v = w.json([
        "lookup",
        "Digital technology is increasingly playing a greater role since the COVID19 outbreak.",
    ]);
    assert_eq!(v[0]["matches"][0]["score"], 100);
    let conn = rusqlite::Connection::open(w.db()).unwrap();
    let format: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'index_format'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(format, tmkit::store::INDEX_FORMAT);
}

#[test]
fn lookup_segments_an_article_first() {
    let w = bundled_memory();
    let v = w.json([
        "lookup".as_ref(),
        "--segment".as_ref(),
        "--file".as_ref(),
        repo_file("examples/beijing-tokyo-forum.en.txt").as_os_str(),
    ]);
    let results = v.as_array().unwrap();
    assert_eq!(results.len(), 57, "the article has 57 segments");
    assert_eq!(
        results[0]["query"],
        "Beijing-Tokyo Forum: Sino-Japan Relations to Strengthen in Post-Pandemic Era"
    );
    // The bundled memory covers the headline and the first section exactly.
    let exact = results
        .iter()
        .filter(|r| r["matches"][0]["score"].as_u64().unwrap_or(0) >= 100)
        .count();
    assert!(exact >= 8, "{exact} exact matches");
}

#[test]
fn lookup_min_0_returns_the_matches_of_a_small_memory() {
    // `--min 0` made the window of candidate lengths endless: the lookup never returned.
    let w = Work::new();
    w.ok([
        "add",
        "--lang",
        "en",
        "The forum opened in Beijing.",
        "--lang",
        "zh-CN",
        "论坛在北京开幕。",
    ]);
    for query in ["The forum opened in Tokyo.", "Talks in Beijing ended."] {
        let v = w.json(["lookup", "--min", "0", "--to", "zh-CN", query]);
        let matches = v[0]["matches"].as_array().unwrap();
        assert_eq!(matches.len(), 1, "{query}: {v}");
        assert_eq!(matches[0]["source"], "The forum opened in Beijing.");
        assert_eq!(matches[0]["targets"]["zh-CN"], "论坛在北京开幕。");
    }
    let text = w.ok(["lookup", "--min", "0", "The forum opened in Tokyo."]);
    assert!(text.contains("论坛在北京开幕。"), "{text}");
}
