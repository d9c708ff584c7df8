//! Streaming TBX writers: TBX v3 TBX-Basic DCA, and TBX v2 TBX-Basic for tools that only read v2.

use std::io::Write;

use super::{BASIC_PARTS_OF_SPEECH, CASE_SENSITIVE_TYPE, POS_TYPE, VARIANT_TYPE, Version};
use crate::error::{ErrorKind, Result};
use crate::formats::buffered::flush_if;
use crate::formats::xml::{escape_attr, escape_text};
use crate::model::{Lang, TermEntry};

/// What goes into the root and header of a written file.
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// TBX v3 (the default) or v2.
    pub version: Version,
    /// The root's `xml:lang`: the language of the file's own text (notes, definitions).
    pub lang: Lang,
    /// A title for the header's `<titleStmt>`, if any.
    pub title: Option<String>,
    /// The header's `<sourceDesc>` paragraph.
    pub source_desc: String,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            version: Version::V3,
            lang: Lang::parse("en").expect("\"en\" is a valid language tag"),
            title: None,
            source_desc: format!("written by tmkit {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Writes TBX, one concept at a time; the output is deterministic and reads back equal through
/// [`Reader`](super::Reader).
///
/// TBX v3 is written as TBX-Basic in DCA style
/// (`<tbx type="TBX-Basic" style="dca" xmlns="urn:iso:std:iso:30042:ed-2">`), v2 as a `martif` of type
/// `TBX-Basic` with `tig`s. Per concept: its `id` (generated as `c1`, `c2`, ... in v3 when the entry
/// has none or it is not an XML name; omitted in v2 then), `subjectField` and `definition` descrips,
/// one `<note>` per line of the entry's note, then one language section per run of consecutive terms
/// in the same language, each term with `partOfSpeech` and `administrativeStatus` term notes (the
/// status is always written; in v3, a part of speech outside TBX-Basic's picklist goes in an
/// `x-partOfSpeech` term note, so that the file stays within the dialect), `x-caseSensitive` = `yes` when set, one `x-variant` per variant, and one
/// `<note>` per line of its note.
///
/// ```
/// use tmkit::formats::tbx::{Writer, WriterOptions};
/// use tmkit::model::{Lang, Term, TermEntry};
/// let mut entry = TermEntry::default();
/// entry.terms.push(Term::new(Lang::parse("en").unwrap(), "memory"));
/// entry.terms.push(Term::new(Lang::parse("zh-CN").unwrap(), "记忆库"));
/// let mut w = Writer::new(Vec::new(), &WriterOptions::default()).unwrap();
/// w.write_entry(&entry).unwrap();
/// let out = String::from_utf8(w.finish().unwrap()).unwrap();
/// assert!(out.contains("<langSec xml:lang=\"zh-CN\">"));
/// ```
pub struct Writer<W: Write> {
    out: W,
    buf: String,
    version: Version,
    count: u64,
}

impl<W: Write> Writer<W> {
    /// Starts a document: declaration, root, header and the start of the body.
    pub fn new(out: W, options: &WriterOptions) -> Result<Self> {
        let mut buf = String::with_capacity(64 * 1024);
        buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let (header, xcs) = match options.version {
            Version::V3 => {
                buf.push_str("<tbx type=\"TBX-Basic\" style=\"dca\"");
                push_attr(&mut buf, "xml:lang", options.lang.as_str());
                buf.push_str(" xmlns=\"urn:iso:std:iso:30042:ed-2\">\n");
                ("tbxHeader", false)
            }
            Version::V2 => {
                buf.push_str("<!DOCTYPE martif SYSTEM \"TBXBasiccoreStructV02.dtd\">\n");
                buf.push_str("<martif type=\"TBX-Basic\"");
                push_attr(&mut buf, "xml:lang", options.lang.as_str());
                buf.push_str(">\n");
                ("martifHeader", true)
            }
        };
        buf.push_str(&format!("  <{header}>\n    <fileDesc>\n"));
        if let Some(title) = &options.title {
            buf.push_str("      <titleStmt>\n        <title>");
            escape_text(title, &mut buf);
            buf.push_str("</title>\n      </titleStmt>\n");
        }
        buf.push_str("      <sourceDesc>\n        <p>");
        escape_text(&options.source_desc, &mut buf);
        buf.push_str("</p>\n      </sourceDesc>\n    </fileDesc>\n");
        if xcs {
            buf.push_str(
                "    <encodingDesc>\n      <p type=\"XCSURI\">TBXBasicXCSV02.xcs</p>\n    </encodingDesc>\n",
            );
        }
        buf.push_str(&format!("  </{header}>\n  <text>\n    <body>\n"));
        let mut w = Writer {
            out,
            buf,
            version: options.version,
            count: 0,
        };
        flush_if(&mut w.out, &mut w.buf, 0)?;
        Ok(w)
    }

    /// Writes one concept.
    pub fn write_entry(&mut self, entry: &TermEntry) -> Result<()> {
        self.count += 1;
        let v3 = self.version == Version::V3;
        let (concept, lang_sec, term_sec) = if v3 {
            ("conceptEntry", "langSec", "termSec")
        } else {
            ("termEntry", "langSet", "tig")
        };
        let buf = &mut self.buf;
        buf.push_str("      <");
        buf.push_str(concept);
        match entry.id.as_deref().filter(|id| is_xml_name(id)) {
            Some(id) => push_attr(buf, "id", id),
            None if v3 => push_attr(buf, "id", &format!("c{}", self.count)),
            None => {}
        }
        buf.push_str(">\n");
        if let Some(subject) = &entry.subject {
            push_element(buf, 8, "descrip", Some("subjectField"), subject);
        }
        if let Some(definition) = &entry.definition {
            push_element(buf, 8, "descrip", Some("definition"), definition);
        }
        push_notes(buf, 8, entry.note.as_deref());
        let mut i = 0;
        while i < entry.terms.len() {
            let lang = &entry.terms[i].lang;
            buf.push_str(&format!("        <{lang_sec}"));
            push_attr(buf, "xml:lang", lang.as_str());
            buf.push_str(">\n");
            while i < entry.terms.len() && &entry.terms[i].lang == lang {
                let t = &entry.terms[i];
                buf.push_str(&format!("          <{term_sec}>\n"));
                push_element(buf, 12, "term", None, &t.text);
                if let Some(pos) = &t.pos {
                    // TBX-Basic v3 has a picklist; other values go in tmkit's own category.
                    let category = if v3 && !BASIC_PARTS_OF_SPEECH.contains(&pos.as_str()) {
                        POS_TYPE
                    } else {
                        "partOfSpeech"
                    };
                    push_element(buf, 12, "termNote", Some(category), pos);
                }
                push_element(
                    buf,
                    12,
                    "termNote",
                    Some("administrativeStatus"),
                    t.status.tbx_value(),
                );
                if t.case_sensitive {
                    push_element(buf, 12, "termNote", Some(CASE_SENSITIVE_TYPE), "yes");
                }
                for variant in &t.variants {
                    push_element(buf, 12, "termNote", Some(VARIANT_TYPE), variant);
                }
                push_notes(buf, 12, t.note.as_deref());
                buf.push_str(&format!("          </{term_sec}>\n"));
                i += 1;
            }
            buf.push_str(&format!("        </{lang_sec}>\n"));
        }
        buf.push_str(&format!("      </{concept}>\n"));
        flush_if(&mut self.out, &mut self.buf, 64 * 1024)
    }

    /// Closes the document and returns the output.
    pub fn finish(mut self) -> Result<W> {
        let root = match self.version {
            Version::V3 => "tbx",
            Version::V2 => "martif",
        };
        self.buf
            .push_str(&format!("    </body>\n  </text>\n</{root}>\n"));
        flush_if(&mut self.out, &mut self.buf, 0)?;
        self.out.flush().map_err(ErrorKind::Write)?;
        Ok(self.out)
    }
}

fn push_attr(buf: &mut String, name: &str, value: &str) {
    buf.push(' ');
    buf.push_str(name);
    buf.push_str("=\"");
    escape_attr(value, buf);
    buf.push('"');
}

fn push_element(buf: &mut String, indent: usize, name: &str, kind: Option<&str>, text: &str) {
    buf.extend(std::iter::repeat_n(' ', indent));
    buf.push('<');
    buf.push_str(name);
    if let Some(kind) = kind {
        push_attr(buf, "type", kind);
    }
    buf.push('>');
    escape_text(text, buf);
    buf.push_str("</");
    buf.push_str(name);
    buf.push_str(">\n");
}

/// One `<note>` per non-empty line, so that line breaks survive the reader's whitespace folding.
fn push_notes(buf: &mut String, indent: usize, note: Option<&str>) {
    for line in note.unwrap_or("").lines() {
        if !line.trim().is_empty() {
            push_element(buf, indent, "note", None, line);
        }
    }
}

/// Whether `s` can be an XML `ID` (an NCName, approximated: a letter or `_` first, then letters,
/// digits, `-`, `_` and `.`).
fn is_xml_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Term;

    #[test]
    fn ids_are_kept_when_they_are_xml_names() {
        let table = [
            ("c1", true),
            ("_1219131555453", true),
            ("eid-Oracle-67", true),
            ("1abc", false),
            ("Asia Pacific", false),
            ("", false),
        ];
        for (id, want) in table {
            assert_eq!(is_xml_name(id), want, "{id:?}");
        }
    }

    #[test]
    fn generated_ids_and_v2_layout() {
        let mut entry = TermEntry::default();
        entry
            .terms
            .push(Term::new(Lang::parse("en").unwrap(), "a\u{1}b"));
        for (version, want) in [
            (Version::V3, "<conceptEntry id=\"c1\">"),
            (Version::V2, "<termEntry>"),
        ] {
            let options = WriterOptions {
                version,
                ..WriterOptions::default()
            };
            let mut w = Writer::new(Vec::new(), &options).unwrap();
            w.write_entry(&entry).unwrap();
            let out = String::from_utf8(w.finish().unwrap()).unwrap();
            assert!(out.contains(want), "{out}");
            assert!(
                out.contains("<term>a<?tmkit-char U+0001?>b</term>"),
                "{out}"
            );
        }
    }
}
