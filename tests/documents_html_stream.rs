//! HTML read a block at a time (`Filter::extract_each`, `ops::segment::segment_page`, and
//! `tmkit segment PAGE.html`) gives exactly what the page read whole gives (`Filter::extract` and
//! `kit::document::segment_document`): the same blocks (codes without their native
//! markup), the same segments with the same offsets, the same encoding, language and warnings;
//! on the example page, the real-page fixtures, pages in Shift_JIS, GB2312, UTF-16 and
//! windows-1252, pages larger than the reading chunks, and random pages. A block longer than the
//! segment limit is refused with its place in the page.

use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Output};

use proptest::prelude::*;
use tmkit::formats::document::{Block, Extracted, Filter, Kind, Options, Piece, html::HtmlFilter};
use tmkit::kit::document::segment_document;
use tmkit::ops::segment::{default_engine, segment_page};
use tmkit::text::segment::Segment;
use tmkit::text::srx::RuleSet;

fn rules() -> RuleSet {
    default_engine().unwrap().rules_for("en").unwrap()
}

/// A row as `tmkit segment` writes it: the segment and its text.
type Row = (Segment, String);

/// The page read whole: blocks and the segments of their joined text.
fn whole(doc: &[u8], rules: &RuleSet) -> (Extracted, Vec<Row>) {
    let x = HtmlFilter
        .extract(doc, "page.html", &Options::default())
        .expect("HTML is never refused");
    let cut = segment_document(Kind::Html, &x, rules);
    let rows = cut
        .segments
        .iter()
        .map(|s| (s.clone(), s.text(&cut.text).to_string()))
        .collect();
    (x, rows)
}

/// The page read a block at a time.
fn streamed(doc: &[u8], rules: &RuleSet) -> (Extracted, Vec<Row>) {
    let mut blocks = Vec::new();
    let mut x = HtmlFilter
        .extract_each(
            &mut Cursor::new(doc),
            "page.html",
            &Options::default(),
            &mut |b| {
                blocks.push(b);
                Ok(())
            },
        )
        .expect("HTML is never refused");
    x.blocks = blocks;
    let mut rows = Vec::new();
    segment_page(&mut Cursor::new(doc), "page.html", rules, &mut |block| {
        for s in block.segments {
            rows.push((s.clone(), block.text_of(s).to_string()));
        }
        Ok(())
    })
    .expect("HTML is never refused");
    (x, rows)
}

/// The blocks without the codes' native markup (which the streaming path leaves out).
fn without_natives(blocks: &[Block]) -> Vec<Block> {
    let mut out = blocks.to_vec();
    for b in &mut out {
        for p in &mut b.pieces {
            if let Piece::Code(c) = p {
                c.native.clear();
            }
        }
    }
    out
}

fn check_same(doc: &[u8], rules: &RuleSet) -> Result<(), TestCaseError> {
    let (wx, wrows) = whole(doc, rules);
    let (sx, srows) = streamed(doc, rules);
    prop_assert_eq!(without_natives(&wx.blocks), sx.blocks.clone());
    prop_assert_eq!(
        (&wx.lang, wx.encoding, &wx.warnings),
        (&sx.lang, sx.encoding, &sx.warnings)
    );
    prop_assert_eq!(wrows, srows);
    Ok(())
}

fn assert_same(doc: &[u8], what: &str) -> Extracted {
    let rules = rules();
    if let Err(e) = check_same(doc, &rules) {
        panic!("{what}: {e}");
    }
    whole(doc, &rules).0
}

fn repo(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The example article repeated into a page of about `bytes` bytes (as the bench builds it).
fn big_page(bytes: usize) -> String {
    let example = String::from_utf8(repo("examples/beijing-tokyo-forum.en.html")).unwrap();
    let start = example.find("<article>").unwrap();
    let end = example.find("</article>").unwrap() + "</article>".len();
    let mut page = example[..start].to_string();
    let mut n = 0;
    while page.len() < bytes {
        n += 1;
        page.push_str(&example[start..end].replace("<h1>", &format!("<h1>Part {n}: ")));
        page.push('\n');
    }
    page.push_str(&example[end..]);
    page
}

#[test]
fn the_example_page_and_the_fixture_page_stream_to_the_same_segments() {
    let x = assert_same(&repo("examples/beijing-tokyo-forum.en.html"), "example");
    assert!(x.blocks.len() > 20, "{}", x.blocks.len());
    let x = assert_same(
        &repo("tests/fixtures/documents/okapi-html-cp1252-entities-testForEncoding1.html"),
        "windows-1252 fixture",
    );
    assert_eq!(x.encoding, "windows-1252");
}

#[test]
fn pages_larger_than_the_reading_chunks_stream_to_the_same_segments() {
    // Tokens and characters cut by the 64 KiB chunks, in UTF-8 and in Shift_JIS.
    let page = big_page(300_000).replace("Beijing", "北京 Beijing");
    assert_same(page.as_bytes(), "UTF-8, 300 KB");
    let page = page.replacen("<head>", "<head><meta charset=shift_jis>", 1);
    // (What Shift_JIS cannot hold becomes a character reference.)
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&page);
    let x = assert_same(&sjis, "Shift_JIS, 300 KB");
    assert_eq!(x.encoding, "Shift_JIS");
}

#[test]
fn every_way_of_naming_an_encoding_streams_to_the_same_segments() {
    let body = "<title>日本語のページ</title><h1>見出し &amp; タイトル</h1>\
                <p>最初の文です。二番目の文です。<b>太字</b>と<a href=x title='リンク'>リンク</a>。</p>\
                <p>東京と大阪。第二文！</p>";
    let chinese = "<title>中文网页</title><h1>标题 &amp; 题目</h1>\
                   <p>第一句话。第二句话！<b>粗体</b>和<a href=x title='链接'>链接</a>。</p>";
    // Declared in a meta, in Shift_JIS and GB2312.
    for (label, enc, text) in [
        ("shift_jis", encoding_rs::SHIFT_JIS, body),
        ("gb2312", encoding_rs::GBK, chinese),
    ] {
        let page = format!("<!DOCTYPE html><html><head><meta charset=\"{label}\"></head>{text}");
        let (bytes, _, bad) = enc.encode(&page);
        assert!(!bad, "{label}");
        let x = assert_same(&bytes, label);
        assert_eq!(x.encoding, enc.name());
        assert!(x.blocks.len() >= 3, "{label}: {:?}", x.blocks);
    }
    // UTF-16 with a byte-order mark, little- and big-endian.
    let page = format!("<!DOCTYPE html><html lang=ja>{body}");
    let utf16: Vec<u16> = page.encode_utf16().collect();
    let le: Vec<u8> = [0xfeffu16]
        .iter()
        .chain(&utf16)
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let be: Vec<u8> = [0xfeffu16]
        .iter()
        .chain(&utf16)
        .flat_map(|u| u.to_be_bytes())
        .collect();
    assert_eq!(assert_same(&le, "UTF-16LE").encoding, "UTF-16LE");
    assert_eq!(assert_same(&be, "UTF-16BE").encoding, "UTF-16BE");
    // UTF-8 with a byte-order mark.
    let bom = [b"\xef\xbb\xbf".as_slice(), page.as_bytes()].concat();
    assert_eq!(assert_same(&bom, "UTF-8 BOM").lang.as_deref(), Some("ja"));
    // A meta charset after the first 1024 bytes is not seen (as in a browser): the page is
    // UTF-8 if all of it is, else windows-1252, with a warning.
    let padding = format!("<!-- {} -->", "x".repeat(1100));
    let late = format!("<html><head>{padding}<meta charset=shift_jis></head>{body}");
    assert_eq!(
        assert_same(late.as_bytes(), "late meta, UTF-8").encoding,
        "UTF-8"
    );
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&late);
    let x = assert_same(&sjis, "late meta, Shift_JIS bytes");
    assert_eq!(x.encoding, "windows-1252");
    assert_eq!(x.warnings.len(), 1);
    // A page that declares no encoding and is UTF-8 up to a byte far beyond the first chunk:
    // windows-1252 throughout.
    let mut page = big_page(200_000)
        .replacen("<meta charset=\"utf-8\">", "", 1)
        .into_bytes();
    page.extend_from_slice(b"<p>caf\xe9 cr\xe8me.</p>");
    assert_eq!(
        assert_same(&page, "late invalid UTF-8").encoding,
        "windows-1252"
    );
}

#[test]
fn the_other_formats_hand_out_their_extracted_blocks_one_by_one() {
    let md = repo("tests/fixtures/documents/okapi-md-dillinger-readme.md");
    let filter = Kind::Markdown.filter();
    let whole = filter.extract(&md, "a.md", &Options::default()).unwrap();
    let mut blocks = Vec::new();
    let rest = filter
        .extract_each(
            &mut Cursor::new(&md),
            "a.md",
            &Options::default(),
            &mut |b| {
                blocks.push(b);
                Ok(())
            },
        )
        .unwrap();
    assert!(rest.blocks.is_empty());
    assert_eq!(blocks, whole.blocks);
}

#[test]
fn an_error_of_the_sink_stops_the_reading() {
    let page = big_page(300_000);
    let mut seen = 0;
    let e = HtmlFilter
        .extract_each(
            &mut Cursor::new(page.as_bytes()),
            "page.html",
            &Options::default(),
            &mut |_| {
                seen += 1;
                if seen == 3 {
                    Err(tmkit::ErrorKind::Write(std::io::ErrorKind::BrokenPipe.into()).into())
                } else {
                    Ok(())
                }
            },
        )
        .unwrap_err();
    assert!(e.is_broken_pipe(), "{e}");
    assert_eq!(seen, 3);
}

// ---------------------------------------------------------------------------------------------
// The command: `tmkit segment PAGE.html` reads the page a block at a time; standard input is
// still read whole, which gives the reference.

fn tmkit(args: &[&str], stdin: Option<&Path>, dir: &Path) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tmkit"));
    c.args(args).current_dir(dir).env_remove("TMKIT_DB");
    if let Some(p) = stdin {
        c.stdin(std::fs::File::open(p).unwrap());
    }
    c.output().unwrap()
}

#[test]
fn tmkit_segment_writes_the_same_bytes_for_a_page_read_a_block_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<(&str, Vec<u8>)> = vec![
        ("example.html", repo("examples/beijing-tokyo-forum.en.html")),
        (
            "cp1252.html",
            repo("tests/fixtures/documents/okapi-html-cp1252-entities-testForEncoding1.html"),
        ),
        ("big.html", big_page(200_000).into_bytes()),
        ("empty.html", b"<!DOCTYPE html><p>  </p>".to_vec()),
        (
            "controls.html",
            "<html><p>Tab\tand \u{1b}[31mescape.</p><p>Back\\slash &#10; line.</p>"
                .as_bytes()
                .to_vec(),
        ),
    ];
    for (name, bytes) in &pages {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        for format in ["text", "json", "tsv"] {
            let file = tmkit(&["segment", name, "--format", format], None, dir.path());
            let stdin = tmkit(
                &["segment", "-", "--format", format],
                Some(&path),
                dir.path(),
            );
            assert_eq!(file.status.code(), Some(0), "{name} {format}: {file:?}");
            assert_eq!(stdin.status.code(), Some(0), "{name} {format}: {stdin:?}");
            assert!(
                file.stdout == stdin.stdout,
                "{name} --format {format}: the page read a block at a time differs\n--- file\n{}\n--- stdin\n{}",
                String::from_utf8_lossy(&file.stdout),
                String::from_utf8_lossy(&stdin.stdout)
            );
        }
    }
    let empty = tmkit(
        &["segment", "empty.html", "--format", "json"],
        None,
        dir.path(),
    );
    assert_eq!(String::from_utf8_lossy(&empty.stdout), "[]\n");
    // A page named by a path that is a pipe (which cannot be read twice) is read whole.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tmkit"))
        .args(["segment", "/dev/stdin", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let page = pages[0].1.clone();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &page));
    let piped = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let file = tmkit(
        &["segment", "example.html", "--format", "json"],
        None,
        dir.path(),
    );
    assert_eq!(piped.status.code(), Some(0));
    assert!(piped.stdout == file.stdout, "a piped page differs");
}

#[test]
fn a_block_longer_than_the_segment_limit_is_refused_at_its_place_in_the_page() {
    let dir = tempfile::tempdir().unwrap();
    // Sentences of a few words, but one paragraph of 200 KB.
    let long = "A short sentence here. ".repeat(9_000);
    let page = format!("<!DOCTYPE html>\n<html>\n<h1>Title</h1>\n  <p>{long}</p>\n<p>After.</p>");
    std::fs::write(dir.path().join("long.html"), &page).unwrap();
    let out = tmkit(
        &["--max-segment-bytes", "100000", "segment", "long.html"],
        None,
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "long.html:4:6: a block of text in <p> is longer than 100000 bytes, the limit for \
             one segment (is the page missing its paragraph tags?): raise the limit with \
             --max-segment-bytes (or TMKIT_MAX_SEGMENT_BYTES)"
        ),
        "{err}"
    );
    // The same page with a limit above the paragraph is segmented.
    let out = tmkit(
        &["--max-segment-bytes", "300000", "segment", "long.html"],
        None,
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 9_002);
    // Text with no tag at all (one text token), and the value of an alt attribute.
    for (name, page, place) in [
        // The text starts right after the doctype, with its line break.
        (
            "text.html",
            format!("<!DOCTYPE html>\n{long}"),
            "text.html:1:16:",
        ),
        (
            "alt.html",
            format!("<!DOCTYPE html>\n<p>Before.</p>\n<img alt=\"{long}\">"),
            "alt.html:2:",
        ),
    ] {
        std::fs::write(dir.path().join(name), page).unwrap();
        let out = tmkit(
            &["--max-segment-bytes", "100000", "segment", name],
            None,
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{name}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(place) && err.contains("is longer than 100000 bytes"),
            "{name}: {err}"
        );
    }
}

#[test]
fn scripts_styles_and_comments_longer_than_the_limit_are_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x = 1; // <b>not text</b>\n".repeat(10_000);
    let page = format!(
        "<!DOCTYPE html><html><head><script>{big}</script><style>{big}</style></head>\
         <body><!-- {big} --><p>Kept. <svg>{big}</svg> Also kept.</p><pre>{big}</pre></body>"
    );
    std::fs::write(dir.path().join("scripts.html"), &page).unwrap();
    let out = tmkit(
        &["--max-segment-bytes", "100000", "segment", "scripts.html"],
        None,
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Kept.\nAlso kept.\n");
}

// ---------------------------------------------------------------------------------------------
// Random pages, in random encodings.

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<b>".to_string()),
        Just("</b>".to_string()),
        Just("<i>".to_string()),
        Just("</i>".to_string()),
        Just("<a href='x?a=1&amp;b' title=\"A &amp; B\">".to_string()),
        Just("</a>".to_string()),
        Just("<br>".to_string()),
        Just("<img src=x alt=\"A &amp; B\" title=Pic>".to_string()),
        Just("<div>".to_string()),
        Just("</div>".to_string()),
        Just("<span translate=no>".to_string()),
        Just("</span>".to_string()),
        Just("<code>".to_string()),
        Just("</code>".to_string()),
        Just("<pre>".to_string()),
        Just("</pre>".to_string()),
        Just("<script>".to_string()),
        Just("</script>".to_string()),
        Just("<style>".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("<![CDATA[".to_string()),
        Just("<!DOCTYPE html>".to_string()),
        Just("<html lang=en>".to_string()),
        Just("<meta http-equiv=content-language content=en>".to_string()),
        Just("<meta name=description content=\"About &amp; us\">".to_string()),
        Just("<input type=submit value=Go>".to_string()),
        Just("<title>".to_string()),
        Just("</title>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("<td>".to_string()),
        Just("<li>".to_string()),
        Just("<ul><u>".to_string()),
        Just("<textarea>".to_string()),
        Just("</textarea>".to_string()),
        Just("<% x %>".to_string()),
        Just("<%".to_string()),
        Just("%>".to_string()),
        Just("&lt;%".to_string()),
        Just("<svg><title>".to_string()),
        Just("</svg>".to_string()),
        Just("<plaintext>".to_string()),
        Just("&amp;".to_string()),
        Just("&nbsp;".to_string()),
        Just("&#x4e2d;".to_string()),
        Just("&bogus".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        Just("\"".to_string()),
        Just("=".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\0".to_string()),
        Just(". ".to_string()),
        Just("? ".to_string()),
        "[a-zA-Z ]{1,12}",
        "[中文字。ひらがなカタカナ]{1,6}",
    ]
}

fn encoding() -> impl Strategy<Value = &'static encoding_rs::Encoding> {
    prop_oneof![
        Just(encoding_rs::UTF_8),
        Just(encoding_rs::SHIFT_JIS),
        Just(encoding_rs::GBK),
        Just(encoding_rs::UTF_16LE),
        Just(encoding_rs::WINDOWS_1252),
    ]
}

/// A page of `fragments` in `enc`: declared in a meta (UTF-16 with a byte-order mark instead),
/// or, for windows-1252, not declared at all.
fn encoded(fragments: &[String], enc: &'static encoding_rs::Encoding, repeat: usize) -> Vec<u8> {
    let body = fragments.concat().repeat(repeat);
    if enc == encoding_rs::UTF_16LE {
        return [0xfeffu16]
            .into_iter()
            .chain(body.encode_utf16())
            .flat_map(|u| u.to_le_bytes())
            .collect();
    }
    let page = if enc == encoding_rs::WINDOWS_1252 {
        body
    } else {
        format!("<meta charset={}>{body}", enc.name())
    };
    enc.encode(&page).0.into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_pages_stream_to_the_same_blocks_and_segments(
        fragments in proptest::collection::vec(fragment(), 0..60),
        enc in encoding(),
    ) {
        check_same(&encoded(&fragments, enc, 1), &rules())?;
    }

    #[test]
    fn random_bytes_stream_to_the_same_segments(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        check_same(&bytes, &rules())?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_pages_cut_by_the_reading_chunks_stream_to_the_same_segments(
        fragments in proptest::collection::vec(fragment(), 1..40),
        enc in encoding(),
    ) {
        // Repeated to over 64 KiB, so that tokens and characters straddle chunks.
        let once = fragments.concat().len().max(1);
        let page = encoded(&fragments, enc, 70_000 / once + 1);
        check_same(&page, &rules())?;
    }
}
