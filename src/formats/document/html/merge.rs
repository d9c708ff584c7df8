//! Writing the translated page: each changed block and attribute in place of its bytes, the
//! language set to the target, text escaped and encoded as the page is.

use std::collections::HashMap;

use super::decode::Source;
use super::{AttrSite, Parsed, Place, ValueSite};
use crate::error::{ErrorKind, Result};
use crate::formats::document::{Piece, Role, plain_text, text};
use crate::model::Lang;

fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(s: &str, quote: u8, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' if quote != b'\'' => out.push_str("&quot;"),
            '\'' if quote == b'\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn same_pieces(a: &[Piece], b: &[Piece]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Piece::Text(x), Piece::Text(y)) => x == y,
            (Piece::Code(x), Piece::Code(y)) => x.id == y.id && x.role == y.role,
            _ => false,
        })
}

/// One replacement of original bytes.
struct Edit {
    start: usize,
    end: usize,
    bytes: Vec<u8>,
}

pub(super) fn merge(
    document: &[u8],
    name: &str,
    source: &Source<'_>,
    parsed: &Parsed,
    blocks: &[Vec<Piece>],
    target: &Lang,
) -> Result<Vec<u8>> {
    let fail = |message: String| -> crate::Error {
        ErrorKind::Document {
            name: name.to_string(),
            message,
        }
        .into()
    };
    if blocks.len() != parsed.blocks.len() {
        return Err(fail(format!(
            "the translation has {} blocks but the page has {}: it was made from another \
             version of the page",
            blocks.len(),
            parsed.blocks.len()
        )));
    }
    let enc = |s: &str| text::encode(s, source.encoding);
    let orig = |pos: usize| source.original(pos).min(document.len());
    // Attribute edits first: a translated text copies the markup of its codes, with them.
    let mut attrs: Vec<Edit> = Vec::new();
    for (i, (place, pieces)) in parsed.places.iter().zip(blocks).enumerate() {
        if let Place::Attr(site) = place
            && !same_pieces(&parsed.blocks[i].pieces, pieces)
        {
            attrs.push(attr_edit(site, &plain_text(pieces), &enc, &orig));
        }
    }
    attrs.sort_by_key(|e| e.start);
    let mut used = vec![false; attrs.len()];
    let mut edits: Vec<Edit> = Vec::new();
    for (i, (place, pieces)) in parsed.places.iter().zip(blocks).enumerate() {
        let Place::Run { start, end, codes } = place else {
            continue;
        };
        if same_pieces(&parsed.blocks[i].pieces, pieces) {
            continue;
        }
        let by_id: HashMap<(u32, Role), (usize, usize)> = codes
            .iter()
            .map(|&(id, r, s, e)| ((id, r), (s, e)))
            .collect();
        let mut bytes = Vec::new();
        let mut text = String::new();
        for p in pieces {
            match p {
                Piece::Text(t) => {
                    text.clear();
                    escape_text(t, &mut text);
                    bytes.extend(enc(&text));
                }
                Piece::Code(c) => {
                    let &(s, e) = by_id.get(&(c.id, c.role)).ok_or_else(|| {
                        fail(format!(
                            "block {} ({}): the translation has code {} ({:?}), which the \
                             source does not have",
                            i + 1,
                            parsed.blocks[i].name,
                            c.id,
                            c.role
                        ))
                    })?;
                    let (s, e) = (orig(s), orig(e));
                    let mut at = s;
                    let first = attrs.partition_point(|a| a.start < s);
                    for (k, a) in attrs.iter().enumerate().skip(first) {
                        if a.start >= e || a.end > e || a.start < at {
                            break;
                        }
                        bytes.extend_from_slice(&document[at..a.start]);
                        bytes.extend_from_slice(&a.bytes);
                        at = a.end;
                        used[k] = true;
                    }
                    bytes.extend_from_slice(&document[at..e.max(at)]);
                }
            }
        }
        edits.push(Edit {
            start: orig(*start),
            end: orig(*end),
            bytes,
        });
    }
    for (a, used) in attrs.into_iter().zip(used) {
        if !used {
            edits.push(a);
        }
    }
    let lang = target.as_str();
    let mut lang_set = false;
    for site in [&parsed.html_lang, &parsed.xml_lang].into_iter().flatten() {
        edits.push(lang_edit(site, lang, &enc, &orig));
        lang_set = true;
    }
    for site in parsed.meta_language.iter().chain(&parsed.body_lang) {
        edits.push(lang_edit(site, lang, &enc, &orig));
    }
    if !lang_set {
        let (at, text) = match parsed.html_insert {
            Some(at) => (at, format!(" lang=\"{lang}\"")),
            None => (
                parsed.doctype_end.unwrap_or(0),
                format!("<html lang=\"{lang}\">"),
            ),
        };
        let at = orig(at);
        edits.push(Edit {
            start: at,
            end: at,
            bytes: enc(&text),
        });
    }
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = Vec::with_capacity(document.len() + document.len() / 4);
    let mut at = 0;
    for e in edits {
        if e.start < at || e.end < e.start {
            continue; // overlapping: cannot happen for blocks of one extraction
        }
        out.extend_from_slice(&document[at..e.start]);
        out.extend_from_slice(&e.bytes);
        at = e.end;
    }
    out.extend_from_slice(&document[at..]);
    Ok(out)
}

fn attr_edit(
    site: &ValueSite,
    value: &str,
    enc: &dyn Fn(&str) -> Vec<u8>,
    orig: &dyn Fn(usize) -> usize,
) -> Edit {
    let mut s = String::new();
    if site.quote == 0 {
        s.push('"');
    }
    escape_attr(value, site.quote, &mut s);
    if site.quote == 0 {
        s.push('"');
    }
    Edit {
        start: orig(site.start),
        end: orig(site.end),
        bytes: enc(&s),
    }
}

fn lang_edit(
    site: &AttrSite,
    lang: &str,
    enc: &dyn Fn(&str) -> Vec<u8>,
    orig: &dyn Fn(usize) -> usize,
) -> Edit {
    match &site.value {
        // A language tag needs no quotes: an unquoted value stays unquoted.
        Some(v) if v.quote == 0 => Edit {
            start: orig(v.start),
            end: orig(v.end),
            bytes: enc(lang),
        },
        Some(v) => attr_edit(v, lang, enc, orig),
        None => {
            let at = orig(site.name_end);
            Edit {
                start: at,
                end: at,
                bytes: enc(&format!("=\"{lang}\"")),
            }
        }
    }
}
