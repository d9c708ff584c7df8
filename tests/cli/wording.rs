//! One wording per cause, naming the file and the cause once, whatever the command: a missing
//! file, a directory given for a file, a missing memory, a damaged unit, a language the memory
//! does not have, a bad language tag; and the same error at the same place from every command
//! that reads the same file.

use crate::common::*;

/// Runs `args` and returns standard error, insisting on exit code 2.
fn refused(w: &Work, args: &[&str]) -> String {
    let out = w.run(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    err
}

#[test]
fn a_missing_file_is_named_once_in_one_wording_by_every_command() {
    let w = bundled_memory();
    w.write("a.txt", "Mr. Smith came.\n");
    let cases: &[(&[&str], &str)] = &[
        (&["import", "nope.tmx"], "nope.tmx"),
        (&["import", "nope.xlf"], "nope.xlf"),
        (&["lookup", "--file", "nope.txt"], "nope.txt"),
        (&["lookup", "--file", "nope.txt", "--segment"], "nope.txt"),
        (&["segment", "nope.txt"], "nope.txt"),
        (&["segment", "--rules", "nope.srx", "a.txt"], "nope.srx"),
        (&["prepare", "nope.txt"], "nope.txt"),
        (&["prepare", "a.txt", "--rules", "nope.srx"], "nope.srx"),
        (&["prepare", "a.txt", "--glossary", "nope.csv"], "nope.csv"),
        (&["glossary", "import", "nope.csv"], "nope.csv"),
        (&["glossary", "import", "nope.tbx"], "nope.tbx"),
        (&["check", "--tmx", "nope.tmx"], "nope.tmx"),
        (&["check", "--xliff", "nope.xlf"], "nope.xlf"),
        (&["check", "--glossary", "nope.csv"], "nope.csv"),
        (&["terms", "--file", "nope.txt"], "nope.txt"),
        (&["terms", "--glossary", "nope.tbx", "star"], "nope.tbx"),
        (
            &["export", "no/such/folder/out.tmx"],
            "no/such/folder/out.tmx",
        ),
    ];
    for (args, file) in cases {
        let err = refused(&w, args);
        assert_eq!(err, format!("tmkit: {file}: no such file\n"), "{args:?}");
    }
    // --tm names the option it came with, and the cause once.
    let err = refused(&w, &["prepare", "a.txt", "--tm", "nope.tmx"]);
    assert_eq!(err, "tmkit: --tm: nope.tmx: no such file\n");
}

#[test]
fn a_directory_given_for_a_file_is_named_once_in_one_wording() {
    let w = bundled_memory();
    std::fs::create_dir(w.path("dir.tmx")).unwrap();
    for args in [
        &["import", "dir.tmx"][..],
        &["check", "--tmx", "dir.tmx"],
        &["segment", "dir.tmx"],
        &["prepare", "dir.tmx"],
        &["glossary", "import", "dir.tmx"],
        &["segment", "--rules", "dir.tmx"],
    ] {
        assert_eq!(
            refused(&w, args),
            "tmkit: dir.tmx: is a directory, not a file\n",
            "{args:?}"
        );
    }
    let out = Work::new();
    std::fs::create_dir(out.db()).unwrap();
    for args in [&["stats"][..], &["import", "x.tmx"]] {
        assert_eq!(
            refused(&out, args),
            format!(
                "tmkit: {}: is a directory, not a file\n",
                out.db().display()
            ),
            "{args:?}"
        );
    }
}

#[test]
fn a_missing_memory_is_named_once_in_one_wording_by_every_read_command() {
    let w = Work::new();
    let want = format!(
        "tmkit: {}: no such file: import a TMX file first (`tmkit import FILE.tmx`), or give --db\n",
        w.db().display()
    );
    for args in [
        &["stats"][..],
        &["lookup", "hello"],
        &["export", "out.tmx"],
        &["concordance", "forum"],
        &["check"],
        &["glossary", "list"],
    ] {
        assert_eq!(refused(&w, args), want, "{args:?}");
    }
    assert!(!w.db().exists(), "no memory is created by a read command");
}

#[test]
fn a_damaged_unit_names_the_memory_and_the_unit() {
    let w = bundled_memory();
    {
        let conn = rusqlite::Connection::open(w.db()).unwrap();
        conn.execute(
            "UPDATE units SET body = x'FFFFFFFFFFFFFFFFFFFF' WHERE tuid = (SELECT min(tuid) FROM units)",
            [],
        )
        .unwrap();
    }
    let tuid: String = rusqlite::Connection::open(w.db())
        .unwrap()
        .query_row("SELECT min(tuid) FROM units", [], |r| r.get(0))
        .unwrap();
    let err = refused(&w, &["export", "out.tmx"]);
    let db = w.db().display().to_string();
    assert!(
        err.starts_with(&format!(
            "tmkit: {db}: unit with tuid {tuid:?} is damaged: export what is readable and restore \
             the memory from a backup"
        )),
        "{err}"
    );
    assert!(!w.path("out.tmx").exists());
    let err = refused(&w, &["stats"]);
    assert!(
        err.starts_with(&format!("tmkit: {db}: unit ")) && err.contains("is damaged"),
        "{err}"
    );
}

#[test]
fn check_prepare_and_import_report_the_same_error_at_the_same_place() {
    let w = bundled_memory();
    w.write("a.txt", "Mr. Smith came.\n");
    let bad = fixture("tmx/malformed/invalid.tmx");
    let bad = bad.to_str().unwrap();
    let want = format!("{bad}:12:6: <ept i=\"1\"> has no <bpt i=\"1\"> before it");
    for args in [
        &["import", bad][..],
        &["check", "--tmx", bad],
        &["prepare", "a.txt", "--tm", bad],
    ] {
        let err = refused(&w, args);
        assert!(err.contains(&want), "{args:?}: expected {want:?} in {err}");
        assert!(!err.contains("no en source"), "{err}");
    }
}

#[test]
fn invalid_language_tags_are_refused_with_the_likely_tag() {
    let w = bundled_memory();
    w.write("a.txt", "Mr. Smith came.\n");
    let cases: &[(&[&str], &str)] = &[
        (
            &["prepare", "a.txt", "--to", "chinese"],
            "--to: invalid language tag \"chinese\": a language name, not a tag (zh-TW for \
             traditional Chinese): did you mean zh-CN?",
        ),
        (
            &["lookup", "--to", "jp", "forum"],
            "--to: invalid language tag \"jp\": JP is the country code of Japan; the language is \
             ja: did you mean ja-JP?",
        ),
        (
            &["lookup", "--from", "english", "forum"],
            "--from: invalid language tag \"english\": a language name, not a tag: did you mean en?",
        ),
        (
            &["concordance", "--to", "japanese", "forum"],
            "--to: invalid language tag \"japanese\": a language name, not a tag: did you mean \
             ja-JP?",
        ),
        (
            &["export", "o.tmx", "--langs", "en,cn"],
            "--langs: invalid language tag \"cn\": CN is the country code of China; the language \
             is zh: did you mean zh-CN?",
        ),
        (
            &["check", "--langs", "klingon"],
            "--langs: invalid language tag \"klingon\": \"klingon\" is not a language subtag (2 or \
             3 letters, as in en, zh-CN, ja-JP)",
        ),
        (
            &["segment", "--lang", "english", "a.txt"],
            "--lang: invalid language tag \"english\": a language name, not a tag: did you mean en?",
        ),
    ];
    for (args, want) in cases {
        assert_eq!(refused(&w, args), format!("tmkit: {want}\n"), "{args:?}");
    }
    // What was accepted before still is.
    let out = w.run(["lookup", "--to", "zh_cn", "Tokyo-Beijing Forum"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn a_language_the_memory_lacks_is_an_error_naming_the_ones_it_has() {
    let w = bundled_memory();
    w.write("a.txt", "Mr. Smith came.\n");
    let db = w.db().display().to_string();
    let has = "en, ja-JP, zh-CN";
    let cases: &[(&[&str], &str)] = &[
        (&["lookup", "--to", "ko", "forum"], "--to ko"),
        (&["lookup", "--from", "de", "Forum"], "--from de"),
        (&["concordance", "--to", "ko", "forum"], "--to ko"),
        (&["concordance", "--lang", "fr", "forum"], "--lang fr"),
        (&["export", "o.tmx", "--langs", "en,ko"], "--langs ko"),
        (&["check", "--langs", "ko"], "--langs ko"),
        (&["check", "--from", "ko"], "--from ko"),
    ];
    for (args, option) in cases {
        let lang = option.rsplit(' ').next().unwrap();
        assert_eq!(
            refused(&w, args),
            format!("tmkit: {option}: {db} has no text in {lang}; it has {has}\n"),
            "{args:?}"
        );
    }
    let err = refused(&w, &["prepare", "a.txt", "--to", "ko"]);
    assert_eq!(
        err,
        format!(
            "tmkit: --to ko: {db} has no text in ko; it has {has} (give --no-memory to prepare the \
             kit without the memory)\n"
        )
    );
    assert!(!w.path("a.prepared").exists());
    // No match (exit 1) still means no match.
    let out = w.run(["lookup", "--to", "zh-CN", "Penguins cannot fly."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}
