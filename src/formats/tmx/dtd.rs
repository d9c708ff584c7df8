//! What the TMX 1.4 DTD declares, so that written TMX validates whatever was read.
//!
//! The reader keeps every attribute it meets (Heartsome writes `<ph id="1">`, other tools add
//! their own attributes to `<tu>` and `<tuv>`), and the memory stores them. The writer passes on
//! only what the DTD declares:
//!
//! - an inline element's `id`, which the DTD does not declare, is written as `x` (the DTD's
//!   matching attribute) on `<bpt>`, `<it>`, `<ph>`, `<hi>` and `<ut>` that have no `x`;
//! - any other undeclared attribute is left out, as is an enumerated value the DTD does not list
//!   (`segtype` other than block, paragraph, sentence, phrase);
//! - an `<it>` whose `pos` is missing or neither `begin` nor `end` is written as a `<ph>`;
//! - an inline element where the DTD does not allow it (a `<ph>` inside a `<bpt>`, a `<sub>`
//!   directly in a segment) is written as text: inside a code its tags become part of the code's
//!   text, elsewhere it is wrapped in a `<ph>`, so the segment's plain text stays the same.
//!
//! [`not_exported`] counts what a unit would lose that way, for the import summary.

use std::borrow::Cow;

use quick_xml::events::Event;

use crate::formats::xml::{escape_attr, escape_text};
use crate::model::TranslationUnit;

/// The attributes the DTD declares on `<tu>`, besides `tuid`, `srclang` and the administrative
/// ones (which the writer writes itself).
const TU_ATTRS: [&str; 6] = [
    "o-encoding",
    "datatype",
    "creationtool",
    "creationtoolversion",
    "segtype",
    "o-tmf",
];

/// The attributes the DTD declares on `<tuv>` besides `xml:lang` and the administrative ones.
const TUV_ATTRS: [&str; 5] = [
    "o-encoding",
    "datatype",
    "creationtool",
    "creationtoolversion",
    "o-tmf",
];

const SEGTYPES: [&str; 4] = ["block", "paragraph", "sentence", "phrase"];

/// Whether a `<tu>` attribute kept in [`TranslationUnit::attrs`] is written.
pub(crate) fn tu_attr_declared(name: &str, value: &str) -> bool {
    TU_ATTRS.contains(&name) && (name != "segtype" || SEGTYPES.contains(&value))
}

/// Whether a `<tuv>` attribute kept in [`crate::model::Variant::attrs`] is written.
pub(crate) fn tuv_attr_declared(name: &str) -> bool {
    TUV_ATTRS.contains(&name)
}

/// The attributes the DTD declares on an inline element; `None` for an unknown element.
fn inline_attrs(element: &str) -> Option<&'static [&'static str]> {
    Some(match element {
        "bpt" => &["i", "x", "type"],
        "ept" => &["i"],
        "it" => &["pos", "x", "type"],
        "ph" => &["x", "assoc", "type"],
        "hi" => &["x", "type"],
        "ut" => &["x"],
        "sub" => &["datatype", "type"],
        _ => return None,
    })
}

/// One start tag as the DTD allows it, and how many attributes it loses.
fn clean_tag(
    name: &str,
    attrs: &[(String, String)],
) -> (&'static str, Vec<(String, String)>, usize) {
    let has = |k: &str| attrs.iter().any(|(a, _)| a == k);
    let pos_ok = attrs
        .iter()
        .any(|(k, v)| k == "pos" && (v == "begin" || v == "end"));
    // An <it> without a valid pos cannot be valid: it becomes a <ph>.
    let element: &'static str = match name {
        "it" if !pos_ok => "ph",
        "bpt" => "bpt",
        "ept" => "ept",
        "it" => "it",
        "ph" => "ph",
        "hi" => "hi",
        "ut" => "ut",
        "sub" => "sub",
        _ => "ph",
    };
    let declared = inline_attrs(element).unwrap_or(&[]);
    let mut out = Vec::with_capacity(attrs.len());
    let mut lost = 0;
    for (k, v) in attrs {
        if declared.contains(&k.as_str()) {
            out.push((k.clone(), v.clone()));
        } else if k == "id" && declared.contains(&"x") && !has("x") {
            out.push(("x".to_string(), v.clone()));
        } else {
            lost += 1;
        }
    }
    (element, out, lost)
}

fn tag_needs_cleaning(name: &str, attrs: &[(String, String)]) -> bool {
    let Some(declared) = inline_attrs(name) else {
        return true;
    };
    if name == "it"
        && !attrs
            .iter()
            .any(|(k, v)| k == "pos" && (v == "begin" || v == "end"))
    {
        return true;
    }
    attrs.iter().any(|(k, _)| !declared.contains(&k.as_str()))
}

/// Whether the DTD allows inline element `child` directly in `parent` (`None`: `<seg>`).
fn allowed_in(parent: Option<&str>, child: &str) -> bool {
    match parent {
        None | Some("hi" | "sub") => matches!(child, "bpt" | "ept" | "ph" | "it" | "hi" | "ut"),
        Some(_) => child == "sub",
    }
}

/// How an element's end is written.
enum Close {
    /// As read.
    Copy,
    /// Under another name (an `<it>` written as `<ph>`).
    Renamed(&'static str),
    /// As escaped text inside the code it stands in.
    Escaped(String),
    /// As escaped text, then the `</ph>` that wraps it.
    EscapedInPh(String),
}

/// Segment markup (TMX inline syntax, as the reader keeps it) as the DTD allows it, and the
/// number of attributes left out (an `id` written as `x` is not counted).
///
/// Besides attributes (see the module docs), an element where the DTD does not allow it is
/// written as text: inside a code (`<ph>` in a `<bpt>`) its tags become part of the code's text;
/// elsewhere (a `<sub>` directly in the segment) it is wrapped in a `<ph>` whose text is its tags.
/// Either way the plain text of the segment stays the same.
///
/// Markup that is already valid is returned as it is, without a copy.
pub fn clean_markup(markup: &str) -> (Cow<'_, str>, usize) {
    if !needs_cleaning(markup) {
        return (Cow::Borrowed(markup), 0);
    }
    let wrapped = format!("<seg>{markup}</seg>");
    let mut reader = quick_xml::Reader::from_str(&wrapped);
    reader.config_mut().trim_text(false);
    reader.config_mut().expand_empty_elements = false;
    let mut out = String::with_capacity(markup.len() + 32);
    let mut lost = 0;
    // Open elements: how each one ends, and the name of the element whose content model rules
    // inside it (a code for elements written as text).
    let mut stack: Vec<(Close, Option<&'static str>)> = Vec::new();
    // The wrapper's start tag.
    if reader.read_event().is_err() {
        return (Cow::Borrowed(markup), 0);
    }
    let mut last = reader.buffer_position() as usize;
    loop {
        let before = last;
        let Ok(ev) = reader.read_event() else {
            // Markup the reader wrote is well-formed; anything else is passed on as it is.
            return (Cow::Borrowed(markup), 0);
        };
        let after = reader.buffer_position() as usize;
        last = after;
        let raw = &wrapped[before..after];
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = e.name().as_ref().to_string();
                let parent = stack.last().and_then(|(_, model)| *model);
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let Ok(a) = a else {
                        return (Cow::Borrowed(markup), 0);
                    };
                    let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0) else {
                        return (Cow::Borrowed(markup), 0);
                    };
                    attrs.push((a.key.as_ref().to_string(), v.into_owned()));
                }
                if !allowed_in(parent, &name) {
                    let end = format!("</{name}>");
                    let in_code = parent.is_some_and(|p| p != "hi" && p != "sub");
                    if !in_code {
                        out.push_str("<ph>");
                    }
                    escape_text(raw, &mut out);
                    match (empty, in_code) {
                        (true, true) => {}
                        (true, false) => out.push_str("</ph>"),
                        (false, true) => stack.push((Close::Escaped(end), parent)),
                        (false, false) => stack.push((Close::EscapedInPh(end), Some("ph"))),
                    }
                    continue;
                }
                let changed = tag_needs_cleaning(&name, &attrs);
                let (element, kept, n) = clean_tag(&name, &attrs);
                lost += n;
                if !changed {
                    out.push_str(raw);
                } else {
                    out.push('<');
                    out.push_str(element);
                    for (k, v) in &kept {
                        out.push(' ');
                        out.push_str(k);
                        out.push_str("=\"");
                        escape_attr(v, &mut out);
                        out.push('"');
                    }
                    out.push_str(if empty { "/>" } else { ">" });
                }
                if !empty {
                    let close = if element == name {
                        Close::Copy
                    } else {
                        Close::Renamed(element)
                    };
                    stack.push((close, Some(element)));
                }
            }
            Event::End(_) => match stack.pop() {
                None => break,
                Some((Close::Copy, _)) => out.push_str(raw),
                Some((Close::Renamed(element), _)) => {
                    out.push_str("</");
                    out.push_str(element);
                    out.push('>');
                }
                Some((Close::Escaped(end), _)) => escape_text(&end, &mut out),
                Some((Close::EscapedInPh(end), _)) => {
                    escape_text(&end, &mut out);
                    out.push_str("</ph>");
                }
            },
            Event::Eof => break,
            _ => out.push_str(raw),
        }
    }
    (Cow::Owned(out), lost)
}

/// Whether markup may need [`clean_markup`]: a tag with an attribute its element does not
/// declare, an `<it>` (whose `pos` must be checked), or an element where the DTD does not allow
/// it. Attributes the reader keeps are always written `name="value"`.
fn needs_cleaning(markup: &str) -> bool {
    let b = markup.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let start = i + off + 1;
        let Some(len) = memchr::memchr(b'>', &b[start..]) else {
            return true;
        };
        let tag = &markup[start..start + len];
        i = start + len;
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if tag.starts_with('/') {
            open.pop();
            continue;
        }
        let name_end = tag
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(tag.len());
        let name = &tag[..name_end];
        let Some(declared) = inline_attrs(name) else {
            return true;
        };
        if name == "it" || !allowed_in(open.last().copied(), name) {
            return true;
        }
        // Attribute names: what stands before each `="`.
        let mut rest = &tag[name_end..];
        while let Some(eq) = rest.find("=\"") {
            let attr = rest[..eq].trim();
            if !declared.contains(&attr) {
                return true;
            }
            let Some(close) = rest[eq + 2..].find('"') else {
                return true;
            };
            rest = &rest[eq + 2 + close + 1..];
        }
        if !tag.ends_with('/') {
            open.push(name);
        }
    }
    false
}

/// How many attributes of `unit` the TMX writer leaves out (see the module docs): undeclared or
/// invalid attributes of the `<tu>`, its `<tuv>`s and their inline elements.
pub fn not_exported(unit: &TranslationUnit) -> usize {
    let mut n = unit
        .attrs
        .iter()
        .filter(|(k, v)| !tu_attr_declared(k, v))
        .count();
    for v in &unit.variants {
        n += v
            .attrs
            .iter()
            .filter(|(k, _)| !tuv_attr_declared(k))
            .count();
        if let Some(m) = &v.markup {
            n += clean_markup(m).1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_made_valid() {
        let cases = [
            (
                "plain <ph x=\"1\">{0}</ph>",
                "plain <ph x=\"1\">{0}</ph>",
                0,
            ),
            ("<ph id=\"1\">{0}</ph>", "<ph x=\"1\">{0}</ph>", 0),
            (
                "<ph id=\"1\" x=\"2\" foo=\"b&amp;r\"/>a",
                "<ph x=\"2\"/>a",
                2,
            ),
            (
                "<bpt i=\"1\" id=\"7\" rid=\"3\">&lt;b&gt;</bpt>b<ept i=\"1\" id=\"8\">&lt;/b&gt;</ept>",
                "<bpt i=\"1\" x=\"7\">&lt;b&gt;</bpt>b<ept i=\"1\">&lt;/b&gt;</ept>",
                2,
            ),
            (
                "<it x=\"1\">x<sub foo=\"1\">s</sub></it> <it pos=\"end\">y</it>",
                "<ph x=\"1\">x<sub>s</sub></ph> <it pos=\"end\">y</it>",
                1,
            ),
            (
                "<hi type=\"t\" xml:lang=\"en\">h</hi>",
                "<hi type=\"t\">h</hi>",
                1,
            ),
            // Declared on <sub>, not on <ph> (found by the property test).
            ("<ph datatype=\"html\">p</ph>", "<ph>p</ph>", 1),
            // Elements where the DTD does not allow them become text.
            (
                "<bpt i=\"1\">{<ph x=\"2\">p</ph>}</bpt>a<ept i=\"1\">}</ept>",
                "<bpt i=\"1\">{&lt;ph x=\"2\"&gt;p&lt;/ph&gt;}</bpt>a<ept i=\"1\">}</ept>",
                0,
            ),
            (
                "a<sub>s<ph>p</ph></sub><hi><sub/>h</hi>",
                "a<ph>&lt;sub&gt;s&lt;ph&gt;p&lt;/ph&gt;&lt;/sub&gt;</ph><hi><ph>&lt;sub/&gt;</ph>h</hi>",
                0,
            ),
            (
                "<ph>x<sub><ph id=\"1\">y</ph></sub></ph>",
                "<ph>x<sub><ph x=\"1\">y</ph></sub></ph>",
                0,
            ),
        ];
        for (markup, want, lost) in cases {
            let (got, n) = clean_markup(markup);
            assert_eq!((got.as_ref(), n), (want, lost), "{markup}");
        }
    }

    #[test]
    fn valid_markup_is_not_copied() {
        let m = "<bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>x<ept i=\"1\">&lt;/b&gt;</ept>";
        assert!(matches!(clean_markup(m).0, Cow::Borrowed(_)));
    }
}
