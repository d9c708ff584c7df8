//! XLIFF 1.2: writer -> reader round trips, what translate-toolkit and xmllint make of written
//! files, real files from other tools, and bad input.
//!
//! No XLIFF 1.2 XSD is available to the tests (none in the shared spec folder, no Debian package
//! ships one), so written files are checked for well-formedness with xmllint and for meaning
//! with translate-toolkit, not validated against the schema.

use std::path::{Path, PathBuf};
use std::process::Command;

use tmkit::formats::input_from_reader;
use tmkit::formats::xliff::{
    AltTrans, Content, Document, File, Group, ImportPolicy, Item, Reader, Skip, SkipReport, State,
    Target, Unit, Writer, WriterOptions, XNote,
};
use tmkit::model::Lang;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xliff")
        .join(name)
}

fn lang(s: &str) -> Lang {
    Lang::parse(s).unwrap()
}

fn target(text: Content, state: Option<State>, qualifier: Option<&str>) -> Option<Target> {
    Some(Target {
        content: text,
        state,
        state_qualifier: qualifier.map(str::to_string),
    })
}

fn markup(text: &str, markup: &str) -> Content {
    Content {
        text: text.to_string(),
        markup: Some(markup.to_string()),
    }
}

/// A document exercising everything the writer writes. Inline markup is in the reader's
/// canonical attribute order (i/x, pos, type, assoc).
fn generated() -> Vec<File> {
    let mut u1 = Unit::new("1", Content::plain("Hello, world."));
    u1.target = target(
        Content::plain("こんにちは、世界。"),
        Some(State::Translated),
        Some("exact-match"),
    );
    let mut u2 = Unit::new("2", Content::plain("  Tom & \"Jerry\" <b> 'x'  "));
    u2.target = target(
        Content::plain("  汤姆 & “杰瑞” <b> 'x'\t"),
        Some(State::Final),
        None,
    );
    u2.approved = Some(true);
    u2.notes.push(XNote {
        from: Some("tmkit".into()),
        annotates: Some("source".into()),
        priority: Some(2),
        lang: None,
        text: "a <note> & \"quotes\"".into(),
    });
    u2.alt_trans.push(AltTrans {
        match_quality: Some("87%".into()),
        origin: Some("tmkit".into()),
        source: Some(Content::plain("Tom & Jerry")),
        target: Content::plain("汤姆和杰瑞"),
        lang: Some(lang("ja-JP")),
    });
    let mut u3 = Unit::new(
        "3",
        markup(
            "Press Save now ",
            "Press <bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>Save<ept i=\"1\">&lt;/b&gt;</ept> now \
             <ph x=\"2\">{0}</ph>",
        ),
    );
    u3.target = target(
        markup(
            "今すぐ保存を押す",
            "今すぐ<hi type=\"term\">保存</hi>を<ph x=\"2\" assoc=\"p\">{0}</ph>\
             <bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>押す<ept i=\"1\">&lt;/b&gt;</ept>\
             <it x=\"3\" pos=\"end\" type=\"ulined\">&lt;/u&gt;</it>",
        ),
        Some(State::NeedsReviewTranslation),
        None,
    );
    let mut u4 = Unit::new("4", Content::plain("Hello, world."));
    u4.repetition_of = Some("1".into());
    u4.target = target(
        Content::plain("こんにちは、世界。"),
        Some(State::Translated),
        Some("exact-match"),
    );
    let mut u5 = Unit::new("5", Content::plain("An untranslated sentence."));
    u5.alt_trans.push(AltTrans {
        match_quality: Some("72".into()),
        origin: Some("tmkit".into()),
        source: Some(Content::plain("An translated sentence.")),
        target: Content::plain("翻訳された文。"),
        lang: None,
    });
    let mut u6 = Unit::new("6", Content::plain("A fuzzy one."));
    u6.target = target(
        Content::plain("あいまいな。"),
        Some(State::NeedsTranslation),
        Some("fuzzy-match"),
    );
    let mut u7 = Unit::new("7", Content::plain("ACME"));
    u7.translate = false;
    u7.resname = Some("brand".into());
    u7.target = target(Content::plain("ACME"), Some(State::SignedOff), None);
    let mut u8 = Unit::new("8", Content::plain("中文也可以。"));
    u8.target = target(Content::plain("日本語も。"), None, None);
    u8.attrs.push(("size-unit".into(), "char".into()));

    let ja = File {
        original: "guide & notes.txt".into(),
        source_lang: lang("en"),
        target_lang: Some(lang("ja-JP")),
        datatype: "plaintext".into(),
        skeleton: None,
        notes: vec![XNote {
            text: "prepared by tmkit".into(),
            ..XNote::default()
        }],
        groups: vec![
            Group {
                id: Some("p1".into()),
                restype: Some("x-paragraph".into()),
                resname: None,
                units: vec![u1, u2, u3],
            },
            Group {
                id: Some("h1".into()),
                restype: Some("x-heading".into()),
                resname: Some("Title".into()),
                units: vec![u4, u5, u6],
            },
            Group {
                units: vec![u7, u8],
                ..Group::default()
            },
        ],
    };
    let mut z1 = Unit::new("1", Content::plain("Second file."));
    z1.target = target(Content::plain("第二个文件。"), Some(State::SignedOff), None);
    let zh = File {
        original: "other.txt".into(),
        source_lang: lang("en"),
        target_lang: Some(lang("zh-CN")),
        datatype: "plaintext".into(),
        skeleton: None,
        notes: vec![],
        groups: vec![Group {
            id: Some("p1".into()),
            restype: Some("x-paragraph".into()),
            resname: None,
            units: vec![z1, Unit::new("2", Content::plain("Nothing yet."))],
        }],
    };
    vec![ja, zh]
}

fn write(files: &[File]) -> Vec<u8> {
    let mut w = Writer::new(Vec::new(), &WriterOptions::default()).unwrap();
    for f in files {
        w.write_file(f).unwrap();
    }
    w.finish().unwrap()
}

fn read_bytes(bytes: &[u8], name: &str) -> tmkit::Result<Document> {
    let input = input_from_reader(Box::new(std::io::Cursor::new(bytes.to_vec())), name.into())?;
    Reader::from_input(input)?.read_document()
}

fn temp_file(bytes: &[u8], name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn writer_reader_round_trip_is_exact_and_deterministic() {
    let files = generated();
    let bytes = write(&files);
    let doc = read_bytes(&bytes, "gen.xlf").unwrap();
    assert_eq!(doc.problems, vec![]);
    assert_eq!(doc.files, files);
    let again = write(&doc.files);
    assert_eq!(
        String::from_utf8(again).unwrap(),
        String::from_utf8(bytes).unwrap()
    );
}

#[test]
fn written_file_shows_conventions() {
    let text = String::from_utf8(write(&generated())).unwrap();
    for want in [
        "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">",
        "<file original=\"guide &amp; notes.txt\" source-language=\"en\" target-language=\"ja-JP\" datatype=\"plaintext\">",
        "<tool tool-id=\"tmkit\" tool-name=\"tmkit\" tool-version=\"",
        "<group id=\"p1\" restype=\"x-paragraph\">",
        "<trans-unit id=\"1\" xml:space=\"preserve\">",
        "<target state=\"translated\" state-qualifier=\"exact-match\">こんにちは、世界。</target>",
        "<source>  Tom &amp; \"Jerry\" &lt;b&gt; 'x'  </source>",
        "<alt-trans match-quality=\"87%\" origin=\"tmkit\">",
        "<context-group name=\"tmkit\" purpose=\"information\"><context context-type=\"x-repetition-of\">1</context></context-group>",
        "<note from=\"tmkit\" annotates=\"general\">repetition of unit 1</note>",
        "Press <bpt id=\"1\" ctype=\"bold\">&lt;b&gt;</bpt>Save<ept id=\"1\">&lt;/b&gt;</ept> now <ph id=\"2\">{0}</ph>",
        "<mrk mtype=\"term\">保存</mrk>",
        "<it id=\"3\" pos=\"close\" ctype=\"underlined\">",
        "<trans-unit id=\"7\" resname=\"brand\" translate=\"no\" xml:space=\"preserve\">",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn written_file_is_well_formed_for_xmllint() {
    let (_dir, path) = temp_file(&write(&generated()), "gen.xlf");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg(&path)
        .output()
        .expect("xmllint is installed (apt-get install libxml2-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn translate_toolkit_reads_written_file() {
    let files = generated();
    let (_dir, path) = temp_file(&write(&files), "gen.xlf");
    // One line per unit: id, whether translate-toolkit counts it translated (state translated or
    // later), whether it has a target, source, target.
    let script = "import sys, json\nfrom translate.storage import xliff\n\
                  store = xliff.xlifffile.parsefile(sys.argv[1])\n\
                  for u in store.units:\n\
                  \x20   print(json.dumps([u.xmlelement.get('id'), u.get_state_n() >= u.S_TRANSLATED, \
                  u.gettarget() is not None and u.target != '', str(u.source), str(u.target or '')], ensure_ascii=False))";
    let out = Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs (apt-get install translate-toolkit)");
    assert!(
        out.status.success(),
        "translate-toolkit failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<(String, bool, bool, String, String)> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let units: Vec<&Unit> = files
        .iter()
        .flat_map(|f| f.groups.iter().flat_map(|g| g.units.iter()))
        .collect();
    assert_eq!(rows.len(), units.len(), "{stdout}");
    let later = [State::Translated, State::SignedOff, State::Final];
    let mut translated = 0;
    for (row, unit) in rows.iter().zip(&units) {
        assert_eq!(row.0, unit.id);
        let state = unit.target.as_ref().and_then(|t| t.state.clone());
        let want_translated = state.is_some_and(|s| later.contains(&s));
        assert_eq!(row.1, want_translated, "{row:?}");
        translated += usize::from(row.1);
        assert_eq!(row.2, unit.target.is_some(), "{row:?}");
        if unit.source.markup.is_none() {
            assert_eq!(row.3, unit.source.text, "{row:?}");
        }
        if let Some(t) = unit.target.as_ref().filter(|t| t.content.markup.is_none()) {
            assert_eq!(row.4, t.content.text, "{row:?}");
        }
    }
    // 1, 2, 4, 7 and the second file's 1; 5 and the second file's 2 have no target.
    assert_eq!(translated, 5);
    assert_eq!(rows.iter().filter(|r| !r.2).count(), 2);
}

#[test]
fn reads_utf16le_without_bom() {
    let path = fixture("Test_UTF16LE.txt.xlf");
    let reader = Reader::open(&path).unwrap();
    assert_eq!(reader.encoding().name(), "UTF-16LE");
    let doc = reader.read_document().unwrap();
    assert_eq!(doc.problems, vec![]);
    assert_eq!(doc.files.len(), 2);
    let f = &doc.files[0];
    assert_eq!(f.source_lang.as_str(), "en-AU");
    assert_eq!(f.target_lang.as_ref().unwrap().as_str(), "zh-HK");
    let u = &f.groups[0].units[0];
    assert_eq!(u.source.text, "This is the first test.");
    assert_eq!(
        u.source.markup.as_deref(),
        Some("This <ph x=\"1\">&lt;b&gt;</ph>is the first <ph x=\"2\">&lt;/b&gt;</ph>test.")
    );
    assert!(!u.translate);
    assert_eq!(u.approved, Some(true));
    let t = u.target.as_ref().unwrap();
    assert_eq!(t.content.text, "这是第一个测试。");
    assert_eq!(t.state, Some(State::New));
    assert_eq!(u.alt_trans.len(), 3);
    assert_eq!(u.alt_trans[1].match_quality.as_deref(), Some("90"));
    assert_eq!(u.alt_trans[2].target.text, "这是一个测试!");
    assert_eq!(u.notes.len(), 2);
    assert_eq!(u.notes[0].from.as_deref(), Some("John1"));
    assert_eq!(u.notes[0].priority, Some(1));
    // The heartsome and xsi extension attributes are kept.
    let u2 = &f.groups[0].units[1];
    assert!(
        u2.attrs
            .contains(&("hs:ext".to_string(), "yes".to_string()))
    );
}

#[test]
fn reads_sdlxliff_one_unit_per_segment() {
    let path = fixture("QuotesSample.docx.sdlxliff");
    let mut reader = Reader::open(&path).unwrap();
    let mut unit = Unit::new("", Content::default());
    let mut units = Vec::new();
    let mut report = SkipReport::default();
    let policy = ImportPolicy::default();
    loop {
        match reader.read_unit(&mut unit).unwrap() {
            Item::Unit => {
                if let Err(skip) = policy.check(&unit) {
                    report.record(reader.unit_location(), &unit, &skip);
                }
                units.push(unit.clone());
            }
            Item::Problem(p) => panic!("{p:?}"),
            Item::End => break,
        }
    }
    let file = reader.file().unwrap();
    assert_eq!(file.target_lang.as_ref().unwrap().as_str(), "it-IT");
    let first = &units[0];
    assert_eq!(first.segment.as_deref(), Some("1"));
    assert_eq!(first.source.text, "If you build it, he will come.");
    let t = first.target.as_ref().unwrap();
    assert_eq!(t.content.text, "Se si crea un prodotto che verrà.");
    assert_eq!(
        t.content.markup.as_deref(),
        Some("Se si crea un <hi type=\"x-sdl-comment\">prodotto </hi>che verrà.")
    );
    assert_eq!(t.state, Some(State::NeedsTranslation), "conf Draft");
    assert!(
        first
            .attrs
            .contains(&("sdl:conf".to_string(), "Draft".to_string()))
    );
    let second = &units[1];
    assert_eq!(second.id, first.id);
    assert_eq!(second.segment.as_deref(), Some("2"));
    assert_eq!(second.source.text, "You're gonna need a bigger boat.");
    assert_eq!(
        second.target.as_ref().unwrap().state,
        Some(State::Translated)
    );
    let walking = units
        .iter()
        .find(|u| u.segment.as_deref() == Some("4"))
        .unwrap();
    assert_eq!(walking.source.text, "I'm walking here!");
    assert_eq!(
        walking.source.markup.as_deref(),
        Some(
            "I'm <bpt i=\"41\">&lt;g id=\"41\"&gt;</bpt>walking<ept i=\"41\">&lt;/g&gt;</ept> here!"
        )
    );
    // Every segment's source is distinct and non-empty; the first is in the second group.
    assert!(units.iter().all(|u| !u.source.text.trim().is_empty()));
    let mids: Vec<_> = units.iter().filter_map(|u| u.segment.clone()).collect();
    assert_eq!(mids.len(), units.len());
    assert_eq!(
        report.total(),
        report.state_not_accepted + report.no_target + report.empty_target
    );
    assert!(report.state_not_accepted >= 1, "{report:?}");
    let draft = &report.problems[0];
    assert!(
        draft
            .location
            .to_string()
            .contains("QuotesSample.docx.sdlxliff:194:"),
        "{draft:?}"
    );
    assert!(
        draft
            .message
            .ends_with("segment \"1\": state \"needs-translation\" is not accepted"),
        "{draft:?}"
    );
}

#[test]
fn malformed_omegat_file_is_refused_with_location() {
    let e = Reader::open(&fixture("malformed/file-XLIFFFilter-invalid-content.xlf"))
        .and_then(Reader::read_document)
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("file-XLIFFFilter-invalid-content.xlf:7:"),
        "{msg}"
    );
    assert!(msg.contains("U+0008"), "{msg}");
}

const HEAD: &str = "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n\
                    <file original=\"a\" source-language=\"en\" target-language=\"ja-JP\" datatype=\"plaintext\"><body>\n";
const TAIL: &str = "</body></file></xliff>\n";

fn doc(units: &str) -> String {
    format!("{HEAD}{units}\n{TAIL}")
}

#[test]
fn bad_input_gives_located_messages() {
    let cases: &[(&str, &str)] = &[
        (
            "<tmx version=\"1.4\"><header/><body/></tmx>",
            "bad.xlf:1:1: not an XLIFF file: the root element is <tmx>, expected <xliff>",
        ),
        (
            "",
            "bad.xlf:1:1: the file is empty: expected an XLIFF document",
        ),
        (
            "<xliff version=\"1.2\"><file original=\"a\" datatype=\"x\"><body/></file></xliff>",
            "bad.xlf:1:22: <file> has no source-language (XLIFF 1.2 requires it)",
        ),
        (
            "<xliff version=\"2.0\" xmlns=\"urn:oasis:names:tc:xliff:document:2.0\"/>",
            "bad.xlf:1:1: <xliff> has no <file>",
        ),
        (
            "<xliff version=\"2.0\" xmlns=\"urn:oasis:names:tc:xliff:document:2.0\"><file/></xliff>",
            "bad.xlf:1:1: XLIFF version \"2.0\" is not supported",
        ),
        (
            "<xliff><file source-language=\"en\"><body><trans-unit id=\"1\"><source>a</b></source>",
            "bad.xlf:1:",
        ),
    ];
    for (input, want) in cases {
        let e = read_bytes(input.as_bytes(), "bad.xlf").unwrap_err();
        assert!(e.to_string().starts_with(want), "{input}\n{e}");
    }
}

#[test]
fn truncated_file_is_an_error_with_location() {
    let bytes = write(&generated());
    for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 10] {
        let e = read_bytes(&bytes[..cut], "cut.xlf").unwrap_err();
        let msg = e.to_string();
        let mut parts = msg.splitn(4, ':');
        assert_eq!(parts.next(), Some("cut.xlf"), "{msg}");
        assert!(parts.next().unwrap().parse::<u64>().is_ok(), "{msg}");
        assert!(parts.next().unwrap().parse::<u64>().is_ok(), "{msg}");
        assert!(
            msg.contains("truncated") || msg.contains("never closed"),
            "{msg}"
        );
    }
}

#[test]
fn unit_problems_are_reported_and_reading_goes_on() {
    let input = doc(
        "<trans-unit id=\"1\"><source>a</source><target state=\"done\">b</target></trans-unit>\n\
         <trans-unit id=\"2\"><source>a</source><target xml:lang=\"fr-FR\">b</target></trans-unit>\n\
         <trans-unit id=\"3\"><source>a <foo/></source></trans-unit>\n\
         <trans-unit id=\"4\"><note>no source</note></trans-unit>\n\
         <trans-unit id=\"5\"><source>ok</source><target xml:lang=\"ja\" state=\"x-mine\">良い</target></trans-unit>",
    );
    let doc = read_bytes(input.as_bytes(), "bad.xlf").unwrap();
    let got: Vec<String> = doc
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect();
    let want = [
        "bad.xlf:4:38: trans-unit \"1\": unknown state \"done\" on <target>",
        "bad.xlf:5:38: trans-unit \"2\": <target> has xml:lang \"fr-FR\" but the <file>'s target-language is \"ja-JP\"",
        "bad.xlf:6:20: trans-unit \"3\": <source>: unknown inline element <foo>",
        "bad.xlf:7:1: trans-unit \"4\": <trans-unit> has no <source>",
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(want) {
        assert!(g.starts_with(w), "{g}\nwant {w}");
    }
    let units = &doc.files[0].groups[0].units;
    assert_eq!(units.len(), 1);
    let t = units[0].target.as_ref().unwrap();
    assert_eq!(t.state, Some(State::Custom("x-mine".into())));
    assert_eq!(
        ImportPolicy::default().check(&units[0]),
        Err(Skip::StateNotAccepted(Some(State::Custom("x-mine".into()))))
    );
}

#[test]
fn missing_target_is_counted_and_located() {
    let input = doc("<trans-unit id=\"1\"><source>a</source></trans-unit>\n\
         <trans-unit id=\"2\"><source>b</source><target state=\"new\"></target></trans-unit>\n\
         <trans-unit id=\"3\"><source>c</source><target>ok</target></trans-unit>");
    let input = input_from_reader(
        Box::new(std::io::Cursor::new(input.into_bytes())),
        "m.xlf".into(),
    )
    .unwrap();
    let mut reader = Reader::from_input(input).unwrap();
    let mut unit = Unit::new("", Content::default());
    let mut report = SkipReport::default();
    let mut imported = Vec::new();
    while let Item::Unit = reader.read_unit(&mut unit).unwrap() {
        match ImportPolicy::default().check(&unit) {
            Ok(()) => imported.push(unit.id.clone()),
            Err(skip) => report.record(reader.unit_location(), &unit, &skip),
        }
    }
    assert_eq!(imported, ["3"]);
    assert_eq!((report.no_target, report.empty_target), (1, 1));
    let msgs: Vec<String> = report
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect();
    assert_eq!(
        msgs,
        [
            "m.xlf:4:1: trans-unit \"1\": no <target>",
            "m.xlf:5:1: trans-unit \"2\": the <target> is empty",
        ]
    );
}

#[test]
fn reads_without_namespace_and_with_prefix() {
    let cases = [
        "<xliff version=\"1.1\"><file source-language=\"en\" target-language=\"ja\" original=\"o\" datatype=\"x\"><body>\
         <trans-unit id=\"a\"><source>Hi</source><target>やあ</target></trans-unit></body></file></xliff>",
        "<x:xliff version=\"1.2\" xmlns:x=\"urn:oasis:names:tc:xliff:document:1.2\"><x:file source-language=\"en\" \
         target-language=\"ja\" original=\"o\" datatype=\"x\"><x:body><x:group id=\"g\"><x:trans-unit id=\"a\">\
         <x:source>Hi</x:source><x:target>やあ</x:target></x:trans-unit></x:group></x:body></x:file></x:xliff>",
    ];
    for input in cases {
        let doc = read_bytes(input.as_bytes(), "ns.xlf").unwrap();
        assert_eq!(doc.problems, vec![], "{input}");
        let u = &doc.files[0].groups[0].units[0];
        assert_eq!(
            (
                u.source.text.as_str(),
                u.target.as_ref().unwrap().content.text.as_str()
            ),
            ("Hi", "やあ")
        );
    }
}

/// Characters XML 1.0 cannot hold, in plain text and next to other codes: written as
/// `<ph ctype="x-tmkit-char">` codes (and `<?tmkit-char?>` inside a code and in notes), the file
/// parses, and reading gives back the same units, with no markup where there was none.
#[test]
fn control_characters_round_trip_as_codes() {
    let mut plain = Unit::new("1", Content::plain("Line\u{b}break\u{c}page \u{1}\u{ffff}"));
    plain.target = target(Content::plain("换行\u{b}了"), Some(State::Translated), None);
    plain.notes.push(XNote {
        text: "a\u{2}note".into(),
        ..XNote::default()
    });
    plain.text_after = Some("\u{c}\n".into());
    let mixed = Unit::new(
        "2",
        markup(
            "Line\u{b}break Save",
            "Line<ph type=\"x-tmkit-char\">U+000B</ph>break \
             <bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>Save<ept i=\"1\">&lt;/b&gt;</ept>\
             <ph x=\"7\">a<?tmkit-char U+0001?>b</ph><ph x=\"9\" type=\"x-tmkit-char\">U+000C</ph>",
        ),
    );
    let mut mixed = mixed;
    mixed.source.text.push('\u{c}');
    let files = vec![File {
        original: "word\u{b}doc.txt".into(),
        source_lang: lang("en"),
        target_lang: Some(lang("zh-CN")),
        datatype: "plaintext".into(),
        skeleton: None,
        notes: vec![],
        groups: vec![Group {
            units: vec![plain, mixed],
            ..Group::default()
        }],
    }];
    let bytes = write(&files);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains("<source>Line<ph id=\"1\" ctype=\"x-tmkit-char\">U+000B</ph>break"),
        "{text}"
    );
    assert!(text.contains("original=\"word\u{240b}doc.txt\""), "{text}");
    let (_dir, path) = temp_file(&bytes, "controls.xlf");
    let lint = Command::new("xmllint")
        .arg("--noout")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    let doc = read_bytes(&bytes, "controls.xlf").unwrap();
    assert_eq!(doc.problems, vec![]);
    // The original file name is an attribute: its control is shown as a picture, not restored.
    let mut want = files.clone();
    want[0].original = "word\u{240b}doc.txt".into();
    assert_eq!(doc.files, want);
    assert_eq!(write(&doc.files), bytes);
}
