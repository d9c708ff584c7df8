//! A block's pieces as TMX inline markup (what the kit's XLIFF, TMX and memory carry) and back,
//! and the checks a translated sentence's codes must pass before it goes into a document.
//!
//! | piece | markup |
//! |---|---|
//! | an open code whose close is in the same sentence | `<bpt i="ID" type="T">native</bpt>` |
//! | its close | `<ept i="ID">native</ept>` |
//! | a standalone code | `<ph x="ID" type="T">native</ph>` |
//! | an open code whose close is in another sentence | `<it x="ID" pos="begin" type="T">native</it>` |
//! | a close code whose open is in another sentence | `<it x="ID" pos="end" type="T">native</it>` |
//!
//! `T` is the code's `ctype` in TMX spelling (`underlined` is `ulined`). The XLIFF writer turns
//! these into `<bpt id>`, `<ept id>`, `<ph id>` and `<it id pos="open|close">`; the XLIFF reader
//! turns them (and `<g>`, `<x/>`, `<bx/>`, `<ex/>` that CAT tools may write) back, keeping ids.

use std::collections::HashMap;
use std::fmt;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::{Code, Piece, Role};
use crate::formats::xml::{
    CHAR_CODE_TYPE, escape_attr, escape_segment, escape_text, parse_char_code, resolve_ref,
};

fn tmx_type(ctype: &str) -> &str {
    match ctype {
        "underlined" => "ulined",
        t => t,
    }
}

fn xliff_ctype(t: &str) -> &str {
    match t {
        "ulined" => "underlined",
        t => t,
    }
}

/// The plain text and, when the pieces have codes, the TMX inline markup of a sentence (see the
/// module docs). Codes are paired within `pieces`: an open code without its close (or the
/// reverse) is isolated (`<it>`).
///
/// ```
/// use tmkit::formats::document::{Code, Piece, Role, to_markup};
/// let b = |role| Piece::Code(Code { id: 1, role, ctype: "bold".into(), native: String::new() });
/// let pieces = [Piece::Text("A ".into()), b(Role::Open), Piece::Text("bold".into()), b(Role::Close)];
/// let (text, markup) = to_markup(&pieces);
/// assert_eq!(text, "A bold");
/// assert_eq!(markup.unwrap(), r#"A <bpt i="1" type="bold"></bpt>bold<ept i="1"></ept>"#);
/// ```
pub fn to_markup(pieces: &[Piece]) -> (String, Option<String>) {
    let mut text = String::new();
    let mut markup = String::new();
    let mut has_codes = false;
    let mut opens: HashMap<u32, usize> = HashMap::new();
    let mut closes: HashMap<u32, usize> = HashMap::new();
    for p in pieces {
        if let Piece::Code(c) = p {
            match c.role {
                Role::Open => *opens.entry(c.id).or_default() += 1,
                Role::Close => *closes.entry(c.id).or_default() += 1,
                Role::Standalone => {}
            }
        }
    }
    for p in pieces {
        match p {
            Piece::Text(t) => {
                text.push_str(t);
                escape_segment(t, &mut markup);
            }
            Piece::Code(c) => {
                has_codes = true;
                let paired = opens.contains_key(&c.id) && closes.contains_key(&c.id);
                let (element, id_attr) = match (c.role, paired) {
                    (Role::Open, true) => ("bpt", "i"),
                    (Role::Close, true) => ("ept", "i"),
                    (Role::Standalone, _) => ("ph", "x"),
                    (_, false) => ("it", "x"),
                };
                markup.push('<');
                markup.push_str(element);
                markup.push_str(&format!(" {id_attr}=\"{}\"", c.id));
                if element == "it" {
                    let pos = if c.role == Role::Open { "begin" } else { "end" };
                    markup.push_str(&format!(" pos=\"{pos}\""));
                }
                if element != "ept" && !c.ctype.is_empty() {
                    markup.push_str(" type=\"");
                    escape_attr(tmx_type(&c.ctype), &mut markup);
                    markup.push('"');
                }
                markup.push('>');
                escape_text(&c.native, &mut markup);
                markup.push_str("</");
                markup.push_str(element);
                markup.push('>');
            }
        }
    }
    (text, has_codes.then_some(markup))
}

/// The pieces of a sentence written in TMX inline markup (as [`to_markup`] writes it, or as read
/// from a CAT tool's XLIFF). `<hi>` is transparent; `<ph type="x-tmkit-char">` is the character
/// it stands for; the content of codes (native markup, `<sub>`) is kept as `native` and never
/// used to rebuild a document.
///
/// The error says what is wrong with the markup (an element tmkit does not know, a code without
/// an id, markup that is not well-formed).
pub fn from_markup(markup: &str) -> Result<Vec<Piece>, String> {
    let mut pieces: Vec<Piece> = Vec::new();
    let wrapped = format!("<seg>{markup}</seg>");
    let mut reader = Reader::from_str(&wrapped);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    // The code being read (its content is native markup) and the depth of elements inside it.
    let mut current: Option<(Code, usize)> = None;
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("the inline markup is not well-formed: {e}"))?;
        let text: Option<String> = match &event {
            Event::Eof => break,
            Event::Text(t) => Some(t.xml10_content().into_owned()),
            Event::CData(c) => Some(c.xml10_content().into_owned()),
            Event::GeneralRef(r) => Some(
                resolve_ref(r)
                    .map_err(|why| format!("the inline markup has {why}"))?
                    .to_string(),
            ),
            _ => None,
        };
        if let Some(s) = text {
            match current.as_mut() {
                Some((code, _)) => code.native.push_str(&s),
                None => push_text(&mut pieces, &s),
            }
            continue;
        }
        match event {
            Event::Start(_) | Event::Empty(_) if current.is_some() => {
                // A <sub> inside a code: native content.
                if let (Event::Start(_), Some((_, d))) = (&event, current.as_mut()) {
                    *d += 1;
                }
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                depth += 1;
                if depth == 1 {
                    continue; // the wrapper
                }
                if empty {
                    depth -= 1;
                }
                let name = e.name().as_ref().to_string();
                let mut attrs: HashMap<String, String> = HashMap::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| format!("bad attribute in the inline markup: {e}"))?;
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| format!("bad attribute in the inline markup: {e}"))?;
                    attrs.insert(a.key.as_ref().to_string(), v.into_owned());
                }
                let id_of = |key: &str| -> Result<u32, String> {
                    let v = attrs.get(key).ok_or_else(|| {
                        format!("a <{name}> code has no {key} attribute, so it cannot be placed")
                    })?;
                    v.trim()
                        .parse::<u32>()
                        .map_err(|_| format!("a <{name}> code has {key}=\"{v}\", not a number"))
                };
                let ctype = attrs
                    .get("type")
                    .map(|t| xliff_ctype(t).to_string())
                    .unwrap_or_default();
                let (id, role) = match name.as_str() {
                    "hi" => continue,
                    "bpt" => (id_of("i")?, Role::Open),
                    "ept" => (id_of("i")?, Role::Close),
                    "ph" | "ut" if ctype == CHAR_CODE_TYPE => (0, Role::Standalone),
                    "ph" | "ut" => (id_of("x")?, Role::Standalone),
                    "it" => {
                        let role = match attrs.get("pos").map(String::as_str) {
                            Some("begin") => Role::Open,
                            Some("end") => Role::Close,
                            other => {
                                return Err(format!(
                                    "an <it> code has pos={other:?}; TMX allows begin or end"
                                ));
                            }
                        };
                        (id_of("x")?, role)
                    }
                    other => {
                        return Err(format!(
                            "<{other}> is not a TMX inline element (bpt, ept, ph, it, hi)"
                        ));
                    }
                };
                let code = Code {
                    id,
                    role,
                    ctype,
                    native: String::new(),
                };
                if empty {
                    finish_code(code, &mut pieces)?;
                } else {
                    current = Some((code, 0));
                }
            }
            Event::End(_) => {
                match current.take() {
                    Some((code, 0)) => {
                        depth -= 1;
                        finish_code(code, &mut pieces)?;
                    }
                    Some((code, d)) => current = Some((code, d - 1)),
                    None => depth -= 1, // </hi> or the wrapper
                }
            }
            _ => {}
        }
    }
    Ok(pieces)
}

fn push_text(pieces: &mut Vec<Piece>, t: &str) {
    if t.is_empty() {
        return;
    }
    if let Some(Piece::Text(last)) = pieces.last_mut() {
        last.push_str(t);
    } else {
        pieces.push(Piece::Text(t.to_string()));
    }
}

fn finish_code(code: Code, pieces: &mut Vec<Piece>) -> Result<(), String> {
    if code.ctype == CHAR_CODE_TYPE && code.id == 0 {
        match parse_char_code(code.native.trim()) {
            Some(c) => push_text(pieces, &c.to_string()),
            None => {
                return Err(format!(
                    "a character code holds {:?}, not a character XML cannot hold",
                    code.native
                ));
            }
        }
        return Ok(());
    }
    pieces.push(Piece::Code(code));
    Ok(())
}

/// What is wrong with the codes of a translated sentence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum CodeProblem {
    /// A code of the source is not in the translation.
    Missing {
        /// The code's id in the block.
        id: u32,
        /// The markup the code stands for in the source (see [`Code::native`]).
        native: String,
    },
    /// A code is in the translation more often than in the source.
    Duplicated {
        /// The code's id in the block.
        id: u32,
        /// The markup the code stands for in the source (see [`Code::native`]).
        native: String,
    },
    /// A code the source does not have.
    Unknown {
        /// The id the translation gives it.
        id: u32,
    },
    /// A span's close comes before its open, or two spans cross (`<b><i></b></i>`).
    Misnested {
        /// The code's id in the block.
        id: u32,
        /// The markup of the span out of place, when known (it may be empty).
        native: String,
    },
}

impl fmt::Display for CodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |native: &str| {
            if native.is_empty() {
                String::new()
            } else {
                let mut s: String = native.chars().take(40).collect();
                if native.chars().count() > 40 {
                    s.push('…');
                }
                format!(" ({s})")
            }
        };
        match self {
            CodeProblem::Missing { id, native } => {
                write!(f, "code {id}{} is missing", shown(native))
            }
            CodeProblem::Duplicated { id, native } => {
                write!(f, "code {id}{} appears more than once", shown(native))
            }
            CodeProblem::Unknown { id } => write!(f, "code {id} is not in the source"),
            CodeProblem::Misnested { id, native } => write!(
                f,
                "code {id}{} is out of place: its span closes before it opens or crosses another",
                shown(native)
            ),
        }
    }
}

/// Compares the codes of a translated sentence with those of its source: every source code once,
/// no other, and spans opened and closed in the sentence well nested. Codes may move.
pub fn check_codes(source: &[Piece], target: &[Piece]) -> Vec<CodeProblem> {
    let key = |c: &Code| (c.id, c.role);
    let mut want: HashMap<(u32, Role), (usize, String)> = HashMap::new();
    let mut order: Vec<(u32, Role)> = Vec::new();
    for p in source {
        if let Piece::Code(c) = p {
            let e = want.entry(key(c)).or_insert_with(|| {
                order.push(key(c));
                (0, c.native.clone())
            });
            e.0 += 1;
        }
    }
    let mut got: HashMap<(u32, Role), usize> = HashMap::new();
    let mut problems = Vec::new();
    for p in target {
        if let Piece::Code(c) = p {
            *got.entry(key(c)).or_default() += 1;
            if !want.contains_key(&key(c)) && !problems.contains(&CodeProblem::Unknown { id: c.id })
            {
                problems.push(CodeProblem::Unknown { id: c.id });
            }
        }
    }
    for k in &order {
        let (n, native) = &want[k];
        let g = got.get(k).copied().unwrap_or(0);
        if g < *n {
            problems.push(CodeProblem::Missing {
                id: k.0,
                native: native.clone(),
            });
        } else if g > *n {
            problems.push(CodeProblem::Duplicated {
                id: k.0,
                native: native.clone(),
            });
        }
    }
    if problems.is_empty() {
        // Spans whose open and close are both in the sentence must nest.
        let paired =
            |id: u32| want.contains_key(&(id, Role::Open)) && want.contains_key(&(id, Role::Close));
        let only_paired: Vec<Piece> = target
            .iter()
            .filter(|p| matches!(p, Piece::Code(c) if c.role != Role::Standalone && paired(c.id)))
            .cloned()
            .collect();
        if let Some(p) = check_nesting(&only_paired) {
            problems.push(match p {
                CodeProblem::Misnested { id, .. } => CodeProblem::Misnested {
                    id,
                    native: want
                        .get(&(id, Role::Open))
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default(),
                },
                other => other,
            });
        }
    }
    problems
}

/// Whether the codes of a whole block nest: each close matches the innermost open span. The
/// first code out of place is returned.
pub fn check_nesting(pieces: &[Piece]) -> Option<CodeProblem> {
    let mut stack: Vec<u32> = Vec::new();
    for p in pieces {
        let Piece::Code(c) = p else { continue };
        match c.role {
            Role::Open => stack.push(c.id),
            Role::Close => {
                if stack.last() == Some(&c.id) {
                    stack.pop();
                } else {
                    return Some(CodeProblem::Misnested {
                        id: c.id,
                        native: c.native.clone(),
                    });
                }
            }
            Role::Standalone => {}
        }
    }
    stack.first().map(|&id| CodeProblem::Misnested {
        id,
        native: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(id: u32, role: Role, ctype: &str, native: &str) -> Piece {
        Piece::Code(Code {
            id,
            role,
            ctype: ctype.to_string(),
            native: native.to_string(),
        })
    }

    fn t(s: &str) -> Piece {
        Piece::Text(s.to_string())
    }

    #[test]
    fn pieces_round_trip_through_markup() {
        let cases: Vec<Vec<Piece>> = vec![
            vec![t("Plain & simple <text>.")],
            vec![
                t("Read "),
                code(1, Role::Open, "link", "<a href=\"x?a=1&b=2\">"),
                t("the "),
                code(2, Role::Open, "bold", "<b>"),
                t("report"),
                code(2, Role::Close, "", "</b>"),
                code(1, Role::Close, "", "</a>"),
                t("."),
                code(3, Role::Standalone, "lb", "<br>"),
            ],
            // Spans cut by a sentence boundary.
            vec![t("end."), code(4, Role::Close, "italic", "</i>")],
            vec![code(5, Role::Open, "underlined", "<u>"), t("start")],
            vec![t("tab\u{b}and\u{1}control")],
        ];
        for pieces in cases {
            let (text, markup) = to_markup(&pieces);
            assert_eq!(text, super::super::plain_text(&pieces));
            let back = match markup {
                Some(m) => from_markup(&m).unwrap(),
                None => vec![t(&text)],
            };
            // Native markup and types come back as written (an <ept> has no type in TMX).
            assert_eq!(back, pieces, "{text:?}");
        }
    }

    #[test]
    fn markup_from_cat_tools_is_read() {
        let got = from_markup(r#"<it x="4" pos="end"/>点<hi type="x">击</hi><ph x="2"/>"#).unwrap();
        assert_eq!(
            got,
            vec![
                code(4, Role::Close, "", ""),
                t("点击"),
                code(2, Role::Standalone, "", ""),
            ]
        );
        for (bad, want) in [
            ("<bpt>x</bpt>", "no i attribute"),
            ("<foo/>", "not a TMX inline element"),
            ("<bpt i=\"1\">", "not well-formed"),
            ("<it x=\"1\"/>", "pos"),
        ] {
            let e = from_markup(bad).unwrap_err();
            assert!(e.contains(want), "{bad}: {e}");
        }
    }

    #[test]
    fn translated_codes_are_checked_against_the_source() {
        let src = vec![
            t("The "),
            code(1, Role::Open, "bold", "<b>"),
            t("forum"),
            code(1, Role::Close, "bold", "</b>"),
            t(" opened."),
            code(2, Role::Standalone, "image", "<img>"),
        ];
        let ok = vec![
            code(2, Role::Standalone, "", ""),
            code(1, Role::Open, "", ""),
            t("论坛"),
            code(1, Role::Close, "", ""),
            t("开幕。"),
        ];
        assert_eq!(check_codes(&src, &ok), vec![]);
        let dropped = vec![t("论坛开幕。"), code(2, Role::Standalone, "", "")];
        let problems = check_codes(&src, &dropped);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].to_string(), "code 1 (<b>) is missing");
        let twice = vec![
            code(1, Role::Open, "", ""),
            t("论坛"),
            code(1, Role::Close, "", ""),
            code(2, Role::Standalone, "", ""),
            code(2, Role::Standalone, "", ""),
        ];
        assert!(matches!(
            check_codes(&src, &twice)[..],
            [CodeProblem::Duplicated { id: 2, .. }]
        ));
        let reversed = vec![
            code(1, Role::Close, "", ""),
            t("论坛"),
            code(1, Role::Open, "", ""),
            code(2, Role::Standalone, "", ""),
        ];
        assert!(matches!(
            check_codes(&src, &reversed)[..],
            [CodeProblem::Misnested { id: 1, .. }]
        ));
        let extra = vec![code(9, Role::Standalone, "", "")];
        assert!(check_codes(&src, &extra).contains(&CodeProblem::Unknown { id: 9 }));
    }

    #[test]
    fn crossing_spans_are_out_of_place() {
        let crossing = [
            code(1, Role::Open, "", ""),
            code(2, Role::Open, "", ""),
            code(1, Role::Close, "", ""),
            code(2, Role::Close, "", ""),
        ];
        assert!(matches!(
            check_nesting(&crossing),
            Some(CodeProblem::Misnested { id: 1, .. })
        ));
        let nested = [
            code(1, Role::Open, "", ""),
            code(2, Role::Open, "", ""),
            code(2, Role::Close, "", ""),
            code(1, Role::Close, "", ""),
        ];
        assert_eq!(check_nesting(&nested), None);
    }
}
