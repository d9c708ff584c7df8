//! Glossary formats: every corpus file under `tests/fixtures/glossary/` imports (or is rejected with a
//! located message), round trips through the writers, and bad input is located.

use std::path::{Path, PathBuf};

use tmkit::formats::glossary::{self, Layout, OmegatWriter, ReadOptions};
use tmkit::formats::tbx::{self, Version, WriterOptions};
use tmkit::formats::{GlossaryFormat, ItemReader, Problem, input_from_reader};
use tmkit::model::{Lang, TermEntry, TermStatus};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/glossary")
        .join(name)
}

fn lang(tag: &str) -> Lang {
    Lang::parse(tag).unwrap()
}

fn read_tbx(name: &str) -> (Vec<TermEntry>, Vec<Problem>) {
    let mut reader = tbx::Reader::open(&fixture(name)).unwrap();
    let (entries, problems) = reader.read_all().unwrap();
    (entries, problems)
}

fn read_tbx_bytes(bytes: Vec<u8>) -> tmkit::Result<(Vec<TermEntry>, Vec<Problem>)> {
    let input = input_from_reader(Box::new(std::io::Cursor::new(bytes)), "mem.tbx".into())?;
    let mut reader = tbx::Reader::from_input(input)?;
    let (entries, problems) = reader.read_all()?;
    Ok((entries, problems))
}

/// Options as `--langs en,zh-CN` gives them: the languages of files without a header row.
fn options(format: GlossaryFormat) -> ReadOptions {
    ReadOptions::for_format(format, lang("en"), lang("zh-CN"))
}

fn read_delimited(name: &str) -> (Vec<TermEntry>, Vec<Problem>) {
    let path = fixture(name);
    let head = std::fs::read(&path).unwrap();
    let format = GlossaryFormat::detect(&path, &head);
    let mut reader = glossary::Reader::open(&path, &options(format)).unwrap();
    let (entries, problems) = reader.read_all().unwrap();
    (entries, problems)
}

fn read_text(text: &str, format: GlossaryFormat) -> tmkit::Result<(Vec<TermEntry>, Vec<Problem>)> {
    read_bytes(text.as_bytes().to_vec(), format)
}

fn read_bytes(
    bytes: Vec<u8>,
    format: GlossaryFormat,
) -> tmkit::Result<(Vec<TermEntry>, Vec<Problem>)> {
    let mut reader = glossary::Reader::from_reader(
        Box::new(std::io::Cursor::new(bytes)),
        "mem.csv".into(),
        &options(format),
    )?;
    let (entries, problems) = reader.read_all()?;
    Ok((entries, problems))
}

fn texts(entry: &TermEntry) -> Vec<(&str, &str, TermStatus)> {
    entry
        .terms
        .iter()
        .map(|t| (t.lang.as_str(), t.text.as_str(), t.status))
        .collect()
}

#[test]
fn every_tbx_corpus_file_imports_with_its_entry_count() {
    let table = [
        ("sampleTBXfile.tbx", 1, 0),
        ("sdl_tbx.tbx", 223, 0),
        ("oracle_TBX.tbx", 2, 0),
        ("test02_win1254.tbx", 1, 0),
        ("InterpretBank_Glossary1.tbx", 9, 2),
        ("ImportTBXTest_en-US_zh-CN.tbx", 314, 0),
        ("TBX-Basic_DCA_Example_Astronomy_VALID.tbx", 45, 0),
        ("TBX-Min_DCA_Example_Astronomy_VALID.tbx", 45, 0),
        ("basic_bad.tbx", 0, 45),
        ("csv2tbx_gtk30_en-zh-CN.tbx", 30, 0),
    ];
    for (name, entries, problems) in table {
        let (e, p) = read_tbx(name);
        assert_eq!(e.len(), entries, "{name}");
        assert_eq!(p.len(), problems, "{name}: {p:?}");
        assert!(e.iter().all(|e| !e.terms.is_empty()), "{name}");
    }
}

#[test]
fn tbx_v2_files_give_their_terms() {
    let (e, _) = read_tbx("sampleTBXfile.tbx");
    assert_eq!(e[0].id.as_deref(), Some("eid-Oracle-67"));
    assert_eq!(e[0].subject.as_deref(), Some("manufacturing"));
    assert_eq!(
        e[0].definition.as_deref(),
        Some("A value between 0 and 1 used in ...")
    );
    assert_eq!(e[0].terms[0].text, "alpha smoothing factor");
    assert_eq!(e[0].terms[0].pos.as_deref(), Some("noun"));
    assert_eq!(e[0].terms[1].lang, lang("hu"));

    // ntig/termGrp; padded term text trimmed; standardized = preferred, so the unmarked "PRE" in the
    // same langSet is admitted while the English "PRE" (no marked term) stays preferred.
    let (e, _) = read_tbx("oracle_TBX.tbx");
    assert_eq!(
        texts(&e[0]),
        [
            (
                "en",
                "Provincial Reporting Establishment",
                TermStatus::Preferred
            ),
            ("en", "PRE", TermStatus::Preferred),
            (
                "pt",
                "Entidade de Supervisão de Província",
                TermStatus::Preferred
            ),
            ("pt", "PRE", TermStatus::Admitted),
        ]
    );
    assert_eq!(e[0].subject.as_deref(), Some("HR"));
    assert!(
        e[0].definition
            .as_deref()
            .unwrap()
            .starts_with("GREs and PREs represent an employer the governments recognise")
    );
    assert_eq!(
        e[0].terms[2].note.as_deref(),
        Some("Termo específico aos EUA.")
    );

    let (e, _) = read_tbx("sdl_tbx.tbx");
    assert_eq!(e[0].id.as_deref(), Some("c1"));
    assert_eq!(
        texts(&e[0]),
        [
            ("de", "Zickzackfalz", TermStatus::Preferred),
            ("de", "Harmonikafalz", TermStatus::Preferred),
            ("en", "accordion fold", TermStatus::Preferred),
        ]
    );

    let (e, _) = read_tbx("test02_win1254.tbx");
    assert_eq!(e[0].terms[0].text, "term with: éá and İı");
    assert_eq!(e[0].terms[1].text, "tr term with: éá and İı");

    let (e, p) = read_tbx("InterpretBank_Glossary1.tbx");
    assert!(p[0].message.contains("<glossary>"), "{p:?}");
    assert_eq!((p[0].location.line, p[0].location.column), (5, 3));
    assert_eq!(e[0].id, None);
    // "helmet" has empty French, German and Italian terms: only the English one is kept.
    assert_eq!(texts(&e[3]), [("en", "helmet", TermStatus::Preferred)]);

    let (e, _) = read_tbx("ImportTBXTest_en-US_zh-CN.tbx");
    assert_eq!(
        texts(&e[3]),
        [
            ("en-US", "7 External microphone", TermStatus::Preferred),
            ("zh-CN", "7 外置麦克风", TermStatus::Preferred),
        ]
    );

    let (e, _) = read_tbx("csv2tbx_gtk30_en-zh-CN.tbx");
    assert_eq!(e[0].id.as_deref(), Some("About"));
    assert_eq!(texts(&e[0])[1], ("xx", "关于", TermStatus::Preferred));
}

#[test]
fn tbx_v3_files_give_statuses_notes_and_definitions() {
    let (e, _) = read_tbx("TBX-Basic_DCA_Example_Astronomy_VALID.tbx");
    let c1 = &e[0];
    assert_eq!(c1.id.as_deref(), Some("c1"));
    assert_eq!(c1.subject.as_deref(), Some("General"));
    assert_eq!(
        c1.definition.as_deref(),
        Some("A group of stars formed together in the spiral arms of a galaxy.")
    );
    assert_eq!(
        c1.note.as_deref(),
        Some("G-Source: http://www.physics.drexel.edu/observatory/dump.shtml")
    );
    assert_eq!(
        texts(c1),
        [
            ("en", "open cluster", TermStatus::Preferred),
            ("en", "galactic cluster", TermStatus::Forbidden),
            ("es", "cúmulo abierto", TermStatus::Preferred),
        ]
    );
    let note = c1.terms[1].note.as_deref().unwrap();
    assert!(note.starts_with("Another name for an open star cluster."));
    assert!(note.ends_with("\nN-Source: http://www.delscope.demon.co.uk/astronomy/glossary.htm#G"));
    let c2 = &e[1];
    assert_eq!(c2.terms[1].text, "accretion disc");
    assert_eq!(c2.terms[1].status, TermStatus::Admitted);

    let (e, _) = read_tbx("TBX-Min_DCA_Example_Astronomy_VALID.tbx");
    assert_eq!(e[1].subject.as_deref(), Some("Stellar Birth"));
    assert_eq!(
        texts(&e[1])[3],
        ("es", "disco de acreción", TermStatus::Preferred)
    );
}

#[test]
fn basic_bad_tbx_concepts_that_break_tbx_basic_are_skipped_with_their_reason() {
    // Well-formed, says it is TBX-Basic, and breaks the dialect in every concept: each is reported
    // at its first offending element and skipped.
    let (e, p) = read_tbx("basic_bad.tbx");
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(p.len(), 45);
    let first = format!("{}: {}", p[0].location, p[0].message);
    assert!(
        first.ends_with(
            "basic_bad.tbx:26:6: <transac> of type \"theWrongType\" is not a TBX-Basic data \
             category (expected transactionType): concept skipped"
        ),
        "{first}"
    );
    let creation = p
        .iter()
        .filter(|p| {
            p.message
                .starts_with("transactionType \"creation\" is not a TBX-Basic value")
        })
        .count();
    assert_eq!(creation, 44);
    // The valid twin of the file gives every concept.
    let (e, p) = read_tbx("TBX-Basic_DCA_Example_Astronomy_VALID.tbx");
    assert_eq!((e.len(), p.len()), (45, 0));
}

/// A TBX v3 document of `dialect` with one concept whose English term section holds `inner`,
/// then a valid concept.
fn basic_doc(dialect: &str, inner: &str) -> String {
    format!(
        "<tbx type=\"{dialect}\" style=\"dca\" xmlns=\"urn:iso:std:iso:30042:ed-2\"><text><body>\n\
         <conceptEntry id=\"bad\"><langSec xml:lang=\"en\"><termSec><term>star</term>{inner}\
         </termSec></langSec></conceptEntry>\n\
         <conceptEntry id=\"good\"><langSec xml:lang=\"en\"><termSec><term>moon</term>\
         <termNote type=\"partOfSpeech\">noun</termNote></termSec></langSec></conceptEntry>\n\
         </body></text></tbx>"
    )
}

#[test]
fn tbx_basic_rules_are_checked_and_other_dialects_read_leniently() {
    // (inner markup of a term section, the problem reported in a TBX-Basic file)
    let table = [
        (
            "<termNote type=\"usageStatus\">preferred</termNote>",
            "<termNote> of type \"usageStatus\" is not a TBX-Basic data category (expected \
             administrativeStatus, partOfSpeech, termType, grammaticalGender, geographicalUsage, \
             termLocation): concept skipped",
        ),
        (
            "<termNote type=\"partOfSpeech\">nominal</termNote>",
            "partOfSpeech \"nominal\" is not a TBX-Basic value (expected adjective, noun, other, \
             verb, adverb): concept skipped",
        ),
        (
            "<termNote type=\"administrativeStatus\">preferred</termNote>",
            "administrativeStatus \"preferred\" is not a TBX-Basic value",
        ),
        (
            "<termNote type=\"termType\">longForm</termNote>",
            "termType \"longForm\" is not a TBX-Basic value",
        ),
        (
            "<descrip type=\"definition\">Definitions may not go at the term level.</descrip>",
            "definition in a <termSec>: TBX-Basic allows it only in a <conceptEntry> or <langSec>: \
             concept skipped",
        ),
        (
            "<descripGrp><descrip type=\"subjectField\">Astronomy</descrip></descripGrp>",
            "subjectField in a <termSec>: TBX-Basic allows it only in a <conceptEntry>",
        ),
        (
            "<transacGrp><transac type=\"transactionType\">creation</transac></transacGrp>",
            "transactionType \"creation\" is not a TBX-Basic value (expected origination, \
             modification)",
        ),
        (
            "<transacGrp><transac type=\"transactionType\">origination</transac>\
             <transacNote type=\"wrongType\">Tommy</transacNote></transacGrp>",
            "<transacNote> of type \"wrongType\" is not a TBX-Basic data category (expected \
             responsibility)",
        ),
        (
            "<termNote>noun</termNote>",
            "<termNote> has no type: TBX-Basic needs its data category",
        ),
        (
            "<termNote type=\"usageStatus\"/>",
            "<termNote> of type \"usageStatus\" is not a TBX-Basic data category",
        ),
        (
            "<termNote type=\"partOfSpeech\"/>",
            "partOfSpeech \"\" is not a TBX-Basic value",
        ),
    ];
    for (inner, want) in table {
        let (e, p) = read_tbx_bytes(basic_doc("TBX-Basic", inner).into_bytes()).unwrap();
        assert_eq!(e.len(), 1, "{inner}");
        assert_eq!(e[0].id.as_deref(), Some("good"));
        assert_eq!(p.len(), 1, "{inner}: {p:?}");
        assert_eq!(p[0].location.line, 2, "{inner}");
        assert!(p[0].message.starts_with(want), "{inner}: {}", p[0].message);
        // The same concept in a file of another dialect is read as before.
        for dialect in ["TBX-Min", "TBX-Core", "TBX"] {
            let (e, p) = read_tbx_bytes(basic_doc(dialect, inner).into_bytes()).unwrap();
            assert_eq!((e.len(), p.len()), (2, 0), "{dialect} {inner}: {p:?}");
        }
    }
    // A term note on a language section is in the wrong place too.
    let doc = basic_doc("TBX-Basic", "").replace(
        "<langSec xml:lang=\"en\"><termSec><term>star",
        "<langSec xml:lang=\"en\"><termNote type=\"partOfSpeech\">noun</termNote><termSec><term>star",
    );
    let (_, p) = read_tbx_bytes(doc.into_bytes()).unwrap();
    assert!(
        p[0].message
            .starts_with("partOfSpeech in a <langSec>: TBX-Basic allows it only in a <termSec>"),
        "{p:?}"
    );
    // What TBX-Basic allows passes: every category at its level, private x- categories.
    let ok = "<termNote type=\"administrativeStatus\">supersededTerm-admn-sts</termNote>\
        <termNote type=\"termType\">acronym</termNote><termNote type=\"x-variant\">*</termNote>\
        <termNote type=\"x-partOfSpeech\">properNoun</termNote>\
        <descripGrp><descrip type=\"context\">A star.</descrip><admin type=\"source\">me</admin></descripGrp>\
        <transacGrp><transac type=\"transactionType\">modification</transac><date>2020-01-01</date>\
        <transacNote type=\"responsibility\">me</transacNote></transacGrp>\
        <admin type=\"projectSubset\">p</admin><xref type=\"externalCrossReference\" target=\"https://x.org\">x</xref>";
    let (e, p) = read_tbx_bytes(basic_doc("TBX-Basic", ok).into_bytes()).unwrap();
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(e[0].terms[0].status, TermStatus::Forbidden);
    assert_eq!(e[0].terms[0].pos.as_deref(), Some("properNoun"));
}

#[test]
fn tbx_v3_writer_keeps_a_part_of_speech_outside_the_picklist_within_tbx_basic() {
    let mut entry = TermEntry {
        id: Some("wang-yi".into()),
        ..TermEntry::default()
    };
    let mut t = tmkit::model::Term::new(lang("en"), "Wang Yi");
    t.pos = Some("properNoun".into());
    entry.terms.push(t);
    let mut t = tmkit::model::Term::new(lang("zh-CN"), "王毅");
    t.pos = Some("noun".into());
    entry.terms.push(t);
    let mut w = tbx::Writer::new(Vec::new(), &WriterOptions::default()).unwrap();
    w.write_entry(&entry).unwrap();
    let out = w.finish().unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains("<termNote type=\"x-partOfSpeech\">properNoun</termNote>"));
    assert!(text.contains("<termNote type=\"partOfSpeech\">noun</termNote>"));
    let (back, p) = read_tbx_bytes(out).unwrap();
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(back, [entry]);
}

#[test]
fn poorly_formed_tbx_is_rejected_with_its_location() {
    let path = fixture("poorly_formed_xml.tbx");
    let result = tbx::Reader::open(&path).and_then(|mut r| r.read_all());
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains(
            "poorly_formed_xml.tbx:42:6: not well-formed XML: expected </term>, found </termSec>"
        ),
        "{message}"
    );
}

#[test]
fn dct_style_and_every_namespace_read_alike() {
    let dca = r#"<tbx type="TBX-Basic" style="dca" xmlns="NS"><tbxHeader/><text><body>
      <conceptEntry id="c7"><descrip type="subjectField">Astronomy</descrip>
        <langSec xml:lang="en"><termSec><term>star</term>
          <termNote type="partOfSpeech">noun</termNote>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
        </langSec></conceptEntry></body></text></tbx>"#;
    let dct = r#"<tbx type="TBX-Basic" style="dct" xmlns="NS"
        xmlns:basic="http://www.tbxinfo.net/ns/basic" xmlns:min="http://www.tbxinfo.net/ns/min">
      <tbxHeader/><text><body>
      <conceptEntry id="c7"><min:subjectField>Astronomy</min:subjectField>
        <langSec xml:lang="en"><termSec><term>star</term>
          <min:partOfSpeech>noun</min:partOfSpeech>
          <basic:administrativeStatus>deprecatedTerm-admn-sts</basic:administrativeStatus></termSec>
        </langSec></conceptEntry></body></text></tbx>"#;
    let mut all = Vec::new();
    for doc in [dca, dct] {
        for ns in [
            "urn:iso:std:iso:30042:ed-2",
            "urn:iso:std:iso:30042:ed-1",
            "",
        ] {
            let doc = if ns.is_empty() {
                doc.replace(" xmlns=\"NS\"", "")
            } else {
                doc.replace("NS", ns)
            };
            let (e, p) = read_tbx_bytes(doc.into_bytes()).unwrap();
            assert!(p.is_empty(), "{p:?}");
            all.push(e);
        }
    }
    assert_eq!(all[0][0].subject.as_deref(), Some("Astronomy"));
    assert_eq!(all[0][0].terms[0].status, TermStatus::Forbidden);
    assert_eq!(all[0][0].terms[0].pos.as_deref(), Some("noun"));
    assert!(all.iter().all(|e| *e == all[0]));
}

#[test]
fn tbx_round_trips_through_both_writers() {
    for name in [
        "sdl_tbx.tbx",
        "oracle_TBX.tbx",
        "sampleTBXfile.tbx",
        "TBX-Basic_DCA_Example_Astronomy_VALID.tbx",
        "ImportTBXTest_en-US_zh-CN.tbx",
    ] {
        let (entries, _) = read_tbx(name);
        for version in [Version::V3, Version::V2] {
            let write = |entries: &[TermEntry]| {
                let options = WriterOptions {
                    version,
                    ..WriterOptions::default()
                };
                let mut w = tbx::Writer::new(Vec::new(), &options).unwrap();
                for e in entries {
                    w.write_entry(e).unwrap();
                }
                w.finish().unwrap()
            };
            let first = write(&entries);
            let (back, problems) = read_tbx_bytes(first.clone()).unwrap();
            assert!(problems.is_empty(), "{name} {version:?}: {problems:?}");
            assert_eq!(back, entries, "{name} {version:?}");
            assert_eq!(
                write(&back),
                first,
                "{name} {version:?}: second write differs"
            );
        }
    }
}

#[test]
fn tbx_writer_keeps_case_flags_variants_and_multi_line_notes() {
    let (mut entries, _) = read_tbx("oracle_TBX.tbx");
    entries[0].terms[0].case_sensitive = true;
    entries[0].terms[0].variants = vec!["Provincial Reporting Est.".into(), "P & R <E>".into()];
    entries[0].note = Some("first line\nsecond line".into());
    let mut w = tbx::Writer::new(Vec::new(), &WriterOptions::default()).unwrap();
    for e in &entries {
        w.write_entry(e).unwrap();
    }
    let out = w.finish().unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tbx type=\"TBX-Basic\" style=\"dca\" \
         xml:lang=\"en\" xmlns=\"urn:iso:std:iso:30042:ed-2\">\n  <tbxHeader>"
    ));
    assert!(text.contains("<termNote type=\"x-caseSensitive\">yes</termNote>"));
    assert!(text.contains("<termNote type=\"x-variant\">P &amp; R &lt;E&gt;</termNote>"));
    let (back, _) = read_tbx_bytes(out).unwrap();
    assert_eq!(back, entries);
}

#[test]
fn tbx_concepts_without_terms_are_reported_and_skipped() {
    let doc = "<martif type=\"TBX\"><text><body>\n\
        <termEntry id=\"a\"><langSet xml:lang=\"en\"><tig><term> </term></tig></langSet></termEntry>\n\
        <termEntry id=\"b\"/>\n\
        <termEntry id=\"c\"><langSet><tig><term>x</term></tig></langSet></termEntry>\n\
        <termEntry id=\"d\"><langSet xml:lang=\"en\"><tig><term>kept</term></tig></langSet></termEntry>\n\
        </body></text></martif>";
    let (e, p) = read_tbx_bytes(doc.as_bytes().to_vec()).unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].terms[0].text, "kept");
    let got: Vec<String> = p
        .iter()
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect();
    assert_eq!(
        got,
        [
            "mem.tbx:2:1: <termEntry> has no terms: skipped",
            "mem.tbx:3:1: <termEntry> has no terms: skipped",
            "mem.tbx:4:19: <langSet> has no xml:lang: concept skipped",
        ]
    );
}

#[test]
fn malformed_tbx_is_fatal_and_located() {
    let table = [
        (
            "<martif><text><body>\n<termEntry><langSet xml:lang=\"en\"><tig><term>x</term></tig>",
            "mem.tbx:2:",
            "unexpected end of file inside a concept (the file may be truncated)",
        ),
        (
            "<tbx><text><body>\n<conceptEntry><langSec xml:lang=\"en\"></termSec>",
            "mem.tbx:2:",
            "expected </langSec>, found </termSec>",
        ),
        ("<tmx version=\"1.4\"/>", "mem.tbx:1:1", "not a TBX file"),
        (
            "<!DOCTYPE martif [<!ENTITY boom \"x\">]><martif/>",
            "mem.tbx:1:1",
            "entity \"boom\"",
        ),
        ("", "mem.tbx:1:1", "the file is empty"),
    ];
    for (doc, at, reason) in table {
        let message = read_tbx_bytes(doc.as_bytes().to_vec())
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with(at) && message.contains(reason),
            "{doc:?}: {message}"
        );
    }
}

#[test]
fn every_delimited_corpus_file_imports() {
    let table = [
        ("glossary_test.csv", GlossaryFormat::Csv, false, 7),
        ("test01_glossary.csv", GlossaryFormat::Csv, false, 4),
        ("test02_utf16be.tsv", GlossaryFormat::Tsv, false, 2),
        ("gtk30_terms_en-zh-CN.csv", GlossaryFormat::Csv, true, 30),
    ];
    for (name, format, header, count) in table {
        let path = fixture(name);
        let head = std::fs::read(&path).unwrap();
        assert_eq!(GlossaryFormat::detect(&path, &head), format, "{name}");
        let reader = glossary::Reader::open(&path, &options(format)).unwrap();
        assert_eq!(reader.has_header(), header, "{name}");
        let (e, p) = read_delimited(name);
        assert_eq!(e.len(), count, "{name}");
        assert!(p.is_empty(), "{name}: {p:?}");
    }

    let pairs = |name| {
        read_delimited(name)
            .0
            .iter()
            .map(|e| {
                (
                    e.terms[0].text.clone(),
                    e.terms[1].text.clone(),
                    e.terms[1].lang.as_str().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let p = pairs("glossary_test.csv");
    assert_eq!(p[2].0, "kde; question");
    assert_eq!(p[3].0, "kde, qu");
    assert_eq!(p[4].0, "\"kde\",\"q\"");
    assert_eq!(p[5].0, "\"\"k");
    assert_eq!(p[6].0, "zz\"zz");
    assert_eq!(p[6].2, "zh-CN");
    let p = pairs("test01_glossary.csv");
    assert_eq!((p[1].0.as_str(), p[1].1.as_str()), ("source 2", "target 2"));
    assert_eq!((p[3].0.as_str(), p[3].1.as_str()), ("source 3", "target 3"));
    let p = pairs("test02_utf16be.tsv");
    assert_eq!((p[0].0.as_str(), p[0].1.as_str()), ("entry 1", "trans 1"));
    assert_eq!(p[1].1, "éßÑ￦ target 2");
    let p = pairs("gtk30_terms_en-zh-CN.csv");
    assert_eq!((p[0].0.as_str(), p[0].1.as_str()), ("About", "关于"));
}

#[test]
fn csv_round_trips_and_the_second_write_is_identical() {
    let sources = [
        read_delimited("gtk30_terms_en-zh-CN.csv").0,
        read_delimited("glossary_test.csv").0,
        read_tbx("TBX-Basic_DCA_Example_Astronomy_VALID.tbx").0,
        read_tbx("oracle_TBX.tbx").0,
    ];
    for (i, entries) in sources.iter().enumerate() {
        for delimiter in [b',', b'\t', b';'] {
            let layout = Layout::for_entries(entries, delimiter);
            let write = |entries: &[TermEntry]| {
                let mut w = glossary::Writer::new(Vec::new(), layout.clone()).unwrap();
                for e in entries {
                    w.write_entry(e).unwrap();
                }
                w.finish().unwrap()
            };
            let first = write(entries);
            let mut reader = glossary::Reader::from_reader(
                Box::new(std::io::Cursor::new(first.clone())),
                "mem".into(),
                &options(GlossaryFormat::Csv),
            )
            .unwrap();
            assert_eq!(reader.delimiter(), delimiter, "source {i}");
            let (back, problems) = reader.read_all().unwrap();
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(
                &back, entries,
                "source {i}, delimiter {}",
                delimiter as char
            );
            assert_eq!(write(&back), first, "source {i}: second write differs");
        }
    }
}

#[test]
fn header_csv_reads_statuses_variants_and_per_language_columns() {
    let csv = "en,en:case,zh-CN,zh-CN:status,zh-CN,zh-CN:status,ja-JP,pos,note\n\
               Asia-Pacific|Asia Pacific,yes,亚太,preferred,亚太地区,forbidden,アジア太平洋,noun,region\n";
    let (e, p) = read_text(csv, GlossaryFormat::Csv).unwrap();
    assert!(p.is_empty());
    let e = &e[0];
    assert_eq!(
        texts(e),
        [
            ("en", "Asia-Pacific", TermStatus::Preferred),
            ("zh-CN", "亚太", TermStatus::Preferred),
            ("zh-CN", "亚太地区", TermStatus::Forbidden),
            ("ja-JP", "アジア太平洋", TermStatus::Preferred),
        ]
    );
    assert_eq!(e.terms[0].variants, ["Asia Pacific"]);
    assert!(e.terms[0].case_sensitive);
    assert!(!e.terms[1].case_sensitive);
    assert!(e.terms.iter().all(|t| t.pos.as_deref() == Some("noun")));
    assert_eq!(e.note.as_deref(), Some("region"));
}

#[test]
fn bad_delimited_input_is_fatal_and_located() {
    let table = [
        (
            "en,zh-CN\nfoo,\"bar\nbaz,qux\n",
            "mem.csv:2:5: unclosed quote",
        ),
        (
            "en,zh-CN\na,b\nc,d,e\n",
            "mem.csv:3:5: wrong number of fields: this row has 3, the header row has 2",
        ),
        (
            "en,zh-CN\na\n",
            "mem.csv:2:2: wrong number of fields: this row has 1, the header row has 2",
        ),
        (
            "en,zh-CN,englisch\n",
            "mem.csv:1:10: unknown column \"englisch\": expected a language tag or name",
        ),
        (
            "en;zh-CN;ja:colour\n",
            "mem.csv:1:10: unknown column \"ja:colour\": after \"ja:\" expected status",
        ),
        (
            "zh-CN:status,en,zh-CN\n",
            "mem.csv:1:1: column \"zh-CN:status\" comes before any \"zh-CN\" column",
        ),
        (
            "a,b,c,d\n",
            "mem.csv:1:7: wrong number of fields: this row has 4",
        ),
    ];
    for (text, want) in table {
        let message = read_text(text, GlossaryFormat::Csv)
            .unwrap_err()
            .to_string();
        assert!(message.starts_with(want), "{text:?}: {message}");
    }
    // The bad byte itself, not the start of its field.
    for (bytes, want) in [
        (
            &b"en,zh-CN\nok,\xFF\n"[..],
            "mem.csv:2:4: byte FF is not valid UTF-8",
        ),
        (
            b"en,zh-CN\nok,ab\xFF\n",
            "mem.csv:2:6: byte FF is not valid UTF-8",
        ),
        (
            b"en,zh-CN\nok,\"a\xE9\"\n",
            "mem.csv:2:6: byte E9 is not valid UTF-8",
        ),
    ] {
        let message = read_bytes(bytes.to_vec(), GlossaryFormat::Csv)
            .unwrap_err()
            .to_string();
        assert!(message.starts_with(want), "{bytes:?}: {message}");
    }
}

#[test]
fn rows_without_terms_are_reported_and_skipped() {
    let (e, p) = read_text(
        "# OmegaT glossary\n\tno source\tcomment\nsource only\n\nkept\t保留\tnote\n",
        GlossaryFormat::OmegatTsv,
    )
    .unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].note.as_deref(), Some("note"));
    let got: Vec<String> = p
        .iter()
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect();
    assert_eq!(
        got,
        [
            "mem.csv:2:1: no source term: row skipped",
            "mem.csv:3:12: no target term: row skipped",
        ]
    );
    let (e, p) = read_text(
        "en,zh-CN,en:status\n,,\na,b,maybe\nc,d,\n",
        GlossaryFormat::Csv,
    )
    .unwrap();
    assert_eq!(e.len(), 1);
    let got: Vec<String> = p
        .iter()
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect();
    assert_eq!(
        got,
        [
            "mem.csv:2:1: no terms in this row: skipped",
            "mem.csv:3:5: invalid status \"maybe\": expected preferred, admitted or forbidden; row skipped",
        ]
    );
}

#[test]
fn omegat_writer_and_reader_agree() {
    let (entries, _) = read_delimited("gtk30_terms_en-zh-CN.csv");
    let mut w = OmegatWriter::new(Vec::new(), lang("en"), lang("zh-CN"));
    for e in &entries {
        assert!(w.write_entry(e).unwrap());
    }
    let out = w.finish().unwrap();
    assert!(String::from_utf8_lossy(&out).starts_with("About\t关于\nDisabled\t禁用\n"));
    let (back, p) = read_bytes(out, GlossaryFormat::OmegatTsv).unwrap();
    assert!(p.is_empty());
    assert_eq!(back, entries);
}

#[test]
fn utf16_and_bom_inputs_decode() {
    let text = "en\tja-JP\nmemory\t記憶\n";
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend(u.to_le_bytes());
        be.extend(u.to_be_bytes());
    }
    let mut bom8 = b"\xEF\xBB\xBF".to_vec();
    bom8.extend(text.as_bytes());
    for bytes in [le, be, bom8] {
        let (e, _) = read_bytes(bytes, GlossaryFormat::Tsv).unwrap();
        assert_eq!(texts(&e[0])[1], ("ja-JP", "記憶", TermStatus::Preferred));
    }
}

fn read_with(
    text: &str,
    format: GlossaryFormat,
    langs: &[&str],
) -> tmkit::Result<(Vec<TermEntry>, Vec<Problem>)> {
    let options = ReadOptions::for_langs(format, langs.iter().map(|l| lang(l)).collect());
    let mut reader = glossary::Reader::from_reader(
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        "mem.csv".into(),
        &options,
    )?;
    let (entries, problems) = reader.read_all()?;
    Ok((entries, problems))
}

fn langs_of(entry: &TermEntry) -> Vec<&str> {
    entry.terms.iter().map(|t| t.lang.as_str()).collect()
}

#[test]
fn language_names_in_a_header_name_the_columns() {
    // (header row, languages of the terms read from the row below it)
    let table: [(&str, &[&str]); 10] = [
        ("English,Chinese,Japanese", &["en", "zh-CN", "ja-JP"]),
        ("EN,ZH,JA", &["en", "zh-CN", "ja-JP"]),
        ("english,chinese (simplified),JP", &["en", "zh-CN", "ja-JP"]),
        (
            "en-US,Traditional Chinese,Japanese",
            &["en-US", "zh-TW", "ja-JP"],
        ),
        ("英语,中文,日语", &["en", "zh-CN", "ja-JP"]),
        ("英文,简体中文,日文", &["en", "zh-CN", "ja-JP"]),
        ("英語,中国語,日本語", &["en", "zh-CN", "ja-JP"]),
        (
            "Simplified Chinese,繁體中文,English",
            &["zh-CN", "zh-TW", "en"],
        ),
        ("en,zh-Hant,ja-JP", &["en", "zh-Hant", "ja-JP"]),
        ("English,Chinese,Chinese:note", &["en", "zh-CN"]),
    ];
    for (header, want) in table {
        let text = format!("{header}\nWang Yi,王毅,王毅\n");
        let (e, p) = read_with(&text, GlossaryFormat::Csv, &[]).unwrap();
        assert!(p.is_empty(), "{header}: {p:?}");
        assert_eq!(langs_of(&e[0]), want, "{header}");
        assert_eq!(e[0].note, None, "{header}: no column became a note");
    }
    // Recognised non-language columns keep their meaning next to language names.
    let (e, _) = read_with(
        "English\tChinese\tpart of speech\tnote\nWang Yi\t王毅\tproperNoun\ta minister\n",
        GlossaryFormat::Tsv,
        &[],
    )
    .unwrap();
    assert_eq!(e[0].terms[1].pos.as_deref(), Some("properNoun"));
    assert_eq!(e[0].note.as_deref(), Some("a minister"));
}

#[test]
fn a_file_without_a_header_row_needs_the_languages() {
    let text = "Wang Yi,王毅,State Councilor\nSuga,菅义伟\n";
    let message = read_with(text, GlossaryFormat::Csv, &[])
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("mem.csv:1:1: no header row naming the languages of the columns")
            && message.contains("--langs en,zh-CN,ja-JP"),
        "{message}"
    );
    // Given them, each column is a term in its language, and one more column is the note.
    let (e, p) = read_with(text, GlossaryFormat::Csv, &["en", "ja-JP"]).unwrap();
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(langs_of(&e[0]), ["en", "ja-JP"]);
    assert_eq!(e[0].note.as_deref(), Some("State Councilor"));
    let (e, _) = read_with(
        "Wang Yi,王毅,王毅\n",
        GlossaryFormat::Csv,
        &["en", "zh-CN", "ja-JP"],
    )
    .unwrap();
    assert_eq!(langs_of(&e[0]), ["en", "zh-CN", "ja-JP"]);
    assert_eq!(e[0].note, None);
}

#[test]
fn a_header_naming_no_language_needs_the_languages() {
    for (text, column) in [
        ("Source,Target\nWang Yi,王毅\n", 1),
        ("source,target,location\nWang Yi,王毅,x\n", 1),
        ("Term,Translation,Comment\nWang Yi,王毅,x\n", 1),
        ("en,target\nWang Yi,王毅\n", 4),
    ] {
        let message = read_with(text, GlossaryFormat::Csv, &[])
            .unwrap_err()
            .to_string();
        let at = format!("mem.csv:1:{column}: column ");
        assert!(
            message.starts_with(&at)
                && message.contains("names no language")
                && message.contains("--langs en,zh-CN,ja-JP"),
            "{text:?}: {message}"
        );
        let (e, p) = read_with(text, GlossaryFormat::Csv, &["en", "ja-JP"]).unwrap();
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(langs_of(&e[0]), ["en", "ja-JP"], "{text:?}");
    }
}

/// Writes `entries` as CSV with the smallest layout, and reads them back.
fn csv_round_trip(entries: &[TermEntry], delimiter: u8) -> (String, Vec<TermEntry>) {
    let mut w = glossary::Writer::new(Vec::new(), Layout::for_entries(entries, delimiter)).unwrap();
    for e in entries {
        w.write_entry(e).unwrap();
    }
    let out = String::from_utf8(w.finish().unwrap()).unwrap();
    let (back, p) = read_with(&out, GlossaryFormat::Csv, &[]).unwrap();
    assert!(p.is_empty(), "{p:?}");
    (out, back)
}

fn entry(terms: &[(&str, &str)], note: Option<&str>) -> TermEntry {
    TermEntry {
        terms: terms
            .iter()
            .map(|(l, t)| tmkit::model::Term::new(lang(l), *t))
            .collect(),
        note: note.map(str::to_string),
        ..TermEntry::default()
    }
}

#[test]
fn cells_a_spreadsheet_would_run_as_formulas_are_neutralized_and_read_back() {
    let entries = [
        entry(&[("en", "=SUM(A1)"), ("zh-CN", "-5 °C")], Some("@user")),
        entry(&[("en", "+1"), ("zh-CN", "'=x")], Some("''-y")),
        entry(&[("en", "it's"), ("zh-CN", "'quoted'")], Some("a - b = c")),
    ];
    for delimiter in [b',', b'\t'] {
        let (out, back) = csv_round_trip(&entries, delimiter);
        let d = delimiter as char;
        for cell in [
            "\"'=SUM(A1)\"",
            "\"'-5 °C\"",
            "\"'@user\"",
            "\"'+1\"",
            "\"''=x\"",
            "\"'''-y\"",
        ] {
            assert!(out.contains(cell), "{cell} in {out}");
        }
        // Cells that start with anything else are written as they are.
        assert!(
            out.contains(&format!("it's{d}'quoted'{d}a - b = c\n")),
            "{out}"
        );
        assert_eq!(back, entries, "{out}");
    }
}

#[test]
fn a_bar_or_backslash_in_a_term_is_escaped_and_read_back() {
    let mut e = entry(&[("en", "a|b"), ("zh-CN", "C:\\dir\\")], None);
    e.terms[0].variants = vec!["a \\| b".into(), "\\".into()];
    let (out, back) = csv_round_trip(std::slice::from_ref(&e), b',');
    assert!(
        out.contains("a\\|b|a \\\\\\| b|\\\\,C:\\\\dir\\\\\n"),
        "{out}"
    );
    assert_eq!(back, [e]);
    // Any other backslash is itself.
    let (e, _) = read_with("en,zh-CN\n\\d+\\x,a\n", GlossaryFormat::Csv, &[]).unwrap();
    assert_eq!(e[0].terms[0].text, "\\d+\\x");
}
