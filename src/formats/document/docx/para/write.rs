//! Writing a paragraph back: the translated pieces with the source's markup for each code and
//! run properties for the text, the markers put back in front of and behind it.

use super::{Bytes, CodeData, Para, Tree};
use crate::formats::document::{Piece, Role};

/// What rebuilding needs from the part: the original bytes of a range with the paragraphs
/// nested in it (text boxes) already rebuilt, and run properties with the target language.
pub trait Render {
    /// Writes `start..end` of the part, with nested paragraphs rebuilt.
    fn range(&mut self, start: usize, end: usize, out: &mut Vec<u8>);
    /// Writes the run properties `rpr` with `w:lang` following the target.
    fn rpr(&mut self, rpr: usize, out: &mut Vec<u8>);
}

impl Para {
    /// Writes the paragraph with `pieces` as its text.
    pub fn rebuild(
        &self,
        tree: &Tree<'_>,
        pieces: &[Piece],
        r: &mut dyn Render,
        out: &mut Vec<u8>,
    ) {
        let p = &tree.nodes[self.node];
        let w = String::from_utf8_lossy(tree.prefix(self.node)).into_owned();
        let pre = if w.is_empty() {
            w.clone()
        } else {
            format!("{w}:")
        };
        out.extend_from_slice(&tree.bytes[p.start..p.head_end]);
        if let Some(ppr) = self.pprs {
            let n = &tree.nodes[ppr];
            r.range(n.start, n.end, out);
        }
        for &a in &self.front {
            self.write_atom(tree, a, &pre, r, out);
        }
        // The open codes: (id, index into codes).
        let mut stack: Vec<u32> = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => {
                    let rpr = stack
                        .iter()
                        .rev()
                        .find_map(|&id| match &self.codes[id as usize - 1] {
                            CodeData::Format { rpr } => Some(*rpr),
                            CodeData::Container { base, .. } | CodeData::Field { base, .. } => {
                                *base
                            }
                            CodeData::Standalone { .. } => None,
                        })
                        .unwrap_or(self.base);
                    write_text(t, rpr, &pre, r, out);
                }
                Piece::Code(c) => {
                    let Some(data) = (c.id as usize)
                        .checked_sub(1)
                        .and_then(|i| self.codes.get(i))
                    else {
                        continue;
                    };
                    match (c.role, data) {
                        (Role::Standalone, CodeData::Standalone { atoms }) => {
                            for &a in atoms {
                                self.write_atom(tree, a, &pre, r, out);
                            }
                        }
                        (Role::Open, CodeData::Standalone { .. })
                        | (Role::Close, CodeData::Standalone { .. })
                        | (Role::Standalone, _) => {}
                        (Role::Open, _) => {
                            self.write_open(tree, data, &pre, r, out);
                            stack.push(c.id);
                        }
                        (Role::Close, _) => {
                            if let Some(at) = stack.iter().rposition(|&id| id == c.id) {
                                while stack.len() > at {
                                    let id = stack.pop().expect("the stack is longer than at");
                                    self.write_close(tree, id, &pre, r, out);
                                }
                            }
                        }
                    }
                }
            }
        }
        while let Some(id) = stack.pop() {
            self.write_close(tree, id, &pre, r, out);
        }
        for &a in &self.back {
            self.write_atom(tree, a, &pre, r, out);
        }
        out.extend_from_slice(&tree.bytes[p.tail_start..p.end]);
    }

    fn write_open(
        &self,
        tree: &Tree<'_>,
        data: &CodeData,
        pre: &str,
        r: &mut dyn Render,
        out: &mut Vec<u8>,
    ) {
        match data {
            CodeData::Container { container, .. } => {
                let n = &tree.nodes[self.containers[*container].node];
                out.extend_from_slice(&tree.bytes[n.start..n.head_end]);
            }
            CodeData::Field { open, .. } => {
                for &a in open {
                    self.write_atom(tree, a, pre, r, out);
                }
            }
            CodeData::Format { .. } | CodeData::Standalone { .. } => {}
        }
    }

    fn write_close(
        &self,
        tree: &Tree<'_>,
        id: u32,
        pre: &str,
        r: &mut dyn Render,
        out: &mut Vec<u8>,
    ) {
        match &self.codes[id as usize - 1] {
            CodeData::Container { container, .. } => {
                let n = &tree.nodes[self.containers[*container].node];
                out.extend_from_slice(&tree.bytes[n.tail_start..n.end]);
            }
            CodeData::Field { close, .. } => self.write_atom(tree, *close, pre, r, out),
            CodeData::Format { .. } | CodeData::Standalone { .. } => {}
        }
    }

    fn write_atom(
        &self,
        tree: &Tree<'_>,
        a: usize,
        pre: &str,
        r: &mut dyn Render,
        out: &mut Vec<u8>,
    ) {
        match self.atoms[a].bytes {
            Bytes::Raw(n) => {
                let n = &tree.nodes[n];
                r.range(n.start, n.end, out);
            }
            Bytes::Run { rpr, child } => {
                out.extend_from_slice(format!("<{pre}r>").as_bytes());
                if let Some(rpr) = rpr {
                    let n = &tree.nodes[rpr];
                    r.range(n.start, n.end, out);
                }
                let n = &tree.nodes[child];
                r.range(n.start, n.end, out);
                out.extend_from_slice(format!("</{pre}r>").as_bytes());
            }
            Bytes::None => {}
        }
    }
}

/// Writes text as one run: `w:t` for text, `w:tab` for tabs, `w:br` for line feeds and
/// U+000B, a page break for U+000C, `w:noBreakHyphen`/`w:softHyphen` for U+2011/U+00AD; other
/// characters XML cannot hold are dropped (Word and LibreOffice show nothing for them).
fn write_text(text: &str, rpr: Option<usize>, pre: &str, r: &mut dyn Render, out: &mut Vec<u8>) {
    if text.is_empty() {
        return;
    }
    out.extend_from_slice(format!("<{pre}r>").as_bytes());
    if let Some(rpr) = rpr {
        r.rpr(rpr, out);
    }
    let mut buf = String::new();
    let flush = |buf: &mut String, out: &mut Vec<u8>| {
        if buf.is_empty() {
            return;
        }
        let preserve = buf.starts_with(char::is_whitespace)
            || buf.ends_with(char::is_whitespace)
            || buf.contains("  ");
        if preserve {
            out.extend_from_slice(format!("<{pre}t xml:space=\"preserve\">").as_bytes());
        } else {
            out.extend_from_slice(format!("<{pre}t>").as_bytes());
        }
        let mut escaped = String::with_capacity(buf.len());
        for c in buf.chars() {
            match c {
                '&' => escaped.push_str("&amp;"),
                '<' => escaped.push_str("&lt;"),
                '>' => escaped.push_str("&gt;"),
                c => escaped.push(c),
            }
        }
        out.extend_from_slice(escaped.as_bytes());
        out.extend_from_slice(format!("</{pre}t>").as_bytes());
        buf.clear();
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let element = match c {
            '\t' => Some("tab/"),
            '\n' | '\u{b}' | '\u{2028}' => Some("br/"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    continue;
                }
                Some("br/")
            }
            '\u{c}' => Some("br w:type=\"page\"/"),
            '\u{2011}' => Some("noBreakHyphen/"),
            '\u{ad}' => Some("softHyphen/"),
            c if !crate::formats::xml::is_xml_char(c) => {
                continue;
            }
            c => {
                buf.push(c);
                None
            }
        };
        if let Some(e) = element {
            flush(&mut buf, out);
            let e = if pre != "w:" {
                e.replace("w:type", &format!("{pre}type"))
            } else {
                e.to_string()
            };
            out.extend_from_slice(format!("<{pre}{e}>").as_bytes());
        }
    }
    flush(&mut buf, out);
    out.extend_from_slice(format!("</{pre}r>").as_bytes());
}
