//! Documents through the whole job: `prepare` reads HTML, Markdown and DOCX articles, a CAT tool
//! (here: a test) translates the XLIFF, `finish` writes the translated document.

use tmkit::formats::document::{Piece, from_markup, to_markup};
use tmkit::formats::xliff::{Content, State};

use crate::common::*;
use crate::finish::{finish_json, same, translate_xliff};

const NEWS_MD: &str = "---\ntitle: Forum opens\nauthor: Staff\n---\n\n# Forum opens\n\nThe **Beijing-Tokyo Forum** opened on Monday. See [the site](https://example.org/forum \"Forum\") for more.\n\n- Wang Yi spoke.\n- *Suga* replied.\n\n```\nnot translated\n```\n";

/// A pseudo-translation: the text of each piece in brackets, codes kept in their order.
fn bracketed(u: &tmkit::formats::xliff::Unit) -> Option<(Content, State)> {
    let pieces = match &u.source.markup {
        Some(m) => from_markup(m).unwrap(),
        None => vec![Piece::Text(u.source.text.clone())],
    };
    let pieces: Vec<Piece> = pieces
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => Piece::Text(format!("译{t}")),
            code => code,
        })
        .collect();
    let (text, markup) = to_markup(&pieces);
    Some((Content { text, markup }, State::Translated))
}

#[test]
fn a_markdown_article_is_prepared_with_codes_and_finished_in_chinese() {
    let w = Work::new();
    w.write("news.md", NEWS_MD);
    w.ok([
        "prepare",
        "news.md",
        "--no-memory",
        "--to",
        "zh-CN",
        "--out",
        "kit",
    ]);
    let xlf = std::fs::read_to_string(w.path("kit/news.zh-CN.xlf")).unwrap();
    assert!(xlf.contains("datatype=\"x-markdown\""), "{xlf}");
    assert!(xlf.contains("<skl><external-file href=\"news.md\"/></skl>"));
    // Emphasis and links are inline codes, the code block is not there.
    assert!(
        xlf.contains(
            "<bpt id=\"1\" ctype=\"bold\">**</bpt>Beijing-Tokyo Forum<ept id=\"1\">**</ept>"
        ),
        "{xlf}"
    );
    assert!(!xlf.contains("not translated"));
    assert!(xlf.contains(">Forum opens<"), "front-matter title");
    assert!(
        std::fs::read(w.path("kit/news.md")).unwrap() == NEWS_MD.as_bytes(),
        "original kept"
    );

    translate_xliff(&w.path("kit/news.zh-CN.xlf"), bracketed);
    let (code, report) = finish_json(&w, &["kit"]);
    assert_eq!(code, 0, "{report}");
    let out = std::fs::read_to_string(w.path("kit/news.zh-CN.md")).unwrap();
    assert!(
        out.starts_with("---\ntitle: 译Forum opens\nauthor: Staff\n---\n"),
        "{out}"
    );
    assert!(out.contains("**译Beijing-Tokyo Forum**"), "{out}");
    assert!(
        out.contains("(https://example.org/forum"),
        "URL kept: {out}"
    );
    assert!(
        out.contains("```\nnot translated\n```\n"),
        "code block kept: {out}"
    );
    // Two sentences of one paragraph: no space between them in Chinese.
    assert!(
        out.contains("opened on Monday.译See") || out.contains("Monday.译"),
        "{out}"
    );
}

#[test]
fn a_translation_that_drops_a_code_is_listed_with_its_place_and_nothing_is_written() {
    let w = Work::new();
    w.write("news.md", NEWS_MD);
    w.ok([
        "prepare",
        "news.md",
        "--no-memory",
        "--to",
        "zh-CN",
        "--out",
        "kit",
    ]);
    // Every segment translated, but the bold one loses its codes.
    translate_xliff(&w.path("kit/news.zh-CN.xlf"), |u| {
        if u.source.text.contains("Beijing-Tokyo") {
            Some((
                Content::plain("北京－东京论坛周一开幕。"),
                State::Translated,
            ))
        } else {
            bracketed(u)
        }
    });
    let out = w.run(["finish", "kit"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        stdout.contains("news.zh-CN.xlf:") && stdout.contains("code 1 (**) is missing"),
        "{stdout}"
    );
    assert!(stderr(&out).contains("nothing written"));
    assert!(!w.path("kit/news.zh-CN.md").exists());
    // --allow-incomplete writes it with the source in place of the faulty sentence.
    let (code, report) = finish_json(&w, &["kit", "--allow-incomplete"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        report["languages"][0]["code_faults"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let md = std::fs::read_to_string(w.path("kit/news.zh-CN.md")).unwrap();
    assert!(
        md.contains("The **Beijing-Tokyo Forum** opened on Monday."),
        "{md}"
    );
}

#[test]
fn an_identity_markdown_kit_rebuilds_the_original_byte_for_byte() {
    let w = Work::new();
    let md = std::fs::read(fixture("documents/okapi-md-markdown-it-demo.md")).unwrap();
    w.write("demo.md", &md);
    w.ok([
        "prepare",
        "demo.md",
        "--no-memory",
        "--to",
        "de-DE",
        "--out",
        "kit",
    ]);
    translate_xliff(&w.path("kit/demo.de-DE.xlf"), same);
    let (code, report) = finish_json(&w, &["kit"]);
    assert_eq!(code, 0, "{report}");
    assert!(std::fs::read(w.path("kit/demo.de-DE.md")).unwrap() == md);
}

/// Every document fixture (real files from Word, Google Docs, LibreOffice, web pages, Markdown)
/// goes through prepare, an identity translation and finish, and comes back with the same
/// blocks: the same text and the same inline codes, in the same places.
#[test]
fn every_real_document_comes_back_with_the_same_text_and_codes() {
    use tmkit::formats::document::{self, Options};
    let dir = fixture("documents");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.contains("encrypted") && !n.ends_with(".md.txt"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    let mut checked = 0;
    for name in &names {
        let w = Work::new();
        let bytes = std::fs::read(dir.join(name)).unwrap();
        w.write(name, &bytes);
        let kind = document::detect(&bytes, name).unwrap();
        let out = w.run([
            "prepare",
            name,
            "--no-memory",
            "--to",
            "en-GB",
            "--out",
            "kit",
        ]);
        if out.status.code() == Some(2) && stderr(&out).contains("no text to translate") {
            continue; // a document with nothing to translate (front matter only, say)
        }
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let stem = name.rsplit_once('.').unwrap().0;
        translate_xliff(&w.path(&format!("kit/{stem}.en-GB.xlf")), same);
        let (code, report) = finish_json(&w, &["kit"]);
        assert!(code == 0, "{name}: {report}");
        let file = report["languages"][0]["file"].as_str().unwrap().to_string();
        let rebuilt = std::fs::read(w.path(&format!("kit/{file}"))).unwrap();
        let filter = kind.filter();
        let a = filter.extract(&bytes, name, &Options::default()).unwrap();
        let b = filter
            .extract(&rebuilt, &file, &Options::default())
            .unwrap();
        assert_eq!(
            a.blocks, b.blocks,
            "{name}: the rebuilt document reads the same"
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} documents checked");
}

#[test]
fn documents_tmkit_cannot_translate_are_refused_by_name() {
    let w = Work::new();
    let encrypted =
        std::fs::read(fixture("documents/okapi-encrypted-password-protected.docx")).unwrap();
    w.write("locked.docx", &encrypted);
    w.write("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n");
    w.write(
        "old.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0\0\0\0\0",
    );
    for (file, want) in [
        ("locked.docx", "encrypted (password-protected)"),
        ("scan.pdf", "a PDF file"),
        ("old.doc", "legacy binary Office document"),
    ] {
        let out = w.run(["prepare", file, "--no-memory", "--out", "kit"]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let err = stderr(&out);
        assert!(err.contains(file) && err.contains(want), "{file}: {err}");
        assert!(!w.path("kit").exists());
    }
}

/// The example DOCX (written by LibreOffice) with the bundled memory and termbase: links around
/// glossary terms go into the pretranslations by themselves, and LibreOffice reads the finished
/// Chinese document with every translation in order and its links.
#[test]
fn the_example_docx_is_finished_in_chinese_and_libreoffice_reads_it() {
    let w = bundled_memory();
    std::fs::copy(
        repo_file("glossary/beijing-tokyo-forum.tbx"),
        w.path("forum.tbx"),
    )
    .unwrap();
    w.ok(["glossary", "import", "forum.tbx"]);
    std::fs::copy(
        repo_file("examples/beijing-tokyo-forum.en.docx"),
        w.path("forum.docx"),
    )
    .unwrap();
    w.ok(["prepare", "forum.docx", "--to", "zh-CN", "--out", "kit"]);
    let (code, report) = finish_json(&w, &["kit"]);
    assert_eq!(code, 1, "the new sentences are missing: {report}");
    let zh = &report["languages"][0];
    assert_eq!(zh["code_faults"].as_array().unwrap().len(), 0, "{zh}");
    assert!(zh["translated"]["segments"].as_u64().unwrap() >= 40, "{zh}");
    let docx = w.path("kit/forum.zh-CN.docx");
    // Word's and LibreOffice's language settings follow the target.
    let styles = unzip_part(&docx, "word/styles.xml");
    assert!(styles.contains("w:eastAsia=\"zh-CN\""), "{styles}");
    let document = unzip_part(&docx, "word/document.xml");
    assert_eq!(
        document.matches("<w:hyperlink").count(),
        unzip_part(&w.path("forum.docx"), "word/document.xml")
            .matches("<w:hyperlink")
            .count(),
        "every link is still there"
    );
    assert!(
        document.contains(">北京－东京论坛</w:t></w:r></w:hyperlink>"),
        "a link around the term's translation"
    );
    // LibreOffice opens it: its text has the translations, in the kit's order.
    let text = libreoffice_text(&w, &docx);
    let xlf = tmkit::formats::xliff::Reader::open(&w.path("kit/forum.zh-CN.xlf"))
        .unwrap()
        .read_document()
        .unwrap();
    let mut at = 0;
    for u in xlf
        .files
        .iter()
        .flat_map(|f| &f.groups)
        .flat_map(|g| &g.units)
    {
        // The translations finish used: not the fuzzy ones nobody touched.
        let Some(t) = u
            .target
            .as_ref()
            .filter(|t| t.state == Some(State::Translated))
        else {
            continue;
        };
        let found = text[at..].find(&t.content.text);
        assert!(
            found.is_some(),
            "{:?} not in order in LibreOffice's text",
            t.content.text
        );
        at += found.unwrap();
    }
}

fn unzip_part(docx: &std::path::Path, part: &str) -> String {
    let file = std::fs::File::open(docx).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut archive.by_name(part).unwrap(), &mut s).unwrap();
    s
}

/// LibreOffice's text conversion of a document (its own profile, so that tests can run at once).
fn libreoffice_text(w: &Work, doc: &std::path::Path) -> String {
    let profile = w.path("lo-profile");
    let out_dir = w.path("lo-out");
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "txt:Text", "--outdir"])
        .arg(&out_dir)
        .arg(doc)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("soffice (Debian libreoffice-writer-nogui) is installed");
    assert!(status.success());
    let stem = doc.file_stem().unwrap().to_string_lossy().into_owned();
    std::fs::read_to_string(out_dir.join(format!("{stem}.txt"))).unwrap()
}

/// The example news page with the bundled memory and termbase, finished in Chinese and loaded in
/// headless Chromium: the page reads as the translation, with its links, image and language.
#[test]
fn the_example_page_is_finished_in_chinese_and_chromium_shows_it() {
    let w = bundled_memory();
    std::fs::copy(
        repo_file("glossary/beijing-tokyo-forum.tbx"),
        w.path("forum.tbx"),
    )
    .unwrap();
    w.ok(["glossary", "import", "forum.tbx"]);
    std::fs::copy(
        repo_file("examples/beijing-tokyo-forum.en.html"),
        w.path("forum.html"),
    )
    .unwrap();
    w.ok(["prepare", "forum.html", "--to", "zh-CN", "--out", "kit"]);
    let (code, report) = finish_json(&w, &["kit"]);
    assert_eq!(code, 1, "new sentences are missing: {report}");
    assert_eq!(
        report["languages"][0]["code_faults"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let page = w.path("kit/forum.zh-CN.html");
    let original = std::fs::read_to_string(w.path("forum.html")).unwrap();
    let dom = crate::chromium::dump_dom(&page, &w.path("chromium-profile"));
    assert!(dom.contains("<html lang=\"zh-CN\">"), "{dom}");
    assert!(dom.contains("<title>北京－东京论坛：后疫情时代中日关系将得到加强</title>"));
    assert!(dom.contains("<h1>北京－东京论坛：后疫情时代中日关系将得到加强</h1>"));
    // The link placed around the term's translation, with its address.
    assert!(
        dom.contains("<a href=\"https://www.genron-npo.net/en/\">北京－东京论坛</a>"),
        "{dom}"
    );
    assert_eq!(dom.matches("<a ").count(), original.matches("<a ").count());
    assert!(dom.contains("src=\"wang-yi.jpg\""));
    // Two sentences of one paragraph, joined without a space.
    assert!(dom.contains("作用。上周"), "{dom}");
    assert!(!dom.contains("Digital technology is increasingly"));
}

/// Issue 7's policy in a Word document: a translation holding characters XML cannot hold still
/// gives a well-formed document; a vertical tab (Word's manual line break) becomes a line break,
/// other controls are left out.
#[test]
fn control_characters_in_a_translation_make_a_well_formed_docx() {
    let w = Work::new();
    std::fs::copy(
        repo_file("examples/beijing-tokyo-forum.en.docx"),
        w.path("forum.docx"),
    )
    .unwrap();
    w.ok([
        "prepare",
        "forum.docx",
        "--no-memory",
        "--to",
        "zh-CN",
        "--out",
        "kit",
    ]);
    translate_xliff(&w.path("kit/forum.zh-CN.xlf"), |u| {
        if u.id == "3" {
            Some((
                Content::plain("第一行\u{b}第二行\u{1}。"),
                State::Translated,
            ))
        } else {
            same(u)
        }
    });
    let xlf = std::fs::read_to_string(w.path("kit/forum.zh-CN.xlf")).unwrap();
    assert!(
        xlf.contains("U+000B") && xlf.contains("U+0001"),
        "kept as codes in the XLIFF"
    );
    let (code, report) = finish_json(&w, &["kit"]);
    assert_eq!(code, 0, "{report}");
    let docx = w.path("kit/forum.zh-CN.docx");
    let document = unzip_part(&docx, "word/document.xml");
    std::fs::write(w.path("document.xml"), &document).unwrap();
    let lint = std::process::Command::new("xmllint")
        .args(["--noout"])
        .arg(w.path("document.xml"))
        .output()
        .expect("xmllint (Debian libxml2-utils) is installed");
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    assert!(
        document.contains("第一行</w:t></w:r><w:r><w:br/>")
            || document.contains("第一行</w:t><w:br/>"),
        "{document}"
    );
    assert!(!document.contains('\u{1}'));
    assert!(libreoffice_text(&w, &docx).contains("第二行。"));
}
