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

/// A small TMX document with `X` in the English text, for damaging.
fn tmx_doc(encoding: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"{encoding}\"?>\n<tmx version=\"1.4\"><header srclang=\"en\" \
         segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" datatype=\"plaintext\" creationtool=\"t\" \
         creationtoolversion=\"1\"/><body>\n<tu><tuv xml:lang=\"en\"><seg>Hello X</seg></tuv>\
         <tuv xml:lang=\"zh-CN\"><seg>你好</seg></tuv></tu>\n</body></tmx>\n"
    )
}

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

/// Replaces the UTF-16 code unit of `X` with `unit`.
fn with_unit(mut bytes: Vec<u8>, little: bool, unit: u16) -> Vec<u8> {
    let x: [u8; 2] = if little {
        0x58u16.to_le_bytes()
    } else {
        0x58u16.to_be_bytes()
    };
    let at = bytes
        .windows(2)
        .position(|w| w == x)
        .expect("an X in the text");
    let u = if little {
        unit.to_le_bytes()
    } else {
        unit.to_be_bytes()
    };
    bytes[at..at + 2].copy_from_slice(&u);
    bytes
}

#[test]
fn a_lone_utf16_surrogate_is_refused_at_its_place_not_replaced() {
    let (w, before) = populated();
    let doc = tmx_doc("UTF-16");
    let cases = [
        (
            "lone-le.tmx",
            with_unit(utf16(&doc, true), true, 0xD800),
            "0xD800",
            458,
        ),
        (
            "lone-be.tmx",
            with_unit(utf16(&doc, false), false, 0xDC01),
            "0xDC01",
            458,
        ),
    ];
    for (name, bytes, unit, offset) in cases {
        let file = w.write(name, bytes);
        let out = w.run(["import".as_ref(), file.as_os_str()]);
        assert_eq!(
            stderr(&out),
            format!(
                "tmkit: {}:3:35: a lone UTF-16 surrogate ({unit}), which is not a character (byte \
                 offset {offset}): the file is damaged or not in UTF-16{}: fix the text there, or \
                 convert the file to UTF-8\n",
                file.display(),
                if name.contains("le") { "LE" } else { "BE" }
            )
        );
        assert_rejected(&w, &before, &file, "lone UTF-16 surrogate");
    }
    // A character reference to a surrogate is refused too.
    let file = w.write("ref.tmx", tmx_doc("UTF-8").replace('X', "&#xD800;"));
    assert_rejected(
        &w,
        &before,
        &file,
        ":3:35: not well-formed XML: &#xD800; is not",
    );
}

#[test]
fn bytes_that_are_not_in_a_legacy_encoding_are_refused_at_their_place() {
    let (w, before) = populated();
    let sjis = tmx_doc("Shift_JIS").replace("你好", "x").into_bytes();
    let sjis: Vec<u8> = sjis
        .iter()
        .flat_map(|&b| if b == b'X' { vec![0x81, 0x20] } else { vec![b] })
        .collect();
    let file = w.write("sjis.tmx", sjis);
    assert_rejected(
        &w,
        &before,
        &file,
        ":3:35: byte 81 is not valid Shift_JIS (byte offset 231)",
    );
}

#[test]
fn invalid_utf8_is_located_at_the_bad_byte() {
    let (w, before) = populated();
    let mut bad = tmx_doc("UTF-8").into_bytes();
    let x = bad.iter().position(|&b| b == b'X').unwrap();
    bad[x] = 0xE9;
    let file = w.write("latin1.tmx", bad);
    let out = w.run(["import".as_ref(), file.as_os_str()]);
    assert_eq!(
        stderr(&out),
        format!(
            "tmkit: {}:3:35: byte E9 is not valid UTF-8 (byte offset {x}): declare the file's real \
             encoding in the XML declaration (encoding=\"...\") or convert it to UTF-8\n",
            file.display()
        )
    );
    assert_rejected(&w, &before, &file, ":3:35:");
}

/// One document per XML reader, with `ATTRS` in an element's start tag and `TEXT` in its text.
fn xml_inputs() -> Vec<(&'static str, Vec<&'static str>, String)> {
    let tmx = "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"en\" segtype=\"sentence\" \
        o-tmf=\"t\" adminlang=\"en\" datatype=\"plaintext\" creationtool=\"t\" creationtoolversion=\"1\"/>\
        <body>\n<tu ATTRS><tuv xml:lang=\"en\"><seg>Hello TEXT</seg></tuv><tuv xml:lang=\"zh-CN\">\
        <seg>你好</seg></tuv></tu>\n</body></tmx>\n";
    let xliff = "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\
        <file original=\"a.txt\" source-language=\"en\" target-language=\"zh-CN\" datatype=\"plaintext\"><body>\n\
        <trans-unit id=\"1\" ATTRS><source>Hello TEXT</source><target>你好</target></trans-unit>\n\
        </body></file></xliff>\n";
    let tbx = "<?xml version=\"1.0\"?>\n<tbx type=\"TBX-Min\" style=\"dca\" xml:lang=\"en\" \
        xmlns=\"urn:iso:std:iso:30042:ed-2\"><text><body>\n<conceptEntry id=\"c1\" ATTRS><langSec xml:lang=\"en\">\
        <termSec><term>star TEXT</term></termSec></langSec><langSec xml:lang=\"zh-CN\"><termSec>\
        <term>恒星</term></termSec></langSec></conceptEntry>\n</body></text></tbx>\n";
    let srx = "<?xml version=\"1.0\"?>\n<srx version=\"2.0\" xmlns=\"http://www.lisa.org/srx20\">\
        <header segmentsubflows=\"yes\" cascade=\"no\"/><body><languagerules>\n<languagerule \
        languagerulename=\"Default\"><rule break=\"no\" ATTRS><beforebreak>Mr\\.TEXT</beforebreak>\
        <afterbreak>\\s</afterbreak></rule></languagerule>\n</languagerules><maprules><languagemap \
        languagepattern=\".*\" languagerulename=\"Default\"/></maprules></body></srx>\n";
    vec![
        ("in.tmx", vec!["import"], tmx.to_string()),
        ("in.xlf", vec!["import"], xliff.to_string()),
        ("in.tbx", vec!["glossary", "import"], tbx.to_string()),
        ("in.srx", vec!["segment", "--rules"], srx.to_string()),
    ]
}

/// Runs the command that reads `file`, and insists on exit 2 with `want` in a located message
/// that names the file once.
fn assert_refused(w: &Work, command: &[&str], file: &Path, want: &str) {
    let mut args: Vec<std::ffi::OsString> = command.iter().map(|s| s.into()).collect();
    args.push(file.as_os_str().to_owned());
    if command[0] == "segment" {
        args.push(w.write("text.txt", "Mr. Smith came.").into_os_string());
    }
    let out = w.run(&args);
    let err = stderr(&out);
    let name = file.display().to_string();
    assert_eq!(out.status.code(), Some(2), "{command:?} {name}: {err}");
    assert!(
        err.starts_with(&format!("tmkit: {name}:")) && err.contains(want),
        "{command:?} {name}: expected {want:?} in {err}"
    );
    assert_eq!(err.matches(&name).count(), 1, "{err}");
}

#[test]
fn duplicated_attributes_are_refused_by_every_xml_reader() {
    let w = Work::new();
    for (name, command, doc) in xml_inputs() {
        let attr = if name.ends_with(".srx") { "break" } else { "a" };
        let doc = doc
            .replace("ATTRS", &format!("{attr}=\"no\" {attr}=\"yes\""))
            .replace("TEXT", "");
        let file = w.write(name, doc);
        assert_refused(&w, &command, &file, ": not well-formed XML: <");
        assert_refused(
            &w,
            &command,
            &file,
            &format!("has the attribute {attr} twice: remove one of them"),
        );
    }
    assert!(
        !w.db().exists() || w.units().is_empty(),
        "nothing was imported"
    );
}

#[test]
fn characters_xml_1_0_forbids_are_refused_by_every_xml_reader() {
    let w = Work::new();
    for (name, command, doc) in xml_inputs() {
        // Line and column of the character: where TEXT stands once ATTRS is gone.
        let doc = doc.replace("ATTRS", "");
        let line3 = doc.lines().nth(2).unwrap();
        let column = line3[..line3.find("TEXT").unwrap()].chars().count() + 1;
        let at = format!(":3:{column}: ");
        let cases = [
            (
                "\u{1}",
                "not well-formed XML: character U+0001 is not allowed in XML 1.0",
            ),
            (
                "\u{1b}",
                "not well-formed XML: character U+001B is not allowed in XML 1.0",
            ),
            ("\u{0}", "is a NUL byte, which XML does not allow"),
            ("&#1;", "&#1; is not a character XML 1.0 allows"),
            ("&#x0;", "&#x0; is not a character XML 1.0 allows"),
        ];
        for (text, want) in cases {
            let file = w.write(name, doc.replace("TEXT", text));
            let refs = text.starts_with('&');
            // A reference is reported where it starts; a raw character where it stands.
            let want = if refs {
                format!(":3:{}: not well-formed XML: {want}", column)
            } else {
                format!("{at}{}", want.trim_start_matches("not well-formed XML: "))
            };
            if refs {
                assert_refused(&w, &command, &file, &want);
            } else {
                assert_refused(&w, &command, &file, want.trim_start_matches(&at));
                assert_refused(&w, &command, &file, &at);
            }
        }
    }
}

#[test]
fn the_advice_for_a_forbidden_character_is_to_remove_or_replace_it() {
    let (w, before) = populated();
    let file = w.write("c1.tmx", tmx_doc("UTF-8").replace('X', "\u{1}"));
    let out = w.run(["import".as_ref(), file.as_os_str()]);
    assert_eq!(
        stderr(&out),
        format!(
            "tmkit: {}:3:35: not well-formed XML: character U+0001 is not allowed in XML 1.0, so \
             this is not an XML 1.0 file: remove the character or replace it (with a space, or an \
             inline code)\n",
            file.display()
        )
    );
    assert_rejected(&w, &before, &file, "U+0001");
}

#[test]
fn glossaries_and_text_files_point_at_the_bad_byte() {
    let w = Work::new();
    let mut lone = vec![0xFF, 0xFE];
    for u in "en,zh-CN\nstar,X\n".encode_utf16() {
        let u = if u == u16::from(b'X') { 0xD800 } else { u };
        lone.extend(u.to_le_bytes());
    }
    w.write("lone.csv", lone);
    w.write("latin1.csv", b"en,zh-CN\nstar,\"caf\xe9\"\n");
    w.write("latin1.txt", b"Fine.\nCaf\xe9 society.\n");
    let cases: &[(&[&str], &str)] = &[
        (
            &["glossary", "import", "lone.csv"],
            "lone.csv:2:6: a lone UTF-16 surrogate (0xD800), which is not a character (byte offset \
             30): the file is damaged there or not in UTF-16LE",
        ),
        (
            &["glossary", "import", "latin1.csv"],
            "latin1.csv:2:10: byte E9 is not valid UTF-8: save the glossary as UTF-8",
        ),
        (
            &["lookup", "--file", "latin1.txt"],
            "latin1.txt:2:4: byte E9 is not valid UTF-8 (byte offset 9): convert the file to UTF-8",
        ),
        (
            &["lookup", "--file", "latin1.txt", "--segment"],
            "latin1.txt:2:4: byte E9 is not valid UTF-8 (byte offset 9): convert the file to UTF-8",
        ),
        (
            &["terms", "--file", "latin1.txt"],
            "latin1.txt:2:4: byte E9 is not valid UTF-8 (byte offset 9): convert the file to UTF-8",
        ),
        (
            &["segment", "latin1.txt"],
            "latin1.txt:2:4: byte E9 is not valid UTF-8 (byte offset 9): convert the file to UTF-8",
        ),
    ];
    for (args, want) in cases {
        let out = w.run(*args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with(&format!("tmkit: {want}")),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn forbidden_characters_in_attribute_values_are_refused_by_every_xml_reader() {
    let w = Work::new();
    for (name, command, doc) in xml_inputs() {
        let attr = if name.ends_with(".srx") { "break" } else { "a" };
        for (value, want) in [
            ("&#1;", "&#1; is not a character XML 1.0 allows"),
            ("&#xD800;", "&#xD800; is not a character XML 1.0 allows"),
            ("\u{1}", "character U+0001 is not allowed in XML 1.0"),
        ] {
            let doc = doc
                .replace("ATTRS", &format!("{attr}=\"x{value}\""))
                .replace("TEXT", "");
            let file = w.write(name, doc);
            assert_refused(&w, &command, &file, &format!("attribute {attr}: {want}"));
            assert_refused(&w, &command, &file, ":3:");
        }
    }
}
