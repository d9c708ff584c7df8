//! Streaming XLIFF 1.2 writer.

use std::io::Write;

use super::inline::write_xliff;
use super::{
    AltTrans, Content, File, Group, NAMESPACE, REPETITION_CONTEXT, TEXT_AFTER_CONTEXT, Unit, XNote,
};
use crate::error::{ErrorKind, Result};
use crate::formats::buffered::flush_if;
use crate::formats::xml::{escape_attr, escape_text};

/// What goes into every `<file>`'s `<header>`.
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// Written as `<tool tool-id="tmkit" tool-name="tmkit" tool-version="...">`.
    pub tool_version: String,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Document,
    File,
    Group { bare: bool },
}

/// Writes XLIFF 1.2, one unit at a time; output is deterministic (same input, same bytes).
///
/// Either call [`Writer::write_file`] with whole [`File`]s, or stream: [`Writer::start_file`],
/// [`Writer::start_group`], [`Writer::write_unit`]..., [`Writer::end_group`],
/// [`Writer::end_file`]; [`Writer::finish`] closes whatever is open.
///
/// ```
/// use tmkit::formats::xliff::{Content, File, Group, Unit, Writer, WriterOptions};
/// use tmkit::model::Lang;
/// let file = File {
///     original: "guide.txt".into(),
///     source_lang: Lang::parse("en").unwrap(),
///     target_lang: Some(Lang::parse("ja-JP").unwrap()),
///     datatype: "plaintext".into(),
///     skeleton: None,
///     notes: vec![],
///     groups: vec![Group {
///         id: Some("p1".into()),
///         restype: Some("x-paragraph".into()),
///         resname: None,
///         units: vec![Unit::new("1", Content::plain("Hello & welcome"))],
///     }],
/// };
/// let mut w = Writer::new(Vec::new(), &WriterOptions::default()).unwrap();
/// w.write_file(&file).unwrap();
/// let out = String::from_utf8(w.finish().unwrap()).unwrap();
/// assert!(out.contains("<source>Hello &amp; welcome</source>"));
/// ```
pub struct Writer<W: Write> {
    out: W,
    buf: String,
    at: At,
    tool_version: String,
}

fn push_attr(buf: &mut String, key: &str, value: &str) {
    buf.push(' ');
    buf.push_str(key);
    buf.push_str("=\"");
    escape_attr(value, buf);
    buf.push('"');
}

const UNIT_ATTRS: [&str; 6] = [
    "id",
    "resname",
    "translate",
    "approved",
    "xml:space",
    "xmlns",
];

impl<W: Write> Writer<W> {
    /// Starts a document: the XML declaration and `<xliff>`.
    pub fn new(out: W, options: &WriterOptions) -> Result<Self> {
        let mut buf = String::with_capacity(64 * 1024);
        buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        buf.push_str("<xliff version=\"1.2\"");
        push_attr(&mut buf, "xmlns", NAMESPACE);
        buf.push_str(">\n");
        let mut w = Writer {
            out,
            buf,
            at: At::Document,
            tool_version: options.tool_version.clone(),
        };
        flush_if(&mut w.out, &mut w.buf, 0)?;
        Ok(w)
    }

    fn misuse(&self, what: &str) -> crate::Error {
        ErrorKind::Invalid {
            what: "XLIFF writer call",
            value: what.to_string(),
            reason: format!("not allowed here ({:?})", self.at),
        }
        .into()
    }

    /// Writes a whole file: its header, groups and units.
    pub fn write_file(&mut self, file: &File) -> Result<()> {
        self.start_file(file)?;
        for group in &file.groups {
            self.start_group(group)?;
            for unit in &group.units {
                self.write_unit(unit)?;
            }
            self.end_group()?;
        }
        self.end_file()
    }

    /// Starts a `<file>`: its attributes, `<header>` (tool and notes) and `<body>`.
    /// `file.groups` is not written: write groups and units next.
    pub fn start_file(&mut self, file: &File) -> Result<()> {
        match self.at {
            At::Document => {}
            At::File | At::Group { .. } => return Err(self.misuse("start_file")),
        }
        let buf = &mut self.buf;
        buf.push_str("  <file");
        push_attr(buf, "original", &file.original);
        push_attr(buf, "source-language", file.source_lang.as_str());
        if let Some(t) = &file.target_lang {
            push_attr(buf, "target-language", t.as_str());
        }
        push_attr(buf, "datatype", &file.datatype);
        buf.push_str(">\n    <header>\n");
        if let Some(href) = &file.skeleton {
            buf.push_str("      <skl><external-file");
            push_attr(buf, "href", href);
            buf.push_str("/></skl>\n");
        }
        buf.push_str("      <tool tool-id=\"tmkit\" tool-name=\"tmkit\"");
        push_attr(buf, "tool-version", &self.tool_version);
        buf.push_str("/>\n");
        for note in &file.notes {
            push_note(buf, note, "      ");
        }
        buf.push_str("    </header>\n    <body>\n");
        self.at = At::File;
        Ok(())
    }

    /// Starts a `<group>` (`group.units` is not written). A group without id, resname and restype
    /// writes nothing: its units go directly in `<body>`.
    pub fn start_group(&mut self, group: &Group) -> Result<()> {
        if self.at != At::File {
            return Err(self.misuse("start_group"));
        }
        let bare = group.is_bare();
        if !bare {
            let buf = &mut self.buf;
            buf.push_str("      <group");
            if let Some(id) = &group.id {
                push_attr(buf, "id", id);
            }
            if let Some(r) = &group.resname {
                push_attr(buf, "resname", r);
            }
            if let Some(r) = &group.restype {
                push_attr(buf, "restype", r);
            }
            buf.push_str(">\n");
        }
        self.at = At::Group { bare };
        Ok(())
    }

    /// Closes the current group.
    pub fn end_group(&mut self) -> Result<()> {
        match self.at {
            At::Group { bare } => {
                if !bare {
                    self.buf.push_str("      </group>\n");
                }
                self.at = At::File;
                flush_if(&mut self.out, &mut self.buf, 60 * 1024)
            }
            _ => Err(self.misuse("end_group")),
        }
    }

    /// Closes the current file (and its group, if one is open).
    pub fn end_file(&mut self) -> Result<()> {
        if let At::Group { .. } = self.at {
            self.end_group()?;
        }
        if self.at != At::File {
            return Err(self.misuse("end_file"));
        }
        self.buf.push_str("    </body>\n  </file>\n");
        self.at = At::Document;
        flush_if(&mut self.out, &mut self.buf, 0)
    }

    /// Writes one `<trans-unit>`. `unit.segment` is not written (tmkit writes unsegmented units).
    pub fn write_unit(&mut self, unit: &Unit) -> Result<()> {
        let indent = match self.at {
            At::File | At::Group { bare: true } => "      ",
            At::Group { bare: false } => "        ",
            At::Document => return Err(self.misuse("write_unit")),
        };
        let buf = &mut self.buf;
        buf.push_str(indent);
        buf.push_str("<trans-unit");
        push_attr(buf, "id", &unit.id);
        if let Some(r) = &unit.resname {
            push_attr(buf, "resname", r);
        }
        if !unit.translate {
            push_attr(buf, "translate", "no");
        }
        if let Some(a) = unit.approved {
            push_attr(buf, "approved", if a { "yes" } else { "no" });
        }
        for (k, v) in &unit.attrs {
            if !k.contains(':') && !UNIT_ATTRS.contains(&k.as_str()) {
                push_attr(buf, k, v);
            }
        }
        buf.push_str(" xml:space=\"preserve\">\n");
        let inner = format!("{indent}  ");
        push_content(buf, &inner, "source", None, &unit.source)?;
        if let Some(t) = &unit.target {
            let mut attrs = Vec::new();
            if let Some(s) = &t.state {
                attrs.push(("state", s.as_str()));
            }
            if let Some(q) = &t.state_qualifier {
                attrs.push(("state-qualifier", q.as_str()));
            }
            push_element(buf, &inner, "target", &attrs, &t.content)?;
        }
        if unit.repetition_of.is_some() || unit.text_after.is_some() {
            buf.push_str(&inner);
            buf.push_str("<context-group name=\"tmkit\" purpose=\"information\">");
            for (kind, value) in [
                (REPETITION_CONTEXT, &unit.repetition_of),
                (TEXT_AFTER_CONTEXT, &unit.text_after),
            ] {
                if let Some(v) = value {
                    buf.push_str("<context");
                    push_attr(buf, "context-type", kind);
                    buf.push('>');
                    escape_text(v, buf);
                    buf.push_str("</context>");
                }
            }
            buf.push_str("</context-group>\n");
        }
        if let Some(rep) = &unit.repetition_of {
            push_note(
                buf,
                &XNote {
                    from: Some("tmkit".to_string()),
                    annotates: Some("general".to_string()),
                    text: format!("repetition of unit {rep}"),
                    ..XNote::default()
                },
                &inner,
            );
        }
        for note in &unit.notes {
            push_note(buf, note, &inner);
        }
        for alt in &unit.alt_trans {
            push_alt_trans(buf, alt, &inner)?;
        }
        buf.push_str(indent);
        buf.push_str("</trans-unit>\n");
        flush_if(&mut self.out, &mut self.buf, 60 * 1024)
    }

    /// Closes whatever is open and the document, and returns the output.
    pub fn finish(mut self) -> Result<W> {
        if self.at != At::Document {
            self.end_file()?;
        }
        self.buf.push_str("</xliff>\n");
        flush_if(&mut self.out, &mut self.buf, 0)?;
        self.out.flush().map_err(ErrorKind::Write)?;
        Ok(self.out)
    }
}

fn push_content(
    buf: &mut String,
    indent: &str,
    name: &str,
    lang: Option<&str>,
    content: &Content,
) -> Result<()> {
    let attrs: Vec<(&str, &str)> = lang.map(|l| ("xml:lang", l)).into_iter().collect();
    push_element(buf, indent, name, &attrs, content)
}

fn push_element(
    buf: &mut String,
    indent: &str,
    name: &str,
    attrs: &[(&str, &str)],
    content: &Content,
) -> Result<()> {
    buf.push_str(indent);
    buf.push('<');
    buf.push_str(name);
    for (k, v) in attrs {
        push_attr(buf, k, v);
    }
    buf.push('>');
    write_xliff(content, buf).map_err(|reason| ErrorKind::Invalid {
        what: "segment markup",
        value: content.markup.clone().unwrap_or_default(),
        reason,
    })?;
    buf.push_str("</");
    buf.push_str(name);
    buf.push_str(">\n");
    Ok(())
}

fn push_note(buf: &mut String, note: &XNote, indent: &str) {
    buf.push_str(indent);
    buf.push_str("<note");
    if let Some(l) = &note.lang {
        push_attr(buf, "xml:lang", l);
    }
    if let Some(f) = &note.from {
        push_attr(buf, "from", f);
    }
    if let Some(a) = &note.annotates {
        push_attr(buf, "annotates", a);
    }
    if let Some(p) = note.priority {
        push_attr(buf, "priority", &p.to_string());
    }
    buf.push('>');
    escape_text(&note.text, buf);
    buf.push_str("</note>\n");
}

fn push_alt_trans(buf: &mut String, alt: &AltTrans, indent: &str) -> Result<()> {
    buf.push_str(indent);
    buf.push_str("<alt-trans");
    if let Some(q) = &alt.match_quality {
        push_attr(buf, "match-quality", q);
    }
    if let Some(o) = &alt.origin {
        push_attr(buf, "origin", o);
    }
    buf.push_str(">\n");
    let inner = format!("{indent}  ");
    if let Some(s) = &alt.source {
        push_content(buf, &inner, "source", None, s)?;
    }
    push_content(
        buf,
        &inner,
        "target",
        alt.lang.as_ref().map(|l| l.as_str()),
        &alt.target,
    )?;
    buf.push_str(indent);
    buf.push_str("</alt-trans>\n");
    Ok(())
}
