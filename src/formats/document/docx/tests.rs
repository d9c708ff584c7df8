//! Tests on small DOCX packages built here.

use std::io::{Cursor, Read, Write};

use super::*;
use crate::formats::document::{Code, Role, check_nesting, plain_text, to_markup};

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math""#;

const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A package: `[Content_Types].xml`, `_rels/.rels`, `word/document.xml` with `body`, the
/// document's relationships (`(id, type suffix, target)`) and the other `parts`.
fn docx(body: &str, rels: &[(&str, &str, &str)], parts: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut add = |name: &str, text: &str| {
        w.start_file(name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    };
    add(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
    );
    add(
        "_rels/.rels",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>"#
        ),
    );
    add(
        "word/document.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
        ),
    );
    let mut r = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (id, ty, target) in rels {
        let mode = if *ty == "hyperlink" {
            r#" TargetMode="External""#
        } else {
            ""
        };
        r.push_str(&format!(
            r#"<Relationship Id="{id}" Type="{REL}/{ty}" Target="{target}"{mode}/>"#
        ));
    }
    r.push_str("</Relationships>");
    add("word/_rels/document.xml.rels", &r);
    for (name, text) in parts {
        add(name, text);
    }
    w.finish().unwrap().into_inner()
}

fn part_xml(root: &str, content: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:{root} {NS}>{content}</w:{root}>"#
    )
}

fn read_part(package: &[u8], name: &str) -> String {
    let mut a = zip::ZipArchive::new(Cursor::new(package)).unwrap();
    let mut f = a.by_name(name).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

fn extract(package: &[u8]) -> Extracted {
    DocxFilter
        .extract(package, "in.docx", &Options::default())
        .unwrap()
}

fn merge(package: &[u8], blocks: &[Vec<Piece>], lang: &str) -> Vec<u8> {
    DocxFilter
        .merge(
            package,
            "in.docx",
            &Options::default(),
            blocks,
            &Lang::parse(lang).unwrap(),
        )
        .unwrap()
}

fn markup(b: &Block) -> String {
    let (t, m) = to_markup(&b.pieces);
    m.unwrap_or(t)
}

/// The pieces with types and native forms left out, as a translation brings them.
fn bare(pieces: &[Piece]) -> Vec<Piece> {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Code(c) => Piece::Code(Code::new(c.id, c.role, "")),
            t => t.clone(),
        })
        .collect()
}

fn t(s: &str) -> Piece {
    Piece::Text(s.to_string())
}

fn c(id: u32, role: Role) -> Piece {
    Piece::Code(Code::new(id, role, ""))
}

/// `(block markup, restype)` of every block.
fn blocks_of(package: &[u8]) -> Vec<(String, &'static str)> {
    extract(package)
        .blocks
        .iter()
        .map(|b| (markup(b), b.restype))
        .collect()
}

#[test]
fn runs_with_the_same_formatting_are_joined() {
    let body = r#"<w:p w:rsidR="00A1"><w:proofErr w:type="spellStart"/><w:r w:rsidR="001"><w:rPr><w:b/></w:rPr><w:t>Hel</w:t></w:r><w:proofErr w:type="spellEnd"/><w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/><w:r w:rsidRPr="002"><w:rPr><w:b/><w:lang w:val="fr-FR"/></w:rPr><w:lastRenderedPageBreak/><w:t xml:space="preserve">lo </w:t></w:r><w:r w:rsidR="003"><w:rPr><w:b/><w:noProof/></w:rPr><w:t>world</w:t></w:r></w:p>"#;
    let got = blocks_of(&docx(body, &[], &[]));
    // A fully bold paragraph has no codes: its formatting is the base.
    assert_eq!(got, vec![("Hello world".to_string(), "x-paragraph")]);
}

#[test]
fn a_formatting_change_is_a_paired_code_around_the_dominant_formatting() {
    let body = r#"<w:p><w:r><w:t xml:space="preserve">The </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>forum</w:t></w:r><w:r><w:t xml:space="preserve"> opened in </w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>Beijing</w:t></w:r><w:r><w:t>.</w:t></w:r></w:p>"#;
    let x = extract(&docx(body, &[], &[]));
    assert_eq!(
        markup(&x.blocks[0]),
        r#"The <bpt i="1" type="bold">&lt;w:rPr&gt;&lt;w:b/&gt;&lt;/w:rPr&gt;</bpt>forum<ept i="1">&lt;/w:r&gt;</ept> opened in <bpt i="2" type="italic">&lt;w:rPr&gt;&lt;w:i/&gt;&lt;/w:rPr&gt;</bpt>Beijing<ept i="2">&lt;/w:r&gt;</ept>."#
    );
    // A mostly bold paragraph: bold is the base, the plain word is the code.
    let body = r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">A long bold sentence with </w:t></w:r><w:r><w:t>one</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> plain word.</w:t></w:r></w:p>"#;
    let x = extract(&docx(body, &[], &[]));
    assert_eq!(
        markup(&x.blocks[0]),
        r#"A long bold sentence with <bpt i="1" type="x-format"></bpt>one<ept i="1">&lt;/w:r&gt;</ept> plain word."#
    );
}

#[test]
fn translated_codes_are_rebuilt_in_any_order() {
    let body = r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t xml:space="preserve">The </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>forum</w:t></w:r><w:r><w:t xml:space="preserve"> opened in </w:t></w:r><w:hyperlink r:id="rId9" w:history="1"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>Beijing</w:t></w:r></w:hyperlink><w:r><w:t>.</w:t></w:r></w:p>"#;
    let package = docx(body, &[("rId9", "hyperlink", "https://example.org/")], &[]);
    let x = extract(&package);
    assert_eq!(
        markup(&x.blocks[0]),
        r#"The <bpt i="1" type="bold">&lt;w:rPr&gt;&lt;w:b/&gt;&lt;/w:rPr&gt;</bpt>forum<ept i="1">&lt;/w:r&gt;</ept> opened in <bpt i="2" type="link">&lt;w:hyperlink r:id="rId9" w:history="1"&gt;</bpt>Beijing<ept i="2">&lt;/w:hyperlink&gt;</ept>."#
    );
    // Chinese order: the link comes first, and the bold span is nested in it.
    let zh = vec![
        c(2, Role::Open),
        t("北京"),
        c(1, Role::Open),
        t("论坛"),
        c(1, Role::Close),
        c(2, Role::Close),
        t("开幕。"),
    ];
    let out = merge(&package, std::slice::from_ref(&zh), "zh-CN");
    let xml = read_part(&out, "word/document.xml");
    assert!(
        xml.contains(r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:hyperlink r:id="rId9" w:history="1"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>北京</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>论坛</w:t></w:r></w:hyperlink><w:r><w:t>开幕。</w:t></w:r></w:p>"#),
        "{xml}"
    );
    // Read back: the same text and codes, in the new order.
    let y = extract(&out);
    assert_eq!(bare(&y.blocks[0].pieces).len(), zh.len());
    assert_eq!(y.blocks[0].plain_text(), "北京论坛开幕。");
    // The other parts are the original entries, in the original order.
    let names = |p: &[u8]| {
        let a = zip::ZipArchive::new(Cursor::new(p)).unwrap();
        a.file_names()
            .map(|n| n.unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&out), names(&package));
    for n in names(&package) {
        if n != "word/document.xml" {
            assert_eq!(read_part(&out, &n), read_part(&package, &n), "{n}");
        }
    }
}

#[test]
fn hyperlink_fields_and_other_fields_keep_their_instruction() {
    let body = r#"<w:p><w:r><w:t xml:space="preserve">See </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "http://x.org/" \o "tip" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>the site</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve">, page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> and </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> XE "index" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr=" NUMPAGES "/><w:r><w:t>.</w:t></w:r></w:p>"#;
    let package = docx(body, &[], &[]);
    let x = extract(&package);
    assert_eq!(
        markup(&x.blocks[0]),
        r#"See <bpt i="1" type="link">{HYPERLINK "http://x.org/" \o "tip"}</bpt>the site<ept i="1">{/}</ept>, page <bpt i="2" type="x-field">{PAGE}</bpt>3<ept i="2">{/}</ept> and <ph x="3" type="x-field">&lt;w:fldChar w:fldCharType="begin"/&gt; XE "index" &lt;w:fldChar w:fldCharType="end"/&gt;</ph><ph x="4" type="x-field">&lt;w:fldSimple w:instr=" NUMPAGES "/&gt;</ph>."#
    );
    assert!(!x.blocks[0].plain_text().contains("HYPERLINK"));
    let ja = vec![
        c(1, Role::Open),
        t("サイト"),
        c(1, Role::Close),
        t("を参照（"),
        c(2, Role::Open),
        t("3"),
        c(2, Role::Close),
        t("ページ）"),
        c(3, Role::Standalone),
        c(4, Role::Standalone),
        t("。"),
    ];
    let out = merge(&package, &[ja], "ja-JP");
    let xml = read_part(&out, "word/document.xml");
    assert!(
        xml.contains(r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "http://x.org/" \o "tip" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>サイト</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>を参照（</w:t></w:r>"#),
        "{xml}"
    );
    assert!(xml.contains(r#"<w:fldSimple w:instr=" NUMPAGES "/><w:r><w:t>。</w:t></w:r>"#));
    assert_eq!(
        extract(&out).blocks[0].plain_text(),
        "サイトを参照（3ページ）。"
    );
}

#[test]
fn a_field_across_paragraphs_leaves_its_parts_as_codes() {
    // A table of contents: begun in the first paragraph, ended in the last.
    let body = r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-3" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Intro</w:t></w:r><w:r><w:tab/><w:t>1</w:t></w:r></w:p><w:p><w:r><w:t>Method</w:t></w:r><w:r><w:tab/><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p><w:p><w:r><w:instrText>STRAY</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Last</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>UNFINISHED</w:instrText></w:r></w:p>"#;
    let package = docx(body, &[], &[]);
    let got = blocks_of(&package);
    assert_eq!(
        got,
        vec![
            (
                r#"<ph x="1" type="x-field">&lt;w:fldChar w:fldCharType="begin"/&gt; TOC \o "1-3" &lt;w:fldChar w:fldCharType="separate"/&gt;</ph>Intro<ph x="2" type="x-tab">&lt;w:tab/&gt;</ph>1"#.to_string(),
                "x-paragraph"
            ),
            (
                r#"Method<ph x="1" type="x-tab">&lt;w:tab/&gt;</ph>2<ph x="2" type="x-field">&lt;w:fldChar w:fldCharType="end"/&gt;</ph>"#.to_string(),
                "x-paragraph"
            ),
            (
                r#"<ph x="1" type="x-field">STRAY</ph><ph x="2" type="x-field">&lt;w:fldChar w:fldCharType="separate"/&gt;</ph>Last<ph x="3" type="x-field">&lt;w:fldChar w:fldCharType="begin"/&gt; UNFINISHED</ph>"#.to_string(),
                "x-paragraph"
            ),
        ]
    );
    let x = extract(&package);
    let tr: Vec<Vec<Piece>> = x
        .blocks
        .iter()
        .map(|b| {
            b.pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(s) if s.len() > 1 => Piece::Text(format!("«{s}»")),
                    p => p.clone(),
                })
                .collect()
        })
        .collect();
    let out = merge(&package, &tr, "fr");
    let xml = read_part(&out, "word/document.xml");
    assert!(xml.contains(r#"<w:r><w:instrText xml:space="preserve"> TOC \o "1-3" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>«Intro»</w:t></w:r>"#), "{xml}");
    assert!(xml.contains(r#"<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#));
    assert_eq!(
        extract(&out)
            .blocks
            .iter()
            .map(|b| b.plain_text())
            .collect::<Vec<_>>(),
        vec!["«Intro»1", "«Method»2", "«Last»"]
    );
}

#[test]
fn tabs_breaks_hyphens_and_objects_are_codes() {
    let body = r#"<w:p><w:r><w:t>Name</w:t><w:tab/><w:t>Value</w:t><w:br/><w:t>next</w:t><w:cr/><w:t>line</w:t><w:br w:type="page"/><w:t>e</w:t><w:noBreakHyphen/><w:t>mail soft</w:t><w:softHyphen/><w:t>ware</w:t><w:ptab w:relativeTo="margin" w:alignment="right" w:leader="none"/><w:sym w:font="Wingdings" w:char="F0E0"/></w:r><w:r><w:drawing><wp:inline xmlns:wp="urn:x"/></w:drawing></w:r><m:oMath><m:r><m:t>x</m:t></m:r></m:oMath></w:p>"#;
    let package = docx(body, &[], &[]);
    let x = extract(&package);
    let ctypes: Vec<(String, Role)> = x.blocks[0]
        .codes()
        .map(|c| (c.ctype.clone(), c.role))
        .collect();
    let s = |c: &str| (c.to_string(), Role::Standalone);
    assert_eq!(
        ctypes,
        vec![
            s("x-tab"),
            s("lb"),
            s("lb"),
            s("pb"),
            s("x-tab"),
            s("x-symbol"),
            s("image"),
            s("x-math")
        ]
    );
    assert_eq!(
        x.blocks[0].plain_text(),
        "NameValuenextlinee\u{2011}mail soft\u{ad}ware"
    );
    // Hyphens and characters from the translation are written as Word writes them.
    let mut tr = bare(&x.blocks[0].pieces);
    tr.push(t("a\tb\nc\u{b}d\u{c}e\u{2011}f\u{ad}g\u{1}h  "));
    let out = merge(&package, &[tr], "en");
    let xml = read_part(&out, "word/document.xml");
    assert!(
        xml.contains(r#"<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:br/><w:t>d</w:t><w:br w:type="page"/><w:t>e</w:t><w:noBreakHyphen/><w:t>f</w:t><w:softHyphen/><w:t xml:space="preserve">gh  </w:t></w:r>"#),
        "{xml}"
    );
    assert!(xml.contains(r#"<m:oMath><m:r><m:t>x</m:t></m:r></m:oMath>"#));
    assert!(xml.contains(r#"<w:r><w:sym w:font="Wingdings" w:char="F0E0"/></w:r>"#));
}

#[test]
fn smart_tags_and_content_controls_unwrap_to_their_runs() {
    let body = r#"<w:p><w:r><w:t xml:space="preserve">Offices in </w:t></w:r><w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place"><w:smartTagPr><w:attr w:name="x" w:val="y"/></w:smartTagPr><w:smartTag w:element="City"><w:r><w:t>Carpinteria</w:t></w:r></w:smartTag></w:smartTag><w:r><w:t xml:space="preserve"> and </w:t></w:r><w:sdt><w:sdtPr><w:alias w:val="Town"/></w:sdtPr><w:sdtContent><w:r><w:t>Glostrup</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t>.</w:t></w:r></w:p>"#;
    assert_eq!(
        blocks_of(&docx(body, &[], &[])),
        vec![(
            "Offices in Carpinteria and Glostrup.".to_string(),
            "x-paragraph"
        )]
    );
}

#[test]
fn japanese_table_cells_split_into_runs_rejoin() {
    // As Word 2007 writes Japanese: every few characters a run with another rsid and East Asian
    // language tags that do not match the script; soft line breaks and a link mid-sentence.
    let run = |rsid: &str, s: &str| {
        format!(
            r#"<w:r w:rsidR="{rsid}"><w:rPr><w:rFonts w:hint="eastAsia"/><w:lang w:eastAsia="zh-CN"/></w:rPr><w:t>{s}</w:t></w:r>"#
        )
    };
    let body = format!(
        r#"<w:tbl><w:tblGrid><w:gridCol w:w="100"/><w:gridCol w:w="100"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p>{}{}{}<w:r><w:rPr><w:rFonts w:hint="eastAsia"/><w:lang w:eastAsia="zh-TW"/></w:rPr><w:br/></w:r>{}<w:hyperlink r:id="rId7"><w:r><w:rPr><w:rStyle w:val="a3"/><w:rFonts w:hint="eastAsia"/></w:rPr><w:t>こちら</w:t></w:r></w:hyperlink>{}</w:p></w:tc></w:tr></w:tbl>"#,
        run("00A1", "("),
        run("00B2", "詳しくは"),
        run("00C3", "36"),
        run("00D4", "ページを参照下さい)"),
        run("00E5", "をご覧ください。")
    );
    let package = docx(&body, &[("rId7", "hyperlink", "http://x.jp/")], &[]);
    assert_eq!(
        blocks_of(&package),
        vec![(
            r#"(詳しくは36<ph x="1" type="lb">&lt;w:br/&gt;</ph>ページを参照下さい)<bpt i="2" type="link">&lt;w:hyperlink r:id="rId7"&gt;</bpt>こちら<ept i="2">&lt;/w:hyperlink&gt;</ept>をご覧ください。"#.to_string(),
            "x-table-cell"
        )]
    );
    let en = vec![
        t("(See page 36"),
        c(1, Role::Standalone),
        t(") or "),
        c(2, Role::Open),
        t("here"),
        c(2, Role::Close),
        t("."),
    ];
    let out = merge(&package, &[en], "en-US");
    let xml = read_part(&out, "word/document.xml");
    assert!(xml.contains(r#"<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>"#));
    assert!(
        xml.contains(r#"<w:r><w:rPr><w:rFonts w:hint="eastAsia"/><w:lang w:eastAsia="zh-CN" w:val="en-US"/></w:rPr><w:t>(See page 36</w:t></w:r><w:r><w:rPr><w:rFonts w:hint="eastAsia"/><w:lang w:eastAsia="zh-TW"/></w:rPr><w:br/></w:r>"#),
        "{xml}"
    );
}

#[test]
fn a_word_2007_text_box_without_alternate_content_is_translated() {
    let body = r#"<w:p><w:r><w:pict><v:shape id="s1"><v:textbox><w:txbxContent><w:p><w:r><w:t>Contact us</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p><w:p><w:bookmarkStart w:id="1" w:name="b"/><w:r><w:t>After.</w:t></w:r><w:bookmarkEnd w:id="1"/></w:p>"#;
    let package = docx(body, &[], &[]);
    assert_eq!(
        blocks_of(&package),
        vec![
            ("Contact us".to_string(), "x-text-box"),
            ("After.".to_string(), "x-paragraph")
        ]
    );
    let out = merge(&package, &[vec![t("联系我们")], vec![t("之后。")]], "zh-CN");
    let xml = read_part(&out, "word/document.xml");
    assert!(
        xml.contains(r#"<w:txbxContent><w:p><w:r><w:t>联系我们</w:t></w:r></w:p></w:txbxContent>"#)
    );
    assert!(xml.contains(r#"<w:p><w:bookmarkStart w:id="1" w:name="b"/><w:r><w:t>之后。</w:t></w:r><w:bookmarkEnd w:id="1"/></w:p>"#));
}

#[test]
fn deletions_comments_and_hidden_text_are_not_translated() {
    let body = r#"<w:p><w:commentRangeStart w:id="0"/><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:del w:id="1" w:author="A" w:date="2020-01-01T00:00:00Z"><w:r><w:delText>removed </w:delText></w:r></w:del><w:ins w:id="2" w:author="A" w:date="2020-01-01T00:00:00Z"><w:r><w:t>added</w:t></w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>secret</w:t></w:r><w:r><w:t>.</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="0"/></w:r></w:p>"#;
    let comments = part_xml(
        "comments",
        r#"<w:comment w:id="0" w:author="A"><w:p><w:r><w:t>A comment nobody translates</w:t></w:r></w:p></w:comment>"#,
    );
    let package = docx(
        body,
        &[("rId5", "comments", "comments.xml")],
        &[("word/comments.xml", &comments)],
    );
    let x = extract(&package);
    assert_eq!(x.blocks.len(), 1);
    assert_eq!(
        markup(&x.blocks[0]),
        r#"Kept added<ph x="1" type="x-hidden">&lt;w:r&gt;&lt;w:rPr&gt;&lt;w:vanish/&gt;&lt;/w:rPr&gt;&lt;w:t&gt;secret&lt;/w:t&gt;&lt;/w:r&gt;</ph>."#
    );
    assert_eq!(
        x.warnings,
        vec![
            "the document has tracked changes (1 insertion, 1 deletion): accept or reject them \
             in Word or LibreOffice before preparing; as it is, inserted text is translated as \
             if accepted and deleted text is kept untranslated"
                .to_string()
        ]
    );
    let out = merge(
        &package,
        &[vec![t("保留新增"), c(1, Role::Standalone), t("。")]],
        "zh-CN",
    );
    let xml = read_part(&out, "word/document.xml");
    // The comment range still spans the text, the deletion and the comment mark are kept.
    assert!(
        xml.contains(r#"<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>保留新增</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>secret</w:t></w:r><w:r><w:t>。</w:t></w:r><w:del w:id="1" w:author="A" w:date="2020-01-01T00:00:00Z"><w:r><w:delText>removed </w:delText></w:r></w:del><w:commentRangeEnd w:id="0"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="0"/></w:r></w:p>"#),
        "{xml}"
    );
    assert_eq!(
        read_part(&out, "word/comments.xml"),
        read_part(&package, "word/comments.xml")
    );
}

#[test]
fn text_boxes_are_extracted_once_and_written_twice() {
    let para = |s: &str| format!(r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{s}</w:t></w:r></w:p>"#);
    let body = format!(
        r#"<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>{}{}</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>{}{}</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>Body text.</w:t></w:r></w:p>"#,
        para("Box one."),
        para("Box two."),
        para("Box one."),
        para("Box two.")
    );
    let package = docx(&body, &[], &[]);
    let got = blocks_of(&package);
    assert_eq!(
        got,
        vec![
            (
                r#"<ph x="1" type="image">&lt;mc:AlternateContent&gt;</ph>Body text."#.to_string(),
                "x-paragraph"
            ),
            ("Box one.".to_string(), "x-text-box"),
            ("Box two.".to_string(), "x-text-box"),
        ]
    );
    let out = merge(
        &package,
        &[
            vec![c(1, Role::Standalone), t("正文。")],
            vec![t("框一。")],
            vec![t("框二。")],
        ],
        "zh-CN",
    );
    let xml = read_part(&out, "word/document.xml");
    assert_eq!(xml.matches("框一。").count(), 2, "{xml}");
    assert_eq!(xml.matches("框二。").count(), 2, "{xml}");
    assert!(!xml.contains("Box"), "{xml}");
    assert!(xml.contains(r#"<w:r><w:rPr><w:b/></w:rPr><w:t>框一。</w:t></w:r>"#));
    assert_eq!(extract(&out).blocks.len(), 3);
}

#[test]
fn headers_footers_and_notes_are_found_through_relationships() {
    let hdr = part_xml("hdr", r#"<w:p><w:r><w:t>Running head</w:t></w:r></w:p>"#);
    let ftr = part_xml(
        "ftr",
        r#"<w:p><w:r><w:t xml:space="preserve">Page </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>"#,
    );
    let notes = part_xml(
        "footnotes",
        r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> A note.</w:t></w:r></w:p></w:footnote>"#,
    );
    let end = part_xml(
        "endnotes",
        r#"<w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t>An endnote.</w:t></w:r></w:p></w:endnote>"#,
    );
    // Names no one would guess: only the relationships say what they are.
    let unused = part_xml("hdr", r#"<w:p><w:r><w:t>Not referenced</w:t></w:r></w:p>"#);
    let body = r#"<w:p><w:r><w:t>Text</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p>"#;
    let package = docx(
        body,
        &[
            ("rId1", "header", "top-a.xml"),
            ("rId2", "footer", "../word/bottom.xml"),
            ("rId3", "footnotes", "/word/notes-f.xml"),
            ("rId4", "endnotes", "notes-e.xml"),
        ],
        &[
            ("word/top-a.xml", &hdr),
            ("word/bottom.xml", &ftr),
            ("word/notes-f.xml", &notes),
            ("word/notes-e.xml", &end),
            ("word/header1.xml", &unused),
        ],
    );
    let x = extract(&package);
    let got: Vec<(&str, &str, String)> = x
        .blocks
        .iter()
        .map(|b| (b.restype, b.name.as_str(), markup(b)))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "x-paragraph",
                "word/document.xml",
                r#"Text<ph x="1" type="x-footnote">&lt;w:footnoteReference w:id="1"/&gt;</ph>."#
                    .to_string()
            ),
            ("x-header", "word/top-a.xml", "Running head".to_string()),
            (
                "x-footer",
                "word/bottom.xml",
                r#"Page <bpt i="1" type="x-field">&lt;w:fldSimple w:instr=" PAGE "&gt;</bpt>1<ept i="1">&lt;/w:fldSimple&gt;</ept>"#.to_string()
            ),
            (
                "x-footnote",
                "word/notes-f.xml",
                r#"<ph x="1" type="x-note-mark">&lt;w:footnoteRef/&gt;</ph> A note."#.to_string()
            ),
            (
                "x-footnote",
                "word/notes-e.xml",
                r#"<ph x="1" type="x-note-mark">&lt;w:endnoteRef/&gt;</ph>An endnote."#.to_string()
            ),
        ]
    );
    let tr = vec![
        vec![t("文本"), c(1, Role::Standalone), t("。")],
        vec![t("页眉")],
        vec![
            t("第"),
            c(1, Role::Open),
            t("1"),
            c(1, Role::Close),
            t("页"),
        ],
        vec![c(1, Role::Standalone), t("注释。")],
        vec![c(1, Role::Standalone), t("尾注。")],
    ];
    let out = merge(&package, &tr, "zh-CN");
    assert!(read_part(&out, "word/bottom.xml").contains(
        r#"<w:p><w:r><w:t>第</w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple><w:r><w:t>页</w:t></w:r></w:p>"#
    ));
    assert!(read_part(&out, "word/notes-f.xml").contains(r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>"#));
    assert!(
        read_part(&out, "word/notes-e.xml")
            .contains(r#"<w:r><w:endnoteRef/></w:r><w:r><w:t>尾注。</w:t></w:r>"#)
    );
    assert_eq!(
        read_part(&out, "word/header1.xml"),
        read_part(&package, "word/header1.xml")
    );
    let y = extract(&out);
    let texts: Vec<String> = y.blocks.iter().map(|b| b.plain_text()).collect();
    assert_eq!(texts, vec!["文本。", "页眉", "第1页", "注释。", "尾注。"]);
}

#[test]
fn without_relationships_the_content_types_name_the_parts() {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, text) in [
        (
            "[Content_Types].xml",
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/f.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>"#.to_string(),
        ),
        (
            "word/document.xml",
            part_xml("document", "<w:body><w:p><w:r><w:t>Body</w:t></w:r></w:p></w:body>"),
        ),
        ("word/f.xml", part_xml("ftr", "<w:p><w:r><w:t>Foot</w:t></w:r></w:p>")),
    ] {
        w.start_file(name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    let package = w.finish().unwrap().into_inner();
    assert_eq!(
        blocks_of(&package),
        vec![
            ("Body".to_string(), "x-paragraph"),
            ("Foot".to_string(), "x-footer")
        ]
    );
}

const STYLES: &str = r#"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi"/><w:sz w:val="22"/><w:lang w:val="en-GB" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/><w:rPr><w:lang w:eastAsia="en-US"/></w:rPr></w:style><w:style w:type="character" w:styleId="Code"><w:name w:val="Code"/><w:rPr><w:lang w:val="en-US"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>"#;

#[test]
fn headings_follow_the_styles_and_the_language_follows_the_target() {
    let body = r#"<w:p><w:pPr><w:pStyle w:val="berschrift1"/></w:pPr><w:r><w:t>Heading</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Title</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:rPr><w:lang w:val="en-GB"/></w:rPr><w:t>Cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
    let styles = part_xml("styles", STYLES);
    let settings = part_xml(
        "settings",
        r#"<w:zoom w:percent="100"/><w:themeFontLang w:val="en-GB"/>"#,
    );
    let package = docx(
        body,
        &[
            ("rId1", "styles", "styles.xml"),
            ("rId2", "settings", "settings.xml"),
        ],
        &[
            ("word/styles.xml", &styles),
            ("word/settings.xml", &settings),
        ],
    );
    let x = extract(&package);
    assert_eq!(x.lang.as_deref(), Some("en-GB"));
    let kinds: Vec<&str> = x.blocks.iter().map(|b| b.restype).collect();
    assert_eq!(kinds, vec!["x-heading", "x-heading", "x-table-cell"]);
    // Chinese: the East Asian language is set, in the runs and the defaults.
    let out = merge(
        &package,
        &[vec![t("标题")], vec![t("题")], vec![t("单元格")]],
        "zh-CN",
    );
    let xml = read_part(&out, "word/document.xml");
    assert!(
        xml.contains(
            r#"<w:r><w:rPr><w:lang w:val="en-GB" w:eastAsia="zh-CN"/></w:rPr><w:t>单元格</w:t></w:r>"#
        ),
        "{xml}"
    );
    assert!(
        read_part(&out, "word/styles.xml")
            .contains(r#"<w:lang w:val="en-GB" w:eastAsia="zh-CN" w:bidi="ar-SA"/>"#)
    );
    let styles_out = read_part(&out, "word/styles.xml");
    assert!(
        styles_out
            .contains(r#"<w:name w:val="heading 1"/><w:rPr><w:lang w:eastAsia="zh-CN"/></w:rPr>"#)
    );
    assert!(styles_out.contains(r#"<w:name w:val="Code"/><w:rPr><w:lang w:val="en-US"/></w:rPr>"#));
    assert!(
        read_part(&out, "word/settings.xml")
            .contains(r#"<w:themeFontLang w:val="en-GB" w:eastAsia="zh-CN"/>"#)
    );
    // Another language: w:val.
    let out = merge(
        &package,
        &[vec![t("Titel")], vec![t("T")], vec![t("Zelle")]],
        "de-DE",
    );
    assert!(read_part(&out, "word/document.xml").contains(r#"<w:lang w:val="de-DE"/>"#));
    assert!(
        read_part(&out, "word/styles.xml")
            .contains(r#"<w:lang w:val="de-DE" w:eastAsia="en-US" w:bidi="ar-SA"/>"#)
    );
    // Defaults without a language get one, in schema order.
    let styles = part_xml(
        "styles",
        r#"<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/><w:eastAsianLayout w:id="1"/></w:rPr></w:rPrDefault></w:docDefaults>"#,
    );
    let package = docx(
        body,
        &[("rId1", "styles", "styles.xml")],
        &[("word/styles.xml", &styles)],
    );
    assert_eq!(extract(&package).lang, None);
    let out = merge(
        &package,
        &[vec![t("見出し")], vec![t("題")], vec![t("セル")]],
        "ja",
    );
    assert!(read_part(&out, "word/styles.xml").contains(
        r#"<w:rPr><w:sz w:val="22"/><w:lang w:eastAsia="ja-JP"/><w:eastAsianLayout w:id="1"/></w:rPr>"#
    ));
}

#[test]
fn unchanged_blocks_give_back_the_same_file() {
    let body = r#"<w:p w:rsidR="1"><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>as</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t xml:space="preserve"> it was.</w:t></w:r></w:p><w:p><w:r><w:t>Second.</w:t></w:r></w:p>"#;
    let styles = part_xml("styles", STYLES);
    let package = docx(
        body,
        &[("rId1", "styles", "styles.xml")],
        &[("word/styles.xml", &styles)],
    );
    let x = extract(&package);
    let same: Vec<Vec<Piece>> = x.blocks.iter().map(|b| bare(&b.pieces)).collect();
    assert_eq!(merge(&package, &same, "en-GB"), package);
    assert_eq!(
        identity_check(&package, "in.docx").unwrap(),
        Identity {
            blocks: 2,
            identical_file: true,
            changed_parts: vec![]
        }
    );
    // One block changed: the other paragraph keeps its bytes (proofing marks, rsids).
    let mut one = same.clone();
    one[1] = vec![t("Zweiter.")];
    let out = merge(&package, &one, "en-GB");
    let xml = read_part(&out, "word/document.xml");
    assert!(xml.contains(r#"<w:p w:rsidR="1"><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>as</w:t></w:r><w:proofErr w:type="spellStart"/>"#));
    assert!(xml.contains("<w:p><w:r><w:t>Zweiter.</w:t></w:r></w:p>"));
    assert_eq!(read_part(&out, "word/styles.xml"), styles);
}

#[test]
fn merge_survives_codes_dropped_duplicated_or_crossed() {
    let body = r#"<w:p><w:r><w:t xml:space="preserve">A </w:t></w:r><w:hyperlink r:id="rId9"><w:r><w:rPr><w:b/></w:rPr><w:t>link</w:t></w:r><w:r><w:t>text</w:t></w:r></w:hyperlink><w:r><w:tab/><w:t>end</w:t></w:r></w:p>"#;
    let package = docx(body, &[("rId9", "hyperlink", "https://x.org")], &[]);
    let x = extract(&package);
    assert!(check_nesting(&x.blocks[0].pieces).is_none());
    for tr in [
        vec![t("no codes")],
        vec![c(1, Role::Close), t("x"), c(1, Role::Open)],
        vec![
            c(1, Role::Open),
            c(2, Role::Open),
            c(1, Role::Close),
            c(2, Role::Close),
        ],
        vec![
            c(3, Role::Standalone),
            c(3, Role::Standalone),
            c(9, Role::Open),
            t("y"),
        ],
        vec![c(2, Role::Standalone), c(3, Role::Open), t("z")],
    ] {
        let out = merge(&package, std::slice::from_ref(&tr), "zh-CN");
        let y = extract(&out);
        assert_eq!(
            y.blocks.first().map(|b| b.plain_text()).unwrap_or_default(),
            plain_text(&tr),
            "{tr:?}"
        );
    }
}

#[test]
fn a_damaged_document_is_refused_with_its_place() {
    let bad = docx("<w:p><w:r><w:t>x</w:r></w:p>", &[], &[]);
    let e = DocxFilter
        .extract(&bad, "in.docx", &Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("in.docx: word/document.xml:2:") && e.contains("not well-formed"),
        "{e}"
    );
    // No main part.
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("word/other.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"<a/>").unwrap();
    let empty = w.finish().unwrap().into_inner();
    let e = DocxFilter
        .extract(&empty, "in.docx", &Options::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("the package has no word/document.xml"), "{e}");
    // Not a ZIP at all.
    let e = DocxFilter
        .extract(b"PK\x03\x04nonsense", "in.docx", &Options::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a readable DOCX package"), "{e}");
    // An encrypted document is named as such.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    let e = DocxFilter
        .extract(&ole, "in.docx", &Options::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("encrypted (password-protected)"), "{e}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Vec<u8> {
        docx(
            r#"<w:p><w:r><w:t xml:space="preserve">The </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>forum</w:t></w:r><w:hyperlink r:id="rId9"><w:r><w:t>link</w:t></w:r></w:hyperlink><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#,
            &[("rId9", "hyperlink", "https://x.org")],
            &[],
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Damaged packages are refused or read, never a panic.
        #[test]
        fn mutated_packages_never_panic(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
            let mut bytes = sample();
            for (at, b) in flips {
                let i = at % bytes.len();
                bytes[i] = b;
            }
            if let Ok(x) = DocxFilter.extract(&bytes, "m.docx", &Options::default()) {
                let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
                let _ = DocxFilter.merge(&bytes, "m.docx", &Options::default(), &blocks, &Lang::parse("zh-CN").unwrap());
            }
        }

        /// Any document.xml (cut or mutated) is refused with its place or read, never a panic;
        /// whatever is read merges back into a document that reads again.
        #[test]
        fn mutated_document_xml_never_panics(cut in 0usize..2000, at in any::<usize>(), b in any::<u8>()) {
            let xml = read_part(&sample(), "word/document.xml");
            let mut x = xml.into_bytes();
            let i = at % x.len();
            x[i] = b;
            let keep = x.len() - cut % (x.len() / 2 + 1);
            x.truncate(keep.max(1));
            let text = String::from_utf8_lossy(&x).into_owned();
            let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
            w.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(text.as_bytes()).unwrap();
            let package = w.finish().unwrap().into_inner();
            match DocxFilter.extract(&package, "m.docx", &Options::default()) {
                Ok(x) => {
                    let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| {
                        let mut p = bare(&b.pieces);
                        p.push(Piece::Text("译".to_string()));
                        p
                    }).collect();
                    let out = DocxFilter.merge(&package, "m.docx", &Options::default(), &blocks, &Lang::parse("zh-CN").unwrap()).unwrap();
                    let y = DocxFilter.extract(&out, "m.docx", &Options::default()).unwrap();
                    prop_assert_eq!(y.blocks.len(), x.blocks.len());
                }
                Err(e) => {
                    let e = e.to_string();
                    prop_assert!(e.starts_with("m.docx: word/document.xml"), "{}", e);
                }
            }
        }

        /// Translations with any codes in any order merge into a document that reads again
        /// with the translated text.
        #[test]
        fn any_translation_merges(order in proptest::collection::vec(0usize..12, 0..12), text in "[a-z论坛 ]{0,8}") {
            let package = sample();
            let x = DocxFilter.extract(&package, "s.docx", &Options::default()).unwrap();
            let codes: Vec<Piece> = x.blocks[0].pieces.iter().filter(|p| matches!(p, Piece::Code(_))).cloned().collect();
            let mut tr: Vec<Piece> = order.iter().filter_map(|&i| codes.get(i).cloned()).collect();
            tr.push(Piece::Text(format!("{text}x")));
            let out = DocxFilter.merge(&package, "s.docx", &Options::default(), &[bare(&tr)], &Lang::parse("zh-CN").unwrap()).unwrap();
            let y = DocxFilter.extract(&out, "s.docx", &Options::default()).unwrap();
            prop_assert_eq!(y.blocks[0].plain_text(), plain_text(&tr));
        }
    }
}
