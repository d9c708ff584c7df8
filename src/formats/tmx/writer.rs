//! Streaming TMX 1.4b writer.

use std::io::Write;

use super::dtd;
use crate::error::{ErrorKind, Result};
use crate::formats::buffered::flush_if;
use crate::formats::xml::{escape_attr, escape_segment, escape_text};
use crate::model::{Admin, Extra, Lang, TranslationUnit};

/// What goes into the `<header>` of a written file.
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// The header's `creationtool` (default `tmkit`).
    pub creation_tool: String,
    /// The header's `creationtoolversion` (default the version of this crate).
    pub creation_tool_version: String,
    /// The header's srclang: a language tag, or `*all*`.
    pub srclang: String,
    /// The header's `segtype` (default `sentence`).
    pub segtype: String,
    /// The header's `datatype` (default `plaintext`).
    pub datatype: String,
    /// The header's `adminlang` (default `en`).
    pub adminlang: String,
    /// The header's `o-tmf` (default `tmkit`).
    pub o_tmf: String,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            creation_tool: "tmkit".to_string(),
            creation_tool_version: env!("CARGO_PKG_VERSION").to_string(),
            srclang: "*all*".to_string(),
            segtype: "sentence".to_string(),
            datatype: "plaintext".to_string(),
            adminlang: "en".to_string(),
            o_tmf: "tmkit".to_string(),
        }
    }
}

/// Writes TMX 1.4b, one unit at a time. The output validates against the TMX 1.4 DTD whatever the
/// units hold: attributes the DTD does not declare are left out (see [`super::dtd`]), and
/// characters XML 1.0 cannot hold are written as `<ph type="x-tmkit-char">U+000B</ph>` in segments
/// and `<?tmkit-char U+000B?>` in notes and properties (see [`crate::formats::xml::escape_text`]).
///
/// ```
/// use tmkit::formats::tmx::{Writer, WriterOptions};
/// use tmkit::model::{Lang, TranslationUnit, Variant};
/// let mut unit = TranslationUnit::default();
/// unit.variants.push(Variant::new(Lang::parse("en").unwrap(), "Hello"));
/// unit.variants.push(Variant::new(Lang::parse("ja-JP").unwrap(), "こんにちは"));
/// let mut w = Writer::new(Vec::new(), &WriterOptions::default()).unwrap();
/// w.write_unit(&unit).unwrap();
/// let out = String::from_utf8(w.finish().unwrap()).unwrap();
/// assert!(out.contains("<seg>こんにちは</seg>"));
/// ```
pub struct Writer<W: Write> {
    out: W,
    buf: String,
    header_srclang: String,
}

impl<W: Write> Writer<W> {
    /// Starts a document: declaration, DOCTYPE, `<tmx>`, `<header>` and `<body>`.
    pub fn new(out: W, options: &WriterOptions) -> Result<Self> {
        let mut buf = String::with_capacity(64 * 1024);
        buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        buf.push_str("<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n");
        buf.push_str("<tmx version=\"1.4\">\n  <header");
        for (k, v) in [
            ("creationtool", &options.creation_tool),
            ("creationtoolversion", &options.creation_tool_version),
            ("segtype", &options.segtype),
            ("o-tmf", &options.o_tmf),
            ("adminlang", &options.adminlang),
            ("srclang", &options.srclang),
            ("datatype", &options.datatype),
        ] {
            push_attr(&mut buf, k, v);
        }
        buf.push_str("/>\n  <body>\n");
        let mut w = Writer {
            out,
            buf,
            header_srclang: options.srclang.clone(),
        };
        flush_if(&mut w.out, &mut w.buf, 0)?;
        Ok(w)
    }

    /// Writes one unit. A unit whose source language differs from the header's gets its own srclang.
    pub fn write_unit(&mut self, unit: &TranslationUnit) -> Result<()> {
        let buf = &mut self.buf;
        buf.push_str("    <tu");
        if let Some(tuid) = &unit.tuid {
            push_attr(buf, "tuid", tuid);
        }
        for (k, v) in &unit.attrs {
            if dtd::tu_attr_declared(k, v) {
                push_attr(buf, k, v);
            }
        }
        if let Some(src) = unit.source.as_ref().map(Lang::as_str)
            && src != self.header_srclang
        {
            push_attr(buf, "srclang", src);
        }
        push_admin(buf, &unit.admin);
        buf.push_str(">\n");
        push_extras(buf, &unit.extras, "      ");
        for v in &unit.variants {
            buf.push_str("      <tuv");
            push_attr(buf, "xml:lang", v.lang.as_str());
            for (k, val) in &v.attrs {
                if dtd::tuv_attr_declared(k) {
                    push_attr(buf, k, val);
                }
            }
            push_admin(buf, &v.admin);
            buf.push('>');
            if !v.extras.is_empty() {
                buf.push('\n');
                push_extras(buf, &v.extras, "        ");
                buf.push_str("        ");
            }
            buf.push_str("<seg>");
            match &v.markup {
                Some(m) => buf.push_str(&dtd::clean_markup(m).0),
                None => escape_segment(&v.text, buf),
            }
            buf.push_str("</seg>");
            if !v.extras.is_empty() {
                buf.push_str("\n      ");
            }
            buf.push_str("</tuv>\n");
        }
        buf.push_str("    </tu>\n");
        flush_if(&mut self.out, &mut self.buf, 60 * 1024)
    }

    /// Closes the document and returns the output.
    pub fn finish(mut self) -> Result<W> {
        self.buf.push_str("  </body>\n</tmx>\n");
        flush_if(&mut self.out, &mut self.buf, 0)?;
        self.out.flush().map_err(ErrorKind::Write)?;
        Ok(self.out)
    }
}

fn push_attr(buf: &mut String, key: &str, value: &str) {
    buf.push(' ');
    buf.push_str(key);
    buf.push_str("=\"");
    escape_attr(value, buf);
    buf.push('"');
}

fn push_admin(buf: &mut String, admin: &Admin) {
    for (k, v) in admin.attributes() {
        push_attr(buf, k, &v);
    }
}

fn push_extras(buf: &mut String, extras: &[Extra], indent: &str) {
    // The DTD wants notes and props before the variants; within them any order, kept as read.
    for extra in extras {
        buf.push_str(indent);
        match extra {
            Extra::Prop(p) => {
                buf.push_str("<prop");
                push_attr(buf, "type", &p.kind);
                if let Some(l) = &p.lang {
                    push_attr(buf, "xml:lang", l);
                }
                if let Some(e) = &p.encoding {
                    push_attr(buf, "o-encoding", e);
                }
                buf.push('>');
                escape_text(&p.value, buf);
                buf.push_str("</prop>\n");
            }
            Extra::Note(n) => {
                buf.push_str("<note");
                if let Some(l) = &n.lang {
                    push_attr(buf, "xml:lang", l);
                }
                if let Some(e) = &n.encoding {
                    push_attr(buf, "o-encoding", e);
                }
                buf.push('>');
                escape_text(&n.text, buf);
                buf.push_str("</note>\n");
            }
        }
    }
}
