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
