//! Property test: indexed lookup returns exactly what scoring every unit returns, at or above the
//! threshold, for random memories and queries (English-like and CJK, with edits).

use proptest::prelude::*;
use tmkit::model::{Lang, TranslationUnit, Variant};
use tmkit::ops::import::{ImportConfig, NoProgress, OnDuplicate, add_unit, import};
use tmkit::ops::lookup::{Lookup, LookupConfig, Query, SharedSources, rebuild_index};
use tmkit::store::{SharedLists, Store};

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

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// Lookup sessions that share their index lists across commits and the sources they scored
    /// (the readers of `tmkit serve`) answer as scoring every unit does, each in its own
    /// snapshot, while units are added and overwritten and the index is rebuilt between their
    /// queries: the shared lists are brought up to date after a commit and never miss a posting,
    /// a session whose snapshot is older than the lists finds only what it can see, and
    /// everything once it moves on, and no session rules a unit out by a text it does not have.
    #[test]
    fn sessions_sharing_lists_across_commits_equal_brute_force(
        rounds in prop::collection::vec((prop::collection::vec((sentence(), 0u8..3), 1..10), 0u8..8), 1..5),
        picks in prop::collection::vec((0usize..60, prop::collection::vec((0u8..3, 0usize..20, 0..WORDS.len()), 0..3)), 1..5),
        min in prop::sample::select(vec![70u8, 85, 100]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let en = Lang::parse("en").unwrap();
        let zh = Lang::parse("zh-CN").unwrap();
        let mut writer = Store::open(&path).unwrap();
        let readers = [Store::open_reader(&path).unwrap(), Store::open_reader(&path).unwrap()];
        let lists = SharedLists::new();
        let sources = SharedSources::new();
        let config = LookupConfig { from: en.clone(), to: vec![zh.clone()], min, max: usize::MAX };
        let mut sessions: Vec<Lookup<'_>> = readers
            .iter()
            .map(|r| Lookup::sharing(r, config.clone(), lists.clone()).unwrap().sharing_sources(sources.clone()))
            .collect();
        let mut texts: Vec<Vec<usize>> = Vec::new();
        let mut found = false;
        for (round, (units, action)) in rounds.iter().enumerate() {
            let policy = if action % 2 == 1 { OnDuplicate::Overwrite } else { OnDuplicate::Keep };
            for (ids, t) in units {
                let mut unit = TranslationUnit::default();
                unit.variants.push(Variant::new(en.clone(), text(ids)));
                unit.variants.push(Variant::new(zh.clone(), format!("译文{round}-{t}")));
                unit.source = Some(en.clone());
                add_unit(&mut writer, &unit, policy).unwrap();
                texts.push(ids.clone());
            }
            if action % 4 == 0 {
                // The index is built again (as for a memory of an older tmkit).
                rusqlite::Connection::open(&path)
                    .unwrap()
                    .execute("UPDATE meta SET value = 'missing' WHERE key = 'index'", [])
                    .unwrap();
                rebuild_index(&mut writer, &|_, _| {}).unwrap();
            }
            // The first session always moves to the latest commit (and brings the lists up to
            // it); the second one now and then stays on its older snapshot.
            sessions[0].renew(config.clone()).unwrap();
            if action & 2 == 0 {
                sessions[1].renew(config.clone()).unwrap();
            }
            for (s, session) in sessions.iter_mut().enumerate() {
                for (i, edits) in &picks {
                    let q = text(&edit(&texts[i % texts.len()], edits));
                    let query = Query { text: q.clone(), ..Query::default() };
                    let got: Vec<(i64, u8)> = session.lookup(&query).unwrap().matches.iter().map(|m| (m.unit, m.score)).collect();
                    let want: Vec<(i64, u8)> = session.brute_force(&query).unwrap().matches.iter().map(|m| (m.unit, m.score)).collect();
                    prop_assert_eq!(&got, &want, "session {} after round {}, query {:?}", s, round, q);
                    found |= !got.is_empty();
                }
            }
        }
        // The lists that found the matches were kept for the sessions.
        prop_assert!(!found || lists.bytes() > 0);
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

/// A unit with the English source "China and Japan said the forum" and the Chinese `zh_text`.
fn forum_unit(zh_text: &str) -> TranslationUnit {
    let en = Lang::parse("en").unwrap();
    let mut u = TranslationUnit::default();
    u.variants.push(Variant::new(
        en.clone(),
        "China and Japan said the forum".to_string(),
    ));
    u.variants.push(Variant::new(
        Lang::parse("zh-CN").unwrap(),
        zh_text.to_string(),
    ));
    u.source = Some(en);
    u
}

/// A new memory at `path` holding the [`forum_unit`] translated "中日关系合作的未来发展": its
/// writer and the unit's id.
fn memory_with_forum_unit(path: &std::path::Path) -> (Store, i64) {
    let mut writer = Store::open(path).unwrap();
    add_unit(
        &mut writer,
        &forum_unit("中日关系合作的未来发展"),
        OnDuplicate::Keep,
    )
    .unwrap();
    let id = writer.max_unit_id().unwrap();
    (writer, id)
}

/// Adds a unit with an English source `text` and a Chinese translation.
fn add(store: &mut Store, text: &str, translation: &str) -> i64 {
    let mut unit = TranslationUnit::default();
    unit.variants
        .push(Variant::new(Lang::parse("en").unwrap(), text.to_string()));
    unit.variants.push(Variant::new(
        Lang::parse("zh-CN").unwrap(),
        translation.to_string(),
    ));
    unit.source = Some(Lang::parse("en").unwrap());
    add_unit(store, &unit, OnDuplicate::Keep).unwrap();
    store.max_unit_id().unwrap()
}

fn found(session: &mut Lookup<'_>, text: &str) -> Vec<(i64, u8)> {
    let query = Query {
        text: text.to_string(),
        ..Query::default()
    };
    session
        .lookup(&query)
        .unwrap()
        .matches
        .iter()
        .map(|m| (m.unit, m.score))
        .collect()
}

#[test]
fn shared_lists_follow_commits_and_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let mut writer = Store::open(&path).unwrap();
    let query = "China and Japan said the forum of digital trade cooperation";
    let first = add(
        &mut writer,
        "China and Japan said the forum of digital trade",
        "一",
    );
    for i in 0..20 {
        add(&mut writer, &format!("Wang Yi said {i} of the forum"), "二");
    }
    let reader = Store::open_reader(&path).unwrap();
    let lists = SharedLists::new();
    let config = LookupConfig {
        from: Lang::parse("en").unwrap(),
        to: vec![Lang::parse("zh-CN").unwrap()],
        min: 70,
        max: 10,
    };
    let mut session = Lookup::sharing(&reader, config.clone(), lists.clone()).unwrap();
    let before = found(&mut session, query);
    assert_eq!(before.iter().map(|m| m.0).collect::<Vec<_>>(), vec![first]);
    assert!(lists.bytes() > 0, "the lists read are kept");

    // A commit: the lists the session holds get the new rows.
    let exact = add(&mut writer, query, "三");
    session.renew(config.clone()).unwrap();
    let after = found(&mut session, query);
    assert_eq!(after.first(), Some(&(exact, 100)), "{after:?}");
    assert!(after.iter().any(|m| m.0 == first));

    // A second session on the same lists, and a first one that stays on its snapshot.
    let other_reader = Store::open_reader(&path).unwrap();
    let mut other = Lookup::sharing(&other_reader, config.clone(), lists.clone()).unwrap();
    assert_eq!(found(&mut other, query), after);
    let later = add(&mut writer, &format!("{query} today"), "四");
    other.renew(config.clone()).unwrap();
    assert!(found(&mut other, query).iter().any(|m| m.0 == later));
    // The lists are ahead of `session`'s snapshot: it does not see the unit yet...
    assert_eq!(found(&mut session, query), after);
    // ...and does once it moves on.
    session.renew(config.clone()).unwrap();
    assert!(found(&mut session, query).iter().any(|m| m.0 == later));

    // A rebuild writes the index again with other row ids: the lists start over.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("UPDATE meta SET value = 'missing' WHERE key = 'index'", [])
        .unwrap();
    rebuild_index(&mut writer, &|_, _| {}).unwrap();
    let rebuilt = add(&mut writer, &format!("{query} again"), "五");
    session.renew(config).unwrap();
    let last = found(&mut session, query);
    for id in [first, exact, later, rebuilt] {
        assert!(last.iter().any(|m| m.0 == id), "{id} in {last:?}");
    }
}

#[test]
fn a_session_sees_a_stored_unit_whose_text_was_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let (mut writer, id) = memory_with_forum_unit(&path);
    let (en, zh) = (Lang::parse("en").unwrap(), Lang::parse("zh-CN").unwrap());
    let reader = Store::open_reader(&path).unwrap();
    // Looked up from Chinese: the unit is a candidate, scored, and below the threshold.
    let config = LookupConfig {
        from: zh.clone(),
        to: vec![en.clone()],
        min: 70,
        max: 5,
    };
    let mut session = Lookup::sharing(&reader, config.clone(), SharedLists::new()).unwrap();
    let query = "中日关系合作论坛";
    assert_eq!(found(&mut session, query), vec![]);
    assert_eq!(session.last_candidates, 1, "the unit was scored");
    // Its Chinese is overwritten with the query's text (the same English source, another
    // translation).
    add_unit(&mut writer, &forum_unit(query), OnDuplicate::Overwrite).unwrap();
    assert_eq!(writer.max_unit_id().unwrap(), id);
    session.renew(config).unwrap();
    assert_eq!(found(&mut session, query), vec![(id, 100)]);
}

#[test]
fn shared_sources_rule_out_only_by_the_texts_and_languages_they_were_scored_from() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let (mut writer, id) = memory_with_forum_unit(&path);
    let (en, zh) = (Lang::parse("en").unwrap(), Lang::parse("zh-CN").unwrap());
    let readers = [
        Store::open_reader(&path).unwrap(),
        Store::open_reader(&path).unwrap(),
        Store::open_reader(&path).unwrap(),
    ];
    let lists = SharedLists::new();
    let sources = SharedSources::new();
    let config = |from: &Lang, to: &Lang| LookupConfig {
        from: from.clone(),
        to: vec![to.clone()],
        min: 70,
        max: 5,
    };
    let session = |i: usize, c: LookupConfig| {
        Lookup::sharing(&readers[i], c, lists.clone())
            .unwrap()
            .sharing_sources(sources.clone())
    };
    // Scored from Chinese by the first session, below the threshold: the shared sources now
    // say the unit's Chinese cannot reach a query like this one.
    let mut first = session(0, config(&zh, &en));
    let query = "中日关系合作论坛";
    assert_eq!(found(&mut first, query), vec![]);
    assert_eq!(first.last_candidates, 1, "the unit was scored");
    // A session looking up from English shares the sources, not the Chinese entry.
    let mut english = session(1, config(&en, &zh));
    let got = found(&mut english, "China and Japan said the forum today");
    assert_eq!(got.iter().map(|m| m.0).collect::<Vec<_>>(), vec![id]);
    // The Chinese is overwritten with the query's text: a session on the new snapshot finds
    // it (the entry scored from the old text does not rule it out), and the first session,
    // still on its old snapshot, does not.
    add_unit(&mut writer, &forum_unit(query), OnDuplicate::Overwrite).unwrap();
    let mut second = session(2, config(&zh, &en));
    assert_eq!(found(&mut second, query), vec![(id, 100)]);
    assert_eq!(found(&mut first, query), vec![]);
    first.renew(config(&zh, &en)).unwrap();
    assert_eq!(found(&mut first, query), vec![(id, 100)]);
}

#[test]
fn a_session_finds_a_language_added_after_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let mut writer = Store::open(&path).unwrap();
    let unit = |lang: &str, text: &str| {
        let mut u = TranslationUnit::default();
        u.variants
            .push(Variant::new(Lang::parse(lang).unwrap(), text.to_string()));
        u.variants.push(Variant::new(
            Lang::parse("zh-CN").unwrap(),
            "中日论坛".to_string(),
        ));
        u.source = Some(Lang::parse(lang).unwrap());
        u
    };
    let query = "China and Japan said the forum of digital trade";
    add_unit(&mut writer, &unit("en-US", query), OnDuplicate::Keep).unwrap();
    let first = writer.max_unit_id().unwrap();
    let reader = Store::open_reader(&path).unwrap();
    let config = LookupConfig {
        from: Lang::parse("en").unwrap(),
        to: vec![Lang::parse("zh-CN").unwrap()],
        min: 70,
        max: 5,
    };
    let mut session = Lookup::sharing(&reader, config.clone(), SharedLists::new()).unwrap();
    assert_eq!(found(&mut session, query), vec![(first, 100)]);
    // British English comes later, with a language id the session has not seen.
    let edited = "China and Japan said the forum of digital cooperation";
    add_unit(&mut writer, &unit("en-GB", edited), OnDuplicate::Keep).unwrap();
    let second = writer.max_unit_id().unwrap();
    session.renew(config).unwrap();
    let got = found(&mut session, query);
    assert!(got.iter().any(|m| m.0 == second), "{got:?}");
}
