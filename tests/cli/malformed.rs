//! Bad input: a clear `file:line:column` message, exit code 2, and a memory left exactly as it was.

use std::path::Path;

use crate::common::*;

/// A memory with the bundled units in it, so that "unchanged" means something.
fn populated() -> (Work, Vec<u8>) {
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        repo_file("tmx/beijing-tokyo-forum.tmx").as_os_str(),
    ]);
    let before = w.export("before.tmx", &[]);
    (w, before)
}

fn assert_rejected(w: &Work, before: &[u8], file: &Path, expect: &str) {
    let out = w.run(["import".as_ref(), file.as_os_str()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}: {err}", file.display());
    let name = file.display().to_string();
    let prefix = format!("tmkit: {name}:");
    assert!(
        err.starts_with(&prefix),
        "{name}: message does not start with file:line:column: {err}"
    );
    let rest = &err[prefix.len()..];
    let mut parts = rest.splitn(3, ':');
    let line = parts.next().unwrap_or("");
    let column = parts.next().unwrap_or("");
    assert!(
        line.parse::<u64>().is_ok() && column.parse::<u64>().is_ok(),
        "{name}: no line:column in {err}"
    );
    assert!(err.contains(expect), "{name}: expected {expect:?} in {err}");
    assert!(
        before == w.export("after.tmx", &[]).as_slice(),
        "{name}: the memory changed"
    );
}

#[test]
fn every_malformed_fixture_is_refused_without_changing_the_memory() {
    let (w, before) = populated();
    let mut seen = 0;
    for entry in std::fs::read_dir(fixture("tmx/malformed")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        assert_rejected(&w, &before, &path, "");
        seen += 1;
    }
    assert!(seen >= 5);
}

#[test]
fn own_malformed_files_are_refused_with_the_reason() {
    let (w, before) = populated();
    let good = std::fs::read_to_string(repo_file("tmx/beijing-tokyo-forum.tmx")).unwrap();
    let cut = good.char_indices().nth(good.chars().count() / 2).unwrap().0;
    let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n <!ENTITY a \"aaaaaaaaaa\">\n \
        <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n]>\n\
        <tmx version=\"1.4\"><header/><body><tu><tuv xml:lang=\"en\"><seg>&c;</seg></tuv>\
        <tuv xml:lang=\"de\"><seg>&c;</seg></tuv></tu></body></tmx>";
    let external = "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n\
        <tmx version=\"1.4\"><header/><body><tu><tuv xml:lang=\"en\"><seg>&xxe;</seg></tuv>\
        <tuv xml:lang=\"de\"><seg>x</seg></tuv></tu></body></tmx>";
    let undeclared = "<tmx version=\"1.4\"><header/><body><tu><tuv xml:lang=\"en\"><seg>&nbsp;</seg></tuv>\
        <tuv xml:lang=\"de\"><seg>x</seg></tuv></tu></body></tmx>";
    let mut latin1_as_utf8 = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header/><body>\n<tu><tuv xml:lang=\"en\"><seg>caf".to_vec();
    latin1_as_utf8.extend_from_slice(
        b"\xe9</seg></tuv><tuv xml:lang=\"fr\"><seg>x</seg></tuv></tu></body></tmx>",
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.tmx", Vec::new(), "the file is empty"),
        ("truncated.tmx", good.as_bytes()[..cut].to_vec(), "truncated"),
        ("bomb.tmx", bomb.as_bytes().to_vec(), "never expands or fetches entities"),
        ("external.tmx", external.as_bytes().to_vec(), "never expands or fetches entities"),
        ("undeclared.tmx", undeclared.as_bytes().to_vec(), "unknown entity &nbsp;"),
        ("latin1.tmx", latin1_as_utf8, "not valid UTF-8"),
        (
            "klingon.tmx",
            b"<?xml version=\"1.0\" encoding=\"klingon-8\"?><tmx/>".to_vec(),
            "unknown encoding \"klingon-8\"",
        ),
        ("notxml.tmx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "binary file"),
        ("text.tmx", b"Just some words.\n".to_vec(), "expected <tmx>"),
        ("xliff.tmx", b"<?xml version=\"1.0\"?>\n<xliff version=\"1.2\"/>".to_vec(), "not a TMX file"),
        (
            "mismatch.tmx",
            b"<tmx version=\"1.4\"><header/><body><tu><tuv xml:lang=\"en\"><seg>a</tuv></tu></body></tmx>".to_vec(),
            "expected </seg>",
        ),
        (
            "control.tmx",
            b"<tmx version=\"1.4\"><header/><body><tu><tuv xml:lang=\"en\"><seg>a\x08</seg></tuv><tuv xml:lang=\"de\"><seg>b</seg></tuv></tu></body></tmx>".to_vec(),
            "U+0008",
        ),
        ("utf32.tmx", b"\xff\xfe\0\0<\0\0\0".to_vec(), "UTF-32"),
    ];
    for (name, bytes, expect) in cases {
        let f = w.write(name, bytes);
        assert_rejected(&w, &before, &f, expect);
    }
}

#[test]
fn truncated_file_points_at_the_end() {
    let w = Work::new();
    let f = w.write(
        "t.tmx",
        "<tmx version=\"1.4\">\n<header/>\n<body>\n<tu><tuv xml:lang=\"en\"><seg>a</seg></tuv>\n",
    );
    let out = w.run(["import".as_ref(), f.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("t.tmx:5:1:"), "{}", stderr(&out));
}

#[test]
fn a_bad_file_among_good_ones_imports_nothing() {
    let (w, before) = populated();
    let bad = w.write("bad.tmx", "<tmx version=\"1.4\"><header/><body><tu>");
    let out = w.run(
        [fixture("tmx/ImportTest1B.tmx").as_os_str(), bad.as_os_str()]
            .iter()
            .fold(
                vec!["import".into()],
                |mut v: Vec<std::ffi::OsString>, a| {
                    v.push((*a).to_owned());
                    v
                },
            ),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(before == w.export("after.tmx", &[]));
}

#[test]
fn a_memory_from_a_newer_tmkit_is_refused() {
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        fixture("tmx/ImportTest1B.tmx").as_os_str(),
    ]);
    {
        let conn = rusqlite::Connection::open(w.db()).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let out = w.run(["stats"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("schema version 99"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("upgrade tmkit"), "{}", stderr(&out));
}

#[test]
fn a_file_that_is_not_a_memory_is_refused() {
    let w = Work::new();
    std::fs::write(
        w.db(),
        "this is not sqlite at all, just text that is long enough to be a header",
    )
    .unwrap();
    let out = w.run(["stats"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a tmkit memory"),
        "{}",
        stderr(&out)
    );
    let other = Work::new();
    {
        let conn = rusqlite::Connection::open(other.db()).unwrap();
        conn.execute_batch("CREATE TABLE customers(id INTEGER)")
            .unwrap();
    }
    let out = other.run(["stats"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("other tables"), "{}", stderr(&out));
}
