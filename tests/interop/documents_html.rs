//! The HTML filter on whole pages: identity round trips byte for byte (a real windows-1252 page,
//! generated GB2312 / Shift_JIS / malformed pages, random input), what a news page extracts to,
//! merged translations, and the translated page as headless Chromium shows it.
//!
//! Needs Chromium (`apt-get install chromium`); set `CHROMIUM` to use another binary.

use crate::chromium;
mod corpus;
use chromium::dump_dom;

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use tmkit::formats::document::{
    Block, Code, Extracted, Filter, Options, Piece, Role, check_nesting, html::HtmlFilter,
};
use tmkit::model::Lang;

fn extract(doc: &[u8]) -> Extracted {
    HtmlFilter
        .extract(doc, "page.html", &Options::default())
        .expect("HTML is never refused")
}

fn merge(doc: &[u8], blocks: &[Vec<Piece>], lang: &str) -> Vec<u8> {
    HtmlFilter
        .merge(
            doc,
            "page.html",
            &Options::default(),
            blocks,
            &Lang::parse(lang).unwrap(),
        )
        .unwrap()
}

/// A block as text with its codes written `{1}`, `{/1}`, `{1/}`.
fn shown(b: &Block) -> String {
    let mut s = String::new();
    for p in &b.pieces {
        match p {
            Piece::Text(t) => s.push_str(t),
            Piece::Code(c) => s.push_str(&match c.role {
                Role::Open => format!("{{{}}}", c.id),
                Role::Close => format!("{{/{}}}", c.id),
                Role::Standalone => format!("{{{}/}}", c.id),
            }),
        }
    }
    s
}

/// Prints both sides when they differ.
fn assert_same_bytes(got: &[u8], want: &[u8], what: &str) {
    if got != want {
        panic!(
            "{what}: the merged page differs from the expected one\n--- got\n{}\n--- want\n{}",
            String::from_utf8_lossy(got),
            String::from_utf8_lossy(want)
        );
    }
}

const NEWS: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Forum opens in Beijing &amp; Tokyo</title>
<meta name="description" content="Leaders meet for the first forum.">
<meta property="og:title" content="Forum opens">
<style>h1 { color: navy; }</style>
<script>var views = 1 < 2 && "<p>not text</p>";</script>
</head>
<body>
<header><nav><a href="/">Home</a> | <a href="/world">World</a></nav></header>
<article>
<h1>Forum opens in <em>Beijing</em></h1>
<p class="byline">By <a href="/staff/li" title="Staff page">Li Wei</a>, 3 May</p>
<figure><img src="forum.jpg" alt="Delegates at the opening"><figcaption>The opening session.</figcaption></figure>
<p>The <b>first</b> forum opened on Monday.<br>More than 300 <a href="https://example.org/d?a=1&amp;b=2">delegates</a> came.</p>
<p>Use the <code>forum</code> tag&nbsp;to follow it.</p>
<pre>Schedule:
  09:00 opening</pre>
<p translate="no">BRAND NAME</p>
<ul><li>Trade<li>Culture</ul>
<!-- a comment between blocks -->
</article>
</body>
</html>
"#;

#[test]
fn a_news_page_extracts_to_its_visible_text_with_codes_in_order() {
    let x = extract(NEWS.as_bytes());
    assert_eq!(x.lang.as_deref(), Some("en"));
    assert_eq!(x.encoding, "UTF-8");
    let got: Vec<(String, &str, String)> = x
        .blocks
        .iter()
        .map(|b| (b.name.clone(), b.restype, shown(b)))
        .collect();
    let want = [
        ("title", "x-title", "Forum opens in Beijing & Tokyo"),
        (
            "meta description",
            "x-attribute",
            "Leaders meet for the first forum.",
        ),
        ("meta og:title", "x-attribute", "Forum opens"),
        ("nav", "x-paragraph", "{1}Home{/1} | {2}World{/2}"),
        ("h1", "x-heading", "Forum opens in {1}Beijing{/1}"),
        ("a title", "x-attribute", "Staff page"),
        ("p", "x-paragraph", "By {1}Li Wei{/1}, 3 May"),
        ("img alt", "x-attribute", "Delegates at the opening"),
        ("figcaption", "x-paragraph", "The opening session."),
        (
            "p",
            "x-paragraph",
            "The {1}first{/1} forum opened on Monday.{2/}More than 300 {3}delegates{/3} came.",
        ),
        ("p", "x-paragraph", "Use the {1/} tag\u{a0}to follow it."),
        ("li", "x-list-item", "Trade"),
        ("li", "x-list-item", "Culture"),
    ];
    let want: Vec<(String, &str, String)> = want
        .iter()
        .map(|(n, r, t)| (n.to_string(), *r, t.to_string()))
        .collect();
    assert_eq!(got, want);
    // The native markup of the codes is the page's own.
    let p = &x.blocks[9];
    let natives: Vec<&str> = p.codes().map(|c| c.native.as_str()).collect();
    assert_eq!(
        natives,
        [
            "<b>",
            "</b>",
            "<br>",
            "<a href=\"https://example.org/d?a=1&amp;b=2\">",
            "</a>"
        ]
    );
    let types: Vec<&str> = p.codes().map(|c| c.ctype.as_str()).collect();
    assert_eq!(types, ["bold", "bold", "lb", "link", "link"]);
    assert_eq!(
        x.blocks[10].codes().next().unwrap().native,
        "<code>forum</code>"
    );
}

fn code(id: u32, role: Role) -> Piece {
    Piece::Code(Code::new(id, role, ""))
}

fn text(s: &str) -> Piece {
    Piece::Text(s.to_string())
}

/// The news page in Chinese: codes moved, markup characters in the text, an attribute with a
/// quote; the other blocks unchanged.
fn news_in_chinese() -> (Vec<Vec<Piece>>, Vec<u8>) {
    let x = extract(NEWS.as_bytes());
    let mut blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
    blocks[0] = vec![text("论坛在北京和东京开幕 <1>")];
    blocks[4] = vec![
        code(1, Role::Open),
        text("北京"),
        code(1, Role::Close),
        text("论坛开幕"),
    ];
    blocks[5] = vec![text("员工\"页面\"")];
    blocks[7] = vec![text("开幕式上的代表")];
    blocks[9] = vec![
        text("超过300名"),
        code(3, Role::Open),
        text("代表"),
        code(3, Role::Close),
        text("到场。"),
        code(2, Role::Standalone),
        code(1, Role::Open),
        text("首届"),
        code(1, Role::Close),
        text("论坛周一开幕。"),
    ];
    let want = NEWS
        .replace("<html lang=\"en\">", "<html lang=\"zh-CN\">")
        .replace(
            "<title>Forum opens in Beijing &amp; Tokyo</title>",
            "<title>论坛在北京和东京开幕 &lt;1&gt;</title>",
        )
        .replace(
            "<h1>Forum opens in <em>Beijing</em></h1>",
            "<h1><em>北京</em>论坛开幕</h1>",
        )
        .replace("title=\"Staff page\"", "title=\"员工&quot;页面&quot;\"")
        .replace("alt=\"Delegates at the opening\"", "alt=\"开幕式上的代表\"")
        .replace(
            "<p>The <b>first</b> forum opened on Monday.<br>More than 300 <a href=\"https://example.org/d?a=1&amp;b=2\">delegates</a> came.</p>",
            "<p>超过300名<a href=\"https://example.org/d?a=1&amp;b=2\">代表</a>到场。<br><b>首届</b>论坛周一开幕。</p>",
        );
    (blocks, want.into_bytes())
}

#[test]
fn a_translated_news_page_keeps_its_markup_with_codes_in_the_translated_order() {
    let (blocks, want) = news_in_chinese();
    let got = merge(NEWS.as_bytes(), &blocks, "zh-CN");
    assert_same_bytes(&got, &want, "news page in Chinese");
}

#[test]
fn the_real_windows_1252_page_round_trips_byte_for_byte() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/documents/okapi-html-cp1252-entities-testForEncoding1.html");
    let doc = std::fs::read(&path).unwrap();
    let x = extract(&doc);
    assert_eq!(x.encoding, "windows-1252");
    let texts: Vec<String> = x.blocks.iter().map(shown).collect();
    // The four spellings of "á": a character reference, an entity, the literal text \u00e1
    // (not an escape in HTML) and the raw byte; &apos; is an HTML5 entity.
    let a = "á=aacute, á=aacute \\u00e1=aacute á=aacute '=apos";
    assert_eq!(
        texts,
        [
            a.to_string(),
            a.to_string(),
            a.to_string(),
            "This paragraph {1}has a link{/1} and {2/} some text.".to_string(),
        ]
    );
    assert_eq!(x.blocks[2].name, "a alt");
    // With every block unchanged, the page comes back byte for byte but for its language
    // (the content-language meta says en-us; merge writes en-US and adds it to <html>).
    let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
    let got = merge(&doc, &blocks, "en-US");
    let want = replace_bytes(
        &replace_bytes(&doc, b"<html>", b"<html lang=\"en-US\">"),
        b"content=\"en-us\"",
        b"content=\"en-US\"",
    );
    assert_same_bytes(&got, &want, "testForEncoding1.html");
    // A translation is written in windows-1252; what it cannot hold becomes a reference.
    let mut blocks = blocks;
    blocks[1] = vec![text("Café ☕ €")];
    let got = merge(&doc, &blocks, "fr-FR");
    let needle = b"<h1>Caf\xe9 &#9749; \x80</h1>";
    assert!(
        got.windows(needle.len()).any(|w| w == needle),
        "{}",
        String::from_utf8_lossy(&got)
    );
}

/// A Chinese page in GB2312 and a Japanese page in Shift_JIS, made with encoding_rs.
fn cjk_pages() -> Vec<(&'static str, Vec<u8>, &'static str, Vec<&'static str>)> {
    let zh = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\
              <title>百度一下，你就知道</title></head><body>\
              <p><a href=\"http://news.example.cn\">新&nbsp;闻</a>　<b>网&nbsp;页</b>　贴吧</p>\
              <form><input type=submit value=\"百度一下\"></form>\
              <p style='font-family:\"宋体\"'>&copy;2010 百度 <a href=/duty/>使用百度前必读</a></p>\
              <script>document.write('<\\/script>')</script></body></html><!-- 注释 -->";
    let ja = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\
              <!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\
              <HTML><HEAD><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\" />\
              <TITLE>２ちゃんねる掲示板へようこそ</TITLE></HEAD><BODY>\
              <!--- comment --->\
              <DIV><A HREF=http://www.example.jp/~user/>ニュース</A>｜<a href=b.html>ヘッドライン\
              <img src=x.gif alt=ライブチャット></DIV>\
              <select name=t><option>本文<option>スレッドタイトル</select>\
              <p>表～ソ―能 ①</p></BODY></HTML>";
    let gb = encoding_rs::GBK.encode(zh).0.into_owned();
    let sjis = encoding_rs::SHIFT_JIS.encode(ja).0.into_owned();
    assert!(gb.iter().any(|&b| b >= 0x80) && sjis.iter().any(|&b| b >= 0x80));
    vec![
        (
            "gb2312",
            gb,
            "GBK",
            vec![
                "百度一下，你就知道",
                "{1}新\u{a0}闻{/1}　{2}网\u{a0}页{/2}　贴吧",
                "百度一下",
                "©2010 百度 {1}使用百度前必读{/1}",
            ],
        ),
        (
            "shift_jis",
            sjis,
            "Shift_JIS",
            vec![
                "２ちゃんねる掲示板へようこそ",
                "ライブチャット",
                "{1}ニュース{/1}｜{2/}ヘッドライン{3/}",
                "本文",
                "スレッドタイトル",
                "表～ソ―能 ①",
            ],
        ),
    ]
}

#[test]
fn gb2312_and_shift_jis_pages_are_read_in_their_encoding_and_round_trip_byte_for_byte() {
    for (what, doc, encoding, want) in cjk_pages() {
        let x = extract(&doc);
        assert_eq!(x.encoding, encoding, "{what}");
        let got: Vec<String> = x.blocks.iter().map(shown).collect();
        assert_eq!(got, want, "{what}");
        let r = corpus::round_trip(what, &doc);
        assert_eq!(r.difference, None, "{what}");
        assert_eq!(
            r.language.as_deref(),
            Some("lang=\"en\" added to <html>"),
            "{what}"
        );
    }
}

#[test]
fn a_translation_is_written_in_the_page_encoding_with_references_for_the_rest() {
    let pages = cjk_pages();
    let (_, doc, _, _) = &pages[1];
    let x = extract(doc);
    let mut blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
    blocks[0] = vec![text("ようこそ２ちゃんねるへ – 한국어")];
    let got = merge(doc, &blocks, "zh-CN");
    let (decoded, _, bad) = encoding_rs::SHIFT_JIS.decode(&got);
    assert!(!bad);
    assert!(
        decoded.contains("<TITLE>ようこそ２ちゃんねるへ &#8211; &#54620;&#44397;&#50612;</TITLE>"),
        "{decoded}"
    );
    assert!(decoded.contains("<HTML lang=\"zh-CN\">"), "{decoded}");
    // Everything but the title and the language is the original, byte for byte.
    let title = encoding_rs::SHIFT_JIS
        .encode("２ちゃんねる掲示板へようこそ")
        .0;
    let new_title = encoding_rs::SHIFT_JIS
        .encode("ようこそ２ちゃんねるへ &#8211; &#54620;&#44397;&#50612;")
        .0;
    let want = replace_bytes(
        &replace_bytes(doc, &title, &new_title),
        b"<HTML>",
        b"<HTML lang=\"zh-CN\">",
    );
    assert_same_bytes(&got, &want, "shift_jis page with a Chinese title");
}

fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = hay
        .windows(from.len())
        .position(|w| w == from)
        .expect("the bytes to replace are there");
    [&hay[..at], to, &hay[at + from.len()..]].concat()
}

#[test]
fn malformed_pages_extract_as_a_browser_reads_them_and_round_trip() {
    let table: &[(&str, &[&str])] = &[
        // Implied end tags: p by the next block, li by the next li, cells by the next cell.
        (
            "<p>One<div>Two</div><p>Three<ul><li>A<li>B</ul><table><tr><td>C<td>D</table>",
            &["One", "Two", "Three", "A", "B", "C", "D"],
        ),
        // Misnested and unclosed inline tags stay well nested in the block.
        (
            "<p>This <u>text <b>is<i> bad</u> formatting</b> here</i>.</p>",
            &["This {1}text {2/}is{3/} bad{/1} formatting{4/} here{5/}."],
        ),
        (
            "<P>unclosed <I>italic<P>next",
            &["unclosed {1/}italic", "next"],
        ),
        // Unquoted attributes, uppercase tags, an attribute with a line feed, a stray end tag.
        (
            "<A HREF=x.html TITLE='two\nlines'>link</A></span> <br/></p>",
            &["two lines", "{1}link{/1}{2/} {3/}"],
        ),
        // Text that looks like markup in a script; a CDATA section, which HTML reads as a
        // comment up to the first `>` (the rest is text, as a browser shows it); a comment that
        // never ends.
        (
            "<p>a<script>document.write('<p>x</p>')</script>b</p><![CDATA[ x > y ]]><!-- open",
            &["a{1/}b", "y ]]>"],
        ),
        // Comments at the edges of a text stay out of the block; inside, they are codes.
        (
            "<div><!-- begin -->\n  Text <!-- x --> here <!-- end --></div>",
            &["Text {1/} here"],
        ),
        // A stray < and & in text, a tag that never ends.
        ("<p>1 < 2 && 3 > 2 &bogus; <b", &["1 < 2 && 3 > 2 &bogus;"]),
    ];
    for (html, want) in table {
        let x = extract(html.as_bytes());
        let got: Vec<String> = x.blocks.iter().map(shown).collect();
        assert_eq!(&got, want, "{html}");
        for b in &x.blocks {
            assert_eq!(check_nesting(&b.pieces), None, "{html}");
        }
        let r = corpus::round_trip("malformed.html", html.as_bytes());
        assert_eq!(r.difference, None, "{html}");
    }
}

#[test]
fn the_target_language_is_set_on_the_page() {
    let table: &[(&str, &str)] = &[
        ("<html lang=\"en\"><p>x", "<html lang=\"ja-JP\"><p>x"),
        ("<html><p>x", "<html lang=\"ja-JP\"><p>x"),
        ("<p>x", "<html lang=\"ja-JP\"><p>x"),
        (
            "<!doctype html>\n<p>x",
            "<!doctype html><html lang=\"ja-JP\">\n<p>x",
        ),
        (
            "<html xml:lang=en lang=en><meta http-equiv=Content-Language content='en'>",
            "<html xml:lang=ja-JP lang=ja-JP><meta http-equiv=Content-Language content='ja-JP'>",
        ),
        // A doctype after the content does not start the page (regression: `<html lang>`
        // written after it changed how the rest was read).
        (
            "<p>x<!DOCTYPE html></p>",
            "<html lang=\"ja-JP\"><p>x<!DOCTYPE html></p>",
        ),
        (
            "<html><body lang=\"en-GB\"><p>x",
            "<html lang=\"ja-JP\"><body lang=\"ja-JP\"><p>x",
        ),
    ];
    for (doc, want) in table {
        let x = extract(doc.as_bytes());
        let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
        let got = merge(doc.as_bytes(), &blocks, "ja-JP");
        assert_same_bytes(&got, want.as_bytes(), doc);
    }
}

#[test]
fn a_translation_with_a_code_the_source_does_not_have_is_refused() {
    let doc = b"<p>Hello <b>world</b></p>";
    let e = HtmlFilter
        .merge(
            doc,
            "page.html",
            &Options::default(),
            &[vec![text("你好"), code(7, Role::Standalone)]],
            &Lang::parse("zh-CN").unwrap(),
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("page.html: block 1 (p): the translation has code 7"),
        "{e}"
    );
    let e = HtmlFilter
        .merge(
            doc,
            "page.html",
            &Options::default(),
            &[],
            &Lang::parse("zh-CN").unwrap(),
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("the translation has 0 blocks but the page has 1"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// Random input: never a panic; codes nest; the identity merge gives the page back.

/// Pieces of HTML to mutate pages with (no `l`, so no `lang` or `content-language` can appear
/// and the identity merge only adds a `lang` to `<html>`).
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<b>".to_string()),
        Just("</b>".to_string()),
        Just("<i>".to_string()),
        Just("</i>".to_string()),
        Just("<a href='x?a=1&amp;b'>".to_string()),
        Just("</a>".to_string()),
        Just("<br>".to_string()),
        Just("<img src=x a=\"A &amp; B\" title=Pic>".to_string()),
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
        Just("<html>".to_string()),
        Just("<title>".to_string()),
        Just("</title>".to_string()),
        Just("<td>".to_string()),
        Just("<tr>".to_string()),
        Just("<ul><u>".to_string()),
        Just("&amp;".to_string()),
        Just("&nbsp;".to_string()),
        Just("&#x4e2d;".to_string()),
        Just("&bogus".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("=".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        "[a-z ]{1,12}".prop_map(|s| s.replace('l', "k")),
        "[中文字ひらがなカタカナ]{1,6}",
    ]
}

/// More pieces of HTML, with the language, translatable attributes and server tags.
fn fragment_any() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => fragment(),
        1 => prop_oneof![
            Just("<html lang=en>".to_string()),
            Just("<html xml:lang='en-GB'>".to_string()),
            Just("<body lang=\"\">".to_string()),
            Just("<meta http-equiv=content-language content=en>".to_string()),
            Just("<img alt='A \"cat\"' src=c.png>".to_string()),
            Just("<img alt=cat>".to_string()),
            Just("<a title=\"\" href=x>".to_string()),
            Just("<meta name=description content=\"About &amp; us\">".to_string()),
            Just("<input type=submit value=Go>".to_string()),
            Just("<input placeholder=name>".to_string()),
            Just("<label>".to_string()),
            Just("</label>".to_string()),
            Just("<select><option>One<option label=x>".to_string()),
            Just("</select>".to_string()),
            Just("<table><tr><td>".to_string()),
            Just("</table>".to_string()),
            Just("<li>".to_string()),
            Just("<textarea>".to_string()),
            Just("</textarea>".to_string()),
            Just("<% x %>".to_string()),
            Just("<%".to_string()),
            Just("%>".to_string()),
            Just("<p class=notranslate>".to_string()),
            Just("<svg><title>".to_string()),
            Just("</svg>".to_string()),
            Just("<noscript>".to_string()),
            Just("</noscript>".to_string()),
            Just("<plaintext>".to_string()),
            Just("\u{a0}".to_string()),
            Just("\r\n".to_string()),
            Just("\0".to_string()),
        ],
    ]
}

fn check_blocks(x: &Extracted, input: &[u8]) -> Result<(), TestCaseError> {
    for b in &x.blocks {
        prop_assert_eq!(check_nesting(&b.pieces), None, "{:?}", b);
        prop_assert!(
            !b.plain_text().trim().is_empty(),
            "a block without text: {:?}",
            b
        );
        let mut ids = std::collections::HashMap::new();
        for c in b.codes() {
            *ids.entry((c.id, c.role)).or_insert(0) += 1;
        }
        prop_assert!(ids.values().all(|&n| n == 1), "ids repeat: {:?}", b);
        prop_assert!(
            !b.pieces
                .windows(2)
                .any(|w| matches!(w, [Piece::Text(_), Piece::Text(_)])),
            "adjacent texts: {:?}",
            b
        );
    }
    let r = corpus::round_trip("random.html", input);
    prop_assert_eq!(r.difference, None);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_and_round_trip(
        bytes in proptest::collection::vec(
            prop_oneof![any::<u8>().prop_filter("no l", |b| *b != b'l' && *b != b'L'),
                        Just(b'<'), Just(b'>'), Just(b'&')],
            0..300,
        )
    ) {
        let x = extract(&bytes);
        check_blocks(&x, &bytes)?;
    }

    #[test]
    fn mutated_pages_never_panic_keep_codes_nested_and_round_trip(
        parts in proptest::collection::vec(fragment(), 0..40),
        encoding in prop_oneof![Just("utf-8"), Just("gbk"), Just("shift_jis"), Just("windows-1252")],
    ) {
        let page: String = parts.concat();
        let page = if encoding == "utf-8" {
            page
        } else {
            format!("<meta charset={encoding}>{page}")
        };
        let bytes = encoding_rs::Encoding::for_label(encoding.as_bytes())
            .unwrap()
            .encode(&page)
            .0
            .into_owned();
        let x = extract(&bytes);
        check_blocks(&x, &bytes)?;
    }
}

/// The pieces with each text in brackets (the codes kept, in place).
fn bracketed(pieces: &[Piece]) -> Vec<Piece> {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => Piece::Text(format!("[{t}]")),
            p => p.clone(),
        })
        .collect()
}

/// Texts, and codes by id and role (a translation's codes have no native markup).
fn comparable(pieces: &[Piece]) -> Vec<(String, u32, Option<Role>)> {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => (t.clone(), 0, None),
            Piece::Code(c) => (String::new(), c.id, Some(c.role)),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Merge writes sound HTML: the translated page reads back as the translation.
    #[test]
    fn translated_pages_read_back_as_their_translation(
        parts in proptest::collection::vec(fragment_any(), 0..40),
        encoding in prop_oneof![Just("utf-8"), Just("gbk"), Just("shift_jis"), Just("windows-1252")],
    ) {
        let page: String = parts.concat();
        let page = if encoding == "utf-8" {
            page
        } else {
            format!("<meta charset={encoding}>{page}")
        };
        let enc = encoding_rs::Encoding::for_label(encoding.as_bytes()).unwrap();
        let bytes = enc.encode(&page).0.into_owned();
        let x = extract(&bytes);
        let translated: Vec<Vec<Piece>> = x.blocks.iter().map(|b| bracketed(&b.pieces)).collect();
        let merged = merge(&bytes, &translated, "zh-CN");
        let again = extract(&merged);
        let got: Vec<_> = again.blocks.iter().map(|b| comparable(&b.pieces)).collect();
        let want: Vec<_> = translated.iter().map(|b| comparable(b)).collect();
        prop_assert_eq!(got, want, "merged: {}", String::from_utf8_lossy(&merged));
    }
}

// ---------------------------------------------------------------------------------------------
// translate-toolkit's html2po on the same page.

/// The msgids of a PO file written by html2po (the header left out).
fn po_msgids(po: &str) -> Vec<String> {
    let unquote = |l: &str| -> String {
        let l = l.trim();
        let inner = &l[1..l.len() - 1];
        inner
            .replace("\\n", "\n")
            .replace("\\\"", "\"")
            .replace("\\\\", "\\")
    };
    let mut ids = Vec::new();
    let mut current: Option<String> = None;
    for line in po.lines() {
        if let Some(rest) = line.strip_prefix("msgid ") {
            current = Some(unquote(rest));
        } else if line.starts_with('"') {
            if let Some(c) = current.as_mut() {
                c.push_str(&unquote(line));
            }
        } else if let Some(id) = current.take()
            && !id.is_empty()
        {
            ids.push(id);
        }
    }
    ids
}

/// Text with markup removed, `&amp;` resolved and white space collapsed.
fn visible(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn html2po(page: &str, dir: &Path) -> (String, String) {
    let input = dir.join("news.html");
    let output = dir.join("news.po");
    std::fs::write(&input, page).unwrap();
    let out = Command::new("html2po")
        .arg("--progress=none")
        .arg(&input)
        .arg(&output)
        .output()
        .expect(
            "this test compares with translate-toolkit's html2po: apt-get install translate-toolkit",
        );
    assert!(out.status.success(), "html2po: {out:?}");
    (
        std::fs::read_to_string(&output).unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn html2po_finds_the_same_units_but_for_the_differences_explained_here() {
    let dir = tempfile::tempdir().unwrap();
    // html2po reads HTML as XML-like nested tags: the news page's list, whose items have no
    // end tags (valid HTML), stops it; tmkit reads it as a browser does.
    let (po, log) = html2po(NEWS, dir.path());
    assert!(
        po_msgids(&po).is_empty() && log.contains("Mismatched closing tag"),
        "{po}\n{log}"
    );
    assert_eq!(extract(NEWS.as_bytes()).blocks.len(), 13);

    // With the end tags written, both read the page.
    let page = NEWS.replace("<li>Trade<li>Culture", "<li>Trade</li><li>Culture</li>");
    let (po, _) = html2po(&page, dir.path());
    let theirs: Vec<String> = po_msgids(&po).iter().map(|m| visible(m)).collect();
    let ours: Vec<String> = extract(page.as_bytes())
        .blocks
        .iter()
        .map(|b| {
            let with_markup: String = b
                .pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => t.replace('&', "&amp;").replace('<', "&lt;"),
                    Piece::Code(c) => c.native.clone(),
                })
                .collect();
            visible(&with_markup.replace("&lt;", "\u{1}")).replace('\u{1}', "<")
        })
        .collect();
    assert_eq!(
        (theirs.len(), ours.len()),
        (14, 13),
        "{theirs:#?}\n{ours:#?}"
    );
    let only_theirs: Vec<&String> = theirs.iter().filter(|t| !ours.contains(t)).collect();
    let only_ours: Vec<&String> = ours.iter().filter(|t| !theirs.contains(t)).collect();
    // html2po extracts, and tmkit does not:
    // - the page's `lang` value as text to translate (tmkit sets it to the target language);
    // - the `pre` block (the issue: pre is left alone: it holds code and layout);
    // - the paragraph marked translate="no" (tmkit honours the HTML translate attribute).
    assert_eq!(
        only_theirs,
        ["en", "Schedule: 09:00 opening", "BRAND NAME"],
        "{theirs:#?}"
    );
    // tmkit extracts, and html2po does not: the og:title meta (shown in link previews) and the
    // link's title attribute (a tooltip a reader sees).
    assert_eq!(only_ours, ["Forum opens", "Staff page"], "{ours:#?}");
}

// ---------------------------------------------------------------------------------------------
// Headless Chromium shows the translated page.

/// What the page's own script saw in the DOM, as tab-separated lines.
const PROBE: &str = r#"<script>
addEventListener('load', function () {
  var out = ['lang\t' + document.documentElement.lang, 'title\t' + document.title];
  document.querySelectorAll('h1, p, li, figcaption, nav').forEach(function (e) {
    out.push(e.tagName.toLowerCase() + '\t' + e.textContent.replace(/\s+/g, ' ').trim());
  });
  document.querySelectorAll('a').forEach(function (e) {
    out.push('a\t' + e.getAttribute('href') + '\t' + e.textContent + '\t' + (e.title || ''));
  });
  document.querySelectorAll('img').forEach(function (e) {
    out.push('img\t' + e.getAttribute('src') + '\t' + e.alt);
  });
  document.querySelectorAll('b, em').forEach(function (e) {
    out.push(e.tagName.toLowerCase() + '\t' + e.textContent);
  });
  var m = document.querySelector('meta[name=description]');
  out.push('description\t' + m.content);
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = out.join('\n');
  document.body.appendChild(pre);
});
</script>
"#;

#[test]
fn chromium_shows_the_translated_page_with_its_links_images_and_language() {
    // The news page with the probe script, every block pseudo-translated: its text in
    // brackets and Chinese, its codes kept (in reverse order where there are two pairs).
    let page = NEWS.replace("</body>", &format!("{PROBE}</body>"));
    let x = extract(page.as_bytes());
    let translate = |s: &str| format!("【译{s}】");
    let blocks: Vec<Vec<Piece>> = x
        .blocks
        .iter()
        .map(|b| {
            b.pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) if !t.trim().is_empty() => Piece::Text(translate(t)),
                    p => p.clone(),
                })
                .collect()
        })
        .collect();
    let merged = merge(page.as_bytes(), &blocks, "zh-CN");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("forum.zh-CN.html");
    std::fs::write(&file, &merged).unwrap();
    let dom = dump_dom(&file, &dir.path().join("profile"));
    let probe = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("the probe ran: {dom}"))
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&nbsp;", "\u{a0}");
    let got: Vec<&str> = probe.lines().collect();
    let want = [
        "lang\tzh-CN",
        "title\t【译Forum opens in Beijing & Tokyo】",
        "nav\t【译Home】【译 | 】【译World】",
        "h1\t【译Forum opens in 】【译Beijing】",
        "p\t【译By 】【译Li Wei】【译, 3 May】",
        "figcaption\t【译The opening session.】",
        "p\t【译The 】【译first】【译 forum opened on Monday.】【译More than 300 】【译delegates】【译 came.】",
        // (the probe writes white space, no-break spaces included, as one space)
        "p\t【译Use the 】forum【译 tag to follow it.】",
        "p\tBRAND NAME",
        "li\t【译Trade】",
        "li\t【译Culture】",
        "a\t/\t【译Home】\t",
        "a\t/world\t【译World】\t",
        "a\t/staff/li\t【译Li Wei】\t【译Staff page】",
        "a\thttps://example.org/d?a=1&b=2\t【译delegates】\t",
        "img\tforum.jpg\t【译Delegates at the opening】",
        "em\t【译Beijing】",
        "b\t【译first】",
        "description\t【译Leaders meet for the first forum.】",
    ];
    assert_eq!(got, want, "the DOM Chromium built:\n{dom}");
}

// ---------------------------------------------------------------------------------------------
