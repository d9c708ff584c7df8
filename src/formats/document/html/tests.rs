use super::*;
use crate::formats::document::{Code, check_nesting};

fn extract(html: &str) -> Extracted {
    HtmlFilter
        .extract(html.as_bytes(), "t.html", &Options::default())
        .unwrap()
}

/// A block shown as text with codes as `{id}`, `{/id}`, `{id/}`.
fn shown(b: &Block) -> String {
    let mut s = String::new();
    for p in &b.pieces {
        match p {
            Piece::Text(t) => s.push_str(t),
            Piece::Code(c) => match c.role {
                Role::Open => s.push_str(&format!("{{{}}}", c.id)),
                Role::Close => s.push_str(&format!("{{/{}}}", c.id)),
                Role::Standalone => s.push_str(&format!("{{{}/}}", c.id)),
            },
        }
    }
    s
}

fn blocks(html: &str) -> Vec<String> {
    extract(html)
        .blocks
        .iter()
        .map(|b| format!("{}: {}", b.name, shown(b)))
        .collect()
}

#[test]
fn text_of_blocks_with_inline_codes() {
    let table: &[(&str, &[&str])] = &[
        (
            "<p>Hello <b>big</b> world</p>",
            &["p: Hello {1}big{/1} world"],
        ),
        ("<h1>\n  Title\n  here </h1>", &["h1: Title here"]),
        ("<p>One<p>Two", &["p: One", "p: Two"]),
        ("<ul><li>A<li>B</ul>", &["li: A", "li: B"]),
        (
            "<table><tr><td>A<td>B<tr><th>C</table>",
            &["td: A", "td: B", "th: C"],
        ),
        (
            "<div>Direct <i>text</i><p>Para</p>tail</div>",
            &["div: Direct {1}text{/1}", "p: Para", "div: tail"],
        ),
        ("<p>a<br>b<img src=x.png></p>", &["p: a{1/}b{2/}"]),
        // Misnested and unclosed inline elements become standalone codes.
        ("<p><b>x<i>y</b>z</i></p>", &["p: {1}x{2/}y{/1}z{3/}"]),
        ("<p>x <i>y</p><p>z", &["p: x {1/}y", "p: z"]),
        ("<p>&amp; &lt;b&gt; &nbsp;</p>", &["p: & <b> \u{a0}"]),
        ("<p>&nbsp;</p><p>  </p>", &[]),
        // Not translated.
        (
            "<p>the <code>b</code> tag</p><pre>code\nblock</pre>",
            &["p: the {1/} tag"],
        ),
        (
            "<script>var a = '<p>x</p>';</script><style>p{}</style><p>T</p>",
            &["p: T"],
        ),
        (
            "<p>Say <span translate=no>Acme <b>Inc</b></span> now</p>",
            &["p: Say {1/} now"],
        ),
        (
            "<div translate=\"no\"><p>Keep</p></div><p>Go</p>",
            &["p: Go"],
        ),
        ("<p class='x notranslate'>Keep</p><p>Go</p>", &["p: Go"]),
        ("<p>a <!-- note --> b</p><!-- c -->", &["p: a {1/} b"]),
        ("<title>T &amp; <i>x</i></title>", &["title: T & <i>x</i>"]),
        ("plain <b>text</b>", &["body: plain {1}text{/1}"]),
        // Server tags are not text.
        (
            "<%@ page language=\"java\" %>\n<p>Hi <%= name %> &amp; bye<% } %></p>",
            &["p: Hi {1/} & bye{2/}"],
        ),
    ];
    for (html, want) in table {
        assert_eq!(&blocks(html), want, "{html}");
    }
}

#[test]
fn attributes_a_reader_sees_are_blocks() {
    let got = blocks(
        "<head><meta name=description content='About us'><meta property=\"og:title\" \
         content=\"Hi\"><meta name=robots content=index></head>\
         <p>See <img src=a.png alt=\"A cat\" title=Cat> <input type=submit value=Go> \
         <input type=text value=no placeholder='Your name'></p>",
    );
    assert_eq!(
        got,
        [
            "meta description: About us",
            "meta og:title: Hi",
            "img alt: A cat",
            "img title: Cat",
            "input value: Go",
            "input placeholder: Your name",
            "p: See {1/} {2/} {3/}",
        ]
    );
}

#[test]
fn language_and_encoding_are_reported() {
    let x = extract("<html lang=en-GB><p>x");
    assert_eq!((x.lang.as_deref(), x.encoding), (Some("en-GB"), "UTF-8"));
    let x = HtmlFilter
        .extract(b"<p>caf\xe9", "t.html", &Options::default())
        .unwrap();
    assert_eq!(x.encoding, "windows-1252");
    assert_eq!(x.blocks[0].plain_text(), "café");
    assert!(x.warnings[0].contains("windows-1252"), "{:?}", x.warnings);
}

fn identity(doc: &[u8], lang: &str) -> Vec<u8> {
    let o = Options::default();
    let x = HtmlFilter.extract(doc, "t.html", &o).unwrap();
    let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
    HtmlFilter
        .merge(doc, "t.html", &o, &blocks, &Lang::parse(lang).unwrap())
        .unwrap()
}

#[test]
fn merging_the_source_gives_the_page_back_with_the_target_language() {
    let table: &[(&str, &str)] = &[
        (
            "<html lang=en><p>x</p></html>",
            "<html lang=zh-CN><p>x</p></html>",
        ),
        ("<HTML><p>x</p>", "<HTML lang=\"zh-CN\"><p>x</p>"),
        (
            "<!DOCTYPE html><p>x",
            "<!DOCTYPE html><html lang=\"zh-CN\"><p>x",
        ),
        (
            "<html lang='en' xml:lang=\"en\"><meta http-equiv=content-language content=en>",
            "<html lang='zh-CN' xml:lang=\"zh-CN\"><meta http-equiv=content-language content=zh-CN>",
        ),
        ("<html lang=\"\">", "<html lang=\"zh-CN\">"),
        ("<html lang>", "<html lang=\"zh-CN\">"),
    ];
    for (doc, want) in table {
        let got = identity(doc.as_bytes(), "zh-CN");
        assert_eq!(String::from_utf8_lossy(&got), *want);
    }
}

#[test]
fn translated_blocks_are_written_with_the_original_markup() {
    let doc = "<html lang=en><p title=\"Greeting\">Hello <b class=x>big</b> <a href='/w?a=1&amp;b=2' title=\"Go\">world</a>!<br></p></html>";
    let x = extract(doc);
    let shown: Vec<String> = x.blocks.iter().map(shown).collect();
    assert_eq!(
        shown,
        ["Greeting", "Go", "Hello {1}big{/1} {2}world{/2}!{3/}"]
    );
    let code = |id, role| Piece::Code(Code::new(id, role, ""));
    let t = |s: &str| Piece::Text(s.to_string());
    let translated = vec![
        vec![t("问候 \"x\" & y")],
        vec![t("去")],
        vec![
            code(3, Role::Standalone),
            code(2, Role::Open),
            t("世界"),
            code(2, Role::Close),
            t("你好<"),
            code(1, Role::Open),
            t("大"),
            code(1, Role::Close),
        ],
    ];
    let out = HtmlFilter
        .merge(
            doc.as_bytes(),
            "t.html",
            &Options::default(),
            &translated,
            &Lang::parse("zh-CN").unwrap(),
        )
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "<html lang=zh-CN><p title=\"问候 &quot;x&quot; &amp; y\"><br><a href='/w?a=1&amp;b=2' title=\"去\">世界</a>你好&lt;<b class=x>大</b></p></html>"
    );
}

#[test]
fn utf16_pages_with_a_byte_order_mark_round_trip_and_take_translations() {
    let page = "<html lang=en><p>Hello <b>wörld</b></p></html>";
    let mut doc = vec![0xff, 0xfe];
    doc.extend(page.encode_utf16().flat_map(u16::to_le_bytes));
    let x = HtmlFilter
        .extract(&doc, "t.html", &Options::default())
        .unwrap();
    assert_eq!(x.encoding, "UTF-16LE");
    assert_eq!(shown(&x.blocks[0]), "Hello {1}wörld{/1}");
    let same: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
    let en = Lang::parse("en").unwrap();
    let back = HtmlFilter
        .merge(&doc, "t.html", &Options::default(), &same, &en)
        .unwrap();
    assert_eq!(back, doc);
    let zh = vec![vec![
        Piece::Code(Code::new(1, Role::Open, "")),
        Piece::Text("世界".into()),
        Piece::Code(Code::new(1, Role::Close, "")),
        Piece::Text("你好".into()),
    ]];
    let out = HtmlFilter
        .merge(
            &doc,
            "t.html",
            &Options::default(),
            &zh,
            &Lang::parse("zh-CN").unwrap(),
        )
        .unwrap();
    let (text, _, bad) = encoding_rs::UTF_16LE.decode(&out);
    assert!(!bad && out.starts_with(&[0xff, 0xfe]));
    assert_eq!(text, "<html lang=zh-CN><p><b>世界</b>你好</p></html>");
}

#[test]
fn thousands_of_unclosed_inline_tags_are_read_in_linear_time() {
    // 20,000 <b> never closed, then 20,000 </i> that close nothing: each end tag looks at a
    // bounded number of open elements.
    let page = format!("<p>x{}{}</p>", "<b>".repeat(20_000), "</i>".repeat(20_000));
    let x = extract(&page);
    let b = &x.blocks[0];
    assert_eq!(b.codes().count(), 40_000);
    assert!(b.codes().all(|c| c.role == Role::Standalone));
    assert_eq!(check_nesting(&b.pieces), None);
}
