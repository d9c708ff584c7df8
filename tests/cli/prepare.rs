//! `tmkit prepare`.

use crate::common::*;

fn article(w: &Work) -> std::path::PathBuf {
    let p = w.path("beijing-tokyo-forum.en.txt");
    std::fs::copy(repo_file("examples/beijing-tokyo-forum.en.txt"), &p).unwrap();
    p
}

#[test]
fn an_existing_kit_is_not_overwritten_without_force() {
    let w = bundled_memory();
    article(&w);
    w.ok(["prepare", "beijing-tokyo-forum.en.txt"]);
    let dir = w.path("beijing-tokyo-forum.en.prepared");
    assert!(dir.join("analysis.json").exists());
    std::fs::write(dir.join("mine.txt"), "a translator's notes").unwrap();
    let out = w.run(["prepare", "beijing-tokyo-forum.en.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert!(dir.join("mine.txt").exists(), "nothing was touched");
    w.ok(["prepare", "beijing-tokyo-forum.en.txt", "--force"]);
    assert!(!dir.join("mine.txt").exists());
    assert!(dir.join("analysis.json").exists());
}

/// What a `prepare --force` killed at any point leaves, or an older tmkit left: a staging folder
/// with a whole new kit, and the old kit renamed aside. The next run removes both, and the kit
/// it puts in place is whole and new (nothing of the old one survives).
#[test]
fn force_replaces_a_kit_wholly_and_removes_leftovers_of_killed_runs() {
    let w = bundled_memory();
    article(&w);
    w.ok(["prepare", "beijing-tokyo-forum.en.txt"]);
    let dir = w.path("beijing-tokyo-forum.en.prepared");
    let files = |d: &std::path::Path| -> Vec<String> {
        let mut out: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        out.sort();
        out
    };
    let complete = files(&dir);
    assert!(
        complete.contains(&"analysis.json".to_string()),
        "{complete:?}"
    );
    assert!(
        !complete.iter().any(|f| f.starts_with(".tmkit")),
        "no marker is left in the kit: {complete:?}"
    );
    // Leftovers of a run killed after writing its staging folder, and of one killed after
    // renaming the old kit aside; a hidden folder of the user's own, and a staging folder
    // without tmkit's marker (not recognisably tmkit's).
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        std::fs::create_dir_all(to).unwrap();
        for f in files(from) {
            if from.join(&f).is_file() {
                std::fs::copy(from.join(&f), to.join(&f)).unwrap();
            }
        }
    };
    let staging = w.path(".beijing-tokyo-forum.en.prepared.tmkit-staging-x1");
    copy(&dir, &staging);
    std::fs::write(staging.join(".tmkit-staging"), "").unwrap();
    let aside = w.path(".beijing-tokyo-forum.en.prepared.tmkit-old-x2");
    copy(&dir, &aside);
    std::fs::write(aside.join(".tmkit-old"), "").unwrap();
    let mine = w.path(".beijing-tokyo-forum.en.prepared.notes");
    std::fs::create_dir(&mine).unwrap();
    let unmarked = w.path(".beijing-tokyo-forum.en.prepared.tmkit-staging-x3");
    std::fs::create_dir(&unmarked).unwrap();
    // A file of the old kit that the new one does not have.
    std::fs::write(dir.join("old-only.txt"), "from the old kit").unwrap();
    std::fs::remove_file(dir.join("analysis.txt")).unwrap();

    w.ok(["prepare", "beijing-tokyo-forum.en.txt", "--force"]);
    assert_eq!(files(&dir), complete, "the kit is whole, and only new");
    assert!(
        !staging.exists() && !aside.exists(),
        "leftovers are removed"
    );
    assert!(
        mine.exists() && unmarked.exists(),
        "folders not tmkit's stay"
    );
    let hidden: Vec<String> = files(w.dir.path())
        .into_iter()
        .filter(|f| f.contains(".tmkit-"))
        .collect();
    assert_eq!(
        hidden,
        [".beijing-tokyo-forum.en.prepared.tmkit-staging-x3"],
        "no staging or old folder of this run is left"
    );
}

/// An untouched kit XLIFF coming back changes nothing: its exact matches keep their dates and
/// change ids, and `export --changed-since` finds nothing changed. What the translator did
/// change gets the import time.
#[test]
fn importing_an_untouched_kit_keeps_dates_and_change_ids() {
    let w = bundled_memory();
    article(&w);
    w.ok(["prepare", "beijing-tokyo-forum.en.txt", "--out", "kit"]);
    let before = w.export("before.tmx", &[]);
    let since = tmkit::formats::tmx::date_now();
    for lang in ["zh-CN", "ja-JP"] {
        let report = w.json(["import", &format!("kit/beijing-tokyo-forum.en.{lang}.xlf")]);
        assert!(report["merged"].as_u64().unwrap() >= 40, "{report}");
        assert_eq!(report["added"], 0, "{report}");
    }
    let changed = w.export("changed.tmx", &["--changed-since", &since]);
    assert_eq!(
        units_of_file(&w.path("changed.tmx")).len(),
        0,
        "{}",
        String::from_utf8_lossy(&changed)
    );
    assert_eq!(
        w.export("after.tmx", &[]),
        before,
        "the memory is as it was, dates and change ids included"
    );
    let first = w
        .units()
        .into_iter()
        .find(|u| u.tuid.as_deref() == Some("btf-0001"))
        .unwrap();
    assert_eq!(first.admin.change_id.as_deref(), Some("tmkit-team"));
    assert_eq!(first.admin.change_date.as_deref(), Some("20201211T013000Z"));

    // A translator corrects one exact match: that unit, and only it, changed now.
    let path = w.path("kit/beijing-tokyo-forum.en.zh-CN.xlf");
    let xlf = std::fs::read_to_string(&path).unwrap();
    let fixed = xlf.replacen("</target>", "（修订）</target>", 1);
    assert_ne!(fixed, xlf);
    std::fs::write(&path, fixed).unwrap();
    w.ok(["import", "kit/beijing-tokyo-forum.en.zh-CN.xlf"]);
    w.export("changed2.tmx", &["--changed-since", &since]);
    let changed = units_of_file(&w.path("changed2.tmx"));
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(
        changed[0]
            .variants
            .iter()
            .any(|v| v.text.ends_with("（修订）"))
    );
    assert!(changed[0].admin.change_date.as_deref() >= Some(since.as_str()));
}

#[test]
fn bad_articles_get_a_clear_message_and_no_kit() {
    let w = bundled_memory();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "white space"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a PNG image"),
        ("latin1.txt", b"Caf\xe9 society.", "--encoding"),
    ];
    for (name, bytes, want) in cases {
        w.write(name, bytes);
        let out = w.run(["prepare", name, "--out", "kit"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert!(err.contains(name) && err.contains(want), "{name}: {err}");
        assert!(!w.path("kit").exists(), "{name}: no kit");
    }
    w.ok([
        "prepare",
        "latin1.txt",
        "--out",
        "kit",
        "--encoding",
        "windows-1252",
    ]);
}

#[test]
fn an_article_the_memory_knows_nothing_of_gets_an_honest_analysis() {
    let w = bundled_memory();
    w.write(
        "other.txt",
        "Volcanoes erupt when magma rises.\n\nPenguins cannot fly, but they swim well.\n",
    );
    let a = w.json(["prepare", "other.txt", "--out", "kit"]);
    for lang in a["languages"].as_array().unwrap() {
        assert_eq!(lang["total"]["segments"], 2);
        let no_match = lang["bands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["band"] == "no-match")
            .unwrap();
        assert_eq!(no_match["segments"], 2);
        assert_eq!(
            lang["total"]["weighted_words"],
            lang["total"]["words"].as_f64().unwrap()
        );
    }
    assert!(w.path("kit/analysis.json").exists());
}

#[test]
fn repetitions_count_the_first_occurrence_at_its_own_band() {
    let w = bundled_memory();
    let first =
        "Digital technology is increasingly playing a greater role since the COVID19 outbreak.";
    w.write(
        "rep.txt",
        format!("{first}\n\nPenguins swim.\n\nPenguins swim.\n\n{first}\n"),
    );
    let a = w.json(["prepare", "rep.txt", "--out", "kit", "--to", "zh-CN"]);
    let bands = &a["languages"][0]["bands"];
    let band = |name: &str| {
        bands
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["band"] == name)
            .unwrap()["segments"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(band("exact"), 1, "{bands}");
    assert_eq!(band("no-match"), 1, "{bands}");
    assert_eq!(band("repetition"), 2, "{bands}");
}

#[test]
fn extra_memories_can_stand_in_for_the_memory() {
    let w = Work::new();
    article(&w);
    std::fs::copy(
        repo_file("tmx/beijing-tokyo-forum.tmx"),
        w.path("forum.tmx"),
    )
    .unwrap();
    let a = w.json([
        "prepare",
        "beijing-tokyo-forum.en.txt",
        "--tm",
        "forum.tmx",
        "--out",
        "kit",
    ]);
    let exact: u64 = a["languages"][0]["bands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["band"] == "exact" || b["band"] == "context")
        .map(|b| b["segments"].as_u64().unwrap())
        .sum();
    assert!(exact >= 8, "{a}");
    assert!(!w.db().exists(), "no memory was created");
}

/// The bundled memory and termbase, and the article, as the README's first command uses them.
fn bundled_kit() -> Work {
    let w = bundled_memory();
    std::fs::copy(
        repo_file("glossary/beijing-tokyo-forum.tbx"),
        w.path("beijing-tokyo-forum.tbx"),
    )
    .unwrap();
    w.ok(["glossary", "import", "beijing-tokyo-forum.tbx"]);
    article(&w);
    w
}

/// translate-toolkit's view of an XLIFF file: (units, with a target, translated).
fn translate_toolkit_xliff(path: &std::path::Path) -> (usize, usize, usize) {
    let script = "import sys\nfrom translate.storage import xliff\n\
                  st = xliff.xlifffile.parsefile(open(sys.argv[1], 'rb'))\n\
                  us = [u for u in st.units if not u.isheader()]\n\
                  print(len(us), sum(1 for u in us if u.gettarget()), sum(1 for u in us if u.istranslated()))";
    let out = std::process::Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("python3 runs (apt-get install translate-toolkit)");
    assert!(
        out.status.success(),
        "translate-toolkit cannot read {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<usize> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    (v[0], v[1], v[2])
}

#[test]
fn the_seed_article_kit_is_golden_and_valid() {
    let w = bundled_kit();
    let analysis = w.json(["prepare", "beijing-tokyo-forum.en.txt", "--out", "kit"]);
    let kit = w.path("kit");
    let stem = "beijing-tokyo-forum.en";
    let read = |name: &str| std::fs::read_to_string(kit.join(name)).unwrap();
    for name in [
        format!("{stem}.zh-CN.xlf"),
        format!("{stem}.ja-JP.xlf"),
        format!("{stem}.tmx"),
        "analysis.json".to_string(),
        "analysis.txt".to_string(),
        "report.html".to_string(),
    ] {
        assert_golden(&format!("prepare/{name}"), &read(&name));
    }
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&read("analysis.json")).unwrap(),
        analysis,
        "what prepare prints is analysis.json"
    );
    // The TMX is valid and complete.
    assert_dtd_valid(&kit.join(format!("{stem}.tmx")));
    let article_text = std::fs::read_to_string(w.path("beijing-tokyo-forum.en.txt")).unwrap();
    let segments = w.json(["segment", "beijing-tokyo-forum.en.txt"]);
    let n = segments.as_array().unwrap().len();
    assert_eq!(
        translate_toolkit_units(&kit.join(format!("{stem}.tmx"))),
        n,
        "one unit per segment"
    );
    // Each XLIFF file: well-formed, one unit per segment, the pretranslations where the analysis
    // says, and the article rebuilt from the file alone.
    let a: &serde_json::Value = &analysis;
    for (i, lang) in ["zh-CN", "ja-JP"].into_iter().enumerate() {
        let path = kit.join(format!("{stem}.{lang}.xlf"));
        let lint = std::process::Command::new("xmllint")
            .arg("--noout")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            lint.status.success(),
            "{}",
            String::from_utf8_lossy(&lint.stderr)
        );
        let band = |name: &str| {
            a["languages"][i]["bands"]
                .as_array()
                .unwrap()
                .iter()
                .find(|b| b["band"] == name)
                .unwrap()["segments"]
                .as_u64()
                .unwrap() as usize
        };
        let (units, with_target, _) = translate_toolkit_xliff(&path);
        assert_eq!(units, n, "{lang}");
        let no_match = band("no-match") + band("50-74");
        assert!(with_target <= n - no_match, "{lang}: {with_target}");
        assert!(with_target >= band("exact") + band("context"), "{lang}");
        let mut reader = tmkit::formats::xliff::Reader::open(&path).unwrap();
        let mut unit =
            tmkit::formats::xliff::Unit::new("", tmkit::formats::xliff::Content::plain(""));
        let mut rebuilt = String::new();
        let mut exact = 0;
        while let tmkit::formats::xliff::Item::Unit = reader.read_unit(&mut unit).unwrap() {
            rebuilt.push_str(&unit.source.text);
            rebuilt.push_str(unit.text_after.as_deref().unwrap_or(""));
            if unit
                .target
                .as_ref()
                .is_some_and(|t| t.state_qualifier.as_deref() == Some("exact-match"))
            {
                exact += 1;
            }
        }
        assert_eq!(
            rebuilt, article_text,
            "{lang}: the article rebuilt from its XLIFF"
        );
        assert_eq!(exact, band("exact") + band("context"), "{lang}");
    }
    // The review page has every segment.
    let html = read("report.html");
    for s in 1..=n {
        assert!(
            html.contains(&format!("data-segment=\"{s}\"")),
            "segment {s}"
        );
    }
    // The OmegaT projects.
    for p in [format!("{stem}.omegat"), format!("{stem}.ja-JP.omegat")] {
        assert!(kit.join(&p).join("omegat.project").exists(), "{p}");
        assert!(
            kit.join(&p)
                .join("source/beijing-tokyo-forum.en.txt")
                .exists(),
            "{p}"
        );
    }
}

/// translate-toolkit's `pocount` on a file: its translated units.
fn pocount_translated(path: &std::path::Path) -> usize {
    let out = std::process::Command::new("pocount")
        .arg("--csv")
        .arg(path)
        .output()
        .expect("pocount runs (apt-get install translate-toolkit)");
    assert!(
        out.status.success(),
        "pocount failed on {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let row = text.lines().nth(1).unwrap_or_else(|| panic!("{text}"));
    row.split(',').nth(1).unwrap().trim().parse().unwrap()
}

/// The kit's exact and context matches that pass the checks are `approved="yes"`, so that
/// translate-toolkit (and tools that read XLIFF 1.2 the same way) count them as translated.
#[test]
fn pocount_counts_the_kits_exact_matches_as_translated() {
    let w = bundled_kit();
    let analysis = w.json(["prepare", "beijing-tokyo-forum.en.txt", "--out", "kit"]);
    for (i, lang) in ["zh-CN", "ja-JP"].into_iter().enumerate() {
        let band = |name: &str| {
            analysis["languages"][i]["bands"]
                .as_array()
                .unwrap()
                .iter()
                .find(|b| b["band"] == name)
                .unwrap()["segments"]
                .as_u64()
                .unwrap() as usize
        };
        let translated = band("exact") + band("context");
        assert!(translated >= 40, "{lang}: {translated}");
        let path = w.path(&format!("kit/beijing-tokyo-forum.en.{lang}.xlf"));
        assert_eq!(pocount_translated(&path), translated, "{lang}");
        let xlf = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            xlf.matches("approved=\"yes\"").count(),
            translated,
            "{lang}"
        );
        // The approved units still come back as they went out.
        let report = w.json(["import", &format!("kit/beijing-tokyo-forum.en.{lang}.xlf")]);
        assert_eq!(
            report["merged"].as_u64().unwrap() as usize,
            translated,
            "{report}"
        );
    }
}

/// A 100% or 101% match whose translation fails a check is written as needing review, with the
/// finding as a note, is not approved, is not inserted by OmegaT, and is counted on its own line
/// of the analysis (text, JSON and the review page) at its own rate.
#[test]
fn exact_matches_that_fail_a_check_are_written_as_needing_review() {
    let w = Work::new();
    let units = [
        (
            "Exports to Japan rose 46 percent last year.",
            "去年对日本出口增长了64%。",
            "昨年の対日輸出は46％増加した。",
        ),
        (
            "The forum was held online for the first time.",
            "论坛首次在线上举行。",
            "フォーラムは初めてオンラインで開催された。",
        ),
        (
            "Both sides agreed to strengthen cooperation in the digital economy.",
            "Both sides agreed to strengthen cooperation in the digital economy.",
            "双方はデジタル経済での協力強化で合意した。",
        ),
    ];
    let mut tmx = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" \
         creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" \
         datatype=\"plaintext\"/><body>\n",
    );
    for (en, zh, ja) in units {
        tmx.push_str(&format!(
            "<tu><tuv xml:lang=\"en\"><seg>{en}</seg></tuv><tuv xml:lang=\"zh-CN\"><seg>{zh}</seg></tuv>\
             <tuv xml:lang=\"ja-JP\"><seg>{ja}</seg></tuv></tu>\n"
        ));
    }
    tmx.push_str("</body></tmx>\n");
    w.write("m.tmx", tmx);
    w.ok(["import", "m.tmx"]);
    let article: Vec<&str> = units.iter().map(|u| u.0).collect();
    w.write("a.txt", article.join(" ") + "\n");
    let analysis = w.json(["prepare", "a.txt", "--out", "kit"]);
    let band = |lang: usize, name: &str| {
        analysis["languages"][lang]["bands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["band"] == name)
            .unwrap()
            .clone()
    };
    let review = band(0, "exact-review");
    assert_eq!(review["segments"], 2, "{analysis}");
    assert_eq!(review["weight"], 0.3, "{analysis}");
    assert_eq!(
        band(0, "exact")["segments"].as_u64().unwrap()
            + band(0, "context")["segments"].as_u64().unwrap(),
        1
    );
    assert_eq!(band(1, "exact-review")["segments"], 0, "{analysis}");

    let xlf = std::fs::read_to_string(w.path("kit/a.zh-CN.xlf")).unwrap();
    let unit = |id: &str| -> String {
        let start = xlf.find(&format!("<trans-unit id=\"{id}\"")).unwrap();
        let end = start + xlf[start..].find("</trans-unit>").unwrap();
        xlf[start..end].to_string()
    };
    for (id, finding) in [
        ("1", "number 46 percent in the source is 64% in the target"),
        ("3", "the target is a copy of the source"),
    ] {
        let u = unit(id);
        assert!(
            u.contains(
                "<target state=\"needs-review-translation\" state-qualifier=\"exact-match\">"
            ),
            "{u}"
        );
        assert!(!u.contains("approved="), "{u}");
        assert!(
            u.contains(&format!(
                "<note from=\"tmkit-check\" annotates=\"target\" priority=\"1\">{finding}</note>"
            )),
            "{u}"
        );
    }
    let good = unit("2");
    assert!(
        good.contains("approved=\"yes\"") && good.contains("state=\"translated\""),
        "{good}"
    );
    assert_eq!(pocount_translated(&w.path("kit/a.zh-CN.xlf")), 1);
    assert_eq!(pocount_translated(&w.path("kit/a.ja-JP.xlf")), 3);

    // OmegaT inserts only what passes the checks.
    let auto = units_of_file(&w.path("kit/a.omegat/tm/auto/a.tmx"));
    assert_eq!(auto.len(), 1, "{auto:?}");

    let text = std::fs::read_to_string(w.path("kit/analysis.txt")).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("100% (needs review)")
                && l.split_whitespace().nth(3) == Some("2")),
        "{text}"
    );
    let html = std::fs::read_to_string(w.path("kit/report.html")).unwrap();
    assert!(
        html.contains("data-band=\"exact-review\"></span>100% (needs review)</th><td>2</td>"),
        "the review page's table has the line"
    );
    assert!(
        html.contains("needs review</span>"),
        "the segments' badges say so"
    );
}

/// The translations a translator would deliver for the segments the memory has no exact match
/// for: id -> (en, zh-CN, ja-JP).
fn delivered() -> std::collections::BTreeMap<String, (String, String, String)> {
    let tsv = std::fs::read_to_string(fixture("prepare/translations.tsv")).unwrap();
    tsv.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].to_string(),
                (f[1].to_string(), f[2].to_string(), f[3].to_string()),
            )
        })
        .collect()
}

#[test]
fn the_way_back_prepare_translate_import_check() {
    use tmkit::formats::xliff::{self, Content, State, Target};
    let w = bundled_kit();
    w.ok(["prepare", "beijing-tokyo-forum.en.txt", "--out", "kit"]);
    let delivered = delivered();
    // A translator fills the targets the kit leaves open, in a CAT tool.
    for (i, lang) in ["zh-CN", "ja-JP"].into_iter().enumerate() {
        let path = w.path(&format!("kit/beijing-tokyo-forum.en.{lang}.xlf"));
        let mut doc = xliff::Reader::open(&path).unwrap().read_document().unwrap();
        let mut filled = 0;
        for group in &mut doc.files[0].groups {
            for unit in &mut group.units {
                let done = unit
                    .target
                    .as_ref()
                    .is_some_and(|t| t.state == Some(State::Translated));
                if done {
                    continue;
                }
                let (en, zh, ja) = &delivered[&unit.id];
                assert_eq!(&unit.source.text, en, "segment {}", unit.id);
                unit.target = Some(Target {
                    content: Content::plain(if i == 0 { zh } else { ja }),
                    state: Some(State::Translated),
                    state_qualifier: None,
                });
                filled += 1;
            }
        }
        assert_eq!(filled, delivered.len(), "{lang}");
        let mut out = xliff::Writer::new(Vec::new(), &xliff::WriterOptions::default()).unwrap();
        out.write_file(&doc.files[0]).unwrap();
        std::fs::write(&path, out.finish().unwrap()).unwrap();
    }
    // The translations come back into the memory...
    let r = w.json([
        "import",
        "kit/beijing-tokyo-forum.en.zh-CN.xlf",
        "kit/beijing-tokyo-forum.en.ja-JP.xlf",
    ]);
    assert_eq!(r["added"], delivered.len() as u64, "{r}");
    assert_eq!(r["skipped"], 0, "{r}");
    // ...the memory checks clean...
    let out = w.run(["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // ...and the article is now fully translated.
    let a = w.json(["prepare", "beijing-tokyo-forum.en.txt", "--out", "kit2"]);
    for lang in a["languages"].as_array().unwrap() {
        let total = lang["total"]["segments"].as_u64().unwrap();
        let exact: u64 = lang["bands"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["band"] == "exact" || b["band"] == "context" || b["band"] == "repetition")
            .map(|b| b["segments"].as_u64().unwrap())
            .sum();
        assert_eq!(exact, total, "{lang}");
    }
    for (en, zh, ja) in delivered.values() {
        let m = w.json(["lookup", en.as_str(), "--to", "zh-CN,ja-JP"]);
        assert_eq!(m[0]["matches"][0]["score"], 100, "{en}");
        assert_eq!(m[0]["matches"][0]["targets"]["zh-CN"], zh.as_str());
        assert_eq!(m[0]["matches"][0]["targets"]["ja-JP"], ja.as_str());
    }
}

#[test]
fn xliff_coming_back_wrong_is_reported_and_imports_nothing() {
    let w = bundled_kit();
    w.ok(["prepare", "beijing-tokyo-forum.en.txt", "--out", "kit"]);
    let before = w.units().len();
    let xlf = std::fs::read_to_string(w.path("kit/beijing-tokyo-forum.en.zh-CN.xlf")).unwrap();
    let cases = [
        (
            "state.xlf",
            xlf.replacen("state=\"needs-translation\"", "state=\"done\"", 1),
            "unknown state \"done\"",
        ),
        (
            "lang.xlf",
            xlf.replacen("<target state", "<target xml:lang=\"ko-KR\" state", 1),
            "ko-KR",
        ),
    ];
    for (name, content, want) in cases {
        w.write(name, content);
        let out = w.run(["import", name]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert!(
            err.contains(want) && err.contains(&format!("{name}:")),
            "{name}: {err}"
        );
        assert!(err.contains("nothing"), "{name}: {err}");
        assert_eq!(w.units().len(), before, "{name}: nothing imported");
    }
    // Missing targets are untranslated segments: counted and listed, not an error.
    let r = w.json(["import", "kit/beijing-tokyo-forum.en.zh-CN.xlf"]);
    assert_eq!(r["added"], 0);
    let reasons = r["files"][0]["skipped_reasons"].as_object().unwrap();
    assert!(
        reasons.keys().any(|k| k.contains("no <target>")),
        "{reasons:?}"
    );
    // --xliff-states decides what counts as done.
    let r = w.json([
        "import",
        "kit/beijing-tokyo-forum.en.zh-CN.xlf",
        "--xliff-states",
        "needs-translation,translated",
    ]);
    // The fuzzy pretranslations (state needs-translation) now go in, as units of their own.
    assert!(r["added"].as_u64().unwrap() > 0, "{r}");
    let out = w.run([
        "import",
        "kit/beijing-tokyo-forum.en.zh-CN.xlf",
        "--xliff-states",
        "nonsense",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--xliff-states"), "{}", stderr(&out));
}

#[test]
fn the_analysis_names_the_real_source_language() {
    let w = bundled_memory();
    w.write("ja.txt", "北京・東京フォーラムが開かれた。\n");
    let out = w.ok([
        "prepare", "ja.txt", "--from", "ja", "--to", "zh-CN", "--out", "kit",
    ]);
    assert!(out.contains("Analysis: ja -> zh-CN"), "{out}");
    assert!(!out.contains("Analysis: en"), "{out}");
    let text = std::fs::read_to_string(w.path("kit/analysis.txt")).unwrap();
    assert!(text.starts_with("Analysis: ja -> zh-CN\n"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("kit/analysis.json")).unwrap())
            .unwrap();
    assert_eq!(json["source"], "ja");
    let html = std::fs::read_to_string(w.path("kit/report.html")).unwrap();
    assert!(html.contains("<caption>ja → "), "the report names ja");
}

#[test]
fn article_encoding_errors_point_at_the_bad_bytes() {
    let w = bundled_memory();
    let mut lone = vec![0xFF, 0xFE];
    for u in "First line.\nThen X here.".encode_utf16() {
        let u = if u == u16::from(b'X') { 0xD83D } else { u };
        lone.extend(u.to_le_bytes());
    }
    let cases: [(&str, Vec<u8>, &str); 2] = [
        (
            "latin1.txt",
            b"First line.\nCaf\xe9 society.".to_vec(),
            "latin1.txt:2:4: byte E9 is not valid UTF-8 (byte offset 15): convert the file to UTF-8, \
             or name its encoding with --encoding",
        ),
        (
            "lone.txt",
            lone,
            "lone.txt:2:6: a lone UTF-16 surrogate (0xD83D), which is not a character (byte offset 36)",
        ),
    ];
    for (name, bytes, want) in cases {
        w.write(name, bytes);
        let out = w.run(["prepare", name, "--out", "kit"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr(&out).starts_with(&format!("tmkit: {want}")),
            "{name}: {}",
            stderr(&out)
        );
        assert!(!w.path("kit").exists(), "{name}: no kit");
    }
}
