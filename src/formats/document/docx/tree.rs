//! A light tree of one XML part of a DOCX package: elements with the byte ranges of their start
//! tag, content and end tag, so that the filter can read what it needs and write everything else
//! back as the original bytes.
//!
//! The tree checks well-formedness (quick-xml: tag nesting, attribute syntax; here: references,
//! a single root, no DOCTYPE) and says where a part is damaged as `part:line:column`.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::Location;

/// One node of a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Child {
    /// An element, by index in [`Tree::nodes`].
    Elem(usize),
    /// Character data (text and references, escaped as in the part).
    Text { start: usize, end: usize },
    /// A CDATA section (the whole `<![CDATA[...]]>`).
    CData { start: usize, end: usize },
    /// A comment or processing instruction.
    Other { start: usize, end: usize },
}

/// An element.
#[derive(Debug, Clone)]
pub(super) struct Node {
    /// Offset of its `<`.
    pub start: usize,
    /// End of the qualified name in the start tag.
    pub name_end: usize,
    /// End of the start tag (after `>`; for an empty element, the end of the element).
    pub head_end: usize,
    /// Start of the end tag (`</`); equals `head_end` for an empty element.
    pub tail_start: usize,
    /// End of the element.
    pub end: usize,
    pub children: Vec<Child>,
}

/// How deep elements may nest (Word's deepest, tables in tables in text boxes, are a few dozen
/// levels); the filter walks the tree recursively.
const MAX_DEPTH: usize = 512;

/// A parsed part: its bytes and its elements (`nodes[root]` is the root element).
pub(super) struct Tree<'a> {
    pub bytes: &'a [u8],
    pub nodes: Vec<Node>,
    pub root: usize,
}

/// Where a part is damaged: `part:line:column: message`.
pub(super) fn located(part: &str, bytes: &[u8], at: usize, message: &str) -> String {
    let l = Location::of_byte(part, bytes, at);
    format!("{}:{}:{}: {message}", l.path, l.line, l.column)
}

impl<'a> Tree<'a> {
    /// Parses a part. The error is `part:line:column: what is wrong`.
    pub fn parse(bytes: &'a [u8], part: &str) -> Result<Tree<'a>, String> {
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(format!(
                "{part}: the part is in UTF-16, which tmkit does not read in DOCX packages: open \
                 the document in Word or LibreOffice and save it again"
            ));
        }
        let mut reader = Reader::from_reader(bytes);
        reader.config_mut().trim_text(false);
        reader.config_mut().check_end_names = true;
        let mut nodes: Vec<Node> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut root: Option<usize> = None;
        loop {
            let at = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let pos = (reader.error_position() as usize).min(bytes.len());
                    return Err(located(
                        part,
                        bytes,
                        pos,
                        &format!("the XML is not well-formed ({e})"),
                    ));
                }
            };
            let end = reader.buffer_position() as usize;
            let child = match &event {
                Event::Start(e) | Event::Empty(e) => {
                    if stack.is_empty() && root.is_some() {
                        return Err(located(
                            part,
                            bytes,
                            at,
                            "the XML is not well-formed (a second root element)",
                        ));
                    }
                    let empty = matches!(event, Event::Empty(_));
                    let idx = nodes.len();
                    nodes.push(Node {
                        start: at,
                        name_end: at + 1 + e.name().as_ref().len(),
                        head_end: end,
                        tail_start: end,
                        end,
                        children: Vec::new(),
                    });
                    if let Some(&parent) = stack.last() {
                        nodes[parent].children.push(Child::Elem(idx));
                    } else {
                        root = Some(idx);
                    }
                    if !empty {
                        stack.push(idx);
                        if stack.len() > MAX_DEPTH {
                            return Err(located(
                                part,
                                bytes,
                                at,
                                &format!(
                                    "elements nested more than {MAX_DEPTH} deep: no word processor \
                                     writes that; the file is damaged or hostile"
                                ),
                            ));
                        }
                    }
                    continue;
                }
                Event::End(_) => {
                    let Some(idx) = stack.pop() else {
                        return Err(located(
                            part,
                            bytes,
                            at,
                            "the XML is not well-formed (an end tag without a start tag)",
                        ));
                    };
                    nodes[idx].tail_start = at;
                    nodes[idx].end = end;
                    continue;
                }
                Event::Text(_) => Child::Text { start: at, end },
                Event::GeneralRef(r) => {
                    let known = if r.is_char_ref() {
                        matches!(r.resolve_char_ref(), Ok(Some(_)))
                    } else {
                        matches!(&**r, "lt" | "gt" | "amp" | "apos" | "quot")
                    };
                    if !known {
                        return Err(located(
                            part,
                            bytes,
                            at,
                            &format!("the XML is not well-formed (unknown reference &{};)", &**r),
                        ));
                    }
                    Child::Text { start: at, end }
                }
                Event::CData(_) => Child::CData { start: at, end },
                Event::Comment(_) | Event::PI(_) => Child::Other { start: at, end },
                Event::Decl(_) => continue,
                Event::DocType(_) => {
                    return Err(located(
                        part,
                        bytes,
                        at,
                        "the part has a DOCTYPE, which Office documents never have: the file \
                         was not written by a word processor",
                    ));
                }
                Event::Eof => break,
            };
            if let Some(&parent) = stack.last() {
                let children = &mut nodes[parent].children;
                // Text and references arrive as several events: keep them as one text node.
                match (children.last_mut(), child) {
                    (Some(Child::Text { end: e, .. }), Child::Text { start, end })
                        if *e == start =>
                    {
                        *e = end;
                    }
                    _ => children.push(child),
                }
            } else if let Child::Text { start, end } = child
                && !bytes[start..end].iter().all(u8::is_ascii_whitespace)
            {
                return Err(located(
                    part,
                    bytes,
                    start,
                    "the XML is not well-formed (text outside the root element)",
                ));
            }
        }
        if let Some(&open) = stack.last() {
            let name = String::from_utf8_lossy(&bytes[nodes[open].start + 1..nodes[open].name_end]);
            return Err(located(
                part,
                bytes,
                bytes.len(),
                &format!("the XML is not well-formed (the part ends inside <{name}>)"),
            ));
        }
        let Some(root) = root else {
            return Err(format!("{part}: the part has no XML element"));
        };
        Ok(Tree { bytes, nodes, root })
    }

    /// The qualified name of an element.
    pub fn qname(&self, n: usize) -> &'a [u8] {
        let node = &self.nodes[n];
        &self.bytes[node.start + 1..node.name_end]
    }

    /// The local name of an element (after the prefix).
    pub fn local(&self, n: usize) -> &'a [u8] {
        let q = self.qname(n);
        match memchr::memchr(b':', q) {
            Some(i) => &q[i + 1..],
            None => q,
        }
    }

    /// The prefix of an element (empty without one).
    pub fn prefix(&self, n: usize) -> &'a [u8] {
        let q = self.qname(n);
        match memchr::memchr(b':', q) {
            Some(i) => &q[..i],
            None => b"",
        }
    }

    /// Whether element `n` is `prefix:local`.
    pub fn is(&self, n: usize, prefix: &[u8], local: &[u8]) -> bool {
        let q = self.qname(n);
        q.len() == prefix.len() + 1 + local.len()
            && q.starts_with(prefix)
            && q[prefix.len()] == b':'
            && q.ends_with(local)
            || prefix.is_empty() && q == local
    }

    /// The element children of `n`.
    pub fn elems(&self, n: usize) -> impl Iterator<Item = usize> + '_ {
        self.nodes[n].children.iter().filter_map(|c| match c {
            Child::Elem(i) => Some(*i),
            _ => None,
        })
    }

    /// The first child element of `n` named `prefix:local`.
    pub fn child(&self, n: usize, prefix: &[u8], local: &[u8]) -> Option<usize> {
        self.elems(n).find(|&c| self.is(c, prefix, local))
    }

    /// The start tag of `n` as quick-xml sees it (to read attributes).
    pub fn start_tag(&self, n: usize) -> BytesStart<'a> {
        let node = &self.nodes[n];
        let mut inner = &self.bytes[node.start + 1..node.head_end - 1];
        if inner.ends_with(b"/") {
            inner = &inner[..inner.len() - 1];
        }
        let name_len = node.name_end - node.start - 1;
        // Parts are UTF-8 (checked when parsed: quick-xml reads names and attributes as bytes,
        // so decode lossily; only ASCII attribute values are compared).
        BytesStart::from_content(String::from_utf8_lossy(inner), name_len)
    }

    /// The unescaped value of attribute `qname` of `n`.
    pub fn attr(&self, n: usize, qname: &str) -> Option<String> {
        let tag = self.start_tag(n);
        let a = tag.try_get_attribute(qname).ok()??;
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    }

    /// The text content of an element that holds only text (`w:t`, `w:instrText`), unescaped;
    /// `<?tmkit-char U+000B?>` processing instructions are the characters they stand for.
    pub fn text(&self, n: usize) -> String {
        let mut out = String::new();
        for c in &self.nodes[n].children {
            match *c {
                Child::Text { start, end } => unescape(&self.bytes[start..end], &mut out),
                Child::CData { start, end } => {
                    let raw = &self.bytes[start..end];
                    let inner = raw
                        .strip_prefix(b"<![CDATA[")
                        .and_then(|r| r.strip_suffix(b"]]>"))
                        .unwrap_or(b"");
                    out.push_str(&String::from_utf8_lossy(inner));
                }
                Child::Other { start, end } => {
                    let raw = String::from_utf8_lossy(&self.bytes[start..end]);
                    if let Some(rest) = raw
                        .strip_prefix("<?tmkit-char ")
                        .and_then(|r| r.strip_suffix("?>"))
                        && let Some(ch) = crate::formats::xml::parse_char_code(rest.trim())
                    {
                        out.push(ch);
                    }
                }
                Child::Elem(_) => {}
            }
        }
        out
    }
}

/// Unescapes character data (the five predefined entities and character references; the tree
/// refused any other reference).
fn unescape(raw: &[u8], out: &mut String) {
    let s = String::from_utf8_lossy(raw);
    let mut rest: &str = &s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(semi) = after.find(';') else {
            out.push_str(&rest[i..]);
            return;
        };
        let name = &after[..semi];
        let c = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => out.push(c),
            None => {
                out.push('&');
                out.push_str(name);
                out.push(';');
            }
        }
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_keep_their_byte_ranges() {
        let xml = br#"<?xml version="1.0"?><w:p a="1"><w:r><w:t xml:space="preserve"> a &amp; b</w:t></w:r><w:br/></w:p>"#;
        let t = Tree::parse(xml, "x.xml").unwrap();
        assert_eq!(t.qname(t.root), b"w:p");
        let kids: Vec<usize> = t.elems(t.root).collect();
        assert_eq!(kids.len(), 2);
        let r = kids[0];
        let wt = t.child(r, b"w", b"t").unwrap();
        assert_eq!(t.text(wt), " a & b");
        assert_eq!(t.attr(wt, "xml:space").as_deref(), Some("preserve"));
        let br = &t.nodes[kids[1]];
        assert_eq!(&xml[br.start..br.end], b"<w:br/>");
        assert_eq!(t.local(kids[1]), b"br");
    }

    #[test]
    fn damaged_xml_is_located() {
        for (xml, want) in [
            (&b"<a>\n<b></c></a>"[..], "x.xml:2:"),
            (b"<a>\n<b>", "ends inside <b>"),
            (b"<a>&foo;</a>", "unknown reference &foo;"),
            (b"<a/><b/>", "second root"),
            (b"", "no XML element"),
            (&b"<a><b>\xff</b></a>"[..], "x.xml:1:"),
            (b"<a \xff=\"1\"/>", "x.xml:1:"),
        ] {
            let e = Tree::parse(xml, "x.xml").err().unwrap();
            assert!(e.contains(want), "{e}");
        }
        let deep = "<a>".repeat(100_000);
        let e = Tree::parse(deep.as_bytes(), "x.xml").err().unwrap();
        assert!(
            e.contains("x.xml:1:1537: elements nested more than 512 deep"),
            "{e}"
        );
    }
}
