//! Inline HTML in a Markdown block turned into codes: open and close tags paired, the others
//! standalone.

use std::collections::HashMap;

use super::{Role, SrcPiece};

/// The tag name of inline HTML and whether it opens (`Some(true)`), closes (`Some(false)`) or
/// stands alone (`None`: comments, declarations, self-closing and void tags).
fn html_tag(native: &str) -> (String, Option<bool>) {
    let inner = native.strip_prefix('<').unwrap_or(native);
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() {
        return (name, None);
    }
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    if closing {
        (name, Some(false))
    } else if native.trim_end().ends_with("/>") || VOID.contains(&name.as_str()) {
        (name, None)
    } else {
        (name, Some(true))
    }
}

fn html_ctype(name: &str) -> &'static str {
    match name {
        "b" | "strong" => "bold",
        "i" | "em" | "cite" | "dfn" | "var" => "italic",
        "u" | "ins" => "underlined",
        "a" => "link",
        "sup" => "x-sup",
        "sub" => "x-sub",
        "s" | "del" | "strike" => "x-strike",
        "code" | "kbd" | "samp" | "tt" => "x-code",
        "br" => "lb",
        "img" => "image",
        _ => "x-span",
    }
}

/// Turns inline HTML tags into codes: an open tag and its close tag, properly nested with the
/// other codes of the block, become a pair; other tags stay standalone. Ids are then numbered
/// in order.
pub(super) fn pair_html(pieces: &mut [SrcPiece]) {
    enum Entry {
        Html(usize, String),
        Span,
    }
    let mut stack: Vec<Entry> = Vec::new();
    let mut pairs: Vec<(usize, usize, String)> = Vec::new();
    for (k, p) in pieces.iter().enumerate() {
        let SrcPiece::Code { code, .. } = p else {
            continue;
        };
        if code.ctype == "x-html" && code.role == Role::Standalone {
            let (name, open) = html_tag(&code.native);
            match open {
                Some(true) => stack.push(Entry::Html(k, name)),
                Some(false) => {
                    // The nearest open tag of that name above the innermost open span (among
                    // the 64 innermost: the search stays linear); the unclosed tags above it
                    // stay standalone.
                    let mut found = None;
                    for (d, e) in stack.iter().enumerate().rev().take(64) {
                        match e {
                            Entry::Html(o, n) if *n == name => {
                                found = Some((d, *o));
                                break;
                            }
                            Entry::Html(..) => {}
                            Entry::Span => break,
                        }
                    }
                    if let Some((d, o)) = found {
                        pairs.push((o, k, name));
                        stack.truncate(d);
                    }
                }
                None => {}
            }
        } else {
            match code.role {
                Role::Open => stack.push(Entry::Span),
                Role::Close => {
                    while let Some(Entry::Html(..)) = stack.last() {
                        stack.pop();
                    }
                    stack.pop();
                }
                Role::Standalone => {}
            }
        }
    }
    for p in pieces.iter_mut() {
        if let SrcPiece::Code { code, .. } = p
            && code.ctype == "x-html"
        {
            let (name, open) = html_tag(&code.native);
            if open.is_none() && matches!(name.as_str(), "br" | "img") {
                code.ctype = html_ctype(&name).to_string();
            }
        }
    }
    for (o, c, name) in pairs {
        for (k, role) in [(o, Role::Open), (c, Role::Close)] {
            if let SrcPiece::Code { code, .. } = &mut pieces[k] {
                code.role = role;
                code.ctype = html_ctype(&name).to_string();
                code.id = u32::MAX - o as u32;
            }
        }
    }
    // Number ids in order: a close takes its open's.
    let mut next = 0u32;
    let mut map: HashMap<u32, u32> = HashMap::new();
    for p in pieces.iter_mut() {
        if let SrcPiece::Code { code, .. } = p {
            match code.role {
                Role::Open | Role::Standalone => {
                    next += 1;
                    if code.role == Role::Open {
                        map.insert(code.id, next);
                    }
                    code.id = next;
                }
                Role::Close => {
                    if let Some(&new) = map.get(&code.id) {
                        code.id = new;
                    }
                }
            }
        }
    }
}
