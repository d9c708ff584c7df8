//! Property test: indexed lookup returns exactly what scoring every unit returns, at or above the
//! threshold, for random memories and queries (English-like and CJK, with edits).

use proptest::prelude::*;
use tmkit::model::{Lang, TranslationUnit, Variant};
use tmkit::ops::import::{ImportConfig, NoProgress, OnDuplicate, add_unit, import};
use tmkit::ops::lookup::{Lookup, LookupConfig, Query};
use tmkit::store::Store;

const WORDS: &[&str] = &[
    "China",
    "Japan",
    "forum",
    "the",
    "of",
    "and",
    "trade",
    "digital",
    "cooperation",
    "Wang",
    "Yi",
    "said",
    "16th",
    "2020",
    ",",
    ".",
    "“",
    "”",
    "-",
    "中",
    "日",
    "关",
    "系",
    "合",
    "作",
    "の",
    "は",
];

fn sentence() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..WORDS.len(), 1..18)
}

fn text(ids: &[usize]) -> String {
    ids.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ")
}

/// An edited copy: some words replaced, inserted or removed.
fn edit(ids: &[usize], edits: &[(u8, usize, usize)]) -> Vec<usize> {
    let mut out = ids.to_vec();
    for &(op, pos, word) in edits {
        if out.is_empty() {
            out.push(word);
            continue;
        }
        let p = pos % out.len();
        match op % 3 {
            0 => out[p] = word,
            1 => out.insert(p, word),
            _ => {
                out.remove(p);
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn indexed_lookup_equals_brute_force(
        memory in prop::collection::vec(sentence(), 1..40),
        picks in prop::collection::vec((0usize..40, prop::collection::vec((0u8..3, 0usize..20, 0..WORDS.len()), 0..4)), 1..8),
        random in prop::collection::vec(sentence(), 0..3),
        min in prop::sample::select(vec![70u8, 75, 85, 95, 100]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("m.db")).unwrap();
        for (i, ids) in memory.iter().enumerate() {
            let mut unit = TranslationUnit::default();
            unit.variants.push(Variant::new(Lang::parse("en").unwrap(), text(ids)));
            unit.variants.push(Variant::new(Lang::parse("zh-CN").unwrap(), format!("译文{i}")));
            unit.source = Some(Lang::parse("en").unwrap());
            add_unit(&mut store, &unit, OnDuplicate::Keep).unwrap();
        }
        let config = LookupConfig {
            from: Lang::parse("en").unwrap(),
            to: vec![Lang::parse("zh-CN").unwrap()],
            min,
            max: usize::MAX,
        };
        let mut lookup = Lookup::new(&store, config.clone()).unwrap();
        let mut top = Lookup::new(&store, LookupConfig { max: 3, ..config }).unwrap();
        let mut queries: Vec<String> = picks
            .iter()
            .map(|(i, edits)| text(&edit(&memory[i % memory.len()], edits)))
            .collect();
        queries.extend(random.iter().map(|ids| text(ids)));
        for q in queries {
            let query = Query { text: q.clone(), ..Query::default() };
            let got: Vec<(i64, u8)> = lookup.lookup(&query).unwrap().matches.iter().map(|m| (m.unit, m.score)).collect();
            let want: Vec<(i64, u8)> = lookup.brute_force(&query).unwrap().matches.iter().map(|m| (m.unit, m.score)).collect();
            prop_assert_eq!(&got, &want, "query {:?} at {}", q, min);
            // With --max, the first matches are the brute force's first ones.
            let top3: Vec<(i64, u8)> = top.lookup(&query).unwrap().matches.iter().map(|m| (m.unit, m.score)).collect();
            prop_assert_eq!(&top3[..], &want[..want.len().min(3)], "top 3 of {:?}", q);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// A memory imported from a TMX file (the index gathered over the whole import and written in
    /// sorted batches) gives the same lookups as the same units added one at a time (the index
    /// written unit by unit), whatever the duplicate policy.
    #[test]
    fn an_imported_memory_looks_up_as_one_built_unit_by_unit(
        memory in prop::collection::vec((sentence(), 0u8..3), 1..40),
        picks in prop::collection::vec((0usize..40, prop::collection::vec((0u8..3, 0usize..20, 0..WORDS.len()), 0..4)), 1..6),
        policy in prop::sample::select(vec![OnDuplicate::Keep, OnDuplicate::Overwrite, OnDuplicate::Skip]),
        min in prop::sample::select(vec![70u8, 85, 100]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let en = Lang::parse("en").unwrap();
        let zh = Lang::parse("zh-CN").unwrap();
        // Translations repeat, so that some units are duplicates (merged, kept, overwritten).
        let units: Vec<TranslationUnit> = memory.iter().map(|(ids, t)| {
            let mut unit = TranslationUnit::default();
            unit.variants.push(Variant::new(en.clone(), text(ids)));
            unit.variants.push(Variant::new(zh.clone(), format!("译文{t}")));
            unit.source = Some(en.clone());
            unit
        }).collect();
        let mut tmx = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n\
            <header creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" \
            adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/>\n<body>\n");
        for u in &units {
            tmx.push_str("<tu>");
            for v in &u.variants {
                tmx.push_str(&format!("<tuv xml:lang=\"{}\"><seg>{}</seg></tuv>", v.lang.as_str(), v.text));
            }
            tmx.push_str("</tu>\n");
        }
        tmx.push_str("</body>\n</tmx>\n");
        let file = dir.path().join("m.tmx");
        std::fs::write(&file, tmx).unwrap();
        let mut imported = Store::open(&dir.path().join("imported.db")).unwrap();
        let config = ImportConfig { files: vec![file], on_duplicate: policy, ..ImportConfig::default() };
        import(&mut imported, &config, &NoProgress).unwrap();
        let mut added = Store::open(&dir.path().join("added.db")).unwrap();
        for u in &units {
            add_unit(&mut added, u, policy).unwrap();
        }
        let config = LookupConfig { from: en.clone(), to: vec![zh.clone()], min, max: usize::MAX };
        let mut a = Lookup::new(&imported, config.clone()).unwrap();
        let mut b = Lookup::new(&added, config).unwrap();
        for (i, edits) in &picks {
            let q = text(&edit(&memory[i % memory.len()].0, edits));
            let query = Query { text: q.clone(), ..Query::default() };
            let got: Vec<(i64, u8)> = a.lookup(&query).unwrap().matches.iter().map(|m| (m.unit, m.score)).collect();
            let want: Vec<(i64, u8)> = b.lookup(&query).unwrap().matches.iter().map(|m| (m.unit, m.score)).collect();
            prop_assert_eq!(&got, &want, "query {:?} at {}", q, min);
            let brute: Vec<(i64, u8)> = a.brute_force(&query).unwrap().matches.iter().map(|m| (m.unit, m.score)).collect();
            prop_assert_eq!(&got, &brute, "brute force, query {:?}", q);
        }
    }
}

#[test]
fn segments_longer_than_255_tokens_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("m.db")).unwrap();
    let words: Vec<String> = (0..400).map(|i| format!("w{}", i % 97)).collect();
    let long = words.join(" ");
    for (i, text) in [long.clone(), "A short one.".to_string()]
        .iter()
        .enumerate()
    {
        let mut unit = TranslationUnit::default();
        unit.variants
            .push(Variant::new(Lang::parse("en").unwrap(), text.clone()));
        unit.variants.push(Variant::new(
            Lang::parse("zh-CN").unwrap(),
            format!("译文{i}"),
        ));
        unit.source = Some(Lang::parse("en").unwrap());
        add_unit(&mut store, &unit, OnDuplicate::Keep).unwrap();
    }
    let config = LookupConfig {
        from: Lang::parse("en").unwrap(),
        to: vec![Lang::parse("zh-CN").unwrap()],
        min: 70,
        max: 5,
    };
    let mut lookup = Lookup::new(&store, config).unwrap();
    let edited = long.replacen("w5 ", "changed ", 1);
    for (query, want) in [(long.as_str(), 100u8), (edited.as_str(), 97)] {
        let q = Query {
            text: query.to_string(),
            ..Query::default()
        };
        let got = lookup.lookup(&q).unwrap();
        assert_eq!(got.matches.first().map(|m| m.score), Some(want));
        let brute = lookup.brute_force(&q).unwrap();
        assert_eq!(got.matches.len(), brute.matches.len());
    }
}
