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
//! - an `<it>` whose `pos` is missing or neither `begin` nor `end` is written as a `<ph>`.
//!
//! [`not_exported`] counts what a unit would lose that way, for the import summary.

use std::borrow::Cow;

use quick_xml::events::Event;

use crate::formats::xml::escape_attr;
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

/// Segment markup (TMX inline syntax, as the reader keeps it) as the DTD allows it, and the
/// number of attributes left out (an `id` written as `x` is not counted).
///
/// Markup that is already valid is returned as it is, without a copy.
pub fn clean_markup(markup: &str) -> (Cow<'_, str>, usize) {
    // Attributes the reader keeps are always written `name="value"`, so a tag with only `i`,
    // `x`, `type`, `pos`, `assoc` and `datatype` is the common case, found without parsing.
    if !needs_parse(markup) {
        return (Cow::Borrowed(markup), 0);
    }
    let wrapped = format!("<seg>{markup}</seg>");
    let mut reader = quick_xml::Reader::from_str(&wrapped);
    reader.config_mut().trim_text(false);
    reader.config_mut().expand_empty_elements = false;
    let mut out = String::with_capacity(markup.len());
    let mut lost = 0;
    let mut renamed: Vec<Option<&'static str>> = Vec::new();
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
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = e.name().as_ref().to_string();
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
                if tag_needs_cleaning(&name, &attrs) {
                    let (element, kept, n) = clean_tag(&name, &attrs);
                    lost += n;
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
                    if !empty {
                        renamed.push((element != name).then_some(element));
                    }
                } else {
                    out.push_str(&wrapped[before..after]);
                    if !empty {
                        renamed.push(None);
                    }
                }
            }
            Event::End(_) => match renamed.pop() {
                None => break,
                Some(Some(element)) => {
                    out.push_str("</");
                    out.push_str(element);
                    out.push('>');
                }
                Some(None) => out.push_str(&wrapped[before..after]),
            },
            Event::Eof => break,
            _ => out.push_str(&wrapped[before..after]),
        }
        last = after;
    }
    (Cow::Owned(out), lost)
}

/// Whether markup may hold a tag the DTD does not allow as it is: an attribute other than the
/// declared ones, or an `<it>` (whose `pos` must be checked).
fn needs_parse(markup: &str) -> bool {
    const NAMES: [&str; 6] = ["i", "x", "type", "pos", "assoc", "datatype"];
    let b = markup.as_bytes();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let start = i + off + 1;
        let Some(len) = memchr::memchr(b'>', &b[start..]) else {
            return true;
        };
        let tag = &markup[start..start + len];
        i = start + len;
        if tag.starts_with('/') || tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        let name_end = tag
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(tag.len());
        if &tag[..name_end] == "it" || inline_attrs(&tag[..name_end]).is_none() {
            return true;
        }
        // Attribute names: what stands before each `="`.
        let mut rest = &tag[name_end..];
        while let Some(eq) = rest.find("=\"") {
            let name = rest[..eq].trim();
            if !NAMES.contains(&name) {
                return true;
            }
            let Some(close) = rest[eq + 2..].find('"') else {
                return true;
            };
            rest = &rest[eq + 2 + close + 1..];
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
