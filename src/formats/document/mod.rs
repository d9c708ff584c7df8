//! Document formats: the articles a translation job starts from (plain text, HTML, Markdown,
//! DOCX) and ends with.
//!
//! Depends only on `model` and `error`, like the rest of `formats`.
//!
//! # The model (after Okapi's filters)
//!
//! A [`Filter`] turns a document into a list of [`Block`]s: the runs of text a reader sees as one
//! unit (a paragraph, a heading, a list item, a table cell, an `alt` attribute, a front-matter
//! `title`), each a sequence of [`Piece`]s: text, and inline [`Code`]s standing for the markup
//! inside the text (`<b>`, a link, a DOCX formatting change, a tab, a field). Everything else in
//! the document (the markup between blocks, scripts, styles, code, comments, the other parts of a
//! DOCX package) is the skeleton: the filter keeps it as it is.
//!
//! [`Filter::merge`] takes the original document again, with one translated block per extracted
//! block, and writes the translated document. Blocks are identified by their order: merge
//! re-extracts the original (extraction is deterministic) and puts the translated pieces where
//! the source pieces were. The native markup of a code is taken from the original by the code's
//! id, never from the translation, so a translation can move codes (Chinese and Japanese put
//! words in another order) but cannot inject markup.
//!
//! The workflow (in `ops`) segments each block into sentences, shows each sentence's codes to
//! CAT tools as TMX/XLIFF inline codes ([`to_markup`]), reads translated sentences back
//! ([`from_markup`]), checks their codes ([`check_codes`]) and joins them into blocks.
//!
//! # Adding a format
//!
//! One file: a type implementing [`Filter`], a [`Kind`] variant, and a line in [`detect`].

pub mod codes;

pub use codes::{CodeProblem, check_codes, check_nesting, from_markup, to_markup};

use std::io::Cursor;

use crate::error::{ErrorKind, Result};
use crate::model::Lang;

/// A document format tmkit can extract and merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Plain text: paragraphs separated by blank lines.
    Text,
    /// HTML (WHATWG HTML5, any encoding a browser reads).
    Html,
    /// Markdown (CommonMark with GitHub tables, YAML front matter).
    Markdown,
    /// Office Open XML word-processing document (Word 2007 and later, LibreOffice, Google Docs).
    Docx,
}

impl Kind {
    /// The name people use.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "plain text",
            Kind::Html => "HTML",
            Kind::Markdown => "Markdown",
            Kind::Docx => "DOCX",
        }
    }

    /// The format's name in files and options: `text`, `html`, `markdown`, `docx`.
    pub fn extension_name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Html => "html",
            Kind::Markdown => "markdown",
            Kind::Docx => "docx",
        }
    }

    /// Every format.
    pub const ALL: [Kind; 4] = [Kind::Text, Kind::Html, Kind::Markdown, Kind::Docx];

    /// The kind named by [`Kind::extension_name`].
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.extension_name() == name)
    }

    /// The kind whose XLIFF `datatype` is `datatype` ([`Kind::datatype`]).
    pub fn from_datatype(datatype: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.datatype() == datatype)
    }

    /// The XLIFF 1.2 `datatype` of the `<file>`.
    pub fn datatype(self) -> &'static str {
        match self {
            Kind::Text => "plaintext",
            Kind::Html => "html",
            Kind::Markdown => "x-markdown",
            Kind::Docx => "x-docx",
        }
    }

    /// The extension written documents get when the original has none.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Text => "txt",
            Kind::Html => "html",
            Kind::Markdown => "md",
            Kind::Docx => "docx",
        }
    }

    /// The filter reading and writing this format.
    pub fn filter(self) -> &'static dyn Filter {
        match self {
            Kind::Text => &text::TextFilter,
            Kind::Html => &html::HtmlFilter,
            Kind::Markdown => &markdown::MarkdownFilter,
            Kind::Docx => &docx::DocxFilter,
        }
    }
}

pub mod docx;
pub mod html;
pub mod markdown;
pub mod text;

/// What a code stands for in the block's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The start of a span (`<b>`, `<a href>`, a run with other formatting, a field's result).
    Open,
    /// The end of the span opened by the code with the same id.
    Close,
    /// A code on its own (`<br>`, `<img>`, a tab, a field without result).
    Standalone,
}

/// An inline code.
///
/// Invariant (in a [`Block`] as extracted): ids are 1-based and unique in the block, except that
/// an [`Role::Open`] and its [`Role::Close`] share one; codes are well nested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// Numbers the code within its block; an open code and its close share one.
    pub id: u32,
    /// Whether the code opens a span, closes one or stands alone.
    pub role: Role,
    /// The XLIFF 1.2 `ctype` (also the TMX `type`): `bold`, `italic`, `underlined`, `link`,
    /// `image`, `lb` (line break), `pb` (page break), or `x-...` (`x-tab`, `x-field`, `x-code`,
    /// `x-span`, `x-format`, `x-sup`, `x-sub`).
    pub ctype: String,
    /// The markup the code stands for, as the document has it (`<b>`, `</a>`, `<w:tab/>`), shown to
    /// translators; for codes read from a translation it may be empty: merge never uses it.
    pub native: String,
}

impl Code {
    /// A code with an empty native form (for building translations).
    pub fn new(id: u32, role: Role, ctype: &str) -> Code {
        Code {
            id,
            role,
            ctype: ctype.to_string(),
            native: String::new(),
        }
    }
}

/// A piece of a block: text a reader sees, or an inline code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text a reader sees.
    Text(String),
    /// An inline code.
    Code(Code),
}

/// A unit of translation in a document: a paragraph, heading, list item, table cell, attribute.
///
/// Invariant (as extracted): the pieces hold some text that is not white space; adjacent text
/// pieces are joined; codes as described on [`Code`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What the block is, as an XLIFF `restype` for its group: `x-paragraph`, `x-heading`,
    /// `x-list-item`, `x-table-cell`, `x-title`, `x-attribute`, `x-front-matter`, `x-footnote`,
    /// `x-header`, `x-footer`, `x-text-box`, `x-text` (a whole plain-text file).
    pub restype: &'static str,
    /// Where it is, for people: `h1`, `p`, `img alt`, `meta description`, `word/footer1.xml`,
    /// `title` (front matter).
    pub name: String,
    /// The block's text and inline codes, in document order.
    pub pieces: Vec<Piece>,
}

impl Block {
    /// A block of plain text.
    pub fn text(restype: &'static str, name: impl Into<String>, text: impl Into<String>) -> Block {
        Block {
            restype,
            name: name.into(),
            pieces: vec![Piece::Text(text.into())],
        }
    }

    /// The text a reader sees (codes left out).
    pub fn plain_text(&self) -> String {
        plain_text(&self.pieces)
    }

    /// The codes, in order.
    pub fn codes(&self) -> impl Iterator<Item = &Code> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Code(c) => Some(c),
            Piece::Text(_) => None,
        })
    }
}

/// The text of pieces, codes left out.
pub fn plain_text(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        if let Piece::Text(t) = p {
            out.push_str(t);
        }
    }
    out
}

/// A document as extracted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The format the document was read as.
    pub kind: Kind,
    /// The units of translation, in document order.
    pub blocks: Vec<Block>,
    /// The document's declared language (`<html lang>`, DOCX default `w:lang`), if any.
    pub lang: Option<String>,
    /// The encoding the document was read in (`UTF-8`, `windows-1252`, `GB2312`, `Shift_JIS`);
    /// merge writes the same one.
    pub encoding: &'static str,
    /// What a translator or project manager should know about the document, said in the
    /// analysis: `the document has tracked changes (3 insertions, 1 deletion): accept or reject
    /// them before translating, or the translation will carry them`.
    pub warnings: Vec<String>,
}

impl Extracted {
    /// An extraction with no warnings, no declared language, in UTF-8.
    pub fn new(kind: Kind, blocks: Vec<Block>) -> Extracted {
        Extracted {
            kind,
            blocks,
            lang: None,
            encoding: "UTF-8",
            warnings: Vec::new(),
        }
    }
}

/// A document format: extraction and merge, as a pair.
///
/// Both take the whole original document (`name` is its file name, for messages as
/// `name:line:column` or `name: word/document.xml:12:40`). Neither panics on any input; bad input
/// is an [`ErrorKind::Document`] error saying what is wrong and what to do.
pub trait Filter: Sync {
    /// The blocks of a document, in document order.
    fn extract(&self, document: &[u8], name: &str, options: &Options) -> Result<Extracted>;

    /// The document with each block replaced by its translation.
    ///
    /// `blocks` has one entry per extracted block, in the same order (the caller checks the
    /// count). Each holds the same codes as the source block (same ids and roles), well nested,
    /// in any order, and any text; `native` and `ctype` of its codes are not used. The language
    /// metadata (`<html lang>`, `w:lang`) is set to `target`. Everything outside the blocks is
    /// written as it was: with every block equal to its source and the same language, the
    /// output equals the input (byte for byte for text, HTML and Markdown; for DOCX, the same
    /// text and run properties in the XML and every other part of the package byte-identical).
    fn merge(
        &self,
        document: &[u8],
        name: &str,
        options: &Options,
        blocks: &[Vec<Piece>],
        target: &Lang,
    ) -> Result<Vec<u8>>;

    /// The blocks of a document read from `input`, handed to `sink` one at a time in document
    /// order, as [`Filter::extract`] gives them except that the codes' `native` markup may be
    /// left empty; returns the rest of the extraction (its `blocks` empty). The first error of
    /// `sink` stops the reading and is returned.
    ///
    /// Formats that can read a document a piece at a time (HTML) hold only the block being
    /// read, and refuse a block longer than the segment limit
    /// ([`Limits`](crate::model::Limits)); the others read the whole document and extract it.
    fn extract_each(
        &self,
        input: &mut dyn Input,
        name: &str,
        options: &Options,
        sink: &mut dyn FnMut(Block) -> Result<()>,
    ) -> Result<Extracted> {
        let mut document = Vec::new();
        input
            .read_to_end(&mut document)
            .map_err(|e| crate::Error::io(name, e))?;
        let mut extracted = self.extract(&document, name, options)?;
        for block in std::mem::take(&mut extracted.blocks) {
            sink(block)?;
        }
        Ok(extracted)
    }
}

/// What a document is read from when it is read a piece at a time: a file, or bytes in memory
/// (a `Cursor`). Seeking lets a filter read the start again (HTML: to check that a page that
/// declares no encoding is UTF-8 throughout before reading it as UTF-8).
pub trait Input: std::io::Read + std::io::Seek {}

impl<T: std::io::Read + std::io::Seek + ?Sized> Input for T {}

/// What the user says about a document that its content does not.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The encoding of a text-based document (text, HTML, Markdown) that declares none and is not
    /// UTF-8: a WHATWG label (`windows-1252`, `gb18030`, `shift_jis`, `utf-16le`). It overrides
    /// an HTML page's `<meta charset>`.
    pub encoding: Option<String>,
}

/// Formats tmkit recognises in order to refuse them with advice.
fn refused(name: &str, what: &str, advice: &str) -> crate::Error {
    ErrorKind::Document {
        name: name.to_string(),
        message: format!("{what}: tmkit cannot translate it: {advice}"),
    }
    .into()
}

const CONVERT: &str =
    "open it in a word processor and save it as DOCX (Word document), HTML or plain text";

/// Detects a document's format from its content (the extension only breaks ties between text
/// formats: `.md` and `.markdown` are Markdown, `.html`, `.htm` and `.xhtml` HTML).
///
/// Refuses what tmkit cannot translate, naming it: PDF, legacy Word (.doc), RTF, ODT, XLSX, PPTX,
/// a macro-enabled .docm, an encrypted (password-protected) Office document, other ZIP archives,
/// images and other binary files.
pub fn detect(document: &[u8], name: &str) -> Result<Kind> {
    let head = &document[..document.len().min(8)];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return detect_zip(document, name);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // An OLE2 compound file: a legacy Office document, or an encrypted OOXML one (its
        // directory names the stream "EncryptionInfo", in UTF-16).
        let needle: Vec<u8> = "EncryptionInfo"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        if memchr::memmem::find(document, &needle).is_some() {
            return Err(refused(
                name,
                "an encrypted (password-protected) Office document",
                "open it with its password and save it without one",
            ));
        }
        return Err(refused(
            name,
            "a legacy binary Office document (Word 97-2003 .doc, .xls or .ppt)",
            CONVERT,
        ));
    }
    let binary: [(&[u8], &str, &str); 9] = [
        (
            b"%PDF",
            "a PDF file",
            "PDF is not an editable format: ask the client for the document it was made from (DOCX, HTML), or convert it to DOCX and check the result",
        ),
        (b"{\\rtf", "an RTF document", CONVERT),
        (
            b"\x89PNG",
            "a PNG image",
            "images have no text to translate",
        ),
        (
            b"\xff\xd8\xff",
            "a JPEG image",
            "images have no text to translate",
        ),
        (b"GIF8", "a GIF image", "images have no text to translate"),
        (
            b"RIFF",
            "a RIFF file (WebP image, WAV, AVI)",
            "it has no text to translate",
        ),
        (
            b"\x1f\x8b",
            "a gzip archive",
            "unpack it and prepare the document inside",
        ),
        (
            b"7z\xbc\xaf",
            "a 7-Zip archive",
            "unpack it and prepare the document inside",
        ),
        (
            b"Rar!",
            "a RAR archive",
            "unpack it and prepare the document inside",
        ),
    ];
    for (magic, what, advice) in binary {
        if head.starts_with(magic) {
            return Err(refused(name, what, advice));
        }
    }
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    if matches!(ext, "md" | "markdown" | "mdown" | "mkd") {
        return Ok(Kind::Markdown);
    }
    if matches!(ext, "html" | "htm" | "xhtml") || looks_like_html(document) {
        return Ok(Kind::Html);
    }
    if looks_like_markdown(document) {
        return Ok(Kind::Markdown);
    }
    Ok(Kind::Text)
}

/// The first non-blank characters (after a byte-order mark) are `<!doctype html`, `<html`, `<head`,
/// `<body`, or an HTML comment followed by one of these.
fn looks_like_html(document: &[u8]) -> bool {
    let head = &document[..document.len().min(1024)];
    let head = head
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let lower: Vec<u8> = head[start..].iter().map(u8::to_ascii_lowercase).collect();
    [
        b"<!doctype html".as_slice(),
        b"<html",
        b"<head",
        b"<body",
        b"<meta",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || (lower.starts_with(b"<!--") && memchr::memmem::find(&lower, b"<html").is_some())
}

/// YAML front matter, or ATX headings and links in the first lines.
fn looks_like_markdown(document: &[u8]) -> bool {
    let head = &document[..document.len().min(4096)];
    let Ok(text) =
        std::str::from_utf8(head).or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()]))
    else {
        return false;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.starts_with("---\n") || text.starts_with("---\r\n") {
        return true;
    }
    let mut signs = 0;
    for line in text.lines().take(40) {
        let t = line.trim_start();
        let hashes = t.len() - t.trim_start_matches('#').len();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            signs += 1;
        }
        if t.starts_with("```") || (t.contains("](") && t.contains('[')) {
            signs += 1;
        }
    }
    signs >= 2
}

fn detect_zip(document: &[u8], name: &str) -> Result<Kind> {
    let mut archive = match zip::ZipArchive::new(Cursor::new(document)) {
        Ok(archive) => archive,
        Err(e) => {
            return Err(ErrorKind::Document {
                name: name.to_string(),
                message: format!(
                    "a damaged ZIP archive ({e}): if it is a Word document, open it in Word or \
                     LibreOffice and save it again"
                ),
            }
            .into());
        }
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    let types = read_zip_part(&mut archive, "[Content_Types].xml").unwrap_or_default();
    let types = String::from_utf8_lossy(&types);
    if has("word/document.xml") || types.contains("wordprocessingml.document.main") {
        if types.contains("macroEnabled") {
            return Err(refused(
                name,
                "a macro-enabled Word document (.docm)",
                "save it as a Word document (.docx) without macros, then prepare that",
            ));
        }
        if types.contains("template.main") {
            return Err(refused(
                name,
                "a Word template (.dotx)",
                "create a document from it and save that as .docx",
            ));
        }
        return Ok(Kind::Docx);
    }
    if has("mimetype") {
        let mime = read_zip_part(&mut archive, "mimetype").unwrap_or_default();
        let mime = String::from_utf8_lossy(&mime);
        if mime.contains("opendocument.text") {
            return Err(refused(
                name,
                "an OpenDocument text (ODT)",
                "open it in LibreOffice and save it as Word (.docx)",
            ));
        }
        if mime.contains("opendocument") {
            return Err(refused(
                name,
                &format!("an OpenDocument file ({})", mime.trim()),
                "tmkit translates text documents: DOCX, HTML, Markdown, plain text",
            ));
        }
    }
    if names.iter().any(|n| n.starts_with("xl/")) {
        return Err(refused(
            name,
            "an Excel workbook (XLSX)",
            "tmkit translates text documents: DOCX, HTML, Markdown, plain text",
        ));
    }
    if names.iter().any(|n| n.starts_with("ppt/")) {
        return Err(refused(
            name,
            "a PowerPoint presentation (PPTX)",
            "tmkit translates text documents: DOCX, HTML, Markdown, plain text",
        ));
    }
    if has("mimetype") && names.iter().any(|n| n.ends_with(".opf")) || has("META-INF/container.xml")
    {
        return Err(refused(
            name,
            "an EPUB book",
            "tmkit translates text documents: DOCX, HTML, Markdown, plain text",
        ));
    }
    Err(refused(
        name,
        "a ZIP archive",
        "unpack it and prepare the document inside",
    ))
}

/// Reads one part of a ZIP package, at most 1 MB (enough for `[Content_Types].xml` and
/// `mimetype`); `None` when it is missing or unreadable.
fn read_zip_part(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, part: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    let file = archive.by_name(part).ok()?;
    let mut out = Vec::new();
    file.take(1 << 20).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The space between two sentences of one block in the target language: in Chinese and
/// Japanese (which put no space between sentences) white space there is left out: any white
/// space in the formats that show it as one space (HTML, Markdown, DOCX), white space without a
/// line break in plain text, where line breaks are the text's own. Anything else is kept.
pub fn gap_for(gap: &str, target: &Lang, kind: Kind) -> String {
    let cjk = matches!(target.primary(), "zh" | "ja");
    let collapsible =
        |c: char| c.is_whitespace() && (kind != Kind::Text || (c != '\n' && c != '\r'));
    if cjk && !gap.is_empty() && gap.chars().all(collapsible) {
        String::new()
    } else {
        gap.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_by_content() {
        let table: [(&[u8], &str, Kind); 6] = [
            (b"Hello world.\n\nSecond.", "a.txt", Kind::Text),
            (b"<!DOCTYPE html><p>x</p>", "a.txt", Kind::Html),
            (b"  <html lang=en><p>x", "page", Kind::Html),
            (b"<p>x</p>", "a.htm", Kind::Html),
            (b"---\ntitle: x\n---\n# Hi\n", "a.txt", Kind::Markdown),
            (
                b"# Title\n\nSee [the site](https://x.org).\n",
                "notes",
                Kind::Markdown,
            ),
        ];
        for (bytes, name, want) in table {
            assert_eq!(detect(bytes, name).unwrap(), want, "{name}");
        }
    }

    #[test]
    fn documents_tmkit_cannot_translate_are_named() {
        let table: [(&[u8], &str); 5] = [
            (b"%PDF-1.7\n", "a PDF file"),
            (b"{\\rtf1\\ansi", "an RTF document"),
            (
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0",
                "legacy binary Office",
            ),
            (b"\x89PNG\r\n\x1a\n", "a PNG image"),
            (b"PK\x03\x04garbage", "damaged ZIP"),
        ];
        for (bytes, want) in table {
            let e = detect(bytes, "in.x").unwrap_err().to_string();
            assert!(e.starts_with("in.x: ") && e.contains(want), "{e}");
        }
    }

    #[test]
    fn sentence_gaps_follow_the_target_language() {
        let zh = Lang::parse("zh-CN").unwrap();
        let en = Lang::parse("en-GB").unwrap();
        assert_eq!(gap_for(" ", &zh, Kind::Text), "");
        assert_eq!(gap_for("\u{a0} ", &zh, Kind::Text), "");
        assert_eq!(gap_for("\n", &zh, Kind::Text), "\n");
        assert_eq!(gap_for("\n  ", &zh, Kind::Html), "");
        assert_eq!(gap_for(" ", &en, Kind::Html), " ");
    }
}
