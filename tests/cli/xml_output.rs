//! What tmkit writes as XML parses, whatever the text holds: characters XML 1.0 cannot hold are
//! written as `<ph type="x-tmkit-char">` codes in segments and `<?tmkit-char?>` instructions
//! elsewhere, and read back; exported TMX validates against the TMX 1.4 DTD whatever came in.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// Runs `xmllint --noout` on a file (well-formedness only); panics with its output if it fails.
fn assert_well_formed(path: &Path) {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg(path)
        .output()
        .expect("xmllint is installed (apt-get install libxml2-utils)");
    assert!(
        out.status.success(),
        "{} is not well-formed:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Characters HTML5 reports as parse errors (controls other than white space, C1 controls,
/// noncharacters).
fn html_forbidden(c: char) -> bool {
    let n = c as u32;
    (n < 0x20 && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        || (0x7f..=0x9f).contains(&n)
        || (0xfdd0..=0xfdef).contains(&n)
        || (n & 0xfffe) == 0xfffe
}

fn texts(units: &[tmkit::model::TranslationUnit]) -> Vec<Vec<(String, String)>> {
    units
        .iter()
        .map(|u| {
            u.variants
                .iter()
                .map(|v| (v.lang.to_string(), v.text.clone()))
                .collect()
        })
        .collect()
}

#[test]
fn control_characters_added_are_exported_valid_and_imported_back_the_same() {
    let w = Work::new();
    let en = "Line\u{b}break\u{c}page\u{1}and\u{1f}more\u{ffff}";
    let zh = "换行\u{b}了\u{7}";
    let note = "a note\u{2} with a control";
    w.ok([
        "add", "--lang", "en", en, "--lang", "zh-CN", zh, "--note", note,
    ]);
    let exported = w.export("out.tmx", &[]);
    let exported = String::from_utf8(exported).unwrap();
    assert!(
        exported.contains("Line<ph type=\"x-tmkit-char\">U+000B</ph>break"),
        "{exported}"
    );
    assert!(
        exported.contains("<note>a note<?tmkit-char U+0002?> with a control</note>"),
        "{exported}"
    );
    assert_dtd_valid(&w.path("out.tmx"));
    // tmkit's own import reads it back: the same texts, the same note, no markup left.
    let again = Work::new();
    std::fs::copy(w.path("out.tmx"), again.path("out.tmx")).unwrap();
    again.ok(["import", "out.tmx"]);
    let (before, after) = (w.units(), again.units());
    assert_eq!(texts(&after), texts(&before));
    assert_eq!(after[0].variants[0].text, en);
    assert!(after[0].variants.iter().all(|v| v.markup.is_none()));
    assert_eq!(after[0].extras, before[0].extras);
    // And a second export is byte-identical.
    let second = again.export("again.tmx", &[]);
    assert_eq!(String::from_utf8(second).unwrap(), exported);
}

#[test]
fn glossary_terms_with_control_characters_export_as_tbx_that_reads_back() {
    let w = Work::new();
    w.ok([
        "glossary",
        "add",
        "-n",
        "g",
        "en=page\u{c}break",
        "zh-CN=分\u{b}页",
        "--note",
        "from \u{1}Word",
    ]);
    for (format, file) in [("tbx", "g.tbx"), ("tbx2", "g2.tbx")] {
        w.ok(["glossary", "export", "g", "-o", file, "-t", format]);
        assert_well_formed(&w.path(file));
        let tbx = std::fs::read_to_string(w.path(file)).unwrap();
        assert!(tbx.contains("page<?tmkit-char U+000C?>break"), "{tbx}");
        let name = format!("again-{format}");
        w.ok(["glossary", "import", file, "-n", &name]);
        let strip = |v: serde_json::Value| -> Vec<serde_json::Value> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    let o = c.as_object_mut().unwrap();
                    o.remove("glossary");
                    o.remove("id");
                    o.remove("concept_id");
                    c
                })
                .collect()
        };
        assert_eq!(
            strip(w.json(["glossary", "list", &name])),
            strip(w.json(["glossary", "list", "g"])),
            "{format}"
        );
    }
}

/// An article with Word's line and page breaks and a control character, in UTF-16 and in
/// windows-1252: every file of the kit parses, and the XLIFF gives back the article.
#[test]
fn articles_with_control_characters_give_kit_files_that_parse() {
    let w = Work::new();
    w.ok([
        "add",
        "--lang",
        "en",
        "Wang Yi spoke.",
        "--lang",
        "zh-CN",
        "王毅\u{b}讲话。",
    ]);
    let text = "First line\u{b}second line.\u{c}Page two has a \u{1} control.\n\nWang Yi spoke.\n";
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let cp1252: Vec<u8> = text.bytes().collect();
    for (name, bytes, encoding) in [
        ("utf16.txt", utf16, "utf-16le"),
        ("cp1252.txt", cp1252, "windows-1252"),
    ] {
        w.write(name, &bytes);
        let kit = w.path(&format!("{name}.kit"));
        w.ok([
            "prepare",
            name,
            "--encoding",
            encoding,
            "--to",
            "zh-CN",
            "--out",
            kit.to_str().unwrap(),
        ]);
        let stem = name.trim_end_matches(".txt");
        let xlf = kit.join(format!("{stem}.zh-CN.xlf"));
        assert_well_formed(&xlf);
        let tmx = kit.join(format!("{stem}.tmx"));
        let omegat = kit.join(format!("{stem}.omegat/tm/auto/{stem}.tmx"));
        let fuzzy = kit.join(format!("{stem}.omegat/tm/{stem}-fuzzy.tmx"));
        for t in [&tmx, &omegat, &fuzzy] {
            assert_dtd_valid(t);
        }
        // The XLIFF, read by tmkit, gives back the article and the pretranslation.
        let mut reader = tmkit::formats::xliff::Reader::open(&xlf).unwrap();
        let mut unit =
            tmkit::formats::xliff::Unit::new("", tmkit::formats::xliff::Content::plain(""));
        let mut rebuilt = String::new();
        let mut targets = Vec::new();
        while let tmkit::formats::xliff::Item::Unit = reader.read_unit(&mut unit).unwrap() {
            assert!(unit.source.markup.is_none(), "{:?}", unit.source);
            rebuilt.push_str(&unit.source.text);
            rebuilt.push_str(unit.text_after.as_deref().unwrap_or(""));
            targets.extend(unit.target.as_ref().map(|t| t.content.text.clone()));
        }
        assert_eq!(rebuilt, text, "{name}");
        assert_eq!(targets, ["王毅\u{b}讲话。"], "{name}");
        // And `import` takes the translated unit back as it was.
        let back = Work::new();
        back.ok(["import".as_ref(), xlf.as_os_str()]);
        assert_eq!(
            texts(&back.units()),
            [vec![
                ("en".to_string(), "Wang Yi spoke.".to_string()),
                ("zh-CN".to_string(), "王毅\u{b}讲话。".to_string())
            ]],
            "{name}"
        );
        // The kit's TMX and the OmegaT project's hold the same texts.
        let sources: Vec<String> = units_of_file(&tmx)
            .iter()
            .map(|u| u.variants[0].text.clone())
            .collect();
        assert_eq!(
            sources,
            [
                "First line\u{b}second line.",
                "Page two has a \u{1} control.",
                "Wang Yi spoke."
            ],
            "{name}: the page break ends a segment"
        );
        assert_eq!(
            texts(&units_of_file(&omegat)),
            [vec![
                ("en".to_string(), "Wang Yi spoke.".to_string()),
                ("zh-CN".to_string(), "王毅\u{b}讲话。".to_string())
            ]]
        );
        // The review page shows the controls as pictures, which HTML allows.
        let html = std::fs::read_to_string(kit.join("report.html")).unwrap();
        assert!(!html.chars().any(html_forbidden), "{name}");
        assert!(html.contains("First line\u{240b}second line."), "{name}");
    }
}

#[test]
fn utf8_articles_with_word_line_and_page_breaks_are_text() {
    let w = bundled_memory();
    w.write(
        "word.txt",
        "Wang Yi delivered a speech.\u{c}New page.\u{b}Next line.\n",
    );
    let out = w.ok(["prepare", "word.txt", "--out", "kit", "--to", "zh-CN"]);
    assert!(out.contains("3 segments"), "{out}");
    assert_well_formed(&w.path("kit/word.zh-CN.xlf"));
}

#[test]
fn utf16_articles_with_lone_surrogates_are_refused_not_written() {
    let w = Work::new();
    w.ok(["add", "--lang", "en", "a", "--lang", "zh-CN", "b"]);
    let mut bytes: Vec<u8> = "Bad ".encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.extend(0xD800u16.to_le_bytes());
    bytes.extend(" text.".encode_utf16().flat_map(u16::to_le_bytes));
    w.write("bad.txt", &bytes);
    let out = w.run([
        "prepare",
        "bad.txt",
        "--encoding",
        "utf-16le",
        "--out",
        "kit",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("bad.txt"), "{}", stderr(&out));
    assert!(!w.path("kit").exists());
}

/// A TMX as Heartsome and other tools write it: inline elements and units with attributes the
/// TMX 1.4 DTD does not declare, an `<it>` without `pos`.
const UNDECLARED_TMX: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
<header creationtool="Heartsome TM Server" creationtoolversion="2.0-1" srclang="en-US" adminlang="en" datatype="xml" o-tmf="unknown" segtype="block"/>
<body>
<tu tuid="a1" x-tool="hs" segtype="line">
<tuv xml:lang="en-US" x-mark="1"><seg>Press <ph id="1">{0}</ph> then <bpt i="1" id="2">{\b </bpt>OK<ept i="1" id="3">}</ept> <it x="4">[</it></seg></tuv>
<tuv xml:lang="zh-CN"><seg>按 <ph id="1">{0}</ph> 然后 <bpt i="1">{\b </bpt>确定<ept i="1">}</ept> <it x="4">[</it></seg></tuv>
</tu>
<tu tuid="a2">
<tuv xml:lang="en-US"><seg>A <bpt i="1">{<ph>\f1</ph></bpt>b<ept i="1">}</ept><sub>note</sub></seg></tuv>
<tuv xml:lang="zh-CN"><seg>甲<hi><sub>s</sub>乙</hi></seg></tuv>
</tu>
</body>
</tmx>
"#;

#[test]
fn undeclared_inline_attributes_are_exported_dtd_valid_and_the_import_says_so() {
    let w = Work::new();
    w.write("heartsome.tmx", UNDECLARED_TMX);
    let text = w.ok(["import", "heartsome.tmx"]);
    assert!(
        text.contains(
            "note: 4 attributes the TMX 1.4 DTD does not declare (kept in the memory, left out \
             of exported TMX) in heartsome.tmx"
        ),
        "{text}"
    );
    let json = w.json(["import", "heartsome.tmx"]);
    assert_eq!(
        json["files"][0]["not_exported"][tmkit::ops::import::NOT_EXPORTED_ATTRIBUTES],
        4
    );
    // The memory keeps what came in.
    let units = w.units();
    assert!(
        units[0].variants[0]
            .markup
            .as_deref()
            .unwrap()
            .contains("<ph id=\"1\">"),
        "{:?}",
        units[0].variants[0]
    );
    let out = String::from_utf8(w.export("out.tmx", &[])).unwrap();
    assert_dtd_valid(&w.path("out.tmx"));
    assert!(
        out.contains(
            "<seg>Press <ph x=\"1\">{0}</ph> then <bpt i=\"1\" x=\"2\">{\\b </bpt>OK\
             <ept i=\"1\">}</ept> <ph x=\"4\">[</ph></seg>"
        ),
        "{out}"
    );
    assert!(
        !out.contains("x-tool") && !out.contains("segtype=\"line\""),
        "{out}"
    );
    // Elements where the DTD does not allow them are written as text, in a code.
    assert!(
        out.contains(
            "<seg>A <bpt i=\"1\">{&lt;ph&gt;\\f1&lt;/ph&gt;</bpt>b<ept i=\"1\">}</ept>\
             <ph>&lt;sub&gt;note&lt;/sub&gt;</ph></seg>"
        ),
        "{out}"
    );
    // The texts survive the trip.
    let again = Work::new();
    std::fs::copy(w.path("out.tmx"), again.path("out.tmx")).unwrap();
    again.ok(["import", "out.tmx"]);
    assert_eq!(texts(&again.units()), texts(&units));
}
