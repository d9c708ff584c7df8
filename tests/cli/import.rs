//! `tmkit import`: round trips, encodings, quirks of real files, duplicates, unit problems.

use tmkit::model::{Extra, Lang};

use crate::common::*;

#[test]
fn round_trip_every_fixture_is_lossless_and_export_is_deterministic() {
    for file in tmx_fixtures() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let first = Work::new();
        let report = first.json(["import".as_ref(), file.as_os_str()]);
        let merged = report["merged"].as_u64().unwrap();
        let a = first.export("a.tmx", &[]);
        let again = first.export("a2.tmx", &[]);
        assert!(a == again, "{name}: a second export differs from the first");
        assert_dtd_valid(&first.path("a.tmx"));

        let second = Work::new();
        second.json(["import".as_ref(), first.path("a.tmx").as_os_str()]);
        let b = second.export("b.tmx", &[]);
        assert!(
            a == b,
            "{name}: import -> export -> import -> export is not byte-identical"
        );
        assert_eq!(
            first.units(),
            second.units(),
            "{name}: units differ after a round trip"
        );

        // Nothing the reader accepted is lost: when no unit was merged, the exported units equal the
        // original ones, inline markup, props, notes and dates included.
        let original = units_of_file(&file);
        let exported = units_of_file(&first.path("a.tmx"));
        if merged == 0 {
            assert_eq!(original.len(), exported.len(), "{name}");
            for (o, e) in original.iter().zip(&exported) {
                assert_eq!(o, e, "{name}: unit changed on the way through the memory");
            }
        } else {
            for o in &original {
                assert!(
                    exported.iter().any(|e| o.variants.iter().all(|ov| e
                        .variants
                        .iter()
                        .any(|ev| ev.lang == ov.lang && ev.content() == ov.content()))),
                    "{name}: the variants of unit {:?} are missing from the export",
                    o.tuid
                );
            }
        }
    }
}

#[test]
fn translate_toolkit_reads_every_export() {
    for name in [
        "ImportTest2A.tmx",
        "Master_English-German.tmx",
        "gettext-sample.tmx",
    ] {
        let w = Work::new();
        w.ok([
            "import".as_ref(),
            fixture(&format!("tmx/{name}")).as_os_str(),
        ]);
        w.export("out.tmx", &[]);
        let units = w.units().len();
        assert_eq!(translate_toolkit_units(&w.path("out.tmx")), units, "{name}");
    }
}

#[test]
fn character_references_and_whitespace_are_kept() {
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        fixture("tmx/ImportTest1A.tmx").as_os_str(),
    ]);
    w.ok([
        "import".as_ref(),
        fixture("tmx/ImportTest1I.tmx").as_os_str(),
    ]);
    let units = w.units();
    let all: Vec<&str> = units
        .iter()
        .flat_map(|u| u.variants.iter().map(|v| v.text.as_str()))
        .collect();
    assert!(
        all.iter().any(|t| t.contains('\t')),
        "a tab from &#x09; survives: {all:?}"
    );
    assert!(
        all.iter().any(|t| t.contains('\u{3000}')),
        "an ideographic space survives: {all:?}"
    );
}

#[test]
fn legacy_encoding_named_in_the_declaration_is_decoded() {
    let w = Work::new();
    let latin1: Vec<u8> = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<tmx version=\"1.4\"><header srclang=\"en\"/><body>\
        <tu><tuv xml:lang=\"en\"><seg>caf\xe9</seg></tuv><tuv xml:lang=\"fr\"><seg>caf\xe9 cr\xe8me</seg></tuv></tu></body></tmx>"
        .to_vec();
    let f = w.write("latin1.tmx", latin1);
    w.ok(["import".as_ref(), f.as_os_str()]);
    let units = w.units();
    assert_eq!(units[0].variants[1].text, "café crème");
    // UTF-16 without a byte-order mark is sniffed.
    let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><tmx version=\"1.4\"><header srclang=\"en\"/><body>\
        <tu><tuv xml:lang=\"en\"><seg>Forum</seg></tuv><tuv xml:lang=\"ja-JP\"><seg>フォーラム</seg></tuv></tu></body></tmx>";
    let utf16be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    let f = w.write("be.tmx", utf16be);
    let report = w.json(["import".as_ref(), f.as_os_str()]);
    assert_eq!(report["files"][0]["encoding"], "UTF-16BE");
    assert!(
        w.units()
            .iter()
            .any(|u| u.variants.iter().any(|v| v.text == "フォーラム"))
    );
}

#[test]
fn inline_codes_are_kept_exactly_and_left_out_of_plain_text() {
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        fixture("tmx/ImportTest2A.tmx").as_os_str(),
    ]);
    let units = w.units();
    let en = |tuid: &str| {
        units
            .iter()
            .find(|u| u.tuid.as_deref() == Some(tuid))
            .and_then(|u| u.variants.iter().find(|v| v.lang.as_str() == "en-US"))
            .cloned()
            .unwrap()
    };
    let v = en("1");
    assert_eq!(v.text, "The big black cat sleeps.");
    assert_eq!(
        v.markup.as_deref(),
        Some(
            "The big <bpt i=\"1\" x=\"1\" type=\"bold\">&lt;b&gt;</bpt>black<ept i=\"1\">&lt;/b&gt;</ept> \
             <bpt i=\"2\" x=\"2\" type=\"ulined\">&lt;u&gt;</bpt>cat<ept i=\"2\">&lt;/u&gt;</ept> sleeps."
        )
    );
    let hi = units
        .iter()
        .flat_map(|u| &u.variants)
        .find(|v| v.content().contains("<hi"))
        .unwrap();
    assert!(hi.text.contains("a part highlighted") || hi.text.contains("une portion délimitée"));
    let plain_without_tags = units
        .iter()
        .flat_map(|u| &u.variants)
        .all(|v| !v.text.contains("&lt;"));
    assert!(plain_without_tags);
}

#[test]
fn language_tags_are_canonical_and_mapped() {
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        fixture("tmx/ImportTest1B.tmx").as_os_str(),
    ]);
    let langs: Vec<String> = w.units()[0]
        .variants
        .iter()
        .map(|v| v.lang.to_string())
        .collect();
    assert_eq!(langs, ["en-US", "fr-CA"]);
    let doc = "<tmx version=\"1.4\"><header srclang=\"EN\"/><body>\
        <tu><tuv xml:lang=\"EN\"><seg>Suga</seg></tuv><tuv xml:lang=\"zh\"><seg>菅义伟</seg></tuv>\
        <tuv xml:lang=\"ja_jp\"><seg>菅義偉</seg></tuv></tu></body></tmx>";
    let f = w.write("zh.tmx", doc);
    let m = Work::new();
    m.ok([
        "import".as_ref(),
        f.as_os_str(),
        "--lang-map".as_ref(),
        "zh=zh-CN".as_ref(),
    ]);
    let langs: Vec<String> = m.units()[0]
        .variants
        .iter()
        .map(|v| v.lang.to_string())
        .collect();
    assert_eq!(langs, ["en", "zh-CN", "ja-JP"]);
    let out = m.run(["import", "x.tmx", "--lang-map", "zh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected FROM=TO"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn source_language_follows_the_units_when_the_header_disagrees() {
    // Trados: header EN-GB, every source EN-US. Compliance kit 1K: per-unit srclang.
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        fixture("tmx/Master_English-German.tmx").as_os_str(),
    ]);
    assert!(
        w.units()
            .iter()
            .all(|u| u.source.as_ref().map(Lang::as_str) == Some("en-US"))
    );
    let k = Work::new();
    k.ok([
        "import".as_ref(),
        fixture("tmx/ImportTest1K.tmx").as_os_str(),
    ]);
    let sources: Vec<String> = k
        .units()
        .iter()
        .map(|u| u.source.clone().unwrap().to_string())
        .collect();
    assert_eq!(sources, ["de-DE", "fr-CA"]);
    // srclang="*all*": the first variant is the source.
    let doc = "<tmx version=\"1.4\"><header srclang=\"*all*\"/><body>\
        <tu><tuv xml:lang=\"ja-JP\"><seg>会議</seg></tuv><tuv xml:lang=\"en\"><seg>meeting</seg></tuv></tu></body></tmx>";
    let f = k.write("all.tmx", doc);
    let a = Work::new();
    a.ok(["import".as_ref(), f.as_os_str()]);
    assert_eq!(a.units()[0].source.as_ref().unwrap().as_str(), "ja-JP");
}

#[test]
fn tmx_11_lang_attribute_and_missing_version_are_read() {
    let w = Work::new();
    let r = w.json([
        "import".as_ref(),
        fixture("tmx/test-omegat_tmx11.tmx").as_os_str(),
    ]);
    assert_eq!(r["files"][0]["tmx_version"], "1.1");
    assert_eq!(r["added"], 4);
    let doc = "<tmx><header srclang=\"en\"/><body><tu><tuv lang=\"en\"><seg>a</seg></tuv>\
        <tuv lang=\"de\"><seg>b</seg></tuv></tu></body></tmx>";
    let f = w.write("nover.tmx", doc);
    let r = w.json(["import".as_ref(), f.as_os_str()]);
    assert_eq!(r["added"], 1);
    assert!(r["files"][0]["tmx_version"].is_null());
}

fn unit_doc(target: &str, attrs: &str, extra: &str) -> String {
    format!(
        "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu tuid=\"1\" {attrs}>{extra}\
         <tuv xml:lang=\"en\"><seg>The forum opened.</seg></tuv>\
         <tuv xml:lang=\"zh-CN\"><seg>{target}</seg></tuv></tu></body></tmx>"
    )
}

#[test]
fn identical_units_are_merged_with_their_dates_counts_and_props() {
    let w = Work::new();
    let a = w.write(
        "a.tmx",
        unit_doc(
            "论坛开幕。",
            "creationdate=\"20200102T000000Z\" changedate=\"20200105T000000Z\" usagecount=\"2\"",
            "<prop type=\"x-client\">A</prop>",
        ),
    );
    let b = w.write(
        "b.tmx",
        unit_doc(
            "论坛开幕。",
            "creationdate=\"20200101T000000Z\" changedate=\"20200103T000000Z\" usagecount=\"5\"",
            "<prop type=\"x-client\">B</prop>",
        ),
    );
    w.ok(["import".as_ref(), a.as_os_str()]);
    let r = w.json(["import".as_ref(), b.as_os_str()]);
    assert_eq!(
        (r["added"].as_u64(), r["merged"].as_u64()),
        (Some(0), Some(1))
    );
    let units = w.units();
    assert_eq!(units.len(), 1);
    let u = &units[0];
    assert_eq!(u.admin.creation_date.as_deref(), Some("20200101T000000Z"));
    assert_eq!(u.admin.change_date.as_deref(), Some("20200105T000000Z"));
    assert_eq!(u.admin.usage_count, Some(5));
    let clients: Vec<&str> = u.props().map(|p| p.value.as_str()).collect();
    assert_eq!(clients, ["A", "B"]);
    // Importing the same file again changes nothing.
    let before = w.export("before.tmx", &[]);
    let r = w.json(["import".as_ref(), b.as_os_str()]);
    assert_eq!(r["merged"], 1);
    assert!(before == w.export("after.tmx", &[]));
}

#[test]
fn same_source_with_another_translation_is_an_alternative_or_overwrites_or_is_skipped() {
    let cases = [
        ("keep", 2, 1, "alternatives"),
        ("overwrite", 1, 1, "overwritten"),
        ("skip", 1, 1, "skipped"),
    ];
    for (mode, units, counted, field) in cases {
        let w = Work::new();
        let a = w.write("a.tmx", unit_doc("论坛开幕。", "", ""));
        let b = w.write("b.tmx", unit_doc("论坛开幕了。", "", ""));
        w.ok(["import".as_ref(), a.as_os_str()]);
        let r = w.json([
            "import".as_ref(),
            b.as_os_str(),
            "--on-duplicate".as_ref(),
            mode.as_ref(),
        ]);
        assert_eq!(r[field], counted, "{mode}: {r}");
        let stored = w.units();
        assert_eq!(stored.len(), units, "{mode}");
        let targets: Vec<&str> = stored.iter().map(|u| u.variants[1].text.as_str()).collect();
        match mode {
            "keep" => assert_eq!(targets, ["论坛开幕。", "论坛开幕了。"]),
            "overwrite" => assert_eq!(targets, ["论坛开幕了。"]),
            _ => assert_eq!(targets, ["论坛开幕。"]),
        }
    }
}

#[test]
fn problems_in_single_units_are_reported_with_locations_and_strict_stops() {
    let w = Work::new();
    let doc = "<tmx version=\"1.4\">\n<header srclang=\"en\"/>\n<body>\n\
        <tu><tuv xml:lang=\"en\"><seg>Good.</seg></tuv><tuv xml:lang=\"ja-JP\"><seg>良い。</seg></tuv></tu>\n\
        <tu>\n  <tuv><seg>No language.</seg></tuv><tuv xml:lang=\"ja\"><seg>言語なし。</seg></tuv></tu>\n\
        <tu><tuv xml:lang=\"en\"><seg>Alone.</seg></tuv></tu>\n\
        </body>\n</tmx>\n";
    let f = w.write("problems.tmx", doc);
    let r = w.json(["import".as_ref(), f.as_os_str()]);
    assert_eq!(
        (r["added"].as_u64(), r["skipped"].as_u64()),
        (Some(1), Some(2)),
        "{r}"
    );
    let problems = r["files"][0]["problems"].as_array().unwrap();
    assert_eq!(problems[0]["location"]["line"], 6);
    assert_eq!(problems[0]["location"]["column"], 3);
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("no xml:lang")
    );
    assert_eq!(problems[1]["location"]["line"], 7);
    assert!(
        problems[1]["message"]
            .as_str()
            .unwrap()
            .contains("only one variant")
    );
    let text = w.ok(["import".as_ref(), f.as_os_str()]);
    assert!(
        text.contains("problems.tmx:6:3: <tuv> has no xml:lang"),
        "{text}"
    );

    let s = Work::new();
    let out = s.run(["import".as_ref(), f.as_os_str(), "--strict".as_ref()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("problems.tmx:6:3:"),
        "{}",
        stderr(&out)
    );
    assert!(
        s.units().is_empty(),
        "--strict failure leaves the memory unchanged"
    );
}

#[test]
fn props_and_notes_at_unit_and_variant_level_survive() {
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        fixture("tmx/ImportTest1L.tmx").as_os_str(),
    ]);
    let u = &w.units()[0];
    assert!(u.extras.iter().any(|e| matches!(e, Extra::Note(_))));
    assert!(u.extras.iter().any(|e| matches!(e, Extra::Prop(_))));
    assert!(u.variants.iter().any(|v| !v.extras.is_empty()));
}

#[test]
fn summary_lists_counts_per_language() {
    let w = Work::new();
    let r = w.json([
        "import".as_ref(),
        repo_file("tmx/beijing-tokyo-forum.tmx").as_os_str(),
    ]);
    let n = r["added"].as_u64().unwrap();
    assert!(n >= 8);
    for lang in ["en", "zh-CN", "ja-JP"] {
        assert_eq!(r["files"][0]["languages"][lang].as_u64(), Some(n), "{lang}");
    }
    let text = w.ok([
        "import".as_ref(),
        repo_file("tmx/beijing-tokyo-forum.tmx").as_os_str(),
    ]);
    assert!(text.contains("merged"), "{text}");
    assert!(text.contains("variants read by language: en"), "{text}");
}

/// XLIFF 1.2 `approved="yes"` makes a target a translation whatever earlier state it has, as
/// translate-toolkit reads it (a reviewer approved it in a tool that sets only `approved`);
/// without it, the state decides.
#[test]
fn xliff_approved_yes_is_imported_and_states_still_decide_otherwise() {
    let w = Work::new();
    let unit = |id: u32, approved: &str, state: &str| {
        format!(
            "<trans-unit id=\"{id}\"{approved}><source>Sentence {id}.</source>\
             <target{state}>句子{id}。</target></trans-unit>\n"
        )
    };
    let xlf = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff version=\"1.2\" \
         xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file original=\"a.txt\" \
         source-language=\"en\" target-language=\"zh-CN\" datatype=\"plaintext\"><body>\n{}{}{}{}</body></file></xliff>\n",
        unit(1, " approved=\"yes\"", " state=\"needs-translation\""),
        unit(2, "", " state=\"needs-translation\""),
        unit(3, " approved=\"no\"", " state=\"translated\""),
        unit(4, " approved=\"yes\"", " state=\"new\""),
    );
    w.write("a.xlf", xlf);
    let report = w.json(["import", "a.xlf"]);
    assert_eq!(report["added"], 3, "{report}");
    assert_eq!(report["skipped"], 1, "{report}");
    let sources: Vec<String> = w
        .units()
        .iter()
        .map(|u| u.variants[0].text.clone())
        .collect();
    assert_eq!(sources, ["Sentence 1.", "Sentence 3.", "Sentence 4."]);
}
