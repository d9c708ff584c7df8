//! The DOCX filter on real documents (tests/fixtures/documents): identity round trips,
//! extraction expectations, and LibreOffice's view of a translated document (text in order,
//! bold, italic and link runs, CJK rendered in a PDF; page 1 kept as
//! `target/test-artifacts/docx-zh-CN-page1.png`).
//!
//! Needs the Debian packages libreoffice-writer-nogui, poppler-utils and fonts-noto-cjk.

use crate::docx_support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use docx_support::{Soffice, corpus_round_trip, raw_zip, read_text, run, zeros_deflated};
use tmkit::formats::document::docx::{self, DocxFilter};
use tmkit::formats::document::{
    Block, Code, Extracted, Filter, Options, Piece, Role, check_codes, from_markup, to_markup,
};
use tmkit::model::Lang;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap()
}

fn extract(bytes: &[u8], name: &str) -> Extracted {
    DocxFilter
        .extract(bytes, name, &Options::default())
        .unwrap()
}

fn merge(bytes: &[u8], name: &str, blocks: &[Vec<Piece>], lang: &str) -> Vec<u8> {
    DocxFilter
        .merge(
            bytes,
            name,
            &Options::default(),
            blocks,
            &Lang::parse(lang).unwrap(),
        )
        .unwrap()
}

fn part(package: &[u8], name: &str) -> String {
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(package)).unwrap();
    let mut s = String::new();
    a.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn texts(x: &Extracted) -> Vec<String> {
    x.blocks.iter().map(Block::plain_text).collect()
}

#[test]
fn every_fixture_rebuilds_identically_and_libreoffice_reads_the_same_text() {
    let rows = corpus_round_trip(&fixtures(), true);
    let docx: Vec<_> = rows.iter().map(|r| r.file.as_str()).collect();
    assert!(docx.len() >= 11, "{docx:?}");
    for row in &rows {
        if row.file.contains("encrypted") {
            let e = row.error.as_deref().unwrap_or_default();
            assert!(e.contains("encrypted (password-protected)"), "{e}");
            continue;
        }
        assert_eq!(row.error, None, "{}", row.file);
        assert!(row.blocks > 0, "{}", row.file);
        assert!(
            row.identical_file && row.changed_parts.is_empty(),
            "{row:?}"
        );
        assert_eq!(row.same_text, Some(true), "{}", row.file);
        // Rebuilding every paragraph from its pieces changes nothing LibreOffice shows, but
        // for a tracked deletion, which goes to the end of its paragraph.
        match &row.rebuilt_text {
            Some(Ok(())) => {}
            Some(Err((before, after))) if row.file.contains("text-reference") => {
                let moved = |t: &str| t.replace("track edits  changes", "track changes");
                assert_eq!(
                    moved(before).replace("add comments.", "add comments.edits  "),
                    moved(after),
                    "{}",
                    row.file
                );
            }
            other => panic!("{}: {other:?}", row.file),
        }
    }
}

#[test]
fn blocks_survive_the_trip_through_tmx_markup() {
    // What prepare writes into the kit and finish reads back gives the original document.
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !name.ends_with(".docx") || name.contains("encrypted") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let x = extract(&bytes, &name);
        let back: Vec<Vec<Piece>> = x
            .blocks
            .iter()
            .map(|b| match to_markup(&b.pieces) {
                (_, Some(m)) => from_markup(&m).unwrap(),
                (t, None) => vec![Piece::Text(t)],
            })
            .collect();
        for (b, p) in x.blocks.iter().zip(&back) {
            assert!(check_codes(&b.pieces, p).is_empty(), "{name}");
        }
        let lang = x.lang.as_deref().unwrap_or("en");
        assert!(merge(&bytes, &name, &back, lang) == bytes, "{name}");
    }
}

#[test]
fn translating_one_paragraph_changes_only_that_paragraph() {
    let name = "okapi-word2007-text-reference-v1_2.docx";
    let bytes = fixture(name);
    let x = extract(&bytes, name);
    let source = part(&bytes, "word/document.xml");
    for k in 0..x.blocks.len() {
        if x.blocks[k].name != "word/document.xml" {
            continue;
        }
        let mut tr: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
        tr[k].push(Piece::Text("〔译〕".to_string()));
        let out = merge(&bytes, name, &tr, "zh-CN");
        let xml = part(&out, "word/document.xml");
        let prefix = source
            .bytes()
            .zip(xml.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = source
            .bytes()
            .rev()
            .zip(xml.bytes().rev())
            .take_while(|(a, b)| a == b)
            .count();
        // The bytes that differ are inside one paragraph of the original.
        let start = source[..prefix]
            .rfind("<w:p ")
            .max(source[..prefix].rfind("<w:p>"));
        let end = source.len() - suffix;
        let changed = &source[start.unwrap()..end.max(prefix)];
        assert_eq!(
            changed.matches("<w:p ").count() + changed.matches("<w:p>").count(),
            1,
            "block {k}: {changed}"
        );
        assert!(xml.contains("〔译〕"));
        // Every other part is the original entry.
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        let mut b = zip::ZipArchive::new(std::io::Cursor::new(&out[..])).unwrap();
        assert_eq!(a.len(), b.len());
        for i in 0..a.len() {
            let (fa, fb) = (a.by_index_raw(i).unwrap(), b.by_index_raw(i).unwrap());
            assert_eq!(fa.name().unwrap(), fb.name().unwrap());
            // The language metadata follows the target.
            if !["word/document.xml", "word/styles.xml", "word/settings.xml"]
                .contains(&&*fa.name().unwrap())
            {
                assert_eq!(fa.crc32(), fb.crc32(), "{}", fa.name().unwrap());
                assert_eq!(fa.compressed_size(), fb.compressed_size());
            }
        }
    }
}

#[test]
fn per_character_chinese_runs_rejoin_into_one_block() {
    let name = "okapi-word2010-zh-symbols-runs-per-char-851.docx";
    let bytes = fixture(name);
    let x = extract(&bytes, name);
    assert_eq!(
        texts(&x),
        vec![
            "East-Asian and special symbols 1 (国际\u{2126} §¶∑商。).",
            "East-Asian and special symbols 2 (国际\u{2126} §¶∑商。)."
        ]
    );
    assert_eq!(x.lang.as_deref(), Some("fr"));
    // The runs' fonts come back on the characters that had them.
    let tr: Vec<Vec<Piece>> = x
        .blocks
        .iter()
        .map(|b| {
            b.pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => {
                        Piece::Text(t.replace("East-Asian and special symbols", "东亚和特殊符号"))
                    }
                    c => c.clone(),
                })
                .collect()
        })
        .collect();
    let out = merge(&bytes, name, &tr, "zh-CN");
    let xml = part(&out, "word/document.xml");
    assert!(xml.contains(r#"<w:r><w:rPr><w:rFonts w:ascii="Far East" w:hAnsi="Far East"/></w:rPr><w:t>国</w:t></w:r>"#), "{xml}");
    assert!(xml.contains(r#"<w:bookmarkStart w:id="0" w:name="_GoBack"/>"#));
    let y = extract(&out, name);
    assert_eq!(texts(&y)[0], "东亚和特殊符号 1 (国际\u{2126} §¶∑商。).");
}

#[test]
fn text_boxes_are_extracted_once_and_written_twice() {
    let name = "okapi-word2010-textboxes-altcontent-798.docx";
    let bytes = fixture(name);
    let x = extract(&bytes, name);
    let t = texts(&x);
    assert_eq!(
        t,
        vec![
            "Paragraph 1.",
            "Textbox 6.",
            "Textbox 5.",
            "Textbox 4.",
            "Textbox 3.",
            "Paragraph 2.",
            "Textbox 2.",
            "Textbox 1.",
            "Paragraph 3."
        ]
    );
    let source = part(&bytes, "word/document.xml");
    assert_eq!(source.matches("Textbox 1.").count(), 2);
    let tr: Vec<Vec<Piece>> = x
        .blocks
        .iter()
        .map(|b| {
            b.pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => Piece::Text(
                        t.replace("Textbox ", "文本框")
                            .replace("Paragraph ", "段落"),
                    ),
                    c => c.clone(),
                })
                .collect()
        })
        .collect();
    let out = merge(&bytes, name, &tr, "zh-CN");
    let xml = part(&out, "word/document.xml");
    for i in 1..=6 {
        assert_eq!(xml.matches(&format!("文本框{i}.")).count(), 2, "{i}");
    }
    assert!(!xml.contains("Textbox"));
    assert_eq!(texts(&extract(&out, name))[1], "文本框6.");
}

#[test]
fn soft_line_breaks_are_codes_and_special_characters_stay() {
    let name = "okapi-word2016-special-chars-and-linebreaks.docx";
    let bytes = fixture(name);
    let x = extract(&bytes, name);
    assert_eq!(x.blocks.len(), 1);
    let lb = x.blocks[0]
        .codes()
        .filter(|c| c.ctype == "lb" && c.role == Role::Standalone)
        .count();
    assert_eq!(lb, 26);
    let text = x.blocks[0].plain_text();
    for c in [
        '—', '–', '\u{2011}', '\u{ad}', '\u{2003}', '\u{2002}', '\u{2005}', '\u{a0}', '©', '®',
        '™', '§',
    ] {
        assert!(text.contains(c), "{c:?} in {text:?}");
    }
    let tr: Vec<Vec<Piece>> = x
        .blocks
        .iter()
        .map(|b| {
            b.pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => Piece::Text(t.replace("Test", "测试")),
                    c => c.clone(),
                })
                .collect()
        })
        .collect();
    let out = merge(&bytes, name, &tr, "zh-CN");
    let xml = part(&out, "word/document.xml");
    assert_eq!(xml.matches("<w:br/>").count(), 26);
    assert!(xml.contains("<w:noBreakHyphen/>") && xml.contains("<w:softHyphen/>"));
    assert!(xml.contains("Leerzeichen 测试"));
}

#[test]
fn endnotes_are_extracted_and_separators_are_not() {
    let name = "okapi-word2007-endnotes.docx";
    let x = extract(&fixture(name), name);
    let notes: Vec<(&str, &str, String)> = x
        .blocks
        .iter()
        .filter(|b| b.name != "word/document.xml")
        .map(|b| (b.restype, b.name.as_str(), b.plain_text()))
        .collect();
    assert_eq!(
        notes,
        vec![(
            "x-footnote",
            "word/endnotes.xml",
            " This is the first endnote".to_string()
        )]
    );
    assert!(x.blocks[0].codes().any(|c| c.ctype == "x-footnote"));
}

#[test]
fn comments_and_deletions_are_not_extracted_and_tracked_changes_are_reported() {
    let name = "okapi-word2007-text-reference-v1_2.docx";
    let bytes = fixture(name);
    let x = extract(&bytes, name);
    let all = texts(&x).join("\n");
    assert!(!all.contains("This is a comment"));
    assert!(!all.contains("edits"), "the deleted word");
    assert!(
        all.contains("track changes or add comments"),
        "the inserted word"
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
    let name = "okapi-word2007-toc-fields-footnote-comment.docx";
    let x = extract(&fixture(name), name);
    assert!(x.warnings.is_empty());
    let all = texts(&x).join("\n");
    assert!(!all.contains("comment\n") && !all.contains("TOC") && !all.contains("PAGEREF"));
    assert!(all.contains("Text with an index marker."), "{all}");
}

/// Chinese digits, so that a marker is one run of CJK text for LibreOffice.
fn cjk_number(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|d| {
            "〇一二三四五六七八九"
                .chars()
                .nth(d as usize - '0' as usize)
                .unwrap()
        })
        .collect()
}

/// A pseudo-translation: each text piece becomes a unique Chinese marker; the first span of a
/// block with text before it moves to the front (Chinese word order).
fn pseudo_chinese(x: &Extracted) -> Vec<Vec<Piece>> {
    x.blocks
        .iter()
        .enumerate()
        .map(|(k, b)| {
            let mut pieces: Vec<Piece> = b
                .pieces
                .iter()
                .enumerate()
                .map(|(i, p)| match p {
                    Piece::Text(t) if !t.trim().is_empty() => {
                        Piece::Text(format!("译{}之{}文", cjk_number(k), cjk_number(i)))
                    }
                    p => p.clone(),
                })
                .collect();
            let open = pieces.iter().position(
                |p| matches!(p, Piece::Code(c) if c.role == Role::Open && c.ctype != "x-field"),
            );
            if let Some(open) = open.filter(|&o| o > 0) {
                let id = match &pieces[open] {
                    Piece::Code(c) => c.id,
                    _ => unreachable!(),
                };
                let close = pieces
                    .iter()
                    .position(
                        |p| matches!(p, Piece::Code(c) if c.id == id && c.role == Role::Close),
                    )
                    .unwrap();
                let span: Vec<Piece> = pieces.drain(open..=close).collect();
                pieces.splice(0..0, span);
            }
            pieces
                .into_iter()
                .map(|p| match p {
                    Piece::Code(c) => Piece::Code(Code::new(c.id, c.role, "")),
                    t => t,
                })
                .collect()
        })
        .collect()
}

/// The text inside `<tag ...>...</tag>` elements of an HTML file, tags stripped.
fn inside(html: &str, open: &str, close: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        // Past the rest of the start tag.
        let after = if open.ends_with('>') {
            after
        } else {
            let Some(gt) = after.find('>') else { break };
            &after[gt + 1..]
        };
        let Some(j) = after.find(close) else { break };
        let mut text = String::new();
        let mut in_tag = false;
        for ch in after[..j].chars() {
            match ch {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        out.push(text);
        rest = &after[j..];
    }
    out
}

/// The markers of text pieces inside spans of `ctype` in a translation.
fn markers_in(tr: &[Piece], source: &Block, ctype: &str) -> Vec<String> {
    let wanted: Vec<u32> = source
        .codes()
        .filter(|c| c.role == Role::Open && c.ctype == ctype)
        .map(|c| c.id)
        .collect();
    let mut out = Vec::new();
    let mut open: Vec<u32> = Vec::new();
    for p in tr {
        match p {
            Piece::Code(c) if c.role == Role::Open => open.push(c.id),
            Piece::Code(c) if c.role == Role::Close => {
                open.retain(|&id| id != c.id);
            }
            Piece::Text(t) if open.iter().any(|id| wanted.contains(id)) && t.starts_with('译') => {
                out.push(t.clone())
            }
            _ => {}
        }
    }
    out
}

#[test]
fn libreoffice_shows_the_translation_with_its_formatting() {
    let name = "okapi-word2007-text-reference-v1_2.docx";
    let bytes = fixture(name);
    let x = extract(&bytes, name);
    let tr = pseudo_chinese(&x);
    let out = merge(&bytes, name, &tr, "zh-CN");

    let work = tempfile::tempdir().unwrap();
    let orig = work.path().join("original.docx");
    let zh = work.path().join("translated.docx");
    std::fs::write(&orig, &bytes).unwrap();
    std::fs::write(&zh, &out).unwrap();
    let lo = Soffice::new();

    // The text holds every translation of the body, in order.
    let txt = read_text(&lo.convert(std::slice::from_ref(&zh), "txt:Text", work.path())[0]);
    let mut at = 0;
    for (k, (b, t)) in x.blocks.iter().zip(&tr).enumerate() {
        if b.name != "word/document.xml" {
            continue;
        }
        for p in t {
            if let Piece::Text(s) = p
                && s.starts_with('译')
            {
                let found = txt[at..].find(s.as_str());
                assert!(
                    found.is_some(),
                    "block {k}: {s} not after byte {at} in\n{txt}"
                );
                at += found.unwrap() + s.len();
            }
        }
    }
    assert!(!txt.contains("Lorem ipsum"), "{txt}");

    // Bold, italic and link runs are still there, around the same text.
    let html_dir = work.path().join("html");
    std::fs::create_dir_all(&html_dir).unwrap();
    let html = lo.convert(&[orig.clone(), zh.clone()], "html", &html_dir);
    let (h0, h1) = (
        std::fs::read_to_string(&html[0]).unwrap(),
        std::fs::read_to_string(&html[1]).unwrap(),
    );
    for (ctype, open, close) in [
        ("bold", "<b>", "</b>"),
        ("italic", "<i>", "</i>"),
        ("link", "<a href", "</a>"),
    ] {
        let before = inside(&h0, open, close).len();
        // LibreOffice may split a run in two elements (an anchored image inside it).
        let after = inside(&h1, open, close).join("");
        assert!(before > 0, "{ctype}: the original has some");
        let mut wanted = Vec::new();
        for (b, t) in x.blocks.iter().zip(&tr) {
            if b.name == "word/document.xml" {
                wanted.extend(markers_in(t, b, ctype));
            }
        }
        assert!(!wanted.is_empty(), "{ctype}");
        for m in &wanted {
            assert!(
                after.contains(m.as_str()),
                "{ctype}: {m} is not in {open}: {after}"
            );
        }
        if ctype == "link" {
            assert!(inside(&h1, open, close).len() >= before, "links");
        }
    }

    // A PDF with CJK fonts; page 1 kept as a PNG.
    let pdf = lo.convert(std::slice::from_ref(&zh), "pdf", work.path())[0].clone();
    let fonts = run(
        {
            let mut c = Command::new("pdffonts");
            c.arg(&pdf);
            c
        },
        "poppler-utils",
        Duration::from_secs(120),
    );
    let fonts = String::from_utf8_lossy(&fonts.stdout).to_string();
    assert!(fonts.contains("CJK"), "no CJK font in the PDF:\n{fonts}");
    let pdf_text = run(
        {
            let mut c = Command::new("pdftotext");
            c.arg(&pdf).arg("-");
            c
        },
        "poppler-utils",
        Duration::from_secs(120),
    );
    assert!(String::from_utf8_lossy(&pdf_text.stdout).contains("译〇之"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let artifacts = target.join("test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let prefix = artifacts.join("docx-zh-CN-page1");
    run(
        {
            let mut c = Command::new("pdftoppm");
            c.args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
                .arg(&pdf)
                .arg(&prefix);
            c
        },
        "poppler-utils",
        Duration::from_secs(120),
    );
    let png = prefix.with_extension("png");
    let head = std::fs::read(&png).unwrap();
    assert!(head.starts_with(b"\x89PNG"), "{}", png.display());
}

#[test]
fn a_zip_bomb_is_refused_with_bounded_memory() {
    let before = max_rss();
    // 1 GiB of zeros in 6.5 MB.
    let data = zeros_deflated(1 << 30);
    // It says what it is.
    let honest = raw_zip("word/document.xml", &data, 1 << 30);
    let e = DocxFilter
        .extract(&honest, "bomb.docx", &Options::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("declares") && e.contains("ZIP bomb"), "{e}");
    // It lies about its size: reading stops at the cap.
    let liar = raw_zip("word/document.xml", &data, 1000);
    let e = DocxFilter
        .extract(&liar, "bomb.docx", &Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("word/document.xml: the part inflates to more than the 1000 bytes it declares")
            && e.contains("ZIP bomb"),
        "{e}"
    );
    // A large part that inflates far more than XML does.
    let dense = zeros_deflated(8 << 20);
    let ratio = raw_zip("word/document.xml", &dense, 8 << 20);
    let e = DocxFilter
        .extract(&ratio, "bomb.docx", &Options::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("times") && e.contains("ZIP bomb"), "{e}");
    const { assert!(docx::PART_LIMIT < 1 << 30 && docx::RATIO_LIMIT < 150) };
    // Nothing near the 1 GiB, or even the 128 MiB cap, was inflated.
    let grown = max_rss().saturating_sub(before);
    assert!(grown < 96 << 20, "memory grew by {grown} bytes");
}

/// The peak resident memory of this process, in bytes.
fn max_rss() -> u64 {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(rc, 0);
    usage.ru_maxrss as u64 * 1024
}
