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

#[test]
fn bad_articles_get_a_clear_message_and_no_kit() {
    let w = bundled_memory();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "white space"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "binary"),
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
    let exact = a["languages"][0]["bands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["band"] == "exact")
        .unwrap()["segments"]
        .as_u64()
        .unwrap();
    assert!(exact >= 8, "{a}");
    assert!(!w.db().exists(), "no memory was created");
}
