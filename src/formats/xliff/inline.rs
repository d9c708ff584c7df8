//! Inline markup: TMX inline syntax (as kept in [`Content::markup`]) to XLIFF 1.2 inline elements
//! and back. The mapping is documented on the parent module.

use quick_xml::events::Event;

use super::Content;
use crate::formats::xml::{
    CHAR_CODE_TYPE, escape_attr, escape_segment, escape_text, is_xml_char, parse_char_code, pi_char,
};

/// One piece of an XLIFF element's content, as read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    Start {
        name: String,
        attrs: Vec<(String, String)>,
    },
    Empty {
        name: String,
        attrs: Vec<(String, String)>,
    },
    End,
    Text(String),
}

/// TMX code types that XLIFF 1.2 `ctype` does not list: written with an `x-` prefix.
const TMX_ONLY_TYPES: [&str; 13] = [
    "color", "dulined", "font", "scap", "struct", "index", "date", "time", "fnote", "enote", "alt",
    "cb", "inset",
];

fn tmx_type_to_ctype(t: &str) -> String {
    match t {
        "ulined" => "underlined".to_string(),
        t if TMX_ONLY_TYPES.contains(&t) => format!("x-{t}"),
        t => t.to_string(),
    }
}

fn ctype_to_tmx_type(c: &str) -> String {
    match c {
        "underlined" => "ulined".to_string(),
        c => match c.strip_prefix("x-") {
            Some(t) if TMX_ONLY_TYPES.contains(&t) => t.to_string(),
            _ => c.to_string(),
        },
    }
}

fn map_value<'a>(v: &'a str, table: &[(&'static str, &'static str)]) -> &'a str {
    table
        .iter()
        .find(|(from, _)| *from == v)
        .map(|(_, to)| *to)
        .unwrap_or(v)
}

const ASSOC_TO_XLIFF: [(&str, &str); 3] = [("p", "preceding"), ("f", "following"), ("b", "both")];
const ASSOC_TO_TMX: [(&str, &str); 3] = [("preceding", "p"), ("following", "f"), ("both", "b")];
const POS_TO_XLIFF: [(&str, &str); 2] = [("begin", "open"), ("end", "close")];
const POS_TO_TMX: [(&str, &str); 2] = [("open", "begin"), ("close", "end")];

fn get<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn push_attr(out: &mut String, key: &str, value: &str) {
    out.push(' ');
    out.push_str(key);
    out.push_str("=\"");
    escape_attr(value, out);
    out.push('"');
}

/// Writes a content as XLIFF 1.2 element content (escaped text and inline elements).
///
/// Characters XML 1.0 cannot hold are written as `<ph id="N" ctype="x-tmkit-char">U+000B</ph>`
/// (the TMX `<ph type="x-tmkit-char">` code, converted like any other).
pub(crate) fn write_xliff(content: &Content, out: &mut String) -> Result<(), String> {
    let plain;
    let markup = match &content.markup {
        Some(m) => m,
        None if !crate::formats::xml::has_non_xml_char(&content.text) => {
            escape_text(&content.text, out);
            return Ok(());
        }
        None => {
            let mut m = String::with_capacity(content.text.len() + 48);
            escape_segment(&content.text, &mut m);
            plain = m;
            &plain
        }
    };
    let wrapped = format!("<seg>{markup}</seg>");
    let mut reader = quick_xml::Reader::from_str(&wrapped);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<&'static str> = Vec::new();
    let mut codes = 0usize;
    let mut depth = 0usize;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("the segment markup is not well-formed: {e}"))?;
        match ev {
            Event::Text(t) => {
                let s = t.xml10_content();
                escape_text(&s, out);
            }
            Event::CData(c) => {
                let s = c.xml10_content();
                escape_text(&s, out);
            }
            Event::GeneralRef(r) => {
                let name: &str = &r;
                let c = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .ok()
                        .flatten()
                        .filter(|c| is_xml_char(*c))
                } else {
                    match name {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    }
                }
                .ok_or_else(|| format!("unknown reference &{name}; in the segment markup"))?;
                let mut tmp = [0u8; 4];
                escape_text(c.encode_utf8(&mut tmp), out);
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = e.name().as_ref().to_string();
                depth += 1;
                if depth == 1 {
                    // The wrapper.
                    continue;
                }
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| format!("bad attribute in the segment markup: {e}"))?;
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| format!("bad attribute in the segment markup: {e}"))?;
                    attrs.push((a.key.as_ref().to_string(), v.into_owned()));
                }
                let (_, close): (&str, &'static str) = match name.as_str() {
                    "bpt" | "ept" => {
                        codes += 1;
                        let i = get(&attrs, "i")
                            .ok_or_else(|| format!("<{name}> has no i attribute"))?;
                        let tag = if name == "bpt" { "bpt" } else { "ept" };
                        out.push('<');
                        out.push_str(tag);
                        push_attr(out, "id", i);
                        if let Some(t) = get(&attrs, "type") {
                            push_attr(out, "ctype", &tmx_type_to_ctype(t));
                        }
                        (tag, if tag == "bpt" { "</bpt>" } else { "</ept>" })
                    }
                    "ph" | "ut" => {
                        codes += 1;
                        let id = get(&attrs, "x")
                            .map(str::to_string)
                            .unwrap_or_else(|| codes.to_string());
                        out.push_str("<ph");
                        push_attr(out, "id", &id);
                        if let Some(t) = get(&attrs, "type") {
                            push_attr(out, "ctype", &tmx_type_to_ctype(t));
                        }
                        if let Some(a) = get(&attrs, "assoc") {
                            push_attr(out, "assoc", map_value(a, &ASSOC_TO_XLIFF));
                        }
                        ("ph", "</ph>")
                    }
                    "it" => {
                        codes += 1;
                        let id = get(&attrs, "x")
                            .map(str::to_string)
                            .unwrap_or_else(|| codes.to_string());
                        out.push_str("<it");
                        push_attr(out, "id", &id);
                        let pos = get(&attrs, "pos").ok_or("<it> has no pos attribute")?;
                        push_attr(out, "pos", map_value(pos, &POS_TO_XLIFF));
                        if let Some(t) = get(&attrs, "type") {
                            push_attr(out, "ctype", &tmx_type_to_ctype(t));
                        }
                        ("it", "</it>")
                    }
                    "hi" => {
                        out.push_str("<mrk");
                        if let Some(x) = get(&attrs, "x") {
                            push_attr(out, "mid", x);
                        }
                        push_attr(out, "mtype", get(&attrs, "type").unwrap_or("x-hi"));
                        ("mrk", "</mrk>")
                    }
                    "sub" => {
                        out.push_str("<sub");
                        if let Some(d) = get(&attrs, "datatype") {
                            push_attr(out, "datatype", d);
                        }
                        if let Some(t) = get(&attrs, "type") {
                            push_attr(out, "ctype", &tmx_type_to_ctype(t));
                        }
                        ("sub", "</sub>")
                    }
                    other => {
                        return Err(format!(
                            "unknown inline element <{other}> in the segment markup: TMX allows \
                             bpt, ept, it, ph, hi, sub and ut"
                        ));
                    }
                };
                if empty {
                    out.push_str("/>");
                    depth -= 1;
                } else {
                    out.push('>');
                    stack.push(close);
                }
            }
            Event::End(_) => {
                depth -= 1;
                match stack.pop() {
                    Some(close) => out.push_str(close),
                    None => break,
                }
            }
            Event::Eof => return Err("the segment markup is not well-formed".to_string()),
            Event::PI(ref pi) => {
                if let Some(c) = pi_char(pi) {
                    escape_text(c.encode_utf8(&mut [0u8; 4]), out);
                }
            }
            Event::Comment(_) | Event::Decl(_) | Event::DocType(_) => {}
        }
    }
    Ok(())
}

/// What closes an open element while converting XLIFF to TMX.
struct Open {
    /// Appended at the element's end.
    close: String,
    /// Whether the element's text is native code rather than segment text.
    code: bool,
    /// Whether `close` writes a code (the `<ept>` of a `<g>`), which the writer numbers.
    close_is_code: bool,
}

/// How an element's start was written to the markup.
enum Written {
    /// `<name attrs` was written: `>` or `/>` is still to come.
    Tag,
    /// The start was written completely (or nothing is written at all).
    Raw,
}

fn tag_text(name: &str, attrs: &[(String, String)], empty: bool) -> String {
    let mut s = String::new();
    s.push('<');
    s.push_str(name);
    for (k, v) in attrs {
        push_attr(&mut s, k, v);
    }
    s.push_str(if empty { "/>" } else { ">" });
    s
}

/// Converts XLIFF element content to a [`Content`] (TMX inline syntax); the error says which
/// inline element could not be converted.
pub(crate) fn to_content(toks: &[Tok]) -> Result<Content, String> {
    let mut text = String::new();
    let mut markup = String::new();
    let mut inline = false;
    let mut stack: Vec<Open> = Vec::new();
    let mut code_depth = 0usize;
    // Codes written so far, numbered as the writer numbers them (a code without `x` is written
    // with its 1-based position as id).
    let mut codes = 0usize;
    let mut saw_char_code = false;
    let mut toks = toks.iter().peekable();
    while let Some(tok) = toks.next() {
        if let Tok::Start { name, attrs } = tok
            && name == "ph"
            && code_depth == 0
            && get(attrs, "ctype") == Some(CHAR_CODE_TYPE)
            && let Some(Tok::Text(code)) = toks.peek()
            && let Some(c) = parse_char_code(code)
        {
            let mut rest = toks.clone();
            rest.next();
            if let Some(Tok::End) = rest.next() {
                toks = rest;
                codes += 1;
                markup.push_str("<ph");
                let id = need_id_of(name, attrs)?;
                if id != codes.to_string() {
                    push_attr(&mut markup, "x", &id);
                }
                push_attr(&mut markup, "type", CHAR_CODE_TYPE);
                markup.push('>');
                escape_text(code, &mut markup);
                markup.push_str("</ph>");
                text.push(c);
                inline = true;
                saw_char_code = true;
                continue;
            }
        }
        let (name, attrs, empty) = match tok {
            Tok::Text(t) => {
                if code_depth == 0 {
                    text.push_str(t);
                }
                escape_text(t, &mut markup);
                continue;
            }
            Tok::End => {
                let open = stack
                    .pop()
                    .ok_or("an end tag closes an element that was never opened")?;
                if open.code {
                    code_depth -= 1;
                }
                if open.close_is_code {
                    codes += 1;
                }
                markup.push_str(&open.close);
                continue;
            }
            Tok::Start { name, attrs } => (name, attrs, false),
            Tok::Empty { name, attrs } => (name, attrs, true),
        };
        let in_code = stack.last().is_some_and(|o| o.code);
        let need_id = || need_id_of(name, attrs);
        if !in_code
            && matches!(
                name.as_str(),
                "bpt" | "ept" | "ph" | "it" | "g" | "x" | "bx" | "ex"
            )
        {
            codes += 1;
        }
        let ctype = get(attrs, "ctype").map(ctype_to_tmx_type);
        let (written, open) = match name.as_str() {
            "bpt" | "ept" if !in_code => {
                let i = match get(attrs, "rid") {
                    Some(r) => r.to_string(),
                    None => need_id()?,
                };
                markup.push('<');
                markup.push_str(name);
                push_attr(&mut markup, "i", &i);
                if let Some(t) = &ctype {
                    push_attr(&mut markup, "type", t);
                }
                let close = format!("</{name}>");
                (
                    Written::Tag,
                    Open {
                        close,
                        code: true,
                        close_is_code: false,
                    },
                )
            }
            "ph" if !in_code => {
                markup.push_str("<ph");
                push_attr(&mut markup, "x", &need_id()?);
                if let Some(t) = &ctype {
                    push_attr(&mut markup, "type", t);
                }
                if let Some(a) = get(attrs, "assoc") {
                    push_attr(&mut markup, "assoc", map_value(a, &ASSOC_TO_TMX));
                }
                let close = "</ph>".to_string();
                (
                    Written::Tag,
                    Open {
                        close,
                        code: true,
                        close_is_code: false,
                    },
                )
            }
            "it" if !in_code => {
                markup.push_str("<it");
                push_attr(&mut markup, "x", &need_id()?);
                let pos = get(attrs, "pos").ok_or("<it> has no pos attribute")?;
                push_attr(&mut markup, "pos", map_value(pos, &POS_TO_TMX));
                if let Some(t) = &ctype {
                    push_attr(&mut markup, "type", t);
                }
                let close = "</it>".to_string();
                (
                    Written::Tag,
                    Open {
                        close,
                        code: true,
                        close_is_code: false,
                    },
                )
            }
            "g" if !in_code => {
                let id = need_id()?;
                markup.push_str("<bpt");
                push_attr(&mut markup, "i", &id);
                if let Some(t) = &ctype {
                    push_attr(&mut markup, "type", t);
                }
                markup.push('>');
                escape_text(&tag_text(name, attrs, false), &mut markup);
                markup.push_str("</bpt>");
                let mut close = String::from("<ept");
                push_attr(&mut close, "i", &id);
                close.push_str(">&lt;/g&gt;</ept>");
                (
                    Written::Raw,
                    Open {
                        close,
                        code: false,
                        close_is_code: true,
                    },
                )
            }
            "x" | "bx" | "ex" if !in_code => {
                let id = need_id()?;
                if name == "x" {
                    markup.push_str("<ph");
                    push_attr(&mut markup, "x", &id);
                } else {
                    markup.push_str("<it");
                    push_attr(&mut markup, "x", &id);
                    let pos = if name == "bx" { "begin" } else { "end" };
                    push_attr(&mut markup, "pos", pos);
                }
                if let Some(t) = &ctype {
                    push_attr(&mut markup, "type", t);
                }
                markup.push('>');
                escape_text(&tag_text(name, attrs, true), &mut markup);
                markup.push_str(if name == "x" { "</ph>" } else { "</it>" });
                // Empty by definition: anything inside a non-empty one is not segment text.
                let close = String::new();
                (
                    Written::Raw,
                    Open {
                        close,
                        code: true,
                        close_is_code: false,
                    },
                )
            }
            "mrk" if get(attrs, "mtype") == Some("seg") => {
                let close = String::new();
                (
                    Written::Raw,
                    Open {
                        close,
                        code: false,
                        close_is_code: false,
                    },
                )
            }
            "mrk" => {
                markup.push_str("<hi");
                if let Some(mid) = get(attrs, "mid") {
                    push_attr(&mut markup, "x", mid);
                }
                match get(attrs, "mtype") {
                    Some("x-hi") | None => {}
                    Some(t) => push_attr(&mut markup, "type", t),
                }
                let close = "</hi>".to_string();
                (
                    Written::Tag,
                    Open {
                        close,
                        code: false,
                        close_is_code: false,
                    },
                )
            }
            "sub" if in_code => {
                markup.push_str("<sub");
                if let Some(d) = get(attrs, "datatype") {
                    push_attr(&mut markup, "datatype", d);
                }
                if let Some(t) = &ctype {
                    push_attr(&mut markup, "type", t);
                }
                let close = "</sub>".to_string();
                (
                    Written::Tag,
                    Open {
                        close,
                        code: false,
                        close_is_code: false,
                    },
                )
            }
            "bpt" | "ept" | "ph" | "it" | "g" | "x" | "bx" | "ex" => {
                return Err(format!(
                    "<{name}> inside a code: XLIFF codes hold text and <sub> only"
                ));
            }
            "sub" => return Err("<sub> outside a code".to_string()),
            other => {
                return Err(format!(
                    "unknown inline element <{other}>: XLIFF 1.2 allows g, x, bx, ex, bpt, ept, \
                     ph, it, mrk and sub"
                ));
            }
        };
        if !(name == "mrk" && get(attrs, "mtype") == Some("seg")) {
            inline = true;
        }
        match (written, empty) {
            (Written::Tag, true) => markup.push_str("/>"),
            (Written::Raw, true) => markup.push_str(&open.close),
            (w, false) => {
                if matches!(w, Written::Tag) {
                    markup.push('>');
                }
                if open.code {
                    code_depth += 1;
                }
                stack.push(open);
            }
        }
    }
    if !stack.is_empty() {
        return Err("an inline element is never closed".to_string());
    }
    // Character codes exactly as the writer makes them from plain text leave no markup.
    if saw_char_code {
        let mut plain = String::with_capacity(markup.len());
        escape_segment(&text, &mut plain);
        if plain == markup {
            inline = false;
        }
    }
    Ok(Content {
        text,
        markup: inline.then_some(markup),
    })
}

fn need_id_of(name: &str, attrs: &[(String, String)]) -> Result<String, String> {
    get(attrs, "id")
        .map(str::to_string)
        .ok_or_else(|| format!("<{name}> has no id attribute"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Tok {
        Tok::Text(s.to_string())
    }
    fn start(name: &str, attrs: &[(&str, &str)]) -> Tok {
        Tok::Start {
            name: name.to_string(),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }
    fn empty(name: &str, attrs: &[(&str, &str)]) -> Tok {
        match start(name, attrs) {
            Tok::Start { name, attrs } => Tok::Empty { name, attrs },
            _ => unreachable!(),
        }
    }

    #[test]
    fn xliff_to_tmx() {
        let cases: Vec<(Vec<Tok>, &str, Option<&str>)> = vec![
            (vec![t("a & b")], "a & b", None),
            (
                vec![
                    t("A "),
                    start("bpt", &[("id", "1"), ("ctype", "bold")]),
                    t("<b>"),
                    Tok::End,
                    t("bold"),
                    start("ept", &[("id", "1")]),
                    t("</b>"),
                    Tok::End,
                ],
                "A bold",
                Some(
                    "A <bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>bold<ept i=\"1\">&lt;/b&gt;</ept>",
                ),
            ),
            (
                vec![
                    start("g", &[("id", "2")]),
                    t("x"),
                    empty("x", &[("id", "3")]),
                    Tok::End,
                ],
                "x",
                Some(
                    "<bpt i=\"2\">&lt;g id=\"2\"&gt;</bpt>x<ph x=\"3\">&lt;x id=\"3\"/&gt;</ph>\
                     <ept i=\"2\">&lt;/g&gt;</ept>",
                ),
            ),
            (
                vec![
                    empty("bx", &[("id", "4")]),
                    t("y"),
                    empty("ex", &[("id", "4")]),
                ],
                "y",
                Some(
                    "<it x=\"4\" pos=\"begin\">&lt;bx id=\"4\"/&gt;</it>y\
                     <it x=\"4\" pos=\"end\">&lt;ex id=\"4\"/&gt;</it>",
                ),
            ),
            (
                vec![
                    start("mrk", &[("mtype", "seg"), ("mid", "1")]),
                    t("plain"),
                    Tok::End,
                ],
                "plain",
                None,
            ),
            (
                vec![
                    start("mrk", &[("mtype", "term"), ("mid", "5")]),
                    t("term"),
                    Tok::End,
                ],
                "term",
                Some("<hi x=\"5\" type=\"term\">term</hi>"),
            ),
            (
                vec![
                    start(
                        "it",
                        &[("id", "6"), ("pos", "close"), ("ctype", "underlined")],
                    ),
                    t("</u>"),
                    Tok::End,
                    start("ph", &[("id", "7"), ("assoc", "both"), ("ctype", "x-font")]),
                    t("{\\f1 "),
                    start("sub", &[("datatype", "html")]),
                    t("note"),
                    Tok::End,
                    Tok::End,
                ],
                "",
                Some(
                    "<it x=\"6\" pos=\"end\" type=\"ulined\">&lt;/u&gt;</it>\
                     <ph x=\"7\" type=\"font\" assoc=\"b\">{\\f1 <sub datatype=\"html\">note</sub></ph>",
                ),
            ),
            (
                vec![empty("bpt", &[("id", "8"), ("rid", "9")])],
                "",
                Some("<bpt i=\"9\"/>"),
            ),
        ];
        for (toks, text, markup) in cases {
            let c = to_content(&toks).unwrap();
            assert_eq!(c.text, text, "{toks:?}");
            assert_eq!(c.markup.as_deref(), markup, "{toks:?}");
        }
    }

    #[test]
    fn xliff_to_tmx_refuses() {
        let cases: Vec<(Vec<Tok>, &str)> = vec![
            (vec![empty("ph", &[])], "<ph> has no id attribute"),
            (
                vec![empty("foo:bar", &[])],
                "unknown inline element <foo:bar>",
            ),
            (vec![empty("sub", &[])], "<sub> outside a code"),
            (vec![start("g", &[("id", "1")])], "never closed"),
        ];
        for (toks, want) in cases {
            let e = to_content(&toks).unwrap_err();
            assert!(e.contains(want), "{e}");
        }
    }

    #[test]
    fn tmx_to_xliff() {
        let cases = [
            ("a & <b> \"q\"", None, "a &amp; &lt;b&gt; \"q\""),
            (
                "",
                Some(
                    "A <bpt i=\"1\" x=\"4\" type=\"ulined\">&lt;u&gt;</bpt>u<ept i=\"1\">&lt;/u&gt;</ept>",
                ),
                "A <bpt id=\"1\" ctype=\"underlined\">&lt;u&gt;</bpt>u<ept id=\"1\">&lt;/u&gt;</ept>",
            ),
            (
                "",
                Some("<ph>{0}</ph> and <ut>x</ut> <it pos=\"begin\" type=\"font\">f</it>"),
                "<ph id=\"1\">{0}</ph> and <ph id=\"2\">x</ph> <it id=\"3\" pos=\"open\" ctype=\"x-font\">f</it>",
            ),
            (
                "",
                Some(
                    "<hi>h</hi><hi x=\"2\" type=\"term\">t</hi><ph x=\"9\" assoc=\"p\">{\\b <sub>s</sub>}</ph>",
                ),
                "<mrk mtype=\"x-hi\">h</mrk><mrk mid=\"2\" mtype=\"term\">t</mrk>\
                 <ph id=\"9\" assoc=\"preceding\">{\\b <sub>s</sub>}</ph>",
            ),
            ("", Some("<ph x=\"1\"/>&#xD;"), "<ph id=\"1\"/>&#xD;"),
        ];
        for (text, markup, want) in cases {
            let c = Content {
                text: text.to_string(),
                markup: markup.map(str::to_string),
            };
            let mut out = String::new();
            write_xliff(&c, &mut out).unwrap();
            assert_eq!(out, want);
        }
    }
}
