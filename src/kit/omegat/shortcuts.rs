//! OmegaT's tag shortcuts (`<b0>`, `</a1>`, `<t2/>`) for the inline codes of HTML and DOCX
//! paragraphs, as its filters number them.

use std::fmt::Write as _;

use super::segmentation::java_is_whitespace;

use crate::formats::document::{Code, Kind, Piece, Role};

/// OmegaT 3.6's tag shortcuts for the codes of a block (or of any run of pieces OmegaT reads as
/// one paragraph), one entry per piece: `None` for text, `Some` for a code: the tag OmegaT shows
/// for it, or the empty string for a code OmegaT does not show on its own.
///
/// - HTML (`HTMLFilter2`): one tag per code, `<` + `/` for a closing tag + the tag name's first
///   letter, lower-cased (`br` for `<br>`) + a number + `/` when the document wrote the tag as
///   an empty XML element (`<br/>`) + `>`: `<b0>`, `</b0>`, `<a1>`, `<br2>`, `<i3/>` (an
///   `<img/>`). The tags before and after the paragraph's text that do not pair with it are not
///   shown (empty strings), as OmegaT decides (`FilterVisitor.endup`). Numbers count the shown
///   opening and standalone tags from 0; a closing tag takes the number of the nearest unclosed
///   opening tag with the same name, or a new one.
/// - DOCX (`OpenXMLFilter`, tags aggregated): the markup between two pieces of text is one
///   standalone tag `<tN/>`, whatever it holds (the end of a run, the start of the next with
///   its properties, a hyperlink, a field's code), numbered from 0; markup before the first text
///   and after the last is not shown (the filter's "remove leading and trailing tags"). A tab
///   (`w:tab`) ends OmegaT's paragraph: the tags of the text after it are numbered from 0 again.
///   So the first code of each run of adjacent codes gets the tag and the others the empty
///   string.
/// - Other kinds: no tags (empty strings).
pub fn omegat_shortcuts(kind: Kind, pieces: &[Piece]) -> Vec<Option<String>> {
    match kind {
        Kind::Html => html_shortcuts(pieces),
        Kind::Docx => docx_shortcuts(pieces),
        Kind::Text | Kind::Markdown => pieces
            .iter()
            .map(|p| matches!(p, Piece::Code(_)).then(String::new))
            .collect(),
    }
}

/// The name of the HTML tag a code stands for (lower case), from its native markup, else from
/// its type.
fn html_tag_name(code: &Code) -> String {
    let native = code.native.trim_start();
    if let Some(rest) = native.strip_prefix('<') {
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'))
            .collect();
        if !name.is_empty() {
            return name.to_ascii_lowercase();
        }
    }
    match code.ctype.as_str() {
        "bold" => "b",
        "italic" => "i",
        "underlined" => "u",
        "link" => "a",
        "image" => "img",
        "lb" => "br",
        "x-sup" => "sup",
        "x-sub" => "sub",
        "x-code" => "code",
        _ => "span",
    }
    .to_string()
}

fn html_shortcuts(pieces: &[Piece]) -> Vec<Option<String>> {
    let names: Vec<Option<String>> = pieces
        .iter()
        .map(|p| match p {
            Piece::Code(c) => Some(html_tag_name(c)),
            Piece::Text(_) => None,
        })
        .collect();
    let (first, last) = html_kept_range(pieces, &names);
    // (name, closing, number) of the tags shown so far.
    let mut tags: Vec<(String, bool, usize)> = Vec::new();
    let mut next = 0;
    pieces
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(i, (p, name))| {
            let (Piece::Code(code), Some(name)) = (p, name) else {
                return None;
            };
            if i < first || i > last {
                return Some(String::new());
            }
            let tokens = html_native_tokens(code).unwrap_or_else(|| {
                vec![HtmlToken::Tag {
                    name: name.clone(),
                    closing: code.role == Role::Close,
                    empty: false,
                }]
            });
            let mut out = String::new();
            for token in tokens {
                let (name, closing, empty) = match token {
                    HtmlToken::Text(t) => {
                        out.push_str(&t);
                        continue;
                    }
                    HtmlToken::Comment => {
                        let _ = write!(out, "<c{next}/>");
                        tags.push((String::new(), false, next));
                        next += 1;
                        continue;
                    }
                    HtmlToken::Tag {
                        name,
                        closing,
                        empty,
                    } => (name, closing, empty),
                };
                let mut number = None;
                if closing {
                    let mut depth = 1;
                    for (n, c, num) in tags.iter().rev() {
                        if *n == name {
                            if *c {
                                depth += 1;
                            } else {
                                depth -= 1;
                                if depth == 0 {
                                    number = Some(*num);
                                    break;
                                }
                            }
                        }
                    }
                }
                let number = number.unwrap_or_else(|| {
                    next += 1;
                    next - 1
                });
                let letter = if name == "br" {
                    "br".to_string()
                } else {
                    name.chars()
                        .next()
                        .map_or("x".to_string(), |c| c.to_string())
                };
                let _ = write!(
                    out,
                    "<{}{letter}{number}{}>",
                    if closing { "/" } else { "" },
                    if empty { "/" } else { "" }
                );
                tags.push((name, closing, number));
            }
            Some(out)
        })
        .collect()
}

/// What the native markup of an HTML code holds, as OmegaT's parser sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HtmlToken {
    Tag {
        name: String,
        closing: bool,
        /// Written as an empty XML element (`<br/>`).
        empty: bool,
    },
    Comment,
    /// Text, as OmegaT shows it: entities decoded, white space runs made one space.
    Text(String),
}

/// The tags, comments and text of a code's native markup (`<code>b</code>`, an element tmkit
/// does not translate, is three tokens to OmegaT, whose text it shows); `None` when the code
/// has no native markup that starts with a tag.
fn html_native_tokens(code: &Code) -> Option<Vec<HtmlToken>> {
    let native = code.native.as_str();
    if !native.starts_with('<') {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = native;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").map_or(after.len(), |e| e + 3);
            out.push(HtmlToken::Comment);
            rest = &after[end..];
        } else if rest.starts_with('<') {
            // The tag ends at the first `>` outside a quoted attribute value.
            let mut quote = None;
            let end = rest
                .char_indices()
                .find(|&(_, c)| match (quote, c) {
                    (None, '"' | '\'') => {
                        quote = Some(c);
                        false
                    }
                    (Some(q), c) if c == q => {
                        quote = None;
                        false
                    }
                    (None, '>') => true,
                    _ => false,
                })
                .map_or(rest.len(), |(e, _)| e + 1);
            let tag = &rest[1..end.saturating_sub(1).max(1)];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'))
                .collect();
            if name.is_empty() {
                out.push(HtmlToken::Text(rest[..end].to_string()));
            } else {
                out.push(HtmlToken::Tag {
                    name: name.to_ascii_lowercase(),
                    closing,
                    empty: !closing && tag.ends_with('/'),
                });
            }
            rest = &rest[end..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = decode_html_text(&rest[..end]);
            let mut compressed = String::new();
            for c in text.chars() {
                if java_is_whitespace(c) {
                    if !compressed.ends_with(' ') {
                        compressed.push(' ');
                    }
                } else {
                    compressed.push(c);
                }
            }
            out.push(HtmlToken::Text(compressed));
            rest = &rest[end..];
        }
    }
    Some(out)
}

/// HTML text with its character references decoded (the common named ones and numeric ones),
/// as OmegaT shows text inside a tag tmkit keeps as a code.
fn decode_html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "nbsp" => Some('\u{a0}'),
                    _ => None,
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The pieces OmegaT's HTML filter keeps in a paragraph with "remove leading and trailing
/// tags" on (`FilterVisitor.endup`): from the first tag before the text whose closing tag (by
/// name, counting nesting) is inside the text, to the last tag after the text whose opening tag
/// (by name) is inside it. Tags before and after the text that do not pair with it (a wrapping
/// `<em>`, an image before the text, a `<br>` after it, and the HTML5 elements OmegaT takes as
/// inline: `figure`, `article`, `section`) are not shown. Standalone tags count as opening
/// ones, as OmegaT does: a `<br>` after the text stays when another `<br>` is in it.
fn html_kept_range(pieces: &[Piece], names: &[Option<String>]) -> (usize, usize) {
    // Java's `String.trim`: U+0000-U+0020 only (a no-break space is text). A code whose markup
    // holds text (`<code>b</code>`) is text to OmegaT.
    let has_text = |t: &str| !t.trim_matches(|c| c <= ' ').is_empty();
    let is_text = |p: &Piece| match p {
        Piece::Text(t) => has_text(t),
        Piece::Code(c) => html_native_tokens(c).is_some_and(|tokens| {
            tokens
                .iter()
                .any(|t| matches!(t, HtmlToken::Text(t) if has_text(t)))
        }),
    };
    let (Some(first_text), Some(last_text)) = (
        pieces.iter().position(is_text),
        pieces.iter().rposition(is_text),
    ) else {
        return (pieces.len(), 0);
    };
    let closing = |i: usize| matches!(&pieces[i], Piece::Code(c) if c.role == Role::Close);
    let mut first = first_text;
    'leading: for i in 0..first_text {
        let Some(name) = &names[i] else { continue };
        let mut depth = 1;
        for (j, other) in names.iter().enumerate().take(last_text + 1).skip(i + 1) {
            if other.as_ref() == Some(name) {
                if closing(j) {
                    depth -= 1;
                    if depth == 0 {
                        if j >= first_text {
                            first = i;
                            break 'leading;
                        }
                        break;
                    }
                } else {
                    depth += 1;
                }
            }
        }
    }
    let mut last = last_text;
    'trailing: for k in (last_text + 1..pieces.len()).rev() {
        let Some(name) = &names[k] else { continue };
        let mut depth = 1;
        for i in (first_text..k).rev() {
            if names[i].as_ref() == Some(name) {
                if closing(i) {
                    depth += 1;
                } else {
                    depth -= 1;
                    if depth == 0 {
                        if i <= last_text {
                            last = k;
                            break 'trailing;
                        }
                        break;
                    }
                }
            }
        }
    }
    (first, last)
}

/// Whether OmegaT's OpenXML filter ends a paragraph at this code (a tab).
/// A positional tab (`w:ptab`, in headers and footers) does not.
pub(super) fn docx_breaks_paragraph(code: &Code) -> bool {
    if code.native.is_empty() {
        code.ctype == "x-tab"
    } else {
        code.native.contains("<w:tab/>") || code.native.contains("<w:tab ")
    }
}

fn docx_shortcuts(pieces: &[Piece]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = pieces
        .iter()
        .map(|p| matches!(p, Piece::Code(_)).then(String::new))
        .collect();
    // OmegaT's paragraphs: the pieces between tabs.
    let mut start = 0;
    while start < pieces.len() {
        let end = pieces[start..]
            .iter()
            .position(|p| matches!(p, Piece::Code(c) if docx_breaks_paragraph(c)))
            .map_or(pieces.len(), |i| start + i);
        let part = &pieces[start..end];
        // White space before the first text and after the last goes with the markup there.
        let is_text =
            |p: &Piece| matches!(p, Piece::Text(t) if !t.trim_matches(|c| c <= ' ').is_empty());
        if let (Some(first), Some(last)) = (
            part.iter().position(is_text),
            part.iter().rposition(is_text),
        ) {
            let mut number = 0;
            for i in first..=last {
                let head =
                    matches!(part[i], Piece::Code(_)) && matches!(part[i - 1], Piece::Text(_));
                if head {
                    out[start + i] = Some(format!("<t{number}/>"));
                    number += 1;
                }
            }
        }
        start = end + 1;
    }
    out
}
