//! Property: every file tmkit writes parses again, whatever Unicode its texts hold (all planes,
//! C0 and C1 controls, bidi controls, U+FFFE and U+FFFF, markup characters), and reading it back
//! gives the same texts. TMX (export, the kit's, the OmegaT project's) also validates against the
//! TMX 1.4 DTD with xmllint; XLIFF and TBX are checked for well-formedness with xmllint; the HTML
//! review page holds no character HTML forbids. Bytes that are not text (lone UTF-16 surrogates)
//! are refused, never written.

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;

use tmkit::formats::tmx;
use tmkit::formats::xliff::{self, AltTrans, Content, Group, State, Target, XNote};
use tmkit::formats::{ItemReader, tbx};
use tmkit::kit::Rates;
use tmkit::model::{Extra, Lang, Note, Prop, Term, TermEntry, TranslationUnit, Variant};
use tmkit::ops::import::{self, ImportConfig};
use tmkit::ops::prepare::{self, Article, Helpers, PrepareConfig};
use tmkit::ops::segment::{self, BadRules};
use tmkit::store::Store;

fn lang(tag: &str) -> Lang {
    Lang::parse(tag).unwrap()
}

/// Text made of what breaks XML writers: controls, noncharacters, bidi controls, markup
/// characters, and any character of any plane.
fn any_text(max: usize) -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => Just(' '),
        3 => proptest::char::range('\0', '\u{1f}'),
        1 => proptest::char::range('\u{7f}', '\u{9f}'),
        2 => prop::sample::select(vec![
            '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}',
            '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{feff}', '\u{fffe}', '\u{ffff}',
            '\u{fffd}', '\u{fdd0}', '\u{1fffe}', '\u{10ffff}', '&', '<', '>', '"', '\'', ']',
            '.', '。', '?',
        ]),
        1 => proptest::char::range('\u{4e00}', '\u{9fff}'),
        2 => any::<char>(),
    ];
    proptest::collection::vec(c, 0..max).prop_map(|v| v.into_iter().collect())
}

fn xmllint(args: &[&str], path: &Path) -> Result<(), String> {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .args(args)
        .arg(path)
        .output()
        .expect("xmllint is installed (apt-get install libxml2-utils)");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn dtd_valid(path: &Path) -> Result<(), String> {
    let dtd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tmx14.dtd");
    xmllint(&["--dtdvalid", dtd.to_str().unwrap()], path)
}

fn read_tmx(path: &Path) -> Vec<TranslationUnit> {
    let mut reader = tmx::Reader::open(path).unwrap();
    let mut unit = TranslationUnit::default();
    let mut out = Vec::new();
    loop {
        match reader.read_unit(&mut unit).unwrap() {
            tmx::Item::Unit => out.push(unit.clone()),
            tmx::Item::Problem(p) => panic!("{}: {}", p.location, p.message),
            tmx::Item::End => return out,
        }
    }
}

/// Characters HTML reports as parse errors.
fn html_forbidden(c: char) -> bool {
    let n = c as u32;
    (n < 0x20 && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        || (0x7f..=0x9f).contains(&n)
        || (0xfdd0..=0xfdef).contains(&n)
        || (n & 0xfffe) == 0xfffe
}

/// What the TBX reader makes of element text: XML white space folded.
fn folded(s: &str) -> String {
    s.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn tmx_written_parses_validates_and_reads_back(
        texts in proptest::collection::vec((any_text(24), any_text(24), any_text(12)), 1..4),
        tuid in any_text(8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.tmx");
        let units: Vec<TranslationUnit> = texts
            .iter()
            .map(|(en, zh, note)| TranslationUnit {
                tuid: Some(tuid.clone()),
                source: Some(lang("en")),
                extras: vec![
                    Extra::Note(Note { lang: None, encoding: None, text: note.clone() }),
                    Extra::Prop(Prop {
                        kind: "x-test".to_string(),
                        lang: None,
                        encoding: None,
                        value: note.clone(),
                    }),
                ],
                variants: vec![Variant::new(lang("en"), en.clone()), Variant::new(lang("zh-CN"), zh.clone())],
                ..TranslationUnit::default()
            })
            .collect();
        let options = tmx::WriterOptions { srclang: "en".to_string(), ..tmx::WriterOptions::default() };
        let mut w = tmx::Writer::new(std::fs::File::create(&path).unwrap(), &options).unwrap();
        for u in &units {
            w.write_unit(u).unwrap();
        }
        w.finish().unwrap();
        prop_assert_eq!(dtd_valid(&path), Ok(()));
        let back = read_tmx(&path);
        prop_assert_eq!(back.len(), units.len());
        for (b, u) in back.iter().zip(&units) {
            prop_assert_eq!(&b.variants, &u.variants, "write -> read gives the same variants");
            prop_assert_eq!(&b.extras, &u.extras);
        }
    }

    #[test]
    fn xliff_written_parses_and_reads_back(
        source in any_text(24),
        target in any_text(24),
        note in any_text(12),
        after in any_text(6),
        original in any_text(8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.xlf");
        let mut unit = xliff::Unit::new("1", Content::plain(source.clone()));
        unit.target = Some(Target {
            content: Content::plain(target.clone()),
            state: Some(State::Translated),
            state_qualifier: Some("exact-match".to_string()),
        });
        unit.notes.push(XNote { text: note.clone(), ..XNote::default() });
        unit.alt_trans.push(AltTrans {
            match_quality: Some("80".to_string()),
            origin: Some("tmkit".to_string()),
            source: Some(Content::plain(note.clone())),
            target: Content::plain(target.clone()),
            lang: Some(lang("zh-CN")),
        });
        unit.text_after = Some(after.clone());
        let file = xliff::File {
            original: original.clone(),
            source_lang: lang("en"),
            target_lang: Some(lang("zh-CN")),
            datatype: "plaintext".to_string(),
            skeleton: None,
            notes: vec![],
            groups: vec![Group { units: vec![unit.clone()], ..Group::default() }],
        };
        let mut w = xliff::Writer::new(std::fs::File::create(&path).unwrap(), &xliff::WriterOptions::default()).unwrap();
        w.write_file(&file).unwrap();
        w.finish().unwrap();
        prop_assert_eq!(xmllint(&[], &path), Ok(()));
        let mut reader = xliff::Reader::open(&path).unwrap();
        let mut back = xliff::Unit::new("", Content::plain(""));
        prop_assert!(matches!(reader.read_unit(&mut back).unwrap(), xliff::Item::Unit));
        prop_assert_eq!(&back.source, &unit.source);
        prop_assert_eq!(&back.target, &unit.target);
        prop_assert_eq!(&back.notes, &unit.notes);
        prop_assert_eq!(&back.alt_trans, &unit.alt_trans);
        prop_assert_eq!(back.text_after.as_deref().unwrap_or(""), after.as_str());
    }

    #[test]
    fn tbx_written_parses_and_reads_back(
        en in any_text(16),
        zh in any_text(16),
        definition in any_text(16),
        note in any_text(16),
    ) {
        prop_assume!(!folded(&en).is_empty() && !folded(&zh).is_empty());
        let mut entry = TermEntry::default();
        entry.terms.push(Term::new(lang("en"), en.clone()));
        entry.terms.push(Term::new(lang("zh-CN"), zh.clone()));
        entry.definition = Some(definition.clone());
        entry.note = Some(note.clone());
        for version in [tbx::Version::V3, tbx::Version::V2] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("out.tbx");
            let options = tbx::WriterOptions { version, ..tbx::WriterOptions::default() };
            let mut w = tbx::Writer::new(std::fs::File::create(&path).unwrap(), &options).unwrap();
            w.write_entry(&entry).unwrap();
            w.finish().unwrap();
            prop_assert_eq!(xmllint(&[], &path), Ok(()));
            let back = tbx::Reader::open(&path).unwrap().read_all().unwrap().0;
            prop_assert_eq!(back.len(), 1);
            let texts: Vec<String> = back[0].terms.iter().map(|t| t.text.clone()).collect();
            prop_assert_eq!(texts, vec![folded(&en), folded(&zh)]);
            let want = Some(folded(&definition)).filter(|d| !d.is_empty());
            prop_assert_eq!(&back[0].definition, &want);
            // One <note> per line that is not blank (the writer skips lines of Unicode white
            // space only, as U+000B), each read back with XML white space folded.
            let lines: Vec<String> = note
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(folded)
                .filter(|l| !l.is_empty())
                .collect();
            let want = Some(lines.join("\n")).filter(|n| !n.is_empty());
            prop_assert_eq!(&back[0].note, &want);
        }
    }

    #[test]
    fn utf16_articles_are_decoded_exactly_or_refused(
        units in proptest::collection::vec(
            prop_oneof![
                4 => any::<u16>(),
                1 => 0xd800u16..0xe000,
                2 => 0x20u16..0x7f,
            ],
            1..40,
        ),
    ) {
        let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
        let got = prepare::decode_article(&bytes, "a.txt", Some("utf-16le"));
        match String::from_utf16(&units) {
            Err(_) => prop_assert!(got.is_err(), "a lone surrogate is refused"),
            Ok(s) if s.trim().is_empty() => prop_assert!(got.is_err()),
            Ok(s) => prop_assert_eq!(got.unwrap(), s),
        }
    }
}

/// Segment markup as other tools write it: inline elements nested anywhere (also where the DTD
/// does not allow them), with declared, undeclared and invalid attributes.
fn foreign_markup() -> impl Strategy<Value = String> {
    let text = any_text(6).prop_map(|t| {
        let mut out = String::new();
        tmkit::formats::xml::escape_text(&t, &mut out);
        out
    });
    let attrs = prop::sample::subsequence(
        vec![
            ("x", "2"),
            ("type", "bold"),
            ("pos", "begin"),
            ("pos", "middle"),
            ("id", "7"),
            ("foo", "b&amp;r"),
            ("assoc", "p"),
            ("datatype", "html"),
            ("xml:lang", "en"),
        ],
        0..4,
    );
    text.prop_recursive(4, 24, 4, move |inner| {
        (
            prop::sample::select(vec!["ph", "it", "hi", "sub", "ut"]),
            attrs.clone(),
            proptest::collection::vec(inner, 0..4),
        )
            .prop_map(|(name, attrs, children)| {
                let mut seen = Vec::new();
                let mut out = format!("<{name}");
                for (k, v) in attrs {
                    if !seen.contains(&k) {
                        seen.push(k);
                        out.push_str(&format!(" {k}=\"{v}\""));
                    }
                }
                out.push('>');
                out.extend(children);
                out.push_str(&format!("</{name}>"));
                out
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn tmx_from_other_tools_is_exported_dtd_valid_with_the_same_text(
        segs in proptest::collection::vec(foreign_markup(), 1..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.tmx");
        let mut doc = String::from(
            "<tmx version=\"1.4\"><header srclang=\"en\"/><body>",
        );
        for seg in &segs {
            doc.push_str(&format!(
                "<tu foo=\"1\" segtype=\"x\"><tuv xml:lang=\"en\" bar=\"2\"><seg>{seg}</seg></tuv>\
                 <tuv xml:lang=\"zh-CN\"><seg>t{seg}</seg></tuv></tu>"
            ));
        }
        doc.push_str("</body></tmx>");
        std::fs::write(&input, doc).unwrap();
        let read = read_tmx(&input);
        let output = dir.path().join("out.tmx");
        let options = tmx::WriterOptions { srclang: "en".to_string(), ..tmx::WriterOptions::default() };
        let mut w = tmx::Writer::new(std::fs::File::create(&output).unwrap(), &options).unwrap();
        for u in &read {
            w.write_unit(u).unwrap();
        }
        w.finish().unwrap();
        prop_assert_eq!(dtd_valid(&output), Ok(()));
        let back = read_tmx(&output);
        let texts = |units: &[TranslationUnit]| -> Vec<Vec<String>> {
            units.iter().map(|u| u.variants.iter().map(|v| v.text.clone()).collect()).collect()
        };
        prop_assert_eq!(texts(&back), texts(&read));
    }
}

proptest! {
    // A whole kit per case: fewer cases.
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn kit_files_parse_and_give_back_the_article(
        sentences in proptest::collection::vec(any_text(20), 1..4),
        target in any_text(16),
    ) {
        let article = sentences.join(". ") + ".\n";
        let dir = tempfile::tempdir().unwrap();
        let engine = segment::default_engine().unwrap();
        let (rules, _) = segment::rules_for(engine, "en", BadRules::Fail).unwrap();
        let segmented = segment::segment_bytes(article.as_bytes(), &rules, false).unwrap();
        prop_assume!(!segmented.segments.is_empty());
        // A memory with a translation of every segment.
        let memory = dir.path().join("memory.tmx");
        let options = tmx::WriterOptions { srclang: "en".to_string(), ..tmx::WriterOptions::default() };
        let mut w = tmx::Writer::new(std::fs::File::create(&memory).unwrap(), &options).unwrap();
        for s in &segmented.segments {
            w.write_unit(&TranslationUnit {
                source: Some(lang("en")),
                variants: vec![
                    Variant::new(lang("en"), s.text(&article)),
                    Variant::new(lang("zh-CN"), target.clone()),
                ],
                ..TranslationUnit::default()
            })
            .unwrap();
        }
        w.finish().unwrap();
        prop_assert_eq!(dtd_valid(&memory), Ok(()));
        let mut store = Store::open(&dir.path().join("memory.db")).unwrap();
        let config = ImportConfig { files: vec![memory], ..ImportConfig::default() };
        import::import(&mut store, &config, &import::NoProgress).unwrap();
        let config = PrepareConfig {
            from: lang("en"),
            to: vec![lang("zh-CN")],
            min: 75,
            max_matches: 3,
            rates: Rates::default(),
        };
        let finder = |_: &str| Vec::new();
        let check = |_: &str, _: &str, _: &Lang| Vec::new();
        let kit = prepare::prepare(
            Article { name: "article.txt", text: article.clone(), segments: &segmented.segments },
            &[&store],
            &config,
            Helpers { glossary: Vec::new(), find_terms: &finder, check: &check },
        )
        .unwrap();
        let out = dir.path().join("kit");
        std::fs::create_dir(&out).unwrap();
        tmkit::kit::files::write_kit(&kit, &out, segment::default_engine().unwrap()).unwrap();

        // The XLIFF parses and gives back the article.
        let xlf = out.join("article.zh-CN.xlf");
        prop_assert_eq!(xmllint(&[], &xlf), Ok(()));
        let mut reader = xliff::Reader::open(&xlf).unwrap();
        let mut unit = xliff::Unit::new("", Content::plain(""));
        let mut rebuilt = String::new();
        while let xliff::Item::Unit = reader.read_unit(&mut unit).unwrap() {
            prop_assert!(unit.source.markup.is_none(), "{:?}", unit.source);
            rebuilt.push_str(&unit.source.text);
            rebuilt.push_str(unit.text_after.as_deref().unwrap_or(""));
        }
        prop_assert_eq!(&rebuilt, &article);
        // Every TMX validates and holds the segments.
        let tmx_files = [
            out.join("article.tmx"),
            out.join("article.omegat/tm/auto/article.tmx"),
            out.join("article.omegat/tm/article-fuzzy.tmx"),
        ];
        for t in &tmx_files {
            prop_assert_eq!(dtd_valid(t), Ok(()));
        }
        for f in ["omegat.project", "omegat/filters.xml", "omegat/segmentation.conf"] {
            let path = out.join("article.omegat").join(f);
            prop_assert_eq!(xmllint(&[], &path), Ok(()));
            // OmegaT reads these with Java, which skips processing instructions: none may be
            // needed there.
            let text = std::fs::read_to_string(&path).unwrap();
            prop_assert!(!text.contains("<?tmkit-char"), "{}", f);
        }
        let sources: Vec<String> = read_tmx(&tmx_files[0]).iter().map(|u| u.variants[0].text.clone()).collect();
        // One unit per distinct segment: a repetition (the same text up to white space) is not
        // written again.
        let mut seen = std::collections::HashSet::new();
        let want: Vec<String> = segmented
            .segments
            .iter()
            .map(|s| s.text(&article).to_string())
            .filter(|t| seen.insert(t.split_whitespace().collect::<Vec<_>>().join(" ")))
            .collect();
        prop_assert_eq!(sources, want);
        // The review page holds nothing HTML forbids.
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        prop_assert!(!html.chars().any(html_forbidden), "{}", html);
    }
}
